/* cmd_collect.c - 'cibscan collect': fetch account histories, hashtags or
 * searches from platform APIs into JSONL the file readers take back.
 *
 * The library (fetch/fetch, http, checkpoint) does the work and never
 * prints; this file parses argv, reads tokens from the environment (never
 * from argv, so they stay out of `ps` and shell history), installs the
 * SIGINT/SIGTERM handler that lets a run stop at a safe point, and shows
 * progress on stderr when it is a terminal.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "fetch/fetch.h"
#include "fetch/http.h"
#include "core/timefmt.h"
#include "commands.h"
#include "core/textsafe.h"

static const char usage_text[] =
	"usage: cibscan collect PLATFORM TARGET [options] -o FILE\n\n"
	"Fetches posts from a platform API and appends them to FILE as the\n"
	"platform's own JSON (one API page per line; Mastodon: one status per\n"
	"line), so 'cibscan score FILE' reads them like any export. A run that\n"
	"stops (Ctrl-C, kill, network loss) continues with --resume, without\n"
	"duplicates or gaps.\n\n"
	"platforms and targets:\n"
	"  mastodon --instance URL (--account ID | --public | --tag TAG)\n"
	"  bluesky  (--actor HANDLE_OR_DID | --query Q)\n"
	"  x        (--user ID | --query Q)\n"
	"  reddit   (--user NAME | --subreddit NAME)\n"
	"  --accounts-from FILE  every account in FILE instead of one: ids one\n"
	"                        per line, or the CSV 'cibscan flag' writes\n"
	"                        (rows of this platform; Reddit uses handle)\n\n"
	"options:\n"
	"  -o, --output FILE     output JSONL (required); FILE.ckpt keeps the\n"
	"                        resume state\n"
	"  --resume              continue the interrupted run that wrote FILE\n"
	"  --force               overwrite an existing FILE\n"
	"  --since TIME          only items at or after TIME (ISO 8601, UTC)\n"
	"  --until TIME          only items before TIME\n"
	"  --max-items N         stop after N items (X pages hold at least 5)\n"
	"  --max-pages N         pages per account or query (default 100000)\n"
	"  --retries N           retries of one request on 5xx, timeouts and\n"
	"                        malformed answers (default 5)\n"
	"  --max-wait SECONDS    longest single sleep for a rate limit or a\n"
	"                        backoff (default 900)\n"
	"  --backoff SECONDS     first backoff ceiling, doubled per retry up to\n"
	"                        60 (default 1)\n"
	"  --timeout SECONDS     longest request (default 120); a transfer\n"
	"                        stalled for 30 s (or SECONDS) also fails\n"
	"  --max-body BYTES      largest response accepted (default 64M)\n"
	"  --cacert FILE         trust this PEM CA bundle (private CAs); TLS\n"
	"                        verification is always on\n"
	"  --user-agent STRING   User-Agent header (Reddit asks for a\n"
	"                        descriptive one)\n"
	"  --base-url URL        API base URL, for testing and private\n"
	"                        deployments (also CIBSCAN_<PLATFORM>_BASE_URL);\n"
	"                        plain http is allowed only to loopback\n"
	"  --seed N              seed of the backoff jitter\n"
	"  -h, --help            this help\n\n"
	"environment:\n"
	"  CIBSCAN_X_TOKEN         X API v2 bearer token (required for x)\n"
	"  CIBSCAN_REDDIT_TOKEN    Reddit OAuth bearer token (required for reddit)\n"
	"  CIBSCAN_MASTODON_TOKEN  Mastodon access token (optional)\n\n"
	"exit codes: 0 done, 1 the server sent data that cannot be used,\n"
	"2 usage, 3 network or system failure, or interrupted (use --resume)\n";

enum {
	OPT_INSTANCE = 0x2001, OPT_ACCOUNT, OPT_PUBLIC, OPT_TAG, OPT_ACTOR,
	OPT_QUERY, OPT_USER, OPT_SUBREDDIT, OPT_FROM, OPT_RESUME, OPT_FORCE,
	OPT_SINCE, OPT_UNTIL, OPT_MAXITEMS, OPT_MAXPAGES, OPT_RETRIES,
	OPT_MAXWAIT, OPT_BACKOFF, OPT_TIMEOUT, OPT_MAXBODY, OPT_CACERT,
	OPT_UA, OPT_BASE, OPT_SEED,
};

struct collect_opts {
	enum platform platform;
	const char *output, *instance, *base_url, *accounts_from, *cacert;
	const char *user_agent;
	const char *target; /* the single target */
	int mode;           /* enum fetch_mode, -1 unset */
	int n_modes;
	int resume, force;
	struct fetch_opts fo;
	struct http_limits lim;
};

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

