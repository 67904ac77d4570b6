"""Long-poll policies, threads, partitions, and what pytest-sqs says when it cannot
answer like SQS (UnsupportedBySimulator, SimulatorBug)."""

from __future__ import annotations

import threading
import time
from typing import Any

import boto3
import pytest
from botocore.config import Config

from pytest_sqs import MockSQS, SimulatorBug, UnsupportedBySimulator, mock_sqs
from pytest_sqs._core import actions, limits


def test_long_poll_off_returns_at_once_and_moves_no_time() -> None:
    with mock_sqs(clock="manual", long_poll="off") as mock:
        client = boto3.client("sqs", region_name="us-east-1")
        url = client.create_queue(QueueName="q")["QueueUrl"]
        client.send_message(QueueUrl=url, MessageBody="later", DelaySeconds=5)
        start = mock.clock.now()
        assert "Messages" not in client.receive_message(QueueUrl=url, WaitTimeSeconds=20)
        assert mock.clock.now() == start


def test_unknown_long_poll_policy_is_refused() -> None:
    with pytest.raises(ValueError, match="long_poll must be one of"):
        mock_sqs(long_poll="sometimes").start()


def _send_soon(client: Any, url: str, started: threading.Event) -> threading.Thread:
    def produce() -> None:
        started.wait()
        client.send_message(QueueUrl=url, MessageBody="from another thread")

    thread = threading.Thread(target=produce)
    thread.start()
    return thread


def test_real_long_poll_is_woken_by_a_send_from_another_thread() -> None:
    with mock_sqs(long_poll="real") as mock:
        client = boto3.client("sqs", region_name="us-east-1")
        url = client.create_queue(QueueName="q")["QueueUrl"]
        started = threading.Event()
        producer = _send_soon(boto3.client("sqs", region_name="us-east-1"), url, started)
        started.set()
        begin = time.monotonic()
        got = client.receive_message(QueueUrl=url, WaitTimeSeconds=20)
        producer.join()
        assert got["Messages"][0]["Body"] == "from another thread"
        assert time.monotonic() - begin < 10  # woken by the send, not by the 20 s timeout
        assert mock.queue("q").in_flight[0].body == "from another thread"


def test_real_long_poll_returns_when_a_delay_ends() -> None:
    with mock_sqs(long_poll="real") as mock:
        client = boto3.client("sqs", region_name="us-east-1")
        url = client.create_queue(QueueName="q")["QueueUrl"]
        client.send_message(QueueUrl=url, MessageBody="soon")
        client.receive_message(QueueUrl=url, VisibilityTimeout=1)
        mock.advance(0.95)
        got = client.receive_message(QueueUrl=url, WaitTimeSeconds=5)
        assert got["Messages"][0]["Body"] == "soon"


def test_real_long_poll_on_an_empty_queue_waits_out_the_wait() -> None:
    with mock_sqs(long_poll="real"):
        client = boto3.client("sqs", region_name="us-east-1")
        url = client.create_queue(QueueName="q")["QueueUrl"]
        begin = time.monotonic()
        assert "Messages" not in client.receive_message(QueueUrl=url, WaitTimeSeconds=1)
        assert time.monotonic() - begin >= 0.9


def test_fast_forward_long_poll_gives_other_threads_a_moment_to_send() -> None:
    with mock_sqs(clock="manual") as mock:
        client = boto3.client("sqs", region_name="us-east-1")
        url = client.create_queue(QueueName="q")["QueueUrl"]
        gate = threading.Event()
        sender = boto3.client("sqs", region_name="us-east-1")

        def produce() -> None:
            gate.wait()
            sender.send_message(QueueUrl=url, MessageBody="quick")

        thread = threading.Thread(target=produce)
        thread.start()
        # The consumer holds the simulator while it long-polls; the grace period
        # releases it so the producer's send lands before the clock jumps.
        gate.set()
        got: dict[str, Any] = {}
        for _ in range(50):  # the producer thread may need a few polls to get scheduled
            got = client.receive_message(QueueUrl=url, WaitTimeSeconds=1)
            if "Messages" in got:
                break
        thread.join()
        assert got["Messages"][0]["Body"] == "quick"
        assert mock.queue("q").in_flight[0].receive_count == 1


