/* svg.c - inline SVG charts for the HTML report.
 *
 * Invariants: every function writes one well-formed <svg> element; data
 * strings only reach the output through svg_escape(); coordinates are
 * printed with one decimal so output is deterministic and compact (a
 * 500-account report stays within its size budget, docs/report.md).
 */
#include "report/svg.h"

#include <math.h>
#include <string.h>

#include "core/civil.h"

void svg_escape(FILE *f, const char *s, size_t max_bytes)
{
	size_t n, i;
	int cut = 0;

	if (!s)
		return;
	n = strlen(s);
	if (max_bytes && n > max_bytes) {
		n = max_bytes;
		/* back off to the start of a UTF-8 character */
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
		cut = 1;
	}
	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		default:
			fputc(s[i], f);
		}
	}
	if (cut)
		fputs("\xE2\x80\xA6", f);
}

void svg_ramp(double v, char buf[8])
{
	/* white (255,255,255) to dark blue (8,48,107) */
	int r, g, b;

	if (!(v > 0))
		v = 0;
	if (v > 1)
		v = 1;
	r = (int)lround(255 - v * (255 - 8));
	g = (int)lround(255 - v * (255 - 48));
	b = (int)lround(255 - v * (255 - 107));
	snprintf(buf, 8, "#%02x%02x%02x", r, g, b);
}

static void open_svg(FILE *f, const char *cls, int w, int h,
		     const char *title)
{
	fprintf(f,
		"<svg class=\"chart %s\" xmlns=\"http://www.w3.org/2000/svg\" "
		"width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">",
		cls, w, h, w, h);
	if (title) {
		fputs("<title>", f);
		svg_escape(f, title, 0);
		fputs("</title>", f);
	}
}

static void fmt_x(double x, char *buf, size_t n)
{
	if (fabs(x - round(x)) < 1e-9)
		snprintf(buf, n, "%.0f", x);
	else
		snprintf(buf, n, "%.1f", x);
}

static const char *const bar_colors[3] = { "#4878a8", "#e0a040", "#c0392b" };

/* a bar chart's plot area: margins left and top, plot width and height,
 * bar width, the y axis' top and the chart's height */
struct bars_frame {
	double ml, mt, pw, ph, bw, ymax;
	int h;
};

/* bands under the bars (a band past the end of the axis wraps) */
static void bars_bands(FILE *f, const struct svg_bars *b,
		       const struct bars_frame *fr)
{
	double ml = fr->ml, mt = fr->mt, pw = fr->pw, ph = fr->ph, bw = fr->bw;

	for (size_t k = 0; k < b->n_bands; k++) {
		const struct svg_band *bd = &b->bands[k];
		double x1, x2;

		if (!isfinite(bd->from) || !isfinite(bd->to) || !(b->dx > 0))
			continue;
		x1 = ml + (bd->from - b->x0) / b->dx * bw;
		x2 = ml + (bd->to - b->x0) / b->dx * bw;
		if (x2 < x1) { /* wraps past the end of the axis */
			fprintf(f,
				"<rect class=\"band\" x=\"%.1f\" y=\"%.1f\" "
				"width=\"%.1f\" height=\"%.1f\" fill=\"#ddd\"/>",
				ml, mt, x2 - ml, ph);
			x2 = ml + pw;
		}
		fprintf(f,
			"<rect class=\"band\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
			"height=\"%.1f\" fill=\"#ddd\"/>",
			x1, mt, x2 - x1, ph);
		if (bd->label) {
			fprintf(f,
				"<text x=\"%.1f\" y=\"%.1f\" font-size=\"9\" "
				"fill=\"#666\">",
				x1 + 1, mt - 4);
			svg_escape(f, bd->label, 0);
			fputs("</text>", f);
		}
	}
}

/* one path per series (a subpath per bar): a 48-bar chart is two
 * elements, not a hundred, which keeps large reports light to render;
 * the second series stacks on the first */
