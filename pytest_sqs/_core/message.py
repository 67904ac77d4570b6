"""The message record and its digests (sqs-behaviour.md §4.2, §7)."""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from struct import pack
from typing import Any


@dataclass(frozen=True, slots=True)
class AttributeValue:
    """One message attribute: its full data type and exactly one of the two values."""

    data_type: str
    string_value: str | None = None
    binary_value: bytes | None = None

    def render(self) -> dict[str, object]:
        """The attribute as botocore models it."""
        if self.binary_value is not None:
            return {"DataType": self.data_type, "BinaryValue": self.binary_value}
        return {"DataType": self.data_type, "StringValue": self.string_value}

    @property
    def size(self) -> int:
        """Bytes this value counts toward the message size (§1.4), without the name."""
        value = (
            len(self.binary_value)
            if self.binary_value is not None
            else len((self.string_value or "").encode("utf-8"))
        )
        return len(self.data_type.encode("utf-8")) + value


Attributes = Mapping[str, AttributeValue]


def md5_of_body(body: bytes) -> str:
    """MD5OfMessageBody / MD5OfBody: hex MD5 of the UTF-8 body (§7.2)."""
    return hashlib.md5(body).hexdigest()


def md5_of_attributes(attributes: Attributes) -> str:
    """MD5OfMessageAttributes over ``attributes`` in the byte layout of §7.3."""
    digest = hashlib.md5()
    for name in sorted(attributes, key=lambda n: n.encode("utf-8")):
        value = attributes[name]
        encoded_name = name.encode("utf-8")
        data_type = value.data_type.encode("utf-8")
        digest.update(pack(">I", len(encoded_name)) + encoded_name)
        digest.update(pack(">I", len(data_type)) + data_type)
        if value.binary_value is not None:
            digest.update(b"\x02" + pack(">I", len(value.binary_value)) + value.binary_value)
        else:
            raw = (value.string_value or "").encode("utf-8")
            digest.update(b"\x01" + pack(">I", len(raw)) + raw)
    return digest.hexdigest()


class MessageState(enum.Enum):
    """Where a live message is in its lifecycle (§4.1)."""

    DELAYED = "delayed"
    VISIBLE = "visible"
    IN_FLIGHT = "in_flight"
    # Taken by a receive that has not yet handed it out (or moved it); never seen outside
    # one call, but it keeps a FIFO group from offering the same message twice.
    TAKEN = "taken"


@dataclass(slots=True, eq=False)
class Message:
    """One message in one queue.  Mutable: the queue moves it between states.

    Times are epoch seconds (float); AWS reports them in ms on the wire.
    """

    message_id: str
    body: str
    md5_of_body: str
    attributes: dict[str, AttributeValue]
    md5_of_attributes: str | None
    system_attributes: dict[str, AttributeValue]
    md5_of_system_attributes: str | None
    sent_at: float
    enqueued_at: float  # start of retention; kept across a standard DLQ move (§4.1)
    sender_id: str
    group_id: str | None = None
    deduplication_id: str | None = None
    sequence_number: str | None = None
    dead_letter_source_arn: str | None = None
    state: MessageState = MessageState.VISIBLE
    receive_count: int = 0
    first_received_at: float | None = None
    received_at: float | None = None  # last receive: the 12 h in-flight cap counts from here
    visible_at: float = 0.0  # for DELAYED and IN_FLIGHT: when it becomes visible
    token: int = 0  # changes on every state change; stale heap entries carry an old one
    visibility_changes: int = 0  # ChangeMessageVisibility calls (ReceiveRequestAttemptId)
    live: bool = True
    history: list[RawEntry] = field(default_factory=list)
    size: int = 0  # body and attributes, in bytes, as sent (SentMessageSize)
    # When it arrived in its queue, and its receive count then (the age metric's).
    arrived_at: float = 0.0
    receives_before: int = 0


class Event(enum.Enum):
    """Lifecycle events recorded in a message's journal."""

    SENT = "sent"
    DELAY_ENDED = "delay ended"
    RECEIVED = "received"
    RECEIVE_RETRIED = "receive retried"
    VISIBILITY_CHANGED = "visibility changed"
    VISIBLE_AGAIN = "visible again"
    DELETED = "deleted"
    EXPIRED = "expired"
    PURGED = "purged"
    MOVED_TO_DEAD_LETTER_QUEUE = "moved to dead-letter queue"
    REDRIVEN = "redriven"  # left a dead-letter queue in a message move task
    REDRIVEN_FROM = "redriven from"  # arrived by a message move task, as a new message
    DUPLICATE_IGNORED = "duplicate ignored"
    QUEUE_DELETED = "queue deleted"
    # Chaos mode (chaos.py): faults injected on purpose, marked as such.
    DELETE_LOST = "delete lost (chaos)"  # visible again: it will be delivered again
    HELD_BACK = "held back (chaos)"  # left for a later receive: delivered out of order
    COPY_SURFACED = "copy visible while in flight (chaos)"  # a second consumer gets it


# A journal line as recorded: (time, event, detail arguments...).  Recording is on every
# receive's hot path, so the readable form is only built when someone reads it.
RawEntry = tuple[Any, ...]

_DETAILS = {
    Event.SENT: "delay {} s",
    Event.RECEIVED: "receive #{}, visibility {} s, handle {}",
    Event.RECEIVE_RETRIED: "same messages and handles again, visibility {} s",
    Event.VISIBILITY_CHANGED: "visibility {} s",
    Event.MOVED_TO_DEAD_LETTER_QUEUE: "{}",
    Event.REDRIVEN: "to {} as message {}",
    Event.REDRIVEN_FROM: "{}, where it was message {}",
    Event.DUPLICATE_IGNORED: "a send with the same deduplication id was accepted, not enqueued",
}


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """What happened to a message, and when (virtual epoch seconds)."""

    at: float
    event: Event
    detail: str = ""

    @classmethod
    def of(cls, raw: RawEntry) -> JournalEntry:
        at, event, *arguments = raw
        template = _DETAILS.get(event)
        return cls(at, event, template.format(*arguments) if template else "")
