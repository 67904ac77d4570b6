"""SQSServer over HTTP with boto3 (AWS JSON 1.0): clients see what they see in-process.

Every test talks to a real ``SQSServer`` on a loopback port through boto3 clients made
with ``endpoint_url=server.endpoint_url``; time moves only through ``server.advance``,
except where a real-time long poll is the point of the test.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

import boto3
import pytest
from _support import aws_error
from botocore.exceptions import ClientError

from pytest_sqs import SQSServer, mock_sqs

ACCOUNT = "123456789012"
START = datetime(2030, 1, 1, tzinfo=timezone.utc)
NO_QUEUE = "The specified queue does not exist."
NO_QUEUE_CODE = "AWS.SimpleQueueService.NonExistentQueue"


@pytest.fixture(scope="module")
def running_server() -> Iterator[SQSServer]:
    with SQSServer(clock="manual", start=START, seed=11) as running:
        yield running


@pytest.fixture
def server(running_server: SQSServer) -> Iterator[SQSServer]:
    """The module's server, emptied for this test: no queues, no calls, the clock at START."""
    running_server.reset()
    bugs = len(running_server.bugs)
    yield running_server
    assert running_server.bugs[bugs:] == []


@pytest.fixture(scope="module")
def module_client(running_server: SQSServer) -> Any:
    return running_server.client()


@pytest.fixture
def client(server: SQSServer, module_client: Any) -> Any:
    return module_client


def attributes_md5(attributes: dict[str, dict[str, Any]]) -> str:
    """MD5OfMessageAttributes as AWS documents it, computed here independently."""
    digest = hashlib.md5()

    def chunk(data: bytes) -> None:
        digest.update(len(data).to_bytes(4, "big") + data)

    for name in sorted(attributes):
        value = attributes[name]
        chunk(name.encode("utf-8"))
        chunk(value["DataType"].encode("utf-8"))
        if "BinaryValue" in value:
            digest.update(b"\x02")
            chunk(value["BinaryValue"])
        else:
            digest.update(b"\x01")
            chunk(value["StringValue"].encode("utf-8"))
    return digest.hexdigest()


def md5(text: str) -> str:
    return hashlib.md5(text.encode("utf-8")).hexdigest()


# -- queues ---------------------------------------------------------------------------


def test_queue_urls_name_the_server_and_clients_follow_them(server: SQSServer, client: Any) -> None:
    url = client.create_queue(QueueName="orders")["QueueUrl"]
    expected = f"http://127.0.0.1:{server.port}/{ACCOUNT}/orders"
    assert url == expected
    assert server.queue_url("orders") == expected
    assert server.endpoint_url == f"http://127.0.0.1:{server.port}"
    client.create_queue(QueueName="audit")
    assert client.get_queue_url(QueueName="orders")["QueueUrl"] == expected
    assert client.list_queues()["QueueUrls"] == [
        f"http://127.0.0.1:{server.port}/{ACCOUNT}/audit",
        expected,
    ]
    assert client.list_queues(QueueNamePrefix="ord")["QueueUrls"] == [expected]
    assert "QueueUrls" not in client.list_queues(QueueNamePrefix="zzz")

    # Another client, made from scratch, uses the URL it was handed.
    other = server.client()
    sent = other.send_message(QueueUrl=url, MessageBody="over http")
    assert server.queue("orders").bodies() == ["over http"]
    assert server.queue("orders").messages[0].message_id == sent["MessageId"]
    # The AWS form of the URL addresses the same queue.
    aws_url = f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/orders"
    [message] = other.receive_message(QueueUrl=aws_url)["Messages"]
    assert message["Body"] == "over http"


