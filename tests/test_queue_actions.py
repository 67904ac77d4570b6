"""Queue actions through boto3: CreateQueue, GetQueueUrl, ListQueues, DeleteQueue, PurgeQueue,
the QueueUrl forms AWS accepts and QueueDoesNotExist everywhere (sqs-behaviour.md §1.3, §3.1–3.4,
§3.14; /tmp/facts/queues.md §1, §6, §9–§12)."""

from __future__ import annotations

import base64
import itertools
import re
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from _support import aws_error
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_sqs import MockSQS

REGION = "us-east-1"
ACCOUNT = "123456789012"
OTHER_ACCOUNT = "999999999999"

BAD_NAME = "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length"
BAD_FIFO_NAME = (
    "The name of a FIFO queue can only include alphanumeric characters, hyphens, or "
    "underscores, must end with .fifo suffix and be 1 to 80 in length."
)
NO_QUEUE = "The specified queue does not exist."
DELETED_RECENTLY = (
    "You must wait 60 seconds after deleting a queue before you can create another with the "
    "same name."
)
EXISTS = "A queue already exists with the same name and a different value for attribute {}"
POLICY = (
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",'
    '"Action":"sqs:SendMessage","Resource":"*"}]}'
)
MAX_RESULTS = (
    "Value for parameter MaxResults is invalid. Reason: MaxResults must be an integer between 1 "
    "and 1000."
)

# Codes an SQS client error can carry (sqs-behaviour.md §1.2), for the bad-input properties.
AWS_CODES = frozenset(
    {
        "InvalidParameterValue",
        "MissingParameter",
        "InvalidAttributeName",
        "InvalidAttributeValue",
        "QueueAlreadyExists",
        "OverLimit",
        "AWS.SimpleQueueService.NonExistentQueue",
        "AWS.SimpleQueueService.QueueDeletedRecently",
    }
)


def url_of(name: str, account: str = ACCOUNT) -> str:
    return f"https://sqs.{REGION}.amazonaws.com/{account}/{name}"


def listed(client: Any, **params: Any) -> list[str]:
    return list(client.list_queues(**params).get("QueueUrls", []))


def counters(client: Any, url: str) -> dict[str, str]:
    names = [
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesNotVisible",
        "ApproximateNumberOfMessagesDelayed",
    ]
    return dict(client.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"])


def assert_aws_shaped(error: ClientError) -> None:
    """An error botocore could have parsed from real SQS: known code, Sender, 4xx."""
    details = error.response["Error"]
    assert details["Code"] in AWS_CODES, details
    assert details["Type"] == "Sender"
    assert isinstance(details["Message"], str)
    assert details["Message"]
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] in (400, 403)


# -- CreateQueue: names ---------------------------------------------------------------------


def test_create_queue_returns_the_regional_url(client: Any) -> None:
    url = client.create_queue(QueueName="orders")["QueueUrl"]

    assert url == f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/orders"
    assert client.get_queue_url(QueueName="orders")["QueueUrl"] == url
    arn = client.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]
    assert arn == {"QueueArn": f"arn:aws:sqs:us-east-1:{ACCOUNT}:orders"}


def test_queues_live_in_their_region(client: Any, mock: MockSQS) -> None:
    client.create_queue(QueueName="orders")
    europe = boto3.client("sqs", region_name="eu-west-1")

    assert listed(europe) == []
    assert europe.create_queue(QueueName="orders")["QueueUrl"] == (
        f"https://sqs.eu-west-1.amazonaws.com/{ACCOUNT}/orders"
    )
    assert listed(client) == [url_of("orders")]


@pytest.mark.parametrize(
    "name",
    ["a", "Z", "0", "-", "_", "Orders_2-b", "x" * 80, "UPPER-lower_09"],
)
def test_create_queue_accepts_standard_names(client: Any, name: str) -> None:
    assert client.create_queue(QueueName=name)["QueueUrl"] == url_of(name)


@pytest.mark.parametrize(
    "name",
    ["x" * 81, "my/test", "!@£$%^&*()queue", "has space", "dot.name", "ünïcode", "tab\tname"],
)
def test_create_queue_refuses_bad_standard_names(client: Any, name: str) -> None:
    with aws_error("InvalidParameterValue", BAD_NAME) as info:
        client.create_queue(QueueName=name)
    # Not modelled by botocore: a plain ClientError that still names the JSON shape.
    assert type(info.value) is ClientError
    assert info.value.response["Error"]["QueryErrorCode"] == "InvalidParameterValueException"
    assert listed(client) == []


