/* mpi_texts.c - the posts' texts kept off rank 0 (mpi_texts.h). */
#include "mpi/mpi_texts.h"

#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "core/sortu64.h"
#include "mpi/mpi_fatal.h"
#include "mpi/mpi_ingest.h"

void mpi_texts_init(struct mpi_texts *t)
{
	memset(t, 0, sizeof(*t));
	strpool_init(&t->pool);
}

static void free_chunks(struct mpi_texts *t, size_t upto)
{
	for (size_t c = 0; c < upto && c < t->nchunk; c++) {
		free(t->chunk[c].r);
		free(t->chunk[c].bytes);
		memset(&t->chunk[c], 0, sizeof(t->chunk[c]));
	}
}

void mpi_texts_release(struct mpi_texts *t)
{
	if (!t)
		return;
	free_chunks(t, t->nchunk);
	free(t->chunk);
	free(t->own);
	strpool_release(&t->pool);
	mpi_texts_init(t);
}

enum cib_err mpi_texts_add(struct mpi_texts *t, uint64_t origin, int owner,
			   const char *s, size_t len, const int32_t cnt[4])
{
	struct mpi_text_chunk *k;

	/* what the dataset's pool would refuse too (and within an int) */
	if (len > STRPOOL_MAX_LEN)
		return CIB_ETOOBIG;
	k = t->nchunk ? &t->chunk[t->nchunk - 1] : NULL;
	if (!k || k->n == MPI_TEXTS_CHUNK_RECS ||
	    k->nbytes >= MPI_TEXTS_CHUNK_BYTES) {
		if (mpi_ingest_grow((void **)&t->chunk, &t->capchunk,
				    t->nchunk + 1,
			 sizeof(*t->chunk)))
			return CIB_ENOMEM;
		k = &t->chunk[t->nchunk++];
		memset(k, 0, sizeof(*k));
	}
	if (mpi_ingest_grow((void **)&k->r, &k->cap, k->n + 1,
			    sizeof(*k->r)) ||
	    mpi_ingest_grow((void **)&k->bytes, &k->capbytes,
			    k->nbytes + len + 1, 1))
		return CIB_ENOMEM;
	k->r[k->n].origin = origin;
	k->r[k->n].off = k->nbytes;
	k->r[k->n].len = (uint32_t)len;
	k->r[k->n].owner = owner;
	memcpy(k->r[k->n].cnt, cnt, sizeof(k->r[k->n].cnt));
	k->n++;
	t->n++;
	memcpy(k->bytes + k->nbytes, s, len);
	k->nbytes += len;
	return CIB_OK;
}

static int cmp_origin(const void *a, const void *b)
{
	const struct mpi_text_own *x = a, *y = b;

	return x->origin < y->origin ? -1 : x->origin > y->origin;
}

/* On the wire: u64 origin, u32 length, i32 likes, reposts, replies,
 * quotes, the bytes. */
#define WIRE_FIXED 28

static int wait_rq(MPI_Request *rq)
{
	return mpi_ingest_wait(rq) != MPI_SUCCESS;
}

/* The records received in one round, interned into t's pool. */
static int take(struct mpi_texts *t, const char *p, size_t n)
{
	const char *end = p + n;

	while (p < end) {
		struct mpi_text_own *o;
		uint64_t origin;
		uint32_t len;

		if ((size_t)(end - p) < WIRE_FIXED)
			return -1;
		memcpy(&origin, p, 8);
		memcpy(&len, p + 8, 4);
		if ((size_t)(end - p) - WIRE_FIXED < len ||
		    mpi_ingest_grow((void **)&t->own, &t->cap_own, t->n_own + 1,
			 sizeof(*t->own)))
			return -1;
		o = &t->own[t->n_own];
		o->origin = origin;
		memcpy(o->cnt, p + 12, sizeof(o->cnt));
		p += WIRE_FIXED;
		o->id = UINT32_MAX;
		if (len && strpool_intern(&t->pool, p, len, &o->id) != CIB_OK)
			return -1;
		t->n_own++;
		p += len;
		t->received += len;
	}
	return 0;
}

/* The cursor (chunk *c, record *i) moved past the ends of blocks to the
 * next record kept: 1 when there is one. */
