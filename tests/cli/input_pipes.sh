#!/bin/sh
# input_pipes.sh - a FIFO, bash process substitution and stdin ("-") give
# every record the plain file gives: format and zip detection look at the
# first bytes once and the reader then consumes them, never reopening the
# stream.
set -eu
command -v bash >/dev/null || { echo "SKIP: bash needed for process substitution"; exit 77; }
d="$TMPDIR"
"$CIBSCAN" synth -o "$d/s" --accounts 500 --posts 3000 >/dev/null
python3 - "$d/x.jsonl" <<'PY'
import json, sys
with open(sys.argv[1], "w") as f:
    for i in range(3000):
        f.write(json.dumps({
            "created_at": "Wed Oct 10 20:%02d:%02d +0000 2018" % (i // 60 % 60, i % 60),
            "id_str": str(1050118621198921728 + i),
            "text": "post number %d" % i,
            "user": {"id_str": str(1000 + i % 97), "screen_name": "u%d" % (i % 97),
                     "created_at": "Wed May 23 06:01:13 +0000 2007"}}) + "\n")
PY
posts() { # posts FILE... -> the "posts" total of inspect --json
	"$CIBSCAN" inspect --json "$@" >"$d/i.json"
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["posts"])' "$d/i.json"
}
fposts() { # fposts FORMAT FILE
	"$CIBSCAN" inspect --json --format "$1" "$2" >"$d/i.json"
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["posts"])' "$d/i.json"
}
check() { # check WHAT GOT WANT
	if [ "$2" != "$3" ]; then
		echo "$1: $2 posts, want $3"
		exit 1
	fi
}
export CIBSCAN d
want_csv=$(posts "$d/s/tweets.csv")
want_x=$(fposts xapi "$d/x.jsonl")
check "plain csv" "$want_csv" 3000
check "plain xapi" "$want_x" 3000
gzip -c "$d/s/tweets.csv" >"$d/t.csv.gz"
# process substitution (bash): /dev/fd/N is a pipe
got=$(bash -c '"$CIBSCAN" inspect --json <(cat "$d/s/tweets.csv")' >"$d/p.json" && \
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["posts"])' "$d/p.json")
check "csv via <(...)" "$got" "$want_csv"
got=$(bash -c '"$CIBSCAN" inspect --json --format xapi <(cat "$d/x.jsonl")' >"$d/p.json" && \
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["posts"])' "$d/p.json")
check "xapi via <(...)" "$got" "$want_x"
got=$(bash -c '"$CIBSCAN" inspect --json <(cat "$d/t.csv.gz")' >"$d/p.json" && \
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["posts"])' "$d/p.json")
check "csv.gz via <(...)" "$got" "$want_csv"
# stdin
"$CIBSCAN" inspect --json --format xapi - <"$d/x.jsonl" >"$d/p.json"
got=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["posts"])' "$d/p.json")
check "xapi via -" "$got" "$want_x"
cat "$d/s/tweets.csv" | "$CIBSCAN" inspect --json - >"$d/p.json"
got=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["posts"])' "$d/p.json")
check "csv via | -" "$got" "$want_csv"
# a named FIFO
mkfifo "$d/fifo"
cat "$d/x.jsonl" >"$d/fifo" &
"$CIBSCAN" inspect --json --format xapi "$d/fifo" >"$d/p.json"
wait
got=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["posts"])' "$d/p.json")
check "xapi via fifo" "$got" "$want_x"
cat "$d/s/tweets.csv" >"$d/fifo" &
"$CIBSCAN" inspect --json "$d/fifo" >"$d/p.json"
wait
got=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["posts"])' "$d/p.json")
check "csv via fifo" "$got" "$want_csv"
# a zip through a pipe is read whole, like the file
(cd "$d/s" && python3 -c 'import zipfile; z=zipfile.ZipFile("../a.zip","w"); z.write("tweets.csv"); z.close()')
got=$(bash -c '"$CIBSCAN" inspect --json <(cat "$d/a.zip")' >"$d/p.json" && \
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["posts"])' "$d/p.json")
check "zip via <(...)" "$got" "$want_csv"
echo ok
