"""Message actions: send, receive, delete, change visibility (sqs-behaviour.md §3.7–3.13, §8)."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from .. import errors, limits, validation
from ..errors import SQSError
from ..fifo import FifoQueue, content_deduplication_id
from ..message import Event, Message, MessageState, md5_of_attributes, md5_of_body
from ..queue import Queue, make_receipt_handle, parse_receipt_handle
from . import Result, action

if TYPE_CHECKING:
    from ..simulator import Call, SQSSimulator


# -- sending ----------------------------------------------------------------


def _new_message(
    sim: SQSSimulator, call: Call, queue: Queue, entry: Mapping[str, Any], *, in_batch: bool
) -> tuple[Message, int]:
    """Validate one message to send (§3.7, §5.1); return it and its delay in seconds."""
    body = validation.body(entry.get("MessageBody"), in_batch=in_batch)
    user_attributes = validation.message_attributes(entry.get("MessageAttributes"))
    limit = queue.settings.maximum_message_size
    if len(body) + validation.attributes_size(user_attributes) > limit:
        spec = errors.BATCH_MESSAGE_TOO_LONG if in_batch else errors.MESSAGE_TOO_LONG
        raise SQSError(spec, limit=limit)
    system = validation.system_attributes(entry.get("MessageSystemAttributes"))
    explicit_system = bool(system)
    if not system and call.trace_header:
        # The X-Amzn-Trace-Id header becomes AWSTraceHeader (§3.7, AWS-rec).
        system["AWSTraceHeader"] = validation.attribute_value(
            "AWSTraceHeader", {"DataType": "String", "StringValue": call.trace_header}
        )
    delay = validation.in_range(
        validation.integer(entry, "DelaySeconds", errors.DELAY_RANGE),
        0,
        limits.MAX_DELAY_S,
        errors.DELAY_RANGE,
    )
    group_id = entry.get("MessageGroupId")
    if group_id is not None:
        validation.group_style_id(group_id, "MessageGroupId")
    dedup_id = entry.get("MessageDeduplicationId")
    if dedup_id is not None:
        validation.group_style_id(dedup_id, "MessageDeduplicationId")
    if isinstance(queue, FifoQueue):
        # Checked in this order (§3.7): per-message delay, group, deduplication id.
        if delay:
            raise SQSError(errors.FIFO_DELAY, value=delay)
        delay = None  # the queue's delay still applies (AWS-rec)
        if group_id is None:
            raise SQSError(errors.MISSING, param="MessageGroupId")
        if dedup_id is None:
            if not queue.settings.content_based_deduplication:
                raise SQSError(errors.FIFO_NO_DEDUPLICATION_ID)
            dedup_id = content_deduplication_id(entry["MessageBody"])
    elif dedup_id is not None:
        # The batch text names no parameter (EMU, Inqnuam).
        spec = errors.BATCH_NOT_FOR_QUEUE_TYPE if in_batch else errors.NOT_FOR_QUEUE_TYPE
        raise SQSError(spec, param="MessageDeduplicationId")
    message = Message(
        message_id=sim.new_uuid(),
        body=entry["MessageBody"],
        md5_of_body=md5_of_body(body),
        attributes=user_attributes,
        md5_of_attributes=md5_of_attributes(user_attributes) if user_attributes else None,
        system_attributes=system,
        md5_of_system_attributes=md5_of_attributes(system) if explicit_system else None,
        sent_at=call.now,
        enqueued_at=call.now,
        sender_id=sim.sender_id(call.account_id),
        group_id=group_id,
        deduplication_id=dedup_id,
    )
    return message, queue.settings.delay_seconds if delay is None else delay


def _enqueue(sim: SQSSimulator, call: Call, queue: Queue, message: Message, delay: int) -> Result:
    """Add a validated message; return what the send answers (§3.7, §5.1)."""
    result = _send_result(message)
    if not isinstance(queue, FifoQueue):
        queue.add(message, call.now, delay)
        return result
    assert message.deduplication_id is not None and message.group_id is not None
    original = queue.duplicate_of(message.deduplication_id, message.group_id, call.now)
    if original is not None:
        # Accepted, not enqueued; answers with the first send's MessageId and
        # SequenceNumber (§5.1), but the digests of what was sent now.
        kept = queue.messages.get(original.message_id)
        if kept is not None:
            kept.history.append((call.now, Event.DUPLICATE_IGNORED, _iso(call.now)))
        result["MessageId"] = original.message_id
        result["SequenceNumber"] = original.sequence_number
        return result
    message.sequence_number = queue.next_sequence_number(sim.rng.randint(1, 1 << 20))
    queue.add(message, call.now, delay)
    queue.remember(message, call.now)
    result["SequenceNumber"] = message.sequence_number
    return result


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, tz=timezone.utc).isoformat(timespec="milliseconds")


def _send_result(message: Message) -> Result:
    result: Result = {"MD5OfMessageBody": message.md5_of_body}
    if message.md5_of_attributes is not None:
        result["MD5OfMessageAttributes"] = message.md5_of_attributes
    if message.md5_of_system_attributes is not None:
        result["MD5OfMessageSystemAttributes"] = message.md5_of_system_attributes
    result["MessageId"] = message.message_id
    return result


@action("SendMessage")
def send_message(sim: SQSSimulator, call: Call, params: Mapping[str, Any]) -> Result:
    """Validates body characters, size (body + attributes), message attributes,
    DelaySeconds, MessageGroupId (accepted on standard queues, as for fair queues); computes
    all three MD5s; the X-Amzn-Trace-Id header becomes AWSTraceHeader. FIFO: group id
    required, deduplication within 5 minutes (explicit or content-based, by queue or by
    group), sequence numbers, a duplicate answers with the first send's MessageId."""
    queue = sim.resolve(call, params.get("QueueUrl"))
    message, delay = _new_message(sim, call, queue, params, in_batch=False)
    result = _enqueue(sim, call, queue, message, delay)
    sim.notify_send()
    return result


