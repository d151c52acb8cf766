#!/bin/sh
# The scored run (docs/run.md): 'score --save' writes it; 'flag' and
# 'explain' given --run answer from it without the inputs, exactly as
# they answer from the inputs; explain's contributions add up to the
# score; a damaged or foreign file is refused with a message naming it.
# Cluster ids run C1.. by decreasing size.
set -eu
s=$FIXTURES/sample
T=$TMPDIR
$CIBSCAN score "$s/tweets.csv.gz" "$s/users.csv.gz" -o "$T/a.csv" \
	--clusters "$T/c.csv" --save "$T/run.cib" --quiet
head -c 8 "$T/run.cib" | grep -q CIBSRUN
# flag: from the run and from the inputs, the same bytes
$CIBSCAN flag --run "$T/run.cib" -o "$T/f1.csv"
$CIBSCAN flag "$s/tweets.csv.gz" "$s/users.csv.gz" -o "$T/f2.csv" --quiet
cmp "$T/f1.csv" "$T/f2.csv"
head -n 1 "$T/f1.csv" | grep -qx 'account_id,platform,handle,score,cluster_id,headline,reasons'
$CIBSCAN flag --run "$T/run.cib" --ids -o "$T/ids.txt"
test "$(wc -l <"$T/ids.txt")" -eq "$(awk -F, 'NR > 1 && $5 == 1' "$T/a.csv" | wc -l)"
$CIBSCAN flag --run "$T/run.cib" --json -o "$T/f.json"
# explain: the same account from the run and from the inputs
id=$(awk -F, 'NR == 2 { print $1 }' "$T/a.csv" | sed "s/^'//")
$CIBSCAN explain --run "$T/run.cib" "$id" >"$T/x1.txt"
$CIBSCAN explain "$id" "$s/tweets.csv.gz" "$s/users.csv.gz" --quiet >"$T/x2.txt"
grep -q 'score taken apart' "$T/x1.txt"
grep -q 'FLAGGED' "$T/x1.txt"
# the run's part of the inputs' answer is the run's answer
head -n "$(wc -l <"$T/x1.txt")" "$T/x2.txt" | cmp - "$T/x1.txt"
# an unflagged account in a cluster says why it was not flagged
nf=$(python3 - "$T/a.csv" <<'PY'
import csv, sys
for r in csv.DictReader(open(sys.argv[1])):
    if r["flagged"] == "0" and r["cluster_id"]:
        print(r["account_id"].lstrip("'")); break
PY
)
$CIBSCAN explain --run "$T/run.cib" "$nf" >"$T/x3.txt"
grep -q '^why not flagged *not flagged: ' "$T/x3.txt"
# JSON: intercept + contributions + prior shift = logit(score)
$CIBSCAN explain --run "$T/run.cib" --json "$id" >"$T/x.json"
$CIBSCAN explain --run "$T/run.cib" --json "$nf" >"$T/xn.json"
python3 - "$T" <<'PY'
import json, math, sys
d = sys.argv[1]
for name in ("x", "xn"):
    x = json.load(open(f"{d}/{name}.json"))
    z = x["intercept"] + sum(c["contribution"] for c in x["contributions"])
    assert abs(z - x["log_odds_model"]) < 1e-9, (z, x["log_odds_model"])
    s = x["score"]
    if 0 < s < 1:
        assert abs(z + x["prior_shift"] - math.log(s / (1 - s))) < 1e-6
    assert (x["why_not_flagged"] is None) == x["flagged"]
    for e in x["edges"]["listed"]:
        assert e["platform"] and "log10p" in e
f = json.load(open(f"{d}/f.json"))
assert f["flagged"] == len(f["accounts"]) > 0
assert all(a["flagged"] and a["headline"] for a in f["accounts"])
PY
# clusters by decreasing size
python3 - "$T/c.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
sizes = [int(r["size"]) for r in rows]
assert sizes == sorted(sizes, reverse=True), sizes
assert [r["cluster_id"] for r in rows] == ["C%d" % (i + 1) for i in range(len(rows))]
PY
# damaged files: refused, exit 1, the file named
set +e
head -c 1000 "$T/run.cib" >"$T/short.cib"
$CIBSCAN explain --run "$T/short.cib" "$id" 2>"$T/err"; rc=$?
test "$rc" -eq 1 || exit 1
grep -q "short.cib" "$T/err" || exit 1
python3 -c '
import sys
b = bytearray(open(sys.argv[1], "rb").read())
b[len(b) // 2] ^= 0x40
open(sys.argv[2], "wb").write(b)' "$T/run.cib" "$T/flip.cib"
$CIBSCAN flag --run "$T/flip.cib" -o "$T/z.csv" 2>"$T/err"; rc=$?
test "$rc" -eq 1 || exit 1
grep -q "checksum" "$T/err" || exit 1
$CIBSCAN flag --run "$T/a.csv" -o "$T/z.csv" 2>"$T/err"; rc=$?
test "$rc" -eq 1 || exit 1
grep -q "not a cibscan run file" "$T/err" || exit 1
# --run takes no input files, nor options that would change the scoring
$CIBSCAN flag --run "$T/run.cib" "$s/tweets.csv.gz" 2>/dev/null; rc=$?
test "$rc" -eq 2 || exit 1
$CIBSCAN explain --run "$T/run.cib" --fdr 0.2 "$id" 2>/dev/null; rc=$?
test "$rc" -eq 2 || exit 1
set -e
test ! -e "$T/z.csv"
# review import --run queues the same flagged accounts as the CSV import
$CIBSCAN review import --run "$T/run.cib" --db "$T/r.db" >"$T/imp.txt" 2>/dev/null
grep -q "$(awk -F, 'NR > 1 && $5 == 1' "$T/a.csv" | wc -l) flagged" "$T/imp.txt"
$CIBSCAN review import --run "$T/run.cib" --db "$T/r.db" | grep -q 'already imported'
