#!/bin/sh
# mpi_real.sh - `score --mpi` on CooRTweet's two real share tables
# (../shared/real-samples/coortweet: a Russian retweet network and the
# German 2021 election; heavy-tailed, no labels) gives byte for byte the
# single process's accounts, clusters, edges and saved run at 2 and 4
# ranks, with the co-action scan and the accounts' features on the ranks
# but 0. Skipped (77) without mpirun or build/cibscan-mpi (`make mpi`).
set -eu
. "${TOP:-.}/tests/mpi/env.sh"
real="${TOP:-.}/../shared/real-samples/coortweet"
ranks="2 4"
case "$CIBSCAN" in *-san-*) ranks=4 ;; esac
d="$TMPDIR"
fail=0
for name in russian_coord_tweets german_elections; do
	f="$real/$name.csv"
	[ -f "$f" ] || { echo "missing $f"; exit 1; }
	"$CIBSCAN" score "$f" -o "$d/$name.1.acc" --clusters "$d/$name.1.cl" \
		--edges "$d/$name.1.ed" --save "$d/$name.1.run" 2>"$d/$name.1.err" ||
		{ echo "$name: single process failed"; cat "$d/$name.1.err"; exit 1; }
	# the case is not empty: clusters and edges to compare
	[ "$(wc -l <"$d/$name.1.cl")" -gt 2 ] &&
		[ "$(wc -l <"$d/$name.1.ed")" -gt 10 ] ||
		{ echo "$name: no clusters or edges"; exit 1; }
	for n in $ranks; do
		p="$d/$name.$n"
		mpirun -np "$n" "$MPIBIN" score --mpi "$f" -o "$p.acc" \
			--clusters "$p.cl" --edges "$p.ed" --save "$p.run" \
			--progress 2>"$p.err" ||
			{ echo "$name: $n ranks failed"; cat "$p.err"; exit 1; }
		for x in acc cl ed run; do
			cmp -s "$d/$name.1.$x" "$p.$x" ||
				{ echo "$name: .$x differs at $n ranks"; fail=1; }
		done
		# every rank but 0 scanned objects and owned accounts
		[ "$(grep -c 'mpi rank [1-9][0-9]* co-action scan: [1-9]' \
			"$p.err")" -eq $((n - 1)) ] ||
			{ echo "$name: the scan not on every rank but 0"; fail=1; }
		[ "$(grep -c 'mpi rank [1-9][0-9]* features: [1-9]' "$p.err")" \
			-eq $((n - 1)) ] ||
			{ echo "$name: accounts not on every rank but 0"; fail=1; }
	done
	echo "$name: the single process's outputs at ranks $ranks"
done
exit $fail
