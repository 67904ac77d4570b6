"""Tag actions (sqs-behaviour.md §3.16)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .. import errors, limits, validation
from ..errors import SQSError
from . import Result, action

if TYPE_CHECKING:
    from ..simulator import Call, SQSSimulator

# Unicode letters, digits, whitespace and _ . : / = + - @ (cost allocation tag rules).
_TAG_TEXT = re.compile(r"[\w\s.:/=+\-@]*")


def validate_tags(tags: Mapping[str, Any], *, existing: int, queue_name: str) -> None:
    """Refuse tags AWS refuses: bad keys or values, or more than 50 on a queue."""
    for key, value in tags.items():
        if not 1 <= len(key) <= 128:
            raise SQSError(errors.TAG_KEY_LENGTH)
        if not isinstance(value, str) or len(value) > 256:
            raise SQSError(errors.TAG_VALUE_LENGTH)
        if not _TAG_TEXT.fullmatch(key):
            raise SQSError(errors.TAG_KEY_CHARACTERS)
        if not _TAG_TEXT.fullmatch(value):
            raise SQSError(errors.TAG_VALUE_CHARACTERS)
    if existing + len(tags) > limits.MAX_TAGS_PER_QUEUE:
        raise SQSError(errors.TAG_LIMIT, name=queue_name)


@action("TagQueue")
def tag_queue(sim: SQSSimulator, call: Call, params: Mapping[str, Any]) -> Result:
    """Merges tags; AWS's key and value rules; at most 50 per queue."""
    queue = sim.resolve(call, params.get("QueueUrl"))
    tags = validation.string_map(params, "Tags")
    if not tags:
        raise SQSError(errors.MISSING, param="Tags")
    new_keys = sum(1 for key in tags if key not in queue.tags)
    validate_tags(tags, existing=len(queue.tags) + new_keys - len(tags), queue_name=queue.name)
    queue.tags.update(tags)
    return {}


@action("UntagQueue")
def untag_queue(sim: SQSSimulator, call: Call, params: Mapping[str, Any]) -> Result:
    """Unknown keys are ignored."""
    queue = sim.resolve(call, params.get("QueueUrl"))
    keys = validation.string_list(params, "TagKeys")
    if not keys:
        raise SQSError(errors.MISSING, param="TagKeys")
    for key in keys:
        queue.tags.pop(key, None)  # unknown keys are ignored (AWS-rec)
    return {}


@action("ListQueueTags")
def list_queue_tags(sim: SQSSimulator, call: Call, params: Mapping[str, Any]) -> Result:
    """Tags key omitted when the queue has none."""
    queue = sim.resolve(call, params.get("QueueUrl"))
    return {"Tags": dict(queue.tags)} if queue.tags else {}
