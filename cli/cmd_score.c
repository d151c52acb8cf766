/* cmd_score.c - 'cibscan score': the main job. Reads exports, scores every
 * account and cluster, writes the accounts table and optional clusters,
 * edges, GraphML and JSON. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "core/clock.h"
#include "core/memstep.h"
#include "report/output.h"
#include "model/run.h"
#include "model/siteacc.h"
#include "pipeopts.h"

#ifdef CIB_MPI
#include <limits.h>
#include <sched.h>
#include <unistd.h>

#include "mpi/mpi_coord.h"
#include "mpi/mpi_fatal.h"
#include "mpi/mpi_feat.h"
#include "mpi/mpi_ingest.h"
#endif

static const char usage_text[] =
	"usage: cibscan score [options] FILE... -o accounts.csv\n\n"
	"Scores every account for coordinated inauthentic behaviour: builds a\n"
	"coordination graph (co-reposts, copied texts, shared links, hashtag\n"
	"sequences, co-replies) weighted by significance against chance,\n"
	"clusters it, tests each cluster's rhythm, reuse and batching, and\n"
	"writes one row per account, highest score first:\n"
	"  account_id,platform,handle,score,flagged,cluster_id,cluster_size,\n"
	"  cluster_score,headline,reasons\n\n"
	"options:\n"
	"  -o, --output FILE    accounts table (CSV; '-' for stdout)\n"
	"  --json               write the accounts table as JSON instead\n"
	"  --clusters FILE      clusters table (CSV)\n"
	"  --edges FILE         significant edges (CSV)\n"
	"  --graphml FILE       the coordination graph for Gephi (GraphML)\n"
	"  --save FILE          the scored run, for 'explain', 'flag',\n"
	"                       'report', 'features' and 'review import'\n"
	"                       --run FILE without scoring again\n"
	"                       (docs/run.md)\n"
	"  --sites FILE         with a crawl (.warc, .warc.gz) among the\n"
	"                       inputs: the per-site table of 'cibscan sites',\n"
	"                       whose reasons add the account clusters that\n"
	"                       promote each site (docs/sites.md)\n"
	"  --csv-raw            write text cells exactly as read: no quote in\n"
	"                       front of a value starting with = + - @ (the\n"
	"                       spreadsheet-formula guard, docs/outputs.md)\n"
	"  --step-memory        print each step's own peak memory at the end\n"
	"                       (with --mpi, every rank's); the process's\n"
	"                       peak as read from outside (/usr/bin/time)\n"
	"                       is then the last step's (docs/scale.md)\n";

/* apart: one string literal holds at most 4095 bytes in C11 */
static const char usage_rest_text[] = PIPE_HELP CLI_INPUT_HELP
	"  -h, --help           this help\n";

#ifdef CIB_MPI
static const char mpi_help_text[] =
	"  --mpi                run on every rank of 'mpirun -np N' (this is\n"
	"                       cibscan-mpi): inputs read in parallel; the\n"
	"                       timing, persona and profile features of each\n"
	"                       account on the rank owning it; the co-action\n"
	"                       scan of the coordination graph on every\n"
	"                       rank; rank 0 scores and writes every\n"
	"                       output; the result is the single-process one\n"
	"                       (docs/scale.md)\n"
	"  --mpi-split BYTES    with --mpi: JSONL and IO archive CSV files of\n"
	"                       at least BYTES are read in byte ranges of about\n"
	"                       BYTES on several ranks (default 64M; 0: whole\n"
	"                       files only)\n"
	"  --mpi-buffer BYTES   with --mpi: most record log a rank other than\n"
	"                       0 holds before it waits for rank 0 to take\n"
	"                       it (default 64M); also caps the transfer\n"
	"                       rounds of the features (the near-duplicate\n"
	"                       search's texts and signatures included) and\n"
	"                       the co-action scan (at most 32M a rank)\n";
#endif

struct score_out {
	const char *accounts, *clusters, *edges, *graphml, *sites, *save;
	int json, csv_raw;
	int step_memory;     /* --step-memory */
	int mpi;             /* --mpi (cibscan-mpi only) */
	size_t mpi_split, mpi_buffer;
};

/* what each writer needs: the scored run (the site table: the pipeline's
 * crawl), and for the accounts file the output options */
struct score_write {
	const struct pipeline *p;
	const struct scored_run *run;
	const struct score_out *so;
};

static enum cib_err w_accounts(FILE *f, void *ctx, char *msg, size_t len)
{
	const struct score_write *w = ctx;

	(void)msg;
	(void)len;
	return w->so->json ? output_json(w->run, f, NULL)
			   : output_accounts_csv(w->run, f, w->so->csv_raw);
}

static enum cib_err w_clusters(FILE *f, void *ctx, char *msg, size_t len)
{
	const struct score_write *w = ctx;

	(void)msg;
	(void)len;
	return output_clusters_csv(w->run, f, w->so->csv_raw);
}

static enum cib_err w_edges(FILE *f, void *ctx, char *msg, size_t len)
{
	const struct score_write *w = ctx;

	(void)msg;
	(void)len;
	return output_edges_csv(w->run, f, w->so->csv_raw);
}

static enum cib_err w_sites(FILE *f, void *ctx, char *msg, size_t len)
{
	const struct score_write *w = ctx;

