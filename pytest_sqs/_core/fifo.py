"""FIFO queues: message groups, group locking, deduplication, sequence numbers and
receive-attempt replay (sqs-behaviour.md §5).

The ready structure of a standard queue is replaced by:

- ``_groups``: every live message of each group, in send order (a deque; messages that
  left are dropped from the head lazily, and can only leave from near the head);
- ``_available``: the groups whose head message is visible, in the order they became
  available (an ``OrderedDict`` used as an ordered set; entries are checked when taken).

A group is available exactly when its head — its oldest message still in the queue — is
visible; a receive takes consecutive visible messages from the head and stops at the first
one that is not (§5.2).  Nothing here scans a queue or a group beyond the messages a call
returns.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict, deque
from dataclasses import dataclass
from typing import Any

from . import limits
from .message import Event, Message, MessageState
from .queue import Queue

FIRST_SEQUENCE_NUMBER = 18_000_000_000_000_000_000  # AWS's are 20-digit decimal strings


@dataclass(frozen=True, slots=True)
class DedupRecord:
    """A deduplication id seen in the window: the message it let through, until when."""

    deduplication_id: str
    group_id: str | None  # set when the scope is the message group
    message_id: str
    sequence_number: str
    expires_at: float


@dataclass(slots=True)
class ReceiveAttempt:
    """What a ReceiveMessage with a ReceiveRequestAttemptId returned, for a retry."""

    expires_at: float
    messages: list[tuple[Message, int, int]]  # message, its receive count, its changes
    rendered: list[dict[str, Any]]


def content_deduplication_id(body: str) -> str:
    """The id content-based deduplication derives: hex SHA-256 of the body (§5.1)."""
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


class FifoQueue(Queue):
    """A FIFO queue: strict order per message group, exactly-once sends."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._groups: dict[str, deque[Message]] = {}
        self._available: OrderedDict[str, None] = OrderedDict()
        self._visible = 0
        self._last_sequence = FIRST_SEQUENCE_NUMBER
        # Changing DeduplicationScope later does not change deduplication (§2, AWS-rec).
        self.dedup_by_group = self.settings.deduplication_scope == "messageGroup"
        self._dedup: dict[tuple[str | None, str], DedupRecord] = {}
        self._dedup_order: deque[DedupRecord] = deque()
        self._attempts: dict[str, ReceiveAttempt] = {}
        self._attempt_order: deque[tuple[float, str]] = deque()
        self._in_flight_by_group: dict[str, int] = {}

    # -- the ready structure --------------------------------------------------------

    @property
    def visible_count(self) -> int:
        # Visible messages in locked groups count too (§5.2, AWS-rec).
        return self._visible

    def _head(self, group_id: str) -> Message | None:
        group = self._groups.get(group_id)
        while group and not group[0].live:
            group.popleft()
        if not group:
            self._groups.pop(group_id, None)
            return None
        return group[0]

    def _offer(self, group_id: str) -> None:
        """Make the group available if its head is visible (at the back of the order)."""
        head = self._head(group_id)
        if head is not None and head.state is MessageState.VISIBLE:
            self._available.setdefault(group_id)

    def _show(self, message: Message, *, front: bool) -> None:
        # Order within a group is send order, whatever ``front`` says; the group joins
        # the back of the group order once its head is visible again.
        self._visible += 1
        assert message.group_id is not None
        self._offer(message.group_id)

    def _hide(self, message: Message) -> None:
        self._visible -= 1

    groups_tracked = True

    def _group_flight(self, message: Message, delta: int) -> None:
        assert message.group_id is not None
        by_group = self._in_flight_by_group
        count = by_group.get(message.group_id, 0) + delta
        if count:
            by_group[message.group_id] = count
        else:
            del by_group[message.group_id]

    @property
    def groups_in_flight(self) -> int:
        return len(self._in_flight_by_group)

    def _gone(self, message: Message) -> None:
        assert message.group_id is not None
        self._offer(message.group_id)

    def _show_returning(self, returning: list[tuple[float, Message]]) -> None:
        # In the order the timeouts ended, so groups come back in that order.
        for at, message in returning:
            self._to_ready(message, at, Event.VISIBLE_AGAIN, front=False)

    # A FIFO queue's DelaySeconds is retroactive for messages still delayed (§2, doc):
    # delayed entries are keyed by when their delay started, and the queue's current delay
    # is added when they are compared with now.
    def _delay_key(self, now: float, delay_s: int) -> float:
        return now

    def _delay_shift(self) -> float:
        return float(self.settings.delay_seconds)

    def add(self, message: Message, now: float, delay_s: int, *, journal: bool = True) -> None:
        assert message.group_id is not None
        self._groups.setdefault(message.group_id, deque()).append(message)
        super().add(message, now, delay_s, journal=journal)

    def take_visible(self, count: int) -> list[Message]:
        """Consecutive visible messages from the heads of available groups, group by group,
        each group's run stopping at its first message that is not visible (§5.2)."""
        taken: list[Message] = []
        available = self._available
        while available and len(taken) < count:
            group_id = available.popitem(last=False)[0]
            group = self._groups.get(group_id)
            if not group:
                continue
            for message in group:
                if not message.live:
                    continue
                if message.state is not MessageState.VISIBLE:
                    break
                self._visible -= 1
                message.state = MessageState.TAKEN
                taken.append(message)
                if len(taken) == count:
                    break
        return taken

    def peek_visible(self) -> Message | None:
        for group_id in self._available:
            head = self._head(group_id)
            if head is not None and head.state is MessageState.VISIBLE:
                return head
        return None

    def _reset_ready(self) -> None:
        self._groups = {}
        self._available = OrderedDict()
        self._visible = 0

    def purge(self, now: float) -> None:
        super().purge(now)
        self._in_flight_by_group = {}
        # PurgeQueue also forgets the deduplication history (§3.14, AWS-rec).
        self._dedup.clear()
        self._dedup_order.clear()

    # -- sending --------------------------------------------------------------------

    def next_sequence_number(self, step: int) -> str:
        """A 20-digit sequence number, strictly increasing in send order (§1.3)."""
        self._last_sequence += step
        return f"{self._last_sequence:020d}"

    def _expire_dedup(self, now: float) -> None:
        order = self._dedup_order
        while order and order[0].expires_at <= now:
            record = order.popleft()
            key = (record.group_id, record.deduplication_id)
            if self._dedup.get(key) is record:
                del self._dedup[key]

    def duplicate_of(self, deduplication_id: str, group_id: str, now: float) -> DedupRecord | None:
        """The earlier send this one duplicates within the 5-minute window, if any (§5.1)."""
        self._expire_dedup(now)
        return self._dedup.get((group_id if self.dedup_by_group else None, deduplication_id))

    def remember(self, message: Message, now: float) -> None:
        """Open the deduplication window for a message just accepted."""
        assert message.deduplication_id is not None and message.sequence_number is not None
        record = DedupRecord(
            deduplication_id=message.deduplication_id,
            group_id=message.group_id if self.dedup_by_group else None,
            message_id=message.message_id,
            sequence_number=message.sequence_number,
            expires_at=now + limits.DEDUPLICATION_WINDOW_S,
        )
        self._dedup[(record.group_id, record.deduplication_id)] = record
        self._dedup_order.append(record)

    # -- receive attempts -----------------------------------------------------------

    def attempt(self, attempt_id: str, now: float) -> ReceiveAttempt | None:
        order = self._attempt_order
        while order and order[0][0] <= now:
            expires_at, old_id = order.popleft()
            if self._attempts.get(old_id) and self._attempts[old_id].expires_at == expires_at:
                del self._attempts[old_id]
        return self._attempts.get(attempt_id)

    def remember_attempt(
        self, attempt_id: str, now: float, messages: list[Message], rendered: list[dict[str, Any]]
    ) -> None:
        expires_at = now + limits.RECEIVE_ATTEMPT_WINDOW_S
        self._attempts[attempt_id] = ReceiveAttempt(
            expires_at,
            [(m, m.receive_count, m.visibility_changes) for m in messages],
            rendered,
        )
        self._attempt_order.append((expires_at, attempt_id))

    def restart_flight(self, message: Message, now: float, visibility_s: int) -> None:
        """A retried receive hands the same message out again: its timeout restarts from
        now, and this is not a visibility change by the caller."""
        if message.state is MessageState.VISIBLE:
            self._hide(message)  # its timeout had ended; its group's entry goes stale
        elif message.state is MessageState.IN_FLIGHT:
            self.in_flight_count -= 1
            self._group_flight(message, -1)
        message.history.append((now, Event.RECEIVE_RETRIED, visibility_s))
        self._fly(message, now, visibility_s)

    # -- inspection -----------------------------------------------------------------

    def group_contents(self) -> dict[str, list[Message]]:
        """Every group's live messages in send order (inspection; O(n))."""
        return {
            group_id: [m for m in group if m.live]
            for group_id, group in self._groups.items()
            if any(m.live for m in group)
        }

    def dedup_records(self, now: float) -> list[DedupRecord]:
        self._expire_dedup(now)
        return list(self._dedup.values())

    def ready_order(self) -> Any:
        """Visible messages in the order receives would return them, then visible messages
        of locked groups (counted as visible by AWS, but not receivable yet)."""
        seen: set[str] = set()
        for group_id in list(self._available):
            group = self._groups.get(group_id, deque())
            for message in group:
                if not message.live:
                    continue
                if message.state is not MessageState.VISIBLE:
                    break
                seen.add(message.message_id)
                yield message
        for group in self._groups.values():
            for message in group:
                visible = message.live and message.state is MessageState.VISIBLE
                if visible and message.message_id not in seen:
                    yield message
