/* run.c - building the scored run from a scored pipeline (run.h).
 *
 * Everything an output needs is copied out of the pipeline here, once:
 * the rank order (score descending, then platform, then id bytes), the
 * clusters numbered by decreasing size (ties by their smallest member's
 * input index, as cluster.c numbers them, so the numbers agree), the edges by strength, up to RUN_TEXTS_PER_ACCOUNT copied texts
 * per account, and the reasons as codes with numbers. The tests that
 * decide which reasons are shown are the pipeline's own (docs/model.md,
 * section 9); nothing here changes a score, a flag or a partition.
 * Linear in accounts, posts and edges, plus the sorts.
 */
#include "run.h"

#include <math.h>
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "siteacc.h"
#include "core/bits.h"

_Static_assert(sizeof(struct run_reason) ==
		       4 * sizeof(uint32_t) + RUN_REASON_NV * sizeof(double),
	       "run_reason has no padding");
_Static_assert(sizeof(struct run_account) == 8 + 12 * 4,
	       "run_account has no padding");
_Static_assert(sizeof(struct run_cluster) == 26 * 8 + 2 * 8 + 20 * 4,
	       "run_cluster has no padding");
_Static_assert(sizeof(struct run_edge) ==
		       16 + (4 + COORD__COUNT) * sizeof(uint32_t),
	       "run_edge has no padding");
_Static_assert(sizeof(struct run_text) == 8, "run_text has no padding");
_Static_assert(sizeof(struct run_input) == 24, "run_input has no padding");
_Static_assert(sizeof(struct run_type_stats) == 2 * 8 + 7 * 8 + 2 * 4,
	       "run_type_stats has no padding");
_Static_assert(sizeof(struct run_meta) ==
		       (9 + 3 * SF__COUNT) * 8 + 5 * 8 +
			       COORD__COUNT * sizeof(struct run_type_stats) +
			       10 * 4,
	       "run_meta has no padding");

static const char *const reason_names[REASON__COUNT] = {
#define RC_NAME(e, name, nv, doc) name,
	REASON_LIST(RC_NAME)
#undef RC_NAME
};

static const int reason_nv[REASON__COUNT] = {
#define RC_NV(e, name, nv, doc) nv,
	REASON_LIST(RC_NV)
#undef RC_NV
};

#define RC_CHECK(e, name, nv, doc)                                      \
	_Static_assert((nv) >= 0 && (nv) <= RUN_REASON_NV,              \
		       "reason " name " fits run_reason.v");
REASON_LIST(RC_CHECK)
#undef RC_CHECK

int reason_code_nv(enum reason_code c)
{
	return (unsigned)c < REASON__COUNT ? reason_nv[c] : 0;
}

const char *reason_code_name(enum reason_code c)
{
	return (unsigned)c < REASON__COUNT ? reason_names[c] : "unknown";
}

void run_init(struct scored_run *r)
{
	memset(r, 0, sizeof(*r));
}

void run_release(struct scored_run *r)
{
	if (!r)
		return;
	free(r->acc);
	free(r->x);
	free(r->cl);
	free(r->edges);
	free(r->edge_idx);
	free(r->reasons);
	free(r->texts);
	free(r->inputs);
	free(r->ds_index);
	free(r->str);
	memset(r, 0, sizeof(*r));
}

/* ---- building blocks ---------------------------------------------------- */

/* Appends s (n bytes, cut at cap) to the string table; *out gets its
 * offset. The table is capped at 4 GiB (offsets are 32-bit). */
static enum cib_err str_add_n(struct scored_run *r, const char *s, size_t n,
			      uint32_t *out)
{
	if (!s) {
		*out = RUN_NOSTR;
		return CIB_OK;
	}
	if (r->str_len + n + 1 > r->str_cap) {
		size_t cap = r->str_cap ? r->str_cap : 1 << 16;
		char *q;

		while (cap < r->str_len + n + 1)
			cap *= 2;
		if (cap >= UINT32_MAX)
			return CIB_ETOOBIG;
		q = realloc(r->str, cap);
		if (!q)
			return CIB_ENOMEM;
		r->str = q;
		r->str_cap = cap;
	}
	memcpy(r->str + r->str_len, s, n);
	r->str[r->str_len + n] = '\0';
	*out = (uint32_t)r->str_len;
	r->str_len += n + 1;
	return CIB_OK;
}

static enum cib_err str_add(struct scored_run *r, const char *s,
			    uint32_t *out)
{
	return str_add_n(r, s, s ? strlen(s) : 0, out);
}

/* UTF-8 safe cut: at most cap bytes, never inside a sequence. */
static size_t utf8_cut(const char *s, size_t n, size_t cap)
{
	if (n <= cap)
		return n;
	n = cap;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return n;
}

struct rlist {
	struct run_reason *v;
	size_t n, cap;
};

static struct run_reason *radd(struct rlist *l, enum reason_code code,
			       uint32_t flags)
{
	struct run_reason *x;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 1024;
		struct run_reason *q = realloc(l->v, cap * sizeof(*q));

		if (!q)
			return NULL;
		l->v = q;
		l->cap = cap;
	}
	x = &l->v[l->n++];
	memset(x, 0, sizeof(*x));
	x->code = (uint32_t)code;
	x->flags = flags;
	x->s[0] = x->s[1] = RUN_NOSTR;
	return x;
}

