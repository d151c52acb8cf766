#!/bin/sh
# What -o does to what is already at the path (docs/outputs.md): a FIFO, a
# device or /dev/stdout is written, never replaced; a symlink is followed
# and its target replaced atomically; a dangling symlink is refused; a
# symlink planted at a temporary name is never followed; a SIGTERM leaves
# no temporary file; a full disk says so. Only files under $TMPDIR are
# created or replaced; /dev/full is written (it is a device), never renamed.
set -eu
T="$TMPDIR"
"$CIBSCAN" synth -o "$T/syn" --accounts 400 --posts 16000 --seed 11 >/dev/null
in="$T/syn/tweets.csv"
score() { "$CIBSCAN" score "$in" --quiet "$@"; }
hdr="account_id,platform,handle,score,flagged,cluster_id,cluster_size,cluster_score,headline,reasons"
fail() { echo "FAIL: $*" >&2; exit 1; }
no_temps() {
	left=$(find "$T" -name '*.tmp.*' ! -name 'planted*' | head -n 5)
	[ -z "$left" ] || fail "temporary files left: $left"
}

# 1. a FIFO is written to, and stays a FIFO
mkfifo "$T/fifo"
cat "$T/fifo" >"$T/from_fifo" &
reader=$!
score -o "$T/fifo"
[ -p "$T/fifo" ] || { kill "$reader"; fail "the FIFO was replaced"; }
wait "$reader"
[ "$(head -n 1 "$T/from_fifo")" = "$hdr" ] || fail "nothing came through the FIFO"

# 1. a symlink is followed: the link stays, its target is replaced
echo old >"$T/target.csv"
ln -s target.csv "$T/link.csv"
score -o "$T/link.csv"
[ -L "$T/link.csv" ] || fail "the symlink was replaced by a file"
[ "$(head -n 1 "$T/target.csv")" = "$hdr" ] || fail "the symlink's target was not written"

# 1. a dangling symlink is refused (exit 3), nothing is created
ln -s missing.csv "$T/dangling.csv"
rc=0
score -o "$T/dangling.csv" 2>"$T/err" || rc=$?
[ "$rc" -eq 3 ] || fail "dangling symlink: exit $rc"
grep -q "dangling.csv" "$T/err" || fail "the message does not name the path"
[ -L "$T/dangling.csv" ] && [ ! -e "$T/missing.csv" ] || fail "dangling symlink followed"

# 1. a symlink to the process's standard output (as /dev/stdout is) is
# written through, not replaced
ln -s /proc/self/fd/1 "$T/stdout-link"
score -o "$T/stdout-link" >"$T/via_link.csv"
[ -L "$T/stdout-link" ] || fail "the /proc/self/fd/1 link was replaced"
[ "$(head -n 1 "$T/via_link.csv")" = "$hdr" ] || fail "nothing written through the link"
# and /dev/stdout itself (stdout redirected to a file of ours)
[ -L /dev/stdout ] || [ -c /dev/stdout ] || fail "no /dev/stdout to start with"
before=$(ls -ld /dev/stdout | cut -c1)
score -o /dev/stdout >"$T/via_dev.csv"
[ "$(ls -ld /dev/stdout | cut -c1)" = "$before" ] || fail "/dev/stdout changed type"
[ "$(head -n 1 "$T/via_dev.csv")" = "$hdr" ] || fail "nothing written to /dev/stdout"
cmp -s "$T/via_link.csv" "$T/via_dev.csv" || fail "the two stdout outputs differ"
cmp -s "$T/via_dev.csv" "$T/target.csv" || fail "the stdout output differs from the file"

# 2. a symlink planted at the old predictable temporary name is not followed
echo precious >"$T/victim"
CIBSCAN_IN="$in" T="$T" sh -c '
	ln -s "$T/victim" "$T/out.csv.tmp.$$"
	ln -s "$T/victim" "$T/planted.tmp.$$"
	exec "$CIBSCAN" score "$CIBSCAN_IN" --quiet -o "$T/out.csv"'
[ "$(cat "$T/victim")" = precious ] || fail "the planted symlink was followed"
[ -f "$T/out.csv" ] && [ ! -L "$T/out.csv" ] || fail "out.csv is not a regular file"
[ "$(head -n 1 "$T/out.csv")" = "$hdr" ] || fail "out.csv not written"
find "$T" -name 'out.csv.tmp.*' -type l -exec rm {} +

# a new file gets the usual permissions (umask), an existing one keeps its own
(umask 022 && score -o "$T/perm.csv")
[ "$(stat -c %a "$T/perm.csv")" = 644 ] || fail "new file mode $(stat -c %a "$T/perm.csv")"
chmod 640 "$T/perm.csv"
score -o "$T/perm.csv"
[ "$(stat -c %a "$T/perm.csv")" = 640 ] || fail "replaced file mode $(stat -c %a "$T/perm.csv")"
no_temps

# 6. SIGTERM while the outputs are open: no temporary file is left. The
# GraphML output is a FIFO nobody reads, so the run waits in its open()
# after the accounts table's temporary file exists.
mkfifo "$T/stuck.graphml"
"$CIBSCAN" score "$in" --quiet -o "$T/sig.csv" --clusters "$T/sigc.csv" \
	--graphml "$T/stuck.graphml" &
