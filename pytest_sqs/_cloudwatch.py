"""CloudWatch clients inside a mock: the calls about ``AWS/SQS`` metrics are answered from
the simulator at ``before-call``, as SQS calls are; every other CloudWatch call goes on,
to moto if it is active (it answers at ``before-send``), else to the send guard, which
stops it before it leaves the process.
"""

from __future__ import annotations

import sys
from typing import Any

from botocore.awsrequest import AWSResponse

from . import _active
from ._answers import PARAMS_KEY, parse, protocol_of
from ._core import cloudwatch
from ._core.errors import SQSError
from ._wire import cloudwatch_protocol

NOT_SERVED_MESSAGE = (
    "pytest-sqs is active but a CloudWatch request to {url} was about to leave the process; "
    f"nothing was sent. {cloudwatch.ONLY_SQS_METRICS}. {cloudwatch.ELSEWHERE}"
)


def answer(model: Any, params: dict[str, Any], context: dict[str, Any], **_: Any) -> Any:
    """botocore's ``(http_response, parsed)`` for a call about SQS metrics, else ``None``."""
    mock = _active.current()
    if mock is None:
        return None
    url = params.get("url") or ""
    if _active.is_server_url(url):
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


def _error(model: Any, url: str, error: SQSError, request_id: str, now: float) -> Any:
    """The error as botocore parses it from CloudWatch's bytes in the client's protocol."""
    query = protocol_of(model) == "query"
    status, headers, body = cloudwatch_protocol.encode_error(error, request_id, now, query=query)
    return AWSResponse(url, status, headers, None), parse(model, status, headers, body)