def test_get_queue_attributes_over_http(client: Any) -> None:
    url = client.create_queue(
        QueueName="attrs", Attributes={"VisibilityTimeout": "45", "DelaySeconds": "3"}
    )["QueueUrl"]
    attributes = client.get_queue_attributes(
        QueueUrl=url, AttributeNames=["VisibilityTimeout", "DelaySeconds", "QueueArn"]
    )["Attributes"]
    assert attributes == {
        "VisibilityTimeout": "45",
        "DelaySeconds": "3",
        "QueueArn": f"arn:aws:sqs:us-east-1:{ACCOUNT}:attrs",
    }
    all_attributes = client.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])
    assert all_attributes["Attributes"]["CreatedTimestamp"] == str(int(START.timestamp()))


def test_delete_queue_then_it_does_not_exist(server: SQSServer, client: Any) -> None:
    url = client.create_queue(QueueName="doomed")["QueueUrl"]
    client.delete_queue(QueueUrl=url)
    assert server.queues() == []
    assert "QueueUrls" not in client.list_queues()
    with aws_error(NO_QUEUE_CODE, NO_QUEUE, shape="QueueDoesNotExist"):
        client.send_message(QueueUrl=url, MessageBody="late")


def test_queue_does_not_exist_is_the_modelled_exception(client: Any) -> None:
    with pytest.raises(client.exceptions.QueueDoesNotExist) as info:
        client.get_queue_url(QueueName="missing")
    error = info.value.response["Error"]
    assert error == {
        "Code": NO_QUEUE_CODE,
        "QueryErrorCode": "QueueDoesNotExist",
        "Message": NO_QUEUE,
        "Type": "Sender",
    }
    with pytest.raises(client.exceptions.QueueDoesNotExist) as info:
        client.receive_message(QueueUrl=f"http://127.0.0.1:1/{ACCOUNT}/missing")
    assert info.value.response["Error"]["Code"] == NO_QUEUE_CODE
    assert info.value.response["Error"]["Message"] == NO_QUEUE
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_errors_carry_status_code_and_message(client: Any) -> None:
    url = client.create_queue(QueueName="errors")["QueueUrl"]
    with aws_error(
        "InvalidParameterValue",
        "Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 "
        "and 10, if provided.",
    ):
        client.receive_message(QueueUrl=url, MaxNumberOfMessages=11)
    with aws_error(
        "ReceiptHandleIsInvalid",
        'The input receipt handle "AQEBnope" is not a valid receipt handle.',
        status=404,
        shape="ReceiptHandleIsInvalid",
    ):
        client.change_message_visibility(
            QueueUrl=url, ReceiptHandle="AQEBnope", VisibilityTimeout=0
        )
    with aws_error(
        "InvalidParameterValue",
        "One or more parameters are invalid. Reason: Message must be shorter than 1048576 bytes.",
    ):
        client.send_message(QueueUrl=url, MessageBody="x" * (1024 * 1024 + 1))


def test_region_comes_from_the_clients_signature(server: SQSServer) -> None:
    ireland = server.client(region_name="eu-west-1")
    virginia = server.client(region_name="us-east-1")
    url = ireland.create_queue(QueueName="regional")["QueueUrl"]
    assert url == f"{server.endpoint_url}/{ACCOUNT}/regional"
    view = server.queue("regional", region="eu-west-1")
    assert (view.region, view.arn) == ("eu-west-1", f"arn:aws:sqs:eu-west-1:{ACCOUNT}:regional")
    arn = ireland.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
    assert arn["Attributes"]["QueueArn"] == f"arn:aws:sqs:eu-west-1:{ACCOUNT}:regional"
    assert ireland.list_queues()["QueueUrls"] == [url]

    assert "QueueUrls" not in virginia.list_queues()
    with pytest.raises(virginia.exceptions.QueueDoesNotExist):
        virginia.get_queue_url(QueueName="regional")
    with aws_error(NO_QUEUE_CODE, NO_QUEUE, shape="QueueDoesNotExist"):
        virginia.send_message(QueueUrl=url, MessageBody="wrong region")
    with pytest.raises(LookupError):
        server.queue("regional")  # the server's own region is us-east-1


