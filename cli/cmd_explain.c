/* cmd_explain.c - 'cibscan explain': one account's score taken apart (the
 * intercept and each input's contribution, adding up to the score), its
 * reasons, why it was or was not flagged, its partners by handle, its
 * copied texts and its cluster's tests; from the inputs (scored here) or
 * from a saved run (--run, no scoring). Text, or one JSON document. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "core/textsafe.h"
#include "core/timefmt.h"
#include "pipeopts.h"
#include "report/output.h"
#include "report/reasons.h"

static const char usage_text[] =
	"usage: cibscan explain [options] ACCOUNT FILE...\n"
	"       cibscan explain --run run.FILE [options] ACCOUNT\n\n"
	"Prints, for one account (its platform id, platform:id, or @handle),\n"
	"its score taken apart (the intercept and every model input's\n"
	"contribution, which add up to the score), its reasons, why it was or\n"
	"was not flagged, its significant coordination edges with partners by\n"
	"handle, its copied texts and its cluster's tests. With the inputs it\n"
	"scores them like 'cibscan score' and adds the account's profile and\n"
	"feature evidence; with --run it reads a saved run and scores nothing.\n\n"
	"options:\n"
	"  --max-edges N        edges to list (default 50)\n"
	"  --json               one JSON document instead of text\n"
	PIPE_RUN_HELP PIPE_HELP CLI_INPUT_HELP
	"  -h, --help           this help\n";

/* A value from the data: control characters shown as \xNN. */
static void print_value(const char *label, const char *v)
{
	printf("%-22s ", label);
	textsafe_fputs(stdout, v, TEXTSAFE_TERM);
	fputc('\n', stdout);
}

static void print_time(const char *label, int64_t t)
{
	char b[32];

	if (t == TIME_NONE) {
		printf("%-22s unknown\n", label);
		return;
	}
	timefmt_format_utc(t, b);
	printf("%-22s %s\n", label, b);
}

/* "@handle (platform:id)", escaped for the terminal */
static void print_who(const struct scored_run *r, size_t a)
{
	const char *h = run_str(r, r->acc[a].handle);

	if (*h) {
		fputc('@', stdout);
		textsafe_fputs(stdout, h, TEXTSAFE_TERM);
		fputs(" (", stdout);
	}
	printf("%s:", platform_name((enum platform)r->acc[a].platform));
	textsafe_fputs(stdout, run_str(r, r->acc[a].id), TEXTSAFE_TERM);
	if (*h)
		fputc(')', stdout);
}

static double logit_of(double s)
{
	return log(s / (1 - s));
}

/* contribution of input k: coefficient x standardised value */
static double contrib(const struct scored_run *r, size_t a, int k)
{
	const struct run_meta *m = &r->meta;
	double v = r->x[a * SF__COUNT + k];

	if (!isfinite(v))
		v = m->mean[k];
	return m->sd[k] != 0 ? m->coef[k] * (v - m->mean[k]) / m->sd[k] : 0;
}

/* the account's identity, score, headline and cluster lines */
static void explain_head(const struct scored_run *r, size_t a)
{
	const struct run_account *A = &r->acc[a];
	const struct run_meta *m = &r->meta;
	char buf[REASONS_CAP], cl[32];

	print_value("account", run_str(r, A->id));
	print_value("platform", platform_name((enum platform)A->platform));
	print_value("handle", run_str(r, A->handle));
	printf("%-22s %u\n", "posts", A->n_posts);
	if (m->n_flagged)
		printf("%-22s %.4f (%s; lowest flagged score %.4f)\n", "score",
		       A->score, A->flagged ? "FLAGGED" : "not flagged",
		       m->threshold_used);
	else
		printf("%-22s %.4f (not flagged; no account was flagged)\n",
		       "score", A->score);
	reasons_account_headline(r, a, buf, sizeof(buf));
	print_value("headline", buf[0] ? buf : "(none)");
	if (!A->flagged) {
		reasons_why_not(r, a, buf, sizeof(buf));
		print_value("why not flagged", buf);
	}
	if (A->cluster >= 0) {
		const struct run_cluster *C = &r->cl[A->cluster];

		run_cluster_label(r, a, cl, sizeof(cl));
		printf("%-22s %s (%u accounts, mean score %.4f): %s\n", "cluster",
		       cl, C->size, C->score,
		       reasons_cluster_verdict(r, (size_t)A->cluster));
		reasons_cluster_headline(r, (size_t)A->cluster, buf, sizeof(buf));
		print_value("cluster headline", buf);
	} else {
		printf("%-22s none\n", "cluster");
	}
}

