"""A stand-in for the UN document system on 127.0.0.1, for the fetch tests: they never touch the network.

It answers /api/symbol/access?s=<symbol>&l=<language>&t=pdf with whatever a test scripts for that pair:
a real PDF from the test data (with ETag and Last-Modified, honouring If-None-Match), a redirect to it, 404,
429 with Retry-After, 5xx, a reply slower than the client's timeout, an HTML error page with status 200, a
truncated PDF, a connection that drops mid-body. Every request is logged with its headers and time.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before anything is sent
    declared_length: int | None = None  # a Content-Length larger than the body: the connection drops mid-body


@dataclass
class Logged:
    symbol: str
    language: str
    path: str
    headers: dict[str, str]
    at: float


class DocumentSystem:
    def __init__(self) -> None:
        self.scripts: dict[tuple[str, str], list[Reply]] = {}
        self.files: dict[str, Reply] = {}
        self.log: list[Logged] = []
        self.url = ""

    def answer(self, symbol: str, language: str, *replies: Reply) -> None:
        """Reply in turn with `replies`; the last one is repeated for every later request."""
        self.scripts[(symbol, language)] = list(replies)

    def serve_pdf(self, symbol: str, language: str, pdf: bytes, *, etag: str = '"v1"', redirect: bool = False) -> None:
        headers = {"Content-Type": "application/pdf", "ETag": etag, "Last-Modified": "Tue, 10 Dec 1948 10:00:00 GMT"}
        if redirect:
            path = f"/files/{symbol.replace('/', '_')}-{language}.pdf"
            self.files[path] = Reply(200, pdf, headers)
            self.answer(symbol, language, Reply(302, b"", {"Location": path}))
        else:
            self.answer(symbol, language, Reply(200, pdf, headers))

    def requests_for(self, symbol: str, language: str) -> list[Logged]:
        return [entry for entry in self.log if (entry.symbol, entry.language) == (symbol, language)]

    def _reply_for(self, path: str, query: dict[str, list[str]], headers: dict[str, str]) -> Reply:
        if path in self.files:
            reply = self.files[path]
        else:
            key = (query.get("s", [""])[0], query.get("l", [""])[0])
            script = self.scripts.get(key)
            if not script:
                return Reply(404, b"<html><body>Not found</body></html>", {"Content-Type": "text/html"})
            reply = script.pop(0) if len(script) > 1 else script[0]
        etag = reply.headers.get("ETag")
        if etag and headers.get("if-none-match") == etag and reply.status == 200:
            return Reply(304, b"", {"ETag": etag})
        return reply


@contextmanager
def document_system() -> Iterator[DocumentSystem]:
    system = DocumentSystem()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            parts = urlsplit(self.path)
            query = parse_qs(parts.query)
            headers = {k.lower(): v for k, v in self.headers.items()}
            system.log.append(
                Logged(query.get("s", [""])[0], query.get("l", [""])[0], self.path, headers, time.monotonic())
            )
            reply = system._reply_for(parts.path, query, headers)
            if reply.delay:
                time.sleep(reply.delay)
            try:
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(reply.declared_length or len(reply.body)))
                if reply.declared_length:
                    self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(reply.body)
                if reply.declared_length:
                    self.close_connection = True
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (its timeout): nothing more to send

        def log_message(self, format: str, *args) -> None:  # quiet: the test reads system.log
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    system.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield system
    finally:
        server.shutdown()
        server.server_close()
