/* memstep.c - see memstep.h. */
#include "memstep.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct {
	int on;
	size_t n;
	double max;
	struct memstep v[MEMSTEP_MAX];
} log_;

/* VmHWM of /proc/self/status in MB, or -1. */
static double read_hwm(void)
{
	char buf[4096], *p;
	ssize_t got;
	size_t len = 0;
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	while (len < sizeof(buf) - 1) {
		got = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		len += (size_t)got;
	}
	close(fd);
	buf[len] = '\0';
	p = strstr(buf, "\nVmHWM:");
	if (!p)
		return -1;
	/* "VmHWM:\t  123456 kB" */
	return (double)strtoull(p + 7, NULL, 10) / 1024.0;
}

static int reset_hwm(void)
{
	int fd = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);
	ssize_t w;

	if (fd < 0)
		return -1;
	do
		w = write(fd, "5", 1);
	while (w < 0 && errno == EINTR);
	close(fd);
	return w == 1 ? 0 : -1;
}

int memstep_enable(void)
{
	if (log_.on)
		return 0;
	if (read_hwm() < 0 || reset_hwm() != 0)
		return -1;
	log_.on = 1;
	log_.n = 0;
	log_.max = 0;
	return 0;
}

int memstep_on(void)
{
	return log_.on;
}

void memstep_mark(const char *name)
{
	double mb;
	struct memstep *s;

	if (!log_.on)
		return;
	mb = read_hwm();
	if (mb < 0)
		return;
	if (log_.n < MEMSTEP_MAX) {
		s = &log_.v[log_.n++];
		snprintf(s->name, sizeof(s->name), "%s", name);
		s->mb = mb;
	} else { /* folded into the last: its name says so */
		s = &log_.v[MEMSTEP_MAX - 1];
		snprintf(s->name, sizeof(s->name), "%s", "the rest");
		if (mb > s->mb)
			s->mb = mb;
	}
	if (mb > log_.max)
		log_.max = mb;
	reset_hwm();
}

const struct memstep *memstep_steps(size_t *n)
{
	*n = log_.n;
	return log_.v;
}

double memstep_max_mb(void)
{
	return log_.max;
}

double memstep_current_mb(void)
{
	return read_hwm();
}

void memstep_format(const struct memstep *v, size_t n, char *buf,
		    size_t len)
{
	size_t at = 0;

	if (!len)
		return;
	buf[0] = '\0';
	for (size_t i = 0; i < n && at < len; i++) {
		int w = snprintf(buf + at, len - at, "%s%s %.0f",
				 i ? ", " : "", v[i].name, v[i].mb);

		if (w < 0)
			break;
		at += (size_t)w;
	}
}
