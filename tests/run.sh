#!/bin/sh
# run.sh BUILD_DIR - runs every cmocka program in BUILD_DIR/tests and every
# command-line test script in tests/cli/, then prints "N passed, N failed".
# A cli test is a shell script run with $CIBSCAN (the binary), $FIXTURES and
# $TMPDIR (a fresh directory it may write to); exit 0 means it passed.
set -u
build=${1:-build}
top=$(pwd)
pass=0
fail=0
failed=""
for t in "$build"/tests/test_*; do
	[ -x "$t" ] || continue
	if "$t"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		failed="$failed $(basename "$t")"
	fi
done
for t in tests/cli/*.sh; do
	[ -f "$t" ] || continue
	dir=$(mktemp -d)
	if CIBSCAN="$top/$build/cibscan" FIXTURES="$top/fixtures" TOP="$top" \
		TMPDIR="$dir" sh "$t" >"$dir/.log" 2>&1; then
		pass=$((pass + 1))
		echo "[  PASSED  ] $t"
	else
		fail=$((fail + 1))
		failed="$failed $t"
		echo "[  FAILED  ] $t"
		sed 's/^/    /' "$dir/.log" | tail -n 30
	fi
	rm -rf "$dir"
done
[ -n "$failed" ] && echo "failed:$failed"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
