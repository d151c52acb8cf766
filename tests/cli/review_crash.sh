#!/bin/sh
# A crash mid-import leaves the store as it was: an import killed (SIGKILL,
# by the test-only CIBSCAN_REVIEW_ABORT_AFTER hook) after some rows of a
# new run changes nothing, the store passes SQLite's integrity check, and
# the same import then succeeds.
set -eu
db="$TMPDIR/s.sqlite"
mk() { # file n score
	{
		echo "account_id,platform,handle,score,flagged,cluster_id,cluster_size,cluster_score,reasons"
		i=1
		while [ $i -le "$2" ]; do
			echo "u$i,x,h$i,$3,1,C1,$2,0.9,\"copied $i texts; created in a batch\""
			i=$((i + 1))
		done
	} >"$1"
}
mk "$TMPDIR/run1.csv" 20 0.50
mk "$TMPDIR/run2.csv" 40 0.70
"$CIBSCAN" review import "$TMPDIR/run1.csv" --db "$db" >/dev/null
"$CIBSCAN" review decide u1 --decision dismiss --reviewer ann --db "$db" >/dev/null
"$CIBSCAN" review decide u2 --decision confirm --reviewer ann --db "$db" >/dev/null
snap() {
	python3 - "$db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
for t in ("runs", "items", "audit"):
    for r in c.execute("SELECT * FROM %s ORDER BY 1, 2, 3, 4" % t):
        print(t, r)
PY
}
snap >"$TMPDIR/before"
set +e
CIBSCAN_REVIEW_ABORT_AFTER=25 "$CIBSCAN" review import "$TMPDIR/run2.csv" \
	--db "$db" >/dev/null 2>&1
rc=$?
set -e
[ "$rc" -eq 137 ] || { echo "import was not killed (exit $rc)"; exit 1; }
snap >"$TMPDIR/after"
cmp "$TMPDIR/before" "$TMPDIR/after"
# the same import, not killed, goes through: u1's score rose 0.20 >= 0.10
"$CIBSCAN" review import "$TMPDIR/run2.csv" --db "$db" >"$TMPDIR/imp"
grep -q "40 flagged: 20 new queued, 1 re-queued (evidence grew), 0 kept dismissed, 1 kept confirmed, 18 already open" "$TMPDIR/imp"
"$CIBSCAN" review show u1 --db "$db" >"$TMPDIR/show"
grep -q "score rose from 0.500 to 0.700 (margin 0.10); cluster grew from 20 to 40 accounts" "$TMPDIR/show"
