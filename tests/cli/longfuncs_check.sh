#!/bin/sh
# The long-function rule's checker (scripts/longfuncs.sh --check): a
# function of 120 lines or more passes only with a comment right above it
# saying why it stays long; split or short functions pass. The tree's own
# functions are held to the rule too (the test fails on a new offender).
set -eu
gen() { # gen FILE COMMENT NAME LINES: a function of LINES lines
	{
		[ -n "$2" ] && printf '%s\n' "$2"
		printf 'static int %s(int x)\n{\n' "$3"
		i=2
		while [ "$i" -lt "$4" ]; do
			printf '\tx += %d;\n' "$i"
			i=$((i + 1))
		done
		printf '}\n'
	} >>"$1"
}
chk() { # chk WANT_RC FILE: the checker's exit code on FILE
	rc=0
	sh "$TOP/scripts/longfuncs.sh" --check "$2" >"$TMPDIR/out" || rc=$?
	if [ "$rc" -ne "$1" ]; then
		echo "longfuncs --check on $2: exit $rc, expected $1"
		cat "$2" | head -n 3
		cat "$TMPDIR/out"
		exit 1
	fi
}
d=$TMPDIR
gen "$d/none.c" "" bare 130
chk 1 "$d/none.c"
grep -q '^130 .*none.c:1 bare: no reason' "$TMPDIR/out"
gen "$d/why.c" "/* Long: one case per option, so it stays one switch. */" table 130
chk 0 "$d/why.c"
gen "$d/why2.c" "/* The options, one case each (a flat table: it
 * stays long on purpose). */" table2 200
chk 0 "$d/why2.c"
gen "$d/what.c" "/* Applies the options. */" noreason 130
chk 1 "$d/what.c"
gen "$d/belongs.c" "/* Where each option belongs. */" word 130
chk 1 "$d/belongs.c"
# a blank line between the comment and the function: not its comment
printf '/* Long: a table. */\n\n' >"$d/gap.c"
gen "$d/gap.c" "" apart 130
chk 1 "$d/gap.c"
# short and split functions pass; the limit is MIN
gen "$d/short.c" "" small 119
gen "$d/short.c" "" small2 40
chk 0 "$d/short.c"
rc=0
sh "$TOP/scripts/longfuncs.sh" --check 100 "$d/short.c" >/dev/null || rc=$?
[ "$rc" -eq 1 ]
# the tree itself: every function of 120 lines or more says why
(cd "$TOP" && sh scripts/longfuncs.sh --check)
