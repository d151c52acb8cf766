/* outfile.h - result files written atomically.
 *
 * outfile_open() creates "<path>.tmp.<pid>" beside the target; the caller
 * writes through `f`; outfile_commit() flushes, checks every error, fsyncs
 * and renames over the target, so a reader never sees a half-written file
 * and a full disk is an error, not a short file. "-" means stdout (no
 * rename; errors still checked).
 */
#ifndef CIB_OUTFILE_H
#define CIB_OUTFILE_H

#include <stdio.h>

#include "error.h"

struct outfile {
	FILE *f;
	char *path; /* target; owned */
	char *tmp;  /* temporary name, NULL for stdout; owned */
};

enum cib_err outfile_open(struct outfile *o, const char *path);
/* Closes and renames; on any error removes the temporary file and leaves
 * errno as the failing call set it. */
enum cib_err outfile_commit(struct outfile *o);
/* Abandons the output (removes the temporary file); accepts a released o. */
void outfile_abort(struct outfile *o);

#endif
