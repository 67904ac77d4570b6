"""Receiving from FIFO queues: strict order per message group, group locking, partial
visibility, counters and long polls (sqs-behaviour.md §5.2, §8).

Each AWS-recorded example of §5.2 is its own test, with the sends exactly as recorded.
Bodies are named ``g<group>-m<n>``; a body's group is ``group-<group>``.
"""

from __future__ import annotations

from typing import Any

import pytest

from pytest_sqs import MockSQS


def create_fifo(client: Any, name: str = "orders.fifo", **attributes: str) -> str:
    response = client.create_queue(
        QueueName=name,
        Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true", **attributes},
    )
    return str(response["QueueUrl"])


@pytest.fixture
def fifo_url(client: Any) -> str:
    """A FIFO queue with content-based deduplication and the default 30 s visibility."""
    return create_fifo(client)


def send(client: Any, url: str, *bodies: str) -> list[str]:
    """Send each body to the group its name gives; return the message ids."""
    return [
        str(
            client.send_message(
                QueueUrl=url, MessageBody=body, MessageGroupId="group-" + body.split("-")[0][1:]
            )["MessageId"]
        )
        for body in bodies
    ]


def receive(client: Any, url: str, **params: Any) -> list[dict[str, Any]]:
    return list(client.receive_message(QueueUrl=url, **params).get("Messages", []))


def bodies_of(messages: list[dict[str, Any]]) -> list[str]:
    return [message["Body"] for message in messages]


def delete(client: Any, url: str, *messages: dict[str, Any]) -> None:
    for message in messages:
        client.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def counters(client: Any, url: str) -> tuple[int, int]:
    """(ApproximateNumberOfMessages, ApproximateNumberOfMessagesNotVisible)."""
    names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    attributes = client.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
    return int(attributes[names[0]]), int(attributes[names[1]])


# -- AWS-recorded examples (§5.2), one test each ------------------------------------------------


def test_single_receives_return_a_group_in_send_order(client: Any) -> None:
    # AWS-rec: four messages of one group, receive-and-delete one at a time.
    url = create_fifo(client, ContentBasedDeduplication="false")
    sent = [
        client.send_message(
            QueueUrl=url,
            MessageBody=f"message{i}",
            MessageDeduplicationId=f"deduplication{i}",
            MessageGroupId="fifo_group",
        )
        for i in range(4)
    ]

    for i in range(4):
        (message,) = receive(client, url)
        assert message["Body"] == f"message{i}"
        assert message["MD5OfBody"] == sent[i]["MD5OfMessageBody"]
        assert message["MessageId"] == sent[i]["MessageId"]
        delete(client, url, message)
    assert receive(client, url) == []


def test_one_receive_takes_a_whole_group_before_the_next_one(client: Any, fifo_url: str) -> None:
    # AWS-rec: g2-m1 was sent between g1's messages, yet comes after all of them.
    send(client, fifo_url, "g1-m1", "g2-m1", "g1-m2", "g1-m3")

    got = receive(client, fifo_url, MaxNumberOfMessages=10)

    assert bodies_of(got) == ["g1-m1", "g1-m2", "g1-m3", "g2-m1"]


def test_a_group_in_flight_is_skipped_until_its_visibility_timeout_ends(
    mock: MockSQS, client: Any
) -> None:
    # AWS-rec: "the entire group 1 is affected by the visibility timeout".
    url = create_fifo(client, VisibilityTimeout="1")
    send(client, url, "g1-m1", "g1-m2", "g1-m3", "g1-m4", "g2-m1", "g3-m1")

    assert bodies_of(receive(client, url, MaxNumberOfMessages=2)) == ["g1-m1", "g1-m2"]
    assert bodies_of(receive(client, url, MaxNumberOfMessages=1)) == ["g2-m1"]
    mock.advance(2)

    got = receive(client, url, MaxNumberOfMessages=10, VisibilityTimeout=0)
    assert bodies_of(got) == ["g3-m1", "g1-m1", "g1-m2", "g1-m3", "g1-m4", "g2-m1"]


def test_receiving_with_zero_visibility_sends_the_groups_to_the_back(
    client: Any, fifo_url: str
) -> None:
    # AWS-rec: "receiving with visibility timeout = 0 terminates the group's visibility".
    send(client, fifo_url, "g1-m1", "g2-m1", "g2-m2", "g3-m1", "g1-m2")

    first = receive(client, fifo_url, MaxNumberOfMessages=3, VisibilityTimeout=0)
    second = receive(client, fifo_url, MaxNumberOfMessages=10, VisibilityTimeout=0)

    assert bodies_of(first) == ["g1-m1", "g1-m2", "g2-m1"]
    assert bodies_of(second) == ["g3-m1", "g1-m1", "g1-m2", "g2-m1", "g2-m2"]


