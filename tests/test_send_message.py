"""SendMessage on a standard queue, through boto3 (sqs-behaviour.md §1.4, §1.5, §3.7, §7)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from _support import aws_error

from pytest_sqs import MockSQS

UUID4 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
TRACE_HEADER = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
VALID_CHARACTERS = (
    "Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF "
    "| #xE000 to #xFFFD | #x10000 to #x10FFFF"
)


def sent(result: dict[str, Any]) -> dict[str, Any]:
    """A SendMessage result without its metadata, after checking the message id's shape."""
    result = dict(result)
    result.pop("ResponseMetadata")
    assert UUID4.fullmatch(result["MessageId"])
    return result


def receive_all(client: Any, queue_url: str) -> list[dict[str, Any]]:
    response = client.receive_message(
        QueueUrl=queue_url,
        MaxNumberOfMessages=10,
        MessageAttributeNames=["All"],
        MessageSystemAttributeNames=["All"],
    )
    return list(response.get("Messages", []))


# -- digests (§7.2–§7.4) --------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "md5"),
    [
        ("message", "78e731027d8fd50ed642340b7c9a63b3"),
        ("a", "0cc175b9c0f1b6a831c399e269772661"),
    ],
)
def test_md5_of_message_body_matches_aws(client: Any, queue_url: str, body: str, md5: str) -> None:
    result = sent(client.send_message(QueueUrl=queue_url, MessageBody=body))

    assert result == {"MD5OfMessageBody": md5, "MessageId": result["MessageId"]}
    [message] = receive_all(client, queue_url)
    assert (message["Body"], message["MD5OfBody"]) == (body, md5)


def _string(value: str, data_type: str = "String") -> dict[str, Any]:
    return {"DataType": data_type, "StringValue": value}


ATTRIBUTE_VECTORS = [
    pytest.param(
        {"timestamp": _string("1493147359900", "Number")},
        "235c5c510d26fb653d073faed50ae77c",
        id="number",
    ),
    pytest.param(
        {"MyAttribute": _string("foobar")}, "adb59cd4678ea5a855436b949cd07ab6", id="foobar"
    ),
    pytest.param({"Foo": _string("Bar")}, "ae7155c6026991b6d54b11589678bf9c", id="foo"),
    pytest.param({"Hello": _string("There")}, "a311262e065454b75da111d535b8dacd", id="hello"),
    pytest.param(
        {"General": _string("Kenobi"), "Hello": _string("There")},
        "fca026605781cb4126a1e9044df24232",
        id="two-attributes",
    ),
    pytest.param(
        {"Hello": _string("There"), "Help.Me": _string("Me"), "General": _string("Kenobi")},
        "4c360f3fdafd970e05fae2f149d997f5",
        id="three-attributes-any-order",
    ),
    pytest.param({"k": _string("x")}, "a45daa70926828a2f0a1db3418e6feb4", id="k"),
    pytest.param(
        {
            "attr1": {
                "DataType": "Binary",
                "BinaryValue": b"traceparent\x1e00-774062d6c37081a5a0b9b5b88e30627c-"
                b"2d2482211f6489da-01",
            }
        },
        "8cbe4db156db8a94db8b801b7addb984",
        id="binary-traceparent",
    ),
    pytest.param(
        {
            "customNumberTypeAttrib": _string(
                "4563442423554324324264524243.32543234", "Number.float"
            )
        },
        "9fe1b90bbd9965bdf77bac517c7d2495",
        id="custom-number-type",
    ),
    pytest.param(
        {"binaryAttribute": {"DataType": "Binary", "BinaryValue": b"Hello binary world!"}},
        "31a92b15d92f8db860eda32aceb656c3",
        id="binary",
    ),
]


@pytest.mark.parametrize(("attributes", "md5"), ATTRIBUTE_VECTORS)
def test_md5_of_message_attributes_matches_aws(
    client: Any, queue_url: str, attributes: dict[str, Any], md5: str
) -> None:
    result = sent(
        client.send_message(QueueUrl=queue_url, MessageBody="message", MessageAttributes=attributes)
    )

    assert result == {
        "MD5OfMessageBody": "78e731027d8fd50ed642340b7c9a63b3",
        "MD5OfMessageAttributes": md5,
        "MessageId": result["MessageId"],
    }
    [message] = receive_all(client, queue_url)
    assert message["MD5OfMessageAttributes"] == md5
    assert message["MessageAttributes"] == attributes