def test_standard_queue_cannot_end_in_fifo(client: Any) -> None:
    # AWS-OBS (boto/botocore#3058): the plain name error, not the FIFO one.
    with aws_error("InvalidParameterValue", BAD_NAME):
        client.create_queue(QueueName="messages.fifo")
    assert listed(client) == []


@pytest.mark.parametrize("operation", ["create_queue", "get_queue_url"])
def test_empty_queue_name_is_refused(client: Any, operation: str) -> None:
    # Unconfirmed on AWS (facts §1): pins the catalogue's text.
    with aws_error("InvalidParameterValue", "Queue name cannot be empty"):
        getattr(client, operation)(QueueName="")


@pytest.mark.parametrize("name", ["a.fifo", "x" * 75 + ".fifo", "Orders_2-b.fifo"])
def test_create_queue_accepts_fifo_names(client: Any, name: str) -> None:
    url = client.create_queue(QueueName=name, Attributes={"FifoQueue": "true"})["QueueUrl"]

    assert url == url_of(name)
    attributes = client.get_queue_attributes(QueueUrl=url, AttributeNames=["FifoQueue"])
    assert attributes["Attributes"] == {"FifoQueue": "true"}


@pytest.mark.parametrize(
    "name", ["orders", "x" * 76 + ".fifo", ".fifo", "a.b.fifo", "bad!.fifo", "a.FIFO", "a.fifo.x"]
)
def test_fifo_queue_name_must_end_in_fifo_and_fit_80_characters(client: Any, name: str) -> None:
    # AWS-OBS via CloudFormation (pulumi-aws-native#794): with a trailing period.
    with aws_error("InvalidParameterValue", BAD_FIFO_NAME):
        client.create_queue(QueueName=name, Attributes={"FifoQueue": "true"})
    assert listed(client) == []


@pytest.mark.parametrize("flag", ["true", "True", "TRUE"])
def test_fifo_queue_flag_is_case_insensitive(client: Any, flag: str) -> None:
    url = client.create_queue(QueueName="o.fifo", Attributes={"FifoQueue": flag})["QueueUrl"]

    attributes = client.get_queue_attributes(QueueUrl=url, AttributeNames=["FifoQueue"])
    assert attributes["Attributes"] == {"FifoQueue": "true"}


@pytest.mark.parametrize("name", ["orders", "orders.fifo"])
@pytest.mark.parametrize("flag", ["false", "False", "", "yes"])
def test_fifo_queue_flag_other_than_true_is_an_unknown_attribute(
    client: Any, name: str, flag: str
) -> None:
    # AWS-rec (§2.1): FifoQueue with any value but true makes it a standard queue's attribute.
    with aws_error(
        "InvalidAttributeName", "Unknown Attribute FifoQueue.", shape="InvalidAttributeName"
    ):
        client.create_queue(QueueName=name, Attributes={"FifoQueue": flag})
    assert listed(client) == []


# -- CreateQueue: existing queues ----------------------------------------------------------


@pytest.mark.parametrize(
    "again",
    [
        {},
        {"DelaySeconds": "5"},
        {"DelaySeconds": "5", "VisibilityTimeout": "60"},
        {"VisibilityTimeout": "60"},
        {"MaximumMessageSize": "1048576", "MessageRetentionPeriod": "345600"},  # defaults
        {"ReceiveMessageWaitTimeSeconds": "0", "SqsManagedSseEnabled": "true"},  # defaults
    ],
)
def test_create_queue_again_with_matching_attributes_returns_the_same_url(
    client: Any, again: dict[str, str]
) -> None:
    url = client.create_queue(
        QueueName="orders", Attributes={"DelaySeconds": "5", "VisibilityTimeout": "60"}
    )["QueueUrl"]

    assert client.create_queue(QueueName="orders", Attributes=again)["QueueUrl"] == url
    assert listed(client) == [url]


