/* outfile.c - where an output goes and how it is replaced (outfile.h).
 *
 * Invariants: a temporary file is only ever created with O_EXCL|O_NOFOLLOW
 * (a name that exists, link or not, is skipped for another); nothing that
 * is not a regular file is ever renamed over; every temporary name is in
 * the registry from the moment the file exists until it is renamed or
 * removed, and the registry's strings are not freed while registered.
 */
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#define OUTFILE_PENDING 64 /* open temporary files one process may hold */
#define OUTFILE_MAX_LINKS 40

static char *_Atomic pending[OUTFILE_PENDING];

static int registry_add(char *tmp)
{
	for (int i = 0; i < OUTFILE_PENDING; i++) {
		char *expect = NULL;

		if (atomic_compare_exchange_strong(&pending[i], &expect, tmp))
			return i;
	}
	return -1; /* full: the file is still removed on every error path */
}

/* Clears o's slot if it still holds o's name (a zeroed struct's slot 0
 * belongs to someone else). */
static void registry_drop(struct outfile *o)
{
	char *mine = o->tmp;

	if (o->slot >= 0 && o->slot < OUTFILE_PENDING && mine)
		atomic_compare_exchange_strong(&pending[o->slot], &mine, NULL);
	o->slot = -1;
}

void outfile_signal_cleanup(void)
{
	for (int i = 0; i < OUTFILE_PENDING; i++) {
		char *p = atomic_load(&pending[i]);

		if (p)
			unlink(p);
	}
}

static void release(struct outfile *o)
{
	const char *why = o->why;

	registry_drop(o);
	free(o->tmp);
	free(o->path);
	memset(o, 0, sizeof(*o));
	o->slot = -1;
	o->mode = -1;
	o->why = why;
}

static int is_stdout_name(const char *p)
{
	return !strcmp(p, "-") || !strcmp(p, "/dev/stdout") ||
	       !strcmp(p, "/dev/fd/1") || !strcmp(p, "/proc/self/fd/1");
}

/* dir of `path` joined with the relative link text `rel`; malloc'd */
static char *join_dir(const char *path, const char *rel)
{
	const char *slash = strrchr(path, '/');
	size_t dl = slash ? (size_t)(slash - path) + 1 : 0;
	size_t rl = strlen(rel);
	char *s = malloc(dl + rl + 1);

	if (!s)
		return NULL;
	memcpy(s, path, dl);
	memcpy(s + dl, rel, rl + 1);
	return s;
}

static int under_dev_or_proc(const char *p)
{
	return !strncmp(p, "/dev/", 5) || !strncmp(p, "/proc/", 6);
}

enum resolved { R_NEW, R_REPLACE, R_IN_PLACE };

/* Follows symbolic links from `path`. Sets *target (malloc'd) to the file
 * to create or replace, *st to its lstat (R_REPLACE). Returns -1 with
 * errno (and o->why) on failure. */
static int resolve(struct outfile *o, const char *path, char **target,
		   struct stat *st, enum resolved *how)
{
	char *cur = strdup(path);

	*target = NULL;
	if (!cur)
		return -1;
	for (int hops = 0; hops <= OUTFILE_MAX_LINKS; hops++) {
		char link[PATH_MAX];
		ssize_t n;
		char *next;

		if (lstat(cur, st) != 0) {
			int e = errno;

			if (e == ENOENT && hops > 0) {
				o->why = "a symbolic link to a file that does "
					 "not exist (refused: create the file "
					 "or remove the link)";
				free(cur);
				errno = ENOENT;
				return -1;
			}
			if (e == ENOENT) {
				*target = cur;
				*how = R_NEW;
				return 0;
			}
			free(cur);
			errno = e;
			return -1;
		}
		if (!S_ISLNK(st->st_mode)) {
			*target = cur;
			*how = S_ISREG(st->st_mode) ? R_REPLACE : R_IN_PLACE;
			return 0;
		}
		n = readlink(cur, link, sizeof(link) - 1);
		if (n < 0) {
			free(cur);
			return -1;
		}
		link[n] = '\0';
		next = link[0] == '/' ? strdup(link) : join_dir(cur, link);
		free(cur);
		if (!next)
			return -1;
		if (under_dev_or_proc(next)) {
			/* /dev/stdout, /proc/self/fd/N: the kernel's links
			 * name open files, which are written, not replaced */
			free(next);
			*target = strdup(path);
			*how = R_IN_PLACE;
			return *target ? 0 : -1;
		}
		cur = next;
	}
	free(cur);
	errno = ELOOP;
	return -1;
}

static uint32_t random32(void)
{
	static uint32_t counter;
	uint32_t r = 0;
	struct timespec ts;

	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) == (ssize_t)sizeof(r))
		return r;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint32_t)ts.tv_nsec * 2654435761u ^ (uint32_t)getpid() ^
	       ++counter * 40503u;
}

static enum cib_err open_temp(struct outfile *o)
{
	size_t n = strlen(o->path) + 40;
	sigset_t old;
	int fd = -1, e;

	o->tmp = malloc(n);
	if (!o->tmp)
		return CIB_ENOMEM;
	/* a signal between the file's creation and its registration would
	 * leave it behind: hold the signals until the name is registered */
	outfile_signals_hold(&old);
	for (int tries = 0; tries < 100 && fd < 0; tries++) {
		snprintf(o->tmp, n, "%s.tmp.%ld.%08x", o->path, (long)getpid(),
			 (unsigned)random32());
		fd = open(o->tmp,
			  O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			  0666);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	if (fd >= 0)
		o->slot = registry_add(o->tmp);
	e = errno;
	outfile_signals_restore(&old);
	if (fd < 0) {
		free(o->tmp);
		o->tmp = NULL;
		errno = e;
		return CIB_EIO;
	}
	if (o->mode >= 0 && fchmod(fd, (mode_t)o->mode) != 0)
		goto fail;
	o->f = fdopen(fd, "wb");
	if (!o->f)
		goto fail;
	return CIB_OK;
fail:
	e = errno;
	close(fd);
	unlink(o->tmp);
	registry_drop(o);
	free(o->tmp);
	o->tmp = NULL;
	errno = e;
	return CIB_EIO;
}

static enum cib_err open_in_place(struct outfile *o)
{
	struct stat st;
	int flags = O_WRONLY | O_NOCTTY | O_CLOEXEC, fd;

