#!/bin/sh
# IO archive tweets file: format detected, kinds, dates; text against the
# golden file kept beside the fixture, --json checked field by field.
set -eu
cd "$TOP"
out="$TMPDIR/out.txt"
# the string-pool size is the dataset's business, not this reader's
"$CIBSCAN" inspect fixtures/ioarchive/tweets_basic.csv |
	sed 's/ strings=[0-9]*//' >"$out"
diff -u fixtures/ioarchive/tweets_basic.inspect.out "$out"
"$CIBSCAN" inspect --json fixtures/ioarchive/tweets_basic.csv >"$out"
grep -Eq '"format":[[:space:]]*"ioarchive-tweets"' "$out"
grep -Eq '"posts":[[:space:]]*4,' "$out"
grep -Eq '"accounts":[[:space:]]*2,' "$out"
grep -Eq '"account_field_changes":[[:space:]]*2,' "$out"
grep -Eq '"repost":[[:space:]]*1,' "$out"
grep -Eq '"first":[[:space:]]*"2019-06-03T09:15:00Z"' "$out"
grep -Eq '"last":[[:space:]]*"2019-06-04T02:00:00Z"' "$out"
# users file with BOM, CRLF and reordered columns
"$CIBSCAN" inspect fixtures/ioarchive/users_basic.csv >"$out"
grep -q 'format=ioarchive-users records=2 posts=0 accounts=2 skipped=0' "$out"
