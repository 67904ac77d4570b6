"""Dead-letter queues on standard queues: RedrivePolicy validation and the move itself
(sqs-behaviour.md §6.1, §6.2)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from _support import aws_error

from pytest_sqs import MockSQS

ALL = ["All"]


def arn_of(client: Any, url: str) -> str:
    attributes = client.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
    return str(attributes["Attributes"]["QueueArn"])


@pytest.fixture
def dlq_url(client: Any) -> str:
    return str(client.create_queue(QueueName="dead-letters")["QueueUrl"])


def source_with_dlq(client: Any, dlq_url: str, max_receive_count: int = 2) -> str:
    policy = {"deadLetterTargetArn": arn_of(client, dlq_url), "maxReceiveCount": max_receive_count}
    return str(
        client.create_queue(
            QueueName="work",
            Attributes={"RedrivePolicy": json.dumps(policy), "VisibilityTimeout": "10"},
        )["QueueUrl"]
    )


def test_message_moves_on_the_receive_after_max_receive_count(
    mock: MockSQS, client: Any, dlq_url: str
) -> None:
    url = source_with_dlq(client, dlq_url, max_receive_count=2)
    sent = client.send_message(
        QueueUrl=url,
        MessageBody="poison",
        MessageAttributes={"kind": {"DataType": "String", "StringValue": "bad"}},
    )
    for expected_count in ("1", "2"):
        got = client.receive_message(QueueUrl=url, MessageSystemAttributeNames=ALL)
        assert got["Messages"][0]["Attributes"]["ApproximateReceiveCount"] == expected_count
        mock.advance(10)

    # The third receive moves it instead of returning it (AWS-rec).
    assert "Messages" not in client.receive_message(QueueUrl=url)
    assert mock.queue("work").messages == ()
    moved = client.receive_message(
        QueueUrl=dlq_url, MessageSystemAttributeNames=ALL, MessageAttributeNames=ALL
    )["Messages"][0]
    assert moved["MessageId"] == sent["MessageId"]
    assert moved["Body"] == "poison"
    assert moved["MD5OfMessageAttributes"] == sent["MD5OfMessageAttributes"]
    assert moved["MessageAttributes"] == {"kind": {"DataType": "String", "StringValue": "bad"}}
    assert moved["Attributes"]["DeadLetterQueueSourceArn"] == arn_of(client, url)
    assert moved["Attributes"]["ApproximateReceiveCount"] == "3"  # carried over, +1 here


def test_receive_count_is_carried_into_the_dead_letter_queue(
    mock: MockSQS, client: Any, dlq_url: str
) -> None:
    # AWS-rec: maxReceiveCount=1, one receive in the source, the first receive from the
    # DLQ shows 2.
    url = source_with_dlq(client, dlq_url, max_receive_count=1)
    client.send_message(QueueUrl=url, MessageBody="x")
    client.receive_message(QueueUrl=url)
    mock.advance(10)
    assert "Messages" not in client.receive_message(QueueUrl=url)
    got = client.receive_message(QueueUrl=dlq_url, MessageSystemAttributeNames=ALL)
    assert got["Messages"][0]["Attributes"]["ApproximateReceiveCount"] == "2"


def test_the_receive_that_moves_still_returns_the_healthy_messages(
    mock: MockSQS, client: Any, dlq_url: str
) -> None:
    url = source_with_dlq(client, dlq_url, max_receive_count=1)
    client.send_message(QueueUrl=url, MessageBody="poison")
    client.receive_message(QueueUrl=url)
    for n in range(3):
        client.send_message(QueueUrl=url, MessageBody=f"ok-{n}")
    mock.advance(10)

    got = client.receive_message(QueueUrl=url, MaxNumberOfMessages=10)
    assert sorted(m["Body"] for m in got["Messages"]) == ["ok-0", "ok-1", "ok-2"]
    assert mock.queue("dead-letters").bodies() == ["poison"]


def test_counters_and_journal_follow_the_move(mock: MockSQS, client: Any, dlq_url: str) -> None:
    url = source_with_dlq(client, dlq_url, max_receive_count=1)
    message_id = client.send_message(QueueUrl=url, MessageBody="x")["MessageId"]
    client.receive_message(QueueUrl=url)
    mock.advance(10)
    client.receive_message(QueueUrl=url)

    source = client.get_queue_attributes(QueueUrl=url, AttributeNames=ALL)["Attributes"]
    target = client.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=ALL)["Attributes"]
    assert [
        source[k] for k in ("ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible")
    ] == ["0", "0"]
    assert target["ApproximateNumberOfMessages"] == "1"
    events = [entry.event for entry in mock.queue("dead-letters").history(message_id)]
    assert events == [
        "sent",
        "received",
        "visible again",
        "moved to dead-letter queue",
    ]
    assert mock.queue("work").history(message_id)[-1].detail == arn_of(client, dlq_url)


def test_standard_dead_letter_queue_keeps_the_original_enqueue_time(
    mock: MockSQS, client: Any
) -> None:
    # Retention in a standard DLQ counts from the original send (§6.1).
    dlq = client.create_queue(QueueName="dlq", Attributes={"MessageRetentionPeriod": "120"})
    dlq_url = dlq["QueueUrl"]
    url = source_with_dlq(client, dlq_url, max_receive_count=1)
    client.send_message(QueueUrl=url, MessageBody="x")
    client.receive_message(QueueUrl=url)
    mock.advance(100)
    client.receive_message(QueueUrl=url)
    assert mock.queue("dlq").bodies() == ["x"]
    mock.advance(20)  # 120 s after the send, 20 s after the move
    assert mock.queue("dlq").bodies() == []


def test_without_its_dead_letter_queue_the_message_stays(
    mock: MockSQS, client: Any, dlq_url: str
) -> None:
    url = source_with_dlq(client, dlq_url, max_receive_count=1)
    client.send_message(QueueUrl=url, MessageBody="x")
    client.receive_message(QueueUrl=url)
    client.delete_queue(QueueUrl=dlq_url)
    mock.advance(10)
    got = client.receive_message(QueueUrl=url, MessageSystemAttributeNames=ALL)
    assert got["Messages"][0]["Attributes"]["ApproximateReceiveCount"] == "2"


def test_removing_the_policy_stops_the_moves(mock: MockSQS, client: Any, dlq_url: str) -> None:
    url = source_with_dlq(client, dlq_url, max_receive_count=1)
    client.set_queue_attributes(QueueUrl=url, Attributes={"RedrivePolicy": ""})
    assert (
        "RedrivePolicy"
        not in client.get_queue_attributes(QueueUrl=url, AttributeNames=ALL)["Attributes"]
    )
    client.send_message(QueueUrl=url, MessageBody="x")
    client.receive_message(QueueUrl=url)
    mock.advance(10)
    assert len(client.receive_message(QueueUrl=url)["Messages"]) == 1


def test_a_long_poll_moves_a_message_that_comes_back_and_keeps_waiting(
    mock: MockSQS, client: Any, dlq_url: str
) -> None:
    url = source_with_dlq(client, dlq_url, max_receive_count=1)
    client.send_message(QueueUrl=url, MessageBody="x")
    client.receive_message(QueueUrl=url)
    start = mock.clock.now()
    assert "Messages" not in client.receive_message(QueueUrl=url, WaitTimeSeconds=20)
    assert mock.queue("dead-letters").bodies() == ["x"]
    assert mock.clock.now() - start == 20


# -- validation (§6.2; EMU texts unless noted) ---------------------------------------


def _policy_error(raw: str, reason: str) -> tuple[str, str]:
    return (
        "InvalidParameterValue",
        f"Value {raw} for parameter RedrivePolicy is invalid. Reason: {reason}",
    )


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("{}", "Redrive policy does not contain mandatory attribute: maxReceiveCount."),
        (
            '{"maxReceiveCount":5}',
            "Redrive policy does not contain mandatory attribute: deadLetterTargetArn.",
        ),
        (
            '{"maxReceiveCount": -36, "deadLetterTargetArn": "ARN"}',
            "Invalid value for maxReceiveCount: -36, valid values are from 1 to 1000 both "
            "inclusive.",
        ),
        (
            '{"maxReceiveCount": 1001, "deadLetterTargetArn": "ARN"}',
            "Invalid value for maxReceiveCount: 1001, valid values are from 1 to 1000 both "
            "inclusive.",
        ),
        (
            '{"maxReceiveCount": 5, "deadLetterTargetArn": "arn:aws:sns:us-east-1:123456789012:t"}',
            "Only SQS queues are valid resources for deadLetterTargetArn.",
        ),
        (
            '{"maxReceiveCount": 5, "deadLetterTargetArn": "arn:aws:sqs:us-east-1:1:no"}',
            "Dead letter target does not exist.",
        ),
        (
            '{"maxReceiveCount": 5, "deadLetterTargetArn": "ARN", "extra": 1}',
            "Only following attributes are supported: [maxReceiveCount, deadLetterTargetArn].",
        ),
        (
            '{"deadLetterTargetArn": "dummy", "maxReceiveCount": 42}',
            "Invalid value for deadLetterTargetArn.",
        ),  # AWS-rec
    ],
)
def test_invalid_redrive_policies(
    client: Any, queue_url: str, dlq_url: str, raw: str, reason: str
) -> None:
    raw = raw.replace("ARN", arn_of(client, dlq_url))
    with aws_error(*_policy_error(raw, reason)):
        client.set_queue_attributes(QueueUrl=queue_url, Attributes={"RedrivePolicy": raw})
    with aws_error(*_policy_error(raw, reason)):
        client.create_queue(QueueName="other", Attributes={"RedrivePolicy": raw})
    assert (
        "RedrivePolicy"
        not in client.get_queue_attributes(QueueUrl=queue_url, AttributeNames=ALL)["Attributes"]
    )


@pytest.mark.parametrize("raw", ["not json", "4", "[]", '" "'])
def test_redrive_policy_must_be_a_json_map(client: Any, queue_url: str, raw: str) -> None:
    with aws_error(
        "InvalidParameterValue",
        "Invalid value for the parameter RedrivePolicy. Reason: Redrive policy is not a valid "
        "JSON map.",
    ):
        client.set_queue_attributes(QueueUrl=queue_url, Attributes={"RedrivePolicy": raw})


def test_dead_letter_queue_must_be_of_the_same_type(client: Any, queue_url: str) -> None:
    fifo = client.create_queue(QueueName="dlq.fifo", Attributes={"FifoQueue": "true"})
    raw = json.dumps(
        {"deadLetterTargetArn": arn_of(client, fifo["QueueUrl"]), "maxReceiveCount": 3}
    )
    with aws_error(
        *_policy_error(raw, "Dead-letter queue must be same type of queue as the source..")
    ):
        client.set_queue_attributes(QueueUrl=queue_url, Attributes={"RedrivePolicy": raw})


def test_max_receive_count_may_be_a_numeric_string_and_is_stored_as_sent(
    client: Any, queue_url: str, dlq_url: str
) -> None:
    raw = json.dumps({"deadLetterTargetArn": arn_of(client, dlq_url), "maxReceiveCount": "7"})
    client.set_queue_attributes(QueueUrl=queue_url, Attributes={"RedrivePolicy": raw})
    stored = client.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["RedrivePolicy"])
    assert stored["Attributes"]["RedrivePolicy"] == raw


UNSUPPORTED = (
    "Invalid value for the parameter RedriveAllowPolicy. Reason: Amazon SQS can't create the "
    "redrive allow policy, as it’s in an unsupported format."
)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("nope", UNSUPPORTED),
        ('{"redrivePermission": "sometimes"}', UNSUPPORTED),
        ('{"redrivePermission": "allowAll", "other": 1}', UNSUPPORTED),
        ('{"redrivePermission": "byQueue", "sourceQueueArns": "arn"}', UNSUPPORTED),
        (
            '{"redrivePermission": "byQueue"}',
            "Value {raw} for parameter RedriveAllowPolicy is invalid. Reason: Amazon SQS can't "
            "create the redrive allow policy. When you specify the byQueue permission type, you "
            "must also specify one or more sourceQueueArns values.",
        ),
        (
            '{"redrivePermission": "byQueue", "sourceQueueArns": ' + json.dumps(["a"] * 11) + "}",
            "Value {raw} for parameter RedriveAllowPolicy is invalid. Reason: Amazon SQS can't "
            "create the redrive allow policy. The maximum number of source queue ARNs you can "
            "specify is 10.",
        ),
        (
            '{"redrivePermission": "denyAll", "sourceQueueArns": ["a"]}',
            "Value {raw} for parameter RedriveAllowPolicy is invalid. Reason: Amazon SQS can't "
            "create the redrive allow policy. To specify one or more source queue ARNs, you must "
            "set redrivePermission to byQueue.",
        ),
    ],
)
def test_invalid_redrive_allow_policies(
    client: Any, queue_url: str, raw: str, message: str
) -> None:
    with aws_error("InvalidParameterValue", message.replace("{raw}", raw)):
        client.set_queue_attributes(QueueUrl=queue_url, Attributes={"RedriveAllowPolicy": raw})


def test_redrive_allow_policy_is_stored_byte_for_byte(client: Any, queue_url: str) -> None:
    raw = '{"redrivePermission":"byQueue","sourceQueueArns":["arn:aws:sqs:us-east-1:1:a"]}'
    client.set_queue_attributes(QueueUrl=queue_url, Attributes={"RedriveAllowPolicy": raw})
    stored = client.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["All"])
    assert stored["Attributes"]["RedriveAllowPolicy"] == raw


# -- ListDeadLetterSourceQueues (§3.15) ------------------------------------------------


def test_list_dead_letter_source_queues_names_every_source_sorted(
    client: Any, dlq_url: str
) -> None:
    policy = json.dumps({"deadLetterTargetArn": arn_of(client, dlq_url), "maxReceiveCount": 3})
    urls = {
        name: client.create_queue(QueueName=name, Attributes={"RedrivePolicy": policy})["QueueUrl"]
        for name in ("orders", "billing", "audit")
    }
    client.create_queue(QueueName="unrelated")
    got = client.list_dead_letter_source_queues(QueueUrl=dlq_url)
    assert got["queueUrls"] == [urls["audit"], urls["billing"], urls["orders"]]
    assert "NextToken" not in got

    first = client.list_dead_letter_source_queues(QueueUrl=dlq_url, MaxResults=2)
    assert first["queueUrls"] == [urls["audit"], urls["billing"]]
    rest = client.list_dead_letter_source_queues(
        QueueUrl=dlq_url, MaxResults=2, NextToken=first["NextToken"]
    )
    assert rest["queueUrls"] == [urls["orders"]]
    assert "NextToken" not in rest


def test_list_dead_letter_source_queues_without_sources_has_no_key(
    client: Any, dlq_url: str
) -> None:
    got = client.list_dead_letter_source_queues(QueueUrl=dlq_url)
    assert "queueUrls" not in got


def test_a_removed_policy_is_no_longer_a_source(client: Any, dlq_url: str) -> None:
    url = source_with_dlq(client, dlq_url)
    assert client.list_dead_letter_source_queues(QueueUrl=dlq_url)["queueUrls"] == [url]
    client.set_queue_attributes(QueueUrl=url, Attributes={"RedrivePolicy": ""})
    assert "queueUrls" not in client.list_dead_letter_source_queues(QueueUrl=dlq_url)


def test_list_dead_letter_source_queues_of_a_missing_queue(client: Any) -> None:
    with aws_error(
        "AWS.SimpleQueueService.NonExistentQueue",
        "The specified queue does not exist.",
        shape="QueueDoesNotExist",
    ):
        client.list_dead_letter_source_queues(
            QueueUrl="https://sqs.us-east-1.amazonaws.com/123456789012/missing"
        )


# -- inspection and test controls ------------------------------------------------------


def test_views_show_the_dead_letter_relationship(mock: MockSQS, client: Any, dlq_url: str) -> None:
    url = source_with_dlq(client, dlq_url, max_receive_count=1)
    client.create_queue(QueueName="plain")
    work = mock.queue("work")
    assert work.dlq is not None and work.dlq.url == dlq_url
    assert mock.queue("plain").dlq is None
    assert [view.url for view in mock.queue("dead-letters").dead_letter_sources] == [url]

    message_id = client.send_message(QueueUrl=url, MessageBody="x")["MessageId"]
    client.receive_message(QueueUrl=url)
    mock.advance(10)
    client.receive_message(QueueUrl=url)
    [moved] = work.dlq.visible
    assert (moved.message_id, moved.receive_count, moved.dead_letter_source_arn) == (
        message_id,
        1,
        arn_of(client, url),
    )


@pytest.mark.parametrize("state", ["visible", "in_flight", "delayed"])
def test_a_test_can_dead_letter_a_message_in_any_state(
    mock: MockSQS, client: Any, dlq_url: str, state: str
) -> None:
    url = source_with_dlq(client, dlq_url)
    message_id = client.send_message(
        QueueUrl=url, MessageBody="x", DelaySeconds=60 if state == "delayed" else 0
    )["MessageId"]
    if state == "in_flight":
        client.receive_message(QueueUrl=url)
    assert [m.state for m in mock.queue("work").messages] == [state]

    dlq = mock.dead_letter("work", message_id)

    assert dlq.name == "dead-letters"
    assert mock.queue("work").messages == ()
    assert [(m.message_id, m.state) for m in dlq.messages] == [(message_id, "visible")]
    attributes = client.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert [
        attributes[f"ApproximateNumberOf{k}"]
        for k in ("Messages", "MessagesNotVisible", "MessagesDelayed")
    ] == ["0"] * 3
    assert mock.queue("work").history(message_id)[-1].event == "moved to dead-letter queue"


def test_dead_lettering_needs_a_redrive_policy(mock: MockSQS, client: Any, queue_url: str) -> None:
    message_id = client.send_message(QueueUrl=queue_url, MessageBody="x")["MessageId"]
    with pytest.raises(LookupError, match="queue test-queue has no RedrivePolicy"):
        mock.dead_letter("test-queue", message_id)
    with pytest.raises(LookupError, match="no message nope in queue test-queue"):
        mock.expire("test-queue", "nope")


def test_a_test_can_expire_a_message_now(mock: MockSQS, client: Any, queue_url: str) -> None:
    message_id = client.send_message(QueueUrl=queue_url, MessageBody="x")["MessageId"]
    handle = client.receive_message(QueueUrl=queue_url)["Messages"][0]["ReceiptHandle"]
    mock.expire("test-queue", message_id)
    assert mock.queue("test-queue").messages == ()
    assert mock.queue("test-queue").history(message_id)[-1].event == "expired"
    client.delete_message(QueueUrl=queue_url, ReceiptHandle=handle)  # 200, as on AWS


def test_fifo_dead_letter_move_keeps_the_group_and_lets_it_flow(mock: MockSQS, client: Any) -> None:
    fifo = {"FifoQueue": "true", "ContentBasedDeduplication": "true"}
    dlq_url = client.create_queue(QueueName="dlq.fifo", Attributes=fifo)["QueueUrl"]
    policy = json.dumps({"deadLetterTargetArn": arn_of(client, dlq_url), "maxReceiveCount": 1})
    url = client.create_queue(QueueName="work.fifo", Attributes={**fifo, "RedrivePolicy": policy})[
        "QueueUrl"
    ]
    for body in ("first", "second"):
        client.send_message(QueueUrl=url, MessageBody=body, MessageGroupId="g")
    client.receive_message(QueueUrl=url, VisibilityTimeout=5)
    mock.advance(5)
    got = client.receive_message(QueueUrl=url, MaxNumberOfMessages=10)
    assert [m["Body"] for m in got["Messages"]] == ["second"]
    moved = client.receive_message(QueueUrl=dlq_url, MessageSystemAttributeNames=["All"])
    attributes = moved["Messages"][0]["Attributes"]
    assert (moved["Messages"][0]["Body"], attributes["MessageGroupId"]) == ("first", "g")
    assert attributes["DeadLetterQueueSourceArn"] == arn_of(client, url)
    assert len(attributes["SequenceNumber"]) == 20
