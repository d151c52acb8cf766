/* test_report.c - the report's building blocks against hand-computed
 * values: escaping (the XSS cases), the chart geometry, the office-shift
 * overlay's segment means, and a whole report of a small dataset checked
 * for structure and for escaped data strings. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "report/output.h"
#include "model/pipeline.h"
#include "report/report.h"
#include "report/svg.h"

static char *buf;
static size_t buflen;

static FILE *mem_open(void)
{
	FILE *f;

	free(buf);
	buf = NULL;
	buflen = 0;
	f = open_memstream(&buf, &buflen);
	assert_non_null(f);
	return f;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = strstr(hay, needle); p;
	     p = strstr(p + strlen(needle), needle))
		n++;
	return n;
}

static void test_escape(void **state)
{
	static const struct {
		const char *in;
		size_t max;
		const char *out;
	} cases[] = {
		{ "<script>alert(1)</script>", 0,
		  "&lt;script&gt;alert(1)&lt;/script&gt;" },
		{ "\"><img src=x onerror=alert(1)>", 0,
		  "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" },
		{ "it's a & b", 0, "it&#39;s a &amp; b" },
		{ "plain", 0, "plain" },
		{ "", 0, "" },
		/* cut at 4 bytes: never inside the 3-byte character */
		{ "ab\xE4\xB8\xADz", 4, "ab\xE2\x80\xA6" },
		{ "abcdef", 3, "abc\xE2\x80\xA6" },
		{ "abc", 3, "abc" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		FILE *f = mem_open();

		svg_escape(f, cases[i].in, cases[i].max);
		fclose(f);
		assert_string_equal(buf, cases[i].out);
	}
}

static void test_ramp(void **state)
{
	char c[8];

	(void)state;
	svg_ramp(0, c);
	assert_string_equal(c, "#ffffff");
	svg_ramp(1, c);
	assert_string_equal(c, "#08306b");
	svg_ramp(2, c); /* clamped */
	assert_string_equal(c, "#08306b");
	svg_ramp(NAN, c);
	assert_string_equal(c, "#ffffff");
	/* half way: 255 - 0.5 * 247 = 131.5 -> 132 (0x84); 255 - 103.5 =
	 * 151.5 -> 152 (0x98); 255 - 74 = 181 (0xb5) */
	svg_ramp(0.5, c);
	assert_string_equal(c, "#8498b5");
}

static void test_bars_geometry(void **state)
{
	static const double v[3] = { 1, 2, 4 };
	struct svg_bars b;
	FILE *f = mem_open();

	(void)state;
	memset(&b, 0, sizeof(b));
	b.title = "t<1>";
	b.v = v;
	b.n = 3;
	b.dx = 1;
	b.width = 336;
	b.height = 200;
	svg_bars_draw(f, &b);
	fclose(f);
	/* plot 292 x 152 from (36, 18): bar i starts at 36 + 292 i / 3 + 0.5,
	 * heights 152 v / 4, tops at 170 - height, width 292/3 - 1 */
	assert_non_null(strstr(buf, "<title>t&lt;1&gt;</title>"));
	assert_non_null(strstr(buf, "<path class=\"bar\" fill=\"#4878a8\" d=\""
				    "M36.5 132.0h96.3v38.0h-96.3z"
				    "M133.8 94.0h96.3v76.0h-96.3z"
				    "M231.2 18.0h96.3v152.0h-96.3z\"/>"));
	assert_int_equal(count(buf, "class=\"bar\""), 1);
	assert_int_equal(strncmp(buf, "<svg ", 5), 0);
	assert_non_null(strstr(buf, "</svg>"));
}

