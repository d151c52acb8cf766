/* mpi_ingest.h - reading the inputs of one run on several MPI ranks, so
 * that rank 0 ends with the dataset a single process would have built.
 *
 * Compiled only into build/cibscan-mpi (`make mpi`); the library and the
 * ordinary binary never link MPI (docs/scale.md says why).
 *
 * The inputs are cut into pieces in input order: a plain JSONL or IO
 * archive CSV file of at least split_bytes is cut into byte ranges of
 * about split_bytes, re-synchronised at a record boundary (a newline; for
 * CSV one outside quotes, found from the all-reduced quote parity of the
 * bytes before); any other input is one piece. Pieces go to ranks in
 * contiguous runs balanced by bytes. Share tables, crawls and streams
 * (stdin, pipes) are read by rank 0 itself at their place in the order:
 * a share table's reader merges rows into posts already stored, which a
 * rank holding only its own piece cannot do.
 *
 * Every rank parses its pieces at once, in parallel. With one rank, rank 0
 * reads everything into the dataset as a single process does; with
 * several, rank 0 parses nothing (pieces go to ranks 1..N-1) and stores:
 * every other rank records each post and account its readers give, in
 * order, into a log of blocks of at most MPI_INGEST_BLOCK bytes, holding
 * at most log_cap bytes of it (past that it waits for rank 0 to take whole
 * blocks before it parses on). Rank 0 asks for the pieces in order and
 * replays each log through the same ingest_add_post / ingest_add_account
 * calls the reader would have made: the same records in the same order,
 * so the dataset (account and post indices, string ids, field changes,
 * duplicates) is byte for byte the single-process one, and so is every
 * result computed from it.
 *
 * Errors: a piece that fails is reported when rank 0 reaches it in the
 * order (the error a single process would have stopped at); rank 0 then
 * tells every rank to stop. Nothing in the reading prints or exits,
 * with one exception: rank 0 out of memory for a block an owner is
 * waiting to hand over ends the job (mpi_fatal, saying so: no message can
 * reach that owner, so the job would hang instead).
 */
#ifndef CIB_MPI_INGEST_H
#define CIB_MPI_INGEST_H

#include <mpi.h>
#include <stddef.h>
#include <stdint.h>

#include "collectors/ingest.h"
#include "core/dataset.h"
#include "core/diag.h"
#include "mpi/mpi_ids.h"
#include "mpi/mpi_texts.h"

/* Largest log block sent in one message: what a rank holds in flight per
 * transfer, and what rank 0 holds while replaying one. */
#define MPI_INGEST_BLOCK ((size_t)32 << 20)
/* Default cap on the log a rank other than 0 holds: past it, the rank
 * waits for rank 0 to take its blocks before it parses on. */
#define MPI_INGEST_LOG_CAP ((size_t)64 << 20)
/* Default size of a byte-range piece (and the smallest file cut). */
#define MPI_INGEST_SPLIT_DEFAULT ((size_t)64 << 20)

struct mpi_ingest_stats {
	uint64_t pieces;       /* pieces this rank parsed */
	uint64_t bytes_parsed; /* input bytes they held */
	uint64_t bytes_scanned; /* bytes read again to find their records'
				   bounds (the pieces' ends, CSV headers) */
	uint64_t records;      /* posts and accounts they gave */
	uint64_t log_bytes;    /* bytes of log this rank sent to rank 0 */
	uint64_t log_early;    /* of those, sent while it was still parsing
				  (its log had reached the cap) */
	uint64_t log_peak;     /* most log bytes it held at once */
	uint64_t skipped;      /* zip members passed over */
	double parse_seconds;  /* parsing its pieces */
	double serve_seconds;  /* rank 0: receiving and replaying logs;
				  others: sending them */
};

