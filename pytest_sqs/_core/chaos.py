"""Chaos: the liberties SQS takes with standard queues, taken on purpose and reproducibly.

Standard queues promise at-least-once delivery in best-effort order, and a short poll
asks only some of the servers: a consumer may get a message twice, out of order, or an
empty answer while messages wait.  Any call may fail with a transient error that the SDK
retries.  With chaos on, the simulator does this at the rates given, drawing from its
own RNGs seeded by ``seed``, so the same seed and the same calls replay the same faults.
FIFO queues keep their exactly-once and ordering guarantees; only transient errors
touch them.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field

from . import actions
from .errors import INTERNAL, KMS_THROTTLING, THROTTLED, UNAVAILABLE, ErrorSpec, SQSError

# The transient errors chaos can answer with, by the Error.Code botocore reports.
TRANSIENT_ERRORS: dict[str, ErrorSpec] = {
    spec.kind.code: spec for spec in (THROTTLED, UNAVAILABLE, INTERNAL, KMS_THROTTLING)
}
DEFAULT_ERRORS = ("RequestThrottled", "ServiceUnavailable", "InternalError")


def _names(setting: str, value: str | Iterable[str], known: Iterable[str]) -> list[str]:
    """One name or several, each one of ``known`` (a ValueError names the others)."""
    names = [value] if isinstance(value, str) else list(value)
    allowed = sorted(known)
    for name in names:
        if name not in allowed:
            raise ValueError(f"chaos {setting}: {name!r} is not one of {', '.join(allowed)}")
    return names


def _rate(name: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ValueError(f"chaos {name} must be a probability from 0 to 1, not {value!r}")
    return float(value)


@dataclass(frozen=True)
class Chaos:
    """What chaos mode does, and how often.

    Args:
        seed: seeds the faults (``None``: a random seed, shown in reports for replay).
        duplicate: chance that deleting a message of a standard queue is lost (one of the
            servers holding a copy misses it): the call succeeds, and the message is
            visible again at once, to be delivered again.
        duplicate_in_flight: chance that a receive from a standard queue also gets a
            message another consumer holds in flight (a server with a copy missed that it
            was received): the one nearest the end of its visibility timeout, delivered
            first, with a new receipt handle; either consumer's delete deletes it.
        reorder: chance that a receive from a standard queue leaves the oldest message it
            would have returned for a later receive, and returns the rest shuffled.
        empty_receive: chance that a short poll (no wait) on a standard queue answers from
            a sample of servers: fewer messages than it could have, often none.
        errors: chance that a call fails with a transient error before SQS acts on it
            (every queue, FIFO too).  The client's retry mode retries it as it would
            against AWS; the error surfaces only when its retries run out.
        error_codes: which transient errors, drawn evenly: ``RequestThrottled``,
            ``ServiceUnavailable``, ``InternalError`` (the default), and
            ``KMS.ThrottlingException`` (an SSE-KMS queue's; botocore does not retry it).
        error_actions: the SQS actions transient errors apply to; ``None``: all of them.
        queues: names of the queues chaos applies to; ``None``: every queue.  Calls
            that name no queue (``ListQueues``) fail only when this is ``None``.
    """

    seed: int | None = None
    duplicate: float = 0.0
    duplicate_in_flight: float = 0.0
    reorder: float = 0.0
    empty_receive: float = 0.0
    errors: float = 0.0
    error_codes: tuple[str, ...] = DEFAULT_ERRORS
    error_actions: frozenset[str] | None = None
    queues: frozenset[str] | None = field(default=None)

    def __post_init__(self) -> None:
        for name in ("duplicate", "duplicate_in_flight", "reorder", "empty_receive", "errors"):
            _rate(name, getattr(self, name))
        codes = _names("error_codes", self.error_codes, TRANSIENT_ERRORS)
        if not codes:
            raise ValueError("chaos error_codes must name at least one error")
        object.__setattr__(self, "error_codes", tuple(dict.fromkeys(codes)))
        if self.error_actions is not None:
            chosen = _names("error_actions", self.error_actions, actions.load())
            object.__setattr__(self, "error_actions", frozenset(chosen))
        if self.seed is not None and (
            isinstance(self.seed, bool) or not isinstance(self.seed, int)
        ):
            raise ValueError(f"chaos seed must be an integer, not {self.seed!r}")
        if self.queues is not None:
            names = [self.queues] if isinstance(self.queues, str) else self.queues
            object.__setattr__(self, "queues", frozenset(names))

    def describe(self) -> str:
        """The settings that differ from the defaults, as the ini option takes them."""
        parts = []
        for name in ("duplicate", "duplicate_in_flight", "reorder", "empty_receive", "errors"):
            if getattr(self, name):
                parts.append(f"{name}={getattr(self, name):g}")
        if self.error_codes != DEFAULT_ERRORS:
            parts.append("error_codes=" + "|".join(self.error_codes))
        for name in ("error_actions", "queues"):
            names = getattr(self, name)
            if names is not None:
                parts.append(f"{name}=" + "|".join(sorted(names)))
        if self.seed is not None:
            parts.append(f"seed={self.seed}")
        return " ".join(parts) or "no faults"

    @classmethod
    def of(cls, value: Chaos | dict[str, object] | bool | None) -> Chaos | None:
        """A Chaos from what users write: ``True`` (the default rates), a dict of the
        keyword arguments, a Chaos, or ``None``/``False`` (off)."""
        if value is None or value is False:
            return None
        if value is True:
            # No transient errors: they send every call the slow way (serialised, signed,
            # parsed) and add failed attempts to the record; they are asked for by name.
            return cls(duplicate=0.1, duplicate_in_flight=0.05, reorder=0.1, empty_receive=0.2)
        if isinstance(value, cls):
            return value
        if isinstance(value, dict):
            return cls(**value)  # type: ignore[arg-type]
        raise ValueError(f"chaos must be True, a dict or a pytest_sqs.Chaos, not {value!r}")


class ChaosState:
    """Chaos at work in one simulator: the settings and the RNGs the faults come from.

    Each queue draws from its own RNG, seeded by (seed, queue name), so what happens on
    one queue does not shift the faults of another.
    """

    def __init__(self, chaos: Chaos, seed: int, replay: int | None = None) -> None:
        self.settings = chaos
        self.seed = seed
        self.replay = replay  # the --sqs-chaos-seed that replays it; None: fixed in a test
        self.enabled = True
        self.faults = 0  # faults that changed something, for reports
        self._rngs: dict[str, random.Random] = {}

    def applies(self, queue_name: str, fifo: bool) -> bool:
        chosen = self.settings.queues
        return self.enabled and not fifo and (chosen is None or queue_name in chosen)

    def may_fail(self, action: str, queue_name: str | None) -> bool:
        """Whether a call of ``action`` on the queue named (``None``: no queue) may meet
        a transient error; no draw."""
        settings = self.settings
        return (
            self.enabled
            and settings.errors > 0
            and (settings.error_actions is None or action in settings.error_actions)
            and (settings.queues is None or queue_name in settings.queues)
        )

    def transient_error(self, action: str, queue_name: str | None) -> SQSError | None:
        """Draw once for one attempt of a call: the transient error it fails with, if any.

        Errors draw from a generator of their own per queue, so turning them on does not
        shift the delivery faults of any queue.
        """
        if not self.may_fail(action, queue_name):
            return None
        rng = self.rng(f"{queue_name or ''}/errors")  # "/" is in no queue name
        if rng.random() >= self.settings.errors:
            return None
        self.faults += 1
        return SQSError(TRANSIENT_ERRORS[rng.choice(self.settings.error_codes)])

    def rng(self, queue_name: str) -> random.Random:
        rng = self._rngs.get(queue_name)
        if rng is None:
            rng = self._rngs[queue_name] = random.Random(f"{self.seed}:{queue_name}")
        return rng

    def happens(self, rate: float, queue_name: str) -> bool:
        """Draw once: whether a fault of this rate happens now on this queue (no draw at
        rate 0, so a rate left at 0 does not shift the sequence of the others)."""
        return rate > 0 and self.rng(queue_name).random() < rate
