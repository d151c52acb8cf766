#!/usr/bin/env python3
"""hostile_crawl.py CRAWL_DIR OUT_WARC - rewrites a `cibscan synth-sites`
crawl so that the network sites carry script-injection payloads in what the
report shows of them: the page title, the HTTP Server header, an HTML
comment (a template trait) and the opening of every article (the same payload on every page, so the articles
stay near-identical). HTTP bodies are decoded (chunked, gzip) and written
plain, with their lengths recomputed; the output is an uncompressed .warc.
Used by tests/cli/sites_report_xss.sh."""
import csv
import gzip
import re
import sys
import zlib

PAYLOADS = [
    "<script>document.title='pwned'</script>",
    '"><img src=x onerror="document.title=\'pwned\'">',
]

def dechunk(b):
    out, i = b"", 0
    while True:
        j = b.index(b"\r\n", i)
        n = int(b[i:j].split(b";")[0], 16)
        if n == 0:
            return out
        out += b[j + 2:j + 2 + n]
        i = j + 2 + n + 2

def main():
    src, out = sys.argv[1], sys.argv[2]
    with open(src + "/truth.csv", newline="") as f:
        net = {r["site"] for r in csv.DictReader(f)
               if r["role"].startswith("network")}
    data = gzip.open(src + "/crawl.warc.gz").read()
    i, recs = 0, []
    while i < len(data):
        he = data.index(b"\r\n\r\n", i)
        head = data[i:he].decode()
        n = int(re.search(r"Content-Length: (\d+)", head).group(1))
        block = data[he + 4:he + 4 + n]
        i = he + 4 + n + 4
        m = re.search(r"WARC-Target-URI: https?://([^/\r]+)", head)
        if "WARC-Type: response" in head and m and m.group(1) in net:
            hh, body = block.split(b"\r\n\r\n", 1)
            hl = hh.decode().split("\r\n")
            if any(h.lower() == "transfer-encoding: chunked" for h in hl):
                body = dechunk(body)
            if any(h.lower() == "content-encoding: gzip" for h in hl):
                body = zlib.decompress(body, 16 + zlib.MAX_WBITS)
            keep = [h for h in hl[1:] if not re.match(
                r"(?i)(transfer-encoding|content-encoding|content-length|server):", h)]
            html = body.decode("utf-8")
            esc = PAYLOADS[0].replace("<", "&lt;").replace(">", "&gt;")
            html = html.replace("<title>", "<title>" + esc + " ", 1)
            html = re.sub(r"(<main[^>]*>.*?<p>)",
                          lambda mm: mm.group(1) + PAYLOADS[1].replace("<", "&lt;").replace(">", "&gt;") + " ",
                          html, count=1, flags=re.S)
            # an HTML comment every network page shares: a template trait
            html = html.replace("<body>", "<body><!-- " + PAYLOADS[1] + " -->", 1)
            body = html.encode("utf-8")
            hh = "\r\n".join([hl[0], "Server: " + PAYLOADS[1]] + keep +
                             ["Content-Length: %d" % len(body)]).encode()
            block = hh + b"\r\n\r\n" + body
            head = re.sub(r"Content-Length: \d+", "Content-Length: %d" % len(block), head)
        recs.append(head.encode() + b"\r\n\r\n" + block + b"\r\n\r\n")
    with open(out, "wb") as f:
        f.write(b"".join(recs))

main()
