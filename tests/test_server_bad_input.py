"""SQSServer given requests no SDK would send: raw HTTP through ``http.client`` and sockets.

What real SQS answers is in /tmp/facts/wire-errors.md (sqs-behaviour.md §1.1): Coral's
own errors (bad JSON, wrong member types, unknown operations) are 400s with a
``com.amazon.coral.service#`` type and a query code in ``x-amzn-query-error``; nothing a
client sends makes the server answer 5xx, change state on an error, or stop serving.
"""

from __future__ import annotations

import http.client
import json
import re
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import botocore.session
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_sqs import SQSServer

ACCOUNT = "123456789012"
START = datetime(2030, 1, 1, tzinfo=timezone.utc)
START_DATE = "Tue, 01 Jan 2030 00:00:00 GMT"
JSON_TYPE = "application/x-amz-json-1.0"
SERIALIZATION = "com.amazon.coral.service#SerializationException"
UNKNOWN_OPERATION = "com.amazon.coral.service#UnknownOperationException"
NOT_FOUND_XML = b"<UnknownOperationException/>\n"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z")
MAX_BODY = 8 * 1024 * 1024


@dataclass
class Answer:
    status: int
    headers: dict[str, str]  # names lower-cased
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def send(
    server: SQSServer,
    body: bytes,
    *,
    target: str | None = "AmazonSQS.ListQueues",
    content_type: str | None = JSON_TYPE,
    method: str = "POST",
    path: str = "/",
    connection: http.client.HTTPConnection | None = None,
) -> Answer:
    """One request over HTTP to the server's loopback port."""
    headers = {}
    if target is not None:
        headers["X-Amz-Target"] = target
    if content_type is not None:
        headers["Content-Type"] = content_type
    own = connection is None
    conn = connection or http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, data)
    finally:
        if own:
            conn.close()


def call(server: SQSServer, operation: str, params: Any) -> Answer:
    return send(server, json.dumps(params).encode("utf-8"), target=f"AmazonSQS.{operation}")


def raw_exchange(server: SQSServer, data: bytes, *, half_close: bool = True) -> bytes:
    """Send bytes on a fresh connection, stop sending (unless not ``half_close``), and read
    until the server closes the connection (a socket timeout if it never does)."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(data)
        if half_close:
            sock.shutdown(socket.SHUT_WR)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    return received


def head(target: str, length: int, content_type: str = JSON_TYPE) -> bytes:
    return (
        f"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n"
        f"X-Amz-Target: {target}\r\nContent-Length: {length}\r\n\r\n"
    ).encode("ascii")


def assert_serialization_error(answer: Answer, message: str | None) -> None:
    __tracebackhide__ = True
    assert answer.status == 400
    expected: dict[str, str] = {"__type": SERIALIZATION}
    if message is not None:
        expected["message"] = message
    assert answer.json() == expected
    assert answer.headers["x-amzn-query-error"] == "MalformedInput;Sender"
    assert answer.headers["content-type"] == JSON_TYPE
    assert UUID.match(answer.headers["x-amzn-requestid"])
    assert answer.headers["date"] == START_DATE


@pytest.fixture(scope="module")
def running_server() -> Iterator[SQSServer]:
    with SQSServer(clock="manual", start=START, seed=5) as running:
        yield running


@pytest.fixture
def server(running_server: SQSServer) -> Iterator[SQSServer]:
    """The module's server, emptied for this test (a server per test costs more)."""
    running_server.reset()
    bugs = len(running_server.bugs)
    yield running_server
    assert running_server.bugs[bugs:] == []


@pytest.fixture
def queue_url(server: SQSServer) -> str:
    answer = call(server, "CreateQueue", {"QueueName": "target"})
    return str(answer.json()["QueueUrl"])