def test_md5_of_message_system_attributes_matches_aws(client: Any, queue_url: str) -> None:
    result = sent(
        client.send_message(
            QueueUrl=queue_url,
            MessageBody="message",
            MessageAttributes={"Foo": _string("Bar")},
            MessageSystemAttributes={"AWSTraceHeader": _string(TRACE_HEADER)},
        )
    )

    # System attributes have their own digest and leave the user one alone (§7.3, §7.4).
    assert result == {
        "MD5OfMessageBody": "78e731027d8fd50ed642340b7c9a63b3",
        "MD5OfMessageAttributes": "ae7155c6026991b6d54b11589678bf9c",
        "MD5OfMessageSystemAttributes": "5ae4d5d7636402d80f4eb6d213245a88",
        "MessageId": result["MessageId"],
    }


def test_trace_header_is_returned_as_a_system_attribute_without_digest(
    client: Any, queue_url: str
) -> None:
    client.send_message(
        QueueUrl=queue_url,
        MessageBody="message",
        MessageSystemAttributes={"AWSTraceHeader": _string(TRACE_HEADER)},
    )

    [message] = client.receive_message(QueueUrl=queue_url, AttributeNames=["AWSTraceHeader"])[
        "Messages"
    ]

    assert message == {
        "MessageId": message["MessageId"],
        "ReceiptHandle": message["ReceiptHandle"],
        "MD5OfBody": "78e731027d8fd50ed642340b7c9a63b3",
        "Body": "message",
        "Attributes": {"AWSTraceHeader": TRACE_HEADER},
    }


# -- size accounting (§1.4) -----------------------------------------------------


