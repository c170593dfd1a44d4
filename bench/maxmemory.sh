#!/bin/sh
# bench/maxmemory.sh -- eviction under maxmemory, kilat vs redis-server in
# one run: the hit ratio of allkeys-lru and allkeys-lfu on a Zipf-like
# cache-aside workload (GET, SET on a miss) with a memory limit that holds
# about half the working set, and the keys each server holds under that
# same limit. A side whose eviction does not work (CONFIG SET refused, OOM
# errors, the limit not honoured) is reported "not available". Usage:
# bench/maxmemory.sh [--help] [flags]; see bench/README.md.
# KILAT_BIN=/usr/bin/redis-server is the dry run.
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3
exec "$PY" "$(dirname "$0")/maxmemory.py" "$@"
