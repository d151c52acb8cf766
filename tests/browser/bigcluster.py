#!/usr/bin/env python3
"""bigcluster.py IN_DIR OUT_CSV EXTRA - makes a larger coordinated network out
of a `cibscan synth` archive (whose networks have at most 300 accounts) for
the report's size and load-time measurement: EXTRA new accounts, each a
clone of a network account posting the same things 30-150 seconds later
under new ids, so they join that network's cluster."""
import csv
import datetime
import random
import sys

def main():
    src, out, extra = sys.argv[1], sys.argv[2], int(sys.argv[3])
    rnd = random.Random(7)
    cib = []
    with open(src + "/truth.csv", newline="") as f:
        for row in csv.DictReader(f):
            if row["role"] == "cib" and row["group_id"] == "1":
                cib.append(row["account_id"])
    clones = {}
    for i in range(extra):
        clones.setdefault(cib[i % len(cib)], []).append("9%017d" % i)
    with open(src + "/tweets.csv", newline="") as f, \
         open(out, "w", newline="") as g:
        r = csv.DictReader(f)
        w = csv.DictWriter(g, fieldnames=r.fieldnames, quoting=csv.QUOTE_ALL)
        w.writeheader()
        n = 0
        for row in r:
            w.writerow(row)
            for cid in clones.get(row["userid"], []):
                c = dict(row)
                n += 1
                c["tweetid"] = "8%018d" % n
                c["userid"] = cid
                c["user_screen_name"] = "clone%s" % cid[-6:]
                t = datetime.datetime.strptime(row["tweet_time"], "%Y-%m-%d %H:%M")
                t += datetime.timedelta(seconds=rnd.randint(30, 150))
                c["tweet_time"] = t.strftime("%Y-%m-%d %H:%M")
                w.writerow(c)

main()
