# A crawl's records in another order give the same sites table, clusters
# and JSON, byte for byte (docs/sites.md, "Order"): synth-sites' crawl as
# written, with its records shuffled and reversed (the warcinfo first),
# uncompressed. Before, rows followed the crawl's order and a site's
# server, title and address came from whichever of its pages was read
# first.
set -eu
d="$TMPDIR/crawl"
"$CIBSCAN" synth-sites -o "$d" --seed 3 --organic 60 --pages 3 \
	--haixun 1 --haimai 1 2>/dev/null
python3 - "$d" <<'PY'
import random, sys, zlib
d = sys.argv[1]
data = open(d + "/crawl.warc.gz", "rb").read()
recs = []
while data:
    z = zlib.decompressobj(31)
    out = z.decompress(data) + z.flush()
    recs.append(out)
    data = z.unused_data
assert len(recs) > 100, len(recs)
head = recs[:1] if b"WARC-Type: warcinfo" in recs[0] else []
rest = recs[len(head):]
open(d + "/plain.warc", "wb").write(b"".join(recs))
sh = rest[:]
random.Random(5).shuffle(sh)
open(d + "/shuf.warc", "wb").write(b"".join(head + sh))
open(d + "/rev.warc", "wb").write(b"".join(head + rest[::-1]))
PY
for n in plain shuf rev; do
	"$CIBSCAN" sites -q "$d/$n.warc" -o "$TMPDIR/$n.csv" \
		--clusters "$TMPDIR/$n.c.csv"
	"$CIBSCAN" sites -q "$d/$n.warc" --json -o "$TMPDIR/$n.json"
done
# something to compare: flagged networks
[ "$(awk -F, 'NR > 1 && $3 == 1' "$TMPDIR/plain.csv" | wc -l)" -gt 20 ]
for n in shuf rev; do
	for t in csv c.csv json; do
		cmp "$TMPDIR/plain.$t" "$TMPDIR/$n.$t" ||
			{ echo "$n: $t differs"; exit 1; }
	done
done