/* the account's reasons, one line each */
static void explain_reasons(const struct scored_run *r, size_t a)
{
	const struct run_account *A = &r->acc[a];
	char buf[REASONS_CAP];

	printf("\nreasons%s:\n", A->flagged ? "" : " (signals below the bar)");
	if (!A->n_reasons)
		printf("  (none)\n");
	for (uint32_t i = 0; i < A->n_reasons; i++) {
		reasons_one(r, &r->reasons[A->reason_off + i], buf, sizeof(buf));
		fputs("  - ", stdout);
		textsafe_fputs(stdout, buf, TEXTSAFE_TERM);
		fputc('\n', stdout);
	}
}

/* the score taken apart: intercept, each feature's contribution, the
 * input's prior shift and the total */
static void explain_score(const struct scored_run *r, size_t a)
{
	const struct run_account *A = &r->acc[a];
	const struct run_meta *m = &r->meta;
	double z = m->intercept;

	printf("\nscore taken apart (log-odds; coefficient x standardised "
	       "input):\n");
	printf("  %-28s %10s  %+9.3f\n", "intercept", "", m->intercept);
	for (int k = 0; k < SF__COUNT; k++) {
		double c = contrib(r, a, k);

		z += c;
		/* + 0.0: a zero coefficient times a negative z prints as 0 */
		printf("  %-28s %10.4f  %+9.3f\n", score_feature_names[k],
		       r->x[a * SF__COUNT + k], c + 0.0);
	}
	printf("  %-28s %10s  %+9.3f\n", "sum (the model's log-odds)", "", z);
	if (A->score > 0 && A->score < 1) {
		double l = logit_of(A->score);

		printf("  %-28s %10s  %+9.3f\n", "prior shift (this input)", "",
		       l - z);
		printf("  %-28s %10s  %+9.3f = score %.4f\n", "total", "", l,
		       A->score);
	} else {
		printf("  %-28s score %.4f (at the edge of the scale)\n", "total",
		       A->score);
	}
}

/* the account's texts also posted by other accounts */
static void explain_texts(const struct scored_run *r, size_t a)
{
	const struct run_account *A = &r->acc[a];

	if (!A->n_texts)
		return;
	printf("\ncopied texts (also posted by other accounts):\n");
	for (uint32_t i = 0; i < A->n_texts; i++) {
		const struct run_text *t = &r->texts[A->text_off + i];

		printf("  [%u accounts] ", t->accounts);
		textsafe_fputs(stdout, run_str(r, t->text), TEXTSAFE_TERM);
		fputc('\n', stdout);
	}
}

