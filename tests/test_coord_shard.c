/* test_coord_shard.c - the coordination graph built with its per-object
 * scan split over shards (coord_opts.shard, coord_scan_part; what score
 * --mpi does over ranks) equals the graph built in one piece, bit for bit,
 * on random events of every type: multi-event posts whose objects fall on
 * different shards, minute-precision times, viral and dense objects,
 * amplification. The shards here are object sets chosen by obj mod S,
 * scanned one after the other and summed as mpi/mpi_coord.c sums ranks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/splitmix.h"
#include "model/coord.h"

static uint64_t rng_state;

static uint64_t rng(void)
{
	return splitmix_next(&rng_state);
}

enum { NA = 400 };

static void fill(struct coord_events *ev, uint64_t seed)
{
	rng_state = seed;
	for (int t = 0; t < COORD__COUNT; t++)
		coord_events_init(&ev[t]);
	for (uint32_t post = 0; post < 6000; post++) {
		uint32_t a = (uint32_t)(rng() % NA);
		/* a few groups act together, the rest at random */
		int64_t tm = (int64_t)(rng() % 200000);
		int mins = rng() % 5 == 0;
		int t = (int)(rng() % COORD__COUNT);
		int nobj = t == COORD_LINK || t == COORD_HASHTAGS
				   ? 1 + (int)(rng() % 3)
				   : 1;

		if (t == COORD_AMPLIFY) {
			assert_int_equal(
				coord_events_add_post(&ev[t], rng() % NA,
						      (int64_t)(rng() % 7200),
						      a, mins, post, 0),
				CIB_OK);
			continue;
		}
		for (int k = 0; k < nobj; k++) {
			uint64_t obj = a < 12 ? rng() % 10 : 100 + rng() % 3000;

			if (a < 12) /* a crew: objects 0..9, seconds apart */
				tm = (int64_t)obj * 3000 + (int64_t)(rng() % 20);

			if (rng() % 8 == 0)
				obj = 7777; /* popular: viral at max_actors */
			if (rng() % 80 == 0)
				obj = 8888; /* burst: dense at a small budget */
			if (obj == 8888)
				tm = 5000;
			assert_int_equal(coord_events_add_post(&ev[t], obj, tm,
							       a, mins, post,
							       nobj > 1),
					 CIB_OK);
		}
	}
}

struct split {
	int shards;
	int calls;
	int owners; /* the pair phase's owners (0: not split) */
	struct coord_pair *op[4]; /* owners 1.. : their pairs */
	size_t n_op[4];
	size_t n_cand; /* candidates the owners' tests kept */
};

/* Sums coord_scan_part over the shards' object sets, as ranks do. */
static enum cib_err split_scan(void *ctx, struct coord_events *ev,
			       size_t n_accounts, const struct coord_opts *o,
			       const uint32_t *comp, size_t n_comps,
			       struct coord_part *out)
{
	struct split *sp = ctx;
	size_t nr = n_comps * COORD__COUNT * COORD_LEVELS;