@pytest.mark.parametrize(
    ("again", "reported"),
    [
        ({"DelaySeconds": "6"}, "DelaySeconds"),
        ({"DelaySeconds": "0"}, "DelaySeconds"),
        ({"MaximumMessageSize": "2048"}, "MaximumMessageSize"),
        ({"VisibilityTimeout": "30", "DelaySeconds": "5"}, "VisibilityTimeout"),
        ({"Policy": POLICY}, "Policy"),
    ],
)
def test_create_queue_again_with_a_different_attribute_fails(
    client: Any, again: dict[str, str], reported: str
) -> None:
    url = client.create_queue(
        QueueName="orders", Attributes={"DelaySeconds": "5", "VisibilityTimeout": "60"}
    )["QueueUrl"]

    with aws_error("QueueAlreadyExists", EXISTS.format(reported), shape="QueueNameExists"):
        client.create_queue(QueueName="orders", Attributes=again)
    delay = client.get_queue_attributes(QueueUrl=url, AttributeNames=["DelaySeconds"])
    assert delay["Attributes"] == {"DelaySeconds": "5"}


def test_create_queue_again_names_the_first_differing_attribute_in_request_order(
    client: Any,
) -> None:
    # AWS names one attribute; which one is unconfirmed (facts §12): LocalStack's choice.
    client.create_queue(QueueName="orders")

    with aws_error("QueueAlreadyExists", EXISTS.format("VisibilityTimeout")):
        client.create_queue(
            QueueName="orders",
            Attributes={
                "DelaySeconds": "0",
                "VisibilityTimeout": "1",
                "MessageRetentionPeriod": "60",
            },
        )


def test_fifo_queue_again_with_other_content_based_deduplication_fails(client: Any) -> None:
    # AWS-rec (facts §12): the FIFO variant of the message.
    client.create_queue(QueueName="o.fifo", Attributes={"FifoQueue": "true"})

    with aws_error("QueueAlreadyExists", EXISTS.format("ContentBasedDeduplication")):
        client.create_queue(
            QueueName="o.fifo",
            Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"},
        )


def test_create_queue_again_compares_with_current_values(client: Any) -> None:
    # AWS-validated (facts §12): SetQueueAttributes changes what CreateQueue compares with.
    url = client.create_queue(QueueName="orders", Attributes={"DelaySeconds": "5"})["QueueUrl"]
    client.set_queue_attributes(QueueUrl=url, Attributes={"DelaySeconds": "10"})

    again = client.create_queue(QueueName="orders", Attributes={"DelaySeconds": "10"})
    assert again["QueueUrl"] == url
    with aws_error("QueueAlreadyExists", EXISTS.format("DelaySeconds")):
        client.create_queue(QueueName="orders", Attributes={"DelaySeconds": "5"})


def test_create_queue_again_ignores_messages_in_the_queue(client: Any) -> None:
    url = client.create_queue(QueueName="orders", Attributes={"DelaySeconds": "0"})["QueueUrl"]
    client.send_message(QueueUrl=url, MessageBody="hello")
    client.receive_message(QueueUrl=url)

    again = client.create_queue(QueueName="orders", Attributes={"DelaySeconds": "0"})
    assert again["QueueUrl"] == url


def test_create_queue_again_still_validates_attributes(client: Any) -> None:
    client.create_queue(QueueName="orders")

    with aws_error("InvalidAttributeValue", "Invalid value for the parameter DelaySeconds."):
        client.create_queue(QueueName="orders", Attributes={"DelaySeconds": "901"})


def test_create_queue_again_leaves_tags_alone(client: Any) -> None:
    # Unconfirmed on AWS (facts §7): tags of a re-create are neither compared nor applied.
    url = client.create_queue(QueueName="orders", tags={"team": "a"})["QueueUrl"]

    assert client.create_queue(QueueName="orders", tags={"team": "b"})["QueueUrl"] == url
    assert client.list_queue_tags(QueueUrl=url)["Tags"] == {"team": "a"}


# -- CreateQueue: the 60-second rule after DeleteQueue -------------------------------------


@pytest.mark.parametrize("elapsed_s", [0, 1, 30, 59.9])
def test_create_queue_within_60_seconds_of_deleting_it_fails(
    client: Any, mock: MockSQS, elapsed_s: float
) -> None:
    url = client.create_queue(QueueName="orders")["QueueUrl"]
    client.delete_queue(QueueUrl=url)
    mock.advance(elapsed_s)

    with aws_error(
        "AWS.SimpleQueueService.QueueDeletedRecently",
        DELETED_RECENTLY,
        shape="QueueDeletedRecently",
    ):
        client.create_queue(QueueName="orders")
    assert listed(client) == []


