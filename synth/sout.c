/* sout.c - atomic, error-remembering output files for the synth modes
 * (sout.h). Invariant: after the first failed write nothing more is
 * written and sout_close() reports that failure with the file's name. */
#include "sout.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/timefmt.h"

enum cib_err sout_open(struct sout *w, const char *dir, const char *name,
		       char *errmsg, size_t errlen)
{
	char path[4096];

	memset(w, 0, sizeof(*w));
	snprintf(w->name, sizeof(w->name), "%s/%s", dir, name);
	/* a name cut short would be another file: refused */
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path)) {
		snprintf(errmsg, errlen, "cannot write '%s': %s", w->name,
			 strerror(ENAMETOOLONG));
		return CIB_EUSAGE;
	}
	errno = 0;
	if (outfile_open(&w->of, path)) {
		snprintf(errmsg, errlen, "cannot write '%s': %s", w->name,
			 strerror(errno ? errno : EIO));
		return CIB_EIO;
	}
	w->open = 1;
	return CIB_OK;
}

void sout_put(struct sout *w, const char *s, size_t n)
{
	if (w->err || !w->open || !n)
		return;
	if (fwrite(s, 1, n, w->of.f) != n) {
		w->err = CIB_EIO;
		w->sys_errno = errno;
	}
}

void sout_puts(struct sout *w, const char *s)
{
	sout_put(w, s, strlen(s));
}

void sout_printf(struct sout *w, const char *fmt, ...)
{
	va_list ap;

	if (w->err || !w->open)
		return;
	va_start(ap, fmt);
	if (vfprintf(w->of.f, fmt, ap) < 0) {
		w->err = CIB_EIO;
		w->sys_errno = errno;
	}
	va_end(ap);
}

void sout_csv(struct sout *w, const char *s)
{
	const char *p;

	if (!strpbrk(s, ",\"\r\n")) {
		sout_puts(w, s);
		return;
	}
	sout_put(w, "\"", 1);
	for (p = s; *p; p++) {
		if (*p == '"')
			sout_put(w, "\"\"", 2);
		else
			sout_put(w, p, 1);
	}
	sout_put(w, "\"", 1);
}

void sout_json(struct sout *w, const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *run = p;

	sout_put(w, "\"", 1);
	for (; *p; p++) {
		char esc[8];

		if (*p >= 0x20 && *p != '"' && *p != '\\')
			continue;
		sout_put(w, (const char *)run, (size_t)(p - run));
		run = p + 1;
		switch (*p) {
		case '"': sout_put(w, "\\\"", 2); break;
		case '\\': sout_put(w, "\\\\", 2); break;
		case '\n': sout_put(w, "\\n", 2); break;
		case '\r': sout_put(w, "\\r", 2); break;
		case '\t': sout_put(w, "\\t", 2); break;
		default:
			snprintf(esc, sizeof(esc), "\\u%04x", *p);
			sout_puts(w, esc);
		}
	}
	sout_put(w, (const char *)run, (size_t)(p - run));
	sout_put(w, "\"", 1);
}

void sout_jkv(struct sout *w, int comma, const char *key, const char *val)
{
	if (comma)
		sout_put(w, ",", 1);
	sout_json(w, key);
	sout_put(w, ":", 1);
	sout_json(w, val);
}

static void civil(int64_t t, int64_t *y, unsigned *mo, unsigned *d, int *h,
		  int *mi, int *s)
{
	int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	int64_t sec = t - days * 86400;

	timefmt_civil_from_days(days, y, mo, d);
	*h = (int)(sec / 3600);
	*mi = (int)(sec / 60 % 60);
	*s = (int)(sec % 60);
}

void sout_iso(struct sout *w, int64_t t)
{
	char b[32];

	timefmt_format_utc(t, b);
	sout_puts(w, b);
}

void sout_iso_ms(struct sout *w, int64_t t)
{
	int64_t y;
	unsigned mo, d;
	int h, mi, s;

	civil(t, &y, &mo, &d, &h, &mi, &s);
	sout_printf(w, "%04lld-%02u-%02uT%02d:%02d:%02d.000Z", (long long)y,
		    mo, d, h, mi, s);
}

void sout_fmt_space(int64_t t, char buf[32])
{
	int64_t y;
	unsigned mo, d;
	int h, mi, s;

	civil(t, &y, &mo, &d, &h, &mi, &s);
	snprintf(buf, 32, "%04lld-%02u-%02u %02d:%02d:%02d", (long long)y, mo,
		 d, h, mi, s);
}

enum cib_err sout_close(struct sout *w, char *errmsg, size_t errlen)
{
	enum cib_err e = w->err;

	if (!w->open)
		return CIB_OK;
	w->open = 0;
	if (e) {
		outfile_abort(&w->of);
		snprintf(errmsg, errlen, "cannot write '%s': %s", w->name,
			 strerror(w->sys_errno ? w->sys_errno : EIO));
		return e;
	}
	errno = 0;
	if (outfile_commit(&w->of)) {
		snprintf(errmsg, errlen, "cannot write '%s': %s", w->name,
			 strerror(errno ? errno : EIO));
		return CIB_EIO;
	}
	return CIB_OK;
}

void sout_abort(struct sout *w)
{
	if (w->open)
		outfile_abort(&w->of);
	w->open = 0;
}
