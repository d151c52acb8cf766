#!/bin/sh
# Hostile text through every page of 'cibscan serve': script-injection
# payloads (those of the report tests, tests/browser/hostile.py and
# report_xss.sh) in account ids, handles, cluster ids, reasons, partners,
# a reviewer's name and note, shown on the queue, the account and cluster
# panels (with the evidence an import with --input stores: posts, their
# copies, shared texts and links, creation days), a 409 conflict page, an
# undo page and the login page: every one
# must come back escaped - no element or attribute from the data, no
# script but /static/graph.js - and the JSON API must stay valid JSON.
set -eu
T=$TMPDIR
. "$TOP/tests/serve/common.sh"
fail() { echo "FAIL: $*" >&2; exit 1; }
db="$T/s.sqlite"
python3 - "$T" <<'PY'
import csv, sys
t = sys.argv[1]
P = ["<script>document.title='pwned'</script>",
     '"><img src=x onerror="document.title=\'pwned\'">',
     "'><svg onload=alert(1)>",
     "</td></tr></table><b id=injected>bold</b>",
     "javascript:alert(1)",
     "\x1b[31mred\x07 \x85 bad utf8: \udcff"]
def ident(i):
    return P[i].replace("\udcff", "") + str(i)
with open(t + "/acc.csv", "w", newline="", encoding="utf-8", errors="surrogateescape") as f:
    w = csv.writer(f)
    w.writerow("account_id,platform,handle,score,flagged,cluster_id,cluster_size,cluster_score,reasons".split(","))
    for i, p in enumerate(P):
        # ids stay valid UTF-8 (the JSON API addresses items by them);
        # handles and reasons carry the invalid byte too
        w.writerow([ident(i), "x<i>", p, "0.9", "1", "C1" + P[0], "6", "0.9", p + "; " + P[(i + 1) % len(P)]])
    # accounts of the run's input (platform x), whose posts, copies,
    # shared texts, links and creation days reach the evidence panels
    for i in range(4):
        # (the input's reader takes plain ids only: the payloads are in
        # the handles, texts and links)
        w.writerow(["evil%d" % i, "x", "e" + P[i], "0.8", "1", "C1" + P[0], "6", "0.9", P[i]])
# the run's input: the four x accounts post the payloads (each text by all
# of them, so every post has copies and every text is shared) with links
cols = ["tweetid", "userid", "user_display_name", "user_screen_name",
        "user_reported_location", "user_profile_description", "user_profile_url",
        "follower_count", "following_count", "account_creation_date",
        "account_language", "tweet_language", "tweet_text", "tweet_time",
        "tweet_client_name", "in_reply_to_userid", "in_reply_to_tweetid",
        "quoted_tweet_tweetid", "is_retweet", "retweet_userid", "retweet_tweetid",
        "latitude", "longitude", "quote_count", "reply_count", "like_count",
        "retweet_count", "hashtags", "urls", "user_mentions", "poll_choices"]
