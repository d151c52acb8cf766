# A large network must not evade by being large (issue 10, item 13): N
# accounts reposting the same 20 posts within a minute, created in batches
# and posting on Beijing office shifts, among 2000 organic accounts with
# their own reposting. Every member is flagged under the default FDR rule
# (before the monotone model, every member of the 999-account network
# scored 0.901241 and none was flagged). The same network without any
# inauthenticity evidence (created on random days, posting at random
# times) is clustered but not flagged, and its verdict says so.
# N = 200 always; N = 999 when the coordination graph clusters it (objects
# with 999 actors in a minute are beyond the pair budget and listed as
# dense, docs/model.md section 3: the test then reports a skip, 77).
set -eu
cat > "$TMPDIR/gen.py" <<'PY'
import json, random, sys, datetime
random.seed(int(sys.argv[2]))
PLAIN = len(sys.argv) > 4 and sys.argv[4] == 'plain'
out = open(sys.argv[1], 'w')
N_ORG, N_NET, N_OBJ = 2000, int(sys.argv[3]), 20
def iso(t): return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')
T0 = int(datetime.datetime(2021, 3, 1, tzinfo=datetime.timezone.utc).timestamp())
DAYS = 60
out.write('{"type":"cibscan","version":1}\n')
posts = []
# organic: local-time diurnal in one of several zones, created any day over 10 years
for i in range(N_ORG):
    a = "o%d" % i
    created = T0 - random.randint(30, 3650) * 86400 - random.randint(0, 86399)
    out.write(json.dumps({"type": "account", "platform": "x", "id": a, "handle": "user%d" % i,
                          "created_at": iso(created)}) + "\n")
    off = random.choice([-5, 0, 1, 3, 8, 9]) * 3600
    for k in range(random.randint(5, 40)):
        d = random.randrange(DAYS)
        h = random.choice([7, 8, 9, 12, 12, 13, 18, 19, 20, 21, 22, 23])
        t = T0 + d * 86400 + h * 3600 + random.randrange(3600) - off
        posts.append((t, {"type": "post", "platform": "x", "id": "p%s_%d" % (a, k), "account_id": a,
                          "kind": "original", "text": "my day %d %d" % (i, k)}))
# organic reposts: each organic account reposts some of 3000 popular
# posts by organic accounts, at its own times
for o in range(3000):
    t = T0 + random.randrange(DAYS * 86400)
    posts.append((t, {"type": "post", "platform": "x", "id": "pop%d" % o, "account_id": "o%d" % random.randrange(N_ORG),
                      "kind": "original", "text": "popular %d" % o}))
    for k in range(random.randint(2, 60)):
        a = "o%d" % random.randrange(N_ORG)
        posts.append((t + random.randint(30, 3 * 86400), {"type": "post", "platform": "x", "id": "rp%d_%d" % (o, k), "account_id": a,
                      "kind": "repost", "ref_post": "pop%d" % o}))
# the network's 20 seed posts, by organic-looking seed accounts
for o in range(N_OBJ):
    t = T0 + (2 + 2 * o) * 86400 + 3 * 3600  # 11:00 Beijing
    posts.append((t, {"type": "post", "platform": "x", "id": "seed%d" % o, "account_id": "o%d" % o,
                      "kind": "original", "text": "statement %d" % o}))
