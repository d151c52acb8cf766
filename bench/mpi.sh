#!/bin/sh
# mpi.sh BIN MPIBIN [POSTS] [ACCOUNTS] - `score --mpi` on 1, 2 and 4 ranks
# of this host against the single-process run, on a synth IO-archive export
# (default 10M posts, 500k accounts, 20 networks). Each configuration runs
# RUNS times (default 3); the table gives per configuration the median
# wall time, its ratio to the single process's, the median CPU of all
# ranks (user + system), the median peak RSS of rank 0 and of the largest
# other rank, the bytes each distributed step moved (from --progress:
# the record log to rank 0, the texts from the parsing ranks to the
# accounts' owners (when they stay off rank 0), the posts' ids to their
# id and author owners and the join (from 3 ranks on), the shuffle by
# account
# with the rows back,
# the reuse texts' search, the co-action scan's events out and parts
# back, the pair phase's codes to the pairs' owners with the candidates
# and the cluster stage's reads of the pairs), and whether accounts.csv and clusters.csv are byte for byte the
# single process's in every run. The last run's --progress lines follow
# the table (per-stage times, per-rank figures), with each step's own
# peak memory on every rank (--step-memory; the single process's peak is
# the most of its steps, as /usr/bin/time then sees the last step's). The export goes under
# $TMPDIR (removed at the end). Takes many minutes at 10M; not part of
# `make check`.
set -eu
bin=$1
mpibin=$2
posts=${3:-10000000}
accounts=${4:-500000}
runs=${RUNS:-3}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1
# no binding: each rank's threads may use every core (Open MPI binds a
# rank to one core when it starts two or fewer; BIND=core measures that)
export OMPI_MCA_hwloc_base_binding_policy=${BIND:-none}
d=$(mktemp -d "${TMPDIR:-/tmp}/cibscan-bench-mpi.XXXXXX")
trap 'rm -rf "$d"' EXIT
t0=$(date +%s.%N)
"$bin" synth -o "$d/x" --posts "$posts" --accounts "$accounts" --networks 20 >/dev/null
echo "synth: $(echo "$(date +%s.%N) - $t0" | bc) s; $(du -m "$d/x/tweets.csv" | cut -f1) MB tweets.csv; $runs runs each"

median() { # numbers on stdin -> their median
	sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "-";
		else if (NR % 2) print v[(NR + 1) / 2];
		else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# one run: wall, CPU, peak RSS of rank 0 and of the largest other (MB),
# and the MB moved by each step, on one line of $d/rows.$cfg
measure() { # cfg log timefile wall
	awk -v wall="$4" -v cfg="$1" '
	FNR == NR && /^cpu / { cpu = $2 + $3; next }
	FNR == NR && /^rss / { rss0 = $2 / 1024; next }
	/^cibscan: memory by step/ {
		# the single process: the most of its steps (time -f %M is
		# the last one'"'"'s once --step-memory resets the mark)
		sub(/.*MB\): /, ""); n = split($0, s, ", "); m = 0
		for (i = 1; i <= n; i++) { k = split(s[i], w, " "); if (w[k] + 0 > m) m = w[k] + 0 }
		rss0 = m; next
	}
	/mpi rank [0-9]+ peak RSS/ {
		r = $4; v = $7
		if (r == 0) rss0 = v; else if (v > rssx) rssx = v
	}
	/MB of log sent/ { for (i = 1; i <= NF; i++) if ($(i+1) == "MB" && $(i+2) == "of" && $(i+3) == "log") lg += $i }
	/mpi texts kept off rank 0:/ { for (i = 1; i <= NF; i++) if ($(i+1) == "MB" && $(i+2) == "sent") tx += $i }
	/ features: / { for (i = 1; i <= NF; i++) if ($(i+1) == "MB" && ($(i+2) == "sent" || $(i+2) == "of")) ft += $i }
	/near-duplicate search/ { for (i = 1; i <= NF; i++) if ($(i+1) == "MB" && $(i+2) == "sent;") nd += $i }
	/co-action scan:/ { for (i = 1; i <= NF; i++) if ($(i+1) == "MB" && ($(i+2) == "received" || $(i+2) == "sent")) sc += $i }
	/ pairs: / { for (i = 1; i <= NF; i++) if ($(i+1) == "MB" && ($(i+2) == "sent;" || $(i+2) == "of")) pr += $i }
	/posts.* ids kept off rank 0:/ { for (i = 1; i <= NF; i++) if ($(i+1) == "MB" && $(i+2) == "sent") id += $i }
	END { printf "%s %.2f %.2f %.0f %.0f %.1f %.1f %.1f %.1f %.1f %.1f %.1f\n", cfg, wall, cpu, rss0, rssx, lg, ft, nd, sc, pr, tx, id }
	' "$3" "$2" >>"$d/rows.$1"
}

