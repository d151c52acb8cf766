/* csvrec.c - CSV bytes split into records: libcsv with line numbers, a
 * record-size cap, the header's names, and a fast path for plain records.
 * The only module that drives libcsv; collectors/csvread adds the
 * collectors' structural checks on top, review/ and fetch/ read their
 * inputs through it directly.
 *
 * libcsv calls back once per field (cb_field) and once per record end or,
 * with CSV_REPALL_NL, per unquoted CR/LF (cb_row). Fields of the current
 * record are copied, NUL-terminated, into one growing buffer; the record is
 * handed on at its end. Invariants:
 *   - p->line is 1 + the LF bytes consumed by callbacks so far, so a record's
 *     start line is p->line when its first field (or, at EOF, its open
 *     quote) is seen;
 *   - the record buffer never exceeds max_record (+ repair slack); past it
 *     the record is marked too big and only its fields are counted; fields
 *     past the header's count are likewise only counted;
 *   - libcsv's own field buffer is rewound while a record is too big, so an
 *     unterminated quote near the start of a 4 GB file costs max_record, not
 *     4 GB. Rewinding keeps the last byte: libcsv 3.0.3 drops that byte (the
 *     closing-quote candidate) when the field ends, and with our is_space
 *     returning 0 its `spaces` count stays 0, so the state stays consistent.
 *
 * The fast path. libcsv looks at every byte through a state machine (8-10
 * cycles a byte here, a third of a whole ingest), so records in the plain
 * RFC 4180 shape are split here instead, 16 bytes at a step: a quoted field
 * ends at a quote followed by a comma or line end, an unquoted one at a
 * comma or line end. Anything else - a quote inside an unquoted field,
 * bytes after a closing quote, a record longer than a read chunk, the end
 * of input inside a record - is handed to libcsv from the start of that
 * record, and the fast path resumes once libcsv has ended a row at a line
 * feed. Both paths store fields through store_field() and end records
 * through end_record(), so records, lines and reports are the same either
 * way; fuzz/fuzz_csvread.c compares the two on arbitrary input and
 * tests/test_csvread.c, tests/test_ioarchive.c on the fixtures.
 */
#include "csvrec.h"

#include <csv.h>
#include <pthread.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CSVREC_CHUNK ((size_t)1 << 20)
/* Bytes after the window that a 16-byte load may touch (never used). */
#define CSVREC_PAD 16
#define CSVREC_BLK ((size_t)1 << 16)
/* Most header columns accepted; data records store at most as many fields
 * as the header has (the rest are only counted), so a row of a million
 * commas costs nothing. */
#define CSVREC_MAX_COLS 4096
/* Pipelined reading: batches in flight, and when a batch is handed on. */
#define PIPE_NB 4
#define PIPE_BATCH_BYTES ((size_t)1 << 20)
#define PIPE_BATCH_RECS 4096


/* One record (or event) in a batch: its ns stored fields (of nf seen) lie
 * one after another from buf + boff, each followed by a NUL, with lengths
 * flen[f0 .. f0+ns). */
struct rinfo {
	uint64_t line;
	size_t boff, f0, nf, ns, nul_col;
	int too_big;
	enum csvrec_kind kind;
};

struct rbatch {
	char *buf;
	size_t len, cap;
	size_t *flen;
	size_t nfld, capf;
	struct rinfo *rec;
	size_t n, capr;
};

/* Producer (libcsv and the structural checks) on a second thread, consumer
 * (the caller's callback) on the caller's: batches [head, tail) are
 * full, in input order, so the consumer sees exactly the sequence the
 * one-thread reader would. */
struct pipe {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct rbatch b[PIPE_NB];
	size_t head, tail;
	int done, stop;
	enum cib_err perr;   /* producer's fatal error, after its records */
	char perrmsg[512];   /* its message, for r->errmsg */
	size_t first_got;    /* bytes of the first chunk, already read */
};

#define F_ESC 1u /* holds "" pairs */
#define F_NUL 2u /* holds a 0 byte */
#define F_HI 4u  /* holds a byte >= 0x80 (UTF-8 to check) */

struct csvpriv {
	struct csv_parser p;
	int p_ok;
	char *chunk;      /* the read window: 2 * chunk_size + CSVREC_PAD */
	size_t chunk_size;
	int fallback;     /* libcsv has the current record */
	uint64_t rows;    /* libcsv row-end callbacks so far */
	/* current record: field i is ptr[i][0..flen[i]), NUL-terminated; it
	 * lies in the window (off[i] == IN_WINDOW: the fast path splits and
	 * terminates fields in place) or at buf + off[i] (libcsv's fields,
	 * repaired UTF-8), where ptr[i] is set once buf stops moving */
	char *buf;
	size_t len, cap;  /* bytes used in buf */
	size_t size;      /* the record's kept bytes, for max_record */
	size_t *off, *flen;
	const char **ptr;
	unsigned char *fl; /* the fast path's F_* per field */
	size_t nf, capf;
	int in_rec, too_big;
	size_t nul_col; /* 1 + first column holding a NUL byte, 0 = none */
	uint64_t rec_line;
	uint64_t line;
	size_t max_record;
	char delim; /* the field separator (r->delim, ',' when 0) */
	/* dispatch */
	int have_header;
	enum cib_err err;
	csvrec_event_fn on_event;
	void *ctx;
	csvrec_read_fn read;
	void *read_ctx;
	char pend[3]; /* the input's first bytes, read to look for a BOM */
	size_t npend;
	struct csvrec_reader *r;
	struct pipe *pipe; /* non-NULL while reading on two threads */
	/* the consumer's field pointers when pipelined (off, flen, ptr and
	 * buf above are the parsing thread's) */
	const char **cptr;
	size_t ccap;
};

