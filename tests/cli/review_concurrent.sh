#!/bin/sh
# Two reviewers deciding at the same time lose nothing: two process loops
# decide the same 20 accounts in opposite orders (and 20 of their own each,
# the shared ones with --supersede: replacing the other's decision is on
# purpose here) against one store; every decision must succeed and be in the audit log,
# and each account's log must chain (every row's previous value is the
# value of the row before it; the item's status is the last value).
set -eu
db="$TMPDIR/s.sqlite"
{
	echo "account_id,platform,handle,score,flagged,cluster_id,cluster_size,cluster_score,reasons"
	i=1
	while [ $i -le 20 ]; do
		echo "s$i,x,hs$i,0.9,1,C1,30,0.9,shared $i"
		echo "a$i,x,ha$i,0.8,1,,,,own $i"
		echo "b$i,x,hb$i,0.7,1,,,,own $i"
		i=$((i + 1))
	done
} >"$TMPDIR/acc.csv"
"$CIBSCAN" review import "$TMPDIR/acc.csv" --db "$db" >/dev/null
reviewer() { # name decision order own-prefix
	i=1
	while [ $i -le 20 ]; do
		if [ "$3" = up ]; then k=$i; else k=$((21 - i)); fi
		"$CIBSCAN" review decide "s$k" --decision "$2" --reviewer "$1" --supersede \
			--note "$1 on s$k" --db "$db" >/dev/null ||
			echo "$1 s$k failed" >>"$TMPDIR/failures"
		"$CIBSCAN" review decide "$4$k" --decision "$2" --reviewer "$1" \
			--db "$db" >/dev/null ||
			echo "$1 $4$k failed" >>"$TMPDIR/failures"
		i=$((i + 1))
	done
}
reviewer ann confirm up a &
p1=$!
reviewer bob dismiss down b &
p2=$!
wait $p1
wait $p2
if [ -s "$TMPDIR/failures" ]; then
	cat "$TMPDIR/failures"
	exit 1
fi
python3 - "$db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
n = c.execute("SELECT count(*) FROM audit WHERE action IN ('decide', 'supersede')").fetchone()[0]
assert n == 80, "%d decisions logged, 80 made" % n
for (key,) in c.execute("SELECT key FROM items WHERE kind = 'account'").fetchall():
    rows = c.execute("SELECT previous, value, reviewer FROM audit WHERE key = ?"
                     " AND action IN ('decide', 'supersede') ORDER BY seq", (key,)).fetchall()
    want = 2 if key.startswith("s") else 1
    assert len(rows) == want, (key, rows)
    prev = "queued"
    for p, v, r in rows:
        assert p == prev, "%s: logged previous %s, was %s" % (key, p, prev)
        prev = v
    st = c.execute("SELECT status FROM items WHERE key = ?", (key,)).fetchone()[0]
    assert st == prev, (key, st, prev)
both = c.execute("SELECT count(DISTINCT reviewer) FROM audit WHERE action IN"
                 " ('decide', 'supersede') AND key LIKE 's%'").fetchone()[0]
assert both == 2
print("80 concurrent decisions, all logged and chained")
PY
