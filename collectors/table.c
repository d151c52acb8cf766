/* table.c - share tables (CSV or TSV, columns mapped by name) into the
 * dataset.
 *
 * The header decides the layout: a known one (CooRTweet, the German
 * election export, CooRnet) gives a column per field, and a --map given on
 * top replaces the column of each field it names. Records come from
 * csvread (its fast splitter, line numbers and structural checks); the
 * separator is a tab when the header line holds more tabs than commas.
 *
 * One row is one observation of a post. The first row of a post adds it
 * (dataset_add_post, with the row's entities); a later row of the same
 * (platform, post id) in the same input, adjacent or not, is merged: its
 * entities are kept in a list that dataset_merge_entities() folds into the
 * posts once the input ends (one pass, so a file whose rows of a post are
 * scattered costs what a sorted one does), a repost target or text the
 * post holds already is counted in values_unkept (the model has one per
 * post), and another author or time is a malformed row (one post cannot
 * have two). A post id already read from an earlier input is a duplicate
 * as for every reader (overlapping exports).
 *
 * A row with an empty post id (the German export has three) is a post all
 * the same: its id becomes ACCOUNT@SECONDS, stable across exports, so rows
 * of one account at one second without ids merge. ids_derived counts them.
 *
 * Before the first row the dataset is sized from the input's size
 * (reserve_for: the post columns for the estimated rows), and the string
 * table once 1/32 of the rows are stored, from the strings they added
 * (size_strings; an input of under ~1M rows gets a lower bound of its
 * post ids up front instead), so neither grows step by step and no
 * outgrown table is cleared and rehashed for nothing.
 *
 * Rows are parsed in the csvread callback and stored a batch at a time
 * (store_batch: the string-table reads of a batch, and the account-table
 * slot of each author, are prefetched before any row of it is stored;
 * the hashes computed for that are handed to dataset_add_post_hashed), in
 * input order; a malformed row first stores the batch before it, so
 * reports and stores keep that order too.
 *
 * Invariants: a parsed row's strings are NUL-terminated copies in the
 * batch buffer until stored; the merge list only names posts of this
 * input (rows >= first_post); a post gets at most TABLE_MAX_MERGE merged
 * entities (the rest are counted), which bounds the quadratic duplicate
 * check of the merge; a row's trimmed copies fit in the record's own size
 * (each column copied once a row).
 */
#include "table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "csvread.h"
#include "core/timefmt.h"

enum tfield {
	TF_ACCOUNT,
	TF_POST,
	TF_TIME,
	TF_OBJECT,
	TF_KIND,
	TF_TEXT,
	TF_LANG,
	TF_PLATFORM,
	TF_REPOST,
	TF_REPLY,
	TF_QUOTE,
	TF_REF_ACCOUNT,
	TF_HANDLE,
	TF_NAME,
	/* entity fields: may name several columns each */
	TF_URL,
	TF_HASHTAG,
	TF_MENTION,
	TF_DOMAIN,
	TF_IMAGE,
	TF__COUNT
};

#define TF_FIRST_ENT TF_URL

static const char *const field_names[TF__COUNT] = {
	"account",  "post",   "time",	"object",      "kind",
	"text",	    "lang",   "platform", "repost",    "reply",
	"quote",    "ref_account", "handle", "name",   "url",
	"hashtag",  "mention", "domain", "image",
};

static const enum entity_type field_ent[TF__COUNT] = {
	[TF_URL] = ENT_URL,	    [TF_HASHTAG] = ENT_HASHTAG,
	[TF_MENTION] = ENT_MENTION, [TF_DOMAIN] = ENT_DOMAIN,
	[TF_IMAGE] = ENT_IMAGE,
};

static const char *const object_names[TABLE_OBJECT__COUNT] = {
	"repost", "url", "text", "hashtag", "domain", "image"
};

/* Columns one entity field may name; entities one row may give. */
#define TABLE_ENT_COLS 8
#define TABLE_ROW_ENTS (TABLE_ENT_COLS * (TF__COUNT - TF_FIRST_ENT) + 1)
/* Longest --map accepted, and entries in it. */
#define TABLE_MAP_LEN 4096
#define TABLE_MAP_MAX 64
/* Merged entities one post may receive from later rows. */
#define TABLE_MAX_MERGE 4096
/* Longest id (post, account, target) accepted. */
#define TABLE_MAX_ID 1024
/* Times outside [0, year 2200) are rejected: a millisecond timestamp read
 * as seconds lands past it. */
#define TABLE_TIME_MAX INT64_C(7258118400)

enum preset { P_NONE, P_COORTWEET, P_GERMAN, P_COORNET };

static const char *const preset_names[] = { "--map", "CooRTweet",
					    "German election", "CooRnet" };

/* A parsed map: field -> column name (or a literal platform). */
struct tmap {
	char buf[TABLE_MAP_LEN + 1];
	size_t n;
	struct {
		enum tfield f;
		const char *col; /* in buf */
		int literal;     /* platform=@NAME */
	} e[TABLE_MAP_MAX];
};

int table_object_from_name(const char *name)
{
	for (int i = 0; i < TABLE_OBJECT__COUNT; i++)
		if (strcmp(name, object_names[i]) == 0)
			return i;
	return -1;
}

static int field_from_name(const char *s, size_t n)
{
	for (int i = 0; i < TF__COUNT; i++)
		if (strlen(field_names[i]) == n &&
		    memcmp(field_names[i], s, n) == 0)
			return i;
	return -1;
}

