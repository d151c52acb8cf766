#!/bin/sh
# 'cibscan serve' in a real browser: headless Chromium driven by
# puppeteer-core (tests/browser/serve_flow.js) through sign-in -> claim ->
# decide -> conflict (409) -> supersede -> undo -> cluster graph -> export,
# with the evidence panels (rhythm, posts and copies, pooled rhythm,
# shared texts and domains, creation days) of an import with --input,
# with no console error or CSP violation. puppeteer-core comes from npm
# (tests/browser/package.json): scripts/install-deps.sh installs it into
# tests/browser/node_modules; without that the test installs it into its
# temporary folder. Skips (77) without Chromium, Node.js or npm access.
set -eu
T=$TMPDIR
. "$TOP/tests/serve/common.sh"
chrome=""
for c in chromium chromium-browser google-chrome; do
	if command -v "$c" >/dev/null 2>&1; then chrome=$(command -v "$c"); break; fi
done
[ -n "$chrome" ] || { echo "SKIP: chromium is not installed (scripts/install-deps.sh)"; exit 77; }
command -v node >/dev/null 2>&1 || { echo "SKIP: node is not installed"; exit 77; }
mods="$TOP/tests/browser/node_modules"
if [ ! -d "$mods/puppeteer-core" ]; then
	command -v npm >/dev/null 2>&1 || { echo "SKIP: npm is not installed"; exit 77; }
	mkdir -p "$T/npm"
	cp "$TOP/tests/browser/package.json" "$T/npm/"
	if ! (cd "$T/npm" && timeout 180 npm install --no-audit --no-fund --loglevel=error >"$T/npm.log" 2>&1); then
		echo "SKIP: npm could not install puppeteer-core (offline?): $(tail -1 "$T/npm.log")"
		exit 77
	fi
	mods="$T/npm/node_modules"
fi
"$CIBSCAN" synth -o "$T/syn" --accounts 400 --posts 12000 --seed 3 >/dev/null
"$CIBSCAN" score "$T/syn/tweets.csv" -o "$T/acc.csv" --clusters "$T/cl.csv" --edges "$T/ed.csv" --quiet
db="$T/s.sqlite"
"$CIBSCAN" review init --db "$db" >/dev/null
"$CIBSCAN" review import "$T/acc.csv" --clusters "$T/cl.csv" --edges "$T/ed.csv" \
	--input "$T/syn/tweets.csv" --db "$db" >/dev/null
serve_start "$db"
mkdir -p "$T/shots"
NODE_PATH="$mods" timeout 300 node "$TOP/tests/browser/serve_flow.js" "$URL" "$chrome" "$T/shots"
echo ok
