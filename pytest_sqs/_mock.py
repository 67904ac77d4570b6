"""``mock_sqs``: the simulator switched on for a block, a function, a coroutine or a TestCase."""

from __future__ import annotations

import functools
import inspect
import unittest
from collections.abc import Callable
from datetime import datetime, timedelta
from types import TracebackType
from typing import Any, TypeVar, overload

from . import _active, _botocore
from ._core import controls
from ._core.clock import Clock, ManualClock, WallClock, to_seconds
from ._core.simulator import (
    DEFAULT_ACCOUNT_ID,
    DEFAULT_REGION,
    LONG_POLL_POLICIES,
    SQSSimulator,
    region_of_url,
    split_queue_url,
)
from ._inspect import APICall, QueueView, _utc, next_event_at

F = TypeVar("F", bound=Callable[..., Any])


CLOCKS = ("wall", "manual", "freezegun")


def _make_clock(clock: str | Clock, start: float | datetime | None) -> Clock:
    if isinstance(clock, Clock):
        return clock
    if clock == "wall":
        if start is not None:
            raise ValueError("start= needs clock='manual' or clock='freezegun'")
        return WallClock()
    if clock == "manual":
        return ManualClock(start)
    from ._freezegun import FreezegunClock  # freezegun only where we interoperate with it

    return FreezegunClock(start)


