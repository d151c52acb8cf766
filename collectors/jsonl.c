/* jsonl.c - cibscan's normalised JSONL: writing a dataset, reading it back.
 *
 * The format (docs/formats.md) is one JSON object per line: a header
 * {"type":"cibscan","version":1}, then every account in index order, then
 * the recorded account field changes in order, then every post in index
 * order. Reading adds them in that order, so indices, field values,
 * change history and entities by type come back identical. Unknown values
 * are omitted rather than written as null. Strings are written as valid
 * UTF-8: a byte that is not part of a valid sequence (possible from CSV
 * inputs) becomes U+FFFD, the only case where a round trip is not exact.
 */
#include "jsonl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonread.h"
#include "core/timefmt.h"
#include "core/strbuf.h"

#define JSONL_VERSION 1

static const char *const field_names[] = { "handle", "name", "description",
					   "location", "lang" };
#define N_FIELDS 5

int jsonl_sniff(const char *head, size_t n)
{
	const char *nl = memchr(head, '\n', n);
	size_t first = nl ? (size_t)(nl - head) : n;

	if (jr_first_char(head, n) != '{')
		return 0;
	if (jr_has_key(head, first, "type") &&
	    (jr_has(head, first, "\"cibscan\"")))
		return 100;
	if (jr_has_key(head, n, "type") && jr_has_key(head, n, "account_id") &&
	    jr_has_key(head, n, "platform") &&
	    (jr_has(head, n, "\"post\"") || jr_has(head, n, "\"account\"")))
		return 75;
	return 0;
}

/* ---- writing ---- */

/* Longest line written (core/strbuf.h): above any record the readers
 * accept (strings of at most STRPOOL_MAX_LEN bytes, escaped at most six
 * times over), so it only stops a runaway, never a real record. */
#define JSONL_MAX_LINE ((size_t)1 << 31)

/* Length of the valid UTF-8 sequence at s (n bytes left), 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len = s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;

	if (len > n)
		return 0;
	return jsonread_utf8_valid((const char *)s, len, NULL) ? len : 0;
}

static void wb_json_str(struct strbuf *w, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, run = 0;

	strbuf_add(w, "\"", 1);
	while (i < n) {
		unsigned c = u[i];
		char esc[8];
		size_t l;

		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			i++;
			run++;
			continue;
		}
		strbuf_add(w, s + i - run, run);
		run = 0;
		if (c >= 0x80) {
			l = utf8_len(u + i, n - i);
			if (l) {
				strbuf_add(w, s + i, l);
				i += l;
			} else {
				strbuf_add(w, "\xef\xbf\xbd", 3);
				i++;
			}
			continue;
		}
		switch (c) {
		case '"': strbuf_add(w, "\\\"", 2); break;
		case '\\': strbuf_add(w, "\\\\", 2); break;
		case '\n': strbuf_add(w, "\\n", 2); break;
		case '\r': strbuf_add(w, "\\r", 2); break;
		case '\t': strbuf_add(w, "\\t", 2); break;
		default:
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			strbuf_add(w, esc, 6);
		}
		i++;
	}
	strbuf_add(w, s + i - run, run);
	strbuf_add(w, "\"", 1);
}

/* ,"key":"value" for a pooled string; nothing for STR_NONE. */
static void wb_field(struct strbuf *w, const struct dataset *ds, const char *key,
		     uint32_t id)
{
	if (id == STR_NONE)
		return;
	strbuf_add(w, ",\"", 2);
	strbuf_puts(w, key);
	strbuf_add(w, "\":", 2);
	wb_json_str(w, ds_str(ds, id), strpool_len(&ds->strings, id));
}

static void wb_cstr_field(struct strbuf *w, const char *key, const char *v)
{
	strbuf_add(w, ",\"", 2);
	strbuf_puts(w, key);
	strbuf_add(w, "\":", 2);
	wb_json_str(w, v, strlen(v));
}

static void wb_int(struct strbuf *w, const char *key, int64_t v)
{
	char num[32];

	if (v < 0)
		return; /* COUNT_NONE */
	snprintf(num, sizeof(num), ",\"%s\":%lld", key, (long long)v);
	strbuf_puts(w, num);
}

static void wb_time(struct strbuf *w, const char *key, int64_t t)
{
	char buf[32];

	if (t == TIME_NONE)
		return;
	timefmt_format_utc(t, buf);
	wb_cstr_field(w, key, buf);
}

