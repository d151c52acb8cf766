/* cmd_train.c - 'cibscan train': fits the scoring model on labelled
 * accounts and writes it as JSON for 'score --model'. The flag threshold
 * is calibrated on 5-fold out-of-fold scores, so it is not the optimistic
 * in-sample one. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "cli.h"
#include "collectors/csvread.h"
#include "collectors/source.h"
#include "commands.h"
#include "core/outfile.h"
#include "pipeopts.h"

static const char usage_text[] =
	"usage: cibscan train [options] LABELS.csv FILE... [+ FILE...]... "
	"-o model.json\n\n"
	"Fits the account model (ridge logistic regression on the features\n"
	"'score' computes) to labelled accounts. LABELS.csv has a header with\n"
	"account_id and either label (1/0, true/false) or role (\"cib\" is\n"
	"positive, anything else negative; the truth.csv 'cibscan synth'\n"
	"writes works as is). Unlabelled accounts are not used. Groups of\n"
	"input files separated by a '+' argument are separate data sets, each\n"
	"run through the pipeline on its own as 'score' would run it (its own\n"
	"null rates, windows and clusters); their labelled accounts are\n"
	"pooled for the fit. Optional columns: dataset (1 for the first\n"
	"group, 2 for the second, ...: the label applies there only, so ids\n"
	"that repeat across data sets keep their own labels) and platform\n"
	"(x, mastodon, ...: the label applies to that platform's account).\n\n"
	"options:\n"
	"  -o, --output FILE    model file (JSON)\n"
	"  --ridge R            L2 penalty on standardised coefficients\n"
	"                       (default 1)\n"
	"  --target-fpr F       false-positive rate the stored threshold is\n"
	"                       calibrated to, out of fold (default 0.005)\n"
	PIPE_HELP CLI_INPUT_HELP
	"  -h, --help           this help\n";

struct labels {
	char **id;
	int *y;
	int *set;  /* data set (1-based '+' group) the label is for; 0 any */
	int *plat; /* platform of the account; -1 any */
	size_t n, cap;
	/* columns, -1 when absent */
	int col_id, col_label, col_role, col_set, col_plat;
	uint64_t rows; /* data rows handed to labels_row */
	int bad;       /* rows skipped; -1 out of memory */
};

static int parse_label(const char *s, size_t n, int is_role, int *y)
{
	char b[32];

	if (n >= sizeof(b))
		n = sizeof(b) - 1;
	memcpy(b, s, n);
	b[n] = '\0';
	if (is_role) {
		*y = strcmp(b, "cib") == 0;
		return 0;
	}
	if (!strcmp(b, "1") || !strcasecmp(b, "true") || !strcmp(b, "cib"))
		*y = 1;
	else if (!strcmp(b, "0") || !strcasecmp(b, "false") ||
		 !strcmp(b, "organic"))
		*y = 0;
	else
		return -1;
	return 0;
}

/* The data set a label is for: 0 (any) when empty or too long to read,
 * -1 (row skipped) when unreadable. */
static int parse_set(const char *s, size_t n)
{
	char b[16], *end;
	long v;

	if (!n || n >= sizeof(b))
		return 0;
	memcpy(b, s, n);
	b[n] = '\0';
	v = strtol(b, &end, 10);
	return *end || v < 0 || v > 1000000 ? -1 : (int)v;
}

static int parse_plat(const char *s, size_t n)
{
	char b[32];

	if (!n)
		return -1;
	if (n >= sizeof(b))
		n = sizeof(b) - 1;
	memcpy(b, s, n);
	b[n] = '\0';
	return (int)platform_from_name(b);
}

static enum cib_err labels_header(void *ctx, struct csvread *r)
{
	struct labels *L = ctx;

	L->col_id = csvread_col(r, "account_id");
	if (L->col_id < 0)
		L->col_id = csvread_col(r, "userid");
	L->col_label = csvread_col(r, "label");
	L->col_role = csvread_col(r, "role");
	L->col_set = csvread_col(r, "dataset");
	L->col_plat = csvread_col(r, "platform");
	return L->col_id < 0 ? CIB_EFORMAT : CIB_OK;
}