class MockSQS:
    """Amazon SQS simulated in-process for every botocore/boto3 client.

    Use it as a context manager (``with mock_sqs() as sqs:``), a decorator, or call
    :meth:`start` and :meth:`stop`.  Each start begins with an empty simulator.

    Args:
        region: default region (used when a client has none configured), e.g. "us-east-1".
        account_id: the caller's 12-digit account id.
        clock: "wall" (real time plus :meth:`advance`, moved by freezegun/time-machine),
            "manual" (stands still until advanced), "freezegun" (the process clock is
            frozen and moves with :meth:`advance`) or a :class:`Clock`.
        start: where a "manual" or "freezegun" clock starts (epoch seconds or datetime;
            naive datetimes are UTC); default: now.
        seed: seed of the simulator's RNG (message ids, receipt handles) for replay.
        long_poll: "fast-forward" (default), "real" or "off"; see the docs on time.
    """

    def __init__(
        self,
        *,
        region: str = DEFAULT_REGION,
        account_id: str = DEFAULT_ACCOUNT_ID,
        clock: str | Clock = "wall",
        start: float | datetime | None = None,
        seed: int | None = None,
        long_poll: str = "fast-forward",
    ) -> None:
        # Refuse bad options here, where the user wrote them, not at start.
        if not isinstance(clock, Clock) and clock not in CLOCKS:
            raise ValueError(f"clock must be one of {CLOCKS} or a Clock, not {clock!r}")
        if long_poll not in LONG_POLL_POLICIES:
            raise ValueError(f"long_poll must be one of {LONG_POLL_POLICIES}, not {long_poll!r}")
        if start is not None and clock == "wall":
            raise ValueError("start= needs clock='manual' or clock='freezegun'")
        self.region = region
        self.account_id = account_id
        self._clock_option = clock
        self.start_time = start
        self.seed = seed
        self.long_poll = long_poll
        # Raw (action, params, at, response, error): recording is on every call's path,
        # so the APICall records are only built when a test reads them.
        self._calls: list[tuple[str, dict[str, Any], float, Any, str | None]] = []
        self._simulator: SQSSimulator | None = None

    def __repr__(self) -> str:
        state = "running" if self._simulator is not None else "stopped"
        return (
            f"<MockSQS {state} region={self.region} account_id={self.account_id} "
            f"clock={self._clock_option!r}>"
        )

    # -- lifecycle ------------------------------------------------------------

    def start(self) -> MockSQS:
        """Switch the mock on with a fresh simulator; returns ``self``."""
        if self._simulator is not None:
            raise RuntimeError("this mock_sqs is already started")
        self._simulator = SQSSimulator(
            account_id=self.account_id,
            region=self.region,
            clock=_make_clock(self._clock_option, self.start_time),
            seed=self.seed,
            long_poll=self.long_poll,
        )
        self._calls = []
        _botocore.register_builtin()
        _active.push(self)
        return self

    def stop(self) -> None:
        """Switch the mock off and restore the environment it changed."""
        if self._simulator is None:
            raise RuntimeError("this mock_sqs is not started")
        _active.remove(self)
        self._simulator.clock.close()
        self._simulator = None

    def __enter__(self) -> MockSQS:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    # -- decorator ------------------------------------------------------------

    def __call__(self, target: F) -> F:
        """Decorate a function, coroutine function or ``unittest.TestCase`` class."""
        if isinstance(target, type):
            if issubclass(target, unittest.TestCase):
                return self._decorate_test_case(target)  # type: ignore[return-value]
            raise TypeError("mock_sqs can decorate functions and unittest.TestCase classes")
        if inspect.iscoroutinefunction(target):

            @functools.wraps(target)
            async def run_async(*args: Any, **kwargs: Any) -> Any:
                with self._fresh():
                    return await target(*args, **kwargs)

            return run_async  # type: ignore[return-value]

        @functools.wraps(target)
        def run(*args: Any, **kwargs: Any) -> Any:
            with self._fresh():
                return target(*args, **kwargs)

        return run  # type: ignore[return-value]

    def _fresh(self) -> MockSQS:
        """A copy with the same options, so nested or repeated calls each get their own."""
        return MockSQS(
            region=self.region,
            account_id=self.account_id,
            clock=self._clock_option,
            start=self.start_time,
            seed=self.seed,
            long_poll=self.long_poll,
        )

    def _decorate_test_case(self, cls: type[unittest.TestCase]) -> type[unittest.TestCase]:
        original_set_up = cls.setUp
        factory = self._fresh

        @functools.wraps(original_set_up)
        def set_up(test: unittest.TestCase) -> None:
            mock = factory().start()
            test.addCleanup(mock.stop)
            original_set_up(test)

        cls.setUp = set_up  # type: ignore[method-assign,assignment]
        return cls

    # -- the handle -----------------------------------------------------------

    @property
    def running(self) -> bool:
        """Whether the mock is started."""
        return self._simulator is not None

    @property
    def simulator(self) -> SQSSimulator:
        """The running simulator (only while started)."""
        if self._simulator is None:
            raise RuntimeError("mock_sqs is not started: use it in a with block or call start()")
        return self._simulator

    @property
    def clock(self) -> Clock:
        """The simulator's clock."""
        return self.simulator.clock

    def record(
        self,
        action: str,
        params: dict[str, Any],
        response: dict[str, Any] | None,
        error: str | None,
    ) -> None:
        """Note one API call (the interceptor calls this)."""
        self._calls.append((action, params, self.simulator.clock.now(), response, error))

    @property
    def calls(self) -> list[APICall]:
        """Every SQS call the code under test made through botocore, oldest first."""
        return [
            APICall(
                action=action,
                params=dict(params),
                at=_utc(at),
                response=(
                    None
                    if response is None
                    else {k: v for k, v in response.items() if k != "ResponseMetadata"}
                ),
                error=error,
            )
            for action, params, at, response, error in self._calls
        ]

    def calls_to(self, action: str | None = None, *, queue: str | None = None) -> list[APICall]:
        """The API calls made so far, optionally only one action's and/or one queue's.

        Args:
            action: e.g. "SendMessage".
            queue: a queue name or URL (matched against the call's QueueUrl).
        """
        return [
            call
            for call in self.calls
            if (action is None or call.action == action)
            and (queue is None or (call.queue_url is not None and _same_queue(call, queue)))
        ]

    def advance(self, delta: float | timedelta) -> None:
        """Move simulated time forward by ``delta`` seconds (or a ``timedelta``)."""
        with self.simulator.lock:
            self.simulator.clock.advance(delta)

    def move_to(self, when: float | datetime) -> None:
        """Move simulated time forward to ``when`` (epoch seconds or ``datetime``)."""
        with self.simulator.lock:
            self.simulator.clock.move_to(when)

    def next_event_at(self) -> datetime | None:
        """When something next changes by itself: a delay or a visibility timeout ends, a
        message expires, a message move task takes a step; ``None`` if nothing will."""
        with self.simulator.lock:
            at = next_event_at(self.simulator)
        return None if at is None else _utc(at)

    def advance_until(
        self,
        condition: Callable[[], object] | str = "next event",
        *,
        within: float | timedelta = 14 * 24 * 3600,
    ) -> datetime:
        """Jump from event to event until ``condition()`` is true, or to the next event.

        Args:
            condition: a callable checked after each jump, or ``"next event"`` to make one
                jump to the next moment something changes.
            within: how far (seconds or timedelta) to look before giving up; default
                14 days, the longest a message can live.

        Returns the simulated time reached.  Raises ``AssertionError`` when nothing more
        happens, or the limit is reached, before the condition holds.
        """
        __tracebackhide__ = True
        limit = self.simulator.clock.now() + to_seconds(within)
        while True:
            if condition != "next event" and callable(condition) and condition():
                return _utc(self.simulator.clock.now())
            with self.simulator.lock:
                at = next_event_at(self.simulator)
                if at is None or at > limit:
                    break
                now = self.simulator.clock.now()
                if at > now:
                    self.simulator.clock.advance(at - now)
            if condition == "next event":
                return _utc(self.simulator.clock.now())
        if condition == "next event":
            raise AssertionError("advance_until: nothing is due to happen in any queue")
        raise AssertionError(
            "advance_until: the condition never became true; nothing more happens in any "
            f"queue within {timedelta(seconds=to_seconds(within))}. Queues now:\n" + self.describe()
        )

    def describe(self) -> str:
        """Every queue and its messages by state, as the failure messages show them."""
        views = sorted(self.queues(), key=lambda view: view.url)
        return "\n".join(view.describe() for view in views) or "  (no queues)"

    def assert_redelivered(self, queue: str, message_id: str, *, times: int = 1) -> None:
        """Assert that a message was received ``times`` more times than once, i.e. that it
        came back after a visibility timeout (or a ChangeMessageVisibility to 0) that often.
        """
        __tracebackhide__ = True
        view = self.queue(queue)
        receives = [e for e in view.history(message_id) if e.event == "received"]
        redeliveries = max(len(receives) - 1, 0)
        if redeliveries != times:
            timeline = "\n".join(
                f"    {e.at.isoformat(timespec='milliseconds')}  {e.event}"
                + (f" ({e.detail})" if e.detail else "")
                for e in view.history(message_id)
            )
            raise AssertionError(
                f"expected message {message_id} in queue {view.name!r} to be redelivered "
                f"{times} time(s), but it was redelivered {redeliveries} time(s) "
                f"({len(receives)} receive(s)). Its history:\n{timeline}"
            )

    def queue(
        self, name_or_url: str, *, region: str | None = None, account_id: str | None = None
    ) -> QueueView:
        """A read-only view of a queue, by name or URL.

        Args:
            name_or_url: the queue name or any QueueUrl form.
            region: default: the mock's region.
            account_id: default: the account in the URL, else the mock's.
        """
        return QueueView.find(
            self.simulator,
            name_or_url,
            region=region or self.region,
            account_id=account_id,
        )

    def dead_letter(self, queue: str, message_id: str) -> QueueView:
        """Move a message to its queue's dead-letter queue now, as if it had been received
        ``maxReceiveCount`` times; returns a view of the dead-letter queue.

        Args:
            queue: the source queue's name or URL.
            message_id: the message, in any state.
        """
        with self.simulator.lock:
            view = self.queue(queue)
            target = controls.force_dead_letter(
                self.simulator, view._queue(), message_id, self.simulator.clock.now()
            )
            return QueueView.of(self.simulator, target)

    def expire(self, queue: str, message_id: str) -> None:
        """End a message's retention period now: it disappears as if it had grown too old.

        Args:
            queue: the queue's name or URL.
            message_id: the message, in any state.
        """
        with self.simulator.lock:
            view = self.queue(queue)
            controls.force_expire(view._queue(), message_id, self.simulator.clock.now())

    def queues(self) -> list[QueueView]:
        """Views of every queue, in every account and region."""
        return [QueueView.of(self.simulator, queue) for queue in self.simulator.queues()]


def _same_queue(call: APICall, queue: str) -> bool:
    """Whether a call addressed ``queue``: by name, or exactly (account, region) by URL."""
    assert call.queue_url is not None
    account, name = split_queue_url(call.queue_url)
    wanted_account, wanted_name = split_queue_url(queue)
    if wanted_name != name:
        return False
    if "/" not in queue:
        return True
    return (wanted_account, region_of_url(queue)) == (account, region_of_url(call.queue_url))


@overload
def mock_sqs(target: F, /) -> F: ...


@overload
def mock_sqs(
    *,
    region: str = ...,
    account_id: str = ...,
    clock: str | Clock = ...,
    start: float | datetime | None = ...,
    seed: int | None = ...,
    long_poll: str = ...,
) -> MockSQS: ...


def mock_sqs(target: Any = None, /, **options: Any) -> Any:
    """Simulate Amazon SQS for boto3/botocore; see :class:`MockSQS` for the options.

    ``@mock_sqs`` and ``@mock_sqs(...)`` decorate; ``with mock_sqs(...) as sqs`` gives
    the handle (``sqs.advance(30)``, ``sqs.queue("orders")``).
    """
    mock = MockSQS(**options)
    return mock if target is None else mock(target)
