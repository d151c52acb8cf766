/* source.h - a byte stream from one input, decompressing .gz and .zip.
 *
 * A plain or gzip file is one source. A .zip archive holds one source per
 * regular member; open each with source_open_zip(). The first SOURCE_PEEK
 * bytes can be looked at (for format detection) before reading starts;
 * reading then returns them again.
 */
#ifndef CIB_SOURCE_H
#define CIB_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "../core/error.h"

#define SOURCE_PEEK 65536

struct source {
	char *name; /* "file" or "archive.zip:member"; owned */
	void *gz;   /* gzFile (also reads plain files) */
	void *zip;  /* zip_t * */
	void *zf;   /* zip_file_t * */
	const char *mem; /* memory source, not owned */
	size_t mem_len, mem_pos;
	int is_mem;
	char *peek; /* SOURCE_PEEK bytes buffer */
	size_t npeek, peek_pos;
	int peeked;
	uint64_t bytes_read; /* decompressed bytes handed out */
	char errmsg[256];    /* library message on CIB_EIO */
};

/* Opens a plain or gzip-compressed file ("-" is stdin). */
enum cib_err source_open(struct source *s, const char *path);

/* Reads from memory: buf[0..n) must outlive the source (fuzzing, tests).
 * `name` is used in messages. */
enum cib_err source_open_mem(struct source *s, const char *name,
			     const char *buf, size_t n);

/* Number of regular members of a zip archive in *n. */
enum cib_err source_zip_count(const char *path, size_t *n, char *errmsg,
			      size_t errlen);
/* Opens member `index` (counting regular members only) of a zip archive. */
enum cib_err source_open_zip(struct source *s, const char *path, size_t index);

/* Whether `path` names a zip archive (by its magic bytes). */
int source_is_zip(const char *path);

/* Points *p at up to SOURCE_PEEK first bytes (fewer at end of input). */
enum cib_err source_peek(struct source *s, const char **p, size_t *n);

/* Reads up to cap bytes into buf; *got is 0 at end of input. */
enum cib_err source_read(struct source *s, char *buf, size_t cap, size_t *got);

void source_close(struct source *s);

#endif