static int labels_grow(struct labels *L)
{
	size_t nc = L->cap ? L->cap * 2 : 1024;
	char **ni = realloc(L->id, nc * sizeof(*ni));
	int *ny;

	if (!ni)
		return -1;
	L->id = ni;
	if (!(ny = realloc(L->y, nc * sizeof(*ny))))
		return -1;
	L->y = ny;
	if (!(ny = realloc(L->set, nc * sizeof(*ny))))
		return -1;
	L->set = ny;
	if (!(ny = realloc(L->plat, nc * sizeof(*ny))))
		return -1;
	L->plat = ny;
	L->cap = nc;
	return 0;
}

/* One labelled account; a row without a readable label or data set is
 * counted in L->bad. */
static enum cib_err labels_row(void *ctx, const struct csvrec *rec)
{
	struct labels *L = ctx;
	int lc = L->col_label >= 0 ? L->col_label : L->col_role;
	int y = 0, set, plat;

	L->rows++;
	set = L->col_set >= 0 ? parse_set(rec->f[L->col_set],
					    rec->len[L->col_set])
			      : 0;
	plat = L->col_plat >= 0 ? parse_plat(rec->f[L->col_plat],
					     rec->len[L->col_plat])
				: -1;
	if (lc < 0 || parse_label(rec->f[lc], rec->len[lc], L->col_label < 0,
				  &y) ||
	    set < 0) {
		L->bad++;
		return CIB_OK;
	}
	if (L->n == L->cap && labels_grow(L))
		return CIB_ENOMEM;
	L->id[L->n] = strndup(rec->f[L->col_id], rec->len[L->col_id]);
	if (!L->id[L->n])
		return CIB_ENOMEM;
	L->y[L->n] = y;
	L->set[L->n] = set;
	L->plat[L->n] = plat;
	L->n++;
	return CIB_OK;
}

/* Reads the labels file (CSV, plain or compressed) through the CSV
 * reader; malformed rows are skipped and counted with the unlabelled
 * ones. 0 or an exit code. */
static int read_labels(struct labels *L, const char *path)
{
	struct ingest in;
	struct source src;
	struct csvread r;
	enum cib_err err;
	char msg[sizeof(in.errmsg)];

	cli_note_input(path);
	memset(L, 0, sizeof(*L));
	L->col_id = L->col_label = L->col_role = L->col_set = -1;
	L->col_plat = -1;
	err = source_open(&src, path);
	if (err) {
		const char *why = src.errmsg;

		if (!strncmp(why, "cannot open: ", 13))
			why += 13;
		cli_error("cannot open '%s': %s", path, why);
		return CLI_EXIT_SYSTEM;
	}
	ingest_init(&in, NULL, NULL, NULL);
	csvread_init(&r, &in, &src);
	err = csvread_run(&r, labels_header, labels_row, L);
	if (!err && L->rows < r.n_records)
		L->bad += (int)(r.n_records - L->rows);
	snprintf(msg, sizeof(msg), "%s",
		 in.errmsg[0] ? in.errmsg : cib_strerror(err));
	csvread_release(&r);
	ingest_release(&in);
	source_close(&src);
	if (err == CIB_ENOMEM) {
		cli_error("%s", cib_strerror(err));
		return CLI_EXIT_SYSTEM;
	}
	if (err && err != CIB_EFORMAT) {
		cli_error("'%s': %s", path, msg);
		return cli_exit_for(err);
	}
	if (L->col_id < 0 || (L->col_label < 0 && L->col_role < 0)) {
		cli_error("'%s': need account_id and label (or role) columns",
			  path);
		return CLI_EXIT_DATA;
	}
	if (L->bad)
		cli_warn("'%s': %d rows without an id or a readable label "
			 "skipped",
			 path, L->bad);
	return CLI_EXIT_OK;
}