	(void)msg;
	(void)len;
	return sites_write_csv(w->p->sa->s, f);
}

static enum cib_err w_graphml(FILE *f, void *ctx, char *msg, size_t len)
{
	return output_graphml(((const struct score_write *)ctx)->run, f, msg,
			      len);
}

static enum cib_err w_save(FILE *f, void *ctx, char *msg, size_t len)
{
	(void)msg;
	(void)len;
	return run_save(((const struct score_write *)ctx)->run, f);
}

struct drop_ctx {
	struct dataset *ds;
	int keep_entities; /* a crawl among the inputs: its analysis reads
			      the posts' entities after the run */
	enum cib_err (*put_texts)(void *ctx, struct dataset *ds);
	void *put_ctx;
};

/* pipeline_opts.strings_done: the string table, the posts' key tables,
 * the post ids, the texts the scored run does not quote and the post
 * columns only the features read (engagement counts, language, client)
 * are not needed past the events (at 10M posts about 0.4 GB of tables,
 * freed before the graph's peak, and the strings). When they cannot all
 * be freed (no memory), every string a later stage reads stays
 * readable: the run goes on. Only the bit a post saying which texts are
 * quoted must be made first: without memory for it the run stops. */
static enum cib_err drop_strings(void *ctx, struct pipeline *p,
				 size_t *freed)
{
	struct drop_ctx *dc = ctx;
	/* the canonical URLs and domains, the language codes */
	const struct strlayer *const layers[] = { &p->fs.reuse.strs,
						  &p->fs.ld.strs };
	uint64_t *quoted = NULL;
	enum cib_err err;

	/* the texts the scored run quotes stay, no other (at 10M posts
	 * 0.02 GB of the 0.15 GB the texts in a reuse group take); score
	 * --mpi's rank 0 holds none yet (put_texts below) */
	err = dc->ds->texts.n
		      ? reuse_quoted_bits(&p->fs.reuse, &p->pi,
					  RUN_TEXTS_PER_ACCOUNT, &quoted)
		      : CIB_OK;
	if (err)
		return err;
	/* it drops the lookup tables first whatever happens after */
	(void)dataset_drop_post_strings(dc->ds, quoted, layers, 2, freed);
	free(quoted);
	/* and the columns only the features read, the post ids and what
	 * the posts repost or reply to (read by the post events, built) */
	*freed += dataset_drop_post_columns(dc->ds);
	*freed += dataset_drop_post_refs(dc->ds, 1);
	/* score --mpi with the texts on the owners: the shown ones in, into
	 * their pool, empty until now (so nothing of it was dropped), once
	 * the post strings are freed rather than beside them (rank 0's peak
	 * at 10M posts: the texts and their buffers, 0.2 GB) */
	if (dc->put_texts) {
		err = dc->put_texts(dc->put_ctx, dc->ds);
		if (err) {
			snprintf(p->errmsg, sizeof(p->errmsg),
				 "the texts fetched from the other ranks: %s",
				 cib_strerror(err));
			return err;
		}
		/* nothing finds a text by its bytes past here */
		strpool_drop_table(&dc->ds->texts);
	}
	return CIB_OK;
}

/* pipeline_opts.posts_found: the posts' key tables are not needed past
 * the post events (67 MB at 10M posts, freed before the features' end) */
static void drop_post_keys(void *ctx)
{
	struct drop_ctx *dc = ctx;

	dataset_drop_post_keys(dc->ds);
}

/* The post ids' bytes: read by nothing past the canonical order, which
 * the load ran (0.19 GB of strings and 0.1 GB of their table at 10M
 * posts, freed before the features rather than after them) */
static int drop_post_ids(struct dataset *ds, const struct pipeline_opts *o)
{
	char line[128];
	size_t freed;
	double t0 = cib_seconds();
	enum cib_err err = dataset_drop_post_ids(ds, &freed);

	if (err) {
		cli_error("freeing the post ids: %s", cib_strerror(err));
		return cli_exit_for(err);
	}
	memstep_mark("post ids");
	if (o->progress) {
		snprintf(line, sizeof(line),
			 "post ids freed once the posts are in order "
			 "(%.1f MB, %.2f s)",
			 (double)freed / 1e6, cib_seconds() - t0);
		o->progress(o->progress_ctx, line);
	}
	return CLI_EXIT_OK;
}

/* pipeline_opts.events_done: the entities (unless a crawl's analysis
 * reads them) and the posts' URLs; score reads none of them past the
 * features' events (its outputs come from the scored run) */
static void drop_entities(void *ctx, struct pipeline *p, size_t *freed)
{
	struct drop_ctx *dc = ctx;

	*freed = (dc->keep_entities ? 0 : dataset_drop_entities(dc->ds)) +
		 reuse_drop_urls(&p->fs.reuse);
}

/* pipeline_opts.events_read: what drop_entities frees next, given back
 * as the features' events are built (at 10M posts score --mpi's rank 0
 * held 0.27 GB of them beside the events, its peak) */
static size_t discard_read(void *ctx, struct pipeline *p, size_t upto)
{
	struct drop_ctx *dc = ctx;

	return (dc->keep_entities ? 0
				  : dataset_discard_entities(dc->ds, upto)) +
	       reuse_discard_urls(&p->fs.reuse, upto);
}

/* The run's outputs in the order cli_write_files writes them (a NULL
 * path is skipped), each writer reading sw. */
