"""The reminder process (APScheduler in its own process, never inside web workers).

Its jobs arrive with the reminders issue; the package exists so the layout is stable."""
