/* mpi_fatal.h - ending an MPI job when a transfer fails, saying which.
 *
 * A rank whose transfer fails (or that cannot get the buffer a transfer
 * needs) cannot tell the others: they would wait for it forever. It
 * ends the job with MPI_Abort, and first prints, on stderr, its rank and
 * what it was doing ("cibscan: mpi rank 2 of 4: the co-action scan:
 * sending the events to their objects' owners failed; ending the job"),
 * since mpirun itself names only the rank and the exit code.
 *
 * Compiled only into build/cibscan-mpi, like the rest of mpi/.
 */
#ifndef CIB_MPI_FATAL_H
#define CIB_MPI_FATAL_H

#include <mpi.h>

/* Prints what failed on this rank of comm, then MPI_Abort(comm, 1). */
_Noreturn void mpi_fatal(MPI_Comm comm, const char *what);

/* Returns if ok is true; else mpi_fatal(comm, what). The test hook
 * (mpi_fatal_test) can make a named transfer fail here. */
void mpi_need(MPI_Comm comm, int ok, const char *what);

/* Test hook of tests/cli/mpi_fail.sh (set by cli/ only): on `rank`, the
 * first mpi_need whose `what` contains `part` fails. rank -1: none. */
void mpi_fatal_test(int rank, const char *part);

#endif