static double fin(double v)
{
	return isfinite(v) ? v : NAN;
}

/* ---- order -------------------------------------------------------------- */

static int cmp_rank(const void *a, const void *b, void *ctx)
{
	const struct pipeline *p = ctx;
	const struct dataset *ds = p->ds;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	int c;

	if (p->score[x] != p->score[y])
		return p->score[x] > p->score[y] ? -1 : 1;
	if (ds->acc.platform[x] != ds->acc.platform[y])
		return ds->acc.platform[x] < ds->acc.platform[y] ? -1 : 1;
	c = strcmp(ds_str(ds, ds->acc.id[x]), ds_str(ds, ds->acc.id[y]));
	if (c)
		return c;
	return x < y ? -1 : x > y;
}

struct cl_key {
	uint32_t size, best, c;
};

static int cmp_cl(const void *a, const void *b)
{
	const struct cl_key *x = a, *y = b;

	if (x->size != y->size)
		return x->size > y->size ? -1 : 1;
	return x->best < y->best ? -1 : x->best > y->best;
}

static int cmp_edge(const void *a, const void *b)
{
	const struct run_edge *x = a, *y = b;
	uint32_t xl = x->a < x->b ? x->a : x->b, yl = y->a < y->b ? y->a : y->b;
	uint32_t xh = x->a ^ x->b ^ xl, yh = y->a ^ y->b ^ yl;

	if (x->log10p != y->log10p)
		return x->log10p < y->log10p ? -1 : 1;
	if (xl != yl)
		return xl < yl ? -1 : 1;
	return xh < yh ? -1 : xh > yh;
}

/* ---- clusters ----------------------------------------------------------- */

static void cluster_copy(struct run_cluster *k, const struct pipeline *p,
			 int32_t c)
{
	const struct cluster_evidence *ce = &p->ce[c];
	const struct timing_fit *t = &ce->timing;

	memset(k, 0, sizeof(*k));
	k->score = ce->score;
	k->shift_llr = fin(t->shift_llr);
	k->lunch_start_h = fin(t->lunch_start_h);
	k->lunch_end_h = fin(t->lunch_end_h);
	k->supper_start_h = fin(t->supper_start_h);
	k->supper_end_h = fin(t->supper_end_h);
	k->lunch_dip_p = fin(t->lunch_dip_p);
	k->supper_dip_p = fin(t->supper_dip_p);
	k->weekend_ratio = fin(t->weekend_ratio);
	k->holiday_ratio = fin(t->holiday_ratio);
	k->reuse_share = fin(ce->reuse_share);
	k->batch_share = fin(ce->batch_share);
	k->switch_share = fin(ce->switch_share);
	k->inside_engagement = fin(ce->inside_engagement);
	k->tz_spread = fin(ce->tz_spread);
	k->best_log10p = ce->best_log10p;
	k->p_office = ce->p_office;
	k->p_batch = ce->p_batch;
	k->p_switch = ce->p_switch;
	k->p_location = ce->p_location;
	k->p_echo = ce->p_echo;
	k->p_inauth = ce->p_inauth;
	k->inauth_cut = ce->inauth_cut;
	k->n_posts = ce->n_posts;
	k->engagement_received = ce->engagement_received;
	k->size = ce->size;
	k->n_flagged = ce->n_flagged;
	k->n_edges = ce->n_edges;
	k->platforms = ce->platforms;
	k->shift_offset_min = t->shift_offset_min;
	k->modal_offset_min = ce->modal_offset_min;
	k->inauthentic = (uint32_t)(ce->inauthentic != 0);
	k->batch_members = ce->batch_members;
	k->n_dated = ce->n_dated;
	k->batch_days = ce->batch_days;
	k->n_switch = ce->n_switch;
	k->n_loc_mismatch = ce->n_loc_mismatch;
	k->n_loc_known = ce->n_loc_known;
	k->coord_log10p = NAN;
	k->objects_expected = NAN;
	k->sync_expected = NAN;
	if (p->gr.ev && (size_t)c < p->gr.n_groups) {
		const struct groups_evidence *ge = &p->gr.ev[c];

		k->has_group = 1;
		k->coord_log10p = ge->log10p;
		k->objects = ge->objects;
		k->objects_expected = ge->objects_expected;
		k->sync = ge->sync;
		k->sync_expected = ge->sync_expected;
		k->discovered = (uint32_t)(ge->discovered != 0);
	}
}

/* A collective test is shown when it carries the cluster's decision: it
 * passes the cluster's Benjamini-Hochberg cutoff on its own (times the
 * Bonferroni factor). */
static int test_rejects(const struct cluster_evidence *ce, double pv)
{
	return ce->inauthentic && pv * INAUTH_TESTS <= ce->inauth_cut;
}

/* The cluster's first reason: the test that found it (the group test's
 * synchrony or shared-object count, else its significant edges, else the
 * group as a whole). */