@pytest.mark.parametrize("elapsed_s", [60, 61, 3600])
def test_create_queue_60_seconds_after_deleting_it_gives_a_fresh_queue(
    client: Any, mock: MockSQS, elapsed_s: float
) -> None:
    url = client.create_queue(QueueName="orders", Attributes={"DelaySeconds": "5"})["QueueUrl"]
    client.tag_queue(QueueUrl=url, Tags={"team": "a"})
    client.send_message(QueueUrl=url, MessageBody="old")
    client.delete_queue(QueueUrl=url)
    mock.advance(elapsed_s)

    assert client.create_queue(QueueName="orders")["QueueUrl"] == url
    attributes = client.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attributes["DelaySeconds"] == "0"
    assert attributes["ApproximateNumberOfMessagesDelayed"] == "0"
    assert attributes["CreatedTimestamp"] == str(int(mock.clock.now()))
    assert "Tags" not in client.list_queue_tags(QueueUrl=url)


def test_deleting_a_queue_does_not_block_other_names(client: Any) -> None:
    client.delete_queue(QueueUrl=client.create_queue(QueueName="orders")["QueueUrl"])

    assert client.create_queue(QueueName="orders2")["QueueUrl"] == url_of("orders2")


# -- CreateQueue: tags ---------------------------------------------------------------------


def test_create_queue_with_tags(client: Any) -> None:
    url = client.create_queue(QueueName="orders", tags={"team": "a", "empty": ""})["QueueUrl"]

    assert client.list_queue_tags(QueueUrl=url)["Tags"] == {"team": "a", "empty": ""}


@pytest.mark.parametrize(
    ("tags", "message"),
    [
        ({f"k{i}": "v" for i in range(51)}, "Too many tags added for queue orders."),
        ({"": "v"}, "Tag keys must be between 1 and 128 characters in length."),
        ({"k": "v" * 257}, "Tag values must be between 0 and 256 characters in length."),
    ],
)
def test_create_queue_with_bad_tags_creates_nothing(
    client: Any, tags: dict[str, str], message: str
) -> None:
    with aws_error("InvalidParameterValue", message):
        client.create_queue(QueueName="orders", tags=tags)
    assert listed(client) == []


# -- GetQueueUrl ---------------------------------------------------------------------------


def test_get_queue_url(client: Any, queue_url: str) -> None:
    assert client.get_queue_url(QueueName="test-queue")["QueueUrl"] == queue_url


def test_get_queue_url_of_an_unknown_queue(client: Any, queue_url: str) -> None:
    with aws_error("AWS.SimpleQueueService.NonExistentQueue", NO_QUEUE, shape="QueueDoesNotExist"):
        client.get_queue_url(QueueName="Test-Queue")  # names are case-sensitive


def test_get_queue_url_of_a_deleted_queue(client: Any, queue_url: str) -> None:
    client.delete_queue(QueueUrl=queue_url)

    with aws_error("AWS.SimpleQueueService.NonExistentQueue", NO_QUEUE, shape="QueueDoesNotExist"):
        client.get_queue_url(QueueName="test-queue")


def test_get_queue_url_with_the_callers_own_account(client: Any, queue_url: str) -> None:
    url = client.get_queue_url(QueueName="test-queue", QueueOwnerAWSAccountId=ACCOUNT)

    assert url["QueueUrl"] == queue_url


def test_get_queue_url_in_another_account(client: Any, queue_url: str) -> None:
    # AWS-OBS (fluent/fluent-plugin-s3#342): the cross-account wording.
    with aws_error(
        "AWS.SimpleQueueService.NonExistentQueue",
        "The specified queue does not exist or you do not have access to it.",
        shape="QueueDoesNotExist",
    ):
        client.get_queue_url(QueueName="test-queue", QueueOwnerAWSAccountId=OTHER_ACCOUNT)


# -- ListQueues ----------------------------------------------------------------------------


def test_list_queues_without_queues_has_no_urls_key(client: Any) -> None:
    response = client.list_queues()

    assert "QueueUrls" not in response
    assert "NextToken" not in response


