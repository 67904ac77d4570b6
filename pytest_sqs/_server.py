"""The HTTP front end: one simulator served to any SQS client over HTTP (design §3).

It speaks the AWS JSON 1.0 protocol of today's SDKs and the query protocol (form
requests, XML answers) of older ones, on ``/`` and on queue-URL paths.  Queue URLs in
answers name the host and port the client connected to, so clients follow them.  Under
``/_pytest_sqs/`` a small admin API moves the clock and shows the queues to tests in
other processes (:mod:`pytest_sqs._admin`).
"""

from __future__ import annotations

import json
import re
import sys
import threading
import traceback
from collections.abc import Mapping
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from . import _active, _admin
from ._core import errors
from ._core.clock import Clock
from ._core.errors import SimulatorBug, SQSError
from ._core.simulator import DEFAULT_ACCOUNT_ID, DEFAULT_REGION, LONG_POLL_POLICIES, SQSSimulator
from ._handle import SQSHandle
from ._mock import CLOCKS, _make_clock
from ._wire import json_protocol, query_protocol

ADMIN_PREFIX = "/_pytest_sqs/"
# Larger than any valid request (1 MiB of message plus JSON escaping); beyond it the
# body is not read at all.
MAX_REQUEST_BYTES = 8 * 1024 * 1024
_CREDENTIAL_REGION = re.compile(r"Credential=[^/,\s]+/\d{8}/([a-z0-9-]+)/")
# The URLs the simulator makes (https://sqs.<region>.<suffix>) and the legacy forms.
_AWS_QUEUE_URL = re.compile(r"https://[^/]+(/\d{12}/[^/]+)\Z")
_URL_KEYS = ("QueueUrl", "QueueUrls", "queueUrls")
_OWN_HEADERS = frozenset({"content-length", "connection"})


