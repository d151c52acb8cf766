/* source.c - plain, gzip and zip inputs behind one read interface.
 *
 * Invariants: a file is opened once and its bytes are read once, through
 * s->raw; the bytes read to recognise gzip or zip stay in s->raw and are
 * the first ones the inflater or the plain reader consumes, so nothing is
 * lost on a pipe. Gzip is inflated with inflate() (windowBits 15 + 16:
 * gzip wrapper only), so zlib checks each member's CRC and length; input
 * ending before Z_STREAM_END, or bytes after a member that do not start
 * another, are errors. Zip archives go through libzip, opened once per
 * archive. The peek buffer is filled once and replayed by source_read
 * before the stream continues. Library code: errors go to s->errmsg.
 */
#include "source.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>
#include <zlib.h>

#define RAW_CAP ((size_t)1 << 18)
#define SOURCE_GUARD_STEP ((size_t)1 << 20)

static enum cib_err set_name(struct source *s, const char *a, const char *b)
{
	size_t n = strlen(a) + (b ? strlen(b) + 1 : 0) + 1;

	s->name = malloc(n);
	if (!s->name)
		return CIB_ENOMEM;
	if (b)
		snprintf(s->name, n, "%s:%s", a, b);
	else
		snprintf(s->name, n, "%s", a);
	return CIB_OK;
}

static enum cib_err fail(struct source *s, enum cib_err err, const char *fmt,
			 ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;

static enum cib_err fail(struct source *s, enum cib_err err, const char *fmt,
			 ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->errmsg, sizeof(s->errmsg), fmt, ap);
	va_end(ap);
	s->failed = 1;
	return err;
}

/* Reads more file bytes into s->raw once everything there is consumed;
 * sets raw_eof at the end of the file. */
static enum cib_err raw_fill(struct source *s)
{
	ssize_t r;

	if (s->raw_pos < s->raw_len || s->raw_eof)
		return CIB_OK;
	s->raw_off += s->raw_len;
	s->raw_len = s->raw_pos = 0;
	do
		r = read(s->fd, s->raw, RAW_CAP);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return fail(s, CIB_EIO, "read error at offset %llu: %s",
			    (unsigned long long)s->raw_off, strerror(errno));
	if (r == 0)
		s->raw_eof = 1;
	s->raw_len = (size_t)r;
	return CIB_OK;
}

/* Reads until at least `want` unconsumed bytes are in s->raw (fewer at the
 * end of the file); only used at the start, while raw_pos is 0. */
static enum cib_err raw_head(struct source *s, size_t want)
{
	while (s->raw_len < want && !s->raw_eof) {
		ssize_t r;

		do
			r = read(s->fd, s->raw + s->raw_len, RAW_CAP - s->raw_len);
		while (r < 0 && errno == EINTR);
		if (r < 0)
			return fail(s, CIB_EIO, "read error: %s",
				    strerror(errno));
		if (r == 0)
			s->raw_eof = 1;
		s->raw_len += (size_t)r;
	}
	return CIB_OK;
}

static int is_zip_magic(const unsigned char *m, size_t n)
{
	/* a local file header, or the end record of an empty archive */
	return n >= 4 && m[0] == 'P' && m[1] == 'K' &&
	       ((m[2] == 3 && m[3] == 4) || (m[2] == 5 && m[3] == 6));
}

const char *source_archive_magic(const char *head, size_t n)
{
	const unsigned char *m = (const unsigned char *)head;

	if (is_zip_magic(m, n))
		return "zip";
	if (n >= 2 && m[0] == 0x1f && m[1] == 0x8b)
		return "gzip";
	if (n >= 3 && memcmp(m, "BZh", 3) == 0)
		return "bzip2";
	if (n >= 6 && memcmp(m, "\xfd" "7zXZ\0", 6) == 0)
		return "xz";
	if (n >= 6 && memcmp(m, "7z\xbc\xaf\x27\x1c", 6) == 0)
		return "7z";
	if (n >= 4 && memcmp(m, "Rar!", 4) == 0)
		return "rar";
	return NULL;
}

static enum cib_err gz_init(struct source *s)
{
	z_stream *z = calloc(1, sizeof(*z));

	if (!z)
		return CIB_ENOMEM;
	if (inflateInit2(z, 15 + 16) != Z_OK) {
		free(z);
		return fail(s, CIB_ENOMEM, "%s", "cannot start zlib");
	}
	s->zs = z;
	return CIB_OK;
}

enum cib_err source_open(struct source *s, const char *path)
{
	struct stat st;
	enum cib_err err;

