/* mpi_ids.c - the posts' ids decided where they were parsed (mpi_ids.h). */
#include "mpi/mpi_ids.h"

#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "core/dataset.h"
#include "mpi/mpi_fatal.h"
#include "mpi/mpi_feat.h"
#include "mpi/mpi_gather.h"
#include "mpi/mpi_ingest.h"

void mpi_ids_init(struct mpi_ids *x)
{
	memset(x, 0, sizeof(*x));
}

static void free_chunks(struct mpi_ids *x)
{
	for (size_t c = 0; c < x->nchunk; c++)
		free(x->chunk[c].bytes);
	free(x->chunk);
	x->chunk = NULL;
	x->nchunk = x->capchunk = x->n = 0;
}

static void free_auth(struct mpi_ids *x)
{
	free(x->auth);
	free(x->abytes);
	x->auth = NULL;
	x->abytes = NULL;
	x->n_auth = x->cap_auth = x->nabytes = x->capabytes = 0;
}

void mpi_ids_release(struct mpi_ids *x)
{
	if (!x)
		return;
	free_chunks(x);
	free_auth(x);
	free(x->post);
	free(x->pbytes);
	free(x->dead);
	free(x->tie);
	free(x->match);
	mpi_ids_init(x);
}

int mpi_ids_id_owner(const char *s, size_t len, int size)
{
	if (size <= 1)
		return 0;
	return 1 + (int)(XXH3_64bits(s, len) % (uint64_t)(size - 1));
}

enum cib_err mpi_ids_add(struct mpi_ids *x, uint64_t origin,
			 unsigned platform, const char *id,
			 const char *account_id, int64_t time)
{
	size_t len = strlen(id);
	struct mpi_id_chunk *k = x->nchunk ? &x->chunk[x->nchunk - 1] : NULL;
	/* the author's owner hashes (platform, id) the same way */
	uint64_t akey = XXH3_64bits_withSeed(account_id, strlen(account_id),
					     (XXH64_hash_t)platform);
	uint16_t l16 = (uint16_t)len;
	uint8_t pl = (uint8_t)platform;
	char *p;

	if (len > MPI_IDS_MAX_ID)
		return CIB_ETOOBIG;
	/* blocks of one size, never moved: a record fits whatever its id */
	if (!k || k->nbytes + MPI_IDS_REC + len > k->capbytes) {
		if (mpi_ingest_grow((void **)&x->chunk, &x->capchunk,
				    x->nchunk + 1, sizeof(*x->chunk)))
			return CIB_ENOMEM;
		k = &x->chunk[x->nchunk];
		memset(k, 0, sizeof(*k));
		k->capbytes =
			MPI_IDS_CHUNK_BYTES + MPI_IDS_REC + MPI_IDS_MAX_ID;
		k->bytes = malloc(k->capbytes);
		if (!k->bytes)
			return CIB_ENOMEM;
		x->nchunk++;
	}
	p = k->bytes + k->nbytes;
	memcpy(p, &origin, 8);
	memcpy(p + 8, &akey, 8);
	memcpy(p + 16, &time, 8);
	memcpy(p + 24, &pl, 1);
	memcpy(p + 25, &l16, 2);
	memcpy(p + MPI_IDS_REC, id, len);
	k->nbytes += MPI_IDS_REC + len;
	k->n++;
	x->n++;
	return CIB_OK;
}

/* A kept record unpacked (its id points into the chunk). */
struct rec {
	uint64_t origin, akey;
	int64_t time;
	const char *id;
	uint32_t len;
	uint8_t platform;
	int iowner, aowner;
};

static size_t rec_at(const char *p, int size, struct rec *r)
{
	uint16_t l16;

	memcpy(&r->origin, p, 8);
	memcpy(&r->akey, p + 8, 8);
	memcpy(&r->time, p + 16, 8);
	memcpy(&r->platform, p + 24, 1);
	memcpy(&l16, p + 25, 2);
	r->len = l16;
	r->id = p + MPI_IDS_REC;
	r->iowner = mpi_ids_id_owner(r->id, r->len, size);
	r->aowner = size <= 1 ? 0
			      : 1 + (int)(r->akey % (uint64_t)(size - 1));
	return MPI_IDS_REC + r->len;
}

