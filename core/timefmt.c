/* timefmt.c - bounded, locale-free timestamp parsing into UTC seconds.
 * Calendar arithmetic is core/civil.c's.
 *
 * Invariant: every parser checks the range (CIVIL_TIME_MIN..CIVIL_TIME_MAX)
 * once, on the final UTC instant after any zone offset, never on the year
 * as written, so all forms and all readers agree on what is in range.
 */
#include "core/timefmt.h"

#include "core/civil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int64_t timefmt_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	return civil_days_from_date(y, m, d);
}

void timefmt_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	civil_date_from_days(z, y, m, d);
}

/* Reads exactly `w` digits at s[*i]. */
static int digits(const char *s, size_t n, size_t *i, int w, int *out)
{
	int v = 0;

	if (*i + (size_t)w > n)
		return -1;
	for (int k = 0; k < w; k++) {
		char c = s[*i + (size_t)k];

		if (c < '0' || c > '9')
			return -1;
		v = v * 10 + (c - '0');
	}
	*i += (size_t)w;
	*out = v;
	return 0;
}

static int days_in_month(int64_t y, unsigned m)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 ? 28 + leap : dm[m - 1];
}

/* The range check every parser ends with. */
static int in_range(int64_t t)
{
	return t >= CIVIL_TIME_MIN && t <= CIVIL_TIME_MAX ? 0
							  : TIMEFMT_OUT_OF_RANGE;
}

/* y is 0..9999 (four digits); the instant's range is checked later */
static int valid_ymdhms(int y, int mo, int d, int h, int mi, int se)
{
	if (y < 0 || mo < 1 || mo > 12 || d < 1)
		return 0;
	if (d > days_in_month(y, (unsigned)mo))
		return 0;
	/* 60 admits a leap second, 24:00:00 is not accepted */
	return h >= 0 && h < 24 && mi >= 0 && mi < 60 && se >= 0 && se <= 60;
}

static int64_t to_unix(int y, int mo, int d, int h, int mi, int se)
{
	return timefmt_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
	       h * 3600 + mi * 60 + se;
}

/* Parses [Z|UTC|GMT|(+|-)HH[:]MM|(+|-)HH] at s[*i]; sets *off (seconds east).
 * Returns 0 also when nothing is there. */
static int parse_offset(const char *s, size_t n, size_t *i, int *off)
{
	int hh, mm = 0, sign;

	*off = 0;
	if (*i >= n)
		return 0;
	if (s[*i] == 'Z' || s[*i] == 'z') {
		(*i)++;
		return 0;
	}
	if (n - *i >= 3 && (memcmp(s + *i, "UTC", 3) == 0 ||
			    memcmp(s + *i, "GMT", 3) == 0)) {
		*i += 3;
		if (*i >= n)
			return 0;
	}
	if (s[*i] != '+' && s[*i] != '-')
		return -1;
	sign = s[*i] == '-' ? -1 : 1;
	(*i)++;
	if (digits(s, n, i, 2, &hh))
		return -1;
	if (*i < n && s[*i] == ':')
		(*i)++;
	if (*i < n && digits(s, n, i, 2, &mm))
		return -1;
	if (hh > 18 || mm > 59)
		return -1;
	*off = sign * (hh * 3600 + mm * 60);
	return 0;
}

static size_t trim_end(const char *s, size_t n)
{
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' ||
		     s[n - 1] == '\n'))
		n--;
	return n;
}

/* timefmt_parse_iso without the range check (zoned times move the instant
 * after parsing). */
