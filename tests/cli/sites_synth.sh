#!/bin/sh
# synth-sites writes a crawl with networks and look-alikes; `sites` finds
# the networks (F1 >= 0.9, each network's flagged sites one cluster of
# their own) and flags no look-alike; the
# JSON and clusters outputs agree with the CSV; usage errors exit 2.
set -eu
d="$TMPDIR/crawl"
"$CIBSCAN" synth-sites -o "$d" --seed 3 --organic 90 --pages 3 \
	--haixun 1 --haimai 1 2>"$TMPDIR/gen.txt"
[ -s "$d/crawl.warc.gz" ]
head -n 1 "$d/truth.csv" | grep -q '^site,role,group_id$'
for role in network_haixun network_haimai lookalike_wire lookalike_theme \
	lookalike_cdn lookalike_media organic; do
	grep -q ",$role," "$d/truth.csv" || { echo "no $role"; exit 1; }
done
"$CIBSCAN" sites -q "$d/crawl.warc.gz" -o "$TMPDIR/sites.csv" \
	--clusters "$TMPDIR/clusters.csv"
python3 "$TOP/scripts/evaluate-sites.py" "$d/truth.csv" "$TMPDIR/sites.csv" \
	>"$TMPDIR/eval.txt"
cat "$TMPDIR/eval.txt"
python3 - "$TMPDIR/eval.txt" <<'PY'
import sys
t = open(sys.argv[1]).read().split('\n')
f1 = float([l for l in t if l.startswith('precision')][0].split()[-1])
assert f1 >= 0.9, f1
assert 'look-alikes flagged 0' in t, t
n = [l for l in t if l.startswith('networks whose flagged')][0].split()[-1]
assert n == '2/2', t
PY
[ "$(wc -l <"$TMPDIR/clusters.csv")" -eq 3 ] || { echo "want 2 clusters"; exit 1; }
"$CIBSCAN" sites -q --json "$d/crawl.warc.gz" -o "$TMPDIR/sites.json"
python3 - "$TMPDIR/sites.json" "$TMPDIR/sites.csv" <<'PY'
import csv, json, sys
j = json.load(open(sys.argv[1]))
c = {r['site']: r for r in csv.DictReader(open(sys.argv[2]))}
assert len(j['sites']) == len(c)
for s in j['sites']:
    assert int(s['flagged']) == int(c[s['site']]['flagged'])
assert len(j['clusters']) == 2
PY
# same seed, same bytes
"$CIBSCAN" synth-sites -o "$TMPDIR/again" --seed 3 --organic 90 --pages 3 \
	--haixun 1 --haimai 1 2>/dev/null
cmp "$d/crawl.warc.gz" "$TMPDIR/again/crawl.warc.gz"
rc=0
"$CIBSCAN" sites 2>/dev/null || rc=$?
[ "$rc" -eq 2 ]
rc=0
"$CIBSCAN" sites --min-kinds 9 "$d/crawl.warc.gz" 2>/dev/null || rc=$?
[ "$rc" -eq 2 ]
rc=0
"$CIBSCAN" synth-sites 2>/dev/null || rc=$?
[ "$rc" -eq 2 ]
# its files are outputs like any other (core/outfile.h): a dangling link
# at truth.csv is refused, not followed to create its target, and nothing
# half-written is left; a link to a regular file has that file replaced
mkdir "$TMPDIR/dl"
ln -s "$TMPDIR/elsewhere" "$TMPDIR/dl/truth.csv"
rc=0
"$CIBSCAN" synth-sites -o "$TMPDIR/dl" --seed 3 --organic 30 --pages 2 \
	2>"$TMPDIR/err" || rc=$?
[ "$rc" -ne 0 ] || { echo "a dangling link was followed"; exit 1; }
grep -q "cannot write '$TMPDIR/dl/truth.csv'" "$TMPDIR/err" ||
	{ cat "$TMPDIR/err"; exit 1; }
[ ! -e "$TMPDIR/elsewhere" ] || { echo "the link's target was made"; exit 1; }
[ -z "$(find "$TMPDIR/dl" -name '*.tmp.*')" ] || { echo "temporary files"; exit 1; }
: >"$TMPDIR/elsewhere"
"$CIBSCAN" synth-sites -o "$TMPDIR/dl" --seed 3 --organic 30 --pages 2 \
	2>/dev/null
[ -L "$TMPDIR/dl/truth.csv" ] && head -n 1 "$TMPDIR/elsewhere" |
	grep -q '^site,role,group_id$' || { echo "link's target not replaced"; exit 1; }
"$CIBSCAN" sites --help | grep -q 'usage: cibscan sites'
