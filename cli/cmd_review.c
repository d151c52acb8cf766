/* cmd_review.c - 'cibscan review': the shared batch-review store
 * (review/store.h): import a run, claim the next item with a lease, show
 * one, decide on several (refused when someone else decided since, unless
 * --supersede), undo a decision, export every decided account, print the
 * queue's state. Every subcommand has its own --help. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "core/textsafe.h"
#include "pipeopts.h"
#include "report/gather.h"
#include "report/output.h"
#include "review/evidence.h"
#include "reviewrun.h"
#include "review/store.h"

/* One help page per subcommand, and the overview. */
struct sub_help {
	const char *name, *text;
};

static const char usage_text[] =
	"usage: cibscan review SUBCOMMAND [options] --db STORE\n\n"
	"A SQLite store (WAL mode) a team shares. 'import' queues the flagged\n"
	"accounts and clusters of a 'cibscan score' run; decisions are kept\n"
	"across runs (dismissed accounts stay dismissed unless their evidence\n"
	"grew; clusters keep their identity by member overlap). Every change\n"
	"is in an append-only audit log.\n\n"
	"subcommands ('cibscan review SUB --help' for each):\n"
	"  init     create a store\n"
	"  import   queue a scored run (the same content twice: no-op)\n"
	"  next     claim the next item with a lease and show it\n"
	"  claim    claim one named item\n"
	"  show     an item, its evidence and history\n"
	"  decide   confirm, dismiss, escalate or reopen items\n"
	"  undo     reverse a decision (a new decision pointing at it)\n"
	"  export   every decided account, CSV or JSON\n"
	"  status   the queue's counts and the runs\n"
	"Web review: 'cibscan serve --db STORE' (docs/review.md).\n";

static const struct sub_help helps[] = {
	{ "init",
	  "usage: cibscan review init --db STORE\n\n"
	  "Creates the review store STORE; says so when it exists already.\n"
	  "Only 'init' and 'import' create a store: every other subcommand\n"
	  "needs an existing one, so a mistyped --db is an error.\n" },
	{ "import",
	  "usage: cibscan review import accounts.csv [--clusters clusters.csv]\n"
	  "           [--edges edges.csv] [--settings TEXT] [--input FILE]...\n"
	  "           [--margin X] [--strict] [--csv-raw] --db STORE\n"
	  "       cibscan review import --run run.cib [--input FILE]...\n"
	  "           [--no-evidence] [--margin X] --db STORE\n\n"
	  "With --run, the accounts, clusters and edges come from a run saved by\n"
	  "'cibscan score --save' (docs/run.md), as score would have written\n"
	  "them, and its settings with them; the evidence is read from the\n"
	  "inputs the run names when they are unchanged (--input: others;\n"
	  "--no-evidence: none, the fast import).\n\n"
	  "Queues a 'cibscan score' run's flagged accounts and clusters. A run\n"
	  "is identified by a hash of its files' content: importing the same\n"
	  "content again changes nothing. A cluster whose members overlap a\n"
	  "cluster of the previous run by Jaccard >= 0.5 is that cluster and\n"
	  "keeps its decision.\n\n"
	  "  --clusters FILE   the run's clusters table ('score --clusters')\n"
	  "  --edges FILE      its significant edges ('score --edges'): the\n"
	  "                    partners and graph of 'cibscan serve'\n"
	  "  --settings TEXT   the run's settings, kept with the run\n"
	  "  --input FILE      an input of the run (repeatable): checksummed,\n"
	  "                    and read for the evidence 'cibscan serve' shows\n"
	  "                    (rhythm, sampled posts and their copies, shared\n"
	  "                    texts and links)\n"
	  "  --margin X        score rise that re-queues a dismissed account\n"
	  "                    (default 0.10)\n"
	  "  --strict          stop at the first malformed row\n"
	  "  --csv-raw         the files were written with 'score --csv-raw'\n" },
	{ "next",
	  "usage: cibscan review next --reviewer NAME [--lease MINUTES]\n"
	  "           [--clusters-first] --db STORE\n\n"
	  "Claims the next queued item for NAME and shows it: NAME's own live\n"
	  "claim first, else the highest-scoring item nobody else holds a\n"
	  "live lease on. Two reviewers never get the same item while a lease\n"
	  "is live. The item's version is shown; 'decide' checks it.\n\n"
	  "  --reviewer NAME   who claims (or CIBSCAN_REVIEWER)\n"
	  "  --lease MINUTES   how long the claim holds (default 15, max 1440)\n"
	  "  --clusters-first  clusters before accounts\n" },
	{ "claim",
	  "usage: cibscan review claim ITEM --reviewer NAME [--lease MINUTES]\n"
	  "           [--supersede] --db STORE\n\n"
	  "Claims one item. Refused (exit 1) while another reviewer's lease is\n"
	  "live, unless --supersede.\n" },
	{ "show",
	  "usage: cibscan review show ITEM --db STORE\n\n"
	  "The item, its evidence, version, claim and audit history.\n"
	  "ITEM: an account id, PLATFORM:ID, @handle, a cluster C3 (the\n"
	  "latest run's) or cluster:R2:C3 (run 2's).\n" },
	{ "decide",
	  "usage: cibscan review decide ITEM... [--cluster C]... --decision D\n"
	  "           --reviewer NAME [--note TEXT] [--members] [--version N]\n"
	  "           [--supersede] --db STORE\n\n"
	  "Records one decision on every ITEM (ids, PLATFORM:ID, @handles,\n"
	  "clusters), all or nothing. An item someone else decided since you\n"
	  "saw it (or holds a live lease on) is a conflict: nothing is\n"
	  "recorded, who/what/when is printed, exit 1; --supersede replaces it\n"
	  "on purpose. What you saw is your claim's version ('next'), or\n"
	  "--version N (one ITEM); without either, another reviewer's standing\n"
	  "decision is a conflict.\n\n"
	  "  --decision D      confirm, dismiss, escalate, or queued (reopen)\n"
	  "  --reviewer NAME   who decides (or CIBSCAN_REVIEWER)\n"
	  "  --note TEXT       why\n"
	  "  --cluster C       the cluster C and its member accounts\n"
	  "  --members         every cluster ITEM decides its members too\n"
	  "  --version N       the version you saw (one ITEM)\n"
	  "  --supersede       replace what changed since, on purpose\n" },
	{ "undo",
	  "usage: cibscan review undo DECISION --reviewer NAME [--note TEXT]\n"
	  "           [--supersede] --db STORE\n\n"
	  "Reverses decision number DECISION (as 'decide' and 'show' print it)\n"
	  "with a new decision that points at it; the log keeps both. Refused\n"
	  "when an item changed after it, unless --supersede.\n" },
	{ "export",
	  "usage: cibscan review export [--csv|--json] [--decision D]\n"
	  "           [--csv-raw] -o FILE --db STORE\n\n"
	  "Every decided account (confirm, dismiss, escalate; or only D) with\n"
	  "platform, handle, decision, reviewer, time, note, decision number,\n"
	  "score, cluster, reasons and run, highest score first.\n\n"
	  "  --csv, --json     the format (default CSV)\n"
	  "  --decision D      only this decision\n"
	  "  --csv-raw         text cells exactly as stored (no spreadsheet-\n"
	  "                    formula guard)\n"
	  "  -o, --output FILE where ('-' for stdout)\n" },
	{ "status",
	  "usage: cibscan review status --db STORE\n\n"
	  "Items by kind and status, then one line per imported run.\n" },
};