static void bars_series(FILE *f, const struct svg_bars *b,
			const struct bars_frame *fr)
{
	double ml = fr->ml, mt = fr->mt, ph = fr->ph, bw = fr->bw;

	for (int series = 0; series < 2; series++) {
		int any = 0;

		if (series == 1 && !b->v2)
			break;
		for (size_t i = 0; i < b->n; i++) {
			double x = ml + (double)i * bw, y0 = mt + ph;
			double h1 = b->v[i] / fr->ymax * ph, hh = h1;

			if (series == 1) {
				hh = b->v2[i] / fr->ymax * ph;
				y0 -= h1;
			}
			if (!(hh > 0))
				continue;
			if (!any)
				fprintf(f, "<path class=\"%s\" fill=\"%s\" d=\"",
					series ? "bar2" : "bar",
					bar_colors[series]);
			any = 1;
			fprintf(f, "M%.1f %.1fh%.1fv%.1fh-%.1fz", x + 0.5, y0 - hh,
				bw > 1.5 ? bw - 1 : bw, hh, bw > 1.5 ? bw - 1 : bw);
		}
		if (any)
			fputs("\"/>", f);
	}
}

/* the overlay (a model's expectation) as a dashed step line */
static void bars_overlay(FILE *f, const struct svg_bars *b,
			 const struct bars_frame *fr)
{
	fprintf(f, "<path class=\"model\" fill=\"none\" stroke=\"%s\" "
		   "stroke-width=\"1.5\" stroke-dasharray=\"4 2\" d=\"",
		bar_colors[2]);
	for (size_t i = 0; i < b->n; i++) {
		double y = fr->mt + fr->ph - b->overlay[i] / fr->ymax * fr->ph;

		if (i == 0)
			fprintf(f, "M%.1f %.1f", fr->ml, y);
		else
			fprintf(f, "V%.1f", y);
		fprintf(f, "H%.1f", fr->ml + (double)(i + 1) * fr->bw);
	}
	fputs("\"/>", f);
}

/* the x axis with its ticks, the y axis' range and the axis titles */
static void bars_axes(FILE *f, const struct svg_bars *b,
		      const struct bars_frame *fr)
{
	double ml = fr->ml, mt = fr->mt, pw = fr->pw, ph = fr->ph;

	fprintf(f,
		"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
		"stroke=\"#333\"/>",
		ml, mt + ph, ml + pw, mt + ph);
	if (b->tick > 0 && b->dx > 0) {
		double span = b->dx * (double)b->n;

		for (double t = 0; t <= span + 1e-9; t += b->tick) {
			char lab[32];
			double x = ml + t / b->dx * fr->bw;

			fmt_x(b->x0 + t, lab, sizeof(lab));
			fprintf(f,
				"<text x=\"%.1f\" y=\"%.1f\" font-size=\"9\" "
				"text-anchor=\"middle\">%s</text>",
				x, mt + ph + 11, lab);
		}
	}
	fprintf(f,
		"<text x=\"%.0f\" y=\"%.1f\" font-size=\"9\">%.0f</text>"
		"<text x=\"%.0f\" y=\"%.1f\" font-size=\"9\">0</text>",
		ml - 34, mt + 8, fr->ymax, ml - 34, mt + ph);
	if (b->xlabel) {
		fprintf(f,
			"<text class=\"axis-title\" x=\"%.1f\" y=\"%.1f\" "
			"font-size=\"10\" text-anchor=\"middle\">",
			ml + pw / 2, mt + ph + 24);
		svg_escape(f, b->xlabel, 0);
		fputs("</text>", f);
	}
	if (b->ylabel) {
		fprintf(f,
			"<text class=\"axis-title\" transform=\"rotate(-90)\" "
			"x=\"%.1f\" y=\"10\" font-size=\"10\" "
			"text-anchor=\"middle\">",
			-(mt + ph / 2));
		svg_escape(f, b->ylabel, 0);
		fputs("</text>", f);
	}
}

