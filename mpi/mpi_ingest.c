/* mpi_ingest.c - parallel reading of a run's inputs over MPI ranks, with
 * rank 0 ending on the single-process dataset (mpi_ingest.h).
 *
 * Invariants: every rank computes nothing from the plan but what rank 0
 * broadcast; pieces are numbered in input order and owners are
 * non-decreasing along that order, so rank 0's own pieces (all of them
 * with one rank, none with several) come first and every other rank's
 * pieces are asked for in its own order; a rank waits only for rank 0, and
 * rank 0 only for the owner of the piece it is taking, so no wait cycles; a log replays
 * exactly the ingest_add_post / ingest_add_account calls its reader made
 * (the sink in collectors/ingest.h sees each record after the dataset's
 * checks of required fields, so what the sink takes the dataset would have
 * taken); a log block holds whole records and is at most MPI_INGEST_BLOCK
 * bytes unless one record is larger.
 */
#include "mpi_ingest.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "collectors/jsonread.h"
#include "collectors/source.h"
#include "collectors/table.h"
#include "core/bits.h"
#include "core/clock.h"
#include "core/memstep.h"
#include "mpi/mpi_fatal.h"
#include "mpi/mpi_feat.h"

enum piece_kind { PIECE_WHOLE = 0, PIECE_SPLIT = 1, PIECE_DIRECT = 2 };

/* Plain integers only: the plan is broadcast as bytes. */
struct piece {
	int32_t file, kind, fmt, csv, owner, pad;
	uint64_t lo, hi, fsize;
};

enum { TAG_CTL = 11, TAG_HDR, TAG_BLOCK, TAG_MSG, TAG_FINAL };

struct block {
	char *buf;
	size_t len, cap;
};

/* the log of one piece, and how its parse ended */
struct plog {
	struct block *b;
	size_t n, cap;
	size_t sent;  /* blocks sent to rank 0 (and freed) */
	size_t bytes; /* bytes appended in all */
	size_t bsize; /* size of a new block */
	int done;     /* parsing ended (err says how) */
	int err;
	char msg[512];
};

int mpi_ingest_wait(MPI_Request *req)
{
	struct timespec ts = { 0, 1000000 };
	int done = 0, rc;

	for (;;) {
		rc = MPI_Test(req, &done, MPI_STATUS_IGNORE);
		if (rc != MPI_SUCCESS || done)
			return rc;
		nanosleep(&ts, NULL);
	}
}

int mpi_ingest_grow(void **p, size_t *cap, size_t need, size_t size)
{
	size_t nc = *cap ? *cap : 1024;
	void *q;

	if (need <= *cap)
		return 0;
	while (nc < need)
		nc *= 2;
	q = realloc(*p, nc * size);
	if (!q)
		return -1;
	*p = q;
	*cap = nc;
	return 0;
}

void mpi_ingest_displs(const int *cnt, int *dsp, int size)
{
	size_t d = 0;

	for (int q = 0; q < size; q++) {
		dsp[q] = (int)d;
		d += (size_t)cnt[q];
	}
}

/* mpi_need with the caller's stage before this step's name */
static void exchange_need(MPI_Comm comm, int ok, const char *what,
			  const char *step)
{
	char msg[256];

	snprintf(msg, sizeof(msg), "%s: %s", what, step);
	mpi_need(comm, ok, msg);
}

size_t mpi_ingest_exchange(MPI_Comm comm, int size, const char *send,
			   const int *scnt, const int *sdsp, int *rcnt,
			   int *rdsp, char **recv, size_t *rcap,
			   const char *what)
{
	size_t rtot = 0;
	MPI_Request rq;

	exchange_need(comm,
		      MPI_Ialltoall(scnt, 1, MPI_INT, rcnt, 1, MPI_INT, comm,
				    &rq) == MPI_SUCCESS &&
			      mpi_ingest_wait(&rq) == MPI_SUCCESS,
		      what, "the byte counts");
	for (int q = 0; q < size; q++) {
		rdsp[q] = (int)rtot;
		rtot += (size_t)rcnt[q];
	}
	exchange_need(comm, !mpi_ingest_grow((void **)recv, rcap, rtot + 1, 1),
		      what, "room for the bytes received");
	exchange_need(comm,
		      MPI_Ialltoallv(send, scnt, sdsp, MPI_BYTE, *recv, rcnt,
				     rdsp, MPI_BYTE, comm, &rq) ==
				      MPI_SUCCESS &&
			      mpi_ingest_wait(&rq) == MPI_SUCCESS,
		      what, "the bytes");
	return rtot;
}

void mpi_ingest_init(struct mpi_ingest *m, MPI_Comm comm)
{
	memset(m, 0, sizeof(*m));
	mpi_texts_init(&m->texts);
	mpi_ids_init(&m->ids);
	m->comm = comm;
	m->die_rank = -1;
	MPI_Comm_rank(comm, &m->rank);
	MPI_Comm_size(comm, &m->size);
}

void mpi_ingest_release(struct mpi_ingest *m)
{
	if (!m)
		return;
	free(m->all);
	m->all = NULL;
	free(m->origin);
	m->origin = NULL;
	m->origin_cap = 0;
	mpi_texts_release(&m->texts);
	mpi_ids_release(&m->ids);
	free(m->row_origin);
	free(m->dup_origin);
	free(m->acc_rec);
	m->acc_rec = NULL;
	m->acc_rec_words = 0;
	m->row_origin = m->dup_origin = NULL;
	m->row_origin_cap = m->n_dup = m->dup_cap = 0;
}

/* ---- the log -------------------------------------------------------- */

static void plog_free(struct plog *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->b[i].buf);
	free(l->b);
	l->b = NULL;
	l->n = l->cap = l->sent = 0;
}

/* room for `need` more bytes in the last block */
static char *plog_room(struct plog *l, size_t need)
{
	struct block *b = l->n ? &l->b[l->n - 1] : NULL;

	if (!b || b->cap - b->len < need) {
		size_t bs = l->bsize ? l->bsize : MPI_INGEST_BLOCK;
		size_t cap = need > bs ? need : bs;

		if (l->n == l->cap) {
			size_t nc = l->cap ? l->cap * 2 : 8;
			struct block *nb = realloc(l->b, nc * sizeof(*nb));

			if (!nb)
				return NULL;
			l->b = nb;
			l->cap = nc;
		}
		b = &l->b[l->n];
		b->buf = malloc(cap);
		if (!b->buf)
			return NULL;
		b->len = 0;
		b->cap = cap;
		l->n++;
	}
	return b->buf + b->len;
}

static size_t str_size(const char *s)
{
	return 4 + (s ? strlen(s) + 1 : 0);
}

static char *put_u32(char *p, uint32_t v)
{
	memcpy(p, &v, 4);
	return p + 4;
}

static char *put_i64(char *p, int64_t v)
{
	memcpy(p, &v, 8);
	return p + 8;
}

/* length (UINT32_MAX for NULL), bytes, NUL */
static char *put_str(char *p, const char *s)
{
	size_t n;

	if (!s)
		return put_u32(p, UINT32_MAX);
	n = strlen(s);
	p = put_u32(p, (uint32_t)n);
	memcpy(p, s, n + 1);
	return p + n + 1;
}

struct server;
struct sink_ctx {
	struct plog *log;
	struct server *sv;
	struct mpi_ingest *m;
	uint64_t piece, seq; /* the piece parsed, its post records so far */
};
static enum cib_err pump_added(struct server *sv, size_t added);

static enum cib_err log_post(struct plog *l, const struct post_rec *r)
{
	size_t need = 1 + 2 + 4 + 8 * 5 + 4;
	const char *strs[7] = { r->id, r->account_id, r->text, r->lang,
				r->client, r->ref_post, r->ref_account };
	char *p, *e;

