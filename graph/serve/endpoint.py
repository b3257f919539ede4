"""A read-only SPARQL 1.1 Protocol endpoint over a built store. Queries run in worker processes
that hold the store open read-only; a query past its time limit has its process killed (the
engine does not stop otherwise) and gets 503. Only /query is served, only to loopback Host names
unless the server was asked to listen elsewhere, and SERVICE and LOAD are refused. With a live
explorer, / serves the explorer page and /api/ its data (graph/serve/explorer_api.py)."""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import queue
import re
import signal
import socket
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from graph.processes import die_with_parent
from graph.queries import QueryError, refuse_remote, refuse_too_deep

LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1", "[::1]"}
IDLE_SECONDS = 30  # a connection that sends nothing for this long is closed
# a worker may take this long to open a build (reading graph.trig whole while the store is updated
# in place): a query's own time starts when its worker has the build open
OPEN_SECONDS = 600
MAX_QUERY_BYTES = 1_000_000  # a request body (a query) larger than this is refused unread (413)
# each open connection holds a thread; past this many, a new one gets 503 at once and is closed, so
# idle or slow clients cannot exhaust the process's threads (IDLE_SECONDS frees the slots they hold)
MAX_CONNECTIONS = 64


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_stamp(out: Path) -> str:
    """Which build is in OUT: its manifest's size and time (a new build rewrites it)."""
    try:
        info = (out / "manifest.json").stat()
    except OSError:
        return ""
    return f"{info.st_size}-{info.st_mtime_ns}"


def _answer_queries(graph: str, connection) -> None:
    """A worker: opens the build once, then answers one query at a time until its pipe closes."""
    die_with_parent()
    from graph.store import StoreError, open_built

    try:
        store = open_built(Path(graph))
    except (StoreError, OSError) as error:
        store, failure = None, str(error)
    connection.send("opened")
    while True:
        try:
            text, accept, max_bytes = connection.recv()
        except (EOFError, OSError):
            return
        if store is None:
            connection.send((503, "text/plain", f"the build cannot be read: {failure}".encode()))
            continue
        try:
            media, body = store.answer(text, accept)
        except Exception as error:  # the query's own fault: a syntax error, an unknown function
            connection.send((400, "text/plain", f"query failed: {error}".encode()))
            continue
        if len(body) > max_bytes:
            connection.send((413, "text/plain", f"result larger than {max_bytes} bytes: add a LIMIT or a filter".encode()))
        else:
            connection.send((200, media, body))


class QueryWorker:
    context = multiprocessing.get_context("fork")

    def __init__(self, graph: Path, stamp: str):
        self.graph, self.stamp = graph, stamp
        self.opened = False
        self.outcome = ""  # why the last query got no answer: "timed out", "not opened", "died"
        self.connection, child = self.context.Pipe()
        self.process = self.context.Process(target=_answer_queries, args=(str(graph), child), daemon=True)
        self.process.start()
        child.close()

    def _reply(self, seconds: float) -> object:
        """The worker's next message; None when it did not come in time (outcome "timed out") or
        the worker died (outcome "died"): the wait ends as soon as the worker exits."""
        ready = []
        try:
            ready = multiprocessing.connection.wait([self.connection, self.process.sentinel], seconds)
            if self.connection in ready:
                return self.connection.recv()
        except (EOFError, OSError):
            pass
        self.outcome = "died" if ready else "timed out"
        return None

    def ask(self, text: str, accept: str, timeout: float, max_bytes: int) -> tuple[int, str, bytes] | None:
        """The worker's answer; None when it ran out of time or died (it is then stopped), which
        failure() tells apart. A new worker first opens the build, which is not the query's time."""
        if not self.opened:
            self.opened = self._reply(OPEN_SECONDS) == "opened"
            if not self.opened:
                self.outcome = "not opened" if self.outcome == "timed out" else "died opening"
                self.stop()
                return None
        try:
            self.connection.send((text, accept, max_bytes))
        except OSError:
            pass
        answer = self._reply(timeout)
        if answer is None:
            self.stop()
        return answer

    def failure(self, timeout: float) -> tuple[int, str, bytes]:
        """The reply for a query whose worker gave no answer: stopped at the time limit (503),
        the build not opened in OPEN_SECONDS (503), or the worker died (500, and by which signal)."""
        if self.outcome == "timed out":
            return 503, "text/plain", f"the query did not finish in {timeout:g} s and was stopped".encode()
        if self.outcome == "not opened":
            return 503, "text/plain", f"the build did not open in {OPEN_SECONDS} s".encode()
        code = self.process.exitcode or 0
        how = signal.Signals(-code).name if code < 0 else f"exit status {code}"
        if self.outcome == "died opening":
            return 500, "text/plain", f"the worker died opening the build ({how}); the server goes on".encode()
        return 500, "text/plain", f"the query stopped the engine ({how}); the server goes on".encode()

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.connection.close()