def test_list_queues_sorted_by_name(client: Any) -> None:
    # Order unconfirmed on AWS (§3.3): pins name order, whatever the creation order.
    for name in ["b", "a-2", "C", "a"]:
        client.create_queue(QueueName=name)

    assert listed(client) == [url_of(name) for name in ["C", "a", "a-2", "b"]]


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        ("", ["Orders", "orders", "orders-eu", "payments"]),
        ("orders", ["orders", "orders-eu"]),
        ("orders-", ["orders-eu"]),
        ("Orders", ["Orders"]),
        ("orders-eu", ["orders-eu"]),
        ("orders-eu-1", []),
        ("x", []),
    ],
)
def test_list_queues_by_case_sensitive_prefix(
    client: Any, prefix: str, expected: list[str]
) -> None:
    for name in ["orders", "orders-eu", "Orders", "payments"]:
        client.create_queue(QueueName=name)

    response = client.list_queues(QueueNamePrefix=prefix)

    assert response.get("QueueUrls", []) == [url_of(name) for name in expected]
    assert ("QueueUrls" in response) == bool(expected)


def test_list_queues_leaves_out_deleted_queues(client: Any) -> None:
    for name in ["a", "b"]:
        client.create_queue(QueueName=name)
    client.delete_queue(QueueUrl=url_of("a"))

    assert listed(client) == [url_of("b")]


def _pages(client: Any, page_size: int, **params: Any) -> list[list[str]]:
    pages = []
    response = client.list_queues(MaxResults=page_size, **params)
    pages.append(response.get("QueueUrls", []))
    while "NextToken" in response:
        response = client.list_queues(
            MaxResults=page_size, NextToken=response["NextToken"], **params
        )
        pages.append(response.get("QueueUrls", []))
    return pages


@pytest.mark.parametrize(
    ("page_size", "sizes"),
    [(1, [1] * 10), (3, [3, 3, 3, 1]), (5, [5, 5]), (10, [10]), (1000, [10])],
)
def test_list_queues_pages_with_max_results(client: Any, page_size: int, sizes: list[int]) -> None:
    names = [f"queue-{i}" for i in range(10)]
    for name in names:
        client.create_queue(QueueName=name)

    pages = _pages(client, page_size)

    assert [len(page) for page in pages] == sizes  # an exactly full last page has no token
    assert list(itertools.chain.from_iterable(pages)) == [url_of(name) for name in names]


def test_list_queues_next_token_with_another_page_size(client: Any) -> None:
    # AWS-rec (§3.3): 10 queues, MaxResults=2, then the token with MaxResults=10.
    names = [f"test-queue-{i}" for i in range(10)]
    for name in names:
        client.create_queue(QueueName=name)

    first = client.list_queues(MaxResults=2)
    rest = client.list_queues(MaxResults=10, NextToken=first["NextToken"])

    assert first["QueueUrls"] == [url_of(name) for name in names[:2]]
    assert rest["QueueUrls"] == [url_of(name) for name in names[2:]]
    assert "NextToken" not in rest


def test_list_queues_pages_within_a_prefix(client: Any) -> None:
    for name in ["a1", "a2", "a3", "b1", "b2"]:
        client.create_queue(QueueName=name)

    assert _pages(client, 2, QueueNamePrefix="a") == [
        [url_of("a1"), url_of("a2")],
        [url_of("a3")],
    ]


def test_list_queues_without_max_results_stops_at_1000_without_a_token(client: Any) -> None:
    for i in range(1001):
        client.create_queue(QueueName=f"q{i:04d}")

    response = client.list_queues()

    assert len(response["QueueUrls"]) == 1000
    assert response["QueueUrls"][-1] == url_of("q0999")
    assert "NextToken" not in response


@pytest.mark.parametrize("max_results", [0, -1, 1001, 10**6])
def test_list_queues_refuses_max_results_out_of_range(client: Any, max_results: int) -> None:
    # Range is DOC; the text is unconfirmed on AWS (facts §6): pins the catalogue's.
    with aws_error("InvalidParameterValue", MAX_RESULTS):
        client.list_queues(MaxResults=max_results)


NESTED = base64.b64encode(b"[" * 100_000).decode()  # deeper than json can read