/* the tests of the account's cluster, when it is in one */
static void explain_cluster_tests(const struct scored_run *r, size_t a)
{
	const struct run_account *A = &r->acc[a];
	const struct run_cluster *C;
	char cl[32];

	if (A->cluster < 0)
		return;
	C = &r->cl[A->cluster];
	run_cluster_label(r, a, cl, sizeof(cl));
	printf("\ncluster %s tests:\n", cl);
	printf("  posts                 %llu\n",
	       (unsigned long long)C->n_posts);
	printf("  shift LLR             %.2f (offset %+d min)\n",
	       C->shift_llr, C->shift_offset_min);
	printf("  breaks                lunch %.2f-%.2f h (p=%.3g), "
	       "supper %.2f-%.2f h (p=%.3g)\n",
	       C->lunch_start_h, C->lunch_end_h, C->lunch_dip_p,
	       C->supper_start_h, C->supper_end_h, C->supper_dip_p);
	printf("  weekend ratio         %.3f, holiday ratio %.3f\n",
	       C->weekend_ratio, C->holiday_ratio);
	printf("  reuse share           %.3f\n", C->reuse_share);
	printf("  creation batch share  %.3f\n", C->batch_share);
	printf("  persona switch share  %.3f\n", C->switch_share);
	printf("  inside engagement     %.3f of %llu\n",
	       C->inside_engagement,
	       (unsigned long long)C->engagement_received);
	printf("  time-zone spread      %.3f (modal offset %d min)\n",
	       C->tz_spread, C->modal_offset_min);
	printf("  collective tests      office p=%.3g, creation batch "
	       "p=%.3g (%u of %u dated members on %u days), persona "
	       "switch p=%.3g (%u), location mismatch p=%.3g (%u of "
	       "%u), echo chamber p=%.3g\n",
	       C->p_office, C->p_batch, C->batch_members, C->n_dated,
	       C->batch_days, C->p_switch, C->n_switch, C->p_location,
	       C->n_loc_mismatch, C->n_loc_known, C->p_echo);
	printf("  inauthenticity        p=%.3g (Bonferroni over 3), "
	       "BH critical value %.3g: %s\n",
	       C->p_inauth, C->inauth_cut,
	       reasons_cluster_verdict(r, (size_t)A->cluster));
}

/* the account's significant coordination edges, up to max_edges */
static void explain_edges(const struct scored_run *r, size_t a,
			  long max_edges)
{
	const struct run_account *A = &r->acc[a];

	printf("\nsignificant coordination edges: %u\n", A->n_edges);
	for (uint32_t i = 0; i < A->n_edges && (long)i < max_edges; i++) {
		const struct run_edge *e = &r->edges[r->edge_idx[A->edge_off + i]];
		size_t other = e->a == a ? e->b : e->a;

		printf("  log10 p %8.2f  expected %-8.3g ", e->log10p, e->lambda);
		print_who(r, other);
		for (int t = 0; t < COORD__COUNT; t++)
			if (e->x[t])
				printf(" %s=%u", coord_type_name((enum coord_type)t),
				       e->x[t]);
		printf("\n");
	}
}

/* The listing, one block per section in print order. */
static void explain_text(const struct scored_run *r, size_t a, long max_edges)
{
	explain_head(r, a);
	explain_reasons(r, a);
	explain_score(r, a);
	explain_texts(r, a);
	explain_cluster_tests(r, a);
	explain_edges(r, a, max_edges);
}

static void jfield(const char *k, int *first)
{
	if (!*first)
		fputc(',', stdout);
	*first = 0;
	output_json_string(stdout, k);
	fputc(':', stdout);
}

