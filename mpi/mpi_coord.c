/* mpi_coord.c - the per-object co-action scan of coord_build sharded over
 * MPI ranks (mpi_coord.h, docs/scale.md section 5).
 *
 * Invariants: every transfer is a collective that all ranks enter in the
 * same order, and everything a rank does is decided by what rank 0
 * broadcast first (a header with the options, the event counts and the
 * components), so no rank waits for a message that will not come; rank 0
 * sends each type's events in its sorted order, every event of an object
 * to the object's one owner, so a rank's lists hold whole objects in the
 * order coord_build scans them and its part is exactly what the build's
 * own jobs would have found on those objects; rank 0 adds the parts by
 * concatenation (codes, side co-actions, dense objects, windows - the
 * build sorts all of them by value before reading them) and by sums of
 * whole numbers (k, R, the types' counts; pairs_total is a double holding
 * an integer below 2^53), so the result does not depend on N or on the
 * order the parts arrive in. Every buffer a transfer needs is bounded by
 * the round size (MPI_COORD_ROUND) per rank, except rank 0's gathered
 * result, which is the size the single-process scan's output has.
 */
#include "mpi/mpi_coord.h"

#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/memstep.h"
#include "model/groups.h"
#include "mpi/mpi_fatal.h"
#include "mpi/mpi_gather.h"
#include "mpi/mpi_ingest.h"

enum { CMD_DONE = 0, CMD_SCAN = 1, CMD_PAIRS = 2, CMD_AMONG = 3 };

/* What rank 0 broadcasts before each scan (the same binary on every
 * rank, so the options travel as bytes; shard is cleared on arrival). */
struct hdr {
	int32_t cmd;
	int32_t index; /* the scan builds the group index's parts too */
	uint64_t n_accounts, n_comps;
	uint64_t n_events[COORD__COUNT];
	int64_t tight[COORD__COUNT]; /* groups_index_tight of all events */
	struct coord_opts o;
};

/* One event on the wire: obj, time, acc, post, flags. */
#define REC_BYTES 25

static int wait_rq(MPI_Request *rq)
{
	return mpi_ingest_wait(rq) == MPI_SUCCESS ? 0 : -1;
}

void mpi_coord_init(struct mpi_coord *c, MPI_Comm comm)
{
	memset(c, 0, sizeof(*c));
	c->comm = comm;
	MPI_Comm_rank(comm, &c->rank);
	MPI_Comm_size(comm, &c->size);
	c->die_rank = -1;
	c->die_pairs_rank = -1;
}

void mpi_coord_release(struct mpi_coord *c)
{
	if (!c)
		return;
	free(c->all);
	c->all = NULL;
	free(c->codes);
	free(c->side);
	free(c->pairs);
	c->codes = NULL;
	c->side = NULL;
	c->pairs = NULL;
	c->n_codes = c->n_side = c->n_pairs = 0;
	groups_index_part_release(&c->ix);
	c->ix_ready = 0;
}

/* Bytes a rank sends or takes in one round: the round size, and no more
 * than keeps rank 0's total for the round an int. */
static size_t round_bytes(const struct mpi_coord *c)
{
	size_t r = c->round ? c->round : MPI_COORD_ROUND;
	size_t lim = (size_t)INT_MAX / (size_t)c->size;

	return r < lim ? r : lim;
}

static int bcast_bytes(void *buf, size_t bytes, MPI_Comm comm)
{
	char *p = buf;

	while (bytes) {
		int n = bytes > ((size_t)1 << 30) ? 1 << 30 : (int)bytes;
		MPI_Request rq;

		if (MPI_Ibcast(p, n, MPI_BYTE, 0, comm, &rq) != MPI_SUCCESS ||
		    wait_rq(&rq))
			return -1;
		p += n;
		bytes -= (size_t)n;
	}
	return 0;
}

/* Sums n elements of buf over the ranks into rank 0's buf. */
static int reduce_sum(struct mpi_coord *c, void *buf, size_t n,
		      MPI_Datatype ty, size_t sz)
{
	char *p = buf;
	size_t per = ((size_t)1 << 26) / sz;

	while (n) {
		int m = n > per ? (int)per : (int)n;
		MPI_Request rq;
		int rc = c->rank == 0
				 ? MPI_Ireduce(MPI_IN_PLACE, p, m, ty, MPI_SUM,
					       0, c->comm, &rq)
				 : MPI_Ireduce(p, NULL, m, ty, MPI_SUM, 0,
					       c->comm, &rq);

		if (rc != MPI_SUCCESS || wait_rq(&rq))
			return -1;
		if (c->rank)
			c->st.bytes_out += (uint64_t)m * sz;
		p += (size_t)m * sz;
		n -= (size_t)m;
	}
	return 0;
}

/* Every rank's n elements of sz bytes, concatenated in rank order on rank
 * 0 after the *n_out it holds in *out (grown), in rounds of at most
 * round_bytes over all ranks. */
