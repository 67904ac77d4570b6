"""Chaos: the liberties SQS takes with standard queues, taken on purpose and reproducibly.

Standard queues promise at-least-once delivery in best-effort order, and a short poll
asks only some of the servers: a consumer may get a message twice, out of order, or an
empty answer while messages wait.  With chaos on, the simulator does this at the rates
given, drawing from its own RNG seeded by ``seed``, so the same seed and the same calls
replay the same faults.  FIFO queues keep their exactly-once and ordering guarantees.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field


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
        reorder: chance that a receive from a standard queue leaves the oldest message it
            would have returned for a later receive, and returns the rest shuffled.
        empty_receive: chance that a short poll (no wait) on a standard queue answers from
            a sample of servers: fewer messages than it could have, often none.
        queues: names of the queues chaos applies to; ``None``: every standard queue.
    """

    seed: int | None = None
    duplicate: float = 0.0
    reorder: float = 0.0
    empty_receive: float = 0.0
    queues: frozenset[str] | None = field(default=None)

    def __post_init__(self) -> None:
        for name in ("duplicate", "reorder", "empty_receive"):
            _rate(name, getattr(self, name))
        if self.seed is not None and (
            isinstance(self.seed, bool) or not isinstance(self.seed, int)
        ):
            raise ValueError(f"chaos seed must be an integer, not {self.seed!r}")
        if self.queues is not None:
            names = [self.queues] if isinstance(self.queues, str) else self.queues
            object.__setattr__(self, "queues", frozenset(names))

    @classmethod
    def of(cls, value: Chaos | dict[str, object] | bool | None) -> Chaos | None:
        """A Chaos from what users write: ``True`` (the default rates), a dict of the
        keyword arguments, a Chaos, or ``None``/``False`` (off)."""
        if value is None or value is False:
            return None
        if value is True:
            return cls(duplicate=0.1, reorder=0.1, empty_receive=0.2)
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

    def __init__(self, chaos: Chaos, seed: int) -> None:
        self.settings = chaos
        self.seed = seed
        self.enabled = True
        self.faults = 0  # faults that changed something, for reports
        self._rngs: dict[str, random.Random] = {}

    def applies(self, queue_name: str, fifo: bool) -> bool:
        chosen = self.settings.queues
        return self.enabled and not fifo and (chosen is None or queue_name in chosen)

    def rng(self, queue_name: str) -> random.Random:
        rng = self._rngs.get(queue_name)
        if rng is None:
            rng = self._rngs[queue_name] = random.Random(f"{self.seed}:{queue_name}")
        return rng

    def happens(self, rate: float, queue_name: str) -> bool:
        """Draw once: whether a fault of this rate happens now on this queue (no draw at
        rate 0, so a rate left at 0 does not shift the sequence of the others)."""
        return rate > 0 and self.rng(queue_name).random() < rate