def test_ending_the_head_visibility_releases_only_the_head(client: Any, fifo_url: str) -> None:
    # AWS-rec: CMV(0) on g1-m1 while g1-m2 is in flight.
    send(client, fifo_url, "g1-m1", "g1-m2", "g2-m1")
    head, _ = receive(client, fifo_url, MaxNumberOfMessages=2)

    client.change_message_visibility(
        QueueUrl=fifo_url, ReceiptHandle=head["ReceiptHandle"], VisibilityTimeout=0
    )

    got = receive(client, fifo_url, MaxNumberOfMessages=3, WaitTimeSeconds=2)
    assert bodies_of(got) == ["g2-m1", "g1-m1"]


def test_shortening_the_head_visibility_releases_only_the_head(
    mock: MockSQS, client: Any, fifo_url: str
) -> None:
    # AWS-rec: CMV(1) on g1-m1, g1-m2 keeps its 30 s.
    send(client, fifo_url, "g1-m1", "g1-m2", "g2-m1")
    head, _ = receive(client, fifo_url, MaxNumberOfMessages=2)
    client.change_message_visibility(
        QueueUrl=fifo_url, ReceiptHandle=head["ReceiptHandle"], VisibilityTimeout=1
    )
    mock.advance(2)

    got = receive(client, fifo_url, MaxNumberOfMessages=3)
    assert bodies_of(got) == ["g2-m1", "g1-m1"]


# The recorded sends, "g1-m2" twice: with content-based deduplication the second is dropped.
SENT_FOR_DELETE_TESTS = (
    "g1-m1",
    "g2-m1",
    "g1-m2",
    "g2-m2",
    "g1-m2",
    "g1-m3",
    "g1-m4",
    "g3-m1",
)


def test_deleting_every_in_flight_message_of_a_group_unlocks_it(client: Any, fifo_url: str) -> None:
    # AWS-rec example; decision: the unlocked group goes to the back (LocalStack's order,
    # which §5.2 accepts: g2, g2, g3, g1, g1).
    send(client, fifo_url, *SENT_FOR_DELETE_TESTS)
    got = receive(client, fifo_url, MaxNumberOfMessages=2)
    assert bodies_of(got) == ["g1-m1", "g1-m2"]

    delete(client, fifo_url, *got)

    drained = receive(client, fifo_url, MaxNumberOfMessages=10)
    assert bodies_of(drained) == ["g2-m1", "g2-m2", "g3-m1", "g1-m3", "g1-m4"]


def test_deleting_some_in_flight_messages_of_a_group_keeps_it_locked(
    client: Any, fifo_url: str
) -> None:
    # AWS-rec.
    send(client, fifo_url, *SENT_FOR_DELETE_TESTS)
    got = receive(client, fifo_url, MaxNumberOfMessages=2)
    assert bodies_of(got) == ["g1-m1", "g1-m2"]

    delete(client, fifo_url, got[0])

    drained = receive(client, fifo_url, MaxNumberOfMessages=10)
    assert bodies_of(drained) == ["g2-m1", "g2-m2", "g3-m1"]


def test_messages_come_back_in_order_after_the_visibility_timeout(
    mock: MockSQS, client: Any
) -> None:
    # AWS-rec (LocalStack issue 4287).
    url = create_fifo(client, VisibilityTimeout="1")
    send(client, url, "g1-message-0", "g1-message-1", "g1-message-2")

    for _ in range(2):
        got = receive(client, url, MaxNumberOfMessages=10)
        assert bodies_of(got) == ["g1-message-0", "g1-message-1", "g1-message-2"]
        mock.advance(2)


@pytest.mark.parametrize("scenario", ["received-4", "received-1-twice"])
def test_counters_include_visible_messages_of_locked_groups(
    client: Any, fifo_url: str, scenario: str
) -> None:
    # AWS-rec: 6 messages in 3 groups, 2 received -> 4 visible, 2 not visible.
    send(client, fifo_url, "g1-m1", "g1-m2", "g2-m1", "g2-m2", "g3-m1", "g3-m2")
    assert counters(client, fifo_url) == (6, 0)

    if scenario == "received-4":
        got = receive(client, fifo_url, MaxNumberOfMessages=2)
    else:
        got = receive(client, fifo_url) + receive(client, fifo_url)

    assert len(got) == 2
    assert counters(client, fifo_url) == (4, 2)


