/* cli.c - shared command-line plumbing: messages, exit codes, input. */
#include "cli.h"

#include "collectors/table.h"
#include "core/outfile.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void vmsg(const char *prefix, const char *fmt, va_list ap)
{
	fprintf(stderr, "cibscan: %s", prefix);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void cli_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
}

void cli_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("warning: ", fmt, ap);
	va_end(ap);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
	fprintf(stderr, "try 'cibscan %s --help'\n", cmd);
	return CLI_EXIT_USAGE;
}

int cli_exit_for(enum cib_err err)
{
	switch (err) {
	case CIB_OK:
		return CLI_EXIT_OK;
	case CIB_EPARSE:
	case CIB_ETOOBIG:
	case CIB_EFORMAT:
	case CIB_ERANGE:
	case CIB_ENOTFOUND:
		return CLI_EXIT_DATA;
	case CIB_EUSAGE:
		return CLI_EXIT_USAGE;
	default:
		return CLI_EXIT_SYSTEM;
	}
}

int cli_progress(void)
{
	return isatty(STDERR_FILENO);
}

void cli_input_init(struct cli_input *ci)
{
	ci->format = FORMAT_AUTO;
	ingest_opts_init(&ci->opts);
}

int cli_parse_size(const char *s, size_t *out)
{
	char *end;
	unsigned long long v;
	unsigned shift = 0;

	errno = 0;
	if (!s || !*s || *s == '-')
		return -1;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	default: break;
	}
	if (*end || v > (SIZE_MAX >> shift))
		return -1;
	*out = (size_t)(v << shift);
	return 0;
}

int cli_parse_long(const char *s, long *out)
{
	char *end;
	long v;

	errno = 0;
	if (!s || !*s)
		return -1;
	v = strtol(s, &end, 10);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

int cli_parse_double(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	if (!s || !*s)
		return -1;
	v = strtod(s, &end);
	if (errno || *end || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

int cli_input_option(struct cli_input *ci, const char *cmd, int c,
		     const char *arg)
{
	int f;

	switch (c) {
	case CLI_INPUT_OPT_FORMAT:
		f = format_from_name(arg);
		if (f < 0) {
			cli_usage_error(cmd, "unknown format '%s'", arg);
			return -1;
		}
		ci->format = (enum cib_format)f;
		return 1;
	case CLI_INPUT_OPT_STRICT:
		ci->opts.strict = 1;
		return 1;
	case CLI_INPUT_OPT_MAXREC:
		if (cli_parse_size(arg, &ci->opts.max_record) ||
		    ci->opts.max_record < 1024) {
			cli_usage_error(cmd, "bad --max-record '%s'", arg);
			return -1;
		}
		return 1;
	case CLI_INPUT_OPT_RTHREADS: {
		long n;

		if (cli_parse_long(arg, &n) || n < 1 || n > 2) {
			cli_usage_error(cmd, "bad --read-threads '%s' (1 or 2)",
					arg);
			return -1;
		}
		ci->opts.threads = (int)n;
		return 1;
	}
	case CLI_INPUT_OPT_MAP: {
		char msg[160];

		if (table_map_check(arg, msg, sizeof(msg))) {
			cli_usage_error(cmd, "bad --map '%s': %s", arg, msg);
			return -1;
		}
		ci->opts.table_map = arg;
		return 1;
	}
	case CLI_INPUT_OPT_OBJKIND:
		f = table_object_from_name(arg);
		if (f < 0) {
			cli_usage_error(cmd, "unknown --object-kind '%s' (repost, "
					     "url, text, hashtag, domain, image)",
					arg);
			return -1;
		}
		ci->opts.table_object = f;
		return 1;
	case CLI_INPUT_OPT_MAXDOC:
		if (cli_parse_size(arg, &ci->opts.max_document) ||
		    ci->opts.max_document < 1024) {
			cli_usage_error(cmd, "bad --max-document '%s'", arg);
			return -1;
		}
		return 1;
	default:
		return 0;
	}
}

void cli_diag_summary(const struct diag *dg)
{
	char buf[DIAG_MSG * 2 + 200];
	size_t show = dg->n_kept < 5 ? dg->n_kept : 5;

	if (dg->n_bad == 0)
		return;
	cli_warn("%llu malformed records skipped",
		 (unsigned long long)dg->n_bad);
	for (size_t i = 0; i < dg->n_reasons; i++)
		fprintf(stderr, "  %llu  %s\n",
			(unsigned long long)dg->reasons[i].count,
			dg->reasons[i].reason);
	for (size_t i = 0; i < show; i++) {
		diag_format(&dg->kept[i], buf, sizeof(buf));
		fprintf(stderr, "  e.g. %s\n", buf);
	}
	if (dg->n_bad > show)
		fprintf(stderr, "  ('cibscan inspect' lists up to %d)\n",
			DIAG_KEEP);
}

int cli_load(struct cli_data *d, const struct cli_input *ci,
	     char *const *files, int nfiles, int quiet)
{
	dataset_init(&d->ds);
	diag_init(&d->diag, ci->opts.strict);
	ingest_init(&d->in, &d->ds, &d->diag, &ci->opts);
	for (int i = 0; i < nfiles; i++) {
		enum cib_err err;

		if (cli_progress() && !quiet)
			fprintf(stderr, "reading %s...\r", files[i]);
		err = ingest_file(&d->in, files[i], ci->format);
		if (err) {
			if (err == CIB_EIO && errno && !d->in.errmsg[0])
				cli_error("cannot read '%s': %s", files[i],
					  strerror(errno));
			else if (d->in.errmsg[0])
				cli_error("%s", d->in.errmsg);
			else
				cli_error("'%s': %s", files[i],
					  cib_strerror(err));
			cli_data_release(d);
			return cli_exit_for(err);
		}
	}
	if (cli_progress() && !quiet)
		fprintf(stderr, "%*s\r", 60, "");
	if (!quiet)
		cli_diag_summary(&d->diag);
	return CLI_EXIT_OK;
}

void cli_data_release(struct cli_data *d)
{
	if (!d)
		return;
	ingest_release(&d->in);
	dataset_release(&d->ds);
}

int cli_write_file(const char *path, cli_writer_fn fn, void *ctx)
{
	struct outfile o;
	char msg[512] = "";
	enum cib_err err;

	if (outfile_open(&o, path)) {
		cli_error("cannot write '%s': %s", path, strerror(errno));
		return CLI_EXIT_SYSTEM;
	}
	err = fn(o.f, ctx, msg, sizeof(msg));
	if (err) {
		outfile_abort(&o);
		cli_error("cannot write '%s': %s", path,
			  msg[0] ? msg : cib_strerror(err));
		return cli_exit_for(err) ? cli_exit_for(err) : CLI_EXIT_SYSTEM;
	}
	if (outfile_commit(&o)) {
		cli_error("cannot write '%s': %s", path, strerror(errno));
		return CLI_EXIT_SYSTEM;
	}
	return CLI_EXIT_OK;
}