#define SCORE_OUTPUTS 6

static void score_outputs(const struct score_out *so, struct score_write *sw,
			  struct cli_output outs[SCORE_OUTPUTS])
{
	const struct cli_output o[SCORE_OUTPUTS] = {
		{ so->accounts, w_accounts, sw }, { so->clusters, w_clusters, sw },
		{ so->edges, w_edges, sw },	  { so->graphml, w_graphml, sw },
		{ so->sites, w_sites, sw },	  { so->save, w_save, sw },
	};

	memcpy(outs, o, sizeof(o));
}

/* Past the pipeline and a crawl's analysis the scored run reads the
 * posts' texts alone: every other post column and the entities go before
 * the run's own arrays are made (0.18 GB at 10M posts). */
static void drop_post_rows(struct dataset *ds, const struct pipeline_opts *o)
{
	char line[96];
	size_t freed = dataset_drop_post_rows(ds);

	if (o->progress && freed) {
		snprintf(line, sizeof(line),
			 "post columns other than the texts freed before the "
			 "scored run (%.1f MB)",
			 (double)freed / 1e6);
		o->progress(o->progress_ctx, line);
	}
}

/* --step-memory: one process's steps (rank -1: the single process). */
static void say_steps(int rank, const struct memstep *v, size_t n)
{
	char line[MEMSTEP_MAX * (MEMSTEP_NAME + 12) + 1];

	memstep_format(v, n, line, sizeof(line));
	if (rank < 0)
		fprintf(stderr, "cibscan: memory by step (peak RSS, MB): %s\n",
			n ? line : "not known");
	else
		fprintf(stderr,
			"cibscan: mpi rank %d memory by step (peak RSS, MB): "
			"%s\n",
			rank, n ? line : "not known");
}

/* Before a long read: no output may be one of the inputs (the check
 * cli_write_files makes again at the end, here while it costs nothing). */
static int outputs_apart(const struct score_out *so, char *const *files,
			 int nfiles)
{
	struct cli_output outs[SCORE_OUTPUTS];

	for (int i = 0; i < nfiles; i++)
		cli_note_input(files[i]);
	score_outputs(so, NULL, outs);
	return cli_outputs_check(outs, SCORE_OUTPUTS);
}

/* Scores loaded data and writes every output (all or none). files are
 * the inputs the run file names and hashes. */
static int score_finish(const struct score_out *sop, const struct pipe_cli *pcp,
			struct cli_data *dp, char *const *files, int nfiles,
			enum cib_err (*put_texts)(void *, struct dataset *),
			void *put_ctx)
{
	struct pipeline p;
	struct scored_run run;
	struct score_write sw;
	struct pipe_cli pc = *pcp;
	struct drop_ctx dc = { &dp->ds, cli_has_crawl(dp), put_texts,
			       put_ctx };
	int rc;

	pc.po.strings_done = drop_strings;
	pc.po.posts_found = drop_post_keys;
	pc.po.events_done = drop_entities;
	pc.po.events_read = discard_read;
	pc.po.strings_ctx = &dc;
	run_init(&run);
	rc = drop_post_ids(&dp->ds, &pc.po);
	if (!rc)
		rc = pipe_cli_run(&pc, dp, &p, 1);
	if (!rc) {
		drop_post_rows(&dp->ds, &pc.po);
		/* nothing reads the pipeline's model inputs past the run */
		rc = pipe_cli_build_run(&pc, files, nfiles, &p, &run, 1);
		memstep_mark("scored run");
	}
	if (rc)
		return rc;
	sw.p = &p;
	sw.run = &run;
	sw.so = sop;
	if (sop->sites && !p.sa) {
		cli_error("--sites: no crawl (.warc, .warc.gz) among the inputs");
		run_release(&run);
		pipeline_release(&p);
		return CLI_EXIT_USAGE;
	}
	{
		/* all or none: no output replaced unless every one was
		 * written */
		struct cli_output outs[SCORE_OUTPUTS];

		score_outputs(sop, &sw, outs);
		rc = cli_write_files(outs, SCORE_OUTPUTS);
		memstep_mark("outputs");
	}
	if (!rc && pcp->po.progress)
		fprintf(stderr,
			"cibscan: %zu accounts, %zu posts, %zu edges, %zu "
			"clusters (%zu with inauthenticity evidence), %zu "
			"flagged; estimated coordinated share %.4g (%.4g among "
			"accounts with coordination evidence)\n",
			dp->ds.acc.n, dp->ds.post.n, p.g.n_edges, p.cl.n_clusters,
			p.n_inauthentic, p.n_flagged, p.prior_used, p.prior_e);
	run_release(&run);
	pipeline_release(&p);
	return rc;
}

#ifdef CIB_MPI
/* One rank's steps (--step-memory) as they travel to rank 0. */
struct rank_steps {
	double rss; /* the rank's peak */
	uint64_t n;
	struct memstep v[MEMSTEP_MAX];
};

/* Waits for rank 0's exit code without spinning, then reports this rank's
 * peak memory, and with --step-memory its steps', to it. */