/* the legend: a swatch and name per named series, along the bottom */
static void bars_legend(FILE *f, const struct svg_bars *b,
			const struct bars_frame *fr)
{
	double lx = fr->ml;

	for (int s = 0; s < 3; s++) {
		if (!b->series[s])
			continue;
		fprintf(f,
			"<rect x=\"%.1f\" y=\"%.1f\" width=\"8\" "
			"height=\"8\" fill=\"%s\"/><text x=\"%.1f\" "
			"y=\"%.1f\" font-size=\"10\">",
			lx, fr->h - 10.0, bar_colors[s], lx + 11, fr->h - 2.0);
		svg_escape(f, b->series[s], 0);
		fputs("</text>", f);
		lx += 20 + 6.0 * (double)strlen(b->series[s]);
	}
}

void svg_bars_draw(FILE *f, const struct svg_bars *b)
{
	int w = b->width > 0 ? b->width : 640, h = b->height > 0 ? b->height
								    : 200;
	/* room for the axis titles when there are any */
	double ml = b->ylabel ? 48 : 36, mr = 8, mt = 18,
	       mb = b->xlabel ? 44 : 30;
	struct bars_frame fr;

	fr.ml = ml;
	fr.mt = mt;
	fr.pw = w - ml - mr;
	fr.ph = h - mt - mb;
	fr.h = h;
	fr.ymax = 0;
	for (size_t i = 0; i < b->n; i++) {
		double t = b->v[i] + (b->v2 ? b->v2[i] : 0);

		if (t > fr.ymax)
			fr.ymax = t;
		if (b->overlay && b->overlay[i] > fr.ymax)
			fr.ymax = b->overlay[i];
	}
	if (!(fr.ymax > 0))
		fr.ymax = 1;
	fr.bw = b->n ? fr.pw / (double)b->n : fr.pw;
	open_svg(f, "bars", w, h, b->title);
	bars_bands(f, b, &fr);
	bars_series(f, b, &fr);
	if (b->overlay && b->n)
		bars_overlay(f, b, &fr);
	bars_axes(f, b, &fr);
	bars_legend(f, b, &fr);
	fputs("</svg>", f);
}

/* The heat map's colour levels: a cell's count v of the largest mx is
 * drawn at level ceil(v / mx * HEAT_LEVELS) (0 only for v = 0), each level
 * one <path> with the ramp's colour at level / HEAT_LEVELS. Eight levels
 * keep the picture (and the legend) readable and the SVG small: 336 cells
 * are at most nine elements, not 336 titled rects. */
#define HEAT_LEVELS 8

static unsigned heat_level(uint32_t v, uint32_t mx)
{
	if (!v || !mx)
		return 0;
	return (unsigned)ceil((double)v / mx * HEAT_LEVELS);
}

