/* sout.h - the output files of the synth modes: buffered, atomic (written
 * to a temporary name and renamed on success, core/outfile.h), with the
 * first error remembered so writers can stream without checking each call.
 *
 * Escaping helpers cover the three shapes the modes write: CSV fields
 * (quoted when needed, quotes doubled), JSON strings (control characters
 * and quotes escaped; the generator only ever emits valid UTF-8) and times
 * (RFC 3339 UTC, Twitter's v1.1 form).
 */
#ifndef CIB_SOUT_H
#define CIB_SOUT_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/outfile.h"

struct sout {
	struct outfile of;
	int open;
	int sys_errno;
	enum cib_err err;
	char name[256]; /* dir/name, for messages */
};

/* Opens dir/name for writing. On error fills errmsg. */
enum cib_err sout_open(struct sout *w, const char *dir, const char *name,
		       char *errmsg, size_t errlen);
void sout_put(struct sout *w, const char *s, size_t n);
void sout_puts(struct sout *w, const char *s);
void sout_printf(struct sout *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* a CSV field, quoted only when it holds , " CR or LF */
void sout_csv(struct sout *w, const char *s);
/* a JSON string with its quotes */
void sout_json(struct sout *w, const char *s);
/* "key": JSON string value, with a leading comma when `comma` */
void sout_jkv(struct sout *w, int comma, const char *key, const char *val);
/* RFC 3339 UTC with Z, e.g. 2019-04-01T12:00:05Z (no quotes) */
void sout_iso(struct sout *w, int64_t t);
/* the same with milliseconds, 2019-04-01T12:00:05.000Z (X v2, Bluesky) */
void sout_iso_ms(struct sout *w, int64_t t);
/* Commits (rename) or, after an error, removes the temporary file. */
enum cib_err sout_close(struct sout *w, char *errmsg, size_t errlen);
/* Removes the temporary file; accepts a closed or never opened w. */
void sout_abort(struct sout *w);

/* Formats t as "YYYY-MM-DD HH:MM:SS" (UTC) into buf. */
void sout_fmt_space(int64_t t, char buf[32]);

#endif
