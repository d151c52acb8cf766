/* cmd_score.c - 'cibscan score': the main job. Reads exports, scores every
 * account and cluster, writes the accounts table and optional clusters,
 * edges, GraphML and JSON. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "core/clock.h"
#include "report/output.h"
#include "model/siteacc.h"
#include "pipeopts.h"

static const char usage_text[] =
	"usage: cibscan score [options] FILE... -o accounts.csv\n\n"
	"Scores every account for coordinated inauthentic behaviour: builds a\n"
	"coordination graph (co-reposts, copied texts, shared links, hashtag\n"
	"sequences, co-replies) weighted by significance against chance,\n"
	"clusters it, tests each cluster's rhythm, reuse and batching, and\n"
	"writes one row per account, highest score first:\n"
	"  account_id,platform,handle,score,flagged,cluster_id,cluster_size,\n"
	"  cluster_score,headline,reasons\n\n"
	"options:\n"
	"  -o, --output FILE    accounts table (CSV; '-' for stdout)\n"
	"  --json               write the accounts table as JSON instead\n"
	"  --clusters FILE      clusters table (CSV)\n"
	"  --edges FILE         significant edges (CSV)\n"
	"  --graphml FILE       the coordination graph for Gephi (GraphML)\n"
	"  --save FILE          the scored run, for 'explain', 'flag',\n"
	"                       'report', 'features' and 'review import'\n"
	"                       --run FILE without scoring again\n"
	"                       (docs/run.md)\n"
	"  --sites FILE         with a crawl (.warc, .warc.gz) among the\n"
	"                       inputs: the per-site table of 'cibscan sites',\n"
	"                       whose reasons add the account clusters that\n"
	"                       promote each site (docs/sites.md)\n"
	"  --csv-raw            write text cells exactly as read: no quote in\n"
	"                       front of a value starting with = + - @ (the\n"
	"                       spreadsheet-formula guard, docs/outputs.md)\n"
	PIPE_HELP CLI_INPUT_HELP
	"  -h, --help           this help\n";

struct score_out {
	const char *accounts, *clusters, *edges, *graphml, *sites, *save;
	int json, csv_raw;
};

/* what each writer needs: the scored run (the site table: the pipeline's
 * crawl), and for the accounts file the output options */
struct score_write {
	const struct pipeline *p;
	const struct scored_run *run;
	const struct score_out *so;
};

static enum cib_err w_accounts(FILE *f, void *ctx, char *msg, size_t len)
{
	const struct score_write *w = ctx;

	(void)msg;
	(void)len;
	return w->so->json ? output_json(w->run, f, NULL)
			   : output_accounts_csv(w->run, f, w->so->csv_raw);
}

static enum cib_err w_clusters(FILE *f, void *ctx, char *msg, size_t len)
{
	const struct score_write *w = ctx;

	(void)msg;
	(void)len;
	return output_clusters_csv(w->run, f, w->so->csv_raw);
}

static enum cib_err w_edges(FILE *f, void *ctx, char *msg, size_t len)
{
	const struct score_write *w = ctx;

	(void)msg;
	(void)len;
	return output_edges_csv(w->run, f, w->so->csv_raw);
}

static enum cib_err w_sites(FILE *f, void *ctx, char *msg, size_t len)
{
	const struct score_write *w = ctx;

	(void)msg;
	(void)len;
	return sites_write_csv(w->p->sa->s, f);
}

static enum cib_err w_graphml(FILE *f, void *ctx, char *msg, size_t len)
{
	return output_graphml(((const struct score_write *)ctx)->run, f, msg,
			      len);
}

static enum cib_err w_save(FILE *f, void *ctx, char *msg, size_t len)
{
	(void)msg;
	(void)len;
	return run_save(((const struct score_write *)ctx)->run, f);
}

int cmd_score(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "json", no_argument, NULL, 'j' },
		{ "clusters", required_argument, NULL, 'c' },
		{ "edges", required_argument, NULL, 'e' },
		{ "graphml", required_argument, NULL, 'g' },
		{ "csv-raw", no_argument, NULL, 'r' },
		{ "sites", required_argument, NULL, 's' },
		{ "save", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		PIPE_OPTIONS,
		CLI_INPUT_OPTIONS,
		{ 0 },
	};
	struct score_out so = { 0 };
	struct cli_input ci;
	struct pipe_cli pc;
	struct cli_data d;
	struct pipeline p;
	struct score_write sw;
	struct scored_run run;
	double t0;
	int c, rc;

	cli_input_init(&ci);
	pipe_cli_init(&pc);
	optind = 1;
	while ((c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
		int r = pipe_cli_options(&pc, &ci, "score", c, optarg);

		if (r < 0)
			return CLI_EXIT_USAGE;
		if (r > 0)
			continue;
		switch (c) {
		case 'o':
			so.accounts = optarg;
			break;
		case 'j':
			so.json = 1;
			break;
		case 'c':
			so.clusters = optarg;
			break;
		case 'e':
			so.edges = optarg;
			break;
		case 'g':
			so.graphml = optarg;
			break;
		case 'r':
			so.csv_raw = 1;
			break;
		case 's':
			so.sites = optarg;
			break;
		case 'S':
			so.save = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return CLI_EXIT_OK;
		default:
			fprintf(stderr, "try 'cibscan score --help'\n");
			return CLI_EXIT_USAGE;
		}
	}
	if (optind >= argc)
		return cli_usage_error("score", "no input files");
	if (!so.accounts)
		return cli_usage_error("score", "no output: use -o FILE (or -o -)");
	rc = pipe_cli_finish(&pc);
	if (rc)
		return rc;
	t0 = cib_seconds();
	rc = cli_load(&d, &ci, argv + optind, argc - optind, 0);
	if (rc)
		return rc;
	if (pc.po.progress)
		fprintf(stderr, "cibscan: %-10s %7.2f s\n", "read",
			cib_seconds() - t0);
	rc = pipe_cli_score(&pc, &d, argv + optind, argc - optind, &p, &run,
			    1);
	if (rc) {
		cli_data_release(&d);
		return rc;
	}
	sw.p = &p;
	sw.run = &run;
	sw.so = &so;
	if (so.sites && !p.sa) {
		cli_error("--sites: no crawl (.warc, .warc.gz) among the inputs");
		run_release(&run);
		pipeline_release(&p);
		cli_data_release(&d);
		return CLI_EXIT_USAGE;
	}
	{
		/* all or none: no output replaced unless every one was
		 * written */
		const struct cli_output outs[] = {
			{ so.accounts, w_accounts, &sw },
			{ so.clusters, w_clusters, &sw },
			{ so.edges, w_edges, &sw },
			{ so.graphml, w_graphml, &sw },
			{ so.sites, w_sites, &sw },
			{ so.save, w_save, &sw },
		};

		rc = cli_write_files(outs, sizeof(outs) / sizeof(outs[0]));
	}
	if (!rc && pc.po.progress)
		fprintf(stderr,
			"cibscan: %zu accounts, %zu posts, %zu edges, %zu "
			"clusters (%zu with inauthenticity evidence), %zu "
			"flagged; estimated coordinated share %.4g (%.4g among "
			"accounts with coordination evidence)\n",
			d.ds.acc.n, d.ds.post.n, p.g.n_edges, p.cl.n_clusters,
			p.n_inauthentic, p.n_flagged, p.prior_used, p.prior_e);
	run_release(&run);
	pipeline_release(&p);
	cli_data_release(&d);
	return rc;
}