/* Splits "f=col,f=col" into m; -1 with a message on a malformed spec. */
static int map_parse(const char *spec, struct tmap *m, char *err,
		     size_t errlen)
{
	size_t len = strlen(spec);
	char *p;

	memset(m, 0, sizeof(*m));
	if (len == 0 || len > TABLE_MAP_LEN) {
		snprintf(err, errlen, "%s", len ? "map too long" : "empty map");
		return -1;
	}
	memcpy(m->buf, spec, len + 1);
	p = m->buf;
	while (*p) {
		char *comma = strchr(p, ','), *eq;
		int f;

		if (comma)
			*comma = '\0';
		eq = strchr(p, '=');
		if (!eq || eq == p || !eq[1]) {
			snprintf(err, errlen, "'%.60s' is not FIELD=COLUMN", p);
			return -1;
		}
		f = field_from_name(p, (size_t)(eq - p));
		if (f < 0) {
			snprintf(err, errlen, "unknown field '%.*s'",
				 (int)(eq - p > 40 ? 40 : eq - p), p);
			return -1;
		}
		if (m->n == TABLE_MAP_MAX) {
			snprintf(err, errlen, "more than %d entries",
				 TABLE_MAP_MAX);
			return -1;
		}
		m->e[m->n].f = (enum tfield)f;
		m->e[m->n].col = eq + 1;
		m->e[m->n].literal = eq[1] == '@';
		if (m->e[m->n].literal) {
			if (f != TF_PLATFORM) {
				snprintf(err, errlen, "only platform takes "
						      "@VALUE");
				return -1;
			}
			if (platform_from_name(eq + 2) == PLATFORM_UNKNOWN &&
			    strcmp(eq + 2, "unknown") != 0) {
				snprintf(err, errlen, "unknown platform '%.40s'",
					 eq + 2);
				return -1;
			}
		}
		m->n++;
		if (!comma)
			break;
		p = comma + 1;
	}
	return 0;
}

int table_map_check(const char *spec, char *err, size_t errlen)
{
	struct tmap *m = malloc(sizeof(*m));
	int r;

	if (!m) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	r = map_parse(spec, m, err, errlen);
	free(m);
	return r;
}

/* The separator of a header line: tab when it holds more tabs than
 * commas. */
static char sniff_delim(const char *head, size_t n)
{
	size_t tabs = 0, commas = 0;

	for (size_t i = 0; i < n && head[i] != '\n'; i++) {
		tabs += head[i] == '\t';
		commas += head[i] == ',';
	}
	return tabs > commas ? '\t' : ',';
}

static enum preset detect_preset(const char *head, size_t n, char delim);

int table_map_matches(const char *spec, const char *head, size_t n)
{
	struct tmap *m = malloc(sizeof(*m));
	char err[128];
	char delim = sniff_delim(head, n);
	int ok, need = 0;

	if (!m)
		return 0;
	ok = map_parse(spec, m, err, sizeof(err)) == 0;
	for (size_t i = 0; ok && i < m->n; i++) {
		if (m->e[i].literal)
			continue;
		if (!csvread_head_has(head, n, m->e[i].col, delim))
			ok = 0;
		if (m->e[i].f == TF_ACCOUNT || m->e[i].f == TF_POST ||
		    m->e[i].f == TF_TIME)
			need |= 1 << m->e[i].f;
	}
	free(m);
	/* a map naming no author, post and time columns (platform=@x, say)
	 * only completes a known layout: it does not make any file a table */
	if (ok && need != (1 << TF_ACCOUNT | 1 << TF_POST | 1 << TF_TIME))
		ok = detect_preset(head, n, delim) != P_NONE;
	return ok;
}

static int head_has_all(const char *head, size_t n, char delim,
			const char *const *names)
{
	for (size_t i = 0; names[i]; i++)
		if (!csvread_head_has(head, n, names[i], delim))
			return 0;
	return 1;
}

static const char *const coortweet_cols[] = { "object_id", "account_id",
					      "content_id", "timestamp_share",
					      NULL };
static const char *const german_cols[] = { "account_id", "post_id",
					   "timestamp", NULL };
static const char *const german_ent_cols[] = { "url_id", "hashtag_id",
					       "domain_id", "phash_id", NULL };
static const char *const coornet_cols[] = { "id", "account.url", "expanded",
					    "date", NULL };

static enum preset detect_preset(const char *head, size_t n, char delim)
{
	if (head_has_all(head, n, delim, coortweet_cols))
		return P_COORTWEET;
	if (head_has_all(head, n, delim, german_cols)) {
		for (size_t i = 0; german_ent_cols[i]; i++)
			if (csvread_head_has(head, n, german_ent_cols[i], delim))
				return P_GERMAN;
	}
	if (head_has_all(head, n, delim, coornet_cols))
		return P_COORNET;
	return P_NONE;
}

int table_sniff(const char *head, size_t n)
{
	switch (detect_preset(head, n, sniff_delim(head, n))) {
	case P_COORTWEET:
		return 95;
	case P_GERMAN:
	case P_COORNET:
		return 90;
	case P_NONE:
		break;
	}
	return 0;
}

/* Rows are stored a batch at a time so that the string-table lookups of
 * many rows overlap instead of waiting on memory one after another
 * (store_batch). A batch ends at TABLE_BATCH rows or TABLE_BATCH_BYTES of
 * copied strings, and before any malformed row is reported, so reports and
 * stores keep the input's order. */
#define TABLE_BATCH 32
#define TABLE_BATCH_BYTES ((size_t)1 << 20)

enum bstr { BS_ID, BS_ACC, BS_REF, BS_TEXT, BS_LANG, BS_REFACC, BS_HANDLE,
	    BS_NAME, BS__COUNT };

struct brow {
	uint64_t line;
	struct post_rec p;     /* strings set from off[] when stored */
	size_t off[BS__COUNT]; /* into b_bytes; SIZE_MAX: none */
	size_t ent0;           /* first of p.n_ent entities in b_eoff */
	uint64_t h[3];         /* pool hashes of id, account, target */
	uint32_t acc_guess;    /* the author's likely string id */
	const char *e_str[TABLE_ROW_ENTS];
};

