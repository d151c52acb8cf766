/* mpi_gather.c - a gather to rank 0 of any size (mpi_gather.h). */
#include "mpi/mpi_gather.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "mpi/mpi_ingest.h"

/* Tag of the pieces: no other point-to-point message of this build is
 * in flight on the communicator while a gather runs. */
#define TAG_PIECE 31

static int sent(const void *p, size_t bytes, MPI_Comm comm)
{
	MPI_Request rq;

	return MPI_Isend(p, (int)bytes, MPI_BYTE, 0, TAG_PIECE, comm, &rq) ==
		       MPI_SUCCESS &&
	       mpi_ingest_wait(&rq) == MPI_SUCCESS;
}

static int received(void *p, size_t bytes, int from, MPI_Comm comm)
{
	MPI_Request rq;

	return MPI_Irecv(p, (int)bytes, MPI_BYTE, from, TAG_PIECE, comm,
			 &rq) == MPI_SUCCESS &&
	       mpi_ingest_wait(&rq) == MPI_SUCCESS;
}

int mpi_gather_pieces(MPI_Comm comm, const void *buf, size_t n, size_t sz,
		      size_t piece, void **out, size_t *n_out,
		      uint64_t *bytes_out)
{
	uint64_t mine = n, *cnt = NULL;
	int rank, size, rc = -1;
	MPI_Request rq;

	MPI_Comm_rank(comm, &rank);
	MPI_Comm_size(comm, &size);
	if (piece > (size_t)INT_MAX / sz)
		piece = (size_t)INT_MAX / sz;
	if (piece == 0)
		piece = 1;
	if (rank == 0) {
		cnt = calloc((size_t)size, sizeof(*cnt));
		if (!cnt)
			return -1;
	}
	if (MPI_Igather(&mine, 1, MPI_UINT64_T, cnt, 1, MPI_UINT64_T, 0,
			comm, &rq) != MPI_SUCCESS ||
	    mpi_ingest_wait(&rq) != MPI_SUCCESS)
		goto out;
	if (rank == 0) {
		size_t total = 0;
		char *dst;

		for (int q = 0; q < size; q++) {
			if (cnt[q] > SIZE_MAX / sz - total - *n_out - 1)
				goto out;
			total += (size_t)cnt[q];
		}
		dst = realloc(*out, (*n_out + total) * sz + 1);
		if (!dst)
			goto out;
		*out = dst;
		dst += *n_out * sz;
		if (n)
			memcpy(dst, buf, n * sz);
		dst += n * sz;
		for (int q = 1; q < size; q++) {
			for (size_t lo = 0; lo < cnt[q]; lo += piece) {
				size_t m = cnt[q] - lo < piece ? cnt[q] - lo
							       : piece;

				if (!received(dst + lo * sz, m * sz, q, comm))
					goto out;
			}
			dst += (size_t)cnt[q] * sz;
		}
		*n_out += total;
	} else {
		for (size_t lo = 0; lo < n; lo += piece) {
			size_t m = n - lo < piece ? n - lo : piece;

			if (!sent((const char *)buf + lo * sz, m * sz, comm))
				goto out;
			if (bytes_out)
				*bytes_out += (uint64_t)(m * sz);
		}
	}
	rc = 0;
out:
	free(cnt);
	return rc;
}