static enum cib_err cluster_reason_test(struct rlist *l,
					const struct pipeline *p, int32_t c)
{
	const struct cluster_evidence *ce = &p->ce[c];
	struct run_reason *x;

	if ((size_t)c < p->gr.n_groups && p->gr.ev[c].log10p < -2 &&
	    p->gr.ev[c].objects) {
		const struct groups_evidence *ge = &p->gr.ev[c];
		/* name the test that carried the group: a count that chance
		 * explains is no evidence, so it is never shown */
		int sync_counts = ge->sync >= 2 &&
				  ge->sync >= GROUPS_MIN_RATIO *
						      ge->sync_expected &&
				  ge->sync >= ge->sync_expected + 1;
		int share_counts = ge->objects >= 2 &&
				   ge->objects >= GROUPS_MIN_RATIO *
							  ge->objects_expected &&
				   ge->objects >= ge->objects_expected + 1;
		int sync = sync_counts &&
			   (!share_counts || ge->log10p_sync <= ge->log10p_share);

		if (!(x = radd(l, sync ? REASON_CL_SYNC : REASON_CL_SHARED, 0)))
			return CIB_ENOMEM;
		x->v[0] = ce->size;
		x->v[1] = sync ? ge->sync : ge->objects;
		x->v[2] = sync ? ge->sync_expected : ge->objects_expected;
		x->v[3] = ge->log10p;
		x->v[4] = ce->platforms;
	} else if (ce->n_edges) {
		if (!(x = radd(l, REASON_CL_EDGES, 0)))
			return CIB_ENOMEM;
		x->v[0] = ce->size;
		x->v[1] = ce->n_edges;
		x->v[2] = ce->best_log10p;
		x->v[3] = ce->platforms;
	} else {
		if (!(x = radd(l, REASON_CL_GROUP, 0)))
			return CIB_ENOMEM;
		x->v[0] = ce->size;
		x->v[1] = ce->platforms;
	}
	return CIB_OK;
}

/* The objects most members acted on, as description: up to three
 * reposted posts, links, domains or reply targets. */
static enum cib_err cluster_reason_top_objects(struct scored_run *r,
					       struct rlist *l,
					       const struct pipeline *p,
					       int32_t c)
{
	const struct groups_evidence *ge;
	struct run_reason *x;

	if ((size_t)c >= p->gr.n_groups)
		return CIB_OK;
	ge = &p->gr.ev[c];

	for (uint32_t i = 0, shown = 0; i < ge->n_top && shown < 3; i++) {
		uint32_t sid = (uint32_t)ge->top[i].key;
		int ty = ge->top[i].type;
		enum cib_err err;

		if (ge->top[i].members < 2 ||
		    !(ty == COORD_REPOST || ty == COORD_LINK ||
		      ty == COORD_DOMAIN || ty == COORD_REPLY_POST ||
		      ty == COORD_REPLY_ACCOUNT))
			continue;
		if (!(x = radd(l, REASON_CL_TOP_OBJECT, 0)))
			return CIB_ENOMEM;
		x->v[0] = ty;
		x->v[1] = ge->top[i].members;
		/* the dataset's strings and the canonical URLs
		 * and domains the features made */
		if (sid < strlayer_n(&p->fs.reuse.strs)) {
			const char *s = reuse_str(&p->fs.reuse, sid);

			err = str_add_n(r, s, utf8_cut(s, strlen(s), 80),
					&x->s[0]);
			if (err)
				return err;
		}
		shown++;
	}
	return CIB_OK;
}

/* A cluster's reasons in the order its row lists them: the test that
 * found it and its top objects, then one block per collective test. */
static enum cib_err cluster_reasons(struct scored_run *r, struct rlist *l,
				    const struct pipeline *p, int32_t c,
				    uint32_t tzs)
{
	const struct cluster_evidence *ce = &p->ce[c];
	const struct timing_fit *t = &ce->timing;
	struct run_reason *x;
	enum cib_err err;
	int k = 0;

	if ((err = cluster_reason_test(l, p, c)) ||
	    (err = cluster_reason_top_objects(r, l, p, c)))
		return err;
	if (ce->reuse_share > 0 && ce->size) {
		if (!(x = radd(l, REASON_CL_COPIED, 0)))
			return CIB_ENOMEM;
		x->v[0] = ce->reuse_share;
		x->v[1] = ce->size;
	}
	if (test_rejects(ce, ce->p_batch) && ce->batch_members) {
		if (!(x = radd(l, REASON_CL_BATCH, 0)))
			return CIB_ENOMEM;
		x->v[0] = ce->batch_members;
		x->v[1] = ce->batch_days;
		x->v[2] = ce->batch_year_lo;
		x->v[3] = ce->batch_year_hi;
		x->v[4] = ce->p_batch;
		k++;
	}
	if (test_rejects(ce, ce->p_office)) {
		if (!(x = radd(l, REASON_CL_OFFICE, 0)))
			return CIB_ENOMEM;
		x->v[0] = ce->p_office;
		x->v[1] = t->supper_dip_p <= 1e-3 ? t->supper_dip_p : NAN;
		x->v[2] = t->n;
		x->s[0] = tzs;
		k++;
	}
	if (test_rejects(ce, ce->p_switch)) {
		if (!(x = radd(l, REASON_CL_SWITCH, 0)))
			return CIB_ENOMEM;
		x->v[0] = ce->n_switch;
		x->v[1] = ce->p_switch;
		k++;
	}
	if (ce->p_location <= 1e-3) {
		if (!(x = radd(l, REASON_CL_LOCATION, 0)))
			return CIB_ENOMEM;
		x->v[0] = ce->n_loc_mismatch;
		x->v[1] = ce->n_loc_known;
		x->v[2] = ce->p_location;
	}
	if (ce->p_echo <= 1e-3 && ce->engagement_received) {
		if (!(x = radd(l, REASON_CL_ECHO, 0)))
			return CIB_ENOMEM;
		x->v[0] = ce->inside_engagement;
		x->v[1] = (double)ce->engagement_received;
		x->v[2] = ce->echo_null_share;
		x->v[3] = ce->p_echo;
	}
	if (!ce->inauthentic || !k)
		if (!radd(l, REASON_CL_NO_INAUTH, 0))
			return CIB_ENOMEM;
	return CIB_OK;
}