	memset(s, 0, sizeof(*s));
	s->fd = -1;
	err = set_name(s, path, NULL);
	if (err)
		return err;
	s->raw = malloc(RAW_CAP);
	if (!s->raw)
		return CIB_ENOMEM;
	if (strcmp(path, "-") == 0)
		s->fd = dup(STDIN_FILENO);
	else
		s->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (s->fd < 0)
		return fail(s, CIB_EIO, "cannot open: %s", strerror(errno));
	s->fd_open = 1;
	if (fstat(s->fd, &st) == 0 && S_ISDIR(st.st_mode))
		return fail(s, CIB_EIO, "%s", "is a directory");
	s->regular = fstat(s->fd, &st) == 0 && S_ISREG(st.st_mode);
	err = raw_head(s, 4);
	if (err)
		return err;
	if (is_zip_magic(s->raw, s->raw_len)) {
		s->kind = SOURCE_ZIP;
		return CIB_OK;
	}
	if (s->raw_len >= 2 && s->raw[0] == 0x1f && s->raw[1] == 0x8b) {
		s->kind = SOURCE_GZIP;
		return gz_init(s);
	}
	s->kind = SOURCE_PLAIN;
	return CIB_OK;
}

enum cib_err source_open_mem(struct source *s, const char *name,
			     const char *buf, size_t n)
{
	memset(s, 0, sizeof(*s));
	s->fd = -1;
	s->mem = buf;
	s->mem_len = n;
	s->kind = SOURCE_MEM;
	return set_name(s, name, NULL);
}

void source_guard(struct source *s, uint64_t limit, unsigned max_ratio)
{
	s->limit = limit;
	s->max_ratio = max_ratio;
}

/* ---- gzip ---- */

static enum cib_err gz_read(struct source *s, char *buf, size_t cap,
			    size_t *got)
{
	z_stream *z = s->zs;
	enum cib_err err;

	z->next_out = (Bytef *)buf;
	z->avail_out = (uInt)cap;
	while (z->avail_out > 0) {
		size_t avail, used;
		int r;

		err = raw_fill(s);
		if (err)
			return err;
		if (s->member_done) {
			if (s->raw_eof)
				break; /* the end, at a member boundary */
			if (s->raw[s->raw_pos] != 0x1f)
				return fail(s, CIB_EPARSE,
					    "data after the end of the gzip "
					    "stream at offset %llu",
					    (unsigned long long)(s->raw_off +
								 s->raw_pos));
			if (inflateReset(z) != Z_OK)
				return fail(s, CIB_EINTERNAL, "%s",
					    "inflateReset failed");
			s->member_done = 0;
		}
		if (s->raw_eof)
			return fail(s, CIB_EPARSE,
				    "truncated gzip data: the input ends at "
				    "offset %llu inside a member",
				    (unsigned long long)s->raw_off);
		avail = s->raw_len - s->raw_pos;
		z->next_in = s->raw + s->raw_pos;
		z->avail_in = (uInt)avail;
		r = inflate(z, Z_NO_FLUSH);
		used = avail - z->avail_in;
		s->raw_pos += used;
		if (r == Z_STREAM_END) {
			s->member_done = 1;
			continue;
		}
		if (r == Z_OK || (r == Z_BUF_ERROR && used == 0 &&
				  z->avail_in == 0))
			continue;
		if (r == Z_MEM_ERROR)
			return CIB_ENOMEM;
		return fail(s, CIB_EPARSE,
			    "corrupt gzip data near offset %llu: %s",
			    (unsigned long long)(s->raw_off + s->raw_pos),
			    z->msg ? z->msg : "inflate failed");
	}
	*got = cap - z->avail_out;
	s->inflated += *got;
	return CIB_OK;
}

/* ---- zip ---- */

static enum cib_err zip_err(char *msg, size_t len, int code)
{
	zip_error_t ze;

	zip_error_init_with_code(&ze, code);
	snprintf(msg, len, "%s", zip_error_strerror(&ze));
	zip_error_fini(&ze);
	switch (code) {
	case ZIP_ER_MEMORY:
		return CIB_ENOMEM;
	case ZIP_ER_OPEN:
	case ZIP_ER_READ:
	case ZIP_ER_SEEK:
	case ZIP_ER_TMPOPEN:
		return CIB_EIO;
	default:
		return CIB_EPARSE; /* not a zip, inconsistent, CRC, ... */
	}
}

