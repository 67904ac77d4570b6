"""The fixtures in tests run by anyio's pytest plugin (on asyncio: aiobotocore needs it)."""

from __future__ import annotations

import pytest
from aiobotocore.session import get_session

from pytest_sqs import MockSQS, QueueView

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def test_the_fixtures_under_anyio(sqs: MockSQS, sqs_queue: QueueView) -> None:
    async with get_session().create_client("sqs", region_name=sqs.region) as client:
        await client.send_message(QueueUrl=sqs_queue.url, MessageBody="via anyio")
        start = sqs.clock.now()
        answer = await client.receive_message(QueueUrl=sqs_queue.url, WaitTimeSeconds=20)
        assert [m["Body"] for m in answer["Messages"]] == ["via anyio"]
        empty = await client.receive_message(QueueUrl=sqs_queue.url, WaitTimeSeconds=20)
        assert "Messages" not in empty
    assert sqs.clock.now() - start >= 20  # the empty poll fast-forwarded
    [message] = sqs_queue.in_flight
    assert message.body == "via anyio"


@pytest.mark.sqs(clock="manual", long_poll="real")
async def test_the_marker_under_anyio(sqs: MockSQS, sqs_fifo_queue: QueueView) -> None:
    async with get_session().create_client("sqs", region_name=sqs.region) as client:
        for body in ("first", "second"):
            await client.send_message(
                QueueUrl=sqs_fifo_queue.url,
                MessageBody=body,
                MessageGroupId="g",
                MessageDeduplicationId=body,
            )
        answer = await client.receive_message(QueueUrl=sqs_fifo_queue.url, MaxNumberOfMessages=10)
    assert [m["Body"] for m in answer["Messages"]] == ["first", "second"]
