/* cmd_inspect.c - 'cibscan inspect': what was read, per input and per
 * platform, and which records were skipped and why. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "core/timefmt.h"
#include "core/textsafe.h"

static const char usage_text[] =
	"usage: cibscan inspect [options] FILE...\n\n"
	"Reads the files and summarises them: per input its format and record\n"
	"counts; per platform accounts, posts by kind, date range, languages;\n"
	"malformed records skipped, by reason, with file and line.\n\n"
	"options:\n"
	"  --json               machine-readable output\n" CLI_INPUT_HELP
	"  -h, --help           this help\n";

#define TOP_LANGS 12

struct plat_summary {
	uint64_t accounts, posts, kinds[POST_KIND__COUNT];
	int64_t tmin, tmax;
	struct lang_count {
		uint32_t lang;
		uint64_t n;
	} langs[TOP_LANGS];
	size_t n_langs;
};

struct pair {
	uint64_t key, n;
};

static int cmp_pair(const void *a, const void *b)
{
	uint64_t x = ((const struct pair *)a)->key;
	uint64_t y = ((const struct pair *)b)->key;

	return x < y ? -1 : x > y;
}

/* Sorts the n pairs (key[i], cnt[i]) by key. */
static int sort_pairs(uint64_t *key, uint64_t *cnt, size_t n)
{
	struct pair *p = malloc((n + 1) * sizeof(*p));

	if (!p)
		return -1;
	for (size_t i = 0; i < n; i++) {
		p[i].key = key[i];
		p[i].n = cnt[i];
	}
	qsort(p, n, sizeof(*p), cmp_pair);
	for (size_t i = 0; i < n; i++) {
		key[i] = p[i].key;
		cnt[i] = p[i].n;
	}
	free(p);
	return 0;
}

/* Top languages per platform: (platform, lang) pairs counted in a small
 * open-addressing table (a data set has dozens of them, not millions of
 * posts' worth), then each kept in its platform's top list. */
static int count_langs(const struct dataset *ds, struct plat_summary *ps)
{
	size_t cap = 64, n = 0;
	uint64_t *key = calloc(cap, sizeof(*key)), *cnt = calloc(cap, sizeof(*cnt));

	if (!key || !cnt)
		goto fail;
	for (size_t j = 0; j < ds->post.n; j++) {
		/* + 1: a zero key is an empty slot */
		uint64_t k = ((uint64_t)ds->acc.platform[ds->post.account[j]]
			      << 32 | ds->post.lang[j]) + 1;
		size_t h = (size_t)((k * 0x9e3779b97f4a7c15u) >> 40) & (cap - 1);

		while (key[h] && key[h] != k)
			h = (h + 1) & (cap - 1);
		if (!key[h]) {
			if ((n + 1) * 2 > cap) {
				/* grow, then insert again */
				size_t nc = cap * 2;
				uint64_t *nk = calloc(nc, sizeof(*nk));
				uint64_t *nn = calloc(nc, sizeof(*nn));

				if (!nk || !nn) {
					free(nk);
					free(nn);
					goto fail;
				}
				for (size_t i = 0; i < cap; i++) {
					size_t g;

					if (!key[i])
						continue;
					g = (size_t)((key[i] * 0x9e3779b97f4a7c15u) >> 40) & (nc - 1);
					while (nk[g])
						g = (g + 1) & (nc - 1);
					nk[g] = key[i];
					nn[g] = cnt[i];
				}
				free(key);
				free(cnt);
				key = nk;
				cnt = nn;
				cap = nc;
				j--;
				continue;
			}
			key[h] = k;
			n++;
		}
		cnt[h]++;
	}
	/* pairs in ascending key order (ties in the top lists then fall as
	 * they did when the posts themselves were sorted); the table's slots
	 * are reused as the pair array */
	for (size_t i = 0, o = 0; i < cap; i++)
		if (key[i]) {
			key[o] = key[i];
			cnt[o] = cnt[i];
			o++;
		}
	for (size_t i = 0; i < n; i++)
		key[i]--; /* back to the plain key */
	if (sort_pairs(key, cnt, n))
		goto fail;
	for (size_t i = 0; i < n; i++) {
		struct plat_summary *s = &ps[key[i] >> 32];
		size_t pos = s->n_langs;

		/* insertion into the small sorted top list */
		while (pos > 0 && s->langs[pos - 1].n < cnt[i])
			pos--;
		if (pos < TOP_LANGS) {
			size_t last = s->n_langs < TOP_LANGS ? s->n_langs
							     : TOP_LANGS - 1;

			memmove(&s->langs[pos + 1], &s->langs[pos],
				(last - pos) * sizeof(s->langs[0]));
			s->langs[pos].lang = (uint32_t)key[i];
			s->langs[pos].n = cnt[i];
			if (s->n_langs < TOP_LANGS)
				s->n_langs++;
		}
	}
	free(key);
	free(cnt);
	return 0;
fail:
	free(key);
	free(cnt);
	return -1;
}

