"""Receiving: ReceiveMessage, with long polls, FIFO groups, attempt retries and
dead-letter moves (sqs-behaviour.md §3.9, §5.2, §6.1, §8)."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from .. import errors, limits, validation
from ..chaos import ChaosState
from ..errors import SQSError
from ..fifo import FifoQueue
from ..message import Message, md5_of_attributes
from ..moves import move_to_dead_letter_queue
from ..queue import Queue, make_receipt_handle
from . import Result, action

if TYPE_CHECKING:
    from ..simulator import Call, SQSSimulator


_SYSTEM_NAMES = (
    "SenderId",
    "SentTimestamp",
    "ApproximateReceiveCount",
    "ApproximateFirstReceiveTimestamp",
    "SequenceNumber",
    "MessageDeduplicationId",
    "MessageGroupId",
    "AWSTraceHeader",
    "DeadLetterQueueSourceArn",
)


def _ms(seconds: float | None) -> str:
    return str(int((seconds or 0.0) * 1000))


def _system_attributes(message: Message, wanted: frozenset[str]) -> dict[str, str]:
    everything = "All" in wanted
    values: dict[str, str | None] = {
        "SenderId": message.sender_id,
        "SentTimestamp": _ms(message.sent_at),
        "ApproximateReceiveCount": str(message.receive_count),
        "ApproximateFirstReceiveTimestamp": _ms(message.first_received_at),
        "SequenceNumber": message.sequence_number,
        "MessageDeduplicationId": message.deduplication_id,
        "MessageGroupId": message.group_id,
        "AWSTraceHeader": (
            message.system_attributes["AWSTraceHeader"].string_value
            if "AWSTraceHeader" in message.system_attributes
            else None
        ),
        "DeadLetterQueueSourceArn": message.dead_letter_source_arn,
    }
    # Names that do not apply to this message are silently left out (§3.9, AWS-rec).
    return {
        name: value
        for name, value in values.items()
        if value is not None and (everything or name in wanted)
    }


def attribute_filter(names: list[str]) -> Callable[[str], bool] | None:
    """Which user attributes a receive returns (§3.9): None means none at all."""
    if not names:
        return None
    if any(name in ("All", ".*", "*") for name in names):
        return lambda _name: True
    exact = {name for name in names if not name.endswith(".*")}
    prefixes = tuple(name[:-2] for name in names if name.endswith(".*"))
    return lambda name: name in exact or name.startswith(prefixes)


def _render_received(
    message: Message,
    handle: str,
    system_names: frozenset[str],
    keep: Callable[[str], bool] | None,
) -> Result:
    rendered: Result = {
        "MessageId": message.message_id,
        "ReceiptHandle": handle,
        "MD5OfBody": message.md5_of_body,
        "Body": message.body,
    }
    if system_names:
        system = _system_attributes(message, system_names)
        if system:
            rendered["Attributes"] = system
    if keep is not None and message.attributes:
        chosen = {n: v for n, v in message.attributes.items() if keep(n)}
        if chosen:
            # The digest covers only what is returned (§7.3, AWS-rec).
            rendered["MD5OfMessageAttributes"] = (
                message.md5_of_attributes
                if len(chosen) == len(message.attributes)
                else md5_of_attributes(chosen)
            )
            rendered["MessageAttributes"] = {n: v.render() for n, v in chosen.items()}
    return rendered


def _take(sim: SQSSimulator, call: Call, queue: Queue, count: int) -> list[Message]:
    """Up to ``count`` messages to deliver; those already received maxReceiveCount times
    go to the dead-letter queue instead of being returned (§6.1, AWS-rec)."""
    taken = queue.take_visible(count)
    policy = queue.redrive
    if policy is None or not taken:
        return taken
    target = sim.queue_by_arn(policy.target_arn)
    if target is None:  # the dead-letter queue was deleted: nothing to move to
        return taken
    kept: list[Message] = []
    while taken:
        for message in taken:
            if message.receive_count >= policy.max_receive_count:
                move_to_dead_letter_queue(queue, target, message, call.now)
            else:
                kept.append(message)
        taken = queue.take_visible(count - len(kept))
    sim.notify_send()
    return kept


def _reorder(
    sim: SQSSimulator, call: Call, queue: Queue, taken: list[Message], chaos: ChaosState
) -> list[Message]:
    """Chaos: the oldest message is held back for a later receive (if another can take
    its place) and the rest are shuffled: best-effort order, as SQS allows."""
    replacement = _take(sim, call, queue, 1)
    if replacement:
        queue.untake(taken[0], call.now)
        taken = taken[1:] + replacement
        chaos.faults += 1
    chaos.rng(queue.name).shuffle(taken)
    return taken


@action("ReceiveMessage")
def receive_message(sim: SQSSimulator, call: Call, params: Mapping[str, Any]) -> Result:
    """Up to MaxNumberOfMessages visible messages in delivery order, each with a fresh
    receipt handle; system attributes by name or All, user attributes filtered by name, All,
    .* or prefix.*, MD5 over the returned subset; a message already received
    maxReceiveCount times moves to the dead-letter queue instead; long polls fast-forward the
    clock instead of waiting."""
    queue = sim.resolve(call, params.get("QueueUrl"))
    maximum = validation.in_range(
        validation.integer(params, "MaxNumberOfMessages", errors.MAX_MESSAGES_RANGE),
        limits.MIN_RECEIVE_MESSAGES,
        limits.MAX_RECEIVE_MESSAGES,
        errors.MAX_MESSAGES_RANGE,
    )
    visibility = validation.in_range(
        validation.integer(params, "VisibilityTimeout", errors.RECEIVE_VISIBILITY_RANGE),
        0,
        limits.MAX_VISIBILITY_TIMEOUT_S,
        errors.RECEIVE_VISIBILITY_RANGE,
    )
    wait = validation.in_range(
        validation.integer(params, "WaitTimeSeconds", errors.WAIT_TIME_RANGE),
        0,
        limits.MAX_WAIT_TIME_S,
        errors.WAIT_TIME_RANGE,
    )
    system_names = frozenset(
        validation.string_list(params, "AttributeNames")
        + validation.string_list(params, "MessageSystemAttributeNames")
    )
    keep = attribute_filter(validation.string_list(params, "MessageAttributeNames"))
    if wait is None:
        wait = queue.settings.receive_message_wait_time_seconds
    if visibility is None:
        visibility = queue.settings.visibility_timeout
    attempt_id = params.get("ReceiveRequestAttemptId")
    if isinstance(queue, FifoQueue) and attempt_id is not None:
        validation.group_style_id(attempt_id, "ReceiveRequestAttemptId")
        replay = _replay(queue, call, attempt_id, visibility)
        if replay is not None:
            queue.metrics.add("NumberOfMessagesReceived", call.now, len(replay["Messages"]))
            return replay
    else:
        attempt_id = None  # standard queues ignore it

    if isinstance(queue, FifoQueue):
        if queue.in_flight_count >= limits.MAX_INFLIGHT_FIFO:
            return _nothing(queue, call)  # FIFO: no error, just nothing (§1.4)
    elif queue.in_flight_count >= limits.MAX_INFLIGHT_STANDARD:
        # Short polls are refused; long polls just find nothing (§1.4).
        if wait == 0:
            raise SQSError(errors.INFLIGHT_LIMIT)
        return _nothing(queue, call)
    count = maximum or 1
    chaos = sim.chaos
    if (
        chaos is not None
        and queue.in_flight_count
        and chaos.applies(queue.name, queue.settings.fifo)
        and chaos.happens(chaos.settings.duplicate_in_flight, queue.name)
    ):
        # At least once: a message another consumer holds is delivered again now.
        queue.surface_copy(call.now)
        chaos.faults += 1
    if (
        chaos is not None
        and wait == 0
        and queue.visible_count
        and chaos.applies(queue.name, queue.settings.fifo)
        and chaos.happens(chaos.settings.empty_receive, queue.name)
    ):
        # A short poll asks a sample of the servers: fewer messages, often none.
        sampled = chaos.rng(queue.name).randrange(count)
        if sampled < min(count, queue.visible_count):
            chaos.faults += 1
        count = sampled
        if count == 0:
            return _nothing(queue, call)

    def deliver(call: Call, taken: list[Message]) -> Result:
        chaos = sim.chaos  # now: a long poll may end after a chaos block did
        if (
            chaos is not None
            and taken
            and chaos.applies(queue.name, queue.settings.fifo)
            and chaos.happens(chaos.settings.reorder, queue.name)
        ):
            taken = _reorder(sim, call, queue, taken, chaos)
        if not taken:
            return _nothing(queue, call)
        queue.metrics.add("NumberOfMessagesReceived", call.now, len(taken))
        received = []
        for message in taken:
            handle = make_receipt_handle(
                queue.uid, message.message_id, message.receive_count + 1, sim.new_nonce()
            )
            queue.start_flight(message, call.now, visibility, handle)
            received.append(_render_received(message, handle, system_names, keep))
        if attempt_id is not None:
            assert isinstance(queue, FifoQueue)
            queue.remember_attempt(attempt_id, call.now, taken, copy.deepcopy(received))
        return {"Messages": received}

    taken = _take(sim, call, queue, count)
    if not taken and wait > 0:
        return sim.long_poll(call, queue, wait, lambda at: _take(sim, at, queue, count), deliver)
    return deliver(call, taken)


def _nothing(queue: Queue, call: Call) -> Result:
    """A receive that returns no message (NumberOfEmptyReceives)."""
    queue.metrics.add("NumberOfEmptyReceives", call.now)
    return {}


def _replay(queue: FifoQueue, call: Call, attempt_id: str, visibility: int) -> Result | None:
    """A retried FIFO receive: the same messages and receipt handles, their visibility
    timeout restarted; refused once any of them was deleted, changed or received again
    (botocore's model documentation of ReceiveRequestAttemptId; error text AWS-rec)."""
    attempt = queue.attempt(attempt_id, call.now)
    if attempt is None:
        return None
    for message, receive_count, changes in attempt.messages:
        if (
            not message.live
            or message.receive_count != receive_count
            or message.visibility_changes != changes
        ):
            raise SQSError(errors.ATTEMPT_NOT_RETRYABLE, value=attempt_id)
    for message, _, _ in attempt.messages:
        queue.restart_flight(message, call.now, visibility)
    return {"Messages": copy.deepcopy(attempt.rendered)}