struct table {
	struct ingest *in;
	const struct csvread *r;
	enum preset preset;
	int col[TF_FIRST_ENT];                 /* -1: not mapped */
	int ent_col[TF__COUNT - TF_FIRST_ENT][TABLE_ENT_COLS];
	int n_ent_col[TF__COUNT - TF_FIRST_ENT];
	enum table_object object;
	int plat_literal;     /* platform from the map's @NAME */
	enum platform plat;   /* that, or the default */
	int plat_prefix;      /* fb_ / tw_ account prefixes (German) */
	size_t first_post;    /* posts of this input are rows >= this */
	uint32_t last_row;    /* the post the previous stored row went to */
	/* sizing the string table (reserve_for, size_strings): the rows the
	 * input's size suggests, its post ids' lower bound, the strings
	 * before it, and the rows stored after which the table is sized
	 * (0: it was sized up front, or the size is unknown) */
	uint64_t est_rows, est_ids, size_at, n_stored;
	size_t str0;
	/* entities merged from later rows */
	uint32_t *m_post, *m_str;
	uint8_t *m_type;
	size_t m_n, m_cap;
	uint16_t *m_count; /* per post of this input: merged so far */
	size_t m_count_cap;
	/* the row being built */
	const char *ents[TABLE_ROW_ENTS];
	enum entity_type etypes[TABLE_ROW_ENTS];
	size_t n_ents;
	char *scratch; /* trimmed copies of this row's cells */
	size_t scratch_cap, scratch_used;
	int scratch_ready;
	/* per column: the row (sc_gen) whose trimmed copy is at sc_off, so a
	 * cell read for several fields is copied once */
	uint64_t *sc_stamp, sc_gen;
	size_t *sc_off;
	int oom;
	char idbuf[TABLE_MAX_ID + 32];
	/* rows parsed, not stored yet (store_batch) */
	struct brow *b_row;
	size_t b_n;
	char *b_bytes;
	size_t b_len, b_cap;
	size_t *b_eoff;
	enum entity_type *b_etype;
	size_t b_ne;
	struct tmap map;
};

/* A cell's value: NULL when empty or "NA" (R's write.csv), else the bytes
 * trimmed of surrounding blanks (*len set). */
static const char *cell(const struct csvrec *rec, int i, size_t *len)
{
	const char *s;
	size_t n;

	if (i < 0) {
		*len = 0;
		return NULL;
	}
	s = rec->f[i];
	n = rec->len[i];
	while (n && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	if (n == 0 || (n == 2 && s[0] == 'N' && s[1] == 'A')) {
		*len = 0;
		return NULL;
	}
	*len = n;
	return s;
}

/* cell() as a NUL-terminated string: the record's own field when nothing
 * was trimmed, else a copy in the row's scratch buffer. `raw` keeps a
 * value's blanks (texts and names are compared byte for byte downstream:
 * docs/formats-csv.md); "NA" and an empty cell are absent either way. */
static const char *cell_str(struct table *t, const struct csvrec *rec, int i,
			    int raw)
{
	size_t n;
	const char *s = cell(rec, i, &n);
	char *w;

	if (!s)
		return NULL;
	if (raw || (s == rec->f[i] && n == rec->len[i]))
		return rec->f[i];
	if (t->sc_stamp[i] == t->sc_gen)
		return t->scratch + t->sc_off[i];
	if (!t->scratch_ready) {
		/* room for every field of the record, once per row, so a
		 * pointer handed out is never moved by a later copy */
		size_t need = rec->n;

		for (size_t k = 0; k < rec->n; k++)
			need += rec->len[k];
		if (need > t->scratch_cap) {
			char *b = realloc(t->scratch, need);

			if (!b) {
				t->oom = 1; /* on_row fails the read */
				return NULL;
			}
			t->scratch = b;
			t->scratch_cap = need;
		}
		t->scratch_ready = 1;
	}
	/* each column once a row: the copies fit the record's size */
	w = t->scratch + t->scratch_used;
	memcpy(w, s, n);
	w[n] = '\0';
	t->sc_stamp[i] = t->sc_gen;
	t->sc_off[i] = t->scratch_used;
	t->scratch_used += n + 1;
	return w;
}

static const char *colname(const struct table *t, int i)
{
	return csvread_colname(t->r, i);
}

static enum cib_err store_batch(struct table *t);
static void size_strings(struct table *t);

static enum cib_err bad_value(struct table *t, const struct csvrec *rec,
			      int col, const char *what)
{
	size_t n = col >= 0 ? rec->len[col] : 0;
	const char *s = col >= 0 ? rec->f[col] : "";
	const char *name = col >= 0 ? colname(t, col) : what;
	enum cib_err err = store_batch(t); /* the rows before it first */

	if (err)
		return err;
	return ingest_bad(t->in, rec->line, name, "bad %s: '%.*s%s'", what,
			  n > 40 ? 40 : (int)n, s, n > 40 ? "..." : "");
}

static enum cib_err missing(struct table *t, const struct csvrec *rec,
			    int col, const char *what)
{
	enum cib_err err = store_batch(t); /* the rows before it first */

	if (err)
		return err;
	return ingest_bad(t->in, rec->line, colname(t, col),
			  "missing %s: empty field", what);
}

static int parse_time(const char *s, size_t n, int64_t *out, int *minutes)
{
	*minutes = 0;
	if (timefmt_parse_unix(s, n, out) != 0 &&
	    timefmt_parse_iso(s, n, out, minutes) != 0)
		return -1;
	return *out >= 0 && *out < TABLE_TIME_MAX ? 0 : -1;
}

static int parse_kind(const char *s, size_t n, enum post_kind *k)
{
	static const struct {
		const char *name;
		enum post_kind kind;
	} names[] = {
		{ "original", POST_ORIGINAL }, { "post", POST_ORIGINAL },
		{ "tweet", POST_ORIGINAL },    { "status", POST_ORIGINAL },
		{ "repost", POST_REPOST },     { "retweet", POST_REPOST },
		{ "retweeted", POST_REPOST },  { "share", POST_REPOST },
		{ "reshare", POST_REPOST },    { "reblog", POST_REPOST },
		{ "reply", POST_REPLY },       { "replied_to", POST_REPLY },
		{ "comment", POST_REPLY },     { "quote", POST_QUOTE },
		{ "quoted", POST_QUOTE },
	};
	char low[16];

	if (n >= sizeof(low))
		return -1;
	memcpy(low, s, n);
	csvread_lower(low, n);
	low[n] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(low, names[i].name) == 0) {
			*k = names[i].kind;
			return 0;
		}
	return -1;
}

