/* checkpoint.c - atomic save and strict load of a collect run's state.
 *
 * Counts are written as decimal strings, not JSON numbers: cJSON keeps
 * numbers as doubles, which would silently round byte offsets past 2^53.
 */
#include "fetch/checkpoint.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/outfile.h"
#include "core/slurp.h"

void checkpoint_init(struct checkpoint *c)
{
	memset(c, 0, sizeof(*c));
}

void checkpoint_release(struct checkpoint *c)
{
	if (!c)
		return;
	free(c->cursor);
	memset(c, 0, sizeof(*c));
}

enum cib_err checkpoint_set_cursor(struct checkpoint *c, const char *cursor)
{
	char *p = NULL;

	if (cursor) {
		size_t n = strlen(cursor);

		if (n > CHECKPOINT_MAX_CURSOR)
			return CIB_ETOOBIG;
		p = malloc(n + 1);
		if (!p)
			return CIB_ENOMEM;
		memcpy(p, cursor, n + 1);
	}
	free(c->cursor);
	c->cursor = p;
	return CIB_OK;
}

char *checkpoint_path(const char *out)
{
	size_t n = strlen(out);
	char *p = malloc(n + 6);

	if (p)
		snprintf(p, n + 6, "%s.ckpt", out);
	return p;
}

/* fsync the directory holding `path` so the rename itself is durable. */
static void sync_dir(const char *path)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	int fd;

	if (!slash) {
		snprintf(dir, sizeof(dir), ".");
	} else {
		size_t n = (size_t)(slash - path);

		if (n >= sizeof(dir))
			return;
		memcpy(dir, path, n);
		dir[n ? n : 1] = '\0';
		if (!n)
			dir[0] = '/';
	}
	fd = open(dir, O_RDONLY);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/* The checkpoint's replacement through outfile: a temporary file under an
 * unpredictable name, created O_EXCL|O_NOFOLLOW (a link planted at a
 * guessable name was followed and its target overwritten), flushed,
 * fsynced and renamed. A checkpoint is always a regular file: anything
 * else at the path (a FIFO would block the run, a device would be
 * written) is refused before it is opened, and again if one appears
 * between the check and the open. */
static enum cib_err save_text(const char *path, const char *text,
			      char *err, size_t errlen)
{
	struct outfile o;
	struct stat st;
	char *target;
	enum cib_err rc;

	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "checkpoint '%s' is not a regular file",
			 path);
		return CIB_EUSAGE;
	}
	errno = 0;
	rc = outfile_open(&o, path);
	if (rc) {
		snprintf(err, errlen, "cannot write '%s': %s", path,
			 o.why ? o.why : strerror(errno ? errno : EIO));
		return rc;
	}
	if (outfile_in_place(&o)) {
		outfile_abort(&o);
		snprintf(err, errlen, "checkpoint '%s' is not a regular file",
			 path);
		return CIB_EUSAGE;
	}
	errno = 0;
	if (fputs(text, o.f) == EOF || fputc('\n', o.f) == EOF) {
		int e = errno;

		outfile_abort(&o);
		snprintf(err, errlen, "cannot write '%s': %s", path,
			 strerror(e ? e : EIO));
		return CIB_EIO;
	}
	/* the directory of the file replaced (a link's target's) */
	target = strdup(o.path);
	errno = 0;
	rc = outfile_commit(&o);
	if (rc) {
		snprintf(err, errlen, "cannot write '%s': %s", path,
			 o.why ? o.why : strerror(errno ? errno : EIO));
		outfile_abort(&o);
	} else {
		sync_dir(target ? target : path);
	}
	free(target);
	return rc;
}

enum cib_err checkpoint_save(const struct checkpoint *c, const char *path,
			     char *err, size_t errlen)
{
	cJSON *o = cJSON_CreateObject();
	char num[32];
	char *text = NULL;
	enum cib_err rc = CIB_ENOMEM;

	if (!o)
		return CIB_ENOMEM;
	cJSON_AddNumberToObject(o, "version", 1);
	snprintf(num, sizeof(num), "%016" PRIx64, c->query);
	cJSON_AddStringToObject(o, "query", num);
#define ADD_U64(name, v)                                             \
	do {                                                         \
		snprintf(num, sizeof(num), "%" PRIu64, (uint64_t)(v)); \
		cJSON_AddStringToObject(o, name, num);               \
	} while (0)
	ADD_U64("target", c->target);
	ADD_U64("pages", c->pages);
	ADD_U64("items", c->items);
	ADD_U64("bytes", c->bytes);
#undef ADD_U64
	if (c->cursor)
		cJSON_AddStringToObject(o, "cursor", c->cursor);
	else
		cJSON_AddNullToObject(o, "cursor");
	cJSON_AddBoolToObject(o, "done", c->done);
	text = cJSON_PrintUnformatted(o);
	if (text)
		rc = save_text(path, text, err, errlen);
	free(text);
	cJSON_Delete(o);
	return rc;
}

