#!/bin/sh
# run.sh SECONDS BIN... - runs each libFuzzer target for SECONDS on a corpus
# seeded from fixtures/ (fuzz/seeds-<target>.txt lists seed files), and
# prints "N passed, N failed".
set -u
secs=$1
shift
pass=0
fail=0
for bin in "$@"; do
	name=$(basename "$bin")
	corpus="fuzz/corpus-$name"
	mkdir -p "$corpus"
	if [ -f "fuzz/seeds-$name.txt" ]; then
		while read -r f; do
			[ -n "$f" ] && [ -f "$f" ] && cp "$f" "$corpus/" 2>/dev/null
		done < "fuzz/seeds-$name.txt"
	fi
	dict=""
	[ -f "fuzz/$name.dict" ] && dict="-dict=fuzz/$name.dict"
	if "$bin" $dict -max_total_time="$secs" -max_len=65536 -rss_limit_mb=2048 \
		-timeout=10 -print_final_stats=0 "$corpus" >"/tmp/$name.fuzzlog" 2>&1; then
		pass=$((pass + 1))
		echo "[  PASSED  ] $name"
	else
		fail=$((fail + 1))
		echo "[  FAILED  ] $name"
		tail -n 40 "/tmp/$name.fuzzlog"
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
