/* diag.c - counting and keeping malformed-record messages. */
#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void diag_init(struct diag *d, int strict)
{
	memset(d, 0, sizeof(*d));
	d->strict = strict;
}

static void copy_trunc(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src ? src : "");
}

static void count_reason(struct diag *d, const char *reason)
{
	char key[sizeof(d->reasons[0].reason)];
	size_t n = strcspn(reason, ":");

	if (n >= sizeof(key))
		n = sizeof(key) - 1;
	memcpy(key, reason, n);
	key[n] = '\0';
	for (size_t i = 0; i < d->n_reasons; i++) {
		if (strcmp(d->reasons[i].reason, key) == 0) {
			d->reasons[i].count++;
			return;
		}
	}
	if (d->n_reasons == DIAG_REASONS) {
		d->other_reasons++;
		return;
	}
	memcpy(d->reasons[d->n_reasons].reason, key, n + 1);
	d->reasons[d->n_reasons].count = 1;
	d->n_reasons++;
}

enum cib_err diag_record(struct diag *d, const char *file, uint64_t line,
			 const char *where, const char *fmt, ...)
{
	char reason[DIAG_MSG];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	d->n_bad++;
	count_reason(d, reason);
	/* strict mode keeps the fatal one even when the table is full */
	if (d->n_kept < DIAG_KEEP || d->strict) {
		struct diag_entry *e =
			&d->kept[d->n_kept < DIAG_KEEP ? d->n_kept : DIAG_KEEP - 1];

		copy_trunc(e->file, sizeof(e->file), file);
		e->line = line;
		copy_trunc(e->where, sizeof(e->where), where);
		copy_trunc(e->reason, sizeof(e->reason), reason);
		if (d->n_kept < DIAG_KEEP)
			d->n_kept++;
	}
	return d->strict ? CIB_EPARSE : CIB_OK;
}

void diag_format(const struct diag_entry *e, char *buf, size_t len)
{
	char loc[32] = "";

	if (e->line)
		snprintf(loc, sizeof(loc), ":%llu", (unsigned long long)e->line);
	if (e->where[0])
		snprintf(buf, len, "%s%s: '%s': %s", e->file, loc, e->where,
			 e->reason);
	else
		snprintf(buf, len, "%s%s: %s", e->file, loc, e->reason);
}
