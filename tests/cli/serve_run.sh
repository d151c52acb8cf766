#!/bin/sh
# 'cibscan serve --run' and 'review import --run' without --input
# (docs/review.md): the run is imported into the store first, its evidence
# read from the inputs it names (checked against the run's hashes), so the
# account panel shows the rhythm and posts; serving the same run again
# imports nothing; the store records the run file and its real inputs;
# a changed input leaves the evidence out with a warning naming it.
set -eu
T=$TMPDIR
. "$TOP/tests/serve/common.sh"
fail() { echo "FAIL: $*" >&2; exit 1; }
s=$FIXTURES/sample
cp "$s/tweets.csv.gz" "$s/users.csv.gz" "$T/"
$CIBSCAN score "$T/tweets.csv.gz" "$T/users.csv.gz" -o "$T/a.csv" \
	--save "$T/run.cib" --quiet
db="$T/s.sqlite"
"$CIBSCAN" review init --db "$db" >/dev/null
serve_start "$db" --run "$T/run.cib"
grep -q '^run 1: .* flagged' "$T/serve.out" || fail "no import: $(cat "$T/serve.out")"
grep -q '^run 1 evidence: ' "$T/serve.out" || fail "no evidence: $(cat "$T/serve.out")"
session ann
id=$(awk -F, 'NR > 1 && $5 == 1 { print $1; exit }' "$T/a.csv" | sed "s/^'//")
curl -s -b "$T/ann.jar" "$URL/account?id=x:$id" >"$T/acc.html"
grep -q 'Posts and their copies' "$T/acc.html" || fail "no posts panel"
grep -q 'id="no-evidence"' "$T/acc.html" && fail "evidence missing"
api ann GET '/api/queue?limit=100000' >/dev/null
n=$(python3 -c "import json; print(sum(i['kind'] == 'account' for i in json.load(open('$T/body'))['items']))")
[ "$n" -eq "$(awk -F, 'NR > 1 && $5 == 1' "$T/a.csv" | wc -l)" ] || fail "queue $n"
serve_stop
# again: nothing imported twice
serve_start "$db" --run "$T/run.cib"
grep -q 'already imported as run 1' "$T/serve.out" || fail "imported twice"
serve_stop
# the store names the run and its inputs, not temporary tables
"$CIBSCAN" review status --db "$db" >"$T/st.txt"
grep -q "$T/tweets.csv.gz xxh3:" "$T/st.txt" || fail "inputs not recorded: $(cat "$T/st.txt")"
grep -q 'cibscan-import' "$T/st.txt" && fail "temporary names recorded"
python3 - "$db" "$T/run.cib" <<'PY'
import sqlite3, sys
r = sqlite3.connect(sys.argv[1]).execute(
    "SELECT accounts_file, clusters_file, edges_file FROM runs").fetchall()
assert r == [(sys.argv[2], None, None)], r
PY
# the account's reason codes came with the run
"$CIBSCAN" review show "x:$id" --db "$db" | grep -q '^  reason codes  *[a-z_]' ||
	fail "no reason codes"
# import --run with a changed input: queued, evidence left out, warned
printf 'x' >>"$T/users.csv.gz"
"$CIBSCAN" review import --run "$T/run.cib" --db "$T/t.sqlite" >"$T/imp.txt" 2>"$T/err"
grep -q "users.csv.gz' changed" "$T/err" || fail "no warning: $(cat "$T/err")"
grep -q 'evidence is left out' "$T/err" || fail "warning: $(cat "$T/err")"
grep -q 'evidence:' "$T/imp.txt" && fail "evidence from a changed input"
grep -q '^run 1: ' "$T/imp.txt" || fail "not imported"
# --no-evidence: the fast import, inputs not read
"$CIBSCAN" review import --run "$T/run.cib" --no-evidence --db "$T/u.sqlite" >"$T/imp2.txt" 2>"$T/err"
grep -q '^run 1: ' "$T/imp2.txt" || fail "not imported"
grep -q 'evidence:\|left out' "$T/imp2.txt" "$T/err" && fail "--no-evidence read the inputs"
# serve --run needs an existing store
set +e
"$CIBSCAN" serve --db "$T/none.sqlite" --run "$T/run.cib" --listen 127.0.0.1:0 \
	>/dev/null 2>"$T/err"; rc=$?
set -e
[ "$rc" -ne 0 ] || fail "served a missing store"
test ! -e "$T/none.sqlite"
