"""Queue attributes: schema, validation, defaults and rendering (sqs-behaviour.md §2).

Configurable attributes live in :class:`QueueSettings` as typed values, so the hot
paths (send, receive) never parse strings; :func:`render` turns them back into the
strings AWS returns.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from . import errors, limits
from .errors import SQSError
from .redrive import parse_redrive_policy

# Every name AWS knows, in the order GetQueueAttributes(All) lists them.
ALL_NAMES: tuple[str, ...] = (
    "QueueArn",
    "ApproximateNumberOfMessages",
    "ApproximateNumberOfMessagesNotVisible",
    "ApproximateNumberOfMessagesDelayed",
    "CreatedTimestamp",
    "LastModifiedTimestamp",
    "VisibilityTimeout",
    "MaximumMessageSize",
    "MessageRetentionPeriod",
    "DelaySeconds",
    "Policy",
    "ReceiveMessageWaitTimeSeconds",
    "SqsManagedSseEnabled",
    "KmsMasterKeyId",
    "KmsDataKeyReusePeriodSeconds",
    "RedrivePolicy",
    "RedriveAllowPolicy",
    "FifoQueue",
    "DeduplicationScope",
    "FifoThroughputLimit",
    "ContentBasedDeduplication",
)
READ_ONLY = frozenset(
    {
        "QueueArn",
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesNotVisible",
        "ApproximateNumberOfMessagesDelayed",
        "CreatedTimestamp",
        "LastModifiedTimestamp",
    }
)
FIFO_ONLY = frozenset(
    {"FifoQueue", "ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit"}
)
# On a standard queue these two are refused with their own message, the others as unknown
# (§2.1, AWS-rec).
_FIFO_ONLY_WITH_OWN_MESSAGE = frozenset({"DeduplicationScope", "FifoThroughputLimit"})

_INT_RANGES: dict[str, tuple[int, int]] = {
    "DelaySeconds": (0, limits.MAX_DELAY_S),
    "MaximumMessageSize": (limits.MIN_MESSAGE_SIZE_BYTES, limits.MAX_MESSAGE_SIZE_BYTES),
    "MessageRetentionPeriod": (limits.MIN_RETENTION_S, limits.MAX_RETENTION_S),
    "ReceiveMessageWaitTimeSeconds": (0, limits.MAX_WAIT_TIME_S),
    "VisibilityTimeout": (0, limits.MAX_VISIBILITY_TIMEOUT_S),
    "KmsDataKeyReusePeriodSeconds": (limits.MIN_KMS_REUSE_S, limits.MAX_KMS_REUSE_S),
}
_DIGITS = re.compile(r"[0-9]+")
_ENUMS: dict[str, tuple[str, ...]] = {
    "DeduplicationScope": ("queue", "messageGroup"),
    "FifoThroughputLimit": ("perQueue", "perMessageGroupId"),
}


@dataclass(frozen=True, slots=True)
class QueueSettings:
    """The configurable attributes of one queue, typed.

    Optional string attributes are ``None`` while unset (AWS omits them then).
    """

    fifo: bool = False
    delay_seconds: int = limits.DEFAULT_DELAY_S
    maximum_message_size: int = limits.MAX_MESSAGE_SIZE_BYTES
    message_retention_period: int = limits.DEFAULT_RETENTION_S
    receive_message_wait_time_seconds: int = limits.DEFAULT_WAIT_TIME_S
    visibility_timeout: int = limits.DEFAULT_VISIBILITY_TIMEOUT_S
    policy: str | None = None
    redrive_policy: str | None = None
    redrive_allow_policy: str | None = None
    kms_master_key_id: str | None = None
    kms_data_key_reuse_period_seconds: int = limits.DEFAULT_KMS_REUSE_S
    sqs_managed_sse_enabled: bool = True
    content_based_deduplication: bool = False
    deduplication_scope: str = "queue"
    fifo_throughput_limit: str = "perQueue"


def _field_name(attribute: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", attribute).lower()


_FIELDS = {f.name for f in fields(QueueSettings)}
_FIELD_OF = {name: _field_name(name) for name in ALL_NAMES if _field_name(name) in _FIELDS}
_FIELD_OF["FifoQueue"] = "fifo"


def _parse_int(name: str, raw: str) -> int:
    low, high = _INT_RANGES[name]
    # Length first: int() refuses strings of over 4,300 digits with a ValueError.
    if len(raw) > 20 or not _DIGITS.fullmatch(raw) or not low <= int(raw) <= high:
        raise SQSError(errors.INVALID_ATTRIBUTE, name=name)
    return int(raw)


def _parse_bool(name: str, raw: str) -> bool:
    lowered = raw.lower()
    if lowered not in ("true", "false"):
        raise SQSError(errors.INVALID_ATTRIBUTE, name=name)
    return lowered == "true"


def _check_policy(raw: str) -> None:
    """Reject what AWS rejects before it would store a queue policy (§2.1)."""
    try:
        policy = json.loads(raw)
    except ValueError:
        raise SQSError(errors.INVALID_ATTRIBUTE, name="Policy") from None
    if not isinstance(policy, dict):
        raise SQSError(errors.INVALID_ATTRIBUTE, name="Policy")
    statements = policy.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    if (
        not isinstance(statements, list)
        or ("Statement" in policy and not statements)
        or not all(isinstance(statement, dict) for statement in statements)
    ):
        raise SQSError(errors.INVALID_ATTRIBUTE, name="Policy")
    if len(statements) > limits.MAX_POLICY_STATEMENTS:
        raise SQSError(errors.TOO_MANY_STATEMENTS, count=len(statements))


def _check_redrive_allow_policy(raw: str) -> None:
    """RedriveAllowPolicy rules of §6.2."""
    try:
        policy = json.loads(raw)
    except ValueError:
        policy = None
    permission = policy.get("redrivePermission") if isinstance(policy, dict) else None
    arns = policy.get("sourceQueueArns") if isinstance(policy, dict) else None
    if (
        not isinstance(policy, dict)
        or set(policy) - {"redrivePermission", "sourceQueueArns"}
        or permission not in ("allowAll", "denyAll", "byQueue")
        or (
            arns is not None
            and not (isinstance(arns, list) and all(isinstance(arn, str) for arn in arns))
        )
    ):
        raise SQSError(
            errors.INVALID_PARAMETER_VALUE_REASON,
            name="RedriveAllowPolicy",
            reason="Amazon SQS can't create the redrive allow policy, as it’s in an "
            "unsupported format.",
        )
    reason = None
    if permission == "byQueue" and not arns:
        reason = (
            "When you specify the byQueue permission type, you must also specify one or more "
            "sourceQueueArns values."
        )
    elif arns and len(arns) > limits.MAX_REDRIVE_SOURCE_ARNS:
        reason = "The maximum number of source queue ARNs you can specify is 10."
    elif arns and permission != "byQueue":
        reason = (
            "To specify one or more source queue ARNs, you must set redrivePermission to byQueue."
        )
    if reason is not None:
        raise SQSError(
            errors.INVALID_PARAMETER,
            value=raw,
            param="RedriveAllowPolicy",
            reason=f"Amazon SQS can't create the redrive allow policy. {reason}",
        )


def _parse_one(name: str, raw: Any, fifo: bool) -> tuple[str, Any]:
    """Validate one attribute for a queue of the given type; return (field, value)."""
    if name not in _FIELD_OF or name in READ_ONLY:
        raise SQSError(errors.UNKNOWN_ATTRIBUTE, name=name)
    if name in FIFO_ONLY and not fifo:
        if name in _FIFO_ONLY_WITH_OWN_MESSAGE:
            raise SQSError(errors.FIFO_ONLY_ATTRIBUTE, name=name)
        raise SQSError(errors.UNKNOWN_ATTRIBUTE, name=name)
    if not isinstance(raw, str):
        raise SQSError(errors.INVALID_ATTRIBUTE, name=name)
    field = _FIELD_OF[name]
    value: Any
    if name in _INT_RANGES:
        value = _parse_int(name, raw)
    elif name in ("SqsManagedSseEnabled", "ContentBasedDeduplication"):
        value = _parse_bool(name, raw)
    elif name == "FifoQueue":
        if not _parse_bool(name, raw):
            raise SQSError(errors.QUEUE_TYPE_CHANGE)
        value = True
    elif name in _ENUMS:
        if raw not in _ENUMS[name]:
            raise SQSError(errors.INVALID_ATTRIBUTE, name=name)
        value = raw
    elif raw == "":  # Policy, RedrivePolicy, RedriveAllowPolicy, KmsMasterKeyId: "" removes
        value = None
    elif name == "Policy":
        _check_policy(raw)
        value = raw
    elif name == "RedrivePolicy":
        parse_redrive_policy(raw)  # the target queue is checked by the caller
        value = raw
    elif name == "RedriveAllowPolicy":
        _check_redrive_allow_policy(raw)
        value = raw
    else:  # KmsMasterKeyId
        value = raw
    return field, value


def parse(attributes: Mapping[str, Any], fifo: bool) -> dict[str, Any]:
    """Validate attributes from a request; return settings field -> typed value.

    Raises the AWS error for the first invalid name or value.
    """
    parsed = dict(_parse_one(name, raw, fifo) for name, raw in attributes.items())
    # Only one kind of server-side encryption at a time (§2.1, AWS-rec).
    if parsed.get("kms_master_key_id") and parsed.get("sqs_managed_sse_enabled"):
        raise SQSError(errors.TWO_SSE_KINDS)
    return parsed


def apply(settings: QueueSettings, parsed: Mapping[str, Any]) -> QueueSettings:
    """Settings after a validated update, with the SSE interplay of §2."""
    changes = dict(parsed)
    if changes.get("kms_master_key_id"):
        changes["sqs_managed_sse_enabled"] = False  # stays off after KMS is removed (AWS-rec)
    elif changes.get("sqs_managed_sse_enabled"):
        changes["kms_master_key_id"] = None
        changes.setdefault("kms_data_key_reuse_period_seconds", limits.DEFAULT_KMS_REUSE_S)
    updated = replace(settings, **changes)
    if updated.fifo_throughput_limit == "perMessageGroupId" and (
        updated.deduplication_scope != "messageGroup"
    ):
        raise SQSError(errors.THROUGHPUT_NEEDS_GROUP_SCOPE)
    return updated


def render_value(settings: QueueSettings, name: str) -> str | None:
    """The string AWS returns for a configurable attribute, or ``None`` if not listed."""
    if name in FIFO_ONLY and not settings.fifo:
        return None
    if name == "KmsDataKeyReusePeriodSeconds" and settings.kms_master_key_id is None:
        return None  # only listed while a KMS key is set (§2, AWS-rec)
    value = getattr(settings, _FIELD_OF[name])
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def is_known(name: str) -> bool:
    return name in _FIELD_OF or name in READ_ONLY