def test_counters_after_deleting_what_was_received(client: Any, fifo_url: str) -> None:
    # AWS-rec (test_fifo_approx_number_of_messages).
    send(client, fifo_url, "g1-m1", "g1-m2", "g1-m3", "g2-m1", "g3-m1")
    assert counters(client, fifo_url) == (5, 0)

    got = receive(client, fifo_url, MaxNumberOfMessages=4)
    assert bodies_of(got) == ["g1-m1", "g1-m2", "g1-m3", "g2-m1"]
    assert counters(client, fifo_url) == (1, 4)

    delete(client, fifo_url, *got)
    assert counters(client, fifo_url) == (1, 0)


# -- locking ----------------------------------------------------------------------------------


def test_a_locked_group_holds_back_messages_sent_later_until_the_delete(
    client: Any, fifo_url: str
) -> None:
    # AWS-rec: deleting the in-flight message unblocks the group at once.
    send(client, fifo_url, "g1-m1")
    (first,) = receive(client, fifo_url, MaxNumberOfMessages=10)
    send(client, fifo_url, "g1-m2", "g1-m3")

    assert receive(client, fifo_url, MaxNumberOfMessages=10) == []
    delete(client, fifo_url, first)
    assert bodies_of(receive(client, fifo_url, MaxNumberOfMessages=10)) == ["g1-m2", "g1-m3"]


def test_a_group_stays_locked_until_the_last_in_flight_message_goes(
    client: Any, fifo_url: str
) -> None:
    send(client, fifo_url, "g1-m1", "g1-m2", "g1-m3")
    got = receive(client, fifo_url, MaxNumberOfMessages=3)

    for message in got[:-1]:
        delete(client, fifo_url, message)
        assert receive(client, fifo_url, MaxNumberOfMessages=10) == []
    send(client, fifo_url, "g1-m4")
    assert receive(client, fifo_url, MaxNumberOfMessages=10) == []
    delete(client, fifo_url, got[-1])
    assert bodies_of(receive(client, fifo_url, MaxNumberOfMessages=10)) == ["g1-m4"]


def test_a_locked_group_does_not_hold_back_other_groups(client: Any, fifo_url: str) -> None:
    send(client, fifo_url, "g1-m1", "g1-m2")
    receive(client, fifo_url)
    send(client, fifo_url, "g2-m1")

    assert bodies_of(receive(client, fifo_url, MaxNumberOfMessages=10)) == ["g2-m1"]


@pytest.mark.parametrize(
    ("extended", "returned"),
    [(0, []), (1, ["g1-m0"]), (2, ["g1-m0", "g1-m1"])],
    ids=["position-0", "position-1", "position-2"],
)
def test_a_group_is_returned_up_to_its_first_message_still_in_flight(
    mock: MockSQS, client: Any, fifo_url: str, extended: int, returned: list[str]
) -> None:
    # AWS-rec: three messages received together, one CMV-extended, the others' timeouts end.
    send(client, fifo_url, "g1-m0", "g1-m1", "g1-m2")
    got = receive(client, fifo_url, MaxNumberOfMessages=10, VisibilityTimeout=10)
    client.change_message_visibility(
        QueueUrl=fifo_url, ReceiptHandle=got[extended]["ReceiptHandle"], VisibilityTimeout=60
    )
    mock.advance(10)

    assert bodies_of(receive(client, fifo_url, MaxNumberOfMessages=10)) == returned


def test_expired_messages_return_at_the_head_of_their_group(
    mock: MockSQS, client: Any, fifo_url: str
) -> None:
    send(client, fifo_url, "g1-m1", "g1-m2", "g1-m3")
    receive(client, fifo_url, MaxNumberOfMessages=2, VisibilityTimeout=10)
    send(client, fifo_url, "g1-m4")
    mock.advance(10)

    got = receive(client, fifo_url, MaxNumberOfMessages=10, MessageSystemAttributeNames=["All"])
    assert bodies_of(got) == ["g1-m1", "g1-m2", "g1-m3", "g1-m4"]
    assert [m["Attributes"]["ApproximateReceiveCount"] for m in got] == ["2", "2", "1", "1"]


def test_a_group_that_empties_disappears_and_starts_afresh(
    mock: MockSQS, client: Any, fifo_url: str
) -> None:
    # AWS-rec.
    send(client, fifo_url, "g1-m1", "g2-m1")
    first = receive(client, fifo_url, MaxNumberOfMessages=10)
    delete(client, fifo_url, *first)
    assert mock.queue(fifo_url).groups == {}

    send(client, fifo_url, "g2-m2", "g1-m2")

    assert bodies_of(receive(client, fifo_url, MaxNumberOfMessages=10)) == ["g2-m2", "g1-m2"]
    assert list(mock.queue(fifo_url).groups) == ["group-2", "group-1"]


