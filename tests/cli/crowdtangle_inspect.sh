#!/bin/sh
# CrowdTangle Pages, Groups and Instagram exports; strict and lenient.
set -eu
d="$FIXTURES/crowdtangle"
out="$TMPDIR/out.txt"
err="$TMPDIR/err.txt"
"$CIBSCAN" inspect "$d/pages.csv" "$d/groups.csv" "$d/instagram.csv" >"$out"
grep -q 'pages.csv  format=crowdtangle records=2 posts=2 accounts=2 skipped=2' "$out"
grep -q 'groups.csv  format=crowdtangle records=1 posts=1' "$out"
grep -q 'instagram.csv  format=crowdtangle records=1 posts=1' "$out"
grep -q 'totals: accounts=3 posts=4 ' "$out"
grep -A2 '^platform facebook:' "$out" | grep -q 'accounts: 2'
grep -A2 '^platform facebook:' "$out" | grep -q 'posts: 3 original=3'
grep -A2 '^platform instagram:' "$out" | grep -q 'posts: 1 original=1'
grep -q 'pages.csv:5: .Likes.: bad Likes' "$out"
"$CIBSCAN" inspect --json "$d/groups.csv" >"$out"
grep -Eq '"first":[[:space:]]*"2019-08-12T13:05:00Z"' "$out"
rc=0
"$CIBSCAN" inspect --strict "$d/pages.csv" >"$out" 2>"$err" || rc=$?
[ "$rc" -eq 1 ]
grep -q 'pages.csv:5' "$err"
grep -q 'Likes' "$err"
