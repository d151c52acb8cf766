/* stealth.c - stealthy and cross-platform operation networks
 * (stealth.h; docs/synth.md "Stealth" and "Platforms").
 *
 * Invariants: members never repost or quote one another (their only
 * references are replies to public posts); every member text is unique in
 * the run within a platform (scene_unique_text); a talking point's posts
 * fall in [release, release + life) clipped to the window and to the
 * member's active time.
 */
#include "stealth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opbase.h"

enum { TAG_STEALTH = 301, TAG_SMEM, TAG_XPLAT, TAG_XMEM };

/* A talking-point post (or camouflage chatter) at a time inside its
 * talking point's life; 0 when no time fits. */
static int op_post(struct scene *s, struct srng *r, struct opbase *o,
		   long ai, enum splat plat, int64_t active, const char *client,
		   int tpi, const char *fixed_text, int art_fixed)
{
	enum tlang used = TL_EN;
	char txt[768], url[256];
	int64_t a, b, t, pub = 0;
	struct spost *p;
	int link = 0;
	unsigned art = 0;
	const struct sref *ref = NULL;
	int chatter = tpi < 0;

	if (chatter) {
		a = active;
		b = s->t1;
	} else {
		a = o->tp_rel[tpi];
		b = a + (int64_t)o->tp_life[tpi];
		if (art_fixed >= 0 || (art_fixed == -2 && srng_coin(r, o->p_link))) {
			/* the talking point's own article, or another */
			unsigned na = (unsigned)(o->vocab->ndomains * o->narticles);

			art = art_fixed >= 0	    ? (unsigned)art_fixed
			      : srng_coin(r, 0.7) ? (unsigned)tpi % na
						  : (unsigned)srng_below(r, na);
			opbase_article(s, o, art, url, sizeof(url), &pub);
			link = 1;
			if (pub > a)
				a = pub;
		}
	}
	if (a < active)
		a = active;
	if (a < s->t0)
		a = s->t0;
	if (b > s->t1)
		b = s->t1;
	if (b <= a)
		return 0;
	t = opbase_time(r, o, a, b);
	if (!chatter && srng_coin(r, o->p_reply))
		ref = scene_pool_pick(s, r, plat, POOL_POLITICS, t);
	p = world_post(s->w, ai, t);
	if (!p)
		return 0;
	if (fixed_text) {
		snprintf(txt, sizeof(txt), "%s", fixed_text);
		used = (enum tlang)o->tp[tpi].lang;
	} else if (chatter) {
		used = srng_coin(r, o->p_zh) ? TL_ZH : TL_EN;
		textgen_chatter(r, used, txt, sizeof(txt));
	} else {
		struct tpoint tp = o->tp[tpi];

		if (tp.lang != TL_EN && srng_coin(r, o->p_other_lang))
			tp.lang = tp.lang == TL_ZH ? TL_JA : TL_ZH;
		used = (enum tlang)tp.lang;
		textgen_paraphrase(r, &tp, &o->style, txt, sizeof(txt));
	}
	scene_unique_text(s, plat, txt, sizeof(txt));
	p->text = world_str(s->w, txt);
	p->lang = textgen_lang_code(used);
	p->client = client;
	p->likes = (uint32_t)srng_poisson(r, 0.3);
	if (link)
		scene_add_url(s, p, url);
	if (!chatter && srng_coin(r, o->p_tag)) {
		int k = (int)srng_range(r, 1, 2);

		for (int i = 0; i < k; i++)
			scene_add_tag(s, p, textgen_pol_hashtag(
						    o->vocab->tags[srng_below(r, (uint64_t)o->vocab->ntags)]));
	}
	if (ref)
		scene_make_reply(s, p, ref);
	return 1;
}

static const char *member_client(struct srng *r, enum splat p)
{
	double u = srng_unif(r);

	if (p == SP_MASTODON)
		return "Web";
	if (p == SP_BLUESKY)
		return NULL;
	return u < 0.85 ? "Twitter Web App" : u < 0.95 ? "Twitter for Android"
						       : "TweetDeck";
}

