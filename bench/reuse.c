/* bench/reuse.c - throughput and memory of reuse_compute() on a generated
 * dataset. Not part of the build (bench/ is not compiled by make):
 *
 *   sh bench/reuse.sh [POSTS [THREADS [BANDS ROWS [BUCKET_CAP]]]]
 *   (default 1000000 posts, 2 threads, the default bands and rows)
 *
 * The posts: 8-30 words drawn from a Zipf(1) vocabulary of 50 000 words
 * (so common words are shared by most texts, as in real text), 10% of
 * posts in Chinese (random characters from a Zipf pool of 3000), 10%
 * campaign posts copying one of 2000 templates with 0-3 word edits and
 * added hashtags, 5% exact copies of a template, 10% reposts; 1 account
 * per 10 posts; 20% of posts carry one of 200 000 URLs. Prints the time
 * of reuse_compute(), posts per second and peak RSS before and after.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "core/dataset.h"
#include "features/reuse.h"

static uint64_t rs = 88172645463325252ULL;

static uint64_t rnd(void)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return rs;
}

/* Zipf(1) over [0, n) by inverse CDF on a precomputed table. */
struct zipf {
	double *cdf;
	size_t n;
};

static void zipf_init(struct zipf *z, size_t n)
{
	double s = 0;

	z->n = n;
	z->cdf = malloc(n * sizeof(double));
	for (size_t i = 0; i < n; i++)
		z->cdf[i] = (s += 1.0 / (double)(i + 1));
	for (size_t i = 0; i < n; i++)
		z->cdf[i] /= s;
}

