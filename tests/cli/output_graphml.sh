#!/bin/sh
# A control character in a handle (XML 1.0 cannot hold it) must not fail
# --graphml: it is written escaped as text, the file parses, and every
# output of the run is there. And a run whose last output fails replaces
# none of the earlier ones (all or none; docs/outputs.md).
set -eu
T="$TMPDIR"
fail() { echo "FAIL: $*" >&2; exit 1; }
"$CIBSCAN" synth -o "$T/syn" --accounts 400 --posts 16000 --seed 11 >/dev/null
# every handle gets a \x01, an ESC and a byte that is not UTF-8
python3 - "$T/syn/tweets.csv" "$T/bad.csv" <<'PY'
import csv, sys
with open(sys.argv[1], newline="", encoding="utf-8") as f, \
     open(sys.argv[2], "w", newline="", encoding="utf-8",
          errors="surrogateescape") as g:
    r = csv.reader(f)
    w = csv.writer(g, quoting=csv.QUOTE_ALL, lineterminator="\n")
    h = next(r)
    w.writerow(h)
    k = h.index("user_screen_name")
    for row in r:
        row[k] = "x\x01" + row[k] + "\x1b[31m\udcff"
        w.writerow(row)
PY
"$CIBSCAN" score "$T/bad.csv" --quiet -o "$T/a.csv" --clusters "$T/c.csv" \
	--edges "$T/e.csv" --graphml "$T/g.graphml" 2>"$T/err" ||
	{ cat "$T/err"; fail "score with a control character in a handle"; }
for f in a.csv c.csv e.csv g.graphml; do
	[ -s "$T/$f" ] || fail "$f missing"
done
python3 - "$T/g.graphml" <<'PY'
import sys
import xml.etree.ElementTree as ET
ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
root = ET.parse(sys.argv[1]).getroot()
keys = {k.get("id"): k.get("attr.name") for k in root.iter("{%s}key" % ns["g"])}
handles = [d.text for d in root.iter("{%s}data" % ns["g"])
           if keys.get(d.get("key")) == "handle"]
assert handles, "no handles in the GraphML"
for h in handles:
    # the reader may already have repaired the stray byte as U+FFFD
    assert h.startswith("x\\x01") and (h.endswith("\\x1b[31m\\xff") or
                                       h.endswith("\\x1b[31m\ufffd")), repr(h)
    assert not any(ord(c) < 32 for c in h), repr(h)
print(len(handles), "handles")
PY
# ready for Gephi: every node has a label (its handle) and x, y from a
# layout; the same input gives the same file
python3 - "$T/g.graphml" <<'PY'
import sys
import xml.etree.ElementTree as ET
ns = "{http://graphml.graphdrawing.org/xmlns}"
root = ET.parse(sys.argv[1]).getroot()
keys = {k.get("id"): (k.get("attr.name"), k.get("attr.type"), k.get("for"))
        for k in root.iter(ns + "key")}
names = {v[0]: v for v in keys.values() if v[2] == "node"}
for want, typ in (("label", "string"), ("x", "double"), ("y", "double")):
    assert want in names and names[want][1] == typ, (want, names.get(want))
nodes = list(root.iter(ns + "node"))
xs = set()
for n in nodes:
    d = {keys[e.get("key")][0]: e.text for e in n.iter(ns + "data")}
    assert d.get("label") and d["label"] == d.get("handle"), d
    xs.add((float(d["x"]), float(d["y"])))
assert len(xs) > len(nodes) * 0.9, "nodes piled on one spot"
print(len(nodes), "nodes with label and position")
PY
"$CIBSCAN" score "$T/bad.csv" --quiet -o "$T/a3.csv" --graphml "$T/g3.graphml" 2>/dev/null
cmp -s "$T/g.graphml" "$T/g3.graphml" || fail "the same input gave another GraphML"
if command -v xmllint >/dev/null 2>&1; then
	xmllint --noout "$T/g.graphml" || fail "xmllint rejects the GraphML"
fi

# all or none: the GraphML cannot be written (no such directory), so the
# accounts table of this run must not replace the previous one
echo previous >"$T/a2.csv"
rc=0
"$CIBSCAN" score "$T/syn/tweets.csv" --quiet -o "$T/a2.csv" \
	--clusters "$T/c2.csv" --graphml "$T/no/such/dir/g.graphml" \
	2>"$T/err" || rc=$?
[ "$rc" -eq 3 ] || fail "exit $rc, want 3"
grep -q "no/such/dir/g.graphml" "$T/err" || fail "message: $(cat "$T/err")"
[ "$(cat "$T/a2.csv")" = previous ] || fail "accounts replaced by a failed run"
[ ! -e "$T/c2.csv" ] || fail "clusters written by a failed run"
left=$(find "$T" -name '*.tmp.*')
[ -z "$left" ] || fail "temporary files left: $left"
echo ok
