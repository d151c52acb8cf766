#!/bin/sh
# 'cibscan serve' through its JSON API with curl, two reviewers: claim ->
# decide -> a stale decision refused with 409 (who/what/when) -> supersede
# -> undo -> export; and the server's guards: CSRF token, Host header,
# JSON content type, sign-in, CSP on every response, loopback-only without
# a token file, tokens (hashed at rest) for any other address.
set -eu
T=$TMPDIR
. "$TOP/tests/serve/common.sh"
fail() { echo "FAIL: $*" >&2; exit 1; }
j() { python3 -c "import json,sys; d=json.load(open('$T/body')); print($1)"; }
db="$T/s.sqlite"
{
	echo "account_id,platform,handle,score,flagged,cluster_id,cluster_size,cluster_score,reasons"
	for i in 1 2 3 4 5 6; do echo "a$i,x,ha$i,0.9$i,1,C1,6,0.9,copied texts"; done
	echo "b1,x,hb1,0.50,1,,,,alone"
} >"$T/acc.csv"
printf 'source,target,log10p,observed,co_post\na1,a2,-9.5,12,12\na2,a3,-4,3,3\n' >"$T/ed.csv"
"$CIBSCAN" review init --db "$db" >/dev/null
"$CIBSCAN" review import "$T/acc.csv" --edges "$T/ed.csv" --db "$db" >/dev/null
serve_start "$db"
echo "server at $URL"
session alice
session bob

# claim: different items for the two reviewers
api alice POST /api/claim '{}' >/dev/null
[ "$(cat "$T/status")" = 200 ] || fail "claim: $(cat "$T/body")"
ta=$(j 'd["target"]'); va=$(j 'd["version"]')
[ "$ta" = "account:x:a6" ] || fail "alice claimed $ta"
api bob POST /api/claim '{}' >/dev/null
tb=$(j 'd["target"]')
[ "$tb" = "account:x:a5" ] || fail "bob claimed $tb, want a5 (a6 is alice's)"
# bob cannot take alice's item while her lease is live
api bob POST /api/claim "{\"target\":\"$ta\"}" >/dev/null
[ "$(cat "$T/status")" = 409 ] || fail "claim of a held item: $(cat "$T/status")"

# decide with the version seen
api alice POST /api/decide "{\"target\":\"$ta\",\"version\":$va,\"decision\":\"confirm\",\"note\":\"same texts\"}" >/dev/null
[ "$(cat "$T/status")" = 200 ] || fail "decide: $(cat "$T/body")"
d1=$(j 'd["decision"]')
# bob saw version 0 too: refused, told who/what/when
api bob POST /api/decide "{\"target\":\"$ta\",\"version\":$va,\"decision\":\"dismiss\"}" >/dev/null
[ "$(cat "$T/status")" = 409 ] || fail "stale decision: $(cat "$T/status") $(cat "$T/body")"
[ "$(j 'd["conflicts"][0]["by"] + " " + d["conflicts"][0]["what"] + " " + str(d["conflicts"][0]["decision"])')" = "alice confirm $d1" ] ||
	fail "conflict body: $(cat "$T/body")"
j 'd["conflicts"][0]["at"]' | grep -q '^20..-..-..T' || fail "no time in the conflict"
# supersede on purpose
api bob POST /api/decide "{\"target\":\"$ta\",\"decision\":\"dismiss\",\"note\":\"real person\",\"supersede\":true}" >/dev/null
[ "$(cat "$T/status")" = 200 ] || fail "supersede: $(cat "$T/body")"
d2=$(j 'd["decision"]')
api bob GET "/api/item?target=$ta" >/dev/null
[ "$(j 'd["status"] + " " + d["reviewer"] + " " + d["history"][-1]["action"]')" = "dismiss bob supersede" ] ||
	fail "after supersede: $(cat "$T/body")"
# undo: a new decision pointing at the reversed one; alice's confirm back
api bob POST /api/undo "{\"decision\":$d2}" >/dev/null
[ "$(cat "$T/status")" = 200 ] || fail "undo: $(cat "$T/body")"
api bob GET "/api/item?target=$ta" >/dev/null
[ "$(j 'd["status"] + " " + d["reviewer"] + " " + d["history"][-1]["action"] + " " + str(d["history"][-1]["reverses"] == d["history"][-2]["seq"])')" = "confirm alice undo True" ] ||
	fail "after undo: $(cat "$T/body")"
# a selection and a whole cluster in one decision
api bob POST /api/decide '{"targets":["account:x:a1","account:x:a2"],"decision":"escalate"}' >/dev/null
[ "$(j 'd["changed"]')" = 2 ] || fail "selection: $(cat "$T/body")"
api alice POST /api/decide '{"target":"C1","decision":"confirm","members":true}' >/dev/null
[ "$(cat "$T/status")" = 409 ] || fail "cluster over bob's escalations and his lease: $(cat "$T/status")"
[ "$(j 'len(d["conflicts"])')" = 3 ] || fail "want a1, a2 (bob's) and a5 (his lease): $(cat "$T/body")"
# export: every decided account; an enforcement system pulls confirmed ones
curl -s -o "$T/all.json" "$URL/api/export?format=json"
curl -s -o "$T/conf.csv" "$URL/api/export?format=csv&decision=confirm"
python3 - "$T/all.json" "$T/conf.csv" <<'PY'
import csv, json, sys
d = json.load(open(sys.argv[1]))
got = {r["account_id"]: (r["decision"], r["reviewer"], r["platform"]) for r in d["decisions"]}
assert got == {"a6": ("confirm", "alice", "x"), "a1": ("escalate", "bob", "x"),
               "a2": ("escalate", "bob", "x")}, got
