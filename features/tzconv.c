/* tzconv.c - offset transition tables for IANA zones.
 *
 * Invariants of a built table: n >= 1; start[] strictly increasing;
 * off[i] != off[i+1]; start[0] is the (padded) span start.
 *
 * The zone's TZif file (RFC 8536) is read directly from the zone
 * directory the caller names: its transitions, and for times after the
 * last one the POSIX TZ rule in its footer. Offsets are decided exactly as
 * glibc's localtime_r() decides them with TZ set to the zone (before the
 * first transition: the first non-DST type; after the last: the footer's
 * rule, evaluated for the UTC year), so they agree with `TZ=zone date`;
 * tests/test_tzconv.c checks that against glibc zone by zone. Nothing
 * here reads or changes the process's environment.
 *
 * The scan samples every SCAN_STEP seconds (COARSE_STEP for the coarse
 * variant) and bisects every change to the second. Two transitions closer
 * together than the step that cancel out would be missed; DST periods last
 * months, so the 7-day step only risks historical oddities, and the 6-hour
 * step nothing in tzdata since 1970.
 */
#include "features/tzconv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/civil.h"
#include "core/slurp.h"

#define SCAN_STEP ((int64_t)6 * 3600)
#define COARSE_STEP ((int64_t)7 * 86400)
#define PAD ((int64_t)2 * 86400)
/* Largest TZif file read: the biggest in tzdata is under 4 KB (fat
 * files of the Americas); a bound on what a stray path can make us read. */
#define TZIF_MAX_BYTES ((size_t)1 << 20)

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

/* The zone's file name into path; 0 when the name is refused. */
static int zone_path(const char *dir, const char *iana, char *path,
		     size_t cap)
{
	if (!iana || !name_ok(iana))
		return 0;
	if (!dir || !*dir)
		dir = TZCONV_DEFAULT_DIR;
	return snprintf(path, cap, "%s/%s", dir, iana) < (int)cap;
}

static FILE *zone_open(const char *dir, const char *iana)
{
	char path[512];

	return zone_path(dir, iana, path, sizeof(path)) ? fopen(path, "rb")
							: NULL;
}

int tzconv_zone_exists(const char *dir, const char *iana)
{
	char magic[4];
	FILE *f = zone_open(dir, iana);
	int ok;

	if (!f)
		return 0;
	ok = fread(magic, 1, 4, f) == 4 && memcmp(magic, "TZif", 4) == 0;
	fclose(f);
	return ok;
}

/* --- the zone file ------------------------------------------------- */

/* One date of a POSIX TZ rule: Jn (1..365, no Feb 29), n (0..365) or
 * Mm.w.d, at `secs` local time. */
struct tzdate {
	char kind; /* 'J', 'N' or 'M' */
	int m, w, d, n;
	int32_t secs;
};

struct tzrule {
	int32_t std_off, dst_off; /* seconds east of UTC */
	int has_dst;
	struct tzdate start, end; /* DST starts (local standard time), ends
				     (local daylight time) */
};

struct tzfile {
	size_t n;        /* transitions */
	int64_t *at;     /* their UTC times, increasing */
	int32_t *off;    /* offset (seconds east) from each on */
	int32_t before;  /* offset before the first (or with none) */
	int has_rule;    /* the footer's rule applies from at[n - 1] on */
	struct tzrule rule;
};