# -- messages -------------------------------------------------------------------------

ATTRIBUTES: dict[str, dict[str, Any]] = {
    "text": {"DataType": "String", "StringValue": "héllo wörld ✓"},
    "count": {"DataType": "Number", "StringValue": "42.50"},
    "blob": {"DataType": "Binary", "BinaryValue": b"\x00\xff\x10binary\x80"},
    "typed": {"DataType": "String.custom-type", "StringValue": "x"},
}


def test_message_attributes_round_trip_with_the_in_process_md5s(
    server: SQSServer, client: Any
) -> None:
    url = client.create_queue(QueueName="attrs")["QueueUrl"]
    body = "body with ünïcode and an emoji 😀"
    sent = client.send_message(QueueUrl=url, MessageBody=body, MessageAttributes=ATTRIBUTES)
    assert sent["MD5OfMessageBody"] == md5(body)
    assert sent["MD5OfMessageAttributes"] == attributes_md5(ATTRIBUTES)

    [message] = client.receive_message(
        QueueUrl=url, MessageAttributeNames=["All"], AttributeNames=["All"]
    )["Messages"]
    assert message["Body"] == body
    assert message["MessageId"] == sent["MessageId"]
    assert message["MD5OfBody"] == md5(body)
    assert message["MD5OfMessageAttributes"] == attributes_md5(ATTRIBUTES)
    assert message["MessageAttributes"] == ATTRIBUTES
    assert message["MessageAttributes"]["blob"]["BinaryValue"] == b"\x00\xff\x10binary\x80"
    assert message["Attributes"]["ApproximateReceiveCount"] == "1"
    assert message["Attributes"]["SentTimestamp"] == str(int(START.timestamp() * 1000))

    # The same message sent in-process has the same digests.
    with mock_sqs(clock="manual", region="us-east-1") as mock:
        local = boto3.client("sqs", region_name="us-east-1")
        local_url = local.create_queue(QueueName="attrs")["QueueUrl"]
        local_sent = local.send_message(
            QueueUrl=local_url, MessageBody=body, MessageAttributes=ATTRIBUTES
        )
        # A server client inside the mock still goes over HTTP.
        client.send_message(QueueUrl=url, MessageBody="during the mock")
        assert [c.action for c in mock.calls] == ["CreateQueue", "SendMessage"]
    assert local_sent["MD5OfMessageBody"] == sent["MD5OfMessageBody"]
    assert local_sent["MD5OfMessageAttributes"] == sent["MD5OfMessageAttributes"]
    assert [c.params["MessageBody"] for c in server.calls_to("SendMessage")] == [
        body,
        "during the mock",
    ]


def test_receive_only_the_named_message_attributes(client: Any) -> None:
    url = client.create_queue(QueueName="named")["QueueUrl"]
    client.send_message(QueueUrl=url, MessageBody="b", MessageAttributes=ATTRIBUTES)
    [message] = client.receive_message(QueueUrl=url, MessageAttributeNames=["count", "blob"])[
        "Messages"
    ]
    expected = {"count": ATTRIBUTES["count"], "blob": ATTRIBUTES["blob"]}
    assert message["MessageAttributes"] == expected
    assert message["MD5OfMessageAttributes"] == attributes_md5(expected)


def test_a_one_mebibyte_body_travels_intact(server: SQSServer, client: Any) -> None:
    url = client.create_queue(QueueName="big")["QueueUrl"]
    body = "é" * (512 * 1024)  # 1 MiB in UTF-8, twice that many bytes as JSON escapes
    sent = client.send_message(QueueUrl=url, MessageBody=body)
    assert sent["MD5OfMessageBody"] == md5(body)
    [message] = client.receive_message(QueueUrl=url)["Messages"]
    assert message["Body"] == body
    assert message["MD5OfBody"] == md5(body)


