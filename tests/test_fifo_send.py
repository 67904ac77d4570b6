"""Sending to FIFO queues: required ids, id syntax, deduplication (content-based or explicit,
by queue or by group, the 5-minute window), sequence numbers, queue delay and batch order;
and message groups on standard (fair) queues (sqs-behaviour.md §1.3, §1.4, §3.7, §3.8, §5.1,
§8)."""

from __future__ import annotations

import hashlib
import itertools
import re
from typing import Any

import pytest
from _support import aws_error

from pytest_sqs import MockSQS

ALL = ["All"]
MISSING_GROUP = "The request must contain the parameter MessageGroupId."
NO_DEDUPLICATION_ID = (
    "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId "
    "provided explicitly"
)
PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
TRACE = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
ATTRIBUTE = {"k": {"DataType": "String", "StringValue": "x"}}
ATTRIBUTE_MD5 = "a45daa70926828a2f0a1db3418e6feb4"  # AWS-rec (§7.3)


def bad_id(value: str, parameter: str) -> str:
    return (
        f"Value {value} for parameter {parameter} is invalid. Reason: {parameter} can only "
        "include alphanumeric and punctuation characters. 1 to 128 in length."
    )


def fifo_delay(value: int) -> str:
    return (
        f"Value {value} for parameter DelaySeconds is invalid. Reason: The request include "
        "parameter that is not valid for this queue type."
    )


