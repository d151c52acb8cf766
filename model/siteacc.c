/* siteacc.c - accounts and site networks scored in one run (siteacc.h,
 * docs/sites.md "Accounts and sites together").
 *
 * Every URL or domain entity of every post is reduced to its host (no
 * www.) and looked up among the crawled sites; hits are (account, unit)
 * pairs, where a unit is a flagged site network or an unflagged site.
 * Sorting the pairs gives per account the links to each network and per
 * unit the accounts linking it, in one sort and one scan each: linear in
 * the entities plus n log n in the hits.
 *
 * Invariants: the pipeline's scores are never changed; flags are only ever
 * raised (siteacc_apply), and only for accounts with coordination
 * evidence; the site side reads the pipeline's flags as they were before
 * any raise, so neither side feeds back into the other.
 */
#include "siteacc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../features/htmlpage.h"

struct hit {
	uint32_t acc, unit;
};

static int cmp_hit(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;

	if (x->acc != y->acc)
		return x->acc < y->acc ? -1 : 1;
	if (x->unit != y->unit)
		return x->unit < y->unit ? -1 : 1;
	return 0;
}

/* (unit, cluster) of a flagged account's distinct unit */
struct uc {
	uint32_t unit;
	int32_t cl;
	uint32_t links;
};

static int cmp_uc(const void *a, const void *b)
{
	const struct uc *x = a, *y = b;

	if (x->unit != y->unit)
		return x->unit < y->unit ? -1 : 1;
	if (x->cl != y->cl)
		return x->cl < y->cl ? -1 : 1;
	return 0;
}

void siteacc_init(struct siteacc *sa)
{
	memset(sa, 0, sizeof(*sa));
}

void siteacc_release(struct siteacc *sa)
{
	if (!sa)
		return;
	free(sa->acc);
	free(sa->site);
	siteacc_init(sa);
}

double siteacc_rate(uint64_t K, uint64_t N, uint64_t k, uint64_t n)
{
	double num = (double)(K >= k ? K - k : 0) + 1;
	double den = (double)(N >= n ? N - n : 0) + 1;

	return num >= den ? 1.0 : num / den;
}

double siteacc_p(uint64_t k, uint64_t n, double q, uint64_t m)
{
	double p = sites_binom_sf(k, n, q) * (double)(m ? m : 1);

	return p > 1 ? 1 : p;
}

/* The site index of a link's host, or UINT32_MAX. */
static uint32_t link_site(const struct sites *s, const char *v, size_t n,
			  int is_domain)
{
	char host[HTMLPAGE_MAX_HOST + 1], buf[HTMLPAGE_MAX_HOST + 3];
	size_t hl;
	uint32_t id;

	if (is_domain) {
		/* a bare domain: read it as a scheme-relative URL */
		if (n + 2 >= sizeof(buf))
			return UINT32_MAX;
		buf[0] = buf[1] = '/';
		memcpy(buf + 2, v, n);
		hl = htmlpage_host(buf, n + 2, host, sizeof(host));
	} else {
		hl = htmlpage_host(v, n, host, sizeof(host));
	}
	if (!hl)
		return UINT32_MAX;
	strpool_find(&s->hosts, host, hl, &id);
	if (id == STR_NONE || id >= s->host_site_cap)
		return UINT32_MAX;
	return s->host_site[id];
}

static uint32_t unit_of(const struct sites *s, uint32_t si)
{
	const struct site *st = &s->site[si];

	return st->flagged && st->cluster > 0
		       ? (uint32_t)(s->n_sites + (size_t)st->cluster - 1)
		       : si;
}

/* Collects every link to a crawled site as an (account, unit) hit. */
static enum cib_err collect(struct siteacc *sa, struct hit **out,
			    size_t *n_out)
{
	const struct dataset *ds = sa->p->ds;
	const struct sites *s = sa->s;
	struct hit *h = NULL;
	size_t n = 0, cap = 0;

	for (size_t j = 0; j < ds->post.n; j++) {
		uint32_t a = ds->post.account[j];

		for (uint64_t k = ds->post.ent_off[j]; k < ds->post.ent_off[j + 1];
		     k++) {
			uint8_t t = ds->ent.type[k];
			const char *v;
			uint32_t si;

			if (t != ENT_URL && t != ENT_DOMAIN)
				continue;
			v = strpool_get(&ds->strings, ds->ent.str[k]);
			si = link_site(s, v, strlen(v), t == ENT_DOMAIN);
			if (si == UINT32_MAX) {
				char host[HTMLPAGE_MAX_HOST + 1];

				/* links to uncrawled hosts count in the
				 * denominators */
				if (t == ENT_DOMAIN ||
				    htmlpage_host(v, strlen(v), host,
						  sizeof(host))) {
					sa->acc[a].n_links++;
					sa->n_links++;
				}
				continue;
			}
			sa->acc[a].n_links++;
			sa->n_links++;
			sa->n_links_crawled++;
			if (n == cap) {
				size_t nc = cap ? cap * 2 : 1024;
				struct hit *nh = realloc(h, nc * sizeof(*nh));

				if (!nh) {
					free(h);
					return CIB_ENOMEM;
				}
				h = nh;
				cap = nc;
			}
			h[n].acc = a;
			h[n].unit = unit_of(s, si);
			n++;
		}
	}
	if (n)
		qsort(h, n, sizeof(*h), cmp_hit);
	*out = h;
	*n_out = n;
	return CIB_OK;
}

