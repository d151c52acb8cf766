#!/bin/sh
# convert's command line: help, missing arguments, failures leave no file.
set -eu
cd "$TMPDIR"
rc=0; "$CIBSCAN" convert --help >h.txt || rc=$?
[ "$rc" -eq 0 ]
grep -q 'usage: cibscan convert' h.txt
rc=0; "$CIBSCAN" convert "$FIXTURES/reddit/listing.jsonl" 2>e.txt || rc=$?
[ "$rc" -eq 2 ]
grep -q 'no output file' e.txt
rc=0; "$CIBSCAN" convert -o out.jsonl 2>e.txt || rc=$?
[ "$rc" -eq 2 ]
grep -q 'no input files' e.txt
rc=0; "$CIBSCAN" convert --bogus 2>e.txt || rc=$?
[ "$rc" -eq 2 ]
# a missing input: error, and no output file (not even an empty one)
rc=0; "$CIBSCAN" convert -o out.jsonl missing.json 2>e.txt || rc=$?
[ "$rc" -ne 0 ]
grep -q "missing.json" e.txt
[ ! -e out.jsonl ]
# strict mode failing on a bad record: exit 1, no output file
rc=0; "$CIBSCAN" convert --strict -o out.jsonl "$FIXTURES/reddit/comments.json" 2>e.txt || rc=$?
[ "$rc" -eq 1 ]
grep -q 'deleted author' e.txt
[ ! -e out.jsonl ]
# an unwritable output directory: system error, exit 3
rc=0; "$CIBSCAN" convert -o /nonexistent-dir/out.jsonl "$FIXTURES/reddit/listing.jsonl" 2>e.txt || rc=$?
[ "$rc" -eq 3 ]
grep -q "cannot write '/nonexistent-dir/out.jsonl'" e.txt