static int parse_platform(const char *s, size_t n, enum platform *p)
{
	char low[32];

	if (n >= sizeof(low))
		return -1;
	memcpy(low, s, n);
	csvread_lower(low, n);
	low[n] = '\0';
	*p = platform_from_name(low);
	return *p == PLATFORM_UNKNOWN && strcmp(low, "unknown") != 0 ? -1 : 0;
}

static enum cib_err fatal_at(struct table *t, uint64_t line,
			     enum cib_err err)
{
	ingest_fail(t->in, "line %llu: %s", (unsigned long long)line,
		    cib_strerror(err));
	return err;
}

static int id_ok(size_t n)
{
	return n <= TABLE_MAX_ID;
}

/* Queues entity (type, s) of post row `post` for the merge. */
static enum cib_err merge_ent(struct table *t, uint32_t post,
			      enum entity_type type, const char *s)
{
	struct dataset *ds = t->in->ds;
	size_t local = post - t->first_post;
	uint32_t sid;
	enum cib_err err;

	if (local >= t->m_count_cap) {
		size_t nc = t->m_count_cap ? t->m_count_cap : 1024;
		uint16_t *a;

		while (nc <= local)
			nc *= 2;
		a = realloc(t->m_count, nc * sizeof(*a));
		if (!a)
			return CIB_ENOMEM;
		memset(a + t->m_count_cap, 0,
		       (nc - t->m_count_cap) * sizeof(*a));
		t->m_count = a;
		t->m_count_cap = nc;
	}
	if (t->m_count[local] >= TABLE_MAX_MERGE) {
		t->in->cur->values_unkept++;
		return CIB_OK;
	}
	if (t->m_n == t->m_cap) {
		size_t nc = t->m_cap ? t->m_cap * 2 : 4096;
		uint32_t *a = realloc(t->m_post, nc * sizeof(*a));
		uint32_t *b;
		uint8_t *c;

		if (!a)
			return CIB_ENOMEM;
		t->m_post = a;
		b = realloc(t->m_str, nc * sizeof(*b));
		if (!b)
			return CIB_ENOMEM;
		t->m_str = b;
		c = realloc(t->m_type, nc);
		if (!c)
			return CIB_ENOMEM;
		t->m_type = c;
		t->m_cap = nc;
	}
	err = dataset_intern(ds, s, &sid);
	if (err)
		return err;
	t->m_post[t->m_n] = post;
	t->m_str[t->m_n] = sid;
	t->m_type[t->m_n] = (uint8_t)type;
	t->m_n++;
	t->m_count[local]++;
	return CIB_OK;
}

/* A later row of post `row`: the same author and time, its entities
 * queued, a second target or text counted. */
static enum cib_err merge_row(struct table *t, uint64_t line, uint32_t row,
			      const struct post_rec *p)
{
	struct dataset *ds = t->in->ds;
	uint32_t acc = ds->post.account[row];
	enum cib_err err;

	if (strcmp(ds_str(ds, ds->acc.id[acc]), p->account_id) != 0)
		return ingest_bad(t->in, line, colname(t, t->col[TF_ACCOUNT]),
				  "post conflict: post '%.60s' was read "
				  "before with account '%.60s'",
				  p->id, ds_str(ds, ds->acc.id[acc]));
	if (ds->post.time[row] != p->time)
		return ingest_bad(t->in, line, colname(t, t->col[TF_TIME]),
				  "post conflict: post '%.60s' was read "
				  "before with another time",
				  p->id);
	t->in->cur->records++;
	t->in->cur->rows_merged++;
	if (t->last_row != row)
		t->in->cur->rows_apart++;
	/* a second target or text: one is kept, the smaller, so that the
	 * rows' order does not choose (the other is counted unkept) */
	if (p->ref_post &&
	    strcmp(ds_str(ds, ds->post.ref_post[row]), p->ref_post) != 0) {
		if (ds->post.ref_post[row] != STR_NONE)
			t->in->cur->values_unkept++;
		if (ds->post.ref_post[row] == STR_NONE ||
		    strcmp(p->ref_post, ds_str(ds, ds->post.ref_post[row])) < 0) {
			err = dataset_intern(ds, p->ref_post,
					     &ds->post.ref_post[row]);
			if (err)
				return fatal_at(t, line, err);
			ds->post.kind[row] = (uint8_t)p->kind;
		}
	}
	if (p->text && strcmp(ds_text(ds, row), p->text) != 0) {
		if (ds->post.text[row] != STR_NONE)
			t->in->cur->values_unkept++;
		if (ds->post.text[row] == STR_NONE ||
		    strcmp(p->text, ds_text(ds, row)) < 0) {
			err = dataset_intern_text(ds, p->text,
						  &ds->post.text[row]);
			if (err)
				return fatal_at(t, line, err);
		}
	}
	for (size_t k = 0; k < p->n_ent; k++) {
		err = merge_ent(t, row, p->ent_type[k], p->ent_str[k]);
		if (err)
			return fatal_at(t, line, err);
	}
	return CIB_OK;
}

/* Adds an entity of the row unless the row has it already (a post's
 * entities are distinct, as for every reader). */
static void add_ent(struct table *t, enum entity_type type, const char *s)
{
	if (!s)
		return;
	for (size_t k = 0; k < t->n_ents; k++)
		if (t->etypes[k] == type && strcmp(t->ents[k], s) == 0)
			return;
	if (t->n_ents < TABLE_ROW_ENTS) {
		t->ents[t->n_ents] = s;
		t->etypes[t->n_ents] = type;
		t->n_ents++;
	}
}

/* Stores one row: a new post, a later row of a post of this input
 * (merged), or a post of an earlier input (a duplicate). */
static enum cib_err store_row(struct table *t, struct brow *b)
{
	struct dataset *ds = t->in->ds;
	const struct post_rec *p = &b->p;
	uint64_t line = b->line;
	uint32_t row;
	int added;
	enum cib_err err;