void svg_heatmap_draw(FILE *f, const char *title, const uint32_t *cells,
		      size_t rows, size_t cols,
		      const char *const *row_labels, size_t col_tick,
		      double col_units, const char *xlabel, int width)
{
	int w = width > 0 ? width : 640;
	double ml = 36, mt = 6, mb = xlabel ? 46 : 32, cw, chh = 14;
	uint32_t mx = 0;
	int h;

	for (size_t i = 0; i < rows * cols; i++)
		if (cells[i] > mx)
			mx = cells[i];
	cw = cols ? (w - ml - 4) / (double)cols : 1;
	h = (int)(mt + chh * (double)rows + mb);
	open_svg(f, "heatmap", w, h, title);
	for (size_t r = 0; r < rows; r++)
		if (row_labels && row_labels[r]) {
			fprintf(f,
				"<text x=\"2\" y=\"%.1f\" font-size=\"9\">",
				mt + chh * (double)r + 10);
			svg_escape(f, row_labels[r], 0);
			fputs("</text>", f);
		}
	for (unsigned lv = 0; lv <= HEAT_LEVELS; lv++) {
		int any = 0;
		char col[8];

		svg_ramp((double)lv / HEAT_LEVELS, col);
		for (size_t r = 0; r < rows; r++)
			for (size_t c = 0, e; c < cols; c = e) {
				/* a run of cells of this level is one rect */
				for (e = c + 1; e < cols &&
						heat_level(cells[r * cols + e], mx) ==
							heat_level(cells[r * cols + c], mx);
				     e++)
					;
				if (heat_level(cells[r * cols + c], mx) != lv)
					continue;
				if (!any)
					fprintf(f, "<path class=\"cell\" "
						   "data-level=\"%u\" fill=\"%s\" "
						   "d=\"",
						lv, col);
				any = 1;
				fprintf(f, "M%.1f %.1fh%.1fv%.1fh-%.1fz",
					ml + cw * (double)c,
					mt + chh * (double)r,
					cw * (double)(e - c), chh - 1,
					cw * (double)(e - c));
			}
		if (any)
			fputs("\"/>", f);
	}
	if (col_tick)
		for (size_t c = 0; c <= cols; c += col_tick) {
			char lab[32];

			fmt_x((double)c * col_units, lab, sizeof(lab));
			fprintf(f,
				"<text x=\"%.1f\" y=\"%.1f\" font-size=\"9\" "
				"text-anchor=\"middle\">%s</text>",
				ml + cw * (double)c,
				mt + chh * (double)rows + 10, lab);
		}
	if (xlabel) {
		fprintf(f,
			"<text class=\"axis-title\" x=\"%.1f\" y=\"%.1f\" "
			"font-size=\"10\" text-anchor=\"middle\">",
			ml + (w - ml) / 2, mt + chh * (double)rows + 23);
		svg_escape(f, xlabel, 0);
		fputs("</text>", f);
	}
	/* the colour legend: each level's swatch and its count range */
	{
		double lx = ml;

		fprintf(f, "<g class=\"legend\"><text x=\"%.1f\" y=\"%d\" "
			   "font-size=\"10\">posts per cell:</text>",
			lx, h - 2);
		lx += 84;
		for (unsigned lv = 0; lv <= HEAT_LEVELS; lv++) {
			char col[8], lab[48];
			uint32_t lo, hi;

			if (lv == 0) {
				snprintf(lab, sizeof(lab), "0");
			} else {
				/* counts v with ceil(v / mx * L) = lv */
				lo = (uint32_t)floor((double)(lv - 1) * mx /
						     HEAT_LEVELS) + 1;
				hi = (uint32_t)floor((double)lv * mx /
						     HEAT_LEVELS);
				if (lo > hi)
					continue; /* no count falls here */
				if (lo == hi)
					snprintf(lab, sizeof(lab), "%u", lo);
				else
					snprintf(lab, sizeof(lab), "%u-%u", lo,
						 hi);
			}
			svg_ramp((double)lv / HEAT_LEVELS, col);
			fprintf(f,
				"<rect x=\"%.1f\" y=\"%d\" width=\"8\" height=\"8\" "
				"fill=\"%s\" stroke=\"#999\" stroke-width=\"0.5\"/>"
				"<text x=\"%.1f\" y=\"%d\" font-size=\"10\">%s</text>",
				lx, h - 10, col, lx + 10, h - 2, lab);
			lx += 18 + 6.0 * (double)strlen(lab);
		}
		fputs("</g>", f);
	}
	fputs("</svg>", f);
}

static void day_label(int64_t day, char buf[16])
{
	int64_t y;
	unsigned m, d;

	civil_date_from_days(day, &y, &m, &d);
	snprintf(buf, 16, "%04lld-%02u-%02u", (long long)y, m, d);
}