def test_visibility_timeout_ends_when_the_server_advances(server: SQSServer, client: Any) -> None:
    url = client.create_queue(QueueName="vis", Attributes={"VisibilityTimeout": "30"})["QueueUrl"]
    sent = client.send_message(QueueUrl=url, MessageBody="work")
    [first] = client.receive_message(QueueUrl=url)["Messages"]
    assert "Messages" not in client.receive_message(QueueUrl=url)
    server.advance(29)
    assert "Messages" not in client.receive_message(QueueUrl=url)
    assert [m.state for m in server.queue("vis").messages] == ["in_flight"]
    server.advance(1)
    [second] = client.receive_message(QueueUrl=url, AttributeNames=["ApproximateReceiveCount"])[
        "Messages"
    ]
    assert second["MessageId"] == first["MessageId"] == sent["MessageId"]
    assert second["ReceiptHandle"] != first["ReceiptHandle"]
    assert second["Attributes"] == {"ApproximateReceiveCount": "2"}
    server.assert_redelivered("vis", sent["MessageId"], times=1)
    client.delete_message(QueueUrl=url, ReceiptHandle=second["ReceiptHandle"])
    assert server.queue("vis").messages == ()
    events = [e.event for e in server.queue("vis").history(sent["MessageId"])]
    assert events == ["sent", "received", "visible again", "received", "deleted"]


def test_change_message_visibility(server: SQSServer, client: Any) -> None:
    url = client.create_queue(QueueName="cmv")["QueueUrl"]
    client.send_message(QueueUrl=url, MessageBody="m")
    [message] = client.receive_message(QueueUrl=url, VisibilityTimeout=600)["Messages"]
    client.change_message_visibility(
        QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
    )
    [again] = client.receive_message(QueueUrl=url)["Messages"]
    client.change_message_visibility(
        QueueUrl=url, ReceiptHandle=again["ReceiptHandle"], VisibilityTimeout=120
    )
    server.advance(119)
    assert "Messages" not in client.receive_message(QueueUrl=url)
    server.advance(1)
    [third] = client.receive_message(QueueUrl=url)["Messages"]
    client.delete_message(QueueUrl=url, ReceiptHandle=third["ReceiptHandle"])
    handle = third["ReceiptHandle"]
    with aws_error(
        "InvalidParameterValue",
        f"Value {handle} for parameter ReceiptHandle is invalid. Reason: Message does not "
        "exist or is not available for visibility timeout change.",
    ):
        client.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=5)


def test_send_message_batch_with_a_failing_entry(server: SQSServer, client: Any) -> None:
    url = client.create_queue(QueueName="batch")["QueueUrl"]
    answer = client.send_message_batch(
        QueueUrl=url,
        Entries=[
            {"Id": "ok", "MessageBody": "one"},
            {"Id": "bad", "MessageBody": "nul \x00 inside"},
            {"Id": "late", "MessageBody": "x", "DelaySeconds": 901},
            {"Id": "delayed", "MessageBody": "two", "DelaySeconds": 10},
        ],
    )
    assert [(e["Id"], e["MD5OfMessageBody"]) for e in answer["Successful"]] == [
        ("ok", md5("one")),
        ("delayed", md5("two")),
    ]
    assert answer["Failed"] == [
        {
            "Id": "bad",
            "SenderFault": True,
            "Code": "InvalidMessageContents",
            "Message": "Invalid characters found. Valid unicode characters are #x9 | #xA | "
            "#xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF",
        },
        {
            "Id": "late",
            "SenderFault": True,
            "Code": "InvalidParameterValue",
            "Message": "Value 901 for parameter DelaySeconds is invalid. Reason: DelaySeconds "
            "must be >= 0 and <= 900.",
        },
    ]
    view = server.queue("batch")
    assert [(m.body, m.state) for m in view.messages] == [
        ("one", "visible"),
        ("two", "delayed"),
    ]
    [message] = client.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert message["Body"] == "one"
    server.advance(10)
    [later] = client.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert later["Body"] == "two"
    deleted = client.delete_message_batch(
        QueueUrl=url,
        Entries=[
            {"Id": "a", "ReceiptHandle": message["ReceiptHandle"]},
            {"Id": "b", "ReceiptHandle": later["ReceiptHandle"]},
        ],
    )
    assert [e["Id"] for e in deleted["Successful"]] == ["a", "b"]
    assert "Failed" not in deleted
    assert server.queue("batch").messages == ()


