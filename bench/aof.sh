#!/bin/sh
# bench/aof.sh -- the append-only file, kilat vs redis-server in one run:
# throughput with appendfsync always and everysec (redis-benchmark -c 50,
# set/incr/lpush, A/B alternating, ratio), then BGREWRITEAOF time, peak
# memory (RSS of server + child, PSS, used_memory; every 10 ms) under a
# write load on every key type, and the load time at start on each
# server's own appendonlydir and on the other's. A side that does not
# write its AOF is reported "not available". Usage: bench/aof.sh [--help]
# [flags]; see bench/README.md. KILAT_BIN=/usr/bin/redis-server is the
# dry run.
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3
exec "$PY" "$(dirname "$0")/aof.py" "$@"
