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
#include "mpi/mpi_ingest.h"

enum { CMD_DONE = 0, CMD_SCAN = 1 };

/* What rank 0 broadcasts before each scan (the same binary on every
 * rank, so the options travel as bytes; shard is cleared on arrival). */
struct hdr {
	int32_t cmd;
	int32_t pad;
	uint64_t n_accounts, n_comps;
	uint64_t n_events[COORD__COUNT];
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
}

void mpi_coord_release(struct mpi_coord *c)
{
	if (!c)
		return;
	free(c->all);
	c->all = NULL;
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
 * round_bytes per rank. */
static int gather_rounds(struct mpi_coord *c, const void *buf, size_t n,
			 size_t sz, void **out, size_t *n_out)
{
	size_t per = round_bytes(c) / sz;
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
			goto out; /* the others then wait: MPI_Abort below */
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

static int owner_of(uint64_t obj, int t, int size)
{
	uint64_t x = obj + 0x9E3779B97F4A7C15ull * (uint64_t)(t + 1);

	x ^= x >> 30;
	x *= 0xBF58476D1CE4E5B9ull;
	x ^= x >> 27;
	x *= 0x94D049BB133111EBull;
	x ^= x >> 31;
	return (int)(x % (uint64_t)size);
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

				memcpy(p, &ev->obj[e], 8);
				memcpy(p + 8, &ev->time[e], 8);
				memcpy(p + 16, &ev->acc[e], 4);
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

/* One scan on every rank after the header: the components broadcast, the
 * events scattered, this rank's objects scanned, the parts summed into
 * rank 0's out. A transfer that fails ends the job (MPI_Abort): the
 * other ranks would wait for it forever. */
static enum cib_err scan_common(struct mpi_coord *c, struct hdr *h,
				const struct coord_events *ev,
				const uint32_t *comp_in, struct coord_part *out)
{
	struct coord_events mine[COORD__COUNT];
	struct coord_part part, none;
	uint32_t *comp = malloc((h->n_accounts + 1) * sizeof(*comp));
	size_t n_st = 0;
	struct coord_type_stats *sts = NULL;
	int err = CIB_OK, any = CIB_OK;
	double t0 = cib_seconds(), c0 = cib_cpu_seconds();
	MPI_Request rq;

	memset(&part, 0, sizeof(part));
	memset(&none, 0, sizeof(none));
	if (!out)
		out = &none; /* ranks other than 0 gather nothing */
	memset(&c->st, 0, sizeof(c->st));
	for (int t = 0; t < COORD__COUNT; t++)
		coord_events_init(&mine[t]);
	if (!comp)
		MPI_Abort(c->comm, 1);
	if (c->rank == 0 && h->n_accounts)
		memcpy(comp, comp_in, h->n_accounts * sizeof(*comp));
	if (bcast_bytes(comp, h->n_accounts * sizeof(*comp), c->comm))
		MPI_Abort(c->comm, 1);
	if (c->rank)
		c->st.bytes_in += h->n_accounts * sizeof(*comp);
	for (int t = 0; t < COORD__COUNT; t++)
		if (h->o.use_type[t] && t != COORD_AMPLIFY &&
		    scatter_type(c, t, h->n_events[t], ev ? &ev[t] : NULL,
				 &mine[t]))
			MPI_Abort(c->comm, 1);
	c->st.scatter_seconds = cib_seconds() - t0;
	c->st.scatter_cpu = cib_cpu_seconds() - c0;
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
		coord_events_release(&mine[t]);
	}
	c->st.codes = part.n_codes;
	free(comp);
	t0 = cib_seconds();
	c0 = cib_cpu_seconds();
	/* a rank that failed (out of memory) fails the scan on all */
	if (MPI_Iallreduce(&err, &any, 1, MPI_INT, MPI_MAX, c->comm, &rq) !=
		    MPI_SUCCESS ||
	    wait_rq(&rq))
		MPI_Abort(c->comm, 1);
	if (any != CIB_OK) {
		coord_part_release(&part);
		return err != CIB_OK ? (enum cib_err)err : (enum cib_err)any;
	}
	if (gather_rounds(c, part.st, 1, sizeof(part.st),
			  (void **)&sts, &n_st) ||
	    gather_rounds(c, part.codes, part.n_codes, sizeof(*part.codes),
			  (void **)&out->codes, &out->n_codes) ||
	    gather_rounds(c, part.side, part.n_side, sizeof(*part.side),
			  (void **)&out->side, &out->n_side) ||
	    gather_rounds(c, part.dense, part.n_dense, sizeof(*part.dense),
			  (void **)&out->dense, &out->n_dense))
		MPI_Abort(c->comm, 1);
	for (int t = 0; t < COORD__COUNT; t++) {
		if (!h->o.use_type[t] || t == COORD_AMPLIFY)
			continue;
		if (gather_rounds(c, part.wins[t], part.n_wins[t],
				  sizeof(*part.wins[t]), (void **)&out->wins[t],
				  &out->n_wins[t]) ||
		    !part.k[t] ||
		    reduce_sum(c, part.k[t], h->n_accounts, MPI_UINT32_T,
			       sizeof(uint32_t)))
			MPI_Abort(c->comm, 1);
	}
	if (reduce_sum(c, part.R, h->n_comps * COORD__COUNT * COORD_LEVELS,
		       MPI_UINT64_T, sizeof(uint64_t)))
		MPI_Abort(c->comm, 1);
	c->st.gather_seconds = cib_seconds() - t0;
	c->st.gather_cpu = cib_cpu_seconds() - c0;
	if (c->rank == 0) {
		for (size_t q = 0; q < n_st; q++)
			for (int t = 0; t < COORD__COUNT; t++) {
				const struct coord_type_stats *s =
					&sts[q * COORD__COUNT + (size_t)t];

				out->st[t].objects += s->objects;
				out->st[t].shared_objects += s->shared_objects;
				out->st[t].viral_objects += s->viral_objects;
				out->st[t].dense_objects += s->dense_objects;
				out->st[t].pairs_total += s->pairs_total;
				out->st[t].candidate_pairs +=
					s->candidate_pairs;
			}
		for (int t = 0; t < COORD__COUNT; t++) {
			out->k[t] = part.k[t];
			part.k[t] = NULL;
		}
		out->R = part.R;
		part.R = NULL;
		if (!c->all)
			c->all = calloc((size_t)c->size, sizeof(*c->all));
	}
	free(sts);
	coord_part_release(&part);
	if (MPI_Igather(&c->st, (int)sizeof(c->st), MPI_BYTE, c->all,
			(int)sizeof(c->st), MPI_BYTE, 0, c->comm,
			&rq) != MPI_SUCCESS ||
	    wait_rq(&rq))
		MPI_Abort(c->comm, 1);
	c->scans++;
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
	for (int t = 0; t < COORD__COUNT; t++)
		h.n_events[t] = ev[t].n;
	if (bcast_bytes(&h, sizeof(h), c->comm))
		MPI_Abort(c->comm, 1);
	memset(out, 0, sizeof(*out));
	return scan_common(c, &h, ev, comp, out);
}

enum cib_err mpi_coord_serve(struct mpi_coord *c)
{
	for (;;) {
		struct hdr h;

		if (bcast_bytes(&h, sizeof(h), c->comm))
			return CIB_EIO;
		if (h.cmd != CMD_SCAN)
			return CIB_OK;
		h.o.shard = NULL;
		(void)scan_common(c, &h, NULL, NULL, NULL);
	}
}

enum cib_err mpi_coord_done(struct mpi_coord *c)
{
	struct hdr h;

	memset(&h, 0, sizeof(h));
	h.cmd = CMD_DONE;
	return bcast_bytes(&h, sizeof(h), c->comm) ? CIB_EIO : CIB_OK;
}

void mpi_coord_hook(struct mpi_coord *c, struct coord_opts *o)
{
	c->shard.ctx = c;
	c->shard.scan = shard_scan;
	o->shard = &c->shard;
}
