"""ReceiveRequestAttemptId on FIFO queues (sqs-behaviour.md §5.2; botocore's model doc:
"During a visibility timeout, subsequent calls with the same ReceiveRequestAttemptId return
the same messages and receipt handles. If a retry occurs within the deduplication interval,
it resets the visibility timeout.")."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from _support import aws_error

from pytest_sqs import MockSQS

ALL = ["All"]


def not_retryable(attempt_id: str) -> str:
    return (
        f"Value {attempt_id} for parameter ReceiveRequestAttemptId is invalid. Reason: The "
        "receiveRequestAttemptId is not valid anymore since the receive call is not retryable."
    )


def bad_id(value: str) -> str:
    return (
        f"Value {value} for parameter ReceiveRequestAttemptId is invalid. Reason: "
        "ReceiveRequestAttemptId can only include alphanumeric and punctuation characters. 1 to "
        "128 in length."
    )


@pytest.fixture
def fifo_url(client: Any) -> str:
    url = str(
        client.create_queue(
            QueueName="orders.fifo",
            Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"},
        )["QueueUrl"]
    )
    for body, group in [("g1-m1", "g1"), ("g1-m2", "g1"), ("g2-m1", "g2"), ("g3-m1", "g3")]:
        client.send_message(QueueUrl=url, MessageBody=body, MessageGroupId=group)
    return url


def receive(client: Any, url: str, **params: Any) -> list[dict[str, Any]]:
    response = client.receive_message(
        QueueUrl=url, MessageSystemAttributeNames=ALL, MessageAttributeNames=ALL, **params
    )
    return list(response.get("Messages", []))


def states(mock: MockSQS, url: str) -> dict[str, str]:
    return {message.body: message.state for message in mock.queue(url).messages}


def test_a_retry_returns_the_same_messages_and_handles(
    mock: MockSQS, client: Any, fifo_url: str
) -> None:
    first = receive(client, fifo_url, MaxNumberOfMessages=3, ReceiveRequestAttemptId="try-1")
    mock.advance(20)

    retry = receive(client, fifo_url, MaxNumberOfMessages=3, ReceiveRequestAttemptId="try-1")

    assert [m["Body"] for m in first] == ["g1-m1", "g1-m2", "g2-m1"]
    assert retry == first  # same handles, same ApproximateReceiveCount ("1")
    assert [m["Attributes"]["ApproximateReceiveCount"] for m in retry] == ["1", "1", "1"]
    assert [m.receive_count for m in mock.queue(fifo_url).in_flight] == [1, 1, 1]
    for message in retry:
        client.delete_message(QueueUrl=fifo_url, ReceiptHandle=message["ReceiptHandle"])
    assert [m.body for m in mock.queue(fifo_url).messages] == ["g3-m1"]


def test_a_retry_restarts_the_visibility_timeout(mock: MockSQS, client: Any, fifo_url: str) -> None:
    receive(client, fifo_url, MaxNumberOfMessages=2, ReceiveRequestAttemptId="try-1")
    mock.advance(20)
    receive(client, fifo_url, MaxNumberOfMessages=2, ReceiveRequestAttemptId="try-1")

    mock.advance(29)  # 49 s after the first receive, 29 s after the retry
    assert states(mock, fifo_url) == {
        "g1-m1": "in_flight",
        "g1-m2": "in_flight",
        "g2-m1": "visible",
        "g3-m1": "visible",
    }
    mock.advance(1)
    assert states(mock, fifo_url)["g1-m1"] == "visible"


def test_a_retry_after_the_timeout_ended_still_returns_the_same_handles(
    mock: MockSQS, client: Any, fifo_url: str
) -> None:
    # Within the 5 minutes the retry re-hides the messages; their handles work again.
    first = receive(client, fifo_url, MaxNumberOfMessages=2, ReceiveRequestAttemptId="try-1")
    mock.advance(120)
    assert states(mock, fifo_url)["g1-m1"] == "visible"

    retry = receive(client, fifo_url, MaxNumberOfMessages=2, ReceiveRequestAttemptId="try-1")

    assert retry == first
    assert [m["Body"] for m in receive(client, fifo_url, MaxNumberOfMessages=10)] == [
        "g2-m1",
        "g3-m1",
    ]
    client.delete_message(QueueUrl=fifo_url, ReceiptHandle=retry[0]["ReceiptHandle"])
    client.delete_message(QueueUrl=fifo_url, ReceiptHandle=retry[1]["ReceiptHandle"])
    assert "g1-m1" not in states(mock, fifo_url)


def _delete(client: Any, url: str, message: dict[str, Any]) -> None:
    client.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def _change_visibility(client: Any, url: str, message: dict[str, Any]) -> None:
    client.change_message_visibility(
        QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=45
    )


def _receive_again(client: Any, url: str, message: dict[str, Any]) -> None:
    client.change_message_visibility(
        QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
    )
    client.receive_message(QueueUrl=url, MaxNumberOfMessages=10)


@pytest.mark.parametrize("which", [0, 1])
@pytest.mark.parametrize(
    "spoil",
    [_delete, _change_visibility, _receive_again],
    ids=["deleted", "visibility-changed", "received-again"],
)
def test_a_retry_is_refused_once_a_message_was_touched(
    client: Any,
    fifo_url: str,
    spoil: Callable[[Any, str, dict[str, Any]], None],
    which: int,
) -> None:
    # Decision; text AWS-rec (aws-sdk-java#2613).
    first = receive(client, fifo_url, MaxNumberOfMessages=2, ReceiveRequestAttemptId="try-1")
    spoil(client, fifo_url, first[which])

    with aws_error("InvalidParameterValue", not_retryable("try-1")):
        receive(client, fifo_url, MaxNumberOfMessages=2, ReceiveRequestAttemptId="try-1")


def test_a_retry_after_the_timeout_ended_and_a_new_receive_is_refused(
    mock: MockSQS, client: Any, fifo_url: str
) -> None:
    receive(client, fifo_url, ReceiveRequestAttemptId="try-1")
    mock.advance(30)
    # g1 comes back behind the groups that waited (§5.2).
    assert [m["Body"] for m in receive(client, fifo_url, MaxNumberOfMessages=10)] == [
        "g2-m1",
        "g3-m1",
        "g1-m1",
        "g1-m2",
    ]

    with aws_error("InvalidParameterValue", not_retryable("try-1")):
        receive(client, fifo_url, ReceiveRequestAttemptId="try-1")


@pytest.mark.parametrize(("after_s", "replayed"), [(299, True), (300, False), (301, False)])
def test_an_attempt_id_is_forgotten_after_five_minutes(
    mock: MockSQS, client: Any, fifo_url: str, after_s: int, replayed: bool
) -> None:
    # Decision: after 5 minutes a receive with the id is a fresh receive.
    first = receive(client, fifo_url, MaxNumberOfMessages=2, ReceiveRequestAttemptId="try-1")
    mock.advance(after_s)

    again = receive(client, fifo_url, MaxNumberOfMessages=10, ReceiveRequestAttemptId="try-1")

    if replayed:
        assert again == first
    else:
        assert [(m["Body"], m["Attributes"]["ApproximateReceiveCount"]) for m in again] == [
            ("g2-m1", "1"),
            ("g3-m1", "1"),
            ("g1-m1", "2"),
            ("g1-m2", "2"),
        ]
        assert not {m["ReceiptHandle"] for m in first} & {m["ReceiptHandle"] for m in again}


def test_a_fresh_receive_under_a_forgotten_id_can_be_retried(
    mock: MockSQS, client: Any, fifo_url: str
) -> None:
    receive(client, fifo_url, ReceiveRequestAttemptId="try-1")
    mock.advance(300)
    fresh = receive(client, fifo_url, ReceiveRequestAttemptId="try-1")
    mock.advance(10)

    assert receive(client, fifo_url, ReceiveRequestAttemptId="try-1") == fresh


def test_attempt_ids_are_independent(client: Any, fifo_url: str) -> None:
    first = receive(client, fifo_url, ReceiveRequestAttemptId="a")
    other = receive(client, fifo_url, ReceiveRequestAttemptId="b")

    assert [m["Body"] for m in first] == ["g1-m1"]
    assert [m["Body"] for m in other] == ["g2-m1"]
    assert receive(client, fifo_url, ReceiveRequestAttemptId="a") == first
    assert receive(client, fifo_url, ReceiveRequestAttemptId="b") == other


def test_a_plain_receive_does_not_replay(client: Any, fifo_url: str) -> None:
    receive(client, fifo_url, ReceiveRequestAttemptId="a")

    assert [m["Body"] for m in receive(client, fifo_url)] == ["g2-m1"]


@pytest.mark.parametrize("value", ["x" * 128, "!#$%&'()*+,-./:;<=>?@[]^_`{|}~", "a"])
def test_attempt_ids_of_valid_syntax(client: Any, fifo_url: str, value: str) -> None:
    first = receive(client, fifo_url, ReceiveRequestAttemptId=value)

    assert receive(client, fifo_url, ReceiveRequestAttemptId=value) == first


@pytest.mark.parametrize("value", ["x" * 129, "has space", "é", ""])
def test_attempt_ids_of_invalid_syntax(
    mock: MockSQS, client: Any, fifo_url: str, value: str
) -> None:
    # Same rule and text pattern as MessageGroupId (§1.4).
    with aws_error("InvalidParameterValue", bad_id(value)):
        receive(client, fifo_url, ReceiveRequestAttemptId=value)
    assert mock.queue(fifo_url).in_flight == ()


def test_a_standard_queue_ignores_the_attempt_id(client: Any, queue_url: str) -> None:
    for body in ("a", "b"):
        client.send_message(QueueUrl=queue_url, MessageBody=body)

    first = receive(client, queue_url, ReceiveRequestAttemptId="try-1")
    second = receive(client, queue_url, ReceiveRequestAttemptId="try-1")

    assert sorted(m["Body"] for m in first + second) == ["a", "b"]
    assert first[0]["ReceiptHandle"] != second[0]["ReceiptHandle"]
