#!/bin/sh
# input_zip.sh - a zip archive is opened once and read in one pass (16,000
# members in seconds, not minutes); a README or a nested archive inside is
# skipped with a note that inspect reports; a corrupt archive is a data
# error (exit 1) naming the path once.
set -eu
d="$TMPDIR"
python3 - "$d/many.zip" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    for i in range(16000):
        z.writestr("m/%05d.jsonl" % i,
                   '{"type":"cibscan","version":1}\n'
                   '{"type":"post","platform":"x","id":"p%d","account_id":"a%d",'
                   '"time":"2023-03-01T01:30:00Z","text":"t"}\n' % (i, i % 50))
PY
start=$(date +%s)
timeout 60 "$CIBSCAN" inspect --json --strict "$d/many.zip" >"$d/many.json"
end=$(date +%s)
python3 - "$d/many.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
assert j["posts"] == 16000, j["posts"]
assert len(j["inputs"]) == 16000, len(j["inputs"])
PY
if [ $((end - start)) -gt 15 ]; then
	echo "16,000 members took $((end - start)) s"
	exit 1
fi
# README, a nested zip and a gzip member next to the data
cp "$FIXTURES/ioarchive/tweets_basic.csv" "$d/tweets.csv"
python3 - "$d" <<'PY'
import sys, zipfile, gzip
d = sys.argv[1]
with zipfile.ZipFile(d + "/inner.zip", "w") as z:
    z.write(d + "/tweets.csv", "tweets.csv")
with zipfile.ZipFile(d + "/mixed.zip", "w") as z:
    z.writestr("README.txt", "This archive holds the tweets of ...\nSee the paper.\n")
    z.write(d + "/inner.zip", "inner.zip")
    z.writestr("more.csv.gz", gzip.compress(open(d + "/tweets.csv", "rb").read()))
    z.write(d + "/tweets.csv", "tweets.csv")
PY
"$CIBSCAN" inspect "$d/mixed.zip" >"$d/mixed.out"
grep -q 'mixed.zip:tweets.csv  format=ioarchive-tweets records=4 posts=4' "$d/mixed.out"
grep -q 'mixed.zip:README.txt  skipped: ' "$d/mixed.out"
grep -q 'mixed.zip:inner.zip  skipped: nested archive' "$d/mixed.out"
grep -q 'mixed.zip:more.csv.gz  skipped: nested archive' "$d/mixed.out"
grep -q 'members skipped: 3' "$d/mixed.out"
"$CIBSCAN" inspect --json "$d/mixed.zip" >"$d/mixed.json"
python3 - "$d/mixed.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
sk = [i for i in j["inputs"] if i.get("skipped_member")]
assert len(sk) == 3, j["inputs"]
assert j["posts"] == 4, j["posts"]
PY
# other commands say members were skipped
"$CIBSCAN" convert -o "$d/mixed.jsonl" "$d/mixed.zip" 2>"$d/conv.err"
grep -q 'warning: 3 archive members skipped' "$d/conv.err"
# corrupt archives: exit 1, the path named once
expect_fail() { # expect_fail WHAT FILE
	set +e
	"$CIBSCAN" inspect "$2" >"$d/o.out" 2>"$d/o.err"
	rc=$?
	set -e
	[ "$rc" -eq 1 ] || { echo "$1: exit $rc, want 1"; cat "$d/o.err"; exit 1; }
	n=$(grep -o "$2" "$d/o.err" | wc -l)
	[ "$n" -eq 1 ] || { echo "$1: path named $n times"; cat "$d/o.err"; exit 1; }
}
size=$(wc -c <"$FIXTURES/ioarchive/archive.zip")
head -c $((size - 30)) "$FIXTURES/ioarchive/archive.zip" >"$d/cut.zip"
expect_fail "cut zip" "$d/cut.zip"
python3 - "$FIXTURES/ioarchive/archive.zip" "$d/flip.zip" <<'PY'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
# a byte in the first member's compressed data (after its local header)
n = int.from_bytes(b[26:28], "little") + int.from_bytes(b[28:30], "little")
b[30 + n + 5] ^= 0xff
open(sys.argv[2], "wb").write(b)
PY
expect_fail "flipped zip data" "$d/flip.zip"
echo ok
