/* modes.c - the driver of the harder synth modes (modes.h): resolves each
 * mode's defaults, then writes the units in a fixed order: public
 * accounts (their posts are what others react to), operations (they
 * register the vocabulary partisans echo), look-alikes, ordinary people.
 */
#include "modes.h"

#include <stdio.h>
#include <string.h>

#include "core/timefmt.h"
#include "lookalike.h"
#include "scene.h"
#include "sparse.h"
#include "srng.h"
#include "stealth.h"

void modes_opts_init(struct modes_opts *o, enum smode m)
{
	memset(o, 0, sizeof(*o));
	o->mode = m;
	o->platforms = m == SM_PLATFORMS || m == SM_MIX
			       ? (1u << SP_X) | (1u << SP_MASTODON) | (1u << SP_BLUESKY)
			       : 1u << SP_X;
	o->networks = -1;
	o->organic = -1;
	o->days = -1;
	o->start_day = timefmt_days_from_civil(2022, 3, 1);
	o->seed = 1;
	o->xfmt = -1;
	o->lookalikes = 1;
	o->scale = 1;
}

unsigned modes_parse_platforms(const char *s)
{
	unsigned m = 0;

	while (*s) {
		const char *e = strchr(s, ',');
		size_t n = e ? (size_t)(e - s) : strlen(s);

		if (n == 1 && strncmp(s, "x", 1) == 0)
			m |= 1u << SP_X;
		else if ((n == 7 && strncmp(s, "twitter", 7) == 0))
			m |= 1u << SP_X;
		else if (n == 8 && strncmp(s, "mastodon", 8) == 0)
			m |= 1u << SP_MASTODON;
		else if (n == 7 && strncmp(s, "bluesky", 7) == 0)
			m |= 1u << SP_BLUESKY;
		else
			return 0;
		s += n;
		if (*s == ',')
			s++;
	}
	return m;
}

struct resolved {
	int days, networks, xfmt;
	int64_t organic;
};

static void resolve(const struct modes_opts *o, struct resolved *r)
{
	static const int days[] = { 180, 730, 120, 365 };
	static const int nets[] = { 3, 3, 1, 2 };
	static const int64_t org[] = { 3000, 3000, 3000, 5000 };

	r->days = o->days > 0 ? o->days : days[o->mode];
	r->networks = o->networks >= 0 ? o->networks : nets[o->mode];
	r->organic = o->organic >= 0 ? o->organic : org[o->mode];
	r->xfmt = o->xfmt >= 0 ? o->xfmt
		  : o->mode == SM_STEALTH || o->mode == SM_SPARSE ? SF_JSONL
								    : SF_XAPI;
}

enum cib_err modes_check(const struct modes_opts *o, char *errmsg,
			 size_t errlen)
{
	struct resolved r;
	const char *bad = NULL;

	resolve(o, &r);
	if (!o->platforms || o->platforms >= (1u << SP__COUNT))
		bad = "--platforms must name x, mastodon and/or bluesky";
	else if (r.days < 30 || r.days > 3650)
		bad = "--days must be between 30 and 3650 in this mode";
	else if (r.networks > 20)
		bad = "--networks must be between 0 and 20 in this mode";
	else if (r.organic > 5000000)
		bad = "--organic must be at most 5000000";
	else if (o->scale < 0.05 || o->scale > 20)
		bad = "--scale must be between 0.05 and 20";
	else if (o->start_day < timefmt_days_from_civil(2015, 1, 1) ||
		 o->start_day > timefmt_days_from_civil(2035, 1, 1))
		bad = "--start must be between 2015-01-01 and 2035-01-01";
	if (bad) {
		snprintf(errmsg, errlen, "%s", bad);
		return CIB_EUSAGE;
	}
	return CIB_OK;
}

enum cib_err modes_write(const struct modes_opts *o, const char *dir,
			 struct modes_stats *st, char *errmsg, size_t errlen)
{
	struct resolved r;
	struct world *w;
	struct world_stats ws;
	struct scene s;
	enum cib_err e;
	uint64_t key;
	int64_t t0;

	e = modes_check(o, errmsg, errlen);
	if (e)
		return e;
	resolve(o, &r);
	key = srng_mix(0x6d6f646573ULL ^ srng_mix((uint64_t)o->seed) ^
		       ((uint64_t)o->mode << 56));
	e = world_open(&w, dir, o->platforms, (enum sfmt)r.xfmt, key, errmsg,
		       errlen);
	if (e)
		return e;
	t0 = o->start_day * 86400;
	scene_init(&s, w, key, t0, t0 + (int64_t)r.days * 86400, o->platforms);
	lookalike_publics(&s);
	switch (o->mode) {
	case SM_STEALTH:
		for (int i = 0; i < r.networks; i++)
			stealth_network(&s, i, o->scale);
		break;
	case SM_SPARSE:
		for (int i = 0; i < r.networks; i++)
			sparse_network(&s, i, o->scale);
		break;
	case SM_PLATFORMS:
		for (int i = 0; i < r.networks; i++)
			stealth_crossplatform(&s, i, o->scale);
		break;
	case SM_MIX:
		/* --networks sets each kind's count */
		for (int i = 0; i < r.networks; i++)
			stealth_network(&s, i, o->scale);
		for (int i = 0; i < r.networks; i++)
			sparse_network(&s, i, o->scale);
		stealth_crossplatform(&s, 0, o->scale);
		break;
	}
	if (o->lookalikes)
		lookalike_all(&s, o->scale);
	lookalike_organic(&s, (uint64_t)r.organic);
	if (s.oom) {
		scene_release(&s);
		world_abort(w);
		snprintf(errmsg, errlen, "out of memory");
		return CIB_ENOMEM;
	}
	scene_release(&s);
	e = world_close(w, &ws, errmsg, errlen);
	if (e)
		return e;
	if (st) {
		memset(st, 0, sizeof(*st));
		st->accounts = ws.accounts;
		st->posts = ws.posts;
		memcpy(st->by_plat, ws.by_plat, sizeof(st->by_plat));
		st->cib = ws.cib;
		st->networks = (int)s.nops;
	}
	return CIB_OK;
}
