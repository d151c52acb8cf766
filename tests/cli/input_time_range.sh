#!/bin/sh
# input_time_range.sh - every reader takes times by one range, and convert
# writes nothing its own JSONL reader refuses: edge times from Reddit
# (Unix seconds, which once reached year 1), Telegram (which reached year
# 33658) and ISO readers go through convert and back with no post lost,
# and the ones outside are refused with the one message naming the range.
set -eu
d="$TMPDIR"
cat >"$d/r.jsonl" <<'J'
{"kind":"t3","data":{"id":"a","name":"t3_a","author":"u","created_utc":-2208988800,"subreddit":"r","title":"T","selftext":"B"}}
{"kind":"t3","data":{"id":"b","name":"t3_b","author":"u","created_utc":7289654399,"subreddit":"r","title":"T","selftext":"B"}}
{"kind":"t3","data":{"id":"c","name":"t3_c","author":"u","created_utc":-62135596800,"subreddit":"r","title":"T","selftext":"B"}}
{"kind":"t3","data":{"id":"e","name":"t3_e","author":"u","created_utc":7289654400,"subreddit":"r","title":"T","selftext":"B"}}
J
cat >"$d/t.json" <<'J'
{"name":"c","type":"public_channel","id":5,"messages":[
{"id":1,"type":"message","date_unixtime":"-2208988800","from":"c","from_id":"channel5","text":"x"},
{"id":2,"type":"message","date_unixtime":"7289654399","from":"c","from_id":"channel5","text":"x"},
{"id":3,"type":"message","date_unixtime":"999999999999","from":"c","from_id":"channel5","text":"x"},
{"id":4,"type":"message","date_unixtime":"-2208988801","from":"c","from_id":"channel5","text":"x"}]}
J
cat >"$d/m.jsonl" <<'J'
{"id":"1","created_at":"1899-12-31T23:30:00-01:00","content":"x","account":{"id":"9","username":"z","acct":"z"}}
{"id":"2","created_at":"2200-12-31T23:59:59Z","content":"x","account":{"id":"9","username":"z","acct":"z"}}
{"id":"3","created_at":"2200-12-31T23:30:00-01:00","content":"x","account":{"id":"9","username":"z","acct":"z"}}
J
"$CIBSCAN" convert -o "$d/all.jsonl" "$d/r.jsonl" "$d/t.json" "$d/m.jsonl" 2>"$d/err"
cat "$d/err"
# 2 + 2 + 2 posts kept, 2 + 2 + 1 refused, each with the range message
[ "$(grep -c '"type":"post"' "$d/all.jsonl")" -eq 6 ]
grep -q '5 malformed records skipped' "$d/err"
grep -q '^  5  time outside 1900-01-01 to 2200-12-31 UTC$' "$d/err"
# read back: all six, none refused
"$CIBSCAN" inspect --strict "$d/all.jsonl" >"$d/back.out"
grep -q 'totals: accounts=3 posts=6 ' "$d/back.out"
grep -q '1900-01-01T00:00:00Z' "$d/all.jsonl"
grep -q '2200-12-31T23:59:59Z' "$d/all.jsonl"
echo ok
