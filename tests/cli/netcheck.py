"""netcheck.py TRUTH.csv ACCOUNTS.csv GROUP [options] - the checks the
synth-scene CLI tests share about one planted network (role cib, group_id
GROUP): how its members fall into clusters and flags, and which look-alikes
were flagged. Prints them, then exits non-zero when a check fails.

  --flagged-min N     at least N of the network flagged
  --flagged-in-one N  at least N of them flagged in one cluster
  --one-cluster       every member in one cluster (none outside)
  --lookalikes-max N  at most N accounts not cib flagged (default 0)
  --lookalike-roles R only roles in R (comma-separated) among them"""
import argparse, csv
from collections import Counter

ap = argparse.ArgumentParser()
ap.add_argument("truth")
ap.add_argument("accounts")
ap.add_argument("group")
ap.add_argument("--flagged-min", type=int, default=0)
ap.add_argument("--flagged-in-one", type=int, default=0)
ap.add_argument("--one-cluster", action="store_true")
ap.add_argument("--lookalikes-max", type=int, default=0)
ap.add_argument("--lookalike-roles", default="")
o = ap.parse_args()
truth = {r["account_id"]: r for r in csv.DictReader(open(o.truth))}
by = Counter()
bad = Counter()
for r in csv.DictReader(open(o.accounts)):
    a = r["account_id"]
    # accounts.csv guards text cells against spreadsheet formulas; the
    # documented inverse drops one leading quote (docs/outputs.md)
    t = truth[a[1:] if a.startswith("'") else a]
    if t["role"] == "cib" and t["group_id"] == o.group:
        by[(r["cluster_id"], r["flagged"] == "1")] += 1
    elif r["flagged"] == "1" and t["role"] != "cib":
        bad[t["role"]] += 1
flagged = sum(n for (c, f), n in by.items() if f)
best = max([n for (c, f), n in by.items() if f and c] or [0])
clusters = {c for (c, f) in by}
print("network", o.group, "by (cluster, flagged)", dict(by), "flagged",
      flagged, "look-alikes flagged", dict(bad))
assert flagged >= o.flagged_min, flagged
assert best >= o.flagged_in_one, best
assert not o.one_cluster or (len(clusters) == 1 and "" not in clusters), by
assert sum(bad.values()) <= o.lookalikes_max, bad
roles = set(o.lookalike_roles.split(",")) if o.lookalike_roles else None
assert roles is None or set(bad) <= roles, bad