static void tzfile_release(struct tzfile *tf)
{
	free(tf->at);
	free(tf->off);
	memset(tf, 0, sizeof(*tf));
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static int64_t be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

/* A name in a TZ string: <...> or three or more letters. */
static const char *tz_name(const char *s)
{
	const char *b = s;

	if (*s == '<') {
		const char *e = strchr(s, '>');

		return e && e - s >= 4 ? e + 1 : NULL;
	}
	while ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z'))
		s++;
	return s - b >= 3 ? s : NULL;
}

/* [+-]hh[:mm[:ss]] into seconds (sign as written); NULL when malformed. */
static const char *tz_hms(const char *s, int32_t *out)
{
	int sign = 1;
	long part[3] = { 0, 0, 0 };

	if (*s == '+' || *s == '-')
		sign = *s++ == '-' ? -1 : 1;
	for (int i = 0; i < 3; i++) {
		int digits = 0;

		if (i && *s != ':')
			break;
		if (i)
			s++;
		while (*s >= '0' && *s <= '9' && digits < 3) {
			part[i] = part[i] * 10 + (*s++ - '0');
			digits++;
		}
		if (!digits || (i && part[i] > 59) || part[0] > 167)
			return NULL;
	}
	*out = (int32_t)(sign * (part[0] * 3600 + part[1] * 60 + part[2]));
	return s;
}

static const char *tz_num(const char *s, int *out, int lo, int hi)
{
	int v = 0, digits = 0;

	while (*s >= '0' && *s <= '9' && digits < 3) {
		v = v * 10 + (*s++ - '0');
		digits++;
	}
	if (!digits || v < lo || v > hi)
		return NULL;
	*out = v;
	return s;
}

static const char *tz_date(const char *s, struct tzdate *d)
{
	memset(d, 0, sizeof(*d));
	if (*s == 'M') {
		d->kind = 'M';
		if (!(s = tz_num(s + 1, &d->m, 1, 12)) || *s != '.' ||
		    !(s = tz_num(s + 1, &d->w, 1, 5)) || *s != '.' ||
		    !(s = tz_num(s + 1, &d->d, 0, 6)))
			return NULL;
	} else if (*s == 'J') {
		d->kind = 'J';
		if (!(s = tz_num(s + 1, &d->n, 1, 365)))
			return NULL;
	} else {
		d->kind = 'N';
		if (!(s = tz_num(s, &d->n, 0, 365)))
			return NULL;
	}
	d->secs = 2 * 3600;
	if (*s == '/' && !(s = tz_hms(s + 1, &d->secs)))
		return NULL;
	return s;
}

/* The POSIX TZ string of a TZif footer; 0 when it is not usable (glibc
 * then keeps the last transition's offset). */
static int tz_rule_parse(const char *s, struct tzrule *r)
{
	int32_t v;

	memset(r, 0, sizeof(*r));
	if (!(s = tz_name(s)) || !(s = tz_hms(s, &v)))
		return 0;
	r->std_off = r->dst_off = -v;
	if (!*s)
		return 1;
	if (!(s = tz_name(s)))
		return 0;
	r->has_dst = 1;
	r->dst_off = r->std_off + 3600;
	if (*s && *s != ',') {
		if (!(s = tz_hms(s, &v)))
			return 0;
		r->dst_off = -v;
	}
	/* no rule: glibc's default, the US one */
	if (!*s || (s[0] == ',' && !s[1]))
		s = ",M3.2.0,M11.1.0";
	if (*s != ',' || !(s = tz_date(s + 1, &r->start)) || *s != ',' ||
	    !(s = tz_date(s + 1, &r->end)))
		return 0;
	return *s == '\0';
}

static int is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* UTC time of a rule date in `year`, `off` being the offset in force
 * before it. As glibc's compute_change(), including its start of year 0
 * (1970) for years up to 1970. */
static int64_t tz_change(const struct tzdate *d, int64_t year, int32_t off)
{
	int64_t t = year > 1970 ? civil_days_from_date(year, 1, 1) * 86400 : 0;

	switch (d->kind) {
	case 'J':
		t += (int64_t)(d->n - 1) * 86400;
		if (d->n >= 60 && is_leap(year))
			t += 86400;
		break;
	case 'N':
		t += (int64_t)d->n * 86400;
		break;
	default: {
		static const int mdays[12] = { 31, 28, 31, 30, 31, 30,
					       31, 31, 30, 31, 30, 31 };
		int64_t first = civil_days_from_date(year, (unsigned)d->m, 1);
		int dim = mdays[d->m - 1] + (d->m == 2 && is_leap(year));
		/* 1970-01-01 was a Thursday (4) */
		int dow = (int)(((first % 7) + 7 + 4) % 7);
		int day = d->d - dow;

		if (day < 0)
			day += 7;
		for (int i = 1; i < d->w && day + 7 < dim; i++)
			day += 7;
		t += (first - civil_days_from_date(year, 1, 1)) * 86400 +
		     (int64_t)day * 86400;
		break;
	}
	}
	return t - off + d->secs;
}

static int32_t tz_rule_offset(const struct tzrule *r, int64_t t)
{
	int64_t y, on, off;
	unsigned m, d;
	int dst;

	if (!r->has_dst)
		return r->std_off;
	civil_date_from_days(t >= 0 ? t / 86400 : -((-t + 86399) / 86400), &y,
			     &m, &d);
	on = tz_change(&r->start, y, r->std_off);
	off = tz_change(&r->end, y, r->dst_off);
	dst = on > off ? (t < off || t >= on) : (t >= on && t < off);
	return dst ? r->dst_off : r->std_off;
}

/* Reads dir/iana into tf. CIB_ENOTFOUND when it is missing or not TZif,
 * CIB_EPARSE when it is cut short, CIB_ENOMEM. */
static enum cib_err tzfile_read(struct tzfile *tf, const char *dir,
				const char *iana)
{
	char path[512], *raw;
	const unsigned char *b;
	size_t n = 0, pos, tsz = 4;
	uint32_t cnt[6], typecnt, timecnt;
	enum cib_err err;
	int version;

	memset(tf, 0, sizeof(*tf));
	if (!zone_path(dir, iana, path, sizeof(path)))
		return CIB_ENOTFOUND;
	err = slurp_file(path, TZIF_MAX_BYTES, &raw, &n);
	if (err == CIB_ENOMEM)
		return err;
	if (err == CIB_ETOOBIG)
		return CIB_EPARSE;
	if (err)
		return CIB_ENOTFOUND;
	b = (const unsigned char *)raw;
	err = CIB_EPARSE;
	if (n < 44 || memcmp(b, "TZif", 4))
		goto out;
	version = b[4];
	pos = 0;
	for (int pass = 0; pass < 2; pass++) {
		size_t need;

		if (pos + 44 > n || memcmp(b + pos, "TZif", 4))
			goto out;
		for (int i = 0; i < 6; i++)
			cnt[i] = be32(b + pos + 20 + 4 * i);
		/* isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt */
		timecnt = cnt[3];
		typecnt = cnt[4];
		if (timecnt > 100000 || typecnt == 0 || typecnt > 256 ||
		    cnt[0] > 256 || cnt[1] > 256 || cnt[2] > 100000 ||
		    cnt[5] > 100000)
			goto out;
		pos += 44;
		need = (size_t)timecnt * (tsz + 1) + (size_t)typecnt * 6 +
		       cnt[5] + (size_t)cnt[2] * (tsz + 4) + cnt[1] + cnt[0];
		if (pos + need > n)
			goto out;
		if (pass == 0 && version >= '2') {
			/* skip the 32-bit block: the 64-bit one follows */
			pos += need;
			tsz = 8;
			continue;
		}
		{
			const unsigned char *times = b + pos;
			const unsigned char *idx = times + (size_t)timecnt * tsz;
			const unsigned char *types = idx + timecnt;
			uint32_t first = 0;

			tf->at = malloc((timecnt + 1) * sizeof(*tf->at));
			tf->off = malloc((timecnt + 1) * sizeof(*tf->off));
			if (!tf->at || !tf->off) {
				err = CIB_ENOMEM;
				goto out;
			}
			for (uint32_t i = 0; i < timecnt; i++) {
				if (idx[i] >= typecnt)
					goto out;
				tf->at[i] = tsz == 8 ? be64(times + 8 * i)
						     : (int32_t)be32(times + 4 * i);
				if (i && tf->at[i] <= tf->at[i - 1])
					goto out;
				tf->off[i] = (int32_t)be32(types + 6 * idx[i]);
			}
			tf->n = timecnt;
			/* before the first transition glibc takes the first
			 * type that is not DST (the first, if all are) */
			while (first < typecnt && types[6 * first + 4])
				first++;
			if (first == typecnt)
				first = 0;
			tf->before = (int32_t)be32(types + 6 * first);
			pos += need;
		}
		break;
	}
	/* the footer: '\n' TZ string '\n' (version 2 and later) */
	if (tsz == 8 && pos < n && b[pos] == '\n') {
		char spec[128];
		size_t e = pos + 1;

		while (e < n && b[e] != '\n')
			e++;
		if (e < n && e - pos - 1 > 0 && e - pos - 1 < sizeof(spec)) {
			memcpy(spec, b + pos + 1, e - pos - 1);
			spec[e - pos - 1] = '\0';
			tf->has_rule = tz_rule_parse(spec, &tf->rule);
		}
	}
	err = CIB_OK;
out:
	free(raw);
	if (err)
		tzfile_release(tf);
	return err;
}

/* The offset glibc's localtime_r() gives at t, in minutes. */
static int32_t probe(const struct tzfile *tf, int64_t t)
{
	size_t lo = 0, hi = tf->n;
	int32_t off;

	if (tf->n == 0 || t < tf->at[0]) {
		off = tf->before;
	} else if (t >= tf->at[tf->n - 1]) {
		off = tf->has_rule ? tz_rule_offset(&tf->rule, t)
				   : tf->off[tf->n - 1];
	} else {
		while (hi - lo > 1) { /* last i with at[i] <= t */
			size_t m = lo + (hi - lo) / 2;

			if (tf->at[m] <= t)
				lo = m;
			else
				hi = m;
		}
		off = tf->off[lo];
	}
	return off / 60;
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

static enum cib_err scan(struct tzconv *z, const struct tzfile *tf,
			 int64_t lo, int64_t hi, int64_t step)
{
	size_t cap = 0;
	int32_t cur = probe(tf, lo);
	enum cib_err err = push(z, &cap, lo, cur);

	for (int64_t t = lo; !err && t < hi;) {
		int64_t next = t + step > hi ? hi : t + step;
		int32_t o = probe(tf, next);

		if (o != cur) {
			/* bisect: offset at a is cur, at b is not */
			int64_t a = t, b = next;

			while (b - a > 1) {
				int64_t m = a + (b - a) / 2;

				if (probe(tf, m) == cur)
					a = m;
				else
					b = m;
			}
			cur = probe(tf, b);
			err = push(z, &cap, b, cur);
			t = b;
			continue;
		}
		t = next;
	}
	return err;
}

static enum cib_err init_step(struct tzconv *z, const char *dir,
			      const char *iana, int64_t t_min, int64_t t_max,
			      int64_t step)
{
	struct tzfile tf;
	enum cib_err err;

	memset(z, 0, sizeof(*z));
	if (!iana || !name_ok(iana))
		return CIB_ENOTFOUND;
	if (t_min > t_max)
		return CIB_EUSAGE;
	if (t_min < -TZCONV_MAX_SPAN * 2 || t_max > TZCONV_MAX_SPAN * 2 ||
	    t_max - t_min > TZCONV_MAX_SPAN)
		return CIB_ERANGE;
	err = tzfile_read(&tf, dir, iana);
	if (err)
		return err == CIB_EPARSE ? CIB_ENOTFOUND : err;
	snprintf(z->name, sizeof(z->name), "%s", iana);
	err = scan(z, &tf, t_min - PAD, t_max + PAD, step);
	tzfile_release(&tf);
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

enum cib_err tzconv_init(struct tzconv *z, const char *dir, const char *iana,
			 int64_t t_min, int64_t t_max)
{
	return init_step(z, dir, iana, t_min, t_max, SCAN_STEP);
}

enum cib_err tzconv_init_coarse(struct tzconv *z, const char *dir,
				const char *iana, int64_t t_min, int64_t t_max)
{
	return init_step(z, dir, iana, t_min, t_max, COARSE_STEP);
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
