/* pipeopts.h - the options every scoring command shares (score, flag,
 * explain, train, report): reference zone, seed, windows, flag rule,
 * model file. */
#ifndef CIB_PIPEOPTS_H
#define CIB_PIPEOPTS_H

#include "cli.h"
#include "model/pipeline.h"
#include "model/run.h"

#define PIPE_OPT_BASE 0x2000

#define PIPE_OPTIONS                                                        \
	{ "tz", required_argument, NULL, PIPE_OPT_BASE + 1 },               \
	{ "seed", required_argument, NULL, PIPE_OPT_BASE + 2 },             \
	{ "fdr", required_argument, NULL, PIPE_OPT_BASE + 3 },              \
	{ "threshold", required_argument, NULL, PIPE_OPT_BASE + 4 },        \
	{ "model", required_argument, NULL, PIPE_OPT_BASE + 5 },            \
	{ "edge-fdr", required_argument, NULL, PIPE_OPT_BASE + 6 },         \
	{ "min-cluster", required_argument, NULL, PIPE_OPT_BASE + 7 },      \
	{ "window", required_argument, NULL, PIPE_OPT_BASE + 8 },           \
	{ "max-actors", required_argument, NULL, PIPE_OPT_BASE + 9 },       \
	{ "progress", no_argument, NULL, PIPE_OPT_BASE + 10 },              \
	{ "quiet", no_argument, NULL, PIPE_OPT_BASE + 11 },                 \
	{ "no-prior-shift", no_argument, NULL, PIPE_OPT_BASE + 12 },        \
	{ "max-memory", required_argument, NULL, PIPE_OPT_BASE + 13 }

#define PIPE_HELP                                                             \
	"  --tz ZONE            reference time zone for shift patterns (IANA;\n" \
	"                       default Asia/Shanghai)\n"                       \
	"  --seed N             seed for every random choice (default 1)\n"     \
	"  --fdr Q              flag the largest set whose expected share of\n" \
	"                       organic accounts is at most Q (default 0.05)\n" \
	"  --threshold S        flag accounts scoring at least S instead\n"      \
	"  --model FILE         model from 'cibscan train' (default: built-in)\n" \
	"  --no-prior-shift     keep the model's scores as fitted instead of\n"  \
	"                       re-estimating the share of coordinated\n"      \
	"                       accounts in this input (docs/model.md)\n"      \
	"  --edge-fdr Q         Benjamini-Hochberg level for coordination\n"    \
	"                       edges (default 0.01)\n"                         \
	"  --min-cluster N      smallest reported cluster (default 3)\n"         \
	"  --window TYPE=SECS   cap on every object's co-action window for one\n" \
	"                       edge type (co_repost, co_post, co_link,\n"      \
	"                       co_domain, co_hashtags, co_reply,\n"            \
	"                       co_reply_account, amplify, or all); 0 = no\n"   \
	"                       cap: each object's window comes from its own\n" \
	"                       actions (default; docs/model.md)\n"            \
	"  --max-actors N       objects acted on by more accounts are viral:\n"  \
	"                       out of the null, never linked (2 to 10^8;\n"    \
	"                       default 1000)\n"                                 \
	"  --max-memory BYTES   memory the coordination graph's pairs may take\n" \
	"                       (suffix K, M, G; default half the machine's);\n" \
	"                       past it the run stops and says so\n"           \
	"  --progress, --quiet  force stage timings on stderr on or off\n"

struct pipe_cli {
	struct pipeline_opts po;
	const char *model_path;
	struct logit_model model;
	int progress; /* -1 auto */
	int n_scoring; /* scoring options given (they do not apply to a
			  saved run: --run refuses them) */
};

void pipe_cli_init(struct pipe_cli *pc);
/* 1 handled, 0 not ours, -1 bad argument (message printed). */
int pipe_cli_option(struct pipe_cli *pc, const char *cmd, int c,
		    const char *arg);
/* The common input options (cli_input_option), then the pipeline's: what
 * every command that runs the pipeline accepts. Returns as above. */
int pipe_cli_options(struct pipe_cli *pc, struct cli_input *ci,
		     const char *cmd, int c, const char *arg);
/* Loads --model if given and finalises options; prints errors; returns an
 * exit code. */
int pipe_cli_finish(struct pipe_cli *pc);

/* Runs the pipeline on loaded data into p. With require_posts, an input
 * without posts is a data error. On failure prints the error, releases p
 * (not d) and returns an exit code. */
int pipe_cli_run(const struct pipe_cli *pc, struct cli_data *d,
		 struct pipeline *p, int require_posts);

/* The options as one line of text, for a run's record and the report. */
void pipe_cli_settings(const struct pipe_cli *pc, char *buf, size_t cap);

/* pipe_cli_run, then the scored run from it (model/run.h) with the input
 * files' names, sizes and XXH3 hashes. On failure prints the error,
 * releases p and run (not d) and returns an exit code. */
int pipe_cli_score(const struct pipe_cli *pc, struct cli_data *d,
		   char *const *files, int nfiles, struct pipeline *p,
		   struct scored_run *run, int require_posts);

/* The second half of pipe_cli_score, for a caller that frees part of
 * the dataset between the two (score): the scored run from p, taking
 * p->x over with take_x (run_build_taking). On failure prints the error,
 * releases p and run and returns an exit code. */
int pipe_cli_build_run(const struct pipe_cli *pc, char *const *files,
		       int nfiles, struct pipeline *p, struct scored_run *run,
		       int take_x);

/* Reads a run file saved by 'score --save' into run. Prints the error
 * (naming the file) and returns an exit code. */
int pipe_cli_load_run(const char *path, struct scored_run *run);

/* Reads again the inputs a saved run names (for the views a run does not
 * hold: `report --run`, `features --run`), after checking each file's
 * size and XXH3-64 against the run; a changed, missing or unhashed input
 * (standard input) is an error naming it. run_path names the run in
 * messages. Returns an exit code; on failure d is released. */
int pipe_cli_load_run_inputs(const struct scored_run *run,
			     const char *run_path, const struct cli_input *ci,
			     struct cli_data *d, int quiet);
/* The check alone: CLI_EXIT_OK, or an exit code with msg saying which
 * input cannot be read again and why (nothing printed). */
int pipe_cli_check_run_inputs(const struct scored_run *run,
			      const char *run_path, char *msg, size_t len);

/* Writes run to path atomically ('score --save'). */
int pipe_cli_save_run(const char *path, const struct scored_run *run);

#define PIPE_RUN_HELP                                                          \
	"  --run FILE           answer from a run saved by 'cibscan score\n"   \
	"                       --save' instead of scoring the inputs again\n"

#endif
