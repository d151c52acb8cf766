/* reasons.c - the run's reason codes in words (reasons.h).
 *
 * Each code of model/run.h's REASON_LIST has one case here; a code with
 * no words is a build error (the switch covers the enum under -Wswitch
 * and the coordination-type table is checked against COORD__COUNT).
 * Plurals follow the count; p-values print with two significant digits
 * ("p < 1e-300" below that). Strings come from the data: they are copied
 * as they are, and every writer escapes them for its own format.
 */
#include "report/reasons.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/timefmt.h"

/* what an edge type's partners did together, and the object of a
 * cluster's top list by type (NULL: not shown) */
static const char *const type_words[] = {
#define TW(e, name, desc) desc,
	COORD_TYPE_MAP(TW)
#undef TW
};
_Static_assert(sizeof(type_words) / sizeof(type_words[0]) == COORD__COUNT,
	       "a phrase per coordination type");

/* the headline's verb for the strongest shared action, by type */
static const char *const type_headline[COORD__COUNT] = {
	[COORD_REPOST] = "Reposts the same posts as",
	[COORD_TEXT] = "Posts the same texts as",
	[COORD_LINK] = "Shares the same links as",
	[COORD_DOMAIN] = "Links to the same sites as",
	[COORD_HASHTAGS] = "Uses the same hashtag runs as",
	[COORD_REPLY_POST] = "Replies to the same posts as",
	[COORD_REPLY_ACCOUNT] = "Replies to the same accounts as",
	[COORD_AMPLIFY] = "Reposts, or is reposted by,",
};

struct sb {
	char *b;
	size_t cap, len;
};

