"""The SQS query protocol (form requests, XML answers) of pre-2024 SDKs, over SQSServer.

Two kinds of tests:

* A whole scenario run by a real query-era client: botocore 1.31.80 in a subprocess
  (tests/legacy_query_client.py).  It needs that botocore installed apart from the main
  environment; without it these tests skip and say how to install it.
* Hand-built requests (http.client) read with ElementTree: the exact envelope and element
  layouts (from the query-era botocore model and AWS captures), routing by queue path,
  GET requests, and the protocol's own errors.  These need nothing but the server.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from pytest_sqs import SQSServer

ROOT = Path(__file__).resolve().parents[1]
LEGACY_DIR = ROOT / ".legacy" / "botocore-query"
LEGACY_BOTOCORE = "1.31.80"
INSTALL_COMMAND = (
    f"python -m pip install --quiet --no-deps --target {LEGACY_DIR} botocore=={LEGACY_BOTOCORE}"
)
LEGACY_SCRIPT = Path(__file__).with_name("legacy_query_client.py")

NAMESPACE = "http://queue.amazonaws.com/doc/2012-11-05/"
NS = "{" + NAMESPACE + "}"
ACCOUNT = "123456789012"
REGION = "us-east-1"
FORM = "application/x-www-form-urlencoded; charset=utf-8"
NON_EXISTENT_QUEUE = "AWS.SimpleQueueService.NonExistentQueue"
WSDL_TEXT = "The specified queue does not exist for this wsdl version."
LIST_VALUES_TEXT = "Message attribute list values in SendMessage operation are not supported."


# -- plumbing -------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    status: int
    headers: Mapping[str, str]  # lower-cased names
    raw: bytes

    @property
    def root(self) -> ET.Element:
        return ET.fromstring(self.raw)

    @property
    def request_id(self) -> str:
        return self.headers["x-amzn-requestid"]


def send_raw(
    server: SQSServer,
    method: str,
    path: str,
    *,
    body: bytes | None = None,
    headers: Mapping[str, str] | None = None,
) -> Answer:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=dict(headers or {}))
        response = conn.getresponse()
        raw = response.read()
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, raw)
    finally:
        conn.close()


def query(server: SQSServer, action: str | None, *, path: str = "/", **params: str) -> Answer:
    """A form POST as the query-era SDKs send it (``Action`` first, then ``Version``)."""
    form: dict[str, str] = {}
    if action is not None:
        form["Action"] = action
        form["Version"] = "2012-11-05"
    form.update(params)
    return send_raw(
        server, "POST", path, body=urlencode(form).encode(), headers={"Content-Type": FORM}
    )


def query_get(server: SQSServer, path: str, params: Mapping[str, str]) -> Answer:
    """Parameters in the query string, as boto2 and the early AWS docs did."""
    return send_raw(server, "GET", f"{path}?{urlencode(params)}" if params else path)


def json_call(server: SQSServer, operation: str, params: Mapping[str, Any]) -> Answer:
    """The same action over the AWS JSON protocol, to compare the two."""
    return send_raw(
        server,
        "POST",
        "/",
        body=json.dumps(params).encode(),
        headers={
            "Content-Type": "application/x-amz-json-1.0",
            "X-Amz-Target": f"AmazonSQS.{operation}",
        },
    )


def local(element: ET.Element) -> str:
    tag = element.tag
    assert tag.startswith(NS), f"{tag} is not in the SQS namespace"
    return tag[len(NS) :]


def children(element: ET.Element) -> list[str]:
    return [local(child) for child in element]


def find(element: ET.Element, path: str) -> ET.Element:
    found = element.find("/".join(NS + step for step in path.split("/")))
    assert found is not None, f"no {path} in {ET.tostring(element)!r}"
    return found


def findall(element: ET.Element, path: str) -> list[ET.Element]:
    return element.findall("/".join(NS + step for step in path.split("/")))


def text(element: ET.Element, path: str) -> str:
    return find(element, path).text or ""


def result(answer: Answer, action: str) -> ET.Element:
    """The ``<ActionResult>`` of a successful answer, after checking the envelope."""
    assert answer.status == 200, answer.raw
    assert answer.headers["content-type"] == "text/xml"
    root = answer.root
    assert local(root) == f"{action}Response"
    assert children(root) == [f"{action}Result", "ResponseMetadata"]
    assert children(find(root, "ResponseMetadata")) == ["RequestId"]
    assert text(root, "ResponseMetadata/RequestId") == answer.request_id
    return find(root, f"{action}Result")


def assert_error(answer: Answer, status: int, code: str, message: str) -> None:
    """An ``<ErrorResponse>`` exactly as AWS lays it out (RequestId beside Error)."""
    assert answer.status == status, answer.raw
    assert answer.headers["content-type"] == "text/xml"
    root = answer.root
    assert local(root) == "ErrorResponse"
    assert children(root) == ["Error", "RequestId"]
    error = find(root, "Error")
    assert children(error) == ["Type", "Code", "Message", "Detail"]
    assert (text(error, "Type"), text(error, "Code"), text(error, "Message")) == (
        "Sender",
        code,
        message,
    )
    detail = find(error, "Detail")
    assert detail.text is None and len(detail) == 0
    assert text(root, "RequestId") == answer.request_id


def md5(value: str) -> str:
    return hashlib.md5(value.encode("utf-8")).hexdigest()


@pytest.fixture
def server() -> Iterator[SQSServer]:
    with SQSServer(clock="manual") as running:
        yield running


def create(server: SQSServer, name: str, **attributes: str) -> str:
    params: dict[str, str] = {"QueueName": name}
    for n, (key, value) in enumerate(attributes.items(), start=1):
        params[f"Attribute.{n}.Name"] = key
        params[f"Attribute.{n}.Value"] = value
    return text(result(query(server, "CreateQueue", **params), "CreateQueue"), "QueueUrl")


# -- A. a real query-era client ---------------------------------------------------------


@dataclass(frozen=True)
class LegacyRun:
    server: SQSServer
    out: dict[str, Any]


def _legacy_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        PYTHONPATH=str(LEGACY_DIR),
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION=REGION,
        AWS_EC2_METADATA_DISABLED="true",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        PYTHONIOENCODING="utf-8",
    )
    return env


@pytest.fixture(scope="module")
def legacy() -> Iterator[LegacyRun]:
    """The scenario of tests/legacy_query_client.py, run once against one server."""
    if not (LEGACY_DIR / "botocore" / "__init__.py").is_file():
        pytest.skip(
            f"the query-era botocore {LEGACY_BOTOCORE} is not installed in {LEGACY_DIR}; "
            f"install it with: {INSTALL_COMMAND}"
        )
    with SQSServer(clock="manual") as running:
        done = subprocess.run(
            [sys.executable, str(LEGACY_SCRIPT), running.endpoint_url],
            env=_legacy_env(),
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=120,
            check=False,
        )
        context = f"exit {done.returncode}\nstdout:\n{done.stdout}\nstderr:\n{done.stderr}"
        assert done.returncode == 0, context
        out = json.loads(done.stdout)
        assert "crashed" not in out, context
        assert running.bugs == []
        yield LegacyRun(running, out)


def test_legacy_client_is_the_query_era_botocore(legacy: LegacyRun) -> None:
    assert legacy.out["botocore"] == LEGACY_BOTOCORE
    assert legacy.out["protocol"] == "query"
    # Imported from the side directory, not the main environment's JSON-era botocore.
    assert Path(legacy.out["path"]).resolve().is_relative_to(LEGACY_DIR.resolve())
    assert legacy.server.calls, "the legacy client reached the server"


def test_legacy_queues_urls_and_listing(legacy: LegacyRun) -> None:
    out, server = legacy.out, legacy.server
    urls = out["urls"]
    assert urls == {
        "std": server.queue_url("legacy-std"),
        "fifo": server.queue_url("legacy-fifo.fifo"),
        "dlq": server.queue_url("legacy-dlq"),
        "src": server.queue_url("legacy-src"),
        "purge": server.queue_url("legacy-purge"),
    }
    assert out["get_queue_url"] == urls["std"]
    assert sorted(out["list_prefix"]) == sorted(urls.values())
    assert out["list_prefix_fifo"] == [urls["fifo"]]
    assert out["list_prefix_none"] == []
    first, rest, more = out["list_pages"]
    assert len(first) == 3 and not more
    assert sorted(first + rest) == sorted(urls.values())
    assert sorted(out["list_after_delete"]) == sorted(u for k, u in urls.items() if k != "purge")


def test_legacy_queue_attributes(legacy: LegacyRun) -> None:
    out, server = legacy.out, legacy.server
    everything = out["std_attributes_all"]
    assert everything["VisibilityTimeout"] == "30"
    assert everything["MaximumMessageSize"] == "2048"
    assert everything["QueueArn"] == f"arn:aws:sqs:{REGION}:{ACCOUNT}:legacy-std"
    assert out["fifo_attributes"] == {"FifoQueue": "true", "ContentBasedDeduplication": "false"}
    assert out["std_attributes_after_set"] == {
        "VisibilityTimeout": "45",
        "MaximumMessageSize": "2048",
    }
    assert server.queue("legacy-std").attributes["VisibilityTimeout"] == "45"
    assert json.loads(out["src_redrive_policy"]) == {
        "deadLetterTargetArn": out["dlq_arn"],
        "maxReceiveCount": 2,
    }
    # ``AttributeNames=[]`` goes out as ``AttributeNames=``: accepted, nothing answered.
    assert out["attributes_empty_list"] == {}
    empty = [
        c for c in server.calls_to("GetQueueAttributes") if c.params.get("AttributeNames") == []
    ]
    assert len(empty) == 1 and empty[0].error is None


def test_legacy_message_round_trip(legacy: LegacyRun) -> None:
    out, server = legacy.out, legacy.server
    body = out["inputs"]["body"]
    for piece in ("\r\n", "&", "<", '"', "'", "ü", "😀"):
        assert piece in body
    sent = out["send"]
    assert sent["MD5OfMessageBody"] == md5(body) == out["expected_md5_of_body"]
    assert sent["MD5OfMessageAttributes"] == out["expected_md5_of_attributes"]

    (message,) = out["receive"]
    assert out["body_round_trips"] is True
    assert message["Body"] == body
    assert message["MessageId"] == sent["MessageId"]
    assert message["MD5OfBody"] == md5(body) == out["received_md5_of_body_recomputed"]
    assert message["MD5OfMessageAttributes"] == sent["MD5OfMessageAttributes"]
    assert out["received_md5_of_attributes_recomputed"] == sent["MD5OfMessageAttributes"]
    assert out["attributes_round_trip"] is True
    assert message["MessageAttributes"] == out["inputs"]["attributes"]
    assert message["MessageAttributes"]["b"]["BinaryValue"] == {"base64": "AP9oaQ0K"}
    system = message["Attributes"]
    assert system["ApproximateReceiveCount"] == "1"
    assert {"SenderId", "SentTimestamp", "ApproximateFirstReceiveTimestamp"} <= set(system)
    assert system["SentTimestamp"].isdigit()

    (again,) = out["receive_again"]  # after ChangeMessageVisibility to 0
    assert again["MessageId"] == sent["MessageId"]
    assert again["Attributes"] == {"ApproximateReceiveCount": "2"}
    assert out["std_empty_after_delete"] == []

    # What the server decoded from the form: the exact text and bytes the client gave.
    (call,) = [c for c in server.calls_to("SendMessage") if c.params["MessageBody"] == body]
    attributes = call.params["MessageAttributes"]
    assert attributes["b"] == {"DataType": "Binary", "BinaryValue": b"\x00\xffhi\r\n"}
    assert attributes["s"]["StringValue"] == out["inputs"]["attributes"]["s"]["StringValue"]
    assert attributes["n"] == {"DataType": "Number", "StringValue": "-12.50"}


def test_legacy_list_values_are_refused(legacy: LegacyRun) -> None:
    refused = legacy.out["list_values"]
    assert refused["caught_as"] == "UnsupportedOperation" and refused["is_modelled_class"]
    assert refused["code"] == "AWS.SimpleQueueService.UnsupportedOperation"
    assert refused["message"] == LIST_VALUES_TEXT
    assert (refused["status"], refused["type"]) == (400, "Sender")


def test_legacy_batches(legacy: LegacyRun) -> None:
    out, server = legacy.out, legacy.server
    batch = out["send_batch"]
    assert [e["Id"] for e in batch["Successful"]] == ["ok1", "ok2"]
    ok1, ok2 = batch["Successful"]
    assert ok1["MD5OfMessageBody"] == md5("batch one")
    assert "MD5OfMessageAttributes" not in ok1 and "MD5OfMessageAttributes" in ok2
    (failed,) = batch["Failed"]
    assert failed["Id"] == "bad"
    assert failed["SenderFault"] is True  # a bool: the XML said lowercase ``true``
    assert failed["Code"] == "InvalidParameterValue"
    assert "Message must be shorter than 2048 bytes" in failed["Message"]
    assert out["batch_received_bodies"] == ["batch one", "batch two"]

    deleted = out["delete_batch"]
    assert deleted["Successful"] == [{"Id": "d1"}]
    (bad_handle,) = deleted["Failed"]
    assert bad_handle["Id"] == "d2" and bad_handle["SenderFault"] is True
    assert bad_handle["Code"] == "ReceiptHandleIsInvalid"
    assert out["change_visibility_batch"] == {"Successful": [{"Id": "c1"}]}

    # Left behind: "batch two", made visible again by the visibility batch.
    std = server.queue("legacy-std")
    assert [m.body for m in std.visible] == ["batch two"]
    assert std.in_flight == () and std.delayed == ()
    assert std.visible[0].message_attributes == {"k": {"DataType": "String", "StringValue": "v"}}


def test_legacy_fifo(legacy: LegacyRun) -> None:
    out, server = legacy.out, legacy.server
    first, duplicate, second = out["fifo_send"]
    assert duplicate["MessageId"] == first["MessageId"]
    assert duplicate["SequenceNumber"] == first["SequenceNumber"]
    assert first["SequenceNumber"].isdigit() and second["SequenceNumber"].isdigit()
    assert int(second["SequenceNumber"]) > int(first["SequenceNumber"])
    received = out["fifo_receive"]
    assert [m["Body"] for m in received] == ["f1", "f2"]
    attributes = received[0]["Attributes"]
    assert attributes["MessageGroupId"] == "g1"
    assert attributes["MessageDeduplicationId"] == "d1"
    assert attributes["SequenceNumber"] == first["SequenceNumber"]
    fifo = server.queue("legacy-fifo.fifo")
    assert [m.body for m in fifo.in_flight] == ["f1", "f2"]
    assert [m.sequence_number for m in fifo.in_flight] == [
        first["SequenceNumber"],
        second["SequenceNumber"],
    ]
    assert fifo.tags == {"kind": "fifo"}


def test_legacy_tags_and_permissions(legacy: LegacyRun) -> None:
    out, server = legacy.out, legacy.server
    assert out["tags_created"] == {"team": "qa", "env": "test"}
    assert out["tags_after"] == {"team": "qa", "owner": "me + you"}
    assert out["tags_fifo"] == {"kind": "fifo"}
    assert server.queue("legacy-std").tags == {"team": "qa", "owner": "me + you"}
    policy = json.loads(out["policy_after_add"])
    (statement,) = policy["Statement"]
    assert statement["Sid"] == "p1"
    assert sorted(statement["Principal"]["AWS"]) == [
        "arn:aws:iam::111122223333:root",
        "arn:aws:iam::444455556666:root",
    ]
    assert sorted(statement["Action"]) == ["SQS:ReceiveMessage", "SQS:SendMessage"]
    assert out["policy_after_remove"] is None
    assert "Policy" not in server.queue("legacy-std").attributes


def test_legacy_dead_letters_and_move_task(legacy: LegacyRun) -> None:
    out, server = legacy.out, legacy.server
    src_arn = f"arn:aws:sqs:{REGION}:{ACCOUNT}:legacy-src"
    assert out["dead_letter_sources"] == [out["urls"]["src"]]
    assert out["src_receive_counts"] == [["1"], ["2"], []]
    (dead,) = out["dlq_messages"]
    assert dead["Body"] == "poison"
    assert dead["Attributes"]["DeadLetterQueueSourceArn"] == src_arn

    handle = out["move_task_start"]["TaskHandle"]
    assert handle
    (listed,) = out["move_tasks_listed"]
    assert listed["TaskHandle"] == handle
    assert listed["Status"] == "RUNNING"
    assert listed["SourceArn"] == out["dlq_arn"]
    assert listed["MaxNumberOfMessagesPerSecond"] == 1  # an int: parsed from <...>1</...>
    assert listed["ApproximateNumberOfMessagesToMove"] == 1
    assert isinstance(listed["StartedTimestamp"], int)
    assert out["move_task_cancel"] == {"ApproximateNumberOfMessagesMoved": 0}
    (cancelled,) = out["move_tasks_after_cancel"]
    assert cancelled["Status"] == "CANCELLED"

    # The manual clock never moved, so the cancelled task moved nothing.
    dlq = server.queue("legacy-dlq")
    assert [m.body for m in dlq.visible] == ["poison"]
    assert dlq.visible[0].dead_letter_source_arn == src_arn
    assert server.queue("legacy-src").messages == ()
    assert [q.name for q in dlq.dead_letter_sources] == ["legacy-src"]


def test_legacy_purge_and_delete(legacy: LegacyRun) -> None:
    assert legacy.out["purged_receive"] == []
    assert [c.error for c in legacy.server.calls_to("PurgeQueue")] == [None]
    with pytest.raises(LookupError):
        legacy.server.queue("legacy-purge")


def test_legacy_errors_are_typed_exceptions(legacy: LegacyRun) -> None:
    out = legacy.out
    for key in ("missing_queue", "send_to_missing"):
        error = out[key]
        assert error["caught_as"] == "QueueDoesNotExist", error
        assert error["is_modelled_class"] is True
        assert error["code"] == NON_EXISTENT_QUEUE
        assert error["message"] == WSDL_TEXT
        assert (error["status"], error["type"]) == (400, "Sender")
        assert error["request_id"]
    exists = out["queue_exists"]
    assert exists["caught_as"] == "QueueNameExists" and exists["is_modelled_class"] is True
    assert exists["code"] == "QueueAlreadyExists"
    assert exists["message"] == (
        "A queue already exists with the same name and a different value for attribute "
        "VisibilityTimeout"
    )
    assert (exists["status"], exists["type"]) == (400, "Sender")


# -- B. hand-built requests: the envelope ------------------------------------------------


def test_send_message_envelope(server: SQSServer) -> None:
    url = create(server, "envelope")
    answer = query(server, "SendMessage", QueueUrl=url, MessageBody="hello")
    assert answer.raw.startswith(
        b'<?xml version="1.0"?><SendMessageResponse xmlns="' + NAMESPACE.encode() + b'">'
    )
    sent = result(answer, "SendMessage")
    assert children(sent) == ["MD5OfMessageBody", "MessageId"]
    assert text(sent, "MD5OfMessageBody") == md5("hello")
    (message,) = server.queue("envelope").visible
    assert text(sent, "MessageId") == message.message_id
    assert message.body == "hello"
    again = query(server, "SendMessage", QueueUrl=url, MessageBody="hello")
    assert again.request_id != answer.request_id


@pytest.mark.parametrize(
    ("action", "params"),
    [
        ("SetQueueAttributes", {"Attribute.1.Name": "DelaySeconds", "Attribute.1.Value": "1"}),
        ("PurgeQueue", {}),
        ("TagQueue", {"Tag.1.Key": "k", "Tag.1.Value": "v"}),
        ("UntagQueue", {"TagKey.1": "k"}),
        ("RemovePermission", {"Label": "nope"}),
        ("DeleteQueue", {}),
    ],
)
def test_actions_without_output_answer_only_metadata(
    server: SQSServer, action: str, params: dict[str, str]
) -> None:
    url = create(server, "quiet")
    if action == "RemovePermission":
        query(
            server,
            "AddPermission",
            QueueUrl=url,
            Label="nope",
            **{"AWSAccountId.1": "111122223333", "ActionName.1": "SendMessage"},
        )
    answer = query(server, action, QueueUrl=url, **params)
    assert answer.status == 200, answer.raw
    root = answer.root
    assert local(root) == f"{action}Response"
    assert children(root) == ["ResponseMetadata"]
    assert text(root, "ResponseMetadata/RequestId") == answer.request_id


def test_sigv2_common_parameters_are_ignored(server: SQSServer) -> None:
    url = create(server, "signed")
    answer = query(
        server,
        "ListQueues",
        AWSAccessKeyId="testing",
        SignatureVersion="2",
        SignatureMethod="HmacSHA256",
        Signature="c2lnbmF0dXJl",
        Timestamp="2024-01-01T00:00:00Z",
    )
    assert [e.text for e in findall(result(answer, "ListQueues"), "QueueUrl")] == [url]


# -- B. routing: GET, queue paths -------------------------------------------------------


def test_get_with_parameters_in_the_query_string(server: SQSServer) -> None:
    url = create(server, "by-get")
    create(server, "other")
    listed = result(
        query_get(server, "/", {"Action": "ListQueues", "QueueNamePrefix": "by-"}), "ListQueues"
    )
    assert [e.text for e in findall(listed, "QueueUrl")] == [url]
    # On the queue's own path (the LocalStack-validated AWS style), no QueueUrl needed.
    path = f"/{ACCOUNT}/by-get"
    sent = query_get(server, path, {"Action": "SendMessage", "MessageBody": "a+b c&d"})
    assert text(result(sent, "SendMessage"), "MD5OfMessageBody") == md5("a+b c&d")
    assert server.queue("by-get").bodies() == ["a+b c&d"]
    received = result(query_get(server, path, {"Action": "ReceiveMessage"}), "ReceiveMessage")
    assert text(received, "Message/Body") == "a+b c&d"


def test_post_to_the_queue_path_without_queue_url(server: SQSServer) -> None:
    """Java SDK v1 drops ``QueueUrl`` and posts to the queue URL's path instead."""
    create(server, "java-v1")
    create(server, "bystander")
    path = f"/{ACCOUNT}/java-v1"
    result(query(server, "SendMessage", path=path, MessageBody="from java"), "SendMessage")
    attributes = result(
        query(server, "GetQueueAttributes", path=path, **{"AttributeName.1": "QueueArn"}),
        "GetQueueAttributes",
    )
    assert text(attributes, "Attribute/Value") == f"arn:aws:sqs:{REGION}:{ACCOUNT}:java-v1"
    received = result(query(server, "ReceiveMessage", path=path), "ReceiveMessage")
    handle = text(received, "Message/ReceiptHandle")
    result_of_delete = query(server, "DeleteMessage", path=path, ReceiptHandle=handle)
    assert result_of_delete.status == 200
    assert server.queue("java-v1").messages == ()
    assert server.queue("bystander").messages == ()
    assert [c.queue_url for c in server.calls_to("SendMessage")] == [path]