static enum cib_err wb_flush(struct strbuf *w, FILE *f)
{
	strbuf_add(w, "\n", 1);
	if (strbuf_err(w))
		return strbuf_err(w);
	if (fwrite(strbuf_str(w), 1, w->n, f) != w->n)
		return CIB_EIO;
	strbuf_reset(w);
	return CIB_OK;
}

static void write_account(struct strbuf *w, const struct dataset *ds, size_t i,
			  const uint32_t *initial)
{
	const uint32_t *v = initial ? initial + i * N_FIELDS : NULL;

	strbuf_puts(w, "{\"type\":\"account\"");
	wb_cstr_field(w, "platform",
		      platform_name((enum platform)ds->acc.platform[i]));
	wb_field(w, ds, "id", ds->acc.id[i]);
	wb_field(w, ds, "handle", v ? v[0] : ds->acc.handle[i]);
	wb_field(w, ds, "name", v ? v[1] : ds->acc.name[i]);
	wb_field(w, ds, "description", v ? v[2] : ds->acc.description[i]);
	wb_field(w, ds, "location", v ? v[3] : ds->acc.location[i]);
	wb_field(w, ds, "lang", v ? v[4] : ds->acc.lang[i]);
	wb_time(w, "created_at", ds->acc.created[i]);
	wb_int(w, "followers", ds->acc.followers[i]);
	wb_int(w, "following", ds->acc.following[i]);
	strbuf_add(w, "}", 1);
}

static void write_post(struct strbuf *w, const struct dataset *ds, size_t j)
{
	static const char *const ent_keys[] = {
		"urls", "hashtags", "mentions", "domains", "images"
	};
	_Static_assert(sizeof(ent_keys) / sizeof(ent_keys[0]) == ENT__COUNT,
		       "one key per entity type");
	uint32_t acc = ds->post.account[j];
	unsigned kind = ds->post.kind[j];

	strbuf_puts(w, "{\"type\":\"post\"");
	wb_cstr_field(w, "platform",
		      platform_name((enum platform)ds->acc.platform[acc]));
	wb_field(w, ds, "id", ds->post.id[j]);
	wb_field(w, ds, "account_id", ds->acc.id[acc]);
	wb_time(w, "time", ds->post.time[j]);
	if (ds->post.flags[j] & POST_TIME_MINUTES)
		wb_cstr_field(w, "time_precision", "minute");
	if (ds->post.text[j] != STR_NONE) {
		strbuf_puts(w, ",\"text\":");
		wb_json_str(w, ds_text(ds, j), ds_text_len(ds, j));
	}
	wb_field(w, ds, "lang", ds->post.lang[j]);
	wb_cstr_field(w, "kind",
		      post_kind_name(kind < POST_KIND__COUNT
					     ? (enum post_kind)kind
					     : POST_ORIGINAL));
	wb_field(w, ds, "ref_post", ds->post.ref_post[j]);
	wb_field(w, ds, "ref_account", ds->post.ref_account[j]);
	wb_field(w, ds, "client", ds->post.client[j]);
	wb_int(w, "likes", ds->post.likes[j]);
	wb_int(w, "reposts", ds->post.reposts[j]);
	wb_int(w, "replies", ds->post.replies[j]);
	wb_int(w, "quotes", ds->post.quotes[j]);
	for (unsigned t = 0; t < ENT__COUNT; t++) {
		int any = 0;

		for (uint64_t k = ds->post.ent_off[j]; k < ds->post.ent_off[j + 1];
		     k++) {
			if (ds->ent.type[k] != t)
				continue;
			if (!any) {
				strbuf_add(w, ",\"", 2);
				strbuf_puts(w, ent_keys[t]);
				strbuf_add(w, "\":[", 3);
			} else {
				strbuf_add(w, ",", 1);
			}
			any = 1;
			wb_json_str(w, ds_str(ds, ds->ent.str[k]),
				    strpool_len(&ds->strings, ds->ent.str[k]));
		}
		if (any)
			strbuf_add(w, "]", 1);
	}
	strbuf_add(w, "}", 1);
}

