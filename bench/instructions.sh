#!/bin/sh
# bench/instructions.sh -- server instructions per request under callgrind,
# kilat vs redis-server. Usage: bench/instructions.sh [--help] [flags];
# see bench/README.md. KILAT_BIN=/usr/bin/redis-server is the dry run.
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3
exec "$PY" "$(dirname "$0")/instructions.py" "$@"
