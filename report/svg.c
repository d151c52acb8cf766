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

void svg_bars_draw(FILE *f, const struct svg_bars *b)
{
	int w = b->width > 0 ? b->width : 640, h = b->height > 0 ? b->height
								    : 200;
	/* room for the axis titles when there are any */
	double ml = b->ylabel ? 48 : 36, mr = 8, mt = 18,
	       mb = b->xlabel ? 44 : 30;
	double pw = w - ml - mr, ph = h - mt - mb, ymax = 0, bw;
	static const char *const colors[3] = { "#4878a8", "#e0a040",
					       "#c0392b" };

	for (size_t i = 0; i < b->n; i++) {
		double t = b->v[i] + (b->v2 ? b->v2[i] : 0);

		if (t > ymax)
			ymax = t;
		if (b->overlay && b->overlay[i] > ymax)
			ymax = b->overlay[i];
	}
	if (!(ymax > 0))
		ymax = 1;
	bw = b->n ? pw / (double)b->n : pw;
	open_svg(f, "bars", w, h, b->title);
	/* bands under the bars */
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
	/* one path per series (a subpath per bar): a 48-bar chart is two
	 * elements, not a hundred, which keeps large reports light to render */
	for (int series = 0; series < 2; series++) {
		int any = 0;

		if (series == 1 && !b->v2)
			break;
		for (size_t i = 0; i < b->n; i++) {
			double x = ml + (double)i * bw, y0 = mt + ph;
			double h1 = b->v[i] / ymax * ph, hh = h1;

			if (series == 1) {
				hh = b->v2[i] / ymax * ph;
				y0 -= h1;
			}
			if (!(hh > 0))
				continue;
			if (!any)
				fprintf(f, "<path class=\"%s\" fill=\"%s\" d=\"",
					series ? "bar2" : "bar", colors[series]);
			any = 1;
			fprintf(f, "M%.1f %.1fh%.1fv%.1fh-%.1fz", x + 0.5, y0 - hh,
				bw > 1.5 ? bw - 1 : bw, hh, bw > 1.5 ? bw - 1 : bw);
		}
		if (any)
			fputs("\"/>", f);
	}
	if (b->overlay && b->n) {
		fprintf(f, "<path class=\"model\" fill=\"none\" stroke=\"%s\" "
			   "stroke-width=\"1.5\" stroke-dasharray=\"4 2\" d=\"",
			colors[2]);
		for (size_t i = 0; i < b->n; i++) {
			double y = mt + ph - b->overlay[i] / ymax * ph;

			if (i == 0)
				fprintf(f, "M%.1f %.1f", ml, y);
			else
				fprintf(f, "V%.1f", y);
			fprintf(f, "H%.1f", ml + (double)(i + 1) * bw);
		}
		fputs("\"/>", f);
	}
	/* axes and ticks */
	fprintf(f,
		"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
		"stroke=\"#333\"/>",
		ml, mt + ph, ml + pw, mt + ph);
	if (b->tick > 0 && b->dx > 0) {
		double span = b->dx * (double)b->n;

		for (double t = 0; t <= span + 1e-9; t += b->tick) {
			char lab[32];
			double x = ml + t / b->dx * bw;

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
		ml - 34, mt + 8, ymax, ml - 34, mt + ph);
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
	{
		double lx = ml;

		for (int s = 0; s < 3; s++) {
			if (!b->series[s])
				continue;
			fprintf(f,
				"<rect x=\"%.1f\" y=\"%.1f\" width=\"8\" "
				"height=\"8\" fill=\"%s\"/><text x=\"%.1f\" "
				"y=\"%.1f\" font-size=\"10\">",
				lx, h - 10.0, colors[s], lx + 11, h - 2.0);
			svg_escape(f, b->series[s], 0);
			fputs("</text>", f);
			lx += 20 + 6.0 * (double)strlen(b->series[s]);
		}
	}
	fputs("</svg>", f);
}

void svg_heatmap_draw(FILE *f, const char *title, const uint32_t *cells,
		      size_t rows, size_t cols,
		      const char *const *row_labels, size_t col_tick,
		      double col_units, int width)
{
	int w = width > 0 ? width : 640;
	double ml = 36, mt = 6, mb = 16, cw, chh = 14;
	uint32_t mx = 0;
	int h;

	for (size_t i = 0; i < rows * cols; i++)
		if (cells[i] > mx)
			mx = cells[i];
	cw = cols ? (w - ml - 4) / (double)cols : 1;
	h = (int)(mt + chh * (double)rows + mb);
	open_svg(f, "heatmap", w, h, title);
	for (size_t r = 0; r < rows; r++) {
		if (row_labels && row_labels[r]) {
			fprintf(f,
				"<text x=\"2\" y=\"%.1f\" font-size=\"9\">",
				mt + chh * (double)r + 10);
			svg_escape(f, row_labels[r], 0);
			fputs("</text>", f);
		}
		for (size_t c = 0; c < cols; c++) {
			uint32_t v = cells[r * cols + c];
			char col[8];

			svg_ramp(mx ? (double)v / mx : 0, col);
			fprintf(f,
				"<rect class=\"cell\" x=\"%.1f\" y=\"%.1f\" "
				"width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
				"<title>%u</title></rect>",
				ml + cw * (double)c, mt + chh * (double)r, cw,
				chh - 1, col, v);
		}
	}
	if (col_tick)
		for (size_t c = 0; c <= cols; c += col_tick) {
			char lab[32];

			fmt_x((double)c * col_units, lab, sizeof(lab));
			fprintf(f,
				"<text x=\"%.1f\" y=\"%.1f\" font-size=\"9\" "
				"text-anchor=\"middle\">%s</text>",
				ml + cw * (double)c, (double)h - 4, lab);
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
	for (size_t i = 0; i < n; i++) {
		double x = ml + bw * (double)i;

		if (marked && marked[i])
			fprintf(f,
				"<rect class=\"mark\" x=\"%.1f\" y=\"%.1f\" "
				"width=\"%.1f\" height=\"%.1f\" "
				"fill=\"#f4c7c3\"/>",
				x, mt, bw > 1 ? bw : 1, ph);
		if (count[i]) {
			double hh = mx ? (double)count[i] / mx * ph : 0;

			day_label(day0 + (int64_t)i, lab);
			fprintf(f,
				"<rect class=\"day\" x=\"%.1f\" y=\"%.1f\" "
				"width=\"%.1f\" height=\"%.1f\" fill=\"#4878a8\">"
				"<title>%s: %u</title></rect>",
				x, mt + ph - hh, bw > 1 ? bw : 1, hh, lab,
				count[i]);
		}
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
	fputs("<g class=\"edges\" stroke-opacity=\"0.5\">", f);
	for (size_t k = 0; k < g->n_edges; k++) {
		uint32_t a = g->ea[k], b = g->eb[k];
		const char *col = g->etype[k] < g->n_types
					  ? g->type_color[g->etype[k]]
					  : "#999";

		if (a >= g->n_nodes || b >= g->n_nodes)
			continue;
		fprintf(f,
			"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
			"stroke=\"%s\"/>",
			GX(a), GY(a), GX(b), GY(b), col);
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

		for (size_t t = 0; t < g->n_types; t++) {
			fprintf(f,
				"<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
				"stroke=\"%s\" stroke-width=\"3\"/>"
				"<text x=\"%.1f\" y=\"%d\" font-size=\"10\">",
				lx, h - 8, lx + 14, h - 8, g->type_color[t],
				lx + 17, h - 4);
			svg_escape(f, g->type_name[t], 0);
			fputs("</text>", f);
			lx += 26 + 6.0 * (double)strlen(g->type_name[t]);
		}
	}
	fputs("</svg>", f);
}
