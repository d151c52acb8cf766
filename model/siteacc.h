/* siteacc.h - accounts and site networks scored in one run.
 *
 * When a crawl (model/sites) and a social export (model/pipeline) are read
 * together, the links of the accounts' posts are matched to the crawled
 * sites by host, and two pieces of evidence are tested (docs/sites.md,
 * "Accounts and sites together"):
 *   - an account whose links go to one flagged site network more often than
 *     the links of the other accounts do (binomial tail, Bonferroni over
 *     the flagged networks);
 *   - a site network (or an unflagged site) that the flagged members of one
 *     account cluster link to more often than the other accounts do
 *     (binomial tail, Bonferroni over the (site, cluster) pairs examined).
 * Both are added as reasons. The account evidence can raise an account's
 * flag only when the account has its own coordination evidence (a
 * significant edge or a cluster); it never lowers anything and never
 * changes a score.
 *
 * Ownership: struct siteacc borrows the sites and the pipeline; it owns
 * its arrays. Not thread-safe.
 */
#ifndef CIB_SITEACC_H
#define CIB_SITEACC_H

#include <stddef.h>
#include <stdint.h>

#include "../core/error.h"
#include "pipeline.h"
#include "sites.h"

/* Adjusted p-value at or under which evidence holds, and the fewest links
 * (accounts: links to the network; sites: flagged accounts linking) it
 * needs: "keeps linking" is more than once or twice. */
#define SITEACC_ALPHA 0.01
#define SITEACC_MIN_LINKS 3
#define SITEACC_MIN_ACCOUNTS 2

struct siteacc_account {
	uint32_t n_links; /* links (URLs, domains) with a host */
	uint32_t k;       /* of those, to the network below */
	int network;      /* site cluster id (1-based); 0 none */
	double rate;      /* the other accounts' share of links to it */
	double p;         /* Bonferroni-adjusted binomial tail */
	uint8_t evidence; /* p <= SITEACC_ALPHA and k >= SITEACC_MIN_LINKS */
	uint8_t raised;   /* flagged by the site rule */
};

struct siteacc_site {
	int32_t acc_cluster; /* account cluster index (C<n+1>); -1 none */
	uint32_t m;          /* its flagged members linking the unit */
	uint32_t n_c;        /* its flagged members */
	uint32_t links;      /* their links to the unit */
	double rate;         /* share of other accounts linking the unit */
	double p;            /* Bonferroni-adjusted binomial tail */
	uint8_t evidence;
};

struct siteacc {
	struct sites *s;            /* borrowed */
	const struct pipeline *p;   /* borrowed */
	struct siteacc_account *acc; /* per account */
	size_t n_acc;
	struct siteacc_site *site;  /* per site */
	size_t n_sites;
	uint64_t n_links, n_links_crawled; /* all links with a host; those
					      to a crawled site */
	size_t n_evidence, n_raised, n_sites_promoted;
};

void siteacc_init(struct siteacc *sa);
void siteacc_release(struct siteacc *sa);

/* Matches the links, tests both sides, appends the site reasons to
 * s->site[].reasons. The pipeline's flags are read, not changed. */
enum cib_err siteacc_compute(struct siteacc *sa, struct sites *s,
			     const struct pipeline *p);

/* The flag rule: accounts with site evidence and their own coordination
 * evidence beyond links (a significant edge siteacc_edge_nonlink accepts)
 * are flagged. Returns how many were raised (0 also when out of memory:
 * the rule then raises nothing). */
size_t siteacc_apply(struct siteacc *sa, struct pipeline *p);

/* Pure helpers (tests). The other accounts' rate with add-one:
 * (K - k + 1) / (N - n + 1), capped at 1 (K of N links overall, k of n
 * the account's own). */
double siteacc_rate(uint64_t K, uint64_t N, uint64_t k, uint64_t n);
/* min(1, m * P(Bin(n, q) >= k)). */
double siteacc_p(uint64_t k, uint64_t n, double q, uint64_t m);
/* Whether a significant edge with co-actions x[COORD__COUNT] (pooled count
 * `observed`) is coordination beyond links: co-actions other than shared
 * URLs and domains are at least half of the count tested. */
int siteacc_edge_nonlink(const uint32_t *x, uint32_t observed);

#endif
