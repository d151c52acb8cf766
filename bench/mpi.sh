#!/bin/sh
# mpi.sh BIN MPIBIN [POSTS] [ACCOUNTS] - `score --mpi` on 1, 2 and 4 ranks
# of this host against the single-process run, on a synth IO-archive export
# (default 10M posts, 500k accounts, 20 networks): wall time, per-stage
# times, bytes of record log each rank sent to rank 0 and peak RSS per
# rank (from --progress), the co-action scan of every rank (events and
# bytes received, scan wall and CPU, bytes sent back), user+system CPU of
# every run, and a byte comparison of accounts.csv and clusters.csv with
# the single-process one. The per-account features (timing, persona) of
# every rank: accounts and posts it owns, bytes received, wall and CPU.
# The export goes under $TMPDIR (removed at the end). Takes many minutes
# at 10M; not part of `make check`.
set -eu
bin=$1
mpibin=$2
posts=${3:-10000000}
accounts=${4:-500000}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1
d=$(mktemp -d "${TMPDIR:-/tmp}/cibscan-bench-mpi.XXXXXX")
trap 'rm -rf "$d"' EXIT
t0=$(date +%s.%N)
"$bin" synth -o "$d/x" --posts "$posts" --accounts "$accounts" --networks 20 >/dev/null
echo "synth: $(echo "$(date +%s.%N) - $t0" | bc) s; $(du -m "$d/x/tweets.csv" | cut -f1) MB tweets.csv"
t0=$(date +%s.%N)
/usr/bin/time -f "single: peak RSS %M KB, CPU %U s user %S s system" "$bin" score "$d/x/tweets.csv" "$d/x/users.csv" \
	-o "$d/a.csv" --clusters "$d/c.csv" --progress 2>"$d/single.log"
echo "single process: $(echo "$(date +%s.%N) - $t0" | bc) s wall"
grep -E "cibscan: (read|index|features|graph|clusters|score) |coordination graph|timing .* reuse|peak RSS" "$d/single.log" | sed 's/^/  /'
for n in 1 2 4; do
	t0=$(date +%s.%N)
	/usr/bin/time -f "all ranks: CPU %U s user %S s system" -o "$d/time$n" \
		mpirun -np "$n" "$mpibin" score --mpi "$d/x/tweets.csv" "$d/x/users.csv" \
		-o "$d/a$n.csv" --clusters "$d/c$n.csv" --progress 2>"$d/mpi$n.log"
	echo "$n ranks: $(echo "$(date +%s.%N) - $t0" | bc) s wall (mpirun)"
	grep -E "cibscan: (read|index|features|graph|clusters|score) |coordination graph|timing .* reuse|mpi rank" "$d/mpi$n.log" | sed 's/^/  /'
	sed 's/^/  /' "$d/time$n"
	if cmp -s "$d/a.csv" "$d/a$n.csv" && cmp -s "$d/c.csv" "$d/c$n.csv"; then
		echo "  accounts.csv and clusters.csv identical to the single-process run"
	else
		echo "  accounts.csv or clusters.csv DIFFERS from the single-process run"
	fi
done
