#!/bin/sh
# `sites` reads the real crawler files (warcio's test data): the records of
# every file, the truncated response of example-trunc.warc reported with
# its file and offset and counted, --strict stopping there with exit 1.
set -eu
d="$FIXTURES/warc/real"
out="$TMPDIR/sites.csv"
err="$TMPDIR/err.txt"
"$CIBSCAN" sites "$d"/*.warc "$d"/*.warc.gz -o "$out" 2>"$err"
head -n 1 "$out" | grep -q '^site,score,flagged,cluster_id,cluster_size,'
grep -q '^example.com,' "$out"
grep -q '^www.iana.org,' "$out"
[ "$(wc -l <"$out")" -eq 3 ] || { echo "want 2 sites"; exit 1; }
# 6+6+6+3+4+3 records read, 3 in the truncated file
grep -q '^cibscan: 31 records, 5 HTML pages, 2 sites' "$err"
grep -q '1 malformed record' "$err"
grep -q "example-trunc.warc: 'offset 1197': wrong record length" "$err"
rc=0
"$CIBSCAN" sites --strict "$d/example-trunc.warc" -o "$out" 2>"$err" || rc=$?
[ "$rc" -eq 1 ] || { echo "strict exit $rc, want 1"; exit 1; }
grep -q "example-trunc.warc: 'offset 1197'" "$err"
# a file that is not a crawl: every line skipped, counted, exit 0
printf 'id,text\n1,hello\n' >"$TMPDIR/x.csv"
"$CIBSCAN" sites "$TMPDIR/x.csv" -o "$out" 2>"$err"
grep -q 'not a WARC record' "$err"
# a missing file is a system error naming it
rc=0
"$CIBSCAN" sites "$TMPDIR/none.warc" -o "$out" 2>"$err" || rc=$?
[ "$rc" -eq 3 ] || { echo "missing file exit $rc"; exit 1; }
grep -q "cannot open '.*none.warc'" "$err"
# JSON: the page's title, server and crawl time (2017-03-06T04:02:06Z is
# 1488772926: `date -u -d 2017-03-06T04:02:06Z +%s`)
"$CIBSCAN" sites -q --json "$d/example.warc.gz" -o "$TMPDIR/s.json"
python3 - "$TMPDIR/s.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))['sites'][0]
assert s['site'] == 'example.com', s
assert s['title'] == 'Example Domain', s
assert s['server'] == 'ECS (iad/182A)', s
assert s['first_seen'] == 1488772926, s
assert s['ip'] == '93.184.216.34', s
PY