def test_queue_url_parameter_wins_over_the_path(server: SQSServer) -> None:
    create(server, "path-queue")
    target = create(server, "param-queue")
    answer = query(
        server,
        "SendMessage",
        path=f"/{ACCOUNT}/path-queue",
        QueueUrl=target,
        MessageBody="to the parameter",
    )
    result(answer, "SendMessage")
    assert server.queue("param-queue").bodies() == ["to the parameter"]
    assert server.queue("path-queue").messages == ()


def test_path_of_a_missing_queue(server: SQSServer) -> None:
    answer = query(server, "SendMessage", path=f"/{ACCOUNT}/missing", MessageBody="x")
    assert_error(answer, 400, NON_EXISTENT_QUEUE, WSDL_TEXT)


@pytest.mark.parametrize("path", ["/", f"/{ACCOUNT}/some-queue"])
def test_get_without_parameters_is_an_unknown_operation(server: SQSServer, path: str) -> None:
    create(server, "some-queue")
    answer = send_raw(server, "GET", path)
    assert answer.status == 404
    assert answer.raw == b"<UnknownOperationException/>\n"


# -- B. the protocol's own errors -------------------------------------------------------


@pytest.mark.parametrize(
    "action",
    [
        "FooBar",
        "RenameQueue",
        "Foo-Bar",
        "Send_Message",
    ],
)
def test_unknown_action_is_invalid_action(server: SQSServer, action: str) -> None:
    answer = query(server, action)
    assert_error(
        answer, 400, "InvalidAction", f"The action {action} is not valid for this endpoint."
    )
    assert server.bugs == []


