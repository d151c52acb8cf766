/* textgen.c - texts for the synth modes (textgen.h).
 *
 * Templates use {a|b|c} for a choice (a synonym, a phrasing) and %E for
 * the talking point's entity; a choice is drawn afresh for every post, so
 * two paraphrases of one talking point share the entity and the claims'
 * content words but rarely the wording. The banks were written for this
 * generator from the themes public takedown reports describe (Meta's and
 * Graphika's Spamouflage reports: US gun violence and racism, the origin
 * of COVID-19, Fukushima water, Hong Kong, Xinjiang, Taiwan, critics
 * abroad); no text is copied from a real post. Invariant: output is valid
 * UTF-8 and NUL-terminated; truncation happens at a character boundary.
 */
#include "textgen.h"

#include <stdio.h>
#include <string.h>

struct tb {
	char *buf;
	size_t cap, n;
};

static void tb_put(struct tb *b, const char *s, size_t len)
{
	if (b->cap == 0)
		return;
	if (b->n + len >= b->cap) {
		len = b->cap - 1 - b->n;
		/* do not cut a UTF-8 sequence */
		while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80)
			len--;
	}
	memcpy(b->buf + b->n, s, len);
	b->n += len;
	b->buf[b->n] = 0;
}

static void tb_puts(struct tb *b, const char *s)
{
	tb_put(b, s, strlen(s));
}

#define N(a) (sizeof(a) / sizeof(*(a)))

/* Collapses runs of blanks, drops blanks before , . ! ? : ; and at both
 * ends (left by empty choices); returns the new length. */
static size_t tidy(char *s)
{
	char *w = s;
	const char *r = s;

	while (*r == ' ')
		r++;
	for (; *r; r++) {
		if (*r == ' ' && (r[1] == ' ' || r[1] == 0 || r[1] == ',' ||
				  r[1] == '.' || r[1] == '!' || r[1] == '?' ||
				  r[1] == ':' || r[1] == ';'))
			continue;
		*w++ = *r;
	}
	*w = 0;
	return (size_t)(w - s);
}

static const char *pick(struct srng *r, const char *const *a, size_t n)
{
	return a[srng_below(r, n)];
}

/* Renders a template: {x|y} choices, %E the entity. */
static void render(struct srng *r, struct tb *b, const char *t, const char *ent)
{
	while (*t) {
		if (*t == '{') {
			const char *end = strchr(t, '}'), *p = t + 1;
			int n = 1, k;

			if (!end)
				return;
			for (const char *q = p; q < end; q++)
				n += *q == '|';
			k = (int)srng_below(r, (uint64_t)n);
			while (k > 0) {
				if (*p++ == '|')
					k--;
			}
			{
				const char *e = p;

				while (e < end && *e != '|')
					e++;
				tb_put(b, p, (size_t)(e - p));
			}
			t = end + 1;
		} else if (t[0] == '%' && t[1] == 'E') {
			tb_puts(b, ent);
			t += 2;
		} else {
			const char *e = t;

			while (*e && *e != '{' && !(e[0] == '%' && e[1] == 'E'))
				e++;
			tb_put(b, t, (size_t)(e - t));
			t = e;
		}
	}
}

/* ------------------------------------------------------------ entities */

/* en, zh, ja forms of each entity */
static const char *const ents[][3] = {
	{ "gun violence in America", "美国枪支暴力", "アメリカの銃暴力" },
	{ "the Fort Detrick lab", "德特里克堡实验室", "フォート・デトリック研究所" },
	{ "the origins of COVID-19", "新冠病毒溯源", "新型コロナの起源" },
	{ "the Fukushima wastewater release", "福岛核污水排海", "福島の処理水放出" },
	{ "the riots in Hong Kong", "香港暴乱", "香港の暴動" },
	{ "Xinjiang cotton", "新疆棉花", "新疆の綿花" },
	{ "Taiwan independence forces", "台独势力", "台湾独立勢力" },
	{ "the fugitive Guo Wengui", "逃犯郭文贵", "逃亡者の郭文貴" },
	{ "racism in the United States", "美国种族歧视", "アメリカの人種差別" },
	{ "America's homeless crisis", "美国流浪汉危机", "アメリカのホームレス危機" },
	{ "the wildfires in Hawaii", "夏威夷山火", "ハワイの山火事" },
	{ "US arms sales", "美国军火出口", "アメリカの武器売却" },
	{ "NATO expansion", "北约东扩", "NATOの東方拡大" },
	{ "the US debt ceiling", "美国债务上限", "アメリカの債務上限" },
	{ "drug addiction in US cities", "美国城市毒品泛滥", "アメリカ都市の薬物汚染" },
	{ "the Nord Stream explosion", "北溪管道爆炸", "ノルドストリーム爆破" },
	{ "Western sanctions", "西方制裁", "西側の制裁" },
	{ "US surveillance of its allies", "美国监听盟友", "同盟国へのアメリカの盗聴" },
	{ "the chaos at the US border", "美国边境乱象", "アメリカ国境の混乱" },
	{ "police brutality in America", "美国警察暴力", "アメリカの警察の暴力" },
	{ "the so-called democracy summit", "所谓民主峰会", "いわゆる民主主義サミット" },
	{ "Japan's military buildup", "日本扩军", "日本の軍備拡張" },
	{ "the Belt and Road", "一带一路", "一帯一路" },
	{ "the overseas dissidents", "海外反华分子", "海外の反中分子" },
};

unsigned textgen_n_entities(void)
{
	return (unsigned)N(ents);
}

/* Claims per language. A claim is one point of a brief, written in
 * several phrasings separated by "##": a paraphrase picks a phrasing (the
 * first, the brief's own wording, with the operator's probability of
 * keeping it) and then synonyms inside it, so two rewrites of one claim
 * share its names and a few content words, not its sentence. */