static int parse_iso_raw(const char *s, size_t n, int64_t *t,
			 int *minutes_only)
{
	size_t i = 0;
	int y, mo, d, h = 0, mi = 0, se = 0, off = 0, have_sec = 0;

	while (i < n && s[i] == ' ')
		i++;
	n = trim_end(s, n);
	if (digits(s, n, &i, 4, &y) || i >= n || s[i++] != '-' ||
	    digits(s, n, &i, 2, &mo) || i >= n || s[i++] != '-' ||
	    digits(s, n, &i, 2, &d))
		return -1;
	if (i < n && (s[i] == 'T' || s[i] == 't' || s[i] == ' ')) {
		i++;
		if (digits(s, n, &i, 2, &h) || i >= n || s[i++] != ':' ||
		    digits(s, n, &i, 2, &mi))
			return -1;
		if (i < n && s[i] == ':') {
			i++;
			if (digits(s, n, &i, 2, &se))
				return -1;
			have_sec = 1;
			if (i < n && (s[i] == '.' || s[i] == ',')) {
				i++;
				if (i >= n || s[i] < '0' || s[i] > '9')
					return -1;
				while (i < n && s[i] >= '0' && s[i] <= '9')
					i++;
			}
		}
		if (i < n && s[i] == ' ')
			i++;
		if (parse_offset(s, n, &i, &off))
			return -1;
	}
	if (i != n || !valid_ymdhms(y, mo, d, h, mi, se))
		return -1;
	*t = to_unix(y, mo, d, h, mi, se) - off;
	if (minutes_only)
		*minutes_only = !have_sec;
	return 0;
}

int timefmt_parse_iso(const char *s, size_t n, int64_t *t, int *minutes_only)
{
	int64_t v;

	if (parse_iso_raw(s, n, &v, minutes_only))
		return -1;
	if (in_range(v))
		return TIMEFMT_OUT_OF_RANGE;
	*t = v;
	return 0;
}

static int month_from_abbr(const char *s)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";

	for (int k = 0; k < 12; k++)
		if (memcmp(months + 3 * k, s, 3) == 0)
			return k + 1;
	return -1;
}

int timefmt_parse_twitter(const char *s, size_t n, int64_t *t)
{
	/* "Wed Oct 10 20:19:24 +0000 2018" */
	size_t i = 0;
	int mo, d, h, mi, se, y, off;

	n = trim_end(s, n);
	if (n != 30 || s[3] != ' ' || s[7] != ' ' || s[10] != ' ')
		return -1;
	mo = month_from_abbr(s + 4);
	if (mo < 0)
		return -1;
	i = 8;
	if (digits(s, n, &i, 2, &d))
		return -1;
	i = 11;
	if (digits(s, n, &i, 2, &h) || s[i++] != ':' ||
	    digits(s, n, &i, 2, &mi) || s[i++] != ':' ||
	    digits(s, n, &i, 2, &se) || s[i++] != ' ')
		return -1;
	if (parse_offset(s, 25, &i, &off) || i != 25 || s[i++] != ' ' ||
	    digits(s, n, &i, 4, &y))
		return -1;
	if (!valid_ymdhms(y, mo, d, h, mi, se))
		return -1;
	if (in_range(to_unix(y, mo, d, h, mi, se) - off))
		return TIMEFMT_OUT_OF_RANGE;
	*t = to_unix(y, mo, d, h, mi, se) - off;
	return 0;
}

int timefmt_parse_unix(const char *s, size_t n, int64_t *t)
{
	char buf[64];
	char *end;
	double v;

	n = trim_end(s, n);
	while (n && *s == ' ') {
		s++;
		n--;
	}
	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	for (size_t k = 0; k < n; k++) {
		char c = buf[k];

		if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' ||
		      c == 'E' || c == '+' || c == '-'))
			return -1;
	}
	if (strspn(buf, "0123456789") == n) {
		long long ll = 0;

		if (n > 12) /* a number, far past the range */
			return TIMEFMT_OUT_OF_RANGE;
		for (size_t k = 0; k < n; k++)
			ll = ll * 10 + (buf[k] - '0');
		if (in_range(ll))
			return TIMEFMT_OUT_OF_RANGE;
		*t = ll;
		return 0;
	}
	/* strtod is locale-dependent only in the decimal point; cibscan never
	 * calls setlocale(LC_NUMERIC), so "." is the point. */
	v = strtod(buf, &end);
	if (*end != '\0' || end == buf || isnan(v))
		return -1;
	if (!(v >= (double)CIVIL_TIME_MIN && v < (double)CIVIL_TIME_MAX + 1))
		return TIMEFMT_OUT_OF_RANGE;
	*t = (int64_t)floor(v);
	return 0;
}