static int summarise(const struct dataset *ds, struct plat_summary *ps)
{
	for (int p = 0; p < PLATFORM__COUNT; p++) {
		memset(&ps[p], 0, sizeof(ps[p]));
		ps[p].tmin = INT64_MAX;
		ps[p].tmax = INT64_MIN;
	}
	for (size_t i = 0; i < ds->acc.n; i++)
		ps[ds->acc.platform[i]].accounts++;
	for (size_t j = 0; j < ds->post.n; j++) {
		struct plat_summary *s =
			&ps[ds->acc.platform[ds->post.account[j]]];
		unsigned kind = ds->post.kind[j];

		s->posts++;
		s->kinds[kind < POST_KIND__COUNT ? kind : 0]++;
		if (ds->post.time[j] < s->tmin)
			s->tmin = ds->post.time[j];
		if (ds->post.time[j] > s->tmax)
			s->tmax = ds->post.time[j];
	}
	return count_langs(ds, ps);
}

static void print_text(const struct cli_data *d, const struct plat_summary *ps)
{
	const struct dataset *ds = &d->ds;
	char a[32], b[32], buf[DIAG_MSG * 2 + 200];
	size_t n_skipped = 0;

	printf("inputs:\n");
	for (size_t i = 0; i < d->in.n_files; i++) {
		const struct ingest_file_stats *f = &d->in.files[i];

		fputs("  ", stdout);
		textsafe_fputs(stdout, f->name, TEXTSAFE_TERM);
		if (f->skipped) {
			printf("  skipped: %s\n", f->skipped);
			n_skipped++;
			continue;
		}
		printf("  format=%s records=%llu posts=%llu accounts=%llu "
		       "skipped=%llu\n",
		       format_name(f->format),
		       (unsigned long long)f->records,
		       (unsigned long long)f->posts,
		       (unsigned long long)f->accounts,
		       (unsigned long long)f->bad);
		if (f->format == FORMAT_TABLE)
			printf("    table: rows_merged=%llu rows_apart=%llu "
			       "values_unkept=%llu ids_derived=%llu\n",
			       (unsigned long long)f->rows_merged,
			       (unsigned long long)f->rows_apart,
			       (unsigned long long)f->values_unkept,
			       (unsigned long long)f->ids_derived);
	}
	if (n_skipped)
		printf("archive members skipped: %zu\n", n_skipped);
	printf("totals: accounts=%zu posts=%zu duplicate_posts=%zu "
	       "account_field_changes=%zu strings=%u\n",
	       ds->acc.n, ds->post.n, ds->n_duplicate_posts, ds->change.n,
	       ds->strings.n);
	{
		uint64_t ne[ENT__COUNT] = { 0 };

		for (size_t k = 0; k < ds->ent.n; k++)
			if (ds->ent.type[k] < ENT__COUNT)
				ne[ds->ent.type[k]]++;
		printf("entities:");
		for (int t = 0; t < ENT__COUNT; t++)
			printf(" %s=%llu", entity_type_name((enum entity_type)t),
			       (unsigned long long)ne[t]);
		printf("\n");
	}
	for (int p = 0; p < PLATFORM__COUNT; p++) {
		const struct plat_summary *s = &ps[p];

		if (!s->accounts && !s->posts)
			continue;
		printf("platform %s:\n  accounts: %llu\n  posts: %llu",
		       platform_name((enum platform)p),
		       (unsigned long long)s->accounts,
		       (unsigned long long)s->posts);
		for (int k = 0; k < POST_KIND__COUNT; k++)
			printf(" %s=%llu", post_kind_name((enum post_kind)k),
			       (unsigned long long)s->kinds[k]);
		printf("\n");
		if (s->posts) {
			timefmt_format_utc(s->tmin, a);
			timefmt_format_utc(s->tmax, b);
			printf("  dates: %s .. %s\n", a, b);
		}
		if (s->n_langs) {
			printf("  languages:");
			for (size_t l = 0; l < s->n_langs; l++) {
				fputc(' ', stdout);
				textsafe_fputs(stdout,
					       s->langs[l].lang == STR_NONE
						       ? "(none)"
						       : ds_str(ds,
								s->langs[l].lang),
					       TEXTSAFE_TERM);
				printf("=%llu",
				       (unsigned long long)s->langs[l].n);
			}
			printf("\n");
		}
	}
	printf("malformed records skipped: %llu\n",
	       (unsigned long long)d->diag.n_bad);
	for (size_t i = 0; i < d->diag.n_reasons; i++) {
		printf("  %llu  ", (unsigned long long)d->diag.reasons[i].count);
		textsafe_fputs(stdout, d->diag.reasons[i].reason,
			       TEXTSAFE_TERM);
		fputc('\n', stdout);
	}
	for (size_t i = 0; i < d->diag.n_kept; i++) {
		diag_format(&d->diag.kept[i], buf, sizeof(buf));
		fputs("  ", stdout);
		textsafe_fputs(stdout, buf, TEXTSAFE_TERM);
		fputc('\n', stdout);
	}
}