static void explain_json(const struct scored_run *r, size_t a, long max_edges)
{
	const struct run_account *A = &r->acc[a];
	const struct run_meta *m = &r->meta;
	char buf[REASONS_CAP], cl[32];
	double z = m->intercept;
	int first = 1;

	fputc('{', stdout);
	jfield("account_id", &first);
	output_json_string(stdout, run_str(r, A->id));
	jfield("platform", &first);
	output_json_string(stdout, platform_name((enum platform)A->platform));
	jfield("handle", &first);
	output_json_string(stdout, run_str(r, A->handle));
	jfield("posts", &first);
	printf("%u", A->n_posts);
	jfield("score", &first);
	output_json_number(stdout, A->score);
	jfield("flagged", &first);
	fputs(A->flagged ? "true" : "false", stdout);
	jfield("lowest_flagged_score", &first);
	output_json_number(stdout, m->n_flagged ? m->threshold_used : NAN);
	reasons_account_headline(r, a, buf, sizeof(buf));
	jfield("headline", &first);
	output_json_string(stdout, buf);
	reasons_why_not(r, a, buf, sizeof(buf));
	jfield("why_not_flagged", &first);
	if (A->flagged)
		fputs("null", stdout);
	else
		output_json_string(stdout, buf);
	jfield("cluster_id", &first);
	run_cluster_label(r, a, cl, sizeof(cl));
	if (A->cluster >= 0)
		output_json_string(stdout, cl);
	else
		fputs("null", stdout);
	reasons_account_details(r, a, buf, sizeof(buf));
	jfield("reasons", &first);
	output_json_string(stdout, buf);
	jfield("reason_codes", &first);
	output_json_reasons(r, r->reasons + A->reason_off, A->n_reasons, stdout);
	jfield("intercept", &first);
	output_json_number(stdout, m->intercept);
	jfield("contributions", &first);
	fputc('[', stdout);
	for (int k = 0; k < SF__COUNT; k++) {
		double c = contrib(r, a, k);

		z += c;
		printf("%s{\"input\":", k ? "," : "");
		output_json_string(stdout, score_feature_names[k]);
		fputs(",\"value\":", stdout);
		output_json_number(stdout, r->x[a * SF__COUNT + k]);
		fputs(",\"contribution\":", stdout);
		output_json_number(stdout, c);
		fputc('}', stdout);
	}
	fputc(']', stdout);
	jfield("log_odds_model", &first);
	output_json_number(stdout, z);
	jfield("prior_shift", &first);
	output_json_number(stdout, A->score > 0 && A->score < 1
					   ? logit_of(A->score) - z
					   : NAN);
	jfield("copied_texts", &first);
	fputc('[', stdout);
	for (uint32_t i = 0; i < A->n_texts; i++) {
		const struct run_text *t = &r->texts[A->text_off + i];

		printf("%s{\"accounts\":%u,\"text\":", i ? "," : "", t->accounts);
		output_json_string(stdout, run_str(r, t->text));
		fputc('}', stdout);
	}
	fputc(']', stdout);
	jfield("edges", &first);
	printf("{\"total\":%u,\"listed\":[", A->n_edges);
	for (uint32_t i = 0; i < A->n_edges && (long)i < max_edges; i++) {
		const struct run_edge *e = &r->edges[r->edge_idx[A->edge_off + i]];
		size_t other = e->a == a ? e->b : e->a;

		printf("%s{\"account_id\":", i ? "," : "");
		output_json_string(stdout, run_str(r, r->acc[other].id));
		fputs(",\"platform\":", stdout);
		output_json_string(stdout, platform_name(
						   (enum platform)r->acc[other].platform));
		fputs(",\"handle\":", stdout);
		output_json_string(stdout, run_str(r, r->acc[other].handle));
		fputs(",\"log10p\":", stdout);
		output_json_number(stdout, e->log10p);
		fputs(",\"expected\":", stdout);
		output_json_number(stdout, e->lambda);
		fputs(",\"types\":{", stdout);
		for (int t = 0, n = 0; t < COORD__COUNT; t++)
			if (e->x[t])
				printf("%s\"%s\":%u", n++ ? "," : "",
				       coord_type_name((enum coord_type)t), e->x[t]);
		fputs("}}", stdout);
	}
	fputs("]}", stdout);
	if (A->cluster >= 0) {
		reasons_cluster_details(r, (size_t)A->cluster, buf, sizeof(buf));
		jfield("cluster_reasons", &first);
		output_json_string(stdout, buf);
	}
	fputs("}\n", stdout);
}

