#!/bin/sh
# bench/streams.sh -- issue 16's streams, kilat vs redis-server in one run:
# XADD (*, MAXLEN ~, 5 fields), XRANGE/XREVRANGE COUNT 100, XREAD, XLEN
# throughput (redis-benchmark), XREADGROUP+XACK draining a queue, and
# memory per entry for a million small entries; each test's reply is
# compared between the two servers before it is timed. Usage:
# bench/streams.sh [--help] [flags]; see bench/README.md.
# KILAT_BIN=/usr/bin/redis-server is the dry run.
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3
exec "$PY" "$(dirname "$0")/streams.py" "$@"
