"""ReceiveMessage on a standard queue: parameters, attributes, filters and long polling
with the manual clock (sqs-behaviour.md §3.9, §4, §7.3, §8)."""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from struct import pack
from typing import Any

import pytest
from _support import aws_error

from pytest_sqs import MockSQS

# 2035-01-01T00:00:00Z: whole seconds, so epoch-ms timestamps are exact.
EPOCH_2035 = 2_051_222_400
TRACE_HEADER = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"


@pytest.fixture
def real_time() -> Iterator[None]:
    """Fails the test if it took a second or more of real time: nothing here may sleep."""
    start = time.perf_counter()
    yield
    assert time.perf_counter() - start < 1.0


def result_of(response: dict[str, Any]) -> dict[str, Any]:
    response = dict(response)
    response.pop("ResponseMetadata")
    return response


def md5_of_attributes(attributes: dict[str, dict[str, Any]]) -> str:
    """MD5OfMessageAttributes as §7.3 defines it (independent of the simulator's code)."""
    buffer = b""
    for name in sorted(attributes, key=lambda n: n.encode()):
        value = attributes[name]
        for text in (name, value["DataType"]):
            buffer += pack(">I", len(text.encode())) + text.encode()
        if "StringValue" in value:
            raw = value["StringValue"].encode()
            buffer += b"\x01" + pack(">I", len(raw)) + raw
        else:
            buffer += b"\x02" + pack(">I", len(value["BinaryValue"])) + value["BinaryValue"]
    return hashlib.md5(buffer).hexdigest()


# -- parameter ranges (§3.9) --------------------------------------------------------


@pytest.mark.parametrize(
    ("parameter", "value", "message"),
    [
        *(
            pytest.param(
                "MaxNumberOfMessages",
                value,
                f"Value {value} for parameter MaxNumberOfMessages is invalid. Reason: Must be "
                "between 1 and 10, if provided.",
                id=f"max-{value}",
            )
            for value in (0, 11, -1, 1000)
        ),
        *(
            pytest.param(
                "WaitTimeSeconds",
                value,
                f"Value {value} for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 "
                "and <= 20, if provided.",
                id=f"wait-{value}",
            )
            for value in (-1, 21, 40, 50)
        ),
        # EMU text (Inqnuam), worded like the other two ReceiveMessage ranges.
        *(
            pytest.param(
                "VisibilityTimeout",
                value,
                f"Value {value} for parameter VisibilityTimeout is invalid. Reason: Must be >= 0 "
                "and <= 43200, if provided.",
                id=f"visibility-{value}",
            )
            for value in (-1, 43201)
        ),
    ],
)
def test_out_of_range_parameter_is_refused(
    mock: MockSQS, client: Any, queue_url: str, parameter: str, value: int, message: str
) -> None:
    client.send_message(QueueUrl=queue_url, MessageBody="untouched")

    with aws_error("InvalidParameterValue", message):
        client.receive_message(QueueUrl=queue_url, **{parameter: value})

    [untouched] = mock.queue("test-queue").visible
    assert untouched.receive_count == 0


@pytest.mark.parametrize(
    ("parameter", "value"),
    [
        ("MaxNumberOfMessages", 1),
        ("MaxNumberOfMessages", 10),
        ("WaitTimeSeconds", 0),
        ("WaitTimeSeconds", 20),
        ("VisibilityTimeout", 0),
        ("VisibilityTimeout", 43200),
    ],
)
def test_parameter_at_its_bounds_is_accepted(
    client: Any, queue_url: str, parameter: str, value: int
) -> None:
    client.send_message(QueueUrl=queue_url, MessageBody="a")

    messages = client.receive_message(QueueUrl=queue_url, **{parameter: value})["Messages"]

    assert [m["Body"] for m in messages] == ["a"]


def test_receive_from_a_missing_queue_fails(client: Any) -> None:
    with aws_error(
        "AWS.SimpleQueueService.NonExistentQueue",
        "The specified queue does not exist.",
        shape="QueueDoesNotExist",
    ):
        client.receive_message(QueueUrl="https://sqs.us-east-1.amazonaws.com/123456789012/nope")


