#!/bin/sh
# embed.sh IN OUT - turns a data file into C: data_<name> (NUL-terminated)
# and data_<name>_len, so the binary carries its data and needs no path.
set -eu
in=$1
out=$2
name=data_$(basename "$in" | tr -c 'A-Za-z0-9\n' '_')
{
	printf '/* generated from %s by scripts/embed.sh; do not edit */\n' "$in"
	printf '#include <stddef.h>\n'
	printf 'extern const char %s[];\nextern const size_t %s_len;\n' "$name" "$name"
	printf 'const char %s[] = {\n' "$name"
	od -An -v -td1 "$in" | awk '{ for (i = 1; i <= NF; i++) printf "%s,", $i; printf "\n" }'
	printf '0 };\n'
	printf 'const size_t %s_len = sizeof(%s) - 1;\n' "$name" "$name"
} > "$out.tmp"
mv "$out.tmp" "$out"
