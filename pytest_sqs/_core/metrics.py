"""The CloudWatch metrics SQS publishes for each queue (namespace ``AWS/SQS``), recorded
at one-minute resolution on the simulator's clock (sqs-behaviour.md, CloudWatch metrics).

Counts (sends, receives, deletes...) are added to the minute they happen in.  The
``Approximate...`` gauges are sampled once a minute, at the minute's end, from counters
the queue keeps anyway.  A queue's state only changes at its own timers and calls, so the
samples are recorded lazily, as steps: one entry per change, not one per minute, and
time travel over days costs nothing.  Nothing here scans a queue.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

MINUTE = 60
# "A queue is considered active for up to six hours if it contains any messages or if any
# action accesses it"; inactive queues publish nothing (AWS docs).
ACTIVE_AFTER_ACCESS_S = 6 * 3600
# After three receives without a delete, a standard queue's message no longer counts
# toward ApproximateAgeOfOldestMessage (AWS docs: it moves to the back of the queue).
AGE_RECEIVE_LIMIT = 3

NAMESPACE = "AWS/SQS"
DIMENSION = "QueueName"


class MetricInfo(NamedTuple):
    """One AWS/SQS metric: its unit, how it is recorded, and when it is reported."""

    unit: str
    kind: str  # "gauge" (sampled each minute), "count" or "size" (added per event)
    fifo_only: bool = False


METRICS: dict[str, MetricInfo] = {
    "ApproximateAgeOfOldestMessage": MetricInfo("Seconds", "gauge"),
    "ApproximateNumberOfGroupsWithInflightMessages": MetricInfo("Count", "gauge", True),
    "ApproximateNumberOfMessagesDelayed": MetricInfo("Count", "gauge"),
    "ApproximateNumberOfMessagesNotVisible": MetricInfo("Count", "gauge"),
    "ApproximateNumberOfMessagesVisible": MetricInfo("Count", "gauge"),
    "NumberOfDeduplicatedSentMessages": MetricInfo("Count", "count", True),
    "NumberOfEmptyReceives": MetricInfo("Count", "count"),
    "NumberOfMessagesDeleted": MetricInfo("Count", "count"),
    "NumberOfMessagesReceived": MetricInfo("Count", "count"),
    "NumberOfMessagesSent": MetricInfo("Count", "count"),
    "SentMessageSize": MetricInfo("Bytes", "size"),
}
# Reported only in minutes when they happened (AWS: "reported if duplicates are
# detected"; SentMessageSize only once a message is sent); other counts are reported as 0
# in every minute the queue is active.
_ONLY_WHEN_SEEN = frozenset({"NumberOfDeduplicatedSentMessages", "SentMessageSize"})


@dataclass(slots=True)
class Stat:
    """A statistic set: what CloudWatch keeps of the samples in one period."""

    sum: float
    sample_count: float
    minimum: float
    maximum: float

    @classmethod
    def of(cls, value: float) -> Stat:
        return cls(value, 1.0, value, value)

    def add(self, other: Stat) -> None:
        self.sum += other.sum
        self.sample_count += other.sample_count
        self.minimum = min(self.minimum, other.minimum)
        self.maximum = max(self.maximum, other.maximum)

    @property
    def average(self) -> float:
        return self.sum / self.sample_count


class Gauges(NamedTuple):
    """A queue's state as the gauges see it.  The oldest message is kept as the time
    its age counts from, so the state does not change as it ages."""

    visible: int
    not_visible: int
    delayed: int
    oldest_at: float | None
    groups_in_flight: int

    @property
    def messages(self) -> int:
        return self.visible + self.not_visible + self.delayed


class QueueMetrics:
    """The record of one queue name in one account and region.

    It outlives the queue, as CloudWatch keeps a deleted queue's data, and a queue created
    again under the name continues it (the ``QueueName`` dimension is all that names it).
    """

    def __init__(self, name: str, fifo: bool, now: float) -> None:
        self.name = name
        self.fifo = fifo
        self.first_minute = int(now // MINUTE)
        self.accessed_at = now
        self._counts: dict[int, dict[str, int]] = {}  # minute -> count metric -> events
        self._sizes: dict[int, Stat] = {}  # minute -> SentMessageSize's statistic set
        self._count_minutes: list[int] = []  # the keys of ``_counts``, in order
        self._minute = -1  # the minute of ``_bucket``, the one counted in last
        self._bucket_from = self._bucket_to = 0.0  # its bounds, in seconds
        self._bucket: dict[str, int] = {}
        self._size: Stat | None = None  # the minute's SentMessageSize
        # The minutes each metric reported only when it happens was counted in, in order.
        self._seen: dict[str, list[int]] = {m: [] for m in _ONLY_WHEN_SEEN}
        # Gauge samples as steps: from minute ``_starts[i]`` on, every minute's sample is
        # ``_steps[i]`` (``None``: the queue was inactive or gone, nothing published).
        self._starts: list[int] = []
        self._steps: list[Gauges | None] = []
        self._sampled_to = self.first_minute  # minutes before it are sampled
        self.next_sample_at = float((self._sampled_to + 1) * MINUTE)  # when one more ends

    # -- recording ------------------------------------------------------------

    def reopen(self, fifo: bool, now: float) -> None:
        """A queue of this name was created again."""
        self.fifo = fifo
        self.accessed_at = now
        self._sample_to(max(self._sampled_to, int(now // MINUTE)))

    def add(self, metric: str, now: float, events: int = 1) -> None:
        """Count ``events`` (sends, receives, deletes...) in the minute of ``now``.
        On every call's path: the current minute's bucket is kept at hand."""
        if not self._bucket_from <= now < self._bucket_to:
            self._roll(now)
        bucket = self._bucket
        bucket[metric] = bucket.get(metric, 0) + events

    def deduplicated(self, now: float) -> None:
        """A FIFO send was accepted as a duplicate and not enqueued."""
        self.add("NumberOfDeduplicatedSentMessages", now)
        self._see("NumberOfDeduplicatedSentMessages", self._minute)

    def sent(self, now: float, size: float) -> None:
        """A message was sent: one more NumberOfMessagesSent, one SentMessageSize sample."""
        if not self._bucket_from <= now < self._bucket_to:
            self._roll(now)
        bucket = self._bucket
        bucket["NumberOfMessagesSent"] = bucket.get("NumberOfMessagesSent", 0) + 1
        stat = self._size
        size = float(size)  # CloudWatch's values are doubles
        if stat is None:
            stat = self._size = self._sizes[self._minute] = Stat(size, 1.0, size, size)
            self._see("SentMessageSize", self._minute)
            return
        stat.sum += size
        stat.sample_count += 1
        if size < stat.minimum:
            stat.minimum = size
        elif size > stat.maximum:
            stat.maximum = size

    def _roll(self, now: float) -> None:
        """Counting moves to another minute (the next one, as time goes forward)."""
        minute = int(now // MINUTE)
        self._minute = minute
        self._bucket_from, self._bucket_to = minute * MINUTE, (minute + 1) * MINUTE
        bucket = self._counts.get(minute)
        if bucket is None:
            bucket = self._counts[minute] = {}
            bisect.insort(self._count_minutes, minute)  # at the end, but for stragglers
        self._bucket = bucket
        self._size = self._sizes.get(minute)

    def _see(self, metric: str, minute: int) -> None:
        seen = self._seen[metric]
        if not seen or seen[-1] != minute:
            seen.append(minute)

    def sample(self, t: float, gauges: Gauges) -> None:
        """Record the samples of every minute that ended by ``t``, during which the queue
        was in state ``gauges`` (the caller samples before each change)."""
        end = int(t // MINUTE)
        start = self._sampled_to
        if end <= start:
            return
        self._sample_to(end)
        if gauges.messages:
            self._step(start, gauges)
            return
        # An empty queue stays active for six hours after it was last accessed; the
        # sample of minute m is taken at its end, (m + 1) * MINUTE.
        last_active = math.floor((self.accessed_at + ACTIVE_AFTER_ACCESS_S) / MINUTE) - 1
        if last_active >= start:
            self._step(start, gauges)
        if last_active + 1 < end:
            self._step(max(start, last_active + 1), None)

    def close(self, now: float, gauges: Gauges) -> None:
        """The queue was deleted at ``now``: its last minute is published, then nothing."""
        self.sample(now, gauges)
        minute = int(now // MINUTE)
        if now > minute * MINUTE and minute >= self._sampled_to:  # it lived in this minute
            self._step(minute, gauges)
            minute += 1
        self._step(minute, None)
        self._sample_to(max(self._sampled_to, minute))

    def _sample_to(self, minute: int) -> None:
        self._sampled_to = minute
        self.next_sample_at = float((minute + 1) * MINUTE)

    def _step(self, minute: int, gauges: Gauges | None) -> None:
        if self._steps and self._steps[-1] == gauges:
            return
        if self._starts and self._starts[-1] == minute:
            self._steps[-1] = gauges
            return
        self._starts.append(minute)
        self._steps.append(gauges)

    # -- reading --------------------------------------------------------------

    def published_since(self, metric: str, since: float) -> bool:
        """Whether the metric has a datapoint at or after ``since`` (ListMetrics)."""
        info = METRICS[metric]
        if info.fifo_only and not self.fifo:
            return False
        first = max(int(since // MINUTE), self.first_minute)
        seen = self._seen.get(metric)
        if seen is not None:  # a minute it was counted in, and that is over
            index = bisect.bisect_left(seen, first)
            return index < len(seen) and seen[index] < self._sampled_to
        # Other counts are reported (0 too) in every minute the queue is active.
        probe = metric if info.kind == "gauge" else "ApproximateNumberOfMessagesVisible"
        return any(True for _ in self._sampled(probe, first, self._sampled_to, once=True))

    def minutes(self, metric: str, first: int, last: int) -> Iterator[tuple[int, Stat]]:
        """The metric's one-minute datapoints for minutes ``first`` to ``last - 1``."""
        if METRICS[metric].kind == "gauge":
            return (
                (m, Stat.of(value))
                for m, value in self._sampled(metric, first, min(last, self._sampled_to))
            )
        return self._counted(metric, first, last)

    def _sampled(
        self, metric: str, first: int, last: int, *, once: bool = False
    ) -> Iterator[tuple[int, float]]:
        """A gauge's samples, step by step (``once``: the first sample of each step)."""
        for begin, end, gauges in self._runs(metric, first, last):
            for m in range(begin, begin + 1 if once else end):
                value = _gauge(metric, gauges, (m + 1) * MINUTE)
                assert value is not None
                yield m, value

    def _counted(self, metric: str, first: int, last: int) -> Iterator[tuple[int, Stat]]:
        if metric == "SentMessageSize":
            for m in range(first, last):
                stat = self._sizes.get(m)
                if stat is not None:
                    yield m, Stat(stat.sum, stat.sample_count, stat.minimum, stat.maximum)
            return
        only_seen = metric in _ONLY_WHEN_SEEN
        for m in range(first, last):
            events = self._counts.get(m, {}).get(metric)
            if events is not None:
                yield m, Stat.of(float(events))
            elif not only_seen and m < self._sampled_to and self._active(m):
                yield m, Stat.of(0.0)

    def periods(
        self, metric: str, first: int, last: int, origin: int, length: int
    ) -> dict[int, Stat]:
        """The statistic set of each period with data, by index: minutes ``first`` to
        ``last - 1``, in periods of ``length`` minutes from minute ``origin``.

        Costs what the steps and counted minutes in the range cost, not the minutes: a
        gauge over a step is a constant (or, for the age, an arithmetic series).
        """
        totals: dict[int, Stat] = {}

        def add(index: int, stat: Stat) -> None:
            total = totals.get(index)
            if total is None:
                totals[index] = stat
            else:
                total.add(stat)

        kind = METRICS[metric].kind
        zeros: dict[int, float] = {}  # counts: active minutes of each period, as zeros
        if kind == "gauge" or metric not in _ONLY_WHEN_SEEN:
            # Gauges, and the zeros of counts: every minute of each active step.
            probe = metric if kind == "gauge" else "ApproximateNumberOfMessagesVisible"
            for begin, end, gauges in self._runs(probe, first, min(last, self._sampled_to)):
                for a, b in _split(begin, end, origin, length):
                    n = float(b - a)
                    index = (a - origin) // length
                    if kind != "gauge":
                        add(index, Stat(0.0, n, 0.0, 0.0))
                        zeros[index] = zeros.get(index, 0.0) + n
                    elif metric == "ApproximateAgeOfOldestMessage":
                        assert gauges.oldest_at is not None
                        c = math.floor(-gauges.oldest_at)  # age at m's end: 60 (m + 1) + c
                        low, high = float(MINUTE * (a + 1) + c), float(MINUTE * b + c)
                        add(index, Stat((low + high) * n / 2, n, low, high))
                    else:
                        value = _gauge(metric, gauges, 0.0)
                        assert value is not None
                        add(index, Stat(value * n, n, value, value))
            if kind == "gauge":
                return totals
        # The counted minutes, each in place of its zero where the queue was active.
        minutes = self._seen.get(metric, self._count_minutes)
        lowest: dict[int, float] = {}  # the least count of each period
        for m in minutes[bisect.bisect_left(minutes, first) : bisect.bisect_left(minutes, last)]:
            index = (m - origin) // length
            if metric == "SentMessageSize":
                size = self._sizes[m]
                add(index, Stat(size.sum, size.sample_count, size.minimum, size.maximum))
                continue
            events = self._counts[m].get(metric)
            if events is None:
                continue
            lowest[index] = min(lowest.get(index, math.inf), events)
            if metric in _ONLY_WHEN_SEEN or m >= self._sampled_to or not self._active(m):
                add(index, Stat.of(float(events)))
                continue
            total = totals[index]
            total.sum += events
            total.maximum = max(total.maximum, float(events))
            zeros[index] -= 1
        for index, least in lowest.items():
            # The minimum is 0 only if an active minute of the period counted nothing.
            totals[index].minimum = 0.0 if zeros.get(index, 0.0) > 0 else float(least)
        return totals

    def _runs(self, metric: str, first: int, last: int) -> Iterator[tuple[int, int, Gauges]]:
        """The steps in [first, last) where the gauge is reported: (begin, end, state)."""
        starts = self._starts
        index = max(bisect.bisect_right(starts, first) - 1, 0)
        while index < len(starts) and starts[index] < last:
            begin = max(starts[index], first)
            end = min(starts[index + 1] if index + 1 < len(starts) else last, last)
            gauges = self._steps[index]
            index += 1
            if begin < end and gauges is not None and _gauge(metric, gauges, 0.0) is not None:
                yield begin, end, gauges

    def _active(self, minute: int) -> bool:
        index = bisect.bisect_right(self._starts, minute) - 1
        return index >= 0 and self._steps[index] is not None


