/* logit.c - projected Newton (IRLS) for ridge logistic regression with
 * sign constraints, the prior shift, JSON persistence.
 *
 * Features are standardised (mean 0, sd 1 on the training rows) before
 * fitting so one ridge penalty treats them alike; the intercept is not
 * penalised. Each step solves (X'WX + rI) d = X'(y - mu) - r b by Cholesky
 * over the free coefficients; a coefficient held at its bound (sign[j] *
 * coef[j] == 0 with the gradient pushing it across) is fixed for the step
 * (Bertsekas' projected Newton), the step is projected back onto the
 * feasible box and halved until the penalised likelihood does not fall. It
 * stops when the largest change is below 1e-8 or after 200 steps.
 * Invariant: every returned coefficient satisfies its sign constraint
 * exactly (clamped ones are exactly 0).
 */
#include "logit.h"

#include <cjson/cJSON.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static double sigmoid(double z)
{
	if (z >= 0) {
		double e = exp(-z);

		return 1.0 / (1.0 + e);
	} else {
		double e = exp(z);

		return e / (1.0 + e);
	}
}

double logit_predict(const struct logit_model *m, const double *x)
{
	double z = m->intercept;

	for (size_t j = 0; j < m->p; j++) {
		double v = x[j];

		if (!isfinite(v))
			v = m->mean[j]; /* missing: the training mean */
		z += m->coef[j] * (v - m->mean[j]) / m->sd[j];
	}
	return sigmoid(z);
}

/* The posterior p (fitted at prior t) moved to prior q. */
static double shift_posterior(double p, double t, double q)
{
	double a = q / t * p, b = (1 - q) / (1 - t) * (1 - p);

	return a + b > 0 ? a / (a + b) : 0;
}

double logit_adjust_prior(double *score, size_t n, double train_prior)
{
	double q = train_prior;

	if (n == 0 || !(train_prior > 0 && train_prior < 1))
		return train_prior;
	/* EM: each step is the mean posterior under the current prior; the
	 * likelihood rises at every step, so it converges */
	for (int it = 0; it < 10000; it++) {
		double sum = 0, nq;

		for (size_t i = 0; i < n; i++)
			sum += shift_posterior(score[i], train_prior, q);
		nq = sum / (double)n;
		if (nq < LOGIT_PRIOR_MIN)
			nq = LOGIT_PRIOR_MIN;
		if (nq > 1 - LOGIT_PRIOR_MIN)
			nq = 1 - LOGIT_PRIOR_MIN;
		if (fabs(nq - q) <= 1e-12 * (q > 1e-3 ? q : 1e-3)) {
			q = nq;
			break;
		}
		q = nq;
	}
	for (size_t i = 0; i < n; i++)
		score[i] = shift_posterior(score[i], train_prior, q);
	return q;
}

static double odds(double q)
{
	return q / (1 - q);
}

double logit_adjust_prior_strata(double *score, const unsigned char *evidence,
				 size_t n, double train_e, double train_n,
				 double *q_e_out)
{
	double q = train_e, rho = 1, sum = 0;
	size_t ne = 0;

	for (size_t i = 0; i < n; i++)
		ne += evidence[i] != 0;
	if (ne && train_e > 0 && train_e < 1) {
		for (int it = 0; it < 10000; it++) {
			double s = 0, nq;

			for (size_t i = 0; i < n; i++)
				if (evidence[i])
					s += shift_posterior(score[i], train_e, q);
			nq = s / (double)ne;
			if (nq < LOGIT_PRIOR_MIN)
				nq = LOGIT_PRIOR_MIN;
			if (nq > 1 - LOGIT_PRIOR_MIN)
				nq = 1 - LOGIT_PRIOR_MIN;
			if (fabs(nq - q) <= 1e-12 * (q > 1e-3 ? q : 1e-3)) {
				q = nq;
				break;
			}
			q = nq;
		}
		rho = odds(q) / odds(train_e);
	}
	if (q_e_out)
		*q_e_out = q;
	for (size_t i = 0; i < n; i++) {
		if (evidence[i]) {
			if (train_e > 0 && train_e < 1)
				score[i] = shift_posterior(score[i], train_e, q);
		} else if (rho < 1 && train_n > 0 && train_n < 1) {
			/* the same odds factor, never above 1 */
			double qn = rho * odds(train_n);

			score[i] = shift_posterior(score[i], train_n,
						   qn / (1 + qn));
		}
		sum += score[i];
	}
	return n ? sum / (double)n : q;
}

