#!/bin/sh
# mpi_compressed.sh - what only rank 0 reads (a share table, whose rows
# merge into posts other rows began, and a crawl, read again from its file
# for the sites analysis) is found inside compressed inputs too: a
# .warc.gz crawl, gzipped share tables, a share table in a zip member and
# a gzip file read with --format table give the single process's outputs
# under `score --mpi`. Until session 27 the plan looked only at a file's
# raw first bytes, so a compressed crawl went to a parsing rank and was
# left out (accounts.csv differed; --sites failed with "no crawl"), and a
# gzipped share table was parsed into that rank's own dataset ("no posts
# were read"). Also: a file named twice is read once, said once.
# Skipped (77) without mpirun or build/cibscan-mpi.
set -eu
. "${TOP:-.}/tests/mpi/env.sh"
real="${TOP:-.}/../shared/real-samples/coortweet"
ranks="2 3"
case "$CIBSCAN" in *-san-*) ranks=2 ;; esac
d="$TMPDIR"
fail=0

# same NAME OPTIONS... -- INPUTS...: the single process's outputs at every
# rank count in $ranks, compared byte for byte
same() {
	name=$1
	shift
	"$CIBSCAN" score "$@" -o "$d/$name.1.acc" --clusters "$d/$name.1.cl" \
		2>"$d/$name.1.err" ||
		{ echo "$name: single process failed"; cat "$d/$name.1.err"
		  exit 1; }
	for n in $ranks; do
		p="$d/$name.$n"
		mpirun -np "$n" "$MPIBIN" score --mpi "$@" -o "$p.acc" \
			--clusters "$p.cl" 2>"$p.err" ||
			{ echo "$name: $n ranks failed"; cat "$p.err"; fail=1
			  continue; }
		for x in acc cl; do
			cmp -s "$d/$name.1.$x" "$p.$x" ||
				{ echo "$name: .$x differs at $n ranks"
				  fail=1; }
		done
	done
}

# a crawl in gzip beside an export linking to its sites: the sites
# analysis raises accounts (docs/sites.md), so a crawl left out changes
# accounts.csv
"$CIBSCAN" synth -o "$d/ex" --accounts 300 --posts 12000 --networks 1 \
	--seed 3 >/dev/null
"$CIBSCAN" synth-sites -o "$d/cr" --seed 5 --organic 60 --haixun 1 \
	--haimai 0 --pages 3 2>/dev/null
python3 "$TOP/tests/sites/link_export.py" "$d/ex" "$d/cr" "$d/t.csv" \
	>/dev/null
same crawl "$d/t.csv" "$d/ex/users.csv" "$d/cr/crawl.warc.gz"
"$CIBSCAN" score "$d/t.csv" "$d/ex/users.csv" "$d/cr/crawl.warc.gz" \
	-o "$d/crawl.s.acc" --sites "$d/crawl.1.sites" 2>/dev/null
grep -q 'flagged by the site rule' "$d/crawl.1.acc" ||
	{ echo "crawl: the case is empty (no account raised by the site rule)"
	  exit 1; }
for n in $ranks; do
	mpirun -np "$n" "$MPIBIN" score --mpi "$d/t.csv" "$d/ex/users.csv" \
		"$d/cr/crawl.warc.gz" -o "$d/crawl.s.acc" \
		--sites "$d/crawl.$n.sites" 2>"$d/crawl.s.err" ||
		{ echo "crawl: --sites failed at $n ranks"
		  cat "$d/crawl.s.err"; fail=1; continue; }
	cmp -s "$d/crawl.1.sites" "$d/crawl.$n.sites" ||
		{ echo "crawl: the sites table differs at $n ranks"; fail=1; }
done

# share tables in gzip, one of them real (CooRTweet's Russian network)
gzip -c "$real/russian_coord_tweets.csv" >"$d/ru.csv.gz"
gzip -c "$TOP/fixtures/table/german_sample.csv" >"$d/de.csv.gz"
same tables "$d/ru.csv.gz" "$d/de.csv.gz"
[ "$(wc -l <"$d/tables.1.cl")" -gt 2 ] ||
	{ echo "tables: no clusters to compare"; exit 1; }

# a zip whose members are a share table and an archive's users file,
# beside the archive's tweets
cp "$TOP/fixtures/table/german_sample.csv" "$d/ex/users.csv" "$d/"
(cd "$d" && zip -q mixed.zip german_sample.csv users.csv)
same zip "$d/mixed.zip" "$d/ex/tweets.csv"

# --format table on a gzip file
gzip -c "$TOP/fixtures/table/coortweet_sample.csv" >"$d/c.gz"
same forced --format table "$d/c.gz"

# an input named twice (a spelling and a link): read once, said once,
# the single process's outputs
ln -s t.csv "$d/t-link.csv"
for n in $ranks; do
	mpirun -np "$n" "$MPIBIN" score --mpi "$d/t.csv" "$d/ex/users.csv" \
		"$d/./t.csv" "$d/t-link.csv" -o "$d/twice.$n.acc" \
		2>"$d/twice.err" || { cat "$d/twice.err"; fail=1; }
	"$CIBSCAN" score "$d/t.csv" "$d/ex/users.csv" -o "$d/twice.1.acc" \
		2>/dev/null
	cmp -s "$d/twice.1.acc" "$d/twice.$n.acc" ||
		{ echo "named twice: accounts differ at $n ranks"; fail=1; }
	[ "$(grep -c 'names the same file as .*read once' "$d/twice.err")" \
		-eq 2 ] || { echo "named twice: not said once a naming"
			     cat "$d/twice.err"; fail=1; }
done

[ $fail -eq 0 ] &&
	echo "compressed crawls and tables, a file named twice: the single" \
		"process's outputs at ranks $ranks"
exit $fail
