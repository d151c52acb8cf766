/* mpi_reuse.c - the near-duplicate search of the reuse features over MPI
 * ranks (mpi_reuse.h, docs/scale.md section 5.2).
 *
 * Invariants: every rank enters the same collectives in the same order -
 * the loop over bands is the options' band count, the same everywhere,
 * and every error is all-reduced before the next step, so no rank waits
 * for a transfer the others skip; the records a rank sends are grouped by
 * destination in rank order, and ranks own contiguous ranges of the keys
 * they own (near_owner: reuse_near_owner over the ranks but 0), so what a rank receives from several ranks
 * concatenated in rank order is in key order. The signatures a bucket
 * owner asks for are its ids in ascending order, sent to their ranks in
 * rank order, so the answers arrive in the order of the ids.
 */
#include "mpi/mpi_reuse.h"

#include <limits.h>
#include <stddef.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bigmem.h"
#include "core/clock.h"
#include "core/memstep.h"
#include "core/sortu64.h"
#include "mpi/mpi_fatal.h"
#include "mpi/mpi_gather.h"
#include "mpi/mpi_ingest.h"

/* The rank owning a text hash or a band entry: with several ranks never
 * rank 0 (it holds the whole dataset and builds the groups from the
 * answers; a share of the texts and the buckets would add to its peak),
 * the others by contiguous ranges of the key (reuse_near_owner), so rank
 * order is still key order. */
static int near_owner(uint64_t key, int P)
{
	return P > 1 ? 1 + reuse_near_owner(key, P - 1) : 0;
}

/* A signature as its rank sends it to a bucket's owner. */
struct reply {
	uint32_t d; /* the distinct text's number */
	uint16_t sig[REUSE_K];
};

_Static_assert(sizeof(struct reuse_near_text) == 8 + 4 + 4 + 2 * REUSE_K,
	       "reuse_near_text travels as bytes: no padding");
_Static_assert(sizeof(struct reply) == 4 + 2 * REUSE_K,
	       "reply travels as bytes: no padding");

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
	free(r->post_text);
	r->post_text = NULL;
	free(r->gpost);
	r->gpost = NULL;
	r->n_posts = 0;
}

void mpi_reuse_sign(struct mpi_reuse *r, const struct dataset *shard,
		    uint32_t *gpost)
{
	double t0 = cib_seconds(), c0 = cib_cpu_seconds();

	r->gpost = gpost;
	r->n_posts = shard->post.n;
	r->err = reuse_near_sign(shard, gpost, &r->o, &r->mine, &r->n_mine,
				 &r->post_text);
	r->st.local_texts = r->n_mine;
	r->st.sign_seconds = cib_seconds() - t0;
	r->st.sign_cpu = cib_cpu_seconds() - c0;
}

/* A transfer that fails, or a buffer it needs that cannot be had, ends
 * the job: the other ranks would wait for it forever. mpi_need names the
 * step, "the near-duplicate search: " then what (the test hook sees the
 * whole). Not for a loop over records: the message is built each call. */
static void need(const struct mpi_reuse *r, int ok, const char *what)
{
	char msg[192];

	snprintf(msg, sizeof(msg), "the near-duplicate search: %s", what);
	mpi_need(r->comm, ok, msg);
}

/* The request rq started (rc) and done, or the job ends naming what. */
static void wait_ok(const struct mpi_reuse *r, int rc, MPI_Request *rq,
		    const char *what)
{
	need(r, rc == MPI_SUCCESS && mpi_ingest_wait(rq) == MPI_SUCCESS, what);
}

/* The largest error code of any rank (CIB_OK when none). */
static int any_err(const struct mpi_reuse *r, int e)
{
	int all = 0;
	MPI_Request rq;

	wait_ok(r, MPI_Iallreduce(&e, &all, 1, MPI_INT, MPI_MAX, r->comm, &rq),
		&rq, "agreeing on whether a rank's step failed");
	return all;
}

/* The count half of an all-to-all: this rank sends cnt[q] records of
 * `size` bytes to each rank q (the bytes to the others counted in
 * bytes_out) from base[q], and gets got[q] from each into gbase[q] (rank
 * order, both). Every total within an int, as MPI's displacements are.
 * Returns the records received in all. */