	err = dataset_add_post_hashed(ds, p, b->h, &added, &row);
	if (err)
		return fatal_at(t, line, err);
	if (!added) {
		if (row != UINT32_MAX && row >= t->first_post) {
			ds->n_duplicate_posts--;
			err = merge_row(t, line, row, p);
			t->last_row = row;
			return err;
		}
		t->in->cur->records++;
		return CIB_OK;
	}
	t->in->cur->records++;
	t->in->cur->posts++;
	t->last_row = row;
	/* the author's profile fields, when the table has them */
	if (b->off[BS_HANDLE] != SIZE_MAX || b->off[BS_NAME] != SIZE_MAX) {
		struct account_rec acc;

		account_rec_init(&acc);
		acc.platform = p->platform;
		acc.id = p->account_id;
		acc.handle = b->off[BS_HANDLE] != SIZE_MAX
				     ? t->b_bytes + b->off[BS_HANDLE]
				     : NULL;
		acc.name = b->off[BS_NAME] != SIZE_MAX
				   ? t->b_bytes + b->off[BS_NAME]
				   : NULL;
		acc.seen_at = p->time;
		err = ingest_add_account(t->in, &acc);
		if (err)
			return fatal_at(t, line, err);
	}
	return CIB_OK;
}

/* Stores the batch in input order. Before that, three passes over it
 * start the memory reads the string table will make for each row's post
 * id, author and target: the table slot, then the candidate string's
 * pointer, then its bytes and the author's account slot (which holds the
 * account's whole key); each pass gives the previous one's reads a
 * batch's time to land. The hashes are handed on to the dataset. */
static enum cib_err store_batch(struct table *t)
{
	const struct dataset *ds = t->in->ds;
	const struct strpool *sp = &ds->strings;
	enum cib_err err = CIB_OK;
	uint32_t next;

	for (size_t i = 0; i < t->b_n; i++) {
		struct brow *b = &t->b_row[i];
		static const enum bstr hs[3] = { BS_ID, BS_ACC, BS_REF };
		const char **fields[BS__COUNT] = {
			&b->p.id,   &b->p.account_id, &b->p.ref_post,
			&b->p.text, &b->p.lang,       &b->p.ref_account,
			NULL,	    NULL,
		};

		for (int k = 0; k < BS__COUNT; k++)
			if (fields[k])
				*fields[k] = b->off[k] == SIZE_MAX
						     ? NULL
						     : t->b_bytes + b->off[k];
		for (size_t k = 0; k < b->p.n_ent; k++)
			b->e_str[k] = t->b_bytes + t->b_eoff[b->ent0 + k];
		b->p.ent_str = b->e_str;
		b->p.ent_type = t->b_etype + b->ent0;
		for (int k = 0; k < 3; k++) {
			const char *str = *fields[hs[k]];

			b->h[k] = 0;
			if (str) {
				b->h[k] = strpool_hash(str, strlen(str));
				strpool_prefetch(sp, b->h[k]);
			}
		}
	}
	for (size_t i = 0; i < t->b_n; i++)
		for (int k = 0; k < 3; k++)
			if (t->b_row[i].h[k])
				strpool_prefetch_candidate(sp, t->b_row[i].h[k]);
	/* the id the next new string will get, counting the batch's new
	 * strings in the order they will be interned (post id, author, text,
	 * target): a new author's account slot is prefetched by it */
	next = sp->n;
	for (size_t i = 0; i < t->b_n; i++) {
		struct brow *b = &t->b_row[i];
		int new_post = b->h[0] && strpool_candidate(sp, b->h[0]) ==
						  STR_NONE;

		for (int k = 0; k < 3; k++)
			if (b->h[k])
				strpool_prefetch_bytes(sp, b->h[k]);
		next += (uint32_t)new_post;
		/* the author's account slot, by the likely id of its string */
		b->acc_guess = strpool_candidate(sp, b->h[1]);
		if (b->acc_guess == STR_NONE && b->h[1])
			b->acc_guess = next++;
		dataset_prefetch_account(ds, b->p.platform, b->acc_guess, 0);
		if (new_post && b->off[BS_TEXT] != SIZE_MAX)
			next++;
		if (new_post && b->h[2] &&
		    strpool_candidate(sp, b->h[2]) == STR_NONE)
			next++;
	}
	for (size_t i = 0; i < t->b_n && !err; i++)
		err = store_row(t, &t->b_row[i]);
	t->n_stored += t->b_n;
	if (t->size_at && t->n_stored >= t->size_at)
		size_strings(t);
	t->b_n = 0;
	t->b_len = 0;
	t->b_ne = 0;
	return err;
}

/* Copies s (NUL-terminated, may be NULL) into the batch; its offset or
 * SIZE_MAX. -1 when out of memory. */
static int batch_str(struct table *t, const char *s, size_t *off)
{
	size_t n;

	*off = SIZE_MAX;
	if (!s)
		return 0;
	n = strlen(s) + 1;
	if (t->b_len + n > t->b_cap) {
		size_t nc = t->b_cap ? t->b_cap : 65536;
		char *b;

		while (nc < t->b_len + n)
			nc *= 2;
		b = realloc(t->b_bytes, nc);
		if (!b)
			return -1;
		t->b_bytes = b;
		t->b_cap = nc;
	}
	memcpy(t->b_bytes + t->b_len, s, n);
	*off = t->b_len;
	t->b_len += n;
	return 0;
}

/* Queues a parsed row (its strings copied: the record's are gone after
 * the callback) and stores the batch when it is full. */
