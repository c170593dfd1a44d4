#!/bin/sh
# bench/persist.sh -- RDB persistence, kilat vs redis-server in one run:
# SAVE and BGSAVE time for 1M mixed keys, file size, load time at start
# (own file, and each one's file in the other), and peak memory (RSS of
# server + child, PSS, used_memory; sampled every 10 ms) during a BGSAVE
# under a write load on every key type. kilat's half says "not available"
# while its SAVE fails. Usage: bench/persist.sh [--help] [flags]; see
# bench/README.md. KILAT_BIN=/usr/bin/redis-server is the dry run.
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3
exec "$PY" "$(dirname "$0")/persist.py" "$@"
