# Every reason shown is evidence: each p-value quoted in a reason is small
# (a test that did not reject is never a reason; before, German Facebook
# pages were told they "follow office shifts on Beijing time" with a dip
# test of p = 1), and counts agree in number ("1 account", "2 accounts").
# Clusters without collective inauthenticity evidence say so. Real data
# (CooRTweet's German election set, no labels) and the bundled sample.
set -eu
s=$FIXTURES/sample
$CIBSCAN score "$s/tweets.csv.gz" "$s/users.csv.gz" -o "$TMPDIR/a.csv" \
	--clusters "$TMPDIR/c.csv" --quiet
$CIBSCAN score "$TOP/../shared/real-samples/coortweet/german_elections.csv" \
	-o "$TMPDIR/de.csv" --clusters "$TMPDIR/dec.csv" --quiet
python3 - "$TMPDIR" <<'PY'
import csv, re, sys
d = sys.argv[1]
for name in ("a", "de"):
    rows = list(csv.DictReader(open(f"{d}/{name}.csv")))
    shown = 0
    for r in rows:
        for m in re.finditer(r"p = ([0-9.e+-]+)", r["reasons"]):
            assert float(m.group(1)) <= 0.01, (r["account_id"], r["reasons"])
            shown += 1
        assert not re.search(r"\b1 (accounts|posts|times|days|links)\b", r["reasons"]), r["reasons"]
        assert not re.search(r"\b([02-9]|\d\d+) (account|post|time|day|link)\b[^-]", r["reasons"]), r["reasons"]
        if r["flagged"] == "1":
            assert "no evidence of inauthenticity" not in r["reasons"]
    assert shown > 0
    for c in csv.DictReader(open(f"{d}/{'c' if name == 'a' else 'dec'}.csv")):
        assert c["verdict"] in ("coordinated and inauthentic",
                                "coordinated; no evidence of inauthenticity"), c["verdict"]
        if c["verdict"] != "coordinated and inauthentic":
            assert c["flagged"] == "0", c
# the sample: two inauthentic networks; the other clusters (fans, news) are not
rows = list(csv.DictReader(open(f"{d}/c.csv")))
v = [c["verdict"] for c in rows]
assert v.count("coordinated and inauthentic") == 2, v
assert len(v) >= 3, v
# real election data: no account is flagged
de = list(csv.DictReader(open(f"{d}/de.csv")))
assert not any(r["flagged"] == "1" for r in de)
PY
