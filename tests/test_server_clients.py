"""Real clients other than in-process boto3 against the server: the AWS CLI, the AWS SDK
for JavaScript v3, and kombu's SQS transport in worker processes.

Each runs as its users run it: a subprocess pointed at the server by the environment
variables ``sqs_server.env`` gives.  A client is skipped only when its runtime is missing
(CI installs all three: see .ci/run).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pytest_sqs import AdminClient, SQSServer

HERE = Path(__file__).parent
NODE_DIR = HERE / "node"


@pytest.fixture
def server() -> Any:
    with SQSServer(clock="manual", account_id="123456789012") as running:
        yield running


def _run(args: list[str], server: SQSServer, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **server.env}
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_CONFIG_FILE"):
        env.pop(name, None)
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=60, **kwargs)


# -- the AWS CLI ------------------------------------------------------------------


def _aws_command(server: SQSServer) -> list[str]:
    """``aws --endpoint-url <server>``, from this environment's awscli (the dev extra)."""
    try:
        import awscli  # noqa: F401
    except ImportError:
        pytest.skip("the AWS CLI is not installed (pip install awscli)")
    return [sys.executable, "-m", "awscli", "--endpoint-url", server.endpoint_url]


def _aws(server: SQSServer, *args: str) -> Any:
    done = _run([*_aws_command(server), "sqs", *args, "--output", "json"], server)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout) if done.stdout.strip() else None


def test_the_seed_command_sequence_with_the_aws_cli(server: SQSServer) -> None:
    # seed.md: the commands the user runs against SQS, verbatim apart from the endpoint
    # and the queue URLs, which they copy from create-queue's answer.
    standard = _aws(server, "create-queue", "--queue-name", "MyStandardQueue")["QueueUrl"]
    assert standard == f"{server.endpoint_url}/123456789012/MyStandardQueue"
    fifo = _aws(
        server,
        "create-queue",
        "--queue-name",
        "MyFifoQueue.fifo",
        "--attributes",
        "FifoQueue=true,ContentBasedDeduplication=true",
    )["QueueUrl"]

    sent = _aws(server, "send-message", "--queue-url", standard, "--message-body", "Hello, World!")
    assert sent["MD5OfMessageBody"] == hashlib.md5(b"Hello, World!").hexdigest()
    fifo_sent = _aws(
        server,
        "send-message",
        "--queue-url",
        fifo,
        "--message-body",
        "Hello, FIFO World!",
        "--message-group-id",
        "Group1",
    )
    assert fifo_sent["SequenceNumber"].isdigit()

    received = _aws(
        server, "receive-message", "--queue-url", standard, "--visibility-timeout", "60"
    )["Messages"]
    assert [m["Body"] for m in received] == ["Hello, World!"]
    assert server.queue("MyStandardQueue").in_flight[0].message_id == sent["MessageId"]
    # Nothing else to receive while it is in flight; 61 seconds later it is back.
    assert _aws(server, "receive-message", "--queue-url", standard) is None
    server.advance(61)
    again = _aws(server, "receive-message", "--queue-url", standard)["Messages"]
    assert again[0]["MessageId"] == sent["MessageId"]

    _aws(
        server,
        "delete-message",
        "--queue-url",
        standard,
        "--receipt-handle",
        again[0]["ReceiptHandle"],
    )
    server.queue("MyStandardQueue").assert_empty()

    attributes = _aws(
        server, "get-queue-attributes", "--queue-url", fifo, "--attribute-names", "All"
    )["Attributes"]
    assert attributes["FifoQueue"] == "true"
    assert attributes["ApproximateNumberOfMessages"] == "1"
    _aws(server, "purge-queue", "--queue-url", fifo)
    assert server.queue("MyFifoQueue.fifo").messages == ()
    _aws(server, "delete-queue", "--queue-url", fifo)
    listed = _aws(server, "list-queues")["QueueUrls"]
    assert listed == [standard]


def test_the_aws_cli_reports_sqs_errors_as_aws_does(server: SQSServer) -> None:
    # The seed's FIFO example sends without a deduplication id to a queue made without
    # content-based deduplication: real SQS refuses it, and so does the server.
    fifo = _aws(
        server, "create-queue", "--queue-name", "MyFifoQueue.fifo", "--attributes", "FifoQueue=true"
    )["QueueUrl"]
    done = _run(
        [
            *_aws_command(server),
            "sqs",
            "send-message",
            "--queue-url",
            fifo,
            "--message-body",
            "Hello, FIFO World!",
            "--message-group-id",
            "Group1",
        ],
        server,
    )
    assert done.returncode == 255  # AWS CLI v1: 255 for a service error
    assert (
        "An error occurred (InvalidParameterValue) when calling the SendMessage operation: "
        "The queue should either have ContentBasedDeduplication enabled or "
        "MessageDeduplicationId provided explicitly"
    ) in done.stderr
    missing = _run([*_aws_command(server), "sqs", "get-queue-url", "--queue-name", "nope"], server)
    assert missing.returncode == 255
    assert (
        "An error occurred (AWS.SimpleQueueService.NonExistentQueue) when calling the "
        "GetQueueUrl operation: The specified queue does not exist."
    ) in missing.stderr
    assert server.queue("MyFifoQueue.fifo").messages == ()


# -- the AWS SDK for JavaScript v3 ----------------------------------------------------


