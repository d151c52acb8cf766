#!/usr/bin/env python3
"""outline.py REPORT.html ACCOUNTS.csv CLUSTERS.csv OUTLINE.expected

Checks a report's structure against the score run it was made from (the
same input and options): one cluster section per row of clusters.csv, one
row of the flagged-accounts table per flagged account of accounts.csv,
each cluster's member table listing exactly its members, every section
well nested; and the first cluster section's outline (headings and charts,
in order) against the golden OUTLINE.expected."""
import csv
import re
import sys
from html.parser import HTMLParser

VOID = {"meta", "input", "br", "img", "link", "rect", "line", "circle",
        "path"}

class Outline(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack = []
        self.errors = []
        self.sections = []      # (class, id)
        self.cur = None          # outline of the section being read
        self.outlines = {}
        self.heading = None
        self.text = ""
        self.table = None        # id of the table body being read
        self.rows = {}           # table id -> list of first-cell texts
        self.cell = None
        self.cellno = 0
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag not in VOID:
            self.stack.append(tag)
        if tag == "section":
            self.sections.append((a.get("class"), a.get("id")))
            if a.get("class") == "cluster":
                self.cur = self.outlines.setdefault(a["id"], [])
        if self.cur is not None and tag in ("h2", "h3"):
            self.heading = tag
            self.text = ""
        if self.cur is not None and tag == "svg":
            cls = [c for c in a.get("class", "").split() if c != "chart"]
            self.cur.append("svg " + " ".join(cls))
        if tag == "table" and a.get("id"):
            self.table = a["id"]
            self.rows[self.table] = []
        if tag == "tr" and self.table:
            self.cellno = 0
        if tag == "td" and self.table:
            self.cellno += 1
            if self.cellno == 1:
                self.cell = ""
    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)
    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append("</%s> closes <%s>" %
                               (tag, self.stack[-1] if self.stack else "-"))
            while self.stack and self.stack[-1] != tag:
                self.stack.pop()
        if self.stack:
            self.stack.pop()
        if tag == self.heading:
            words = self.text.split(":")[0].split()
            label = self.text if tag == "h3" else words[0]
            self.cur.append("%s %s" % (tag, label.strip()))
            self.heading = None
        if tag == "section":
            self.cur = None
        if tag == "td" and self.cell is not None:
            self.rows[self.table].append(self.cell.strip())
            self.cell = None
        if tag == "table":
            self.table = None
    def handle_data(self, d):
        if self.heading:
            self.text += d
        if self.cell is not None:
            self.cell += d

def main():
    html, accounts, clusters, golden = sys.argv[1:5]
    p = Outline()
    p.feed(open(html, encoding="utf-8").read())
    fail = list(p.errors)
    if p.stack:
        fail.append("unclosed: %s" % p.stack)
    with open(clusters, newline="") as f:
        cl = list(csv.DictReader(f))
    with open(accounts, newline="") as f:
        acc = list(csv.DictReader(f))
    # accounts.csv guards text cells against spreadsheet formulas; the
    # documented inverse drops one leading quote (docs/outputs.md)
    for a in acc:
        if a["account_id"].startswith("'"):
            a["account_id"] = a["account_id"][1:]
    # every cluster has a section; flagged clusters first, then by mean
    # score, highest first (the order the first screen promises)
    want = ["cluster-" + r["cluster_id"] for r in cl]
    got = [i for c, i in p.sections if c == "cluster"]
    if sorted(got) != sorted(want):
        fail.append("cluster sections %s, clusters.csv has %s" % (got, want))
    else:
        byid = {"cluster-" + r["cluster_id"]: r for r in cl}
        keys = [(int(byid[i]["flagged"]) == 0, -float(byid[i]["score"])) for i in got]
        for a, b in zip(keys, keys[1:]):
            if a[0] > b[0] or (a[0] == b[0] and a[1] > b[1] + 1e-6):
                fail.append("cluster sections not flagged-first by score: %s" % got)
                break
    flagged = sorted(r["account_id"] for r in acc if r["flagged"] == "1")
    rows = sorted(p.rows.get("t-accounts", []))
    if rows != flagged:
        fail.append("flagged table has %d rows, accounts.csv %d flagged" %
                    (len(rows), len(flagged)))
    nsec = sum(1 for c, i in p.sections if c == "account")
    if nsec != len(flagged):
        fail.append("%d account sections for %d flagged" % (nsec, len(flagged)))
    for r in cl:
        members = sorted(a["account_id"] for a in acc
                         if a["cluster_id"] == r["cluster_id"])
        listed = sorted(p.rows.get("t-" + r["cluster_id"], []))
        if listed != members:
            fail.append("%s lists %d members, accounts.csv %d" %
                        (r["cluster_id"], len(listed), len(members)))
    if want:
        outline = p.outlines[want[0]]
        expected = [l.rstrip("\n") for l in open(golden) if l.strip()]
        if outline != expected:
            fail.append("outline of %s:\n  %s\nexpected:\n  %s" %
                        (want[0], "\n  ".join(outline),
                         "\n  ".join(expected)))
    else:
        fail.append("no cluster to check the outline of")
    if fail:
        print("\n".join(fail))
        sys.exit(1)
    print("structure ok: %d clusters, %d flagged accounts" %
          (len(want), len(flagged)))

main()
