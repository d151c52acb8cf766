/* clock.h - monotonic seconds, CPU seconds and peak memory, for the stage
 * figures --progress prints. */
#ifndef CIB_CLOCK_H
#define CIB_CLOCK_H

/* Seconds since an arbitrary fixed point; only differences mean anything. */
double cib_seconds(void);

/* CPU seconds of the whole process (every thread) so far; 0 when the
 * clock is unavailable. */
double cib_cpu_seconds(void);

/* The process's peak resident memory so far, in MB (getrusage; the
 * high-water mark, so a stage's figure is the run's peak up to its end;
 * with core/memstep.h's log on, the most of its steps and the one under
 * way); a negative value when unavailable. */
double cib_peak_rss_mb(void);

#endif
