/* opbase.c - operations' shared machinery (opbase.h).
 *
 * Invariants: a member's operation posts are never before its *active
 * time (creation, or the persona switch of a repurposed account); batch
 * creation days fall before the window; article i of an operation always
 * has the same URL and publication time (derived from the operation's key
 * and i), so members sharing it hours or days apart share the same string.
 */
#include "opbase.h"

#include <stdio.h>
#include <string.h>

#include "core/timefmt.h"
#include "world.h"

#define SPAN(s) ((s)->t1 - (s)->t0)

void opbase_draw(struct scene *s, struct srng *r, struct opbase *o,
		 const char *kind, int tp_lo, int tp_hi)
{
	double u;
	struct opvocab *v;

	memset(o, 0, sizeof(*o));
	o->group = scene_group(s);
	o->kind = kind;
	rhythm_shift_draw(r, &o->sh, srng_uniform(r, 0.2, 0.8));
	o->p_sched = srng_uniform(r, 0.33, 0.6);
	u = srng_unif(r);
	/* operator styles: English, bilingual, Chinese, Japanese-targeting */
	o->tlang = u < 0.5 ? TL_EN : u < 0.8 ? TL_ZH : TL_JA;
	o->p_other_lang = o->tlang == TL_EN ? srng_uniform(r, 0, 0.3)
					    : srng_uniform(r, 0.05, 0.3);
	o->p_zh = o->tlang == TL_EN ? srng_uniform(r, 0.1, 0.5)
				    : srng_uniform(r, 0.5, 0.9);
	o->nbatch = (int)srng_range(r, 2, 5);
	for (int i = 0; i < o->nbatch; i++)
		o->batch[i] = (s->t0 - srng_range(r, 20, 730) * 86400) / 86400;
	o->p_batch = srng_uniform(r, 0.5, 0.9);
	o->p_repurpose = srng_uniform(r, 0.1, 0.4);
	o->p_claim_us = srng_uniform(r, 0.1, 0.6);
	o->ntp = (int)srng_range(r, tp_lo, tp_hi);
	if (o->ntp > OP_MAX_TP)
		o->ntp = OP_MAX_TP;
	for (int i = 0; i < o->ntp; i++) {
		textgen_tpoint_draw(r, o->tlang, &o->tp[i]);
		o->tp_rel[i] = s->t0 + (int64_t)(srng_unif(r) * 0.95 * (double)SPAN(s));
		o->tp_life[i] = srng_lnorm(r, 3 * 86400, 0.7);
	}
	o->style.p_reorder = srng_uniform(r, 0.3, 0.9);
	o->style.p_drop = srng_uniform(r, 0.1, 0.5);
	o->style.p_opener = srng_uniform(r, 0.1, 0.6);
	o->style.p_filler = srng_uniform(r, 0.1, 0.6);
	o->style.p_emoji = srng_uniform(r, 0.2, 0.8);
	/* light editors keep the brief's wording half the time; rewriters
	 * (or their language model) almost never */
	o->style.p_keep = srng_uniform(r, 0.0, 0.5);
	o->p_link = srng_uniform(r, 0.2, 0.7);
	o->p_tag = srng_uniform(r, 0.2, 0.7);
	o->p_chatter = srng_uniform(r, 0.05, 0.3);
	o->p_reply = srng_uniform(r, 0.0, 0.12);
	o->fol_median = srng_uniform(r, 3, 30);
	o->narticles = (int)srng_range(r, 8, 40);
	/* vocabulary */
	if (s->nops < SC_MAX_OPS) {
		v = &s->ops[s->nops++];
	} else {
		v = &s->ops[SC_MAX_OPS - 1];
	}
	memset(v, 0, sizeof(*v));
	v->ndomains = (int)srng_range(r, 2, 6);
	for (int i = 0; i < v->ndomains; i++)
		textgen_domain(r, v->domains[i], sizeof(v->domains[i]));
	v->ntags = (int)srng_range(r, 3, 8);
	for (int i = 0; i < v->ntags; i++)
		v->tags[i] = (unsigned)srng_below(r, textgen_n_pol_hashtags());
	for (int i = 0; i < o->ntp && v->nents < 16; i++)
		v->ents[v->nents++] = o->tp[i].ent;
	o->vocab = v;
}

