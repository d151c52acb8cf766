#!/bin/sh
# Invariance: a network's edges must not depend on unrelated data in the
# same run. CooRTweet's real russian_coord_tweets and a synth co-sharing
# benchmark are scored alone and beside two disjoint copies of themselves
# (tests/disjoint_copies.py: other account and object ids, same times);
# every edge among the original accounts must come out byte for byte the
# same (p-value, expectation, counts), and no edge may be lost or gained;
# each copy of the real table gets the original's edges, renamed. (The
# synth copies' texts are letter-shifted, which text processing need not
# treat alike, so only the original is compared there. Clusters and flags
# are checked where clustering is tested.)
set -eu
real="$TOP/../shared/real-samples/coortweet/russian_coord_tweets.csv"
[ -f "$real" ] || { echo "missing $real"; exit 1; }
"$CIBSCAN" synth -o "$TMPDIR/syn" --posts 20000 --accounts 1000 \
	--seed 3 >/dev/null
"$CIBSCAN" convert "$TMPDIR/syn/tweets.csv" "$TMPDIR/syn/users.csv" \
	-o "$TMPDIR/syn.jsonl" 2>/dev/null
for name in real syn; do
	if [ "$name" = real ]; then
		in=$real
		out="$TMPDIR/$name.3.csv"
	else
		in="$TMPDIR/syn.jsonl"
		out="$TMPDIR/$name.3.jsonl"
	fi
	python3 "$TOP/tests/disjoint_copies.py" "$in" "$out" 2
	"$CIBSCAN" score "$in" -o "$TMPDIR/$name.1.acc" \
		--edges "$TMPDIR/$name.1.e" --quiet
	"$CIBSCAN" score "$out" -o "$TMPDIR/$name.3.acc" \
		--edges "$TMPDIR/$name.3.e" --quiet
	# edges without the cluster columns (clusters are judged elsewhere)
	tail -n +2 "$TMPDIR/$name.1.e" | cut -d, -f1-13 | sort > "$TMPDIR/a"
	tail -n +2 "$TMPDIR/$name.3.e" | grep -v "^copy" | cut -d, -f1-13 | sort > "$TMPDIR/b"
	n=$(wc -l < "$TMPDIR/a")
	[ "$n" -gt 10 ] || { echo "$name: only $n edge lines"; exit 1; }
	cmp "$TMPDIR/a" "$TMPDIR/b" || { echo "$name: edges differ"; diff "$TMPDIR/a" "$TMPDIR/b" | head; exit 1; }
	# and every copy of the share table (ids only, nothing for text
	# processing to treat differently) has the original's edges, renamed
	[ "$name" = real ] && for k in 1 2; do
		grep "^copy${k}_" "$TMPDIR/$name.3.e" | cut -d, -f1-13 |
			sed "s/copy${k}_//g" | sort > "$TMPDIR/c"
		cmp "$TMPDIR/a" "$TMPDIR/c"
	done
	echo "$name: $n edges unchanged beside two copies"
done