def test_an_in_flight_head_expiring_by_retention_releases_its_group(
    mock: MockSQS, client: Any
) -> None:
    # Retention applies in flight too (§4.1); the group then goes on with the next message.
    url = create_fifo(client, MessageRetentionPeriod="60")
    send(client, url, "g1-m1")
    mock.advance(30)
    send(client, url, "g1-m2")
    receive(client, url, VisibilityTimeout=3600)
    assert receive(client, url) == []

    mock.advance(30)

    assert bodies_of(receive(client, url, MaxNumberOfMessages=10)) == ["g1-m2"]


def test_purge_releases_locked_groups(mock: MockSQS, client: Any, fifo_url: str) -> None:
    send(client, fifo_url, "g1-m1", "g1-m2")
    receive(client, fifo_url, VisibilityTimeout=3600)

    client.purge_queue(QueueUrl=fifo_url)
    send(client, fifo_url, "g1-m3")

    assert mock.queue(fifo_url).locked_groups == {}
    assert bodies_of(receive(client, fifo_url, MaxNumberOfMessages=10)) == ["g1-m3"]


def test_delete_batch_of_every_in_flight_message_unlocks_the_group(
    client: Any, fifo_url: str
) -> None:
    send(client, fifo_url, "g1-m1", "g1-m2", "g1-m3")
    got = receive(client, fifo_url, MaxNumberOfMessages=2)

    response = client.delete_message_batch(
        QueueUrl=fifo_url,
        Entries=[{"Id": f"e{i}", "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(got)],
    )

    assert response["Successful"] == [{"Id": "e0"}, {"Id": "e1"}]
    assert bodies_of(receive(client, fifo_url, MaxNumberOfMessages=10)) == ["g1-m3"]


def test_change_visibility_batch_to_zero_unlocks_the_group(client: Any, fifo_url: str) -> None:
    send(client, fifo_url, "g1-m1", "g1-m2", "g2-m1")
    got = receive(client, fifo_url, MaxNumberOfMessages=2)

    response = client.change_message_visibility_batch(
        QueueUrl=fifo_url,
        Entries=[
            {"Id": f"e{i}", "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": 0}
            for i, m in enumerate(got)
        ],
    )

    assert response["Successful"] == [{"Id": "e0"}, {"Id": "e1"}]
    assert bodies_of(receive(client, fifo_url, MaxNumberOfMessages=10)) == [
        "g2-m1",
        "g1-m1",
        "g1-m2",
    ]


# -- long polling -----------------------------------------------------------------------------


def test_a_long_poll_returns_when_a_locked_group_comes_back(
    mock: MockSQS, client: Any, fifo_url: str
) -> None:
    # §8: long polling on FIFO returns as soon as any group is available.
    send(client, fifo_url, "g1-m1", "g1-m2")
    receive(client, fifo_url, VisibilityTimeout=5)
    start = mock.clock.now()

    got = receive(client, fifo_url, MaxNumberOfMessages=10, WaitTimeSeconds=20)

    assert bodies_of(got) == ["g1-m1", "g1-m2"]
    assert mock.clock.now() - start == 5


def test_a_long_poll_on_a_locked_group_waits_the_full_time(
    mock: MockSQS, client: Any, fifo_url: str
) -> None:
    send(client, fifo_url, "g1-m1", "g1-m2")
    receive(client, fifo_url, VisibilityTimeout=60)
    start = mock.clock.now()

    assert receive(client, fifo_url, WaitTimeSeconds=20) == []
    assert mock.clock.now() - start == 20


@pytest.mark.parametrize("looked", [True, False], ids=["looked-at", "untouched"])
def test_groups_queue_up_in_the_order_their_timers_end_whatever_looked(
    mock: MockSQS, client: Any, looked: bool
) -> None:
    # Group A comes back when its visibility timeout ends (+15); group B's first message
    # ends its delay later (+17).  A is first in line either way: the simulator once
    # applied delays before visibility timeouts when both were due, so an untouched
    # queue offered B first (found by the whole-API model).
    url = create_fifo(client, DelaySeconds="5")
    client.send_message(
        QueueUrl=url, MessageBody="a1", MessageGroupId="A", MessageDeduplicationId="1"
    )
    mock.advance(5)
    assert bodies_of(receive(client, url, VisibilityTimeout=10)) == ["a1"]
    mock.advance(7)
    client.send_message(
        QueueUrl=url, MessageBody="b1", MessageGroupId="B", MessageDeduplicationId="2"
    )
    mock.advance(4)  # +16: A is back, B still delayed
    if looked:
        assert [m.body for m in mock.queue(url).visible] == ["a1"]
    mock.advance(4)  # +20: both available
    assert bodies_of(receive(client, url, MaxNumberOfMessages=1, VisibilityTimeout=0)) == ["a1"]
