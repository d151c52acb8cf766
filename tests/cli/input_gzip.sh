#!/bin/sh
# input_gzip.sh - a cut or corrupt gzip input is a data error (exit 1)
# naming the file and the compressed offset, with --strict or without; a
# multi-member gzip (members concatenated) reads every member.
set -eu
d="$TMPDIR"
"$CIBSCAN" synth -o "$d/s" --accounts 500 --posts 3000 >/dev/null
gzip -c "$d/s/tweets.csv" >"$d/t.csv.gz"
"$CIBSCAN" inspect --strict "$d/t.csv.gz" >"$d/ok.out"
grep -q 'totals: accounts=[0-9]* posts=3000 ' "$d/ok.out"
size=$(wc -c <"$d/t.csv.gz")
expect_fail() { # expect_fail WHAT FILE [OPTION]
	what=$1
	f=$2
	shift 2
	set +e
	"$CIBSCAN" inspect "$@" "$f" >"$d/o.out" 2>"$d/o.err"
	rc=$?
	set -e
	if [ "$rc" -ne 1 ]; then
		echo "$what: exit $rc, want 1"
		cat "$d/o.err"
		exit 1
	fi
	grep -q "$f" "$d/o.err" || { echo "$what: file not named"; cat "$d/o.err"; exit 1; }
	grep -q "offset [0-9]" "$d/o.err" || { echo "$what: no offset"; cat "$d/o.err"; exit 1; }
	# named once
	n=$(grep -o "$f" "$d/o.err" | wc -l)
	[ "$n" -eq 1 ] || { echo "$what: file named $n times"; cat "$d/o.err"; exit 1; }
}
# cut inside the trailer, just after the deflate data, mid-stream
for cut in 4 8 9 100 $((size / 2)); do
	head -c $((size - cut)) "$d/t.csv.gz" >"$d/cut$cut.csv.gz"
	expect_fail "cut $cut" "$d/cut$cut.csv.gz"
	expect_fail "cut $cut strict" "$d/cut$cut.csv.gz" --strict
done
# a flipped CRC byte in the trailer
python3 - "$d/t.csv.gz" "$d/crc.csv.gz" <<'PY'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
b[-6] ^= 0x55
open(sys.argv[2], "wb").write(b)
PY
expect_fail "bad crc" "$d/crc.csv.gz"
# a flipped byte in the deflate data
python3 - "$d/t.csv.gz" "$d/flip.csv.gz" <<'PY'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
b[len(b) // 2] ^= 0xff
open(sys.argv[2], "wb").write(b)
PY
expect_fail "flipped byte" "$d/flip.csv.gz"
# garbage after the last member
cp "$d/t.csv.gz" "$d/junk.csv.gz"
printf 'junk' >>"$d/junk.csv.gz"
expect_fail "trailing junk" "$d/junk.csv.gz"
# two members: every row of both
lines=$(wc -l <"$d/s/tweets.csv")
half=$((lines / 2))
head -n "$half" "$d/s/tweets.csv" | gzip -c >"$d/multi.csv.gz"
tail -n +$((half + 1)) "$d/s/tweets.csv" | gzip -c >>"$d/multi.csv.gz"
"$CIBSCAN" inspect --strict "$d/multi.csv.gz" >"$d/m.out"
grep -q 'totals: accounts=[0-9]* posts=3000 ' "$d/m.out" || { cat "$d/m.out"; exit 1; }
# a second member cut short is still an error
head -c $(($(wc -c <"$d/multi.csv.gz") - 20)) "$d/multi.csv.gz" >"$d/mcut.csv.gz"
expect_fail "cut second member" "$d/mcut.csv.gz"
# a JSON document and JSONL, cut: the same
gzip -c "$FIXTURES/xapi/v2_page.json" >"$d/page.json.gz"
head -c $(($(wc -c <"$d/page.json.gz") - 6)) "$d/page.json.gz" >"$d/pcut.json.gz"
expect_fail "cut json" "$d/pcut.json.gz" --format xapi
gzip -c "$FIXTURES/jsonl/sample.jsonl" >"$d/j.jsonl.gz"
head -c $(($(wc -c <"$d/j.jsonl.gz") - 3)) "$d/j.jsonl.gz" >"$d/jcut.jsonl.gz"
expect_fail "cut jsonl" "$d/jcut.jsonl.gz"
echo ok
