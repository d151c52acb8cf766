/* source.c - plain, gzip and zip inputs behind one read interface.
 *
 * zlib's gzread reads uncompressed files transparently, so plain files and
 * .gz share one path; zip members go through libzip. The peek buffer is
 * filled once and replayed by source_read before the stream continues.
 */
#include "source.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>
#include <zlib.h>

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

enum cib_err source_open(struct source *s, const char *path)
{
	enum cib_err err;

	memset(s, 0, sizeof(*s));
	err = set_name(s, path, NULL);
	if (err)
		return err;
	if (strcmp(path, "-") == 0)
		s->gz = gzdopen(dup(STDIN_FILENO), "rb");
	else
		s->gz = gzopen(path, "rb");
	if (!s->gz) {
		snprintf(s->errmsg, sizeof(s->errmsg), "%s", "cannot open");
		return CIB_EIO;
	}
	gzbuffer(s->gz, 1 << 18);
	return CIB_OK;
}

enum cib_err source_open_mem(struct source *s, const char *name,
			     const char *buf, size_t n)
{
	memset(s, 0, sizeof(*s));
	s->mem = buf;
	s->mem_len = n;
	s->is_mem = 1;
	return set_name(s, name, NULL);
}

int source_is_zip(const char *path)
{
	unsigned char m[4];
	FILE *f = fopen(path, "rb");
	int is = 0;

	if (!f)
		return 0;
	if (fread(m, 1, 4, f) == 4)
		is = m[0] == 'P' && m[1] == 'K' && m[2] == 3 && m[3] == 4;
	fclose(f);
	return is;
}

static zip_t *zip_open_path(const char *path, char *errmsg, size_t errlen)
{
	int code = 0;
	zip_t *z = zip_open(path, ZIP_RDONLY, &code);

	if (!z && errmsg) {
		zip_error_t ze;

		zip_error_init_with_code(&ze, code);
		snprintf(errmsg, errlen, "%s", zip_error_strerror(&ze));
		zip_error_fini(&ze);
	}
	return z;
}

/* Maps the index among regular members to libzip's index; -1 if none. */
static zip_int64_t regular_member(zip_t *z, size_t want, size_t *count)
{
	zip_int64_t n = zip_get_num_entries(z, 0);
	size_t seen = 0;

	for (zip_int64_t i = 0; i < n; i++) {
		const char *nm = zip_get_name(z, (zip_uint64_t)i, 0);
		size_t l;

		if (!nm)
			continue;
		l = strlen(nm);
		if (l == 0 || nm[l - 1] == '/' || strncmp(nm, "__MACOSX/", 9) == 0)
			continue;
		if (seen == want && !count)
			return i;
		seen++;
	}
	if (count)
		*count = seen;
	return -1;
}

enum cib_err source_zip_count(const char *path, size_t *n, char *errmsg,
			      size_t errlen)
{
	zip_t *z = zip_open_path(path, errmsg, errlen);

	*n = 0;
	if (!z)
		return CIB_EIO;
	regular_member(z, 0, n);
	zip_discard(z);
	return CIB_OK;
}

enum cib_err source_open_zip(struct source *s, const char *path, size_t index)
{
	zip_int64_t zi;
	enum cib_err err;

	memset(s, 0, sizeof(*s));
	s->zip = zip_open_path(path, s->errmsg, sizeof(s->errmsg));
	if (!s->zip)
		return CIB_EIO;
	zi = regular_member(s->zip, index, NULL);
	if (zi < 0) {
		snprintf(s->errmsg, sizeof(s->errmsg), "no member %zu", index);
		return CIB_ENOTFOUND;
	}
	err = set_name(s, path, zip_get_name(s->zip, (zip_uint64_t)zi, 0));
	if (err)
		return err;
	s->zf = zip_fopen_index(s->zip, (zip_uint64_t)zi, 0);
	if (!s->zf) {
		snprintf(s->errmsg, sizeof(s->errmsg), "%s",
			 zip_strerror(s->zip));
		return CIB_EIO;
	}
	return CIB_OK;
}

static enum cib_err raw_read(struct source *s, char *buf, size_t cap,
			     size_t *got)
{
	*got = 0;
	if (cap > (1u << 30))
		cap = 1u << 30;
	if (s->gz) {
		int r = gzread(s->gz, buf, (unsigned)cap);

		if (r < 0) {
			int code;
			const char *m = gzerror(s->gz, &code);

			snprintf(s->errmsg, sizeof(s->errmsg), "%s",
				 m ? m : "read error");
			return CIB_EIO;
		}
		*got = (size_t)r;
		return CIB_OK;
	}
	if (s->is_mem) {
		size_t k = s->mem_len - s->mem_pos;

		if (k > cap)
			k = cap;
		if (k)
			memcpy(buf, s->mem + s->mem_pos, k);
		s->mem_pos += k;
		*got = k;
		return CIB_OK;
	}
	if (s->zf) {
		zip_int64_t r = zip_fread(s->zf, buf, cap);

		if (r < 0) {
			snprintf(s->errmsg, sizeof(s->errmsg), "%s",
				 zip_file_strerror(s->zf));
			return CIB_EIO;
		}
		*got = (size_t)r;
		return CIB_OK;
	}
	return CIB_EIO;
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
		return CIB_OK;
	}
	err = raw_read(s, buf, cap, got);
	if (!err)
		s->bytes_read += *got;
	return err;
}

void source_close(struct source *s)
{
	if (!s)
		return;
	if (s->gz)
		gzclose(s->gz);
	if (s->zf)
		zip_fclose(s->zf);
	if (s->zip)
		zip_discard(s->zip);
	free(s->peek);
	free(s->name);
	memset(s, 0, sizeof(*s));
}