int64_t opbase_time(struct srng *r, const struct opbase *o, int64_t a,
		    int64_t b)
{
	if (srng_coin(r, o->p_sched))
		return rhythm_any(r, a, b);
	return rhythm_office(r, &o->sh, a, b);
}

void opbase_article(struct scene *s, const struct opbase *o, unsigned idx,
		    char *url, size_t cap, int64_t *published)
{
	struct srng q;
	char slug[128];
	unsigned nd = (unsigned)(o->vocab->ndomains ? o->vocab->ndomains : 1);
	int64_t t;
	int64_t y;
	unsigned mo, d;

	srng_seed(&q, s->key ^ 0xa7c1e5ULL, o->group, idx);
	t = s->t0 - 86400 * 3 + (int64_t)(srng_unif(&q) * (double)(SPAN(s)));
	textgen_slug(&q, slug, sizeof(slug));
	timefmt_civil_from_days(t / 86400, &y, &mo, &d);
	snprintf(url, cap, "https://%s/%04lld/%02u/%s-%u.html",
		 o->vocab->domains[idx % nd], (long long)y, mo, slug, idx);
	*published = t;
}

long opbase_member(struct scene *s, struct srng *r, struct opbase *o,
		   enum splat plat, int64_t *active)
{
	struct sacct a;
	enum tlang pl = srng_coin(r, o->p_zh) ? TL_ZH : TL_EN;
	int repurposed = srng_coin(r, o->p_repurpose), oldkind = 0;
	long ai;

	scene_person(s, r, &a, plat, pl, 0, 1, NULL);
	textgen_polbio(r, pl == TL_ZH && srng_coin(r, 0.5) ? TL_ZH : TL_EN,
		       a.desc, sizeof(a.desc));
	a.loc[0] = 0;
	if (srng_coin(r, o->p_claim_us)) {
		static const char *const us[] = { "New York, USA", "California",
						  "Texas, USA", "Washington, DC",
						  "USA" };

		snprintf(a.loc, sizeof(a.loc), "%s", us[srng_below(r, 5)]);
	}
	a.followers = (uint32_t)srng_lnorm(r, o->fol_median, 1.0);
	a.following = (uint32_t)srng_lnorm(r, 60, 0.8);
	a.role = "cib";
	a.kind = o->kind;
	a.group = o->group;
	*active = s->t0;
	if (repurposed) {
		oldkind = (int)srng_below(r, 4);
		a.created = srng_range(r, 1262304000 /* 2010 */, 1514764800 /* 2018 */);
		a.followers += (uint32_t)srng_lnorm(r, 300, 1.0);
		textgen_oldprofile(r, oldkind, a.old_name, sizeof(a.old_name),
				   a.old_desc, sizeof(a.old_desc));
		a.switch_t = s->t0 + (int64_t)(srng_uniform(r, 0.1, 0.4) * (double)SPAN(s));
		*active = a.switch_t;
	} else if (srng_coin(r, o->p_batch)) {
		int64_t day = o->batch[srng_below(r, (uint64_t)o->nbatch)];

		a.created = rhythm_office(r, &o->sh, day * 86400 - 8 * 3600,
					  day * 86400 + 16 * 3600);
	} else {
		a.created = srng_range(r, 1325376000 /* 2012 */, s->t0 - 30 * 86400);
	}
	ai = world_acct(s->w, &a);
	if (ai < 0 || !repurposed)
		return ai;
	/* the old persona's posts, then weeks of silence before the switch */
	{
		uint64_t n = (uint64_t)srng_range(r, 5, 40);
		int64_t end = a.switch_t - (int64_t)srng_range(r, 14, 60) * 86400;

		if (end <= s->t0)
			return ai;
		for (uint64_t k = 0; k < n; k++) {
			struct spost *p = world_post(s->w, ai, rhythm_any(r, s->t0, end));
			char txt[512];

			if (!p)
				return -1;
			textgen_oldpersona(r, oldkind, txt, sizeof(txt));
			scene_unique_text(s, plat, txt, sizeof(txt));
			p->text = world_str(s->w, txt);
			p->lang = "en";
			p->client = "Twitter Web App";
			p->likes = (uint32_t)srng_poisson(r, 1.5);
		}
	}
	return ai;
}
