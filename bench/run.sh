#!/bin/sh
# run.sh BIN - benchmarks; filled in by the ingest/features/model work.
echo "no benchmarks yet"
