#!/bin/sh
# mpi_ids.sh - the posts' ids decided on the ranks that parsed them
# (mpi/mpi_ids.h): with CIBSCAN_MPI_TEST_IDS=1 rank 0 reads the ids too,
# and the duplicates (by id owner), the order of one account's posts at
# one time (by author owner) and the posts found by their ids (the join)
# must be exactly what rank 0 finds in its dataset; then, as score runs
# by default, rank 0 reads without the ids and its outputs must be the
# single process's, at 2, 3 and 4 ranks, on inputs made for it: many
# records of one id (the same author again, another author,
# across byte ranges), posts of one account in one minute whose ids sort
# differently as bytes and as numbers, strings that are also post ids,
# and the same id on two platforms. The outputs stay the single
# process's. Skipped (77) without mpirun or build/cibscan-mpi.
set -u
. "${TOP:-.}/tests/mpi/env.sh"
d="$TMPDIR"
fail=0
# under the sanitizers every rank runs 3-5 times slower: 3 ranks only,
# the made inputs only
ranks="2 3 4"
case "$CIBSCAN" in *-san-*) ranks=3 ;; esac

# an IO-archive export: 60 accounts, every post in one of 50 minutes
python3 - "$d/dups.csv" <<'EOF' || exit 1
import csv, random, sys
random.seed(5)
cols = ["tweetid", "userid", "user_screen_name", "tweet_text", "tweet_time",
        "tweet_language", "is_retweet", "retweet_tweetid",
        "in_reply_to_tweetid", "like_count"]
w = csv.writer(open(sys.argv[1], "w", newline=""), quoting=csv.QUOTE_ALL)
w.writerow(cols)
def row(tid, uid, minute, text, rt="", reply=""):
    w.writerow([tid, uid, "u%s" % uid, text,
                "2020-03-01 10:%02d" % minute, "en",
                "true" if rt else "false", rt, reply, "1"])
ids = []
for i in range(6000):
    uid = random.randrange(60)
    # "9", "99", "999" + a number: byte order is not numeric order
    tid = random.choice(["9" * random.randrange(1, 4) +
                         str(random.randrange(10 ** 6)),
                         str(10 ** 17 + random.randrange(10 ** 5)),
                         "x%05d" % random.randrange(99999)])
    m = random.randrange(50)
    rt = random.choice(ids) if ids and random.random() < 0.3 else ""
    rep = random.choice(ids) if ids and random.random() < 0.2 else ""
    row(tid, uid, m, "text %d" % i, rt, rep)
    ids.append(tid)
    if random.random() < 0.1:    # the same record again, later
        row(tid, uid, m, "again %d" % i)
    if random.random() < 0.05:   # the same id from another author
        row(tid, (uid + 1) % 60, random.randrange(50), "other %d" % i)
    if random.random() < 0.05:   # an id that is an account's handle
        row("u%d" % random.randrange(60), uid, m, "handle %d" % i)
EOF

# the same ids on X and on Mastodon: a synth mix whose Mastodon statuses
# take X posts' ids, half of its first 6000
"$CIBSCAN" synth --mix -o "$d/mix" --seed 3 --scale 0.3 --organic 1000 \
	>/dev/null 2>&1 ||
	exit 1
python3 - "$d/mix" <<'EOF' || exit 1
import json, random, sys
random.seed(2)
d = sys.argv[1]
xids = [t["id"] for l in open(d + "/x.jsonl")
        for t in json.loads(l).get("data", [])]
out = []
for i, l in enumerate(open(d + "/mastodon.jsonl")):
    s = json.loads(l)
    if i < 6000 and random.random() < 0.5:
        s["id"] = random.choice(xids)
    out.append(json.dumps(s))
open(d + "/mastodon.jsonl", "w").write("\n".join(out) + "\n")
EOF

