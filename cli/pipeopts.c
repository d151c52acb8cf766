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
#include <xxhash.h>

#include "core/clock.h"

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

	/* every option but the progress switches changes the scoring */
	if (c > PIPE_OPT_BASE && c <= PIPE_OPT_BASE + 13 &&
	    c != PIPE_OPT_BASE + 10 && c != PIPE_OPT_BASE + 11)
		pc->n_scoring++;

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
	cli_note_input(pc->model_path); /* NULL: the built-in model */
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
		if (cli_has_crawl(d))
			cli_error("no posts were read from the input, only a "
				  "crawl: 'cibscan sites' scores a crawl's "
				  "sites on their own");
		else
			cli_error("no posts were read from the input");
		memset(p, 0, sizeof(*p));
		return CLI_EXIT_DATA;
	}
	rc = cli_crawls_rereadable(d);
	if (rc) {
		memset(p, 0, sizeof(*p));
		return rc;
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

void pipe_cli_settings(const struct pipe_cli *pc, char *buf, size_t cap)
{
	const struct pipeline_opts *o = &pc->po;
	char thr[48];

	if (isnan(o->threshold))
		snprintf(thr, sizeof(thr), "flag at FDR %.3g", o->fdr);
	else
		snprintf(thr, sizeof(thr), "flag at score >= %.3g",
			 o->threshold);
	snprintf(buf, cap,
		 "reference zone %s; seed %llu; %s; edge FDR %.3g; minimum "
		 "cluster %zu; max actors %u; model %s%s",
		 o->tz ? o->tz : "Asia/Shanghai", (unsigned long long)o->seed,
		 thr, o->coord.fdr, o->min_cluster, o->coord.max_actors,
		 pc->model_path ? pc->model_path : "built-in",
		 o->prior_shift ? "" : "; no prior shift");
}

/* Size and XXH3-64 of a file's bytes, streamed; "-" (standard input,
 * already consumed) and unreadable paths record size 0 and hash 0. */
static void hash_file(const char *path, uint64_t *size, uint64_t *h)
{
	XXH3_state_t *st;
	FILE *f;
	char *buf;
	size_t n;

	*size = 0;
	*h = 0;
	if (strcmp(path, "-") == 0 || !(f = fopen(path, "rb")))
		return;
	st = XXH3_createState();
	buf = malloc(1 << 20);
	if (st && buf) {
		XXH3_64bits_reset(st);
		while ((n = fread(buf, 1, 1 << 20, f)) > 0) {
			XXH3_64bits_update(st, buf, n);
			*size += n;
		}
		*h = XXH3_64bits_digest(st);
	}
	free(buf);
	XXH3_freeState(st);
	fclose(f);
}

int pipe_cli_score(const struct pipe_cli *pc, struct cli_data *d,
		   char *const *files, int nfiles, struct pipeline *p,
		   struct scored_run *run, int require_posts)
{
	int rc = pipe_cli_run(pc, d, p, require_posts);

	run_init(run);
	return rc ? rc : pipe_cli_build_run(pc, files, nfiles, p, run, 0);
}

int pipe_cli_build_run(const struct pipe_cli *pc, char *const *files,
		       int nfiles, struct pipeline *p, struct scored_run *run,
		       int take_x)
{
	char settings[512];
	enum cib_err err;

	pipe_cli_settings(pc, settings, sizeof(settings));
	err = take_x ? run_build_taking(run, p, &pc->po, settings)
		     : run_build(run, p, &pc->po, settings);
	for (int i = 0; i < nfiles && !err; i++) {
		uint64_t size, h;

		hash_file(files[i], &size, &h);
		err = run_add_input(run, files[i], size, h);
	}
	if (err) {
		cli_error("scored run: %s", cib_strerror(err));
		run_release(run);
		pipeline_release(p);
		return cli_exit_for(err);
	}
	return CLI_EXIT_OK;
}

int pipe_cli_load_run(const char *path, struct scored_run *run)
{
	FILE *f;
	unsigned char *buf = NULL;
	size_t cap = 0, len = 0, n;
	char msg[256];
	enum cib_err err;

	run_init(run);
	cli_note_input(path);
	f = fopen(path, "rb");
	if (!f) {
		cli_error("cannot open '%s': %s", path, strerror(errno));
		return CLI_EXIT_SYSTEM;
	}
	/* the whole file, capped at RUN_MAX_BYTES */
	for (;;) {
		if (len == cap) {
			size_t nc = cap ? 2 * cap : (size_t)1 << 20;
			unsigned char *q;

			if (cap >= RUN_MAX_BYTES) {
				fclose(f);
				free(buf);
				cli_error("'%s': larger than %llu bytes: not a run "
					  "file",
					  path, (unsigned long long)RUN_MAX_BYTES);
				return CLI_EXIT_DATA;
			}
			q = realloc(buf, nc);
			if (!q) {
				fclose(f);
				free(buf);
				cli_error("'%s': out of memory", path);
				return CLI_EXIT_SYSTEM;
			}
			buf = q;
			cap = nc;
		}
		n = fread(buf + len, 1, cap - len, f);
		if (!n)
			break;
		len += n;
	}
	if (ferror(f)) {
		cli_error("cannot read '%s': %s", path, strerror(errno));
		fclose(f);
		free(buf);
		return CLI_EXIT_SYSTEM;
	}
	fclose(f);
	err = run_load(run, buf, len, msg, sizeof(msg));
	free(buf);
	if (err) {
		cli_error("'%s': %s", path, msg[0] ? msg : cib_strerror(err));
		return err == CIB_ENOMEM ? CLI_EXIT_SYSTEM : CLI_EXIT_DATA;
	}
	return CLI_EXIT_OK;
}

static enum cib_err w_run(FILE *f, void *ctx, char *msg, size_t len)
{
	(void)msg;
	(void)len;
	return run_save(ctx, f);
}

int pipe_cli_save_run(const char *path, const struct scored_run *run)
{
	return cli_write_file(path, w_run, (void *)run);
}

int pipe_cli_check_run_inputs(const struct scored_run *run,
			      const char *run_path, char *msg, size_t len)
{
	if (!run->n_inputs) {
		snprintf(msg, len, "'%s' names no inputs to read again",
			 run_path);
		return CLI_EXIT_DATA;
	}
	if (run->n_inputs > 65536) {
		snprintf(msg, len, "'%s' names %zu inputs: too many to read "
				   "again",
			 run_path, run->n_inputs);
		return CLI_EXIT_DATA;
	}
	for (size_t i = 0; i < run->n_inputs; i++) {
		const struct run_input *in = &run->inputs[i];
		const char *name = run_str(run, in->name);
		uint64_t size = 0, h = 0;

		if (!name[0] || !strcmp(name, "-") ||
		    (in->size == 0 && in->xxh3 == 0)) {
			snprintf(msg, len,
				 "'%s': input %zu ('%s') was standard input or "
				 "unreadable when scored; it cannot be read "
				 "again (score again with a file)",
				 run_path, i + 1, name);
			return CLI_EXIT_DATA;
		}
		if (access(name, R_OK) != 0) {
			snprintf(msg, len,
				 "cannot read input '%s' of the run '%s': %s "
				 "(the run names its inputs as they were given "
				 "to score; run from that folder)",
				 name, run_path, strerror(errno));
			return CLI_EXIT_DATA;
		}
		hash_file(name, &size, &h);
		if (size != in->size || h != in->xxh3) {
			snprintf(msg, len,
				 "input '%s' changed since the run '%s' was "
				 "scored (%llu bytes, XXH3 %016llx; the run "
				 "says %llu bytes, %016llx): score again",
				 name, run_path, (unsigned long long)size,
				 (unsigned long long)h,
				 (unsigned long long)in->size,
				 (unsigned long long)in->xxh3);
			return CLI_EXIT_DATA;
		}
	}
	return CLI_EXIT_OK;
}

int pipe_cli_load_run_inputs(const struct scored_run *run,
			     const char *run_path, const struct cli_input *ci,
			     struct cli_data *d, int quiet)
{
	char **files, msg[1024];
	int rc = pipe_cli_check_run_inputs(run, run_path, msg, sizeof(msg));

	if (rc) {
		cli_error("%s", msg);
		return rc;
	}
	files = calloc(run->n_inputs + 1, sizeof(*files));
	if (!files) {
		cli_error("out of memory");
		return CLI_EXIT_SYSTEM;
	}
	for (size_t i = 0; i < run->n_inputs; i++)
		files[i] = (char *)run_str(run, run->inputs[i].name);
	rc = cli_load(d, ci, files, (int)run->n_inputs, quiet);
	free(files);
	return rc;
}
