#!/bin/sh
# The two real users files of the China (August 2019) release. Account
# counts were established with Python's csv module, independently of
# cibscan: 744 and 196 distinct userids (the files have 759 and 206
# physical lines because some bios hold newlines).
set -eu
real="$TOP/../shared/real-samples"
f1="$real/ioarchive_china_082019_1_users.csv"
f2="$real/ioarchive_china_082019_2_users.csv"
[ -f "$f1" ] && [ -f "$f2" ] || { echo "missing $real"; exit 1; }
out="$TMPDIR/out.txt"
"$CIBSCAN" inspect "$f1" >"$out"
grep -q 'format=ioarchive-users records=744 posts=0 accounts=744 skipped=0' "$out"
grep -q 'totals: accounts=744 ' "$out"
"$CIBSCAN" inspect "$f2" >"$out"
grep -q 'format=ioarchive-users records=196 posts=0 accounts=196 skipped=0' "$out"
"$CIBSCAN" inspect --json "$f1" "$f2" >"$out"
grep -Eq '"accounts":[[:space:]]*940,' "$out"
grep -Eq '"total":[[:space:]]*0,' "$out"
