#!/bin/sh
# demo.sh BIN - the main job on the bundled sample.
set -eu
bin=$1
"$bin" --help
