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
#include <unistd.h>

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

static int write_all(int fd, const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(fd, s, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		s += w;
		n -= (size_t)w;
	}
	return 0;
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

enum cib_err checkpoint_save(const struct checkpoint *c, const char *path,
			     char *err, size_t errlen)
{
	cJSON *o = cJSON_CreateObject();
	char num[32], tmp[4200];
	char *text = NULL;
	int fd = -1;
	enum cib_err rc = CIB_ENOMEM;

	if (!o)
		return CIB_ENOMEM;
	if (strlen(path) + 16 > sizeof(tmp)) {
		snprintf(err, errlen, "checkpoint path too long");
		rc = CIB_EUSAGE;
		goto out;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
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
	if (!text)
		goto out;
	rc = CIB_EIO;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write_all(fd, text, strlen(text)) || write_all(fd, "\n", 1) ||
	    fsync(fd) != 0) {
		snprintf(err, errlen, "cannot write '%s': %s", tmp,
			 strerror(errno));
		goto out;
	}
	if (close(fd) != 0) {
		fd = -1;
		snprintf(err, errlen, "cannot write '%s': %s", tmp,
			 strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) != 0) {
		snprintf(err, errlen, "cannot rename '%s' to '%s': %s", tmp,
			 path, strerror(errno));
		goto out;
	}
	sync_dir(path);
	rc = CIB_OK;
out:
	if (fd >= 0)
		close(fd);
	if (rc && rc != CIB_EUSAGE)
		unlink(tmp);
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