@pytest.mark.parametrize(
    ("region", "url", "arn"),
    [
        (
            "cn-north-1",
            "https://sqs.cn-north-1.amazonaws.com.cn/123456789012/q",
            "arn:aws-cn:sqs:cn-north-1:123456789012:q",
        ),
        (
            "us-gov-west-1",
            "https://sqs.us-gov-west-1.amazonaws.com/123456789012/q",
            "arn:aws-us-gov:sqs:us-gov-west-1:123456789012:q",
        ),
    ],
)
def test_partitions_shape_urls_and_arns(mock: MockSQS, region: str, url: str, arn: str) -> None:
    client = boto3.client("sqs", region_name=region)
    assert client.create_queue(QueueName="q")["QueueUrl"] == url
    attributes = client.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
    assert attributes["Attributes"]["QueueArn"] == arn


def test_an_action_the_simulator_does_not_know_says_so(mock: MockSQS) -> None:
    # Every action in botocore's SQS model is simulated; a newer one would land here.
    with pytest.raises(UnsupportedBySimulator) as info:
        mock.simulator.handle("RenameQueue", {})
    assert str(info.value) == "pytest-sqs does not simulate the SQS action RenameQueue yet."


def test_a_crash_inside_the_simulator_is_reported_as_our_bug(
    client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: Any) -> Any:
        raise KeyError("oops")

    monkeypatch.setitem(actions.ACTIONS, "ListQueues", broken)
    with pytest.raises(SimulatorBug) as info:
        client.list_queues(QueueNamePrefix="x")
    assert str(info.value) == (
        "pytest-sqs failed internally while handling ListQueues with parameters "
        "{'QueueNamePrefix': 'x'}. This is a bug in pytest-sqs, not an SQS error; please "
        "report it with this message and the traceback above."
    )
    assert isinstance(info.value.__cause__, KeyError)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"QueueName": "q", "Attributes": {"VisibilityTimeout": 5}},
            "Invalid value for the parameter VisibilityTimeout.",
        ),
        (
            {"QueueName": "q", "Attributes": {"SqsManagedSseEnabled": True}},
            "Invalid value for the parameter SqsManagedSseEnabled.",
        ),
    ],
)
def test_wrong_types_get_aws_shaped_errors(
    mock: MockSQS, params: dict[str, Any], message: str
) -> None:
    # With botocore's own validation off, the simulator is the last line of defence
    # (botocore's serialiser still refuses what it cannot write, e.g. a str for a map).
    client = boto3.client("sqs", region_name="us-east-1", config=Config(parameter_validation=False))
    with pytest.raises(client.exceptions.ClientError) as info:
        client.create_queue(**params)
    assert info.value.response["Error"]["Message"] == message
    assert mock.queues() == []


def test_only_the_most_recent_departed_journals_are_kept(
    mock: MockSQS, client: Any, queue_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "MAX_RETIRED_JOURNALS", 2)
    ids = []
    for n in range(3):
        ids.append(client.send_message(QueueUrl=queue_url, MessageBody=str(n))["MessageId"])
        handle = client.receive_message(QueueUrl=queue_url)["Messages"][0]["ReceiptHandle"]
        client.delete_message(QueueUrl=queue_url, ReceiptHandle=handle)
    view = mock.queue("test-queue")
    assert [entry.event for entry in view.history(ids[2])][-1] == "deleted"
    assert [entry.event for entry in view.history(ids[1])][-1] == "deleted"
    with pytest.raises(LookupError, match=f"no history of message {ids[0]} in queue test-queue"):
        view.history(ids[0])
