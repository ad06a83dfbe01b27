"""Worklists and calendars: « Ma journée », the team view, the week calendar and the iCalendar feed."""
