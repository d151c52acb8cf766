# Invariance of the flag decision: a synth export (three planted networks)
# scored alone and beside two disjoint copies of itself
# (tests/disjoint_copies.py) flags the same original accounts, and each of
# the original clusters keeps its verdict. Only the estimated base rate may
# move (the copies' letter-shifted texts are not byte-identical), and with
# it the scores a little; the collective tests' backgrounds (creation days,
# switch and mismatch rates) are shares, which copies leave as they were.
set -eu
"$CIBSCAN" synth -o "$TMPDIR/syn" --posts 20000 --accounts 1000 --seed 3 >/dev/null
"$CIBSCAN" convert "$TMPDIR/syn/tweets.csv" "$TMPDIR/syn/users.csv" \
	-o "$TMPDIR/syn.jsonl" 2>/dev/null
python3 "$TOP/tests/disjoint_copies.py" "$TMPDIR/syn.jsonl" "$TMPDIR/syn3.jsonl" 2
"$CIBSCAN" score "$TMPDIR/syn.jsonl" -o "$TMPDIR/a1.csv" --clusters "$TMPDIR/c1.csv" --quiet
"$CIBSCAN" score "$TMPDIR/syn3.jsonl" -o "$TMPDIR/a3.csv" --clusters "$TMPDIR/c3.csv" --quiet
python3 - "$TMPDIR" <<'PY'
import csv, sys
d = sys.argv[1]
def rows(p):
    out = {}
    for r in csv.DictReader(open(p)):
        i = r["account_id"][1:] if r["account_id"].startswith("'") else r["account_id"]
        out[i] = r
    return out
a, b = rows(d + "/a1.csv"), rows(d + "/a3.csv")
fa = {k for k, r in a.items() if r["flagged"] == "1"}
fb = {k for k, r in b.items() if r["flagged"] == "1" and not k.startswith("copy")}
assert len(fa) > 30, len(fa)
assert fa == fb, (len(fa), len(fb), sorted(fa ^ fb)[:5])
# the verdict of each original cluster, through its members
va = {r["cluster_id"]: r["verdict"] for r in csv.DictReader(open(d + "/c1.csv"))}
vb = {r["cluster_id"]: r["verdict"] for r in csv.DictReader(open(d + "/c3.csv"))}
for k, r in a.items():
    if r["cluster_id"]:
        assert b[k]["cluster_id"], k
        assert va[r["cluster_id"]] == vb[b[k]["cluster_id"]], k
print(len(fa), "flags unchanged beside two copies")
PY
# the same on a stealth-and-sparse scene with its look-alikes (partisans
# beside a network, bought accounts among the hobbyists whose phrases
# their old personas used): the persona change points, the crowds carved
# and the crowds shed are per account and per cluster
"$CIBSCAN" synth --mix -o "$TMPDIR/mix" --scale 0.5 --organic 1500 --seed 3 >/dev/null
python3 "$TOP/tests/disjoint_copies.py" "$TMPDIR/mix/x.jsonl" "$TMPDIR/mix3.jsonl" 2
"$CIBSCAN" score "$TMPDIR/mix/x.jsonl" -o "$TMPDIR/m1.csv" --quiet
"$CIBSCAN" score "$TMPDIR/mix3.jsonl" -o "$TMPDIR/m3.csv" --quiet
python3 - "$TMPDIR" <<'PY'
import csv, sys
d = sys.argv[1]
def rows(p):
    return {r["account_id"].lstrip("'"): r for r in csv.DictReader(open(p))}
a, b = rows(d + "/m1.csv"), rows(d + "/m3.csv")
fa = {k for k, r in a.items() if r["flagged"] == "1"}
fb = {k for k, r in b.items() if r["flagged"] == "1" and not k.startswith("copy")}
assert len(fa) > 30, len(fa)
assert fa == fb, (len(fa), len(fb), sorted(fa ^ fb)[:5])
for k, r in a.items():
    if r["cluster_id"]:
        assert b[k]["cluster_size"] == r["cluster_size"], k
print(len(fa), "mix flags and cluster sizes unchanged beside two copies")
PY
