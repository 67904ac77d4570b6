"""The simulator: accounts × regions → queues, behind one ``handle(operation, params)``.

Pure standard library: no botocore, pytest, freezegun or hypothesis here.
"""

from __future__ import annotations

import functools
import random
import re
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar
from urllib.parse import urlsplit

from . import actions, cloudwatch, errors, validation
from .chaos import ChaosState
from .clock import Clock, WallClock, monotonic
from .errors import SimulatorBug, SQSError, UnsupportedBySimulator
from .metrics import QueueMetrics
from .move_tasks import MoveTask, settle_tasks
from .queue import Queue

T = TypeVar("T")
R = TypeVar("R")

DEFAULT_ACCOUNT_ID = "123456789012"
DEFAULT_REGION = "us-east-1"
LONG_POLL_POLICIES = ("fast-forward", "real", "off")


@dataclass(frozen=True, slots=True)
class Call:
    """Who is calling, in which region, at what (virtual) time."""

    account_id: str
    region: str
    now: float
    trace_header: str | None = None
    # Whether the caller has gone away (a server's client hung up): a long poll then
    # stops before it takes anything, so no message goes in flight to nobody.
    gone: Callable[[], bool] | None = None
    # Set when the caller waits outside the simulator (an asyncio task) instead of
    # blocking its thread in a long poll.
    outside: OutsideWait | None = None


@dataclass(slots=True)
class OutsideWait:
    """A long poll whose caller waits outside the simulator, as an asyncio task must.

    Where a thread would block, :meth:`SQSSimulator.handle` raises :class:`Suspended`;
    the caller waits as told (woken early by :meth:`SQSSimulator.add_waker`'s callback)
    and then calls :meth:`SQSSimulator.resume`, which goes on from where the poll
    stopped: the action is not run again.
    """

    # Whether anything else (another task or thread) could send while the poll waits;
    # if not, a fast-forward poll jumps the clock at once, as in single-threaded code.
    others: bool
    # Real seconds waited so far, kept by the caller: only it knows real time (the
    # process clock may be frozen by freezegun while the event loop's is not).
    real_elapsed: float = 0.0
    # Fast-forward: the others have had their chance to send; the next step jumps.
    yielded: bool = False


class Suspended(Exception):
    """A long poll with an outside waiter must wait: for ``timeout`` real seconds, or
    (``None``) just long enough for other tasks to run; then pass this to
    :meth:`SQSSimulator.resume`."""

    def __init__(self, timeout: float | None, step: Callable[[], Any]) -> None:
        super().__init__(timeout)
        self.timeout = timeout
        self.step = step  # the rest of the call (lock held)
        self.operation = ""  # set by handle(), for SimulatorBug reports
        self.params: Mapping[str, Any] = {}


@dataclass(slots=True)
class Region:
    """The queues of one account in one region."""

    queues: dict[str, Queue] = field(default_factory=dict)
    deleted_at: dict[str, float] = field(default_factory=dict)


def partition(region: str) -> tuple[str, str]:
    """(ARN partition, DNS suffix) of a region."""
    if region.startswith("cn-"):
        return "aws-cn", "amazonaws.com.cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov", "amazonaws.com"
    return "aws", "amazonaws.com"


def queue_url(region: str, account_id: str, name: str) -> str:
    return f"https://sqs.{region}.{partition(region)[1]}/{account_id}/{name}"


def queue_arn(region: str, account_id: str, name: str) -> str:
    return f"arn:{partition(region)[0]}:sqs:{region}:{account_id}:{name}"


@functools.lru_cache(maxsize=4096)
def split_queue_url(url: str) -> tuple[str | None, str]:
    """(account id or None, queue name) from any QueueUrl form AWS accepts (§1.3).

    Current and legacy URLs end in ``/<account>/<name>``; a bare name means the
    caller's own account.
    """
    if "/" not in url:
        return None, url
    path = urlsplit(url).path if "://" in url else url
    segments = [segment for segment in path.split("/") if segment]
    if len(segments) < 2:
        raise SQSError(errors.NON_EXISTENT_QUEUE)
    return segments[-2], segments[-1]