static size_t trade_counts(struct mpi_reuse *r, const size_t *cnt,
			   size_t size, size_t *base, size_t *got,
			   size_t *gbase)
{
	int P = r->size;
	int *c = malloc(2 * (size_t)P * sizeof(int));
	size_t tot = 0, rtot = 0;
	MPI_Request rq;

	need(r, c != NULL, "an exchange: room for its counts");
	for (int q = 0; q < P; q++) {
		need(r, tot <= (size_t)INT_MAX && cnt[q] <= (size_t)INT_MAX - tot,
		     "an exchange: its records to send (over 2^31)");
		base[q] = tot;
		c[q] = (int)cnt[q];
		tot += cnt[q];
		if (q != r->rank)
			r->st.bytes_out += (uint64_t)cnt[q] * size;
	}
	wait_ok(r, MPI_Ialltoall(c, 1, MPI_INT, c + P, 1, MPI_INT, r->comm,
				 &rq),
		&rq, "an exchange: its counts");
	for (int q = 0; q < P; q++) {
		size_t g = (size_t)c[P + q];

		need(r, rtot <= (size_t)INT_MAX && g <= (size_t)INT_MAX - rtot,
		     "an exchange: its records to receive (over 2^31)");
		gbase[q] = rtot;
		got[q] = g;
		rtot += g;
	}
	free(c);
	return rtot;
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
	size_t *z = malloc(3 * (size_t)P * sizeof(*z));
	int *sc = malloc(4 * (size_t)P * sizeof(int));
	size_t rtot;
	MPI_Request rq;
	void *in;

	need(r, z && sc, "an exchange: room for its displacements");
	/* z: sent bases, received counts and bases; sc: the same as ints */
	rtot = trade_counts(r, cnt, size, z, z + P, z + 2 * P);
	for (int q = 0; q < P; q++) {
		sc[q] = (int)cnt[q];
		sc[P + q] = (int)z[q];
		sc[2 * P + q] = (int)z[P + q];
		sc[3 * P + q] = (int)z[2 * P + q];
		if (rcnt)
			rcnt[q] = z[P + q];
	}
	in = malloc(rtot * size + 1);
	need(r, in != NULL, "an exchange: room for the records received");
	wait_ok(r, MPI_Ialltoallv(buf, sc, sc + P, type, in, sc + 2 * P,
				  sc + 3 * P, type, r->comm, &rq),
		&rq, "an exchange: its records");
	free(z);
	free(sc);
	*n_in = rtot;
	return in;
}

/* exchange() in rounds: each round sends at most about r->round bytes
 * from a rank (R records to each rank), and the pages of buf already sent
 * are given back to the system as they go (bigmem_discard; buf is the
 * caller's to free, its bytes no longer readable), while those of the
 * result are touched only as records arrive. So a rank's records are held
 * about once, not twice, even those it sends itself: at 2 ranks of 10M
 * posts the distinct texts' records were 0.97 GB in both buffers at once,
 * rank 1's peak. Every rank runs the same number of rounds. */
