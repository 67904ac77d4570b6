"""Message move tasks: redrive out of a dead-letter queue at a rate, on the simulated
clock (sqs-behaviour.md §6.4).

A running task moves ``MaxNumberOfMessagesPerSecond`` messages per simulated second, so a
test watches it progress with ``advance()``; without a rate, everything moves at once.
Progress is settled lazily, at the start of each call, like every other timer.
"""

from __future__ import annotations

import base64
import binascii
import enum
import json
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .moves import redrive

if TYPE_CHECKING:
    from .queue import Queue
    from .simulator import SQSSimulator

# FailureReason values (AWS-rec for the first; the second per two emulators).
DESTINATION_GONE = "AWS.SimpleQueueService.NonExistentQueue"
SOURCE_UNKNOWN = "CouldNotDetermineMessageSource"


class TaskStatus(enum.Enum):
    RUNNING = "RUNNING"
    COMPLETED = "COMPLETED"
    CANCELLING = "CANCELLING"
    CANCELLED = "CANCELLED"
    FAILED = "FAILED"


@dataclass(slots=True)
class MoveTask:
    """One message move task out of a dead-letter queue."""

    task_id: str
    source_arn: str
    destination_arn: str | None
    rate: int | None  # messages per simulated second; None: all at once
    started_at: float
    to_move: int  # the source's visible messages when the task started
    moved: int = 0
    status: TaskStatus = TaskStatus.RUNNING
    failure_reason: str | None = None

    @property
    def handle(self) -> str:
        """The TaskHandle AWS gives: base64 of compact JSON, taskId then sourceArn (AWS-rec)."""
        raw = json.dumps(
            {"taskId": self.task_id, "sourceArn": self.source_arn}, separators=(",", ":")
        )
        return base64.b64encode(raw.encode()).decode()

    def next_step_at(self) -> float | None:
        """When a running task moves its next message (``None``: all at once, now)."""
        if self.rate is None:
            return None
        return self.started_at + (self.moved + 1) / self.rate

    def render(self) -> dict[str, Any]:
        """The task as ListMessageMoveTasks reports it (optional keys only when set)."""
        result: dict[str, Any] = {}
        if self.status is TaskStatus.RUNNING:
            result["TaskHandle"] = self.handle
        result["Status"] = self.status.value
        result["SourceArn"] = self.source_arn
        if self.destination_arn is not None:
            result["DestinationArn"] = self.destination_arn
        if self.rate is not None:
            result["MaxNumberOfMessagesPerSecond"] = self.rate
        result["ApproximateNumberOfMessagesMoved"] = self.moved
        result["ApproximateNumberOfMessagesToMove"] = self.to_move
        if self.failure_reason is not None:
            result["FailureReason"] = self.failure_reason
        result["StartedTimestamp"] = int(self.started_at * 1000)
        return result


def decode_handle(handle: str) -> tuple[str, str] | None:
    """(task id, source ARN) from a TaskHandle, or None if it is not one."""
    try:
        value = json.loads(base64.b64decode(handle, validate=True))
    except (binascii.Error, ValueError):
        return None
    if not isinstance(value, dict):
        return None
    task_id, source_arn = value.get("taskId"), value.get("sourceArn")
    if not isinstance(task_id, str) or not isinstance(source_arn, str):
        return None
    return task_id, source_arn


def _finish(sim: SQSSimulator, task: MoveTask, status: TaskStatus, reason: str | None) -> None:
    task.status = status
    task.failure_reason = reason
    sim.running_tasks.remove(task)


def progress(sim: SQSSimulator, task: MoveTask, now: float) -> None:
    """Move what the task should have moved by ``now``; finish it when it is done."""
    source = sim.queue_by_arn(task.source_arn)
    if source is None:
        _finish(sim, task, TaskStatus.FAILED, DESTINATION_GONE)
        return
    due = task.to_move if task.rate is None else math.floor((now - task.started_at) * task.rate)
    due = min(due, task.to_move)
    while task.moved < due:
        # Each message moves at its own moment on the task's schedule.
        at = now if task.rate is None else task.started_at + (task.moved + 1) / task.rate
        source.settle(at)
        message = source.peek_visible()
        if message is None:  # nothing left to move (in-flight messages stay)
            break
        target_arn = task.destination_arn or message.dead_letter_source_arn
        if target_arn is None:
            _finish(sim, task, TaskStatus.FAILED, SOURCE_UNKNOWN)
            return
        target: Queue | None = sim.queue_by_arn(target_arn)
        if target is None:
            _finish(sim, task, TaskStatus.FAILED, DESTINATION_GONE)
            return
        source.take_visible(1)
        redrive(source, target, message, at, sim.new_uuid())
        task.moved += 1
    if task.moved >= task.to_move or source.peek_visible() is None:
        _finish(sim, task, TaskStatus.COMPLETED, None)


def settle_tasks(sim: SQSSimulator, now: float) -> None:
    """Progress every running task to ``now`` (cheap when none is running)."""
    for task in list(sim.running_tasks):
        progress(sim, task, now)