static void write_change(struct strbuf *w, const struct dataset *ds, size_t k)
{
	uint32_t acc = ds->change.account[k];
	unsigned field = ds->change.field[k];

	strbuf_puts(w, "{\"type\":\"change\"");
	wb_cstr_field(w, "platform",
		      platform_name((enum platform)ds->acc.platform[acc]));
	wb_field(w, ds, "account_id", ds->acc.id[acc]);
	wb_cstr_field(w, "field", field < N_FIELDS ? field_names[field] : "?");
	wb_field(w, ds, "old", ds->change.old_value[k]);
	wb_field(w, ds, "new", ds->change.new_value[k]);
	wb_time(w, "time", ds->change.time[k]);
	strbuf_add(w, "}", 1);
}

/* Each account's field values before its first recorded change: start
 * from the current values and walk the changes backwards. */
static uint32_t *initial_values(const struct dataset *ds)
{
	uint32_t *v = malloc((ds->acc.n ? ds->acc.n : 1) * N_FIELDS *
			     sizeof(*v));

	if (!v)
		return NULL;
	for (size_t i = 0; i < ds->acc.n; i++) {
		uint32_t *r = v + i * N_FIELDS;

		r[0] = ds->acc.handle[i];
		r[1] = ds->acc.name[i];
		r[2] = ds->acc.description[i];
		r[3] = ds->acc.location[i];
		r[4] = ds->acc.lang[i];
	}
	for (size_t k = ds->change.n; k-- > 0;)
		if (ds->change.field[k] < N_FIELDS)
			v[(size_t)ds->change.account[k] * N_FIELDS +
			  ds->change.field[k]] = ds->change.old_value[k];
	return v;
}

enum cib_err jsonl_write(const struct dataset *ds, FILE *f)
{
	struct strbuf w;
	uint32_t *initial = NULL;
	enum cib_err err = CIB_OK;

	strbuf_init(&w, JSONL_MAX_LINE);
	if (ds->change.n) {
		initial = initial_values(ds);
		if (!initial)
			return CIB_ENOMEM;
	}
	strbuf_puts(&w, "{\"type\":\"cibscan\",\"version\":1}");
	if ((err = wb_flush(&w, f)))
		goto out;
	for (size_t i = 0; i < ds->acc.n; i++) {
		write_account(&w, ds, i, initial);
		if ((err = wb_flush(&w, f)))
			goto out;
	}
	for (size_t k = 0; k < ds->change.n; k++) {
		write_change(&w, ds, k);
		if ((err = wb_flush(&w, f)))
			goto out;
	}
	for (size_t j = 0; j < ds->post.n; j++) {
		write_post(&w, ds, j);
		if ((err = wb_flush(&w, f)))
			goto out;
	}
out:
	strbuf_release(&w);
	free(initial);
	return err;
}

/* ---- reading ---- */

static enum platform get_platform(struct jr_ctx *c, const cJSON *o)
{
	const char *p = jr_str(c, o, "platform");
	enum platform pl;

	if (!p) {
		jr_fail(c, "platform", "missing platform");
		return PLATFORM_UNKNOWN;
	}
	pl = platform_from_name(p);
	if (pl == PLATFORM_UNKNOWN && strcmp(p, "unknown") != 0)
		jr_fail(c, "platform", "unknown platform: '%.40s'", p);
	return pl;
}

static enum cib_err read_account(struct jr_ctx *c, const cJSON *o)
{
	struct account_rec a;

	account_rec_init(&a);
	a.platform = get_platform(c, o);
	a.id = jr_str(c, o, "id");
	a.handle = jr_str(c, o, "handle");
	a.name = jr_str(c, o, "name");
	a.description = jr_str(c, o, "description");
	a.location = jr_str(c, o, "location");
	a.lang = jr_str(c, o, "lang");
	a.created = jr_time(c, o, "created_at", JR_TIME_ISO, NULL);
	a.followers = jr_count(c, o, "followers");
	a.following = jr_count(c, o, "following");
	if (c->bad)
		return jr_report(c, NULL, "");
	if (!a.id || !*a.id)
		return jr_report(c, "id", "missing account id");
	return jr_add_account(c, &a);
}

static enum cib_err read_change(struct jr_ctx *c, const cJSON *o)
{
	struct account_rec a;
	const char *field, *val;
	int f = -1;

