/* svg.h - the few inline-SVG charts the HTML report draws: bars over a
 * day with shaded bands and a model overlay, a heat map, a daily timeline
 * with marked days, and a node-link drawing.
 *
 * Every function writes one complete <svg> element to `f` and never reads
 * beyond the arrays it is given. Text from the data (titles, labels) is
 * escaped with svg_escape(), so a label like "<script>" is drawn as text.
 * Numbers are written with a fixed number of decimals, so the output is a
 * function of the input alone (golden tests compare it).
 */
#ifndef CIB_SVG_H
#define CIB_SVG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Writes s with & < > " ' replaced by entities, so it is safe both as
 * element text and inside a double- or single-quoted attribute. At most
 * max_bytes bytes of s are written (0 = all), cut on a UTF-8 character
 * boundary and followed by an ellipsis when cut. NULL writes nothing. */
void svg_escape(FILE *f, const char *s, size_t max_bytes);

/* A shaded stretch of the x axis, in x units (e.g. hours 12.0-13.5). */
struct svg_band {
	double from, to;
	const char *label; /* drawn at the top of the band; may be NULL */
};

struct svg_bars {
	const char *title;    /* <title> and caption; may be NULL */
	const double *v;      /* n bar heights (>= 0) */
	const double *v2;     /* optional second series, stacked on v; NULL */
	size_t n;
	double x0, dx;        /* bar i covers [x0 + i dx, x0 + (i+1) dx) */
	double tick;          /* label the axis every `tick` x units */
	const double *overlay; /* n values drawn as a step line, or NULL */
	const struct svg_band *bands;
	size_t n_bands;
	const char *series[3]; /* legend names of v, v2, overlay; NULL = none */
	const char *xlabel;    /* axis titles (with units); NULL = none */
	const char *ylabel;
	int width, height;
};

/* Bar chart; with v2 the bars are stacked (v at the bottom). The y scale
 * is the largest of v + v2 and overlay. */
void svg_bars_draw(FILE *f, const struct svg_bars *b);

/* rows x cols counts (row-major) as a grid of cells whose colour goes
 * from white (0) to dark (the largest count) in 8 levels (one <path> per
 * level), with a legend giving each level's count range. Every
 * col_tick-th column boundary is labelled with column * col_units;
 * xlabel (may be NULL) is the column axis's title. */
void svg_heatmap_draw(FILE *f, const char *title, const uint32_t *cells,
		      size_t rows, size_t cols,
		      const char *const *row_labels, size_t col_tick,
		      double col_units, const char *xlabel, int width);

/* Daily counts for days day0 .. day0 + n - 1 (days since 1970-01-01);
 * marked[i] != 0 draws day i in the marked colour with a dot above the axis
 * (e.g. Chinese public holidays); mark_label names them in the legend.
 * The y axis is titled "posts per day", the x axis xlabel (e.g. the
 * days' time zone; NULL: "day"). */
void svg_timeline_draw(FILE *f, const char *title, int64_t day0,
		       const uint32_t *count, const uint8_t *marked, size_t n,
		       const char *mark_label, const char *xlabel, int width);

/* A node-link drawing. xy holds 2 n coordinates in any units (rescaled to
 * fit); node_label[i] is the tooltip of node i, node_value[i] in [0, 1]
 * its fill (score). Edge k joins ea[k] and eb[k] with colour
 * type_color[etype[k]]; the legend lists type_name[t] for t < n_types. */
struct svg_graph {
	const char *title;
	size_t n_nodes;
	const double *xy;
	const char *const *node_label;
	const double *node_value;
	size_t n_edges;
	const uint32_t *ea, *eb;
	const uint8_t *etype;
	size_t n_types;
	const char *const *type_name;
	const char *const *type_color;
	const char *value_name; /* legend title of the node colours (pale
				   yellow 0 to red 1); NULL = no such legend */
	int width, height;
};

void svg_graph_draw(FILE *f, const struct svg_graph *g);

/* The colour of heat-map value v in [0, 1] as "#rrggbb" into buf[8]:
 * linear from white to dark blue. */
void svg_ramp(double v, char buf[8]);

#endif
