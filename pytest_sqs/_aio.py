"""Long polls for asyncio clients (aiobotocore, aioboto3), waited for on the event loop.

aiobotocore emits the same events as botocore and awaits what a handler returns, so
every call is answered exactly as on the sync path; only a ReceiveMessage that has to
wait differs.  A thread would block inside the simulator; a task must not block its
loop, so the simulator raises :class:`Suspended` instead and the task waits here, woken
at once by sends from other tasks or threads, then resumes the call where it stopped.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from ._core.simulator import OutsideWait, SQSSimulator, Suspended

T = TypeVar("T")

# Event-loop turns a fast-forward long poll gives other tasks before it jumps the clock:
# enough for a producer task to get through a few awaits, and never a wait on time (the
# loop's clock may be frozen, and a test must not stall).
YIELD_ROUNDS = 20


def is_async_client(request_signer: Any) -> bool:
    """Whether a call comes from an aiobotocore client (their signer is aiobotocore's)."""
    signers = sys.modules.get("aiobotocore.signers")
    return signers is not None and isinstance(request_signer, signers.AioRequestSigner)


class _Waker:
    """Sets an asyncio event from any thread; called by the simulator with its lock held."""

    __slots__ = ("event", "loop")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.event = asyncio.Event()

    def __call__(self) -> None:
        try:
            self.loop.call_soon_threadsafe(self.event.set)
        except RuntimeError:  # a closed loop: nobody waits any more
            return


async def long_poll(
    simulator: SQSSimulator, attempt: Callable[[OutsideWait, Suspended | None], T]
) -> T:
    """Answer a ReceiveMessage whose long poll waits here, on the event loop.

    ``attempt(wait, None)`` runs the call; ``attempt(wait, pause)`` resumes it after a
    :class:`Suspended`.  Either lets the next :class:`Suspended` through.
    """
    loop = asyncio.get_running_loop()
    wait = OutsideWait(others=len(asyncio.all_tasks(loop)) > 1 or threading.active_count() > 1)
    waker = _Waker(loop)
    simulator.add_waker(waker)  # before the first try, so no send in between is missed
    started = loop.time()
    pause: Suspended | None = None
    try:
        while True:
            waker.event.clear()
            try:
                return attempt(wait, pause)
            except Suspended as suspended:
                pause = suspended
                await _pause(waker.event, pause.timeout)
                wait.real_elapsed = loop.time() - started
    finally:
        simulator.remove_waker(waker)


async def _pause(woken: asyncio.Event, timeout: float | None) -> None:
    if timeout is None:  # fast-forward: let the other tasks run first
        for _ in range(YIELD_ROUNDS):
            await asyncio.sleep(0)
            if woken.is_set():
                return
        if threading.active_count() == 1:
            return
        timeout = SQSSimulator.REAL_GRACE_S  # and other threads, as blocking code does
    # Not asyncio.wait_for: before Python 3.12 it can swallow a cancellation that
    # arrives as the event is set, and a cancelled consumer task would poll on.
    timer = asyncio.get_running_loop().call_later(timeout, woken.set)
    try:
        await woken.wait()
    finally:
        timer.cancel()