static int gather_rounds(struct mpi_coord *c, const void *buf, size_t n,
			 size_t sz, void **out, size_t *n_out)
{
	/* rank 0 takes a round from every rank at once: each sends its
	 * share of the round size */
	size_t per = round_bytes(c) / sz / (size_t)c->size;
	uint64_t rounds, maxr = 0;
	int *cnt = NULL, *disp = NULL, rc = -1;
	MPI_Request rq;

	if (per == 0)
		per = 1;
	rounds = (n + per - 1) / per;
	if (MPI_Iallreduce(&rounds, &maxr, 1, MPI_UINT64_T, MPI_MAX, c->comm,
			   &rq) != MPI_SUCCESS ||
	    wait_rq(&rq))
		return -1;
	if (c->rank == 0) {
		cnt = calloc((size_t)c->size, sizeof(*cnt));
		disp = calloc((size_t)c->size, sizeof(*disp));
		if (!cnt || !disp)
			goto out; /* the others then wait: the caller ends
				   * the job */
	}
	for (uint64_t r = 0; r < maxr; r++) {
		size_t lo = (size_t)r * per;
		size_t m = lo < n ? (n - lo < per ? n - lo : per) : 0;
		int bytes = (int)(m * sz);
		char *dst = NULL;

		if (MPI_Igather(&bytes, 1, MPI_INT, cnt, 1, MPI_INT, 0,
				c->comm, &rq) != MPI_SUCCESS ||
		    wait_rq(&rq))
			goto out;
		if (c->rank == 0) {
			size_t total = 0;
			char *grown;

			for (int q = 0; q < c->size; q++) {
				disp[q] = (int)total;
				total += (size_t)cnt[q];
			}
			grown = realloc(*out, *n_out * sz + total + 1);
			if (!grown)
				goto out;
			*out = grown;
			dst = grown + *n_out * sz;
			*n_out += total / sz;
		} else {
			c->st.bytes_out += (uint64_t)bytes;
		}
		if (MPI_Igatherv(m ? (const char *)buf + lo * sz : NULL, bytes,
				 MPI_BYTE, dst, cnt, disp, MPI_BYTE, 0, c->comm,
				 &rq) != MPI_SUCCESS ||
		    wait_rq(&rq))
			goto out;
	}
	rc = 0;
out:
	free(cnt);
	free(disp);
	return rc;
}

/* Every rank's n elements of sz bytes appended to rank 0's *out (grown;
 * *n_out elements there), whole arrays in rank order, each sent in
 * pieces of at most the round size (mpi_gather.h): arrays that index one
 * another (an object's count of kept events and the events) keep one
 * order. */
static int gather_ranked(struct mpi_coord *c, const void *buf, size_t n,
			 size_t sz, void **out, size_t *n_out)
{
	return mpi_gather_pieces(c->comm, buf, n, sz, round_bytes(c) / sz,
				 out, n_out, &c->st.bytes_out);
}

/* One group of a part's columns (n elements each) gathered to rank 0's
 * c->ix; *n there set to their count. */
#define GATHER_COL(c, pt, f, n, got)                                       \
	do {                                                               \
		got = 0;                                                   \
		if (gather_ranked(c, (pt)->f, (pt)->n, sizeof(*(pt)->f),   \
				  (void **)&(c)->ix.f, &got))              \
			return -1;                                         \
	} while (0)

/* This rank's part of the group index (the objects it scanned) to rank
 * 0, every rank's in rank order into c->ix; the counts n_objs and U
 * summed there. */
static int gather_index(struct mpi_coord *c, const struct hdr *h,
			struct groups_index_part *pt)
{
	struct groups_index_part *d = &c->ix;
	size_t g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0;
	uint64_t b0 = c->st.bytes_out;

	GATHER_COL(c, pt, obj_key, n_obj, g1);
	GATHER_COL(c, pt, obj_n, n_obj, g1);
	GATHER_COL(c, pt, obj_d, n_obj, g1);
	GATHER_COL(c, pt, obj_type, n_obj, g1);
	GATHER_COL(c, pt, obj_half, n_obj, g1);
	GATHER_COL(c, pt, obj_burst, n_obj, g1);
	GATHER_COL(c, pt, obj_win, n_obj, g1);
	GATHER_COL(c, pt, obj_f, n_obj, g1);
	GATHER_COL(c, pt, ev_acc, n_ev, g2);
	GATHER_COL(c, pt, ev_time, n_ev, g2);
	GATHER_COL(c, pt, dense_key, n_dense, g3);
	GATHER_COL(c, pt, dense_type, n_dense, g3);
	GATHER_COL(c, pt, dense_n, n_dense, g3);
	GATHER_COL(c, pt, dense_acc, n_dense_acc, g4);
	GATHER_COL(c, pt, dense_time, n_dense_acc, g4);
	GATHER_COL(c, pt, rest_key, n_rest, g5);
	GATHER_COL(c, pt, rest_type, n_rest, g5);
	GATHER_COL(c, pt, rest_half, n_rest, g5);
	GATHER_COL(c, pt, rest_n, n_rest, g5);
	GATHER_COL(c, pt, rest_acc, n_rest_acc, g6);
	GATHER_COL(c, pt, hc, n_hc, g7);
	d->n_hc = g7;
	GATHER_COL(c, pt, tc, n_tc, g7);
	d->n_tc = g7;
	c->st.index_bytes = c->st.bytes_out - b0;
	if (reduce_sum(c, pt->n_objs, h->n_accounts * COORD__COUNT,
		       MPI_UINT32_T, sizeof(*pt->n_objs)) ||
	    reduce_sum(c, pt->U, (h->n_comps + 1) * COORD__COUNT, MPI_DOUBLE,
		       sizeof(*pt->U)))
		return -1;
	if (c->rank == 0) {
		d->n_obj = g1;
		d->n_ev = g2;
		d->n_dense = g3;
		d->n_dense_acc = g4;
		d->n_rest = g5;
		d->n_rest_acc = g6;
		d->n_objs = pt->n_objs;
		d->U = pt->U;
		pt->n_objs = NULL;
		pt->U = NULL;
		memcpy(d->tight, h->tight, sizeof(d->tight));
		c->ix_ready = 1;
	}
	return 0;
}
#undef GATHER_COL

