#!/bin/sh
# test.sh - the whole test suite, as CI runs it: installs what is missing,
# then unit + CLI tests plain and under AddressSanitizer/UBSan, then every
# fuzz target briefly. Ends with one "N passed, N failed" line.
set -u
cd "$(dirname "$0")/.."
sh scripts/install-deps.sh || { echo "cannot install dependencies" >&2; exit 3; }
total_pass=0
total_fail=0
total_skip=0
run() {
	name=$1
	shift
	echo "=== $name"
	t0=$(date +%s)
	"$@" >"/tmp/cibscan-test-$$.log" 2>&1
	rc=$?
	cat "/tmp/cibscan-test-$$.log"
	echo "=== $name: $(($(date +%s) - t0)) s"
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "/tmp/cibscan-test-$$.log" | tail -n 1)
	p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed.*/\1/p')
	f=$(echo "$line" | sed -n 's/^[0-9]* passed, \([0-9]*\) failed.*/\1/p')
	k=$(echo "$line" | sed -n 's/.* \([0-9]*\) skipped.*/\1/p')
	[ -n "$p" ] || p=0
	[ -n "$f" ] || f=0
	[ -n "$k" ] || k=0
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1 # the step failed before its tests ran (a build error)
	fi
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	total_skip=$((total_skip + k))
	rm -f "/tmp/cibscan-test-$$.log"
}
jobs=$(nproc 2>/dev/null || echo 2)
run "build" make -j"$jobs" all
run "check" make -j"$jobs" check
run "check (clang)" make -j"$jobs" check CC=clang
run "check (address,undefined sanitizers)" make -j"$jobs" check SAN=address,undefined
run "fuzz (brief)" make -j"$jobs" fuzz FUZZ_SECONDS="${FUZZ_SECONDS:-5}"
echo "all: $total_pass passed, $total_fail failed, $total_skip skipped"
echo "$total_pass passed, $total_fail failed, $total_skip skipped"
[ "$total_fail" -eq 0 ]
