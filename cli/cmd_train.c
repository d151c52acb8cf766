/* cmd_train.c - 'cibscan train': fits the scoring model on labelled
 * accounts and writes it as JSON for 'score --model'. The flag threshold
 * is calibrated on 5-fold out-of-fold scores, so it is not the optimistic
 * in-sample one. */
#include <csv.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "cli.h"
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
	/* parser state */
	int col_id, col_label, col_role, col_set, col_plat, col;
	size_t row;
	char *cur_id;
	int cur_y, have_y, cur_set, cur_plat;
	const char *path;
	int bad;
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

static void on_field(void *s, size_t n, void *ctx)
{
	struct labels *L = ctx;
	const char *str = s;

	if (L->row == 0) {
		if (n == 10 && !memcmp(str, "account_id", 10))
			L->col_id = L->col;
		else if (n == 6 && !memcmp(str, "userid", 6) && L->col_id < 0)
			L->col_id = L->col;
		else if (n == 5 && !memcmp(str, "label", 5))
			L->col_label = L->col;
		else if (n == 4 && !memcmp(str, "role", 4))
			L->col_role = L->col;
		else if (n == 7 && !memcmp(str, "dataset", 7))
			L->col_set = L->col;
		else if (n == 8 && !memcmp(str, "platform", 8))
			L->col_plat = L->col;
	} else if (L->col == L->col_id) {
		L->cur_id = strndup(str, n);
	} else if (L->col == L->col_label || (L->col_label < 0 &&
					       L->col == L->col_role)) {
		L->have_y = parse_label(str, n, L->col_label < 0, &L->cur_y) == 0;
	} else if (L->col == L->col_set) {
		char b[16];
		long v;
		char *end;

		if (n && n < sizeof(b)) {
			memcpy(b, str, n);
			b[n] = '\0';
			v = strtol(b, &end, 10);
			if (*end || v < 0 || v > 1000000)
				L->cur_set = -1; /* unreadable: row skipped */
			else
				L->cur_set = (int)v;
		}
	} else if (L->col == L->col_plat && n) {
		char b[32];

		if (n >= sizeof(b))
			n = sizeof(b) - 1;
		memcpy(b, str, n);
		b[n] = '\0';
		L->cur_plat = (int)platform_from_name(b);
	}
	L->col++;
}

static void on_row(int c, void *ctx)
{
	struct labels *L = ctx;

	(void)c;
	if (L->row > 0) {
		if (L->cur_id && L->have_y && L->cur_set >= 0) {
			if (L->n == L->cap) {
				size_t nc = L->cap ? L->cap * 2 : 1024;
				char **ni = realloc(L->id, nc * sizeof(*ni));
				int *ny;

				if (!ni) {
					L->bad = -1;
					return;
				}
				L->id = ni;
				ny = realloc(L->y, nc * sizeof(*ny));
				if (!ny) {
					L->bad = -1;
					return;
				}
				L->y = ny;
				ny = realloc(L->set, nc * sizeof(*ny));
				if (!ny) {
					L->bad = -1;
					return;
				}
				L->set = ny;
				ny = realloc(L->plat, nc * sizeof(*ny));
				if (!ny) {
					L->bad = -1;
					return;
				}
				L->plat = ny;
				L->cap = nc;
			}
			L->id[L->n] = L->cur_id;
			L->y[L->n] = L->cur_y;
			L->set[L->n] = L->cur_set;
			L->plat[L->n] = L->cur_plat;
			L->n++;
			L->cur_id = NULL;
		} else {
			L->bad++;
		}
	}
	free(L->cur_id);
	L->cur_id = NULL;
	L->have_y = 0;
	L->cur_set = 0;
	L->cur_plat = -1;
	L->col = 0;
	L->row++;
}

static int read_labels(struct labels *L, const char *path)
{
	struct csv_parser cp;
	FILE *f = fopen(path, "rb");
	char buf[65536];
	size_t n;

	memset(L, 0, sizeof(*L));
	L->col_id = L->col_label = L->col_role = L->col_set = -1;
	L->col_plat = -1;
	L->cur_plat = -1;
	L->path = path;
	if (!f) {
		cli_error("cannot open '%s': %s", path, strerror(errno));
		return CLI_EXIT_SYSTEM;
	}
	csv_init(&cp, CSV_APPEND_NULL);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		if (csv_parse(&cp, buf, n, on_field, on_row, L) != n) {
			cli_error("'%s': %s", path, csv_strerror(csv_error(&cp)));
			csv_free(&cp);
			fclose(f);
			return CLI_EXIT_DATA;
		}
		if (L->row == 1 && L->col_id < 0) {
			cli_error("'%s': no account_id column", path);
			csv_free(&cp);
			fclose(f);
			return CLI_EXIT_DATA;
		}
	}
	csv_fini(&cp, on_field, on_row, L);
	csv_free(&cp);
	fclose(f);
	free(L->cur_id);
	if (L->col_id < 0 || (L->col_label < 0 && L->col_role < 0)) {
		cli_error("'%s': need account_id and label (or role) columns",
			  path);
		return CLI_EXIT_DATA;
	}
	if (L->bad < 0)
		return CLI_EXIT_SYSTEM;
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