struct zone_abbr {
	const char *name;
	int offset;
};

static const struct zone_abbr zones[] = {
	{ "UTC", 0 },	     { "GMT", 0 },	   { "Z", 0 },
	{ "EST", -5 * 3600 }, { "EDT", -4 * 3600 }, { "CST", -6 * 3600 },
	{ "CDT", -5 * 3600 }, { "MST", -7 * 3600 }, { "MDT", -6 * 3600 },
	{ "PST", -8 * 3600 }, { "PDT", -7 * 3600 }, { "AKST", -9 * 3600 },
	{ "AKDT", -8 * 3600 }, { "HST", -10 * 3600 }, { "BST", 3600 },
	{ "CET", 3600 },      { "CEST", 7200 },	   { "EET", 7200 },
	{ "EEST", 10800 },    { "IST", 19800 },	   { "JST", 9 * 3600 },
	{ "KST", 9 * 3600 },  { "HKT", 8 * 3600 },  { "SGT", 8 * 3600 },
	{ "AEST", 10 * 3600 }, { "AEDT", 11 * 3600 },
};

int timefmt_zone_offset(const char *abbr, size_t n, int *offset)
{
	for (size_t k = 0; k < sizeof(zones) / sizeof(zones[0]); k++) {
		if (strlen(zones[k].name) == n &&
		    memcmp(zones[k].name, abbr, n) == 0) {
			*offset = zones[k].offset;
			return 0;
		}
	}
	return -1;
}

int timefmt_parse_zoned(const char *s, size_t n, int64_t *t)
{
	size_t sp;
	int off;
	int64_t base;

	n = trim_end(s, n);
	/* the zone is the last space-separated word */
	sp = n;
	while (sp > 0 && s[sp - 1] != ' ')
		sp--;
	if (sp == 0 || sp == n)
		return -1;
	if (timefmt_zone_offset(s + sp, n - sp, &off))
		return -1;
	if (parse_iso_raw(s, sp - 1, &base, NULL))
		return -1;
	if (in_range(base - off))
		return TIMEFMT_OUT_OF_RANGE;
	*t = base - off;
	return 0;
}

int timefmt_parse_any(const char *s, size_t n, int64_t *t, int *minutes_only)
{
	int r[4] = { -1, -1, -1, -1 };

	if (minutes_only)
		*minutes_only = 0;
	if ((r[0] = timefmt_parse_iso(s, n, t, minutes_only)) == 0 ||
	    (r[1] = timefmt_parse_zoned(s, n, t)) == 0 ||
	    (r[2] = timefmt_parse_twitter(s, n, t)) == 0 ||
	    (r[3] = timefmt_parse_unix(s, n, t)) == 0)
		return 0;
	/* a time of some form, out of range, says so */
	for (int k = 0; k < 4; k++)
		if (r[k] == TIMEFMT_OUT_OF_RANGE)
			return TIMEFMT_OUT_OF_RANGE;
	return -1;
}

void timefmt_format_utc(int64_t t, char buf[32])
{
	int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	int64_t sod = t - days * 86400;
	int64_t y;
	unsigned m, d;

	timefmt_civil_from_days(days, &y, &m, &d);
	snprintf(buf, 32, "%04lld-%02u-%02uT%02d:%02d:%02dZ", (long long)y, m, d,
		 (int)(sod / 3600), (int)(sod / 60 % 60), (int)(sod % 60));
}
