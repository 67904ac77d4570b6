"""The snippets of docs/metrics.md, run as tests (a test keeps the page in step)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

START = datetime(2030, 1, 1, tzinfo=timezone.utc)


# The application's own monitoring rule, as its alarm is configured: the oldest order
# waited more than five minutes in each of the last three minutes.
def order_backlog_alarm(cloudwatch, queue_name, now):
    answer = cloudwatch.get_metric_statistics(
        Namespace="AWS/SQS",
        MetricName="ApproximateAgeOfOldestMessage",
        Dimensions=[{"Name": "QueueName", "Value": queue_name}],
        StartTime=now - timedelta(minutes=3),
        EndTime=now,
        Period=60,
        Statistics=["Maximum"],
    )
    points = answer["Datapoints"]
    return len(points) == 3 and all(point["Maximum"] > 300 for point in points)


def take_orders(sqs_client, queue_url):
    """The inventory service: takes every order waiting."""
    while True:
        got = sqs_client.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)
        if "Messages" not in got:
            return
        for message in got["Messages"]:
            sqs_client.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])


@pytest.mark.sqs(clock="manual", start=START)
def test_the_alarm_fires_during_an_outage_and_clears_after(sqs, sqs_client, sqs_cloudwatch):
    orders = sqs_client.create_queue(QueueName="inventory-orders")["QueueUrl"]
    for minute in range(20):  # an order a minute; the consumer is down from minute 5 to 15
        sqs_client.send_message(QueueUrl=orders, MessageBody=f'{{"order": {minute}}}')
        if not 5 <= minute < 15:
            take_orders(sqs_client, orders)
        sqs.advance(60)
        now = START + timedelta(minutes=minute + 1)
        alarm = order_backlog_alarm(sqs_cloudwatch, "inventory-orders", now)
        # Order 5 is over five minutes old from minute 10 on: three minutes later, alarm.
        assert alarm == (12 <= minute < 15), minute


@pytest.mark.sqs(clock="manual", start=START)
def test_assert_on_the_metrics_directly(sqs, sqs_client):
    orders = sqs_client.create_queue(QueueName="orders")["QueueUrl"]
    sqs_client.send_message(QueueUrl=orders, MessageBody="stuck")
    sqs.advance(timedelta(minutes=10))  # nobody consumes
    ages = sqs.queue("orders").metrics("ApproximateAgeOfOldestMessage")
    assert max(point.maximum for point in ages) > 300
    sent = sqs.queue("orders").metrics("NumberOfMessagesSent", period=600)
    assert [(point.at, point.sum) for point in sent] == [(START, 1.0)]
