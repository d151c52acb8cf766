#!/bin/sh
# The report in a real browser: headless Chromium renders it (script runs,
# no script errors, charts present, hostile data stays text) and takes a
# screenshot. Skips with a message when Chromium is not installed.
set -eu
sh "$TOP/tests/browser/check.sh" "$CIBSCAN" "$TMPDIR/browser"
