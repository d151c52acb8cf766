/* clock.c - see clock.h. */
#include "clock.h"
#include "memstep.h"

#include <sys/resource.h>
#include <time.h>

double cib_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

double cib_cpu_seconds(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0)
		return 0;
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

double cib_peak_rss_mb(void)
{
	struct rusage ru;

	/* the kernel's mark is the step's since the last reset: the run's
	 * peak is the most of the steps and the one under way */
	if (memstep_on()) {
		double cur = memstep_current_mb(), max = memstep_max_mb();

		return cur > max ? cur : max;
	}
	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return -1;
	return (double)ru.ru_maxrss / 1024.0; /* kB on Linux */
}
