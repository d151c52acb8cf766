#!/bin/sh
# Broken JSON inputs: a clear message naming file, line and column (or
# line and field), the right exit code, never a crash.
set -eu
cd "$TMPDIR"
err=err.txt
run() { rc=0; "$CIBSCAN" inspect "$@" >out.txt 2>"$err" || rc=$?; }
# truncated pretty-printed document: fatal, exit 1, line and column
printf '[\n {"id": "1",\n  "account": {"acct": "a"}, "content": "x' >trunc.json
run --format mastodon trunc.json
[ "$rc" -eq 1 ] || { echo "truncated: exit $rc"; exit 1; }
grep -q "cibscan: trunc.json: line 3, column" "$err"
# a document over --max-document
awk 'BEGIN { printf "{\"messages\": ["; for (i = 0; i < 20000; i++) printf "%s{\"id\": %d}", (i ? "," : ""), i; print "]}" }' >big.json
run --format telegram --max-document 64K big.json
[ "$rc" -eq 1 ] || { echo "max-document: exit $rc"; exit 1; }
grep -q "big.json: document larger than 65536 bytes (--max-document)" "$err"
# JSONL: a NUL byte and invalid UTF-8 are counted skips with their lines
{
	printf '{"type":"cibscan","version":1}\n'
	printf '{"type":"post","text":"a\000b"}\n'
	printf '{"type":"post","text":"\377"}\n'
	printf '{"type":"post","platform":"x","id":"1","account_id":"2","time":"2020-01-01T00:00:00Z"}\n'
} >bad.jsonl
run bad.jsonl
[ "$rc" -eq 0 ] || { echo "bad lines: exit $rc"; exit 1; }
grep -q 'bad.jsonl:2: NUL byte' out.txt
grep -q 'bad.jsonl:3: invalid UTF-8' out.txt
grep -q 'records=1 posts=1 accounts=0 skipped=2' out.txt
# --strict stops at the first, naming it
run --strict bad.jsonl
[ "$rc" -eq 1 ] || { echo "strict: exit $rc"; exit 1; }
grep -q 'bad.jsonl:2: NUL byte' "$err"
# an unknown format name is a usage error
run --format nope bad.jsonl
[ "$rc" -eq 2 ]
