/* warc.h - a streaming reader of web-crawl archives (WARC 1.0 and 1.1).
 *
 * Reads plain .warc files and .warc.gz files, whether each record is its
 * own gzip member (the norm: wget, Heritrix, Browsertrix, Webrecorder) or
 * the whole file is one member. Every record type is returned (warcinfo,
 * response, resource, request, metadata, revisit, conversion,
 * continuation); for response and revisit records holding an HTTP message
 * the status line and headers are parsed and the body is decoded
 * (Transfer-Encoding: chunked, Content-Encoding: gzip/deflate).
 *
 * Bad input never stops the reader silently: a truncated record, a
 * Content-Length that does not end at a record boundary, a header block or
 * record over its cap, or corrupt gzip data is counted in the struct diag
 * with the file and the record's offset (strict mode: warc_next returns
 * CIB_EPARSE at the first); the reader then resynchronises on the next
 * "WARC/1." line. Memory is bounded by max_header + max_record for the
 * record window plus max_body for each decoded body buffer.
 *
 * Offsets: `offset` is the byte offset in the file where the record
 * starts for plain files, and the compressed offset of the gzip member the
 * record starts in for .gz files (the offset a CDX index would hold);
 * `doffset` is always the offset in the decompressed stream.
 */
#ifndef CIB_WARC_H
#define CIB_WARC_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/diag.h"
#include "core/error.h"

#define WARC_MAX_HEADER_DEFAULT ((size_t)64 << 10)
#define WARC_MAX_RECORD_DEFAULT ((size_t)64 << 20)
#define WARC_MAX_BODY_DEFAULT ((size_t)16 << 20)

enum warc_type {
	WARC_T_OTHER = 0,
	WARC_T_WARCINFO,
	WARC_T_RESPONSE,
	WARC_T_RESOURCE,
	WARC_T_REQUEST,
	WARC_T_METADATA,
	WARC_T_REVISIT,
	WARC_T_CONVERSION,
	WARC_T_CONTINUATION,
	WARC_T__COUNT
};

/* flags on a record's HTTP message and body */
#define WARC_F_HTTP_BAD 0x1     /* block claims HTTP but has no header end */
#define WARC_F_CHUNK_BAD 0x2    /* "chunked" but not chunked: raw kept */
#define WARC_F_ENCODING_BAD 0x4 /* gzip/deflate that does not inflate */
#define WARC_F_BODY_CAPPED 0x8  /* decoded body cut at max_body */

/* A slice of the reader's buffers; not NUL-terminated. */
struct warc_str {
	const char *p;
	size_t n;
};

struct warc_opts {
	size_t max_header; /* WARC or HTTP header block */
	size_t max_record; /* a record's content block */
	size_t max_body;   /* a decoded (dechunked, inflated) body */
};

/* Every pointer points into the reader and is valid until the next
 * warc_next() or warc_close(). */
struct warc_record {
	enum warc_type type;
	int version; /* 10 or 11 */
	uint64_t offset;
	uint64_t doffset;
	struct warc_str type_name, target_uri, date, ip, record_id,
		content_type, refers_to_uri;
	uint64_t content_length;
	struct warc_str block; /* the content block, content_length bytes */
	/* HTTP message (response/revisit with an HTTP block) */
	int is_http;
	int http_status;
	struct warc_str http_server, http_content_type, http_content_encoding,
		http_transfer_encoding;
	struct warc_str body; /* decoded payload (resource: the block) */
	unsigned flags;
};

struct warc_reader {
	char *name; /* owned copy of the file name */
	FILE *f;
	const unsigned char *mem;
	size_t mem_len, mem_pos;
	int is_gz;
	int in_eof;  /* no more compressed or plain input */
	int out_eof; /* no more decoded bytes will come */
	int fatal;   /* an unrecoverable data error ended this file */
	void *zs;    /* z_stream for the file */
	int zs_init;
	unsigned char *in;
	size_t in_len, in_pos;
	uint64_t in_base;  /* file offset of in[0] */
	/* decoded window: bytes [pos, len) of win are unread; win[0] is at
	 * decoded offset base */
	char *win;
	size_t cap, pos, len;
	uint64_t base;
	/* gzip member starts: (decoded offset, file offset), ascending */
	uint64_t *mb_dec, *mb_comp;
	size_t mb_n, mb_cap;
	/* decoded body buffers */
	char *chunk_buf, *inflate_buf;
	size_t chunk_cap, inflate_cap;
	struct warc_opts o;
	struct diag *dg;
	/* counts */
	uint64_t n_records, n_by_type[WARC_T__COUNT], n_members;
	uint64_t n_bad_chunked, n_bad_encoding, n_capped;
	char errmsg[256]; /* system error detail on CIB_EIO */
};

void warc_opts_init(struct warc_opts *o);

/* Opens `path` ("-" is stdin); gzip is detected by its magic bytes. On
 * failure r->errmsg says why; warc_close(r) is safe either way. `dg` must
 * outlive the reader. */
enum cib_err warc_open(struct warc_reader *r, const char *path,
		       const struct warc_opts *o, struct diag *dg);
/* Reads buf[0..n) (must outlive the reader); `name` is used in messages. */
enum cib_err warc_open_mem(struct warc_reader *r, const char *name,
			   const void *buf, size_t n, const struct warc_opts *o,
			   struct diag *dg);

/* Reads the next record into *rec: *got = 1, or *got = 0 at the end.
 * Malformed records are counted in the diag and skipped; in strict mode
 * the first returns CIB_EPARSE. CIB_EIO and CIB_ENOMEM are fatal. */
enum cib_err warc_next(struct warc_reader *r, struct warc_record *rec,
		       int *got);

/* Compressed (or plain) bytes consumed so far. */
uint64_t warc_bytes_in(const struct warc_reader *r);

void warc_close(struct warc_reader *r);

/* "response", "warcinfo", ...; "other" for WARC_T_OTHER. */
const char *warc_type_name(enum warc_type t);

/* Whether buf starts like a WARC file (plain "WARC/1." or gzip magic whose
 * first member inflates to "WARC/1."). */
int warc_sniff(const void *buf, size_t n);

/* Parses an RFC 3339 WARC-Date ("2017-03-06T04:02:06Z", fractions
 * allowed) into Unix seconds; -1 when malformed. */
int64_t warc_parse_date(const char *s, size_t n);

#endif
