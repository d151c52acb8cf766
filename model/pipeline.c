/* pipeline.c - from a dataset to scored, flagged, explained accounts.
 *
 * Stages: post index; features (features/); coordination events and graph
 * (coord.c); clusters (cluster.c); cluster evidence: the summed timing
 * profile tested as a whole, reuse, creation batching, persona switches,
 * engagement from inside vs outside, time-zone spread; the account feature
 * matrix; logistic scores; the flag rule. Reasons are the scored run's
 * (run.h): codes with numbers, put in words by report/reasons.c.
 * Every stage is linear or n log n in posts.
 */
#include "pipeline.h"

#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <gsl/gsl_cdf.h>
#include <xxhash.h>

#include "core/bigmem.h"
#include "core/civil.h"
#include "core/clock.h"
#include "core/memstep.h"
#include "core/sortu64.h"
#include "origin.h"
#include "siteacc.h"

const char *const score_feature_names[SF__COUNT] = {
#define SF_NAME(e, name, sign) name,
	SCORE_FEATURE_MAP(SF_NAME)
#undef SF_NAME
};

const int score_feature_signs[SF__COUNT] = {
#define SF_SIGN(e, name, sign) sign,
	SCORE_FEATURE_MAP(SF_SIGN)
#undef SF_SIGN
};

int pipeline_row_has_evidence(const double *x)
{
	return x[SF_EDGE_STRENGTH] > 0 || x[SF_CL_SIZE] > 0;
}

extern const char data_model_default_json[];
extern const size_t data_model_default_json_len;

void pipeline_opts_init(struct pipeline_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->tz = "Asia/Shanghai";
	o->seed = 1;
	coord_opts_init(&o->coord);
	feature_opts_init(&o->features);
	o->min_cluster = 3;
	o->fdr = 0.05;
	o->threshold = NAN;
	o->prior_shift = 1;
	o->events_after_features = 1;
}

static void say(const struct pipeline_opts *o, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

/* One progress line through the caller's callback (pipeline_opts). */
static void say(const struct pipeline_opts *o, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (!o->progress)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	o->progress(o->progress_ctx, line);
}

static void stage_done(struct pipeline *p, const char *name, double *t0,
		       const struct pipeline_opts *o)
{
	double t = cib_seconds();

	if (p->n_stages < 8) {
		p->stage_names[p->n_stages] = name;
		p->stage_seconds[p->n_stages] = t - *t0;
		p->n_stages++;
	}
	say(o, "%-10s %7.2f s, peak RSS %.0f MB", name, t - *t0,
	    cib_peak_rss_mb());
	memstep_mark(name);
	/* what the stage freed, back to the system before the next one
	 * allocates (glibc keeps a freed block's pages otherwise: at 10M
	 * posts 0.2-0.3 GB of free memory in its arenas by the scores) */
	bigmem_trim();
	*t0 = t;
}

enum cib_err pipeline_default_model(struct logit_model *m, char *errmsg,
				    size_t errlen)
{
	return logit_load(m, data_model_default_json,
			  data_model_default_json_len, score_feature_names,
			  SF__COUNT, errmsg, errlen);
}

void pipeline_release(struct pipeline *p)
{
	if (!p)
		return;
	postindex_release(&p->pi);
	features_release(&p->fs);
	coord_graph_release(&p->g);
	cluster_result_release(&p->cl);
	groups_result_release(&p->gr);
	free(p->ce);
	free(p->es);
	free(p->x);
	free(p->score);
	free(p->flagged);
	free(p->eligible);
	memset(p, 0, sizeof(*p));
}

static uint64_t obj_key(enum platform pl, uint32_t id)
{
	return (uint64_t)pl << 32 | id;
}

/* A canonical URL or a domain is one object on every platform (a post
 * id or an account is not): the same article linked from X, Mastodon and
 * Bluesky is one shared object, as a copied text is. Keyed by platform,
 * a cross-platform operation's shared links were three unrelated objects
 * and no link tied its members across platforms (docs/model.md, 1). */
static uint64_t web_key(uint32_t id)
{
	return id;
}

/* Hash of a post's hashtags in order, case-folded ASCII (each cut at 256
 * bytes and followed by 0x1f); 0 when fewer than two (the single hashtags
 * are objects of their own, see hashtag_single). The bytes are hashed in
 * one call from a stack buffer when they fit, else streamed: XXH3 gives
 * the same value either way. */
#define HS_BUF 4096

static uint64_t hashtag_sequence(const struct dataset *ds, uint32_t j)
{
	char buf[HS_BUF];
	size_t used = 0;
	XXH3_state_t *st = NULL;
	uint64_t h = 0;
	unsigned n = 0;

	for (uint64_t k = ds->post.ent_off[j]; k < ds->post.ent_off[j + 1]; k++)
		n += ds->ent.type[k] == ENT_HASHTAG;
	if (n < 2)
		return 0;
	for (uint64_t k = ds->post.ent_off[j]; k < ds->post.ent_off[j + 1]; k++) {
		const char *s;
		char lower[257];
		size_t len, m;

		if (ds->ent.type[k] != ENT_HASHTAG)
			continue;
		s = ds_str(ds, ds->ent.str[k]);
		len = strpool_len(&ds->strings, ds->ent.str[k]);
		if (*s == '#') {
			s++;
			len--;
		}
		m = len < 256 ? len : 256;
		for (size_t i = 0; i < m; i++)
			lower[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] + 32)
								: s[i];
		lower[m++] = '\x1f';
		if (!st && used + m <= sizeof(buf)) {
			memcpy(buf + used, lower, m);
			used += m;
			continue;
		}
		if (!st) {
			st = XXH3_createState();
			if (!st)
				return 0;
			XXH3_64bits_reset(st);
			XXH3_64bits_update(st, buf, used);
		}
		XXH3_64bits_update(st, lower, m);
	}
	if (st) {
		h = XXH3_64bits_digest(st);
		XXH3_freeState(st);
	} else {
		h = XXH3_64bits(buf, used);
	}
	return h ? h : 1;
}

/* Hash of one hashtag (entity k), case-folded ASCII, cut at 256 bytes and
 * prefixed with 0x1e so that it never equals a sequence's hash (a sequence
 * of one tag does not exist: sequences have two or more). A hashtag is an
 * object like a URL: a popular one ranks its pairs by how close in time
 * they came, a rare one counts whenever two accounts share it. */
static uint64_t hashtag_single(const struct dataset *ds, uint64_t k)
{
	char lower[258];
	const char *s = ds_str(ds, ds->ent.str[k]);
	size_t len = strpool_len(&ds->strings, ds->ent.str[k]), m;
	uint64_t h;

	if (*s == '#') {
		s++;
		len--;
	}
	m = len < 256 ? len : 256;
	lower[0] = '\x1e';
	for (size_t i = 0; i < m; i++)
		lower[i + 1] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] + 32)
							    : s[i];
	h = XXH3_64bits(lower, m + 1);
	return h ? h : 1;
}

/* Events of the types that need only the dataset: co-repost, direct
 * amplification and co-reply. They read integer columns and the post key
 * table only (no strings), which nothing writes while the features are
 * computed, so this runs on a second thread alongside them. */
static enum cib_err events_from_posts(const struct dataset *ds,
				      struct coord_events *ev)
{
	enum cib_err err = CIB_OK;

	for (size_t j = 0; j < ds->post.n && !err; j++) {
		uint32_t a = ds->post.account[j];
		enum platform pl = (enum platform)ds->acc.platform[a];
		int64_t t = ds->post.time[j];
		int mins = (ds->post.flags[j] & POST_TIME_MINUTES) != 0;
		unsigned kind = ds->post.kind[j];

		if (kind == POST_REPOST) {
			uint32_t src;

			if (ds->post.ref_post[j] == STR_NONE)
				continue;
			err = coord_events_add_post(
				&ev[COORD_REPOST],
				obj_key(pl, ds->post.ref_post[j]), t, a, mins,
				(uint32_t)j, 0);
			/* direct amplification when the source is in the data */
			src = dataset_find_post(ds, pl, ds->post.ref_post[j]);
			if (!err && src != UINT32_MAX &&
			    ds->post.account[src] != a)
				err = coord_events_add(
					&ev[COORD_AMPLIFY],
					ds->post.account[src],
					t - ds->post.time[src], a,
					mins || (ds->post.flags[src] &
						 POST_TIME_MINUTES));
			continue;
		}
		if (kind == POST_REPLY) {
			if (ds->post.ref_post[j] != STR_NONE)
				err = coord_events_add_post(
					&ev[COORD_REPLY_POST],
					obj_key(pl, ds->post.ref_post[j]), t, a,
					mins, (uint32_t)j, 0);
			if (!err && ds->post.ref_account[j] != STR_NONE)
				err = coord_events_add_post(
					&ev[COORD_REPLY_ACCOUNT],
					obj_key(pl, ds->post.ref_account[j]), t,
					a, mins, (uint32_t)j, 0);
		}
	}
	return err;
}

/* Entities the URL stage does not see, from share tables
 * (collectors/table.c): ENT_DOMAIN gives a co_domain event on that domain
 * string (the same object as a URL's domain of the same name, and skipped
 * when one of the post's URLs has it already); ENT_IMAGE a co_link event on
 * the image, an object shared like a link but in its own key space (an
 * anonymised image id must not meet a URL id of the same digits); an
 * ENT_URL holding no '.', '/', ':' or blank is an opaque URL id
 * (anonymised export): a co_link event on the exact string, since it can
 * never equal a canonical URL. */
#define OBJ_IMAGE ((uint64_t)1 << 48)

static int opaque_url(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == '.' || s[i] == '/' || s[i] == ':' || s[i] == ' ')
			return 0;
	return n > 0;
}

