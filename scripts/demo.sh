#!/bin/sh
# demo.sh BIN - the main job on the bundled sample (a small `cibscan synth`
# export with ground truth): score it, write every output, show the flags.
set -eu
bin=$1
cd "$(dirname "$0")/.."
mkdir -p out
s=fixtures/sample
echo "== cibscan inspect $s/tweets.csv.gz $s/users.csv.gz"
"$bin" inspect "$s/tweets.csv.gz" "$s/users.csv.gz" | sed -n '1,12p'
echo
echo "== cibscan score ... -o out/accounts.csv"
"$bin" score "$s/tweets.csv.gz" "$s/users.csv.gz" -o out/accounts.csv \
	--clusters out/clusters.csv --edges out/edges.csv \
	--graphml out/network.graphml --progress
if "$bin" report --help >/dev/null 2>&1; then
	"$bin" report "$s/tweets.csv.gz" "$s/users.csv.gz" -o out/report.html \
		&& echo "wrote out/report.html"
fi
echo
echo "== clusters (out/clusters.csv)"
cut -d, -f1-4 out/clusters.csv | head -n 10
echo
echo "== top flagged accounts (out/accounts.csv)"
head -n 6 out/accounts.csv | cut -c1-240
if command -v python3 >/dev/null 2>&1; then
	echo
	echo "== against the sample's ground truth ($s/truth.csv)"
	python3 scripts/evaluate.py "$s/truth.csv" out/accounts.csv
fi
