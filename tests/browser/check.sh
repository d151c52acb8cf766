#!/bin/sh
# check.sh CIBSCAN WORKDIR - renders a report in headless Chromium and checks
# that the page's script ran without errors (the marker it writes into the
# DOM, and no #js-error from window.onerror), that its own sort/filter self
# test passed, that the charts are in the rendered DOM, that no injected
# element exists, and takes a screenshot (WORKDIR/report.png).
# Exit 0 = pass; prints SKIP and exits 77 (skipped) when Chromium is not
# installed.
set -eu
cib=$1
work=$2
here=$(cd "$(dirname "$0")" && pwd)
chrome=""
for c in chromium chromium-browser google-chrome; do
	if command -v "$c" >/dev/null 2>&1; then
		chrome=$c
		break
	fi
done
if [ -z "$chrome" ]; then
	echo "SKIP: chromium is not installed (scripts/install-deps.sh installs it)"
	exit 77
fi
mkdir -p "$work"
"$cib" synth -o "$work/syn" --accounts 400 --posts 20000 --seed 3 >/dev/null
python3 "$here/hostile.py" "$work/syn" "$work/hostile.csv"
"$cib" report "$work/hostile.csv" -o "$work/report.html" --quiet

run_chrome() {
	# a fresh profile each time; no network, no first-run work
	prof=$(mktemp -d "$work/prof.XXXXXX")
	timeout 120 "$chrome" --headless --no-sandbox --disable-gpu \
		--disable-background-networking --disable-component-update \
		--disable-sync --no-first-run --user-data-dir="$prof" "$@" \
		2>"$work/chrome.log"
	rm -rf "$prof"
}

url="file://$work/report.html"
run_chrome --dump-dom "$url#selftest" >"$work/dom.html"
run_chrome --screenshot="$work/report.png" --window-size=1400,3000 "$url" \
	>/dev/null
python3 - "$work/dom.html" "$work/report.png" <<'PY'
import sys
from html.parser import HTMLParser

dom, png = sys.argv[1], sys.argv[2]

class P(HTMLParser):
    def __init__(self):
        super().__init__()
        self.status = None
        self.error = False
        self.svg = {}
        self.bad = []
        self.title = ""
        self.in_title = False
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id") == "js-status":
            self.status = a
        if a.get("id") == "js-error":
            self.error = True
        if tag == "svg":
            for c in (a.get("class") or "").split():
                self.svg[c] = self.svg.get(c, 0) + 1
        if tag in ("img", "script") and tag == "img":
            self.bad.append(tag)
        if tag == "b" or a.get("id") == "injected":
            self.bad.append(tag)
        if any(k.startswith("on") for k in a):
            self.bad.append(tag + " with an on* attribute")
        if tag == "title" and not self.title:
            self.in_title = True
    def handle_data(self, d):
        if self.in_title:
            self.title += d
    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False

p = P()
p.feed(open(dom, encoding="utf-8").read())
fail = []
if not p.status or p.status.get("data-state") != "ok":
    fail.append("the page's script did not run (js-status %r)" % p.status)
elif p.status.get("data-selftest") != "pass":
    fail.append("sort/filter/page self test: %r" % p.status.get("data-selftest"))
if p.error:
    fail.append("window.onerror caught a script error")
# the flagged table has more rows than a page: the script added its pager
if '<div class="pager">' not in open(dom, encoding="utf-8").read():
    fail.append("no pager on the flagged-accounts table")
for c in ("bars", "heatmap", "timeline", "graph"):
    if p.svg.get(c, 0) < 1:
        fail.append("no %s chart in the rendered page" % c)
if p.bad:
    fail.append("injected elements in the DOM: %s" % sorted(set(p.bad)))
if "pwned" in p.title:
    fail.append("an injected script ran (title %r)" % p.title)
data = open(png, "rb").read()
if data[:8] != b"\x89PNG\r\n\x1a\n" or len(data) < 20000:
    fail.append("no usable screenshot (%d bytes)" % len(data))
if fail:
    print("\n".join(fail))
    sys.exit(1)
print("browser: DOM built in %s ms, laid out in %s ms (from parse start), self test passed, charts %s, "
      "screenshot %d bytes" % (p.status.get("data-parse-ms"), p.status.get("data-ready-ms"), p.svg, len(data)))
PY
