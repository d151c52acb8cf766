#!/bin/sh
# ingest.sh BIN [ROWS...] - ingest throughput and peak memory of the IO
# archive tweets reader.
#
# For each row count (default: 100000 1000000) it generates a realistic
# tweets CSV in $BENCH_DIR (default /tmp): 31 quoted columns as the archive
# writes them, ~60% retweets, Python-repr list cells, mixed Latin/CJK text,
# some bios and texts with embedded newlines, rows of ~300-500 bytes, one
# account per ~40 rows so profile fields repeat. It then runs
# `BIN inspect --read-threads T FILE` $RUNS times (default 3) for each T in
# $THREADS (default "1 2": the one-core figure, then parsing on a second
# thread) and prints the median wall and CPU (user + sys) time, MB/s for
# each, peak RSS and RSS / input size, next to `wc -l` on the same file as
# the floor. The generated file is deleted afterwards unless
# KEEP=1; REUSE=1 uses an existing one. Not part of `make check`: run it by
# hand.
#
#   sh bench/ingest.sh build/cibscan 1000000 10000000
set -eu
bin=${1:?usage: ingest.sh BIN [ROWS...]}
shift
[ $# -gt 0 ] || set -- 100000 1000000
runs=${RUNS:-3}
dir=${BENCH_DIR:-/tmp}

gen() { # gen ROWS FILE
	python3 - "$1" "$2" <<'EOF'
import random, sys
rows, path = int(sys.argv[1]), sys.argv[2]
rnd = random.Random(20190819)
cols = ["tweetid","userid","user_display_name","user_screen_name",
 "user_reported_location","user_profile_description","user_profile_url",
 "follower_count","following_count","account_creation_date",
 "account_language","tweet_language","tweet_text","tweet_time",
 "tweet_client_name","in_reply_to_userid","in_reply_to_tweetid",
 "quoted_tweet_tweetid","is_retweet","retweet_userid","retweet_tweetid",
 "latitude","longitude","quote_count","reply_count","like_count",
 "retweet_count","hashtags","urls","user_mentions","poll_choices"]
words = ("hong kong police rioters must stop violence china xinjiang "
 "cotton truth fake news america democracy freedom people world peace "
 "economy trade war virus wuhan lab media lies support government").split()
cjk = "\u9999\u6e2f\u8b66\u5bdf\u66b4\u5f92\u4e2d\u56fd\u65b0\u7586\u771f\u76f8"
locs = ["", "", "New York, USA", "California, USA", "London", "Beijing",
        "Texas, USA", "\u5317\u4eac"]
naccts = max(rows // 40, 10)
accts = []
for i in range(naccts):
    hashed = rnd.random() < 0.5
    uid = (("%043x" % rnd.getrandbits(172))[:43] + "=") if hashed \
        else str(700000000000000000 + rnd.getrandbits(48))
    name = uid if hashed else "".join(rnd.choice(cjk) for _ in range(3))
    bio = "" if rnd.random() < 0.6 else " ".join(rnd.choices(words, k=8))
    if bio and rnd.random() < 0.1:
        bio += "\n" + " ".join(rnd.choices(words, k=4))
    accts.append([uid, name, uid if hashed else "user%d" % i,
                  rnd.choice(locs), bio, "", str(rnd.randint(0, 30000)),
                  str(rnd.randint(0, 500)),
                  "20%02d-%02d-%02d" % (rnd.randint(9, 19), rnd.randint(1, 12),
                                        rnd.randint(1, 28)),
                  rnd.choice(["zh-cn", "en", "zh-tw", "es"])])
def q(s):
    return '"' + s.replace('"', '""') + '"'
out = open(path, "w", encoding="utf-8", newline="")
out.write(",".join(q(c) for c in cols) + "\n")
tid = 1100000000000000000
buf = []
for r in range(rows):
    tid += rnd.randint(1, 5000)
    a = accts[rnd.randrange(naccts)]
    rt = rnd.random() < 0.6
    n = rnd.randint(6, 22)
    text = " ".join(rnd.choices(words, k=n))
    if rnd.random() < 0.3:
        text += " " + "".join(rnd.choice(cjk) for _ in range(rnd.randint(4, 20)))
    if rnd.random() < 0.05:
        text += '\nsaid "this"'
    tags = rnd.sample(words, rnd.randint(0, 3))
    src = accts[rnd.randrange(naccts)]
    if rt:
        text = "RT @" + src[2] + ": " + text
    day = rnd.randint(1, 28)
    row = [str(tid), a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8],
           a[9], rnd.choice(["en", "zh", "und"]), text,
           "2019-%02d-%02d %02d:%02d" % (rnd.randint(1, 12), day,
                                         rnd.randint(0, 23), rnd.randint(0, 59)),
           rnd.choice(["Twitter Web Client", "Twitter for Android",
                       "Twitter for iPhone"]),
           "", "", "", "true" if rt else "false",
           src[0] if rt else "", str(tid - rnd.randint(1, 10**9)) if rt else "",
           "absent", "absent", "0", "0", str(rnd.randint(0, 5)),
           str(rnd.randint(0, 5)),
           "[" + ", ".join(tags) + "]",
           "['https://t.co/%08x']" % rnd.getrandbits(32) if rnd.random() < 0.3 else "[]",
           "[" + src[0] + "]" if rt else "[]", ""]
    buf.append(",".join(q(c) for c in row))
    if len(buf) >= 10000:
        out.write("\n".join(buf) + "\n")
        buf = []
if buf:
    out.write("\n".join(buf) + "\n")
out.close()
EOF
}

median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

# one timed run: prints "wall_s cpu_s maxrss_kb" (cpu = user + sys; on a
# shared machine the CPU time is the steadier single-core figure)
timed() {
	/usr/bin/time -f '%e %U %S %M' -o "$dir/.bench_time" "$@" >/dev/null
	awk '{print $1, $2 + $3, $4}' "$dir/.bench_time"
}

printf '%-9s %3s %8s %7s %8s %8s %8s %8s %8s %9s %9s\n' rows thr MB wc_s \
	wc_MB/s wall_s MB/s cpu_s cpuMB/s peakRSS_MB RSS/input
for rows in "$@"; do
	f="$dir/cibscan_bench_$rows.csv"
	[ "${REUSE:-0}" = 1 ] && [ -s "$f" ] || gen "$rows" "$f"
	bytes=$(wc -c <"$f")
	mb=$(awk -v b="$bytes" 'BEGIN {printf "%.1f", b / 1e6}')
	wc_s=$(for i in $(seq "$runs"); do timed wc -l "$f"; done |
		awk '{print $1}' | median)
	for thr in ${THREADS:-1 2}; do
	: >"$dir/.bench_runs"
	for i in $(seq "$runs"); do
		timed "$bin" inspect --read-threads "$thr" "$f" >>"$dir/.bench_runs"
	done
	s=$(awk '{print $1}' "$dir/.bench_runs" | median)
	c=$(awk '{print $2}' "$dir/.bench_runs" | median)
	rss=$(awk '{print $3}' "$dir/.bench_runs" | sort -n | tail -n 1)
	awk -v r="$rows" -v t="$thr" -v mb="$mb" -v w="$wc_s" -v s="$s" \
		-v c="$c" -v rss="$rss" -v b="$bytes" 'BEGIN {
		printf "%-9s %3s %8s %7.2f %8.0f %8.2f %8.0f %8.2f %8.0f %9.0f %9.2f\n",
			r, t, mb, w, (w > 0 ? mb / w : 0), s, (s > 0 ? mb / s : 0),
			c, (c > 0 ? mb / c : 0), rss / 1024, rss * 1024 / b }'
	done
	[ "${KEEP:-0}" = 1 ] || rm -f "$f"
done
rm -f "$dir/.bench_time" "$dir/.bench_runs"