def test_fifo_order_deduplication_and_sequence_numbers(server: SQSServer, client: Any) -> None:
    url = client.create_queue(QueueName="jobs.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    sent = {
        body: client.send_message(
            QueueUrl=url, MessageBody=body, MessageGroupId=group, MessageDeduplicationId=dedup
        )
        for body, group, dedup in [("a1", "a", "1"), ("b1", "b", "2"), ("a2", "a", "3")]
    }
    duplicate = client.send_message(
        QueueUrl=url, MessageBody="dup", MessageGroupId="a", MessageDeduplicationId="1"
    )
    assert duplicate["MessageId"] == sent["a1"]["MessageId"]
    assert duplicate["SequenceNumber"] == sent["a1"]["SequenceNumber"]
    numbers = [int(sent[b]["SequenceNumber"]) for b in ("a1", "b1", "a2")]
    assert numbers == sorted(numbers)
    assert len(set(numbers)) == 3
    assert all(len(sent[b]["SequenceNumber"]) == 20 for b in sent)
    assert len(server.queue("jobs.fifo").messages) == 3

    messages = client.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"])[
        "Messages"
    ]
    got = [
        (m["Body"], m["Attributes"]["MessageGroupId"], m["Attributes"]["SequenceNumber"])
        for m in messages
    ]
    assert got == [
        ("a1", "a", sent["a1"]["SequenceNumber"]),
        ("a2", "a", sent["a2"]["SequenceNumber"]),
        ("b1", "b", sent["b1"]["SequenceNumber"]),
    ]
    assert messages[0]["Attributes"]["MessageDeduplicationId"] == "1"
    # Both groups are held by their in-flight heads.
    assert server.queue("jobs.fifo").locked_groups == {
        "a": sent["a1"]["MessageId"],
        "b": sent["b1"]["MessageId"],
    }
    assert "Messages" not in client.receive_message(QueueUrl=url)
    client.delete_message(QueueUrl=url, ReceiptHandle=messages[0]["ReceiptHandle"])
    assert server.queue("jobs.fifo").locked_groups == {
        "a": sent["a2"]["MessageId"],
        "b": sent["b1"]["MessageId"],
    }


def test_dead_letter_queue_after_max_receive_count(server: SQSServer, client: Any) -> None:
    dlq = client.create_queue(QueueName="dead")["QueueUrl"]
    dlq_arn = f"arn:aws:sqs:us-east-1:{ACCOUNT}:dead"
    policy = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 2})
    url = client.create_queue(
        QueueName="work", Attributes={"RedrivePolicy": policy, "VisibilityTimeout": "10"}
    )["QueueUrl"]
    message_id = client.send_message(QueueUrl=url, MessageBody="poison")["MessageId"]
    for _ in range(2):
        [message] = client.receive_message(QueueUrl=url)["Messages"]
        assert message["MessageId"] == message_id
        server.advance(10)
    assert "Messages" not in client.receive_message(QueueUrl=url)
    assert server.queue("work").messages == ()
    [dead] = server.queue("dead").messages
    assert (dead.message_id, dead.body) == (message_id, "poison")
    assert dead.dead_letter_source_arn == f"arn:aws:sqs:us-east-1:{ACCOUNT}:work"
    [received] = client.receive_message(QueueUrl=dlq, AttributeNames=["All"])["Messages"]
    assert received["Body"] == "poison"
    assert received["Attributes"]["DeadLetterQueueSourceArn"] == (
        f"arn:aws:sqs:us-east-1:{ACCOUNT}:work"
    )
    # Queue URLs in ListDeadLetterSourceQueues name the server too.
    sources = client.list_dead_letter_source_queues(QueueUrl=dlq)["queueUrls"]
    assert sources == [url]