/* ---- accounts ----------------------------------------------------------- */

static int loc_mismatch(const struct feature_set *fs, uint32_t a)
{
	const struct timing_fit *tf = &fs->timing[a];
	int32_t loc = fs->loc_offset ? fs->loc_offset[a] : INT32_MIN;

	return loc != INT32_MIN && tf->inferred_offset_min != INT32_MIN &&
	       tf->n >= 20 && abs(loc - tf->inferred_offset_min) >= 180;
}

/* Why an account is not flagged: the first rule of section 8 it fails.
 * NULL when out of memory. */
static struct run_reason *account_reason_why_not(struct rlist *l,
						 const struct pipeline *p,
						 uint32_t a, const int32_t *newc)
{
	const struct edge_summary *es = &p->es[a];
	int32_t c = p->cl.membership[a];
	struct run_reason *x;

	if (!(x = radd(l, REASON_NOT_FLAGGED, 0)))
		return NULL;
	x->v[0] = c < 0 ? (es->n_partners ? RUN_NF_NO_CLUSTER
					  : RUN_NF_NO_COORDINATION)
		  : !p->ce[c].inauthentic ? RUN_NF_CLUSTER_ORGANIC
					  : RUN_NF_BELOW_BAR;
	x->v[1] = p->score[a];
	x->v[2] = p->threshold_used;
	x->v[3] = c >= 0 ? newc[c] + 1 : 0;
	return x;
}

/* Its cluster, and for a member the group tests joined (no significant
 * edge inside the cluster: attach, discovery) the leave-one-out
 * membership test (groups.h) that ties it. */
static enum cib_err account_reason_member(struct rlist *l,
					  const struct pipeline *p, uint32_t a,
					  const int32_t *newc, uint32_t fl)
{
	int32_t c = p->cl.membership[a];
	const struct edge_summary *es = &p->es[a];
	const struct cluster_evidence *ce = &p->ce[c];
	struct run_reason *x;

	if (!(x = radd(l, REASON_CLUSTER_MEMBER, fl)))
		return CIB_ENOMEM;
	x->v[0] = newc[c] + 1;
	x->v[1] = ce->size;
	x->v[2] = ce->n_edges;
	x->v[3] = ce->inauthentic != 0;
	if (es->strength_in <= 0) {
		if (!(x = radd(l, REASON_GROUP_TIE, fl)))
			return CIB_ENOMEM;
		x->v[0] = newc[c] + 1;
		x->v[1] = p->gr.member_log10p && a < p->gr.n_accounts
				  ? p->gr.member_log10p[a]
				  : 0;
		x->v[2] = p->gr.strength && a < p->gr.n_accounts
				  ? fin(p->gr.strength[a])
				  : NAN;
	}
	return CIB_OK;
}

/* A significant persona switch: when, after how long a silence, the
 * languages before and after. */
static enum cib_err account_reason_switch(struct scored_run *r,
					  struct rlist *l,
					  const struct feature_set *fs,
					  uint32_t a, uint32_t fl)
{
	const struct persona_result *pr = &fs->persona;
	uint32_t lb = pr->lang_before[a], la = pr->lang_after[a];
	struct run_reason *x;
	enum cib_err err;

	if (!(x = radd(l, REASON_PERSONA_SWITCH, fl)))
		return CIB_ENOMEM;
	x->v[0] = pr->cp_time[a] != TIME_NONE ? (double)pr->cp_time[a]
					      : NAN;
	x->v[1] = pr->longest_gap[a] >= 30 * 86400 &&
				  pr->gap_end[a] != TIME_NONE &&
				  pr->cp_time[a] != TIME_NONE &&
				  llabs(pr->gap_end[a] - pr->cp_time[a]) <=
					  86400
			  ? (double)(pr->longest_gap[a] / 86400)
			  : 0;
	x->v[2] = pr->cp_p[a];
	x->v[3] = isfinite(pr->topic_shift[a]) ? pr->topic_shift[a] : 0;
	x->v[4] = lb != la;
	if ((err = str_add(r, lb == STR_NONE ? NULL
					     : langdetect_str(&fs->ld, lb),
			   &x->s[0])) ||
	    (err = str_add(r, la == STR_NONE ? NULL
					     : langdetect_str(&fs->ld, la),
			   &x->s[1])))
		return err;
	return CIB_OK;
}