def sha256(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def create_fifo(client: Any, name: str = "orders.fifo", **attributes: str) -> str:
    response = client.create_queue(QueueName=name, Attributes={"FifoQueue": "true", **attributes})
    return str(response["QueueUrl"])


@pytest.fixture
def fifo_url(client: Any) -> str:
    """A FIFO queue without content-based deduplication."""
    return create_fifo(client)


@pytest.fixture
def cbd_url(client: Any) -> str:
    """A FIFO queue with content-based deduplication."""
    return create_fifo(client, "content.fifo", ContentBasedDeduplication="true")


def result_of(response: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in response.items() if key != "ResponseMetadata"}


def drain(client: Any, url: str) -> list[dict[str, Any]]:
    """Every receivable message, in delivery order, deleting as it goes."""
    received: list[dict[str, Any]] = []
    while True:
        got = client.receive_message(
            QueueUrl=url, MaxNumberOfMessages=10, MessageSystemAttributeNames=ALL
        ).get("Messages", [])
        if not got:
            return received
        received.extend(got)
        for message in got:
            client.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def bodies(client: Any, url: str) -> list[str]:
    return [message["Body"] for message in drain(client, url)]


def stored(mock: MockSQS, url: str) -> list[str]:
    return [message.body for message in mock.queue(url).messages]


# -- MessageGroupId and the deduplication id are required ---------------------------------


@pytest.mark.parametrize(
    ("missing", "code", "message", "attributes"),
    [
        # AWS-rec (§3.7): MissingParameter for SendMessage.
        ("MessageGroupId", "MissingParameter", MISSING_GROUP, {}),
        # AWS-rec (§3.7), no trailing period.
        ("MessageDeduplicationId", "InvalidParameterValue", NO_DEDUPLICATION_ID, {}),
        (
            "MessageDeduplicationId",
            "InvalidParameterValue",
            NO_DEDUPLICATION_ID,
            {"ContentBasedDeduplication": "false"},
        ),
    ],
    ids=["group", "deduplication", "deduplication-cbd-false"],
)
def test_a_send_missing_a_required_id(
    mock: MockSQS,
    client: Any,
    missing: str,
    code: str,
    message: str,
    attributes: dict[str, str],
) -> None:
    url = create_fifo(client, "strict.fifo", **attributes)
    ids = {"MessageGroupId": "g", "MessageDeduplicationId": "d"}
    del ids[missing]

    with aws_error(code, message):
        client.send_message(QueueUrl=url, MessageBody="a", **ids)
    assert stored(mock, url) == []


@pytest.mark.parametrize(
    ("missing", "message"),
    [("MessageGroupId", MISSING_GROUP), ("MessageDeduplicationId", NO_DEDUPLICATION_ID)],
)
def test_a_batch_entry_missing_a_required_id_fails_the_whole_batch(
    mock: MockSQS, client: Any, fifo_url: str, missing: str, message: str
) -> None:
    # AWS-rec (§3.8): a request error, not a failed entry, and InvalidParameterValue even
    # for the group id (SendMessage says MissingParameter); nothing is sent.
    incomplete = {"MessageGroupId": "g", "MessageDeduplicationId": "2"}
    del incomplete[missing]

    with aws_error("InvalidParameterValue", message):
        client.send_message_batch(
            QueueUrl=fifo_url,
            Entries=[
                {
                    "Id": "ok",
                    "MessageBody": "a",
                    "MessageGroupId": "g",
                    "MessageDeduplicationId": "1",
                },
                {"Id": "incomplete", "MessageBody": "b", **incomplete},
            ],
        )
    assert stored(mock, fifo_url) == []


# -- DelaySeconds -----------------------------------------------------------------------------


@pytest.mark.parametrize("delay", [1, 2, 900])
def test_per_message_delay_is_refused_on_a_fifo_queue(
    mock: MockSQS, client: Any, cbd_url: str, delay: int
) -> None:
    # AWS-rec (§3.7), "include" sic.
    with aws_error("InvalidParameterValue", fifo_delay(delay)):
        client.send_message(
            QueueUrl=cbd_url, MessageBody="a", MessageGroupId="g", DelaySeconds=delay
        )
    assert stored(mock, cbd_url) == []


def test_per_message_delay_in_a_batch_fails_that_entry_only(
    mock: MockSQS, client: Any, cbd_url: str
) -> None:
    response = client.send_message_batch(
        QueueUrl=cbd_url,
        Entries=[
            {"Id": "first", "MessageBody": "a", "MessageGroupId": "g"},
            {"Id": "delayed", "MessageBody": "b", "MessageGroupId": "g", "DelaySeconds": 5},
            {"Id": "zero", "MessageBody": "c", "MessageGroupId": "g", "DelaySeconds": 0},
        ],
    )

    assert [entry["Id"] for entry in response["Successful"]] == ["first", "zero"]
    assert response["Failed"] == [
        {
            "Id": "delayed",
            "SenderFault": True,
            "Code": "InvalidParameterValue",
            "Message": fifo_delay(5),
        }
    ]
    assert bodies(client, cbd_url) == ["a", "c"]


def test_delay_seconds_zero_is_accepted_and_the_queue_delay_still_applies(
    mock: MockSQS, client: Any
) -> None:
    # AWS-rec (§3.7).
    url = create_fifo(client, ContentBasedDeduplication="true", DelaySeconds="10")
    client.send_message(QueueUrl=url, MessageBody="a", MessageGroupId="g", DelaySeconds=0)

    assert "Messages" not in client.receive_message(QueueUrl=url)
    mock.advance(10)
    assert bodies(client, url) == ["a"]


def test_queue_delay_is_honoured_and_keeps_the_send_order(mock: MockSQS, client: Any) -> None:
    # AWS-rec (§5.1): three messages of a group, queue delay, received in order afterwards.
    url = create_fifo(client, ContentBasedDeduplication="true", DelaySeconds="10")
    client.send_message(QueueUrl=url, MessageBody="m1", MessageGroupId="1")
    mock.advance(4)
    client.send_message(QueueUrl=url, MessageBody="m2", MessageGroupId="1")
    client.send_message(QueueUrl=url, MessageBody="m3", MessageGroupId="1")

    counters = client.get_queue_attributes(
        QueueUrl=url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesDelayed"],
    )["Attributes"]
    assert counters == {
        "ApproximateNumberOfMessages": "0",
        "ApproximateNumberOfMessagesDelayed": "3",
    }
    mock.advance(5)
    assert "Messages" not in client.receive_message(QueueUrl=url)
    mock.advance(1)  # m1's delay ended; m2 and m3 still wait 4 s
    first = client.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert [message["Body"] for message in first] == ["m1"]
    client.delete_message(QueueUrl=url, ReceiptHandle=first[0]["ReceiptHandle"])
    mock.advance(4)
    got = client.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert [message["Body"] for message in got] == ["m2", "m3"]


def test_changing_the_queue_delay_of_a_fifo_queue_is_retroactive(
    mock: MockSQS, client: Any
) -> None:
    url = create_fifo(client, ContentBasedDeduplication="true", DelaySeconds="600")
    client.send_message(QueueUrl=url, MessageBody="a", MessageGroupId="g")
    mock.advance(10)

    client.set_queue_attributes(QueueUrl=url, Attributes={"DelaySeconds": "0"})

    assert bodies(client, url) == ["a"]


# -- id syntax --------------------------------------------------------------------------------


VALID_IDS = ["a", "x" * 128, PUNCTUATION, "Order-42_b.c", "0"]
INVALID_IDS = ["", "x" * 129, "has space", "tab\tid", "é", "日本", "new\nline", "\x7f"]


@pytest.mark.parametrize("value", VALID_IDS)
@pytest.mark.parametrize("parameter", ["MessageGroupId", "MessageDeduplicationId"])
def test_ids_take_1_to_128_alphanumeric_or_punctuation_characters(
    client: Any, fifo_url: str, parameter: str, value: str
) -> None:
    ids = {"MessageGroupId": "g", "MessageDeduplicationId": "d", parameter: value}
    client.send_message(QueueUrl=fifo_url, MessageBody="a", **ids)

    message = client.receive_message(QueueUrl=fifo_url, MessageSystemAttributeNames=ALL)
    assert message["Messages"][0]["Attributes"][parameter] == value


@pytest.mark.parametrize("value", INVALID_IDS)
@pytest.mark.parametrize("parameter", ["MessageGroupId", "MessageDeduplicationId"])
def test_invalid_ids_are_refused(
    mock: MockSQS, client: Any, fifo_url: str, parameter: str, value: str
) -> None:
    # AWS-rec (§3.7): the value verbatim, so an empty one leaves two spaces.
    ids = {"MessageGroupId": "g", "MessageDeduplicationId": "d", parameter: value}
    with aws_error("InvalidParameterValue", bad_id(value, parameter)):
        client.send_message(QueueUrl=fifo_url, MessageBody="a", **ids)
    assert stored(mock, fifo_url) == []


@pytest.mark.parametrize("parameter", ["MessageGroupId", "MessageDeduplicationId"])
def test_an_invalid_id_in_a_batch_fails_that_entry(
    client: Any, fifo_url: str, parameter: str
) -> None:
    # Per entry with SendMessage's code and text (§3.8, unconfirmed): pinned.
    bad = {"MessageGroupId": "g", "MessageDeduplicationId": "2", parameter: "x" * 129}
    response = client.send_message_batch(
        QueueUrl=fifo_url,
        Entries=[
            {
                "Id": "good",
                "MessageBody": "a",
                "MessageGroupId": "g",
                "MessageDeduplicationId": "1",
            },
            {"Id": "bad", "MessageBody": "b", **bad},
        ],
    )

    assert [entry["Id"] for entry in response["Successful"]] == ["good"]
    assert response["Failed"] == [
        {
            "Id": "bad",
            "SenderFault": True,
            "Code": "InvalidParameterValue",
            "Message": bad_id("x" * 129, parameter),
        }
    ]
    assert bodies(client, fifo_url) == ["a"]


# -- content-based deduplication ---------------------------------------------------------------


@pytest.mark.parametrize("body", ["hello", "héllo wörld ✓", '{"foo": "bar"}', "x" * 5000])
def test_content_based_deduplication_id_is_the_sha256_of_the_body(
    client: Any, cbd_url: str, body: str
) -> None:
    sent = client.send_message(QueueUrl=cbd_url, MessageBody=body, MessageGroupId="g")

    got = client.receive_message(QueueUrl=cbd_url, MessageSystemAttributeNames=ALL)["Messages"][0]
    assert got["MessageId"] == sent["MessageId"]
    assert got["Attributes"]["MessageDeduplicationId"] == sha256(body)


def test_content_based_deduplication_ignores_message_attributes(client: Any, cbd_url: str) -> None:
    first = client.send_message(QueueUrl=cbd_url, MessageBody="same", MessageGroupId="g")
    again = client.send_message(
        QueueUrl=cbd_url,
        MessageBody="same",
        MessageGroupId="g",
        MessageAttributes=ATTRIBUTE,
        MessageSystemAttributes={"AWSTraceHeader": {"DataType": "String", "StringValue": TRACE}},
    )

    assert again["MessageId"] == first["MessageId"]
    assert [message["MessageId"] for message in drain(client, cbd_url)] == [first["MessageId"]]


def test_content_based_deduplication_lets_other_bodies_through(client: Any, cbd_url: str) -> None:
    for body in ("a", "b", "a ", "A"):
        client.send_message(QueueUrl=cbd_url, MessageBody=body, MessageGroupId="g")

    assert bodies(client, cbd_url) == ["a", "b", "a ", "A"]


def test_an_explicit_deduplication_id_overrides_content_based_deduplication(
    client: Any, cbd_url: str
) -> None:
    # §5.1: the body no longer matters once an id is given.
    client.send_message(
        QueueUrl=cbd_url, MessageBody="same", MessageGroupId="g", MessageDeduplicationId="one"
    )
    client.send_message(
        QueueUrl=cbd_url, MessageBody="same", MessageGroupId="g", MessageDeduplicationId="two"
    )
    client.send_message(
        QueueUrl=cbd_url, MessageBody="other", MessageGroupId="g", MessageDeduplicationId="two"
    )

    received = drain(client, cbd_url)
    assert [(m["Body"], m["Attributes"]["MessageDeduplicationId"]) for m in received] == [
        ("same", "one"),
        ("same", "two"),
    ]


@pytest.mark.parametrize("explicit_first", [False, True])
def test_an_explicit_id_equal_to_another_message_hash_is_a_duplicate(
    client: Any, cbd_url: str, explicit_first: bool
) -> None:
    # §5.1: the generated id and an explicit one share one namespace.
    explicit = {"MessageBody": "other", "MessageDeduplicationId": sha256("hello")}
    generated = {"MessageBody": "hello"}
    first, second = (explicit, generated) if explicit_first else (generated, explicit)

    original = client.send_message(QueueUrl=cbd_url, MessageGroupId="g", **first)
    duplicate = client.send_message(QueueUrl=cbd_url, MessageGroupId="g", **second)

    assert duplicate["MessageId"] == original["MessageId"]
    assert bodies(client, cbd_url) == [first["MessageBody"]]


# -- what a duplicate send answers ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("first_extra", "again_extra", "again_digests"),
    [
        ({}, {}, {}),
        ({"MessageAttributes": ATTRIBUTE}, {}, {}),
        ({}, {"MessageAttributes": ATTRIBUTE}, {"MD5OfMessageAttributes": ATTRIBUTE_MD5}),
        (
            {},
            {
                "MessageSystemAttributes": {
                    "AWSTraceHeader": {"DataType": "String", "StringValue": TRACE}
                }
            },
            {"MD5OfMessageSystemAttributes": "5ae4d5d7636402d80f4eb6d213245a88"},  # AWS-rec
        ),
    ],
    ids=["plain", "attributes-before", "attributes-now", "trace-now"],
)
def test_a_duplicate_answers_with_the_first_id_and_sequence_number_and_its_own_digests(
    client: Any,
    fifo_url: str,
    first_extra: dict[str, Any],
    again_extra: dict[str, Any],
    again_digests: dict[str, str],
) -> None:
    # Decision (§3.7, unconfirmed on AWS): first send's MessageId and SequenceNumber, the
    # MD5s of what was just sent.
    first = client.send_message(
        QueueUrl=fifo_url,
        MessageBody="a",
        MessageGroupId="g",
        MessageDeduplicationId="d",
        **first_extra,
    )
    again = client.send_message(
        QueueUrl=fifo_url,
        MessageBody="b",
        MessageGroupId="g",
        MessageDeduplicationId="d",
        **again_extra,
    )

    assert result_of(again) == {
        "MD5OfMessageBody": "92eb5ffee6ae2fec3ad71c777531578f",  # MD5 of "b"
        **again_digests,
        "MessageId": first["MessageId"],
        "SequenceNumber": first["SequenceNumber"],
    }
    assert bodies(client, fifo_url) == ["a"]


