"""pytest-sqs: Amazon SQS simulated in-process behind boto3, with a clock your tests control."""

from __future__ import annotations

from ._admin import AdminClient, AdminError
from ._botocore import UnmockedRequestError, patch_client
from ._core.chaos import Chaos
from ._core.clock import Clock, ManualClock, WallClock
from ._core.errors import SimulatorBug, UnsupportedBySimulator
from ._inspect import Datapoint, DeduplicationEntry, HistoryEntry, MessageSnapshot, QueueView
from ._mock import MockSQS, mock_sqs
from ._server import SQSServer

__all__ = [
    "AdminClient",
    "AdminError",
    "Chaos",
    "Clock",
    "Datapoint",
    "DeduplicationEntry",
    "HistoryEntry",
    "ManualClock",
    "MessageSnapshot",
    "MockSQS",
    "QueueView",
    "SQSServer",
    "SimulatorBug",
    "UnmockedRequestError",
    "UnsupportedBySimulator",
    "WallClock",
    "mock_sqs",
    "patch_client",
]