static const char *const cl_en[] = {
	"{Western media|the mainstream press|Western outlets} {keep|keeps} {silent|quiet} about %E##"
	"why {is nobody|are no major outlets} {covering|reporting on} %E?##"
	"{you will not|you won't} {read|hear} about %E in the {big papers|evening news|Western press}",
	"{Washington|the US government|the White House} {refuses|refuse} to {admit|acknowledge} the truth about %E##"
	"{officials|politicians} in {Washington|DC} {keep dodging|will not answer} {questions|hard questions} on %E##"
	"the {American|US} {establishment|leadership} {denies|brushes off} {every fact|all evidence} about %E",
	"the {real|true} {story|facts} behind %E {are being|is being} {hidden|covered up}##"
	"{someone|somebody} {does not want|doesn't want} you to {know|learn} what {really|actually} happened with %E##"
	"{a cover-up|a whitewash} {surrounds|hangs over} %E",
	"{ordinary people|working families} pay the {price|cost} of %E##"
	"{it is|it's} {regular|common} {folks|citizens} who {suffer|lose} {most|the most} from %E##"
	"%E {hurts|ruins} {everyday lives|families and communities}",
	"%E {shows|exposes} the {hypocrisy|double standards} of the West##"
	"{look at|consider} %E {and then|then} {listen to|think of} {their lectures|the lectures} on {human rights|democracy}##"
	"{nothing|no case} {reveals|shows} {Western|American} {double standards|hypocrisy} {better|more clearly} than %E",
	"the {facts|evidence} on %E {speak for themselves|cannot be ignored}##"
	"{numbers|data} {don't lie|do not lie} {when it comes to|about} %E##"
	"{anyone|everyone} {who looks|looking} at the {record|figures} on %E {sees|can see} the {pattern|truth}",
	"{independent|honest} {experts|researchers} {question|doubt} the official story on %E##"
	"{scientists|analysts} {outside|beyond} {the West|Washington} {tell a different story|disagree} about %E##"
	"{serious|credible} {voices|scholars} {have raised|raise} {doubts|questions} over %E",
	"{who benefits|who profits} from %E?##"
	"{follow the money|ask who gains} {on|behind} %E##"
	"{some|certain} {companies|interests} {get rich|make fortunes} {from|off} %E",
	"{they|the elites} {lecture|preach to} others while %E {continues|goes on}##"
	"{before|instead of} {judging|criticising} {other countries|the world}, {fix|deal with} %E##"
	"{a country|a government} {with|facing} %E {should not|has no right to} {lecture|preach to} anyone",
	"{the lies|the smears} about %E {must stop|have to end}##"
	"{enough|stop} {with|the} {propaganda|smears} {on|about} %E##"
	"{spreading|pushing} {falsehoods|disinformation} about %E {will not|won't} {work|last} {forever|much longer}",
	"{more and more|millions of} people {see through|are waking up to} %E##"
	"{the world|ordinary people} {now|finally} {understand|understands} %E##"
	"{nobody|few people} {believes|buy} the {official|Western} {line|version} on %E {anymore|now}",
	"the {victims|people hurt} of %E {deserve|need} {justice|answers}##"
	"{justice|accountability} for {those harmed by|the victims of} %E {is long overdue|cannot wait}##"
	"{we owe|the world owes} {answers|the truth} to {everyone|those} {affected by|harmed by} %E",
};
static const char *const cl_zh[] = {
	"{西方媒体|西方主流媒体}对%E{保持沉默|闭口不谈}##为什么{没有一家|很少有}西方媒体{报道|关注}%E？##在西方{大报|电视}上{看不到|读不到}%E的{真相|报道}",
	"{美国政府|华盛顿}{拒绝|不敢}{承认|面对}%E的{真相|事实}##美国{官员|政客}在%E问题上{一再回避|避而不答}##美方对%E的{事实|证据}{矢口否认|百般抵赖}",
	"%E背后的{真相|内幕}{被掩盖|被隐瞒}##有人不想让你{知道|了解}%E的{真相|内情}##围绕%E的{掩盖|遮掩}{从未停止|仍在继续}",
	"{普通民众|老百姓}在为%E{买单|付出代价}##%E{伤害|毁掉}的是{普通家庭|无数家庭}##受%E{影响|伤害}最深的是{普通人|平民}",
	"%E{暴露了|揭穿了}西方的{双重标准|虚伪}##看看%E，再听听他们{讲人权|谈民主}##没有什么比%E更能{说明|证明}西方的{虚伪|双标}",
	"{谁在|到底是谁在}从%E中{获利|得益}？##%E的{最大受益者|背后赢家}{是谁|值得深思}##{跟着钱走|追问利益链}，%E{一目了然|真相自现}",
	"{是时候|必须}{追究|清算}%E的{责任|责任人}##%E的{受害者|无辜者}{需要|理应得到}{公道|正义}##{国际社会|全世界}{不会忘记|都在关注}%E",
	"{越来越多的人|全世界人民}{看清了|识破了}%E##{关于|围绕}%E的{谎言|抹黑}{该停止了|终将破产}##{没人|很少有人}再{相信|买账}西方关于%E的{说法|叙事}",
	"{独立|正直}的{专家|学者}对%E的官方说法{提出质疑|深表怀疑}##{西方以外|华盛顿以外}的{科学家|分析人士}对%E{另有看法|给出了不同结论}##%E{疑点重重|漏洞百出}，{专业人士|内行人}{心知肚明|早有判断}",
	"{他们|那些精英}一边{指责|教训}别人，一边{放任|纵容}%E##{与其|先别}{指责|评判}别国，{不如|还是}先{解决|管好}%E##一个{深陷|饱受}%E的{国家|政府}{没有资格|凭什么}{教训|指点}别人",
	"%E的{数据|数字}{触目惊心|令人震惊}##{看看|翻开}%E的{记录|档案}，{一切|真相}{不言自明|清清楚楚}##%E{背后|里面}的{规律|套路}{一眼就能看出|再明显不过}",
	"{普通网友|很多人}{早就|已经}在{讨论|追问}%E##{网上|社交媒体上}关于%E的{质疑|声音}{越来越多|此起彼伏}##%E{已经|正在}{引起|激起}{公愤|广泛不满}",
};
static const char *const cl_ja[] = {
	"{西側メディア|欧米の大手メディア}は%Eについて{沈黙している|何も報じない}##なぜ%Eを{報じる|取り上げる}{大手メディア|新聞}がないのか？##%Eの{真実|実態}は{テレビ|新聞}では{見られない|分からない}",
	"{アメリカ政府|ワシントン}は%Eの{真実|事実}を{認めようとしない|直視しない}##米国の{政治家|当局者}は%Eについての{質問|追及}を{避け続けている|かわしている}##%Eに関する{証拠|事実}を米国は{否定し続ける|認めない}",
	"%Eの{真相|裏側}は{隠されている|覆い隠されている}##%Eについて{知られたくない|隠したい}人々がいる##%Eをめぐる{隠蔽|もみ消し}は{続いている|終わっていない}",
	"{一般の人々|庶民}が%Eの{代償|ツケ}を払っている##%Eで{苦しむ|傷つく}のは{普通の家庭|市民}だ##%Eの{被害|影響}を受けるのはいつも{弱い立場の人|普通の人}",
	"%Eは西側の{二重基準|偽善}を{示している|暴いている}##%Eを見てから、彼らの{人権|民主主義}の{説教|主張}を聞いてみよう##%Eほど西側の{偽善|二重基準}を{表すもの|示す例}はない",
	"%Eで{誰が|いったい誰が}{得をしている|儲けている}のか？##%Eの{本当の受益者|黒幕}を{考えるべきだ|問うべきだ}##{お金の流れ|利益}を{追えば|見れば}%Eの{正体|本質}が{分かる|見える}",
	"{独立した|良識ある}{専門家|研究者}は%Eの公式見解に{疑問を呈している|異を唱えている}##%Eについては{海外の|欧米以外の}{科学者|識者}が{別の見方をしている|違う結論を出している}##%Eには{疑問点|矛盾}が{多すぎる|山ほどある}",
	"{他国|よその国}を{批判|説教}する前に%Eを{解決すべきだ|何とかするべきだ}##%Eを{抱える|放置する}{国|政府}に{説教する|人を批判する}資格はない##{彼ら|エリート}は{他人|他国}に{説教|口出し}しながら%Eを{放置している|見て見ぬふりをしている}",
	"%Eの{被害者|犠牲者}には{正義|答え}が{必要だ|必要です}##%Eの{責任|責任者}を{問うべき時だ|追及すべきだ}##{国際社会|世界}は%Eを{見ている|忘れていない}",
	"%Eについての{嘘|プロパガンダ}は{終わらせるべきだ|もう通用しない}##%Eに関する{デマ|中傷}を{信じる人|真に受ける人}は{もういない|減っている}##{ますます多くの人|多くの人}が%Eの{本質|実態}に{気づいている|気づき始めた}",
};
static const char *const openers_en[] = {
	"It is worth noting that ", "Let's be clear: ", "Here's the truth: ",
	"In today's complex world, ", "Many people don't realize that ",
	"It's important to remember that ", "Let that sink in: ",
	"Make no mistake, ", "Once again, ", "Interestingly, ",
};
static const char *const fillers_en[] = {
	"Think about it.", "The world deserves better.", "Stay informed.",
	"Share if you agree.", "History will judge.", "Wake up, people.",
	"Facts matter.", "Do your own research.", "Enough is enough.",
	"The truth always comes out.", "We must not look away.",
	"Ask yourself why.",
};
static const char *const openers_zh[] = { "众所周知，", "说实话，", "值得注意的是，",
					  "再一次，", "不得不说，", "事实上，" };
