/* fromrun.h - the report's views of a saved run: the dataset-level parts
 * of a struct pipeline (post index, features, pooled cluster rhythms)
 * recomputed from the inputs the run was scored from, and the model's
 * parts (clusters, significant edges, cluster tests, scores, flags) taken
 * from the run, so `report --run` draws what `report FILE...` draws
 * without building the coordination graph, testing groups or scoring.
 */
#ifndef CIB_FROMRUN_H
#define CIB_FROMRUN_H

#include <stddef.h>

#include "core/dataset.h"
#include "core/error.h"
#include "model/pipeline.h"
#include "model/run.h"

/* Maps every account of r to its row in ds (r->ds_index, allocated here)
 * and fills p (released with pipeline_release) from r and ds. ds must hold
 * exactly the run's accounts: CIB_EPARSE with errmsg naming the first
 * account that is missing otherwise. */
enum cib_err report_view_from_run(struct pipeline *p, struct dataset *ds,
				  struct scored_run *r, char *errmsg,
				  size_t errlen);

/* The reference zone, seed and reuse cap the run's features were
 * computed with (NULL tz: the default zone). */
void report_run_feature_opts(const struct scored_run *r,
			     struct feature_opts *fo);

#endif
