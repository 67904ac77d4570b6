"""CloudWatch's AWS/SQS metrics from the HTTP server: the same answers as in-process, the
seed's AWS CLI command in a subprocess, CloudWatch's errors on the wire, and bad requests
that never make the server fail."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlencode

import boto3
import pytest
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_sqs import SQSServer, mock_sqs

REGION = "us-east-1"
T0 = datetime(2022, 1, 1, tzinfo=timezone.utc)
QUEUE = [{"Name": "QueueName", "Value": "MyStandardQueue"}]


@pytest.fixture(scope="module")
def running_server() -> Iterator[SQSServer]:
    with SQSServer(clock="manual", start=T0, seed=5) as running:
        yield running


@pytest.fixture
def server(running_server: SQSServer) -> Iterator[SQSServer]:
    """The module's server, emptied for this test; no internal failures allowed."""
    running_server.reset()
    bugs = len(running_server.bugs)
    yield running_server
    assert running_server.bugs[bugs:] == []


def cloudwatch(server: SQSServer) -> Any:
    return boto3.session.Session().client(
        "cloudwatch",
        region_name=REGION,
        endpoint_url=server.endpoint_url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def traffic(sqs: Any, advance: Any) -> None:
    """An hour of orders: 3 sent and 2 handled a minute; a delayed one; an empty receive."""
    url = sqs.create_queue(QueueName="MyStandardQueue")["QueueUrl"]
    for _ in range(60):
        advance(10)
        for _ in range(3):
            sqs.send_message(QueueUrl=url, MessageBody="order")
        advance(30)
        for message in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=2)["Messages"]:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        advance(20)
    sqs.send_message(QueueUrl=url, MessageBody="late", DelaySeconds=900)
    empty = sqs.create_queue(QueueName="empty")["QueueUrl"]
    sqs.receive_message(QueueUrl=empty)
    advance(120)


def questions(cw: Any) -> list[Any]:
    """What a monitoring check asks, with ResponseMetadata left out."""
    window = {"StartTime": T0, "EndTime": T0 + timedelta(hours=2)}
    answers = [
        cw.get_metric_statistics(
            Namespace="AWS/SQS",
            MetricName=metric,
            Dimensions=QUEUE,
            Period=600,
            Statistics=["SampleCount", "Average", "Sum", "Minimum", "Maximum"],
            **window,
        )
        for metric in (
            "ApproximateNumberOfMessagesVisible",
            "ApproximateNumberOfMessagesDelayed",
            "ApproximateAgeOfOldestMessage",
            "NumberOfMessagesSent",
            "SentMessageSize",
        )
    ]
    answers.append(
        cw.get_metric_data(
            MetricDataQueries=[
                {
                    "Id": "empties",
                    "MetricStat": {
                        "Metric": {
                            "Namespace": "AWS/SQS",
                            "MetricName": "NumberOfEmptyReceives",
                            "Dimensions": [{"Name": "QueueName", "Value": "empty"}],
                        },
                        "Period": 60,
                        "Stat": "Sum",
                    },
                }
            ],
            **window,
        )
    )
    answers.append(cw.list_metrics(Namespace="AWS/SQS"))
    answers.append(
        cw.get_metric_statistics(
            Namespace="AWS/SQS",
            MetricName="NumberOfMessagesDeleted",
            Dimensions=QUEUE,
            Period=3600,
            ExtendedStatistics=["p50", "p99.9"],
            **window,
        )
    )
    for answer in answers:
        del answer["ResponseMetadata"]
    return answers


def test_the_server_answers_as_the_mock_does(server: SQSServer) -> None:
    traffic(server.client(), server.advance)
    over_http = questions(cloudwatch(server))
    with mock_sqs(clock="manual", start=T0, seed=5) as mock:
        traffic(boto3.client("sqs", region_name=REGION), mock.advance)
        in_process = questions(boto3.client("cloudwatch", region_name=REGION))
    assert over_http == in_process
    visible = over_http[0]["Datapoints"]
    assert [p["Maximum"] for p in sorted(visible, key=lambda p: p["Timestamp"])][:6] == [
        10.0,
        20.0,
        30.0,
        40.0,
        50.0,
        60.0,
    ]
    empties = over_http[5]["MetricDataResults"][0]
    assert sum(empties["Values"]) == 1.0


def test_the_seeds_command_against_the_server(server: SQSServer) -> None:
    pytest.importorskip("awscli")
    traffic(server.client(), server.advance)
    command = [
        *(sys.executable, "-m", "awscli", "cloudwatch", "get-metric-statistics"),
        *("--namespace", "AWS/SQS", "--metric-name", "ApproximateNumberOfMessagesVisible"),
        *("--start-time", "2022-01-01T00:00:00Z", "--end-time", "2022-01-01T01:00:00Z"),
        *("--period", "60", "--statistics", "Average"),
        *("--dimensions", "Name=QueueName,Value=MyStandardQueue"),
    ]
    # server.env points the CLI's SQS and CloudWatch at the server, with fake credentials.
    done = subprocess.run(
        command, env={**os.environ, **server.env}, capture_output=True, text=True, timeout=120
    )
    assert (done.returncode, done.stderr) == (0, "")
    answer = json.loads(done.stdout)
    assert answer["Label"] == "ApproximateNumberOfMessagesVisible"
    averages = sorted((str(p["Timestamp"]), p["Average"]) for p in answer["Datapoints"])
    assert [average for _, average in averages] == [float(n) for n in range(1, 61)]


