/* fuzz_langdetect.c - arbitrary bytes as posts through language detection,
 * the persona change point and the profile signals.
 *
 * Each input line is one post of one of four accounts; the line's first
 * byte picks the account, the platform language code (or none) and the
 * gap to the previous post; the rest is the text. Checks that nothing
 * crashes, leaks or reads out of bounds, and that results stay in range.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dataset.h"
#include "core/postindex.h"
#include "features/langdetect.h"
#include "features/persona.h"
#include "features/profile.h"

static const char *const codes[] = { NULL, "en", "zh-cn", "und", "qme",
				     "ja", "in", "x-weird", "ru", "" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct langdetect ld;
	static int ready;
	struct dataset ds;
	struct postindex pi;
	struct persona_result pr;
	struct profile_result fr;
	struct persona_opts o;
	char line[1024], id[32], acc[8];
	char out[LANGDETECT_CODE_MAX + 1];
	size_t i = 0, n = 0;
	int64_t t = 1500000000;

	if (!ready) {
		if (langdetect_init(&ld))
			abort();
		ready = 1;
	}
	langdetect_reset(&ld);
	langdetect_text(&ld, (const char *)data, size, out, sizeof(out));
	dataset_init(&ds);
	while (i < size && n < 2000) {
		size_t e = i, len;
		unsigned char c = data[i];
		struct post_rec r;

		while (e < size && data[e] != '\n')
			e++;
		len = e - i > 1 ? e - i - 1 : 0;
		if (len >= sizeof(line))
			len = sizeof(line) - 1;
		if (len)
			memcpy(line, data + i + 1, len);
		line[len] = '\0';
		snprintf(id, sizeof(id), "%zu", n++);
		snprintf(acc, sizeof(acc), "a%u", c & 3);
		t += (int64_t)(c >> 2) * 3600;
		post_rec_init(&r);
		r.platform = PLATFORM_X;
		r.id = id;
		r.account_id = acc;
		r.time = t;
		r.text = line[0] && !memchr(line, '\0', len) ? line : NULL;
		r.lang = codes[c % (sizeof(codes) / sizeof(codes[0]))];
		dataset_add_post(&ds, &r, NULL);
		i = e + 1;
	}
	if (postindex_build(&pi, &ds) == CIB_OK) {
		persona_opts_init(&o);
		o.max_perm = 19;
		if (persona_compute_opts(&ds, &pi, &ld, &o, &pr) == CIB_OK) {
			for (size_t a = 0; a < pr.n; a++)
				if (!(pr.cp_p[a] > 0 && pr.cp_p[a] <= 1) ||
				    pr.cp_llr[a] < 0 ||
				    (!isnan(pr.topic_shift[a]) &&
				     (pr.topic_shift[a] < 0 || pr.topic_shift[a] > 1)))
					abort();
			persona_result_release(&pr);
		}
		if (profile_compute(&ds, &pi, &fr) == CIB_OK)
			profile_result_release(&fr);
		postindex_release(&pi);
	}
	dataset_release(&ds);
	return 0;
}
