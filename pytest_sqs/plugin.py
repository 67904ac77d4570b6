"""The pytest plugin (entry point ``sqs``): importing it early registers the interceptor
before any test module makes a client; the ``sqs`` fixture gives a fresh mock per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ._mock import MockSQS


@pytest.fixture
def sqs() -> Iterator[MockSQS]:
    """Amazon SQS simulated for this test; the handle to advance time and inspect queues."""
    with MockSQS() as mock:
        yield mock