	sp->calls++;
	memset(out, 0, sizeof(*out));
	out->R = calloc(nr + 1, sizeof(*out->R));
	assert_non_null(out->R);
	for (int t = 0; t < COORD__COUNT; t++) {
		out->k[t] = calloc(n_accounts + 1, sizeof(*out->k[t]));
		assert_non_null(out->k[t]);
	}
	for (int s = 0; s < sp->shards; s++) {
		struct coord_events sub[COORD__COUNT];
		struct coord_part p;

		for (int t = 0; t < COORD__COUNT; t++) {
			coord_events_init(&sub[t]);
			if (t == COORD_AMPLIFY)
				continue;
			for (size_t i = 0; i < ev[t].n; i++) {
				uint8_t fl = ev[t].minutes[i];

				if (ev[t].obj[i] % (uint64_t)sp->shards !=
				    (uint64_t)s)
					continue;
				/* as a rank sends them: kept as their
				 * posts or not */
				assert_int_equal(
					coord_events_add_post(
						&sub[t], ev[t].obj[i],
						coord_ev_time(&ev[t], i),
						coord_ev_acc(&ev[t], i),
						fl & COORD_EV_MINUTES,
						ev[t].post[i],
						(fl & COORD_EV_MULTI) != 0),
					CIB_OK);
			}
		}
		assert_int_equal(coord_scan_part(sub, n_accounts, o, comp,
						 n_comps, &p),
				 CIB_OK);
		/* the shards' lists in reverse: order must not matter */
		out->codes = realloc(out->codes, (out->n_codes + p.n_codes + 1) *
							 sizeof(*out->codes));
		assert_non_null(out->codes);
		for (size_t i = 0; i < p.n_codes; i++)
			out->codes[out->n_codes++] = p.codes[p.n_codes - 1 - i];
		out->side = realloc(out->side, (out->n_side + p.n_side + 1) *
						       sizeof(*out->side));
		assert_non_null(out->side);
		for (size_t i = 0; i < p.n_side; i++)
			out->side[out->n_side++] = p.side[p.n_side - 1 - i];
		out->dense = realloc(out->dense, (out->n_dense + p.n_dense + 1) *
							 sizeof(*out->dense));
		assert_non_null(out->dense);
		for (size_t i = 0; i < p.n_dense; i++)
			out->dense[out->n_dense++] = p.dense[i];
		for (int t = 0; t < COORD__COUNT; t++) {
			out->wins[t] = realloc(out->wins[t],
					       (out->n_wins[t] + p.n_wins[t] + 1) *
						       sizeof(*out->wins[t]));
			assert_non_null(out->wins[t]);
			for (size_t i = 0; i < p.n_wins[t]; i++)
				out->wins[t][out->n_wins[t]++] = p.wins[t][i];
			out->st[t].objects += p.st[t].objects;
			out->st[t].shared_objects += p.st[t].shared_objects;
			out->st[t].viral_objects += p.st[t].viral_objects;
			out->st[t].dense_objects += p.st[t].dense_objects;
			out->st[t].pairs_total += p.st[t].pairs_total;
			out->st[t].candidate_pairs += p.st[t].candidate_pairs;
			if (p.k[t])
				for (size_t a = 0; a < n_accounts; a++)
					out->k[t][a] += p.k[t][a];
		}
		for (size_t i = 0; i < nr; i++)
			out->R[i] += p.R[i];
		coord_part_release(&p);
		for (int t = 0; t < COORD__COUNT; t++)
			coord_events_release(&sub[t]);
	}
	return CIB_OK;
}

/* The pair phase over sp->owners owners, as mpi/mpi_coord.c runs it over
 * ranks: each code and side co-action to coord_pair_owner's owner, the
 * counts per component summed, then each owner's tests; owner 0's pairs
 * go back to the build, the others' stay here. */
static enum cib_err split_pairs(void *ctx, const struct coord_pairs_in *in,
				uint64_t *codes, size_t n_codes,
				struct coord_side *side, size_t n_side,
				struct coord_pairs_res *res)
{
	struct split *sp = ctx;
	struct coord_pairs_part *pp[4];
	uint64_t *counts = calloc(in->n_comps + 1, sizeof(*counts));

	assert_non_null(counts);
	for (int q = 0; q < sp->owners; q++) {
		uint64_t *oc = malloc((n_codes + 1) * sizeof(*oc));
		struct coord_side *os = malloc((n_side + 1) * sizeof(*os));
		size_t m = 0, ms = 0;

		assert_non_null(oc);
		assert_non_null(os);
		/* in reverse: the order they arrive in must not matter */
		for (size_t i = n_codes; i-- > 0;)
			if (coord_pair_owner(codes[i], sp->owners) == q)
				oc[m++] = codes[i];
		for (size_t i = n_side; i-- > 0;)
			if (coord_pair_owner(side[i].code, sp->owners) == q)
				os[ms++] = side[i];
		assert_int_equal(coord_pairs_count(in, oc, m, os, ms, counts,
						   res->dup, &pp[q]),
				 CIB_OK);
		free(oc);
		free(os);
	}
	free(codes);
	free(side);
	for (int q = sp->owners; q-- > 0;) {
		struct coord_pair *pv;
		struct coord_edge *cv;
		size_t np, nc;
		struct coord_edge *grown;

		assert_int_equal(coord_pairs_test(pp[q], counts, &pv, &np, &cv,
						  &nc),
				 CIB_OK);
		coord_pairs_free(pp[q]);
		grown = realloc(res->cand, (res->n_cand + nc + 1) *
						   sizeof(*grown));
		assert_non_null(grown);
		res->cand = grown;
		if (nc)
			memcpy(res->cand + res->n_cand, cv, nc * sizeof(*cv));
		res->n_cand += nc;
		free(cv);
		if (q == 0) {
			res->pairs = pv;
			res->n_pairs = np;
		} else {
			sp->op[q] = pv;
			sp->n_op[q] = np;
		}
	}
	res->n_candidates = counts;
	sp->n_cand = res->n_cand;
	return CIB_OK;
}

