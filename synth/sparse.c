/* sparse.c - sparse operation networks (sparse.h; docs/synth.md
 * "Sparse").
 *
 * Invariants: every member has between SPARSE_MIN_POSTS and
 * SPARSE_MAX_POSTS posts, all originals (no reposts of anyone); member
 * texts are unique per platform; no account is repurposed (the networks
 * seen are fresh accounts made in batches), so every post counts toward
 * the range.
 */
#include "sparse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opbase.h"

enum { TAG_SPARSE = 401, TAG_SPMEM, TAG_SPDOM };

void sparse_network(struct scene *s, int idx, double size_scale)
{
	struct srng r, q;
	struct opbase *o = calloc(1, sizeof(*o));
	enum splat plat = scene_has(s, SP_X) ? SP_X : scene_has(s, SP_MASTODON) ? SP_MASTODON : SP_BLUESKY;
	int n, nd;
	unsigned na;

	if (!o) {
		s->oom = 1;
		return;
	}
	srng_seed(&r, s->key, TAG_SPARSE, (uint64_t)idx);
	opbase_draw(s, &r, o, "sparse", 80, 300);
	o->p_repurpose = 0;
	o->p_batch = srng_uniform(&r, 0.7, 0.95);
	o->fol_median = srng_uniform(&r, 2, 10);
	nd = (int)srng_range(&r, 1, 3);
	/* opbase_draw named 2-6 domains; a third one drawn here needs its
	 * name (until session 28 it had none: "https:///2022/03/..."), from
	 * a stream of its own so that every other draw stays as it was */
	srng_seed(&q, s->key, TAG_SPDOM, (uint64_t)idx);
	for (int i = o->vocab->ndomains; i < nd; i++)
		textgen_domain(&q, o->vocab->domains[i],
			       sizeof(o->vocab->domains[i]));
	o->vocab->ndomains = nd;
	o->vocab->ntags = (int)srng_range(&r, 3, 6);
	o->narticles = (int)srng_range(&r, 40, 150);
	o->p_link = srng_uniform(&r, 0.3, 0.7);
	o->p_tag = srng_uniform(&r, 0.4, 0.9);
	o->p_chatter = srng_uniform(&r, 0.1, 0.3);
	/* creation batches close to the start: the accounts are made for the
	 * campaign */
	for (int i = 0; i < o->nbatch; i++)
		o->batch[i] = (s->t0 - srng_range(&r, 5, 120) * 86400) / 86400;
	na = (unsigned)(o->vocab->ndomains * o->narticles);
	n = (int)(srng_range(&r, 150, 500) * size_scale);
	n = n < 10 ? 10 : n;
	for (int i = 0; i < n; i++) {
		int64_t active;
		long ai;
		int np;

		srng_seed(&q, s->key, TAG_SPMEM, (uint64_t)idx * 1000000 + (uint64_t)i);
		ai = opbase_member(s, &q, o, plat, &active);
		if (ai < 0)
			break;
		np = (int)srng_range(&q, SPARSE_MIN_POSTS, SPARSE_MAX_POSTS);
		for (int k = 0; k < np; k++) {
			int64_t t = opbase_time(&q, o, active > s->t0 ? active : s->t0, s->t1);
			struct spost *p = world_post(s->w, ai, t);
			char txt[768];
			enum tlang used = (enum tlang)o->tlang;

			if (!p)
				break;
			if (srng_coin(&q, o->p_chatter)) {
				used = srng_coin(&q, o->p_zh) ? TL_ZH : TL_EN;
				textgen_chatter(&q, used, txt, sizeof(txt));
			} else {
				struct tpoint tp = o->tp[srng_below(&q, (uint64_t)o->ntp)];

				if (tp.lang != TL_EN && srng_coin(&q, o->p_other_lang))
					tp.lang = tp.lang == TL_ZH ? TL_JA : TL_ZH;
				used = (enum tlang)tp.lang;
				textgen_paraphrase(&q, &tp, &o->style, txt, sizeof(txt));
				if (srng_coin(&q, o->p_link)) {
					char url[256];
					int64_t pub;

					/* an article already published */
					for (int tries = 0; tries < 8; tries++) {
						opbase_article(s, o, (unsigned)srng_below(&q, na), url, sizeof(url), &pub);
						if (pub <= t) {
							scene_add_url(s, p, url);
							break;
						}
					}
				}
				if (srng_coin(&q, o->p_tag))
					for (int j = (int)srng_range(&q, 1, 2); j > 0; j--)
						scene_add_tag(s, p, textgen_pol_hashtag(o->vocab->tags[srng_below(&q, (uint64_t)o->vocab->ntags)]));
			}
			scene_unique_text(s, plat, txt, sizeof(txt));
			p->text = world_str(s->w, txt);
			p->lang = textgen_lang_code(used);
			p->client = plat == SP_X ? "Twitter Web App" : plat == SP_MASTODON ? "Web" : NULL;
			p->likes = (uint32_t)srng_poisson(&q, 0.1);
		}
		world_flush(s->w);
	}
	free(o);
}
