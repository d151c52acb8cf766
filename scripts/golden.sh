#!/bin/sh
# golden.sh CIBSCAN OUTDIR - scores the bundled sample (fixtures/sample)
# with the default options and writes OUTDIR/accounts.csv and
# OUTDIR/clusters.csv: what tests/golden/ holds ('make regolden' refreshes
# it; tests/cli/golden_sample.sh compares it byte for byte).
set -eu
cibscan=$1
out=$2
top=$(cd "$(dirname "$0")/.." && pwd)
"$cibscan" score "$top/fixtures/sample/tweets.csv.gz" \
	"$top/fixtures/sample/users.csv.gz" -o "$out/accounts.csv" \
	--clusters "$out/clusters.csv" --quiet