static enum cib_err batch_add(struct table *t, uint64_t line,
			      const struct post_rec *p, const char *handle,
			      const char *name)
{
	struct brow *b;
	const char *strs[BS__COUNT] = { p->id,	 p->account_id, p->ref_post,
					p->text, p->lang,	p->ref_account,
					handle,	 name };

	if (!t->b_row) {
		t->b_row = malloc(TABLE_BATCH * sizeof(*t->b_row));
		t->b_eoff = malloc(TABLE_BATCH * TABLE_ROW_ENTS *
				   sizeof(*t->b_eoff));
		t->b_etype = malloc(TABLE_BATCH * TABLE_ROW_ENTS *
				    sizeof(*t->b_etype));
		if (!t->b_row || !t->b_eoff || !t->b_etype)
			return fatal_at(t, line, CIB_ENOMEM);
	}
	b = &t->b_row[t->b_n];
	b->line = line;
	b->p = *p;
	for (int k = 0; k < BS__COUNT; k++)
		if (batch_str(t, strs[k], &b->off[k]))
			return fatal_at(t, line, CIB_ENOMEM);
	b->ent0 = t->b_ne;
	for (size_t k = 0; k < p->n_ent; k++) {
		if (batch_str(t, p->ent_str[k], &t->b_eoff[t->b_ne]))
			return fatal_at(t, line, CIB_ENOMEM);
		t->b_etype[t->b_ne++] = p->ent_type[k];
	}
	t->b_n++;
	if (t->b_n == TABLE_BATCH || t->b_len >= TABLE_BATCH_BYTES)
		return store_batch(t);
	return CIB_OK;
}

/* A row the helpers below turn down: *errp is what on_row returns for
 * it (CIB_OK when a lenient read counts and skips it). Always 1. */
static int reject(enum cib_err *errp, enum cib_err err)
{
	*errp = err;
	return 1;
}

/* The row's author, time, post id (derived when the table has none)
 * and platform; 1 when the row is rejected. */
static int table_row_ident(struct table *t, const struct csvrec *rec,
				    struct post_rec *post, enum cib_err *errp)
{
	const char *s;
	size_t n;
	int minutes;

	/* author */
	post->account_id = cell_str(t, rec, t->col[TF_ACCOUNT], 0);
	if (!post->account_id)
		return reject(errp, missing(t, rec, t->col[TF_ACCOUNT],
					    "account"));
	if (!id_ok(rec->len[t->col[TF_ACCOUNT]]))
		return reject(errp, bad_value(t, rec, t->col[TF_ACCOUNT],
					      "account"));
	/* time */
	s = cell(rec, t->col[TF_TIME], &n);
	if (!s)
		return reject(errp, missing(t, rec, t->col[TF_TIME], "time"));
	if (parse_time(s, n, &post->time, &minutes))
		return reject(errp, bad_value(t, rec, t->col[TF_TIME], "time"));
	if (minutes)
		post->flags |= POST_TIME_MINUTES;
	/* post id; without one, ACCOUNT@SECONDS (see the file comment) */
	post->id = cell_str(t, rec, t->col[TF_POST], 0);
	if (!post->id) {
		snprintf(t->idbuf, sizeof(t->idbuf), "%s@%lld",
			 post->account_id, (long long)post->time);
		post->id = t->idbuf;
		t->in->cur->ids_derived++;
	} else if (!id_ok(rec->len[t->col[TF_POST]])) {
		return reject(errp, bad_value(t, rec, t->col[TF_POST],
					      "post id"));
	}
	/* platform: a column, the map's @NAME, an account prefix, or the
	 * default */
	post->platform = t->plat;
	if (t->col[TF_PLATFORM] >= 0) {
		s = cell(rec, t->col[TF_PLATFORM], &n);
		if (s && parse_platform(s, n, &post->platform))
			return reject(errp,
				      bad_value(t, rec, t->col[TF_PLATFORM],
						"platform"));
	} else if (t->plat_prefix) {
		if (strncmp(post->account_id, "fb_", 3) == 0)
			post->platform = PLATFORM_FACEBOOK;
		else if (strncmp(post->account_id, "tw_", 3) == 0)
			post->platform = PLATFORM_X;
		else if (strncmp(post->account_id, "ig_", 3) == 0)
			post->platform = PLATFORM_INSTAGRAM;
	}
	return 0;
}

/* The row's kind and target: the kind column when given, else the
 * first of repost / reply / quote target columns holding a value, else
 * the object read as a repost target; the object otherwise gives the
 * text or an entity. 1 when the row is rejected. */
static int table_row_target(struct table *t, const struct csvrec *rec,
				     struct post_rec *post, enum cib_err *errp)
{
	const char *s, *obj;
	size_t n;
	int ref_col = -1;

	post->kind = POST_ORIGINAL;
	obj = cell_str(t, rec, t->col[TF_OBJECT], t->object == TABLE_OBJECT_TEXT);
	{
		static const enum tfield refs[3] = { TF_REPOST, TF_REPLY,
						     TF_QUOTE };
		static const enum post_kind rkind[3] = { POST_REPOST,
							 POST_REPLY,
							 POST_QUOTE };

		for (int k = 0; k < 3 && !post->ref_post; k++) {
			post->ref_post = cell_str(t, rec, t->col[refs[k]], 0);
			if (post->ref_post) {
				post->kind = rkind[k];
				ref_col = t->col[refs[k]];
			}
		}
	}
	if (obj) {
		switch (t->object) {
		case TABLE_OBJECT_REPOST:
			if (!post->ref_post) {
				post->ref_post = obj;
				post->kind = POST_REPOST;
				ref_col = t->col[TF_OBJECT];
			}
			break;
		case TABLE_OBJECT_TEXT:
			if (!post->text)
				post->text = obj;
			break;
		case TABLE_OBJECT_URL:
			add_ent(t, ENT_URL, obj);
			break;
		case TABLE_OBJECT_HASHTAG:
			add_ent(t, ENT_HASHTAG, obj);
			break;
		case TABLE_OBJECT_DOMAIN:
			add_ent(t, ENT_DOMAIN, obj);
			break;
		case TABLE_OBJECT_IMAGE:
			add_ent(t, ENT_IMAGE, obj);
			break;
		case TABLE_OBJECT__COUNT:
			break;
		}
	}
	if (post->ref_post && !id_ok(strlen(post->ref_post)))
		return reject(errp, bad_value(t, rec, ref_col, "target"));
	s = cell(rec, t->col[TF_KIND], &n);
	if (s && parse_kind(s, n, &post->kind))
		return reject(errp, bad_value(t, rec, t->col[TF_KIND], "kind"));
	return 0;
}