/* The profile and feature evidence, which only the dataset holds. */
static void explain_dataset(const struct pipeline *p, uint32_t a)
{
	const struct dataset *ds = p->ds;

	printf("\nprofile:\n");
	print_value("name", ds_str(ds, ds->acc.name[a]));
	print_value("location", ds_str(ds, ds->acc.location[a]));
	print_time("created", ds->acc.created[a]);
	printf("followers/following    %lld/%lld\n",
	       (long long)ds->acc.followers[a], (long long)ds->acc.following[a]);
	printf("\nevidence:\n");
	features_describe(&p->fs, ds, &p->pi, a, stdout);
}

/* a full disk or a closed pipe must not look like success */
static int flush_stdout(void)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_error("cannot write to standard output");
		return CLI_EXIT_SYSTEM;
	}
	return CLI_EXIT_OK;
}

static int find(const struct scored_run *r, const char *who, long *acc)
{
	*acc = run_find_account(r, who);
	if (*acc == -2) {
		cli_error("'%s' is an id on several platforms: give it as "
			  "platform:id",
			  who);
		return CLI_EXIT_USAGE;
	}
	if (*acc < 0) {
		cli_error("no account '%s' in the input", who);
		return CLI_EXIT_DATA;
	}
	return CLI_EXIT_OK;
}

int cmd_explain(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "max-edges", required_argument, NULL, 'm' },
		{ "json", no_argument, NULL, 'j' },
		{ "run", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		PIPE_OPTIONS,
		CLI_INPUT_OPTIONS,
		{ 0 },
	};
	long max_edges = 50, acc;
	const char *run_path = NULL;
	struct scored_run run;
	struct cli_input ci;
	struct pipe_cli pc;
	struct cli_data d;
	struct pipeline p;
	const char *who;
	int c, rc, json = 0;

	cli_input_init(&ci);
	pipe_cli_init(&pc);
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		int r = pipe_cli_options(&pc, &ci, "explain", c, optarg);

		if (r < 0)
			return CLI_EXIT_USAGE;
		if (r > 0)
			continue;
		switch (c) {
		case 'm':
			if (cli_parse_long(optarg, &max_edges) || max_edges < 0)
				return cli_usage_error("explain",
						       "bad --max-edges '%s'",
						       optarg);
			break;
		case 'j':
			json = 1;
			break;
		case 'R':
			run_path = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return CLI_EXIT_OK;
		default:
			fprintf(stderr, "try 'cibscan explain --help'\n");
			return CLI_EXIT_USAGE;
		}
	}
	if (run_path && pc.n_scoring)
		return cli_usage_error("explain", "scoring options do not apply "
						  "to a saved run (--run)");
	if (run_path) {
		if (argc - optind != 1)
			return cli_usage_error("explain", "with --run: one ACCOUNT "
							  "and no input files");
		rc = pipe_cli_load_run(run_path, &run);
		if (rc)
			return rc;
		rc = find(&run, argv[optind], &acc);
		if (!rc) {
			if (json)
				explain_json(&run, (size_t)acc, max_edges);
			else
				explain_text(&run, (size_t)acc, max_edges);
			rc = flush_stdout();
		}
		run_release(&run);
		return rc;
	}
	if (argc - optind < 2)
		return cli_usage_error("explain", "need an ACCOUNT and input files");
	who = argv[optind];
	rc = pipe_cli_finish(&pc);
	if (rc)
		return rc;
	rc = cli_load(&d, &ci, argv + optind + 1, argc - optind - 1, 0);
	if (rc)
		return rc;
	rc = pipe_cli_score(&pc, &d, argv + optind + 1, argc - optind - 1, &p,
			    &run, 0);
	if (rc) {
		cli_data_release(&d);
		return rc;
	}
	rc = find(&run, who, &acc);
	if (!rc) {
		if (json) {
			explain_json(&run, (size_t)acc, max_edges);
		} else {
			explain_text(&run, (size_t)acc, max_edges);
			explain_dataset(&p, run.ds_index[acc]);
		}
		rc = flush_stdout();
	}
	run_release(&run);
	pipeline_release(&p);
	cli_data_release(&d);
	return rc;
}
