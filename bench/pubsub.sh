#!/bin/sh
# bench/pubsub.sh -- PUBLISH fan-out to 50 subscribers, kilat vs redis-server, A/B.
# Usage: bench/pubsub.sh [--help] [flags]; see bench/README.md.
# KILAT_BIN=/usr/bin/redis-server bench/pubsub.sh   is the dry run.
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3
exec "$PY" "$(dirname "$0")/pubsub.py" "$@"
