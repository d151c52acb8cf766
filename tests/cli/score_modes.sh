# Detection when a network leaves one signal out: only timing and reuse (no
# reposts among members), and only reposts (no copied texts). Seeds differ
# from the sample's and from the built-in model's training seeds.
set -eu
for mode in --no-network-reposts --network-reposts-only; do
	d="$TMPDIR/s$mode"
	$CIBSCAN synth -o "$d" --seed 78 --accounts 1200 --posts 50000 $mode >/dev/null
	$CIBSCAN score "$d/tweets.csv" "$d/users.csv" -o "$d/a.csv" --quiet
	python3 - "$d/truth.csv" "$d/a.csv" "$mode" <<'PY'
import csv, sys
truth = {r["account_id"]: r["role"] for r in csv.DictReader(open(sys.argv[1]))}
rows = list(csv.DictReader(open(sys.argv[2])))
flag = [r for r in rows if r["flagged"] == "1"]
cib = sum(1 for v in truth.values() if v == "cib")
tp = sum(1 for r in flag if truth[r["account_id"]] == "cib")
bad = [truth[r["account_id"]] for r in flag if truth[r["account_id"]] in ("news", "fan", "office", "viral")]
print(sys.argv[3], "flagged", len(flag), "true", tp, "of", cib)
assert not bad, bad
assert tp >= 0.9 * len(flag) and tp >= 0.85 * cib, (tp, len(flag), cib)
PY
done