/* ---- transfers ------------------------------------------------------- */

static int wait_rq(MPI_Request *rq)
{
	return mpi_ingest_wait(rq) != MPI_SUCCESS;
}

/* The most of v over the ranks (0: none left, 1: more, 2: no memory). */
static int agree_max(MPI_Comm comm, int v)
{
	int any = 0;
	MPI_Request rq;

	mpi_need(comm,
		 MPI_Iallreduce(&v, &any, 1, MPI_INT, MPI_MAX, comm, &rq) ==
				 MPI_SUCCESS &&
			 !wait_rq(&rq),
		 "the posts' ids: agreeing on the ranks' errors");
	return any;
}

static size_t clamp_round(int size, size_t round)
{
	size_t lim = (size_t)INT_MAX / (size_t)size / 2;

	if (!round)
		round = MPI_IDS_ROUND;
	return round > lim ? lim : round;
}

/* On the wire: 'I', u64 origin, u8 platform, u32 length, the id;
 * 'A', u64 origin, u64 author, i64 time, u32 length, the id. */
#define WIRE_I (1 + 8 + 1 + 4)
#define WIRE_A (1 + 8 + 8 + 8 + 4)

/* A received record's id appended to *bytes (n used, cap): its offset
 * in *off; 0, or -1 out of memory. */
static int keep_id(char **bytes, size_t *n, size_t *cap, const char *id,
		   uint32_t len, uint64_t *off)
{
	if (mpi_ingest_grow((void **)bytes, cap, *n + len + 1, 1))
		return -1;
	*off = *n;
	memcpy(*bytes + *n, id, len);
	*n += len;
	return 0;
}

/* One round's records: 'I' ones kept by their id owner (this rank), 'A'
 * ones by their author owner; 0, or -1 (out of memory, or malformed). */
static int take_round(struct mpi_ids *x, const char *p, size_t n)
{
	const char *end = p + n;

	while (p < end) {
		int auth = *p == 'A';
		size_t fixed = auth ? WIRE_A : WIRE_I;
		uint32_t len;

		if ((*p != 'I' && !auth) || (size_t)(end - p) < fixed)
			return -1;
		memcpy(&len, p + fixed - 4, 4);
		if ((size_t)(end - p) - fixed < len)
			return -1;
		if (auth) {
			struct mpi_id_auth *o;

			if (mpi_ingest_grow((void **)&x->auth, &x->cap_auth,
					    x->n_auth + 1, sizeof(*x->auth)))
				return -1;
			o = &x->auth[x->n_auth];
			memcpy(&o->origin, p + 1, 8);
			memcpy(&o->akey, p + 9, 8);
			memcpy(&o->time, p + 17, 8);
			o->len = len;
			if (keep_id(&x->abytes, &x->nabytes, &x->capabytes,
				    p + fixed, len, &o->at.off))
				return -1;
			x->n_auth++;
		} else {
			struct mpi_id_post *o;

			if (mpi_ingest_grow((void **)&x->post, &x->cap_post,
					    x->n_post + 1, sizeof(*x->post)))
				return -1;
			o = &x->post[x->n_post];
			memcpy(&o->origin, p + 1, 8);
			o->platform = (uint8_t)p[9];
			o->len = len;
			if (keep_id(&x->pbytes, &x->npbytes, &x->cappbytes,
				    p + fixed, len, &o->at.off))
				return -1;
			x->n_post++;
		}
		p += fixed + len;
	}
	return 0;
}

/* The cursor (chunk *c, byte *i) moved to the next record: 1 if any. */
static int next_rec(const struct mpi_ids *x, size_t *c, size_t *i)
{
	while (*c < x->nchunk && *i == x->chunk[*c].nbytes) {
		(*c)++;
		*i = 0;
	}
	return *c < x->nchunk;
}

