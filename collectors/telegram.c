/* telegram.c - Telegram Desktop "Export chat history" result.json.
 *
 * One chat ({name, type, id, messages}) or a full account export
 * ({chats: {list: [...]}, left_chats: {list: [...]}}). Always one
 * document: it is read whole (under --max-document) after rewriting the
 * invalid "\xNN" escapes some exporter versions write as "\u00NN", so one
 * bad escape does not cost the whole file.
 *
 * Post id is "<chat id>:<message id>" (message ids restart in every
 * chat); account id is from_id ("user123", "channel456"), or
 * "channel<chat id>" for a channel's own posts when an old export has no
 * from_id. Time is date_unixtime (UTC) when present; `date` alone is the
 * exporting machine's local time without a zone and is read as UTC (a
 * known limitation, flagged in docs/formats.md). Service messages (joins,
 * pins) are not posts and are passed over. A forward is a REPOST (its
 * origin is only a display name, so ref_post stays unknown); a reply
 * points at "<chat id>:<reply_to_message_id>" and its author is looked up
 * among the chat's messages through a sorted table.
 */
#include "telegram.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonread.h"

struct tg_msg {
	double id;
	const char *from;
};

struct tg_state {
	struct jr_ctx c;
	struct tg_msg *msgs;
	size_t n, cap;
};

int telegram_sniff(const char *head, size_t n)
{
	int score = 0;

	if (jr_first_char(head, n) != '{')
		return 0;
	if (jr_has_key(head, n, "messages") || jr_has_key(head, n, "chats"))
		score = 50;
	if (score && (jr_has_key(head, n, "date_unixtime") ||
		      jr_has_key(head, n, "from_id") ||
		      jr_has_key(head, n, "text_entities")))
		score += 40;
	if (jr_has_key(head, n, "personal_information") ||
	    jr_has_key(head, n, "left_chats"))
		score = score > 80 ? score : 80;
	return score;
}

static int cmp_msg(const void *a, const void *b)
{
	double x = ((const struct tg_msg *)a)->id;
	double y = ((const struct tg_msg *)b)->id;

	return x < y ? -1 : x > y;
}

/* Builds the id -> from_id table of one chat's messages. */
static enum cib_err index_chat(struct tg_state *t, const cJSON *msgs)
{
	const cJSON *m;

	t->n = 0;
	cJSON_ArrayForEach(m, msgs)
	{
		const cJSON *id = jr_get(m, "id"), *from = jr_get(m, "from_id");

		if (!cJSON_IsNumber(id) || !cJSON_IsString(from))
			continue;
		if (t->n == t->cap) {
			size_t nc = t->cap ? t->cap * 2 : 256;
			struct tg_msg *nm = realloc(t->msgs, nc * sizeof(*nm));

			if (!nm)
				return CIB_ENOMEM;
			t->msgs = nm;
			t->cap = nc;
		}
		t->msgs[t->n].id = id->valuedouble;
		t->msgs[t->n].from = from->valuestring;
		t->n++;
	}
	if (t->n > 1) /* msgs is NULL when there are none */
		qsort(t->msgs, t->n, sizeof(*t->msgs), cmp_msg);
	return CIB_OK;
}

static const char *author_of(const struct tg_state *t, const cJSON *id)
{
	struct tg_msg key;
	const struct tg_msg *r;

	if (!cJSON_IsNumber(id) || t->n == 0)
		return NULL;
	key.id = id->valuedouble;
	key.from = NULL;
	r = bsearch(&key, t->msgs, t->n, sizeof(*t->msgs), cmp_msg);
	return r ? r->from : NULL;
}

/* Joins a text given as a string or as an array of strings and
 * {type, text} parts; entity parts add to the post's entities. */
static const char *join_text(struct tg_state *t, const cJSON *text)
{
	struct jr_ctx *c = &t->c;
	const cJSON *e;
	size_t len = 0;
	char *buf;

	if (!text)
		return NULL;
	if (cJSON_IsString(text))
		return text->valuestring;
	if (!cJSON_IsArray(text)) {
		jr_fail(c, "text", "expected a string or an array");
		return NULL;
	}
	cJSON_ArrayForEach(e, text)
	{
		const char *s = cJSON_IsString(e) ? e->valuestring
						  : jr_str(c, e, "text");
		if (s)
			len += strlen(s);
	}
	buf = malloc(len + 1);
	if (!buf) {
		jr_fail(c, "text", "out of memory");
		return NULL;
	}
	len = 0;
	cJSON_ArrayForEach(e, text)
	{
		const char *s = cJSON_IsString(e) ? e->valuestring
						  : jr_str(c, e, "text");
		size_t l = s ? strlen(s) : 0;

		memcpy(buf + len, s ? s : "", l);
		len += l;
	}
	buf[len] = '\0';
	{
		const char *kept = jr_dup(c, buf, len);

		free(buf);
		return kept;
	}
}

static void add_entities(struct jr_ctx *c, const cJSON *ents)
{
	const cJSON *e;

	cJSON_ArrayForEach(e, jr_items(ents))
	{
		const char *type = jr_str(c, e, "type"), *s;

		if (!type)
			continue;
		s = jr_str(c, e, "text");
		if (strcmp(type, "link") == 0)
			jr_ent(c, ENT_URL, s);
		else if (strcmp(type, "text_link") == 0)
			jr_ent(c, ENT_URL, jr_str(c, e, "href"));
		else if (strcmp(type, "hashtag") == 0)
			jr_ent(c, ENT_HASHTAG, s && *s == '#' ? s + 1 : s);
		else if (strcmp(type, "mention") == 0)
			jr_ent(c, ENT_MENTION, s && *s == '@' ? s + 1 : s);
		else if (strcmp(type, "mention_name") == 0) {
			const char *uid = jr_id(c, e, "user_id");

			jr_ent(c, ENT_MENTION, uid ? jr_fmt(c, "user%s", uid) : s);
		}
	}
}

