#!/bin/sh
# .gz and .zip inputs read the same records as the plain file.
set -eu
out="$TMPDIR/out.txt"
"$CIBSCAN" inspect "$FIXTURES/ioarchive/tweets_basic.csv.gz" >"$out"
grep -q 'tweets_basic.csv.gz  format=ioarchive-tweets records=4 posts=4 accounts=4 skipped=0' "$out"
grep -q 'posts: 4 original=1 repost=1 reply=1 quote=1' "$out"
# a zip holding a tweets and a users file: each member detected on its own;
# the hashed account is in both, so 2 + 2 - 1 accounts
"$CIBSCAN" inspect "$FIXTURES/ioarchive/archive.zip" >"$out"
grep -q 'archive.zip:tweets_basic.csv  format=ioarchive-tweets records=4 posts=4' "$out"
grep -q 'archive.zip:users_basic.csv  format=ioarchive-users records=2 posts=0 accounts=2' "$out"
grep -q 'totals: accounts=3 posts=4' "$out"
