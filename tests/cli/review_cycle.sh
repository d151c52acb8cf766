#!/bin/sh
# A whole review cycle: import a run, take the next item, decide a cluster
# for its members, export the confirmed list, re-import (decisions kept),
# and make the report from the store with the decisions beside the evidence.
set -eu
"$CIBSCAN" synth -o "$TMPDIR/syn" --accounts 400 --posts 16000 --seed 11 >/dev/null
in="$TMPDIR/syn/tweets.csv"
"$CIBSCAN" score "$in" -o "$TMPDIR/acc.csv" --clusters "$TMPDIR/cl.csv" --quiet
db="$TMPDIR/s.sqlite"
"$CIBSCAN" review import "$TMPDIR/acc.csv" --clusters "$TMPDIR/cl.csv" \
	--settings "defaults, seed 1" --input "$in" --db "$db" >"$TMPDIR/imp"
nflag=$(awk -F, 'NR > 1 && $5 == 1' "$TMPDIR/acc.csv" | wc -l)
grep -q "$nflag flagged: $nflag new queued" "$TMPDIR/imp"
# the journal is WAL, the run's checksums are kept
python3 - "$db" "$in" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
assert c.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
s = c.execute("SELECT checksums, settings FROM runs").fetchone()
assert sys.argv[2] + " xxh3:" in s[0] and s[1] == "defaults, seed 1", s
PY
# next: the highest-scoring queued account, ties (scores equal as written)
# by key, platform:id (the id cell may carry the spreadsheet-formula
# guard: a leading quote)
topcell=$(python3 - "$TMPDIR/acc.csv" <<'PY'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["flagged"] == "1"]
best = max(float(r["score"]) for r in rows)
top = [r for r in rows if float(r["score"]) == best]
key = lambda r: r["platform"] + ":" + r["account_id"].lstrip("'")
print(min(top, key=key)["account_id"])
PY
)
top=$(printf '%s\n' "$topcell" | sed "s/^'//")
"$CIBSCAN" review next --reviewer ann --db "$db" >"$TMPDIR/next"
grep -q "id  *$top\$" "$TMPDIR/next"
grep -q "status  *queued" "$TMPDIR/next"
# decide C1 for its members (those queued: its flagged members)
size=$(awk -F, '$6 == "C1" && $5 == 1' "$TMPDIR/acc.csv" | wc -l)
"$CIBSCAN" review decide C1 --decision confirm --reviewer ann \
	--note "shared texts, office shift" --members --db "$db" >"$TMPDIR/dec"
grep -q "($((size + 1)) items)" "$TMPDIR/dec"
# bob did not see ann's decisions (and ann holds top's lease): refused
rc=0
"$CIBSCAN" review decide "$top" --decision dismiss --reviewer bob \
	--note "checked: a real person" --db "$db" >/dev/null 2>"$TMPDIR/conf" || rc=$?
[ "$rc" -eq 1 ]
grep -q "conflict: account x:$top " "$TMPDIR/conf"
"$CIBSCAN" review decide "$top" --decision dismiss --reviewer bob --supersede \
	--note "checked: a real person" --db "$db" >/dev/null
"$CIBSCAN" review show "$top" --db "$db" >"$TMPDIR/show"
grep -q "status  *dismiss" "$TMPDIR/show"
grep -q "bob supersede confirm -> dismiss" "$TMPDIR/show" ||
	grep -q "bob supersede queued -> dismiss" "$TMPDIR/show"
# export: C1's members, minus the dismissed one if it was a member
"$CIBSCAN" review export --decision confirm -o "$TMPDIR/final.csv" --db "$db" 2>/dev/null
want=$(awk -F, -v t="$topcell" '$6 == "C1" && $5 == 1 && $1 != t' "$TMPDIR/acc.csv" | wc -l)
got=$(($(wc -l <"$TMPDIR/final.csv") - 1))
[ "$got" -eq "$want" ]
head -1 "$TMPDIR/final.csv" | grep -q "^account_id,platform,handle,decision,reviewer,decided_at,note,decision_id,score,cluster_id,reasons,run_id$"
# every decided account: the confirmed ones and bob's dismissal
"$CIBSCAN" review export -o "$TMPDIR/all.csv" --db "$db" 2>/dev/null
[ "$(($(wc -l <"$TMPDIR/all.csv") - 1))" -eq "$((want + 1))" ]
grep -q ",dismiss,bob," "$TMPDIR/all.csv"
grep -q "shared texts, office shift" "$TMPDIR/final.csv"
# the same run again: a no-op
"$CIBSCAN" review import "$TMPDIR/acc.csv" --clusters "$TMPDIR/cl.csv" --db "$db" >"$TMPDIR/imp2"
grep -q "already imported as run 1 .*nothing changed" "$TMPDIR/imp2"
# the report from the store shows the decisions
"$CIBSCAN" report "$in" --db "$db" -o "$TMPDIR/r.html" --quiet
[ "$(grep -o '<span class="dec confirm">' "$TMPDIR/r.html" | wc -l)" -ge "$want" ]
grep -q '<span class="dec dismiss">' "$TMPDIR/r.html"
grep -q 'checked: a real person' "$TMPDIR/r.html"
# usage and data errors
set +e
"$CIBSCAN" review decide nosuch --decision confirm --reviewer a --db "$db" 2>"$TMPDIR/e"
[ $? -eq 1 ] || exit 1
"$CIBSCAN" review decide C1 --decision perhaps --reviewer a --db "$db" 2>"$TMPDIR/e"
[ $? -eq 2 ] || exit 1
"$CIBSCAN" review frobnicate --db "$db" 2>"$TMPDIR/e"
[ $? -eq 2 ] || exit 1
printf 'id,x\n1,2\n' >"$TMPDIR/bad.csv"
"$CIBSCAN" review import "$TMPDIR/bad.csv" --db "$db" 2>"$TMPDIR/e"
[ $? -eq 1 ] || exit 1
set -e
grep -q "bad.csv:1: no 'account_id' column" "$TMPDIR/e"
