/* mpi_feat.c - timing, persona and profile features on the accounts'
 * owner ranks (mpi_feat.h, docs/scale.md section 5.2).
 *
 * Invariants: every transfer is a collective all ranks enter in the same
 * order, decided by what rank 0 broadcast first (a header: the options,
 * the account count); rank 0 sends each owner its accounts in rank 0's
 * index order, each followed by its posts in the post index's order (time,
 * then index), so the owner's dataset holds them in that order and its
 * post index puts every account's posts in rank 0's order; an account's
 * features read only its own posts and fields, the reference zone over
 * the data's span (the span is all-reduced: min and max of every post's
 * time, which is what timing_ctx_init computes on the whole dataset), the
 * data's creation-day counts (summed over the ranks: whole numbers) and
 * the permutation seed, a hash of the account's platform and id
 * (persona_account_key). So every row equals what rank 0
 * would have computed, at any N. Languages come back as codes ("en") and
 * are interned into rank 0's langdetect; the model compares them only for
 * equality and prints their text. Rows travel as bytes: every rank runs
 * the same binary on the same architecture (a homogeneous cluster).
 * Buffers: a round is at most the round size over all destinations (a
 * single larger record goes alone), and the rows gathered to rank 0 are
 * at most the round size per round over all ranks, so rank 0's buffers
 * do not grow with N; each rank holds its shard's dataset (its
 * accounts' posts' texts) until its rows are sent.
 */
#include "mpi/mpi_feat.h"

#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xxhash.h>

#include "core/bigmem.h"
#include "core/bits.h"
#include "core/clock.h"
#include "core/memstep.h"
#include "core/dataset.h"
#include "core/postindex.h"
#include "core/sortu64.h"
#include "features/urlnorm.h"
#include "model/run.h"
#include "mpi/mpi_fatal.h"
#include "mpi/mpi_ingest.h"

enum { CMD_SKIP = 0, CMD_RUN = 1 };

#define PATH_CAP 1024

/* What rank 0 broadcasts when the feature stage starts. */
struct hdr {
	int32_t cmd;
	int32_t have_zonedir, have_tmpdir;
	int32_t pad;
	uint64_t n_accounts;
	uint64_t round; /* the bytes per round of the large transfers */
	struct persona_opts po;
	struct reuse_opts ro; /* the stage's reuse options, seed included */
	char tz[64];
	char zonedir[PATH_CAP];
	char tmpdir[PATH_CAP];
};

/* One account's features, as sent back to rank 0. */
struct row {
	uint32_t acc; /* index in rank 0's dataset */
	uint32_t n_posts_lang, n_perm;
	uint8_t gap_lang_change, ui_lang_mismatch;
	char main_lang[LANGDETECT_CODE_MAX + 1];
	char lang_before[LANGDETECT_CODE_MAX + 1];
	char lang_after[LANGDETECT_CODE_MAX + 1];
	double cp_llr, cp_p, topic_shift, gap_topic_shift;
	int64_t cp_time, longest_gap, gap_end;
	struct timing_fit timing;
	/* profile */
	double creation_z, creation_p, creation_lambda;
	double follow_ratio, engagement_per_post, engagement_per_follower;
	uint32_t created_same_day, n_original;
	uint8_t default_handle;
};

struct buf {
	char *p;
	size_t n, cap;
};

/* Where rank 0 puts the rows (place_row): n accounts (0: none taken) */
struct place_ctx {
	struct feature_set *fs;
	const struct dataset *ds;
	size_t n;
	int bad;
};

/* This rank's part: its shard dataset while it is built, then its rows. */
struct mine {
	struct dataset ds;
	uint32_t *gidx;   /* local account -> rank 0's index */
	uint32_t *gpost;  /* local post -> rank 0's index */
	size_t cap_gpost;
	struct mpi_reuse near; /* its texts signed, for the search */
	uint64_t *key;    /* local account -> its persona seed key */
	size_t n_gidx, cap_gidx;
	uint64_t n_counted, eng_sum; /* posts with a known count, their sum */
	struct row *rows;
	size_t n_rows;
	int fp;           /* 1: its langdetect has fingerprints */
	enum cib_err err;
	enum cib_err rows_err; /* the rows' gather's, agreed by all */
	/* the receiving parser's state across rounds */
	uint32_t cur_acc;   /* local index of the last account record */
	char cur_id[16];    /* its id string */
	uint64_t n_posts;
	/* texts kept off rank 0: the shard's texts pool is the one the push
	 * filled (texts->pool, taken over), kept as tpool past the shard */
	struct mpi_texts *texts;
	struct strpool tpool;
	uint32_t *tix;      /* local post -> its text's id in the pool
			       (UINT32_MAX: none) */
	uint8_t *uent;      /* local post has a URL entity */
	uint64_t *pj;       /* (rank 0's index << 32 | local post), sorted:
			       kept past the sign, which takes gpost */
	uint64_t missing;   /* posts rank 0 gave an origin not found here */
	struct buf turl;    /* its posts' texts' URLs: u32 post, u32 len,
			       bytes */
};

static int wait_rq(MPI_Request *rq)
{
	return mpi_ingest_wait(rq) == MPI_SUCCESS ? 0 : -1;
}

int mpi_feat_owner(unsigned platform, const char *id, size_t len, int size)
{
	uint64_t h;

	if (size <= 1)
		return 0;
	/* the platform is the hash's seed: (platform, id) in one call */
	h = XXH3_64bits_withSeed(id, len, (XXH64_hash_t)platform);
	/* never rank 0: it holds the whole dataset already, and a shard of
	 * its own would add to its peak (half the accounts at 2 ranks) */
	return 1 + (int)(h % (uint64_t)(size - 1));
}

void mpi_feat_init(struct mpi_feat *f, MPI_Comm comm)
{
	memset(f, 0, sizeof(*f));
	f->comm = comm;
	MPI_Comm_rank(comm, &f->rank);
	MPI_Comm_size(comm, &f->size);
	f->die_rank = -1;
	f->die_reuse_rank = -1;
	f->fail_rank = -1;
}

static void mine_free(struct mine *m)
{
	if (!m)
		return;
	dataset_release(&m->ds);
	mpi_reuse_release(&m->near);
	free(m->gpost);
	free(m->gidx);
	free(m->key);
	free(m->rows);
	strpool_release(&m->tpool);
	free(m->tix);
	free(m->uent);
	free(m->pj);
	free(m->turl.p);
	free(m);
}

void mpi_feat_release(struct mpi_feat *f)
{
	if (!f)
		return;
	mine_free(f->mine);
	f->mine = NULL;
	free(f->all);
	f->all = NULL;
	mpi_postbytes_free(&f->text_urls);
	mpi_postbytes_free(&f->shown);
	free(f->has_text);
	f->has_text = NULL;
}

static int bcast_bytes(void *buf, size_t bytes, MPI_Comm comm)
{
	MPI_Request rq;

	/* the header is far below 2^31 bytes */
	if (MPI_Ibcast(buf, (int)bytes, MPI_BYTE, 0, comm, &rq) !=
		    MPI_SUCCESS ||
	    wait_rq(&rq))
		return -1;
	return 0;
}

static size_t round_bytes(const struct mpi_feat *f)
{
	size_t r = f->round ? f->round : MPI_FEAT_ROUND;
	size_t lim = (size_t)INT_MAX / (size_t)f->size / 2;

	return r < lim ? r : lim;
}

/* ---- the wire ------------------------------------------------------- */

