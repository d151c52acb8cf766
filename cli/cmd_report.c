/* cmd_report.c - 'cibscan report': reads exports, runs the pipeline and
 * writes one self-contained HTML evidence report; with --db, shows the
 * review store's decisions beside the evidence. With --run, the model's
 * answer comes from a saved run and only the dataset-level views are
 * recomputed from the inputs it names (report/fromrun.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "report/fromrun.h"
#include "report/report.h"
#include "review/store.h"
#include "pipeopts.h"

static const char usage_text[] =
	"usage: cibscan report [options] FILE... -o report.html\n"
	"       cibscan report --run run.FILE -o report.html\n\n"
	"Scores the input like 'cibscan score' and writes one self-contained\n"
	"HTML file (no external scripts, fonts or requests): a summary, sortable\n"
	"and filterable tables of clusters and flagged accounts, and per cluster\n"
	"its members, posting rhythm in Beijing time and in the members' claimed\n"
	"zones with the office-shift model, a weekday x hour heat map, a\n"
	"timeline with Chinese public holidays, shared texts, URLs, creation\n"
	"dates, persona switches and a drawing of its coordination graph; per\n"
	"flagged account its own rhythm and the evidence behind each reason.\n\n"
	"options:\n"
	"  -o, --output FILE    the HTML report ('-' for stdout)\n"
	"  --db FILE            review store: show decisions beside the evidence\n"
	"  --title TEXT         page title\n"
	"  --max-accounts N     flagged accounts given a detail section\n"
	"                       (highest scores first; default 250)\n"
	"  --max-edges N        edges drawn per cluster graph (default 3000)\n"
	"  --max-clusters N     clusters given a section, flagged first\n"
	"                       (default 100)\n"
	"  --max-members N      member rows listed per cluster (default 200)\n"
	"  --max-rows N         rows of the flagged-accounts and clusters\n"
	"                       tables (default 2000)\n"
	"  --run FILE           draw a saved run (score --save); its inputs\n"
	"                       are read again, checked against its hashes\n"
	PIPE_HELP CLI_INPUT_HELP
	"  -h, --help           this help\n";

#define OPT_DB 0x3001
#define OPT_TITLE 0x3002
#define OPT_MAXACC 0x3003
#define OPT_MAXEDGES 0x3004
#define OPT_MAXCL 0x3005
#define OPT_MAXMEM 0x3006
#define OPT_MAXROWS 0x3007
#define OPT_RUN 0x3008

struct report_cli {
	const char *output, *db, *title, *run;
	long max_accounts, max_edges, max_clusters, max_members, max_rows;
};

struct report_write {
	const struct pipeline *p;
	const struct report_opts *ro;
};

static enum cib_err w_report(FILE *f, void *ctx, char *msg, size_t len)
{
	const struct report_write *w = ctx;

	return report_write(w->p, w->ro, f, msg, len);
}

static const struct option report_longopts[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "db", required_argument, NULL, OPT_DB },
	{ "title", required_argument, NULL, OPT_TITLE },
	{ "max-accounts", required_argument, NULL, OPT_MAXACC },
	{ "max-edges", required_argument, NULL, OPT_MAXEDGES },
	{ "max-clusters", required_argument, NULL, OPT_MAXCL },
	{ "max-members", required_argument, NULL, OPT_MAXMEM },
	{ "max-rows", required_argument, NULL, OPT_MAXROWS },
	{ "run", required_argument, NULL, OPT_RUN },
	{ "help", no_argument, NULL, 'h' },
	PIPE_OPTIONS,
	CLI_INPUT_OPTIONS,
	{ 0 },
};

/* One case per option: this switch is the table of report's own options
 * (the pipeline's and the inputs' go to pipe_cli_options), so it stays
 * whole. Returns -1 to go on, else the exit code */
static int report_parse(int argc, char **argv, struct report_cli *o,
			struct pipe_cli *pc, struct cli_input *ci)
{
	int c;

