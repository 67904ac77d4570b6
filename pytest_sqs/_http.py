"""The server's HTTP layer: reading requests, routing them to a protocol, writing answers.

Each request works on the simulator that was current when it arrived: a ``reset()`` or
``stop()`` meanwhile cannot mix two simulators in one answer.
"""

from __future__ import annotations

import contextlib
import re
import select
import socket
import threading
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from . import _admin
from ._core import errors
from ._core.errors import SQSError, UnsupportedBySimulator
from ._core.simulator import SQSSimulator
from ._wire import cloudwatch_protocol, json_protocol, query_protocol

if TYPE_CHECKING:
    from ._server import SQSServer

# Larger than any valid request (1 MiB of message plus JSON escaping); beyond it the
# body is not read at all.
MAX_REQUEST_BYTES = 8 * 1024 * 1024
_CREDENTIAL_REGION = re.compile(r"Credential=[^/,\s]+/\d{8}/([a-z0-9-]{1,64})/")
# The queue URLs the simulator makes (https://sqs.<region>.<suffix>/<account>/<name>).
_AWS_QUEUE_URL = re.compile(r"https://[^/]+(/[^/]+/[^/]+)\Z")
_URL_KEYS = ("QueueUrl", "QueueUrls", "queueUrls")
_OWN_HEADERS = frozenset({"content-length", "connection"})
_DIGITS = re.compile(r"[0-9]{1,12}")
_HEX = re.compile(rb"[0-9A-Fa-f]{1,8}")
_NO_OPERATION = b"<UnknownOperationException/>\n"


