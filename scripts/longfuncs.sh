#!/bin/sh
# longfuncs.sh [--check] [MIN] [FILE...] - functions of MIN (default 120)
# lines or more, longest first: "lines file:line name". A function is a
# line in column 0 that opens a '{' in column 0 (the tree's style) up to
# the next '}' in column 0. A long function either is split or carries a
# comment saying why it stays whole: the comment block that ends on the
# line right above its signature says "long" (for example "Long: one case
# per option, so it stays one switch").
#
# --check lists only the long functions without such a reason and exits 1
# when there is one (0 when none); FILEs default to every tracked .c file.
check=0
if [ "${1:-}" = "--check" ]; then
	check=1
	shift
fi
min=120
case "${1:-}" in
[0-9]*) min=$1; shift ;;
esac
[ $# -eq 0 ] && set -- $(git ls-files '*.c' 2>/dev/null || find . -name '*.c')
awk -v min="$min" -v check="$check" '
FNR == 1 { inf = 0; incom = 0; cend = -1; ctext = "" }
# comment blocks that start in column 0: their text and last line
!inf && /^\/\*/ { incom = 1; ctext = "" }
incom { ctext = ctext " " $0 }
incom && /\*\// { incom = 0; cend = FNR; next }
!inf && /^[A-Za-z_].*\(/ && !/;[ \t]*$/ {
	sig = $0; sigline = FNR
	reason = cend == FNR - 1 && tolower(ctext) ~ /(^|[^a-z])long([^a-z]|$)/
}
/^\{/ { inf = 1; start = FNR; name = sig; sub(/\(.*/, "", name);
	n = split(name, w, /[ \t*]+/); name = w[n]; at = sigline; why = reason }
/^\}/ && inf { len = FNR - start + 1; inf = 0
	if (len >= min && (!check || !why))
		printf "%d %s:%d %s%s\n", len, FILENAME, at, name,
		       check ? ": no reason comment above it" : "" }
' "$@" | sort -rn >"${TMPDIR:-/tmp}/longfuncs.$$"
status=0
[ "$check" = 1 ] && [ -s "${TMPDIR:-/tmp}/longfuncs.$$" ] && status=1
cat "${TMPDIR:-/tmp}/longfuncs.$$"
rm -f "${TMPDIR:-/tmp}/longfuncs.$$"
exit $status
