#!/bin/sh
# fuzz_runner.sh - fuzz/run.sh counts a target as failed when its log holds
# a sanitizer report, even if the target exited 0 (a recoverable UBSan
# finding), and as passed only when the log is clean.
set -eu
d="$TMPDIR"
mkdir -p "$d/bin"
cat >"$d/bin/fuzz_ubsan" <<'SH'
#!/bin/sh
echo "collectors/telegram.c:90:2: runtime error: null pointer passed as argument 1, which is declared to never be null" >&2
echo "Done 100 runs in 1 second(s)" >&2
exit 0
SH
cat >"$d/bin/fuzz_asan" <<'SH'
#!/bin/sh
echo "==123==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x1" >&2
exit 0
SH
cat >"$d/bin/fuzz_clean" <<'SH'
#!/bin/sh
echo "#2 INITED cov: 10 ft: 10 corp: 1/1b exec/s: 0 rss: 30Mb" >&2
echo "Done 100 runs in 1 second(s)" >&2
exit 0
SH
chmod +x "$d/bin/"*
cd "$TOP"
for t in fuzz_ubsan fuzz_asan; do
	if FUZZ_WORK="$d" sh fuzz/run.sh 1 "$d/bin/$t" >"$d/$t.out" 2>&1; then
		echo "run.sh passed $t"
		cat "$d/$t.out"
		exit 1
	fi
	grep -q "FAILED  \] $t" "$d/$t.out"
done
FUZZ_WORK="$d" sh fuzz/run.sh 1 "$d/bin/fuzz_clean" >"$d/clean.out" 2>&1
grep -q "PASSED  \] fuzz_clean" "$d/clean.out"

echo ok
