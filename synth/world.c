/* world.c - units of accounts and posts, ids, and the output files of the
 * synth modes (world.h).
 *
 * Invariants: account ids and handles are unique per platform (a hash set
 * of what was issued); post ids are unique (time plus a global counter in
 * the low bits, as X and Mastodon ids are built); every post is written
 * under its author, sorted by time; truth.csv has one row per account.
 */
#include "world.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platforms.h"
#include "sout.h"
#include "srng.h"

#define ARENA_BLOCK (256 * 1024)

struct ablock {
	struct ablock *next;
	size_t used, cap;
	char data[];
};

struct arena {
	struct ablock *head;
};

static void *arena_alloc(struct arena *a, size_t n)
{
	struct ablock *b = a->head;

	n = (n + 7) & ~(size_t)7;
	if (!b || b->used + n > b->cap) {
		size_t cap = n > ARENA_BLOCK ? n : ARENA_BLOCK;

		b = malloc(sizeof(*b) + cap);
		if (!b)
			return NULL;
		b->next = a->head;
		b->used = 0;
		b->cap = cap;
		a->head = b;
	}
	b->used += n;
	return b->data + b->used - n;
}

static void arena_free(struct arena *a)
{
	while (a->head) {
		struct ablock *n = a->head->next;

		free(a->head);
		a->head = n;
	}
}

static const char *arena_str(struct arena *a, const char *s)
{
	size_t n;
	char *p;

	if (!s)
		return NULL;
	n = strlen(s) + 1;
	p = arena_alloc(a, n);
	if (p)
		memcpy(p, s, n);
	return p;
}

struct world {
	struct sout out[SP__COUNT], truth;
	unsigned mask;
	enum sfmt xfmt;
	uint64_t key, nacct, npost;
	struct sacct *acc;
	size_t nacc, capacc;
	struct spost *post;
	size_t npostu, cappost;
	struct arena unit, keep;
	uint64_t *set; /* issued handles and ids (hashes), 0 = empty */
	size_t setcap, setn;
	struct world_stats st;
	int oom;
};

const char *world_plat_name(enum splat p)
{
	static const char *const n[SP__COUNT] = { "x", "mastodon", "bluesky" };

	return (unsigned)p < SP__COUNT ? n[p] : "unknown";
}

enum cib_err world_open(struct world **wp, const char *dir, unsigned mask,
			enum sfmt xfmt, uint64_t key, char *errmsg,
			size_t errlen)
{
	struct world *w = calloc(1, sizeof(*w));
	static const char *const names[SP__COUNT] = { NULL, "mastodon.jsonl",
						      "bluesky.jsonl" };
	enum cib_err e;

	*wp = NULL;
	if (!w) {
		snprintf(errmsg, errlen, "out of memory");
		return CIB_ENOMEM;
	}
	w->mask = mask;
	w->xfmt = xfmt;
	w->key = key;
	w->setcap = 1 << 16;
	w->set = calloc(w->setcap, sizeof(*w->set));
	if (!w->set) {
		free(w);
		snprintf(errmsg, errlen, "out of memory");
		return CIB_ENOMEM;
	}
	for (int p = 0; p < SP__COUNT; p++) {
		const char *n = names[p];

		if (!(mask & (1u << p)))
			continue;
		if (p == SP_X)
			n = xfmt == SF_XAPI ? "x.jsonl" : "posts.jsonl";
		e = sout_open(&w->out[p], dir, n, errmsg, errlen);
		if (e) {
			world_abort(w);
			return e;
		}
		if (p == SP_X && xfmt == SF_JSONL)
			sout_puts(&w->out[p], "{\"type\":\"cibscan\",\"version\":1}\n");
	}
	e = sout_open(&w->truth, dir, "truth.csv", errmsg, errlen);
	if (e) {
		world_abort(w);
		return e;
	}
	sout_puts(&w->truth, "account_id,role,group_id,platform,kind\n");
	*wp = w;
	return CIB_OK;
}

/* 1 when h was new (and is now issued). */
static int set_add(struct world *w, uint64_t h)
{
	size_t i;

	if (!h)
		h = 1;
	if (w->setn * 2 >= w->setcap) {
		size_t nc = w->setcap * 2;
		uint64_t *ns = calloc(nc, sizeof(*ns));

		if (!ns) {
			w->oom = 1;
			return 1;
		}
		for (size_t k = 0; k < w->setcap; k++) {
			if (!w->set[k])
				continue;
			i = (size_t)srng_mix(w->set[k]) & (nc - 1);
			while (ns[i])
				i = (i + 1) & (nc - 1);
			ns[i] = w->set[k];
		}
		free(w->set);
		w->set = ns;
		w->setcap = nc;
	}
	i = (size_t)srng_mix(h) & (w->setcap - 1);
	while (w->set[i]) {
		if (w->set[i] == h)
			return 0;
		i = (i + 1) & (w->setcap - 1);
	}
	w->set[i] = h;
	w->setn++;
	return 1;
}