struct mpi_ingest {
	MPI_Comm comm;
	int rank, size;
	size_t split_bytes;    /* 0: MPI_INGEST_SPLIT_DEFAULT */
	size_t log_cap;        /* 0: MPI_INGEST_LOG_CAP */
	int die_rank;          /* test hook: this rank kills itself after
				  parsing (-1: none); set by cli/ only */
	struct mpi_ingest_stats st;
	/* rank 0: every rank's stats, filled by mpi_ingest_run */
	struct mpi_ingest_stats *all;
	uint64_t n_pieces;
	/* every piece is parsed by a rank other than 0 (several ranks, no
	 * share table, crawl or stream): the texts stay on the ranks that
	 * parsed them, in `texts` (mpi_texts.h), and rank 0's dataset gets
	 * every post's origin instead (post.origin). The same on every
	 * rank. */
	int texts_apart;
	struct mpi_texts texts;
	uint64_t *origin;      /* rank 0 while storing: per post */
	size_t origin_cap;
	/* the posts' ids decided where they were parsed (mpi_ids.h), when
	 * the texts are apart: ids_want (set by cli/, the same on every
	 * rank) -1 to read without them on rank 0 from 3 ranks on, 2 from
	 * 2 ranks on (ids_apart: the log
	 * carries no post id, rank 0 stores every post record unkeyed and
	 * mpi_ingest_settle_ids drops the duplicates and orders the posts),
	 * 0 for rank 0 to read them as before, 1 to read them as before and
	 * check the parsing ranks' answers against them (rank 0 then keeps
	 * every post's origin by row in input order and the duplicates'). */
	int ids_want;
	int ids_apart;
	struct mpi_ids ids;
	uint64_t *row_origin, *dup_origin;
	size_t row_origin_cap, n_dup, dup_cap;
	/* rank 0, ids apart: a bit per account an account record stored */
	uint64_t *acc_rec;
	size_t acc_rec_words;
	/* what mpi_ingest_settle_ids did: bytes this rank sent; rank 0's
	 * duplicates dropped, tied posts numbered, ids set by the join */
	uint64_t ids_sent, ids_dead, ids_tied, ids_joined;
	double ids_seconds;
	char errmsg[768];
};

void mpi_ingest_init(struct mpi_ingest *m, MPI_Comm comm);
void mpi_ingest_release(struct mpi_ingest *m);

/* Collective, after mpi_ingest_run with ids apart (m->ids_apart): the
 * parsing ranks tell rank 0 which post records were duplicates and how
 * one account's posts at one time order (mpi_ids_exchange); rank 0
 * drops the duplicates and the accounts only they made
 * (dataset_drop_rows), asks which of the strings its rows use are post
 * ids (mpi_ids_join) and sets those posts' ids, and puts its dataset in
 * the canonical order (dataset_canonical_order_ties; the key and string
 * tables left to dataset_drop_post_ids, as dataset_canonical_order_bare
 * leaves them). It ends as the dataset a single process would have read
 * after its canonical order and dataset_drop_post_ids, with the strings
 * only the duplicates used unused. Errors are agreed; m->errmsg says
 * what. */
enum cib_err mpi_ingest_settle_ids(struct mpi_ingest *m, struct ingest *in,
				   size_t round);

/* Reads files[0..nfiles) (format fmt, FORMAT_AUTO to detect) on every
 * rank of m->comm: on rank 0 into in's dataset and diag, which end as a
 * single process's ingest of the same files would have left them (malformed
 * records of every rank merged into rank 0's diag); on the other ranks
 * `in` is only used to parse. Collective: every rank calls it with the
 * same files and options and gets the same return value. On error
 * m->errmsg says what and where (the file, and for a CSV or JSONL the
 * line). */
enum cib_err mpi_ingest_run(struct mpi_ingest *m, struct ingest *in,
			    char *const *files, int nfiles,
			    enum cib_format fmt);

/* Waits for a request without spinning a core (Open MPI's blocking calls
 * poll): tests it, sleeping a millisecond between tests. */
int mpi_ingest_wait(MPI_Request *req);

/* *p grown (realloc, doubling from 1024 elements of `size` bytes) to
 * hold `need`: 0, or -1 out of memory (*p unchanged). */
int mpi_ingest_grow(void **p, size_t *cap, size_t need, size_t size);

/* dsp[q] = the sum of cnt[0..q) for q < size: where each rank's part
 * of a send buffer starts. */
void mpi_ingest_displs(const int *cnt, int *dsp, int size);

/* One all-to-all of bytes among the `size` ranks of comm: the counts
 * exchanged, then send (scnt, sdsp) into *recv (grown as needed) at
 * rdsp; the bytes received. A failure ends the job (mpi_fatal, naming
 * `what` - the caller's stage and transfer - and the exchange's step:
 * the others would wait for this rank forever). */
size_t mpi_ingest_exchange(MPI_Comm comm, int size, const char *send,
			   const int *scnt, const int *sdsp, int *rcnt,
			   int *rdsp, char **recv, size_t *rcap,
			   const char *what);

#endif
