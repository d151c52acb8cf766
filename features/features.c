/* features.c - runs the feature modules in order and presents their
 * results as one per-account evidence table.
 *
 * Order matters: reuse interns canonical URLs and persona interns detected
 * languages into the dataset's string pool, which is append-only, so ids
 * taken earlier stay valid.
 */
#include "features.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/timefmt.h"
#include "core/clock.h"
#include "core/csvout.h"
#include "core/textsafe.h"
#include "location.h"

void feature_opts_init(struct feature_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->tz = TIMING_DEFAULT_TZ;
	o->seed = 1;
	reuse_opts_init(&o->reuse);
	persona_opts_init(&o->persona);
}

void features_release(struct feature_set *fs)
{
	if (!fs)
		return;
	if (fs->have_tctx)
		timing_ctx_release(&fs->tctx);
	free(fs->timing);
	reuse_result_release(&fs->reuse);
	persona_result_release(&fs->persona);
	profile_result_release(&fs->profile);
	if (fs->have_ld)
		langdetect_release(&fs->ld);
	free(fs->loc_offset);
	memset(fs, 0, sizeof(*fs));
}

/* Claimed location -> UTC offset. Accounts are grouped by their location
 * string (ids are interned, so equal strings share an id) and each distinct
 * location is looked up once, at the first post of the group's first
 * account: the gazetteer costs microseconds a lookup, and DST differences
 * between the group's accounts are an hour at most. */
struct loc_key {
	uint32_t loc, acc;
};

static int cmp_loc_key(const void *a, const void *b)
{
	const struct loc_key *x = a, *y = b;

	if (x->loc != y->loc)
		return x->loc < y->loc ? -1 : 1;
	return x->acc < y->acc ? -1 : x->acc > y->acc;
}

static enum cib_err locate_accounts(struct feature_set *fs,
				    const struct dataset *ds,
				    const struct postindex *pi,
				    const char *zonedir)
{
	struct loc_key *k;
	size_t n = 0;
	enum cib_err err;

	fs->loc_offset = malloc((ds->acc.n + 1) * sizeof(*fs->loc_offset));
	k = malloc((ds->acc.n + 1) * sizeof(*k));
	if (!fs->loc_offset || !k) {
		free(k);
		return CIB_ENOMEM;
	}
	for (size_t a = 0; a < ds->acc.n; a++) {
		fs->loc_offset[a] = INT32_MIN;
		if (ds->acc.location[a] != STR_NONE && postindex_count(pi, a))
			k[n++] = (struct loc_key){ ds->acc.location[a],
						   (uint32_t)a };
	}
	err = location_set_zonedir(zonedir);
	if (err) {
		free(k);
		return err;
	}
	if (location_init() != CIB_OK) {
		free(k);
		return CIB_OK;
	}
	qsort(k, n, sizeof(*k), cmp_loc_key);
	for (size_t i = 0; i < n;) {
		size_t e = i;
		int64_t t = ds->post.time[postindex_at(pi, pi->off[k[i].acc])];
		int32_t off;
		int found = location_offset(ds_str(ds, k[i].loc), t, &off) == 0;

		while (e < n && k[e].loc == k[i].loc) {
			if (found)
				fs->loc_offset[k[e].acc] = off;
			e++;
		}
		i = e;
	}
	free(k);
	return CIB_OK;
}