# -- defaults and shapes -----------------------------------------------------------


def test_empty_queue_answers_without_a_messages_key(client: Any, queue_url: str) -> None:
    assert result_of(client.receive_message(QueueUrl=queue_url)) == {}


def test_defaults_one_message_no_attributes_hidden_for_the_queue_timeout(
    mock: MockSQS, client: Any, queue_url: str
) -> None:
    sent = client.send_message(
        QueueUrl=queue_url,
        MessageBody="message",
        MessageAttributes={"Foo": {"DataType": "String", "StringValue": "Bar"}},
        MessageGroupId="g",
    )
    client.send_message(QueueUrl=queue_url, MessageBody="second")

    [message] = client.receive_message(QueueUrl=queue_url)["Messages"]

    # No attribute names asked for: neither system nor user attributes come back.
    assert message == {
        "MessageId": sent["MessageId"],
        "ReceiptHandle": message["ReceiptHandle"],
        "MD5OfBody": "78e731027d8fd50ed642340b7c9a63b3",
        "Body": "message",
    }
    assert re.fullmatch(r"AQEB[A-Za-z0-9+/=]+", message["ReceiptHandle"])
    assert len(message["ReceiptHandle"]) <= 1024
    view = mock.queue("test-queue")
    mock.advance(29)
    assert [m.body for m in view.in_flight] == ["message"]
    mock.advance(1)
    assert [m.body for m in view.in_flight] == []


def test_queue_visibility_timeout_is_the_default(mock: MockSQS, client: Any) -> None:
    url = client.create_queue(QueueName="slow", Attributes={"VisibilityTimeout": "100"})["QueueUrl"]
    client.send_message(QueueUrl=url, MessageBody="a")
    client.receive_message(QueueUrl=url)

    mock.advance(99)
    assert client.receive_message(QueueUrl=url).get("Messages") is None
    mock.advance(1)
    assert [m["Body"] for m in client.receive_message(QueueUrl=url)["Messages"]] == ["a"]


def test_short_poll_returns_every_visible_message_up_to_the_maximum(
    client: Any, queue_url: str
) -> None:
    for i in range(15):
        client.send_message(QueueUrl=queue_url, MessageBody=str(i))

    first = client.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)["Messages"]
    second = client.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)["Messages"]

    assert (len(first), len(second)) == (10, 5)
    assert sorted(int(m["Body"]) for m in first + second) == list(range(15))
    assert result_of(client.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)) == {}


