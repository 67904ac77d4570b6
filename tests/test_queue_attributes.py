"""Queue attributes through boto3: GetQueueAttributes, SetQueueAttributes and CreateQueue's
Attributes (sqs-behaviour.md §2, §3.5, §3.6, §6.2; /tmp/facts/queues.md §1–§5, §13)."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest
from _support import aws_error
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_sqs import MockSQS

ACCOUNT = "123456789012"
ARN = f"arn:aws:sqs:us-east-1:{ACCOUNT}:test-queue"

# Defaults of a fresh queue (AWS-rec; MaximumMessageSize is 1 MiB since 2025, §2).
STANDARD_DEFAULTS = {
    "ApproximateNumberOfMessages": "0",
    "ApproximateNumberOfMessagesDelayed": "0",
    "ApproximateNumberOfMessagesNotVisible": "0",
    "DelaySeconds": "0",
    "MaximumMessageSize": "1048576",
    "MessageRetentionPeriod": "345600",
    "ReceiveMessageWaitTimeSeconds": "0",
    "SqsManagedSseEnabled": "true",
    "VisibilityTimeout": "30",
}
FIFO_DEFAULTS = {
    "ContentBasedDeduplication": "false",
    "DeduplicationScope": "queue",
    "FifoQueue": "true",
    "FifoThroughputLimit": "perQueue",
}
READ_ONLY = [
    "QueueArn",
    "ApproximateNumberOfMessages",
    "ApproximateNumberOfMessagesNotVisible",
    "ApproximateNumberOfMessagesDelayed",
    "CreatedTimestamp",
    "LastModifiedTimestamp",
]
# (name, lowest valid, highest valid), §1.4 / §2.
INTEGER_RANGES = [
    ("DelaySeconds", 0, 900),
    ("MaximumMessageSize", 1024, 1_048_576),
    ("MessageRetentionPeriod", 60, 1_209_600),
    ("ReceiveMessageWaitTimeSeconds", 0, 20),
    ("VisibilityTimeout", 0, 43_200),
    ("KmsDataKeyReusePeriodSeconds", 60, 86_400),
]
POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": ARN}
        ],
    },
    indent=2,
)
SSE_CONFLICT = (
    "You can use one type of server-side encryption (SSE) at one time. You can either enable "
    "KMS SSE or SQS SSE."
)


def get(client: Any, url: str, *names: str) -> dict[str, str]:
    response = client.get_queue_attributes(QueueUrl=url, AttributeNames=list(names))
    return dict(response.get("Attributes", {}))


def invalid_value(name: str) -> Any:
    return aws_error(
        "InvalidAttributeValue",
        f"Invalid value for the parameter {name}.",
        shape="InvalidAttributeValue",
    )


def unknown_attribute(name: str) -> Any:
    return aws_error(
        "InvalidAttributeName", f"Unknown Attribute {name}.", shape="InvalidAttributeName"
    )


@pytest.fixture
def fifo_url(client: Any) -> str:
    return str(
        client.create_queue(QueueName="test-queue.fifo", Attributes={"FifoQueue": "true"})[
            "QueueUrl"
        ]
    )


# -- GetQueueAttributes --------------------------------------------------------------------


def test_fresh_standard_queue_has_exactly_twelve_attributes(
    client: Any, queue_url: str, mock: MockSQS
) -> None:
    # AWS-rec (facts §13): the exact key set; Policy, Kms*, Redrive* and FIFO ones absent.
    now = str(int(mock.clock.now()))

    assert get(client, queue_url, "All") == {
        **STANDARD_DEFAULTS,
        "QueueArn": ARN,
        "CreatedTimestamp": now,
        "LastModifiedTimestamp": now,
    }


def test_fresh_fifo_queue_adds_four_attributes(client: Any, fifo_url: str, mock: MockSQS) -> None:
    now = str(int(mock.clock.now()))

    assert get(client, fifo_url, "All") == {
        **STANDARD_DEFAULTS,
        **FIFO_DEFAULTS,
        "QueueArn": f"{ARN}.fifo",
        "CreatedTimestamp": now,
        "LastModifiedTimestamp": now,
    }


@pytest.mark.parametrize(
    "names",
    [
        ["VisibilityTimeout"],
        ["QueueArn", "DelaySeconds"],
        ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesDelayed"],
        ["DelaySeconds", "DelaySeconds"],
    ],
)
def test_get_queue_attributes_returns_only_the_names_asked(
    client: Any, queue_url: str, names: list[str]
) -> None:
    expected = {**STANDARD_DEFAULTS, "QueueArn": ARN}

    assert get(client, queue_url, *names) == {name: expected[name] for name in names}


def test_get_queue_attributes_all_with_other_names_is_all(client: Any, queue_url: str) -> None:
    assert get(client, queue_url, "DelaySeconds", "All") == get(client, queue_url, "All")


def test_get_queue_attributes_without_names_has_no_attributes_key(
    client: Any, queue_url: str
) -> None:
    response = client.get_queue_attributes(QueueUrl=queue_url)

    assert "Attributes" not in response


@pytest.mark.parametrize(
    "names",
    [
        ["Policy"],
        ["RedrivePolicy", "KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds"],
        ["FifoQueue", "ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit"],
    ],
)
def test_unset_and_fifo_only_attributes_are_absent(
    client: Any, queue_url: str, names: list[str]
) -> None:
    # Absent rather than an error (unconfirmed for FIFO-only names, §3.5; LocalStack agrees).
    response = client.get_queue_attributes(QueueUrl=queue_url, AttributeNames=names)

    assert "Attributes" not in response


@pytest.mark.parametrize(
    ("names", "reported"),
    [
        (["Foobar"], "Foobar"),
        (["DelaySeconds", "Foobar"], "Foobar"),
        (["delayseconds"], "delayseconds"),
        (["All", "Nope"], "Nope"),
        ([""], ""),
    ],
)
def test_get_queue_attributes_with_an_unknown_name(
    client: Any, queue_url: str, names: list[str], reported: str
) -> None:
    # AWS-rec (§3): `Unknown Attribute Foobar.`
    with unknown_attribute(reported):
        client.get_queue_attributes(QueueUrl=queue_url, AttributeNames=names)


def test_counters_follow_sends_receives_delays_and_deletes(
    client: Any, queue_url: str, mock: MockSQS
) -> None:
    def counters() -> tuple[str, str, str]:
        attributes = get(
            client,
            queue_url,
            "ApproximateNumberOfMessages",
            "ApproximateNumberOfMessagesNotVisible",
            "ApproximateNumberOfMessagesDelayed",
        )
        return (
            attributes["ApproximateNumberOfMessages"],
            attributes["ApproximateNumberOfMessagesNotVisible"],
            attributes["ApproximateNumberOfMessagesDelayed"],
        )

    for body in ["a", "b", "c"]:
        client.send_message(QueueUrl=queue_url, MessageBody=body)
    client.send_message(QueueUrl=queue_url, MessageBody="late", DelaySeconds=10)
    assert counters() == ("3", "0", "1")

    received = client.receive_message(
        QueueUrl=queue_url, MaxNumberOfMessages=2, VisibilityTimeout=20
    )["Messages"]
    assert counters() == ("1", "2", "1")

    mock.advance(10)  # the delay ends
    assert counters() == ("2", "2", "0")

    client.delete_message(QueueUrl=queue_url, ReceiptHandle=received[0]["ReceiptHandle"])
    assert counters() == ("2", "1", "0")

    mock.advance(10)  # the visibility timeout ends
    assert counters() == ("3", "0", "0")


def test_queue_delay_counts_as_delayed(client: Any, queue_url: str, mock: MockSQS) -> None:
    client.set_queue_attributes(QueueUrl=queue_url, Attributes={"DelaySeconds": "5"})
    client.send_message(QueueUrl=queue_url, MessageBody="a")

    assert get(client, queue_url, "ApproximateNumberOfMessagesDelayed") == {
        "ApproximateNumberOfMessagesDelayed": "1"
    }
    mock.advance(5)
    assert get(client, queue_url, "ApproximateNumberOfMessages") == {
        "ApproximateNumberOfMessages": "1"
    }


def test_timestamps_are_epoch_seconds_that_move_with_the_clock(client: Any, mock: MockSQS) -> None:
    mock.move_to(4_000_000_000.75)
    url = client.create_queue(QueueName="clocked")["QueueUrl"]
    stamps = ("CreatedTimestamp", "LastModifiedTimestamp")
    assert get(client, url, *stamps) == {
        "CreatedTimestamp": "4000000000",
        "LastModifiedTimestamp": "4000000000",
    }

    mock.advance(100)
    assert get(client, url, *stamps)["LastModifiedTimestamp"] == "4000000000"  # reads only

    client.set_queue_attributes(QueueUrl=url, Attributes={"DelaySeconds": "1"})
    assert get(client, url, *stamps) == {
        "CreatedTimestamp": "4000000000",
        "LastModifiedTimestamp": "4000000100",
    }

    mock.advance(50)
    with invalid_value("DelaySeconds"):
        client.set_queue_attributes(QueueUrl=url, Attributes={"DelaySeconds": "-1"})
    assert get(client, url, "LastModifiedTimestamp") == {"LastModifiedTimestamp": "4000000100"}


# -- integer attributes --------------------------------------------------------------------


@pytest.mark.parametrize("where", ["create", "set"])
@pytest.mark.parametrize(("name", "low", "high"), INTEGER_RANGES)
def test_integer_attribute_accepts_its_whole_range(
    client: Any, name: str, low: int, high: int, where: str
) -> None:
    extra = {"KmsMasterKeyId": "alias/aws/sqs"} if name.startswith("Kms") else {}
    for value in (low, high):
        attributes = {**extra, name: str(value)}
        if where == "create":
            url = client.create_queue(QueueName=f"q-{value}", Attributes=attributes)["QueueUrl"]
        else:
            url = client.create_queue(QueueName=f"q-{value}")["QueueUrl"]
            client.set_queue_attributes(QueueUrl=url, Attributes=attributes)
        assert get(client, url, name) == {name: str(value)}


@pytest.mark.parametrize("where", ["create", "set"])
@pytest.mark.parametrize(("name", "low", "high"), INTEGER_RANGES)
def test_integer_attribute_refuses_values_out_of_range(
    client: Any, name: str, low: int, high: int, where: str
) -> None:
    for value in (low - 1, high + 1, 10**12):
        # `Invalid value for the parameter <Name>.` (EMU, AWS-OBS for VisibilityTimeout; §2.1)
        with invalid_value(name):
            if where == "create":
                client.create_queue(QueueName="q", Attributes={name: str(value)})
            else:
                url = client.create_queue(QueueName="q")["QueueUrl"]
                client.set_queue_attributes(QueueUrl=url, Attributes={name: str(value)})


@pytest.mark.parametrize(
    "raw", ["", " 6", "6 ", "544.43", "-45", "1e3", "+5", "abc", "0x10", "６", "true", "[1]"]
)
@pytest.mark.parametrize("name", [name for name, _, _ in INTEGER_RANGES])
def test_integer_attribute_refuses_what_is_not_a_plain_number(
    client: Any, queue_url: str, name: str, raw: str
) -> None:
    # §2: empty, spaces, decimals, negatives (EMU); `1e3`, `+5` unconfirmed, pinned.
    with invalid_value(name):
        client.set_queue_attributes(QueueUrl=queue_url, Attributes={name: raw})
    with invalid_value(name):
        client.create_queue(QueueName="other", Attributes={name: raw})


# -- setting attributes and their effect ---------------------------------------------------


def test_visibility_timeout_applies_to_later_receives(
    client: Any, queue_url: str, mock: MockSQS
) -> None:
    client.set_queue_attributes(QueueUrl=queue_url, Attributes={"VisibilityTimeout": "5"})
    client.send_message(QueueUrl=queue_url, MessageBody="a")
    client.receive_message(QueueUrl=queue_url)

    mock.advance(4.9)
    assert "Messages" not in client.receive_message(QueueUrl=queue_url)
    mock.advance(0.1)
    assert client.receive_message(QueueUrl=queue_url)["Messages"][0]["Body"] == "a"


def test_delay_seconds_applies_to_later_sends(client: Any, queue_url: str, mock: MockSQS) -> None:
    client.set_queue_attributes(QueueUrl=queue_url, Attributes={"DelaySeconds": "30"})
    client.send_message(QueueUrl=queue_url, MessageBody="a")

    mock.advance(29)
    assert "Messages" not in client.receive_message(QueueUrl=queue_url)
    mock.advance(1)
    assert client.receive_message(QueueUrl=queue_url)["Messages"][0]["Body"] == "a"


def test_maximum_message_size_limits_later_sends(client: Any, queue_url: str) -> None:
    client.set_queue_attributes(QueueUrl=queue_url, Attributes={"MaximumMessageSize": "1024"})
    client.send_message(QueueUrl=queue_url, MessageBody="x" * 1024)

    with aws_error(
        "InvalidParameterValue",
        "One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes.",
    ):
        client.send_message(QueueUrl=queue_url, MessageBody="x" * 1025)


def test_set_queue_attributes_changes_only_what_it_names(client: Any, queue_url: str) -> None:
    before = get(client, queue_url, "All")

    client.set_queue_attributes(
        QueueUrl=queue_url,
        Attributes={"VisibilityTimeout": "60", "ReceiveMessageWaitTimeSeconds": "20"},
    )

    after = get(client, queue_url, "All")
    assert after == {**before, "VisibilityTimeout": "60", "ReceiveMessageWaitTimeSeconds": "20"}


def test_set_queue_attributes_with_an_empty_map(client: Any, queue_url: str) -> None:
    # EMU (facts §3); LocalStack returns OK instead. Pins the catalogue's text.
    with aws_error("MissingParameter", "The request must contain the parameter Attribute.Name."):
        client.set_queue_attributes(QueueUrl=queue_url, Attributes={})


@pytest.mark.parametrize("where", ["create", "set"])
@pytest.mark.parametrize("name", [*READ_ONLY, "Foobar", "All", "visibilitytimeout", ""])
def test_read_only_and_unknown_attributes_are_refused(
    client: Any, queue_url: str, name: str, where: str
) -> None:
    # §3 (read-only: LocalStack, consistent with the AWS-rec FifoQueue case).
    with unknown_attribute(name):
        if where == "create":
            client.create_queue(QueueName="other", Attributes={name: "1"})
        else:
            client.set_queue_attributes(QueueUrl=queue_url, Attributes={name: "1"})


# -- booleans and enums --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "stored"), [("true", "true"), ("FALSE", "false"), ("True", "true")]
)
def test_boolean_attributes_are_case_insensitive(
    client: Any, queue_url: str, fifo_url: str, raw: str, stored: str
) -> None:
    client.set_queue_attributes(QueueUrl=queue_url, Attributes={"SqsManagedSseEnabled": raw})
    client.set_queue_attributes(QueueUrl=fifo_url, Attributes={"ContentBasedDeduplication": raw})

    assert get(client, queue_url, "SqsManagedSseEnabled") == {"SqsManagedSseEnabled": stored}
    assert get(client, fifo_url, "ContentBasedDeduplication") == {
        "ContentBasedDeduplication": stored
    }


@pytest.mark.parametrize("raw", ["", "yes", "1", "0", "t", " true"])
def test_boolean_attributes_refuse_other_values(
    client: Any, queue_url: str, fifo_url: str, raw: str
) -> None:
    with invalid_value("SqsManagedSseEnabled"):
        client.set_queue_attributes(QueueUrl=queue_url, Attributes={"SqsManagedSseEnabled": raw})
    with invalid_value("ContentBasedDeduplication"):
        client.set_queue_attributes(
            QueueUrl=fifo_url, Attributes={"ContentBasedDeduplication": raw}
        )


def test_fifo_enum_attributes(client: Any, fifo_url: str) -> None:
    client.set_queue_attributes(
        QueueUrl=fifo_url,
        Attributes={
            "DeduplicationScope": "messageGroup",
            "FifoThroughputLimit": "perMessageGroupId",
        },
    )
    assert get(client, fifo_url, "DeduplicationScope", "FifoThroughputLimit") == {
        "DeduplicationScope": "messageGroup",
        "FifoThroughputLimit": "perMessageGroupId",
    }

    client.set_queue_attributes(
        QueueUrl=fifo_url,
        Attributes={"FifoThroughputLimit": "perQueue", "DeduplicationScope": "queue"},
    )
    assert get(client, fifo_url, "DeduplicationScope", "FifoThroughputLimit") == {
        "DeduplicationScope": "queue",
        "FifoThroughputLimit": "perQueue",
    }


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("DeduplicationScope", "Queue"),
        ("DeduplicationScope", "perQueue"),
        ("DeduplicationScope", ""),
        ("FifoThroughputLimit", "perqueue"),
        ("FifoThroughputLimit", "queue"),
        ("FifoThroughputLimit", ""),
    ],
)
def test_fifo_enum_attributes_refuse_other_values(
    client: Any, fifo_url: str, name: str, raw: str
) -> None:
    with invalid_value(name):
        client.set_queue_attributes(QueueUrl=fifo_url, Attributes={name: raw})
    with invalid_value(name):
        client.create_queue(QueueName="o.fifo", Attributes={"FifoQueue": "true", name: raw})


def test_high_throughput_limit_needs_message_group_scope(client: Any, fifo_url: str) -> None:
    # The rule is DOC; the text is EMU (facts §3): pins the catalogue's.
    def needs_scope() -> Any:
        return aws_error(
            "InvalidAttributeValue",
            "The perMessageGroupId value is allowed only when the value for DeduplicationScope "
            "is messageGroup",
        )

    with needs_scope():
        client.set_queue_attributes(
            QueueUrl=fifo_url, Attributes={"FifoThroughputLimit": "perMessageGroupId"}
        )
    with needs_scope():
        client.create_queue(
            QueueName="o.fifo",
            Attributes={"FifoQueue": "true", "FifoThroughputLimit": "perMessageGroupId"},
        )
    client.set_queue_attributes(
        QueueUrl=fifo_url,
        Attributes={
            "FifoThroughputLimit": "perMessageGroupId",
            "DeduplicationScope": "messageGroup",
        },
    )
    with needs_scope():
        client.set_queue_attributes(QueueUrl=fifo_url, Attributes={"DeduplicationScope": "queue"})
    assert get(client, fifo_url, "DeduplicationScope") == {"DeduplicationScope": "messageGroup"}


# -- FIFO rules ----------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["create", "set"])
@pytest.mark.parametrize(
    ("name", "raw", "message"),
    [
        ("ContentBasedDeduplication", "true", "Unknown Attribute ContentBasedDeduplication."),
        (
            "DeduplicationScope",
            "queue",
            "You can specify the DeduplicationScope only when FifoQueue is set to true.",
        ),
        (
            "FifoThroughputLimit",
            "perQueue",
            "You can specify the FifoThroughputLimit only when FifoQueue is set to true.",
        ),
    ],
)
def test_fifo_only_attributes_on_a_standard_queue(
    client: Any, queue_url: str, name: str, raw: str, message: str, where: str
) -> None:
    # AWS-rec (§2.1).
    with aws_error("InvalidAttributeName", message, shape="InvalidAttributeName"):
        if where == "create":
            client.create_queue(QueueName="other", Attributes={name: raw})
        else:
            client.set_queue_attributes(QueueUrl=queue_url, Attributes={name: raw})


@pytest.mark.parametrize("raw", ["true", "false"])
def test_fifo_queue_cannot_be_set_on_a_standard_queue(
    client: Any, queue_url: str, raw: str
) -> None:
    # AWS-rec (test_set_unsupported_attribute_fifo).
    with unknown_attribute("FifoQueue"):
        client.set_queue_attributes(QueueUrl=queue_url, Attributes={"FifoQueue": raw})
    assert "FifoQueue" not in get(client, queue_url, "All")


@pytest.mark.parametrize("raw", ["false", "False"])
def test_fifo_queue_cannot_become_standard(client: Any, fifo_url: str, raw: str) -> None:
    # AWS-rec.
    with aws_error(
        "InvalidAttributeValue",
        "Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported.",
        shape="InvalidAttributeValue",
    ):
        client.set_queue_attributes(QueueUrl=fifo_url, Attributes={"FifoQueue": raw})
    assert get(client, fifo_url, "FifoQueue") == {"FifoQueue": "true"}


def test_setting_fifo_queue_true_on_a_fifo_queue_is_a_no_op(client: Any, fifo_url: str) -> None:
    before = get(client, fifo_url, "All")

    client.set_queue_attributes(QueueUrl=fifo_url, Attributes={"FifoQueue": "true"})

    assert get(client, fifo_url, "All") == before


# -- Policy, RedrivePolicy, RedriveAllowPolicy, KmsMasterKeyId: "" removes -----------------


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("Policy", POLICY),
        ("RedrivePolicy", "REDRIVE"),
        ("RedriveAllowPolicy", '{"redrivePermission":"allowAll"}'),
        ("KmsMasterKeyId", "alias/aws/sqs"),
    ],
)
def test_empty_string_removes_an_optional_attribute(
    client: Any, queue_url: str, name: str, raw: str
) -> None:
    if raw == "REDRIVE":
        dlq = client.create_queue(QueueName="dlq")["QueueUrl"]
        dlq_arn = get(client, dlq, "QueueArn")["QueueArn"]
        raw = json.dumps(
            {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 5}, separators=(",", ":")
        )
    client.set_queue_attributes(QueueUrl=queue_url, Attributes={name: raw})
    assert get(client, queue_url, name) == {name: raw}  # stored as sent

    client.set_queue_attributes(QueueUrl=queue_url, Attributes={name: ""})

    assert name not in get(client, queue_url, "All")
    client.set_queue_attributes(QueueUrl=queue_url, Attributes={name: ""})  # already gone: fine
    assert name not in get(client, queue_url, "All")


def test_policy_is_returned_exactly_as_sent(client: Any, queue_url: str) -> None:
    url = client.create_queue(QueueName="with-policy", Attributes={"Policy": POLICY})["QueueUrl"]
    client.set_queue_attributes(QueueUrl=queue_url, Attributes={"Policy": POLICY})

    assert get(client, url, "Policy") == {"Policy": POLICY}
    assert get(client, queue_url, "Policy") == {"Policy": POLICY}
    assert "\n  " in POLICY  # the indentation survived


@pytest.mark.parametrize(
    "raw",
    ["not json", "[]", '"policy"', "1", "null", '{"Statement": []}', '{"Statement": "x"}', "{"],
)
@pytest.mark.parametrize("where", ["create", "set"])
def test_policy_that_is_not_a_policy_is_refused(
    client: Any, queue_url: str, raw: str, where: str
) -> None:
    # AWS-OBS (terraform-provider-aws) for the text.
    with invalid_value("Policy"):
        if where == "create":
            client.create_queue(QueueName="other", Attributes={"Policy": raw})
        else:
            client.set_queue_attributes(QueueUrl=queue_url, Attributes={"Policy": raw})
    assert "Policy" not in get(client, queue_url, "All")


def _statements(count: int) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Sid": f"s{i}", "Effect": "Allow", "Principal": "*", "Action": "sqs:*"}
                for i in range(count)
            ],
        }
    )


def test_policy_with_20_statements_is_accepted(client: Any, queue_url: str) -> None:
    client.set_queue_attributes(QueueUrl=queue_url, Attributes={"Policy": _statements(20)})

    assert get(client, queue_url, "Policy") == {"Policy": _statements(20)}


@pytest.mark.parametrize("count", [21, 22])
def test_policy_with_more_than_20_statements_is_refused(
    client: Any, queue_url: str, count: int
) -> None:
    # Text and code from Inqnuam (EMU); botocore models OverLimit for SetQueueAttributes.
    with aws_error(
        "OverLimit",
        f"{count} statements were found in the submitted policy, max allowed is 20",
        status=403,
    ):
        client.set_queue_attributes(QueueUrl=queue_url, Attributes={"Policy": _statements(count)})
    assert "Policy" not in get(client, queue_url, "All")


@pytest.mark.parametrize("statement", ["1", '"x"', "null", "[]"])
def test_policy_statement_must_be_an_object(client: Any, queue_url: str, statement: str) -> None:
    with invalid_value("Policy"):
        client.set_queue_attributes(
            QueueUrl=queue_url,
            Attributes={"Policy": f'{{"Version":"2012-10-17","Statement":[{statement}]}}'},
        )


def test_redrive_policy_that_is_not_a_json_map(client: Any, queue_url: str) -> None:
    # EMU (§6.2); pins the catalogue's text and code.
    for raw in ["not json", "[]", "5"]:
        with aws_error(
            "InvalidParameterValue",
            "Invalid value for the parameter RedrivePolicy. Reason: Redrive policy is not a "
            "valid JSON map.",
        ):
            client.set_queue_attributes(QueueUrl=queue_url, Attributes={"RedrivePolicy": raw})
    assert "RedrivePolicy" not in get(client, queue_url, "All")


def test_redrive_policy_with_a_target_that_is_not_an_arn(client: Any, queue_url: str) -> None:
    raw = '{"deadLetterTargetArn": "dummy", "maxReceiveCount": 42}'
    with aws_error(
        "InvalidParameterValue",
        f"Value {raw} for parameter RedrivePolicy is invalid. Reason: Invalid value for "
        "deadLetterTargetArn.",
    ):
        client.set_queue_attributes(QueueUrl=queue_url, Attributes={"RedrivePolicy": raw})


def test_redrive_allow_policy_that_is_not_a_json_map(client: Any, queue_url: str) -> None:
    # EMU (§6.2), typographic apostrophe included; pins the catalogue's text and code.
    with aws_error(
        "InvalidParameterValue",
        "Invalid value for the parameter RedriveAllowPolicy. Reason: Amazon SQS can't create the "
        "redrive allow policy, as it’s in an unsupported format.",
    ):
        client.set_queue_attributes(QueueUrl=queue_url, Attributes={"RedriveAllowPolicy": "no"})


# -- server-side encryption ----------------------------------------------------------------

SSE_NAMES = ("KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds", "SqsManagedSseEnabled")


@pytest.mark.parametrize("where", ["create", "set"])
@pytest.mark.parametrize("sse", ["true", "True"])
def test_kms_and_sqs_managed_encryption_together_are_refused(
    client: Any, queue_url: str, where: str, sse: str
) -> None:
    # AWS-rec: InvalidAttributeName, not InvalidAttributeValue.
    attributes = {"KmsMasterKeyId": "alias/aws/sqs", "SqsManagedSseEnabled": sse}
    with aws_error("InvalidAttributeName", SSE_CONFLICT, shape="InvalidAttributeName"):
        if where == "create":
            client.create_queue(QueueName="other", Attributes=attributes)
        else:
            client.set_queue_attributes(QueueUrl=queue_url, Attributes=attributes)
    assert get(client, queue_url, *SSE_NAMES) == {"SqsManagedSseEnabled": "true"}


@pytest.mark.parametrize("where", ["create", "set"])
def test_kms_key_with_sqs_managed_encryption_off(client: Any, queue_url: str, where: str) -> None:
    # AWS-rec: accepted; the reuse period appears with its default.
    attributes = {"KmsMasterKeyId": "alias/aws/sqs", "SqsManagedSseEnabled": "false"}
    if where == "create":
        url = client.create_queue(QueueName="other", Attributes=attributes)["QueueUrl"]
    else:
        url = queue_url
        client.set_queue_attributes(QueueUrl=url, Attributes=attributes)

    assert get(client, url, *SSE_NAMES) == {
        "KmsMasterKeyId": "alias/aws/sqs",
        "KmsDataKeyReusePeriodSeconds": "300",
        "SqsManagedSseEnabled": "false",
    }


def test_kms_key_alone_turns_sqs_managed_encryption_off(client: Any, queue_url: str) -> None:
    # EMU (facts §5).
    client.set_queue_attributes(
        QueueUrl=queue_url,
        Attributes={"KmsMasterKeyId": "key-id", "KmsDataKeyReusePeriodSeconds": "600"},
    )

    assert get(client, queue_url, *SSE_NAMES) == {
        "KmsMasterKeyId": "key-id",
        "KmsDataKeyReusePeriodSeconds": "600",
        "SqsManagedSseEnabled": "false",
    }


def test_sqs_managed_encryption_on_a_plain_queue(client: Any, queue_url: str) -> None:
    # AWS-rec: only SqsManagedSseEnabled is listed.
    client.set_queue_attributes(QueueUrl=queue_url, Attributes={"SqsManagedSseEnabled": "false"})
    client.set_queue_attributes(QueueUrl=queue_url, Attributes={"SqsManagedSseEnabled": "true"})

    assert get(client, queue_url, *SSE_NAMES) == {"SqsManagedSseEnabled": "true"}


def test_removing_the_kms_key_leaves_sqs_managed_encryption_off(
    client: Any, queue_url: str
) -> None:
    # AWS-rec (§2): key "" with the default reuse period: both disappear, SSE stays false.
    client.set_queue_attributes(QueueUrl=queue_url, Attributes={"KmsMasterKeyId": "key-id"})

    client.set_queue_attributes(
        QueueUrl=queue_url,
        Attributes={"KmsMasterKeyId": "", "KmsDataKeyReusePeriodSeconds": "300"},
    )

    assert get(client, queue_url, *SSE_NAMES) == {"SqsManagedSseEnabled": "false"}


def test_sqs_managed_encryption_later_replaces_the_kms_key(client: Any, queue_url: str) -> None:
    # EMU (facts §5): unconfirmed on AWS, pinned.
    client.set_queue_attributes(QueueUrl=queue_url, Attributes={"KmsMasterKeyId": "key-id"})

    client.set_queue_attributes(QueueUrl=queue_url, Attributes={"SqsManagedSseEnabled": "true"})

    assert get(client, queue_url, *SSE_NAMES) == {"SqsManagedSseEnabled": "true"}


def test_reuse_period_without_a_key_is_not_listed(client: Any, queue_url: str) -> None:
    client.set_queue_attributes(
        QueueUrl=queue_url, Attributes={"KmsDataKeyReusePeriodSeconds": "900"}
    )

    assert get(client, queue_url, *SSE_NAMES) == {"SqsManagedSseEnabled": "true"}


# -- all or nothing ------------------------------------------------------------------------

BAD_ONES = [
    ({"VisibilityTimeout": "43201"}, "InvalidAttributeValue"),
    ({"Foobar": "1"}, "InvalidAttributeName"),
    ({"Policy": "not json"}, "InvalidAttributeValue"),
    ({"KmsMasterKeyId": "k", "SqsManagedSseEnabled": "true"}, "InvalidAttributeName"),
    ({"QueueArn": "arn"}, "InvalidAttributeName"),
]


@pytest.mark.parametrize("good_first", [True, False])
@pytest.mark.parametrize(("bad", "code"), BAD_ONES)
def test_a_refused_set_queue_attributes_changes_nothing(
    client: Any, queue_url: str, mock: MockSQS, bad: dict[str, str], code: str, good_first: bool
) -> None:
    client.set_queue_attributes(
        QueueUrl=queue_url, Attributes={"RedriveAllowPolicy": '{"redrivePermission":"denyAll"}'}
    )
    before = get(client, queue_url, "All")
    mock.advance(10)
    good = {"DelaySeconds": "7", "MaximumMessageSize": "2048", "RedriveAllowPolicy": ""}
    attributes = {**good, **bad} if good_first else {**bad, **good}

    with pytest.raises(ClientError) as info:
        client.set_queue_attributes(QueueUrl=queue_url, Attributes=attributes)

    assert info.value.response["Error"]["Code"] == code
    assert get(client, queue_url, "All") == before


@pytest.mark.parametrize(("bad", "code"), BAD_ONES)
def test_a_refused_create_queue_creates_nothing(
    client: Any, bad: dict[str, str], code: str
) -> None:
    with pytest.raises(ClientError) as info:
        client.create_queue(QueueName="q", Attributes={"DelaySeconds": "7", **bad}, tags={"a": "b"})

    assert info.value.response["Error"]["Code"] == code
    assert "QueueUrls" not in client.list_queues()


# -- bad input: arbitrary attribute values --------------------------------------------------

_SETTABLE = [
    "DelaySeconds",
    "MaximumMessageSize",
    "MessageRetentionPeriod",
    "ReceiveMessageWaitTimeSeconds",
    "VisibilityTimeout",
    "KmsDataKeyReusePeriodSeconds",
    "KmsMasterKeyId",
    "SqsManagedSseEnabled",
    "Policy",
    "RedrivePolicy",
    "RedriveAllowPolicy",
    "FifoQueue",
    "ContentBasedDeduplication",
    "DeduplicationScope",
    "FifoThroughputLimit",
]
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(["Version", "Statement", "Id", "Sid", "Effect", "x"])
            | st.text(max_size=5),
            inner,
            max_size=3,
        )
    ),
    max_leaves=8,
).map(json.dumps)
_VALUES = (
    st.sampled_from(["", "0", "60", "1024", "900", "true", "FALSE", "queue", "messageGroup"])
    | st.sampled_from(["perQueue", "perMessageGroupId", "{}", "alias/x", " 1", "1.0"])
    | st.integers(min_value=-10, max_value=2_000_000).map(str)
    | st.text(max_size=12)
    | _JSON
)
_ATTRIBUTES = st.dictionaries(
    st.sampled_from([*_SETTABLE, *READ_ONLY, "All"]) | st.text(max_size=12),
    _VALUES,
    max_size=4,
)
_INTEGERS = {name for name, _, _ in INTEGER_RANGES}


def _assert_aws_shaped(error: ClientError) -> None:
    details = error.response["Error"]
    assert details["Code"] in {
        "InvalidAttributeName",
        "InvalidAttributeValue",
        "InvalidParameterValue",
        "MissingParameter",
        "OverLimit",
    }, details
    assert details["Type"] == "Sender"
    assert details["Message"]
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] in (400, 403)


_fresh = (f"prop-{i}" for i in itertools.count())


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(attributes=_ATTRIBUTES, fifo=st.booleans())
def test_set_queue_attributes_with_any_input_applies_all_or_nothing(
    client: Any, mock: MockSQS, attributes: dict[str, str], fifo: bool
) -> None:
    name = next(_fresh)
    url = client.create_queue(
        QueueName=f"{name}.fifo" if fifo else name,
        Attributes={"FifoQueue": "true"} if fifo else {},
    )["QueueUrl"]
    before = get(client, url, "All")
    mock.advance(1)
    try:
        client.set_queue_attributes(QueueUrl=url, Attributes=attributes)
    except ClientError as error:
        _assert_aws_shaped(error)
        assert get(client, url, "All") == before
    else:
        after = get(client, url, "All")
        assert int(after["LastModifiedTimestamp"]) == int(before["LastModifiedTimestamp"]) + 1
        for attribute, raw in attributes.items():
            if attribute in _INTEGERS - {"KmsDataKeyReusePeriodSeconds"}:
                assert after[attribute] == str(int(raw))
            elif attribute in ("Policy", "RedrivePolicy", "RedriveAllowPolicy"):
                assert after.get(attribute) == (raw or None)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(attributes=_ATTRIBUTES)
def test_create_queue_with_any_attributes_matches_get_queue_attributes(
    client: Any, attributes: dict[str, str]
) -> None:
    fifo = "FifoQueue" in attributes
    name = next(_fresh) + (".fifo" if fifo else "")
    try:
        url = client.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    except ClientError as error:
        _assert_aws_shaped(error)
        expected_url = f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/{name}"
        assert expected_url not in client.list_queues().get("QueueUrls", [])
    else:
        stored = get(client, url, "All")
        for attribute, raw in attributes.items():
            if attribute in _INTEGERS - {"KmsDataKeyReusePeriodSeconds"}:
                assert stored[attribute] == str(int(raw))
        # Re-creating with the same attributes is idempotent (§3.1).
        assert client.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"] == url