static int no_space(unsigned char c)
{
	(void)c;
	return 0;
}

void csvrec_init(struct csvrec_reader *r)
{
	memset(r, 0, sizeof(*r));
}

void csvrec_release(struct csvrec_reader *r)
{
	struct csvpriv *p;

	if (!r)
		return;
	p = r->priv;
	if (p) {
		if (p->p_ok)
			csv_free(&p->p);
		free(p->chunk);
		free(p->buf);
		free(p->off);
		free(p->flen);
		free(p->ptr);
		free(p->fl);
		free((void *)p->cptr);
		free(p);
	}
	free(r->hdr_buf);
	free(r->hdr_off);
	r->priv = NULL;
	r->hdr_buf = NULL;
	r->hdr_off = NULL;
	r->n_cols = 0;
}

int csvrec_col(const struct csvrec_reader *r, const char *name)
{
	for (size_t i = 0; i < r->n_cols; i++)
		if (strcmp(r->hdr_buf + r->hdr_off[i], name) == 0)
			return (int)i;
	return -1;
}

const char *csvrec_colname(const struct csvrec_reader *r, int i)
{
	if (i < 0 || (size_t)i >= r->n_cols)
		return "";
	return r->hdr_buf + r->hdr_off[i];
}

/* Length of the valid UTF-8 sequence at s[0..n), or 0 when s[0] does not
 * start one (overlongs, surrogates and > U+10FFFF are invalid). */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		return n >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
	if (c >= 0xE0 && c <= 0xEF) {
		unsigned lo = c == 0xE0 ? 0xA0 : 0x80;
		unsigned hi = c == 0xED ? 0x9F : 0xBF;

		return n >= 3 && s[1] >= lo && s[1] <= hi &&
			       (s[2] & 0xC0) == 0x80
			       ? 3
			       : 0;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		unsigned lo = c == 0xF0 ? 0x90 : 0x80;
		unsigned hi = c == 0xF4 ? 0x8F : 0xBF;

		return n >= 4 && s[1] >= lo && s[1] <= hi &&
			       (s[2] & 0xC0) == 0x80 && (s[3] & 0xC0) == 0x80
			       ? 4
			       : 0;
	}
	return 0;
}

/* Offset of the first invalid UTF-8 byte in s[0..n), or n. */
static size_t utf8_valid_prefix(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		uint64_t w;

		if (i + 8 <= n) {
			memcpy(&w, s + i, 8);
			if (!(w & UINT64_C(0x8080808080808080))) {
				i += 8;
				continue;
			}
		}
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		size_t k = utf8_seq(s + i, n - i);

		if (!k)
			return i;
		i += k;
	}
	return n;
}

static int grow(void **ptr, size_t *cap, size_t need, size_t elem)
{
	size_t nc = *cap ? *cap : 64;
	void *np;

	while (nc < need)
		nc *= 2;
	np = realloc(*ptr, nc * elem);
	if (!np)
		return -1;
	*ptr = np;
	*cap = nc;
	return 0;
}

static int ensure_buf(struct csvpriv *p, size_t need)
{
	return need <= p->cap ? 0 : grow((void **)&p->buf, &p->cap, need, 1);
}

#define IN_WINDOW SIZE_MAX

static void start_record(struct csvpriv *p)
{
	p->in_rec = 1;
	p->rec_line = p->line;
	p->nf = 0;
	p->len = 0;
	p->size = 0;
	p->too_big = 0;
	p->nul_col = 0;
}

/* Room for n fields in the per-field arrays. */
static int ensure_fields(struct csvpriv *p, size_t n)
{
	size_t c1 = p->capf, c2 = p->capf, c3 = p->capf, c4 = p->capf;

	if (n <= p->capf)
		return 0;
	if (grow((void **)&p->off, &c1, n, sizeof(*p->off)) ||
	    grow((void **)&p->flen, &c2, n, sizeof(*p->flen)) ||
	    grow((void **)&p->ptr, &c3, n, sizeof(*p->ptr)) ||
	    grow((void **)&p->fl, &c4, n, sizeof(*p->fl)))
		return -1;
	p->capf = c1;
	return 0;
}

/* Appends s[0..len) to buf as column col, each byte that starts no valid
 * UTF-8 sequence replaced by U+FFFD, NUL-terminated. */
