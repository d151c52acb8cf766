/* output.h - the result files other tools rely on (docs/outputs.md).
 *
 * accounts.csv: account_id,platform,handle,score,flagged,cluster_id,
 *   cluster_size,cluster_score,reasons — one row per account, by score
 *   descending (ties by account id bytes), so the contract is stable.
 * flagged.csv: account_id,platform,handle,score,cluster_id,reasons.
 * clusters.csv, edges.csv, GraphML (igraph), and one JSON document.
 * Writers only write to the FILE they are given; the caller opens it
 * atomically (core/outfile.h) and checks the commit.
 */
#ifndef CIB_OUTPUT_H
#define CIB_OUTPUT_H

#include <stdio.h>

#include "core/error.h"
#include "model/pipeline.h"

/* Row order: account indices sorted by score desc, then id. Caller frees. */
uint32_t *output_order(const struct pipeline *p);

/* The CSV tables are for people: their text cells (ids, handles,
 * reasons, members) are guarded against spreadsheet formulas
 * (core/csvout.h) unless csv_raw. */
enum cib_err output_accounts_csv(const struct pipeline *p, FILE *f,
				 int csv_raw);
enum cib_err output_flagged_csv(const struct pipeline *p, FILE *f,
				int csv_raw);
/* One account id per line, flagged only (for programs: never guarded). */
enum cib_err output_flagged_ids(const struct pipeline *p, FILE *f);
enum cib_err output_clusters_csv(const struct pipeline *p, FILE *f,
				 int csv_raw);
enum cib_err output_edges_csv(const struct pipeline *p, FILE *f,
			      int csv_raw);
enum cib_err output_graphml(const struct pipeline *p, FILE *f,
			    char *errmsg, size_t errlen);
/* settings: a short text describing the run (may be NULL). */
enum cib_err output_json(const struct pipeline *p, FILE *f,
			 const char *settings);

#endif
