#!/bin/sh
# synth_inspect.sh - the IO-archive reader takes synth output whole: every
# record read, none skipped, in plain and gzip form.
set -eu
"$CIBSCAN" synth -o "$TMPDIR/s" --accounts 500 --posts 6000 >/dev/null
"$CIBSCAN" synth -o "$TMPDIR/z" --accounts 500 --posts 6000 --gzip >/dev/null
for f in "$TMPDIR/s/tweets.csv $TMPDIR/s/users.csv" \
	"$TMPDIR/z/tweets.csv.gz $TMPDIR/z/users.csv.gz"; do
	# shellcheck disable=SC2086
	"$CIBSCAN" inspect --strict --json $f >"$TMPDIR/i.json"
	python3 - "$TMPDIR/i.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
assert j["posts"] == 6000, j["posts"]
assert j["accounts"] == 500, j["accounts"]
assert j["skipped"]["total"] == 0, j["skipped"]
PY
done
# --gzip writes the same bytes, compressed
gzip -dc "$TMPDIR/z/tweets.csv.gz" | cmp - "$TMPDIR/s/tweets.csv"
gzip -dc "$TMPDIR/z/users.csv.gz" | cmp - "$TMPDIR/s/users.csv"
cmp "$TMPDIR/z/truth.csv" "$TMPDIR/s/truth.csv"
