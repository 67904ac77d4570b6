"""Visibility timeouts, ChangeMessageVisibility and DeleteMessage on a standard queue
(sqs-behaviour.md §3.10, §3.12, §4.1, Appendix A)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest
from _support import aws_error

from pytest_sqs import MockSQS

NOT_AVAILABLE = (
    "Value {handle} for parameter ReceiptHandle is invalid. Reason: Message does not exist or "
    "is not available for visibility timeout change."
)
RETENTION_S = 345_600  # the default MessageRetentionPeriod


def at(epoch_s: float) -> datetime:
    return datetime.fromtimestamp(epoch_s, tz=timezone.utc)


def receive_one(client: Any, queue_url: str, **options: Any) -> dict[str, Any]:
    [message] = client.receive_message(
        QueueUrl=queue_url, AttributeNames=["ApproximateReceiveCount"], **options
    )["Messages"]
    return dict(message)


def events(mock: MockSQS, message_id: str) -> list[str]:
    return [entry.event for entry in mock.queue("test-queue").history(message_id)]


# -- the visibility timeout (§4.1) -------------------------------------------------------


def test_message_is_invisible_in_flight_and_redelivered_after_its_timeout(
    mock: MockSQS, client: Any, queue_url: str
) -> None:
    client.send_message(QueueUrl=queue_url, MessageBody="a")
    first = receive_one(client, queue_url, VisibilityTimeout=45)

    mock.advance(44)
    assert client.receive_message(QueueUrl=queue_url).get("Messages") is None
    mock.advance(1)
    second = receive_one(client, queue_url)

    assert second == {
        "MessageId": first["MessageId"],
        "ReceiptHandle": second["ReceiptHandle"],
        "MD5OfBody": first["MD5OfBody"],
        "Body": "a",
        "Attributes": {"ApproximateReceiveCount": "2"},
    }
    assert first["Attributes"] == {"ApproximateReceiveCount": "1"}
    assert second["ReceiptHandle"] != first["ReceiptHandle"]


def test_change_visibility_counts_from_the_call(mock: MockSQS, client: Any, queue_url: str) -> None:
    client.send_message(QueueUrl=queue_url, MessageBody="a")
    handle = receive_one(client, queue_url, VisibilityTimeout=30)["ReceiptHandle"]
    mock.advance(20)

    client.change_message_visibility(QueueUrl=queue_url, ReceiptHandle=handle, VisibilityTimeout=15)

    view = mock.queue("test-queue")
    [message] = view.in_flight
    assert message.visible_at == at(mock.clock.now() + 15)
    mock.advance(14)
    assert len(view.in_flight) == 1
    mock.advance(1)
    assert [m.body for m in view.visible] == ["a"]


def test_change_visibility_to_zero_makes_the_message_visible_now(
    mock: MockSQS, client: Any, queue_url: str
) -> None:
    client.send_message(QueueUrl=queue_url, MessageBody="a")
    handle = receive_one(client, queue_url)["ReceiptHandle"]

    client.change_message_visibility(QueueUrl=queue_url, ReceiptHandle=handle, VisibilityTimeout=0)

    assert receive_one(client, queue_url)["Attributes"] == {"ApproximateReceiveCount": "2"}


def test_changed_timeout_is_not_remembered_by_the_next_receive(
    mock: MockSQS, client: Any, queue_url: str
) -> None:
    client.send_message(QueueUrl=queue_url, MessageBody="a")
    handle = receive_one(client, queue_url)["ReceiptHandle"]
    client.change_message_visibility(QueueUrl=queue_url, ReceiptHandle=handle, VisibilityTimeout=5)
    mock.advance(5)

    receive_one(client, queue_url)

    [message] = mock.queue("test-queue").in_flight
    assert message.visible_at == at(mock.clock.now() + 30)


@pytest.mark.parametrize("timeout", [-1, 43201, 100_000])
def test_change_visibility_out_of_range_is_refused(
    mock: MockSQS, client: Any, queue_url: str, timeout: int
) -> None:
    client.send_message(QueueUrl=queue_url, MessageBody="a")
    handle = receive_one(client, queue_url)["ReceiptHandle"]

    # Unconfirmed text (an emulator's); pinned.
    with aws_error(
        "InvalidParameterValue",
        f"Value {timeout} for parameter VisibilityTimeout is invalid. Reason: Must be between 0 "
        "and 43200.",
    ):
        client.change_message_visibility(
            QueueUrl=queue_url, ReceiptHandle=handle, VisibilityTimeout=timeout
        )


def total_limit(timeout: int) -> str:
    return (
        f"Value {timeout} for parameter VisibilityTimeout is invalid. Reason: Total "
        "VisibilityTimeout for the message is beyond the limit [43200 seconds]."
    )


def test_change_visibility_beyond_twelve_hours_since_the_receive_is_refused(
    mock: MockSQS, client: Any, queue_url: str
) -> None:
    client.send_message(QueueUrl=queue_url, MessageBody="a")
    handle = receive_one(client, queue_url, VisibilityTimeout=43200)["ReceiptHandle"]
    mock.advance(100)

    for timeout in (43101, 43200):
        with aws_error("InvalidParameterValue", total_limit(timeout)):
            client.change_message_visibility(
                QueueUrl=queue_url, ReceiptHandle=handle, VisibilityTimeout=timeout
            )
    client.change_message_visibility(
        QueueUrl=queue_url, ReceiptHandle=handle, VisibilityTimeout=43100
    )

    [message] = mock.queue("test-queue").in_flight
    assert message.visible_at == at(mock.clock.now() + 43100)


def test_twelve_hour_allowance_starts_again_with_a_new_receive(
    mock: MockSQS, client: Any, queue_url: str
) -> None:
    client.send_message(QueueUrl=queue_url, MessageBody="a")
    receive_one(client, queue_url, VisibilityTimeout=43200)
    mock.advance(43200)
    handle = receive_one(client, queue_url, VisibilityTimeout=10)["ReceiptHandle"]
    mock.advance(1)

    client.change_message_visibility(
        QueueUrl=queue_url, ReceiptHandle=handle, VisibilityTimeout=43199
    )
    with aws_error("InvalidParameterValue", total_limit(43200)):
        client.change_message_visibility(
            QueueUrl=queue_url, ReceiptHandle=handle, VisibilityTimeout=43200
        )


# -- receipt handles, Appendix A ----------------------------------------------------------


def handle_in_state(mock: MockSQS, client: Any, queue_url: str, state: str) -> tuple[str, str]:
    """Send one message, receive it (10 s timeout) and bring its first handle to ``state``;
    the message id and that handle."""
    message_id = client.send_message(QueueUrl=queue_url, MessageBody="a")["MessageId"]
    handle = str(receive_one(client, queue_url, VisibilityTimeout=10)["ReceiptHandle"])
    if state in ("visibility expired", "older handle"):
        mock.advance(10)
    if state == "older handle":
        receive_one(client, queue_url, VisibilityTimeout=100)
    if state == "deleted":
        client.delete_message(QueueUrl=queue_url, ReceiptHandle=handle)
    if state == "retention expired":
        mock.advance(RETENTION_S)
    return message_id, handle


@pytest.mark.parametrize(
    ("state", "history"),
    [
        ("current", ["sent", "received", "deleted"]),
        ("visibility expired", ["sent", "received", "visible again", "deleted"]),
        ("older handle", ["sent", "received", "visible again", "received", "deleted"]),
        ("deleted", ["sent", "received", "deleted"]),
        # The history of this one is checked in test_retention.py.
        ("retention expired", None),
    ],
)
def test_delete_message_on_a_standard_queue_succeeds_with_any_issued_handle(
    mock: MockSQS, client: Any, queue_url: str, state: str, history: list[str] | None
) -> None:
    message_id, handle = handle_in_state(mock, client, queue_url, state)

    response = client.delete_message(QueueUrl=queue_url, ReceiptHandle=handle)

    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert set(response) == {"ResponseMetadata"}
    assert mock.queue("test-queue").messages == ()
    if history is not None:
        assert events(mock, message_id) == history


@pytest.mark.parametrize(
    ("state", "history"),
    [
        ("current", ["sent", "received", "visibility changed"]),
        ("visibility expired", ["sent", "received", "visible again", "visibility changed"]),
        (
            "older handle",
            ["sent", "received", "visible again", "received", "visibility changed"],
        ),
    ],
)
def test_change_visibility_applies_to_the_message_of_any_issued_handle(
    mock: MockSQS, client: Any, queue_url: str, state: str, history: list[str]
) -> None:
    message_id, handle = handle_in_state(mock, client, queue_url, state)

    client.change_message_visibility(QueueUrl=queue_url, ReceiptHandle=handle, VisibilityTimeout=20)

    [message] = mock.queue("test-queue").in_flight
    assert (message.message_id, message.visible_at) == (message_id, at(mock.clock.now() + 20))
    assert events(mock, message_id) == history


def test_change_visibility_to_zero_with_an_older_handle_shows_the_re_received_message(
    mock: MockSQS, client: Any, queue_url: str
) -> None:
    _, handle = handle_in_state(mock, client, queue_url, "older handle")

    client.change_message_visibility(QueueUrl=queue_url, ReceiptHandle=handle, VisibilityTimeout=0)

    [message] = mock.queue("test-queue").visible
    assert message.receive_count == 2


@pytest.mark.parametrize("state", ["deleted", "retention expired"])
def test_change_visibility_of_a_message_that_is_gone_is_refused(
    mock: MockSQS, client: Any, queue_url: str, state: str
) -> None:
    _, handle = handle_in_state(mock, client, queue_url, state)

    with aws_error("InvalidParameterValue", NOT_AVAILABLE.format(handle=handle)):
        client.change_message_visibility(
            QueueUrl=queue_url, ReceiptHandle=handle, VisibilityTimeout=5
        )


GARBAGE = [
    "garbage",
    "AQEB",
    "AQEBnot-base64!",
    "AQEBeC95",  # base64 of "x/y": decodes, but names nothing
    "a" * 1024,
]


@pytest.mark.parametrize("handle", GARBAGE, ids=["word", "prefix", "bad-base64", "short", "long"])
@pytest.mark.parametrize("action", ["delete", "change visibility"])
def test_unparseable_receipt_handle_is_invalid_with_http_404(
    mock: MockSQS, client: Any, queue_url: str, handle: str, action: str
) -> None:
    client.send_message(QueueUrl=queue_url, MessageBody="a")
    receive_one(client, queue_url)

    with aws_error(
        "ReceiptHandleIsInvalid",
        f'The input receipt handle "{handle}" is not a valid receipt handle.',
        status=404,
        shape="ReceiptHandleIsInvalid",
    ):
        if action == "delete":
            client.delete_message(QueueUrl=queue_url, ReceiptHandle=handle)
        else:
            client.change_message_visibility(
                QueueUrl=queue_url, ReceiptHandle=handle, VisibilityTimeout=5
            )

    assert len(mock.queue("test-queue").in_flight) == 1


@pytest.mark.parametrize("action", ["delete", "change visibility"])
def test_handle_from_another_queue_is_invalid_here(
    mock: MockSQS, client: Any, queue_url: str, action: str
) -> None:
    other = client.create_queue(QueueName="other")["QueueUrl"]
    client.send_message(QueueUrl=other, MessageBody="elsewhere")
    handle = receive_one(client, other)["ReceiptHandle"]

    # AWS-rec for a DeleteMessageBatch entry (facts §9); unconfirmed for single calls, pinned.
    with aws_error(
        "ReceiptHandleIsInvalid",
        f'The receipt handle "{handle}" is not valid for this queue.',
        status=404,
        shape="ReceiptHandleIsInvalid",
    ):
        if action == "delete":
            client.delete_message(QueueUrl=queue_url, ReceiptHandle=handle)
        else:
            client.change_message_visibility(
                QueueUrl=queue_url, ReceiptHandle=handle, VisibilityTimeout=5
            )

    assert [m.body for m in mock.queue("other").in_flight] == ["elsewhere"]


def test_handle_from_a_deleted_queue_of_the_same_name_is_invalid(
    mock: MockSQS, client: Any, queue_url: str
) -> None:
    client.send_message(QueueUrl=queue_url, MessageBody="a")
    handle = receive_one(client, queue_url)["ReceiptHandle"]
    client.delete_queue(QueueUrl=queue_url)
    mock.advance(60)
    url = client.create_queue(QueueName="test-queue")["QueueUrl"]

    # Unconfirmed; pinned.
    with aws_error(
        "ReceiptHandleIsInvalid",
        f'The receipt handle "{handle}" is not valid for this queue.',
        status=404,
        shape="ReceiptHandleIsInvalid",
    ):
        client.delete_message(QueueUrl=url, ReceiptHandle=handle)


def test_empty_receipt_handle_is_a_missing_parameter(client: Any, queue_url: str) -> None:
    with aws_error("MissingParameter", "The request must contain the parameter ReceiptHandle."):
        client.delete_message(QueueUrl=queue_url, ReceiptHandle="")


def test_deleting_twice_succeeds_twice(mock: MockSQS, client: Any, queue_url: str) -> None:
    _, handle = handle_in_state(mock, client, queue_url, "deleted")

    for _ in range(2):
        response = client.delete_message(QueueUrl=queue_url, ReceiptHandle=handle)
        assert response["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_deleting_one_message_leaves_the_others(mock: MockSQS, client: Any, queue_url: str) -> None:
    for body in ("a", "b", "c"):
        client.send_message(QueueUrl=queue_url, MessageBody=body)
    messages = client.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=3)["Messages"]

    client.delete_message(QueueUrl=queue_url, ReceiptHandle=messages[1]["ReceiptHandle"])

    remaining = mock.queue("test-queue").in_flight
    assert sorted(m.body for m in remaining) == sorted(
        m["Body"] for m in messages if m is not messages[1]
    )


@pytest.mark.parametrize("action", ["delete", "change visibility"])
def test_missing_queue_fails(client: Any, action: str) -> None:
    url = "https://sqs.us-east-1.amazonaws.com/123456789012/nope"
    with aws_error(
        "AWS.SimpleQueueService.NonExistentQueue",
        "The specified queue does not exist.",
        shape="QueueDoesNotExist",
    ):
        if action == "delete":
            client.delete_message(QueueUrl=url, ReceiptHandle="garbage")
        else:
            client.change_message_visibility(
                QueueUrl=url, ReceiptHandle="garbage", VisibilityTimeout=5
            )
