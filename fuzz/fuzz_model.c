/* fuzz_model.c - the model-file parser (score --model): any bytes must be
 * refused cleanly or give a model whose predictions are finite. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "model/logit.h"
#include "model/pipeline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct logit_model m;
	char err[256];
	double x[SF__COUNT] = { 0 };

	if (logit_load(&m, (const char *)data, size, score_feature_names,
		       SF__COUNT, err, sizeof(err)) == CIB_OK) {
		double p = logit_predict(&m, x);

		if (!(p >= 0 && p <= 1))
			abort();
	}
	return 0;
}
