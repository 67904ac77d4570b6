"""Looking into FIFO queues: message groups, locked groups, the deduplication window and
the FIFO fields of message snapshots and histories."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

from pytest_sqs import DeduplicationEntry, MockSQS


def at(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=timezone.utc)


def create_fifo(client: Any, name: str = "orders.fifo", **attributes: str) -> str:
    response = client.create_queue(QueueName=name, Attributes={"FifoQueue": "true", **attributes})
    return str(response["QueueUrl"])


@pytest.fixture
def fifo_url(client: Any) -> str:
    return create_fifo(client)


def send(client: Any, url: str, body: str, group: str, dedup: str | None = None) -> dict[str, Any]:
    response = client.send_message(
        QueueUrl=url, MessageBody=body, MessageGroupId=group, MessageDeduplicationId=dedup or body
    )
    return dict(response)


# -- groups -----------------------------------------------------------------------------------


def test_groups_list_each_group_in_delivery_order_with_every_state(
    client: Any, mock: MockSQS, fifo_url: str
) -> None:
    for body, group in [("a1", "a"), ("b1", "b"), ("a2", "a"), ("a3", "a")]:
        send(client, fifo_url, body, group)
    client.receive_message(QueueUrl=fifo_url, MaxNumberOfMessages=2)

    groups = mock.queue(fifo_url).groups

    assert list(groups) == ["a", "b"]
    assert [(m.body, m.state, m.message_group_id) for m in groups["a"]] == [
        ("a1", "in_flight", "a"),
        ("a2", "in_flight", "a"),
        ("a3", "visible", "a"),
    ]
    assert [(m.body, m.state) for m in groups["b"]] == [("b1", "visible")]


def test_locked_groups_name_the_in_flight_message_at_their_head(
    client: Any, mock: MockSQS, fifo_url: str
) -> None:
    ids = {body: send(client, fifo_url, body, body[0])["MessageId"] for body in ("a1", "a2", "b1")}
    view = mock.queue(fifo_url)
    assert view.locked_groups == {}

    got = client.receive_message(QueueUrl=fifo_url, MaxNumberOfMessages=2)["Messages"]
    assert view.locked_groups == {"a": ids["a1"]}

    client.delete_message(QueueUrl=fifo_url, ReceiptHandle=got[0]["ReceiptHandle"])
    assert view.locked_groups == {"a": ids["a2"]}  # still held by a2

    client.delete_message(QueueUrl=fifo_url, ReceiptHandle=got[1]["ReceiptHandle"])
    assert view.locked_groups == {}
    assert list(view.groups) == ["b"]


def test_a_group_is_unlocked_when_its_head_times_out(
    client: Any, mock: MockSQS, fifo_url: str
) -> None:
    send(client, fifo_url, "a1", "a")
    client.receive_message(QueueUrl=fifo_url, VisibilityTimeout=10)
    view = mock.queue(fifo_url)

    mock.advance(9)
    assert list(view.locked_groups) == ["a"]
    mock.advance(1)
    assert view.locked_groups == {}


def test_visible_lists_receivable_messages_first_then_those_of_locked_groups(
    client: Any, mock: MockSQS, fifo_url: str
) -> None:
    for body in ("a1", "a2", "b1", "a3", "b2", "c1"):
        send(client, fifo_url, body, body[0])
    got = client.receive_message(QueueUrl=fifo_url, MaxNumberOfMessages=2)["Messages"]
    client.change_message_visibility(
        QueueUrl=fifo_url, ReceiptHandle=got[1]["ReceiptHandle"], VisibilityTimeout=0
    )

    assert [m.body for m in mock.queue(fifo_url).visible] == ["b1", "b2", "c1", "a2", "a3"]
    assert [m.body for m in mock.queue(fifo_url).in_flight] == ["a1"]


def test_groups_of_a_standard_queue_are_refused(mock: MockSQS, queue_url: str) -> None:
    with pytest.raises(
        TypeError, match=r"^test-queue is a standard queue: message groups are FIFO-only$"
    ):
        mock.queue(queue_url).groups  # noqa: B018


# -- deduplication ----------------------------------------------------------------------------


def test_deduplication_lists_the_ids_in_their_window_oldest_first(
    client: Any, mock: MockSQS, fifo_url: str
) -> None:
    start = mock.clock.now()
    first = send(client, fifo_url, "a", "g1", "id-1")
    mock.advance(100)
    second = send(client, fifo_url, "b", "g2", "id-2")
    send(client, fifo_url, "c", "g2", "id-1")  # a duplicate adds nothing

    assert mock.queue(fifo_url).deduplication == (
        DeduplicationEntry(
            "id-1", None, first["MessageId"], first["SequenceNumber"], at(start + 300)
        ),
        DeduplicationEntry(
            "id-2", None, second["MessageId"], second["SequenceNumber"], at(start + 400)
        ),
    )

    mock.advance(200)  # exactly 300 s after the first send
    assert [entry.deduplication_id for entry in mock.queue(fifo_url).deduplication] == ["id-2"]
    mock.advance(100)
    assert mock.queue(fifo_url).deduplication == ()


def test_deduplication_by_message_group_names_the_group(client: Any, mock: MockSQS) -> None:
    url = create_fifo(client, DeduplicationScope="messageGroup", ContentBasedDeduplication="true")
    start = mock.clock.now()
    sent = [
        client.send_message(QueueUrl=url, MessageBody="same", MessageGroupId=group)
        for group in ("g1", "g2")
    ]

    digest = "0967115f2813a3541eaef77de9d9d5773f1c0c04314b0bbfe4ff3b3b1c55b5d5"  # sha256("same")
    assert mock.queue(url).deduplication == tuple(
        DeduplicationEntry(digest, group, s["MessageId"], s["SequenceNumber"], at(start + 300))
        for group, s in zip(("g1", "g2"), sent, strict=True)
    )


def test_deduplication_survives_deletion_and_is_cleared_by_purge(
    client: Any, mock: MockSQS, fifo_url: str
) -> None:
    send(client, fifo_url, "a", "g")
    got = client.receive_message(QueueUrl=fifo_url)["Messages"][0]
    client.delete_message(QueueUrl=fifo_url, ReceiptHandle=got["ReceiptHandle"])
    view = mock.queue(fifo_url)
    assert [entry.deduplication_id for entry in view.deduplication] == ["a"]

    client.purge_queue(QueueUrl=fifo_url)

    assert view.deduplication == ()


# -- snapshots and histories ------------------------------------------------------------------


def test_snapshots_carry_sequence_number_deduplication_id_and_group(
    client: Any, mock: MockSQS, fifo_url: str
) -> None:
    sent = [send(client, fifo_url, body, "g", f"dedup-{body}") for body in ("a", "b")]

    snapshots = mock.queue(fifo_url).messages

    assert [
        (m.message_id, m.sequence_number, m.deduplication_id, m.message_group_id) for m in snapshots
    ] == [
        (sent[0]["MessageId"], sent[0]["SequenceNumber"], "dedup-a", "g"),
        (sent[1]["MessageId"], sent[1]["SequenceNumber"], "dedup-b", "g"),
    ]


def test_a_standard_message_snapshot_has_no_fifo_fields(
    client: Any, mock: MockSQS, queue_url: str
) -> None:
    client.send_message(QueueUrl=queue_url, MessageBody="a", MessageGroupId="tenant")

    (snapshot,) = mock.queue(queue_url).messages
    assert (snapshot.message_group_id, snapshot.sequence_number, snapshot.deduplication_id) == (
        "tenant",
        None,
        None,
    )


def test_history_records_an_ignored_duplicate_on_the_original(
    client: Any, mock: MockSQS, fifo_url: str
) -> None:
    original = send(client, fifo_url, "a", "g", "d")
    mock.advance(5)
    send(client, fifo_url, "b", "g", "d")

    history = mock.queue(fifo_url).history(original["MessageId"])

    assert [entry.event for entry in history] == ["sent", "duplicate ignored"]
    assert history[1].at == at(mock.clock.now())


def test_history_records_a_retried_receive(client: Any, mock: MockSQS, fifo_url: str) -> None:
    sent = send(client, fifo_url, "a", "g")
    client.receive_message(QueueUrl=fifo_url, ReceiveRequestAttemptId="try", VisibilityTimeout=20)
    mock.advance(5)
    client.receive_message(QueueUrl=fifo_url, ReceiveRequestAttemptId="try", VisibilityTimeout=20)

    history = mock.queue(fifo_url).history(sent["MessageId"])

    assert [(entry.event, entry.detail) for entry in history[2:]] == [
        ("receive retried", "same messages and handles again, visibility 20 s")
    ]
    assert [entry.event for entry in history] == ["sent", "received", "receive retried"]