static const struct sub_help *find_help(const char *sub)
{
	for (size_t i = 0; i < sizeof(helps) / sizeof(helps[0]); i++)
		if (!strcmp(helps[i].name, sub))
			return &helps[i];
	return NULL;
}

enum { OPT_DB = 0x3101, OPT_CLUSTERS, OPT_SETTINGS, OPT_INPUT, OPT_MARGIN,
       OPT_STRICT, OPT_DECISION, OPT_REVIEWER, OPT_NOTE, OPT_MEMBERS,
       OPT_CFIRST, OPT_CSVRAW, OPT_EDGES, OPT_LEASE, OPT_CLUSTER,
       OPT_VERSION, OPT_SUPERSEDE, OPT_JSON, OPT_CSV, OPT_RUN,
       OPT_NOEV };

#define MAX_INPUTS 256

struct review_opts {
	const char *db, *clusters, *edges, *settings, *decision, *reviewer;
	const char *note, *output, *run;
	const char *record_source, *record_checksums; /* import --run */
	const struct review_code *codes;             /* import --run */
	size_t n_codes;
	const char *inputs[MAX_INPUTS];
	size_t n_inputs;
	const char **targets; /* decide: ITEMs then --cluster values */
	size_t n_targets, n_cluster_targets;
	double margin;
	long lease_min, version;
	int strict, members, clusters_first, csv_raw, supersede, json, csv;
	int no_evidence; /* import --run: do not read the run's inputs */
};

static int fail(struct review *rv, enum cib_err err)
{
	cli_error("%s", rv->errmsg[0] ? rv->errmsg : cib_strerror(err));
	review_close(rv);
	if (err == CIB_EUSAGE)
		return CLI_EXIT_USAGE;
	if (err == CIB_ENOTFOUND || err == CIB_EPARSE || err == CIB_ETOOBIG ||
	    err == CIB_EFORMAT || err == CIB_ECONFLICT)
		return CLI_EXIT_DATA;
	return CLI_EXIT_SYSTEM;
}

static int finish_stdout(void)
{
	if (fflush(stdout) || ferror(stdout)) {
		cli_error("cannot write to standard output: %s",
			  strerror(errno));
		return CLI_EXIT_SYSTEM;
	}
	return CLI_EXIT_OK;
}

static void put(FILE *f, const char *s)
{
	textsafe_fputs(f, s, TEXTSAFE_TERM);
}

/* With --input: the run's evidence for the review app (rhythm, sampled
 * posts and their copies, the clusters' shared texts and links), read
 * from the inputs and stored beside the run. A run that has it already is
 * left alone, so importing the same run again adds what an earlier import
 * without inputs (or an interrupted one) did not. */