	for (int i = 0; i < 7; i++)
		need += str_size(strs[i]);
	for (size_t k = 0; k < r->n_ent; k++)
		need += 1 + str_size(r->ent_str[k]);
	if (need > UINT32_MAX - 8)
		return CIB_ETOOBIG;
	p = plog_room(l, need + 4);
	if (!p)
		return CIB_ENOMEM;
	e = p;
	p = put_u32(p, (uint32_t)need);
	*p++ = 0;
	*p++ = (char)r->platform;
	*p++ = (char)r->kind;
	p = put_u32(p, r->flags);
	p = put_i64(p, r->time);
	p = put_i64(p, r->likes);
	p = put_i64(p, r->reposts);
	p = put_i64(p, r->replies);
	p = put_i64(p, r->quotes);
	for (int i = 0; i < 7; i++)
		p = put_str(p, strs[i]);
	p = put_u32(p, (uint32_t)r->n_ent);
	for (size_t k = 0; k < r->n_ent; k++) {
		*p++ = (char)r->ent_type[k];
		p = put_str(p, r->ent_str[k]);
	}
	l->b[l->n - 1].len += (size_t)(p - e);
	l->bytes += (size_t)(p - e);
	return CIB_OK;
}

static enum cib_err log_account(struct plog *l, const struct account_rec *r)
{
	size_t need = 1 + 1 + 8 * 4;
	const char *strs[6] = { r->id, r->handle, r->name, r->description,
				r->location, r->lang };
	char *p, *e;

	for (int i = 0; i < 6; i++)
		need += str_size(strs[i]);
	if (need > UINT32_MAX - 8)
		return CIB_ETOOBIG;
	p = plog_room(l, need + 4);
	if (!p)
		return CIB_ENOMEM;
	e = p;
	p = put_u32(p, (uint32_t)need);
	*p++ = 1;
	*p++ = (char)r->platform;
	p = put_i64(p, r->created);
	p = put_i64(p, r->followers);
	p = put_i64(p, r->following);
	p = put_i64(p, r->seen_at);
	for (int i = 0; i < 6; i++)
		p = put_str(p, strs[i]);
	l->b[l->n - 1].len += (size_t)(p - e);
	l->bytes += (size_t)(p - e);
	return CIB_OK;
}

/* Whether a post record has an engagement count the dataset would
 * store (not COUNT_NONE). */
static int post_has_counts(const struct post_rec *r)
{
	return dataset_count32(r->likes) != COUNT_NONE ||
	       dataset_count32(r->reposts) != COUNT_NONE ||
	       dataset_count32(r->replies) != COUNT_NONE ||
	       dataset_count32(r->quotes) != COUNT_NONE;
}

/* A post whose text and engagement counts stay here: kept under the
 * record's origin for its account's owner (when it has either), the
 * record logged with "" for the text (a text kept apart) or NULL (none)
 * and with its counts, which rank 0 reads only to know whether the
 * record was kept (mpi_texts.h). */
static enum cib_err keep_text(struct sink_ctx *c, const struct post_rec *r,
			      uint64_t origin, struct post_rec *cp)
{
	const int32_t cnt[4] = { dataset_count32(r->likes),
				 dataset_count32(r->reposts),
				 dataset_count32(r->replies),
				 dataset_count32(r->quotes) };
	int has_text = r->text && *r->text;
	enum cib_err err = CIB_OK;

	*cp = *r;
	cp->text = has_text ? "" : NULL;
	if (c->m->ids_apart)
		cp->id = NULL; /* kept here (mpi_ids.h) */
	/* with the ids apart every record is kept: its origin is how rank 0
	 * names the post to the ranks that hold its id */
	if (has_text || post_has_counts(r) || c->m->ids_apart) {
		int owner = mpi_feat_owner((unsigned)r->platform,
					   r->account_id,
					   strlen(r->account_id), c->m->size);

		err = mpi_texts_add(&c->m->texts, origin, owner,
				    has_text ? r->text : "",
				    has_text ? strlen(r->text) : 0, cnt);
	}
	return err;
}

static enum cib_err sink_fn(void *ctx, int kind, const void *rec)
{
	struct sink_ctx *c = ctx;
	size_t before = c->log->bytes;
	struct post_rec cp;
	enum cib_err err = CIB_OK;

	if (kind == 0 && c->m->texts_apart) {
		const struct post_rec *r = rec;
		uint64_t origin = mpi_texts_origin(c->piece, c->seq++);

		if (c->m->ids.on)
			err = mpi_ids_add(&c->m->ids, origin,
					  (unsigned)r->platform, r->id,
					  r->account_id, r->time);
		if (!err)
			err = keep_text(c, r, origin, &cp);
		rec = &cp;
	}
	if (!err)
		err = kind == 0 ? log_post(c->log, rec)
				: log_account(c->log, rec);

	if (err)
		return err;
	return pump_added(c->sv, c->log->bytes - before);
}

/* ---- replay --------------------------------------------------------- */

struct rd {
	const char *p, *end;
	int bad;
};

static uint32_t get_u32(struct rd *r)
{
	uint32_t v = 0;

	if (r->end - r->p < 4) {
		r->bad = 1;
		return 0;
	}
	memcpy(&v, r->p, 4);
	r->p += 4;
	return v;
}

static int64_t get_i64(struct rd *r)
{
	int64_t v = 0;

	if (r->end - r->p < 8) {
		r->bad = 1;
		return 0;
	}
	memcpy(&v, r->p, 8);
	r->p += 8;
	return v;
}

static unsigned get_u8(struct rd *r)
{
	if (r->p >= r->end) {
		r->bad = 1;
		return 0;
	}
	return (unsigned char)*r->p++;
}

static const char *get_str(struct rd *r)
{
	uint32_t n = get_u32(r);
	const char *s;

	if (r->bad || n == UINT32_MAX)
		return NULL;
	if ((size_t)(r->end - r->p) < (size_t)n + 1 || r->p[n] != '\0') {
		r->bad = 1;
		return NULL;
	}
	s = r->p;
	r->p += n + 1;
	return s;
}

struct replay {
	const char **ent_str;
	enum entity_type *ent_type;
	size_t ent_cap;
	struct mpi_ingest *m;
	uint64_t piece, seq; /* the piece replayed, its post records so far */
};

/* Rank 0, texts apart: the origin of the post just stored at row (its
 * text's key on the owner), or MPI_TEXTS_NONE when it has no text. */
static enum cib_err note_origin(struct mpi_ingest *m, size_t row,
				uint64_t origin)
{
	if (row >= m->origin_cap) {
		size_t nc = m->origin_cap ? m->origin_cap * 2 : 1 << 16;
		uint64_t *o = realloc(m->origin, nc * sizeof(*o));

		if (!o)
			return CIB_ENOMEM;
		m->origin = o;
		m->origin_cap = nc;
	}
	m->origin[row] = origin;
	return CIB_OK;
}

/* Rank 0, ids apart: a post record stored without its id (never a
 * duplicate here: mpi_ingest_settle_ids drops those), counted as
 * ingest_add_post counts. */
static enum cib_err add_unkeyed(struct ingest *in, const struct post_rec *r)
{
	uint32_t at;
	enum cib_err err;

	if (!r->account_id || !*r->account_id || r->time == TIME_NONE)
		return CIB_EINTERNAL; /* the parsing rank checked them */
	err = dataset_add_post_unkeyed(in->ds, r, &at);
	if (!err && in->cur) {
		in->cur->records++;
		in->cur->posts++;
	}
	return err;
}

/* Rank 0, ids apart: an account record stored, its account marked (the
 * accounts only duplicates made go, not those a record made). */