static enum cib_err split_among(void *ctx, const struct coord_graph *g,
				const int32_t *mem, struct coord_pair **out,
				size_t *n_out)
{
	struct split *sp = ctx;
	enum cib_err err = coord_pairs_filter(g->pairs, g->n_pairs, mem, out,
					      n_out);

	for (int q = sp->owners; !err && q-- > 1;)
		err = coord_pairs_filter(sp->op[q], sp->n_op[q], mem, out,
					 n_out);
	return err;
}

static void copy_events(struct coord_events *dst,
			const struct coord_events *src)
{
	for (int t = 0; t < COORD__COUNT; t++) {
		coord_events_init(&dst[t]);
		for (size_t i = 0; i < src[t].n; i++) {
			uint8_t fl = src[t].minutes[i];

			assert_int_equal(
				coord_events_add_post(
					&dst[t], src[t].obj[i], src[t].time[i],
					src[t].acc[i], fl & COORD_EV_MINUTES,
					src[t].post[i],
					(fl & COORD_EV_MULTI) != 0),
				CIB_OK);
		}
	}
}

static void assert_same_graph(const struct coord_graph *a,
			      const struct coord_graph *b)
{
	assert_int_equal(a->n_pairs, b->n_pairs);
	assert_int_equal(a->n_edges, b->n_edges);
	assert_int_equal(a->n_comps, b->n_comps);
	assert_int_equal(a->n_dense, b->n_dense);
	assert_int_equal(a->n_candidates, b->n_candidates);
	assert_memory_equal(a->pairs, b->pairs, a->n_pairs * sizeof(*a->pairs));
	for (size_t i = 0; i < a->n_edges; i++) {
		const struct coord_edge *x = &a->edges[i], *y = &b->edges[i];

		assert_int_equal(x->a, y->a);
		assert_int_equal(x->b, y->b);
		assert_memory_equal(x->x, y->x, sizeof(x->x));
		assert_int_equal(x->observed, y->observed);
		assert_int_equal(x->level, y->level);
		assert_memory_equal(&x->lambda, &y->lambda, sizeof(double));
		assert_memory_equal(&x->log10p, &y->log10p, sizeof(double));
	}
	for (size_t c = 0; c < a->n_comps; c++) {
		assert_memory_equal(a->comps[c].M, b->comps[c].M,
				    sizeof(a->comps[c].M));
		assert_memory_equal(a->comps[c].R, b->comps[c].R,
				    sizeof(a->comps[c].R));
		assert_memory_equal(a->comps[c].rate, b->comps[c].rate,
				    sizeof(a->comps[c].rate));
		assert_int_equal(a->comps[c].n_candidates,
				 b->comps[c].n_candidates);
	}
	assert_memory_equal(a->stats, b->stats, sizeof(a->stats));
	for (int t = 0; t < COORD__COUNT; t++)
		assert_memory_equal(a->k[t], b->k[t],
				    a->n_accounts * sizeof(*a->k[t]));
	assert_memory_equal(a->s_amp, b->s_amp,
			    a->n_accounts * sizeof(*a->s_amp));
	assert_memory_equal(a->comp, b->comp, a->n_accounts * sizeof(*a->comp));
	for (size_t i = 0; i < a->n_dense; i++) {
		assert_int_equal(a->dense[i].obj, b->dense[i].obj);
		assert_int_equal(a->dense[i].comp, b->dense[i].comp);
		assert_int_equal(a->dense[i].actors, b->dense[i].actors);
		assert_int_equal(a->dense[i].type, b->dense[i].type);
	}
}

/* The graph of seed's events built whole (g) and through sh (gs). */
static void build_both(uint64_t seed, const struct coord_shard *sh,
		       struct coord_graph *g, struct coord_graph *gs)
{
	struct coord_events ev[COORD__COUNT], ev2[COORD__COUNT];
	struct coord_opts o, os;

	fill(ev, seed);
	copy_events(ev2, ev);
	coord_opts_init(&o);
	o.max_actors = 30;
	o.pairs_per_event = 2;
	o.pairs_base = 40;
	o.min_coactions = 1 + (int)(seed % 2);
	os = o;
	os.shard = sh;
	assert_int_equal(coord_build(ev, NA, &o, g), CIB_OK);
	assert_int_equal(coord_build(ev2, NA, &os, gs), CIB_OK);
	for (int t = 0; t < COORD__COUNT; t++) {
		coord_events_release(&ev[t]);
		coord_events_release(&ev2[t]);
	}
}