# AWS-validated in LocalStack's suite: service-level actions are refused on a queue URL.
@pytest.mark.parametrize("action", ["CreateQueue", "ListQueues"])
def test_service_actions_on_a_queue_path_are_invalid(server: SQSServer, action: str) -> None:
    create(server, "some-queue")
    answer = query(server, action, path=f"/{ACCOUNT}/some-queue", QueueName="another")
    assert answer.status == 400, answer.raw
    assert text(answer.root, "Error/Code") == "InvalidAction"
    assert text(answer.root, "Error/Message").startswith(
        f"The action {action} is not valid for this endpoint"
    )
    assert [q.name for q in server.queues()] == ["some-queue"]


@pytest.mark.parametrize("form", [{"QueueName": "x"}, {"Action": ""}, {}])
def test_form_without_action_is_missing_action(server: SQSServer, form: dict[str, str]) -> None:
    answer = send_raw(
        server, "POST", "/", body=urlencode(form).encode(), headers={"Content-Type": FORM}
    )
    assert_error(
        answer, 400, "MissingAction", "The request is missing an action or a required parameter."
    )


def test_missing_queue_over_query_and_json(server: SQSServer) -> None:
    """Same error, two wordings: "...for this wsdl version." is the query protocol's."""
    over_query = query(server, "GetQueueUrl", QueueName="nowhere")
    assert_error(over_query, 400, NON_EXISTENT_QUEUE, WSDL_TEXT)
    over_json = json_call(server, "GetQueueUrl", {"QueueName": "nowhere"})
    assert over_json.status == 400
    assert over_json.headers["x-amzn-query-error"] == f"{NON_EXISTENT_QUEUE};Sender"
    assert json.loads(over_json.raw)["message"] == "The specified queue does not exist."


