#!/bin/sh
# scripts/redis-suite-fetch.sh DIR -- unpacks Redis's own test suite
# (`runtest` and `tests/`) from Debian's source package of `redis`, the
# version of the installed redis-server, into DIR/redis (cached: nothing is
# done when it is already there). Needs a deb-src entry: when none exists
# one is added for the mirror the machine already uses (as root).
set -e
dir=$1
[ -n "$dir" ] || { echo "usage: $0 DIR" >&2; exit 2; }
[ -x "$dir/redis/runtest" ] && exit 0
# Parallel test runs (make test runs two pytest suites at once) may both
# get here: one fetches, the other waits for it and finds the result.
mkdir -p "$dir"
exec 9>"$dir/.fetch.lock"
flock 9
[ -x "$dir/redis/runtest" ] && exit 0

version=$(dpkg-query -W -f='${Version}' redis-server 2>/dev/null || true)
[ -n "$version" ] || { echo "redis-suite: redis-server is not installed" >&2; exit 1; }

has_src() {
  grep -qsE '^(Types:.*deb-src|deb-src )' /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
    /etc/apt/sources.list.d/*.sources
}
if ! has_src; then
  if [ "$(id -u)" != 0 ]; then
    echo "redis-suite: no deb-src entry for apt; as root, add one for your mirror" >&2
    exit 1
  fi
  # The same mirrors and suites as the binary entries, as source entries.
  tmp=$(mktemp)
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] && sed 's/^Types: deb$/Types: deb-src/' "$f" && echo
  done > "$tmp"
  if [ -s "$tmp" ]; then chmod 644 "$tmp"; mv "$tmp" /etc/apt/sources.list.d/kilat-deb-src.sources
  else rm -f "$tmp"; fi
  if [ -f /etc/apt/sources.list ] && grep -q '^deb ' /etc/apt/sources.list; then
    sed -n 's/^deb /deb-src /p' /etc/apt/sources.list > /etc/apt/sources.list.d/kilat-deb-src.list
  fi
  apt-get update -qq
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/kilat-redis-src.XXXXXX")
trap 'rm -rf "$work"' EXIT
# apt drops privileges to _apt for downloads; a root-owned mktemp dir is not
# writable by it, which apt only warns about, so keep the output short.
(cd "$work" && apt-get source -qq "redis=$version" >/dev/null 2>&1) || {
  echo "redis-suite: apt-get source redis=$version failed" >&2; exit 1; }
src=$(find "$work" -maxdepth 1 -type d -name 'redis-*' | head -1)
[ -x "$src/runtest" ] || { echo "redis-suite: no runtest in the source package" >&2; exit 1; }
mkdir -p "$dir"
rm -rf "$dir/redis.tmp"
mkdir "$dir/redis.tmp"
cp -r "$src/runtest" "$src/tests" "$dir/redis.tmp/"
echo "$version" > "$dir/redis.tmp/VERSION"
mv "$dir/redis.tmp" "$dir/redis"
echo "redis-suite: Redis $version test suite in $dir/redis"
