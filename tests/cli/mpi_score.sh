#!/bin/sh
# mpi_score.sh - `score --mpi` on 1, 2 and 4 ranks gives byte for byte the
# single-process accounts, clusters and edges tables: on the sample (IO
# archive CSV, cut into byte ranges re-synchronised at record boundaries,
# quoted newlines included), on its normalised JSONL cut into ranges, on the
# sample beside a share table (read by rank 0 in its place), and on a small
# synth --mix export (every operation type; X API, Mastodon and Bluesky
# files read whole). The co-action scan of the coordination graph runs
# sharded over the ranks (every rank scans the objects it owns; rank 0 sums
# the parts), so the comparison covers it too; the 64 KiB buffer case moves
# the events and codes in many small rounds. Each scanning rank builds the
# group index's part of its objects, which rank 0 assembles for the cluster
# stage. Each co-action code goes to its pair's owner rank, which counts and
# tests the pairs it owns; rank 0 gets the candidates and reads the pairs
# the cluster stage needs from every rank: on several ranks every rank but 0
# must hold pairs. The timing and persona features are computed on the
# accounts' owner ranks (1 + hash(platform, id) mod N - 1, posts shuffled
# there) and sent back to rank 0: the saved run (--save, every feature of
# every account) is compared byte for byte too, and every rank but 0 must
# have computed accounts of its own. The texts stay off rank 0 when other
# ranks parse every input (checked from --progress; beside a share table
# rank 0 reads them), and a case with URLs only in the texts checks that the
# owners find them for reuse. Skipped (77) without mpirun or
# build/cibscan-mpi (`make mpi`).
set -eu
. "${TOP:-.}/tests/mpi/env.sh"
# under the sanitizers every rank runs 3-5 times slower: there the
# comparison runs at 4 ranks only (the most cuts and rounds), keeping the
# suite's time in check; the plain builds run 1, 2 and 4
ranks="1 2 4"
case "$CIBSCAN" in *-san-*) ranks=4 ;; esac
d="$TMPDIR"
zcat "$FIXTURES/sample/tweets.csv.gz" >"$d/tweets.csv"
zcat "$FIXTURES/sample/users.csv.gz" >"$d/users.csv"
# the CSV re-synchronisation must meet quoted newlines and doubled quotes
# at its cuts: every text gets both (the single-process run of the same
# file is the reference)
python3 - "$d/tweets.csv" "$d/tweets_nl.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
i = rows[0].index("tweet_text")
for r in rows[1:]:
    r[i] = r[i].replace(" ", "\n", 4) + ' "so" \n\n "said"\n'
with open(sys.argv[2], "w", newline="") as f:
    csv.writer(f).writerows(rows)
PY
"$CIBSCAN" convert "$d/tweets.csv" "$d/users.csv" -o "$d/sample.jsonl" 2>/dev/null
"$CIBSCAN" synth --mix -o "$d/mix" --organic 200 --scale 0.05 --seed 5 >/dev/null
"$CIBSCAN" synth --cosharing -o "$d/co" --seed 11 >/dev/null

# on_owners LOG WHAT ACTIVE ZERO: with n ranks, every rank but 0 printed a
# line matching ACTIVE and rank 0 one matching ZERO (n > 1); on one rank,
# rank 0 the ACTIVE line
on_owners() {
	want=$n
	[ "$n" -gt 1 ] && want=$((n - 1))
	[ "$(grep -c "$3" "$1")" -eq "$want" ] ||
		{ echo "$name: $2 not on every rank but 0"; cat "$1"; exit 1; }
	[ "$n" -eq 1 ] || grep -q "$4" "$1" ||
		{ echo "$name: rank 0 has $2"; cat "$1"; exit 1; }
}

