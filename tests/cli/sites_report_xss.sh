#!/bin/sh
# Hostile data in what the report shows of a crawl's site networks (page
# titles, the HTTP Server header, a shared HTML comment, article text, next to hostile account
# fields) renders as text: no element or attribute comes from the data and
# the page keeps exactly one script (ours).
set -eu
"$CIBSCAN" synth -o "$TMPDIR/ex" --accounts 300 --posts 12000 --networks 1 \
	--seed 3 >/dev/null
"$CIBSCAN" synth-sites -o "$TMPDIR/cr" --seed 5 --organic 60 --haixun 1 \
	--haimai 0 --pages 3 2>/dev/null
python3 "$TOP/tests/sites/hostile_crawl.py" "$TMPDIR/cr" "$TMPDIR/h.warc"
mkdir "$TMPDIR/l"
python3 "$TOP/tests/sites/link_export.py" "$TMPDIR/ex" "$TMPDIR/cr" \
	"$TMPDIR/l/tweets.csv" >/dev/null
cp "$TMPDIR/ex/truth.csv" "$TMPDIR/l/truth.csv"
python3 "$TOP/tests/browser/hostile.py" "$TMPDIR/l" "$TMPDIR/h.csv"
"$CIBSCAN" report "$TMPDIR/h.csv" "$TMPDIR/h.warc" -o "$TMPDIR/r.html" \
	--quiet
python3 - "$TMPDIR/r.html" <<'PY'
import re, sys
from html.parser import HTMLParser
html = open(sys.argv[1], encoding="utf-8").read()
fail = []
i = html.find('<section class="sites" id="sites">')
if i < 0 or 'id="sites-1"' not in html:
    fail.append("no site network section")
sites = html[i:html.find("</section>\n", html.find('id="sites-1"'))]
if html.count("<script") != 1:
    fail.append("%d script tags" % html.count("<script"))
for bad in ("<img", "<svg onload", "<b id", "onerror=\""):
    if bad in html:
        fail.append("raw %r in the page" % bad)
for want in ("&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;",
             "&quot;&gt;&lt;img src=x onerror=&quot;document.title="):
    if want not in sites:
        fail.append("escaped %r missing from the sites section" % want)
m = re.search(r"<dt>template</dt><dd>(.*?)</dd>", sites, re.S)
if not m or "&quot;&gt;&lt;img src=x onerror=&quot;document.title=" not in m.group(1):
    fail.append("the shared comment is not shown escaped among the template traits")
if "Near-identical articles" not in sites:
    fail.append("no articles side by side")
class P(HTMLParser):
    bad = []
    def handle_starttag(self, tag, attrs):
        if tag in ("img", "iframe", "object", "embed", "link") or \
           (tag == "b" and attrs):
            self.bad.append(tag)
        for k, v in attrs:
            if k.startswith("on") or (v or "").strip().lower().startswith("javascript:"):
                self.bad.append("%s %s" % (tag, k))
p = P()
p.feed(html)
if p.bad:
    fail.append("elements or attributes from the data: %s" % sorted(set(p.bad)))
if fail:
    print("\n".join(fail))
    sys.exit(1)
PY
