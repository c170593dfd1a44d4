#!/bin/sh
# bench/tls.sh -- redis-benchmark over TLS against kilat and redis-server
# (Debian's, built with TLS), A/B, with plain TCP beside it for reference.
# Usage: bench/tls.sh [--help] [flags]; see bench/README.md.
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3
exec "$PY" "$(dirname "$0")/tls.py" "$@"