def _entry_size(entry: Mapping[str, Any]) -> int:
    """An entry's bytes toward the 1 MiB batch total, tolerant of invalid entries."""
    body = entry.get("MessageBody")
    size = len(body.encode("utf-8", "surrogatepass")) if isinstance(body, str) else 0
    attributes = entry.get("MessageAttributes")
    if isinstance(attributes, Mapping):
        for name, value in attributes.items():
            size += len(str(name).encode("utf-8", "surrogatepass"))
            if isinstance(value, Mapping):
                for key in ("DataType", "StringValue"):
                    if isinstance(value.get(key), str):
                        size += len(value[key].encode("utf-8", "surrogatepass"))
                binary = value.get("BinaryValue")
                if isinstance(binary, bytes | bytearray):
                    size += len(binary)
                elif isinstance(binary, str):  # sent as its UTF-8 bytes
                    size += len(binary.encode("utf-8", "surrogatepass"))
    return size


def _failure(entry_id: str, error: SQSError) -> Result:
    return {
        "Id": entry_id,
        "SenderFault": error.kind.sender_fault,
        "Code": error.kind.code,
        "Message": error.message,
    }


def _batch_result(successful: list[Result], failed: list[Result]) -> Result:
    result: Result = {}
    if successful:
        result["Successful"] = successful
    if failed:
        result["Failed"] = failed
    return result


@action("SendMessageBatch")
def send_message_batch(sim: SQSSimulator, call: Call, params: Mapping[str, Any]) -> Result:
    """Whole-request errors (empty, >10, bad or repeated ids, over 1 MiB in total whatever the
    queue's limit) fail the call; per-message problems land in Failed with AWS's texts.
    """
    queue = sim.resolve(call, params.get("QueueUrl"))
    entries = validation.batch_entries(params, "SendMessageBatchRequestEntry")
    total = sum(_entry_size(entry) for entry in entries)
    if total > limits.MAX_BATCH_SIZE_BYTES:
        raise SQSError(errors.BATCH_TOO_LONG_TOTAL, size=total)
    if isinstance(queue, FifoQueue):
        # In a batch these two fail the whole request, and a missing group id is
        # InvalidParameterValue, not MissingParameter (§3.8, AWS-rec).
        for entry in entries:
            if entry.get("MessageGroupId") is None:
                raise SQSError(errors.BATCH_MISSING_GROUP_ID)
            if (
                entry.get("MessageDeduplicationId") is None
                and not queue.settings.content_based_deduplication
            ):
                raise SQSError(errors.FIFO_NO_DEDUPLICATION_ID)
    successful: list[Result] = []
    failed: list[Result] = []
    for entry in entries:  # enqueued in entry order (§3.8)
        try:
            message, delay = _new_message(sim, call, queue, entry, in_batch=True)
        except SQSError as error:
            failed.append(_failure(entry["Id"], error))
            continue
        successful.append({"Id": entry["Id"], **_enqueue(sim, call, queue, message, delay)})
    if successful:
        sim.notify_send()
    return _batch_result(successful, failed)


# -- receiving --------------------------------------------------------------

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
                _move_to_dead_letter_queue(queue, target, message, call.now)
            else:
                kept.append(message)
        taken = queue.take_visible(count - len(kept))
    sim.notify_send()
    return kept


def _move_to_dead_letter_queue(source: Queue, target: Queue, message: Message, now: float) -> None:
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
            return replay
    else:
        attempt_id = None  # standard queues ignore it

    if isinstance(queue, FifoQueue):
        if queue.in_flight_count >= limits.MAX_INFLIGHT_FIFO:
            return {}  # FIFO: no error, just nothing (§1.4)
    elif queue.in_flight_count >= limits.MAX_INFLIGHT_STANDARD:
        # Short polls are refused; long polls just find nothing (§1.4).
        if wait == 0:
            raise SQSError(errors.INFLIGHT_LIMIT)
        return {}
    count = maximum or 1
    taken = _take(sim, call, queue, count)
    if not taken and wait > 0:
        call, taken = sim.long_poll(call, queue, wait, lambda at: _take(sim, at, queue, count))
    if not taken:
        return {}
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


# -- deleting and changing visibility ----------------------------------------