static int mpi_finish(int rc, const struct pipe_cli *pcp,
		      const struct mpi_ingest *m)
{
	MPI_Request rq;
	struct rank_steps mine, *all = NULL;
	size_t n;
	const struct memstep *v;

	if (MPI_Ibcast(&rc, 1, MPI_INT, 0, m->comm, &rq) != MPI_SUCCESS ||
	    mpi_ingest_wait(&rq) != MPI_SUCCESS)
		return CLI_EXIT_SYSTEM;
	memstep_mark("end");
	memset(&mine, 0, sizeof(mine));
	mine.rss = cib_peak_rss_mb();
	v = memstep_steps(&n);
	mine.n = n;
	memcpy(mine.v, v, n * sizeof(*v));
	if (m->rank == 0)
		all = calloc((size_t)m->size, sizeof(*all));
	if (MPI_Gather(&mine, (int)sizeof(mine), MPI_BYTE, all,
		       (int)sizeof(mine), MPI_BYTE, 0,
		       m->comm) != MPI_SUCCESS) {
		free(all);
		return CLI_EXIT_SYSTEM;
	}
	if (m->rank == 0 && all && pcp->po.progress)
		for (int r = 0; r < m->size; r++)
			fprintf(stderr, "cibscan: mpi rank %d peak RSS %.1f MB\n",
				r, all[r].rss);
	if (m->rank == 0 && all && memstep_on())
		for (int r = 0; r < m->size; r++)
			say_steps(r, all[r].v,
				  all[r].n <= MEMSTEP_MAX ? (size_t)all[r].n
							  : 0);
	free(all);
	return rc;
}

/* Every rank, texts kept off rank 0: the texts from the ranks that parsed
 * them to their accounts' owners; the error agreed (mpi_texts_push). */
static enum cib_err push_texts(struct mpi_ingest *m, size_t round,
			       int progress)
{
	uint64_t sent = 0;
	enum cib_err err = mpi_texts_push(&m->texts, MPI_COMM_WORLD, round);

	if (err)
		snprintf(m->errmsg, sizeof(m->errmsg),
			 "sending the texts to their owners: %s",
			 cib_strerror(err));
	if (MPI_Reduce(&m->texts.sent, &sent, 1, MPI_UINT64_T, MPI_SUM, 0,
		       MPI_COMM_WORLD) == MPI_SUCCESS &&
	    m->rank == 0 && progress)
		fprintf(stderr,
			"cibscan: mpi texts kept off rank 0: %.1f MB sent by "
			"the parsing ranks to the accounts' owners\n",
			(double)sent / 1e6);
	return err;
}

/* Every rank, the posts' ids kept off rank 0: the bytes every rank sent
 * summed on rank 0, which says what the ranks decided (--progress). */
static void say_ids(const struct mpi_ingest *m, int progress)
{
	uint64_t sent = 0;

	if (MPI_Reduce(&m->ids_sent, &sent, 1, MPI_UINT64_T, MPI_SUM, 0,
		       MPI_COMM_WORLD) != MPI_SUCCESS ||
	    m->rank != 0 || !progress)
		return;
	fprintf(stderr,
		"cibscan: mpi posts' ids kept off rank 0: %llu duplicates "
		"dropped, %llu posts numbered among their account's at one "
		"time, %llu ids another column names found again; %.1f MB "
		"sent by the ranks (%.2f s)\n",
		(unsigned long long)m->ids_dead,
		(unsigned long long)m->ids_tied,
		(unsigned long long)m->ids_joined, (double)sent / 1e6,
		m->ids_seconds);
}

/* String k of rank 0's pool, for the ids' join. */
static const char *pool_str(void *ctx, size_t k, uint32_t *len)
{
	const struct dataset *ds = ctx;

	*len = strpool_len(&ds->strings, (uint32_t)k);
	return strpool_get(&ds->strings, (uint32_t)k);
}

/* Every rank, CIBSCAN_MPI_TEST_IDS=1 (mpi/mpi_ids.h): the duplicates,
 * the ties of one account and time and the posts found by their ids,
 * decided by the ranks that parsed them, checked by rank 0 against the
 * dataset it read with the ids (before its canonical order); by default
 * rank 0 reads without them and takes these answers instead
 * (mpi_ingest_settle_ids). */
static enum cib_err check_ids(struct mpi_ingest *m, struct dataset *ds,
			      size_t round)
{
	char msg[512];
	enum cib_err err = mpi_ids_exchange(&m->ids, MPI_COMM_WORLD, round);

	if (!err)
		err = mpi_ids_join(&m->ids, MPI_COMM_WORLD, round,
				   m->rank == 0 ? ds->strings.n : 0,
				   pool_str, ds);
	if (err) {
		snprintf(m->errmsg, sizeof(m->errmsg),
			 "deciding the posts' ids on the parsing ranks: %s",
			 cib_strerror(err));
		return err;
	}
	if (m->rank == 0) {
		err = mpi_ids_check(&m->ids, ds, m->row_origin, m->dup_origin,
				    m->n_dup, msg, sizeof(msg));
		if (err)
			snprintf(m->errmsg, sizeof(m->errmsg),
				 "the posts' ids decided off rank 0 differ "
				 "from rank 0's: %s",
				 msg);
		else
			fprintf(stderr,
				"cibscan: mpi ids off rank 0 agree with rank "
				"0's: %s\n",
				msg);
	}
	mpi_ids_release(&m->ids);
	return err;
}

static enum cib_err put_texts(void *ctx, struct dataset *ds)
{
	return mpi_feat_put_texts(ctx, ds);
}