static void test_heatmap_and_timeline(void **state)
{
	uint32_t cells[2 * 3] = { 0, 1, 2, 3, 4, 0 };
	static const char *const rows[2] = { "Mon", "<b>" };
	uint32_t cnt[4] = { 5, 0, 2, 1 };
	uint8_t mk[4] = { 0, 1, 1, 0 };
	FILE *f = mem_open();

	(void)state;
	svg_heatmap_draw(f, "h", cells, 2, 3, rows, 1, 0.5, "hour (UTC)", 300);
	fclose(f);
	/* max 4, 8 levels: 1 -> level 2, 2 -> 4, 3 -> 6, 4 -> 8, 0 -> 0; one
	 * path per level present */
	assert_int_equal(count(buf, "class=\"cell\""), 5);
	/* the largest count is the darkest colour, zero is white */
	assert_non_null(strstr(buf, "data-level=\"8\" fill=\"#08306b\""));
	assert_non_null(strstr(buf, "data-level=\"0\" fill=\"#ffffff\""));
	/* cw = (300 - 36 - 4) / 3 = 86.67; row 0 col 0 (0) and row 1 col 2
	 * (0) are the zero level's two cells */
	assert_non_null(strstr(buf, "d=\"M36.0 6.0h86.7v13.0h-86.7z"
				    "M209.3 20.0h86.7v13.0h-86.7z\""));
	/* legend ranges: level 2 is the count 1, level 8 the count 4 */
	assert_non_null(strstr(buf, ">posts per cell:</text>"));
	assert_non_null(strstr(buf, ">4</text>"));
	assert_non_null(strstr(buf, "class=\"axis-title\""));
	assert_non_null(strstr(buf, "&lt;b&gt;"));
	assert_null(strstr(buf, "<b>"));
	f = mem_open();
	/* day 17897 = 2019-01-01 */
	svg_timeline_draw(f, "t", 17897, cnt, mk, 4, "holiday", NULL, 400);
	fclose(f);
	/* one path of bars and one of marked days; pw = 400 - 56 = 344,
	 * 86 per day, ph = 96, tallest 5 */
	assert_int_equal(count(buf, "class=\"day\""), 1);
	assert_int_equal(count(buf, "class=\"mark\""), 1);
	assert_non_null(strstr(buf, "d=\"M134.0 10.0h86.0v96.0h-86.0z"
				    "M220.0 10.0h86.0v96.0h-86.0z\""));
	assert_non_null(strstr(buf, "d=\"M48.0 10.0h86.0v96.0h-86.0z"
				    "M220.0 67.6h86.0v38.4h-86.0z"
				    "M306.0 86.8h86.0v19.2h-86.0z\""));
	assert_non_null(strstr(buf, ">2019-01-01</text>"));
}

static void test_graph(void **state)
{
	static const double xy[6] = { 0, 0, 1, 0, 0, 1 };
	static const char *const lab[3] = { "a", "<b>", "c" };
	static const double val[3] = { 0, 0.5, 1 };
	static const uint32_t ea[2] = { 0, 1 }, eb[2] = { 1, 2 };
	static const uint8_t et[2] = { 0, 1 };
	static const char *const tn[2] = { "co_repost", "co_post" };
	static const char *const tc[2] = { "#111111", "#222222" };
	struct svg_graph g;
	FILE *f = mem_open();

	(void)state;
	memset(&g, 0, sizeof(g));
	g.n_nodes = 3;
	g.xy = xy;
	g.node_label = lab;
	g.node_value = val;
	g.n_edges = 2;
	g.ea = ea;
	g.eb = eb;
	g.etype = et;
	g.n_types = 2;
	g.type_name = tn;
	g.type_color = tc;
	g.value_name = "account score:";
	g.width = 224;
	g.height = 254;
	svg_graph_draw(f, &g);
	fclose(f);
	/* coordinates rescaled to [12, 212] x [12, 212] */
	assert_non_null(strstr(buf, "cx=\"12.0\" cy=\"12.0\""));
	assert_non_null(strstr(buf, "cx=\"212.0\" cy=\"12.0\""));
	assert_non_null(strstr(buf, "cx=\"12.0\" cy=\"212.0\""));
	assert_non_null(strstr(buf, "stroke=\"#111111\" d=\"M12.0 12.0L212.0 "
				    "12.0\""));
	assert_non_null(strstr(buf, "stroke=\"#222222\" d=\"M212.0 12.0L12.0 "
				    "212.0\""));
	assert_int_equal(count(buf, "class=\"edge\""), 2);
	/* the node colour legend */
	assert_non_null(strstr(buf, ">account score:</text>"));
	assert_int_equal(count(buf, "class=\"node\""), 3);
	assert_non_null(strstr(buf, "<title>&lt;b&gt;</title>"));
	/* score 0: (240, 230, 160); score 1: (240, 40, 30) */
	assert_non_null(strstr(buf, "fill=\"#f0e6a0\""));
	assert_non_null(strstr(buf, "fill=\"#f0281e\""));
}