class FrontEnd(ThreadingHTTPServer):
    """A threaded HTTP server that knows its open connections, to end them on stop."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], owner: SQSServer) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.owner = owner
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(address, Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def end_connections(self) -> None:
        """Hang up on every client still connected (keep-alive connections included)."""
        with self._open_lock:
            connections = list(self._open)
        for connection in connections:
            with contextlib.suppress(OSError):  # already gone
                connection.shutdown(socket.SHUT_RDWR)


def localise(result: dict[str, Any], base_url: str) -> dict[str, Any]:
    """Queue URLs as this server's: ``http://<host:port>/<account>/<name>``."""

    def local(url: str) -> str:
        return _AWS_QUEUE_URL.sub(lambda m: base_url + m.group(1), url)

    for key in _URL_KEYS:
        value = result.get(key)
        if isinstance(value, str):
            result[key] = local(value)
        elif isinstance(value, list):
            result[key] = [local(v) for v in value]
    return result


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: SDKs reuse connections
    disable_nagle_algorithm = True  # else small answers wait ~40 ms for delayed ACKs
    server: FrontEnd
    server_version = "pytest-sqs"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: tests read results, not access logs

    # -- transport ------------------------------------------------------------

    def do_POST(self) -> None:
        body = self._read_body()
        if body is not None:
            self._dispatch(body)

    # The query protocol allows GET; other methods reach only the admin API's 405 or the
    # front door's 404.  A body, if any, is read all the same: the connection stays usable.
    do_GET = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_HEAD = do_POST

    def _read_body(self) -> bytes | None:
        """The request body, or ``None`` after refusing it (or losing the client)."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        lengths = self.headers.get_all("Content-Length") or ["0"]
        if len(set(lengths)) != 1 or not _DIGITS.fullmatch(lengths[0].strip()):
            self._refuse(400, f"Invalid Content-Length {', '.join(lengths)!r}")
            return None
        length = int(lengths[0])
        if length > MAX_REQUEST_BYTES:
            self._too_large()
            return None
        body = self.rfile.read(length)
        if len(body) < length:  # the client went away mid-request: run nothing
            self.close_connection = True
            return None
        return body

    def _read_chunked(self) -> bytes | None:
        chunks: list[bytes] = []
        total = 0
        while True:
            line = self.rfile.readline(1024).split(b";", 1)[0].strip()
            if not _HEX.fullmatch(line):
                self._refuse(400, "Malformed chunked body")
                return None
            size = int(line, 16)
            if size == 0:
                while self.rfile.readline(1024).strip():
                    pass  # trailers
                return b"".join(chunks)
            total += size
            if total > MAX_REQUEST_BYTES:
                self._too_large()
                return None
            chunk = self.rfile.read(size)
            if len(chunk) < size:  # the client went away mid-request: run nothing
                self.close_connection = True
                return None
            chunks.append(chunk)
            self.rfile.readline(1024)

    def _too_large(self) -> None:
        simulator = self.server.owner.current()
        error = SQSError(errors.BODY_TOO_LARGE, limit=MAX_REQUEST_BYTES)
        request_id = simulator.new_uuid() if simulator else ""
        now = simulator.clock.now() if simulator else 0.0
        status, headers, body = json_protocol.encode_error(error, request_id, now)
        self.close_connection = True  # the unread body must not be taken for a request
        self._send(status, headers, body)

    def _refuse(self, status: int, text: str) -> None:
        """Answer a request that is not HTTP we can read, and drop the connection."""
        self.close_connection = True
        self._send(status, {"content-type": "text/plain"}, text.encode("utf-8"))

    def _send(self, status: int, headers: Mapping[str, str], body: bytes) -> None:
        """Write the whole answer at once (split writes wait for delayed ACKs)."""
        reason = self.responses.get(status, ("",))[0]
        lines = [f"HTTP/1.1 {status} {reason}", f"Server: {self.server_version}"]
        lines += [f"{n}: {v}" for n, v in headers.items() if n not in _OWN_HEADERS]
        if "date" not in headers:
            lines.append(f"Date: {self.date_time_string()}")
        lines.append(f"Content-Length: {len(body)}")
        lines.append("Connection: " + ("close" if self.close_connection else "keep-alive"))
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        try:
            self.wfile.write(head if self.command == "HEAD" else head + body)
        except OSError:
            self.close_connection = True  # the client went away; nothing is lost here

    # -- routing --------------------------------------------------------------

    def _dispatch(self, body: bytes) -> None:
        owner = self.server.owner
        simulator = owner.current()
        if simulator is None:  # stopped while this connection was open
            self.close_connection = True
            self._send(503, {"content-type": "text/plain"}, b"pytest-sqs server stopped\n")
            return
        url = urlsplit(self.path)
        if url.path.startswith(_admin.PREFIX) or url.path == _admin.PREFIX.rstrip("/"):
            status, payload = _admin.handle(
                owner,
                self.command,
                url.path,
                url.query,
                body,
                content_type=self.headers.get("Content-Type", ""),
                base_url=self._base_url(),
            )
            self._send(status, {"content-type": "application/json"}, payload)
            return
        target = self.headers.get("X-Amz-Target")
        content_type = self.headers.get("Content-Type", "")
        if (target or "").startswith(cloudwatch_protocol.TARGET_PREFIX):
            self._cloudwatch(simulator, cloudwatch_protocol.decode_json, target, body)
        elif self.command == "POST" and json_protocol.is_json(content_type):
            self._json(simulator, target, body)
        elif (self.command == "POST" and "x-www-form-urlencoded" in content_type.lower()) or (
            self.command == "GET" and target is None and "Action=" in url.query
        ):
            self._query(simulator, url.path, url.query, body)
        else:
            # Neither protocol: what AWS's front door answers when it finds no operation.
            self._send(404, {"content-type": "text/xml"}, _NO_OPERATION)

    def _client_gone(self) -> bool:
        """Whether the client hung up (its side of the socket reads as closed)."""
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            return bool(readable) and self.connection.recv(1, socket.MSG_PEEK) == b""
        except (OSError, ValueError):
            return True

    def _region(self) -> str | None:
        match = _CREDENTIAL_REGION.search(self.headers.get("Authorization", ""))
        return match.group(1) if match else None

    def _base_url(self) -> str:
        host = self.headers.get("Host") or self.server.owner.endpoint_url.split("//", 1)[1]
        return f"http://{host}"

    def _run(self, simulator: SQSSimulator, decode: Any, *args: Any) -> tuple[str, dict[str, Any]]:
        """Decode the request and run the action: (operation, result with local URLs).

        Anything but an SQS error, while decoding or running, is a bug of ours: it is
        reported as one (``server.bugs``, stderr) and answered as InternalError.
        """
        owner = self.server.owner
        operation, params = "(decoding the request)", {"request": args}
        try:
            operation, params = decode(*args)
            result = owner.call(
                simulator,
                operation,
                params,
                region=self._region(),
                trace=self.headers.get("X-Amzn-Trace-Id"),
                gone=self._client_gone,
            )
        except SQSError:
            raise
        except Exception as exc:
            report = owner.report_bug(operation, params, exc)
            raise SQSError(errors.SIMULATOR_BUG, report=report) from exc
        return operation, localise(result, self._base_url())

    def _json(self, simulator: SQSSimulator, target: str | None, body: bytes) -> None:
        request_id = simulator.new_uuid()
        try:
            _, result = self._run(simulator, json_protocol.decode_request, target, body)
            payload = json_protocol.encode_result(result)
        except SQSError as error:
            status, headers, payload = json_protocol.encode_error(
                error, request_id, simulator.clock.now()
            )
            self._send(status, headers, payload)
            return
        now = simulator.clock.now()  # after the call: a long poll may have taken time
        self._send(200, json_protocol.response_headers(request_id, now), payload)

    def _query(self, simulator: SQSSimulator, path: str, query: str, body: bytes) -> None:
        request_id = simulator.new_uuid()
        form = parse_qsl(query, keep_blank_values=True)
        form += parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
        if ("Version", cloudwatch_protocol.VERSION) in form:
            tree = query_protocol.form_tree(form)
            self._cloudwatch(simulator, cloudwatch_protocol.decode_query, tree)
            return
        try:
            operation, result = self._run(simulator, query_protocol.decode_request, form, path)
            payload = query_protocol.encode_result(operation, result, request_id)
        except SQSError as error:
            status, headers, payload = query_protocol.encode_error(
                error, request_id, simulator.clock.now()
            )
            self._send(status, headers, payload)
            return
        headers = query_protocol.response_headers(request_id, simulator.clock.now())
        self._send(200, headers, payload)

    def _cloudwatch(self, simulator: SQSSimulator, decode: Any, *args: Any) -> None:
        """A CloudWatch call: answered if it is about SQS metrics, else refused with a
        message that says so (never passed on: the server has nowhere to send it)."""
        request_id = simulator.new_uuid()
        query = decode is cloudwatch_protocol.decode_query
        operation, params = "(decoding the request)", {"request": args}
        try:
            operation, params = decode(*args)
            result = simulator.cloudwatch(operation, params, region=self._region())
            status, headers, payload = cloudwatch_protocol.encode_result(
                operation, result, request_id, simulator.clock.now(), query=query
            )
        except SQSError as error:
            status, headers, payload = cloudwatch_protocol.encode_error(
                error, request_id, simulator.clock.now(), query=query
            )
        except UnsupportedBySimulator as refusal:
            status, headers, payload = cloudwatch_protocol.encode_error(
                cloudwatch_protocol.not_served(str(refusal)),
                request_id,
                simulator.clock.now(),
                query=query,
            )
        except Exception as exc:
            report = self.server.owner.report_bug(operation, params, exc)
            status, headers, payload = cloudwatch_protocol.encode_error(
                SQSError(errors.SIMULATOR_BUG, report=report),
                request_id,
                simulator.clock.now(),
                query=query,
            )
        self._send(status, headers, payload)