static enum cib_err entity_events(const struct pipeline *p, size_t j,
				  enum platform pl, int64_t t, uint32_t a,
				  int mins, struct coord_events *ev,
				  int multi_link, int multi_dom, uint32_t *n_link,
				  uint32_t *n_dom)
{
	const struct dataset *ds = p->ds;
	const struct reuse_result *ru = &p->fs.reuse;
	enum cib_err err = CIB_OK;
	uint32_t post = (uint32_t)j;

	/* ev NULL: only count the events of each type into *n_link and
	 * *n_dom (a post's events of one type decide whether each is
	 * "multi", see events_from_features) */
	if (!ev) {
		for (uint64_t k = ds->post.ent_off[j];
		     k < ds->post.ent_off[j + 1]; k++) {
			uint32_t sid = ds->ent.str[k];
			int seen = 0;

			switch (ds->ent.type[k]) {
			case ENT_DOMAIN:
				for (uint64_t u = ru->url_off[j];
				     !seen && u < ru->url_off[j + 1]; u++)
					seen = ru->url_domain[u] == sid;
				*n_dom += !seen;
				break;
			case ENT_IMAGE:
				(*n_link)++;
				break;
			case ENT_URL:
				*n_link += opaque_url(ds_str(ds, sid),
						     strpool_len(&ds->strings,
								 sid)) != 0;
				break;
			default:
				break;
			}
		}
		return CIB_OK;
	}

	for (uint64_t k = ds->post.ent_off[j];
	     !err && k < ds->post.ent_off[j + 1]; k++) {
		uint32_t sid = ds->ent.str[k];
		int seen = 0;

		switch (ds->ent.type[k]) {
		case ENT_DOMAIN:
			for (uint64_t u = ru->url_off[j];
			     !seen && u < ru->url_off[j + 1]; u++)
				seen = ru->url_domain[u] == sid;
			if (!seen)
				err = coord_events_add_post(
					&ev[COORD_DOMAIN], web_key(sid), t,
					a, mins, post, multi_dom);
			break;
		case ENT_IMAGE:
			err = coord_events_add_post(
				&ev[COORD_LINK], OBJ_IMAGE | obj_key(pl, sid),
				t, a, mins, post, multi_link);
			break;
		case ENT_URL:
			if (opaque_url(ds_str(ds, sid),
				       strpool_len(&ds->strings, sid)))
				err = coord_events_add_post(
					&ev[COORD_LINK], web_key(sid), t,
					a, mins, post, multi_link);
			break;
		default:
			break;
		}
	}
	return err;
}

/* Events of the types that need the features (near-duplicate texts, the
 * canonical URLs and domains) or the strings (hashtags and their
 * sequences). A repost's text, links and tags are its source's, so reposts
 * give none. Each event names its post, and a post with several events of
 * one type (two links, a hashtag sequence and its tags) marks them, so
 * that two such posts are one co-action of the type however many objects
 * they share; a domain is one event per post however many of its links it
 * has. The posts are read in order: every EVENTS_READ_STEP of them
 * o->events_read is told how far (*given: what it gave back). */
#define EVENTS_READ_STEP 4096

static enum cib_err events_from_features(struct pipeline *p,
					 const struct pipeline_opts *o,
					 struct coord_events *ev, size_t *given)
{
	const struct dataset *ds = p->ds;
	const struct feature_set *fs = &p->fs;
	enum cib_err err = CIB_OK;

	for (size_t j = 0; j < ds->post.n && !err; j++) {
		if (o->events_read && j && j % EVENTS_READ_STEP == 0)
			*given = o->events_read(o->strings_ctx, p, j);
		uint32_t a = ds->post.account[j];
		enum platform pl = (enum platform)ds->acc.platform[a];
		int64_t t = ds->post.time[j];
		int mins = (ds->post.flags[j] & POST_TIME_MINUTES) != 0;
		uint32_t grp, n_url = 0, n_dom = 0, n_tag = 0;
		uint64_t hs, u0 = fs->reuse.url_off[j],
			     u1 = fs->reuse.url_off[j + 1];

		if (ds->post.kind[j] == POST_REPOST)
			continue;
		grp = features_text_group(fs, (uint32_t)j);
		/* distinct domains: the first link of each (quadratic only in
		 * one post's links, which the reader caps) */
		for (uint64_t k = u0; k < u1; k++) {
			uint32_t dom = fs->reuse.url_domain[k];
			int dup = 0;

			n_url += fs->reuse.url_str[k] != STR_NONE;
			for (uint64_t q = u0; q < k && dom != STR_NONE; q++)
				dup |= fs->reuse.url_domain[q] == dom;
			n_dom += dom != STR_NONE && !dup;
		}
		for (uint64_t k = ds->post.ent_off[j];
		     k < ds->post.ent_off[j + 1]; k++)
			n_tag += ds->ent.type[k] == ENT_HASHTAG;
		/* a post's links (and images), or its domains, or its hashtags
		 * and their sequence: several of one type make each "multi" */
		(void)entity_events(p, j, pl, t, a, mins, NULL, 0, 0, &n_url,
				    &n_dom);
		if (grp != UINT32_MAX)
			err = coord_events_add_post(&ev[COORD_TEXT], grp, t, a,
						    mins, (uint32_t)j, 0);
		for (uint64_t k = u0; !err && k < u1; k++) {
			uint32_t url = fs->reuse.url_str[k];
			uint32_t dom = fs->reuse.url_domain[k];
			int dup = 0;

			if (url != STR_NONE)
				err = coord_events_add_post(
					&ev[COORD_LINK], web_key(url), t, a,
					mins, (uint32_t)j, n_url > 1);
			for (uint64_t q = u0; q < k && dom != STR_NONE; q++)
				dup |= fs->reuse.url_domain[q] == dom;
			if (!err && dom != STR_NONE && !dup)
				err = coord_events_add_post(
					&ev[COORD_DOMAIN], web_key(dom), t,
					a, mins, (uint32_t)j, n_dom > 1);
		}
		if (!err)
			err = entity_events(p, j, pl, t, a, mins, ev,
					    n_url > 1, n_dom > 1, NULL, NULL);
		hs = hashtag_sequence(ds, (uint32_t)j);
		if (!err && hs)
			err = coord_events_add_post(&ev[COORD_HASHTAGS], hs, t,
						    a, mins, (uint32_t)j, 1);
		for (uint64_t k = ds->post.ent_off[j];
		     !err && k < ds->post.ent_off[j + 1]; k++)
			if (ds->ent.type[k] == ENT_HASHTAG)
				err = coord_events_add_post(
					&ev[COORD_HASHTAGS],
					hashtag_single(ds, k), t, a, mins,
					(uint32_t)j, n_tag > 1);
	}
	return err;
}

struct events_job {
	const struct dataset *ds;
	struct coord_events *ev;
	const struct pipeline_opts *o;
	enum cib_err err;
	int started; /* on a thread of its own, beside the features */
};

static void events_release(struct coord_events *ev)
{
	for (int t = 0; t < COORD__COUNT; t++)
		coord_events_release(&ev[t]);
}

static void *events_thread(void *arg)
{
	struct events_job *j = arg;

	j->err = events_from_posts(j->ds, j->ev);
	if (j->o->posts_found)
		j->o->posts_found(j->o->strings_ctx);
	/* at their doubled capacity otherwise until the graph (or while
	 * the features run, when built beside them) */
	for (int t = 0; !j->err && t < COORD__COUNT; t++)
		coord_events_shrink(&j->ev[t]);
	return NULL;
}

