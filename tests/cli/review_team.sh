#!/bin/sh
# The review rules for a team, one regression per failure seen with two
# reviewers taking turns: 'next' claims with a lease (two reviewers never
# get the same item); a decision on an item someone else decided since is
# refused with who/what/when unless --supersede (also for a member decided
# through its cluster); undo is a new decision pointing at the one it
# reverses; the same run imported twice is a no-op; clusters keep their
# identity (and decision) across runs that renumber them; decide takes
# several ids, @handles and --cluster; every subcommand has its own help;
# export lists every decided account with platform.
set -eu
T=$TMPDIR
db="$T/s.sqlite"
fail() { echo "FAIL: $*" >&2; exit 1; }
q() { python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])' "$db" "$1"; }
hdr="account_id,platform,handle,score,flagged,cluster_id,cluster_size,cluster_score,reasons"
{
	echo "$hdr"
	for i in 1 2 3 4 5; do echo "a$i,x,HandleA$i,0.9$i,1,C1,5,0.9,copied texts"; done
	for i in 1 2 3 4 5; do echo "b$i,x,hb$i,0.8$i,1,C2,5,0.8,shared links"; done
	echo "solo,x,solo1,0.70,1,,,,created in a batch"
} >"$T/run1.csv"
"$CIBSCAN" review init --db "$db" >/dev/null
"$CIBSCAN" review import "$T/run1.csv" --db "$db" >"$T/imp1"
grep -q "11 new queued" "$T/imp1" || fail "import: $(cat "$T/imp1")"

# --- two reviewers taking turns: different items, each keeps its own
"$CIBSCAN" review next --reviewer alice --db "$db" >"$T/na"
"$CIBSCAN" review next --reviewer bob --db "$db" >"$T/nb"
ia=$(sed -n 's/^account x:\(.*\)/\1/p' "$T/na")
ib=$(sed -n 's/^account x:\(.*\)/\1/p' "$T/nb")
[ "$ia" = a5 ] || fail "alice got '$ia', want the top score a5"
[ "$ib" = a4 ] || fail "bob got '$ib', want a4 (a5 is alice's)"
grep -q "claimed by alice until .* (version 0)" "$T/na" || fail "no lease shown"
"$CIBSCAN" review next --reviewer alice --db "$db" | grep -q "^account x:a5$" ||
	fail "alice's next did not return her live claim"
# claiming an item another holds: refused, then taken on purpose
rc=0
"$CIBSCAN" review claim a5 --reviewer bob --db "$db" 2>"$T/ce" >/dev/null || rc=$?
[ "$rc" -eq 1 ] && grep -q "claimed by alice until" "$T/ce" || fail "claim: $rc $(cat "$T/ce")"
# an expired lease frees the item
python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("UPDATE items SET claim_until = ? WHERE key = ?", ("2000-01-01T00:00:00.000Z", "a4")); c.commit()' "$db"
"$CIBSCAN" review next --reviewer carol --db "$db" | grep -q "^account x:a4$" ||
	fail "an expired lease was not taken over"

# --- Bob's dismiss must not silently replace Alice's confirm
"$CIBSCAN" review decide C1 --members --decision confirm --reviewer alice \
	--note "same texts" --db "$db" >"$T/d1" 2>"$T/d1e" && fail "C1 with carol's live lease on a4 went through"
grep -q "a4 is claimed by carol" "$T/d1e" || fail "$(cat "$T/d1e")"
# carol's lease ends (she takes a break); alice decides the cluster
python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("UPDATE items SET claim_until = ? WHERE key = ?", ("2000-01-01T00:00:00.000Z", "a4")); c.commit()' "$db"
"$CIBSCAN" review decide --cluster C1 --decision confirm --reviewer alice \
	--note "same texts" --db "$db" >"$T/d1"
