"""Looking into the simulator: queue views, message snapshots and message histories."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest

from pytest_sqs import HistoryEntry, MessageSnapshot, MockSQS, QueueView

REGION = "us-east-1"
ACCOUNT = "123456789012"
TRACE = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"


def url_of(name: str, region: str = REGION, account: str = ACCOUNT) -> str:
    return f"https://sqs.{region}.amazonaws.com/{account}/{name}"


def now(mock: MockSQS, plus_s: float = 0) -> datetime:
    return datetime.fromtimestamp(mock.clock.now() + plus_s, tz=timezone.utc)


# -- finding queues -------------------------------------------------------------------


@pytest.mark.parametrize(
    "name_or_url",
    [
        "test-queue",
        url_of("test-queue"),
        "http://localhost:4566/123456789012/test-queue",  # LocalStack-style URL
        f"/{ACCOUNT}/test-queue",
    ],
)
def test_view_by_name_or_url(mock: MockSQS, queue_url: str, name_or_url: str) -> None:
    view = mock.queue(name_or_url)
    assert isinstance(view, QueueView)
    assert (view.name, view.account_id, view.region) == ("test-queue", ACCOUNT, REGION)
    assert view.url == queue_url
    assert view.arn == f"arn:aws:sqs:{REGION}:{ACCOUNT}:test-queue"
    assert repr(view) == f"<QueueView {queue_url}>"


def test_view_in_another_region_by_name(mock: MockSQS) -> None:
    eu = boto3.client("sqs", region_name="eu-west-1")
    url = eu.create_queue(QueueName="european")["QueueUrl"]
    assert mock.queue("european", region="eu-west-1").url == url


def test_view_by_url_of_another_region(mock: MockSQS) -> None:
    eu = boto3.client("sqs", region_name="eu-west-1")
    url = eu.create_queue(QueueName="european")["QueueUrl"]
    assert mock.queue(url).region == "eu-west-1"


def test_unknown_queue_lists_the_queues_that_exist(mock: MockSQS, client: Any) -> None:
    client.create_queue(QueueName="orders")
    client.create_queue(QueueName="invoices")
    with pytest.raises(LookupError) as info:
        mock.queue("order")
    assert str(info.value) == (
        f"no queue named 'order' in account {ACCOUNT}, region {REGION}. Queues that exist: "
        f"{url_of('invoices')}, {url_of('orders')}"
    )


@pytest.mark.parametrize(
    ("lookup", "message"),
    [
        pytest.param(
            lambda mock: mock.queue("orders"),
            f"no queue named 'orders' in account {ACCOUNT}, region {REGION}. "
            "Queues that exist: (none)",
            id="by-name",
        ),
        pytest.param(
            lambda mock: mock.queue(url_of("orders", account="111122223333")),
            f"no queue named 'orders' in account 111122223333, region {REGION}. "
            "Queues that exist: (none)",
            id="other-account-url",
        ),
        pytest.param(
            lambda mock: mock.queue("orders", region="eu-west-1", account_id="111122223333"),
            "no queue named 'orders' in account 111122223333, region eu-west-1. "
            "Queues that exist: (none)",
            id="keywords",
        ),
    ],
)
def test_unknown_queue_with_no_queues_at_all(
    mock: MockSQS, lookup: Callable[[MockSQS], object], message: str
) -> None:
    with pytest.raises(LookupError) as info:
        lookup(mock)
    assert str(info.value) == message


def test_a_view_of_a_deleted_queue_says_it_is_gone(
    mock: MockSQS, client: Any, queue_url: str
) -> None:
    view = mock.queue("test-queue")
    client.delete_queue(QueueUrl=queue_url)
    with pytest.raises(LookupError) as info:
        _ = view.messages
    assert str(info.value) == (
        f"no queue named 'test-queue' in account {ACCOUNT}, region {REGION}. "
        "Queues that exist: (none)"
    )


def test_queues_lists_every_queue_in_every_region(mock: MockSQS, client: Any) -> None:
    assert mock.queues() == []
    client.create_queue(QueueName="b-queue")
    client.create_queue(QueueName="a-queue")
    boto3.client("sqs", region_name="eu-west-1").create_queue(QueueName="c-queue")
    assert sorted(view.url for view in mock.queues()) == [
        url_of("c-queue", "eu-west-1"),
        url_of("a-queue"),
        url_of("b-queue"),
    ]


def test_attributes_and_tags_are_what_the_api_returns(mock: MockSQS, client: Any) -> None:
    url = client.create_queue(
        QueueName="configured",
        Attributes={"VisibilityTimeout": "45", "DelaySeconds": "2"},
        tags={"team": "payments"},
    )["QueueUrl"]
    client.send_message(QueueUrl=url, MessageBody="counted")
    view = mock.queue("configured")
    api = client.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert view.attributes == api
    assert (view.attributes["VisibilityTimeout"], view.attributes["DelaySeconds"]) == ("45", "2")
    assert view.attributes["ApproximateNumberOfMessagesDelayed"] == "1"
    assert view.tags == client.list_queue_tags(QueueUrl=url)["Tags"] == {"team": "payments"}


# -- message snapshots ------------------------------------------------------------------


def test_snapshot_of_a_visible_message(mock: MockSQS, client: Any, queue_url: str) -> None:
    attributes = {
        "kind": {"DataType": "String", "StringValue": "order"},
        "amount": {"DataType": "Number.EUR", "StringValue": "12.50"},
        "blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01"},
    }
    sent = client.send_message(
        QueueUrl=queue_url,
        MessageBody="order-1",
        MessageAttributes=attributes,
        MessageGroupId="customer-7",
        MessageSystemAttributes={"AWSTraceHeader": {"DataType": "String", "StringValue": TRACE}},
    )
    assert mock.queue("test-queue").visible == (
        MessageSnapshot(
            message_id=sent["MessageId"],
            body="order-1",
            state="visible",
            receive_count=0,
            sent_at=now(mock),
            visible_at=None,
            message_attributes=attributes,
            message_group_id="customer-7",
            trace_header=TRACE,
            md5_of_body=hashlib.md5(b"order-1").hexdigest(),
        ),
    )
    assert sent["MD5OfMessageBody"] == hashlib.md5(b"order-1").hexdigest()


def test_snapshots_by_state(mock: MockSQS, client: Any, queue_url: str) -> None:
    ids = {
        body: client.send_message(QueueUrl=queue_url, MessageBody=body, DelaySeconds=delay)[
            "MessageId"
        ]
        for body, delay in [("in-flight", 0), ("visible", 0), ("late", 20), ("soon", 10)]
    }
    sent_at = now(mock)
    [received] = client.receive_message(QueueUrl=queue_url, VisibilityTimeout=45)["Messages"]
    assert received["Body"] == "in-flight"
    mock.advance(1)
    view = mock.queue(queue_url)

    def brief(snapshots: tuple[MessageSnapshot, ...]) -> list[tuple[Any, ...]]:
        return [
            (s.message_id, s.body, s.state, s.receive_count, s.sent_at, s.visible_at)
            for s in snapshots
        ]

    in_flight = (ids["in-flight"], "in-flight", "in_flight", 1, sent_at)
    assert brief(view.visible) == [(ids["visible"], "visible", "visible", 0, sent_at, None)]
    assert brief(view.in_flight) == [(*in_flight, sent_at + timedelta(seconds=45))]
    assert brief(view.delayed) == [
        (ids["soon"], "soon", "delayed", 0, sent_at, sent_at + timedelta(seconds=10)),
        (ids["late"], "late", "delayed", 0, sent_at, sent_at + timedelta(seconds=20)),
    ]
    assert {s.message_id for s in view.messages} == set(ids.values())
    assert view.bodies() == ["visible", "soon", "late", "in-flight"]


def test_looking_changes_nothing(mock: MockSQS, client: Any, queue_url: str) -> None:
    client.send_message(QueueUrl=queue_url, MessageBody="watched")
    view = mock.queue("test-queue")
    for _ in range(3):
        assert [s.body for s in view.visible] == ["watched"]
        assert view.bodies() == ["watched"]
        assert view.attributes["ApproximateNumberOfMessages"] == "1"
    [message] = client.receive_message(
        QueueUrl=queue_url, MessageSystemAttributeNames=["ApproximateReceiveCount"]
    )["Messages"]
    assert message["Attributes"]["ApproximateReceiveCount"] == "1"


def test_a_view_is_live(mock: MockSQS, client: Any, queue_url: str) -> None:
    view = mock.queue("test-queue")
    assert view.messages == ()
    client.send_message(QueueUrl=queue_url, MessageBody="later")
    assert view.bodies() == ["later"]
    client.receive_message(QueueUrl=queue_url, VisibilityTimeout=30)
    assert [s.state for s in view.messages] == ["in_flight"]
    mock.advance(30)
    assert [s.state for s in view.messages] == ["visible"]


# -- history ---------------------------------------------------------------------------


def test_history_of_a_message_from_send_to_delete(
    mock: MockSQS, client: Any, queue_url: str
) -> None:
    t0 = now(mock)
    message_id = client.send_message(QueueUrl=queue_url, MessageBody="tracked", DelaySeconds=5)[
        "MessageId"
    ]
    mock.advance(5)
    [first] = client.receive_message(QueueUrl=queue_url, VisibilityTimeout=10)["Messages"]
    client.change_message_visibility(
        QueueUrl=queue_url, ReceiptHandle=first["ReceiptHandle"], VisibilityTimeout=20
    )
    mock.advance(20)
    [second] = client.receive_message(QueueUrl=queue_url)["Messages"]
    client.delete_message(QueueUrl=queue_url, ReceiptHandle=second["ReceiptHandle"])

    at_5, at_25 = t0 + timedelta(seconds=5), t0 + timedelta(seconds=25)
    assert mock.queue("test-queue").history(message_id) == [
        HistoryEntry(t0, "sent", "delay 5 s"),
        HistoryEntry(at_5, "delay ended", ""),
        HistoryEntry(
            at_5, "received", f"receive #1, visibility 10 s, handle {first['ReceiptHandle']}"
        ),
        HistoryEntry(at_5, "visibility changed", "visibility 20 s"),
        HistoryEntry(at_25, "visible again", ""),
        HistoryEntry(
            at_25, "received", f"receive #2, visibility 30 s, handle {second['ReceiptHandle']}"
        ),
        HistoryEntry(at_25, "deleted", ""),
    ]


def _purge(mock: MockSQS, client: Any, url: str) -> None:
    client.purge_queue(QueueUrl=url)


def _expire(mock: MockSQS, client: Any, url: str) -> None:
    client.set_queue_attributes(QueueUrl=url, Attributes={"MessageRetentionPeriod": "60"})
    mock.advance(61)


@pytest.mark.parametrize(
    ("end", "event", "after_s"),
    [(_purge, "purged", 0), (_expire, "expired", 60)],
    ids=["purge", "retention"],
)
def test_history_survives_the_message(
    mock: MockSQS,
    client: Any,
    queue_url: str,
    end: Callable[[MockSQS, Any, str], None],
    event: str,
    after_s: int,
) -> None:
    t0 = now(mock)
    message_id = client.send_message(QueueUrl=queue_url, MessageBody="short-lived")["MessageId"]
    end(mock, client, queue_url)
    view = mock.queue("test-queue")
    assert view.messages == ()
    assert view.history(message_id) == [
        HistoryEntry(t0, "sent", "delay 0 s"),
        HistoryEntry(t0 + timedelta(seconds=after_s), event, ""),
    ]


def test_history_of_an_unknown_message(mock: MockSQS, queue_url: str) -> None:
    with pytest.raises(LookupError) as info:
        mock.queue("test-queue").history("not-a-message-id")
    assert str(info.value) == (
        "no history of message not-a-message-id in queue test-queue: it was never there, or "
        "it left long ago (journals are kept for the 100,000 most recent departures)"
    )


def test_history_belongs_to_the_queue_the_message_was_in(mock: MockSQS, client: Any) -> None:
    first = client.create_queue(QueueName="first")["QueueUrl"]
    client.create_queue(QueueName="second")
    message_id = client.send_message(QueueUrl=first, MessageBody="here")["MessageId"]
    assert [entry.event for entry in mock.queue("first").history(message_id)] == ["sent"]
    with pytest.raises(LookupError) as info:
        mock.queue("second").history(message_id)
    assert str(info.value) == (
        f"no history of message {message_id} in queue second: it was never there, or it "
        "left long ago (journals are kept for the 100,000 most recent departures)"
    )


def test_history_shows_the_last_visit_of_a_message_that_came_back(
    mock: MockSQS, client: Any
) -> None:
    # Two FIFO queues that are each other's dead-letter queue: a message received once
    # bounces between them on every receive, visiting each queue more than once.
    fifo = {"FifoQueue": "true"}
    alpha = client.create_queue(QueueName="alpha.fifo", Attributes=fifo)["QueueUrl"]
    beta = client.create_queue(QueueName="beta.fifo", Attributes=fifo)["QueueUrl"]
    for url, target in ((alpha, "beta.fifo"), (beta, "alpha.fifo")):
        policy = f'{{"deadLetterTargetArn":"{mock.queue(target).arn}","maxReceiveCount":1}}'
        client.set_queue_attributes(QueueUrl=url, Attributes={"RedrivePolicy": policy})
    message_id = client.send_message(
        QueueUrl=beta, MessageBody="m1", MessageGroupId="g", MessageDeduplicationId="1"
    )["MessageId"]
    client.receive_message(QueueUrl=beta, VisibilityTimeout=0)  # received once
    client.receive_message(QueueUrl=beta)  # moved to alpha
    client.receive_message(QueueUrl=alpha)  # moved back to beta
    client.receive_message(QueueUrl=beta)  # and to alpha again
    client.purge_queue(QueueUrl=alpha)

    assert [e.event for e in mock.queue("alpha.fifo").history(message_id)][-1] == "purged"
    assert [e.event for e in mock.queue("beta.fifo").history(message_id)][-1] == (
        "moved to dead-letter queue"
    )