static void pack_rec(const struct rec *r, char *send, int *sdsp)
{
	char *p = send + sdsp[r->iowner];

	p[0] = 'I';
	memcpy(p + 1, &r->origin, 8);
	p[9] = (char)r->platform;
	memcpy(p + 10, &r->len, 4);
	memcpy(p + WIRE_I, r->id, r->len);
	sdsp[r->iowner] += (int)(WIRE_I + r->len);
	p = send + sdsp[r->aowner];
	p[0] = 'A';
	memcpy(p + 1, &r->origin, 8);
	memcpy(p + 9, &r->akey, 8);
	memcpy(p + 17, &r->time, 8);
	memcpy(p + 25, &r->len, 4);
	memcpy(p + WIRE_A, r->id, r->len);
	sdsp[r->aowner] += (int)(WIRE_A + r->len);
}

/* Sends every record to its id and author owners in rounds; 0, or -1
 * when some rank ran out of memory (agreed). */
static int send_records(struct mpi_ids *x, MPI_Comm comm, int size,
			size_t round)
{
	int *scnt = calloc((size_t)size, sizeof(int));
	int *sdsp = calloc((size_t)size, sizeof(int));
	int *rcnt = calloc((size_t)size, sizeof(int));
	int *rdsp = calloc((size_t)size, sizeof(int));
	char *send = NULL, *recv = NULL;
	size_t c = 0, i = 0, scap = 0, rcap = 0;
	int nomem = !scnt || !sdsp || !rcnt || !rdsp, more = 1;

	while (more) {
		size_t ec = c, ei = i, total = 0, rtot;
		int any;

		for (int q = 0; !nomem && q < size; q++)
			scnt[q] = 0;
		while (!nomem && next_rec(x, &ec, &ei)) {
			struct rec r;
			size_t sz = rec_at(x->chunk[ec].bytes + ei, size, &r);
			size_t need = WIRE_I + WIRE_A + 2 * (size_t)r.len;

			if (total && total + need > round)
				break;
			total += need;
			scnt[r.iowner] += (int)(WIRE_I + r.len);
			scnt[r.aowner] += (int)(WIRE_A + r.len);
			ei += sz;
		}
		if (!nomem &&
		    mpi_ingest_grow((void **)&send, &scap, total + 1, 1))
			nomem = 1;
		if (!nomem) {
			mpi_ingest_displs(scnt, sdsp, size);
			while (c < ec || (c == ec && i < ei)) {
				struct rec r;

				if (i == x->chunk[c].nbytes) {
					/* sent whole: in the buffer now */
					free(x->chunk[c].bytes);
					x->chunk[c].bytes = NULL;
					x->chunk[c].nbytes = 0;
					c++;
					i = 0;
					continue;
				}
				i += rec_at(x->chunk[c].bytes + i, size, &r);
				pack_rec(&r, send, sdsp);
			}
			mpi_ingest_displs(scnt, sdsp, size);
			x->sent += total;
		}
		any = agree_max(comm, nomem ? 2 : next_rec(x, &c, &i));
		if (any == 2) {
			nomem = 1;
			break;
		}
		more = any;
		rtot = mpi_ingest_exchange(comm, size, send, scnt, sdsp, rcnt,
					   rdsp, &recv, &rcap,
					   "the posts' ids: a round of records "
					   "to their id and author owners");
		if (take_round(x, recv, rtot))
			nomem = 1;
		if (x->die)
			raise(SIGKILL);
	}
	if (!more)
		nomem = agree_max(comm, nomem) != 0;
	free(scnt);
	free(sdsp);
	free(rcnt);
	free(rdsp);
	free(send);
	free(recv);
	free_chunks(x);
	return nomem ? -1 : 0;
}

/* ---- what the owners decide ------------------------------------------- */

static int bytes_cmp(const char *a, uint32_t na, const char *b, uint32_t nb)
{
	int c = memcmp(a, b, na < nb ? na : nb);

	if (c)
		return c;
	return na < nb ? -1 : na > nb;
}

/* id owner: (bytes, platform, origin) */
static int cmp_id(const void *p, const void *q)
{
	const struct mpi_id_post *x = p, *y = q;
	int c = bytes_cmp(x->at.s, x->len, y->at.s, y->len);

	if (c)
		return c;
	if (x->platform != y->platform)
		return x->platform < y->platform ? -1 : 1;
	return x->origin < y->origin ? -1 : x->origin > y->origin;
}