grep -q "^decision 1: confirm by alice (6 items)$" "$T/d1" || fail "$(cat "$T/d1")"
audit0=$(q "SELECT count(*) FROM audit")
rc=0
"$CIBSCAN" review decide a3 --decision dismiss --reviewer bob --db "$db" >/dev/null 2>"$T/c1" || rc=$?
[ "$rc" -eq 1 ] || fail "bob's dismiss over alice's confirm: exit $rc"
grep -q "conflict: account x:a3 was set to confirm by alice at 20.*Z (decision 1)" "$T/c1" ||
	fail "conflict message: $(cat "$T/c1")"
grep -q "nothing was recorded" "$T/c1" || fail "$(cat "$T/c1")"
[ "$(q "SELECT status FROM items WHERE key='a3'")" = confirm ] || fail "a3 changed"
[ "$(q "SELECT count(*) FROM audit")" = "$audit0" ] || fail "a refused decision was logged"
# a stale version is refused too, also for the same reviewer
v=$(q "SELECT version FROM items WHERE key='b1'")
"$CIBSCAN" review decide b1 --decision escalate --reviewer bob --db "$db" >/dev/null
rc=0
"$CIBSCAN" review decide b1 --version "$v" --decision dismiss --reviewer bob --db "$db" >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 1 ] || fail "a decision on version $v after a change: exit $rc"
# a list is all or nothing: b2 is fine, a2 conflicts -> neither changes
rc=0
"$CIBSCAN" review decide b2 a2 --decision dismiss --reviewer bob --db "$db" >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 1 ] || fail "list with a conflict: exit $rc"
[ "$(q "SELECT status FROM items WHERE key='b2'")" = queued ] || fail "b2 decided in a refused list"
# --supersede replaces it on purpose, and the log says what it replaced
"$CIBSCAN" review decide a3 --decision dismiss --reviewer bob --supersede \
	--note "a real person" --db "$db" >"$T/d2"
dec2=$(sed -n 's/^decision \([0-9]*\):.*/\1/p' "$T/d2")
[ "$(q "SELECT action || ' ' || previous || ' ' || value || ' ' || (supersedes IS NOT NULL) FROM audit WHERE batch = $dec2")" = "supersede confirm dismiss 1" ] ||
	fail "supersede row"
# undo: a new decision pointing at the one it reverses; alice's confirm back
"$CIBSCAN" review undo "$dec2" --reviewer bob --db "$db" >"$T/u"
grep -q "undid decision $dec2" "$T/u" || fail "$(cat "$T/u")"
[ "$(q "SELECT status || ' ' || reviewer FROM items WHERE key='a3'")" = "confirm alice" ] ||
	fail "undo did not restore alice's confirm"
[ "$(q "SELECT count(*) FROM audit WHERE action = 'undo' AND reverses = (SELECT seq FROM audit WHERE batch = $dec2)")" = 1 ] ||
	fail "undo row does not point at the reversed one"
# undoing decision 1 now is stale for a3 (changed after it): refused
rc=0
"$CIBSCAN" review undo 1 --reviewer alice --db "$db" >/dev/null 2>"$T/u2" || rc=$?
[ "$rc" -eq 1 ] && grep -q "nothing was undone" "$T/u2" || fail "stale undo: $rc"
# the log stayed append-only
rc=0
python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("DELETE FROM audit")' "$db" 2>/dev/null || rc=$?
[ "$rc" -ne 0 ] || fail "audit rows deleted"

# --- several ids, @handles (case-insensitive), --cluster
"$CIBSCAN" review decide b3 @HB4 x:b5 --decision dismiss --reviewer dana --db "$db" >"$T/d3"
grep -q "(3 items)" "$T/d3" || fail "$(cat "$T/d3")"
[ "$(q "SELECT count(*) FROM items WHERE key IN ('b3','b4','b5') AND status='dismiss'")" = 3 ] || fail "list"

# --- the same run twice: a no-op, under another name too
runs=$(q "SELECT count(*) FROM runs")
audit1=$(q "SELECT count(*) FROM audit")
cp "$T/run1.csv" "$T/copy.csv"
"$CIBSCAN" review import "$T/copy.csv" --db "$db" >"$T/imp2"
grep -q "already imported as run 1 (.*): nothing changed" "$T/imp2" || fail "$(cat "$T/imp2")"
[ "$(q "SELECT count(*) FROM runs")" = "$runs" ] || fail "a second run was made"
[ "$(q "SELECT count(*) FROM audit")" = "$audit1" ] || fail "the re-import logged"

