"""aioboto3's clients and resources, answered in-process."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import aioboto3
import pytest
from botocore.exceptions import ClientError

from pytest_sqs import MockSQS, QueueView, UnmockedRequestError, mock_sqs

pytestmark = pytest.mark.asyncio


async def test_the_resource_api(sqs: MockSQS) -> None:
    async with aioboto3.Session().resource("sqs", region_name=sqs.region) as resource:
        queue = await resource.create_queue(
            QueueName="jobs", Attributes={"VisibilityTimeout": "30"}
        )
        await queue.send_message(
            MessageBody="one",
            MessageAttributes={"kind": {"DataType": "String", "StringValue": "a"}},
        )
        answer = await queue.send_messages(
            Entries=[{"Id": "2", "MessageBody": "two"}, {"Id": "3", "MessageBody": "three"}]
        )
        assert sorted(entry["Id"] for entry in answer["Successful"]) == ["2", "3"]
        assert (await queue.attributes)["ApproximateNumberOfMessages"] == "3"

        messages = await queue.receive_messages(
            MaxNumberOfMessages=10, WaitTimeSeconds=20, MessageAttributeNames=["All"]
        )
        bodies = {await m.body: m for m in messages}
        assert sorted(bodies) == ["one", "three", "two"]
        assert await bodies["one"].message_attributes == {
            "kind": {"StringValue": "a", "DataType": "String"}
        }
        await bodies["one"].delete()
        await bodies["two"].change_visibility(VisibilityTimeout=0)
        assert [m.body for m in sqs.queue("jobs").visible] == ["two"]
        assert [m.body for m in sqs.queue("jobs").in_flight] == ["three"]

        sqs.advance(31)
        again = await queue.receive_messages(MaxNumberOfMessages=10)
        assert sorted([await m.body for m in again]) == ["three", "two"]
        await queue.delete()
    assert [view.name for view in sqs.queues()] == []


async def test_client_exceptions(sqs: MockSQS) -> None:
    async with aioboto3.Session().client("sqs") as client:
        with pytest.raises(client.exceptions.QueueDoesNotExist):
            await client.get_queue_url(QueueName="missing")
        url = (await client.create_queue(QueueName="q"))["QueueUrl"]
        with pytest.raises(client.exceptions.TooManyEntriesInBatchRequest):
            await client.delete_message_batch(
                QueueUrl=url,
                Entries=[{"Id": str(n), "ReceiptHandle": "x"} for n in range(11)],
            )
    assert [call.error for call in sqs.calls] == [
        "AWS.SimpleQueueService.NonExistentQueue",
        None,
        "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
    ]


@mock_sqs(clock="manual")
async def test_a_decorated_coroutine_with_a_producer_and_a_consumer_task() -> None:
    session = aioboto3.Session()
    async with session.client("sqs") as client:
        url = (await client.create_queue(QueueName="q"))["QueueUrl"]

        async def consume() -> list[str]:
            got: list[str] = []
            while len(got) < 3:
                answer = await client.receive_message(QueueUrl=url, WaitTimeSeconds=20)
                for message in answer.get("Messages", []):
                    got.append(message["Body"])
                    await client.delete_message(
                        QueueUrl=url, ReceiptHandle=message["ReceiptHandle"]
                    )
            return got

        async def produce() -> None:
            for body in ("a", "b", "c"):
                await asyncio.sleep(0)
                await client.send_message(QueueUrl=url, MessageBody=body)

        consumed, _ = await asyncio.gather(consume(), produce())
    assert sorted(consumed) == ["a", "b", "c"]


async def test_the_queue_fixtures(sqs_queue: QueueView, sqs_fifo_queue: QueueView) -> None:
    async with aioboto3.Session().client("sqs") as client:
        await client.send_message(QueueUrl=sqs_queue.url, MessageBody="plain")
        await client.send_message(
            QueueUrl=sqs_fifo_queue.url,
            MessageBody="ordered",
            MessageGroupId="g",
            MessageDeduplicationId="1",
        )
    sqs_queue.assert_contains("plain")
    sqs_fifo_queue.assert_contains("ordered")


async def test_cloudwatch_answers_the_sqs_metrics() -> None:
    start = datetime(2030, 1, 1, tzinfo=timezone.utc)
    session = aioboto3.Session()
    async with (
        mock_sqs(clock="manual", start=start) as sqs,
        session.client("sqs", region_name="us-east-1") as client,
        session.client("cloudwatch", region_name="us-east-1") as cloudwatch,
    ):
        url = (await client.create_queue(QueueName="orders"))["QueueUrl"]
        for minute in range(3):
            for _ in range(minute + 1):
                await client.send_message(QueueUrl=url, MessageBody="m")
            sqs.advance(60)
        answer = await cloudwatch.get_metric_statistics(
            Namespace="AWS/SQS",
            MetricName="NumberOfMessagesSent",
            Dimensions=[{"Name": "QueueName", "Value": "orders"}],
            StartTime=start,
            EndTime=start + timedelta(minutes=3),
            Period=60,
            Statistics=["Sum"],
        )
        assert [(p["Timestamp"], p["Sum"]) for p in answer["Datapoints"]] == [
            (start + timedelta(minutes=m), float(m + 1)) for m in range(3)
        ]
        with pytest.raises(ClientError, match="Must specify either Statistics"):
            await cloudwatch.get_metric_statistics(
                Namespace="AWS/SQS",
                MetricName="NumberOfMessagesSent",
                StartTime=start,
                EndTime=start + timedelta(minutes=3),
                Period=60,
            )
        with pytest.raises(UnmockedRequestError, match="answers CloudWatch only for SQS"):
            await cloudwatch.describe_alarms()