static int append_repaired(struct csvpriv *p, size_t col,
			   const unsigned char *s, size_t len)
{
	size_t i = 0;

	p->r->n_repaired++;
	if (ensure_buf(p, p->len + 3 * len + 1))
		return -1;
	p->off[col] = p->len;
	while (i < len) {
		size_t k = utf8_seq(s + i, len - i);

		if (k) {
			memcpy(p->buf + p->len, s + i, k);
			p->len += k;
			i += k;
		} else {
			memcpy(p->buf + p->len, "\xEF\xBF\xBD", 3);
			p->len += 3;
			i++;
		}
	}
	p->flen[col] = p->len - p->off[col];
	p->buf[p->len++] = '\0';
	return 0;
}

/* Points ptr[] at the fields kept in buf, now that it stops moving. */
static void resolve_fields(struct csvpriv *p, size_t ns)
{
	for (size_t i = 0; i < ns; i++)
		if (p->off[i] != IN_WINDOW)
			p->ptr[i] = p->buf + p->off[i];
}

/* Stores one field libcsv found, s[0..len) with quoting undone: counted
 * always, kept in buf while the record is within max_record and the
 * header's column count. */
static void store_field(struct csvpriv *p, const unsigned char *s, size_t len)
{
	size_t col = p->nf++;

	if (p->too_big ||
	    col >= (p->have_header ? p->r->n_cols : CSVREC_MAX_COLS))
		return;
	if (p->size + len + 1 > p->max_record) {
		p->too_big = 1;
		return;
	}
	if (!p->nul_col && memchr(s, '\0', len))
		p->nul_col = col + 1;
	if (ensure_fields(p, p->nf)) {
		p->err = CIB_ENOMEM;
		return;
	}
	if (utf8_valid_prefix(s, len) == len) {
		if (ensure_buf(p, p->len + len + 1)) {
			p->err = CIB_ENOMEM;
			return;
		}
		p->off[col] = p->len;
		memcpy(p->buf + p->len, s, len);
		p->len += len;
		p->flen[col] = len;
		p->buf[p->len++] = '\0';
	} else if (append_repaired(p, col, s, len)) {
		p->err = CIB_ENOMEM;
		return;
	}
	p->size += p->flen[col] + 1;
}

/* libcsv's field callback. */
static void cb_field(void *field, size_t len, void *data)
{
	struct csvpriv *p = data;
	const unsigned char *s = field ? field : (const unsigned char *)"";
	const unsigned char *q = s, *end = s + len;

	if (p->err)
		return;
	if (!p->in_rec)
		start_record(p);
	while ((q = memchr(q, '\n', (size_t)(end - q))) != NULL) {
		p->line++;
		q++;
	}
	store_field(p, s, len);
}

/* A fatal error of the reading side: straight to r->errmsg on one thread;
 * kept for the caller's thread (which reports it after the records before
 * it) when pipelined. */
static void pfail(struct csvpriv *p, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

static void pfail(struct csvpriv *p, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!p->pipe)
		snprintf(p->r->errmsg, sizeof(p->r->errmsg), "%s", msg);
	else if (!p->pipe->perrmsg[0])
		snprintf(p->pipe->perrmsg, sizeof(p->pipe->perrmsg), "%s", msg);
}

/* Stores the header row's names (trimmed) in r; the event is the caller's
 * to send. */
static enum cib_err store_header(struct csvpriv *p)
{
	struct csvrec_reader *r = p->r;

	if (p->too_big) {
		pfail(p, "header row longer than %zu bytes%s", p->max_record,
		      r->cap_hint ? r->cap_hint : "");
		return CIB_ETOOBIG;
	}
	if (p->nf > CSVREC_MAX_COLS) {
		pfail(p, "header row has more than %d columns",
		      CSVREC_MAX_COLS);
		return CIB_ETOOBIG;
	}
	resolve_fields(p, p->nf);
	r->hdr_buf = malloc(p->size + 1);
	r->hdr_off = malloc((p->nf + 1) * sizeof(*r->hdr_off));
	if (!r->hdr_buf || !r->hdr_off)
		return CIB_ENOMEM;
	for (size_t i = 0, o = 0; i < p->nf; i++) {
		memcpy(r->hdr_buf + o, p->ptr[i], p->flen[i] + 1);
		r->hdr_off[i] = o;
		o += p->flen[i] + 1;
	}
	r->hdr_buf[p->size] = '\0';
	for (size_t i = 0; i < p->nf; i++) {
		/* names are compared trimmed of surrounding blanks */
		size_t o = r->hdr_off[i], l = p->flen[i];

		while (l && (r->hdr_buf[o] == ' ' || r->hdr_buf[o] == '\t')) {
			o++;
			l--;
		}
		while (l && (r->hdr_buf[o + l - 1] == ' ' ||
			     r->hdr_buf[o + l - 1] == '\t' ||
			     r->hdr_buf[o + l - 1] == '\r'))
			l--;
		r->hdr_buf[o + l] = '\0';
		r->hdr_off[i] = o;
	}
	r->n_cols = p->nf;
	r->header_line = p->rec_line;
	p->have_header = 1;
	return CIB_OK;
}

/* Fields stored of the current data record: the first min(nf, n_cols),
 * none when it is too big. */