static enum cib_err add_message(struct tg_state *t, const cJSON *m,
				const char *chat_id, const char *chat_type,
				const char *chat_name, const char *path)
{
	struct jr_ctx *c = &t->c;
	struct post_rec r;
	struct account_rec a;
	const char *type, *mid, *from;
	const cJSON *ents, *reply;
	enum cib_err err;

	jr_ctx_reset(c);
	jr_path(c, "%s", path);
	if (!cJSON_IsObject(m))
		return jr_report(c, NULL, "expected a message object");
	type = jr_str(c, m, "type");
	if (type && strcmp(type, "service") == 0 && !c->bad)
		return CIB_OK;
	post_rec_init(&r);
	account_rec_init(&a);
	r.platform = a.platform = PLATFORM_TELEGRAM;
	mid = jr_id(c, m, "id");
	if (mid)
		r.id = jr_fmt(c, "%s:%s", chat_id, mid);
	r.time = jr_time(c, m, "date_unixtime", JR_TIME_UNIX, NULL);
	if (r.time == TIME_NONE && !c->bad)
		r.time = jr_time(c, m, "date", JR_TIME_ISO, NULL);
	from = jr_str(c, m, "from_id");
	a.name = jr_str(c, m, "from");
	if (!from && chat_type && strstr(chat_type, "channel")) {
		from = jr_fmt(c, "channel%s", chat_id);
		if (!a.name)
			a.name = chat_name;
	}
	r.account_id = a.id = from;
	r.text = join_text(t, jr_get(m, "text"));
	ents = jr_arr(c, m, "text_entities");
	add_entities(c, ents);
	reply = jr_get(m, "reply_to_message_id");
	if (jr_get(m, "forwarded_from") || jr_get(m, "forwarded_from_id")) {
		r.kind = POST_REPOST;
		r.ref_account = jr_str(c, m, "forwarded_from_id");
	} else if (reply) {
		const char *rid = jr_id(c, m, "reply_to_message_id");

		r.kind = POST_REPLY;
		if (rid)
			r.ref_post = jr_fmt(c, "%s:%s", chat_id, rid);
		r.ref_account = author_of(t, reply);
	}
	if (!c->bad && a.id && (err = jr_add_account(c, &a)))
		return err;
	return jr_add_post(c, &r, "id", "from_id", "date_unixtime");
}

static enum cib_err read_chat(struct tg_state *t, const cJSON *chat,
			      const char *path)
{
	struct jr_ctx *c = &t->c;
	const cJSON *msgs, *m;
	const char *cid, *ctype, *cname;
	char p[96], idbuf[40];
	enum cib_err err;
	int i = 0;

	jr_ctx_reset(c);
	jr_path(c, "%s", path);
	if (!cJSON_IsObject(chat))
		return jr_report(c, NULL, "expected a chat object");
	cid = jr_id(c, chat, "id");
	ctype = jr_str(c, chat, "type");
	cname = jr_str(c, chat, "name");
	msgs = jr_arr(c, chat, "messages");
	if (c->bad)
		return jr_report(c, NULL, "");
	if (!cid)
		return jr_report(c, "id", "missing chat id");
	if (!msgs)
		return CIB_OK; /* a chat without messages exported */
	/* the strings above live in the tree or in scratch that the next
	 * reset frees: copy what outlives it */
	snprintf(idbuf, sizeof(idbuf), "%s", cid);
	if ((err = index_chat(t, msgs)))
		return err;
	cJSON_ArrayForEach(m, msgs)
	{
		snprintf(p, sizeof(p), "%s%smessages[%d]", path,
			 path[0] ? "." : "", i++);
		if ((err = add_message(t, m, idbuf, ctype, cname, p)))
			return err;
	}
	return CIB_OK;
}

static enum cib_err read_list(struct tg_state *t, const cJSON *root,
			      const char *key)
{
	const cJSON *list = jr_get(jr_get(root, key), "list"), *e;
	char p[64];
	int i = 0;
	enum cib_err err;

	if (!jr_get(root, key))
		return CIB_OK;
	if (!cJSON_IsArray(list)) {
		jr_ctx_reset(&t->c);
		jr_path(&t->c, "%s", key);
		return jr_report(&t->c, "list", "expected an array");
	}
	cJSON_ArrayForEach(e, list)
	{
		snprintf(p, sizeof(p), "%s.list[%d]", key, i++);
		if ((err = read_chat(t, e, p)))
			return err;
	}
	return CIB_OK;
}

static enum cib_err on_doc(struct ingest *in, const cJSON *v, uint64_t line,
			   void *ctx)
{
	struct tg_state *t = ctx;
	enum cib_err err;

	(void)line;
	if (cJSON_IsObject(v) && jr_get(v, "messages"))
		return read_chat(t, v, "");
	if (cJSON_IsObject(v) && (jr_get(v, "chats") || jr_get(v, "left_chats"))) {
		if ((err = read_list(t, v, "chats")))
			return err;
		return read_list(t, v, "left_chats");
	}
	ingest_fail(in, "%s", "not a Telegram export (no 'messages' or "
			      "'chats')");
	return CIB_EFORMAT;
}

enum cib_err telegram_read(struct ingest *in, struct source *src)
{
	struct tg_state t;
	enum cib_err err;

	memset(&t, 0, sizeof(t));
	jr_ctx_init(&t.c, in, 0);
	err = jsonread_document(in, src, JR_REPAIR_XESCAPES, on_doc, &t);
	jr_ctx_release(&t.c);
	free(t.msgs);
	return err;
}
