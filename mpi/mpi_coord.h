/* mpi_coord.h - the co-action scan of the coordination graph sharded over
 * MPI ranks (score --mpi; docs/scale.md section 5).
 *
 * Rank 0 holds the dataset and runs coord_build; with
 * coord_opts.shard = &c->shard the build hands the per-object scan (every
 * type but amplification) to mpi_coord_scan: rank 0 sends each object's
 * events to the object's owner rank (hash(type, object) mod N) in bounded
 * rounds, every rank scans its objects with coord_scan_part, and the parts
 * come back to rank 0 (codes, side co-actions, dense objects and windows
 * gathered; k and R summed): whole numbers, so the sum is the scan of all
 * objects whatever N. The codes stay on the ranks: each goes to its pair's
 * owner (coord_pair_owner), which counts and tests its pairs
 * (coord_pairs_count/test) once the components' counts are summed; rank 0
 * gets the candidates, and the cluster stage reads the pairs it needs
 * from the owners (coord_pairs_among). The other ranks wait in
 * mpi_coord_serve until rank 0 calls mpi_coord_done.
 */
#ifndef CIB_MPI_COORD_H
#define CIB_MPI_COORD_H

#include <mpi.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "model/coord.h"
#include "model/groups.h"

/* Bytes one rank sends or receives per round of a transfer, at most. */
#define MPI_COORD_ROUND ((size_t)32 << 20)

struct mpi_coord_stats {
	uint64_t events;       /* events this rank scanned */
	uint64_t objects;      /* objects among them */
	uint64_t bytes_in;     /* event bytes it received from rank 0 */
	uint64_t codes;        /* co-action codes it found */
	uint64_t bytes_out;    /* bytes it sent back (codes, sides, dense,
				  windows, k and R) */
	double scatter_seconds; /* receiving its events (rank 0: sending) */
	double scan_seconds;    /* coord_scan_part, wall */
	double scan_cpu;        /* coord_scan_part, CPU of all its threads */
	double gather_seconds;  /* sending the part (rank 0: receiving and
				   summing) */
	double scatter_cpu, gather_cpu; /* CPU of the two, all threads */
	/* the pair phase on the pairs' owners */
	uint64_t pair_codes;   /* codes and side co-actions it received */
	uint64_t pair_bytes;   /* bytes it sent to the other owners */
	uint64_t pairs;        /* pairs it holds */
	uint64_t cand;         /* candidates its tests kept */
	double pairs_seconds, pairs_cpu; /* the phase, wall and CPU */
	uint64_t among_bytes;  /* pairs it sent rank 0 for the clusters */
	uint64_t among_calls;  /* the cluster stage's reads of the pairs */
	/* the group index's part of the objects it scanned */
	uint64_t index_objects, index_events; /* objects and kept events */
	uint64_t index_bytes;  /* bytes of it sent to rank 0 */
	double index_seconds;  /* building it */
	double assemble_seconds; /* rank 0: assembling the parts */
};

struct mpi_coord {
	MPI_Comm comm;
	int rank, size;
	size_t round;          /* 0: MPI_COORD_ROUND */
	struct coord_shard shard; /* for coord_opts.shard on rank 0 */
	struct mpi_coord_stats st;
	struct mpi_coord_stats *all; /* rank 0: every rank's, last scan */
	int scans;             /* scans run */
	int die_rank;          /* test hook: this rank kills itself once it
				  has its events (-1: none); set by cli/ only */
	int die_pairs_rank;    /* ... once it has its codes of the pair
				  phase (-1: none) */
	/* between the scan and the pair phase: this rank's codes and side
	 * co-actions; after it: the pairs it owns (rank 0's are the
	 * graph's) */
	uint64_t *codes;
	size_t n_codes;
	struct coord_side *side;
	size_t n_side;
	struct coord_pair *pairs;
	size_t n_pairs;
	/* rank 0, from the scan to the group index: every rank's part of
	 * the index (groups_index_part), concatenated */
	struct groups_index_part ix;
	int ix_ready;
};

void mpi_coord_init(struct mpi_coord *c, MPI_Comm comm);
void mpi_coord_release(struct mpi_coord *c);

/* Rank 0: sets o->shard so that coord_build scans through the ranks of
 * c (every rank must then be in mpi_coord_serve). */
void mpi_coord_hook(struct mpi_coord *c, struct coord_opts *o);

/* Ranks other than 0: takes part in every scan rank 0 starts, until rank
 * 0 calls mpi_coord_done. Waits without spinning a core. */
enum cib_err mpi_coord_serve(struct mpi_coord *c);

/* Rank 0: releases the others from mpi_coord_serve. */
enum cib_err mpi_coord_done(struct mpi_coord *c);

#endif
