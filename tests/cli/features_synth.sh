# The features on `cibscan synth` data: planted networks separate from
# organic accounts on the signals they were planted with, and the organic
# look-alikes show their signals honestly (an office account keeps shifts,
# syndicated news and fans copy texts) -- the model, not the features, must
# keep them unflagged.
set -eu
$CIBSCAN synth -o "$TMPDIR/s" --seed 77 --accounts 1500 --posts 60000 >/dev/null
$CIBSCAN features "$TMPDIR/s/tweets.csv" "$TMPDIR/s/users.csv" -o "$TMPDIR/f.csv" 2>/dev/null
python3 - "$TMPDIR/s/truth.csv" "$TMPDIR/f.csv" <<'PY'
import csv, sys, statistics as st
role = {r["account_id"]: r["role"] for r in csv.DictReader(open(sys.argv[1]))}
rows = list(csv.DictReader(open(sys.argv[2])))
def col(r, k):
    v = r[k]
    return float(v) if v not in ("", None) else None
def vals(roles, k, min_posts=20):
    out = []
    for r in rows:
        if role[r["account_id"]] in roles and int(r["posts"]) >= min_posts:
            v = col(r, k)
            if v is not None:
                out.append(v)
    return out
def med(roles, k, min_posts=20):
    v = vals(roles, k, min_posts)
    assert v, (roles, k)
    return st.median(v)
cib_llr, org_llr = med({"cib"}, "shift_llr"), med({"organic"}, "shift_llr")
office_llr = med({"office"}, "shift_llr")
print("median shift_llr cib %.1f organic %.1f office %.1f" % (cib_llr, org_llr, office_llr))
assert cib_llr > 5 and org_llr < 0, (cib_llr, org_llr)
assert office_llr > 0, office_llr          # shown honestly, not hidden
cib_dip = med({"cib"}, "lunch_ratio"); org_dip = med({"organic"}, "lunch_ratio")
print("median lunch_ratio cib %.2f organic %.2f" % (cib_dip, org_dip))
assert cib_dip < 0.6 < org_dip, (cib_dip, org_dip)
cib_copy = med({"cib"}, "share_copied", 5); org_copy = med({"organic"}, "share_copied", 5)
news_copy = med({"news"}, "share_copied", 5); fan_copy = med({"fan"}, "share_copied", 1)
print("median share_copied cib %.2f organic %.2f news %.2f fan %.2f" % (cib_copy, org_copy, news_copy, fan_copy))
assert cib_copy > 0.2 and org_copy < 0.05, (cib_copy, org_copy)
assert news_copy > 0.2, news_copy
# a fan pastes the campaign message among many posts of its own: the share
# is small, but nearly every fan has one copied text
fans = vals({"fan"}, "share_copied", 1)
fan_any = sum(v > 0 for v in fans) / len(fans)
print("fans with a copied text %.2f" % fan_any)
assert fan_any > 0.8, fan_any
# creation batches: most network accounts were made on busy days
cib_p = vals({"cib"}, "creation_p", 0); org_p = vals({"organic"}, "creation_p", 0)
fc = sum(p < 1e-3 for p in cib_p) / len(cib_p); fo = sum(p < 1e-3 for p in org_p) / len(org_p)
print("creation_p < 0.001: cib %.2f organic %.3f" % (fc, fo))
assert fc > 5 * fo and fc > 0.05, (fc, fo)
PY
