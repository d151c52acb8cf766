/* mpi_reuse.h - the near-duplicate search of the reuse features on every
 * rank (score --mpi; docs/scale.md section 5.2, "Reuse on the ranks").
 *
 * The library's side is features/reuse_near.h, tested without MPI; this
 * is the transport. Every rank signs the distinct texts of the posts its
 * accounts' shard holds (mpi_reuse_sign, while the shard exists), then all
 * ranks run mpi_reuse_run together, which rank 0 calls from inside
 * reuse_compute_near (the feature stage's reuse_near hook):
 *
 *   1. the texts go to the rank owning their hash (MPI_Alltoallv, 144
 *      bytes a text), which keeps each hash's lowest post; an all-gather
 *      of the counts numbers them as reuse_compute() does; each number
 *      goes back to the ranks that sent the text (4 bytes), and each post
 *      with text to rank 0 as (its index, its text's number) (8 bytes),
 *      so rank 0 neither normalises nor hashes a text;
 *   2. for each band, every signed text's 8-byte entry goes to the rank
 *      owning the entry's key; that rank keeps the buckets of two or more,
 *      asks the texts' ranks for their signatures (132 bytes each, the
 *      distinct-text number with them) and checks the buckets with the
 *      library's own scan;
 *   3. the verified pairs (8 bytes each) are gathered to rank 0, which
 *      unites them, and the counts are summed there.
 *
 * A failed transfer ends the job (mpi_fatal, saying which: the others
 * would wait for ever); an error in a rank's own work (no memory) is
 * all-reduced at the next step and every rank returns it.
 */
#ifndef CIB_MPI_REUSE_H
#define CIB_MPI_REUSE_H

#include <mpi.h>
#include <stddef.h>
#include <stdint.h>

#include "core/dataset.h"
#include "core/error.h"
#include "features/reuse.h"
#include "features/reuse_near.h"

/* Bytes a rank sends per round of the large transfers by default. */
#define MPI_REUSE_ROUND ((size_t)32 << 20)

struct mpi_reuse_stats {
	uint64_t local_texts;   /* distinct texts of its posts (hashed; signed
				   when long enough) */
	uint64_t owned_texts;   /* distinct texts whose hash it owns */
	uint64_t entries;       /* band entries it received (all bands) */
	uint64_t fetched;       /* signatures it fetched for its buckets */
	uint64_t sigs_own;      /* its own texts' signatures its buckets
				   read where they are */
	uint64_t pairs;         /* verified pairs it found */
	uint64_t bytes_out;     /* bytes it sent in the search */
	double sign_seconds, sign_cpu; /* signing (in the feature compute) */
	double run_seconds, run_cpu;   /* the search, the pairs' gather */
};

struct mpi_reuse {
	MPI_Comm comm;
	int rank, size;
	struct reuse_opts o;          /* the feature stage's, from rank 0 */
	struct reuse_near_text *mine; /* signed here, by hash */
	size_t n_mine;
	uint32_t *post_text;          /* per shard post: its record in mine */
	uint32_t *gpost;              /* per shard post: rank 0's index */
	size_t n_posts;
	enum cib_err err;             /* mpi_reuse_sign's */
	int die_rank;                 /* test hook: this rank dies once it
					 has its first band's entries */
	size_t round;                 /* bytes a rank sends per round of the
					 large transfers (the same on every
					 rank); 0: MPI_REUSE_ROUND */
	struct mpi_reuse_stats st;
};

void mpi_reuse_init(struct mpi_reuse *r, MPI_Comm comm,
		    const struct reuse_opts *o);
void mpi_reuse_release(struct mpi_reuse *r);

/* The distinct texts of the shard's posts; gpost (taken: r frees it)
 * gives each post's index in rank 0's dataset. An error is kept for
 * mpi_reuse_run. */
void mpi_reuse_sign(struct mpi_reuse *r, const struct dataset *shard,
		    uint32_t *gpost);

/* Steps 1-3, on every rank at once. Rank 0 passes what reuse_near.texts
 * gets (n_posts, text, nd, parent, st) and gets them filled as texts must
 * fill them; the others 0 and NULLs. err_in nonzero (rank 0: the stage
 * failed before the search) makes every rank return at once. Returns
 * CIB_OK, or on every rank the error of the first rank that had one, with
 * errmsg saying what (may be empty). */
enum cib_err mpi_reuse_run(struct mpi_reuse *r, int err_in, size_t n_posts,
			   uint32_t *text, size_t *nd, uint32_t **parent,
			   struct reuse_stats *st, char *errmsg, size_t errlen);

#endif
