/* bench500.c - measures the report of one very large cluster (issue 5's
 * budget: a 500-account cluster under 10 MB). The pipeline's clusters on
 * synthetic data stay small (Leiden splits networks), so this harness runs
 * the pipeline, then merges every cluster whose mean score is at least 0.5
 * into cluster 0 (members, summed timing profile, refitted timing) and
 * writes the report of that. Not part of `make check`: built and run by
 * tests/browser/bench500.sh.
 *
 * usage: bench500 ARCHIVE.csv OUT.html */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_errno.h>
#include <igraph.h>

#include "collectors/ingest.h"
#include "model/pipeline.h"
#include "report/report.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct dataset ds;
	struct diag dg;
	struct ingest in;
	struct ingest_opts io;
	struct pipeline p;
	struct pipeline_opts po;
	struct report_opts ro;
	struct cluster_evidence *ce0;
	int32_t *map;
	uint32_t size = 0, flagged = 0;
	double t0, t1;
	FILE *f;
	char err[256];

	if (argc != 3) {
		fprintf(stderr, "usage: bench500 ARCHIVE.csv OUT.html\n");
		return 2;
	}
	igraph_set_error_handler(igraph_error_handler_printignore);
	gsl_set_error_handler_off();
	dataset_init(&ds);
	diag_init(&dg, 0);
	ingest_opts_init(&io);
	ingest_init(&in, &ds, &dg, &io);
	if (ingest_file(&in, argv[1], FORMAT_AUTO)) {
		fprintf(stderr, "bench500: %s\n", in.errmsg);
		return 1;
	}
	pipeline_opts_init(&po);
	if (pipeline_run(&p, &ds, &po)) {
		fprintf(stderr, "bench500: %s\n", p.errmsg);
		return 1;
	}
	fprintf(stderr, "bench500: %zu accounts, %zu posts, %zu edges, %zu "
			"clusters\n",
		ds.acc.n, ds.post.n, p.g.n_edges, p.cl.n_clusters);
	if (!p.cl.n_clusters)
		return 1;
	/* merge the high-scoring clusters into cluster 0 */
	map = malloc((p.cl.n_clusters + 1) * sizeof(*map));
	if (!map) {
		fprintf(stderr, "bench500: out of memory\n");
		return 3;
	}
	ce0 = &p.ce[0];
	for (size_t c = 0; c < p.cl.n_clusters; c++)
		map[c] = p.ce[c].score >= 0.5 ? 0 : -1;
	timing_profile_init(&ce0->profile);
	ce0->n_posts = 0;
	ce0->n_flagged = 0;
	ce0->n_edges = 0;
	for (size_t a = 0; a < ds.acc.n; a++) {
		int32_t c = p.cl.membership[a];

		if (c < 0)
			continue;
		p.cl.membership[a] = map[c];
		if (map[c] == 0) {
			size++;
			flagged += p.flagged[a];
		} else {
			p.flagged[a] = 0;
		}
	}
	for (size_t j = 0; j < ds.post.n; j++)
		if (p.cl.membership[ds.post.account[j]] == 0) {
			timing_profile_add_post(&ce0->profile, &p.fs.tctx,
						ds.post.time[j], ds.post.flags[j]);
			ce0->n_posts++;
		}
	for (size_t e = 0; e < p.g.n_edges; e++)
		if (p.cl.membership[p.g.edges[e].a] == 0 &&
		    p.cl.membership[p.g.edges[e].b] == 0)
			ce0->n_edges++;
	timing_fit_profile(&ce0->profile, &ce0->timing);
	ce0->size = size;
	ce0->n_flagged = flagged;
	p.n_flagged = flagged;
	p.cl.n_clusters = 1;
	report_opts_init(&ro);
	ro.inputs = (const char *const *)&argv[1];
	ro.n_inputs = 1;
	f = fopen(argv[2], "w");
	if (!f) {
		perror(argv[2]);
		return 3;
	}
	t0 = now();
	if (report_write(&p, &ro, f, err, sizeof(err))) {
		fprintf(stderr, "bench500: %s\n", err);
		return 1;
	}
	t1 = now();
	fprintf(stderr, "bench500: one cluster of %u accounts (%u flagged, "
			"%u internal edges), report written in %.2f s\n",
		size, flagged, ce0->n_edges, t1 - t0);
	fclose(f);
	free(map);
	pipeline_release(&p);
	ingest_release(&in);
	dataset_release(&ds);
	return 0;
}
