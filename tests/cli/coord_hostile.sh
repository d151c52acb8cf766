#!/bin/sh
# A graph that grew without bound just under the viral cap (issue 10, 12):
# 150 objects, each reposted by the same 999 accounts within one minute,
# once cost ~24 MB of pair codes an object (all 498,501 pairs). Each
# object's pairs are now bounded (8 an action + 2048, the tightest), so the
# run is quick and small; a --max-memory below what the pairs need stops
# the run with a message naming the option instead of exhausting memory;
# --max-actors is validated.
set -eu
python3 - "$TMPDIR/h.jsonl" <<'PY'
import datetime, random, sys
random.seed(5)
out = open(sys.argv[1], "w")
out.write('{"type":"cibscan","version":1}\n')
pid = 0
for o in range(150):
    base = 1600000000 + o * 3600
    for a in range(999):
        pid += 1
        t = datetime.datetime.fromtimestamp(base + random.randrange(60), datetime.timezone.utc)
        out.write('{"type":"post","platform":"x","id":"p%d","account_id":"a%d","time":"%s","kind":"repost","ref_post":"o%d"}\n'
                  % (pid, a, t.strftime("%Y-%m-%dT%H:%M:%SZ"), o))
PY
/usr/bin/time -f '%e %M' -o "$TMPDIR/t" "$CIBSCAN" score "$TMPDIR/h.jsonl" \
	-o "$TMPDIR/a.csv" --json --quiet
read -r secs kb < "$TMPDIR/t"
echo "149,850 posts: $secs s, peak $kb KB"
# (issue 10 measured 320 such objects at 105 s and 8 GB before)
awk -v s="$secs" -v k="$kb" 'BEGIN { exit !(s < 30 && k < 1000000) }'
python3 - "$TMPDIR/a.csv" <<'PY'
import json, sys
g = json.load(open(sys.argv[1]))["graph"]["types"]["co_repost"]
# at most (8 * 999 + 2048) pairs enumerated on each of the 150 objects
assert g["pairs_in_window"] <= 150 * (8 * 999 + 2048), g
assert g["shared_objects"] == 150 and g["viral_objects"] == 0, g
PY
if "$CIBSCAN" score "$TMPDIR/h.jsonl" -o "$TMPDIR/b.csv" --max-memory 8M \
	--quiet 2> "$TMPDIR/err"; then
	echo "--max-memory 8M should have stopped the run"
	exit 1
fi
grep -q -- '--max-memory' "$TMPDIR/err"
for bad in 0 1 -5 x 100000001; do
	if "$CIBSCAN" score "$TMPDIR/h.jsonl" -o "$TMPDIR/c.csv" \
		--max-actors "$bad" --quiet 2>/dev/null; then
		echo "--max-actors $bad accepted"
		exit 1
	fi
done
if "$CIBSCAN" score "$TMPDIR/h.jsonl" -o "$TMPDIR/c.csv" --max-memory 10 \
	--quiet 2>/dev/null; then
	echo "--max-memory 10 accepted"
	exit 1
fi