/* score --mpi: every rank reads its share of the inputs (mpi/), rank 0
 * ends with the single-process dataset, scores it and writes. */
/* The CIBSCAN_MPI_TEST_DIE_* test hooks: the rank named, or -1. */
static int test_rank(const char *name)
{
	const char *v = getenv(name);
	long r;

	if (v && *v && cli_parse_long(v, &r) == 0 && r >= 0 && r < INT_MAX)
		return (int)r;
	return -1;
}

/* Open MPI binds each rank to one core when it starts two ranks or fewer
 * (its default policy): every stage's threads then share that core, and a
 * run on one rank takes 1.5-1.7 times the single process's wall time
 * (docs/scale.md section 3). Said once, by rank 0, when any rank is bound
 * to one core of several. */
static void warn_binding(int rank)
{
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	int one = 0, any = 0;
	cpu_set_t set;

	CPU_ZERO(&set);
	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		one = CPU_COUNT(&set) == 1 && online > 1;
	if (MPI_Allreduce(&one, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD) !=
	    MPI_SUCCESS)
		return;
	if (rank == 0 && any)
		cli_warn("--mpi: a rank is bound to one core, so its threads "
			 "share it; give mpirun --bind-to none (or several "
			 "cores per rank)");
}

/* --progress: the read, per rank. */
static void say_read(const struct mpi_ingest *m, double secs)
{
	fprintf(stderr, "cibscan: %-10s %7.2f s (%d ranks, %llu pieces)\n",
		"read", secs, m->size, (unsigned long long)m->n_pieces);
	for (int r = 0; m->all && r < m->size; r++)
		fprintf(stderr,
			"cibscan: mpi rank %d: %llu pieces, %.1f MB parsed "
			"(%.1f MB more read for the records' bounds) in "
			"%.2f s, %llu records, %.1f MB of log sent (%.1f MB "
			"while parsing, %.1f MB held at most), %s %.2f s\n",
			r, (unsigned long long)m->all[r].pieces,
			(double)m->all[r].bytes_parsed / 1e6,
			(double)m->all[r].bytes_scanned / 1e6,
			m->all[r].parse_seconds,
			(unsigned long long)m->all[r].records,
			(double)m->all[r].log_bytes / 1e6,
			(double)m->all[r].log_early / 1e6,
			(double)m->all[r].log_peak / 1e6,
			r ? "sending" : "receiving and storing",
			m->all[r].serve_seconds);
}

/* --progress: the features on the owner ranks and the co-action scan,
 * per rank. */
static void say_stages(const struct mpi_feat *mf, const struct mpi_coord *mc)
{
	if (mf->columns_freed)
		fprintf(stderr,
			"cibscan: mpi rank 0: the post columns only the "
			"features read and the posts' origins freed once "
			"sent to the owners (%.1f MB)\n",
			(double)mf->columns_freed / 1e6);
	for (int r = 0; mf->all && r < mf->size; r++)
		fprintf(stderr,
			"cibscan: mpi rank %d features: %llu accounts, %llu "
			"posts (%llu with engagement counts, summing %llu), "
			"%.1f MB received in %llu rounds (%.2f s, "
			"CPU %.2f s); "
			"timing and persona %.2f s (CPU %.2f s), shard "
			"strings %.1f MB; %.1f MB %s\n",
			r, (unsigned long long)mf->all[r].accounts,
			(unsigned long long)mf->all[r].posts,
			(unsigned long long)mf->all[r].posts_counted,
			(unsigned long long)mf->all[r].engagement,
			(double)mf->all[r].bytes_in / 1e6,
			(unsigned long long)mf->all[r].rounds,
			mf->all[r].shuffle_seconds, mf->all[r].shuffle_cpu,
			mf->all[r].compute_seconds,
			mf->all[r].compute_cpu, mf->all[r].shard_mb,
			(double)mf->all[r].bytes_out / 1e6,
			r ? "of rows sent back" : "sent to the owners");
	for (int r = 0; mf->all && r < mf->size; r++) {
		const struct mpi_reuse_stats *u = &mf->all[r].reuse;

		fprintf(stderr,
			"cibscan: mpi rank %d near-duplicate search: %llu "
			"distinct texts hashed, the long enough signed "
			"(%.2f s, CPU %.2f s), %llu owned, "
			"%llu band entries, %llu signatures fetched from "
			"other ranks and %llu of its own read in place, %llu "
			"pairs; %.1f MB sent; %.2f s (CPU %.2f s)\n",
			r, (unsigned long long)u->local_texts, u->sign_seconds,
			u->sign_cpu, (unsigned long long)u->owned_texts,
			(unsigned long long)u->entries,
			(unsigned long long)u->fetched,
			(unsigned long long)u->sigs_own,
			(unsigned long long)u->pairs,
			(double)u->bytes_out / 1e6, u->run_seconds,
			u->run_cpu);
	}
	for (int r = 0; mc->all && r < mc->size; r++)
		fprintf(stderr,
			"cibscan: mpi rank %d co-action scan: %llu events of "
			"%llu objects, %.1f MB received in %.2f s (CPU %.2f "
			"s); scan %.2f s (CPU %.2f s), %llu codes; group "
			"index part %llu objects, %llu kept events (%.2f s); "
			"%.1f MB sent back in %.2f s (CPU %.2f s), %.1f MB of "
			"it the index part\n",
			r, (unsigned long long)mc->all[r].events,
			(unsigned long long)mc->all[r].objects,
			(double)mc->all[r].bytes_in / 1e6,
			mc->all[r].scatter_seconds, mc->all[r].scatter_cpu,
			mc->all[r].scan_seconds, mc->all[r].scan_cpu,
			(unsigned long long)mc->all[r].codes,
			(unsigned long long)mc->all[r].index_objects,
			(unsigned long long)mc->all[r].index_events,
			mc->all[r].index_seconds,
			(double)mc->all[r].bytes_out / 1e6,
			mc->all[r].gather_seconds, mc->all[r].gather_cpu,
			(double)mc->all[r].index_bytes / 1e6);
	if (mc->all)
		fprintf(stderr,
			"cibscan: mpi rank 0 group index assembled from the "
			"ranks' parts in %.2f s\n",
			mc->st.assemble_seconds);
	for (int r = 0; mc->all && r < mc->size; r++)
		fprintf(stderr,
			"cibscan: mpi rank %d pairs: %llu codes received, "
			"%llu pairs held, %llu candidates; %.1f MB sent; "
			"%.2f s (CPU %.2f s); the clusters read %.1f MB of "
			"them in %llu calls\n",
			r, (unsigned long long)mc->all[r].pair_codes,
			(unsigned long long)mc->all[r].pairs,
			(unsigned long long)mc->all[r].cand,
			(double)mc->all[r].pair_bytes / 1e6,
			mc->all[r].pairs_seconds, mc->all[r].pairs_cpu,
			(double)mc->all[r].among_bytes / 1e6,
			(unsigned long long)mc->all[r].among_calls);
}

