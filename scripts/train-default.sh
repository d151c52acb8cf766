#!/bin/sh
# train-default.sh BIN - refits the built-in model, data/model_default.json,
# on `cibscan synth` output: three populations (plain, networks that never
# repost each other, networks that only repost), none of the seeds used by
# the evaluation figures in the notes (1-5, 7) or by the tests. Deterministic.
set -eu
bin=${1:-./cibscan}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bin" synth -o "$tmp/t1" --seed 1001 --accounts 3000 --posts 150000 --networks 4 >/dev/null
"$bin" synth -o "$tmp/t2" --seed 1002 --accounts 3000 --posts 150000 --networks 4 --no-network-reposts >/dev/null
"$bin" synth -o "$tmp/t3" --seed 1003 --accounts 3000 --posts 150000 --networks 4 --network-reposts-only >/dev/null
{
	head -n 1 "$tmp/t1/truth.csv"
	for t in t1 t2 t3; do tail -n +2 "$tmp/$t/truth.csv"; done
} > "$tmp/truth.csv"
"$bin" train "$tmp/truth.csv" "$tmp"/t1/tweets.csv "$tmp"/t1/users.csv \
	"$tmp"/t2/tweets.csv "$tmp"/t2/users.csv "$tmp"/t3/tweets.csv \
	"$tmp"/t3/users.csv -o "$tmp/model.json" --quiet
python3 - "$tmp/model.json" data/model_default.json <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
m["source"] = ("cibscan train on cibscan synth output (scripts/train-default.sh): "
               "seeds 1001 plain, 1002 --no-network-reposts, 1003 --network-reposts-only; "
               "3000 accounts, 150000 posts, 4 networks each; " + m["source"].split(": ", 1)[1])
json.dump(m, open(sys.argv[2], "w"), indent=1)
open(sys.argv[2], "a").write("\n")
PY
echo "wrote data/model_default.json"