static void summarise_edges(struct pipeline *p)
{
	for (size_t i = 0; i < p->g.n_edges; i++) {
		const struct coord_edge *e = &p->g.edges[i];
		uint32_t ab[2] = { e->a, e->b };

		for (int s = 0; s < 2; s++) {
			struct edge_summary *es = &p->es[ab[s]];

			es->n_partners++;
			es->strength += -e->log10p;
			if (e->log10p < es->best_log10p)
				es->best_log10p = e->log10p;
			for (int t = 0; t < COORD__COUNT; t++) {
				if (e->x[t]) {
					es->partners[t]++;
					es->shared[t] += e->x[t];
				}
			}
		}
	}
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static double clip(double v, double lo, double hi)
{
	if (!isfinite(v))
		return v;
	return v < lo ? lo : v > hi ? hi : v;
}

/* -log10 p, clipped; 0 for an unknown p. */
static double neglog(double pval, double cap)
{
	if (!isfinite(pval) || pval >= 1)
		return 0;
	if (pval <= 0)
		return cap;
	return clip(-log10(pval), 0, cap);
}

/* signed sqrt(2|llr|): the LLR on a z-like scale */
static double llr_z(double llr, double cap)
{
	if (!isfinite(llr))
		return 0;
	return clip(llr >= 0 ? sqrt(2 * llr) : -sqrt(-2 * llr), -cap, cap);
}

/* UTC civil day of a time (floor division) and that day's year. */
static int64_t civil_day_of(int64_t t)
{
	return t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
}

double pipeline_binom_upper(uint64_t k, double r, uint64_t n)
{
	if (k == 0)
		return 1;
	if (k > n || !(r > 0))
		return 0;
	if (r >= 1)
		return 1;
	if (n > UINT32_MAX)
		n = UINT32_MAX;
	return gsl_cdf_binomial_Q((unsigned)(k - 1), r, (unsigned)n);
}

double pipeline_office_p(const struct timing_fit *t, int32_t ref)
{
	double sp = fmin(t->shift_p, 1), lp = fmin(t->lunch_dip_p, 1);
	double pp = fmin(t->supper_dip_p, 1), a, b;

	if (!t->n || abs(t->shift_offset_min - ref) > 60)
		return 1;
	if (!isfinite(sp))
		sp = 1;
	if (!isfinite(lp))
		lp = 1;
	if (!isfinite(pp))
		pp = 1;
	a = fmax(sp, lp);
	b = t->shift_llr > 0 ? fmax(lp, pp) : 1;
	return fmin(1, 2 * fmin(a, b));
}

/* The cluster's inauthenticity p-value (docs/model.md, section 6): three
 * routes, Bonferroni over them. Creation batches and persona switches are
 * each evidence that accounts are not what they claim. An office rhythm
 * is evidence of a workplace - an operation's, or a newsroom's or a
 * company's staff - so it carries the decision only together with a sign
 * that the accounts misrepresent themselves (claimed locations away from
 * the zone their day follows, or an echo chamber): an intersection-union
 * test, at the larger p of its two parts, the second a Bonferroni over
 * its two tests. */
double pipeline_inauth_p(double office, double batch, double sw,
			 double location, double echo)
{
	double fake = fmin(1, 2 * fmin(location, echo));
	double r = fmin(fmin(batch, sw), fmax(office, fake));

	return isfinite(r) ? fmin(1, INAUTH_TESTS * r) : 1;
}

static double office_p(const struct timing_fit *t, int have_tctx, int32_t ref)
{
	return have_tctx ? pipeline_office_p(t, ref) : 1;
}

static int loc_mismatch(const struct feature_set *fs, uint32_t a, int *known)
{
	const struct timing_fit *tf = &fs->timing[a];
	int32_t loc = fs->loc_offset ? fs->loc_offset[a] : INT32_MIN;

	*known = loc != INT32_MIN && tf->inferred_offset_min != INT32_MIN &&
		 tf->n >= 20;
	return *known && abs(loc - tf->inferred_offset_min) >= 180;
}

static int cmp_clp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double pipeline_bh_critical(const double *pv, size_t n, double alpha)
{
	double *ps = malloc((n + 1) * sizeof(*ps));
	size_t k = 0;

	if (!ps || n == 0) {
		free(ps);
		return 0;
	}
	memcpy(ps, pv, n * sizeof(*ps));
	qsort(ps, n, sizeof(*ps), cmp_clp);
	for (size_t i = 0; i < n; i++)
		if (ps[i] <= alpha * (double)(i + 1) / (double)n)
			k = i + 1;
	free(ps);
	/* the BH critical value alpha k / m: the p-values at or under it are
	 * exactly those BH rejects, and it is the level each test is held
	 * to when shown as a reason */
	return alpha * (double)k / (double)n;
}

/* Benjamini-Hochberg over the clusters' p_inauth at INAUTH_FDR. */
static void inauth_decide(struct pipeline *p)
{
	size_t nc = p->cl.n_clusters;
	double *ps = malloc((nc + 1) * sizeof(*ps)), cut;

	if (!ps)
		return;
	for (size_t c = 0; c < nc; c++)
		ps[c] = p->ce[c].p_inauth;
	cut = pipeline_bh_critical(ps, nc, INAUTH_FDR);
	for (size_t c = 0; c < nc; c++) {
		p->ce[c].inauthentic = cut > 0 && p->ce[c].p_inauth <= cut;
		p->ce[c].inauth_cut = cut;
		p->n_inauthentic += (size_t)p->ce[c].inauthentic;
	}
	free(ps);
}

/* The data's background for the collective tests (cluster_evidence_build):
 * creation-day counts of every account, largest first; the persona-switch
 * and location-mismatch counts; replies and reposts between accounts. */
struct evidence_bg {
	int64_t *day;      /* distinct creation days, ascending */
	uint64_t *cnt;     /* accounts created on each */
	size_t nday, nall; /* days; accounts with a creation day */
	size_t nswitch_all, nloc_mis, nloc_known;
	uint64_t eng_total;
};

static void evidence_background(const struct pipeline *p,
				struct evidence_bg *bg)
{
	const struct dataset *ds = p->ds;
	const struct feature_set *fs = &p->fs;
	size_t na = ds->acc.n;

	/* the data's background for the collective tests: creation days of
	 * every account, the rate of persona switches and of location
	 * mismatches among accounts where each can be measured */
	for (size_t a = 0; a < na; a++) {
		int known;

		if (ds->acc.created[a] != TIME_NONE)
			bg->day[bg->nall++] = civil_day_of(ds->acc.created[a]);
		bg->nswitch_all += (size_t)(features_switch_significant(
						    fs, (uint32_t)a) != 0);
		bg->nloc_mis += (size_t)loc_mismatch(fs, (uint32_t)a, &known);
		bg->nloc_known += (size_t)known;
	}
	/* the data's creation days with their counts, in day order */
	qsort(bg->day, bg->nall, sizeof(*bg->day), cmp_i64);
	for (size_t i = 0; i < bg->nall;) {
		size_t e = i;

		while (e < bg->nall && bg->day[e] == bg->day[i])
			e++;
		bg->day[bg->nday] = bg->day[i];
		bg->cnt[bg->nday++] = e - i;
		i = e;
	}
}

/* Summed timing profiles and engagement over every post: each cluster's
 * profile, posts, engagement made and received, inside[c] the received
 * from its own members; bg->eng_total all engagement between accounts. */
static void evidence_posts(struct pipeline *p, uint64_t *inside,
			   struct evidence_bg *bg)
{
	const struct dataset *ds = p->ds;
	const struct feature_set *fs = &p->fs;
	const int32_t *mem = p->cl.membership;

	for (size_t j = 0; j < ds->post.n; j++) {
		uint32_t a = ds->post.account[j];
		int32_t c = mem[a];

		if (c >= 0) {
			timing_profile_add_post(&p->ce[c].profile, &fs->tctx,
						ds->post.time[j],
						ds->post.flags[j]);
			p->ce[c].n_posts++;
		}
		if (ds->post.kind[j] != POST_ORIGINAL &&
		    ds->post.ref_account[j] != STR_NONE) {
			uint32_t tgt = dataset_find_account(
				ds, (enum platform)ds->acc.platform[a],
				ds->post.ref_account[j]);

			if (tgt != UINT32_MAX && tgt != a) {
				bg->eng_total++;
				if (c >= 0)
					p->ce[c].engagement_made++;
			}
			if (tgt != UINT32_MAX && tgt != a && mem[tgt] >= 0) {
				p->ce[mem[tgt]].engagement_received++;
				if (mem[tgt] == c)
					inside[c]++;
			}
		}
	}
}

/* Cluster c's collective inauthenticity tests from its members' sorted
 * creation days days[0..nd), nswitch persona switches among n members
 * and inside engagement. */
static void evidence_tests(struct pipeline *p, size_t c, const int64_t *days,
			   size_t nd, size_t nswitch, size_t n,
			   uint64_t inside, const struct evidence_bg *bg)
{
	struct cluster_evidence *ce = &p->ce[c];
	size_t na = p->ds->acc.n;
	struct batch_test bt;
	int ref = p->fs.tctx.std_offset_min;
	const struct timing_fit *t = &ce->timing;
	struct batch_bg bb = { bg->day, bg->cnt, bg->nday };

	pipeline_batch_test(days, nd, &bb, &bt);
	ce->n_dated = (uint32_t)nd;
	ce->p_batch = bt.p;
	ce->batch_members = bt.members;
	ce->batch_days = bt.days;
	ce->batch_year_lo = bt.year_lo;
	ce->batch_year_hi = bt.year_hi;
	ce->n_switch = (uint32_t)nswitch;
	ce->p_switch = pipeline_binom_upper(
		nswitch, (double)bg->nswitch_all / (double)na, n);
	ce->p_location =
		bg->nloc_known
			? pipeline_binom_upper(ce->n_loc_mismatch,
					       (double)bg->nloc_mis /
						       (double)bg->nloc_known,
					       ce->n_loc_known)
			: 1;
	ce->p_office = office_p(t, p->fs.have_tctx, ref);
	if (!isfinite(ce->p_office))
		ce->p_office = 1;
	ce->echo_null_share = bg->eng_total ? (double)ce->engagement_made /
						      (double)bg->eng_total
					    : 0;
	ce->p_echo = pipeline_binom_upper(inside, ce->echo_null_share,
					  ce->engagement_received);
	ce->p_inauth = pipeline_inauth_p(ce->p_office, ce->p_batch,
					 ce->p_switch, ce->p_location,
					 ce->p_echo);
}

/* The modal inferred offset of offs[0..noff), by whole hours (the first
 * 2,000 compared), and the share of members more than 90 min from it. */
static void evidence_offsets(struct cluster_evidence *ce, const int32_t *offs,
			     size_t noff)
{
	size_t best = 0, nspread = 0;
	int32_t mode = 0;

	for (size_t i = 0; i < noff; i++) {
		size_t cnt = 0;

		for (size_t k = 0; k < noff && k < 2000; k++)
			if (abs(offs[k] - offs[i]) <= 60)
				cnt++;
		if (cnt > best) {
			best = cnt;
			mode = offs[i];
		}
		if (i >= 2000)
			break;
	}
	for (size_t i = 0; i < noff; i++)
		if (abs(offs[i] - mode) > 90)
			nspread++;
	ce->modal_offset_min = noff ? mode : INT32_MIN;
	ce->tz_spread = noff ? (double)nspread / (double)noff : 0;
}

/* Each member's strength on its cluster's significant edges, and each
 * cluster's edge count and strongest edge. */
static void evidence_edges(struct pipeline *p)
{
	const int32_t *mem = p->cl.membership;

	for (size_t i = 0; i < p->g.n_edges; i++) {
		const struct coord_edge *e = &p->g.edges[i];
		int32_t c = mem[e->a];

		if (c >= 0 && mem[e->b] == c) {
			p->es[e->a].strength_in += -e->log10p;
			p->es[e->b].strength_in += -e->log10p;
			p->ce[c].n_edges++;
			if (e->log10p < p->ce[c].best_log10p)
				p->ce[c].best_log10p = e->log10p;
		}
	}
}

static enum cib_err cluster_evidence_build(struct pipeline *p)
{
	const struct dataset *ds = p->ds;
	const struct feature_set *fs = &p->fs;
	size_t nc = p->cl.n_clusters, na = ds->acc.n;
	const int32_t *mem = p->cl.membership;
	double *texts = NULL, *copied = NULL;
	int64_t *days = NULL;
	uint64_t *inside = NULL;
	int32_t *offs = NULL;
	size_t *cursor = NULL, *start = NULL;
	uint32_t *order = NULL;
	struct evidence_bg bg;
	enum cib_err err = CIB_ENOMEM;

	memset(&bg, 0, sizeof(bg));
	p->ce = calloc(nc + 1, sizeof(*p->ce));
	texts = calloc(nc + 1, sizeof(*texts));
	copied = calloc(nc + 1, sizeof(*copied));
	inside = calloc(nc + 1, sizeof(*inside));
	start = calloc(nc + 2, sizeof(*start));
	cursor = calloc(nc + 2, sizeof(*cursor));
	order = malloc((na + 1) * sizeof(*order));
	days = malloc((na + 1) * sizeof(*days));
	offs = malloc((na + 1) * sizeof(*offs));
	bg.day = malloc((na + 1) * sizeof(*bg.day));
	bg.cnt = malloc((na + 1) * sizeof(*bg.cnt));
	if (!p->ce || !texts || !copied || !inside || !start || !cursor ||
	    !order || !days || !offs || !bg.day || !bg.cnt)
		goto out;
	evidence_background(p, &bg);
	for (size_t c = 0; c < nc; c++) {
		timing_profile_init(&p->ce[c].profile);
		p->ce[c].best_log10p = 0;
		p->ce[c].inside_engagement = NAN;
	}
	/* members grouped by cluster (counting sort) */
	for (size_t a = 0; a < na; a++)
		if (mem[a] >= 0)
			start[mem[a] + 1]++;
	for (size_t c = 0; c < nc; c++)
		start[c + 1] += start[c];
	memcpy(cursor, start, (nc + 1) * sizeof(*cursor));
	for (size_t a = 0; a < na; a++)
		if (mem[a] >= 0)
			order[cursor[mem[a]]++] = (uint32_t)a;
	evidence_posts(p, inside, &bg);
	for (size_t c = 0; c < nc; c++) {
		struct cluster_evidence *ce = &p->ce[c];
		size_t n = start[c + 1] - start[c], nd = 0, nbatch = 0;
		size_t nswitch = 0, noff = 0;
		double eng = 0;

		ce->size = (uint32_t)n;
		err = timing_fit_profile(&ce->profile, &ce->timing);
		if (err)
			goto out;
		for (size_t i = start[c]; i < start[c + 1]; i++) {
			uint32_t a = order[i];
			double nt = features_n_texts(fs, a);

			texts[c] += nt;
			copied[c] += nt * features_share_copied(fs, a);
			int known;

			if (ds->acc.created[a] != TIME_NONE)
				days[nd++] = civil_day_of(ds->acc.created[a]);
			if (features_switch_significant(fs, a))
				nswitch++;
			ce->n_loc_mismatch += (uint32_t)loc_mismatch(fs, a, &known);
			ce->n_loc_known += (uint32_t)known;
			ce->platforms |= 1u << (ds->acc.platform[a] & 31);
			if (fs->timing[a].inferred_offset_min != INT32_MIN)
				offs[noff++] = fs->timing[a].inferred_offset_min;
			eng += log10(1 + fmax(0, features_engagement_per_post(
							 fs, a)));
		}
		ce->reuse_share = texts[c] > 0 ? copied[c] / texts[c] : 0;
		qsort(days, nd, sizeof(*days), cmp_i64);
		for (size_t i = 0; i < nd;) {
			size_t e = i;

			while (e < nd && days[e] == days[i])
				e++;
			if (e - i >= 3)
				nbatch += e - i;
			i = e;
		}
		ce->batch_share = n ? (double)nbatch / (double)n : 0;
		ce->switch_share = n ? (double)nswitch / (double)n : 0;
		/* collective inauthenticity tests */
		evidence_tests(p, c, days, nd, nswitch, n, inside[c], &bg);
		ce->engagement_log = n ? eng / (double)n : 0;
		if (ce->engagement_received)
			ce->inside_engagement = (double)inside[c] /
						(double)ce->engagement_received;
		evidence_offsets(ce, offs, noff);
	}
	evidence_edges(p);
	err = CIB_OK;
out:
	free(texts);
	free(copied);
	free(inside);
	free(start);
	free(cursor);
	free(order);
	free(days);
	free(offs);
	free(bg.day);
	free(bg.cnt);
	if (!err)
		inauth_decide(p);
	return err;
}

/* Clusters without collective inauthenticity evidence, looked at again at
 * their own scale (docs/model.md, section 6, "A network inside a
 * crowd"): Leiden partitions each one's own edges at its own resolution;
 * every part of at least min_cluster accounts is tested as a cluster of
 * its own, beside every cluster as it stands, with Benjamini-Hochberg
 * over all of them (originals and parts: every test tried is in the
 * family). A part that passes becomes a cluster; the other parts stay
 * with their cluster. Clusters with evidence are never split. Leaves
 * p->ce NULL (cluster_evidence_build runs again on the result). */
/* split_crowds' parts: Leiden on the edges inside the clusters marked in
 * fail[] (each component its own resolution), then depth - 1 times again
 * on the edges inside each part (a part's parts, each at its own
 * resolution); sub[] gets each account's part at the last level
 * (CLUSTER_NONE outside, in a part under min_size, or where its part is
 * its whole cluster: no split), *ns the parts. */
static enum cib_err crowd_parts(struct pipeline *p, const uint8_t *fail,
				uint64_t seed, size_t min_size, int depth,
				int32_t *sub, size_t *ns)
{
	struct cluster_result *cl = &p->cl;
	size_t na = cl->n_accounts, ne = 0;
	struct cluster_wedge *e = malloc((p->g.n_edges + 1) * sizeof(*e));
	size_t *psize;
	double q = 0;
	enum cib_err err;

	*ns = 0;
	if (!e)
		return CIB_ENOMEM;
	for (size_t i = 0; i < p->g.n_edges; i++) {
		int32_t c = cl->membership[p->g.edges[i].a];

		if (c < 0 || c != cl->membership[p->g.edges[i].b] || !fail[c])
			continue;
		e[ne].a = p->g.edges[i].a;
		e[ne].b = p->g.edges[i].b;
		e[ne].w = cluster_edge_weight(&p->g.edges[i]);
		ne++;
	}
	err = cluster_leiden(na, e, ne, seed, min_size, sub, ns, &q,
			     cl->errmsg, sizeof(cl->errmsg));
	/* each further level: Leiden on the edges inside each part */
	for (int d = 1; !err && d < depth && *ns; d++) {
		size_t ne2 = 0;

		for (size_t i = 0; i < ne; i++)
			if (sub[e[i].a] >= 0 && sub[e[i].a] == sub[e[i].b])
				e[ne2++] = e[i];
		ne = ne2;
		err = cluster_leiden(na, e, ne, seed, min_size, sub, ns, &q,
				     cl->errmsg, sizeof(cl->errmsg));
	}
	free(e);
	if (err || *ns == 0)
		return err;
	/* one part that is its whole cluster is no split */
	psize = calloc(*ns + 1, sizeof(*psize));
	if (!psize)
		return CIB_ENOMEM;
	for (size_t a = 0; a < na; a++)
		if (sub[a] >= 0)
			psize[sub[a]]++;
	for (size_t a = 0; a < na; a++)
		if (sub[a] >= 0 &&
		    psize[sub[a]] == cl->size[cl->membership[a]])
			sub[a] = CLUSTER_NONE;
	free(psize);
	return CIB_OK;
}

/* A part keeps only the members that show no tie to the rest of their
 * crowd: a member whose test against the crowd it came from
 * (groups_member_tests, the parts left out of the groups) is significant
 * goes back to orig[] - the test cluster_attach would give it were it
 * outside every cluster, held to Benjamini-Hochberg at fdr with the
 * part's members as the family (per part, so that data beside it cannot
 * move the level). A network is separable from the crowd beside it;
 * accounts that act with both (partisans copying a network's talking
 * points, who also act with each other) stay in the crowd. Meeting the
 * test's guards alone is not a tie: a network's member that shares 8
 * objects with a crowd of 1400 where 5.7 are expected (p = 0.2) went
 * back before session 28. Parts shed by a network (shed[]) are not
 * pulled back: their ties to it are what brought them in. *acc counts
 * the members still in parts (ids nc and up). */
struct pull_test {
	int32_t part;
	uint32_t acc;
	double log10p;
};

static int cmp_pull(const void *x, const void *y)
{
	const struct pull_test *a = x, *b = y;

	if (a->part != b->part)
		return a->part < b->part ? -1 : 1;
	if (a->log10p != b->log10p)
		return a->log10p < b->log10p ? -1 : 1;
	return a->acc < b->acc ? -1 : a->acc > b->acc;
}

/* BH within each part of k[0..n) (sorted by part), the family being the
 * part's size[] (members without a test count as p = 1): pass[acc] = 1
 * for the members whose tie passes. pv: room for the largest part. */
static void tie_bh(const struct pull_test *k, size_t n, const uint32_t *size,
		   double fdr, double *pv, uint8_t *pass)
{
	for (size_t i = 0, j; i < n; i = j) {
		size_t m = size[k[i].part];
		double cut;

		for (j = i; j < n && k[j].part == k[i].part; j++)
			pv[j - i] = pow(10, k[j].log10p);
		for (size_t q = j - i; q < m; q++)
			pv[q] = 1;
		cut = pipeline_bh_critical(pv, m, fdr);
		for (size_t q = i; q < j; q++)
			if (cut > 0 && pow(10, k[q].log10p) <= cut)
				pass[k[q].acc] = 1;
	}
}

static enum cib_err crowd_pull_back(struct pipeline *p,
				    const struct groups_index *ix, size_t nc,
				    const int32_t *orig, const uint8_t *shed,
				    double fdr, size_t *acc)
{
	struct cluster_result *cl = &p->cl;
	size_t na = cl->n_accounts, nt = 0, nk = 0;
	struct groups_member_test *t = NULL;
	int32_t *mout = malloc((na + 1) * sizeof(*mout));
	uint32_t *size = calloc(cl->n_clusters + 1, sizeof(*size));
	struct pull_test *k = NULL;
	double *pv = NULL;
	uint8_t *pass = NULL;
	size_t big = 0;
	enum cib_err err = CIB_ENOMEM;

	if (!mout || !size)
		goto out;
	for (size_t a = 0; a < na; a++) {
		int32_t c = cl->membership[a];

		mout[a] = c >= (int32_t)nc ? CLUSTER_NONE : c;
		if (c >= (int32_t)nc)
			size[c]++;
	}
	err = groups_member_tests(ix, &p->g, mout, nc, 0, -1, &t, &nt);
	if (err)
		goto out;
	err = CIB_ENOMEM;
	k = malloc((nt + 1) * sizeof(*k));
	if (!k)
		goto out;
	for (size_t i = 0; i < nt; i++) {
		uint32_t a = t[i].acc;
		int32_t c = cl->membership[a];

		if (c >= (int32_t)nc && !shed[c] && t[i].group == orig[a] &&
		    t[i].log10p < 0)
			k[nk++] = (struct pull_test){ c, a, t[i].log10p };
	}
	qsort(k, nk, sizeof(*k), cmp_pull);
	for (size_t c = nc; c < cl->n_clusters; c++)
		big = size[c] > big ? size[c] : big;
	pv = malloc((big + 1) * sizeof(*pv));
	if (!pv)
		goto out;
	pass = calloc(na + 1, 1);
	if (!pass)
		goto out;
	tie_bh(k, nk, size, fdr, pv, pass);
	for (size_t i = 0; i < nk; i++) {
		if (pass[k[i].acc]) {
			cl->membership[k[i].acc] = orig[k[i].acc];
			(*acc)--;
		}
	}
	err = CIB_OK;
out:
	free(pass);
	free(pv);
	free(k);
	free(t);
	free(mout);
	free(size);
	return err;
}

/* Recounts cl->size over its first n ids. */
static void recount_sizes(struct cluster_result *cl, size_t n)
{
	memset(cl->size, 0, n * sizeof(*cl->size));
	for (size_t a = 0; a < cl->n_accounts; a++)
		if (cl->membership[a] >= 0)
			cl->size[cl->membership[a]]++;
}

/* The route that carried cluster c's verdict (pipeline_inauth_p's
 * smallest term): 0 creation batches, 1 persona switches, 2 the office
 * rhythm with its supporting tests. */
static int evidence_route(const struct cluster_evidence *ce)
{
	double fake = fmin(1, 2 * fmin(ce->p_location, ce->p_echo));
	double office = fmax(ce->p_office, fake);

	if (ce->p_batch <= ce->p_switch && ce->p_batch <= office)
		return 0;
	return ce->p_switch <= office ? 1 : 2;
}

/* Does account a carry its cluster's route? Batches: created on a day at
 * least three members of its cluster (as it was before the trial) share,
 * bday[] holding those (cluster, day) keys sorted; switches: a
 * significant switch; office: its own day leans to the office shift. */
static int carries(const struct pipeline *p, uint32_t a, int route,
		   int32_t o, const uint64_t *bday, size_t nb)
{
	const struct dataset *ds = p->ds;

	if (route == 1)
		return features_switch_significant(&p->fs, a);
	if (route == 2)
		return p->fs.timing[a].shift_llr > 0;
	if (ds->acc.created[a] == TIME_NONE)
		return 0;
	{
		uint64_t key = origin_key(o, civil_day_of(ds->acc.created[a]));
		size_t i = sortu64_lower(bday, nb, key);

		return i < nb && bday[i] == key;
	}
}

/* Each account's creation day (ORIGIN_NO_DAY: none), or NULL (no
 * memory). */
static int64_t *creation_days(const struct dataset *ds)
{
	int64_t *day = malloc((ds->acc.n + 1) * sizeof(*day));

	for (size_t a = 0; day && a < ds->acc.n; a++)
		day[a] = ds->acc.created[a] == TIME_NONE
				 ? ORIGIN_NO_DAY
				 : civil_day_of(ds->acc.created[a]);
	return day;
}

/* The (cluster, day) keys (origin_key) of the days at least min members
 * of a cluster (orig[]) were created on, sorted, in *out (*nout keys). */
static enum cib_err batch_days(const struct pipeline *p, const int32_t *orig,
			       size_t min, uint64_t **out, size_t *nout)
{
	int64_t *day = creation_days(p->ds);
	enum cib_err err;

	*out = NULL;
	*nout = 0;
	if (!day)
		return CIB_ENOMEM;
	err = origin_batch_days(orig, day, p->cl.n_accounts, min, out, nout);
	free(day);
	return err;
}

/* Is part k (accounts in cl->membership == id) poorer in its cluster's
 * route than the rest of that cluster? One-sided Fisher exact test
 * (hypergeometric lower tail) of its carriers against the rest's, at
 * level alpha. */
static int part_poorer(const struct pipeline *p, int32_t id, int32_t o,
		       const int32_t *orig, int route, const uint64_t *bday,
		       size_t nb, double alpha)
{
	const struct cluster_result *cl = &p->cl;
	unsigned x = 0, n = 0, y = 0, m = 0;

	for (size_t a = 0; a < cl->n_accounts; a++) {
		int c;

		if (orig[a] != o)
			continue;
		c = carries(p, (uint32_t)a, route, o, bday, nb);
		if (cl->membership[a] == id) {
			n++;
			x += (unsigned)c;
		} else {
			m++;
			y += (unsigned)c;
		}
	}
	return pipeline_poorer_p(x, n, y, m) <= alpha;
}

double pipeline_poorer_p(unsigned x, unsigned n, unsigned y, unsigned m)
{
	if (n == 0 || m == 0 || x > n || y > m)
		return 1;
	return gsl_cdf_hypergeometric_P(x, x + y, n + m - x - y, n);
}

/* Which parts of the trial stay clusters of their own (remap[part] = the
 * part's id) and which go back to the cluster they came from (remap =
 * CLUSTER_NONE). A part of a cluster without evidence stays when it
 * passes: a network carved out of a crowd. A part of a cluster with
 * evidence (ce0[], before the trial) stays when it fails, another part of
 * that cluster passes, and it is significantly poorer than the rest of
 * its cluster in what carried the cluster's verdict (part_poorer,
 * Bonferroni over that cluster's failing parts): a crowd shed by the
 * network whose evidence it was borrowing (shed[part] = 1). A part of one
 * network that merely fails at its size is as rich as the rest and stays;
 * parts that pass go back, so a network is not cut up; a cluster whose
 * evidence only shows pooled (no part passes) keeps every member. */
static enum cib_err split_keep(const struct pipeline *p, size_t nc,
			       size_t ns, const int32_t *orig,
			       const struct cluster_evidence *ce0,
			       int32_t *remap, uint8_t *shed)
{
	const struct cluster_result *cl = &p->cl;
	uint8_t *any = calloc(nc + 1, 1);
	int32_t *from = malloc((ns + 1) * sizeof(*from));
	uint64_t *bday = NULL;
	uint32_t *nfail = NULL;
	size_t nb = 0, ncand = 0;
	enum cib_err err = CIB_ENOMEM;

	for (size_t c = 0; c < nc + ns; c++)
		remap[c] = c < nc ? (int32_t)c : CLUSTER_NONE;
	if (!any || !from)
		goto out;
	for (size_t k = 0; k < ns; k++)
		from[k] = CLUSTER_NONE;
	for (size_t a = 0; a < cl->n_accounts; a++)
		if (cl->membership[a] >= (int32_t)nc)
			from[cl->membership[a] - (int32_t)nc] = orig[a];
	for (size_t k = 0; k < ns; k++)
		if (from[k] >= 0 && p->ce[nc + k].inauthentic)
			any[from[k]] = 1;
	/* each cluster's failing parts: its own Bonferroni family (a
	 * family over the whole run would move with unrelated data) */
	nfail = calloc(nc + 1, sizeof(*nfail));
	if (!nfail)
		goto out;
	for (size_t k = 0; k < ns; k++)
		if (from[k] >= 0 && ce0[from[k]].inauthentic &&
		    !p->ce[nc + k].inauthentic && any[from[k]]) {
			nfail[from[k]]++;
			ncand++;
		}
	if (ncand && (err = batch_days(p, orig, 3, &bday, &nb)) != CIB_OK)
		goto out;
	for (size_t k = 0; k < ns; k++) {
		int32_t o = from[k];
		int passed;

		if (o < 0)
			continue;
		passed = p->ce[nc + k].inauthentic;
		if (!ce0[o].inauthentic && passed) {
			remap[nc + k] = (int32_t)(nc + k);
		} else if (ce0[o].inauthentic && !passed && any[o] &&
			   part_poorer(p, (int32_t)(nc + k), o, orig,
				       evidence_route(&ce0[o]), bday, nb,
				       INAUTH_FDR / (double)nfail[o])) {
			remap[nc + k] = (int32_t)(nc + k);
			shed[nc + k] = 1;
		}
	}
	err = CIB_OK;
out:
	free(any);
	free(from);
	free(bday);
	free(nfail);
	return err;
}

/* Does member a carry its network's own traits? Created on a day at
 * least two of the network's core were (bday: the core's (cluster, day)
 * keys of two or more; a is the third), a significant persona switch, or,
 * where the office rhythm carried the verdict (evidence_route), its own
 * day leaning to the office shift. The first two are rare by chance; the
 * third counts only where it is the network's evidence. */
static int member_carries(const struct pipeline *p, uint32_t a,
			  const struct cluster_evidence *ce, int32_t o,
			  const uint64_t *bday, size_t nb)
{
	return carries(p, a, 0, o, bday, nb) || carries(p, a, 1, o, bday, nb) ||
	       (evidence_route(ce) == 2 && carries(p, a, 2, o, bday, nb));
}

/* The networks' cores for network_keep: core[a] = its cluster (orig[])
 * for the members of a part whose own evidence (p_inauth) passes
 * Benjamini-Hochberg at INAUTH_FDR over the parts of its cluster, else
 * CLUSTER_NONE; net[o] = 1 for the clusters with a core. Per cluster,
 * unlike the run's BH over every cluster and part, so that data beside
 * it cannot move which parts are the core. */
struct part_p {
	int32_t o;
	double p;
};

static int cmp_part_p(const void *x, const void *y)
{
	const struct part_p *a = x, *b = y;

	if (a->o != b->o)
		return a->o < b->o ? -1 : 1;
	return (a->p > b->p) - (a->p < b->p);
}

static enum cib_err part_core(const struct pipeline *p, size_t nc,
			      const int32_t *orig, int32_t *core,
			      uint8_t *net)
{
	const struct cluster_result *cl = &p->cl;
	size_t na = cl->n_accounts, ns = cl->n_clusters - nc, n = 0;
	struct part_p *v = malloc((ns + 1) * sizeof(*v));
	double *cut = calloc(nc + 1, sizeof(*cut));
	double *pv = malloc((ns + 1) * sizeof(*pv));
	int32_t *from = malloc((ns + 1) * sizeof(*from));
	enum cib_err err = CIB_ENOMEM;

	for (size_t a = 0; a < na; a++)
		core[a] = CLUSTER_NONE;
	if (!v || !cut || !pv || !from)
		goto out;
	for (size_t k = 0; k < ns; k++)
		from[k] = CLUSTER_NONE;
	for (size_t a = 0; a < na; a++)
		if (cl->membership[a] >= (int32_t)nc)
			from[cl->membership[a] - (int32_t)nc] = orig[a];
	for (size_t k = 0; k < ns; k++)
		if (from[k] >= 0)
			v[n++] = (struct part_p){ from[k],
						  p->ce[nc + k].p_inauth };
	qsort(v, n, sizeof(*v), cmp_part_p);
	/* Benjamini-Hochberg over each cluster's parts */
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i; j < n && v[j].o == v[i].o; j++)
			pv[j - i] = v[j].p;
		cut[v[i].o] = pipeline_bh_critical(pv, j - i, INAUTH_FDR);
	}
	for (size_t a = 0; a < na; a++) {
		int32_t c = cl->membership[a];

		if (c >= (int32_t)nc && cut[orig[a]] > 0 &&
		    p->ce[c].p_inauth <= cut[orig[a]]) {
			core[a] = orig[a];
			net[orig[a]] = 1;
		}
	}
	err = CIB_OK;
