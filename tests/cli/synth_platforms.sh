#!/bin/sh
# synth_platforms.sh - 'synth --platforms x,mastodon,bluesky' writes each
# platform in its own API shape: the xapi, mastodon and bluesky readers
# take every record (nothing skipped), the accounts they report are
# exactly truth.csv's (ids as the readers give them: numeric on X,
# user@host on Mastodon, DIDs on Bluesky), and the cross-platform
# operation's URLs and texts appear on all three platforms.
set -eu
"$CIBSCAN" synth --platforms x,mastodon,bluesky -o "$TMPDIR/p" --organic 150 \
	--scale 0.3 --seed 3 >"$TMPDIR/out"
grep -q "operations" "$TMPDIR/out"
for f in x mastodon bluesky; do
	"$CIBSCAN" inspect --strict --json "$TMPDIR/p/$f.jsonl" >"$TMPDIR/$f.json"
done
"$CIBSCAN" convert --strict -o "$TMPDIR/all.jsonl" "$TMPDIR/p/x.jsonl" \
	"$TMPDIR/p/mastodon.jsonl" "$TMPDIR/p/bluesky.jsonl" 2>/dev/null
python3 - "$TMPDIR" <<'PY'
import csv, json, sys, collections
d = sys.argv[1]
fmt = {"x": "xapi", "mastodon": "mastodon", "bluesky": "bluesky"}
truth = list(csv.DictReader(open(d + "/p/truth.csv")))
assert truth and set(truth[0].keys()) == {"account_id", "role", "group_id", "platform", "kind"}
by = collections.Counter(t["platform"] for t in truth)
for p in fmt:
    j = json.load(open(d + "/" + p + ".json"))
    assert j["skipped"]["total"] == 0, (p, j["skipped"])
    assert j["inputs"][0]["format"] == fmt[p], j["inputs"][0]
    assert j["accounts"] == by[p], (p, j["accounts"], by[p])
tid = {(t["platform"], t["account_id"]): t for t in truth}
seen = set()
texts = collections.defaultdict(set)
urls = collections.defaultdict(set)
for line in open(d + "/all.jsonl"):
    o = json.loads(line)
    if o["type"] == "account":
        seen.add((o["platform"], o["id"]))
    elif o["type"] == "post":
        t = tid.get((o["platform"], o["account_id"]))
        assert t is not None, o
        if t["kind"] == "xplat":
            for u in o.get("urls", []):
                urls[o["platform"]].add(u)
            core = (o.get("text") or "").split(" https://")[0].split(" #")[0]
            if len(core) > 30:
                texts[o["platform"]].add(core)
assert seen == set(tid), (len(seen), len(tid), list(set(tid) - seen)[:3], list(seen - set(tid))[:3])
assert all(t["account_id"].startswith("did:plc:") for t in truth if t["platform"] == "bluesky")
assert all("@" in t["account_id"] for t in truth if t["platform"] == "mastodon")
assert all(t["account_id"].isdigit() for t in truth if t["platform"] == "x")
# one operation, three platforms: shared links and texts
for a, b in (("x", "mastodon"), ("x", "bluesky"), ("mastodon", "bluesky")):
    assert len(urls[a] & urls[b]) >= 5, (a, b, len(urls[a] & urls[b]))
    assert len(texts[a] & texts[b]) >= 20, (a, b, len(texts[a] & texts[b]))
cib = [t for t in truth if t["role"] == "cib"]
assert {t["platform"] for t in cib} == {"x", "mastodon", "bluesky"}
assert {t["kind"] for t in cib} == {"xplat"}
PY
