"""The interceptor: SQS calls made through botocore are answered by the simulator (design §3).

Handlers are appended to ``botocore.handlers.BUILTIN_HANDLERS`` when this module is
imported, so every botocore session made afterwards carries them; they do nothing
while no mock is active.  The answer is given at ``before-call``, as botocore's
Stubber does: no serialising, signing or HTTP.  Errors are built as the real wire
error and run through botocore's own parser, so ``Error.Code``, ``QueryErrorCode``
and ``client.exceptions.<Name>`` come out as against real SQS.
"""

from __future__ import annotations

import contextlib
import functools
import ipaddress
import sys
from typing import Any
from urllib.parse import urlsplit

from botocore.endpoint import Endpoint
from botocore.handlers import BUILTIN_HANDLERS, add_recursion_detection_header
from botocore.hooks import HierarchicalEmitter
from botocore.session import Session as BotocoreSession

from . import _active, _aio, _cloudwatch, _transient
from ._answers import PARAMS_KEY, Intercepted, parsed
from ._core.simulator import OutsideWait, Suspended

_TRACED_OPERATIONS = frozenset({"SendMessage", "SendMessageBatch"})  # AWSTraceHeader


UNMOCKED_MESSAGE = (
    "An SQS request to {url} was made outside any mock; pytest-sqs stopped it so that no "
    "test reaches AWS. Use the `sqs` fixture, mark the test with @pytest.mark.sqs, or wrap "
    "the code in `with pytest_sqs.mock_sqs():`. To let tests reach a real SQS endpoint, set "
    "`sqs_block_unmocked = false` in your pytest configuration."
)


class UnmockedRequestError(RuntimeError):
    """An SQS request was about to leave the process while pytest-sqs was active."""

    __module__ = "pytest_sqs"  # how users import it; shown in tracebacks


