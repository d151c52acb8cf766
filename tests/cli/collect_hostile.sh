# collect_hostile.sh - hostile or broken servers are capped, time-limited
# and reported clearly: huge body, redirect loop, not JSON, slow loris,
# endless pagination, a redirect to another host (no token there), gone
# accounts, refused tokens, plain http off loopback.
. "$FIXTURES/http/lib.sh"
start_server hostile
T=s3cr3t-hostile
run() { # run USER [options]: exit code in $rc, stderr in $TMPDIR/err
	u=$1
	shift
	rm -f "$TMPDIR/o.jsonl" "$TMPDIR/o.jsonl.ckpt"
	CIBSCAN_X_TOKEN=$T "$CIBSCAN" collect x --user "$u" -o "$TMPDIR/o.jsonl" \
		--base-url "$BASE" --retries 1 --backoff 0.01 --timeout 2 "$@" \
		2>"$TMPDIR/err"
	rc=$?
	grep -q "$T" "$TMPDIR/err" && fail "token in messages"
}
expect() { # expect CODE TEXT WHAT
	[ "$rc" = "$1" ] || fail "$3: exit $rc, expected $1: $(cat "$TMPDIR/err")"
	[ -z "$2" ] || grep -q -- "$2" "$TMPDIR/err" || fail "$3: no '$2' in: $(cat "$TMPDIR/err")"
}

run 1 --max-body 1M
expect 1 'response body larger than 1048576 bytes' 'huge body'
run 2
expect 3 'more than 5 redirects' 'redirect loop'
run 3
expect 1 'malformed JSON at byte 0 of 21 (after 2 attempts)' 'not JSON'
t0=$(now_ms)
run 4 --retries 0 --timeout 1
t1=$(now_ms)
expect 3 'timed out after 1' 'slow loris'
[ $((t1 - t0)) -lt 8000 ] || fail "slow loris took $((t1 - t0)) ms"
run 5
expect 1 'same next-page cursor twice' 'repeated cursor'
[ "$(wc -l <"$TMPDIR/o.jsonl")" = 2 ] || fail "repeated cursor: pages before it lost"
run 6 --max-pages 3
expect 0 'stopped after 3 pages' 'endless pagination'
[ "$(wc -l <"$TMPDIR/o.jsonl")" = 3 ] || fail "endless: $(wc -l <"$TMPDIR/o.jsonl") pages"
: >"$LOG"
run 7
expect 0 '' 'cross-host redirect'
grep -q '^/2/users/7/tweets.* auth=yes' "$LOG" || fail "token not sent to the API host"
grep -q '^/2/users/8/tweets.* auth=no' "$LOG" || fail "token sent after a redirect to another host"
run 9
expect 0 "'9': HTTP 404; skipped" 'gone account'
run 11
expect 0 "'11': Not Found Error: Could not find user with id: \[11\].; skipped" 'unknown X user'
run 10
expect 3 'HTTP 401' 'refused token'
# a Mastodon next link to another host is not followed
: >"$LOG"
CIBSCAN_MASTODON_TOKEN=$T "$CIBSCAN" collect mastodon --instance "$BASE" \
	--account 666 -o "$TMPDIR/m.jsonl" 2>"$TMPDIR/err"
rc=$?
expect 1 "next link 'https://evil.example/.*leaves" 'next link off the instance'
[ "$(wc -l <"$LOG")" = 1 ] || fail "next link: $(wc -l <"$LOG") requests"
[ "$(wc -l <"$TMPDIR/m.jsonl")" = 1 ] || fail "next link: the first page was lost"
# plain http is refused off loopback, before any connection
CIBSCAN_X_TOKEN=$T "$CIBSCAN" collect x --user 1 -o "$TMPDIR/p.jsonl" \
	--base-url http://api.example.com 2>"$TMPDIR/err"
rc=$?
expect 2 'only https is allowed' 'plain http'
exit 0
