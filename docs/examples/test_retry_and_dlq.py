"""Cookbook: a consumer's retries and dead-letter handling, tested without sleeping."""

from __future__ import annotations

import json
from typing import Any

import pytest


def handle_payment(client: Any, queue_url: str, charge: Any) -> None:
    """The code under test: take one payment off the queue, delete it only on success."""
    got = client.receive_message(QueueUrl=queue_url, WaitTimeSeconds=20)
    for message in got.get("Messages", []):
        charge(json.loads(message["Body"]))  # raises on failure: the message stays
        client.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])


def declined(payment: dict[str, Any]) -> None:
    raise RuntimeError(f"card declined for order {payment['order']}")


@pytest.mark.sqs(clock="manual")
def test_a_declined_payment_is_retried_then_dead_lettered(sqs, sqs_client, sqs_queue_factory):
    queue = sqs_queue_factory("payments", dlq=True, max_receive_count=3, VisibilityTimeout="30")
    sqs_client.send_message(QueueUrl=queue.url, MessageBody='{"order": 42}')

    for _ in range(3):
        with pytest.raises(RuntimeError, match="card declined"):
            handle_payment(sqs_client, queue.url, declined)
        sqs.advance(30)  # the visibility timeout ends: SQS will deliver it again

    handle_payment(sqs_client, queue.url, declined)  # the 4th receive moves it instead

    queue.assert_empty()
    [dead] = queue.dlq.assert_contains('{"order": 42}')
    assert dead.receive_count == 3
    sqs.assert_redelivered("payments-dlq", dead.message_id, times=2)


@pytest.mark.sqs(clock="manual")
def test_redrive_brings_it_back_once_the_bug_is_fixed(sqs, sqs_client, sqs_queue_factory):
    queue = sqs_queue_factory("payments", dlq=True, max_receive_count=1)
    sqs_client.send_message(QueueUrl=queue.url, MessageBody='{"order": 7}')
    handle_payment_failing_once = pytest.raises(RuntimeError)
    with handle_payment_failing_once:
        handle_payment(sqs_client, queue.url, declined)
    sqs.advance_until(lambda: queue.visible)
    handle_payment(sqs_client, queue.url, declined)  # moved to the DLQ, not returned

    sqs_client.start_message_move_task(SourceArn=queue.dlq.arn)
    charged: list[dict[str, Any]] = []
    handle_payment(sqs_client, queue.url, charged.append)
    assert charged == [{"order": 7}]
    queue.assert_empty()
    queue.dlq.assert_empty()
