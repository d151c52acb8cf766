/* mpi_texts.h - the posts' texts of score --mpi kept off rank 0
 * (docs/scale.md section 5.3).
 *
 * When every piece of the input is parsed by a rank other than 0, rank 0
 * stores every record but its text: the parsing rank keeps the text in
 * its store under the record's origin (the piece and the post record's
 * number in it, mpi_texts_origin) with the rank owning the post's account
 * (mpi_feat_owner), and rank 0 keeps the origin of every post it stored
 * (dataset post.origin), which the canonical order permutes with the
 * posts. mpi_texts_push then sends every text to its account's owner in
 * bounded rounds (MPI_Alltoallv), where the per-account features find it
 * by origin when rank 0's shuffle sends the post (mpi/mpi_feat.c). The
 * texts of records rank 0 found to be duplicates arrive too and are never
 * asked for.
 *
 * Invariants: an origin names one post record of one piece. Before the
 * push the store holds the texts this rank parsed, as they came; after
 * it, the texts of its accounts' posts interned in `pool` (equal texts
 * once: a copied text is the common case here) and (origin, id) pairs
 * sorted by origin. Memory: a rank holds the texts it parsed until the
 * push sends them (in blocks, each freed once a round has sent all of
 * it), and interns what it receives round by round (no copy of the
 * received bytes); the push's buffers are one round (MPI_TEXTS_ROUND
 * over all destinations). The per-account features take the pool over
 * as their shard's texts (mpi/mpi_feat.c).
 */
#ifndef CIB_MPI_TEXTS_H
#define CIB_MPI_TEXTS_H

#include <mpi.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/strpool.h"

/* Bytes a rank sends to all ranks together in one round of the push. */
#define MPI_TEXTS_ROUND ((size_t)32 << 20)
/* Pieces and post records per piece an origin can name. */
#define MPI_TEXTS_PIECE_BITS 23
#define MPI_TEXTS_SEQ_BITS 40
#define MPI_TEXTS_NONE UINT64_MAX
/* Rank 0's post.origin: set on the origin of a post that has a text
 * (the others' records hold only counts); never on the owners' keys. */
#define MPI_TEXTS_HAS_TEXT ((uint64_t)1 << 63)

/* Whether rank 0's origin o names a post whose text is kept elsewhere. */
static inline int mpi_texts_origin_has_text(uint64_t o)
{
	return o != MPI_TEXTS_NONE && (o & MPI_TEXTS_HAS_TEXT);
}

/* A post record kept here: its text (len 0: none) and its engagement
 * counts (dataset_count32's, COUNT_NONE for unknown), which rank 0 does
 * not store either (dataset.post_counts_apart): the owner's features
 * read them. */
struct mpi_text_rec {
	uint64_t origin;
	uint64_t off;  /* in bytes */
	uint32_t len;
	int32_t owner; /* rank the text goes to (before the push) */
	int32_t cnt[4]; /* likes, reposts, replies, quotes */
};

struct mpi_text_own {
	uint64_t origin;
	uint32_t id; /* in pool; UINT32_MAX: no text */
	int32_t cnt[4];
};

/* Records kept before the push, in blocks freed as the push sends them
 * (at most MPI_TEXTS_CHUNK_RECS records; a new block starts past
 * MPI_TEXTS_CHUNK_BYTES of text). */
#define MPI_TEXTS_CHUNK_RECS 65536
#define MPI_TEXTS_CHUNK_BYTES ((size_t)4 << 20)

struct mpi_text_chunk {
	struct mpi_text_rec *r;
	size_t n, cap;
	char *bytes;
	size_t nbytes, capbytes;
};

struct mpi_texts {
	/* before the push: the texts and counts this rank parsed */
	struct mpi_text_chunk *chunk;
	size_t nchunk, capchunk;
	size_t n; /* records in all */
	/* after: the texts this rank owns */
	struct strpool pool;
	struct mpi_text_own *own; /* sorted by origin */
	size_t n_own, cap_own;
	uint64_t sent, received; /* bytes of text pushed out and in */
	int die; /* test hook: this rank kills itself (SIGKILL) once it has
		    taken its first round of the push; set by cli/ only */
};

static inline uint64_t mpi_texts_origin(uint64_t piece, uint64_t seq)
{
	return piece << MPI_TEXTS_SEQ_BITS | seq;
}

void mpi_texts_init(struct mpi_texts *t);
void mpi_texts_release(struct mpi_texts *t);

/* Keeps s[0..len) (len 0: no text) and the counts cnt[0..4) under
 * origin, bound for rank owner. */
enum cib_err mpi_texts_add(struct mpi_texts *t, uint64_t origin, int owner,
			   const char *s, size_t len, const int32_t cnt[4]);

/* Collective: every rank's texts to their owners, in rounds of at most
 * `round` bytes sent per rank (0: MPI_TEXTS_ROUND); t then holds the texts
 * this rank owns (pool, own). A transfer that fails ends the job
 * (mpi_fatal, saying which: the others would wait forever); no memory is
 * agreed and returned as CIB_ENOMEM on every rank. */
enum cib_err mpi_texts_push(struct mpi_texts *t, MPI_Comm comm, size_t round);

/* The record kept under origin (after a push; MPI_TEXTS_HAS_TEXT
 * ignored), or NULL. */
const struct mpi_text_own *mpi_texts_find(const struct mpi_texts *t,
					  uint64_t origin);


/* Strings by post index (rank 0's): string k is bytes[off[k]..off[k] +
 * len[k]) of post post[k]. */
struct mpi_postbytes {
	uint32_t *post;
	uint64_t *off;
	uint32_t *len;
	char *bytes;
	size_t n, cap, nbytes, capbytes;
};

void mpi_postbytes_free(struct mpi_postbytes *pb);
enum cib_err mpi_postbytes_add(struct mpi_postbytes *pb, uint32_t post,
			       const char *s, uint32_t len);
/* Orders the strings by post, stably (a post's strings keep their order). */
enum cib_err mpi_postbytes_sort(struct mpi_postbytes *pb);

/* Collective: every rank's records (u32 post, u32 length, the bytes; buf
 * of n bytes, whole records) to rank 0, appended to its *out in rank
 * order per round, in rounds of at most `round` bytes per rank (a larger
 * record goes alone). A transfer that fails, or rank 0 out of memory,
 * ends the job (mpi_fatal: says which transfer). */
void mpi_texts_gather(MPI_Comm comm, size_t round, const char *buf, size_t n,
		      struct mpi_postbytes *out);

/* Collective: rank 0 asks rank q for the texts of posts want[q][0..nwant[q])
 * (rank 0's indices; want NULL on the other ranks) and gets them into
 * *out; every other rank answers from lookup(ctx, post, &len) (NULL: it
 * has no such post, answered as an empty text and counted in *missing).
 * In rounds: at most `batch` posts asked of a rank and `round` bytes
 * answered by it per round (at least one post). Ends the job on a failed
 * transfer, or out of memory (mpi_fatal: says which). */
void mpi_texts_fetch(MPI_Comm comm, size_t round, size_t batch,
		     uint32_t *const *want, const size_t *nwant,
		     const char *(*lookup)(void *ctx, uint32_t post,
					   uint32_t *len),
		     void *ctx, struct mpi_postbytes *out, uint64_t *missing);

#endif