class WorkerForker:
    """Forks every query worker from one thread that lives as long as the server. A worker asks
    the kernel to kill it when the thread that forked it ends (PR_SET_PDEATHSIG follows the
    thread, not the process): forked in a request's thread, it died with that request."""

    def __init__(self):
        self.requests: queue.Queue = queue.Queue()
        self.thread = threading.Thread(target=self._fork_on_request, name="query-worker-forker", daemon=True)
        self.thread.start()

    def _fork_on_request(self) -> None:
        while (request := self.requests.get()) is not None:
            arguments, reply = request
            try:
                reply.put(QueryWorker(*arguments))
            except Exception as error:  # out of processes or memory: the asking request reports it
                reply.put(error)

    def new(self, graph: Path, stamp: str) -> QueryWorker:
        reply: queue.Queue = queue.Queue(maxsize=1)
        self.requests.put(((graph, stamp), reply))
        worker = reply.get()
        if isinstance(worker, Exception):
            raise worker
        return worker

    def stop(self) -> None:
        self.requests.put(None)


class QueryWorkers:
    """A fixed number of workers; a request waits for a free one. A worker that timed out or died
    is replaced, and so is one that holds an older build than the one now in OUT."""

    def __init__(self, out: Path, count: int, timeout: float):
        self.out, self.timeout = out, timeout
        self.graph = out / "graph.trig"
        self.forker = WorkerForker()
        stamp = build_stamp(out)
        self.free: queue.Queue[QueryWorker] = queue.Queue()
        self.all: list[QueryWorker] = []
        self.lock = threading.Lock()  # self.all is changed from many request threads
        for _ in range(count):
            self.free.put(self._add(self.forker.new(self.graph, stamp)))

    def _add(self, worker: QueryWorker) -> QueryWorker:
        with self.lock:
            self.all.append(worker)
        return worker

    def _replace(self, worker: QueryWorker, stamp: str) -> QueryWorker:
        worker.stop()
        with self.lock:
            if worker in self.all:
                self.all.remove(worker)
        return self._add(self.forker.new(self.graph, stamp))

    def ask(self, text: str, accept: str, max_bytes: int) -> tuple[int, str, bytes]:
        worker = self.free.get()
        answer = None
        try:
            stamp = build_stamp(self.out)
            if worker.stamp != stamp or not worker.process.is_alive():  # a new build: open it
                worker = self._replace(worker, stamp)
            answer = worker.ask(text, accept, self.timeout, max_bytes)
            if answer is None:
                answer = worker.failure(self.timeout)
                worker = self._replace(worker, stamp)
        except OSError as error:  # no process could be forked (out of processes or memory)
            answer = answer or (503, "text/plain", f"no query worker could be started: {error}".encode())
        finally:
            self.free.put(worker)  # a worker that could not be replaced is replaced on its next use
        return answer

    def stop(self) -> None:
        self.forker.stop()
        with self.lock:
            workers = list(self.all)
        for worker in workers:
            worker.stop()


class ProxyServer(ThreadingHTTPServer):
    request_queue_size = 128  # 50 clients at once wait their turn instead of being reset
    daemon_threads = True

    def __init__(self, address, handler_class, max_connections: int = MAX_CONNECTIONS):
        self.connection_slots = threading.BoundedSemaphore(max_connections)
        self.max_connections = max_connections
        super().__init__(address, handler_class)

    def process_request(self, request, client_address) -> None:
        if not self.connection_slots.acquire(blocking=False):
            self._turn_away(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:  # no thread was started: it would never give the slot back
            self.connection_slots.release()
            raise

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.connection_slots.release()

    def _turn_away(self, request) -> None:
        body = f"more than {self.max_connections} connections are open: try again shortly\n".encode()
        head = ("HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
                f"Content-Length: {len(body)}\r\nRetry-After: 1\r\nConnection: close\r\n\r\n").encode()
        try:
            request.settimeout(1)
            request.sendall(head + body)
        except OSError:
            pass
        self.shutdown_request(request)

    def handle_error(self, request, client_address) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, (BrokenPipeError, ConnectionResetError, TimeoutError, socket.timeout)):
            return  # the client went away: nothing to report
        import traceback

        from graph.terminal import printable_lines

        # what failed may hold the request's own text: no control character of it reaches the log
        sys.stderr.write(printable_lines(f"serve: a request from {client_address[0]} failed:\n{traceback.format_exc()}"))


