# common.sh - sourced by the 'cibscan serve' tests (tests/cli/serve_*.sh):
# starts the server on a free loopback port (port 0: the kernel picks one,
# the server prints it), stops it on exit, and signs reviewers in.
#   serve_start DB [ARGS...]  sets $URL and $SERVER_PID
#   session NAME              signs NAME in; cookie jar $T/NAME.jar,
#                             CSRF token in $T/NAME.csrf
#   api NAME METHOD PATH [JSON]  -> body on stdout, status in $T/status
SERVER_PID=""
serve_stop() {
	if [ -n "$SERVER_PID" ]; then
		kill "$SERVER_PID" 2>/dev/null || true
		wait "$SERVER_PID" 2>/dev/null || true
		SERVER_PID=""
		# a sanitizer build reports on the server's stderr
		if grep -q "Sanitizer\|runtime error" "$T/serve.err" 2>/dev/null; then
			cat "$T/serve.err" >&2
			echo "FAIL: the server reported a memory or UB error" >&2
			exit 1
		fi
	fi
}
on_exit() {
	rc=$?
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ]; then
		echo "exit status $rc; the server's stderr:" >&2
		tail -n 20 "$T/serve.err" >&2 2>/dev/null || true
		[ -f "$T/status" ] && echo "last HTTP status: $(cat "$T/status")" >&2
	fi
	serve_stop
	exit "$rc"
}
trap 'on_exit' EXIT
trap 'serve_stop; exit 1' INT TERM
command -v curl >/dev/null 2>&1 || { echo "SKIP: curl is not installed"; exit 77; }

serve_start() {
	db=$1
	shift
	# a second server in one test: never read the first one's URL (the
	# shell truncates serve.out in the child, after this one may look)
	rm -f "$T/serve.out" "$T/serve.err"
	"$CIBSCAN" serve --db "$db" --listen 127.0.0.1:0 "$@" >"$T/serve.out" 2>"$T/serve.err" &
	SERVER_PID=$!
	i=0
	while ! grep -q "serving the review store at" "$T/serve.out" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 100 ] || ! kill -0 "$SERVER_PID" 2>/dev/null; then
			echo "server did not start: $(cat "$T/serve.err")" >&2
			exit 1
		fi
		sleep 0.1
	done
	URL=$(sed -n 's/.* at \(http:[^ ]*\)$/\1/p' "$T/serve.out")
	URL=${URL%/}
}

session() {
	curl -s -c "$T/$1.jar" -H 'Content-Type: application/json' \
		-d "{\"reviewer\":\"$1\"}" "$URL/api/session" >"$T/$1.sess"
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["csrf"])' \
		"$T/$1.sess" >"$T/$1.csrf"
}

api() {
	who=$1 method=$2 path=$3
	if [ "$method" = POST ]; then
		curl -s -b "$T/$who.jar" -o "$T/body" -w '%{http_code}' \
			-H 'Content-Type: application/json' \
			-H "X-CSRF-Token: $(cat "$T/$who.csrf")" \
			-d "$4" "$URL$path" >"$T/status"
	else
		curl -s -b "$T/$who.jar" -o "$T/body" -w '%{http_code}' \
			"$URL$path" >"$T/status"
	fi
	cat "$T/body"
}