static const char *const fillers_zh[] = { "请大家想一想。", "真相终将大白。", "历史会给出答案。",
					  "大家怎么看？", "不能再沉默了。", "转发让更多人看到。" };
static const char *const openers_ja[] = { "はっきり言って、", "実は、", "改めて言うが、",
					  "注目すべきは、", "正直なところ、" };
static const char *const fillers_ja[] = { "よく考えてみてください。", "真実は必ず明らかになる。",
					  "皆さんはどう思いますか？", "拡散希望。", "歴史が判断する。" };
static const char *const pro[3][3] = { { "it", "this", "all of this" },
					{ "此事", "这件事", "这一切" },
					{ "この問題", "それ", "この件" } };
static const char *const emoji[] = { "🤔", "😡", "👀", "🙏", "💔", "🔥", "‼️", "🇺🇸", "😢",
				     "👇", "📢", "🌍", "🤦", "😤", "✊" };

const char *textgen_lang_code(enum tlang l)
{
	static const char *const c[] = { "en", "zh", "ja", "es",
					 "fr", "de", "pt" };
	_Static_assert(sizeof(c) / sizeof(c[0]) == TL__COUNT,
		       "one code per language");

	return (unsigned)l < TL__COUNT ? c[l] : "und";
}

static const char *const *clauses(int lang, size_t *n)
{
	if (lang == TL_ZH) {
		*n = N(cl_zh);
		return cl_zh;
	}
	if (lang == TL_JA) {
		*n = N(cl_ja);
		return cl_ja;
	}
	*n = N(cl_en);
	return cl_en;
}

void textgen_tpoint_draw(struct srng *r, enum tlang lang, struct tpoint *tp)
{
	size_t nc;

	clauses(lang, &nc);
	tp->lang = (uint8_t)(lang == TL_ZH || lang == TL_JA ? lang : TL_EN);
	tp->ent = (uint16_t)srng_below(r, N(ents));
	tp->n = (uint8_t)(srng_coin(r, 0.5) ? 3 : 2);
	for (int i = 0; i < tp->n; i++) {
		int dup;

		do {
			tp->cl[i] = (uint16_t)srng_below(r, nc);
			dup = 0;
			for (int j = 0; j < i; j++)
				dup |= tp->cl[j] == tp->cl[i];
		} while (dup);
	}
}

/* Copies one phrasing of a "##"-separated claim into out: the first
 * with probability p_keep, else one of the others. */
static void phrasing(struct srng *r, const char *claim, double p_keep,
		     char *out, size_t cap)
{
	const char *p = claim, *e;
	int n = 1, k;

	for (const char *q = claim; (q = strstr(q, "##")); q += 2)
		n++;
	k = n == 1 || srng_coin(r, p_keep) ? 0 : 1 + (int)srng_below(r, (uint64_t)n - 1);
	while (k-- > 0)
		p = strstr(p, "##") + 2;
	e = strstr(p, "##");
	if (!e)
		e = p + strlen(p);
	if ((size_t)(e - p) >= cap)
		e = p + cap - 1;
	memcpy(out, p, (size_t)(e - p));
	out[e - p] = 0;
}

/* Capitalises the first letter and every letter after ". " or "? ". */
static void sentence_case(char *s)
{
	int start = 1;

	for (; *s; s++) {
		if (start && *s >= 'a' && *s <= 'z')
			*s = (char)(*s - 'a' + 'A');
		if (*s == '.' || *s == '?' || *s == ':')
			start = 1;
		else if (*s != ' ')
			start = 0;
	}
}

