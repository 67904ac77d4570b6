"""The SQS simulation core: standard library only (design §1)."""

from __future__ import annotations

from .clock import Clock, ManualClock, WallClock
from .errors import SimulatorBug, SQSError, UnsupportedBySimulator
from .simulator import SQSSimulator

__all__ = [
    "Clock",
    "ManualClock",
    "SQSError",
    "SQSSimulator",
    "SimulatorBug",
    "UnsupportedBySimulator",
    "WallClock",
]
