# collect_usage.sh - argv checks and secrets: usage errors exit 2 before any
# request; tokens come only from the environment and never show in output.
. "$FIXTURES/http/lib.sh"
C="$CIBSCAN collect"
err="$TMPDIR/err"
usage() { # usage TEXT CMD...: exit 2 with TEXT on stderr
	want=$1
	shift
	"$@" 2>"$err" >/dev/null
	rc=$?
	[ "$rc" = 2 ] || fail "'$*': exit $rc, expected 2"
	grep -q -- "$want" "$err" || fail "'$*': no '$want' in: $(cat "$err")"
}
$C --help >"$TMPDIR/out" || fail "--help exit"
grep -q 'CIBSCAN_X_TOKEN' "$TMPDIR/out" || fail "--help does not name the token variables"
usage 'no platform' $C
usage "cannot collect from 'telegram'" $C telegram --user 1 -o "$TMPDIR/o"
usage 'CIBSCAN_X_TOKEN is not set' env -u CIBSCAN_X_TOKEN $C x --user 1 -o "$TMPDIR/o"
usage 'CIBSCAN_REDDIT_TOKEN is not set' env -u CIBSCAN_REDDIT_TOKEN $C reddit --user a -o "$TMPDIR/o"
usage 'needs --instance' $C mastodon --public -o "$TMPDIR/o"
usage "'bluesky' does not take --tag" $C bluesky --tag x -o "$TMPDIR/o"
usage 'no output file' $C bluesky --actor a
usage 'one of the target options' $C bluesky --actor a --query b -o "$TMPDIR/o"
usage 'nothing to fetch' $C bluesky -o "$TMPDIR/o"
usage 'bad --since' $C bluesky --actor a --since yesterday -o "$TMPDIR/o"
usage 'must be before' $C bluesky --actor a --since 2024-02-01 --until 2024-01-01 -o "$TMPDIR/o"
usage 'only https' $C bluesky --actor a --base-url http://10.0.0.1 -o "$TMPDIR/o"
usage 'invalid token' env CIBSCAN_X_TOKEN="$(printf 'a\nX-Evil: 1')" $C x --user 1 -o "$TMPDIR/o" --base-url http://127.0.0.1:9
[ -e "$TMPDIR/o" ] && fail "a usage error created the output"
# the environment variable overrides the default base URL (testing and
# private deployments); port 9 on loopback refuses at once
env CIBSCAN_BLUESKY_BASE_URL=http://127.0.0.1:9 $C bluesky --actor a \
	-o "$TMPDIR/o" --retries 0 2>"$err"
[ $? = 3 ] || fail "unreachable server: exit not 3"
grep -q '127.0.0.1' "$err" || fail "base URL variable ignored: $(cat "$err")"
exit 0