static size_t stored(const struct csvpriv *p)
{
	if (p->too_big)
		return 0;
	return p->nf < p->r->n_cols ? p->nf : p->r->n_cols;
}

/* The caller's callback for one data record (or event) of nf fields, ns of
 * them stored: field i is ptr[i][0..flen[i]), NUL-terminated. */
static enum cib_err deliver(struct csvpriv *p, enum csvrec_kind kind,
			    uint64_t line, size_t nf, int too_big,
			    size_t nul_col, size_t ns, const char *const *ptr,
			    const size_t *flen)
{
	struct csvrec_event ev;

	ev.kind = kind;
	ev.line = line;
	ev.nf = nf;
	ev.too_big = too_big;
	ev.nul_col = nul_col;
	ev.rec.line = line;
	ev.rec.n = ns;
	ev.rec.f = ptr;
	ev.rec.len = flen;
	return p->on_event(p->ctx, &ev);
}

static enum cib_err dispatch(struct csvpriv *p)
{
	enum cib_err err;

	if (!p->have_header) {
		err = store_header(p);
		return err ? err
			   : deliver(p, CSVREC_HEADER, p->rec_line,
				     p->r->n_cols, 0, 0, 0, NULL, NULL);
	}
	resolve_fields(p, stored(p));
	return deliver(p, CSVREC_RECORD, p->rec_line, p->nf, p->too_big,
		       p->nul_col, stored(p), p->ptr, p->flen);
}

/* ---- two threads ---------------------------------------------------- */

static int rb_reserve(struct rbatch *b, size_t bytes, size_t fields)
{
	if (b->len + bytes > b->cap &&
	    grow((void **)&b->buf, &b->cap, b->len + bytes, 1))
		return -1;
	if (b->nfld + fields > b->capf) {
		size_t c = b->capf;

		if (grow((void **)&b->flen, &c, b->nfld + fields,
			 sizeof(*b->flen)))
			return -1;
		b->capf = c;
	}
	if (b->n == b->capr) {
		size_t c = b->capr;

		if (grow((void **)&b->rec, &c, b->n + 1, sizeof(*b->rec)))
			return -1;
		b->capr = c;
	}
	return 0;
}

/* Hands the batch being filled to the consumer and waits for a free one;
 * nonzero when the consumer has stopped reading. */
static int handoff(struct pipe *q)
{
	int stop;
	struct rbatch *b;

	pthread_mutex_lock(&q->mu);
	q->tail++;
	pthread_cond_broadcast(&q->cv);
	while (q->tail - q->head == PIPE_NB && !q->stop)
		pthread_cond_wait(&q->cv, &q->mu);
	stop = q->stop;
	pthread_mutex_unlock(&q->mu);
	b = &q->b[q->tail % PIPE_NB];
	b->len = b->nfld = b->n = 0;
	return stop;
}

/* Appends the current record (or a header / end-of-input event) to the
 * batch being filled. */
static enum cib_err emit(struct csvpriv *p, enum csvrec_kind kind,
			 uint64_t line)
{
	struct pipe *q = p->pipe;
	struct rbatch *b = &q->b[q->tail % PIPE_NB];
	size_t ns = kind == CSVREC_RECORD ? stored(p) : 0;
	size_t bytes = 0;
	struct rinfo *ri;

	if (ns)
		resolve_fields(p, ns);
	for (size_t i = 0; i < ns; i++)
		bytes += p->flen[i] + 1;

	if (rb_reserve(b, bytes, ns))
		return CIB_ENOMEM;
	ri = &b->rec[b->n++];
	ri->kind = kind;
	ri->line = line;
	ri->boff = b->len;
	ri->f0 = b->nfld;
	ri->nf = kind == CSVREC_RECORD ? p->nf : 0;
	ri->ns = ns;
	ri->nul_col = kind == CSVREC_RECORD ? p->nul_col : 0;
	ri->too_big = kind == CSVREC_RECORD && p->too_big;
	if (ns)
		memcpy(b->flen + b->nfld, p->flen, ns * sizeof(*b->flen));
	for (size_t i = 0; i < ns; i++) {
		memcpy(b->buf + b->len, p->ptr[i], p->flen[i] + 1);
		b->len += p->flen[i] + 1;
	}
	b->nfld += ns;
	if ((b->len >= PIPE_BATCH_BYTES || b->n >= PIPE_BATCH_RECS) &&
	    handoff(q))
		return CIB_EPARSE; /* the consumer stopped: just end */
	return CIB_OK;
}

/* The producer's view of a record end. */
static enum cib_err emit_record(struct csvpriv *p)
{
	enum cib_err err;

	if (!p->have_header) {
		err = store_header(p);
		return err ? err : emit(p, CSVREC_HEADER, p->rec_line);
	}
	return emit(p, CSVREC_RECORD, p->rec_line);
}

/* The end of the current record: to the collector, or into a batch. */
static void end_record(struct csvpriv *p)
{
	p->in_rec = 0;
	p->err = p->pipe ? emit_record(p) : dispatch(p);
}

