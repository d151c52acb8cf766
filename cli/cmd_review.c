/* cmd_review.c - 'cibscan review': the shared batch-review store
 * (model/review.h): import a run, take the next item, show one, decide,
 * export the confirmed list, print the queue's state. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "core/textsafe.h"
#include "model/review.h"

static const char usage_text[] =
	"usage: cibscan review init --db STORE\n"
	"       cibscan review import accounts.csv [--clusters clusters.csv]\n"
	"                      [--settings TEXT] [--input FILE]... --db STORE\n"
	"       cibscan review next [--clusters-first] --db STORE\n"
	"       cibscan review show ACCOUNT|CLUSTER --db STORE\n"
	"       cibscan review decide ACCOUNT|CLUSTER --decision D --reviewer NAME\n"
	"                      [--note TEXT] [--members] --db STORE\n"
	"       cibscan review export -o final.csv --db STORE\n"
	"       cibscan review status --db STORE\n\n"
	"A SQLite store (WAL mode) a team shares. 'import' queues the flagged\n"
	"accounts and clusters of a 'cibscan score' run; decisions are kept\n"
	"across runs: dismissed accounts stay dismissed unless their evidence\n"
	"grew (score up by the margin, a new kind of reason, a bigger cluster),\n"
	"confirmed ones are not re-queued. Every decision is in an append-only\n"
	"audit log.\n\n"
	"ACCOUNT is an account id (PLATFORM:ID when ambiguous); CLUSTER is C3\n"
	"(the latest run's cluster) or cluster:R2:C3 (run 2's).\n\n"
	"options:\n"
	"  --db FILE            the review store; only 'init' and 'import'\n"
	"                       create one (import says so on stderr); the\n"
	"                       other commands need an existing store\n"
	"  --clusters FILE      import: the run's clusters table\n"
	"  --settings TEXT      import: the run's settings, kept with the run\n"
	"  --input FILE         import: an input of the run, checksummed\n"
	"                       (repeatable)\n"
	"  --margin X           import: score rise that re-queues a dismissed\n"
	"                       account (default 0.10)\n"
	"  --strict             import: stop at the first malformed row\n"
	"  --decision D         confirm, dismiss, escalate, or queued (reopen)\n"
	"  --reviewer NAME      who decides (required)\n"
	"  --note TEXT          why\n"
	"  --members            a cluster decision applies to its members too\n"
	"  --clusters-first     next: clusters before accounts\n"
	"  -o, --output FILE    export: the final list (CSV; '-' for stdout)\n"
	"  --csv-raw            export: text cells exactly as stored (no\n"
	"                       spreadsheet-formula guard); import: the\n"
	"                       accounts file was written with --csv-raw\n"
	"  -h, --help           this help\n";

enum { OPT_DB = 0x3101, OPT_CLUSTERS, OPT_SETTINGS, OPT_INPUT, OPT_MARGIN,
       OPT_STRICT, OPT_DECISION, OPT_REVIEWER, OPT_NOTE, OPT_MEMBERS,
       OPT_CFIRST, OPT_CSVRAW };

#define MAX_INPUTS 256

struct review_opts {
	const char *db, *clusters, *settings, *decision, *reviewer, *note;
	const char *output;
	const char *inputs[MAX_INPUTS];
	size_t n_inputs;
	double margin;
	int strict, members, clusters_first, csv_raw;
};

static int fail(struct review *rv, enum cib_err err)
{
	cli_error("%s", rv->errmsg[0] ? rv->errmsg : cib_strerror(err));
	review_close(rv);
	if (err == CIB_EUSAGE)
		return CLI_EXIT_USAGE;
	if (err == CIB_ENOTFOUND || err == CIB_EPARSE || err == CIB_ETOOBIG ||
	    err == CIB_EFORMAT)
		return CLI_EXIT_DATA;
	return CLI_EXIT_SYSTEM;
}

static int finish_stdout(void)
{
	if (fflush(stdout) || ferror(stdout)) {
		cli_error("cannot write to standard output: %s",
			  strerror(errno));
		return CLI_EXIT_SYSTEM;
	}
	return CLI_EXIT_OK;
}

static int do_import(struct review *rv, const struct review_opts *o,
		     const char *accounts)
{
	struct review_import_opts io;
	struct review_import_stats st;
	enum cib_err err;

	review_import_opts_init(&io);
	io.accounts = accounts;
	io.clusters = o->clusters;
	io.settings = o->settings;
	io.inputs = o->inputs;
	io.n_inputs = o->n_inputs;
	if (o->margin >= 0)
		io.score_margin = o->margin;
	io.strict = o->strict;
	io.csv_raw = o->csv_raw;
	err = review_import(rv, &io, &st);
	for (size_t i = 0; i < st.n_warnings; i++)
		cli_warn("skipped malformed row: %s", st.warnings[i]);
	if (err)
		return fail(rv, err);
	if (st.bad)
		cli_warn("%llu malformed rows skipped",
			 (unsigned long long)st.bad);
	printf("run %lld: %llu rows, %llu flagged: %llu new queued, %llu "
	       "re-queued (evidence grew), %llu kept dismissed, %llu kept "
	       "confirmed, %llu already open; %llu clusters queued\n",
	       (long long)st.run_id, (unsigned long long)st.rows,
	       (unsigned long long)st.flagged,
	       (unsigned long long)st.queued_new,
	       (unsigned long long)st.requeued,
	       (unsigned long long)st.kept_dismissed,
	       (unsigned long long)st.kept_confirmed,
	       (unsigned long long)st.still_open,
	       (unsigned long long)st.clusters);
	review_close(rv);
	return finish_stdout();
}

struct export_write {
	struct review *rv;
	int csv_raw;
	size_t n;
};

static enum cib_err w_export(FILE *f, void *ctx, char *msg, size_t len)
{
	struct export_write *w = ctx;
	enum cib_err err = review_export(w->rv, f, w->csv_raw, &w->n);

	if (err && w->rv->errmsg[0])
		snprintf(msg, len, "%s", w->rv->errmsg);
	return err;
}

static int do_export(struct review *rv, const struct review_opts *o)
{
	struct export_write w = { rv, o->csv_raw, 0 };
	size_t n;
	int rc;

	if (!o->output) {
		review_close(rv);
		return cli_usage_error("review",
				       "export needs -o FILE (or -o -)");
	}
	rc = cli_write_file(o->output, w_export, &w);
	review_close(rv);
	if (rc)
		return rc;
	n = w.n;
	if (strcmp(o->output, "-"))
		fprintf(stderr, "cibscan: %zu confirmed accounts written to "
				"'%s'\n",
			n, o->output);
	return CLI_EXIT_OK;
}

int cmd_review(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, OPT_DB },
		{ "clusters", required_argument, NULL, OPT_CLUSTERS },
		{ "settings", required_argument, NULL, OPT_SETTINGS },
		{ "input", required_argument, NULL, OPT_INPUT },
		{ "margin", required_argument, NULL, OPT_MARGIN },
		{ "strict", no_argument, NULL, OPT_STRICT },
		{ "decision", required_argument, NULL, OPT_DECISION },
		{ "reviewer", required_argument, NULL, OPT_REVIEWER },
		{ "note", required_argument, NULL, OPT_NOTE },
		{ "members", no_argument, NULL, OPT_MEMBERS },
		{ "clusters-first", no_argument, NULL, OPT_CFIRST },
		{ "csv-raw", no_argument, NULL, OPT_CSVRAW },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct review_opts o;
	struct review rv;
	const char *sub, *arg = NULL;
	enum cib_err err;
	int c;

	memset(&o, 0, sizeof(o));
	o.margin = -1;
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(usage_text, stdout);
		return CLI_EXIT_OK;
	}
	if (argc < 2)
		return cli_usage_error("review", "no subcommand (init, import, "
						 "next, show, decide, export, "
						 "status)");
	sub = argv[1];
	argc--;
	argv++;
	optind = 1;
	while ((c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_DB:
			o.db = optarg;
			break;
		case OPT_CLUSTERS:
			o.clusters = optarg;
			break;
		case OPT_SETTINGS:
			o.settings = optarg;
			break;
		case OPT_INPUT:
			if (o.n_inputs >= MAX_INPUTS)
				return cli_usage_error("review",
						       "more than %d --input",
						       MAX_INPUTS);
			o.inputs[o.n_inputs++] = optarg;
			break;
		case OPT_MARGIN:
			if (cli_parse_double(optarg, &o.margin) ||
			    !(o.margin >= 0))
				return cli_usage_error("review",
						       "bad --margin '%s'",
						       optarg);
			break;
		case OPT_STRICT:
			o.strict = 1;
			break;
		case OPT_DECISION:
			o.decision = optarg;
			break;
		case OPT_REVIEWER:
			o.reviewer = optarg;
			break;
		case OPT_NOTE:
			o.note = optarg;
			break;
		case OPT_MEMBERS:
			o.members = 1;
			break;
		case OPT_CFIRST:
			o.clusters_first = 1;
			break;
		case OPT_CSVRAW:
			o.csv_raw = 1;
			break;
		case 'o':
			o.output = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return CLI_EXIT_OK;
		default:
			fprintf(stderr, "try 'cibscan review --help'\n");
			return CLI_EXIT_USAGE;
		}
	}
	if (strcmp(sub, "init") && strcmp(sub, "import") &&
	    strcmp(sub, "next") &&
	    strcmp(sub, "show") && strcmp(sub, "decide") &&
	    strcmp(sub, "export") && strcmp(sub, "status"))
		return cli_usage_error("review", "unknown subcommand '%s'", sub);
	if (!o.db)
		return cli_usage_error("review", "no store: use --db FILE");
	if (!strcmp(sub, "import") || !strcmp(sub, "show") ||
	    !strcmp(sub, "decide")) {
		if (optind != argc - 1)
			return cli_usage_error("review", "%s takes one %s", sub,
					       strcmp(sub, "import")
						       ? "ACCOUNT or CLUSTER"
						       : "accounts file");
		arg = argv[optind];
	} else if (optind != argc) {
		return cli_usage_error("review", "unexpected argument '%s'",
				       argv[optind]);
	}
	if (!strcmp(sub, "decide") && (!o.decision || !o.reviewer))
		return cli_usage_error("review",
				       "decide needs --decision and --reviewer");
	/* only init and import make a store: a mistyped --db elsewhere is an
	 * error, not a new empty store */
	if (!strcmp(sub, "init") || !strcmp(sub, "import")) {
		int created = 0;

		err = review_create(&rv, o.db, &created);
		if (err)
			return fail(&rv, err);
		if (!strcmp(sub, "init")) {
			printf("%s review store '", created ? "created the"
							    : "already a");
			textsafe_fputs(stdout, o.db, TEXTSAFE_TERM);
			printf("'\n");
			review_close(&rv);
			return finish_stdout();
		}
		if (created)
			cli_warn("created a new review store '%s'", o.db);
		return do_import(&rv, &o, arg);
	}
	err = review_open_existing(&rv, o.db);
	if (err)
		return fail(&rv, err);
	if (!strcmp(sub, "export"))
		return do_export(&rv, &o);
	if (!strcmp(sub, "decide")) {
		size_t n = 0;

		err = review_decide(&rv, arg, o.decision, o.reviewer, o.note,
				    o.members, &n);
		if (err)
			return fail(&rv, err);
		textsafe_fputs(stdout, arg, TEXTSAFE_TERM);
		printf(": %s by ", o.decision);
		textsafe_fputs(stdout, o.reviewer, TEXTSAFE_TERM);
		printf(" (%zu item%s)\n", n, n == 1 ? "" : "s");
	} else if (!strcmp(sub, "show")) {
		err = review_show(&rv, arg, stdout);
		if (err)
			return fail(&rv, err);
	} else if (!strcmp(sub, "next")) {
		int found = 0;

		err = review_next(&rv, o.clusters_first, stdout, &found);
		if (err)
			return fail(&rv, err);
		if (!found)
			printf("the queue is empty\n");
	} else {
		err = review_status(&rv, stdout);
		if (err)
			return fail(&rv, err);
	}
	review_close(&rv);
	return finish_stdout();
}
