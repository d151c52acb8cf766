/* warc.c - WARC 1.0/1.1 records from plain or gzip files, HTTP bodies
 * decoded.
 *
 * Layers: the input (FILE or memory) feeds either a copy (plain) or zlib
 * inflate (gzip, every member in turn: at Z_STREAM_END the stream is reset
 * and the next member's file offset remembered); the decoded bytes go into
 * one window buffer that a record is parsed from in place. The window
 * grows to at most twice max_header + max_record + IN_CHUNK (power-of-two
 * growth); larger records are counted as too big and streamed past
 * without being kept.
 *
 * Invariants: pos <= len <= cap; base + pos is the decoded offset of the
 * next unread byte; member starts are recorded in ascending decoded order
 * and only the last one at or before the current record is kept.
 */
#include "warc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "core/timefmt.h"

#define IN_CHUNK ((size_t)256 << 10)
#define RESYNC_STEP ((size_t)64 << 10)

static const char *const type_names[] = {
	"other",    "warcinfo",   "response",   "resource",    "request",
	"metadata", "revisit",    "conversion", "continuation"
};
_Static_assert(sizeof(type_names) / sizeof(type_names[0]) == WARC_T__COUNT,
	       "one name per record type");

const char *warc_type_name(enum warc_type t)
{
	return (unsigned)t < WARC_T__COUNT ? type_names[t] : "other";
}

void warc_opts_init(struct warc_opts *o)
{
	o->max_header = WARC_MAX_HEADER_DEFAULT;
	o->max_record = WARC_MAX_RECORD_DEFAULT;
	o->max_body = WARC_MAX_BODY_DEFAULT;
}

static enum cib_err reader_setup(struct warc_reader *r, const char *name,
				 const struct warc_opts *o, struct diag *dg)
{
	size_t n = strlen(name) + 1;

	r->dg = dg;
	if (o)
		r->o = *o;
	else
		warc_opts_init(&r->o);
	if (r->o.max_header < 64)
		r->o.max_header = 64;
	r->name = malloc(n);
	r->in = malloc(IN_CHUNK);
	if (!r->name || !r->in)
		return CIB_ENOMEM;
	memcpy(r->name, name, n);
	return CIB_OK;
}

enum cib_err warc_open(struct warc_reader *r, const char *path,
		       const struct warc_opts *o, struct diag *dg)
{
	enum cib_err err;

	memset(r, 0, sizeof(*r));
	err = reader_setup(r, path, o, dg);
	if (err)
		return err;
	r->f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!r->f) {
		snprintf(r->errmsg, sizeof(r->errmsg), "cannot open");
		return CIB_EIO;
	}
	return CIB_OK;
}

enum cib_err warc_open_mem(struct warc_reader *r, const char *name,
			   const void *buf, size_t n, const struct warc_opts *o,
			   struct diag *dg)
{
	memset(r, 0, sizeof(*r));
	r->mem = buf;
	r->mem_len = n;
	return reader_setup(r, name, o, dg);
}

void warc_close(struct warc_reader *r)
{
	if (!r)
		return;
	if (r->f && r->f != stdin)
		fclose(r->f);
	if (r->zs_init)
		inflateEnd(r->zs);
	free(r->zs);
	free(r->name);
	free(r->in);
	free(r->win);
	free(r->mb_dec);
	free(r->mb_comp);
	free(r->chunk_buf);
	free(r->inflate_buf);
	memset(r, 0, sizeof(*r));
}

uint64_t warc_bytes_in(const struct warc_reader *r)
{
	return r->in_base + r->in_pos;
}

/* ---- input ------------------------------------------------------------ */

static enum cib_err in_refill(struct warc_reader *r)
{
	size_t got;

