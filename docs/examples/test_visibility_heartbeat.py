"""Cookbook: a long job keeps its message hidden with a visibility heartbeat."""

from __future__ import annotations

from typing import Any

import pytest


class Worker:
    """The code under test: extends the visibility timeout while a long job runs."""

    def __init__(self, client: Any, queue_url: str, clock_advance: Any) -> None:
        self.client, self.queue_url, self.wait = client, queue_url, clock_advance

    def run_job(self, minutes: int) -> None:
        got = self.client.receive_message(QueueUrl=self.queue_url, VisibilityTimeout=60)
        message = got["Messages"][0]
        for _ in range(minutes):
            self.wait(50)  # work for 50 s, then extend before the 60 s run out
            self.client.change_message_visibility(
                QueueUrl=self.queue_url,
                ReceiptHandle=message["ReceiptHandle"],
                VisibilityTimeout=60,
            )
        self.client.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])


@pytest.mark.sqs(clock="manual")
def test_heartbeat_keeps_the_message_from_a_second_worker(sqs, sqs_client, sqs_queue):
    sqs_client.send_message(QueueUrl=sqs_queue.url, MessageBody="render video 17")
    seen_by_other_worker = []

    def work_and_peek(seconds: float) -> None:
        sqs.advance(seconds)
        seen_by_other_worker.extend(sqs_queue.visible)  # what another worker could get

    Worker(sqs_client, sqs_queue.url, work_and_peek).run_job(minutes=10)

    assert seen_by_other_worker == []
    sqs_queue.assert_empty()
    assert len(sqs.calls_to("ChangeMessageVisibility")) == 10


@pytest.mark.sqs(clock="manual")
def test_without_the_heartbeat_a_second_worker_gets_it(sqs, sqs_client, sqs_queue):
    sqs_client.send_message(QueueUrl=sqs_queue.url, MessageBody="render video 17")
    sqs_client.receive_message(QueueUrl=sqs_queue.url, VisibilityTimeout=60)
    sqs.advance(61)
    again = sqs_client.receive_message(QueueUrl=sqs_queue.url, MessageSystemAttributeNames=["All"])
    assert again["Messages"][0]["Attributes"]["ApproximateReceiveCount"] == "2"
