/* ingest.h - reading input files of any supported format into a dataset.
 *
 * The format is detected from each file's first bytes (every collector has
 * a sniff function scoring how sure it is) unless forced. Several files of
 * mixed formats add to one dataset. Malformed records go to the diag.
 */
#ifndef CIB_INGEST_H
#define CIB_INGEST_H

#include <stddef.h>
#include <stdint.h>

#include "core/dataset.h"
#include "core/diag.h"
#include "source.h"

#define CIB_FORMAT_MAP(X)                                                    \
	X(AUTO, "auto", "detect from content")                              \
	X(IOARCHIVE_TWEETS, "ioarchive-tweets", "X/Twitter IO archive tweets CSV") \
	X(IOARCHIVE_USERS, "ioarchive-users", "X/Twitter IO archive users CSV") \
	X(XAPI, "xapi", "X API v2 pages or v1.1 tweets, JSON/JSONL")        \
	X(MASTODON, "mastodon", "Mastodon statuses, JSON array or JSONL")  \
	X(BLUESKY, "bluesky", "Bluesky getAuthorFeed/searchPosts pages")   \
	X(REDDIT, "reddit", "Reddit listings (t1/t3)")                     \
	X(TELEGRAM, "telegram", "Telegram Desktop result.json")            \
	X(CROWDTANGLE, "crowdtangle", "Meta CrowdTangle CSV")              \
	X(TABLE, "table", "share table CSV/TSV: CooRTweet, CooRnet, --map") \
	X(JSONL, "jsonl", "cibscan normalised JSONL")                      \
	X(WARC, "warc", "web crawl (.warc, .warc.gz): no posts; read by the sites analysis")

enum cib_format {
#define CIB_FMT_ENUM(e, name, desc) FORMAT_##e,
	CIB_FORMAT_MAP(CIB_FMT_ENUM)
#undef CIB_FMT_ENUM
	FORMAT__COUNT
};

const char *format_name(enum cib_format f);
const char *format_description(enum cib_format f);
/* -1 for an unknown name. */
int format_from_name(const char *name);

struct ingest_opts {
	int strict;
	size_t max_record;   /* longest CSV row / JSONL line (bytes) */
	size_t max_document; /* largest whole JSON document (bytes) */
	unsigned max_ratio;  /* a whole document from compressed data may
				inflate at most this many times (0: any) */
	int threads;         /* 1: read on the caller's thread only; other
				values let a large CSV input be parsed on a
				second thread while records are stored */
	/* share tables (collectors/table.h): "field=column,..." or NULL,
	 * and what a CooRTweet object column holds (enum table_object) */
	const char *table_map;
	int table_object;
};

#define INGEST_MAX_RECORD_DEFAULT ((size_t)64 << 20)
#define INGEST_MAX_DOCUMENT_DEFAULT ((size_t)2 << 30)
/* Real exports compress 2-20 times with gzip (docs/formats.md); deflate
 * reaches ~1032 on a run of one byte, which only a bomb is. */
#define INGEST_MAX_RATIO_DEFAULT 100u

/* What one input (file or zip member) gave. */
struct ingest_file_stats {
	char *name; /* owned */
	enum cib_format format;
	uint64_t records;  /* records read (rows, objects, messages) */
	uint64_t posts;    /* posts added */
	uint64_t accounts; /* account records seen */
	uint64_t bad;      /* malformed records skipped */
	uint64_t bytes;
	unsigned threads;  /* 2 when a large CSV was parsed on a second
			      thread, else 1 */
	const char *skipped; /* a zip member passed over: why (static);
				NULL for an input that was read */
	/* share tables: rows added to a post an earlier row of the input
	 * began, and values a post could not hold (a second repost target
	 * or text, entities past the per-post cap) */
	uint64_t rows_merged;
	uint64_t rows_apart; /* of those, rows not right after their post's
				previous row */
	uint64_t values_unkept;
	uint64_t ids_derived; /* rows without a post id, given ACCOUNT@TIME */
};

struct ingest {
	struct dataset *ds; /* not owned */
	struct diag *diag;  /* not owned */
	struct ingest_opts opts;
	struct ingest_file_stats *files; /* owned */
	size_t n_files, cap_files;
	struct ingest_file_stats *cur; /* stats of the input being read */
	char errmsg[512]; /* detail of the last fatal error */
	/* When set, ingest_add_post and ingest_add_account hand each record
	 * to sink (kind 0: struct post_rec, 1: struct account_rec) instead of
	 * the dataset, after the dataset's own checks of required fields: a
	 * reader on one rank of a distributed run records what it read, in
	 * order, for the rank that builds the dataset (mpi/). NULL: store. */
	enum cib_err (*sink)(void *ctx, int kind, const void *rec);
	void *sink_ctx;
	/* When set, a JSON-lines reader reads its input as lines, without
	 * deciding from its first lines whether it is one document: for a
	 * byte range of an input already found to be lines, which may begin
	 * with a blank or a broken line (score --mpi's pieces). */
	int jsonl_lines;
};

void ingest_opts_init(struct ingest_opts *o);
void ingest_init(struct ingest *in, struct dataset *ds, struct diag *diag,
		 const struct ingest_opts *opts);
void ingest_release(struct ingest *in);

/* Reads `path` (plain, .gz, or every member of a .zip) into the dataset.
 * The file is opened once (pipes and FIFOs read like files). A zip member
 * that is empty, itself an archive or compressed, or (with format
 * detection) of no known format is passed over with a note in its stats.
 * On a fatal error in->errmsg says what and where. */
enum cib_err ingest_file(struct ingest *in, const char *path,
			 enum cib_format fmt);

/* Reads an already-open source (a memory buffer, say) like ingest_file
 * reads a file. The source stays the caller's to close. */
enum cib_err ingest_source(struct ingest *in, struct source *src,
			   enum cib_format fmt);

/* Best format for these first bytes, FORMAT_AUTO when none fits. */
enum cib_format ingest_detect(const char *head, size_t n);

/* For collectors: report a malformed record (counts it in the current
 * file's stats). Returns CIB_EPARSE when strict. */
enum cib_err ingest_bad(struct ingest *in, uint64_t line, const char *where,
			const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;

/* For collectors: add through these so the file's stats stay right. */
enum cib_err ingest_add_post(struct ingest *in, const struct post_rec *r);
enum cib_err ingest_add_account(struct ingest *in, const struct account_rec *r);

/* For collectors: set a fatal error message (file name is prefixed). */
void ingest_fail(struct ingest *in, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

/* Reads the whole source into a NUL-terminated buffer (caller frees),
 * failing with CIB_ETOOBIG past in->opts.max_document, or as soon as
 * compressed input inflates past in->opts.max_ratio (source_guard). */
enum cib_err ingest_slurp(struct ingest *in, struct source *src, char **buf,
			  size_t *len);

#endif
