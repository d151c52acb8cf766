#!/bin/sh
# table.sh BIN [ROWS...] - reading speed and peak memory of the share-table
# reader (collectors/table.c) on CooRTweet-shaped tables.
#
# For each row count (default: 10000000) it generates in $BENCH_DIR
# (default /tmp) a table shaped like the real russian_coord_tweets.csv of
# the CooRTweet package: object_id, account_id, content_id as 32-digit hex
# (sha256-style anonymised ids), timestamp_share as Unix seconds over 7
# months; one account per ~3.7 rows with a heavy-tailed activity (a few
# accounts post thousands of times), objects drawn from a heavy tail too
# (one object shared by ~1,000 accounts per 35k rows, most shared once or
# twice), a repost of a post of the table now and then, and 1 in ~900
# content ids repeated on a later row (a tweet referencing two tweets). It
# then runs `BIN inspect --read-threads T FILE` $RUNS times (default 5) for
# each T in $THREADS (default "1": one core) and prints the median wall
# and CPU (user + sys) time, MB/s for each, the medians of user and sys
# time apart (sys is mostly the kernel clearing the pages the dataset
# touches first, and varies with the machine's state more than user
# does), the peak RSS and its ratio to the input, next to `wc -l` on the
# same file as the floor. The file is deleted afterwards unless KEEP=1;
# REUSE=1 uses an existing one.
#
#   sh bench/table.sh build/cibscan 1000000 10000000
set -eu
bin=${1:?usage: table.sh BIN [ROWS...]}
shift
[ $# -gt 0 ] || set -- 10000000
runs=${RUNS:-5}
dir=${BENCH_DIR:-/tmp}

gen() { # gen ROWS FILE
	python3 - "$1" "$2" <<'PY'
import random, sys
rows, path = int(sys.argv[1]), sys.argv[2]
rnd = random.Random(20210617)
naccts = max(rows * 10 // 37, 10)
nobj = max(rows // 2, 10)
def hexid():
    return "%032x" % rnd.getrandbits(128)
accts = [hexid() for _ in range(naccts)]
objs = [hexid() for _ in range(min(nobj, 2000000))]
recent = []
t0 = 1610870193  # 2021-01-17
span = 226 * 86400
out = open(path, "w", newline="")
out.write("object_id,account_id,content_id,timestamp_share\n")
buf = []
for r in range(rows):
    # heavy tails: Pareto-distributed ranks into the account and object
    # lists (low ranks are the busy accounts and the viral objects)
    a = accts[min(int(rnd.paretovariate(1.1)) - 1, naccts - 1) if rnd.random() < 0.5
              else rnd.randrange(naccts)]
    u = rnd.random()
    if u < 0.1 and recent:
        o = rnd.choice(recent)  # a repost of a post of the table
    elif u < 0.5:
        o = objs[min(int(rnd.paretovariate(0.9)) - 1, len(objs) - 1)]
    else:
        o = objs[rnd.randrange(len(objs))]
    c = hexid()
    t = t0 + rnd.randrange(span)
    buf.append("%s,%s,%s,%d" % (o, a, c, t))
    if len(recent) < 4096:
        recent.append(c)
    else:
        recent[rnd.randrange(4096)] = c
    if rnd.random() < 1 / 900:
        # the same content id on a later row with a second target
        buf.append("%s,%s,%s,%d" % (objs[rnd.randrange(len(objs))], a, c, t))
    if len(buf) >= 10000:
        out.write("\n".join(buf) + "\n")
        buf = []
if buf:
    out.write("\n".join(buf) + "\n")
out.close()
PY
}

median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

# one timed run: prints "wall_s cpu_s maxrss_kb user_s sys_s"
timed() {
	/usr/bin/time -f '%e %U %S %M' -o "$dir/.table_time" "$@" >/dev/null
	awk '{print $1, $2 + $3, $4, $2, $3}' "$dir/.table_time"
}

printf '%-9s %3s %8s %7s %8s %8s %8s %8s %8s %7s %7s %10s %7s\n' rows thr \
	MB wc_s wc_MB/s wall_s MB/s cpu_s cpuMB/s user_s sys_s peakRSS_MB \
	RSS/in
for rows in "$@"; do
	f="$dir/cibscan_table_$rows.csv"
	[ "${REUSE:-0}" = 1 ] && [ -s "$f" ] || gen "$rows" "$f"
	bytes=$(wc -c <"$f")
	mb=$(awk -v b="$bytes" 'BEGIN {printf "%.1f", b / 1e6}')
	wc_s=$(for i in $(seq "$runs"); do timed wc -l "$f"; done |
		awk '{print $1}' | median)
	for thr in ${THREADS:-1}; do
		: >"$dir/.table_runs"
		for i in $(seq "$runs"); do
			timed "$bin" inspect --read-threads "$thr" "$f" \
				>>"$dir/.table_runs"
		done
		s=$(awk '{print $1}' "$dir/.table_runs" | median)
		c=$(awk '{print $2}' "$dir/.table_runs" | median)
		u=$(awk '{print $4}' "$dir/.table_runs" | median)
		k=$(awk '{print $5}' "$dir/.table_runs" | median)
		rss=$(awk '{print $3}' "$dir/.table_runs" | sort -n | tail -n 1)
		awk -v r="$rows" -v t="$thr" -v mb="$mb" -v w="$wc_s" -v s="$s" \
			-v c="$c" -v u="$u" -v k="$k" -v rss="$rss" 'BEGIN {
			printf "%-9s %3s %8s %7.2f %8.0f %8.2f %8.0f %8.2f %8.0f %7.2f %7.2f %10.0f %7.2f\n",
				r, t, mb, w, (w > 0 ? mb / w : 0), s,
				(s > 0 ? mb / s : 0), c, (c > 0 ? mb / c : 0),
				u, k, rss / 1024, rss * 1.024e-3 / mb }'
		echo "  runs (wall cpu rss_kb user sys): $(tr '\n' ';' <"$dir/.table_runs")"
	done
	[ "${KEEP:-0}" = 1 ] || rm -f "$f"
done
rm -f "$dir/.table_time" "$dir/.table_runs"
