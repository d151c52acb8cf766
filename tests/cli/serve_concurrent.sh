#!/bin/sh
# 8 reviewers against one 'cibscan serve' for SERVE_SECONDS (default 30):
# each loops claim -> decide (with the version claimed), and also tries to
# decide one shared item with version 0 (exactly one of them can win; the
# rest get 409). Afterwards every decision a client was told about is in
# the audit log with as many rows as it changed, no other decision is, no
# item was decided twice through a claim (two reviewers never held the
# same item), and every item's log chains. The gcc and clang runs of the
# suite go the full 30 s; under the sanitizers (a build-san-* binary) the
# same rules are checked over 10 s, as each request costs several times more.
set -eu
T=$TMPDIR
. "$TOP/tests/serve/common.sh"
fail() { echo "FAIL: $*" >&2; exit 1; }
secs=${SERVE_SECONDS:-30}
case "$CIBSCAN" in *-san-*) secs=${SERVE_SECONDS:-10} ;; esac
db="$T/s.sqlite"
python3 - "$T/acc.csv" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("account_id,platform,handle,score,flagged,cluster_id,cluster_size,cluster_score,reasons\n")
    f.write("shared,x,hs,0.999,1,,,,contested\n")
    for i in range(4000):
        f.write("u%d,x,h%d,%.6f,1,,,,r\n" % (i, i, 0.5 + (i % 997) / 2000.0))
PY
"$CIBSCAN" review init --db "$db" >/dev/null
"$CIBSCAN" review import "$T/acc.csv" --db "$db" >/dev/null
serve_start "$db"
reviewer() {
	n=$1
	session "r$n"
	end=$(($(date +%s) + secs))
	k=0
	while [ "$(date +%s)" -lt "$end" ]; do
		k=$((k + 1))
		if [ $((k % 5)) -eq 1 ]; then
			# contend for the shared item, as seen at version 0
			api "r$n" POST /api/decide '{"target":"account:x:shared","version":0,"decision":"confirm"}' >/dev/null
			echo "shared $(cat "$T/status") $(cat "$T/body" | tr -d '\n')" >>"$T/log.$n"
			continue
		fi
		api "r$n" POST /api/claim '{"lease_seconds":600}' >"$T/c.$n"
		st=$(cat "$T/status")
		[ "$st" = 200 ] || { echo "claim $st" >>"$T/log.$n"; continue; }
		# {"target":"account:x:u1","version":0,...}: ids here are plain
		t=$(sed -n 's/^{"target":"\([^"]*\)","version":\([0-9]*\),.*/\1 \2/p' "$T/c.$n")
		set -- $t
		[ $# -eq 2 ] || { echo "empty" >>"$T/log.$n"; continue; }
		dec=confirm
		[ $((k % 3)) -eq 0 ] && dec=dismiss
		api "r$n" POST /api/decide "{\"target\":\"$1\",\"version\":$2,\"decision\":\"$dec\"}" >/dev/null
		echo "claimed $1 $(cat "$T/status") $(cat "$T/body" | tr -d '\n')" >>"$T/log.$n"
	done
}
pids=""
for n in 1 2 3 4 5 6 7 8; do
	( T="$T/w$n"; mkdir -p "$T"; reviewer "$n"; cp "$T/log.$n" "$TMPDIR/log.$n" ) &
	pids="$pids $!"
done
for p in $pids; do wait "$p" || fail "a reviewer loop failed"; done
serve_stop
python3 - "$db" "$T" <<'PY'
import glob, json, sqlite3, sys
c = sqlite3.connect(sys.argv[1])
told = {}      # decision number -> (reviewer, changed)
claimed_ok = {}
shared_ok = 0
other = 0
for path in sorted(glob.glob(sys.argv[2] + "/log.*")):
    who = "r" + path.rsplit(".", 1)[1]
    for line in open(path):
        parts = line.split(" ", 3)
        if parts[0] == "shared":
            status, body = parts[1], parts[2] + (" " + parts[3] if len(parts) > 3 else "")
            if status == "200":
                d = json.loads(body); told[d["decision"]] = (who, d["changed"]); shared_ok += 1
            else:
                assert status == "409", line
                d = json.loads(body); assert d["conflicts"][0]["item"] == "account x:shared", d
        elif parts[0] == "claimed":
            target, status, body = parts[1], parts[2], parts[3]
            assert status == "200", line        # a claimed item is ours
            d = json.loads(body)
            told[d["decision"]] = (who, d["changed"])
            assert target not in claimed_ok, "%s decided through two claims" % target
            claimed_ok[target] = who
        else:
            other += 1
assert shared_ok == 1, "the shared item was decided %d times at version 0" % shared_ok
rows = {}
for b, r, n in c.execute("SELECT batch, min(reviewer), count(*) FROM audit WHERE batch IS NOT NULL GROUP BY batch"):
    rows[b] = (r, n)
assert rows == told, "audit %d decisions, clients told of %d; differ: %s" % (
    len(rows), len(told), sorted(set(rows.items()) ^ set(told.items()))[:5])
for (k,) in c.execute("SELECT key FROM items"):
    prev = None
    for p, v in c.execute("SELECT previous, value FROM audit WHERE key = ? ORDER BY seq", (k,)):
        assert prev is None or p == prev, (k, p, prev)
        prev = v
    st = c.execute("SELECT status FROM items WHERE key = ?", (k,)).fetchone()[0]
    assert st == prev, (k, st, prev)
print("%d decisions by 8 reviewers (%d through claims), all %d audit rows accounted for; %d other outcomes"
      % (len(told), len(claimed_ok), sum(n for _, n in rows.values()), other))
PY
echo ok