	while ((c = getopt_long(argc, argv, "ho:", report_longopts, NULL)) !=
	       -1) {
		int r = pipe_cli_options(pc, ci, "report", c, optarg);

		if (r < 0)
			return CLI_EXIT_USAGE;
		if (r > 0)
			continue;
		switch (c) {
		case 'o':
			o->output = optarg;
			break;
		case OPT_DB:
			o->db = optarg;
			break;
		case OPT_TITLE:
			o->title = optarg;
			break;
		case OPT_RUN:
			o->run = optarg;
			break;
		case OPT_MAXACC:
		case OPT_MAXEDGES:
		case OPT_MAXCL:
		case OPT_MAXMEM:
		case OPT_MAXROWS: {
			static const char *const nm[] = {
				"max-accounts", "max-edges", "max-clusters",
				"max-members", "max-rows"
			};
			long *dst[] = { &o->max_accounts, &o->max_edges,
					&o->max_clusters, &o->max_members,
					&o->max_rows };
			long v;

			if (cli_parse_long(optarg, &v) || v < 0)
				return cli_usage_error("report", "bad --%s '%s'",
						       nm[c - OPT_MAXACC],
						       optarg);
			*dst[c - OPT_MAXACC] = v;
			break;
		}
		case 'h':
			fputs(usage_text, stdout);
			return CLI_EXIT_OK;
		default:
			fprintf(stderr, "try 'cibscan report --help'\n");
			return CLI_EXIT_USAGE;
		}
	}
	return -1;
}

/* the review store's decisions into rl (when --db is given); 0 or the
 * exit code */
static int report_decisions(const char *db, struct review_list *rl)
{
	struct review rv;
	enum cib_err err;

	memset(&rv, 0, sizeof(rv));
	if (!db)
		return 0;
	cli_note_input(db); /* -o must not replace the store */
	err = review_open_existing(&rv, db);
	if (!err)
		err = review_list_load(&rv, rl);
	if (err) {
		cli_error("%s", rv.errmsg);
		review_close(&rv);
		return cli_exit_for(err) ? cli_exit_for(err) : CLI_EXIT_SYSTEM;
	}
	review_close(&rv);
	return 0;
}

/* the report's view p of saved run file name (its inputs loaded in d);
 * a crawl among the inputs (cli_crawl_run's test) is refused: its site
 * section is not drawn from a run. 0 or the exit code */
static int report_view_run(struct pipeline *p, struct cli_data *d,
			   struct scored_run *run, const char *name)
{
	char msg[512] = "";
	enum cib_err err;

	for (size_t i = 0; i < d->in.n_files; i++)
		if (cli_is_crawl(d, i)) {
			cli_error("'%s' was scored with a crawl ('%s'); "
				  "report --run does not draw a "
				  "crawl's site evidence yet: run "
				  "'cibscan report' on the inputs",
				  name, d->in.files[i].name);
			return CLI_EXIT_USAGE;
		}
	err = report_view_from_run(p, &d->ds, run, msg, sizeof(msg));
	if (err) {
		cli_error("'%s': %s", name, msg[0] ? msg : cib_strerror(err));
		return cli_exit_for(err);
	}
	return 0;
}

/* the report's options from the command line's and the run's */
static void report_fill(struct report_opts *ro, const struct report_cli *o,
			const struct scored_run *run, const char **names,
			size_t n_inputs, const struct cli_data *d,
			const struct review_list *rl)
{
	report_opts_init(ro);
	ro->run = run;
	ro->title = o->title;
	ro->settings = run_str(run, run->meta.settings);
	ro->inputs = names;
	ro->n_inputs = n_inputs;
	ro->n_bad = d->diag.n_bad;
	ro->seed = run->meta.seed;
	if (o->max_accounts >= 0)
		ro->max_account_sections = (size_t)o->max_accounts;
	if (o->max_edges >= 0)
		ro->max_graph_edges = (size_t)o->max_edges;
	if (o->max_clusters >= 0)
		ro->max_cluster_sections = (size_t)o->max_clusters;
	if (o->max_members >= 0)
		ro->max_members_listed = (size_t)o->max_members;
	if (o->max_rows >= 0)
		ro->max_table_rows = (size_t)o->max_rows;
	ro->decisions = rl->d;
	ro->n_decisions = rl->n;
	ro->store = o->db;
}

