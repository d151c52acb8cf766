/* source.h - a byte stream from one input, decompressing .gz and .zip.
 *
 * An input is opened once and never reopened: its first bytes decide
 * whether it is a zip archive, gzip data or plain bytes, and every byte
 * read to decide is handed on to the reader, so a pipe, a FIFO, process
 * substitution and stdin read exactly like a file. A .zip archive holds
 * one source per regular member, visited in one pass with
 * source_zip_next(). The first SOURCE_PEEK bytes can be looked at (for
 * format detection) before reading starts; reading then returns them again.
 *
 * Gzip data is inflated with zlib's stream API: every member must reach
 * its end and pass its CRC and length check, members may follow one
 * another (concatenated gzip), and anything else after a member is an
 * error. A cut or corrupt stream is CIB_EPARSE with the compressed offset
 * in errmsg, never a silent early end.
 */
#ifndef CIB_SOURCE_H
#define CIB_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

#define SOURCE_PEEK 65536

/* Below this many decompressed bytes the inflation ratio is not checked
 * (see source_guard). */
#define SOURCE_RATIO_FLOOR ((uint64_t)64 << 20)

enum source_kind {
	SOURCE_NONE,
	SOURCE_PLAIN,  /* file bytes as they are */
	SOURCE_GZIP,   /* gzip members, inflated */
	SOURCE_MEM,    /* a caller's buffer */
	SOURCE_ZIP,    /* a zip archive: open with source_zip_open */
	SOURCE_MEMBER  /* one member of a zip archive */
};

struct source {
	char *name; /* "file" or "archive.zip:member"; owned */
	enum source_kind kind;
	int fd;              /* plain, gzip or zip file */
	int fd_open;         /* fd is ours to close */
	int regular;         /* fd is a regular (seekable) file */
	unsigned char *raw;  /* bytes read from fd, not yet consumed */
	size_t raw_len, raw_pos;
	uint64_t raw_off;    /* offset in the file of raw[0] */
	int raw_eof;
	void *zs;            /* z_stream * (gzip) */
	int member_done;     /* a gzip member has just ended */
	uint64_t inflated;   /* bytes inflated so far */
	void *zf;            /* zip_file_t * (member) */
	uint64_t member_size, member_csize; /* declared sizes (member) */
	const char *mem;     /* memory source, not owned */
	size_t mem_len, mem_pos;
	char *peek;          /* SOURCE_PEEK bytes buffer */
	size_t npeek, peek_pos;
	int peeked;
	uint64_t bytes_read; /* decompressed bytes handed out */
	uint64_t limit;      /* source_guard: most bytes to hand out, 0 none */
	unsigned max_ratio;  /* source_guard: inflation ratio, 0 none */
	int failed;          /* the last error came from the source itself */
	char errmsg[256];    /* what went wrong (without the name) */
};

/* Opens a file ("-" is stdin) once, reads its first bytes and sets kind to
 * SOURCE_PLAIN, SOURCE_GZIP or SOURCE_ZIP. A zip archive is not readable
 * as a stream: open it with source_zip_open. */
enum cib_err source_open(struct source *s, const char *path);

/* Reads from memory: buf[0..n) must outlive the source (fuzzing, tests).
 * `name` is used in messages. */
enum cib_err source_open_mem(struct source *s, const char *name,
			     const char *buf, size_t n);

/* Limits what the source hands out: more than `limit` bytes (0: no limit)
 * fails with CIB_ETOOBIG, and so does compressed data that inflates more
 * than `max_ratio` times (0: no limit) once past SOURCE_RATIO_FLOOR bytes.
 * For readers that must hold the whole input in memory. */
void source_guard(struct source *s, uint64_t limit, unsigned max_ratio);

/* A zip archive opened once and walked once. */
struct source_zip {
	char *path;    /* owned */
	void *zip;     /* zip_t * */
	char *buf;     /* the whole archive when it came from a pipe */
	int64_t n, next;
	char errmsg[256];
};

/* Opens the archive behind `s` (kind SOURCE_ZIP; `s` stays the caller's to
 * close). An archive that is not a regular file is read into memory
 * first, up to max_bytes. A damaged archive is CIB_EPARSE; z->errmsg says
 * why (without the path). */
enum cib_err source_zip_open(struct source_zip *z, struct source *s,
			     uint64_t max_bytes);

/* Opens the next regular member (directories and __MACOSX/ entries are
 * passed over) into *m. CIB_ENOTFOUND after the last. */
enum cib_err source_zip_next(struct source_zip *z, struct source *m);

void source_zip_close(struct source_zip *z);

/* Whether the first bytes of a stream are an archive or compressed data
 * this reader does not open inside a zip member (zip, gzip, bzip2, xz,
 * 7z, rar); returns a short name or NULL. */
const char *source_archive_magic(const char *head, size_t n);

/* Points *p at up to SOURCE_PEEK first bytes (fewer at end of input). */
enum cib_err source_peek(struct source *s, const char **p, size_t *n);

/* Reads up to cap bytes into buf; *got is 0 at end of input. */
enum cib_err source_read(struct source *s, char *buf, size_t cap, size_t *got);

void source_close(struct source *s);

#endif
