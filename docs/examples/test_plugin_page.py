"""The snippets of docs/plugin.md, run as tests (a test keeps the page in step)."""

from __future__ import annotations

import json
from datetime import datetime

import pytest


def test_orders(sqs, sqs_client, sqs_queue_factory):
    orders = sqs_queue_factory("orders", dlq=True, max_receive_count=2, VisibilityTimeout="10")
    sqs_client.send_message(QueueUrl=orders.url, MessageBody="hi")
    orders.assert_contains("hi")
    assert orders.dlq.name == "orders-dlq"


@pytest.mark.sqs(clock="manual", start=datetime(2030, 1, 1), seed=7)
def test_timestamps(sqs_client, sqs_queue):
    sqs_client.send_message(QueueUrl=sqs_queue.url, MessageBody="then")
    assert sqs_queue.visible[0].sent_at.year == 2030


@pytest.mark.sqs(clock="manual")
def test_assertions(sqs, sqs_client, sqs_queue_factory):
    orders = sqs_queue_factory("orders", dlq=True, max_receive_count=3, VisibilityTimeout="30")
    orders.assert_empty()
    message_id = sqs_client.send_message(QueueUrl=orders.url, MessageBody='{"order": 42}')[
        "MessageId"
    ]
    orders.assert_contains('{"order": 42}')  # returns the matching snapshots
    for _ in range(3):
        sqs_client.receive_message(QueueUrl=orders.url)
        sqs.advance(30)
    orders.assert_contains(predicate=lambda m: m.receive_count > 1, state="visible", count=1)
    sqs.assert_redelivered("orders", message_id, times=2)
    sqs_client.send_message(QueueUrl=orders.dlq.url, MessageBody="poison")
    orders.dlq.assert_contains("poison")


def test_calls(sqs, sqs_client, sqs_queue_factory):
    orders = sqs_queue_factory("orders")
    sqs_client.send_message(
        QueueUrl=orders.url,
        MessageBody=json.dumps({"order": 1}),
        MessageAttributes={"tenant": {"DataType": "String", "StringValue": "acme"}},
    )
    [send] = sqs.calls_to("SendMessage", queue="orders")
    assert send.params["MessageAttributes"]["tenant"]["StringValue"] == "acme"
