#!/bin/sh
# The two real share tables shipped with CooRTweet read with no option and
# no malformed row, and survive convert -> inspect unchanged. Expected
# counts were established with Python's csv module, independently of
# cibscan: russian_coord_tweets.csv has 35,125 rows, 35,085 distinct
# content_ids (40 rows repeat one; 39 of them with a second object_id) and
# 9,509 accounts, the repeats right after their first row;
# german_elections.csv has 218,971 rows, 194,326 posts (by
# platform prefix and post_id; 3 rows without a post_id are posts
# ACCOUNT@TIME), 58,317 accounts (36,662 tw_, 21,655 fb_) and 157,568
# distinct (post, kind, id) entities: 41,100 url, 36,005 hashtag, 63,529
# domain, 16,934 image; 24,645 rows repeat a post, 22,600 of them not right
# after that post's previous row.
set -eu
real="$TOP/../shared/real-samples/coortweet"
ru="$real/russian_coord_tweets.csv"
de="$real/german_elections.csv"
[ -f "$ru" ] && [ -f "$de" ] || { echo "missing $real"; exit 1; }
out="$TMPDIR/out.txt"

"$CIBSCAN" inspect "$ru" >"$out"
grep -q 'format=table records=35125 posts=35085 accounts=0 skipped=0' "$out"
grep -q 'table: rows_merged=40 rows_apart=0 values_unkept=39 ids_derived=0' "$out"
grep -q '^totals: accounts=9509 posts=35085 ' "$out"
grep -q '^  posts: 35085 original=0 repost=35085 ' "$out"
grep -qx 'malformed records skipped: 0' "$out"

"$CIBSCAN" inspect "$de" >"$out"
grep -q 'format=table records=218971 posts=194326 accounts=0 skipped=0' "$out"
grep -q 'table: rows_merged=24645 rows_apart=22600 values_unkept=0 ids_derived=3' "$out"
grep -q '^totals: accounts=58317 posts=194326 ' "$out"
grep -qx 'entities: url=41100 hashtag=36005 mention=0 domain=63529 image=16934' "$out"
grep -A2 '^platform x:' "$out" | grep -q 'accounts: 36662'
grep -A2 '^platform x:' "$out" | grep -q 'posts: 112757 '
grep -A2 '^platform facebook:' "$out" | grep -q 'accounts: 21655'
grep -A2 '^platform facebook:' "$out" | grep -q 'posts: 81569 '
grep -qx 'malformed records skipped: 0' "$out"

# convert, then inspect the JSONL: the same accounts, posts, entities,
# kinds, dates and platforms
summary() { sed -n '/^totals:/,/^malformed/p' | sed 's/ strings=[0-9]*//'; }
for f in "$ru" "$de"; do
	b=$(basename "$f" .csv)
	"$CIBSCAN" convert -o "$TMPDIR/$b.jsonl" "$f"
	"$CIBSCAN" inspect "$f" | summary >"$TMPDIR/$b.a"
	"$CIBSCAN" inspect "$TMPDIR/$b.jsonl" | summary >"$TMPDIR/$b.b"
	diff -u "$TMPDIR/$b.a" "$TMPDIR/$b.b"
	grep -q '^totals: accounts=' "$TMPDIR/$b.b"
done

# parsed on a second thread (the default for inputs over 1 MiB) or on one:
# the same reading
"$CIBSCAN" inspect --read-threads 1 "$de" >"$TMPDIR/one.txt"
"$CIBSCAN" inspect --read-threads 2 "$de" >"$TMPDIR/two.txt"
cmp "$TMPDIR/one.txt" "$TMPDIR/two.txt"

# The rows in another order give the same answer (docs/formats.md,
# "Share tables"): each table with its data rows shuffled, scored beside
# the original; accounts, clusters and edges byte for byte. Where a post's
# rows disagree (the russian table's 39 second targets) the smaller value
# is kept, not the first read, and a merged post's entities are sorted.
for f in "$ru" "$de"; do
	python3 - "$f" "$TMPDIR/shuf.csv" <<'PY'
import random, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines(True)
rest = lines[1:]
random.Random(3).shuffle(rest)
open(sys.argv[2], "w", encoding="utf-8").writelines(lines[:1] + rest)
PY
	"$CIBSCAN" score "$f" -o "$TMPDIR/o.a.csv" --clusters "$TMPDIR/o.c.csv" \
		--edges "$TMPDIR/o.e.csv" --quiet
	"$CIBSCAN" score "$TMPDIR/shuf.csv" -o "$TMPDIR/s.a.csv" \
		--clusters "$TMPDIR/s.c.csv" --edges "$TMPDIR/s.e.csv" --quiet
	[ "$(wc -l < "$TMPDIR/o.e.csv")" -gt 100 ]
	for t in a c e; do
		cmp "$TMPDIR/o.$t.csv" "$TMPDIR/s.$t.csv" ||
			{ echo "$f: $t differs with the rows shuffled"; exit 1; }
	done
done
