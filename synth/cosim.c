/* cosim.c - the co-sharing benchmark behind 'cibscan synth --cosharing'
 * (cosim.h; docs/synth.md, "Co-sharing").
 *
 * Plan: accounts get roles through a seeded permutation (planted members
 * are not the first ids), planted members are split into groups of varied
 * size, objects get a publication time, a lifetime and a popularity rank.
 * Every pair of members of a group co-shares k objects, k uniform in
 * [pair_min, pair_max]: one co-share event puts both shares of the same
 * object into one slot of 2*window+1 seconds, at most `window` seconds
 * apart. Each (slot, object) holds at most one event, and events in
 * different slots are more than `window` apart, so no event adds a
 * co-share to any other pair: every planted pair has exactly k co-shares
 * within the window, pairs of different groups none. Planted members share
 * nothing else (as in the benchmark they follow). Uncoordinated accounts
 * share a log-normal number of distinct objects, drawn by the same
 * popularity, at times that follow each object's decay, so they meet
 * planted members and each other on the same objects at random times.
 *
 * Randomness: srng streams keyed by (seed, purpose, index). Same options,
 * same bytes. Memory: 16 bytes a share plus the event hash set.
 */
#include "cosim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timefmt.h"
#include "sout.h"
#include "srng.h"

enum { TAG_PLAN = 101, TAG_GROUP, TAG_ORG, TAG_OBJ, TAG_LOOK };
enum { ROLE_CONTEST = 1, ROLE_ADVOCACY = 2 };

struct share {
	int64_t t;
	uint32_t acct, obj;
};

struct plan {
	const struct cosim_opts *o;
	uint64_t key;
	int64_t span;      /* seconds */
	uint32_t *group;   /* per account: 0 organic, else 1..groups */
	uint8_t *role;     /* 0 organic/cib, ROLE_CONTEST, ROLE_ADVOCACY */
	uint32_t *lgroup;  /* look-alike group number (after the planted) */
	uint64_t nobj;     /* objects including giveaways and alerts */
	uint32_t *popobj;  /* popularity rank -> object */
	int64_t *birth;    /* per object, seconds from the start */
	double *tau;       /* per object, mean lag of its shares */
	struct share *sh;
	size_t n, cap;
	uint64_t *set;     /* open addressing, 0 = empty */
	size_t setmask;
};

void cosim_opts_init(struct cosim_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->accounts = 1000;
	o->coordinated = 100;
	o->groups = 1;
	o->objects = 500;
	o->window = 10;
	o->days = 4;
	o->pair_min = 2;
	o->pair_max = 3;
	o->organic_median = 8;
	o->seed = 1;
	o->start_day = timefmt_days_from_civil(2019, 4, 1);
}

static uint64_t pairs_of(uint64_t n)
{
	return n * (n - 1) / 2;
}

enum cib_err cosim_check(const struct cosim_opts *o, char *errmsg,
			 size_t errlen)
{
	const char *bad = NULL;
	uint64_t slots;

	if (o->accounts < 10 || o->accounts > COSIM_MAX_ACCOUNTS)
		bad = "--accounts must be between 10 and 2000000 with "
		      "--cosharing";
	else if (o->groups < 1 || o->groups > COSIM_MAX_GROUPS)
		bad = "--groups must be between 1 and 64";
	else if (o->coordinated < 3 * (uint64_t)o->groups ||
		 o->coordinated > o->accounts / 2)
		bad = "--coordinated must be at least 3 per group and at most "
		      "half of --accounts";
	else if (o->coordinated > (uint64_t)o->groups * COSIM_MAX_GROUP / 2)
		bad = "--coordinated is too large for --groups (at most 500 "
		      "members a group on average)";
	else if (o->objects < 2 || o->objects > 100000000)
		bad = "--objects must be between 2 and 100000000";
	else if (o->window < 1 || o->window > 3600)
		bad = "--window must be between 1 and 3600 seconds";
	else if (o->days < 1 || o->days > 3650)
		bad = "--days must be between 1 and 3650";
	else if (o->pair_min < 1 || o->pair_max < o->pair_min ||
		 o->pair_max > 50)
		bad = "--pair-shares must be LO-HI with 1 <= LO <= HI <= 50";
	else if (o->organic_median <= 0 || o->organic_median > 1000)
		bad = "--organic-shares must be in (0, 1000]";
	else if (o->start_day < timefmt_days_from_civil(2000, 1, 1) ||
		 o->start_day > timefmt_days_from_civil(2035, 1, 1))
		bad = "--start must be between 2000-01-01 and 2035-01-01";
	if (!bad) {
		/* every event needs its own (slot, object); keep the table at
		 * most a quarter full so placement stays quick and random */
		slots = (uint64_t)o->days * 86400 / (2 * (uint64_t)o->window + 1);
		if ((double)pairs_of(o->coordinated / (uint64_t)o->groups * 2) *
			    o->pair_max * 4.0 >
		    (double)slots * (double)o->objects)
			bad = "too many planted co-shares for --days, --window "
			      "and --objects";
	}
	if (bad) {
		snprintf(errmsg, errlen, "%s", bad);
		return CIB_EUSAGE;
	}
	return CIB_OK;
}

