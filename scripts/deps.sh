#!/bin/sh
# scripts/deps.sh build|all -- installs what kilat needs from Debian when
# run as root, or prints the exact apt-get line for a user to run.
set -e
BUILD_PKGS="gcc make pkg-config libjemalloc-dev liblua5.1-0-dev lua-cjson-dev lua-bitop-dev liblzf-dev libssl-dev"
TEST_PKGS="python3 python3-pytest python3-redis redis-server redis-tools php-laravel-framework php-cli php-redis php-predis php-mysql mariadb-server mariadb-client tcl tcl-tls dpkg-dev clang libclang-rt-14-dev strace"
case "$1" in
  build) want="$BUILD_PKGS" ;;
  *)     want="$BUILD_PKGS $TEST_PKGS" ;;
esac
missing=""
for p in $want; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
  echo "installing:$missing"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing
else
  echo "missing packages; run:"
  echo "  sudo apt-get update && sudo apt-get install -y$missing"
  exit 1
fi
