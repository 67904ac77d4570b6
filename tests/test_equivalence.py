"""What the in-process path hands to the caller is exactly what botocore's own parser
makes of the JSON bytes real SQS would send for the same result (design §3)."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.parsers import create_parser
from botocore.validate import validate_parameters

from pytest_sqs import MockSQS, mock_sqs
from pytest_sqs._core.actions import load
from pytest_sqs._wire import json_protocol

Recorded = list[tuple[str, dict[str, Any], dict[str, Any]]]


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[MockSQS, Any, Recorded]]:
    """A client whose every answer is recorded twice: the simulator's raw result and
    what the caller received."""
    calls: Recorded = []
    with mock_sqs(clock="manual", seed=7) as mock:
        simulator = mock.simulator
        handle = simulator.handle

        def spy(operation: str, params: Any, **kwargs: Any) -> dict[str, Any]:
            result = handle(operation, params, **kwargs)
            calls.append((operation, copy.deepcopy(result), result))
            return result

        monkeypatch.setattr(simulator, "handle", spy)
        yield mock, boto3.client("sqs", region_name="us-east-1"), calls


def _exercise(client: Any) -> None:
    url = client.create_queue(QueueName="eq", tags={"team": "a"})["QueueUrl"]
    client.create_queue(QueueName="eq-2")
    client.get_queue_url(QueueName="eq")
    client.list_queues(MaxResults=1)
    client.list_queues(QueueNamePrefix="nothing")
    client.set_queue_attributes(QueueUrl=url, Attributes={"DelaySeconds": "0"})
    client.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])
    client.get_queue_attributes(QueueUrl=url)
    client.tag_queue(QueueUrl=url, Tags={"env": "test"})
    client.list_queue_tags(QueueUrl=url)
    client.untag_queue(QueueUrl=url, TagKeys=["env", "team"])
    client.list_queue_tags(QueueUrl=url)
    client.add_permission(
        QueueUrl=url, Label="l1", AWSAccountIds=["111111111111"], Actions=["SendMessage"]
    )
    client.remove_permission(QueueUrl=url, Label="l1")
    arn = client.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    client.create_queue(
        QueueName="eq-source",
        Attributes={"RedrivePolicy": f'{{"deadLetterTargetArn":"{arn}","maxReceiveCount":3}}'},
    )
    client.list_dead_letter_source_queues(QueueUrl=url)
    attributes = {
        "s": {"DataType": "String", "StringValue": "text"},
        "n": {"DataType": "Number.int", "StringValue": "42"},
        "b": {"DataType": "Binary", "BinaryValue": b"\x00\x01binary"},
    }
    client.send_message(
        QueueUrl=url,
        MessageBody="one",
        MessageAttributes=attributes,
        MessageSystemAttributes={
            "AWSTraceHeader": {"DataType": "String", "StringValue": "Root=1-abc"}
        },
    )
    client.send_message_batch(
        QueueUrl=url,
        Entries=[
            {"Id": "ok", "MessageBody": "two", "MessageGroupId": "g"},
            {"Id": "bad", "MessageBody": "three", "DelaySeconds": 901},
        ],
    )
    handle = client.start_message_move_task(SourceArn=arn, MaxNumberOfMessagesPerSecond=1)[
        "TaskHandle"
    ]
    client.list_message_move_tasks(SourceArn=arn, MaxResults=10)
    client.cancel_message_move_task(TaskHandle=handle)
    received = client.receive_message(
        QueueUrl=url,
        MaxNumberOfMessages=10,
        MessageAttributeNames=["All"],
        **{_system_names(client): ["All"]},
    )["Messages"]
    client.receive_message(QueueUrl=url)
    handles = [m["ReceiptHandle"] for m in received]
    client.change_message_visibility(QueueUrl=url, ReceiptHandle=handles[0], VisibilityTimeout=5)
    client.change_message_visibility_batch(
        QueueUrl=url,
        Entries=[
            {"Id": "a", "ReceiptHandle": handles[0], "VisibilityTimeout": 0},
            {"Id": "b", "ReceiptHandle": "garbage", "VisibilityTimeout": 0},
        ],
    )
    client.delete_message(QueueUrl=url, ReceiptHandle=handles[0])
    client.delete_message_batch(
        QueueUrl=url,
        Entries=[{"Id": "a", "ReceiptHandle": handles[1]}, {"Id": "b", "ReceiptHandle": "x"}],
    )
    client.purge_queue(QueueUrl=url)
    client.delete_queue(QueueUrl=url)


def _system_names(client: Any) -> str:
    """MessageSystemAttributeNames; botocore before it existed (< 1.34.80) has only the
    older AttributeNames."""
    members = client.meta.service_model.operation_model("ReceiveMessage").input_shape.members
    return (
        "MessageSystemAttributeNames"
        if "MessageSystemAttributeNames" in members
        else "AttributeNames"
    )


def _protocol(client: Any) -> str:
    model = client.meta.service_model
    return getattr(model, "resolved_protocol", None) or model.protocol  # type: ignore[no-any-return]


def test_in_process_results_equal_botocores_parse_of_our_json(
    recorded: tuple[MockSQS, Any, Recorded],
) -> None:
    mock, client, calls = recorded
    if _protocol(client) == "query":
        _check_query_era(client, calls)
        return
    _exercise(client)
    parser = create_parser("json")
    model = client.meta.service_model
    for operation, raw, delivered in calls:
        body = json_protocol.encode_result(raw)
        metadata = delivered["ResponseMetadata"]
        headers = json_protocol.response_headers(metadata["RequestId"], mock.clock.now(), body)
        output_shape = model.operation_model(operation).output_shape
        parsed = parser.parse({"status_code": 200, "headers": headers, "body": body}, output_shape)
        parsed["ResponseMetadata"]["RetryAttempts"] = 0
        # content-length is the one header we don't compute in-process (it would mean
        # serialising every answer just to count it).
        del parsed["ResponseMetadata"]["HTTPHeaders"]["content-length"]
        assert delivered == parsed, operation
        if output_shape is not None:
            validate_parameters(raw, output_shape)


def _check_query_era(client: Any, calls: Recorded) -> None:
    """Before SQS's JSON protocol (botocore 1.34 and older; CI runs this on 1.34.69),
    answers are botocore's parse of the XML SQS sent then: it must make of our XML exactly
    what the simulator found."""
    answers: list[tuple[str, dict[str, Any]]] = []

    def keep(parsed: dict[str, Any], model: Any, **_: Any) -> None:
        answers.append((model.name, parsed))

    client.meta.events.register("after-call.sqs", keep)
    _exercise(client)
    assert [operation for operation, _ in answers] == [operation for operation, _, _ in calls]
    for (operation, parsed), (_, raw, _) in zip(answers, calls, strict=True):
        answer = {key: value for key, value in parsed.items() if key != "ResponseMetadata"}
        assert answer == raw, operation
        assert parsed["ResponseMetadata"]["HTTPHeaders"]["content-type"] == "text/xml"


def test_the_scenario_covers_every_implemented_action(
    recorded: tuple[MockSQS, Any, Recorded],
) -> None:
    _mock, client, calls = recorded
    _exercise(client)
    assert {operation for operation, _, _ in calls} == set(load())
