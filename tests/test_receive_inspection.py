"""Looking at a queue through ``mock.queue(name)``: states, snapshots and message histories,
without side effects on what a receive sees."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from pytest_sqs import HistoryEntry, MessageSnapshot, MockSQS


def at(epoch_s: float) -> datetime:
    return datetime.fromtimestamp(epoch_s, tz=timezone.utc)


def test_views_list_messages_by_state(mock: MockSQS, client: Any, queue_url: str) -> None:
    now = mock.clock.now()
    flying = client.send_message(QueueUrl=queue_url, MessageBody="flying")["MessageId"]
    client.receive_message(QueueUrl=queue_url, VisibilityTimeout=40)
    visible = client.send_message(
        QueueUrl=queue_url,
        MessageBody="visible",
        MessageAttributes={"Foo": {"DataType": "String", "StringValue": "Bar"}},
        MessageGroupId="g",
    )["MessageId"]
    delayed = client.send_message(
        QueueUrl=queue_url,
        MessageBody="delayed",
        DelaySeconds=10,
        MessageSystemAttributes={"AWSTraceHeader": {"DataType": "String", "StringValue": "Root=1"}},
    )["MessageId"]

    view = mock.queue("test-queue")

    expected_visible = MessageSnapshot(
        message_id=visible,
        body="visible",
        state="visible",
        receive_count=0,
        sent_at=at(now),
        visible_at=None,
        message_attributes={"Foo": {"DataType": "String", "StringValue": "Bar"}},
        message_group_id="g",
        trace_header=None,
        md5_of_body="46cf0e59759c9b7f1112ca4b174343ef",
    )
    expected_flying = MessageSnapshot(
        message_id=flying,
        body="flying",
        state="in_flight",
        receive_count=1,
        sent_at=at(now),
        visible_at=at(now + 40),
        message_attributes={},
        message_group_id=None,
        trace_header=None,
        md5_of_body="377edee441ba40cce89db069ac2adeba",
    )
    expected_delayed = MessageSnapshot(
        message_id=delayed,
        body="delayed",
        state="delayed",
        receive_count=0,
        sent_at=at(now),
        visible_at=at(now + 10),
        message_attributes={},
        message_group_id=None,
        trace_header="Root=1",
        md5_of_body="f5e0a640e01c53954396b55beeb29ab9",
    )
    assert view.visible == (expected_visible,)
    assert view.in_flight == (expected_flying,)
    assert view.delayed == (expected_delayed,)
    assert view.messages == (expected_visible, expected_delayed, expected_flying)
    assert view.bodies() == ["visible", "delayed", "flying"]


def test_looking_changes_nothing_a_receive_sees(mock: MockSQS, client: Any, queue_url: str) -> None:
    client.send_message(QueueUrl=queue_url, MessageBody="a")
    view = mock.queue("test-queue")

    for _ in range(3):
        assert [(m.body, m.receive_count) for m in view.visible] == [("a", 0)]
        assert view.messages == view.visible
        assert (view.in_flight, view.delayed) == ((), ())
        assert view.attributes["ApproximateNumberOfMessages"] == "1"

    [message] = client.receive_message(
        QueueUrl=queue_url, MessageSystemAttributeNames=["ApproximateReceiveCount"]
    )["Messages"]
    assert message["Attributes"] == {"ApproximateReceiveCount": "1"}
    assert [m.receive_count for m in view.in_flight] == [1]


def test_views_follow_the_clock(mock: MockSQS, client: Any, queue_url: str) -> None:
    client.send_message(QueueUrl=queue_url, MessageBody="a", DelaySeconds=5)
    view = mock.queue("test-queue")
    assert [m.state for m in view.messages] == ["delayed"]

    mock.advance(5)

    assert [m.state for m in view.messages] == ["visible"]
    assert view.attributes["ApproximateNumberOfMessagesDelayed"] == "0"


def test_history_lists_what_happened_to_a_message(
    mock: MockSQS, client: Any, queue_url: str
) -> None:
    start = mock.clock.now()
    message_id = client.send_message(QueueUrl=queue_url, MessageBody="a", DelaySeconds=2)[
        "MessageId"
    ]
    mock.advance(3)
    first = client.receive_message(QueueUrl=queue_url, VisibilityTimeout=10)["Messages"][0]
    mock.advance(12)
    second = client.receive_message(QueueUrl=queue_url)["Messages"][0]
    mock.advance(1)
    client.change_message_visibility(
        QueueUrl=queue_url, ReceiptHandle=second["ReceiptHandle"], VisibilityTimeout=0
    )
    client.delete_message(QueueUrl=queue_url, ReceiptHandle=second["ReceiptHandle"])

    assert mock.queue("test-queue").history(message_id) == [
        HistoryEntry(at(start), "sent", "delay 2 s"),
        HistoryEntry(at(start + 2), "delay ended", ""),
        HistoryEntry(
            at(start + 3),
            "received",
            f"receive #1, visibility 10 s, handle {first['ReceiptHandle']}",
        ),
        HistoryEntry(at(start + 13), "visible again", ""),
        HistoryEntry(
            at(start + 15),
            "received",
            f"receive #2, visibility 30 s, handle {second['ReceiptHandle']}",
        ),
        HistoryEntry(at(start + 16), "visibility changed", "visibility 0 s"),
        HistoryEntry(at(start + 16), "visible again", ""),
        HistoryEntry(at(start + 16), "deleted", ""),
    ]
