/* checkpoint.h - the resume state of a `collect` run, kept beside its output.
 *
 * Protocol (what makes a resumed run loss-free and duplicate-free): a page
 * is appended to the output and the output fsynced first; only then is a
 * checkpoint saved that records the next cursor and the output's length.
 * A resumed run truncates the output back to that length (dropping any page
 * written after the last checkpoint, complete or torn) and continues from
 * the cursor, so every page is in the output exactly once whatever moment
 * the process died at. Saving is atomic: a temporary file, fsync, rename,
 * fsync of the directory.
 *
 * The file is JSON: {"version":1,"query":"<hex>","target":N,"cursor":...,
 * "pages":N,"items":N,"bytes":N,"done":false}. `query` fingerprints what was
 * asked (platform, mode, targets, base URL, dates) so a resume with other
 * arguments is refused.
 */
#ifndef CIB_CHECKPOINT_H
#define CIB_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

#define CHECKPOINT_MAX_FILE ((size_t)64 << 10)
#define CHECKPOINT_MAX_CURSOR ((size_t)16 << 10)

struct checkpoint {
	uint64_t query;  /* fingerprint of the request */
	uint64_t target; /* index of the target being fetched */
	char *cursor;    /* owned; NULL: start of that target */
	uint64_t pages, items;
	uint64_t bytes; /* output length covered by this state */
	int done;
};

void checkpoint_init(struct checkpoint *c);
void checkpoint_release(struct checkpoint *c);

/* Replaces c->cursor with a copy of `cursor` (NULL allowed). CIB_ETOOBIG
 * past CHECKPOINT_MAX_CURSOR. */
enum cib_err checkpoint_set_cursor(struct checkpoint *c, const char *cursor);

/* "<out>.ckpt" in a new string the caller frees; NULL without memory. */
char *checkpoint_path(const char *out);

/* Atomically replaces `path` with c (core/outfile.h: a temporary file that
 * never follows a planted link, fsynced and renamed; a link to a regular
 * file has its target replaced). Anything at `path` but a regular file or
 * a link to one is refused (CIB_EUSAGE). err gets the reason on failure. */
enum cib_err checkpoint_save(const struct checkpoint *c, const char *path,
			     char *err, size_t errlen);

/* Loads `path` into c (initialised here). CIB_ENOTFOUND when the file does
 * not exist; CIB_EPARSE (with the field in err) when it is malformed. */
enum cib_err checkpoint_load(struct checkpoint *c, const char *path,
			     char *err, size_t errlen);

/* Parses checkpoint text buf[0..n) into c (initialised here). */
enum cib_err checkpoint_parse(struct checkpoint *c, const char *buf, size_t n,
			      char *err, size_t errlen);

#endif
