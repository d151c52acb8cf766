/* mpi_ids.h - the posts' ids of score --mpi decided where they were
 * parsed, not on rank 0 (docs/scale.md 5.3, "Post ids off rank 0").
 *
 * Rank 0's dataset as read holds every post's id (0.45 GB of its 1.25 GB
 * at 10M posts) for three things only: the duplicate rule (the first
 * record of a (platform, id) is the post, the others are dropped), the
 * canonical order's tie-break (posts of one account at one time go by
 * their ids' bytes) and the ids another column names (a reposted post's
 * id keeps its string, and its first use numbers it). This module
 * computes the three on the ranks that parsed the records:
 *
 * - every post record a rank parses is kept here under its origin
 *   (mpi_texts_origin: the piece and the record's number in it, so input
 *   order is origin order) with its platform, id, author and time;
 * - the exchange sends each record to the rank owning its id's bytes
 *   (mpi_ids_id_owner) and to the rank owning its author
 *   (mpi_feat_owner). The id owner orders its records by (id bytes,
 *   platform, origin): every record of a (platform, id) but the first is
 *   a duplicate, and the firsts are kept, by id, for the joins. The
 *   author owner orders its records by (author, time, id bytes, origin)
 *   and numbers each run of one author and time: the order
 *   dataset_canonical_order gives them (a run of one is not reported).
 *   Rank 0 gets the duplicates' origins and the runs' numbers, sorted by
 *   origin;
 * - the join sends strings from rank 0 to their id owners, which answer
 *   with every post (its platform and origin) whose id is that string.
 *
 * Invariants: an origin names one post record. The author is keyed by a
 * 64-bit hash of (platform, account id); two authors with one hash on
 * one owner share runs, which still number each author's posts in their
 * order (the ranks are only ever compared within one account and time).
 * Every transfer is a collective all ranks enter in the same order, in
 * rounds of at most `round` bytes sent per rank (one larger record goes
 * alone); what goes to rank 0 is gathered in pieces as large
 * (mpi_gather.h), so no count passes an int however many posts there
 * are. A failed transfer ends the job (mpi_fatal, which says which: the
 * others would wait forever); no memory is agreed and returned as
 * CIB_ENOMEM on every rank.
 *
 * score --mpi uses it from 3 ranks on, when the ranks parse every input
 * (mpi_ingest_settle_ids, mpi/mpi_ingest.h); with CIBSCAN_MPI_TEST_IDS=1
 * rank 0 reads the ids too and checks every answer against its own
 * (mpi_ids_check; tests/cli/mpi_ids.sh).
 */
#ifndef CIB_MPI_IDS_H
#define CIB_MPI_IDS_H

#include <mpi.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

struct dataset;

/* Records as kept where they were parsed (before the exchange), packed
 * one after the other (MPI_IDS_REC bytes, then the id's): u64 origin,
 * u64 author (XXH3 of the account id seeded with the platform: the hash
 * mpi_feat_owner takes the author's owner from), i64 time, u8 platform,
 * u16 the id's length. 46 bytes for a 19-digit id. */
#define MPI_IDS_REC (8 + 8 + 8 + 1 + 2)
/* The longest id kept (readers cap ids far below). */
#define MPI_IDS_MAX_ID 65535

struct mpi_id_chunk {
	char *bytes;
	size_t n, nbytes, capbytes;
};

/* Where a received record's id is: its offset into the bytes received
 * while they arrive (the buffer may move), then a pointer (sorted in
 * place, no copy). */
union mpi_id_at {
	uint64_t off;
	const char *s;
};

/* On an id owner: a record received. */
struct mpi_id_post {
	uint64_t origin;
	union mpi_id_at at;
	uint32_t len;
	uint8_t platform;
};

/* On an author owner: a record received. */
struct mpi_id_auth {
	uint64_t origin, akey;
	int64_t time;
	union mpi_id_at at;
	uint32_t len;
};