static int push(struct plan *p, uint32_t a, uint32_t obj, int64_t t)
{
	if (p->n == p->cap) {
		size_t nc = p->cap ? p->cap * 2 : 4096;
		struct share *ns = realloc(p->sh, nc * sizeof(*ns));

		if (!ns)
			return -1;
		p->sh = ns;
		p->cap = nc;
	}
	p->sh[p->n].acct = a;
	p->sh[p->n].obj = obj;
	p->sh[p->n].t = t;
	p->n++;
	return 0;
}

/* Inserts key; returns 1 when it was already there. */
static int set_add(struct plan *p, uint64_t key)
{
	size_t i = (size_t)srng_mix(key) & p->setmask;

	while (p->set[i]) {
		if (p->set[i] == key)
			return 1;
		i = (i + 1) & p->setmask;
	}
	p->set[i] = key;
	return 0;
}

/* A share time of object `obj`: its publication plus an exponential lag,
 * inside [0, limit). */
static int64_t share_time(struct plan *p, struct srng *r, uint32_t obj,
			  int64_t limit)
{
	for (int i = 0; i < 20; i++) {
		double t = (double)p->birth[obj] + srng_exp(r, p->tau[obj]);

		if (t < (double)limit)
			return (int64_t)t;
	}
	return srng_range(r, p->birth[obj] < limit ? p->birth[obj] : 0,
			  limit - 1);
}

static uint32_t pick_object(struct plan *p, struct srng *r)
{
	return p->popobj[srng_zipf(r, p->o->objects, 0.8)];
}

static int plant_groups(struct plan *p, struct cosim_stats *st)
{
	const struct cosim_opts *o = p->o;
	int64_t w = o->window, slotlen = 2 * w + 1;
	int64_t nslots = p->span / slotlen;
	uint32_t *mem = malloc(o->coordinated * sizeof(*mem));
	struct srng r;

	if (!mem)
		return -1;
	for (int g = 1; g <= o->groups; g++) {
		size_t m = 0;

		for (uint64_t a = 0; a < o->accounts; a++)
			if (p->group[a] == (uint32_t)g)
				mem[m++] = (uint32_t)a;
		srng_seed(&r, p->key, TAG_GROUP, (uint64_t)g);
		for (size_t i = 0; i < m; i++)
			for (size_t j = i + 1; j < m; j++) {
				int k = (int)srng_range(&r, o->pair_min,
							o->pair_max);

				st->planted_pairs++;
				st->planted_coshares += (uint64_t)k;
				for (int e = 0; e < k; e++) {
					uint32_t obj;
					int64_t slot;

					for (int tries = 0;; tries++) {
						obj = pick_object(p, &r);
						slot = tries < 100
							       ? share_time(p, &r, obj,
									    p->span) /
									 slotlen
							       : srng_range(&r, 0, nslots - 1);
						if (slot >= nslots)
							continue;
						if (!set_add(p, (uint64_t)slot *
								       o->objects +
								       obj + 1))
							break;
					}
					if (push(p, mem[i], obj,
						 slot * slotlen + srng_range(&r, 0, w)) ||
					    push(p, mem[j], obj,
						 slot * slotlen + srng_range(&r, 0, w))) {
						free(mem);
						return -1;
					}
				}
			}
	}
	free(mem);
	return 0;
}