enum cib_err source_zip_open(struct source_zip *z, struct source *s,
			     uint64_t max_bytes)
{
	zip_source_t *zs = NULL;
	zip_error_t ze;
	int code = 0;

	memset(z, 0, sizeof(*z));
	z->path = malloc(strlen(s->name) + 1);
	if (!z->path)
		return CIB_ENOMEM;
	memcpy(z->path, s->name, strlen(s->name) + 1);
	zip_error_init(&ze);
	if (s->regular) {
		int fd = dup(s->fd);
		FILE *f = fd >= 0 ? fdopen(fd, "rb") : NULL;

		if (!f) {
			if (fd >= 0)
				close(fd);
			snprintf(z->errmsg, sizeof(z->errmsg), "%s",
				 strerror(errno));
			return CIB_EIO;
		}
		zs = zip_source_filep_create(f, 0, -1, &ze);
		if (!zs)
			fclose(f);
	} else {
		/* a pipe: the archive's directory is at its end, so read it
		 * all, starting with the bytes already in s->raw */
		size_t cap = 1 << 20, n = 0;

		z->buf = malloc(cap);
		if (!z->buf)
			return CIB_ENOMEM;
		for (;;) {
			size_t k;
			enum cib_err err = raw_fill(s);

			if (err) {
				snprintf(z->errmsg, sizeof(z->errmsg), "%s",
					 s->errmsg);
				return err;
			}
			if (s->raw_eof)
				break;
			k = s->raw_len - s->raw_pos;
			if (n + k > max_bytes) {
				snprintf(z->errmsg, sizeof(z->errmsg),
					 "a zip archive read from a pipe must "
					 "fit in %llu bytes (--max-document); "
					 "save it to a file",
					 (unsigned long long)max_bytes);
				return CIB_ETOOBIG;
			}
			if (n + k > cap) {
				char *nb;

				while (n + k > cap)
					cap *= 2;
				nb = realloc(z->buf, cap);
				if (!nb)
					return CIB_ENOMEM;
				z->buf = nb;
			}
			memcpy(z->buf + n, s->raw + s->raw_pos, k);
			n += k;
			s->raw_pos = s->raw_len;
		}
		zs = zip_source_buffer_create(z->buf, n, 0, &ze);
	}
	if (!zs) {
		code = zip_error_code_zip(&ze);
		zip_error_fini(&ze);
		return zip_err(z->errmsg, sizeof(z->errmsg), code);
	}
	z->zip = zip_open_from_source(zs, ZIP_RDONLY, &ze);
	if (!z->zip) {
		code = zip_error_code_zip(&ze);
		zip_source_free(zs);
		zip_error_fini(&ze);
		return zip_err(z->errmsg, sizeof(z->errmsg), code);
	}
	zip_error_fini(&ze);
	z->n = zip_get_num_entries(z->zip, 0);
	return CIB_OK;
}

enum cib_err source_zip_next(struct source_zip *z, struct source *m)
{
	memset(m, 0, sizeof(*m));
	m->fd = -1;
	while (z->next < z->n) {
		zip_uint64_t i = (zip_uint64_t)z->next++;
		const char *nm = zip_get_name(z->zip, i, 0);
		zip_stat_t st;
		size_t l;
		enum cib_err err;

		if (!nm)
			continue;
		l = strlen(nm);
		if (l == 0 || nm[l - 1] == '/' || strncmp(nm, "__MACOSX/", 9) == 0)
			continue;
		err = set_name(m, z->path, nm);
		if (err)
			return err;
		m->kind = SOURCE_MEMBER;
		zip_stat_init(&st);
		if (zip_stat_index(z->zip, i, 0, &st) == 0) {
			if (st.valid & ZIP_STAT_SIZE)
				m->member_size = st.size;
			if (st.valid & ZIP_STAT_COMP_SIZE)
				m->member_csize = st.comp_size;
		}
		m->zf = zip_fopen_index(z->zip, i, 0);
		if (!m->zf) {
			zip_error_t *ze = zip_get_error(z->zip);

			return fail(m, zip_err(m->errmsg, sizeof(m->errmsg),
					       zip_error_code_zip(ze)),
				    "cannot open member: %s",
				    zip_strerror(z->zip));
		}
		return CIB_OK;
	}
	return CIB_ENOTFOUND;
}

void source_zip_close(struct source_zip *z)
{
	if (!z)
		return;
	if (z->zip)
		zip_discard(z->zip);
	free(z->buf);
	free(z->path);
	memset(z, 0, sizeof(*z));
}

/* ---- reading ---- */