pid=$!
i=0
until [ -n "$(find "$T" -name 'sig.csv.tmp.*' | head -n 1)" ]; do
	i=$((i + 1))
	[ "$i" -lt 1200 ] || { kill "$pid"; fail "no temporary file in 60 s"; }
	sleep 0.05
done
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
[ "$rc" -eq 143 ] || fail "SIGTERM: exit $rc, want 143 (killed by the signal)"
no_temps
[ ! -e "$T/sig.csv" ] && [ ! -e "$T/sigc.csv" ] || fail "a half run was committed"

# 6b. a reader of standard output that goes away (SIGPIPE) while another
# output's temporary file is open: it is removed, and the run dies of the
# signal as before (exit 141). `true` has exited before the run writes.
{
	r=0
	"$CIBSCAN" score "$in" --quiet -o "$T/pipe.csv" --clusters - || r=$?
	echo "$r" >"$T/pipe.rc"
} | true
rc=$(cat "$T/pipe.rc")
[ "$rc" -eq 141 ] || fail "SIGPIPE: exit $rc, want 141"
no_temps
[ ! -e "$T/pipe.csv" ] || fail "a half run was committed on SIGPIPE"

# 7. an output that is one of the run's inputs - by its name, through a
# link, a scored run read back, a store exported - is refused with exit 2
# and the input kept: replacing it would lose the data read from it
cp "$in" "$T/in.csv"
ln -s in.csv "$T/in-link.csv"
sum=$(cksum <"$T/in.csv")
refuse() { # refuse WHAT CMD...: exit 2, "is also an input", input kept
	what=$1
	shift
	rc=0
	"$@" 2>"$T/err" >/dev/null || rc=$?
	[ "$rc" -eq 2 ] && grep -q "is also an input of this run" "$T/err" ||
		fail "$what: exit $rc: $(cat "$T/err")"
}
refuse "score -o input" "$CIBSCAN" score "$T/in.csv" --quiet -o "$T/in.csv"
refuse "score --clusters a link to the input" \
	"$CIBSCAN" score "$T/in-link.csv" --quiet -o "$T/o.csv" \
	--clusters "$T/in.csv"
refuse "convert onto its input" "$CIBSCAN" convert "$T/in.csv" -o "$T/in.csv"
# train: before the read (labels naming no account of the input fail the
# fit with exit 1 once the input is read: exit 2 says it was not)
printf 'account_id,label\nnobody,1\n' >"$T/labels.csv"
refuse "train -o its input" "$CIBSCAN" train "$T/labels.csv" "$T/in.csv" \
	-o "$T/in.csv"
[ "$(cksum <"$T/in.csv")" = "$sum" ] || fail "an input was replaced"
[ ! -e "$T/o.csv" ] || fail "a refused run wrote an output"
score -o "$T/o.csv" --save "$T/o.cib"
refuse "report --run onto the run" \
	"$CIBSCAN" report --run "$T/o.cib" -o "$T/o.cib"
"$CIBSCAN" flag --run "$T/o.cib" -o "$T/flag.csv" 2>/dev/null ||
	fail "flag --run to another file"
# two outputs naming one file (by two spellings, or through a link): the
# second would replace the first; refused the same way
rc=0
score -o "$T/twice.csv" --clusters "$T/./twice.csv" 2>"$T/err" || rc=$?
[ "$rc" -eq 2 ] && grep -q "is named for two outputs" "$T/err" ||
	fail "two outputs, one file: exit $rc: $(cat "$T/err")"
[ ! -e "$T/twice.csv" ] || fail "a refused run wrote an output"
no_temps

# 6. a full device: /dev/full is a character device, written directly
if [ -c /dev/full ]; then
	rc=0
	score -o /dev/full 2>"$T/err" || rc=$?
	[ "$rc" -eq 3 ] || fail "/dev/full: exit $rc"
	grep -q "No space left on device" "$T/err" || { cat "$T/err"; fail "/dev/full message"; }
	[ -c /dev/full ] || fail "/dev/full is no longer a device"
	# standard output on a full device (the shell opens it)
	rc=0
	score -o - >/dev/full 2>"$T/err" || rc=$?
	[ "$rc" -eq 3 ] || fail "stdout on /dev/full: exit $rc"
	grep -q "cannot write to standard output: No space left on device" "$T/err" ||
		{ cat "$T/err"; fail "stdout on /dev/full message"; }
fi

# 6. a full file system (a 64 KiB tmpfs, when this user may mount one)
M=$(mktemp -d "$T/mnt.XXXXXX")
if mount -t tmpfs -o size=64k tmpfs "$M" 2>/dev/null; then
	trap 'umount "$M" 2>/dev/null || true' EXIT
	rc=0
	score -o "$M/a.csv" 2>"$T/err" || rc=$?
	left=$(ls -A "$M")
	umount "$M"
	trap - EXIT
	[ "$rc" -eq 3 ] || fail "full tmpfs: exit $rc"
	grep -q "No space left on device" "$T/err" || { cat "$T/err"; fail "full tmpfs message"; }
	[ -z "$left" ] || fail "left on the full disk: $left"
else
	echo "note: cannot mount a tmpfs here; the full-disk file case is not run"
fi
echo ok
