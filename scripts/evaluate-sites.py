#!/usr/bin/env python3
"""evaluate-sites.py TRUTH SITES_CSV - scores `cibscan sites` output against
synth-sites truth: average precision of the score ranking, precision, recall
and F1 of `flagged`, whether each network is exactly one cluster, and how
many look-alike sites were flagged. "One cluster" counts a network whose
every site is in one cluster holding no other site; the next line relaxes it
to the network's flagged sites. Prints one line per measure; exit 1 if
a site of either file is missing from the other."""
import csv
import sys

truth = {r['site']: r for r in csv.DictReader(open(sys.argv[1]))}
rows = list(csv.DictReader(open(sys.argv[2])))
got = {r['site']: r for r in rows}
if set(truth) != set(got):
    print('site sets differ: %d vs %d' % (len(truth), len(got)))
    sys.exit(1)
pos = {s for s, r in truth.items() if r['role'].startswith('network_')}
ranked = sorted(rows, key=lambda r: (-float(r['score']), r['site']))
hits, ap = 0, 0.0
for i, r in enumerate(ranked, 1):
    if r['site'] in pos:
        hits += 1
        ap += hits / i
ap /= max(1, len(pos))
flagged = {s for s, r in got.items() if r['flagged'] == '1'}
tp = len(flagged & pos)
prec = tp / len(flagged) if flagged else 0.0
rec = tp / len(pos) if pos else 0.0
f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
look = sorted(s for s in flagged if truth[s]['role'].startswith('lookalike_'))
org = sorted(s for s in flagged if truth[s]['role'] == 'organic')
groups = {}
for s in pos:
    groups.setdefault(truth[s]['group_id'], set()).add(s)
one = 0
one_flagged = 0
for g, members in sorted(groups.items()):
    cl = {got[s]['cluster_id'] for s in members}
    pure = len(cl) == 1 and '' not in cl and all(
        truth[s]['group_id'] == g for s, r in got.items()
        if r['cluster_id'] in cl)
    fcl = cl - {''}
    fpure = len(fcl) == 1 and all(
        truth[s]['group_id'] == g for s, r in got.items()
        if r['cluster_id'] in fcl)
    one += pure
    one_flagged += fpure
    print('network %-8s size %3d clusters %s%s' % (
        g, len(members), ','.join(sorted(cl)), '' if pure else '  NOT ONE CLUSTER'))
print('AP %.4f' % ap)
print('precision %.4f recall %.4f F1 %.4f' % (prec, rec, f1))
print('networks as one cluster %d/%d' % (one, len(groups)))
print('networks whose flagged sites are one cluster %d/%d' % (one_flagged, len(groups)))
print(('look-alikes flagged %d %s' % (len(look), ' '.join(look[:5]))).rstrip())
print('organic flagged %d' % len(org))
