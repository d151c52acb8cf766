#!/usr/bin/env python3
"""evaluate.py TRUTH.csv ACCOUNTS.csv - detection quality of a score run
against `cibscan synth` ground truth: average precision of the score, precision,
recall and F1 of the flag, flags per role, and the adjusted Rand index of the
clusters against the planted networks over the detected true positives.
Every role of truth.csv is listed (0 flagged too); when truth.csv has a
`kind` column (the synth modes), recall of the planted accounts per kind
(stealth, sparse, xplat, ...) follows on its own line."""
import csv, sys
from collections import Counter, defaultdict
from math import comb

truth = {}
group = {}
kind = {}
for r in csv.DictReader(open(sys.argv[1])):
    truth[r['account_id']] = r['role']
    group[r['account_id']] = r.get('group_id', '')
    if r.get('kind'):
        kind[r['account_id']] = r['kind']
rows = list(csv.DictReader(open(sys.argv[2])))
# accounts.csv guards text cells against spreadsheet formulas (an id
# beginning with '+' is written "'+..."); the documented inverse drops one
# leading quote (docs/outputs.md)
for r in rows:
    if r['account_id'].startswith("'"):
        r['account_id'] = r['account_id'][1:]
scored = [(float(r['score']), truth.get(r['account_id']) == 'cib', r) for r in rows]
scored.sort(key=lambda x: -x[0])
npos = sum(1 for _, y, _ in scored if y)
tp = 0
ap = 0.0
for i, (_, y, _) in enumerate(scored, 1):
    if y:
        tp += 1
        ap += tp / i
ap = ap / npos if npos else float('nan')
flag = [(y, r) for _, y, r in scored if r['flagged'] == '1']
ftp = sum(1 for y, _ in flag if y)
prec = ftp / len(flag) if flag else 0.0
rec = ftp / npos if npos else 0.0
f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
byrole = Counter(truth.get(r['account_id'], '?') for _, r in flag)
roles = Counter(truth.values())
# ARI between detected cluster ids and planted networks, over flagged true positives
pairs = [(r['cluster_id'] or ('solo' + r['account_id']), group[r['account_id']]) for y, r in flag if y]
def ari(pairs):
    n = len(pairs)
    if n < 2:
        return float('nan')
    ct = Counter(pairs)
    a = Counter(p for p, _ in pairs)
    b = Counter(q for _, q in pairs)
    s = sum(comb(v, 2) for v in ct.values())
    sa = sum(comb(v, 2) for v in a.values())
    sb = sum(comb(v, 2) for v in b.values())
    exp = sa * sb / comb(n, 2)
    mx = (sa + sb) / 2
    return (s - exp) / (mx - exp) if mx != exp else 1.0
print(f"accounts {len(rows)} cib {npos} flagged {len(flag)}")
print(f"AP {ap:.4f}  precision {prec:.4f}  recall {rec:.4f}  F1 {f1:.4f}  ARI {ari(pairs):.4f}")
print("flagged by role: " + ", ".join(f"{k}={byrole[k]}/{roles[k]}" for k in sorted(set(roles) | set(byrole))))
if kind:
    ck = Counter(kind[r['account_id']] for y, r in flag if y and r['account_id'] in kind)
    allk = Counter(kind[a] for a, v in truth.items() if v == 'cib' and a in kind)
    print("cib recall by kind: " + ", ".join(f"{k}={ck[k]}/{allk[k]}" for k in sorted(allk)))