static void test_shift_overlay(void **state)
{
	double tot[48], out[48];
	struct timing_fit tf;

	(void)state;
	for (int s = 0; s < 48; s++)
		tot[s] = s;
	memset(&tf, 0, sizeof(tf));
	tf.n = 100;
	tf.lunch_start_h = 12.0;
	tf.lunch_end_h = 13.5;
	tf.supper_start_h = 17.5;
	tf.supper_end_h = 19.0;
	assert_int_equal(report_shift_overlay(tot, &tf, out), 1);
	/* morning 18..23, lunch 24..26, afternoon 27..34, supper 35..37,
	 * evening 38..43, off duty 0..17 and 44..47 */
	assert_true(fabs(out[18] - 20.5) < 1e-12);
	assert_true(fabs(out[23] - 20.5) < 1e-12);
	assert_true(fabs(out[24] - 25.0) < 1e-12);
	assert_true(fabs(out[30] - 30.5) < 1e-12);
	assert_true(fabs(out[36] - 36.0) < 1e-12);
	assert_true(fabs(out[40] - 40.5) < 1e-12);
	assert_true(fabs(out[0] - 335.0 / 22.0) < 1e-12);
	assert_true(fabs(out[47] - 335.0 / 22.0) < 1e-12);
	/* no supper: afternoon is 10 slots (27..36); off 0..17, 37..47 */
	tf.supper_start_h = tf.supper_end_h = NAN;
	assert_int_equal(report_shift_overlay(tot, &tf, out), 1);
	assert_true(fabs(out[27] - 31.5) < 1e-12);
	assert_true(fabs(out[40] - 615.0 / 29.0) < 1e-12);
	/* a morning that wraps past midnight: lunch 01:00-02:00 */
	tf.lunch_start_h = 1.0;
	tf.lunch_end_h = 2.0;
	assert_int_equal(report_shift_overlay(tot, &tf, out), 1);
	assert_true(fabs(out[44] - 30.5) < 1e-12);
	assert_true(fabs(out[1] - 30.5) < 1e-12);
	tf.lunch_start_h = NAN;
	assert_int_equal(report_shift_overlay(tot, &tf, out), 0);
}

/* A whole report of a tiny dataset: hostile strings in every field that
 * reaches the page, titles and inputs included. */
/* run_build_taking: the run run_build makes, byte for byte, with the
 * pipeline's model inputs moved into rank order instead of copied. */
static void test_run_taking_inputs(void **state)
{
	struct dataset ds;
	struct pipeline p;
	struct pipeline_opts po;
	struct scored_run r1, r2;
	char *a = NULL, *b = NULL;
	size_t na = 0, nb = 0, moved = 0;
	FILE *f;

	(void)state;
	dataset_init(&ds);
	for (int a0 = 0; a0 < 40; a0++) {
		/* two crews of different sizes, scattered over the rows:
		 * each posts its own words and link seconds apart */
		int crew = a0 % 4 == 1 ? 1 : a0 % 4 == 2 && a0 < 20 ? 2 : 0;
		char id[8];

		snprintf(id, sizeof(id), "a%d", a0);
		for (int k = 0; k < 5 + a0 % 7 * 3; k++) {
			struct post_rec pr;
			char pid[16];
			const char *url[1] = { crew == 1 ? "https://e.org/1"
							 : "https://e.org/2" };
			const enum entity_type ut[1] = { ENT_URL };

			post_rec_init(&pr);
			snprintf(pid, sizeof(pid), "p%d_%d", a0, k);
			pr.platform = PLATFORM_X;
			pr.id = pid;
			pr.account_id = id;
			pr.time = 1546300800 + 7200 * (int64_t)k +
				  (crew ? a0 % 9 : 613 * a0 % 3600);
			pr.text = crew == 1   ? "the same words of crew one"
				  : crew == 2 ? "other words crew two posts"
					      : pid;
			if (crew) {
				pr.ent_str = url;
				pr.ent_type = ut;
				pr.n_ent = 1;
			}
			assert_int_equal(dataset_add_post(&ds, &pr, NULL),
					 CIB_OK);
		}
	}
	pipeline_opts_init(&po);
	assert_int_equal(pipeline_run(&p, &ds, &po), CIB_OK);
	assert_int_equal(run_build(&r1, &p, &po, "s"), CIB_OK);
	assert_non_null(p.x);
	assert_int_equal(run_build_taking(&r2, &p, &po, "s"), CIB_OK);
	assert_null(p.x);
	for (size_t i = 0; i < r1.n_accounts; i++)
		moved += r1.ds_index[i] != i;
	assert_true(moved > 0); /* the rank order is not the rows' */
	assert_memory_equal(r1.x, r2.x,
			    r1.n_accounts * SF__COUNT * sizeof(*r1.x));
	f = open_memstream(&a, &na);
	assert_non_null(f);
	assert_int_equal(run_save(&r1, f), CIB_OK);
	fclose(f);
	f = open_memstream(&b, &nb);
	assert_non_null(f);
	assert_int_equal(run_save(&r2, f), CIB_OK);
	fclose(f);
	assert_int_equal(na, nb);
	assert_memory_equal(a, b, na);
	free(a);
	free(b);
	run_release(&r1);
	run_release(&r2);
	pipeline_release(&p);
	dataset_release(&ds);
}

