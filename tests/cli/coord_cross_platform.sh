#!/bin/sh
# A URL and a domain are one object on every platform (docs/model.md,
# section 1). 45 background accounts on X, Mastodon and Bluesky repost
# popular posts and link common sites all month; two planted pairs:
#  - U1 (X) and U2 (Mastodon): 8 posts each, the same 8 rare article URLs
#    (one per post), U2 30 s after U1: 8 co_link co-actions, counted
#    across platforms (their domain adds nothing beside the link);
#  - D1 (X) and D2 (Bluesky): 20 times a day apart, each links a different
#    page of one obscure domain 10 s after the other: 20 co_domain
#    co-actions, no co_link.
# Keyed by platform, neither pair had any co-action.
set -eu
python3 - "$TMPDIR/in.jsonl" <<'PY'
import json, random, sys, datetime
random.seed(5)
T0 = 1700000000
out = open(sys.argv[1], "w")
out.write('{"type":"cibscan","version":1}\n')
n = [0]
def iso(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
def post(pl, acc, t, kind="original", ref=None, urls=()):
    n[0] += 1
    r = {"type": "post", "platform": pl, "id": "p%d" % n[0], "account_id": acc,
         "time": iso(t), "kind": kind, "text": ""}
    if ref: r["ref_post"] = ref
    if urls: r["urls"] = list(urls)
    out.write(json.dumps(r) + "\n")
plats = ("x", "mastodon", "bluesky")
for i in range(45):
    pl, a = plats[i % 3], "bg%d" % i
    for j in range(20):
        post(pl, a, T0 + random.randrange(30 * 86400), "repost", "pop%d" % random.randrange(60))
    for j in range(10):
        post(pl, a, T0 + random.randrange(30 * 86400),
             urls=["https://common%d.example/x%d" % (random.randrange(5), random.randrange(50))])
for pl, a in (("x", "U1"), ("mastodon", "U2"), ("x", "D1"), ("bluesky", "D2")):
    for j in range(10):
        post(pl, a, T0 + random.randrange(30 * 86400), "repost", "pop%d" % random.randrange(60))
    for j in range(10):
        post(pl, a, T0 + random.randrange(30 * 86400),
             urls=["https://common%d.example/x%d" % (random.randrange(5), random.randrange(50))])
for k in range(8):
    post("x", "U1", T0 + 5000 + 7200 * k, urls=["https://rare.example/story%d" % k])
    post("mastodon", "U2", T0 + 5030 + 7200 * k, urls=["https://rare.example/story%d" % k])
for k in range(20):
    post("x", "D1", T0 + 2 * 86400 + 86400 * k, urls=["https://obscure.example/a%d" % k])
    post("bluesky", "D2", T0 + 2 * 86400 + 86400 * k + 10, urls=["https://obscure.example/b%d" % k])
PY
"$CIBSCAN" score "$TMPDIR/in.jsonl" -o "$TMPDIR/a.csv" --edges "$TMPDIR/e.csv" \
	--quiet
python3 - "$TMPDIR/e.csv" <<'PY'
import csv, sys
E = {}
for r in csv.DictReader(open(sys.argv[1])):
    E[frozenset((r["source"], r["target"]))] = r
r = E.get(frozenset(("x:U1", "mastodon:U2")))
assert r and r["co_link"] == "8", r
assert r["observed"] == "8", r
r = E.get(frozenset(("x:D1", "bluesky:D2")))
assert r and r["co_domain"] == "20" and r["co_link"] == "0", r
print("cross-platform ok:", len(E), "edges")
PY
