"""The JSON 1.0 protocol (awsQueryCompatible) as Amazon SQS speaks it (sqs-behaviour.md §1.1)."""

from __future__ import annotations

import base64
import functools
import json
from email.utils import formatdate
from typing import Any

from .._core.errors import ErrorKind, SQSError

CONTENT_TYPE = "application/x-amz-json-1.0"
# Errors the botocore model does not list travel with the Coral namespace (AWS-rec).
_UNMODELLED_NAMESPACE = "com.amazon.coral.service"
_MODELLED_NAMESPACE = "com.amazonaws.sqs"
_UNMODELLED = frozenset(
    {
        "InvalidParameterValueException",
        "MissingRequiredParameterException",
        "InvalidAction",
        "InternalError",
        "ServiceUnavailable",
        "EmptyValue",
    }
)


def _jsonable(value: Any) -> Any:
    """Blobs become base64 text, as on the wire."""
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    return value


def encode_result(result: dict[str, Any]) -> bytes:
    """The JSON body of a successful response."""
    return json.dumps(_jsonable(result), separators=(",", ":")).encode("utf-8")


def error_type(kind: ErrorKind) -> str:
    namespace = _UNMODELLED_NAMESPACE if kind.shape in _UNMODELLED else _MODELLED_NAMESPACE
    return f"{namespace}#{kind.shape}"


@functools.lru_cache(maxsize=8)
def http_date(second: int) -> str:
    """An RFC 1123 date, as in the ``Date`` header (cached: many calls share a second)."""
    return formatdate(second, usegmt=True)


def response_headers(request_id: str, now: float, body: bytes | None = None) -> dict[str, str]:
    """The headers AWS sends with every JSON response (lower-cased, as botocore keeps them)."""
    headers = {
        "x-amzn-requestid": request_id,
        "date": http_date(int(now)),
        "content-type": CONTENT_TYPE,
    }
    if body is not None:
        headers["content-length"] = str(len(body))
    headers["connection"] = "keep-alive"
    return headers


def encode_error(error: SQSError, request_id: str, now: float) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) of an error response, with the query-compatibility header."""
    kind = error.kind
    body = json.dumps(
        {"__type": error_type(kind), "message": error.message}, separators=(",", ":")
    ).encode("utf-8")
    headers = response_headers(request_id, now, body)
    headers["x-amzn-query-error"] = f"{kind.code};{kind.fault}"
    return kind.status, headers, body
