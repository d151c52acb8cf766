#!/bin/sh
# step_memory.sh - score --step-memory: each step's own peak memory, in
# the order the steps ran, on the single process and (with cibscan-mpi)
# on every rank of a 3-rank run. Each figure is a step's own (the
# kernel's mark is reset between steps, core/memstep.h), so the run's
# peak that --progress prints must still be the most of them: the
# stage lines' "peak RSS" (the run's so far) and each rank's "peak RSS"
# equal the largest step up to there. The option changes no output.
set -eu
S=$FIXTURES/sample
"$CIBSCAN" score "$S/tweets.csv.gz" "$S/users.csv.gz" -o "$TMPDIR/plain.csv"
"$CIBSCAN" score "$S/tweets.csv.gz" "$S/users.csv.gz" -o "$TMPDIR/a.csv" \
	--step-memory --progress 2>"$TMPDIR/single.log"
cmp "$TMPDIR/plain.csv" "$TMPDIR/a.csv"
# the entities' and URLs' pages go back as the features' events read them
# (pipeline_opts.events_read): some of them on the sample already
grep -Eq "freed \([0-9.]+ MB, (0\.[1-9]|[1-9])[0-9.]* MB of it given back" \
	"$TMPDIR/single.log" ||
	{ echo "nothing given back as the features' events read"; \
	  grep freed "$TMPDIR/single.log"; exit 1; }

check() { # log mode
	python3 - "$1" "$2" <<'PY'
import re, sys
log = open(sys.argv[1]).read().splitlines()
mode = sys.argv[2]

def steps(prefix):
    ls = [l for l in log if l.startswith(prefix)]
    assert len(ls) == 1, (prefix, ls)
    body = ls[0][len(prefix):]
    out = []
    for part in body.split(", "):
        m = re.fullmatch(r"([a-z+ ]+) (\d+)", part)
        assert m, (prefix, part)
        out.append((m.group(1), int(m.group(2))))
    return out

def in_order(got, want):
    names = [n for n, _ in got]
    it = iter(names)
    assert all(w in it for w in want), (names, want)

if mode == "single":
    st = steps("cibscan: memory by step (peak RSS, MB): ")
    in_order(st, ["read", "post ids", "index", "features", "feature events",
                  "post events", "graph", "clusters", "score", "scored run",
                  "outputs", "end"])
    assert all(v > 0 for _, v in st), st
    # the stage lines print the run's peak so far: the most of the
    # steps up to that stage, not that stage's own
    for stage in ("index", "features", "graph", "clusters", "score"):
        l = [x for x in log if re.match(r"cibscan: %-10s " % stage, x)]
        assert len(l) == 1, (stage, l)
        peak = int(re.search(r"peak RSS (\d+) MB", l[0]).group(1))
        upto = [v for n, v in st[:[n for n, _ in st].index(stage) + 1]]
        assert abs(peak - max(upto)) <= 1, (stage, peak, upto)
else:
    # the posts' ids decided off rank 0 (mpi/mpi_ids.h) before the order
    want0 = ["read", "texts push", "ids exchange", "ids join", "order",
             "post ids", "shard in", "timing+persona",
             "signing", "numbering", "bands", "features", "feature events",
             "post events", "scan", "pairs", "graph", "clusters", "score",
             "scored run", "outputs", "end"]
    want1 = ["read", "texts push", "ids exchange", "ids join", "shard in",
             "timing+persona", "signing", "numbering",
             "bands", "scan", "pairs", "end"]
    for r, want in ((0, want0), (1, want1)):
        st = steps("cibscan: mpi rank %d memory by step (peak RSS, MB): " % r)
        in_order(st, want)
        l = [x for x in log if x.startswith("cibscan: mpi rank %d peak RSS " % r)]
        assert len(l) == 1, l
        peak = float(re.search(r"peak RSS ([\d.]+) MB", l[0]).group(1))
        assert abs(peak - max(v for _, v in st)) <= 1, (r, peak, st)
print(mode, "ok")
PY
}
check "$TMPDIR/single.log" single

. "${TOP:-.}/tests/mpi/env.sh"
# 3 ranks: the posts' ids stay off rank 0 from 3 on
mpirun -np 3 "$MPIBIN" score --mpi "$S/tweets.csv.gz" "$S/users.csv.gz" \
	-o "$TMPDIR/a2.csv" --step-memory --progress 2>"$TMPDIR/mpi.log"
cmp "$TMPDIR/plain.csv" "$TMPDIR/a2.csv"
check "$TMPDIR/mpi.log" mpi