def test_missing_parameter(server: SQSServer) -> None:
    url = create(server, "strict")
    answer = query(server, "SendMessage", QueueUrl=url)
    assert_error(
        answer, 400, "MissingParameter", "The request must contain the parameter MessageBody."
    )


def test_error_echoing_a_control_character_is_well_formed_xml(server: SQSServer) -> None:
    url = create(server, "echo")
    answer = query(server, "DeleteMessage", QueueUrl=url, ReceiptHandle="bad\x01handle")
    root = answer.root  # well-formed: the character is replaced, not written raw
    assert text(root, "Error/Code") == "ReceiptHandleIsInvalid"
    assert "\x01" not in text(root, "Error/Message")


# -- B. answer layouts ------------------------------------------------------------------

CR_BODY = "one\r\ntwo\rthree & <four> \"five\" 'six' ünï 😀"


def _send(server: SQSServer, url: str, body: str, **attributes: tuple[str, str]) -> ET.Element:
    params: dict[str, str] = {"QueueUrl": url, "MessageBody": body}
    for n, (name, (data_type, value)) in enumerate(attributes.items(), start=1):
        params[f"MessageAttribute.{n}.Name"] = name
        params[f"MessageAttribute.{n}.Value.DataType"] = data_type
        field = "BinaryValue" if data_type.startswith("Binary") else "StringValue"
        params[f"MessageAttribute.{n}.Value.{field}"] = value
    return result(query(server, "SendMessage", **params), "SendMessage")


