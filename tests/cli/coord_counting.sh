#!/bin/sh
# Counting (issue 16): the co-actions an edge reports are the ones that
# were tested, and each is one act. Five planted pairs among 40 background
# accounts that repost and tag all month (every account also reposts the
# month's popular posts, so all are one component):
#  - L1, L2: one post each, the same two links, 5 s apart: one pair of
#    posts is one co-action, never an edge (fewer than two);
#  - R1, R2: co-repost 4 posts within 60 s; on the fourth R1 reposted
#    twice (50 s apart) and R2 came 50 s after the second: 4, not 3;
#  - H1, H2: 15 posts each, one rare hashtag each time, 20 s apart: a rare
#    single hashtag is evidence (15 co-actions);
#  - P1, P2: 15 posts each with the month's popular hashtag, 20 s apart,
#    in an hour when the background uses it every 2 s: not evidence;
#  - D1, D2: 13 times a day apart, each links a different page of one
#    obscure domain 10 s after the other: 13 co-actions, not 1.
set -eu
python3 - "$TMPDIR/in.jsonl" <<'PY'
import json, random, sys
random.seed(11)
T0 = 1700000000
out = open(sys.argv[1], "w")
out.write('{"type":"cibscan","version":1}\n')
n = [0]
def iso(t):
    import datetime
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
def post(acc, t, kind="original", ref=None, urls=(), tags=()):
    n[0] += 1
    r = {"type": "post", "platform": "x", "id": "p%d" % n[0], "account_id": acc,
         "time": iso(t), "kind": kind, "text": ""}
    if ref: r["ref_post"] = ref
    if urls: r["urls"] = list(urls)
    if tags: r["hashtags"] = list(tags)
    out.write(json.dumps(r) + "\n")
bg = ["bg%d" % i for i in range(40)]
for a in bg:
    for j in range(20):  # reposts of 200 popular posts, month long
        post(a, T0 + random.randrange(30 * 86400), "repost", "pop%d" % random.randrange(200))
    for j in range(10):  # links to common sites
        post(a, T0 + random.randrange(30 * 86400), urls=["https://common%d.example/x%d" % (random.randrange(5), random.randrange(50))])
for j in range(1800):  # the popular hashtag every 2 s for an hour
    post(random.choice(bg), T0 + 86400 + 2 * j, tags=["common"])
for a in ("L1", "L2", "R1", "R2", "H1", "H2", "P1", "P2", "D1", "D2"):
    for j in range(10):  # every account also reposts popular posts
        post(a, T0 + random.randrange(30 * 86400), "repost", "pop%d" % random.randrange(200))
post("L1", T0 + 5000, urls=["https://rare.example/one", "https://rare.example/two"])
post("L2", T0 + 5005, urls=["https://rare.example/one", "https://rare.example/two"])
for k in range(3):
    post("R1", T0 + 9000 + 3600 * k, "repost", "rt%d" % k)
    post("R2", T0 + 9030 + 3600 * k, "repost", "rt%d" % k)
post("R1", T0 + 20000, "repost", "rt3")
post("R1", T0 + 20050, "repost", "rt3")
post("R2", T0 + 20100, "repost", "rt3")
for k in range(15):
    post("H1", T0 + 40000 + 3000 * k, tags=["rare%d" % k])
    post("H2", T0 + 40020 + 3000 * k, tags=["rare%d" % k])
    post("P1", T0 + 86400 + 200 * k, tags=["common"])
    post("P2", T0 + 86420 + 200 * k, tags=["common"])
for k in range(13):
    post("D1", T0 + 2 * 86400 + 86400 * k, urls=["https://obscure.example/a%d" % k])
    post("D2", T0 + 2 * 86400 + 86400 * k + 10, urls=["https://obscure.example/b%d" % k])
PY
"$CIBSCAN" score "$TMPDIR/in.jsonl" -o "$TMPDIR/a.csv" --edges "$TMPDIR/e.csv" \
	--quiet
python3 - "$TMPDIR/e.csv" <<'PY'
import csv, sys
E = {}
for r in csv.DictReader(open(sys.argv[1])):
    E[frozenset((r["source"], r["target"]))] = r
def edge(a, b):
    return E.get(frozenset((a, b)))
def pooled(r):
    x = {k: int(v) for k, v in r.items() if k.startswith("co_") or k == "amplify"}
    fine = sum(v for k, v in x.items() if k not in ("co_domain", "co_reply_account"))
    return fine + max(0, x["co_domain"] - x["co_link"]) + \
        max(0, x["co_reply_account"] - x["co_reply"])
for r in E.values():  # observed is the tested, pooled count
    assert int(r["observed"]) == pooled(r), r
assert edge("L1", "L2") is None, edge("L1", "L2")
r = edge("R1", "R2")
assert r and r["co_repost"] == "4" and r["observed"] == "4", r
r = edge("H1", "H2")
assert r and r["co_hashtags"] == "15", r
assert edge("P1", "P2") is None, edge("P1", "P2")
r = edge("D1", "D2")
assert r and r["co_domain"] == "13" and r["co_link"] == "0", r
print("counting ok:", len(E), "edges")
PY
# with the repost window capped at 60 s the fourth co-repost is 50 s apart
# and still counts (collapsing R1's second repost into its first lost it)
"$CIBSCAN" score "$TMPDIR/in.jsonl" -o "$TMPDIR/a60.csv" \
	--edges "$TMPDIR/e60.csv" --window co_repost=60 --quiet
grep -E '^R1,R2,|^R2,R1,' "$TMPDIR/e60.csv" | cut -d, -f5,6 | grep -qx '4,4'