/* An account: 'A', u32 index in rank 0's dataset, i64 created, followers,
 * following, u64 persona seed key (persona_account_key), u32 UI language
 * length, u32 handle length, the language, the
 * handle. A post: 'P', i64 time, u8 flags, u8 kind, u32 text length,
 * u32 language length, u32 index in rank 0's dataset, u64 origin (its
 * text's and counts' key on this rank when they are kept off rank 0,
 * else MPI_TEXTS_NONE), u8 1 when it has a URL entity, then i32 likes,
 * reposts, replies, quotes unless they are kept off rank 0 (the same on
 * every rank: mpi_feat.texts), the text, the language. Lengths are the
 * pool's. */
#define ACC_FIXED (1 + 4 + 3 * 8 + 8 + 4 + 4)
#define POST_FIXED (1 + 8 + 1 + 1 + 4 + 4 + 4 + 8 + 1)
#define POST_COUNTS (4 * 4)

static uint8_t has_url_entity(const struct dataset *ds, uint32_t j)
{
	for (uint64_t k = ds->post.ent_off[j]; k < ds->post.ent_off[j + 1];
	     k++)
		if (ds->ent.type[k] == ENT_URL)
			return 1;
	return 0;
}

static int buf_room(struct buf *b, size_t need)
{
	char *q;
	size_t cap;

	if (b->n + need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 4096;
	while (cap < b->n + need)
		cap *= 2;
	q = realloc(b->p, cap);
	if (!q)
		return -1;
	b->p = q;
	b->cap = cap;
	return 0;
}

static void put(struct buf *b, const void *v, size_t n)
{
	memcpy(b->p + b->n, v, n);
	b->n += n;
}

/* Rank 0's cursor over its accounts and their posts. */
struct cursor {
	const struct dataset *ds;
	const struct postindex *pi;
	size_t a;     /* account */
	uint64_t k;   /* next post of it (pi->off[a] + ...) */
	int hdr_sent; /* its account record went */
	int *owner;   /* every account's owner */
	size_t counts; /* POST_COUNTS, or 0 when the owners have them */
};

/* Appends records to the destinations' buffers until all of them
 * together would pass the round size (a round takes at least one
 * record): rank 0's buffers stay within the round whatever the number
 * of ranks. Returns 1 while records remain. */
static int fill_round(struct cursor *c, struct buf *out, size_t round)
{
	const struct dataset *ds = c->ds;
	size_t total = 0;

	while (c->a < ds->acc.n) {
		int q = c->owner[c->a];
		struct buf *b = &out[q];

		if (!c->hdr_sent) {
			uint32_t a32 = (uint32_t)c->a;
			uint64_t key = persona_account_key(ds, c->a);
			uint32_t ll = strpool_len(&ds->strings,
						  ds->acc.lang[c->a]);
			uint32_t hl = strpool_len(&ds->strings,
						  ds->acc.handle[c->a]);
			size_t need = ACC_FIXED + (size_t)ll + hl;

			if (total && total + need > round)
				return 1;
			if (buf_room(b, need))
				return -1;
			total += need;
			put(b, "A", 1);
			put(b, &a32, 4);
			put(b, &ds->acc.created[c->a], 8);
			put(b, &ds->acc.followers[c->a], 8);
			put(b, &ds->acc.following[c->a], 8);
			put(b, &key, 8);
			put(b, &ll, 4);
			put(b, &hl, 4);
			put(b, ds_str(ds, ds->acc.lang[c->a]), ll);
			put(b, ds_str(ds, ds->acc.handle[c->a]), hl);
			c->hdr_sent = 1;
			c->k = c->pi->off[c->a];
		}
		while (c->k < c->pi->off[c->a + 1]) {
			uint32_t j = postindex_at(c->pi, c->k);
			uint32_t tl = ds_text_len(ds, j);
			uint32_t ll = strpool_len(&ds->strings,
						  ds->post.lang[j]);
			size_t need = POST_FIXED + c->counts + (size_t)tl + ll;
			uint8_t fl = ds->post.flags[j];
			uint64_t origin = ds->post.origin ? ds->post.origin[j]
							  : MPI_TEXTS_NONE;
			uint8_t ue = ds->post.ent_off ? has_url_entity(ds, j)
						      : 0;

			if (total && total + need > round)
				return 1;
			if (buf_room(b, need))
				return -1;
			total += need;
			put(b, "P", 1);
			put(b, &ds->post.time[j], 8);
			put(b, &fl, 1);
			put(b, &ds->post.kind[j], 1);
			put(b, &tl, 4);
			put(b, &ll, 4);
			put(b, &j, 4);
			put(b, &origin, 8);
			put(b, &ue, 1);
			if (c->counts && ds->post.likes) {
				put(b, &ds->post.likes[j], 4);
				put(b, &ds->post.reposts[j], 4);
				put(b, &ds->post.replies[j], 4);
				put(b, &ds->post.quotes[j], 4);
			} else if (c->counts) { /* none stored */
				const int32_t none[4] = { COUNT_NONE,
							  COUNT_NONE,
							  COUNT_NONE,
							  COUNT_NONE };

				put(b, none, sizeof(none));
			}
			put(b, ds_text(ds, j), tl);
			put(b, ds_str(ds, ds->post.lang[j]), ll);
			c->k++;
		}
		c->a++;
		c->hdr_sent = 0;
	}
	return 0;
}

/* A NUL-terminated copy of s[0..n) in tmp (cap bytes), or NULL when n is
 * 0 (the pool's "" is STR_NONE, as the dataset stores it). */
static const char *cstr(const char *s, size_t n, struct buf *tmp)
{
	if (n == 0)
		return NULL;
	tmp->n = 0;
	if (buf_room(tmp, n + 1))
		return NULL;
	put(tmp, s, n);
	tmp->p[n] = '\0';
	return tmp->p;
}

/* One account record at p (n bytes left) into m's dataset: the bytes it
 * took, or 0 when malformed or out of memory. */
static size_t take_account(struct mine *m, const char *p, size_t n,
			   struct buf *tmp, struct buf *tmp2)
{
	struct account_rec ar;
	uint32_t a, loc, ll, hl;
	uint64_t key;

	if (n < ACC_FIXED)
		return 0;
	account_rec_init(&ar);
	memcpy(&a, p + 1, 4);
	memcpy(&ar.created, p + 5, 8);
	memcpy(&ar.followers, p + 13, 8);
	memcpy(&ar.following, p + 21, 8);
	memcpy(&key, p + 29, 8);
	memcpy(&ll, p + 37, 4);
	memcpy(&hl, p + 41, 4);
	if (n - ACC_FIXED < (size_t)ll + hl)
		return 0;
	snprintf(m->cur_id, sizeof(m->cur_id), "%u", a);
	ar.platform = PLATFORM_X;
	ar.id = m->cur_id;
	ar.lang = cstr(p + ACC_FIXED, ll, tmp);
	ar.handle = cstr(p + ACC_FIXED + ll, hl, tmp2);
	if ((ll && !ar.lang) || (hl && !ar.handle) ||
	    dataset_add_account(&m->ds, &ar, &loc) != CIB_OK ||
	    loc != m->n_gidx)
		return 0;
	if (m->n_gidx == m->cap_gidx) {
		size_t c = m->cap_gidx ? m->cap_gidx * 2 : 1024;
		uint32_t *g = realloc(m->gidx, c * sizeof(*g));
		uint64_t *k;

		if (!g)
			return 0;
		m->gidx = g;
		k = realloc(m->key, c * sizeof(*k));
		if (!k)
			return 0;
		m->key = k;
		m->cap_gidx = c;
	}
	m->key[m->n_gidx] = key;
	m->gidx[m->n_gidx++] = a;
	m->cur_acc = loc;
	return ACC_FIXED + (size_t)ll + hl;
}

/* One post record at p (n bytes left), of the last account taken. */
static size_t take_post(struct mine *m, const char *p, size_t n,
			struct buf *tmp, struct buf *tmp2)
{
	struct post_rec pr;
	uint32_t tl, ll, gj, row, tix = UINT32_MAX;
	uint8_t fl, kind, ue;
	int32_t cnt[4] = { COUNT_NONE, COUNT_NONE, COUNT_NONE, COUNT_NONE };
	uint64_t origin;
	const char *text;
	/* the counts come with the texts when those are kept apart */
	size_t fixed = POST_FIXED + (m->texts ? 0 : POST_COUNTS);

	if (n < fixed || !m->n_gidx)
		return 0;
	post_rec_init(&pr);
	memcpy(&pr.time, p + 1, 8);
	memcpy(&fl, p + 9, 1);
	memcpy(&kind, p + 10, 1);
	memcpy(&tl, p + 11, 4);
	memcpy(&ll, p + 15, 4);
	memcpy(&gj, p + 19, 4);
	memcpy(&origin, p + 23, 8);
	memcpy(&ue, p + 31, 1);
	if (!m->texts)
		memcpy(cnt, p + POST_FIXED, POST_COUNTS);
	if (n - fixed < (size_t)tl + ll || kind >= POST_KIND__COUNT)
		return 0;
	text = p + fixed;
	if (origin != MPI_TEXTS_NONE) {
		/* its text and counts came here from the rank that parsed
		 * it */
		const struct mpi_text_own *o =
			m->texts ? mpi_texts_find(m->texts, origin) : NULL;

		if (o)
			memcpy(cnt, o->cnt, sizeof(cnt));
		tix = o ? o->id : UINT32_MAX;
		if (!o || (tix == UINT32_MAX) !=
				  !(origin & MPI_TEXTS_HAS_TEXT)) {
			m->missing++;
			tix = UINT32_MAX;
		} else if (tix != UINT32_MAX) {
			/* already in the shard's pool, under tix: stored as
			 * that id below, not looked up again */
			tl = strpool_len(&m->ds.texts, tix);
		}
	}
	{
		int known = 0;

		for (int k = 0; k < 4; k++)
			if (cnt[k] >= 0) {
				m->eng_sum += (uint64_t)cnt[k];
				known = 1;
			}
		m->n_counted += (uint64_t)known;
	}
	pr.platform = PLATFORM_X;
	pr.account_id = m->cur_id;
	pr.flags = fl;
	pr.kind = (enum post_kind)kind;
	pr.likes = cnt[0];
	pr.reposts = cnt[1];
	pr.replies = cnt[2];
	pr.quotes = cnt[3];
	pr.text = tix != UINT32_MAX ? NULL : cstr(text, tl, tmp);
	pr.lang = cstr(p + fixed + (origin != MPI_TEXTS_NONE ? 0 : tl), ll,
		       tmp2);
	if (m->n_posts == m->cap_gpost) {
		size_t c = m->cap_gpost ? m->cap_gpost * 2 : 4096;
		uint32_t *g = realloc(m->gpost, c * sizeof(*g));

		if (!g)
			return 0;
		m->gpost = g;
		if (m->texts) { /* grown with it, to the same cap */
			uint32_t *t = realloc(m->tix, c * sizeof(*t));
			uint8_t *u;

			if (!t)
				return 0;
			m->tix = t;
			u = realloc(m->uent, c);
			if (!u)
				return 0;
			m->uent = u;
		}
		m->cap_gpost = c;
	}
	if ((tix == UINT32_MAX && tl && !pr.text) || (ll && !pr.lang) ||
	    dataset_add_post_unkeyed(&m->ds, &pr, &row) != CIB_OK ||
	    m->ds.post.n != m->n_posts + 1)
		return 0;
	if (tix != UINT32_MAX) /* what interning its bytes would give */
		m->ds.post.text[row] = tl ? tix : STR_NONE;
	if (m->texts) {
		m->tix[m->n_posts] = tix;
		m->uent[m->n_posts] = ue;
	}
	m->gpost[m->n_posts++] = gj;
	return fixed + (origin != MPI_TEXTS_NONE ? 0 : (size_t)tl) + ll;
}

/* Stores one round's records into m's dataset. 0, or -1 on a malformed
 * stream or no memory. A post belongs to the last account record before
 * it, across rounds: one sender's stream (rank 0's, the only sender
 * today; several senders would each need their own parser state). */
static int take_records(struct mine *m, const char *p, size_t n,
			struct buf *tmp, struct buf *tmp2)
{
	const char *end = p + n;

	while (p < end) {
		size_t used = *p == 'A' ? take_account(m, p, (size_t)(end - p),
							tmp, tmp2)
			      : *p == 'P' ? take_post(m, p, (size_t)(end - p),
						      tmp, tmp2)
					  : 0;

		if (used == 0)
			return -1;
		p += used;
	}
	return 0;
}

/* The shuffle: rank 0's records (cur; NULL elsewhere) to their owners, in
 * rounds, each an MPI_Alltoall of the byte counts and an MPI_Alltoallv
 * of the bytes; every rank stores what it gets into m. */
static int shuffle(struct mpi_feat *f, struct cursor *cur, struct mine *m)
{
	size_t round = round_bytes(f);
	struct buf *out = calloc((size_t)f->size, sizeof(*out));
	struct buf in = { 0 }, tmp = { 0 }, tmp2 = { 0 };
	int *scnt = calloc((size_t)f->size, sizeof(int));
	int *sdsp = calloc((size_t)f->size, sizeof(int));
	int *rcnt = calloc((size_t)f->size, sizeof(int));
	int *rdsp = calloc((size_t)f->size, sizeof(int));
	char *send = NULL;
	int rc = -1, more = 1;

	if (!out || !scnt || !sdsp || !rcnt || !rdsp)
		goto out;
	while (more) {
		int left = 0, any = 0;
		size_t tot = 0, rtot = 0;
		MPI_Request rq;

		for (int q = 0; q < f->size; q++)
			out[q].n = 0;
		if (cur) {
			left = fill_round(cur, out, round);
			if (left < 0)
				left = 2; /* no memory: every rank stops */
		}
		for (int q = 0; q < f->size; q++) {
			sdsp[q] = (int)tot;
			scnt[q] = (int)out[q].n;
			tot += out[q].n;
		}
		free(send);
		send = malloc(tot + 1);
		if (!send)
			left = 2;
		for (int q = 0; send && q < f->size; q++)
			if (out[q].n)
				memcpy(send + sdsp[q], out[q].p, out[q].n);
		if (MPI_Iallreduce(&left, &any, 1, MPI_INT, MPI_MAX, f->comm,
				   &rq) != MPI_SUCCESS ||
		    wait_rq(&rq) || any == 2)
			goto out;
		more = any;
		if (MPI_Ialltoall(scnt, 1, MPI_INT, rcnt, 1, MPI_INT, f->comm,
				  &rq) != MPI_SUCCESS ||
		    wait_rq(&rq))
			goto out;
		for (int q = 0; q < f->size; q++) {
			rdsp[q] = (int)rtot;
			rtot += (size_t)rcnt[q];
		}
		in.n = 0;
		if (buf_room(&in, rtot + 1))
			goto out;
		if (MPI_Ialltoallv(send, scnt, sdsp, MPI_BYTE, in.p, rcnt, rdsp,
				   MPI_BYTE, f->comm, &rq) != MPI_SUCCESS ||
		    wait_rq(&rq))
			goto out;
		f->st.rounds++;
		f->st.bytes_in += rtot;
		if (f->rank == 0)
			f->st.bytes_out += tot;
		if (take_records(m, in.p, rtot, &tmp, &tmp2))
			goto out;
	}
	rc = 0;
out:
	for (int q = 0; out && q < f->size; q++)
		free(out[q].p);
	free(out);
	free(in.p);
	free(tmp.p);
	free(tmp2.p);
	free(scnt);
	free(sdsp);
	free(rcnt);
	free(rdsp);
	free(send);
	return rc;
}

struct day_count {
	int64_t day;
	uint64_t cnt;
};

static int cmp_day(const void *a, const void *b)
{
	const struct day_count *x = a, *y = b;

	return x->day < y->day ? -1 : x->day > y->day;
}

/* The data's creation days: every rank's (day, count) list gathered to
 * all (MPI_Allgatherv) and summed per day - whole numbers, so the merge
 * is exact in any order. The lists are the distinct creation days, a few
 * thousand per rank, not the accounts. Out is malloc'd (free day, cnt). */
static int all_days(struct mpi_feat *f, const struct dataset *ds,
		    struct profile_days *out)
{
	int64_t *day = NULL;
	uint64_t *cnt = NULL;
	size_t n = 0, tot = 0, u = 0;
	struct day_count *mine = NULL, *all = NULL;
	int *rc = calloc((size_t)f->size, sizeof(int));
	int *rd = calloc((size_t)f->size, sizeof(int));
	int my, ret = -1;
	MPI_Request rq;

	if (!rc || !rd || profile_days_of(ds, &day, &cnt, &n) ||
	    n > (size_t)INT_MAX / sizeof(*mine))
		goto out;
	mine = malloc((n + 1) * sizeof(*mine));
	if (!mine)
		goto out;
	for (size_t i = 0; i < n; i++)
		mine[i] = (struct day_count){ day[i], cnt[i] };
	my = (int)(n * sizeof(*mine));
	if (MPI_Iallgather(&my, 1, MPI_INT, rc, 1, MPI_INT, f->comm, &rq) !=
		    MPI_SUCCESS ||
	    wait_rq(&rq))
		goto out;
	for (int q = 0; q < f->size; q++) {
		rd[q] = (int)tot;
		tot += (size_t)rc[q];
		if (tot > (size_t)INT_MAX)
			goto out;
	}
	all = malloc(tot + sizeof(*all));
	if (!all ||
	    MPI_Iallgatherv(mine, my, MPI_BYTE, all, rc, rd, MPI_BYTE, f->comm,
			    &rq) != MPI_SUCCESS ||
	    wait_rq(&rq))
		goto out;
	tot /= sizeof(*all);
	qsort(all, tot, sizeof(*all), cmp_day);
	free(day);
	free(cnt);
	day = malloc((tot + 1) * sizeof(*day));
	cnt = malloc((tot + 1) * sizeof(*cnt));
	if (!day || !cnt)
		goto out;
	for (size_t i = 0; i < tot; i++) {
		if (u == 0 || day[u - 1] != all[i].day) {
			day[u] = all[i].day;
			cnt[u++] = 0;
		}
		cnt[u - 1] += all[i].cnt;
	}
	out->n = u;
	out->day = day;
	out->cnt = cnt;
	day = NULL;
	cnt = NULL;
	ret = 0;
out:
	free(day);
	free(cnt);
	free(mine);
	free(all);
	free(rc);
	free(rd);
	return ret;
}

static void code_copy(char *dst, const struct langdetect *ld, uint32_t id)
{
	const char *s = id == STR_NONE ? "" : langdetect_str(ld, id);

	snprintf(dst, LANGDETECT_CODE_MAX + 1, "%s", s);
}

/* The span of the posts' times over every rank (timing_ctx_init's). */
static int span(struct mpi_feat *f, const struct dataset *ds, int64_t *lo,
		int64_t *hi)
{
	int64_t v[2] = { INT64_MAX, INT64_MAX }, r[2];
	MPI_Request rq;

	for (size_t i = 0; i < ds->post.n; i++) {
		int64_t t = ds->post.time[i];

		if (t == TIME_NONE)
			continue;
		v[0] = t < v[0] ? t : v[0];
		v[1] = -t < v[1] ? -t : v[1];
	}
	if (MPI_Iallreduce(v, r, 2, MPI_INT64_T, MPI_MIN, f->comm, &rq) !=
		    MPI_SUCCESS ||
	    wait_rq(&rq))
		return -1;
	*lo = r[0];
	*hi = r[1] == INT64_MAX ? INT64_MIN : -r[1];
	if (*lo > *hi)
		*lo = *hi = 0;
	return 0;
}

/* The profile of account a into r. */
static void row_profile(struct row *r, const struct profile_result *pf,
			size_t a)
{
	r->creation_z = pf->creation_z[a];
	r->creation_p = pf->creation_p[a];
	r->creation_lambda = pf->creation_lambda[a];
	r->follow_ratio = pf->follow_ratio[a];
	r->engagement_per_post = pf->engagement_per_post[a];
	r->engagement_per_follower = pf->engagement_per_follower[a];
	r->created_same_day = pf->created_same_day[a];
	r->n_original = pf->n_original[a];
	r->default_handle = pf->default_handle[a];
}

/* Timing, persona and profile of m's accounts into m->rows; the creation
 * test against the data's days (every rank's, summed). */
static enum cib_err compute(const struct hdr *h, struct mine *m, int64_t lo,
			    int64_t hi, const struct profile_days *days)
{
	struct profile_result pf;
	struct postindex pi;
	struct timing_ctx tc;
	struct timing_fit *tf = NULL;
	struct langdetect ld;
	struct persona_result pr;
	struct persona_opts po = h->po;
	const char *zd = h->have_zonedir ? h->zonedir : NULL;
	size_t na = m->ds.acc.n;
	enum cib_err err;

	memset(&pr, 0, sizeof(pr));
	memset(&pi, 0, sizeof(pi));
	memset(&pf, 0, sizeof(pf));
	err = postindex_build(&pi, &m->ds);
	if (err)
		return err;
	err = timing_ctx_init_span(&tc, zd, h->tz, lo, hi);
	if (err) {
		postindex_release(&pi);
		return err;
	}
	tf = calloc(na + 1, sizeof(*tf));
	err = tf ? timing_compute(&m->ds, &pi, &tc, tf) : CIB_ENOMEM;
	timing_ctx_release(&tc);
	if (!err) {
		/* as features_compute: fingerprints, else scripts only */
		err = langdetect_init_in(&ld, LANGDETECT_FP_DIR,
					 h->have_tmpdir ? h->tmpdir : NULL);
		m->fp = !err;
		if (err) {
			langdetect_release(&ld);
			err = langdetect_init_dir(&ld, NULL);
		}
		po.seed_key = m->key;
		if (!err)
			err = persona_compute_opts(&m->ds, &pi, &ld, &po, &pr);
		if (!err)
			err = profile_compute_days(&m->ds, &pi, days, &pf);
		if (!err)
			m->rows = calloc(na + 1, sizeof(*m->rows));
		if (!err && !m->rows)
			err = CIB_ENOMEM;
		for (size_t a = 0; !err && a < na; a++) {
			struct row *r = &m->rows[a];

			r->acc = m->gidx[a];
			r->n_posts_lang = pr.n_posts_lang[a];
			r->n_perm = pr.n_perm[a];
			r->gap_lang_change = pr.gap_lang_change[a];
			r->ui_lang_mismatch = pr.ui_lang_mismatch[a];
			code_copy(r->main_lang, &ld, pr.main_lang[a]);
			code_copy(r->lang_before, &ld, pr.lang_before[a]);
			code_copy(r->lang_after, &ld, pr.lang_after[a]);
			r->cp_llr = pr.cp_llr[a];
			r->cp_p = pr.cp_p[a];
			r->topic_shift = pr.topic_shift[a];
			r->gap_topic_shift = pr.gap_topic_shift[a];
			r->cp_time = pr.cp_time[a];
			r->longest_gap = pr.longest_gap[a];
			r->gap_end = pr.gap_end[a];
			r->timing = tf[a];
			row_profile(r, &pf, a);
		}
		if (!err)
			m->n_rows = na;
		persona_result_release(&pr);
		profile_result_release(&pf);
		langdetect_release(&ld);
	}
	free(tf);
	postindex_release(&pi);
	return err;
}

/* mpi_texts_fetch's lookup on an owner: the text of rank 0's post j. */
static const char *text_of(void *ctx, uint32_t j, uint32_t *len)
{
	const struct mine *m = ctx;
	size_t lo = sortu64_lower(m->pj, m->n_posts, (uint64_t)j << 32);
	uint32_t t;

	if (lo == m->n_posts || (uint32_t)(m->pj[lo] >> 32) != j)
		return NULL;
	t = m->tix[(uint32_t)m->pj[lo]];
	if (t == UINT32_MAX)
		return NULL;
	*len = strpool_len(&m->tpool, t);
	return strpool_get(&m->tpool, t);
}

/* Every rank past the near-duplicate search, texts kept off rank 0: the
 * URLs the owners found in the texts, gathered to rank 0 (f->tu, which
 * reuse reads through near.text_urls). */
static void urls_in(struct mpi_feat *f, struct mine *m)
{
	struct mpi_postbytes *out = &f->text_urls;

	if (!f->texts)
		return;
	mpi_texts_gather(f->comm, round_bytes(f), m->turl.p, m->turl.n, out);
	free(m->turl.p);
	memset(&m->turl, 0, sizeof(m->turl));
	if (f->rank != 0)
		return;
	mpi_need(f->comm, mpi_postbytes_sort(out) == CIB_OK,
		 "the per-account features: sorting the texts' URLs on "
		 "rank 0");
	f->n_text_urls = out->n;
	f->text_url_bytes = out->nbytes;
	f->tu.n = out->n;
	f->tu.post = out->post;
	f->tu.off = out->off;
	f->tu.len = out->len;
	f->tu.bytes = out->bytes;
	f->near.text_urls = &f->tu;
}

/* Posts rank 0 asks the owners' texts of, in one round at most. */
#define SHOWN_BATCH 65536

/* Whether rank 0's post j has a text on its owner. */
static int post_has_text(const struct mpi_feat *f, const struct dataset *ds,
			 size_t j)
{
	if (f->has_text)
		return bits_get(f->has_text, j);
	return mpi_texts_origin_has_text(ds->post.origin[j]);
}

/* Rank 0 once its posts are sent: the origins (8 bytes a post) become a
 * bit a post saying whether the post has a text, all shown_in reads of
 * them. Kept as they are when there is no memory for the bits. */
static void origins_to_bits(struct mpi_feat *f, struct dataset *ds)
{
	size_t n = ds->post.n;

	if (!ds->post.origin || f->has_text)
		return;
	f->has_text = calloc(bits_words(n), sizeof(*f->has_text));
	if (!f->has_text)
		return;
	for (size_t j = 0; j < n; j++)
		if (mpi_texts_origin_has_text(ds->post.origin[j]))
			bits_set(f->has_text, j);
	free(ds->post.origin);
	ds->post.origin = NULL;
	f->columns_freed += n * sizeof(uint64_t) - bits_words(n) * 8;
}

/* Every rank before the rows, texts kept off rank 0: rank 0 fetches from
 * their owners into f->shown the texts the scored run quotes (ru, pi: the
 * reuse features and the post index; ru NULL: none), the others
 * answer. At 10M posts that is 575k texts, 25 MB, where the texts of
 * every post in a group were 0.15 GB (docs/scale.md, session 20). */
static void shown_in(struct mpi_feat *f, struct mine *m,
		     const struct reuse_result *ru, const struct dataset *ds,
		     const struct postindex *pi)
{
	uint32_t **want = NULL;
	size_t *nwant = NULL;
	uint64_t *quoted = NULL;

	if (!f->texts)
		return;
	if (f->rank == 0) {
		want = calloc((size_t)f->size, sizeof(*want));
		nwant = calloc((size_t)f->size, sizeof(*nwant));
		mpi_need(f->comm, want && nwant &&
				 (!ru ||
				  reuse_quoted_bits(ru, pi,
						    RUN_TEXTS_PER_ACCOUNT,
						    &quoted) == CIB_OK),
			 "the per-account features: rank 0's list of the "
			 "quoted texts to fetch");
		for (int pass = 0; pass < 2; pass++) {
			for (size_t j = 0; quoted &&
					   (f->has_text || ds->post.origin) &&
					   j < ds->post.n;
			     j++) {
				uint32_t a = ds->post.account[j];
				int q;

				if (!bits_get(quoted, j) ||
				    !post_has_text(f, ds, j))
					continue;
				q = mpi_feat_owner(
					ds->acc.platform[a],
					ds_str(ds, ds->acc.id[a]),
					strpool_len(&ds->strings,
						    ds->acc.id[a]),
					f->size);
				if (pass)
					want[q][nwant[q]++] = (uint32_t)j;
				else
					nwant[q]++;
			}
			for (int q = 0; !pass && q < f->size; q++) {
				want[q] = malloc((nwant[q] + 1) *
						 sizeof(**want));
				mpi_need(f->comm, want[q] != NULL,
					 "the per-account features: room on "
					 "rank 0 for the quoted texts to ask "
					 "an owner for");
				nwant[q] = 0;
			}
		}
		free(quoted);
	}
	mpi_texts_fetch(f->comm, round_bytes(f), SHOWN_BATCH, want, nwant,
			text_of, m, &f->shown, &m->missing);
	for (int q = 0; want && q < f->size; q++)
		free(want[q]);
	free(want);
	free(nwant);
	if (m->missing && !m->err)
		m->err = CIB_EINTERNAL; /* told to all at the stage's end */
}

enum cib_err mpi_feat_put_texts(struct mpi_feat *f, struct dataset *ds)
{
	struct mpi_postbytes *pb = &f->shown;
	enum cib_err err;

	/* the origins (or their bits) were for asking the owners: no longer
	 * needed */
	free(ds->post.origin);
	ds->post.origin = NULL;
	free(f->has_text);
	f->has_text = NULL;
	f->n_shown = pb->n;
	f->shown_bytes = pb->nbytes;
	if (!pb->n)
		return CIB_OK;
	err = mpi_postbytes_sort(pb);
	if (!err) /* the column, not held until now */
		err = dataset_texts_column(ds);
	for (size_t k = 0; !err && k < pb->n; k++) {
		if (pb->post[k] >= ds->post.n)
			return CIB_EINTERNAL;
		if (pb->len[k])
			err = strpool_intern(&ds->texts, pb->bytes + pb->off[k],
					     pb->len[k],
					     &ds->post.text[pb->post[k]]);
	}
	mpi_postbytes_free(pb);
	return err;
}

/* Texts kept off rank 0: the URLs in the texts of m's posts that have no
 * URL entity (reuse's step 6 looks in those texts), and each post's rank
 * 0 index kept past the sign (which takes gpost), to answer for texts. */
static enum cib_err texts_kept(struct mine *m)
{
	if (m->missing)
		return CIB_EINTERNAL; /* rank 0 named a text not here */
	m->pj = malloc((m->n_posts + 1) * sizeof(*m->pj));
	if (!m->pj)
		return CIB_ENOMEM;
	for (size_t i = 0; i < m->n_posts; i++)
		m->pj[i] = (uint64_t)m->gpost[i] << 32 | i;
	sortu64(m->pj, m->n_posts);
	for (size_t i = 0; i < m->n_posts; i++) {
		const char *s;
		size_t off = 0, len, tl;

		if (m->uent[i] || m->tix[i] == UINT32_MAX)
			continue;
		s = strpool_get(&m->ds.texts, m->tix[i]);
		tl = strpool_len(&m->ds.texts, m->tix[i]);
		while (urlnorm_next(s, tl, &off, &len)) {
			uint32_t l32 = (uint32_t)len;

			if (buf_room(&m->turl, 8 + len))
				return CIB_ENOMEM;
			put(&m->turl, &m->gpost[i], 4);
			put(&m->turl, &l32, 4);
			put(&m->turl, s + off, len);
			off += len;
		}
	}
	return CIB_OK;
}

/* Every rank after the header: the shuffle, this rank's features, their
 * rows to rank 0 (pc: where rank 0 puts them; NULL elsewhere), then its
 * texts signed. A transfer that fails ends the job (the others would
 * wait forever); a computation that fails is kept in m->err, agreed on
 * by every rank at the rows' gather (m->rows_err) and again at the
 * stage's end. */
static void place_row(void *ctx, const struct row *r);
static enum cib_err gather_rows(struct mpi_feat *f, struct mine *m,
				void (*place)(void *, const struct row *),
				void *ctx);

static struct mine *run_common(struct mpi_feat *f, const struct hdr *h,
			       struct cursor *cur, struct place_ctx *pc)
{
	struct mine *m = calloc(1, sizeof(*m));
	double t0 = cib_seconds(), c0 = cib_cpu_seconds();
	int64_t lo = 0, hi = 0;
	struct profile_days days = { 0, NULL, NULL };

	mpi_need(f->comm, m != NULL,
		 "the per-account features: room for this rank's shard");
	dataset_init(&m->ds);
	strpool_init(&m->tpool);
	m->texts = f->texts;
	if (m->texts) {
		/* the shard's texts are the pushed ones (no second copy),
		 * which its posts name by id: no lookup table */
		strpool_release(&m->ds.texts);
		m->ds.texts = m->texts->pool;
		strpool_init(&m->texts->pool);
		strpool_drop_table(&m->ds.texts);
	}
	mpi_need(f->comm, !shuffle(f, cur, m),
		 "the per-account features: the accounts and posts to their "
		 "owners");
	memstep_mark("shard in");
	if (m->texts) /* the origins were for the shuffle */
		mpi_texts_release(m->texts);
	/* every post's text is in: nothing looks one up again (the signing
	 * and the shown texts read them by id) */
	strpool_drop_table(&m->ds.texts);
	f->st.shuffle_seconds = cib_seconds() - t0;
	f->st.shuffle_cpu = cib_cpu_seconds() - c0;
	f->st.accounts = m->n_gidx;
	f->st.posts = m->n_posts;
	f->st.posts_counted = m->n_counted;
	f->st.engagement = m->eng_sum;
	if (f->die_rank == f->rank)
		raise(SIGKILL);
	mpi_need(f->comm, !span(f, &m->ds, &lo, &hi),
		 "the per-account features: the posts' time span over the "
		 "ranks");
	mpi_need(f->comm, !all_days(f, &m->ds, &days),
		 "the per-account features: the creation days' counts over "
		 "the ranks");
	t0 = cib_seconds();
	c0 = cib_cpu_seconds();
	m->err = compute(h, m, lo, hi, &days);
	if (f->fail_rank == f->rank && !m->err)
		m->err = CIB_ENOMEM;
	free((void *)days.day);
	free((void *)days.cnt);
	f->st.compute_seconds = cib_seconds() - t0;
	f->st.compute_cpu = cib_cpu_seconds() - c0;
	/* an error here is every rank's: each keeps it for the search and
	 * the stage's end, which agree on it again */
	{
		enum cib_err e = gather_rows(f, m, pc ? place_row : NULL, pc);

		if (e && !m->err)
			m->err = e;
		m->rows_err = e;
	}
	memstep_mark("timing+persona");
	f->st.shard_mb = (double)(m->ds.strings.bytes + m->ds.texts.bytes) /
			 1e6;
	/* its distinct texts signed for the near-duplicate search, the one
	 * use of its posts past its rows: the rest of the shard goes first
	 * (at 2 ranks of 10M posts, one rank's shard), before the texts'
	 * URLs and post order are made (texts_kept reads only the texts) */
	dataset_keep_texts(&m->ds);
	bigmem_trim(); /* the shard's freed columns back to the system */
	if (m->texts && !m->err)
		m->err = texts_kept(m);
	mpi_reuse_init(&m->near, f->comm, &h->ro);
	m->near.die_rank = f->die_reuse_rank;
	m->near.round = (size_t)h->round;
	mpi_reuse_sign(&m->near, &m->ds, m->gpost); /* takes gpost */
	m->gpost = NULL;
	memstep_mark("signing");
	if (m->texts) {
		/* kept to answer for the texts rank 0 shows, by id only */
		m->tpool = m->ds.texts;
		strpool_init(&m->ds.texts);
		strpool_drop_table(&m->tpool);
	}
	dataset_release(&m->ds);
	dataset_init(&m->ds);
	return m;
}

/* Every rank: m's error all-reduced; this rank's own, else another's. */
static enum cib_err agree_err(struct mpi_feat *f, const struct mine *m)
{
	int err = m->err, any = 0;
	MPI_Request rq;

	mpi_need(f->comm, MPI_Iallreduce(&err, &any, 1, MPI_INT, MPI_MAX,
					 f->comm, &rq) == MPI_SUCCESS &&
		 !wait_rq(&rq),
		 "the per-account features: agreeing on whether a rank's "
		 "features failed");
	return err ? (enum cib_err)err : (enum cib_err)any;
}

/* Every rank once its rows are computed: the error agreed, then the rows
 * gathered to rank 0 in rounds, where place() puts each, and freed. They
 * go before the near-duplicate search, which is the owners' peak (at 2
 * ranks of 10M posts one owner holds 160 MB of rows), while rank 0 can
 * hold them: its own peak is before (its dataset's canonical order). */
static enum cib_err gather_rows(struct mpi_feat *f, struct mine *m,
				void (*place)(void *, const struct row *),
				void *ctx)
{
	/* rank 0 takes a round from every rank at once: each sends its
	 * share of the round size */
	size_t per = round_bytes(f) / sizeof(struct row) / (size_t)f->size;
	uint64_t rounds, maxr = 0;
	int *cnt = NULL, *disp = NULL;
	struct row *got = NULL;
	MPI_Request rq;
	enum cib_err err = agree_err(f, m);

	if (err)
		return err;
	if (per == 0)
		per = 1;
	rounds = (m->n_rows + per - 1) / per;
	mpi_need(f->comm, MPI_Iallreduce(&rounds, &maxr, 1, MPI_UINT64_T,
					 MPI_MAX, f->comm, &rq) ==
		 MPI_SUCCESS && !wait_rq(&rq),
		 "the per-account features: agreeing on the rows' rounds");
	if (f->rank == 0) {
		cnt = calloc((size_t)f->size, sizeof(*cnt));
		disp = calloc((size_t)f->size, sizeof(*disp));
		got = malloc((size_t)f->size * per * sizeof(*got) + 1);
		mpi_need(f->comm, cnt && disp && got,
			 "the per-account features: room on rank 0 for a "
			 "round of rows");
	}
	for (uint64_t r = 0; r < maxr; r++) {
		size_t lo = (size_t)r * per;
		size_t k = lo < m->n_rows ? (m->n_rows - lo < per
						     ? m->n_rows - lo
						     : per)
					  : 0;
		int bytes = (int)(k * sizeof(struct row));
		const void *rows = k ? (const void *)(m->rows + lo) : NULL;
		size_t total = 0;

		mpi_need(f->comm, MPI_Igather(&bytes, 1, MPI_INT, cnt, 1,
					      MPI_INT, 0, f->comm, &rq) ==
			 MPI_SUCCESS && !wait_rq(&rq),
			 "the per-account features: a round's row sizes to "
			 "rank 0");
		for (int q = 0; f->rank == 0 && q < f->size; q++) {
			disp[q] = (int)total;
			total += (size_t)cnt[q];
		}
		if (f->rank)
			f->st.bytes_out += (uint64_t)bytes;
		mpi_need(f->comm, MPI_Igatherv(rows, bytes, MPI_BYTE, got, cnt,
					       disp, MPI_BYTE, 0, f->comm,
					       &rq) == MPI_SUCCESS &&
			 !wait_rq(&rq),
			 "the per-account features: the rows back to rank 0");
		for (size_t i = 0; f->rank == 0 && i < total / sizeof(*got);
		     i++)
			place(ctx, &got[i]);
	}
	free(cnt);
	free(disp);
	free(got);
	free(m->rows);
	m->rows = NULL;
	m->n_rows = 0;
	return CIB_OK;
}

/* ---- rank 0: the hook ----------------------------------------------- */

static enum cib_err hook_start(void *ctx, struct feature_set *fs,
			       const struct dataset *ds,
			       const struct postindex *pi,
			       const struct feature_opts *o)
{
	struct mpi_feat *f = ctx;
	struct cursor cur;
	struct place_ctx pc;
	struct hdr *h;
	enum cib_err err;

	f->o = o;
	if (f->started) {
		/* the other ranks served one stage and have moved on */
		if (f->texts || f->columns_freed) {
			snprintf(f->errmsg, sizeof(f->errmsg),
				 "--mpi: a second feature stage, and the %s",
				 f->texts ? "texts are on the other ranks"
					  : "post columns it reads are freed");
			return CIB_EUSAGE;
		}
		f->local = 1;
		f->shard.near = NULL; /* reuse searches here too */
		return timing_compute(ds, pi, &fs->tctx, fs->timing);
	}
	h = calloc(1, sizeof(*h));
	if (!h)
		return CIB_ENOMEM;
	memset(&f->st, 0, sizeof(f->st));
	memset(&cur, 0, sizeof(cur));
	cur.ds = ds;
	cur.pi = pi;
	/* with the texts apart the counts are on the owners already */
	cur.counts = f->texts ? 0 : POST_COUNTS;
	cur.owner = malloc((ds->acc.n + 1) * sizeof(*cur.owner));
	if (!cur.owner) {
		free(h);
		return CIB_ENOMEM;
	}
	for (size_t a = 0; a < ds->acc.n; a++)
		cur.owner[a] = mpi_feat_owner(
			ds->acc.platform[a], ds_str(ds, ds->acc.id[a]),
			strpool_len(&ds->strings, ds->acc.id[a]), f->size);
	h->cmd = CMD_RUN;
	h->n_accounts = ds->acc.n;
	h->po = o->persona;
	h->po.seed = o->seed; /* as features_compute */
	h->round = round_bytes(f);
	h->po.seed_key = NULL; /* each shard passes its own */
	h->ro = o->reuse;
	h->ro.seed = o->seed; /* as features_compute */
	snprintf(h->tz, sizeof(h->tz), "%s", o->tz ? o->tz : TIMING_DEFAULT_TZ);
	h->have_zonedir = o->zonedir != NULL;
	h->have_tmpdir = o->tmpdir != NULL;
	if ((o->zonedir && strlen(o->zonedir) >= PATH_CAP) ||
	    (o->tmpdir && strlen(o->tmpdir) >= PATH_CAP) ||
	    strlen(h->tz) >= sizeof(h->tz) - 1) {
		/* the header cannot carry it: every rank is told to skip */
		h->cmd = CMD_SKIP;
	}
	if (o->zonedir)
		snprintf(h->zonedir, PATH_CAP, "%s", o->zonedir);
	if (o->tmpdir)
		snprintf(h->tmpdir, PATH_CAP, "%s", o->tmpdir);
	mpi_need(f->comm, !bcast_bytes(h, sizeof(*h), f->comm),
		 "the per-account features: rank 0's header to the ranks");
	f->started = 1;
	if (h->cmd == CMD_SKIP) {
		free(h);
		free(cur.owner);
		snprintf(f->errmsg, sizeof(f->errmsg),
			 "--mpi: a path or zone name is too long for the "
			 "feature header (%d bytes at most)", PATH_CAP - 1);
		return CIB_EUSAGE;
	}
	/* the rows come back inside run_common, once the owners computed
	 * them: their arrays first (an error stops the stage after it,
	 * every rank told) */
	err = persona_result_alloc(&fs->persona, ds->acc.n);
	if (!err)
		err = profile_result_alloc(&fs->profile, ds->acc.n);
	pc.fs = fs;
	pc.ds = ds;
	pc.n = err ? 0 : ds->acc.n;
	pc.bad = 0;
	f->mine = run_common(f, h, &cur, &pc);
	free(cur.owner);
	free(h);
	if (!err)
		err = ((struct mine *)f->mine)->rows_err;
	if (!err && pc.bad)
		err = CIB_EIO;
	if (err) {
		snprintf(f->errmsg, sizeof(f->errmsg),
			 "per-account features on the owner ranks: %s",
			 pc.bad && err == CIB_EIO
				 ? "a rank sent an account out of range"
				 : cib_strerror(err));
		return err;
	}
	/* the owners have every post's counts, language and client: nothing
	 * here reads them again (the stage's finish takes the owners' rows,
	 * the reuse features and the events read other columns) */
	if (f->sent_ds && f->sent_ds == ds) {
		f->columns_freed = dataset_drop_post_columns(f->sent_ds);
		origins_to_bits(f, f->sent_ds);
	}
	return CIB_OK;
}

static uint32_t code_id(struct place_ctx *c, const char *s)
{
	size_t n = strnlen(s, LANGDETECT_CODE_MAX + 1);

	return n ? langdetect_intern(&c->fs->ld, c->ds, s, n) : STR_NONE;
}

static void place_row(void *ctx, const struct row *r)
{
	struct place_ctx *c = ctx;
	struct persona_result *p = &c->fs->persona;
	uint32_t a = r->acc;

	if (a >= c->n) {
		c->bad = 1;
		return;
	}
	c->fs->timing[a] = r->timing;
	p->n_posts_lang[a] = r->n_posts_lang;
	p->n_perm[a] = r->n_perm;
	p->gap_lang_change[a] = r->gap_lang_change;
	p->ui_lang_mismatch[a] = r->ui_lang_mismatch;
	p->main_lang[a] = code_id(c, r->main_lang);
	p->lang_before[a] = code_id(c, r->lang_before);
	p->lang_after[a] = code_id(c, r->lang_after);
	p->cp_llr[a] = r->cp_llr;
	p->cp_p[a] = r->cp_p;
	p->topic_shift[a] = r->topic_shift;
	p->gap_topic_shift[a] = r->gap_topic_shift;
	p->cp_time[a] = r->cp_time;
	p->longest_gap[a] = r->longest_gap;
	p->gap_end[a] = r->gap_end;
	c->fs->profile.creation_z[a] = r->creation_z;
	c->fs->profile.creation_p[a] = r->creation_p;
	c->fs->profile.creation_lambda[a] = r->creation_lambda;
	c->fs->profile.follow_ratio[a] = r->follow_ratio;
	c->fs->profile.engagement_per_post[a] = r->engagement_per_post;
	c->fs->profile.engagement_per_follower[a] =
		r->engagement_per_follower;
	c->fs->profile.created_same_day[a] = r->created_same_day;
	c->fs->profile.n_original[a] = r->n_original;
	c->fs->profile.default_handle[a] = r->default_handle;
}

/* Rank 0's part of the distinct texts and the near-duplicate search,
 * from reuse_compute_near. */
static enum cib_err hook_texts(void *ctx, uint32_t *text, size_t n,
			       size_t *nd, uint32_t **parent,
			       struct reuse_stats *st)
{
	struct mpi_feat *f = ctx;
	struct mine *m = f->mine;
	char msg[200];
	enum cib_err err;

	mpi_need(f->comm, m != NULL,
		 "the per-account features: finding the stage's state for "
		 "the near-duplicate search");
	f->near_done = 1;
	err = mpi_reuse_run(&m->near, 0, n, text, nd, parent, st, msg,
			    sizeof(msg));
	urls_in(f, m);
	if (err) {
		snprintf(f->errmsg, sizeof(f->errmsg),
			 "near-duplicate search on the ranks: %s",
			 msg[0] ? msg : cib_strerror(err));
		fprintf(stderr, "cibscan: %s\n", f->errmsg);
	}
	return err;
}

/* Every rank's fingerprint flag (1: it read the language fingerprints)
 * reduced to its least and most over the ranks. */
static void agree_fp(struct mpi_feat *f, int fp, int *lo, int *hi)
{
	MPI_Request rq;

	mpi_need(f->comm, MPI_Iallreduce(&fp, lo, 1, MPI_INT, MPI_MIN,
					 f->comm, &rq) == MPI_SUCCESS &&
		 !wait_rq(&rq) &&
		 MPI_Iallreduce(&fp, hi, 1, MPI_INT, MPI_MAX, f->comm,
				&rq) == MPI_SUCCESS &&
		 !wait_rq(&rq),
		 "the per-account features: agreeing on the language "
		 "fingerprints");
}
/* The others wait in the search: tell them the stage failed before it. */
static void near_skip(struct mpi_feat *f, struct mine *m)
{
	char msg[200];

	if (f->near_done)
		return;
	f->near_done = 1;
	(void)mpi_reuse_run(&m->near, 1, 0, NULL, NULL, NULL, NULL, msg,
			    sizeof(msg));
	urls_in(f, m);
}

static enum cib_err hook_finish(void *ctx, struct feature_set *fs,
				const struct dataset *ds,
				const struct postindex *pi)
{
	struct mpi_feat *f = ctx;
	struct mine *m = f->mine;
	struct persona_result *p = &fs->persona;
	enum cib_err err;
	int fp = fs->ld.tc[0] != NULL, fp_min = 0, fp_max = 0;
	MPI_Request rq;

	if (f->local) {
		struct persona_opts po = f->o->persona;

		f->local = 0;
		po.seed = f->o->seed;
		err = persona_compute_opts(ds, pi, &fs->ld, &po, p);
		return err ? err : profile_compute(ds, pi, &fs->profile);
	}
	f->finished = 1;
	mpi_need(f->comm, m != NULL,
		 "the per-account features: finding the stage's state for "
		 "its finish");
	near_skip(f, m);
	/* reuse is done with the texts' URLs (all of them at once: free
	 * them before the stages after) */
	mpi_postbytes_free(&f->text_urls);
	memset(&f->tu, 0, sizeof(f->tu));
	f->near.text_urls = NULL;
	shown_in(f, m, &fs->reuse, ds, pi);
	err = agree_err(f, m);
	if (err) {
		snprintf(f->errmsg, sizeof(f->errmsg),
			 "per-account features on the owner ranks: %s",
			 cib_strerror(err));
		return err;
	}
	/* every rank must have read the fingerprints rank 0 did */
	fp = m->fp;
	agree_fp(f, fp, &fp_min, &fp_max);
	if (fp_min != fp_max || fp_max != (fs->ld.tc[0] != NULL)) {
		snprintf(f->errmsg, sizeof(f->errmsg),
			 "per-account features: the ranks do not all have "
			 "the language fingerprints");
		return CIB_EIO;
	}
	for (size_t c = 0; c < ds->change.n; c++) {
		uint32_t acc = ds->change.account[c];

		if (acc >= ds->acc.n)
			continue;
		if (ds->change.field[c] == ACC_FIELD_HANDLE)
			p->n_handle_changes[acc]++;
		else if (ds->change.field[c] == ACC_FIELD_NAME)
			p->n_name_changes[acc]++;
	}
	if (!f->all)
		f->all = calloc((size_t)f->size, sizeof(*f->all));
	f->st.reuse = m->near.st;
	mpi_need(f->comm, MPI_Igather(&f->st, (int)sizeof(f->st), MPI_BYTE,
				      f->all, (int)sizeof(f->st), MPI_BYTE, 0,
				      f->comm, &rq) == MPI_SUCCESS &&
		 !wait_rq(&rq),
		 "the per-account features: each rank's statistics to rank 0");
	mine_free(m);
	f->mine = NULL;
	return CIB_OK;
}

void mpi_feat_hook(struct mpi_feat *f, struct feature_opts *o)
{
	if (f->size < 2)
		return;
	f->shard.ctx = f;
	f->shard.start = hook_start;
	f->shard.finish = hook_finish;
	f->near.ctx = f;
	f->near.texts = hook_texts;
	f->shard.near = &f->near;
	o->shard = &f->shard;
}

/* ---- the other ranks ------------------------------------------------ */

enum cib_err mpi_feat_serve(struct mpi_feat *f)
{
	struct hdr *h = calloc(1, sizeof(*h));
	struct mine *m;
	int fp;
	int dummy = 0;
	MPI_Request rq;

	mpi_need(f->comm, h != NULL,
		 "the per-account features: room for rank 0's header");
	mpi_need(f->comm, !bcast_bytes(h, sizeof(*h), f->comm),
		 "the per-account features: rank 0's header to the ranks");
	h->po.seed_key = NULL; /* rank 0's pointer: meaningless here */
	if (h->cmd != CMD_RUN) {
		free(h);
		return CIB_OK;
	}
	m = run_common(f, h, NULL, NULL);
	free(h);
	{
		char msg[200];

		/* an error is rank 0's to report */
		(void)mpi_reuse_run(&m->near, 0, 0, NULL, NULL, NULL, NULL,
				    msg, sizeof(msg));
	}
	urls_in(f, m);
	shown_in(f, m, NULL, NULL, NULL);
	if (agree_err(f, m) != CIB_OK) {
		mine_free(m);
		return CIB_OK; /* rank 0 reports it */
	}
	fp = m->fp;
	f->st.reuse = m->near.st;
	agree_fp(f, fp, &dummy, &dummy);
	mpi_need(f->comm, MPI_Igather(&f->st, (int)sizeof(f->st), MPI_BYTE,
				      NULL, (int)sizeof(f->st), MPI_BYTE, 0,
				      f->comm, &rq) == MPI_SUCCESS &&
		 !wait_rq(&rq),
		 "the per-account features: each rank's statistics to rank 0");
	mine_free(m);
	return CIB_OK;
}

enum cib_err mpi_feat_done(struct mpi_feat *f)
{
	struct hdr *h;
	int rc;

	if (f->size < 2)
		return CIB_OK;
	if (f->started) {
		if (!f->finished && f->mine) {
			/* the stage failed between start and finish: the
			 * others wait for the stage's end, told of the
			 * error */
			((struct mine *)f->mine)->err = CIB_EIO;
			near_skip(f, f->mine);
			shown_in(f, f->mine, NULL, NULL, NULL);
			(void)agree_err(f, f->mine);
			mine_free(f->mine);
			f->mine = NULL;
		}
		return CIB_OK;
	}
	h = calloc(1, sizeof(*h));
	mpi_need(f->comm, h != NULL,
		 "the per-account features: room for the header that skips "
		 "the stage");
	h->cmd = CMD_SKIP;
	rc = bcast_bytes(h, sizeof(*h), f->comm);
	free(h);
	return rc ? CIB_EIO : CIB_OK;
}
