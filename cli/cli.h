/* cli.h - what every subcommand shares: exit codes, messages, loading input
 * files into a dataset with the common input options. */
#ifndef CIB_CLI_H
#define CIB_CLI_H

#include <getopt.h>
#include <stdio.h>
#include <stdint.h>

#include "core/dataset.h"
#include "core/diag.h"
#include "collectors/ingest.h"

enum cli_exit {
	CLI_EXIT_OK = 0,
	CLI_EXIT_DATA = 1,   /* bad input data */
	CLI_EXIT_USAGE = 2,  /* bad command line */
	CLI_EXIT_SYSTEM = 3, /* I/O, memory, library failure */
};

/* "cibscan: <msg>" to stderr, one line, control characters in the
 * formatted message shown as \xNN (core/textsafe.h). */
void cli_error(const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 1, 2)))
#endif
	;
/* "cibscan: warning: <msg>" to stderr, escaped as cli_error(). */
void cli_warn(const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 1, 2)))
#endif
	;

/* Exit code for a library error. */
int cli_exit_for(enum cib_err err);

/* Whether progress should be shown (stderr is a terminal). */
int cli_progress(void);

/* The environment the library is told about (it reads none itself):
 * $TZDIR, the tz database the C library would use (NULL when unset), and
 * $TMPDIR for scratch files (NULL when unset). */
const char *cli_tzdir(void);
const char *cli_tmpdir(void);

/* A library progress callback (pipeline_opts.progress): prints
 * "cibscan: LINE" on stderr. */
void cli_progress_line(void *ctx, const char *line);

/* Prints a usage error and "try 'cibscan CMD --help'"; returns 2. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

/* From now on cli_usage_error prints nothing (and still returns 2): the
 * ranks of cibscan-mpi but 0, which parse the same command line and meet
 * the same usage error, leave it to rank 0 to say once. */
void cli_usage_quiet(void);

/* After getopt's own message: "try 'cibscan CMD --help'" (nothing after
 * cli_usage_quiet); returns 2. */
int cli_usage_try(const char *cmd);

/* Common input options: --format NAME, --strict, --max-record BYTES,
 * --max-document BYTES, --max-inflate-ratio N, --read-threads N. */
struct cli_input {
	enum cib_format format;
	struct ingest_opts opts;
	/* cli_load leaves the lookup tables unmade after the canonical
	 * order (dataset_canonical_order_bare): for a command whose first
	 * step is dataset_drop_post_ids (score) */
	int tables_later;
};

#define CLI_INPUT_OPT_FORMAT 0x1001
#define CLI_INPUT_OPT_STRICT 0x1002
#define CLI_INPUT_OPT_MAXREC 0x1003
#define CLI_INPUT_OPT_MAXDOC 0x1004
#define CLI_INPUT_OPT_RTHREADS 0x1005
#define CLI_INPUT_OPT_MAXRATIO 0x1006
#define CLI_INPUT_OPT_MAP 0x1007
#define CLI_INPUT_OPT_OBJKIND 0x1008

/* Entries to put in a command's struct option table. */
#define CLI_INPUT_OPTIONS                                                  \
	{ "format", required_argument, NULL, CLI_INPUT_OPT_FORMAT },       \
	{ "strict", no_argument, NULL, CLI_INPUT_OPT_STRICT },             \
	{ "max-record", required_argument, NULL, CLI_INPUT_OPT_MAXREC },   \
	{ "max-document", required_argument, NULL, CLI_INPUT_OPT_MAXDOC }, \
	{ "read-threads", required_argument, NULL, CLI_INPUT_OPT_RTHREADS }, \
	{ "max-inflate-ratio", required_argument, NULL, CLI_INPUT_OPT_MAXRATIO }, \
	{ "map", required_argument, NULL, CLI_INPUT_OPT_MAP },             \
	{ "object-kind", required_argument, NULL, CLI_INPUT_OPT_OBJKIND }

#define CLI_INPUT_HELP                                                       \
	"  --format NAME        input format (default: detect; see 'cibscan "    \
	"formats')\n"                                                            \
	"  --strict             stop at the first malformed record\n"           \
	"  --max-record BYTES   longest accepted line or row (default 64M)\n"  \
	"  --max-document BYTES largest accepted JSON document (default 2G)\n"  \
	"  --max-inflate-ratio N a compressed JSON document may inflate at\n"  \
	"                       most N times past 64 MiB (default 100, 0: any)\n" \
	"  --read-threads N     1: parse CSV on one thread; 2 (default): parse\n" \
	"                       large CSV inputs on a second thread\n"      \
	"  --map F=COL,...      read CSV/TSV share tables with these columns\n" \
	"                       (fields: account, post, time, object, url,\n" \
	"                       domain, hashtag, image, ...; docs/formats.md)\n" \
	"  --object-kind K      what a table's object column holds: repost\n" \
	"                       (default), url, text, hashtag, domain, image\n"

