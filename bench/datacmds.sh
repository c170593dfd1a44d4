#!/bin/sh
# bench/datacmds.sh -- issue 15's data commands, kilat vs redis-server in
# one run: BITCOUNT/BITPOS/BITOP on 1 MB strings, SETBIT, BITFIELD,
# PFADD/PFCOUNT/PFMERGE, GEOADD and GEOSEARCH on 100k members, SORT of 10k
# elements, FCALL vs EVALSHA; each test's reply is compared between the
# two servers before it is timed. Usage: bench/datacmds.sh [--help]
# [flags]; see bench/README.md. KILAT_BIN=/usr/bin/redis-server is the dry run.
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3
exec "$PY" "$(dirname "$0")/datacmds.py" "$@"
