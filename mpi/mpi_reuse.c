/* mpi_reuse.c - the near-duplicate search of the reuse features over MPI
 * ranks (mpi_reuse.h, docs/scale.md section 5.2).
 *
 * Invariants: every rank enters the same collectives in the same order -
 * the loop over bands is the options' band count, the same everywhere,
 * and every error is all-reduced before the next step, so no rank waits
 * for a transfer the others skip; the records a rank sends are grouped by
 * destination in rank order, and ranks own contiguous ranges of the keys
 * they own (reuse_near_owner), so what a rank receives from several ranks
 * concatenated in rank order is in key order. The signatures a bucket
 * owner asks for are its ids in ascending order, sent to their ranks in
 * rank order, so the answers arrive in the order of the ids.
 */
#include "mpi/mpi_reuse.h"

#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/sortu64.h"
#include "mpi/mpi_ingest.h"

/* A signature as its rank sends it to a bucket's owner. */
struct reply {
	uint32_t d; /* the distinct text's number */
	uint16_t sig[REUSE_K];
};

_Static_assert(sizeof(struct reuse_near_text) == 8 + 4 + 4 + 2 * REUSE_K,
	       "reuse_near_text travels as bytes: no padding");
_Static_assert(sizeof(struct reply) == 4 + 2 * REUSE_K,
	       "reply travels as bytes: no padding");

static double cpu_now(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0)
		return 0;
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void mpi_reuse_init(struct mpi_reuse *r, MPI_Comm comm,
		    const struct reuse_opts *o)
{
	memset(r, 0, sizeof(*r));
	r->comm = comm;
	MPI_Comm_rank(comm, &r->rank);
	MPI_Comm_size(comm, &r->size);
	if (o)
		r->o = *o;
	r->die_rank = -1;
}

void mpi_reuse_release(struct mpi_reuse *r)
{
	if (!r)
		return;
	free(r->mine);
	r->mine = NULL;
	r->n_mine = 0;
}

void mpi_reuse_sign(struct mpi_reuse *r, const struct dataset *shard,
		    const uint32_t *gpost)
{
	double t0 = cib_seconds(), c0 = cpu_now();

	r->err = reuse_near_sign(shard, gpost, &r->o, &r->mine, &r->n_mine);
	r->st.signed_texts = r->n_mine;
	r->st.sign_seconds = cib_seconds() - t0;
	r->st.sign_cpu = cpu_now() - c0;
}

/* A transfer that fails, or a buffer it needs that cannot be had, ends
 * the job: the other ranks would wait for it forever. */
static void need(const struct mpi_reuse *r, int ok, const char *what)
{
	if (ok)
		return;
	fprintf(stderr, "cibscan: mpi rank %d: near-duplicate search: %s\n",
		r->rank, what);
	MPI_Abort(r->comm, 1);
}

static void wait_ok(const struct mpi_reuse *r, int rc, MPI_Request *rq)
{
	need(r, rc == MPI_SUCCESS && mpi_ingest_wait(rq) == MPI_SUCCESS,
	     "a transfer failed");
}

/* The largest error code of any rank (CIB_OK when none). */
static int any_err(const struct mpi_reuse *r, int e)
{
	int all = 0;
	MPI_Request rq;

	wait_ok(r, MPI_Iallreduce(&e, &all, 1, MPI_INT, MPI_MAX, r->comm, &rq),
		&rq);
	return all;
}

/* MPI_Alltoallv of cnt[q] elements of `size` bytes (type) to each rank q,
 * from buf grouped by destination in rank order. Returns the received
 * elements (malloc'd, concatenated in source rank order; *n_in of them)
 * and, when rcnt is given, how many came from each rank. */
static void *exchange(struct mpi_reuse *r, const void *buf, const size_t *cnt,
		      MPI_Datatype type, size_t size, size_t *n_in,
		      size_t *rcnt)
{
	int P = r->size;
	int *sc = malloc(4 * (size_t)P * sizeof(int));
	size_t tot = 0, rtot = 0;
	MPI_Request rq;
	void *in;

	need(r, sc != NULL, "out of memory");
	for (int q = 0; q < P; q++) {
		need(r, cnt[q] <= (size_t)INT_MAX && tot <= (size_t)INT_MAX,
		     "more than 2^31 records for one transfer");
		sc[P + q] = (int)tot; /* displacement */
		sc[q] = (int)cnt[q];
		tot += cnt[q];
		if (q != r->rank)
			r->st.bytes_out += (uint64_t)cnt[q] * size;
	}
	wait_ok(r, MPI_Ialltoall(sc, 1, MPI_INT, sc + 2 * P, 1, MPI_INT,
				 r->comm, &rq),
		&rq);
	for (int q = 0; q < P; q++) {
		need(r, rtot <= (size_t)INT_MAX,
		     "more than 2^31 records for one transfer");
		sc[3 * P + q] = (int)rtot;
		rtot += (size_t)sc[2 * P + q];
		if (rcnt)
			rcnt[q] = (size_t)sc[2 * P + q];
	}
	in = malloc(rtot * size + 1);
	need(r, in != NULL, "out of memory");
	wait_ok(r, MPI_Ialltoallv(buf, sc, sc + P, type, in, sc + 2 * P,
				  sc + 3 * P, type, r->comm, &rq),
		&rq);
	free(sc);
	*n_in = rtot;
	return in;
}