static enum cib_err add_account(struct mpi_ingest *m, struct ingest *in,
				const struct account_rec *r)
{
	uint32_t idx = UINT32_MAX;
	enum cib_err err;

	if (!r->id || !*r->id)
		return CIB_EINTERNAL;
	err = dataset_add_account(in->ds, r, &idx);
	if (err)
		return err;
	if (in->cur)
		in->cur->accounts++;
	if (idx / 64 >= m->acc_rec_words) {
		size_t nw = m->acc_rec_words ? m->acc_rec_words * 2 : 1024;
		uint64_t *b;

		while (nw <= idx / 64)
			nw *= 2;
		b = realloc(m->acc_rec, nw * sizeof(*b));
		if (!b)
			return CIB_ENOMEM;
		memset(b + m->acc_rec_words, 0,
		       (nw - m->acc_rec_words) * sizeof(*b));
		m->acc_rec = b;
		m->acc_rec_words = nw;
	}
	m->acc_rec[idx / 64] |= UINT64_C(1) << (idx % 64);
	return CIB_OK;
}

/* Rank 0, ids checked (mpi_ids.h): the origin of the post stored at row
 * in input order, or of a record dropped as a duplicate. */
static enum cib_err note_ids(struct mpi_ingest *m, int added, size_t row,
			     uint64_t origin)
{
	uint64_t **v = added ? &m->row_origin : &m->dup_origin;
	size_t *cap = added ? &m->row_origin_cap : &m->dup_cap;
	size_t at = added ? row : m->n_dup;

	if (at >= *cap) {
		size_t nc = *cap ? *cap * 2 : 1 << 16;
		uint64_t *o = realloc(*v, nc * sizeof(*o));

		if (!o)
			return CIB_ENOMEM;
		*v = o;
		*cap = nc;
	}
	(*v)[at] = origin;
	if (!added)
		m->n_dup++;
	return CIB_OK;
}

static enum cib_err replay_block(struct replay *rp, struct ingest *in,
				 const char *buf, size_t len)
{
	struct rd r = { buf, buf + len, 0 };
	enum cib_err err = CIB_OK;

	while (!err && r.p < r.end) {
		uint32_t n = get_u32(&r);
		struct rd q;
		unsigned kind;

		if (r.bad || (size_t)(r.end - r.p) < n)
			return CIB_EINTERNAL;
		q.p = r.p;
		q.end = r.p + n;
		q.bad = 0;
		r.p += n;
		kind = get_u8(&q);
		if (kind == 0) {
			struct post_rec pr;
			uint32_t ne;

			post_rec_init(&pr);
			pr.platform = (enum platform)get_u8(&q);
			pr.kind = (enum post_kind)get_u8(&q);
			pr.flags = get_u32(&q);
			pr.time = get_i64(&q);
			pr.likes = get_i64(&q);
			pr.reposts = get_i64(&q);
			pr.replies = get_i64(&q);
			pr.quotes = get_i64(&q);
			pr.id = get_str(&q);
			pr.account_id = get_str(&q);
			pr.text = get_str(&q);
			pr.lang = get_str(&q);
			pr.client = get_str(&q);
			pr.ref_post = get_str(&q);
			pr.ref_account = get_str(&q);
			ne = get_u32(&q);
			if (q.bad || ne > n)
				return CIB_EINTERNAL;
			if (ne > rp->ent_cap) {
				size_t nc = ne * 2u;
				const char **s = realloc(
					rp->ent_str, nc * sizeof(*s));
				enum entity_type *t;

				if (!s)
					return CIB_ENOMEM;
				rp->ent_str = s;
				t = realloc(rp->ent_type, nc * sizeof(*t));
				if (!t)
					return CIB_ENOMEM;
				rp->ent_type = t;
				rp->ent_cap = nc;
			}
			for (uint32_t k = 0; k < ne; k++) {
				rp->ent_type[k] = (enum entity_type)get_u8(&q);
				rp->ent_str[k] = get_str(&q);
			}
			if (q.bad)
				return CIB_EINTERNAL;
			pr.ent_str = rp->ent_str;
			pr.ent_type = rp->ent_type;
			pr.n_ent = ne;
			if (rp->m->texts_apart) {
				/* the record kept where it was parsed: for a
				 * text, counts or both (keep_text) */
				size_t row = in->ds->post.n;
				uint64_t o = pr.text || post_has_counts(&pr) ||
							     rp->m->ids_apart
						     ? mpi_texts_origin(
							       rp->piece,
							       rp->seq)
						     : MPI_TEXTS_NONE;

				uint64_t full = mpi_texts_origin(rp->piece,
								 rp->seq);

				if (pr.text)
					o |= MPI_TEXTS_HAS_TEXT;

				rp->seq++;
				pr.text = NULL;
				err = rp->m->ids_apart ? add_unkeyed(in, &pr)
						       : ingest_add_post(in, &pr);
				if (!err && in->ds->post.n > row)
					err = note_origin(rp->m, row, o);
				if (!err && rp->m->ids.on &&
				    !rp->m->ids_apart)
					err = note_ids(rp->m,
						       in->ds->post.n > row,
						       row, full);
				continue;
			}
			err = ingest_add_post(in, &pr);
		} else if (kind == 1) {
			struct account_rec ar;

			account_rec_init(&ar);
			ar.platform = (enum platform)get_u8(&q);
			ar.created = get_i64(&q);
			ar.followers = get_i64(&q);
			ar.following = get_i64(&q);
			ar.seen_at = get_i64(&q);
			ar.id = get_str(&q);
			ar.handle = get_str(&q);
			ar.name = get_str(&q);
			ar.description = get_str(&q);
			ar.location = get_str(&q);
			ar.lang = get_str(&q);
			if (q.bad)
				return CIB_EINTERNAL;
			err = rp->m->ids_apart ? add_account(rp->m, in, &ar)
					       : ingest_add_account(in, &ar);
		} else {
			return CIB_EINTERNAL;
		}
	}
	return err;
}

/* ---- the plan ------------------------------------------------------- */

static int splittable(int fmt)
{
	return fmt == FORMAT_JSONL || fmt == FORMAT_IOARCHIVE_TWEETS ||
	       fmt == FORMAT_IOARCHIVE_USERS;
}

/* The format read_source (collectors/ingest.c) would pick for this head. */
static int detect(const struct ingest *in, enum cib_format fmt,
		  const char *head, size_t n)
{
	if (fmt != FORMAT_AUTO)
		return fmt;
	if (in->opts.table_map && table_map_matches(in->opts.table_map, head, n))
		return FORMAT_TABLE;
	return ingest_detect(head, n);
}

/* Whether the compressed file `path` holds what only rank 0 reads: a
 * share table or a crawl in gzip data, a share table in a zip member
 * (a crawl in a zip is passed over by every reader). Decided on the
 * inflated head, as read_source would. 0 when the file cannot be opened
 * or walked: the piece's owner then reports the error in the order. */
static int archive_direct(const struct ingest *in, enum cib_format fmt,
			  const char *path)
{
	struct source s, mb;
	struct source_zip z;
	const char *h;
	size_t n;
	int f, direct = 0;

	if (source_open(&s, path) != CIB_OK)
		return 0;
	if (s.kind == SOURCE_GZIP && source_peek(&s, &h, &n) == CIB_OK &&
	    n > 0) {
		f = detect(in, fmt, h, n);
		direct = f == FORMAT_TABLE || f == FORMAT_WARC;
	} else if (s.kind == SOURCE_ZIP &&
		   source_zip_open(&z, &s, in->opts.max_document) == CIB_OK) {
		while (!direct && source_zip_next(&z, &mb) == CIB_OK) {
			if (source_peek(&mb, &h, &n) == CIB_OK && n > 0 &&
			    !source_archive_magic(h, n))
				direct = detect(in, fmt, h, n) == FORMAT_TABLE;
			source_close(&mb);
		}
		source_zip_close(&z);
	}
	source_close(&s);
	return direct;
}

static enum cib_err plan_build(const struct mpi_ingest *m,
			       const struct ingest *in, char *const *files,
			       int nfiles, enum cib_format fmt,
			       struct piece **out, size_t *nout)
{
	size_t split = m->split_bytes ? m->split_bytes
				      : MPI_INGEST_SPLIT_DEFAULT;
	struct piece *pc = NULL;
	size_t n = 0, cap = 0;
	char *head = malloc(SOURCE_PEEK);
	uint64_t total = 0, cum = 0;

