#!/usr/bin/env bash
# Development: the web server and the reminder scheduler together (`make run`).
# The scheduler runs in its own process (never inside the web server) in the background and is stopped
# when the server stops (Ctrl+C, error or normal exit).
set -euo pipefail
BIN="${BIN:-.venv/bin}"
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-5000}"
# A development machine: keys that production must be given (pseudonyms of the evaluation export) are made locally.
export REHAB_ENV="${REHAB_ENV:-development}"

"$BIN/rehab" scheduler &
SCHEDULER_PID=$!
stop_scheduler() {
  if kill -0 "$SCHEDULER_PID" 2>/dev/null; then
    kill "$SCHEDULER_PID" 2>/dev/null || true
    wait "$SCHEDULER_PID" 2>/dev/null || true
  fi
}
trap stop_scheduler EXIT INT TERM

echo "Planificateur des rappels démarré (pid $SCHEDULER_PID) ; courriels de développement dans instance/outbox/."
REHAB_INSECURE_COOKIES=1 "$BIN/rehab" run --host "$HOST" --port "$PORT"