static double std_value(const struct logit_model *m, const double *row,
			size_t j)
{
	double v = row[j];

	if (!isfinite(v))
		v = m->mean[j];
	return (v - m->mean[j]) / m->sd[j];
}

/* Penalised log-likelihood at coefficients b (standardised scale). */
static double penalised_ll(const struct logit_model *m, const double *X,
			   const int *y, const double *w, size_t n,
			   const double *b, double ridge)
{
	size_t p = m->p;
	double ll = 0;

	for (size_t i = 0; i < n; i++) {
		double z = b[p], wi = w ? w[i] : 1.0;

		for (size_t j = 0; j < p; j++)
			z += b[j] * std_value(m, X + i * p, j);
		/* log sigmoid(z) and log(1 - sigmoid(z)) without overflow */
		if (y[i])
			ll -= wi * (z >= 0 ? log1p(exp(-z)) : -z + log1p(exp(z)));
		else
			ll -= wi * (z >= 0 ? z + log1p(exp(-z)) : log1p(exp(z)));
	}
	for (size_t j = 0; j < p; j++)
		ll -= 0.5 * ridge * b[j] * b[j];
	return ll;
}

/* Each feature's mean and standard deviation over its finite values
 * (sd 1 when it does not vary). */
static void logit_standardise(struct logit_model *m, const double *X, size_t n)
{
	size_t p = m->p;

	for (size_t j = 0; j < p; j++) {
		double s = 0, s2 = 0, c = 0;

		for (size_t i = 0; i < n; i++) {
			double v = X[i * p + j];

			if (!isfinite(v))
				continue;
			s += v;
			s2 += v * v;
			c++;
		}
		m->mean[j] = c > 0 ? s / c : 0;
		m->sd[j] = c > 1 ? sqrt(fmax(s2 / c - m->mean[j] * m->mean[j], 0))
				 : 1;
		if (!(m->sd[j] > 1e-9))
			m->sd[j] = 1;
	}
}

/* The penalised log-likelihood's gradient g and negative Hessian H at
 * beta (the weighted IRLS normal equations, ridge on the coefficients,
 * not the intercept). */
static void logit_newton_system(const struct logit_model *m, const double *X,
				const int *y, const double *w, size_t n,
				const double *beta, double ridge,
				gsl_matrix *H, gsl_vector *g)
{
	size_t p = m->p, q = p + 1;

	gsl_matrix_set_zero(H);
	gsl_vector_set_zero(g);
	for (size_t i = 0; i < n; i++) {
		const double *row = X + i * p;
		double xs[LOGIT_MAX_FEATURES + 1];
		double z = beta[p], mu, wt, wi = w ? w[i] : 1.0;

		for (size_t j = 0; j < p; j++) {
			xs[j] = std_value(m, row, j);
			z += beta[j] * xs[j];
		}
		xs[p] = 1.0;
		mu = sigmoid(z);
		wt = wi * mu * (1 - mu);
		if (wt < 1e-12)
			wt = 1e-12;
		for (size_t a = 0; a < q; a++) {
			double *ga = gsl_vector_ptr(g, a);

			*ga += wi * xs[a] * ((y[i] ? 1.0 : 0.0) - mu);
			for (size_t b = 0; b <= a; b++)
				*gsl_matrix_ptr(H, a, b) +=
					wt * xs[a] * xs[b];
		}
	}
	for (size_t a = 0; a < q; a++) {
		for (size_t b = a + 1; b < q; b++)
			gsl_matrix_set(H, a, b, gsl_matrix_get(H, b, a));
		if (a < p) {
			*gsl_matrix_ptr(H, a, a) += ridge;
			*gsl_vector_ptr(g, a) -= ridge * beta[a];
		}
	}
}