void stealth_network(struct scene *s, int idx, double size_scale)
{
	struct srng r, q;
	struct opbase *o = calloc(1, sizeof(*o));
	int n;
	double D = (double)(s->t1 - s->t0) / 86400.0, med;
	enum splat plat = scene_has(s, SP_X) ? SP_X : scene_has(s, SP_MASTODON) ? SP_MASTODON : SP_BLUESKY;

	if (!o) {
		s->oom = 1;
		return;
	}
	srng_seed(&r, s->key, TAG_STEALTH, (uint64_t)idx);
	opbase_draw(s, &r, o, "stealth", 15, 60);
	n = (int)(srng_range(&r, 40, 250) * size_scale);
	n = n < 8 ? 8 : n;
	med = srng_uniform(&r, 25, 80) * D / 180.0;
	for (int i = 0; i < n; i++) {
		int64_t active;
		long ai;
		double x;
		uint64_t np;
		const char *client;

		srng_seed(&q, s->key, TAG_SMEM, (uint64_t)idx * 1000000 + (uint64_t)i);
		ai = opbase_member(s, &q, o, plat, &active);
		if (ai < 0)
			break;
		client = member_client(&q, plat);
		x = srng_lnorm(&q, med, 0.6) + 0.5;
		np = x < 4 ? 4 : x > 600 ? 600 : (uint64_t)x;
		for (uint64_t k = 0, tries = 0; k < np && tries < np * 8; tries++) {
			int tpi = srng_coin(&q, o->p_chatter) ? -1 : (int)srng_below(&q, (uint64_t)o->ntp);

			k += (uint64_t)op_post(s, &q, o, ai, plat, active, client, tpi, NULL, -2);
		}
		world_flush(s->w);
	}
	free(o);
}

void stealth_crossplatform(struct scene *s, int idx, double size_scale)
{
	struct srng r, q;
	struct opbase *o = calloc(1, sizeof(*o));
	long first[SP__COUNT];
	int nm[SP__COUNT] = { 0 }, nmsg;
	int64_t act[SP__COUNT][400];
	const char *cli[SP__COUNT][400];
	double p_cross;

	if (!o) {
		s->oom = 1;
		return;
	}
	srng_seed(&r, s->key, TAG_XPLAT, (uint64_t)idx);
	opbase_draw(s, &r, o, "xplat", 20, 60);
	o->tlang = TL_EN; /* the cross-posted operations seen so far write English */
	for (int i = 0; i < o->ntp; i++)
		o->tp[i].lang = TL_EN;
	p_cross = srng_uniform(&r, 0.6, 0.9);
	for (int p = 0; p < SP__COUNT; p++) {
		first[p] = -1;
		if (!scene_has(s, (enum splat)p))
			continue;
		nm[p] = (int)(srng_range(&r, 30, 120) * size_scale);
		nm[p] = nm[p] < 5 ? 5 : nm[p] > 400 ? 400 : nm[p];
		for (int i = 0; i < nm[p]; i++) {
			long ai;

			srng_seed(&q, s->key, TAG_XMEM, (uint64_t)idx * 10000000 + (uint64_t)p * 1000000 + (uint64_t)i);
			ai = opbase_member(s, &q, o, (enum splat)p, &act[p][i]);
			if (ai < 0) {
				free(o);
				return;
			}
			cli[p][i] = member_client(&q, (enum splat)p);
			if (first[p] < 0)
				first[p] = ai;
		}
	}
	/* messages: a paraphrase each, posted once per platform (most) */
	nmsg = (int)((nm[0] + nm[1] + nm[2]) * srng_uniform(&r, 8, 25) / 3 *
		     ((double)(s->t1 - s->t0) / 86400.0 / 120.0));
	for (int m = 0; m < nmsg; m++) {
		int tpi = (int)srng_below(&r, (uint64_t)o->ntp);
		unsigned na = (unsigned)(o->vocab->ndomains * o->narticles);
		int art = !srng_coin(&r, o->p_link) ? -1
			  : srng_coin(&r, 0.7)	    ? (int)((unsigned)tpi % na)
						    : (int)srng_below(&r, na);
		char txt[768];

		textgen_paraphrase(&r, &o->tp[tpi], &o->style, txt, sizeof(txt));
		for (int p = 0; p < SP__COUNT; p++) {
			int i;

			if (!nm[p] || !srng_coin(&r, p_cross))
				continue;
			i = (int)srng_below(&r, (uint64_t)nm[p]);
			srng_seed(&q, s->key, TAG_XMEM, 900000000ULL + (uint64_t)m * 4 + (uint64_t)p);
			op_post(s, &q, o, first[p] + i, (enum splat)p, act[p][i], cli[p][i], tpi, txt, art);
		}
	}
	world_flush(s->w);
	free(o);
}