/* The rank scanning an object: with several ranks never rank 0 (it holds
 * every event already and sends them; a share of the scan's codes would
 * add to its graph stage's peak, half of them at 2 ranks). */
static int owner_of(uint64_t obj, int t, int size)
{
	uint64_t x = obj + 0x9E3779B97F4A7C15ull * (uint64_t)(t + 1);

	if (size <= 1)
		return 0;
	x ^= x >> 30;
	x *= 0xBF58476D1CE4E5B9ull;
	x ^= x >> 27;
	x *= 0x94D049BB133111EBull;
	x ^= x >> 31;
	return 1 + (int)(x % (uint64_t)(size - 1));
}

/* Type t's events from rank 0's ev (NULL elsewhere) to their objects'
 * owners, appended to mine in rank 0's order. */
static int scatter_type(struct mpi_coord *c, int t, uint64_t n,
			const struct coord_events *ev,
			struct coord_events *mine)
{
	size_t per = round_bytes(c) / REC_BYTES;
	int *cnt = NULL, *disp = NULL, *dest = NULL, my = 0, rc = -1;
	char *send = NULL, *recv = NULL;
	MPI_Request rq;

	if (c->rank == 0) {
		cnt = calloc((size_t)c->size, sizeof(*cnt));
		disp = calloc((size_t)c->size, sizeof(*disp));
		dest = malloc((per + 1) * sizeof(*dest));
		send = malloc(per * REC_BYTES + 1);
		if (!cnt || !disp || !dest || !send)
			goto out;
	}
	recv = malloc(per * REC_BYTES + 1);
	if (!recv)
		goto out;
	for (uint64_t lo = 0; lo < n; lo += per) {
		size_t m = n - lo < per ? (size_t)(n - lo) : per;

		if (c->rank == 0) {
			size_t pos = 0;

			memset(cnt, 0, (size_t)c->size * sizeof(*cnt));
			for (size_t i = 0; i < m; i++) {
				size_t e = (size_t)lo + i;

				/* an object's run: one owner */
				dest[i] = i > 0 && ev->obj[e] == ev->obj[e - 1]
						  ? dest[i - 1]
						  : owner_of(ev->obj[e], t,
							     c->size);
				cnt[dest[i]] += REC_BYTES;
			}
			for (int q = 0; q < c->size; q++) {
				disp[q] = (int)pos;
				pos += (size_t)cnt[q];
			}
			for (size_t i = 0; i < m; i++) {
				size_t e = (size_t)lo + i;
				char *p = send + disp[dest[i]];
				uint8_t fl = ev->minutes[e];
				int64_t tm = coord_ev_time(ev, e);
				uint32_t ac = coord_ev_acc(ev, e);

				memcpy(p, &ev->obj[e], 8);
				memcpy(p + 8, &tm, 8);
				memcpy(p + 16, &ac, 4);
				memcpy(p + 20, &ev->post[e], 4);
				memcpy(p + 24, &fl, 1);
				disp[dest[i]] += REC_BYTES;
			}
			for (int q = 0; q < c->size; q++)
				disp[q] -= cnt[q];
		}
		if (MPI_Iscatter(cnt, 1, MPI_INT, &my, 1, MPI_INT, 0, c->comm,
				 &rq) != MPI_SUCCESS ||
		    wait_rq(&rq))
			goto out;
		if (MPI_Iscatterv(send, cnt, disp, MPI_BYTE, recv, my,
				  MPI_BYTE, 0, c->comm, &rq) != MPI_SUCCESS ||
		    wait_rq(&rq))
			goto out;
		if (c->rank)
			c->st.bytes_in += (uint64_t)my;
		for (size_t i = 0; i < (size_t)my / REC_BYTES; i++) {
			const char *p = recv + i * REC_BYTES;
			uint64_t obj;
			int64_t tm;
			uint32_t acc, post;
			uint8_t fl;

			memcpy(&obj, p, 8);
			memcpy(&tm, p + 8, 8);
			memcpy(&acc, p + 16, 4);
			memcpy(&post, p + 20, 4);
			memcpy(&fl, p + 24, 1);
			if (coord_events_add_post(mine, obj, tm, acc,
						  fl & COORD_EV_MINUTES, post,
						  (fl & COORD_EV_MULTI) != 0))
				goto out;
		}
	}
	rc = 0;
out:
	free(cnt);
	free(disp);
	free(dest);
	free(send);
	free(recv);
	return rc;
}

/* The part's codes and side co-actions stay on this rank for the pair
 * phase (taken out of the part); the last phase's pairs are dropped. */
static void keep_codes(struct mpi_coord *c, struct coord_part *part)
{
	free(c->codes);
	free(c->side);
	free(c->pairs);
	c->codes = part->codes;
	c->n_codes = part->n_codes;
	c->side = part->side;
	c->n_side = part->n_side;
	c->pairs = NULL;
	c->n_pairs = 0;
	part->codes = NULL;
	part->side = NULL;
	part->n_codes = part->n_side = 0;
}

/* The largest error of any rank (CIB_OK when none); what names the
 * agreement should it fail. */
