/* cmd_flag.c - 'cibscan flag': only the flagged accounts, for enforcement
 * pipelines: account_id,platform,handle,score,cluster_id,headline,reasons,
 * with --ids one account id per line, with --json one JSON document;
 * from the inputs (scored here) or from a saved run (--run). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "report/output.h"
#include "pipeopts.h"

static const char usage_text[] =
	"usage: cibscan flag [options] FILE... -o flagged.csv\n"
	"       cibscan flag --run run.FILE [-o flagged.csv]\n\n"
	"Like 'cibscan score', but writes only the flagged accounts:\n"
	"  account_id,platform,handle,score,cluster_id,headline,reasons\n\n"
	"options:\n"
	"  -o, --output FILE    output (default '-', stdout)\n"
	"  --ids                one account id per line, no header\n"
	"                       (platform:id when platforms mix)\n"
	"  --json               one JSON document: the flagged accounts with\n"
	"                       their headline, reasons and reason codes\n"
	PIPE_RUN_HELP
	"  --csv-raw            write text cells exactly as read (no\n"
	"                       spreadsheet-formula guard, docs/outputs.md)\n"
	PIPE_HELP CLI_INPUT_HELP
	"  -h, --help           this help\n";

struct flag_write {
	const struct scored_run *r;
	int csv_raw;
};

static enum cib_err w_csv(FILE *f, void *ctx, char *msg, size_t len)
{
	const struct flag_write *w = ctx;

	(void)msg;
	(void)len;
	return output_flagged_csv(w->r, f, w->csv_raw);
}

static enum cib_err w_ids(FILE *f, void *ctx, char *msg, size_t len)
{
	const struct flag_write *w = ctx;

	(void)msg;
	(void)len;
	return output_flagged_ids(w->r, f);
}

static enum cib_err w_json(FILE *f, void *ctx, char *msg, size_t len)
{
	const struct flag_write *w = ctx;

	(void)msg;
	(void)len;
	return output_flagged_json(w->r, f);
}

int cmd_flag(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "ids", no_argument, NULL, 'i' },
		{ "csv-raw", no_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "run", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		PIPE_OPTIONS,
		CLI_INPUT_OPTIONS,
		{ 0 },
	};
	const char *out = "-", *run_path = NULL;
	int ids = 0, json = 0, csv_raw = 0, c, rc;
	struct scored_run run;
	struct flag_write fw;
	struct cli_input ci;
	struct pipe_cli pc;
	struct cli_data d;
	struct pipeline p;

	cli_input_init(&ci);
	pipe_cli_init(&pc);
	optind = 1;
	while ((c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
		int r = pipe_cli_options(&pc, &ci, "flag", c, optarg);

		if (r < 0)
			return CLI_EXIT_USAGE;
		if (r > 0)
			continue;
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'i':
			ids = 1;
			break;
		case 'r':
			csv_raw = 1;
			break;
		case 'j':
			json = 1;
			break;
		case 'R':
			run_path = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return CLI_EXIT_OK;
		default:
			fprintf(stderr, "try 'cibscan flag --help'\n");
			return CLI_EXIT_USAGE;
		}
	}
	if (ids && json)
		return cli_usage_error("flag", "--ids and --json exclude each other");
	fw.r = &run;
	fw.csv_raw = csv_raw;
	if (run_path && pc.n_scoring)
		return cli_usage_error("flag", "scoring options do not apply to "
					       "a saved run (--run)");
	if (run_path) {
		if (optind < argc)
			return cli_usage_error("flag", "--run takes no input files");
		rc = pipe_cli_load_run(run_path, &run);
		if (rc)
			return rc;
		rc = cli_write_file(out, ids ? w_ids : json ? w_json : w_csv, &fw);
		run_release(&run);
		return rc;
	}
	if (optind >= argc)
		return cli_usage_error("flag", "no input files");
	rc = pipe_cli_finish(&pc);
	if (rc)
		return rc;
	rc = cli_load(&d, &ci, argv + optind, argc - optind, 0);
	if (rc)
		return rc;
	rc = pipe_cli_score(&pc, &d, argv + optind, argc - optind, &p, &run, 0);
	if (rc) {
		cli_data_release(&d);
		return rc;
	}
	rc = cli_write_file(out, ids ? w_ids : json ? w_json : w_csv, &fw);
	run_release(&run);
	pipeline_release(&p);
	cli_data_release(&d);
	return rc;
}
