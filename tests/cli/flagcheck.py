"""flagcheck.py TRUTH.csv ACCOUNTS.csv LABEL MIN_PRECISION MIN_RECALL
[MIN_F1] - the checks the detection CLI tests share: no look-alike (news,
fan, office, viral) flagged, and precision, recall (and F1) of the flags
against `cibscan synth` ground truth at least the given values. Exits
non-zero with the figures when a check fails."""
import csv, sys

truth = {r["account_id"]: r["role"] for r in csv.DictReader(open(sys.argv[1]))}
rows = list(csv.DictReader(open(sys.argv[2])))
# accounts.csv guards text cells against spreadsheet formulas (an id
# beginning with '+' is written "'+..."); the documented inverse drops one
# leading quote (docs/outputs.md)
for r in rows:
    if r["account_id"].startswith("'"):
        r["account_id"] = r["account_id"][1:]
label = sys.argv[3]
min_prec, min_rec = float(sys.argv[4]), float(sys.argv[5])
min_f1 = float(sys.argv[6]) if len(sys.argv) > 6 else 0.0
flag = [r for r in rows if r["flagged"] == "1"]
cib = sum(1 for v in truth.values() if v == "cib")
tp = sum(1 for r in flag if truth[r["account_id"]] == "cib")
bad = [truth[r["account_id"]] for r in flag
       if truth[r["account_id"]] in ("news", "fan", "office", "viral")]
prec = tp / len(flag) if flag else 0.0
rec = tp / cib if cib else 0.0
f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
print(label, "flagged", len(flag), "true", tp, "of", cib,
      "precision %.3f recall %.3f F1 %.3f" % (prec, rec, f1))
assert not bad, bad
assert prec >= min_prec and rec >= min_rec and f1 >= min_f1, (prec, rec, f1)