def test_the_node_sdk_against_the_server(server: SQSServer) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed")
    if not (NODE_DIR / "node_modules" / "@aws-sdk" / "client-sqs").is_dir():
        pytest.skip("run `npm ci --prefix tests/node` to install @aws-sdk/client-sqs")
    done = _run([node, str(NODE_DIR / "sqs_scenario.mjs"), server.endpoint_url], server)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)

    body = '{"order": 1, "note": "café ☕"}'
    # The SDK checks the body MD5 of every send and receive itself: reaching here means
    # they matched.  The attribute MD5 of the receive must equal the send's.
    assert out["sent"]["md5Body"] == hashlib.md5(body.encode()).hexdigest()
    assert out["received"] == {
        "body": body,
        "md5Body": out["sent"]["md5Body"],
        "md5Attributes": out["sent"]["md5Attributes"],
        "blob": [0, 1, 254, 255],
        "total": "12.50",
        "receiveCount": "1",
    }
    assert out["redelivered"] == 1
    assert out["batch"] == {
        "successful": ["a", "b"],
        "failed": [["c", "InvalidParameterValue", True]],
    }
    assert out["batchDeleted"] == 1
    first, second, duplicate, third = out["fifoSequenceNumbers"]
    assert duplicate == second  # content-based deduplication answers with the first send
    assert int(first) < int(second) < int(third)
    assert out["fifoBodies"] == ["one", "two", "three"]
    assert out["delayed"] == "1"
    assert out["error"] == {
        "name": "QueueDoesNotExist",
        "code": "AWS.SimpleQueueService.NonExistentQueue",
        "message": "The specified queue does not exist.",
        "status": 400,
    }
    assert len(server.calls_to("SendMessage")) == 5


# -- kombu / Celery --------------------------------------------------------------


def _kombu() -> Any:
    return pytest.importorskip("kombu", reason="kombu is not installed")


def test_a_kombu_worker_that_dies_gets_its_message_redelivered(server: SQSServer) -> None:
    kombu = _kombu()
    admin = AdminClient(server.endpoint_url)
    env = server.env
    options = {"region": server.region, "visibility_timeout": 30, "wait_time_seconds": 0}
    previous = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    try:
        with kombu.Connection("sqs://", transport_options=options) as connection:
            outbox = connection.SimpleQueue("payments")
            outbox.put({"order": 7, "amount": "12.50"})
            outbox.close()
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value

    worker = [sys.executable, str(HERE / "kombu_worker.py"), "payments"]
    crashed = _run([*worker, "crash"], server)
    assert crashed.returncode == 3, crashed.stderr
    assert json.loads(crashed.stdout) == {"order": 7, "amount": "12.50"}
    state = admin.queue("payments")
    assert (state["visible"], state["in_flight"]) == (0, 1)
    in_flight = state["messages"]["in_flight"][0]

    # Thirty simulated seconds later kombu's visibility timeout ends: the message is
    # back, and the next worker takes it and acknowledges it.
    admin.advance(30)
    assert admin.queue("payments")["visible"] == 1
    done = _run([*worker, "ack"], server)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"order": 7, "amount": "12.50"}
    assert admin.queue("payments")["messages"] == {"visible": [], "in_flight": [], "delayed": []}
    events = [e["event"] for e in admin.history("payments", in_flight["message_id"])]
    assert events == ["sent", "received", "visible again", "received", "deleted"]


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # kombu's use of pycurl
def test_kombus_event_loop_consumer_over_pycurl(server: SQSServer) -> None:
    # A Celery worker consumes through kombu's event loop: botocore signs the requests,
    # pycurl sends them, so only a server can answer.  Same story: a message taken and
    # not acknowledged is delivered again once the clock passes its visibility timeout.
    kombu = _kombu()
    pytest.importorskip("pycurl", reason="pycurl is not installed (kombu[sqs] needs it)")
    from kombu.asynchronous import Hub, set_event_loop

    admin = AdminClient(server.endpoint_url)
    options = {"region": server.region, "visibility_timeout": 30, "wait_time_seconds": 1}
    hub = Hub()
    set_event_loop(hub)
    with pytest.MonkeyPatch.context() as patch:
        for name, value in server.env.items():
            patch.setenv(name, value)
        with kombu.Connection("sqs://", transport_options=options) as producer:
            outbox = producer.SimpleQueue("payments")
            outbox.put({"order": 8})
            outbox.close()
        connection = kombu.Connection("sqs://", transport_options=options)
        try:
            connection.connect()
            connection.transport.register_with_event_loop(connection.connection, hub)
            deliveries: list[Any] = []
            consumer = kombu.Consumer(
                connection.channel(),
                queues=[kombu.Queue("payments")],
                callbacks=[lambda body, message: deliveries.append((body, message))],
                accept=["json"],
            )
            consumer.consume()

            def run_until(count: int) -> None:
                for _ in range(200):  # each turn waits at most for one long poll
                    if len(deliveries) >= count:
                        return
                    hub.run_once()
                raise AssertionError(f"kombu delivered {len(deliveries)} message(s)")

            run_until(1)
            assert type(hub._current_http_client).__name__ == "CurlClient"
            assert deliveries[0][0] == {"order": 8}
            assert admin.queue("payments")["in_flight"] == 1  # taken, not acknowledged

            admin.advance(30)
            run_until(2)
            body, message = deliveries[1]
            assert body == {"order": 8}
            assert message.delivery_info["sqs_message"]["Attributes"] == {
                "ApproximateReceiveCount": "2"
            }
            message.ack()
            assert admin.queues()[0]["in_flight"] == 0
            assert admin.queues()[0]["visible"] == 0
        finally:
            connection.close()
            hub.close()
            set_event_loop(None)