struct progress {
	int tty;
	size_t n_targets;
};

static void on_event(void *ud, enum fetch_event ev, const struct fetch_run *r,
		     const char *msg)
{
	const struct progress *p = ud;

	switch (ev) {
	case FETCH_EV_PAGE:
		if (p->tty)
			fprintf(stderr,
				"\rpages %llu  items %llu  target %llu/%zu   ",
				(unsigned long long)r->ck.pages,
				(unsigned long long)r->ck.items,
				(unsigned long long)(r->ck.target <
							     p->n_targets
						     ? r->ck.target + 1
						     : p->n_targets),
				p->n_targets);
		break;
	case FETCH_EV_WAIT:
	case FETCH_EV_RETRY:
		if (p->tty) { /* msg may quote a server's answer */
			fputc('\r', stderr);
			textsafe_fputs(stderr, msg, TEXTSAFE_TERM);
			fputc('\n', stderr);
		}
		break;
	case FETCH_EV_SKIP:
	case FETCH_EV_CAP:
		/* data the user asked for is missing: always say so */
		if (p->tty)
			fputc('\r', stderr);
		cli_warn("%s", msg);
		break;
	}
}

static int set_mode(struct collect_opts *co, int mode, const char *target)
{
	co->mode = mode;
	co->target = target;
	co->n_modes++;
	return 0;
}

/* Which modes a platform accepts, by option. */
static int mode_allowed(enum platform p, int opt)
{
	switch (p) {
	case PLATFORM_MASTODON:
		return opt == OPT_ACCOUNT || opt == OPT_PUBLIC || opt == OPT_TAG;
	case PLATFORM_BLUESKY:
		return opt == OPT_ACTOR || opt == OPT_QUERY;
	case PLATFORM_X:
		return opt == OPT_USER || opt == OPT_QUERY;
	case PLATFORM_REDDIT:
		return opt == OPT_USER || opt == OPT_SUBREDDIT;
	default:
		return 0;
	}
}

static const char *env_token(enum platform p, const char **name)
{
	switch (p) {
	case PLATFORM_X:
		*name = "CIBSCAN_X_TOKEN";
		break;
	case PLATFORM_REDDIT:
		*name = "CIBSCAN_REDDIT_TOKEN";
		break;
	case PLATFORM_MASTODON:
		*name = "CIBSCAN_MASTODON_TOKEN";
		break;
	default:
		*name = NULL;
		return NULL;
	}
	return getenv(*name);
}

static const char *env_base(enum platform p)
{
	switch (p) {
	case PLATFORM_X:
		return getenv("CIBSCAN_X_BASE_URL");
	case PLATFORM_REDDIT:
		return getenv("CIBSCAN_REDDIT_BASE_URL");
	case PLATFORM_MASTODON:
		return getenv("CIBSCAN_MASTODON_BASE_URL");
	case PLATFORM_BLUESKY:
		return getenv("CIBSCAN_BLUESKY_BASE_URL");
	default:
		return NULL;
	}
}

static int parse_time(const char *s, int64_t *t)
{
	return timefmt_parse_iso(s, strlen(s), t, NULL);
}