void svg_timeline_draw(FILE *f, const char *title, int64_t day0,
		       const uint32_t *count, const uint8_t *marked, size_t n,
		       const char *mark_label, const char *xlabel, int width)
{
	int w = width > 0 ? width : 900, h = 156;
	double ml = 48, mr = 8, mt = 10, mb = 50, pw = w - ml - mr,
	       ph = h - mt - mb, bw;
	uint32_t mx = 0;
	size_t tick;
	char lab[16];

	for (size_t i = 0; i < n; i++)
		if (count[i] > mx)
			mx = count[i];
	bw = n ? pw / (double)n : pw;
	open_svg(f, "timeline", w, h, title);
	/* one path for the marked days, one for the bars (a subpath per day):
	 * ten years of days are two elements, not 3660 titled rects */
	for (int series = 0; series < 2; series++) {
		int any = 0;

		for (size_t i = 0; i < n; i++) {
			double x = ml + bw * (double)i, y, hh;

			if (series == 0) {
				if (!marked || !marked[i])
					continue;
				y = mt;
				hh = ph;
			} else {
				if (!count[i])
					continue;
				hh = mx ? (double)count[i] / mx * ph : 0;
				y = mt + ph - hh;
			}
			if (!any)
				fprintf(f, "<path class=\"%s\" fill=\"%s\" d=\"",
					series ? "day" : "mark",
					series ? "#4878a8" : "#f4c7c3");
			any = 1;
			fprintf(f, "M%.1f %.1fh%.1fv%.1fh-%.1fz", x, y,
				bw > 1 ? bw : 1, hh, bw > 1 ? bw : 1);
		}
		if (any)
			fputs("\"/>", f);
	}
	fprintf(f,
		"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
		"stroke=\"#333\"/>",
		ml, mt + ph, ml + pw, mt + ph);
	tick = n > 8 ? n / 6 : 1;
	for (size_t i = 0; i < n; i += tick) {
		day_label(day0 + (int64_t)i, lab);
		fprintf(f,
			"<text x=\"%.1f\" y=\"%.1f\" font-size=\"9\">%s</text>",
			ml + bw * (double)i, mt + ph + 11, lab);
	}
	fprintf(f, "<text x=\"14\" y=\"%.1f\" font-size=\"9\">%u</text>",
		mt + 8, mx);
	fprintf(f,
		"<text class=\"axis-title\" x=\"%.1f\" y=\"%.1f\" "
		"font-size=\"10\" text-anchor=\"middle\">",
		ml + pw / 2, mt + ph + 24);
	svg_escape(f, xlabel ? xlabel : "day", 0);
	fprintf(f,
		"</text><text class=\"axis-title\" transform=\"rotate(-90)\" "
		"x=\"%.1f\" y=\"10\" font-size=\"10\" "
		"text-anchor=\"middle\">posts per day</text>",
		-(mt + ph / 2));
	if (mark_label) {
		fprintf(f,
			"<rect x=\"%.1f\" y=\"%d\" width=\"8\" height=\"8\" "
			"fill=\"#f4c7c3\"/><text x=\"%.1f\" y=\"%d\" "
			"font-size=\"10\">",
			ml, h - 10, ml + 11, h - 2);
		svg_escape(f, mark_label, 0);
		fputs("</text>", f);
	}
	fputs("</svg>", f);
}