def test_a_duplicate_inside_one_batch(client: Any, fifo_url: str) -> None:
    response = client.send_message_batch(
        QueueUrl=fifo_url,
        Entries=[
            {"Id": "a", "MessageBody": "a", "MessageGroupId": "g", "MessageDeduplicationId": "d"},
            {"Id": "b", "MessageBody": "b", "MessageGroupId": "h", "MessageDeduplicationId": "d"},
        ],
    )

    first, second = response["Successful"]
    assert "Failed" not in response
    assert second == {
        "Id": "b",
        "MessageId": first["MessageId"],
        "MD5OfMessageBody": "92eb5ffee6ae2fec3ad71c777531578f",
        "SequenceNumber": first["SequenceNumber"],
    }
    assert bodies(client, fifo_url) == ["a"]


# -- scope ------------------------------------------------------------------------------------


@pytest.mark.parametrize("cbd", [False, True], ids=["explicit", "content-based"])
def test_queue_scope_deduplicates_across_groups(client: Any, cbd: bool) -> None:
    # AWS-rec (§5.1): same id (or body with CBD) in another group is still a duplicate.
    url = create_fifo(client, ContentBasedDeduplication=str(cbd).lower())
    ids = {} if cbd else {"MessageDeduplicationId": "dedup1"}
    item = '{"foo": "bar"}'
    first = client.send_message(QueueUrl=url, MessageBody=item, MessageGroupId="group-1", **ids)
    again = client.send_message(QueueUrl=url, MessageBody=item, MessageGroupId="group-2", **ids)

    assert again["MessageId"] == first["MessageId"]
    received = drain(client, url)
    assert [(m["Body"], m["Attributes"]["MessageGroupId"]) for m in received] == [(item, "group-1")]


