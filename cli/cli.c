/* cli.c - shared command-line plumbing: messages, exit codes, input. */
#include "cli.h"

#include "collectors/table.h"
#include "core/outfile.h"
#include "core/textsafe.h"
#include "sitesrun.h"

#define CLI_MSG_MAX ((size_t)1 << 16) /* longest message printed */

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Every message is one line with its control characters shown as \xNN:
 * messages quote values from data and from reviewers (a bad timestamp, a
 * note), which must not reach the terminal raw (core/textsafe.h). */
static void vmsg(const char *prefix, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

static void vmsg(const char *prefix, const char *fmt, va_list ap)
{
	char small[1024], *buf = small;
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	if (n >= (int)sizeof(small)) {
		size_t cap = (size_t)n + 1 < CLI_MSG_MAX ? (size_t)n + 1
							  : CLI_MSG_MAX;

		buf = malloc(cap);
		if (buf)
			vsnprintf(buf, cap, fmt, ap2);
		else
			buf = small;
	}
	va_end(ap2);
	fprintf(stderr, "cibscan: %s", prefix);
	textsafe_fputs(stderr, n < 0 ? fmt : buf, TEXTSAFE_TERM);
	fputc('\n', stderr);
	if (buf != small)
		free(buf);
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

static int g_usage_quiet;

void cli_usage_quiet(void)
{
	g_usage_quiet = 1;
}

int cli_usage_try(const char *cmd)
{
	if (!g_usage_quiet)
		fprintf(stderr, "try 'cibscan %s --help'\n", cmd);
	return CLI_EXIT_USAGE;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	if (g_usage_quiet)
		return CLI_EXIT_USAGE;
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

const char *cli_tzdir(void)
{
	const char *s = getenv("TZDIR");

	return s && *s ? s : NULL;
}

const char *cli_tmpdir(void)
{
	const char *s = getenv("TMPDIR");

	return s && *s ? s : NULL;
}

void cli_progress_line(void *ctx, const char *line)
{
	(void)ctx;
	fprintf(stderr, "cibscan: %s\n", line);
}

void cli_input_init(struct cli_input *ci)
{
	ci->format = FORMAT_AUTO;
	ingest_opts_init(&ci->opts);
	ci->tables_later = 0;
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
	case CLI_INPUT_OPT_MAXRATIO: {
		long n;

		if (cli_parse_long(arg, &n) || n < 0 || n > 1000000) {
			cli_usage_error(cmd, "bad --max-inflate-ratio '%s'",
					arg);
			return -1;
		}
		ci->opts.max_ratio = (unsigned)n;
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
	for (size_t i = 0; i < dg->n_reasons; i++) {
		fprintf(stderr, "  %llu  ",
			(unsigned long long)dg->reasons[i].count);
		textsafe_fputs(stderr, dg->reasons[i].reason, TEXTSAFE_TERM);
		fputc('\n', stderr);
	}
	for (size_t i = 0; i < show; i++) {
		diag_format(&dg->kept[i], buf, sizeof(buf));
		fputs("  e.g. ", stderr);
		textsafe_fputs(stderr, buf, TEXTSAFE_TERM);
		fputc('\n', stderr);
	}
	if (dg->n_bad > show)
		fprintf(stderr, "  ('cibscan inspect' lists up to %d)\n",
			DIAG_KEEP);
}

/* A regular file by device and inode: what a path names whatever its
 * spelling or the links on the way. */
struct file_id {
	dev_t dev;
	ino_t ino;
};

/* 1 and *id when path names a regular file ("-", pipes, devices and
 * missing paths are not files a run could read twice or lose), else 0. */
static int file_id(const char *path, struct file_id *id)
{
	struct stat st;

	if (!path || !strcmp(path, "-") || stat(path, &st) != 0 ||
	    !S_ISREG(st.st_mode))
		return 0;
	id->dev = st.st_dev;
	id->ino = st.st_ino;
	return 1;
}

static int same_id(const struct file_id *a, const struct file_id *b)
{
	return a->dev == b->dev && a->ino == b->ino;
}

struct named_file {
	struct file_id id;
	int at; /* position on the command line */
};

static int cmp_named(const void *a, const void *b)
{
	const struct named_file *x = a, *y = b;

	if (x->id.dev != y->id.dev)
		return x->id.dev < y->id.dev ? -1 : 1;
	if (x->id.ino != y->id.ino)
		return x->id.ino < y->id.ino ? -1 : 1;
	return (x->at > y->at) - (x->at < y->at);
}

/* first[i]: the earlier position naming the same regular file as
 * files[i] (device and inode), or -1. Malloc'd; NULL when there is
 * nothing to drop or no memory (then every file is read as named, which
 * gives the same answer). */
static int *named_before(char *const *files, int n)
{
	struct named_file *v;
	int *first;
	int k = 0;

	if (n < 2)
		return NULL;
	v = malloc((size_t)n * sizeof(*v));
	first = malloc((size_t)n * sizeof(*first));
	if (!v || !first) {
		free(v);
		free(first);
		return NULL;
	}
	for (int i = 0; i < n; i++) {
		first[i] = -1;
		if (file_id(files[i], &v[k].id))
			v[k++].at = i;
	}
	/* by file, then by position: each file's first naming leads */
	qsort(v, (size_t)k, sizeof(*v), cmp_named);
	for (int i = 1, lead = 0; i < k; i++) {
		if (same_id(&v[i].id, &v[lead].id))
			first[v[i].at] = v[lead].at;
		else
			lead = i;
	}
	free(v);
	return first;
}

static void say_named_before(char *const *files, int n, const int *first)
{
	for (int i = 0; i < n; i++)
		if (first[i] >= 0)
			cli_warn("'%s' names the same file as '%s': read once",
				 files[i], files[first[i]]);
}

int cli_load(struct cli_data *d, const struct cli_input *ci,
	     char *const *files, int nfiles, int quiet)
{
	/* a file named twice is read once (score has dropped its own) */
	int *first = named_before(files, nfiles);

	if (first)
		say_named_before(files, nfiles, first);
	dataset_init(&d->ds);
	d->crawl = NULL;
	diag_init(&d->diag, ci->opts.strict);
	ingest_init(&d->in, &d->ds, &d->diag, &ci->opts);
	for (int i = 0; i < nfiles; i++) {
		enum cib_err err;

		if (first && first[i] >= 0)
			continue;
		if (cli_progress() && !quiet) {
			fputs("reading ", stderr);
			textsafe_fputs(stderr, files[i], TEXTSAFE_TERM);
			fputs("...\r", stderr);
		}
		cli_note_input(files[i]);
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
			free(first);
			return cli_exit_for(err);
		}
	}
	free(first);
	if (cli_progress() && !quiet)
		fprintf(stderr, "%*s\r", 60, "");
	/* the same records give the same answer in any order */
	if ((ci->tables_later ? dataset_canonical_order_bare(&d->ds, NULL)
			      : dataset_canonical_order(&d->ds, NULL)) !=
	    CIB_OK) {
		cli_error("%s", cib_strerror(CIB_ENOMEM));
		cli_data_release(d);
		return CLI_EXIT_SYSTEM;
	}
	if (!quiet) {
		size_t skipped = 0;

		for (size_t i = 0; i < d->in.n_files; i++)
			skipped += d->in.files[i].skipped != NULL;
		if (skipped)
			cli_warn("%zu archive members skipped (not data; "
				 "'cibscan inspect' lists them)",
				 skipped);
		cli_diag_summary(&d->diag);
	}
	return CLI_EXIT_OK;
}

int cli_is_crawl(const struct cli_data *d, size_t i)
{
	return d->in.files[i].format == FORMAT_WARC && !d->in.files[i].skipped;
}

int cli_has_crawl(const struct cli_data *d)
{
	for (size_t i = 0; i < d->in.n_files; i++)
		if (cli_is_crawl(d, i))
			return 1;
	return 0;
}

int cli_crawls_rereadable(const struct cli_data *d)
{
	struct file_id id;

	for (size_t i = 0; i < d->in.n_files; i++) {
		const char *name = d->in.files[i].name;

		if (!cli_is_crawl(d, i) || file_id(name, &id))
			continue;
		cli_error("'%s': a crawl given with an export must be a "
			  "regular file, which the sites analysis reads again "
			  "once the accounts are scored (save the stream to a "
			  "file, or give it to 'cibscan sites' alone)",
			  name);
		return CLI_EXIT_USAGE;
	}
	return CLI_EXIT_OK;
}

void cli_data_release(struct cli_data *d)
{
	if (!d)
		return;
	ingest_release(&d->in);
	dataset_release(&d->ds);
	cli_crawl_release(d->crawl);
	d->crawl = NULL;
}

/* "cannot write 'path': why" for an outfile error with errno e */
static void cannot_write(const char *path, const char *why)
{
	if (!strcmp(path, "-"))
		cli_error("cannot write to standard output: %s", why);
	else
		cli_error("cannot write '%s': %s", path, why);
}

static void write_error(const char *path, const struct outfile *o, int e)
{
	cannot_write(path, o->why ? o->why : strerror(e ? e : EIO));
}

/* The files this run reads (cli_note_input), by device and inode: as
 * many as the command line names, 16 bytes each. */
static struct file_id *g_inputs;
static size_t g_n_inputs, g_cap_inputs;

void cli_inputs_once(char **files, int *n, int quiet)
{
	int *first = named_before(files, *n);
	int w = 0;

	if (!first)
		return;
	if (!quiet)
		say_named_before(files, *n, first);
	for (int i = 0; i < *n; i++)
		if (first[i] < 0)
			files[w++] = files[i];
	*n = w;
	free(first);
}

/* The registry entry of id, or NULL. */
static const struct file_id *noted(const struct file_id *id)
{
	for (size_t k = 0; k < g_n_inputs; k++)
		if (same_id(&g_inputs[k], id))
			return &g_inputs[k];
	return NULL;
}

void cli_note_input(const char *path)
{
	struct file_id id;

	/* score notes its inputs before the read and as it reads them */
	if (!file_id(path, &id) || noted(&id))
		return;
	if (g_n_inputs == g_cap_inputs) {
		size_t nc = g_cap_inputs ? 2 * g_cap_inputs : 16;
		struct file_id *q = realloc(g_inputs, nc * sizeof(*q));

		if (!q)
			return; /* not protected: the run itself goes on */
		g_inputs = q;
		g_cap_inputs = nc;
	}
	g_inputs[g_n_inputs++] = id;
}

/* Where a file that does not exist yet would be made: the real path of
 * its directory, then its name (NULL when the directory cannot be
 * resolved: no comparison then). Malloc'd. */
static char *future_path(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir, *real, *out;
	size_t n;

	dir = slash ? strndup(path, (size_t)(slash - path) + (slash == path))
		    : strdup(".");
	real = dir ? realpath(dir, NULL) : NULL;
	free(dir);
	if (!real)
		return NULL;
	n = strlen(real) + strlen(path) + 2;
	out = malloc(n);
	if (out)
		snprintf(out, n, "%s/%s", real, slash ? slash + 1 : path);
	free(real);
	return out;
}

/* Whether two output paths are one file: the same regular file, or the
 * same place for one that does not exist yet. Standard output, FIFOs and
 * devices are written in place, twice if named twice: never "the same". */
static int same_output(const char *a, const char *b)
{
	struct stat sa, sb;
	int ea = stat(a, &sa) == 0, eb = stat(b, &sb) == 0;
	char *fa, *fb;
	int same;

	if (!strcmp(a, "-") || !strcmp(b, "-"))
		return 0;
	if (ea || eb)
		return ea && eb && S_ISREG(sa.st_mode) && S_ISREG(sb.st_mode) &&
		       sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
	fa = future_path(a);
	fb = future_path(b);
	same = fa && fb && !strcmp(fa, fb);
	free(fa);
	free(fb);
	return same;
}

int cli_outputs_check(const struct cli_output *outs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n && outs[i].path; j++)
			if (outs[j].path && same_output(outs[i].path,
							outs[j].path)) {
				cli_error("'%s' is named for two outputs of "
					  "this run: the second would replace "
					  "the first (choose another name)",
					  outs[j].path);
				return CLI_EXIT_USAGE;
			}
	for (size_t i = 0; i < n; i++) {
		struct file_id id;

		if (file_id(outs[i].path, &id) && noted(&id)) {
			cli_error("'%s' is also an input of this run: writing "
				  "it would replace the data read from it "
				  "(choose another output)",
				  outs[i].path);
			return CLI_EXIT_USAGE;
		}
	}
	return 0;
}

int cli_write_files(const struct cli_output *outs, size_t n)
{
	struct outfile *o;
	char msg[512];
	size_t i, opened = 0;
	int rc = cli_outputs_check(outs, n);

	if (rc)
		return rc;
	o = calloc(n ? n : 1, sizeof(*o));
	if (!o) {
		cli_error("out of memory");
		return CLI_EXIT_SYSTEM;
	}
	for (i = 0; i < n && !rc; i++) {
		enum cib_err err;
		int e;

		if (!outs[i].path)
			continue;
		errno = 0;
		err = outfile_open(&o[i], outs[i].path);
		opened = i + 1;
		if (err) {
			write_error(outs[i].path, &o[i], errno);
			rc = cli_exit_for(err) ? cli_exit_for(err)
					       : CLI_EXIT_SYSTEM;
			break;
		}
		msg[0] = '\0';
		errno = 0;
		err = outs[i].fn(o[i].f, outs[i].ctx, msg, sizeof(msg));
		e = errno;
		if (err) {
			/* a write that failed in the middle (ferror) says
			 * why through errno: "No space left on device" */
			if (msg[0])
				cannot_write(outs[i].path, msg);
			else if (err == CIB_EIO && ferror(o[i].f) && e)
				cannot_write(outs[i].path, strerror(e));
			else
				cannot_write(outs[i].path, cib_strerror(err));
			rc = cli_exit_for(err) ? cli_exit_for(err)
					       : CLI_EXIT_SYSTEM;
		}
	}
	for (i = 0; i < opened && !rc; i++) {
		if (!outs[i].path)
			continue;
		errno = 0;
		if (outfile_close(&o[i])) {
			write_error(outs[i].path, &o[i], errno);
			rc = CLI_EXIT_SYSTEM;
		}
	}
	/* all replaced or none, whenever a signal comes (the unused
	 * entries are zeroed) */
	if (!rc && outfile_rename_all(o, opened, &i)) {
		write_error(outs[i].path, &o[i], errno);
		rc = CLI_EXIT_SYSTEM;
	}
	for (i = 0; i < opened; i++)
		outfile_abort(&o[i]); /* no-op for the renamed ones */
	free(o);
	return rc;
}

int cli_write_file(const char *path, cli_writer_fn fn, void *ctx)
{
	struct cli_output out = { path, fn, ctx };

	return cli_write_files(&out, 1);
}

static void on_fatal_signal(int sig)
{
	outfile_signal_cleanup();
	/* SA_RESETHAND restored the default action; the signal is blocked
	 * until this handler returns, then it ends the process as before */
	raise(sig);
}

void cli_signals_install(void)
{
	/* SIGPIPE too: `score -o a.csv --clusters - | head` ends by it
	 * once head exits, with a.csv's temporary file open */
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
	struct sigaction sa, old;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fatal_signal;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		if (sigaction(sigs[i], NULL, &old) == 0 &&
		    old.sa_handler == SIG_IGN)
			continue;
		sigaction(sigs[i], &sa, NULL);
	}
}
