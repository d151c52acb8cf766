/* output.h - the result files other tools rely on (docs/outputs.md).
 *
 * accounts.csv: account_id,platform,handle,score,flagged,cluster_id,
 *   cluster_size,cluster_score,headline,reasons — one row per account in
 *   the run's rank order (score descending, then platform, then id
 *   bytes), so the contract is stable.
 * flagged.csv: account_id,platform,handle,score,cluster_id,headline,
 *   reasons.
 * clusters.csv, edges.csv, GraphML (igraph), and one JSON document
 * (streamed: written as it goes, never built whole in memory).
 * Every writer reads only a scored run (model/run.h) and writes only to
 * the FILE it is given; the caller opens it atomically (core/outfile.h)
 * and checks the commit.
 */
#ifndef CIB_OUTPUT_H
#define CIB_OUTPUT_H

#include <stdio.h>

#include "core/error.h"
#include "model/run.h"

/* The CSV tables are for people: their text cells (ids, handles,
 * reasons, members) are guarded against spreadsheet formulas
 * (core/csvout.h) unless csv_raw. */
enum cib_err output_accounts_csv(const struct scored_run *r, FILE *f,
				 int csv_raw);
enum cib_err output_flagged_csv(const struct scored_run *r, FILE *f,
				int csv_raw);
/* One account id per line, flagged only (for programs: never guarded);
 * "platform:id" when the run's platforms mix. */
enum cib_err output_flagged_ids(const struct scored_run *r, FILE *f);
/* The flagged accounts as one JSON document (flag --json). */
enum cib_err output_flagged_json(const struct scored_run *r, FILE *f);
enum cib_err output_clusters_csv(const struct scored_run *r, FILE *f,
				 int csv_raw);
enum cib_err output_edges_csv(const struct scored_run *r, FILE *f,
			      int csv_raw);
enum cib_err output_graphml(const struct scored_run *r, FILE *f,
			    char *errmsg, size_t errlen);
/* settings: a short text describing the run (may be NULL). */
enum cib_err output_json(const struct scored_run *r, FILE *f,
			 const char *settings);

/* JSON pieces the CLI shares (explain --json): a string with JSON
 * escapes (bytes >= 0x80 as they are), a number or null. */
void output_json_string(FILE *f, const char *s);
void output_json_number(FILE *f, double v);
/* One account's reasons as a JSON array of {code, below_bar, values,
 * strings, text}. */
void output_json_reasons(const struct scored_run *r,
			 const struct run_reason *x, size_t n, FILE *f);

#endif
