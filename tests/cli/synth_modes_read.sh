#!/bin/sh
# synth_modes_read.sh - the files of 'synth --stealth', '--sparse' and
# '--mix' are read back whole by the existing readers (inspect --strict:
# nothing skipped), every account of truth.csv is in them, and the CLI
# rejects mixed-up options with a usage error.
set -eu
for m in stealth sparse mix; do
	"$CIBSCAN" synth --$m -o "$TMPDIR/$m" --organic 100 --scale 0.2 \
		--seed 4 >/dev/null
	for f in "$TMPDIR/$m"/*.jsonl; do
		"$CIBSCAN" inspect --strict --json "$f" >"$f.inspect"
	done
	python3 - "$TMPDIR/$m" <<'PY'
import csv, glob, json, sys, collections
d = sys.argv[1]
truth = list(csv.DictReader(open(d + "/truth.csv")))
by = collections.Counter(t["platform"] for t in truth)
seen = collections.Counter()
for f in glob.glob(d + "/*.inspect"):
    j = json.load(open(f))
    assert j["skipped"]["total"] == 0, (f, j["skipped"])
    assert j["posts"] > 0
    for p, v in j.get("platforms", {}).items():
        seen[p] += v["accounts"] if isinstance(v, dict) and "accounts" in v else 0
    if not j.get("platforms"):
        seen["?"] += j["accounts"]
assert sum(seen.values()) == len(truth), (seen, by)
roles = {t["role"] for t in truth}
assert {"cib", "organic", "advocacy", "contest", "aggregator", "friends", "partisan"} <= roles, roles
PY
done
rc=0
"$CIBSCAN" synth --stealth --sparse -o "$TMPDIR/x" 2>"$TMPDIR/err" || rc=$?
[ "$rc" -eq 2 ]
rc=0
"$CIBSCAN" synth --stealth --window 5 -o "$TMPDIR/x" 2>"$TMPDIR/err" || rc=$?
[ "$rc" -eq 2 ]
grep -q "cosharing" "$TMPDIR/err"
rc=0
"$CIBSCAN" synth --platforms x,myspace -o "$TMPDIR/x" 2>"$TMPDIR/err" || rc=$?
[ "$rc" -eq 2 ]