static int add_evidence(struct review *rv, const struct review_opts *o,
			int64_t run)
{
	struct cli_input ci;
	struct cli_data d;
	struct review_ev_want w;
	struct gather g;
	enum cib_err err;
	size_t kept = 0;
	int rc, has = review_evidence_has(rv, run);

	if (has < 0) {
		snprintf(rv->errmsg, sizeof(rv->errmsg),
			 "evidence: cannot read the store");
		return fail(rv, CIB_ELIB);
	}
	if (has)
		return CLI_EXIT_OK;
	cli_input_init(&ci);
	rc = cli_load(&d, &ci, (char *const *)o->inputs, (int)o->n_inputs, 1);
	if (rc) {
		review_close(rv);
		return rc;
	}
	err = review_evidence_wanted(rv, run, &w);
	if (!err) {
		err = gather_evidence(&d.ds, &w, run, &g);
		if (!err) {
			for (size_t i = 0; i < g.ev.n_acc; i++)
				kept += g.ev.acc[i].n_sample;
			err = review_evidence_store(rv, &g.ev);
			if (!err)
				printf("run %lld evidence: %zu of %zu accounts "
				       "found in the inputs, %zu posts kept, "
				       "%zu shared texts/URLs/domains\n",
				       (long long)run, g.ev.n_acc, w.n, kept,
				       g.ev.n_shared);
			gather_release(&g);
		}
		review_ev_want_release(&w);
	}
	cli_data_release(&d);
	if (err)
		return fail(rv, err);
	return CLI_EXIT_OK;
}

static int do_import(struct review *rv, const struct review_opts *o,
		     const char *accounts);

static enum cib_err w_accounts(FILE *f, void *ctx, char *m, size_t n)
{
	(void)m;
	(void)n;
	return output_accounts_csv(ctx, f, 0);
}

static enum cib_err w_clusters(FILE *f, void *ctx, char *m, size_t n)
{
	(void)m;
	(void)n;
	return output_clusters_csv(ctx, f, 0);
}

static enum cib_err w_edges(FILE *f, void *ctx, char *m, size_t n)
{
	(void)m;
	(void)n;
	return output_edges_csv(ctx, f, 0);
}

/* The run's inputs as the store records them: "NAME xxh3:HEX; ...", with
 * the hashes the run recorded when it was scored. NULL when out of
 * memory. */
static char *run_checksums(const struct scored_run *run)
{
	size_t cap = 1, len = 0;
	char *s;

	for (size_t i = 0; i < run->n_inputs; i++)
		cap += strlen(run_str(run, run->inputs[i].name)) + 32;
	s = malloc(cap);
	if (!s)
		return NULL;
	s[0] = '\0';
	for (size_t i = 0; i < run->n_inputs; i++)
		len += (size_t)snprintf(
			s + len, cap - len, "%s%s xxh3:%016llx", i ? "; " : "",
			run_str(run, run->inputs[i].name),
			(unsigned long long)run->inputs[i].xxh3);
	return s;
}

/* Per flagged account of the run its reason codes (review/store.h's
 * struct review_code), sorted by key; the strings in *mem. */
static int cmp_rcode(const void *a, const void *b)
{
	return strcmp(((const struct review_code *)a)->key,
		      ((const struct review_code *)b)->key);
}

static struct review_code *run_codes(const struct scored_run *run,
				     size_t *n_out, char **mem)
{
	size_t n = 0, cap = 1, used = 0;
	struct review_code *c;
	char *m;

	for (size_t i = 0; i < run->n_accounts; i++) {
		const struct run_account *a = &run->acc[i];

		if (!a->flagged)
			continue;
		n++;
		cap += strlen(run_str(run, a->id)) + 24 +
		       (size_t)a->n_reasons * (32 + 24 * COORD__COUNT);
	}
	c = calloc(n + 1, sizeof(*c));
	m = malloc(cap);
	if (!c || !m) {
		free(c);
		free(m);
		return NULL;
	}
	n = 0;
	for (size_t i = 0; i < run->n_accounts; i++) {
		const struct run_account *a = &run->acc[i];
		size_t start;

		if (!a->flagged)
			continue;
		c[n].key = m + used;
		used += (size_t)snprintf(m + used, cap - used, "%s\t%s",
					 platform_name((enum platform)a->platform),
					 run_str(run, a->id)) + 1;
		c[n].codes = m + used;
		start = used;
		m[used] = '\0';
		for (uint32_t k = 0; k < a->n_reasons; k++) {
			const struct run_reason *x =
				&run->reasons[a->reason_off + k];
			enum reason_code rc = (enum reason_code)x->code;
			char one[64];

			if (rc == REASON_NOT_FLAGGED)
				continue;
			if (rc == REASON_COACTED) {
				for (int t = 0; t < COORD__COUNT; t++) {
					if (!(x->v[2 + t] > 0))
						continue;
					snprintf(one, sizeof(one), "%s:%s",
						 reason_code_name(rc),
						 coord_type_name(
							 (enum coord_type)t));
					if (review_new_reason_codes(m + start,
								    one))
						used += (size_t)snprintf(
							m + used, cap - used,
							"%s%s",
							used > start ? " " : "",
							one);
				}
				continue;
			}
			snprintf(one, sizeof(one), "%s", reason_code_name(rc));
			if (!review_new_reason_codes(m + start, one))
				continue;
			used += (size_t)snprintf(m + used, cap - used, "%s%s",
						 used > start ? " " : "", one);
		}
		used++;
		n++;
	}
	qsort(c, n, sizeof(*c), cmp_rcode);
	*n_out = n;
	*mem = m;
	return c;
}

