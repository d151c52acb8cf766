#!/bin/sh
# input_bomb.sh - a small gzip that inflates to gigabytes of one JSON
# document fails early, while inflating, with a message naming the file and
# the limit; it never holds the whole document in memory first.
set -eu
d="$TMPDIR"
# 2.5 GiB of one document in ~2.5 MB: a 16 MiB member of blanks repeated
python3 - "$d/bomb.json.gz" <<'PY'
import sys, gzip
blank = gzip.compress(b" " * (16 << 20), 9)
with open(sys.argv[1], "wb") as f:
    f.write(gzip.compress(b'{\n"data": ['))
    for _ in range(160):
        f.write(blank)
    f.write(gzip.compress(b']}\n'))
PY
# peak RSS of the child, measured by python3's getrusage (kB on Linux)
set +e
python3 - "$CIBSCAN" "$d/bomb.json.gz" "$d/rss" >"$d/o.out" 2>"$d/o.err" <<'PY'
import resource, subprocess, sys
rc = subprocess.call([sys.argv[1], "inspect", "--format", "xapi", sys.argv[2]])
open(sys.argv[3], "w").write("%d\n" % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(rc)
PY
rc=$?
set -e
cat "$d/o.err"
[ "$rc" -eq 1 ] || { echo "exit $rc, want 1"; exit 1; }
grep -q "cibscan: $d/bomb.json.gz: " "$d/o.err"
grep -q 'max-inflate-ratio' "$d/o.err"
rss=$(cat "$d/rss")
echo "peak RSS $rss kB"
if [ "$rss" -gt 300000 ]; then
	exit 1
fi
# the whole-document cap is checked while inflating too
python3 - "$d/big.json.gz" <<'PY'
import sys, gzip, json
recs = [{"id": str(i), "text": "words %d" % i, "author_id": str(i % 7),
         "created_at": "2023-03-01T01:30:00.000Z"} for i in range(40000)]
open(sys.argv[1], "wb").write(gzip.compress(json.dumps({"data": recs}, indent=1).encode()))
PY
set +e
"$CIBSCAN" inspect --format xapi --max-document 1M "$d/big.json.gz" >"$d/o.out" 2>"$d/o.err"
rc=$?
set -e
cat "$d/o.err"
[ "$rc" -eq 1 ] || { echo "cap: exit $rc, want 1"; exit 1; }
grep -q "cibscan: $d/big.json.gz: .*1048576.*(--max-document)" "$d/o.err"
# and a document under both limits reads
"$CIBSCAN" inspect --json --format xapi "$d/big.json.gz" >"$d/o.json"
python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); assert j["posts"]==40000, j["posts"]' "$d/o.json"
echo ok
