#!/bin/sh
# groups_invariance.sh - a network's edges and clusters do not depend on
# unrelated data in the same run: each input is scored alone and beside
# two disjoint copies of itself (every account, object and content id
# renamed, the same times, rows interleaved one by one, each copy's rows in
# the original's order), and the original
# accounts' edges (with their p-values) and cluster partitions must be
# identical, and each copy must be partitioned as the original was. Run on
# the co-sharing benchmark (where the planted group is found only by the
# group-level tests) and on CooRTweet's real russian_coord_tweets.
set -eu
real="$TOP/../shared/real-samples/coortweet/russian_coord_tweets.csv"
"$CIBSCAN" synth --cosharing -o "$TMPDIR/co" --seed 11 >/dev/null
for src in "$TMPDIR/co/shares.csv" "$real"; do
	[ -f "$src" ] || { echo "missing $src"; exit 1; }
	python3 - "$src" "$TMPDIR/one.csv" "$TMPDIR/three.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1])))
h, rows = rows[0], rows[1:]
with open(sys.argv[2], "w", newline="") as f:
    w = csv.writer(f); w.writerow(h); w.writerows(rows)
allr = [(int(r[3]), 0, i, r) for i, r in enumerate(rows)]
for k in (1, 2):
    allr += [(int(r[3]), k, i, [f"c{k}_" + r[0], f"c{k}_" + r[1],
                                f"c{k}_" + r[2], r[3]])
             for i, r in enumerate(rows)]
allr.sort(key=lambda x: (x[2], x[1]))
with open(sys.argv[3], "w", newline="") as f:
    w = csv.writer(f); w.writerow(h); w.writerows(x[3] for x in allr)
PY
	for x in one three; do
		"$CIBSCAN" score --quiet "$TMPDIR/$x.csv" -o "$TMPDIR/$x.acc.csv" \
			--edges "$TMPDIR/$x.edges.csv"
	done
	python3 - "$TMPDIR" <<'PY'
import csv, sys
from collections import defaultdict
d = sys.argv[1]
def parts(fn, prefix):
    p = defaultdict(set)
    for r in csv.DictReader(open(fn)):
        a = r["account_id"]
        mine = a.startswith(prefix) if prefix else not a.startswith(("c1_", "c2_"))
        if mine and r["cluster_id"]:
            p[r["cluster_id"]].add(a[len(prefix):])
    return {frozenset(v) for v in p.values()}
def edges(fn, prefix):
    e = set()
    for r in csv.DictReader(open(fn)):
        a, b = r["source"], r["target"]
        mine = (a.startswith(prefix) if prefix
                else not a.startswith(("c1_", "c2_")))
        if mine:
            e.add((a[len(prefix):], b[len(prefix):], r["log10p"], r["observed"]))
    return e
alone = parts(d + "/one.acc.csv", "")
assert alone, "no cluster at all: the test would prove nothing"
for pre in ("", "c1_", "c2_"):
    assert parts(d + "/three.acc.csv", pre) == alone, pre
    assert edges(d + "/three.edges.csv", pre) == edges(d + "/one.edges.csv", ""), pre
print(len(alone), "clusters,", sum(map(len, alone)), "accounts: unchanged")
PY
done