/* The sharded stages' settings: their transfers' rounds within the log
 * cap (buffer; 0: their own), and the test hooks of tests/cli/mpi_fail.sh. */
static void stages_setup(struct mpi_coord *mc, struct mpi_feat *mf,
			 size_t buffer)
{
	/* test hook: that rank dies of SIGKILL once it has its events of
	 * the co-action scan */
	mc->die_rank = test_rank("CIBSCAN_MPI_TEST_DIE_SCAN_RANK");
	/* ... once it has its codes of the pair phase */
	mc->die_pairs_rank = test_rank("CIBSCAN_MPI_TEST_DIE_PAIRS_RANK");
	/* test hook: that rank dies of SIGKILL once it has its accounts */
	mf->die_rank = test_rank("CIBSCAN_MPI_TEST_DIE_FEAT_RANK");
	/* ... once it has its first band of the near-duplicate search */
	mf->die_reuse_rank = test_rank("CIBSCAN_MPI_TEST_DIE_REUSE_RANK");
	/* ... and that rank's features fail once computed (every rank must
	 * agree on it, and nothing is written) */
	mf->fail_rank = test_rank("CIBSCAN_MPI_TEST_FAIL_FEAT_RANK");
	if (buffer && buffer < MPI_COORD_ROUND)
		mc->round = buffer;
	if (buffer && buffer < MPI_FEAT_ROUND)
		mf->round = buffer;
}

/* The reading's settings, the test hooks of tests/cli/mpi_fail.sh and
 * mpi_ids.sh among them. */
static void read_setup(struct mpi_ingest *m, const struct score_out *sop)
{
	mpi_ingest_init(m, MPI_COMM_WORLD);
	warn_binding(m->rank);
	m->split_bytes = sop->mpi_split;
	m->log_cap = sop->mpi_buffer;
	/* test hook: that rank dies of SIGKILL once it has parsed */
	m->die_rank = test_rank("CIBSCAN_MPI_TEST_DIE_RANK");
	/* ... once it has its first round of the texts' push */
	m->texts.die = test_rank("CIBSCAN_MPI_TEST_DIE_TEXTS_RANK") == m->rank;
	/* ... once it has its first round of the ids */
	m->ids.die = test_rank("CIBSCAN_MPI_TEST_DIE_IDS_RANK") == m->rank;
	/* test hook: the posts' ids read on rank 0 as before (0), also
	 * checked against the parsing ranks' answers (1), apart from 2
	 * ranks on (2); by default apart from 3 ranks on */
	m->ids_want = test_rank("CIBSCAN_MPI_TEST_IDS");
	if (m->ids_want > 2)
		m->ids_want = -1;
	/* test hook: on that rank, the first transfer whose description
	 * holds CIBSCAN_MPI_TEST_FAIL_XFER fails (mpi/mpi_fatal.h) */
	mpi_fatal_test(test_rank("CIBSCAN_MPI_TEST_FAIL_XFER_RANK"),
		       getenv("CIBSCAN_MPI_TEST_FAIL_XFER"));
}

/* Every rank, after the read: the texts to their owners, and the posts'
 * ids settled off rank 0 (the duplicates dropped, the ids other columns
 * name set and the canonical order made with the ids' ranks) or
 * checked. */
static enum cib_err read_rest(struct mpi_ingest *m, struct cli_data *d,
			      size_t round, int progress)
{
	enum cib_err err = CIB_OK;

	if (m->texts_apart) {
		err = push_texts(m, round, progress);
		memstep_mark("texts push");
	}
	if (!err && m->ids_apart) {
		err = mpi_ingest_settle_ids(m, &d->in, round);
		say_ids(m, progress);
	} else if (!err && m->ids.on) {
		err = check_ids(m, &d->ds, round);
	}
	return err;
}