/* author owner: (akey, time, bytes, origin) */
static int cmp_auth(const void *p, const void *q)
{
	const struct mpi_id_auth *x = p, *y = q;
	int c;

	if (x->akey != y->akey)
		return x->akey < y->akey ? -1 : 1;
	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	c = bytes_cmp(x->at.s, x->len, y->at.s, y->len);
	if (c)
		return c;
	return x->origin < y->origin ? -1 : x->origin > y->origin;
}

static int cmp_u64(const void *p, const void *q)
{
	uint64_t x = *(const uint64_t *)p, y = *(const uint64_t *)q;

	return x < y ? -1 : x > y;
}

static int same_key(const struct mpi_id_post *a, const struct mpi_id_post *b)
{
	return a->platform == b->platform &&
	       !bytes_cmp(a->at.s, a->len, b->at.s, b->len);
}

/* The id owner's records sorted in place: the duplicates' origins into
 * *dead (malloc'd), the others kept in x->post by (bytes, platform). */
static int find_duplicates(struct mpi_ids *x, uint64_t **dead, size_t *nd)
{
	size_t nk = 0, n = 0;
	uint64_t *d;

	*dead = NULL;
	*nd = 0;
	for (size_t i = 0; i < x->n_post; i++)
		x->post[i].at.s = x->pbytes + x->post[i].at.off;
	if (x->n_post)
		qsort(x->post, x->n_post, sizeof(*x->post), cmp_id);
	for (size_t i = 1; i < x->n_post; i++)
		n += same_key(&x->post[i], &x->post[i - 1]);
	d = malloc((n + 1) * sizeof(*d));
	if (!d)
		return -1;
	n = 0;
	for (size_t i = 0; i < x->n_post; i++) {
		if (nk && same_key(&x->post[i], &x->post[nk - 1])) {
			d[n++] = x->post[i].origin;
			continue;
		}
		x->post[nk++] = x->post[i];
	}
	x->n_post = nk;
	*dead = d;
	*nd = n;
	return 0;
}

/* The author owner's runs of one author and time, two records or more:
 * (origin, number) pairs, flattened as two u64 each, into *out. */
static int number_runs(struct mpi_ids *x, uint64_t **out, size_t *nout)
{
	const struct mpi_id_auth *k = x->auth;
	uint64_t *v;
	size_t n = 0;

	*out = NULL;
	*nout = 0;
	for (size_t i = 0; i < x->n_auth; i++)
		x->auth[i].at.s = x->abytes + x->auth[i].at.off;
	if (x->n_auth)
		qsort(x->auth, x->n_auth, sizeof(*x->auth), cmp_auth);
	/* the records in runs of two or more, then their numbers */
	for (size_t i = 0; i < x->n_auth;) {
		size_t j = i + 1;

		while (j < x->n_auth && k[j].akey == k[i].akey &&
		       k[j].time == k[i].time)
			j++;
		n += j - i > 1 ? 2 * (j - i) : 0;
		i = j;
	}
	v = malloc((n + 1) * sizeof(*v));
	if (!v)
		return -1;
	n = 0;
	for (size_t i = 0; i < x->n_auth;) {
		size_t j = i + 1;

		while (j < x->n_auth && k[j].akey == k[i].akey &&
		       k[j].time == k[i].time)
			j++;
		for (size_t q = i; j - i > 1 && q < j; q++) {
			v[n++] = k[q].origin;
			v[n++] = q - i;
		}
		i = j;
	}
	free_auth(x);
	*out = v;
	*nout = n;
	return 0;
}

/* Every rank's v[0..n) (u64) to rank 0's *all (malloc'd, n in *nall;
 * elsewhere NULL and 0), in messages of at most `round` bytes, so that
 * no count passes an int (mpi_gather.h). A failure ends the job, saying
 * what was gathered. */
static void gather_u64(MPI_Comm comm, size_t round, const uint64_t *v,
		       size_t n, uint64_t **all, size_t *nall,
		       const char *what)
{
	*all = NULL;
	*nall = 0;
	mpi_need(comm,
		 mpi_gather_pieces(comm, v, n, sizeof(*v), round / sizeof(*v),
				   (void **)all, nall, NULL) == 0,
		 what);
}