static void cb_row(int c, void *data)
{
	struct csvpriv *p = data;

	p->rows++;
	if (p->err)
		return;
	if (p->in_rec)
		end_record(p);
	if (c == '\n')
		p->line++;
}

/* Bounds libcsv's field buffer. The field in progress is column nf of the
 * record (0 before its first field). When that column is kept and the
 * record with it would pass max_record, the record is too big (as
 * store_field would find at the field's end); a column past the header's
 * is never kept, and only its own size matters. The field holds at least
 * entry_pos - 1 bytes: the last may be a closing quote that libcsv drops
 * when the field ends. Either way the buffer is
 * rewound to its last byte, after counting the LFs it drops, so memory
 * stays within the cap and line numbers stay right. */
static void check_size(struct csvpriv *p)
{
	size_t lim = p->have_header ? p->r->n_cols : CSVREC_MAX_COLS;
	size_t pos = p->p.entry_pos;
	int kept = (p->in_rec ? p->nf : 0) < lim;
	const unsigned char *b = p->p.entry_buf, *q;

	if (pos <= 1)
		return;
	if (kept && !(p->in_rec && p->too_big) &&
	    (p->in_rec ? p->size : 0) + pos <= p->max_record)
		return;
	if (!kept && pos <= p->max_record)
		return;
	if (!p->in_rec)
		start_record(p);
	if (kept)
		p->too_big = 1;
	for (q = b; (q = memchr(q, '\n', (size_t)(b + pos - 1 - q))) != NULL;
	     q++)
		p->line++;
	p->p.entry_buf[0] = p->p.entry_buf[pos - 1];
	p->p.entry_pos = 1;
}

/* libcsv over b[0..n), in steps of at most a chunk, bounding its buffer
 * after each. */
static enum cib_err feed(struct csvpriv *p, const char *b, size_t n)
{
	while (n && !p->err) {
		size_t k = n < CSVREC_CHUNK ? n : CSVREC_CHUNK;
		size_t done = csv_parse(&p->p, b, k, cb_field, cb_row, p);

		if (p->err)
			break;
		if (done != k) {
			pfail(p, "csv parser: %s",
			      csv_strerror(csv_error(&p->p)));
			p->err = CIB_ENOMEM;
			break;
		}
		check_size(p);
		b += k;
		n -= k;
	}
	return p->err;
}

/* ---- the fast path ----------------------------------------------------- */

static unsigned ctz16(unsigned m)
{
	return (unsigned)__builtin_ctz(m);
}

/* Set bits of m; LF bytes are rare in fields, so the loop rarely runs
 * (and a generic x86-64 build has no popcount instruction). */
static unsigned popcount16(unsigned m)
{
	unsigned n = 0;

	for (; m; m &= m - 1)
		n++;
	return n;
}

/* The first '"' in [s, e), or NULL; adds the LF bytes before it to *nl and
 * F_NUL / F_HI to *flags for the bytes before it. */
static const char *scan_quoted(const char *s, const char *e, unsigned *nl,
			       unsigned *flags)
{
#if defined(__SSE2__)
	const __m128i vq = _mm_set1_epi8('"'), vn = _mm_set1_epi8('\n');
	const __m128i vz = _mm_setzero_si128();

	while (e - s >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)s);
		unsigned mq = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, vq));
		unsigned mn = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, vn));
		unsigned mz = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, vz));
		unsigned mh = (unsigned)_mm_movemask_epi8(v);
		unsigned keep = mq ? (mq & (0u - mq)) - 1 : 0xFFFFu;

		*nl += popcount16(mn & keep);
		if (mz & keep)
			*flags |= F_NUL;
		if (mh & keep)
			*flags |= F_HI;
		if (mq)
			return s + ctz16(mq);
		s += 16;
	}
#endif
	for (; s < e; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"')
			return s;
		if (c == '\n')
			(*nl)++;
		else if (c == 0)
			*flags |= F_NUL;
		else if (c >= 0x80)
			*flags |= F_HI;
	}
	return NULL;
}

/* The first of the delimiter, '\n' '\r' '"' in [s, e), or NULL; F_NUL /
 * F_HI to *flags for the bytes before it. */
static const char *scan_plain(const char *s, const char *e, char delim,
			      unsigned *flags)
{
#if defined(__SSE2__)
	const __m128i vc = _mm_set1_epi8(delim), vn = _mm_set1_epi8('\n');
	const __m128i vr = _mm_set1_epi8('\r'), vq = _mm_set1_epi8('"');
	const __m128i vz = _mm_setzero_si128();

	while (e - s >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)s);
		__m128i st = _mm_or_si128(
			_mm_or_si128(_mm_cmpeq_epi8(v, vc),
				     _mm_cmpeq_epi8(v, vn)),
			_mm_or_si128(_mm_cmpeq_epi8(v, vr),
				     _mm_cmpeq_epi8(v, vq)));
		unsigned ms = (unsigned)_mm_movemask_epi8(st);
		unsigned mz = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, vz));
		unsigned mh = (unsigned)_mm_movemask_epi8(v);
		unsigned keep = ms ? (ms & (0u - ms)) - 1 : 0xFFFFu;

		if (mz & keep)
			*flags |= F_NUL;
		if (mh & keep)
			*flags |= F_HI;
		if (ms)
			return s + ctz16(ms);
		s += 16;
	}