static int next_rec(const struct mpi_texts *t, size_t *c, size_t *i)
{
	while (*c < t->nchunk && *i == t->chunk[*c].n) {
		(*c)++;
		*i = 0;
	}
	return *c < t->nchunk;
}

/* The records from the cursor (*c, *i) to (ec, ei) into send, each at its
 * owner's displacement (sdsp, moved); the cursor ends at (ec, ei). */
static void pack(struct mpi_texts *t, size_t *c, size_t *i, size_t ec,
		 size_t ei, char *send, int *sdsp)
{
	while (*c < ec || (*c == ec && *i < ei)) {
		const struct mpi_text_chunk *k = &t->chunk[*c];
		const struct mpi_text_rec *r;
		char *p;

		if (*i == k->n) {
			(*c)++;
			*i = 0;
			continue;
		}
		r = &k->r[(*i)++];
		p = send + sdsp[r->owner];
		memcpy(p, &r->origin, 8);
		memcpy(p + 8, &r->len, 4);
		memcpy(p + 12, r->cnt, sizeof(r->cnt));
		memcpy(p + WIRE_FIXED, k->bytes + r->off, r->len);
		sdsp[r->owner] += (int)(WIRE_FIXED + r->len);
		t->sent += r->len;
	}
}

enum cib_err mpi_texts_push(struct mpi_texts *t, MPI_Comm comm, size_t round)
{
	int size, more = 1, nomem = 0;
	int *scnt, *sdsp, *rcnt, *rdsp;
	char *send = NULL, *recv = NULL;
	size_t c = 0, i = 0, lim, scap = 0, rcap = 0;

	MPI_Comm_size(comm, &size);
	if (!round)
		round = MPI_TEXTS_ROUND;
	lim = (size_t)INT_MAX / (size_t)size / 2;
	if (round > lim)
		round = lim;
	scnt = calloc((size_t)size, sizeof(int));
	sdsp = calloc((size_t)size, sizeof(int));
	rcnt = calloc((size_t)size, sizeof(int));
	rdsp = calloc((size_t)size, sizeof(int));
	if (!scnt || !sdsp || !rcnt || !rdsp)
		nomem = 1;
	while (more) {
		size_t ec = c, ei = i, total = 0, rtot;
		int left, any = 0;
		MPI_Request rq;

		/* this round's records: from (c, i) to (ec, ei) */
		for (int q = 0; !nomem && q < size; q++)
			scnt[q] = 0;
		while (!nomem && next_rec(t, &ec, &ei)) {
			const struct mpi_text_rec *r = &t->chunk[ec].r[ei];
			size_t need = WIRE_FIXED + r->len;

			if (total && total + need > round)
				break;
			total += need;
			scnt[r->owner] += (int)need;
			ei++;
		}
		if (!nomem &&
		    mpi_ingest_grow((void **)&send, &scap, total + 1, 1))
			nomem = 1;
		if (!nomem) {
			mpi_ingest_displs(scnt, sdsp, size);
			pack(t, &c, &i, ec, ei, send, sdsp);
			mpi_ingest_displs(scnt, sdsp, size);
			/* the blocks sent whole: in the send buffer now */
			free_chunks(t, c);
		}
		left = nomem ? 2 : next_rec(t, &c, &i);
		mpi_need(comm, MPI_Iallreduce(&left, &any, 1, MPI_INT, MPI_MAX,
					      comm, &rq) == MPI_SUCCESS &&
			 !wait_rq(&rq),
			 "the texts' push: agreeing on whether a round is "
			 "left");
		if (any == 2)
			break;
		more = any;
		rtot = mpi_ingest_exchange(comm, size, send, scnt, sdsp, rcnt,
					   rdsp, &recv, &rcap,
					   "the texts' push: a round of texts "
					   "to their accounts' owners");
		if (take(t, recv, rtot))
			nomem = 1; /* told to all in the next round */
		if (t->die)
			raise(SIGKILL);
	}
	if (!more) {
		/* a failure in the last round's take, agreed */
		int bad = nomem, anyb = 0;
		MPI_Request rq;

		mpi_need(comm, MPI_Iallreduce(&bad, &anyb, 1, MPI_INT, MPI_MAX,
					      comm, &rq) == MPI_SUCCESS &&
			 !wait_rq(&rq),
			 "the texts' push: agreeing on whether the last round "
			 "was kept");
		nomem = anyb;
	}
	free(scnt);
	free(sdsp);
	free(rcnt);
	free(rdsp);
	free(send);
	free(recv);
	/* what this rank parsed has gone */
	free_chunks(t, t->nchunk);
	free(t->chunk);
	t->chunk = NULL;
	t->nchunk = t->capchunk = t->n = 0;
	if (nomem || more) {
		free(t->own);
		t->own = NULL;
		t->n_own = t->cap_own = 0;
		strpool_release(&t->pool);
		strpool_init(&t->pool);
		return CIB_ENOMEM;
	}
	if (t->n_own)
		qsort(t->own, t->n_own, sizeof(*t->own), cmp_origin);
	return CIB_OK;
}

