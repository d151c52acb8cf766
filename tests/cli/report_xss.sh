#!/bin/sh
# Hostile data in every field the report shows (handles, names, locations,
# descriptions, post texts, the title, file names, review notes) renders as
# text: no element or attribute comes from the data, the page has exactly
# one script (ours), and the Content-Security-Policy pins that script by a
# SHA-256 recomputed here.
set -eu
"$CIBSCAN" synth -o "$TMPDIR/syn" --accounts 400 --posts 16000 --seed 9 >/dev/null
python3 "$TOP/tests/browser/hostile.py" "$TMPDIR/syn" "$TMPDIR/h.csv"
in="$TMPDIR/h.csv"
"$CIBSCAN" score "$in" -o "$TMPDIR/acc.csv" --quiet
db="$TMPDIR/s.sqlite"
"$CIBSCAN" review import "$TMPDIR/acc.csv" --db "$db" >/dev/null
acc=$(awk -F, 'NR == 2 { print $1 }' "$TMPDIR/acc.csv" | sed "s/^'//")
"$CIBSCAN" review decide "$acc" --decision confirm --db "$db" \
	--reviewer '<script>alert(1)</script>' \
	--note '"><img src=x onerror=alert(1)>' >/dev/null
"$CIBSCAN" report "$in" -o "$TMPDIR/r.html" --quiet --db "$db" \
	--title '<script>alert(1)</script>'
python3 - "$TMPDIR/r.html" <<'PY'
import base64, hashlib, re, sys
from html.parser import HTMLParser
html = open(sys.argv[1], encoding="utf-8").read()
fail = []
scripts = re.findall(r"<script>(.*?)</script>", html, re.S)
if html.count("<script") != 1 or len(scripts) != 1:
    fail.append("%d script tags" % html.count("<script"))
else:
    h = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
    if "script-src 'sha256-%s'" % h not in html:
        fail.append("CSP does not pin the script (sha256-%s)" % h)
if "default-src 'none'" not in html:
    fail.append("no restrictive Content-Security-Policy")
for bad in ("<img", "<svg onload", "<b id", "onerror=\"", "</table><b"):
    if bad in html:
        fail.append("raw %r in the page" % bad)
for want in ("&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;",
             "&quot;&gt;&lt;img src=x onerror=&quot;document.title=",
             "&lt;script&gt;alert(1)&lt;/script&gt;",
             "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"):
    if want not in html:
        fail.append("escaped %r missing" % want)
class P(HTMLParser):
    bad = []
    def handle_starttag(self, tag, attrs):
        if tag in ("img", "b", "iframe", "object", "embed", "link"):
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