static int any_err(struct mpi_coord *c, int e, const char *what)
{
	int all = CIB_OK;
	MPI_Request rq;

	mpi_need(c->comm, MPI_Iallreduce(&e, &all, 1, MPI_INT, MPI_MAX,
					 c->comm, &rq) == MPI_SUCCESS &&
		 !wait_rq(&rq), what);
	return all;
}

/* Every rank's statistics to rank 0's c->all: after the scan, after the
 * pair phase and once more at the end (the cluster stage's reads of the
 * pairs come after the phase). A transfer that fails, or rank 0 without
 * room for them, ends the job (mpi_fatal, saying what): the other ranks
 * would wait for it. */
static void gather_stats(struct mpi_coord *c, const char *what)
{
	MPI_Request rq;

	if (c->rank == 0 && !c->all)
		c->all = calloc((size_t)c->size, sizeof(*c->all));
	mpi_need(c->comm, !(c->rank == 0 && !c->all) &&
			 MPI_Igather(&c->st, (int)sizeof(c->st), MPI_BYTE,
				     c->all, (int)sizeof(c->st), MPI_BYTE, 0,
				     c->comm, &rq) == MPI_SUCCESS &&
			 !wait_rq(&rq),
		 what);
}

/* The types' counters of n parts (COORD__COUNT each) added to out's. */
static void sum_type_stats(struct coord_part *out,
			   const struct coord_type_stats *sts, size_t n)
{
	for (size_t q = 0; q < n; q++)
		for (int t = 0; t < COORD__COUNT; t++) {
			const struct coord_type_stats *s =
				&sts[q * COORD__COUNT + (size_t)t];

			out->st[t].objects += s->objects;
			out->st[t].shared_objects += s->shared_objects;
			out->st[t].viral_objects += s->viral_objects;
			out->st[t].dense_objects += s->dense_objects;
			out->st[t].pairs_total += s->pairs_total;
			out->st[t].candidate_pairs += s->candidate_pairs;
		}
}

/* The scan's part (codes and side co-actions kept out) to rank 0: the
 * types' counters gathered into *sts (n_st of them), the dense objects
 * and windows into out, k and R summed in part's own arrays there. A
 * transfer that fails ends the job (mpi_fatal, saying which). */
static void gather_part(struct mpi_coord *c, const struct hdr *h,
			struct coord_part *part, struct coord_part *out,
			struct coord_type_stats **sts, size_t *n_st)
{
	mpi_need(c->comm, !gather_rounds(c, part->st, 1, sizeof(part->st),
					 (void **)sts, n_st),
		 "the co-action scan: the types' counters to rank 0");
	mpi_need(c->comm, !gather_rounds(c, part->dense, part->n_dense,
					 sizeof(*part->dense),
					 (void **)&out->dense, &out->n_dense),
		 "the co-action scan: the dense objects to rank 0");
	for (int t = 0; t < COORD__COUNT; t++) {
		if (!h->o.use_type[t] || t == COORD_AMPLIFY)
			continue;
		mpi_need(c->comm, !gather_rounds(c, part->wins[t],
						 part->n_wins[t],
						 sizeof(*part->wins[t]),
						 (void **)&out->wins[t],
						 &out->n_wins[t]),
			 "the co-action scan: a type's windows to rank 0");
		mpi_need(c->comm, part->k[t] &&
				 !reduce_sum(c, part->k[t], h->n_accounts,
					     MPI_UINT32_T, sizeof(uint32_t)),
			 "the co-action scan: a type's per-account k summed "
			 "on rank 0");
	}
	mpi_need(c->comm, !reduce_sum(c, part->R, h->n_comps * COORD__COUNT *
						       COORD_LEVELS,
				      MPI_UINT64_T, sizeof(uint64_t)),
		 "the co-action scan: the components' R summed on rank 0");
}

/* One scan on every rank after the header: the components broadcast, the
 * events scattered, this rank's objects scanned and (h->index) their
 * part of the group index built, the parts summed into rank 0's out and
 * the index parts gathered into c->ix. A transfer that fails ends the
 * job (mpi_fatal, saying which): the other ranks would wait for it
 * forever. */