# -- bodies that are not a JSON object ------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [b"{", b"[]", b'"x"', b"null", b"42", b'{"QueueNamePrefix": "a"', b"{}}", b"\xff\xfe{}"],
    ids=["open-brace", "array", "string", "null", "number", "unclosed", "trailing", "not-utf8"],
)
def test_a_body_that_is_not_a_json_object_is_a_serialization_exception(
    server: SQSServer, body: bytes
) -> None:
    answer = send(server, body)
    assert answer.body == b'{"__type":"com.amazon.coral.service#SerializationException"}'
    assert_serialization_error(answer, None)
    assert server.calls == []


def test_invalid_utf8_inside_a_string_is_a_serialization_exception(server: SQSServer) -> None:
    answer = send(server, b'{"QueueName":"caf\xe9"}', target="AmazonSQS.CreateQueue")
    assert_serialization_error(answer, None)
    assert server.queues() == []
    assert server.calls == []


def test_deeply_nested_json_is_a_serialization_exception(server: SQSServer) -> None:
    answer = send(server, b"[" * 100_000 + b"]" * 100_000)
    assert_serialization_error(answer, None)


def wrong(found: str, wanted: str) -> str:
    return f"{found} can not be converted to {wanted}"


BINARY_5 = {"a": {"DataType": "Binary", "BinaryValue": 5}}
TYPE_1 = {"a": {"DataType": 1, "StringValue": "v"}}


@pytest.mark.parametrize(
    ("operation", "params", "message"),
    [
        ("ReceiveMessage", {"VisibilityTimeout": "5"}, wrong("STRING_VALUE", "an Integer")),
        ("ReceiveMessage", {"MaxNumberOfMessages": 1.5}, wrong("NUMBER_VALUE", "an Integer")),
        ("ReceiveMessage", {"MaxNumberOfMessages": True}, wrong("BOOLEAN_VALUE", "an Integer")),
        ("ReceiveMessage", {"AttributeNames": "All"}, wrong("STRING_VALUE", "a List")),
        ("ReceiveMessage", {"QueueUrl": 5}, wrong("NUMBER_VALUE", "a String")),
        ("ReceiveMessage", {"QueueUrl": True}, wrong("BOOLEAN_VALUE", "a String")),
        ("ReceiveMessage", {"QueueUrl": ["q"]}, wrong("START_ARRAY", "a String")),
        ("ReceiveMessage", {"QueueUrl": {"a": 1}}, wrong("START_OBJECT", "a String")),
        ("SendMessage", {"DelaySeconds": "abc"}, wrong("STRING_VALUE", "an Integer")),
        ("SendMessage", {"DelaySeconds": 5.0}, wrong("NUMBER_VALUE", "an Integer")),
        ("SendMessage", {"MessageAttributes": "x"}, wrong("STRING_VALUE", "a Map")),
        ("SendMessage", {"MessageAttributes": BINARY_5}, wrong("NUMBER_VALUE", "a Blob")),
        ("SendMessage", {"MessageAttributes": TYPE_1}, wrong("NUMBER_VALUE", "a String")),
        ("SendMessageBatch", {"Entries": "x"}, wrong("STRING_VALUE", "a List")),
        ("SendMessageBatch", {"Entries": [5]}, wrong("NUMBER_VALUE", "a Structure")),
        ("SetQueueAttributes", {"Attributes": []}, wrong("START_ARRAY", "a Map")),
        ("CreateQueue", {"QueueName": "a", "tags": {"k": 1}}, wrong("NUMBER_VALUE", "a String")),
        ("ListQueues", {"MaxResults": "10"}, wrong("STRING_VALUE", "an Integer")),
    ],
)
def test_a_member_of_the_wrong_type_is_a_serialization_exception(
    server: SQSServer, queue_url: str, operation: str, params: dict[str, Any], message: str
) -> None:
    before = [q.url for q in server.queues()]
    calls = len(server.calls)
    answer = call(server, operation, {"QueueUrl": queue_url, "MessageBody": "x", **params})
    assert_serialization_error(answer, message)
    assert [q.url for q in server.queues()] == before
    assert server.queue("target").messages == ()
    assert len(server.calls) == calls


