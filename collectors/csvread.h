/* csvread.h - streaming CSV (or TSV) records over a struct source, shared by
 * the CSV collectors (ioarchive, crowdtangle, table).
 *
 * core/csvrec splits the bytes into records (quoting, the physical line
 * each record starts on, the header row mapped by column NAME, a cap on
 * record size); this module feeds it from a source and adds the
 * structural checks every CSV collector would otherwise repeat. Records that fail a structural check are
 * reported with ingest_bad() here and never reach the collector:
 *
 *   "record too large"            over in->opts.max_record bytes
 *   "NUL byte"                    a field holds a 0 byte
 *   "wrong field count"           not as many fields as the header
 *   "unterminated quoted field"   a quote still open at end of input
 *
 * Invalid UTF-8 is repaired, not rejected: each byte that does not start a
 * valid sequence becomes U+FFFD, so a post is kept with a visible mark
 * (csvread.n_repaired counts the fields touched).
 *
 * Lines are counted as LF bytes + 1, so "file:line" matches `sed -n Np`
 * and editors for LF and CRLF files alike.
 */
#ifndef CIB_CSVREAD_H
#define CIB_CSVREAD_H

#include <stddef.h>
#include <stdint.h>

#include "core/csvrec.h"
#include "ingest.h"

struct csvread;

/* Called for every data record (not the header), as a struct csvrec
 * (core/csvrec.h) of exactly the header's count of fields. Return CIB_OK to go on;
 * any other value stops reading and is returned by csvread_run(). */
typedef enum cib_err (*csvread_fn)(void *ctx, const struct csvrec *rec);

/* Called once when the header row has been read; csvread_col() works from
 * then on. A collector checks its required columns here and returns
 * CIB_EFORMAT (after ingest_fail()) when one is missing. */
typedef enum cib_err (*csvread_header_fn)(void *ctx, struct csvread *r);

struct csvread {
	struct ingest *in;  /* not owned */
	struct source *src; /* not owned */
	/* header: column names, NUL-separated in hdr_buf (the splitter's,
	 * valid until csvread_release) */
	char *hdr_buf;
	size_t *hdr_off;
	size_t n_cols;
	uint64_t header_line;
	/* counters for the caller */
	uint64_t n_records; /* data records seen, good or bad */
	uint64_t n_repaired; /* fields whose invalid UTF-8 was replaced */
	uint64_t n_fast;     /* records (the header too) split by the fast
				path, not by libcsv */
	/* for tests and fuzzing, 0 by default: parse with libcsv alone (no
	 * fast path), and the read size (default 1 MiB) */
	int libcsv_only;
	size_t chunk_size;
	/* the field separator, set before csvread_run: ',' (also when 0) or
	 * '\t' for TSV; quoting rules are the same */
	char delim;
	struct csvrec_reader rd; /* the splitter; owned */
	csvread_header_fn on_header; /* during csvread_run */
	csvread_fn on_record;
	void *ctx;
};

/* Prepares to read src; nothing is read yet. */
void csvread_init(struct csvread *r, struct ingest *in, struct source *src);

/* Index of the column named `name` (exact, case-sensitive), or -1. */
int csvread_col(const struct csvread *r, const char *name);

/* Name of column i ("" when out of range). */
const char *csvread_colname(const struct csvread *r, int i);

/* Reads the header (calling on_header), then streams every data record to
 * on_record. Stops at the first error a callback returns, at a strict-mode
 * bad record (CIB_EPARSE), at an I/O error, or with CIB_EFORMAT when the
 * input holds no header row; in->errmsg is set for fatal errors. */
enum cib_err csvread_run(struct csvread *r, csvread_header_fn on_header,
			 csvread_fn on_record, void *ctx);

/* Frees what csvread_init/run allocated; accepts NULL. */
void csvread_release(struct csvread *r);

/* Splits the first line of `head` into header names and scores it:
 * returns 0 unless every name in `required` is present; otherwise 60 plus
 * up to 40 for the share of `typical` names present. `forbidden` names
 * (may be NULL) make the score 0. Lists end with NULL. Quotes and a UTF-8
 * BOM are stripped; never reads past head[n-1]. */
int csvread_sniff(const char *head, size_t n, const char *const *required,
		  const char *const *typical, const char *const *forbidden);

/* Whether the first line of head[0..n), split at `delim`, has a column
 * called `name` (quotes, a UTF-8 BOM and surrounding blanks stripped, as
 * csvread_sniff does). */
int csvread_head_has(const char *head, size_t n, const char *name,
		     char delim);

/* Small field helpers shared by the CSV collectors. */

/* Parses a non-negative count: digits, optionally with ',' thousands
 * separators ("1,234") and a ".0" fraction ("12.0"). Empty -> COUNT_NONE.
 * Returns -1 on anything else. */
int csvread_parse_count(const char *s, size_t n, int64_t *out);

/* Lower-cases ASCII letters of s in place. */
void csvread_lower(char *s, size_t n);

#endif