@pytest.mark.parametrize("cbd", [False, True], ids=["explicit", "content-based"])
def test_message_group_scope_deduplicates_within_a_group_only(client: Any, cbd: bool) -> None:
    # AWS-rec (§5.1), also without high throughput.
    url = create_fifo(
        client, ContentBasedDeduplication=str(cbd).lower(), DeduplicationScope="messageGroup"
    )
    ids = {} if cbd else {"MessageDeduplicationId": "dedup1"}
    sent = [
        client.send_message(QueueUrl=url, MessageBody="item", MessageGroupId=group, **ids)
        for group in ("group-1", "group-2", "group-1")
    ]

    assert sent[2]["MessageId"] == sent[0]["MessageId"]
    assert sent[1]["MessageId"] != sent[0]["MessageId"]
    received = drain(client, url)
    assert [(m["MessageId"], m["Attributes"]["MessageGroupId"]) for m in received] == [
        (sent[0]["MessageId"], "group-1"),
        (sent[1]["MessageId"], "group-2"),
    ]


@pytest.mark.parametrize(
    ("created", "changed", "groups_delivered"),
    [
        ("queue", {"DeduplicationScope": "messageGroup"}, ["g1"]),
        (
            "messageGroup",
            {"DeduplicationScope": "queue", "FifoThroughputLimit": "perQueue"},
            ["g1", "g2"],
        ),
    ],
)
def test_deduplication_keeps_the_scope_the_queue_was_created_with(
    client: Any, created: str, changed: dict[str, str], groups_delivered: list[str]
) -> None:
    # AWS-rec (§2.1): the attribute reads back changed at once, deduplication does not.
    url = create_fifo(client, DeduplicationScope=created)
    client.set_queue_attributes(QueueUrl=url, Attributes=changed)
    read = client.get_queue_attributes(QueueUrl=url, AttributeNames=["DeduplicationScope"])
    assert read["Attributes"] == {"DeduplicationScope": changed["DeduplicationScope"]}

    for group in ("g1", "g2"):
        client.send_message(
            QueueUrl=url, MessageBody=group, MessageGroupId=group, MessageDeduplicationId="same"
        )

    assert bodies(client, url) == groups_delivered


