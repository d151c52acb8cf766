/* synth_modes.c - 'cibscan synth --cosharing' and the other modes that
 * live under synth/: parses their options and calls the generator. The
 * default archive generator (no mode option) stays in cmd_synth.c, so its
 * options and output are untouched. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "cli.h"
#include "core/timefmt.h"
#include "synth/cosim.h"
#include "synth/modes.h"
#include "synth_modes.h"

static const char usage_text[] =
	"usage: cibscan synth --cosharing -o DIR [options]\n"
	"       cibscan synth --stealth | --sparse | --platforms LIST | --mix"
	" -o DIR [options]\n\n"
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
	"  --lookalikes            add contest-hunter and advocacy crowds\n"
	"  --days D                length of the window (default 4)\n"
	"  --start YYYY-MM-DD      first day (default 2019-04-01)\n"
	"  --seed S                random seed (default 1)\n"
	"  -h, --help              this help\n\n"
	"Harder operations among organic look-alikes (advocacy crowds, contest\n"
	"hunters, news aggregator bots, friend groups, partisans). Writes\n"
	"DIR/posts.jsonl (X, normalised JSONL) or DIR/x.jsonl (X API v2),\n"
	"DIR/mastodon.jsonl, DIR/bluesky.jsonl (one per platform) and\n"
	"DIR/truth.csv (account_id,role,group_id,platform,kind).\n"
	"  --stealth               paraphrasing networks on office shifts "
	"(180 days)\n"
	"  --sparse                networks posting 4-20 times in 730 days\n"
	"  --platforms LIST        one operation on x,mastodon,bluesky (120 "
	"days)\n"
	"  --mix                   all of them in one run (365 days)\n"
	"  --networks K            operations of the mode's kind\n"
	"  --organic N             ordinary people (default 3000-5000)\n"
	"  --scale F               multiplies every group's size (default 1)\n"
	"  --format jsonl|xapi     shape of the X file\n"
	"  --no-lookalikes         leave the organic look-alikes out\n"
	"  --days, --start, --seed as above (start default 2022-03-01)\n";

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
	OPT_STEALTH,
	OPT_SPARSE,
	OPT_PLATFORMS,
	OPT_MIX,
	OPT_NETWORKS,
	OPT_ORGPEOPLE,
	OPT_SCALE,
	OPT_FORMAT,
	OPT_NOLA,
	OPT_LA,
};

static const char *const mode_flags[] = { "--cosharing", "--stealth",
					  "--sparse", "--platforms",
					  "--mix" };

int synth_modes_wanted(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return 0;
		for (size_t k = 0; k < sizeof(mode_flags) / sizeof(*mode_flags);
		     k++)
			if (strcmp(argv[i], mode_flags[k]) == 0 ||
			    (strncmp(argv[i], mode_flags[k],
				     strlen(mode_flags[k])) == 0 &&
			     argv[i][strlen(mode_flags[k])] == '='))
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

static int run_modes(struct modes_opts *mo, int mode, unsigned plat,
		     int cos_only, const char *dir)
{
	struct modes_stats ms;
	char err[512];
	enum cib_err e;
	struct modes_opts o;

	if (cos_only)
		return cli_usage_error("synth", "--accounts, --coordinated, "
						"--groups, --objects, --window, "
						"--pair-shares, --organic-shares "
						"and --lookalikes apply to "
						"--cosharing only");
	modes_opts_init(&o, (enum smode)mode);
	o.networks = mo->networks;
	o.organic = mo->organic;
	o.days = mo->days;
	if (mo->start_day >= 0)
		o.start_day = mo->start_day;
	o.seed = mo->seed;
	o.xfmt = mo->xfmt;
	o.lookalikes = mo->lookalikes;
	o.scale = mo->scale;
	if (plat)
		o.platforms = plat;
	if (modes_check(&o, err, sizeof(err)))
		return cli_usage_error("synth", "%s", err);
	if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
		cli_error("cannot create '%s': %s", dir, strerror(errno));
		return CLI_EXIT_SYSTEM;
	}
	e = modes_write(&o, dir, &ms, err, sizeof(err));
	if (e) {
		cli_error("%s", err);
		return cli_exit_for(e);
	}
	printf("wrote %llu accounts and %llu posts to %s (cib %llu in %d "
	       "operations; x %llu, mastodon %llu, bluesky %llu accounts)\n",
	       (unsigned long long)ms.accounts, (unsigned long long)ms.posts,
	       dir, (unsigned long long)ms.cib, ms.networks,
	       (unsigned long long)ms.by_plat[SP_X],
	       (unsigned long long)ms.by_plat[SP_MASTODON],
	       (unsigned long long)ms.by_plat[SP_BLUESKY]);
	return CLI_EXIT_OK;
}

/* The command line's parts: one mode, and the options of the two
 * generators it may go to. */
