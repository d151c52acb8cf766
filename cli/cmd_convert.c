/* cmd_convert.c - 'cibscan convert': any supported input to normalised
 * JSONL (docs/formats.md), written atomically so a failed or interrupted
 * run never leaves a half file under the target name. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "collectors/jsonl.h"

static const char usage_text[] =
	"usage: cibscan convert [options] -o OUT.jsonl FILE...\n\n"
	"Reads the files (any supported format, mixed; .gz and .zip too) into\n"
	"one dataset and writes it as cibscan normalised JSONL: a header line,\n"
	"then accounts, account field changes and posts, one object a line.\n"
	"Times are UTC. Malformed records are skipped and summarised on "
	"stderr.\n\n"
	"options:\n"
	"  -o, --output FILE    where to write ('-' for standard output)\n"
	CLI_INPUT_HELP
	"  -h, --help           this help\n";

struct convert_opts {
	const char *output;
	struct cli_input in;
};

static enum cib_err w_jsonl(FILE *f, void *ctx, char *msg, size_t len)
{
	(void)msg;
	(void)len;
	return jsonl_write(ctx, f);
}

int cmd_convert(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		CLI_INPUT_OPTIONS,
		{ 0 },
	};
	struct convert_opts o = { 0 };
	struct cli_data d;
	int c, rc;

	cli_input_init(&o.in);
	optind = 1;
	while ((c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
		int r = cli_input_option(&o.in, "convert", c, optarg);

		if (r < 0)
			return CLI_EXIT_USAGE;
		if (r > 0)
			continue;
		switch (c) {
		case 'o':
			o.output = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return CLI_EXIT_OK;
		default:
			fprintf(stderr, "try 'cibscan convert --help'\n");
			return CLI_EXIT_USAGE;
		}
	}
	if (!o.output)
		return cli_usage_error("convert", "no output file (-o FILE, or "
						  "-o - for standard output)");
	if (optind >= argc)
		return cli_usage_error("convert", "no input files");
	rc = cli_load(&d, &o.in, argv + optind, argc - optind, 0);
	if (rc)
		return rc;
	rc = cli_write_file(o.output, w_jsonl, &d.ds);
	if (rc) {
		cli_data_release(&d);
		return rc;
	}
	if (cli_progress())
		fprintf(stderr, "cibscan: wrote %zu accounts, %zu posts to %s\n",
			d.ds.acc.n, d.ds.post.n,
			strcmp(o.output, "-") ? o.output : "standard output");
	cli_data_release(&d);
	return CLI_EXIT_OK;
}