void svg_graph_draw(FILE *f, const struct svg_graph *g)
{
	int w = g->width > 0 ? g->width : 600, h = g->height > 0 ? g->height
								    : 500;
	double xmin = INFINITY, xmax = -INFINITY, ymin = INFINITY,
	       ymax = -INFINITY, m = 12, sx, sy, r;

	for (size_t i = 0; i < g->n_nodes; i++) {
		xmin = fmin(xmin, g->xy[2 * i]);
		xmax = fmax(xmax, g->xy[2 * i]);
		ymin = fmin(ymin, g->xy[2 * i + 1]);
		ymax = fmax(ymax, g->xy[2 * i + 1]);
	}
	sx = xmax > xmin ? (w - 2 * m) / (xmax - xmin) : 0;
	sy = ymax > ymin ? (h - 30 - 2 * m) / (ymax - ymin) : 0;
	r = g->n_nodes > 200 ? 3 : g->n_nodes > 50 ? 4.5 : 6;
	open_svg(f, "graph", w, h, g->title);
#define GX(i) (sx ? m + (g->xy[2 * (i)] - xmin) * sx : w / 2.0)
#define GY(i) (sy ? m + (g->xy[2 * (i) + 1] - ymin) * sy : (h - 30) / 2.0)
	/* one path per edge type (a subpath per edge) */
	fputs("<g class=\"edges\" stroke-opacity=\"0.5\" fill=\"none\">", f);
	for (size_t t = 0; t <= g->n_types; t++) {
		int any = 0;

		for (size_t k = 0; k < g->n_edges; k++) {
			uint32_t a = g->ea[k], b = g->eb[k];
			size_t et = g->etype[k] < g->n_types ? g->etype[k]
							     : g->n_types;

			if (et != t || a >= g->n_nodes || b >= g->n_nodes)
				continue;
			if (!any)
				fprintf(f, "<path class=\"edge\" stroke=\"%s\" d=\"",
					t < g->n_types && g->type_color[t]
						? g->type_color[t]
						: "#999");
			any = 1;
			fprintf(f, "M%.1f %.1fL%.1f %.1f", GX(a), GY(a), GX(b),
				GY(b));
		}
		if (any)
			fputs("\"/>", f);
	}
	fputs("</g><g class=\"nodes\" stroke=\"#333\" stroke-width=\"0.5\">",
	      f);
	for (size_t i = 0; i < g->n_nodes; i++) {
		char col[8];
		double v = g->node_value ? g->node_value[i] : 0.5;

		/* score 0 pale yellow .. 1 red */
		snprintf(col, sizeof(col), "#%02x%02x%02x", 240,
			 (int)lround(230 - 190 * fmin(1, fmax(0, v))),
			 (int)lround(160 - 130 * fmin(1, fmax(0, v))));
		fprintf(f,
			"<circle class=\"node\" cx=\"%.1f\" cy=\"%.1f\" "
			"r=\"%.1f\" fill=\"%s\"><title>",
			GX(i), GY(i), r, col);
		if (g->node_label)
			svg_escape(f, g->node_label[i], 200);
		fputs("</title></circle>", f);
	}
#undef GX
#undef GY
	fputs("</g>", f);
	{
		double lx = 4;
		/* two legend rows: edge colours, then node colours */
		int y1 = g->value_name ? h - 20 : h - 8;

		for (size_t t = 0; t < g->n_types; t++) {
			fprintf(f,
				"<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
				"stroke=\"%s\" stroke-width=\"3\"/>"
				"<text x=\"%.1f\" y=\"%d\" font-size=\"10\">",
				lx, y1, lx + 14, y1,
				g->type_color[t] ? g->type_color[t] : "#999",
				lx + 17, y1 + 4);
			svg_escape(f, g->type_name[t], 0);
			fputs("</text>", f);
			lx += 26 + 6.0 * (double)strlen(g->type_name[t]);
		}
		/* the node colours: value 0, 0.5 and 1 */
		if (g->value_name) {
			lx = 4;
			fprintf(f, "<text x=\"%.1f\" y=\"%d\" font-size=\"10\">",
				lx, h - 2);
			svg_escape(f, g->value_name, 0);
			fputs("</text>", f);
			lx += 12 + 6.0 * (double)strlen(g->value_name);
			for (int q = 0; q <= 2; q++) {
				double v = q / 2.0;

				fprintf(f,
					"<circle cx=\"%.1f\" cy=\"%d\" r=\"4\" "
					"fill=\"#%02x%02x%02x\" stroke=\"#333\" "
					"stroke-width=\"0.5\"/><text x=\"%.1f\" "
					"y=\"%d\" font-size=\"10\">%s</text>",
					lx + 4, h - 6, 240,
					(int)lround(230 - 190 * v),
					(int)lround(160 - 130 * v), lx + 10, h - 2,
					q == 0 ? "0" : q == 1 ? "0.5" : "1");
				lx += 30;
			}
		}
	}
	fputs("</svg>", f);
}
