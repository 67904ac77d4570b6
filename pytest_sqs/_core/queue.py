"""One queue's state, held in indexes so that no operation scans the queue (design §2).

- ``_ready``: visible messages in delivery order (an ``OrderedDict``: O(1) pop from
  the front, O(1) removal by id, O(1) re-insert at either end);
- ``_delayed`` / ``_in_flight``: heaps keyed by the time a message becomes visible;
- ``_by_age``: a heap keyed by enqueue time, for retention;
- ``_arrivals``: messages in arrival order, for ApproximateAgeOfOldestMessage;
- ``messages``: every live message by id (receipt handles carry the id).

Heaps use lazy deletion: an entry is valid only while its message is live and its
``token`` still matches.  Timers are settled when an operation touches the queue.
"""

from __future__ import annotations

import base64
import binascii
import heapq
import itertools
import math
from collections import OrderedDict, deque
from collections.abc import Iterator

from . import limits
from .attributes import QueueSettings
from .message import Event, JournalEntry, Message, MessageState, RawEntry
from .metrics import AGE_RECEIVE_LIMIT, Gauges, QueueMetrics
from .redrive import RedrivePolicy, parse_redrive_policy

_HANDLE_PREFIX = "AQEB"

_Heap = list[tuple[float, int, Message]]


def make_receipt_handle(queue_uid: str, message_id: str, receive_number: int, nonce: int) -> str:
    """An opaque handle naming the queue, the message and the receive it came from."""
    raw = f"{queue_uid}/{message_id}/{receive_number}/{nonce:016x}"
    return _HANDLE_PREFIX + binascii.b2a_base64(raw.encode("ascii"), newline=False).decode()


def parse_receipt_handle(handle: str) -> tuple[str, str, int] | None:
    """(queue uid, message id, receive number) from a handle we issued, else ``None``."""
    if not handle.startswith(_HANDLE_PREFIX):
        return None
    try:
        raw = base64.b64decode(handle[len(_HANDLE_PREFIX) :], validate=True).decode("ascii")
        queue_uid, message_id, receive_number, _nonce = raw.split("/")
        return queue_uid, message_id, int(receive_number)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None