static int score_mpi(const struct score_out *sop, const struct pipe_cli *pcp,
		     const struct cli_input *ci, char **files, int nfiles)
{
	struct mpi_ingest m;
	struct mpi_coord mc;
	struct mpi_feat mf;
	struct pipe_cli pc;
	struct cli_data d;
	double t0 = cib_seconds();
	enum cib_err err;
	int rc = CLI_EXIT_OK;

	read_setup(&m, sop);
	/* every rank drops the same namings (said once) */
	cli_inputs_once(files, &nfiles, m.rank != 0);
	/* the single process's check before the read, made by rank 0 and
	 * agreed on: an output naming an input fails now, not once every
	 * rank has scored */
	if (m.rank == 0)
		rc = outputs_apart(sop, files, nfiles);
	if (MPI_Bcast(&rc, 1, MPI_INT, 0, m.comm) != MPI_SUCCESS)
		rc = CLI_EXIT_SYSTEM;
	if (rc != CLI_EXIT_OK) {
		mpi_ingest_release(&m);
		return rc;
	}
	dataset_init(&d.ds);
	d.crawl = NULL;
	diag_init(&d.diag, ci->opts.strict);
	ingest_init(&d.in, &d.ds, &d.diag, &ci->opts);
	for (int i = 0; i < nfiles; i++)
		cli_note_input(files[i]);
	err = mpi_ingest_run(&m, &d.in, files, nfiles, ci->format);
	memstep_mark("read");
	if (!err)
		err = read_rest(&m, &d, sop->mpi_buffer,
				pcp->po.progress != NULL);
	mpi_coord_init(&mc, MPI_COMM_WORLD);
	mpi_feat_init(&mf, MPI_COMM_WORLD);
	mf.texts = !err && m.texts_apart ? &m.texts : NULL;
	stages_setup(&mc, &mf, sop->mpi_buffer);
	if (m.rank != 0) {
		/* this rank's accounts' features, then the co-action scan
		 * of rank 0's coordination graph on this rank's objects,
		 * until rank 0 is done */
		cli_data_release(&d);
		if (mpi_feat_serve(&mf) != CIB_OK)
			rc = CLI_EXIT_SYSTEM;
		/* the texts were the features': not held through the scan */
		mpi_texts_release(&m.texts);
		if (rc == CLI_EXIT_OK && mpi_coord_serve(&mc) != CIB_OK)
			rc = CLI_EXIT_SYSTEM;
		mpi_feat_release(&mf);
		mpi_coord_release(&mc);
		mpi_ingest_release(&m);
		rc = mpi_finish(rc != CLI_EXIT_OK ? rc : cli_exit_for(err), pcp,
				&m);
		return rc;
	}
	/* rank 0's dataset in the single process's order (cli_load; the
	 * lookup tables are made once, by drop_post_ids) */
	if (!err && !m.ids_apart) {
		err = dataset_canonical_order_bare(&d.ds, NULL);
		memstep_mark("order");
	}
	if (err) {
		cli_error("%s", m.errmsg[0] ? m.errmsg : cib_strerror(err));
		rc = cli_exit_for(err);
	} else {
		if (m.st.skipped)
			cli_warn("%llu archive members skipped (not data; "
				 "'cibscan inspect' lists them)",
				 (unsigned long long)m.st.skipped);
		cli_diag_summary(&d.diag);
		if (pcp->po.progress)
			say_read(&m, cib_seconds() - t0);
		pc = *pcp;
		mf.sent_ds = &d.ds;
		mpi_feat_hook(&mf, &pc.po.features);
		mpi_coord_hook(&mc, &pc.po.coord);
		rc = score_finish(sop, &pc, &d, files, nfiles,
				  mf.texts ? put_texts : NULL, &mf);
	}
	if (mpi_feat_done(&mf) != CIB_OK && rc == CLI_EXIT_OK)
		rc = CLI_EXIT_SYSTEM;
	if (mpi_coord_done(&mc) != CIB_OK && rc == CLI_EXIT_OK)
		rc = CLI_EXIT_SYSTEM;
	/* after the done calls: the last statistics (the cluster stage's
	 * reads of the pairs) are gathered there */
	if (!err && pcp->po.progress) {
		say_stages(&mf, &mc);
		if (mf.texts)
			fprintf(stderr,
				"cibscan: mpi rank 0 texts: %.1f MB (only "
				"those the scored run quotes: %llu posts' "
				"texts, %.1f MB, fetched from their owners); "
				"%llu URLs found in texts sent back (%.1f MB)\n",
				(double)d.ds.texts.bytes / 1e6,
				(unsigned long long)mf.n_shown,
				(double)mf.shown_bytes / 1e6,
				(unsigned long long)mf.n_text_urls,
				(double)mf.text_url_bytes / 1e6);
		else
			fprintf(stderr,
				"cibscan: mpi rank 0 texts: %.1f MB (all, read "
				"on rank 0)\n",
				(double)d.ds.texts.bytes / 1e6);
	}
	mpi_feat_release(&mf);
	mpi_coord_release(&mc);
	cli_data_release(&d);
	rc = mpi_finish(rc, pcp, &m);
	mpi_ingest_release(&m);
	return rc;
}
#endif

