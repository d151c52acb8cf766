# collect_tls.sh - TLS verification is on: a server whose CA is not trusted
# is refused (at once, no retries); --cacert trusts a private CA. Uses the
# test-only CA in fixtures/http/tls/.
. "$FIXTURES/http/lib.sh"
H="$FIXTURES/http"
start_server pages tls
# the test CA is in no system store: only --cacert makes the server trusted
"$CIBSCAN" collect bluesky --actor alice.bsky.social -o "$TMPDIR/a.jsonl" \
	--base-url "$BASE" --backoff 0.01 2>"$TMPDIR/err"
rc=$?
[ "$rc" = 3 ] || fail "untrusted server: exit $rc"
grep -qi 'certificate' "$TMPDIR/err" || fail "no certificate error: $(cat "$TMPDIR/err")"
[ "$(wc -l <"$LOG")" = 0 ] || fail "a request reached the untrusted server"
grep -q 'retries exhausted' "$TMPDIR/err" && fail "certificate failure retried"
"$CIBSCAN" collect bluesky --actor alice.bsky.social -o "$TMPDIR/b.jsonl" \
	--base-url "$BASE" --cacert "$H/tls/ca.pem" 2>"$TMPDIR/err" ||
	fail "--cacert: $(cat "$TMPDIR/err")"
check pages "$TMPDIR/b.jsonl" "$H"/bluesky/page1.json "$H"/bluesky/page2.json
run_checks
