#!/bin/sh
# sites.sh BIN - reading speed and memory of `cibscan sites` on a synthetic
# crawl generated here (never committed): BENCH_SITES_ORGANIC organic sites
# (default 66000, about 1 GB of .warc.gz with 8 pages a site) plus the
# networks. Reports, over BENCH_RUNS runs (default 3), the median wall and
# user CPU seconds and the peak RSS of
#   1. --read-only: every record read, gzip members inflated, HTTP bodies
#      dechunked and inflated, no HTML parsed (the reader's speed);
#   2. the full analysis (HTML parsed, traits folded, networks tested).
# BENCH_FULL_RUNS (default BENCH_RUNS) sets the runs of the second. MB/s
# are of compressed input. The crawl is deleted at the end.
set -eu
bin=$1
cd "$(dirname "$0")/.."
organic=${BENCH_SITES_ORGANIC:-66000}
runs=${BENCH_RUNS:-3}
full_runs=${BENCH_FULL_RUNS:-$runs}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
/usr/bin/time -f "generate: wall %e s, peak RSS %M KB" "$bin" synth-sites \
	-o "$dir/c" --seed 11 --organic "$organic" --pages 8 --haixun 2 \
	--haimai 2 2>&1 | tail -n 2
size=$(wc -c <"$dir/c/crawl.warc.gz")
echo "crawl: $size bytes compressed"
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
measure() { # label runs args...
	label=$1
	n=$2
	shift 2
	: >"$dir/t"
	i=0
	while [ "$i" -lt "$n" ]; do
		/usr/bin/time -f "%e %U %M" -o "$dir/one" "$bin" sites -q "$@" \
			>/dev/null
		cat "$dir/one" >>"$dir/t"
		i=$((i + 1))
	done
	w=$(cut -d' ' -f1 "$dir/t" | median)
	u=$(cut -d' ' -f2 "$dir/t" | median)
	m=$(cut -d' ' -f3 "$dir/t" | sort -n | tail -n 1)
	echo "$label: median wall $w s ($(echo "$size / 1000000 / $w" | bc -l |
		cut -c1-6) MB/s), median user $u s ($(echo "$size / 1000000 / $u" |
		bc -l | cut -c1-6) MB/s per CPU second), peak RSS $m KB"
}
measure "read-only" "$runs" --read-only "$dir/c/crawl.warc.gz"
measure "full" "$full_runs" "$dir/c/crawl.warc.gz" -o "$dir/sites.csv"
