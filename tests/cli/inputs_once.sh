#!/bin/sh
# inputs_once.sh - an input named more than once (by another spelling,
# through a link, by a shell glob that overlaps an explicit name) is read
# once: one warning per extra naming, in command-line order, and the
# outputs and the saved run are those of one naming; inspect (any command
# reading exports) too. Standard input is never merged with a file.
set -eu
d="$TMPDIR"
zcat "$FIXTURES/sample/tweets.csv.gz" >"$d/t.csv"
zcat "$FIXTURES/sample/users.csv.gz" >"$d/u.csv"
ln -s t.csv "$d/link.csv"
# the saved run names its inputs as given: the same spelling both times
(cd "$d" && "$CIBSCAN" score t.csv u.csv -o once.csv --save once.cib \
	2>once.err)
! grep -q 'read once' "$d/once.err" ||
	{ echo "a warning for one naming"; exit 1; }
(cd "$d" && "$CIBSCAN" score t.csv u.csv ./t.csv link.csv ./u.csv \
	-o twice.csv --save twice.cib 2>twice.err)
cmp "$d/once.csv" "$d/twice.csv"
cmp "$d/once.cib" "$d/twice.cib"
grep 'read once' "$d/twice.err" >"$d/warn.txt"
cat >"$d/want.txt" <<'W'
cibscan: warning: './t.csv' names the same file as 't.csv': read once
cibscan: warning: 'link.csv' names the same file as 't.csv': read once
cibscan: warning: './u.csv' names the same file as 'u.csv': read once
W
cmp "$d/want.txt" "$d/warn.txt" || { cat "$d/warn.txt"; exit 1; }
# no duplicate posts counted: the file was not read a second time
! grep -qi 'duplicate' "$d/twice.err" || { cat "$d/twice.err"; exit 1; }
# standard input beside the same file is read as given (its records are
# duplicates of the file's, dropped as such)
"$CIBSCAN" score "$d/t.csv" "$d/u.csv" - -o "$d/stdin.csv" \
	<"$d/u.csv" 2>"$d/stdin.err"
! grep -q 'read once' "$d/stdin.err"
cmp "$d/once.csv" "$d/stdin.csv"
# every command reading exports does the same (cli_load): inspect lists
# the file once, with the warning, and counts no duplicate
(cd "$d" && "$CIBSCAN" inspect t.csv link.csv >insp.out 2>insp.err)
grep -q "'link.csv' names the same file as 't.csv': read once" "$d/insp.err"
[ "$(grep -c 'format=ioarchive-tweets' "$d/insp.out")" -eq 1 ]
grep -q 'duplicate_posts=0' "$d/insp.out"
echo "named several times, read once"
