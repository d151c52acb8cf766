#!/bin/sh
# Spreadsheet-formula injection (docs/outputs.md): text cells of the CSV
# written for people that begin with = + - @ tab or CR get a quote in
# front; plain numbers and the numeric columns stay numbers; --csv-raw
# writes every value byte for byte; review import takes the guard off
# again, and review export puts it back on.
set -eu
T="$TMPDIR"
fail() { echo "FAIL: $*" >&2; exit 1; }
"$CIBSCAN" synth -o "$T/syn" --accounts 400 --posts 16000 --seed 11 >/dev/null
# handles that a spreadsheet would evaluate, by account (cycled)
python3 - "$T/syn/tweets.csv" "$T/in.csv" <<'PY'
import csv, sys
evil = ["=HYPERLINK(\"http://evil\",\"x\")", "+SUM(1,2)", "-2+3", "@cmd",
        "\tTAB", "-12", "'quoted", "plain"]
with open(sys.argv[1], newline="") as f, open(sys.argv[2], "w", newline="") as g:
    r = csv.reader(f)
    w = csv.writer(g, quoting=csv.QUOTE_ALL, lineterminator="\n")
    h = next(r)
    w.writerow(h)
    k, u = h.index("user_screen_name"), h.index("userid")
    seen = {}
    for row in r:
        n = seen.setdefault(row[u], len(seen))
        row[k] = evil[n % len(evil)] + ("" if n % len(evil) in (5, 7) else str(n))
        if n % len(evil) == 5:
            row[k] = "-12"
        w.writerow(row)
PY
"$CIBSCAN" score "$T/in.csv" --quiet -o "$T/a.csv" --clusters "$T/c.csv" --edges "$T/e.csv"
"$CIBSCAN" score "$T/in.csv" --quiet --csv-raw -o "$T/raw.csv" --clusters "$T/craw.csv" --edges "$T/eraw.csv"
python3 - "$T/a.csv" "$T/raw.csv" "$T/e.csv" "$T/eraw.csv" "$T/c.csv" "$T/craw.csv" <<'PY'
import csv, re, sys
risky = ("=", "+", "-", "@", "\t", "\r")
number = re.compile(r"^[+-]?[0-9]+(\.[0-9]+)?$")
def guarded(v):
    return "'" + v if (v.startswith("'") or (v.startswith(risky) and not number.match(v))) else v
def rows(p):
    return list(csv.DictReader(open(p, newline="")))
a, raw = rows(sys.argv[1]), rows(sys.argv[2])
assert len(a) == len(raw) and len(a) > 100
n_guarded = 0
for g, r in zip(a, raw):
    for col in ("account_id", "handle", "reasons"):
        assert g[col] == guarded(r[col]), (col, g[col], r[col])
        n_guarded += g[col] != r[col]
        # nothing a spreadsheet evaluates is left in a guarded cell
        assert not (g[col].startswith(risky) and not number.match(g[col])), g[col]
    for col in ("score", "flagged", "cluster_size", "cluster_score"):
        assert g[col] == r[col], col
    assert re.match(r"^[01]\.[0-9]{6}$", g["score"]), g["score"]
# every kind of value was met: formulas, ids starting with '+', "-12"
handles = {r["handle"] for r in raw}
for h in ("-12", "plain"):
    assert h in handles, h
for p in ("=HYPERLINK", "+SUM", "-2+3", "@cmd", "\tTAB", "'quoted"):
    assert any(h.startswith(p) for h in handles), p
assert any(r["account_id"].startswith("+") for r in raw), "no id starting with +"
assert "-12" in {r["handle"] for r in a}, "a plain number was guarded"
assert any(r["handle"].startswith("''quoted") for r in a)
print(n_guarded, "cells guarded")
for gp, rp, cols in ((sys.argv[3], sys.argv[4], ("source", "target")),
                     (sys.argv[5], sys.argv[6], ("members",))):
    for g, r in zip(rows(gp), rows(rp)):
        for col in cols:
            assert g[col] == guarded(r[col]), (col, g[col], r[col])
PY
# flag writes the same guarded cells as score; --ids is for programs: raw
"$CIBSCAN" flag "$T/in.csv" --quiet -o "$T/f.csv"
"$CIBSCAN" flag "$T/in.csv" --quiet --ids -o "$T/ids.txt"
python3 - "$T/a.csv" "$T/f.csv" "$T/raw.csv" "$T/ids.txt" <<'PY'
import csv, sys
a = {r["account_id"]: r for r in csv.DictReader(open(sys.argv[1], newline=""))}
f = list(csv.DictReader(open(sys.argv[2], newline="")))
assert f and all(a[r["account_id"]]["handle"] == r["handle"] for r in f)
raw_flagged = [r["account_id"] for r in csv.DictReader(open(sys.argv[3], newline=""))
               if r["flagged"] == "1"]
assert sorted(open(sys.argv[4]).read().split()) == sorted(raw_flagged)
PY
# review: import the guarded table (the store holds the real values),
# export guarded by default and raw on request
db="$T/r.sqlite"
"$CIBSCAN" review init --db "$db" >/dev/null 2>&1 || true
"$CIBSCAN" review import "$T/a.csv" --db "$db" >/dev/null
python3 - "$db" "$T/raw.csv" <<'PY'
import csv, sqlite3, sys
c = sqlite3.connect(sys.argv[1])
stored = {(k, h) for k, h in c.execute("SELECT key, handle FROM items WHERE kind='account'")}
want = {(r["account_id"], r["handle"]) for r in csv.DictReader(open(sys.argv[2], newline=""))
        if r["flagged"] == "1"}
assert stored == want, sorted(stored ^ want)[:5]
PY
"$CIBSCAN" review decide C1 --decision confirm --reviewer "=cmd" --note "@note" --members --db "$db" >/dev/null
"$CIBSCAN" review export -o "$T/x.csv" --db "$db" 2>/dev/null
"$CIBSCAN" review export --csv-raw -o "$T/xraw.csv" --db "$db" 2>/dev/null
grep -q ",confirm,'=cmd,[^,]*,'@note," "$T/x.csv" || fail "export not guarded"
grep -q ",confirm,=cmd,[^,]*,@note," "$T/xraw.csv" || fail "raw export changed"
echo ok
