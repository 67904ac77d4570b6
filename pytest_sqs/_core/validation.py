"""Request validation shared by several actions (sqs-behaviour.md §1.4, §1.5, §7.1)."""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from . import errors, limits
from .errors import ErrorSpec, SQSError
from .message import AttributeValue

# XML 1.0 characters (§1.5): anything else in a body or string value is refused.
INVALID_CHARACTER = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
QUEUE_NAME = re.compile(r"[A-Za-z0-9_-]{1,80}")
FIFO_QUEUE_NAME = re.compile(r"[A-Za-z0-9_-]{1,75}\.fifo")
BATCH_ENTRY_ID = re.compile(r"[A-Za-z0-9_-]{1,80}")
# Alphanumerics and punctuation, no spaces (§1.4).
GROUP_ID = re.compile(r"[!-~]{1,128}")
_ATTRIBUTE_NAME = re.compile(r"[A-Za-z0-9_.\-\u00c0-\u00ff]+")
_RESERVED_PREFIXES = ("aws.", "amazon.")
_BASE_TYPES = ("String", "Number", "Binary")
_ARN = re.compile(r"arn:[^:]+:([^:]+):([^:]*):([^:]*):(.+)")


def encode_token(after: str | int) -> str:
    """An opaque NextToken: where the next page starts (base64 of JSON)."""
    return base64.b64encode(json.dumps({"after": after}).encode()).decode()


def decode_token(token: object, kind: type[str] | type[int], spec: ErrorSpec) -> Any:
    """Where the next page starts, from a token :func:`encode_token` made; ``spec``'s
    error for anything else (malformed base64 or JSON, too deeply nested, wrong type)."""
    if not isinstance(token, str):
        raise SQSError(spec)
    try:
        value = json.loads(base64.b64decode(token, validate=True))
    except (binascii.Error, ValueError, RecursionError):
        raise SQSError(spec) from None
    after = value.get("after") if isinstance(value, dict) else None
    if not isinstance(after, kind) or isinstance(after, bool):
        raise SQSError(spec)
    return after


def split_arn(arn: object) -> tuple[str, str, str, str] | None:
    """(service, region, account id, resource) of an ARN, or None if it is not one."""
    match = _ARN.fullmatch(arn) if isinstance(arn, str) else None
    return None if match is None else (match[1], match[2], match[3], match[4])


def integer(params: Mapping[str, Any], name: str, spec: ErrorSpec) -> int | None:
    """An optional integer parameter; a value of the wrong type gets ``spec``."""
    value = params.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise SQSError(spec, value=value)
    return value


def in_range(value: int | None, low: int, high: int, spec: ErrorSpec) -> int | None:
    if value is not None and not low <= value <= high:
        raise SQSError(spec, value=value)
    return value


def string(params: Mapping[str, Any], name: str) -> str | None:
    value = params.get(name)
    if value is not None and not isinstance(value, str):
        raise SQSError(errors.INVALID_PARAMETER, value=value, param=name, reason="Not a string.")
    return value


def string_list(params: Mapping[str, Any], name: str) -> list[str]:
    value = params.get(name) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SQSError(errors.INVALID_PARAMETER, value=value, param=name, reason="Not a list.")
    return value


def string_map(params: Mapping[str, Any], name: str) -> dict[str, Any]:
    value = params.get(name) or {}
    if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
        raise SQSError(errors.INVALID_PARAMETER, value=value, param=name, reason="Not a map.")
    return dict(value)


def body(raw: Any, *, in_batch: bool = False) -> bytes:
    """The UTF-8 bytes of a message body, refusing empty bodies and illegal characters."""
    if not isinstance(raw, str) or raw == "":
        # A batch entry reports an empty body with its own code (AWS-rec).
        raise SQSError(errors.BATCH_EMPTY_BODY if in_batch else errors.MISSING, param="MessageBody")
    if INVALID_CHARACTER.search(raw):
        raise SQSError(errors.INVALID_CHARACTERS)
    return raw.encode("utf-8")


def _attribute_name(name: str) -> None:
    if not name:
        raise SQSError(errors.ATTRIBUTE_NAME_EMPTY)
    if len(name) > limits.MAX_ATTRIBUTE_NAME_LENGTH:  # "up to 256 characters" (doc)
        raise SQSError(errors.ATTRIBUTE_NAME_TOO_LONG)
    if name.lower().startswith(_RESERVED_PREFIXES):
        raise SQSError(errors.ATTRIBUTE_NAME_RESERVED)
    if name.startswith("."):
        raise SQSError(errors.ATTRIBUTE_NAME_LEADING_DOT)
    if name.endswith("."):
        raise SQSError(errors.ATTRIBUTE_NAME_TRAILING_DOT)
    if ".." in name:
        raise SQSError(errors.ATTRIBUTE_NAME_DOUBLE_DOT)
    if not _ATTRIBUTE_NAME.fullmatch(name):
        raise SQSError(errors.ATTRIBUTE_NAME_CHARACTERS)


def _number(name: str, text: str) -> None:
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        raise SQSError(errors.ATTRIBUTE_BAD_NUMBER, name=name) from None
    if not number.is_finite():
        raise SQSError(errors.ATTRIBUTE_BAD_NUMBER, name=name)
    # Up to 38 significant digits, magnitude 10^-128 to 10^+126 (SQS message attribute
    # docs); leading and trailing zeros don't count.
    if number:
        digits = "".join(map(str, number.as_tuple().digits)).strip("0")  # exact, no rounding
        if len(digits) > limits.MAX_NUMBER_DIGITS or not -128 <= number.adjusted() <= 126:
            raise SQSError(errors.ATTRIBUTE_BAD_NUMBER, name=name)


