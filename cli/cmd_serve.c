/* cmd_serve.c - 'cibscan serve': runs the web review app (review/serve.h)
 * over an existing review store until SIGINT or SIGTERM, printing the URL
 * it listens on (each --run file imported first, as 'review import --run'
 * does, so the panels show its accounts, clusters and evidence); '--add-token NAME' appends a reviewer's hashed secret to
 * a token file and prints the secret once. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "review/store.h"
#include "review/serve.h"
#include "reviewrun.h"

static const char usage_text[] =
	"usage: cibscan serve --db STORE [--run run.FILE]... [--listen ADDR:PORT]\n"
	"                     [--token-file FILE] [--lease MINUTES]\n"
	"       cibscan serve --add-token NAME --token-file FILE\n\n"
	"Serves the review store to reviewers' browsers: the queue (filters,\n"
	"claims with a lease), account and cluster panels, decisions on one\n"
	"item, a selection or a whole cluster, conflicts (409) with explicit\n"
	"supersede, undo, and a JSON API under /api/ (docs/review.md). Prints\n"
	"the URL it listens on; stops on Ctrl-C.\n\n"
	"options:\n"
	"  --db FILE            an existing review store ('review init')\n"
	"  --run FILE           a run saved by 'cibscan score --save', imported\n"
	"                       first as 'review import --run' does (again:\n"
	"                       no-op); repeatable\n"
	"  --listen ADDR:PORT   default 127.0.0.1:8080; [::1]:PORT for IPv6;\n"
	"                       port 0 picks a free port. An address that is\n"
	"                       not loopback needs --token-file\n"
	"  --token-file FILE    'NAME SHA256HEX' lines: every request must\n"
	"                       then carry a reviewer's secret (sign-in form,\n"
	"                       or Authorization: Bearer SECRET)\n"
	"  --add-token NAME     make a secret for NAME, append its hash to\n"
	"                       --token-file (created 0600), print the secret\n"
	"  --lease MINUTES      how long a claim holds (default 15)\n"
	"  -h, --help           this help\n";

enum { OPT_DB = 0x3201, OPT_LISTEN, OPT_TOKENS, OPT_ADD, OPT_LEASE,
       OPT_RUN };

#define SERVE_MAX_RUNS 64

int cmd_serve(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, OPT_DB },
		{ "listen", required_argument, NULL, OPT_LISTEN },
		{ "token-file", required_argument, NULL, OPT_TOKENS },
		{ "add-token", required_argument, NULL, OPT_ADD },
		{ "lease", required_argument, NULL, OPT_LEASE },
		{ "run", required_argument, NULL, OPT_RUN },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct review_serve_opts o;
	struct review_server *srv = NULL;
	const char *add = NULL, *runs[SERVE_MAX_RUNS];
	size_t n_runs = 0;
	char url[256], err[1024];
	long lease = REVIEW_LEASE_SECONDS / 60;
	sigset_t set;
	enum cib_err e;
	int c, sig = 0;

	memset(&o, 0, sizeof(o));
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_DB:
			o.db = optarg;
			break;
		case OPT_LISTEN:
			o.listen = optarg;
			break;
		case OPT_TOKENS:
			o.token_file = optarg;
			break;
		case OPT_ADD:
			add = optarg;
			break;
		case OPT_RUN:
			if (n_runs >= SERVE_MAX_RUNS)
				return cli_usage_error("serve", "more than %d "
								"--run",
						       SERVE_MAX_RUNS);
			runs[n_runs++] = optarg;
			break;
		case OPT_LEASE:
			if (cli_parse_long(optarg, &lease) || lease < 1 ||
			    lease > REVIEW_MAX_LEASE_SECONDS / 60)
				return cli_usage_error("serve",
						       "bad --lease '%s' "
						       "(minutes, 1 to 1440)",
						       optarg);
			break;
		case 'h':
			fputs(usage_text, stdout);
			return CLI_EXIT_OK;
		default:
			fprintf(stderr, "try 'cibscan serve --help'\n");
			return CLI_EXIT_USAGE;
		}
	}
	if (optind != argc)
		return cli_usage_error("serve", "unexpected argument '%s'",
				       argv[optind]);
	if (add) {
		char secret[65];

		if (!o.token_file)
			return cli_usage_error("serve", "--add-token needs "
							"--token-file FILE");
		e = review_token_add(o.token_file, add, secret, err,
				     sizeof(err));
		if (e) {
			cli_error("%s", err);
			return e == CIB_EUSAGE ? CLI_EXIT_USAGE
					       : CLI_EXIT_SYSTEM;
		}
		printf("%s\n", secret);
		fprintf(stderr, "cibscan: the secret for '%s' is above; only "
				"its SHA-256 was written to '%s'\n",
			add, o.token_file);
		return CLI_EXIT_OK;
	}
	if (!o.db)
		return cli_usage_error("serve", "no store: use --db FILE");
	for (size_t i = 0; i < n_runs; i++) {
		int rc = review_cli_import_run(o.db, runs[i]);

		if (rc)
			return rc;
	}
	o.lease_s = (int)(lease * 60);
	/* the server's thread inherits this mask: the signals come here */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	e = review_server_start(&o, &srv, url, sizeof(url), err, sizeof(err));
	if (e) {
		cli_error("%s", err);
		return e == CIB_EUSAGE		? CLI_EXIT_USAGE
		       : e == CIB_ENOTFOUND || e == CIB_EFORMAT ||
				 e == CIB_EPARSE
			       ? CLI_EXIT_DATA
			       : CLI_EXIT_SYSTEM;
	}
	printf("cibscan: serving the review store at %s\n", url);
	if (fflush(stdout)) {
		review_server_stop(srv);
		return CLI_EXIT_SYSTEM;
	}
	while (sigwait(&set, &sig) == 0 && sig == SIGHUP)
		;
	review_server_stop(srv);
	fprintf(stderr, "cibscan: stopped serving\n");
	return CLI_EXIT_OK;
}
