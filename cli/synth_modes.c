/* synth_modes.c - 'cibscan synth --cosharing' and the other modes that
 * live under synth/: parses their options and calls the generator. The
 * default archive generator (no mode option) stays in cmd_synth.c, so its
 * options and output are untouched. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "cli.h"
#include "collectors/timefmt.h"
#include "synth/cosim.h"
#include "synth_modes.h"

static const char usage_text[] =
	"usage: cibscan synth --cosharing -o DIR [options]\n\n"
	"Co-sharing benchmark (after CooRTweet's simulate_data): planted\n"
	"groups whose members co-share objects within --window seconds, each\n"
	"pair only a few times, among uncoordinated accounts sharing the same\n"
	"objects at random times. Writes DIR/shares.csv\n"
	"(object_id,account_id,content_id,timestamp_share), DIR/posts.jsonl\n"
	"(the same shares as normalised JSONL reposts) and DIR/truth.csv\n"
	"(account_id,role,group_id). See docs/synth.md.\n\n"
	"options:\n"
	"  -o, --output DIR        directory to write (created if missing)\n"
	"  --accounts N            all accounts (default 1000)\n"
	"  --coordinated N         planted members (default 100)\n"
	"  --groups K              planted groups (default 1)\n"
	"  --objects N             distinct objects (default 500)\n"
	"  --window S              co-share window, seconds (default 10)\n"
	"  --pair-shares LO-HI     co-shares per planted pair (default 2-3)\n"
	"  --organic-shares M      median shares per organic account "
	"(default 8)\n"
	"  --days D                length of the window (default 4)\n"
	"  --start YYYY-MM-DD      first day (default 2019-04-01)\n"
	"  --seed S                random seed (default 1)\n"
	"  -h, --help              this help\n";

enum {
	OPT_COSHARING = 0x3001,
	OPT_ACCOUNTS,
	OPT_COORD,
	OPT_GROUPS,
	OPT_OBJECTS,
	OPT_WINDOW,
	OPT_PAIRS,
	OPT_ORGANIC,
	OPT_DAYS,
	OPT_START,
	OPT_SEED,
};

static const char *const mode_flags[] = { "--cosharing" };

int synth_modes_wanted(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return 0;
		for (size_t k = 0; k < sizeof(mode_flags) / sizeof(*mode_flags);
		     k++)
			if (strcmp(argv[i], mode_flags[k]) == 0)
				return 1;
	}
	return 0;
}

static int num(const char *opt, const char *arg, long lo, long hi, long *out)
{
	if (cli_parse_long(arg, out) || *out < lo || *out > hi)
		return cli_usage_error("synth", "%s: '%s' is not a number in "
						"%ld..%ld", opt, arg, lo, hi);
	return 0;
}

static int parse_range(const char *opt, const char *arg, int *lo, int *hi)
{
	char a[32];
	const char *dash = strchr(arg, '-');
	long x, y;

	if (!dash || (size_t)(dash - arg) >= sizeof(a))
		return cli_usage_error("synth", "%s: '%s' is not LO-HI", opt,
				       arg);
	memcpy(a, arg, (size_t)(dash - arg));
	a[dash - arg] = 0;
	if (cli_parse_long(a, &x) || cli_parse_long(dash + 1, &y) || x < 0 ||
	    y < x || y > 1000000)
		return cli_usage_error("synth", "%s: '%s' is not LO-HI", opt,
				       arg);
	*lo = (int)x;
	*hi = (int)y;
	return 0;
}

int synth_modes_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "cosharing", no_argument, NULL, OPT_COSHARING },
		{ "accounts", required_argument, NULL, OPT_ACCOUNTS },
		{ "coordinated", required_argument, NULL, OPT_COORD },
		{ "groups", required_argument, NULL, OPT_GROUPS },
		{ "objects", required_argument, NULL, OPT_OBJECTS },
		{ "window", required_argument, NULL, OPT_WINDOW },
		{ "pair-shares", required_argument, NULL, OPT_PAIRS },
		{ "organic-shares", required_argument, NULL, OPT_ORGANIC },
		{ "days", required_argument, NULL, OPT_DAYS },
		{ "start", required_argument, NULL, OPT_START },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct cosim_opts co;
	struct cosim_stats cs;
	const char *dir = NULL;
	char err[512];
	int c;
	long v;
	enum cib_err e;

	cosim_opts_init(&co);
	optind = 1;
	while ((c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			dir = optarg;
			break;
		case OPT_COSHARING:
			break;
		case OPT_ACCOUNTS:
			if (num("--accounts", optarg, 1, 0x7fffffffL, &v))
				return CLI_EXIT_USAGE;
			co.accounts = (uint64_t)v;
			break;
		case OPT_COORD:
			if (num("--coordinated", optarg, 0, 0x7fffffffL, &v))
				return CLI_EXIT_USAGE;
			co.coordinated = (uint64_t)v;
			break;
		case OPT_GROUPS:
			if (num("--groups", optarg, 1, 1000, &v))
				return CLI_EXIT_USAGE;
			co.groups = (int)v;
			break;
		case OPT_OBJECTS:
			if (num("--objects", optarg, 1, 0x7fffffffL, &v))
				return CLI_EXIT_USAGE;
			co.objects = (uint64_t)v;
			break;
		case OPT_WINDOW:
			if (num("--window", optarg, 1, 86400, &v))
				return CLI_EXIT_USAGE;
			co.window = (int)v;
			break;
		case OPT_PAIRS:
			if (parse_range("--pair-shares", optarg, &co.pair_min,
					&co.pair_max))
				return CLI_EXIT_USAGE;
			break;
		case OPT_ORGANIC:
			if (num("--organic-shares", optarg, 1, 1000, &v))
				return CLI_EXIT_USAGE;
			co.organic_median = (double)v;
			break;
		case OPT_DAYS:
			if (num("--days", optarg, 1, 3650, &v))
				return CLI_EXIT_USAGE;
			co.days = (int)v;
			break;
		case OPT_SEED:
			if (num("--seed", optarg, 0, 0x7fffffffL, &v))
				return CLI_EXIT_USAGE;
			co.seed = (unsigned long)v;
			break;
		case OPT_START: {
			int64_t t;
			int mo = 0;

			if (strlen(optarg) != 10 ||
			    timefmt_parse_iso(optarg, 10, &t, &mo) || t % 86400)
				return cli_usage_error(
					"synth", "--start: '%s' is not a date "
						 "YYYY-MM-DD", optarg);
			co.start_day = t / 86400;
			break;
		}
		case 'h':
			fputs(usage_text, stdout);
			return CLI_EXIT_OK;
		default:
			fprintf(stderr, "try 'cibscan synth --help'\n");
			return CLI_EXIT_USAGE;
		}
	}
	if (optind < argc)
		return cli_usage_error("synth", "unexpected argument '%s'",
				       argv[optind]);
	if (!dir)
		return cli_usage_error("synth", "no output directory (-o DIR)");
	if (cosim_check(&co, err, sizeof(err)))
		return cli_usage_error("synth", "%s", err);
	if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
		cli_error("cannot create '%s': %s", dir, strerror(errno));
		return CLI_EXIT_SYSTEM;
	}
	e = cosim_write(&co, dir, &cs, err, sizeof(err));
	if (e) {
		cli_error("%s", err);
		return cli_exit_for(e);
	}
	printf("wrote %llu accounts and %llu shares to %s (coordinated %llu "
	       "in %d groups, %llu planted pairs, %llu planted co-shares)\n",
	       (unsigned long long)cs.accounts, (unsigned long long)cs.shares,
	       dir, (unsigned long long)cs.coordinated, cs.groups,
	       (unsigned long long)cs.planted_pairs,
	       (unsigned long long)cs.planted_coshares);
	return CLI_EXIT_OK;
}
