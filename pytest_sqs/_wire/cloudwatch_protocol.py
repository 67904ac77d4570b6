"""CloudWatch's two wire protocols, for the calls pytest-sqs answers (GetMetricStatistics,
GetMetricData, ListMetrics): the query protocol (form requests, XML answers, botocore
before 1.42.7) and JSON 1.0 with query compatibility (botocore since then).

Driven by botocore's CloudWatch model: CloudWatch's lists wrap their items in
``member`` elements (``Statistics.member.1``), unlike SQS's flattened ones.  Timestamps
are epoch seconds on our side of this module.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from typing import Any

from .._core import errors
from .._core.errors import ErrorKind, SQSError
from . import json_protocol, query_protocol
from .json_protocol import http_date

VERSION = "2010-08-01"
XML_NAMESPACE = f"http://monitoring.amazonaws.com/doc/{VERSION}/"
TARGET_PREFIX = "GraniteServiceVersion20100801."
OPERATIONS = frozenset({"GetMetricStatistics", "GetMetricData", "ListMetrics"})
_TIMESTAMPS = ("StartTime", "EndTime")
_JSON_NAMESPACE = "com.amazonaws.cloudwatch"
_MODELLED = frozenset(
    {
        "InvalidParameterValueException",
        "MissingRequiredParameterException",
        "InvalidParameterCombinationException",
        "InvalidNextToken",
    }
)
# A call pytest-sqs does not answer reaches its server only by mistake: say so, with a
# status no SDK retries.
NOT_SERVED = ErrorKind("NotImplemented", "NotImplemented", 501, sender_fault=False)


@functools.lru_cache(maxsize=1)
def model() -> Any:
    import botocore.session  # the adapters' dependency only: the core stays botocore-free

    return botocore.session.get_session().get_service_model("cloudwatch")


def epoch(value: Any) -> Any:
    """A timestamp as botocore accepts it (datetime, ISO 8601 text, epoch number) in epoch
    seconds; anything else unchanged, for the core to refuse."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return float(value)
    from botocore.utils import parse_to_aware_datetime

    try:
        return parse_to_aware_datetime(value).timestamp()
    except (ValueError, TypeError, OverflowError, RuntimeError):  # RuntimeError: "inf"
        return value


def with_epochs(params: dict[str, Any]) -> dict[str, Any]:
    """The request's timestamps in epoch seconds."""
    return {k: epoch(v) if k in _TIMESTAMPS else v for k, v in params.items()}


def as_datetimes(operation: str, result: dict[str, Any]) -> dict[str, Any]:
    """The answer's timestamps as botocore's parser makes them from either protocol's
    wire (aware, in botocore's local zone), without a text round trip: a page of
    GetMetricData can hold 100,800 of them."""
    from botocore.utils import parse_timestamp

    zone = parse_timestamp(0).tzinfo

    def parse(at: float) -> dt.datetime:
        return dt.datetime.fromtimestamp(at, zone)

    if operation == "GetMetricStatistics":
        for point in result["Datapoints"]:
            point["Timestamp"] = parse(point["Timestamp"])
    elif operation == "GetMetricData":
        for item in result["MetricDataResults"]:
            item["Timestamps"] = [parse(at) for at in item["Timestamps"]]
    return result


