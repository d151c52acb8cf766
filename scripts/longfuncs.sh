#!/bin/sh
# longfuncs.sh [MIN] [FILE...] - functions of MIN (default 120) lines or
# more, longest first: "lines file:line name". A function is a line in
# column 0 that opens a '{' in column 0 (the tree's style) up to the next
# '}' in column 0. A long function either is split or carries a comment
# saying why it stays whole (docs in the STYLE guide).
min=${1:-120}
[ $# -gt 0 ] && shift
[ $# -eq 0 ] && set -- $(git ls-files '*.c' 2>/dev/null || find . -name '*.c')
awk -v min="$min" '
FNR == 1 { inf = 0 }
/^[A-Za-z_].*\(/ && !/;[ \t]*$/ { sig = $0; sigline = FNR }
/^\{/ { inf = 1; start = FNR; name = sig; sub(/\(.*/, "", name);
	n = split(name, w, /[ \t*]+/); name = w[n]; at = sigline }
/^\}/ && inf { len = FNR - start + 1; if (len >= min)
	printf "%d %s:%d %s\n", len, FILENAME, at, name; inf = 0 }
' "$@" | sort -rn
