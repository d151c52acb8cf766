/* report.h - the HTML evidence report: one self-contained file (inline CSS,
 * inline SVG charts, one small inline script for sorting and filtering; no
 * external resources, and a Content-Security-Policy that forbids loading
 * any) showing a scored pipeline's clusters and flagged accounts with the
 * evidence behind every reason, and optionally the review store's
 * decisions beside them. Layout and caps: docs/report.md.
 *
 * Every string that comes from the data is escaped (svg_escape), so a post
 * containing "<script>" renders as text.
 */
#ifndef CIB_REPORT_H
#define CIB_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/error.h"
#include "model/pipeline.h"
#include "model/run.h"
#include "review/store.h"

struct report_opts {
	const struct scored_run *run; /* built from the pipeline given to
					 report_write (its ranks and reasons;
					 required) */
	const char *title;          /* NULL: "cibscan evidence report" */
	const char *settings;       /* the run's options in words; may be NULL */
	const char *const *inputs;  /* input file names shown in the summary */
	size_t n_inputs;
	uint64_t n_bad;             /* malformed records skipped on input */
	uint64_t seed;              /* seeds igraph's RNG for graph layouts */
	size_t max_account_sections; /* flagged accounts given a section
					(highest scores first; default 250) */
	size_t max_graph_edges;     /* edges drawn per cluster, strongest
				       first (default 3000) */
	size_t max_members_listed;  /* member rows per cluster (default 200) */
	size_t max_cluster_sections; /* clusters given a section, flagged
					first by score (default 100) */
	size_t max_table_rows;      /* rows of the flagged-accounts and
				       clusters tables (default 2000) */
	const struct review_decision *decisions; /* may be NULL */
	size_t n_decisions;
	const char *store;          /* review store path shown; may be NULL */
};

void report_opts_init(struct report_opts *o);

/* Writes the report for p to f. Only writes to f; the caller opens it
 * atomically and checks the commit. CIB_ENOMEM, or CIB_ELIB with errmsg
 * set when igraph fails to lay out a graph. */
enum cib_err report_write(const struct pipeline *p,
			  const struct report_opts *o, FILE *f, char *errmsg,
			  size_t errlen);

/* The office-shift overlay drawn over a rhythm chart: the template's
 * segments placed at tf's fitted breaks (morning 6 half-hour slots before
 * lunch, lunch, afternoon up to supper or 10 slots, supper, evening 6
 * slots, off duty the rest), each at the mean of tot[] (48 half-hour
 * counts) over its slots. Returns 0 (out untouched) when tf has no fitted
 * lunch break. */
int report_shift_overlay(const double *tot, const struct timing_fit *tf,
			 double *out);

/* The inline script (data/report.js, embedded at build time), exactly as
 * the page carries it; its SHA-256 is in the page's
 * Content-Security-Policy. */
const char *report_script(void);

#endif