/* Coefficients at their sign bound whose gradient points across it are
 * held for this step: their rows and columns become the identity and
 * their gradient 0, so d = 0 there. */
static void logit_hold_bounds(const struct logit_model *m, const double *beta,
			      gsl_matrix *H, gsl_vector *g,
			      unsigned char *held)
{
	size_t p = m->p, q = p + 1;

	for (size_t a = 0; a < p; a++) {
		int sg = m->sign[a];

		if (sg && beta[a] * sg <= 0 &&
		    gsl_vector_get(g, a) * sg <= 0) {
			held[a] = 1;
			for (size_t b = 0; b < q; b++) {
				gsl_matrix_set(H, a, b, 0);
				gsl_matrix_set(H, b, a, 0);
			}
			gsl_matrix_set(H, a, a, 1);
			gsl_vector_set(g, a, 0);
		}
	}
}

/* Backtracking along d from beta, coefficients held or clipped at their
 * sign bound: 1 with the first step into trial that does not lower the
 * penalised log-likelihood, 0 when 40 halvings find none. */
static int logit_line_search(const struct logit_model *m, const double *X,
			     const int *y, const double *w, size_t n,
			     const double *beta, const gsl_vector *d,
			     const unsigned char *held, double ridge,
			     double *trial)
{
	size_t p = m->p, q = p + 1;
	double ll0 = penalised_ll(m, X, y, w, n, beta, ridge), ll, step = 1.0;

	for (int half = 0; half < 40; half++) {
		for (size_t a = 0; a < q; a++) {
			trial[a] = held[a] ? beta[a]
					   : beta[a] + step * gsl_vector_get(d, a);
			if (a < p && m->sign[a] && trial[a] * m->sign[a] < 0)
				trial[a] = 0;
		}
		ll = penalised_ll(m, X, y, w, n, trial, ridge);
		if (ll >= ll0 - 1e-12)
			return 1;
		step /= 2;
	}
	return 0;
}

enum cib_err logit_fit(struct logit_model *m, const double *X, const int *y,
		       const double *w, size_t n, double ridge, char *errmsg,
		       size_t errlen)
{
	size_t p = m->p, q = p + 1, npos = 0;
	gsl_matrix *H = NULL;
	gsl_vector *g = NULL, *d = NULL;
	double *beta = NULL, *trial = NULL;
	enum cib_err err = CIB_OK;

	if (p == 0 || p > LOGIT_MAX_FEATURES || n == 0)
		return CIB_ERANGE;
	for (size_t i = 0; i < n; i++)
		npos += y[i] != 0;
	if (npos == 0 || npos == n) {
		snprintf(errmsg, errlen, "training data needs both classes");
		return CIB_ERANGE;
	}
	logit_standardise(m, X, n);
	H = gsl_matrix_alloc(q, q);
	g = gsl_vector_alloc(q);
	d = gsl_vector_alloc(q);
	beta = calloc(q, sizeof(*beta));
	trial = calloc(q, sizeof(*trial));
	if (!H || !g || !d || !beta || !trial) {
		err = CIB_ENOMEM;
		goto out;
	}
	beta[p] = log((double)npos / (double)(n - npos));
	for (int it = 0; it < 200; it++) {
		double maxstep = 0;
		unsigned char held[LOGIT_MAX_FEATURES + 1] = { 0 };
		int rc;

		logit_newton_system(m, X, y, w, n, beta, ridge, H, g);
		logit_hold_bounds(m, beta, H, g, held);
		/* a tiny jitter keeps the intercept row positive definite when a
		 * class is perfectly separated and the weights vanish */
		*gsl_matrix_ptr(H, p, p) += 1e-9;
		rc = gsl_linalg_cholesky_decomp1(H);
		if (!rc)
			rc = gsl_linalg_cholesky_solve(H, g, d);
		if (rc) {
			snprintf(errmsg, errlen, "GSL: %s", gsl_strerror(rc));
			err = CIB_ELIB;
			goto out;
		}
		/* projected Newton step with backtracking: never accept a step
		 * that lowers the penalised log-likelihood (separable data
		 * otherwise send plain IRLS to infinity) */
		if (!logit_line_search(m, X, y, w, n, beta, d, held, ridge,
				       trial))
			break; /* no feasible ascent along the step: optimal */
		for (size_t a = 0; a < q; a++) {
			double s = trial[a] - beta[a];

			beta[a] = trial[a];
			if (fabs(s) > maxstep)
				maxstep = fabs(s);
		}
		if (maxstep < 1e-8)
			break;
	}
	for (size_t j = 0; j < p; j++)
		m->coef[j] = beta[j];
	m->intercept = beta[p];
	m->ridge = ridge;
	m->n_train = n;
	m->prior = (double)npos / (double)n;
out:
	gsl_matrix_free(H);
	gsl_vector_free(g);
	gsl_vector_free(d);
	free(beta);
	free(trial);
	return err;
}

