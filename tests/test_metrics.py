"""The AWS/SQS CloudWatch metrics the simulator records, read as a user would: through a
boto3 CloudWatch client inside the mock, and through ``QueueView.metrics``.

Each minute's datapoint of an ``Approximate...`` gauge is the queue's state at the
minute's end; counts land in the minute they happen in.  The clock starts on a minute
boundary so the scripts below can say exactly which minute each step falls in.
"""

from __future__ import annotations

import contextlib
import tracemalloc
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_sqs import Datapoint, MockSQS, mock_sqs

REGION = "us-east-1"
T0 = datetime(2022, 1, 1, tzinfo=timezone.utc)


@pytest.fixture
def sqs() -> Iterator[MockSQS]:
    with mock_sqs(clock="manual", start=T0, region=REGION, seed=7) as handle:
        yield handle


@pytest.fixture
def client(sqs: MockSQS) -> Any:
    return boto3.client("sqs", region_name=REGION)


@pytest.fixture
def cw(sqs: MockSQS) -> Any:
    return boto3.client("cloudwatch", region_name=REGION)


def at(sqs: MockSQS, seconds: float) -> None:
    """Move the clock to ``seconds`` after T0."""
    sqs.move_to(T0 + timedelta(seconds=seconds))


def series(
    cw: Any,
    metric: str,
    queue: str,
    *,
    minutes: int = 6,
    period: int = 60,
    statistic: str = "Sum",
) -> list[float | None]:
    """One value per period from T0 (``None``: no datapoint), via GetMetricStatistics."""
    answer = cw.get_metric_statistics(
        Namespace="AWS/SQS",
        MetricName=metric,
        Dimensions=[{"Name": "QueueName", "Value": queue}],
        StartTime=T0,
        EndTime=T0 + timedelta(minutes=minutes),
        Period=period,
        Statistics=[statistic],
    )
    by_time = {point["Timestamp"]: point[statistic] for point in answer["Datapoints"]}
    assert len(by_time) == len(answer["Datapoints"])
    return [by_time.get(T0 + timedelta(seconds=i * period)) for i in range(minutes * 60 // period)]


# -- counts ---------------------------------------------------------------------------


def test_counts_land_in_the_minute_they_happen(sqs: MockSQS, client: Any, cw: Any) -> None:
    url = client.create_queue(QueueName="orders")["QueueUrl"]
    at(sqs, 10)
    client.send_message_batch(
        QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": "m"} for i in range(3)]
    )
    client.send_message(QueueUrl=url, MessageBody="m")
    at(sqs, 70)  # minute 1
    received = client.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert len(received) == 4
    assert client.receive_message(QueueUrl=url).get("Messages") is None  # an empty receive
    at(sqs, 150)  # minute 2
    for message in received[:2]:
        client.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    client.delete_message(QueueUrl=url, ReceiptHandle=received[0]["ReceiptHandle"])  # again
    at(sqs, 6 * 60)

    assert series(cw, "NumberOfMessagesSent", "orders") == [4, 0, 0, 0, 0, 0]
    assert series(cw, "NumberOfMessagesReceived", "orders") == [0, 4, 0, 0, 0, 0]
    assert series(cw, "NumberOfEmptyReceives", "orders") == [0, 1, 0, 0, 0, 0]
    # Every delete with a valid handle counts, a repeated one too (AWS docs).
    assert series(cw, "NumberOfMessagesDeleted", "orders") == [0, 0, 3, 0, 0, 0]


def test_a_minute_has_no_datapoint_until_it_is_over(sqs: MockSQS, client: Any, cw: Any) -> None:
    url = client.create_queue(QueueName="orders")["QueueUrl"]
    at(sqs, 30)
    client.send_message(QueueUrl=url, MessageBody="m")
    at(sqs, 59)
    assert series(cw, "NumberOfMessagesSent", "orders", minutes=2) == [None, None]
    assert series(cw, "ApproximateNumberOfMessagesVisible", "orders", minutes=2) == [None, None]
    at(sqs, 60)
    assert series(cw, "NumberOfMessagesSent", "orders", minutes=2) == [1, None]
    assert series(cw, "ApproximateNumberOfMessagesVisible", "orders", minutes=2) == [1, None]


def test_statistics_over_longer_periods(sqs: MockSQS, client: Any, cw: Any) -> None:
    url = client.create_queue(QueueName="orders")["QueueUrl"]
    for minute, count in enumerate([2, 0, 5, 1, 0, 3]):
        at(sqs, minute * 60 + 5)
        for _ in range(count):
            client.send_message(QueueUrl=url, MessageBody="m")
    at(sqs, 6 * 60)

    def over_3_minutes(statistic: str) -> list[float | None]:
        return series(cw, "NumberOfMessagesSent", "orders", period=180, statistic=statistic)

    assert over_3_minutes("Sum") == [7, 4]
    assert over_3_minutes("SampleCount") == [3, 3]  # one datapoint a minute
    assert over_3_minutes("Minimum") == [0, 0]
    assert over_3_minutes("Maximum") == [5, 3]
    assert over_3_minutes("Average") == pytest.approx([7 / 3, 4 / 3])
    # The gauge: 2, 2, 7, 8, 8, 11 messages at the minutes' ends.
    visible = series(
        cw, "ApproximateNumberOfMessagesVisible", "orders", period=180, statistic="Average"
    )
    assert visible == pytest.approx([11 / 3, 27 / 3])


def test_sent_message_size_counts_body_and_attributes(sqs: MockSQS, client: Any, cw: Any) -> None:
    url = client.create_queue(QueueName="orders")["QueueUrl"]
    client.send_message(QueueUrl=url, MessageBody="hello")  # 5 bytes
    client.send_message(
        QueueUrl=url,
        MessageBody="hi ✓",  # 6 bytes in UTF-8
        MessageAttributes={"k": {"DataType": "String", "StringValue": "xy"}},  # 1 + 6 + 2
    )
    at(sqs, 60)
    answer = cw.get_metric_statistics(
        Namespace="AWS/SQS",
        MetricName="SentMessageSize",
        Dimensions=[{"Name": "QueueName", "Value": "orders"}],
        StartTime=T0,
        EndTime=T0 + timedelta(minutes=1),
        Period=60,
        Statistics=["Sum", "SampleCount", "Average", "Minimum", "Maximum"],
    )
    assert answer["Datapoints"] == [
        {
            "Timestamp": T0,
            "Sum": 20.0,
            "SampleCount": 2.0,
            "Average": 10.0,
            "Minimum": 5.0,
            "Maximum": 15.0,
            "Unit": "Bytes",
        }
    ]
    at(sqs, 180)  # no sends since: no SentMessageSize datapoints, zero counts
    assert series(cw, "SentMessageSize", "orders", minutes=3) == [20, None, None]
    assert series(cw, "NumberOfMessagesSent", "orders", minutes=3) == [2, 0, 0]


# -- gauges ---------------------------------------------------------------------------


def test_gauges_are_sampled_at_each_minute_end_without_any_call(
    sqs: MockSQS, client: Any, cw: Any
) -> None:
    url = client.create_queue(QueueName="orders")["QueueUrl"]
    at(sqs, 30)
    client.send_message(QueueUrl=url, MessageBody="now")
    client.send_message(QueueUrl=url, MessageBody="later", DelaySeconds=100)  # until 130 s
    at(sqs, 90)
    client.receive_message(QueueUrl=url, VisibilityTimeout=45)  # "now", back at 135 s
    at(sqs, 5 * 60)  # nothing touches the queue meanwhile

    visible = series(cw, "ApproximateNumberOfMessagesVisible", "orders", minutes=5)
    not_visible = series(cw, "ApproximateNumberOfMessagesNotVisible", "orders", minutes=5)
    delayed = series(cw, "ApproximateNumberOfMessagesDelayed", "orders", minutes=5)
    assert visible == [1, 0, 2, 2, 2]
    # Reported only while there are such messages (AWS docs).
    assert not_visible == [None, 1, None, None, None]
    assert delayed == [1, 1, None, None, None]


def test_a_change_exactly_at_a_minute_end_belongs_to_the_next_minute(
    sqs: MockSQS, client: Any, cw: Any
) -> None:
    url = client.create_queue(QueueName="orders")["QueueUrl"]
    client.send_message(QueueUrl=url, MessageBody="m", DelaySeconds=60)  # visible at 60 s
    at(sqs, 60)
    client.send_message(QueueUrl=url, MessageBody="m")
    at(sqs, 180)
    assert series(cw, "ApproximateNumberOfMessagesVisible", "orders", minutes=3) == [0, 2, 2]
    assert series(cw, "ApproximateNumberOfMessagesDelayed", "orders", minutes=3) == [
        1,
        None,
        None,
    ]


def test_age_of_oldest_message(sqs: MockSQS, client: Any, cw: Any) -> None:
    url = client.create_queue(QueueName="orders")["QueueUrl"]
    at(sqs, 15)
    client.send_message(QueueUrl=url, MessageBody="first")
    at(sqs, 100)
    client.send_message(QueueUrl=url, MessageBody="second")
    at(sqs, 150)
    first = client.receive_message(QueueUrl=url, VisibilityTimeout=600)["Messages"][0]
    assert first["Body"] == "first"  # in flight, still counted
    at(sqs, 200)
    client.delete_message(QueueUrl=url, ReceiptHandle=first["ReceiptHandle"])
    at(sqs, 300)
    ages = series(cw, "ApproximateAgeOfOldestMessage", "orders", minutes=5, statistic="Maximum")
    assert ages == [45, 105, 165, 140, 200]  # whole seconds at each minute's end
    client.purge_queue(QueueUrl=url)
    at(sqs, 420)
    assert series(cw, "ApproximateAgeOfOldestMessage", "orders", minutes=7)[5:] == [None, None]


def test_age_leaves_out_messages_received_three_times(sqs: MockSQS, client: Any, cw: Any) -> None:
    url = client.create_queue(QueueName="orders")["QueueUrl"]
    client.send_message(QueueUrl=url, MessageBody="poison")
    at(sqs, 30)
    client.send_message(QueueUrl=url, MessageBody="fine")
    for second in (40, 45, 50):
        at(sqs, second)
        got = client.receive_message(QueueUrl=url, VisibilityTimeout=1)["Messages"][0]
        assert got["Body"] == "poison"
    at(sqs, 120)
    # The poison pill (received 3 times) no longer counts: the age is "fine"'s.
    ages = series(cw, "ApproximateAgeOfOldestMessage", "orders", minutes=2, statistic="Maximum")
    assert ages == [30, 90]


def test_a_fifo_queue_keeps_counting_a_message_received_three_times(
    sqs: MockSQS, client: Any, cw: Any
) -> None:
    url = client.create_queue(
        QueueName="orders.fifo",
        Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"},
    )["QueueUrl"]
    client.send_message(QueueUrl=url, MessageBody="stuck", MessageGroupId="g")
    for second in (10, 20, 30):
        at(sqs, second)
        client.receive_message(QueueUrl=url, VisibilityTimeout=1)
    at(sqs, 120)
    ages = series(
        cw, "ApproximateAgeOfOldestMessage", "orders.fifo", minutes=2, statistic="Maximum"
    )
    assert ages == [60, 120]


def test_fifo_metrics(sqs: MockSQS, client: Any, cw: Any) -> None:
    url = client.create_queue(
        QueueName="orders.fifo",
        Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"},
    )["QueueUrl"]
    for group, body in [("a", "1"), ("a", "2"), ("b", "3"), ("c", "4")]:
        client.send_message(QueueUrl=url, MessageBody=body, MessageGroupId=group)
    client.send_message(QueueUrl=url, MessageBody="1", MessageGroupId="a")  # a duplicate
    at(sqs, 70)
    client.receive_message(QueueUrl=url, MaxNumberOfMessages=3, VisibilityTimeout=60)  # a, b
    at(sqs, 180)
    assert series(cw, "NumberOfMessagesSent", "orders.fifo", minutes=3) == [4, 0, 0]
    assert series(cw, "NumberOfDeduplicatedSentMessages", "orders.fifo", minutes=3) == [
        1,
        None,
        None,
    ]
    groups = series(cw, "ApproximateNumberOfGroupsWithInflightMessages", "orders.fifo", minutes=3)
    assert groups == [0, 2, 0]  # messages 1, 2 (group a) and 3 (group b) until 130 s


# -- dead-letter queues ---------------------------------------------------------------


def test_dead_letter_moves_are_not_sends_and_age_counts_from_the_move(
    sqs: MockSQS, client: Any, cw: Any
) -> None:
    dlq = client.create_queue(QueueName="orders-dlq")["QueueUrl"]
    dlq_arn = client.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    url = client.create_queue(
        QueueName="orders",
        Attributes={"RedrivePolicy": f'{{"deadLetterTargetArn":"{dlq_arn}","maxReceiveCount":1}}'},
    )["QueueUrl"]
    client.send_message(QueueUrl=url, MessageBody="bad")
    at(sqs, 10)
    client.receive_message(QueueUrl=url, VisibilityTimeout=20)
    at(sqs, 150)  # visible again at 30 s; this receive moves it instead of returning it
    assert client.receive_message(QueueUrl=url).get("Messages") is None
    at(sqs, 300)

    assert series(cw, "NumberOfMessagesSent", "orders-dlq", minutes=5) == [0, 0, 0, 0, 0]
    assert series(cw, "ApproximateNumberOfMessagesVisible", "orders-dlq", minutes=5) == [
        0,
        0,
        1,
        1,
        1,
    ]
    ages = series(cw, "ApproximateAgeOfOldestMessage", "orders-dlq", minutes=5, statistic="Maximum")
    assert ages == [None, None, 30, 90, 150]  # from the move at 150 s (AWS docs)
    assert series(cw, "NumberOfEmptyReceives", "orders", minutes=5) == [0, 0, 1, 0, 0]
    # Back from its visibility timeout at 30 s, it is visible until the receive at 150 s.
    assert series(cw, "ApproximateNumberOfMessagesVisible", "orders", minutes=5) == [
        1,
        1,
        0,
        0,
        0,
    ]


# -- activity -------------------------------------------------------------------------


def test_an_empty_queue_stops_publishing_six_hours_after_its_last_call(
    sqs: MockSQS, client: Any, cw: Any
) -> None:
    url = client.create_queue(QueueName="idle")["QueueUrl"]
    at(sqs, 10 * 60 + 30)
    client.get_queue_attributes(QueueUrl=url)  # any call counts
    at(sqs, 8 * 3600)
    visible = series(cw, "ApproximateNumberOfMessagesVisible", "idle", minutes=8 * 60, period=600)
    sent = series(
        cw, "NumberOfMessagesSent", "idle", minutes=8 * 60, period=600, statistic="SampleCount"
    )
    # Published up to the minute ending 6 h after 00:10:30, i.e. minute 06:09.
    last = (6 * 60 + 10) // 10
    assert visible[:last] == [0] * last
    assert visible[last:] == [None] * (48 - last)
    assert sent[last - 1] == 10 and sent[last] is None


def test_a_queue_with_messages_keeps_publishing(sqs: MockSQS, client: Any, cw: Any) -> None:
    url = client.create_queue(QueueName="forgotten")["QueueUrl"]
    client.send_message(QueueUrl=url, MessageBody="m")
    at(sqs, 24 * 3600)
    visible = series(
        cw, "ApproximateNumberOfMessagesVisible", "forgotten", minutes=24 * 60, period=3600
    )
    assert visible == [60] * 24  # Sum over each hour of one sample a minute


def test_a_deleted_queue_keeps_its_data_and_a_new_one_continues_it(
    sqs: MockSQS, client: Any, cw: Any
) -> None:
    url = client.create_queue(QueueName="orders")["QueueUrl"]
    client.send_message(QueueUrl=url, MessageBody="m")
    at(sqs, 90)
    client.delete_queue(QueueUrl=url)
    at(sqs, 200)
    url = client.create_queue(QueueName="orders")["QueueUrl"]
    client.send_message(QueueUrl=url, MessageBody="m")
    client.send_message(QueueUrl=url, MessageBody="m")
    at(sqs, 300)
    # Minute 1 is published (the queue was deleted during it), then none until the new
    # queue's first minute.
    assert series(cw, "ApproximateNumberOfMessagesVisible", "orders", minutes=5) == [
        1,
        1,
        None,
        2,
        2,
    ]
    assert series(cw, "NumberOfMessagesSent", "orders", minutes=5) == [1, 0, None, 2, 0]


def test_a_queue_deleted_on_a_minute_boundary_publishes_nothing_after(
    sqs: MockSQS, client: Any, cw: Any
) -> None:
    url = client.create_queue(QueueName="orders")["QueueUrl"]
    client.send_message(QueueUrl=url, MessageBody="m")
    at(sqs, 120)
    client.delete_queue(QueueUrl=url)
    at(sqs, 180)
    url = client.create_queue(QueueName="orders")["QueueUrl"]
    at(sqs, 300)
    assert series(cw, "ApproximateNumberOfMessagesVisible", "orders", minutes=5) == [
        1,
        1,
        None,
        0,
        0,
    ]


def test_a_period_minimum_is_zero_only_if_a_minute_counted_nothing(
    sqs: MockSQS, client: Any, cw: Any
) -> None:
    url = client.create_queue(QueueName="orders")["QueueUrl"]
    at(sqs, 60)
    client.send_message(QueueUrl=url, MessageBody="x")  # minute 1, then deleted at once
    client.delete_queue(QueueUrl=url)
    at(sqs, 120)
    url = client.create_queue(QueueName="orders")["QueueUrl"]
    client.send_message(QueueUrl=url, MessageBody="y")  # minute 2
    at(sqs, 240)
    answer = cw.get_metric_statistics(
        Namespace="AWS/SQS",
        MetricName="NumberOfMessagesSent",
        Dimensions=[{"Name": "QueueName", "Value": "orders"}],
        StartTime=T0 + timedelta(minutes=1),
        EndTime=T0 + timedelta(minutes=4),
        Period=120,
        Statistics=["Sum", "SampleCount", "Minimum"],
    )
    points = [
        (p["Timestamp"], p["Sum"], p["SampleCount"], p["Minimum"]) for p in answer["Datapoints"]
    ]
    assert points == [
        (T0 + timedelta(minutes=1), 2.0, 2.0, 1.0),  # both minutes sent one
        (T0 + timedelta(minutes=3), 0.0, 1.0, 0.0),
    ]


def test_a_message_that_stays_does_not_keep_the_departed_in_memory(sqs: MockSQS) -> None:
    simulator = sqs.simulator  # the core alone: the mock's record of calls would grow
    url = simulator.handle("CreateQueue", {"QueueName": "orders"})["QueueUrl"]
    simulator.handle("SendMessage", {"QueueUrl": url, "MessageBody": "poison"})
    simulator.handle("ReceiveMessage", {"QueueUrl": url, "VisibilityTimeout": 43200})

    def cycles(count: int) -> None:
        for _ in range(count):
            simulator.handle("SendMessage", {"QueueUrl": url, "MessageBody": "x" * 10_000})
            got = simulator.handle("ReceiveMessage", {"QueueUrl": url})["Messages"]
            simulator.handle(
                "DeleteMessage", {"QueueUrl": url, "ReceiptHandle": got[0]["ReceiptHandle"]}
            )

    cycles(200)  # warm: the journals of departed messages are kept, bodies are not
    tracemalloc.start()
    try:
        cycles(3000)  # 30 MB of bodies went through
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert held < 5_000_000, held


def test_a_long_poll_that_fast_forwards_is_one_empty_receive(
    sqs: MockSQS, client: Any, cw: Any
) -> None:
    url = client.create_queue(QueueName="orders")["QueueUrl"]
    at(sqs, 50)
    assert client.receive_message(QueueUrl=url, WaitTimeSeconds=20).get("Messages") is None
    at(sqs, 120)
    # It ended at 70 s: one empty receive, in minute 1.
    assert series(cw, "NumberOfEmptyReceives", "orders", minutes=2) == [0, 1]


# -- QueueView.metrics -----------------------------------------------------------------


def test_view_metrics_gives_every_minute_with_its_statistics(sqs: MockSQS, client: Any) -> None:
    day = 24 * 3600
    url = client.create_queue(
        QueueName="orders", Attributes={"MessageRetentionPeriod": str(14 * day)}
    )["QueueUrl"]
    client.send_message(QueueUrl=url, MessageBody="first")
    at(sqs, 10 * day)
    client.send_message(QueueUrl=url, MessageBody="second")
    at(sqs, 20 * day)  # beyond CloudWatch's 15 days of one-minute data; "first" expired
    view = sqs.queue("orders")
    ages = view.metrics("ApproximateAgeOfOldestMessage")
    assert len(ages) == 20 * 24 * 60
    assert ages[0] == Datapoint(T0, 60.0, 1.0, 60.0, 60.0, "Seconds")
    assert ages[14 * 24 * 60 - 1].maximum == 14 * day  # "first", just before it expired
    assert ages[14 * 24 * 60].maximum == 4 * day + 60  # "second" is the oldest
    assert ages[-1].maximum == 10 * day
    assert max(point.maximum for point in ages) > 300  # e.g. "it exceeded 5 minutes"
    hourly = view.metrics("NumberOfMessagesSent", period=3600, end=T0 + timedelta(hours=2))
    assert [(p.at, p.sum, p.sample_count, p.average) for p in hourly] == [
        (T0, 1.0, 60.0, 1 / 60),
        (T0 + timedelta(hours=1), 0.0, 60.0, 0.0),
    ]
    later = view.metrics("NumberOfMessagesSent", start=T0 + timedelta(days=10), period=day)
    assert [(p.at, p.sum, p.sample_count) for p in later][:2] == [
        (T0 + timedelta(days=10), 1.0, 1440.0),
        (T0 + timedelta(days=11), 0.0, 1440.0),
    ]


def test_view_metrics_refuses_what_is_not_a_metric(sqs: MockSQS, client: Any) -> None:
    client.create_queue(QueueName="orders")
    view = sqs.queue("orders")
    with pytest.raises(ValueError, match="'Visible' is not an AWS/SQS metric; they are: "):
        view.metrics("Visible")
    with pytest.raises(ValueError, match="period must be a positive multiple of 60 seconds"):
        view.metrics("NumberOfMessagesSent", period=90)


# -- whenever it is looked at, the record is the same ----------------------------------

ACTIONS = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=150),  # seconds until the step
        st.sampled_from(["send", "send-delayed", "receive", "delete", "change"]),
    ),
    max_size=25,
)
COUNTS = (
    "NumberOfMessagesSent",
    "NumberOfMessagesReceived",
    "NumberOfMessagesDeleted",
    "NumberOfEmptyReceives",
    "SentMessageSize",
)
GAUGES = (
    "ApproximateNumberOfMessagesVisible",
    "ApproximateNumberOfMessagesNotVisible",
    "ApproximateNumberOfMessagesDelayed",
    "ApproximateAgeOfOldestMessage",
)


