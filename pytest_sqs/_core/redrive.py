"""Dead-letter queues: RedrivePolicy validation and the move itself (sqs-behaviour.md §6)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

from . import errors, limits
from .errors import SQSError
from .validation import split_arn

_KEYS = frozenset({"deadLetterTargetArn", "maxReceiveCount"})


@dataclass(frozen=True, slots=True)
class RedrivePolicy:
    """A parsed RedrivePolicy: where messages go, after how many receives."""

    target_arn: str
    max_receive_count: int


def _invalid(raw: str, reason: str) -> SQSError:
    return SQSError(errors.INVALID_PARAMETER, value=raw, param="RedrivePolicy", reason=reason)


def parse_redrive_policy(raw: str) -> RedrivePolicy:
    """Validate the text of a RedrivePolicy (everything but the target queue itself)."""
    try:
        policy = json.loads(raw)
    except ValueError:
        policy = None
    if not isinstance(policy, dict):
        raise SQSError(
            errors.INVALID_PARAMETER_VALUE_REASON,
            name="RedrivePolicy",
            reason="Redrive policy is not a valid JSON map.",
        )
    if set(policy) - _KEYS:
        raise _invalid(
            raw,
            "Only following attributes are supported: [maxReceiveCount, deadLetterTargetArn].",
        )
    for key in ("maxReceiveCount", "deadLetterTargetArn"):
        if key not in policy:
            raise _invalid(raw, f"Redrive policy does not contain mandatory attribute: {key}.")
    count = policy["maxReceiveCount"]
    # A number or a numeric string is accepted (§6.1).
    valid_count = (isinstance(count, int) and not isinstance(count, bool)) or (
        isinstance(count, str) and re.fullmatch(r"-?[0-9]{1,20}", count) is not None
    )
    if not valid_count or not 1 <= int(count) <= limits.MAX_RECEIVE_COUNT:
        raise _invalid(
            raw,
            f"Invalid value for maxReceiveCount: {count}, valid values are from 1 to 1000 "
            "both inclusive.",
        )
    target = policy["deadLetterTargetArn"]
    parts = split_arn(target)
    if parts is None:
        raise _invalid(raw, "Invalid value for deadLetterTargetArn.")  # AWS-rec
    if parts[0] != "sqs":
        raise _invalid(raw, "Only SQS queues are valid resources for deadLetterTargetArn.")
    return RedrivePolicy(target, int(count))


@dataclass(frozen=True, slots=True)
class Target:
    """What a RedrivePolicy check needs to know of its dead-letter queue."""

    fifo: bool
    redrive_allow_policy: str | None


def allows_source(redrive_allow_policy: str | None, source_arn: str) -> bool:
    """Whether a dead-letter queue's RedriveAllowPolicy lets ``source_arn`` use it (§6.2;
    absent means allowAll)."""
    if redrive_allow_policy is None:
        return True
    policy = json.loads(redrive_allow_policy)  # validated when it was set
    permission = policy["redrivePermission"]
    if permission == "byQueue":
        return source_arn in policy.get("sourceQueueArns", [])
    return bool(permission == "allowAll")


def check_target(
    raw: str, source_arn: str, source_fifo: bool, target: Callable[[str], Target | None]
) -> RedrivePolicy:
    """A RedrivePolicy whose dead-letter queue exists, is of the source's type and lets
    the source use it.  ``target(arn)`` describes the queue with that ARN, if any."""
    policy = parse_redrive_policy(raw)
    found = target(policy.target_arn)
    if found is None:
        raise _invalid(raw, "Dead letter target does not exist.")
    if found.fifo != source_fifo:
        raise _invalid(raw, "Dead-letter queue must be same type of queue as the source..")
    if not allows_source(found.redrive_allow_policy, source_arn):
        # Unconfirmed text: no recording of this refusal was found.
        raise _invalid(
            raw,
            "The dead-letter queue's RedriveAllowPolicy does not allow this queue as a source.",
        )
    return policy
