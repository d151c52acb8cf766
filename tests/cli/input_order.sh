# The same records in another order give the same answer, byte for byte
# (dataset_canonical_order, docs/model.md "Input order"): a synth export
# as JSONL scored as written, with its lines shuffled, with its lines
# reversed, and split into two files given in either order; accounts,
# clusters and edges are compared with cmp. Before the canonical order a
# shuffle of the same export moved 24 flags (synth --sparse --seed 601).
set -eu
"$CIBSCAN" synth -o "$TMPDIR/syn" --posts 20000 --accounts 1000 --seed 5 >/dev/null
"$CIBSCAN" convert "$TMPDIR/syn/tweets.csv" "$TMPDIR/syn/users.csv" \
	-o "$TMPDIR/in.jsonl" 2>/dev/null
python3 - "$TMPDIR" <<'PY'
import random, sys
d = sys.argv[1]
lines = open(d + "/in.jsonl", encoding="utf-8").read().splitlines(True)
assert len(lines) > 20000, len(lines)
sh = lines[:]
random.Random(11).shuffle(sh)
assert sh != lines
open(d + "/shuf.jsonl", "w", encoding="utf-8").writelines(sh)
open(d + "/rev.jsonl", "w", encoding="utf-8").writelines(lines[::-1])
h = len(sh) // 2
open(d + "/part1.jsonl", "w", encoding="utf-8").writelines(sh[:h])
open(d + "/part2.jsonl", "w", encoding="utf-8").writelines(sh[h:])
PY
run() { # name files...
	n=$1
	shift
	"$CIBSCAN" score "$@" -o "$TMPDIR/$n.a.csv" --clusters "$TMPDIR/$n.c.csv" \
		--edges "$TMPDIR/$n.e.csv" --quiet
}
run in "$TMPDIR/in.jsonl"
run shuf "$TMPDIR/shuf.jsonl"
run rev "$TMPDIR/rev.jsonl"
run p12 "$TMPDIR/part1.jsonl" "$TMPDIR/part2.jsonl"
run p21 "$TMPDIR/part2.jsonl" "$TMPDIR/part1.jsonl"
# the comparison must have something to compare
[ "$(awk -F, 'NR > 1 && $5 == 1' "$TMPDIR/in.a.csv" | wc -l)" -gt 30 ]
[ "$(wc -l < "$TMPDIR/in.e.csv")" -gt 30 ]
for n in shuf rev p12 p21; do
	for t in a c e; do
		cmp "$TMPDIR/in.$t.csv" "$TMPDIR/$n.$t.csv" ||
			{ echo "$n: $t differs"; exit 1; }
	done
done
