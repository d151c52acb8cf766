#!/bin/sh
# convert: every fixture format into one normalised JSONL file; reading
# that back gives the same accounts, posts, kinds, dates and languages
# (inspect's per-platform summary, compared line for line).
set -eu
cd "$TOP"
files="fixtures/xapi/v2_page.json fixtures/xapi/v1_tweets.jsonl
fixtures/xapi/v2_flat.jsonl fixtures/mastodon/statuses.json
fixtures/mastodon/statuses.jsonl fixtures/bluesky/author_feed.json
fixtures/bluesky/search.jsonl fixtures/reddit/comments.json
fixtures/reddit/listing.jsonl fixtures/telegram/chat.json
fixtures/telegram/full_export.json"
# shellcheck disable=SC2086
"$CIBSCAN" convert -o "$TMPDIR/all.jsonl" $files 2>"$TMPDIR/err"
head -n 1 "$TMPDIR/all.jsonl" | grep -qx '{"type":"cibscan","version":1}'
# no temporary file left behind
[ "$(ls "$TMPDIR" | grep -c tmp)" -eq 0 ]
summary() { sed -n '/^totals:/,/^malformed/p' | grep -v '^malformed' | sed 's/ strings=[0-9]*//'; }
# shellcheck disable=SC2086
"$CIBSCAN" inspect $files | summary >"$TMPDIR/a.txt"
"$CIBSCAN" inspect "$TMPDIR/all.jsonl" | summary >"$TMPDIR/b.txt"
# duplicates were dropped before writing, so only that count differs
sed -i 's/ duplicate_posts=[0-9]*//' "$TMPDIR/a.txt" "$TMPDIR/b.txt"
diff -u "$TMPDIR/a.txt" "$TMPDIR/b.txt"
grep -q 'platform telegram:' "$TMPDIR/b.txt"
# converting the converted file again gives the same bytes
"$CIBSCAN" convert -o "$TMPDIR/again.jsonl" "$TMPDIR/all.jsonl"
cmp "$TMPDIR/all.jsonl" "$TMPDIR/again.jsonl"
# -o - writes to standard output
"$CIBSCAN" convert -o - fixtures/reddit/listing.jsonl >"$TMPDIR/stdout.jsonl"
[ "$(wc -l <"$TMPDIR/stdout.jsonl")" -eq 5 ] # header, 2 accounts, 2 posts
grep -q '"id":"t3_x2".*"kind":"repost","ref_post":"t3_s1"' "$TMPDIR/stdout.jsonl"
# skipped records are summarised on stderr
"$CIBSCAN" convert -o "$TMPDIR/r.jsonl" fixtures/reddit/comments.json 2>"$TMPDIR/err"
grep -q 'warning: 3 malformed records skipped' "$TMPDIR/err"
grep -q '1  deleted author' "$TMPDIR/err"