static int organic_shares(struct plan *p)
{
	const struct cosim_opts *o = p->o;
	uint32_t seen[1000];
	struct srng r;

	for (uint64_t a = 0; a < o->accounts; a++) {
		double x;
		size_t n, k = 0;

		if (p->group[a])
			continue;
		srng_seed(&r, p->key, TAG_ORG, a);
		x = srng_lnorm(&r, o->organic_median, 1.1) + 0.5;
		n = x < 1 ? 1 : x > 1000 ? 1000 : (size_t)x;
		if (n > o->objects / 2)
			n = (size_t)(o->objects / 2);
		if (n < 1)
			n = 1;
		while (k < n) {
			uint32_t obj = pick_object(p, &r);
			int dup = 0;

			for (size_t i = 0; i < k && !dup; i++)
				dup = seen[i] == obj;
			if (dup) {
				/* a popular object already shared: take any */
				obj = (uint32_t)srng_below(&r, o->objects);
				for (size_t i = 0; i < k && !dup; i++)
					dup = seen[i] == obj;
				if (dup)
					continue;
			}
			seen[k++] = obj;
			if (push(p, (uint32_t)a, obj,
				 share_time(p, &r, obj, p->span)))
				return -1;
		}
	}
	return 0;
}

/* Look-alike crowds among the uncoordinated accounts: two contest-hunter
 * crowds (50-200 accounts, at most an eighth of the uncoordinated each; a giveaway every 6-24 h, each hunter sharing it
 * with probability 0.5-0.95, log-normal 1-5 min after it) and two advocacy
 * crowds (100-300; an alert every 8-36 h, each supporter answering with
 * probability 0.15-0.9, log-normal 1-4 h after it). Their objects are new
 * ones, numbered after --objects. */
static int lookalike_crowds(struct plan *p, struct cosim_stats *st)
{
	const struct cosim_opts *o = p->o;
	struct srng r;
	uint32_t *pool;
	uint64_t npool = 0, at = 0;
	uint32_t gnum = (uint32_t)o->groups;

	pool = malloc(o->accounts * sizeof(*pool));
	if (!pool)
		return -1;
	for (uint64_t a = 0; a < o->accounts; a++)
		if (!p->group[a])
			pool[npool++] = (uint32_t)a;
	srng_seed(&r, p->key, TAG_LOOK, 0);
	srng_shuffle_u32(&r, pool, npool);
	for (int c = 0; c < 4; c++) {
		int contest = c < 2;
		uint64_t n = (uint64_t)(contest ? srng_range(&r, 50, 200)
						: srng_range(&r, 100, 300));
		double every = (contest ? srng_uniform(&r, 6, 24)
					: srng_uniform(&r, 8, 36)) * 3600;
		double lag = contest ? srng_uniform(&r, 1, 5) * 60
				     : srng_uniform(&r, 1, 4) * 3600;
		double prob[300];
		uint64_t nev = (uint64_t)((double)p->span / every) + 1;

		/* four crowds take at most half of the uncoordinated */
		if (n > npool / 8)
			n = npool / 8;
		if (n < 3)
			break;
		gnum++;
		for (uint64_t i = 0; i < n; i++) {
			p->role[pool[at + i]] = contest ? ROLE_CONTEST : ROLE_ADVOCACY;
			p->lgroup[pool[at + i]] = gnum;
			prob[i] = contest ? srng_uniform(&r, 0.5, 0.95)
					  : srng_uniform(&r, 0.15, 0.9);
		}
		if (contest)
			st->contest += n;
		else
			st->advocacy += n;
		for (uint64_t e = 0; e < nev; e++) {
			uint32_t obj = (uint32_t)p->nobj++;
			int64_t t0 = (int64_t)(srng_unif(&r) * 0.95 * (double)p->span);

			for (uint64_t i = 0; i < n; i++) {
				int64_t t;

				if (!srng_coin(&r, prob[i]))
					continue;
				t = t0 + 1 + (int64_t)srng_lnorm(&r, lag, contest ? 0.9 : 1.0);
				if (t >= p->span)
					continue;
				if (push(p, pool[at + i], obj, t)) {
					free(pool);
					return -1;
				}
			}
		}
		at += n;
	}
	free(pool);
	return 0;
}

