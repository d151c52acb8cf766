/* cmd_score.c - 'cibscan score': the main job. Reads exports, scores every
 * account and cluster, writes the accounts table and optional clusters,
 * edges, GraphML and JSON. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "core/outfile.h"
#include "model/output.h"
#include "pipeopts.h"

static const char usage_text[] =
	"usage: cibscan score [options] FILE... -o accounts.csv\n\n"
	"Scores every account for coordinated inauthentic behaviour: builds a\n"
	"coordination graph (co-reposts, copied texts, shared links, hashtag\n"
	"sequences, co-replies) weighted by significance against chance,\n"
	"clusters it, tests each cluster's rhythm, reuse and batching, and\n"
	"writes one row per account, highest score first:\n"
	"  account_id,platform,handle,score,flagged,cluster_id,cluster_size,\n"
	"  cluster_score,reasons\n\n"
	"options:\n"
	"  -o, --output FILE    accounts table (CSV; '-' for stdout)\n"
	"  --json               write the accounts table as JSON instead\n"
	"  --clusters FILE      clusters table (CSV)\n"
	"  --edges FILE         significant edges (CSV)\n"
	"  --graphml FILE       the coordination graph for Gephi (GraphML)\n"
	PIPE_HELP CLI_INPUT_HELP
	"  -h, --help           this help\n";

struct score_out {
	const char *accounts, *clusters, *edges, *graphml;
	int json;
};

typedef enum cib_err (*writer_fn)(const struct pipeline *p, FILE *f,
				  void *ctx);

static enum cib_err w_accounts(const struct pipeline *p, FILE *f, void *ctx)
{
	const struct score_out *so = ctx;

	return so->json ? output_json(p, f, NULL) : output_accounts_csv(p, f);
}

static enum cib_err w_clusters(const struct pipeline *p, FILE *f, void *ctx)
{
	(void)ctx;
	return output_clusters_csv(p, f);
}

static enum cib_err w_edges(const struct pipeline *p, FILE *f, void *ctx)
{
	(void)ctx;
	return output_edges_csv(p, f);
}

static enum cib_err w_graphml(const struct pipeline *p, FILE *f, void *ctx)
{
	char msg[256] = "";
	enum cib_err err = output_graphml(p, f, msg, sizeof(msg));

	(void)ctx;
	if (err && msg[0])
		cli_error("%s", msg);
	return err;
}

static int write_one(const char *path, const struct pipeline *p, writer_fn fn,
		     void *ctx)
{
	struct outfile o;
	enum cib_err err;

	if (!path)
		return CLI_EXIT_OK;
	err = outfile_open(&o, path);
	if (err) {
		cli_error("cannot write '%s': %s", path, strerror(errno));
		return CLI_EXIT_SYSTEM;
	}
	err = fn(p, o.f, ctx);
	if (err) {
		outfile_abort(&o);
		cli_error("cannot write '%s': %s", path, cib_strerror(err));
		return cli_exit_for(err) ? cli_exit_for(err) : CLI_EXIT_SYSTEM;
	}
	if (outfile_commit(&o)) {
		cli_error("cannot write '%s': %s", path, strerror(errno));
		return CLI_EXIT_SYSTEM;
	}
	return CLI_EXIT_OK;
}

int cmd_score(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "json", no_argument, NULL, 'j' },
		{ "clusters", required_argument, NULL, 'c' },
		{ "edges", required_argument, NULL, 'e' },
		{ "graphml", required_argument, NULL, 'g' },
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
	enum cib_err err;
	int c, rc;

	cli_input_init(&ci);
	pipe_cli_init(&pc);
	optind = 1;
	while ((c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
		int r = cli_input_option(&ci, "score", c, optarg);

		if (!r)
			r = pipe_cli_option(&pc, "score", c, optarg);
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
	rc = cli_load(&d, &ci, argv + optind, argc - optind, 0);
	if (rc)
		return rc;
	if (d.ds.post.n == 0) {
		cli_error("no posts were read from the input");
		cli_data_release(&d);
		return CLI_EXIT_DATA;
	}
	err = pipeline_run(&p, &d.ds, &pc.po);
	if (err) {
		cli_error("%s", p.errmsg[0] ? p.errmsg : cib_strerror(err));
		pipeline_release(&p);
		cli_data_release(&d);
		return cli_exit_for(err);
	}
	rc = write_one(so.accounts, &p, w_accounts, &so);
	if (!rc)
		rc = write_one(so.clusters, &p, w_clusters, NULL);
	if (!rc)
		rc = write_one(so.edges, &p, w_edges, NULL);
	if (!rc)
		rc = write_one(so.graphml, &p, w_graphml, NULL);
	if (!rc && pc.po.progress)
		fprintf(stderr,
			"cibscan: %zu accounts, %zu posts, %zu edges, %zu "
			"clusters, %zu flagged\n",
			d.ds.acc.n, d.ds.post.n, p.g.n_edges, p.cl.n_clusters,
			p.n_flagged);
	pipeline_release(&p);
	cli_data_release(&d);
	return rc;
}