def test_invalid_base64_in_a_binary_value_is_a_serialization_exception(
    server: SQSServer, queue_url: str
) -> None:
    attributes = {"blob": {"DataType": "Binary", "BinaryValue": "not base64!"}}
    answer = call(
        server,
        "SendMessage",
        {"QueueUrl": queue_url, "MessageBody": "x", "MessageAttributes": attributes},
    )
    assert_serialization_error(answer, "Base64 encoded binary value is invalid: not base64!")
    assert server.queue("target").messages == ()


def test_unknown_members_are_ignored(server: SQSServer, queue_url: str) -> None:
    answer = call(
        server, "SendMessage", {"QueueUrl": queue_url, "MessageBody": "x", "Bogus": [1, {}]}
    )
    assert answer.status == 200
    assert server.queue("target").bodies() == ["x"]


def test_a_missing_queue_url_is_queue_does_not_exist(server: SQSServer) -> None:
    answer = call(server, "SendMessage", {"MessageBody": "x"})
    assert answer.status == 400
    assert answer.json() == {
        "__type": "com.amazonaws.sqs#QueueDoesNotExist",
        "message": "The specified queue does not exist.",
    }
    assert answer.headers["x-amzn-query-error"] == "AWS.SimpleQueueService.NonExistentQueue;Sender"
    [recorded] = server.calls_to("SendMessage")
    assert recorded.error == "AWS.SimpleQueueService.NonExistentQueue"


# -- operations that do not exist -----------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "AmazonSQS.Bogus",
        None,
        "AmazonSQS.",
        "AmazonSQS.listQueues",
        "DynamoDB_20120810.ListQueues",
        "ListQueues",
        "AmazonSQS.ListQueues.Extra",
    ],
    ids=["bogus", "missing", "empty", "lower-case", "other-service", "no-prefix", "suffix"],
)
def test_an_unknown_target_is_an_unknown_operation_exception(
    server: SQSServer, target: str | None
) -> None:
    answer = send(server, b"{}", target=target)
    assert answer.status == 400
    assert answer.json() == {"__type": UNKNOWN_OPERATION}  # and no message
    assert answer.body == b'{"__type":"com.amazon.coral.service#UnknownOperationException"}'
    assert answer.headers["x-amzn-query-error"] == "InvalidAction;Sender"
    assert answer.headers["content-type"] == JSON_TYPE
    assert server.calls == []


@pytest.mark.parametrize("content_type", ["text/plain", "application/xml", None])
def test_neither_json_nor_form_is_a_404(server: SQSServer, content_type: str | None) -> None:
    answer = send(server, b"{}", content_type=content_type)
    assert (answer.status, answer.body) == (404, NOT_FOUND_XML)
    assert answer.headers["content-type"] == "text/xml"
    assert server.calls == []


@pytest.mark.parametrize(
    "content_type", ["application/json", "application/x-amz-json-1.0; charset=UTF-8"]
)
def test_other_json_media_types_are_json(server: SQSServer, content_type: str) -> None:
    answer = send(
        server, b'{"QueueName":"plain"}', target="AmazonSQS.CreateQueue", content_type=content_type
    )
    assert answer.status == 200
    assert answer.json() == {"QueueUrl": f"{server.endpoint_url}/{ACCOUNT}/plain"}


# -- the transport --------------------------------------------------------------------


def test_an_error_keeps_the_connection_alive(server: SQSServer) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        assert send(server, b"{", connection=connection).status == 400
        assert send(server, b"{}", target="AmazonSQS.Nope", connection=connection).status == 400
        ok = send(
            server, b'{"QueueName":"kept"}', target="AmazonSQS.CreateQueue", connection=connection
        )
        assert ok.status == 200
        assert ok.headers["connection"] == "keep-alive"
    finally:
        connection.close()
    assert [q.name for q in server.queues()] == ["kept"]


