#!/bin/sh
# --strict stops at the first malformed record naming file:line and field;
# lenient mode reads the rest and counts every skip by reason.
set -eu
f="$FIXTURES/ioarchive/tweets_bad.csv"
err="$TMPDIR/err.txt"
out="$TMPDIR/out.txt"
rc=0
"$CIBSCAN" inspect --strict "$f" >"$out" 2>"$err" || rc=$?
[ "$rc" -eq 1 ] || { echo "strict exit $rc, want 1"; exit 1; }
grep -q 'tweets_bad.csv:3' "$err"
grep -q "tweet_time" "$err"
grep -q "2019-13-01 10:00" "$err"
"$CIBSCAN" inspect "$f" >"$out"
grep -q 'records=4 posts=4 accounts=4 skipped=6' "$out"
grep -q 'malformed records skipped: 6' "$out"
for r in 'bad tweet_time' 'missing tweetid' 'wrong field count' \
	'bad is_retweet' 'bad like_count' 'unterminated quoted field'; do
	grep -q "^  1  $r\$" "$out" || { echo "no count for '$r'"; exit 1; }
done
grep -q 'tweets_bad.csv:13: ' "$out"
# a missing required column is fatal and names the column
printf 'tweetid,userid\n1,2\n' >"$TMPDIR/x.csv"
rc=0
"$CIBSCAN" inspect --format ioarchive-tweets "$TMPDIR/x.csv" 2>"$err" || rc=$?
[ "$rc" -eq 1 ]
grep -q "x.csv: line 1: missing required column 'tweet_time'" "$err"