rows = list(csv.DictReader(open(sys.argv[2], newline="")))
assert [r["account_id"] for r in rows] == ["a6"], rows
assert rows[0]["note"] == "same texts" and rows[0]["decided_at"], rows[0]
PY

# --- guards
# a state change without the CSRF token: 403, nothing written
n0=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from audit").fetchone()[0])' "$db")
code=$(curl -s -o "$T/junk" -w '%{http_code}' -b "$T/alice.jar" -H 'Content-Type: application/json' \
	-d '{"target":"b1","decision":"confirm"}' "$URL/api/decide")
[ "$code" = 403 ] || fail "no CSRF token: $code"
code=$(curl -s -o "$T/junk" -w '%{http_code}' -b "$T/alice.jar" -H 'X-CSRF-Token: 0123456789abcdef0123456789abcdef' \
	-H 'Content-Type: application/json' -d '{"target":"b1","decision":"confirm"}' "$URL/api/decide")
[ "$code" = 403 ] || fail "wrong CSRF token: $code"
# an HTML form post without the field
code=$(curl -s -o "$T/junk" -w '%{http_code}' -b "$T/alice.jar" -d 'item=b1&decision=confirm' "$URL/decide")
[ "$code" = 403 ] || fail "form without csrf: $code"
# a cross-site form cannot send JSON
code=$(curl -s -o "$T/junk" -w '%{http_code}' -b "$T/alice.jar" -H "X-CSRF-Token: $(cat "$T/alice.csrf")" \
	-d '{"target":"b1","decision":"confirm"}' "$URL/api/decide")
[ "$code" = 415 ] || fail "form-encoded API call: $code"
n1=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from audit").fetchone()[0])' "$db")
[ "$n0" = "$n1" ] || fail "a refused request wrote to the store"
# DNS rebinding: another Host
code=$(curl -s -o "$T/junk" -w '%{http_code}' -H 'Host: attacker.example:80' "$URL/api/queue")
[ "$code" = 421 ] || fail "foreign Host: $code"
# pages need a sign-in; the login page sets no session
code=$(curl -s -o "$T/junk" -w '%{http_code}' "$URL/")
[ "$code" = 303 ] || fail "unsigned page: $code"
# CSP and friends on every response
curl -s -D "$T/h" -o "$T/junk" -b "$T/alice.jar" "$URL/"
grep -qi "^Content-Security-Policy: default-src 'none'; script-src 'self'" "$T/h" || fail "CSP: $(cat "$T/h")"
grep -qi '^X-Content-Type-Options: nosniff' "$T/h" || fail "nosniff"
grep -qi '^Set-Cookie' "$T/alice.jar" 2>/dev/null && fail "jar format"
grep -q 'HttpOnly' "$T/alice.jar" || grep -q '#HttpOnly_' "$T/alice.jar" || fail "session cookie not HttpOnly"
serve_stop

# not loopback without tokens: refused; with a token file: every request
rc=0
"$CIBSCAN" serve --db "$db" --listen 0.0.0.0:0 >/dev/null 2>"$T/e" || rc=$?
[ "$rc" -eq 2 ] && grep -q "needs --token-file" "$T/e" || fail "0.0.0.0 without tokens: $rc"
"$CIBSCAN" serve --add-token carol --token-file "$T/tokens" >"$T/secret" 2>/dev/null
secret=$(cat "$T/secret")
[ ${#secret} -eq 64 ] || fail "secret"
grep -q "$secret" "$T/tokens" && fail "the secret is stored in clear"
[ "$(stat -c %a "$T/tokens")" = 600 ] || fail "token file mode"
# the token file is a regular file: a FIFO there is refused at once (exit
# 2), not waited on
mkfifo "$T/tokfifo"
rc=0
timeout 30 "$CIBSCAN" serve --add-token dave --token-file "$T/tokfifo" \
	>/dev/null 2>"$T/err" || rc=$?
[ "$rc" -eq 2 ] && grep -q "not a regular file" "$T/err" ||
	fail "token file FIFO: exit $rc: $(cat "$T/err")"
[ -p "$T/tokfifo" ] || fail "token file FIFO replaced"
serve_start "$db" --token-file "$T/tokens"
code=$(curl -s -o "$T/junk" -w '%{http_code}' "$URL/api/queue")
[ "$code" = 401 ] || fail "unauthenticated API with tokens: $code"
code=$(curl -s -o "$T/junk" -w '%{http_code}' -H "Authorization: Bearer nope" "$URL/api/queue")
[ "$code" = 401 ] || fail "wrong token: $code"
code=$(curl -s -o "$T/junk" -w '%{http_code}' "$URL/static/graph.js")
[ "$code" = 303 ] || fail "static file without sign-in: $code"
code=$(curl -s -o "$T/q.json" -w '%{http_code}' -H "Authorization: Bearer $secret" "$URL/api/queue")
[ "$code" = 200 ] || fail "bearer: $code"
code=$(curl -s -o "$T/b" -w '%{http_code}' -H "Authorization: Bearer $secret" -H 'Content-Type: application/json' \
	-d '{"target":"b1","decision":"confirm"}' "$URL/api/decide")
[ "$code" = 200 ] || fail "bearer decide: $code $(cat "$T/b")"
python3 -c 'import sqlite3,sys; r=sqlite3.connect(sys.argv[1]).execute("select reviewer from items where key=?",("b1",)).fetchone()[0]; assert r=="carol", r' "$db"
serve_stop
echo ok
