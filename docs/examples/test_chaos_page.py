"""docs/chaos.md: a payment consumer that is not idempotent, the chaos test that finds it,
and the fix."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError


class Ledger:
    """Where charges land (a table in the real system)."""

    def __init__(self) -> None:
        self.charges: list[int] = []
        self.done: set[str] = set()  # idempotency keys of orders already charged


def charge_payments(client: Any, queue_url: str, ledger: Ledger) -> None:
    """The code under test, first version: charge every order, delete the message."""
    while True:
        got = client.receive_message(
            QueueUrl=queue_url, MaxNumberOfMessages=10, VisibilityTimeout=30, WaitTimeSeconds=20
        )
        if "Messages" not in got:
            return
        for message in got["Messages"]:
            order = json.loads(message["Body"])
            ledger.charges.append(order["order"])
            client.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])


def charge_payments_once(client: Any, queue_url: str, ledger: Ledger) -> None:
    """The fix: an order already charged is not charged again (its id is the key)."""
    while True:
        got = client.receive_message(
            QueueUrl=queue_url, MaxNumberOfMessages=10, VisibilityTimeout=30, WaitTimeSeconds=20
        )
        if "Messages" not in got:
            return
        for message in got["Messages"]:
            order = json.loads(message["Body"])
            key = str(order["order"])
            if key not in ledger.done:
                ledger.charges.append(order["order"])
                ledger.done.add(key)
            client.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])


def send_orders(client: Any, queue_url: str, count: int) -> None:
    for order in range(count):
        client.send_message(QueueUrl=queue_url, MessageBody=json.dumps({"order": order}))


def test_without_chaos_every_order_is_charged_once(sqs_client, sqs_queue):
    ledger = Ledger()
    send_orders(sqs_client, sqs_queue.url, 50)
    charge_payments(sqs_client, sqs_queue.url, ledger)
    assert sorted(ledger.charges) == list(range(50))  # passes, and proves little


@pytest.mark.sqs(chaos={"duplicate": 0.2, "seed": 7})
def test_chaos_finds_the_double_charge(sqs, sqs_client, sqs_queue):
    ledger = Ledger()
    send_orders(sqs_client, sqs_queue.url, 50)
    charge_payments(sqs_client, sqs_queue.url, ledger)
    assert len(ledger.charges) > 50  # some orders were charged twice: the bug
    assert sorted(set(ledger.charges)) == list(range(50))


@pytest.mark.sqs(chaos={"duplicate": 0.2, "reorder": 0.2})
def test_the_fix_charges_each_order_once_whatever_the_seed(sqs, sqs_client, sqs_queue):
    ledger = Ledger()
    send_orders(sqs_client, sqs_queue.url, 50)
    charge_payments_once(sqs_client, sqs_queue.url, ledger)
    assert sorted(ledger.charges) == list(range(50))
    sqs_queue.assert_empty()


def publish_payment(client: Any, queue_url: str, order: int) -> None:
    client.send_message(QueueUrl=queue_url, MessageBody=json.dumps({"order": order}))


@pytest.mark.sqs(chaos={"errors": 0.3, "error_actions": {"SendMessage"}, "seed": 3})
def test_sends_get_through_the_sdks_retries(sqs, sqs_queue):
    retries = Config(retries={"mode": "standard", "total_max_attempts": 10})
    client = boto3.client("sqs", region_name="us-east-1", config=retries)
    for order in range(20):
        publish_payment(client, sqs_queue.url, order)
    failed = [call for call in sqs.calls_to("SendMessage") if call.error]
    assert failed  # some attempts failed, and botocore retried them
    assert len(sqs_queue.messages) == 20  # each payment sent once


@pytest.mark.sqs(
    chaos={"errors": 1.0, "error_codes": ["ServiceUnavailable"], "error_actions": {"SendMessage"}}
)
def test_when_the_retries_run_out_the_error_surfaces(sqs_client, sqs_queue):
    with pytest.raises(ClientError) as caught:
        publish_payment(sqs_client, sqs_queue.url, 1)
    assert caught.value.response["Error"]["Code"] == "ServiceUnavailable"
    assert caught.value.response["ResponseMetadata"]["RetryAttempts"] == 4  # legacy: 5 tries