#endif
	for (; s < e; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == (unsigned char)delim || c == '\n' || c == '\r' ||
		    c == '"')
			return s;
		if (c == 0)
			*flags |= F_NUL;
		else if (c >= 0x80)
			*flags |= F_HI;
	}
	return NULL;
}

enum fast_result { FR_RECORD, FR_MORE, FR_IRREGULAR, FR_NOMEM };

/* Splits the record at s (not a line end) into ptr/flen/fl: its first
 * *nkept fields as raw bytes (a doubled quote still doubled, F_ESC), the
 * rest only counted in *nf; the LF bytes inside it in *nl, and in *end its
 * terminating CR or LF. Nothing is written to the window: FR_MORE when
 * [s, e) ends inside the record, FR_IRREGULAR when it is not in the plain
 * shape, and libcsv then reads the same bytes. */
static enum fast_result fast_split(struct csvpriv *p, const char *s,
				   const char *e, size_t *nf, size_t *nkept,
				   unsigned *nl, const char **end)
{
	size_t lim = p->have_header ? p->r->n_cols : CSVREC_MAX_COLS;
	const char *q = s;
	size_t n = 0, k = 0;
	const char delim = p->delim;

	*nl = 0;
	for (;;) {
		const char *f, *z;
		unsigned flags = 0;

		if (q == e)
			return FR_MORE;
		if (*q == '"') {
			const char *c = q + 1;

			for (;;) {
				z = scan_quoted(c, e, nl, &flags);
				if (!z || z + 1 == e)
					return FR_MORE;
				if (z[1] != '"')
					break;
				flags |= F_ESC;
				c = z + 2;
			}
			f = q + 1;
			q = z + 1;
			if (*q != delim && *q != '\n' && *q != '\r')
				return FR_IRREGULAR;
		} else {
			z = scan_plain(q, e, delim, &flags);
			if (!z)
				return FR_MORE;
			if (*z == '"')
				return FR_IRREGULAR;
			f = q;
			q = z;
		}
		if (n < lim) {
			if (n >= p->capf && ensure_fields(p, n + 1))
				return FR_NOMEM;
			p->ptr[k] = f;
			p->flen[k] = (size_t)(z - f);
			p->fl[k] = (unsigned char)flags;
			k++;
		}
		n++;
		if (*q != delim)
			break;
		q++;
	}
	*nf = n;
	*nkept = k;
	*end = q;
	return FR_RECORD;
}

/* Keeps the fields fast_split found, in place: quotes undone, invalid
 * UTF-8 repaired into buf, each NUL-terminated over the byte after it (a
 * closing quote or a delimiter, of no later use), under the same rules as
 * store_field. Then ends the record. */
static void fast_commit(struct csvpriv *p, size_t nf, size_t nkept,
			unsigned nl)
{
	start_record(p);
	for (size_t i = 0; i < nkept; i++) {
		/* the window is ours: the field's bytes may be rewritten */
		char *f = p->chunk + (p->ptr[i] - p->chunk);
		size_t len = p->flen[i];
		unsigned flags = p->fl[i];

		if (flags & F_ESC) {
			size_t k = 0;

			for (size_t j = 0; j < len; j++) {
				f[k++] = f[j];
				if (f[j] == '"')
					j++; /* "" -> " */
			}
			len = k;
		}
		if (p->size + len + 1 > p->max_record) {
			p->too_big = 1;
			break;
		}
		if ((flags & F_NUL) && !p->nul_col)
			p->nul_col = i + 1;
		p->off[i] = IN_WINDOW;
		if ((flags & F_HI) &&
		    utf8_valid_prefix((const unsigned char *)f, len) != len) {
			if (append_repaired(p, i, (const unsigned char *)f,
					    len)) {
				p->err = CIB_ENOMEM;
				return;
			}
			len = p->flen[i];
		} else {
			f[len] = '\0';
			p->flen[i] = len;
		}
		p->size += len + 1;
	}
	p->nf = nf;
	p->line += nl;
	p->r->n_fast++;
	end_record(p);
}

/* libcsv over b[*pos..have) until it ends a row at a LF (the fast path
 * takes over from the next byte) or the bytes run out. Each LF is fed on
 * its own, so a row end seen while feeding it is a row end at that LF. */
static enum cib_err feed_fallback(struct csvpriv *p, const char *b,
				  size_t *pos, size_t have)
{
	while (*pos < have && p->fallback && !p->err) {
		const char *s = b + *pos;
		const char *lf = memchr(s, '\n', have - *pos);
		size_t k = lf ? (size_t)(lf - s) : have - *pos;
		uint64_t rows;

		if (k && feed(p, s, k))
			break;
		*pos += k;
		if (!lf)
			break;
		rows = p->rows;
		if (feed(p, lf, 1))
			break;
		*pos += 1;
		if (p->rows != rows && !p->r->libcsv_only)
			p->fallback = 0;
	}
	return p->err;
}

