/* diag.h - malformed-record accounting shared by every reader.
 *
 * A reader that meets a bad record calls diag_record(); in lenient mode the
 * record is counted (by reason) and the first DIAG_KEEP are kept verbatim
 * for `inspect`; in strict mode diag_record() returns CIB_EPARSE and the
 * reader stops. Either way no bad record is lost silently.
 */
#ifndef CIB_DIAG_H
#define CIB_DIAG_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define DIAG_KEEP 200   /* individual messages kept */
#define DIAG_REASONS 64 /* distinct reasons counted */
#define DIAG_MSG 256

struct diag_entry {
	char file[DIAG_MSG];
	uint64_t line;   /* 1-based line, or 0 when a JSON path is given */
	char where[128]; /* field name or JSON path */
	char reason[DIAG_MSG];
};

struct diag_reason {
	char reason[96]; /* the reason up to its first ':' */
	uint64_t count;
};

struct diag {
	int strict;
	uint64_t n_bad;
	struct diag_entry kept[DIAG_KEEP];
	size_t n_kept;
	struct diag_reason reasons[DIAG_REASONS];
	size_t n_reasons;
	uint64_t other_reasons; /* records whose reason did not fit the table */
};

void diag_init(struct diag *d, int strict);

/* Records one malformed record at file:line (line 0: unknown) in field or
 * JSON path `where` (may be NULL). Returns CIB_EPARSE in strict mode, else
 * CIB_OK. printf-style reason. */
enum cib_err diag_record(struct diag *d, const char *file, uint64_t line,
			 const char *where, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 5, 6)))
#endif
	;

/* Formats entry `e` as "file:line: field 'x': reason" into buf. */
void diag_format(const struct diag_entry *e, char *buf, size_t len);

#endif
