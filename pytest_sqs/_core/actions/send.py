"""Sending: SendMessage and SendMessageBatch (sqs-behaviour.md §3.7, §3.8, §5.1)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .. import errors, limits, validation
from ..errors import SQSError
from ..fifo import FifoQueue, content_deduplication_id
from ..message import Event, Message, md5_of_attributes, md5_of_body
from ..queue import Queue
from . import Result, action
from .batch import batch_result, failure

if TYPE_CHECKING:
    from ..simulator import Call, SQSSimulator


def _new_message(
    sim: SQSSimulator, call: Call, queue: Queue, entry: Mapping[str, Any], *, in_batch: bool
) -> tuple[Message, int]:
    """Validate one message to send (§3.7, §5.1); return it and its delay in seconds."""
    body = validation.body(entry.get("MessageBody"), in_batch=in_batch)
    user_attributes = validation.message_attributes(entry.get("MessageAttributes"))
    limit = queue.settings.maximum_message_size
    size = len(body) + validation.attributes_size(user_attributes)
    if size > limit:
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
        size=size,
    )
    return message, queue.settings.delay_seconds if delay is None else delay


def _enqueue(sim: SQSSimulator, call: Call, queue: Queue, message: Message, delay: int) -> Result:
    """Add a validated message; return what the send answers (§3.7, §5.1)."""
    result = _send_result(message)
    if not isinstance(queue, FifoQueue):
        queue.add(message, call.now, delay)
        queue.metrics.sent(call.now, message.size)
        return result
    assert message.deduplication_id is not None and message.group_id is not None
    original = queue.duplicate_of(message.deduplication_id, message.group_id, call.now)
    if original is not None:
        # Accepted, not enqueued; answers with the first send's MessageId and
        # SequenceNumber (§5.1), but the digests of what was sent now.
        kept = queue.messages.get(original.message_id)
        if kept is not None:
            kept.history.append((call.now, Event.DUPLICATE_IGNORED))
        result["MessageId"] = original.message_id
        result["SequenceNumber"] = original.sequence_number
        queue.metrics.deduplicated(call.now)
        return result
    message.sequence_number = queue.next_sequence_number(sim.rng.randint(1, 1 << 20))
    queue.add(message, call.now, delay)
    queue.remember(message, call.now)
    queue.metrics.sent(call.now, message.size)
    result["SequenceNumber"] = message.sequence_number
    return result


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
            failed.append(failure(entry["Id"], error))
            continue
        successful.append({"Id": entry["Id"], **_enqueue(sim, call, queue, message, delay)})
    if successful:
        sim.notify_send()
    return batch_result(successful, failed)