/* Long: the option switch, the training sets between '+' separators,
 * then fit, calibrate and save in sequence with one cleanup path. */
int cmd_train(int argc, char **argv)
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
	const char *out = NULL;
	double ridge = 1.0, fpr = 0.005;
	struct cli_input ci;
	struct pipe_cli pc;
	struct labels L;
	struct logit_model m;
	struct trainset ts = { 0 };
	double *X, *oof = NULL;
	int *y, *fold;
	size_t n, npos;
	char msg[256] = "";
	enum cib_err err;
	int c, rc, nsets = 0;

	cli_input_init(&ci);
	pipe_cli_init(&pc);
	optind = 1;
	while ((c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
		int r = pipe_cli_options(&pc, &ci, "train", c, optarg);

		if (r < 0)
			return CLI_EXIT_USAGE;
		if (r > 0)
			continue;
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'r':
			if (cli_parse_double(optarg, &ridge) || ridge < 0)
				return cli_usage_error("train", "bad --ridge");
			break;
		case 'f':
			if (cli_parse_double(optarg, &fpr) || fpr < 0 || fpr >= 1)
				return cli_usage_error("train", "bad --target-fpr");
			break;
		case 'h':
			fputs(usage_text, stdout);
			return CLI_EXIT_OK;
		default:
			fprintf(stderr, "try 'cibscan train --help'\n");
			return CLI_EXIT_USAGE;
		}
	}
	if (argc - optind < 2)
		return cli_usage_error("train", "need LABELS.csv and input files");
	if (!out)
		return cli_usage_error("train", "no output: use -o model.json");
	rc = pipe_cli_finish(&pc);
	if (rc)
		return rc;
	rc = read_labels(&L, argv[optind]);
	if (rc)
		return rc;
	for (int i = optind + 1; i < argc && !rc;) {
		int j = i;

		while (j < argc && strcmp(argv[j], "+") != 0)
			j++;
		if (j == i) {
			rc = cli_usage_error("train", "no input files between "
						      "'+' separators");
			break;
		}
		nsets++;
		rc = trainset_add(&ts, &L, &ci, &pc, argv + i, j - i, nsets);
		i = j + 1;
	}
	if (rc)
		goto out;
	X = ts.X;
	y = ts.y;
	fold = ts.fold;
	n = ts.n;
	npos = ts.npos;
	oof = malloc((n + 1) * sizeof(*oof));
	if (!oof) {
		rc = CLI_EXIT_SYSTEM;
		goto out;
	}
	if (n == 0 || npos == 0 || npos == n) {
		cli_error("need labelled accounts of both classes in the input "
			  "(matched %zu, positive %zu)",
			  n, npos);
		rc = CLI_EXIT_DATA;
		goto out;
	}
	memset(&m, 0, sizeof(m));
	m.p = SF__COUNT;
	for (int k = 0; k < SF__COUNT; k++) {
		snprintf(m.names[k], sizeof(m.names[k]), "%s",
			 score_feature_names[k]);
		m.sign[k] = score_feature_signs[k];
	}
	rc = out_of_fold(&m, X, y, fold, n, ridge, oof);
	if (rc)
		goto out;
	err = logit_fit(&m, X, y, NULL, n, ridge, msg, sizeof(msg));
	if (err) {
		cli_error("%s", msg);
		rc = cli_exit_for(err);
		goto out;
	}
	logit_calibrate_threshold(&m, oof, y, n, fpr);
	prior_strata(&m, X, y, n);
	snprintf(m.source, sizeof(m.source),
		 "cibscan train on %s: %zu accounts, %zu positive, %d data "
		 "set%s; ridge %g; threshold at %.3g out-of-fold FPR",
		 argv[optind], n, npos, nsets, nsets == 1 ? "" : "s", ridge,
		 fpr);
	rc = save_model(&m, out);
	if (rc)
		goto out;
	fprintf(stderr, "cibscan: trained on %zu accounts (%zu positive); "
			"threshold %.4f\n",
		n, npos, m.threshold);
out:
	trainset_free(&ts);
	free(oof);
	labels_free(&L);
	return rc;
}