def _run(script: list[tuple[int, str]], *, look_each_minute: bool) -> tuple[Any, ...]:
    """Run the script; return the metrics, and what was seen at each minute's end."""
    with mock_sqs(clock="manual", start=T0, seed=1) as sqs:
        client = boto3.client("sqs", region_name=REGION)
        url = client.create_queue(QueueName="q")["QueueUrl"]
        view = sqs.queue("q")
        held: list[str] = []
        seen: dict[int, tuple[int, int, int]] = {}
        now = 0
        for wait, step in [*script, (600, "end")]:
            target = now + wait
            while look_each_minute and (now // 60 + 1) * 60 <= target:
                now = (now // 60 + 1) * 60
                at(sqs, now - 0.001)  # what the sample at the minute's end sees
                seen[now // 60 - 1] = (len(view.visible), len(view.in_flight), len(view.delayed))
                at(sqs, now)
            now = target
            at(sqs, now)
            if step.startswith("send"):
                delay = 45 if step == "send-delayed" else 0
                client.send_message(QueueUrl=url, MessageBody="m", DelaySeconds=delay)
            elif step == "receive":
                got = client.receive_message(
                    QueueUrl=url, MaxNumberOfMessages=2, VisibilityTimeout=70
                )
                held += [m["ReceiptHandle"] for m in got.get("Messages", [])]
            elif step == "delete" and held:
                client.delete_message(QueueUrl=url, ReceiptHandle=held.pop(0))
            elif step == "change" and held:
                with contextlib.suppress(client.exceptions.ClientError):  # deleted since
                    client.change_message_visibility(
                        QueueUrl=url, ReceiptHandle=held.pop(), VisibilityTimeout=0
                    )
        record = {name: view.metrics(name) for name in GAUGES}
        for name in (*GAUGES, *COUNTS):  # longer periods, computed step by step
            for period in (120, 420, 3600):
                record[name, period] = view.metrics(name, period=period)
            record[name, 60] = view.metrics(name)
        cw = boto3.client("cloudwatch", region_name=REGION)

        def ask(name: str, **statistics: Any) -> list[Any]:
            return list(
                cw.get_metric_statistics(
                    Namespace="AWS/SQS",
                    MetricName=name,
                    Dimensions=[{"Name": "QueueName", "Value": "q"}],
                    StartTime=T0,
                    EndTime=T0 + timedelta(hours=2),
                    Period=3600,
                    **statistics,
                )["Datapoints"]
            )

        for name in (*GAUGES, *COUNTS[:-1]):  # one value a minute: p0, p100 are min, max
            record[name, "min-max"] = [
                (p["Timestamp"], p["Minimum"], p["Maximum"])
                for p in ask(name, Statistics=["Minimum", "Maximum"])
            ]
            record[name, "p0-p100"] = [
                (p["Timestamp"], p["ExtendedStatistics"]["p0"], p["ExtendedStatistics"]["p100"])
                for p in ask(name, ExtendedStatistics=["p0", "p100"])
            ]
        return record, seen


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ACTIONS)
def test_gauges_do_not_depend_on_when_anyone_looked(script: list[tuple[int, str]]) -> None:
    lazy, _ = _run(script, look_each_minute=False)
    eager, seen = _run(script, look_each_minute=True)
    assert lazy == eager
    for name in (*GAUGES, *COUNTS[:-1]):  # percentiles come from the one-minute values
        assert eager[name, "min-max"] == eager[name, "p0-p100"], name
    # A longer period is the one-minute datapoints put together.
    for name in (*GAUGES, *COUNTS):
        minutes = eager[name, 60]
        for period in (120, 420, 3600):
            together: dict[datetime, list[Datapoint]] = {}
            for point in minutes:
                start = T0 + timedelta(seconds=(point.at - T0).total_seconds() // period * period)
                together.setdefault(start, []).append(point)
            assert eager[name, period] == [
                Datapoint(
                    at,
                    sum(p.sum for p in group),
                    sum(p.sample_count for p in group),
                    min(p.minimum for p in group),
                    max(p.maximum for p in group),
                    group[0].unit,
                )
                for at, group in sorted(together.items())
            ], (name, period)
    visible = {p.at: p.sum for p in eager["ApproximateNumberOfMessagesVisible"]}
    not_visible = {p.at: p.sum for p in eager["ApproximateNumberOfMessagesNotVisible"]}
    delayed = {p.at: p.sum for p in eager["ApproximateNumberOfMessagesDelayed"]}
    for minute, (v, n, d) in seen.items():
        when = T0 + timedelta(minutes=minute)
        assert visible[when] == v
        assert not_visible.get(when, 0) == n
        assert delayed.get(when, 0) == d