/* Links that keep pointing at a flagged site network (siteacc.h). */
static enum cib_err account_reason_site(struct scored_run *r, struct rlist *l,
					const struct siteacc *sa, uint32_t a,
					uint32_t fl)
{
	const struct siteacc_account *ac = &sa->acc[a];
	const struct sites_group *g = NULL;
	struct run_reason *x;
	enum cib_err err;

	for (size_t i = 0; i < sa->s->n_groups; i++)
		if (sa->s->group[i].id == ac->network)
			g = &sa->s->group[i];
	if (!(x = radd(l, REASON_SITE_NETWORK, fl)))
		return CIB_ENOMEM;
	x->v[0] = ac->network;
	x->v[1] = g ? g->n : 0;
	x->v[2] = ac->k;
	x->v[3] = ac->n_links;
	x->v[4] = ac->rate;
	x->v[5] = ac->p;
	x->v[6] = ac->raised;
	if (g && g->n &&
	    (err = str_add(r,
			   strpool_get(&sa->s->hosts,
				       sa->s->site[g->members[0]].host),
			   &x->s[0])))
		return err;
	return CIB_OK;
}

/* An account's reasons, one block (or account_reason_ helper) per code
 * in the order its row lists them. */
static enum cib_err account_reasons(struct scored_run *r, struct rlist *l,
				    const struct pipeline *p, uint32_t a,
				    const int32_t *newc, uint32_t tzs)
{
	const struct dataset *ds = p->ds;
	const struct feature_set *fs = &p->fs;
	const struct edge_summary *es = &p->es[a];
	const struct timing_fit *tf = &fs->timing[a];
	int32_t c = p->cl.membership[a];
	uint32_t fl = p->flagged[a] ? 0 : RUN_REASON_BELOW_BAR;
	double nt = features_n_texts(fs, a), sc = features_share_copied(fs, a);
	struct run_reason *x;
	enum cib_err err;
	size_t first;

	if (!p->flagged[a] && !account_reason_why_not(l, p, a, newc))
		return CIB_ENOMEM;
	first = l->n;
	if (nt >= 1 && sc > 0) {
		if (!(x = radd(l, REASON_COPIED_TEXTS, fl)))
			return CIB_ENOMEM;
		x->v[0] = round(nt * sc);
		x->v[1] = nt;
		x->v[2] = features_co_accounts(fs, a);
	}
	if (es->n_partners) {
		if (!(x = radd(l, REASON_COACTED, fl)))
			return CIB_ENOMEM;
		x->v[0] = es->n_partners;
		x->v[1] = es->best_log10p;
		for (int t = 0; t < COORD__COUNT; t++) {
			x->v[2 + t] = es->partners[t];
			x->v[2 + COORD__COUNT + t] = es->shared[t];
		}
	}
	if (c >= 0) {
		if ((err = account_reason_member(l, p, a, newc, fl)))
			return err;
	} else if (tf->n && abs(tf->shift_offset_min - fs->tctx.std_offset_min) <=
				     60 &&
		   tf->shift_p <= 1e-3 && tf->lunch_dip_p <= 1e-3) {
		/* its own rhythm, only when the office-shift test rejects at
		 * the reference zone (docs/features-timing.md) */
		if (!(x = radd(l, REASON_OWN_RHYTHM, fl)))
			return CIB_ENOMEM;
		x->v[0] = fmax(tf->shift_p, tf->lunch_dip_p);
		x->v[1] = tf->supper_dip_p <= 1e-3 ? tf->supper_dip_p : NAN;
		x->v[2] = tf->n;
		x->s[0] = tzs;
	}
	if (features_creation_p(fs, a) < 1e-3 &&
	    ds->acc.created[a] != TIME_NONE) {
		uint32_t same = features_created_same_day(fs, a);

		if (!(x = radd(l, REASON_CREATED_BATCH, fl)))
			return CIB_ENOMEM;
		x->v[0] = (double)ds->acc.created[a];
		x->v[1] = same > 0 ? same - 1 : 0;
		x->v[2] = fmax(features_creation_p(fs, a), 1e-300);
	}
	if (features_switch_significant(fs, a) && fs->persona.cp_p &&
	    (err = account_reason_switch(r, l, fs, a, fl)))
		return err;
	if (loc_mismatch(fs, a)) {
		if (!(x = radd(l, REASON_LOCATION_MISMATCH, fl)))
			return CIB_ENOMEM;
		x->v[0] = fs->loc_offset[a];
		x->v[1] = tf->inferred_offset_min;
		if ((err = str_add(r, ds_str(ds, ds->acc.location[a]), &x->s[0])))
			return err;
	}
	if (features_default_handle(fs, a) > 0 && l->n > first) {
		if (!(x = radd(l, REASON_DEFAULT_HANDLE, fl)))
			return CIB_ENOMEM;
		if ((err = str_add(r, ds_str(ds, ds->acc.handle[a]), &x->s[0])))
			return err;
	}
	if (p->sa && a < p->sa->n_acc && p->sa->acc[a].evidence)
		return account_reason_site(r, l, p->sa, a, fl);
	return CIB_OK;
}

/* Up to RUN_TEXTS_PER_ACCOUNT of the account's texts that other accounts
 * posted too, most widely posted first (ties by group id), each once. */