# -- the 5-minute window ------------------------------------------------------------------------


@pytest.mark.parametrize(("after_s", "duplicate"), [(299, True), (300, False), (301, False)])
def test_the_deduplication_window_is_five_minutes(
    mock: MockSQS, client: Any, fifo_url: str, after_s: int, duplicate: bool
) -> None:
    # Decision: at exactly +300 s the id is free again.
    first = client.send_message(
        QueueUrl=fifo_url, MessageBody="first", MessageGroupId="g", MessageDeduplicationId="d"
    )
    mock.advance(after_s)
    again = client.send_message(
        QueueUrl=fifo_url, MessageBody="again", MessageGroupId="g", MessageDeduplicationId="d"
    )

    assert (again["MessageId"] == first["MessageId"]) is duplicate
    assert (again["SequenceNumber"] == first["SequenceNumber"]) is duplicate
    assert bodies(client, fifo_url) == (["first"] if duplicate else ["first", "again"])


def test_the_window_runs_from_the_first_send_and_restarts_with_the_next_accepted_one(
    mock: MockSQS, client: Any, fifo_url: str
) -> None:
    def send(body: str) -> str:
        response = client.send_message(
            QueueUrl=fifo_url, MessageBody=body, MessageGroupId="g", MessageDeduplicationId="d"
        )
        return str(response["MessageId"])

    first = send("first")
    mock.advance(200)
    assert send("ignored") == first  # does not extend the window
    mock.advance(100)
    second = send("second")
    assert second != first
    mock.advance(299)
    assert send("ignored again") == second
    mock.advance(1)
    third = send("third")

    assert third not in (first, second)
    assert bodies(client, fifo_url) == ["first", "second", "third"]