static void sb_add(struct sb *s, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

static void sb_add(struct sb *s, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (!s->cap || s->len + 1 >= s->cap)
		return;
	va_start(ap, fmt);
	k = vsnprintf(s->b + s->len, s->cap - s->len, fmt, ap);
	va_end(ap);
	if (k < 0)
		return;
	s->len += (size_t)k < s->cap - s->len ? (size_t)k : s->cap - s->len - 1;
}

static void sb_sep(struct sb *s, const char *sep)
{
	if (s->len)
		sb_add(s, "%s", sep);
}

/* A number of a reason as an integer: values read from a run file may
 * be anything, and a cast of a NaN or an out-of-range double is
 * undefined. */
static uint32_t as_u32(double v)
{
	return v >= 0 && v <= 4294967295.0 ? (uint32_t)v : 0;
}

static const char *pl(double n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

static void fmt_log10p(double log10p, char *buf, size_t n)
{
	if (!isfinite(log10p) || log10p >= 0)
		snprintf(buf, n, "p = 1");
	else if (log10p > -300)
		snprintf(buf, n, "p = %.2g", pow(10, log10p));
	else
		snprintf(buf, n, "p < 1e-300");
}

static void fmt_pv(double pv, char *buf, size_t n)
{
	fmt_log10p(isfinite(pv) && pv > 0 ? log10(pv) : -300, buf, n);
}

static void fmt_date(double t, char *buf, size_t n)
{
	char full[32];

	if (!(t > -1e11 && t < 1e11)) {
		snprintf(buf, n, "an unknown day");
		return;
	}
	timefmt_format_utc((int64_t)t, full);
	snprintf(buf, n, "%.10s", full);
}

/* " across x and bluesky" for a mask of more than one platform */
static void platforms_words(uint32_t mask, char *buf, size_t cap)
{
	struct sb s = { buf, cap, 0 };
	unsigned np = 0, i = 0;

	buf[0] = '\0';
	for (unsigned b = 0; b < 32; b++)
		np += (mask >> b) & 1;
	if (np < 2)
		return;
	for (unsigned b = 0; b < 32; b++) {
		if (!((mask >> b) & 1))
			continue;
		i++;
		sb_add(&s, "%s%s",
		       i == 1 ? " across " : i == np ? " and " : ", ",
		       platform_name((enum platform)b));
	}
}

static const char *top_verb(int type)
{
	switch (type) {
	case COORD_REPOST:
		return "reposted post";
	case COORD_LINK:
		return "shared";
	case COORD_DOMAIN:
		return "linked to";
	case COORD_REPLY_POST:
		return "replied to post";
	case COORD_REPLY_ACCOUNT:
		return "replied to account";
	default:
		return "acted on";
	}
}

/* the coordination reason: how many partners, then each kind of shared
 * action with its partner and action counts */
static void words_coacted(struct sb *s, const double *v)
{
	char pb[32];
	int first = 1;

	fmt_log10p(v[1], pb, sizeof(pb));
	sb_add(s,
	       "acted together with %.0f %s more often than chance "
	       "allows (strongest link %s): ",
	       v[0], pl(v[0], "account", "accounts"), pb);
	for (int t = 0; t < COORD__COUNT; t++) {
		double np = v[2 + t], nx = v[2 + COORD__COUNT + t];

		if (!(np > 0))
			continue;
		sb_add(s, "%s%s %.0f of them (%.0f %s)", first ? "" : ", ",
		       type_words[t], np, nx, pl(nx, "time", "times"));
		first = 0;
	}
}

/* a member joined with its group: the leave-one-out test is quoted only
 * when it rejects on its own; a member found with its group (discovery)
 * may not */
static void words_group_tie(struct sb *s, const double *v)
{
	char pb[32];

	sb_add(s,
	       "joined C%.0f as part of the group, with no significant "
	       "pairwise link inside it",
	       v[0]);
	if (v[1] <= -2) {
		fmt_log10p(v[1], pb, sizeof(pb));
		sb_add(s,
		       ": it acted on the same objects as the members "
		       "more often than chance allows (%s)",
		       pb);
	}
	if (isfinite(v[2]))
		sb_add(s, "; %.0f%% of the objects it acted on were "
			  "the group's",
		       100 * v[2]);
}

/* office shifts with a lunch break (v[0]) and, when tested, a supper
 * break (v[1]) over v[2] posts; who is "its workday posts follow" or
 * "their pooled posting follows" */
static void words_office(struct sb *s, const struct scored_run *r,
			 const struct run_reason *x, const char *who,
			 const char *stop)
{
	const double *v = x->v;
	char pb[32], pb2[32];

	fmt_pv(v[0], pb, sizeof(pb));
	if (isfinite(v[1])) {
		fmt_pv(v[1], pb2, sizeof(pb2));
		sb_add(s,
		       "%s office shifts on %s "
		       "time and %s for lunch at 12:00-13:30 (%s) and "
		       "for supper at 17:30-19:00 (%s), %.0f %s",
		       who, run_str(r, x->s[0]), stop, pb, pb2, v[2],
		       pl(v[2], "post", "posts"));
	} else {
		sb_add(s,
		       "%s office shifts on %s "
		       "time and %s for lunch at 12:00-13:30 (%s), "
		       "%.0f %s",
		       who, run_str(r, x->s[0]), stop, pb, v[2],
		       pl(v[2], "post", "posts"));
	}
}

static void words_persona_switch(struct sb *s, const struct scored_run *r,
				 const struct run_reason *x)
{
	const double *v = x->v;
	char gap[64] = "", db[16];

	fmt_date(v[0], db, sizeof(db));
	if (v[1] > 0)
		snprintf(gap, sizeof(gap), " after %.0f days silent", v[1]);
	if (v[4] > 0)
		sb_add(s,
		       "switched from %s to %s on %s%s (change-point "
		       "p = %.2g, vocabulary shift %.2f)",
		       x->s[0] == RUN_NOSTR ? "an unknown language"
					    : run_str(r, x->s[0]),
		       x->s[1] == RUN_NOSTR ? "an unknown language"
					    : run_str(r, x->s[1]),
		       db, gap, v[2], v[3]);
	else
		sb_add(s,
		       "changed vocabulary on %s%s (change-point p = "
		       "%.2g, shift %.2f)",
		       db, gap, v[2], v[3]);
}

static void words_not_flagged(struct sb *s, const double *v)
{
	switch (as_u32(v[0])) {
	case RUN_NF_NO_COORDINATION:
		sb_add(s, "not flagged: no coordination with other "
			  "accounts was found");
		break;
	case RUN_NF_NO_CLUSTER:
		sb_add(s, "not flagged: its links to other accounts form "
			  "no cluster large enough to test");
		break;
	case RUN_NF_CLUSTER_ORGANIC:
		sb_add(s, "not flagged: its network C%.0f acts together "
			  "but shows no evidence of inauthenticity",
		       v[3]);
		break;
	default:
		sb_add(s, "not flagged: its score %.3f is below the bar "
			  "of %.3f",
		       v[1], v[2]);
		break;
	}
}

static void words_cl_batch(struct sb *s, const double *v)
{
	char years[32], pb[32];

	if (v[2] == v[3])
		snprintf(years, sizeof(years), "%.0f", v[2]);
	else
		snprintf(years, sizeof(years), "%.0f-%.0f", v[2], v[3]);
	fmt_pv(v[4], pb, sizeof(pb));
	sb_add(s, "%.0f of them created on %.0f %s in %s (%s)", v[0], v[1],
	       pl(v[1], "day", "days"), years, pb);
}

/* how a cluster's members acted together: the test that found it and
 * the platforms it spans */
static void words_cl_together(struct sb *s, const struct run_reason *x)
{
	const double *v = x->v;
	char pb[32], plats[128];

	switch ((enum reason_code)x->code) {
	case REASON_CL_SYNC:
		fmt_log10p(v[3], pb, sizeof(pb));
		platforms_words(as_u32(v[4]), plats, sizeof(plats));
		sb_add(s,
		       "%.0f accounts%s whose actions on shared objects came "
		       "within seconds or minutes of another member's %.0f %s, "
		       "%.0f expected by chance (%s)",
		       v[0], plats, v[1], pl(v[1], "time", "times"), v[2], pb);
		break;
	case REASON_CL_SHARED:
		fmt_log10p(v[3], pb, sizeof(pb));
		platforms_words(as_u32(v[4]), plats, sizeof(plats));
		sb_add(s,
		       "%.0f accounts%s that acted together on %.0f %s, %.0f "
		       "expected by chance (%s)",
		       v[0], plats, v[1], pl(v[1], "object", "objects"), v[2], pb);
		break;
	case REASON_CL_EDGES:
		fmt_log10p(v[2], pb, sizeof(pb));
		platforms_words(as_u32(v[3]), plats, sizeof(plats));
		sb_add(s,
		       "%.0f accounts%s that act together more often than "
		       "chance allows (%.0f significant %s among them, "
		       "strongest %s)",
		       v[0], plats, v[1], pl(v[1], "link", "links"), pb);
		break;
	case REASON_CL_GROUP:
		platforms_words(as_u32(v[1]), plats, sizeof(plats));
		sb_add(s,
		       "%.0f accounts%s that act together more often than "
		       "chance allows as a group",
		       v[0], plats);
		break;
	default:
		break;
	}
}

/* One case per reason code: this switch is the table of words; the
 * cases with more than one sentence have a words_ helper above. */
static void words(struct sb *s, const struct scored_run *r,
		  const struct run_reason *x)
{
	const double *v = x->v;
	char pb[32], db[16];

	switch ((enum reason_code)x->code) {
	case REASON_COPIED_TEXTS:
		sb_add(s, "%.0f of its %.0f %s near-duplicated by %.0f other %s",
		       v[0], v[1], pl(v[1], "post", "posts"), v[2],
		       pl(v[2], "account", "accounts"));
		break;
	case REASON_COACTED:
		words_coacted(s, v);
		break;
	case REASON_CLUSTER_MEMBER:
		sb_add(s, "member of network C%.0f (%.0f %s; its evidence is "
			  "on the cluster)",
		       v[0], v[1], pl(v[1], "account", "accounts"));
		break;
	case REASON_GROUP_TIE:
		words_group_tie(s, v);
		break;
	case REASON_OWN_RHYTHM:
		words_office(s, r, x, "its workday posts follow", "stop");
		break;
	case REASON_CREATED_BATCH:
		fmt_date(v[0], db, sizeof(db));
		fmt_pv(v[2], pb, sizeof(pb));
		sb_add(s, "created on %s with %.0f other %s (%s)", db, v[1],
		       pl(v[1], "account", "accounts"), pb);
		break;
	case REASON_PERSONA_SWITCH:
		words_persona_switch(s, r, x);
		break;
	case REASON_LOCATION_MISMATCH:
		sb_add(s, "claims '%s' (UTC%+.1f) but its day follows UTC%+.1f",
		       run_str(r, x->s[0]), v[0] / 60.0, v[1] / 60.0);
		break;
	case REASON_DEFAULT_HANDLE:
		sb_add(s, "default-looking handle '%s'", run_str(r, x->s[0]));
		break;
	case REASON_SITE_NETWORK:
		sb_add(s,
		       "keeps linking to flagged site network %.0f (%s, %.0f "
		       "%s): %.0f of its %.0f %s against %.2g%% of the other "
		       "accounts' links (p=%.2g)%s",
		       v[0], run_str(r, x->s[0]), v[1], pl(v[1], "site", "sites"),
		       v[2], v[3], pl(v[3], "link", "links"), 100 * v[4], v[5],
		       v[6] > 0 ? "; flagged by the site rule (this and its own "
				  "coordination evidence beyond links)"
				: "");
		break;
	case REASON_NOT_FLAGGED:
		words_not_flagged(s, v);
		break;
	case REASON_CL_SYNC:
	case REASON_CL_SHARED:
	case REASON_CL_EDGES:
	case REASON_CL_GROUP:
		words_cl_together(s, x);
		break;
	case REASON_CL_TOP_OBJECT:
		sb_add(s, "%s %s (%.0f of them)", top_verb((int)as_u32(v[0])),
		       run_str(r, x->s[0]), v[1]);
		break;
	case REASON_CL_COPIED:
		sb_add(s, "%.0f%% of their texts copied", 100 * v[0]);
		break;
	case REASON_CL_BATCH:
		words_cl_batch(s, v);
		break;
	case REASON_CL_OFFICE:
		words_office(s, r, x, "their pooled posting follows", "stops");
		break;
	case REASON_CL_SWITCH:
		fmt_pv(v[1], pb, sizeof(pb));
		sb_add(s, "%.0f of them abruptly switched language (%s)", v[0],
		       pb);
		break;
	case REASON_CL_LOCATION:
		fmt_pv(v[2], pb, sizeof(pb));
		sb_add(s,
		       "%.0f of the %.0f whose claimed location can be checked "
		       "post on another time zone's day (%s)",
		       v[0], v[1], pb);
		break;
	case REASON_CL_ECHO:
		fmt_pv(v[3], pb, sizeof(pb));
		sb_add(s,
		       "%.0f%% of the %.0f %s they received from accounts in "
		       "the data came from each other, against %.0f%% by "
		       "chance (%s)",
		       100 * v[0], v[1],
		       pl(v[1], "repost or reply", "reposts and replies"),
		       100 * v[2], pb);
		break;
	case REASON_CL_NO_INAUTH:
		sb_add(s, "coordinated; no evidence of inauthenticity");
		break;
	case REASON__COUNT:
		break;
	}
}

size_t reasons_one(const struct scored_run *r, const struct run_reason *x,
		   char *buf, size_t cap)
{
	struct sb s = { buf, cap, 0 };

	if (cap)
		buf[0] = '\0';
	words(&s, r, x);
	return s.len;
}

size_t reasons_account_details(const struct scored_run *r, size_t a,
			       char *buf, size_t cap)
{
	const struct run_account *A = &r->acc[a];
	struct sb s = { buf, cap, 0 };
	int below = 0;

	if (cap)
		buf[0] = '\0';
	for (uint32_t i = 0; i < A->n_reasons; i++) {
		const struct run_reason *x = &r->reasons[A->reason_off + i];

		sb_sep(&s, "; ");
		if ((x->flags & RUN_REASON_BELOW_BAR) && !below) {
			sb_add(&s, "signals below the bar: ");
			below = 1;
		}
		words(&s, r, x);
	}
	return s.len;
}

size_t reasons_why_not(const struct scored_run *r, size_t a, char *buf,
		       size_t cap)
{
	const struct run_account *A = &r->acc[a];

	if (cap)
		buf[0] = '\0';
	for (uint32_t i = 0; i < A->n_reasons; i++)
		if (r->reasons[A->reason_off + i].code == REASON_NOT_FLAGGED)
			return reasons_one(r, &r->reasons[A->reason_off + i],
					   buf, cap);
	return 0;
}

static const struct run_reason *find(const struct scored_run *r,
				     uint32_t off, uint32_t n,
				     enum reason_code code)
{
	for (uint32_t i = 0; i < n; i++)
		if (r->reasons[off + i].code == (uint32_t)code)
			return &r->reasons[off + i];
	return NULL;
}

/* Appends clause c ("; "-joined) when the whole stays within max. */
static void clause(struct sb *s, const char *c, size_t max)
{
	size_t need = strlen(c) + (s->len ? 2 : 0);

	if (!*c || s->len + need > max)
		return;
	sb_sep(s, "; ");
	sb_add(s, "%s", c);
}

/* The cluster's inauthenticity in a few words, strongest kind first:
 * office hours, creation batches, language switches. */
static void cluster_inauth_clauses(const struct scored_run *r, size_t k,
				   struct sb *s, size_t max, int member)
{
	const struct run_cluster *C = &r->cl[k];
	const struct run_reason *x;
	char c[160];

	if ((x = find(r, C->reason_off, C->n_reasons, REASON_CL_OFFICE))) {
		snprintf(c, sizeof(c), "%s %s office hours with a lunch break%s",
			 member ? "works" : "they work", run_str(r, x->s[0]),
			 isfinite(x->v[1]) ? " and a supper break" : "");
		clause(s, c, max);
	}
	if ((x = find(r, C->reason_off, C->n_reasons, REASON_CL_BATCH))) {
		snprintf(c, sizeof(c), "%.0f %s created on %.0f %s",
			 x->v[0], member ? "of the network" : "members",
			 x->v[1], pl(x->v[1], "day", "days"));
		clause(s, c, max);
	}
	if ((x = find(r, C->reason_off, C->n_reasons, REASON_CL_SWITCH))) {
		snprintf(c, sizeof(c), "%.0f %s switched language", x->v[0],
			 member ? "of the network" : "members");
		clause(s, c, max);
	}
}

size_t reasons_account_headline(const struct scored_run *r, size_t a,
				char *buf, size_t cap)
{
	const struct run_account *A = &r->acc[a];
	const struct run_reason *x, *cm;
	struct sb s = { buf, cap, 0 };
	size_t max = cap - 1 < REASONS_HEADLINE_MAX ? cap - 1
						   : REASONS_HEADLINE_MAX;
	char c[200];

	if (!cap)
		return 0;
	buf[0] = '\0';
	if (!A->flagged) {
		size_t n = reasons_why_not(r, a, c, sizeof(c));

		if (n) {
			/* "not flagged: ..." as a sentence */
			c[0] = 'N';
			clause(&s, c, max);
		}
		return s.len;
	}
	cm = find(r, A->reason_off, A->n_reasons, REASON_CLUSTER_MEMBER);
	x = find(r, A->reason_off, A->n_reasons, REASON_COPIED_TEXTS);
	if (x && x->v[0] > 0 && x->v[2] > 0) {
		/* the copiers are counted over all accounts, not only the
		 * network's, so the clause names no network */
		snprintf(c, sizeof(c), "Posts copied by %.0f other %s", x->v[2],
			 pl(x->v[2], "account", "accounts"));
		clause(&s, c, max);
	} else if ((x = find(r, A->reason_off, A->n_reasons,
			     REASON_COACTED))) {
		int best = -1;

		for (int t = 0; t < COORD__COUNT; t++)
			if (x->v[2 + t] > 0 &&
			    (best < 0 || x->v[2 + t] > x->v[2 + best]))
				best = t;
		if (best >= 0) {
			/* partners may lie outside the network too */
			snprintf(c, sizeof(c), "%s %.0f %s",
				 type_headline[best], x->v[2 + best],
				 pl(x->v[2 + best], "account", "accounts"));
			clause(&s, c, max);
		}
	} else if ((x = find(r, A->reason_off, A->n_reasons,
			     REASON_GROUP_TIE))) {
		snprintf(c, sizeof(c),
			 "Acts on the same objects as a network of %.0f %s",
			 cm ? cm->v[1] : 0, pl(cm ? cm->v[1] : 0, "account",
					      "accounts"));
		clause(&s, c, max);
	}
	if (!s.len && cm) {
		snprintf(c, sizeof(c), "Member of a network of %.0f %s", cm->v[1],
			 pl(cm->v[1], "account", "accounts"));
		clause(&s, c, max);
	}
	if (A->cluster >= 0)
		cluster_inauth_clauses(r, (size_t)A->cluster, &s, max, 1);
	if ((x = find(r, A->reason_off, A->n_reasons, REASON_SITE_NETWORK))) {
		snprintf(c, sizeof(c), "%s to a flagged site network",
			 s.len ? "keeps linking" : "Keeps linking");
		clause(&s, c, max);
	}
	return s.len;
}

size_t reasons_cluster_headline(const struct scored_run *r, size_t k,
				char *buf, size_t cap)
{
	const struct run_cluster *C = &r->cl[k];
	struct sb s = { buf, cap, 0 };
	size_t max = cap - 1 < REASONS_HEADLINE_MAX ? cap - 1
						   : REASONS_HEADLINE_MAX;
	char c[200];

	if (!cap)
		return 0;
	buf[0] = '\0';
	if (C->reuse_share >= 0.5)
		snprintf(c, sizeof(c), "%u accounts posting copied texts",
			 C->size);
	else
		snprintf(c, sizeof(c), "%u accounts acting together", C->size);
	clause(&s, c, max);
	if (C->inauthentic)
		cluster_inauth_clauses(r, k, &s, max, 0);
	if (!C->inauthentic || s.len == strlen(c))
		clause(&s, "no evidence of inauthenticity", max);
	return s.len;
}

size_t reasons_cluster_details(const struct scored_run *r, size_t k,
			       char *buf, size_t cap)
{
	const struct run_cluster *C = &r->cl[k];
	struct sb s = { buf, cap, 0 };
	int tops = 0;

	if (cap)
		buf[0] = '\0';
	for (uint32_t i = 0; i < C->n_reasons; i++) {
		const struct run_reason *x = &r->reasons[C->reason_off + i];

		if (x->code == REASON_CL_TOP_OBJECT)
			sb_add(&s, tops++ ? ", " : ", most of all ");
		else
			sb_sep(&s, "; ");
		words(&s, r, x);
	}
	return s.len;
}

const char *reasons_cluster_verdict(const struct scored_run *r, size_t k)
{
	return r->cl[k].inauthentic
		       ? "coordinated and inauthentic"
		       : "coordinated; no evidence of inauthenticity";
}