@pytest.mark.parametrize("token", ["garbage", "eyJhZnRlciI6IDF9", "bm90IGpzb24=", "e30=", NESTED])
def test_list_queues_refuses_a_token_it_did_not_issue(
    client: Any, queue_url: str, token: str
) -> None:
    # Unconfirmed on AWS (facts §6): pins the catalogue's text.
    with aws_error("InvalidParameterValue", "Invalid NextToken value."):
        client.list_queues(MaxResults=5, NextToken=token)


# -- DeleteQueue ---------------------------------------------------------------------------


def test_delete_queue_with_messages(client: Any, queue_url: str, mock: MockSQS) -> None:
    client.send_message(QueueUrl=queue_url, MessageBody="visible")
    client.send_message(QueueUrl=queue_url, MessageBody="delayed", DelaySeconds=60)

    assert client.delete_queue(QueueUrl=queue_url)["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert listed(client) == []
    assert mock.queues() == []


def test_delete_queue_twice(client: Any, queue_url: str) -> None:
    client.delete_queue(QueueUrl=queue_url)

    with aws_error("AWS.SimpleQueueService.NonExistentQueue", NO_QUEUE, shape="QueueDoesNotExist"):
        client.delete_queue(QueueUrl=queue_url)


def test_delete_queue_leaves_other_queues(client: Any, queue_url: str) -> None:
    other = client.create_queue(QueueName="other")["QueueUrl"]
    client.send_message(QueueUrl=other, MessageBody="kept")

    client.delete_queue(QueueUrl=queue_url)

    assert listed(client) == [other]
    assert counters(client, other)["ApproximateNumberOfMessages"] == "1"


# -- PurgeQueue ----------------------------------------------------------------------------

PURGE_IN_PROGRESS = "Only one PurgeQueue operation on test-queue is allowed every 60 seconds."


def _fill(client: Any, url: str) -> None:
    """One message of each kind: visible, in flight, delayed."""
    client.send_message(QueueUrl=url, MessageBody="in flight")
    client.receive_message(QueueUrl=url, VisibilityTimeout=120)
    client.send_message(QueueUrl=url, MessageBody="visible")
    client.send_message(QueueUrl=url, MessageBody="delayed", DelaySeconds=30)


def test_purge_queue_removes_visible_in_flight_and_delayed_messages(
    client: Any, queue_url: str, mock: MockSQS
) -> None:
    # AWS-rec (§3.14): all three kinds go.
    _fill(client, queue_url)
    assert counters(client, queue_url) == {
        "ApproximateNumberOfMessages": "1",
        "ApproximateNumberOfMessagesNotVisible": "1",
        "ApproximateNumberOfMessagesDelayed": "1",
    }

    client.purge_queue(QueueUrl=queue_url)

    assert counters(client, queue_url) == {
        "ApproximateNumberOfMessages": "0",
        "ApproximateNumberOfMessagesNotVisible": "0",
        "ApproximateNumberOfMessagesDelayed": "0",
    }
    mock.advance(900)
    assert "Messages" not in client.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)


def test_messages_sent_after_a_purge_are_received(client: Any, queue_url: str) -> None:
    _fill(client, queue_url)
    client.purge_queue(QueueUrl=queue_url)

    client.send_message(QueueUrl=queue_url, MessageBody="after")

    messages = client.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)["Messages"]
    assert [message["Body"] for message in messages] == ["after"]


@pytest.mark.parametrize("elapsed_s", [0, 1, 59, 59.9])
def test_second_purge_within_60_seconds_is_refused(
    client: Any, queue_url: str, mock: MockSQS, elapsed_s: float
) -> None:
    client.purge_queue(QueueUrl=queue_url)
    client.send_message(QueueUrl=queue_url, MessageBody="survives the refused purge")
    mock.advance(elapsed_s)

    # AWS-rec (facts §10): 403, and the plain queue name in the text.
    with aws_error(
        "AWS.SimpleQueueService.PurgeQueueInProgress",
        PURGE_IN_PROGRESS,
        status=403,
        shape="PurgeQueueInProgress",
    ):
        client.purge_queue(QueueUrl=queue_url)
    assert counters(client, queue_url)["ApproximateNumberOfMessages"] == "1"


