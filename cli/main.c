/* main.c - cibscan's entry point: library setup, then the subcommand table.
 *
 * igraph and GSL abort on error by default; both are switched to
 * report-and-return before anything else runs, and every call's status is
 * checked where it is made.
 */
#include <errno.h>
#include <fcntl.h>
#include <gsl/gsl_errno.h>
#include <igraph.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "core/bigmem.h"

#ifdef CIB_MPI
#include <mpi.h>
#endif

#define CIBSCAN_VERSION "0.1.0"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{ "score", cmd_score, "score accounts and clusters for coordinated inauthentic behaviour" },
	{ "flag", cmd_flag, "write only the flagged accounts (for enforcement pipelines)" },
	{ "explain", cmd_explain, "show every feature, edge and reason for one account" },
	{ "features", cmd_features, "write the per-account evidence table" },
	{ "report", cmd_report, "write a self-contained HTML evidence report" },
	{ "review", cmd_review, "batch review of flagged accounts in a shared SQLite store" },
	{ "serve", cmd_serve, "web review app over the review store (queue, panels, JSON API)" },
	{ "train", cmd_train, "fit the scoring model on labelled accounts" },
	{ "inspect", cmd_inspect, "summarise what was read from input files" },
	{ "convert", cmd_convert, "convert any supported input to normalised JSONL" },
	{ "collect", cmd_collect, "fetch account and post data from platform APIs" },
	{ "synth", cmd_synth, "generate a synthetic IO-archive export with ground truth" },
	{ "sites", cmd_sites, "find networks of websites in web crawls (WARC)" },
	{ "synth-sites", cmd_synth_sites, "generate a synthetic web crawl with site networks and ground truth" },
	{ "formats", cmd_formats, "list the supported input formats" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
	fprintf(f, "usage: cibscan <command> [options] [FILE...]\n\n"
		   "Detects coordinated inauthentic behaviour in social media "
		   "exports.\n\ncommands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n'cibscan <command> --help' describes a command's "
		   "options.\nexit codes: 0 ok, 1 data error, 2 usage error, "
		   "3 system error\n");
}

static int finish(int code)
{
	/* a full disk or closed pipe on stdout must not look like success */
	errno = 0;
	if (fflush(stdout) != 0 || ferror(stdout)) {
		/* a command that failed has said why already */
		if (!code)
			cli_error("cannot write to standard output: %s",
				  errno ? strerror(errno) : "write error");
		return code ? code : CLI_EXIT_SYSTEM;
	}
	return code;
}

#ifdef CIB_MPI
/* cibscan-mpi (`make mpi`): MPI is set up around the command, and only
 * `score --mpi` runs on several ranks (any other command would run once
 * per rank and race on its outputs). Communication errors return to the
 * caller, which reports them, instead of aborting unexplained. */
static int run(int argc, char **argv);

/* stdout to /dev/null (opened for writing, never created or replaced);
 * left as it is if that cannot be opened */
static void quiet_stdout(void)
{
	int fd = open("/dev/null", O_WRONLY);

	if (fd < 0)
		return;
	fflush(stdout);
	if (fd != STDOUT_FILENO) {
		dup2(fd, STDOUT_FILENO);
		close(fd);
	}
}

int main(int argc, char **argv)
{
	int size = 1, rank = 0, rc, mpi = 0;

	bigmem_setup(); /* before MPI's buffers too */
	if (MPI_Init(&argc, &argv) != MPI_SUCCESS) {
		fprintf(stderr, "cibscan: MPI could not start\n");
		return CLI_EXIT_SYSTEM;
	}
	MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
	MPI_Comm_size(MPI_COMM_WORLD, &size);
	MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	if (rank != 0) { /* the same usage error on every rank: said once */
		cli_usage_quiet();
		opterr = 0; /* getopt's own */
		/* and what every rank would print on stdout (help, the
		 * version): rank 0 writes every output */
		quiet_stdout();
	}
	for (int i = 2; argc > 1 && !strcmp(argv[1], "score") && i < argc; i++)
		mpi |= !strcmp(argv[i], "--mpi");
	if (size > 1 && !mpi) {
		if (rank == 0)
			cli_error("%d ranks: only 'score --mpi' runs on several "
				  "ranks",
				  size);
		rc = CLI_EXIT_USAGE;
	} else {
		rc = run(argc, argv);
	}
	MPI_Finalize();
	return rc;
}

static int run(int argc, char **argv)
#else
int main(int argc, char **argv)
#endif
{
#ifndef CIB_MPI
	/* freed large blocks go back to the system (the MPI build's main
	 * has done it, before MPI_Init) */
	bigmem_setup();
#endif
	igraph_set_error_handler(igraph_error_handler_printignore);
	igraph_set_warning_handler(igraph_warning_handler_ignore);
	gsl_set_error_handler_off();
	cli_signals_install(); /* an interrupted run leaves no temporary file */

	if (argc < 2) {
		usage(stderr);
		return CLI_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return finish(CLI_EXIT_OK);
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("cibscan %s\n", CIBSCAN_VERSION);
		return finish(CLI_EXIT_OK);
	}
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return finish(commands[i].fn(argc - 1, argv + 1));
	cli_error("'%s' is not a cibscan command", argv[1]);
	fprintf(stderr, "try 'cibscan --help'\n");
	return CLI_EXIT_USAGE;
}
