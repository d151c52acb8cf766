#!/bin/sh
# The sample's accounts.csv and clusters.csv, byte for byte, against
# tests/golden/ (scripts/golden.sh writes them). A change to scores,
# flags, clusters or the words of a reason shows here; when it is meant,
# 'make regolden' refreshes the files and the diff goes into the commit.
set -eu
sh "$TOP/scripts/golden.sh" "$CIBSCAN" "$TMPDIR"
for f in accounts.csv clusters.csv; do
	if ! cmp -s "$TOP/tests/golden/$f" "$TMPDIR/$f"; then
		echo "golden $f differs (make regolden if the change is meant):"
		diff "$TOP/tests/golden/$f" "$TMPDIR/$f" | head -n 20
		exit 1
	fi
done
