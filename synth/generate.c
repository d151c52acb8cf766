/* generate.c - the synthetic IO-archive generator behind 'cibscan synth'.
 *
 * Two phases. The plan, in memory and O(accounts): every account's role,
 * group, zone, language, post count, creation date and follower counts,
 * plus the reference posts others react to (popular posts, network seed
 * posts, critics' posts, viral posts, wire headlines) and the networks'
 * campaign waves, each with its time, id and text seed. Then the stream:
 * accounts in a shuffled order; each account's timeline is drawn from its
 * own random stream, sorted by time, written and forgotten, so memory does
 * not grow with the number of posts.
 *
 * Invariants: every retweet, reply and quote points to a post that is in
 * tweets.csv and is older; every userid of tweets.csv is in users.csv and
 * truth.csv; tweet ids are unique (time-based snowflakes whose low bits are
 * a global counter); the bytes written depend only on the options.
 *
 * Randomness: --seed seeds gsl_rng_mt19937, which draws the plan and one
 * 64-bit key. Per-account and per-text streams are xoshiro256** wrapped as
 * a gsl_rng_type and seeded from (key, account, purpose), so regenerating
 * an account's profile or a post's text anywhere gives the same bytes and
 * reseeding costs nothing. docs/synth.md gives every parameter's reason.
 */
#include "synth/generate.h"

#include <errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>
#include <zlib.h>

#include "core/outfile.h"
#include "synth/srng.h"
#include "core/timefmt.h"
#include "core/sortu64.h"


/* ---------------------------------------------------------------- random */

struct xo {
	uint64_t s[4];
};


static void xo_set(void *v, unsigned long seed)
{
	struct xo *x = v;
	uint64_t z = (uint64_t)seed;

	for (int i = 0; i < 4; i++) {
		z = srng_mix(z);
		x->s[i] = z;
	}
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t xo_next(struct xo *x)
{
	uint64_t *s = x->s, r = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return r;
}

static unsigned long xo_get(void *v)
{
	return (unsigned long)(xo_next(v) >> 32);
}

static double xo_get_double(void *v)
{
	return (double)(xo_next(v) >> 11) * 0x1.0p-53;
}

static const gsl_rng_type xo_type = { "xoshiro256**", 0xffffffffUL, 0,
				      sizeof(struct xo), xo_set, xo_get,
				      xo_get_double };

static double unif(gsl_rng *r)
{
	return gsl_rng_uniform(r);
}

static uint32_t rint_(gsl_rng *r, uint64_t n)
{
	if (n <= 1)
		return 0;
	if (n > 0xffffffffULL)
		n = 0xffffffffULL;
	return (uint32_t)gsl_rng_uniform_int(r, (unsigned long)n);
}

static int coin(gsl_rng *r, double p)
{
	return gsl_rng_uniform(r) < p;
}

static uint64_t r64(gsl_rng *r)
{
	uint64_t a = gsl_rng_get(r) & 0xffffffffULL;

	return a << 32 | (gsl_rng_get(r) & 0xffffffffULL);
}

/* log-normal with the given median */
static double lnorm(gsl_rng *r, double median, double sigma)
{
	return median * exp(gsl_ran_gaussian_ziggurat(r, sigma));
}

enum { TAG_PROFILE = 1, TAG_TIMELINE, TAG_RHYTHM, TAG_TEXT, TAG_NARR,
       TAG_DOMAIN };

static void reseed(gsl_rng *r, uint64_t key, uint64_t tag, uint64_t a)
{
	gsl_rng_set(r, (unsigned long)srng_mix(
			       key ^ srng_mix(tag * 0x100000001b3ULL ^ srng_mix(a))));
}

/* ----------------------------------------------------------- vocabulary */

enum lang { L_EN, L_ES, L_PT, L_FR, L_DE, L_AR, L_ID, L_ZH, L_JA, L_KO,
	    L_HI, L__COUNT };

static const char *const lang_code[] = { "en", "es", "pt", "fr",
					 "de", "ar", "id", "zh",
					 "ja", "ko", "hi" };
_Static_assert(sizeof(lang_code) / sizeof(lang_code[0]) == L__COUNT,
	       "one code per language");

enum vcat { V_GENERAL, V_POLITICS, V_SPAM, V_NEWS, V_MARKET, V_FAN,
	    V_INSULT, V_HASHTAG, V_HASHTAG_POL, V_EMOJI, V_FIRST, V_LAST,
	    V_ZHNAME, V__COUNT };

static const char *const vcat_name[V__COUNT] = {
	"general", "politics", "spam", "news", "market", "fan", "insult",
	"hashtag", "hashtag_pol", "emoji", "first", "last", "zhname"
};

/* The word lists: "@cat lang" starts a list, words follow separated by
 * blanks; CJK words are joined without blanks in output; earlier words
 * are drawn more often (Zipf). Written for the generator, not copied
 * from a corpus. */
static const char *const synth_words[] = {
	"@general en",
	"the I you it is to and a of in that my this for on with just so not be have",
	"was like all what time people good day know today really think love get one",
	"new now back see want going great still make never need right last always",
	"best weekend work home morning night friends family life thanks feel week",
	"happy game watch music city coffee rain school phone movie food long little",
	"better year tomorrow everyone again world little tired funny weird finally",
	"@general es",
	"el la de que y a en un es no por con para lo me mi una los se las muy hoy",
	"día todo bien gracias amor vida tiempo gente casa trabajo noche mañana",
	"semana fin siempre nunca mejor ahora así quiero tengo hacer ver feliz",
	"amigos familia ciudad música fútbol café lluvia escuela partido",
	"@general pt",
	"o a de que e do da em um uma é não com para os as meu minha hoje dia tudo",
	"bem obrigado amor vida tempo gente casa trabalho noite amanhã semana sempre",
	"nunca melhor agora assim quero tenho fazer ver feliz amigos família cidade",
	"música futebol café chuva escola jogo saudade demais",
	"@general fr",
	"le la de et à un une est pas que en je il pour dans ce sur avec ne plus",
	"tout mais bien aujourd'hui jour merci amour vie temps gens maison travail",
	"soir demain semaine toujours jamais mieux maintenant veux faire voir",
	"heureux amis famille ville musique café pluie école match vraiment",
	"@general de",
	"der die das und ist nicht ich du ein eine zu mit auf für es heute Tag alles",
	"gut danke Liebe Leben Zeit Leute Haus Arbeit Abend morgen Woche immer nie",
	"besser jetzt so will machen sehen glücklich Freunde Familie Stadt Musik",
	"Kaffee Regen Schule Spiel wirklich endlich wieder",
	"@general ar",
	"في من على إلى أن هذا هذه كل مع اليوم الله الحمد شكرا جميل الحياة الوقت",
	"الناس البيت العمل الليل الصباح الأسبوع دائما أفضل الآن أريد السعادة",
	"الأصدقاء العائلة المدينة القهوة المطر المدرسة المباراة حب يا جدا",
	"@general id",
	"yang dan di ini itu aku kamu tidak ada dengan untuk dari ke saja hari",
	"bisa sudah mau juga lagi banget sama hidup waktu orang rumah kerja malam",
	"pagi minggu selalu lebih sekarang pengen bikin lihat senang teman keluarga",
	"kota musik kopi hujan sekolah makan terima kasih semoga",
	"@general zh",
	"今天 我们 朋友 工作 喜欢 生活 时间 觉得 真的 一起 看到 东西 晚上 早上",
	"吃饭 电影 音乐 学校 老师 孩子 家人 周末 开心 希望 城市 手机 咖啡 下雨",
	"回家 努力 问题 分享 照片 旅行 节日 视频 感谢 大家 今年 明天 有点 非常",
	"可以 没有 知道 一个 这个 什么 怎么 已经 还是 应该 可能 需要 发现 好吃",
	"@general ja",
	"今日 明日 天気 友達 仕事 好き ごはん 映画 音楽 学校 先生 週末 楽しい",
	"嬉しい 写真 旅行 電車 時間 本当に ちょっと すごい かわいい 疲れた 頑張る",
	"ありがとう みんな 猫 犬 ラーメン コーヒー 雨 朝 夜 帰る 見る 思う 今年",
	"新しい 動画 ゲーム アニメ です ました よね かな",
	"@general ko",
	"오늘 내일 날씨 친구 회사 좋아 음악 영화 학교 주말 사진 여행 시간 진짜",
	"너무 감사 모두 커피 밥 저녁 아침 생각 사랑 행복 노래 게임 드라마 정말",
	"같이 다시 우리 그냥 많이 조금 빨리 보고 싶다 했어요 있어요",
	"@general hi",
	"मैं आप यह है और का की के में से को पर भी नहीं आज दिन सब अच्छा धन्यवाद",
	"प्यार जीवन समय लोग घर काम रात सुबह हफ्ता हमेशा अब चाहता करना देखना खुश",
	"दोस्त परिवार शहर संगीत चाय बारिश स्कूल मैच बहुत",
	"@politics en",
	"government democracy freedom police protesters riots violence law order",
	"stability foreign forces interference lies truth media western hypocrisy",
	"sanctions economy trade war pandemic virus origin Hong Kong China America",
	"Washington Beijing elections vote rights justice chaos peace development",
	"people nation sovereignty security terror extremists funding separatists",
	"fake news propaganda citizens leaders policy crisis corruption collapse",
	"@politics zh",
	"暴徒 乱港 香港 警察 法治 稳定 外国 势力 干涉 谎言 真相 媒体 西方 双标",
	"制裁 经济 疫情 美国 政府 民主 自由 人民 国家 发展 和平 支持 反对 破坏",
	"秩序 繁荣 骗子 分裂 安全 恐怖 煽动 暴力 台湾 主权 选举 危机 腐败 崩溃",
	"@spam zh",
	"优惠 低价 正品 包邮 代购 微信 加我 咨询 限时 特价 美容 减肥 面膜 手表",
	"名牌 折扣 赚钱 兼职 日结 推广 招聘 贷款 快速 到账 品质 保证 下单 客服",
	"抢购 新品 爆款 秒杀 专柜 批发 零售 高仿 工厂 直销",
	"@news en",
	"officials say report shows minister announces markets rally storm hits",
	"election results court rules police arrest president visits talks resume",
	"prices rise shares fall company reports profit strike ends deal reached",
	"flood warning study finds scientists warn team wins coach fired record heat",
	"parliament votes bill passes investigation launched leader resigns",
	"@market en",
	"new collection now available order today free shipping limited offer our",
	"team customers quality service launch product store visit discover",
	"exclusive deal season special partners solutions innovation smart design",
	"@market zh",
	"新品 上市 欢迎 选购 客户 服务 品质 公司 活动 优惠 预约 咨询 门店 团队",
	"合作 创新 设计 方案 体验 会员 展会 发布 科技 智能",
	"@fan en",
	"vote stream streaming album comeback concert tour fandom love proud",
	"voting trending chart music video debut anniversary forever support",
	"together everyone legends deserve best performance stage congrats",
	"@insult en",
	"liar shame traitor clown fraud puppet hypocrite fake disgusting pathetic",
	"paid coward rumor spreading nobody believes you your lies exposed",
	"@insult zh",
	"骗子 小丑 汉奸 无耻 造谣 可耻 走狗 谎言 别装了 没人信 丢人 闭嘴",
	"@hashtag",
	"news love music HongKong China USA NBA football travel photography food",
	"MondayMotivation ThrowbackThursday FridayFeeling tech AI crypto bitcoin",
	"politics economy trade TradeWar HongKongProtests democracy freedom",
	"Taiwan climate health business art fashion gaming anime WorldCup breaking",
	"香港 中国 美国 新闻 日本 東京 Brasil España France Paris London India",
	"Japan Korea kpop BTS Nigeria Jakarta Manila Sydney Mexico Trump Biden",
	"election vote covid science books movies Netflix coffee weekend nature",
	"@hashtag_pol",
	"HongKong China HongKongProtests democracy freedom Taiwan TradeWar politics",
	"economy breaking news 香港 中国 美国 新闻 USA election",
	"@emoji",
	"😂 ❤️ 😍 🙏 🔥 👍 😭 🎉 ✨ 💪 😊 🤔 👏 💯 😅 🥰 😎 🙄 😢 🌸 ⚽ 🎶 ☕ 🇺🇸 🇨🇳",
	"@first",
	"James Mary John Linda Michael Sarah David Emma Daniel Olivia Chris Sophia",
	"Kevin Laura Brian Anna Jason Maria Carlos Ana Luis Sofia Jose Lucia Pierre",
	"Marie Lukas Lea Ahmed Fatima Omar Aisha Raj Priya Budi Siti Hiroshi Yuki",
	"Minjun Jiwoo Wei Mei Jun Li Grace Tom Jack Lily Ryan Chloe Adam Nina Leo",
	"Ella Sam Zoe Max Ivy Noah Mia Ethan Ava George Richard Delicia Venus",
	"@last",
	"Smith Johnson Brown Garcia Miller Davis Lopez Wilson Martin Lee Walker Hall",
	"Young King Wright Silva Santos Oliveira Dubois Moreau Muller Schmidt Khan",
	"Ali Hassan Sharma Patel Gupta Wijaya Santoso Tanaka Sato Kim Park Chen Wang",
	"Zhang Liu Huang Lin Taylor Moore Clark Lewis Scott Green Baker Adams Nelson",
	"@zhname",
	"小明 阿狸 清风 明月 偌虹 夜幕之光 旁观者 小牛 牛小牛 白云 晓雪 星辰 大海",
	"阳光 小鱼 小雨 青山 暖暖 静静 思远 逸飞 梦瑶 佳怡 子轩 浩然 雨桐 欣怡",
};

struct wlist {
	const char **w;
	double *cum; /* Zipf cumulative weights */
	uint32_t n;
};

struct vocab {
	char *buf;
	const char **words;
	double *cum;
	/* [cat][lang], lang L__COUNT = language-neutral lists */
	struct wlist l[V__COUNT][L__COUNT + 1];
};

static int is_cjk(int lang)
{
	return lang == L_ZH || lang == L_JA;
}

static void vocab_release(struct vocab *v)
{
	if (!v)
		return;
	free(v->buf);
	free(v->words);
	free(v->cum);
	memset(v, 0, sizeof(*v));
}

/* Parses synth_words into lists of pointers into a private copy. */
static enum cib_err vocab_load(struct vocab *v)
{
	size_t n = 0, nw = 0, cap = 1, nl = sizeof(synth_words) / sizeof(synth_words[0]);
	struct wlist *cur = NULL;
	char *p, *line;

	memset(v, 0, sizeof(*v));
	for (size_t i = 0; i < nl; i++)
		n += strlen(synth_words[i]) + 1;
	v->buf = malloc(n + 1);
	if (!v->buf)
		return CIB_ENOMEM;
	n = 0;
	for (size_t i = 0; i < nl; i++) {
		size_t k = strlen(synth_words[i]);

		memcpy(v->buf + n, synth_words[i], k);
		v->buf[n + k] = '\n';
		n += k + 1;
	}
	v->buf[n] = 0;
	for (size_t i = 0; i < n; i++)
		cap += v->buf[i] == ' ' || v->buf[i] == '\n';
	v->words = malloc(cap * sizeof(*v->words));
	v->cum = malloc(cap * sizeof(*v->cum));
	if (!v->words || !v->cum) {
		vocab_release(v);
		return CIB_ENOMEM;
	}
	for (line = v->buf; line && *line;) {
		char *next = strchr(line, '\n');

		if (next)
			*next++ = 0;
		if (line[0] == '#') {
			line = next;
			continue;
		}
		if (line[0] == '@') {
			char *sp = strchr(line, ' ');
			int cat = -1, lang = L__COUNT;

			if (sp)
				*sp++ = 0;
			for (int c = 0; c < V__COUNT; c++)
				if (strcmp(line + 1, vcat_name[c]) == 0)
					cat = c;
			for (int l = 0; sp && l < L__COUNT; l++)
				if (strcmp(sp, lang_code[l]) == 0)
					lang = l;
			if (cat < 0)
				return vocab_release(v), CIB_EINTERNAL;
			cur = &v->l[cat][lang];
			cur->w = v->words + nw;
			cur->cum = v->cum + nw;
			line = next;
			continue;
		}
		for (p = line; *p;) {
			char *e;

			while (*p == ' ' || *p == '\t')
				p++;
			if (!*p)
				break;
			e = p;
			while (*e && *e != ' ' && *e != '\t')
				e++;
			if (*e)
				*e++ = 0;
			if (cur && nw < cap) {
				/* Zipf weights, exponent 1: the list's order is
				 * its frequency order */
				double w = 1.0 / (cur->n + 1);

				v->words[nw] = p;
				v->cum[nw] = (cur->n ? cur->cum[cur->n - 1] : 0) + w;
				nw++;
				cur->n++;
			}
			p = e;
		}
		line = next;
	}
	if (!v->l[V_GENERAL][L_EN].n || !v->l[V_HASHTAG][L__COUNT].n)
		return vocab_release(v), CIB_EINTERNAL;
	return CIB_OK;
}

static const struct wlist *vl(const struct vocab *v, int cat, int lang)
{
	const struct wlist *w = &v->l[cat][lang];

	if (!w->n)
		w = &v->l[cat][L__COUNT];
	if (!w->n)
		w = &v->l[cat][L_EN];
	if (!w->n)
		w = &v->l[V_GENERAL][L_EN];
	return w;
}

static const char *zipf(gsl_rng *r, const struct wlist *w)
{
	double u = unif(r) * w->cum[w->n - 1];
	uint32_t lo = 0, hi = w->n - 1;

	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;

		if (w->cum[mid] <= u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return w->w[lo];
}

static const char *pick(gsl_rng *r, const struct wlist *w)
{
	return w->w[rint_(r, w->n)];
}

/* Bounded string copy (always NUL-terminated when cap > 0). */
static void scopy(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);

	if (!cap)
		return;
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, src, n);
	dst[n] = 0;
}