def test_tags(client: Any) -> None:
    url = client.create_queue(QueueName="tagged", tags={"team": "core"})["QueueUrl"]
    assert client.list_queue_tags(QueueUrl=url)["Tags"] == {"team": "core"}
    client.tag_queue(QueueUrl=url, Tags={"env": "test", "team": "edge"})
    assert client.list_queue_tags(QueueUrl=url)["Tags"] == {"team": "edge", "env": "test"}
    client.untag_queue(QueueUrl=url, TagKeys=["team", "env"])
    assert "Tags" not in client.list_queue_tags(QueueUrl=url)


def test_purge_queue(server: SQSServer, client: Any) -> None:
    url = client.create_queue(QueueName="purged")["QueueUrl"]
    for body in ("a", "b", "c"):
        client.send_message(QueueUrl=url, MessageBody=body)
    client.purge_queue(QueueUrl=url)
    assert server.queue("purged").messages == ()
    counts = client.get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"]
    )["Attributes"]
    assert counts == {"ApproximateNumberOfMessages": "0"}
    with aws_error(
        "AWS.SimpleQueueService.PurgeQueueInProgress",
        "Only one PurgeQueue operation on purged is allowed every 60 seconds.",
        status=403,
        shape="PurgeQueueInProgress",
    ):
        client.purge_queue(QueueUrl=url)
    server.advance(60)
    client.purge_queue(QueueUrl=url)
    assert [c.error for c in server.calls_to("PurgeQueue")] == [
        None,
        "AWS.SimpleQueueService.PurgeQueueInProgress",
        None,
    ]


def test_calls_to_records_the_calls(server: SQSServer, client: Any) -> None:
    url = client.create_queue(QueueName="recorded")["QueueUrl"]
    client.send_message(QueueUrl=url, MessageBody="one")
    client.send_message(QueueUrl=url, MessageBody="two", DelaySeconds=5)
    missing = f"{server.endpoint_url}/{ACCOUNT}/missing"
    with pytest.raises(ClientError):
        client.send_message(QueueUrl=missing, MessageBody="lost")
    calls = server.calls_to("SendMessage")
    assert [c.params for c in calls] == [
        {"QueueUrl": url, "MessageBody": "one"},
        {"QueueUrl": url, "MessageBody": "two", "DelaySeconds": 5},
        {"QueueUrl": missing, "MessageBody": "lost"},
    ]
    assert [c.error for c in calls] == [None, None, NO_QUEUE_CODE]
    assert [c.at for c in calls] == [START, START, START]
    assert calls[0].response is not None
    assert calls[0].response["MD5OfMessageBody"] == md5("one")
    assert [c.params["MessageBody"] for c in server.calls_to(queue="recorded")] == [
        "one",
        "two",
    ]
    assert [c.action for c in server.calls] == [
        "CreateQueue",
        "SendMessage",
        "SendMessage",
        "SendMessage",
    ]


# -- long polls in real time ----------------------------------------------------------


def receive_in_thread(
    client: Any, url: str, wait: int, results: list[tuple[float, dict[str, Any]]]
) -> threading.Thread:
    def run() -> None:
        started = time.monotonic()
        answer = client.receive_message(QueueUrl=url, WaitTimeSeconds=wait)
        results.append((time.monotonic() - started, answer))

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_a_real_long_poll_returns_when_another_thread_sends(server: SQSServer, client: Any) -> None:
    assert server.long_poll == "real"
    url = client.create_queue(QueueName="poll")["QueueUrl"]
    results: list[tuple[float, dict[str, Any]]] = []
    consumer = receive_in_thread(server.client(), url, 2, results)
    time.sleep(0.3)  # the consumer is waiting in its long poll (real time)
    client.send_message(QueueUrl=url, MessageBody="wake up")
    consumer.join(5)
    [(elapsed, answer)] = results
    assert [m["Body"] for m in answer["Messages"]] == ["wake up"]
    assert 0.25 <= elapsed < 1.5


