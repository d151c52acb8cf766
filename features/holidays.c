/* holidays.c - parses the embedded data/holidays_cn.csv into a per-day table.
 *
 * Invariants after init: kinds[i] is the kind of day cover_first + i for
 * every day of the covered years; prefix[k][i] counts days of kind k in
 * [cover_first, cover_first + i). Weekday-only kinds outside the coverage
 * are computed arithmetically, so any span is counted in O(1).
 */
#include "features/holidays.h"

#include "core/civil.h"

#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* from scripts/embed.sh */
extern const char data_holidays_cn_csv[];
extern const size_t data_holidays_cn_csv_len;

#define COVER_Y0 2010
#define COVER_Y1 2026
#define MAX_DAYS 7000 /* 17 years of days, with room */
#define DAY_LIMIT ((int64_t)1 << 40)

static pthread_once_t once = PTHREAD_ONCE_INIT;
static enum cib_err init_err;
static int64_t cover_first, cover_last; /* inclusive */
static uint8_t kinds[MAX_DAYS];
static uint32_t prefix[DAY__COUNT][MAX_DAYS + 1];

int64_t holidays_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	return civil_days_from_date(y, m, d);
}

int holidays_weekday(int64_t day)
{
	/* 1970-01-01 was a Thursday (Monday = 0 -> Thursday = 3) */
	int64_t w = (day + 3) % 7;

	return (int)(w < 0 ? w + 7 : w);
}

static enum day_kind weekday_kind(int64_t day)
{
	return holidays_weekday(day) >= 5 ? DAY_WEEKEND : DAY_WORKDAY;
}

/* parses "YYYY-MM-DD" exactly */
static int parse_date(const char *s, size_t n, int64_t *day)
{
	unsigned v[3] = { 0, 0, 0 };
	const size_t len[3] = { 4, 2, 2 };
	size_t p = 0;

	if (n != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (int f = 0; f < 3; f++) {
		for (size_t i = 0; i < len[f]; i++, p++) {
			if (s[p] < '0' || s[p] > '9')
				return -1;
			v[f] = v[f] * 10 + (unsigned)(s[p] - '0');
		}
		p++;
	}
	if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31)
		return -1;
	*day = holidays_days_from_civil(v[0], v[1], v[2]);
	return 0;
}

static enum cib_err parse_table(void)
{
	const char *s = data_holidays_cn_csv, *end = s + data_holidays_cn_csv_len;
	int header = 1;

	cover_first = holidays_days_from_civil(COVER_Y0, 1, 1);
	cover_last = holidays_days_from_civil(COVER_Y1, 12, 31);
	if (cover_last - cover_first + 1 > MAX_DAYS)
		return CIB_EINTERNAL;
	for (int64_t d = cover_first; d <= cover_last; d++)
		kinds[d - cover_first] = (uint8_t)weekday_kind(d);
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *le = nl ? nl : end, *c1, *c2;
		int64_t day;

		if (le > s && le[-1] == '\r')
			le--;
		if (le == s || *s == '#') {
			s = nl ? nl + 1 : end;
			continue;
		}
		if (header) { /* "date,kind,name" */
			header = 0;
			s = nl ? nl + 1 : end;
			continue;
		}
		c1 = memchr(s, ',', (size_t)(le - s));
		c2 = c1 ? memchr(c1 + 1, ',', (size_t)(le - c1 - 1)) : NULL;
		if (!c2 || parse_date(s, (size_t)(c1 - s), &day) != 0 ||
		    day < cover_first || day > cover_last)
			return CIB_EPARSE;
		if (c2 - c1 - 1 == 7 && memcmp(c1 + 1, "holiday", 7) == 0)
			kinds[day - cover_first] = DAY_HOLIDAY;
		else if (c2 - c1 - 1 == 7 && memcmp(c1 + 1, "workday", 7) == 0)
			kinds[day - cover_first] = DAY_ADJUSTED;
		else
			return CIB_EPARSE;
		s = nl ? nl + 1 : end;
	}
	for (int k = 0; k < DAY__COUNT; k++)
		prefix[k][0] = 0;
	for (int64_t i = 0; i <= cover_last - cover_first; i++)
		for (int k = 0; k < DAY__COUNT; k++)
			prefix[k][i + 1] = prefix[k][i] + (kinds[i] == k);
	return CIB_OK;
}

static void init_once(void)
{
	init_err = parse_table();
	if (init_err) /* fall back to weekdays only; holidays_init reports it */
		cover_first = 1, cover_last = 0;
}

enum cib_err holidays_init(void)
{
	pthread_once(&once, init_once);
	return init_err;
}

int holidays_covered(int64_t day)
{
	holidays_init();
	return day >= cover_first && day <= cover_last;
}

enum day_kind holidays_day_kind(int64_t day)
{
	if (holidays_covered(day))
		return (enum day_kind)kinds[day - cover_first];
	return weekday_kind(day);
}

int holidays_is_workday(int64_t day)
{
	enum day_kind k = holidays_day_kind(day);

	return k == DAY_WORKDAY || k == DAY_ADJUSTED;
}

/* Saturdays and Sundays in [first, last], first <= last. */
static int64_t weekend_days(int64_t first, int64_t last)
{
	int64_t n = last - first + 1, weeks = n / 7, cnt = weeks * 2;

	for (int64_t d = first + weeks * 7; d <= last; d++)
		cnt += holidays_weekday(d) >= 5;
	return cnt;
}

static void add_plain(int64_t first, int64_t last, int64_t acc[DAY__COUNT])
{
	int64_t we;

	if (first > last)
		return;
	we = weekend_days(first, last);
	acc[DAY_WEEKEND] += we;
	acc[DAY_WORKDAY] += last - first + 1 - we;
}

static uint32_t clamp_u32(int64_t v)
{
	return v < 0 ? 0 : v > (int64_t)UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

void holidays_count_days(int64_t first, int64_t last,
			 uint32_t counts[DAY__COUNT], uint32_t *n_covered)
{
	int64_t acc[DAY__COUNT] = { 0 }, cov = 0;

	holidays_init();
	/* days beyond +-2^40 (3 billion years) are clamped: keeps the
	 * arithmetic below free of overflow */
	first = first < -DAY_LIMIT ? -DAY_LIMIT : first > DAY_LIMIT ? DAY_LIMIT : first;
	last = last < -DAY_LIMIT ? -DAY_LIMIT : last > DAY_LIMIT ? DAY_LIMIT : last;
	if (first <= last) {
		int64_t a = first > cover_first ? first : cover_first;
		int64_t b = last < cover_last ? last : cover_last;

		if (a <= b) {
			for (int k = 0; k < DAY__COUNT; k++)
				acc[k] += prefix[k][b - cover_first + 1] -
					  prefix[k][a - cover_first];
			cov = b - a + 1;
			add_plain(first, a - 1, acc);
			add_plain(b + 1, last, acc);
		} else {
			add_plain(first, last, acc);
		}
	}
	for (int k = 0; k < DAY__COUNT; k++)
		counts[k] = clamp_u32(acc[k]);
	if (n_covered)
		*n_covered = clamp_u32(cov);
}
