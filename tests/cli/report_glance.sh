#!/bin/sh
# The report's first screen tells the story: a section "At a glance"
# first (what was read, how many flagged, in which clusters, one verdict
# sentence per flagged cluster in score order, an overview map of every
# cluster with axis titles, every unflagged cluster saying why not), the
# clusters table and sections flagged-first by score, the run's settings
# last; charts carry axis titles with units and the time zone; unflagged
# clusters show no fitted break bands; no p-value is written 0.0e+00.
set -eu
"$CIBSCAN" synth -o "$TMPDIR/syn" --accounts 600 --posts 24000 --seed 5 >/dev/null
in="$TMPDIR/syn/tweets.csv"
"$CIBSCAN" score "$in" -o "$TMPDIR/acc.csv" --clusters "$TMPDIR/cl.csv" --quiet
"$CIBSCAN" report "$in" -o "$TMPDIR/r.html" --quiet
python3 - "$TMPDIR/r.html" "$TMPDIR/cl.csv" "$TMPDIR/acc.csv" <<'PY'
import csv, re, sys
html = open(sys.argv[1], encoding="utf-8").read()
cl = list(csv.DictReader(open(sys.argv[2], newline="")))
fail = []
sec = [m.group(1) for m in re.finditer(r'<section[^>]* id="([^"]+)"', html)]
if not sec or sec[0] != "glance":
    fail.append("first section is %s, not the glance" % sec[:1])
if sec.index("summary") < sec.index("clusters"):
    fail.append("the settings come before the results")
g = html[html.index('id="glance"'):html.index('id="clusters"')]
flagged = [r for r in cl if int(r["flagged"]) > 0]
unflagged = [r for r in cl if int(r["flagged"]) == 0]
m = re.search(r'<strong>(\d+) accounts? flagged</strong>', g)
if not m:
    fail.append("no flagged count on the first screen")
items = re.findall(r'<li class="flagged"><a href="#cluster-(C\d+)">', g)
if sorted(items) != sorted(r["cluster_id"] for r in flagged):
    fail.append("verdicts for %s, flagged clusters %s" % (items, [r["cluster_id"] for r in flagged]))
sc = {r["cluster_id"]: float(r["score"]) for r in cl}
if any(sc[a] < sc[b] - 1e-6 for a, b in zip(items, items[1:])):
    fail.append("verdicts not by score: %s" % items)
if not all(re.search(r'#cluster-%s">%s</a>: <strong>(coordinated[^<]*)</strong>' % (i, i), g) for i in items):
    fail.append("a flagged cluster without its verdict sentence")
why = re.findall(r'<li class="unflagged"><a href="#cluster-(C\d+)">[^<]*</a> \(\d+ accounts\): not flagged &mdash; [^<]*no member reached the flagging threshold', g)
# the reason comes first: a cluster without evidence says so before the
# threshold it could not reach
for r in unflagged:
    if r.get("verdict", "").startswith("coordinated; no evidence") and not re.search(
            r'#cluster-%s">[^<]*</a> \(\d+ accounts\): not flagged &mdash; its members act together but show no evidence of inauthenticity, so no member' % r["cluster_id"], g):
        fail.append("unflagged %s does not lead with its missing evidence" % r["cluster_id"])
if sorted(why) != sorted(r["cluster_id"] for r in unflagged):
    fail.append("unflagged clusters saying why: %s of %s" % (why, [r["cluster_id"] for r in unflagged]))
om = g[g.index('id="overview-map"'):]
om = om[:om.index("</svg>")]
if om.count("<circle") != len(cl):
    fail.append("overview map: %d circles, %d clusters" % (om.count("<circle"), len(cl)))
if "mean member score" not in om or "accounts (log scale)" not in om:
    fail.append("overview map without axis titles")
# cluster table rows: flagged first by score
rows = re.findall(r'<tr( class="flagged")?><td><a href="#cluster-(C\d+)">', html)
if [r[1] for r in rows[:len(flagged)]] != items or any(r[0] for r in rows[len(flagged):]):
    fail.append("clusters table order: %s" % [r[1] for r in rows])
# charts: axis titles with units and zone
bars = html.count('class="chart bars"') or len(re.findall(r'<svg[^>]*class="[^"]*bars', html))
titles = len(re.findall(r'class="axis-title"', html))
if titles < 2 * bars or "posts per half hour" not in html or "hour of day (" not in html:
    fail.append("%d axis titles for %d bar charts" % (titles, bars))
if "posts per day" not in html or "date (" not in html:
    fail.append("timelines without axis titles")
