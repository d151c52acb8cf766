/* mpi_gather.h - a gather to rank 0 of any size.
 *
 * MPI counts and displacements are ints: one MPI_Gatherv carries at most
 * 2^31 - 1 elements in all, which a run of a billion posts passes (every
 * rank's duplicates, or its answers of the ids' join). Here every rank's
 * array goes to rank 0 in messages of at most `piece` elements, each
 * received straight into its place, so only a message's own size must
 * fit an int.
 *
 * Compiled only into build/cibscan-mpi, like the rest of mpi/.
 */
#ifndef CIB_MPI_GATHER_H
#define CIB_MPI_GATHER_H

#include <mpi.h>
#include <stddef.h>
#include <stdint.h>

/* Collective over comm: every rank's buf[0..n) (elements of sz bytes)
 * appended in rank order to rank 0's *out, which is grown (realloc) and
 * holds *n_out elements before and after; the other ranks' *out and
 * *n_out are not touched. Each rank's array travels in messages of at
 * most `piece` elements (fewer if piece * sz passes INT_MAX; 0 counts
 * as 1). bytes_out, if not NULL, is increased by the bytes this rank
 * sent. 0, or -1 if a transfer failed or rank 0 had no room: the other
 * ranks may then wait for ever, so the caller ends the job
 * (mpi_fatal). */
int mpi_gather_pieces(MPI_Comm comm, const void *buf, size_t n, size_t sz,
		      size_t piece, void **out, size_t *n_out,
		      uint64_t *bytes_out);

#endif