def test_receive_message_layout(server: SQSServer) -> None:
    url = create(server, "layout")
    binary = base64.b64encode(b"\x00\xffhi").decode()
    sent = _send(
        server,
        url,
        CR_BODY,
        s=("String", "x\r\ny"),
        n=("Number", "42"),
        b=("Binary", binary),
    )
    _send(server, url, "plain")
    answer = query(
        server,
        "ReceiveMessage",
        QueueUrl=url,
        MaxNumberOfMessages="10",
        **{"AttributeName.1": "All", "MessageAttributeName.1": "All"},
    )
    received = result(answer, "ReceiveMessage")
    assert children(received) == ["Message", "Message"]  # repeated, no container
    by_body = {text(m, "Body"): m for m in findall(received, "Message")}
    message = by_body[CR_BODY]
    assert set(children(message)) == {
        "MessageId",
        "ReceiptHandle",
        "MD5OfBody",
        "Body",
        "Attribute",
        "MD5OfMessageAttributes",
        "MessageAttribute",
    }
    assert text(message, "MessageId") == text(sent, "MessageId")
    assert text(message, "MD5OfBody") == md5(CR_BODY) == text(sent, "MD5OfMessageBody")
    assert text(message, "MD5OfMessageAttributes") == text(sent, "MD5OfMessageAttributes")

    system = {}
    for attribute in findall(message, "Attribute"):
        assert children(attribute) == ["Name", "Value"]
        system[text(attribute, "Name")] = text(attribute, "Value")
    assert system["ApproximateReceiveCount"] == "1"
    assert system["SentTimestamp"].isdigit()

    user = {}
    for attribute in findall(message, "MessageAttribute"):
        assert children(attribute) == ["Name", "Value"]
        value = find(attribute, "Value")
        user[text(attribute, "Name")] = {local(e): e.text for e in value}
    assert user == {
        "s": {"StringValue": "x\r\ny", "DataType": "String"},
        "n": {"StringValue": "42", "DataType": "Number"},
        "b": {"BinaryValue": binary, "DataType": "Binary"},
    }
    plain = by_body["plain"]
    assert "MessageAttribute" not in children(plain)
    assert "MD5OfMessageAttributes" not in children(plain)