/* Accounts: links to each flagged network against the other accounts'. */
static void test_accounts(struct siteacc *sa, const struct hit *h, size_t n)
{
	const struct sites *s = sa->s;
	uint64_t *K = calloc(s->n_groups + 1, sizeof(*K));
	size_t i, j;

	if (!K)
		return;
	for (i = 0; i < n; i++)
		if (h[i].unit >= s->n_sites)
			K[h[i].unit - s->n_sites]++;
	for (i = 0; i < n; i = j) {
		uint32_t a = h[i].acc, u = h[i].unit;
		struct siteacc_account *ac = &sa->acc[a];

		for (j = i; j < n && h[j].acc == a && h[j].unit == u; j++)
			;
		if (u < s->n_sites)
			continue;
		{
			uint64_t k = j - i, g = u - s->n_sites;
			double q = siteacc_rate(K[g], sa->n_links, k,
						ac->n_links);
			double p = siteacc_p(k, ac->n_links, q, s->n_groups);

			if (!ac->network || p < ac->p) {
				ac->network = s->group[g].id;
				ac->k = (uint32_t)k;
				ac->rate = q;
				ac->p = p;
			}
		}
	}
	for (i = 0; i < sa->n_acc; i++) {
		struct siteacc_account *ac = &sa->acc[i];

		ac->evidence = ac->network && ac->p <= SITEACC_ALPHA &&
			       ac->k >= SITEACC_MIN_LINKS;
		sa->n_evidence += ac->evidence;
	}
	free(K);
}

static enum cib_err append_reason(struct site *st, const char *r)
{
	size_t a = st->reasons ? strlen(st->reasons) : 0, b = strlen(r);
	char *nr = realloc(st->reasons, a + b + 3);

	if (!nr)
		return CIB_ENOMEM;
	if (a) {
		memcpy(nr + a, "; ", 2);
		a += 2;
	}
	memcpy(nr + a, r, b + 1);
	st->reasons = nr;
	return CIB_OK;
}

