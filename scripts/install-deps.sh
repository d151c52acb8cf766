#!/bin/sh
# install-deps.sh - installs the Debian packages cibscan builds and tests
# with, only those missing. Needs root (or sudo) on Debian 12.
set -eu
PKGS="build-essential pkg-config clang libclang-rt-14-dev
libigraph-dev libgsl-dev libcjson-dev libcurl4-openssl-dev libcmocka-dev
libcsv-dev libutf8proc-dev libxxhash-dev libexttextcat-dev libzip-dev
zlib1g-dev libsqlite3-dev sqlite3 tzdata python3 zip gzip time bc libgumbo-dev
chromium"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "installing:$missing" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
