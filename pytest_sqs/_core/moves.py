"""Messages changing queues: dead-letter moves (sqs-behaviour.md §6.1)."""

from __future__ import annotations

import dataclasses

from .fifo import FifoQueue
from .message import Message, MessageState
from .queue import Queue


def move_to_dead_letter_queue(source: Queue, target: Queue, message: Message, now: float) -> None:
    """Move a message, already detached from ``source``, to the dead-letter queue ``target``."""
    # Same MessageId, body, attributes and receive count; gains DeadLetterQueueSourceArn.
    # Retention: a standard DLQ keeps the original enqueue time, a FIFO DLQ restarts it;
    # a FIFO DLQ takes the message whatever its own deduplication says (§6.1).
    source.dead_letter(message, now, target.arn)
    fifo = isinstance(target, FifoQueue)
    moved = dataclasses.replace(
        message,
        state=MessageState.VISIBLE,
        live=True,
        token=0,
        visible_at=now,
        dead_letter_source_arn=source.arn,
        enqueued_at=now if fifo else message.enqueued_at,
    )
    target.settle(now)
    if isinstance(target, FifoQueue):
        moved.sequence_number = target.next_sequence_number(1)
    target.add(moved, now, 0, journal=False)