with open(t + "/tw.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.DictWriter(f, fieldnames=cols, quoting=csv.QUOTE_ALL)
    w.writeheader()
    n = 0
    for i in range(4):
        for k in range(4):
            n += 1
            row = dict.fromkeys(cols, "")
            row.update(tweetid=str(1000 + n), userid="evil%d" % i,
                       user_screen_name="e" + P[i], account_creation_date="2019-01-0%d" % (1 + i % 2),
                       tweet_text=P[k] + " shared words https://evil.example/" + P[k].replace(" ", "") ,
                       tweet_time="2019-05-0%d 0%d:1%d" % (1 + k, i, k), is_retweet="False",
                       urls="['https://evil.example/%s']" % P[(k + 1) % 4].replace("'", ""))
            w.writerow(row)
with open(t + "/ed.csv", "w", newline="", encoding="utf-8", errors="surrogateescape") as f:
    w = csv.writer(f)
    w.writerow(["source", "target", "log10p", "observed", "co_post"])
    for i in range(len(P) - 1):
        w.writerow([ident(i), ident(i + 1), "-5", "3", "3"])
PY
"$CIBSCAN" review init --db "$db" >/dev/null
"$CIBSCAN" review import "$T/acc.csv" --edges "$T/ed.csv" --csv-raw --input "$T/tw.csv" \
	--db "$db" >"$T/import.out"
grep -q "evidence: 4 of 10 accounts found in the inputs, 16 posts kept" "$T/import.out" ||
	fail "import --input: $(cat "$T/import.out")"
serve_start "$db"
# a hostile reviewer name (no spaces: names have none) and note
bad='"><img/src=x/onerror=alert(1)><script>alert(1)</script>'
curl -s -c "$T/m.jar" -H 'Content-Type: application/json' \
	-d "$(python3 -c 'import json,sys; print(json.dumps({"reviewer": sys.argv[1]}))' "$bad")" \
	"$URL/api/session" >"$T/m.sess"
python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["csrf"])' "$T/m.sess" >"$T/m.csrf"
session eve
# the queue lists the targets; decide the first two with a hostile note
curl -s -o "$T/q.json" "$URL/api/queue"
python3 - "$T/q.json" "$T" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
ts = [i["target"] for i in d["items"]]
assert len(ts) == 11, ts   # 10 accounts and the cluster
acc = [t for t in ts if t.startswith("account:")]
cl = [t for t in ts if t.startswith("cluster:")][0]
open(sys.argv[2] + "/targets", "w").write("\n".join(acc) + "\n")
open(sys.argv[2] + "/cluster", "w").write(cl + "\n")
open(sys.argv[2] + "/dec.json", "w").write(json.dumps({"targets": acc[:2], "decision": "confirm",
    "note": "<script>alert('note')</script>\"><img src=x onerror=alert(2)>"}))
PY
curl -s -o "$T/d.json" -w '%{http_code}' -b "$T/m.jar" -H 'Content-Type: application/json' \
	-H "X-CSRF-Token: $(cat "$T/m.csrf")" -d @"$T/dec.json" "$URL/api/decide" >"$T/status"
