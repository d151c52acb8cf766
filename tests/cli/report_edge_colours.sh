#!/bin/sh
# Every coordination edge type the report draws has a colour: the sample
# has amplification edges, which once drew stroke="(null)" from a colour
# table one entry short of the edge types (report/report.c now builds it
# from COORD_TYPE_MAP). No "(null)" anywhere in the page.
set -eu
s="$FIXTURES/sample"
"$CIBSCAN" report "$s/tweets.csv.gz" "$s/users.csv.gz" -o "$TMPDIR/r.html" \
	--quiet
if grep -q '(null)' "$TMPDIR/r.html"; then
	echo "report holds (null)"
	exit 1
fi
# the amplification edges are drawn, in their own colour
grep -q 'stroke="#17becf"' "$TMPDIR/r.html"