@pytest.mark.parametrize("cbd", [False, True], ids=["explicit", "content-based"])
def test_deduplication_outlives_the_deleted_original(mock: MockSQS, client: Any, cbd: bool) -> None:
    # AWS-rec (§5.1): delete, then resend the same id/body: nothing is delivered.
    url = create_fifo(client, ContentBasedDeduplication=str(cbd).lower())
    ids = {} if cbd else {"MessageDeduplicationId": "dedup1"}
    item = '{"foo": "bar"}'
    first = client.send_message(QueueUrl=url, MessageBody=item, MessageGroupId="group-1", **ids)
    assert bodies(client, url) == [item]  # received and deleted

    again = client.send_message(QueueUrl=url, MessageBody=item, MessageGroupId="group-1", **ids)

    assert again["MessageId"] == first["MessageId"]
    assert "Messages" not in client.receive_message(QueueUrl=url)
    assert stored(mock, url) == []


def test_deduplication_outlives_the_original_expiring(mock: MockSQS, client: Any) -> None:
    # The window belongs to the id, not to the message (§5.1).
    url = create_fifo(client, MessageRetentionPeriod="60")
    first = client.send_message(
        QueueUrl=url, MessageBody="a", MessageGroupId="g", MessageDeduplicationId="d"
    )
    mock.advance(61)
    assert stored(mock, url) == []

    again = client.send_message(
        QueueUrl=url, MessageBody="a", MessageGroupId="g", MessageDeduplicationId="d"
    )

    assert again["MessageId"] == first["MessageId"]
    assert stored(mock, url) == []


def test_purge_clears_the_deduplication_history(mock: MockSQS, client: Any, fifo_url: str) -> None:
    # AWS-rec (§3.14).
    first = client.send_message(
        QueueUrl=fifo_url, MessageBody="message-1", MessageGroupId="g", MessageDeduplicationId="d"
    )
    client.purge_queue(QueueUrl=fifo_url)

    again = client.send_message(
        QueueUrl=fifo_url, MessageBody="message-2", MessageGroupId="g", MessageDeduplicationId="d"
    )

    assert again["MessageId"] != first["MessageId"]
    assert bodies(client, fifo_url) == ["message-2"]