@pytest.mark.parametrize("elapsed_s", [60, 61, 600])
def test_purge_is_allowed_again_after_60_seconds(
    client: Any, queue_url: str, mock: MockSQS, elapsed_s: float
) -> None:
    client.purge_queue(QueueUrl=queue_url)
    mock.advance(elapsed_s)
    client.send_message(QueueUrl=queue_url, MessageBody="x")

    client.purge_queue(QueueUrl=queue_url)

    assert counters(client, queue_url)["ApproximateNumberOfMessages"] == "0"
    with aws_error("AWS.SimpleQueueService.PurgeQueueInProgress", PURGE_IN_PROGRESS, status=403):
        client.purge_queue(QueueUrl=queue_url)


def test_purge_limit_is_per_queue(client: Any, queue_url: str) -> None:
    other = client.create_queue(QueueName="other")["QueueUrl"]
    client.send_message(QueueUrl=other, MessageBody="x")
    client.purge_queue(QueueUrl=queue_url)

    client.purge_queue(QueueUrl=other)

    assert counters(client, other)["ApproximateNumberOfMessages"] == "0"


# -- QueueUrl forms ------------------------------------------------------------------------

URL_FORMS = [
    pytest.param(f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/test-queue", id="current"),
    pytest.param(f"https://queue.amazonaws.com/{ACCOUNT}/test-queue", id="legacy-global"),
    pytest.param(f"https://us-east-1.queue.amazonaws.com/{ACCOUNT}/test-queue", id="legacy-region"),
    pytest.param("test-queue", id="bare-name"),
]


@pytest.mark.parametrize("url", URL_FORMS)
def test_queue_url_forms_address_the_queue(
    client: Any, queue_url: str, mock: MockSQS, url: str
) -> None:
    # §1.3: legacy URLs resolve by their last two segments; a bare name is AWS-rec.
    client.send_message(QueueUrl=url, MessageBody="hello")
    client.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "45"})
    client.tag_queue(QueueUrl=url, Tags={"form": "ok"})

    assert mock.queue("test-queue").bodies() == ["hello"]
    attributes = client.get_queue_attributes(QueueUrl=url, AttributeNames=["VisibilityTimeout"])
    assert attributes["Attributes"] == {"VisibilityTimeout": "45"}
    assert client.list_queue_tags(QueueUrl=queue_url)["Tags"] == {"form": "ok"}
    client.purge_queue(QueueUrl=url)
    assert mock.queue("test-queue").bodies() == []
    client.delete_queue(QueueUrl=url)
    assert listed(client) == []


@pytest.mark.parametrize(
    "url",
    [
        pytest.param(f"https://sqs.us-east-1.amazonaws.com/{OTHER_ACCOUNT}/test-queue", id="acct"),
        pytest.param(f"https://queue.amazonaws.com/{ACCOUNT}/Test-Queue", id="case"),
        pytest.param(f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT}", id="no-name"),
        pytest.param("test-queue-2", id="bare-name"),
    ],
)
def test_queue_url_that_names_no_queue(client: Any, queue_url: str, url: str) -> None:
    with aws_error("AWS.SimpleQueueService.NonExistentQueue", NO_QUEUE, shape="QueueDoesNotExist"):
        client.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])


# -- QueueDoesNotExist for every queue-addressed action -----------------------------------

OPERATIONS: dict[str, Callable[[Any, str], Any]] = {
    "DeleteQueue": lambda c, url: c.delete_queue(QueueUrl=url),
    "GetQueueAttributes": lambda c, url: c.get_queue_attributes(
        QueueUrl=url, AttributeNames=["All"]
    ),
    "SetQueueAttributes": lambda c, url: c.set_queue_attributes(
        QueueUrl=url, Attributes={"DelaySeconds": "1"}
    ),
    "PurgeQueue": lambda c, url: c.purge_queue(QueueUrl=url),
    "TagQueue": lambda c, url: c.tag_queue(QueueUrl=url, Tags={"k": "v"}),
    "UntagQueue": lambda c, url: c.untag_queue(QueueUrl=url, TagKeys=["k"]),
    "ListQueueTags": lambda c, url: c.list_queue_tags(QueueUrl=url),
    "AddPermission": lambda c, url: c.add_permission(
        QueueUrl=url, Label="l", AWSAccountIds=[OTHER_ACCOUNT], Actions=["SendMessage"]
    ),
    "RemovePermission": lambda c, url: c.remove_permission(QueueUrl=url, Label="l"),
    "SendMessage": lambda c, url: c.send_message(QueueUrl=url, MessageBody="x"),
    "SendMessageBatch": lambda c, url: c.send_message_batch(
        QueueUrl=url, Entries=[{"Id": "1", "MessageBody": "x"}]
    ),
    "ReceiveMessage": lambda c, url: c.receive_message(QueueUrl=url),
    "DeleteMessage": lambda c, url: c.delete_message(QueueUrl=url, ReceiptHandle="AQEBxyz"),
    "DeleteMessageBatch": lambda c, url: c.delete_message_batch(
        QueueUrl=url, Entries=[{"Id": "1", "ReceiptHandle": "AQEBxyz"}]
    ),
    "ChangeMessageVisibility": lambda c, url: c.change_message_visibility(
        QueueUrl=url, ReceiptHandle="AQEBxyz", VisibilityTimeout=1
    ),
    "ChangeMessageVisibilityBatch": lambda c, url: c.change_message_visibility_batch(
        QueueUrl=url, Entries=[{"Id": "1", "ReceiptHandle": "AQEBxyz", "VisibilityTimeout": 1}]
    ),
}


