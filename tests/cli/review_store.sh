#!/bin/sh
# A missing or foreign review store is an error naming the path, never an
# empty store made on the spot (docs/review.md): next, show, status,
# decide, export and report --db on a mistyped --db exit 1 and create
# nothing; 'review init' creates a store (and is harmless on one);
# 'review import' creates one too, saying so on stderr.
set -eu
T="$TMPDIR"
fail() { echo "FAIL: $*" >&2; exit 1; }
acc="$FIXTURES/review/accounts.csv"
db="$T/team.sqlite"
typo="$T/taem.sqlite"
expect_missing() {
	rc=0
	"$@" >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" -eq 1 ] || fail "$* exit $rc, want 1"
	grep -q "no review store '$typo'" "$T/err" || fail "message: $(cat "$T/err")"
	grep -q "review init" "$T/err" || fail "no hint: $(cat "$T/err")"
	[ ! -e "$typo" ] || fail "$* created '$typo'"
	rm -f "$typo-wal" "$typo-shm"
}
expect_missing "$CIBSCAN" review status --db "$typo"
expect_missing "$CIBSCAN" review next --reviewer ann --db "$typo"
expect_missing "$CIBSCAN" review show a1 --db "$typo"
expect_missing "$CIBSCAN" review decide a1 --decision confirm --reviewer ann --db "$typo"
expect_missing "$CIBSCAN" review export -o "$T/x.csv" --db "$typo"
[ ! -e "$T/x.csv" ] || fail "export wrote a file from no store"

# init creates an empty store; status then works; init again is harmless
"$CIBSCAN" review init --db "$db" >"$T/init.out"
[ -s "$db" ] || fail "init made no store"
grep -q "$db" "$T/init.out" || fail "init: $(cat "$T/init.out")"
"$CIBSCAN" review status --db "$db" >"$T/status.out"
"$CIBSCAN" review init --db "$db" >"$T/init2.out"
grep -q "already" "$T/init2.out" || fail "second init: $(cat "$T/init2.out")"
"$CIBSCAN" review import "$acc" --db "$db" >/dev/null 2>"$T/imp.err"
! grep -q "created" "$T/imp.err" || fail "import into an existing store said 'created'"

# import into a new path creates the store and says so
"$CIBSCAN" review import "$acc" --db "$T/new.sqlite" >/dev/null 2>"$T/imp.err"
grep -q "created a new review store '$T/new.sqlite'" "$T/imp.err" ||
	fail "import: $(cat "$T/imp.err")"

# a file that is not a review store is refused and left as it was
printf 'not a database\n' >"$T/notes.txt"
cp "$T/notes.txt" "$T/notes.orig"
for sub in status init; do
	rc=0
	"$CIBSCAN" review $sub --db "$T/notes.txt" 2>"$T/err" >/dev/null || rc=$?
	[ "$rc" -eq 1 ] || fail "$sub on a text file: exit $rc"
	grep -q "'$T/notes.txt' is not a review store" "$T/err" || fail "$sub: $(cat "$T/err")"
done
rc=0
"$CIBSCAN" review import "$acc" --db "$T/notes.txt" 2>"$T/err" >/dev/null || rc=$?
[ "$rc" -eq 1 ] || fail "import into a text file: exit $rc"
cmp -s "$T/notes.txt" "$T/notes.orig" || fail "the text file was changed"
# another program's SQLite database is not taken over either
python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("create table t(x)"); c.commit()' "$T/other.sqlite"
rc=0
"$CIBSCAN" review import "$acc" --db "$T/other.sqlite" 2>"$T/err" >/dev/null || rc=$?
[ "$rc" -eq 1 ] || fail "import into a foreign database: exit $rc"
python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); n=[r[0] for r in c.execute("select name from sqlite_master where type=\"table\"")]; assert n == ["t"], n' "$T/other.sqlite"

# the report's --db is checked the same way
"$CIBSCAN" synth -o "$T/syn" --accounts 400 --posts 16000 --seed 11 >/dev/null
rc=0
"$CIBSCAN" report "$T/syn/tweets.csv" --db "$typo" -o "$T/r.html" --quiet 2>"$T/err" || rc=$?
[ "$rc" -eq 1 ] || fail "report --db missing: exit $rc"
grep -q "no review store '$typo'" "$T/err" || fail "report: $(cat "$T/err")"
[ ! -e "$typo" ] && [ ! -e "$T/r.html" ] || fail "report created files"

# a store is a regular file: a FIFO is refused at once (SQLite would block
# on it or fail with "disk I/O error"), by init, import and next alike
mkfifo "$T/fifo.db"
for sub in "init" "import $acc" "next --reviewer ann"; do
	rc=0
	# shellcheck disable=SC2086 # the subcommand's words split on purpose
	timeout 30 "$CIBSCAN" review $sub --db "$T/fifo.db" >/dev/null \
		2>"$T/err" || rc=$?
	[ "$rc" -eq 2 ] && grep -q "is not a regular file" "$T/err" ||
		fail "review $sub on a FIFO: exit $rc: $(cat "$T/err")"
done
[ -p "$T/fifo.db" ] || fail "the FIFO was replaced"
echo ok
