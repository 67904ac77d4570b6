"""Creating and configuring FIFO queues: names, the four FIFO attributes and every invalid
combination (sqs-behaviour.md §1.3, §2, §2.1, §3.1, §6.1, §6.2)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from _support import aws_error

from pytest_sqs import MockSQS

ARN_PREFIX = "arn:aws:sqs:us-east-1:123456789012:"
URL_PREFIX = "https://sqs.us-east-1.amazonaws.com/123456789012/"
BAD_FIFO_NAME = (
    "The name of a FIFO queue can only include alphanumeric characters, hyphens, or "
    "underscores, must end with .fifo suffix and be 1 to 80 in length."
)
BAD_NAME = "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length"
EXISTS = "A queue already exists with the same name and a different value for attribute {}"
FIFO_ONLY = "You can specify the {} only when FifoQueue is set to true."
NEEDS_GROUP_SCOPE = (
    "The perMessageGroupId value is allowed only when the value for DeduplicationScope is "
    "messageGroup"
)
FIFO_DEFAULTS = {
    "ContentBasedDeduplication": "false",
    "DeduplicationScope": "queue",
    "FifoQueue": "true",
    "FifoThroughputLimit": "perQueue",
}
FIFO_NAMES = list(FIFO_DEFAULTS)


def create_fifo(client: Any, name: str = "orders.fifo", **attributes: str) -> str:
    response = client.create_queue(QueueName=name, Attributes={"FifoQueue": "true", **attributes})
    return str(response["QueueUrl"])


def fifo_attributes(client: Any, url: str) -> dict[str, str]:
    response = client.get_queue_attributes(QueueUrl=url, AttributeNames=FIFO_NAMES)
    return dict(response.get("Attributes", {}))


def listed(client: Any) -> list[str]:
    return list(client.list_queues().get("QueueUrls", []))


def redrive(client: Any, target_url: str) -> str:
    arn = client.get_queue_attributes(QueueUrl=target_url, AttributeNames=["QueueArn"])
    return json.dumps({"deadLetterTargetArn": arn["Attributes"]["QueueArn"], "maxReceiveCount": 3})


# -- a fresh FIFO queue ----------------------------------------------------------------------


def test_fresh_fifo_queue_lists_the_standard_attributes_and_four_fifo_ones(
    mock: MockSQS, client: Any
) -> None:
    # AWS-rec (§2): the FIFO queue adds exactly these four to the standard twelve.
    created = str(int(mock.clock.now()))
    url = create_fifo(client)

    assert url == f"{URL_PREFIX}orders.fifo"
    assert client.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"] == {
        "ApproximateNumberOfMessages": "0",
        "ApproximateNumberOfMessagesDelayed": "0",
        "ApproximateNumberOfMessagesNotVisible": "0",
        "CreatedTimestamp": created,
        "DelaySeconds": "0",
        "LastModifiedTimestamp": created,
        "MaximumMessageSize": "1048576",
        "MessageRetentionPeriod": "345600",
        "QueueArn": f"{ARN_PREFIX}orders.fifo",
        "ReceiveMessageWaitTimeSeconds": "0",
        "SqsManagedSseEnabled": "true",
        "VisibilityTimeout": "30",
        **FIFO_DEFAULTS,
    }


@pytest.mark.parametrize(
    ("given", "read_back"),
    [
        ({"ContentBasedDeduplication": "true"}, {"ContentBasedDeduplication": "true"}),
        ({"ContentBasedDeduplication": "TRUE"}, {"ContentBasedDeduplication": "true"}),
        ({"ContentBasedDeduplication": "False"}, {"ContentBasedDeduplication": "false"}),
        ({"DeduplicationScope": "messageGroup"}, {"DeduplicationScope": "messageGroup"}),
        (
            # High-throughput mode (§5.3).
            {"DeduplicationScope": "messageGroup", "FifoThroughputLimit": "perMessageGroupId"},
            {"DeduplicationScope": "messageGroup", "FifoThroughputLimit": "perMessageGroupId"},
        ),
        ({"FifoThroughputLimit": "perQueue"}, {}),
    ],
)
def test_fifo_attributes_given_at_creation_are_read_back(
    client: Any, given: dict[str, str], read_back: dict[str, str]
) -> None:
    url = create_fifo(client, **given)

    assert fifo_attributes(client, url) == {**FIFO_DEFAULTS, **read_back}


@pytest.mark.parametrize("name", ["a.fifo", "x" * 75 + ".fifo", "Orders_2-b.fifo", "-_.fifo"])
def test_fifo_queue_names_up_to_80_characters_with_the_suffix(client: Any, name: str) -> None:
    assert create_fifo(client, name) == URL_PREFIX + name
    assert listed(client) == [URL_PREFIX + name]


@pytest.mark.parametrize(
    "name",
    [
        "orders",  # no suffix (AWS-rec: InvalidParameterValue)
        "x" * 76 + ".fifo",  # 81 characters: the suffix counts
        ".fifo",
        "orders.FIFO",
        "orders.fifo.fifo",
        "or ders.fifo",
        "orders/x.fifo",
        "orders.fifo-2",
    ],
)
def test_fifo_queue_name_must_end_in_fifo(client: Any, name: str) -> None:
    with aws_error("InvalidParameterValue", BAD_FIFO_NAME):
        create_fifo(client, name)
    assert listed(client) == []


def test_a_standard_queue_cannot_be_named_like_a_fifo_queue(client: Any) -> None:
    # AWS-rec code (§1.3): without FifoQueue=true the name is a standard queue's.
    with aws_error("InvalidParameterValue", BAD_NAME):
        client.create_queue(QueueName="orders.fifo")
    with aws_error("InvalidParameterValue", BAD_NAME):
        client.create_queue(QueueName="orders.fifo", Attributes={"DelaySeconds": "0"})
    assert listed(client) == []


@pytest.mark.parametrize("flag", ["false", "False", "", "1", "yes"])
@pytest.mark.parametrize("name", ["orders", "orders.fifo"])
def test_fifo_queue_flag_other_than_true_is_unknown(client: Any, flag: str, name: str) -> None:
    # AWS-rec (§2.1): "even false" — the attribute only exists on FIFO queues.
    with aws_error(
        "InvalidAttributeName", "Unknown Attribute FifoQueue.", shape="InvalidAttributeName"
    ):
        client.create_queue(QueueName=name, Attributes={"FifoQueue": flag})
    assert listed(client) == []


# -- FIFO-only attributes on a standard queue --------------------------------------------------


_ON_STANDARD = [
    ("ContentBasedDeduplication", "true", "Unknown Attribute ContentBasedDeduplication."),
    ("ContentBasedDeduplication", "false", "Unknown Attribute ContentBasedDeduplication."),
    ("DeduplicationScope", "queue", FIFO_ONLY.format("DeduplicationScope")),
    ("DeduplicationScope", "messageGroup", FIFO_ONLY.format("DeduplicationScope")),
    ("FifoThroughputLimit", "perQueue", FIFO_ONLY.format("FifoThroughputLimit")),
    ("FifoThroughputLimit", "perMessageGroupId", FIFO_ONLY.format("FifoThroughputLimit")),
    ("FifoQueue", "false", "Unknown Attribute FifoQueue."),
]


@pytest.mark.parametrize(
    ("where", "name", "value", "message"),
    [
        *(("create", *case) for case in _ON_STANDARD),
        *(("set", *case) for case in _ON_STANDARD),
        # FifoQueue=true in CreateQueue makes a FIFO queue; SetQueueAttributes refuses it.
        ("set", "FifoQueue", "true", "Unknown Attribute FifoQueue."),
    ],
)
def test_fifo_only_attributes_are_refused_on_a_standard_queue(
    client: Any, queue_url: str, where: str, name: str, value: str, message: str
) -> None:
    # AWS-rec (§2.1).
    with aws_error("InvalidAttributeName", message, shape="InvalidAttributeName"):
        if where == "create":
            client.create_queue(QueueName="standard", Attributes={name: value})
        else:
            client.set_queue_attributes(QueueUrl=queue_url, Attributes={name: value})
    assert listed(client) == [queue_url]
    attributes = client.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["All"])
    assert not set(attributes["Attributes"]) & set(FIFO_NAMES)


# -- invalid values ----------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["create", "set"])
@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ContentBasedDeduplication", "yes"),
        ("ContentBasedDeduplication", ""),
        ("ContentBasedDeduplication", "1"),
        ("DeduplicationScope", "group"),
        ("DeduplicationScope", "MessageGroup"),
        ("DeduplicationScope", ""),
        ("FifoThroughputLimit", "perMessageGroup"),
        ("FifoThroughputLimit", "PerQueue"),
        ("FifoThroughputLimit", ""),
    ],
)
def test_invalid_fifo_attribute_values(client: Any, where: str, name: str, value: str) -> None:
    url = create_fifo(client, "existing.fifo")
    with aws_error(
        "InvalidAttributeValue",
        f"Invalid value for the parameter {name}.",
        shape="InvalidAttributeValue",
    ):
        if where == "create":
            create_fifo(client, "new.fifo", **{name: value})
        else:
            client.set_queue_attributes(QueueUrl=url, Attributes={name: value})
    assert listed(client) == [url]
    assert fifo_attributes(client, url) == FIFO_DEFAULTS


@pytest.mark.parametrize(
    "given",
    [
        {"FifoThroughputLimit": "perMessageGroupId"},
        {"FifoThroughputLimit": "perMessageGroupId", "DeduplicationScope": "queue"},
    ],
)
def test_per_message_group_throughput_needs_message_group_scope(
    client: Any, given: dict[str, str]
) -> None:
    # The rule is documented (§2.1); the text is the catalogue's (unconfirmed).
    with aws_error("InvalidAttributeValue", NEEDS_GROUP_SCOPE):
        create_fifo(client, **given)
    assert listed(client) == []


def test_per_message_group_throughput_stays_tied_to_message_group_scope(client: Any) -> None:
    url = create_fifo(
        client, DeduplicationScope="messageGroup", FifoThroughputLimit="perMessageGroupId"
    )

    with aws_error("InvalidAttributeValue", NEEDS_GROUP_SCOPE):
        client.set_queue_attributes(QueueUrl=url, Attributes={"DeduplicationScope": "queue"})
    client.set_queue_attributes(
        QueueUrl=url, Attributes={"DeduplicationScope": "queue", "FifoThroughputLimit": "perQueue"}
    )
    assert fifo_attributes(client, url) == FIFO_DEFAULTS


# -- changing a FIFO queue ---------------------------------------------------------------------


@pytest.mark.parametrize("flag", ["false", "False", "FALSE"])
def test_a_fifo_queue_cannot_become_standard(client: Any, flag: str) -> None:
    url = create_fifo(client)
    with aws_error(
        "InvalidAttributeValue",
        "Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported.",
        shape="InvalidAttributeValue",
    ):
        client.set_queue_attributes(QueueUrl=url, Attributes={"FifoQueue": flag})
    assert fifo_attributes(client, url) == FIFO_DEFAULTS


@pytest.mark.parametrize("flag", ["true", "True"])
def test_setting_fifo_queue_true_again_changes_nothing(client: Any, flag: str) -> None:
    url = create_fifo(client)
    before = client.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]

    client.set_queue_attributes(QueueUrl=url, Attributes={"FifoQueue": flag})

    assert client.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"] == (
        before
    )


def test_fifo_attributes_can_be_changed_and_are_read_back_at_once(
    mock: MockSQS, client: Any
) -> None:
    url = create_fifo(client)
    mock.advance(10)
    changed = {
        "ContentBasedDeduplication": "true",
        "DeduplicationScope": "messageGroup",
        "FifoThroughputLimit": "perMessageGroupId",
    }

    client.set_queue_attributes(QueueUrl=url, Attributes=changed)

    assert fifo_attributes(client, url) == {**FIFO_DEFAULTS, **changed}
    modified = client.get_queue_attributes(QueueUrl=url, AttributeNames=["LastModifiedTimestamp"])
    assert modified["Attributes"] == {"LastModifiedTimestamp": str(int(mock.clock.now()))}


# -- CreateQueue on an existing FIFO queue ------------------------------------------------------


@pytest.mark.parametrize(
    "again",
    [
        {"FifoQueue": "true"},
        {"FifoQueue": "TRUE"},
        {"FifoQueue": "true", "ContentBasedDeduplication": "true"},
        {"FifoQueue": "true", "DeduplicationScope": "messageGroup"},
        {"FifoQueue": "true", "FifoThroughputLimit": "perQueue", "DelaySeconds": "0"},
    ],
)
def test_creating_the_same_fifo_queue_again_returns_its_url(
    client: Any, again: dict[str, str]
) -> None:
    url = create_fifo(client, ContentBasedDeduplication="true", DeduplicationScope="messageGroup")

    assert client.create_queue(QueueName="orders.fifo", Attributes=again)["QueueUrl"] == url
    assert listed(client) == [url]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ContentBasedDeduplication", "true"),  # AWS-rec (§3.1)
        ("DeduplicationScope", "messageGroup"),
        ("VisibilityTimeout", "31"),
    ],
)
def test_creating_it_again_with_another_fifo_attribute_value_fails(
    client: Any, name: str, value: str
) -> None:
    url = create_fifo(client)

    with aws_error("QueueAlreadyExists", EXISTS.format(name), shape="QueueNameExists"):
        create_fifo(client, **{name: value})
    assert fifo_attributes(client, url) == FIFO_DEFAULTS


# -- RedrivePolicy: FIFO to FIFO only ---------------------------------------------------------


@pytest.mark.parametrize("where", ["create", "set"])
def test_a_fifo_queue_takes_a_fifo_dead_letter_queue(client: Any, where: str) -> None:
    dlq = create_fifo(client, "dead.fifo")
    policy = redrive(client, dlq)

    if where == "create":
        url = create_fifo(client, RedrivePolicy=policy)
    else:
        url = create_fifo(client)
        client.set_queue_attributes(QueueUrl=url, Attributes={"RedrivePolicy": policy})

    got = client.get_queue_attributes(QueueUrl=url, AttributeNames=["RedrivePolicy"])
    assert json.loads(got["Attributes"]["RedrivePolicy"]) == {
        "deadLetterTargetArn": f"{ARN_PREFIX}dead.fifo",
        "maxReceiveCount": 3,
    }
    sources = client.list_dead_letter_source_queues(QueueUrl=dlq)
    assert sources["queueUrls"] == [url]


@pytest.mark.parametrize("where", ["create", "set"])
@pytest.mark.parametrize("source_fifo", [True, False], ids=["fifo-to-standard", "standard-to-fifo"])
def test_dead_letter_queue_must_be_of_the_same_type(
    client: Any, where: str, source_fifo: bool
) -> None:
    # EMU text, two periods sic (§6.2).
    def create(name: str, fifo: bool, **attributes: str) -> str:
        if fifo:
            return create_fifo(client, f"{name}.fifo", **attributes)
        return str(client.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"])

    dlq = create("dead", not source_fifo)
    existing = create("source", source_fifo)
    policy = redrive(client, dlq)

    with aws_error(
        "InvalidParameterValue",
        f"Value {policy} for parameter RedrivePolicy is invalid. Reason: Dead-letter queue must "
        "be same type of queue as the source..",
    ):
        if where == "set":
            client.set_queue_attributes(QueueUrl=existing, Attributes={"RedrivePolicy": policy})
        else:
            create("new", source_fifo, RedrivePolicy=policy)

    assert sorted(listed(client)) == sorted([dlq, existing])
    got = client.get_queue_attributes(QueueUrl=existing, AttributeNames=["RedrivePolicy"])
    assert "Attributes" not in got
