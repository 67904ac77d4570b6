"""docs/async.md: an aioboto3 payment worker tested with the same fixtures and time travel."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

import aioboto3
import pytest

Charge = Callable[[dict[str, Any]], Awaitable[None]]


async def drain_payments(queue_url: str, charge: Charge) -> int:
    """The code under test: charge every waiting payment; stop at the first empty poll.

    A payment whose charge fails is left on the queue: SQS delivers it again after the
    visibility timeout, and moves it to the dead-letter queue after too many tries.
    """
    charged = 0
    async with aioboto3.Session().client("sqs") as sqs:
        while True:
            answer = await sqs.receive_message(
                QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=20
            )
            if "Messages" not in answer:
                return charged
            for message in answer["Messages"]:
                try:
                    await charge(json.loads(message["Body"]))
                except RuntimeError:
                    continue  # not deleted: it comes back
                await sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
                charged += 1


async def payment_worker(queue_url: str, charge: Charge) -> None:
    """The same, as a long-running task (cancel it to stop)."""
    while True:
        await drain_payments(queue_url, charge)


@pytest.mark.asyncio
async def test_each_payment_is_charged_once(sqs, sqs_queue_factory):
    payments = sqs_queue_factory("payments")
    async with aioboto3.Session().client("sqs") as client:
        for order in (1, 2, 3):
            await client.send_message(
                QueueUrl=payments.url, MessageBody=json.dumps({"order": order})
            )

    charged = []

    async def charge(payment):
        charged.append(payment["order"])

    assert await drain_payments(payments.url, charge) == 3
    assert sorted(charged) == [1, 2, 3]
    payments.assert_empty()


@pytest.mark.asyncio
async def test_a_declined_card_ends_in_the_dead_letter_queue(sqs, sqs_queue_factory):
    payments = sqs_queue_factory("payments", dlq=True, max_receive_count=2, VisibilityTimeout=30)
    async with aioboto3.Session().client("sqs") as client:
        await client.send_message(QueueUrl=payments.url, MessageBody='{"order": 42}')

    async def declined(payment):
        raise RuntimeError(f"card declined for order {payment['order']}")

    assert await drain_payments(payments.url, declined) == 0  # tried once, then 20 s of nothing
    [payment] = payments.in_flight
    assert payment.receive_count == 1

    sqs.advance(30)  # the visibility timeout ends
    await drain_payments(payments.url, declined)  # tried again...
    sqs.advance(30)
    await drain_payments(payments.url, declined)  # ...and moved to the DLQ, not delivered

    payments.assert_empty()
    [dead] = payments.dlq.assert_contains('{"order": 42}')
    sqs.assert_redelivered("payments", dead.message_id, times=1)


@pytest.mark.asyncio
@pytest.mark.sqs(clock="manual", long_poll="real")  # polls wait until a send or advance()
async def test_workers_running_beside_the_test(sqs, sqs_queue_factory):
    payments = sqs_queue_factory("payments", VisibilityTimeout=30)
    charged = asyncio.Queue()
    declines = {7}  # order 7's first charge fails

    async def charge(payment):
        if payment["order"] in declines:
            declines.discard(payment["order"])
            raise RuntimeError("declined")
        await charged.put(payment["order"])

    workers = [asyncio.create_task(payment_worker(payments.url, charge)) for _ in range(3)]
    async with aioboto3.Session().client("sqs") as client:
        for order in range(10):
            await client.send_message(
                QueueUrl=payments.url, MessageBody=json.dumps({"order": order})
            )
        done = [await asyncio.wait_for(charged.get(), timeout=5) for _ in range(9)]
        assert 7 not in done

        sqs.advance(30)  # order 7 becomes visible again; a waiting worker takes it
        assert await asyncio.wait_for(charged.get(), timeout=5) == 7

    for worker in workers:
        worker.cancel()
    await asyncio.gather(*workers, return_exceptions=True)
    payments.assert_empty()