def test_carriage_returns_and_specials_are_escaped(server: SQSServer) -> None:
    url = create(server, "escapes")
    _send(server, url, CR_BODY)
    answer = query(server, "ReceiveMessage", QueueUrl=url)
    assert b"\r" not in answer.raw  # a raw CR would reach the client as LF
    assert answer.raw.count(b"&#xD;") == 2
    assert b"three &amp; &lt;four&gt; &quot;five&quot;" in answer.raw
    assert "ünï 😀".encode() in answer.raw  # UTF-8, not character references
    assert text(result(answer, "ReceiveMessage"), "Message/Body") == CR_BODY
    assert server.queue("escapes").in_flight[0].body == CR_BODY


def test_empty_receive_result(server: SQSServer) -> None:
    url = create(server, "empty")
    received = result(query(server, "ReceiveMessage", QueueUrl=url), "ReceiveMessage")
    assert len(received) == 0


def test_get_queue_attributes_layout_and_empty_list(server: SQSServer) -> None:
    url = create(server, "attrs", VisibilityTimeout="31", DelaySeconds="2")
    answer = query(
        server,
        "GetQueueAttributes",
        QueueUrl=url,
        **{"AttributeName.1": "VisibilityTimeout", "AttributeName.2": "DelaySeconds"},
    )
    attributes = result(answer, "GetQueueAttributes")
    assert children(attributes) == ["Attribute", "Attribute"]
    pairs = {}
    for attribute in attributes:
        assert children(attribute) == ["Name", "Value"]
        pairs[text(attribute, "Name")] = text(attribute, "Value")
    assert pairs == {"VisibilityTimeout": "31", "DelaySeconds": "2"}
    # botocore's spelling of an empty list: the member name with an empty value.
    nothing = query(server, "GetQueueAttributes", QueueUrl=url, AttributeNames="")
    assert len(result(nothing, "GetQueueAttributes")) == 0
    assert server.calls_to("GetQueueAttributes")[-1].params["AttributeNames"] == []


