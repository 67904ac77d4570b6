"""Chaos mode's transient errors for aiobotocore clients: retried by aiobotocore's own
retry loop, its waits in simulated time, its long polls still on the event loop."""

from __future__ import annotations

import asyncio

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from test_async_clients import Ticker, aio_client

from pytest_sqs import Chaos, mock_sqs

pytestmark = pytest.mark.asyncio


async def test_a_throttled_call_is_retried_until_its_attempts_run_out() -> None:
    chaos = Chaos(seed=2, errors=1.0, error_codes=("RequestThrottled",))
    async with mock_sqs(clock="manual", chaos=chaos) as sqs, aio_client() as client:
        ticker = Ticker()
        before = sqs.clock.now()
        with pytest.raises(ClientError) as caught:
            await client.list_queues()
        assert caught.value.response["Error"]["Code"] == "RequestThrottled"
        metadata = caught.value.response["ResponseMetadata"]
        assert metadata["RetryAttempts"] == 4  # legacy mode: 5 attempts
        assert metadata["HTTPStatusCode"] == 403
        assert [call.error for call in sqs.calls] == ["RequestThrottled"] * 5
        assert 0 < sqs.clock.now() - before < 15  # the backoff, in simulated time
        assert ticker.ticks >= 4  # each wait went through the event loop
        ticker.task.cancel()


async def test_retried_calls_get_through_and_a_long_poll_waits_on_the_loop() -> None:
    chaos = Chaos(seed=6, errors=0.3, error_actions={"ReceiveMessage", "SendMessage"})
    config = Config(retries={"mode": "standard", "total_max_attempts": 30})
    async with mock_sqs(long_poll="real", chaos=chaos) as sqs:
        async with aio_client(config=config) as consumer, aio_client(config=config) as producer:
            with sqs.chaos_off():
                url = (await consumer.create_queue(QueueName="q"))["QueueUrl"]

            async def receive() -> list[str]:
                got = await consumer.receive_message(QueueUrl=url, WaitTimeSeconds=20)
                return [message["Body"] for message in got.get("Messages", [])]

            ticker = Ticker()
            polls = [asyncio.create_task(receive()) for _ in range(3)]
            await asyncio.sleep(0.05)
            assert not any(poll.done() for poll in polls)  # waiting, the loop running
            for n in range(3):
                await producer.send_message(QueueUrl=url, MessageBody=str(n))
            bodies = sorted(body for got in await asyncio.gather(*polls) for body in got)
            assert bodies == ["0", "1", "2"]
            assert ticker.ticks > 3
            ticker.task.cancel()
        assert any(call.error for call in sqs.calls)  # and some calls were retried


async def test_an_error_not_retried_surfaces_at_once() -> None:
    chaos = Chaos(seed=2, errors=1.0, error_codes=("KMS.ThrottlingException",))
    async with mock_sqs(clock="manual", chaos=chaos), aio_client() as client:
        with pytest.raises(ClientError) as caught:
            await client.receive_message(QueueUrl="123456789012/q", WaitTimeSeconds=5)
        assert caught.value.response["Error"]["Code"] == "KMS.ThrottlingException"
        assert caught.value.response["ResponseMetadata"]["RetryAttempts"] == 0
