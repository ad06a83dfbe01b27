"""The reminder process (APScheduler in its own process, never inside web workers).

`rehab scheduler` (or `python -m scheduler`) runs `runner.serve`: a BlockingScheduler with fixed jobs
in Europe/Paris (sweep due reminders every minute, digest rows hourly, non-events nightly), each a thin
call to a service in `rehab.services.reminders` / `reminder_delivery` taking `now`.  State lives in
rows (reminders, scheduler_runs, scheduler_locks), never in APScheduler's job store.  `--once` runs
one pass of every job and exits; a second process started by mistake idles (see `scheduler.lock`)."""