static enum cib_err account_texts(struct scored_run *r, struct run_text **tv,
				  size_t *tcap, const struct pipeline *p,
				  uint32_t a)
{
	const struct reuse_result *ru = &p->fs.reuse;
	const struct dataset *ds = p->ds;
	uint32_t best_g[RUN_TEXTS_PER_ACCOUNT], best_j[RUN_TEXTS_PER_ACCOUNT];
	size_t nb = reuse_quoted_posts(ru, &p->pi, a, RUN_TEXTS_PER_ACCOUNT,
				       best_g, best_j);

	for (size_t k = 0; k < nb; k++) {
		const char *s = ds_text(ds, best_j[k]);
		enum cib_err err;

		/* in a group: kept by dataset_drop_post_strings */
		assert(!strpool_dropped(&ds->texts, ds->post.text[best_j[k]]));
		if (r->n_texts == *tcap) {
			size_t cap = *tcap ? 2 * *tcap : 256;
			struct run_text *q = realloc(*tv, cap * sizeof(*q));

			if (!q)
				return CIB_ENOMEM;
			*tv = q;
			*tcap = cap;
		}
		err = str_add_n(r, s, utf8_cut(s, strlen(s), RUN_TEXT_MAX),
				&(*tv)[r->n_texts].text);
		if (err)
			return err;
		(*tv)[r->n_texts].accounts = ru->group_accounts[best_g[k]];
		r->n_texts++;
	}
	return CIB_OK;
}

static enum cib_err meta_fill(struct scored_run *r, const struct pipeline *p,
			      const struct pipeline_opts *o,
			      const char *settings)
{
	struct run_meta *m = &r->meta;
	enum cib_err err;

	m->threshold_used = p->threshold_used;
	m->prior_used = p->prior_used;
	m->prior_e = p->prior_e;
	m->fdr = o ? o->fdr : NAN;
	m->threshold_opt = o ? o->threshold : NAN;
	m->edge_fdr = o ? o->coord.fdr : NAN;
	m->intercept = p->model.intercept;
	for (int k = 0; k < SF__COUNT; k++) {
		m->coef[k] = p->model.coef[k];
		m->mean[k] = p->model.mean[k];
		m->sd[k] = p->model.sd[k];
	}
	m->seed = o ? o->seed : 0;
	m->n_posts_read = p->ds->post.n;
	m->n_candidates = p->g.n_candidates;
	m->n_components = p->g.n_comps;
	m->n_dense = p->g.n_dense;
	m->n_tests = p->g.n_tests;
	m->log10_cutoff = p->g.log10_cutoff;
	for (int t = 0; t < COORD__COUNT; t++) {
		const struct coord_type_stats *st = &p->g.stats[t];
		struct run_type_stats *d = &m->types[t];

		d->pairs_total = st->pairs_total;
		d->actions = st->actions;
		d->window = st->window;
		d->events = st->events;
		d->objects = st->objects;
		d->shared_objects = st->shared_objects;
		d->viral_objects = st->viral_objects;
		d->dense_objects = st->dense_objects;
		d->candidate_pairs = st->candidate_pairs;
		d->window_estimated = (uint32_t)(st->window_estimated != 0);
	}
	m->n_features = SF__COUNT;
	m->min_cluster = o ? (uint32_t)o->min_cluster : 0;
	m->max_actors = o ? o->coord.max_actors : 0;
	m->prior_shift = o ? (uint32_t)o->prior_shift : 0;
	m->n_inauthentic = (uint32_t)p->n_inauthentic;
	err = str_add(r, o && o->tz ? o->tz : "", &m->tz);
	if (!err)
		err = str_add(r, features_tz_label(&p->fs), &m->tz_label);
	if (!err)
		err = str_add(r, settings ? settings : "", &m->settings);
	return err;
}

/* ---- the build ---------------------------------------------------------- */

/* One rank, one tie-break: ord[i] is the dataset account at rank i,
 * rank[a] the rank of dataset account a. */
static void run_rank(struct scored_run *r, const struct pipeline *p,
		     uint32_t *ord, uint32_t *rank)
{
	size_t na = p->ds->acc.n;

	for (size_t a = 0; a < na; a++)
		ord[a] = (uint32_t)a;
	qsort_r(ord, na, sizeof(*ord), cmp_rank, (void *)p);
	for (size_t i = 0; i < na; i++) {
		rank[ord[i]] = (uint32_t)i;
		r->ds_index[i] = ord[i];
	}
}

/* Cluster numbers by decreasing size, ties by their smallest member:
 * ck in that order, newc[c] the new number of pipeline cluster c. */
static void run_number_clusters(const struct pipeline *p, struct cl_key *ck,
				int32_t *newc)
{
	size_t na = p->ds->acc.n, nc = p->cl.n_clusters;

	for (size_t c = 0; c < nc; c++) {
		ck[c].size = p->ce[c].size;
		ck[c].best = UINT32_MAX;
		ck[c].c = (uint32_t)c;
	}
	for (size_t a = 0; a < na; a++) {
		int32_t c = p->cl.membership[a];

		if (c >= 0 && a < ck[c].best)
			ck[c].best = (uint32_t)a;
	}
	qsort(ck, nc, sizeof(*ck), cmp_cl);
	for (size_t k = 0; k < nc; k++)
		newc[ck[k].c] = (int32_t)k;
}