static int cmp_double_desc(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x > y ? -1 : x < y;
}

void logit_calibrate_threshold(struct logit_model *m, const double *scores,
			       const int *y, size_t n, double target_fpr)
{
	double *neg = malloc((n + 1) * sizeof(*neg));
	size_t nn = 0, allowed;

	m->target_fpr = target_fpr;
	if (!neg) {
		m->threshold = 0.5;
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (!y[i])
			neg[nn++] = scores[i];
	qsort(neg, nn, sizeof(*neg), cmp_double_desc);
	/* at most floor(fpr * nn) negatives may score at or above it */
	allowed = (size_t)floor(target_fpr * (double)nn);
	if (nn == 0)
		m->threshold = 0.5;
	else if (allowed >= nn)
		m->threshold = 0.0;
	else
		m->threshold = nextafter(neg[allowed], 2.0);
	if (m->threshold < 0.5 * m->prior)
		m->threshold = 0.5 * m->prior;
	free(neg);
}

/* cJSON prints a double with 15 digits whenever that reads back within an
 * epsilon, which can lose the last bit; a saved model must load back to
 * exactly the numbers it was fitted with, so write 17 significant digits
 * (always enough for a double). Not-finite values cannot be JSON: null. */
static void add_exact(cJSON *o, const char *key, double v)
{
	char b[40];

	if (!isfinite(v)) {
		cJSON_AddNullToObject(o, key);
		return;
	}
	snprintf(b, sizeof(b), "%.17g", v);
	cJSON_AddRawToObject(o, key, b);
}

enum cib_err logit_save(const struct logit_model *m, FILE *f)
{
	cJSON *root = cJSON_CreateObject(), *feats;
	char *s;

	if (!root)
		return CIB_ENOMEM;
	cJSON_AddStringToObject(root, "model", "cibscan-logistic");
	cJSON_AddNumberToObject(root, "version", 1);
	cJSON_AddStringToObject(root, "source", m->source);
	cJSON_AddNumberToObject(root, "n_train", (double)m->n_train);
	add_exact(root, "prior", m->prior);
	if (isfinite(m->prior_e) && isfinite(m->prior_n)) {
		add_exact(root, "prior_evidence", m->prior_e);
		add_exact(root, "prior_no_evidence", m->prior_n);
		cJSON_AddNumberToObject(root, "n_train_evidence",
					(double)m->n_train_e);
	}
	add_exact(root, "ridge", m->ridge);
	add_exact(root, "intercept", m->intercept);
	add_exact(root, "threshold", m->threshold);
	add_exact(root, "target_fpr", m->target_fpr);
	feats = cJSON_AddArrayToObject(root, "features");
	for (size_t j = 0; feats && j < m->p; j++) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddItemToArray(feats, o);
		cJSON_AddStringToObject(o, "name", m->names[j]);
		add_exact(o, "mean", m->mean[j]);
		add_exact(o, "sd", m->sd[j]);
		add_exact(o, "coef", m->coef[j]);
		cJSON_AddNumberToObject(o, "sign", m->sign[j]);
	}
	s = cJSON_Print(root);
	cJSON_Delete(root);
	if (!s)
		return CIB_ENOMEM;
	fputs(s, f);
	fputc('\n', f);
	free(s);
	return ferror(f) ? CIB_EIO : CIB_OK;
}