/* --mpi, --mpi-split, --mpi-buffer (c: 'M', 'P', 'B'): -1 after a usage
 * error, else 0. The plain build knows them too, to say where they
 * work. */
static int mpi_option(struct score_out *so, int c, const char *arg)
{
#ifdef CIB_MPI
	if (c == 'M') {
		so->mpi = 1;
	} else if (c == 'P') {
		if (cli_parse_size(arg, &so->mpi_split) < 0)
			return cli_usage_error("score", "bad --mpi-split '%s'",
					       arg),
			       -1;
		if (so->mpi_split == 0)
			so->mpi_split = SIZE_MAX; /* never cut */
	} else if (cli_parse_size(arg, &so->mpi_buffer) < 0 ||
		   so->mpi_buffer == 0) {
		return cli_usage_error("score", "bad --mpi-buffer '%s'", arg),
		       -1;
	}
	return 0;
#else
	(void)so;
	(void)c;
	(void)arg;
	return cli_usage_error("score",
			       "--mpi and its options are cibscan-mpi's: "
			       "build it with 'make mpi' and run it under "
			       "mpirun (docs/scale.md)"),
	       -1;
#endif
}

/* One process: reads the inputs, scores them, writes the outputs. */
static int score_single(const struct score_out *so,
			const struct pipe_cli *pc, struct cli_input *ci,
			char *const *files, int nfiles)
{
	struct cli_data d;
	double t0 = cib_seconds();
	int rc;

	ci->tables_later = 1; /* drop_post_ids makes them (score_finish) */
	rc = outputs_apart(so, files, nfiles);
	if (rc)
		return rc;
	rc = cli_load(&d, ci, files, nfiles, 0);
	if (rc)
		return rc;
	if (pc->po.progress)
		fprintf(stderr, "cibscan: %-10s %7.2f s, peak RSS %.0f MB\n",
			"read", cib_seconds() - t0, cib_peak_rss_mb());
	memstep_mark("read");
	rc = score_finish(so, pc, &d, files, nfiles, NULL, NULL);
	cli_data_release(&d);
	if (memstep_on()) {
		size_t n;
		const struct memstep *v;

		memstep_mark("end");
		v = memstep_steps(&n);
		say_steps(-1, v, n);
	}
	return rc;
}

int cmd_score(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "json", no_argument, NULL, 'j' },
		{ "clusters", required_argument, NULL, 'c' },
		{ "edges", required_argument, NULL, 'e' },
		{ "graphml", required_argument, NULL, 'g' },
		{ "csv-raw", no_argument, NULL, 'r' },
		{ "sites", required_argument, NULL, 's' },
		{ "save", required_argument, NULL, 'S' },
		{ "step-memory", no_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		/* known to the plain build too, to say where they work */
		{ "mpi", no_argument, NULL, 'M' },
		{ "mpi-split", required_argument, NULL, 'P' },
		{ "mpi-buffer", required_argument, NULL, 'B' },
		PIPE_OPTIONS,
		CLI_INPUT_OPTIONS,
		{ 0 },
	};
	struct score_out so = { 0 };
	struct cli_input ci;
	struct pipe_cli pc;
	int c, rc, nfiles;

	cli_input_init(&ci);
	pipe_cli_init(&pc);
	optind = 1;
	while ((c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
		int r = pipe_cli_options(&pc, &ci, "score", c, optarg);

		if (r < 0)
			return CLI_EXIT_USAGE;
		if (r > 0)
			continue;
		switch (c) {
		case 'o':
			so.accounts = optarg;
			break;
		case 'j':
			so.json = 1;
			break;
		case 'c':
			so.clusters = optarg;
			break;
		case 'e':
			so.edges = optarg;
			break;
		case 'g':
			so.graphml = optarg;
			break;
		case 'r':
			so.csv_raw = 1;
			break;
		case 's':
			so.sites = optarg;
			break;
		case 'S':
			so.save = optarg;
			break;
		case 'm':
			so.step_memory = 1;
			break;
		case 'M':
		case 'P':
		case 'B':
			if (mpi_option(&so, c, optarg))
				return CLI_EXIT_USAGE;
			break;
		case 'h':
			fputs(usage_text, stdout);
			fputs(usage_rest_text, stdout);
#ifdef CIB_MPI
			fputs(mpi_help_text, stdout);
#endif
			return CLI_EXIT_OK;
		default: /* getopt said what */
			return cli_usage_try("score");
		}
	}
	if (optind >= argc)
		return cli_usage_error("score", "no input files");
	if (!so.accounts)
		return cli_usage_error("score", "no output: use -o FILE (or -o -)");
	rc = pipe_cli_finish(&pc);
	if (rc)
		return rc;
	if (so.step_memory && memstep_enable() != 0)
		cli_warn("--step-memory: this system does not let a process "
			 "read and reset its peak memory (/proc/self/status, "
			 "/proc/self/clear_refs); only the run's peak is known");
	nfiles = argc - optind;
#ifdef CIB_MPI
	if (so.mpi)
		return score_mpi(&so, &pc, &ci, argv + optind, nfiles);
#endif
	cli_inputs_once(argv + optind, &nfiles, 0);
	return score_single(&so, &pc, &ci, argv + optind, nfiles);
}
