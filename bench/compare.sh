#!/bin/sh
# bench/compare.sh -- redis-benchmark against kilat and redis-server, A/B.
# Usage: bench/compare.sh [--help] [flags]; see bench/README.md.
# KILAT_BIN=/usr/bin/redis-server bench/compare.sh   is the dry run.
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3
exec "$PY" "$(dirname "$0")/compare.py" "$@"
