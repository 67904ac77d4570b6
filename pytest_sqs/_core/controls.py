"""What a test may do that no SQS client can: put a message in a given state now.

These are test controls, not SQS actions: their errors are plain Python exceptions.
"""

from __future__ import annotations

from .message import Event, Message
from .moves import move_to_dead_letter_queue
from .queue import Queue
from .simulator import SQSSimulator


def _message(queue: Queue, message_id: str) -> Message:
    message = queue.messages.get(message_id)
    if message is None:
        raise LookupError(f"no message {message_id} in queue {queue.name} (now)")
    return message


def force_dead_letter(sim: SQSSimulator, queue: Queue, message_id: str, now: float) -> Queue:
    """Move a message to its queue's dead-letter queue now, as if it had been received
    maxReceiveCount times; returns the dead-letter queue."""
    policy = queue.redrive
    if policy is None:
        raise LookupError(f"queue {queue.name} has no RedrivePolicy, so no dead-letter queue")
    target = sim.queue_by_arn(policy.target_arn)
    if target is None:
        raise LookupError(f"the dead-letter queue {policy.target_arn} of {queue.name} is gone")
    message = _message(queue, message_id)
    queue.detach(message)
    move_to_dead_letter_queue(queue, target, message, now)
    return target


def force_expire(queue: Queue, message_id: str, now: float) -> None:
    """Let a message's retention period end now."""
    queue.remove(_message(queue, message_id), now, Event.EXPIRED)