	if (!head)
		return CIB_ENOMEM;
	for (int i = 0; i < nfiles; i++) {
		struct stat st;
		struct piece p;
		uint64_t k = 1;

		memset(&p, 0, sizeof(p));
		p.file = i;
		p.kind = PIECE_DIRECT;
		p.fmt = FORMAT_AUTO;
		if (strcmp(files[i], "-") != 0 && stat(files[i], &st) == 0 &&
		    S_ISREG(st.st_mode)) {
			int fd = open(files[i], O_RDONLY);
			ssize_t got = fd >= 0 ? pread(fd, head, SOURCE_PEEK, 0)
					      : -1;
			int f;

			if (fd >= 0)
				close(fd);
			p.kind = PIECE_WHOLE;
			p.fsize = (uint64_t)st.st_size;
			p.hi = p.fsize;
			if (got > 0 && source_archive_magic(head, (size_t)got)) {
				if (archive_direct(in, fmt, files[i]))
					p.kind = PIECE_DIRECT;
			} else if (got > 0) {
				f = detect(in, fmt, head, (size_t)got);
				p.fmt = f;
				if (f == FORMAT_TABLE || f == FORMAT_WARC)
					p.kind = PIECE_DIRECT;
				else if (splittable(f) && split > 0 &&
					 p.fsize >= split &&
					 /* a JSON document is read whole */
					 (f != FORMAT_JSONL ||
					  jsonread_head_is_lines(
						  head, (size_t)got))) {
					p.kind = PIECE_SPLIT;
					p.csv = f != FORMAT_JSONL;
					k = (p.fsize + split - 1) / split;
				}
			}
		}
		if (n + k > cap) {
			size_t nc = (n + k) * 2;
			struct piece *np = realloc(pc, nc * sizeof(*np));

			if (!np) {
				free(pc);
				free(head);
				return CIB_ENOMEM;
			}
			pc = np;
			cap = nc;
		}
		for (uint64_t j = 0; j < k; j++) {
			pc[n] = p;
			if (p.kind == PIECE_SPLIT) {
				pc[n].lo = p.fsize * j / k;
				pc[n].hi = p.fsize * (j + 1) / k;
			}
			n++;
		}
	}
	free(head);
	for (size_t i = 0; i < n; i++)
		if (pc[i].kind != PIECE_DIRECT)
			total += pc[i].hi - pc[i].lo + 1;
	/* contiguous runs balanced by bytes: a piece goes to the rank its
	 * midpoint falls in. With several ranks, rank 0 parses nothing: it
	 * stores every record (the one step that cannot be shared) while the
	 * others parse, so the parse runs beside the store as the two
	 * threads of a single-process read do */
	for (size_t i = 0; i < n; i++) {
		uint64_t w;
		double mid;
		int o;

		if (pc[i].kind == PIECE_DIRECT) {
			pc[i].owner = 0;
			continue;
		}
		w = pc[i].hi - pc[i].lo + 1;
		mid = ((double)cum + (double)w / 2) / (double)total;
		o = m->size > 1 ? 1 + (int)(mid * (m->size - 1)) : 0;
		pc[i].owner = o < 0 ? 0 : o >= m->size ? m->size - 1 : o;
		cum += w;
	}
	*out = pc;
	*nout = n;
	return CIB_OK;
}

/* ---- byte ranges ---------------------------------------------------- */

#define SCAN_BUF ((size_t)1 << 20)

struct header_cache {
	int64_t file; /* -1: none yet */
	uint64_t h, hl;
};

/* Quotes and newlines in [lo, hi) of the file. */
static enum cib_err count_range(int fd, uint64_t lo, uint64_t hi, char *buf,
				uint64_t *quotes, uint64_t *lines)
{
	*quotes = *lines = 0;
	while (lo < hi) {
		size_t want = hi - lo < SCAN_BUF ? (size_t)(hi - lo) : SCAN_BUF;
		ssize_t got = pread(fd, buf, want, (off_t)lo);

		if (got <= 0)
			return CIB_EIO;
		for (ssize_t i = 0; i < got; i++) {
			*quotes += buf[i] == '"';
			*lines += buf[i] == '\n';
		}
		lo += (uint64_t)got;
	}
	return CIB_OK;
}

/* The first record boundary just past a newline at a position in
 * [pos, limit), met outside quotes (CSV: quote state `inq` at pos,
 * toggled by every '"'; JSONL: any newline, `inq` not read - a JSON
 * string's escaped quotes would give it the wrong parity, and every
 * newline of a JSONL file ends a record); UINT64_MAX when there is none.
 * *lines counts the newlines in [pos, boundary). */
static enum cib_err resync(int fd, uint64_t pos, uint64_t limit, int csv,
			   int inq, char *buf, uint64_t *at, uint64_t *lines,
			   uint64_t *scanned)
{
	/* reads from 4 KiB up, doubling: a boundary is most often a short
	 * record away, and a long record costs at most twice its bytes */
	size_t chunk = (size_t)4 << 10;

	*lines = 0;
	if (!csv)
		inq = 0;
	while (pos < limit) {
		size_t want = limit - pos < chunk ? (size_t)(limit - pos) : chunk;
		ssize_t got = pread(fd, buf, want, (off_t)pos);

		if (got <= 0)
			return CIB_EIO;
		*scanned += (uint64_t)got;
		if (chunk < SCAN_BUF)
			chunk *= 2;
		for (ssize_t i = 0; i < got; i++) {
			if (csv && buf[i] == '"')
				inq = !inq;
			else if (buf[i] == '\n') {
				++*lines;
				if (!inq) {
					*at = pos + (uint64_t)i + 1;
					return CIB_OK;
				}
			}
		}
		pos += (uint64_t)got;
	}
	*at = UINT64_MAX;
	return CIB_OK;
}

/* The end of a CSV file's header record (*h) and the newlines in it
 * (*hl), found once per file: every piece of the file reads behind it.
 * hc->file is -1 until the first. */
static enum cib_err header_end(int fd, const struct piece *pc,
			       struct header_cache *hc, char *buf,
			       uint64_t *h, uint64_t *hl, uint64_t *scanned)
{
	if (hc->file != (int64_t)pc->file) {
		enum cib_err err = resync(fd, 0, pc->fsize, 1, 0, buf, &hc->h,
					  &hc->hl, scanned);

		if (err)
			return err;
		if (hc->h == UINT64_MAX)
			hc->h = pc->fsize;
		hc->file = (int64_t)pc->file;
	}
	*h = hc->h;
	*hl = hc->hl;
	return CIB_OK;
}

/* ---- parsing one piece ---------------------------------------------- */

static void piece_fail(struct plog *l, const struct ingest *in,
		       const char *path, enum cib_err err)
{
	l->err = err;
	if (in->errmsg[0])
		snprintf(l->msg, sizeof(l->msg), "%s", in->errmsg);
	else if (err == CIB_EIO && errno)
		snprintf(l->msg, sizeof(l->msg), "cannot read '%s': %s", path,
			 strerror(errno));
	else
		snprintf(l->msg, sizeof(l->msg), "'%s': %s", path,
			 cib_strerror(err));
}

/* A byte range of a plain file: its records from the first boundary at or
 * after lo to the first at or after hi, behind the file's header record
 * (CSV). Diag lines are moved to the file's own numbering. A range with
 * no boundary in it holds no record's start (the piece before reads the
 * record across it): its scan stops at hi, so a record far longer than
 * the pieces is scanned by one piece, not by each it spans. */
static enum cib_err parse_split(struct ingest *in, const char *path,
				const struct piece *pc, uint64_t q_before,
				uint64_t q_to, uint64_t nl_before, char *buf,
				struct header_cache *hc, struct plog *l,
				struct mpi_ingest_stats *st)
{
	int fd = open(path, O_RDONLY);
	uint64_t s = 0, e = pc->fsize, h = 0, hl = 0, skip = 0, x;
	uint64_t base = 0;
	struct source src;
	enum cib_err err = CIB_OK;
	char *mem = NULL;
	size_t n0 = in->diag ? in->diag->n_kept : 0, len;