static enum cib_err scan_common(struct mpi_coord *c, struct hdr *h,
				struct coord_events *ev,
				const uint32_t *comp_in, struct coord_part *out)
{
	struct coord_events mine[COORD__COUNT];
	struct groups_index_part ipt;
	struct coord_part part, none;
	uint32_t *comp = malloc((h->n_accounts + 1) * sizeof(*comp));
	size_t n_st = 0;
	struct coord_type_stats *sts = NULL;
	int err = CIB_OK, any = CIB_OK;
	double t0 = cib_seconds(), c0 = cib_cpu_seconds();

	memset(&part, 0, sizeof(part));
	memset(&none, 0, sizeof(none));
	memset(&ipt, 0, sizeof(ipt));
	if (!out)
		out = &none; /* ranks other than 0 gather nothing */
	memset(&c->st, 0, sizeof(c->st));
	groups_index_part_release(&c->ix);
	c->ix_ready = 0;
	for (int t = 0; t < COORD__COUNT; t++)
		coord_events_init(&mine[t]);
	mpi_need(c->comm, comp != NULL,
		 "the co-action scan: room for the accounts' components");
	if (c->rank == 0 && h->n_accounts)
		memcpy(comp, comp_in, h->n_accounts * sizeof(*comp));
	mpi_need(c->comm,
		 !bcast_bytes(comp, h->n_accounts * sizeof(*comp), c->comm),
		 "the co-action scan: the accounts' components to the ranks");
	if (c->rank)
		c->st.bytes_in += h->n_accounts * sizeof(*comp);
	for (int t = 0; t < COORD__COUNT; t++)
		if (h->o.use_type[t] && t != COORD_AMPLIFY)
			mpi_need(c->comm,
				 !scatter_type(c, t, h->n_events[t],
					       ev ? &ev[t] : NULL, &mine[t]),
				 "the co-action scan: sending the events to "
				 "their objects' owners");
	c->st.scatter_seconds = cib_seconds() - t0;
	c->st.scatter_cpu = cib_cpu_seconds() - c0;
	/* rank 0's events went to their objects' owners, which build the
	 * group index's parts: past here it reads the amplification
	 * events only (at 10M posts the rest were 0.29 GB) */
	for (int t = 0; h->index && ev && t < COORD__COUNT; t++)
		if (t != COORD_AMPLIFY)
			coord_events_release(&ev[t]);
	if (c->die_rank == c->rank)
		raise(SIGKILL);
	t0 = cib_seconds();
	c0 = cib_cpu_seconds();
	err = coord_scan_part(mine, h->n_accounts, &h->o, comp, h->n_comps,
			      &part);
	c->st.scan_seconds = cib_seconds() - t0;
	c->st.scan_cpu = cib_cpu_seconds() - c0;
	for (int t = 0; t < COORD__COUNT; t++) {
		c->st.events += mine[t].n;
		c->st.objects += part.st[t].objects;
	}
	t0 = cib_seconds();
	if (!err && h->index)
		err = groups_index_part(&ipt, mine, h->n_accounts, comp,
					h->n_comps, h->tight, &h->o, 1, 1);
	c->st.index_seconds = cib_seconds() - t0;
	c->st.index_objects = ipt.n_obj;
	c->st.index_events = ipt.n_ev;
	for (int t = 0; t < COORD__COUNT; t++)
		coord_events_release(&mine[t]);
	c->st.codes = part.n_codes;
	free(comp);
	t0 = cib_seconds();
	c0 = cib_cpu_seconds();
	/* a rank that failed (out of memory) fails the scan on all */
	any = any_err(c, err,
		      "the co-action scan: agreeing on whether a rank's scan "
		      "failed");
	if (any != CIB_OK) {
		coord_part_release(&part);
		groups_index_part_release(&ipt);
		return err != CIB_OK ? (enum cib_err)err : (enum cib_err)any;
	}
	keep_codes(c, &part);
	gather_part(c, h, &part, out, &sts, &n_st);
	if (h->index)
		mpi_need(c->comm, !gather_index(c, h, &ipt),
			 "the group index: this rank's part to rank 0");
	groups_index_part_release(&ipt);
	c->st.gather_seconds = cib_seconds() - t0;
	c->st.gather_cpu = cib_cpu_seconds() - c0;
	if (c->rank == 0) {
		sum_type_stats(out, sts, n_st);
		for (int t = 0; t < COORD__COUNT; t++) {
			out->k[t] = part.k[t];
			part.k[t] = NULL;
		}
		out->R = part.R;
		part.R = NULL;
	}
	free(sts);
	coord_part_release(&part);
	gather_stats(c, "the co-action scan: each rank's statistics to "
			"rank 0");
	c->scans++;
	memstep_mark("scan");
	return CIB_OK;
}

/* coord_shard.scan on rank 0. */
static enum cib_err shard_scan(void *ctx, struct coord_events *ev,
			       size_t n_accounts, const struct coord_opts *o,
			       const uint32_t *comp, size_t n_comps,
			       struct coord_part *out)
{
	struct mpi_coord *c = ctx;
	struct hdr h;

	memset(&h, 0, sizeof(h));
	h.cmd = CMD_SCAN;
	h.n_accounts = n_accounts;
	h.n_comps = n_comps;
	h.o = *o;
	h.o.shard = NULL;
	h.index = 1;
	for (int t = 0; t < COORD__COUNT; t++) {
		h.n_events[t] = ev[t].n;
		/* the synchrony windows read every event of a type: here,
		 * before the events leave */
		if (t != COORD_AMPLIFY && o->use_type[t] && ev[t].n)
			h.tight[t] = groups_index_tight(&ev[t]);
	}
	mpi_need(c->comm, !bcast_bytes(&h, sizeof(h), c->comm),
		 "the co-action scan: rank 0's header to the ranks");
	memset(out, 0, sizeof(*out));
	return scan_common(c, &h, ev, comp, out);
}

/* buf[0..n) summed over the ranks, on every rank. */
static int allreduce_sum(struct mpi_coord *c, uint64_t *buf, size_t n)
{
	size_t per = (size_t)1 << 23;

	while (n) {
		int m = n > per ? (int)per : (int)n;
		MPI_Request rq;

		if (MPI_Iallreduce(MPI_IN_PLACE, buf, m, MPI_UINT64_T, MPI_SUM,
				   c->comm, &rq) != MPI_SUCCESS ||
		    wait_rq(&rq))
			return -1;
		buf += m;
		n -= (size_t)m;
	}
	return 0;
}

/* The rank owning a pair: with several ranks one of 1..N-1, never rank 0,
 * whose peak is the cluster stage's, where the pairs would stay to the end
 * beside the whole dataset; the others hold a share of the dataset only
 * while the features run. */
