#!/usr/bin/env python3
"""compare_runs.py - are two scorings the same detection?

usage: compare_runs.py BEFORE_accounts.csv AFTER_accounts.csv

Compares, by (platform, account_id): the score (as written, 6 decimals),
the flag, and the cluster partition as a set of sets of accounts (cluster
numbers may differ; the groups may not). Reasons, headlines and row order
are not compared. Exit 0 when identical, 1 otherwise (differences listed).
"""
import csv
import sys


def load(path):
    csv.field_size_limit(1 << 30)
    rows = {}
    with open(path, newline="", encoding="utf-8", errors="surrogateescape") as f:
        for r in csv.DictReader(f):
            rows[(r["platform"], r["account_id"])] = r
    return rows


def partition(rows):
    groups = {}
    for key, r in rows.items():
        if r["cluster_id"]:
            groups.setdefault(r["cluster_id"], set()).add(key)
    return {frozenset(g) for g in groups.values()}


def main():
    a, b = load(sys.argv[1]), load(sys.argv[2])
    bad = 0
    if a.keys() != b.keys():
        print("accounts differ: %d only before, %d only after"
              % (len(a.keys() - b.keys()), len(b.keys() - a.keys())))
        bad += 1
    ns = nf = 0
    for k in a.keys() & b.keys():
        if a[k]["score"] != b[k]["score"]:
            ns += 1
            if ns <= 5:
                print("score %s: %s -> %s" % (k, a[k]["score"], b[k]["score"]))
        if a[k]["flagged"] != b[k]["flagged"]:
            nf += 1
    pa, pb = partition(a), partition(b)
    print("accounts %d, scores differing %d, flags differing %d, "
          "flagged %d -> %d, clusters %d -> %d, partition %s"
          % (len(a), ns, nf,
             sum(r["flagged"] == "1" for r in a.values()),
             sum(r["flagged"] == "1" for r in b.values()),
             len(pa), len(pb), "identical" if pa == pb else "DIFFERENT"))
    sizes_a = sorted((len(g) for g in pa), reverse=True)
    print("cluster sizes:", sizes_a[:12], "..." if len(sizes_a) > 12 else "")
    return 1 if bad or ns or nf or pa != pb else 0


if __name__ == "__main__":
    sys.exit(main())
