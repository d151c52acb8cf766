/* jsonl.h - cibscan's own normalised JSONL (docs/formats.md).
 *
 * sniff: given up to SOURCE_PEEK first bytes (possibly cut mid-record),
 * returns 0 (not this format) to 100 (certain).
 * read: reads the whole source into in->ds through ingest_add_post /
 * ingest_add_account, reporting bad records with ingest_bad().
 * write: writes a dataset so that reading it back gives the same accounts
 * (same order and fields), field-change history and posts.
 */
#ifndef CIB_JSONL_H
#define CIB_JSONL_H

#include <stddef.h>
#include <stdio.h>

#include "ingest.h"

int jsonl_sniff(const char *head, size_t n);
enum cib_err jsonl_read(struct ingest *in, struct source *src);

/* Writes `ds` to `f` (which stays the caller's: no flush or close).
 * CIB_EIO when a write fails, CIB_ENOMEM. */
enum cib_err jsonl_write(const struct dataset *ds, FILE *f);

#endif