/* Sites: units linked by the flagged members of one account cluster. */
static enum cib_err test_sites(struct siteacc *sa, const struct hit *h,
			       size_t n)
{
	const struct pipeline *p = sa->p;
	struct sites *s = sa->s;
	size_t nu = s->n_sites + s->n_groups, n_uc = 0, tests = 0, i, j;
	uint32_t *acc_u = calloc(nu, sizeof(*acc_u)); /* accounts per unit */
	uint32_t *fl_c = calloc(p->cl.n_clusters + 1, sizeof(*fl_c));
	struct uc *uc = malloc((n ? n : 1) * sizeof(*uc));
	struct siteacc_site *best = calloc(nu, sizeof(*best));
	uint64_t n_active = 0;
	enum cib_err err = CIB_OK;

	if (!acc_u || !fl_c || !uc || !best) {
		err = CIB_ENOMEM;
		goto out;
	}
	for (i = 0; i < sa->n_acc; i++) {
		int32_t c = p->cl.membership[i];

		n_active += sa->acc[i].n_links > 0;
		if (c >= 0 && p->flagged[i])
			fl_c[c]++;
	}
	for (i = 0; i < n; i = j) {
		uint32_t a = h[i].acc, u = h[i].unit;
		int32_t c = p->cl.membership[a];

		for (j = i; j < n && h[j].acc == a && h[j].unit == u; j++)
			;
		acc_u[u]++;
		if (c >= 0 && p->flagged[a]) {
			uc[n_uc].unit = u;
			uc[n_uc].cl = c;
			uc[n_uc].links = (uint32_t)(j - i);
			n_uc++;
		}
	}
	if (n_uc)
		qsort(uc, n_uc, sizeof(*uc), cmp_uc);
	for (i = 0; i < nu; i++)
		best[i].acc_cluster = -1;
	/* the number of (unit, cluster) pairs examined: the Bonferroni m */
	for (i = 0; i < n_uc; i = j) {
		for (j = i; j < n_uc && uc[j].unit == uc[i].unit &&
			    uc[j].cl == uc[i].cl;
		     j++)
			;
		tests++;
	}
	for (i = 0; i < n_uc; i = j) {
		uint32_t u = uc[i].unit, links = 0, m;
		int32_t c = uc[i].cl;
		double q, pv;

		for (j = i; j < n_uc && uc[j].unit == u && uc[j].cl == c; j++)
			links += uc[j].links;
		m = (uint32_t)(j - i);
		/* the other accounts: every account with a link, less this
		 * cluster's flagged members */
		q = siteacc_rate(acc_u[u], n_active, m, fl_c[c]);
		pv = siteacc_p(m, fl_c[c], q, tests);
		if (best[u].acc_cluster < 0 || pv < best[u].p) {
			best[u].acc_cluster = c;
			best[u].m = m;
			best[u].n_c = fl_c[c];
			best[u].links = links;
			best[u].rate = q;
			best[u].p = pv;
		}
	}
	for (i = 0; i < s->n_sites; i++) {
		const struct siteacc_site *b = &best[unit_of(s, (uint32_t)i)];
		char r[512];

		sa->site[i] = *b;
		if (b->acc_cluster < 0)
			continue;
		sa->site[i].evidence = b->p <= SITEACC_ALPHA &&
				       b->m >= SITEACC_MIN_ACCOUNTS;
		if (!sa->site[i].evidence)
			continue;
		sa->n_sites_promoted++;
		snprintf(r, sizeof(r),
			 "promoted by flagged account cluster C%d: %u of its "
			 "%u flagged accounts link to this %s (%u links) "
			 "against %.2g%% of the other accounts (p=%.2g)",
			 b->acc_cluster + 1, b->m, b->n_c,
			 s->site[i].flagged ? "network" : "site", b->links,
			 100 * b->rate, b->p);
		if ((err = append_reason(&s->site[i], r)))
			goto out;
	}
out:
	free(acc_u);
	free(fl_c);
	free(uc);
	free(best);
	return err;
}

enum cib_err siteacc_compute(struct siteacc *sa, struct sites *s,
			     const struct pipeline *p)
{
	struct hit *h = NULL;
	size_t n = 0;
	enum cib_err err;

	siteacc_release(sa);
	sa->s = s;
	sa->p = p;
	sa->n_acc = p->ds->acc.n;
	sa->n_sites = s->n_sites;
	sa->acc = calloc(sa->n_acc ? sa->n_acc : 1, sizeof(*sa->acc));
	sa->site = calloc(sa->n_sites ? sa->n_sites : 1, sizeof(*sa->site));
	if (!sa->acc || !sa->site)
		return CIB_ENOMEM;
	for (size_t i = 0; i < sa->n_sites; i++)
		sa->site[i].acc_cluster = -1;
	if (p->ds->post.n == 0 || s->n_sites == 0)
		return CIB_OK;
	err = collect(sa, &h, &n);
	if (err)
		return err;
	test_accounts(sa, h, n);
	err = test_sites(sa, h, n);
	free(h);
	return err;
}

int siteacc_edge_nonlink(const uint32_t *x, uint32_t observed)
{
	uint64_t other = 0;

	for (int t = 0; t < COORD__COUNT; t++)
		if (t != COORD_LINK && t != COORD_DOMAIN)
			other += x[t];
	return other > 0 && 2 * other >= observed;
}

size_t siteacc_apply(struct siteacc *sa, struct pipeline *p)
{
	size_t raised = 0;
	uint8_t *own = calloc(sa->n_acc ? sa->n_acc : 1, 1);

	if (!own)
		return 0;
	/* coordination evidence that is not about links: a significant edge
	 * carried mostly by co-actions other than shared URLs and domains
	 * (those are what the site evidence measures) */
	for (size_t e = 0; e < p->g.n_edges; e++) {
		const struct coord_edge *ed = &p->g.edges[e];

		if (ed->a < sa->n_acc && ed->b < sa->n_acc &&
		    siteacc_edge_nonlink(ed->x, ed->observed))
			own[ed->a] = own[ed->b] = 1;
	}
	for (size_t a = 0; a < sa->n_acc; a++) {
		struct siteacc_account *ac = &sa->acc[a];
		int32_t c = p->cl.membership[a];

		if (!ac->evidence || p->flagged[a] || !own[a] ||
		    !pipeline_row_has_evidence(&p->x[a * SF__COUNT]))
			continue;
		p->flagged[a] = 1;
		p->n_flagged++;
		if (c >= 0)
			p->ce[c].n_flagged++;
		ac->raised = 1;
		raised++;
	}
	sa->n_raised = raised;
	free(own);
	return raised;
}
