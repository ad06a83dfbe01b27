"""PDF rendering (ReportLab). Receives frozen data and returns bytes; never imports Flask or the models,
so a letter can be re-rendered identically from its stored snapshot."""