/* -------------------------------------------------------------- regions */

struct region {
	const char *name;
	double weight; /* share of organic accounts, roughly X's user base */
	int tz;        /* minutes east of UTC, standard time (no DST) */
	uint8_t lang[3];
	double lang_p[3];
	const char *const *locs;
};

#define LOCS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static const struct region regions[] = {
	{ "us-east", 10, -300, { L_EN, L_ES, L_EN }, { .9, .1, 0 },
	  LOCS("New York, NY", "Boston, MA", "Washington, DC", "Atlanta, GA",
	       "Florida, USA", "Philadelphia, PA", "USA", "United States") },
	{ "us-central", 5, -360, { L_EN, L_ES, L_EN }, { .92, .08, 0 },
	  LOCS("Chicago, IL", "Texas, USA", "Houston, TX", "Minneapolis, MN",
	       "Kansas, USA") },
	{ "us-pacific", 7, -480, { L_EN, L_ES, L_EN }, { .88, .12, 0 },
	  LOCS("Los Angeles, CA", "California, USA", "Seattle, WA",
	       "San Francisco, CA", "Portland, OR") },
	{ "canada", 2.5, -300, { L_EN, L_FR, L_EN }, { .8, .2, 0 },
	  LOCS("Toronto, Ontario", "Montréal, Québec", "Canada") },
	{ "mexico", 3, -360, { L_ES, L_EN, L_ES }, { .95, .05, 0 },
	  LOCS("Ciudad de México", "Guadalajara, Jalisco", "México") },
	{ "colombia", 1.5, -300, { L_ES, L_EN, L_ES }, { .97, .03, 0 },
	  LOCS("Bogotá, Colombia", "Medellín") },
	{ "brazil", 6, -180, { L_PT, L_EN, L_PT }, { .95, .05, 0 },
	  LOCS("São Paulo, Brasil", "Rio de Janeiro", "Brasil") },
	{ "argentina", 2, -180, { L_ES, L_EN, L_ES }, { .97, .03, 0 },
	  LOCS("Buenos Aires, Argentina", "Córdoba") },
	{ "uk", 6, 0, { L_EN, L_EN, L_EN }, { 1, 0, 0 },
	  LOCS("London, England", "Manchester", "UK", "Glasgow, Scotland") },
	{ "france", 3, 60, { L_FR, L_EN, L_FR }, { .92, .08, 0 },
	  LOCS("Paris, France", "Lyon", "Marseille") },
	{ "germany", 2, 60, { L_DE, L_EN, L_DE }, { .85, .15, 0 },
	  LOCS("Berlin, Deutschland", "München", "Hamburg") },
	{ "spain", 3, 60, { L_ES, L_EN, L_ES }, { .95, .05, 0 },
	  LOCS("Madrid, España", "Barcelona") },
	{ "nigeria", 2, 60, { L_EN, L_EN, L_EN }, { 1, 0, 0 },
	  LOCS("Lagos, Nigeria", "Abuja") },
	{ "egypt", 2, 120, { L_AR, L_EN, L_AR }, { .85, .15, 0 },
	  LOCS("Cairo, Egypt", "القاهرة") },
	{ "saudi", 3, 180, { L_AR, L_EN, L_AR }, { .92, .08, 0 },
	  LOCS("الرياض", "Jeddah", "المملكة العربية السعودية") },
	{ "kenya", 1, 180, { L_EN, L_EN, L_EN }, { 1, 0, 0 },
	  LOCS("Nairobi, Kenya") },
	{ "india", 6, 330, { L_EN, L_HI, L_EN }, { .75, .25, 0 },
	  LOCS("Mumbai, India", "New Delhi", "Bengaluru", "India") },
	{ "indonesia", 5, 420, { L_ID, L_EN, L_ID }, { .9, .1, 0 },
	  LOCS("Jakarta, Indonesia", "Bandung", "Surabaya") },
	{ "philippines", 3, 480, { L_EN, L_EN, L_EN }, { 1, 0, 0 },
	  LOCS("Manila, Philippines", "Quezon City", "Cebu") },
	{ "malaysia", 1.5, 480, { L_ID, L_EN, L_ZH }, { .5, .3, .2 },
	  LOCS("Kuala Lumpur", "Malaysia") },
	{ "singapore", 1, 480, { L_EN, L_ZH, L_EN }, { .8, .2, 0 },
	  LOCS("Singapore") },
	{ "china", 1.5, 480, { L_ZH, L_EN, L_ZH }, { .85, .15, 0 },
	  LOCS("Beijing", "上海", "中国", "Shenzhen") },
	{ "taiwan", 1.5, 480, { L_ZH, L_EN, L_ZH }, { .9, .1, 0 },
	  LOCS("Taipei, Taiwan", "台北", "台灣") },
	{ "hongkong", 1, 480, { L_ZH, L_EN, L_ZH }, { .6, .4, 0 },
	  LOCS("Hong Kong", "香港") },
	{ "japan", 12, 540, { L_JA, L_EN, L_JA }, { .95, .05, 0 },
	  LOCS("東京", "Tokyo, Japan", "大阪", "日本") },
	{ "korea", 2, 540, { L_KO, L_EN, L_KO }, { .9, .1, 0 },
	  LOCS("Seoul, Korea", "서울") },
	{ "australia", 2.5, 600, { L_EN, L_EN, L_EN }, { 1, 0, 0 },
	  LOCS("Sydney, Australia", "Melbourne", "Brisbane") },
	{ "nz", 0.5, 720, { L_EN, L_EN, L_EN }, { 1, 0, 0 },
	  LOCS("Auckland, New Zealand") },
};

#define NREGIONS (sizeof(regions) / sizeof(regions[0]))
#define REGION_CHINA 21

/* Locations a network member claims while working Beijing hours; the same
 * strings organic accounts in those places use. */
static const char *const claimed_locs[] = {
	"New York, USA", "California, USA", "Los Angeles, CA", "Texas, USA",
	"United States", "USA", "London, England", "Paris, France",
	"Berlin, Deutschland", "New York, NY", "Washington, DC", "Canada",
};

static const char *const joke_locs[] = {
	"Mars", "in my head", "the void", "wherever the wifi is", "🌙",
	"hell", "Earth", "somewhere", "404", "ur mom's house",
};

static const char *const big_domains[] = {
	"youtube.com", "twitter.com", "instagram.com", "nytimes.com",
	"bbc.co.uk", "facebook.com", "cnn.com", "theguardian.com",
	"reuters.com", "spotify.com", "amazon.com", "medium.com",
	"washingtonpost.com", "wikipedia.org", "tiktok.com", "bloomberg.com",
	"foxnews.com", "globo.com", "elpais.com", "lemonde.fr", "spiegel.de",
	"nhk.or.jp", "yahoo.co.jp", "scmp.com", "aljazeera.com", "ndtv.com",
	"kompas.com", "twitch.tv", "github.com", "imgur.com", "reddit.com",
	"apnews.com", "npr.org", "forbes.com", "linkedin.com", "news.yahoo.com",
};

#define NBIGDOM (sizeof(big_domains) / sizeof(big_domains[0]))

/* The long tail of domains and the networks' "news" sites come from one
 * generator, so a network's domain does not look different from a blog's. */
static void gen_domain(uint64_t key, uint64_t which, char *out, size_t cap)
{
	static const char *const syl[] = {
		"da", "ily", "news", "post", "world", "view", "info", "link",
		"star", "now", "hub", "live", "time", "zone", "asia", "glo",
		"bal", "true", "voice", "net", "ka", "mo", "ri", "te", "lo",
		"sun", "blue", "red", "press", "wire", "tech", "life", "home",
	};
	static const char *const tld[] = { "com", "net", "org", "info",
					   "co", "news", "blog", "xyz" };
	uint64_t h = srng_mix(key ^ srng_mix(which + 0x5151));
	int ns = 2 + (int)(h % 3);
	size_t len = 0;

	h /= 3;
	for (int i = 0; i < ns && len + 8 < cap; i++) {
		const char *s = syl[h % (sizeof(syl) / sizeof(syl[0]))];

		h = srng_mix(h);
		scopy(out + len, cap - len, s);
		len += strlen(out + len);
	}
	snprintf(out + len, cap - len, ".%s",
		 tld[h % (sizeof(tld) / sizeof(tld[0]))]);
}

/* ------------------------------------------------------------- holidays */

/* The Chinese public-holiday calendar is data/holidays_cn.csv (shared with
 * features/holidays.c, which owns its meaning): "date,kind,name" rows with
 * kind holiday (a day off) or workday (a weekend day worked in exchange). */
extern const char data_holidays_cn_csv[];
extern const size_t data_holidays_cn_csv_len;

/* 0 = Sunday ... 6 = Saturday; day 0 (1970-01-01) was a Thursday */
static int weekday(int64_t day)
{
	int64_t w = (day + 4) % 7;

	return (int)(w < 0 ? w + 7 : w);
}

/* --------------------------------------------------------------- rhythm */

#define NBINS 96 /* quarter hours of a local day */

enum rkind { RK_ORGANIC, RK_SHIFT, RK_NEWSROOM, RK_OFFICE };

struct rhythm {
	double w[2][NBINS]; /* weekday, weekend weights per quarter hour */
	double cum[2][NBINS];
	double wmax[2];
	double day_w[3]; /* day factors: weekday, weekend, holiday */
	double day_max;
	int tz;          /* minutes east of UTC */
	int holidays;    /* Chinese public holidays count as days off */
};

/* The organic day, per local hour (weekday), read off the diurnal curves
 * published for Twitter: a trough 02-06, a rise through the morning, a
 * lunchtime bump with a lull after it, the day's peak 19-23. */
static const double organic_hour[24] = {
	3.0, 1.8, 1.0, 0.6, 0.5, 0.6, 1.2, 2.4, 3.4, 3.8, 4.0, 4.2,
	5.8, 5.4, 3.9, 4.0, 4.4, 4.9, 5.6, 6.2, 6.8, 7.0, 6.2, 4.6,
};

/* A newsroom: awake 06-24, busiest at the morning and evening editions. */
static const double newsroom_hour[24] = {
	0.6, 0.4, 0.3, 0.3, 0.4, 0.7, 1.5, 2.6, 2.8, 2.5, 2.2, 2.1,
	2.2, 2.1, 2.0, 2.0, 2.1, 2.4, 2.6, 2.4, 2.0, 1.7, 1.3, 0.9,
};

/* Curve value at fractional local hour x (circular, linear between the
 * hour centres). */
static double curve_at(const double *c, double x)
{
	double h = x - 0.5, f;
	int a;

	while (h < 0)
		h += 24;
	while (h >= 24)
		h -= 24;
	a = (int)h;
	f = h - a;
	return c[a] * (1 - f) + c[(a + 1) % 24] * f;
}

/* Share of quarter bin b covered by the interval [lo, hi) minutes. */
static double cover(int b, double lo, double hi)
{
	double a = b * 15.0, e = a + 15.0;
	double x = lo > a ? lo : a, y = hi < e ? hi : e;

	return y > x ? (y - x) / 15.0 : 0;
}

static void rhythm_finish(struct rhythm *rh)
{
	for (int k = 0; k < 2; k++) {
		double c = 0;

		rh->wmax[k] = 0;
		for (int b = 0; b < NBINS; b++) {
			c += rh->w[k][b];
			rh->cum[k][b] = c;
			if (rh->w[k][b] > rh->wmax[k])
				rh->wmax[k] = rh->w[k][b];
		}
	}
	rh->day_max = 0;
	for (int i = 0; i < 3; i++)
		if (rh->day_w[i] > rh->day_max)
			rh->day_max = rh->day_w[i];
}

/* Builds one account's rhythm from its own stream, so plan and stream
 * agree. */
static void rhythm_make(struct rhythm *rh, gsl_rng *r, enum rkind kind,
			int tz)
{
	memset(rh, 0, sizeof(*rh));
	rh->tz = tz;
	if (kind == RK_ORGANIC || kind == RK_NEWSROOM) {
		const double *c = kind == RK_ORGANIC ? organic_hour
						     : newsroom_hour;
		/* chronotype: small, so lunch stays at lunch */
		double shift = gsl_ran_gaussian(r, 0.4);
		double wkshift = 1.0 + gsl_ran_gaussian(r, 0.4);
		double noise[24];

		for (int h = 0; h < 24; h++)
			noise[h] = exp(gsl_ran_gaussian(r, 0.25));
		for (int b = 0; b < NBINS; b++) {
			double x = (b * 15 + 7.5) / 60.0;
			int h = b / 4;

			rh->w[0][b] = curve_at(c, x - shift) * noise[h];
			/* weekends: the same day, later, flatter morning */
			rh->w[1][b] = curve_at(c, x - shift - (kind == RK_ORGANIC
								       ? wkshift
								       : 0)) *
				      noise[h];
		}
		rh->day_w[0] = 1;
		rh->day_w[1] = kind == RK_ORGANIC ? lnorm(r, 1.0, 0.25)
						  : lnorm(r, 0.7, 0.15);
		rh->day_w[2] = rh->day_w[1];
	} else if (kind == RK_SHIFT) {
		/* three blocks in Beijing time, each operator's edges off by
		 * a few minutes; eps of the volume off shift */
		double m0 = 540 + gsl_ran_gaussian(r, 12);
		double m1 = 720 + gsl_ran_gaussian(r, 12);
		double a0 = 810 + gsl_ran_gaussian(r, 12);
		double a1 = 1050 + gsl_ran_gaussian(r, 15);
		double e0 = 1170 + gsl_ran_gaussian(r, 15);
		double e1 = 1320 + gsl_ran_gaussian(r, 15);
		double eps = 0.05 + 0.05 * unif(r), st = 0, ft = 0;
		double flat[NBINS];

		for (int b = 0; b < NBINS; b++) {
			double hr = b / 4.0;

			rh->w[0][b] = cover(b, m0, m1) + cover(b, a0, a1) +
				      0.9 * cover(b, e0, e1);
			flat[b] = hr >= 7 ? 1.0 : 0.15;
			st += rh->w[0][b];
			ft += flat[b];
		}
		for (int b = 0; b < NBINS; b++) {
			rh->w[0][b] = (1 - eps) * rh->w[0][b] / st +
				      eps * flat[b] / ft;
			rh->w[1][b] = rh->w[0][b];
		}
		rh->day_w[0] = 1;
		rh->day_w[1] = 0.04 + 0.12 * unif(r);
		rh->day_w[2] = 0.03 + 0.07 * unif(r);
		rh->holidays = 1;
	} else { /* RK_OFFICE */
		double s0 = 540 + gsl_ran_gaussian(r, 10);
		double l0 = 720 + gsl_ran_gaussian(r, 8);
		double l1 = 810 + gsl_ran_gaussian(r, 10);
		double e1 = 1080 + gsl_ran_gaussian(r, 15);

		for (int b = 0; b < NBINS; b++) {
			double w = 0.02 + cover(b, s0, l0) +
				   0.25 * cover(b, l0, l1) + cover(b, l1, e1) +
				   0.3 * cover(b, s0 - 30, s0) +
				   0.2 * cover(b, e1, e1 + 60);

			rh->w[0][b] = w;
			rh->w[1][b] = w;
		}
		rh->day_w[0] = 1;
		rh->day_w[1] = 0.03;
		rh->day_w[2] = 0.05;
		rh->holidays = 1;
	}
	rhythm_finish(rh);
}

struct synth; /* below */
static int holiday_kind(const struct synth *s, int64_t day);

static int day_type(const struct synth *s, const struct rhythm *rh,
		    int64_t day)
{
	int wd = weekday(day), h = rh->holidays ? holiday_kind(s, day) : 0;

	if (h)
		return h == 1 ? 2 : 0;
	return wd == 0 || wd == 6;
}