@pytest.fixture(params=["never-created", "deleted"])
def missing_queue_url(request: pytest.FixtureRequest, client: Any) -> str:
    if request.param == "never-created":
        return url_of("no-such-queue")
    url = str(client.create_queue(QueueName="gone")["QueueUrl"])
    client.delete_queue(QueueUrl=url)
    return url


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_every_queue_action_on_a_missing_queue(
    client: Any, missing_queue_url: str, operation: str
) -> None:
    # §3: the queue is resolved first, whatever else is wrong with the request (AWS-rec text).
    with aws_error("AWS.SimpleQueueService.NonExistentQueue", NO_QUEUE, shape="QueueDoesNotExist"):
        OPERATIONS[operation](client, missing_queue_url)


# -- bad input: arbitrary names ------------------------------------------------------------

_STANDARD = re.compile(r"[A-Za-z0-9_-]{1,80}")
_FIFO = re.compile(r"[A-Za-z0-9_-]{1,75}\.fifo")
_NAMES = (
    st.text(max_size=90)
    | st.from_regex(r"[A-Za-z0-9_-]{1,85}", fullmatch=True)
    | st.from_regex(r"[A-Za-z0-9_.-]{0,80}\.fifo", fullmatch=True)
)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(name=_NAMES, fifo=st.booleans())
def test_any_queue_name_is_created_or_refused_like_aws(client: Any, name: str, fifo: bool) -> None:
    attributes = {"FifoQueue": "true"} if fifo else {}
    before = listed(client)
    try:
        url = client.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    except ClientError as error:
        assert_aws_shaped(error)
        assert error.response["Error"]["Code"] == "InvalidParameterValue"
        assert not (_FIFO if fifo else _STANDARD).fullmatch(name)
        assert listed(client) == before
    else:
        assert (_FIFO if fifo else _STANDARD).fullmatch(name)
        assert url == url_of(name)
        assert client.get_queue_url(QueueName=name)["QueueUrl"] == url


_names = (f"prop-{i}" for i in itertools.count())
_ANY_ATTRIBUTE_NAME = st.sampled_from(
    [
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
        "QueueArn",
        "CreatedTimestamp",
        "All",
    ]
) | st.text(max_size=20)
_ANY_VALUE = (
    st.sampled_from(["", "0", "1", "60", "true", "false", "queue", "perQueue", "{}", " 6"])
    | st.integers(min_value=-(10**7), max_value=10**7).map(str)
    | st.text(max_size=20)
)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(attributes=st.dictionaries(_ANY_ATTRIBUTE_NAME, _ANY_VALUE, max_size=4))
def test_create_queue_with_any_attributes_creates_the_queue_or_nothing(
    client: Any, attributes: dict[str, str]
) -> None:
    name = next(_names) + (".fifo" if "FifoQueue" in attributes else "")
    try:
        url = client.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    except ClientError as error:
        assert_aws_shaped(error)
        with aws_error("AWS.SimpleQueueService.NonExistentQueue", NO_QUEUE):
            client.get_queue_url(QueueName=name)
    else:
        assert url == url_of(name)
        everything = client.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])
        assert everything["Attributes"]["QueueArn"].endswith(f":{name}")