static int share_cmp(const void *x, const void *y)
{
	const struct share *a = x, *b = y;

	if (a->t != b->t)
		return a->t < b->t ? -1 : 1;
	if (a->acct != b->acct)
		return a->acct < b->acct ? -1 : 1;
	return (a->obj > b->obj) - (a->obj < b->obj);
}

static int digits(uint64_t n)
{
	int d = 1;

	while (n >= 10) {
		n /= 10;
		d++;
	}
	return d;
}

/* Roles and group sizes: sizes start equal and trade up to 30 % of their
 * members at random, so groups differ in size without any falling below
 * three. */
static void assign_roles(struct plan *p, uint32_t *perm)
{
	const struct cosim_opts *o = p->o;
	uint64_t size[COSIM_MAX_GROUPS], at = 0;
	struct srng r;
	int K = o->groups;

	srng_seed(&r, p->key, TAG_PLAN, 0);
	for (uint64_t a = 0; a < o->accounts; a++)
		perm[a] = (uint32_t)a;
	srng_shuffle_u32(&r, perm, o->accounts);
	for (int g = 0; g < K; g++)
		size[g] = o->coordinated / (uint64_t)K +
			  ((uint64_t)g < o->coordinated % (uint64_t)K);
	for (int g = 0; K > 1 && g < K; g++) {
		int h = (int)srng_below(&r, (uint64_t)K);
		uint64_t d = srng_below(&r, size[g] * 3 / 10 + 1);

		if (h == g || size[g] - d < 3 || size[h] + d > COSIM_MAX_GROUP)
			continue;
		size[g] -= d;
		size[h] += d;
	}
	for (int g = 0; g < K; g++)
		for (uint64_t i = 0; i < size[g]; i++)
			p->group[perm[at++]] = (uint32_t)g + 1;
}

static int plan_objects(struct plan *p)
{
	const struct cosim_opts *o = p->o;
	struct srng r;

	p->popobj = malloc(o->objects * sizeof(*p->popobj));
	p->birth = malloc(o->objects * sizeof(*p->birth));
	p->tau = malloc(o->objects * sizeof(*p->tau));
	if (!p->popobj || !p->birth || !p->tau)
		return -1;
	srng_seed(&r, p->key, TAG_OBJ, 0);
	for (uint64_t i = 0; i < o->objects; i++) {
		double tau = srng_lnorm(&r, 4 * 3600.0, 0.8);

		p->popobj[i] = (uint32_t)i;
		p->birth[i] = (int64_t)(srng_unif(&r) * 0.8 * (double)p->span);
		p->tau[i] = tau < 600 ? 600 : tau > 2 * 86400.0 ? 2 * 86400.0
								: tau;
	}
	srng_shuffle_u32(&r, p->popobj, o->objects);
	return 0;
}

