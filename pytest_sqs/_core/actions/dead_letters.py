"""Dead-letter queue actions: ListDeadLetterSourceQueues (sqs-behaviour.md §3.15, §6)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .. import errors, limits, validation
from ..errors import SQSError
from ..move_tasks import MoveTask, TaskStatus, decode_handle, progress
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


# -- message move tasks (§6.4) -------------------------------------------------------


def _queue_by_arn(sim: SQSSimulator, params: Mapping[str, Any], param: str) -> Queue:
    arn = validation.string(params, param)
    if arn is None:
        raise SQSError(errors.MISSING, param=param)
    if validation.split_arn(arn) is None:
        raise SQSError(errors.ARN_FORMAT, param=param)
    queue = sim.queue_by_arn(arn)
    if queue is None:
        raise SQSError(errors.RESOURCE_MISSING, param=param)
    return queue


@action("StartMessageMoveTask")
def start_message_move_task(sim: SQSSimulator, call: Call, params: Mapping[str, Any]) -> Result:
    """Redrives a dead-letter queue's visible messages back to where each came from, or to
    DestinationArn, as new messages; at MaxNumberOfMessagesPerSecond per simulated second
    (watch it with advance()), or all at once without a rate; one running task per source."""
    source = _queue_by_arn(sim, params, "SourceArn")
    source.settle(call.now)  # timers due by now first: a message visible again counts
    destination = (
        None
        if params.get("DestinationArn") is None
        else _queue_by_arn(sim, params, "DestinationArn")
    )
    rate = validation.in_range(
        validation.integer(params, "MaxNumberOfMessagesPerSecond", errors.MOVE_RATE_RANGE),
        1,
        limits.MAX_MOVE_RATE,
        errors.MOVE_RATE_RANGE,
    )
    if not dead_letter_sources(sim, source):
        raise SQSError(errors.NOT_A_DEAD_LETTER_QUEUE)
    if destination is not None and destination.settings.fifo != source.settings.fifo:
        raise SQSError(errors.MOVE_TYPE_MISMATCH)
    if any(task.source_arn == source.arn for task in sim.running_tasks):
        raise SQSError(errors.TASK_ALREADY_RUNNING)
    task = MoveTask(
        task_id=sim.new_uuid(),
        source_arn=source.arn,
        destination_arn=None if destination is None else destination.arn,
        rate=rate,
        started_at=call.now,
        to_move=source.visible_count,
    )
    sim.move_tasks.setdefault(source.arn, []).append(task)
    sim.running_tasks.append(task)
    progress(sim, task, call.now)
    sim.notify_send()
    return {"TaskHandle": task.handle}


@action("CancelMessageMoveTask")
def cancel_message_move_task(sim: SQSSimulator, call: Call, params: Mapping[str, Any]) -> Result:
    """Stops a running task at once; what it moved stays moved."""
    raw = validation.string(params, "TaskHandle")
    decoded = None if raw is None else decode_handle(raw)
    if decoded is None:
        raise SQSError(errors.BAD_TASK_HANDLE)
    task_id, source_arn = decoded
    if sim.queue_by_arn(source_arn) is None:
        raise SQSError(errors.RESOURCE_MISSING, param="SourceArn")
    task = next((t for t in sim.move_tasks.get(source_arn, []) if t.task_id == task_id), None)
    if task is None:
        raise SQSError(errors.TASK_NOT_FOUND)
    if task.status is not TaskStatus.RUNNING:
        raise SQSError(errors.TASK_NOT_RUNNING)
    # AWS takes a while to stop (CANCELLING); the simulator stops at once.
    task.status = TaskStatus.CANCELLED
    sim.running_tasks.remove(task)
    return {"ApproximateNumberOfMessagesMoved": task.moved}


@action("ListMessageMoveTasks")
def list_message_move_tasks(sim: SQSSimulator, call: Call, params: Mapping[str, Any]) -> Result:
    """A source's tasks, most recent first, MaxResults 1-10 (default 1)."""
    source = _queue_by_arn(sim, params, "SourceArn")
    max_results = validation.in_range(
        validation.integer(params, "MaxResults", errors.MOVE_TASKS_MAX_RESULTS),
        1,
        limits.MAX_MOVE_TASKS_RESULTS,
        errors.MOVE_TASKS_MAX_RESULTS,
    )
    tasks = list(reversed(sim.move_tasks.get(source.arn, [])))[: max_results or 1]
    # Empty lists are left out of SQS's JSON answers (as for ListQueues, §1.1).
    return {"Results": [task.render() for task in tasks]} if tasks else {}
