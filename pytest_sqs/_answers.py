"""An SQS call taken from botocore, answered by the simulator in either form botocore takes.

Most calls are answered at ``before-call`` with the dict botocore's parser would have
made (:func:`parsed`), as the Stubber does.  A call chaos may fail with a transient error
is answered at ``before-send`` with the bytes SQS would send (:func:`on_wire`), so that
botocore parses them and its retry machinery judges them as it would AWS's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from botocore.awsrequest import AWSResponse
from botocore.parsers import ResponseParserFactory

from ._core.errors import SQSError
from ._wire import json_protocol, query_protocol

if TYPE_CHECKING:
    from ._core.simulator import OutsideWait, SQSSimulator, Suspended
    from ._mock import MockSQS

_parsers = ResponseParserFactory()

# Where ``before-parameter-build`` keeps the caller's parameters for ``before-call``.
PARAMS_KEY = "pytest_sqs.api_params"

Outcome = dict[str, Any] | SQSError


@dataclass(frozen=True, slots=True)
class Intercepted:
    """One SQS call as botocore was about to make it."""

    mock: MockSQS
    simulator: SQSSimulator
    model: Any  # botocore's OperationModel
    api_params: dict[str, Any]
    url: str | None
    region: str | None
    trace_header: str | None

    def run(self, outside: OutsideWait | None = None, pause: Suspended | None = None) -> Outcome:
        """Run the call in the simulator (or, with ``pause``, resume it) and record it.
        Lets :class:`Suspended` through for the async poll."""
        try:
            if pause is None:
                result = self.simulator.handle(
                    self.model.name,
                    self.api_params,
                    region=self.region,
                    trace_header=self.trace_header,
                    outside=outside,
                )
            else:
                result = self.simulator.resume(pause)
        except SQSError as error:
            self.record(error)
            return error
        self.record(result)
        return result

    def record(self, outcome: Outcome) -> None:
        """Note the call in the mock's log of calls (an attempt chaos failed, too)."""
        error = outcome.kind.code if isinstance(outcome, SQSError) else None
        result = None if isinstance(outcome, SQSError) else outcome
        self.mock.record(self.model.name, self.api_params, result, error, simulator=self.simulator)

    @property
    def protocol(self) -> str:
        return protocol_of(self.model)


def protocol_of(model: Any) -> str:
    """The wire protocol botocore uses for an operation's service."""
    service = model.service_model
    # resolved_protocol: botocore >= 1.37 (services with several protocols); before, one.
    return getattr(service, "resolved_protocol", None) or service.protocol  # type: ignore[no-any-return]


def parsed(call: Intercepted, outcome: Outcome, request_id: str) -> tuple[AWSResponse, Any]:
    """botocore's ``(http_response, parsed)`` for the outcome, as its parser would make it."""
    if isinstance(outcome, SQSError) or call.protocol == "query":
        # Errors, and every answer of the query era (botocore <= 1.34): botocore's own
        # parse of what SQS sends, so nothing differs.
        status, headers, body = on_wire(call, outcome, request_id)
        response = AWSResponse(call.url, status, headers, None)
        return response, parse(call.model, status, headers, body)
    outcome["ResponseMetadata"] = {
        "RequestId": request_id,
        "HTTPStatusCode": 200,
        "HTTPHeaders": json_protocol.response_headers(request_id, call.simulator.clock.now()),
        "RetryAttempts": 0,
    }
    return AWSResponse(call.url, 200, {}, None), outcome


def on_wire(
    call: Intercepted, outcome: Outcome, request_id: str
) -> tuple[int, dict[str, str], bytes]:
    """The HTTP status, headers and body SQS sends for the outcome, in the call's protocol."""
    now = call.simulator.clock.now()
    query = call.protocol == "query"
    if isinstance(outcome, SQSError):
        codec = query_protocol if query else json_protocol
        return codec.encode_error(outcome, request_id, now)  # type: ignore[no-any-return]
    if query:
        body = query_protocol.encode_result(call.model.name, outcome, request_id)
        return 200, query_protocol.response_headers(request_id, now), body
    body = json_protocol.encode_result(outcome)
    return 200, json_protocol.response_headers(request_id, now, body), body


def parse(model: Any, status: int, headers: dict[str, str], body: bytes) -> Any:
    """What botocore's parser makes of a response to an operation (``model``)."""
    response = {"status_code": status, "headers": headers, "body": body}
    parser = _parsers.create_parser(protocol_of(model))
    result: dict[str, Any] = parser.parse(response, model.output_shape)
    if status >= 300:
        # What botocore's endpoint adds for modelled error shapes.
        error_shape = model.service_model.shape_for_error_code(result["Error"].get("Code"))
        if error_shape is not None:
            result.update(parser.parse(response, error_shape))
    result["ResponseMetadata"]["RetryAttempts"] = 0
    return result