/* import --run: the run's tables, written as 'score' writes them into a
 * private temporary folder, imported, and removed. The store records the
 * run file and the run's inputs, not the temporary tables. Without
 * --input, the evidence is read from the inputs the run names when each
 * still has the size and hash the run recorded (else a warning says why
 * the evidence is left out). */
static int do_import_run(struct review *rv, struct review_opts *o)
{
	struct scored_run run;
	const char *tmp = getenv("TMPDIR");
	char dir[4096], pa[4200], pc[4200], pe[4200], msg[1024];
	char *checks, *codes_mem = NULL;
	struct review_code *codes;
	int rc;

	rc = pipe_cli_load_run(o->run, &run);
	if (rc) {
		review_close(rv);
		return rc;
	}
	checks = run_checksums(&run);
	if (!checks) {
		cli_error("out of memory");
		run_release(&run);
		review_close(rv);
		return CLI_EXIT_SYSTEM;
	}
	codes = run_codes(&run, &o->n_codes, &codes_mem);
	if (!codes) {
		cli_error("out of memory");
		free(checks);
		run_release(&run);
		review_close(rv);
		return CLI_EXIT_SYSTEM;
	}
	o->codes = codes;
	o->record_source = o->run;
	o->record_checksums = checks;
	if (!o->n_inputs && !o->no_evidence) {
		if (run.n_inputs > MAX_INPUTS)
			cli_warn("'%s' names %zu inputs, more than %d: the "
				 "evidence is left out",
				 o->run, run.n_inputs, MAX_INPUTS);
		else if (pipe_cli_check_run_inputs(&run, o->run, msg,
						   sizeof(msg)))
			cli_warn("%s; the evidence is left out (give "
				 "--input)",
				 msg);
		else
			for (size_t i = 0; i < run.n_inputs; i++)
				o->inputs[o->n_inputs++] =
					run_str(&run, run.inputs[i].name);
	}
	snprintf(dir, sizeof(dir), "%s/cibscan-import.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		cli_error("cannot make a temporary folder in '%s': %s",
			  tmp && *tmp ? tmp : "/tmp", strerror(errno));
		run_release(&run);
		free(checks);
		free(codes);
		free(codes_mem);
		review_close(rv);
		return CLI_EXIT_SYSTEM;
	}
	snprintf(pa, sizeof(pa), "%s/accounts.csv", dir);
	snprintf(pc, sizeof(pc), "%s/clusters.csv", dir);
	snprintf(pe, sizeof(pe), "%s/edges.csv", dir);
	{
		const struct cli_output outs[] = {
			{ pa, w_accounts, &run },
			{ pc, w_clusters, &run },
			{ pe, w_edges, &run },
		};

		rc = cli_write_files(outs, sizeof(outs) / sizeof(outs[0]));
	}
	if (!rc) {
		o->clusters = pc;
		o->edges = pe;
		if (!o->settings)
			o->settings = run_str(&run, run.meta.settings);
		rc = do_import(rv, o, pa);
	} else {
		review_close(rv);
	}
	unlink(pa);
	unlink(pc);
	unlink(pe);
	rmdir(dir);
	run_release(&run);
	free(checks);
	free(codes);
	free(codes_mem);
	return rc;
}

/* Test hook: with CIBSCAN_REVIEW_ABORT_AFTER=N (N > 0) in the
 * environment, an import kills its own process (SIGKILL) after N rows,
 * inside the transaction (tests/cli/review_crash.sh). */
#define REVIEW_ABORT_ENV "CIBSCAN_REVIEW_ABORT_AFTER"

static void abort_after(void *ctx, uint64_t rows)
{
	if (rows >= *(const uint64_t *)ctx)
		raise(SIGKILL);
}

int review_cli_import_run(const char *db, const char *run_path)
{
	struct review rv;
	struct review_opts o;
	enum cib_err err;

	memset(&o, 0, sizeof(o));
	memset(&rv, 0, sizeof(rv));
	o.margin = -1;
	o.db = db;
	o.run = run_path;
	err = review_open_existing(&rv, db);
	if (err)
		return fail(&rv, err);
	return do_import_run(&rv, &o);
}