static void test_sharded_scan_equals_whole(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= 3; seed++)
		for (int shards = 1; shards <= 4; shards++) {
			struct coord_graph g, gs;
			struct split sp = { shards, 0, 0, { NULL }, { 0 }, 0 };
			struct coord_shard sh = { &sp, split_scan, NULL, NULL,
						  NULL, 0 };

			build_both(seed, &sh, &g, &gs);
			assert_int_equal(sp.calls, 1);
			/* the case is not empty: every kind of result */
			assert_true(g.n_edges > 0);
			assert_true(g.n_dense > 0);
			assert_true(g.stats[COORD_LINK].viral_objects > 0);
			assert_same_graph(&g, &gs);
			coord_graph_release(&g);
			coord_graph_release(&gs);
		}
}

/* The pair phase split over 1-4 owners as well: the same edges, counts
 * and statistics, and the owners' pairs together are the whole graph's
 * (coord_pairs_among, all of them and a subset). */
static void test_sharded_pairs_equal_whole(void **state)
{
	size_t ref_cand = 0;

	(void)state;
	for (uint64_t seed = 1; seed <= 3; seed++)
		for (int owners = 1; owners <= 4; owners++) {
			struct coord_graph g, gs;
			struct split sp = { 2, 0, owners, { NULL }, { 0 }, 0 };
			struct coord_shard sh = { &sp, split_scan, split_pairs,
						  split_among, NULL, 0 };
			int32_t mem[NA];
			struct coord_pair *pa, *pb;
			size_t na, nb, held;

			build_both(seed, &sh, &g, &gs);
			assert_true(g.n_edges > 0);
			/* the owners kept the candidates one owner keeps: their
			 * BH bounds came from the summed counts */
			if (owners == 1)
				ref_cand = sp.n_cand;
			assert_int_equal(sp.n_cand, ref_cand);
			assert_true(sp.n_cand > g.n_edges);
			held = gs.n_pairs;
			for (int q = 1; q < owners; q++) {
				/* every owner holds some of the pairs */
				assert_true(sp.n_op[q] > 0);
				held += sp.n_op[q];
			}
			assert_int_equal(held, g.n_pairs);
			for (int pass = 0; pass < 2; pass++) {
				for (int a = 0; a < NA; a++)
					mem[a] = pass == 0 || a % 3 ? a % 5 : -1;
				assert_int_equal(coord_pairs_among(&g, mem, &pa,
								   &na),
						 CIB_OK);
				assert_int_equal(coord_pairs_among(&gs, mem, &pb,
								   &nb),
						 CIB_OK);
				assert_int_equal(na, nb);
				assert_true(na > 0);
				if (pass == 0)
					assert_int_equal(na, g.n_pairs);
				assert_memory_equal(pa, pb, na * sizeof(*pa));
				free(pa);
				free(pb);
			}
			/* the rest of the graph, pairs aside, bit for bit */
			gs.n_pairs = g.n_pairs;
			pb = gs.pairs;
			gs.pairs = g.pairs;
			assert_same_graph(&g, &gs);
			gs.pairs = pb;
			coord_graph_release(&g);
			coord_graph_release(&gs);
			for (int q = 1; q < owners; q++)
				free(sp.op[q]);
		}
}

/* Events that keep only their post (coord_events_of_posts), whose
 * account and time the build reads from the posts' columns, give the
 * graph of the same events with both stored, bit for bit: every type
 * (amplification stored: it has no post), multi-event posts, minute
 * precision, a crew, viral and dense objects, and a type with a single
 * event (the sort's early return). */
/* Sorted as their posts: the same events as full's in the same order,
 * no account or time column. */
static void assert_sorted_as_posts(const struct coord_events *full,
				   const struct coord_events *sent)
{
	for (int t = 0; t < COORD__COUNT; t++) {
		assert_int_equal(full[t].n, sent[t].n);
		if (t == COORD_AMPLIFY || !sent[t].n)
			continue;
		assert_non_null(sent[t].post_acc);
		assert_null(sent[t].acc);
		assert_null(sent[t].time);
		for (size_t i = 0; i < full[t].n; i++) {
			assert_int_equal(full[t].obj[i], sent[t].obj[i]);
			assert_int_equal(full[t].post[i], sent[t].post[i]);
			assert_int_equal(full[t].minutes[i],
					 sent[t].minutes[i]);
			assert_int_equal(full[t].acc[i],
					 coord_ev_acc(&sent[t], i));
			assert_int_equal(full[t].time[i],
					 coord_ev_time(&sent[t], i));
		}
	}
}