def test_a_body_over_8_mib_is_413_and_the_connection_closes(server: SQSServer) -> None:
    # The client would go on sending; the server answers at once and closes by itself.
    received = raw_exchange(server, head("AmazonSQS.ListQueues", MAX_BODY + 1), half_close=False)
    headers, _, body = received.partition(b"\r\n\r\n")
    lines = headers.decode("latin-1").split("\r\n")
    assert lines[0] == "HTTP/1.1 413 Request Entity Too Large"
    fields = dict(line.split(": ", 1) for line in lines[1:])
    assert fields["x-amzn-query-error"] == "RequestEntityTooLarge;Sender"
    assert fields["Connection"] == "close"
    assert fields["content-type"] == JSON_TYPE
    assert json.loads(body) == {
        "__type": "com.amazon.coral.service#RequestEntityTooLargeException",
        "message": "Request body must be smaller than 8388608 bytes.",
    }
    assert int(fields["Content-Length"]) == len(body)  # and nothing after it: closed
    assert send(server, b"{}").status == 200
    assert server.calls_to("ListQueues")[0].params == {}


def test_a_chunked_body_over_8_mib_is_413(server: SQSServer) -> None:
    request = (
        b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.0\r\n"
        b"X-Amz-Target: AmazonSQS.ListQueues\r\nTransfer-Encoding: chunked\r\n\r\n"
        + f"{MAX_BODY + 1:x}\r\n".encode()
    )
    received = raw_exchange(server, request, half_close=False)
    assert received.startswith(b"HTTP/1.1 413 Request Entity Too Large\r\n")
    assert b"\r\nConnection: close\r\n" in received
    assert server.calls == []


def test_the_413_answer_has_a_request_id_and_the_servers_date(server: SQSServer) -> None:
    received = raw_exchange(server, head("AmazonSQS.ListQueues", MAX_BODY + 1))
    lines = received.partition(b"\r\n\r\n")[0].decode("latin-1").split("\r\n")
    fields = dict(line.split(": ", 1) for line in lines[1:])
    assert UUID.match(fields["x-amzn-requestid"])
    assert fields["date"] == START_DATE


def test_a_chunked_body_is_read(server: SQSServer) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        connection.putrequest("POST", "/")
        connection.putheader("Content-Type", JSON_TYPE)
        connection.putheader("X-Amz-Target", "AmazonSQS.CreateQueue")
        connection.putheader("Transfer-Encoding", "chunked")
        connection.endheaders()
        body = b'{"QueueName":"chunky","tags":{"k":"v"}}'
        for piece in (body[:7], body[7:20], body[20:]):
            connection.send(b"%x;ext=1\r\n%s\r\n" % (len(piece), piece))
        connection.send(b"0\r\nX-Trailer: yes\r\n\r\n")
        response = connection.getresponse()
        assert (response.status, json.loads(response.read())) == (
            200,
            {"QueueUrl": f"{server.endpoint_url}/{ACCOUNT}/chunky"},
        )
        # The connection is still in step: the next request on it is answered.
        again = send(server, b"{}", connection=connection)
        assert again.json() == {"QueueUrls": [f"{server.endpoint_url}/{ACCOUNT}/chunky"]}
    finally:
        connection.close()
    assert server.queue("chunky").tags == {"k": "v"}


def test_a_malformed_chunk_size_is_refused(server: SQSServer) -> None:
    request = (
        b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.0\r\n"
        b"X-Amz-Target: AmazonSQS.ListQueues\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n"
    )
    received = raw_exchange(server, request)
    assert received.startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert received.endswith(b"\r\n\r\nMalformed chunked body")
    assert b"\r\nConnection: close\r\n" in received
    assert server.calls == []


@pytest.mark.parametrize("length", ["abc", "-1"])
def test_an_invalid_content_length_is_refused(server: SQSServer, length: str) -> None:
    request = (
        b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.0\r\n"
        b"X-Amz-Target: AmazonSQS.ListQueues\r\nContent-Length: " + length.encode() + b"\r\n\r\n{}"
    )
    received = raw_exchange(server, request)
    assert received.startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert received.endswith(f"\r\n\r\nInvalid Content-Length '{length}'".encode())
    assert server.calls == []