	r->in_base += r->in_len;
	r->in_len = r->in_pos = 0;
	if (r->in_eof)
		return CIB_OK;
	if (r->mem) {
		got = r->mem_len - r->mem_pos;
		if (got > IN_CHUNK)
			got = IN_CHUNK;
		memcpy(r->in, r->mem + r->mem_pos, got);
		r->mem_pos += got;
	} else if (r->f) {
		got = fread(r->in, 1, IN_CHUNK, r->f);
		if (got < IN_CHUNK && ferror(r->f)) {
			snprintf(r->errmsg, sizeof(r->errmsg), "read error");
			return CIB_EIO;
		}
	} else {
		got = 0;
	}
	r->in_len = got;
	if (got == 0)
		r->in_eof = 1;
	return CIB_OK;
}

static enum cib_err data_error(struct warc_reader *r, uint64_t off,
			       const char *what, const char *detail)
{
	char where[48];

	snprintf(where, sizeof(where), "offset %llu", (unsigned long long)off);
	return diag_record(r->dg, r->name, 0, where, "%s%s%s", what,
			   detail ? ": " : "", detail ? detail : "");
}

static enum cib_err member_push(struct warc_reader *r, uint64_t dec,
				uint64_t comp)
{
	if (r->mb_n == r->mb_cap) {
		size_t nc = r->mb_cap ? r->mb_cap * 2 : 16;
		uint64_t *a = realloc(r->mb_dec, nc * sizeof(*a));

		if (!a)
			return CIB_ENOMEM;
		r->mb_dec = a;
		a = realloc(r->mb_comp, nc * sizeof(*a));
		if (!a)
			return CIB_ENOMEM;
		r->mb_comp = a;
		r->mb_cap = nc;
	}
	r->mb_dec[r->mb_n] = dec;
	r->mb_comp[r->mb_n] = comp;
	r->mb_n++;
	r->n_members++;
	return CIB_OK;
}

/* Decides plain or gzip from the first bytes, sets zlib up. */
static enum cib_err stream_start(struct warc_reader *r)
{
	z_stream *zs;
	enum cib_err err = in_refill(r);

	if (err)
		return err;
	r->in_base = 0;
	if (r->in_len >= 2 && r->in[0] == 0x1f && r->in[1] == 0x8b) {
		r->is_gz = 1;
		zs = calloc(1, sizeof(*zs));
		if (!zs)
			return CIB_ENOMEM;
		r->zs = zs;
		if (inflateInit2(zs, 16 + MAX_WBITS) != Z_OK)
			return CIB_ENOMEM;
		r->zs_init = 1;
		return member_push(r, 0, 0);
	}
	return CIB_OK;
}

/* Appends at least one decoded byte to the window (room for `room` bytes
 * must exist), or sets out_eof. */
static enum cib_err produce(struct warc_reader *r, size_t room)
{
	z_stream *zs = r->zs;
	enum cib_err err;
	int zr;

