/* cmd_sites.c - 'cibscan sites': website networks from web crawls (WARC).
 *
 * Reads every record of every file (collectors/warc), parses the HTML of
 * successful response and resource records (features/htmlpage), folds the
 * pages into per-site summaries and runs the network test (model/sites).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "collectors/warc.h"
#include "commands.h"
#include "features/htmlpage.h"
#include "features/langdetect.h"
#include "model/sites.h"
#include "sitesrun.h"

static const char usage_text[] =
	"usage: cibscan sites [options] FILE... -o sites.csv\n\n"
	"Finds networks of websites in web crawls (.warc, .warc.gz): sites\n"
	"that share traits of several independent kinds (analytics and ad\n"
	"ids, template, hosting block, near-identical articles, links to each\n"
	"other) more than their frequency in the crawl explains. One row per\n"
	"site; docs/sites.md describes the test and every column.\n\n"
	"options:\n"
	"  -o, --output FILE    per-site table (default '-', stdout)\n"
	"  --json               write the sites and clusters as one JSON\n"
	"                       document instead of CSV\n"
	"  --clusters FILE      one row per flagged network\n"
	"  --alpha A            family-wise error level of the flags (Holm over\n"
	"                       the sites; default 0.05)\n"
	"  --min-kinds K        independent kinds of shared trait a network\n"
	"                       needs (default 3, of 5)\n"
	"  --require-content    flag only sites whose shared articles are among\n"
	"                       their kinds (shared infrastructure alone can be\n"
	"                       open common ownership); fewer networks found\n"
	"  --df-max N           traits held by more sites are too common to\n"
	"                       link sites (default 256)\n"
	"  --max-pages N        pages read per site (default 50)\n"
	"  --max-record BYTES   largest WARC record kept (default 64M)\n"
	"  --strict             stop at the first malformed record\n"
	"  --read-only          read and decode every record, parse no HTML,\n"
	"                       detect nothing: checks a crawl, measures reading\n"
	"  -q, --quiet          no summary on stderr\n"
	"  -h, --help           this help\n";

struct sites_write {
	const struct sites *s;
	int what; /* 0 csv, 1 json, 2 clusters */
};

static enum cib_err w_sites(FILE *f, void *ctx, char *msg, size_t len)
{
	const struct sites_write *w = ctx;

	(void)msg;
	(void)len;
	if (w->what == 1)
		return sites_write_json(w->s, f);
	if (w->what == 2)
		return sites_write_clusters(w->s, f);
	return sites_write_csv(w->s, f);
}

/* The command line of 'cibscan sites'. */
struct sites_args {
	const char *out, *clusters;
	int json, strict, quiet, read_only;
	struct sites_opts so;
	struct warc_opts wo;
};