def test_receive_with_empty_name_lists(server: SQSServer) -> None:
    url = create(server, "empty-lists")
    _send(server, url, "body", a=("String", "v"))
    answer = query(
        server, "ReceiveMessage", QueueUrl=url, AttributeNames="", MessageAttributeNames=""
    )
    (message,) = findall(result(answer, "ReceiveMessage"), "Message")
    assert "Attribute" not in children(message)
    assert "MessageAttribute" not in children(message)
    assert text(message, "Body") == "body"


def test_list_queue_tags_layout(server: SQSServer) -> None:
    url = create(server, "tagged")
    tag = {"Tag.1.Key": "team", "Tag.1.Value": "q+a = ü", "Tag.2.Key": "env", "Tag.2.Value": "test"}
    assert query(server, "TagQueue", QueueUrl=url, **tag).status == 200
    tags = result(query(server, "ListQueueTags", QueueUrl=url), "ListQueueTags")
    assert children(tags) == ["Tag", "Tag"]  # repeated, no <Tags>
    pairs = {}
    for element in tags:
        assert children(element) == ["Key", "Value"]
        pairs[text(element, "Key")] = text(element, "Value")
    assert pairs == {"team": "q+a = ü", "env": "test"} == server.queue("tagged").tags


def test_list_dead_letter_source_queues_layout(server: SQSServer) -> None:
    dlq = create(server, "dlq")
    policy = json.dumps(
        {"deadLetterTargetArn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:dlq", "maxReceiveCount": 3}
    )
    sources = [create(server, name, RedrivePolicy=policy) for name in ("src-a", "src-b")]
    listed = result(
        query(server, "ListDeadLetterSourceQueues", QueueUrl=dlq), "ListDeadLetterSourceQueues"
    )
    assert children(listed) == ["QueueUrl", "QueueUrl"]  # not <queueUrls>
    assert sorted(e.text or "" for e in listed) == sorted(sources)
    page = result(
        query(server, "ListDeadLetterSourceQueues", QueueUrl=dlq, MaxResults="1"),
        "ListDeadLetterSourceQueues",
    )
    assert children(page) == ["QueueUrl", "NextToken"]


def test_batch_layouts_and_lowercase_booleans(server: SQSServer) -> None:
    url = create(server, "batches", MaximumMessageSize="1024")
    entries = {
        "SendMessageBatchRequestEntry.1.Id": "good",
        "SendMessageBatchRequestEntry.1.MessageBody": "fine",
        "SendMessageBatchRequestEntry.2.Id": "bad",
        "SendMessageBatchRequestEntry.2.MessageBody": "x" * 1025,
    }
    answer = query(server, "SendMessageBatch", QueueUrl=url, **entries)
    sent = result(answer, "SendMessageBatch")
    assert children(sent) == ["SendMessageBatchResultEntry", "BatchResultErrorEntry"]
    good = find(sent, "SendMessageBatchResultEntry")
    assert set(children(good)) == {"Id", "MessageId", "MD5OfMessageBody"}
    assert text(good, "MD5OfMessageBody") == md5("fine")
    failed = find(sent, "BatchResultErrorEntry")
    assert children(failed) == ["Id", "SenderFault", "Code", "Message"]
    assert text(failed, "Id") == "bad"
    assert text(failed, "Code") == "InvalidParameterValue"
    assert b"<SenderFault>true</SenderFault>" in answer.raw  # botocore reads "True" as False

    received = result(
        query(server, "ReceiveMessage", QueueUrl=url, VisibilityTimeout="60"), "ReceiveMessage"
    )
    handle = text(received, "Message/ReceiptHandle")
    changed = result(
        query(
            server,
            "ChangeMessageVisibilityBatch",
            QueueUrl=url,
            **{
                "ChangeMessageVisibilityBatchRequestEntry.1.Id": "c1",
                "ChangeMessageVisibilityBatchRequestEntry.1.ReceiptHandle": handle,
                "ChangeMessageVisibilityBatchRequestEntry.1.VisibilityTimeout": "0",
            },
        ),
        "ChangeMessageVisibilityBatch",
    )
    assert children(changed) == ["ChangeMessageVisibilityBatchResultEntry"]
    assert text(changed, "ChangeMessageVisibilityBatchResultEntry/Id") == "c1"
    assert [m.body for m in server.queue("batches").visible] == ["fine"]

    deleted = result(
        query(
            server,
            "DeleteMessageBatch",
            QueueUrl=url,
            **{
                "DeleteMessageBatchRequestEntry.1.Id": "d1",
                "DeleteMessageBatchRequestEntry.1.ReceiptHandle": handle,
                "DeleteMessageBatchRequestEntry.2.Id": "d2",
                "DeleteMessageBatchRequestEntry.2.ReceiptHandle": "garbage",
            },
        ),
        "DeleteMessageBatch",
    )
    assert children(deleted) == ["DeleteMessageBatchResultEntry", "BatchResultErrorEntry"]
    assert children(find(deleted, "DeleteMessageBatchResultEntry")) == ["Id"]
    assert text(deleted, "BatchResultErrorEntry/SenderFault") == "true"
    assert text(deleted, "BatchResultErrorEntry/Code") == "ReceiptHandleIsInvalid"
    assert server.queue("batches").messages == ()


