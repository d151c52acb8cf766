#!/bin/sh
# mpi_fail.sh - a distributed score that cannot finish writes nothing:
# a rank killed (SIGKILL) mid-run (after parsing, in the texts' push, in
# the per-account features, in the near-duplicate search or in the
# co-action scan), an owner whose features fail, a transfer that fails
# on one rank (named by that rank), and a malformed input met by a rank
# other than 0, each fail the run with a clear error and leave no output
# file, temporary or final; an output naming an input is refused before
# the read; several ranks without --mpi are refused; help is printed
# once. Skipped (77) without mpirun or build/cibscan-mpi.
set -u
. "${TOP:-.}/tests/mpi/env.sh"
d="$TMPDIR"
zcat "$FIXTURES/sample/tweets.csv.gz" >"$d/tweets.csv"
zcat "$FIXTURES/sample/users.csv.gz" >"$d/users.csv"
mkdir "$d/out"
fail=0

# killed HOOK NAME: rank 1 dies of SIGKILL where the test hook HOOK (read
# by cli/cmd_score.c only) says; the run must fail, say so, write nothing
killed() {
	env "$1=1" mpirun -np 2 "$MPIBIN" score --mpi --mpi-split 1M \
		"$d/tweets.csv" "$d/users.csv" -o "$d/out/a.csv" --clusters "$d/out/c.csv" \
		>"$d/$1.out" 2>"$d/$1.err"
	rc=$?
	[ "$rc" -ne 0 ] || { echo "$2: exit 0"; fail=1; }
	grep -qi "signal 9\|killed" "$d/$1.err" ||
		{ echo "$2: no clear error"; cat "$d/$1.err"; fail=1; }
	[ -z "$(ls -A "$d/out")" ] ||
		{ echo "$2 left files:"; ls -A "$d/out"; fail=1; }
}

# once it has parsed its share
killed CIBSCAN_MPI_TEST_DIE_RANK "killed rank"
# in the texts' push to the accounts' owners, with its first round
# received (rank 0 and the others are then pushing)
killed CIBSCAN_MPI_TEST_DIE_TEXTS_RANK "rank killed in the texts' push"
# in the exchange of the posts' ids (duplicates and ties; kept off rank
# 0 at 2 ranks too for the test), with its first round received (rank 0
# then waits for the duplicates)
export CIBSCAN_MPI_TEST_IDS=2
killed CIBSCAN_MPI_TEST_DIE_IDS_RANK "rank killed in the ids' exchange"
unset CIBSCAN_MPI_TEST_IDS
# in the co-action scan, with its events and before it sends anything back
# (rank 0 is then scanning or waiting for its part)
killed CIBSCAN_MPI_TEST_DIE_SCAN_RANK "rank killed in the scan"
# in the per-account features, with its accounts and before it sends its
# rows (rank 0 is then computing the reuse features or waiting for rows)
killed CIBSCAN_MPI_TEST_DIE_FEAT_RANK "rank killed in the features"
# in the near-duplicate search of the reuse features, with its first
# band's entries and before it checks them (rank 0 then waits for it in
# the search)
killed CIBSCAN_MPI_TEST_DIE_REUSE_RANK "rank killed in the search"
# in the pair phase, with the codes of the pairs it owns and before it
# counts them (rank 0 then waits for the components' summed counts)
killed CIBSCAN_MPI_TEST_DIE_PAIRS_RANK "rank killed in the pair phase"

# failed_clean NAME RC ERR PATTERN: a run that must fail in time (exit
# neither 0 nor timeout's 124), with PATTERN in its stderr ERR, and
# leave nothing in the output directory
failed_clean() {
	[ "$2" -ne 0 ] && [ "$2" -ne 124 ] ||
		{ echo "$1: exit $2"; fail=1; }
	grep -q "$4" "$3" || { echo "$1: no clear error"; cat "$3"; fail=1; }
	[ -z "$(ls -A "$d/out")" ] || { echo "$1 left files"; fail=1; }
}

# an owner's features fail once computed (as out of memory), on rank 2
# of 3: every rank agrees on it where the rows go to rank 0, goes
# through the rest of the stage's exchanges told of it and stops; the
# run fails with the error named, in time, and writes nothing
CIBSCAN_MPI_TEST_FAIL_FEAT_RANK=2 timeout 300 mpirun -np 3 "$MPIBIN" \
	score --mpi "$d/tweets.csv" "$d/users.csv" -o "$d/out/a.csv" \
	--clusters "$d/out/c.csv" >"$d/ff.out" 2>"$d/ff.err"
failed_clean "failed features" $? "$d/ff.err" \
	"per-account features on the owner ranks: out of memory"

# a bad input read by the last rank: its error, named, from rank 0
printf 'not,a,known\nformat,at,all\n' >"$d/bad.csv"
mpirun -np 2 "$MPIBIN" score --mpi "$d/tweets.csv" "$d/bad.csv" \
	-o "$d/out/a.csv" >"$d/bad.out" 2>"$d/bad.err"
