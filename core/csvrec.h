/* csvrec.h - CSV (or TSV) bytes split into records of fields: the one
 * place in the tree that drives libcsv.
 *
 * The caller hands a read function (a file, a decompressing source, a
 * buffer) and gets, in input order, one event per record: the header row
 * (the first record; its names are kept, trimmed of blanks, for
 * csvrec_col), then every data record with the physical line it starts
 * on, its field count and its fields, or the end of input inside a quoted
 * field. What to do with a record that is too large, holds a NUL byte or
 * has the wrong field count is the caller's: this module only reports it.
 *
 * Caps: a record keeps at most max_record bytes (past it only its fields
 * are counted and the event says too_big), a header at most
 * CSVREC_MAX_COLS columns, a data record at most the header's count of
 * fields (the rest are only counted). Invalid UTF-8 is repaired, not
 * rejected: each byte that does not start a valid sequence becomes U+FFFD
 * (n_repaired counts the fields touched). A UTF-8 byte-order mark before
 * the header is dropped.
 *
 * Lines are counted as LF bytes + 1, so "file:line" matches `sed -n Np`
 * and editors for LF and CRLF files alike. Blank lines between records are
 * skipped. Fields are taken as they are (no blanks trimmed), quotes undone.
 */
#ifndef CIB_CSVREC_H
#define CIB_CSVREC_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* Most header columns accepted (CIB_ETOOBIG past it). */
#define CSVREC_MAX_COLS 4096
/* max_record when the caller leaves it 0. */
#define CSVREC_MAX_RECORD_DEFAULT ((size_t)64 << 20)

/* One record: field i is f[i][0..len[i]) and is NUL-terminated; pointers
 * stay valid only during the callback. */
struct csvrec {
	uint64_t line; /* physical line the record starts on (1-based) */
	size_t n;      /* number of fields */
	const char *const *f;
	const size_t *len;
};

enum csvrec_kind {
	CSVREC_HEADER,      /* the first record; names in the reader */
	CSVREC_RECORD,      /* a data record */
	CSVREC_UNTERMINATED /* input ended inside a quoted field */
};

/* What the reader hands on. For CSVREC_RECORD: rec.n fields are stored
 * (the first min(nf, n_cols); none when too_big), nf were seen. */
struct csvrec_event {
	enum csvrec_kind kind;
	uint64_t line;   /* where the record (or the open quote's) starts */
	size_t nf;       /* fields seen */
	int too_big;     /* over max_record: no fields stored */
	size_t nul_col;  /* 1 + the first stored column holding a 0 byte */
	struct csvrec rec;
};

/* Reads up to cap bytes into buf; *got = 0 at end of input. On failure
 * returns the error and may point *errmsg at a message (valid until the
 * next call). May be called from a second thread (see threads). */
typedef enum cib_err (*csvrec_read_fn)(void *ctx, char *buf, size_t cap,
				       size_t *got, const char **errmsg);

/* Called for every event, on the caller's thread, in input order. Return
 * CIB_OK to go on; any other value stops reading and is returned by
 * csvrec_run(). */
typedef enum cib_err (*csvrec_event_fn)(void *ctx,
					const struct csvrec_event *ev);

struct csvrec_reader {
	/* set before csvrec_run; 0 means the default */
	char delim;           /* ',' (default) or '\t'; same quoting */
	size_t max_record;    /* bytes kept of a record */
	size_t chunk_size;    /* read size, default 1 MiB (tests: smaller) */
	int libcsv_only;      /* tests, fuzzing: no fast path */
	int threads;          /* 1: never split on a second thread */
	const char *cap_hint; /* after "header row longer than N bytes",
				 e.g. " (--max-record)"; NULL = none */
	/* the header, from the CSVREC_HEADER event on: names NUL-separated
	 * in hdr_buf */
	char *hdr_buf;
	size_t *hdr_off;
	size_t n_cols;
	uint64_t header_line;
	/* counters */
	uint64_t n_repaired; /* fields whose invalid UTF-8 was replaced */
	uint64_t n_fast;     /* records (the header too) split by the fast
				path, not by libcsv */
	int piped;           /* the splitting ran on a second thread */
	/* a fatal error's message (bad header, read error, out of memory in
	 * libcsv), "" when csvrec_run failed because of the callback */
	char errmsg[512];
	void *priv; /* parser state; owned */
};

/* Zeroes r: every option at its default. */
void csvrec_init(struct csvrec_reader *r);

/* Reads everything read() gives, calling on_event for each record. Stops
 * at the first error on_event returns, at a read error, at a bad header
 * (too long, too many columns, an open quote: CIB_ETOOBIG / CIB_EFORMAT)
 * or with CIB_EFORMAT when the input holds no header row; r->errmsg says
 * why for all but the first. A second thread splits while on_event runs
 * when the first chunk is a full 1 MiB and threads != 1. */
enum cib_err csvrec_run(struct csvrec_reader *r, csvrec_read_fn read,
			void *read_ctx, csvrec_event_fn on_event, void *ctx);

/* Index of the header column named `name` (exact), or -1. */
int csvrec_col(const struct csvrec_reader *r, const char *name);

/* Name of column i ("" when out of range). */
const char *csvrec_colname(const struct csvrec_reader *r, int i);

/* Frees what csvrec_run allocated; accepts NULL. */
void csvrec_release(struct csvrec_reader *r);

#endif