const struct mpi_text_own *mpi_texts_find(const struct mpi_texts *t,
					  uint64_t origin)
{
	size_t lo = 0, hi = t->n_own;

	origin &= ~MPI_TEXTS_HAS_TEXT;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->own[mid].origin < origin)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == t->n_own || t->own[lo].origin != origin)
		return NULL;
	return &t->own[lo];
}

/* ---- strings by post ------------------------------------------------ */

void mpi_postbytes_free(struct mpi_postbytes *pb)
{
	free(pb->post);
	free(pb->off);
	free(pb->len);
	free(pb->bytes);
	memset(pb, 0, sizeof(*pb));
}

enum cib_err mpi_postbytes_add(struct mpi_postbytes *pb, uint32_t post,
			       const char *s, uint32_t len)
{
	if (pb->n == pb->cap) {
		size_t nc = pb->cap ? pb->cap * 2 : 1024;
		uint32_t *p = realloc(pb->post, nc * sizeof(*p));
		uint64_t *o;
		uint32_t *l;

		if (!p)
			return CIB_ENOMEM;
		pb->post = p;
		o = realloc(pb->off, nc * sizeof(*o));
		if (!o)
			return CIB_ENOMEM;
		pb->off = o;
		l = realloc(pb->len, nc * sizeof(*l));
		if (!l)
			return CIB_ENOMEM;
		pb->len = l;
		pb->cap = nc;
	}
	if (mpi_ingest_grow((void **)&pb->bytes, &pb->capbytes,
			    pb->nbytes + len + 1, 1))
		return CIB_ENOMEM;
	memcpy(pb->bytes + pb->nbytes, s, len);
	pb->post[pb->n] = post;
	pb->off[pb->n] = pb->nbytes;
	pb->len[pb->n] = len;
	pb->n++;
	pb->nbytes += len;
	return CIB_OK;
}

enum cib_err mpi_postbytes_sort(struct mpi_postbytes *pb)
{
	uint64_t *k = malloc((pb->n + 1) * sizeof(*k));
	uint64_t *o = malloc((pb->n + 1) * sizeof(*o));
	uint32_t *l = malloc((pb->n + 1) * sizeof(*l));

	if (!k || !o || !l || pb->n > UINT32_MAX) {
		free(k);
		free(o);
		free(l);
		return CIB_ENOMEM;
	}
	/* (post, position): ties keep their order */
	for (size_t i = 0; i < pb->n; i++)
		k[i] = (uint64_t)pb->post[i] << 32 | i;
	sortu64(k, pb->n);
	for (size_t i = 0; i < pb->n; i++) {
		uint32_t at = (uint32_t)k[i];

		o[i] = pb->off[at];
		l[i] = pb->len[at];
		pb->post[i] = (uint32_t)(k[i] >> 32);
	}
	free(k);
	free(pb->off);
	free(pb->len);
	pb->off = o;
	pb->len = l;
	return CIB_OK;
}

/* Records (u32 post, u32 length, bytes) in p[0..n) appended to out. */
static int take_posts(struct mpi_postbytes *out, const char *p, size_t n)
{
	const char *end = p + n;

	while (p < end) {
		uint32_t post, len;

		if ((size_t)(end - p) < 8)
			return -1;
		memcpy(&post, p, 4);
		memcpy(&len, p + 4, 4);
		p += 8;
		if ((size_t)(end - p) < len ||
		    mpi_postbytes_add(out, post, p, len))
			return -1;
		p += len;
	}
	return 0;
}

/* The end of the whole records of buf[pos..n) within `round` bytes (one
 * record at least). */