static enum cib_err write_files(struct plan *p, const char *dir,
				char *errmsg, size_t errlen)
{
	const struct cosim_opts *o = p->o;
	struct sout sh, js, tr;
	int da = digits(o->accounts), dob = digits(p->nobj),
	    dsh = digits(p->n);
	int64_t t0 = o->start_day * 86400;
	enum cib_err e;
	char acc[32], obj[32], con[32];

	e = sout_open(&sh, dir, "shares.csv", errmsg, errlen);
	if (e)
		return e;
	e = sout_open(&js, dir, "posts.jsonl", errmsg, errlen);
	if (e) {
		sout_abort(&sh);
		return e;
	}
	e = sout_open(&tr, dir, "truth.csv", errmsg, errlen);
	if (e) {
		sout_abort(&sh);
		sout_abort(&js);
		return e;
	}
	sout_puts(&sh, "object_id,account_id,content_id,timestamp_share\n");
	sout_puts(&js, "{\"type\":\"cibscan\",\"version\":1}\n");
	for (size_t i = 0; i < p->n; i++) {
		const struct share *s = &p->sh[i];

		snprintf(acc, sizeof(acc), "account_%0*llu", da,
			 (unsigned long long)s->acct + 1);
		snprintf(obj, sizeof(obj), "object_%0*llu", dob,
			 (unsigned long long)s->obj + 1);
		snprintf(con, sizeof(con), "share_%0*llu", dsh,
			 (unsigned long long)i + 1);
		sout_printf(&sh, "%s,%s,%s,%lld\n", obj, acc, con,
			    (long long)(t0 + s->t));
		sout_printf(&js,
			    "{\"type\":\"post\",\"platform\":\"x\",\"id\":\"%s\","
			    "\"account_id\":\"%s\",\"time\":\"",
			    con, acc);
		sout_iso(&js, t0 + s->t);
		sout_printf(&js, "\",\"kind\":\"repost\",\"ref_post\":\"%s\"}\n",
			    obj);
	}
	sout_puts(&tr, "account_id,role,group_id\n");
	for (uint64_t a = 0; a < o->accounts; a++) {
		if (p->group[a])
			sout_printf(&tr, "account_%0*llu,cib,%u\n", da,
				    (unsigned long long)a + 1, p->group[a]);
		else if (p->role[a])
			sout_printf(&tr, "account_%0*llu,%s,%u\n", da,
				    (unsigned long long)a + 1,
				    p->role[a] == ROLE_CONTEST ? "contest"
							       : "advocacy",
				    p->lgroup[a]);
		else
			sout_printf(&tr, "account_%0*llu,organic,\n", da,
				    (unsigned long long)a + 1);
	}
	e = sout_close(&sh, errmsg, errlen);
	if (!e)
		e = sout_close(&js, errmsg, errlen);
	if (!e)
		e = sout_close(&tr, errmsg, errlen);
	sout_abort(&sh);
	sout_abort(&js);
	sout_abort(&tr);
	return e;
}

enum cib_err cosim_write(const struct cosim_opts *o, const char *dir,
			 struct cosim_stats *st, char *errmsg, size_t errlen)
{
	struct plan p;
	struct cosim_stats s;
	uint32_t *perm = NULL;
	enum cib_err e;
	uint64_t events = 0;
	size_t setcap = 1024;

	e = cosim_check(o, errmsg, errlen);
	if (e)
		return e;
	memset(&p, 0, sizeof(p));
	memset(&s, 0, sizeof(s));
	p.o = o;
	p.key = srng_mix(0x636f7369ULL ^ srng_mix((uint64_t)o->seed));
	p.span = (int64_t)o->days * 86400;
	e = CIB_ENOMEM;
	snprintf(errmsg, errlen, "out of memory");
	p.group = calloc(o->accounts, sizeof(*p.group));
	p.role = calloc(o->accounts, sizeof(*p.role));
	p.lgroup = calloc(o->accounts, sizeof(*p.lgroup));
	p.nobj = o->objects;
	perm = malloc(o->accounts * sizeof(*perm));
	if (!p.group || !p.role || !p.lgroup || !perm || plan_objects(&p))
		goto out;
	assign_roles(&p, perm);
	{
		uint64_t size[COSIM_MAX_GROUPS + 1] = { 0 };

		for (uint64_t a = 0; a < o->accounts; a++)
			size[p.group[a]]++;
		for (int g = 1; g <= o->groups; g++)
			events += pairs_of(size[g]) * (uint64_t)o->pair_max;
	}
	while (setcap < events * 2 + 16)
		setcap *= 2;
	p.set = calloc(setcap, sizeof(*p.set));
	if (!p.set)
		goto out;
	p.setmask = setcap - 1;
	if (plant_groups(&p, &s) || organic_shares(&p) ||
	    (o->lookalikes && lookalike_crowds(&p, &s)))
		goto out;
	free(p.set);
	p.set = NULL;
	qsort(p.sh, p.n, sizeof(*p.sh), share_cmp);
	e = write_files(&p, dir, errmsg, errlen);
	if (e)
		goto out;
	s.accounts = o->accounts;
	s.coordinated = o->coordinated;
	s.groups = o->groups;
	s.shares = p.n;
	if (st)
		*st = s;
out:
	free(perm);
	free(p.group);
	free(p.role);
	free(p.lgroup);
	free(p.popobj);
	free(p.birth);
	free(p.tau);
	free(p.sh);
	free(p.set);
	return e;
}
