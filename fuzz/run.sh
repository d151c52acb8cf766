#!/bin/sh
# run.sh SECONDS BIN... - runs each libFuzzer target for SECONDS on a corpus
# seeded from fixtures/ (fuzz/seeds-<target>.txt lists seed files), and
# prints "N passed, N failed".
#
# A target fails when it exits non-zero or when its log holds any sanitizer
# report ("runtime error:" from UBSan, "ERROR: AddressSanitizer" and the
# like): the targets are built with -fno-sanitize-recover=all, and this is
# the second line of defence should a report ever be recoverable.
# FUZZ_WORK=DIR puts the corpora there instead of fuzz/corpus-<target>.
set -u
secs=$1
shift
pass=0
fail=0
logdir=$(mktemp -d)
trap 'rm -rf "$logdir"' EXIT
for bin in "$@"; do
	name=$(basename "$bin")
	corpus="${FUZZ_WORK:-fuzz}/corpus-$name"
	log="$logdir/$name.log"
	mkdir -p "$corpus"
	if [ -f "fuzz/seeds-$name.txt" ]; then
		while read -r f; do
			[ -n "$f" ] && [ -f "$f" ] && cp "$f" "$corpus/" 2>/dev/null
		done < "fuzz/seeds-$name.txt"
	fi
	dict=""
	[ -f "fuzz/$name.dict" ] && dict="-dict=fuzz/$name.dict"
	"$bin" $dict -max_total_time="$secs" -max_len=65536 -rss_limit_mb=2048 \
		-timeout=10 -print_final_stats=0 "$corpus" >"$log" 2>&1
	rc=$?
	if [ "$rc" -eq 0 ] && ! grep -Eq 'runtime error:|ERROR: [A-Za-z]*Sanitizer|WARNING: [A-Za-z]*Sanitizer|SUMMARY: [A-Za-z]*Sanitizer' "$log"; then
		pass=$((pass + 1))
		edges=$(grep -Eo 'cov: [0-9]+' "$log" | tail -n 1)
		echo "[  PASSED  ] $name ${edges:+($edges)}"
	else
		fail=$((fail + 1))
		echo "[  FAILED  ] $name (exit $rc)"
		grep -E -m 5 'runtime error:|Sanitizer' "$log"
		tail -n 40 "$log"
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