void cli_input_init(struct cli_input *ci);

/* Handles a getopt result if it is an input option: returns 1 if handled,
 * 0 if not, -1 on a bad argument (message printed). */
int cli_input_option(struct cli_input *ci, const char *cmd, int c,
		     const char *arg);

/* Parses a size like "64M", "2G", "100000"; -1 on error. */
int cli_parse_size(const char *s, size_t *out);
/* Parses a long integer fully; -1 on error. */
int cli_parse_long(const char *s, long *out);
/* Parses a double fully; -1 on error. */
int cli_parse_double(const char *s, double *out);

/* A loaded dataset with its ingest state. */
struct cli_crawl;

struct cli_data {
	struct dataset ds;
	struct diag diag;
	struct ingest in;
	struct cli_crawl *crawl; /* crawls given with the export, read by
				    cli_crawl_run (cli/sitesrun.h); NULL */
};

/* Reads every file into d (initialised here); a regular file named
 * again (another spelling, a link) is read once, with a warning per extra
 * naming (cli_inputs_once's). Prints errors itself. Returns an exit code;
 * on failure d is released. With `quiet` unset, a summary of malformed
 * records goes to stderr. */
int cli_load(struct cli_data *d, const struct cli_input *ci,
	     char *const *files, int nfiles, int quiet);
void cli_data_release(struct cli_data *d);
/* Whether input i of d is a crawl that was read (a WARC, not a skipped
 * archive member). */
int cli_is_crawl(const struct cli_data *d, size_t i);
/* Is any input a crawl (cli_is_crawl)? */
int cli_has_crawl(const struct cli_data *d);
/* 0 when every crawl input is a regular file, else an error naming the
 * first that is not (a pipe, stdin) and CLI_EXIT_USAGE: the sites
 * analysis reads a crawl again once the accounts are scored, and a
 * stream read once would give it nothing. */
int cli_crawls_rereadable(const struct cli_data *d);

/* Writes a result file atomically (core/outfile.h): fn writes to f and may
 * put a detail message in errmsg. Prints "cannot write 'path': why" on any
 * failure and returns an exit code. path "-" is standard output. */
typedef enum cib_err (*cli_writer_fn)(FILE *f, void *ctx, char *errmsg,
				      size_t errlen);
int cli_write_file(const char *path, cli_writer_fn fn, void *ctx);

/* One output of a run. */
struct cli_output {
	const char *path; /* NULL: skipped */
	cli_writer_fn fn;
	void *ctx;
};

/* Drops from files[0..*n) every regular file named before it (the same
 * file by another spelling or through a link: device and inode), keeping
 * the order of the rest, and unless quiet warns "'B' names the same file
 * as 'A': read once". A file read twice gives the answer of one copy
 * (its posts' keys are taken once) but costs the read and counts every
 * record as a duplicate. Pipes, devices and "-" are kept as given. */
void cli_inputs_once(char **files, int *n, int quiet);

/* Notes that path (a file or a link to one) is read by this run, so that
 * no output replaces it (cli_outputs_check). Pipes, devices, "-" and
 * paths that do not exist are not files anyone could lose: skipped. */
void cli_note_input(const char *path);

/* Whether an output path names a file noted as an input (the same file,
 * through any name or link: device and inode): prints "'PATH' is also an
 * input of this run ..." and returns CLI_EXIT_USAGE, else 0. Entries with
 * a NULL path are skipped. cli_write_files runs it first; a command that
 * reads for long calls it as soon as its inputs are read. */
int cli_outputs_check(const struct cli_output *outs, size_t n);

/* Writes every output of a run, all or none: each is opened and written
 * (to its temporary file when it has one) first, then all are flushed
 * and checked, and only then renamed into place. A failure anywhere
 * removes every temporary file, so no output of a failed run replaces an
 * older one (outputs written in place, stdout or a FIFO, keep what was
 * written). Prints "cannot write 'path': why"; returns an exit code.
 * An output that is a noted input is refused first (cli_outputs_check). */
int cli_write_files(const struct cli_output *outs, size_t n);

/* Installs SIGINT, SIGTERM, SIGHUP and SIGPIPE handlers that remove the
 * temporary files of outputs being written, then die of the signal as
 * before. A signal the caller's parent ignores stays ignored. */
void cli_signals_install(void);

/* Prints "cibscan: warning: N malformed records skipped (...)" lines,
 * the records' values escaped. */
void cli_diag_summary(const struct diag *dg);

#endif