/* A UTC time from the rhythm within local days [d0, d1). */
static int64_t rh_sample(const struct synth *s, const struct rhythm *rh,
			 gsl_rng *r, int64_t d0, int64_t d1)
{
	int64_t day;
	int type, k, lo, hi;
	double u;

	if (d1 <= d0)
		d1 = d0 + 1;
	for (int tries = 0;; tries++) {
		day = d0 + rint_(r, (uint64_t)(d1 - d0));
		type = day_type(s, rh, day);
		if (tries >= 60 || unif(r) * rh->day_max <= rh->day_w[type])
			break;
	}
	k = type != 0;
	u = unif(r) * rh->cum[k][NBINS - 1];
	lo = 0;
	hi = NBINS - 1;
	while (lo < hi) {
		int mid = (lo + hi) / 2;

		if (rh->cum[k][mid] <= u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return day * 86400 + (int64_t)((lo * 15 + unif(r) * 15) * 60) -
	       (int64_t)rh->tz * 60;
}

/* Relative weight (0..1) of UTC time t in the rhythm: how "on shift". */
static double rh_level(const struct synth *s, const struct rhythm *rh,
		       int64_t t)
{
	int64_t lt = t + (int64_t)rh->tz * 60, day, sec;
	int type, k;

	day = lt >= 0 ? lt / 86400 : (lt - 86399) / 86400;
	sec = lt - day * 86400;
	type = day_type(s, rh, day);
	k = type != 0;
	return rh->w[k][sec / 900] / rh->wmax[0] * rh->day_w[type] /
	       rh->day_max;
}

/* ----------------------------------------------------------------- plan */

#define SA_HASHED 0x01 /* userid, name and handle are a 44-char hash */
#define SA_BOUGHT 0x02 /* bought account: spam, dormancy, politics */
#define SA_SEEDER 0x04 /* network member whose posts others amplify */
#define SA_POPULAR 0x08
#define SA_WIRE 0x10   /* the wire of a syndication group */
#define SA_AUTHOR 0x20 /* author of a viral post */

struct sacc {
	uint64_t uid;    /* numeric user id (unused when hashed) */
	uint32_t n_posts;
	uint32_t pool_first, pool_n; /* own reference posts in pool_auth */
	int32_t created; /* day */
	int32_t followers, following;
	int16_t tz;      /* minutes east of UTC */
	uint16_t group;  /* 1-based group within the role; 0 none */
	uint8_t role, region, lang, flags;
};

enum ptype { P_POPULAR, P_HEADLINE, P_SEED, P_VIRAL };

/* A reference post: written in its author's timeline, reacted to by
 * others. */
struct ppost {
	int64_t t;
	uint64_t id;
	uint64_t tseed;
	uint32_t author;
	uint16_t net; /* network of a seed post */
	uint8_t type, lang;
};

struct wave { /* one posting wave of a network narrative */
	int64_t t;
	uint64_t seed;
	uint32_t narr;
};

struct net {
	uint32_t first, n;
	double p_en;    /* share of English in political posts */
	struct wave *waves;
	uint32_t n_waves, n_narr;
	uint32_t *seeds, n_seeds;       /* pool indices by time */
	uint32_t *cposts, n_cposts;     /* critics' posts, by time */
	uint32_t critics[4], n_critics;
	int32_t batch[4];
	int n_batch;
};

struct group { /* news group, fan campaign or cascade */
	uint32_t first, n;
	uint32_t *heads, n_heads; /* news: wire headlines (pool idx) */
	int32_t day;              /* fan: event day */
	uint64_t seed;            /* fan: message; cascade: unused */
	uint32_t post;            /* cascade: the viral post (pool idx) */
};

struct synth {
	const struct synth_opts *o;
	gsl_rng *mt; /* the plan */
	gsl_rng *r;  /* timeline of the account being written */
	gsl_rng *rp; /* profiles */
	gsl_rng *rt; /* texts */
	gsl_rng *re; /* edits of copied texts */
	uint64_t key;
	struct vocab v;
	int64_t d0, d1; /* window, days */
	uint8_t *hol;   /* holiday flag per day from hol_base */
	int64_t hol_base, hol_n;

	struct sacc *acc;
	size_t n_acc;
	uint32_t *order; /* output order */

	struct ppost *pool;
	size_t n_pool, cap_pool;
	uint32_t *pool_auth; /* pool indices grouped by author, by time */
	uint32_t *pop;       /* popular pool indices by time */
	double *pop_cw;      /* cumulative weights */
	int64_t *pop_t;
	size_t n_pop;

	struct net *nets;
	int n_nets;
	struct group *news, *fans, *casc;
	int n_news, n_fans, n_casc;
	uint32_t first_office, n_office;
	uint64_t counter; /* tweet id low bits */
};

/* 0 ordinary, 1 day off, 2 make-up working day */
static int holiday_kind(const struct synth *s, int64_t day)
{
	int64_t i = day - s->hol_base;

	return i >= 0 && i < s->hol_n ? s->hol[i] : 0;
}

/* Marks the calendar's days in s->hol: 1 day off, 2 make-up working day.
 * Lines that are not "YYYY-MM-DD,kind,..." (comments, header) are
 * skipped. */
static enum cib_err synth_holidays_load(struct synth *s)
{
	const char *p = data_holidays_cn_csv;
	const char *end = p + data_holidays_cn_csv_len;

	s->hol_base = s->d0 - 800;
	s->hol_n = s->d1 - s->hol_base + 1;
	s->hol = calloc((size_t)s->hol_n, 1);
	if (!s->hol)
		return CIB_ENOMEM;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		int64_t t;

		if (n > 12 && p[10] == ',' &&
		    timefmt_parse_iso(p, 10, &t, NULL) == 0) {
			int64_t j = t / 86400 - s->hol_base;

			if (j >= 0 && j < s->hol_n) {
				if (strncmp(p + 11, "holiday", 7) == 0)
					s->hol[j] = 1;
				else if (strncmp(p + 11, "workday", 7) == 0)
					s->hol[j] = 2;
			}
		}
		p += n + 1;
	}
	return CIB_OK;
}

#define SNOWFLAKE_EPOCH_MS 1288834974657LL
#define MIN_POST_DAY 14975 /* 2011-01-01: every post id is a snowflake */

/* A tweet id for time t: the snowflake layout (ms since the X epoch above
 * 22 low bits). The counter fills the low bits, scrambled by a bijection
 * (odd multiplier plus key, mod 2^22) so they do not reveal the order in
 * which accounts were planned, and the milliseconds; two posts share an id
 * only if they share the second and the counter modulo 2^22 * 1000. */
static uint64_t tweet_id(struct synth *s, int64_t t)
{
	uint64_t c = s->counter++;
	int64_t ms = t * 1000 + (int64_t)((c >> 22) % 1000);
	uint64_t low = (c * 0x9e3779b1ULL + s->key) & 0x3fffff;

	if (ms < SNOWFLAKE_EPOCH_MS)
		ms = SNOWFLAKE_EPOCH_MS;
	return (uint64_t)(ms - SNOWFLAKE_EPOCH_MS) << 22 | low;
}

/* Numeric user ids as X assigned them: sequential before mid-2016 (the
 * table interpolates real ids of known creation dates), snowflakes after. */
static uint64_t user_id(gsl_rng *r, int64_t day)
{
	static const struct {
		int y, m;
		double id;
	} pts[] = {
		{ 2006, 7, 1e3 },    { 2007, 1, 5e5 },   { 2008, 1, 1.2e7 },
		{ 2009, 1, 1.9e7 },  { 2010, 1, 1e8 },   { 2011, 1, 2.3e8 },
		{ 2012, 1, 4.5e8 },  { 2013, 1, 1.1e9 }, { 2014, 1, 2.3e9 },
		{ 2015, 1, 2.95e9 }, { 2016, 5, 4.9e9 },
	};
	size_t n = sizeof(pts) / sizeof(pts[0]);
	int64_t last = timefmt_days_from_civil(pts[n - 1].y,
					       (unsigned)pts[n - 1].m, 1);

	if (day >= last) {
		/* every draw in its own statement: the order of operands'
		 * evaluation is unspecified, and compilers differ */
		uint64_t ms = rint_(r, 86400000);
		uint64_t seq = rint_(r, 1u << 22);

		return (uint64_t)(day * 86400000LL + (int64_t)ms -
				  SNOWFLAKE_EPOCH_MS)
			       << 22 |
		       seq;
	}
	for (size_t i = n - 1; i > 0; i--) {
		int64_t a = timefmt_days_from_civil(pts[i - 1].y,
						    (unsigned)pts[i - 1].m, 1);
		int64_t b = timefmt_days_from_civil(pts[i].y,
						    (unsigned)pts[i].m, 1);

		if (day >= a || i == 1) {
			double f = (double)(day - a) / (double)(b - a);
			double lo, hi;

			if (f < 0)
				f = 0;
			lo = pts[i - 1].id + f * (pts[i].id - pts[i - 1].id);
			hi = lo + (pts[i].id - pts[i - 1].id) / (double)(b - a);
			return (uint64_t)(lo + unif(r) * (hi - lo));
		}
	}
	return 1000 + rint_(r, 100000);
}

static int cmp_u64pair(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;

	if (x[0] != y[0])
		return x[0] < y[0] ? -1 : 1;
	return x[1] < y[1] ? -1 : x[1] > y[1];
}

/* Makes numeric user ids unique (bumping duplicates), deterministically. */
static enum cib_err unique_uids(struct synth *s)
{
	uint64_t *p = malloc(s->n_acc * 2 * sizeof(*p));

	if (!p)
		return CIB_ENOMEM;
	for (size_t i = 0; i < s->n_acc; i++) {
		p[2 * i] = s->acc[i].uid;
		p[2 * i + 1] = i;
	}
	qsort(p, s->n_acc, 2 * sizeof(*p), cmp_u64pair);
	for (size_t i = 1; i < s->n_acc; i++)
		if (p[2 * i] <= p[2 * i - 2]) {
			p[2 * i] = p[2 * i - 2] + 1;
			s->acc[p[2 * i + 1]].uid = p[2 * i];
		}
	free(p);
	return CIB_OK;
}

static int pick_region(gsl_rng *r)
{
	double tot = 0, u;

	for (size_t i = 0; i < NREGIONS; i++)
		tot += regions[i].weight;
	u = unif(r) * tot;
	for (size_t i = 0; i < NREGIONS; i++) {
		u -= regions[i].weight;
		if (u < 0)
			return (int)i;
	}
	return 0;
}

static int region_lang(gsl_rng *r, int reg)
{
	double u = unif(r);

	for (int i = 0; i < 3; i++) {
		u -= regions[reg].lang_p[i];
		if (u < 0)
			return regions[reg].lang[i];
	}
	return regions[reg].lang[0];
}

static int32_t clamp_i32(double x, double lo, double hi)
{
	return (int32_t)(x < lo ? lo : x > hi ? hi : x);
}

/* Fills the common fields of account i. */
static void plan_account(struct synth *s, size_t i, enum synth_role role,
			 uint16_t group)
{
	struct sacc *a = &s->acc[i];
	gsl_rng *r = s->mt;
	int64_t first = timefmt_days_from_civil(2008, 1, 1);

	memset(a, 0, sizeof(*a));
	a->role = (uint8_t)role;
	a->group = group;
	a->region = (uint8_t)pick_region(r);
	a->lang = (uint8_t)region_lang(r, a->region);
	a->tz = (int16_t)regions[a->region].tz;
	/* creation dates spread over years, denser recently as the
	 * platform grew */
	a->created = (int32_t)(first + (int64_t)((double)(s->d0 - 14 - first) *
						 pow(unif(r), 0.8)));
	a->followers = clamp_i32(lnorm(r, 120, 1.9), 0, 5e7);
	a->following = clamp_i32(lnorm(r, 200, 1.1), 0, 5e5);
}

/* Ids hashed as in the releases: only accounts under 5000 followers, and
 * of those about half (the real files mix both). */
static void plan_ids(struct synth *s)
{
	for (size_t i = 0; i < s->n_acc; i++) {
		struct sacc *a = &s->acc[i];

		if (a->followers < 5000 && coin(s->mt, 0.5))
			a->flags |= SA_HASHED;
		a->uid = user_id(s->mt, a->created);
	}
}

static enum rkind role_rhythm(int role)
{
	switch (role) {
	case SYNTH_CIB:
		return RK_SHIFT;
	case SYNTH_NEWS:
		return RK_NEWSROOM;
	case SYNTH_OFFICE:
		return RK_OFFICE;
	default:
		return RK_ORGANIC;
	}
}

/* Account i's rhythm; `r` is reseeded. */
static void rhythm_for(struct synth *s, size_t i, struct rhythm *rh,
		       gsl_rng *r)
{
	reseed(r, s->key, TAG_RHYTHM, i);
	rhythm_make(rh, r, role_rhythm(s->acc[i].role), s->acc[i].tz);
}

static enum cib_err pool_add(struct synth *s, int64_t t, uint32_t author,
			     enum ptype type, uint16_t net, int lang)
{
	struct ppost *p;

	if (s->n_pool == s->cap_pool) {
		size_t nc = s->cap_pool ? s->cap_pool * 2 : 1024;
		struct ppost *np = realloc(s->pool, nc * sizeof(*np));

		if (!np)
			return CIB_ENOMEM;
		s->pool = np;
		s->cap_pool = nc;
	}
	p = &s->pool[s->n_pool++];
	p->t = t;
	p->id = tweet_id(s, t);
	p->tseed = r64(s->mt);
	p->author = author;
	p->net = net;
	p->type = (uint8_t)type;
	p->lang = (uint8_t)lang;
	return CIB_OK;
}

static int cmp_pool(const void *a, const void *b)
{
	const struct ppost *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

#define ACC_POST_CAP(days) ((uint32_t)(40 * (days) + 2000))

/* Splits opts->posts over the accounts: heavy-tailed weights, exact sum. */
static void plan_counts(struct synth *s, const double *w, const uint32_t *fixed)
{
	uint64_t total = s->o->posts, fixed_sum = 0, sum = 0;
	double wsum = 0, rem;
	uint32_t cap = ACC_POST_CAP(s->o->days);

	for (size_t i = 0; i < s->n_acc; i++) {
		if (fixed[i])
			fixed_sum += fixed[i];
		else
			wsum += w[i];
	}
	rem = (double)(total > fixed_sum ? total - fixed_sum : 0);
	for (size_t i = 0; i < s->n_acc; i++) {
		double x = fixed[i] ? fixed[i] : floor(rem * w[i] / wsum);
		uint32_t lo = s->acc[i].role == SYNTH_CIB ? 3 : 1;

		if (x < lo)
			x = lo;
		if (x > cap)
			x = cap;
		s->acc[i].n_posts = (uint32_t)x;
		sum += (uint64_t)x;
	}
	/* fix the rounding one post at a time on random accounts */
	while (sum < total) {
		struct sacc *a = &s->acc[rint_(s->mt, s->n_acc)];

		if (a->n_posts < cap) {
			a->n_posts++;
			sum++;
		}
	}
	while (sum > total) {
		struct sacc *a = &s->acc[rint_(s->mt, s->n_acc)];

		if (a->n_posts > (a->role == SYNTH_CIB ? 3u : 1u)) {
			a->n_posts--;
			sum--;
		}
	}
}

static uint32_t rsize(gsl_rng *r, double target, double lo, double hi)
{
	return (uint32_t)clamp_i32(floor(target * (0.7 + 0.6 * unif(r)) + 0.5),
				   lo, hi);
}

static int64_t day_of(int y, int m, int d)
{
	return timefmt_days_from_civil(y, (unsigned)m, (unsigned)d);
}

/* The planners below fill the accounts of one kind from *at on (advancing
 * it), with their posting weights w[] (and fixed[] post counts), drawing
 * from s->mt in a fixed order. */

/* CIB network k: n members created in a few batches (or bought older
 * accounts), seeders, and members who post little. */
static void plan_network(struct synth *s, int k, uint32_t n, uint32_t *at_,
			 double *w, uint32_t *fixed)
{
	gsl_rng *r = s->mt;
	struct net *nt = &s->nets[k];
	uint32_t at = *at_;

	nt->first = at;
	nt->n = n;
	nt->p_en = 0.4 + 0.4 * unif(r);
	nt->n_batch = 2 + (int)rint_(r, 3);
	for (int b = 0; b < nt->n_batch; b++)
		nt->batch[b] = (int32_t)(s->d0 - 20 - rint_(r, 220));
	for (uint32_t j = 0; j < nt->n; j++, at++) {
		struct sacc *a = &s->acc[at];

		plan_account(s, at, SYNTH_CIB, (uint16_t)(k + 1));
		a->region = REGION_CHINA;
		a->tz = 480;
		a->lang = coin(r, nt->p_en) ? L_EN : L_ZH;
		a->following = clamp_i32(lnorm(r, 60, 0.9), 0, 5000);
		if (coin(r, 0.3)) {
			int64_t lo = day_of(2011, 6, 1);

			a->flags |= SA_BOUGHT;
			a->lang = L_ZH; /* the seller's language */
			a->created = (int32_t)(lo +
				rint_(r, (uint64_t)(day_of(2016, 12, 31) - lo)));
			a->followers = clamp_i32(lnorm(r, 60, 1.2), 0, 1e5);
			w[at] = lnorm(r, 2.0, 0.7);
		} else {
			uint64_t b = rint_(r, (uint64_t)nt->n_batch);

			a->created = nt->batch[b] + (int32_t)rint_(r, 3);
			a->followers = clamp_i32(lnorm(r, 12, 1.0), 0, 1e5);
			if (coin(r, 0.2)) {
				a->flags |= SA_SEEDER;
				w[at] = lnorm(r, 2.5, 0.6);
			} else if (coin(r, 0.3)) {
				/* members who post little */
				fixed[at] = 3 + rint_(r, 8);
			} else {
				w[at] = lnorm(r, 2.0, 0.7);
			}
		}
	}
	*at_ = at;
}

/* News syndication groups: a wire account and the outlets copying it. */
static void plan_news(struct synth *s, uint32_t *at_, double *w)
{
	gsl_rng *r = s->mt;
	uint32_t at = *at_;

	for (int g = 0; g < s->n_news; g++) {
		struct group *gr = &s->news[g];

		gr->first = at;
		for (uint32_t j = 0; j < gr->n; j++, at++) {
			struct sacc *a = &s->acc[at];

			plan_account(s, at, SYNTH_NEWS, (uint16_t)(g + 1));
			a->lang = L_EN;
			a->created = (int32_t)(day_of(2008, 1, 1) + rint_(r, 2000));
			a->following = clamp_i32(lnorm(r, 800, 1.0), 0, 1e5);
			if (j == 0) {
				a->flags |= SA_WIRE;
				a->followers = clamp_i32(lnorm(r, 2e6, 0.6), 1e4, 5e7);
				w[at] = 5;
			} else {
				a->followers = clamp_i32(lnorm(r, 6e4, 1.2), 5e3, 5e7);
				w[at] = lnorm(r, 3, 0.5);
			}
		}
	}
	*at_ = at;
}

/* Fan campaigns: each with its own text stream and campaign day. */
static void plan_fans(struct synth *s, uint32_t *at_, double *w)
{
	const struct synth_opts *o = s->o;
	gsl_rng *r = s->mt;
	uint32_t at = *at_;

	for (int g = 0; g < s->n_fans; g++) {
		struct group *gr = &s->fans[g];

		gr->first = at;
		gr->seed = r64(r);
		gr->day = (int32_t)(o->days > 20 ? s->d0 + 7 + rint_(r, (uint64_t)o->days - 14)
						 : s->d0 + o->days / 2);
		for (uint32_t j = 0; j < gr->n; j++, at++) {
			plan_account(s, at, SYNTH_FAN, (uint16_t)(g + 1));
			s->acc[at].followers = clamp_i32(lnorm(r, 400, 1.3), 0, 1e6);
			w[at] = lnorm(r, 1.2, 1.2);
		}
	}
	*at_ = at;
}

/* Office accounts of companies in China: Beijing hours, not a network. */
static void plan_office(struct synth *s, uint32_t *at_, double *w)
{
	gsl_rng *r = s->mt;
	uint32_t at = *at_;

	s->first_office = at;
	{
		static const int office_regions[] = { 21, 22, 23, 20, 19 };
		uint16_t company = 0;

		for (uint32_t j = 0; j < s->n_office; j++, at++) {
			struct sacc *a = &s->acc[at];

			/* one account per company, sometimes two */
			if (j == 0 || !coin(r, 0.25))
				company++;
			plan_account(s, at, SYNTH_OFFICE, company);
			a->region = (uint8_t)office_regions[rint_(r, 5)];
			a->tz = 480;
			a->lang = coin(r, 0.6) ? L_ZH : L_EN;
			a->created = (int32_t)(day_of(2011, 1, 1) + rint_(r, 2900));
			a->followers = clamp_i32(lnorm(r, 3000, 1.2), 10, 1e7);
			w[at] = lnorm(r, 1.5, 0.6);
		}
	}
	*at_ = at;
}

/* Viral cascades: an author and the accounts resharing it. */
static void plan_cascades(struct synth *s, uint32_t *at_, double *w)
{
	gsl_rng *r = s->mt;
	uint32_t at = *at_;

	for (int g = 0; g < s->n_casc; g++) {
		struct group *gr = &s->casc[g];

		gr->first = at;
		for (uint32_t j = 0; j < gr->n; j++, at++) {
			plan_account(s, at, SYNTH_VIRAL, (uint16_t)(g + 1));
			w[at] = lnorm(r, 1, 1.4);
			if (j == 0) {
				s->acc[at].flags |= SA_AUTHOR;
				s->acc[at].followers =
					clamp_i32(lnorm(r, 2e5, 0.8), 5e3, 5e7);
			}
		}
	}
	*at_ = at;
}

static enum cib_err plan_population(struct synth *s, char *err, size_t errlen)
{
	const struct synth_opts *o = s->o;
	gsl_rng *r = s->mt;
	double N = (double)o->accounts, *w = NULL;
	uint32_t *fixed = NULL, net_n[SYNTH_MAX_NETWORKS], n_org, at;
	uint64_t used = 0;
	enum cib_err e = CIB_ENOMEM;
	int K = o->networks;

	s->n_acc = o->accounts;
	for (int k = 0; k < K; k++) {
		net_n[k] = rsize(r, 0.08 * N / K, 20, 300);
		used += net_n[k];
	}
	s->n_news = (int)fmax(1, floor(0.015 * N / 25 + 0.5));
	s->n_fans = (int)fmax(1, floor(0.03 * N / 400 + 0.5));
	s->n_casc = 3 + (int)(o->accounts / 250000);
	s->nets = calloc((size_t)(K ? K : 1), sizeof(*s->nets));
	s->news = calloc((size_t)s->n_news, sizeof(*s->news));
	s->fans = calloc((size_t)s->n_fans, sizeof(*s->fans));
	s->casc = calloc((size_t)s->n_casc, sizeof(*s->casc));
	s->acc = calloc(s->n_acc, sizeof(*s->acc));
	w = calloc(s->n_acc, sizeof(*w));
	fixed = calloc(s->n_acc, sizeof(*fixed));
	if (!s->nets || !s->news || !s->fans || !s->casc || !s->acc || !w ||
	    !fixed)
		goto out;
	for (int g = 0; g < s->n_news; g++)
		used += s->news[g].n = rsize(r, 0.015 * N / s->n_news, 10, 40);
	for (int g = 0; g < s->n_fans; g++)
		used += s->fans[g].n = rsize(r, 0.03 * N / s->n_fans, 20, 2000);
	s->n_office = (uint32_t)fmax(4, floor(0.015 * N + 0.5));
	used += s->n_office;
	for (int g = 0; g < s->n_casc; g++)
		used += s->casc[g].n = rsize(r, 0.03 * N / s->n_casc, 10, 1e7);
	if ((double)used > 0.4 * N) {
		snprintf(err, errlen,
			 "--accounts %llu is too small for %d networks",
			 (unsigned long long)o->accounts, K);
		e = CIB_EUSAGE;
		goto out;
	}
	n_org = (uint32_t)(s->n_acc - used);
	for (uint32_t i = 0; i < n_org; i++) {
		plan_account(s, i, SYNTH_ORGANIC, 0);
		w[i] = lnorm(r, 1, 1.4);
	}
	at = n_org;
	s->n_nets = K;
	for (int k = 0; k < K; k++)
		plan_network(s, k, net_n[k], &at, w, fixed);
	plan_news(s, &at, w);
	plan_fans(s, &at, w);
	plan_office(s, &at, w);
	plan_cascades(s, &at, w);
	if (at != s->n_acc) {
		e = CIB_EINTERNAL;
		goto out;
	}
	/* with an early --start, fixed creation ranges could fall after
	 * it: nobody posts before their account exists */
	for (size_t i = 0; i < s->n_acc; i++)
		if (s->acc[i].created > s->d0 - 14)
			s->acc[i].created =
				(int32_t)(s->d0 - 14 - rint_(r, 60));
	plan_ids(s);
	e = unique_uids(s);
	if (e)
		goto out;
	plan_counts(s, w, fixed);
	e = CIB_OK;
out:
	free(w);
	free(fixed);
	return e;
}

static int64_t window_sample(struct synth *s, const struct rhythm *rh,
			     gsl_rng *r)
{
	return rh_sample(s, rh, r, s->d0, s->d1);
}

/* The reference posts of every account that has some: popular organic
 * accounts, wire services, seeders and cascade authors. */
static enum cib_err pool_posts(struct synth *s)
{
	gsl_rng *r = s->mt, *rr = s->r;
	struct rhythm rh;
	enum cib_err e;

	for (size_t i = 0; i < s->n_acc; i++) {
		struct sacc *a = &s->acc[i];
		uint32_t k = 0;
		enum ptype type = P_POPULAR;

		if (a->role == SYNTH_ORGANIC && a->followers >= 5000) {
			a->flags |= SA_POPULAR;
			k = (a->n_posts * 6 + 9) / 10;
		} else if (a->flags & SA_WIRE) {
			type = P_HEADLINE;
			k = (a->n_posts * 85 + 99) / 100;
		} else if (a->flags & SA_SEEDER) {
			type = P_SEED;
			k = s->o->reposts == SYNTH_REPOSTS_ONLY
				    ? a->n_posts
				    : (a->n_posts * 7 + 9) / 10;
		} else if (a->flags & SA_AUTHOR) {
			type = P_VIRAL;
			k = 1;
		}
		if (!k)
			continue;
		rhythm_for(s, i, &rh, rr);
		for (uint32_t j = 0; j < k; j++) {
			int64_t t;
			int lang = a->lang;

			if (type == P_VIRAL) {
				int64_t lo = s->d0 + s->o->days / 10;

				t = rh_sample(s, &rh, r, lo,
					      lo + 1 + s->o->days * 3 / 4);
			} else {
				t = window_sample(s, &rh, r);
			}
			if (type == P_SEED)
				lang = coin(r, s->nets[a->group - 1].p_en) ? L_EN
									  : L_ZH;
			if (type == P_VIRAL)
				lang = L_EN;
			e = pool_add(s, t, (uint32_t)i, type,
				     type == P_SEED ? (uint16_t)(a->group - 1) : 0,
				     lang);
			if (e)
				return e;
		}
	}
	return CIB_OK;
}

/* The pool in time order, each author's posts (pool_auth), and what
 * organic accounts retweet and reply to (pop, followers-weighted). */
static enum cib_err pool_index(struct synth *s)
{
	uint64_t *keys;
	size_t npop = 0;

	qsort(s->pool, s->n_pool, sizeof(*s->pool), cmp_pool);
	s->pool_auth = malloc((s->n_pool + 1) * sizeof(*s->pool_auth));
	keys = malloc((s->n_pool + 1) * sizeof(*keys));
	s->pop = malloc((s->n_pool + 1) * sizeof(*s->pop));
	s->pop_cw = malloc((s->n_pool + 1) * sizeof(*s->pop_cw));
	s->pop_t = malloc((s->n_pool + 1) * sizeof(*s->pop_t));
	if (!s->pool_auth || !keys || !s->pop || !s->pop_cw || !s->pop_t) {
		free(keys);
		return CIB_ENOMEM;
	}
	for (size_t j = 0; j < s->n_pool; j++)
		keys[j] = (uint64_t)s->pool[j].author << 32 | j;
	sortu64(keys, s->n_pool);
	for (size_t j = 0; j < s->n_pool; j++) {
		struct sacc *a = &s->acc[keys[j] >> 32];

		s->pool_auth[j] = (uint32_t)keys[j];
		if (!a->pool_n)
			a->pool_first = (uint32_t)j;
		a->pool_n++;
	}
	free(keys);
	for (size_t j = 0; j < s->n_pool; j++) {
		const struct ppost *p = &s->pool[j];
		double wt;

		if (p->type == P_SEED)
			continue;
		wt = 1.0 + s->acc[p->author].followers;
		if (p->type == P_VIRAL)
			wt *= 20;
		s->pop[npop] = (uint32_t)j;
		s->pop_t[npop] = p->t;
		s->pop_cw[npop] = (npop ? s->pop_cw[npop - 1] : 0) + wt;
		npop++;
	}
	s->n_pop = npop;
	return CIB_OK;
}

/* Network k's seed posts, its critics (popular organic accounts writing en
 * or zh) and their posts, and its copy waves on a Beijing office shift. */
static enum cib_err pool_network(struct synth *s, int k)
{
	gsl_rng *r = s->mt, *rr = s->r;
	struct rhythm rh;
	struct net *nt = &s->nets[k];
	uint64_t copy_slots = 0;
	double share = s->o->reposts == SYNTH_REPOSTS_MIXED  ? 0.35
		       : s->o->reposts == SYNTH_REPOSTS_NONE ? 0.5
							     : 0;

	nt->seeds = malloc((s->n_pool + 1) * sizeof(*nt->seeds));
	nt->cposts = malloc((s->n_pool + 1) * sizeof(*nt->cposts));
	if (!nt->seeds || !nt->cposts)
		return CIB_ENOMEM;
	for (size_t j = 0; j < s->n_pool; j++)
		if (s->pool[j].type == P_SEED && s->pool[j].net == k)
			nt->seeds[nt->n_seeds++] = (uint32_t)j;
	/* critics: popular organic accounts writing en or zh */
	for (int tries = 0; tries < 4000 && nt->n_critics < (uint32_t)(2 + k % 3);
	     tries++) {
		uint32_t c = rint_(r, s->n_acc);
		const struct sacc *a = &s->acc[c];
		int dup = 0;

		if (!(a->flags & SA_POPULAR) || !a->pool_n ||
		    (tries < 3000 && a->lang != L_EN && a->lang != L_ZH))
			continue;
		for (uint32_t q = 0; q < nt->n_critics; q++)
			dup |= nt->critics[q] == c;
		if (!dup)
			nt->critics[nt->n_critics++] = c;
	}
	for (size_t j = 0; j < s->n_pool; j++)
		for (uint32_t q = 0; q < nt->n_critics; q++)
			if (s->pool[j].author == nt->critics[q])
				nt->cposts[nt->n_cposts++] = (uint32_t)j;
	for (uint32_t j = 0; j < nt->n; j++) {
		const struct sacc *a = &s->acc[nt->first + j];

		if (!(a->flags & SA_SEEDER))
			copy_slots += a->n_posts;
	}
	/* about eight copies per wave; a narrative comes back in
	 * about three waves */
	nt->n_waves = (uint32_t)fmax(4, (double)copy_slots * share / 8);
	nt->n_narr = nt->n_waves / 3 > 3 ? nt->n_waves / 3 : 3;
	nt->waves = malloc(nt->n_waves * sizeof(*nt->waves));
	if (!nt->waves)
		return CIB_ENOMEM;
	reseed(rr, s->key, TAG_RHYTHM, 0xC1B00000ULL + (uint64_t)k);
	rhythm_make(&rh, rr, RK_SHIFT, 480);
	for (uint32_t j = 0; j < nt->n_waves; j++) {
		nt->waves[j].t = window_sample(s, &rh, r);
		nt->waves[j].seed = r64(r);
		nt->waves[j].narr = rint_(r, nt->n_narr);
	}
	return CIB_OK;
}

/* Reference posts, their indexes, the networks' critics and waves. */
static enum cib_err plan_pool(struct synth *s)
{
	enum cib_err e = pool_posts(s);

	if (!e)
		e = pool_index(s);
	for (int k = 0; !e && k < s->n_nets; k++)
		e = pool_network(s, k);
	if (e)
		return e;
	for (int g = 0; g < s->n_news; g++) {
		struct group *gr = &s->news[g];
		const struct sacc *wa = &s->acc[gr->first];

		gr->heads = malloc((wa->pool_n + 1) * sizeof(*gr->heads));
		if (!gr->heads)
			return CIB_ENOMEM;
		for (uint32_t j = 0; j < wa->pool_n; j++)
			gr->heads[gr->n_heads++] =
				s->pool_auth[wa->pool_first + j];
	}
	for (int g = 0; g < s->n_casc; g++) {
		const struct sacc *au = &s->acc[s->casc[g].first];

		s->casc[g].post = au->pool_n ? s->pool_auth[au->pool_first]
					     : UINT32_MAX;
	}
	return CIB_OK;
}

/* ---------------------------------------------------------------- texts */

#define DOC_SENT 5
#define DOC_WORDS 20
#define TW_CAP 1600
#define TW_ENT 6

/* A post before rendering: sentences of words, then entities. Copies of
 * a narrative are edits of this structure. */
struct doc {
	int lang;
	int nsent;
	int nw[DOC_SENT];
	const char *w[DOC_SENT][DOC_WORDS];
	const char *tags[TW_ENT];
	int ntags;
	char url[200];
	const char *emoji[3];
	int nemoji;
	const char *prefix, *suffix;
	int newlines, quote; /* render with line breaks / a quoted phrase */
	int commas;
};

/* A rendered post. */
struct tw {
	char text[TW_CAP];
	size_t len;
	int lang;
	char tags[TW_ENT][96];
	int ntags;
	char urls[TW_ENT][208];
	int nurls;
	char ment[TW_ENT][48];
	int nment;
};

static void tw_reset(struct tw *t, int lang)
{
	t->len = 0;
	t->text[0] = 0;
	t->lang = lang;
	t->ntags = t->nurls = t->nment = 0;
}

static void tw_put(struct tw *t, const char *s)
{
	size_t n = strlen(s);

	if (t->len + n >= TW_CAP)
		n = TW_CAP - 1 - t->len;
	memcpy(t->text + t->len, s, n);
	t->len += n;
	t->text[t->len] = 0;
}

static void slug(gsl_rng *r, const struct vocab *v, char *out, size_t cap)
{
	size_t len = 0;
	int n = 3 + (int)rint_(r, 4);

	for (int i = 0; i < n && len + 2 < cap; i++) {
		const char *w = zipf(r, vl(v, V_GENERAL, L_EN));
		size_t k = 0;

		if (i)
			out[len++] = '-';
		for (; w[k] && len + 2 < cap; k++)
			out[len++] = (char)((w[k] >= 'A' && w[k] <= 'Z')
						    ? w[k] + 32
						    : (w[k] == '\'' ? 'x' : w[k]));
	}
	len += (size_t)snprintf(out + len, cap - len, "-%u",
				(unsigned)rint_(r, 100000));
	out[len < cap ? len : cap - 1] = 0;
}

static void doc_url(struct doc *d, gsl_rng *r, const struct vocab *v,
		    const char *domain)
{
	char sl[120];

	slug(r, v, sl, sizeof(sl));
	snprintf(d->url, sizeof(d->url), "https://%s/%s", domain, sl);
}

static void organic_domain(struct synth *s, gsl_rng *r, char *out, size_t cap)
{
	if (coin(r, 0.002) && s->n_nets) {
		/* now and then a real person shares a network's site */
		gen_domain(s->key, 100000 + rint_(r, (uint64_t)s->n_nets * 8),
			   out, cap);
	} else if (coin(r, 0.7)) {
		/* Zipf over the big sites */
		double u = unif(r) * log((double)NBIGDOM + 1);

		scopy(out, cap, big_domains[(size_t)(exp(u) - 1) % NBIGDOM]);
	} else {
		gen_domain(s->key, rint_(r, 20000), out, cap);
	}
}

static void net_domain(struct synth *s, gsl_rng *r, int net, char *out,
		       size_t cap)
{
	gen_domain(s->key, 100000 + (uint64_t)net * 8 + rint_(r, 3 + net % 4),
		   out, cap);
}

static void doc_init(struct doc *d, int lang)
{
	memset(d, 0, sizeof(*d));
	d->lang = lang;
}

/* Sentences mixing `cat` words (share p_cat) with everyday words. */
static void doc_sentences(struct doc *d, gsl_rng *r, const struct vocab *v,
			  int cat, double p_cat, int nsent, int minw, int maxw)
{
	const struct wlist *g = vl(v, V_GENERAL, d->lang);
	const struct wlist *c = vl(v, cat, d->lang);

	if (nsent > DOC_SENT)
		nsent = DOC_SENT;
	d->nsent = nsent;
	for (int i = 0; i < nsent; i++) {
		int n = minw + (int)rint_(r, (uint64_t)(maxw - minw + 1));

		if (n > DOC_WORDS)
			n = DOC_WORDS;
		d->nw[i] = n;
		for (int j = 0; j < n; j++)
			d->w[i][j] = coin(r, p_cat) ? zipf(r, c) : zipf(r, g);
	}
}

static void doc_tag(struct doc *d, const char *tag)
{
	for (int i = 0; i < d->ntags; i++)
		if (strcmp(d->tags[i], tag) == 0)
			return;
	if (d->ntags < TW_ENT - 1)
		d->tags[d->ntags++] = tag;
}

/* An everyday post; topic politics for some. */
static void doc_free(struct synth *s, struct doc *d, gsl_rng *r, int lang,
		     int politics)
{
	const struct vocab *v = &s->v;
	int ns = 1 + coin(r, 0.35);

	ns += coin(r, 0.1);

	doc_init(d, lang);
	doc_sentences(d, r, v, politics ? V_POLITICS : V_GENERAL,
		      politics ? 0.5 : 0, ns, 3, 11);
	if (coin(r, 0.25))
		doc_tag(d, zipf(r, vl(v, politics ? V_HASHTAG_POL : V_HASHTAG,
				       L__COUNT)));
	if (coin(r, 0.08))
		doc_tag(d, zipf(r, vl(v, V_HASHTAG, L__COUNT)));
	if (coin(r, 0.12)) {
		char dom[80];

		organic_domain(s, r, dom, sizeof(dom));
		doc_url(d, r, v, dom);
	}
	if (coin(r, 0.25))
		d->emoji[d->nemoji++] = zipf(r, vl(v, V_EMOJI, L__COUNT));
	d->newlines = coin(r, 0.04);
	d->quote = coin(r, 0.03);
	d->commas = coin(r, 0.15);
}

/* A campaign narrative of network `net`: fixed by (net, narr). */
static void doc_narrative(struct synth *s, struct doc *d, int net,
			  uint32_t narr)
{
	gsl_rng *r = s->rt;
	const struct vocab *v = &s->v;
	int nt;

	reseed(r, s->key, TAG_NARR, (uint64_t)net << 32 | narr);
	doc_init(d, coin(r, s->nets[net].p_en) ? L_EN : L_ZH);
	doc_sentences(d, r, v, V_POLITICS, 0.65, 2 + coin(r, 0.5), 5, 13);
	nt = 1 + (int)rint_(r, 3);
	for (int i = 0; i < nt; i++)
		doc_tag(d, zipf(r, vl(v, V_HASHTAG_POL, L__COUNT)));
	if (coin(r, 0.5)) {
		char dom[80];

		net_domain(s, r, net, dom, sizeof(dom));
		doc_url(d, r, v, dom);
	}
	if (coin(r, 0.2))
		d->emoji[d->nemoji++] = zipf(r, vl(v, V_EMOJI, L__COUNT));
}

/* Light edits, as operators and fans make them: swapped words, tags added
 * or dropped, emoji, sentences reordered, a different link. */
static void doc_edit(struct synth *s, struct doc *d, gsl_rng *r, int cat,
		     int tagcat)
{
	const struct vocab *v = &s->v;
	int ops = 1 + (int)rint_(r, 3);

	for (int k = 0; k < ops; k++) {
		switch (rint_(r, 6)) {
		case 0:
		case 1: { /* swap a word */
			int i = (int)rint_(r, (uint64_t)d->nsent);

			if (d->nw[i]) {
				uint64_t j = rint_(r, (uint64_t)d->nw[i]);

				d->w[i][j] = zipf(r, vl(v, cat, d->lang));
			}
			break;
		}
		case 2:
			if (d->ntags && coin(r, 0.5))
				d->ntags--;
			else
				doc_tag(d, zipf(r, vl(v, tagcat, L__COUNT)));
			break;
		case 3:
			if (d->nemoji < 3)
				d->emoji[d->nemoji++] =
					pick(r, vl(v, V_EMOJI, L__COUNT));
			break;
		case 4:
			if (d->nsent > 1) {
				int a = (int)rint_(r, (uint64_t)d->nsent), n;
				const char *tmp[DOC_WORDS];

				n = d->nw[0];
				memcpy(tmp, d->w[0], sizeof(tmp));
				memcpy(d->w[0], d->w[a], sizeof(tmp));
				d->nw[0] = d->nw[a];
				memcpy(d->w[a], tmp, sizeof(tmp));
				d->nw[a] = n;
			}
			break;
		default:
			if (d->url[0]) {
				size_t n = strlen(d->url);

				snprintf(d->url + n, sizeof(d->url) - n, "?s=%u",
					 (unsigned)rint_(r, 100));
			}
			break;
		}
	}
}

/* A headline (news): one title-like sentence. */
static void doc_headline(struct synth *s, struct doc *d, gsl_rng *r)
{
	doc_init(d, L_EN);
	doc_sentences(d, r, &s->v, V_NEWS, 0.7, 1, 5, 11);
	d->nsent = 1;
}

static void word_out(struct tw *t, const char *w, int cap)
{
	if (cap && w[0] >= 'a' && w[0] <= 'z') {
		char c[2] = { (char)(w[0] - 32), 0 };

		tw_put(t, c);
		tw_put(t, w + 1);
	} else {
		tw_put(t, w);
	}
}

/* Renders d into t (text and entity lists); t keeps earlier mentions. */
static void doc_render(const struct doc *d, struct tw *t, int is_headline)
{
	int cjk = is_cjk(d->lang);
	const char *stop = d->lang == L_HI ? "।" : cjk ? "。" : ".";

	t->lang = d->lang;
	if (d->prefix)
		tw_put(t, d->prefix);
	for (int i = 0; i < d->nsent; i++) {
		if (i)
			tw_put(t, d->newlines ? "\n" : (cjk ? "" : " "));
		if (d->quote && i == 0)
			tw_put(t, cjk ? "“" : "\"");
		for (int j = 0; j < d->nw[i]; j++) {
			if (j && !cjk)
				tw_put(t, " ");
			word_out(t, d->w[i][j], is_headline || j == 0);
			if (d->commas && j == 1 && d->nw[i] > 4)
				tw_put(t, cjk ? "，" : ",");
		}
		if (d->quote && i == 0)
			tw_put(t, cjk ? "”" : "\"");
		if (!is_headline)
			tw_put(t, stop);
	}
	if (d->suffix)
		tw_put(t, d->suffix);
	for (int i = 0; i < d->nemoji; i++) {
		tw_put(t, " ");
		tw_put(t, d->emoji[i]);
	}
	for (int i = 0; i < d->ntags && t->ntags < TW_ENT; i++) {
		tw_put(t, " #");
		tw_put(t, d->tags[i]);
		scopy(t->tags[t->ntags++], sizeof(t->tags[0]), d->tags[i]);
	}
	if (d->url[0] && t->nurls < TW_ENT) {
		/* the text carries the shortened link, the urls column the
		 * expanded one, as in the releases */
		static const char b62[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij"
					  "klmnopqrstuvwxyz0123456789";
		uint64_t h = XXH64(d->url, strlen(d->url), 7);
		char tco[40] = "https://t.co/";

		for (int i = 0; i < 10; i++, h /= 62)
			tco[13 + i] = b62[h % 62];
		tco[23] = 0;
		tw_put(t, " ");
		tw_put(t, tco);
		scopy(t->urls[t->nurls++], sizeof(t->urls[0]), d->url);
	}
}

/* ------------------------------------------------------------- profiles */

struct profile {
	char uid[48], name[96], handle[48], loc[96], desc[320], url[40];
	char created[16], domain[80];
	const char *acc_lang;
};

static void lower_alnum(const char *in, char *out, size_t cap)
{
	size_t n = 0;

	for (; *in && n + 1 < cap; in++) {
		char c = *in;

		if (c >= 'A' && c <= 'Z')
			c = (char)(c + 32);
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			out[n++] = c;
	}
	out[n] = 0;
}

/* 32 bytes of hash as 44 base64 characters ending in '=', the form the
 * releases use for ids of accounts under 5000 followers. */
static void hashed_id(uint64_t key, uint64_t i, char out[48])
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn"
				  "opqrstuvwxyz0123456789+/";
	uint64_t in[2] = { key, i };
	XXH128_hash_t a = XXH3_128bits_withSeed(in, sizeof(in), 1);
	XXH128_hash_t b = XXH3_128bits_withSeed(in, sizeof(in), 2);
	unsigned char raw[33];
	int o = 0;

	for (int k = 0; k < 8; k++) {
		raw[k] = (unsigned char)(a.low64 >> (8 * k));
		raw[8 + k] = (unsigned char)(a.high64 >> (8 * k));
		raw[16 + k] = (unsigned char)(b.low64 >> (8 * k));
		raw[24 + k] = (unsigned char)(b.high64 >> (8 * k));
	}
	raw[32] = 0;
	for (int k = 0; k < 33; k += 3) {
		uint32_t v = (uint32_t)raw[k] << 16 |
			     (uint32_t)(k + 1 < 33 ? raw[k + 1] : 0) << 8 |
			     (k + 2 < 33 ? raw[k + 2] : 0);

		out[o++] = b64[v >> 18 & 63];
		out[o++] = b64[v >> 12 & 63];
		out[o++] = b64[v >> 6 & 63];
		out[o++] = b64[v & 63];
	}
	out[43] = '=';
	out[44] = 0;
}

static const char *acc_lang_code(const struct sacc *a)
{
	switch (a->lang) {
	case L_ZH:
		return a->region == 22 || a->region == 23 ? "zh-tw" : "zh-cn";
	case L_EN:
		return a->region == 8 ? "en-gb" : "en";
	default:
		return lang_code[a->lang];
	}
}

static void outlet_name(uint64_t seed, char *out, size_t cap)
{
	static const char *const a[] = { "Daily", "Morning", "Evening",
					 "Global", "National", "Metro",
					 "City", "Weekly", "Pacific",
					 "Atlantic", "Capital", "Northern" };
	static const char *const b[] = { "Herald", "Times", "Post",
					 "Tribune", "Chronicle", "Journal",
					 "Gazette", "News", "Observer",
					 "Standard", "Ledger", "Courier" };

	snprintf(out, cap, "%s %s", a[seed % 12], b[(seed / 12) % 12]);
}

/* A person's display name and handle (sign-up defaults for most CIB
 * accounts and some people, made-up ones for the rest); base is scratch. */
static void profile_person(struct synth *s, const struct sacc *a, gsl_rng *r,
			   const char *first, const char *last,
			   struct profile *pf, char *base, size_t cap)
{
	const struct vocab *v = &s->v;
	double p_default;

	if (a->lang == L_ZH && coin(r, 0.7))
		scopy(pf->name, sizeof(pf->name), pick(r, vl(v, V_ZHNAME, L__COUNT)));
	else if (coin(r, 0.6))
		snprintf(pf->name, sizeof(pf->name), "%s %s", first, last);
	else
		scopy(pf->name, sizeof(pf->name), first);
	if (coin(r, 0.08))
		snprintf(pf->name + strlen(pf->name),
			 sizeof(pf->name) - strlen(pf->name), " %s",
			 pick(r, vl(v, V_EMOJI, L__COUNT)));
	/* X suggests name + digits at sign-up; operators keep it,
	 * some people do too */
	p_default = a->role == SYNTH_CIB ? 0.7 : 0.12;
	if (coin(r, p_default)) {
		lower_alnum(first, base, cap);
		base[0] = (char)(base[0] >= 'a' && base[0] <= 'z'
					 ? base[0] - 32
					 : base[0]);
		snprintf(pf->handle, sizeof(pf->handle), "%.7s%08u", base,
			 (unsigned)rint_(r, 100000000));
	} else {
		char x[64], y2[64];

		lower_alnum(first, x, sizeof(x));
		lower_alnum(coin(r, 0.5) ? last
					 : zipf(r, vl(v, V_GENERAL, L_EN)),
			    y2, sizeof(y2));
		switch (rint_(r, 4)) {
		case 0:
			snprintf(base, cap, "%s%s", x, y2);
			break;
		case 1:
			snprintf(base, cap, "%s_%s", x, y2);
			break;
		case 2:
			snprintf(base, cap, "%s%u", x,
				 (unsigned)rint_(r, 100));
			break;
		default:
			snprintf(base, cap, "the%s%s", y2, x);
			break;
		}
		snprintf(pf->handle, sizeof(pf->handle), "%.15s", base);
	}
}

/* The claimed location: sometimes a place in China for CIB accounts,
 * mostly the account's own region for everyone else. */
static void profile_location(const struct sacc *a, gsl_rng *r,
			     struct profile *pf)
{
	if (a->role == SYNTH_CIB) {
		double u = unif(r);

		if (u < 0.3)
			scopy(pf->loc, sizeof(pf->loc), claimed_locs[rint_(r, sizeof(claimed_locs) /
							      sizeof(claimed_locs[0]))]);
		else if (u < 0.38)
			scopy(pf->loc, sizeof(pf->loc), "中国");
	} else {
		double u = unif(r);
		const struct region *rg = &regions[a->region];

		if (a->role == SYNTH_NEWS || a->role == SYNTH_OFFICE)
			u *= 0.55;
		if (u < 0.6) {
			size_t n = 0;

			while (rg->locs[n])
				n++;
			scopy(pf->loc, sizeof(pf->loc), rg->locs[rint_(r, n)]);
		} else if (u < 0.65) {
			scopy(pf->loc, sizeof(pf->loc), joke_locs[rint_(r, sizeof(joke_locs) /
							   sizeof(joke_locs[0]))]);
		} else if (u < 0.7) { /* moved away, or says where from */
			const struct region *o =
				&regions[rint_(r, NREGIONS)];

			scopy(pf->loc, sizeof(pf->loc), o->locs[0]);
		}
	}
}

/* A description in the account's language and register, for some. */
static void profile_description(struct synth *s, const struct sacc *a,
				gsl_rng *r, struct profile *pf)
{
	const struct vocab *v = &s->v;
	double p_desc = a->role == SYNTH_CIB ? 0.35 : 0.65;
	struct doc dd;
	struct tw *t = malloc(sizeof(*t));

	if (a->role == SYNTH_NEWS || a->role == SYNTH_OFFICE)
		p_desc = 1;
	if (t && coin(r, p_desc)) {
		tw_reset(t, a->lang);
		doc_init(&dd, a->lang);
		doc_sentences(&dd, r, v,
			      a->role == SYNTH_NEWS     ? V_NEWS
			      : a->role == SYNTH_OFFICE ? V_MARKET
			      : a->role == SYNTH_FAN    ? V_FAN
							: V_GENERAL,
			      0.5, 1 + coin(r, 0.3), 3, 9);
		if (coin(r, 0.2))
			dd.emoji[dd.nemoji++] =
				pick(r, vl(v, V_EMOJI, L__COUNT));
		doc_render(&dd, t, 0);
		scopy(pf->desc, sizeof(pf->desc), t->text);
	}
	free(t);
}

/* A t.co profile link, for most news and office accounts and a few
 * others. */
static void profile_url(const struct sacc *a, gsl_rng *r, struct profile *pf)
{
	if (coin(r, a->role == SYNTH_NEWS || a->role == SYNTH_OFFICE ? 0.9
								      : 0.12)) {
		static const char b62[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij"
					  "klmnopqrstuvwxyz0123456789";
		char c[11];

		for (int k = 0; k < 10; k++)
			c[k] = b62[rint_(r, 62)];
		c[10] = 0;
		snprintf(pf->url, sizeof(pf->url), "https://t.co/%s", c);
	}
}

/* Account i's profile, from its own stream (s->rp). With `light` only the
 * id, names and domain are made (what a retweet or reply of the account
 * needs); they are the same as in the full profile. */
static void profile_make(struct synth *s, size_t i, struct profile *pf,
			 int light)
{
	const struct sacc *a = &s->acc[i];
	gsl_rng *r = s->rp;
	const struct vocab *v = &s->v;
	char first[64], last[64], base[96];
	int64_t y;
	unsigned m, d;

	reseed(r, s->key, TAG_PROFILE, i);
	pf->acc_lang = acc_lang_code(a);
	pf->domain[0] = 0;
	timefmt_civil_from_days(a->created, &y, &m, &d);
	snprintf(pf->created, sizeof(pf->created), "%04d-%02u-%02u", (int)y,
		 m, d);
	scopy(first, sizeof(first), pick(r, vl(v, V_FIRST, L__COUNT)));
	scopy(last, sizeof(last), pick(r, vl(v, V_LAST, L__COUNT)));
	if (a->role == SYNTH_NEWS) {
		outlet_name(r64(r), pf->name, sizeof(pf->name));
		if (a->flags & SA_WIRE)
			snprintf(pf->name, sizeof(pf->name), "%s Wire",
				 coin(r, 0.5) ? "World" : "Press");
		lower_alnum(pf->name, base, sizeof(base));
		snprintf(pf->domain, sizeof(pf->domain), "%s.com", base);
		snprintf(pf->handle, sizeof(pf->handle), "%.15s", base);
	} else if (a->role == SYNTH_OFFICE) {
		const char *w1 = pick(r, vl(v, V_MARKET, L_EN));
		const char *w2 = pick(r, vl(v, V_LAST, L__COUNT));

		snprintf(pf->name, sizeof(pf->name), "%s %s%s", w2, w1,
			 a->lang == L_ZH ? " 官方" : " Official");
		snprintf(base, sizeof(base), "%s%s", w2, w1);
		lower_alnum(base, pf->handle, 16);
		lower_alnum(base, base, sizeof(base));
		snprintf(pf->domain, sizeof(pf->domain), "%s.com.cn", base);
	} else {
		profile_person(s, a, r, first, last, pf, base, sizeof(base));
	}
	pf->loc[0] = 0;
	pf->desc[0] = 0;
	pf->url[0] = 0;
	if (!light) {
		profile_location(a, r, pf);
		profile_description(s, a, r, pf);
		profile_url(a, r, pf);
	}
	if (a->flags & SA_HASHED) {
		hashed_id(s->key, i, pf->uid);
		scopy(pf->name, sizeof(pf->name), pf->uid);
		scopy(pf->handle, sizeof(pf->handle), pf->uid);
	} else {
		snprintf(pf->uid, sizeof(pf->uid), "%llu",
			 (unsigned long long)a->uid);
	}
	if (!pf->handle[0])
		snprintf(pf->handle, sizeof(pf->handle), "user%llu",
			 (unsigned long long)a->uid % 1000000);
}

/* --------------------------------------------------------------- output */

#define SINK_BUF (1 << 18)

/* A buffered output file, optionally gzip-compressed, committed
 * atomically. Errors stick: after the first one writes are dropped and
 * sink_close reports it. */
struct sink {
	struct outfile of;
	z_stream z;
	int gz, zinit, open;
	char *buf, *zbuf;
	size_t n;
	enum cib_err err;
	int sys_errno;
};

static void sink_emit(struct sink *w, const char *p, size_t n)
{
	if (w->err || !n)
		return;
	if (fwrite(p, 1, n, w->of.f) != n) {
		w->err = CIB_EIO;
		w->sys_errno = errno;
	}
}

static void sink_drain(struct sink *w, int finish)
{
	if (w->err)
		return;
	if (!w->gz) {
		sink_emit(w, w->buf, w->n);
		w->n = 0;
		return;
	}
	w->z.next_in = (Bytef *)w->buf;
	w->z.avail_in = (uInt)w->n;
	for (;;) {
		int rc;

		w->z.next_out = (Bytef *)w->zbuf;
		w->z.avail_out = SINK_BUF;
		rc = deflate(&w->z, finish ? Z_FINISH : Z_NO_FLUSH);
		if (rc == Z_STREAM_ERROR) {
			w->err = CIB_ELIB;
			return;
		}
		sink_emit(w, w->zbuf, SINK_BUF - w->z.avail_out);
		if (finish ? rc == Z_STREAM_END
			   : (w->z.avail_in == 0 && w->z.avail_out != 0))
			break;
	}
	w->n = 0;
}

static enum cib_err sink_open(struct sink *w, const char *path, int gz)
{
	memset(w, 0, sizeof(*w));
	w->gz = gz;
	w->buf = malloc(SINK_BUF);
	w->zbuf = gz ? malloc(SINK_BUF) : NULL;
	if (!w->buf || (gz && !w->zbuf))
		return CIB_ENOMEM;
	if (gz) {
		/* fastest level: the files are large and read once */
		if (deflateInit2(&w->z, 1, Z_DEFLATED, 15 + 16, 8,
				 Z_DEFAULT_STRATEGY) != Z_OK)
			return CIB_ELIB;
		w->zinit = 1;
	}
	errno = 0;
	if (outfile_open(&w->of, path)) {
		w->sys_errno = errno;
		return CIB_EIO;
	}
	w->open = 1;
	return CIB_OK;
}

static void sink_put(struct sink *w, const char *p, size_t n)
{
	while (n) {
		size_t k = SINK_BUF - w->n < n ? SINK_BUF - w->n : n;

		memcpy(w->buf + w->n, p, k);
		w->n += k;
		p += k;
		n -= k;
		if (w->n == SINK_BUF)
			sink_drain(w, 0);
	}
}

static void sink_free(struct sink *w)
{
	if (w->zinit)
		deflateEnd(&w->z);
	w->zinit = 0;
	free(w->buf);
	free(w->zbuf);
	w->buf = w->zbuf = NULL;
}

static enum cib_err sink_close(struct sink *w)
{
	enum cib_err e;

	sink_drain(w, 1);
	e = w->err;
	if (e) {
		outfile_abort(&w->of);
	} else {
		errno = 0;
		e = outfile_commit(&w->of);
		if (e)
			w->sys_errno = errno;
	}
	w->open = 0;
	sink_free(w);
	return e;
}

static void sink_abort(struct sink *w)
{
	if (w->open)
		outfile_abort(&w->of);
	w->open = 0;
	sink_free(w);
}

/* One CSV field, always quoted (as the releases are), quotes doubled. */
static void csv_str(struct sink *w, const char *s, int last)
{
	const char *p = s;

	sink_put(w, "\"", 1);
	for (const char *q; (q = strchr(p, '"')); p = q + 1) {
		sink_put(w, p, (size_t)(q - p) + 1);
		sink_put(w, "\"", 1);
	}
	sink_put(w, p, strlen(p));
	sink_put(w, last ? "\"\n" : "\",", 2);
}

static void csv_u64(struct sink *w, uint64_t v, int last)
{
	char b[32], *p = b + sizeof(b);

	*--p = last ? '\n' : ',';
	*--p = '"';
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	*--p = '"';
	sink_put(w, p, (size_t)(b + sizeof(b) - p));
}

static void csv_i64(struct sink *w, int64_t v, int last)
{
	if (v < 0) { /* never written; kept correct anyway */
		char b[32];

		snprintf(b, sizeof(b), "%lld", (long long)v);
		csv_str(w, b, last);
		return;
	}
	csv_u64(w, (uint64_t)v, last);
}

/* A Python-repr list cell: ['a', 'b'] ([] when empty). Items hold no
 * quote or backslash (tags, URLs and ids are generated that way). */
static void csv_list(struct sink *w, const char *base, int n, size_t stride)
{
	sink_put(w, "\"[", 2);
	for (int i = 0; i < n; i++) {
		const char *it = base + (size_t)i * stride;

		if (i)
			sink_put(w, ", ", 2);
		sink_put(w, "'", 1);
		sink_put(w, it, strlen(it));
		sink_put(w, "'", 1);
	}
	sink_put(w, "]\",", 3);
}

static const char *const tweet_cols[] = {
	"tweetid", "userid", "user_display_name", "user_screen_name",
	"user_reported_location", "user_profile_description",
	"user_profile_url", "follower_count", "following_count",
	"account_creation_date", "account_language", "tweet_language",
	"tweet_text", "tweet_time", "tweet_client_name", "in_reply_to_userid",
	"in_reply_to_tweetid", "quoted_tweet_tweetid", "is_retweet",
	"retweet_userid", "retweet_tweetid", "latitude", "longitude",
	"quote_count", "reply_count", "like_count", "retweet_count",
	"hashtags", "urls", "user_mentions", "poll_choices",
};

static void write_header(struct sink *w, const char *const *cols, size_t n)
{
	for (size_t i = 0; i < n; i++)
		csv_str(w, cols[i], i + 1 == n);
}

/* ------------------------------------------------------------ timelines */

enum skind { K_ORIG, K_RT, K_REPLY, K_QUOTE };
enum ssrc { S_FREE, S_POLITICS, S_SPAM, S_COPY, S_HEADCOPY, S_NEWSOWN,
	    S_MARKET, S_FANMSG, S_POOL, S_INSULT, S_FANFREE };

struct slot {
	int64_t t;
	uint64_t id;
	uint64_t tseed;
	uint32_t ref; /* pool index, wave index or group index */
	uint8_t kind, src, lang, pad;
};

struct tl {
	struct slot *v;
	size_t n, cap;
};

static struct slot *tl_add(struct tl *tl, int64_t t, int kind, int src,
			   uint32_t ref, int lang, gsl_rng *r)
{
	struct slot *sl;

	if (tl->n == tl->cap)
		return NULL; /* sized to the account's count beforehand */
	sl = &tl->v[tl->n++];
	sl->t = t;
	sl->id = 0;
	sl->tseed = r64(r);
	sl->ref = ref;
	sl->kind = (uint8_t)kind;
	sl->src = (uint8_t)src;
	sl->lang = (uint8_t)lang;
	sl->pad = 0;
	return sl;
}

/* A popular post to retweet or reply to at time t: the delay is
 * heavy-tailed (minutes to days), the choice weighted by the author's
 * followers (preferential attachment). UINT32_MAX when none. */
static uint32_t pick_popular(struct synth *s, gsl_rng *r, int64_t t,
			     uint32_t self)
{
	for (int attempt = 0; attempt < 2; attempt++) {
		double d = lnorm(r, 120, 1.6) * 60; /* seconds */
		int64_t tau, lo_t;
		size_t lo, hi, a, b;
		double u;

		if (d < 60)
			d = 60;
		if (d > 14 * 86400.0)
			d = 14 * 86400.0;
		tau = t - (int64_t)d;
		lo_t = tau - (attempt ? 3 * 86400 : 6 * 3600);
		/* [lo, hi): posts with lo_t <= time <= tau */
		a = 0;
		b = s->n_pop;
		while (a < b) {
			size_t m = (a + b) / 2;

			if (s->pop_t[m] < lo_t)
				a = m + 1;
			else
				b = m;
		}
		lo = a;
		b = s->n_pop;
		while (a < b) {
			size_t m = (a + b) / 2;

			if (s->pop_t[m] <= tau)
				a = m + 1;
			else
				b = m;
		}
		hi = a;
		if (hi <= lo)
			continue;
		u = (lo ? s->pop_cw[lo - 1] : 0) +
		    unif(r) * (s->pop_cw[hi - 1] - (lo ? s->pop_cw[lo - 1] : 0));
		a = lo;
		b = hi - 1;
		while (a < b) {
			size_t m = (a + b) / 2;

			if (s->pop_cw[m] <= u)
				a = m + 1;
			else
				b = m;
		}
		if (s->pool[s->pop[a]].author != self)
			return s->pop[a];
	}
	return UINT32_MAX;
}

/* m posts in sessions (a few posts minutes apart) within local days
 * [d0, d1), with the account's mix of kinds. */
static void fill_sessions(struct synth *s, size_t i, const struct rhythm *rh,
			  struct tl *tl, uint32_t m, int64_t d0, int64_t d1,
			  double p_more, double gap_min, const double mix[3],
			  int src, int lang_main, double p_en)
{
	gsl_rng *r = s->r;
	uint32_t k = 0;

	while (k < m) {
		int64_t t = rh_sample(s, rh, r, d0, d1);

		do {
			double u = unif(r);
			int kind = u < mix[0]		       ? K_RT
				   : u < mix[0] + mix[1]	       ? K_REPLY
				   : u < mix[0] + mix[1] + mix[2] ? K_QUOTE
								  : K_ORIG;
			uint32_t ref = UINT32_MAX;
			int lang = coin(r, p_en) ? L_EN : lang_main;

			if (kind != K_ORIG) {
				ref = pick_popular(s, r, t, (uint32_t)i);
				if (ref == UINT32_MAX)
					kind = K_ORIG;
			}
			if (!tl_add(tl, t, kind, src, ref, lang, r))
				return;
			k++;
			t += 20 + (int64_t)gsl_ran_exponential(r, gap_min * 60);
		} while (k < m && coin(r, p_more));
	}
}

static const double mix_none[3] = { 0, 0, 0 };

static void tl_cib(struct synth *s, size_t i, const struct rhythm *rh,
		   struct tl *tl, uint32_t m)
{
	gsl_rng *r = s->r;
	const struct sacc *a = &s->acc[i];
	const struct net *nt = &s->nets[a->group - 1];
	enum synth_reposts mode = s->o->reposts;
	uint32_t filler = 0, poolrt = 0;

	if ((a->flags & SA_BOUGHT) && m >= 4) {
		/* the account's life before it was sold: Chinese commercial
		 * spam, then months of silence */
		uint32_t n_spam = (uint32_t)fmax(2, m * (0.2 + 0.2 * unif(r)));
		int64_t end = s->d0 - 90 - rint_(r, 210);
		int64_t beg = end - 365;
		struct rhythm sp;

		if (beg < a->created + 30)
			beg = a->created + 30;
		if (beg < MIN_POST_DAY)
			beg = MIN_POST_DAY;
		if (beg + 7 < end) {
			rhythm_make(&sp, r, RK_ORGANIC, 480);
			fill_sessions(s, i, &sp, tl, n_spam, beg, end, 0.5, 2,
				      mix_none, S_SPAM, L_ZH, 0);
			m -= n_spam;
		}
	}
	for (uint32_t k = 0; k < m; k++) {
		double u = unif(r);
		int act; /* 0 amp, 1 copy, 2 reply, 3 filler, 4 pool rt */

		if (mode == SYNTH_REPOSTS_ONLY)
			act = 0;
		else if (a->flags & SA_SEEDER)
			act = u < 0.5 ? 1 : 3;
		else if (mode == SYNTH_REPOSTS_MIXED)
			act = u < 0.35 ? 0 : u < 0.7 ? 1 : u < 0.78 ? 2 : u < 0.95 ? 3 : 4;
		else
			act = u < 0.5 ? 1 : u < 0.6 ? 2 : u < 0.92 ? 3 : 4;
		if (act == 0 && nt->n_seeds) {
			uint32_t j = nt->seeds[rint_(r, nt->n_seeds)];

			for (int tries = 0; tries < 3 && s->pool[j].author == i;
			     tries++)
				j = nt->seeds[rint_(r, nt->n_seeds)];
			if (s->pool[j].author != i) {
				/* amplification within minutes */
				int64_t t = s->pool[j].t + 30 +
					    (int64_t)(lnorm(r, 6, 1.0) * 60);

				tl_add(tl, t, K_RT, S_FREE, j, s->pool[j].lang, r);
				continue;
			}
		}
		if (act == 1 && nt->n_waves) {
			uint32_t j = rint_(r, nt->n_waves);
			int64_t t = 0;

			/* a copy minutes to hours after the wave starts,
			 * mostly inside this operator's shift */
			for (int tries = 0; tries < 6; tries++) {
				t = nt->waves[j].t + 30 +
				    (int64_t)(lnorm(r, 25, 1.1) * 60);
				if (rh_level(s, rh, t) >= 0.25)
					break;
			}
			tl_add(tl, t, K_ORIG, S_COPY, j, 0, r);
			continue;
		}
		if (act == 2 && nt->n_cposts) {
			uint32_t j = nt->cposts[rint_(r, nt->n_cposts)];
			int64_t t = 0;

			for (int tries = 0; tries < 8; tries++) {
				t = s->pool[j].t + 60 +
				    (int64_t)(lnorm(r, 120, 1.0) * 60);
				if (rh_level(s, rh, t) >= 0.25)
					break;
			}
			tl_add(tl, t, K_REPLY, S_INSULT, j, s->pool[j].lang, r);
			continue;
		}
		if (act == 4)
			poolrt++;
		else
			filler++;
	}
	{
		double mix[3] = { 1, 0, 0 };

		fill_sessions(s, i, rh, tl, poolrt, s->d0, s->d1, 0.5, 3, mix,
			      S_POLITICS, L_ZH, nt->p_en);
		fill_sessions(s, i, rh, tl, filler, s->d0, s->d1, 0.6, 3,
			      mix_none, S_POLITICS, L_ZH, nt->p_en);
	}
}

static void tl_organic(struct synth *s, size_t i, const struct rhythm *rh,
		       struct tl *tl, uint32_t m)
{
	gsl_rng *r = s->r;
	const struct sacc *a = &s->acc[i];
	double mix[3];
	int64_t a0 = s->d0, a1 = s->d1;
	double p_en = a->lang == L_EN ? 0 : 0.1;
	int src = S_FREE;

	if (a->role == SYNTH_VIRAL && !(a->flags & SA_AUTHOR) && m) {
		uint32_t j = s->casc[a->group - 1].post;

		if (j != UINT32_MAX) {
			int64_t t = 0;

			/* within hours, when this person is awake */
			for (int tries = 0; tries < 10; tries++) {
				t = s->pool[j].t + 30 +
				    (int64_t)(lnorm(r, 90, 0.9) * 60);
				if (unif(r) < rh_level(s, rh, t))
					break;
			}
			tl_add(tl, t, K_RT, S_FREE, j, s->pool[j].lang, r);
			m--;
		}
	}
	if (a->role == SYNTH_FAN && m) {
		const struct group *g = &s->fans[a->group - 1];
		uint32_t k = 1 + gsl_ran_poisson(r, 0.8);
		static const int off[5] = { -1, 0, 0, 0, 1 };

		if (k > m)
			k = m;
		for (uint32_t j = 0; j < k; j++) {
			int64_t d = g->day + off[rint_(r, 5)];

			tl_add(tl, rh_sample(s, rh, r, d, d + 1), K_ORIG,
			       S_FANMSG, (uint32_t)(a->group - 1), L_EN, r);
		}
		m -= k;
		src = S_FANFREE;
	}
	if (m >= 3 && coin(r, 0.3)) {
		/* older history, as archives hold an account's whole life */
		int64_t b = s->d0 - 730;
		uint32_t h = (uint32_t)(m * (0.1 + 0.3 * unif(r)));
		double hm[3] = { 0, 0.05, 0 };

		if (b < a->created + 1)
			b = a->created + 1;
		if (b < MIN_POST_DAY)
			b = MIN_POST_DAY;
		if (h && b + 7 < s->d0) {
			fill_sessions(s, i, rh, tl, h, b, s->d0, 0.4, 5, hm,
				      src, a->lang, p_en);
			m -= h;
		}
	}
	if (coin(r, 0.25) && s->o->days >= 20) {
		/* active for part of the window only */
		int64_t len = (int64_t)(s->o->days * (0.3 + 0.7 * unif(r)));

		a0 = s->d0 + rint_(r, (uint64_t)(s->o->days - len + 1));
		a1 = a0 + (len > 0 ? len : 1);
	}
	mix[0] = 0.1 + 0.45 * unif(r);
	mix[1] = 0.04 + 0.16 * unif(r);
	mix[2] = 0.03;
	fill_sessions(s, i, rh, tl, m, a0, a1, 0.55, 5, mix, src, a->lang,
		      p_en);
}

static void tl_news(struct synth *s, size_t i, const struct rhythm *rh,
		    struct tl *tl, uint32_t m)
{
	gsl_rng *r = s->r;
	const struct sacc *a = &s->acc[i];
	const struct group *g = &s->news[a->group - 1];
	double mix[3] = { 0.08, 0, 0 };

	if (!(a->flags & SA_WIRE) && g->n_heads) {
		uint32_t kh = (uint32_t)(m * (0.5 + 0.2 * unif(r)));
		size_t start = tl->n;

		if (kh > g->n_heads)
			kh = g->n_heads;
		for (uint32_t k = 0; k < kh; k++) {
			uint32_t j = 0;
			int64_t t = 0;

			for (int tries = 0; tries < 4; tries++) {
				int dup = 0, lh;
				double d = 0;

				j = g->heads[rint_(r, g->n_heads)];
				t = 0;
				for (size_t q = start; q < tl->n; q++)
					dup |= tl->v[q].ref == j;
				if (dup)
					continue;
				/* the outlet's copy follows within the hour */
				for (int u = 0; u < 5; u++) {
					d = lnorm(r, 12, 0.7);
					if (d <= 60)
						break;
				}
				if (d > 60)
					d = 59;
				t = s->pool[j].t + 30 + (int64_t)(d * 60);
				lh = (int)((((t + rh->tz * 60) % 86400) + 86400) %
					   86400 / 3600);
				/* a newsroom asleep mostly skips it */
				if (lh >= 1 && lh < 5 && coin(r, 0.7))
					continue;
				break;
			}
			if (t)
				tl_add(tl, t, K_ORIG, S_HEADCOPY, j, L_EN, r);
		}
		m -= (uint32_t)(tl->n - start);
	}
	fill_sessions(s, i, rh, tl, m, s->d0, s->d1, 0.2, 8, mix, S_NEWSOWN,
		      L_EN, 0);
}

static void tl_office(struct synth *s, size_t i, const struct rhythm *rh,
		      struct tl *tl, uint32_t m)
{
	double mix[3] = { 0.05, 0, 0 };
	size_t start = tl->n;

	fill_sessions(s, i, rh, tl, m, s->d0, s->d1, 0.15, 10, mix, S_MARKET,
		      s->acc[i].lang, 0);
	/* schedulers publish on the hour or half hour */
	for (size_t k = start; k < tl->n; k++)
		if (coin(s->r, 0.3))
			tl->v[k].t -= ((tl->v[k].t % 1800) + 1800) % 1800;
}

static int cmp_slot(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->tseed < y->tseed ? -1 : x->tseed > y->tseed;
}

/* Account i's whole timeline, sorted, ids assigned. */
static void timeline(struct synth *s, size_t i, const struct rhythm *rh,
		     struct tl *tl)
{
	const struct sacc *a = &s->acc[i];
	uint32_t m;

	tl->n = 0;
	reseed(s->r, s->key, TAG_TIMELINE, i);
	for (uint32_t k = 0; k < a->pool_n; k++) {
		uint32_t j = s->pool_auth[a->pool_first + k];
		struct slot *sl = tl_add(tl, s->pool[j].t, K_ORIG, S_POOL, j,
					 s->pool[j].lang, s->r);

		if (sl)
			sl->id = s->pool[j].id;
	}
	m = a->n_posts > a->pool_n ? a->n_posts - a->pool_n : 0;
	switch (a->role) {
	case SYNTH_CIB:
		tl_cib(s, i, rh, tl, m);
		break;
	case SYNTH_NEWS:
		tl_news(s, i, rh, tl, m);
		break;
	case SYNTH_OFFICE:
		tl_office(s, i, rh, tl, m);
		break;
	default:
		tl_organic(s, i, rh, tl, m);
		break;
	}
	qsort(tl->v, tl->n, sizeof(*tl->v), cmp_slot);
	for (size_t k = 0; k < tl->n; k++)
		if (!tl->v[k].id)
			tl->v[k].id = tweet_id(s, tl->v[k].t);
}

/* ------------------------------------------------------------- writing */

static const char *const clients_organic[] = {
	"Twitter for iPhone", "Twitter for Android", "Twitter Web App",
	"Twitter Web Client", "Twitter for iPad", "TweetDeck", "IFTTT",
};
static const double clients_organic_p[] = { .38, .32, .18, .05, .04, .02,
					    .01 };
static const char *const clients_cib[] = {
	"Twitter Web App", "Twitter for Android", "Twitter for iPhone",
	"Twitter Web Client",
};
static const double clients_cib_p[] = { .35, .3, .2, .15 };
static const char *const clients_news[] = {
	"TweetDeck", "SocialFlow", "Twitter Web App", "Sprout Social",
	"Hootsuite Inc.",
};
static const char *const clients_office[] = {
	"Hootsuite Inc.", "Buffer", "Twitter Web App", "Sprout Social",
};

static const char *pick_client(gsl_rng *r, int role)
{
	double u = unif(r);

	switch (role) {
	case SYNTH_CIB:
		for (int k = 0; k < 4; k++)
			if ((u -= clients_cib_p[k]) < 0)
				return clients_cib[k];
		return clients_cib[0];
	case SYNTH_NEWS:
		return clients_news[rint_(r, 5)];
	case SYNTH_OFFICE:
		return clients_office[rint_(r, 4)];
	default:
		for (int k = 0; k < 7; k++)
			if ((u -= clients_organic_p[k]) < 0)
				return clients_organic[k];
		return clients_organic[0];
	}
}

static void fmt_time(int64_t t, char out[24])
{
	int64_t day = t >= 0 ? t / 86400 : (t - 86399) / 86400, y;
	int64_t sec = t - day * 86400;
	unsigned m, d;

	int hh = (int)(sec / 3600), mm = (int)(sec % 3600 / 60);

	timefmt_civil_from_days(day, &y, &m, &d);
	snprintf(out, 24, "%04d-%02u-%02u %02d:%02d", (int)y, m, d, hh, mm);
}

/* The text of reference post j (author profile `ap`) into t. */
static void text_pool(struct synth *s, uint32_t j, const struct profile *ap,
		      struct tw *t)
{
	const struct ppost *p = &s->pool[j];
	gsl_rng *r = s->rt;
	struct doc d;

	reseed(r, s->key, TAG_TEXT, p->tseed);
	tw_reset(t, p->lang);
	switch (p->type) {
	case P_HEADLINE:
		doc_headline(s, &d, r);
		if (ap->domain[0])
			doc_url(&d, r, &s->v, ap->domain);
		doc_render(&d, t, 1);
		break;
	case P_SEED: {
		char dom[80];

		doc_free(s, &d, r, p->lang, 1);
		doc_tag(&d, zipf(r, vl(&s->v, V_HASHTAG_POL, L__COUNT)));
		if (coin(r, 0.5)) {
			net_domain(s, r, p->net, dom, sizeof(dom));
			doc_url(&d, r, &s->v, dom);
		}
		doc_render(&d, t, 0);
		break;
	}
	default:
		doc_free(s, &d, r, p->lang,
			 (p->lang == L_EN || p->lang == L_ZH) && coin(r, 0.12));
		if (p->type == P_VIRAL && d.nemoji < 3)
			d.emoji[d.nemoji++] = "😂";
		doc_render(&d, t, 0);
		break;
	}
}

static void add_mention(struct tw *t, const char *uid)
{
	if (t->nment < TW_ENT)
		scopy(t->ment[t->nment++], sizeof(t->ment[0]), uid);
}

/* Prefixes "RT @h: " or "@h " to t's text. */
static void tw_prefix(struct tw *t, const char *pre)
{
	size_t n = strlen(pre);

	if (n + t->len >= TW_CAP)
		return;
	memmove(t->text + n, t->text, t->len + 1);
	memcpy(t->text, pre, n);
	t->len += n;
}

struct writer {
	struct sink tweets, users, truth;
	struct tw tw;
	struct profile pf, other;
	const char *client;
};

static void engage(gsl_rng *r, const struct sacc *a, double boost,
		   int64_t c[4])
{
	double mu;

	if (a->role == SYNTH_CIB) {
		/* little reach: what the network gives itself */
		c[0] = gsl_ran_poisson(r, 0.8 * boost);
		c[1] = gsl_ran_poisson(r, 0.5 * boost);
		c[2] = gsl_ran_poisson(r, 0.1);
		c[3] = 0;
		return;
	}
	mu = (a->followers + 1.0) * 0.004 * boost * lnorm(r, 1, 1.0);
	if (mu > 1e6)
		mu = 1e6;
	c[0] = gsl_ran_poisson(r, mu);
	c[1] = gsl_ran_poisson(r, c[0] * 0.22 + 0.02);
	c[2] = gsl_ran_poisson(r, c[0] * 0.06 + 0.05);
	c[3] = gsl_ran_poisson(r, c[0] * 0.01);
}

/* What a post row refers to: the replied-to and retweeted accounts and
 * posts, and the quoted post (0 or "" when none). */
struct post_refs {
	char reply_uid[48], rt_uid[48];
	uint64_t reply_tid, rt_tid, quote_tid;
};

/* A headline copied from the pool's news post, lightly edited (re). */
static void text_headcopy(struct synth *s, gsl_rng *r, gsl_rng *re,
			  const struct slot *sl, const struct profile *pf,
			  struct tw *t)
{
	struct doc d;

	reseed(r, s->key, TAG_TEXT, s->pool[sl->ref].tseed);
	doc_headline(s, &d, r);
	if (!coin(re, 0.5)) {
		if (coin(re, 0.3))
			d.prefix = coin(re, 0.5) ? "BREAKING: " : "UPDATE: ";
		if (coin(re, 0.3))
			d.suffix = " - report";
		if (coin(re, 0.4)) {
			uint64_t j = rint_(re, (uint64_t)d.nw[0]);

			d.w[0][j] = zipf(re, vl(&s->v, V_NEWS, L_EN));
		}
	}
	d.url[0] = 0;
	doc_url(&d, re, &s->v, pf->domain);
	doc_render(&d, t, 1);
}

/* Chinese spam with a WeChat id and, often, a link. */
static void text_spam(struct synth *s, gsl_rng *r, struct tw *t)
{
	struct doc d;
	char wx[40];

	doc_init(&d, L_ZH);
	doc_sentences(&d, r, &s->v, V_SPAM, 0.8, 2, 4, 9);
	/* one draw per statement (argument order is unspecified) */
	unsigned wn = (unsigned)rint_(r, 1000000);
	int w2 = 'a' + (int)rint_(r, 26);
	int w1 = 'a' + (int)rint_(r, 26);

	snprintf(wx, sizeof(wx), " 微信: %c%c%u", w1, w2, wn);
	d.suffix = NULL;
	if (coin(r, 0.6)) {
		char dom[80];

		gen_domain(s->key, rint_(r, 20000), dom, sizeof(dom));
		doc_url(&d, r, &s->v, dom);
	}
	doc_render(&d, t, 0);
	tw_put(t, wx);
}

/* A fan campaign's message (the group's stream), lightly edited (re),
 * with the campaign's tag. */
static void text_fanmsg(struct synth *s, gsl_rng *r, gsl_rng *re,
			const struct group *g, struct tw *t)
{
	struct doc d;
	/* the campaign tag: the artist and the ask */
	char ct[96];
	uint64_t h;

	reseed(r, s->key, TAG_TEXT, g->seed);
	doc_init(&d, L_EN);
	doc_sentences(&d, r, &s->v, V_FAN, 0.7, 1 + coin(r, 0.5), 4, 10);
	doc_tag(&d, pick(r, vl(&s->v, V_HASHTAG, L__COUNT)));
	d.emoji[d.nemoji++] = "💜";
	if (!coin(re, 0.6))
		doc_edit(s, &d, re, V_FAN, V_HASHTAG);
	doc_render(&d, t, 0);
	h = srng_mix(g->seed);
	snprintf(ct, sizeof(ct), "Stream%s%s",
		 s->v.l[V_FIRST][L__COUNT].w[h % s->v.l[V_FIRST][L__COUNT].n],
		 (h >> 20) % 2 ? "Day" : "Now");
	tw_put(t, " #");
	tw_put(t, ct);
	if (t->ntags < TW_ENT)
		scopy(t->tags[t->ntags++], sizeof(t->tags[0]), ct);
}

/* "@handle " in front of t: a reply to the pool post p's author, whose
 * profile is wr->other. */
static void reply_to(struct writer *wr, const struct ppost *p, struct tw *t,
		     struct post_refs *rf)
{
	char pre[128];

	snprintf(pre, sizeof(pre), "@%s ", wr->other.handle);
	tw_prefix(t, pre);
	add_mention(t, wr->other.uid);
	scopy(rf->reply_uid, sizeof(rf->reply_uid), wr->other.uid);
	rf->reply_tid = p->id;
}

/* A free post (S_FREE, S_FANFREE, S_POLITICS): own words, sometimes a
 * network's link; as a reply or a quote when the slot is one. */
static void text_free(struct synth *s, struct writer *wr,
		      const struct sacc *a, const struct slot *sl, gsl_rng *r,
		      struct post_refs *rf, struct synth_stats *st)
{
	struct tw *t = &wr->tw;
	struct doc d;

	if (sl->src == S_FANFREE && coin(r, 0.4)) {
		doc_init(&d, sl->lang);
		doc_sentences(&d, r, &s->v, V_FAN, 0.5, 1, 3, 10);
	} else {
		int pol = sl->src == S_POLITICS ||
			  ((sl->lang == L_EN || sl->lang == L_ZH) &&
			   coin(r, 0.06));

		doc_free(s, &d, r, sl->lang, pol);
	}
	if (sl->src == S_POLITICS && coin(r, 0.35)) {
		char dom[80];

		net_domain(s, r, a->group - 1, dom, sizeof(dom));
		doc_url(&d, r, &s->v, dom);
	}
	doc_render(&d, t, 0);
	if (sl->kind == K_REPLY || sl->kind == K_QUOTE) {
		const struct ppost *p = &s->pool[sl->ref];

		profile_make(s, p->author, &wr->other, 1);
		if (sl->kind == K_REPLY) {
			reply_to(wr, p, t, rf);
		} else {
			char u[200];

			rf->quote_tid = p->id;
			snprintf(u, sizeof(u),
				 "https://twitter.com/%s/status/%llu",
				 wr->other.handle, (unsigned long long)p->id);
			if (t->nurls < TW_ENT)
				scopy(t->urls[t->nurls++], sizeof(t->urls[0]),
				      u);
		}
	}
	if (sl->kind == K_REPLY)
		st->replies++;
	if (sl->kind == K_QUOTE)
		st->quotes++;
}

/* The text of a post that is not a retweet, from its source sl->src (r:
 * the text's own stream, re: its edits, s->r: engagement), with its
 * engagement counts into c and what it replies to or quotes into rf. */
static void post_text(struct synth *s, struct writer *wr, const struct sacc *a,
		      const struct slot *sl, struct post_refs *rf,
		      struct synth_stats *st, int64_t c[4])
{
	const struct profile *pf = &wr->pf;
	struct tw *t = &wr->tw;
	gsl_rng *r = s->rt, *re = s->re;
	struct doc d;

	reseed(r, s->key, TAG_TEXT, sl->tseed);
	tw_reset(t, sl->lang);
	switch (sl->src) {
	case S_POOL:
		text_pool(s, sl->ref, pf, t);
		engage(s->r, a, s->pool[sl->ref].type == P_VIRAL ? 200 : 1, c);
		if (s->pool[sl->ref].type == P_SEED)
			c[1] += gsl_ran_poisson(s->r, 3);
		break;
	case S_COPY: {
		const struct net *nt = &s->nets[a->group - 1];

		doc_narrative(s, &d, a->group - 1, nt->waves[sl->ref].narr);
		if (!coin(re, 0.4))
			doc_edit(s, &d, re, V_POLITICS, V_HASHTAG_POL);
		doc_render(&d, t, 0);
		engage(s->r, a, 1, c);
		break;
	}
	case S_HEADCOPY:
		text_headcopy(s, r, re, sl, pf, t);
		engage(s->r, a, 1, c);
		break;
	case S_NEWSOWN:
		doc_headline(s, &d, r);
		doc_url(&d, r, &s->v, pf->domain);
		doc_render(&d, t, 1);
		engage(s->r, a, 0.5, c);
		break;
	case S_MARKET:
		doc_init(&d, sl->lang);
		doc_sentences(&d, r, &s->v, V_MARKET, 0.5, 1 + coin(r, 0.5), 4,
			      12);
		if (coin(r, 0.6))
			doc_url(&d, r, &s->v, pf->domain);
		if (coin(r, 0.3))
			d.emoji[d.nemoji++] =
				pick(r, vl(&s->v, V_EMOJI, L__COUNT));
		doc_render(&d, t, 0);
		engage(s->r, a, 0.3, c);
		break;
	case S_SPAM:
		text_spam(s, r, t);
		c[0] = gsl_ran_poisson(s->r, 0.2);
		break;
	case S_FANMSG:
		text_fanmsg(s, r, re, &s->fans[sl->ref], t);
		engage(s->r, a, 1, c);
		break;
	case S_INSULT: {
		const struct ppost *p = &s->pool[sl->ref];

		profile_make(s, p->author, &wr->other, 1);
		doc_init(&d, sl->lang == L_ZH ? L_ZH : L_EN);
		doc_sentences(&d, r, &s->v, V_INSULT, 0.6, 1, 3, 9);
		if (coin(r, 0.3))
			doc_tag(&d, zipf(r, vl(&s->v, V_HASHTAG_POL, L__COUNT)));
		doc_render(&d, t, 0);
		reply_to(wr, p, t, rf);
		engage(s->r, a, 0.5, c);
		st->replies++;
		break;
	}
	default: /* S_FREE, S_FANFREE, S_POLITICS */
		text_free(s, wr, a, sl, r, rf, st);
		engage(s->r, a, 0.6, c);
		break;
	}
}

/* One row of tweets.csv (the archive's 31 columns). */
static void post_row(struct sink *w, const struct sacc *a,
		     const struct profile *pf, const struct tw *t,
		     const struct slot *sl, const char *client,
		     const struct post_refs *rf, const int64_t c[4])
{
	char tm[24];

	fmt_time(sl->t, tm);
	csv_u64(w, sl->id, 0);
	csv_str(w, pf->uid, 0);
	csv_str(w, pf->name, 0);
	csv_str(w, pf->handle, 0);
	csv_str(w, pf->loc, 0);
	csv_str(w, pf->desc, 0);
	csv_str(w, pf->url, 0);
	csv_i64(w, a->followers, 0);
	csv_i64(w, a->following, 0);
	csv_str(w, pf->created, 0);
	csv_str(w, pf->acc_lang, 0);
	csv_str(w, t->len < 8 && sl->kind != K_RT ? "und" : lang_code[t->lang], 0);
	csv_str(w, t->text, 0);
	csv_str(w, tm, 0);
	csv_str(w, client, 0);
	csv_str(w, rf->reply_uid, 0);
	if (rf->reply_tid)
		csv_u64(w, rf->reply_tid, 0);
	else
		csv_str(w, "", 0);
	if (rf->quote_tid)
		csv_u64(w, rf->quote_tid, 0);
	else
		csv_str(w, "", 0);
	csv_str(w, sl->kind == K_RT ? "True" : "False", 0);
	csv_str(w, rf->rt_uid, 0);
	if (rf->rt_tid)
		csv_u64(w, rf->rt_tid, 0);
	else
		csv_str(w, "", 0);
	csv_str(w, "", 0); /* latitude */
	csv_str(w, "", 0); /* longitude */
	csv_i64(w, c[3], 0);
	csv_i64(w, c[2], 0);
	csv_i64(w, c[0], 0);
	csv_i64(w, c[1], 0);
	csv_list(w, t->tags[0], t->ntags, sizeof(t->tags[0]));
	csv_list(w, t->urls[0], t->nurls, sizeof(t->urls[0]));
	csv_list(w, t->ment[0], t->nment, sizeof(t->ment[0]));
	csv_str(w, "", 1); /* poll_choices */
}

static void write_post(struct synth *s, struct writer *wr, size_t i,
		       const struct slot *sl, struct synth_stats *st)
{
	const struct sacc *a = &s->acc[i];
	struct tw *t = &wr->tw;
	struct post_refs rf;
	int64_t c[4] = { 0, 0, 0, 0 };
	const char *client = coin(s->r, 0.85) ? wr->client
					      : pick_client(s->r, a->role);

	memset(&rf, 0, sizeof(rf));
	reseed(s->re, s->key, TAG_TEXT, sl->tseed ^ 0x5eed);
	if (sl->kind == K_RT) {
		const struct ppost *p = &s->pool[sl->ref];
		char pre[128];

		profile_make(s, p->author, &wr->other, 1);
		text_pool(s, sl->ref, &wr->other, t);
		snprintf(pre, sizeof(pre), "RT @%s: ", wr->other.handle);
		tw_prefix(t, pre);
		add_mention(t, wr->other.uid);
		scopy(rf.rt_uid, sizeof(rf.rt_uid), wr->other.uid);
		rf.rt_tid = p->id;
		st->retweets++;
	} else {
		post_text(s, wr, a, sl, &rf, st, c);
	}
	post_row(&wr->tweets, a, &wr->pf, t, sl, client, &rf, c);
	st->posts++;
}

static const char *const user_cols[] = {
	"userid", "user_display_name", "user_screen_name",
	"user_reported_location", "user_profile_description",
	"user_profile_url", "follower_count", "following_count",
	"account_creation_date", "account_language",
};

static void write_user(struct synth *s, struct writer *wr, size_t i)
{
	const struct sacc *a = &s->acc[i];
	const struct profile *pf = &wr->pf;
	struct sink *w = &wr->users;
	char g[16];

	csv_str(w, pf->uid, 0);
	csv_str(w, pf->name, 0);
	csv_str(w, pf->handle, 0);
	csv_str(w, pf->loc, 0);
	csv_str(w, pf->desc, 0);
	csv_str(w, pf->url, 0);
	csv_i64(w, a->followers, 0);
	csv_i64(w, a->following, 0);
	csv_str(w, pf->created, 0);
	csv_str(w, pf->acc_lang, 1);
	/* truth.csv: plain, unquoted (ids hold no commas or quotes) */
	sink_put(&wr->truth, pf->uid, strlen(pf->uid));
	sink_put(&wr->truth, ",", 1);
	sink_put(&wr->truth, synth_role_name((enum synth_role)a->role),
		 strlen(synth_role_name((enum synth_role)a->role)));
	sink_put(&wr->truth, ",", 1);
	if (a->group && a->role != SYNTH_ORGANIC) {
		snprintf(g, sizeof(g), "%u", (unsigned)a->group);
		sink_put(&wr->truth, g, strlen(g));
	}
	sink_put(&wr->truth, "\n", 1);
}

/* ------------------------------------------------------------------ API */

const char *synth_role_name(enum synth_role r)
{
	static const char *const names[] = {
#define SYNTH_ROLE_STR(e, s) s,
		SYNTH_ROLE_MAP(SYNTH_ROLE_STR)
#undef SYNTH_ROLE_STR
	};

	return (unsigned)r < SYNTH_ROLE__COUNT ? names[r] : "unknown";
}

void synth_opts_init(struct synth_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->accounts = 2000;
	o->posts = 100000;
	o->networks = 3;
	o->seed = 1;
	o->start_day = timefmt_days_from_civil(2019, 4, 1);
	o->days = 120;
	o->reposts = SYNTH_REPOSTS_MIXED;
}

enum cib_err synth_check(const struct synth_opts *o, char *errmsg,
			 size_t errlen)
{
	const char *bad = NULL;

	if (o->accounts < SYNTH_MIN_ACCOUNTS || o->accounts > SYNTH_MAX_ACCOUNTS)
		bad = "--accounts must be between 200 and 20000000";
	else if (o->posts < 2 * o->accounts || o->posts > SYNTH_MAX_POSTS)
		bad = "--posts must be at least twice --accounts and at most "
		      "2000000000";
	else if (o->networks < 0 || o->networks > SYNTH_MAX_NETWORKS)
		bad = "--networks must be between 0 and 64";
	else if (o->days < 7 || o->days > SYNTH_MAX_DAYS)
		bad = "--days must be between 7 and 3650";
	else if (o->start_day < timefmt_days_from_civil(2013, 1, 1) ||
		 o->start_day > timefmt_days_from_civil(2035, 1, 1))
		bad = "--start must be between 2013-01-01 and 2035-01-01";
	else if ((double)o->posts >
		 (double)o->accounts * ACC_POST_CAP(o->days) * 0.5)
		bad = "--posts is too large for --accounts and --days";
	else if ((unsigned)o->reposts > SYNTH_REPOSTS_ONLY)
		bad = "invalid network repost mode";
	if (bad) {
		scopy(errmsg, errlen, bad);
		return CIB_EUSAGE;
	}
	return CIB_OK;
}

static void synth_release(struct synth *s)
{
	gsl_rng_free(s->mt);
	gsl_rng_free(s->r);
	gsl_rng_free(s->rp);
	gsl_rng_free(s->rt);
	gsl_rng_free(s->re);
	vocab_release(&s->v);
	free(s->hol);
	free(s->acc);
	free(s->order);
	free(s->pool);
	free(s->pool_auth);
	free(s->pop);
	free(s->pop_cw);
	free(s->pop_t);
	for (int k = 0; s->nets && k < s->n_nets; k++) {
		free(s->nets[k].waves);
		free(s->nets[k].seeds);
		free(s->nets[k].cposts);
	}
	free(s->nets);
	for (int g = 0; s->news && g < s->n_news; g++)
		free(s->news[g].heads);
	free(s->news);
	free(s->fans);
	free(s->casc);
}

static char *path_join(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);

	if (p)
		snprintf(p, n, "%s/%s", dir, name);
	return p;
}

/* Every account in output order: its profile row, its timeline's posts,
 * its truth row; stops at the first write error (the sinks keep it). */
static void write_accounts(struct synth *s, struct writer *wr, struct tl *tl,
			   struct synth_stats *st)
{
	const struct synth_opts *o = s->o;
	struct rhythm rh;

	for (size_t n = 0; n < s->n_acc; n++) {
		size_t i = s->order[n];
		const struct sacc *a = &s->acc[i];

		profile_make(s, i, &wr->pf, 0);
		rhythm_for(s, i, &rh, s->r);
		timeline(s, i, &rh, tl);
		reseed(s->r, s->key, TAG_TIMELINE, i ^ 0xc11e47ULL << 32);
		wr->client = pick_client(s->r, a->role);
		for (size_t k = 0; k < tl->n; k++)
			write_post(s, wr, i, &tl->v[k], st);
		write_user(s, wr, i);
		st->accounts++;
		st->by_role[a->role]++;
		if (wr->tweets.err || wr->users.err || wr->truth.err)
			break;
		if (o->progress && (n & 1023) == 0)
			o->progress(o->progress_ctx, n, s->n_acc);
	}
}

enum cib_err synth_write(const struct synth_opts *o, const char *dir,
			 struct synth_stats *st_out, char *errmsg,
			 size_t errlen)
{
	struct synth s;
	struct writer *wr = NULL;
	struct synth_stats st;
	struct tl tl = { NULL, 0, 0 };
	char *paths[3] = { NULL, NULL, NULL };
	static const char *const names[2][3] = {
		{ "tweets.csv", "users.csv", "truth.csv" },
		{ "tweets.csv.gz", "users.csv.gz", "truth.csv" },
	};
	enum cib_err e;
	int failed = -1;

	memset(&s, 0, sizeof(s));
	memset(&st, 0, sizeof(st));
	errmsg[0] = 0;
	e = synth_check(o, errmsg, errlen);
	if (e)
		return e;
	s.o = o;
	s.d0 = o->start_day;
	s.d1 = o->start_day + o->days;
	e = CIB_ENOMEM;
	s.mt = gsl_rng_alloc(gsl_rng_mt19937);
	s.r = gsl_rng_alloc(&xo_type);
	s.rp = gsl_rng_alloc(&xo_type);
	s.rt = gsl_rng_alloc(&xo_type);
	s.re = gsl_rng_alloc(&xo_type);
	wr = calloc(1, sizeof(*wr));
	if (!s.mt || !s.r || !s.rp || !s.rt || !s.re || !wr)
		goto out;
	gsl_rng_set(s.mt, o->seed);
	s.key = r64(s.mt);
	if ((e = vocab_load(&s.v)) || (e = synth_holidays_load(&s)))
		goto out;
	e = plan_population(&s, errmsg, errlen);
	if (e)
		goto out;
	if ((e = plan_pool(&s)))
		goto out;
	e = CIB_ENOMEM;
	s.order = malloc(s.n_acc * sizeof(*s.order));
	tl.cap = ACC_POST_CAP(o->days);
	tl.v = malloc(tl.cap * sizeof(*tl.v));
	if (!s.order || !tl.v)
		goto out;
	for (size_t i = 0; i < s.n_acc; i++)
		s.order[i] = (uint32_t)i;
	/* output order carries no role */
	gsl_ran_shuffle(s.mt, s.order, s.n_acc, sizeof(*s.order));
	for (int k = 0; k < 3; k++) {
		struct sink *w = k == 0 ? &wr->tweets : k == 1 ? &wr->users
							       : &wr->truth;

		paths[k] = path_join(dir, names[o->gzip ? 1 : 0][k]);
		if (!paths[k])
			goto out;
		e = sink_open(w, paths[k], o->gzip && k < 2);
		if (e) {
			failed = k;
			goto out;
		}
	}
	write_header(&wr->tweets, tweet_cols,
		     sizeof(tweet_cols) / sizeof(tweet_cols[0]));
	write_header(&wr->users, user_cols,
		     sizeof(user_cols) / sizeof(user_cols[0]));
	sink_put(&wr->truth, "account_id,role,group_id\n", 25);
	write_accounts(&s, wr, &tl, &st);
	for (int k = 0; k < 3; k++) {
		struct sink *w = k == 0 ? &wr->tweets : k == 1 ? &wr->users
							       : &wr->truth;
		enum cib_err ek = failed < 0 ? sink_close(w) : CIB_OK;

		if (ek && failed < 0) {
			failed = k;
			e = ek;
		}
		if (failed >= 0)
			sink_abort(w);
	}
	if (failed < 0) {
		e = CIB_OK;
		if (st_out)
			*st_out = st;
	}
out:
	if (failed >= 0 && !errmsg[0]) {
		struct sink *w = failed == 0 ? &wr->tweets : failed == 1
							   ? &wr->users
							   : &wr->truth;

		snprintf(errmsg, errlen, "cannot write '%s': %s",
			 paths[failed],
			 w->sys_errno ? strerror(w->sys_errno)
				      : cib_strerror(e));
	}
	if (wr) {
		sink_abort(&wr->tweets);
		sink_abort(&wr->users);
		sink_abort(&wr->truth);
	}
	if (e && !errmsg[0])
		scopy(errmsg, errlen, cib_strerror(e));
	for (int k = 0; k < 3; k++)
		free(paths[k]);
	free(tl.v);
	free(wr);
	synth_release(&s);
	return e;
}