/* Rank 0: a record's number in its run of one author and time. */
struct mpi_id_tie {
	uint64_t origin;
	uint32_t rank;
};

/* Rank 0: post `origin` of `platform` has string `str` (the index k the
 * join asked with) as its id. */
struct mpi_id_match {
	uint64_t origin;
	uint32_t str;
	uint8_t platform;
};

/* A block's bytes (and room for one more record of the longest id). */
#define MPI_IDS_CHUNK_BYTES ((size_t)4 << 20)
/* Bytes a rank sends to all ranks together in one round. */
#define MPI_IDS_ROUND ((size_t)32 << 20)

struct mpi_ids {
	int on;
	/* before the exchange: the records this rank parsed */
	struct mpi_id_chunk *chunk;
	size_t nchunk, capchunk, n;
	/* an id owner's posts (the first record of each (platform, id)),
	 * by (id bytes, platform), and their bytes */
	struct mpi_id_post *post;
	size_t n_post, cap_post;
	char *pbytes;
	size_t npbytes, cappbytes;
	/* an author owner's records while they arrive */
	struct mpi_id_auth *auth;
	size_t n_auth, cap_auth;
	char *abytes;
	size_t nabytes, capabytes;
	/* rank 0, after the exchange: sorted by origin */
	uint64_t *dead;
	size_t n_dead;
	struct mpi_id_tie *tie;
	size_t n_tie;
	/* rank 0, after a join: by (str, platform, origin) */
	struct mpi_id_match *match;
	size_t n_match;
	uint64_t sent; /* bytes this rank sent in the exchange and joins */
	int die; /* test hook: this rank kills itself (SIGKILL) once it has
		    taken its first round of the exchange; set by cli/ only */
};

void mpi_ids_init(struct mpi_ids *x);
void mpi_ids_release(struct mpi_ids *x);

/* The rank owning id bytes s[0..len) among size ranks: never rank 0 when
 * there are others (it holds the dataset). */
int mpi_ids_id_owner(const char *s, size_t len, int size);

/* Keeps post record `origin` (platform, id, author account_id, time)
 * for the exchange. */
enum cib_err mpi_ids_add(struct mpi_ids *x, uint64_t origin,
			 unsigned platform, const char *id,
			 const char *account_id, int64_t time);

/* Collective (see above): the records to their id and author owners,
 * the duplicates and runs to rank 0. round 0: MPI_IDS_ROUND. */
enum cib_err mpi_ids_exchange(struct mpi_ids *x, MPI_Comm comm,
			      size_t round);

/* Rank 0, after the exchange: the number of record `origin` in its run
 * of one author and time, or NULL when it is alone in it. */
const struct mpi_id_tie *mpi_ids_find_tie(const struct mpi_ids *x,
					  uint64_t origin);

/* Collective, after the exchange: rank 0 asks which posts have string
 * k (str(ctx, k, &len), k < n) as their id; x->match gets the answers.
 * n, str and ctx are read on rank 0 only. */
enum cib_err mpi_ids_join(struct mpi_ids *x, MPI_Comm comm, size_t round,
			  size_t n,
			  const char *(*str)(void *ctx, size_t k,
					     uint32_t *len),
			  void *ctx);

/* Rank 0: checks the answers against its dataset as read (rows in input
 * order; row_origin[j] the origin of post j; dups[0..n_dups) the origins
 * of the records it dropped as duplicates, any order): the duplicates
 * are its own, every run of two or more posts of one account and time
 * is numbered in their ids' order, and the join of every string of its
 * pool found exactly the posts having it as their id. CIB_EINTERNAL with
 * msg set on the first difference. */
enum cib_err mpi_ids_check(const struct mpi_ids *x, const struct dataset *ds,
			   const uint64_t *row_origin, uint64_t *dups,
			   size_t n_dups, char *msg, size_t cap);

#endif