compare() { # name split buffer files...
	name=$1
	split=$2
	buffer=$3
	shift 3
	"$CIBSCAN" score "$@" -o "$d/$name.a.csv" --clusters "$d/$name.c.csv" \
		--edges "$d/$name.e.csv" --save "$d/$name.run" --quiet
	[ "$(wc -l <"$d/$name.c.csv")" -gt 2 ] || { echo "$name: no clusters"; exit 1; }
	for n in $ranks; do
		mpirun -np "$n" "$MPIBIN" score --mpi --mpi-split "$split" \
			--mpi-buffer "$buffer" "$@" \
			-o "$d/$name.$n.a.csv" --clusters "$d/$name.$n.c.csv" \
			--edges "$d/$name.$n.e.csv" --save "$d/$name.$n.run" \
			--progress 2>"$d/$name.$n.log" ||
			{ cat "$d/$name.$n.log"; exit 1; }
		for t in a c e; do
			cmp "$d/$name.$t.csv" "$d/$name.$n.$t.csv" ||
				{ echo "$name: $t differs at $n ranks"; exit 1; }
		done
		cmp "$d/$name.run" "$d/$name.$n.run" ||
			{ echo "$name: the saved run differs at $n ranks"; exit 1; }
		# the work was shared: every rank parsed something
		[ "$(grep -c 'MB parsed' "$d/$name.$n.log")" -eq "$n" ]
		if [ "$n" -gt 1 ]; then
			! grep -q "rank $((n - 1)): 0 pieces" "$d/$name.$n.log"
		fi
		# and the sharded steps ran where they should: on several ranks
		# every rank but 0 owned a share (scanned objects, computed
		# accounts, owned texts and band entries, counted and tested
		# pairs) and rank 0 none, it holds the dataset (the outputs
		# above are the single process's, so the shares added up); on
		# one rank, rank 0 scanned and held the pairs
		log=$d/$name.$n.log
		on_owners "$log" "co-action scan" \
			'co-action scan: [1-9][0-9]* events' \
			'rank 0 co-action scan: 0 events'
		on_owners "$log" "pairs" \
			'pairs: [1-9][0-9]* codes received, [1-9][0-9]* pairs held' \
			'rank 0 pairs: 0 codes received, 0 pairs held'
		# the group index: each scanning rank built its objects' part,
		# rank 0 assembled them (the clusters above read it)
		on_owners "$log" "group index parts" \
			'group index part [1-9][0-9]* objects, [1-9][0-9]* kept events' \
			'rank 0 co-action scan: .* group index part 0 objects'
		grep -q 'rank 0 group index assembled from the ranks' "$log" ||
			{ echo "$name: no group index assembled"; cat "$log"; exit 1; }
		if [ "$n" -gt 1 ]; then
			on_owners "$log" "accounts" \
				'features: [1-9][0-9]* accounts, [1-9][0-9]* posts' \
				'rank 0 features: 0 accounts'
			on_owners "$log" "texts and buckets" \
				'near-duplicate search: [0-9]* distinct texts .* [1-9][0-9]* owned, [1-9][0-9]* band entries' \
				'rank 0 near-duplicate search: .* 0 owned, 0 band entries'
		fi
		# the texts: off rank 0 on several ranks when other ranks parse
		# every input (rank 0 then holds only the texts the scored run
		# quotes, fetched back), on rank 0 when it reads an input
		# itself (a share table) or alone
		if [ "$n" -gt 1 ] && [ "$apart" = 1 ]; then
			grep -q 'mpi texts kept off rank 0: [0-9.]* MB sent' "$log" &&
			grep -q 'rank 0 texts: .*(only those the scored run quotes' "$log" ||
				{ echo "$name: texts on rank 0 at $n ranks"; cat "$log"; exit 1; }
		else
			! grep -q 'kept off rank 0' "$log" &&
			grep -q 'rank 0 texts: .*(all, read on rank 0)' "$log" ||
				{ echo "$name: texts not on rank 0 at $n ranks"; cat "$log"; exit 1; }
		fi
		# the cluster stage read the pairs from every rank
		[ "$(grep -c 'the clusters read .* in [1-9][0-9]* calls' "$d/$name.$n.log")" -eq "$n" ] ||
			{ echo "$name: the cluster stage did not read the pairs"; cat "$d/$name.$n.log"; exit 1; }
		echo "$name: identical at $n ranks"
	done
}
apart=1
compare sample 256k 256M "$d/tweets.csv" "$d/users.csv"
# a 64 KiB log cap: ranks send blocks while they parse
compare samplenl 32k 64k "$d/tweets_nl.csv" "$d/users.csv"
compare samplejsonl 512k 100k "$d/sample.jsonl"
# URLs only in the texts (no URL entity) of every other post: with the
# texts off rank 0 the owners find them (reuse's step 6) and send them
# back; the comparison fails when they do not (checked)
python3 - "$d/sample.jsonl" "$d/texturls.jsonl" <<'PY'
import json, sys
with open(sys.argv[2], "w") as out:
    for i, line in enumerate(open(sys.argv[1])):
        o = json.loads(line)
        if o.get("type") == "post" and i % 2 == 0:
            o.pop("urls", None)
            if i % 6 == 0:
                o["text"] = (o.get("text") or "") + \
                    " see http://example.org/a?utm_source=x and https://News.example.com/b"
        out.write(json.dumps(o) + "\n")
