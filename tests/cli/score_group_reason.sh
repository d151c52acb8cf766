#!/bin/sh
# A group reason names the test that carried the group, never a count that
# chance explains: on the co-sharing benchmark every member shares the same
# objects as many others (the sharing count equals its expectation), and
# what holds the group together is synchrony, so the reason must give the
# synchronous actions and never "N objects, N expected by chance".
set -eu
"$CIBSCAN" synth --cosharing -o "$TMPDIR/cs" --seed 5 >/dev/null
"$CIBSCAN" score "$TMPDIR/cs/shares.csv" -o "$TMPDIR/a.csv" --csv-raw \
	--clusters "$TMPDIR/c.csv" 2>/dev/null
python3 - "$TMPDIR/a.csv" "$TMPDIR/cs/truth.csv" "$TMPDIR/c.csv" <<'PY'
import csv, re, sys
rows = list(csv.DictReader(open(sys.argv[1])))
truth = {r['account_id']: r['role'] for r in csv.DictReader(open(sys.argv[2]))}
clusters = {c['cluster_id']: c for c in csv.DictReader(open(sys.argv[3]))}
planted = [r for r in rows if truth.get(r['account_id']) == 'cib' and r['cluster_id']]
assert planted, 'no planted account clustered'
# the group's sentence is on its cluster (once), not on every member
assert any('within seconds or minutes of another member' in clusters[r['cluster_id']]['reasons'] for r in planted), clusters[planted[0]['cluster_id']]['reasons']
assert not any('within seconds or minutes of another member' in r['reasons'] for r in rows)
for r in list(rows) + list(clusters.values()):
    for m in re.finditer(r'acted together on (\d+) objects?, (\d+) expected by chance', r['reasons']):
        x, e = int(m.group(1)), int(m.group(2))
        assert x >= 2 * e and x >= e + 1, r['reasons']
print('ok', len(planted))
PY
