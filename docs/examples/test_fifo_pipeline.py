"""Cookbook: a FIFO pipeline keeps each customer's events in order, across retries."""

from __future__ import annotations

from typing import Any

import pytest


def consume(client: Any, queue_url: str, sink: list[str], fail_on: str | None = None) -> None:
    """The code under test: process a batch; after a failure, leave the rest of that
    customer's events alone so they come back, in order, with the failed one."""
    got = client.receive_message(
        QueueUrl=queue_url,
        MaxNumberOfMessages=10,
        VisibilityTimeout=30,
        MessageSystemAttributeNames=["MessageGroupId"],
    )
    failed_groups: set[str] = set()
    for message in got.get("Messages", []):
        group = message["Attributes"]["MessageGroupId"]
        if group in failed_groups or message["Body"] == fail_on:
            failed_groups.add(group)
            continue
        sink.append(message["Body"])
        client.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])


@pytest.mark.sqs(clock="manual")
def test_a_failure_holds_back_only_its_own_customer(sqs, sqs_client, sqs_queue_factory):
    queue = sqs_queue_factory("events", fifo=True, ContentBasedDeduplication="true")
    for customer, event in [("ann", "ann:1"), ("bob", "bob:1"), ("ann", "ann:2"), ("bob", "bob:2")]:
        sqs_client.send_message(QueueUrl=queue.url, MessageBody=event, MessageGroupId=customer)

    processed: list[str] = []
    consume(sqs_client, queue.url, processed, fail_on="ann:1")
    consume(sqs_client, queue.url, processed)

    assert processed == ["bob:1", "bob:2"]  # ann's group is locked behind ann:1
    assert list(queue.locked_groups) == ["ann"]

    sqs.advance(30)  # ann:1 becomes visible again, still first in its group
    consume(sqs_client, queue.url, processed)
    assert processed == ["bob:1", "bob:2", "ann:1", "ann:2"]