static uint64_t hash_str(uint64_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return srng_mix(h);
}

/* A bijection on the low `bits` bits (odd multiplications and an
 * xor-shift, each invertible modulo 2^bits): counters of one unit are
 * consecutive, and ids must not betray which accounts or posts were
 * generated together. */
static uint64_t perm_bits(uint64_t x, int bits)
{
	uint64_t m = (1ULL << bits) - 1;

	x = (x * 0x9e3779b97f4a7c15ULL) & m;
	x ^= x >> (bits / 2);
	x = (x * 0xbf58476d1ce4e5b9ULL) & m;
	x ^= x >> (bits / 3);
	return (x * 0x94d049bb133111ebULL) & m;
}

static void b32(uint64_t v, int n, char *out)
{
	static const char al[] = "234567abcdefghijklmnopqrstuvwxyz";

	for (int i = n - 1; i >= 0; i--) {
		out[i] = al[v & 31];
		v >>= 5;
	}
	out[n] = 0;
}

long world_acct(struct world *w, struct sacct *a)
{
	uint64_t g = w->nacct++;
	char base[64];

	if (w->nacc == w->capacc) {
		size_t nc = w->capacc ? w->capacc * 2 : 64;
		struct sacct *na = realloc(w->acc, nc * sizeof(*na));

		if (!na) {
			w->oom = 1;
			return -1;
		}
		w->acc = na;
		w->capacc = nc;
	}
	/* unique handle per platform (and host) */
	if (!a->handle[0])
		snprintf(a->handle, sizeof(a->handle), "user%llu",
			 (unsigned long long)g);
	snprintf(base, sizeof(base), "%s", a->handle);
	for (unsigned k = 1;; k++) {
		uint64_t h = hash_str((uint64_t)a->plat * 977 + 1, a->handle);

		if (a->plat == SP_MASTODON)
			h = hash_str(h, a->host);
		if (set_add(w, h))
			break;
		snprintf(a->handle, sizeof(a->handle), "%.40s_%u", base,
			 k < 10 ? k : (unsigned)(g % 100000) + k);
	}
	switch (a->plat) {
	case SP_X:
		if (a->created >= 1293840000) /* 2011: snowflake ids */
			snprintf(a->id, sizeof(a->id), "%llu",
				 (unsigned long long)(((uint64_t)(a->created * 1000 -
								  1288834974657LL))
							      << 22 |
						      perm_bits(g & 0x3fffff, 22)));
		else
			snprintf(a->id, sizeof(a->id), "%llu",
				 (unsigned long long)(20000000 +
						      (g < (1ULL << 24) ? perm_bits(g, 24) : g)));
		break;
	case SP_MASTODON:
		snprintf(a->id, sizeof(a->id), "%s@%s", a->handle, a->host);
		break;
	default: {
		char d[32];

		b32(srng_mix(w->key ^ srng_mix(g + 17)), 12, d);
		b32(srng_mix(w->key ^ srng_mix(g + 91)), 12, d + 12);
		snprintf(a->id, sizeof(a->id), "did:plc:%s", d);
		if (!strchr(a->handle, '.')) {
			size_t l = strlen(a->handle);

			snprintf(a->handle + l, sizeof(a->handle) - l,
				 ".bsky.social");
		}
	}
	}
	w->acc[w->nacc] = *a;
	return (long)w->nacc++;
}

struct sacct *world_acct_at(struct world *w, long i)
{
	return &w->acc[i];
}

struct spost *world_post(struct world *w, long acct, int64_t t)
{
	struct spost *p;
	const struct sacct *a = &w->acc[acct];
	uint64_t c = w->npost++;
	char id[128];

	if (w->npostu == w->cappost) {
		size_t nc = w->cappost ? w->cappost * 2 : 1024;
		struct spost *np = realloc(w->post, nc * sizeof(*np));

		if (!np) {
			w->oom = 1;
			return NULL;
		}
		w->post = np;
		w->cappost = nc;
	}
	p = &w->post[w->npostu++];
	memset(p, 0, sizeof(*p));
	p->t = t;
	p->acct = (uint32_t)acct;
	switch (a->plat) {
	case SP_X:
		snprintf(id, sizeof(id), "%llu",
			 (unsigned long long)((uint64_t)(t * 1000 + (int64_t)((c >> 22) % 1000) -
							 1288834974657LL)
						      << 22 |
					      perm_bits(c & 0x3fffff, 22)));
		break;
	case SP_MASTODON:
		snprintf(id, sizeof(id), "%llu",
			 (unsigned long long)((uint64_t)(t * 1000 + (int64_t)((c >> 16) % 1000))
						      << 16 |
					      perm_bits(c & 0xffff, 16)));
		break;
	default: {
		char tid[16];

		b32((uint64_t)(t * 1000000 + (int64_t)((c >> 10) % 1000000)) << 10 |
			    perm_bits(c & 1023, 10),
		    13, tid);
		snprintf(id, sizeof(id), "at://%s/app.bsky.feed.post/%s", a->id,
			 tid);
	}
	}
	p->id = arena_str(&w->unit, id);
	if (!p->id)
		w->oom = 1;
	return p;
}

