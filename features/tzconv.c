/* tzconv.c - offset transition tables for IANA zones.
 *
 * Invariants of a built table: n >= 1; start[] strictly increasing;
 * off[i] != off[i+1]; start[0] is the (padded) span start. The table is built
 * by asking glibc's localtime_r() with TZ set to the zone, which reads the
 * same TZif file (and its POSIX footer rule for far-future times) that `date`
 * uses, so the offsets agree with `TZ=zone date` by construction.
 *
 * The scan samples every SCAN_STEP seconds (COARSE_STEP for the coarse
 * variant) and bisects every change to the second. Two transitions closer
 * together than the step that cancel out would be missed; DST periods last
 * months, so the 7-day step only risks historical oddities, and the 6-hour
 * step nothing in tzdata since 1970.
 */
#include "features/tzconv.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SCAN_STEP ((int64_t)6 * 3600)
#define COARSE_STEP ((int64_t)7 * 86400)
#define PAD ((int64_t)2 * 86400)

static pthread_mutex_t tz_lock = PTHREAD_MUTEX_INITIALIZER;

static int name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= TZCONV_NAME_MAX || s[0] == '/' || s[0] == '.')
		return 0;
	if (strstr(s, ".."))
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '/' || c == '_' ||
		      c == '-' || c == '+'))
			return 0;
	}
	return 1;
}

int tzconv_zone_exists(const char *iana)
{
	const char *dir = getenv("TZDIR");
	char path[512], magic[4];
	FILE *f;
	int ok;

	if (!iana || !name_ok(iana))
		return 0;
	if (!dir || !*dir)
		dir = "/usr/share/zoneinfo";
	if (snprintf(path, sizeof(path), "%s/%s", dir, iana) >= (int)sizeof(path))
		return 0;
	f = fopen(path, "rb");
	if (!f)
		return 0;
	ok = fread(magic, 1, 4, f) == 4 && memcmp(magic, "TZif", 4) == 0;
	fclose(f);
	return ok;
}

/* Offset in minutes at t with the currently set TZ. */
static int32_t probe(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!localtime_r(&tt, &tm))
		return 0;
	return (int32_t)(tm.tm_gmtoff / 60);
}

static enum cib_err push(struct tzconv *z, size_t *cap, int64_t start,
			 int32_t off)
{
	if (z->n == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		int64_t *s = realloc(z->start, nc * sizeof(*s));

		if (!s)
			return CIB_ENOMEM;
		z->start = s;
		int32_t *o = realloc(z->off, nc * sizeof(*o));

		if (!o)
			return CIB_ENOMEM;
		z->off = o;
		*cap = nc;
	}
	z->start[z->n] = start;
	z->off[z->n] = off;
	z->n++;
	return CIB_OK;
}

static enum cib_err scan(struct tzconv *z, int64_t lo, int64_t hi,
			 int64_t step)
{
	size_t cap = 0;
	int32_t cur = probe(lo);
	enum cib_err err = push(z, &cap, lo, cur);

	for (int64_t t = lo; !err && t < hi;) {
		int64_t next = t + step > hi ? hi : t + step;
		int32_t o = probe(next);

		if (o != cur) {
			/* bisect: offset at a is cur, at b is not */
			int64_t a = t, b = next;

			while (b - a > 1) {
				int64_t m = a + (b - a) / 2;

				if (probe(m) == cur)
					a = m;
				else
					b = m;
			}
			cur = probe(b);
			err = push(z, &cap, b, cur);
			t = b;
			continue;
		}
		t = next;
	}
	return err;
}

static enum cib_err init_step(struct tzconv *z, const char *iana,
			      int64_t t_min, int64_t t_max, int64_t step)
{
	char *saved = NULL;
	const char *old;
	enum cib_err err;

	memset(z, 0, sizeof(*z));
	if (!iana || !tzconv_zone_exists(iana))
		return CIB_ENOTFOUND;
	if (t_min > t_max)
		return CIB_EUSAGE;
	if (t_min < -TZCONV_MAX_SPAN * 2 || t_max > TZCONV_MAX_SPAN * 2 ||
	    t_max - t_min > TZCONV_MAX_SPAN)
		return CIB_ERANGE;
	snprintf(z->name, sizeof(z->name), "%s", iana);

	pthread_mutex_lock(&tz_lock);
	old = getenv("TZ");
	if (old) {
		saved = strdup(old);
		if (!saved) {
			pthread_mutex_unlock(&tz_lock);
			return CIB_ENOMEM;
		}
	}
	if (setenv("TZ", iana, 1) != 0) {
		free(saved);
		pthread_mutex_unlock(&tz_lock);
		return CIB_ENOMEM;
	}
	tzset();
	err = scan(z, t_min - PAD, t_max + PAD, step);
	if (saved)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	tzset();
	pthread_mutex_unlock(&tz_lock);
	free(saved);
	if (err) {
		tzconv_release(z);
		return err;
	}
	z->min_off = z->max_off = z->off[0];
	for (size_t i = 1; i < z->n; i++) {
		if (z->off[i] < z->min_off)
			z->min_off = z->off[i];
		if (z->off[i] > z->max_off)
			z->max_off = z->off[i];
	}
	return CIB_OK;
}

enum cib_err tzconv_init(struct tzconv *z, const char *iana, int64_t t_min,
			 int64_t t_max)
{
	return init_step(z, iana, t_min, t_max, SCAN_STEP);
}

enum cib_err tzconv_init_coarse(struct tzconv *z, const char *iana,
				int64_t t_min, int64_t t_max)
{
	return init_step(z, iana, t_min, t_max, COARSE_STEP);
}

int32_t tzconv_offset(const struct tzconv *z, int64_t utc)
{
	size_t lo = 0, hi;

	if (!z || z->n == 0)
		return 0;
	hi = z->n; /* answer in [lo, hi) : last i with start[i] <= utc */
	while (hi - lo > 1) {
		size_t m = lo + (hi - lo) / 2;

		if (z->start[m] <= utc)
			lo = m;
		else
			hi = m;
	}
	return z->off[lo];
}

int64_t tzconv_local(const struct tzconv *z, int64_t utc)
{
	return utc + (int64_t)tzconv_offset(z, utc) * 60;
}

void tzconv_release(struct tzconv *z)
{
	if (!z)
		return;
	free(z->start);
	free(z->off);
	z->start = NULL;
	z->off = NULL;
	z->n = 0;
}
