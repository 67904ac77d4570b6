"""The JSON 1.0 protocol (awsQueryCompatible) as Amazon SQS speaks it (sqs-behaviour.md §1.1)."""

from __future__ import annotations

import base64
import binascii
import functools
import json
from email.utils import formatdate
from typing import Any

from .._core import actions, errors
from .._core.errors import ErrorKind, SQSError

CONTENT_TYPE = "application/x-amz-json-1.0"
TARGET_PREFIX = "AmazonSQS."
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
        "SerializationException",
        "UnknownOperationException",
        "MissingAction",
        "RequestEntityTooLargeException",
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
    document = {"__type": error_type(kind)}
    if error.message:  # Coral's own errors (bad JSON, unknown operation) carry no text
        document["message"] = error.message
    body = json.dumps(document, separators=(",", ":")).encode("utf-8")
    headers = response_headers(request_id, now, body)
    headers["x-amzn-query-error"] = f"{kind.code};{kind.fault}"
    return kind.status, headers, body


# -- requests (the server's side) -------------------------------------------------------

_FOUND = {str: "STRING_VALUE", bool: "BOOLEAN_VALUE", list: "START_ARRAY", dict: "START_OBJECT"}
_WANTED = {
    "string": "a String",
    "integer": "an Integer",
    "long": "a Long",
    "boolean": "a Boolean",
    "blob": "a Blob",
    "list": "a List",
    "map": "a Map",
    "structure": "a Structure",
}


def _found(value: Any) -> str:
    return _FOUND.get(type(value), "NUMBER_VALUE")


@functools.lru_cache(maxsize=1)
def _model() -> Any:
    import botocore.session  # the server's dependency only: the core stays botocore-free

    return botocore.session.get_session().get_service_model("sqs")


def conform(shape: Any, value: Any) -> Any:
    """``value`` checked against the model's shape as Coral deserialises it; blobs become
    bytes.  Unknown members are ignored, as AWS (and every emulator) does."""
    if value is None:
        return None
    kind = shape.type_name
    wrong = SQSError(errors.WRONG_TYPE, found=_found(value), wanted=_WANTED.get(kind, kind))
    if kind == "structure":
        if not isinstance(value, dict):
            raise wrong
        members = shape.members
        return {k: conform(members[k], v) if k in members else v for k, v in value.items()}
    if kind == "list":
        if not isinstance(value, list):
            raise wrong
        return [conform(shape.member, item) for item in value]
    if kind == "map":
        if not isinstance(value, dict):
            raise wrong
        return {k: conform(shape.value, v) for k, v in value.items()}
    if kind == "string":
        if not isinstance(value, str):
            raise wrong
        return value
    if kind in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            raise wrong
        return value
    if kind == "boolean":
        if not isinstance(value, bool):
            raise wrong
        return value
    if kind == "blob":
        if not isinstance(value, str):
            raise wrong
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise SQSError(errors.INVALID_BASE64, value=value[:100]) from None
    return value


def is_json(content_type: str) -> bool:
    """Whether a request's Content-Type selects this protocol."""
    media = content_type.split(";", 1)[0].strip().lower()
    return media.startswith("application/x-amz-json") or media == "application/json"


def decode_request(target: str | None, body: bytes) -> tuple[str, dict[str, Any]]:
    """(operation, parameters as botocore would pass them) of a JSON 1.0 request."""
    prefix, _, operation = (target or "").partition(".")
    if prefix + "." != TARGET_PREFIX or operation not in actions.load():
        raise SQSError(errors.UNKNOWN_OPERATION)
    try:
        params = json.loads(body.decode("utf-8"))  # empty is malformed too (Coral's way)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise SQSError(errors.MALFORMED_BODY) from None
    if not isinstance(params, dict):
        raise SQSError(errors.MALFORMED_BODY)
    return operation, conform(_model().operation_model(operation).input_shape, params)