# --- run 2 renumbers the clusters: the a-cluster is C2 (a1..a4, Jaccard
# 0.8 with run 1's C1), the b-cluster C1 (b1..b6, 5/6); a new C3
"$CIBSCAN" review decide --cluster C2 --decision dismiss --reviewer erin --supersede --db "$db" >/dev/null
{
	echo "$hdr"
	for i in 1 2 3 4; do echo "a$i,x,HandleA$i,0.9$i,1,C2,4,0.9,copied texts"; done
	for i in 1 2 3 4 5 6; do echo "b$i,x,hb$i,0.8$i,1,C1,6,0.8,shared links"; done
	for i in 1 2 3; do echo "c$i,x,hc$i,0.6$i,1,C3,3,0.6,new"; done
} >"$T/run2.csv"
"$CIBSCAN" review import "$T/run2.csv" --db "$db" >"$T/imp3"
grep -q "1 clusters queued, 2 carried" "$T/imp3" || fail "$(cat "$T/imp3")"
"$CIBSCAN" review show C2 --db "$db" >"$T/c2"
grep -q "status  *confirm" "$T/c2" || fail "run 2's C2 lost run 1's C1 confirm: $(cat "$T/c2")"
grep -q "identity  *R1:C1" "$T/c2" || fail "identity"
grep -q "carried - -> confirm (run 2).*run 1's C1 (Jaccard 0.80, 4 shared members)" "$T/c2" ||
	fail "carry not logged: $(cat "$T/c2")"
# the dismissed b-cluster grew (5 -> 6): re-queued, saying why
"$CIBSCAN" review show C1 --db "$db" >"$T/c1s"
grep -q "status  *queued" "$T/c1s" || fail "grown dismissed cluster not re-queued"
grep -q "cluster grew from 5 to 6 accounts" "$T/c1s" || fail "$(cat "$T/c1s")"
"$CIBSCAN" review show C3 --db "$db" | grep -q "identity  *R2:C3" || fail "new cluster identity"

# --- per-subcommand help
"$CIBSCAN" review decide --help >"$T/h1"
"$CIBSCAN" review export --help >"$T/h2"
grep -q "^usage: cibscan review decide" "$T/h1" || fail "decide help"
grep -q "^usage: cibscan review export" "$T/h2" || fail "export help"
cmp -s "$T/h1" "$T/h2" && fail "one shared help page"

# --- export: every decided account with platform, decision, reviewer, note
"$CIBSCAN" review export --json -o "$T/e.json" --db "$db" 2>/dev/null
"$CIBSCAN" review export --csv -o "$T/e.csv" --db "$db" 2>/dev/null
python3 - "$T/e.json" "$T/e.csv" "$db" <<'PY'
import csv, json, sqlite3, sys
j = json.load(open(sys.argv[1]))
rows = list(csv.DictReader(open(sys.argv[2], newline="")))
c = sqlite3.connect(sys.argv[3])
want = {k: s for k, s in c.execute(
    "SELECT key, status FROM items WHERE kind='account' AND status != 'queued'")}
got = {d["account_id"]: d["decision"] for d in j["decisions"]}
assert got == want, (got, want)
assert j["count"] == len(want)
assert {r["account_id"]: r["decision"] for r in rows} == want
assert set(want.values()) == {"confirm"}  # the b accounts were re-queued
for d in j["decisions"]:
    for k in ("platform", "decision", "reviewer", "decided_at", "note"):
        assert k in d, k
    assert d["platform"] == "x" and d["reviewer"] and d["decided_at"]
a3 = [d for d in j["decisions"] if d["account_id"] == "a3"][0]
assert a3["reviewer"] == "alice" and a3["decision"] == "confirm", a3
print(len(want), "decided accounts exported")
PY
echo ok
