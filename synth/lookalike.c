/* lookalike.c - public accounts, ordinary people and the organic
 * look-alikes of the synth modes (lookalike.h).
 *
 * Each kind is one or a few units; sizes and rates are drawn per run from
 * the ranges in docs/synth.md, from streams keyed by the kind, so adding a
 * kind never changes another's bytes. Invariants: every repost and reply
 * points to an older post that is written (a pool post or one of the
 * unit's own); look-alikes post in their own local zones.
 */
#include "lookalike.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "rhythm.h"

enum { TAG_PUB = 201, TAG_ORGP, TAG_ADV, TAG_CONTEST, TAG_AGG, TAG_FRIENDS,
       TAG_PARTISAN, TAG_LA, TAG_HOBBY };

#define DAYS(s) ((double)((s)->t1 - (s)->t0) / 86400.0)

/* How much more a person posts in this window than in 180 days: in
 * proportion up to 180 days, then growing with the log of the length (a
 * two-year window holds people who joined, left or lost interest). */
static double activity(const struct scene *s)
{
	double d = DAYS(s);

	return d <= 180 ? d / 180 : 1 + 0.5 * log2(d / 180);
}

static const char *const person_clients[] = { "Twitter for iPhone",
					      "Twitter for Android",
					      "Twitter Web App" };
static const char *const m_clients[] = { "Web", "Ivory", "Tusky", "Elk" };

static const char *client_for(struct srng *r, enum splat p)
{
	if (p == SP_MASTODON)
		return m_clients[srng_below(r, 4)];
	if (p == SP_BLUESKY)
		return NULL;
	return person_clients[srng_below(r, 3)];
}

/* The posts one account has reposted: a platform keeps one repost per
 * account and post (Bluesky's repost id is built from the pair). */
struct reposted {
	const struct sref *v[1024];
	unsigned n;
};

/* 1 when the account may repost ref now (and records it). */
static int repost_ok(struct reposted *d, const struct sref *ref)
{
	for (unsigned i = 0; i < d->n; i++)
		if (d->v[i] == ref)
			return 0;
	if (d->n == 1024)
		return 0;
	d->v[d->n++] = ref;
	return 1;
}

static enum tlang organic_lang(struct srng *r)
{
	static const double w[] = { 0.55, 0.10, 0.07, 0.10,
				    0.05, 0.05, 0.08 };
	_Static_assert(sizeof(w) / sizeof(w[0]) == TL__COUNT,
		       "one weight per language");
	double u = srng_unif(r);

	for (int l = 0; l < TL__COUNT; l++) {
		if (u < w[l])
			return (enum tlang)l;
		u -= w[l];
	}
	return TL_EN;
}

void lookalike_outlet_url(const struct sref *r, char *buf, size_t cap)
{
	struct srng q;
	char slug[128];

	srng_seed(&q, 0x6f75746c6574ULL, 1, (uint64_t)r->t ^ (uint64_t)strlen(r->text));
	for (const char *p = r->id; *p; p++)
		q.s[0] ^= (uint64_t)(unsigned char)*p << (8 * ((p - r->id) % 8));
	textgen_slug(&q, slug, sizeof(slug));
	/* the outlet's site is its name: a Bluesky handle's domain
	 * (dailyherald.bsky.social) is the platform's, not the outlet's */
	snprintf(buf, cap, "https://www.%.*s.com/news/%s-%llu",
		 (int)strcspn(r->handle, "."), r->handle, slug,
		 (unsigned long long)(srng_u64(&q) % 1000000));
}

/* ------------------------------------------------------------ publics */

static const char *const outlet_names[] = {
	"dailyherald", "metroledger", "citypost", "coastaltimes", "nationwire",
	"morningbugle", "eveningstar", "valleynews", "capitalreport",
	"globalledger", "harbourgazette", "northernecho",
};
static const char *const pundit_names[] = {
	"Sen. Laura Hayes", "Rep. Mark Delaney", "Gov. Ann Whitfield",
	"Dr. Peter Vance", "Claire Monroe", "Tom Redding", "Jess Alvarez",
	"Rob Kincaid", "Maya Chen", "Frank Osei", "Helen Burke", "Dan Foley",
};