static int do_import(struct review *rv, const struct review_opts *o,
		     const char *accounts)
{
	struct review_import_opts io;
	struct review_import_stats st;
	enum cib_err err;
	const char *ab = getenv(REVIEW_ABORT_ENV);
	uint64_t abort_rows = 0;

	review_import_opts_init(&io);
	if (ab && *ab) {
		char *end;
		unsigned long long v = strtoull(ab, &end, 10);

		if (*end == '\0' && v > 0) {
			abort_rows = v;
			io.row_done = abort_after;
			io.row_done_ctx = &abort_rows;
		}
	}
	io.accounts = accounts;
	io.clusters = o->clusters;
	io.edges = o->edges;
	io.settings = o->settings;
	io.inputs = o->inputs;
	io.n_inputs = o->n_inputs;
	io.record_source = o->record_source;
	io.codes = o->codes;
	io.n_codes = o->n_codes;
	io.record_checksums = o->record_checksums;
	if (o->margin >= 0)
		io.score_margin = o->margin;
	io.strict = o->strict;
	io.csv_raw = o->csv_raw;
	err = review_import(rv, &io, &st);
	for (size_t i = 0; i < st.n_warnings; i++)
		cli_warn("skipped malformed row: %s", st.warnings[i]);
	if (err)
		return fail(rv, err);
	if (st.duplicate_of > 0) {
		printf("already imported as run %lld (%s): nothing changed\n",
		       (long long)st.duplicate_of, st.duplicate_at);
		if (o->n_inputs) {
			int rc = add_evidence(rv, o, st.duplicate_of);

			if (rc)
				return rc;
		}
		review_close(rv);
		return finish_stdout();
	}
	if (st.bad)
		cli_warn("%llu malformed rows skipped",
			 (unsigned long long)st.bad);
	printf("run %lld: %llu rows, %llu flagged: %llu new queued, %llu "
	       "re-queued (evidence grew), %llu kept dismissed, %llu kept "
	       "confirmed, %llu already open; %llu clusters queued, %llu "
	       "carried from the previous run; %llu edges\n",
	       (long long)st.run_id, (unsigned long long)st.rows,
	       (unsigned long long)st.flagged,
	       (unsigned long long)st.queued_new,
	       (unsigned long long)st.requeued,
	       (unsigned long long)st.kept_dismissed,
	       (unsigned long long)st.kept_confirmed,
	       (unsigned long long)st.still_open,
	       (unsigned long long)st.clusters,
	       (unsigned long long)st.clusters_carried,
	       (unsigned long long)st.edges);
	if (o->n_inputs) {
		int rc = add_evidence(rv, o, st.run_id);

		if (rc)
			return rc;
	}
	review_close(rv);
	return finish_stdout();
}

struct export_write {
	struct review *rv;
	const struct review_opts *o;
	size_t n;
};

static enum cib_err w_export(FILE *f, void *ctx, char *msg, size_t len)
{
	struct export_write *w = ctx;
	enum cib_err err = review_export(
		w->rv, f, w->o->json ? REVIEW_JSON : REVIEW_CSV,
		w->o->decision, w->o->csv_raw, &w->n);

	if (err && w->rv->errmsg[0])
		snprintf(msg, len, "%s", w->rv->errmsg);
	return err;
}

static int do_export(struct review *rv, const struct review_opts *o)
{
	struct export_write w = { rv, o, 0 };
	int rc;

	rc = cli_write_file(o->output, w_export, &w);
	review_close(rv);
	if (rc)
		return rc;
	if (strcmp(o->output, "-"))
		fprintf(stderr, "cibscan: %zu decided accounts written to "
				"'%s'\n",
			w.n, o->output);
	return CLI_EXIT_OK;
}

/* A refused decision: who did what when, per item, on stderr. */
static int conflicts(struct review *rv, const struct review_outcome *out,
		     const char *verb)
{
	for (size_t i = 0; i < out->n_conflicts; i++) {
		const struct review_conflict *c = &out->conflicts[i];

		fputs("cibscan: conflict: ", stderr);
		put(stderr, c->item);
		if (!strcmp(c->what, "claimed")) {
			fputs(" is claimed by ", stderr);
			put(stderr, c->by);
			fprintf(stderr, " until %s", c->at);
		} else {
			fprintf(stderr, " was set to %s by ", c->what);
			put(stderr, *c->by ? c->by : "?");
			fprintf(stderr, " at %s", c->at);
			if (c->decision)
				fprintf(stderr, " (decision %lld)",
					(long long)c->decision);
		}
		fprintf(stderr, ", now version %lld\n", (long long)c->version);
	}
	fprintf(stderr, "cibscan: nothing was %s; look again ('review show') "
			"or use --supersede to replace it on purpose\n",
		verb);
	review_close(rv);
	return CLI_EXIT_DATA;
}