	if (!r->is_gz) {
		if (r->in_pos == r->in_len) {
			err = in_refill(r);
			if (err)
				return err;
			if (r->in_len == 0) {
				r->out_eof = 1;
				return CIB_OK;
			}
		}
		if (room > r->in_len - r->in_pos)
			room = r->in_len - r->in_pos;
		memcpy(r->win + r->len, r->in + r->in_pos, room);
		r->in_pos += room;
		r->len += room;
		return CIB_OK;
	}
	for (;;) {
		size_t before = r->len;

		if (r->in_pos == r->in_len) {
			err = in_refill(r);
			if (err)
				return err;
			if (r->in_len == 0) {
				/* input ended inside a member */
				if (zs->total_in > 0 || zs->total_out > 0)
					err = data_error(
						r, r->mb_comp[r->mb_n - 1],
						"truncated gzip member", NULL);
				r->out_eof = 1;
				r->fatal = 1;
				return err;
			}
		}
		zs->next_in = r->in + r->in_pos;
		zs->avail_in = (uInt)(r->in_len - r->in_pos);
		zs->next_out = (Bytef *)r->win + r->len;
		zs->avail_out = (uInt)(room > (1u << 30) ? (1u << 30) : room);
		zr = inflate(zs, Z_NO_FLUSH);
		r->len += (size_t)((Bytef *)zs->next_out -
				   ((Bytef *)r->win + r->len));
		room -= r->len - before;
		r->in_pos = r->in_len - zs->avail_in;
		if (zr == Z_STREAM_END) {
			uint64_t comp = r->in_base + r->in_pos;

			if (r->in_pos == r->in_len) {
				err = in_refill(r);
				if (err)
					return err;
			}
			if (r->in_len == 0) {
				r->out_eof = 1;
				return CIB_OK;
			}
			if (r->in[r->in_pos] != 0x1f) {
				/* padding or garbage after a member */
				err = data_error(r, comp,
						 "bytes after the last gzip "
						 "member ignored",
						 NULL);
				r->out_eof = 1;
				return err;
			}
			inflateReset(zs);
			err = member_push(r, r->base + r->len, comp);
			if (err)
				return err;
			if (r->len > before || room == 0)
				return CIB_OK;
			continue;
		}
		if (zr == Z_OK || zr == Z_BUF_ERROR) {
			if (r->len > before || room == 0)
				return CIB_OK;
			if (zs->avail_in == 0)
				continue; /* needs more input */
		}
		err = data_error(r, r->mb_comp[r->mb_n - 1],
				 "corrupt gzip data",
				 zs->msg ? zs->msg : "inflate failed");
		r->out_eof = 1;
		r->fatal = 1;
		return err;
	}
}

/* Makes at least `need` unread bytes available unless the input ends
 * first; callers keep need <= max_header + max_record + 16. */
static enum cib_err fill(struct warc_reader *r, size_t need)
{
	enum cib_err err;

	while (r->len - r->pos < need && !r->out_eof) {
		if (r->pos > 0 && r->cap - r->len < IN_CHUNK) {
			memmove(r->win, r->win + r->pos, r->len - r->pos);
			r->base += r->pos;
			r->len -= r->pos;
			r->pos = 0;
		}
		if (r->cap < need + IN_CHUNK) {
			size_t nc = r->cap ? r->cap : IN_CHUNK * 2;
			char *w;

			while (nc < need + IN_CHUNK)
				nc *= 2;
			w = realloc(r->win, nc);
			if (!w)
				return CIB_ENOMEM;
			r->win = w;
			r->cap = nc;
		}
		err = produce(r, r->cap - r->len);
		if (err)
			return err;
	}
	return CIB_OK;
}

static size_t avail(const struct warc_reader *r)
{
	return r->len - r->pos;
}

/* Discards n unread bytes, streaming past what is not in the window.
 * Returns how many were discarded (fewer at end of input). */
static enum cib_err discard(struct warc_reader *r, uint64_t n, uint64_t *done)
{
	enum cib_err err;

	*done = 0;
	while (n > 0) {
		size_t a = avail(r), k;

		if (a == 0) {
			err = fill(r, 1);
			if (err)
				return err;
			a = avail(r);
			if (a == 0)
				return CIB_OK;
		}
		k = n < a ? (size_t)n : a;
		r->pos += k;
		n -= k;
		*done += k;
		if (r->pos == r->len) {
			r->base += r->pos;
			r->pos = r->len = 0;
		}
	}
	return CIB_OK;
}

/* Skips to the next "WARC/1." at a line start after the current position
 * (at least one byte on), or to the end. */
static enum cib_err resync(struct warc_reader *r)
{
	enum cib_err err;
	uint64_t d;

	if (avail(r))
		r->pos++;
	for (;;) {
		const char *s, *q;

		err = fill(r, RESYNC_STEP);
		if (err)
			return err;
		s = r->win + r->pos;
		q = memmem(s, avail(r), "\nWARC/1.", 8);
		if (q) {
			r->pos += (size_t)(q - s) + 1;
			return CIB_OK;
		}
		if (r->out_eof) {
			r->pos = r->len;
			return CIB_OK;
		}
		/* keep the last bytes: a marker may straddle the window */
		if (avail(r) > 8) {
			err = discard(r, avail(r) - 8, &d);
			if (err)
				return err;
		}
	}
}