static void publics_on(struct scene *s, enum splat p, int npol, int nout)
{
	struct srng r;


	for (int i = 0; i < npol + nout; i++) {
		struct sacct a;
		long ai;
		int out = i >= npol, tz = -300;
		double rate;
		uint64_t n;

		srng_seed(&r, s->key, TAG_PUB, (uint64_t)p * 1000 + (uint64_t)i);
		scene_person(s, &r, &a, p, TL_EN, 1230768000 /* 2009 */,
			     1420070400 /* 2015 */, &tz);
		if (out) {
			const char *on = outlet_names[(i - npol) % 12];

			snprintf(a.handle, sizeof(a.handle), "%s", on);
			snprintf(a.name, sizeof(a.name), "The %s", on);
			snprintf(a.desc, sizeof(a.desc), "News as it happens. Breaking news, analysis and opinion.");
			a.followers = (uint32_t)srng_lnorm(&r, 400000, 1.0);
		} else {
			snprintf(a.name, sizeof(a.name), "%s", pundit_names[i % 12]);
			snprintf(a.desc, sizeof(a.desc), "Views my own. Politics, policy, people.");
			a.followers = (uint32_t)srng_lnorm(&r, 80000, 1.2);
		}
		a.role = "organic";
		a.kind = "public";
		ai = world_acct(s->w, &a);
		if (ai < 0)
			return;
		rate = out ? srng_uniform(&r, 3, 8) : srng_uniform(&r, 0.4, 1.2);
		n = srng_poisson(&r, rate * 180 * activity(s));
		for (uint64_t k = 0; k < n; k++) {
			int64_t t = rhythm_local(&r, tz, s->t0, s->t1);
			struct spost *q = world_post(s->w, ai, t);
			char txt[512];

			if (!q)
				return;
			q->client = client_for(&r, p);
			q->lang = "en";
			if (out) {
				textgen_headline(&r, txt, sizeof(txt));
				q->text = world_str(s->w, txt);
				q->likes = (uint32_t)srng_lnorm(&r, 40, 1.2);
				q->reposts = (uint32_t)srng_lnorm(&r, 15, 1.2);
				{
					const struct sref *ref = world_keep(s->w, q);
					char url[256];

					lookalike_outlet_url(ref, url, sizeof(url));
					scene_add_url(s, q, url);
					scene_pool_add(s, p, POOL_NEWS, ref);
				}
			} else {
				textgen_opinion(&r, (unsigned)srng_below(&r, textgen_n_entities()),
						txt, sizeof(txt));
				q->text = world_str(s->w, txt);
				q->likes = (uint32_t)srng_lnorm(&r, 900, 1.3);
				q->reposts = (uint32_t)srng_lnorm(&r, 250, 1.3);
				q->replies = (uint32_t)srng_lnorm(&r, 80, 1.0);
				if (srng_coin(&r, 0.3))
					scene_add_tag(s, q, textgen_pol_hashtag(
								   (unsigned)srng_below(&r, textgen_n_pol_hashtags())));
				scene_pool_add(s, p, POOL_POLITICS, world_keep(s->w, q));
			}
		}
		world_flush(s->w);
	}
}

void lookalike_publics(struct scene *s)
{
	if (scene_has(s, SP_X))
		publics_on(s, SP_X, 12, 8);
	if (scene_has(s, SP_MASTODON))
		publics_on(s, SP_MASTODON, 5, 3);
	if (scene_has(s, SP_BLUESKY))
		publics_on(s, SP_BLUESKY, 6, 4);
}

/* ------------------------------------------------------------ people */

/* An ordinary timeline: chatter, reposts of and replies to public posts,
 * news links, now and then a hashtag. */
static void person_posts(struct scene *s, struct srng *r, long ai,
			 enum splat p, enum tlang lang, int tz, uint64_t n)
{
	const char *client = client_for(r, p);
	struct reposted done;

	done.n = 0;
	for (uint64_t k = 0; k < n; k++) {
		int64_t t = rhythm_local(r, tz, s->t0, s->t1);
		double u = srng_unif(r);
		const struct sref *ref = NULL;
		struct spost *q;
		char txt[512];

		if (u < 0.10)
			ref = scene_pool_pick(s, r, p, srng_coin(r, 0.5) ? POOL_POLITICS : POOL_NEWS, t);
		else if (u < 0.18)
			ref = scene_pool_pick(s, r, p, POOL_POLITICS, t);
		else if (u < 0.24)
			ref = scene_pool_pick(s, r, p, POOL_NEWS, t);
		q = world_post(s->w, ai, t);
		if (!q)
			return;
		q->client = client;
		q->lang = textgen_lang_code(lang);
		q->likes = (uint32_t)srng_lnorm(r, 2, 1.2);
		if (ref && u < 0.10 && !repost_ok(&done, ref))
			ref = NULL;
		if (ref && u < 0.10) {
			q->kind = SPK_REPOST;
			q->ref = ref;
			q->lang = ref->lang;
			continue;
		}
		textgen_chatter(r, lang, txt, sizeof(txt));
		q->text = world_str(s->w, txt);
		if (ref && u < 0.18) {
			scene_make_reply(s, q, ref);
		} else if (ref) {
			char url[256];

			lookalike_outlet_url(ref, url, sizeof(url));
			scene_add_url(s, q, url);
		}
	}
}

