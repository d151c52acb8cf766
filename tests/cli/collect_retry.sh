# collect_retry.sh - rate limits and failures on the way do not lose or
# duplicate a page: 429 + Retry-After, 429 with X code 88 and a reset time,
# two 5xx, a truncated body and malformed JSON, each then answered right;
# and retries are capped.
. "$FIXTURES/http/lib.sh"
H="$FIXTURES/http"
start_server retry
t0=$(now_ms)
CIBSCAN_X_TOKEN=t "$CIBSCAN" collect x --user 42 -o "$TMPDIR/x.jsonl" \
	--base-url "$BASE" --backoff 0.05 --seed 7 2>"$TMPDIR/err" ||
	fail "exit $?: $(cat "$TMPDIR/err")"
t1=$(now_ms)
check pages "$TMPDIR/x.jsonl" "$H"/x/page1.json "$H"/x/page2.json \
	"$H"/x/page3.json "$H"/x/page4.json "$H"/x/page5.json
# by hand: 2 + 2 + 3 + 2 + 2 requests
n=$(wc -l <"$LOG")
[ "$n" = 11 ] || fail "$n requests, expected 11"
# Retry-After: 1 and a reset one second ahead (plus a second of margin for
# clock skew) must both have been waited for
[ $((t1 - t0)) -ge 2000 ] || fail "waited only $((t1 - t0)) ms"

# a server that always answers 503: 1 try + 3 retries, then exit 3
: >"$LOG"
CIBSCAN_X_TOKEN=t "$CIBSCAN" collect x --user 503 -o "$TMPDIR/y.jsonl" \
	--base-url "$BASE" --backoff 0.01 --retries 3 2>"$TMPDIR/err"
rc=$?
[ "$rc" = 3 ] || fail "always-503: exit $rc"
grep -q 'HTTP 503 after 4 attempts' "$TMPDIR/err" || fail "503 message: $(cat "$TMPDIR/err")"
[ "$(wc -l <"$LOG")" = 4 ] || fail "503: $(wc -l <"$LOG") requests, expected 4"
run_checks