# run NAME NP SPLIT FILE...: checked by rank 0, outputs as the single
# process's
run() {
	name=$1 np=$2 split=$3
	shift 3
	mkdir -p "$d/$name.1" "$d/$name.$np"
	if [ ! -f "$d/$name.1/a.csv" ]; then
		"$CIBSCAN" score "$@" -o "$d/$name.1/a.csv" \
			--clusters "$d/$name.1/c.csv" \
			--edges "$d/$name.1/e.csv" 2>/dev/null ||
			{ echo "$name: single process failed"; fail=1; }
	fi
	CIBSCAN_MPI_TEST_IDS=1 mpirun -np "$np" "$MPIBIN" score --mpi \
		--mpi-split "$split" --mpi-buffer 64K "$@" \
		-o "$d/$name.$np/a.csv" --clusters "$d/$name.$np/c.csv" \
		--edges "$d/$name.$np/e.csv" >"$d/$name.$np.out" \
		2>"$d/$name.$np.err" ||
		{ echo "$name at $np ranks failed:"; cat "$d/$name.$np.err"; fail=1; return; }
	grep -q "ids off rank 0 agree with rank 0's" "$d/$name.$np.err" ||
		{ echo "$name at $np ranks: not checked"; cat "$d/$name.$np.err"; fail=1; }
	for f in a c e; do
		cmp -s "$d/$name.1/$f.csv" "$d/$name.$np/$f.csv" ||
			{ echo "$name at $np ranks: $f.csv differs"; fail=1; }
	done
	[ "$name" = dups ] || [ "$name" = mix ] || return
	# rank 0 without the ids (the default from 3 ranks on, asked for
	# at 2): the same outputs
	mkdir -p "$d/$name.$np.apart"
	CIBSCAN_MPI_TEST_IDS=2 mpirun -np "$np" "$MPIBIN" score --mpi \
		--mpi-split "$split" \
		--mpi-buffer 64K --step-memory "$@" \
		-o "$d/$name.$np.apart/a.csv" \
		--clusters "$d/$name.$np.apart/c.csv" \
		--edges "$d/$name.$np.apart/e.csv" >/dev/null \
		2>"$d/$name.$np.apart.err" ||
		{
			echo "$name at $np ranks, ids apart, failed:"
			cat "$d/$name.$np.apart.err"
			fail=1
			return
		}
	grep -q "mpi rank 0 memory by step.* ids join " \
		"$d/$name.$np.apart.err" ||
		{ echo "$name at $np ranks: rank 0 read the ids"; fail=1; }
	for f in a c e; do
		cmp -s "$d/$name.1/$f.csv" "$d/$name.$np.apart/$f.csv" ||
			{ echo "$name at $np ranks, ids apart: $f.csv differs"; fail=1; }
	done
}

for np in $ranks; do
	run dups "$np" 16K "$d/dups.csv"
done
grep -q "agree with rank 0's: [1-9][0-9]* duplicates, [1-9][0-9]* posts tied" \
	"$d/dups.3.err" ||
	{ echo "dups: no duplicates or ties met"; cat "$d/dups.3.err"; fail=1; }
# (the mix: 174k posts, 45k duplicate records; at 3 ranks and a 64K
# round each owner's text numbers and duplicates go to rank 0 in pieces
# of 8192 (mpi/mpi_gather.h): about 10 and 3 each)
run mix 3 256K "$d/mix/x.jsonl" "$d/mix/mastodon.jsonl" \
	"$d/mix/bluesky.jsonl"
# (the sanitizer build stops here: the plain builds run the rest)
[ "$ranks" = 3 ] && exit $fail
# the sample, and the real X API pages
zcat "$FIXTURES/sample/tweets.csv.gz" >"$d/tweets.csv"
zcat "$FIXTURES/sample/users.csv.gz" >"$d/users.csv"
run sample 2 256K "$d/users.csv" "$d/tweets.csv"
real="${TOP:-.}/../shared/real-samples"
if [ -f "$real/xapi_v2_kpop.jsonl" ]; then
	run kpop 3 64K "$real/xapi_v2_kpop.jsonl" \
		"$real/xapi_v2_two_tweets.jsonl"
fi
exit $fail