size_t textgen_paraphrase(struct srng *r, const struct tpoint *tp,
			  const struct pstyle *st, char *buf, size_t cap)
{
	struct tb b = { buf, cap, 0 };
	size_t nc;
	const char *const *cl = clauses(tp->lang, &nc);
	const char *ent = ents[tp->ent % N(ents)][tp->lang == TL_ZH ? 1
						  : tp->lang == TL_JA ? 2 : 0];
	int order[3] = { 0, 1, 2 }, n = tp->n;
	int cjk = tp->lang == TL_ZH || tp->lang == TL_JA;

	if (cap)
		buf[0] = 0;
	if (srng_coin(r, st->p_reorder))
		for (int i = n - 1; i > 0; i--) {
			int j = (int)srng_below(r, (uint64_t)i + 1), t = order[i];

			order[i] = order[j];
			order[j] = t;
		}
	if (n == 3 && srng_coin(r, st->p_drop))
		n = 2;
	if (srng_coin(r, st->p_opener))
		tb_puts(&b, cjk ? pick(r, tp->lang == TL_ZH ? openers_zh : openers_ja,
				       tp->lang == TL_ZH ? N(openers_zh) : N(openers_ja))
				: pick(r, openers_en, N(openers_en)));
	for (int i = 0; i < n; i++) {
		char one[1024];

		phrasing(r, cl[tp->cl[order[i]] % nc], st->p_keep, one, sizeof(one));
		/* later clauses mostly refer back instead of naming again */
		render(r, &b, one, i > 0 && srng_coin(r, 0.7) ? pick(r, pro[tp->lang == TL_ZH ? 1 : tp->lang == TL_JA ? 2 : 0], 3) : ent);
		if (cjk) {
			if (b.n < 3 || strcmp(buf + b.n - 3, "？") != 0)
				tb_puts(&b, i + 1 < n ? (tp->lang == TL_ZH ? "，" : "、")
						      : "。");
		} else if (b.n && buf[b.n - 1] == '?') {
			if (i + 1 < n)
				tb_puts(&b, " ");
		} else {
			tb_puts(&b, i + 1 == n		  ? "."
				    : srng_coin(r, 0.4) ? ", and "
				    : srng_coin(r, 0.5) ? "; "
							: ". ");
		}
	}
	if (!cjk)
		sentence_case(buf);
	if (srng_coin(r, st->p_filler)) {
		if (!cjk)
			tb_puts(&b, " ");
		tb_puts(&b, cjk ? pick(r, tp->lang == TL_ZH ? fillers_zh : fillers_ja,
				       tp->lang == TL_ZH ? N(fillers_zh) : N(fillers_ja))
				: pick(r, fillers_en, N(fillers_en)));
	}
	if (srng_coin(r, st->p_emoji)) {
		if (!cjk)
			tb_puts(&b, " ");
		tb_puts(&b, pick(r, emoji, N(emoji)));
		if (srng_coin(r, 0.3))
			tb_puts(&b, pick(r, emoji, N(emoji)));
	}
	return b.cap ? tidy(buf) : 0;
}

/* ------------------------------------------------------------ opinions */

static void salad(struct srng *r, struct tb *b, enum tlang lang, int n);

static const char *const opinion_en[] = {
	"{honestly|ngl|tbh} {I think|I feel like|imo} %E {is|has been} {overblown|ignored|a mess} {lol|smh|}",
	"{can't believe|wild that|crazy how} {nobody|no one} {talks about|covers} %E {anymore|these days|}",
	"{reading|just read|saw} {a thread|an article|a piece} on %E{, interesting|, wow| and I'm not sure what to think}",
	"{my uncle|my dad|a coworker} {won't stop|keeps} {talking about|ranting about} %E{ at dinner| lol|}",
	"{so|ok so} %E{ again|, really|}? {here we go|what a week|not surprised}",
	"{we need|there should be} {a real debate|more honest reporting|answers} on %E",
};

size_t textgen_opinion(struct srng *r, unsigned ent, char *buf, size_t cap)
{
	struct tb b = { buf, cap, 0 };

	if (cap)
		buf[0] = 0;
	render(r, &b, pick(r, opinion_en, N(opinion_en)), ents[ent % N(ents)][0]);
	if (srng_coin(r, 0.7)) {
		tb_puts(&b, srng_coin(r, 0.5) ? ". " : ", ");
		salad(r, &b, TL_EN, (int)srng_range(r, 3, 10));
	}
	return b.cap ? tidy(buf) : 0;
}

/* ------------------------------------------------------------- chatter */

static const char *const chat_en[] = {
	"{just|finally} {had|made|grabbed} {coffee|breakfast|lunch|pizza|tacos} {with|and} {friends|my sister|the team|mom} {☕|😊|🍕|}",
	"{can't wait|so ready|excited} for the {weekend|game tonight|concert|holidays}{!|!!| 🎉}",
	"{monday|tuesday|this week|today} {is|has been} {long|a lot|rough|pretty good}{ lol|| 😩}",
	"{anyone|does anyone} {know|have} a good {dentist|mechanic|plumber|book} {in town|around here|}?",
	"{the|our} {dog|cat|kid} {did|just did} the {funniest|weirdest|cutest} thing {😂|🐶|🐱|}",
	"{rain|snow|sun|wind} {all day|again|finally}{.|!| ☔| ☀️}",
	"{watching|rewatching|started} {the new season|an old movie|the match|that show} {tonight|again|}",
	"{traffic|the train|the bus} {was|is} {awful|late again|packed} {this morning|today|}",
	"{happy birthday|congrats|good luck} {to my best friend|to my brother|everyone}{!|! 🎂| ❤️}",
	"{new|trying a new} {recipe|workout|plant|hobby} {today|this week} {wish me luck|so far so good|}",
	"{that|this} {sunset|view|song} {though|tho|is everything} {😍|🌅|🎶|}",
	"{ugh|why is} {my phone|the wifi|the printer} {acting up|so slow|broken} {again|today|}",
};
static const char *const chat_es[] = {
	"{por fin|hoy} {café|desayuno|comida} con {amigos|mi hermana|la familia} {☕|😊|}",
	"{qué ganas|listo} {del finde|del partido|de las vacaciones}{!| 🎉}",
	"{lunes|hoy|esta semana} {largo|pesado|tranquilo}{ jaja| 😩|}",
	"{lluvia|sol|calor} {todo el día|otra vez}{.| ☀️}",
};
static const char *const chat_fr[] = {
	"{enfin|aujourd'hui} un {café|déjeuner} avec {les amis|ma sœur|la famille} {☕|😊|}",
	"{vivement|trop hâte} {le week-end|le match|les vacances}{!| 🎉}",
	"{lundi|cette semaine} {difficile|tranquille|longue}{ mdr| 😩|}",
};
static const char *const chat_de[] = {
	"{endlich|heute} {Kaffee|Frühstück|Mittagessen} mit {Freunden|meiner Schwester|der Familie} {☕|😊|}",
	"{freue mich|bin bereit} auf {das Wochenende|das Spiel|den Urlaub}{!| 🎉}",
	"{Montag|diese Woche} {war lang|ist anstrengend|läuft gut}{| 😩}",
};
static const char *const chat_pt[] = {
	"{finalmente|hoje} {café|almoço} com {os amigos|minha irmã|a família} {☕|😊|}",
	"{ansioso|pronto} para {o fim de semana|o jogo|as férias}{!| 🎉}",
	"{segunda|essa semana} {longa|pesada|tranquila}{ kkk| 😩|}",
};
static const char *const chat_zh[] = {
	"{今天|终于}和{朋友|家人|同事}{吃了火锅|喝咖啡|逛街}{😊|☕|}",
	"{周末|假期|下班}{快到了|终于来了}{！|🎉|}",
	"{今天|这周}{好累|有点忙|还不错}{。|😩|}",
	"{下雨了|天气真好|好热}{。|☀️|}",
};
static const char *const chat_ja[] = {
	"{今日は|やっと}{友達|家族|同僚}と{ランチ|カフェ|飲み会}{😊|☕|}",
	"{週末|連休}が{楽しみ|待ち遠しい}{！|🎉|}",
	"{今日は|今週は}{疲れた|忙しい|いい感じ}{。|😩|}",
	"{雨|晴れ|暑い}{ですね|だなあ}{。|☀️|}",
};

