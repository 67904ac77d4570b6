"""The HTTP front end: one simulator served to any SQS client over HTTP (design §3).

It speaks the AWS JSON 1.0 protocol of today's SDKs and the query protocol (form
requests, XML answers) of older ones, on ``/`` and on queue-URL paths.  Queue URLs in
answers name the host and port the client connected to, so clients follow them.  Under
``/_pytest_sqs/`` a small admin API moves the clock and shows the queues to tests in
other processes (:mod:`pytest_sqs._admin`).  The HTTP layer is :mod:`pytest_sqs._http`.
"""

from __future__ import annotations

import re
import sys
import threading
import traceback
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from . import _active
from ._core.chaos import Chaos
from ._core.clock import Clock
from ._core.errors import SimulatorBug, SQSError
from ._core.simulator import DEFAULT_ACCOUNT_ID, DEFAULT_REGION, SQSSimulator
from ._handle import SQSHandle
from ._http import FrontEnd
from ._mock import _make_clock

CLOCKS = ("wall", "manual")  # freezegun would freeze the real-time waits of long polls
_ACCOUNT_ID = re.compile(r"[0-9]{12}")


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
        chaos: as for ``mock_sqs``: faults on standard queues and transient errors,
            which the clients' SDKs retry as they would AWS's (their waits are real).
    """

    _NOT_RUNNING = "the SQS server is not started: use it in a with block or call start()"
    CLOCKS = CLOCKS

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
        chaos: Chaos | dict[str, object] | bool | None = None,
    ) -> None:
        if not isinstance(account_id, str) or not _ACCOUNT_ID.fullmatch(account_id):
            raise ValueError(f"account_id must be 12 digits, as AWS's are, not {account_id!r}")
        super().__init__(
            region=region,
            account_id=account_id,
            clock=clock,
            start=start,
            seed=seed,
            long_poll=long_poll,
            chaos=chaos,
        )
        self.host = host
        self._httpd: FrontEnd | None = None
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
            chaos=self._new_chaos(self.chaos_settings),
        )

    def bind(self) -> SQSServer:
        """Listen on the address without serving yet (the port is known after this)."""
        if self._httpd is not None:
            raise RuntimeError("this SQS server is already started")
        self._simulator = self._new_simulator()
        self._calls = []
        self._httpd = FrontEnd((self.host, self._requested_port), self)
        _active.servers.update(self._netlocs())
        return self

    def _netlocs(self) -> set[str]:
        """Every ``host:port`` a client in this process may use for this server."""
        port = self.port
        host = self.host.lower()
        names = {self.endpoint_url.split("//", 1)[1].lower()}
        if host in ("", "0.0.0.0", "127.0.0.1", "localhost"):
            names |= {f"127.0.0.1:{port}", f"localhost:{port}"}
        if host in ("::", "::1", "localhost"):
            names |= {f"[::1]:{port}", f"localhost:{port}"}
        return names

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
        simulator, self._simulator = self._simulator, None
        self._httpd.end_connections()  # clients see the server go, as when it is killed
        if simulator is not None:
            simulator.close()  # and the threads of long polls in flight end now
        self._httpd.server_close()
        self._httpd = None
        if simulator is not None and not isinstance(self._clock_option, Clock):
            simulator.clock.close()

    def reset(self) -> None:
        """Forget every queue and call: a fresh simulator with the same options (a
        "manual" clock starts again at ``start``; a Clock you passed is kept as it is)."""
        old = self.simulator
        if not isinstance(self._clock_option, Clock):
            old.clock.close()
        self._simulator = self._new_simulator()
        self._calls = []
        old.close()  # long polls in flight end now, empty-handed

    def current(self) -> SQSSimulator | None:
        """The simulator now serving (``None`` once stopped); each request keeps the one
        it started with."""
        return self._simulator

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
            "AWS_ENDPOINT_URL_CLOUDWATCH": self.endpoint_url,  # its AWS/SQS metrics
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing",  # never a real token next to the fake key
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
        self,
        simulator: SQSSimulator,
        operation: str,
        params: Mapping[str, Any],
        *,
        region: str | None,
        trace: str | None,
        gone: Callable[[], bool] | None = None,
    ) -> dict[str, Any]:
        """Run one action on ``simulator`` and record it, unless a reset replaced that
        simulator meanwhile (errors propagate)."""
        try:
            fault = simulator.transient_error(operation, params)
            if fault is not None:
                raise fault
            result = simulator.handle(
                operation, params, region=region, trace_header=trace, gone=gone
            )
        except SQSError as error:
            if simulator is self._simulator:
                self._calls.append(
                    (operation, dict(params), simulator.clock.now(), None, error.kind.code)
                )
            raise
        if simulator is self._simulator:
            self._calls.append((operation, dict(params), simulator.clock.now(), result, None))
        return result

    def report_bug(self, operation: str, params: Mapping[str, Any], exc: BaseException) -> str:
        """Keep and print an internal failure; returns the one-line message for the client."""
        bug = exc if isinstance(exc, SimulatorBug) else SimulatorBug(operation, params)
        report = f"{bug}\n{''.join(traceback.format_exception(exc))}"
        self.bugs.append(report)
        print(report, file=sys.stderr)
        return str(bug).splitlines()[0]