const char *world_str(struct world *w, const char *s)
{
	const char *r = arena_str(&w->unit, s);

	if (!r && s)
		w->oom = 1;
	return r;
}

static const struct sref *mkref(struct world *w, struct arena *ar,
				const struct spost *p)
{
	struct sref *r = arena_alloc(ar, sizeof(*r));
	const struct sacct *a = &w->acc[p->acct];

	if (!r) {
		w->oom = 1;
		return NULL;
	}
	r->plat = a->plat;
	r->t = p->t;
	r->id = arena_str(ar, p->id);
	r->acct_id = arena_str(ar, a->id);
	r->handle = arena_str(ar, a->handle);
	r->name = arena_str(ar, a->name);
	r->text = arena_str(ar, p->text ? p->text : "");
	r->lang = arena_str(ar, p->lang ? p->lang : "");
	r->acct_created = a->created;
	if (!r->id || !r->acct_id || !r->handle || !r->name || !r->text ||
	    !r->lang)
		w->oom = 1;
	return r;
}

const struct sref *world_keep(struct world *w, const struct spost *p)
{
	return mkref(w, &w->keep, p);
}

const struct sref *world_ref(struct world *w, const struct spost *p)
{
	return mkref(w, &w->unit, p);
}

static int post_cmp(const void *x, const void *y)
{
	const struct spost *a = *(const struct spost *const *)x,
			   *b = *(const struct spost *const *)y;

	if (a->acct != b->acct)
		return a->acct < b->acct ? -1 : 1;
	if (a->t != b->t)
		return a->t < b->t ? -1 : 1;
	return (a > b) - (a < b); /* creation order */
}

enum cib_err world_flush(struct world *w)
{
	const struct spost **ix = NULL;
	size_t j = 0;

	if (w->oom)
		return CIB_ENOMEM;
	if (w->npostu) {
		ix = malloc(w->npostu * sizeof(*ix));
		if (!ix)
			return CIB_ENOMEM;
		for (size_t i = 0; i < w->npostu; i++)
			ix[i] = &w->post[i];
		qsort(ix, w->npostu, sizeof(*ix), post_cmp);
	}
	for (size_t i = 0; i < w->nacc; i++) {
		const struct sacct *a = &w->acc[i];
		size_t k = j;
		struct sout *o = &w->out[a->plat];

		while (k < w->npostu && ix[k]->acct == i)
			k++;
		if (w->mask & (1u << a->plat)) {
			switch (a->plat) {
			case SP_X:
				if (w->xfmt == SF_XAPI)
					platforms_xapi(o, a, ix + j, k - j);
				else
					platforms_jsonl(o, a, ix + j, k - j);
				break;
			case SP_MASTODON:
				platforms_mastodon(o, a, ix + j, k - j);
				break;
			default:
				platforms_bluesky(o, a, ix + j, k - j);
			}
			w->st.accounts++;
			w->st.cib += strcmp(a->role, "cib") == 0;
			w->st.posts += k - j;
			w->st.by_plat[a->plat]++;
			sout_csv(&w->truth, a->id);
			sout_printf(&w->truth, ",%s,", a->role);
			if (a->group)
				sout_printf(&w->truth, "%u", a->group);
			sout_printf(&w->truth, ",%s,%s\n", world_plat_name(a->plat),
				    a->kind ? a->kind : "");
		}
		j = k;
	}
	free(ix);
	w->nacc = 0;
	w->npostu = 0;
	arena_free(&w->unit);
	return CIB_OK;
}

void world_abort(struct world *w)
{
	if (!w)
		return;
	for (int p = 0; p < SP__COUNT; p++)
		sout_abort(&w->out[p]);
	sout_abort(&w->truth);
	arena_free(&w->unit);
	arena_free(&w->keep);
	free(w->acc);
	free(w->post);
	free(w->set);
	free(w);
}

enum cib_err world_close(struct world *w, struct world_stats *st,
			 char *errmsg, size_t errlen)
{
	enum cib_err e = CIB_OK;

	if (w->oom) {
		snprintf(errmsg, errlen, "out of memory");
		world_abort(w);
		return CIB_ENOMEM;
	}
	for (int p = 0; p < SP__COUNT && !e; p++)
		if (w->mask & (1u << p))
			e = sout_close(&w->out[p], errmsg, errlen);
	if (!e)
		e = sout_close(&w->truth, errmsg, errlen);
	if (st)
		*st = w->st;
	world_abort(w);
	return e;
}
