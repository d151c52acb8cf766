# collect_resume.sh - a run killed (SIGKILL) or interrupted (SIGINT) in the
# middle continues with --resume and ends with exactly the bytes of an
# uninterrupted run: no page lost, none twice, a torn last write dropped.
. "$FIXTURES/http/lib.sh"
start_server resume
X="env CIBSCAN_X_TOKEN=t $CIBSCAN collect x --base-url $BASE"

# wait_pages CKPT N: until the checkpoint records N pages (10 s at most)
wait_pages() {
	i=0
	until grep -q "\"pages\":\"$2\"" "$1" 2>/dev/null; do
		i=$((i + 1))
		[ "$i" -gt 200 ] && fail "no checkpoint with $2 pages"
		sleep 0.05
	done
}

# the uninterrupted run (user 42; users 43 and 44 get the same pages)
$X --user 42 -o "$TMPDIR/full.jsonl" 2>"$TMPDIR/err" || fail "full run: $(cat "$TMPDIR/err")"
[ "$(wc -l <"$TMPDIR/full.jsonl")" = 5 ] || fail "full run pages"

# SIGKILL while page 3 is in flight, then a torn half-line as a crash in
# the middle of an append would leave
$X --user 43 -o "$TMPDIR/k.jsonl" 2>"$TMPDIR/err" &
pid=$!
wait_pages "$TMPDIR/k.jsonl.ckpt" 2
kill -KILL "$pid"
wait "$pid" 2>/dev/null
[ "$(wc -l <"$TMPDIR/k.jsonl")" = 2 ] || fail "killed run: not 2 pages"
printf '{"data":[{"id":"17000' >>"$TMPDIR/k.jsonl"
$X --user 43 -o "$TMPDIR/k.jsonl" --resume 2>"$TMPDIR/err" ||
	fail "resume after kill: $(cat "$TMPDIR/err")"
cmp "$TMPDIR/full.jsonl" "$TMPDIR/k.jsonl" || fail "resumed output differs from a full run"

# SIGINT: stops at a safe point, says so, exit 3, resumes the same way
$X --user 44 -o "$TMPDIR/i.jsonl" 2>"$TMPDIR/err" &
pid=$!
wait_pages "$TMPDIR/i.jsonl.ckpt" 2
kill -INT "$pid"
wait "$pid"
rc=$?
[ "$rc" = 3 ] || fail "interrupted run: exit $rc"
grep -q 'interrupted; 2 pages saved' "$TMPDIR/err" || fail "no interrupt message: $(cat "$TMPDIR/err")"
$X --user 44 -o "$TMPDIR/i.jsonl" --resume 2>"$TMPDIR/err" ||
	fail "resume after SIGINT: $(cat "$TMPDIR/err")"
cmp "$TMPDIR/full.jsonl" "$TMPDIR/i.jsonl" || fail "resumed output differs after SIGINT"

# a finished run resumes to nothing; other arguments are refused; an
# existing output is not overwritten without --force
cp "$TMPDIR/i.jsonl" "$TMPDIR/before"
$X --user 44 -o "$TMPDIR/i.jsonl" --resume 2>"$TMPDIR/err" || fail "resume of a finished run"
grep -q 'already complete' "$TMPDIR/err" || fail "finished run: $(cat "$TMPDIR/err")"
cmp "$TMPDIR/before" "$TMPDIR/i.jsonl" || fail "finished run changed"
$X --user 42 -o "$TMPDIR/i.jsonl" --resume 2>"$TMPDIR/err"
[ $? = 2 ] || fail "resume with other arguments: exit not 2"
grep -q 'refusing to resume' "$TMPDIR/err" || fail "other arguments: $(cat "$TMPDIR/err")"
$X --user 44 -o "$TMPDIR/i.jsonl" 2>"$TMPDIR/err"
[ $? = 2 ] || fail "existing output overwritten"
$X --user 44 -o "$TMPDIR/none.jsonl" --resume 2>"$TMPDIR/err"
[ $? = 2 ] || fail "resume without checkpoint: exit not 2"

# the output and its checkpoint are regular files: a FIFO at either path
# is refused at once (not waited on, not replaced), with or without --force
mkfifo "$TMPDIR/f.jsonl" "$TMPDIR/g.jsonl.ckpt"
sed 's/"done":true/"done":false/' "$TMPDIR/full.jsonl.ckpt" \
	>"$TMPDIR/f.jsonl.ckpt"
grep -q '"done":false' "$TMPDIR/f.jsonl.ckpt" || fail "no unfinished checkpoint"
for args in "-o $TMPDIR/f.jsonl --force" "-o $TMPDIR/f.jsonl --resume" \
	"-o $TMPDIR/g.jsonl"; do
	# shellcheck disable=SC2086 # the arguments are split on purpose
	timeout 30 $X --user 42 $args 2>"$TMPDIR/err"
	rc=$?
	[ "$rc" = 2 ] || fail "$args: exit $rc, want 2: $(cat "$TMPDIR/err")"
	grep -q "not a regular file" "$TMPDIR/err" ||
		fail "$args: $(cat "$TMPDIR/err")"
done
[ -p "$TMPDIR/f.jsonl" ] && [ -p "$TMPDIR/g.jsonl.ckpt" ] ||
	fail "a FIFO was replaced"
exit 0