/* One row as a post: its identity, text, target and entities, added to
 * the batch with the account's handle and name. */
static enum cib_err on_row(void *ctx, const struct csvrec *rec)
{
	struct table *t = ctx;
	struct post_rec post;
	enum cib_err err;

	post_rec_init(&post);
	t->n_ents = 0;
	t->scratch_used = 0;
	t->scratch_ready = 0;
	t->sc_gen++;

	if (table_row_ident(t, rec, &post, &err))
		return err;
	post.text = cell_str(t, rec, t->col[TF_TEXT], 1);
	post.lang = cell_str(t, rec, t->col[TF_LANG], 0);
	post.ref_account = cell_str(t, rec, t->col[TF_REF_ACCOUNT], 0);

	if (table_row_target(t, rec, &post, &err))
		return err;
	for (int f = TF_FIRST_ENT; f < TF__COUNT; f++) {
		int fi = f - TF_FIRST_ENT;

		for (int k = 0; k < t->n_ent_col[fi]; k++)
			add_ent(t, field_ent[f],
				cell_str(t, rec, t->ent_col[fi][k], 0));
	}
	post.ent_str = t->ents;
	post.ent_type = t->etypes;
	post.n_ent = t->n_ents;

	{
		const char *h = cell_str(t, rec, t->col[TF_HANDLE], 0);
		const char *nm = cell_str(t, rec, t->col[TF_NAME], 1);

		if (t->oom) /* a trimmed copy could not be made */
			return fatal_at(t, rec->line, CIB_ENOMEM);
		return batch_add(t, rec->line, &post, h, nm);
	}
}

static void set_col(struct table *t, enum tfield f, int idx)
{
	if (f < TF_FIRST_ENT) {
		t->col[f] = idx;
	} else {
		int fi = f - TF_FIRST_ENT;

		if (t->n_ent_col[fi] < TABLE_ENT_COLS)
			t->ent_col[fi][t->n_ent_col[fi]++] = idx;
	}
}

/* Columns of a known layout (those present). */
static void preset_cols(struct table *t, struct csvread *r)
{
	static const struct {
		enum preset p;
		enum tfield f;
		const char *col;
	} cols[] = {
		{ P_COORTWEET, TF_OBJECT, "object_id" },
		{ P_COORTWEET, TF_ACCOUNT, "account_id" },
		{ P_COORTWEET, TF_POST, "content_id" },
		{ P_COORTWEET, TF_TIME, "timestamp_share" },
		{ P_GERMAN, TF_ACCOUNT, "account_id" },
		{ P_GERMAN, TF_POST, "post_id" },
		{ P_GERMAN, TF_TIME, "timestamp" },
		{ P_GERMAN, TF_URL, "url_id" },
		{ P_GERMAN, TF_HASHTAG, "hashtag_id" },
		{ P_GERMAN, TF_DOMAIN, "domain_id" },
		{ P_GERMAN, TF_IMAGE, "phash_id" },
		{ P_COORNET, TF_POST, "id" },
		{ P_COORNET, TF_ACCOUNT, "account.url" },
		{ P_COORNET, TF_TIME, "date" },
		{ P_COORNET, TF_URL, "expanded" },
		{ P_COORNET, TF_TEXT, "message" },
		{ P_COORNET, TF_PLATFORM, "platform" },
		{ P_COORNET, TF_HANDLE, "account.handle" },
		{ P_COORNET, TF_NAME, "account.name" },
	};

	for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++) {
		int idx;

		if (cols[i].p != t->preset)
			continue;
		idx = csvread_col(r, cols[i].col);
		if (idx >= 0)
			set_col(t, cols[i].f, idx);
	}
	t->plat_prefix = t->preset == P_GERMAN;
}

static enum cib_err on_header(void *ctx, struct csvread *r)
{
	struct table *t = ctx;
	int mapped[TF__COUNT] = { 0 };

	for (int f = 0; f < TF_FIRST_ENT; f++)
		t->col[f] = -1;
	t->sc_stamp = calloc(r->n_cols ? r->n_cols : 1, sizeof(*t->sc_stamp));
	t->sc_off = calloc(r->n_cols ? r->n_cols : 1, sizeof(*t->sc_off));
	if (!t->sc_stamp || !t->sc_off)
		return CIB_ENOMEM;
	preset_cols(t, r);
	for (size_t i = 0; i < t->map.n; i++) {
		enum tfield f = t->map.e[i].f;
		int idx;

		if (t->map.e[i].literal) {
			t->plat = platform_from_name(t->map.e[i].col + 1);
			t->plat_literal = 1;
			t->plat_prefix = 0;
			t->col[TF_PLATFORM] = -1;
			continue;
		}
		idx = csvread_col(r, t->map.e[i].col);
		if (idx < 0) {
			ingest_fail(t->in, "line %llu: --map %s=%s: no such "
					   "column in the header",
				    (unsigned long long)r->header_line,
				    field_names[f], t->map.e[i].col);
			return CIB_EFORMAT;
		}
		/* the map replaces a layout's columns for the field */
		if (!mapped[f] && f >= TF_FIRST_ENT)
			t->n_ent_col[f - TF_FIRST_ENT] = 0;
		mapped[f] = 1;
		if (f == TF_PLATFORM)
			t->plat_prefix = 0;
		set_col(t, f, idx);
	}
	{
		static const enum tfield req[3] = { TF_ACCOUNT, TF_POST,
						    TF_TIME };

		for (int k = 0; k < 3; k++)
			if (t->col[req[k]] < 0) {
				ingest_fail(t->in,
					    "line %llu: %s table without a "
					    "'%s' column (give --map %s=COLUMN)",
					    (unsigned long long)r->header_line,
					    preset_names[t->preset],
					    field_names[req[k]],
					    field_names[req[k]]);
				return CIB_EFORMAT;
			}
	}
	return CIB_OK;
}

/* The input's size in bytes when known before reading it (a plain file,
 * a zip member), else 0. */
