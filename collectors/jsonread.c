/* jsonread.c - JSON reading shared by the JSON collectors.
 *
 * Invariants: no buffer grows past the caps in in->opts (a JSONL line past
 * max_record is skipped by scanning to the next newline, so reading
 * resynchronises; a document past max_document is fatal); every parse goes
 * through cJSON_ParseWithLength on a buffer checked for NUL bytes, \u0000
 * escapes and invalid UTF-8 first, so cJSON never sees input it would silently cut or
 * pass through unchecked; cJSON's nesting limit bounds recursion.
 */
#include "jsonread.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "core/timefmt.h"

/* ---- UTF-8 ---- */

int jsonread_utf8_valid(const char *buf, size_t n, size_t *bad)
{
	const unsigned char *s = (const unsigned char *)buf;
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i];
		size_t len;
		unsigned cp, min;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			len = 2;
			cp = c & 0x1f;
			min = 0x80;
		} else if (c >= 0xe0 && c <= 0xef) {
			len = 3;
			cp = c & 0x0f;
			min = 0x800;
		} else if (c >= 0xf0 && c <= 0xf4) {
			len = 4;
			cp = c & 0x07;
			min = 0x10000;
		} else {
			goto fail;
		}
		if (n - i < len)
			goto fail;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				goto fail;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			goto fail;
		i += len;
	}
	return 1;
fail:
	if (bad)
		*bad = i;
	return 0;
}

/* Line and column (1-based) of offset `off` in buf. */
static void line_col(const char *buf, size_t off, uint64_t *line,
		     uint64_t *col)
{
	uint64_t l = 1;
	size_t last = 0;

	for (size_t i = 0; i < off; i++)
		if (buf[i] == '\n') {
			l++;
			last = i + 1;
		}
	*line = l;
	*col = off - last + 1;
}

/* The offset of the first \u0000 escape in buf[0..len), or -1. Backslashes
 * only occur inside strings in JSON, and each escape is skipped whole, so
 * an escaped backslash followed by "u0000" is not taken for one. */
static ptrdiff_t escaped_nul(const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;

	while ((p = memchr(p, '\\', (size_t)(end - p))) != NULL) {
		if (end - p >= 6 && memcmp(p + 1, "u0000", 5) == 0)
			return p - buf;
		p += 2; /* the backslash and the character it escapes */
		if (p >= end)
			break;
	}
	return -1;
}

/* Checks and parses buf[0..len). On failure *why says what and *off where
 * (byte offset). A NUL, raw or escaped as \u0000, is refused: cJSON would
 * cut the string at it ("7\u0000evil" would read as "7"). */
