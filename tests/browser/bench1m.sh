#!/bin/sh
# bench1m.sh BUILD_DIR WORKDIR - the report's budget at a million posts (not
# part of `make check`: slow): a synth of 20 000 accounts and 1 000 000
# posts, its report, the report's size, then three loads in headless
# Chromium through tests/browser/first_screen.js (fcp/lcp: the first
# screen painted; dcl: the whole page parsed; ms from navigation start).
# Needs puppeteer-core (scripts/install-deps.sh puts it in
# tests/browser/node_modules, or set NODE_PATH). docs/report.md has the
# figures measured with it.
set -eu
build=$1
work=$2
top=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$work"
"$build/cibscan" synth -o "$work/s1m" --accounts 20000 --posts 1000000 \
	--seed 1 >/dev/null
/usr/bin/time -f "report: %e s wall, %M KB" "$build/cibscan" report \
	"$work/s1m/tweets.csv" "$work/s1m/users.csv" -o "$work/r.html" --quiet
ls -l "$work/r.html" | awk '{ printf "report: %.2f MB\n", $5 / 1e6 }'
NODE_PATH=${NODE_PATH:-$top/tests/browser/node_modules} \
	node "$top/tests/browser/first_screen.js" "file://$work/r.html" \
	"$(command -v chromium)" 3
uptime
