# env.sh - sourced by the `score --mpi` tests (tests/cli/mpi_*.sh,
# step_memory.sh): sets $MPIBIN (cibscan-mpi beside $CIBSCAN) and
# Open MPI's settings for one host, or exits 77 (skipped) without mpirun
# or cibscan-mpi (`make mpi`).
MPIBIN="$(dirname "$CIBSCAN")/cibscan-mpi"
command -v mpirun >/dev/null 2>&1 || { echo "no mpirun"; exit 77; }
[ -x "$MPIBIN" ] || { echo "no $MPIBIN (make mpi)"; exit 77; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1
# no binding: each rank's threads may use every core (Open MPI binds a
# rank to one core when it starts two or fewer)
export OMPI_MCA_hwloc_base_binding_policy=none
# a sanitizer build: Open MPI's runtime keeps its allocations to exit, which
# LeakSanitizer would report as leaks of every rank
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
