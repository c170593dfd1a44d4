#!/bin/sh
# bench/queue.sh -- Laravel's redis queue end to end, kilat vs redis-server:
# N jobs pushed by one PHP process, drained by 2 `artisan queue:work`
# workers, A/B alternating. Usage: bench/queue.sh [--help] [flags]; see
# bench/README.md. KILAT_BIN=/usr/bin/redis-server is the dry run.
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3
exec "$PY" "$(dirname "$0")/queue.py" "$@"
