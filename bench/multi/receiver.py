#!/usr/bin/env python3
"""A webhook receiver for the multi-instance benchmark: answers every POST 204 and appends one line per request to
a file (the delivery id header and the alert id from the body). Listens on 127.0.0.1 only.

    python3 receiver.py PORT OUT_FILE
"""
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port, out = int(sys.argv[1]), sys.argv[2]


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        try:
            alert = json.loads(body).get("id", "?")
        except ValueError:
            alert = "?"
        with open(out, "a", encoding="ascii") as f:
            f.write(f"{self.headers.get('X-AuditKit-Delivery', '?')} {alert}\n")
        self.send_response(204)
        self.end_headers()

    def log_message(self, format, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
