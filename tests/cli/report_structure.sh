#!/bin/sh
# Golden structure of the report (not its pixels): sections, tables and
# charts checked against the score run of the same input and against the
# expected outline of a cluster section (fixtures/report/).
set -eu
"$CIBSCAN" synth -o "$TMPDIR/syn" --accounts 400 --posts 16000 --seed 5 >/dev/null
in="$TMPDIR/syn/tweets.csv"
"$CIBSCAN" score "$in" -o "$TMPDIR/acc.csv" --clusters "$TMPDIR/cl.csv" --quiet
"$CIBSCAN" report "$in" -o "$TMPDIR/r.html" --quiet
python3 "$TOP/tests/browser/outline.py" "$TMPDIR/r.html" "$TMPDIR/acc.csv" \
	"$TMPDIR/cl.csv" "$FIXTURES/report/cluster_outline.expected"
# same seed, same bytes
"$CIBSCAN" report "$in" -o "$TMPDIR/r2.html" --quiet
cmp "$TMPDIR/r.html" "$TMPDIR/r2.html"
# usage errors
if "$CIBSCAN" report "$in" 2>"$TMPDIR/err"; then exit 1; fi
grep -q "no output" "$TMPDIR/err"
set +e
"$CIBSCAN" report "$in" -o "$TMPDIR/x.html" --db /nonexistent/dir/s.sqlite \
	2>"$TMPDIR/err"
rc=$?
set -e
[ "$rc" -ne 0 ] && [ ! -e "$TMPDIR/x.html" ]
grep -q "nonexistent" "$TMPDIR/err"
