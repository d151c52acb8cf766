#!/bin/sh
# synth_csv.sh - 'cibscan synth' output read back with python3's csv module:
# archive header order, 31/10/3 columns, RFC 4180 quoting, ids joined across
# files, references to earlier tweets, no post before its account was
# created (an early --start), Python-repr list cells.
set -eu
"$CIBSCAN" synth -o "$TMPDIR/s" --accounts 600 --posts 9000 --seed 7 \
	--start 2013-03-01 >/dev/null
python3 - "$TMPDIR/s" <<'PY'
import ast, csv, re, sys
d = sys.argv[1]
cols = ("tweetid userid user_display_name user_screen_name user_reported_location "
        "user_profile_description user_profile_url follower_count following_count "
        "account_creation_date account_language tweet_language tweet_text tweet_time "
        "tweet_client_name in_reply_to_userid in_reply_to_tweetid quoted_tweet_tweetid "
        "is_retweet retweet_userid retweet_tweetid latitude longitude quote_count "
        "reply_count like_count retweet_count hashtags urls user_mentions "
        "poll_choices").split()
def rows(name):
    with open(f"{d}/{name}", newline="", encoding="utf-8") as f:
        return list(csv.reader(f, strict=True))
tw, us, tr = rows("tweets.csv"), rows("users.csv"), rows("truth.csv")
assert tw[0] == cols, tw[0]
assert us[0] == cols[1:11], us[0]
assert tr[0] == ["account_id", "role", "group_id"]
assert len(tw) == 9001 and len(us) == 601 and len(tr) == 601
users = {r[0] for r in us[1:]}
created = {r[0]: r[8] for r in us[1:]}
truth = {r[0]: r[1] for r in tr[1:]}
assert users == set(truth)
assert set(truth.values()) == {"organic", "cib", "news", "fan", "office", "viral"}
when = {}
for r in tw[1:]:
    assert len(r) == 31
    assert r[1] in users, r[1]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", r[13]), r[13]
    assert r[18] in ("True", "False")
    assert r[13][:10] >= created[r[1]], (r[13], created[r[1]])
    assert r[0] not in when
    when[r[0]] = r[13]
    for c in (27, 28, 29):
        v = ast.literal_eval(r[c])
        assert isinstance(v, list) and all(isinstance(x, str) for x in v)
    assert (r[18] == "True") == bool(r[20]) == bool(r[19])
    if r[18] == "True":
        assert r[12].startswith("RT @"), r[12]
n_ref = 0
for r in tw[1:]:
    for ref in (r[16], r[17], r[20]):
        if ref:
            assert ref in when, ref
            assert when[ref] <= r[13], (ref, when[ref], r[13])
            n_ref += 1
assert n_ref > 1000
print("ok", len(tw) - 1, "tweets,", n_ref, "references")
PY
