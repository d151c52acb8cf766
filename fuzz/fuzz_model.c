/* fuzz_model.c - the model-file parser (score --model): any bytes must be
 * refused cleanly or give a model whose predictions are probabilities for
 * any feature row (all zero, all missing, at the means, far out either
 * way) and which saves and loads back to the same numbers.
 * fuzz_model.dict and the hand-made models in fixtures/model/ (listed in
 * seeds-fuzz_model.txt) steer it past the JSON syntax into the checks. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/logit.h"
#include "model/pipeline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_p(const struct logit_model *m, const double *x)
{
	double p = logit_predict(m, x);

	if (!(p >= 0 && p <= 1))
		abort();
}

static void check_same(const struct logit_model *a,
		       const struct logit_model *b)
{
	if (a->p != b->p || a->intercept != b->intercept ||
	    a->threshold != b->threshold)
		abort();
	for (size_t j = 0; j < a->p; j++)
		if (a->mean[j] != b->mean[j] || a->sd[j] != b->sd[j] ||
		    a->coef[j] != b->coef[j] || strcmp(a->names[j], b->names[j]))
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct logit_model m, back;
	char err[256];
	double x[SF__COUNT];
	static const double fill[] = { 0, NAN, 1e6, -1e6 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if (logit_load(&m, (const char *)data, size, score_feature_names,
		       SF__COUNT, err, sizeof(err)) != CIB_OK)
		return 0;
	for (size_t k = 0; k < sizeof(fill) / sizeof(fill[0]); k++) {
		for (size_t j = 0; j < SF__COUNT; j++)
			x[j] = fill[k];
		check_p(&m, x);
	}
	for (size_t j = 0; j < SF__COUNT; j++)
		x[j] = m.mean[j];
	check_p(&m, x);
	f = open_memstream(&buf, &len);
	if (!f)
		return 0;
	if (logit_save(&m, f) != CIB_OK) {
		fclose(f);
		free(buf);
		return 0;
	}
	fclose(f);
	if (logit_load(&back, buf, len, score_feature_names, SF__COUNT, err,
		       sizeof(err)) != CIB_OK)
		abort();
	check_same(&m, &back);
	free(buf);
	return 0;
}