struct sm_args {
	struct cosim_opts co;
	struct modes_opts mo;
	int mode, nmodes, cos_only, modes_only;
	unsigned plat;
	const char *dir;
};

/* An option of the harder modes (synth/modes.c). */
static int sm_option_modes(struct sm_args *a, int c)
{
	long v;

	switch (c) {
	case OPT_PLATFORMS:
		a->plat = modes_parse_platforms(optarg);
		if (!a->plat)
			return cli_usage_error(
				"synth", "--platforms: '%s' is not a "
					 "list of x, mastodon, bluesky",
				optarg);
		a->modes_only = 1;
		return -1;
	case OPT_NETWORKS:
		if (num("--networks", optarg, 0, 20, &v))
			return CLI_EXIT_USAGE;
		a->mo.networks = (int)v;
		a->modes_only = 1;
		return -1;
	case OPT_ORGPEOPLE:
		if (num("--organic", optarg, 0, 5000000, &v))
			return CLI_EXIT_USAGE;
		a->mo.organic = v;
		a->modes_only = 1;
		return -1;
	case OPT_SCALE: {
		char *end;
		double d;

		errno = 0;
		d = strtod(optarg, &end);
		if (errno || end == optarg || *end || d < 0.05 || d > 20)
			return cli_usage_error(
				"synth", "--scale: '%s' is not a number "
					 "in 0.05..20", optarg);
		a->mo.scale = d;
		a->modes_only = 1;
		return -1;
	}
	case OPT_FORMAT:
		if (strcmp(optarg, "jsonl") == 0)
			a->mo.xfmt = SF_JSONL;
		else if (strcmp(optarg, "xapi") == 0)
			a->mo.xfmt = SF_XAPI;
		else
			return cli_usage_error(
				"synth", "--format: '%s' is not jsonl "
					 "or xapi", optarg);
		a->modes_only = 1;
		return -1;
	case OPT_NOLA:
		a->mo.lookalikes = 0;
		a->modes_only = 1;
		return -1;
	default:
		return -1;
	}
}

/* An option of the co-sharing benchmark (synth/cosim.c). */
static int sm_option_cosim(struct sm_args *a, int c)
{
	long v;

	switch (c) {
	case OPT_LA:
		a->co.lookalikes = 1;
		a->cos_only = 1;
		return -1;
	case OPT_ACCOUNTS:
		a->cos_only = 1;
		if (num("--accounts", optarg, 1, 0x7fffffffL, &v))
			return CLI_EXIT_USAGE;
		a->co.accounts = (uint64_t)v;
		return -1;
	case OPT_COORD:
		a->cos_only = 1;
		if (num("--coordinated", optarg, 0, 0x7fffffffL, &v))
			return CLI_EXIT_USAGE;
		a->co.coordinated = (uint64_t)v;
		return -1;
	case OPT_GROUPS:
		a->cos_only = 1;
		if (num("--groups", optarg, 1, 1000, &v))
			return CLI_EXIT_USAGE;
		a->co.groups = (int)v;
		return -1;
	case OPT_OBJECTS:
		a->cos_only = 1;
		if (num("--objects", optarg, 1, 0x7fffffffL, &v))
			return CLI_EXIT_USAGE;
		a->co.objects = (uint64_t)v;
		return -1;
	case OPT_WINDOW:
		a->cos_only = 1;
		if (num("--window", optarg, 1, 86400, &v))
			return CLI_EXIT_USAGE;
		a->co.window = (int)v;
		return -1;
	case OPT_PAIRS:
		a->cos_only = 1;
		if (parse_range("--pair-shares", optarg, &a->co.pair_min,
				&a->co.pair_max))
			return CLI_EXIT_USAGE;
		return -1;
	case OPT_ORGANIC:
		a->cos_only = 1;
		if (num("--organic-shares", optarg, 1, 1000, &v))
			return CLI_EXIT_USAGE;
		a->co.organic_median = (double)v;
		return -1;
	default:
		return -1;
	}
}

/* Applies option c (optarg its value): -1 to go on, else the exit code.
 * The mode, the shared options and --help here; the options of one
 * generator in sm_option_modes() and sm_option_cosim(). */
