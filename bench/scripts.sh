#!/bin/sh
# bench/scripts.sh -- Lua scripting: Laravel's lock pattern (SET NX EX +
# compare-and-delete script) and queue pop (Lua + cjson), kilat vs
# redis-server: ops/s A/B alternating, and instructions per request under
# callgrind. Usage: bench/scripts.sh [--help] [flags]; see bench/README.md.
# KILAT_BIN=/usr/bin/redis-server is the dry run.
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3
exec "$PY" "$(dirname "$0")/scripts.py" "$@"
