"""Receipt handles on FIFO queues: the FIFO rows of Appendix A of sqs-behaviour.md (§3.10,
§3.12). A handle works while its message is in flight under the receive that issued it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from _support import aws_error

from pytest_sqs import MockSQS

EXPIRED = "Value {} for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired."
NOT_AVAILABLE = (
    "Value {} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not "
    "available for visibility timeout change."
)


@pytest.fixture
def fifo_url(client: Any) -> str:
    return str(
        client.create_queue(
            QueueName="orders.fifo",
            Attributes={
                "FifoQueue": "true",
                "ContentBasedDeduplication": "true",
                "VisibilityTimeout": "10",
            },
        )["QueueUrl"]
    )


def receive_one(client: Any, url: str, **params: Any) -> dict[str, Any]:
    (message,) = client.receive_message(QueueUrl=url, **params)["Messages"]
    return dict(message)


def use(client: Any, url: str, action: str, handle: str) -> None:
    if action == "delete":
        client.delete_message(QueueUrl=url, ReceiptHandle=handle)
    else:
        client.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=20)


ACTIONS = ["delete", "change-visibility"]


@pytest.mark.parametrize("action", ACTIONS)
def test_an_unparseable_handle_is_invalid(client: Any, fifo_url: str, action: str) -> None:
    # AWS-rec code and text (§3.10); HTTP status as the rest of the suite pins it.
    with aws_error(
        "ReceiptHandleIsInvalid",
        'The input receipt handle "garbage" is not a valid receipt handle.',
        status=404,
        shape="ReceiptHandleIsInvalid",
    ):
        use(client, fifo_url, action, "garbage")


def test_a_current_handle_deletes(mock: MockSQS, client: Any, fifo_url: str) -> None:
    client.send_message(QueueUrl=fifo_url, MessageBody="a", MessageGroupId="g")
    message = receive_one(client, fifo_url)
    mock.advance(9)

    client.delete_message(QueueUrl=fifo_url, ReceiptHandle=message["ReceiptHandle"])

    assert mock.queue(fifo_url).messages == ()


def test_a_current_handle_changes_visibility_from_now(
    mock: MockSQS, client: Any, fifo_url: str
) -> None:
    client.send_message(QueueUrl=fifo_url, MessageBody="a", MessageGroupId="g")
    message = receive_one(client, fifo_url)
    mock.advance(5)

    client.change_message_visibility(
        QueueUrl=fifo_url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=50
    )

    mock.advance(49)
    assert "Messages" not in client.receive_message(QueueUrl=fifo_url)
    mock.advance(1)
    assert receive_one(client, fifo_url)["MessageId"] == message["MessageId"]


@pytest.mark.parametrize("action", ACTIONS)
def test_an_extended_handle_outlives_the_original_timeout(
    mock: MockSQS, client: Any, fifo_url: str, action: str
) -> None:
    # AWS-rec (§3.10): after ChangeMessageVisibility the handle stays valid.
    client.send_message(QueueUrl=fifo_url, MessageBody="a", MessageGroupId="g")
    handle = receive_one(client, fifo_url)["ReceiptHandle"]
    client.change_message_visibility(QueueUrl=fifo_url, ReceiptHandle=handle, VisibilityTimeout=60)
    mock.advance(30)

    use(client, fifo_url, action, handle)

    expected = () if action == "delete" else ("in_flight",)
    assert tuple(m.state for m in mock.queue(fifo_url).messages) == expected


def _expire(mock: MockSQS, client: Any, url: str, handle: str) -> None:
    mock.advance(10)


def _end_with_cmv_zero(mock: MockSQS, client: Any, url: str, handle: str) -> None:
    client.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=0)


def _receive_again(mock: MockSQS, client: Any, url: str, handle: str) -> None:
    mock.advance(10)
    receive_one(client, url)


Ending = Callable[[MockSQS, Any, str, str], None]


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize(
    ("ending", "visibility", "state_after"),
    [
        (_expire, None, "visible"),  # AWS-rec for DeleteMessage
        (_end_with_cmv_zero, None, "visible"),
        (_receive_again, None, "in_flight"),
        (None, 0, "visible"),  # received with VisibilityTimeout=0: never in flight
    ],
    ids=["timeout-ended", "visibility-set-to-0", "received-again", "received-with-0"],
)
def test_a_handle_whose_message_is_no_longer_in_flight_under_it_has_expired(
    mock: MockSQS,
    client: Any,
    fifo_url: str,
    action: str,
    ending: Ending | None,
    visibility: int | None,
    state_after: str,
) -> None:
    # Decision (Appendix A; AWS-rec for an expired DeleteMessage): InvalidParameterValue, and
    # the message stays.
    client.send_message(QueueUrl=fifo_url, MessageBody="a", MessageGroupId="g")
    params = {} if visibility is None else {"VisibilityTimeout": visibility}
    handle = receive_one(client, fifo_url, **params)["ReceiptHandle"]
    if ending is not None:
        ending(mock, client, fifo_url, handle)

    with aws_error("InvalidParameterValue", EXPIRED.format(handle)):
        use(client, fifo_url, action, handle)

    assert [(m.body, m.state) for m in mock.queue(fifo_url).messages] == [("a", state_after)]


@pytest.mark.parametrize("action", ACTIONS)
def test_the_new_handle_works_after_a_receive_again(
    mock: MockSQS, client: Any, fifo_url: str, action: str
) -> None:
    client.send_message(QueueUrl=fifo_url, MessageBody="a", MessageGroupId="g")
    old = receive_one(client, fifo_url)["ReceiptHandle"]
    mock.advance(10)
    new = receive_one(client, fifo_url)["ReceiptHandle"]

    assert new != old
    use(client, fifo_url, action, new)


def test_deleting_an_already_deleted_message_succeeds(
    mock: MockSQS, client: Any, fifo_url: str
) -> None:
    # Decision (Appendix A): 200, repeatedly.
    client.send_message(QueueUrl=fifo_url, MessageBody="a", MessageGroupId="g")
    handle = receive_one(client, fifo_url)["ReceiptHandle"]

    for _ in range(3):
        response = client.delete_message(QueueUrl=fifo_url, ReceiptHandle=handle)
        assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    mock.advance(100)
    client.delete_message(QueueUrl=fifo_url, ReceiptHandle=handle)


def test_changing_visibility_of_a_deleted_message_fails_as_on_standard_queues(
    client: Any, fifo_url: str
) -> None:
    # Appendix A: "InvalidParameterValue as standard (unconfirmed)".
    client.send_message(QueueUrl=fifo_url, MessageBody="a", MessageGroupId="g")
    handle = receive_one(client, fifo_url)["ReceiptHandle"]
    client.delete_message(QueueUrl=fifo_url, ReceiptHandle=handle)

    with aws_error("InvalidParameterValue", NOT_AVAILABLE.format(handle)):
        client.change_message_visibility(
            QueueUrl=fifo_url, ReceiptHandle=handle, VisibilityTimeout=5
        )


@pytest.mark.parametrize("action", ACTIONS)
def test_an_expired_handle_fails_its_batch_entry_only(
    mock: MockSQS, client: Any, fifo_url: str, action: str
) -> None:
    client.send_message(QueueUrl=fifo_url, MessageBody="a", MessageGroupId="g1")
    expired = receive_one(client, fifo_url, VisibilityTimeout=5)["ReceiptHandle"]
    mock.advance(5)
    client.send_message(QueueUrl=fifo_url, MessageBody="b", MessageGroupId="g2")
    got = client.receive_message(QueueUrl=fifo_url, MaxNumberOfMessages=10)["Messages"]
    current = next(m["ReceiptHandle"] for m in got if m["Body"] == "b")
    entries = [
        {"Id": "expired", "ReceiptHandle": expired},
        {"Id": "current", "ReceiptHandle": current},
    ]

    if action == "delete":
        response = client.delete_message_batch(QueueUrl=fifo_url, Entries=entries)
    else:
        response = client.change_message_visibility_batch(
            QueueUrl=fifo_url, Entries=[{**e, "VisibilityTimeout": 20} for e in entries]
        )

    assert response["Successful"] == [{"Id": "current"}]
    assert response["Failed"] == [
        {
            "Id": "expired",
            "SenderFault": True,
            "Code": "InvalidParameterValue",
            "Message": EXPIRED.format(expired),
        }
    ]