PY
compare texturls 300k 100k "$d/texturls.jsonl"
# a share table after ranges of other ranks: rank 0 reads it itself, in
# its place (and keeps the texts)
apart=0
compare table 2M 256M "$d/tweets.csv" "$d/co/shares.csv" "$d/users.csv"
apart=1
compare mix 64M 256M "$d/mix/x.jsonl" "$d/mix/mastodon.jsonl" "$d/mix/bluesky.jsonl"
# the engagement counts travel with the texts from the parsing ranks to
# the owners (rank 0 stores none of them): the owners' count and sum of
# them must be those they get from rank 0's dataset when rank 0 reads an
# input itself (standard input here). No output of score reads them, so
# the comparisons above cannot tell (checked: dropping them on the owners
# changed no output, and fails this)
n=${ranks##* }
if [ "$n" -gt 1 ]; then
	engsum() {
		sed -n 's/.*features: .* posts (\([0-9]*\) with engagement counts, summing \([0-9]*\)).*/\1 \2/p' "$1" |
			awk '{ p += $1; s += $2 } END { printf "%d %d\n", p, s }'
	}
	mpirun -np "$n" "$MPIBIN" score --mpi - "$d/mix/mastodon.jsonl" \
		"$d/mix/bluesky.jsonl" -o "$d/mixin.a.csv" --progress \
		<"$d/mix/x.jsonl" 2>"$d/mixin.log" || { cat "$d/mixin.log"; exit 1; }
	grep -q 'rank 0 texts: .*(all, read on rank 0)' "$d/mixin.log"
	a=$(engsum "$d/mix.$n.log")
	b=$(engsum "$d/mixin.log")
	[ "$a" = "$b" ] && [ "${a#* }" -gt 0 ] ||
		{ echo "mix: owners' engagement counts $a kept apart, $b from rank 0"; exit 1; }
	cmp "$d/mix.a.csv" "$d/mixin.a.csv"
fi
# a record far longer than the pieces (a 2 MB text in 16 KiB pieces), in
# a JSONL file with blank lines whose texts hold escaped quotes: a range
# that begins with a blank line is read as lines (the file's first lines
# said so; alone, that line made the range look like one JSON document,
# which failed the run: checked); every byte is parsed once
# (the quote parity is a CSV's alone: a JSONL piece reading it ended at
# the file's end, parsing 6 times the file here; checked), and a piece
# with no record start in its range stops its scan at the range's end,
# so the bytes read again for the records' bounds stay about the file's
# size (scanned to the record's end from every piece it spans, they were
# about 60 times it; checked)
python3 - "$d/sample.jsonl" "$d/long.jsonl" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()[:3000]
posts = [i for i, l in enumerate(lines) if json.loads(l).get("type") == "post"]
for k in posts[::7]:
    o = json.loads(lines[k])
    o["text"] = (o.get("text") or "") + ' she said "no"'
    lines[k] = json.dumps(o)
o = json.loads(lines[posts[len(posts) // 2]])
o["text"] = "a long text " * 180000
lines[posts[len(posts) // 2]] = json.dumps(o)
# blank lines (some of them a lone CR), so that ranges begin with one
out = []
for k, l in enumerate(lines):
    out.append(l)
    if k % 4 == 3:
        out.append("\r" if k % 8 == 3 else "")
open(sys.argv[2], "w").write("\n".join(out) + "\n")
PY
"$CIBSCAN" score "$d/long.jsonl" -o "$d/long.a.csv" --save "$d/long.run" --quiet
mpirun -np 3 "$MPIBIN" score --mpi --mpi-split 16k "$d/long.jsonl" \
	-o "$d/long.3.a.csv" --save "$d/long.3.run" --progress 2>"$d/long.3.log" ||
	{ cat "$d/long.3.log"; exit 1; }
cmp "$d/long.a.csv" "$d/long.3.a.csv" && cmp "$d/long.run" "$d/long.3.run" ||
	{ echo "long: differs at 3 ranks"; exit 1; }
size=$(wc -c <"$d/long.jsonl")
sed -n 's/.* \([0-9.]*\) MB parsed (\([0-9.]*\) MB more read.*/\1 \2/p' \
	"$d/long.3.log" |
	awk -v size="$size" '{ p += $1; s += $2 } END {
		mb = size / 1e6
		if (NR != 3 || p > mb + 0.2 || s > 3 * mb) {
			printf "long: %.1f MB parsed and %.1f MB read for the bounds of a %.1f MB file\n", p, s, mb
			exit 1
		}
		printf "long: identical at 3 ranks; %.1f MB parsed, %.1f MB read for the bounds, of %.1f MB\n", p, s, mb
	}'
