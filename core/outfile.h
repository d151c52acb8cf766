/* outfile.h - result files that never clobber what they should not.
 *
 * What outfile_open() does depends on what is at the path (lstat, then
 * each symbolic link in turn; docs/outputs.md):
 *   - "-", /dev/stdout, /dev/fd/1, /proc/self/fd/1: standard output;
 *   - nothing, or a regular file: a temporary file is created beside it
 *     with O_CREAT|O_EXCL|O_NOFOLLOW under an unpredictable name
 *     ("NAME.tmp.PID.XXXXXXXX", never following a link planted there);
 *     outfile_commit() flushes, checks every error, fsyncs and renames it
 *     over the target, so a reader never sees half a file and a full disk
 *     is an error, not a short file. A replaced file keeps its permission
 *     bits (rwx, not set-ID); a new one gets 0666 minus the umask;
 *   - a symbolic link: followed; a link to a regular file has that file
 *     replaced as above (the link stays a link), a link into /dev or /proc
 *     is written through, a dangling link is refused;
 *   - anything else (FIFO, character or block device, socket): opened and
 *     written in place, never renamed over.
 *
 * Every temporary name is kept in a registry that outfile_signal_cleanup()
 * unlinks from a signal handler, so an interrupted run leaves nothing.
 */
#ifndef CIB_OUTFILE_H
#define CIB_OUTFILE_H

#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>

#include "error.h"

struct outfile {
	FILE *f;
	char *path;  /* the file replaced (a link's target); owned */
	char *tmp;   /* temporary name, NULL when written in place; owned */
	int slot;    /* index in the cleanup registry, -1 for none */
	int mode;    /* permission bits for the replaced file, -1: umask's */
	/* After a failure: a static explanation to print instead of
	 * strerror(errno), or NULL. Kept by outfile_abort(). */
	const char *why;
};

/* Opens the output for path as described above. On failure o is released,
 * errno says why (and o->why when errno alone would mislead). */
enum cib_err outfile_open(struct outfile *o, const char *path);

/* Flushes, checks and (for a file) fsyncs and closes, keeping the
 * temporary file for outfile_rename(). On error the temporary file is
 * removed, o is released and errno is that of the failing call. */
enum cib_err outfile_close(struct outfile *o);

/* Renames a closed output's temporary file over its target and releases
 * o. Nothing to do for an output written in place. */
enum cib_err outfile_rename(struct outfile *o);

/* outfile_rename() of o[0..n) in order, with every signal held until the
 * last: an interrupt lands before the first or after the last, so a run's
 * outputs are all replaced or none. On the first failure it stops, sets
 * *at to its index and keeps errno; the rest are left for outfile_abort.
 * Released entries (a zeroed struct) are skipped. */
enum cib_err outfile_rename_all(struct outfile *o, size_t n, size_t *at);

/* outfile_close() then outfile_rename(). */
enum cib_err outfile_commit(struct outfile *o);

/* Abandons the output (removes the temporary file); accepts a released o.
 * An output written in place keeps what was written. */
void outfile_abort(struct outfile *o);

/* For a file that is appended to or cut back rather than replaced (a
 * collect log, a token file): opens path, or the file a link to it names,
 * O_WRONLY with `flags` added (O_CREAT, O_TRUNC, O_APPEND) and `mode` for
 * a new one, only when it is a regular file. Anything else is refused
 * before it is opened and again on what was opened, which is opened
 * O_NONBLOCK (cleared after) so that a FIFO is never waited on. CIB_OK
 * with *fd (and *st when not NULL); CIB_EUSAGE when it is not a regular
 * file; CIB_EIO with errno. *fd is -1 on failure. */
enum cib_err outfile_open_regular(const char *path, int flags,
				  mode_t mode, int *fd, struct stat *st);

/* Holds every signal of the calling thread (*old: the mask to restore),
 * and puts it back keeping errno: around the few calls in which a file
 * that cleanup must know of exists unrecorded, or outputs are renamed. */
void outfile_signals_hold(sigset_t *old);
void outfile_signals_restore(const sigset_t *old);

/* Whether o writes in place (stdout, a FIFO, a device). */
int outfile_in_place(const struct outfile *o);

/* Async-signal-safe: unlinks every temporary file still registered. For
 * a SIGINT/SIGTERM handler, which then re-raises the signal. */
void outfile_signal_cleanup(void);

#endif