enum cib_err features_compute(struct feature_set *fs, const struct dataset *ds,
			      const struct postindex *pi,
			      const struct feature_opts *o, char *errmsg,
			      size_t errlen)
{
	struct reuse_opts ro = o->reuse;
	struct persona_opts po = o->persona;
	const char *tz = o->tz ? o->tz : TIMING_DEFAULT_TZ;
	double t0 = cib_seconds();
	enum cib_err err;

	memset(fs, 0, sizeof(*fs));
	fs->n_accounts = ds->acc.n;
	snprintf(fs->tz, sizeof(fs->tz), "%s", tz);
	err = timing_ctx_init(&fs->tctx, ds, o->zonedir, tz);
	if (err) {
		snprintf(errmsg, errlen, "time zone '%s': %s", tz,
			 err == CIB_ENOTFOUND ? "unknown zone name"
					      : cib_strerror(err));
		return err;
	}
	fs->have_tctx = 1;
	/* before the start: a shard's start takes the owners' rows, whose
	 * language codes it interns here (score --mpi) */
	err = langdetect_init_in(&fs->ld, LANGDETECT_FP_DIR, o->tmpdir);
	fs->have_ld = 1;
	if (err) {
		/* fingerprints missing: scripts still work */
		langdetect_release(&fs->ld);
		err = langdetect_init_dir(&fs->ld, NULL);
		if (err) {
			snprintf(errmsg, errlen, "language detection: %s",
				 fs->ld.errmsg);
			return err;
		}
	}
	fs->timing = calloc(ds->acc.n + 1, sizeof(*fs->timing));
	if (!fs->timing)
		return CIB_ENOMEM;
	err = o->shard ? o->shard->start(o->shard->ctx, fs, ds, pi, o)
		       : timing_compute(ds, pi, &fs->tctx, fs->timing);
	if (err) {
		snprintf(errmsg, errlen, "%s: %s",
			 o->shard ? "per-account features on the owner ranks"
				  : "timing features",
			 cib_strerror(err));
		return err;
	}
	fs->seconds[0] = cib_seconds() - t0;
	t0 = cib_seconds();
	ro.seed = o->seed;
	err = reuse_compute_near(ds, pi, &ro, o->shard ? o->shard->near : NULL,
				 &fs->reuse);
	if (err) {
		snprintf(errmsg, errlen, "reuse features: %s",
			 cib_strerror(err));
		return err;
	}
	fs->seconds[1] = cib_seconds() - t0;
	t0 = cib_seconds();
	po.seed = o->seed;
	err = o->shard ? o->shard->finish(o->shard->ctx, fs, ds, pi)
		       : persona_compute_opts(ds, pi, &fs->ld, &po, &fs->persona);
	if (err) {
		snprintf(errmsg, errlen, "persona features: %s",
			 cib_strerror(err));
		return err;
	}
	fs->seconds[2] = cib_seconds() - t0;
	t0 = cib_seconds();
	/* with a shard, finish filled the profile too */
	err = o->shard ? CIB_OK : profile_compute(ds, pi, &fs->profile);
	if (!err)
		err = locate_accounts(fs, ds, pi, o->zonedir);
	if (err) {
		snprintf(errmsg, errlen, "profile features: %s",
			 cib_strerror(err));
		return err;
	}
	fs->seconds[3] = cib_seconds() - t0;
	return CIB_OK;
}

uint32_t features_text_group(const struct feature_set *fs, uint32_t post)
{
	return fs->reuse.post_group ? fs->reuse.post_group[post] : UINT32_MAX;
}

double features_n_texts(const struct feature_set *fs, uint32_t acc)
{
	return fs->reuse.n_texts ? fs->reuse.n_texts[acc] : 0;
}

double features_share_copied(const struct feature_set *fs, uint32_t acc)
{
	return fs->reuse.share_copied ? fs->reuse.share_copied[acc] : 0;
}

double features_co_accounts(const struct feature_set *fs, uint32_t acc)
{
	return fs->reuse.n_co_accounts ? fs->reuse.n_co_accounts[acc] : 0;
}

double features_switch_p(const struct feature_set *fs, uint32_t acc)
{
	double p = fs->persona.cp_p ? fs->persona.cp_p[acc] : 1;

	return isfinite(p) ? p : 1;
}

int features_switch_significant(const struct feature_set *fs, uint32_t acc)
{
	const struct persona_result *r = &fs->persona;

	if (!r->cp_p)
		return 0;
	return persona_at_floor(r, acc) && r->lang_before[acc] != STR_NONE &&
	       r->lang_after[acc] != STR_NONE &&
	       r->lang_before[acc] != r->lang_after[acc];
}

double features_engagement_per_post(const struct feature_set *fs,
				    uint32_t acc)
{
	double e = fs->profile.engagement_per_post
			   ? fs->profile.engagement_per_post[acc]
			   : NAN;

	return isfinite(e) ? e : 0;
}

double features_default_handle(const struct feature_set *fs, uint32_t acc)
{
	return fs->profile.default_handle ? fs->profile.default_handle[acc] : 0;
}

double features_creation_p(const struct feature_set *fs, uint32_t acc)
{
	double p = fs->profile.creation_p ? fs->profile.creation_p[acc] : NAN;

	return isfinite(p) ? p : 1;
}

uint32_t features_created_same_day(const struct feature_set *fs,
				   uint32_t acc)
{
	return fs->profile.created_same_day ? fs->profile.created_same_day[acc]
					    : 0;
}

const char *features_tz_label(const struct feature_set *fs)
{
	if (strcmp(fs->tz, "Asia/Shanghai") == 0)
		return "Beijing";
	return fs->tz;
}

