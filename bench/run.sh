#!/bin/sh
# run.sh BIN - every benchmark: ingest throughput and memory (IO archive,
# then share tables), then the end-to-end score. Not part of `make check`:
# it takes minutes.
set -eu
bin=$1
cd "$(dirname "$0")/.."
if [ -f bench/ingest.sh ]; then
	echo "== ingest"
	sh bench/ingest.sh "$bin"
fi
if [ -f bench/table.sh ]; then
	echo "== share tables (10M rows)"
	sh bench/table.sh "$bin"
fi
echo "== score"
sh bench/score.sh "$bin"
echo "== sites"
sh bench/sites.sh "$bin"
