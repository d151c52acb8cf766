/* sites.h - networks of websites from crawled pages.
 *
 * Pages (features/htmlpage) are folded into one summary per site (host):
 * its traits, each a (kind, value) pair interned once - infrastructure
 * ids, template keys (DOM-skeleton MinHash bands, stylesheet and script
 * paths, HTML comments, generator), the hosting block (/24 or /48 of the
 * server address), article keys (MinHash bands of article texts) - plus
 * its links to other crawled sites and its language evidence.
 *
 * sites_detect() then finds networks (docs/sites.md): candidate pairs
 * share traits of at least min_kinds - 1 of the five kinds (ids,
 * template, hosting, articles, links), traits held by more than df_max
 * sites being too common to count; the groups each kind is tested on are
 * formed by the pairs of the other kinds; a
 * trait over-represented in such a group against its frequency outside it
 * (binomial) credits the members holding it; a site's kinds are combined
 * by a partial-conjunction test ("at least min_kinds kinds are not
 * chance"), Holm over the sites; clusters join flagged sites.
 *
 * Memory: per site at most max_pages pages are folded in (the rest are
 * counted), and trait entries are deduplicated as they accumulate.
 * Not thread-safe: one struct sites per thread.
 */
#ifndef CIB_SITES_H
#define CIB_SITES_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../core/error.h"
#include "../core/strpool.h"
#include "../features/htmlpage.h"
#include "../features/langdetect.h"

/* The kinds of shared trait: enum name, the one-letter tag of a trait's
 * label, the short name (CSV and JSON), the words the report uses. */
#define SITES_KIND_MAP(M)                                                   \
	M(IDS, 'i', "ids", "analytics and ad ids")                          \
	M(TEMPLATE, 't', "template", "template")                            \
	M(HOSTING, 'h', "hosting", "hosting block")                         \
	M(ARTICLES, 'r', "articles", "near-identical articles")             \
	M(LINKS, 'l', "links", "links to each other")

enum sites_kind {
#define SK_ENUM(e, tag, name, words) SK_##e,
	SITES_KIND_MAP(SK_ENUM)
#undef SK_ENUM
	SK__COUNT
};

struct sites_opts {
	double alpha;     /* family-wise error level, Holm over sites (0.05) */
	int min_kinds;    /* kinds a network needs (3) */
	size_t df_max;    /* traits held by more sites are not expanded */
	size_t max_pages; /* pages folded in per site */
	size_t min_article; /* normalised article bytes to count (200) */
	int require_content; /* the articles kind must be among them (0) */
	int keep_articles;   /* keep SITES_SAMPLES article openings per site
				for the report (0: none, as `cibscan sites`) */
};

/* Article samples kept per site with keep_articles, and their length:
 * enough for the report to show a network's identical articles side by
 * side. */
#define SITES_SAMPLES 3
#define SITES_SAMPLE_BYTES 480

struct site {
	uint32_t host; /* id in sites.hosts (no www.) */
	uint32_t name; /* id in sites.labels: the host as first seen */
	uint32_t n_pages, n_used;
	uint32_t title;  /* id in sites.labels of the first title */
	uint32_t server; /* id in sites.labels of the HTTP Server, STR_NONE */
	char ip[48];
	/* the crawl time of the page each of name, title, server and ip came
	 * from: the earliest page that has one gives it (the smaller value
	 * at equal times), whatever order the crawl holds its records in */
	int64_t label_time[4];
	int64_t first_seen;
	uint32_t n_han_comment_pages, n_zh_declared_pages;
	uint32_t n_articles;
	uint32_t n_lang_detected; /* articles language detection saw */
	char lang_declared[16], lang_detected[16];
	uint32_t lang_votes_d[4], lang_votes_t[4]; /* small top-k tallies */
	char lang_d_codes[4][8], lang_t_codes[4][8];
	/* article samples (keep_articles): the opening of the article and
	 * its 4 MinHash band hashes (equal bands: near-identical articles) */
	uint32_t n_samples;
	uint64_t sample_band[SITES_SAMPLES][4];
	char *sample_text[SITES_SAMPLES]; /* owned, NUL-terminated */
	/* results */
	double p_kind[SK__COUNT]; /* per kind, on the group the others form */
	double score, p, q;
	int flagged;
	int cluster; /* -1 none */
	uint32_t cluster_size;
	char *reasons; /* owned */
};

