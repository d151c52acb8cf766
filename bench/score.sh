#!/bin/sh
# score.sh BIN - end-to-end `cibscan score` on synthetic IO-archive exports
# (synth --seed 99 --networks 20): for each size the median wall time of
# RUNS runs, the median CPU time (user + system, all threads: on a shared
# machine the steadier figure), the largest peak RSS, each stage's median
# wall time from --progress, and the scaling from POSTS/10 to POSTS.
# Sizes: SMALL (default 450000 posts, issue 16's "450k-post export in
# <= 3 s"; 0 skips it), POSTS/10 and POSTS (default 10000000; issue 16's
# "<= 90 s, <= 8 GB"), accounts POSTS/20 (ACCOUNTS overrides the largest).
# RUNS default 3. Files go to BENCH_DIR (default /tmp)/cibscan-bench-score
# and are deleted at the end unless KEEP=1.
set -eu
bin=$1
posts=${POSTS:-10000000}
accounts=${ACCOUNTS:-$((posts / 20))}
small=${SMALL:-450000}
runs=${RUNS:-3}
dir=${BENCH_DIR:-/tmp}/cibscan-bench-score
mkdir -p "$dir"
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
one_size() {
	p=$1
	a=$2
	target=$3
	d="$dir/p$p"
	if [ ! -f "$d/tweets.csv" ]; then
		"$bin" synth -o "$d" --seed 99 --posts "$p" --accounts "$a" \
			--networks 20 >/dev/null
	fi
	bytes=$(cat "$d/tweets.csv" "$d/users.csv" | wc -c)
	: > "$dir/times"
	: > "$dir/cpu"
	: > "$dir/stages"
	: > "$dir/rss"
	i=0
	while [ "$i" -lt "$runs" ]; do
		/usr/bin/time -f "%e %U %S %M" -o "$dir/t" "$bin" score \
			"$d/tweets.csv" "$d/users.csv" -o "$d/accounts.csv" \
			--progress 2> "$dir/log"
		awk '{ print $1 }' "$dir/t" >> "$dir/times"
		awk '{ print $2 + $3 }' "$dir/t" >> "$dir/cpu"
		awk '{ print $4 }' "$dir/t" >> "$dir/rss"
		grep -E '^cibscan: (read|index|features|graph|clusters|score) ' "$dir/log" \
			>> "$dir/stages"
		i=$((i + 1))
	done
	t=$(median < "$dir/times")
	c=$(median < "$dir/cpu")
	rss=$(sort -n "$dir/rss" | tail -n 1)
	printf 'posts %s accounts %s input %.0f MB (tweets + users): median %s s wall, %s s CPU (%s runs), peak RSS %.0f MB, %.0f posts/s%s\n' \
		"$p" "$a" "$(echo "$bytes / 1000000" | bc -l)" "$t" "$c" "$runs" \
		"$(echo "$rss / 1024" | bc -l)" "$(echo "$p / $t" | bc -l)" "$target"
	for s in read index features graph clusters score; do
		printf '  %-9s median %s s\n' "$s" \
			"$(awk -v s="$s" '$2 == s { print $3 }' "$dir/stages" | median)"
	done
	# the sub-stages of the last run, as --progress printed them
	grep -E '^cibscan:   ' "$dir/log" | sed 's/^cibscan: /  last run:/'
	echo "$t" > "$dir/last"
	[ "${KEEP:-0}" = 1 ] || rm -rf "$d"
}
if [ "$small" -gt 0 ]; then
	one_size "$small" $((small / 20)) " (target: <= 3 s)"
fi
one_size $((posts / 10)) $((accounts / 10)) ""
tsmall=$(cat "$dir/last")
one_size "$posts" "$accounts" " (target at 10M: <= 90 s, <= 8 GB)"
tlarge=$(cat "$dir/last")
printf 'scaling: 10x posts took %.1fx the time\n' "$(echo "$tlarge / $tsmall" | bc -l)"
rm -f "$dir/times" "$dir/cpu" "$dir/stages" "$dir/rss" "$dir/t" "$dir/log" "$dir/last"
rmdir "$dir" 2>/dev/null || true