out:
	free(v);
	free(cut);
	free(pv);
	free(from);
	return err;
}

/* A network keeps only what ties to it (docs/model.md, section 6). In a
 * cluster with evidence where some part passed (the network: its core),
 * every other member - in a part that failed but was not shed, or in no
 * part - is tested against the core alone: the test cluster_attach would
 * give it were the core its only cluster, held to Benjamini-Hochberg at
 * fdr with those members of that cluster as the family (per cluster, so
 * data beside it cannot move the level; untested members count as p =
 * 1). A member whose tie passes, or that carries the network's own
 * traits (member_carries), goes back to the network; any other stays in
 * its part, which becomes a crowd shed by the network (shed[]), or
 * leaves every cluster when it was in no part. The core: the parts
 * passing by their cluster's own family (part_core). A part being
 * no poorer in the verdict's route (part_poorer) is not a tie: a crowd
 * of 43 with none of the 26 carriers of a 1076-member cluster is not
 * significantly poorer, and stayed with the network before session 29.
 * Members of one network cut off by Leiden share its objects and pass. */
static enum cib_err network_keep(struct pipeline *p,
				 const struct groups_index *ix, size_t nc,
				 const int32_t *orig,
				 const struct cluster_evidence *ce0,
				 int32_t *remap, uint8_t *shed, double fdr)
{
	struct cluster_result *cl = &p->cl;
	size_t na = cl->n_accounts, nt = 0, nk = 0, big = 0;
	int32_t *core = malloc((na + 1) * sizeof(*core));
	uint8_t *net = calloc(nc + 1, 1);
	uint32_t *size = calloc(nc + 1, sizeof(*size));
	struct groups_member_test *t = NULL;
	struct pull_test *k = NULL;
	double *pv = NULL;
	uint8_t *back = calloc(na + 1, 1);
	uint64_t *bday = NULL;
	size_t nb = 0;
	enum cib_err err = CIB_ENOMEM;

	if (!core || !net || !size || !back)
		goto out;
	if (part_core(p, nc, orig, core, net) != CIB_OK)
		goto out;
	for (size_t a = 0; a < na; a++) {
		int32_t c = cl->membership[a];

		if (orig[a] >= 0 && net[orig[a]] && core[a] < 0 &&
		    !(c >= (int32_t)nc && shed[c])) {
			size[orig[a]]++;
			back[a] = 1; /* to be tested (reset after) */
		}
	}
	/* only the members in question are tested: every account outside
	 * the cores against them would be millions of tests at 10M posts */
	err = groups_member_tests_of(ix, &p->g, core, nc, back, 0, &t, &nt);
	memset(back, 0, na + 1);
	if (err)
		goto out;
	err = CIB_ENOMEM;
	k = malloc((nt + 1) * sizeof(*k));
	if (!k)
		goto out;
	for (size_t i = 0; i < nt; i++) {
		uint32_t a = t[i].acc;
		int32_t c = cl->membership[a];

		if (t[i].group == orig[a] && net[orig[a]] && core[a] < 0 &&
		    !(c >= (int32_t)nc && shed[c]) && t[i].log10p < 0)
			k[nk++] = (struct pull_test){ orig[a], a, t[i].log10p };
	}
	qsort(k, nk, sizeof(*k), cmp_pull);
	for (size_t c = 0; c < nc; c++)
		big = size[c] > big ? size[c] : big;
	pv = malloc((big + 1) * sizeof(*pv));
	if (!pv)
		goto out;
	tie_bh(k, nk, size, fdr, pv, back);
	err = batch_days(p, core, 2, &bday, &nb);
	if (err)
		goto out;
	for (size_t a = 0; a < na; a++) {
		int32_t c = cl->membership[a], o = orig[a];

		if (o < 0 || !net[o] || core[a] >= 0 || back[a] ||
		    (c >= (int32_t)nc && shed[c]))
			continue;
		if (member_carries(p, (uint32_t)a, &ce0[o], o, bday, nb)) {
			back[a] = 1;
			continue;
		}
		if (c >= (int32_t)nc) {
			remap[c] = c;
			shed[c] = 1;
		} else {
			cl->membership[a] = CLUSTER_NONE;
		}
	}
	/* a tied member of a part now shed goes back to the network */
	for (size_t a = 0; a < na; a++) {
		int32_t c = cl->membership[a];

		if (back[a] && c >= (int32_t)nc)
			cl->membership[a] = orig[a];
	}
	err = CIB_OK;
out:
	free(pv);
	free(k);
	free(t);
	free(core);
	free(net);
	free(size);
	free(back);
	free(bday);
	return err;
}

