#!/usr/bin/env python3
"""link_export.py EXPORT_DIR CRAWL_DIR OUT_CSV - rewrites the links of a
`cibscan synth` archive so that its accounts link to the sites of a
`cibscan synth-sites` crawl:
  - the coordinated accounts (role cib) point 60 % of their linked posts at
    the crawl's network sites;
  - the news-syndication look-alikes (role news: some with coordination
    evidence, none flagged by the model) point 60 % of theirs at the
    network too;
  - the organic account with the most linked posts points every one at
    the network: site evidence without coordination evidence;
  - every other account points 20 % of its linked posts at organic sites of
    the crawl.
Seeded: the same inputs give the same file. Used by tests/cli/sites_*.sh."""
import csv
import random
import sys

def main():
    ex, cr, out = sys.argv[1:4]
    rnd = random.Random(7)
    role = {}
    with open(ex + "/truth.csv", newline="") as f:
        for r in csv.DictReader(f):
            role[r["account_id"]] = r["role"]
    n = {}
    with open(ex + "/tweets.csv", newline="") as f:
        for row in csv.DictReader(f):
            if row["urls"] not in ("", "[]") and \
               role.get(row["userid"]) == "organic":
                n[row["userid"]] = n.get(row["userid"], 0) + 1
    lone = max(sorted(n), key=lambda a: n[a])
    with open(cr + "/truth.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    net = [r["site"] for r in rows if r["role"].startswith("network")]
    org = [r["site"] for r in rows if r["role"] == "organic"]
    with open(ex + "/tweets.csv", newline="") as f, \
         open(out, "w", newline="") as g:
        rd = csv.DictReader(f)
        w = csv.DictWriter(g, fieldnames=rd.fieldnames, quoting=csv.QUOTE_ALL)
        w.writeheader()
        for row in rd:
            if row["urls"] not in ("", "[]"):
                x = rnd.random()
                r = role.get(row["userid"], "organic")
                if row["userid"] == lone or (r in ("cib", "news") and x < 0.6):
                    row["urls"] = "['https://%s/news/%d']" % (
                        rnd.choice(net), rnd.randrange(10**6))
                elif r not in ("cib", "news") and x < 0.2:
                    row["urls"] = "['https://%s/a/%d']" % (
                        rnd.choice(org), rnd.randrange(10**6))
            w.writerow(row)
    print(lone)

main()
