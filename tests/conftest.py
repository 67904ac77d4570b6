"""Shared fixtures: a mock with a manual clock, a boto3 client and a fresh queue."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from pytest_sqs import MockSQS, mock_sqs

REGION = "us-east-1"
ACCOUNT = "123456789012"


@pytest.fixture
def mock() -> Iterator[MockSQS]:
    """SQS simulated with a clock that moves only when the test says so."""
    with mock_sqs(clock="manual", region=REGION, seed=1234) as handle:
        yield handle


@pytest.fixture
def client(mock: MockSQS) -> Any:
    return boto3.client("sqs", region_name=REGION)


@pytest.fixture
def queue_url(client: Any) -> str:
    return str(client.create_queue(QueueName="test-queue")["QueueUrl"])
