#!/bin/sh
# bench500.sh BUILD_DIR WORKDIR - the report's size and load-time budget for
# one cluster of 500+ accounts (not part of `make check`: slow). Builds
# bench500.c against BUILD_DIR's library, makes a synth archive with one
# network grown by clones (bigcluster.py), writes the report of the merged
# high-scoring clusters, prints its size, then loads it in headless Chromium
# three times and prints the page's own timings (data-parse-ms: HTML parsed
# and DOM built, from the start of parsing; data-ready-ms: after the load
# event and a forced layout).
set -eu
build=$1
work=$2
top=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$work"
cd "$top"
PKGS="igraph gsl libcjson libcurl libutf8proc libxxhash libzip zlib sqlite3"
cc -std=c11 -D_GNU_SOURCE -O2 -I. $(pkg-config --cflags $PKGS) \
	-o "$work/bench500" tests/browser/bench500.c "$build/libcibscan.a" \
	$(pkg-config --libs $PKGS) -lcsv -lexttextcat-2.0 -lm -lpthread
"$build/cibscan" synth -o "$work/syn" --accounts 5000 --posts 150000 \
	--networks 1 --seed 2 >/dev/null
python3 tests/browser/bigcluster.py "$work/syn" "$work/big.csv" 360
"$work/bench500" "$work/big.csv" "$work/big.html"
ls -l "$work/big.html" | awk '{ printf "report: %.2f MB\n", $5 / 1e6 }'
for i in 1 2 3; do
	prof=$(mktemp -d "$work/prof.XXXXXX")
	timeout 120 chromium --headless --no-sandbox --disable-gpu \
		--disable-background-networking --disable-component-update \
		--disable-sync --no-first-run --user-data-dir="$prof" \
		--dump-dom "file://$work/big.html" 2>/dev/null |
		grep -o '<div id="js-status"[^>]*>'
	rm -rf "$prof"
done
uptime