def test_errors_on_the_wire(server: SQSServer) -> None:
    cw = cloudwatch(server)
    with pytest.raises(cw.exceptions.InvalidParameterCombinationException) as caught:
        cw.get_metric_statistics(
            Namespace="AWS/SQS",
            MetricName="NumberOfMessagesSent",
            StartTime=T0,
            EndTime=T0 + timedelta(days=2),
            Period=60,
            Statistics=["Sum"],
        )
    response = caught.value.response
    assert response["Error"]["Code"] == "InvalidParameterCombination"
    assert response["Error"]["Message"].startswith("You have requested up to 2880 datapoints")
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_the_rest_of_cloudwatch_is_refused_with_a_reason(server: SQSServer) -> None:
    cw = cloudwatch(server)
    with pytest.raises(ClientError) as caught:
        cw.put_metric_data(Namespace="Shop", MetricData=[{"MetricName": "x", "Value": 1.0}])
    response = caught.value.response
    assert response["Error"]["Code"] == "NotImplemented"
    assert response["Error"]["Message"].startswith(
        "pytest-sqs answers CloudWatch only for SQS metrics"
    )
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert response["ResponseMetadata"]["RetryAttempts"] == 0  # not worth retrying


# -- bad requests -------------------------------------------------------------------------


def post(server: SQSServer, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.request("POST", "/", body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def post_json(server: SQSServer, operation: str, document: Any) -> tuple[int, Any]:
    status, body = post(
        server,
        json.dumps(document).encode(),
        {
            "Content-Type": "application/x-amz-json-1.0",
            "X-Amz-Target": f"GraniteServiceVersion20100801.{operation}",
        },
    )
    return status, json.loads(body)


def post_form(server: SQSServer, form: dict[str, str]) -> tuple[int, str]:
    status, body = post(
        server,
        urlencode({"Version": "2010-08-01", **form}).encode(),
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    return status, body.decode()


@pytest.mark.parametrize(
    ("document", "kind"),
    [
        ({"Namespace": "AWS/SQS", "MetricName": "X", "Period": "60"}, "SerializationException"),
        (
            {"Namespace": "AWS/SQS", "MetricName": "X", "Statistics": "Sum"},
            "SerializationException",
        ),
        ({"Namespace": "AWS/SQS", "MetricName": "X"}, "MissingRequiredParameterException"),
        (
            {
                "Namespace": "AWS/SQS",
                "MetricName": "X",
                "Period": 60,
                "Statistics": ["Sum"],
                "StartTime": "yesterday",
                "EndTime": 1,
            },
            "SerializationException",
        ),
    ],
)
def test_bad_json_is_an_aws_error(server: SQSServer, document: Any, kind: str) -> None:
    status, answer = post_json(server, "GetMetricStatistics", document)
    assert status == 400
    assert answer["__type"].endswith("#" + kind)


def test_bad_query_is_an_aws_error(server: SQSServer) -> None:
    status, body = post_form(
        server,
        {
            "Action": "GetMetricStatistics",
            "Namespace": "AWS/SQS",
            "MetricName": "NumberOfMessagesSent",
            "StartTime": "2022-01-01T00:00:00Z",
            "EndTime": "2022-01-01T01:00:00Z",
            "Period": "sixty",
            "Statistics.member.1": "Sum",
        },
    )
    assert status == 400
    assert "<Code>MalformedInput</Code>" in body
    status, body = post_form(server, {"Action": "DescribeAlarms"})
    assert status == 501
    assert "pytest-sqs answers CloudWatch only for SQS metrics" in body


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=12), children, max_size=3)
    ),
    max_leaves=8,
)
FIELDS = st.sampled_from(
    [
        "Namespace",
        "MetricName",
        "Dimensions",
        "StartTime",
        "EndTime",
        "Period",
        "Statistics",
        "ExtendedStatistics",
        "Unit",
        "MetricDataQueries",
        "ScanBy",
        "MaxDatapoints",
        "NextToken",
        "RecentlyActive",
        "LabelOptions",
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    operation=st.sampled_from(["GetMetricStatistics", "GetMetricData", "ListMetrics"]),
    document=st.dictionaries(FIELDS, JSON_VALUES, max_size=6),
    sqs_namespace=st.booleans(),
)
def test_any_json_gets_an_answer_never_a_failure(
    running_server: SQSServer, operation: str, document: dict[str, Any], sqs_namespace: bool
) -> None:
    if sqs_namespace:
        document["Namespace"] = "AWS/SQS"
    bugs = len(running_server.bugs)
    status, answer = post_json(running_server, operation, document)
    assert running_server.bugs[bugs:] == []
    assert status in (200, 400, 501), answer
    if status != 200:
        assert isinstance(answer.get("__type"), str) and isinstance(answer.get("message"), str)