static int print_json(const struct cli_data *d, const struct plat_summary *ps)
{
	const struct dataset *ds = &d->ds;
	cJSON *root = cJSON_CreateObject(), *arr, *o, *x;
	char a[32], buf[DIAG_MSG * 2 + 200];
	char *s;

	if (!root)
		return -1;
	arr = cJSON_AddArrayToObject(root, "inputs");
	for (size_t i = 0; arr && i < d->in.n_files; i++) {
		const struct ingest_file_stats *f = &d->in.files[i];

		o = cJSON_CreateObject();
		cJSON_AddItemToArray(arr, o);
		cJSON_AddStringToObject(o, "name", f->name);
		if (f->skipped) {
			cJSON_AddStringToObject(o, "skipped_member", f->skipped);
			continue;
		}
		cJSON_AddStringToObject(o, "format", format_name(f->format));
		cJSON_AddNumberToObject(o, "records", (double)f->records);
		cJSON_AddNumberToObject(o, "posts", (double)f->posts);
		cJSON_AddNumberToObject(o, "accounts", (double)f->accounts);
		cJSON_AddNumberToObject(o, "skipped", (double)f->bad);
		cJSON_AddNumberToObject(o, "bytes", (double)f->bytes);
		if (f->format == FORMAT_TABLE) {
			cJSON_AddNumberToObject(o, "rows_merged",
						(double)f->rows_merged);
			cJSON_AddNumberToObject(o, "rows_apart",
						(double)f->rows_apart);
			cJSON_AddNumberToObject(o, "values_unkept",
						(double)f->values_unkept);
			cJSON_AddNumberToObject(o, "ids_derived",
						(double)f->ids_derived);
		}
	}
	cJSON_AddNumberToObject(root, "accounts", (double)ds->acc.n);
	cJSON_AddNumberToObject(root, "posts", (double)ds->post.n);
	cJSON_AddNumberToObject(root, "duplicate_posts",
				(double)ds->n_duplicate_posts);
	cJSON_AddNumberToObject(root, "account_field_changes",
				(double)ds->change.n);
	x = cJSON_AddObjectToObject(root, "entities");
	if (x) {
		uint64_t ne[ENT__COUNT] = { 0 };

		for (size_t k = 0; k < ds->ent.n; k++)
			if (ds->ent.type[k] < ENT__COUNT)
				ne[ds->ent.type[k]]++;
		for (int t = 0; t < ENT__COUNT; t++)
			cJSON_AddNumberToObject(
				x, entity_type_name((enum entity_type)t),
				(double)ne[t]);
	}
	arr = cJSON_AddObjectToObject(root, "platforms");
	for (int p = 0; arr && p < PLATFORM__COUNT; p++) {
		const struct plat_summary *sm = &ps[p];

		if (!sm->accounts && !sm->posts)
			continue;
		o = cJSON_AddObjectToObject(arr, platform_name((enum platform)p));
		cJSON_AddNumberToObject(o, "accounts", (double)sm->accounts);
		cJSON_AddNumberToObject(o, "posts", (double)sm->posts);
		x = cJSON_AddObjectToObject(o, "kinds");
		for (int k = 0; x && k < POST_KIND__COUNT; k++)
			cJSON_AddNumberToObject(x, post_kind_name((enum post_kind)k),
						(double)sm->kinds[k]);
		if (sm->posts) {
			timefmt_format_utc(sm->tmin, a);
			cJSON_AddStringToObject(o, "first", a);
			timefmt_format_utc(sm->tmax, a);
			cJSON_AddStringToObject(o, "last", a);
		}
		x = cJSON_AddObjectToObject(o, "languages");
		for (size_t l = 0; x && l < sm->n_langs; l++)
			cJSON_AddNumberToObject(
				x,
				sm->langs[l].lang == STR_NONE
					? ""
					: ds_str(ds, sm->langs[l].lang),
				(double)sm->langs[l].n);
	}
	o = cJSON_AddObjectToObject(root, "skipped");
	if (o) {
		cJSON_AddNumberToObject(o, "total", (double)d->diag.n_bad);
		x = cJSON_AddObjectToObject(o, "reasons");
		for (size_t i = 0; x && i < d->diag.n_reasons; i++)
			cJSON_AddNumberToObject(x, d->diag.reasons[i].reason,
						(double)d->diag.reasons[i].count);
		x = cJSON_AddArrayToObject(o, "examples");
		for (size_t i = 0; x && i < d->diag.n_kept; i++) {
			diag_format(&d->diag.kept[i], buf, sizeof(buf));
			cJSON_AddItemToArray(x, cJSON_CreateString(buf));
		}
	}
	s = cJSON_Print(root);
	cJSON_Delete(root);
	if (!s)
		return -1;
	puts(s);
	free(s);
	return 0;
}

int cmd_inspect(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		CLI_INPUT_OPTIONS,
		{ 0 },
	};
	struct cli_input ci;
	struct cli_data d;
	struct plat_summary ps[PLATFORM__COUNT];
	int json = 0, c, rc;

	cli_input_init(&ci);
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		int r = cli_input_option(&ci, "inspect", c, optarg);

		if (r < 0)
			return CLI_EXIT_USAGE;
		if (r > 0)
			continue;
		switch (c) {
		case 'j':
			json = 1;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return CLI_EXIT_OK;
		default:
			fprintf(stderr, "try 'cibscan inspect --help'\n");
			return CLI_EXIT_USAGE;
		}
	}
	if (optind >= argc)
		return cli_usage_error("inspect", "no input files");
	rc = cli_load(&d, &ci, argv + optind, argc - optind, 1);
	if (rc)
		return rc;
	if (summarise(&d.ds, ps)) {
		cli_error("out of memory");
		cli_data_release(&d);
		return CLI_EXIT_SYSTEM;
	}
	if (json) {
		if (print_json(&d, ps)) {
			cli_error("out of memory");
			rc = CLI_EXIT_SYSTEM;
		}
	} else {
		print_text(&d, ps);
	}
	cli_data_release(&d);
	return rc;
}