	/* a regular file reached through /proc or /dev (a shell redirection
	 * seen as /dev/fd/N) is appended to, never truncated */
	if (stat(o->path, &st) == 0 && S_ISREG(st.st_mode))
		flags |= O_APPEND;
	fd = open(o->path, flags);
	if (fd < 0)
		return CIB_EIO;
	o->f = fdopen(fd, "wb");
	if (!o->f) {
		int e = errno;

		close(fd);
		errno = e;
		return CIB_EIO;
	}
	return CIB_OK;
}

enum cib_err outfile_open(struct outfile *o, const char *path)
{
	struct stat st;
	enum resolved how;
	enum cib_err err;
	char *target;

	memset(o, 0, sizeof(*o));
	o->slot = -1;
	o->mode = -1;
	if (is_stdout_name(path)) {
		o->f = stdout;
		return CIB_OK;
	}
	if (!*path) {
		errno = ENOENT;
		return CIB_EIO;
	}
	if (resolve(o, path, &target, &st, &how) != 0) {
		int e = errno;

		release(o);
		errno = e;
		return e == ENOMEM ? CIB_ENOMEM : CIB_EIO;
	}
	o->path = target;
	if (how == R_IN_PLACE) {
		err = open_in_place(o);
	} else {
		/* the permission bits only: a set-user-ID bit is not
		 * carried to new contents */
		if (how == R_REPLACE)
			o->mode = (int)(st.st_mode & 0777);
		err = open_temp(o);
	}
	if (err) {
		int e = errno;

		release(o);
		errno = e;
	}
	return err;
}

int outfile_in_place(const struct outfile *o)
{
	return o->f && !o->tmp;
}

enum cib_err outfile_close(struct outfile *o)
{
	enum cib_err err = CIB_OK;
	int e = 0, regular;
	struct stat st;

	if (!o->f)
		return CIB_EIO;
	if (fflush(o->f) != 0 || ferror(o->f)) {
		err = CIB_EIO;
		e = errno ? errno : EIO;
	}
	if (o->f == stdout) {
		o->f = NULL;
		release(o);
		errno = e;
		return err;
	}
	/* fsync a file (not a FIFO or a device, which may refuse it) */
	regular = fstat(fileno(o->f), &st) == 0 && S_ISREG(st.st_mode);
	if (!err && regular && fsync(fileno(o->f)) != 0) {
		err = CIB_EIO;
		e = errno;
	}
	if (fclose(o->f) != 0 && !err) {
		err = CIB_EIO;
		e = errno;
	}
	o->f = NULL;
	if (err) {
		if (o->tmp)
			unlink(o->tmp);
		release(o);
		errno = e;
		return err;
	}
	if (!o->tmp)
		release(o);
	return CIB_OK;
}

enum cib_err outfile_rename(struct outfile *o)
{
	if (o->f)
		return CIB_EINTERNAL; /* not closed */
	if (o->tmp && rename(o->tmp, o->path) != 0) {
		int e = errno;

		unlink(o->tmp);
		release(o);
		errno = e;
		return CIB_EIO;
	}
	release(o);
	return CIB_OK;
}

void outfile_signals_hold(sigset_t *old)
{
	sigset_t all;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, old);
}

void outfile_signals_restore(const sigset_t *old)
{
	int e = errno;

	pthread_sigmask(SIG_SETMASK, old, NULL);
	errno = e;
}

enum cib_err outfile_rename_all(struct outfile *o, size_t n, size_t *at)
{
	sigset_t old;
	enum cib_err err = CIB_OK;

	outfile_signals_hold(&old);
	for (size_t i = 0; i < n && !err; i++) {
		errno = 0;
		err = outfile_rename(&o[i]);
		*at = i;
	}
	outfile_signals_restore(&old);
	return err;
}

enum cib_err outfile_open_regular(const char *path, int flags,
				  mode_t mode, int *fd, struct stat *st)
{
	struct stat own;
	int fl, e;

	if (!st)
		st = &own;
	*fd = -1;
	if (stat(path, st) == 0 && !S_ISREG(st->st_mode))
		return CIB_EUSAGE;
	*fd = open(path, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC | flags,
		   mode);
	if (*fd < 0)
		return CIB_EIO;
	if (fstat(*fd, st) != 0)
		goto failed;
	if (!S_ISREG(st->st_mode)) {
		close(*fd);
		*fd = -1;
		return CIB_EUSAGE;
	}
	fl = fcntl(*fd, F_GETFL);
	if (fl >= 0 && fcntl(*fd, F_SETFL, fl & ~O_NONBLOCK) == 0)
		return CIB_OK;
failed:
	e = errno;
	close(*fd);
	*fd = -1;
	errno = e;
	return CIB_EIO;
}

enum cib_err outfile_commit(struct outfile *o)
{
	enum cib_err err = outfile_close(o);

	return err ? err : outfile_rename(o);
}

void outfile_abort(struct outfile *o)
{
	if (!o)
		return;
	if (o->f && o->f != stdout)
		fclose(o->f);
	else if (o->f == stdout)
		fflush(stdout);
	o->f = NULL;
	if (o->tmp)
		unlink(o->tmp);
	release(o);
}
