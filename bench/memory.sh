#!/bin/sh
# bench/memory.sh -- bytes per key, kilat vs redis-server (INFO used_memory):
# a million 32-byte string values with and without a TTL, 100k hashes of
# 10 fields, 100k lists of 10 items.
# Usage: bench/memory.sh [--help] [flags]; see bench/README.md.
# KILAT_BIN=/usr/bin/redis-server is the dry run.
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3
exec "$PY" "$(dirname "$0")/memory.py" "$@"