static uint64_t input_size(const struct source *src)
{
	struct stat st;

	if (src->kind == SOURCE_PLAIN && src->regular &&
	    fstat(src->fd, &st) == 0 && st.st_size > 0)
		return (uint64_t)st.st_size;
	if (src->kind == SOURCE_MEMBER)
		return src->member_size;
	return 0;
}

/* Sizes the dataset for the rows the input will hold, estimated from its
 * size and the rows in its first bytes (head, n): one post and at least
 * its id string a row. The post columns are filled in order, so room past
 * the real count is never touched: they get the input's size over the
 * head's mean row length. The string table is probed all over, so every
 * page of it is touched, and a table outgrown is memory cleared for
 * nothing: it is sized once TABLE_SIZE_SHARE of the rows are stored
 * (size_strings), from the strings those rows added, and until then gets
 * room for what they can add. A short input (under TABLE_SIZE_MIN rows
 * by then) gets the lower bound of the post ids at once: the input's
 * size over the head's longest row (a head of rows shorter than the rest
 * then costs no memory). Hints: on failure the dataset grows as it goes.
 */
#define TABLE_SIZE_SHARE 32
#define TABLE_SIZE_MIN 32768
static void reserve_for(struct table *t, const struct source *src,
			const char *head, size_t n)
{
	struct ingest *in = t->in;
	uint64_t size = input_size(src), rows, ids, early;
	size_t lines = 0, first = SIZE_MAX, prev = 0, longest = 0;

	if (size <= n) /* the whole input is in sight: small, no need */
		return;
	for (size_t i = 0; i < n; i++)
		if (head[i] == '\n') {
			if (first == SIZE_MAX)
				first = i;
			else if (i - prev > longest)
				longest = i - prev;
			prev = i;
			lines++;
		}
	/* rows after the header line within the head */
	if (lines < 2 || longest == 0)
		return;
	rows = (size - first) / ((prev - first) / (lines - 1)) + 1;
	ids = (size - first) / longest;
	if (rows > UINT32_MAX / 2)
		rows = UINT32_MAX / 2;
	if (ids > rows)
		ids = rows;
	t->str0 = in->ds->strings.n;
	t->est_rows = rows;
	t->est_ids = ids;
	early = 0;
	if (rows / TABLE_SIZE_SHARE >= TABLE_SIZE_MIN) {
		t->size_at = rows / TABLE_SIZE_SHARE;
		/* a post id, an author and a target a row */
		early = 3 * t->size_at;
	}
	(void)dataset_reserve(in->ds, in->ds->post.n + (size_t)rows,
			      t->str0 + (size_t)(early && early < ids ? early
								       : ids));
}

/* Sizes the string table for the whole input from its first size_at rows:
 * the strings they added, per row, times the rows estimated, and at least
 * the post ids' lower bound. Strings new to a table thin out as it goes
 * (authors and targets repeat), so this errs high, by less than the
 * table's doubling in the shapes tried (docs/formats.md). */
static void size_strings(struct table *t)
{
	struct dataset *ds = t->in->ds;
	uint64_t added = ds->strings.n - t->str0, want;

	t->size_at = 0;
	if (!t->n_stored || t->n_stored >= t->est_rows)
		return;
	want = added + (uint64_t)((double)added / (double)t->n_stored *
				  (double)(t->est_rows - t->n_stored));
	if (want < t->est_ids)
		want = t->est_ids;
	if (want > UINT32_MAX / 2)
		want = UINT32_MAX / 2;
	(void)dataset_reserve(ds, 0, t->str0 + (size_t)want);
}

enum cib_err table_read(struct ingest *in, struct source *src)
{
	struct table *t = calloc(1, sizeof(*t));
	struct csvread r;
	const char *head;
	size_t nhead;
	enum cib_err err;

	if (!t)
		return CIB_ENOMEM;
	t->in = in;
	t->r = &r;
	t->plat = PLATFORM_OTHER;
	t->object = (unsigned)in->opts.table_object < TABLE_OBJECT__COUNT
			    ? (enum table_object)in->opts.table_object
			    : TABLE_OBJECT_REPOST;
	t->first_post = in->ds->post.n;
	t->last_row = UINT32_MAX;
	if (in->opts.table_map) {
		char msg[160];

		if (map_parse(in->opts.table_map, &t->map, msg, sizeof(msg))) {
			ingest_fail(in, "--map: %s", msg);
			free(t);
			return CIB_EUSAGE;
		}
	}
	csvread_init(&r, in, src);
	err = source_peek(src, &head, &nhead);
	if (err) {
		ingest_fail(in, "%s", src->errmsg);
		free(t);
		return err;
	}
	r.delim = sniff_delim(head, nhead);
	t->preset = detect_preset(head, nhead, r.delim);
	/* a known layout lacking a mapped column reads without the map: one
	 * --map serves the inputs it was written for among several */
	if (t->preset != P_NONE && in->opts.table_map &&
	    !table_map_matches(in->opts.table_map, head, nhead))
		t->map.n = 0;
	if (t->preset == P_NONE && !in->opts.table_map) {
		ingest_fail(in, "%s", "not a known share table layout "
				      "(CooRTweet, CooRnet): give --map");
		free(t);
		return CIB_EFORMAT;
	}
	reserve_for(t, src, head, nhead);
	err = csvread_run(&r, on_header, on_row, t);
	if (!err) /* while the header's names are there for reports */
		err = store_batch(t);
	csvread_release(&r);
	if (!err && t->m_n) {
		err = dataset_merge_entities(in->ds, t->m_n, t->m_post,
					     t->m_str, t->m_type, NULL);
		if (err)
			ingest_fail(in, "merging rows: %s", cib_strerror(err));
	}
	free(t->m_post);
	free(t->m_str);
	free(t->m_type);
	free(t->m_count);
	free(t->scratch);
	free(t->sc_stamp);
	free(t->sc_off);
	free(t->b_row);
	free(t->b_bytes);
	free(t->b_eoff);
	free(t->b_etype);
	free(t);
	return err;
}