/* The edges, strongest first, endpoints as ranks, and each account's
 * slice of edge_idx (deg: na + 2 zeroed counters). */
static void run_copy_edges(struct scored_run *r, const struct pipeline *p,
			   const uint32_t *rank, uint32_t *deg)
{
	size_t na = p->ds->acc.n, ne = p->g.n_edges;

	for (size_t i = 0; i < ne; i++) {
		const struct coord_edge *e = &p->g.edges[i];
		struct run_edge *d = &r->edges[i];

		d->log10p = e->log10p;
		d->lambda = e->lambda;
		d->a = rank[e->a];
		d->b = rank[e->b];
		d->observed = e->observed;
		for (int t = 0; t < COORD__COUNT; t++)
			d->x[t] = e->x[t];
	}
	qsort(r->edges, ne, sizeof(*r->edges), cmp_edge);
	r->n_edges = ne;
	for (size_t i = 0; i < ne; i++) {
		deg[r->edges[i].a + 1]++;
		deg[r->edges[i].b + 1]++;
	}
	for (size_t i = 0; i < na; i++)
		deg[i + 1] += deg[i];
	for (size_t i = 0; i < na; i++) {
		r->acc[i].edge_off = deg[i];
		r->acc[i].n_edges = 0;
	}
	for (size_t i = 0; i < ne; i++) {
		struct run_account *A = &r->acc[r->edges[i].a];
		struct run_account *B = &r->acc[r->edges[i].b];

		r->edge_idx[A->edge_off + A->n_edges++] = (uint32_t)i;
		r->edge_idx[B->edge_off + B->n_edges++] = (uint32_t)i;
	}
}

/* Dataset account a as the run's account at rank i: its numbers, id,
 * handle, reasons and copied texts. */
static enum cib_err run_copy_account(struct scored_run *r, struct rlist *rl,
				     size_t *tcap, const struct pipeline *p,
				     uint32_t a, size_t i, const int32_t *newc,
				     int take_x)
{
	const struct dataset *ds = p->ds;
	struct run_account *A = &r->acc[i];
	int32_t c = p->cl.membership[a];
	enum cib_err err;

	A->score = p->score[a];
	A->platform = ds->acc.platform[a];
	A->cluster = c >= 0 ? newc[c] : RUN_NOCLUSTER;
	A->flagged = p->flagged[a] != 0;
	r->meta.n_flagged += A->flagged;
	A->n_posts = p->pi.off ? (uint32_t)postindex_count(&p->pi, a) : 0;
	if (!take_x)
		memcpy(r->x + i * SF__COUNT, p->x + (size_t)a * SF__COUNT,
		       SF__COUNT * sizeof(*r->x));
	err = str_add(r, ds_str(ds, ds->acc.id[a]), &A->id);
	if (!err)
		err = str_add(r, ds_str(ds, ds->acc.handle[a]), &A->handle);
	A->reason_off = (uint32_t)rl->n;
	if (!err)
		err = account_reasons(r, rl, p, a, newc, r->meta.tz_label);
	A->n_reasons = (uint32_t)(rl->n - A->reason_off);
	A->text_off = (uint32_t)r->n_texts;
	if (!err)
		err = account_texts(r, &r->texts, tcap, p, a);
	A->n_texts = (uint32_t)(r->n_texts - A->text_off);
	return err;
}

/* x's rows (SF__COUNT each) put in place so that row i is the one that
 * was row ord[i], following each cycle of the permutation ord[0..n)
 * (done: n bits of scratch). */
static enum cib_err rows_in_rank(double *x, const uint32_t *ord, size_t n)
{
	uint64_t *done = calloc(bits_words(n + 1), sizeof(*done));
	double tmp[SF__COUNT];
	const size_t row = SF__COUNT * sizeof(*x);

	if (!done)
		return CIB_ENOMEM;
	for (size_t s = 0; s < n; s++) {
		size_t i = s;

		if (bits_get(done, s))
			continue;
		memcpy(tmp, x + s * SF__COUNT, row);
		for (;;) {
			size_t j = ord[i];

			bits_set(done, i);
			if (j == s) {
				memcpy(x + i * SF__COUNT, tmp, row);
				break;
			}
			memcpy(x + i * SF__COUNT, x + j * SF__COUNT, row);
			i = j;
		}
	}
	free(done);
	return CIB_OK;
}

/* The steps in order, sharing the rank and the cluster renumbering:
 * rank, clusters, edges and their index, accounts. take_x: the model
 * inputs are *take_x, put in rank order and taken over. */