	if (fd < 0) {
		in->errmsg[0] = '\0';
		piece_fail(l, in, path, CIB_EIO);
		return CIB_EIO;
	}
	if (pc->lo > 0) {
		err = resync(fd, pc->lo, pc->hi, pc->csv, (int)(q_before & 1),
			     buf, &s, &skip, &st->bytes_scanned);
		if (!err && s == UINT64_MAX) {
			close(fd);
			return CIB_OK;
		}
		base = nl_before + skip;
		if (!err && pc->csv)
			err = header_end(fd, pc, hc, buf, &h, &hl,
					 &st->bytes_scanned);
		if (s < h)
			s = h;
	}
	if (!err && pc->hi < pc->fsize) {
		err = resync(fd, pc->hi, pc->fsize, pc->csv, (int)(q_to & 1), buf,
			     &e, &x, &st->bytes_scanned);
		if (e == UINT64_MAX)
			e = pc->fsize;
	}
	if (err || e <= s) {
		close(fd);
		if (err) {
			in->errmsg[0] = '\0';
			piece_fail(l, in, path, err);
		}
		return err;
	}
	len = (size_t)(h + (e - s));
	mem = malloc(len + 1);
	if (!mem) {
		close(fd);
		return CIB_ENOMEM;
	}
	for (uint64_t off = 0; !err && off < h;) {
		ssize_t got = pread(fd, mem + off, (size_t)(h - off), (off_t)off);

		if (got <= 0)
			err = CIB_EIO;
		else
			off += (uint64_t)got;
	}
	for (uint64_t off = 0; !err && off < e - s;) {
		ssize_t got = pread(fd, mem + h + off, (size_t)(e - s - off),
				    (off_t)(s + off));

		if (got <= 0)
			err = CIB_EIO;
		else
			off += (uint64_t)got;
	}
	close(fd);
	mem[len] = '\0';
	st->bytes_parsed += e - s;
	if (!err)
		err = source_open_mem(&src, path, mem, len);
	if (!err) {
		/* a JSONL range may begin with a blank or a broken line: the
		 * file's first lines said it is lines */
		in->jsonl_lines = !pc->csv;
		err = ingest_source(in, &src, (enum cib_format)pc->fmt);
		in->jsonl_lines = 0;
		source_close(&src);
		if (err)
			piece_fail(l, in, path, err);
	} else {
		in->errmsg[0] = '\0';
		piece_fail(l, in, path, err);
	}
	free(mem);
	/* the reader numbered lines from the piece's start, header first */
	if (in->diag && pc->lo > 0)
		for (size_t i = n0; i < in->diag->n_kept; i++) {
			struct diag_entry *de = &in->diag->kept[i];

			if (de->line > hl)
				de->line = de->line - hl + base;
		}
	return err;
}

static enum cib_err parse_whole(struct ingest *in, const char *path,
				const struct piece *pc, enum cib_format fmt,
				struct plog *l, uint64_t *bytes)
{
	enum cib_err err = ingest_file(in, path, fmt);

	*bytes += pc->fsize;
	if (err)
		piece_fail(l, in, path, err);
	return err;
}

/* ---- the run -------------------------------------------------------- */

static void diag_merge(struct diag *d, const struct diag *o)
{
	d->n_bad += o->n_bad;
	d->other_reasons += o->other_reasons;
	for (size_t i = 0; i < o->n_kept && d->n_kept < DIAG_KEEP; i++)
		d->kept[d->n_kept++] = o->kept[i];
	for (size_t i = 0; i < o->n_reasons; i++) {
		size_t j;

		for (j = 0; j < d->n_reasons; j++)
			if (!strcmp(d->reasons[j].reason, o->reasons[i].reason))
				break;
		if (j < d->n_reasons)
			d->reasons[j].count += o->reasons[i].count;
		else if (d->n_reasons < DIAG_REASONS)
			d->reasons[d->n_reasons++] = o->reasons[i];
		else
			d->other_reasons += o->reasons[i].count;
	}
}

static uint64_t skipped_members(const struct ingest *in, size_t from)
{
	uint64_t k = 0;

	for (size_t i = from; i < in->n_files; i++)
		k += in->files[i].skipped != NULL;
	return k;
}

/* Agreement on the outcome: rank 0's err and message to everyone. */
static enum cib_err agree(struct mpi_ingest *m, enum cib_err err)
{
	int v = (int)err;
	MPI_Request rq;

	if (MPI_Ibcast(&v, 1, MPI_INT, 0, m->comm, &rq) != MPI_SUCCESS ||
	    mpi_ingest_wait(&rq) != MPI_SUCCESS)
		return CIB_EIO;
	return (enum cib_err)v;
}

/* rank > 0: the logs of its pieces, sent as rank 0 asks for them. While
 * parsing, a rank that holds more than cap bytes of log waits for rank 0
 * to ask and sends what it has (whole blocks), so its memory stays bounded
 * whatever its share. Messages for one piece: a header {err, len, last},
 * then len bytes of block (or, with err, of message); last ends it. */
struct server {
	struct mpi_ingest *m;
	struct plog *logs;
	const struct piece *pc;
	size_t np;
	size_t next;   /* earliest own piece not yet sent whole (np: none) */
	int serving;   /* rank 0 asked for `next` and takes its blocks */
	int stopped;   /* rank 0 said stop */
	int failed;    /* communication failed */
	int parsing;   /* still parsing its pieces */
	size_t held, cap;
};

static size_t next_own(const struct server *sv, size_t from)
{
	while (from < sv->np && (sv->pc[from].owner != sv->m->rank ||
				 sv->pc[from].kind == PIECE_DIRECT))
		from++;
	return from;
}

static void wait_ctl(struct server *sv)
{
	int64_t ctl;
	MPI_Request rq;

	if (MPI_Irecv(&ctl, 1, MPI_INT64_T, 0, TAG_CTL, sv->m->comm, &rq) !=
		    MPI_SUCCESS ||
	    mpi_ingest_wait(&rq) != MPI_SUCCESS) {
		sv->failed = 1;
		return;
	}
	if (ctl < 0 || (uint64_t)ctl != sv->next)
		sv->stopped = 1;
	else
		sv->serving = 1;
}

/* A send to rank 0 that sleeps while rank 0 is busy storing the previous
 * block (a blocking MPI_Send of a large message polls a core the whole
 * time). */
static int send0(struct server *sv, const void *buf, int n, MPI_Datatype t,
		 int tag)
{
	MPI_Request rq;

	return MPI_Isend(buf, n, t, 0, tag, sv->m->comm, &rq) == MPI_SUCCESS &&
	       mpi_ingest_wait(&rq) == MPI_SUCCESS;
}

static int send_hdr(struct server *sv, int64_t err, int64_t len, int64_t last)
{
	int64_t hdr[3] = { err, len, last };

	return send0(sv, hdr, 3, MPI_INT64_T, TAG_HDR);
}

/* Sends the blocks of piece `next` from the first unsent one, all of them
 * or all but the last (still being filled); then, for a piece parsed to
 * its end, the closing header. */
static void send_blocks(struct server *sv, int whole)
{
	struct plog *l = &sv->logs[sv->next];
	size_t end = whole ? l->n : (l->n ? l->n - 1 : 0);

	for (; l->sent < end && !sv->failed; l->sent++) {
		struct block *b = &l->b[l->sent];

		if (!send_hdr(sv, 0, (int64_t)b->len, 0) ||
		    !send0(sv, b->buf, (int)b->len, MPI_BYTE, TAG_BLOCK)) {
			sv->failed = 1;
			return;
		}
		sv->m->st.log_bytes += b->len;
		if (sv->parsing)
			sv->m->st.log_early += b->len;
		sv->held -= b->len;
		free(b->buf);
		b->buf = NULL;
	}
	if (!whole || sv->failed)
		return;
	if (l->err) {
		int len = (int)strlen(l->msg);

		if (!send_hdr(sv, l->err, len, 1) ||
		    !send0(sv, l->msg, len, MPI_CHAR, TAG_MSG))
			sv->failed = 1;
	} else if (!send_hdr(sv, 0, 0, 1)) {
		sv->failed = 1;
	}
	plog_free(l);
	sv->serving = 0;
	sv->next = next_own(sv, sv->next + 1);
}

