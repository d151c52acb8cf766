#!/bin/sh
# run.sh BUILD_DIR - runs every cmocka program in BUILD_DIR/tests and every
# command-line test script in tests/cli/, then prints "N passed, N failed".
# A cli test is a shell script run with $CIBSCAN (the binary), $FIXTURES and
# $TMPDIR (a fresh directory it may write to); exit 0 means it passed, exit
# 77 (automake's convention) that it was skipped: skipped tests print SKIP
# and are counted apart, never as passed. Each test passed says how many
# seconds it took (CI runs the suite three times within 30 minutes).
set -u
build=${1:-build}
top=$(pwd)
pass=0
fail=0
skip=0
failed=""
skipped=""
for t in "$build"/tests/test_*; do
	[ -x "$t" ] || continue
	t0=$(date +%s)
	if "$t"; then
		pass=$((pass + 1))
		echo "[  PASSED  ] $t ($(($(date +%s) - t0)) s)"
	else
		fail=$((fail + 1))
		failed="$failed $(basename "$t")"
	fi
done
for t in tests/cli/*.sh; do
	[ -f "$t" ] || continue
	dir=$(mktemp -d)
	t0=$(date +%s)
	CIBSCAN="$top/$build/cibscan" FIXTURES="$top/fixtures" TOP="$top" \
		TMPDIR="$dir" sh "$t" >"$dir/.log" 2>&1
	rc=$?
	if [ "$rc" -eq 0 ]; then
		pass=$((pass + 1))
		echo "[  PASSED  ] $t ($(($(date +%s) - t0)) s)"
	elif [ "$rc" -eq 77 ]; then
		skip=$((skip + 1))
		skipped="$skipped $t"
		echo "[  SKIP    ] $t: $(tail -n 1 "$dir/.log")"
	else
		fail=$((fail + 1))
		failed="$failed $t"
		echo "[  FAILED  ] $t"
		sed 's/^/    /' "$dir/.log" | tail -n 30
	fi
	rm -rf "$dir"
done
[ -n "$failed" ] && echo "failed:$failed"
[ -n "$skipped" ] && echo "SKIP:$skipped"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
