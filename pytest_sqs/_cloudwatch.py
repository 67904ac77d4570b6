"""CloudWatch clients inside a mock: the calls about ``AWS/SQS`` metrics are answered from
the simulator at ``before-call``, as SQS calls are; every other CloudWatch call goes on,
to moto if it is active (it answers at ``before-send``), else to the send guard, which
stops it before it leaves the process.
"""

from __future__ import annotations

import sys
from typing import Any
from urllib.parse import urlsplit

from botocore.awsrequest import AWSResponse
from botocore.parsers import ResponseParserFactory

from . import _active
from ._answers import PARAMS_KEY
from ._core import cloudwatch
from ._core.errors import SQSError
from ._wire import cloudwatch_protocol

_parsers = ResponseParserFactory()

NOT_SERVED_MESSAGE = (
    "pytest-sqs is active but a CloudWatch request to {url} was about to leave the process; "
    "nothing was sent. pytest-sqs answers CloudWatch only for SQS metrics "
    "(GetMetricStatistics, GetMetricData and ListMetrics in the AWS/SQS namespace). Mock the "
    "rest of CloudWatch with another tool, e.g. moto's mock_aws, which then answers it."
)


def answer(model: Any, params: dict[str, Any], context: dict[str, Any], **_: Any) -> Any:
    """botocore's ``(http_response, parsed)`` for a call about SQS metrics, else ``None``."""
    mock = _active.current()
    if mock is None:
        return None
    url = params.get("url") or ""
    if _active.servers and urlsplit(url).netloc.lower() in _active.servers:
        return None  # a client of a pytest-sqs server: it answers over HTTP
    operation = model.name
    api_params = context.get(PARAMS_KEY) or {}
    if not cloudwatch.is_sqs_request(operation, api_params, strict=_moto_active()):
        return None
    simulator = mock.simulator
    request_id = simulator.new_uuid()
    try:
        result = simulator.cloudwatch(
            operation,
            cloudwatch_protocol.with_epochs(api_params),
            region=context.get("client_region"),
            account_id=mock.account_id,
        )
    except SQSError as error:
        return _error(model, url, error, request_id, simulator.clock.now())
    result = cloudwatch_protocol.as_datetimes(operation, result)
    result["ResponseMetadata"] = {
        "RequestId": request_id,
        "HTTPStatusCode": 200,
        "HTTPHeaders": {"x-amzn-requestid": request_id},
        "RetryAttempts": 0,
    }
    return AWSResponse(url, 200, {}, None), result


def _moto_active() -> bool:
    """Whether moto's ``mock_aws`` is on (it answers at ``before-send`` what we leave)."""
    models = sys.modules.get("moto.core.models")
    return bool(getattr(getattr(models, "botocore_stubber", None), "enabled", False))


def _protocol(model: Any) -> str:
    service = model.service_model
    # resolved_protocol: botocore >= 1.37 (services with several protocols); before, one.
    return getattr(service, "resolved_protocol", None) or service.protocol  # type: ignore[no-any-return]


def _error(model: Any, url: str, error: SQSError, request_id: str, now: float) -> Any:
    """The error as botocore parses it from CloudWatch's bytes in the client's protocol."""
    service = model.service_model
    protocol = _protocol(model)
    status, headers, body = cloudwatch_protocol.encode_error(
        error, request_id, now, query=protocol == "query"
    )
    response = {"status_code": status, "headers": headers, "body": body}
    parser = _parsers.create_parser(protocol)
    parsed: dict[str, Any] = parser.parse(response, model.output_shape)
    shape = service.shape_for_error_code(parsed["Error"].get("Code"))
    if shape is not None:
        parsed.update(parser.parse(response, shape))
    parsed["ResponseMetadata"]["RetryAttempts"] = 0
    return AWSResponse(url, status, headers, None), parsed