static size_t zipf_draw(const struct zipf *z)
{
	double u = (double)(rnd() >> 11) / 9007199254740992.0;
	size_t lo = 0, hi = z->n - 1;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (z->cdf[mid] < u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static long rss_mb(void)
{
	struct rusage u;

	getrusage(RUSAGE_SELF, &u);
	return u.ru_maxrss / 1024;
}

static size_t word(char *o, size_t cap, size_t w)
{
	static const char al[] = "etaoinshrdlucmfwypvbgkjqxz";
	size_t n = 0;

	w += 1;
	while (w && n + 1 < cap) {
		o[n++] = al[w % 26];
		w /= 26;
	}
	return n;
}

/* One post's text of the given kind (0-99, see the header) into text[cap]. */
static size_t gen_text(char *text, size_t cap, size_t kind,
		       const struct zipf *zw, const struct zipf *zc,
		       size_t (*tpl)[20], size_t ntpl)
{
	size_t len = 0;

	if (kind < 10) { /* Chinese */
		size_t m = 10 + rnd() % 60;

		for (size_t i = 0; i < m && len + 4 < cap; i++) {
			unsigned c = 0x4E00 + (unsigned)zipf_draw(zc) * 7;

			text[len++] = (char)(0xE0 | (c >> 12));
			text[len++] = (char)(0x80 | ((c >> 6) & 0x3F));
			text[len++] = (char)(0x80 | (c & 0x3F));
		}
	} else if (kind < 25) { /* campaign: template with edits */
		size_t t = rnd() % ntpl, edits = kind < 15 ? 0 : 1 + rnd() % 3;

		for (int w = 0; w < 20; w++) {
			size_t wd = tpl[t][w];

			if (edits && rnd() % 20 < edits)
				wd = zipf_draw(zw);
			len += word(text + len, cap - len - 2, wd);
			text[len++] = ' ';
		}
		if (edits && rnd() % 2)
			len += (size_t)snprintf(text + len, cap - len, "#tag%u",
						(unsigned)(rnd() % 50));
	} else {
		size_t m = 8 + rnd() % 23;

		for (size_t i = 0; i < m; i++) {
			len += word(text + len, cap - len - 2, zipf_draw(zw));
			text[len++] = ' ';
		}
	}
	text[len] = '\0';
	return len;
}

/* The generated dataset of n posts (see the header); 0 or -1. */
static int gen_dataset(struct dataset *ds, size_t n, const struct zipf *zw,
		       const struct zipf *zc, size_t (*tpl)[20], size_t ntpl)
{
	char text[1024], id[32], acc[32], url[64];

	for (size_t j = 0; j < n; j++) {
		struct post_rec p;
		const char *es[1];
		enum entity_type et[1] = { ENT_URL };
		size_t kind = rnd() % 100;

		post_rec_init(&p);
		gen_text(text, sizeof(text), kind, zw, zc, tpl, ntpl);
		snprintf(id, sizeof(id), "%zu", j);
		snprintf(acc, sizeof(acc), "%zu", rnd() % (n / 10 + 1));
		p.platform = PLATFORM_X;
		p.id = id;
		p.account_id = acc;
		p.time = 1600000000 + (int64_t)j;
		p.text = text;
		p.kind = kind >= 90 ? POST_REPOST : POST_ORIGINAL;
		if (rnd() % 5 == 0) {
			snprintf(url, sizeof(url),
				 "https://www.site%u.com/p/%u?utm_source=x",
				 (unsigned)(rnd() % 5000),
				 (unsigned)(rnd() % 200000));
			es[0] = url;
			p.ent_str = es;
			p.ent_type = et;
			p.n_ent = 1;
		}
		if (dataset_add_post(ds, &p, NULL))
			return -1;
	}
	return 0;
}

static double seconds_between(const struct timespec *a,
			      const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) +
	       (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void print_results(const struct reuse_opts *o,
			  const struct reuse_result *r, size_t n,
			  unsigned threads, double s, double cpu, long rss0)
{
	printf("bands %u rows %u bucket cap %u\n", o->bands, o->rows,
	       o->bucket_cap);
	printf("posts %zu threads %u: wall %.2f s (%.0f posts/s), "
	       "cpu %.2f s (%.0f posts per cpu-second)\n",
	       n, threads, s, (double)n / s, cpu, (double)n / cpu);
	printf("peak RSS: %ld MB after building the dataset, %ld MB "
	       "after reuse\n", rss0, rss_mb());
	printf("texts %zu distinct %zu signed %zu short %zu\n",
	       r->stats.n_texts, r->stats.n_distinct, r->stats.n_signed,
	       r->stats.n_short);
	printf("candidates %zu verified %zu capped buckets %zu groups "
	       "%zu url refs %zu\n",
	       r->stats.n_candidates, r->stats.n_verified,
	       r->stats.n_capped_buckets, r->n_groups, r->stats.n_url_refs);
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
	unsigned threads = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) : 2;
	struct zipf zw, zc;
	struct dataset ds;
	struct reuse_opts o;
	struct reuse_result r;
	const size_t ntpl = 2000;
	size_t (*tpl)[20] = malloc(ntpl * sizeof(*tpl));
	struct timespec t0, t1, c0, c1;
	enum cib_err err;
	long rss0;

	zipf_init(&zw, 50000);
	zipf_init(&zc, 3000);
	for (size_t t = 0; t < ntpl; t++)
		for (int w = 0; w < 20; w++)
			tpl[t][w] = zipf_draw(&zw);
	dataset_init(&ds);
	if (gen_dataset(&ds, n, &zw, &zc, tpl, ntpl)) {
		fprintf(stderr, "add failed\n");
		return 3;
	}
	rss0 = rss_mb();
	reuse_opts_init(&o);
	o.threads = threads;
	if (argc > 4) {
		o.bands = (unsigned)strtoul(argv[3], NULL, 10);
		o.rows = (unsigned)strtoul(argv[4], NULL, 10);
	}
	if (argc > 5)
		o.bucket_cap = (unsigned)strtoul(argv[5], NULL, 10);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
	err = reuse_compute(&ds, NULL, &o, &r);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (err) {
		fprintf(stderr, "reuse_compute: %s\n", cib_strerror(err));
		return 3;
	}
	print_results(&o, &r, n, threads, seconds_between(&t0, &t1),
		      seconds_between(&c0, &c1), rss0);
	reuse_result_release(&r);
	dataset_release(&ds);
	free(zw.cdf);
	free(zc.cdf);
	free(tpl);
	return 0;
}