def test_advance_wakes_a_real_long_poll_waiting_for_a_delayed_message(
    server: SQSServer, client: Any
) -> None:
    url = client.create_queue(QueueName="delayed")["QueueUrl"]
    message_id = client.send_message(QueueUrl=url, MessageBody="later", DelaySeconds=60)[
        "MessageId"
    ]
    results: list[tuple[float, dict[str, Any]]] = []
    consumer = receive_in_thread(server.client(), url, 2, results)
    time.sleep(0.3)  # the consumer is waiting in its long poll (real time)
    server.advance(60)
    consumer.join(5)
    [(elapsed, answer)] = results
    assert [m["MessageId"] for m in answer["Messages"]] == [message_id]
    assert 0.25 <= elapsed < 1.5
    history = server.queue("delayed").history(message_id)
    assert [(e.event, (e.at - START).total_seconds()) for e in history] == [
        ("sent", 0.0),
        ("delay ended", 60.0),
        ("received", 60.0),
    ]


def test_a_real_long_poll_on_an_empty_queue_waits_its_time(server: SQSServer, client: Any) -> None:
    url = client.create_queue(QueueName="empty")["QueueUrl"]
    started = time.monotonic()
    answer = client.receive_message(QueueUrl=url, WaitTimeSeconds=1)
    elapsed = time.monotonic() - started
    assert "Messages" not in answer
    assert 0.95 <= elapsed < 1.5
    assert server.clock.now() == START.timestamp()  # the manual clock did not move


# -- many clients at once -------------------------------------------------------------


def test_concurrent_producers_and_consumers_lose_and_duplicate_nothing(
    server: SQSServer,
) -> None:
    url = server.client().create_queue(QueueName="busy")["QueueUrl"]
    producers, consumers, per_producer = 4, 4, 100
    total = producers * per_producer
    expected = {f"p{p}-m{i}" for p in range(producers) for i in range(per_producer)}
    received: list[str] = []
    lock = threading.Lock()
    errors: list[BaseException] = []
    deadline = time.monotonic() + 15

    def produce(client: Any, p: int) -> None:
        try:
            for i in range(per_producer):
                client.send_message(QueueUrl=url, MessageBody=f"p{p}-m{i}")
        except BaseException as exc:  # reported below
            errors.append(exc)

    def consume(client: Any) -> None:
        try:
            while time.monotonic() < deadline:
                with lock:
                    if len(received) >= total:
                        return
                answer = client.receive_message(
                    QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1
                )
                messages = answer.get("Messages", [])
                if messages:
                    with lock:
                        received.extend(m["Body"] for m in messages)
                    client.delete_message_batch(
                        QueueUrl=url,
                        Entries=[
                            {"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]}
                            for n, m in enumerate(messages)
                        ],
                    )
        except BaseException as exc:  # reported below
            errors.append(exc)

    session = boto3.session.Session()  # one session makes clients fast; each thread has its own
    clients = [
        session.client(
            "sqs",
            endpoint_url=server.endpoint_url,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        for _ in range(producers + consumers)
    ]
    threads = [threading.Thread(target=produce, args=(clients[p], p)) for p in range(producers)] + [
        threading.Thread(target=consume, args=(clients[producers + c],)) for c in range(consumers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert errors == []
    assert len(received) == total
    assert set(received) == expected
    assert server.queue("busy").messages == ()
    assert len(server.calls_to("SendMessage")) == total