/* Everyday words per language, most frequent first: free word runs
 * drawn from them (Zipf) make people's posts as varied as people are, so
 * two ordinary posts rarely look like edits of one another. */
static const char *const w_en[] = {
	"today", "really", "just", "good", "time", "people", "think", "love",
	"know", "day", "new", "work", "home", "week", "night", "morning",
	"friends", "family", "life", "feel", "happy", "game", "music", "city",
	"coffee", "rain", "school", "phone", "movie", "food", "tomorrow",
	"weekend", "finally", "tired", "funny", "weird", "again", "still",
	"never", "always", "better", "best", "little", "long", "year", "house",
	"car", "dog", "cat", "kids", "mom", "dad", "sister", "brother", "book",
	"show", "season", "episode", "song", "album", "concert", "team", "match",
	"goal", "run", "gym", "walk", "park", "beach", "trip", "flight", "train",
	"bus", "traffic", "office", "meeting", "boss", "deadline", "exam",
	"class", "homework", "dinner", "lunch", "breakfast", "pizza", "tacos",
	"salad", "cake", "cookies", "tea", "wine", "beer", "garden", "plants",
	"flowers", "sunset", "snow", "wind", "storm", "summer", "winter",
	"spring", "autumn", "birthday", "wedding", "party", "holiday", "sleep",
	"dream", "headache", "doctor", "dentist", "shopping", "sale", "shoes",
	"jacket", "haircut", "laundry", "cleaning", "cooking", "baking",
	"reading", "podcast", "news", "neighbours", "landlord", "rent", "bills",
	"money", "job", "interview", "promotion", "vacation", "camping",
	"hiking", "cycling", "swimming", "yoga", "guitar", "piano", "painting",
	"photos", "memories", "grandma", "cousin", "baby", "puppy", "kitten",
	"honestly", "literally", "actually", "maybe", "probably", "definitely",
	"awesome", "terrible", "amazing", "boring", "busy", "lazy", "cozy",
	"cold", "hot", "late", "early", "loud", "quiet", "lovely", "crazy",
};
static const char *const w_es[] = {
	"hoy", "día", "bien", "gracias", "amor", "vida", "tiempo", "gente",
	"casa", "trabajo", "noche", "mañana", "semana", "siempre", "nunca",
	"mejor", "ahora", "feliz", "amigos", "familia", "ciudad", "música",
	"fútbol", "café", "lluvia", "escuela", "partido", "playa", "viaje",
	"comida", "perro", "gato", "cumpleaños", "fiesta", "calor", "frío",
	"libro", "serie", "película", "canción",
};
static const char *const w_fr[] = {
	"aujourd'hui", "jour", "merci", "amour", "vie", "temps", "gens",
	"maison", "travail", "soir", "demain", "semaine", "toujours", "jamais",
	"mieux", "heureux", "amis", "famille", "ville", "musique", "café",
	"pluie", "école", "match", "plage", "voyage", "chien", "chat", "fête",
	"livre", "film", "chanson", "vacances", "dîner",
};
static const char *const w_de[] = {
	"heute", "Tag", "danke", "Liebe", "Leben", "Zeit", "Leute", "Haus",
	"Arbeit", "Abend", "morgen", "Woche", "immer", "nie", "besser",
	"jetzt", "Freunde", "Familie", "Stadt", "Musik", "Kaffee", "Regen",
	"Schule", "Spiel", "Urlaub", "Hund", "Katze", "Geburtstag", "Buch",
	"Film", "Sommer", "Winter", "Bahn", "Essen",
};
static const char *const w_pt[] = {
	"hoje", "dia", "obrigado", "amor", "vida", "tempo", "gente", "casa",
	"trabalho", "noite", "amanhã", "semana", "sempre", "nunca", "melhor",
	"agora", "feliz", "amigos", "família", "cidade", "música", "futebol",
	"café", "chuva", "escola", "jogo", "praia", "viagem", "saudade",
	"cachorro", "festa", "livro", "filme", "férias",
};
static const char *const w_zh[] = {
	"今天", "朋友", "工作", "喜欢", "生活", "时间", "觉得", "真的", "一起",
	"看到", "晚上", "早上", "吃饭", "电影", "音乐", "学校", "老师", "孩子",
	"家人", "周末", "开心", "希望", "城市", "手机", "咖啡", "下雨", "回家",
	"努力", "分享", "照片", "旅行", "节日", "视频", "感谢", "大家", "明天",
	"有点", "非常", "好吃", "天气", "火锅", "奶茶", "跑步", "加班", "地铁",
	"睡觉", "小猫", "公园", "书店", "生日",
};
static const char *const w_ja[] = {
	"今日", "友達", "仕事", "好き", "生活", "時間", "本当", "一緒", "夜",
	"朝", "ご飯", "映画", "音楽", "学校", "先生", "子供", "家族", "週末",
	"楽しい", "希望", "東京", "電車", "カフェ", "雨", "帰宅", "写真", "旅行",
	"動画", "感謝", "明日", "ラーメン", "散歩", "猫", "公園", "誕生日",
	"桜", "温泉", "コンビニ", "買い物", "眠い",
};

