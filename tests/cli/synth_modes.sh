#!/bin/sh
# synth_modes.sh - the network repost switches do what they say, and bad
# command lines exit 2.
set -eu
C=$CIBSCAN
"$C" synth -o "$TMPDIR/mix" --accounts 800 --posts 16000 >/dev/null
"$C" synth -o "$TMPDIR/none" --accounts 800 --posts 16000 --no-network-reposts >/dev/null
"$C" synth -o "$TMPDIR/only" --accounts 800 --posts 16000 --network-reposts-only >/dev/null
python3 - "$TMPDIR" <<'PY'
import csv, collections, sys
def stats(d):
    truth = {r[0]: r[1] for r in csv.reader(open(f"{d}/truth.csv", newline=""))}
    rt_in = 0; texts = collections.defaultdict(set); cib_orig = 0
    for r in csv.DictReader(open(f"{d}/tweets.csv", newline="", encoding="utf-8")):
        if truth[r["userid"]] != "cib":
            continue
        if r["is_retweet"] == "True":
            rt_in += truth.get(r["retweet_userid"]) == "cib"
        elif not r["in_reply_to_tweetid"] and r["tweet_time"] >= "2019-04-01":
            texts[r["tweet_text"]].add(r["userid"]); cib_orig += 1
    copied = sum(len(u) for u in texts.values() if len(u) > 1)
    return rt_in, copied, cib_orig
base = sys.argv[1]
mix, none, only = (stats(f"{base}/{m}") for m in ("mix", "none", "only"))
print("mix", mix, "none", none, "only", only)
assert mix[0] > 100 and mix[1] > 100
assert none[0] == 0 and none[1] > 100
assert only[0] > 100 and only[1] == 0
PY
rc=0; "$C" synth >/dev/null 2>&1 || rc=$?; [ "$rc" -eq 2 ]
rc=0; "$C" synth -o "$TMPDIR/x" --accounts abc >/dev/null 2>&1 || rc=$?; [ "$rc" -eq 2 ]
rc=0; "$C" synth -o "$TMPDIR/x" --no-network-reposts --network-reposts-only >/dev/null 2>&1 || rc=$?; [ "$rc" -eq 2 ]
rc=0; "$C" synth -o "$TMPDIR/x" --start 2019-02-30 >/dev/null 2>&1 || rc=$?; [ "$rc" -eq 2 ]
rc=0; "$C" synth -o "$TMPDIR/x" --accounts 200 --posts 1000 --networks 9 >/dev/null 2>"$TMPDIR/err" || rc=$?
[ "$rc" -eq 2 ] && grep -q "networks" "$TMPDIR/err"
[ ! -e "$TMPDIR/x/tweets.csv" ]
rc=0; "$C" synth -o /nonexistent/dir/x >/dev/null 2>"$TMPDIR/err" || rc=$?
[ "$rc" -eq 3 ] && grep -q "cannot create" "$TMPDIR/err"
"$C" synth --help | grep -q "network-reposts-only"
