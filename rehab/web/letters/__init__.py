"""Synthesis letters: the programme's letters, drafting, review, validation, the médecin's queue, dispatch."""