static enum cib_err pump_added(struct server *sv, size_t added)
{
	sv->held += added;
	if (sv->held > sv->m->st.log_peak)
		sv->m->st.log_peak = sv->held;
	while (sv->held > sv->cap && !sv->stopped && !sv->failed &&
	       sv->next < sv->np) {
		struct plog *l = &sv->logs[sv->next];
		size_t sent = l->sent;

		if (!sv->serving) {
			wait_ctl(sv);
			continue;
		}
		send_blocks(sv, l->done);
		if (!l->done && l->sent == sent)
			break; /* only the block being filled is left */
	}
	if (sv->failed)
		return CIB_EIO;
	/* rank 0 stopped at an earlier failure: stop reading */
	return sv->stopped ? CIB_EINTERNAL : CIB_OK;
}

/* after parsing: the rest, piece by piece as asked, then the report */
static enum cib_err serve_rest(struct server *sv, const struct ingest *in)
{
	struct mpi_ingest *m = sv->m;
	double t0 = cib_seconds();

	while (!sv->stopped && !sv->failed) {
		if (sv->next < sv->np && sv->logs[sv->next].done &&
		    sv->serving) {
			send_blocks(sv, 1);
			continue;
		}
		wait_ctl(sv); /* past the last piece: the stop */
		if (sv->serving && !sv->logs[sv->next].done)
			sv->stopped = 1; /* never parsed: cannot happen */
	}
	if (sv->failed)
		return CIB_EIO;
	m->st.serve_seconds = cib_seconds() - t0;
	if (!send0(sv, &m->st, (int)sizeof(m->st), MPI_BYTE, TAG_FINAL) ||
	    !send0(sv, in->diag, in->diag ? (int)sizeof(*in->diag) : 0,
		   MPI_BYTE, TAG_FINAL))
		return CIB_EIO;
	return CIB_OK;
}

/* rank 0: a remote piece's log, replayed; after a failure of its own the
 * rest of the piece's messages are still taken, so that the owner is never
 * left blocked in a send */
static enum cib_err fetch(struct mpi_ingest *m, struct ingest *in,
			  size_t i, int owner, struct replay *rp, char **buf,
			  size_t *cap)
{
	int64_t ctl = (int64_t)i, hdr[3];
	enum cib_err err = CIB_OK;

	if (MPI_Send(&ctl, 1, MPI_INT64_T, owner, TAG_CTL, m->comm) !=
	    MPI_SUCCESS)
		return CIB_EIO;
	for (;;) {
		int len;
		MPI_Request rq;

		/* the owner may still be parsing: wait without polling */
		if (MPI_Irecv(hdr, 3, MPI_INT64_T, owner, TAG_HDR, m->comm,
			      &rq) != MPI_SUCCESS ||
		    mpi_ingest_wait(&rq) != MPI_SUCCESS)
			return CIB_EIO;
		if (hdr[0]) {
			len = (int)hdr[1];
			if (len < 0 || (size_t)len >= sizeof(m->errmsg))
				len = (int)sizeof(m->errmsg) - 1;
			if (MPI_Recv(m->errmsg, len, MPI_CHAR, owner, TAG_MSG,
				     m->comm, MPI_STATUS_IGNORE) != MPI_SUCCESS)
				return CIB_EIO;
			m->errmsg[len] = '\0';
			return err ? err : (enum cib_err)hdr[0];
		}
		if (hdr[1] > 0) {
			if ((size_t)hdr[1] > *cap) {
				char *nb = realloc(*buf, (size_t)hdr[1]);

				/* the owner waits to hand over this block,
				 * and nothing else can make it stop: end
				 * the job rather than hang it */
				if (!nb)
					mpi_fatal(m->comm, "reading the "
						  "inputs: room on rank 0 "
						  "for a log block an owner "
						  "is waiting to hand over");
				*buf = nb;
				*cap = (size_t)hdr[1];
			}
			if (MPI_Recv(*buf, (int)hdr[1], MPI_BYTE, owner,
				     TAG_BLOCK, m->comm, MPI_STATUS_IGNORE) !=
			    MPI_SUCCESS)
				return CIB_EIO;
			if (!err)
				err = replay_block(rp, in, *buf, (size_t)hdr[1]);
			if (err && !m->errmsg[0])
				snprintf(m->errmsg, sizeof(m->errmsg),
					 "storing records read by rank %d: %s",
					 owner, cib_strerror(err));
		}
		if (hdr[2])
			return err;
	}
}

/* One mpi_ingest_run: its inputs, the plan and what the stages share. */
struct run {
	struct mpi_ingest *m;
	struct ingest *in;
	char *const *files;
	enum cib_format fmt;
	struct piece *pc;
	size_t np;
	size_t first_remote; /* first piece rank 0 does not parse itself */
	uint64_t *cnt;       /* per piece: quote count, newline count */
	struct plog *logs;
	char *buf;           /* SCAN_BUF bytes of scratch */
	struct header_cache hc; /* the last CSV file's header end */
	struct server sv;
	struct sink_ctx sc;
};

/* The plan from rank 0 to every rank, and every rank's buffers; out of
 * memory on any rank stops all, agreed before going on. */
static enum cib_err run_plan(struct run *r, int nfiles)
{
	struct mpi_ingest *m = r->m;
	enum cib_err err = CIB_OK;
	int64_t npl = 0;
	int bad, any = 0;

	if (m->rank == 0) {
		err = plan_build(m, r->in, r->files, nfiles, r->fmt, &r->pc,
				 &r->np);
		npl = err ? -1 : (int64_t)r->np;
	}
	if (MPI_Bcast(&npl, 1, MPI_INT64_T, 0, m->comm) != MPI_SUCCESS)
		return CIB_EIO;
	if (npl < 0)
		return CIB_ENOMEM;
	r->np = (size_t)npl;
	m->n_pieces = r->np;
	if (m->rank != 0)
		r->pc = calloc(r->np + 1, sizeof(*r->pc));
	r->logs = calloc(r->np + 1, sizeof(*r->logs));
	r->cnt = calloc(2 * r->np + 2, sizeof(*r->cnt));
	r->buf = malloc(SCAN_BUF);
	if (!r->pc || !r->logs || !r->cnt || !r->buf)
		err = CIB_ENOMEM;
	bad = err != CIB_OK;
	if (MPI_Allreduce(&bad, &any, 1, MPI_INT, MPI_MAX, m->comm) !=
	    MPI_SUCCESS)
		any = 1;
	if (any)
		return err ? err : CIB_ENOMEM;
	if (r->np && MPI_Bcast(r->pc, (int)(r->np * sizeof(*r->pc)), MPI_BYTE,
			       0, m->comm) != MPI_SUCCESS)
		return CIB_EIO;
	/* the texts stay where they are parsed when rank 0 parses none */
	m->texts_apart = m->size > 1 &&
			 r->np < ((uint64_t)1 << MPI_TEXTS_PIECE_BITS);
	for (size_t i = 0; i < r->np; i++)
		if (r->pc[i].kind == PIECE_DIRECT || r->pc[i].owner == 0)
			m->texts_apart = 0;
	/* the ids apart from 3 ranks on: with 2, the one parsing rank
	 * would be every record's id owner and author owner too, and it
	 * holds more than rank 0 already (docs/scale.md 2, "Post ids") */
	m->ids.on = m->texts_apart && m->ids_want != 0 &&
		    (m->ids_want > 0 || m->size >= 3);
	m->ids_apart = m->ids.on && m->ids_want != 1;
	return CIB_OK;
}

