#!/bin/sh
# synth_cosharing.sh - 'synth --cosharing' writes the co-sharing benchmark:
# the same bytes for the same seed, the JSONL read back whole by the
# normalised-JSONL reader (every share a repost, nothing skipped), and the
# CooRTweet four-column CSV agreeing with it row for row.
set -eu
"$CIBSCAN" synth --cosharing -o "$TMPDIR/a" --accounts 600 --coordinated 90 \
	--groups 3 --seed 5 >"$TMPDIR/out"
"$CIBSCAN" synth --cosharing -o "$TMPDIR/b" --accounts 600 --coordinated 90 \
	--groups 3 --seed 5 >/dev/null
for f in shares.csv posts.jsonl truth.csv; do
	cmp "$TMPDIR/a/$f" "$TMPDIR/b/$f"
done
grep -q "coordinated 90 in 3 groups" "$TMPDIR/out"
"$CIBSCAN" inspect --strict --json "$TMPDIR/a/posts.jsonl" >"$TMPDIR/i.json"
python3 - "$TMPDIR/i.json" "$TMPDIR/a" <<'PY'
import csv, json, sys
j = json.load(open(sys.argv[1]))
rows = list(csv.DictReader(open(sys.argv[2] + "/shares.csv")))
truth = list(csv.DictReader(open(sys.argv[2] + "/truth.csv")))
assert list(rows[0].keys()) == ["object_id", "account_id", "content_id",
                                "timestamp_share"], rows[0].keys()
assert j["skipped"]["total"] == 0, j["skipped"]
assert j["posts"] == len(rows), (j["posts"], len(rows))
assert j["accounts"] == len({r["account_id"] for r in rows})
assert len(truth) == 600
assert sum(1 for t in truth if t["role"] == "cib") == 90
assert {t["group_id"] for t in truth if t["role"] == "cib"} == {"1", "2", "3"}
# every JSONL post is the CSV row with the same content id
import datetime
posts = {}
for line in open(sys.argv[2] + "/posts.jsonl"):
    p = json.loads(line)
    if p["type"] == "post":
        posts[p["id"]] = p
for r in rows:
    p = posts[r["content_id"]]
    assert p["account_id"] == r["account_id"] and p["ref_post"] == r["object_id"]
    t = datetime.datetime.strptime(p["time"], "%Y-%m-%dT%H:%M:%SZ")
    t = t.replace(tzinfo=datetime.timezone.utc).timestamp()
    assert int(t) == int(r["timestamp_share"]), (p, r)
    assert p["kind"] == "repost"
PY
# options are checked
rc=0
"$CIBSCAN" synth --cosharing -o "$TMPDIR/c" --pair-shares 3-2 2>"$TMPDIR/err" || rc=$?
[ "$rc" -eq 2 ]
grep -q "pair-shares" "$TMPDIR/err"
