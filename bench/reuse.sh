#!/bin/sh
# reuse.sh [POSTS [THREADS]] - builds bench/reuse.c against the modules it
# needs and runs it (see the comment at the top of bench/reuse.c).
set -e
cd "$(dirname "$0")/.."
out=${TMPDIR:-/tmp}/bench_reuse.$$
cc -std=c11 -D_GNU_SOURCE -O2 -I. -o "$out" bench/reuse.c \
	features/textnorm.c features/urlnorm.c features/reuse.c core/*.c \
	-lutf8proc -lxxhash -lm -lpthread
"$out" "$@"
rm -f "$out"