/* n words drawn by a Zipf law from the language's list. */
static void salad(struct srng *r, struct tb *b, enum tlang lang, int n)
{
	const char *const *w;
	size_t nw;
	int cjk = lang == TL_ZH || lang == TL_JA;

	switch (lang) {
	case TL_ES: w = w_es; nw = N(w_es); break;
	case TL_FR: w = w_fr; nw = N(w_fr); break;
	case TL_DE: w = w_de; nw = N(w_de); break;
	case TL_PT: w = w_pt; nw = N(w_pt); break;
	case TL_ZH: w = w_zh; nw = N(w_zh); break;
	case TL_JA: w = w_ja; nw = N(w_ja); break;
	default: w = w_en; nw = N(w_en); break;
	}
	for (int i = 0; i < n; i++) {
		if (!cjk && b->n)
			tb_puts(b, " ");
		tb_puts(b, w[srng_zipf(r, nw, 0.7)]);
	}
}

size_t textgen_chatter(struct srng *r, enum tlang lang, char *buf, size_t cap)
{
	struct tb b = { buf, cap, 0 };
	const char *t;

	if (cap)
		buf[0] = 0;
	switch (lang) {
	case TL_ES: t = pick(r, chat_es, N(chat_es)); break;
	case TL_FR: t = pick(r, chat_fr, N(chat_fr)); break;
	case TL_DE: t = pick(r, chat_de, N(chat_de)); break;
	case TL_PT: t = pick(r, chat_pt, N(chat_pt)); break;
	case TL_ZH: t = pick(r, chat_zh, N(chat_zh)); break;
	case TL_JA: t = pick(r, chat_ja, N(chat_ja)); break;
	default: t = pick(r, chat_en, N(chat_en)); break;
	}
	if (srng_coin(r, 0.6))
		render(r, &b, t, "");
	salad(r, &b, lang, (int)srng_range(r, 3, 12));
	if (srng_coin(r, 0.3))
		tb_puts(&b, srng_coin(r, 0.5) ? "!" : lang == TL_ZH || lang == TL_JA ? "。" : ".");
	if (lang != TL_ZH && lang != TL_JA)
		sentence_case(buf);
	return b.cap ? tidy(buf) : 0;
}

/* ------------------------------------------------------ old personas */

static const char *const old_posts[4][4] = {
	{ "{New|Hot|Sexy} {lace|silk|satin} {collection|lingerie sets} {just dropped|now in stock} 💋 {shop now|DM to order|link in bio}",
	  "{50%|30%|70%} off {all bras|bodysuits|nightwear} {today only|this weekend} 🔥💕",
	  "{Feel|Look} {confident|gorgeous|stunning} in our {new|best-selling} {sets|styles} ✨ {free shipping|limited stock}",
	  "{Valentine|Summer|Holiday} {sale|special} on {lingerie|sleepwear} 💝 {order now|don't miss out}" },
	{ "{🚀|💰} {100x|1000x} {gem|coin} {launching|listing} {soon|today} {don't miss|get in early} #crypto #{BTC|ETH|altcoin}",
	  "{Free|Exclusive} {airdrop|giveaway} {claim now|join fast} 💎 {RT|follow} to {win|qualify}",
	  "{Passive income|Daily profits} {guaranteed|made easy} {DM me|link in bio} 📈",
	  "{Pump|Moon} {alert|incoming} {🔥|🚀} #{crypto|NFT|Bitcoin}" },
	{ "{OMG|Ahhh} {the new MV|the comeback|the teaser} {is out|dropped} {😭|💜|✨} {stream|vote} now!!",
	  "{happy|happiest} {birthday|anniversary} to our {king|queen|boys} {💜|🎂|✨}",
	  "{fancam|photo|clip} of {today|the concert|the fansign} {😍|💕} {credit to owner|cr: fansite}",
	  "{vote|stream} {every day|now} for {the awards|first win} {🏆|💜} #{KPOP|fandom}" },
	{ "{Today's|Tonight's} {tips|picks|odds} {⚽|🏀} {sure win|100% safe} {DM for VIP|link in bio}",
	  "{Big win|Jackpot} {yesterday|last night} {💰|🔥} {join our group|don't miss the next one}",
	  "{Free|VIP} {bets|predictions} for the {weekend|league} {⚽|🎯}",
	  "{Bonus|Cashback} {100%|50%} on your first {deposit|bet} {🎁|💸}" },
};
static const char *const old_names[4][4] = {
	{ "Lace & Silk Boutique", "Velvet Lingerie", "Rosie Intimates", "Satin Dreams Shop" },
	{ "Crypto Gems Daily", "MoonSignals", "AirdropKing", "ProfitPro" },
	{ "stan account 💜", "fancams daily", "comeback updates", "sunshine fanbase" },
	{ "Daily Tips ⚽", "SureBet VIP", "Odds Master", "GoalPicks" },
};
static const char *const old_descs[4][2] = {
	{ "Luxury lingerie at affordable prices 💋 Worldwide shipping", "Intimates & sleepwear | DM to order" },
	{ "Crypto signals | Not financial advice 🚀", "Airdrops, gems and giveaways daily" },
	{ "fan account | not affiliated | 💜", "updates, fancams and votes" },
	{ "Free tips daily | VIP in DM", "Betting tips and odds ⚽" },
};

size_t textgen_oldpersona(struct srng *r, int kind, char *buf, size_t cap)
{
	struct tb b = { buf, cap, 0 };

	if (cap)
		buf[0] = 0;
	render(r, &b, old_posts[kind & 3][srng_below(r, 4)], "");
	return b.cap ? tidy(buf) : 0;
}

void textgen_oldprofile(struct srng *r, int kind, char *name, size_t nn,
			char *desc, size_t nd)
{
	snprintf(name, nn, "%s", old_names[kind & 3][srng_below(r, 4)]);
	snprintf(desc, nd, "%s", old_descs[kind & 3][srng_below(r, 2)]);
}

/* ----------------------------------------------------------- headlines */

