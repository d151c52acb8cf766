#!/bin/sh
# The report's size is bounded by its caps, not by the data: on a mid-size
# synth (4000 accounts, 160 000 posts, 8 networks) every part of the page
# stays within a bound per item, and the whole page within the sum of the
# parts' bounds:
#   page <= 120 KB (head, glance, run details, script)
#         + 0.6 KB per clusters-table row + 0.6 KB per flagged-table row
#         + per cluster section: 48 KB (numbers and charts, whose size does
#           not depend on the data) + 0.7 KB per member row listed
#           + 0.2 KB per graph node + 0.04 KB per graph edge drawn
#         + 9 KB per account section
# (docs/report.md "Caps"). With small caps the page holds exactly as many
# sections and rows as the caps allow, says how many were left out, and no
# link points at a section that is not on the page. A report whose charts
# grow with the data (a titled rect per heat-map cell or timeline day) or
# whose lists are uncapped fails this.
set -eu
"$CIBSCAN" synth -o "$TMPDIR/syn" --accounts 4000 --posts 160000 --networks 8 \
	--seed 7 >/dev/null
in="$TMPDIR/syn/tweets.csv"
"$CIBSCAN" score "$in" -o "$TMPDIR/acc.csv" --clusters "$TMPDIR/cl.csv" --quiet
"$CIBSCAN" report "$in" -o "$TMPDIR/r.html" --quiet
"$CIBSCAN" report "$in" -o "$TMPDIR/small.html" --quiet --max-accounts 5 \
	--max-clusters 3 --max-members 4 --max-rows 6
python3 - "$TMPDIR/r.html" "$TMPDIR/small.html" "$TMPDIR/acc.csv" \
	"$TMPDIR/cl.csv" <<'PY'
import csv, re, sys
page = open(sys.argv[1], encoding="utf-8").read()
small = open(sys.argv[2], encoding="utf-8").read()
acc = list(csv.DictReader(open(sys.argv[3], newline="")))
cl = list(csv.DictReader(open(sys.argv[4], newline="")))
fail = []
KB = 1000
nflag = sum(1 for r in acc if r["flagged"] in ("1", "true"))

def sections(html, cls):
    out = {}
    for m in re.finditer(r'<section class="%s" id="([^"]+)"' % cls, html):
        end = html.index("</section>", m.start())
        out[m.group(1)] = html[m.start():end]
    return out

csec = sections(page, "cluster")
asec = sections(page, "account")
bound = 120 * KB
for cid, s in csec.items():
    t = s[s.find("<h3>Members"):]
    rows = t[t.find("<tbody>"):].count("<tr")
    g = re.search(r'<svg class="chart graph".*?</svg>', s, re.S)
    nodes = g.group(0).count('class="node"') if g else 0
    edges = sum(d.count("M") for d in re.findall(r'class="edge"[^>]* d="([^"]*)"',
                                                 g.group(0))) if g else 0
    b = 48 * KB + 0.7 * KB * rows + 0.2 * KB * nodes + 0.04 * KB * edges
    if len(s) > b:
        fail.append("cluster section %s: %d bytes > %d (%d rows, %d nodes, "
                    "%d edges)" % (cid, len(s), b, rows, nodes, edges))
    bound += b
for aid, s in asec.items():
    if len(s) > 9 * KB:
        fail.append("account section %s: %d bytes > 9 KB" % (aid, len(s)))
    bound += 9 * KB
for tid in ("t-accounts", "t-clusters"):
    m = re.search(r'<table id="%s".*?</table>' % tid, page, re.S)
    rows = m.group(0).count("<tr")
    if len(m.group(0)) > 0.6 * KB * rows + 2 * KB:
        fail.append("%s: %d bytes for %d rows" % (tid, len(m.group(0)), rows))
    bound += 0.6 * KB * rows + 2 * KB
if len(page) > bound:
    fail.append("page %d bytes > the sum of its bounds %d" % (len(page), bound))
if len(asec) != min(nflag, 250):
    fail.append("%d account sections for %d flagged" % (len(asec), nflag))
if len(csec) != min(len(cl), 100):
    fail.append("%d cluster sections for %d clusters" % (len(csec), len(cl)))
print("page %d bytes (bound %d); %d clusters, %d flagged accounts"
      % (len(page), bound, len(cl), nflag))

# the caps, with small values
cs, as_ = sections(small, "cluster"), sections(small, "account")
if len(as_) != min(nflag, 5):
    fail.append("--max-accounts 5: %d account sections" % len(as_))
if len(cs) != min(len(cl), 3):
    fail.append("--max-clusters 3: %d cluster sections" % len(cs))
ta = re.search(r'<table id="t-accounts".*?</table>', small, re.S).group(0)
if ta[ta.index("<tbody>"):ta.index("</tbody>")].count("<tr") != min(nflag, 6):
    fail.append("--max-rows 6: flagged table rows")
if nflag > 6 and "%d more flagged accounts not listed" % (nflag - 6) not in ta:
    fail.append("the flagged table does not say how many were left out")
if len(cl) > 3 and "%d more clusters (the lowest-scoring" % (len(cl) - 3) not in small:
    fail.append("the page does not say how many clusters have no section")
for cid, s in cs.items():
    t = s[s.index('<table id="t-'):]
    body = t[t.index("<tbody>"):t.index("</tbody>")]
    m = re.search(r"<summary>(\d+) members", s)
    if not m:
        fail.append("%s: no folded member list" % cid)
        continue
    n = int(m.group(1))
    if body.count("<tr") != min(n, 4):
        fail.append("%s: %d member rows, cap 4" % (cid, body.count("<tr")))
    if n > 4 and "%d more members not listed" % (n - 4) not in s:
        fail.append("%s does not say how many members were left out" % cid)
ids = set(re.findall(r' id="([^"]+)"', small))
for h in set(re.findall(r'href="#([^"]+)"', small)):
    if h not in ids:
        fail.append("link to #%s, which is not on the page" % h)
if nflag < 20 or len(cl) < 8:
    fail.append("the synth is too small to test the caps (%d flagged, %d "
                "clusters)" % (nflag, len(cl)))
if fail:
    print("\n".join(fail[:20]))
    sys.exit(1)
print("ok")
PY
