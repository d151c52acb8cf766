#!/bin/sh
# Share tables with --map, TSV, CooRnet, --object-kind, bad rows with line
# and column, --strict, .gz and .zip.
set -eu
d="$FIXTURES/table"
out="$TMPDIR/out.txt"
err="$TMPDIR/err.txt"
map=account=who,post=message_id,time=when,object=shared_thing

# a CooRTweet-shaped table under other column names: not a known layout...
rc=0
"$CIBSCAN" inspect "$d/handmade_map.csv" >"$out" 2>"$err" || rc=$?
[ "$rc" -eq 1 ]
grep -q 'unrecognised format' "$err"
# ...but it reads with --map: 8 rows, m2 twice (its second target counted),
# NA and empty objects are original posts, times epoch / fractional / ISO
"$CIBSCAN" inspect --map "$map" "$d/handmade_map.csv" >"$out"
grep -q 'format=table records=8 posts=7 accounts=0 skipped=0' "$out"
grep -q 'table: rows_merged=1 rows_apart=1 values_unkept=1 ids_derived=0' "$out"
grep -q '^  posts: 7 original=2 repost=5 ' "$out"
grep -q 'dates: 2021-06-16T20:06:30Z .. 2021-06-16T22:08:20Z' "$out"
# the same through convert -> inspect
"$CIBSCAN" convert --map "$map" -o "$TMPDIR/h.jsonl" "$d/handmade_map.csv"
grep -q '"id":"m2","account_id":"bob","time":"2021-06-16T22:04:55Z","kind":"repost","ref_post":"t100"' "$TMPDIR/h.jsonl"
grep -q '"id":"m7".*"time_precision":"minute"' "$TMPDIR/h.jsonl"
"$CIBSCAN" inspect "$TMPDIR/h.jsonl" | grep -q '^totals: accounts=6 posts=7 '
# the platform for every row, and the object as a URL
"$CIBSCAN" inspect --map "$map,platform=@x" --object-kind url \
	"$d/handmade_map.csv" >"$out"
grep -q '^platform x:' "$out"
grep -q '^  posts: 7 original=7 ' "$out"
grep -q '^entities: url=6 ' "$out"

# bad maps are usage errors; a mapped column the header lacks is fatal
rc=0
"$CIBSCAN" inspect --map 'colour=who' "$d/handmade_map.csv" 2>"$err" || rc=$?
[ "$rc" -eq 2 ]
grep -q "unknown field 'colour'" "$err"
rc=0
"$CIBSCAN" inspect --object-kind video "$d/handmade_map.csv" 2>"$err" || rc=$?
[ "$rc" -eq 2 ]
rc=0
"$CIBSCAN" inspect --format table --map account=nobody,post=message_id,time=when \
	"$d/handmade_map.csv" 2>"$err" || rc=$?
[ "$rc" -eq 1 ]
grep -q "account=nobody: no such column" "$err"

# TSV: rows of p1 (not adjacent) merge, duplicates dropped, NA absent
"$CIBSCAN" inspect --map account=user,post=post,time=ts,url=link,hashtag=tag \
	"$d/map.tsv" >"$out"
grep -q 'format=table records=5 posts=3 ' "$out"
grep -q 'rows_merged=2 ' "$out"
grep -qx 'entities: url=3 hashtag=3 mention=0 domain=0 image=0' "$out"

# CooRnet's shares table: detected, one row per expanded link
"$CIBSCAN" inspect "$d/coornet_shares.csv" >"$out"
grep -q 'format=table records=4 posts=3 accounts=3 skipped=0' "$out"
grep -q '^entities: url=4 ' "$out"
grep -A2 '^platform instagram:' "$out" | grep -q 'posts: 1 '

# bad rows: counted with line and column; --strict stops at the first
"$CIBSCAN" inspect "$d/bad_rows.csv" >"$out"
grep -q 'records=3 posts=2 accounts=0 skipped=5' "$out"
grep -q "bad_rows.csv:3: 'timestamp_share': bad time: 'yesterday'" "$out"
grep -q "bad_rows.csv:4: 'timestamp_share': missing time" "$out"
grep -q "bad_rows.csv:6: 'account_id': post conflict" "$out"
grep -q "bad_rows.csv:7: 'timestamp_share': bad time: '1623881091000'" "$out"
grep -q "bad_rows.csv:8: 'account_id': missing account" "$out"
rc=0
"$CIBSCAN" inspect --strict "$d/bad_rows.csv" >"$out" 2>"$err" || rc=$?
[ "$rc" -eq 1 ]
grep -q 'bad_rows.csv:3' "$err"

# compressed: .gz and a .zip member read the same
gzip -c "$d/coornet_shares.csv" >"$TMPDIR/s.csv.gz"
"$CIBSCAN" inspect "$TMPDIR/s.csv.gz" | grep -q 'format=table records=4 posts=3 '
(cd "$d" && zip -q "$TMPDIR/s.zip" map.tsv coornet_shares.csv)
"$CIBSCAN" inspect --map account=user,post=post,time=ts,url=link \
	"$TMPDIR/s.zip" >"$out"
grep -q 's.zip:map.tsv  format=table records=5 posts=3 ' "$out"
grep -q 's.zip:coornet_shares.csv  format=table records=4 posts=3 ' "$out"

# every command that reads input takes --map: score writes a row per account
"$CIBSCAN" score --quiet --map "$map" -o "$TMPDIR/acc.csv" "$d/handmade_map.csv"
[ "$(tail -n +2 "$TMPDIR/acc.csv" | wc -l)" -eq 6 ]

# inspect --json gives the same counts
"$CIBSCAN" inspect --json --map account=user,post=post,time=ts,url=link,hashtag=tag \
	"$d/map.tsv" >"$out"
grep -Eq '"rows_merged":[[:space:]]*2,' "$out"
grep -Eq '"hashtag":[[:space:]]*3,' "$out"