static int pair_rank(uint64_t code, int size)
{
	return size > 1 ? 1 + coord_pair_owner(code, size - 1) : 0;
}

/* Records of sz bytes, each starting with its pair's code, from buf[0..n)
 * to their pairs' owners (pair_rank), in rounds of at most
 * round_bytes sent by a rank; what this rank receives is appended to
 * *out (grown), *n_out records. */
static int route_rounds(struct mpi_coord *c, const void *buf, size_t n,
			size_t sz, void **out, size_t *n_out)
{
	int P = c->size, rc = -1;
	size_t per = round_bytes(c) / sz;
	uint64_t rounds, maxr = 0;
	int *sc, *dest = NULL;
	char *send = NULL;
	MPI_Request rq;

	if (per == 0)
		per = 1;
	sc = malloc(4 * (size_t)P * sizeof(*sc));
	dest = malloc((per + 1) * sizeof(*dest));
	send = malloc(per * sz + 1);
	rounds = (n + per - 1) / per;
	if (!sc || !dest || !send ||
	    MPI_Iallreduce(&rounds, &maxr, 1, MPI_UINT64_T, MPI_MAX, c->comm,
			   &rq) != MPI_SUCCESS ||
	    wait_rq(&rq))
		goto out;
	for (uint64_t r = 0; r < maxr; r++) {
		size_t lo = (size_t)r * per, tot = 0;
		size_t m = lo < n ? (n - lo < per ? n - lo : per) : 0;
		const char *src = (const char *)buf + lo * sz;
		char *grown;

		memset(sc, 0, (size_t)P * sizeof(*sc));
		for (size_t i = 0; i < m; i++) {
			uint64_t code;

			memcpy(&code, src + i * sz, sizeof(code));
			dest[i] = pair_rank(code, P);
			sc[dest[i]] += (int)sz;
		}
		for (int q = 0; q < P; q++) {
			sc[P + q] = (int)tot;
			tot += (size_t)sc[q];
			if (q != c->rank)
				c->st.pair_bytes += (uint64_t)sc[q];
		}
		for (size_t i = 0; i < m; i++) {
			memcpy(send + sc[P + dest[i]], src + i * sz, sz);
			sc[P + dest[i]] += (int)sz;
		}
		for (int q = 0; q < P; q++)
			sc[P + q] -= sc[q];
		if (MPI_Ialltoall(sc, 1, MPI_INT, sc + 2 * P, 1, MPI_INT,
				  c->comm, &rq) != MPI_SUCCESS ||
		    wait_rq(&rq))
			goto out;
		tot = 0;
		for (int q = 0; q < P; q++) {
			sc[3 * P + q] = (int)tot;
			tot += (size_t)sc[2 * P + q];
		}
		grown = realloc(*out, *n_out * sz + tot + 1);
		if (!grown)
			goto out;
		*out = grown;
		if (MPI_Ialltoallv(send, sc, sc + P, MPI_BYTE,
				  grown + *n_out * sz, sc + 2 * P, sc + 3 * P,
				  MPI_BYTE, c->comm, &rq) != MPI_SUCCESS ||
		    wait_rq(&rq))
			goto out;
		*n_out += tot / sz;
	}
	rc = 0;
out:
	free(sc);
	free(dest);
	free(send);
	return rc;
}

/* The pair phase on every rank once `in` is the same everywhere: this
 * rank's codes and side co-actions to their pairs' owners, each owner's
 * counts, the components' counts summed, each owner's tests; rank 0 gets
 * the candidates, the summed counts and repeats (res) and its own pairs,
 * the others keep theirs. A transfer that fails ends the job (mpi_fatal,
 * saying which). */
static enum cib_err pairs_common(struct mpi_coord *c,
				 const struct coord_pairs_in *in,
				 struct coord_pairs_res *res)
{
	uint64_t *codes = NULL, *counts, dup[COORD__COUNT] = { 0 };
	struct coord_side *side = NULL;
	size_t nc = 0, ns = 0, ncand = 0, npairs = 0;
	struct coord_pairs_part *pp = NULL;
	struct coord_edge *cand = NULL;
	struct coord_pair *pairs = NULL;
	struct coord_pairs_res none;
	double t0 = cib_seconds(), c0 = cib_cpu_seconds();
	uint64_t b0 = c->st.bytes_out;
	int err;

