#!/bin/sh
# cosharing_recovery.sh - the peer's simulator (synth --cosharing, the
# shape of CooRTweet's simulate_data: a group co-sharing within seconds,
# each pair two or three times, among accounts sharing the same objects at
# random times) is clustered with precision and recall >= 0.9 and nothing
# is flagged (coordination without inauthenticity evidence). Seed 602 at
# 5000 accounts is one where discovery's candidates split the group
# among chance coincidences and pruning all failing members at once lost
# it (docs/model.md 5.4, peeling).
set -eu
run() { # name synth-args...
	name=$1
	shift
	"$CIBSCAN" synth --cosharing -o "$TMPDIR/$name" "$@" >/dev/null
	"$CIBSCAN" score "$TMPDIR/$name/posts.jsonl" -o "$TMPDIR/$name/a.csv" --quiet
	python3 - "$TMPDIR/$name" "$name" <<'PY'
import csv, sys
d, name = sys.argv[1], sys.argv[2]
truth = {r["account_id"]: r["role"] for r in csv.DictReader(open(d + "/truth.csv"))}
rows = list(csv.DictReader(open(d + "/a.csv")))
clustered = [r["account_id"] for r in rows if r["cluster_id"]]
planted = [k for k, v in truth.items() if v == "cib"]
tp = sum(1 for k in clustered if truth[k] == "cib")
prec = tp / len(clustered) if clustered else 0.0
rec = tp / len(planted)
flagged = sum(1 for r in rows if r["flagged"] == "1")
print("%s: precision %.3f recall %.3f flagged %d" % (name, prec, rec, flagged))
assert prec >= 0.9 and rec >= 0.9, name
assert flagged == 0, name
PY
}
run small --seed 601
run large602 --seed 602 --accounts 5000 --coordinated 150
run large604 --seed 604 --accounts 5000 --coordinated 150