static void *exchange_rounds(struct mpi_reuse *r, void *buf,
			     const size_t *cnt, MPI_Datatype type, size_t size,
			     size_t *n_in, size_t *rcnt)
{
	int P = r->size;
	size_t round = r->round ? r->round : MPI_REUSE_ROUND;
	size_t R = round / size / (size_t)P, rtot;
	size_t *z = calloc(4 * (size_t)P, sizeof(*z));
	int *sc = malloc(4 * (size_t)P * sizeof(int));
	uint64_t need_r = 0, nr = 0;
	char *in;
	MPI_Request rq;

	need(r, z && sc, "an exchange in rounds: room for its displacements");
	if (R == 0)
		R = 1;
	/* z: sent base and count, received base and count, per rank */
	rtot = trade_counts(r, cnt, size, z, z + 3 * P, z + 2 * P);
	for (int q = 0; q < P; q++) {
		size_t c = cnt[q] > z[3 * P + q] ? cnt[q] : z[3 * P + q];

		z[P + q] = cnt[q];
		if (rcnt)
			rcnt[q] = z[3 * P + q];
		need_r = (c + R - 1) / R > need_r ? (c + R - 1) / R : need_r;
	}
	wait_ok(r, MPI_Iallreduce(&need_r, &nr, 1, MPI_UINT64_T, MPI_MAX,
				  r->comm, &rq),
		&rq, "an exchange in rounds: agreeing on the rounds");
	in = malloc(rtot * size + 1);
	need(r, in != NULL,
	     "an exchange in rounds: room for the records received");
	for (uint64_t j = 0; j < nr; j++) {
		size_t at = (size_t)j * R;

		/* sc: counts and displacements sent, then received */
		for (int q = 0; q < P; q++) {
			size_t s = z[P + q] > at ? z[P + q] - at : 0;
			size_t g = z[3 * P + q] > at ? z[3 * P + q] - at : 0;

			s = s < R ? s : R;
			g = g < R ? g : R;
			sc[q] = (int)s;
			sc[P + q] = (int)(z[q] + (s ? at : 0));
			sc[2 * P + q] = (int)g;
			sc[3 * P + q] = (int)(z[2 * P + q] + (g ? at : 0));
		}
		wait_ok(r, MPI_Ialltoallv(buf, sc, sc + P, type, in, sc + 2 * P,
					  sc + 3 * P, type, r->comm, &rq),
			&rq, "an exchange in rounds: a round's records");
		for (int q = 0; q < P; q++) {
			size_t sent = at + (size_t)sc[q];

			if (sc[q])
				bigmem_discard((char *)buf + z[q] * size,
					       sent * size);
		}
	}
	free(z);
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

/* The signatures of the n records of `size` bytes at v (each at offset
 * off in its record) moved to the front of v, in order, and the rest of v
 * given back: the array of n signatures, v's memory. Each signature moves
 * to a lower address than its record's, and past every record still to
 * be read, so one pass in order needs no second array (of 128 bytes a
 * text: at 10M posts 0.4 GB per band's fetch, 0.9 GB for the distinct
 * texts). */
static uint16_t *sigs_in_place(void *v, size_t n, size_t size, size_t off)
{
	const size_t sb = REUSE_K * sizeof(uint16_t);
	char *b = v;
	void *nv;

	for (size_t x = 0; x < n; x++)
		memmove(b + x * sb, b + x * size + off, sb);
	nv = realloc(v, n ? n * sb : 1);
	return nv ? nv : v;
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

/* Every rank's v[0..n) to rank 0: there *all (malloc'd, in rank order,
 * *tot of them), elsewhere NULL and 0; sent in pieces of a round's bytes
 * (mpi_gather.h), so no count passes an int. `what` names the gather in
 * the error of a failed one. */
static void gather_to_root(struct mpi_reuse *r, const uint64_t *v, size_t n,
			   const char *what, uint64_t **all, size_t *tot)
{
	*all = NULL;
	*tot = 0;
	need(r,
	     mpi_gather_pieces(r->comm, v, n, sizeof(*v),
			       (r->round ? r->round : MPI_REUSE_ROUND) /
				       sizeof(*v),
			       (void **)all, tot, &r->st.bytes_out) == 0,
	     what);
}

/* Step 1, last part: the number of each text this rank sent, from the
 * texts' ranks (dr: each text received, in order, rcnt from each rank:
 * its number, dbase added here), then each post's (rank 0's post index
 * << 32 | number) to rank 0, which fills text[]. */
static enum cib_err post_numbers(struct mpi_reuse *r, uint32_t *dr,
				 const size_t *rcnt, size_t n_rh,
				 uint64_t dbase, size_t n_posts, uint32_t *text,
				 size_t nd)
{
	uint32_t *back;
	uint64_t *pv, *all = NULL;
	size_t n = 0, nback, tot = 0;
	int bad = 0;

	for (size_t k = 0; k < n_rh; k++)
		dr[k] = (uint32_t)(dbase + dr[k]);
	back = exchange(r, dr, rcnt, MPI_UINT32_T, sizeof(*dr), &nback, NULL);
	need(r, nback == r->n_mine,
	     "the texts' numbers back to their ranks (one missing)");
	pv = malloc((r->n_posts ? r->n_posts : 1) * sizeof(*pv));
	need(r, pv != NULL, "room for the posts' text numbers");
	for (size_t l = 0; l < r->n_posts; l++)
		if (r->post_text[l] != UINT32_MAX)
			pv[n++] = (uint64_t)r->gpost[l] << 32 |
				  back[r->post_text[l]];
	free(back);
	gather_to_root(r, pv, n, "the posts' text numbers to rank 0", &all,
		       &tot);
	free(pv);
	if (r->rank == 0) {
		for (size_t j = 0; j < n_posts; j++)
			text[j] = UINT32_MAX;
		for (size_t k = 0; k < tot; k++) {
			uint64_t j = all[k] >> 32;
			uint32_t d = (uint32_t)all[k];

			if (j >= n_posts || d >= nd || text[j] != UINT32_MAX)
				bad = 1;
			else
				text[j] = d;
		}
	}
	free(all);
	return (enum cib_err)any_err(r, bad ? CIB_EIO : CIB_OK);
}

/* Step 1: the texts to their hash's rank, the distinct ones numbered, the
 * numbers back to every post; rank 0 gets text[] and its parent forest. */
static enum cib_err distinct(struct mpi_reuse *r, struct own *w,
			     size_t n_posts, uint32_t *text, size_t *nd_out,
			     uint32_t **parent_out, char *errmsg,
			     size_t errlen)
{
	int P = r->size;
	size_t *cnt = calloc((size_t)P, sizeof(*cnt));
	size_t *rcnt = calloc((size_t)P, sizeof(*rcnt)), n_in, n_own;
	size_t s_own = 0;
	uint64_t my[2], *all = malloc(2 * (size_t)P * sizeof(*all));
	uint64_t nd_all = 0, dbase = 0;
	uint32_t *num;
	struct reuse_near_text *in;
	MPI_Datatype t_text;
	MPI_Request rq;
	int e, order;

	need(r, cnt && rcnt && all, "room for the texts' counts");
	for (size_t k = 0; k < r->n_mine; k++)
		cnt[near_owner(r->mine[k].hash, P)]++;
	need(r, MPI_Type_contiguous((int)sizeof(*in), MPI_BYTE, &t_text) ==
				MPI_SUCCESS &&
			MPI_Type_commit(&t_text) == MPI_SUCCESS,
	     "a datatype for the texts");
	in = exchange_rounds(r, r->mine, cnt, t_text, sizeof(*in), &n_in,
			     rcnt);
	MPI_Type_free(&t_text);
	free(r->mine); /* the numbers come back in its order */
	r->mine = NULL;
	/* every rank sent its texts in hash order (mpi_reuse_sign): the
	 * runs are merged, each record's number kept in receiving order for
	 * the way back */
	num = malloc((n_in ? n_in : 1) * sizeof(*num));
	need(r, num != NULL, "room for the texts' numbers");
	order = reuse_near_distinct_runs(in, n_in, rcnt, (size_t)P, &n_own,
					 num);
	need(r, order != CIB_ENOMEM, "room for merging the texts' runs");
	if (order)
		n_own = 0; /* told to every rank below */
	for (size_t k = 0; k < n_own; k++)
		s_own += in[k].is_signed != 0;
	r->st.owned_texts = n_own;
	my[0] = n_own;
	my[1] = s_own;
	wait_ok(r, MPI_Iallgather(my, 2, MPI_UINT64_T, all, 2, MPI_UINT64_T,
				  r->comm, &rq),
		&rq, "each rank's count of distinct texts to all");
	w->sbase = calloc((size_t)P + 1, sizeof(*w->sbase));
	need(r, w->sbase != NULL, "room for the ranks' first signed texts");
	for (int q = 0; q < P; q++) {
		if (q < r->rank)
			dbase += all[2 * q];
		nd_all += all[2 * q];
		w->sbase[q + 1] = w->sbase[q] + all[2 * q + 1];
	}
	e = order == CIB_EUSAGE ? CIB_EIO
	    : order		? order
	    : nd_all >= UINT32_MAX ? CIB_ETOOBIG
				   : CIB_OK;
	if (!e && r->rank == 0) {
		*parent_out = malloc((nd_all ? nd_all : 1) * sizeof(uint32_t));
		if (!*parent_out)
			e = CIB_ENOMEM;
		for (size_t d = 0; !e && d < nd_all; d++)
			(*parent_out)[d] = (uint32_t)d;
		*nd_out = (size_t)nd_all;
	}
	if ((e = any_err(r, e))) {
		snprintf(errmsg, errlen, "numbering %llu distinct texts: %s",
			 (unsigned long long)nd_all,
			 order == CIB_EUSAGE
				 ? "a rank sent its texts out of hash order"
				 : cib_strerror((enum cib_err)e));
	} else if ((e = post_numbers(r, num, rcnt, n_in, dbase, n_posts,
				     text, (size_t)nd_all))) {
		snprintf(errmsg, errlen,
			 "a rank sent a post out of range or twice");
	}
	free(num);
	w->d = malloc((s_own ? s_own : 1) * sizeof(*w->d));
	need(r, w->d != NULL, "room for the signed texts' numbers");
	/* the signed texts to the front of in, then their signatures in
	 * place (sigs_in_place): a record moves only to a lower address than
	 * its own, so one pass in order reads each before it is written */
	for (size_t k = 0; k < n_own; k++)
		if (in[k].is_signed) {
			if (w->n != k)
				memmove(&in[w->n], &in[k], sizeof(*in));
			w->d[w->n++] = (uint32_t)(dbase + k);
		}
	w->sig = sigs_in_place(in, w->n, sizeof(*in),
			       offsetof(struct reuse_near_text, sig));
	in = NULL;
	w->idbits = reuse_lsh_idbits(w->sbase[P]);
	mpi_reuse_release(r); /* the posts are numbered */
	free(cnt);
	free(rcnt);
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

	need(r, cnt && e && out, "room for a band's entries");
	for (size_t x = 0; x < w->n; x++) {
		e[x] = reuse_lsh_entry(&r->o, w->idbits, w->sig + x * REUSE_K,
				       band, w->sbase[r->rank] + x);
		cnt[near_owner(e[x], P) + 1]++;
	}
	for (int q = 0; q < P; q++)
		cnt[q + 1] += cnt[q];
	for (size_t x = 0; x < w->n; x++)
		out[cnt[near_owner(e[x], P)]++] = e[x];
	/* cnt[q] is now the end of q's run: make it q's count */
	for (int q = P - 1; q > 0; q--)
		cnt[q] -= cnt[q - 1];
	in = exchange(r, out, cnt, MPI_UINT64_T, sizeof(*out), n_in, NULL);
	free(cnt);
	free(e);
	free(out);
	return in;
}

/* The signatures of ids[0..nids) (ascending signed indices) for one
 * band's buckets, and their distinct-text numbers (*d_out, in the order
 * of ids). The rank's own texts (ids in [sbase[rank], sbase[rank + 1]),
 * a run [lo, hi) of ids) are read where they are: ids[lo..hi) become
 * their positions in w->sig (sg->pos = ids). The others are fetched from
 * their ranks into *fetched (sg->rest), ids[0..lo) then ids[hi..nids)
 * in order. Every rank answers the others' questions in the same
 * exchange. At 2 ranks every text is the scanning rank's own: before,
 * the rank copied them to itself (132 bytes a text, 0.5 GB per band at
 * 10M posts). */
static void fetch(struct mpi_reuse *r, struct own *w, uint64_t *ids,
		  size_t nids, struct reuse_sigs *sg, uint16_t **fetched,
		  uint32_t **d_out)
{
	int P = r->size;
	size_t *cnt = calloc((size_t)P, sizeof(*cnt));
	size_t *qcnt = calloc((size_t)P, sizeof(*qcnt)), nq, nrep;
	size_t lo = 0, hi, nrem;
	uint64_t first = w->sbase[r->rank], end = w->sbase[r->rank + 1];
	uint64_t *q_in, *rid;
	struct reply *rep, *got;
	uint32_t *d;

	need(r, cnt && qcnt, "room for the signatures' counts");
	while (lo < nids && ids[lo] < first)
		lo++;
	hi = lo;
	while (hi < nids && ids[hi] < end)
		hi++;
	nrem = nids - (hi - lo);
	rid = malloc((nrem ? nrem : 1) * sizeof(*rid));
	need(r, rid != NULL, "room for the signatures to ask for");
	memcpy(rid, ids, lo * sizeof(*ids));
	memcpy(rid + lo, ids + hi, (nids - hi) * sizeof(*ids));
	for (size_t x = 0; x < nrem; x++)
		cnt[home_of(w->sbase, P, rid[x])]++;
	q_in = exchange(r, rid, cnt, MPI_UINT64_T, sizeof(*rid), &nq, qcnt);
	free(rid);
	rep = malloc((nq ? nq : 1) * sizeof(*rep));
	need(r, rep != NULL, "room for the signatures asked for");
	for (size_t k = 0; k < nq; k++) {
		uint64_t x = q_in[k] - first;

		/* tested first: need() would build its message for each
		 * record */
		if (q_in[k] < first || x >= w->n)
			need(r, 0, "answering for a signature this rank "
				   "does not hold");
		rep[k].d = w->d[x];
		memcpy(rep[k].sig, w->sig + x * REUSE_K, sizeof(rep[k].sig));
	}
	free(q_in);
	got = exchange_rounds(r, rep, qcnt, w->t_reply, sizeof(*rep), &nrep,
			      NULL);
	free(rep);
	need(r, nrep == nrem, "the signatures back (one missing)");
	r->st.fetched += nrem;
	r->st.sigs_own += hi - lo;
	d = malloc((nids ? nids : 1) * sizeof(*d));
	need(r, d != NULL, "room for the fetched texts' numbers");
	for (size_t x = 0, k = 0; x < nids; x++) {
		if (x >= lo && x < hi) {
			ids[x] -= first;
			d[x] = w->d[ids[x]];
		} else {
			d[x] = got[k++].d;
		}
	}
	*d_out = d;
	*fetched = sigs_in_place(got, nrem, sizeof(*got),
				 offsetof(struct reply, sig));
	sg->rest = *fetched;
	sg->mid = w->sig;
	sg->pos = ids;
	sg->lo = lo;
	sg->hi = hi;
	free(cnt);
	free(qcnt);
}

/* Step 2 for one band: entries out, buckets checked here. */
static enum cib_err band(struct mpi_reuse *r, struct own *w, unsigned b)
{
	size_t nin, nids = 0, kept = 0;
	uint64_t *in = send_entries(r, w, b, &nin), *ids = NULL;
	uint16_t *sig = NULL;
	uint32_t *d = NULL;
	struct reuse_sigs sg;
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
	fetch(r, w, ids, nids, &sg, &sig, &d);
	err = reuse_lsh_buckets(&r->o, w->idbits, &sg, d, nids, in, kept, b,
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

/* Step 3: the pairs to rank 0, united there; the counts summed. */
static enum cib_err gather(struct mpi_reuse *r, struct own *w, size_t nd,
			   uint32_t *parent, struct reuse_stats *st)
{
	uint64_t c[3] = { w->lst.n_candidates, w->lst.n_verified,
			  w->lst.n_capped_buckets },
		 sum[3] = { 0, 0, 0 }, *all = NULL;
	size_t tot = 0;
	MPI_Request rq;

	r->st.pairs = w->npairs;
	gather_to_root(r, w->pairs, w->npairs,
		       "the verified pairs to rank 0", &all, &tot);
	wait_ok(r, MPI_Ireduce(c, sum, 3, MPI_UINT64_T, MPI_SUM, 0, r->comm,
			       &rq),
		&rq, "the summed counts to rank 0");
	if (r->rank == 0) {
		need(r, reuse_unite_pairs(parent, nd, all, tot) == CIB_OK,
		     "uniting the pairs on rank 0 (one out of range)");
		st->n_signed = (size_t)w->sbase[r->size];
		st->n_candidates += (size_t)sum[0];
		st->n_verified += (size_t)sum[1];
		st->n_capped_buckets += (size_t)sum[2];
	}
	free(all);
	return CIB_OK;
}

enum cib_err mpi_reuse_run(struct mpi_reuse *r, int err_in, size_t n_posts,
			   uint32_t *text, size_t *nd, uint32_t **parent,
			   struct reuse_stats *st, char *errmsg, size_t errlen)
{
	double t0 = cib_seconds(), c0 = cib_cpu_seconds();
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
	     "a datatype for the signatures' answers");
	e = distinct(r, &w, n_posts, text, nd, parent, errmsg, errlen);
	memstep_mark("numbering");
	for (unsigned b = 0; !e && b < r->o.bands; b++)
		if ((e = band(r, &w, b)))
			snprintf(errmsg, errlen, "band %u: %s", b,
				 cib_strerror((enum cib_err)e));
	memstep_mark("bands");
	if (!e)
		e = gather(r, &w, r->rank == 0 ? *nd : 0,
			   r->rank == 0 ? *parent : NULL, st);
	MPI_Type_free(&w.t_reply);
	free(w.sig);
	free(w.d);
	free(w.sbase);
	free(w.pairs);
	if (e && r->rank == 0) {
		free(*parent);
		*parent = NULL;
	}
	r->st.run_seconds = cib_seconds() - t0;
	r->st.run_cpu = cib_cpu_seconds() - c0;
	return (enum cib_err)e;
}
