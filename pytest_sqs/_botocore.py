"""The interceptor: SQS calls made through botocore are answered by the simulator (design §3).

Handlers are appended to ``botocore.handlers.BUILTIN_HANDLERS`` when this module is
imported, so every botocore session made afterwards carries them; they do nothing
while no mock is active.  The answer is given at ``before-call``, as botocore's
Stubber does: no serialising, signing or HTTP.  Errors are built as the real wire
error and run through botocore's own parser, so ``Error.Code``, ``QueryErrorCode``
and ``client.exceptions.<Name>`` come out as against real SQS.
"""

from __future__ import annotations

from typing import Any

from botocore.awsrequest import AWSResponse
from botocore.handlers import BUILTIN_HANDLERS
from botocore.parsers import ResponseParserFactory

from . import _active
from ._core.errors import SQSError
from ._wire import json_protocol

_PARAMS_KEY = "pytest_sqs.api_params"
_parsers = ResponseParserFactory()


class UnmockedRequestError(RuntimeError):
    """An SQS request was about to leave the process while pytest-sqs was active."""


def capture_params(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
    """Keep the caller's parameters: at ``before-call`` only the serialised body is left."""
    if _active.current() is not None:
        context[_PARAMS_KEY] = params


def answer(model: Any, params: dict[str, Any], context: dict[str, Any], **_: Any) -> Any:
    """Answer an SQS call from the active mock's simulator (``None``: let botocore go on)."""
    mock = _active.current()
    if mock is None:
        return None
    simulator = mock.simulator
    api_params = context.get(_PARAMS_KEY)
    if api_params is None:  # a client whose parameter hook was not registered
        api_params = {}
    headers = params.get("headers") or {}
    request_id = simulator.new_uuid()
    try:
        result = simulator.handle(
            model.name,
            api_params,
            region=context.get("client_region"),
            trace_header=headers.get("X-Amzn-Trace-Id"),
        )
    except SQSError as error:
        return _error(model, error, request_id, simulator.clock.now(), params.get("url"))
    result["ResponseMetadata"] = {
        "RequestId": request_id,
        "HTTPStatusCode": 200,
        "HTTPHeaders": json_protocol.response_headers(request_id, simulator.clock.now()),
        "RetryAttempts": 0,
    }
    return AWSResponse(params.get("url"), 200, {}, None), result


def _error(model: Any, error: SQSError, request_id: str, now: float, url: Any) -> Any:
    status, headers, body = json_protocol.encode_error(error, request_id, now)
    response = {"status_code": status, "headers": headers, "body": body}
    parser = _parsers.create_parser(model.service_model.resolved_protocol)
    parsed: dict[str, Any] = parser.parse(response, model.output_shape)
    # What botocore's endpoint adds for modelled error shapes.
    error_shape = model.service_model.shape_for_error_code(parsed["Error"].get("Code"))
    if error_shape is not None:
        parsed.update(parser.parse(response, error_shape))
    parsed["ResponseMetadata"]["RetryAttempts"] = 0
    return AWSResponse(url, status, headers, None), parsed


def refuse_network(request: Any, **_: Any) -> None:
    """The guard: while mocked, no SQS request may reach the HTTP layer."""
    if _active.current() is not None:
        raise UnmockedRequestError(
            f"pytest-sqs is active but an SQS request was about to be sent to {request.url}. "
            "Another before-call handler must have declined it; nothing was sent."
        )


HANDLERS: list[tuple[str, Any]] = [
    ("before-parameter-build.sqs", capture_params),
    ("before-call.sqs", answer),
    ("before-send.sqs", refuse_network),
]


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
        events.unregister(event, handler)
        events.register(event, handler)
    return client


register_builtin()