def test_visibility_timeout_zero_leaves_the_message_visible(
    mock: MockSQS, client: Any, queue_url: str
) -> None:
    client.send_message(QueueUrl=queue_url, MessageBody="a")

    first = client.receive_message(QueueUrl=queue_url, VisibilityTimeout=0)["Messages"][0]
    attributes = client.get_queue_attributes(
        QueueUrl=queue_url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    second = client.receive_message(QueueUrl=queue_url, AttributeNames=["ApproximateReceiveCount"])[
        "Messages"
    ][0]

    assert attributes == {
        "ApproximateNumberOfMessages": "1",
        "ApproximateNumberOfMessagesNotVisible": "0",
    }
    assert second["MessageId"] == first["MessageId"]
    assert second["ReceiptHandle"] != first["ReceiptHandle"]
    assert second["Attributes"] == {"ApproximateReceiveCount": "2"}


# -- system attributes (§3.9, §4.2) -----------------------------------------------------

STANDARD_SYSTEM = (
    "SenderId",
    "SentTimestamp",
    "ApproximateReceiveCount",
    "ApproximateFirstReceiveTimestamp",
)
NOT_APPLICABLE = ("SequenceNumber", "MessageDeduplicationId", "DeadLetterQueueSourceArn")


@pytest.mark.parametrize(
    ("attribute_names", "system_names", "expected"),
    [
        pytest.param(["All"], None, STANDARD_SYSTEM, id="All-deprecated-list"),
        pytest.param(None, ["All"], STANDARD_SYSTEM, id="All"),
        pytest.param(["SenderId"], ["All"], STANDARD_SYSTEM, id="All-wins-in-union"),
        pytest.param(None, ["SenderId"], ("SenderId",), id="one"),
        pytest.param(
            ["SentTimestamp"],
            ["ApproximateReceiveCount"],
            ("SentTimestamp", "ApproximateReceiveCount"),
            id="union",
        ),
        pytest.param(None, list(NOT_APPLICABLE), (), id="not-applicable-ignored"),
        pytest.param(
            ["VisibilityTimeout", "QueueArn"], ["SenderId"], ("SenderId",), id="queue-names-ignored"
        ),
        pytest.param(None, [], (), id="empty-list"),
    ],
)
def test_system_attribute_selection(
    client: Any,
    queue_url: str,
    attribute_names: list[str] | None,
    system_names: list[str] | None,
    expected: tuple[str, ...],
) -> None:
    client.send_message(QueueUrl=queue_url, MessageBody="a")
    names: dict[str, Any] = {}
    if attribute_names is not None:
        names["AttributeNames"] = attribute_names
    if system_names is not None:
        names["MessageSystemAttributeNames"] = system_names

    [message] = client.receive_message(QueueUrl=queue_url, **names)["Messages"]

    assert sorted(message.get("Attributes", {})) == sorted(expected)


def test_all_includes_group_id_and_trace_header_when_sent(client: Any, queue_url: str) -> None:
    client.send_message(
        QueueUrl=queue_url,
        MessageBody="a",
        MessageGroupId="tenant-1",
        MessageSystemAttributes={
            "AWSTraceHeader": {"DataType": "String", "StringValue": TRACE_HEADER}
        },
    )

    [message] = client.receive_message(QueueUrl=queue_url, MessageSystemAttributeNames=["All"])[
        "Messages"
    ]

    attributes = message["Attributes"]
    assert {k: attributes[k] for k in ("MessageGroupId", "AWSTraceHeader")} == {
        "MessageGroupId": "tenant-1",
        "AWSTraceHeader": TRACE_HEADER,
    }
    assert sorted(attributes) == sorted((*STANDARD_SYSTEM, "MessageGroupId", "AWSTraceHeader"))
    assert "MD5OfMessageSystemAttributes" not in message


def test_timestamps_are_epoch_milliseconds_of_the_manual_clock(
    mock: MockSQS, client: Any, queue_url: str
) -> None:
    mock.move_to(datetime(2035, 1, 1, tzinfo=timezone.utc))
    mock.advance(1.5)
    client.send_message(QueueUrl=queue_url, MessageBody="a")
    mock.advance(2.25)

    [first] = client.receive_message(QueueUrl=queue_url, MessageSystemAttributeNames=["All"])[
        "Messages"
    ]
    mock.advance(30)
    [second] = client.receive_message(QueueUrl=queue_url, MessageSystemAttributeNames=["All"])[
        "Messages"
    ]

    sender = first["Attributes"]["SenderId"]
    assert re.fullmatch(r"AIDA[A-Z0-9]{17}", sender)
    assert first["Attributes"] == {
        "SenderId": sender,
        "SentTimestamp": str(EPOCH_2035 * 1000 + 1500),
        "ApproximateReceiveCount": "1",
        "ApproximateFirstReceiveTimestamp": str(EPOCH_2035 * 1000 + 3750),
    }
    assert second["Attributes"] == {**first["Attributes"], "ApproximateReceiveCount": "2"}
    assert second["ReceiptHandle"] != first["ReceiptHandle"]


def test_receive_count_increments_with_every_receive(
    mock: MockSQS, client: Any, queue_url: str
) -> None:
    client.send_message(QueueUrl=queue_url, MessageBody="a")
    counts = []
    for _ in range(4):
        [message] = client.receive_message(
            QueueUrl=queue_url, VisibilityTimeout=10, AttributeNames=["ApproximateReceiveCount"]
        )["Messages"]
        counts.append(message["Attributes"]["ApproximateReceiveCount"])
        mock.advance(10)

    assert counts == ["1", "2", "3", "4"]


# -- user attribute filter (§3.9, §7.3) --------------------------------------------------

GREETINGS = {
    "General": {"DataType": "String", "StringValue": "Kenobi"},
    "Hello": {"DataType": "String", "StringValue": "There"},
    "Help.Me": {"DataType": "String", "StringValue": "Me"},
}


@pytest.mark.parametrize(
    ("names", "returned", "md5"),
    [
        pytest.param(None, (), None, id="omitted"),
        pytest.param([], (), None, id="empty"),
        *(
            pytest.param(
                [name], ("General", "Hello", "Help.Me"), "4c360f3fdafd970e05fae2f149d997f5", id=name
            )
            for name in ("All", ".*", "*")
        ),
        pytest.param(["Hello"], ("Hello",), "a311262e065454b75da111d535b8dacd", id="exact"),
        pytest.param(
            ["General", "Hello"],
            ("General", "Hello"),
            "fca026605781cb4126a1e9044df24232",
            id="two-exact",
        ),
        pytest.param(
            ["Hello", "Nope"], ("Hello",), "a311262e065454b75da111d535b8dacd", id="one-missing"
        ),
        pytest.param(["Hel.*"], ("Hello", "Help.Me"), "computed", id="prefix"),
        pytest.param(["Help.*"], ("Help.Me",), "computed", id="longer-prefix"),
        pytest.param(
            ["Gen.*", "Help.Me"], ("General", "Help.Me"), "computed", id="prefix-and-exact"
        ),
        pytest.param(["Nope"], (), None, id="nonexistent"),
        pytest.param(["hello"], (), None, id="case-sensitive"),
        pytest.param(["AWS.", "..foo"], (), None, id="illegal-names-ignored"),
    ],
)
def test_message_attribute_filter_and_digest_of_the_returned_subset(
    client: Any,
    queue_url: str,
    names: list[str] | None,
    returned: tuple[str, ...],
    md5: str | None,
) -> None:
    sent = client.send_message(
        QueueUrl=queue_url, MessageBody="message", MessageAttributes=GREETINGS
    )
    assert sent["MD5OfMessageAttributes"] == "4c360f3fdafd970e05fae2f149d997f5"
    extra = {} if names is None else {"MessageAttributeNames": names}

    [message] = client.receive_message(QueueUrl=queue_url, **extra)["Messages"]

    expected = {name: GREETINGS[name] for name in returned}
    if md5 == "computed":
        md5 = md5_of_attributes(expected)
    assert message.get("MessageAttributes") == (expected or None)
    assert message.get("MD5OfMessageAttributes") == md5
    if md5 is not None:
        assert md5 == md5_of_attributes(expected)


# -- long polling with the manual clock (§8) ----------------------------------------------


def test_empty_long_poll_moves_the_clock_by_the_whole_wait(
    mock: MockSQS, client: Any, queue_url: str, real_time: None
) -> None:
    before = mock.clock.now()

    response = client.receive_message(QueueUrl=queue_url, WaitTimeSeconds=20)

    assert result_of(response) == {}
    assert mock.clock.now() - before == 20


def test_long_poll_returns_a_delayed_message_when_its_delay_ends(
    mock: MockSQS, client: Any, queue_url: str, real_time: None
) -> None:
    client.send_message(QueueUrl=queue_url, MessageBody="later", DelaySeconds=5)
    before = mock.clock.now()

    messages = client.receive_message(QueueUrl=queue_url, WaitTimeSeconds=10)["Messages"]

    assert [m["Body"] for m in messages] == ["later"]
    assert mock.clock.now() - before == 5


def test_long_poll_does_not_wait_to_fill_the_maximum(
    mock: MockSQS, client: Any, queue_url: str, real_time: None
) -> None:
    client.send_message(QueueUrl=queue_url, MessageBody="soon", DelaySeconds=2)
    client.send_message(QueueUrl=queue_url, MessageBody="later", DelaySeconds=6)
    before = mock.clock.now()

    messages = client.receive_message(
        QueueUrl=queue_url, WaitTimeSeconds=20, MaxNumberOfMessages=10
    )["Messages"]

    assert [m["Body"] for m in messages] == ["soon"]
    assert mock.clock.now() - before == 2


def test_long_poll_returns_a_message_whose_visibility_timeout_ends(
    mock: MockSQS, client: Any, queue_url: str, real_time: None
) -> None:
    client.send_message(QueueUrl=queue_url, MessageBody="a")
    client.receive_message(QueueUrl=queue_url, VisibilityTimeout=4)
    before = mock.clock.now()

    [message] = client.receive_message(
        QueueUrl=queue_url, WaitTimeSeconds=20, AttributeNames=["ApproximateReceiveCount"]
    )["Messages"]

    assert (message["Body"], message["Attributes"]) == ("a", {"ApproximateReceiveCount": "2"})
    assert mock.clock.now() - before == 4


def test_long_poll_with_a_message_ready_does_not_move_the_clock(
    mock: MockSQS, client: Any, queue_url: str, real_time: None
) -> None:
    client.send_message(QueueUrl=queue_url, MessageBody="a")
    before = mock.clock.now()

    messages = client.receive_message(QueueUrl=queue_url, WaitTimeSeconds=20)["Messages"]

    assert [m["Body"] for m in messages] == ["a"]
    assert mock.clock.now() == before


def test_delay_longer_than_the_wait_is_not_reached(
    mock: MockSQS, client: Any, queue_url: str, real_time: None
) -> None:
    client.send_message(QueueUrl=queue_url, MessageBody="later", DelaySeconds=30)
    before = mock.clock.now()

    assert result_of(client.receive_message(QueueUrl=queue_url, WaitTimeSeconds=20)) == {}
    assert mock.clock.now() - before == 20
    assert [m.body for m in mock.queue("test-queue").delayed] == ["later"]


@pytest.mark.parametrize(
    ("wait_argument", "delay", "moved", "received"),
    [
        pytest.param({}, None, 10, [], id="queue-wait-used"),
        pytest.param({}, 3, 3, ["later"], id="queue-wait-delivers"),
        pytest.param({"WaitTimeSeconds": 0}, 3, 0, [], id="zero-forces-short-poll"),
        pytest.param({"WaitTimeSeconds": 15}, None, 15, [], id="request-wins"),
    ],
)
def test_queue_receive_wait_time_applies_when_the_request_names_none(
    mock: MockSQS,
    client: Any,
    real_time: None,
    wait_argument: dict[str, int],
    delay: int | None,
    moved: int,
    received: list[str],
) -> None:
    url = client.create_queue(
        QueueName="polled", Attributes={"ReceiveMessageWaitTimeSeconds": "10"}
    )["QueueUrl"]
    if delay is not None:
        client.send_message(QueueUrl=url, MessageBody="later", DelaySeconds=delay)
    before = mock.clock.now()

    response = client.receive_message(QueueUrl=url, **wait_argument)

    assert [m["Body"] for m in response.get("Messages", [])] == received
    assert mock.clock.now() - before == moved


def test_long_poll_waits_the_whole_wait_when_the_next_message_expires_first(
    mock: MockSQS, client: Any, real_time: None
) -> None:
    url = client.create_queue(QueueName="short", Attributes={"MessageRetentionPeriod": "60"})[
        "QueueUrl"
    ]
    client.send_message(QueueUrl=url, MessageBody="doomed")
    client.receive_message(QueueUrl=url, VisibilityTimeout=70)  # visible again at 70, gone at 60
    mock.advance(55)
    before = mock.clock.now()

    assert result_of(client.receive_message(QueueUrl=url, WaitTimeSeconds=20)) == {}
    assert mock.clock.now() - before == 20