static int cmp_tie(const void *p, const void *q)
{
	const struct mpi_id_tie *x = p, *y = q;

	return x->origin < y->origin ? -1 : x->origin > y->origin;
}

enum cib_err mpi_ids_exchange(struct mpi_ids *x, MPI_Comm comm, size_t round)
{
	int rank, size, bad;
	uint64_t *dead = NULL, *runs = NULL, *all = NULL;
	size_t nd = 0, nr = 0, nall = 0;

	MPI_Comm_rank(comm, &rank);
	MPI_Comm_size(comm, &size);
	round = clamp_round(size, round);
	bad = send_records(x, comm, size, round);
	if (!bad && (find_duplicates(x, &dead, &nd) ||
		     number_runs(x, &runs, &nr)))
		bad = 1;
	if (agree_max(comm, bad)) {
		free(dead);
		free(runs);
		mpi_ids_release(x);
		return CIB_ENOMEM;
	}
	gather_u64(comm, round, dead, nd, &all, &nall,
		   "the posts' ids: the duplicates to rank 0");
	free(dead);
	if (rank == 0) {
		qsort(all, nall, sizeof(*all), cmp_u64);
		x->dead = all;
		x->n_dead = nall;
	}
	gather_u64(comm, round, runs, nr, &all, &nall,
		   "the posts' ids: the tied posts' order to rank 0");
	free(runs);
	if (rank == 0) {
		x->tie = malloc((nall / 2 + 1) * sizeof(*x->tie));
		if (!x->tie)
			mpi_fatal(comm, "the posts' ids: room on rank 0 for "
					"the tied posts' order");
		for (size_t i = 0; i + 1 < nall; i += 2) {
			x->tie[i / 2].origin = all[i];
			x->tie[i / 2].rank = (uint32_t)all[i + 1];
		}
		x->n_tie = nall / 2;
		qsort(x->tie, x->n_tie, sizeof(*x->tie), cmp_tie);
		free(all);
	}
	return CIB_OK;
}

/* ---- the join ---------------------------------------------------------- */