static void labels_free(struct labels *L)
{
	for (size_t i = 0; i < L->n; i++)
		free(L->id[i]);
	free(L->id);
	free(L->y);
	free(L->set);
	free(L->plat);
}

/* The labelled accounts' model inputs, pooled over data sets. */
struct trainset {
	double *X;
	int *y, *fold;
	size_t n, npos, cap;
};

static void trainset_free(struct trainset *t)
{
	free(t->X);
	free(t->y);
	free(t->fold);
}

/* Loads files[0..nfiles) as one data set, runs the pipeline and appends
 * the model inputs of every labelled account found in it. */
static int trainset_add(struct trainset *t, const struct labels *L,
			const struct cli_input *ci, const struct pipe_cli *pc,
			char *const *files, int nfiles, int set)
{
	struct cli_data d;
	struct pipeline p;
	enum cib_err err;
	int rc;

	if (t->n + L->n > t->cap) {
		size_t nc = t->n + L->n;
		double *X = realloc(t->X, (nc + 1) * SF__COUNT * sizeof(*X));
		int *y, *fold;

		if (!X)
			return CLI_EXIT_SYSTEM;
		t->X = X;
		y = realloc(t->y, (nc + 1) * sizeof(*y));
		if (!y)
			return CLI_EXIT_SYSTEM;
		t->y = y;
		fold = realloc(t->fold, (nc + 1) * sizeof(*fold));
		if (!fold)
			return CLI_EXIT_SYSTEM;
		t->fold = fold;
		t->cap = nc;
	}
	rc = cli_load(&d, ci, files, nfiles, 0);
	if (rc)
		return rc;
	err = pipeline_prepare(&p, &d.ds, &pc->po);
	if (err) {
		cli_error("%s", p.errmsg[0] ? p.errmsg : cib_strerror(err));
		rc = cli_exit_for(err);
		goto out;
	}
	for (size_t i = 0; i < L->n; i++) {
		uint32_t sid;
		long a = -1;

		if (L->set[i] && L->set[i] != set)
			continue;
		strpool_find(&d.ds.strings, L->id[i], strlen(L->id[i]), &sid);
		if (sid == STR_NONE)
			continue;
		for (int pl = 0; pl < PLATFORM__COUNT && a < 0; pl++) {
			uint32_t idx;

			if (L->plat[i] >= 0 && pl != L->plat[i])
				continue;
			idx = dataset_find_account(&d.ds, (enum platform)pl, sid);

			if (idx != UINT32_MAX)
				a = idx;
		}
		if (a < 0)
			continue;
		memcpy(t->X + t->n * SF__COUNT, p.x + (size_t)a * SF__COUNT,
		       SF__COUNT * sizeof(*t->X));
		t->y[t->n] = L->y[i];
		t->fold[t->n] = (int)(XXH3_64bits(L->id[i], strlen(L->id[i])) % 5);
		t->npos += (size_t)t->y[t->n];
		t->n++;
	}
out:
	pipeline_release(&p);
	cli_data_release(&d);
	return rc;
}

/* Writes the model atomically to out. 0 or an exit code. */
static int save_model(const struct logit_model *m, const char *out)
{
	struct outfile of;
	const struct cli_output chk = { out, NULL, NULL };
	int rc = cli_outputs_check(&chk, 1);

	if (rc)
		return rc;
	if (outfile_open(&of, out)) {
		cli_error("cannot write '%s': %s", out,
			  of.why ? of.why : strerror(errno));
		return CLI_EXIT_SYSTEM;
	}
	if (logit_save(m, of.f) || outfile_commit(&of)) {
		outfile_abort(&of);
		cli_error("cannot write '%s'", out);
		return CLI_EXIT_SYSTEM;
	}
	return 0;
}

/* Out-of-fold scores (5 folds) for an honest threshold: oof[i] is the
 * score of a model fitted without account i's fold. 0 or an exit code. */
