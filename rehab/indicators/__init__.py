"""Indicators: what the programme achieves, computed with pandas from the database.

`types` is the contract every consumer reads (dashboards, the annual report, the evaluator's export, the
benchmark): an `IndicatorReport` made of families, each with figures (value, numerator/denominator, missing,
target, trend, the programmes behind it) and breakdowns (tables that become charts).
"""