def test_fifo_send_answers_sequence_number(server: SQSServer) -> None:
    url = create(server, "q.fifo", FifoQueue="true")
    sent = result(
        query(
            server,
            "SendMessage",
            QueueUrl=url,
            MessageBody="m",
            MessageGroupId="g",
            MessageDeduplicationId="d",
        ),
        "SendMessage",
    )
    (message,) = server.queue("q.fifo").visible
    assert text(sent, "SequenceNumber") == message.sequence_number
    assert message.message_group_id == "g" and message.deduplication_id == "d"


def test_move_task_layouts(server: SQSServer) -> None:
    create(server, "mt-dlq")
    dlq_arn = f"arn:aws:sqs:{REGION}:{ACCOUNT}:mt-dlq"
    policy = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 1})
    create(server, "mt-src", RedrivePolicy=policy)
    query(server, "SendMessage", path=f"/{ACCOUNT}/mt-dlq", MessageBody="stuck")
    started = result(
        query(server, "StartMessageMoveTask", SourceArn=dlq_arn, MaxNumberOfMessagesPerSecond="1"),
        "StartMessageMoveTask",
    )
    assert children(started) == ["TaskHandle"]
    listed = result(
        query(server, "ListMessageMoveTasks", SourceArn=dlq_arn), "ListMessageMoveTasks"
    )
    assert children(listed) == ["ListMessageMoveTasksResultEntry"]  # no <Results> container
    entry = find(listed, "ListMessageMoveTasksResultEntry")
    assert text(entry, "TaskHandle") == text(started, "TaskHandle")
    assert text(entry, "Status") == "RUNNING"
    assert text(entry, "MaxNumberOfMessagesPerSecond") == "1"
    assert text(entry, "StartedTimestamp").isdigit()
    cancelled = result(
        query(server, "CancelMessageMoveTask", TaskHandle=text(started, "TaskHandle")),
        "CancelMessageMoveTask",
    )
    assert children(cancelled) == ["ApproximateNumberOfMessagesMoved"]
    assert text(cancelled, "ApproximateNumberOfMessagesMoved") == "0"


# -- B. list values: refused through the query protocol as through JSON ----------------------


@pytest.mark.parametrize(
    ("field", "query_value", "json_value"),
    [("StringListValue", "p", "p"), ("BinaryListValue", "AA==", "AA==")],
)
def test_list_values_refused_like_the_json_protocol(
    server: SQSServer, field: str, query_value: str, json_value: str
) -> None:
    url = create(server, "lists")
    data_type = "Binary" if field.startswith("Binary") else "String"
    over_query = query(
        server,
        "SendMessage",
        QueueUrl=url,
        MessageBody="x",
        **{
            "MessageAttribute.1.Name": "l",
            "MessageAttribute.1.Value.DataType": data_type,
            f"MessageAttribute.1.Value.{field}.1": query_value,
        },
    )
    over_json = json_call(
        server,
        "SendMessage",
        {
            "QueueUrl": url,
            "MessageBody": "x",
            "MessageAttributes": {"l": {"DataType": data_type, f"{field}s": [json_value]}},
        },
    )
    code, fault = over_json.headers["x-amzn-query-error"].split(";")
    assert_error(over_query, over_json.status, code, json.loads(over_json.raw)["message"])
    assert (code, fault) == ("AWS.SimpleQueueService.UnsupportedOperation", "Sender")
    assert json.loads(over_json.raw)["message"] == LIST_VALUES_TEXT
    assert server.queue("lists").messages == ()


def test_list_values_in_a_batch_refused_like_the_json_protocol(server: SQSServer) -> None:
    url = create(server, "batch-lists")
    over_query = result(
        query(
            server,
            "SendMessageBatch",
            QueueUrl=url,
            **{
                "SendMessageBatchRequestEntry.1.Id": "listy",
                "SendMessageBatchRequestEntry.1.MessageBody": "x",
                "SendMessageBatchRequestEntry.1.MessageAttribute.1.Name": "l",
                "SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.DataType": "String",
                "SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.StringListValue.1": "p",
                "SendMessageBatchRequestEntry.2.Id": "plain",
                "SendMessageBatchRequestEntry.2.MessageBody": "y",
            },
        ),
        "SendMessageBatch",
    )
    over_json = json_call(
        server,
        "SendMessageBatch",
        {
            "QueueUrl": url,
            "Entries": [
                {
                    "Id": "listy",
                    "MessageBody": "x",
                    "MessageAttributes": {"l": {"DataType": "String", "StringListValues": ["p"]}},
                },
                {"Id": "plain", "MessageBody": "y"},
            ],
        },
    )
    assert over_json.status == 200
    (json_failed,) = json.loads(over_json.raw)["Failed"]
    failed = find(over_query, "BatchResultErrorEntry")
    assert {local(e): e.text for e in failed} == {
        "Id": json_failed["Id"],
        "SenderFault": "true" if json_failed["SenderFault"] else "false",
        "Code": json_failed["Code"],
        "Message": json_failed["Message"],
    }
    assert json_failed["Message"] == LIST_VALUES_TEXT
    assert text(over_query, "SendMessageBatchResultEntry/Id") == "plain"
    assert server.queue("batch-lists").bodies() == ["y", "y"]
