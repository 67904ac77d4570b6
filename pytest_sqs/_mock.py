"""``mock_sqs``: the simulator switched on for a block, a function, a coroutine or a TestCase."""

from __future__ import annotations

import functools
import inspect
import unittest
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar, overload

from . import _active, _botocore
from ._core.chaos import Chaos
from ._core.clock import Clock, ManualClock, WallClock
from ._core.simulator import (
    DEFAULT_ACCOUNT_ID,
    DEFAULT_REGION,
    SQSSimulator,
)
from ._handle import SQSHandle

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


class MockSQS(SQSHandle):
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
        chaos: duplicate deliveries, reordering and short receives on standard queues,
            and transient errors that clients retry, reproducibly: ``True`` (default
            rates), a dict of :class:`Chaos` keywords, or a :class:`Chaos`; see the docs
            on idempotent consumers.
    """

    _NOT_RUNNING = "mock_sqs is not started: use it in a with block or call start()"
    CLOCKS = CLOCKS

    def __init__(
        self,
        *,
        region: str = DEFAULT_REGION,
        account_id: str = DEFAULT_ACCOUNT_ID,
        clock: str | Clock = "wall",
        start: float | datetime | None = None,
        seed: int | None = None,
        long_poll: str = "fast-forward",
        chaos: Chaos | dict[str, object] | bool | None = None,
    ) -> None:
        super().__init__(
            region=region,
            account_id=account_id,
            clock=clock,
            start=start,
            seed=seed,
            long_poll=long_poll,
            chaos=chaos,
        )

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
            chaos=self._new_chaos(self.chaos_settings),
        )
        self._calls = []
        self._blocks = 0
        _botocore.register_builtin()
        _active.push(self)
        return self

    def stop(self) -> None:
        """Switch the mock off and restore the environment it changed."""
        if self._simulator is None:
            raise RuntimeError("this mock_sqs is not started")
        _active.remove(self)
        self._simulator.close()  # long polls still waiting (in tasks, threads) end empty
        self._simulator.clock.close()
        self._simulator = None

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
            chaos=self.chaos_settings,
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
    chaos: Chaos | dict[str, object] | bool | None = ...,
) -> MockSQS: ...


def mock_sqs(target: Any = None, /, **options: Any) -> Any:
    """Simulate Amazon SQS for boto3/botocore; see :class:`MockSQS` for the options.

    ``@mock_sqs`` and ``@mock_sqs(...)`` decorate; ``with mock_sqs(...) as sqs`` gives
    the handle (``sqs.advance(30)``, ``sqs.queue("orders")``).
    """
    mock = MockSQS(**options)
    return mock if target is None else mock(target)