static size_t round_end(const char *buf, size_t pos, size_t n, size_t round)
{
	size_t end = pos;

	while (end < n) {
		uint32_t len;
		size_t need;

		memcpy(&len, buf + end + 4, 4);
		need = 8 + (size_t)len;
		if (end > pos && end - pos + need > round)
			break;
		end += need;
	}
	return end;
}

static size_t clamp_round(MPI_Comm comm, size_t round)
{
	int size;
	size_t lim;

	MPI_Comm_size(comm, &size);
	if (!round)
		round = MPI_TEXTS_ROUND;
	lim = (size_t)INT_MAX / (size_t)size / 2;
	return round < lim ? round : lim;
}

void mpi_texts_gather(MPI_Comm comm, size_t round, const char *buf, size_t n,
		      struct mpi_postbytes *out)
{
	int rank, size, *cnt = NULL, *disp = NULL;
	char *got = NULL;
	size_t pos = 0, gcap = 0;

	MPI_Comm_rank(comm, &rank);
	MPI_Comm_size(comm, &size);
	round = clamp_round(comm, round);
	if (rank == 0) {
		cnt = calloc((size_t)size, sizeof(*cnt));
		disp = calloc((size_t)size, sizeof(*disp));
		mpi_need(comm, cnt && disp,
			 "the shown texts' gather: room on rank 0 for the "
			 "ranks' counts");
	}
	for (;;) {
		int left = pos < n, any = 0, bytes;
		size_t end, total = 0;
		MPI_Request rq;

		mpi_need(comm, MPI_Iallreduce(&left, &any, 1, MPI_INT, MPI_MAX,
					      comm, &rq) == MPI_SUCCESS &&
			 !wait_rq(&rq),
			 "the shown texts' gather: agreeing on whether any "
			 "rank has texts left");
		if (!any)
			break;
		end = round_end(buf, pos, n, round);
		bytes = (int)(end - pos);
		mpi_need(comm, MPI_Igather(&bytes, 1, MPI_INT, cnt, 1, MPI_INT,
					   0, comm, &rq) == MPI_SUCCESS &&
			 !wait_rq(&rq),
			 "the shown texts' gather: a round's sizes to rank 0");
		for (int q = 0; rank == 0 && q < size; q++) {
			disp[q] = (int)total;
			total += (size_t)cnt[q];
		}
		mpi_need(comm, !(rank == 0 &&
				 mpi_ingest_grow((void **)&got, &gcap,
						 total + 1, 1)),
			 "the shown texts' gather: room on rank 0 for a "
			 "round's texts");
		mpi_need(comm, MPI_Igatherv(bytes ? buf + pos : NULL, bytes,
					    MPI_BYTE, got, cnt, disp, MPI_BYTE,
					    0, comm, &rq) == MPI_SUCCESS &&
			 !wait_rq(&rq),
			 "the shown texts' gather: a round's texts to rank 0");
		mpi_need(comm, !(rank == 0 && take_posts(out, got, total)),
			 "the shown texts' gather: keeping a round's texts "
			 "on rank 0");
		pos = end;
	}
	free(cnt);
	free(disp);
	free(got);
}

/* Rank q's answer to asks[0..nask): as many whole records as fit in
 * `round` bytes (one at least) into *ans; the posts answered. */
static size_t answer(const uint32_t *asks, size_t nask, size_t round,
		     const char *(*lookup)(void *, uint32_t, uint32_t *),
		     void *ctx, char **ans, size_t *acap, size_t *alen,
		     uint64_t *missing)
{
	size_t k = 0;

	*alen = 0;
	for (; k < nask; k++) {
		uint32_t len = 0;
		const char *s = lookup(ctx, asks[k], &len);
		size_t need;

		if (!s) {
			(*missing)++;
			len = 0;
		}
		need = 8 + (size_t)len;
		if (k && *alen + need > round)
			break;
		if (mpi_ingest_grow((void **)ans, acap, *alen + need + 1, 1))
			return SIZE_MAX;
		memcpy(*ans + *alen, &asks[k], 4);
		memcpy(*ans + *alen + 4, &len, 4);
		if (len)
			memcpy(*ans + *alen + 8, s, len);
		*alen += need;
	}
	return k;
}