def test_a_client_that_disconnects_mid_request_does_not_break_the_server(
    server: SQSServer,
) -> None:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    sock.sendall(head("AmazonSQS.ListQueues", 100) + b"0123456789")
    sock.close()
    answer = send(server, b'{"QueueName":"after"}', target="AmazonSQS.CreateQueue")
    assert answer.json() == {"QueueUrl": f"{server.endpoint_url}/{ACCOUNT}/after"}
    assert [c.action for c in server.calls] == ["CreateQueue"]
    assert server.bugs == []


def test_a_truncated_request_is_not_executed(server: SQSServer) -> None:
    body = b'{"QueueName":"truncated"}'
    raw_exchange(server, head("AmazonSQS.CreateQueue", 100) + body)
    assert server.queues() == []
    assert server.calls == []


def test_an_unpaired_surrogate_in_the_trace_header_is_a_sender_error() -> None:
    trace = {"AWSTraceHeader": {"DataType": "String", "StringValue": "\ud800"}}
    with SQSServer(clock="manual") as server:  # its own: a bug here stays here
        url = call(server, "CreateQueue", {"QueueName": "target"}).json()["QueueUrl"]
        params = {"QueueUrl": url, "MessageBody": "x", "MessageSystemAttributes": trace}
        answer = call(server, "SendMessage", params)  # json.dumps writes it as \\ud800
        assert answer.status == 400
        assert answer.headers["x-amzn-query-error"].endswith(";Sender")
        assert server.queue("target").messages == ()
        assert server.bugs == []


# -- through boto3 without its own checks ---------------------------------------------


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"MessageBody": "x", "DelaySeconds": "abc"}, wrong("STRING_VALUE", "an Integer")),
        ({"MessageBody": 5}, wrong("NUMBER_VALUE", "a String")),
        ({"MessageBody": "x", "DelaySeconds": True}, wrong("BOOLEAN_VALUE", "an Integer")),
        ({"MessageBody": ["a"]}, wrong("START_ARRAY", "a String")),
    ],
)
def test_boto3_without_parameter_validation_gets_malformed_input(
    server: SQSServer, queue_url: str, params: dict[str, Any], message: str
) -> None:
    client = server.client(config=Config(parameter_validation=False))
    with pytest.raises(ClientError) as info:
        client.send_message(QueueUrl=queue_url, **params)
    assert type(info.value) is ClientError
    assert info.value.response["Error"] == {
        "Code": "MalformedInput",
        "QueryErrorCode": "SerializationException",
        "Message": message,
        "Type": "Sender",
    }
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert server.queue("target").messages == ()


# -- anything at all ------------------------------------------------------------------

_MODEL = botocore.session.get_session().get_service_model("sqs")
OPERATIONS = sorted(_MODEL.operation_names)
MEMBERS = sorted(
    {name for op in OPERATIONS for name in _MODEL.operation_model(op).input_shape.members}
    | {"Id", "DataType", "StringValue", "BinaryValue", "StringListValues"}
)


@pytest.fixture(scope="module")
def fuzz_server() -> Iterator[tuple[SQSServer, Any]]:
    with SQSServer(clock="manual", start=START, long_poll="off", seed=9) as running:
        yield running, running.client()
        assert running.bugs == []


def _ensure_queues(server: SQSServer, client: Any) -> list[str]:
    """The two queues the examples aim at; after one deleted them, a fresh simulator."""
    names = {q.name for q in server.queues()}
    if not {"fuzz", "fuzz.fifo"} <= names:
        server.reset()  # a deleted name cannot be reused for 60 s; start over instead
        url = client.create_queue(QueueName="fuzz")["QueueUrl"]
        client.send_message(QueueUrl=url, MessageBody="one")
        client.send_message(QueueUrl=url, MessageBody="two", DelaySeconds=10)
        fifo = client.create_queue(QueueName="fuzz.fifo", Attributes={"FifoQueue": "true"})
        client.send_message(
            QueueUrl=fifo["QueueUrl"],
            MessageBody="f",
            MessageGroupId="g",
            MessageDeduplicationId="d",
        )
    return [server.queue_url("fuzz"), server.queue_url("fuzz.fifo")]