int cmd_report(int argc, char **argv)
{
	struct report_cli rc_opts = { NULL, NULL, NULL, NULL,
				      -1,   -1,   -1,   -1,   -1 };
	struct cli_input ci;
	struct pipe_cli pc;
	struct cli_data d;
	struct pipeline p;
	struct scored_run run;
	struct report_opts ro;
	struct review_list rl;
	struct report_write rw;
	const char *const *inputs;
	const char **names = NULL;
	size_t n_inputs;
	int rc;

	memset(&rl, 0, sizeof(rl));
	cli_input_init(&ci);
	pipe_cli_init(&pc);
	optind = 1;
	rc = report_parse(argc, argv, &rc_opts, &pc, &ci);
	if (rc >= 0)
		return rc;
	if (rc_opts.run && optind < argc)
		return cli_usage_error("report", "--run takes no input files "
						 "(it reads the ones the run "
						 "names)");
	if (rc_opts.run && pc.n_scoring)
		return cli_usage_error("report", "scoring options do not apply "
						 "to a saved run (--run)");
	if (!rc_opts.run && optind >= argc)
		return cli_usage_error("report", "no input files");
	if (!rc_opts.output)
		return cli_usage_error("report",
				       "no output: use -o FILE (or -o -)");
	rc = pipe_cli_finish(&pc);
	if (rc)
		return rc;
	rc = report_decisions(rc_opts.db, &rl);
	if (rc)
		return rc;
	memset(&p, 0, sizeof(p));
	run_init(&run);
	if (rc_opts.run) {
		rc = pipe_cli_load_run(rc_opts.run, &run);
		if (rc) {
			review_list_release(&rl);
			return rc;
		}
		rc = pipe_cli_load_run_inputs(&run, rc_opts.run, &ci, &d, 0);
		if (rc) {
			run_release(&run);
			review_list_release(&rl);
			return rc;
		}
		rc = report_view_run(&p, &d, &run, rc_opts.run);
		if (rc)
			goto out;
		inputs = NULL;
		n_inputs = run.n_inputs;
	} else {
		rc = cli_load(&d, &ci, argv + optind, argc - optind, 0);
		if (rc) {
			review_list_release(&rl);
			return rc;
		}
		rc = pipe_cli_score(&pc, &d, argv + optind, argc - optind, &p,
				    &run, 1);
		if (rc)
			goto out;
		inputs = (const char *const *)(argv + optind);
		n_inputs = (size_t)(argc - optind);
	}
	/* the input names as the run recorded them, so a report drawn from
	 * a saved run reads as the one drawn when scoring */
	names = calloc(n_inputs + 1, sizeof(*names));
	if (!names) {
		cli_error("out of memory");
		rc = CLI_EXIT_SYSTEM;
		goto out;
	}
	for (size_t i = 0; i < n_inputs; i++)
		names[i] = inputs ? inputs[i]
				  : run_str(&run, run.inputs[i].name);
	report_fill(&ro, &rc_opts, &run, names, n_inputs, &d, &rl);
	rw.p = &p;
	rw.ro = &ro;
	rc = cli_write_file(rc_opts.output, w_report, &rw);
	if (rc)
		goto out;
	if (pc.po.progress && !rc_opts.run)
		fprintf(stderr,
			"cibscan: report of %zu clusters and %zu flagged "
			"accounts written to '%s'\n",
			p.cl.n_clusters, p.n_flagged, rc_opts.output);
	rc = CLI_EXIT_OK;
out:
	free(names);
	run_release(&run);
	pipeline_release(&p);
	cli_data_release(&d);
	review_list_release(&rl);
	return rc;
}
