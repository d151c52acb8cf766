#!/bin/sh
# Every JSON fixture is detected as its format and gives the counts worked
# out by hand from the fixture (see tests/test_json_collectors.c); the real
# X samples give the counts python3's json module gives.
set -eu
cd "$TOP"
out="$TMPDIR/out.txt"
check() { # check FILE 'format=... records=... posts=... accounts=... skipped=...'
	"$CIBSCAN" inspect "$1" >"$out"
	grep -q "  $1  $2\$" "$out" || { echo "$1: want '$2', got:"; cat "$out"; exit 1; }
}
check fixtures/xapi/v2_page.json 'format=xapi records=7 posts=6 accounts=3 skipped=3'
check fixtures/xapi/v2_pages.jsonl 'format=xapi records=3 posts=3 accounts=2 skipped=4'
check fixtures/xapi/v1_tweets.jsonl 'format=xapi records=6 posts=5 accounts=6 skipped=2'
check fixtures/mastodon/statuses.json 'format=mastodon records=4 posts=3 accounts=5 skipped=3'
check fixtures/bluesky/author_feed.json 'format=bluesky records=7 posts=7 accounts=7 skipped=2'
check fixtures/reddit/comments.json 'format=reddit records=4 posts=4 accounts=4 skipped=3'
check fixtures/telegram/chat.json 'format=telegram records=4 posts=4 accounts=4 skipped=1'
check fixtures/telegram/full_export.json 'format=telegram records=3 posts=3 accounts=3 skipped=0'
check fixtures/jsonl/sample.jsonl 'format=jsonl records=2 posts=2 accounts=1 skipped=3'
"$CIBSCAN" inspect fixtures/mastodon/statuses.json >"$out"
grep -q "'\[3\].created_at': unparsable time: 'not a date'" "$out"
grep -q 'posts: 3 original=1 repost=1 reply=1 quote=0' "$out"
# the line of a bad JSONL record
"$CIBSCAN" inspect fixtures/xapi/v2_pages.jsonl >"$out"
grep -q 'v2_pages.jsonl:4: invalid JSON' "$out"
real="$TOP/../shared/real-samples"
if [ -d "$real" ]; then
	"$CIBSCAN" inspect --json "$real/xapi_v2_kpop.jsonl" "$real/xapi_v2_two_tweets.jsonl" >"$out"
	grep -Eq '"posts":[[:space:]]*123,' "$out"
	grep -Eq '"accounts":[[:space:]]*114,' "$out"
	grep -Eq '"repost":[[:space:]]*79,' "$out"
	grep -Eq '"duplicate_posts":[[:space:]]*2,' "$out"
fi