def _body_of(size: int) -> str:
    """A body of exactly ``size`` UTF-8 bytes, mostly three-byte characters."""
    return "€" * (size // 3) + "x" * (size % 3)


def _message_of(size: int, shape: str) -> dict[str, Any]:
    """SendMessage arguments whose accounted size is exactly ``size`` bytes."""
    if shape == "body":
        return {"MessageBody": _body_of(size)}
    if shape == "string attribute":
        # name (4) + type (6) + value (6: "välue" is 6 UTF-8 bytes)
        attributes = {"name": _string("välue")}
        return {"MessageBody": _body_of(size - 16), "MessageAttributes": attributes}
    if shape == "binary attribute":
        # name (3) + type (10) + raw bytes (16), not their base64
        attributes = {"bin": {"DataType": "Binary.gif", "BinaryValue": b"\x00\xff" * 8}}
        return {"MessageBody": _body_of(size - 29), "MessageAttributes": attributes}
    assert shape == "trace header"
    # System attributes do not count (§1.4).
    return {
        "MessageBody": _body_of(size),
        "MessageSystemAttributes": {"AWSTraceHeader": _string(TRACE_HEADER)},
    }


SHAPES = ["body", "string attribute", "binary attribute", "trace header"]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("limit", [1_048_576, 1024])
def test_message_of_exactly_the_maximum_size_is_accepted(
    mock: MockSQS, client: Any, limit: int, shape: str
) -> None:
    url = client.create_queue(QueueName="sized", Attributes={"MaximumMessageSize": str(limit)})[
        "QueueUrl"
    ]

    client.send_message(QueueUrl=url, **_message_of(limit, shape))

    assert [m.body for m in mock.queue("sized").visible] == [
        _message_of(limit, shape)["MessageBody"]
    ]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("limit", [1_048_576, 1024])
def test_message_one_byte_over_the_maximum_is_rejected(
    mock: MockSQS, client: Any, limit: int, shape: str
) -> None:
    url = client.create_queue(QueueName="sized", Attributes={"MaximumMessageSize": str(limit)})[
        "QueueUrl"
    ]

    with aws_error(
        "InvalidParameterValue",
        f"One or more parameters are invalid. Reason: Message must be shorter than {limit} bytes.",
    ):
        client.send_message(QueueUrl=url, **_message_of(limit + 1, shape))

    assert mock.queue("sized").messages == ()


# -- contents (§1.4, §1.5) ------------------------------------------------------


def test_empty_body_is_a_missing_parameter(mock: MockSQS, client: Any, queue_url: str) -> None:
    with aws_error(
        "MissingParameter",
        "The request must contain the parameter MessageBody.",
    ):
        client.send_message(QueueUrl=queue_url, MessageBody="")

    assert mock.queue("test-queue").messages == ()


ILLEGAL = [
    "\x00",
    "\x01",
    "\x08",
    "\x0b",
    "\x0c",
    "\x13",
    "\x1f",
    "\ud800",
    "\udfff",
    "\ufffe",
    "\uffff",
]
LEGAL = ["\t", "\n", "\r", " ", '"&quot;', "\ud7ff", "\ue000", "\ufffd", "\U00010000", "\U0010ffff"]


@pytest.mark.parametrize("character", ILLEGAL, ids=[f"U+{ord(c):04X}" for c in ILLEGAL])
def test_illegal_character_in_body_is_invalid_message_contents(
    mock: MockSQS, client: Any, queue_url: str, character: str
) -> None:
    with aws_error("InvalidMessageContents", VALID_CHARACTERS, shape="InvalidMessageContents"):
        client.send_message(QueueUrl=queue_url, MessageBody=f"before{character}after")

    assert mock.queue("test-queue").messages == ()


@pytest.mark.parametrize("character", LEGAL, ids=[f"U+{ord(c[0]):04X}" for c in LEGAL])
def test_legal_characters_round_trip_unchanged(client: Any, queue_url: str, character: str) -> None:
    body = f"before{character}after"
    client.send_message(
        QueueUrl=queue_url, MessageBody=body, MessageAttributes={"v": _string(body)}
    )

    [message] = receive_all(client, queue_url)

    assert message["Body"] == body
    assert message["MessageAttributes"] == {"v": _string(body)}


@pytest.mark.parametrize("character", ILLEGAL, ids=[f"U+{ord(c):04X}" for c in ILLEGAL])
def test_illegal_character_in_attribute_value_is_invalid_parameter_value(
    mock: MockSQS, client: Any, queue_url: str, character: str
) -> None:
    # AWS-rec: InvalidParameterValue here, not InvalidMessageContents (§1.5); the text is
    # unconfirmed and pinned.
    with aws_error(
        "InvalidParameterValue",
        "Message (user) attribute 'a' contains invalid characters. Valid unicode characters "
        "are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF",
    ):
        client.send_message(
            QueueUrl=queue_url, MessageBody="ok", MessageAttributes={"a": _string(f"x{character}")}
        )

    assert mock.queue("test-queue").messages == ()


# -- message attributes (§7.1) ----------------------------------------------------

RESERVED = (
    "You can't use message attribute names beginning with 'AWS.' or 'Amazon'. These strings "
    "are reserved for internal use."
)
NAME_CHARACTERS = (
    "Message (user) attributes name can only contain upper and lower score characters, "
    "digits, periods, hyphens and underscores. "
)
BAD_TYPE = (
    "The type of message (user) attribute '{name}' is invalid. You must use only the "
    "following supported type prefixes: Binary, Number, String."
)

INVALID_ATTRIBUTES = [
    pytest.param(
        {f"a{i}": _string("v") for i in range(11)},
        "Number of message attributes [11] exceeds the allowed maximum [10].",
        id="eleven-attributes",
    ),
    pytest.param(
        {"n" * 257: _string("v")},
        "Message (user) attribute name must be shorter than 256 bytes.",
        id="name-257",
    ),
    pytest.param(
        {"": _string("v")},
        "The request must contain non-empty message (user) attribute names.",
        id="empty-name",
    ),
    *(
        pytest.param({name: _string("v")}, RESERVED, id=f"reserved-{name}")
        for name in ("AWS.x", "aWs.x", "Amazon.x", "AMAZON.x")
    ),
    pytest.param(
        {".x": _string("v")},
        "Message (user) attribute name must not begin with character '.'.",
        id="leading-dot",
    ),
    pytest.param(
        {"Invalid.": _string("v")},
        "Message (user) attribute name must not end with character '.'.",
        id="trailing-dot",
    ),
    pytest.param(
        {"a..b": _string("v")},
        "Message (user) attribute name must not have successive '.' characters.",
        id="double-dot",
    ),
    *(
        pytest.param({f"a{c}b": _string("v")}, NAME_CHARACTERS, id=f"name-with-{c}")
        for c in ("!", '"', "§", "(", "?", " ", "/")
    ),
    *(
        pytest.param(
            {"invalidAttribute": _string("v", data_type)},
            BAD_TYPE.format(name="invalidAttribute"),
            id=f"type-{data_type or 'empty'}",
        )
        for data_type in ("InvalidType", "string", "", "Strings", ".String")
    ),
    pytest.param(
        {"t": _string("1", "Number." + "L" * 256)},
        "Message (user) attribute type must be shorter than 256 bytes.",
        id="type-263",
    ),
    pytest.param(
        {"ErrorDetails": _string("")},
        "Message (user) attribute 'ErrorDetails' must contain a non-empty value of type 'String'.",
        id="empty-string",
    ),
    pytest.param(
        {"n": _string("", "Number")},
        "Message (user) attribute 'n' must contain a non-empty value of type 'Number'.",
        id="empty-number",
    ),
    pytest.param(
        {"b": {"DataType": "Binary", "BinaryValue": b""}},
        "Message (user) attribute 'b' must contain a non-empty value of type 'Binary'.",
        id="empty-binary",
    ),
    pytest.param(
        {"s": {"DataType": "String"}},
        "Message (user) attribute 's' must contain a non-empty value of type 'String'.",
        id="no-value",
    ),
    pytest.param(
        {"s": {"DataType": "String", "StringValue": "v", "BinaryValue": b"v"}},
        "Message (user) attribute 's' must have a single value.",
        id="both-values",
    ),
    *(
        pytest.param(
            {"s": {"DataType": data_type, "BinaryValue": b"v"}},
            f"Message (user) attribute 's' with type '{base}' must use field '{base}'.",
            id=f"binary-for-{data_type}",
        )
        for data_type, base in (
            ("String", "String"),
            ("Number", "Number"),
            ("String.json", "String"),
        )
    ),
    pytest.param(
        {"s": _string("v", "Binary")},
        "Message (user) attribute 's' with type 'Binary' must use field 'Binary'.",
        id="string-for-binary",
    ),
    *(
        pytest.param(
            {"Hello": _string(value, "Number")},
            "Can't cast the value of message (user) attribute 'Hello' to a number.",
            id=f"not-a-number-{value}",
        )
        for value in ("abc", "1.2.3", "NaN", "Infinity", "0x10", "1,5")
    ),
]


@pytest.mark.parametrize(("attributes", "message"), INVALID_ATTRIBUTES)
def test_invalid_message_attribute_is_rejected(
    mock: MockSQS, client: Any, queue_url: str, attributes: dict[str, Any], message: str
) -> None:
    # Codes follow §7.1 (AWS-rec for type, empty String, reserved prefixes, bad characters,
    # dots, long names); texts other than those two marked AWS-rec are pinned.
    with aws_error("InvalidParameterValue", message):
        client.send_message(QueueUrl=queue_url, MessageBody="body", MessageAttributes=attributes)

    assert mock.queue("test-queue").messages == ()


@pytest.mark.parametrize("list_field", ["StringListValues", "BinaryListValues"])
def test_attribute_list_values_are_unsupported(
    client: Any, queue_url: str, list_field: str
) -> None:
    value = ["v"] if list_field == "StringListValues" else [b"v"]
    with aws_error(
        "AWS.SimpleQueueService.UnsupportedOperation",
        "Message attribute list values in SendMessage operation are not supported.",
        shape="UnsupportedOperation",
    ):
        client.send_message(
            QueueUrl=queue_url,
            MessageBody="body",
            MessageAttributes={"l": {"DataType": "String", list_field: value}},
        )


VALID_ATTRIBUTES = [
    pytest.param({"attr.1øßä": _string("v")}, id="latin-1-letters"),
    pytest.param({"a-b_c.d": _string("v")}, id="punctuation"),
    pytest.param({"AWS": _string("v"), "Amazon": _string("v")}, id="reserved-words-without-dot"),
    pytest.param({"n" * 256: _string("v")}, id="name-256"),
    pytest.param({f"a{i}": _string("v") for i in range(10)}, id="ten-attributes"),
    pytest.param({"t": _string("v", "String." + "L" * 249)}, id="type-256"),
    pytest.param({"j": _string("{}", "String.json")}, id="custom-string-type"),
    pytest.param({"g": {"DataType": "Binary.gif", "BinaryValue": b"GIF89a"}}, id="custom-binary"),
    *(
        pytest.param({"n": _string(value, "Number")}, id=f"number-{value}")
        for value in ("-1", "0", "0.5", "1e5", "1493147359900", "-.5")
    ),
]


@pytest.mark.parametrize("attributes", VALID_ATTRIBUTES)
def test_valid_message_attributes_are_accepted_and_returned(
    client: Any, queue_url: str, attributes: dict[str, Any]
) -> None:
    client.send_message(QueueUrl=queue_url, MessageBody="body", MessageAttributes=attributes)

    [message] = receive_all(client, queue_url)

    assert message["MessageAttributes"] == attributes


def test_binary_value_given_as_text_is_sent_as_its_utf8_bytes(client: Any, queue_url: str) -> None:
    result = client.send_message(
        QueueUrl=queue_url,
        MessageBody="message",
        MessageAttributes={
            "binaryAttribute": {"DataType": "Binary", "BinaryValue": "Hello binary world!"}
        },
    )

    assert result["MD5OfMessageAttributes"] == "31a92b15d92f8db860eda32aceb656c3"
    [message] = receive_all(client, queue_url)
    assert message["MessageAttributes"] == {
        "binaryAttribute": {"DataType": "Binary", "BinaryValue": b"Hello binary world!"}
    }


@pytest.mark.parametrize(
    ("system_attributes", "message"),
    [
        pytest.param(
            {"Other": _string("x")}, "Message system attribute name 'Other' is invalid.", id="name"
        ),
        pytest.param(
            {"AWSTraceHeader": _string("1", "Number")},
            "Message system attribute 'AWSTraceHeader' must contain a non-empty value of type "
            "'String'.",
            id="type",
        ),
        pytest.param(
            {"AWSTraceHeader": _string("")},
            "Message system attribute 'AWSTraceHeader' must contain a non-empty value of type "
            "'String'.",
            id="empty",
        ),
    ],
)
def test_invalid_system_attribute_is_rejected(
    mock: MockSQS, client: Any, queue_url: str, system_attributes: dict[str, Any], message: str
) -> None:
    # Unconfirmed texts, pinned.
    with aws_error("InvalidParameterValue", message):
        client.send_message(
            QueueUrl=queue_url, MessageBody="body", MessageSystemAttributes=system_attributes
        )

    assert mock.queue("test-queue").messages == ()


# -- delays (§1.4, §4.1) ------------------------------------------------------------


@pytest.mark.parametrize("delay", [-1, 901, 1000, 2**31 - 1])
def test_delay_seconds_out_of_range_is_rejected(
    mock: MockSQS, client: Any, queue_url: str, delay: int
) -> None:
    with aws_error(
        "InvalidParameterValue",
        f"Value {delay} for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 "
        "and <= 900.",
    ):
        client.send_message(QueueUrl=queue_url, MessageBody="body", DelaySeconds=delay)

    assert mock.queue("test-queue").messages == ()


@pytest.mark.parametrize(
    ("queue_delay", "message_delay", "expected_delay"),
    [
        pytest.param(None, None, 0, id="no-delay"),
        pytest.param(None, 900, 900, id="message-max"),
        pytest.param(10, None, 10, id="queue-delay"),
        pytest.param(10, 0, 0, id="message-zero-overrides-queue"),
        pytest.param(10, 3, 3, id="message-shorter-overrides-queue"),
        pytest.param(10, 60, 60, id="message-longer-overrides-queue"),
    ],
)
def test_message_delay_overrides_queue_delay(
    mock: MockSQS,
    client: Any,
    queue_delay: int | None,
    message_delay: int | None,
    expected_delay: int,
) -> None:
    attributes = {} if queue_delay is None else {"DelaySeconds": str(queue_delay)}
    url = client.create_queue(QueueName="delays", Attributes=attributes)["QueueUrl"]
    extra = {} if message_delay is None else {"DelaySeconds": message_delay}
    client.send_message(QueueUrl=url, MessageBody="body", **extra)
    view = mock.queue("delays")

    if expected_delay:
        [delayed] = view.delayed
        assert (delayed.visible_at - delayed.sent_at).total_seconds() == expected_delay
        assert client.receive_message(QueueUrl=url).get("Messages") is None
        mock.advance(expected_delay - 1)
        assert len(view.delayed) == 1
        mock.advance(1)
    assert [m.body for m in view.visible] == ["body"]
    assert view.delayed == ()


def test_changing_queue_delay_does_not_affect_queued_messages(mock: MockSQS, client: Any) -> None:
    url = client.create_queue(QueueName="delays", Attributes={"DelaySeconds": "10"})["QueueUrl"]
    client.send_message(QueueUrl=url, MessageBody="body")

    client.set_queue_attributes(QueueUrl=url, Attributes={"DelaySeconds": "100"})
    mock.advance(10)

    assert [m.body for m in mock.queue("delays").visible] == ["body"]


# -- MessageGroupId and MessageDeduplicationId on a standard queue (§3.7) ---------------


def test_message_group_id_is_accepted_and_returned_without_sequence_number(
    client: Any, queue_url: str
) -> None:
    result = sent(client.send_message(QueueUrl=queue_url, MessageBody="a", MessageGroupId="g-1"))

    assert result == {
        "MD5OfMessageBody": "0cc175b9c0f1b6a831c399e269772661",
        "MessageId": result["MessageId"],
    }
    [message] = client.receive_message(
        QueueUrl=queue_url,
        MessageSystemAttributeNames=["MessageGroupId", "SequenceNumber", "MessageDeduplicationId"],
    )["Messages"]
    assert message["Attributes"] == {"MessageGroupId": "g-1"}


@pytest.mark.parametrize(
    "group_id", ["a", "x" * 128, "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", "Group_1-2"]
)
def test_message_group_id_of_alphanumerics_and_punctuation_is_accepted(
    mock: MockSQS, client: Any, queue_url: str, group_id: str
) -> None:
    client.send_message(QueueUrl=queue_url, MessageBody="a", MessageGroupId=group_id)

    [message] = mock.queue("test-queue").visible
    assert message.message_group_id == group_id


@pytest.mark.parametrize("group_id", ["group 123", "", "x" * 129, "grüppe", "tab\there"])
def test_malformed_message_group_id_is_rejected(
    mock: MockSQS, client: Any, queue_url: str, group_id: str
) -> None:
    with aws_error(
        "InvalidParameterValue",
        f"Value {group_id} for parameter MessageGroupId is invalid. Reason: MessageGroupId can "
        "only include alphanumeric and punctuation characters. 1 to 128 in length.",
    ):
        client.send_message(QueueUrl=queue_url, MessageBody="a", MessageGroupId=group_id)

    assert mock.queue("test-queue").messages == ()


def test_message_deduplication_id_is_rejected_on_a_standard_queue(
    mock: MockSQS, client: Any, queue_url: str
) -> None:
    # Unconfirmed text (LocalStack and another emulator differ, §3.7 / facts §8); pinned.
    with aws_error(
        "InvalidParameterValue",
        "The request include parameter MessageDeduplicationId which is not valid for this "
        "queue type",
    ):
        client.send_message(QueueUrl=queue_url, MessageBody="a", MessageDeduplicationId="d-1")

    assert mock.queue("test-queue").messages == ()


def test_send_to_a_missing_queue_fails(client: Any) -> None:
    with aws_error(
        "AWS.SimpleQueueService.NonExistentQueue",
        "The specified queue does not exist.",
        shape="QueueDoesNotExist",
    ):
        client.send_message(
            QueueUrl="https://sqs.us-east-1.amazonaws.com/123456789012/nope", MessageBody="a"
        )


def test_send_by_bare_queue_name(mock: MockSQS, client: Any, queue_url: str) -> None:
    client.send_message(QueueUrl="test-queue", MessageBody="a")

    assert [m.body for m in mock.queue("test-queue").visible] == ["a"]