batch_days = [T0 - 400 * 86400 + k * 86400 * 37 for k in range(5)]
for i in range(N_NET):
    a = "n%d" % i
    out.write(json.dumps({"type": "account", "platform": "x", "id": a, "handle": "n%08d" % (i * 7919),
                          "created_at": iso((T0 - random.randint(30, 3650) * 86400 if PLAIN else random.choice(batch_days)) + random.randrange(86400))}) + "\n")
    for o in range(N_OBJ):
        t = T0 + (2 + 2 * o) * 86400 + 3 * 3600 + random.randint(5, 60)
        posts.append((t, {"type": "post", "platform": "x", "id": "r%s_%d" % (a, o), "account_id": a,
                          "kind": "repost", "ref_post": "seed%d" % o, "ref_account": "o%d" % o}))
    # a few popular posts reposted at their own times, as anyone would
    for k in range(3):
        o = random.randrange(3000)
        posts.append((T0 + random.randrange(DAYS * 86400), {"type": "post", "platform": "x", "id": "np%s_%d" % (a, k), "account_id": a,
                      "kind": "repost", "ref_post": "pop%d" % o}))
    # own posts on Beijing office shifts (UTC+8): 09-12, 13:30-17:30, weekdays
    for k in range(25):
        while True:
            d = random.randrange(DAYS)
            if (datetime.datetime.fromtimestamp(T0 + d * 86400, datetime.timezone.utc).weekday()) < 5:
                break
        m = random.choice(list(range(9 * 60, 12 * 60)) + list(range(13 * 60 + 30, 17 * 60 + 30)))
        t = T0 + d * 86400 + m * 60 - 8 * 3600 + random.randrange(60)
        if PLAIN:
            t = T0 + random.randrange(DAYS * 86400)
        posts.append((t, {"type": "post", "platform": "x", "id": "q%s_%d" % (a, k), "account_id": a,
                          "kind": "original", "text": "work item %d %d" % (i, k)}))
posts.sort(key=lambda x: x[0])
for t, p in posts:
    p["time"] = iso(t)
    out.write(json.dumps(p) + "\n")
PY
check() { # N: network size; prints "flagged K" or "unclustered"
	python3 "$TMPDIR/gen.py" "$TMPDIR/net$1.jsonl" 5 "$1"
	$CIBSCAN score "$TMPDIR/net$1.jsonl" -o "$TMPDIR/a$1.csv" \
		--clusters "$TMPDIR/c$1.csv" --quiet
	python3 - "$TMPDIR" "$1" <<'PY'
import csv, sys
d, n = sys.argv[1], int(sys.argv[2])
rows = list(csv.DictReader(open(f"{d}/a{n}.csv")))
net = [r for r in rows if r["account_id"].startswith("n")]
org = [r for r in rows if r["account_id"].startswith("o")]
assert len(net) == n
assert not any(r["flagged"] == "1" for r in org)
if sum(1 for r in net if r["cluster_id"]) < 0.9 * n:
    print("unclustered")
    sys.exit(0)
nf = sum(r["flagged"] == "1" for r in net)
assert nf == n, (nf, n)
cl = list(csv.DictReader(open(f"{d}/c{n}.csv")))
assert all(c["verdict"] == "coordinated and inauthentic" for c in cl), cl
print("flagged", nf)
PY
}
check 200
python3 "$TMPDIR/gen.py" "$TMPDIR/plain.jsonl" 5 200 plain
$CIBSCAN score "$TMPDIR/plain.jsonl" -o "$TMPDIR/pa.csv" --clusters "$TMPDIR/pc.csv" --quiet
python3 - "$TMPDIR" <<'PY'
import csv, sys
d = sys.argv[1]
rows = list(csv.DictReader(open(d + "/pa.csv")))
assert not any(r["flagged"] == "1" for r in rows)
net = [r for r in rows if r["account_id"].startswith("n")]
assert sum(1 for r in net if r["cluster_id"]) >= 180
# each member says why it was not flagged (the cluster's sentence is on
# the cluster, once)
assert all(r["reasons"].startswith("not flagged: its network C")
           and "no evidence of inauthenticity" in r["reasons"]
           for r in net if r["cluster_id"])
for c in csv.DictReader(open(d + "/pc.csv")):
    assert c["verdict"] == "coordinated; no evidence of inauthenticity"
PY
r=$(check 999)
echo "999: $r"
if [ "$r" = unclustered ]; then
	echo "SKIP: the 999-account network is not clustered by the coordination graph"
	exit 77
fi