static const char *lang_or(const struct feature_set *fs, uint32_t id)
{
	return id == STR_NONE ? "an unknown language"
			      : langdetect_str(&fs->ld, id);
}

void features_switch_describe(const struct feature_set *fs, uint32_t acc,
			      char *buf, size_t cap)
{
	const struct persona_result *r = &fs->persona;
	char date[32] = "";
	char gap[96] = "";

	if (!r->cp_p) {
		snprintf(buf, cap, "persona change");
		return;
	}
	if (r->cp_time[acc] != TIME_NONE) {
		timefmt_format_utc(r->cp_time[acc], date);
		date[10] = '\0';
	}
	if (r->longest_gap[acc] >= 30 * 86400 && r->gap_end[acc] != TIME_NONE &&
	    r->cp_time[acc] != TIME_NONE &&
	    llabs(r->gap_end[acc] - r->cp_time[acc]) <= 86400)
		snprintf(gap, sizeof(gap), " after %lld days silent",
			 (long long)(r->longest_gap[acc] / 86400));
	if (r->lang_before[acc] != r->lang_after[acc])
		snprintf(buf, cap,
			 "switched from %s to %s on %s%s (change-point p = %.2g, "
			 "vocabulary shift %.2f)",
			 lang_or(fs, r->lang_before[acc]),
			 lang_or(fs, r->lang_after[acc]), date, gap,
			 r->cp_p[acc],
			 isfinite(r->topic_shift[acc]) ? r->topic_shift[acc] : 0);
	else
		snprintf(buf, cap,
			 "changed vocabulary on %s%s (change-point p = %.2g, "
			 "shift %.2f)",
			 date, gap, r->cp_p[acc],
			 isfinite(r->topic_shift[acc]) ? r->topic_shift[acc] : 0);
}

/* ---- the table -------------------------------------------------------- */

enum col_kind { COL_NUM, COL_INT, COL_STR, COL_TIME };

struct col {
	const char *name;
	enum col_kind kind;
};

static const struct col cols[] = {
	{ "account_id", COL_STR },	  { "platform", COL_STR },
	{ "handle", COL_STR },		  { "posts", COL_INT },
	{ "reposts", COL_INT },		  { "replies", COL_INT },
	{ "first_post", COL_TIME },	  { "last_post", COL_TIME },
	{ "shift_llr", COL_NUM },	  { "shift_p", COL_NUM },
	{ "shift_offset_min", COL_INT },  { "lunch_start_h", COL_NUM },
	{ "lunch_end_h", COL_NUM },	  { "supper_start_h", COL_NUM },
	{ "supper_end_h", COL_NUM },	  { "lunch_dip_p", COL_NUM },
	{ "supper_dip_p", COL_NUM },	  { "lunch_ratio", COL_NUM },
	{ "inferred_offset_min", COL_INT }, { "sleep_gap_conf", COL_NUM },
	{ "weekend_ratio", COL_NUM },	  { "holiday_ratio", COL_NUM },
	{ "seconds_chi2_p", COL_NUM },	  { "location_offset_min", COL_INT },
	{ "location_mismatch", COL_INT }, { "texts", COL_INT },
	{ "share_copied", COL_NUM },	  { "co_accounts", COL_INT },
	{ "self_repeat", COL_NUM },	  { "urls", COL_INT },
	{ "url_shared_share", COL_NUM },  { "domain_shared_share", COL_NUM },
	{ "main_lang", COL_STR },	  { "switch_llr", COL_NUM },
	{ "switch_p", COL_NUM },	  { "switch_time", COL_TIME },
	{ "lang_before", COL_STR },	  { "lang_after", COL_STR },
	{ "topic_shift", COL_NUM },	  { "longest_gap_days", COL_NUM },
	{ "gap_end", COL_TIME },	  { "gap_lang_change", COL_INT },
	{ "gap_topic_shift", COL_NUM },	  { "ui_lang_mismatch", COL_INT },
	{ "handle_changes", COL_INT },	  { "name_changes", COL_INT },
	{ "created", COL_TIME },	  { "created_same_day", COL_INT },
	{ "creation_z", COL_NUM },	  { "creation_p", COL_NUM },
	{ "default_handle", COL_INT },	  { "follow_ratio", COL_NUM },
	{ "engagement_per_post", COL_NUM },
	{ "engagement_per_follower", COL_NUM },
};

#define NCOLS (sizeof(cols) / sizeof(cols[0]))

struct cell {
	double num;      /* COL_NUM */
	long long i;     /* COL_INT; LLONG_MIN = empty */
	const char *s;   /* COL_STR */
	int64_t t;       /* COL_TIME */
};