static int do_decide(struct review *rv, const struct review_opts *o)
{
	struct review_decide_req q;
	struct review_outcome out;
	int64_t seen = o->version;
	enum cib_err err;
	int rc = CLI_EXIT_OK;

	memset(&q, 0, sizeof(q));
	q.targets = o->targets;
	q.n = o->n_targets;
	q.seen = o->version >= 0 ? &seen : NULL;
	q.decision = o->decision;
	q.reviewer = o->reviewer;
	q.note = o->note;
	q.members = o->members;
	q.supersede = o->supersede;
	err = review_decide_many(rv, &q, &out);
	if (err == CIB_ECONFLICT) {
		rc = conflicts(rv, &out, "recorded");
		review_outcome_release(&out);
		return rc;
	}
	if (err) {
		review_outcome_release(&out);
		return fail(rv, err);
	}
	printf("decision %lld: %s by ", (long long)out.decision, o->decision);
	put(stdout, o->reviewer);
	printf(" (%zu item%s)\n", out.n_changed,
	       out.n_changed == 1 ? "" : "s");
	review_outcome_release(&out);
	review_close(rv);
	return finish_stdout();
}

static int do_undo(struct review *rv, const struct review_opts *o,
		   const char *arg)
{
	struct review_outcome out;
	long id;
	enum cib_err err;
	int rc;

	if (arg[0] == '#')
		arg++;
	if (cli_parse_long(arg, &id) || id < 1) {
		review_close(rv);
		return cli_usage_error("review", "undo takes a decision number, "
						 "not '%s'", arg);
	}
	err = review_undo(rv, id, o->reviewer, o->note, o->supersede, &out);
	if (err == CIB_ECONFLICT) {
		rc = conflicts(rv, &out, "undone");
		review_outcome_release(&out);
		return rc;
	}
	if (err) {
		review_outcome_release(&out);
		return fail(rv, err);
	}
	printf("decision %lld: undid decision %ld by ", (long long)out.decision,
	       id);
	put(stdout, o->reviewer);
	printf(" (%zu item%s)\n", out.n_changed,
	       out.n_changed == 1 ? "" : "s");
	review_outcome_release(&out);
	review_close(rv);
	return finish_stdout();
}

static void print_claim(const struct review_ref *t, const char *reviewer)
{
	printf("claimed by ");
	put(stdout, reviewer);
	printf(" until %s (version %lld)\n", t->until, (long long)t->version);
}

static int do_next(struct review *rv, const struct review_opts *o)
{
	struct review_filter flt;
	struct review_ref t;
	int found = 0;
	enum cib_err err;

	memset(&flt, 0, sizeof(flt));
	flt.clusters_first = o->clusters_first;
	err = review_claim(rv, o->reviewer, (int)(o->lease_min * 60), &flt,
			   &t, &found);
	if (err)
		return fail(rv, err);
	if (!found) {
		printf("the queue is empty (or every queued item is claimed by "
		       "another reviewer)\n");
	} else {
		print_claim(&t, o->reviewer);
		err = review_show_ref(rv, &t, stdout);
		if (err)
			return fail(rv, err);
	}
	review_close(rv);
	return finish_stdout();
}

static int do_claim(struct review *rv, const struct review_opts *o,
		    const char *arg)
{
	struct review_ref t;
	enum cib_err err;

	err = review_claim_item(rv, arg, o->reviewer, (int)(o->lease_min * 60),
				o->supersede, &t);
	if (err)
		return fail(rv, err);
	print_claim(&t, o->reviewer);
	review_close(rv);
	return finish_stdout();
}

static int sub_usage(const char *sub, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

static int sub_usage(const char *sub, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cli_error("%s", msg);
	fprintf(stderr, "try 'cibscan review %s --help'\n", sub);
	return CLI_EXIT_USAGE;
}

static const struct option review_longopts[] = {
	{ "db", required_argument, NULL, OPT_DB },
	{ "clusters", required_argument, NULL, OPT_CLUSTERS },
	{ "edges", required_argument, NULL, OPT_EDGES },
	{ "settings", required_argument, NULL, OPT_SETTINGS },
	{ "input", required_argument, NULL, OPT_INPUT },
	{ "margin", required_argument, NULL, OPT_MARGIN },
	{ "strict", no_argument, NULL, OPT_STRICT },
	{ "decision", required_argument, NULL, OPT_DECISION },
	{ "reviewer", required_argument, NULL, OPT_REVIEWER },
	{ "note", required_argument, NULL, OPT_NOTE },
	{ "members", no_argument, NULL, OPT_MEMBERS },
	{ "cluster", required_argument, NULL, OPT_CLUSTER },
	{ "version", required_argument, NULL, OPT_VERSION },
	{ "supersede", no_argument, NULL, OPT_SUPERSEDE },
	{ "lease", required_argument, NULL, OPT_LEASE },
	{ "clusters-first", no_argument, NULL, OPT_CFIRST },
	{ "csv-raw", no_argument, NULL, OPT_CSVRAW },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "csv", no_argument, NULL, OPT_CSV },
	{ "run", required_argument, NULL, OPT_RUN },
	{ "no-evidence", no_argument, NULL, OPT_NOEV },
	{ "output", required_argument, NULL, 'o' },
	{ "help", no_argument, NULL, 'h' },
	{ 0 },
};

/* One case per option: this switch is the table of review's options, so
 * it stays whole. Parses the subcommand's options into o (each --cluster
 * into clusters); returns -1 to go on, else the exit code (after --help,
 * or on a bad option) */
