"""Dead-letter queues for FIFO queues: the move from a FIFO queue to its FIFO dead-letter
queue (sqs-behaviour.md §4.2, §6.1). The type-mismatch error is in test_fifo_create.py."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from pytest_sqs import MockSQS

ALL = ["All"]
ARN_PREFIX = "arn:aws:sqs:us-east-1:123456789012:"


def create_fifo(client: Any, name: str, **attributes: str) -> str:
    response = client.create_queue(
        QueueName=name,
        Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true", **attributes},
    )
    return str(response["QueueUrl"])


@pytest.fixture
def dlq_url(client: Any) -> str:
    return create_fifo(client, "dead.fifo")


def source(client: Any, max_receive_count: int = 1, **attributes: str) -> str:
    policy = {"deadLetterTargetArn": f"{ARN_PREFIX}dead.fifo", "maxReceiveCount": max_receive_count}
    return create_fifo(
        client, "work.fifo", RedrivePolicy=json.dumps(policy), VisibilityTimeout="10", **attributes
    )


def receive(client: Any, url: str, **params: Any) -> list[dict[str, Any]]:
    response = client.receive_message(
        QueueUrl=url, MessageSystemAttributeNames=ALL, MessageAttributeNames=ALL, **params
    )
    return list(response.get("Messages", []))


def test_the_receive_after_max_receive_count_moves_the_message(
    mock: MockSQS, client: Any, dlq_url: str
) -> None:
    # AWS-rec (LocalStack test_dead_letter_queue_with_fifo_and_content_based_deduplication).
    url = source(client, max_receive_count=2)
    sent = client.send_message(
        QueueUrl=url,
        MessageBody="foobar",
        MessageGroupId="1",
        MessageAttributes={"kind": {"DataType": "String", "StringValue": "bad"}},
    )
    for _ in range(2):
        assert [m["Body"] for m in receive(client, url, VisibilityTimeout=0)] == ["foobar"]

    assert receive(client, url, VisibilityTimeout=0) == []
    assert mock.queue(url).messages == ()

    (moved,) = receive(client, dlq_url)
    assert moved["MessageId"] == sent["MessageId"]
    assert moved["Body"] == "foobar"
    assert moved["MD5OfMessageAttributes"] == sent["MD5OfMessageAttributes"]
    assert moved["MessageAttributes"] == {"kind": {"DataType": "String", "StringValue": "bad"}}
    attributes = moved["Attributes"]
    assert attributes["MessageGroupId"] == "1"
    assert attributes["MessageDeduplicationId"] == (
        "c3ab8ff13720e8ad9047dd39466b3c8974e592c2fa383d4a3960714caef0c4f2"  # SHA-256 of foobar
    )
    assert attributes["DeadLetterQueueSourceArn"] == f"{ARN_PREFIX}work.fifo"
    assert attributes["ApproximateReceiveCount"] == "3"  # carried (§4.2)


def test_the_moved_message_gets_a_new_sequence_number_in_the_dead_letter_queue(
    mock: MockSQS, client: Any, dlq_url: str
) -> None:
    url = source(client)
    already = client.send_message(QueueUrl=dlq_url, MessageBody="earlier", MessageGroupId="x")
    sent = client.send_message(QueueUrl=url, MessageBody="poison", MessageGroupId="1")
    receive(client, url)
    mock.advance(10)
    assert receive(client, url) == []

    got = receive(client, dlq_url, MaxNumberOfMessages=10)

    number = got[1]["Attributes"]["SequenceNumber"]
    assert [m["Body"] for m in got] == ["earlier", "poison"]
    assert re.fullmatch(r"[0-9]{20}", number)
    assert number != sent["SequenceNumber"]
    assert int(number) > int(already["SequenceNumber"])
    assert mock.queue(dlq_url).messages[1].sequence_number == number


@pytest.mark.parametrize("same", ["body", "deduplication-id"])
def test_the_move_ignores_the_dead_letter_queue_deduplication(
    mock: MockSQS, client: Any, dlq_url: str, same: str
) -> None:
    # AWS-rec (§6.1): the moved message arrives although the DLQ saw its id moments ago.
    url = source(client)
    ids = {} if same == "body" else {"MessageDeduplicationId": "order-1"}
    client.send_message(QueueUrl=dlq_url, MessageBody="foobar", MessageGroupId="1", **ids)
    sent = client.send_message(QueueUrl=url, MessageBody="foobar", MessageGroupId="1", **ids)
    receive(client, url)
    mock.advance(10)
    receive(client, url)

    got = receive(client, dlq_url, MaxNumberOfMessages=10)

    assert [m["Body"] for m in got] == ["foobar", "foobar"]
    assert got[1]["MessageId"] == sent["MessageId"]


def test_later_messages_of_the_group_flow_normally_after_a_move(
    mock: MockSQS, client: Any, dlq_url: str
) -> None:
    # AWS-rec (§6.1): the moved message does not block its group.
    url = source(client)
    for body in ("m1", "m2", "m3"):
        client.send_message(QueueUrl=url, MessageBody=body, MessageGroupId="g1")
    assert [m["Body"] for m in receive(client, url)] == ["m1"]
    mock.advance(10)

    assert [m["Body"] for m in receive(client, url)] == ["m2"]
    assert [m.body for m in mock.queue(dlq_url).messages] == ["m1"]


def test_a_receive_that_moves_a_head_returns_each_later_message_once(
    mock: MockSQS, client: Any, dlq_url: str
) -> None:
    # Regression: the group was offered again while the rest of its run was already taken,
    # so one receive returned m2, m3, m2, m3 and ApproximateNumberOfMessages went negative.
    url = source(client)
    for body in ("m1", "m2", "m3"):
        client.send_message(QueueUrl=url, MessageBody=body, MessageGroupId="g1")
    receive(client, url)
    mock.advance(10)

    got = receive(client, url, MaxNumberOfMessages=10)

    assert [m["Body"] for m in got] == ["m2", "m3"]
    counters = client.get_queue_attributes(
        QueueUrl=url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    assert counters == {
        "ApproximateNumberOfMessages": "0",
        "ApproximateNumberOfMessagesNotVisible": "2",
    }


def test_moved_messages_keep_their_group_order_in_the_dead_letter_queue(
    mock: MockSQS, client: Any, dlq_url: str
) -> None:
    url = source(client)
    for body in ("a1", "a2"):
        client.send_message(QueueUrl=url, MessageBody=body, MessageGroupId="a")
    for expected in ("a1", "a2"):
        assert [m["Body"] for m in receive(client, url)] == [expected]
        mock.advance(10)
    receive(client, url)  # moves a2

    assert [m.body for m in mock.queue(dlq_url).messages] == ["a1", "a2"]
    got = receive(client, dlq_url, MaxNumberOfMessages=10)
    assert [m["Body"] for m in got] == ["a1", "a2"]
    assert receive(client, dlq_url) == []  # the group is locked in the DLQ as anywhere


def test_retention_restarts_when_the_message_reaches_a_fifo_dead_letter_queue(
    mock: MockSQS, client: Any
) -> None:
    # §6.1 (doc "Setting-up dead-letter queue retention"): a FIFO DLQ resets the enqueue time.
    dlq = create_fifo(client, "dead.fifo", MessageRetentionPeriod="60")
    url = source(client)
    client.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g")
    receive(client, url)
    mock.advance(100)
    receive(client, url)  # moved now, 100 s after the send
    assert [m.body for m in mock.queue(dlq).messages] == ["x"]

    mock.advance(59)
    assert [m.body for m in mock.queue(dlq).messages] == ["x"]
    mock.advance(1)
    assert mock.queue(dlq).messages == ()


def test_the_source_history_ends_with_the_move(mock: MockSQS, client: Any, dlq_url: str) -> None:
    url = source(client)
    message_id = client.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g")["MessageId"]
    receive(client, url)
    mock.advance(10)
    receive(client, url)

    receive(client, dlq_url)

    events = [entry.event for entry in mock.queue(url).history(message_id)]
    assert events == ["sent", "received", "visible again", "moved to dead-letter queue"]
