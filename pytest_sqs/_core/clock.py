"""The simulator's only source of "now" (design §4).

Times are float epoch seconds.  Nothing here starts a thread or sleeps: timers in
the simulator are settled lazily against :meth:`Clock.now` at each operation.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from datetime import datetime, timedelta, timezone

# Real time for real waits.  freezegun replaces every module attribute that is the
# real time.monotonic (ours too) and would freeze a wait; it does not look in a tuple.
_REAL_MONOTONIC = (time.monotonic,)


def monotonic() -> float:
    """Real monotonic seconds, even while freezegun freezes ``time.monotonic``."""
    return _REAL_MONOTONIC[0]()


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, tz=timezone.utc).isoformat(timespec="milliseconds")


def to_seconds(delta: float | timedelta) -> float:
    """A duration in seconds from a number of seconds or a ``timedelta``."""
    seconds = delta.total_seconds() if isinstance(delta, timedelta) else float(delta)
    if seconds < 0:
        raise ValueError(f"cannot move the clock backwards (by {seconds} s)")
    return seconds


def to_epoch(when: float | datetime) -> float:
    """Epoch seconds from a number or a ``datetime`` (naive datetimes are UTC)."""
    if isinstance(when, datetime):
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        return when.timestamp()
    return float(when)


class Clock(ABC):
    """A source of the current time that tests can move forward."""

    @abstractmethod
    def now(self) -> float:
        """The current time, epoch seconds."""

    @abstractmethod
    def advance(self, delta: float | timedelta) -> None:
        """Move time forward by ``delta`` (seconds or ``timedelta``)."""

    def move_to(self, when: float | datetime) -> None:
        """Move time forward to ``when`` (epoch seconds or ``datetime``); never backwards."""
        target = to_epoch(when)
        current = self.now()
        if target < current:
            raise ValueError(
                f"cannot move the clock backwards from {_iso(current)} to {_iso(target)}"
            )
        self.advance(target - current)

    def close(self) -> None:  # noqa: B027 - optional hook, most clocks hold nothing
        """Release what the clock holds when its mock stops (nothing, by default)."""


class WallClock(Clock):
    """Real time plus the time travelled by :meth:`advance`.

    ``time.time()`` is looked up at every call, so freezegun and time-machine move
    this clock too.  It never goes backwards: if the process clock steps back, the
    simulator stays where it was until real time catches up.
    """

    __slots__ = ("_last", "_offset")

    def __init__(self) -> None:
        self._offset = 0.0
        self._last = 0.0

    def now(self) -> float:
        current = time.time() + self._offset
        if current < self._last:
            return self._last
        self._last = current
        return current

    def advance(self, delta: float | timedelta) -> None:
        self._offset += to_seconds(delta)


class ManualClock(Clock):
    """Time that stands still until the test moves it.

    Args:
        start: the initial time, epoch seconds or ``datetime``; default: now.
    """

    __slots__ = ("_now",)

    def __init__(self, start: float | datetime | None = None) -> None:
        self._now = time.time() if start is None else to_epoch(start)

    def now(self) -> float:
        return self._now

    def advance(self, delta: float | timedelta) -> None:
        self._now += to_seconds(delta)