static int parse_pos_double(const char *s, double *v, double lo, double hi)
{
	return cli_parse_double(s, v) || *v < lo || *v > hi ? -1 : 0;
}

/* One option that limits the requests (window, counts, retries, waits,
 * sizes, user agent, seed) into co: 0, or the exit code of a bad value. */
static int collect_parse_limit(struct collect_opts *co, int c,
			       const char *arg)
{
	long l;
	double d;

	switch (c) {
	case OPT_SINCE:
		if (parse_time(arg, &co->fo.since))
			return cli_usage_error("collect",
					       "bad --since '%s'", arg);
		break;
	case OPT_UNTIL:
		if (parse_time(arg, &co->fo.until))
			return cli_usage_error("collect",
					       "bad --until '%s'", arg);
		break;
	case OPT_MAXITEMS:
		if (cli_parse_long(arg, &l) || l < 1)
			return cli_usage_error("collect",
					       "bad --max-items '%s'",
					       arg);
		co->fo.max_items = (uint64_t)l;
		break;
	case OPT_MAXPAGES:
		if (cli_parse_long(arg, &l) || l < 1)
			return cli_usage_error("collect",
					       "bad --max-pages '%s'",
					       arg);
		co->fo.max_pages = (uint64_t)l;
		break;
	case OPT_RETRIES:
		if (cli_parse_long(arg, &l) || l < 0 || l > 100)
			return cli_usage_error("collect",
					       "bad --retries '%s' "
					       "(0 to 100)",
					       arg);
		co->fo.retries = (int)l;
		break;
	case OPT_MAXWAIT:
		if (parse_pos_double(arg, &co->fo.max_wait, 0, 86400))
			return cli_usage_error("collect",
					       "bad --max-wait '%s'",
					       arg);
		break;
	case OPT_BACKOFF:
		if (parse_pos_double(arg, &co->fo.backoff_base, 0,
				     3600))
			return cli_usage_error("collect",
					       "bad --backoff '%s'",
					       arg);
		break;
	case OPT_TIMEOUT:
		if (parse_pos_double(arg, &d, 1, 86400))
			return cli_usage_error("collect",
					       "bad --timeout '%s'",
					       arg);
		co->lim.timeout_s = (long)d;
		if (co->lim.low_speed_time_s > co->lim.timeout_s)
			co->lim.low_speed_time_s = co->lim.timeout_s;
		if (co->lim.connect_timeout_s > co->lim.timeout_s)
			co->lim.connect_timeout_s = co->lim.timeout_s;
		break;
	case OPT_MAXBODY:
		if (cli_parse_size(arg, &co->lim.max_body) ||
		    co->lim.max_body < 1024)
			return cli_usage_error("collect",
					       "bad --max-body '%s'",
					       arg);
		break;
	case OPT_UA:
		if (strpbrk(arg, "\r\n") || strlen(arg) > 512)
			return cli_usage_error("collect",
					       "bad --user-agent");
		co->user_agent = arg;
		break;
	case OPT_SEED:
		if (cli_parse_long(arg, &l) || l < 0)
			return cli_usage_error("collect",
					       "bad --seed '%s'", arg);
		co->fo.seed = (uint64_t)l;
		break;
	default:
		break;
	}
	return 0;
}

/* The command line into co: the target options here, the limits in
 * collect_parse_limit(). */