static int get_num(const cJSON *o, const char *k, double *out)
{
	const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, k);

	if (!cJSON_IsNumber(x) || !isfinite(x->valuedouble))
		return -1;
	*out = x->valuedouble;
	return 0;
}

enum cib_err logit_load(struct logit_model *m, const char *json, size_t len,
			const char *const *expected, size_t p, char *errmsg,
			size_t errlen)
{
	cJSON *root = cJSON_ParseWithLength(json, len);
	const cJSON *feats, *src;
	size_t j = 0;
	enum cib_err err = CIB_EPARSE;

	memset(m, 0, sizeof(*m));
	if (!root) {
		snprintf(errmsg, errlen, "not valid JSON");
		return CIB_EPARSE;
	}
	if (get_num(root, "intercept", &m->intercept) ||
	    get_num(root, "threshold", &m->threshold)) {
		snprintf(errmsg, errlen, "missing intercept or threshold");
		goto out;
	}
	get_num(root, "target_fpr", &m->target_fpr);
	get_num(root, "prior", &m->prior);
	get_num(root, "ridge", &m->ridge);
	m->prior_e = m->prior_n = NAN;
	if (get_num(root, "prior_evidence", &m->prior_e) ||
	    get_num(root, "prior_no_evidence", &m->prior_n) ||
	    !(m->prior_e > 0 && m->prior_e < 1) ||
	    !(m->prior_n > 0 && m->prior_n < 1))
		m->prior_e = m->prior_n = NAN;
	src = cJSON_GetObjectItemCaseSensitive(root, "source");
	if (cJSON_IsString(src))
		snprintf(m->source, sizeof(m->source), "%s", src->valuestring);
	feats = cJSON_GetObjectItemCaseSensitive(root, "features");
	if (!cJSON_IsArray(feats) || (size_t)cJSON_GetArraySize(feats) != p ||
	    p > LOGIT_MAX_FEATURES) {
		snprintf(errmsg, errlen, "model has %d features, expected %zu",
			 cJSON_IsArray(feats) ? cJSON_GetArraySize(feats) : 0, p);
		goto out;
	}
	for (const cJSON *f = feats->child; f; f = f->next, j++) {
		const cJSON *nm = cJSON_GetObjectItemCaseSensitive(f, "name");

		if (!cJSON_IsString(nm) || strcmp(nm->valuestring, expected[j])) {
			snprintf(errmsg, errlen,
				 "feature %zu is '%s', expected '%s'", j,
				 cJSON_IsString(nm) ? nm->valuestring : "?",
				 expected[j]);
			goto out;
		}
		snprintf(m->names[j], sizeof(m->names[j]), "%s", expected[j]);
		if (get_num(f, "mean", &m->mean[j]) ||
		    get_num(f, "sd", &m->sd[j]) ||
		    get_num(f, "coef", &m->coef[j]) || !(m->sd[j] > 0)) {
			snprintf(errmsg, errlen, "feature '%s': bad numbers",
				 expected[j]);
			goto out;
		}
		{
			double sg = 0;

			/* optional: models written before the constraints */
			if (!get_num(f, "sign", &sg) && sg != 0 && sg != 1 &&
			    sg != -1) {
				snprintf(errmsg, errlen,
					 "feature '%s': sign must be -1, 0 or 1",
					 expected[j]);
				goto out;
			}
			m->sign[j] = (int)sg;
			if (m->sign[j] * m->coef[j] < 0) {
				snprintf(errmsg, errlen,
					 "feature '%s': coefficient %g breaks "
					 "its sign constraint",
					 expected[j], m->coef[j]);
				goto out;
			}
		}
	}
	m->p = p;
	err = CIB_OK;
out:
	cJSON_Delete(root);
	return err;
}