static int get_u64(const cJSON *o, const char *name, uint64_t *v, int hex)
{
	const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, name);
	char *end;
	unsigned long long u;

	if (!cJSON_IsString(x) || !x->valuestring[0] ||
	    x->valuestring[0] == '-')
		return -1;
	errno = 0;
	u = strtoull(x->valuestring, &end, hex ? 16 : 10);
	if (errno || *end)
		return -1;
	*v = u;
	return 0;
}

enum cib_err checkpoint_parse(struct checkpoint *c, const char *buf, size_t n,
			      char *err, size_t errlen)
{
	cJSON *o;
	const cJSON *x;
	static const char *const fields[] = { "target", "pages", "items",
					      "bytes" };
	uint64_t *dst[4];

	checkpoint_init(c);
	dst[0] = &c->target;
	dst[1] = &c->pages;
	dst[2] = &c->items;
	dst[3] = &c->bytes;
	if (n > CHECKPOINT_MAX_FILE) {
		snprintf(err, errlen, "checkpoint larger than %zu bytes",
			 CHECKPOINT_MAX_FILE);
		return CIB_ETOOBIG;
	}
	o = cJSON_ParseWithLength(buf, n);
	if (!cJSON_IsObject(o)) {
		snprintf(err, errlen, "not a JSON object");
		cJSON_Delete(o);
		return CIB_EPARSE;
	}
	x = cJSON_GetObjectItemCaseSensitive(o, "version");
	if (!cJSON_IsNumber(x) || x->valuedouble != 1) {
		snprintf(err, errlen, "field 'version': expected 1");
		goto bad;
	}
	if (get_u64(o, "query", &c->query, 1)) {
		snprintf(err, errlen, "field 'query': expected a hex string");
		goto bad;
	}
	for (size_t i = 0; i < 4; i++)
		if (get_u64(o, fields[i], dst[i], 0)) {
			snprintf(err, errlen,
				 "field '%s': expected a decimal string",
				 fields[i]);
			goto bad;
		}
	x = cJSON_GetObjectItemCaseSensitive(o, "cursor");
	if (cJSON_IsString(x)) {
		if (checkpoint_set_cursor(c, x->valuestring)) {
			snprintf(err, errlen, "field 'cursor': too long");
			goto bad;
		}
	} else if (!cJSON_IsNull(x)) {
		snprintf(err, errlen, "field 'cursor': expected string or null");
		goto bad;
	}
	x = cJSON_GetObjectItemCaseSensitive(o, "done");
	if (!cJSON_IsBool(x)) {
		snprintf(err, errlen, "field 'done': expected true or false");
		goto bad;
	}
	c->done = cJSON_IsTrue(x);
	cJSON_Delete(o);
	return CIB_OK;
bad:
	cJSON_Delete(o);
	checkpoint_release(c);
	return CIB_EPARSE;
}

enum cib_err checkpoint_load(struct checkpoint *c, const char *path,
			     char *err, size_t errlen)
{
	char *buf;
	size_t n;
	char e2[200] = "";
	enum cib_err rc;

	checkpoint_init(c);
	rc = slurp_file(path, CHECKPOINT_MAX_FILE, &buf, &n);
	if (rc == CIB_ENOTFOUND || rc == CIB_ENOMEM)
		return rc;
	if (rc == CIB_EIO) {
		snprintf(err, errlen, "cannot read '%s': %s", path,
			 strerror(errno));
		return CIB_EIO;
	}
	if (rc == CIB_ETOOBIG)
		snprintf(e2, sizeof(e2), "checkpoint larger than %zu bytes",
			 CHECKPOINT_MAX_FILE);
	else
		rc = checkpoint_parse(c, buf, n, e2, sizeof(e2));
	if (rc)
		snprintf(err, errlen, "'%s': %s", path, e2);
	free(buf);
	return rc;
}
