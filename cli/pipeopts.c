/* pipeopts.c - parsing the shared scoring options. */
#include "pipeopts.h"
#include "sitesrun.h"
#include "core/slurp.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void pipe_cli_init(struct pipe_cli *pc)
{
	long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);

	memset(pc, 0, sizeof(*pc));
	pipeline_opts_init(&pc->po);
	pc->progress = -1;
	/* the pairs may take half the machine; the rest of the pipeline
	 * (posts, features, clusters) needs the other half */
	if (pages > 0 && psz > 0)
		pc->po.coord.max_memory = (uint64_t)pages * (uint64_t)psz / 2;
}

static int parse_window(struct pipe_cli *pc, const char *cmd,
			const char *arg)
{
	const char *eq = strchr(arg, '=');
	long secs;
	int any = 0;

	if (!eq || cli_parse_long(eq + 1, &secs) || secs < 0 ||
	    secs > 30L * 86400)
		return cli_usage_error(cmd, "bad --window '%s' (TYPE=SECONDS)",
				       arg),
		       -1;
	for (int t = 0; t < COORD__COUNT; t++) {
		const char *nm = coord_type_name((enum coord_type)t);

		if ((size_t)(eq - arg) == 3 && strncmp(arg, "all", 3) == 0) {
			pc->po.coord.window[t] = secs;
			any = 1;
		} else if (strlen(nm) == (size_t)(eq - arg) &&
			   strncmp(nm, arg, (size_t)(eq - arg)) == 0) {
			pc->po.coord.window[t] = secs;
			any = 1;
		}
	}
	if (!any) {
		cli_usage_error(cmd, "unknown edge type in --window '%s'", arg);
		return -1;
	}
	return 1;
}

int pipe_cli_options(struct pipe_cli *pc, struct cli_input *ci,
		     const char *cmd, int c, const char *arg)
{
	int r = cli_input_option(ci, cmd, c, arg);

	return r ? r : pipe_cli_option(pc, cmd, c, arg);
}

int pipe_cli_option(struct pipe_cli *pc, const char *cmd, int c,
		    const char *arg)
{
	long l;
	double d;

	switch (c) {
	case PIPE_OPT_BASE + 1:
		pc->po.tz = arg;
		return 1;
	case PIPE_OPT_BASE + 2:
		if (cli_parse_long(arg, &l) || l < 0)
			return cli_usage_error(cmd, "bad --seed '%s'", arg), -1;
		pc->po.seed = (uint64_t)l;
		return 1;
	case PIPE_OPT_BASE + 3:
		if (cli_parse_double(arg, &d) || d <= 0 || d >= 1)
			return cli_usage_error(cmd, "--fdr takes a number in (0, 1)"),
			       -1;
		pc->po.fdr = d;
		return 1;
	case PIPE_OPT_BASE + 4:
		if (cli_parse_double(arg, &d) || d < 0 || d > 1)
			return cli_usage_error(cmd,
					       "--threshold takes a number in [0, 1]"),
			       -1;
		pc->po.threshold = d;
		return 1;
	case PIPE_OPT_BASE + 5:
		pc->model_path = arg;
		return 1;
	case PIPE_OPT_BASE + 6:
		if (cli_parse_double(arg, &d) || d <= 0 || d >= 1)
			return cli_usage_error(cmd,
					       "--edge-fdr takes a number in (0, 1)"),
			       -1;
		pc->po.coord.fdr = d;
		return 1;
	case PIPE_OPT_BASE + 7:
		if (cli_parse_long(arg, &l) || l < 2 || l > 1000000)
			return cli_usage_error(cmd, "bad --min-cluster '%s'", arg),
			       -1;
		pc->po.min_cluster = (size_t)l;
		return 1;
	case PIPE_OPT_BASE + 8:
		return parse_window(pc, cmd, arg);
	case PIPE_OPT_BASE + 9:
		if (cli_parse_long(arg, &l) || l < 2 || l > 100000000)
			return cli_usage_error(cmd, "bad --max-actors '%s'", arg),
			       -1;
		pc->po.coord.max_actors = (uint32_t)l;
		return 1;
	case PIPE_OPT_BASE + 10:
		pc->progress = 1;
		return 1;
	case PIPE_OPT_BASE + 11:
		pc->progress = 0;
		return 1;
	case PIPE_OPT_BASE + 12:
		pc->po.prior_shift = 0;
		return 1;
	case PIPE_OPT_BASE + 13: {
		size_t sz;

		if (cli_parse_size(arg, &sz) || sz < ((size_t)1 << 20))
			return cli_usage_error(cmd,
					       "bad --max-memory '%s' (at least 1M)",
					       arg),
			       -1;
		pc->po.coord.max_memory = sz;
		return 1;
	}
	default:
		return 0;
	}
}

/* Largest model file read: a model is a few KB of JSON (one coefficient
 * per input); anything this size is another file. */
#define PIPE_MODEL_MAX ((size_t)1 << 20)

int pipe_cli_finish(struct pipe_cli *pc)
{
	if (pc->progress < 0 ? cli_progress() : pc->progress)
		pc->po.progress = cli_progress_line;
	pc->po.features.zonedir = cli_tzdir();
	pc->po.features.tmpdir = cli_tmpdir();
	if (pc->model_path) {
		char *buf;
		size_t n;
		char err[256];
		enum cib_err e = slurp_file(pc->model_path, PIPE_MODEL_MAX, &buf,
					    &n);

		if (e == CIB_ETOOBIG) {
			cli_error("'%s': larger than %zu bytes: not a model "
				  "file",
				  pc->model_path, PIPE_MODEL_MAX);
			return CLI_EXIT_DATA;
		}
		if (e) {
			cli_error("cannot open '%s': %s", pc->model_path,
				  e == CIB_ENOMEM ? cib_strerror(e)
						  : strerror(errno));
			return CLI_EXIT_SYSTEM;
		}
		if (logit_load(&pc->model, buf, n, score_feature_names,
			       SF__COUNT, err, sizeof(err))) {
			cli_error("'%s': %s", pc->model_path, err);
			free(buf);
			return CLI_EXIT_DATA;
		}
		free(buf);
		pc->po.model = &pc->model;
	}
	return CLI_EXIT_OK;
}

int pipe_cli_run(const struct pipe_cli *pc, struct cli_data *d,
		 struct pipeline *p, int require_posts)
{
	enum cib_err err;
	int rc;

	if (require_posts && d->ds.post.n == 0) {
		cli_error("no posts were read from the input");
		memset(p, 0, sizeof(*p));
		return CLI_EXIT_DATA;
	}
	err = pipeline_run(p, &d->ds, &pc->po);
	if (err) {
		cli_error("%s", p->errmsg[0] ? p->errmsg : cib_strerror(err));
		pipeline_release(p);
		return cli_exit_for(err);
	}
	/* a crawl given with the export: its sites and the accounts linking
	 * them (docs/sites.md) */
	rc = cli_crawl_run(d, p, pc->progress == 0);
	if (rc)
		pipeline_release(p);
	return rc;
}