/* ---- header fields ----------------------------------------------------- */

static int name_is(const char *p, size_t n, const char *name)
{
	size_t k = strlen(name);

	return n == k && strncasecmp(p, name, k) == 0;
}

static struct warc_str trim(const char *p, size_t n)
{
	struct warc_str s;

	while (n && (*p == ' ' || *p == '\t')) {
		p++;
		n--;
	}
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
		n--;
	s.p = p;
	s.n = n;
	return s;
}

/* Finds the end of a header block in p[0..n): returns the length
 * including the blank line, 0 when absent. Accepts CRLF and bare LF. */
static size_t header_end(const char *p, size_t n)
{
	const char *q = p, *e = p + n;

	while ((q = memchr(q, '\n', (size_t)(e - q))) != NULL) {
		q++;
		if (q < e && *q == '\n')
			return (size_t)(q + 1 - p);
		if (q + 1 < e && q[0] == '\r' && q[1] == '\n')
			return (size_t)(q + 2 - p);
	}
	return 0;
}

static int parse_u64(struct warc_str s, uint64_t *out)
{
	uint64_t v = 0;

	if (s.n == 0 || s.n > 19)
		return -1;
	for (size_t i = 0; i < s.n; i++) {
		if (s.p[i] < '0' || s.p[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(s.p[i] - '0');
	}
	*out = v;
	return 0;
}

static enum warc_type type_of(struct warc_str s)
{
	for (int t = 1; t < WARC_T__COUNT; t++)
		if (name_is(s.p, s.n, type_names[t]))
			return (enum warc_type)t;
	return WARC_T_OTHER;
}

/* Strips the angle brackets WARC 1.0 examples (and wget) put around URIs. */
static struct warc_str unbracket(struct warc_str s)
{
	if (s.n >= 2 && s.p[0] == '<' && s.p[s.n - 1] == '>') {
		s.p++;
		s.n -= 2;
	}
	return s;
}

/* Parses the header lines after the version line; returns -1 with no
 * Content-Length. */
static int parse_fields(struct warc_record *rec, const char *p, size_t n)
{
	const char *e = p + n, *line = p;
	int have_len = 0;

	while (line < e) {
		const char *nl = memchr(line, '\n', (size_t)(e - line));
		const char *end = nl ? nl : e, *colon;
		size_t ln = (size_t)(end - line);
		struct warc_str v;

		if (ln && line[ln - 1] == '\r')
			ln--;
		colon = ln ? memchr(line, ':', ln) : NULL;
		if (colon && line[0] != ' ' && line[0] != '\t') {
			size_t kn = (size_t)(colon - line);

			v = trim(colon + 1, ln - kn - 1);
			if (name_is(line, kn, "WARC-Type")) {
				rec->type_name = v;
				rec->type = type_of(v);
			} else if (name_is(line, kn, "WARC-Target-URI")) {
				rec->target_uri = unbracket(v);
			} else if (name_is(line, kn, "WARC-Date")) {
				rec->date = v;
			} else if (name_is(line, kn, "WARC-IP-Address")) {
				rec->ip = v;
			} else if (name_is(line, kn, "WARC-Record-ID")) {
				rec->record_id = v;
			} else if (name_is(line, kn, "Content-Type")) {
				rec->content_type = v;
			} else if (name_is(line, kn,
					   "WARC-Refers-To-Target-URI")) {
				rec->refers_to_uri = unbracket(v);
			} else if (name_is(line, kn, "Content-Length")) {
				if (parse_u64(v, &rec->content_length) == 0)
					have_len = 1;
			}
		}
		line = nl ? nl + 1 : e;
	}
	return have_len ? 0 : -1;
}

/* ---- HTTP bodies ------------------------------------------------------- */

static int contains_ci(struct warc_str s, const char *needle)
{
	size_t k = strlen(needle);

	for (size_t i = 0; i + k <= s.n; i++)
		if (strncasecmp(s.p + i, needle, k) == 0)
			return 1;
	return 0;
}

static enum cib_err grow(char **buf, size_t *cap, size_t need)
{
	char *b;
	size_t nc;

	if (*cap >= need)
		return CIB_OK;
	nc = *cap ? *cap : 4096;
	while (nc < need)
		nc *= 2;
	b = realloc(*buf, nc);
	if (!b)
		return CIB_ENOMEM;
	*buf = b;
	*cap = nc;
	return CIB_OK;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Dechunks p[0..n) into r->chunk_buf: 0 ok, -1 not chunked (the caller
 * keeps the raw bytes), 1 cut at max_body. A missing final chunk is
 * accepted (crawlers cut connections). */
static int dechunk(struct warc_reader *r, const char *p, size_t n,
		   struct warc_str *out, enum cib_err *err)
{
	size_t i = 0, olen = 0;
	int capped = 0;

	*err = CIB_OK;
	while (i < n) {
		uint64_t sz = 0;
		int digits = 0, h;

		while (i < n && (h = hexval(p[i])) >= 0) {
			if (sz > (UINT64_MAX >> 4))
				return -1;
			sz = sz * 16 + (uint64_t)h;
			i++;
			digits++;
		}
		if (!digits)
			return -1;
		/* chunk extensions (";name=value"), then CRLF */
		if (i < n && p[i] != '\r' && p[i] != '\n' && p[i] != ';' &&
		    p[i] != ' ' && p[i] != '\t')
			return -1;
		for (size_t ext = 0; i < n && p[i] != '\n'; ext++, i++)
			if (ext > 1024)
				return -1;
		if (i >= n)
			return sz == 0 ? 0 : -1;
		i++;
		if (sz == 0)
			break;
		if (sz > n - i)
			sz = n - i; /* last chunk cut short: keep what is there */
		if (olen + sz > r->o.max_body) {
			sz = r->o.max_body - olen;
			capped = 1;
		}
		*err = grow(&r->chunk_buf, &r->chunk_cap, olen + sz + 1);
		if (*err)
			return -1;
		memcpy(r->chunk_buf + olen, p + i, (size_t)sz);
		olen += (size_t)sz;
		i += (size_t)sz;
		if (capped)
			break;
		if (i < n && p[i] == '\r')
			i++;
		if (i < n && p[i] == '\n')
			i++;
		else if (i < n)
			return -1;
	}
	out->p = r->chunk_buf;
	out->n = olen;
	return capped;
}

/* Inflates p[0..n) (gzip or zlib, or raw deflate) into r->inflate_buf. */
static int inflate_body(struct warc_reader *r, const char *p, size_t n,
			struct warc_str *out, enum cib_err *err)
{
	z_stream zs;
	int zr = Z_OK, capped = 0, raw;

	*err = CIB_OK;
	for (raw = 0; raw < 2; raw++) {
		size_t olen = 0;

		memset(&zs, 0, sizeof(zs));
		if (inflateInit2(&zs, raw ? -MAX_WBITS : 32 + MAX_WBITS) !=
		    Z_OK) {
			*err = CIB_ENOMEM;
			return -1;
		}
		zs.next_in = (Bytef *)(uintptr_t)p;
		zs.avail_in = (uInt)(n > (1u << 30) ? (1u << 30) : n);
		for (;;) {
			size_t want = olen + 65536;

			if (want > r->o.max_body + 1)
				want = r->o.max_body + 1;
			*err = grow(&r->inflate_buf, &r->inflate_cap, want);
			if (*err) {
				inflateEnd(&zs);
				return -1;
			}
			if (want == olen) {
				capped = 1;
				break;
			}
			zs.next_out = (Bytef *)r->inflate_buf + olen;
			zs.avail_out = (uInt)(want - olen);
			zr = inflate(&zs, Z_NO_FLUSH);
			olen = want - zs.avail_out;
			if (olen > r->o.max_body) {
				olen = r->o.max_body;
				capped = 1;
				break;
			}
			if (zr == Z_STREAM_END)
				break;
			if (zr != Z_OK)
				break;
		}
		inflateEnd(&zs);
		/* a body cut short (truncated crawl) still gives its text */
		if (capped || zr == Z_STREAM_END ||
		    (zr == Z_BUF_ERROR && olen > 0)) {
			out->p = r->inflate_buf;
			out->n = olen;
			return capped;
		}
	}
	return -1;
}

static enum cib_err parse_http(struct warc_reader *r, struct warc_record *rec)
{
	const char *p = rec->block.p, *line, *e;
	size_t n = rec->block.n, hl, k;
	struct warc_str payload, dec = { NULL, 0 };
	enum cib_err err;
	int rc;

	if (n < 12 || memcmp(p, "HTTP/", 5) != 0)
		return CIB_OK;
	k = n < r->o.max_header ? n : r->o.max_header;
	hl = header_end(p, k);
	rec->is_http = 1;
	if (!hl) {
		/* a revisit may hold only headers with no blank line */
		if (rec->type == WARC_T_REVISIT)
			hl = n;
		else {
			rec->flags |= WARC_F_HTTP_BAD;
			return CIB_OK;
		}
	}
	/* status line */
	line = memchr(p, ' ', hl);
	if (line && (size_t)(line - p) + 4 <= hl) {
		int st = 0;

		for (k = 1; k <= 3; k++) {
			char c = line[k];

			if (c < '0' || c > '9') {
				st = 0;
				break;
			}
			st = st * 10 + (c - '0');
		}
		rec->http_status = st;
	}
	line = memchr(p, '\n', hl);
	e = p + hl;
	while (line && ++line < e) {
		const char *nl = memchr(line, '\n', (size_t)(e - line));
		const char *end = nl ? nl : e, *colon;
		size_t ln = (size_t)(end - line);

		colon = memchr(line, ':', ln);
		if (colon) {
			size_t kn = (size_t)(colon - line);
			struct warc_str v = trim(colon + 1, ln - kn - 1);

			if (name_is(line, kn, "Server"))
				rec->http_server = v;
			else if (name_is(line, kn, "Content-Type"))
				rec->http_content_type = v;
			else if (name_is(line, kn, "Content-Encoding"))
				rec->http_content_encoding = v;
			else if (name_is(line, kn, "Transfer-Encoding"))
				rec->http_transfer_encoding = v;
		}
		line = nl;
	}
	payload.p = p + hl;
	payload.n = n - hl;
	if (payload.n > 0 && contains_ci(rec->http_transfer_encoding, "chunked")) {
		rc = dechunk(r, payload.p, payload.n, &dec, &err);
		if (err)
			return err;
		if (rc < 0) {
			rec->flags |= WARC_F_CHUNK_BAD;
			r->n_bad_chunked++;
		} else {
			payload = dec;
			if (rc > 0)
				rec->flags |= WARC_F_BODY_CAPPED;
		}
	}
	if (payload.n > 0 &&
	    (contains_ci(rec->http_content_encoding, "gzip") ||
	     contains_ci(rec->http_content_encoding, "deflate"))) {
		rc = inflate_body(r, payload.p, payload.n, &dec, &err);
		if (err)
			return err;
		if (rc < 0) {
			rec->flags |= WARC_F_ENCODING_BAD;
			r->n_bad_encoding++;
		} else {
			payload = dec;
			if (rc > 0)
				rec->flags |= WARC_F_BODY_CAPPED;
		}
	}
	if (payload.n > r->o.max_body) {
		payload.n = r->o.max_body;
		rec->flags |= WARC_F_BODY_CAPPED;
	}
	if (rec->flags & WARC_F_BODY_CAPPED)
		r->n_capped++;
	rec->body = payload;
	return CIB_OK;
}

/* ---- records ----------------------------------------------------------- */

static uint64_t member_offset(struct warc_reader *r, uint64_t dec)
{
	size_t i = r->mb_n, keep;

	if (!r->is_gz)
		return dec;
	while (i > 0 && r->mb_dec[i - 1] > dec)
		i--;
	if (i == 0)
		return 0;
	/* earlier members are never asked for again */
	keep = i - 1;
	if (keep > 0) {
		memmove(r->mb_dec, r->mb_dec + keep,
			(r->mb_n - keep) * sizeof(*r->mb_dec));
		memmove(r->mb_comp, r->mb_comp + keep,
			(r->mb_n - keep) * sizeof(*r->mb_comp));
		r->mb_n -= keep;
	}
	return r->mb_comp[0];
}

/* A malformed record: reported (data_error), then the reader moves on to
 * the next "WARC/" line. */
static enum cib_err bad_record(struct warc_reader *r, uint64_t off,
			       const char *what, const char *detail)
{
	enum cib_err err = data_error(r, off, what, detail);

	return err ? err : resync(r);
}

/* Skips the blank lines between records; *more is 0 at the end. */
static enum cib_err skip_blank_lines(struct warc_reader *r, int *more)
{
	*more = 0;
	for (;;) {
		enum cib_err err = fill(r, 1);
		const char *s;

		if (err)
			return err;
		if (!avail(r))
			return CIB_OK;
		s = r->win + r->pos;
		if (*s != '\r' && *s != '\n')
			break;
		r->pos++;
	}
	*more = 1;
	return CIB_OK;
}

/* Buffers the header block at r->pos (doubling up to max_header) and
 * gives its length in *hl, 0 when no end was found. */
static enum cib_err header_block(struct warc_reader *r, size_t *hl)
{
	*hl = 0;
	for (size_t want = 4096;; want *= 2) {
		enum cib_err err;

		if (want > r->o.max_header)
			want = r->o.max_header;
		err = fill(r, want);
		if (err)
			return err;
		*hl = header_end(r->win + r->pos, avail(r) < r->o.max_header
							  ? avail(r)
							  : r->o.max_header);
		if (*hl || want == r->o.max_header || avail(r) < want)
			return CIB_OK;
	}
}

/* Whether the block of rec (header hl bytes at s) ends at the record
 * boundary: CRLF CRLF, then the next record or the end. */
static int ends_at_boundary(const struct warc_reader *r, const char *s,
			    size_t hl, const struct warc_record *rec)
{
	const char *t = s + hl + rec->content_length;
	size_t left = avail(r) - hl - rec->content_length, i = 0;

	while (i < left && i < 4 && (t[i] == '\r' || t[i] == '\n'))
		i++;
	return i >= 4 || (i == left && r->out_eof) ||
	       (left - i >= 5 && memcmp(t + i, "WARC/", 5) == 0);
}

/* Hands out the record whose header (hl bytes) starts at s: its block,
 * and for a response, revisit or resource its HTTP body. */
static enum cib_err record_done(struct warc_reader *r,
				struct warc_record *rec, const char *s,
				size_t hl)
{
	rec->block.p = s + hl;
	rec->block.n = (size_t)rec->content_length;
	r->pos += hl + (size_t)rec->content_length;
	if (rec->type == WARC_T_RESPONSE || rec->type == WARC_T_REVISIT) {
		enum cib_err err = parse_http(r, rec);

		if (err)
			return err;
	} else if (rec->type == WARC_T_RESOURCE) {
		rec->body = rec->block;
		if (rec->body.n > r->o.max_body) {
			rec->body.n = r->o.max_body;
			rec->flags |= WARC_F_BODY_CAPPED;
			r->n_capped++;
		}
	}
	r->n_records++;
	r->n_by_type[rec->type]++;
	return CIB_OK;
}

enum cib_err warc_next(struct warc_reader *r, struct warc_record *rec,
		       int *got)
{
	enum cib_err err;
	size_t hl;
	uint64_t d;
	char detail[160];

	*got = 0;
	if (!r->win && !r->in_eof && r->in_len == 0 && r->in_base == 0) {
		err = stream_start(r);
		if (err)
			return err;
	}
	for (;;) {
		const char *s;
		uint64_t off;
		int more;

		memset(rec, 0, sizeof(*rec));
		err = skip_blank_lines(r, &more);
		if (err || !more)
			return err;
		rec->doffset = r->base + r->pos;
		off = rec->offset = member_offset(r, rec->doffset);
		err = header_block(r, &hl);
		if (err)
			return err;
		s = r->win + r->pos;
		if (avail(r) < 8 || memcmp(s, "WARC/1.", 7) != 0 ||
		    (s[7] != '0' && s[7] != '1')) {
			err = bad_record(r, off, "not a WARC record",
					 "no WARC/1.0 or WARC/1.1 line");
			if (err)
				return err;
			continue;
		}
		if (!hl) {
			if (avail(r) >= r->o.max_header) {
				snprintf(detail, sizeof(detail),
					 "over %zu bytes", r->o.max_header);
				err = bad_record(r, off,
						 "WARC header block too long",
						 detail);
			} else if (!r->fatal) {
				/* (a cut gzip member was reported already) */
				err = bad_record(r, off,
						 "truncated WARC header block",
						 NULL);
			} else {
				err = resync(r);
			}
			if (err)
				return err;
			continue;
		}
		rec->version = s[7] == '1' ? 11 : 10;
		if (parse_fields(rec, s, hl) != 0) {
			err = bad_record(r, off, "missing or bad Content-Length",
					 NULL);
			if (err)
				return err;
			continue;
		}
		if (rec->content_length > r->o.max_record) {
			snprintf(detail, sizeof(detail),
				 "Content-Length %llu over the cap of %zu",
				 (unsigned long long)rec->content_length,
				 r->o.max_record);
			err = data_error(r, off, "record too big", detail);
			if (err)
				return err;
			r->pos += hl;
			err = discard(r, rec->content_length, &d);
			if (err)
				return err;
			continue;
		}
		err = fill(r, hl + (size_t)rec->content_length + 16);
		if (err)
			return err;
		s = r->win + r->pos;
		if (avail(r) < hl + rec->content_length) {
			snprintf(detail, sizeof(detail),
				 "Content-Length %llu but %zu bytes left",
				 (unsigned long long)rec->content_length,
				 avail(r) - hl);
			if (!r->fatal)
				err = data_error(r, off, "truncated record",
						 detail);
			if (err)
				return err;
			r->pos = r->len;
			continue;
		}
		if (!ends_at_boundary(r, s, hl, rec)) {
			snprintf(detail, sizeof(detail),
				 "Content-Length %llu does not end at "
				 "a record boundary",
				 (unsigned long long)rec->content_length);
			err = bad_record(r, off, "wrong record length", detail);
			if (err)
				return err;
			continue;
		}
		err = record_done(r, rec, s, hl);
		if (err)
			return err;
		*got = 1;
		return CIB_OK;
	}
}

int warc_sniff(const void *buf, size_t n)
{
	const unsigned char *b = buf;
	unsigned char out[16];
	z_stream zs;
	int ok = 0;

	if (n >= 7 && memcmp(b, "WARC/1.", 7) == 0)
		return 1;
	if (n < 2 || b[0] != 0x1f || b[1] != 0x8b)
		return 0;
	memset(&zs, 0, sizeof(zs));
	if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
		return 0;
	zs.next_in = (Bytef *)(uintptr_t)b;
	zs.avail_in = (uInt)(n > (1u << 30) ? (1u << 30) : n);
	zs.next_out = out;
	zs.avail_out = 7;
	(void)inflate(&zs, Z_NO_FLUSH);
	if (zs.avail_out == 0 && memcmp(out, "WARC/1.", 7) == 0)
		ok = 1;
	inflateEnd(&zs);
	return ok;
}

int64_t warc_parse_date(const char *s, size_t n)
{
	int64_t t;

	if (!s || n == 0 || timefmt_parse_iso(s, n, &t, NULL) != 0)
		return -1;
	return t;
}