# every chart: axis titles (with the time zone named where time is the
# axis) and a legend for what its colours mean
for m in re.finditer(r'<svg class="chart (\w+)".*?</svg>', html, re.S):
    kind, svg = m.group(1), m.group(0)
    t = re.findall(r'class="axis-title"[^>]*>([^<]*)<', svg)
    if kind == "bars" and (len(t) < 2 or not re.search(r"\(.+ time\)", t[0])):
        fail.append("a bar chart's axis titles: %s" % t)
    if kind == "heatmap" and (not t or not re.search(r"\(.+ time\)", t[0])
                              or "posts per cell:" not in svg):
        fail.append("a heat map without axis title or colour legend: %s" % t)
    if kind == "timeline" and (len(t) < 2 or not t[0].startswith("date (")):
        fail.append("a timeline's axis titles: %s" % t)
    if kind == "graph" and ("account score:" not in svg or "co_" not in svg):
        fail.append("a graph without its colour legends")
# unflagged clusters: say why not, no break bands, no shift model
for r in unflagged:
    s = html[html.index('id="cluster-%s"' % r["cluster_id"]):]
    s = s[:s.index("</section>")]
    if "lunch break" in s or "supper break" in s or "office-shift model" in s:
        fail.append("unflagged %s draws break bands" % r["cluster_id"])
    if not re.search(r'<p class="why-not">Not flagged: [^<]*no member reached the flagging threshold', s):
        fail.append("unflagged %s does not say why not in its section" % r["cluster_id"])
# timelines follow the data's span: every cluster's timeline starts and
# ends within the input's posting span (a day of slack for the reference
# zone), not on a fixed window
import datetime
span = re.search(r'posted (\d{4}-\d\d-\d\d) [^&]*&ndash; (\d{4}-\d\d-\d\d)', g)
d0, d1 = (datetime.date.fromisoformat(x) for x in span.groups())
for r in flagged + unflagged:
    s = html[html.index('id="cluster-%s"' % r["cluster_id"]):]
    s = s[:s.index("</section>")]
    tl = re.search(r'<svg class="chart timeline".*?</svg>', s, re.S)
    ticks = re.findall(r'>(\d{4}-\d\d-\d\d)</text>', tl.group(0)) if tl else []
    days = [datetime.date.fromisoformat(x) for x in ticks]
    if not days or days[0] < d0 - datetime.timedelta(1) or days[-1] > d1 + datetime.timedelta(1):
        fail.append("%s: timeline ticks %s outside the data's span %s..%s"
                    % (r["cluster_id"], ticks[:1] + ticks[-1:], d0, d1))
# plain words first: no statistic's name in the verdicts (the numbers are
# in the cluster sections), and a cluster passing the office test says so
# as "office hours on <zone> time"
if "log-likelihood" in g or "likelihood ratio" in g:
    fail.append("a statistic's name in the glance's verdicts")
for r in flagged:
    v = re.search(r'#cluster-%s">[^\n]*?</li>' % r["cluster_id"], g).group(0)
    if r["office_p"] and float(r["office_p"]) < 0.05 and "office hours on " not in v:
        fail.append("%s passes the office test, its verdict does not say so: %s"
                    % (r["cluster_id"], v))
if not re.search(r'<dt>Office-shift day</dt><dd>fits the posting times (better|no better) '
                 r'than an organic day \(log-likelihood ratio ', html):
    fail.append("the cluster sections do not compare the office day in words")
# the flagged table shows each account's headline (accounts.csv's), not the
# long reasons; under the title, a line on how to use the tables, not a
# stray status word
acc = {r["account_id"]: r for r in csv.DictReader(open(sys.argv[3], newline=""))}
ta = html[html.index('<table id="t-accounts"'):]
ta = ta[:ta.index("</table>")]
if "<th>headline</th>" not in ta or "<th>reasons</th>" in ta:
    fail.append("the flagged table's column is not the headline")
rows = re.findall(r'<tr><td class="id">([^<]*)</td>.*?<td class="txt"[^>]*>(?:<a [^>]*>)?([^<]*)<', ta)
import html as H
bad = [i for i, h in rows if H.unescape(h) != acc[H.unescape(i)]["headline"]]
if not rows or bad:
    fail.append("flagged table: %d rows, %d whose cell is not the headline (%s)"
                % (len(rows), len(bad), bad[:2]))
st = re.search(r'<div id="js-status"[^>]*>([^<]*)</div>', html)
if not st or "interactive" in st.group(1) or not st.group(1).startswith("Tables: "):
    fail.append("the line under the title: %r" % (st and st.group(1)))
if "(null)" in html:
    fail.append("a NULL string printed into the page")
if "e+00" in html:
    fail.append("a p-value written as 0.0e+00")
if "Noto Sans CJK" not in html:
    fail.append("no CJK font fallback")
if fail:
    print("\n".join(fail)); sys.exit(1)
print("glance ok: %d flagged and %d unflagged clusters" % (len(flagged), len(unflagged)))
PY
