/* cmd_synth.c - 'cibscan synth': writes a synthetic IO-archive export with
 * ground truth (synth/generate.h does the work). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "synth/generate.h"
#include "core/timefmt.h"
#include "synth_modes.h"

static const char usage_text[] =
	"usage: cibscan synth -o DIR [options]\n\n"
	"Writes a synthetic X/Twitter information-operations archive with\n"
	"ground truth: DIR/tweets.csv (31 archive columns), DIR/users.csv and\n"
	"DIR/truth.csv (account_id,role,group_id; role is organic, cib, news,\n"
	"fan, office or viral). Organic people, CIB networks working Beijing\n"
	"office shifts, and organic look-alikes (news syndication, fan\n"
	"campaigns, UTC+8 office accounts, viral cascades). Same options and\n"
	"seed give the same bytes. See docs/synth.md.\n\n"
	"options:\n"
	"  -o, --output DIR           directory to write (created if missing)\n"
	"  --accounts N               accounts (default 2000)\n"
	"  --posts N                  posts, exactly (default 100000)\n"
	"  --networks K               CIB networks (default 3; 0 for none)\n"
	"  --seed S                   random seed (default 1)\n"
	"  --start YYYY-MM-DD         first day of the window (default "
	"2019-04-01)\n"
	"  --days D                   length of the window (default 120)\n"
	"  --no-network-reposts       networks never retweet each other\n"
	"  --network-reposts-only     networks only retweet, never copy texts\n"
	"  --gzip                     write tweets.csv.gz and users.csv.gz\n"
	"  --cosharing                the co-sharing benchmark instead "
	"(see\n"
	"                             'cibscan synth --cosharing --help')\n"
	"  -h, --help                 this help\n";

enum {
	OPT_ACCOUNTS = 0x2001,
	OPT_POSTS,
	OPT_NETWORKS,
	OPT_SEED,
	OPT_START,
	OPT_DAYS,
	OPT_NO_REPOSTS,
	OPT_REPOSTS_ONLY,
	OPT_GZIP,
};

static void progress(void *ctx, uint64_t done, uint64_t total)
{
	(void)ctx;
	fprintf(stderr, "\rcibscan synth: %llu/%llu accounts",
		(unsigned long long)done, (unsigned long long)total);
}

static int parse_count(const char *opt, const char *arg, long lo, long hi,
		       long *out)
{
	if (cli_parse_long(arg, out) || *out < lo || *out > hi)
		return cli_usage_error("synth", "%s: '%s' is not a number in "
						"%ld..%ld", opt, arg, lo, hi);
	return 0;
}

/* argv into o and *dir: 0, -1 after --help, or the exit code of a
 * usage error. */
static int synth_parse_args(int argc, char **argv, struct synth_opts *o,
			    const char **dir)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "accounts", required_argument, NULL, OPT_ACCOUNTS },
		{ "posts", required_argument, NULL, OPT_POSTS },
		{ "networks", required_argument, NULL, OPT_NETWORKS },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "start", required_argument, NULL, OPT_START },
		{ "days", required_argument, NULL, OPT_DAYS },
		{ "no-network-reposts", no_argument, NULL, OPT_NO_REPOSTS },
		{ "network-reposts-only", no_argument, NULL, OPT_REPOSTS_ONLY },
		{ "gzip", no_argument, NULL, OPT_GZIP },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c, no_rp = 0, rp_only = 0;
	long v;

	synth_opts_init(o);
	*dir = NULL;
	optind = 1;
	while ((c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			*dir = optarg;
			break;
		case OPT_ACCOUNTS:
			if (parse_count("--accounts", optarg, SYNTH_MIN_ACCOUNTS,
					SYNTH_MAX_ACCOUNTS, &v))
				return CLI_EXIT_USAGE;
			o->accounts = (uint64_t)v;
			break;
		case OPT_POSTS:
			if (parse_count("--posts", optarg, 1,
					(long)SYNTH_MAX_POSTS, &v))
				return CLI_EXIT_USAGE;
			o->posts = (uint64_t)v;
			break;
		case OPT_NETWORKS:
			if (parse_count("--networks", optarg, 0,
					SYNTH_MAX_NETWORKS, &v))
				return CLI_EXIT_USAGE;
			o->networks = (int)v;
			break;
		case OPT_SEED:
			if (parse_count("--seed", optarg, 0, 0x7fffffffL, &v))
				return CLI_EXIT_USAGE;
			o->seed = (unsigned long)v;
			break;
		case OPT_DAYS:
			if (parse_count("--days", optarg, 7, SYNTH_MAX_DAYS, &v))
				return CLI_EXIT_USAGE;
			o->days = (int)v;
			break;
		case OPT_START: {
			int64_t t;
			int mo = 0;

			if (strlen(optarg) != 10 ||
			    timefmt_parse_iso(optarg, 10, &t, &mo) || t % 86400)
				return cli_usage_error(
					"synth", "--start: '%s' is not a date "
						 "YYYY-MM-DD", optarg);
			o->start_day = t / 86400;
			break;
		}
		case OPT_NO_REPOSTS:
			no_rp = 1;
			break;
		case OPT_REPOSTS_ONLY:
			rp_only = 1;
			break;
		case OPT_GZIP:
			o->gzip = 1;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return -1;
		default:
			fprintf(stderr, "try 'cibscan synth --help'\n");
			return CLI_EXIT_USAGE;
		}
	}
	if (optind < argc)
		return cli_usage_error("synth", "unexpected argument '%s'",
				       argv[optind]);
	if (!*dir)
		return cli_usage_error("synth", "no output directory (-o DIR)");
	if (no_rp && rp_only)
		return cli_usage_error("synth", "--no-network-reposts and "
						"--network-reposts-only "
						"exclude each other");
	o->reposts = no_rp     ? SYNTH_REPOSTS_NONE
		    : rp_only ? SYNTH_REPOSTS_ONLY
			      : SYNTH_REPOSTS_MIXED;
	return 0;
}

/* Parses, checks, then one generator call (the harder modes go to
 * synth_modes_main). */
int cmd_synth(int argc, char **argv)
{
	struct synth_opts o;
	struct synth_stats st;
	const char *dir = NULL;
	char err[512];
	int rc;
	enum cib_err e;

	if (synth_modes_wanted(argc, argv))
		return synth_modes_main(argc, argv);
	rc = synth_parse_args(argc, argv, &o, &dir);
	if (rc)
		return rc < 0 ? CLI_EXIT_OK : rc;
	if (synth_check(&o, err, sizeof(err)))
		return cli_usage_error("synth", "%s", err);
	if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
		cli_error("cannot create '%s': %s", dir, strerror(errno));
		return CLI_EXIT_SYSTEM;
	}
	if (cli_progress()) {
		o.progress = progress;
		o.progress_ctx = NULL;
	}
	e = synth_write(&o, dir, &st, err, sizeof(err));
	if (o.progress)
		fputc('\n', stderr);
	if (e) {
		cli_error("%s", err);
		return cli_exit_for(e);
	}
	printf("wrote %llu accounts and %llu posts to %s "
	       "(cib %llu, news %llu, fan %llu, office %llu, viral %llu)\n",
	       (unsigned long long)st.accounts, (unsigned long long)st.posts,
	       dir, (unsigned long long)st.by_role[SYNTH_CIB],
	       (unsigned long long)st.by_role[SYNTH_NEWS],
	       (unsigned long long)st.by_role[SYNTH_FAN],
	       (unsigned long long)st.by_role[SYNTH_OFFICE],
	       (unsigned long long)st.by_role[SYNTH_VIRAL]);
	return CLI_EXIT_OK;
}
