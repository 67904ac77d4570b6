"""Transient errors (chaos mode) meet botocore's real retry machinery (design §3).

A call that chaos may fail is not answered at ``before-call``: botocore goes on to
serialise and sign it, and each attempt is answered here at ``before-send`` with the
bytes SQS would send, a transient error or the simulator's answer.  botocore parses
them, and its retry mode decides, as against AWS, whether to wait and try again.

Its wait between attempts is simulated time: the ``time`` module botocore's endpoint
sleeps with (``asyncio`` for aiobotocore's) is replaced by one that, when the retry is
of a call answered here, waits as the simulator's long polls wait.  Every other sleep
is left alone.
"""

from __future__ import annotations

import asyncio
import itertools
import sys
import time
import warnings
import weakref
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import botocore.endpoint
from botocore.awsrequest import AWSResponse

from . import _aio
from ._answers import Intercepted, Outcome, on_wire
from ._core.simulator import OutsideWait, Suspended, addressed_queue

# Each deferred call marks its requests with a token of its own: a call interrupted
# before it ended (a cancellation, a failing hook) leaves ``_pending`` set, and no later
# request carries its token, so nothing else is ever answered or waited for as its.
_HEADER = "x-pytest-sqs-deferred"
_tokens = itertools.count()
# The deferred call of this thread (or task), set at its before-call.
_pending: ContextVar[_Deferred | None] = ContextVar("pytest_sqs_pending", default=None)
# The deferred call whose retry botocore is deciding on, set at every needs-retry.
_retrying: ContextVar[_Deferred | None] = ContextVar("pytest_sqs_retrying", default=None)


@dataclass(frozen=True, slots=True)
class _Deferred:
    call: Intercepted
    is_async: bool
    token: str


ADAPTIVE_WARNING = (
    "pytest-sqs: chaos sends RequestThrottled to a client whose retry mode is 'adaptive'. "
    "After a throttling error, botocore's client-side rate limiter slows that client's "
    "calls in real time, so the test can take minutes. In tests, use the 'standard' or "
    "'legacy' retry mode, or leave RequestThrottled out of chaos error_codes."
)
_warned: weakref.WeakSet[Any] = weakref.WeakSet()  # client configs warned about


def defer(
    call: Intercepted, is_async: bool, headers: dict[str, str], client_config: Any = None
) -> bool:
    """Whether chaos may fail this call: if so, its request ``headers`` are marked and
    it is left to go on to ``before-send``."""
    chaos = call.simulator.chaos
    if chaos is None or not chaos.may_fail(call.model.name, addressed_queue(call.api_params)):
        return False
    retries = getattr(client_config, "retries", None) or {}
    if (
        retries.get("mode") == "adaptive"
        and "RequestThrottled" in chaos.settings.error_codes
        and client_config not in _warned
    ):
        _warned.add(client_config)
        warnings.warn(ADAPTIVE_WARNING, stacklevel=2)
    _install_retry_waits()
    token = str(next(_tokens))
    headers[_HEADER] = token
    _pending.set(_Deferred(call, is_async, token))
    return True


def _ours(headers: Any) -> _Deferred | None:
    """The deferred call whose request has these headers, if it is this context's."""
    deferred = _pending.get()
    if deferred is None:
        return None
    token = headers.get(_HEADER)  # bytes once the request is prepared
    if isinstance(token, bytes):
        token = token.decode()
    return deferred if token == deferred.token else None


def note_retry(request_dict: dict[str, Any], **_: Any) -> None:
    """``needs-retry`` (every service): whose wait the sleep that may follow is."""
    _retrying.set(_ours(request_dict.get("headers") or {}))


def answer_attempt(request: Any, **_: Any) -> Any:
    """``before-send``: answer one attempt of a deferred call (``None``: not ours)."""
    deferred = _ours(request.headers)
    if deferred is None:
        return None
    call = deferred.call
    simulator = call.simulator
    with simulator.lock:
        request_id = simulator.new_uuid()  # one per attempt, as AWS gives
    fault = simulator.transient_error(call.model.name, call.api_params)
    # The attempt is answered: later before-send handlers (moto's) must not act on it.
    request.url = "http://pytest-sqs.invalid/answered"
    if fault is not None:
        call.record(fault)
        return _response(call, deferred.is_async, fault, request_id)
    if deferred.is_async and call.model.name == "ReceiveMessage":

        def attempt(outside: OutsideWait, pause: Suspended | None) -> Any:
            return _response(call, True, call.run(outside, pause), request_id)

        return _aio.long_poll(simulator, attempt)
    return _response(call, deferred.is_async, call.run(), request_id)


class _Raw:
    """A response as the HTTP layer hands it over: the body as botocore (``stream``) and
    aiobotocore (``read``) read it, the headers as aiobotocore < 2.13 reads them."""

    __slots__ = ("_body", "raw_headers")

    def __init__(self, body: bytes, headers: dict[str, str]) -> None:
        self._body = body
        self.raw_headers = [(key.encode(), value.encode()) for key, value in headers.items()]

    def stream(self, **_: Any) -> Any:
        yield self._body

    async def read(self) -> bytes:
        return self._body


def _response(call: Intercepted, is_async: bool, outcome: Outcome, request_id: str) -> Any:
    status, headers, body = on_wire(call, outcome, request_id)
    if is_async:  # an aiobotocore client: its response's content is awaited
        aio_response = sys.modules["aiobotocore.awsrequest"].AioAWSResponse
        return aio_response(call.url, status, headers, _Raw(body, headers))
    return AWSResponse(call.url, status, headers, _Raw(body, headers))


# -- the wait between attempts -------------------------------------------------------


def _real_seconds(seconds: float) -> float | None:
    """For a wait between attempts of a deferred call: the real seconds to wait after the
    simulator took its share; ``None`` for any other sleep."""
    deferred = _retrying.get()
    if deferred is None:
        return None
    _retrying.set(None)
    return deferred.call.simulator.retry_wait(seconds)


class _RetryTime:
    """botocore.endpoint's ``time``: its ``sleep`` is the wait between retries."""

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)

    @staticmethod
    def sleep(seconds: float) -> None:
        real = _real_seconds(seconds)
        time.sleep(seconds if real is None else real)


class _RetryAsyncio:
    """aiobotocore.endpoint's ``asyncio``: its ``sleep`` is the wait between retries."""

    def __getattr__(self, name: str) -> Any:
        return getattr(asyncio, name)

    @staticmethod
    def sleep(seconds: float, result: Any = None) -> Any:
        real = _real_seconds(seconds)
        return asyncio.sleep(seconds if real is None else real, result)


def _install_retry_waits() -> None:
    """Put the stand-ins in place (once; they change nothing for other calls)."""
    endpoint: Any = botocore.endpoint
    if not isinstance(endpoint.time, _RetryTime):
        endpoint.time = _RetryTime()
    aio_endpoint: Any = sys.modules.get("aiobotocore.endpoint")
    if aio_endpoint is not None and not isinstance(aio_endpoint.asyncio, _RetryAsyncio):
        aio_endpoint.asyncio = _RetryAsyncio()


HANDLERS: list[tuple[str, Any]] = [
    ("before-send.sqs", answer_attempt),
    ("needs-retry", note_retry),
]