static cJSON *parse_checked(const char *buf, size_t len, const char **why,
			    size_t *off)
{
	const char *nul = memchr(buf, '\0', len);
	const char *end;
	cJSON *v;
	ptrdiff_t enul;

	if (nul) {
		*why = "NUL byte";
		*off = (size_t)(nul - buf);
		return NULL;
	}
	enul = escaped_nul(buf, len);
	if (enul >= 0) {
		*why = "NUL character (\\u0000) in a string";
		*off = (size_t)enul;
		return NULL;
	}
	if (!jsonread_utf8_valid(buf, len, off)) {
		*why = "invalid UTF-8";
		return NULL;
	}
	v = cJSON_ParseWithLengthOpts(buf, len, &end, 0);
	if (!v) {
		const char *e = cJSON_GetErrorPtr();

		*why = "invalid JSON (truncated, bad syntax or nested deeper "
		       "than 1000)";
		*off = e && e >= buf && e <= buf + len ? (size_t)(e - buf) : 0;
		return NULL;
	}
	/* only blanks may follow the value */
	while (end < buf + len &&
	       (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n'))
		end++;
	if (end < buf + len) {
		cJSON_Delete(v);
		*why = "trailing data after the JSON value";
		*off = (size_t)(end - buf);
		return NULL;
	}
	return v;
}

/* ---- \xNN repair (Telegram Desktop) ---- */

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Counts (when out is NULL) or writes the repaired text; tracks whether we
 * are inside a string so "\x" outside strings is left for cJSON to
 * reject. Returns the output length. */
static size_t repair_pass(const char *buf, size_t len, char *out,
			  size_t *n_fixed)
{
	size_t o = 0;
	int in_str = 0;

	*n_fixed = 0;
	for (size_t i = 0; i < len; i++) {
		char c = buf[i];

		if (in_str && c == '\\' && i + 1 < len) {
			if (buf[i + 1] == 'x' && i + 3 < len &&
			    hexval((unsigned char)buf[i + 2]) >= 0 &&
			    hexval((unsigned char)buf[i + 3]) >= 0) {
				if (out)
					memcpy(out + o, "\\u00", 4);
				o += 4;
				if (out) {
					out[o] = buf[i + 2];
					out[o + 1] = buf[i + 3];
				}
				o += 2;
				i += 3;
				(*n_fixed)++;
				continue;
			}
			if (out) {
				out[o] = c;
				out[o + 1] = buf[i + 1];
			}
			o += 2;
			i++;
			continue;
		}
		if (c == '"')
			in_str = !in_str;
		if (out)
			out[o] = c;
		o++;
	}
	return o;
}

enum cib_err jsonread_repair_xescapes(const char *buf, size_t len, size_t cap,
				      char **out, size_t *out_len,
				      size_t *n_fixed)
{
	size_t n = repair_pass(buf, len, NULL, n_fixed);
	char *b;

	*out = NULL;
	*out_len = len;
	if (*n_fixed == 0)
		return CIB_OK;
	if (n > cap)
		return CIB_ETOOBIG;
	b = malloc(n + 1);
	if (!b)
		return CIB_ENOMEM;
	repair_pass(buf, len, b, n_fixed);
	b[n] = '\0';
	*out = b;
	*out_len = n;
	return CIB_OK;
}

/* ---- documents ---- */

static enum cib_err parse_document(struct ingest *in, const char *buf,
				   size_t len, jsonread_fn fn, void *ctx)
{
	const char *why = "";
	size_t off = 0, bom = 0;
	uint64_t line, col;
	cJSON *v;
	enum cib_err err;

	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		bom = 3;
	v = parse_checked(buf + bom, len - bom, &why, &off);
	off += bom;
	if (!v) {
		line_col(buf, off, &line, &col);
		ingest_fail(in, "line %llu, column %llu: %s",
			    (unsigned long long)line, (unsigned long long)col,
			    why);
		return CIB_EPARSE;
	}
	err = fn(in, v, 0, ctx);
	cJSON_Delete(v);
	return err;
}

enum cib_err jsonread_document(struct ingest *in, struct source *src,
			       unsigned repairs, jsonread_fn fn, void *ctx)
{
	char *buf = NULL, *fixed = NULL;
	size_t len = 0, flen = 0, nfix = 0;
	enum cib_err err = ingest_slurp(in, src, &buf, &len);

	if (err)
		return err;
	if (repairs & JR_REPAIR_XESCAPES) {
		err = jsonread_repair_xescapes(buf, len, in->opts.max_document,
					       &fixed, &flen, &nfix);
		if (err == CIB_ETOOBIG)
			ingest_fail(in, "document larger than %zu bytes after "
					"repairing \\x escapes (--max-document)",
				    in->opts.max_document);
		if (err)
			goto out;
	}
	if (fixed)
		err = parse_document(in, fixed, flen, fn, ctx);
	else
		err = parse_document(in, buf, len, fn, ctx);
out:
	free(fixed);
	free(buf);
	return err;
}

/* ---- JSONL ---- */

struct linereader {
	struct source *src;
	char *buf;
	size_t cap, len, pos;
	size_t max;
	uint64_t line; /* number of the line last returned */
	int eof;
};

/* Next line in *p, *n (without the newline). Returns 1 with a line, 0 at
 * end, -1 on error (*err set). *toolong is set when the line exceeded the
 * cap; it was skipped up to its newline and *p is NULL. */
static int lr_next(struct linereader *lr, const char **p, size_t *n,
		   int *toolong, enum cib_err *err)
{
	size_t scan = lr->pos;

	*toolong = 0;
	for (;;) {
		char *nl = memchr(lr->buf + scan, '\n', lr->len - scan);
		size_t got;

		if (nl) {
			*p = lr->buf + lr->pos;
			*n = (size_t)(nl - *p);
			lr->pos = (size_t)(nl - lr->buf) + 1;
			lr->line++;
			return 1;
		}
		if (lr->eof) {
			if (lr->pos == lr->len)
				return 0;
			*p = lr->buf + lr->pos;
			*n = lr->len - lr->pos;
			lr->pos = lr->len;
			lr->line++;
			return 1;
		}
		/* move the partial line to the front, grow if needed */
		if (lr->pos > 0) {
			memmove(lr->buf, lr->buf + lr->pos, lr->len - lr->pos);
			lr->len -= lr->pos;
			lr->pos = 0;
		}
		scan = lr->len;
		if (lr->len == lr->cap) {
			if (lr->cap >= lr->max) {
				/* skip to the next newline */
				lr->len = lr->pos = 0;
				for (;;) {
					*err = source_read(lr->src, lr->buf,
							   lr->cap, &got);
					if (*err)
						return -1;
					if (got == 0) {
						lr->eof = 1;
						break;
					}
					nl = memchr(lr->buf, '\n', got);
					if (nl) {
						lr->pos = (size_t)(nl - lr->buf) + 1;
						lr->len = got;
						break;
					}
				}
				lr->line++;
				*toolong = 1;
				*p = NULL;
				*n = 0;
				return 1;
			} else {
				size_t nc = lr->cap * 2;
				char *nb;

				if (nc > lr->max)
					nc = lr->max;
				nb = realloc(lr->buf, nc);
				if (!nb) {
					*err = CIB_ENOMEM;
					return -1;
				}
				lr->buf = nb;
				lr->cap = nc;
			}
		}
		*err = source_read(lr->src, lr->buf + lr->len,
				   lr->cap - lr->len, &got);
		if (*err)
			return -1;
		if (got == 0)
			lr->eof = 1;
		lr->len += got;
	}
}

static int is_blank(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
			return 0;
	return 1;
}

static enum cib_err read_lines(struct ingest *in, struct source *src,
			       jsonread_fn fn, void *ctx)
{
	struct linereader lr;
	enum cib_err err = CIB_OK;

	memset(&lr, 0, sizeof(lr));
	lr.src = src;
	lr.max = in->opts.max_record;
	lr.cap = lr.max < 65536 ? lr.max : 65536;
	lr.buf = malloc(lr.cap);
	if (!lr.buf)
		return CIB_ENOMEM;
	for (;;) {
		const char *p = NULL, *why = "";
		size_t n = 0, off = 0;
		int toolong, r = lr_next(&lr, &p, &n, &toolong, &err);
		cJSON *v;

		if (r < 0) {
			if (err == CIB_EIO)
				ingest_fail(in, "%s", src->errmsg);
			break;
		}
		if (r == 0)
			break;
		if (toolong) {
			err = ingest_bad(in, lr.line, NULL,
					 "line longer than %zu bytes "
					 "(--max-record)",
					 lr.max);
			if (err)
				break;
			continue;
		}
		/* a UTF-8 BOM on the first line */
		if (lr.line == 1 && n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) {
			p += 3;
			n -= 3;
		}
		if (is_blank(p, n))
			continue;
		v = parse_checked(p, n, &why, &off);
		if (!v) {
			err = ingest_bad(in, lr.line, NULL, "%s: at byte %zu",
					 why, off + 1);
			if (err)
				break;
			continue;
		}
		err = fn(in, v, lr.line, ctx);
		cJSON_Delete(v);
		if (err)
			break;
	}
	free(lr.buf);
	return err;
}

/* Whether p[0..n) is one complete JSON value. */
static int parses(const char *p, size_t n)
{
	const char *why;
	size_t off;
	cJSON *v = parse_checked(p, n, &why, &off);

	cJSON_Delete(v);
	return v != NULL;
}

/* Only an opening bracket (a pretty-printed document's first line). */
static int is_opener(const char *p, size_t n)
{
	size_t i = 0, j = n;

	while (i < j && (p[i] == ' ' || p[i] == '\t'))
		i++;
	while (j > i && (p[j - 1] == ' ' || p[j - 1] == '\t' || p[j - 1] == '\r'))
		j--;
	return j == i + 1 && (p[i] == '[' || p[i] == '{');
}

int jsonread_head_is_lines(const char *head, size_t n)
{
	const char *nl, *next, *nl2;
	size_t len;

	if (n >= 3 && memcmp(head, "\xef\xbb\xbf", 3) == 0) {
		head += 3;
		n -= 3;
	}
	nl = memchr(head, '\n', n);
	if (!nl && n == SOURCE_PEEK)
		return 1; /* one long first line */
	len = nl ? (size_t)(nl - head) : n;
	if (is_blank(head, len) || is_opener(head, len))
		return 0;
	/* no newline at all: one line, valid or not; the line reader reports
	 * a broken one as a bad record */
	if (!nl || parses(head, len))
		return 1;
	/* a broken first line: JSONL if the next non-blank line is a whole
	 * value (a pretty-printed document's second line never is, unless
	 * the first was a lone bracket, handled above) */
	next = nl + 1;
	for (;;) {
		nl2 = memchr(next, '\n', (size_t)(head + n - next));
		len = nl2 ? (size_t)(nl2 - next) : (size_t)(head + n - next);
		if (!nl2 || !is_blank(next, len))
			break;
		next = nl2 + 1;
	}
	return nl2 && parses(next, len);
}

enum cib_err jsonread_values(struct ingest *in, struct source *src,
			     jsonread_fn fn, void *ctx)
{
	const char *head;
	size_t n;
	enum cib_err err;

	if (in->jsonl_lines)
		return read_lines(in, src, fn, ctx);
	err = source_peek(src, &head, &n);
	if (err) {
		ingest_fail(in, "%s", src->errmsg);
		return err;
	}
	if (jsonread_head_is_lines(head, n))
		return read_lines(in, src, fn, ctx);
	return jsonread_document(in, src, 0, fn, ctx);
}

/* ---- field access ---- */

void jr_ctx_init(struct jr_ctx *c, struct ingest *in, uint64_t line)
{
	memset(c, 0, sizeof(*c));
	c->in = in;
	c->line = line;
}

void jr_ctx_reset(struct jr_ctx *c)
{
	for (size_t i = 0; i < c->n_scratch; i++)
		free(c->scratch[i]);
	c->n_scratch = 0;
	c->n_ent = 0;
	c->bad = 0;
	c->where[0] = c->why[0] = '\0';
}

void jr_ctx_release(struct jr_ctx *c)
{
	if (!c)
		return;
	jr_ctx_reset(c);
	free(c->scratch);
	free(c->ent_str);
	free(c->ent_type);
	free(c->ent_hash);
	c->ent_hash = NULL;
	c->scratch = NULL;
	c->ent_str = NULL;
	c->ent_type = NULL;
	c->cap_scratch = c->cap_ent = 0;
}

void jr_path(struct jr_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->path, sizeof(c->path), fmt, ap);
	va_end(ap);
}

void jr_fail(struct jr_ctx *c, const char *key, const char *fmt, ...)
{
	va_list ap;

	if (c->bad)
		return;
	c->bad = 1;
	if (key && *key)
		snprintf(c->where, sizeof(c->where), "%s%s%s", c->path,
			 c->path[0] && key[0] != '[' ? "." : "", key);
	else
		snprintf(c->where, sizeof(c->where), "%s", c->path);
	va_start(ap, fmt);
	vsnprintf(c->why, sizeof(c->why), fmt, ap);
	va_end(ap);
}

enum cib_err jr_report(struct jr_ctx *c, const char *key, const char *why)
{
	enum cib_err err;

	if (!c->bad)
		jr_fail(c, key, "%s", why);
	err = ingest_bad(c->in, c->line, c->where[0] ? c->where : NULL, "%s",
			 c->why);
	c->bad = 0;
	c->where[0] = c->why[0] = '\0';
	return err;
}

const cJSON *jr_get(const cJSON *o, const char *key)
{
	const cJSON *v;

	if (!cJSON_IsObject(o))
		return NULL;
	v = cJSON_GetObjectItemCaseSensitive(o, key);
	return v && !cJSON_IsNull(v) ? v : NULL;
}

static const char *type_name(const cJSON *v)
{
	if (cJSON_IsString(v))
		return "a string";
	if (cJSON_IsNumber(v))
		return "a number";
	if (cJSON_IsBool(v))
		return "a boolean";
	if (cJSON_IsArray(v))
		return "an array";
	if (cJSON_IsObject(v))
		return "an object";
	return "invalid";
}

const char *jr_str(struct jr_ctx *c, const cJSON *o, const char *key)
{
	const cJSON *v = jr_get(o, key);

	if (!v)
		return NULL;
	if (!cJSON_IsString(v) || !v->valuestring) {
		jr_fail(c, key, "expected a string, got %s", type_name(v));
		return NULL;
	}
	return v->valuestring;
}

const char *jr_id(struct jr_ctx *c, const cJSON *o, const char *key)
{
	const cJSON *v = jr_get(o, key);

	if (!v)
		return NULL;
	if (cJSON_IsString(v) && v->valuestring)
		return v->valuestring;
	if (cJSON_IsNumber(v)) {
		double d = v->valuedouble;

		/* beyond 2^53 a double no longer holds every integer: the id
		 * may already be wrong, so refuse it */
		if (!isfinite(d) || d != floor(d) || fabs(d) > 9007199254740992.0) {
			jr_fail(c, key, "numeric id not an exact integer");
			return NULL;
		}
		return jr_fmt(c, "%.0f", d);
	}
	jr_fail(c, key, "expected an id, got %s", type_name(v));
	return NULL;
}

int64_t jr_count(struct jr_ctx *c, const cJSON *o, const char *key)
{
	const cJSON *v = jr_get(o, key);
	double d;

	if (!v)
		return COUNT_NONE;
	if (cJSON_IsNumber(v)) {
		d = v->valuedouble;
	} else if (cJSON_IsString(v) && v->valuestring) {
		char *end;

		d = strtod(v->valuestring, &end);
		if (end == v->valuestring || *end) {
			jr_fail(c, key, "expected a count: got '%.40s'",
				v->valuestring);
			return COUNT_NONE;
		}
	} else {
		jr_fail(c, key, "expected a count, got %s", type_name(v));
		return COUNT_NONE;
	}
	if (!isfinite(d) || d < 0)
		return COUNT_NONE; /* Reddit hides some scores as -1 */
	if (d > 9e18)
		return INT64_MAX;
	return (int64_t)d;
}

const cJSON *jr_obj(struct jr_ctx *c, const cJSON *o, const char *key)
{
	const cJSON *v = jr_get(o, key);

	if (v && !cJSON_IsObject(v)) {
		jr_fail(c, key, "expected an object, got %s", type_name(v));
		return NULL;
	}
	return v;
}

const cJSON *jr_arr(struct jr_ctx *c, const cJSON *o, const char *key)
{
	const cJSON *v = jr_get(o, key);

	if (v && !cJSON_IsArray(v)) {
		jr_fail(c, key, "expected an array, got %s", type_name(v));
		return NULL;
	}
	return v;
}

const cJSON *jr_items(const cJSON *v)
{
	return cJSON_IsArray(v) ? v : NULL;
}

int jr_bool(struct jr_ctx *c, const cJSON *o, const char *key)
{
	const cJSON *v = jr_get(o, key);

	if (!v)
		return -1;
	if (!cJSON_IsBool(v)) {
		jr_fail(c, key, "expected a boolean, got %s", type_name(v));
		return -1;
	}
	return cJSON_IsTrue(v);
}

int64_t jr_time(struct jr_ctx *c, const cJSON *o, const char *key,
		enum jr_timefmt form, int *minutes_only)
{
	const cJSON *v = jr_get(o, key);
	const char *s;
	int64_t t;
	int r = -1;

	if (minutes_only)
		*minutes_only = 0;
	if (!v)
		return TIME_NONE;
	if (form == JR_TIME_UNIX && cJSON_IsNumber(v)) {
		double d = v->valuedouble;

		if (d >= (double)CIVIL_TIME_MIN &&
		    d < (double)CIVIL_TIME_MAX + 1)
			return (int64_t)floor(d);
		jr_fail(c, key, "%s: %.17g", TIMEFMT_RANGE_MSG, d);
		return TIME_NONE;
	}
	if (!cJSON_IsString(v) || !v->valuestring) {
		jr_fail(c, key, "expected a time, got %s", type_name(v));
		return TIME_NONE;
	}
	s = v->valuestring;
	switch (form) {
	case JR_TIME_ISO:
		r = timefmt_parse_iso(s, strlen(s), &t, minutes_only);
		break;
	case JR_TIME_TWITTER:
		r = timefmt_parse_twitter(s, strlen(s), &t);
		if (r == -1)
			r = timefmt_parse_iso(s, strlen(s), &t, minutes_only);
		break;
	case JR_TIME_UNIX:
		r = timefmt_parse_unix(s, strlen(s), &t);
		break;
	}
	if (r == TIMEFMT_OUT_OF_RANGE) {
		jr_fail(c, key, "%s: '%.40s'", TIMEFMT_RANGE_MSG, s);
		return TIME_NONE;
	}
	if (r) {
		jr_fail(c, key, "unparsable time: '%.40s'", s);
		return TIME_NONE;
	}
	return t;
}

static char *keep(struct jr_ctx *c, char *s)
{
	if (!s) {
		jr_fail(c, NULL, "out of memory");
		return NULL;
	}
	if (c->n_scratch == c->cap_scratch) {
		size_t nc = c->cap_scratch ? c->cap_scratch * 2 : 16;
		char **ns = realloc(c->scratch, nc * sizeof(*ns));

		if (!ns) {
			free(s);
			jr_fail(c, NULL, "out of memory");
			return NULL;
		}
		c->scratch = ns;
		c->cap_scratch = nc;
	}
	c->scratch[c->n_scratch++] = s;
	return s;
}

const char *jr_dup(struct jr_ctx *c, const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return keep(c, d);
}

const char *jr_fmt(struct jr_ctx *c, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *d;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return keep(c, NULL);
	d = malloc((size_t)n + 1);
	if (d) {
		va_start(ap, fmt);
		vsnprintf(d, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	return keep(c, d);
}

void jr_ent(struct jr_ctx *c, enum entity_type t, const char *s)
{
	if (!s || !*s)
		return;
	uint32_t h = (uint32_t)XXH3_64bits(s, strlen(s)) ^ (uint32_t)t;

	/* posts carry a handful of entities; a hostile one has at most
	 * JR_MAX_ENTITIES, and comparing hashes first keeps that quadratic
	 * worst case to integer compares */
	for (size_t i = 0; i < c->n_ent; i++)
		if (c->ent_hash[i] == h && c->ent_type[i] == t &&
		    strcmp(c->ent_str[i], s) == 0)
			return;
	if (c->n_ent == JR_MAX_ENTITIES) {
		jr_fail(c, NULL, "more than %d entities in one post",
			JR_MAX_ENTITIES);
		return;
	}
	if (c->n_ent == c->cap_ent) {
		size_t nc = c->cap_ent ? c->cap_ent * 2 : 16;
		const char **ns = realloc(c->ent_str, nc * sizeof(*ns));
		enum entity_type *nt;
		uint32_t *nh;

		if (!ns) {
			jr_fail(c, NULL, "out of memory");
			return;
		}
		c->ent_str = ns;
		nt = realloc(c->ent_type, nc * sizeof(*nt));
		if (!nt) {
			jr_fail(c, NULL, "out of memory");
			return;
		}
		c->ent_type = nt;
		nh = realloc(c->ent_hash, nc * sizeof(*nh));
		if (!nh) {
			jr_fail(c, NULL, "out of memory");
			return;
		}
		c->ent_hash = nh;
		c->cap_ent = nc;
	}
	c->ent_str[c->n_ent] = s;
	c->ent_type[c->n_ent] = t;
	c->ent_hash[c->n_ent] = h;
	c->n_ent++;
}

void jr_ents_to_post(const struct jr_ctx *c, struct post_rec *r)
{
	r->ent_str = c->ent_str;
	r->ent_type = c->ent_type;
	r->n_ent = c->n_ent;
}

enum cib_err jr_add_post(struct jr_ctx *c, struct post_rec *r,
			 const char *id_key, const char *author_key,
			 const char *time_key)
{
	enum cib_err err;

	if (c->bad)
		return jr_report(c, NULL, "");
	if (!r->id || !*r->id)
		return jr_report(c, id_key, "missing post id");
	if (!r->account_id || !*r->account_id)
		return jr_report(c, author_key, "missing author id");
	if (r->time == TIME_NONE)
		return jr_report(c, time_key, "missing time");
	jr_ents_to_post(c, r);
	err = ingest_add_post(c->in, r);
	if (err == CIB_ETOOBIG || err == CIB_EPARSE)
		return jr_report(c, NULL, "field too large for the string pool");
	return err;
}

enum cib_err jr_add_account(struct jr_ctx *c, const struct account_rec *r)
{
	enum cib_err err;

	if (!r->id || !*r->id)
		return CIB_OK;
	err = ingest_add_account(c->in, r);
	if (err == CIB_ETOOBIG || err == CIB_EPARSE)
		return jr_report(c, NULL, "field too large for the string pool");
	return err;
}

/* ---- HTML to text ---- */

static size_t put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	o[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Decodes the character reference at s (after '&'); returns the bytes
 * consumed after '&' (0 when it is not one) and writes at most as many
 * bytes as it consumed + 1 into o (*olen). */
static size_t char_ref(const char *s, size_t n, char *o, size_t *olen)
{
	static const struct {
		const char *name;
		unsigned cp;
	} named[] = {
		{ "amp;", '&' },  { "lt;", '<' },    { "gt;", '>' },
		{ "quot;", '"' }, { "apos;", '\'' }, { "nbsp;", 0xa0 },
		{ "#39;", '\'' },
	};
	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		size_t l = strlen(named[i].name);

		if (n >= l && memcmp(s, named[i].name, l) == 0) {
			*olen = put_utf8(o, named[i].cp);
			return l;
		}
	}
	if (n >= 3 && s[0] == '#') {
		size_t i = 1;
		unsigned cp = 0;
		int hex = s[1] == 'x' || s[1] == 'X', nd = 0;

		if (hex)
			i++;
		for (; i < n && nd < 7; i++, nd++) {
			int d = hex ? hexval((unsigned char)s[i])
				    : (s[i] >= '0' && s[i] <= '9' ? s[i] - '0'
								 : -1);
			if (d < 0)
				break;
			cp = cp * (hex ? 16u : 10u) + (unsigned)d;
		}
		if (nd == 0 || i >= n || s[i] != ';')
			return 0;
		if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			cp = 0xfffd;
		/* "&#N;" is at least 4 bytes, every code point at most 4 */
		*olen = put_utf8(o, cp);
		return i + 1;
	}
	return 0;
}

/* Case-insensitive: does tag text t[0..n) (after '<') start with name
 * followed by a delimiter? */
static int tag_is(const char *t, size_t n, const char *name)
{
	size_t l = strlen(name);

	if (n < l)
		return 0;
	for (size_t i = 0; i < l; i++) {
		char c = t[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != name[i])
			return 0;
	}
	return n == l || t[l] == ' ' || t[l] == '>' || t[l] == '/' ||
	       t[l] == '\t' || t[l] == '\n';
}

/* Value of attribute `attr` inside tag text t[0..n), or NULL. */
static const char *tag_attr(const char *t, size_t n, const char *attr,
			    size_t *vlen)
{
	size_t l = strlen(attr);

	for (size_t i = 1; i + l + 2 < n; i++) {
		char q;
		size_t j;

		if ((t[i - 1] != ' ' && t[i - 1] != '\t' && t[i - 1] != '\n') ||
		    strncmp(t + i, attr, l) != 0 || t[i + l] != '=')
			continue;
		q = t[i + l + 1];
		if (q != '"' && q != '\'')
			continue;
		for (j = i + l + 2; j < n && t[j] != q; j++)
			;
		if (j >= n)
			return NULL;
		*vlen = j - (i + l + 2);
		return t + i + l + 2;
	}
	return NULL;
}

const char *jr_html_text(struct jr_ctx *c, const char *html, int links)
{
	size_t n = strlen(html), o = 0;
	char *out = malloc(n + 1);

	if (!keep(c, out))
		return NULL;
	for (size_t i = 0; i < n;) {
		if (html[i] == '<') {
			const char *t = html + i + 1;
			const char *gt = memchr(t, '>', n - i - 1);
			size_t tl;

			if (!gt) { /* a stray '<': keep it as text */
				out[o++] = html[i++];
				continue;
			}
			tl = (size_t)(gt - t);
			if (tag_is(t, tl, "br") || tag_is(t, tl, "/p"))
				out[o++] = '\n';
			else if (links && tag_is(t, tl, "a")) {
				size_t hl = 0, cl = 0;
				const char *href = tag_attr(t, tl, "href", &hl);
				const char *cls = tag_attr(t, tl, "class", &cl);
				const char *cs = cls ? jr_dup(c, cls, cl) : NULL;

				if (href && hl > 0 &&
				    !(cs && (strstr(cs, "mention") ||
					     strstr(cs, "hashtag"))))
					jr_ent(c, ENT_URL, jr_dup(c, href, hl));
			}
			i += tl + 2;
			continue;
		}
		if (html[i] == '&') {
			char tmp[4];
			size_t ol = 0;
			size_t used = char_ref(html + i + 1, n - i - 1, tmp, &ol);

			if (used) {
				memcpy(out + o, tmp, ol);
				o += ol;
				i += used + 1;
				continue;
			}
		}
		out[o++] = html[i++];
	}
	while (o > 0 && out[o - 1] == '\n')
		o--;
	out[o] = '\0';
	return out;
}

/* ---- sniffing ---- */

int jr_has(const char *head, size_t n, const char *s)
{
	return memmem(head, n, s, strlen(s)) != NULL;
}

int jr_has_key(const char *head, size_t n, const char *key)
{
	size_t kl = strlen(key);
	const char *p = head, *end = head + n;

	while (p < end) {
		const char *q = memchr(p, '"', (size_t)(end - p));
		const char *r;

		if (!q)
			return 0;
		r = q + 1;
		if ((size_t)(end - r) > kl && memcmp(r, key, kl) == 0 &&
		    r[kl] == '"') {
			r += kl + 1;
			while (r < end && (*r == ' ' || *r == '\t' ||
					   *r == '\n' || *r == '\r'))
				r++;
			if (r < end && *r == ':')
				return 1;
		}
		p = q + 1;
	}
	return 0;
}

int jr_first_char(const char *head, size_t n)
{
	size_t i = 0;

	if (n >= 3 && memcmp(head, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	for (; i < n; i++)
		if (head[i] != ' ' && head[i] != '\t' && head[i] != '\n' &&
		    head[i] != '\r')
			return (unsigned char)head[i];
	return 0;
}

enum cib_err jr_each_item(const cJSON *v, jr_item_fn fn, void *ctx)
{
	const cJSON *e;
	enum cib_err err = CIB_OK;
	int i = 0;
	char path[32];

	if (!cJSON_IsArray(v))
		return fn(ctx, v, "");
	cJSON_ArrayForEach(e, v)
	{
		snprintf(path, sizeof(path), "[%d]", i++);
		if ((err = fn(ctx, e, path)))
			break;
	}
	return err;
}