static void test_report_escapes_everything(void **state)
{
	static const char *const evil = "<script>alert(1)</script>";
	static const char *const evil2 = "\"><img src=x onerror=alert(2)>";
	struct dataset ds;
	struct pipeline p;
	struct pipeline_opts po;
	struct report_opts ro;
	struct scored_run run;
	struct review_decision dec = { 0, "x", "a0", "confirm", evil, evil2,
				       "2020" };
	const char *inputs[1] = { evil2 };
	char err[256];
	FILE *f;

	(void)state;
	dataset_init(&ds);
	for (int a = 0; a < 3; a++) {
		struct account_rec ar;
		char id[8];

		account_rec_init(&ar);
		snprintf(id, sizeof(id), "a%d", a);
		ar.platform = PLATFORM_X;
		ar.id = id;
		ar.handle = evil;
		ar.location = evil2;
		ar.created = 1546300800;
		assert_int_equal(dataset_add_account(&ds, &ar, NULL), CIB_OK);
		for (int k = 0; k < 20; k++) {
			struct post_rec pr;
			char pid[16];

			post_rec_init(&pr);
			snprintf(pid, sizeof(pid), "p%d_%d", a, k);
			pr.platform = PLATFORM_X;
			pr.id = pid;
			pr.account_id = id;
			pr.time = 1546300800 + 3600 * (int64_t)k + 60 * a;
			pr.text = k % 2 ? evil : evil2;
			assert_int_equal(dataset_add_post(&ds, &pr, NULL),
					 CIB_OK);
		}
	}
	pipeline_opts_init(&po);
	assert_int_equal(pipeline_run(&p, &ds, &po), CIB_OK);
	report_opts_init(&ro);
	ro.title = evil;
	ro.settings = evil2;
	ro.inputs = inputs;
	ro.n_inputs = 1;
	ro.decisions = &dec;
	ro.n_decisions = 1;
	ro.store = evil;
	/* every account gets a section, whatever the model flags */
	for (size_t a = 0; a < ds.acc.n; a++)
		p.flagged[a] = 1;
	assert_int_equal(run_build(&run, &p, &po, evil2), CIB_OK);
	ro.run = &run;
	f = mem_open();
	assert_int_equal(report_write(&p, &ro, f, err, sizeof(err)), CIB_OK);
	fclose(f);
	/* one script element, ours, at the end */
	assert_int_equal(count(buf, "<script"), 1);
	assert_non_null(strstr(buf, "<script>(function(){"));
	assert_null(strstr(buf, "<img"));
	assert_null(strstr(buf, "onerror=alert(2)>"));
	assert_non_null(strstr(buf, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	assert_non_null(strstr(buf, "&quot;&gt;&lt;img src=x onerror=alert(2)"
				    "&gt;"));
	/* structure: summary, both tables, one section per account, the
	 * decision shown beside account a0 */
	assert_int_equal(count(buf, "<section id=\"summary\">"), 1);
	assert_int_equal(count(buf, "<table id=\"t-clusters\""), 1);
	assert_int_equal(count(buf, "<table id=\"t-accounts\""), 1);
	assert_int_equal(count(buf, "<section class=\"account\""), 3);
	assert_int_equal(count(buf, "<span class=\"dec confirm\">"), 2);
	assert_non_null(strstr(buf, "default-src 'none'"));
	/* nothing that could load: the only URL is the SVG namespace */
	assert_int_equal(count(buf, "http"),
			 1 + count(buf, "xmlns=\"http://www.w3.org/2000/svg\""));
	assert_int_equal(count(buf, "http-equiv"), 1);
	assert_null(strstr(buf, "<link"));
	run_release(&run);
	pipeline_release(&p);
	dataset_release(&ds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_ramp),
		cmocka_unit_test(test_bars_geometry),
		cmocka_unit_test(test_heatmap_and_timeline),
		cmocka_unit_test(test_graph),
		cmocka_unit_test(test_shift_overlay),
		cmocka_unit_test(test_report_escapes_everything),
		cmocka_unit_test(test_run_taking_inputs),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	free(buf);
	return rc;
}
