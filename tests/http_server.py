#!/usr/bin/env python3
"""http_server.py - a replay HTTP server on 127.0.0.1 for the collect tests.

usage: http_server.py SCENARIO.json PORTFILE LOGFILE [CERT.pem KEY.pem]

With a certificate and key it speaks TLS (https) instead of plain http.

Binds 127.0.0.1 on a free port (port 0), writes the port to PORTFILE, and
answers from the scenario: a list of routes, each a path, an optional set
of query parameters that must match, and a list of responses served in turn
(the last one repeats). A response is
  {"status": 200, "headers": {...}, "body": "..." | "body_file": "rel/path",
   "delay": SECONDS,            sleep before answering
   "truncate": N,               announce the full length, send N bytes, close
   "huge": N,                   stream N bytes of chunked junk
   "stall": SECONDS}            send the headers and 10 bytes, then hang
"{base}" in headers and bodies becomes http://127.0.0.1:PORT and "{now+N}"
the Unix time plus N, "{port}" the port and "{seq}" a counter that grows
with every use. Every request is logged to LOGFILE as one line:
"<path?query> auth=<yes|no> ua=<user agent>" (never the token itself).
The server runs until killed.
"""
import json
import os
import ssl
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

scenario_path, port_file, log_file = sys.argv[1], sys.argv[2], sys.argv[3]
tls = sys.argv[4:6] if len(sys.argv) >= 6 else None
with open(scenario_path, encoding="utf-8") as f:
    scenario = json.load(f)
base_dir = os.path.dirname(os.path.abspath(scenario_path))
counters = {}
lock = threading.Lock()
port = 0


seq = [0]


def expand(text):
    text = text.replace("{base}", "%s://127.0.0.1:%d" % ("https" if tls else "http", port))
    text = text.replace("{port}", str(port))
    if "{seq}" in text:
        with lock:
            seq[0] += 1
            text = text.replace("{seq}", str(seq[0]))
    while "{now+" in text:
        i = text.index("{now+")
        j = text.index("}", i)
        text = text[:i] + str(int(time.time()) + int(text[i + 5:j])) + text[j + 1:]
    return text


def pick(path, query):
    best, best_n = None, -1
    for idx, route in enumerate(scenario["routes"]):
        if route["path"] != path:
            continue
        want = route.get("query", {})
        if all(query.get(k, [None])[0] == v for k, v in want.items()):
            if len(want) > best_n:
                best, best_n = idx, len(want)
    return best


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        with lock, open(log_file, "a", encoding="utf-8") as log:
            log.write("%s auth=%s ua=%s\n" % (
                self.path,
                "yes" if self.headers.get("Authorization") else "no",
                self.headers.get("User-Agent", "")))
        idx = pick(url.path, query)
        if idx is None:
            self.send_answer({"status": 404, "body": '{"error":"no route"}'})
            return
        with lock:
            n = counters.get(idx, 0)
            counters[idx] = n + 1
        responses = scenario["routes"][idx]["responses"]
        self.send_answer(responses[min(n, len(responses) - 1)])

    def send_answer(self, r):
        if r.get("delay"):
            time.sleep(r["delay"])
        if "body_file" in r:
            with open(os.path.join(base_dir, r["body_file"]), encoding="utf-8") as f:
                body = f.read()
        else:
            body = r.get("body", "")
        body = expand(body).encode("utf-8")
        self.send_response(r.get("status", 200))
        self.send_header("Content-Type", "application/json")
        for k, v in r.get("headers", {}).items():
            self.send_header(k, expand(v))
        if r.get("huge"):
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            chunk = b"x" * 65536
            left = r["huge"]
            try:
                while left > 0:
                    part = chunk[:min(left, len(chunk))]
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
                    left -= len(part)
                self.wfile.write(b"0\r\n\r\n")
            except OSError:
                pass
            return
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            if r.get("stall"):
                self.wfile.write(body[:10])
                self.wfile.flush()
                time.sleep(r["stall"])
            elif "truncate" in r:
                self.wfile.write(body[:r["truncate"]])
                self.wfile.flush()
                self.close_connection = True
            else:
                self.wfile.write(body)
        except OSError:
            pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
if tls:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(tls[0], tls[1])
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
port = server.server_address[1]
with open(port_file + ".tmp", "w", encoding="utf-8") as f:
    f.write(str(port))
os.rename(port_file + ".tmp", port_file)
server.serve_forever()
