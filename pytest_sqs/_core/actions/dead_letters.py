"""Dead-letter queue actions: ListDeadLetterSourceQueues (sqs-behaviour.md §3.15, §6)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from . import Result, action
from .queues import paginate

if TYPE_CHECKING:
    from ..queue import Queue
    from ..simulator import Call, SQSSimulator


def dead_letter_sources(sim: SQSSimulator, dlq: Queue) -> list[Queue]:
    """The queues whose RedrivePolicy names ``dlq`` (same account and region)."""
    region = sim.region_state(dlq.account_id, dlq.region)
    return [
        queue
        for queue in region.queues.values()
        if queue.redrive is not None and queue.redrive.target_arn == dlq.arn
    ]


@action("ListDeadLetterSourceQueues")
def list_dead_letter_source_queues(
    sim: SQSSimulator, call: Call, params: Mapping[str, Any]
) -> Result:
    """The queues whose RedrivePolicy targets this one, sorted by name, paged as ListQueues
    (note the lower-case ``queueUrls`` key of the response)."""
    dlq = sim.resolve(call, params.get("QueueUrl"))
    sources = [(queue.name, queue.url) for queue in dead_letter_sources(sim, dlq)]
    return paginate(sources, params, "queueUrls")