class Queue:
    """A standard queue: messages, their timers and counters."""

    def __init__(
        self,
        *,
        uid: str,
        name: str,
        account_id: str,
        region: str,
        url: str,
        arn: str,
        settings: QueueSettings,
        created_at: float,
        metrics: QueueMetrics | None = None,
    ) -> None:
        self.uid = uid
        self.name = name
        self.account_id = account_id
        self.region = region
        self.url = url
        self.arn = arn
        self.settings = settings
        self.created_at = created_at
        self.last_modified_at = created_at
        self.last_purged_at: float | None = None
        self.tags: dict[str, str] = {}
        self.messages: dict[str, Message] = {}
        # Journals of messages that left (by id: departure number, journal) and of purged
        # generations (departure number, when, messages).  A message can visit a queue
        # more than once (dead-letter queues that redrive to each other); the departure
        # numbers tell which visit was the last.
        self.retired: dict[str, tuple[int, list[RawEntry]]] = {}
        self._purged: list[tuple[int, float, dict[str, Message]]] = []
        self._departures = itertools.count()
        self._ready: OrderedDict[str, Message] = OrderedDict()
        self._delayed: _Heap = []
        self._in_flight: _Heap = []
        self._by_age: _Heap = []
        # Messages in arrival order: arrivals only come at the present, so the deque
        # stays in time order without a heap.
        self._arrivals: deque[Message] = deque()
        self._serial = itertools.count()
        self.delayed_count = 0
        self.in_flight_count = 0
        self.metrics = metrics or QueueMetrics(name, settings.fifo, created_at)
        self._redrive: tuple[str | None, RedrivePolicy | None] = (None, None)

    # -- counters -----------------------------------------------------------

    @property
    def visible_count(self) -> int:
        return len(self._ready)

    # A FIFO queue counts its groups with messages in flight (a metric); checked inline,
    # as a call would cost every standard receive a little.
    groups_tracked = False

    def _group_flight(self, message: Message, delta: int) -> None:
        """A message of a group starts (+1) or stops (-1) being in flight."""

    @property
    def groups_in_flight(self) -> int:
        return 0

    def gauges(self) -> Gauges:
        """The state the ``Approximate...`` metrics sample."""
        return Gauges(
            self.visible_count,
            self.in_flight_count,
            self.delayed_count,
            self._oldest_arrival(),
            self.groups_in_flight,
        )

    def _oldest_arrival(self) -> float | None:
        """When the oldest message that the age metric counts arrived: a standard queue
        leaves out messages received three times or more (AWS docs); a dead-letter queue
        counts from the move."""
        arrivals = self._arrivals
        fifo = self.settings.fifo
        while arrivals:
            message = arrivals[0]
            if message.live and (
                fifo or message.receive_count - message.receives_before < AGE_RECEIVE_LIMIT
            ):
                return message.arrived_at
            arrivals.popleft()
        return None

    # -- the ready structure: the three hooks a FIFO queue replaces ----------------

    def _show(self, message: Message, *, front: bool) -> None:
        """A message (state already VISIBLE) joins the ready order, at the front or back."""
        self._ready[message.message_id] = message
        if front:
            self._ready.move_to_end(message.message_id, last=False)

    def _hide(self, message: Message) -> None:
        """A visible message leaves the ready order (taken, hidden again, or removed)."""
        del self._ready[message.message_id]

    def _gone(self, message: Message) -> None:
        """A message left the queue for good (after it was hidden if it was visible)."""

    def _show_returning(self, returning: list[tuple[float, Message]]) -> None:
        # A message whose visibility timeout ends goes back to the head of the queue, as
        # AWS was seen to redeliver it first (§4.1).  In time order, each to the head: the
        # answer must not depend on whether anything looked at the queue in between.
        for at, message in returning:
            self._to_ready(message, at, Event.VISIBLE_AGAIN, front=True)

    # -- timers -------------------------------------------------------------

    def settle(self, now: float) -> None:
        """Apply every timer due by ``now``, in time order: retention, delays, visibility
        timeouts (on a tie: the expiry, then the delay, then the visibility timeout).  So
        the order of the ready messages (FIFO: of the groups, which an expiry may unlock)
        is the same whether or not anything settled the queue in between."""
        retention = self.settings.message_retention_period
        by_age = self._by_age
        delayed = self._delayed
        in_flight = self._in_flight
        shift = self._delay_shift()
        metrics = self.metrics
        while True:
            expiry = by_age[0][0] + retention if by_age else math.inf
            delay_end = delayed[0][0] + shift if delayed else math.inf
            visibility_end = in_flight[0][0] if in_flight else math.inf
            first = min(expiry, delay_end, visibility_end)
            # The gauges are sampled at each minute's end, before the timers due then.
            if now >= metrics.next_sample_at and first >= metrics.next_sample_at:
                metrics.sample(min(first, now), self.gauges())
            if first > now:
                return
            if expiry == first:
                _, _, message = heapq.heappop(by_age)
                if message.live:
                    self.remove(message, expiry, Event.EXPIRED)
            elif delay_end == first:
                key, token, message = heapq.heappop(delayed)
                if message.live and message.token == token:
                    self.delayed_count -= 1
                    self._to_ready(message, key + shift, Event.DELAY_ENDED, front=False)
            else:
                # Every visibility timeout ending before the next delay, expiry or sample.
                bound = min(delay_end, expiry, metrics.next_sample_at)
                returning: list[tuple[float, Message]] = []
                while in_flight and in_flight[0][0] <= now and in_flight[0][0] < bound:
                    at, token, message = heapq.heappop(in_flight)
                    if message.live and message.token == token:
                        self.in_flight_count -= 1
                        if self.groups_tracked:
                            self._group_flight(message, -1)
                        returning.append((at, message))
                self._show_returning(returning)

    def next_change_at(self) -> float | None:
        """When the next delayed or in-flight message becomes visible, if any."""
        delay_end = self._valid_top(self._delayed)
        if delay_end is not None:
            delay_end += self._delay_shift()
        pending = [t for t in (delay_end, self._valid_top(self._in_flight)) if t is not None]
        return min(pending) if pending else None

    def _delay_key(self, now: float, delay_s: int) -> float:
        """The key of a delayed message's heap entry: when its delay ends."""
        return now + delay_s

    def _delay_shift(self) -> float:
        """Added to delay keys when they are compared with now (0: they are end times)."""
        return 0.0

    def next_event_at(self) -> float | None:
        """When the next timer of any kind is due: a delay or visibility timeout ending,
        or the oldest message expiring."""
        times = [self.next_change_at()]
        by_age = self._by_age
        while by_age and not by_age[0][2].live:
            heapq.heappop(by_age)
        if by_age:
            times.append(by_age[0][0] + self.settings.message_retention_period)
        pending = [t for t in times if t is not None]
        return min(pending) if pending else None

    @staticmethod
    def _valid_top(heap: _Heap) -> float | None:
        while heap:
            at, token, message = heap[0]
            if message.live and message.token == token:
                return at
            heapq.heappop(heap)
        return None

    # -- transitions --------------------------------------------------------

    def _bump(self, message: Message) -> int:
        message.token = next(self._serial)
        return message.token

    def _to_ready(self, message: Message, at: float, event: Event, *, front: bool) -> None:
        self._bump(message)
        message.state = MessageState.VISIBLE
        message.visible_at = at
        message.history.append((at, event))
        self._show(message, front=front)

    @property
    def redrive(self) -> RedrivePolicy | None:
        """The parsed RedrivePolicy, if one is set (parsed once per change)."""
        raw = self.settings.redrive_policy
        if raw != self._redrive[0]:
            self._redrive = (raw, None if raw is None else parse_redrive_policy(raw))
        return self._redrive[1]

    def add(self, message: Message, now: float, delay_s: int, *, journal: bool = True) -> None:
        """Enqueue a message, delayed by ``delay_s`` seconds (``journal``: record a send)."""
        self.messages[message.message_id] = message
        heapq.heappush(self._by_age, (message.enqueued_at, next(self._serial), message))
        message.arrived_at = now
        message.receives_before = message.receive_count
        self._arrivals.append(message)
        if journal:
            message.history.append((now, Event.SENT, delay_s))
        if delay_s > 0:
            token = self._bump(message)
            message.state = MessageState.DELAYED
            message.visible_at = now + delay_s
            heapq.heappush(self._delayed, (self._delay_key(now, delay_s), token, message))
            self.delayed_count += 1
        else:
            self._bump(message)
            message.state = MessageState.VISIBLE
            message.visible_at = now
            self._show(message, front=False)

    def peek_visible(self) -> Message | None:
        """The message the next receive would return first, left in place."""
        return next(iter(self._ready.values()), None)

    def take_visible(self, count: int) -> list[Message]:
        """Remove up to ``count`` messages from the front of the ready order.

        Each must then be handed to :meth:`start_flight` or :meth:`dead_letter`.
        """
        ready = self._ready
        taken: list[Message] = []
        while ready and len(taken) < count:
            message = ready.popitem(last=False)[1]
            message.state = MessageState.TAKEN
            taken.append(message)
        return taken

    def lose_delete(self, message: Message, now: float) -> None:
        """Chaos: a delete one server missed: the message is visible again at once, at the
        back of the ready order, to be delivered again."""
        self.detach(message)
        self._to_ready(message, now, Event.DELETE_LOST, front=False)

    def surface_copy(self, now: float) -> Message | None:
        """Chaos: the in-flight message nearest the end of its visibility timeout turns up
        at the front of the ready order while its consumer still holds it (a server with
        a copy missed that it was received).  ``None`` if nothing is in flight."""
        if self._valid_top(self._in_flight) is None:
            return None
        message = self._in_flight[0][2]
        self.detach(message)
        self._to_ready(message, now, Event.COPY_SURFACED, front=True)
        return message

    def untake(self, message: Message, now: float) -> None:
        """Put a message just taken back at the front of the ready order (chaos: held
        back for a later receive)."""
        message.state = MessageState.VISIBLE
        message.history.append((now, Event.HELD_BACK))
        self._show(message, front=True)

    def start_flight(self, message: Message, now: float, visibility_s: int, handle: str) -> None:
        """Hand a message (just taken from the ready order) to a consumer."""
        message.receive_count += 1
        message.received_at = now
        if message.first_received_at is None:
            message.first_received_at = now
        message.history.append((now, Event.RECEIVED, message.receive_count, visibility_s, handle))
        self._fly(message, now, visibility_s)

    def _fly(self, message: Message, now: float, visibility_s: int) -> None:
        token = self._bump(message)
        if visibility_s > 0:
            message.state = MessageState.IN_FLIGHT
            message.visible_at = now + visibility_s
            heapq.heappush(self._in_flight, (message.visible_at, token, message))
            self.in_flight_count += 1
            if self.groups_tracked:
                self._group_flight(message, 1)
        else:
            # Never hidden: it rejoins at the back, so a loop receiving with
            # VisibilityTimeout=0 sees every message in turn.
            message.state = MessageState.VISIBLE
            message.visible_at = now
            self._show(message, front=False)

    def set_visibility(self, message: Message, now: float, visibility_s: int) -> None:
        """Hide a received message for ``visibility_s`` seconds from now (0: show it now)."""
        message.history.append((now, Event.VISIBILITY_CHANGED, visibility_s))
        message.visibility_changes += 1
        if message.state is MessageState.IN_FLIGHT:
            self.in_flight_count -= 1
            if self.groups_tracked:
                self._group_flight(message, -1)
        elif message.state is MessageState.VISIBLE:
            self._hide(message)
        if visibility_s == 0:
            self._to_ready(message, now, Event.VISIBLE_AGAIN, front=True)
            return
        token = self._bump(message)
        message.state = MessageState.IN_FLIGHT
        message.visible_at = now + visibility_s
        heapq.heappush(self._in_flight, (message.visible_at, token, message))
        self.in_flight_count += 1
        if self.groups_tracked:
            self._group_flight(message, 1)

    def detach(self, message: Message) -> None:
        """Take a live message out of its state's bookkeeping (ready order or counters),
        as :meth:`take_visible` does; it must then leave or be handed out."""
        if message.state is MessageState.VISIBLE:
            self._hide(message)
        elif message.state is MessageState.IN_FLIGHT:
            self.in_flight_count -= 1
            if self.groups_tracked:
                self._group_flight(message, -1)
        elif message.state is MessageState.DELAYED:
            self.delayed_count -= 1

    def remove(self, message: Message, at: float, event: Event) -> None:
        """Take a live message out of the queue for good (delete, expiry)."""
        self.detach(message)
        message.live = False
        message.token = -1
        del self.messages[message.message_id]
        message.history.append((at, event))
        self._retire(message)
        self._gone(message)
        arrivals = self._arrivals
        while arrivals and not arrivals[0].live:  # so a send/delete loop keeps it short
            arrivals.popleft()

    def compact(self) -> None:
        """Drop the entries of departed messages from the lazy indexes once they outnumber
        the live messages (amortised O(1) a departure).  Otherwise a message that stays
        (a slow consumer's, a poison pill's) keeps every message sent after it in memory
        until its own timers end.  Not called while ``settle`` runs: it holds the heaps."""
        bound = 2 * len(self.messages) + 64
        if (
            len(self._by_age) > bound
            or len(self._in_flight) > bound
            or len(self._delayed) > bound
            or len(self._arrivals) > bound
        ):
            self._by_age = [entry for entry in self._by_age if entry[2].live]
            self._in_flight = [e for e in self._in_flight if e[2].live and e[2].token == e[1]]
            self._delayed = [e for e in self._delayed if e[2].live and e[2].token == e[1]]
            for heap in (self._by_age, self._in_flight, self._delayed):
                heapq.heapify(heap)
            self._arrivals = deque(message for message in self._arrivals if message.live)

    def dead_letter(
        self,
        message: Message,
        now: float,
        target_arn: str,
        *,
        event: Event = Event.MOVED_TO_DEAD_LETTER_QUEUE,
        detail: tuple[str, ...] = (),
    ) -> None:
        """Retire a detached message that moves to another queue (a dead-letter queue, or
        back out of one in a move task)."""
        message.live = False
        message.token = -1
        del self.messages[message.message_id]
        message.history.append((now, event, target_arn, *detail))
        self._retire(message)
        self._gone(message)

    def _retire(self, message: Message) -> None:
        # Keep the journals of departed messages for history(), but only the most recent
        # ones, so a long-running receive/delete loop does not grow without bound.
        retired = self.retired
        retired.pop(message.message_id, None)  # the latest visit goes to the end
        retired[message.message_id] = (next(self._departures), message.history)
        if len(retired) > limits.MAX_RETIRED_JOURNALS:
            del retired[next(iter(retired))]

    def purge(self, now: float) -> None:
        """Drop every message at once: O(1), the indexes are replaced rather than emptied.

        The dropped messages keep their journals in ``_purged`` for :meth:`history`.
        """
        if self.messages:
            self._purged.append((next(self._departures), now, self.messages))
        self.messages = {}
        self._reset_ready()
        self._delayed, self._in_flight, self._by_age = [], [], []
        self._arrivals = deque()
        self.delayed_count = self.in_flight_count = 0
        self.last_purged_at = now

    def _reset_ready(self) -> None:
        self._ready = OrderedDict()

    # -- inspection (read-only, may be O(n)) --------------------------------

    def history(self, message_id: str) -> list[JournalEntry] | None:
        """The journal of a message that is or was in this queue, if any."""
        raw: list[RawEntry] | None = None
        if message_id in self.messages:
            raw = self.messages[message_id].history
        else:  # its last visit: the latest departure, by retirement or purge
            last = -1
            if message_id in self.retired:
                last, raw = self.retired[message_id]
            for departure, purged_at, generation in self._purged:
                if message_id in generation and departure > last:
                    last = departure
                    raw = [*generation[message_id].history, (purged_at, Event.PURGED)]
        return None if raw is None else [JournalEntry.of(entry) for entry in raw]

    def iter_messages(self) -> Iterator[Message]:
        return iter(self.messages.values())

    def ready_order(self) -> Iterator[Message]:
        return iter(self._ready.values())
