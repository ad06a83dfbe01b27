"""Notifications: the in-app inbox (badge in the navigation bar), preferences, the scheduler status page."""