	account_rec_init(&a);
	a.platform = get_platform(c, o);
	a.id = jr_str(c, o, "account_id");
	field = jr_str(c, o, "field");
	val = jr_str(c, o, "new");
	a.seen_at = jr_time(c, o, "time", JR_TIME_ISO, NULL);
	for (int i = 0; field && i < N_FIELDS; i++)
		if (strcmp(field, field_names[i]) == 0)
			f = i;
	if (c->bad)
		return jr_report(c, NULL, "");
	if (!a.id || f < 0 || !val)
		return jr_report(c, !a.id ? "account_id" : f < 0 ? "field" : "new",
				 "missing or unknown change field");
	switch (f) {
	case 0: a.handle = val; break;
	case 1: a.name = val; break;
	case 2: a.description = val; break;
	case 3: a.location = val; break;
	default: a.lang = val; break;
	}
	return jr_add_account(c, &a);
}

static void read_ents(struct jr_ctx *c, const cJSON *o, const char *key,
		      enum entity_type t)
{
	const cJSON *arr = jr_arr(c, o, key), *e;

	cJSON_ArrayForEach(e, arr)
	{
		if (!cJSON_IsString(e)) {
			jr_fail(c, key, "expected an array of strings");
			return;
		}
		jr_ent(c, t, e->valuestring);
	}
}

static enum cib_err read_post(struct jr_ctx *c, const cJSON *o)
{
	struct post_rec r;
	const char *kind, *prec;
	int minutes = 0, k;

	post_rec_init(&r);
	r.platform = get_platform(c, o);
	r.id = jr_str(c, o, "id");
	r.account_id = jr_str(c, o, "account_id");
	r.time = jr_time(c, o, "time", JR_TIME_ISO, &minutes);
	prec = jr_str(c, o, "time_precision");
	if (minutes || (prec && strcmp(prec, "minute") == 0))
		r.flags |= POST_TIME_MINUTES;
	r.text = jr_str(c, o, "text");
	r.lang = jr_str(c, o, "lang");
	kind = jr_str(c, o, "kind");
	if (kind) {
		k = post_kind_from_name(kind);
		if (k < 0)
			jr_fail(c, "kind", "unknown kind: '%.40s'", kind);
		else
			r.kind = (enum post_kind)k;
	}
	r.ref_post = jr_str(c, o, "ref_post");
	r.ref_account = jr_str(c, o, "ref_account");
	r.client = jr_str(c, o, "client");
	r.likes = jr_count(c, o, "likes");
	r.reposts = jr_count(c, o, "reposts");
	r.replies = jr_count(c, o, "replies");
	r.quotes = jr_count(c, o, "quotes");
	/* the order the writer uses, so a round trip keeps entity order */
	read_ents(c, o, "urls", ENT_URL);
	read_ents(c, o, "hashtags", ENT_HASHTAG);
	read_ents(c, o, "mentions", ENT_MENTION);
	read_ents(c, o, "domains", ENT_DOMAIN);
	read_ents(c, o, "images", ENT_IMAGE);
	return jr_add_post(c, &r, "id", "account_id", "time");
}

static enum cib_err on_value(struct ingest *in, const cJSON *v, uint64_t line,
			     void *ctx)
{
	struct jr_ctx *c = ctx;
	const char *type;

	c->line = line;
	jr_ctx_reset(c);
	jr_path(c, "%s", "");
	if (!cJSON_IsObject(v))
		return jr_report(c, NULL, "expected an object");
	type = jr_str(c, v, "type");
	if (!type)
		return jr_report(c, "type", "missing record type");
	if (strcmp(type, "post") == 0)
		return read_post(c, v);
	if (strcmp(type, "account") == 0)
		return read_account(c, v);
	if (strcmp(type, "change") == 0)
		return read_change(c, v);
	if (strcmp(type, "cibscan") == 0) {
		const cJSON *ver = jr_get(v, "version");

		if (!cJSON_IsNumber(ver) || ver->valuedouble != JSONL_VERSION) {
			ingest_fail(in, "line %llu: unsupported cibscan JSONL "
					"version (this build reads %d)",
				    (unsigned long long)line, JSONL_VERSION);
			return CIB_EFORMAT;
		}
		return CIB_OK;
	}
	return jr_report(c, "type", "unknown record type");
}

enum cib_err jsonl_read(struct ingest *in, struct source *src)
{
	struct jr_ctx c;
	enum cib_err err;

	jr_ctx_init(&c, in, 0);
	err = jsonread_values(in, src, on_value, &c);
	jr_ctx_release(&c);
	return err;
}