	memset(&none, 0, sizeof(none));
	if (!res)
		res = &none; /* ranks other than 0 gather nothing */
	counts = calloc(in->n_comps + 1, sizeof(*counts));
	mpi_need(c->comm, counts != NULL,
		 "the pair phase: room for the components' counts");
	mpi_need(c->comm, !route_rounds(c, c->codes, c->n_codes,
					sizeof(*c->codes), (void **)&codes,
					&nc),
		 "the pair phase: the codes to their pairs' owners");
	mpi_need(c->comm, !route_rounds(c, c->side, c->n_side,
					sizeof(*c->side), (void **)&side,
					&ns),
		 "the pair phase: the side co-actions to their pairs' owners");
	free(c->codes);
	free(c->side);
	c->codes = NULL;
	c->side = NULL;
	c->n_codes = c->n_side = 0;
	c->st.pair_codes = nc + ns;
	if (c->die_pairs_rank == c->rank)
		raise(SIGKILL);
	err = coord_pairs_count(in, codes, nc, side, ns, counts, dup, &pp);
	free(codes);
	free(side);
	err = any_err(c, err,
		      "the pair phase: agreeing on whether a rank's counts "
		      "failed");
	if (!err) {
		MPI_Request rd;

		mpi_need(c->comm, !allreduce_sum(c, counts, in->n_comps),
			 "the pair phase: the components' counts summed on "
			 "every rank");
		mpi_need(c->comm, MPI_Ireduce(c->rank ? dup : MPI_IN_PLACE,
					      c->rank ? NULL : dup,
					      COORD__COUNT, MPI_UINT64_T,
					      MPI_SUM, 0, c->comm, &rd) ==
			 MPI_SUCCESS && !wait_rq(&rd),
			 "the pair phase: the repeats summed on rank 0");
		err = coord_pairs_test(pp, counts, &pairs, &npairs, &cand,
				       &ncand);
		err = any_err(c, err,
			      "the pair phase: agreeing on whether a rank's "
			      "tests failed");
	}
	coord_pairs_free(pp);
	if (!err)
		mpi_need(c->comm, !gather_rounds(c, cand, ncand, sizeof(*cand),
						 (void **)&res->cand,
						 &res->n_cand),
			 "the pair phase: the candidates to rank 0");
	free(cand);
	c->st.pair_bytes += c->st.bytes_out - b0;
	c->st.bytes_out = b0;
	c->st.pairs = npairs;
	c->st.cand = ncand;
	c->st.pairs_seconds = cib_seconds() - t0;
	c->st.pairs_cpu = cib_cpu_seconds() - c0;
	if (err || c->rank) {
		free(counts);
		c->pairs = err ? NULL : pairs;
		c->n_pairs = err ? 0 : npairs;
		if (err)
			free(pairs);
	} else {
		res->pairs = pairs;
		res->n_pairs = npairs;
		res->n_candidates = counts;
		memcpy(res->dup, dup, sizeof(dup));
	}
	gather_stats(c, "the pair phase: each rank's statistics to rank 0");
	return (enum cib_err)err;
}

/* What the pair phase needs beside the codes, from rank 0 to all: the
 * components, their rates and every account's k and s_amp. Rank 0's
 * arrays are in's own; elsewhere they are allocated into in (freed by
 * in_release). */
static void in_bcast(struct mpi_coord *c, struct coord_pairs_in *in)
{
	size_t na = in->n_accounts, nb = (na + 1) * sizeof(uint32_t);
	int ok = 1;

	if (c->rank) {
		in->comp = malloc(nb);
		in->s_amp = malloc(nb);
		in->comps = malloc((in->n_comps + 1) * sizeof(*in->comps));
		ok = in->comp && in->s_amp && in->comps;
		for (int t = 0; t < COORD__COUNT; t++)
			ok = ok && (in->k[t] = malloc(nb)) != NULL;
	}
	mpi_need(c->comm, ok,
		 "the pair phase: room for the components, rates, k and "
		 "s_amp from rank 0");
	mpi_need(c->comm, !bcast_bytes((void *)in->comp,
				       na * sizeof(uint32_t), c->comm),
		 "the pair phase: the accounts' components to the ranks");
	mpi_need(c->comm, !bcast_bytes((void *)in->s_amp,
				       na * sizeof(uint32_t), c->comm),
		 "the pair phase: the accounts' s_amp to the ranks");
	mpi_need(c->comm, !bcast_bytes((void *)in->comps,
				       in->n_comps * sizeof(*in->comps),
				       c->comm),
		 "the pair phase: the components' rates to the ranks");
	for (int t = 0; t < COORD__COUNT; t++)
		mpi_need(c->comm, !bcast_bytes(in->k[t], na * sizeof(uint32_t),
					       c->comm),
			 "the pair phase: a type's per-account k to the ranks");
}

static void in_release(struct coord_pairs_in *in)
{
	free((void *)in->comp);
	free((void *)in->s_amp);
	free((void *)in->comps);
	for (int t = 0; t < COORD__COUNT; t++)
		free(in->k[t]);
}

/* coord_shard.pairs on rank 0: its own codes (the amplification scan's)
 * join the ones its scan part left, then the phase on every rank. */
static enum cib_err shard_pairs(void *ctx, const struct coord_pairs_in *in,
				uint64_t *codes, size_t n_codes,
				struct coord_side *side, size_t n_side,
				struct coord_pairs_res *res)
{
	struct mpi_coord *c = ctx;
	struct coord_pairs_in mine = *in;
	uint64_t *gc = realloc(c->codes,
			       (c->n_codes + n_codes + 1) * sizeof(*gc));
	struct coord_side *gs = gc ? realloc(c->side, (c->n_side + n_side + 1) *
							       sizeof(*gs))
				   : NULL;
	struct hdr h;
	enum cib_err err;

	if (gc)
		c->codes = gc;
	if (gs)
		c->side = gs;
	/* the others wait in the phase */
	mpi_need(c->comm, gc && gs,
		 "the pair phase: room on rank 0 for its own codes");
	if (n_codes)
		memcpy(gc + c->n_codes, codes, n_codes * sizeof(*gc));
	if (n_side)
		memcpy(gs + c->n_side, side, n_side * sizeof(*gs));
	c->n_codes += n_codes;
	c->n_side += n_side;
	free(codes);
	free(side);
	memset(&h, 0, sizeof(h));
	h.cmd = CMD_PAIRS;
	h.n_accounts = in->n_accounts;
	h.n_comps = in->n_comps;
	h.o = *in->o;
	h.o.shard = NULL;
	mpi_need(c->comm, !bcast_bytes(&h, sizeof(h), c->comm),
		 "the pair phase: rank 0's header to the ranks");
	in_bcast(c, &mine);
	err = pairs_common(c, &mine, res);
	memstep_mark("pairs");
	return err;
}

