"""Home visit and call forms (issue 5)."""