# -- sequence numbers ---------------------------------------------------------------------------


def test_sequence_numbers_are_20_digit_and_increase_across_groups_and_batches(
    client: Any, fifo_url: str
) -> None:
    numbers: list[str] = []
    counter = iter(range(100))

    def entry(group: str) -> dict[str, str]:
        n = next(counter)
        return {
            "MessageBody": f"{group}-{n}",
            "MessageGroupId": group,
            "MessageDeduplicationId": str(n),
        }

    for group in ("g1", "g2", "g1"):
        numbers.append(client.send_message(QueueUrl=fifo_url, **entry(group))["SequenceNumber"])
    batch = client.send_message_batch(
        QueueUrl=fifo_url,
        Entries=[{"Id": f"e{i}", **entry(group)} for i, group in enumerate(["g3", "g1", "g2"])],
    )
    numbers.extend(result["SequenceNumber"] for result in batch["Successful"])
    numbers.append(client.send_message(QueueUrl=fifo_url, **entry("g2"))["SequenceNumber"])

    assert all(re.fullmatch(r"[0-9]{20}", number) for number in numbers)
    values = [int(number) for number in numbers]
    assert values == sorted(set(values))  # strictly increasing in send order
    assert any(b - a > 1 for a, b in itertools.pairwise(values))  # not consecutive


def test_a_duplicate_does_not_use_up_a_sequence_number(client: Any, fifo_url: str) -> None:
    def send(dedup: str) -> int:
        response = client.send_message(
            QueueUrl=fifo_url, MessageBody=dedup, MessageGroupId="g", MessageDeduplicationId=dedup
        )
        return int(response["SequenceNumber"])

    first = send("a")
    second = send("b")
    assert send("a") == first
    third = send("c")

    assert first < second < third
    received = drain(client, fifo_url)
    assert [int(m["Attributes"]["SequenceNumber"]) for m in received] == [first, second, third]


def test_sequence_group_and_deduplication_ids_are_system_attributes(
    client: Any, cbd_url: str
) -> None:
    explicit = client.send_message(
        QueueUrl=cbd_url, MessageBody="a", MessageGroupId="orders", MessageDeduplicationId="d-1"
    )
    generated = client.send_message(QueueUrl=cbd_url, MessageBody="b", MessageGroupId="orders")

    got = client.receive_message(
        QueueUrl=cbd_url,
        MaxNumberOfMessages=10,
        MessageSystemAttributeNames=["SequenceNumber", "MessageGroupId", "MessageDeduplicationId"],
    )["Messages"]
    assert [message["Attributes"] for message in got] == [
        {
            "SequenceNumber": explicit["SequenceNumber"],
            "MessageGroupId": "orders",
            "MessageDeduplicationId": "d-1",
        },
        {
            "SequenceNumber": generated["SequenceNumber"],
            "MessageGroupId": "orders",
            "MessageDeduplicationId": sha256("b"),
        },
    ]


@pytest.mark.parametrize("names", [["SequenceNumber"], ["MessageGroupId"], ["SenderId"]])
def test_each_fifo_system_attribute_can_be_asked_for_alone(
    client: Any, fifo_url: str, names: list[str]
) -> None:
    sent = client.send_message(
        QueueUrl=fifo_url, MessageBody="a", MessageGroupId="g", MessageDeduplicationId="d"
    )
    got = client.receive_message(QueueUrl=fifo_url, MessageSystemAttributeNames=names)

    assert list(got["Messages"][0]["Attributes"]) == names
    if names == ["SequenceNumber"]:
        assert got["Messages"][0]["Attributes"]["SequenceNumber"] == sent["SequenceNumber"]