static int parse_args(int argc, char **argv, struct collect_opts *co)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "instance", required_argument, NULL, OPT_INSTANCE },
		{ "account", required_argument, NULL, OPT_ACCOUNT },
		{ "public", no_argument, NULL, OPT_PUBLIC },
		{ "tag", required_argument, NULL, OPT_TAG },
		{ "actor", required_argument, NULL, OPT_ACTOR },
		{ "query", required_argument, NULL, OPT_QUERY },
		{ "user", required_argument, NULL, OPT_USER },
		{ "subreddit", required_argument, NULL, OPT_SUBREDDIT },
		{ "accounts-from", required_argument, NULL, OPT_FROM },
		{ "resume", no_argument, NULL, OPT_RESUME },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "since", required_argument, NULL, OPT_SINCE },
		{ "until", required_argument, NULL, OPT_UNTIL },
		{ "max-items", required_argument, NULL, OPT_MAXITEMS },
		{ "max-pages", required_argument, NULL, OPT_MAXPAGES },
		{ "retries", required_argument, NULL, OPT_RETRIES },
		{ "max-wait", required_argument, NULL, OPT_MAXWAIT },
		{ "backoff", required_argument, NULL, OPT_BACKOFF },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "max-body", required_argument, NULL, OPT_MAXBODY },
		{ "cacert", required_argument, NULL, OPT_CACERT },
		{ "user-agent", required_argument, NULL, OPT_UA },
		{ "base-url", required_argument, NULL, OPT_BASE },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		if (c >= OPT_ACCOUNT && c <= OPT_SUBREDDIT &&
		    !mode_allowed(co->platform, c)) {
			const char *name = "?";

			for (size_t i = 0; longopts[i].name; i++)
				if (longopts[i].val == c)
					name = longopts[i].name;
			return cli_usage_error("collect",
					       "'%s' does not take --%s",
					       platform_name(co->platform), name);
		}
		switch (c) {
		case 'o':
			co->output = optarg;
			break;
		case OPT_INSTANCE:
			co->instance = optarg;
			break;
		case OPT_ACCOUNT:
		case OPT_ACTOR:
			set_mode(co, FETCH_ACCOUNT, optarg);
			break;
		case OPT_USER:
			set_mode(co, FETCH_ACCOUNT, optarg);
			break;
		case OPT_PUBLIC:
			set_mode(co, FETCH_PUBLIC, "");
			break;
		case OPT_TAG:
			set_mode(co, FETCH_TAG, optarg);
			break;
		case OPT_QUERY:
			set_mode(co, FETCH_QUERY, optarg);
			break;
		case OPT_SUBREDDIT:
			set_mode(co, FETCH_SUBREDDIT, optarg);
			break;
		case OPT_FROM:
			co->accounts_from = optarg;
			break;
		case OPT_RESUME:
			co->resume = 1;
			break;
		case OPT_FORCE:
			co->force = 1;
			break;
		case OPT_CACERT:
			co->cacert = optarg;
			break;
		case OPT_BASE:
			co->base_url = optarg;
			break;
		case OPT_SINCE: case OPT_UNTIL: case OPT_MAXITEMS:
		case OPT_MAXPAGES: case OPT_RETRIES: case OPT_MAXWAIT:
		case OPT_BACKOFF: case OPT_TIMEOUT: case OPT_MAXBODY:
		case OPT_UA: case OPT_SEED:
			if ((rc = collect_parse_limit(co, c, optarg)))
				return rc;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return -1;
		default:
			fprintf(stderr, "try 'cibscan collect --help'\n");
			return CLI_EXIT_USAGE;
		}
	}
	if (optind < argc)
		return cli_usage_error("collect", "unexpected argument '%s'",
				       argv[optind]);
	return 0;
}