static int out_of_fold(const struct logit_model *m, const double *X,
		       const int *y, const int *fold, size_t n, double ridge,
		       double *oof)
{
	char msg[256] = "";
	enum cib_err err;

	for (int f = 0; f < 5; f++) {
		double *Xf = malloc((n + 1) * SF__COUNT * sizeof(*Xf));
		int *yf = malloc((n + 1) * sizeof(*yf));
		size_t nf = 0;
		struct logit_model mf = *m;

		if (!Xf || !yf) {
			free(Xf);
			free(yf);
			return CLI_EXIT_SYSTEM;
		}
		for (size_t i = 0; i < n; i++)
			if (fold[i] != f) {
				memcpy(Xf + nf * SF__COUNT, X + i * SF__COUNT,
				       SF__COUNT * sizeof(*Xf));
				yf[nf++] = y[i];
			}
		err = logit_fit(&mf, Xf, yf, NULL, nf, ridge, msg, sizeof(msg));
		free(Xf);
		free(yf);
		if (err) {
			cli_error("fold %d: %s", f, msg);
			return cli_exit_for(err);
		}
		for (size_t i = 0; i < n; i++)
			if (fold[i] == f)
				oof[i] = logit_predict(&mf, X + i * SF__COUNT);
	}
	return 0;
}

/* The positive shares of the prior-shift strata (logit.h): accounts with
 * coordination evidence and without. Add-one smoothing keeps both inside
 * (0, 1) when a stratum is all of one class. */
static void prior_strata(struct logit_model *m, const double *X,
			 const int *y, size_t n)
{
	size_t ne = 0, pe = 0, pn = 0;

	for (size_t i = 0; i < n; i++) {
		if (pipeline_row_has_evidence(X + i * SF__COUNT)) {
			ne++;
			pe += y[i] != 0;
		} else {
			pn += y[i] != 0;
		}
	}
	m->prior_e = ((double)pe + 0.5) / ((double)ne + 1);
	m->prior_n = ((double)pn + 0.5) / ((double)(n - ne) + 1);
	m->n_train_e = ne;
}

/* The command line of 'cibscan train'. */
struct train_args {
	const char *out;
	double ridge, fpr;
	struct cli_input ci;
	struct pipe_cli pc;
};

/* argv into a (optind at the labels file after it): 0, -1 after --help,
 * or the exit code of a usage error. */
static int train_parse_args(int argc, char **argv, struct train_args *a)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "ridge", required_argument, NULL, 'r' },
		{ "target-fpr", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		PIPE_OPTIONS,
		CLI_INPUT_OPTIONS,
		{ 0 },
	};
	int c;

	a->out = NULL;
	a->ridge = 1.0;
	a->fpr = 0.005;
	cli_input_init(&a->ci);
	pipe_cli_init(&a->pc);
	optind = 1;
	while ((c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
		int r = pipe_cli_options(&a->pc, &a->ci, "train", c, optarg);

		if (r < 0)
			return CLI_EXIT_USAGE;
		if (r > 0)
			continue;
		switch (c) {
		case 'o':
			a->out = optarg;
			break;
		case 'r':
			if (cli_parse_double(optarg, &a->ridge) || a->ridge < 0)
				return cli_usage_error("train", "bad --ridge");
			break;
		case 'f':
			if (cli_parse_double(optarg, &a->fpr) || a->fpr < 0 ||
			    a->fpr >= 1)
				return cli_usage_error("train", "bad --target-fpr");
			break;
		case 'h':
			fputs(usage_text, stdout);
			return -1;
		default:
			fprintf(stderr, "try 'cibscan train --help'\n");
			return CLI_EXIT_USAGE;
		}
	}
	if (argc - optind < 2)
		return cli_usage_error("train", "need LABELS.csv and input files");
	if (!a->out)
		return cli_usage_error("train", "no output: use -o model.json");
	return pipe_cli_finish(&a->pc);
}

/* The data sets of files[0..n) (groups between '+' arguments), each run
 * through the pipeline, pooled into ts; *nsets counts them. */