static enum cib_err split_phase(struct pipeline *p,
				const struct groups_index *ix, uint64_t seed,
				size_t min_size, double fdr, int networks,
				int depth)
{
	struct cluster_result *cl = &p->cl;
	size_t nc = cl->n_clusters, na = cl->n_accounts;
	size_t ns = 0, acc = 0;
	int32_t *sub = NULL, *orig = NULL, *remap = NULL;
	uint8_t *fail = NULL, *shed = NULL;
	struct cluster_evidence *ce0 = NULL;
	enum cib_err err = CIB_ENOMEM;

	if (nc == 0)
		return CIB_OK;
	p->es = calloc(na + 1, sizeof(*p->es));
	if (!p->es)
		return CIB_ENOMEM;
	p->n_inauthentic = 0;
	err = cluster_evidence_build(p);
	if (err)
		goto out;
	err = CIB_ENOMEM;
	fail = calloc(nc + 1, 1);
	ce0 = malloc((nc + 1) * sizeof(*ce0));
	sub = malloc((na + 1) * sizeof(*sub));
	orig = malloc((na + 1) * sizeof(*orig));
	if (!fail || !ce0 || !sub || !orig)
		goto out;
	memcpy(ce0, p->ce, nc * sizeof(*ce0));
	for (size_t c = 0; c < nc; c++)
		fail[c] = ce0[c].inauthentic == networks &&
			  cl->size[c] >= 2 * min_size;
	err = crowd_parts(p, fail, seed, min_size, depth, sub, &ns);
	if (err || ns == 0)
		goto out;
	err = CIB_ENOMEM;
	/* the trial: every part a cluster of its own (ids nc + part) */
	memcpy(orig, cl->membership, na * sizeof(*orig));
	{
		uint32_t *sz = realloc(cl->size, (nc + ns + 1) * sizeof(*sz));

		if (!sz)
			goto out;
		cl->size = sz;
	}
	memset(cl->size, 0, (nc + ns + 1) * sizeof(*cl->size));
	for (size_t a = 0; a < na; a++) {
		if (sub[a] >= 0)
			cl->membership[a] = (int32_t)(nc + (size_t)sub[a]);
		if (cl->membership[a] >= 0)
			cl->size[cl->membership[a]]++;
	}
	cl->n_clusters = nc + ns;
	free(p->ce);
	p->ce = NULL;
	memset(p->es, 0, (na + 1) * sizeof(*p->es));
	p->n_inauthentic = 0;
	err = cluster_evidence_build(p);
	if (err)
		goto out;
	err = CIB_ENOMEM;
	remap = malloc((nc + ns + 1) * sizeof(*remap));
	shed = calloc(nc + ns + 1, 1);
	if (!remap || !shed)
		goto out;
	err = split_keep(p, nc, ns, orig, ce0, remap, shed);
	if (!err && networks)
		err = network_keep(p, ix, nc, orig, ce0, remap, shed, fdr);
	if (err)
		goto out;
	err = CIB_ENOMEM;
	for (size_t a = 0; a < na; a++) {
		int32_t c = cl->membership[a];

		if (c >= (int32_t)nc && remap[c] == CLUSTER_NONE)
			cl->membership[a] = orig[a];
		else if (c >= (int32_t)nc)
			acc++;
	}
	if (acc) {
		err = crowd_pull_back(p, ix, nc, orig, shed, fdr, &acc);
		if (err)
			goto out;
	}
	recount_sizes(cl, nc + ns + 1);
	/* a cluster left under min_cluster by its parts dissolves */
	for (size_t a = 0; a < na; a++) {
		int32_t c = cl->membership[a];

		if (c >= 0 && cl->size[c] < min_size)
			cl->membership[a] = CLUSTER_NONE;
	}
	recount_sizes(cl, nc + ns + 1);
	p->n_split += acc;
	err = cluster_renumber(cl);
out:
	free(p->ce);
	p->ce = NULL;
	free(p->es);
	p->es = NULL;
	p->n_inauthentic = 0;
	free(sub);
	free(orig);
	free(remap);
	free(fail);
	free(ce0);
	free(shed);
	return err;
}