def iso8601(at: float) -> str:
    """A timestamp as the query protocol writes it."""
    text = dt.datetime.fromtimestamp(at, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")
    return text[:-3] + "Z"


# -- errors -------------------------------------------------------------------------


def encode_error(
    error: SQSError, request_id: str, now: float, *, query: bool
) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) of a CloudWatch error in either protocol."""
    kind = error.kind
    if query:
        body = (
            f'<ErrorResponse xmlns="{XML_NAMESPACE}"><Error><Type>{kind.fault}</Type>'
            f"<Code>{query_protocol.xml_text(kind.code)}</Code>"
            f"<Message>{query_protocol.xml_text(error.message)}</Message></Error>"
            f"<RequestId>{request_id}</RequestId></ErrorResponse>"
        ).encode()
        return kind.status, _headers(request_id, now, "text/xml"), body
    namespace = _JSON_NAMESPACE if kind.shape in _MODELLED else "com.amazon.coral.validate"
    document = {"__type": f"{namespace}#{kind.shape}", "message": error.message}
    body = json.dumps(document, separators=(",", ":")).encode()
    headers = _headers(request_id, now, json_protocol.CONTENT_TYPE)
    headers["x-amzn-query-error"] = f"{kind.code};{kind.fault}"
    return kind.status, headers, body


def _headers(request_id: str, now: float, content_type: str) -> dict[str, str]:
    return {
        "x-amzn-requestid": request_id,
        "date": http_date(int(now)),
        "content-type": content_type,
    }


def not_served(message: str) -> SQSError:
    return SQSError(errors.ErrorSpec(NOT_SERVED, message))


# -- answers (the server's) ------------------------------------------------------------


def encode_result(
    operation: str, result: dict[str, Any], request_id: str, now: float, *, query: bool
) -> tuple[int, dict[str, str], bytes]:
    if not query:
        body = json.dumps(result, separators=(",", ":")).encode()
        return 200, _headers(request_id, now, json_protocol.CONTENT_TYPE), body
    shape = model().operation_model(operation).output_shape
    out = [f'<{operation}Response xmlns="{XML_NAMESPACE}"><{operation}Result>']
    _xml_members(shape, result, out)
    out.append(
        f"</{operation}Result><ResponseMetadata><RequestId>{request_id}</RequestId>"
        f"</ResponseMetadata></{operation}Response>"
    )
    return 200, _headers(request_id, now, "text/xml"), "".join(out).encode()


def _xml_members(shape: Any, value: dict[str, Any], out: list[str]) -> None:
    for name, member in shape.members.items():
        if name in value:
            out.append(f"<{name}>")
            _xml(member, value[name], out)
            out.append(f"</{name}>")


def _xml(shape: Any, value: Any, out: list[str]) -> None:
    kind = shape.type_name
    if kind == "structure":
        _xml_members(shape, value, out)
    elif kind == "list":
        for item in value:
            out.append("<member>")
            _xml(shape.member, item, out)
            out.append("</member>")
    elif kind == "map":
        for key, item in value.items():
            out.append(f"<entry><key>{query_protocol.xml_text(key)}</key><value>")
            _xml(shape.value, item, out)
            out.append("</value></entry>")
    elif kind == "timestamp":
        out.append(iso8601(value))
    else:
        out.append(query_protocol.xml_text(value))


# -- requests (the server's) -----------------------------------------------------------


def decode_json(target: str | None, body: bytes) -> tuple[str, dict[str, Any]]:
    """(operation, parameters) of a JSON 1.0 CloudWatch request."""
    operation = (target or "").partition(".")[2]
    try:
        params = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise SQSError(errors.MALFORMED_BODY) from None
    if not isinstance(params, dict):
        raise SQSError(errors.MALFORMED_BODY)
    return operation, _conformed(operation, params)


def decode_query(form: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """(operation, parameters) of a query-protocol CloudWatch request, from the form as
    nested dicts (``query_protocol.tree``)."""
    operation = form.get("Action")
    if not isinstance(operation, str):
        raise SQSError(errors.QUERY_MISSING_ACTION)
    if operation not in OPERATIONS:
        return operation, {}
    shape = model().operation_model(operation).input_shape
    return operation, _conformed(operation, _from_form(shape, form))


def _conformed(operation: str, params: dict[str, Any]) -> dict[str, Any]:
    if operation not in OPERATIONS:
        return params
    shape = model().operation_model(operation).input_shape
    return with_epochs(json_protocol.conform(shape, params))


def _from_form(shape: Any, node: Any) -> Any:
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(node, dict):
            return None
        return {
            name: value
            for name, member in shape.members.items()
            if (value := _from_form(member, node.get(name))) is not None
        }
    if kind == "list":
        items = node.get("member") if isinstance(node, dict) else None
        if not isinstance(items, dict):
            return None if node is None else []
        return [_from_form(shape.member, items[i]) for i in sorted(items, key=_index)]
    if not isinstance(node, str):
        return None
    if kind in ("integer", "long"):
        try:
            return int(node)
        except ValueError:
            return node  # the core refuses it with CloudWatch's text
    if kind == "boolean":
        return node.lower() == "true"
    return node


def _index(key: str) -> int:
    return int(key) if key.isdigit() else 0