static int train_load_sets(struct trainset *ts, const struct labels *L,
			   const struct train_args *a, char **files, int n,
			   int *nsets)
{
	int rc = 0;

	for (int i = 0; i < n && !rc;) {
		int j = i;

		while (j < n && strcmp(files[j], "+") != 0)
			j++;
		if (j == i)
			return cli_usage_error("train", "no input files between "
							"'+' separators");
		(*nsets)++;
		rc = trainset_add(ts, L, &a->ci, &a->pc, files + i, j - i,
				  *nsets);
		i = j + 1;
	}
	return rc;
}

/* Fits the model on ts, calibrates its threshold on out-of-fold scores
 * and sets its strata priors and source line. 0 or an exit code. */
static int train_fit(struct logit_model *m, const struct trainset *ts,
		     const struct train_args *a, const char *labels, int nsets)
{
	double *oof;
	char msg[256] = "";
	enum cib_err err;
	int rc;

	if (ts->n == 0 || ts->npos == 0 || ts->npos == ts->n) {
		cli_error("need labelled accounts of both classes in the input "
			  "(matched %zu, positive %zu)",
			  ts->n, ts->npos);
		return CLI_EXIT_DATA;
	}
	oof = malloc((ts->n + 1) * sizeof(*oof));
	if (!oof)
		return CLI_EXIT_SYSTEM;
	memset(m, 0, sizeof(*m));
	m->p = SF__COUNT;
	for (int k = 0; k < SF__COUNT; k++) {
		snprintf(m->names[k], sizeof(m->names[k]), "%s",
			 score_feature_names[k]);
		m->sign[k] = score_feature_signs[k];
	}
	rc = out_of_fold(m, ts->X, ts->y, ts->fold, ts->n, a->ridge, oof);
	if (!rc) {
		err = logit_fit(m, ts->X, ts->y, NULL, ts->n, a->ridge, msg,
				sizeof(msg));
		if (err) {
			cli_error("%s", msg);
			rc = cli_exit_for(err);
		}
	}
	if (!rc) {
		logit_calibrate_threshold(m, oof, ts->y, ts->n, a->fpr);
		prior_strata(m, ts->X, ts->y, ts->n);
		snprintf(m->source, sizeof(m->source),
			 "cibscan train on %s: %zu accounts, %zu positive, %d "
			 "data set%s; ridge %g; threshold at %.3g out-of-fold "
			 "FPR",
			 labels, ts->n, ts->npos, nsets, nsets == 1 ? "" : "s",
			 a->ridge, a->fpr);
	}
	free(oof);
	return rc;
}

/* Before the long reads: the model may not replace one of the inputs
 * (save_model checks again, with the labels noted too). */
static int outputs_apart(const char *out, char *const *files, int n)
{
	const struct cli_output chk = { out, NULL, NULL };

	for (int i = 0; i < n; i++)
		if (strcmp(files[i], "+") != 0)
			cli_note_input(files[i]);
	return cli_outputs_check(&chk, 1);
}

/* Labels, data sets, fit, save. */
int cmd_train(int argc, char **argv)
{
	struct train_args a;
	struct labels L;
	struct logit_model m;
	struct trainset ts = { 0 };
	int rc, nsets = 0;

	rc = train_parse_args(argc, argv, &a);
	if (rc)
		return rc < 0 ? CLI_EXIT_OK : rc;
	rc = read_labels(&L, argv[optind]);
	if (rc)
		return rc;
	rc = outputs_apart(a.out, argv + optind + 1, argc - optind - 1);
	if (!rc)
		rc = train_load_sets(&ts, &L, &a, argv + optind + 1,
				     argc - optind - 1, &nsets);
	if (!rc)
		rc = train_fit(&m, &ts, &a, argv[optind], nsets);
	if (!rc)
		rc = save_model(&m, a.out);
	if (!rc)
		fprintf(stderr, "cibscan: trained on %zu accounts (%zu positive); "
				"threshold %.4f\n",
			ts.n, ts.npos, m.threshold);
	trainset_free(&ts);
	labels_free(&L);
	return rc;
}
