#!/bin/sh
# install-deps.sh - installs the Debian packages cibscan builds and tests
# with, only those missing. Needs root (or sudo) on Debian 12.
set -eu
PKGS="build-essential pkg-config clang libclang-rt-14-dev
libigraph-dev libgsl-dev libcjson-dev libcurl4-openssl-dev libcmocka-dev
libcsv-dev libutf8proc-dev libxxhash-dev libexttextcat-dev libzip-dev
zlib1g-dev libsqlite3-dev sqlite3 tzdata python3 zip gzip time bc libgumbo-dev
chromium libmicrohttpd-dev nettle-dev curl openmpi-bin libopenmpi-dev"
# Node.js and npm drive the browser tests. Where a Node.js is already there
# (NodeSource's package bundles npm and conflicts with Debian's npm), it is
# used as it is; Debian's packages only where there is no npm at all.
command -v npm >/dev/null 2>&1 || PKGS="$PKGS nodejs npm"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO=sudo
	echo "installing:$missing" >&2
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
fi
# puppeteer-core for the 'serve' browser test (tests/browser/package.json,
# pinned); offline, that test installs it itself or skips
top=$(cd "$(dirname "$0")/.." && pwd)
if [ ! -d "$top/tests/browser/node_modules/puppeteer-core" ] && command -v npm >/dev/null 2>&1; then
	(cd "$top/tests/browser" && npm install --no-audit --no-fund --loglevel=error) ||
		echo "install-deps: npm could not install puppeteer-core (offline?); the serve browser test will try again or skip" >&2
fi
exit 0