/* argv into a: 0, -1 after --help, or the exit code of a usage error. */
static int sites_parse_args(int argc, char **argv, struct sites_args *a)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "json", no_argument, NULL, 'j' },
		{ "clusters", required_argument, NULL, 'c' },
		{ "alpha", required_argument, NULL, 'a' },
		{ "min-kinds", required_argument, NULL, 'k' },
		{ "df-max", required_argument, NULL, 'd' },
		{ "max-pages", required_argument, NULL, 'p' },
		{ "max-record", required_argument, NULL, 'r' },
		{ "strict", no_argument, NULL, 'S' },
		{ "read-only", no_argument, NULL, 'R' },
		{ "require-content", no_argument, NULL, 'I' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	long v;
	double d;
	int c;

	memset(a, 0, sizeof(*a));
	a->out = "-";
	sites_opts_init(&a->so);
	warc_opts_init(&a->wo);
	optind = 1;
	while ((c = getopt_long(argc, argv, "ho:q", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			a->out = optarg;
			break;
		case 'j':
			a->json = 1;
			break;
		case 'c':
			a->clusters = optarg;
			break;
		case 'a':
			if (cli_parse_double(optarg, &d) || !(d > 0 && d < 1))
				return cli_usage_error("sites", "bad --alpha '%s'",
						       optarg);
			a->so.alpha = d;
			break;
		case 'k':
			if (cli_parse_long(optarg, &v) || v < 1 || v > SK__COUNT)
				return cli_usage_error(
					"sites", "--min-kinds must be 1 to %d",
					SK__COUNT);
			a->so.min_kinds = (int)v;
			break;
		case 'd':
			if (cli_parse_long(optarg, &v) || v < 2 || v > 100000)
				return cli_usage_error("sites", "bad --df-max '%s'",
						       optarg);
			a->so.df_max = (size_t)v;
			break;
		case 'p':
			if (cli_parse_long(optarg, &v) || v < 1 || v > 1000000)
				return cli_usage_error("sites",
						       "bad --max-pages '%s'",
						       optarg);
			a->so.max_pages = (size_t)v;
			break;
		case 'r': {
			size_t sz;

			if (cli_parse_size(optarg, &sz) || sz < 1024)
				return cli_usage_error("sites",
						       "bad --max-record '%s'",
						       optarg);
			a->wo.max_record = sz;
			break;
		}
		case 'S':
			a->strict = 1;
			break;
		case 'R':
			a->read_only = 1;
			break;
		case 'I':
			a->so.require_content = 1;
			break;
		case 'q':
			a->quiet = 1;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return -1;
		default:
			fprintf(stderr, "try 'cibscan sites --help'\n");
			return CLI_EXIT_USAGE;
		}
	}
	if (optind >= argc)
		return cli_usage_error("sites", "no input files");
	return 0;
}

/* The tables, then (unless quiet) the summary line and the diagnostics. */
static int sites_write_results(const struct sites_args *a,
			       const struct sites *s,
			       const struct warc_read_stats *rs,
			       struct diag *dg)
{
	struct sites_write w = { s, a->json ? 1 : 0 }, wc = { s, 2 };
	/* all or none, as score's outputs */
	const struct cli_output outs[] = { { a->out, w_sites, &w },
					   { a->clusters, w_sites, &wc } };
	int rc = cli_write_files(outs, 2);

	if (!a->quiet) {
		size_t nf = 0;

		for (size_t i = 0; i < s->n_sites; i++)
			nf += s->site[i].flagged;
		fprintf(stderr,
			"cibscan: %llu records, %llu HTML pages, %zu sites; "
			"%llu candidate pairs, %zu networks, %zu sites flagged\n",
			(unsigned long long)rs->records,
			(unsigned long long)rs->pages, s->n_sites,
			(unsigned long long)s->n_candidate_pairs, s->n_groups, nf);
		cli_diag_summary(dg);
	}
	return rc;
}

/* Reads every crawl, detects and writes, with one cleanup path. */
int cmd_sites(int argc, char **argv)
{
	struct sites_args a;
	int rc = sites_parse_args(argc, argv, &a);
	struct sites s;
	struct htmlpage pg;
	struct langdetect ld;
	struct diag *dg;
	struct warc_read_stats rs = { 0, 0, 0, 0, 0 };
	enum cib_err err;
	int have_ld;

	if (rc)
		return rc < 0 ? CLI_EXIT_OK : rc;
	dg = malloc(sizeof(*dg));
	if (!dg) {
		cli_error("%s", cib_strerror(CIB_ENOMEM));
		return CLI_EXIT_SYSTEM;
	}
	diag_init(dg, a.strict);
	rs.read_only = a.read_only;
	sites_init(&s, &a.so);
	htmlpage_init(&pg);
	have_ld = langdetect_init_in(&ld, LANGDETECT_FP_DIR, cli_tmpdir()) ==
		  CIB_OK;
	if (!have_ld && !a.quiet)
		cli_warn("language detection unavailable: %s", ld.errmsg);
	for (int i = optind; i < argc && rc == CLI_EXIT_OK; i++)
		rc = cli_warc_read(argv[i], &a.wo, dg, &s, &pg,
				   have_ld ? &ld : NULL, &rs);
	if (rc)
		goto out;
	if (a.read_only) {
		printf("records=%llu input_bytes=%llu body_bytes=%llu "
		       "malformed=%llu\n",
		       (unsigned long long)rs.records,
		       (unsigned long long)rs.bytes_in,
		       (unsigned long long)rs.body_bytes,
		       (unsigned long long)dg->n_bad);
		if (!a.quiet)
			cli_diag_summary(dg);
		goto out;
	}
	err = sites_detect(&s);
	if (err) {
		cli_error("%s", cib_strerror(err));
		rc = cli_exit_for(err);
		goto out;
	}
	rc = sites_write_results(&a, &s, &rs, dg);
out:
	langdetect_release(&ld);
	htmlpage_release(&pg);
	sites_release(&s);
	free(dg);
	return rc;
}