static void pairs_serve(struct mpi_coord *c, struct hdr *h)
{
	struct coord_pairs_in in;

	memset(&in, 0, sizeof(in));
	in.n_accounts = (size_t)h->n_accounts;
	in.n_comps = (size_t)h->n_comps;
	in.o = &h->o;
	in_bcast(c, &in);
	(void)pairs_common(c, &in, NULL);
	in_release(&in);
	memstep_mark("pairs");
}

/* Every rank's pairs with both accounts in mem (n_accounts of them) to
 * rank 0's *out. */
static enum cib_err among_common(struct mpi_coord *c, const int32_t *mem,
				 const struct coord_pair *p, size_t n,
				 struct coord_pair **out, size_t *n_out)
{
	struct coord_pair *mine = NULL, *none = NULL;
	size_t nm = 0, n_none = 0;
	uint64_t b0 = c->st.bytes_out;
	int err = coord_pairs_filter(p, n, mem, &mine, &nm);

	err = any_err(c, err,
		      "the cluster stage's pair reads: agreeing on whether a "
		      "rank's filter failed");
	if (!err)
		mpi_need(c->comm, !gather_rounds(c, mine, nm, sizeof(*mine),
						 (void **)(out ? out : &none),
						 out ? n_out : &n_none),
			 "the cluster stage's pair reads: the pairs among "
			 "the members to rank 0");
	free(mine);
	c->st.among_bytes += c->st.bytes_out - b0;
	c->st.bytes_out = b0;
	c->st.among_calls++;
	return (enum cib_err)err;
}

/* coord_shard.among on rank 0. */
static enum cib_err shard_among(void *ctx, const struct coord_graph *g,
				const int32_t *mem, struct coord_pair **out,
				size_t *n_out)
{
	struct mpi_coord *c = ctx;
	struct hdr h;

	memset(&h, 0, sizeof(h));
	h.cmd = CMD_AMONG;
	h.n_accounts = g->n_accounts;
	mpi_need(c->comm, !bcast_bytes(&h, sizeof(h), c->comm),
		 "the cluster stage's pair reads: rank 0's header to the "
		 "ranks");
	mpi_need(c->comm, !bcast_bytes((void *)mem,
				       g->n_accounts * sizeof(*mem), c->comm),
		 "the cluster stage's pair reads: the members to the ranks");
	return among_common(c, mem, g->pairs, g->n_pairs, out, n_out);
}

static void among_serve(struct mpi_coord *c, const struct hdr *h)
{
	int32_t *mem = malloc((h->n_accounts + 1) * sizeof(*mem));

	mpi_need(c->comm, mem != NULL,
		 "the cluster stage's pair reads: room for the members");
	mpi_need(c->comm,
		 !bcast_bytes(mem, h->n_accounts * sizeof(*mem), c->comm),
		 "the cluster stage's pair reads: the members to the ranks");
	(void)among_common(c, mem, c->pairs, c->n_pairs, NULL, NULL);
	free(mem);
}

enum cib_err mpi_coord_serve(struct mpi_coord *c)
{
	for (;;) {
		struct hdr h;

		if (bcast_bytes(&h, sizeof(h), c->comm))
			return CIB_EIO;
		h.o.shard = NULL;
		if (h.cmd == CMD_SCAN)
			(void)scan_common(c, &h, NULL, NULL, NULL);
		else if (h.cmd == CMD_PAIRS)
			pairs_serve(c, &h);
		else if (h.cmd == CMD_AMONG)
			among_serve(c, &h);
		else
			break;
	}
	/* rank 0 gathers them in mpi_coord_done */
	gather_stats(c, "the end of the co-action stages: each rank's last "
			"statistics to rank 0");
	return CIB_OK;
}

enum cib_err mpi_coord_done(struct mpi_coord *c)
{
	struct hdr h;

	memset(&h, 0, sizeof(h));
	h.cmd = CMD_DONE;
	if (bcast_bytes(&h, sizeof(h), c->comm))
		return CIB_EIO;
	gather_stats(c, "the end of the co-action stages: each rank's last "
			"statistics to rank 0");
	return CIB_OK;
}

/* coord_shard.index on rank 0: the parts the scan gathered. */
static enum cib_err shard_index(void *ctx, const struct coord_graph *g,
				struct groups_index *ix)
{
	struct mpi_coord *c = ctx;
	double t0 = cib_seconds();
	enum cib_err err;

	if (!c->ix_ready) /* no scan since the last index */
		return CIB_EINTERNAL;
	c->ix_ready = 0;
	err = groups_index_assemble(ix, &c->ix, g);
	c->st.assemble_seconds = cib_seconds() - t0;
	return err;
}

void mpi_coord_hook(struct mpi_coord *c, struct coord_opts *o)
{
	c->shard.ctx = c;
	c->shard.scan = shard_scan;
	c->shard.index = shard_index;
	c->shard.pairs = shard_pairs;
	c->shard.among = shard_among;
	/* rank 0 only sends the types the owners scan: it reads their
	 * events through the accessors */
	c->shard.sorted_as_posts = 1;
	o->shard = &c->shard;
}