static enum cib_err build(struct scored_run *r, const struct pipeline *p,
			  const struct pipeline_opts *o, const char *settings,
			  double **take_x)
{
	const struct dataset *ds = p->ds;
	size_t na = ds->acc.n, nc = p->cl.n_clusters, ne = p->g.n_edges;
	uint32_t *ord = NULL, *rank = NULL, *deg = NULL;
	int32_t *newc = NULL;
	struct cl_key *ck = NULL;
	struct rlist rl = { 0 };
	size_t tcap = 0;
	enum cib_err err = CIB_ENOMEM;

	run_init(r);
	if (na >= UINT32_MAX || ne >= UINT32_MAX / 2)
		return CIB_ETOOBIG;
	ord = malloc((na + 1) * sizeof(*ord));
	rank = malloc((na + 1) * sizeof(*rank));
	newc = malloc((nc + 1) * sizeof(*newc));
	ck = malloc((nc + 1) * sizeof(*ck));
	deg = calloc(na + 2, sizeof(*deg));
	r->acc = calloc(na + 1, sizeof(*r->acc));
	r->x = take_x ? NULL
		      : malloc((na + 1) * SF__COUNT * sizeof(*r->x));
	r->cl = calloc(nc + 1, sizeof(*r->cl));
	r->edges = calloc(ne + 1, sizeof(*r->edges));
	r->edge_idx = malloc((2 * ne + 1) * sizeof(*r->edge_idx));
	r->ds_index = malloc((na + 1) * sizeof(*r->ds_index));
	if (!r->ds_index || !ord || !rank || !newc || !ck || !deg || !r->acc ||
	    (!take_x && !r->x) ||
	    !r->cl || !r->edges || !r->edge_idx)
		goto fail;
	err = meta_fill(r, p, o, settings);
	if (err)
		goto fail;
	run_rank(r, p, ord, rank);
	run_number_clusters(p, ck, newc);
	r->n_clusters = nc;
	r->n_accounts = na;
	for (size_t k = 0; k < nc && !err; k++) {
		int32_t c = (int32_t)ck[k].c;

		cluster_copy(&r->cl[k], p, c);
		r->cl[k].reason_off = (uint32_t)rl.n;
		err = cluster_reasons(r, &rl, p, c, r->meta.tz_label);
		r->cl[k].n_reasons = (uint32_t)(rl.n - r->cl[k].reason_off);
	}
	if (err)
		goto fail;
	run_copy_edges(r, p, rank, deg);
	for (size_t i = 0; i < na && !err; i++)
		err = run_copy_account(r, &rl, &tcap, p, ord[i], i, newc,
					       take_x != NULL);
	if (err)
		goto fail;
	if (rl.n >= UINT32_MAX) {
		err = CIB_ETOOBIG;
		goto fail;
	}
	if (take_x) {
		err = rows_in_rank(*take_x, ord, na);
		if (err)
			goto fail;
		r->x = *take_x;
		*take_x = NULL;
	}
	r->reasons = rl.v;
	r->n_reasons = rl.n;
	rl.v = NULL;
	err = CIB_OK;
	goto out;
fail:
	free(rl.v);
	run_release(r);
out:
	free(ord);
	free(rank);
	free(newc);
	free(ck);
	free(deg);
	return err;
}

enum cib_err run_build(struct scored_run *r, const struct pipeline *p,
		       const struct pipeline_opts *o, const char *settings)
{
	return build(r, p, o, settings, NULL);
}

enum cib_err run_build_taking(struct scored_run *r, struct pipeline *p,
			      const struct pipeline_opts *o,
			      const char *settings)
{
	return build(r, p, o, settings, &p->x);
}

enum cib_err run_add_input(struct scored_run *r, const char *name,
			   uint64_t size, uint64_t xxh3)
{
	struct run_input *q = realloc(r->inputs, (r->n_inputs + 1) * sizeof(*q));
	enum cib_err err;

	if (!q)
		return CIB_ENOMEM;
	r->inputs = q;
	memset(&q[r->n_inputs], 0, sizeof(*q));
	err = str_add(r, name, &q[r->n_inputs].name);
	if (err)
		return err;
	q[r->n_inputs].size = size;
	q[r->n_inputs].xxh3 = xxh3;
	r->n_inputs++;
	return CIB_OK;
}

long run_find_account(const struct scored_run *r, const char *who)
{
	const char *colon = strchr(who, ':');
	long hit = -1;
	int by_handle = who[0] == '@';

	if (!by_handle) {
		for (size_t a = 0; a < r->n_accounts; a++) {
			if (strcmp(run_str(r, r->acc[a].id), who) == 0) {
				if (hit >= 0)
					return -2;
				hit = (long)a;
			}
		}
		if (hit >= 0)
			return hit;
		/* "platform:id" */
		if (colon) {
			size_t pl = (size_t)(colon - who);

			for (size_t a = 0; a < r->n_accounts; a++) {
				const char *pn = platform_name(
					(enum platform)r->acc[a].platform);

				if (strlen(pn) == pl && strncmp(pn, who, pl) == 0 &&
				    strcmp(run_str(r, r->acc[a].id), colon + 1) == 0)
					return (long)a;
			}
		}
	}
	for (size_t a = 0; a < r->n_accounts; a++)
		if (strcasecmp(run_str(r, r->acc[a].handle),
			       by_handle ? who + 1 : who) == 0)
			return (long)a;
	return -1;
}

void run_cluster_label(const struct scored_run *r, size_t a, char *buf,
		       size_t n)
{
	int32_t c = r->acc[a].cluster;

	if (c < 0)
		buf[0] = '\0';
	else
		snprintf(buf, n, "C%d", c + 1);
}

int run_platforms_mix(const struct scored_run *r)
{
	for (size_t a = 1; a < r->n_accounts; a++)
		if (r->acc[a].platform != r->acc[0].platform)
			return 1;
	return 0;
}