static enum cib_err raw_read(struct source *s, char *buf, size_t cap,
			     size_t *got)
{
	*got = 0;
	if (cap > (1u << 30))
		cap = 1u << 30;
	switch (s->kind) {
	case SOURCE_GZIP:
		return gz_read(s, buf, cap, got);
	case SOURCE_PLAIN: {
		enum cib_err err;
		size_t k;

		if (s->raw_pos == s->raw_len && !s->raw_eof && cap >= RAW_CAP) {
			/* nothing buffered: read straight into the caller's
			 * buffer, sparing a copy of every byte */
			ssize_t r;

			s->raw_off += s->raw_len;
			s->raw_len = s->raw_pos = 0;
			do
				r = read(s->fd, buf, cap);
			while (r < 0 && errno == EINTR);
			if (r < 0)
				return fail(s, CIB_EIO,
					    "read error at offset %llu: %s",
					    (unsigned long long)s->raw_off,
					    strerror(errno));
			if (r == 0)
				s->raw_eof = 1;
			s->raw_off += (uint64_t)r;
			*got = (size_t)r;
			return CIB_OK;
		}
		err = raw_fill(s);
		if (err)
			return err;
		k = s->raw_len - s->raw_pos;
		if (k > cap)
			k = cap;
		if (k)
			memcpy(buf, s->raw + s->raw_pos, k);
		s->raw_pos += k;
		*got = k;
		return CIB_OK;
	}
	case SOURCE_MEM: {
		size_t k = s->mem_len - s->mem_pos;

		if (k > cap)
			k = cap;
		if (k)
			memcpy(buf, s->mem + s->mem_pos, k);
		s->mem_pos += k;
		*got = k;
		return CIB_OK;
	}
	case SOURCE_MEMBER: {
		zip_int64_t r = zip_fread(s->zf, buf, cap);

		if (r < 0) {
			zip_error_t *ze = zip_file_get_error(s->zf);
			char tmp[128];
			enum cib_err err = zip_err(tmp, sizeof(tmp),
						   zip_error_code_zip(ze));

			return fail(s, err, "zip member data: %s",
				    zip_file_strerror(s->zf));
		}
		*got = (size_t)r;
		s->inflated += *got;
		return CIB_OK;
	}
	case SOURCE_ZIP:
		return fail(s, CIB_EINTERNAL, "%s",
			    "a zip archive is read member by member");
	default:
		return fail(s, CIB_EINTERNAL, "%s", "source not open");
	}
}

/* The guard of source_guard, checked on what raw_read produced. */
static enum cib_err guard_check(struct source *s)
{
	uint64_t in;

	if (s->limit && s->bytes_read > s->limit)
		return fail(s, CIB_ETOOBIG,
			    "more than %llu bytes (--max-document)",
			    (unsigned long long)s->limit);
	if (!s->max_ratio || s->inflated <= SOURCE_RATIO_FLOOR)
		return CIB_OK;
	if (s->kind == SOURCE_GZIP)
		in = s->raw_off + s->raw_pos;
	else if (s->kind == SOURCE_MEMBER)
		in = s->member_csize;
	else
		return CIB_OK;
	if (s->inflated / (in ? in : 1) >= s->max_ratio)
		return fail(s, CIB_ETOOBIG,
			    "compressed data inflating more than %u-fold "
			    "(%llu bytes from %llu; --max-inflate-ratio)",
			    s->max_ratio, (unsigned long long)s->inflated,
			    (unsigned long long)in);
	return CIB_OK;
}

enum cib_err source_peek(struct source *s, const char **p, size_t *n)
{
	if (!s->peeked) {
		size_t got;
		enum cib_err err;

		s->peek = malloc(SOURCE_PEEK);
		if (!s->peek)
			return CIB_ENOMEM;
		s->peeked = 1;
		while (s->npeek < SOURCE_PEEK) {
			err = raw_read(s, s->peek + s->npeek,
				       SOURCE_PEEK - s->npeek, &got);
			if (err)
				return err;
			if (got == 0)
				break;
			s->npeek += got;
		}
	}
	*p = s->peek;
	*n = s->npeek;
	return CIB_OK;
}

enum cib_err source_read(struct source *s, char *buf, size_t cap, size_t *got)
{
	enum cib_err err;

	if (s->peek_pos < s->npeek) {
		size_t k = s->npeek - s->peek_pos;

		if (k > cap)
			k = cap;
		memcpy(buf, s->peek + s->peek_pos, k);
		s->peek_pos += k;
		*got = k;
		s->bytes_read += k;
		return guard_check(s);
	}
	/* under a guard, inflate in small steps so it stops close to the
	 * limit rather than a whole caller's buffer past it */
	if ((s->limit || s->max_ratio) && cap > SOURCE_GUARD_STEP)
		cap = SOURCE_GUARD_STEP;
	err = raw_read(s, buf, cap, got);
	if (err)
		return err;
	s->bytes_read += *got;
	return guard_check(s);
}

void source_close(struct source *s)
{
	if (!s)
		return;
	if (s->zs) {
		inflateEnd(s->zs);
		free(s->zs);
	}
	if (s->fd_open)
		close(s->fd);
	if (s->zf)
		zip_fclose(s->zf);
	free(s->raw);
	free(s->peek);
	free(s->name);
	memset(s, 0, sizeof(*s));
	s->fd = -1;
}