static int review_parse(int argc, char **argv, const char *sub,
			const struct sub_help *help, struct review_opts *o,
			const char **clusters, size_t *n_clusters)
{
	int c, rc;

	while ((c = getopt_long(argc, argv, "ho:", review_longopts, NULL)) !=
	       -1) {
		rc = -1;
		switch (c) {
		case OPT_DB:
			o->db = optarg;
			break;
		case OPT_CLUSTERS:
			o->clusters = optarg;
			break;
		case OPT_EDGES:
			o->edges = optarg;
			break;
		case OPT_SETTINGS:
			o->settings = optarg;
			break;
		case OPT_INPUT:
			if (o->n_inputs >= MAX_INPUTS)
				rc = sub_usage(sub, "more than 256 --input%s",
					       "");
			else
				o->inputs[o->n_inputs++] = optarg;
			break;
		case OPT_MARGIN:
			if (cli_parse_double(optarg, &o->margin) ||
			    !(o->margin >= 0))
				rc = sub_usage(sub, "bad --margin '%s'", optarg);
			break;
		case OPT_LEASE:
			if (cli_parse_long(optarg, &o->lease_min) ||
			    o->lease_min < 1 ||
			    o->lease_min > REVIEW_MAX_LEASE_SECONDS / 60)
				rc = sub_usage(sub, "bad --lease '%s' (minutes, "
						    "1 to 1440)",
					       optarg);
			break;
		case OPT_VERSION:
			if (cli_parse_long(optarg, &o->version) || o->version < 0)
				rc = sub_usage(sub, "bad --version '%s'",
					       optarg);
			break;
		case OPT_STRICT:
			o->strict = 1;
			break;
		case OPT_DECISION:
			o->decision = optarg;
			break;
		case OPT_REVIEWER:
			o->reviewer = optarg;
			break;
		case OPT_NOTE:
			o->note = optarg;
			break;
		case OPT_MEMBERS:
			o->members = 1;
			break;
		case OPT_CLUSTER:
			clusters[(*n_clusters)++] = optarg;
			break;
		case OPT_SUPERSEDE:
			o->supersede = 1;
			break;
		case OPT_CFIRST:
			o->clusters_first = 1;
			break;
		case OPT_CSVRAW:
			o->csv_raw = 1;
			break;
		case OPT_JSON:
			o->json = 1;
			break;
		case OPT_RUN:
			o->run = optarg;
			break;
		case OPT_NOEV:
			o->no_evidence = 1;
			break;
		case OPT_CSV:
			o->csv = 1;
			break;
		case 'o':
			o->output = optarg;
			break;
		case 'h':
			fputs(help ? help->text : usage_text, stdout);
			return finish_stdout();
		default:
			fprintf(stderr, "try 'cibscan review %s --help'\n", sub);
			rc = CLI_EXIT_USAGE;
		}
		if (rc >= 0)
			return rc;
	}
	return -1;
}

/* review decide: the ITEMs, then each --cluster C as "cluster:C" with
 * its members; checks the decision's options and records it */
static int review_decide_cmd(int argc, char **argv, const char *sub,
			     struct review_opts *o, const char **clusters,
			     size_t n_clusters)
{
	struct review rv;
	enum cib_err err;
	int rc = -1;
	size_t n = (size_t)(argc - optind) + n_clusters;
	char **own = calloc(n_clusters + 1, sizeof(*own));
	const char **t = calloc(n + 1, sizeof(*t));

	if (!own || !t) {
		free(own);
		free(t);
		cli_error("out of memory");
		return CLI_EXIT_SYSTEM;
	}
	for (int i = optind; i < argc; i++)
		t[o->n_targets++] = argv[i];
	for (size_t i = 0; i < n_clusters; i++) {
		size_t len = strlen(clusters[i]) + 9;

		own[i] = malloc(len);
		if (own[i]) {
			snprintf(own[i], len, "cluster:%s", clusters[i]);
			t[o->n_targets++] = own[i];
		}
	}
	if (n_clusters)
		o->members = 1;
	o->targets = t;
	if (!o->n_targets)
		rc = sub_usage(sub, "decide needs ITEM... or --cluster "
				    "C%s", "");
	else if (!o->decision || !o->reviewer)
		rc = sub_usage(sub, "decide needs --decision and "
				    "--reviewer%s", "");
	else if (o->version >= 0 && o->n_targets != 1)
		rc = sub_usage(sub, "--version goes with one ITEM%s", "");
	if (rc < 0) {
		err = review_open_existing(&rv, o->db);
		rc = err ? fail(&rv, err) : do_decide(&rv, o);
	}
	for (size_t i = 0; i < n_clusters; i++)
		free(own[i]);
	free(own);
	free(t);
	return rc;
}

/* checks the options and arguments of a subcommand other than decide;
 * its one argument (import without --run, show, claim, undo) into *arg.
 * Returns -1 when they fit, else the exit code */