timefmt="cpu %U %S
rss %M"
for k in $(seq "$runs"); do
	t0=$(date +%s.%N)
	/usr/bin/time -f "$timefmt" -o "$d/time.s" "$bin" score "$d/x/tweets.csv" "$d/x/users.csv" \
		-o "$d/a.csv" --clusters "$d/c.csv" --progress --step-memory 2>"$d/single.log"
	measure single "$d/single.log" "$d/time.s" "$(echo "$(date +%s.%N) - $t0" | bc)"
	if [ "$k" -eq 1 ]; then
		cp "$d/a.csv" "$d/a.ref"
		cp "$d/c.csv" "$d/c.ref"
	elif ! cmp -s "$d/a.csv" "$d/a.ref" || ! cmp -s "$d/c.csv" "$d/c.ref"; then
		echo "single process: outputs differ between runs" >>"$d/diff"
	fi
	for n in 1 2 4; do
		t0=$(date +%s.%N)
		/usr/bin/time -f "$timefmt" -o "$d/time$n" \
			mpirun -np "$n" "$mpibin" score --mpi "$d/x/tweets.csv" "$d/x/users.csv" \
			-o "$d/a$n.csv" --clusters "$d/c$n.csv" --progress --step-memory 2>"$d/mpi$n.log"
		measure "$n" "$d/mpi$n.log" "$d/time$n" "$(echo "$(date +%s.%N) - $t0" | bc)"
		cmp -s "$d/a.ref" "$d/a$n.csv" && cmp -s "$d/c.ref" "$d/c$n.csv" ||
			echo "$n ranks: accounts.csv or clusters.csv differs (run $k)" >>"$d/diff"
	done
done

ref=$(cut -d' ' -f2 "$d/rows.single" | median)
echo
echo "| run | median wall | / single | median CPU (all ranks) | peak RSS rank 0 | largest other rank | log to rank 0 | texts to owners | posts' ids | by account (+ rows) | reuse search | co-action scan | pairs (+ cluster reads) |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
for cfg in single 1 2 4; do
	f="$d/rows.$cfg"
	w=$(cut -d' ' -f2 "$f" | median)
	printf "| %s | %.1f s | %.2f | %.1f s | %.0f MB | %s | %s | %s | %s | %s | %s | %s | %s |\n" \
		"$([ "$cfg" = single ] && echo "single process" || { [ "$cfg" = 1 ] && echo "1 rank" || echo "$cfg ranks"; })" \
		"$w" "$(echo "$w / $ref" | bc -l)" "$(cut -d' ' -f3 "$f" | median)" \
		"$(cut -d' ' -f4 "$f" | median)" \
		"$([ "$cfg" = single ] || [ "$cfg" = 1 ] && echo - || echo "$(cut -d' ' -f5 "$f" | median) MB")" \
		"$(cut -d' ' -f6 "$f" | median) MB" "$(cut -d' ' -f11 "$f" | median) MB" \
		"$(cut -d' ' -f12 "$f" | median) MB" \
		"$(cut -d' ' -f7 "$f" | median) MB" \
		"$(cut -d' ' -f8 "$f" | median) MB" "$(cut -d' ' -f9 "$f" | median) MB" \
		"$(cut -d' ' -f10 "$f" | median) MB"
done
echo
if [ -s "$d/diff" ]; then
	cat "$d/diff"
else
	echo "accounts.csv and clusters.csv: identical to the single process's in every run"
fi
echo
echo "single process, last run:"
grep -E "cibscan: (read|index|features|graph|clusters|score) |coordination graph|timing .* reuse|memory by step" "$d/single.log" | sed 's/^/  /'
for n in 1 2 4; do
	echo "$n rank$([ "$n" = 1 ] || echo s), last run:"
	grep -E "cibscan: (read|index|features|graph|clusters|score) |coordination graph|timing .* reuse|mpi rank|mpi texts" "$d/mpi$n.log" | sed 's/^/  /'
done
