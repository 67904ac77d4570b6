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
from ._core.clock import Clock, ManualClock, WallClock
from ._core.simulator import DEFAULT_ACCOUNT_ID, DEFAULT_REGION, SQSSimulator
from ._inspect import QueueView

F = TypeVar("F", bound=Callable[..., Any])


def _make_clock(clock: str | Clock) -> Clock:
    if isinstance(clock, Clock):
        return clock
    if clock == "wall":
        return WallClock()
    if clock == "manual":
        return ManualClock()
    raise ValueError(f"clock must be 'wall', 'manual' or a Clock, not {clock!r}")


class MockSQS:
    """Amazon SQS simulated in-process for every botocore/boto3 client.

    Use it as a context manager (``with mock_sqs() as sqs:``), a decorator, or call
    :meth:`start` and :meth:`stop`.  Each start begins with an empty simulator.

    Args:
        region: default region (used when a client has none configured), e.g. "us-east-1".
        account_id: the caller's 12-digit account id.
        clock: "wall" (real time plus :meth:`advance`, moved by freezegun/time-machine),
            "manual" (stands still until advanced) or a :class:`Clock`.
        seed: seed of the simulator's RNG (message ids, receipt handles) for replay.
        long_poll: "fast-forward" (default) or "off"; see the docs on time.
    """

    def __init__(
        self,
        *,
        region: str = DEFAULT_REGION,
        account_id: str = DEFAULT_ACCOUNT_ID,
        clock: str | Clock = "wall",
        seed: int | None = None,
        long_poll: str = "fast-forward",
    ) -> None:
        self.region = region
        self.account_id = account_id
        self._clock_option = clock
        self.seed = seed
        self.long_poll = long_poll
        self._simulator: SQSSimulator | None = None

    # -- lifecycle ------------------------------------------------------------

    def start(self) -> MockSQS:
        """Switch the mock on with a fresh simulator; returns ``self``."""
        if self._simulator is not None:
            raise RuntimeError("this mock_sqs is already started")
        self._simulator = SQSSimulator(
            account_id=self.account_id,
            region=self.region,
            clock=_make_clock(self._clock_option),
            seed=self.seed,
            long_poll=self.long_poll,
        )
        _botocore.register_builtin()
        _active.push(self)
        return self

    def stop(self) -> None:
        """Switch the mock off and restore the environment it changed."""
        if self._simulator is None:
            raise RuntimeError("this mock_sqs is not started")
        _active.remove(self)
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
    def simulator(self) -> SQSSimulator:
        """The running simulator (only while started)."""
        if self._simulator is None:
            raise RuntimeError("mock_sqs is not started: use it in a with block or call start()")
        return self._simulator

    @property
    def clock(self) -> Clock:
        """The simulator's clock."""
        return self.simulator.clock

    def advance(self, delta: float | timedelta) -> None:
        """Move simulated time forward by ``delta`` seconds (or a ``timedelta``)."""
        with self.simulator.lock:
            self.simulator.clock.advance(delta)

    def move_to(self, when: float | datetime) -> None:
        """Move simulated time forward to ``when`` (epoch seconds or ``datetime``)."""
        with self.simulator.lock:
            self.simulator.clock.move_to(when)

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


@overload
def mock_sqs(target: F, /) -> F: ...


@overload
def mock_sqs(
    *,
    region: str = ...,
    account_id: str = ...,
    clock: str | Clock = ...,
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
