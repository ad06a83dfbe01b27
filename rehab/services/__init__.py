"""Use cases. Each takes the session and `now` explicitly, flushes but never commits:
the caller (a route, a CLI command, a scheduler job) owns the single commit point."""