def _split(begin: int, end: int, origin: int, length: int) -> Iterator[tuple[int, int]]:
    """[begin, end) cut at the boundaries of periods of ``length`` from ``origin``."""
    while begin < end:
        stop = min(end, origin + ((begin - origin) // length + 1) * length)
        yield begin, stop
        begin = stop


def _gauge(metric: str, gauges: Gauges | None, at: float) -> float | None:
    """A gauge's sample at ``at`` in state ``gauges``; ``None`` where SQS reports none
    (AWS docs: NotVisible only if messages are in flight, Delayed only if delayed
    messages exist, the age only if the queue holds a message)."""
    if gauges is None:
        return None
    if metric == "ApproximateNumberOfMessagesVisible":
        return float(gauges.visible)
    if metric == "ApproximateNumberOfMessagesNotVisible":
        return float(gauges.not_visible) if gauges.not_visible else None
    if metric == "ApproximateNumberOfMessagesDelayed":
        return float(gauges.delayed) if gauges.delayed else None
    if metric == "ApproximateNumberOfGroupsWithInflightMessages":
        return float(gauges.groups_in_flight)
    if metric == "ApproximateAgeOfOldestMessage":
        return None if gauges.oldest_at is None else float(max(int(at - gauges.oldest_at), 0))
    raise KeyError(metric)