/* Crowds first (a network carved out of a cluster without evidence), at
 * the parts' level and then at their parts' level (a network Leiden left
 * with the partisans beside it: "Two levels"), then networks (a crowd
 * shed by a cluster with evidence), each its own trial and its own
 * Benjamini-Hochberg family, so the parts of one kind do not make the
 * other's family larger (docs/model.md, section 6). */
static enum cib_err split_crowds(struct pipeline *p,
				 const struct groups_index *ix, uint64_t seed,
				 size_t min_size, double fdr)
{
	enum cib_err err;

	p->n_split = 0;
	err = split_phase(p, ix, seed, min_size, fdr, 0, 1);
	if (!err)
		err = split_phase(p, ix, seed, min_size, fdr, 0, 2);
	if (!err)
		err = split_phase(p, ix, seed, min_size, fdr, 1, 1);
	return err;
}

static int popcount32(uint32_t v)
{
	int n = 0;

	for (; v; v &= v - 1)
		n++;
	return n;
}

/* Every input is evidence: 0 = none (docs/model.md, section 7). A signed
 * statistic is cut at 0, so the organic direction reads as "no evidence",
 * never as a penalty that coordination would carry into the score. */
static void fill_features(struct pipeline *p)
{
	const struct dataset *ds = p->ds;
	const struct feature_set *fs = &p->fs;

	for (size_t a = 0; a < ds->acc.n; a++) {
		double *x = p->x + a * SF__COUNT;
		const struct timing_fit *tf = &fs->timing[a];
		int32_t c = p->cl.membership[a];
		int known;

		x[SF_OWN_SHIFT] = fmax(0, llr_z(tf->shift_llr, 10));
		x[SF_OWN_LUNCH] = neglog(tf->lunch_dip_p, 10);
		x[SF_OWN_TZ_MISMATCH] = loc_mismatch(fs, (uint32_t)a, &known);
		x[SF_REUSE_SHARE] = features_share_copied(fs, a);
		x[SF_REUSE_ACCOUNTS] = log1p(features_co_accounts(fs, a));
		x[SF_DEFAULT_HANDLE] = features_default_handle(fs, a);
		x[SF_CREATION_BATCH] = neglog(features_creation_p(fs, a), 20);
		x[SF_PERSONA] = neglog(features_switch_p(fs, a), 10);
		/* an account's own rhythm, profile and persona signals are
		 * evidence of *coordinated* inauthenticity only together with
		 * coordination: an office account in UTC+8 keeps shifts, many
		 * real people have digit handles. Without a significant edge
		 * or a cluster they count zero (docs/model.md). */
		if (c < 0 && p->es[a].n_partners == 0) {
			x[SF_OWN_SHIFT] = 0;
			x[SF_OWN_LUNCH] = 0;
			x[SF_OWN_TZ_MISMATCH] = 0;
			x[SF_DEFAULT_HANDLE] = 0;
			x[SF_CREATION_BATCH] = 0;
			x[SF_PERSONA] = 0;
		}
		x[SF_EDGE_STRENGTH] = log1p(p->es[a].strength);
		for (int k = SF_CL_SIZE; k < SF__COUNT; k++)
			x[k] = 0;
		if (c >= 0) {
			const struct cluster_evidence *ce = &p->ce[c];
			double wk = ce->timing.weekend_ratio;

			x[SF_CL_SIZE] = log1p(ce->size);
			/* the group-level coordination test (groups.h) */
			if ((size_t)c < p->gr.n_groups)
				x[SF_CL_COORD] =
					clip(-p->gr.ev[c].log10p, 0, 30);
			x[SF_CL_REUSE] = ce->reuse_share;
			x[SF_CL_OFFICE] = neglog(ce->p_office, 30);
			x[SF_CL_SUPPER] = ce->p_office < 1 &&
							  ce->timing.shift_llr > 0
						  ? neglog(ce->timing.supper_dip_p, 30)
						  : 0;
			x[SF_CL_OFFDAYS] = isfinite(wk) ? clip(1 - wk, 0, 1) : 0;
			x[SF_CL_BATCH] = neglog(ce->p_batch, 30);
			x[SF_CL_SWITCH] = neglog(ce->p_switch, 30);
			x[SF_CL_LOCATION] = neglog(ce->p_location, 30);
			x[SF_CL_ECHO] = neglog(ce->p_echo, 30);
			x[SF_CL_PLATFORMS] = popcount32(ce->platforms) - 1;
			/* how strongly the account is tied to a group that has
			 * collective inauthenticity evidence: an organic
			 * account attached to such a group on a few co-actions
			 * is tied weakly */
			if (ce->inauthentic) {
				double ml = p->gr.member_log10p &&
							    a < p->gr.n_accounts
						    ? -p->gr.member_log10p[a]
						    : 0;

				x[SF_CL_TIE] = log1p(p->es[a].strength_in +
						     clip(ml, 0, 50));
				/* the share of its co-acted objects that it
				 * shared with the group: an operation's member
				 * acts with the group, a partisan who now and
				 * then links to its sites mostly elsewhere */
				if (p->gr.strength && a < p->gr.n_accounts &&
				    isfinite(p->gr.strength[a]))
					x[SF_CL_SHARE] =
						clip(p->gr.strength[a], 0, 1);
			}
		}
		for (int k = 0; k < SF__COUNT; k++)
			if (!isfinite(x[k]) || x[k] < 0)
				x[k] = 0;
	}
}

