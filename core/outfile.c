/* outfile.c - write to a temporary name, check, fsync, rename. */
#include "outfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum cib_err outfile_open(struct outfile *o, const char *path)
{
	size_t n;

	memset(o, 0, sizeof(*o));
	if (strcmp(path, "-") == 0) {
		o->f = stdout;
		return CIB_OK;
	}
	o->path = strdup(path);
	n = strlen(path) + 32;
	o->tmp = malloc(n);
	if (!o->path || !o->tmp) {
		outfile_abort(o);
		return CIB_ENOMEM;
	}
	snprintf(o->tmp, n, "%s.tmp.%ld", path, (long)getpid());
	o->f = fopen(o->tmp, "wb");
	if (!o->f) {
		int e = errno;

		outfile_abort(o);
		errno = e;
		return CIB_EIO;
	}
	return CIB_OK;
}

enum cib_err outfile_commit(struct outfile *o)
{
	enum cib_err err = CIB_OK;

	if (!o->f)
		return CIB_EIO;
	if (fflush(o->f) != 0 || ferror(o->f))
		err = CIB_EIO;
	if (!o->tmp) { /* stdout */
		o->f = NULL;
		return err;
	}
	if (!err && fsync(fileno(o->f)) != 0)
		err = CIB_EIO;
	if (fclose(o->f) != 0)
		err = CIB_EIO;
	o->f = NULL;
	if (!err && rename(o->tmp, o->path) != 0)
		err = CIB_EIO;
	if (err) {
		int e = errno; /* the caller reports strerror(errno) */

		remove(o->tmp);
		errno = e;
	}
	free(o->tmp);
	free(o->path);
	o->tmp = o->path = NULL;
	return err;
}

void outfile_abort(struct outfile *o)
{
	if (!o)
		return;
	if (o->f && o->f != stdout)
		fclose(o->f);
	if (o->tmp)
		remove(o->tmp);
	free(o->tmp);
	free(o->path);
	memset(o, 0, sizeof(*o));
}