def _message_for_handle(queue: Queue, handle: Any) -> Message | None:
    """The live message a receipt handle names (None once deleted or expired).

    On a FIFO queue the handle must also still be current: from the message's latest
    receive, with the message still in flight (Appendix A, AWS-rec for DeleteMessage).
    """
    if not isinstance(handle, str) or not handle:
        raise SQSError(errors.MISSING, param="ReceiptHandle")
    parsed = parse_receipt_handle(handle)
    if parsed is None:
        raise SQSError(errors.INVALID_RECEIPT_HANDLE, handle=handle)
    if parsed[0] != queue.uid:
        raise SQSError(errors.FOREIGN_RECEIPT_HANDLE, handle=handle)
    message = queue.messages.get(parsed[1])
    if (
        message is not None
        and isinstance(queue, FifoQueue)
        and (message.state is not MessageState.IN_FLIGHT or message.receive_count != parsed[2])
    ):
        raise SQSError(errors.RECEIPT_HANDLE_EXPIRED, handle=handle)
    return message


def _delete(queue: Queue, call: Call, handle: Any) -> None:
    message = _message_for_handle(queue, handle)
    # Standard queues accept stale handles: a message already gone is a success, and a
    # handle whose visibility expired still deletes (Appendix A, AWS-rec).
    if message is not None:
        queue.remove(message, call.now, Event.DELETED)


def _change_visibility(
    queue: Queue, call: Call, handle: Any, visibility: Any, *, in_batch: bool = False
) -> None:
    if isinstance(visibility, bool) or not isinstance(visibility, int):
        raise SQSError(errors.MISSING, param="VisibilityTimeout")
    # Each form words the range differently (EMU, Inqnuam).
    spec = errors.BATCH_VISIBILITY_RANGE if in_batch else errors.VISIBILITY_RANGE
    validation.in_range(visibility, 0, limits.MAX_VISIBILITY_TIMEOUT_S, spec)
    message = _message_for_handle(queue, handle)
    if message is None or message.state is MessageState.DELAYED or message.received_at is None:
        raise SQSError(errors.MESSAGE_NOT_AVAILABLE, handle=handle)
    # A message stays in flight at most 12 h from its receive; AWS refuses, not clips (§3.12).
    if call.now + visibility - message.received_at > limits.MAX_VISIBILITY_TIMEOUT_S:
        raise SQSError(errors.VISIBILITY_TOTAL, value=visibility)
    queue.set_visibility(message, call.now, visibility)


@action("DeleteMessage")
def delete_message(sim: SQSSimulator, call: Call, params: Mapping[str, Any]) -> Result:
    """Standard-queue receipt-handle rules of Appendix A: stale and expired handles still
    delete, a deleted message's handle succeeds again, garbage is ReceiptHandleIsInvalid
    (HTTP 404).
    """
    queue = sim.resolve(call, params.get("QueueUrl"))
    _delete(queue, call, params.get("ReceiptHandle"))
    return {}


@action("ChangeMessageVisibility")
def change_message_visibility(sim: SQSSimulator, call: Call, params: Mapping[str, Any]) -> Result:
    """The new timeout counts from the call; 0 shows the message at once; AWS's 12-hour cap
    from the receive is refused, not clipped; a deleted message is refused with AWS's text.
    """
    queue = sim.resolve(call, params.get("QueueUrl"))
    _change_visibility(queue, call, params.get("ReceiptHandle"), params.get("VisibilityTimeout"))
    return {}


def _per_entry(
    entries: list[Mapping[str, Any]], apply: Callable[[Mapping[str, Any]], None]
) -> Result:
    successful: list[Result] = []
    failed: list[Result] = []
    for entry in entries:
        try:
            apply(entry)
        except SQSError as error:
            failed.append(_failure(entry["Id"], error))
        else:
            successful.append({"Id": entry["Id"]})
    return _batch_result(successful, failed)


@action("DeleteMessageBatch")
def delete_message_batch(sim: SQSSimulator, call: Call, params: Mapping[str, Any]) -> Result:
    """DeleteMessage per entry; whole-request batch errors as AWS."""
    queue = sim.resolve(call, params.get("QueueUrl"))
    entries = validation.batch_entries(params, "DeleteMessageBatchRequestEntry")
    return _per_entry(entries, lambda entry: _delete(queue, call, entry.get("ReceiptHandle")))


@action("ChangeMessageVisibilityBatch")
def change_message_visibility_batch(
    sim: SQSSimulator, call: Call, params: Mapping[str, Any]
) -> Result:
    """ChangeMessageVisibility per entry; whole-request batch errors as AWS."""
    queue = sim.resolve(call, params.get("QueueUrl"))
    # "ChangeMessageVisibilityBatch", not "...RequestEntry" as the other two (EMU, Inqnuam).
    entries = validation.batch_entries(params, "ChangeMessageVisibilityBatch")
    return _per_entry(
        entries,
        lambda entry: _change_visibility(
            queue, call, entry.get("ReceiptHandle"), entry.get("VisibilityTimeout"), in_batch=True
        ),
    )