static int check_args(struct collect_opts *co)
{
	if (!co->output)
		return cli_usage_error("collect", "no output file (-o FILE)");
	if (strcmp(co->output, "-") == 0)
		return cli_usage_error("collect",
				       "output must be a file (it is appended "
				       "to and resumed)");
	if (co->n_modes > 1)
		return cli_usage_error("collect",
				       "give one of the target options");
	if (co->accounts_from) {
		if (co->n_modes && co->mode != FETCH_ACCOUNT)
			return cli_usage_error("collect",
					       "--accounts-from lists accounts; "
					       "it cannot be combined with a "
					       "query, tag or timeline");
		if (co->n_modes)
			return cli_usage_error("collect",
					       "give one account or "
					       "--accounts-from, not both");
		co->mode = FETCH_ACCOUNT;
	} else if (!co->n_modes) {
		return cli_usage_error("collect", "nothing to fetch: give a "
				       "target (see 'cibscan collect --help')");
	}
	if (co->mode != FETCH_PUBLIC && co->target && !co->target[0])
		return cli_usage_error("collect", "empty target");
	if (co->fo.since != TIME_NONE && co->fo.until != TIME_NONE &&
	    co->fo.since >= co->fo.until)
		return cli_usage_error("collect", "--since must be before --until");
	if (co->platform == PLATFORM_MASTODON) {
		if (!co->base_url)
			co->base_url = co->instance ? co->instance
						    : env_base(co->platform);
		if (!co->base_url)
			return cli_usage_error("collect",
					       "mastodon needs --instance URL");
	} else {
		if (co->instance)
			return cli_usage_error("collect",
					       "--instance is for mastodon");
		if (!co->base_url)
			co->base_url = env_base(co->platform);
		if (!co->base_url)
			co->base_url = fetch_default_base(co->platform);
	}
	return 0;
}

static int prepare_output(const struct collect_opts *co)
{
	struct stat sb;

	if (co->resume || co->force)
		return 0;
	if (stat(co->output, &sb) == 0) {
		cli_error("'%s' exists; use --resume to continue the run that "
			  "wrote it, or --force to start again",
			  co->output);
		return CLI_EXIT_USAGE;
	}
	return 0;
}

/* The HTTP client for the run: user agent, token (sent to host only),
 * CA bundle. 0, or an exit code with nothing left to release. */
static int client_setup(struct http_client *http, const struct collect_opts *co,
			const char *tok, const char *tok_name, const char *host)
{
	const char *ua;
	enum cib_err e = CIB_OK;

	ua = co->user_agent ? co->user_agent
	     : co->platform == PLATFORM_REDDIT
		     ? "cli:cibscan:v0.1.0 (coordinated-behaviour research)"
		     : "cibscan/0.1.0 (coordinated-behaviour research)";
	if (http_client_init(http, &co->lim, ua)) {
		cli_error("cannot initialise libcurl");
		return CLI_EXIT_SYSTEM;
	}
	if (tok)
		e = http_client_set_token(http, tok, host);
	if (!e && co->cacert)
		e = http_client_set_cacert(http, co->cacert);
	if (e) {
		cli_error(e == CIB_EUSAGE ? "%s holds an invalid token"
					  : "out of memory%s",
			  e == CIB_EUSAGE ? tok_name : "");
		http_client_release(http);
		return cli_exit_for(e);
	}
	return 0;
}

/* What the finished, failed or interrupted run tells the user, and its
 * exit code. */
static int run_outcome(enum cib_err e, const struct fetch_run *run,
		       const struct collect_opts *co,
		       const struct progress *prog)
{
	int rc;

	if (e) {
		cli_error("%s", run->errmsg);
		if (run->ck.pages)
			fprintf(stderr, "cibscan: %llu pages saved in '%s'; fix "
				"the cause and continue with --resume\n",
				(unsigned long long)run->ck.pages, co->output);
		rc = cli_exit_for(e);
		/* --resume with nothing to resume is a usage mistake */
		if (e == CIB_ENOTFOUND && co->resume)
			rc = CLI_EXIT_USAGE;
	} else if (run->already_done) {
		cli_warn("'%s' is already complete (%llu items); nothing to do",
			 co->output, (unsigned long long)run->ck.items);
		rc = CLI_EXIT_OK;
	} else if (run->interrupted) {
		cli_error("interrupted; %llu pages saved in '%s'; continue with "
			  "--resume",
			  (unsigned long long)run->ck.pages, co->output);
		rc = CLI_EXIT_SYSTEM;
	} else {
		if (prog->tty)
			fprintf(stderr,
				"done: %llu pages, %llu items, %llu rate-limit "
				"waits, %llu retries, %llu skipped\n",
				(unsigned long long)run->ck.pages,
				(unsigned long long)run->ck.items,
				(unsigned long long)run->rate_waits,
				(unsigned long long)run->retries,
				(unsigned long long)run->skipped);
		rc = CLI_EXIT_OK;
	}
	return rc;
}

