"""Messages changing queues: dead-letter moves (sqs-behaviour.md §6.1)."""

from __future__ import annotations

import dataclasses

from .fifo import FifoQueue
from .message import Event, Message, MessageState
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
        history=list(message.history),  # the source's journal ends with the move
    )
    target.settle(now)
    if isinstance(target, FifoQueue):
        moved.sequence_number = target.next_sequence_number(1)
    target.add(moved, now, 0, journal=False)


def redrive(source: Queue, target: Queue, message: Message, now: float, new_id: str) -> Message:
    """Move a message, already detached from the dead-letter queue ``source``, back into
    ``target`` in a message move task.  AWS treats it as a new message: new MessageId,
    new enqueue time, receives counted afresh (DLQ redrive docs)."""
    source.dead_letter(message, now, target.arn, event=Event.REDRIVEN, detail=(new_id,))
    fresh = dataclasses.replace(
        message,
        message_id=new_id,
        state=MessageState.VISIBLE,
        live=True,
        token=0,
        visible_at=now,
        sent_at=now,
        enqueued_at=now,
        receive_count=0,
        first_received_at=None,
        received_at=None,
        dead_letter_source_arn=None,
        visibility_changes=0,
        history=[(now, Event.REDRIVEN_FROM, source.arn, message.message_id)],
    )
    target.settle(now)
    if isinstance(target, FifoQueue):
        fresh.sequence_number = target.next_sequence_number(1)
    target.add(fresh, now, 0, journal=False)
    return fresh
