"""Message move tasks: redrive out of a dead-letter queue on the simulated clock, and
RedriveAllowPolicy (sqs-behaviour.md §6.2, §6.4)."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from _support import aws_error

from pytest_sqs import MockSQS

ALL = ["All"]


def arn_of(client: Any, url: str) -> str:
    attributes = client.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
    return str(attributes["Attributes"]["QueueArn"])


def with_dlq(client: Any, name: str, dlq_arn: str) -> str:
    policy = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 1})
    return str(
        client.create_queue(
            QueueName=name, Attributes={"RedrivePolicy": policy, "VisibilityTimeout": "1"}
        )["QueueUrl"]
    )


@pytest.fixture
def dlq(client: Any) -> tuple[str, str]:
    url = client.create_queue(QueueName="dead-letters")["QueueUrl"]
    return url, arn_of(client, url)


def dead_letter(mock: MockSQS, client: Any, url: str, bodies: list[str]) -> list[str]:
    """Send, receive once, and let the next receive move them to the DLQ."""
    ids = [client.send_message(QueueUrl=url, MessageBody=b)["MessageId"] for b in bodies]
    while client.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages"):
        pass
    mock.advance(1)
    assert "Messages" not in client.receive_message(QueueUrl=url, MaxNumberOfMessages=10)
    return ids


def test_messages_return_to_their_sources_at_the_configured_rate(
    mock: MockSQS, client: Any, dlq: tuple[str, str]
) -> None:
    _, dlq_arn = dlq
    orders = with_dlq(client, "orders", dlq_arn)
    billing = with_dlq(client, "billing", dlq_arn)
    dead_letter(mock, client, orders, ["o1", "o2", "o3", "o4"])
    dead_letter(mock, client, billing, ["b1", "b2"])
    started = mock.clock.now()

    handle = client.start_message_move_task(SourceArn=dlq_arn, MaxNumberOfMessagesPerSecond=2)[
        "TaskHandle"
    ]
    [task] = client.list_message_move_tasks(SourceArn=dlq_arn)["Results"]
    assert task == {
        "TaskHandle": handle,
        "Status": "RUNNING",
        "SourceArn": dlq_arn,
        "MaxNumberOfMessagesPerSecond": 2,
        "ApproximateNumberOfMessagesMoved": 0,
        "ApproximateNumberOfMessagesToMove": 6,
        "StartedTimestamp": int(started * 1000),
    }

    mock.advance(1.5)  # 2 per second: 3 moved by now
    assert mock.queue("dead-letters").attributes["ApproximateNumberOfMessages"] == "3"
    [task] = client.list_message_move_tasks(SourceArn=dlq_arn)["Results"]
    assert task["ApproximateNumberOfMessagesMoved"] == 3

    mock.advance(1.5)
    [task] = client.list_message_move_tasks(SourceArn=dlq_arn)["Results"]
    assert (task["Status"], task["ApproximateNumberOfMessagesMoved"]) == ("COMPLETED", 6)
    assert "TaskHandle" not in task
    assert sorted(mock.queue("orders").bodies()) == ["o1", "o2", "o3", "o4"]
    assert sorted(mock.queue("billing").bodies()) == ["b1", "b2"]
    assert mock.queue("dead-letters").messages == ()


def test_a_redriven_message_is_a_new_message(
    mock: MockSQS, client: Any, dlq: tuple[str, str]
) -> None:
    _, dlq_arn = dlq
    url = with_dlq(client, "orders", dlq_arn)
    [old_id] = dead_letter(mock, client, url, ["again"])
    mock.advance(100)
    client.start_message_move_task(SourceArn=dlq_arn)  # no rate: everything at once
    got = client.receive_message(QueueUrl=url, MessageSystemAttributeNames=ALL)["Messages"][0]
    # AWS: "considered new messages": new MessageId, new enqueue time, counted afresh.
    assert got["Body"] == "again"
    assert got["MessageId"] != old_id
    assert got["Attributes"]["ApproximateReceiveCount"] == "1"
    assert int(got["Attributes"]["SentTimestamp"]) == int(mock.clock.now() * 1000)
    assert "DeadLetterQueueSourceArn" not in got["Attributes"]
    events = [e.event for e in mock.queue("orders").history(got["MessageId"])]
    assert events == ["redriven from", "received"]
    assert mock.queue("dead-letters").history(old_id)[-1].event == "redriven"


def test_destination_arn_sends_everything_to_one_queue(
    mock: MockSQS, client: Any, dlq: tuple[str, str]
) -> None:
    _, dlq_arn = dlq
    dead_letter(mock, client, with_dlq(client, "orders", dlq_arn), ["x", "y"])
    retry_url = client.create_queue(QueueName="retry")["QueueUrl"]
    client.start_message_move_task(SourceArn=dlq_arn, DestinationArn=arn_of(client, retry_url))
    assert sorted(mock.queue("retry").bodies()) == ["x", "y"]
    [task] = client.list_message_move_tasks(SourceArn=dlq_arn)["Results"]
    assert task["DestinationArn"] == arn_of(client, retry_url)
    assert "MaxNumberOfMessagesPerSecond" not in task


def test_cancel_stops_at_once_and_keeps_what_moved(
    mock: MockSQS, client: Any, dlq: tuple[str, str]
) -> None:
    _, dlq_arn = dlq
    dead_letter(mock, client, with_dlq(client, "orders", dlq_arn), [str(n) for n in range(5)])
    handle = client.start_message_move_task(SourceArn=dlq_arn, MaxNumberOfMessagesPerSecond=1)[
        "TaskHandle"
    ]
    mock.advance(2)
    assert (
        client.cancel_message_move_task(TaskHandle=handle)["ApproximateNumberOfMessagesMoved"] == 2
    )
    mock.advance(10)
    [task] = client.list_message_move_tasks(SourceArn=dlq_arn)["Results"]
    assert (task["Status"], task["ApproximateNumberOfMessagesMoved"]) == ("CANCELLED", 2)
    assert len(mock.queue("dead-letters").messages) == 3
    with aws_error("InvalidParameterValue", "Only active tasks can be cancelled."):
        client.cancel_message_move_task(TaskHandle=handle)


def test_in_flight_dead_letters_stay(mock: MockSQS, client: Any, dlq: tuple[str, str]) -> None:
    dlq_url, dlq_arn = dlq
    dead_letter(mock, client, with_dlq(client, "orders", dlq_arn), ["a", "b"])
    client.receive_message(QueueUrl=dlq_url, VisibilityTimeout=60)  # someone is looking at one
    client.start_message_move_task(SourceArn=dlq_arn)
    [task] = client.list_message_move_tasks(SourceArn=dlq_arn)["Results"]
    assert (task["Status"], task["ApproximateNumberOfMessagesToMove"]) == ("COMPLETED", 1)
    assert len(mock.queue("orders").messages) == 1
    assert len(mock.queue("dead-letters").in_flight) == 1


def test_a_deleted_source_queue_fails_the_task(
    mock: MockSQS, client: Any, dlq: tuple[str, str]
) -> None:
    _, dlq_arn = dlq
    url = with_dlq(client, "orders", dlq_arn)
    dead_letter(mock, client, url, ["a"])
    with_dlq(client, "keeps-it-a-dlq", dlq_arn)
    client.delete_queue(QueueUrl=url)
    client.start_message_move_task(SourceArn=dlq_arn)
    [task] = client.list_message_move_tasks(SourceArn=dlq_arn)["Results"]
    assert (task["Status"], task["FailureReason"]) == (
        "FAILED",
        "AWS.SimpleQueueService.NonExistentQueue",
    )
    assert mock.queue("dead-letters").bodies() == ["a"]


def test_a_message_sent_straight_to_the_dlq_has_no_source(
    mock: MockSQS, client: Any, dlq: tuple[str, str]
) -> None:
    dlq_url, dlq_arn = dlq
    with_dlq(client, "orders", dlq_arn)
    client.send_message(QueueUrl=dlq_url, MessageBody="orphan")
    client.start_message_move_task(SourceArn=dlq_arn)
    [task] = client.list_message_move_tasks(SourceArn=dlq_arn)["Results"]
    assert (task["Status"], task["FailureReason"]) == ("FAILED", "CouldNotDetermineMessageSource")


def test_tasks_are_listed_most_recent_first(
    mock: MockSQS, client: Any, dlq: tuple[str, str]
) -> None:
    _, dlq_arn = dlq
    with_dlq(client, "orders", dlq_arn)
    assert "Results" not in client.list_message_move_tasks(SourceArn=dlq_arn)
    first = client.start_message_move_task(SourceArn=dlq_arn)["TaskHandle"]
    mock.advance(1)
    client.start_message_move_task(SourceArn=dlq_arn)
    results = client.list_message_move_tasks(SourceArn=dlq_arn, MaxResults=10)["Results"]
    assert [r["StartedTimestamp"] for r in results] == sorted(
        (r["StartedTimestamp"] for r in results), reverse=True
    )
    assert len(client.list_message_move_tasks(SourceArn=dlq_arn)["Results"]) == 1
    decoded = json.loads(base64.b64decode(first))
    assert list(decoded) == ["taskId", "sourceArn"]
    assert decoded["sourceArn"] == dlq_arn


def test_task_handle_format(client: Any, dlq: tuple[str, str]) -> None:
    _, dlq_arn = dlq
    with_dlq(client, "orders", dlq_arn)
    handle = client.start_message_move_task(SourceArn=dlq_arn)["TaskHandle"]
    raw = base64.b64decode(handle).decode()
    assert raw.startswith('{"taskId":"') and raw.endswith(f'","sourceArn":"{dlq_arn}"}}')


# -- errors (AWS-rec unless noted) ----------------------------------------------------

FORMAT = (
    "You must use this format to specify the {}: "
    "arn:<partition>:<service>:<region>:<account-id>:<resource-id>"
)


def test_start_errors(mock: MockSQS, client: Any, dlq: tuple[str, str], queue_url: str) -> None:
    _, dlq_arn = dlq
    missing = "arn:aws:sqs:us-east-1:123456789012:missing"
    with aws_error(
        "ResourceNotFoundException",
        "The resource that you specified for the SourceArn parameter doesn't exist.",
        status=404,
        shape="ResourceNotFoundException",
    ):
        client.start_message_move_task(SourceArn=missing)
    with aws_error("InvalidParameterValue", FORMAT.format("SourceArn")):  # EMU text
        client.start_message_move_task(SourceArn="not-an-arn")
    with aws_error(
        "InvalidParameterValue", "Source queue must be configured as a Dead Letter Queue."
    ):
        client.start_message_move_task(SourceArn=dlq_arn)
    with_dlq(client, "orders", dlq_arn)
    with aws_error(
        "ResourceNotFoundException",
        "The resource that you specified for the DestinationArn parameter doesn't exist.",
        status=404,
    ):
        client.start_message_move_task(SourceArn=dlq_arn, DestinationArn=missing)
    for rate in (0, 501):  # EMU text
        with aws_error(
            "InvalidParameterValue",
            "Value for parameter MaxNumberOfMessagesPerSecond is invalid. Reason: You must "
            "enter a number that's between 1 and 500.",
        ):
            client.start_message_move_task(SourceArn=dlq_arn, MaxNumberOfMessagesPerSecond=rate)
    client.send_message(QueueUrl=dlq[0], MessageBody="keep the task running")
    client.start_message_move_task(SourceArn=dlq_arn, MaxNumberOfMessagesPerSecond=1)
    with aws_error(
        "InvalidParameterValue",
        "There is already a task running. Only one active task is allowed for a source queue "
        "arn at a given time.",
    ):
        client.start_message_move_task(SourceArn=dlq_arn)


def test_cancel_and_list_errors(client: Any, dlq: tuple[str, str]) -> None:
    _, dlq_arn = dlq
    with aws_error("InvalidParameterValue", "Value for parameter TaskHandle is invalid."):
        client.cancel_message_move_task(TaskHandle="not a handle")
    unknown_source = base64.b64encode(
        b'{"taskId":"x","sourceArn":"arn:aws:sqs:us-east-1:123456789012:gone"}'
    ).decode()
    with aws_error(
        "ResourceNotFoundException",
        "The resource that you specified for the SourceArn parameter doesn't exist.",
        status=404,
    ):
        client.cancel_message_move_task(TaskHandle=unknown_source)
    unknown_task = base64.b64encode(
        json.dumps({"taskId": "nope", "sourceArn": dlq_arn}).encode()
    ).decode()
    with aws_error("ResourceNotFoundException", "Task does not exist.", status=404):
        client.cancel_message_move_task(TaskHandle=unknown_task)
    for max_results in (0, 11):  # EMU text
        with aws_error(
            "InvalidParameterValue",
            "Value for parameter MaxResults is invalid. Reason: You must enter a number "
            "that's between 1 and 10.",
        ):
            client.list_message_move_tasks(SourceArn=dlq_arn, MaxResults=max_results)


def test_destination_must_be_of_the_same_type(client: Any, dlq: tuple[str, str]) -> None:
    _, dlq_arn = dlq
    with_dlq(client, "orders", dlq_arn)
    fifo = client.create_queue(QueueName="f.fifo", Attributes={"FifoQueue": "true"})
    with aws_error(
        "InvalidParameterValue",
        "The source queue and the destination queue must be of the same queue type.",
    ):
        client.start_message_move_task(
            SourceArn=dlq_arn, DestinationArn=arn_of(client, fifo["QueueUrl"])
        )


def test_a_deleted_dlq_takes_its_tasks_with_it(
    mock: MockSQS, client: Any, dlq: tuple[str, str]
) -> None:
    dlq_url, dlq_arn = dlq
    with_dlq(client, "orders", dlq_arn)
    client.send_message(QueueUrl=dlq_url, MessageBody="x")
    client.start_message_move_task(SourceArn=dlq_arn, MaxNumberOfMessagesPerSecond=1)
    client.delete_queue(QueueUrl=dlq_url)
    mock.advance(61)
    client.create_queue(QueueName="dead-letters")
    assert "Results" not in client.list_message_move_tasks(SourceArn=dlq_arn)


# -- RedriveAllowPolicy enforcement (§6.2; the refusal's text is unconfirmed) ----------


@pytest.mark.parametrize(
    ("allow", "allowed"),
    [
        ({"redrivePermission": "allowAll"}, True),
        ({"redrivePermission": "denyAll"}, False),
        ({"redrivePermission": "byQueue", "sourceQueueArns": ["SOURCE"]}, True),
        ({"redrivePermission": "byQueue", "sourceQueueArns": ["OTHER"]}, False),
    ],
)
def test_redrive_allow_policy_decides_who_may_use_a_dlq(
    client: Any, dlq: tuple[str, str], allow: dict[str, Any], allowed: bool
) -> None:
    dlq_url, dlq_arn = dlq
    source_arn = "arn:aws:sqs:us-east-1:123456789012:orders"
    raw_allow = (
        json.dumps(allow)
        .replace("SOURCE", source_arn)
        .replace("OTHER", "arn:aws:sqs:us-east-1:123456789012:billing")
    )
    client.set_queue_attributes(QueueUrl=dlq_url, Attributes={"RedriveAllowPolicy": raw_allow})
    policy = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 3})
    if allowed:
        client.create_queue(QueueName="orders", Attributes={"RedrivePolicy": policy})
        return
    with aws_error(
        "InvalidParameterValue",
        f"Value {policy} for parameter RedrivePolicy is invalid. Reason: The dead-letter "
        "queue's RedriveAllowPolicy does not allow this queue as a source.",
    ):
        client.create_queue(QueueName="orders", Attributes={"RedrivePolicy": policy})
