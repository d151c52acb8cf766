# train on the sample's labels, then score with the fitted model; a model
# whose feature names do not match is refused.
set -eu
s=$FIXTURES/sample
$CIBSCAN train "$s/truth.csv" "$s/tweets.csv.gz" "$s/users.csv.gz" \
	-o "$TMPDIR/m.json" --quiet 2>"$TMPDIR/log"
grep -Eq '"model":[[:space:]]*"cibscan-logistic"' "$TMPDIR/m.json"
test "$(grep -c '"coef"' "$TMPDIR/m.json")" -eq 22
$CIBSCAN score "$s/tweets.csv.gz" "$s/users.csv.gz" --model "$TMPDIR/m.json" \
	-o "$TMPDIR/a.csv" --quiet
test "$(awk -F, 'NR > 1 && $5 == 1' "$TMPDIR/a.csv" | wc -l)" -gt 0
sed 's/"own_shift_z"/"renamed"/' "$TMPDIR/m.json" > "$TMPDIR/bad.json"
set +e
$CIBSCAN score "$s/tweets.csv.gz" --model "$TMPDIR/bad.json" -o "$TMPDIR/b.csv" 2>"$TMPDIR/err"
rc=$?
set -e
test "$rc" -eq 1
grep -q "expected 'own_shift_z'" "$TMPDIR/err"
# labels without both classes are refused
printf 'account_id,label\nnobody,1\n' > "$TMPDIR/l.csv"
set +e
$CIBSCAN train "$TMPDIR/l.csv" "$s/tweets.csv.gz" -o "$TMPDIR/n.json" 2>/dev/null
rc=$?
set -e
test "$rc" -eq 1
# groups of inputs separated by '+' are separate data sets, pooled for the
# fit: the same sample twice gives twice the labelled accounts
$CIBSCAN train "$s/truth.csv" "$s/tweets.csv.gz" "$s/users.csv.gz" + \
	"$s/tweets.csv.gz" "$s/users.csv.gz" -o "$TMPDIR/m2.json" 2>"$TMPDIR/log2"
one=$(sed -n 's/.*trained on \([0-9]*\) accounts.*/\1/p' "$TMPDIR/log")
two=$(sed -n 's/.*trained on \([0-9]*\) accounts.*/\1/p' "$TMPDIR/log2")
test -n "$one"
test "$two" -eq $((2 * one))
grep -q '2 data sets' "$TMPDIR/m2.json"
set +e
$CIBSCAN train "$s/truth.csv" + "$s/tweets.csv.gz" -o "$TMPDIR/n2.json" 2>/dev/null
rc=$?
set -e
test "$rc" -eq 2
# a dataset column restricts each label to its '+' group: every label for
# the second group only gives one group's worth of labelled accounts
python3 - "$s/truth.csv" "$TMPDIR/l2.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
with open(sys.argv[2], "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["account_id", "role", "dataset", "platform"])
    for r in rows:
        w.writerow([r["account_id"], r["role"], 2, "x"])
PY
$CIBSCAN train "$TMPDIR/l2.csv" "$s/tweets.csv.gz" "$s/users.csv.gz" + \
	"$s/tweets.csv.gz" "$s/users.csv.gz" -o "$TMPDIR/m3.json" 2>"$TMPDIR/log3"
three=$(sed -n 's/.*trained on \([0-9]*\) accounts.*/\1/p' "$TMPDIR/log3")
test "$three" -eq "$one"
# labels for another platform match nobody
sed 's/,x$/,mastodon/' "$TMPDIR/l2.csv" > "$TMPDIR/l4.csv"
set +e
$CIBSCAN train "$TMPDIR/l4.csv" "$s/tweets.csv.gz" "$s/users.csv.gz" -o "$TMPDIR/n4.json" 2>/dev/null
rc=$?
set -e
test "$rc" -eq 1
