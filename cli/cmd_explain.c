/* cmd_explain.c - 'cibscan explain': every feature, edge and reason for one
 * account. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/timefmt.h"
#include "commands.h"
#include "core/textsafe.h"
#include "pipeopts.h"

static const char usage_text[] =
	"usage: cibscan explain [options] ACCOUNT FILE...\n\n"
	"Scores the input like 'cibscan score' and prints, for one account\n"
	"(its platform id, or @handle), its profile, every model input, the\n"
	"evidence behind each feature, its significant coordination edges,\n"
	"its cluster's tests, and its reasons.\n\n"
	"options:\n"
	"  --max-edges N        edges to list (default 50)\n"
	PIPE_HELP CLI_INPUT_HELP
	"  -h, --help           this help\n";

static long find_account(const struct dataset *ds, const char *who)
{
	int by_handle = who[0] == '@';
	const char *key = by_handle ? who + 1 : who;

	for (size_t a = 0; a < ds->acc.n; a++)
		if (!by_handle && strcmp(ds_str(ds, ds->acc.id[a]), key) == 0)
			return (long)a;
	for (size_t a = 0; a < ds->acc.n; a++)
		if (strcasecmp(ds_str(ds, ds->acc.handle[a]), key) == 0)
			return (long)a;
	return -1;
}

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

static int cmp_edge_strength(const void *x, const void *y)
{
	const struct coord_edge *a = *(const struct coord_edge *const *)x;
	const struct coord_edge *b = *(const struct coord_edge *const *)y;

	return a->log10p < b->log10p ? -1 : a->log10p > b->log10p;
}

static void explain(const struct pipeline *p, uint32_t a, long max_edges)
{
	const struct dataset *ds = p->ds;
	int32_t c = p->cl.membership[a];
	char reasons[4096];
	const struct coord_edge **mine;
	size_t n = 0;

	print_value("account", ds_str(ds, ds->acc.id[a]));
	print_value("platform",
		    platform_name((enum platform)ds->acc.platform[a]));
	print_value("handle", ds_str(ds, ds->acc.handle[a]));
	print_value("name", ds_str(ds, ds->acc.name[a]));
	print_value("location", ds_str(ds, ds->acc.location[a]));
	print_time("created", ds->acc.created[a]);
	printf("followers/following    %lld/%lld\n",
	       (long long)ds->acc.followers[a], (long long)ds->acc.following[a]);
	printf("posts                  %zu\n", postindex_count(&p->pi, a));
	printf("score                  %.4f (%s; threshold %.4f)\n",
	       p->score[a], p->flagged[a] ? "FLAGGED" : "not flagged",
	       p->threshold_used);
	if (c >= 0)
		printf("cluster                C%d (%u accounts, score %.4f): "
		       "%s\n",
		       c + 1, p->ce[c].size, p->ce[c].score,
		       pipeline_cluster_verdict(&p->ce[c]));
	else
		printf("cluster                none\n");
	pipeline_reasons(p, a, reasons, sizeof(reasons));
	print_value("reasons", reasons[0] ? reasons : "(none)");
	printf("\nmodel inputs (value x coefficient on the standardised scale):\n");
	for (int k = 0; k < SF__COUNT; k++) {
		double v = p->x[a * SF__COUNT + k];
		double z = (v - p->model.mean[k]) / p->model.sd[k];

		printf("  %-28s %10.4f  contrib %+8.3f\n", score_feature_names[k],
		       v, p->model.coef[k] * z);
	}
	printf("\nevidence:\n");
	features_describe(&p->fs, ds, &p->pi, a, stdout);
	if (c >= 0) {
		const struct cluster_evidence *ce = &p->ce[c];

		printf("\ncluster C%d tests:\n", c + 1);
		printf("  posts                 %llu\n",
		       (unsigned long long)ce->n_posts);
		printf("  shift LLR             %.2f (offset %+d min)\n",
		       ce->timing.shift_llr, ce->timing.shift_offset_min);
		printf("  breaks                lunch %.2f-%.2f h (p=%.3g), "
		       "supper %.2f-%.2f h (p=%.3g)\n",
		       ce->timing.lunch_start_h, ce->timing.lunch_end_h,
		       ce->timing.lunch_dip_p, ce->timing.supper_start_h,
		       ce->timing.supper_end_h, ce->timing.supper_dip_p);
		printf("  weekend ratio         %.3f, holiday ratio %.3f\n",
		       ce->timing.weekend_ratio, ce->timing.holiday_ratio);
		printf("  reuse share           %.3f\n", ce->reuse_share);
		printf("  creation batch share  %.3f\n", ce->batch_share);
		printf("  persona switch share  %.3f\n", ce->switch_share);
		printf("  inside engagement     %.3f of %llu\n",
		       ce->inside_engagement,
		       (unsigned long long)ce->engagement_received);
		printf("  time-zone spread      %.3f (modal offset %d min)\n",
		       ce->tz_spread, ce->modal_offset_min);
		printf("  collective tests      office p=%.3g, creation batch "
		       "p=%.3g (%u of %u dated members on %u days), persona "
		       "switch p=%.3g (%u), location mismatch p=%.3g (%u of "
		       "%u), echo chamber p=%.3g\n",
		       ce->p_office, ce->p_batch, ce->batch_members,
		       ce->n_dated, ce->batch_days, ce->p_switch, ce->n_switch,
		       ce->p_location, ce->n_loc_mismatch, ce->n_loc_known,
		       ce->p_echo);
		printf("  inauthenticity        p=%.3g (Bonferroni over 3), "
		       "BH critical value %.3g: %s\n",
		       ce->p_inauth, ce->inauth_cut,
		       pipeline_cluster_verdict(ce));
	}
	mine = malloc((p->g.n_edges + 1) * sizeof(*mine));
	if (!mine)
		return;
	for (size_t i = 0; i < p->g.n_edges; i++)
		if (p->g.edges[i].a == a || p->g.edges[i].b == a)
			mine[n++] = &p->g.edges[i];
	qsort(mine, n, sizeof(*mine), cmp_edge_strength);
	printf("\nsignificant coordination edges: %zu\n", n);
	for (size_t i = 0; i < n && (long)i < max_edges; i++) {
		const struct coord_edge *e = mine[i];
		uint32_t other = e->a == a ? e->b : e->a;

		char id[256];

		printf("  %-24s log10 p %8.2f  expected %.3g  ",
		       textsafe_escape(id, sizeof(id),
				       ds_str(ds, ds->acc.id[other]),
				       TEXTSAFE_TERM),
		       e->log10p, e->lambda);
		for (int t = 0; t < COORD__COUNT; t++)
			if (e->x[t])
				printf(" %s=%u", coord_type_name((enum coord_type)t),
				       e->x[t]);
		printf("\n");
	}
	free(mine);
}

int cmd_explain(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "max-edges", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		PIPE_OPTIONS,
		CLI_INPUT_OPTIONS,
		{ 0 },
	};
	long max_edges = 50, acc;
	struct cli_input ci;
	struct pipe_cli pc;
	struct cli_data d;
	struct pipeline p;
	const char *who;
	int c, rc;

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
		case 'h':
			fputs(usage_text, stdout);
			return CLI_EXIT_OK;
		default:
			fprintf(stderr, "try 'cibscan explain --help'\n");
			return CLI_EXIT_USAGE;
		}
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
	acc = find_account(&d.ds, who);
	if (acc < 0) {
		cli_error("no account '%s' in the input", who);
		cli_data_release(&d);
		return CLI_EXIT_DATA;
	}
	rc = pipe_cli_run(&pc, &d, &p, 0);
	if (rc) {
		cli_data_release(&d);
		return rc;
	}
	explain(&p, (uint32_t)acc, max_edges);
	pipeline_release(&p);
	cli_data_release(&d);
	return CLI_EXIT_OK;
}
