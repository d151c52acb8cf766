/* cmd_features.c - 'cibscan features': the per-account evidence table;
 * with --run, of the inputs a saved run names (checked against its
 * hashes) with the zone, seed and reuse cap the run was scored with. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "core/postindex.h"
#include "features/features.h"
#include "pipeopts.h"
#include "report/fromrun.h"

static const char usage_text[] =
	"usage: cibscan features [options] FILE... -o features.csv\n"
	"       cibscan features --run run.FILE [-o features.csv] [--json]\n\n"
	"Computes one row of evidence per account: timing and shift pattern\n"
	"(in the reference zone), content reuse, persona switches, profile\n"
	"signals. docs/features.md defines every column.\n\n"
	"options:\n"
	"  -o, --output FILE    output (default '-', stdout)\n"
	"  --json               JSON lines, one account each, with the 7 x 48\n"
	"                       half-hour bins in the reference zone and UTC\n"
	"  --tz ZONE            reference zone (IANA; default Asia/Shanghai)\n"
	"  --seed N             seed for randomised tests (default 1)\n"
	"  --run FILE           the inputs of a run saved by 'cibscan score\n"
	"                       --save' (each checked against the size and\n"
	"                       hash it recorded), with its zone and seed\n"
	CLI_INPUT_HELP
	"  -h, --help           this help\n";

struct features_write {
	const struct feature_set *fs;
	const struct dataset *ds;
	const struct postindex *pi;
	int json;
};

static enum cib_err w_features(FILE *f, void *ctx, char *msg, size_t len)
{
	const struct features_write *w = ctx;

	(void)msg;
	(void)len;
	return w->json ? features_write_json(w->fs, w->ds, w->pi, f)
		       : features_write_csv(w->fs, w->ds, w->pi, f);
}

int cmd_features(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "json", no_argument, NULL, 'j' },
		{ "tz", required_argument, NULL, 'z' },
		{ "seed", required_argument, NULL, 's' },
		{ "run", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		CLI_INPUT_OPTIONS,
		{ 0 },
	};
	const char *out = "-", *run_path = NULL;
	int json = 0, zone_or_seed = 0, c, rc;
	struct scored_run run;
	long seed;
	struct feature_opts fo;
	struct cli_input ci;
	struct cli_data d;
	struct postindex pi;
	struct feature_set fs;
	struct features_write fw;
	char msg[512] = "";
	enum cib_err err;

	memset(&fs, 0, sizeof(fs));
	memset(&pi, 0, sizeof(pi));
	cli_input_init(&ci);
	feature_opts_init(&fo);
	fo.zonedir = cli_tzdir();
	fo.tmpdir = cli_tmpdir();
	optind = 1;
	while ((c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
		int r = cli_input_option(&ci, "features", c, optarg);

		if (r < 0)
			return CLI_EXIT_USAGE;
		if (r > 0)
			continue;
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'j':
			json = 1;
			break;
		case 'z':
			fo.tz = optarg;
			zone_or_seed = 1;
			break;
		case 'R':
			run_path = optarg;
			break;
		case 's':
			if (cli_parse_long(optarg, &seed) || seed < 0)
				return cli_usage_error("features", "bad --seed");
			fo.seed = (uint64_t)seed;
			zone_or_seed = 1;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return CLI_EXIT_OK;
		default:
			fprintf(stderr, "try 'cibscan features --help'\n");
			return CLI_EXIT_USAGE;
		}
	}
	run_init(&run);
	if (run_path) {
		if (optind < argc)
			return cli_usage_error("features",
					       "--run takes no input files (it "
					       "reads the ones the run names)");
		if (zone_or_seed)
			return cli_usage_error("features",
					       "--tz and --seed come from the "
					       "run with --run");
		rc = pipe_cli_load_run(run_path, &run);
		if (rc)
			return rc;
		rc = pipe_cli_load_run_inputs(&run, run_path, &ci, &d, 0);
		if (rc) {
			run_release(&run);
			return rc;
		}
		/* the run's options, as the pipeline set them */
		report_run_feature_opts(&run, &fo);
	} else {
		if (optind >= argc)
			return cli_usage_error("features", "no input files");
		rc = cli_load(&d, &ci, argv + optind, argc - optind, 0);
		if (rc)
			return rc;
	}
	err = postindex_build(&pi, &d.ds);
	if (!err)
		err = features_compute(&fs, &d.ds, &pi, &fo, msg, sizeof(msg));
	if (err) {
		cli_error("%s", msg[0] ? msg : cib_strerror(err));
		rc = cli_exit_for(err);
		goto out;
	}
	fw.fs = &fs;
	fw.ds = &d.ds;
	fw.pi = &pi;
	fw.json = json;
	rc = cli_write_file(out, w_features, &fw);
out:
	run_release(&run);
	features_release(&fs);
	postindex_release(&pi);
	cli_data_release(&d);
	return rc;
}