/* Splits window[*pos..have) into records until it ends inside one. */
static enum cib_err parse_window(struct csvpriv *p, size_t *pos, size_t have)
{
	const char *b = p->chunk;

	while (*pos < have && !p->err) {
		const char *s = b + *pos, *end;
		size_t nf, nkept;
		unsigned nl;

		if (p->fallback) {
			feed_fallback(p, b, pos, have);
			continue;
		}
		if (*s == '\n' || *s == '\r') {
			/* a line end between records (a blank line, or the
			 * LF of a CRLF) */
			if (*s == '\n')
				p->line++;
			(*pos)++;
			continue;
		}
		switch (fast_split(p, s, b + have, &nf, &nkept, &nl, &end)) {
		case FR_RECORD:
			/* the terminator is read before the commit may
			 * overwrite it */
			if (*end == '\n')
				nl++;
			*pos = (size_t)(end - b) + 1;
			fast_commit(p, nf, nkept, nl);
			break;
		case FR_MORE:
			/* a record longer than a chunk goes to libcsv, which
			 * bounds what it holds (check_size) */
			if (have - *pos < p->chunk_size)
				return p->err;
			p->fallback = 1;
			break;
		case FR_IRREGULAR:
			p->fallback = 1;
			break;
		case FR_NOMEM:
			return CIB_ENOMEM;
		}
	}
	return p->err;
}

/* The caller's read function; a failure is a fatal error with its message. */
static enum cib_err read_raw(struct csvpriv *p, char *buf, size_t cap,
			     size_t *got)
{
	const char *msg = NULL;
	enum cib_err err = p->read(p->read_ctx, buf, cap, got, &msg);

	if (err)
		pfail(p, "%s", msg ? msg : cib_strerror(err));
	return err;
}

/* The bytes looked at for a byte-order mark first, then the reader's. */
static enum cib_err read_some(struct csvpriv *p, char *buf, size_t cap,
			      size_t *got)
{
	if (p->npend) {
		size_t k = p->npend < cap ? p->npend : cap;

		memcpy(buf, p->pend, k);
		memmove(p->pend, p->pend + k, p->npend - k);
		p->npend -= k;
		*got = k;
		return CIB_OK;
	}
	return read_raw(p, buf, cap, got);
}

/* Parses from the window already holding `have` bytes to the end of input.
 * Records go to dispatch (one thread) or into batches (pipelined). */
static enum cib_err read_all(struct csvpriv *p, size_t have)
{
	struct csvrec_reader *r = p->r;
	size_t pos = 0, got;
	enum cib_err err;

	if (r->libcsv_only)
		p->fallback = 1;
	for (;;) {
		err = parse_window(p, &pos, have);
		if (err)
			return err;
		/* what is left is the start of a record, under a chunk */
		memmove(p->chunk, p->chunk + pos, have - pos);
		have -= pos;
		pos = 0;
		err = read_some(p, p->chunk + have, p->chunk_size, &got);
		if (err)
			return err;
		if (got == 0)
			break;
		have += got;
	}
	/* end of input inside a record: libcsv has the last word on it */
	if (have && feed(p, p->chunk, have))
		return p->err;
	/* an open quote is one bad record, not a silent field */
	csv_set_opts(&p->p, CSV_REPALL_NL | CSV_STRICT | CSV_STRICT_FINI);
	if (csv_fini(&p->p, cb_field, cb_row, p) != 0) {
		uint64_t line = p->in_rec ? p->rec_line : p->line;

		p->in_rec = 0;
		if (!p->have_header) {
			pfail(p, "line %llu: unterminated quoted field in the "
				 "header row",
			      (unsigned long long)line);
			return CIB_EFORMAT;
		}
		if (p->pipe)
			return emit(p, CSVREC_UNTERMINATED, line);
		return deliver(p, CSVREC_UNTERMINATED, line, 0, 0, 0, 0, NULL,
			       NULL);
	}
	if (p->err)
		return p->err;
	if (!p->have_header) {
		pfail(p, "%s", "no header row");
		return CIB_EFORMAT;
	}
	return CIB_OK;
}

