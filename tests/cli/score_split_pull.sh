# A network carved out of a crowd keeps the members whose tie to the
# crowd is chance (docs/model.md section 6, crowd_pull_back): on `synth
# --stealth --seed 101` Leiden puts network 2 (51 accounts) in a crowd of
# 1420 advocacy, partisan and organic accounts; the split carves out a
# part of 52 that passes, and until session 28 every member whose test
# against the crowd merely met its guards went back to the crowd: 23 of
# the network, with ties like 8 objects shared where 5.7 were expected
# (p = 0.2), stayed unflagged in it. Now a member goes back only on a
# significant tie (Benjamini-Hochberg over the part): the whole network
# is one flagged cluster, and no look-alike is flagged. A development
# seed, not one of the held-out 501-504.
set -eu
# under the sanitizers the run takes 45 s of CI's 30 minutes, and the
# split and its pull-back already run there in score_split_crowd.sh:
# skipped (77), the plain builds run it
case "$CIBSCAN" in
*-san-*) echo "sanitizer build: see score_split_crowd.sh"; exit 77 ;;
esac
d="$TMPDIR/s"
$CIBSCAN synth --stealth -o "$d" --seed 101 >/dev/null
$CIBSCAN score "$d/posts.jsonl" -o "$d/a.csv" --quiet
# the whole network (51) one flagged cluster, no look-alike flagged
python3 "$TOP/tests/cli/netcheck.py" "$d/truth.csv" "$d/a.csv" 2 \
	--flagged-min 51 --flagged-in-one 51 --one-cluster