struct sites_group {
	uint32_t *members;
	uint32_t n;
	double p_kind[SK__COUNT];
	uint32_t best_label[SK__COUNT]; /* STR_NONE for links */
	uint32_t best_cover[SK__COUNT];
	uint32_t links, n_keys[SK__COUNT];
	double p, q;
	int flagged;
	int id;
	uint32_t first; /* its first member's place in name order (members
			   are listed in name order): ties between groups of
			   one size go by it, not by the crawl's order */
};

struct sites_entry {
	uint32_t label, site;
};

struct sites {
	struct sites_opts o;
	struct strpool hosts;  /* every host seen (sites and link targets) */
	uint32_t *host_site;   /* host id -> site index, UINT32_MAX */
	size_t host_site_cap;
	struct strpool labels; /* "k:value" trait labels, titles, servers */
	uint8_t *label_kind;   /* label id -> enum sites_kind, 255 other */
	size_t label_kind_cap;
	struct site *site;
	size_t n_sites, sites_cap;
	struct sites_entry *ent; /* (trait label, site) */
	size_t n_ent, ent_cap, ent_sorted;
	struct sites_entry *links; /* (target host, source site) */
	size_t n_links, links_cap;
	struct sites_group *group;
	size_t n_groups;
	uint64_t n_pages_seen, n_pages_skipped;
	uint64_t n_candidate_pairs;
	char *norm;  /* scratch: a normalised article */
	uint64_t *sh; /* scratch: its shingles */
	char errmsg[256];
};

void sites_opts_init(struct sites_opts *o);
void sites_init(struct sites *s, const struct sites_opts *o);
void sites_release(struct sites *s);

/* Folds one parsed page in. ip/server may be NULL. `ld` (may be NULL)
 * detects the article language. */
enum cib_err sites_add_page(struct sites *s, const struct htmlpage *pg,
			    const char *ip, size_t ip_n, const char *server,
			    size_t server_n, int64_t crawl_time,
			    struct langdetect *ld);

/* Runs detection; results in s->site[] and s->group[]. */
enum cib_err sites_detect(struct sites *s);

/* Output: CSV one row per site (site,score,flagged,cluster_id,
 * cluster_size,pages,ip,lang_declared,lang_detected,reasons), clusters
 * CSV, and one JSON document. */
enum cib_err sites_write_csv(const struct sites *s, FILE *f);
enum cib_err sites_write_clusters(const struct sites *s, FILE *f);
enum cib_err sites_write_json(const struct sites *s, FILE *f);

/* The label value of a trait or title id ("" for STR_NONE), and a site's
 * name as the crawl first wrote it. */
const char *sites_label(const struct sites *s, uint32_t id);
const char *sites_name(const struct sites *s, const struct site *st);

/* Pure helpers (tests). */
/* P(X >= k) for X ~ Binomial(n, p). */
double sites_binom_sf(uint64_t k, uint64_t n, double p);
/* Partial-conjunction p-value that at least r of the k p-values are
 * non-null (Bonferroni form): (k - r + 1) * p_(r), capped at 1. */
double sites_partial_conjunction(const double *p, int k, int r);
/* Benjamini-Hochberg adjusted values of p[0..n) into q. */
enum cib_err sites_bh(const double *p, size_t n, double *q);
/* Holm's step-down adjusted values of p[0..n) into q (family-wise error
 * control: a flag is an accusation). */
enum cib_err sites_holm(const double *p, size_t n, double *q);
/* The hosting block of an address: "a.b.c.0/24" or the /48 of an IPv6
 * address; 0 when not an address. */
size_t sites_block(const char *ip, size_t n, char *out, size_t cap);

#endif
