#!/bin/sh
# bench/load.sh -- 10,000 clients against kilat and redis-server in one run,
# A/B alternating: time to connect them, RSS and used_memory per idle
# client, and an authenticated client's PING latency (p50/p99/max) alone,
# beside the 10,000 idle and active, and during an unauthenticated flood.
# Usage: bench/load.sh [--help] [flags]; see bench/README.md.
# KILAT_BIN=/usr/bin/redis-server is the dry run.
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3
exec "$PY" "$(dirname "$0")/load.py" "$@"