#define I_NONE (-9223372036854775807LL - 1)

static long long i32_or_none(int32_t v)
{
	return v == INT32_MIN ? I_NONE : v;
}

static void row_cells(const struct feature_set *fs, const struct dataset *ds,
		      const struct postindex *pi, uint32_t a, struct cell *c)
{
	const struct timing_fit *t = &fs->timing[a];
	const struct reuse_result *ru = &fs->reuse;
	const struct persona_result *pe = &fs->persona;
	const struct profile_result *pr = &fs->profile;
	size_t np = postindex_count(pi, a), k = 0;
	long long nrep = 0, nreply = 0;
	int64_t first = TIME_NONE, last = TIME_NONE;
	int32_t loc = fs->loc_offset[a];

	for (uint64_t i = pi->off[a]; i < pi->off[a + 1]; i++) {
		unsigned kind = ds->post.kind[postindex_at(pi, i)];

		nrep += kind == POST_REPOST;
		nreply += kind == POST_REPLY;
	}
	if (np) {
		first = ds->post.time[postindex_at(pi, pi->off[a])];
		last = ds->post.time[postindex_at(pi, pi->off[a + 1] - 1)];
	}
	memset(c, 0, NCOLS * sizeof(*c));
	c[k++].s = ds_str(ds, ds->acc.id[a]);
	c[k++].s = platform_name((enum platform)ds->acc.platform[a]);
	c[k++].s = ds_str(ds, ds->acc.handle[a]);
	c[k++].i = (long long)np;
	c[k++].i = nrep;
	c[k++].i = nreply;
	c[k++].t = first;
	c[k++].t = last;
	c[k++].num = t->shift_llr;
	c[k++].num = t->shift_p;
	c[k++].i = t->n ? t->shift_offset_min : I_NONE;
	c[k++].num = t->lunch_start_h;
	c[k++].num = t->lunch_end_h;
	c[k++].num = t->supper_start_h;
	c[k++].num = t->supper_end_h;
	c[k++].num = t->lunch_dip_p;
	c[k++].num = t->supper_dip_p;
	c[k++].num = t->lunch_ratio;
	c[k++].i = i32_or_none(t->inferred_offset_min);
	c[k++].num = t->sleep_gap_conf;
	c[k++].num = t->weekend_ratio;
	c[k++].num = t->holiday_ratio;
	c[k++].num = t->seconds_chi2_p;
	c[k++].i = i32_or_none(loc);
	c[k++].i = (loc != INT32_MIN && t->inferred_offset_min != INT32_MIN)
			   ? (abs(loc - t->inferred_offset_min) >= 180)
			   : I_NONE;
	c[k++].i = ru->n_texts[a];
	c[k++].num = ru->share_copied[a];
	c[k++].i = ru->n_co_accounts[a];
	c[k++].num = ru->self_repeat[a];
	c[k++].i = ru->n_urls[a];
	c[k++].num = ru->url_shared_share[a];
	c[k++].num = ru->domain_shared_share[a];
	c[k++].s = langdetect_str(&fs->ld, pe->main_lang[a]);
	c[k++].num = pe->cp_llr[a];
	c[k++].num = pe->cp_p[a];
	c[k++].t = pe->cp_time[a];
	c[k++].s = langdetect_str(&fs->ld, pe->lang_before[a]);
	c[k++].s = langdetect_str(&fs->ld, pe->lang_after[a]);
	c[k++].num = pe->topic_shift[a];
	c[k++].num = (double)pe->longest_gap[a] / 86400.0;
	c[k++].t = pe->gap_end[a];
	c[k++].i = pe->gap_lang_change[a];
	c[k++].num = pe->gap_topic_shift[a];
	c[k++].i = pe->ui_lang_mismatch[a];
	c[k++].i = pe->n_handle_changes[a];
	c[k++].i = pe->n_name_changes[a];
	c[k++].t = ds->acc.created[a];
	c[k++].i = pr->created_same_day[a] ? (long long)pr->created_same_day[a]
					   : I_NONE;
	c[k++].num = pr->creation_z[a];
	c[k++].num = pr->creation_p[a];
	c[k++].i = pr->default_handle[a];
	c[k++].num = pr->follow_ratio[a];
	c[k++].num = pr->engagement_per_post[a];
	c[k++].num = pr->engagement_per_follower[a];
}