void lookalike_organic(struct scene *s, uint64_t n)
{
	struct srng r;


	for (uint64_t i = 0; i < n; i++) {
		struct sacct a;
		enum splat p;
		enum tlang lang;
		int tz;
		long ai;
		double x;

		srng_seed(&r, s->key, TAG_ORGP, i);
		p = scene_platform(s, &r, 0.6, 0.2, 0.2);
		lang = organic_lang(&r);
		scene_person(s, &r, &a, p, lang, 1230768000, s->t0 - 86400 * 20, &tz);
		a.role = "organic";
		ai = world_acct(s->w, &a);
		if (ai < 0)
			return;
		x = srng_lnorm(&r, 15.0 * activity(s), 1.3) + 0.5;
		person_posts(s, &r, ai, p, lang, tz,
			     x < 1 ? 1 : x > 3000 ? 3000 : (uint64_t)x);
		world_flush(s->w);
	}
}

/* ----------------------------------------------------------- advocacy */

static const char *const campaign_tags[] = {
	"SaveOurRivers", "ProtectWildPlaces", "FundLibraries", "CleanAirNow",
	"StandWithNurses", "HomesForAll", "EndAnimalTesting", "PlasticFreeSeas",
};

static void advocacy(struct scene *s, int idx, double scale)
{
	struct srng r, q;
	struct sacct a;
	long ngo, first;
	int n, nalerts, tzs[600];
	double part[600], D = DAYS(s), lagmed;
	uint32_t g = scene_group(s);
	char ngoname[64];
	int64_t at[256];
	const struct sref *target[256];

	srng_seed(&r, s->key, TAG_ADV, (uint64_t)idx);
	n = (int)(srng_range(&r, 150, 500) * scale);
	n = n < 20 ? 20 : n > 600 ? 600 : n;
	nalerts = (int)(D / srng_uniform(&r, 7, 30)) + 1;
	nalerts = nalerts > 256 ? 256 : nalerts;
	lagmed = srng_uniform(&r, 1, 5) * 3600;
	scene_person(s, &r, &a, SP_X, TL_EN, 1230768000, 1388534400, NULL);
	snprintf(ngoname, sizeof(ngoname), "%s", campaign_tags[(idx * 3 + 1) % 8]);
	snprintf(a.handle, sizeof(a.handle), "%.20sOrg", ngoname);
	snprintf(a.name, sizeof(a.name), "%s Campaign", ngoname);
	snprintf(a.desc, sizeof(a.desc), "Nonprofit. Join our action list and make your voice heard.");
	a.followers = (uint32_t)srng_lnorm(&r, 30000, 0.8);
	a.role = "organic";
	a.kind = "public";
	ngo = world_acct(s->w, &a);
	if (ngo < 0)
		return;
	for (int k = 0; k < nalerts; k++) {
		at[k] = s->t0 + (int64_t)((double)(s->t1 - s->t0 - 3 * 86400) *
					  ((double)k + srng_unif(&r)) / nalerts);
		target[k] = scene_pool_pick(s, &r, SP_X, POOL_POLITICS, s->t1);
	}
	first = -1;
	for (int i = 0; i < n; i++) {
		struct sacct m;
		long mi;

		srng_seed(&q, s->key, TAG_ADV, (uint64_t)idx * 100000 + 1 + (uint64_t)i);
		scene_person(s, &q, &m, SP_X, TL_EN, 1230768000, s->t0 - 86400 * 365, &tzs[i]);
		m.role = "advocacy";
		m.kind = "advocacy";
		m.group = g;
		part[i] = srng_uniform(&q, 0.15, 0.9);
		mi = world_acct(s->w, &m);
		if (mi < 0)
			return;
		if (first < 0)
			first = mi;
		{
			double x = srng_lnorm(&q, 20 * activity(s), 1.0) + 0.5;

			person_posts(s, &q, mi, SP_X, TL_EN, tzs[i], x < 1 ? 1 : (uint64_t)x);
		}
	}
	for (int k = 0; k < nalerts; k++) {
		char core[512], url[128];
		const char *tag = campaign_tags[(idx * 3 + (k % 3)) % 8];
		struct spost *p;

		srng_seed(&q, s->key, TAG_ADV, 900000000ULL + (uint64_t)idx * 1000 + (uint64_t)k);
		textgen_alert(&q, core, sizeof(core));
		snprintf(url, sizeof(url), "https://act.%s.org/a/%d",
			 ngoname, 1000 + k);
		for (char *c = url + 12; *c; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c = (char)(*c - 'A' + 'a');
		p = world_post(s->w, ngo, at[k]);
		if (!p)
			return;
		p->text = world_str(s->w, "Take action now: tell your representative");
		p->lang = "en";
		scene_add_url(s, p, url);
		scene_add_tag(s, p, tag);
		for (int i = 0; i < n; i++) {
			int64_t t;
			char own[640];

			if (!srng_coin(&q, part[i]))
				continue;
			/* within a day or two, in waking hours of the supporter */
			for (int tries = 0;; tries++) {
				double lag = srng_lnorm(&q, lagmed, 1.0);
				int64_t lt, h;

				t = at[k] + (int64_t)(lag > 2 * 86400 ? srng_uniform(&q, 0, 2 * 86400) : lag);
				lt = t + tzs[i] * 60;
				h = ((lt % 86400) + 86400) % 86400 / 3600;
				if ((h >= 7 && h <= 23) || tries > 8)
					break;
			}
			if (t >= s->t1)
				continue;
			p = world_post(s->w, first + i, t);
			if (!p)
				return;
			{
				size_t cl = strlen(core);
				int stop = cl && strchr(".!?", core[cl - 1]);

				snprintf(own, sizeof(own), "%s%s", core,
					 !srng_coin(&q, 0.15)  ? ""
					 : srng_coin(&q, 0.5) ? (stop ? " This matters!" : ". This matters!")
							      : (stop ? " Please act." : ". Please act."));
			}
			p->text = world_str(s->w, own);
			p->lang = "en";
			p->client = "Twitter Web App";
			if (target[k])
				scene_add_mention(s, p, target[k]->acct_id, target[k]->handle);
			scene_add_url(s, p, url);
			scene_add_tag(s, p, tag);
		}
	}
	world_flush(s->w);
}

/* ------------------------------------------------------------ contests */

static const char *const brands[] = { "SnackCo", "GlowBeauty", "PixelGames",
				      "BrewHouse", "KickStep", "HomeNest",
				      "TechTrove", "PetPals" };

static void contest(struct scene *s, int idx, double scale)
{
	struct srng r, q;
	int nb, n;
	long b0, h0;
	uint32_t g = scene_group(s);
	double lagmed;
	double aff[400][8], prt[400];

	srng_seed(&r, s->key, TAG_CONTEST, (uint64_t)idx);
	nb = (int)srng_range(&r, 3, 6);
	n = (int)(srng_range(&r, 150, 400) * scale);
	n = n < 20 ? 20 : n > 400 ? 400 : n;
	lagmed = srng_uniform(&r, 2, 8) * 60;
	b0 = -1;
	for (int b = 0; b < nb; b++) {
		struct sacct a;
		long bi;

		scene_person(s, &r, &a, SP_X, TL_EN, 1230768000, 1451606400, NULL);
		snprintf(a.handle, sizeof(a.handle), "%s", brands[(idx * 3 + b) % 8]);
		snprintf(a.name, sizeof(a.name), "%s", brands[(idx * 3 + b) % 8]);
		snprintf(a.desc, sizeof(a.desc), "Official account. Giveaways every week!");
		a.followers = (uint32_t)srng_lnorm(&r, 60000, 1.0);
		a.role = "organic";
		a.kind = "public";
		bi = world_acct(s->w, &a);
		if (bi < 0)
			return;
		if (b0 < 0)
			b0 = bi;
	}
	h0 = -1;
	for (int i = 0; i < n; i++) {
		struct sacct m;
		int tz;
		long mi;

		srng_seed(&q, s->key, TAG_CONTEST, (uint64_t)idx * 100000 + 1 + (uint64_t)i);
		scene_person(s, &q, &m, SP_X, TL_EN, 1230768000, s->t0 - 86400 * 60, &tz);
		m.role = "contest";
		m.kind = "contest";
		m.group = g;
		for (int b = 0; b < nb; b++)
			aff[i][b] = srng_coin(&q, 0.8) ? 1 : 0;
		prt[i] = srng_uniform(&q, 0.5, 0.95);
		mi = world_acct(s->w, &m);
		if (mi < 0)
			return;
		if (h0 < 0)
			h0 = mi;
		{
			double x = srng_lnorm(&q, 8 * activity(s), 1.0) + 0.5;

			person_posts(s, &q, mi, SP_X, TL_EN, tz, x < 1 ? 1 : (uint64_t)x);
		}
	}
	for (int b = 0; b < nb; b++) {
		uint64_t ng;
		const struct sacct *ba = world_acct_at(s->w, b0 + b);
		char bname[64];

		snprintf(bname, sizeof(bname), "%s", ba->handle);
		srng_seed(&q, s->key, TAG_CONTEST, 800000000ULL + (uint64_t)idx * 100 + (uint64_t)b);
		ng = srng_poisson(&q, 180 * activity(s) / srng_uniform(&q, 2, 7));
		for (uint64_t k = 0; k < ng; k++) {
			int64_t t = rhythm_local(&q, -300, s->t0, s->t1 - 3600);
			struct spost *p = world_post(s->w, b0 + b, t);
			const struct sref *ref;
			char txt[512];

			if (!p)
				return;
			textgen_giveaway(&q, bname, txt, sizeof(txt));
			p->text = world_str(s->w, txt);
			p->lang = "en";
			p->client = "Sprout Social";
			p->likes = (uint32_t)srng_lnorm(&q, 300, 0.8);
			ref = world_ref(s->w, p);
			for (int i = 0; i < n; i++) {
				double lag;

				if (!aff[i][b] || !srng_coin(&q, prt[i]))
					continue;
				lag = srng_lnorm(&q, lagmed, 0.9);
				if (t + (int64_t)lag + 1 >= s->t1)
					continue;
				p = world_post(s->w, h0 + i, t + 1 + (int64_t)lag);
				if (!p)
					return;
				p->kind = SPK_REPOST;
				p->ref = ref;
				p->lang = "en";
				p->client = person_clients[i % 2];
				if (srng_coin(&q, 0.25)) {
					/* "done! @friend @friend" */
					int j1 = (int)srng_below(&q, (uint64_t)n),
					    j2 = (int)srng_below(&q, (uint64_t)n);
					const struct sacct *f1 = world_acct_at(s->w, h0 + j1),
							   *f2 = world_acct_at(s->w, h0 + j2);

					p = world_post(s->w, h0 + i, t + 2 + (int64_t)lag);
					if (!p)
						return;
					p->text = world_str(s->w, srng_coin(&q, 0.5) ? "Done ✅ good luck all" : "Entered! 🤞");
					p->lang = "en";
					scene_make_reply(s, p, ref);
					scene_add_mention(s, p, f1->id, f1->handle);
					if (j2 != j1)
						scene_add_mention(s, p, f2->id, f2->handle);
				}
			}
		}
	}
	world_flush(s->w);
}

/* ---------------------------------------------------------- aggregators */

static void aggregators(struct scene *s, int idx, double scale)
{
	struct srng r, q;
	int n;
	uint32_t g = scene_group(s);
	static const char *const bot_clients[] = { "dlvr.it", "IFTTT", "Buffer",
						   "feedbot" };

	srng_seed(&r, s->key, TAG_AGG, (uint64_t)idx);
	n = (int)(srng_range(&r, 8, 25) * scale);
	n = n < 3 ? 3 : n;
	for (int i = 0; i < n; i++) {
		struct sacct a;
		enum splat p;
		struct sposts *pool;
		char follow[6][64];
		int nf, style;
		long ai;
		double take, lagmed;

		srng_seed(&q, s->key, TAG_AGG, (uint64_t)idx * 1000 + 1 + (uint64_t)i);
		p = scene_platform(s, &q, 0.7, 0.15, 0.15);
		pool = &s->pool[p][POOL_NEWS];
		scene_person(s, &q, &a, p, TL_EN, 1262304000, s->t0 - 86400 * 90, NULL);
		/* the draw before the state is read: argument order is
		 * unspecified and compilers differ */
		unsigned hn = (unsigned)srng_below(&q, 1000);

		snprintf(a.handle, sizeof(a.handle), "%snews%u",
			 q.s[0] & 1 ? "auto" : "feed", hn);
		snprintf(a.name, sizeof(a.name), "%s News Feed",
			 srng_coin(&q, 0.5) ? "Headlines" : "Breaking");
		snprintf(a.desc, sizeof(a.desc), "Automated account. Headlines from %s sources, posted as they are published.",
			 srng_coin(&q, 0.5) ? "trusted" : "major");
		a.loc[0] = 0;
		a.followers = (uint32_t)srng_lnorm(&q, 800, 1.0);
		a.role = "aggregator";
		a.kind = "aggregator";
		a.group = g;
		ai = world_acct(s->w, &a);
		if (ai < 0)
			return;
		/* follow 2-5 of the outlets seen on this platform */
		nf = 0;
		for (int tries = 0; tries < 40 && nf < (int)srng_range(&q, 2, 5) && pool->n; tries++) {
			const char *h = pool->v[srng_below(&q, pool->n)]->handle;
			int dup = 0;

			for (int k = 0; k < nf; k++)
				dup |= strcmp(follow[k], h) == 0;
			if (!dup)
				snprintf(follow[nf++], 64, "%s", h);
		}
		take = srng_uniform(&q, 0.5, 0.95);
		lagmed = srng_uniform(&q, 2, 10) * 60;
		style = (int)srng_below(&q, 3);
		for (size_t k = 0; k < pool->n; k++) {
			const struct sref *ref = pool->v[k];
			int hit = 0;
			int64_t t;
			struct spost *pp;
			char txt[600], url[256];

			for (int f = 0; f < nf; f++)
				hit |= strcmp(follow[f], ref->handle) == 0;
			if (!hit || !srng_coin(&q, take))
				continue;
			t = ref->t + 30 + (int64_t)srng_lnorm(&q, lagmed, 0.6);
			if (t >= s->t1)
				continue;
			pp = world_post(s->w, ai, t);
			if (!pp)
				return;
			snprintf(txt, sizeof(txt), "%s%s", style == 0 ? "" : style == 1 ? "NEWS: " : "📰 ", ref->text);
			pp->text = world_str(s->w, txt);
			pp->lang = "en";
			pp->client = p == SP_X ? bot_clients[i % 4] : "feedbot";
			lookalike_outlet_url(ref, url, sizeof(url));
			scene_add_url(s, pp, url);
		}
		world_flush(s->w);
	}
}

/* -------------------------------------------------------------- friends */

static const char *const replies_en[] = { "haha same", "lol 😂", "miss you!!",
					  "omg yes", "see you there", "so jealous",
					  "love this ❤️", "wait what", "🙌🙌",
					  "call me later", "hahaha stop" };

static void friends(struct scene *s, int idx)
{
	struct srng r, q;
	int n, tz;
	enum splat p;
	enum tlang lang;
	long f0 = -1;
	uint32_t g = scene_group(s);
	double qrt, qrp;
	struct sacct a0;

	srng_seed(&r, s->key, TAG_FRIENDS, (uint64_t)idx);
	n = (int)srng_range(&r, 4, 12);
	p = scene_platform(s, &r, 0.6, 0.2, 0.2);
	lang = srng_coin(&r, 0.7) ? TL_EN : (enum tlang)srng_range(&r, TL_ZH, TL_PT);
	scene_person(s, &r, &a0, p, lang, 1230768000, s->t0 - 86400 * 200, &tz);
	qrt = srng_uniform(&r, 0.1, 0.3);
	qrp = srng_uniform(&r, 0.1, 0.3);
	for (int i = 0; i < n; i++) {
		struct sacct a;
		long ai;

		srng_seed(&q, s->key, TAG_FRIENDS, (uint64_t)idx * 100 + 1 + (uint64_t)i);
		scene_person(s, &q, &a, p, lang, 1230768000, s->t0 - 86400 * 30, NULL);
		snprintf(a.loc, sizeof(a.loc), "%s", a0.loc);
		if (p == SP_MASTODON)
			snprintf(a.host, sizeof(a.host), "%s", a0.host);
		a.role = "friends";
		a.kind = "friends";
		a.group = g;
		ai = world_acct(s->w, &a);
		if (ai < 0)
			return;
		if (f0 < 0)
			f0 = ai;
	}
	for (int i = 0; i < n; i++) {
		double x;
		uint64_t k, np;

		srng_seed(&q, s->key, TAG_FRIENDS, (uint64_t)idx * 100 + 50 + (uint64_t)i);
		x = srng_lnorm(&q, 60 * activity(s), 0.8) + 0.5;
		np = x < 1 ? 1 : (uint64_t)x;
		for (k = 0; k < np; k++) {
			int64_t t = rhythm_local(&q, tz, s->t0, s->t1);
			struct spost *pp = world_post(s->w, f0 + i, t);
			const struct sref *ref;
			char txt[512];

			if (!pp)
				return;
			textgen_chatter(&q, lang, txt, sizeof(txt));
			pp->text = world_str(s->w, txt);
			pp->lang = textgen_lang_code(lang);
			pp->client = client_for(&q, p);
			ref = world_ref(s->w, pp);
			for (int j = 0; j < n; j++) {
				int64_t tj;

				if (j == i)
					continue;
				tj = t + 20 + (int64_t)srng_lnorm(&q, 1800, 1.2);
				if (tj >= s->t1)
					continue;
				if (srng_coin(&q, qrt)) {
					pp = world_post(s->w, f0 + j, tj);
					if (!pp)
						return;
					pp->kind = SPK_REPOST;
					pp->ref = ref;
					pp->lang = ref->lang;
				} else if (srng_coin(&q, qrp)) {
					pp = world_post(s->w, f0 + j, tj);
					if (!pp)
						return;
					pp->text = lang == TL_EN ? replies_en[srng_below(&q, 11)]
								 : world_str(s->w, (textgen_chatter(&q, lang, txt, sizeof(txt)), txt));
					pp->lang = textgen_lang_code(lang);
					scene_make_reply(s, pp, ref);
				}
			}
		}
	}
	world_flush(s->w);
}

/* ------------------------------------------------------------ partisans */

static const char *const partisan_domains_fallback[] = { "worldtruthdaily.net" };

static void partisans(struct scene *s, int idx, double scale)
{
	struct reposted done;

	struct srng r, q;
	int n;
	uint32_t g = scene_group(s);


	srng_seed(&r, s->key, TAG_PARTISAN, (uint64_t)idx);
	n = (int)(srng_range(&r, 100, 400) * scale);
	n = n < 10 ? 10 : n;
	for (int i = 0; i < n; i++) {
		struct sacct a;
		enum splat p;
		int tz;
		long ai;
		double x;
		uint64_t np;
		const struct opvocab *op;

		srng_seed(&q, s->key, TAG_PARTISAN, (uint64_t)idx * 100000 + 1 + (uint64_t)i);
		p = scene_platform(s, &q, 0.6, 0.2, 0.2);
		scene_person(s, &q, &a, p, TL_EN, 1230768000, s->t0 - 86400 * 100, &tz);
		if (srng_coin(&q, 0.5))
			textgen_polbio(&q, TL_EN, a.desc, sizeof(a.desc));
		a.role = "partisan";
		a.kind = "partisan";
		a.group = g;
		ai = world_acct(s->w, &a);
		if (ai < 0)
			return;
		done.n = 0;
		op = s->nops ? &s->ops[srng_below(&q, (uint64_t)s->nops)] : NULL;
		x = srng_lnorm(&q, 40 * activity(s), 1.0) + 0.5;
		np = x < 1 ? 1 : x > 2000 ? 2000 : (uint64_t)x;
		for (uint64_t k = 0; k < np; k++) {
			int64_t t = rhythm_local(&q, tz, s->t0, s->t1);
			double u = srng_unif(&q);
			const struct sref *ref = u >= 0.35 && u < 0.70
							 ? scene_pool_pick(s, &q, p, POOL_POLITICS, t)
							 : NULL;
			struct spost *pp = world_post(s->w, ai, t);
			char txt[512];

			if (!pp)
				return;
			pp->client = client_for(&q, p);
			pp->lang = "en";
			if (ref && u < 0.60 && !repost_ok(&done, ref))
				ref = NULL;
			if (ref && u < 0.60) {
				pp->kind = SPK_REPOST;
				pp->ref = ref;
				continue;
			}
			if (u < 0.35 || ref) {
				unsigned ent = op && op->nents ? op->ents[srng_below(&q, (uint64_t)op->nents)]
							       : (unsigned)srng_below(&q, textgen_n_entities());

				textgen_opinion(&q, ent, txt, sizeof(txt));
				pp->text = world_str(s->w, txt);
				if (ref)
					scene_make_reply(s, pp, ref);
				if (srng_coin(&q, 0.6))
					scene_add_tag(s, pp, op && op->ntags ? textgen_pol_hashtag(op->tags[srng_below(&q, (uint64_t)op->ntags)])
									      : textgen_pol_hashtag((unsigned)srng_below(&q, textgen_n_pol_hashtags())));
			} else if (u < 0.76) {
				char url[256], slug[128];
				const char *dom = op && op->ndomains ? op->domains[srng_below(&q, (uint64_t)op->ndomains)]
								     : partisan_domains_fallback[0];

				textgen_opinion(&q, (unsigned)srng_below(&q, textgen_n_entities()), txt, sizeof(txt));
				pp->text = world_str(s->w, txt);
				textgen_slug(&q, slug, sizeof(slug));
				snprintf(url, sizeof(url), "https://%s/%s", dom, slug);
				scene_add_url(s, pp, url);
			} else {
				textgen_chatter(&q, TL_EN, txt, sizeof(txt));
				pp->text = world_str(s->w, txt);
			}
		}
		world_flush(s->w);
	}
}

/* ---------------------------------------------------------- hobbyists */

/* Real fans, small shops, crypto promoters and tipsters: the people whose
 * stock phrases the repurposed accounts' previous personas used
 * (textgen_oldpersona, same kinds in the same order). They post those
 * phrases, word for word as often as not, at their own local hours all
 * through the window, among everyday chatter. Without them a bought
 * account's old phrases were rare in a run, so two operations that bought
 * accounts of the same kind looked tied by copied texts. */
static void hobbyists(struct scene *s, double scale)
{
	static const char *const kinds[4] = { "shop", "crypto", "fan",
					      "tipster" };

	for (int kind = 0; kind < 4; kind++) {
		struct srng r, q;
		int n;

		srng_seed(&r, s->key, TAG_HOBBY, (uint64_t)kind);
		n = (int)(srng_range(&r, 30, 150) * scale);
		n = n < 5 ? 5 : n;
		for (int i = 0; i < n; i++) {
			struct sacct a;
			char oldname[96];
			enum splat p;
			int tz;
			long ai;
			double x;
			uint64_t np;
			const char *client;

			srng_seed(&q, s->key, TAG_HOBBY,
				  (uint64_t)kind * 100000 + 1 + (uint64_t)i);
			p = scene_platform(s, &q, 0.6, 0.2, 0.2);
			scene_person(s, &q, &a, p, TL_EN, 1230768000,
				     s->t0 - 86400 * 30, &tz);
			if (srng_coin(&q, 0.5))
				textgen_oldprofile(&q, kind, oldname,
						   sizeof(oldname), a.desc,
						   sizeof(a.desc));
			a.role = "organic";
			a.kind = kinds[kind];
			ai = world_acct(s->w, &a);
			if (ai < 0)
				return;
			client = client_for(&q, p);
			x = srng_lnorm(&q, 30 * activity(s), 1.0) + 0.5;
			np = x < 1 ? 1 : x > 2000 ? 2000 : (uint64_t)x;
			for (uint64_t k = 0; k < np; k++) {
				int64_t t = rhythm_local(&q, tz, s->t0, s->t1);
				struct spost *pp = world_post(s->w, ai, t);
				char txt[512];

				if (!pp)
					return;
				pp->client = client;
				pp->lang = "en";
				pp->likes = (uint32_t)srng_lnorm(&q, 2, 1.2);
				if (srng_coin(&q, 0.7))
					textgen_oldpersona(&q, kind, txt,
							   sizeof(txt));
				else
					textgen_chatter(&q, TL_EN, txt,
							sizeof(txt));
				pp->text = world_str(s->w, txt);
			}
			world_flush(s->w);
		}
	}
}

void lookalike_all(struct scene *s, double scale)
{
	struct srng r;
	int nf;

	srng_seed(&r, s->key, TAG_LA, 0);
	if (scene_has(s, SP_X)) {
		advocacy(s, 0, scale);
		contest(s, 0, scale);
	}
	aggregators(s, 0, scale);
	nf = (int)(srng_range(&r, 8, 20) * scale);
	for (int i = 0; i < (nf < 2 ? 2 : nf); i++)
		friends(s, i);
	partisans(s, 0, scale);
	hobbyists(s, scale);
}