/* The rank holding signed text i: the last rank whose first index is at
 * most i (sbase[0..P], ascending). */
static int home_of(const uint64_t *sbase, int P, uint64_t i)
{
	int lo = 0, hi = P - 1;

	while (lo < hi) {
		int mid = (lo + hi + 1) / 2;

		if (sbase[mid] <= i)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

/* What the search keeps between its steps on one rank. */
struct own {
	uint16_t *sig;   /* its signed texts' signatures, index order */
	uint32_t *d;     /* their distinct-text numbers */
	size_t n;        /* how many */
	uint64_t *sbase; /* P + 1: each rank's first signed index */
	unsigned idbits;
	uint64_t *pairs; /* verified, d_x << 32 | d_y */
	size_t npairs, cap;
	struct reuse_stats lst;
	MPI_Datatype t_reply;
};

/* Step 1: the texts to their hash's rank, the distinct ones numbered. */
static enum cib_err distinct(struct mpi_reuse *r, struct own *w, size_t nd,
			     char *errmsg, size_t errlen)
{
	int P = r->size;
	size_t *cnt = calloc((size_t)P, sizeof(*cnt)), n_in, n_own, s_own = 0;
	uint64_t my[3], *all = malloc(3 * (size_t)P * sizeof(*all));
	uint64_t nd_all = 0, dbase = 0;
	struct reuse_near_text *in;
	MPI_Datatype t_text;
	MPI_Request rq;
	int e;

	need(r, cnt && all, "out of memory");
	for (size_t k = 0; k < r->n_mine; k++)
		cnt[reuse_near_owner(r->mine[k].hash, P)]++;
	need(r, MPI_Type_contiguous((int)sizeof(*in), MPI_BYTE, &t_text) ==
				MPI_SUCCESS &&
			MPI_Type_commit(&t_text) == MPI_SUCCESS,
	     "no datatype");
	in = exchange(r, r->mine, cnt, t_text, sizeof(*in), &n_in, NULL);
	MPI_Type_free(&t_text);
	mpi_reuse_release(r);
	n_own = reuse_near_distinct(in, n_in);
	for (size_t k = 0; k < n_own; k++)
		s_own += in[k].is_signed != 0;
	r->st.owned_texts = n_own;
	my[0] = n_own;
	my[1] = s_own;
	my[2] = r->rank == 0 ? nd : 0;
	wait_ok(r, MPI_Iallgather(my, 3, MPI_UINT64_T, all, 3, MPI_UINT64_T,
				  r->comm, &rq),
		&rq);
	w->sbase = calloc((size_t)P + 1, sizeof(*w->sbase));
	w->sig = malloc((s_own ? s_own : 1) * REUSE_K * sizeof(*w->sig));
	w->d = malloc((s_own ? s_own : 1) * sizeof(*w->d));
	e = any_err(r, w->sbase && w->sig && w->d ? CIB_OK : CIB_ENOMEM);
	if (!e) {
		for (int q = 0; q < P; q++) {
			if (q < r->rank)
				dbase += all[3 * q];
			nd_all += all[3 * q];
			w->sbase[q + 1] = w->sbase[q] + all[3 * q + 1];
		}
		if (nd_all != all[2]) {
			snprintf(errmsg, errlen,
				 "the ranks found %llu distinct texts, rank 0 "
				 "%llu",
				 (unsigned long long)nd_all,
				 (unsigned long long)all[2]);
			e = CIB_EIO;
		}
	}
	for (size_t k = 0; !e && k < n_own; k++)
		if (in[k].is_signed) {
			memcpy(w->sig + w->n * REUSE_K, in[k].sig,
			       sizeof(in[k].sig));
			w->d[w->n++] = (uint32_t)(dbase + k);
		}
	if (!e)
		w->idbits = reuse_lsh_idbits(w->sbase[P]);
	free(in);
	free(cnt);
	free(all);
	return (enum cib_err)e;
}

/* This band's entries of the rank's signed texts, to the entries' ranks. */
static uint64_t *send_entries(struct mpi_reuse *r, struct own *w,
			      unsigned band, size_t *n_in)
{
	int P = r->size;
	size_t *cnt = calloc((size_t)P + 1, sizeof(*cnt));
	uint64_t *e = malloc((w->n ? w->n : 1) * sizeof(*e));
	uint64_t *out = malloc((w->n ? w->n : 1) * sizeof(*out)), *in;

	need(r, cnt && e && out, "out of memory");
	for (size_t x = 0; x < w->n; x++) {
		e[x] = reuse_lsh_entry(&r->o, w->idbits, w->sig + x * REUSE_K,
				       band, w->sbase[r->rank] + x);
		cnt[reuse_near_owner(e[x], P) + 1]++;
	}
	for (int q = 0; q < P; q++)
		cnt[q + 1] += cnt[q];
	for (size_t x = 0; x < w->n; x++)
		out[cnt[reuse_near_owner(e[x], P)]++] = e[x];
	/* cnt[q] is now the end of q's run: make it q's count */
	for (int q = P - 1; q > 0; q--)
		cnt[q] -= cnt[q - 1];
	in = exchange(r, out, cnt, MPI_UINT64_T, sizeof(*out), n_in, NULL);
	free(cnt);
	free(e);
	free(out);
	return in;
}

/* The signatures of ids[0..nids) (ascending signed indices) from their
 * ranks: *sig and *d in the order of ids. Every rank answers the others'
 * questions in the same exchange. */
static void fetch(struct mpi_reuse *r, struct own *w, const uint64_t *ids,
		  size_t nids, uint16_t **sig, uint32_t *d_out[])
{
	int P = r->size;
	size_t *cnt = calloc((size_t)P, sizeof(*cnt));
	size_t *qcnt = calloc((size_t)P, sizeof(*qcnt)), nq, nrep;
	uint64_t *q_in;
	struct reply *rep, *got;

	need(r, cnt && qcnt, "out of memory");
	for (size_t x = 0; x < nids; x++)
		cnt[home_of(w->sbase, P, ids[x])]++;
	q_in = exchange(r, ids, cnt, MPI_UINT64_T, sizeof(*ids), &nq, qcnt);
	rep = malloc((nq ? nq : 1) * sizeof(*rep));
	need(r, rep != NULL, "out of memory");
	for (size_t k = 0; k < nq; k++) {
		uint64_t x = q_in[k] - w->sbase[r->rank];

		need(r, q_in[k] >= w->sbase[r->rank] && x < w->n,
		     "asked for a signature it does not hold");
		rep[k].d = w->d[x];
		memcpy(rep[k].sig, w->sig + x * REUSE_K, sizeof(rep[k].sig));
	}
	got = exchange(r, rep, qcnt, w->t_reply, sizeof(*rep), &nrep, NULL);
	need(r, nrep == nids, "a signature did not come back");
	r->st.fetched += nids;
	*sig = malloc((nids ? nids : 1) * REUSE_K * sizeof(**sig));
	*d_out = malloc((nids ? nids : 1) * sizeof(**d_out));
	need(r, *sig && *d_out, "out of memory");
	for (size_t x = 0; x < nids; x++) {
		(*d_out)[x] = got[x].d;
		memcpy(*sig + x * REUSE_K, got[x].sig, sizeof(got[x].sig));
	}
	free(cnt);
	free(qcnt);
	free(q_in);
	free(rep);
	free(got);
}

/* Step 2 for one band: entries out, buckets checked here. */
static enum cib_err band(struct mpi_reuse *r, struct own *w, unsigned b)
{
	size_t nin, nids = 0, kept = 0;
	uint64_t *in = send_entries(r, w, b, &nin), *ids = NULL;
	uint16_t *sig = NULL;
	uint32_t *d = NULL;
	enum cib_err err;
	int e;

	r->st.entries += nin;
	if (b == 0 && r->die_rank == r->rank)
		raise(SIGKILL);
	err = reuse_near_buckets(in, nin, w->idbits, &ids, &nids, &kept);
	if ((e = any_err(r, err))) {
		free(in);
		free(ids);
		return (enum cib_err)e;
	}
	fetch(r, w, ids, nids, &sig, &d);
	err = reuse_lsh_buckets(&r->o, w->idbits, sig, d, nids, in, kept, b,
				&w->pairs, &w->npairs, &w->cap, &w->lst);
	free(in);
	free(ids);
	free(sig);
	free(d);
	/* a text pair verified in several bands counts once */
	if (!err && w->npairs) {
		size_t u = 1;

		sortu64(w->pairs, w->npairs);
		for (size_t k = 1; k < w->npairs; k++)
			if (w->pairs[k] != w->pairs[u - 1])
				w->pairs[u++] = w->pairs[k];
		w->npairs = u;
	}
	return (enum cib_err)any_err(r, err);
}

static uint32_t uf_root(uint32_t *p, uint32_t x)
{
	while (p[x] != x) {
		p[x] = p[p[x]];
		x = p[x];
	}
	return x;
}

/* Step 3: the pairs to rank 0, united there; the counts summed. */
static enum cib_err gather(struct mpi_reuse *r, struct own *w, size_t nd,
			   uint32_t *parent, struct reuse_stats *st)
{
	int P = r->size, n = (int)w->npairs, *cnt = NULL, *dsp = NULL;
	uint64_t c[3] = { w->lst.n_candidates, w->lst.n_verified,
			  w->lst.n_capped_buckets },
		 sum[3] = { 0, 0, 0 }, *all = NULL;
	size_t tot = 0;
	MPI_Request rq;

	need(r, w->npairs <= (size_t)INT_MAX, "more than 2^31 pairs");
	r->st.pairs = w->npairs;
	if (r->rank == 0) {
		cnt = malloc(2 * (size_t)P * sizeof(int));
		need(r, cnt != NULL, "out of memory");
		dsp = cnt + P;
	}
	wait_ok(r, MPI_Igather(&n, 1, MPI_INT, cnt, 1, MPI_INT, 0, r->comm,
			       &rq),
		&rq);
	if (r->rank == 0) {
		for (int q = 0; q < P; q++) {
			need(r, tot <= (size_t)INT_MAX,
			     "more than 2^31 pairs on rank 0");
			dsp[q] = (int)tot;
			tot += (size_t)cnt[q];
		}
		all = malloc((tot ? tot : 1) * sizeof(*all));
		need(r, all != NULL, "out of memory");
	} else {
		r->st.bytes_out += w->npairs * sizeof(uint64_t);
	}
	wait_ok(r, MPI_Igatherv(w->pairs, n, MPI_UINT64_T, all, cnt, dsp,
				MPI_UINT64_T, 0, r->comm, &rq),
		&rq);
	wait_ok(r, MPI_Ireduce(c, sum, 3, MPI_UINT64_T, MPI_SUM, 0, r->comm,
			       &rq),
		&rq);
	if (r->rank == 0) {
		for (size_t k = 0; k < tot; k++) {
			uint32_t a = (uint32_t)(all[k] >> 32),
				 b = (uint32_t)all[k];

			need(r, a < nd && b < nd, "a pair out of range");
			a = uf_root(parent, a);
			b = uf_root(parent, b);
			/* the smaller index is the root, as reuse_compute */
			if (a < b)
				parent[b] = a;
			else if (b < a)
				parent[a] = b;
		}
		st->n_signed = (size_t)w->sbase[P];
		st->n_candidates += (size_t)sum[0];
		st->n_verified += (size_t)sum[1];
		st->n_capped_buckets += (size_t)sum[2];
	}
	free(cnt);
	free(all);
	return CIB_OK;
}

enum cib_err mpi_reuse_run(struct mpi_reuse *r, int err_in, size_t nd,
			   uint32_t *parent, struct reuse_stats *st,
			   char *errmsg, size_t errlen)
{
	double t0 = cib_seconds(), c0 = cpu_now();
	struct own w;
	int e;

	memset(&w, 0, sizeof(w));
	errmsg[0] = '\0';
	e = any_err(r, err_in ? CIB_EIO : r->err);
	if (e) {
		mpi_reuse_release(r);
		if (!err_in)
			snprintf(errmsg, errlen, "signing on a rank: %s",
				 cib_strerror((enum cib_err)e));
		return (enum cib_err)e;
	}
	need(r, MPI_Type_contiguous((int)sizeof(struct reply), MPI_BYTE,
				    &w.t_reply) == MPI_SUCCESS &&
			MPI_Type_commit(&w.t_reply) == MPI_SUCCESS,
	     "no datatype");
	e = distinct(r, &w, nd, errmsg, errlen);
	for (unsigned b = 0; !e && b < r->o.bands; b++)
		if ((e = band(r, &w, b)))
			snprintf(errmsg, errlen, "band %u: %s", b,
				 cib_strerror((enum cib_err)e));
	if (!e)
		e = gather(r, &w, nd, parent, st);
	MPI_Type_free(&w.t_reply);
	free(w.sig);
	free(w.d);
	free(w.sbase);
	free(w.pairs);
	r->st.run_seconds = cib_seconds() - t0;
	r->st.run_cpu = cpu_now() - c0;
	return (enum cib_err)e;
}
