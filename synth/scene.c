/* scene.c - shared state and account helpers of a synth run (scene.h).
 * Invariant: pools hold only posts already added to the world, sorted by
 * nothing (picks are uniform among those older than the asking post). */
#include "scene.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void scene_init(struct scene *s, struct world *w, uint64_t key, int64_t t0,
		int64_t t1, unsigned platmask)
{
	memset(s, 0, sizeof(*s));
	s->w = w;
	s->key = key;
	s->t0 = t0;
	s->t1 = t1;
	s->platmask = platmask;
	s->next_group = 1;
}

void scene_release(struct scene *s)
{
	for (int p = 0; p < SP__COUNT; p++)
		for (int k = 0; k < POOL__COUNT; k++)
			free(s->pool[p][k].v);
	free(s->texts);
	s->texts = NULL;
}

uint32_t scene_group(struct scene *s)
{
	return s->next_group++;
}

int scene_has(const struct scene *s, enum splat p)
{
	return (s->platmask >> p) & 1;
}

enum splat scene_platform(struct scene *s, struct srng *r, double wx,
			  double wm, double wb)
{
	double w[3] = { scene_has(s, SP_X) ? wx : 0,
			scene_has(s, SP_MASTODON) ? wm : 0,
			scene_has(s, SP_BLUESKY) ? wb : 0 };
	double u = srng_unif(r) * (w[0] + w[1] + w[2]);

	if (w[0] + w[1] + w[2] <= 0)
		return SP_X;
	if (u < w[0])
		return SP_X;
	if (u < w[0] + w[1])
		return SP_MASTODON;
	return w[2] > 0 ? SP_BLUESKY : SP_MASTODON;
}

struct place {
	const char *city;
	int tz;
};

static const struct place places[][5] = {
	[TL_EN] = { { "New York, NY", -300 }, { "Chicago, IL", -360 },
		    { "Los Angeles, CA", -480 }, { "London", 0 },
		    { "Sydney", 600 } },
	[TL_ZH] = { { "台北", 480 }, { "Singapore", 480 }, { "Kuala Lumpur", 480 },
		    { "香港", 480 }, { "", 480 } },
	[TL_JA] = { { "東京", 540 }, { "大阪", 540 }, { "Tokyo", 540 },
		    { "", 540 }, { "福岡", 540 } },
	[TL_ES] = { { "Madrid", 60 }, { "Ciudad de México", -360 },
		    { "Buenos Aires", -180 }, { "Bogotá", -300 }, { "", 60 } },
	[TL_FR] = { { "Paris", 60 }, { "Lyon", 60 }, { "Montréal", -300 },
		    { "", 60 }, { "Bruxelles", 60 } },
	[TL_DE] = { { "Berlin", 60 }, { "München", 60 }, { "Wien", 60 },
		    { "Hamburg", 60 }, { "", 60 } },
	[TL_PT] = { { "São Paulo", -180 }, { "Rio de Janeiro", -180 },
		    { "Lisboa", 0 }, { "", -180 }, { "Porto", 0 } },
};
_Static_assert(sizeof(places) / sizeof(places[0]) == TL__COUNT,
	       "places for every language");

static const char *const m_hosts[] = { "mastodon.social", "mastodon.online",
				       "fosstodon.org", "mstdn.jp",
				       "chaos.social", "mas.to",
				       "mastodon.world", "infosec.exchange" };

void scene_person(struct scene *s, struct srng *r, struct sacct *a,
		  enum splat plat, enum tlang lang, int64_t c0, int64_t c1,
		  int *tz)
{
	const struct place *pl = &places[lang][srng_below(r, 5)];

	(void)s;
	memset(a, 0, sizeof(*a));
	a->plat = plat;
	textgen_person(r, lang, a->name, sizeof(a->name), a->handle,
		       sizeof(a->handle));
	textgen_bio(r, lang, a->desc, sizeof(a->desc));
	if (srng_coin(r, 0.7))
		snprintf(a->loc, sizeof(a->loc), "%s", pl->city);
	snprintf(a->lang, sizeof(a->lang), "%s", textgen_lang_code(lang));
	a->created = srng_range(r, c0, c1 > c0 ? c1 : c0 + 1);
	a->followers = (uint32_t)srng_lnorm(r, 150, 1.3);
	a->following = (uint32_t)srng_lnorm(r, 220, 1.0);
	if (plat == SP_MASTODON)
		snprintf(a->host, sizeof(a->host), "%s",
			 lang == TL_JA ? "mstdn.jp" : m_hosts[srng_below(r, 8)]);
	if (tz)
		*tz = pl->tz;
}

