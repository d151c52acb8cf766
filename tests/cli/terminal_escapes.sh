#!/bin/sh
# Values from data and from reviewers reach the terminal with their
# control characters shown as \xNN, never raw (core/textsafe.h): a bad
# tweet_time in the malformed-record summary (score, inspect), a handle in
# explain, a reviewer's note and name in review show/next/decide, an
# import warning.
set -eu
T="$TMPDIR"
fail() { echo "FAIL: $*" >&2; exit 1; }
# no ESC, BEL or other C0 byte except newline (and the \r of progress,
# which only a terminal gets) anywhere in a file
clean() {
	python3 - "$1" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
bad = sorted({b for b in data if (b < 32 and b != 10) or b == 127})
assert not bad, "raw control bytes %s in %s" % (bad, sys.argv[1])
PY
}
"$CIBSCAN" synth -o "$T/syn" --accounts 400 --posts 16000 --seed 11 >/dev/null
python3 - "$T/syn/tweets.csv" "$T/in.csv" <<'PY'
import csv, sys
with open(sys.argv[1], newline="") as f, open(sys.argv[2], "w", newline="") as g:
    r = csv.reader(f)
    w = csv.writer(g, quoting=csv.QUOTE_ALL, lineterminator="\n")
    h = next(r)
    w.writerow(h)
    t, k = h.index("tweet_time"), h.index("user_screen_name")
    for i, row in enumerate(r):
        if i == 3:
            row[t] = "2020-01-01\x1b]0;pwned\x07\x1b[2J"
        row[k] = "h\x1b[31m" + row[k]
        w.writerow(row)
PY
# the malformed-record summary on stderr
"$CIBSCAN" score "$T/in.csv" -o "$T/a.csv" --quiet 2>"$T/score.err"
grep -q 'tweet_time' "$T/score.err" || fail "no malformed-record message"
clean "$T/score.err"
grep -qF '\x1b]0;pwned\x07' "$T/score.err" || fail "the bad value is not shown escaped"
# strict mode: the fatal message
rc=0
"$CIBSCAN" score "$T/in.csv" -o "$T/a2.csv" --quiet --strict 2>"$T/strict.err" || rc=$?
[ "$rc" -eq 1 ] || fail "strict: exit $rc"
clean "$T/strict.err"
grep -qF '\x1b' "$T/strict.err" || fail "strict message: $(cat "$T/strict.err")"
# inspect lists the kept messages on stdout
"$CIBSCAN" inspect "$T/in.csv" >"$T/inspect.out" 2>"$T/inspect.err"
clean "$T/inspect.out"
clean "$T/inspect.err"
grep -qF '\x1b]0;pwned' "$T/inspect.out" || fail "inspect does not show the value"
# explain prints the handle
id=$(awk -F, 'NR == 2 { print $1 }' "$T/a.csv" | sed "s/^'//")
"$CIBSCAN" explain "$id" "$T/in.csv" --quiet >"$T/explain.out" 2>"$T/explain.err"
clean "$T/explain.out"
grep -qF 'h\x1b[31m' "$T/explain.out" || fail "explain: handle not escaped"
# review: a reviewer's note and name, shown by show, next and decide
db="$T/r.sqlite"
"$CIBSCAN" review init --db "$db" >/dev/null 2>&1 || true
"$CIBSCAN" review import "$T/a.csv" --db "$db" >"$T/imp.out" 2>"$T/imp.err"
clean "$T/imp.out"
"$CIBSCAN" review decide "$id" --decision dismiss --reviewer "ann$(printf '\033')[5m" \
	--note "$(printf 'ok\033]0;x\007 fine')" --db "$db" >"$T/dec.out"
clean "$T/dec.out"
"$CIBSCAN" review show "$id" --db "$db" >"$T/show.out"
clean "$T/show.out"
grep -qF 'ok\x1b]0;x\x07 fine' "$T/show.out" || fail "show: note not escaped"
grep -qF 'ann\x1b[5m' "$T/show.out" || fail "show: reviewer not escaped"
"$CIBSCAN" review decide "$id" --decision queued --reviewer ann --supersede --db "$db" >/dev/null
"$CIBSCAN" review next --reviewer ann --db "$db" >"$T/next.out"
clean "$T/next.out"
"$CIBSCAN" review status --db "$db" >"$T/status.out"
clean "$T/status.out"
# an unknown account named in an error
rc=0
"$CIBSCAN" review show "$(printf 'nobody\033[2J')" --db "$db" 2>"$T/show.err" || rc=$?
[ "$rc" -eq 1 ] || fail "unknown account: exit $rc"
clean "$T/show.err"
grep -qF 'nobody\x1b[2J' "$T/show.err" || fail "error message: $(cat "$T/show.err")"
echo ok
