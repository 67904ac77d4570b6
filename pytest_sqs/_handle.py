"""What every way of running the simulator offers tests: time travel, inspection, the
record of calls.  ``mock_sqs`` (in-process) and ``SQSServer`` (over HTTP) build on it."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from types import TracebackType
from typing import Any, TypeVar

from . import _active
from ._core import controls
from ._core.chaos import Chaos, ChaosState
from ._core.clock import Clock, to_seconds
from ._core.simulator import LONG_POLL_POLICIES, SQSSimulator, region_of_url, split_queue_url
from ._inspect import APICall, QueueView, _utc, next_event_at

_H = TypeVar("_H", bound="SQSHandle")


class SQSHandle:
    """A running simulator, as tests see it (subclasses start and stop it)."""

    _NOT_RUNNING = "the simulator is not started"
    CLOCKS: tuple[str, ...] = ("wall", "manual")  # the clock names this way of running takes

    def __init__(
        self,
        *,
        region: str,
        account_id: str,
        clock: str | Clock,
        start: float | datetime | None,
        seed: int | None,
        long_poll: str,
        chaos: Chaos | dict[str, object] | bool | None = None,
    ) -> None:
        # Refuse bad options here, where the user wrote them, not at start.
        self.chaos_settings = Chaos.of(chaos)
        self._last_chaos: ChaosState | None = None
        self._blocks = 0
        clocks = self.CLOCKS
        if not isinstance(clock, Clock) and clock not in clocks:
            raise ValueError(f"clock must be one of {clocks} or a Clock, not {clock!r}")
        if long_poll not in LONG_POLL_POLICIES:
            raise ValueError(f"long_poll must be one of {LONG_POLL_POLICIES}, not {long_poll!r}")
        if start is not None and clock == "wall":
            needs = " or ".join(f"clock={name!r}" for name in clocks if name != "wall")
            raise ValueError(f"start= needs {needs}")
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

    # -- lifecycle: ``with``, ``async with`` or start()/stop() ----------------

    def start(self: _H) -> _H:
        """Start a fresh simulator; returns ``self``."""
        raise NotImplementedError

    def stop(self) -> None:
        """Stop the simulator; long polls in flight end empty-handed."""
        raise NotImplementedError

    def __enter__(self: _H) -> _H:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    async def __aenter__(self: _H) -> _H:
        return self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        """Whether the mock is started."""
        return self._simulator is not None

    @property
    def simulator(self) -> SQSSimulator:
        """The running simulator (only while started)."""
        if self._simulator is None:
            raise RuntimeError(self._NOT_RUNNING)
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
        *,
        simulator: SQSSimulator | None = None,
    ) -> None:
        """Note one API call (the interceptor calls this).  With ``simulator``: only if
        the call ran on the current one (a task's long poll can outlive its mock)."""
        current = self._simulator
        if current is None or (simulator is not None and simulator is not current):
            return
        self._calls.append((action, params, current.clock.now(), response, error))

    @property
    def calls(self) -> list[APICall]:
        """Every SQS call the simulator answered, oldest first."""
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

    # -- chaos ----------------------------------------------------------------

    def _new_chaos(
        self, settings: Chaos | None, seed: int | None = None, replay: int | None = None
    ) -> ChaosState | None:
        """A chaos state: the settings' seed, else ``seed`` (with the command-line seed
        ``replay`` it follows from), else the session's (``--sqs-chaos-seed`` or a random
        one the report header shows), else a random one; reports name it."""
        if settings is None:
            return None
        if settings.seed is not None:
            state = ChaosState(settings, settings.seed)
        elif seed is not None:
            state = ChaosState(settings, seed, replay)
        else:
            session = _active.chaos_seed()
            chosen = random.randrange(2**32) if session is None else session
            state = ChaosState(settings, chosen, chosen)
        self._last_chaos = state
        _active.chaos_used.append(state)
        del _active.chaos_used[:-100]  # outside pytest nothing clears it
        return state

    @property
    def chaos_seed(self) -> int | None:
        """The seed of the faults chaos mode injects (the last chaos in use, ``None`` if
        none): pass it back (``Chaos(seed=...)``, ``--sqs-chaos-seed``) to replay them."""
        chaos = self.simulator.chaos or self._last_chaos
        return None if chaos is None else chaos.seed

    @property
    def chaos_faults(self) -> int:
        """How many faults chaos mode has injected so far (in the current chaos)."""
        chaos = self.simulator.chaos or self._last_chaos
        return 0 if chaos is None else chaos.faults

    @contextmanager
    def chaos_on(self: _H, chaos: Chaos | dict[str, object] | bool = True) -> Iterator[_H]:
        """Chaos only inside the block, e.g. around the code under test and not its setup.

        Without a seed of its own, each block's seed follows from the mock's (or the
        command line's), so a run replays.
        """
        settings = Chaos.of(chaos)
        simulator = self.simulator
        with simulator.lock:
            saved = simulator.chaos
            self._blocks += 1
            base: int | None = saved.seed if saved is not None else _active.chaos_seed()
            replay = saved.replay if saved is not None else base
            derived = None if base is None else (base * 1_000_003 + self._blocks) % 2**32
            simulator.chaos = self._new_chaos(settings, derived, replay)
        try:
            yield self
        finally:
            with simulator.lock:
                simulator.chaos = saved

    @contextmanager
    def chaos_off(self: _H) -> Iterator[_H]:
        """No chaos inside the block (setup, assertions), the mock's own outside it."""
        simulator = self.simulator
        with simulator.lock:
            saved = simulator.chaos
            enabled = saved.enabled if saved is not None else False
            if saved is not None:
                saved.enabled = False
        try:
            yield self
        finally:
            with simulator.lock:
                if saved is not None:
                    saved.enabled = enabled

    def advance(self, delta: float | timedelta) -> None:
        """Move simulated time forward by ``delta`` seconds (or a ``timedelta``)."""
        with self.simulator.lock:
            self.simulator.clock.advance(delta)
            self.simulator.notify_send()  # long polls waiting in real time look again

    def move_to(self, when: float | datetime) -> None:
        """Move simulated time forward to ``when`` (epoch seconds or ``datetime``)."""
        with self.simulator.lock:
            self.simulator.clock.move_to(when)
            self.simulator.notify_send()

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
                    self.simulator.notify_send()
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
            self.simulator.notify_send()  # a long poll may be waiting on the DLQ
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
        simulator = self.simulator
        with simulator.lock:  # queues may be created meanwhile by other threads
            return [QueueView.of(simulator, queue) for queue in simulator.queues()]


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
