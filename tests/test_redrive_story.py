"""The whole life of a poison message, for standard and FIFO queues: received and failed
three times, moved to the dead-letter queue, inspected there, and redriven back by a
message move task — every step on the simulated clock, as on AWS (§6)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pytest_sqs import MockSQS


def arn_of(client: Any, url: str) -> str:
    attributes = client.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
    return str(attributes["Attributes"]["QueueArn"])


@pytest.mark.parametrize("fifo", [False, True], ids=["standard", "fifo"])
def test_a_poison_message_ends_up_in_the_dlq_after_3_attempts_and_a_redrive_brings_it_back(
    mock: MockSQS, client: Any, fifo: bool
) -> None:
    suffix = ".fifo" if fifo else ""
    fifo_attributes = {"FifoQueue": "true", "ContentBasedDeduplication": "true"} if fifo else {}
    dlq_url = client.create_queue(QueueName=f"orders-dlq{suffix}", Attributes=fifo_attributes)[
        "QueueUrl"
    ]
    policy = {"deadLetterTargetArn": arn_of(client, dlq_url), "maxReceiveCount": 3}
    url = client.create_queue(
        QueueName=f"orders{suffix}",
        Attributes={
            **fifo_attributes,
            "VisibilityTimeout": "30",
            "RedrivePolicy": json.dumps(policy),
        },
    )["QueueUrl"]
    group = {"MessageGroupId": "customer-7"} if fifo else {}
    poison_id = client.send_message(QueueUrl=url, MessageBody="poison", **group)["MessageId"]
    client.send_message(QueueUrl=url, MessageBody="healthy", **group)

    # Three failed attempts: received, not deleted, visible again 30 s later.
    for attempt in (1, 2, 3):
        got = client.receive_message(QueueUrl=url, MessageSystemAttributeNames=["All"])
        [message] = got["Messages"]
        assert (message["Body"], message["Attributes"]["ApproximateReceiveCount"]) == (
            "poison",
            str(attempt),
        )
        if fifo:  # the group is locked behind the poison message
            assert "Messages" not in client.receive_message(QueueUrl=url)
        mock.advance(30)

    # The fourth receive moves it, and the group flows on to the next message.
    got = client.receive_message(QueueUrl=url, MaxNumberOfMessages=10)
    assert [m["Body"] for m in got["Messages"]] == ["healthy"]
    client.delete_message(QueueUrl=url, ReceiptHandle=got["Messages"][0]["ReceiptHandle"])

    orders = mock.queue(f"orders{suffix}")
    assert orders.dlq is not None
    [dead] = orders.dlq.messages
    assert (dead.message_id, dead.body, dead.receive_count) == (poison_id, "poison", 3)
    assert dead.dead_letter_source_arn == arn_of(client, url)
    assert [e.event for e in orders.history(poison_id)] == [
        "sent",
        "received",
        "visible again",
        "received",
        "visible again",
        "received",
        "visible again",
        "moved to dead-letter queue",
    ]

    # The bug is fixed; redrive at 1 message per second and watch it go back.
    client.start_message_move_task(
        SourceArn=arn_of(client, dlq_url), MaxNumberOfMessagesPerSecond=1
    )
    [task] = client.list_message_move_tasks(SourceArn=arn_of(client, dlq_url))["Results"]
    assert task["Status"] == "RUNNING"
    mock.advance(1)
    [task] = client.list_message_move_tasks(SourceArn=arn_of(client, dlq_url))["Results"]
    assert (task["Status"], task["ApproximateNumberOfMessagesMoved"]) == ("COMPLETED", 1)

    again = client.receive_message(QueueUrl=url, MessageSystemAttributeNames=["All"])
    [back] = again["Messages"]
    assert back["Body"] == "poison"
    assert back["Attributes"]["ApproximateReceiveCount"] == "1"  # a new message to SQS
    assert orders.dlq.messages == ()
