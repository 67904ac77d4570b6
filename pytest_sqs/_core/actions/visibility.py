"""Receipt handles at work: DeleteMessage(Batch) and ChangeMessageVisibility(Batch)
(sqs-behaviour.md §3.10–3.13, Appendix A)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .. import errors, limits, validation
from ..errors import SQSError
from ..fifo import FifoQueue
from ..message import Event, Message, MessageState
from ..queue import Queue, parse_receipt_handle
from . import Result, action
from .batch import per_entry

if TYPE_CHECKING:
    from ..simulator import Call, SQSSimulator


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


def _delete(sim: SQSSimulator, queue: Queue, call: Call, handle: Any) -> None:
    message = _message_for_handle(queue, handle)
    # Standard queues accept stale handles: a message already gone is a success, and a
    # handle whose visibility expired still deletes (Appendix A, AWS-rec).
    queue.metrics.add("NumberOfMessagesDeleted", call.now)  # duplicate deletes too (AWS)
    if message is None:
        return
    chaos = sim.chaos
    if (
        chaos is not None
        and message.state is MessageState.IN_FLIGHT
        and chaos.applies(queue.name, queue.settings.fifo)
        and chaos.happens(chaos.settings.duplicate, queue.name)
    ):
        # A server holding a copy missed the delete: the copy is delivered again
        # (at-least-once); the call still succeeds.
        queue.lose_delete(message, call.now)
        chaos.faults += 1
        return
    queue.remove(message, call.now, Event.DELETED)
    queue.compact()


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
    _delete(sim, queue, call, params.get("ReceiptHandle"))
    return {}


@action("ChangeMessageVisibility")
def change_message_visibility(sim: SQSSimulator, call: Call, params: Mapping[str, Any]) -> Result:
    """The new timeout counts from the call; 0 shows the message at once; AWS's 12-hour cap
    from the receive is refused, not clipped; a deleted message is refused with AWS's text.
    """
    queue = sim.resolve(call, params.get("QueueUrl"))
    _change_visibility(queue, call, params.get("ReceiptHandle"), params.get("VisibilityTimeout"))
    return {}


@action("DeleteMessageBatch")
def delete_message_batch(sim: SQSSimulator, call: Call, params: Mapping[str, Any]) -> Result:
    """DeleteMessage per entry; whole-request batch errors as AWS."""
    queue = sim.resolve(call, params.get("QueueUrl"))
    entries = validation.batch_entries(params, "DeleteMessageBatchRequestEntry")
    return per_entry(entries, lambda entry: _delete(sim, queue, call, entry.get("ReceiptHandle")))


@action("ChangeMessageVisibilityBatch")
def change_message_visibility_batch(
    sim: SQSSimulator, call: Call, params: Mapping[str, Any]
) -> Result:
    """ChangeMessageVisibility per entry; whole-request batch errors as AWS."""
    queue = sim.resolve(call, params.get("QueueUrl"))
    # "ChangeMessageVisibilityBatch", not "...RequestEntry" as the other two (EMU, Inqnuam).
    entries = validation.batch_entries(params, "ChangeMessageVisibilityBatch")
    return per_entry(
        entries,
        lambda entry: _change_visibility(
            queue, call, entry.get("ReceiptHandle"), entry.get("VisibilityTimeout"), in_batch=True
        ),
    )