/* Quote parity and line counts of every byte range, all-reduced: each
 * rank scans its own ranges. */
static enum cib_err run_count(struct run *r)
{
	uint64_t nsplit = 0;

	for (size_t i = 0; i < r->np; i++) {
		const struct piece *p = &r->pc[i];
		int fd;

		nsplit += p->kind == PIECE_SPLIT;
		if (p->kind != PIECE_SPLIT || p->owner != r->m->rank)
			continue;
		fd = open(r->files[p->file], O_RDONLY);
		if (fd < 0 || count_range(fd, p->lo, p->hi, r->buf,
					  &r->cnt[2 * i], &r->cnt[2 * i + 1]))
			r->cnt[2 * i] = r->cnt[2 * i + 1] = 0;
		if (fd >= 0)
			close(fd);
	}
	if (nsplit && MPI_Allreduce(MPI_IN_PLACE, r->cnt, (int)(2 * r->np),
				    MPI_UINT64_T, MPI_SUM, r->m->comm) !=
			      MPI_SUCCESS)
		return CIB_EIO;
	return CIB_OK;
}

/* Piece i (this rank's) parsed: stored directly on rank 0, logged on the
 * others. A piece that fails keeps its error in its log. */
static enum cib_err run_parse_piece(struct run *r, size_t i)
{
	const struct piece *p = &r->pc[i];
	const char *path = r->files[p->file];
	struct plog *l = &r->logs[i];
	uint64_t qb = 0, nb = 0;
	enum cib_err e;

	r->sc.log = l;
	/* blocks of a quarter of the cap (at most MPI_INGEST_BLOCK), so that
	 * a rank at its cap always has whole blocks to send */
	l->bsize = r->sv.cap / 4 < MPI_INGEST_BLOCK ? r->sv.cap / 4
						    : MPI_INGEST_BLOCK;
	if (l->bsize < 4096)
		l->bsize = 4096;
	r->m->st.pieces++;
	r->sc.piece = i;
	r->sc.seq = 0;
	if (p->kind != PIECE_SPLIT) {
		e = parse_whole(r->in, path, p, r->fmt, l,
				&r->m->st.bytes_parsed);
	} else {
		for (size_t j = 0; j < i; j++)
			if (r->pc[j].file == p->file) {
				qb += r->cnt[2 * j];
				nb += r->cnt[2 * j + 1];
			}
		e = parse_split(r->in, path, p, qb, qb + r->cnt[2 * i], nb,
				r->buf, &r->hc, l, &r->m->st);
	}
	l->done = 1;
	if (e && !l->err)
		piece_fail(l, r->in, path, e);
	return e;
}

/* Every piece this rank parses: rank 0 its own (the first ones), the
 * others theirs but the ones rank 0 reads itself; a failure stops the
 * rank there (rank 0 reports it in the order). */
static void run_parse(struct run *r)
{
	struct mpi_ingest *m = r->m;
	double t0 = cib_seconds();

	for (r->first_remote = 0; r->first_remote < r->np; r->first_remote++)
		if (r->pc[r->first_remote].kind != PIECE_DIRECT &&
		    r->pc[r->first_remote].owner != 0)
			break;
	memset(&r->sv, 0, sizeof(r->sv));
	r->sv.m = m;
	r->sv.logs = r->logs;
	r->sv.pc = r->pc;
	r->sv.np = r->np;
	r->sv.cap = m->log_cap ? m->log_cap : MPI_INGEST_LOG_CAP;
	r->sv.next = next_own(&r->sv, 0);
	r->sv.parsing = 1;
	r->sc.sv = &r->sv;
	r->sc.m = m;
	if (m->rank != 0) {
		r->in->sink = sink_fn;
		r->in->sink_ctx = &r->sc;
	}
	for (size_t i = 0; i < r->np; i++) {
		const struct piece *p = &r->pc[i];

		if (m->rank == 0 ? i >= r->first_remote
				 : (p->owner != m->rank ||
				    p->kind == PIECE_DIRECT))
			continue;
		if (run_parse_piece(r, i))
			break;
	}
	r->in->sink = NULL;
	r->in->sink_ctx = NULL;
	r->sv.parsing = 0;
	/* the readers' own counts (rank 0 stores, the others log) */
	for (size_t i = 0; i < r->in->n_files; i++)
		m->st.records += r->in->files[i].records;
	m->st.parse_seconds = cib_seconds() - t0;
	m->st.skipped = skipped_members(r->in, 0);
}

/* Rank 0: its own pieces' outcome, then every other piece in the order,
 * read directly or replayed from its owner's log. */
static enum cib_err run_replay(struct run *r)
{
	struct mpi_ingest *m = r->m;
	struct replay rp = { NULL, NULL, 0, r->m, 0, 0 };
	char *rbuf = NULL;
	size_t rcap = 0;
	enum cib_err err = CIB_OK;

	for (size_t i = 0; i < r->first_remote && !err; i++)
		if (r->logs[i].err) {
			err = (enum cib_err)r->logs[i].err;
			snprintf(m->errmsg, sizeof(m->errmsg), "%s",
				 r->logs[i].msg);
		}
	for (size_t i = r->first_remote; i < r->np && !err; i++) {
		const char *path = r->files[r->pc[i].file];

		if (r->pc[i].kind == PIECE_DIRECT) {
			size_t f0 = r->in->n_files;

			err = ingest_file(r->in, path, r->fmt);
			if (err) {
				piece_fail(&r->logs[i], r->in, path, err);
				snprintf(m->errmsg, sizeof(m->errmsg), "%s",
					 r->logs[i].msg);
			}
			m->st.skipped += skipped_members(r->in, f0);
			continue;
		}
		rp.piece = i;
		rp.seq = 0;
		err = fetch(m, r->in, i, r->pc[i].owner, &rp, &rbuf, &rcap);
	}
	free(rp.ent_str);
	free(rp.ent_type);
	free(rbuf);
	return err;
}

/* Rank 0: stops every other rank and takes its report (stats and
 * malformed records, merged into rank 0's). */
static enum cib_err run_collect(struct run *r)
{
	struct mpi_ingest *m = r->m;
	struct ingest *in = r->in;
	enum cib_err err = CIB_OK;

	free(m->all);
	m->all = calloc((size_t)m->size, sizeof(*m->all));
	for (int q = 1; q < m->size; q++) {
		int64_t stop = -1;
		struct diag *dg = malloc(sizeof(*dg));

		if (!dg || MPI_Send(&stop, 1, MPI_INT64_T, q, TAG_CTL,
				    m->comm) != MPI_SUCCESS) {
			free(dg);
			err = CIB_EIO;
			continue;
		}
		if (MPI_Recv(m->all ? &m->all[q] : &m->st, (int)sizeof(m->st),
			     MPI_BYTE, q, TAG_FINAL, m->comm,
			     MPI_STATUS_IGNORE) != MPI_SUCCESS ||
		    MPI_Recv(dg, in->diag ? (int)sizeof(*dg) : 0, MPI_BYTE, q,
			     TAG_FINAL, m->comm, MPI_STATUS_IGNORE) !=
			    MPI_SUCCESS) {
			free(dg);
			err = CIB_EIO;
			continue;
		}
		if (in->diag)
			diag_merge(in->diag, dg);
		if (m->all)
			m->st.skipped += m->all[q].skipped;
		free(dg);
	}
	return err;
}

enum cib_err mpi_ingest_run(struct mpi_ingest *m, struct ingest *in,
			    char *const *files, int nfiles,
			    enum cib_format fmt)
{
	struct run r;
	enum cib_err err, e2;
	double t0;

