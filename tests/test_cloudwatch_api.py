"""CloudWatch's GetMetricStatistics, GetMetricData and ListMetrics for AWS/SQS, through
botocore CloudWatch clients inside the mock: answers, CloudWatch's rules on periods and
retention, parameter validation with CloudWatch's codes and texts, and what happens to
CloudWatch calls pytest-sqs does not answer."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
from awscli.clidriver import create_clidriver
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_sqs import MockSQS, UnmockedRequestError, UnsupportedBySimulator, mock_sqs

REGION = "us-east-1"
T0 = datetime(2022, 1, 1, tzinfo=timezone.utc)
QUEUE = [{"Name": "QueueName", "Value": "orders"}]
DAY = timedelta(days=1)


@pytest.fixture
def sqs() -> Iterator[MockSQS]:
    with mock_sqs(clock="manual", start=T0, region=REGION, seed=3) as handle:
        yield handle


@pytest.fixture
def client(sqs: MockSQS) -> Any:
    return boto3.client("sqs", region_name=REGION)


@pytest.fixture
def cw(sqs: MockSQS) -> Any:
    return boto3.client("cloudwatch", region_name=REGION)


@pytest.fixture
def orders(sqs: MockSQS, client: Any) -> str:
    """A queue that got 1, 2, 3, ... messages in its first minutes, one hour ago."""
    url: str = client.create_queue(QueueName="orders")["QueueUrl"]
    for minute in range(10):
        sqs.move_to(T0 + timedelta(minutes=minute, seconds=1))
        for _ in range(minute + 1):
            client.send_message(QueueUrl=url, MessageBody="m")
    sqs.move_to(T0 + timedelta(hours=1))
    return url


def statistics(cw: Any, **overrides: Any) -> Any:
    params: dict[str, Any] = {
        "Namespace": "AWS/SQS",
        "MetricName": "NumberOfMessagesSent",
        "Dimensions": QUEUE,
        "StartTime": T0,
        "EndTime": T0 + timedelta(minutes=10),
        "Period": 300,
        "Statistics": ["Sum"],
    }
    params.update(overrides)
    return cw.get_metric_statistics(**{k: v for k, v in params.items() if v is not None})


# -- GetMetricStatistics ----------------------------------------------------------------


def test_every_statistic_of_a_period(cw: Any, orders: str) -> None:
    answer = statistics(cw, Statistics=["SampleCount", "Average", "Sum", "Minimum", "Maximum"])
    assert answer["Label"] == "NumberOfMessagesSent"
    assert answer["Datapoints"] == [
        {
            "Timestamp": T0,
            "SampleCount": 5.0,
            "Average": 3.0,
            "Sum": 15.0,
            "Minimum": 1.0,
            "Maximum": 5.0,
            "Unit": "Count",
        },
        {
            "Timestamp": T0 + timedelta(minutes=5),
            "SampleCount": 5.0,
            "Average": 8.0,
            "Sum": 40.0,
            "Minimum": 6.0,
            "Maximum": 10.0,
            "Unit": "Count",
        },
    ]
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
    for point in answer["Datapoints"]:  # doubles, as botocore parses CloudWatch's
        assert {type(v) for k, v in point.items() if k not in ("Timestamp", "Unit")} == {float}


def test_percentiles_over_the_minutes(cw: Any, orders: str) -> None:
    answer = statistics(cw, Statistics=None, ExtendedStatistics=["p50", "p90", "p100", "p0.5"])
    first, second = answer["Datapoints"]
    assert first["ExtendedStatistics"] == {"p50": 3.0, "p90": 5.0, "p100": 5.0, "p0.5": 1.0}
    assert second["ExtendedStatistics"] == {"p50": 8.0, "p90": 10.0, "p100": 10.0, "p0.5": 6.0}
    assert "Sum" not in first


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"Unit": "Count"}, 2),  # the metric's own unit
        ({"Unit": "Bytes"}, 0),  # another unit: nothing (AWS docs)
        ({"Dimensions": [{"Name": "QueueName", "Value": "nope"}]}, 0),
        ({"Dimensions": []}, 0),  # SQS publishes only per queue
        ({"Dimensions": [*QUEUE, {"Name": "Other", "Value": "x"}]}, 0),
        ({"MetricName": "NoSuchMetric"}, 0),
    ],
)
def test_only_the_exact_metric_has_data(
    cw: Any, orders: str, overrides: dict[str, Any], expected: int
) -> None:
    assert len(statistics(cw, **overrides)["Datapoints"]) == expected


def test_start_time_is_rounded_down_to_the_minute(cw: Any, orders: str) -> None:
    answer = statistics(cw, StartTime=T0 + timedelta(seconds=59), Period=60)
    assert [p["Timestamp"] for p in answer["Datapoints"]][:2] == [
        T0,
        T0 + timedelta(minutes=1),
    ]


def test_a_sub_minute_period_gives_the_minutes_as_they_are(cw: Any, orders: str) -> None:
    answer = statistics(cw, Period=10, EndTime=T0 + timedelta(minutes=2))
    assert [(p["Timestamp"], p["Sum"]) for p in answer["Datapoints"]] == [
        (T0, 1.0),
        (T0 + timedelta(minutes=1), 2.0),
    ]


@pytest.mark.parametrize(
    ("age", "period", "has_data"),
    [
        (DAY * 14, 60, True),
        (DAY * 16, 60, False),  # 15 to 63 days old: five-minute data only
        (DAY * 16, 300, True),
        (DAY * 64, 300, False),  # older: hourly only
        (DAY * 64, 3600, True),
        (DAY * 456, 3600, False),  # CloudWatch keeps 15 months
    ],
)
def test_old_data_needs_a_coarser_period(
    sqs: MockSQS, cw: Any, client: Any, age: timedelta, period: int, has_data: bool
) -> None:
    url = client.create_queue(QueueName="orders", Attributes={"MessageRetentionPeriod": "1209600"})[
        "QueueUrl"
    ]
    client.send_message(QueueUrl=url, MessageBody="m")
    while sqs.clock.now() + 13 * 86400 < (T0 + age).timestamp():
        sqs.advance(timedelta(days=13))
        client.send_message(QueueUrl=url, MessageBody="m")  # never empty: always active
    sqs.move_to(T0 + age)
    answer = statistics(cw, EndTime=T0 + timedelta(hours=2), Period=period)
    assert bool(answer["Datapoints"]) is has_data


# -- GetMetricStatistics: bad input -------------------------------------------------------

BAD_STATISTICS = [
    (
        {"Statistics": ["Avg"]},
        "InvalidParameterValue",
        "The parameter Statistics.member.1 must be a value in the set "
        "[SampleCount, Average, Sum, Minimum, Maximum].",
    ),
    (
        {"Statistics": ["Sum", "p99"]},
        "InvalidParameterValue",
        "The parameter Statistics.member.2 must be a value in the set "
        "[SampleCount, Average, Sum, Minimum, Maximum].",
    ),
    (
        {"Statistics": None},
        "InvalidParameterCombination",
        "Must specify either Statistics or ExtendedStatistics",
    ),
    (
        {"ExtendedStatistics": ["p90"]},
        "InvalidParameterCombination",
        "Must specify either Statistics or ExtendedStatistics, but not both",
    ),
    (
        {"Statistics": None, "ExtendedStatistics": ["p101"]},
        "InvalidParameterValue",
        "The parameter ExtendedStatistics.member.1 must be a valid percentile (p0.0 to p100).",
    ),
    (
        {"Statistics": None, "ExtendedStatistics": ["p50", "Average"]},
        "InvalidParameterValue",
        "The parameter ExtendedStatistics.member.2 must be a valid percentile (p0.0 to p100).",
    ),
    (
        {"Period": 90},
        "InvalidParameterValue",
        "The parameter Period must be 1, 5, 10, 20, 30, or a multiple of 60.",
    ),
    (
        {"EndTime": T0},
        "InvalidParameterValue",
        "The parameter StartTime must not equal parameter EndTime.",
    ),
    (
        {"EndTime": T0 - timedelta(minutes=1)},
        "InvalidParameterValue",
        "The parameter StartTime must be less than the parameter EndTime.",
    ),
    (
        {"EndTime": T0 + DAY + timedelta(minutes=1), "Period": 60},
        "InvalidParameterCombination",
        "You have requested up to 1441 datapoints, which exceeds the limit of 1440. You may "
        "reduce the datapoints requested by increasing Period, or decreasing the time range.",
    ),
    (
        {"Unit": "Furlongs"},
        "ValidationError",
        "1 validation error detected: Value 'Furlongs' at 'unit' failed to satisfy constraint: "
        "Member must satisfy enum value set: [Seconds, Microseconds, Milliseconds, Bytes, "
        "Kilobytes, Megabytes, Gigabytes, Terabytes, Bits, Kilobits, Megabits, Gigabits, "
        "Terabits, Percent, Count, Bytes/Second, Kilobytes/Second, Megabytes/Second, "
        "Gigabytes/Second, Terabytes/Second, Bits/Second, Kilobits/Second, Megabits/Second, "
        "Gigabits/Second, Terabits/Second, Count/Second, None]",
    ),
]


@pytest.mark.parametrize(("overrides", "code", "message"), BAD_STATISTICS)
def test_get_metric_statistics_refuses_bad_input(
    cw: Any, orders: str, overrides: dict[str, Any], code: str, message: str
) -> None:
    with pytest.raises(ClientError) as caught:
        statistics(cw, **overrides)
    error = caught.value.response["Error"]
    assert (error["Code"], error["Message"], error["Type"]) == (code, message, "Sender")
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    modelled = {
        "InvalidParameterValue": cw.exceptions.InvalidParameterValueException,
        "InvalidParameterCombination": cw.exceptions.InvalidParameterCombinationException,
    }
    if code in modelled:
        assert isinstance(caught.value, modelled[code])


def test_exactly_1440_datapoints_are_allowed(cw: Any, orders: str) -> None:
    answer = statistics(cw, EndTime=T0 + DAY, Period=60)
    assert len(answer["Datapoints"]) == 60  # an hour of data so far


# -- GetMetricData --------------------------------------------------------------------


def query(query_id: str, metric: str, stat: str = "Sum", period: int = 300, **extra: Any) -> Any:
    return {
        "Id": query_id,
        "MetricStat": {
            "Metric": {"Namespace": "AWS/SQS", "MetricName": metric, "Dimensions": QUEUE},
            "Period": period,
            "Stat": stat,
        },
        **extra,
    }


def metric_data(cw: Any, queries: list[Any], **extra: Any) -> Any:
    return cw.get_metric_data(
        MetricDataQueries=queries, StartTime=T0, EndTime=T0 + timedelta(minutes=10), **extra
    )


def test_get_metric_data_newest_first_by_default(cw: Any, orders: str) -> None:
    answer = metric_data(
        cw,
        [
            query("sent", "NumberOfMessagesSent"),
            query("depth", "ApproximateNumberOfMessagesVisible", "Maximum", Label="Depth"),
            query("hidden", "NumberOfMessagesSent", ReturnData=False),
        ],
    )
    assert answer["Messages"] == []
    assert answer["MetricDataResults"] == [
        {
            "Id": "sent",
            "Label": "NumberOfMessagesSent",
            "Timestamps": [T0 + timedelta(minutes=5), T0],
            "Values": [40.0, 15.0],
            "StatusCode": "Complete",
        },
        {
            "Id": "depth",
            "Label": "Depth",
            "Timestamps": [T0 + timedelta(minutes=5), T0],
            "Values": [55.0, 15.0],
            "StatusCode": "Complete",
        },
    ]
    assert "NextToken" not in answer


def test_get_metric_data_oldest_first(cw: Any, orders: str) -> None:
    answer = metric_data(
        cw, [query("sent", "NumberOfMessagesSent", period=60)], ScanBy="TimestampAscending"
    )
    assert answer["MetricDataResults"][0]["Values"] == [float(n) for n in range(1, 11)]


def test_get_metric_data_pages_by_max_datapoints(cw: Any, orders: str) -> None:
    queries = [
        query("a", "NumberOfMessagesSent", period=60),
        query("b", "ApproximateNumberOfMessagesVisible", period=60),
    ]
    pages = []
    token = None
    while True:
        extra = {"MaxDatapoints": 7, "ScanBy": "TimestampAscending"}
        answer = metric_data(cw, queries, **extra, **({"NextToken": token} if token else {}))
        pages.append(answer)
        token = answer.get("NextToken")
        if token is None:
            break
    assert len(pages) == 3  # 20 datapoints, 7 a page
    sizes = [[len(r["Values"]) for r in page["MetricDataResults"]] for page in pages]
    assert sizes == [[7, 0], [3, 4], [0, 6]]
    assert [r["StatusCode"] for r in pages[0]["MetricDataResults"]] == [
        "PartialData",
        "PartialData",
    ]
    values = [
        [v for page in pages for v in page["MetricDataResults"][i]["Values"]] for i in range(2)
    ]
    assert values[0] == [float(n) for n in range(1, 11)]
    assert values[1] == [float(n * (n + 1) // 2) for n in range(1, 11)]


BAD_DATA = [
    (
        [query("Bad", "NumberOfMessagesSent"), query("1x", "NumberOfMessagesSent")],
        "The value Bad for parameter MetricDataQueries.member.1.Id is not matching the "
        "expected pattern ^[a-z][a-zA-Z0-9_]*$.\nThe value 1x for parameter "
        "MetricDataQueries.member.2.Id is not matching the expected pattern ^[a-z][a-zA-Z0-9_]*$.",
    ),
    (
        [query("a", "NumberOfMessagesSent"), query("a", "NumberOfMessagesSent")],
        "The value a for parameter MetricDataQueries.member.2.Id is not unique.",
    ),
    (
        [query("a", "NumberOfMessagesSent", stat="Avg")],
        "The value Avg for parameter MetricDataQueries.member.1.MetricStat.Stat is not a valid "
        "statistic.",
    ),
    (
        [query("a", "NumberOfMessagesSent", period=45)],
        "The value 45 for parameter MetricDataQueries.member.1.MetricStat.Period is not a valid "
        "period; it must be 1, 5, 10, 20, 30, or a multiple of 60.",
    ),
    (
        [{"Id": "a"}],
        "The parameter MetricDataQueries.member.1.MetricStat is required.",
    ),
    (
        [{**query("a", "NumberOfMessagesSent"), "Expression": "a * 2"}],
        "Exactly one of MetricStat and Expression must be given in MetricDataQueries.member.1.",
    ),
]


@pytest.mark.parametrize(("queries", "message"), BAD_DATA)
def test_get_metric_data_refuses_bad_queries(
    cw: Any, orders: str, queries: list[Any], message: str
) -> None:
    with pytest.raises(ClientError) as caught:
        metric_data(cw, queries)
    error = caught.value.response["Error"]
    assert (error["Code"], error["Message"]) == ("ValidationError", message)


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (T0, T0, "The parameter StartTime must not equal parameter EndTime."),
        (T0, T0 - DAY, "The parameter EndTime must be greater than StartTime."),
    ],
)
def test_get_metric_data_refuses_bad_times(
    cw: Any, orders: str, start: datetime, end: datetime, message: str
) -> None:
    with pytest.raises(cw.exceptions.InvalidParameterValueException) as caught:
        cw.get_metric_data(
            MetricDataQueries=[query("a", "NumberOfMessagesSent")], StartTime=start, EndTime=end
        )
    assert caught.value.response["Error"]["Message"] == message


def test_get_metric_data_refuses_a_token_it_did_not_give(cw: Any, orders: str) -> None:
    with pytest.raises(cw.exceptions.InvalidNextToken) as caught:
        metric_data(cw, [query("a", "NumberOfMessagesSent")], NextToken="garbage")
    assert caught.value.response["Error"]["Message"] == (
        "The service couldn't process the NextToken."
    )


def test_a_token_that_is_deeply_nested_garbage_is_refused_too(cw: Any, orders: str) -> None:
    token = base64.urlsafe_b64encode(b"[" * 100_000).decode()
    with pytest.raises(cw.exceptions.InvalidNextToken):
        metric_data(cw, [query("a", "NumberOfMessagesSent")], NextToken=token)


def test_metric_math_is_not_simulated(cw: Any, orders: str) -> None:
    with pytest.raises(UnsupportedBySimulator, match="does not evaluate CloudWatch metric math"):
        metric_data(
            cw,
            [
                query("a", "NumberOfMessagesSent", ReturnData=False),
                {"Id": "b", "Expression": "a * 2", "Period": 300},
            ],
        )


# -- ListMetrics ----------------------------------------------------------------------

STANDARD = [
    "ApproximateAgeOfOldestMessage",
    "ApproximateNumberOfMessagesDelayed",
    "ApproximateNumberOfMessagesNotVisible",
    "ApproximateNumberOfMessagesVisible",
    "NumberOfEmptyReceives",
    "NumberOfMessagesDeleted",
    "NumberOfMessagesReceived",
    "NumberOfMessagesSent",
    "SentMessageSize",
]


QUIET = {  # what an empty, active queue reports
    "ApproximateNumberOfMessagesVisible",
    "NumberOfEmptyReceives",
    "NumberOfMessagesDeleted",
    "NumberOfMessagesReceived",
    "NumberOfMessagesSent",
}


def listed(cw: Any, **params: Any) -> list[tuple[str, str]]:
    metrics = cw.list_metrics(**params)["Metrics"]
    for metric in metrics:
        assert metric["Namespace"] == "AWS/SQS"
        assert [d["Name"] for d in metric["Dimensions"]] == ["QueueName"]
    return [(m["Dimensions"][0]["Value"], m["MetricName"]) for m in metrics]


def test_list_metrics_lists_what_each_queue_published(sqs: MockSQS, client: Any, cw: Any) -> None:
    client.create_queue(QueueName="quiet")
    url = client.create_queue(QueueName="busy")["QueueUrl"]
    client.send_message(QueueUrl=url, MessageBody="m", DelaySeconds=600)
    client.create_queue(
        QueueName="jobs.fifo",
        Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"},
    )
    assert listed(cw, Namespace="AWS/SQS") == []  # nothing is published until a minute ends
    sqs.advance(60)
    client.create_queue(QueueName="new")  # its first minute is not over
    everything = listed(cw)
    assert everything == listed(cw, Namespace="AWS/SQS")
    # A metric is listed once it has a datapoint: an empty queue's has no age, no
    # messages delayed or in flight (reported only if there are any), no sizes.
    empty = [m for m in STANDARD if m in QUIET]
    fifo = sorted([*empty, "ApproximateNumberOfGroupsWithInflightMessages"])
    assert everything == [
        *[("busy", m) for m in STANDARD if m != "ApproximateNumberOfMessagesNotVisible"],
        *[("jobs.fifo", m) for m in fifo],
        *[("quiet", m) for m in empty],
    ]
    assert listed(cw, MetricName="SentMessageSize") == [("busy", "SentMessageSize")]
    assert listed(cw, Dimensions=[{"Name": "QueueName", "Value": "quiet"}]) == [
        ("quiet", m) for m in empty
    ]
    assert len(listed(cw, Dimensions=[{"Name": "QueueName"}])) == len(everything)
    assert listed(cw, Dimensions=[{"Name": "Other"}]) == []
    assert listed(boto3.client("cloudwatch", region_name="eu-west-1")) == []


def test_list_metrics_forgets_queues_quiet_for_two_weeks(
    sqs: MockSQS, client: Any, cw: Any
) -> None:
    client.create_queue(QueueName="old")
    sqs.advance(timedelta(hours=2))
    assert len(listed(cw, RecentlyActive="PT3H")) == len(QUIET)
    sqs.advance(timedelta(hours=7))  # the empty queue stopped publishing at 6 h
    assert listed(cw, RecentlyActive="PT3H") == []
    assert len(listed(cw)) == len(QUIET)
    sqs.advance(timedelta(days=14))
    assert listed(cw) == []


def test_list_metrics_pages_by_500(sqs: MockSQS, client: Any, cw: Any) -> None:
    for n in range(101):
        client.create_queue(QueueName=f"q{n:03}")
    sqs.advance(60)
    first = cw.list_metrics(Namespace="AWS/SQS", IncludeLinkedAccounts=True)
    assert len(first["Metrics"]) == 500
    assert first["OwningAccounts"] == ["123456789012"] * 500
    second = cw.list_metrics(Namespace="AWS/SQS", NextToken=first["NextToken"])
    assert len(second["Metrics"]) == 101 * len(QUIET) - 500
    assert "NextToken" not in second
    names = [(m["Dimensions"][0]["Value"], m["MetricName"]) for m in first["Metrics"]]
    names += [(m["Dimensions"][0]["Value"], m["MetricName"]) for m in second["Metrics"]]
    assert len(set(names)) == 101 * len(QUIET)


@pytest.mark.parametrize(
    ("params", "code", "message"),
    [
        (
            {"RecentlyActive": "PT1H"},
            "ValidationError",
            "1 validation error detected: Value 'PT1H' at 'recentlyActive' failed to satisfy "
            "constraint: Member must satisfy enum value set: [PT3H]",
        ),
        (
            {"NextToken": "nope"},
            "InvalidParameterValue",
            "Request parameter NextToken is invalid",
        ),
    ],
)
def test_list_metrics_refuses_bad_input(
    cw: Any, params: dict[str, Any], code: str, message: str
) -> None:
    with pytest.raises(ClientError) as caught:
        cw.list_metrics(Namespace="AWS/SQS", **params)
    assert caught.value.response["Error"]["Code"] == code
    assert caught.value.response["Error"]["Message"] == message


# -- the rest of CloudWatch -------------------------------------------------------------


LAMBDA_ERRORS = {
    "Id": "b",
    "MetricStat": {
        "Metric": {"Namespace": "AWS/Lambda", "MetricName": "Errors"},
        "Period": 300,
        "Stat": "Sum",
    },
}


@pytest.mark.parametrize(
    "call",
    [
        lambda cw: cw.put_metric_data(
            Namespace="Shop", MetricData=[{"MetricName": "x", "Value": 1}]
        ),
        lambda cw: cw.list_metrics(Namespace="Shop"),
        lambda cw: cw.describe_alarms(),
        lambda cw: statistics(cw, Namespace="AWS/Lambda"),
        lambda cw: cw.get_metric_data(
            MetricDataQueries=[query("a", "NumberOfMessagesSent"), LAMBDA_ERRORS],
            StartTime=T0,
            EndTime=T0 + DAY,
        ),
    ],
    ids=["PutMetricData", "ListMetrics", "DescribeAlarms", "other-namespace", "mixed-query"],
)
def test_other_cloudwatch_calls_never_leave_the_process(
    cw: Any, call: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[str] = []
    monkeypatch.setattr(
        "botocore.httpsession.URLLib3Session.send", lambda _, request: sent.append(request.url)
    )
    with pytest.raises(UnmockedRequestError, match="pytest-sqs answers CloudWatch only for SQS"):
        call(cw)
    assert sent == []


def test_without_credentials_the_refusal_says_the_same(
    sqs: MockSQS, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    cw = boto3.session.Session().client("cloudwatch", region_name=REGION)
    with pytest.raises(UnmockedRequestError, match="pytest-sqs answers CloudWatch only for SQS"):
        cw.describe_alarms()


def test_moto_answers_the_rest_of_cloudwatch(client: Any, orders: str) -> None:
    from moto import mock_aws

    with mock_aws():
        cw = boto3.client("cloudwatch", region_name=REGION)
        cw.put_metric_data(Namespace="Shop", MetricData=[{"MetricName": "orders", "Value": 3}])
        shop = cw.list_metrics(Namespace="Shop")["Metrics"]
        assert [m["MetricName"] for m in shop] == ["orders"]
        # AWS/SQS stays pytest-sqs's: the simulator's traffic, not moto's.
        assert statistics(cw)["Datapoints"][0]["Sum"] == 15.0


def test_with_moto_the_calls_that_may_be_its_go_to_moto(client: Any, orders: str) -> None:
    from moto import mock_aws

    with mock_aws():
        cw = boto3.client("cloudwatch", region_name=REGION)
        cw.put_metric_data(Namespace="App", MetricData=[{"MetricName": "m", "Value": 2.0}])
        # Without a namespace the listing may be moto's: it is (SQS's are not in it).
        assert [m["Namespace"] for m in cw.list_metrics()["Metrics"]] == ["App"]
        assert listed(cw, Namespace="AWS/SQS")  # named, the namespace is ours
        # Expressions only: moto evaluates what it can.
        answer = cw.get_metric_data(
            MetricDataQueries=[{"Id": "e", "Expression": "SELECT SUM(m) FROM App", "Period": 60}],
            StartTime=T0,
            EndTime=T0 + DAY * 5000,
        )
        assert [r["Id"] for r in answer["MetricDataResults"]] == ["e"]
        # With an SQS metric in it, the call is ours, and metric math is not simulated.
        with pytest.raises(UnsupportedBySimulator, match="metric math"):
            cw.get_metric_data(
                MetricDataQueries=[
                    query("a", "NumberOfMessagesSent"),
                    {"Id": "e", "Expression": "a * 2", "Period": 300},
                ],
                StartTime=T0,
                EndTime=T0 + DAY,
            )


# -- the seed's command -----------------------------------------------------------------


def test_the_seeds_monitoring_command(
    sqs: MockSQS, client: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    url = client.create_queue(QueueName="MyStandardQueue")["QueueUrl"]
    for minute in range(60):  # a producer 3 a minute, a consumer 2 a minute
        sqs.move_to(T0 + timedelta(minutes=minute, seconds=10))
        for _ in range(3):
            client.send_message(QueueUrl=url, MessageBody="order")
        sqs.move_to(T0 + timedelta(minutes=minute, seconds=40))
        for message in client.receive_message(QueueUrl=url, MaxNumberOfMessages=2)["Messages"]:
            client.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    sqs.move_to(T0 + timedelta(hours=1))
    capsys.readouterr()
    code = create_clidriver().main(
        [
            "cloudwatch",
            "get-metric-statistics",
            "--namespace",
            "AWS/SQS",
            "--metric-name",
            "ApproximateNumberOfMessagesVisible",
            "--start-time",
            "2022-01-01T00:00:00Z",
            "--end-time",
            "2022-01-01T01:00:00Z",
            "--period",
            "60",
            "--statistics",
            "Average",
            "--dimensions",
            "Name=QueueName,Value=MyStandardQueue",
            "--region",
            "us-east-1",
        ]
    )
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    answer = json.loads(out)
    assert answer["Label"] == "ApproximateNumberOfMessagesVisible"
    points = sorted(answer["Datapoints"], key=lambda p: str(p["Timestamp"]))
    # The backlog grows by one a minute: 1, 2, ... 60 at the minutes' ends.
    assert [p["Average"] for p in points] == [float(n) for n in range(1, 61)]
    assert {p["Unit"] for p in points} == {"Count"}


# -- any input: an answer or CloudWatch's error, never a failure -------------------------

TIMES = st.one_of(
    st.datetimes(
        min_value=datetime(1971, 1, 1),
        max_value=datetime(2100, 1, 1),
        timezones=st.just(timezone.utc),
    ),
    st.sampled_from([T0, T0 + timedelta(minutes=10), T0 - DAY * 20, T0 + DAY * 500]),
)
STATS = st.sampled_from(
    [
        "Sum",
        "Average",
        "SampleCount",
        "Minimum",
        "Maximum",
        "p0",
        "p50",
        "p99.99",
        "p100",
        "p100.5",
        "p",
        "tm99",
        "",
        "sum",
    ]
)
PERIODS = st.sampled_from([1, 5, 10, 20, 30, 45, 60, 61, 300, 3600, 86400, 10**9])
METRIC_NAMES = st.sampled_from(
    ["NumberOfMessagesSent", "SentMessageSize", "ApproximateAgeOfOldestMessage", "Nope"]
)
DIMENSIONS = st.sampled_from(
    [QUEUE, [], [{"Name": "QueueName", "Value": "other"}], [{"Name": "Other", "Value": "orders"}]]
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    start=TIMES,
    end=TIMES,
    period=PERIODS,
    stats=st.lists(STATS, min_size=1, max_size=5),
    extended=st.booleans(),
    metric=METRIC_NAMES,
    dimensions=DIMENSIONS,
    unit=st.sampled_from([None, "Count", "Bytes", "Seconds", "Nope"]),
)
def test_get_metric_statistics_any_input(
    cw: Any,
    orders: str,
    start: datetime,
    end: datetime,
    period: int,
    stats: list[str],
    extended: bool,
    metric: str,
    dimensions: list[Any],
    unit: str | None,
) -> None:
    params: dict[str, Any] = {"ExtendedStatistics" if extended else "Statistics": stats}
    if unit is not None:
        params["Unit"] = unit
    try:
        answer = cw.get_metric_statistics(
            Namespace="AWS/SQS",
            MetricName=metric,
            Dimensions=dimensions,
            StartTime=start,
            EndTime=end,
            Period=period,
            **params,
        )
    except ClientError as error:
        assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 400
        assert error.response["Error"]["Message"]
        return
    assert answer["Label"] == metric
    for point in answer["Datapoints"]:
        assert start - timedelta(hours=1) <= point["Timestamp"] < end


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    start=TIMES,
    end=TIMES,
    queries=st.lists(
        st.tuples(
            st.sampled_from(["a", "b", "B", "a_1", "1"]),
            METRIC_NAMES,
            STATS,
            PERIODS,
            st.booleans(),
        ),
        min_size=1,
        max_size=4,
    ),
    limit=st.integers(min_value=1, max_value=50),
    ascending=st.booleans(),
)
def test_get_metric_data_any_input(
    cw: Any,
    orders: str,
    start: datetime,
    end: datetime,
    queries: list[Any],
    limit: int,
    ascending: bool,
) -> None:
    try:
        answer = cw.get_metric_data(
            MetricDataQueries=[
                {**query(query_id, metric, stat, period), "ReturnData": returned}
                for query_id, metric, stat, period, returned in queries
            ],
            StartTime=start,
            EndTime=end,
            MaxDatapoints=limit,
            ScanBy="TimestampAscending" if ascending else "TimestampDescending",
        )
    except ClientError as error:
        assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 400
        assert error.response["Error"]["Message"]
        return
    results = answer["MetricDataResults"]
    assert sum(len(r["Values"]) for r in results) <= limit
    for result in results:
        assert len(result["Timestamps"]) == len(result["Values"])
        assert result["Timestamps"] == sorted(result["Timestamps"], reverse=not ascending)