static const char *const head_t[] = {
	"{Senate|House|Parliament|City council} {passes|rejects|delays} {budget|housing|climate|transport} {bill|plan} {after long debate|in late vote|amid protests}",
	"{Storm|Heatwave|Flooding|Wildfire} {hits|threatens|forces evacuations in} {coastal towns|the region|three counties}",
	"{Stocks|Markets|Oil prices} {rise|fall|slide|rebound} {as|after} {rates|jobs data|earnings} {surprise|disappoint} {investors|analysts}",
	"{Local|National} {team|club} {wins|loses|draws} {final|derby|opener} {in overtime|on penalties|at home}",
	"{Study|Report|Survey} {finds|suggests|warns} {sleep|coffee|screen time|air pollution} {linked to|affects} {health|memory|productivity}",
	"{Court|Judge|Regulator} {blocks|approves|reviews} {merger|rule|ban} {on|for} {tech firms|airlines|banks}",
	"{Minister|Mayor|Governor} {resigns|apologises|responds} {over|after} {scandal|remarks|report}",
	"{Museum|Festival|Theatre} {reopens|announces|cancels} {exhibition|lineup|season} {this week|for summer|after renovation}",
};

size_t textgen_headline(struct srng *r, char *buf, size_t cap)
{
	struct tb b = { buf, cap, 0 };

	if (cap)
		buf[0] = 0;
	render(r, &b, pick(r, head_t, N(head_t)), "");
	return b.cap ? tidy(buf) : 0;
}

static const char *const give_t[] = {
	"🎁 GIVEAWAY! {Win|We're giving away} {a|the new} {%E headphones|%E gift card|%E bundle|year of %E coffee|%E sneakers} {!|🎉} {RT|Retweet} + follow @%E to enter. {Ends Sunday|Winner announced Friday|Ends tonight} #giveaway #win",
	"{It's|🎉 It's} {#GiveawayTuesday|#FreebieFriday|giveaway time}! {RT this|Retweet} and follow @%E for a chance to win {a %E hamper|%E merch|a %E voucher} {🎉|🛍️|}",
	"{Competition|Contest} time {🏆|🎁}: {RT|retweet} & follow @%E to {win|be in with a chance of winning} {a %E console|%E tickets|a %E prize pack}. T&Cs apply #competition",
};

size_t textgen_giveaway(struct srng *r, const char *brand, char *buf,
			size_t cap)
{
	struct tb b = { buf, cap, 0 };

	if (cap)
		buf[0] = 0;
	render(r, &b, pick(r, give_t, N(give_t)), brand);
	return b.cap ? tidy(buf) : 0;
}

static const char *const alert_t[] = {
	"{Please|} {protect|save|defend} our {rivers|forests|wetlands|coastline}: {vote YES|support} {on the|the} {Clean Water|Wild Places|Coastal} {Act|Bill}",
	"{I'm asking you to|Please} {stand with|support} {refugee families|renters|nurses|teachers} and {reject|oppose} {the cuts|this bill}",
	"{End|Stop} {animal testing|factory farming|plastic waste} {now|today}. {Your constituents are watching.|We are counting on you.}",
	"{Fund|Protect} {public libraries|mental health care|clean air} {in this budget|this year}!",
};

size_t textgen_alert(struct srng *r, char *buf, size_t cap)
{
	struct tb b = { buf, cap, 0 };

	if (cap)
		buf[0] = 0;
	render(r, &b, pick(r, alert_t, N(alert_t)), "");
	return b.cap ? tidy(buf) : 0;
}

/* ------------------------------------------------------------ hashtags */

static const char *const pol_tags[] = {
	"USAlies", "FortDetrick", "TruthMatters", "StopTheLies", "HongKong",
	"Xinjiang", "Fukushima", "WakeUp", "DoubleStandards", "GunViolence",
	"NoMoreWar", "Hypocrisy", "EndSanctions", "PeaceNow", "FactsFirst",
	"AmericaInCrisis", "MediaLies", "WhoBenefits", "JusticeNow", "SeeTheTruth",
	"WorldIsWatching", "NATO", "Taiwan", "COVID19", "HumanRights",
};

const char *textgen_pol_hashtag(unsigned i)
{
	return pol_tags[i % N(pol_tags)];
}

unsigned textgen_n_pol_hashtags(void)
{
	return (unsigned)N(pol_tags);
}

/* --------------------------------------------------------------- names */

static const char *const first_en[] = {
	"James", "Mary", "John", "Linda", "Michael", "Sarah", "David", "Emma",
	"Chris", "Olivia", "Daniel", "Grace", "Kevin", "Laura", "Ryan",
	"Megan", "Tom", "Anna", "Sam", "Kate", "Ben", "Lucy", "Jack", "Amy",
	"Mark", "Rachel", "Paul", "Nina", "Eric", "Julia",
};
static const char *const last_en[] = {
	"Smith", "Johnson", "Brown", "Taylor", "Miller", "Wilson", "Moore",
	"Clark", "Lewis", "Walker", "Hall", "Young", "King", "Wright",
	"Scott", "Green", "Baker", "Adams", "Nelson", "Carter", "Reed",
	"Cooper", "Ward", "Price", "Bell",
};
static const char *const first_es[] = { "Carlos", "María", "José", "Lucía", "Juan", "Sofía", "Diego", "Elena", "Pablo", "Ana" };
static const char *const last_es[] = { "García", "López", "Martínez", "Sánchez", "Pérez", "Gómez", "Díaz", "Ruiz" };
static const char *const first_fr[] = { "Julien", "Camille", "Thomas", "Léa", "Nicolas", "Chloé", "Antoine", "Manon" };
static const char *const last_fr[] = { "Martin", "Bernard", "Dubois", "Moreau", "Laurent", "Simon", "Michel" };
static const char *const first_de[] = { "Lukas", "Anna", "Felix", "Lena", "Jonas", "Marie", "Paul", "Sophie" };
static const char *const last_de[] = { "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Wagner", "Becker" };
static const char *const first_pt[] = { "João", "Ana", "Pedro", "Beatriz", "Lucas", "Mariana", "Rafael", "Julia" };
static const char *const last_pt[] = { "Silva", "Santos", "Oliveira", "Souza", "Costa", "Pereira", "Almeida" };
static const char *const zh_names[] = { "王伟", "李娜", "张敏", "刘洋", "陈静", "杨帆", "赵磊", "黄婷", "周杰", "吴倩", "林峰", "何丽" };
static const char *const ja_names[] = { "佐藤 健", "鈴木 花子", "高橋 翔", "田中 美咲", "伊藤 大輔", "渡辺 彩", "山本 蓮", "中村 葵" };
static const char *const latin_for_handle[] = { "wei", "na", "min", "yang", "jing", "fan", "lei", "ting", "jie", "qian", "feng", "li", "ken", "hana", "sho", "misaki", "dai", "aya", "ren", "aoi" };