static void test_events_of_posts(void **state)
{
	enum { NP = 6000 };
	/* full: stored; part: kept as their posts; sent: the same, built
	 * through a shard that scans every type but amplification
	 * elsewhere, so sorted as their posts */
	struct coord_events full[COORD__COUNT], part[COORD__COUNT],
		sent[COORD__COUNT];
	uint32_t *pacc = malloc(NP * sizeof(*pacc));
	int64_t *ptime = malloc(NP * sizeof(*ptime));
	struct coord_graph g, gp, gs;
	struct coord_opts o, os;
	struct split sp = { 3, 0, 0, { NULL }, { 0 }, 0 };
	struct coord_shard sh = { &sp, split_scan, NULL, NULL, NULL, 1 };

	(void)state;
	assert_non_null(pacc);
	assert_non_null(ptime);
	rng_state = 99;
	for (int t = 0; t < COORD__COUNT; t++) {
		coord_events_init(&full[t]);
		coord_events_init(&part[t]);
		coord_events_init(&sent[t]);
		if (t != COORD_AMPLIFY) {
			coord_events_of_posts(&part[t], pacc, ptime);
			coord_events_of_posts(&sent[t], pacc, ptime);
		}
	}
	for (uint32_t post = 0; post < NP; post++) {
		uint32_t a = (uint32_t)(rng() % NA);
		int mins = rng() % 5 == 0;
		int t = (int)(rng() % (COORD__COUNT - 1));
		int nobj = 1 + (int)(rng() % 3);
		int64_t tm = (int64_t)(rng() % 200000);

		if (t == COORD_REPLY_ACCOUNT)
			t = COORD_REPOST;
		if (post == 17) { /* the one event of this type */
			t = COORD_REPLY_ACCOUNT;
			nobj = 1;
		}
		if (a < 12) /* a crew: seconds apart */
			tm = (int64_t)(post % 10) * 3000 +
			     (int64_t)(rng() % 20);
		pacc[post] = a;
		ptime[post] = tm;
		for (int k = 0; k < nobj; k++) {
			uint64_t obj = a < 12 ? post % 10
					      : 100 + rng() % 3000;

			if (rng() % 8 == 0)
				obj = 7777; /* popular: viral */
			for (int w = 0; w < 3; w++)
				assert_int_equal(
					coord_events_add_post(
						w == 2	 ? &sent[t]
						: w == 1 ? &part[t]
							 : &full[t],
						obj, tm, a, mins, post,
						nobj > 1),
					CIB_OK);
		}
		if (rng() % 4 == 0) { /* a quick repost of another */
			uint64_t src = rng() % NA;
			int64_t d = (int64_t)(rng() % 7200);

			struct coord_events *amp[3] = {
				&full[COORD_AMPLIFY], &part[COORD_AMPLIFY],
				&sent[COORD_AMPLIFY]
			};

			for (int w = 0; w < 3; w++)
				assert_int_equal(coord_events_add(amp[w], src,
								  d, a, mins),
						 CIB_OK);
		}
	}
	assert_int_equal(full[COORD_REPLY_ACCOUNT].n, 1);
	assert_null(part[COORD_REPOST].acc);
	assert_null(part[COORD_REPOST].time);
	coord_opts_init(&o);
	o.max_actors = 30;
	o.pairs_per_event = 2;
	o.pairs_base = 40;
	assert_int_equal(coord_build(full, NA, &o, &g), CIB_OK);
	assert_int_equal(coord_build(part, NA, &o, &gp), CIB_OK);
	os = o;
	os.shard = &sh;
	assert_int_equal(coord_build(sent, NA, &os, &gs), CIB_OK);
	assert_int_equal(sp.calls, 1);
	assert_true(g.n_edges > 0);
	assert_same_graph(&g, &gp);
	assert_same_graph(&g, &gs);
	assert_sorted_as_posts(full, sent);
	/* the build left every list as columns, in one order */
	for (int t = 0; t < COORD__COUNT; t++) {
		assert_int_equal(full[t].n, part[t].n);
		assert_null(part[t].post_acc);
		if (!part[t].n)
			continue;
		assert_memory_equal(full[t].acc, part[t].acc,
				    full[t].n * sizeof(*full[t].acc));
		assert_memory_equal(full[t].time, part[t].time,
				    full[t].n * sizeof(*full[t].time));
		assert_memory_equal(full[t].post, part[t].post,
				    full[t].n * sizeof(*full[t].post));
	}
	coord_graph_release(&g);
	coord_graph_release(&gp);
	coord_graph_release(&gs);
	for (int t = 0; t < COORD__COUNT; t++) {
		coord_events_release(&full[t]);
		coord_events_release(&part[t]);
		coord_events_release(&sent[t]);
	}
	free(pacc);
	free(ptime);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sharded_scan_equals_whole),
		cmocka_unit_test(test_sharded_pairs_equal_whole),
		cmocka_unit_test(test_events_of_posts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
