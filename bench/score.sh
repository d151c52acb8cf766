#!/bin/sh
# score.sh BIN - end-to-end `cibscan score` on a synthetic IO-archive export:
# median wall time of RUNS runs, each stage's median, peak RSS, and the
# scaling from POSTS/10 to POSTS. Sizes: POSTS (default 10000000), ACCOUNTS
# (default POSTS/20), RUNS (default 3). Files go to BENCH_DIR (default /tmp).
set -eu
bin=$1
posts=${POSTS:-10000000}
accounts=${ACCOUNTS:-$((posts / 20))}
runs=${RUNS:-3}
dir=${BENCH_DIR:-/tmp}/cibscan-bench-score
mkdir -p "$dir"
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
one_size() {
	p=$1
	a=$2
	d="$dir/p$p"
	if [ ! -f "$d/tweets.csv" ]; then
		"$bin" synth -o "$d" --seed 99 --posts "$p" --accounts "$a" \
			--networks 20 >/dev/null
	fi
	bytes=$(wc -c < "$d/tweets.csv")
	: > "$dir/times"
	: > "$dir/stages"
	: > "$dir/rss"
	i=0
	while [ "$i" -lt "$runs" ]; do
		/usr/bin/time -f "%e %M" -o "$dir/t" "$bin" score "$d/tweets.csv" \
			"$d/users.csv" -o "$d/accounts.csv" --progress 2> "$dir/log"
		cut -d' ' -f1 "$dir/t" >> "$dir/times"
		cut -d' ' -f2 "$dir/t" >> "$dir/rss"
		grep -E '^cibscan: (read|index|features|graph|clusters|score) ' "$dir/log" \
			>> "$dir/stages"
		i=$((i + 1))
	done
	t=$(median < "$dir/times")
	rss=$(median < "$dir/rss")
	printf 'posts %s accounts %s input %.0f MB: median %s s (%s runs), peak RSS %.0f MB, %.0f posts/s\n' \
		"$p" "$a" "$(echo "$bytes / 1000000" | bc -l)" "$t" "$runs" \
		"$(echo "$rss / 1024" | bc -l)" "$(echo "$p / $t" | bc -l)"
	for s in read index features graph clusters score; do
		printf '  %-9s median %s s\n' "$s" \
			"$(awk -v s="$s" '$2 == s { print $3 }' "$dir/stages" | median)"
	done
	echo "$t" > "$dir/last"
}
one_size $((posts / 10)) $((accounts / 10))
small=$(cat "$dir/last")
one_size "$posts" "$accounts"
large=$(cat "$dir/last")
printf 'scaling: 10x posts took %.1fx the time\n' "$(echo "$large / $small" | bc -l)"