def capture_params(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
    """Keep the caller's parameters: at ``before-call`` only the serialised body is left."""
    if _active.current() is not None:
        context[PARAMS_KEY] = params


def answer(
    model: Any,
    params: dict[str, Any],
    context: dict[str, Any],
    request_signer: Any = None,
    **_: Any,
) -> Any:
    """Answer an SQS call from the active mock's simulator (``None``: let botocore go on).

    For an aiobotocore client a ReceiveMessage is answered by a coroutine, which
    aiobotocore awaits: its long poll waits on the event loop instead of blocking it.
    A call chaos may fail with a transient error goes on, to be answered at
    ``before-send`` (``_transient``).
    """
    mock = _active.current()
    if mock is None:
        return None
    if _active.is_server_url(params.get("url") or ""):
        return None  # a client of a pytest-sqs server in this process: it goes over HTTP
    api_params = context.get(PARAMS_KEY)
    if api_params is None:  # a client whose parameter hook was not registered
        api_params = {}
    if model.name in _TRACED_OPERATIONS:
        # botocore's own before-call handler adds the Lambda trace header after ours runs.
        add_recursion_detection_header(params)
    simulator = mock.simulator
    call = Intercepted(
        mock,
        simulator,
        model,
        api_params,
        params.get("url"),
        context.get("client_region"),
        (params.get("headers") or {}).get("X-Amzn-Trace-Id"),
    )
    if simulator.chaos is not None and _transient.defer(
        call,
        _aio.is_async_client(request_signer),
        params["headers"],
        context.get("client_config"),
    ):
        return None
    request_id = simulator.new_uuid()  # once per call: seeded runs replay the same ids
    if model.name == "ReceiveMessage" and _aio.is_async_client(request_signer):
        return _aio.long_poll(simulator, functools.partial(_respond, call, request_id))
    return _respond(call, request_id)


def _respond(
    call: Intercepted,
    request_id: str,
    outside: OutsideWait | None = None,
    pause: Suspended | None = None,
) -> Any:
    """botocore's ``(http_response, parsed)`` for the call, run in the simulator (or, with
    ``pause``, resumed there).  Lets :class:`Suspended` through for the async poll."""
    return parsed(call, call.run(outside, pause), request_id)


def refuse_unsigned(request: Any, request_signer: Any, **_: Any) -> None:
    """Unmocked and without credentials, botocore would fail with NoCredentialsError before
    the send guard could explain; say why the call was stopped instead."""
    if _aio.is_async_client(request_signer):
        guard_aio_endpoint()
    if (
        _active.current() is None
        and _active.blocking_unmocked()
        and getattr(request_signer, "_credentials", True) is None
        and not is_loopback(request.url)
    ):
        raise UnmockedRequestError(UNMOCKED_MESSAGE.format(url=request.url))


def refuse_unsigned_cloudwatch(request: Any, request_signer: Any, **_: Any) -> None:
    """Inside a mock, a CloudWatch call pytest-sqs does not answer would fail with
    NoCredentialsError before the send guard could explain; explain instead."""
    if (
        _active.current() is not None
        and getattr(request_signer, "_credentials", True) is None
        and not is_loopback(request.url)
    ):
        raise UnmockedRequestError(_cloudwatch.NOT_SERVED_MESSAGE.format(url=request.url))


# -- the guard ----------------------------------------------------------------------


def is_loopback(url: str) -> bool:
    """Whether ``url`` names this machine (a pytest-sqs server, ElasticMQ...), which the
    guard lets through: only requests that could reach AWS are stopped."""
    host = urlsplit(url).hostname or ""
    if host == "localhost":  # only the name itself: others would depend on the resolver
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def install_send_guard() -> None:
    """While mocks are active, refuse any SQS request that reaches the HTTP layer.

    It can only get there from a client without our handlers (one made from a botocore
    session created before pytest_sqs was imported).  Other services, and requests to
    loopback addresses, pass untouched.
    """
    guard_aio_endpoint()
    original = Endpoint._send
    if getattr(original, "pytest_sqs_original", None) is not None:
        return

    def guarded_send(endpoint: Any, request: Any) -> Any:
        refusal = _refusal_of(endpoint, request.url)
        if refusal is not None:
            raise refusal
        return original(endpoint, request)

    guarded_send.pytest_sqs_original = original  # type: ignore[attr-defined]
    Endpoint._send = guarded_send


_PRE_IMPORT_CLIENT = (
    "The client was made from a botocore session created before pytest_sqs was imported: "
    "route it to the simulator with pytest_sqs.patch_client(client)."
)


def _refusal_of(endpoint: Any, url: str) -> UnmockedRequestError | None:
    """The error that stops a request from leaving the process, if any: SQS requests
    while mocked or blocked; CloudWatch requests while mocked (pytest-sqs answered those
    about SQS metrics before they got here)."""
    prefix = getattr(endpoint, "_endpoint_prefix", None)
    if prefix == "sqs":
        return _refusal(url, _PRE_IMPORT_CLIENT)
    if prefix == "monitoring" and _active.current() is not None and not is_loopback(url):
        return UnmockedRequestError(_cloudwatch.NOT_SERVED_MESSAGE.format(url=url))
    return None


def _refusal(url: str, why: str) -> UnmockedRequestError | None:
    """The error that stops an SQS request to ``url`` from leaving the process, if any."""
    if is_loopback(url):
        return None
    if _active.current() is not None:
        return UnmockedRequestError(
            f"pytest-sqs is active but an SQS request to {url} was about to leave the "
            f"process; nothing was sent. {why}"
        )
    if _active.blocking_unmocked():
        return UnmockedRequestError(UNMOCKED_MESSAGE.format(url=url))
    return None


def guard_aio_endpoint() -> None:
    """The guard for aiobotocore clients, whose endpoint sends with its own ``_send``.

    Patched once, when aiobotocore is first seen, and left in place: it only refuses
    while a mock is active or unmocked requests are blocked.
    """
    module = sys.modules.get("aiobotocore.endpoint")
    if module is None:
        return
    original = module.AioEndpoint._send
    if getattr(original, "pytest_sqs_original", None) is not None:
        return

    async def guarded_send(endpoint: Any, request: Any) -> Any:
        refusal = _refusal_of(endpoint, request.url)
        if refusal is not None:
            raise refusal
        return await original(endpoint, request)

    guarded_send.pytest_sqs_original = original  # type: ignore[attr-defined]
    module.AioEndpoint._send = guarded_send


def remove_send_guard() -> None:
    original = getattr(Endpoint._send, "pytest_sqs_original", None)
    if original is not None:
        Endpoint._send = original


HANDLERS: list[tuple[str, Any]] = [
    ("before-parameter-build.sqs", capture_params),
    ("before-call.sqs", answer),
    ("before-sign.sqs", refuse_unsigned),
    ("before-parameter-build.cloudwatch", capture_params),
    ("before-call.cloudwatch", _cloudwatch.answer),
    ("before-sign.cloudwatch", refuse_unsigned_cloudwatch),
    *_transient.HANDLERS,
]


# -- boto3's default session while mocked -------------------------------------------


class _TrackingEmitter(HierarchicalEmitter):  # type: ignore[misc]
    """An event emitter that notices registrations made after it was sealed."""

    def __init__(self) -> None:
        super().__init__()
        self.sealed = False
        self.touched = False

    def _verify_and_register(self, *args: Any, **kwargs: Any) -> None:
        self.touched = self.touched or self.sealed
        super()._verify_and_register(*args, **kwargs)

    def unregister(self, *args: Any, **kwargs: Any) -> Any:
        self.touched = self.touched or self.sealed
        return super().unregister(*args, **kwargs)


def untouched_session(boto3: Any) -> Any:
    """A new boto3 session whose event system reports later changes by users."""
    emitter = _TrackingEmitter()
    session = boto3.Session(botocore_session=BotocoreSession(event_hooks=emitter))
    emitter.sealed = True
    session.pytest_sqs_emitter = emitter
    return session


def session_was_touched(session: Any) -> bool:
    """Whether event handlers were registered or removed on the session since it was made."""
    emitter = getattr(session, "pytest_sqs_emitter", None)
    return emitter is None or bool(emitter.touched)


def register_builtin() -> None:
    """Make every botocore session created from now on carry our handlers (idempotent)."""
    for handler in HANDLERS:
        if handler not in BUILTIN_HANDLERS:
            BUILTIN_HANDLERS.append(handler)


def patch_client(client: Any) -> Any:
    """Route an existing client's SQS calls to pytest-sqs (for clients made before import).

    Returns the client.  Harmless on clients that already have the handlers.
    """
    events = client.meta.events
    for event, handler in HANDLERS:
        with contextlib.suppress(AttributeError):  # botocore fails on an event that has
            events.unregister(event, handler)  # handlers only below it
        events.register(event, handler)
    return client


register_builtin()
