# collect_pages.sh - each platform's pagination against recorded answers:
# output lines are the platform's own pages (statuses for Mastodon), the
# token goes only where it should, rate-limit headers are obeyed.
. "$FIXTURES/http/lib.sh"
H="$FIXTURES/http"
TOKEN=s3cr3t-token-value
start_server pages

# X API v2: next_token -> pagination_token, 5 pages
CIBSCAN_X_TOKEN=$TOKEN "$CIBSCAN" collect x --user 42 -o "$TMPDIR/x.jsonl" \
	--base-url "$BASE" 2>"$TMPDIR/err" || fail "x: exit $?: $(cat "$TMPDIR/err")"
check pages "$TMPDIR/x.jsonl" "$H"/x/page1.json "$H"/x/page2.json \
	"$H"/x/page3.json "$H"/x/page4.json "$H"/x/page5.json
[ "$(grep -c '^/2/users/42/.*auth=yes' "$LOG")" = 5 ] || fail "x: token not sent on every page"
grep -q 'pagination_token=tok5' "$LOG" || fail "x: pagination_token not used"
grep -q '"done":true' "$TMPDIR/x.jsonl.ckpt" || fail "x: checkpoint not done"
grep -q "$TOKEN" "$TMPDIR/err" "$TMPDIR/x.jsonl.ckpt" && fail "token leaked"

# --since/--until go to the server as start_time/end_time
CIBSCAN_X_TOKEN=$TOKEN "$CIBSCAN" collect x --user 42 -o "$TMPDIR/x2.jsonl" \
	--base-url "$BASE" --since 2024-03-04 --until 2024-03-05T08:00Z \
	2>"$TMPDIR/err" || fail "x dates: $(cat "$TMPDIR/err")"
grep -q 'start_time=2024-03-04T00:00:00Z&end_time=2024-03-05T08:00:00Z' "$LOG" ||
	fail "x: dates not sent"

# --max-items 3: pages of 5 asked (X's minimum), the first page holds 2,
# so two pages are fetched and the run stops with 4 items
CIBSCAN_X_TOKEN=$TOKEN "$CIBSCAN" collect x --user 42 -o "$TMPDIR/x3.jsonl" \
	--base-url "$BASE" --max-items 3 2>"$TMPDIR/err" || fail "x max-items"
[ "$(wc -l <"$TMPDIR/x3.jsonl")" = 2 ] || fail "x: --max-items 3 gave $(wc -l <"$TMPDIR/x3.jsonl") pages"
grep -q 'max_results=5&' "$LOG" || fail "x: page size not reduced for --max-items"

# Mastodon: Link rel="next", one status per line, optional token
CIBSCAN_MASTODON_TOKEN=$TOKEN "$CIBSCAN" collect mastodon --instance "$BASE" \
	--account 1090 -o "$TMPDIR/m.jsonl" 2>"$TMPDIR/err" ||
	fail "mastodon: $(cat "$TMPDIR/err")"
check statuses "$TMPDIR/m.jsonl" "$H"/mastodon/page1.json \
	"$H"/mastodon/page2.json "$H"/mastodon/page3.json
[ "$(grep -c '^/api/v1/.*auth=yes' "$LOG")" = 3 ] || fail "mastodon: token not sent"

# --since/--until filter Mastodon client-side; by hand: 1105 (03-05 10:05)
# is not before --until, 1101 (03-03) is before --since and ends paging
"$CIBSCAN" collect mastodon --instance "$BASE" --account 1090 \
	-o "$TMPDIR/m2.jsonl" --since 2024-03-04T00:00:00Z \
	--until 2024-03-05T08:00:00Z 2>"$TMPDIR/err" || fail "mastodon dates"
check ids "$TMPDIR/m2.jsonl" 1104 1103 1102

# Bluesky: cursor, no token, the public AppView path
"$CIBSCAN" collect bluesky --actor alice.bsky.social -o "$TMPDIR/b.jsonl" \
	--base-url "$BASE" 2>"$TMPDIR/err" || fail "bluesky: $(cat "$TMPDIR/err")"
check pages "$TMPDIR/b.jsonl" "$H"/bluesky/page1.json "$H"/bluesky/page2.json
grep -q '^/xrpc/.*auth=yes' "$LOG" && fail "bluesky: unexpected token"
grep -q 'actor=alice.bsky.social' "$LOG" || fail "bluesky: actor"

# Reddit: after cursor, User-Agent, X-Ratelimit-Remaining 0.0 with reset 1 s
# means waiting at least a second before page 2
t0=$(now_ms)
CIBSCAN_REDDIT_TOKEN=$TOKEN "$CIBSCAN" collect reddit --user throwaway_77 \
	-o "$TMPDIR/r.jsonl" --base-url "$BASE" 2>"$TMPDIR/err" ||
	fail "reddit: $(cat "$TMPDIR/err")"
t1=$(now_ms)
check pages "$TMPDIR/r.jsonl" "$H"/reddit/page1.json "$H"/reddit/page2.json
[ $((t1 - t0)) -ge 1000 ] || fail "reddit: did not wait for the rate-limit reset ($((t1 - t0)) ms)"
grep -q 'after=t1_k2' "$LOG" || fail "reddit: after cursor"
grep -q '^/user/.*auth=yes ua=cli:cibscan' "$LOG" || fail "reddit: token or user agent"

# --accounts-from with a 'cibscan flag' CSV: X rows only, duplicates
# dropped; a missing account is skipped with a warning
cat >"$TMPDIR/flag.csv" <<'CSV'
account_id,platform,handle,score,cluster_id,reasons
42,x,news_hub_us,0.93,1,"sync-burst; shared text, 14 posts"
777,mastodon,someone,0.8,1,x
9,x,gone,0.7,1,"deleted"
42,x,news_hub_us,0.93,1,dup
CSV
: >"$LOG"
CIBSCAN_X_TOKEN=$TOKEN "$CIBSCAN" collect x --accounts-from "$TMPDIR/flag.csv" \
	-o "$TMPDIR/xf.jsonl" --base-url "$BASE" 2>"$TMPDIR/err" ||
	fail "accounts-from: $(cat "$TMPDIR/err")"
check pages "$TMPDIR/xf.jsonl" "$H"/x/page1.json "$H"/x/page2.json \
	"$H"/x/page3.json "$H"/x/page4.json "$H"/x/page5.json
grep -q "'9': HTTP 404; skipped" "$TMPDIR/err" || fail "accounts-from: no skip warning"
grep -q '/2/users/777/' "$LOG" && fail "accounts-from: took a mastodon row"
[ "$(wc -l <"$LOG")" = 6 ] || fail "accounts-from: $(wc -l <"$LOG") requests, expected 6"
run_checks

# the file readers take every output back: by hand, X 5 pages x 2 tweets,
# Mastodon 5 statuses, Bluesky 2 posts + 1 repost of a third, Reddit 2
# links + 1 comment
for fn in x.jsonl:10 m.jsonl:5 b.jsonl:4 r.jsonl:3; do
	f=${fn%:*}
	n=${fn#*:}
	"$CIBSCAN" inspect "$TMPDIR/$f" >"$TMPDIR/inspect" 2>&1 ||
		fail "inspect $f: $(cat "$TMPDIR/inspect")"
	grep -q "^  posts: $n " "$TMPDIR/inspect" ||
		fail "inspect $f: not $n posts: $(cat "$TMPDIR/inspect")"
	grep -q 'skipped=0' "$TMPDIR/inspect" || fail "inspect $f: records skipped"
done
