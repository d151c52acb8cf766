/* mpi_fatal.c - ending an MPI job when a transfer fails (mpi_fatal.h). */
#include "mpi/mpi_fatal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int test_rank = -1;
static const char *test_part;

void mpi_fatal_test(int rank, const char *part)
{
	test_rank = part && *part ? rank : -1;
	test_part = part;
}

_Noreturn void mpi_fatal(MPI_Comm comm, const char *what)
{
	int rank = -1, size = 0;

	MPI_Comm_rank(comm, &rank);
	MPI_Comm_size(comm, &size);
	fprintf(stderr, "cibscan: mpi rank %d of %d: %s failed; ending the "
		"job\n", rank, size, what);
	fflush(stderr);
	MPI_Abort(comm, 1);
	/* MPI_Abort does not return; should an implementation's return,
	 * the job must still end */
	abort();
}

void mpi_need(MPI_Comm comm, int ok, const char *what)
{
	int rank = -1;

	if (ok && test_rank >= 0) {
		MPI_Comm_rank(comm, &rank);
		if (rank == test_rank && strstr(what, test_part))
			ok = 0;
	}
	if (!ok)
		mpi_fatal(comm, what);
}