/* Drops the coordination events an account made before its persona
 * switch (features_switch_significant: a change point at the permutation
 * floor with another language after it). Those posts were written by the
 * account's previous owner - the fan, the shop, the spam vendor it was
 * bought from - and tie it to that owner's peers, not to the operation
 * that runs it now; the switch itself is the evidence the persona route
 * counts (docs/model.md, 1). Order is kept. */
static void drop_previous_personas(const struct pipeline *p,
				   struct coord_events *ev)
{
	const struct feature_set *fs = &p->fs;
	const int64_t *cp = fs->persona.cp_time;
	size_t na = p->ds->acc.n, nsw = 0;
	uint8_t *sw;

	if (!cp || na == 0)
		return;
	sw = calloc(na, 1);
	if (!sw)
		return;
	for (size_t a = 0; a < na; a++) {
		sw[a] = persona_at_floor(&fs->persona, a) &&
			cp[a] != TIME_NONE;
		nsw += sw[a];
	}
	for (int t = 0; t < COORD__COUNT && nsw; t++) {
		struct coord_events *e = &ev[t];
		size_t k = 0;

		for (size_t i = 0; i < e->n; i++) {
			uint32_t a = coord_ev_acc(e, i);

			if (a < na && sw[a] && coord_ev_time(e, i) < cp[a])
				continue;
			if (k != i) {
				e->obj[k] = e->obj[i];
				if (e->time) { /* else the post's */
					e->time[k] = e->time[i];
					e->acc[k] = e->acc[i];
				}
				e->post[k] = e->post[i];
				e->minutes[k] = e->minutes[i];
			}
			k++;
		}
		e->n = k;
	}
	free(sw);
}

/* The accounts in a cluster before discovery (*out, one byte each). */
static enum cib_err mark_leiden(const struct cluster_result *cl,
				uint8_t **out)
{
	uint8_t *m = malloc(cl->n_accounts + 1);

	*out = m;
	if (!m)
		return CIB_ENOMEM;
	for (size_t a = 0; a < cl->n_accounts; a++)
		m[a] = cl->membership[a] >= 0;
	return CIB_OK;
}

/* After attach and merge: the clusters with no account of the Leiden
 * clusters (seeded[]) are discovery's groups that stayed apart; their
 * members that fit another cluster better move there (cluster_settle),
 * and the accounts a dissolved group leaves get the attach rounds. */
static enum cib_err settle_discovered(struct pipeline *p,
				      struct groups_index *gi,
				      const struct pipeline_opts *o,
				      const uint8_t *seeded)
{
	struct cluster_result *cl = &p->cl;
	uint8_t *is_new = malloc(cl->n_clusters + 1);
	size_t moved = 0;
	enum cib_err err = CIB_ENOMEM;

	if (!is_new)
		return err;
	memset(is_new, 1, cl->n_clusters + 1);
	for (size_t a = 0; a < cl->n_accounts; a++)
		if (seeded[a] && cl->membership[a] >= 0)
			is_new[cl->membership[a]] = 0;
	err = cluster_settle(cl, &p->g, gi, o->coord.fdr, is_new,
			     o->min_cluster, &moved);
	if (!err && moved)
		err = cluster_attach_rounds(cl, &p->g, gi, o->coord.fdr,
					    &p->n_attached);
	if (!err && moved)
		err = cluster_renumber(cl);
	free(is_new);
	return err;
}

/* Clusters of one origin merged (model/origin.h): the fragments of a
 * network created in batches that its members act too rarely together to
 * be one community; then the accounts in no cluster born on a cluster's
 * batch days tested against it (origin_attach). */
static enum cib_err merge_origins(struct pipeline *p,
				  const struct groups_index *ix, double fdr)
{
	size_t merges = 0, att = 0;
	int64_t *day = creation_days(p->ds);
	enum cib_err err;

	if (!day)
		return CIB_ENOMEM;
	err = origin_merge(&p->cl, p->g.comp, day, fdr, &merges);
	p->n_merged += merges;
	if (!err)
		err = origin_attach(&p->cl, &p->g, ix, p->g.comp, day, fdr,
				    &att);
	p->n_attached += att;
	free(day);
	return err;
}

/* pipeline_prepare's clustering: Leiden, discovery, attach and merge, the
 * split of crowds and the group evidence; releases the group index. t0 is
 * the stage's start (for the timings said). */
static enum cib_err prepare_clusters(struct pipeline *p,
				     struct groups_index *gi,
				     const struct pipeline_opts *o, double t0)
{
	const struct dataset *ds = p->ds;
	double ts[4];
	uint8_t *seeded = NULL;
	enum cib_err err;

	err = cluster_detect(&p->g, o->seed, o->min_cluster, &p->cl);
	ts[0] = cib_seconds();
	if (!err)
		err = mark_leiden(&p->cl, &seeded);
	if (!err)
		err = groups_discover(gi, &p->g, o->seed, o->min_cluster,
				      o->coord.fdr, &p->cl, &p->n_discovered,
				      p->cl.errmsg, sizeof(p->cl.errmsg));
	ts[1] = cib_seconds();
	if (!err)
		err = cluster_grow(&p->cl, &p->g, gi, o->coord.fdr,
				   &p->n_attached, &p->n_merged);
	if (!err && p->n_discovered)
		err = settle_discovered(p, gi, o, seeded);
	if (!err)
		err = split_crowds(p, gi, o->seed, o->min_cluster,
				   o->coord.fdr);
	/* a part split from a crowd is a new cluster: the accounts outside
	 * every cluster are tested against it too (docs/model.md, 6) */
	if (!err && p->n_split)
		err = cluster_attach_rounds(&p->cl, &p->g, gi, o->coord.fdr,
					    &p->n_attached);
	if (!err && p->n_split)
		err = cluster_renumber(&p->cl);
	if (!err)
		err = merge_origins(p, gi, o->coord.fdr);
	ts[2] = cib_seconds();
	if (!err)
		err = groups_evidence_build(gi, &p->g, p->cl.membership,
					    p->cl.n_clusters, ds->acc.platform,
					    -1, &p->gr);
	ts[3] = cib_seconds();
	/* the index is large (the kept events): only the evidence stays */
	groups_index_release(gi);
	free(seeded);
	if (!err)
		say(o,
		    "  %zu clusters: %zu found as groups, %zu accounts "
		    "attached, %zu merges (Leiden %.2f s, discovery %.2f s, "
		    "attach and merge %.2f s, group evidence %.2f s)",
		    p->cl.n_clusters, p->n_discovered, p->n_attached,
		    p->n_merged, ts[0] - t0, ts[1] - ts[0], ts[2] - ts[1],
		    ts[3] - ts[2]);
	if (err) {
		snprintf(p->errmsg, sizeof(p->errmsg), "clustering: %s",
			 p->cl.errmsg[0] ? p->cl.errmsg : cib_strerror(err));
		return err;
	}
	return CIB_OK;
}

/* pipeline_prepare past the features and the post events: nothing finds
 * a string or a post by its bytes or reads a post id or a whole text from
 * here on (the events of the features read entity strings by id), so the
 * caller may free them (pipeline_opts.strings_done). */
static enum cib_err post_strings_done(struct pipeline *p,
				      const struct pipeline_opts *o)
{
	size_t fr = 0;
	enum cib_err err;

	if (!o->strings_done)
		return CIB_OK;
	err = o->strings_done(o->strings_ctx, p, &fr);
	if (err && !p->errmsg[0])
		snprintf(p->errmsg, sizeof(p->errmsg), "the post strings: %s",
			 cib_strerror(err));
	if (!err && fr)
		say(o, "  string table, post ids and references, texts not "
		       "quoted and the features' post columns freed "
		       "(%.1f MB)",
		    (double)fr / 1e6);
	return err;
}