rc=$?
[ "$rc" -eq 1 ] || { echo "bad input: exit $rc, not 1"; fail=1; }
grep -q "cibscan: .*bad.csv: unrecognised format" "$d/bad.err" ||
	{ echo "bad input: no clear error"; cat "$d/bad.err"; fail=1; }
[ "$(grep -c 'unrecognised format' "$d/bad.err")" -eq 1 ] ||
	{ echo "bad input: reported more than once"; fail=1; }
[ -z "$(ls -A "$d/out")" ] || { echo "bad input left files"; fail=1; }

# an output that is one of the inputs: refused before the read (exit 2,
# said once, no stage run), the input kept (until session 27 the check
# came only when rank 0 wrote, after every rank had scored)
cp "$d/users.csv" "$d/users.keep"
mpirun -np 2 "$MPIBIN" score --mpi --progress "$d/tweets.csv" \
	"$d/users.csv" -o "$d/out/a.csv" --clusters "$d/users.csv" \
	>"$d/in.out" 2>"$d/in.err"
rc=$?
[ "$rc" -eq 2 ] || { echo "output an input: exit $rc, not 2"; fail=1; }
[ "$(grep -c "is also an input of this run" "$d/in.err")" -eq 1 ] ||
	{ echo "output an input: not said once"; cat "$d/in.err"; fail=1; }
! grep -q "cibscan: read " "$d/in.err" ||
	{ echo "output an input: refused only after the read"; fail=1; }
cmp -s "$d/users.csv" "$d/users.keep" ||
	{ echo "output an input: the input changed"; fail=1; }
[ -z "$(ls -A "$d/out")" ] || { echo "output an input left files"; fail=1; }

# a usage error, which every rank meets parsing the same command line:
# exit 2, said once (until session 27 once per rank)
mpirun -np 3 "$MPIBIN" score --mpi --max-record 300 "$d/tweets.csv" \
	-o "$d/out/a.csv" >"$d/use.out" 2>"$d/use.err"
rc=$?
[ "$rc" -eq 2 ] || { echo "usage error: exit $rc, not 2"; fail=1; }
[ "$(grep -c "bad --max-record '300'" "$d/use.err")" -eq 1 ] ||
	{ echo "usage error: not said once"; cat "$d/use.err"; fail=1; }
[ -z "$(ls -A "$d/out")" ] || { echo "usage error left files"; fail=1; }

# a transfer that fails on one rank (the test hook of mpi/mpi_fatal.h
# makes the one named fail there): the job ends, the rank saying which
# transfer, and nothing is written. One per stage module: the texts'
# push (an exchange shared with the ids), the features' rows, the
# search's gather in pieces, the ids' gather in pieces (3 ranks), the
# scan's events
xfer() {
	np=$1 what=$2
	shift 2
	env "$@" CIBSCAN_MPI_TEST_FAIL_XFER_RANK=1 \
		CIBSCAN_MPI_TEST_FAIL_XFER="$what" timeout 300 \
		mpirun -np "$np" "$MPIBIN" score --mpi --mpi-split 1M \
		"$d/tweets.csv" "$d/users.csv" -o "$d/out/a.csv" \
		--clusters "$d/out/c.csv" >"$d/x.out" 2>"$d/x.err"
	failed_clean "failed '$what'" $? "$d/x.err" \
		"^cibscan: mpi rank 1 of $np: $what.* failed; ending the job"
}
xfer 2 "the texts' push: a round of texts to their accounts' owners"
xfer 2 "the per-account features: the rows back to rank 0"
xfer 2 "the near-duplicate search: the verified pairs to rank 0"
xfer 3 "the posts' ids: the duplicates to rank 0" CIBSCAN_MPI_TEST_IDS=2
xfer 2 "the co-action scan: sending the events"

# score's help, printed by every rank's same command: once
mpirun -np 3 "$MPIBIN" score --mpi --help >"$d/h.out" 2>"$d/h.err"
rc=$?
n=$(grep -c "^usage: cibscan score" "$d/h.out")
[ "$rc" -eq 0 ] && [ "$n" -eq 1 ] ||
	{ echo "help at 3 ranks: exit $rc, printed $n times"; fail=1; }

# the same run without --mpi on two ranks is refused, nothing written
mpirun -np 2 "$MPIBIN" score "$d/tweets.csv" -o "$d/out/a.csv" \
	>"$d/nompi.out" 2>"$d/nompi.err"
rc=$?
[ "$rc" -eq 2 ] || { echo "no --mpi: exit $rc, not 2"; fail=1; }
grep -q "only 'score --mpi' runs on several ranks" "$d/nompi.err" ||
	{ echo "no --mpi: no clear error"; cat "$d/nompi.err"; fail=1; }
[ -z "$(ls -A "$d/out")" ] || { echo "no --mpi left files"; fail=1; }
exit $fail
