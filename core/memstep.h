/* memstep.h - each step's own peak memory (score --step-memory).
 *
 * The kernel keeps one high-water mark of a process's resident memory
 * (VmHWM), so a stage's "peak RSS" is otherwise the run's peak up to its
 * end: the step that sets it hides every later one. With the log on,
 * memstep_mark reads the mark at the end of a step and resets it
 * (writing "5" to /proc/self/clear_refs, Linux 4.0 and later), so each
 * step's figure is the most that step held: what a rank of score --mpi
 * needs for each of its steps (docs/scale.md).
 *
 * Resetting the mark has a cost outside the process: a tool that reads
 * the process's peak when it ends (/usr/bin/time, the parent's wait4)
 * then sees the peak since the last reset. So the log is off unless
 * asked for; cib_peak_rss_mb (core/clock.h) stays the run's peak either
 * way (the most of the steps logged and the current one).
 */
#ifndef CIB_MEMSTEP_H
#define CIB_MEMSTEP_H

#include <stddef.h>

/* Steps logged at most; later marks fold into the last entry. */
#define MEMSTEP_MAX 48
/* A step's name, NUL included (longer names are cut). */
#define MEMSTEP_NAME 16

struct memstep {
	char name[MEMSTEP_NAME];
	double mb; /* the step's peak resident memory, MB (2^20 bytes) */
};

/* Turns the log on from here (the first step starts now, with the mark
 * reset). Returns 0, or -1 when the kernel does not let the process
 * read or reset its mark (no /proc, an older kernel): the log stays off
 * and marks do nothing. */
int memstep_enable(void);

/* Whether memstep_enable succeeded. */
int memstep_on(void);

/* Ends the step under way as `name`: logs the peak since the last mark
 * (or memstep_enable) and resets the mark. Nothing when the log is off.
 * Not thread safe: the thread that runs the stages calls it. */
void memstep_mark(const char *name);

/* The steps logged so far, in order; *n of them. */
const struct memstep *memstep_steps(size_t *n);

/* The most any logged step held, MB; 0 when none. */
double memstep_max_mb(void);

/* The peak of the step under way (the mark since the last reset), MB;
 * negative when unavailable. */
double memstep_current_mb(void);

/* Writes "name MB, name MB, ..." of steps v[0..n) into buf (cut to len,
 * NUL ended). */
void memstep_format(const struct memstep *v, size_t n, char *buf,
		    size_t len);

#endif