static int sm_option(struct sm_args *a, int c)
{
	long v;

	switch (c) {
	case 'o':
		a->dir = optarg;
		return -1;
	case OPT_COSHARING:
		a->mode = 100;
		a->nmodes++;
		return -1;
	case OPT_STEALTH:
		a->mode = SM_STEALTH;
		a->nmodes++;
		return -1;
	case OPT_SPARSE:
		a->mode = SM_SPARSE;
		a->nmodes++;
		return -1;
	case OPT_MIX:
		a->mode = SM_MIX;
		a->nmodes++;
		return -1;
	case OPT_PLATFORMS: case OPT_NETWORKS: case OPT_ORGPEOPLE:
	case OPT_SCALE: case OPT_FORMAT: case OPT_NOLA:
		return sm_option_modes(a, c);
	case OPT_LA: case OPT_ACCOUNTS: case OPT_COORD: case OPT_GROUPS:
	case OPT_OBJECTS: case OPT_WINDOW: case OPT_PAIRS: case OPT_ORGANIC:
		return sm_option_cosim(a, c);
	case OPT_DAYS:
		if (num("--days", optarg, 1, 3650, &v))
			return CLI_EXIT_USAGE;
		a->co.days = (int)v;
		a->mo.days = (int)v;
		return -1;
	case OPT_SEED:
		if (num("--seed", optarg, 0, 0x7fffffffL, &v))
			return CLI_EXIT_USAGE;
		a->co.seed = (unsigned long)v;
		a->mo.seed = (unsigned long)v;
		return -1;
	case OPT_START: {
		int64_t t;
		int minutes = 0;

		if (strlen(optarg) != 10 ||
		    timefmt_parse_iso(optarg, 10, &t, &minutes) ||
		    t % 86400)
			return cli_usage_error(
				"synth", "--start: '%s' is not a date "
					 "YYYY-MM-DD", optarg);
		a->co.start_day = t / 86400;
		a->mo.start_day = t / 86400;
		return -1;
	}
	case 'h':
		fputs(usage_text, stdout);
		return CLI_EXIT_OK;
	default:
		fprintf(stderr, "try 'cibscan synth --help'\n");
		return CLI_EXIT_USAGE;
	}
}

/* --cosharing: the co-sharing benchmark (synth/cosim.c). */
static int run_cosharing(struct cosim_opts *cop, const char *dir)
{
	struct cosim_stats cs;
	char err[512];
	enum cib_err e;

	if (cosim_check(cop, err, sizeof(err)))
		return cli_usage_error("synth", "%s", err);
	if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
		cli_error("cannot create '%s': %s", dir, strerror(errno));
		return CLI_EXIT_SYSTEM;
	}
	e = cosim_write(cop, dir, &cs, err, sizeof(err));
	if (e) {
		cli_error("%s", err);
		return cli_exit_for(e);
	}
	printf("wrote %llu accounts and %llu shares to %s (coordinated %llu "
	       "in %d groups, %llu planted pairs, %llu planted co-shares",
	       (unsigned long long)cs.accounts, (unsigned long long)cs.shares,
	       dir, (unsigned long long)cs.coordinated, cs.groups,
	       (unsigned long long)cs.planted_pairs,
	       (unsigned long long)cs.planted_coshares);
	if (cop->lookalikes)
		printf("; contest %llu, advocacy %llu",
		       (unsigned long long)cs.contest,
		       (unsigned long long)cs.advocacy);
	printf(")\n");
	return CLI_EXIT_OK;
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
		{ "stealth", no_argument, NULL, OPT_STEALTH },
		{ "sparse", no_argument, NULL, OPT_SPARSE },
		{ "platforms", required_argument, NULL, OPT_PLATFORMS },
		{ "mix", no_argument, NULL, OPT_MIX },
		{ "networks", required_argument, NULL, OPT_NETWORKS },
		{ "organic", required_argument, NULL, OPT_ORGPEOPLE },
		{ "scale", required_argument, NULL, OPT_SCALE },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "no-lookalikes", no_argument, NULL, OPT_NOLA },
		{ "lookalikes", no_argument, NULL, OPT_LA },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct sm_args a;
	int c, rc;

	memset(&a, 0, sizeof(a));
	cosim_opts_init(&a.co);
	modes_opts_init(&a.mo, SM_STEALTH);
	a.mo.start_day = -1;
	a.mode = -1;
	optind = 1;
	while ((c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1)
		if ((rc = sm_option(&a, c)) >= 0)
			return rc;
	if (optind < argc)
		return cli_usage_error("synth", "unexpected argument '%s'",
				       argv[optind]);
	if (!a.dir)
		return cli_usage_error("synth", "no output directory (-o DIR)");
	if (a.nmodes == 0 && a.plat) {
		a.mode = SM_PLATFORMS;
		a.nmodes = 1;
	}
	if (a.nmodes != 1)
		return cli_usage_error("synth", "--cosharing, --stealth, --sparse,"
						" and --mix exclude each other; "
						"--platforms alone is a mode, "
						"with another it picks its "
						"platforms");
	if (a.mode != 100)
		return run_modes(&a.mo, a.mode, a.plat, a.cos_only, a.dir);
	if (a.modes_only)
		return cli_usage_error("synth", "--platforms, --networks, "
						"--organic, --scale, --format and "
						"--no-lookalikes do not apply to "
						"--cosharing");
	return run_cosharing(&a.co, a.dir);
}
