#!/bin/sh
# 'report --run' and 'features --run' (docs/run.md): drawn from a saved
# run, with its inputs read again only for the dataset-level views, they
# write the same bytes as 'report FILE...' and 'features FILE...'; a
# changed input, an input read from standard input and scoring options
# are refused, naming the file.
set -eu
T=$TMPDIR
$CIBSCAN synth -o "$T/s" --accounts 600 --posts 20000 --seed 5 >/dev/null 2>&1
F="$T/s/tweets.csv $T/s/users.csv"
# shellcheck disable=SC2086
$CIBSCAN score $F -o "$T/a.csv" --clusters "$T/c.csv" --save "$T/run.cib" --quiet
test "$(awk 'END { print NR - 1 }' "$T/c.csv")" -ge 2
# shellcheck disable=SC2086
$CIBSCAN report $F -o "$T/r1.html" --quiet
$CIBSCAN report --run "$T/run.cib" -o "$T/r2.html"
cmp "$T/r1.html" "$T/r2.html"
grep -q 'id="cl' "$T/r2.html"
# the same with caps and the sample's two inputs in the other order
# shellcheck disable=SC2086
$CIBSCAN report $F -o "$T/r3.html" --max-accounts 3 --max-clusters 1 --quiet
$CIBSCAN report --run "$T/run.cib" -o "$T/r4.html" --max-accounts 3 --max-clusters 1
cmp "$T/r3.html" "$T/r4.html"
# other scoring options travel with the run (zone, reuse cap, flag rule)
O="--tz UTC --max-actors 50 --threshold 0.6 --no-prior-shift --seed 9"
# shellcheck disable=SC2086
$CIBSCAN score $F $O -o "$T/o.csv" --save "$T/o.cib" --quiet
# shellcheck disable=SC2086
$CIBSCAN report $F $O -o "$T/r5.html" --quiet
$CIBSCAN report --run "$T/o.cib" -o "$T/r6.html"
cmp "$T/r5.html" "$T/r6.html"
grep -q 'no prior shift' "$T/r6.html"
# features: the same table from the run's inputs
# shellcheck disable=SC2086
$CIBSCAN features $F -o "$T/f1.csv"
$CIBSCAN features --run "$T/run.cib" -o "$T/f2.csv"
cmp "$T/f1.csv" "$T/f2.csv"
# shellcheck disable=SC2086
$CIBSCAN features $F --json -o "$T/f1.json"
$CIBSCAN features --run "$T/run.cib" --json -o "$T/f2.json"
cmp "$T/f1.json" "$T/f2.json"
# a run whose inputs were named relative to a folder: read from there,
# refused elsewhere with the input named
(cd "$T/s" && $CIBSCAN score tweets.csv users.csv -o ../rel.csv \
	--save ../rel.cib --quiet &&
	$CIBSCAN features --run ../rel.cib -o ../f3.csv)
cmp "$T/f1.csv" "$T/f3.csv"
set +e
(cd "$T" && $CIBSCAN features --run rel.cib -o z.csv) 2>"$T/err"; rc=$?
test "$rc" -eq 1 || exit 1
grep -q "cannot read input 'tweets.csv'" "$T/err" || exit 1
# a changed input: refused, exit 1, the input named, no output
printf '\n' >>"$T/s/users.csv"
$CIBSCAN report --run "$T/run.cib" -o "$T/z.html" 2>"$T/err"; rc=$?
test "$rc" -eq 1 || exit 1
grep -q "users.csv' changed" "$T/err" || exit 1
$CIBSCAN features --run "$T/run.cib" -o "$T/z.csv" 2>"$T/err"; rc=$?
test "$rc" -eq 1 || exit 1
grep -q "users.csv' changed" "$T/err" || exit 1
# a run scored from standard input cannot be re-read
$CIBSCAN score - -o "$T/b.csv" --save "$T/stdin.cib" --quiet <"$T/s/tweets.csv"
$CIBSCAN report --run "$T/stdin.cib" -o "$T/z.html" 2>"$T/err"; rc=$?
test "$rc" -eq 1 || exit 1
grep -q "standard input" "$T/err" || exit 1
# --run takes no input files nor scoring options
$CIBSCAN report --run "$T/run.cib" "$T/s/tweets.csv" -o "$T/z.html" 2>/dev/null; rc=$?
test "$rc" -eq 2 || exit 1
$CIBSCAN report --run "$T/run.cib" --fdr 0.2 -o "$T/z.html" 2>/dev/null; rc=$?
test "$rc" -eq 2 || exit 1
$CIBSCAN features --run "$T/run.cib" --tz UTC -o "$T/z.csv" 2>/dev/null; rc=$?
test "$rc" -eq 2 || exit 1
# a run scored with a crawl: its site section is not drawn from a run
$CIBSCAN synth-sites -o "$T/cr" --seed 5 --organic 10 --haixun 1 --haimai 0 \
	--pages 2 2>/dev/null
tw="$T/s/tweets.csv"
$CIBSCAN score "$tw" "$T/cr/crawl.warc.gz" -o "$T/w.csv" --save "$T/w.cib" --quiet
$CIBSCAN report --run "$T/w.cib" -o "$T/z.html" 2>"$T/err"; rc=$?
test "$rc" -eq 2 || exit 1
grep -q "scored with a crawl ('$T/cr/crawl.warc.gz')" "$T/err" || exit 1
set -e
test ! -e "$T/z.html"
test ! -e "$T/z.csv"
