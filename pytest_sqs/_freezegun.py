"""``clock="freezegun"``: simulated time that is also the process's time (design §4).

Advancing the simulator moves freezegun's frozen clock, so application code that reads
``time.time()`` or ``datetime.now()`` sees the same moment as the queues.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from freezegun import freeze_time

from ._core.clock import Clock, to_epoch, to_seconds

_started: list[FreezegunClock] = []  # in start order: freezegun stops in reverse


class FreezegunClock(Clock):
    """Freezes the process clock at ``start`` (default: now) until the mock stops.

    freezegun must be stopped in the reverse order of starting, and mocks may stop in any
    order: a clock closed while a later one runs stays frozen underneath it and is
    stopped when that one stops.

    Args:
        start: epoch seconds or ``datetime`` to freeze at; default: the current time.
    """

    def __init__(self, start: float | datetime | None = None) -> None:
        when = (
            datetime.now(timezone.utc)
            if start is None
            else datetime.fromtimestamp(to_epoch(start), tz=timezone.utc)
        )
        # Not ignoring _pytest: freezegun looks up the stack, and tests are called by pytest.
        # So --durations reads frozen time for these tests.  real_asyncio: the event loop
        # keeps real time, or every asyncio timeout (and async long poll) would hang.
        self._freezer: Any = freeze_time(when, real_asyncio=True)
        self._frozen: Any = self._freezer.start()
        self._closed = False
        _started.append(self)

    def now(self) -> float:
        import time

        return time.time()

    def advance(self, delta: float | timedelta) -> None:
        self._frozen.tick(timedelta(seconds=to_seconds(delta)))

    def close(self) -> None:
        self._closed = True
        while _started and _started[-1]._closed:
            _started.pop()._freezer.stop()
