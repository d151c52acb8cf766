/* cmd_flag.c - 'cibscan flag': only the flagged accounts, for enforcement
 * pipelines: account_id,platform,handle,score,cluster_id,reasons, or with
 * --ids one account id per line. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "report/output.h"
#include "pipeopts.h"

static const char usage_text[] =
	"usage: cibscan flag [options] FILE... -o flagged.csv\n\n"
	"Like 'cibscan score', but writes only the flagged accounts:\n"
	"  account_id,platform,handle,score,cluster_id,reasons\n\n"
	"options:\n"
	"  -o, --output FILE    output (default '-', stdout)\n"
	"  --ids                one account id per line, no header\n"
	"  --csv-raw            write text cells exactly as read (no\n"
	"                       spreadsheet-formula guard, docs/outputs.md)\n"
	PIPE_HELP CLI_INPUT_HELP
	"  -h, --help           this help\n";

struct flag_write {
	const struct pipeline *p;
	int csv_raw;
};

static enum cib_err w_csv(FILE *f, void *ctx, char *msg, size_t len)
{
	const struct flag_write *w = ctx;

	(void)msg;
	(void)len;
	return output_flagged_csv(w->p, f, w->csv_raw);
}

static enum cib_err w_ids(FILE *f, void *ctx, char *msg, size_t len)
{
	const struct flag_write *w = ctx;

	(void)msg;
	(void)len;
	return output_flagged_ids(w->p, f);
}

int cmd_flag(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "ids", no_argument, NULL, 'i' },
		{ "csv-raw", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		PIPE_OPTIONS,
		CLI_INPUT_OPTIONS,
		{ 0 },
	};
	const char *out = "-";
	int ids = 0, csv_raw = 0, c, rc;
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
		case 'h':
			fputs(usage_text, stdout);
			return CLI_EXIT_OK;
		default:
			fprintf(stderr, "try 'cibscan flag --help'\n");
			return CLI_EXIT_USAGE;
		}
	}
	if (optind >= argc)
		return cli_usage_error("flag", "no input files");
	rc = pipe_cli_finish(&pc);
	if (rc)
		return rc;
	rc = cli_load(&d, &ci, argv + optind, argc - optind, 0);
	if (rc)
		return rc;
	rc = pipe_cli_run(&pc, &d, &p, 0);
	if (rc) {
		cli_data_release(&d);
		return rc;
	}
	fw.p = &p;
	fw.csv_raw = csv_raw;
	rc = cli_write_file(out, ids ? w_ids : w_csv, &fw);
	pipeline_release(&p);
	cli_data_release(&d);
	return rc;
}