def addressed_queue(params: Mapping[str, Any]) -> str | None:
    """The name of the queue a call addresses; ``None`` if it names none (or none that
    parses: the action itself will say so)."""
    url = params.get("QueueUrl")
    if isinstance(url, str):
        try:
            return split_queue_url(url)[1]
        except SQSError:
            return None
    name = params.get("QueueName")
    return name if isinstance(name, str) else None


_REGIONAL_HOST = re.compile(r"(?:sqs[.-](?:fips\.)?)?([a-z]{2}(?:-[a-z]+)+-\d+)\.")


def region_of_url(url: str) -> str | None:
    """The region a queue URL's host names, if it names one (legacy forms included)."""
    host = (urlsplit(url).hostname or "") if "://" in url else ""
    if host == "queue.amazonaws.com":
        return "us-east-1"  # the oldest legacy form (§1.3)
    match = _REGIONAL_HOST.match(host)
    return match.group(1) if match else None


class SQSSimulator:
    """Amazon SQS in memory.

    Args:
        account_id: the account that calls without naming another; 12 digits.
        region: the region used when a call names none.
        clock: the source of time; default a :class:`WallClock`.
        seed: seeds the one RNG behind message ids, receipt handles and request ids,
            so a run can be replayed.
        long_poll: ``"fast-forward"`` (default): a long poll that would wait jumps the
            clock to the moment a message becomes available, or to the end of the wait;
            ``"real"``: block in real time, woken at once by a send from another thread
            (for threaded integration tests); ``"off"``: long polls return at once.
    """

    def __init__(
        self,
        *,
        account_id: str = DEFAULT_ACCOUNT_ID,
        region: str = DEFAULT_REGION,
        clock: Clock | None = None,
        seed: int | None = None,
        long_poll: str = "fast-forward",
        chaos: ChaosState | None = None,
    ) -> None:
        if long_poll not in LONG_POLL_POLICIES:
            raise ValueError(f"long_poll must be one of {LONG_POLL_POLICIES}, not {long_poll!r}")
        self.account_id = account_id
        self.region = region
        self.clock: Clock = clock if clock is not None else WallClock()
        self.long_poll_policy = long_poll
        self.rng = random.Random(seed)
        self.chaos = chaos  # faults on purpose (chaos.py), from their own RNG
        self.lock = threading.RLock()
        self._sent = threading.Condition(self.lock)
        self._wakers: list[Callable[[], None]] = []
        self._regions: dict[tuple[str, str], Region] = {}
        self._actions = actions.load()
        self._uids = 0
        self.move_tasks: dict[str, list[MoveTask]] = {}  # by source ARN, oldest first
        self.running_tasks: list[MoveTask] = []
        # CloudWatch's record, by (account, region, queue name): it outlives the queues.
        self.metrics: dict[tuple[str, str, str], QueueMetrics] = {}
        self.closed = False

    # -- the one entry point -------------------------------------------------

    def handle(
        self,
        operation: str,
        params: Mapping[str, Any],
        *,
        region: str | None = None,
        account_id: str | None = None,
        trace_header: str | None = None,
        gone: Callable[[], bool] | None = None,
        outside: OutsideWait | None = None,
    ) -> dict[str, Any]:
        """Run one SQS action; return its result as botocore models it.

        Raises:
            SQSError: whatever Amazon SQS would answer with an error.
            Suspended: only with ``outside``: a long poll must wait; call again.
            UnsupportedBySimulator: a valid action pytest-sqs does not simulate yet.
            SimulatorBug: anything unexpected inside the simulator.
        """
        fn = self._actions.get(operation)
        if fn is None:
            raise UnsupportedBySimulator(
                f"pytest-sqs does not simulate the SQS action {operation} yet."
            )
        with self.lock:
            call = Call(
                account_id=account_id or self.account_id,
                region=region or self.region,
                now=self.clock.now(),
                trace_header=trace_header,
                gone=gone,
                outside=outside,
            )
            try:
                if self.running_tasks:
                    settle_tasks(self, call.now)
                result = fn(self, call, params)
                if self.long_poll_policy == "real":
                    # A delete, a visibility change or a purge may free a message (or a FIFO
                    # group) that a long poll in another thread is waiting for.
                    self._notify()
                return result
            except Suspended as pause:
                pause.operation, pause.params = operation, params
                raise
            except (SQSError, UnsupportedBySimulator):
                raise
            except Exception as exc:
                raise SimulatorBug(operation, params) from exc

    def cloudwatch(
        self,
        operation: str,
        params: Mapping[str, Any],
        *,
        region: str | None = None,
        account_id: str | None = None,
    ) -> dict[str, Any]:
        """Answer a CloudWatch read call about the ``AWS/SQS`` metrics (GetMetricStatistics,
        GetMetricData, ListMetrics); timestamps in and out are epoch seconds.

        Raises:
            SQSError: CloudWatch's error for bad input.
            UnsupportedBySimulator: a call that is not about SQS metrics
                (:class:`~pytest_sqs._core.cloudwatch.NotSQSMetrics`), or metric math.
            SimulatorBug: anything unexpected inside the simulator.
        """
        with self.lock:
            try:
                return cloudwatch.handle(
                    self, operation, params, account_id or self.account_id, region or self.region
                )
            except (SQSError, UnsupportedBySimulator):
                raise
            except Exception as exc:
                raise SimulatorBug(operation, params) from exc

    def resume(self, pause: Suspended) -> dict[str, Any]:
        """Go on with a call that raised :class:`Suspended` (once its wait is over).

        Raises what :meth:`handle` raises, :class:`Suspended` included.
        """
        with self.lock:
            try:
                result: dict[str, Any] = pause.step()
                if self.long_poll_policy == "real":
                    self._notify()
                return result
            except Suspended as again:
                again.operation, again.params = pause.operation, pause.params
                raise
            except (SQSError, UnsupportedBySimulator):
                raise
            except Exception as exc:
                raise SimulatorBug(pause.operation, pause.params) from exc

    # -- long polling (design §4) ---------------------------------------------

    # How long a long poll waits in real time for a send from another thread before
    # it fast-forwards the clock.  Only paid when other threads exist.
    REAL_GRACE_S = 0.005
    # How often a real-time long poll looks whether its caller is still there.
    GONE_CHECK_S = 0.1

    def notify_send(self) -> None:
        """Wake long polls waiting in other threads or tasks (called with the lock held)."""
        self._notify()

    def _notify(self) -> None:
        self._sent.notify_all()
        for wake in self._wakers:
            wake()

    def add_waker(self, wake: Callable[[], None]) -> None:
        """Have ``wake()`` called (lock held, from any thread; it must not block or raise)
        whenever a waiting long poll should look again; for waiters outside the simulator."""
        with self.lock:
            self._wakers.append(wake)

    def remove_waker(self, wake: Callable[[], None]) -> None:
        with self.lock:
            self._wakers.remove(wake)

    def close(self) -> None:
        """End every long poll in flight, empty-handed (a mock or server stops or resets)."""
        with self.lock:
            self.closed = True
            self._notify()

    def transient_error(self, operation: str, params: Mapping[str, Any]) -> SQSError | None:
        """Chaos: the transient error one attempt of a call fails with, before it reaches
        :meth:`handle`, if any."""
        with self.lock:
            chaos = self.chaos
            if chaos is None:
                return None
            return chaos.transient_error(operation, addressed_queue(params))

    def retry_wait(self, seconds: float) -> float:
        """A client waits ``seconds`` before it retries a failed call, as a long poll
        waits: ``fast-forward`` moves the clock by that much at once, ``real`` lets real
        time pass, ``off`` does not wait.  Returns the real seconds the caller sleeps."""
        if self.long_poll_policy == "real":
            return seconds
        if self.long_poll_policy == "fast-forward":
            with self.lock:
                self.clock.advance(seconds)
                self._notify()  # a delay or a visibility timeout may have ended
        return 0.0

    def long_poll(
        self,
        call: Call,
        queue: Queue,
        wait_s: int,
        take: Callable[[Call], list[T]],
        finish: Callable[[Call, list[T]], R],
    ) -> R:
        """Let up to ``wait_s`` seconds pass until ``take`` finds something to deliver;
        return ``finish(call, taken)`` with the call as of when the wait ended.

        ``take(call)`` is tried whenever a message may have become available (a delay
        or a visibility timeout ended, another thread sent one); it may find nothing even
        then (a message moved to a dead-letter queue), and the wait goes on.  Called with
        the lock held; waiting releases it.  Never sleeps for simulated time.  With an
        outside waiter (``call.outside``) it raises :class:`Suspended` where a thread
        would block.
        """
        if self.long_poll_policy == "off":
            return finish(call, [])
        if call.outside is not None:
            return self._poll_outside(call, queue, wait_s, take, finish, call.outside)
        if self.long_poll_policy == "real":
            return finish(*self._wait_real(call, queue, wait_s, take))
        deadline = call.now + wait_s
        if threading.active_count() > 1:
            # Give a producer thread a moment before jumping the clock.
            self._sent.wait(self.REAL_GRACE_S)
            call = self._settled(call, queue)
            taken = take(call)
            if taken:
                return finish(call, taken)
        return finish(*self._fast_forward(call, queue, deadline, take))

    def _fast_forward(
        self, call: Call, queue: Queue, deadline: float, take: Callable[[Call], list[T]]
    ) -> tuple[Call, list[T]]:
        """Jump the clock from change to change until ``take`` finds something or the
        poll's deadline is reached."""
        while True:
            next_change = self._next_change(queue)
            target = deadline if next_change is None else min(next_change, deadline)
            now = self.clock.now()
            if target > now:
                self.clock.advance(target - now)
            call = self._settled(call, queue)
            taken = take(call)
            if taken or call.now >= deadline:
                return call, taken

    def _poll_outside(
        self,
        call: Call,
        queue: Queue,
        wait_s: int,
        take: Callable[[Call], list[T]],
        finish: Callable[[Call, list[T]], R],
        wait: OutsideWait,
    ) -> R:
        """A long poll whose caller waits outside: each step ends the poll or raises
        :class:`Suspended` carrying the next step (the action has just settled the queue
        at ``call.now`` and found nothing)."""
        deadline = call.now + wait_s  # fast-forward: fixed by the first step

        def step(call: Call) -> R:
            if self.long_poll_policy == "real":
                remaining = wait_s - wait.real_elapsed
                if remaining <= 0:
                    return finish(call, [])
                next_change = self._next_change(queue)
                if next_change is not None:
                    remaining = min(remaining, max(next_change - call.now, 0.001))
                raise Suspended(remaining, lambda: look_again(call))
            if wait.others and not wait.yielded:
                # Let other tasks run (and send) before the clock jumps, as threads get
                # REAL_GRACE_S in blocking code.
                wait.yielded = True
                raise Suspended(None, lambda: look_again(call))
            return finish(*self._fast_forward(call, queue, deadline, take))

        def look_again(call: Call) -> R:
            if self.closed:  # the mock stopped: end empty-handed
                return finish(call, [])
            call = self._settled(call, queue)
            taken = take(call) if queue.visible_count else []
            return finish(call, taken) if taken else step(call)

        return step(call)

    def _next_change(self, queue: Queue) -> float | None:
        """When something may next become available to a long poll on ``queue``: a delay
        or visibility timeout ending, a FIFO group unlocked by retention, a move task's
        next step (it may deliver here)."""
        times = [queue.next_change_at()]
        if queue.settings.fifo:
            times.append(queue.next_event_at())
        times += [task.next_step_at() for task in self.running_tasks]
        pending = [t for t in times if t is not None]
        return min(pending) if pending else None

    def _settled(self, call: Call, queue: Queue) -> Call:
        now = self.clock.now()
        if self.running_tasks:
            settle_tasks(self, now)
        queue.settle(now)
        return replace(call, now=now)

    def _wait_real(
        self, call: Call, queue: Queue, wait_s: int, take: Callable[[Call], list[T]]
    ) -> tuple[Call, list[T]]:
        real_deadline = monotonic() + wait_s
        while True:
            if self.closed or (call.gone is not None and call.gone()):
                return call, []
            call = self._settled(call, queue)
            taken = take(call) if queue.visible_count else []
            remaining = real_deadline - monotonic()
            if taken or remaining <= 0:
                return call, taken
            next_change = self._next_change(queue)
            if next_change is not None:
                remaining = min(remaining, max(next_change - call.now, 0.001))
            if call.gone is not None:
                remaining = min(remaining, self.GONE_CHECK_S)
            self._sent.wait(remaining)

    # -- state shared by the actions ----------------------------------------

    def region_state(self, account_id: str, region: str) -> Region:
        key = (account_id, region)
        state = self._regions.get(key)
        if state is None:
            state = self._regions[key] = Region()
        return state

    def find_queue(self, account_id: str, region: str, name: str) -> Queue | None:
        state = self._regions.get((account_id, region))
        return state.queues.get(name) if state is not None else None

    def queue_by_arn(self, arn: str) -> Queue | None:
        """The queue an ARN names, if it exists."""
        parts = validation.split_arn(arn)
        if parts is None or parts[0] != "sqs":
            return None
        _, region, account_id, name = parts
        return self.find_queue(account_id, region, name)

    def resolve(self, call: Call, url: Any) -> Queue:
        """The queue a QueueUrl names, settled to ``call.now``; QueueDoesNotExist if none."""
        if not isinstance(url, str) or not url:
            raise SQSError(errors.NON_EXISTENT_QUEUE)  # AWS-rec: not MissingParameter
        account_id, name = split_queue_url(url)
        queue = self.find_queue(account_id or call.account_id, call.region, name)
        if queue is None:
            raise SQSError(errors.NON_EXISTENT_QUEUE)
        queue.settle(call.now)
        queue.metrics.accessed_at = call.now  # active for six more hours (metrics)
        return queue

    def queue_metrics(
        self, account_id: str, region: str, name: str, fifo: bool, now: float
    ) -> QueueMetrics:
        """The metrics record a queue created now continues (or starts)."""
        key = (account_id, region, name)
        record = self.metrics.get(key)
        if record is None:
            record = self.metrics[key] = QueueMetrics(name, fifo, now)
        else:
            record.reopen(fifo, now)
        return record

    def new_uid(self) -> str:
        self._uids += 1
        return f"q{self._uids}"

    def new_uuid(self) -> str:
        """A random version-4 UUID, lower-case, from the simulator's RNG."""
        bits = self.rng.getrandbits(128) & ~(0xF000 << 64) | (0x4000 << 64)  # version 4
        text = "%032x" % (bits & ~(0xC << 60) | (0x8 << 60))  # RFC 4122 variant
        return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"

    def new_nonce(self) -> int:
        return self.rng.getrandbits(64)

    @staticmethod
    @functools.lru_cache(maxsize=64)
    def sender_id(account_id: str) -> str:
        """The SenderId AWS reports: the caller's IAM unique id (a stable made-up one)."""
        letters = "".join(chr(ord("A") + int(d)) for d in account_id[-12:] if d.isdigit())
        return f"AIDA{letters}SQSTESTUSER"[:21]

    def queues(self) -> Iterator[Queue]:
        """Every queue in every account and region (for inspection)."""
        for state in self._regions.values():
            yield from state.queues.values()