/* The first of the id owner's posts whose id is not below s[0..len). */
static size_t lower_bound(const struct mpi_ids *x, const char *s, uint32_t len)
{
	size_t lo = 0, hi = x->n_post;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (bytes_cmp(x->post[mid].at.s, x->post[mid].len, s, len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Queries on the wire: u32 string, u32 length, the bytes. Answers: u64
 * origin, u32 string, u32 platform. */
#define WIRE_Q 8
#define ANSWER 16

static int answer(const struct mpi_ids *x, const char *p, size_t n,
		  uint64_t **ans, size_t *nans, size_t *cap)
{
	const char *end = p + n;

	*nans = 0;
	while (p < end) {
		uint32_t str, len, pl;
		size_t i;

		if ((size_t)(end - p) < WIRE_Q)
			return -1;
		memcpy(&str, p, 4);
		memcpy(&len, p + 4, 4);
		if ((size_t)(end - p) - WIRE_Q < len)
			return -1;
		for (i = lower_bound(x, p + WIRE_Q, len);
		     i < x->n_post && x->post[i].len == len &&
		     !memcmp(x->post[i].at.s, p + WIRE_Q, len);
		     i++) {
			if (mpi_ingest_grow((void **)ans, cap, *nans + 2,
					    sizeof(**ans)))
				return -1;
			pl = x->post[i].platform;
			(*ans)[(*nans)++] = x->post[i].origin;
			(*ans)[(*nans)++] = (uint64_t)str << 32 | pl;
		}
		p += WIRE_Q + len;
	}
	return 0;
}

static int cmp_match(const void *p, const void *q)
{
	const struct mpi_id_match *x = p, *y = q;

	if (x->str != y->str)
		return x->str < y->str ? -1 : 1;
	if (x->platform != y->platform)
		return x->platform < y->platform ? -1 : 1;
	return x->origin < y->origin ? -1 : x->origin > y->origin;
}

enum cib_err mpi_ids_join(struct mpi_ids *x, MPI_Comm comm, size_t round,
			  size_t n,
			  const char *(*str)(void *ctx, size_t k,
					     uint32_t *len),
			  void *ctx)
{
	int rank, size, more = 1, nomem = 0;
	int *scnt, *sdsp, *rcnt, *rdsp;
	char *send = NULL, *recv = NULL;
	uint64_t *ans = NULL, *all = NULL;
	size_t k = 0, scap = 0, rcap = 0, acap = 0, nm = 0, mcap = 0;

	MPI_Comm_rank(comm, &rank);
	MPI_Comm_size(comm, &size);
	round = clamp_round(size, round);
	if (rank != 0)
		n = 0;
	if (n > UINT32_MAX)
		nomem = 1;
	scnt = calloc((size_t)size, sizeof(int));
	sdsp = calloc((size_t)size, sizeof(int));
	rcnt = calloc((size_t)size, sizeof(int));
	rdsp = calloc((size_t)size, sizeof(int));
	if (!scnt || !sdsp || !rcnt || !rdsp)
		nomem = 1;
	free(x->match);
	x->match = NULL;
	x->n_match = 0;
	while (more) {
		size_t e = k, total = 0, rtot, na = 0, nall = 0;
		int any;

		for (int q = 0; !nomem && q < size; q++)
			scnt[q] = sdsp[q] = 0;
		/* this round's strings: their bytes counted, then packed */
		for (; !nomem && e < n; e++) {
			uint32_t len;
			const char *s = str(ctx, e, &len);
			size_t need = WIRE_Q + (size_t)len;

			if (total && total + need > round)
				break;
			total += need;
			scnt[mpi_ids_id_owner(s, len, size)] += (int)need;
		}
		if (!nomem &&
		    mpi_ingest_grow((void **)&send, &scap, total + 1, 1))
			nomem = 1;
		if (!nomem) {
			mpi_ingest_displs(scnt, sdsp, size);
			for (; k < e; k++) {
				uint32_t len, s32 = (uint32_t)k;
				const char *s = str(ctx, k, &len);
				int q = mpi_ids_id_owner(s, len, size);
				char *p = send + sdsp[q];

				memcpy(p, &s32, 4);
				memcpy(p + 4, &len, 4);
				memcpy(p + WIRE_Q, s, len);
				sdsp[q] += (int)(WIRE_Q + len);
			}
			mpi_ingest_displs(scnt, sdsp, size);
			x->sent += total;
		}
		any = agree_max(comm, nomem ? 2 : k < n);
		if (any == 2) {
			nomem = 1;
			break;
		}
		more = any;
		rtot = mpi_ingest_exchange(comm, size, send, scnt, sdsp, rcnt,
					   rdsp, &recv, &rcap,
					   "the posts' ids: a round of the join's "
					   "strings to their id owners");
		if (answer(x, recv, rtot, &ans, &na, &acap))
			nomem = 1;
		if (agree_max(comm, nomem)) {
			nomem = 1;
			break;
		}
		gather_u64(comm, round, ans, na, &all, &nall,
			   "the posts' ids: the join's answers to rank 0");
		if (rank == 0 && nall) {
			if (mpi_ingest_grow((void **)&x->match, &mcap,
					    nm + nall / 2 + 1,
					    sizeof(*x->match)))
				mpi_fatal(comm, "the posts' ids: room on rank "
						"0 for the join's answers");
			for (size_t i = 0; i + 1 < nall; i += 2) {
				x->match[nm].origin = all[i];
				x->match[nm].str = (uint32_t)(all[i + 1] >> 32);
				x->match[nm].platform = (uint8_t)all[i + 1];
				nm++;
			}
		}
		free(all);
		all = NULL;
	}
	free(scnt);
	free(sdsp);
	free(rcnt);
	free(rdsp);
	free(send);
	free(recv);
	free(ans);
	if (nomem) {
		free(x->match);
		x->match = NULL;
		return CIB_ENOMEM;
	}
	x->n_match = nm;
	if (nm)
		qsort(x->match, nm, sizeof(*x->match), cmp_match);
	return CIB_OK;
}

/* ---- rank 0's check ------------------------------------------------------ */

struct rowkey {
	const char *s;
	int64_t time;
	uint32_t acc, len, row;
};

static int cmp_row(const void *p, const void *q)
{
	const struct rowkey *x = p, *y = q;
	int c;

	if (x->acc != y->acc)
		return x->acc < y->acc ? -1 : 1;
	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	c = bytes_cmp(x->s, x->len, y->s, y->len);
	if (c)
		return c;
	return x->row < y->row ? -1 : x->row > y->row;
}

const struct mpi_id_tie *mpi_ids_find_tie(const struct mpi_ids *x,
					  uint64_t origin)
{
	size_t lo = 0, hi = x->n_tie;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (x->tie[mid].origin < origin)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < x->n_tie && x->tie[lo].origin == origin ? &x->tie[lo]
							    : NULL;
}

#define FAIL(...)                                    \
	do {                                         \
		snprintf(msg, cap, __VA_ARGS__);     \
		err = CIB_EINTERNAL;                 \
		goto out;                            \
	} while (0)

enum cib_err mpi_ids_check(const struct mpi_ids *x, const struct dataset *ds,
			   const uint64_t *row_origin, uint64_t *dups,
			   size_t n_dups, char *msg, size_t cap)
{
	size_t n = ds->post.n, runs = 0;
	struct rowkey *k = malloc((n + 1) * sizeof(*k));
	struct mpi_id_match *want = malloc((n + 1) * sizeof(*want));
	enum cib_err err = CIB_OK;

	msg[0] = '\0';
	if (!k || !want)
		FAIL("no memory for the check");
	/* the duplicates */
	if (n_dups) /* dups may be NULL then */
		qsort(dups, n_dups, sizeof(*dups), cmp_u64);
	if (n_dups != x->n_dead)
		FAIL("%zu duplicates found by the id owners, %zu by rank 0",
		     x->n_dead, n_dups);
	for (size_t i = 0; i < n_dups; i++)
		if (dups[i] != x->dead[i])
			FAIL("duplicate %llu: the id owners say %llu",
			     (unsigned long long)dups[i],
			     (unsigned long long)x->dead[i]);
	/* the runs: every two posts of one account and time in the order
	 * of their ids' bytes, as numbered by the author owners */
	for (size_t j = 0; j < n; j++) {
		k[j].acc = ds->post.account[j];
		k[j].time = ds->post.time[j];
		k[j].s = ds_str(ds, ds->post.id[j]);
		k[j].len = strpool_len(&ds->strings, ds->post.id[j]);
		k[j].row = (uint32_t)j;
	}
	qsort(k, n, sizeof(*k), cmp_row);
	for (size_t j = 1; j < n; j++) {
		const struct mpi_id_tie *a, *b;

		if (k[j].acc != k[j - 1].acc || k[j].time != k[j - 1].time)
			continue;
		a = mpi_ids_find_tie(x, row_origin[k[j - 1].row]);
		b = mpi_ids_find_tie(x, row_origin[k[j].row]);
		if (!a || !b || a->rank >= b->rank)
			FAIL("posts %u and %u of one account and time: not "
			     "numbered in their ids' order by their author's "
			     "owner",
			     k[j - 1].row, k[j].row);
		runs++;
	}
	/* the join of every string: exactly the posts having it as id */
	for (size_t j = 0; j < n; j++) {
		want[j].str = ds->post.id[j];
		want[j].platform = ds->acc.platform[ds->post.account[j]];
		want[j].origin = row_origin[j];
	}
	qsort(want, n, sizeof(*want), cmp_match);
	if (x->n_match != n)
		FAIL("the join found %zu posts by their ids, rank 0 has %zu",
		     x->n_match, n);
	for (size_t j = 0; j < n; j++)
		if (cmp_match(&want[j], &x->match[j]))
			FAIL("the join: post %llu of string %u is not rank 0's",
			     (unsigned long long)x->match[j].origin,
			     x->match[j].str);
	snprintf(msg, cap,
		 "%zu duplicates, %zu posts tied with the one before them by "
		 "account and time, %zu posts found by their ids",
		 n_dups, runs, x->n_match);
out:
	free(k);
	free(want);
	return err;
}