[ "$(cat "$T/status")" = 200 ] || fail "decide: $(cat "$T/d.json")"
dec=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["decision"])' "$T/d.json")
get() { # NAME PATH [curl args]: the page into $T/pages/NAME.html
	mkdir -p "$T/pages"
	code=$(curl -s -b "$T/eve.jar" -o "$T/pages/$1.html" -w '%{http_code}' "$URL$2")
	echo "$1 $code" >>"$T/codes"
}
enc() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }
get queue "/"
get queue_any "/?status=any"
get queue_filtered "/?status=any&reason=$(enc "<script>")&platform=$(enc "x<i>")&cluster=$(enc '"><b>')"
i=0
while read -r t; do
	i=$((i + 1))
	get "account$i" "/account?id=$(enc "${t#account:}")"
done <"$T/targets"
get cluster "/cluster?id=$(enc "$(sed 's/^cluster://' "$T/cluster")")"
# the evidence panels: rhythm, posts and their copies (x accounts); the
# cluster's pooled rhythm, shared texts/links/domains, creation batches
python3 - "$T/pages" <<'PY'
import glob, sys
pages = {p: open(p, encoding="utf-8").read() for p in glob.glob(sys.argv[1] + "/account*.html")}
ev = [h for h in pages.values() if 'id="rhythm"' in h]
if len(ev) != 4:
    sys.exit("FAIL: %d account pages with a rhythm chart, not 4" % len(ev))
for h in ev:
    posts = h[h.index('id="posts"'):]
    posts = posts[:posts.index("</table>")]
    # 4 posts, each copied by the 3 other x accounts, listed by id
    if posts.count("<tr><td>2019-05-0") != 4 or posts.count('<td class="num">3</td>') != 4:
        sys.exit("FAIL: the posts table: %s" % posts[:400])
    if "&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;" not in posts:
        sys.exit("FAIL: the payload post is not shown escaped")
    if posts.count('<a href="/account?id=x:evil') != 12:
        sys.exit("FAIL: copies do not link to the copying accounts")
c = open(sys.argv[1] + "/cluster.html", encoding="utf-8").read()
for id_ in ("pooled-rhythm", "shared-texts", "shared-urls", "shared-domains", "creation"):
    if 'id="%s"' % id_ not in c:
        sys.exit("FAIL: the cluster page has no #%s" % id_)
st = c[c.index('id="shared-texts"'):]
st = st[:st.index("</table>")]
if st.count("<tr><td") != 4 or "&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;&lt;b id=injected&gt;" not in st:
    sys.exit("FAIL: shared texts: %s" % st[:600])
if "evil.example" not in c[c.index('id="shared-domains"'):]:
    sys.exit("FAIL: shared domains")
cr = c[c.index('id="creation"'):]
if "2019-01-01" not in cr[:cr.index("</table>")]:
    sys.exit("FAIL: creation days")
PY
# a conflict page (409) naming the hostile reviewer and note
first=$(head -1 "$T/targets")
code=$(curl -s -b "$T/eve.jar" -o "$T/pages/conflict.html" -w '%{http_code}' \
	--data-urlencode "csrf=$(cat "$T/eve.csrf")" --data-urlencode "item=$first" \
	--data-urlencode "decision=dismiss" --data-urlencode "note=<b>n</b>" \
	--data-urlencode "back=/" "$URL/decide")
[ "$code" = 409 ] || fail "conflict page: $code"
# an undo refused (eve changes it after the hostile reviewer's decision)
curl -s -b "$T/eve.jar" -o "$T/junk" --data-urlencode "csrf=$(cat "$T/eve.csrf")" \
	--data-urlencode "item=$first" --data-urlencode "decision=dismiss" \
	--data-urlencode "supersede=1" "$URL/decide"
code=$(curl -s -b "$T/eve.jar" -o "$T/pages/undo.html" -w '%{http_code}' \
	--data-urlencode "csrf=$(cat "$T/eve.csrf")" --data-urlencode "decision=$dec" "$URL/undo")
[ "$code" = 409 ] || fail "undo conflict page: $code"
curl -s -o "$T/pages/login.html" "$URL/login"
grep -v ' 200$' "$T/codes" && fail "a page failed"
# the API stays valid JSON with the same text
for t in $(head -2 "$T/targets" | while read -r x; do enc "$x"; done); do
	curl -s "$URL/api/item?target=$t" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["history"]'
done
curl -s "$URL/api/export?format=json" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["count"] >= 1, d'
python3 - "$T/pages" <<'PY'
import glob, os, sys
from html.parser import HTMLParser
fail = []
class P(HTMLParser):
    def __init__(self):
        super().__init__(); self.bad = []; self.text = []
    def handle_starttag(self, tag, attrs):
        if tag in ("img", "b", "iframe", "object", "embed", "svg") and not (
                tag == "b" and not attrs) and not (tag == "svg" and (("class", "graph") in attrs or
                                          ("class", "rhythm") in attrs)):
            self.bad.append(tag)
        if tag == "script" and attrs != [("src", "/static/graph.js")]:
            self.bad.append("script %r" % attrs)
        for k, v in attrs:
            if k.startswith("on") or (v or "").strip().lower().startswith("javascript:"):
                self.bad.append("%s %s=%r" % (tag, k, v))
    def handle_data(self, d):
        self.text.append(d)
seen = 0
for path in sorted(glob.glob(sys.argv[1] + "/*.html")):
    raw = open(path, "rb").read()
    html = raw.decode("utf-8")   # valid UTF-8 throughout
    p = P(); p.feed(html)
    name = os.path.basename(path)
    if p.bad:
        fail.append("%s: %s" % (name, sorted(set(p.bad))))
    for c in range(0x20):
        if chr(c) in "".join(p.text).replace("\n", "").replace("\t", ""):
            fail.append("%s: raw control character %#x" % (name, c))
    if "\x1b" in html or "\x07" in html:
        fail.append("%s: raw ESC/BEL" % name)
    if "&lt;script&gt;" in html:
        seen += 1
# the payloads are shown, escaped, on the pages that show data
if seen < 8:
    fail.append("escaped payloads on only %d pages" % seen)
if fail:
    print("\n".join(fail)); sys.exit(1)
print("%d pages clean" % len(glob.glob(sys.argv[1] + "/*.html")))
PY
echo ok