def attribute_value(name: str, raw: Any) -> AttributeValue:
    """One validated user message attribute (§7.1; checks in the order AWS is seen to)."""
    if not isinstance(raw, Mapping) or not raw:
        raise SQSError(errors.ATTRIBUTE_NO_VALUE, name=name)
    if raw.get("StringListValues") or raw.get("BinaryListValues"):
        raise SQSError(errors.ATTRIBUTE_LIST_VALUES)
    data_type = raw.get("DataType")
    if not isinstance(data_type, str) or data_type.split(".", 1)[0] not in _BASE_TYPES:
        raise SQSError(errors.ATTRIBUTE_BAD_TYPE, name=name)
    base = data_type.split(".", 1)[0]
    text = raw.get("StringValue")
    binary = raw.get("BinaryValue")
    if isinstance(binary, bytearray):
        binary = bytes(binary)
    elif isinstance(binary, str):  # botocore sends text given for a blob as its UTF-8 bytes
        binary = binary.encode("utf-8")
    if text is not None and binary is not None:
        raise SQSError(errors.ATTRIBUTE_TWO_VALUES, name=name)
    if len(data_type.encode("utf-8")) > limits.MAX_DATA_TYPE_LENGTH:
        raise SQSError(errors.ATTRIBUTE_TYPE_TOO_LONG)
    if base == "Binary":
        if text is not None:
            raise SQSError(errors.ATTRIBUTE_WRONG_FIELD, name=name, type=base)
        if not isinstance(binary, bytes) or not binary:
            raise SQSError(errors.ATTRIBUTE_EMPTY_VALUE, name=name, type=base)
        return AttributeValue(data_type, binary_value=binary)
    if binary is not None:
        raise SQSError(errors.ATTRIBUTE_WRONG_FIELD, name=name, type=base)
    if not isinstance(text, str) or not text:
        raise SQSError(errors.ATTRIBUTE_EMPTY_VALUE, name=name, type=base)
    if INVALID_CHARACTER.search(text):
        raise SQSError(errors.ATTRIBUTE_VALUE_CHARACTERS, name=name)
    if base == "Number":
        _number(name, text)
    return AttributeValue(data_type, string_value=text)


def message_attributes(raw: Any) -> dict[str, AttributeValue]:
    """Validated user message attributes (§7.1)."""
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise SQSError(
            errors.INVALID_PARAMETER, value=raw, param="MessageAttributes", reason="Not a map."
        )
    if len(raw) > limits.MAX_MESSAGE_ATTRIBUTES:
        raise SQSError(errors.ATTRIBUTE_TOO_MANY, count=len(raw))
    result: dict[str, AttributeValue] = {}
    for name, value in raw.items():
        if not isinstance(name, str):
            raise SQSError(errors.ATTRIBUTE_NAME_CHARACTERS)
        _attribute_name(name)
        result[name] = attribute_value(name, value)
    return result


def system_attributes(raw: Any) -> dict[str, AttributeValue]:
    """Validated message system attributes: only AWSTraceHeader, a String (§3.7)."""
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise SQSError(
            errors.INVALID_PARAMETER,
            value=raw,
            param="MessageSystemAttributes",
            reason="Not a map.",
        )
    result: dict[str, AttributeValue] = {}
    for name, value in raw.items():
        if name != "AWSTraceHeader":
            raise SQSError(errors.SYSTEM_ATTRIBUTE_UNKNOWN, name=name)
        if (
            not isinstance(value, Mapping)
            or value.get("DataType") != "String"
            or not isinstance(value.get("StringValue"), str)
            or not value["StringValue"]
        ):
            raise SQSError(errors.SYSTEM_ATTRIBUTE_TYPE, name=name)
        if INVALID_CHARACTER.search(value["StringValue"]):
            raise SQSError(errors.SYSTEM_ATTRIBUTE_CHARACTERS, name=name)
        result[name] = AttributeValue("String", string_value=value["StringValue"])
    return result


def attributes_size(attributes: Mapping[str, AttributeValue]) -> int:
    """Bytes user attributes add to a message: name, type and value of each (§1.4)."""
    return sum(len(name.encode("utf-8")) + value.size for name, value in attributes.items())


def group_style_id(value: Any, param: str) -> str:
    """MessageGroupId / MessageDeduplicationId / ReceiveRequestAttemptId syntax (§1.4)."""
    if not isinstance(value, str) or not GROUP_ID.fullmatch(value):
        raise SQSError(errors.GROUP_ID_SYNTAX, value=value, param=param)
    return value


def batch_entries(params: Mapping[str, Any], entry_name: str) -> list[Mapping[str, Any]]:
    """The entries of a batch request, with the whole-request checks of §3.8."""
    entries = params.get("Entries")
    if entries is None:
        raise SQSError(errors.MISSING, param="Entries")
    if not isinstance(entries, list) or not all(isinstance(e, Mapping) for e in entries):
        raise SQSError(
            errors.INVALID_PARAMETER,
            value=entries,
            param="Entries",
            reason="Not a list of entries.",
        )
    if not entries:
        raise SQSError(errors.BATCH_EMPTY, entry=entry_name)
    if len(entries) > limits.MAX_BATCH_ENTRIES:
        raise SQSError(errors.BATCH_TOO_MANY, count=len(entries))
    seen: set[str] = set()
    for entry in entries:
        entry_id = entry.get("Id")
        if not isinstance(entry_id, str) or not BATCH_ENTRY_ID.fullmatch(entry_id):
            raise SQSError(errors.BATCH_BAD_ID)
        if entry_id in seen:
            raise SQSError(errors.BATCH_DUPLICATE_ID, id=entry_id)
        seen.add(entry_id)
    return entries
