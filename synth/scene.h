/* scene.h - what the units of one synth run share: the window, the
 * platforms, the output, group numbering, the public posts others react
 * to, the operations' vocabulary (which organic partisans also use), and
 * the helpers that make a plausible account. Internal to synth/.
 */
#ifndef CIB_SCENE_H
#define CIB_SCENE_H

#include <stddef.h>
#include <stdint.h>

#include "srng.h"
#include "textgen.h"
#include "world.h"

enum { SC_MAX_OPS = 64, SC_MAX_DOMAINS = 8, SC_MAX_TAGS = 8 };

/* Reference pools of kept public posts, per platform. */
enum pool { POOL_POLITICS, POOL_NEWS, POOL_BRAND, POOL__COUNT };

struct sposts {
	const struct sref **v;
	size_t n, cap;
};

/* What an operation shows the world, for partisans to echo. */
struct opvocab {
	char domains[SC_MAX_DOMAINS][64];
	int ndomains;
	unsigned tags[SC_MAX_TAGS]; /* textgen_pol_hashtag indices */
	int ntags;
	unsigned ents[16];
	int nents;
};

struct scene {
	struct world *w;
	uint64_t key;
	int64_t t0, t1; /* the window, Unix seconds */
	unsigned platmask;
	uint32_t next_group;
	struct sposts pool[SP__COUNT][POOL__COUNT];
	struct opvocab ops[SC_MAX_OPS];
	int nops;
	/* exact-text set of operation members' texts (hashes) */
	uint64_t *texts;
	size_t ntexts, captexts;
	int oom;
};

void scene_init(struct scene *s, struct world *w, uint64_t key, int64_t t0,
		int64_t t1, unsigned platmask);
void scene_release(struct scene *s);
uint32_t scene_group(struct scene *s);
/* An ordinary person's account on `plat` in `lang`, created between
 * `c0` and `c1`; zone chosen from the language's countries into *tz. */
void scene_person(struct scene *s, struct srng *r, struct sacct *a,
		  enum splat plat, enum tlang lang, int64_t c0, int64_t c1,
		  int *tz);
/* A platform drawn from the scene's mask with the given weights. */
enum splat scene_platform(struct scene *s, struct srng *r, double wx,
			  double wm, double wb);
int scene_has(const struct scene *s, enum splat p);
void scene_pool_add(struct scene *s, enum splat p, enum pool k,
		    const struct sref *r);
/* A random kept post of pool k on p older than t; NULL when none. */
const struct sref *scene_pool_pick(struct scene *s, struct srng *r,
				   enum splat p, enum pool k, int64_t t);
/* Makes buf (cap bytes) unique among operation texts on `plat`,
 * changing only its end (an emoji, then a count) when it was seen;
 * records it. */
void scene_unique_text(struct scene *s, enum splat plat, char *buf,
		       size_t cap);
/* Appends entities to p (ignores extras past the caps). */
void scene_add_url(struct scene *s, struct spost *p, const char *url);
void scene_add_tag(struct scene *s, struct spost *p, const char *tag);
void scene_add_mention(struct scene *s, struct spost *p, const char *id,
		       const char *handle);
/* Reply `p` to `ref` (kind, ref, and the mention the platform adds). */
void scene_make_reply(struct scene *s, struct spost *p, const struct sref *ref);

#endif
