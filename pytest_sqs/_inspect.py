"""Read-only views of simulated queues and their messages, for tests to look at.

A view reads the simulator each time it is asked, so it is never stale; looking
changes nothing (no receive counts, no visibility), it only applies timers that are
already due, as the next API call would.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from ._core import cloudwatch
from ._core.actions.dead_letters import dead_letter_sources
from ._core.actions.queues import render_attributes
from ._core.clock import to_epoch
from ._core.fifo import FifoQueue
from ._core.message import Event, JournalEntry, Message, MessageState
from ._core.metrics import METRICS
from ._core.move_tasks import settle_tasks
from ._core.queue import Queue
from ._core.simulator import SQSSimulator, region_of_url, split_queue_url


@dataclass(frozen=True, slots=True)
class MessageSnapshot:
    """A message as it was when the view was read.

    Times are timezone-aware UTC datetimes; ``visible_at`` is when a delayed or
    in-flight message becomes visible (``None`` for visible ones).
    """

    message_id: str
    body: str
    state: str  # "visible", "in_flight" or "delayed"
    receive_count: int
    sent_at: datetime
    visible_at: datetime | None
    message_attributes: dict[str, dict[str, Any]]
    message_group_id: str | None
    trace_header: str | None
    md5_of_body: str
    sequence_number: str | None = None  # FIFO
    deduplication_id: str | None = None  # FIFO
    dead_letter_source_arn: str | None = None  # in a dead-letter queue: where it came from

    @classmethod
    def of(cls, message: Message) -> MessageSnapshot:
        trace = message.system_attributes.get("AWSTraceHeader")
        return cls(
            message_id=message.message_id,
            body=message.body,
            state=message.state.value,
            receive_count=message.receive_count,
            sent_at=_utc(message.sent_at),
            visible_at=(
                None if message.state is MessageState.VISIBLE else _utc(message.visible_at)
            ),
            message_attributes={n: v.render() for n, v in message.attributes.items()},
            message_group_id=message.group_id,
            trace_header=trace.string_value if trace else None,
            md5_of_body=message.md5_of_body,
            sequence_number=message.sequence_number,
            deduplication_id=message.deduplication_id,
            dead_letter_source_arn=message.dead_letter_source_arn,
        )


@dataclass(frozen=True, slots=True)
class APICall:
    """One SQS call the code under test made, as the simulator saw it.

    ``response`` is the result (without ``ResponseMetadata``) or ``None`` if the call
    failed, in which case ``error`` is the AWS error code.
    """

    action: str
    params: dict[str, Any]
    at: datetime
    response: dict[str, Any] | None = None
    error: str | None = None

    @property
    def queue_url(self) -> str | None:
        url = self.params.get("QueueUrl")
        return url if isinstance(url, str) else None


@dataclass(frozen=True, slots=True)
class DeduplicationEntry:
    """A FIFO deduplication id still in its 5-minute window: a send with the same id (in
    the same group, if the queue deduplicates by group) is accepted but not enqueued."""

    deduplication_id: str
    message_group_id: str | None  # None when the scope is the whole queue
    message_id: str
    sequence_number: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One event in a message's life, at simulated time ``at``."""

    at: datetime
    event: str
    detail: str

    @classmethod
    def of(cls, entry: JournalEntry) -> HistoryEntry:
        return cls(_utc(entry.at), entry.event.value, entry.detail)


@dataclass(frozen=True, slots=True)
class Datapoint:
    """One period of a queue's CloudWatch metric, as CloudWatch aggregates it."""

    at: datetime  # the period's start (UTC)
    sum: float
    sample_count: float
    minimum: float
    maximum: float
    unit: str

    @property
    def average(self) -> float:
        return self.sum / self.sample_count


def _utc(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=timezone.utc)


def next_event_at(simulator: SQSSimulator) -> float | None:
    """When the next timer of any queue or running move task is due (epoch seconds),
    after applying every timer already due, so the answer is always in the future."""
    now = simulator.clock.now()
    if simulator.running_tasks:
        settle_tasks(simulator, now)
    for queue in simulator.queues():
        queue.settle(now)
    times = [t for q in simulator.queues() if (t := q.next_event_at()) is not None]
    times += [t for task in simulator.running_tasks if (t := task.next_step_at()) is not None]
    return min(times) if times else None


_STATES = ("visible", "in_flight", "delayed")


def _line(message: MessageSnapshot) -> str:
    extra = [f"id {message.message_id}", f"received {message.receive_count}x"]
    if message.visible_at is not None:
        extra.append(f"visible at {message.visible_at.isoformat(timespec='milliseconds')}")
    if message.message_group_id is not None:
        extra.append(f"group {message.message_group_id}")
    body = message.body if len(message.body) <= 60 else message.body[:57] + "..."
    return f"      {body!r} ({', '.join(extra)})"