int cmd_collect(int argc, char **argv)
{
	struct collect_opts co;
	struct fetch_run run;
	struct http_client http;
	struct progress prog;
	struct sigaction sa, old_int, old_term;
	char **list = NULL;
	const char *single[1];
	size_t n_list = 0;
	char host[256], err[512];
	const char *tok, *tok_name;
	char *ckpt = NULL;
	enum cib_err e;
	int rc;

	memset(&co, 0, sizeof(co));
	co.mode = -1;
	fetch_opts_init(&co.fo);
	http_limits_default(&co.lim);
	if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		if (argc >= 2) {
			fputs(usage_text, stdout);
			return CLI_EXIT_OK;
		}
		return cli_usage_error("collect", "no platform given "
				       "(mastodon, bluesky, x or reddit)");
	}
	co.platform = platform_from_name(argv[1]);
	if (co.platform != PLATFORM_X && co.platform != PLATFORM_MASTODON &&
	    co.platform != PLATFORM_BLUESKY && co.platform != PLATFORM_REDDIT)
		return cli_usage_error("collect",
				       "cannot collect from '%s' (mastodon, "
				       "bluesky, x or reddit)",
				       argv[1]);
	rc = parse_args(argc - 1, argv + 1, &co);
	if (rc < 0)
		return CLI_EXIT_OK; /* --help */
	if (rc)
		return rc;
	rc = check_args(&co);
	if (rc)
		return rc;
	co.fo.platform = co.platform;
	co.fo.mode = (enum fetch_mode)co.mode;
	co.fo.base_url = co.base_url;
	if (http_url_check(co.base_url, host, sizeof(host), err, sizeof(err)))
		return cli_usage_error("collect", "bad base URL: %s", err);
	tok = env_token(co.platform, &tok_name);
	if (!tok || !*tok) {
		tok = NULL;
		if (co.platform == PLATFORM_X || co.platform == PLATFORM_REDDIT) {
			cli_error("%s is not set: %s needs a bearer token",
				  tok_name, platform_name(co.platform));
			return CLI_EXIT_USAGE;
		}
	}
	if (co.accounts_from) {
		e = fetch_targets_load(co.accounts_from, co.platform, &list,
				       &n_list, err, sizeof(err));
		if (e) {
			cli_error("%s", err);
			return cli_exit_for(e);
		}
	} else {
		single[0] = co.target;
	}
	rc = prepare_output(&co);
	if (rc)
		goto out_list;
	ckpt = checkpoint_path(co.output);
	if (!ckpt || http_global_init()) {
		cli_error("out of memory");
		rc = CLI_EXIT_SYSTEM;
		goto out_list;
	}
	rc = client_setup(&http, &co, tok, tok_name, host);
	if (rc)
		goto out_global;
	stop_flag = 0;
	http.cancel = &stop_flag;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	/* a second Ctrl-C kills at once: safe, as a resume drops whatever
	 * the last checkpoint does not cover */
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);

	memset(&run, 0, sizeof(run));
	prog.tty = cli_progress();
	prog.n_targets = list ? n_list : 1;
	run.opts = &co.fo;
	run.http = &http;
	run.targets = list ? (const char *const *)list : single;
	run.n_targets = prog.n_targets;
	run.out_path = co.output;
	run.ckpt_path = ckpt;
	run.resume = co.resume;
	run.cancel = &stop_flag;
	run.event = on_event;
	run.ud = &prog;
	e = fetch_run_exec(&run);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	if (prog.tty)
		fputc('\n', stderr);
	rc = run_outcome(e, &run, &co, &prog);
	fetch_run_release(&run);
	http_client_release(&http);
out_global:
	http_global_release();
out_list:
	free(ckpt);
	fetch_targets_free(list, n_list);
	return rc;
}
