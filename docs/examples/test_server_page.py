"""The examples of docs/server.md, run as tests (the page's snippets are lines of this file)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import boto3

from pytest_sqs import AdminClient, SQSServer

# A worker as it would run in production: its endpoint and credentials come from the
# environment, as they would in a container.
WORKER = textwrap.dedent(
    """
    import boto3, json
    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName="payments")["QueueUrl"]
    messages = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1).get("Messages", [])
    print(json.dumps([m["Body"] for m in messages]))
    """
)


def test_a_boto3_client_over_http(sqs_server: SQSServer) -> None:
    sqs = boto3.client(
        "sqs",
        endpoint_url=sqs_server.endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    url = sqs.create_queue(QueueName="orders")["QueueUrl"]
    assert url == sqs_server.endpoint_url + "/123456789012/orders"
    sqs.send_message(QueueUrl=url, MessageBody="order 1")
    sqs_server.queue("orders").assert_contains("order 1")


def test_a_worker_in_another_process(sqs_server: SQSServer) -> None:
    sqs = sqs_server.client()
    url = sqs.create_queue(QueueName="payments")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="pay order 1")

    worker = subprocess.run(
        [sys.executable, "-c", WORKER],
        env={**os.environ, **sqs_server.env},
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(worker.stdout) == ["pay order 1"]
    # The worker did not delete it: it is in flight, and back after the timeout.
    assert len(sqs_server.queue("payments").in_flight) == 1
    sqs_server.advance(30)
    assert len(sqs_server.queue("payments").visible) == 1


def test_time_travel_from_another_process() -> None:
    with SQSServer(clock="manual") as server:
        sqs = server.client()
        url = sqs.create_queue(QueueName="reminders")["QueueUrl"]
        sqs.send_message(QueueUrl=url, MessageBody="in ten minutes", DelaySeconds=600)

        admin = AdminClient(server.endpoint_url)  # or os.environ["AWS_ENDPOINT_URL_SQS"]
        assert admin.queue("reminders")["delayed"] == 1
        admin.advance(600)
        assert admin.queue("reminders")["visible"] == 1
        assert [m["body"] for m in admin.queue("reminders")["messages"]["visible"]] == [
            "in ten minutes"
        ]