class SQSServer(SQSHandle):
    """Amazon SQS over HTTP, on loopback unless told otherwise; also the test's handle.

    Use it as a context manager, or call :meth:`start` and :meth:`stop`.  While it runs,
    ``endpoint_url`` is where clients connect, ``env`` the environment variables that
    point an SDK or the AWS CLI at it, and the handle methods (:meth:`advance`,
    :meth:`queue`, :meth:`calls_to`, ...) work as on ``mock_sqs``.

    Args:
        host: the address to listen on; default ``127.0.0.1``.
        port: the port; ``0`` (default) picks a free one.
        region: the region of calls whose signature names none.
        account_id: the account of every caller.
        clock: "wall" (default) or "manual" (stands still until advanced), or a Clock.
        start: where a "manual" clock starts (epoch seconds or datetime).
        seed: seeds message ids and receipt handles.
        long_poll: "real" (default: a long poll waits in real time, woken by a send or by
            :meth:`advance`), "fast-forward" or "off".
    """

    _NOT_RUNNING = "the SQS server is not started: use it in a with block or call start()"

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        region: str = DEFAULT_REGION,
        account_id: str = DEFAULT_ACCOUNT_ID,
        clock: str | Clock = "wall",
        start: float | datetime | None = None,
        seed: int | None = None,
        long_poll: str = "real",
    ) -> None:
        if not isinstance(clock, Clock) and clock not in CLOCKS:
            raise ValueError(f"clock must be one of {CLOCKS} or a Clock, not {clock!r}")
        if long_poll not in LONG_POLL_POLICIES:
            raise ValueError(f"long_poll must be one of {LONG_POLL_POLICIES}, not {long_poll!r}")
        if start is not None and clock == "wall":
            raise ValueError("start= needs clock='manual'")
        super().__init__(region=region)
        self.host = host
        self.account_id = account_id
        self._clock_option = clock
        self.start_time = start
        self.seed = seed
        self.long_poll = long_poll
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._requested_port = port
        self.bugs: list[str] = []  # internal failures, each as a report with its traceback

    def __repr__(self) -> str:
        where = self.endpoint_url if self._httpd is not None else "stopped"
        return f"<SQSServer {where} region={self.region} account_id={self.account_id}>"

    # -- lifecycle ------------------------------------------------------------

    def _new_simulator(self) -> SQSSimulator:
        return SQSSimulator(
            account_id=self.account_id,
            region=self.region,
            clock=_make_clock(self._clock_option, self.start_time),
            seed=self.seed,
            long_poll=self.long_poll,
        )

    def bind(self) -> SQSServer:
        """Listen on the address without serving yet (the port is known after this)."""
        if self._httpd is not None:
            raise RuntimeError("this SQS server is already started")
        self._simulator = self._new_simulator()
        self._calls = []
        self._httpd = _HTTPServer((self.host, self._requested_port), _Handler, self)
        _active.servers.update(self._netlocs())
        return self

    def _netlocs(self) -> set[str]:
        port = self.port
        names = {self.endpoint_url.split("//", 1)[1], f"localhost:{port}"}
        return names | ({f"127.0.0.1:{port}"} if self.host in ("0.0.0.0", "") else set())

    def start(self) -> SQSServer:
        """Serve in a background thread; returns ``self``."""
        self.bind()
        assert self._httpd is not None
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"pytest-sqs server {self.endpoint_url}",
            daemon=True,
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in this thread until :meth:`stop` or KeyboardInterrupt (the CLI uses it)."""
        if self._httpd is None:
            self.bind()
        assert self._httpd is not None
        try:
            self._httpd.serve_forever(poll_interval=0.2)
        finally:
            self._close()

    def stop(self) -> None:
        """Stop serving, close the socket and drop the simulator."""
        if self._httpd is None:
            raise RuntimeError("this SQS server is not started")
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
            self._thread = None
        self._close()

    def _close(self) -> None:
        if self._httpd is None:
            return
        _active.servers.difference_update(self._netlocs())
        simulator = self._simulator
        if simulator is not None:
            with simulator.lock:  # wake long polls so their threads end
                simulator.notify_send()
        self._httpd.server_close()
        self._httpd = None
        if simulator is not None:
            simulator.clock.close()
        self._simulator = None

    def __enter__(self) -> SQSServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def reset(self) -> None:
        """Forget every queue and call: a fresh simulator with the same options."""
        old = self.simulator
        with old.lock:
            old.notify_send()
        self._simulator = self._new_simulator()
        self._calls = []
        old.clock.close()

    # -- where clients connect ------------------------------------------------

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError(self._NOT_RUNNING)
        return int(self._httpd.server_address[1])

    @property
    def endpoint_url(self) -> str:
        """``http://<host>:<port>``, for ``endpoint_url=`` and ``--endpoint-url``."""
        host = self.host if self.host not in ("", "0.0.0.0", "::") else "127.0.0.1"
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}"

    @property
    def env(self) -> dict[str, str]:
        """Environment variables that point the AWS SDKs and CLI at this server, with
        dummy credentials (for subprocesses: ``subprocess.run(..., env={**os.environ,
        **server.env})``)."""
        return {
            "AWS_ENDPOINT_URL_SQS": self.endpoint_url,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": self.region,
            "AWS_REGION": self.region,
            "AWS_EC2_METADATA_DISABLED": "true",
        }

    def queue_url(self, name: str, *, account_id: str | None = None) -> str:
        """The URL of queue ``name`` as this server hands it out."""
        return f"{self.endpoint_url}/{account_id or self.account_id}/{name}"

    def client(self, **kwargs: Any) -> Any:
        """A boto3 (or, without boto3, botocore) SQS client that talks to this server."""
        options: dict[str, Any] = {
            "endpoint_url": self.endpoint_url,
            "region_name": self.region,
            "aws_access_key_id": "testing",
            "aws_secret_access_key": "testing",
        }
        options.update(kwargs)
        try:
            import boto3
        except ImportError:
            import botocore.session

            return botocore.session.get_session().create_client("sqs", **options)
        return boto3.session.Session().client("sqs", **options)

    # -- answering ------------------------------------------------------------

    def call(
        self, operation: str, params: Mapping[str, Any], *, region: str | None, trace: str | None
    ) -> dict[str, Any]:
        """Run one action on the simulator and record it (errors propagate)."""
        simulator = self.simulator
        try:
            result = simulator.handle(operation, params, region=region, trace_header=trace)
        except SQSError as error:
            self.record(operation, dict(params), None, error.kind.code)
            raise
        self.record(operation, dict(params), result, None)
        return result

    def report_bug(self, operation: str, params: Mapping[str, Any], exc: BaseException) -> str:
        """Keep and print an internal failure; returns the one-line message for the client."""
        bug = exc if isinstance(exc, SimulatorBug) else SimulatorBug(operation, params)
        report = f"{bug}\n{''.join(traceback.format_exception(exc))}"
        self.bugs.append(report)
        print(report, file=sys.stderr)
        return str(bug).splitlines()[0]


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(
        self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler], owner: SQSServer
    ) -> None:
        if ":" in address[0]:
            self.address_family = __import__("socket").AF_INET6
        self.owner = owner
        super().__init__(address, handler)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: SDKs reuse connections
    disable_nagle_algorithm = True  # else small answers wait ~40 ms for delayed ACKs
    server: _HTTPServer
    server_version = "pytest-sqs"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: tests read results, not access logs

    # -- transport ------------------------------------------------------------

    def do_POST(self) -> None:
        body = self._read_body()
        if body is not None:
            self._dispatch(body)

    def do_GET(self) -> None:
        self._dispatch(b"")

    def do_PUT(self) -> None:
        self.do_POST()

    def do_DELETE(self) -> None:
        self.do_POST()

    def _read_body(self) -> bytes | None:
        """The request body, or ``None`` after answering a request whose body is refused."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        length_text = self.headers.get("Content-Length", "0") or "0"
        try:
            length = int(length_text)
        except ValueError:
            length = -1
        if length < 0:
            self._refuse(400, f"Invalid Content-Length {length_text!r}")
            return None
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
            try:
                size = int(line, 16)
            except ValueError:
                self._refuse(400, "Malformed chunked body")
                return None
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
        simulator = self.server.owner.simulator
        error = SQSError(errors.BODY_TOO_LARGE, limit=MAX_REQUEST_BYTES)
        status, headers, body = json_protocol.encode_error(
            error, simulator.new_uuid(), simulator.clock.now()
        )
        self.close_connection = True  # the unread body must not be taken for a request
        self._send(status, {**headers, "connection": "close"}, body)

    def _refuse(self, status: int, text: str) -> None:
        """Answer a request that is not HTTP we can read, and drop the connection."""
        body = text.encode("utf-8")
        self.close_connection = True
        self._send(status, {"content-type": "text/plain", "connection": "close"}, body)

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
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client went away; nothing is lost here

    # -- routing --------------------------------------------------------------

    def _dispatch(self, body: bytes) -> None:
        owner = self.server.owner
        url = urlsplit(self.path)
        if url.path.startswith(ADMIN_PREFIX) or url.path == ADMIN_PREFIX.rstrip("/"):
            status, payload = _admin.handle(owner, self.command, url.path, url.query, body)
            self._send(status, {"content-type": "application/json"}, payload)
            return
        target = self.headers.get("X-Amz-Target")
        content_type = self.headers.get("Content-Type", "")
        if json_protocol.is_json(content_type):
            self._json(target, body)
        elif "x-www-form-urlencoded" in content_type.lower() or (
            target is None and "Action=" in url.query
        ):
            self._query(url.path, url.query, body)
        else:
            # Neither protocol: what AWS's front door answers when it finds no operation.
            self._send(404, {"content-type": "text/xml"}, b"<UnknownOperationException/>\n")

    def _region(self) -> str | None:
        match = _CREDENTIAL_REGION.search(self.headers.get("Authorization", ""))
        return match.group(1) if match else None

    def _base_url(self) -> str:
        host = self.headers.get("Host") or self.server.owner.endpoint_url.split("//", 1)[1]
        return f"http://{host}"

    def _run(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        """Run the action, with queue URLs in the answer pointing at this server."""
        owner = self.server.owner
        trace = self.headers.get("X-Amzn-Trace-Id")
        try:
            result = owner.call(operation, params, region=self._region(), trace=trace)
        except SQSError:
            raise
        except Exception as exc:
            raise SQSError(
                errors.SIMULATOR_BUG, report=owner.report_bug(operation, params, exc)
            ) from exc
        return _localise(result, self._base_url())

    def _json(self, target: str | None, body: bytes) -> None:
        owner = self.server.owner
        request_id = owner.simulator.new_uuid()
        now = owner.simulator.clock.now()
        try:
            operation, params = json_protocol.decode_request(target, body)
            payload = json_protocol.encode_result(self._run(operation, params))
        except SQSError as error:
            status, headers, payload = json_protocol.encode_error(error, request_id, now)
            self._send(status, headers, payload)
            return
        self._send(200, json_protocol.response_headers(request_id, now), payload)

    def _query(self, path: str, query: str, body: bytes) -> None:
        owner = self.server.owner
        request_id = owner.simulator.new_uuid()
        form = parse_qsl(query, keep_blank_values=True)
        form += parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
        operation = None
        try:
            operation, params = query_protocol.decode_request(form, path)
            payload = query_protocol.encode_result(
                operation, self._run(operation, params), request_id
            )
        except SQSError as error:
            status, headers, payload = query_protocol.encode_error(error, request_id)
            self._send(status, headers, payload)
            return
        self._send(200, query_protocol.response_headers(request_id), payload)


def _localise(result: dict[str, Any], base_url: str) -> dict[str, Any]:
    """Queue URLs as this server's: ``http://<host:port>/<account>/<name>``."""
    for key in _URL_KEYS:
        value = result.get(key)
        if isinstance(value, str):
            result[key] = _AWS_QUEUE_URL.sub(lambda m: base_url + m.group(1), value)
        elif isinstance(value, list):
            result[key] = [_AWS_QUEUE_URL.sub(lambda m: base_url + m.group(1), v) for v in value]
    return result


def dumps(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), default=str).encode("utf-8")