	memset(&r, 0, sizeof(r));
	r.m = m;
	r.in = in;
	r.files = files;
	r.fmt = fmt;
	r.hc.file = -1;
	m->errmsg[0] = '\0';
	err = run_plan(&r, nfiles);
	if (!err && m->rank == 0 && m->texts_apart)
		/* the counts stay with the texts (keep_text), read by the
		 * owners' features only */
		in->ds->post_counts_apart = in->ds->post_texts_apart = 1;
	if (!err)
		err = run_count(&r);
	if (err)
		goto out;
	run_parse(&r);
	if (m->die_rank == m->rank)
		raise(SIGKILL);
	if (m->rank != 0) {
		err = serve_rest(&r.sv, in);
		e2 = agree(m, CIB_OK); /* every rank takes part */
		err = err ? err : e2;
		goto out;
	}
	t0 = cib_seconds();
	err = run_replay(&r);
	e2 = run_collect(&r);
	err = err ? err : e2;
	m->st.serve_seconds = cib_seconds() - t0;
	if (m->all)
		m->all[0] = m->st;
	if (err == CIB_EIO && !m->errmsg[0])
		snprintf(m->errmsg, sizeof(m->errmsg),
			 "lost contact with another rank while reading");
	if (!err && m->texts_apart) {
		/* every post came from a log: each has its origin */
		struct dataset *ds = in->ds;

		if (!ds->post.n) {
			free(m->origin);
		} else if (!m->origin) {
			err = CIB_EINTERNAL;
		} else {
			/* exactly a column: the doubling's slack returned */
			uint64_t *o = realloc(m->origin, ds->post.n *
							      sizeof(*o));

			ds->post.origin = o ? o : m->origin;
			m->origin = NULL;
		}
		m->origin = NULL;
		m->origin_cap = 0;
	}
	err = agree(m, err);
out:
	for (size_t i = 0; r.logs && i < r.np; i++)
		plog_free(&r.logs[i]);
	free(r.logs);
	free(r.cnt);
	free(r.buf);
	free(r.pc);
	return err;
}

/* ---- the posts' ids apart (mpi_ids.h) --------------------------------- */

/* Rank 0's row of origin o (its post.origin is in input order, so
 * ascending), or SIZE_MAX. */
static size_t row_of(const struct dataset *ds, uint64_t o)
{
	size_t lo = 0, hi = ds->post.n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if ((ds->post.origin[mid] & ~MPI_TEXTS_HAS_TEXT) < o)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < ds->post.n &&
			       (ds->post.origin[lo] & ~MPI_TEXTS_HAS_TEXT) == o
		       ? lo
		       : SIZE_MAX;
}

/* Rank 0: the duplicates and the accounts only they made dropped. */
static enum cib_err drop_duplicates(struct mpi_ingest *m, struct dataset *ds)
{
	size_t words = bits_words(ds->acc.n) + 1, nd = 0;
	uint64_t *dead = calloc(bits_words(ds->post.n) + 1, sizeof(*dead));
	uint64_t *keep = calloc(words, sizeof(*keep));
	enum cib_err err = CIB_OK;

	if (!dead || !keep) {
		err = CIB_ENOMEM;
		goto out;
	}
	if (m->acc_rec)
		memcpy(keep, m->acc_rec,
		       (m->acc_rec_words < words ? m->acc_rec_words : words) *
			       sizeof(*keep));
	for (size_t i = 0; i < m->ids.n_dead; i++) {
		size_t j = ds->post.origin ? row_of(ds, m->ids.dead[i])
					   : SIZE_MAX;

		if (j == SIZE_MAX) {
			err = CIB_EINTERNAL; /* a record rank 0 never got */
			goto out;
		}
		bits_set(dead, j);
	}
	if (m->ids.n_dead)
		err = dataset_drop_rows(ds, dead, keep, &nd);
out:
	free(dead);
	free(keep);
	free(m->acc_rec);
	m->acc_rec = NULL;
	m->acc_rec_words = 0;
	return err;
}

/* The strings rank 0's rows use, for the join. */
struct used {
	const struct dataset *ds;
	uint32_t *id;
	size_t n;
};

static const char *used_str(void *ctx, size_t k, uint32_t *len)
{
	const struct used *u = ctx;

	*len = strpool_len(&u->ds->strings, u->id[k]);
	return strpool_get(&u->ds->strings, u->id[k]);
}

static enum cib_err used_strings(struct dataset *ds, struct used *u)
{
	uint32_t *col[DS_STRING_COLUMNS];
	size_t len[DS_STRING_COLUMNS], ncol = dataset_string_columns(ds, col,
								     len);
	uint64_t *bit = calloc(bits_words(ds->strings.n) + 1, sizeof(*bit));

	u->ds = ds;
	u->n = 0;
	u->id = NULL;
	if (!bit)
		return CIB_ENOMEM;
	for (size_t c = 0; c < ncol; c++)
		for (size_t i = 0; i < len[c]; i++)
			if (col[c][i] != STR_NONE)
				bits_set(bit, col[c][i]);
	for (uint32_t s = 0; s < ds->strings.n; s++)
		u->n += bits_get(bit, s);
	u->id = malloc((u->n + 1) * sizeof(*u->id));
	if (u->id) {
		size_t k = 0;

		for (uint32_t s = 0; s < ds->strings.n; s++)
			if (bits_get(bit, s))
				u->id[k++] = s;
	}
	free(bit);
	return u->id ? CIB_OK : CIB_ENOMEM;
}

/* Rank 0: the posts the join found get their ids back (the join's
 * strings are indices in u's list), and the dataset its canonical order
 * with the posts' ranks. */
static enum cib_err settle(struct mpi_ingest *m, struct dataset *ds,
			   const struct used *u)
{
	uint32_t *tie = malloc((ds->post.n + 1) * sizeof(*tie));
	enum cib_err err;

	if (!tie)
		return CIB_ENOMEM;
	for (size_t i = 0; i < m->ids.n_match; i++) {
		const struct mpi_id_match *x = &m->ids.match[i];
		size_t j = row_of(ds, x->origin);

		if (j == SIZE_MAX || x->str >= u->n) {
			free(tie);
			return CIB_EINTERNAL;
		}
		if (ds->acc.platform[ds->post.account[j]] == x->platform)
			ds->post.id[j] = u->id[x->str];
	}
	for (size_t j = 0; j < ds->post.n; j++) {
		const struct mpi_id_tie *t = mpi_ids_find_tie(
			&m->ids, ds->post.origin[j] & ~MPI_TEXTS_HAS_TEXT);

		tie[j] = t ? t->rank : 0;
	}
	mpi_ids_release(&m->ids);
	err = dataset_canonical_order_ties(ds, tie, NULL);
	free(tie);
	return err;
}

enum cib_err mpi_ingest_settle_ids(struct mpi_ingest *m, struct ingest *in,
				   size_t round)
{
	struct used u = { in->ds, NULL, 0 };
	enum cib_err err, mine = CIB_OK;
	double t0 = cib_seconds();

	err = mpi_ids_exchange(&m->ids, m->comm, round);
	m->ids_dead = m->ids.n_dead;
	m->ids_tied = m->ids.n_tie;
	if (err) {
		snprintf(m->errmsg, sizeof(m->errmsg),
			 "deciding the posts' duplicates where they were "
			 "read: %s",
			 cib_strerror(err));
		return err;
	}
	memstep_mark("ids exchange");
	if (m->rank == 0) {
		mine = drop_duplicates(m, in->ds);
		if (!mine)
			mine = used_strings(in->ds, &u);
	}
	/* every rank takes part, rank 0 asking nothing after a failure */
	err = mpi_ids_join(&m->ids, m->comm, round, mine ? 0 : u.n, used_str,
			   &u);
	memstep_mark("ids join");
	m->ids_joined = m->ids.n_match;
	m->ids_sent = m->ids.sent;
	if (!mine && !err && m->rank == 0) {
		mine = settle(m, in->ds, &u);
		memstep_mark("order");
	}
	free(u.id);
	mpi_ids_release(&m->ids);
	m->ids_seconds = cib_seconds() - t0;
	err = err ? err : mine;
	if (err)
		snprintf(m->errmsg, sizeof(m->errmsg),
			 "finding the posts' ids where they were read: %s",
			 cib_strerror(err));
	return err;
}