/* The events after the features: every one but the post events when
 * a thread built those beside the features (job->started), all of them
 * otherwise; the callers' frees between them, and the accounts'
 * previous personas' events dropped. */
static enum cib_err events_rest(struct pipeline *p,
				const struct pipeline_opts *o,
				struct coord_events *ev, struct events_job *job)
{
	enum cib_err err = CIB_OK;
	size_t given = 0;

	/* the events of the two kinds are of different types, so either
	 * order builds the same arrays. After the features, the features'
	 * events come first: the entities and URLs they read are freed
	 * before the post events are made, and the post ids and
	 * references those read after them (at 10M posts both kinds of
	 * events, 0.34 GB, were held with all four: rank 0's peak) */
	if (job->started)
		err = post_strings_done(p, o);
	if (!err)
		err = events_from_features(p, o, ev, &given);
	if (!err && o->events_done) {
		size_t fr = 0;

		o->events_done(o->strings_ctx, p, &fr);
		if (fr)
			say(o, "  the posts' URLs, and their entities unless "
			       "a crawl reads them, freed (%.1f MB, %.1f MB "
			       "of it given back as the features' events "
			       "read it)",
			    (double)fr / 1e6, (double)given / 1e6);
	}
	/* after those frees: the post events' step starts without them */
	memstep_mark("feature events");
	if (!err && !job->started) {
		events_thread(job);
		err = job->err;
		if (!err)
			err = post_strings_done(p, o);
		memstep_mark("post events");
	}
	if (!err)
		drop_previous_personas(p, ev);
	return err;
}

enum cib_err pipeline_prepare(struct pipeline *p, const struct dataset *ds,
			      const struct pipeline_opts *o)
{
	struct coord_events ev[COORD__COUNT];
	double t0 = cib_seconds();
	enum cib_err err;
	struct feature_opts fo = o->features;
	struct events_job job;
	struct groups_index gi;
	double ts[2];
	pthread_t job_th;

	memset(p, 0, sizeof(*p));
	groups_index_init(&gi);
	p->ds = ds;
	/* every event but a direct amplification's is its post's account
	 * acting at the post's time: those two are read from the dataset's
	 * columns, not held beside them (at 10M posts 0.14 GB less while
	 * the events are built) */
	for (int t = 0; t < COORD__COUNT; t++) {
		coord_events_init(&ev[t]);
		if (t != COORD_AMPLIFY)
			coord_events_of_posts(&ev[t], ds->post.account,
					      ds->post.time);
	}
	err = postindex_build(&p->pi, ds);
	if (err) {
		snprintf(p->errmsg, sizeof(p->errmsg), "post index: %s",
			 cib_strerror(err));
		return err;
	}
	stage_done(p, "index", &t0, o);
	fo.tz = o->tz;
	fo.seed = o->seed;
	/* a text group past the graph's viral cap is not evidence there;
	 * it is none in the reuse features either */
	fo.reuse.max_accounts = o->coord.max_actors;
	/* the dataset-only events: after the features, or while they run
	 * (pipeline_opts.events_after_features) */
	job.ds = ds;
	job.ev = ev;
	job.o = o;
	job.err = CIB_OK;
	job.started = !o->events_after_features &&
		      pthread_create(&job_th, NULL, events_thread, &job) == 0;
	err = features_compute(&p->fs, ds, &p->pi, &fo, p->errmsg,
			       sizeof(p->errmsg));
	if (job.started)
		pthread_join(job_th, NULL);
	if (err) {
		events_release(ev);
		return err;
	}
	stage_done(p, "features", &t0, o);
	say(o, "  timing %.2f s, reuse %.2f s, persona %.2f s, profile %.2f s",
	    p->fs.seconds[0], p->fs.seconds[1], p->fs.seconds[2],
	    p->fs.seconds[3]);
	err = job.started ? job.err : CIB_OK;
	if (!err)
		err = events_rest(p, o, ev, &job);
	if (!err) {
		double tg = cib_seconds();

		err = coord_build(ev, ds->acc.n, &o->coord, &p->g);
		if (!err)
			say(o,
			    "  coordination graph %.2f s (%llu co-actions, "
			    "%llu pairs, %zu components)",
			    cib_seconds() - tg,
			    (unsigned long long)(p->g.code_bytes / 8),
			    (unsigned long long)p->g.n_candidates,
			    p->g.n_comps);
	}
	ts[0] = cib_seconds();
	if (!err && o->coord.shard && o->coord.shard->index)
		err = o->coord.shard->index(o->coord.shard->ctx, &p->g, &gi);
	else if (!err)
		err = groups_index_build(&gi, ev, &p->g, &o->coord, 1);
	ts[1] = cib_seconds();
	events_release(ev);
	if (err) {
		groups_index_release(&gi);
		if (err == CIB_ETOOBIG && o->coord.max_memory)
			snprintf(p->errmsg, sizeof(p->errmsg),
				 "coordination graph: the pairs to test need "
				 "more than --max-memory (%.0f MB); raise it, "
				 "or lower --max-actors",
				 (double)o->coord.max_memory / 1048576.0);
		else
			snprintf(p->errmsg, sizeof(p->errmsg),
				 "coordination graph: %s", cib_strerror(err));
		return err;
	}
	say(o, "  pair graph %.2f s, group index %.2f s", ts[0] - t0,
	    ts[1] - ts[0]);
	stage_done(p, "graph", &t0, o);
	err = prepare_clusters(p, &gi, o, t0);
	if (err)
		return err;
	p->es = calloc(ds->acc.n + 1, sizeof(*p->es));
	p->x = malloc((ds->acc.n + 1) * SF__COUNT * sizeof(*p->x));
	if (!p->es || !p->x)
		return CIB_ENOMEM;
	summarise_edges(p);
	err = cluster_evidence_build(p);
	if (err) {
		snprintf(p->errmsg, sizeof(p->errmsg), "cluster evidence: %s",
			 cib_strerror(err));
		return err;
	}
	fill_features(p);
	stage_done(p, "clusters", &t0, o);
	return CIB_OK;
}

double pipeline_flag_fdr(const double *score, const uint8_t *eligible,
			 const uint32_t *ord, size_t n, double fdr,
			 uint8_t *flagged)
{
	double sum = 0, thr = 1.0;
	size_t keep = 0, r = 0;

	/* Bayesian FDR over the eligible accounts: the largest top set whose
	 * mean posterior probability of being organic (1 - score) is at most
	 * fdr, each account's own at most PIPELINE_LFDR_MAX */
	for (size_t i = 0; i < n; i++) {
		uint32_t a = ord[i];

		if (!eligible[a])
			continue;
		if (1 - score[a] > PIPELINE_LFDR_MAX)
			break;
		sum += 1 - score[a];
		r++;
		if (sum / (double)r <= fdr)
			keep = r;
	}
	for (size_t i = 0, r2 = 0; i < n && r2 < keep; i++) {
		uint32_t a = ord[i];

		if (!eligible[a])
			continue;
		flagged[a] = 1;
		thr = score[a];
		r2++;
	}
	return thr;
}

static int cmp_desc_idx(const void *a, const void *b, void *ctx)
{
	const double *s = ctx;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	if (s[x] != s[y])
		return s[x] > s[y] ? -1 : 1;
	return x < y ? -1 : x > y;
}

enum cib_err pipeline_run(struct pipeline *p, const struct dataset *ds,
			  const struct pipeline_opts *o)
{
	size_t na = ds->acc.n;
	uint32_t *ord;
	unsigned char *ev;
	double t0;
	enum cib_err err = pipeline_prepare(p, ds, o);

	if (err)
		return err;
	t0 = cib_seconds();
	if (o->model) {
		p->model = *o->model;
	} else {
		err = pipeline_default_model(&p->model, p->errmsg,
					     sizeof(p->errmsg));
		if (err)
			return err;
	}
	p->score = malloc((na + 1) * sizeof(*p->score));
	p->flagged = calloc(na + 1, 1);
	p->eligible = calloc(na + 1, 1);
	ev = calloc(na + 1, 1);
	ord = malloc((na + 1) * sizeof(*ord));
	if (!p->score || !p->flagged || !p->eligible || !ev || !ord) {
		free(ord);
		free(ev);
		return CIB_ENOMEM;
	}
	for (size_t a = 0; a < na; a++) {
		int32_t c = p->cl.membership[a];

		p->score[a] = logit_predict(&p->model, p->x + a * SF__COUNT);
		ord[a] = (uint32_t)a;
		ev[a] = (unsigned char)pipeline_row_has_evidence(
			p->x + a * SF__COUNT);
		/* a flag needs coordination and its group's collective
		 * inauthenticity evidence (docs/model.md, section 8) */
		p->eligible[a] = c >= 0 && p->ce[c].inauthentic;
	}
	/* the model's posteriors assume its training data's share of
	 * coordinated accounts; this input's share is estimated instead, on
	 * the accounts with coordination evidence (logit.h) */
	if (o->prior_shift) {
		double te = p->model.prior_e, tn = p->model.prior_n;

		if (!(te > 0 && te < 1 && tn > 0 && tn < 1))
			te = tn = p->model.prior;
		p->prior_used = logit_adjust_prior_strata(p->score, ev, na, te,
							  tn, &p->prior_e);
	} else {
		p->prior_used = p->model.prior;
		p->prior_e = p->model.prior_e;
	}
	free(ev);
	qsort_r(ord, na, sizeof(*ord), cmp_desc_idx, p->score);
	if (isfinite(o->threshold)) {
		p->threshold_used = o->threshold;
		for (size_t a = 0; a < na; a++)
			p->flagged[a] = p->eligible[a] &&
					p->score[a] >= o->threshold;
	} else {
		p->threshold_used = pipeline_flag_fdr(p->score, p->eligible,
						      ord, na, o->fdr,
						      p->flagged);
	}
	for (size_t a = 0; a < na; a++)
		p->n_flagged += p->flagged[a];
	for (size_t c = 0; c < p->cl.n_clusters; c++)
		p->ce[c].score = 0;
	for (size_t a = 0; a < na; a++) {
		int32_t c = p->cl.membership[a];

		if (c >= 0) {
			p->ce[c].score += p->score[a];
			p->ce[c].n_flagged += p->flagged[a];
		}
	}
	for (size_t c = 0; c < p->cl.n_clusters; c++)
		if (p->ce[c].size)
			p->ce[c].score /= p->ce[c].size;
	free(ord);
	stage_done(p, "score", &t0, o);
	return CIB_OK;
}