def _state(server: SQSServer) -> list[tuple[Any, ...]]:
    return sorted(
        (q.url, len(q.visible), len(q.in_flight), len(q.delayed), q.attributes, q.tags)
        for q in server.queues()
    )


_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=12)
    | st.sampled_from(["fuzz", "fuzz.fifo", "All", "String", "Binary", "Number", "AQEBx", "g"])
    | st.just("<url>")
    | st.just("<fifo-url>")
)
_values = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(MEMBERS) | st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=10,
)


_requests = st.builds(
    lambda members, url: members if url is None else {**members, "QueueUrl": url},
    st.dictionaries(st.sampled_from(MEMBERS), _values, max_size=5),
    st.sampled_from(["<url>", "<url>", "<fifo-url>", None]) | _scalars,
)
_header_text = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=30)
_json_types = st.sampled_from([JSON_TYPE, "application/json", f"{JSON_TYPE}; charset=utf-8"])
_operations = st.sampled_from([f"AmazonSQS.{op}" for op in OPERATIONS])
# (body, X-Amz-Target, Content-Type): mostly a request that gets past the front door to
# an action, with members of any type; otherwise anything at all.
_plausible = st.tuples(_requests.map(lambda v: ("json", v)), _operations, _json_types)
_anything = st.tuples(
    st.binary(max_size=120)
    | _values.map(lambda v: ("json", v))
    | _requests.map(lambda v: ("json", v)),
    st.none() | _operations | _header_text.map(lambda s: f"AmazonSQS.{s}") | _header_text,
    _json_types | st.sampled_from(["text/plain", None]),
)
_exchanges = st.integers(0, 9).flatmap(lambda n: _anything if n < 3 else _plausible)


def _encode(body: Any, urls: list[str]) -> bytes:
    if isinstance(body, bytes):
        return body
    text = json.dumps(body[1])
    return (
        text.replace('"<url>"', json.dumps(urls[0]))
        .replace('"<fifo-url>"', json.dumps(urls[1]))
        .encode("utf-8")
    )


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(exchange=_exchanges)
def test_anything_sent_gets_an_aws_shaped_answer_and_errors_change_nothing(
    fuzz_server: tuple[SQSServer, Any], exchange: tuple[Any, str | None, str | None]
) -> None:
    server, client = fuzz_server
    body, target, content_type = exchange
    urls = _ensure_queues(server, client)
    before = _state(server)
    answer = send(server, _encode(body, urls), target=target, content_type=content_type)

    assert answer.status < 500, answer.body
    if answer.headers["content-type"] == "text/xml":  # the front door found no protocol
        assert (answer.status, answer.body) == (404, NOT_FOUND_XML)
    elif answer.status >= 400:
        document = answer.json()
        assert set(document) <= {"__type", "message"}
        assert isinstance(document.get("message", ""), str)
        namespace, _, shape = document["__type"].partition("#")
        assert namespace in ("com.amazonaws.sqs", "com.amazon.coral.service")
        assert re.fullmatch(r"[A-Za-z]+", shape)
        assert re.fullmatch(r"[A-Za-z.]+;Sender", answer.headers["x-amzn-query-error"])
        assert answer.headers["content-type"] == JSON_TYPE
    else:
        assert answer.status == 200
        assert isinstance(answer.json(), dict)
    if answer.status != 200:
        assert _state(server) == before
    assert server.bugs == []
    # And the server still answers a valid call.
    listed = client.list_queues().get("QueueUrls", [])
    assert sorted(listed) == sorted(server.queue_url(q.name) for q in server.queues())