class QueueView:
    """A live, read-only view of one simulated queue."""

    def __init__(self, simulator: SQSSimulator, account_id: str, region: str, name: str) -> None:
        self._simulator = simulator
        self.account_id = account_id
        self.region = region
        self.name = name

    @classmethod
    def find(
        cls,
        simulator: SQSSimulator,
        name_or_url: str,
        *,
        region: str,
        account_id: str | None = None,
    ) -> QueueView:
        url_account, name = split_queue_url(name_or_url)
        view = cls(
            simulator,
            account_id or url_account or simulator.account_id,
            region_of_url(name_or_url) or region,
            name,
        )
        view._queue()  # fail now, with the list of queues, if there is no such queue
        return view

    @classmethod
    def of(cls, simulator: SQSSimulator, queue: Queue) -> QueueView:
        return cls(simulator, queue.account_id, queue.region, queue.name)

    def _queue(self) -> Queue:
        """The queue, with every timer due by now applied (what the next call would see)."""
        __tracebackhide__ = True
        simulator = self._simulator
        with simulator.lock:
            now = simulator.clock.now()
            if simulator.running_tasks:
                settle_tasks(simulator, now)
            queue = simulator.find_queue(self.account_id, self.region, self.name)
            if queue is None:
                existing = sorted(q.url for q in simulator.queues()) or ["(none)"]
                raise LookupError(
                    f"no queue named {self.name!r} in account {self.account_id}, region "
                    f"{self.region}. Queues that exist: {', '.join(existing)}"
                )
            queue.settle(now)
            return queue

    def __repr__(self) -> str:
        return f"<QueueView {self.url}>"

    @property
    def url(self) -> str:
        return self._queue().url

    @property
    def arn(self) -> str:
        return self._queue().arn

    @property
    def attributes(self) -> dict[str, str]:
        """Every attribute, as ``GetQueueAttributes(AttributeNames=["All"])`` returns them."""
        with self._simulator.lock:
            return render_attributes(self._queue(), ["All"])

    @property
    def tags(self) -> dict[str, str]:
        with self._simulator.lock:
            return dict(self._queue().tags)

    def metrics(
        self,
        name: str,
        *,
        period: int = 60,
        start: datetime | float | None = None,
        end: datetime | float | None = None,
    ) -> list[Datapoint]:
        """The queue's CloudWatch metric ``name`` (``AWS/SQS``), oldest period first, as
        GetMetricStatistics would aggregate it, but with every minute kept: no retention,
        no limit on datapoints.  A minute's datapoint exists once the minute is over.

        Args:
            name: e.g. "ApproximateAgeOfOldestMessage", "NumberOfMessagesSent".
            period: seconds per datapoint, a multiple of 60.
            start: the first period's start (datetime or epoch seconds); default: when
                the queue's name was first created.
            end: where the last period stops; default: now.
        """
        if name not in METRICS:
            raise ValueError(f"{name!r} is not an AWS/SQS metric; they are: {', '.join(METRICS)}")
        if period <= 0 or period % 60:
            raise ValueError(f"period must be a positive multiple of 60 seconds, not {period!r}")
        simulator = self._simulator
        with simulator.lock:
            queue = self._queue()
            record = queue.metrics
            now = simulator.clock.now()
            begin = record.first_minute * 60.0 if start is None else to_epoch(start)
            stop = now if end is None else to_epoch(end)
            return [
                Datapoint(_utc(at), s.sum, s.sample_count, s.minimum, s.maximum, METRICS[name].unit)
                for at, s in cloudwatch.datapoints(record, name, begin, stop, period, now)
            ]

    def _snapshots(self, state: MessageState | None) -> tuple[MessageSnapshot, ...]:
        with self._simulator.lock:
            queue = self._queue()
            if state is MessageState.VISIBLE:
                return tuple(MessageSnapshot.of(m) for m in queue.ready_order())
            chosen = [m for m in queue.iter_messages() if state is None or m.state is state]
            chosen.sort(key=lambda m: (m.visible_at, m.sent_at))
            return tuple(MessageSnapshot.of(m) for m in chosen)

    @property
    def visible(self) -> tuple[MessageSnapshot, ...]:
        """Visible messages, in the order receives would return them (FIFO: then the
        visible messages of locked groups, which AWS counts as visible too)."""
        return self._snapshots(MessageState.VISIBLE)

    @property
    def in_flight(self) -> tuple[MessageSnapshot, ...]:
        """Received messages not yet deleted, soonest visible again first."""
        return self._snapshots(MessageState.IN_FLIGHT)

    @property
    def delayed(self) -> tuple[MessageSnapshot, ...]:
        """Messages still in their delay, soonest visible first."""
        return self._snapshots(MessageState.DELAYED)

    @property
    def messages(self) -> tuple[MessageSnapshot, ...]:
        """Every message in the queue, whatever its state."""
        return self._snapshots(None)

    @property
    def dlq(self) -> QueueView | None:
        """The dead-letter queue this queue's RedrivePolicy names, if it has one."""
        with self._simulator.lock:
            policy = self._queue().redrive
            target = None if policy is None else self._simulator.queue_by_arn(policy.target_arn)
        return None if target is None else QueueView.of(self._simulator, target)

    @property
    def dead_letter_sources(self) -> list[QueueView]:
        """The queues whose RedrivePolicy names this queue, by name."""
        with self._simulator.lock:
            sources = dead_letter_sources(self._simulator, self._queue())
        return [QueueView.of(self._simulator, q) for q in sorted(sources, key=lambda q: q.name)]

    @property
    def fifo(self) -> bool:
        return self._queue().settings.fifo

    def _fifo_queue(self) -> FifoQueue:
        __tracebackhide__ = True
        queue = self._queue()
        if not isinstance(queue, FifoQueue):
            raise TypeError(f"{self.name} is a standard queue: message groups are FIFO-only")
        return queue

    @property
    def groups(self) -> dict[str, tuple[MessageSnapshot, ...]]:
        """FIFO: each message group's messages (every state) in delivery order."""
        with self._simulator.lock:
            return {
                group_id: tuple(MessageSnapshot.of(m) for m in messages)
                for group_id, messages in self._fifo_queue().group_contents().items()
            }

    @property
    def locked_groups(self) -> dict[str, str]:
        """FIFO: groups that receives skip, with the in-flight message at their head that
        holds them (deleting it, or its visibility timeout ending, releases the group)."""
        with self._simulator.lock:
            return {
                group_id: messages[0].message_id
                for group_id, messages in self._fifo_queue().group_contents().items()
                if messages[0].state is MessageState.IN_FLIGHT
            }

    @property
    def deduplication(self) -> tuple[DeduplicationEntry, ...]:
        """FIFO: deduplication ids still in their window, oldest first."""
        with self._simulator.lock:
            records = self._fifo_queue().dedup_records(self._simulator.clock.now())
        return tuple(
            DeduplicationEntry(
                r.deduplication_id,
                r.group_id,
                r.message_id,
                r.sequence_number,
                _utc(r.expires_at),
            )
            for r in sorted(records, key=lambda r: r.expires_at)
        )

    # -- assertions ------------------------------------------------------------------

    def describe(self) -> str:
        """The queue's messages by state, as failure messages show them."""
        lines = [f"  {self.name} ({self.url})"]
        for label, messages in (
            ("visible", self.visible),
            ("in flight", self.in_flight),
            ("delayed", self.delayed),
        ):
            lines.append(f"    {label} ({len(messages)}):")
            lines.extend(_line(m) for m in messages)
        return "\n".join(lines)

    def assert_empty(self) -> None:
        """Assert the queue holds no message in any state."""
        __tracebackhide__ = True
        count = len(self.messages)
        if count:
            raise AssertionError(
                f"expected queue {self.name!r} to be empty, but it holds {count} "
                f"message(s):\n{self.describe()}"
            )

    def assert_contains(
        self,
        body: str | None = None,
        *,
        predicate: Callable[[MessageSnapshot], object] | None = None,
        state: str | None = None,
        count: int | None = None,
    ) -> list[MessageSnapshot]:
        """Assert the queue holds a message with this body (and/or matching ``predicate``).

        Args:
            body: the exact body wanted.
            predicate: a test on each MessageSnapshot.
            state: only count messages in this state: "visible", "in_flight", "delayed".
            count: how many must match exactly (default: at least one).

        Returns the matching snapshots.
        """
        __tracebackhide__ = True
        if body is None and predicate is None:
            raise TypeError("assert_contains needs a body or a predicate")
        if state is not None and state not in _STATES:
            raise ValueError(f"state must be one of {_STATES}, not {state!r}")
        matching = [
            m
            for m in self.messages
            if (body is None or m.body == body)
            and (predicate is None or predicate(m))
            and (state is None or m.state == state)
        ]
        if (count is None and matching) or len(matching) == count:
            return matching
        wanted = " ".join(
            part
            for part in (
                "at least one message" if count is None else f"exactly {count} message(s)",
                f"with body {body!r}" if body is not None else "",
                "matching the predicate" if predicate is not None else "",
                f"in state {state!r}" if state is not None else "",
            )
            if part
        )
        raise AssertionError(
            f"expected queue {self.name!r} to contain {wanted}, but {len(matching)} "
            f"match(es). The queue holds:\n{self.describe()}"
        )

    def bodies(self) -> list[str]:
        """The bodies of every message in the queue (visible ones first, in order)."""
        return [m.body for m in self.visible] + [
            m.body for m in self.messages if m.state != MessageState.VISIBLE.value
        ]

    def history(self, message_id: str) -> list[HistoryEntry]:
        """What happened to a message in this queue, oldest first."""
        __tracebackhide__ = True
        with self._simulator.lock:
            journal = self._queue().history(message_id)
        if journal is None:
            raise LookupError(
                f"no history of message {message_id} in queue {self.name}: it was never "
                "there, or it left long ago (journals are kept for the 100,000 most recent "
                "departures)"
            )
        return [HistoryEntry.of(entry) for entry in journal]


__all__ = ["APICall", "DeduplicationEntry", "Event", "HistoryEntry", "MessageSnapshot", "QueueView"]
