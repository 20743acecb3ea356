#!/usr/bin/env bash
# Serves the site for `make run` on http://127.0.0.1:$PORT (default 8000).
#
# With REDIS_URL set, a Celery worker and beat run in the background and are stopped when the server stops
# (Ctrl-C). Without it there is no broker: settings make Celery run tasks in-process, so nothing else is needed.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT="${PORT:-8000}"
# Emailed links (printed in this terminal) are built from SITE_URL: make them open the address served here.
export SITE_URL="${SITE_URL:-http://127.0.0.1:$PORT}"
VENV="${VENV:-.venv}"
children=()

# Job control gives each child its own process group, so stopping a child also stops the processes it started
# (runserver's autoreloader runs the server in a child process; the Celery worker has pool processes).
set -m
stop_children() {
    local pid
    for pid in "${children[@]}"; do
        kill -TERM -- "-$pid" 2>/dev/null || true
    done
    wait 2>/dev/null || true
}
trap stop_children EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ -n "${REDIS_URL:-}" ]]; then
    echo "REDIS_URL is set: starting a Celery worker and beat (logs below, prefixed by Celery)"
    "$VENV/bin/celery" -A config worker --loglevel=INFO --concurrency=2 &
    children+=($!)
    "$VENV/bin/celery" -A config beat --loglevel=INFO --schedule "${TMPDIR:-/tmp}/mutuals-celerybeat-schedule-$PORT" &
    children+=($!)
else
    echo "REDIS_URL is not set: Celery tasks run in-process (no worker or beat needed)."
fi

echo
echo "Serving http://127.0.0.1:$PORT/  (Ctrl-C to stop; emails are printed here, including sign-up links)"
echo
# In the background and waited for, so that a signal to this script runs the traps at once and stops everything.
"$VENV/bin/python" manage.py runserver "127.0.0.1:$PORT" &
children+=($!)
wait "${children[-1]}"