def test_send_answer_of_a_fifo_queue(client: Any, fifo_url: str) -> None:
    sent = client.send_message(
        QueueUrl=fifo_url,
        MessageBody="a",
        MessageGroupId="g",
        MessageDeduplicationId="d",
        MessageAttributes=ATTRIBUTE,
    )

    assert set(result_of(sent)) == {
        "MD5OfMessageBody",
        "MD5OfMessageAttributes",
        "MessageId",
        "SequenceNumber",
    }
    assert sent["MD5OfMessageBody"] == "0cc175b9c0f1b6a831c399e269772661"  # AWS-rec
    assert sent["MD5OfMessageAttributes"] == ATTRIBUTE_MD5


# -- batches ----------------------------------------------------------------------------------


def test_a_batch_is_enqueued_in_entry_order(client: Any, cbd_url: str) -> None:
    # §3.8 (doc): entry order is send order.
    entries = [("g1", "g1-a"), ("g2", "g2-a"), ("g1", "g1-b"), ("g2", "g2-b"), ("g1", "g1-c")]
    response = client.send_message_batch(
        QueueUrl=cbd_url,
        Entries=[
            {"Id": f"e{i}", "MessageBody": body, "MessageGroupId": group}
            for i, (group, body) in enumerate(entries)
        ],
    )

    numbers = [int(result["SequenceNumber"]) for result in response["Successful"]]
    assert [result["Id"] for result in response["Successful"]] == [f"e{i}" for i in range(5)]
    assert numbers == sorted(numbers)
    assert bodies(client, cbd_url) == ["g1-a", "g1-b", "g1-c", "g2-a", "g2-b"]


# -- fair queues: MessageGroupId on a standard queue ------------------------------------------


def test_a_standard_queue_accepts_a_message_group_id(client: Any, queue_url: str) -> None:
    # AWS-rec (§3.7): no SequenceNumber, even with a group id.
    sent = client.send_message(QueueUrl=queue_url, MessageBody="a", MessageGroupId="tenant-1")
    batch = client.send_message_batch(
        QueueUrl=queue_url,
        Entries=[{"Id": "b", "MessageBody": "b", "MessageGroupId": "tenant-1"}],
    )

    assert set(result_of(sent)) == {"MD5OfMessageBody", "MessageId"}
    assert set(batch["Successful"][0]) == {"Id", "MD5OfMessageBody", "MessageId"}


def test_a_standard_queue_returns_the_group_id_and_no_fifo_attributes(
    client: Any, queue_url: str
) -> None:
    client.send_message(QueueUrl=queue_url, MessageBody="a", MessageGroupId="tenant-1")

    got = client.receive_message(QueueUrl=queue_url, MessageSystemAttributeNames=ALL)
    attributes = got["Messages"][0]["Attributes"]
    assert attributes["MessageGroupId"] == "tenant-1"
    assert sorted(attributes) == [
        "ApproximateFirstReceiveTimestamp",
        "ApproximateReceiveCount",
        "MessageGroupId",
        "SenderId",
        "SentTimestamp",
    ]


def test_a_standard_queue_does_not_lock_message_groups(
    mock: MockSQS, client: Any, queue_url: str
) -> None:
    # §8: no ordering, no locking, no deduplication for fair queues.
    for body in ("a", "b", "a"):
        client.send_message(QueueUrl=queue_url, MessageBody=body, MessageGroupId="tenant-1")

    first = client.receive_message(QueueUrl=queue_url)["Messages"]
    second = client.receive_message(QueueUrl=queue_url)["Messages"]
    third = client.receive_message(QueueUrl=queue_url)["Messages"]

    assert sorted(m["Body"] for m in first + second + third) == ["a", "a", "b"]
    assert len(mock.queue(queue_url).in_flight) == 3


@pytest.mark.parametrize("value", ["", "x" * 129, "has space"])
def test_a_standard_queue_checks_the_group_id_syntax(
    client: Any, queue_url: str, value: str
) -> None:
    # AWS-rec (§3.7): "standard or FIFO".
    with aws_error("InvalidParameterValue", bad_id(value, "MessageGroupId")):
        client.send_message(QueueUrl=queue_url, MessageBody="a", MessageGroupId=value)