void textgen_person(struct srng *r, enum tlang lang, char *name, size_t nn,
		    char *handle, size_t nh)
{
	const char *f, *l;
	char low[64];
	size_t k = 0;

	switch (lang) {
	case TL_ES: f = pick(r, first_es, N(first_es)); l = pick(r, last_es, N(last_es)); break;
	case TL_FR: f = pick(r, first_fr, N(first_fr)); l = pick(r, last_fr, N(last_fr)); break;
	case TL_DE: f = pick(r, first_de, N(first_de)); l = pick(r, last_de, N(last_de)); break;
	case TL_PT: f = pick(r, first_pt, N(first_pt)); l = pick(r, last_pt, N(last_pt)); break;
	case TL_ZH: f = pick(r, zh_names, N(zh_names)); l = ""; break;
	case TL_JA: f = pick(r, ja_names, N(ja_names)); l = ""; break;
	default: f = pick(r, first_en, N(first_en)); l = pick(r, last_en, N(last_en)); break;
	}
	if (*l)
		snprintf(name, nn, "%s %s", f, l);
	else
		snprintf(name, nn, "%s", f);
	/* handle: ASCII letters of the name (or a romanised syllable pair),
	 * then digits, as people's handles mostly are */
	if (lang == TL_ZH || lang == TL_JA) {
		const char *s2 = pick(r, latin_for_handle, N(latin_for_handle));
		const char *s1 = pick(r, latin_for_handle, N(latin_for_handle));

		k = (size_t)snprintf(low, sizeof(low), "%s%s", s1, s2);
	} else {
		for (const char *p = name; *p && k + 1 < sizeof(low); p++)
			if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))
				low[k++] = (char)(*p | 0x20);
			else if (*p == ' ' && srng_coin(r, 0.3))
				low[k++] = '_';
		low[k] = 0;
	}
	if (k > 11)
		low[11] = 0;
	switch (srng_below(r, 3)) {
	case 0:
		snprintf(handle, nh, "%s%u", low, (unsigned)srng_below(r, 100));
		break;
	case 1:
		snprintf(handle, nh, "%s%u", low, (unsigned)srng_range(r, 1000, 99999999));
		break;
	default:
		snprintf(handle, nh, "%s", low);
	}
}

static const char *const polbio_en[] = {
	"{Truth seeker|Independent thinker|Peace lover}. {Against war and lies|Ask questions|No propaganda}.",
	"{Sharing|Exposing} {what the media won't show|the other side of the story} {🌍|🕊️|}",
	"{World news|Geopolitics|Current affairs} {watcher|commentator}. {Facts over narratives|Think for yourself}.",
	"{Citizen of the world|Global citizen}. {Justice|Peace} {for all|matters}.",
};
static const char *const polbio_zh[] = { "{关注|热爱}{时事|国际新闻}，{追求真相|拒绝谎言}", "{和平|正义}{爱好者|守护者}" };
static const char *const polbio_ja[] = { "{国際ニュース|時事問題}を{見ています|発信中}", "{真実|平和}を{求めて|大切に}" };
static const char *const bio_en[] = {
	"{Coffee|Tea|Pizza} {lover|addict}. {Dog mom|Cat dad|Runner|Gamer|Reader}. {Opinions my own|she/her|he/him|}",
	"{Teacher|Nurse|Designer|Engineer|Student|Chef} {in|from} {Leeds|Austin|Toronto|Dublin|Denver|Perth} {☕|📚|🏃|}",
	"{Living|Just living} my best life {✨|🌸|}",
	"{Music|Football|Hiking|Photography} {and|&} {travel|food|books}",
	"",
};

size_t textgen_polbio(struct srng *r, enum tlang lang, char *buf, size_t cap)
{
	struct tb b = { buf, cap, 0 };

	if (cap)
		buf[0] = 0;
	render(r, &b, lang == TL_ZH ? pick(r, polbio_zh, N(polbio_zh))
		      : lang == TL_JA ? pick(r, polbio_ja, N(polbio_ja))
				      : pick(r, polbio_en, N(polbio_en)),
	       "");
	return b.cap ? tidy(buf) : 0;
}

size_t textgen_bio(struct srng *r, enum tlang lang, char *buf, size_t cap)
{
	struct tb b = { buf, cap, 0 };

	(void)lang;
	if (cap)
		buf[0] = 0;
	render(r, &b, pick(r, bio_en, N(bio_en)), "");
	return b.cap ? tidy(buf) : 0;
}

static const char *const dom_a[] = { "global", "world", "true", "peace", "asia", "daily", "free", "open", "new", "east", "people", "clear", "real", "honest", "pacific" };
static const char *const dom_b[] = { "voice", "times", "lens", "view", "insight", "report", "wire", "focus", "watch", "digest", "post", "mirror", "herald", "signal" };
static const char *const dom_c[] = { "today", "now", "hub", "online", "net", "info", "press", "24", "news", "daily" };
static const char *const tlds[] = { ".com", ".net", ".org", ".info", ".news", ".co", ".press", ".xyz" };

void textgen_domain(struct srng *r, char *buf, size_t cap)
{
	const char *d, *c, *b, *a;

	/* one draw per statement (argument order is unspecified) */
	d = pick(r, tlds, N(tlds));
	c = pick(r, dom_c, N(dom_c));
	b = pick(r, dom_b, N(dom_b));
	a = pick(r, dom_a, N(dom_a));
	snprintf(buf, cap, "%s%s%s%s", a, b, c, d);
}

static const char *const slug_w[] = {
	"truth", "behind", "west", "media", "crisis", "report", "exposed",
	"lies", "why", "world", "people", "real", "story", "analysis", "hidden",
	"facts", "war", "us", "policy", "voices", "silence", "double",
	"standards", "history", "future", "economy", "justice", "peace",
};

void textgen_slug(struct srng *r, char *buf, size_t cap)
{
	struct tb b = { buf, cap, 0 };
	int n = (int)srng_range(r, 3, 6);

	if (cap)
		buf[0] = 0;
	for (int i = 0; i < n; i++) {
		if (i)
			tb_puts(&b, "-");
		tb_puts(&b, pick(r, slug_w, N(slug_w)));
	}
}