static void put_cell(FILE *f, const struct col *col, const struct cell *c)
{
	char b[32];

	switch (col->kind) {
	case COL_STR:
		csvout_field(f, c->s);
		break;
	case COL_INT:
		if (c->i != I_NONE)
			fprintf(f, "%lld", c->i);
		break;
	case COL_NUM:
		if (isfinite(c->num))
			fprintf(f, "%.6g", c->num);
		break;
	case COL_TIME:
		if (c->t != TIME_NONE) {
			timefmt_format_utc(c->t, b);
			fputs(b, f);
		}
		break;
	}
}

enum cib_err features_write_csv(const struct feature_set *fs,
				const struct dataset *ds,
				const struct postindex *pi, FILE *f)
{
	struct cell c[NCOLS];

	for (size_t k = 0; k < NCOLS; k++)
		fprintf(f, "%s%s", k ? "," : "", cols[k].name);
	fputc('\n', f);
	for (size_t a = 0; a < ds->acc.n; a++) {
		row_cells(fs, ds, pi, (uint32_t)a, c);
		for (size_t k = 0; k < NCOLS; k++) {
			if (k)
				fputc(',', f);
			put_cell(f, &cols[k], &c[k]);
		}
		fputc('\n', f);
	}
	return ferror(f) ? CIB_EIO : CIB_OK;
}

static cJSON *cell_json(const struct col *col, const struct cell *c)
{
	char b[32];

	switch (col->kind) {
	case COL_STR:
		return cJSON_CreateString(c->s ? c->s : "");
	case COL_INT:
		return c->i == I_NONE ? cJSON_CreateNull()
				      : cJSON_CreateNumber((double)c->i);
	case COL_NUM:
		return isfinite(c->num) ? cJSON_CreateNumber(c->num)
					: cJSON_CreateNull();
	case COL_TIME:
		if (c->t == TIME_NONE)
			return cJSON_CreateNull();
		timefmt_format_utc(c->t, b);
		return cJSON_CreateString(b);
	}
	return cJSON_CreateNull();
}

/* One account per line (JSONL) so millions of accounts stream; each line
 * also carries the 7 x 48 reference-zone and UTC bins. */
enum cib_err features_write_json(const struct feature_set *fs,
				 const struct dataset *ds,
				 const struct postindex *pi, FILE *f)
{
	struct cell c[NCOLS];

	for (size_t a = 0; a < ds->acc.n; a++) {
		cJSON *o = cJSON_CreateObject(), *loc, *utc;
		struct timing_profile prof;
		char *s;

		if (!o)
			return CIB_ENOMEM;
		row_cells(fs, ds, pi, (uint32_t)a, c);
		for (size_t k = 0; k < NCOLS; k++)
			cJSON_AddItemToObject(o, cols[k].name,
					      cell_json(&cols[k], &c[k]));
		timing_profile_init(&prof);
		for (uint64_t i = pi->off[a]; i < pi->off[a + 1]; i++) {
			uint32_t j = postindex_at(pi, i);

			timing_profile_add_post(&prof, &fs->tctx,
						ds->post.time[j],
						ds->post.flags[j]);
		}
		loc = cJSON_AddArrayToObject(o, "bins_local");
		utc = cJSON_AddArrayToObject(o, "bins_utc");
		for (int d = 0; loc && utc && d < 7; d++) {
			cJSON *rl = cJSON_CreateArray(), *ru = cJSON_CreateArray();

			cJSON_AddItemToArray(loc, rl);
			cJSON_AddItemToArray(utc, ru);
			for (int sl = 0; sl < TIMING_SLOTS; sl++) {
				cJSON_AddItemToArray(rl, cJSON_CreateNumber(prof.local[d][sl]));
				cJSON_AddItemToArray(ru, cJSON_CreateNumber(prof.utc_hour[d][sl]));
			}
		}
		s = cJSON_PrintUnformatted(o);
		cJSON_Delete(o);
		if (!s)
			return CIB_ENOMEM;
		fputs(s, f);
		fputc('\n', f);
		free(s);
	}
	return ferror(f) ? CIB_EIO : CIB_OK;
}

void features_describe(const struct feature_set *fs, const struct dataset *ds,
		       const struct postindex *pi, uint32_t acc, FILE *f)
{
	struct cell c[NCOLS];

	row_cells(fs, ds, pi, acc, c);
	for (size_t k = 3; k < NCOLS; k++) {
		fprintf(f, "  %-24s ", cols[k].name);
		if (cols[k].kind == COL_STR) /* for a terminal: escaped */
			textsafe_fputs(f, c[k].s, TEXTSAFE_TERM);
		else
			put_cell(f, &cols[k], &c[k]);
		fputc('\n', f);
	}
}