static void *producer(void *arg)
{
	struct csvpriv *p = arg;
	struct pipe *q = p->pipe;
	enum cib_err err = read_all(p, q->first_got);

	pthread_mutex_lock(&q->mu);
	if (q->b[q->tail % PIPE_NB].n)
		q->tail++; /* the last, partly filled batch */
	q->perr = err;
	q->done = 1;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

/* The consumer's handling of one batch entry. */
static enum cib_err consume(struct csvpriv *p, const struct rbatch *b,
			    const struct rinfo *ri)
{
	switch (ri->kind) {
	case CSVREC_HEADER:
		return deliver(p, CSVREC_HEADER, ri->line, p->r->n_cols, 0, 0,
			       0, NULL, NULL);
	case CSVREC_UNTERMINATED:
		return deliver(p, CSVREC_UNTERMINATED, ri->line, 0, 0, 0, 0,
			       NULL, NULL);
	case CSVREC_RECORD:
		break;
	}
	if (ri->ns > p->ccap) {
		size_t c = p->ccap;

		if (grow((void **)&p->cptr, &c, ri->ns, sizeof(*p->cptr)))
			return CIB_ENOMEM;
		p->ccap = c;
	}
	/* a record's stored fields lie end to end from boff */
	for (size_t i = 0, o = ri->boff; i < ri->ns; i++) {
		p->cptr[i] = b->buf + o;
		o += b->flen[ri->f0 + i] + 1;
	}
	return deliver(p, CSVREC_RECORD, ri->line, ri->nf, ri->too_big,
		       ri->nul_col, ri->ns, p->cptr, b->flen + ri->f0);
}

static void pipe_free(struct pipe *q)
{
	for (size_t i = 0; i < PIPE_NB; i++) {
		free(q->b[i].buf);
		free(q->b[i].flen);
		free(q->b[i].rec);
	}
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->cv);
	free(q);
}

/* Reads on two threads: libcsv and the structural work on a new one, the
 * collector's callbacks on this one, in input order. */
static enum cib_err read_piped(struct csvpriv *p, size_t got)
{
	struct pipe *q = calloc(1, sizeof(*q));
	enum cib_err err = CIB_OK;

	if (!q)
		return read_all(p, got);
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->cv, NULL);
	q->first_got = got;
	p->pipe = q;
	if (pthread_create(&q->th, NULL, producer, p) != 0) {
		p->pipe = NULL;
		pipe_free(q);
		return read_all(p, got);
	}
	for (;;) {
		struct rbatch *b;

		pthread_mutex_lock(&q->mu);
		while (q->head == q->tail && !q->done)
			pthread_cond_wait(&q->cv, &q->mu);
		if (q->head == q->tail) {
			pthread_mutex_unlock(&q->mu);
			break;
		}
		b = &q->b[q->head % PIPE_NB];
		pthread_mutex_unlock(&q->mu);
		for (size_t i = 0; i < b->n && !err; i++)
			err = consume(p, b, &b->rec[i]);
		pthread_mutex_lock(&q->mu);
		q->head++;
		if (err)
			q->stop = 1;
		pthread_cond_broadcast(&q->cv);
		pthread_mutex_unlock(&q->mu);
		if (err)
			break;
	}
	pthread_join(q->th, NULL);
	if (!err && q->perr) {
		if (q->perrmsg[0])
			snprintf(p->r->errmsg, sizeof(p->r->errmsg), "%s",
				 q->perrmsg);
		err = q->perr;
	}
	p->pipe = NULL;
	pipe_free(q);
	return err;
}

/* Drops a UTF-8 byte-order mark, not part of the first column's name,
 * then fills the window's first chunk completely (a reader may hand out
 * fewer bytes than asked), so a short one means the input is small. */
static enum cib_err read_first(struct csvpriv *p, size_t *got)
{
	enum cib_err err;

	while (p->npend < 3) {
		size_t k;

		err = read_raw(p, p->pend + p->npend, 3 - p->npend, &k);
		if (err)
			return err;
		if (k == 0)
			break;
		p->npend += k;
	}
	if (p->npend == 3 && memcmp(p->pend, "\xEF\xBB\xBF", 3) == 0)
		p->npend = 0;
	*got = 0;
	for (;;) {
		size_t k;

		err = read_some(p, p->chunk + *got, p->chunk_size - *got, &k);
		if (err)
			return err;
		*got += k;
		if (k == 0 || *got == p->chunk_size)
			return CIB_OK;
	}
}

enum cib_err csvrec_run(struct csvrec_reader *r, csvrec_read_fn read,
			void *read_ctx, csvrec_event_fn on_event, void *ctx)
{
	struct csvpriv *p = calloc(1, sizeof(*p));
	size_t got;
	enum cib_err err;

	if (!p)
		return CIB_ENOMEM;
	r->priv = p;
	r->errmsg[0] = '\0';
	p->r = r;
	p->on_event = on_event;
	p->ctx = ctx;
	p->read = read;
	p->read_ctx = read_ctx;
	p->line = 1;
	p->max_record = r->max_record ? r->max_record
				      : CSVREC_MAX_RECORD_DEFAULT;
	p->chunk_size = r->chunk_size ? r->chunk_size : CSVREC_CHUNK;
	p->chunk = malloc(2 * p->chunk_size + CSVREC_PAD);
	if (!p->chunk || csv_init(&p->p, CSV_REPALL_NL) != 0)
		return CIB_ENOMEM;
	p->p_ok = 1;
	csv_set_space_func(&p->p, no_space);
	p->delim = r->delim ? r->delim : ',';
	csv_set_delim(&p->p, (unsigned char)p->delim);
	csv_set_blk_size(&p->p, CSVREC_BLK);

	err = read_first(p, &got);
	if (err)
		return err;
	/* a second thread pays off only when there is more than a chunk */
	if (got == CSVREC_CHUNK && r->threads != 1) {
		r->piped = 1;
		return read_piped(p, got);
	}
	return read_all(p, got);
}