def handler(workers: QueryWorkers, max_bytes: int, max_query_bytes: int, allowed_hosts: set[str] | None, explorer=None):
    class Endpoint(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        timeout = IDLE_SECONDS

        def log_message(self, *args):  # quiet; the CLI prints what matters
            pass

        def _reply(self, code: int, media: str, body: bytes, close: bool = False) -> None:
            self.send_response(code)
            if close:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.send_header("Content-Type", media if media != "text/plain" else "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            self.wfile.write(body)

        def _refuse(self, code: int, text: str) -> None:
            """An error reply that closes the connection: a body left unread would be taken for the next request."""
            self._reply(code, "text/plain", (text + "\n").encode(), close=True)

        def _body_length(self) -> int | None:
            """The length of the request's body; None once a refusal was sent. Framing that two
            readers could take two ways is refused (RFC 9112, 6.3): behind a proxy, the bytes one
            of them leaves over become a request of their own."""
            lengths = self.headers.get_all("Content-Length") or []
            if self.headers.get_all("Transfer-Encoding"):
                if lengths:
                    return self._refuse(400, "Content-Length and Transfer-Encoding together are refused")
                return self._refuse(411, "send the body with a Content-Length (no Transfer-Encoding)")
            if len(lengths) > 1:
                return self._refuse(400, "more than one Content-Length header")
            if lengths and not re.fullmatch(r"[0-9]{1,18}", lengths[0].strip()):
                return self._refuse(400, "Content-Length is not a number of bytes")
            length = int(lengths[0]) if lengths else 0
            if length > max_query_bytes:
                return self._refuse(413, f"request body larger than {max_query_bytes:,} bytes")
            return length

        def _body(self) -> bytes | None:
            """The request's body as its Content-Length frames it; None once a refusal was sent."""
            length = self._body_length()
            if not length:
                return None if length is None else b""
            try:
                data = self.rfile.read(length)
            except TimeoutError:
                return self._refuse(408, f"the request body did not arrive in {IDLE_SECONDS} s")
            if len(data) < length:  # the client stopped sending: a part is not the query
                return self._refuse(400, "the request body is shorter than its Content-Length")
            return data

        def handle_expect_100(self) -> bool:
            """A client that asks before sending its body (curl does, for large ones) is refused
            before it sends it."""
            return self._body_length() is not None and super().handle_expect_100()

        def _host_allowed(self) -> bool:
            if allowed_hosts is None:
                return True
            host = (self.headers.get("Host") or "").strip().lower()
            name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
            return name in allowed_hosts

        def _query(self, method: str) -> None:
            if not self._host_allowed():
                return self._refuse(403, "this endpoint answers only requests addressed to a loopback name")
            url = urllib.parse.urlsplit(self.path)
            if explorer is not None and method == "GET" and (url.path == "/" or url.path.startswith("/api/")):
                return self._explore(url)
            if url.path != "/query":
                return self._refuse(403 if method == "POST" else 404, "read-only endpoint: only /query is served")
            data = self._body()
            if data is None:
                return None
            body = data.decode("utf-8", "replace")
            media = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            if method == "GET":
                texts = urllib.parse.parse_qs(url.query).get("query", [])
            elif media == "application/sparql-query":
                texts = [body]
            elif media == "application/x-www-form-urlencoded":
                texts = urllib.parse.parse_qs(body).get("query", [])
            else:
                return self._refuse(415, "send a query: GET ?query=, or POST application/sparql-query or a form")
            if len(texts) != 1:
                return self._refuse(400, "one query parameter expected")
            try:
                refuse_remote(texts[0])
            except QueryError as error:
                return self._refuse(403, str(error).split(" (")[0])
            try:
                refuse_too_deep(texts[0])
            except QueryError as error:
                return self._refuse(400, str(error))
            self._reply(*workers.ask(texts[0], self.headers.get("Accept") or "", max_bytes))

        def _explore(self, url) -> None:
            from graph.serve.claim_index import IndexTimeout
            from graph.serve.explorer_api import LIVE_CSP, answer

            index, page = explorer.current(build_stamp(workers.out))
            if url.path == "/":
                if not page:
                    return self._refuse(404, "this build has no explorer page (build without --no-explorer)")
                self.send_response(200)
                for name, value in (("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(page))),
                                    ("Content-Security-Policy", LIVE_CSP), ("X-Content-Type-Options", "nosniff")):
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(page)
                return None
            if index is None:
                return self._refuse(503, "this build has no claims table to answer from: build it again")
            try:
                self._reply(*answer(index, url.path, urllib.parse.parse_qs(url.query)))
            except IndexTimeout as error:
                self._refuse(503, str(error))

        def do_GET(self):
            self._query("GET")

        def do_POST(self):
            self._query("POST")

        def do_PUT(self):
            self._refuse(403, "read-only endpoint")

        do_DELETE = do_PATCH = do_PUT

    return Endpoint


class Endpoint:
    """The server and its query workers; stop() takes all of them down."""

    def __init__(self, out: Path, host: str, port: int, timeout: float, max_bytes: int, workers: int = 2, explorer=None,
                 max_query_bytes: int = MAX_QUERY_BYTES, max_connections: int = MAX_CONNECTIONS):
        self.workers = QueryWorkers(Path(out), workers, timeout)
        # loopback names only, unless the user chose to listen on another address
        allowed = None if host not in LOOPBACK_NAMES else LOOPBACK_NAMES
        try:
            self.server = ProxyServer((host, port), handler(self.workers, max_bytes, max_query_bytes, allowed, explorer),
                                      max_connections)
        except OSError:
            self.workers.stop()
            raise
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.stopped = threading.Event()

    def start(self) -> None:
        self.thread.start()

    def wait(self) -> int:
        self.stopped.wait()
        return 0

    def stop(self) -> None:
        """Safe from a signal handler: nothing here waits on the server's own thread."""
        self.workers.stop()
        # shutdown() waits for the serving thread; from a handler that wait must not block us
        threading.Thread(target=self.server.shutdown, daemon=True).start()
        self.stopped.set()