static int review_check(int argc, char **argv, const char *sub,
			const struct review_opts *o, size_t n_clusters,
			const char **arg)
{
	if (n_clusters)
		return sub_usage(sub, "--cluster is for 'decide'%s", "");
	if (o->run && strcmp(sub, "import") != 0)
		return sub_usage(sub, "--run is for 'import'%s", "");
	if (o->no_evidence && (!o->run || o->n_inputs))
		return sub_usage(sub, "--no-evidence goes with --run and no "
				      "--input%s", "");
	if (o->run && (o->clusters || o->edges || o->csv_raw))
		return sub_usage(sub, "--run brings its own clusters and edges%s",
				 "");
	if (o->run) {
		if (optind != argc)
			return sub_usage(sub, "with --run, no accounts file%s", "");
	} else if (!strcmp(sub, "import") || !strcmp(sub, "show") ||
	    !strcmp(sub, "claim") || !strcmp(sub, "undo")) {
		if (optind != argc - 1)
			return sub_usage(sub, "%s takes one argument", sub);
		*arg = argv[optind];
	} else if (optind != argc) {
		return sub_usage(sub, "unexpected argument '%s'", argv[optind]);
	}
	if ((!strcmp(sub, "next") || !strcmp(sub, "claim") ||
	     !strcmp(sub, "undo")) &&
	    !o->reviewer)
		return sub_usage(sub, "%s needs --reviewer NAME (or "
				      "CIBSCAN_REVIEWER)",
				 sub);
	if (!strcmp(sub, "export")) {
		if (o->json && o->csv)
			return sub_usage(sub, "--csv or --json, not both%s", "");
		if (!o->output)
			return sub_usage(sub, "export needs -o FILE (or -o -)%s",
					 "");
	}
	return -1;
}

/* runs a checked subcommand other than decide. Only init and import make
 * a store: a mistyped --db elsewhere is an error, not a new empty store */
static int review_dispatch(const char *sub, struct review_opts *o,
			   const char *arg)
{
	struct review rv;
	enum cib_err err;

	if (!strcmp(sub, "init") || !strcmp(sub, "import")) {
		int created = 0;

		err = review_create(&rv, o->db, &created);
		if (err)
			return fail(&rv, err);
		if (!strcmp(sub, "init")) {
			printf("%s review store '", created ? "created the"
							    : "already a");
			put(stdout, o->db);
			printf("'\n");
			review_close(&rv);
			return finish_stdout();
		}
		if (created)
			cli_warn("created a new review store '%s'", o->db);
		if (o->run)
			return do_import_run(&rv, o);
		return do_import(&rv, o, arg);
	}
	err = review_open_existing(&rv, o->db);
	if (err)
		return fail(&rv, err);
	cli_note_input(o->db); /* export -o must not replace the store */
	if (!strcmp(sub, "export"))
		return do_export(&rv, o);
	if (!strcmp(sub, "next"))
		return do_next(&rv, o);
	if (!strcmp(sub, "claim"))
		return do_claim(&rv, o, arg);
	if (!strcmp(sub, "undo"))
		return do_undo(&rv, o, arg);
	if (!strcmp(sub, "show"))
		err = review_show(&rv, arg, stdout);
	else
		err = review_status(&rv, stdout);
	if (err)
		return fail(&rv, err);
	review_close(&rv);
	return finish_stdout();
}

int cmd_review(int argc, char **argv)
{
	static const char *const subs[] = { "init",   "import", "next",
					    "claim",  "show",   "decide",
					    "undo",   "export", "status" };
	struct review_opts o;
	const struct sub_help *help;
	const char *sub, *arg = NULL;
	const char **clusters = NULL;
	size_t n_clusters = 0;
	int known = 0, rc;

	memset(&o, 0, sizeof(o));
	o.margin = -1;
	o.version = -1;
	o.lease_min = REVIEW_LEASE_SECONDS / 60;
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(usage_text, stdout);
		return finish_stdout();
	}
	if (argc < 2)
		return cli_usage_error("review", "no subcommand (init, import, "
						 "next, claim, show, decide, "
						 "undo, export, status)");
	sub = argv[1];
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		known |= !strcmp(sub, subs[i]);
	if (!known)
		return cli_usage_error("review", "unknown subcommand '%s'", sub);
	help = find_help(sub);
	argc--;
	argv++;
	optind = 1;
	clusters = calloc((size_t)argc + 1, sizeof(*clusters));
	if (!clusters) {
		cli_error("out of memory");
		return CLI_EXIT_SYSTEM;
	}
	rc = review_parse(argc, argv, sub, help, &o, clusters, &n_clusters);
	if (rc >= 0) {
		free(clusters);
		return rc;
	}
	if (!o.reviewer)
		o.reviewer = getenv("CIBSCAN_REVIEWER");
	if (!o.db)
		rc = sub_usage(sub, "no store: use --db FILE%s", "");
	else if (!strcmp(sub, "decide")) {
		rc = review_decide_cmd(argc, argv, sub, &o, clusters,
				       n_clusters);
		free(clusters);
		return rc;
	}
	free(clusters);
	if (rc >= 0)
		return rc;
	rc = review_check(argc, argv, sub, &o, n_clusters, &arg);
	if (rc >= 0)
		return rc;
	return review_dispatch(sub, &o, arg);
}