void mpi_texts_fetch(MPI_Comm comm, size_t round, size_t batch,
		     uint32_t *const *want, const size_t *nwant,
		     const char *(*lookup)(void *ctx, uint32_t post,
					   uint32_t *len),
		     void *ctx, struct mpi_postbytes *out, uint64_t *missing)
{
	int rank, size;
	int *scnt, *sdsp, *rcnt, *rdsp;
	size_t *at = NULL, scap = 0, rcap = 0, acap = 0, gcap = 0;
	char *send = NULL, *recv = NULL, *ans = NULL, *got = NULL;

	MPI_Comm_rank(comm, &rank);
	MPI_Comm_size(comm, &size);
	round = clamp_round(comm, round);
	scnt = calloc((size_t)size, sizeof(int));
	sdsp = calloc((size_t)size, sizeof(int));
	rcnt = calloc((size_t)size, sizeof(int));
	rdsp = calloc((size_t)size, sizeof(int));
	at = calloc((size_t)size, sizeof(*at));
	mpi_need(comm, scnt && sdsp && rcnt && rdsp && at,
		 "the shown texts' fetch: room for the ranks' counts");
	for (;;) {
		int more = 0, bytes;
		size_t total = 0, alen = 0, nans;
		MPI_Request rq;

		for (int q = 0; rank == 0 && q < size; q++)
			if (want && at[q] < nwant[q])
				more = 1;
		mpi_need(comm, MPI_Ibcast(&more, 1, MPI_INT, 0, comm, &rq) ==
			 MPI_SUCCESS && !wait_rq(&rq),
			 "the shown texts' fetch: rank 0's word on whether a "
			 "round is left");
		if (!more)
			break;
		/* the asks: rank 0 to every rank */
		for (int q = 0; q < size; q++) {
			size_t k = 0;

			if (rank == 0 && want) {
				k = nwant[q] - at[q];
				if (k > batch)
					k = batch;
			}
			scnt[q] = (int)(k * 4);
			sdsp[q] = (int)total;
			total += k * 4;
		}
		mpi_need(comm, !mpi_ingest_grow((void **)&send, &scap,
						total + 1, 1),
			 "the shown texts' fetch: room for a round's asks");
		for (int q = 0; rank == 0 && q < size; q++)
			if (scnt[q])
				memcpy(send + sdsp[q], want[q] + at[q],
				       (size_t)scnt[q]);
		(void)mpi_ingest_exchange(comm, size, send, scnt, sdsp, rcnt,
					  rdsp, &recv, &rcap,
					  "the shown texts' fetch: a round's "
					  "asks to the texts' owners");
		/* the answers: every rank to rank 0 (only rank 0 asks) */
		nans = answer((const uint32_t *)(recv + rdsp[0]),
			      (size_t)rcnt[0] / 4, round, lookup, ctx, &ans,
			      &acap, &alen, missing);
		mpi_need(comm, nans != SIZE_MAX,
			 "the shown texts' fetch: room for this rank's "
			 "answers");
		bytes = (int)alen;
		mpi_need(comm, MPI_Igather(&bytes, 1, MPI_INT, rcnt, 1,
					   MPI_INT, 0, comm, &rq) ==
			 MPI_SUCCESS && !wait_rq(&rq),
			 "the shown texts' fetch: the answers' sizes to "
			 "rank 0");
		total = 0;
		for (int q = 0; rank == 0 && q < size; q++) {
			rdsp[q] = (int)total;
			total += (size_t)rcnt[q];
		}
		mpi_need(comm, !(rank == 0 &&
				 mpi_ingest_grow((void **)&got, &gcap,
						 total + 1, 1)),
			 "the shown texts' fetch: room on rank 0 for the "
			 "answers");
		mpi_need(comm, MPI_Igatherv(bytes ? ans : NULL, bytes,
					    MPI_BYTE, got, rcnt, rdsp,
					    MPI_BYTE, 0, comm, &rq) ==
			 MPI_SUCCESS && !wait_rq(&rq),
			 "the shown texts' fetch: the answers to rank 0");
		for (int q = 0; rank == 0 && q < size; q++) {
			size_t before = out->n;

			mpi_need(comm, !take_posts(out, got + rdsp[q],
						   (size_t)rcnt[q]),
				 "the shown texts' fetch: keeping the "
				 "answers on rank 0");
			at[q] += out->n - before;
		}
	}
	free(scnt);
	free(sdsp);
	free(rcnt);
	free(rdsp);
	free(at);
	free(send);
	free(recv);
	free(ans);
	free(got);
}
