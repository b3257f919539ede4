"""A read-only SPARQL 1.1 Protocol endpoint over a built store: the Oxigraph server on a private
loopback port, behind a small proxy that only passes queries and caps the size of a result."""

from __future__ import annotations

import http.client
import socket
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FORWARDED = ("Content-Type", "Accept")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def handler(backend_port: int, max_bytes: int):
    class Proxy(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):  # quiet; the CLI prints what matters
            pass

        def _refuse(self, code: int, text: str) -> None:
            body = (text + "\n").encode()
            self.send_response(code)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _forward(self, method: str) -> None:
            if self.path.split("?")[0] != "/query":
                return self._refuse(403 if method == "POST" else 404, "read-only endpoint: only /query is served")
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            backend = http.client.HTTPConnection("127.0.0.1", backend_port, timeout=600)
            headers = {k: self.headers[k] for k in FORWARDED if self.headers.get(k)}
            backend.request(method, self.path, body=body, headers=headers)
            response = backend.getresponse()
            data = response.read(max_bytes + 1)
            backend.close()
            if len(data) > max_bytes:
                return self._refuse(413, f"result larger than {max_bytes} bytes: add a LIMIT or a filter")
            self.send_response(response.status)
            self.send_header("Content-Type", response.getheader("Content-Type", "application/octet-stream"))
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            self._forward("GET")

        def do_POST(self):
            self._forward("POST")

        def do_PUT(self):
            self._refuse(403, "read-only endpoint")

        do_DELETE = do_PATCH = do_PUT

    return Proxy


class Endpoint:
    """The proxy and the Oxigraph server behind it; stop() takes both down."""

    def __init__(self, store: Path, host: str, port: int, timeout: int, max_bytes: int, binary: str):
        backend_port = free_port()
        self.server = subprocess.Popen([binary, "serve-read-only", "--location", str(store), "--bind",
                                        f"127.0.0.1:{backend_port}", "--union-default-graph", "--timeout-s", str(timeout)])
        self.proxy = ThreadingHTTPServer((host, port), handler(backend_port, max_bytes))
        self.thread = threading.Thread(target=self.proxy.serve_forever, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def wait(self) -> int:
        return self.server.wait()

    def stop(self) -> None:
        """Safe from a signal handler: nothing here waits on the proxy's own thread."""
        if self.server.poll() is None:
            self.server.terminate()
        # shutdown() waits for the serving thread; from a handler that wait must not block us
        threading.Thread(target=self.proxy.shutdown, daemon=True).start()