void scene_pool_add(struct scene *s, enum splat p, enum pool k,
		    const struct sref *r)
{
	struct sposts *q = &s->pool[p][k];

	if (!r)
		return;
	if (q->n == q->cap) {
		size_t nc = q->cap ? q->cap * 2 : 256;
		const struct sref **nv = realloc(q->v, nc * sizeof(*nv));

		if (!nv) {
			s->oom = 1;
			return;
		}
		q->v = nv;
		q->cap = nc;
	}
	q->v[q->n++] = r;
}

const struct sref *scene_pool_pick(struct scene *s, struct srng *r,
				   enum splat p, enum pool k, int64_t t)
{
	struct sposts *q = &s->pool[p][k];

	for (int i = 0; i < 16 && q->n; i++) {
		const struct sref *x = q->v[srng_below(r, q->n)];

		if (x->t < t)
			return x;
	}
	return NULL;
}

static int text_add(struct scene *s, uint64_t h)
{
	size_t i;

	if (!h)
		h = 1;
	if (s->ntexts * 2 >= s->captexts) {
		size_t nc = s->captexts ? s->captexts * 2 : 1 << 14;
		uint64_t *nt = calloc(nc, sizeof(*nt));

		if (!nt) {
			s->oom = 1;
			return 1;
		}
		for (size_t k = 0; k < s->captexts; k++) {
			if (!s->texts[k])
				continue;
			i = (size_t)srng_mix(s->texts[k]) & (nc - 1);
			while (nt[i])
				i = (i + 1) & (nc - 1);
			nt[i] = s->texts[k];
		}
		free(s->texts);
		s->texts = nt;
		s->captexts = nc;
	}
	i = (size_t)srng_mix(h) & (s->captexts - 1);
	while (s->texts[i]) {
		if (s->texts[i] == h)
			return 0;
		i = (i + 1) & (s->captexts - 1);
	}
	s->texts[i] = h;
	s->ntexts++;
	return 1;
}

static uint64_t fnv(const char *t)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *t; t++)
		h = (h ^ (unsigned char)*t) * 0x100000001b3ULL;
	return srng_mix(h);
}

void scene_unique_text(struct scene *s, enum splat plat, char *buf, size_t cap)
{
	static const char *const em[] = { "🙂", "👍", "🌿", "📌", "💬", "⭐", "🌸",
					  "☀️", "🍀", "🔔", "🎯", "📍" };
	size_t len = strlen(buf);

	if (text_add(s, fnv(buf) ^ (uint64_t)plat))
		return;
	for (unsigned k = 0;; k++) {
		if (k < 12 * 12 && len + 16 < cap)
			snprintf(buf + len, cap - len, " %s%s", em[k % 12],
				 k >= 12 ? em[k / 12 - 1] : "");
		else if (len + 24 < cap)
			snprintf(buf + len, cap - len, " (%u)", k);
		else {
			/* no room left: shorten and retry */
			len = len > 32 ? len - 32 : 0;
			while (len && ((unsigned char)buf[len] & 0xc0) == 0x80)
				len--;
			buf[len] = 0;
			continue;
		}
		if (text_add(s, fnv(buf) ^ (uint64_t)plat) || s->oom)
			return;
	}
}

void scene_add_url(struct scene *s, struct spost *p, const char *url)
{
	if (p->nurl < 3)
		p->urls[p->nurl++] = world_str(s->w, url);
}

void scene_add_tag(struct scene *s, struct spost *p, const char *tag)
{
	for (int i = 0; i < p->ntag; i++)
		if (strcmp(p->tags[i], tag) == 0)
			return;
	if (p->ntag < 4)
		p->tags[p->ntag++] = world_str(s->w, tag);
}

void scene_add_mention(struct scene *s, struct spost *p, const char *id,
		       const char *handle)
{
	if (p->nment < 3) {
		p->ments[p->nment].id = world_str(s->w, id);
		p->ments[p->nment].handle = world_str(s->w, handle);
		p->nment++;
	}
}

void scene_make_reply(struct scene *s, struct spost *p, const struct sref *ref)
{
	p->kind = SPK_REPLY;
	p->ref = ref;
	scene_add_mention(s, p, ref->acct_id, ref->handle);
}
