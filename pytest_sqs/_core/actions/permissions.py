"""AddPermission / RemovePermission: the queue policy they write (sqs-behaviour.md §9)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from .. import errors, limits, validation
from ..errors import SQSError
from . import Result, action

if TYPE_CHECKING:
    from ..attributes import QueueSettings
    from ..queue import Queue
    from ..simulator import Call, SQSSimulator

_LABEL = re.compile(r"[A-Za-z0-9_-]{1,80}")
SHAREABLE_ACTIONS = frozenset(
    {
        "*",
        "ChangeMessageVisibility",
        "DeleteMessage",
        "GetQueueAttributes",
        "GetQueueUrl",
        "ListDeadLetterSourceQueues",
        "PurgeQueue",
        "ReceiveMessage",
        "SendMessage",
    }
)
OWNER_ONLY_ACTIONS = frozenset(
    {
        "AddPermission",
        "CancelMessageMoveTask",
        "CreateQueue",
        "DeleteQueue",
        "ListMessageMoveTasks",
        "ListQueueTags",
        "ListQueues",
        "RemovePermission",
        "SetQueueAttributes",
        "StartMessageMoveTask",
        "TagQueue",
        "UntagQueue",
    }
)


def _label(params: Mapping[str, Any]) -> str:
    label = validation.string(params, "Label")
    if not label:
        raise SQSError(errors.MISSING, param="Label")
    if not _LABEL.fullmatch(label):
        raise SQSError(errors.BAD_LABEL)
    return label


def _statements(queue: Queue) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The queue's policy document and its statements as a list (empty if no policy)."""
    if queue.settings.policy is None:
        return {}, []
    policy = json.loads(queue.settings.policy)
    statements = policy.get("Statement", [])
    return policy, list(statements) if isinstance(statements, list) else [statements]


def _one_or_many(values: list[str]) -> str | list[str]:
    return values[0] if len(values) == 1 else values


@action("AddPermission")
def add_permission(sim: SQSSimulator, call: Call, params: Mapping[str, Any]) -> Result:
    """Writes the queue policy statement exactly as AWS does (Version 2008-10-17, Sid,
    Principal, Action as string or list); duplicate labels, more than 7 actions and
    owner-only actions are refused.
    """
    queue = sim.resolve(call, params.get("QueueUrl"))
    label = _label(params)
    accounts = validation.string_list(params, "AWSAccountIds")
    if not accounts:
        raise SQSError(errors.MISSING, param="AWSAccountIds")
    actions = validation.string_list(params, "Actions")
    if not actions:
        raise SQSError(errors.MISSING, param="Actions")
    if len(actions) > limits.MAX_PERMISSION_ACTIONS:
        raise SQSError(errors.TOO_MANY_ACTIONS, count=len(actions))
    for name in actions:
        if name in OWNER_ONLY_ACTIONS:
            raise SQSError(errors.OWNER_ONLY_ACTION, value=name)
        if name not in SHAREABLE_ACTIONS:
            raise SQSError(errors.INVALID_ACTION_NAME, value=name)
    policy, statements = _statements(queue)
    if any(statement.get("Sid") == label for statement in statements):
        raise SQSError(errors.LABEL_EXISTS, value=label)
    if len(statements) >= limits.MAX_POLICY_STATEMENTS:
        raise SQSError(errors.TOO_MANY_PERMISSIONS, count=len(statements) + 1)
    # Key order as AWS writes it (§9, AWS-rec).
    statements.append(
        {
            "Sid": label,
            "Effect": "Allow",
            "Principal": {"AWS": _one_or_many([f"arn:aws:iam::{a}:root" for a in accounts])},
            "Action": _one_or_many([f"SQS:{name}" for name in actions]),
            "Resource": queue.arn,
        }
    )
    if not policy:
        policy = {"Version": "2008-10-17", "Id": f"{queue.arn}/SQSDefaultPolicy"}
    policy["Statement"] = statements
    queue.settings = _with_policy(queue, json.dumps(policy, separators=(",", ":")))
    return {}


@action("RemovePermission")
def remove_permission(sim: SQSSimulator, call: Call, params: Mapping[str, Any]) -> Result:
    """Removes the statement; removing the last one removes the Policy attribute."""
    queue = sim.resolve(call, params.get("QueueUrl"))
    label = _label(params)
    policy, statements = _statements(queue)
    kept = [statement for statement in statements if statement.get("Sid") != label]
    if len(kept) == len(statements):
        raise SQSError(errors.LABEL_NOT_FOUND, value=label)
    if kept:
        policy["Statement"] = kept
        queue.settings = _with_policy(queue, json.dumps(policy, separators=(",", ":")))
    else:
        # Removing the last statement removes the policy (§9, AWS-rec).
        queue.settings = _with_policy(queue, None)
    return {}


def _with_policy(queue: Queue, policy: str | None) -> QueueSettings:
    return replace(queue.settings, policy=policy)
