/* clock.h - monotonic seconds, for the stage times --progress prints. */
#ifndef CIB_CLOCK_H
#define CIB_CLOCK_H

/* Seconds since an arbitrary fixed point; only differences mean anything. */
double cib_seconds(void);

/* CPU seconds of the whole process (every thread) so far; 0 when the
 * clock is unavailable. */
double cib_cpu_seconds(void);

#endif
