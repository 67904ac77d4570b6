"""SQSServer robustness after review: each test fails if one of the review's fixes is undone.

Long polls in flight across ``reset()`` and ``stop()`` and what wakes them; inspection
while other threads create queues; malformed query keys; admin overflows, content types
and quoted paths; HTTP framing; constructor checks; the loopback guard and the mock's
step-aside for server clients; the simulated ``Date`` header; the fake session token.

Everything goes through public APIs: ``SQSServer``, boto3 clients with ``endpoint_url``,
raw ``http.client``/sockets to 127.0.0.1, ``AdminClient`` and ``mock_sqs``.  Real waits
happen only where a real-time long poll is the subject, and stay well under 3 s.
"""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import botocore.httpsession
import pytest

from pytest_sqs import AdminClient, AdminError, SQSServer, UnmockedRequestError, mock_sqs

ACCOUNT = "123456789012"
START = datetime(2030, 1, 1, tzinfo=timezone.utc)
START_DATE = "Tue, 01 Jan 2030 00:00:00 GMT"
JSON_TYPE = "application/x-amz-json-1.0"
FORM_TYPE = "application/x-www-form-urlencoded"
XMLNS = {"sqs": "http://queue.amazonaws.com/doc/2012-11-05/"}
NOT_FOUND_XML = b"<UnknownOperationException/>\n"
NOT_JSON = "admin requests with a body must be sent as application/json"
IN_FLIGHT_S = 0.3  # how long a long poll is given to reach its wait inside the server
PROMPT_S = 1.0  # "at once": well under the 5 s the long polls ask for
UNMOCKED = (
    "An SQS request to {url} was made outside any mock; pytest-sqs stopped it so that no "
    "test reaches AWS. Use the `sqs` fixture, mark the test with @pytest.mark.sqs, or wrap "
    "the code in `with pytest_sqs.mock_sqs():`. To let tests reach a real SQS endpoint, set "
    "`sqs_block_unmocked = false` in your pytest configuration."
)


# -- helpers ----------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    headers: dict[str, str]  # names lower-cased
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def xml(self) -> ET.Element:
        return ET.fromstring(self.body)


def send(
    port: int,
    body: bytes = b"",
    *,
    method: str = "POST",
    path: str = "/",
    headers: dict[str, str] | None = None,
    connection: http.client.HTTPConnection | None = None,
) -> Answer:
    """One request to 127.0.0.1:``port`` (on ``connection`` if given, else a fresh one)."""
    conn = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, data)
    finally:
        if connection is None:
            conn.close()


def json_call(
    server: SQSServer,
    operation: str,
    params: dict[str, Any],
    connection: http.client.HTTPConnection | None = None,
) -> Answer:
    headers = {"Content-Type": JSON_TYPE, "X-Amz-Target": f"AmazonSQS.{operation}"}
    body = json.dumps(params).encode("utf-8")
    return send(server.port, body, headers=headers, connection=connection)


def query_call(
    server: SQSServer, form: str, connection: http.client.HTTPConnection | None = None
) -> Answer:
    headers = {"Content-Type": FORM_TYPE}
    return send(server.port, form.encode("utf-8"), headers=headers, connection=connection)


def raw_exchange(port: int, data: bytes) -> bytes:
    """Send ``data`` on a fresh connection, keep it open for writing, and read until the
    *server* closes it (a socket timeout if the server keeps the connection)."""
    with socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
        sock.sendall(data)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    return received


class LongPoll(threading.Thread):
    """A JSON ReceiveMessage sent over its own connection, timed to the end of its answer."""

    def __init__(self, port: int, params: dict[str, Any], *, timeout: float = 10) -> None:
        super().__init__(daemon=True)
        self.port = port
        self.params = params
        self.timeout = timeout
        self.answer: Answer | None = None
        self.error: BaseException | None = None
        self.ended = 0.0

    def run(self) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            self.answer = json_call_on(connection, "ReceiveMessage", self.params)
        except (OSError, http.client.HTTPException) as error:
            self.error = error
        finally:
            self.ended = time.monotonic()
            connection.close()

    def messages(self) -> list[dict[str, Any]]:
        assert self.error is None, self.error
        assert self.answer is not None
        assert self.answer.status == 200, self.answer.body
        return list(self.answer.json().get("Messages", []))


def json_call_on(
    connection: http.client.HTTPConnection, operation: str, params: dict[str, Any]
) -> Answer:
    headers = {"Content-Type": JSON_TYPE, "X-Amz-Target": f"AmazonSQS.{operation}"}
    connection.request("POST", "/", body=json.dumps(params).encode("utf-8"), headers=headers)
    response = connection.getresponse()
    data = response.read()
    return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, data)


def start_long_poll(server: SQSServer, params: dict[str, Any]) -> LongPoll:
    """Start a long poll and give it time to reach its wait inside the server."""
    poll = LongPoll(server.port, params)
    poll.start()
    time.sleep(IN_FLIGHT_S)
    assert poll.is_alive(), "the long poll answered before it was meant to be woken"
    return poll


def woken_within(poll: LongPoll, since: float) -> float:
    """Seconds from ``since`` until ``poll`` was answered (waits at most 3 s)."""
    poll.join(3)
    assert not poll.is_alive()
    return poll.ended - since


def xml_error(answer: Answer) -> tuple[str | None, str | None]:
    root = answer.xml()
    assert root.tag == f"{{{XMLNS['sqs']}}}ErrorResponse"
    return (
        root.findtext("sqs:Error/sqs:Type", namespaces=XMLNS),
        root.findtext("sqs:Error/sqs:Code", namespaces=XMLNS),
    )


def simulated_date(seconds: float) -> str:
    return (START + timedelta(seconds=seconds)).strftime("%a, %d %b %Y %H:%M:%S GMT")


# -- fixtures -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def running_server() -> Iterator[SQSServer]:
    """Manual clock at START, real-time long polls (the default)."""
    with SQSServer(clock="manual", start=START, seed=17) as running:
        yield running


@pytest.fixture
def server(running_server: SQSServer) -> Iterator[SQSServer]:
    """The module's server, emptied for this test: no queues, no calls, the clock at START."""
    running_server.reset()
    yield running_server
    assert running_server.bugs == []


@pytest.fixture(scope="module")
def running_ff_server() -> Iterator[SQSServer]:
    """Manual clock at START; long polls fast-forward the simulated clock."""
    with SQSServer(clock="manual", start=START, seed=18, long_poll="fast-forward") as running:
        yield running


@pytest.fixture
def ff_server(running_ff_server: SQSServer) -> Iterator[SQSServer]:
    running_ff_server.reset()
    yield running_ff_server
    assert running_ff_server.bugs == []


# -- 1. reset() while a long poll waits -----------------------------------------------------


@pytest.mark.parametrize("how", ["server.reset", "AdminClient.reset"])
def test_reset_ends_a_long_poll_in_flight_empty_handed_and_unrecorded(
    server: SQSServer, how: str
) -> None:
    url = json_call(server, "CreateQueue", {"QueueName": "waiting"}).json()["QueueUrl"]
    poll = start_long_poll(server, {"QueueUrl": url, "WaitTimeSeconds": 5})

    reset_at = time.monotonic()
    if how == "server.reset":
        server.reset()
    else:
        AdminClient(server.endpoint_url).reset()

    assert woken_within(poll, reset_at) < PROMPT_S
    assert poll.messages() == []
    assert poll.answer is not None and poll.answer.json() == {}
    assert server.calls == []  # neither the CreateQueue before nor the poll ended by it
    assert server.queues() == []

    # The new simulator keeps what is sent to it: nothing swallowed the message.
    again = json_call(server, "CreateQueue", {"QueueName": "waiting"}).json()["QueueUrl"]
    assert again == url
    sent = json_call(server, "SendMessage", {"QueueUrl": url, "MessageBody": "after reset"})
    message_id = sent.json()["MessageId"]
    assert [(m.message_id, m.body) for m in server.queue("waiting").visible] == [
        (message_id, "after reset")
    ]
    assert [c.action for c in server.calls] == ["CreateQueue", "SendMessage"]
    assert server.bugs == []


# -- 2. stop() while a long poll waits ------------------------------------------------------


def test_stop_hangs_up_on_a_long_poll_and_on_idle_keep_alive_connections() -> None:
    threads_before = set(threading.enumerate())
    server = SQSServer(clock="manual", start=START).start()
    port = server.port
    url = json_call(server, "CreateQueue", {"QueueName": "waiting"}).json()["QueueUrl"]
    idle = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        health = send(port, method="GET", path="/_pytest_sqs/health", connection=idle)
        assert (health.status, health.headers["connection"]) == (200, "keep-alive")
        poll = start_long_poll(server, {"QueueUrl": url, "WaitTimeSeconds": 5})

        stopper = threading.Thread(target=server.stop, daemon=True)
        stop_at = time.monotonic()
        stopper.start()
        stopper.join(2)
        assert not stopper.is_alive(), "stop() did not return within 2 s"

        assert woken_within(poll, stop_at) < 2
        assert poll.answer is None  # no answer at all: the connection was closed
        assert isinstance(poll.error, http.client.RemoteDisconnected)

        # The keep-alive connection opened before stop gets no answer either.
        with pytest.raises(ConnectionError):
            send(port, method="GET", path="/_pytest_sqs/health", connection=idle)
    finally:
        idle.close()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    assert server.bugs == []
    # The server's threads are gone too: the long poll's did not sleep out its 5 s.
    deadline = time.monotonic() + PROMPT_S
    while set(threading.enumerate()) - threads_before and time.monotonic() < deadline:
        time.sleep(0.01)
    assert set(threading.enumerate()) - threads_before == set()


# -- 3. what wakes a real-time long poll on a manual clock ----------------------------------


def test_change_message_visibility_to_0_wakes_a_long_poll(server: SQSServer) -> None:
    url = json_call(server, "CreateQueue", {"QueueName": "jobs"}).json()["QueueUrl"]
    sent = json_call(server, "SendMessage", {"QueueUrl": url, "MessageBody": "job"}).json()
    [taken] = json_call(server, "ReceiveMessage", {"QueueUrl": url}).json()["Messages"]
    poll = start_long_poll(
        server,
        {"QueueUrl": url, "WaitTimeSeconds": 5, "MessageSystemAttributeNames": ["All"]},
    )

    woken_at = time.monotonic()
    other = server.client()
    other.change_message_visibility(
        QueueUrl=url, ReceiptHandle=taken["ReceiptHandle"], VisibilityTimeout=0
    )

    assert woken_within(poll, woken_at) < PROMPT_S
    [message] = poll.messages()
    assert (message["MessageId"], message["Body"]) == (sent["MessageId"], "job")
    assert message["Attributes"]["ApproximateReceiveCount"] == "2"


def test_admin_advance_to_next_event_wakes_a_long_poll_for_a_delayed_message(
    server: SQSServer,
) -> None:
    url = json_call(server, "CreateQueue", {"QueueName": "later"}).json()["QueueUrl"]
    params = {"QueueUrl": url, "MessageBody": "in a minute", "DelaySeconds": 60}
    sent = json_call(server, "SendMessage", params).json()
    poll = start_long_poll(server, {"QueueUrl": url, "WaitTimeSeconds": 5})

    woken_at = time.monotonic()
    assert AdminClient(server.endpoint_url).advance_to_next_event() == START + timedelta(seconds=60)

    assert woken_within(poll, woken_at) < PROMPT_S
    assert [(m["MessageId"], m["Body"]) for m in poll.messages()] == [
        (sent["MessageId"], "in a minute")
    ]


def test_dead_letter_wakes_a_long_poll_on_the_dead_letter_queue(server: SQSServer) -> None:
    dlq_url = json_call(server, "CreateQueue", {"QueueName": "dlq"}).json()["QueueUrl"]
    policy = {"deadLetterTargetArn": f"arn:aws:sqs:us-east-1:{ACCOUNT}:dlq", "maxReceiveCount": 3}
    source = json_call(
        server,
        "CreateQueue",
        {"QueueName": "source", "Attributes": {"RedrivePolicy": json.dumps(policy)}},
    ).json()["QueueUrl"]
    sent = json_call(server, "SendMessage", {"QueueUrl": source, "MessageBody": "poison"}).json()
    poll = start_long_poll(server, {"QueueUrl": dlq_url, "WaitTimeSeconds": 5})

    woken_at = time.monotonic()
    assert server.dead_letter("source", sent["MessageId"]).name == "dlq"

    assert woken_within(poll, woken_at) < PROMPT_S
    assert [(m["MessageId"], m["Body"]) for m in poll.messages()] == [(sent["MessageId"], "poison")]


def test_deleting_the_in_flight_head_of_a_fifo_group_wakes_a_long_poll(
    server: SQSServer,
) -> None:
    url = json_call(
        server,
        "CreateQueue",
        {
            "QueueName": "orders.fifo",
            "Attributes": {"FifoQueue": "true", "ContentBasedDeduplication": "true"},
        },
    ).json()["QueueUrl"]
    sent = [
        json_call(
            server, "SendMessage", {"QueueUrl": url, "MessageBody": body, "MessageGroupId": "g"}
        ).json()
        for body in ("first", "second")
    ]
    [head] = json_call(
        server, "ReceiveMessage", {"QueueUrl": url, "MaxNumberOfMessages": 1}
    ).json()["Messages"]
    assert head["MessageId"] == sent[0]["MessageId"]
    poll = start_long_poll(server, {"QueueUrl": url, "WaitTimeSeconds": 5})  # group "g" locked

    woken_at = time.monotonic()
    server.client().delete_message(QueueUrl=url, ReceiptHandle=head["ReceiptHandle"])

    assert woken_within(poll, woken_at) < PROMPT_S
    assert [(m["MessageId"], m["Body"]) for m in poll.messages()] == [
        (sent[1]["MessageId"], "second")
    ]


# -- 4. inspection while other threads create queues ----------------------------------------


def test_queues_and_describe_while_four_threads_create_queues(server: SQSServer) -> None:
    clients = [server.client() for _ in range(4)]
    errors: list[BaseException] = []

    def create(worker: int) -> None:
        try:
            for n in range(50):
                clients[worker].create_queue(QueueName=f"w{worker}-{n:02d}")
        except BaseException as error:  # reported by the test below
            errors.append(error)

    threads = [threading.Thread(target=create, args=(i,), daemon=True) for i in range(4)]
    for thread in threads:
        thread.start()
    rounds = 0
    while any(thread.is_alive() for thread in threads):
        server.queues()
        server.describe()
        rounds += 1
    for thread in threads:
        thread.join(10)

    assert errors == []
    assert rounds > 0
    names = sorted(view.name for view in server.queues())
    assert names == sorted(f"w{w}-{n:02d}" for w in range(4) for n in range(50))
    assert server.describe().count("\n    visible (0):") == 200


# -- 5. query keys that make a name a node --------------------------------------------------


@pytest.mark.parametrize(
    ("form", "code"),
    [
        (
            "Action=CreateQueue&QueueName=q&Attribute.1.Name.x=1&Attribute.1.Value=5",
            "InvalidParameterValue",
        ),
        (
            "Action=SendMessage&QueueUrl=q&MessageBody=hi&MessageAttribute.1.Name.x=1"
            "&MessageAttribute.1.Value.DataType=String&MessageAttribute.1.Value.StringValue=v",
            "InvalidParameterValue",
        ),
        ("Action=TagQueue&QueueUrl=q&Tag.1.Key.x=1&Tag.1.Value=v", "InvalidParameterValue"),
    ],
    ids=["Attribute.Name", "MessageAttribute.Name", "Tag.Key"],
)
def test_a_query_key_under_a_scalar_member_is_a_400_and_the_connection_goes_on(
    server: SQSServer, form: str, code: str
) -> None:
    action = form.split("&", 1)[0].removeprefix("Action=")
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        if action != "CreateQueue":
            assert query_call(server, "Action=CreateQueue&QueueName=q", connection).status == 200
        answer = query_call(server, form, connection)
        assert answer.status == 400
        assert answer.headers["content-type"] == "text/xml"
        assert xml_error(answer) == ("Sender", code)

        valid = query_call(server, "Action=ListQueues", connection)
        assert valid.status == 200
        urls = valid.xml().findall("sqs:ListQueuesResult/sqs:QueueUrl", XMLNS)
        expected = [] if action == "CreateQueue" else [f"{server.endpoint_url}/{ACCOUNT}/q"]
        assert [u.text for u in urls] == expected
    finally:
        connection.close()
    assert [(c.action, c.error) for c in server.calls_to(action)][-1] == (action, code)
    if action != "CreateQueue":
        assert server.queue("q").messages == ()
        assert server.queue("q").tags == {}
    assert server.bugs == []


# -- 6. the admin API ---------------------------------------------------------------------


def admin_post(
    server: SQSServer, route: str, body: bytes, content_type: str | None = "application/json"
) -> Answer:
    headers = {} if content_type is None else {"Content-Type": content_type}
    return send(server.port, body, path=f"/_pytest_sqs/{route}", headers=headers)


@pytest.mark.parametrize("how", ["advance", "move_to"])
def test_a_clock_request_with_a_huge_integer_is_a_400(server: SQSServer, how: str) -> None:
    clock_before = send(server.port, method="GET", path="/_pytest_sqs/clock").json()
    body = b'{"%s": %d}' % (how.encode(), 10**400)
    answer = admin_post(server, "clock", body)
    assert answer.status == 400
    assert answer.headers["content-type"] == "application/json"
    assert answer.json() == {"error": "not a usable value: int too large to convert to float"}
    assert send(server.port, method="GET", path="/_pytest_sqs/clock").json() == clock_before
    assert server.clock.now() == START.timestamp()


@pytest.mark.parametrize("content_type", ["text/plain", FORM_TYPE, None])
def test_a_clock_post_that_is_not_json_is_a_415_and_the_clock_stays(
    server: SQSServer, content_type: str | None
) -> None:
    answer = admin_post(server, "clock", b'{"advance": 10}', content_type)
    assert (answer.status, answer.json()) == (415, {"error": NOT_JSON})
    assert server.clock.now() == START.timestamp()


@pytest.mark.parametrize("content_type", ["text/plain", FORM_TYPE, None])
def test_a_reset_post_that_is_not_json_is_a_415_and_nothing_is_reset(
    server: SQSServer, content_type: str | None
) -> None:
    json_call(server, "CreateQueue", {"QueueName": "kept"})
    server.advance(30)
    answer = admin_post(server, "reset", b"{}", content_type)
    assert (answer.status, answer.json()) == (415, {"error": NOT_JSON})
    assert [view.name for view in server.queues()] == ["kept"]
    assert [c.action for c in server.calls] == ["CreateQueue"]
    assert server.clock.now() == START.timestamp() + 30


def test_admin_path_segments_are_url_unquoted(server: SQSServer) -> None:
    json_call(server, "CreateQueue", {"QueueName": "a-b"})
    url = f"{server.endpoint_url}/{ACCOUNT}/a-b"
    message_id = json_call(server, "SendMessage", {"QueueUrl": url, "MessageBody": "m"}).json()[
        "MessageId"
    ]
    admin = AdminClient(server.endpoint_url)

    detail = send(server.port, method="GET", path=f"/_pytest_sqs/queues/{ACCOUNT}/a%2Db")
    assert detail.status == 200
    assert detail.json() == admin.queue("a-b")
    assert detail.json()["name"] == "a-b"

    every_byte = "".join(f"%{b:02X}" for b in message_id.encode())
    account = "".join(f"%{b:02x}" for b in ACCOUNT.encode())
    history = send(
        server.port,
        method="GET",
        path=f"/_pytest_sqs/queues/{account}/a%2db/messages/{every_byte}",
    )
    assert history.status == 200
    assert history.json() == {"history": admin.history("a-b", message_id)}

    # AdminClient quotes what it sends; the server reads back the very name asked for.
    with pytest.raises(AdminError) as info:
        admin.queue("a b")
    assert (info.value.status, info.value.message) == (
        404,
        f"no queue named 'a b' in account {ACCOUNT}, region us-east-1. Queues that exist: {url}",
    )


# -- 7. HTTP hygiene ------------------------------------------------------------------------


def test_a_get_with_a_body_is_answered_and_the_connection_stays_in_step(
    server: SQSServer,
) -> None:
    health = {"status": "ok", "region": "us-east-1", "account_id": ACCOUNT}
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        first = send(
            server.port,
            b"hello",
            method="GET",
            path="/_pytest_sqs/health",
            connection=connection,
        )
        assert (first.status, first.json()) == (200, health)
        second = send(server.port, method="GET", path="/_pytest_sqs/health", connection=connection)
        assert (second.status, second.json()) == (200, health)
        third = json_call(server, "ListQueues", {}, connection)
        assert (third.status, third.json()) == (200, {})
    finally:
        connection.close()


def test_a_get_with_a_json_target_runs_nothing(server: SQSServer) -> None:
    answer = send(
        server.port,
        b'{"QueueName": "sneaky"}',
        method="GET",
        headers={"Content-Type": JSON_TYPE, "X-Amz-Target": "AmazonSQS.CreateQueue"},
    )
    assert (answer.status, answer.body) == (404, NOT_FOUND_XML)
    assert server.queues() == []
    assert server.calls == []


@pytest.mark.parametrize("method", ["PUT", "HEAD", "OPTIONS"])
def test_other_methods_on_the_front_door_are_404(server: SQSServer, method: str) -> None:
    answer = send(
        server.port,
        b'{"QueueName": "sneaky"}',
        method=method,
        headers={"Content-Type": JSON_TYPE, "X-Amz-Target": "AmazonSQS.CreateQueue"},
    )
    assert answer.status == 404
    assert answer.body == (b"" if method == "HEAD" else NOT_FOUND_XML)
    assert server.queues() == []
    assert server.calls == []


@pytest.mark.parametrize("size", ["-1", "+5", "0x10"])
def test_a_chunk_size_that_is_not_plain_hex_is_a_400_and_closes(
    server: SQSServer, size: str
) -> None:
    request = (
        "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.0\r\n"
        "X-Amz-Target: AmazonSQS.CreateQueue\r\nTransfer-Encoding: chunked\r\n\r\n"
        f"{size}\r\n" + '{"QueueName":"chunked-queue"}' + "\r\n0\r\n\r\n"
    ).encode()
    received = raw_exchange(server.port, request)  # returns only once the server closes
    assert received.startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert received.count(b"HTTP/1.1 ") == 1
    assert b"\r\nConnection: close\r\n" in received
    assert received.endswith(b"\r\n\r\nMalformed chunked body")
    assert server.queues() == []
    assert server.calls == []


@pytest.mark.parametrize(
    ("lengths", "shown"),
    [(["2", "3"], "'2, 3'"), (["+2"], "'+2'")],
    ids=["two-different", "plus-sign"],
)
def test_a_suspicious_content_length_is_a_400_and_closes(
    server: SQSServer, lengths: list[str], shown: str
) -> None:
    head = "".join(f"Content-Length: {length}\r\n" for length in lengths)
    request = (
        "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.0\r\n"
        f"X-Amz-Target: AmazonSQS.ListQueues\r\n{head}\r\n{{}}"
    ).encode()
    received = raw_exchange(server.port, request)
    assert received.startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert received.count(b"HTTP/1.1 ") == 1
    assert b"\r\nConnection: close\r\n" in received
    assert received.endswith(f"\r\n\r\nInvalid Content-Length {shown}".encode())
    assert server.calls == []


def test_two_equal_content_lengths_are_one(server: SQSServer) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        connection.putrequest("POST", "/")
        connection.putheader("Content-Type", JSON_TYPE)
        connection.putheader("X-Amz-Target", "AmazonSQS.ListQueues")
        connection.putheader("Content-Length", "2")
        connection.putheader("Content-Length", "2")
        connection.endheaders(b"{}")
        response = connection.getresponse()
        assert (response.status, response.read()) == (200, b"{}")
    finally:
        connection.close()


def test_an_empty_json_body_is_a_serialization_exception(server: SQSServer) -> None:
    answer = send(
        server.port,
        b"",
        headers={"Content-Type": JSON_TYPE, "X-Amz-Target": "AmazonSQS.CreateQueue"},
    )
    assert answer.status == 400
    assert answer.json() == {"__type": "com.amazon.coral.service#SerializationException"}
    assert answer.headers["x-amzn-query-error"] == "MalformedInput;Sender"
    assert answer.headers["content-type"] == JSON_TYPE
    assert answer.headers["date"] == START_DATE
    assert server.queues() == []
    assert server.calls == []


# -- 8. construction ----------------------------------------------------------------------


@pytest.mark.parametrize("account_id", ["test", "1234", "1234567890123", "12345678901a", ""])
def test_an_account_id_that_is_not_12_digits_is_refused(account_id: str) -> None:
    with pytest.raises(ValueError) as info:
        SQSServer(account_id=account_id)
    assert str(info.value) == f"account_id must be 12 digits, as AWS's are, not {account_id!r}"


def test_an_account_id_of_non_ascii_digits_is_refused() -> None:
    fullwidth = "\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19\uff10\uff11\uff12"
    with pytest.raises(ValueError) as info:
        SQSServer(account_id=fullwidth)
    assert str(info.value) == f"account_id must be 12 digits, as AWS's are, not {fullwidth!r}"


def test_a_freezegun_clock_is_refused() -> None:
    with pytest.raises(ValueError) as info:
        SQSServer(clock="freezegun")
    assert str(info.value) == "clock must be one of ('wall', 'manual') or a Clock, not 'freezegun'"


def test_the_cli_refuses_an_account_id_that_is_not_12_digits() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pytest_sqs", "serve", "--port", "0", "--account-id", "abc"],
        capture_output=True,
        text=True,
        timeout=10,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.endswith(
        "python -m pytest_sqs: error: account_id must be 12 digits, as AWS's are, not 'abc'\n"
    )
    assert done.stderr.startswith("usage: python -m pytest_sqs ")


# -- 9. the guard: only localhost and loopback addresses pass --------------------------------


class NetworkTouched(Exception):
    """A request got past the guard to the HTTP layer."""


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(session: Any, request: Any) -> Any:
        raise NetworkTouched(request.url)

    monkeypatch.setattr(botocore.httpsession.URLLib3Session, "send", refuse)


def plain_client(endpoint_url: str) -> Any:
    return boto3.session.Session().client(
        "sqs",
        endpoint_url=endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="k",
        aws_secret_access_key="s",
    )


@pytest.mark.parametrize(
    "endpoint_url",
    ["http://evil.localhost:9", "http://localhost.evil.example:9", "http://127.0.0.1.nip.io:9"],
)
@pytest.mark.usefixtures("no_network")
def test_the_guard_refuses_names_that_only_look_like_loopback(endpoint_url: str) -> None:
    # This session runs the sqs plugin with sqs_block_unmocked on (the default).
    with pytest.raises(UnmockedRequestError) as info:
        plain_client(endpoint_url).list_queues()
    assert str(info.value) == UNMOCKED.format(url=endpoint_url + "/")


@pytest.mark.usefixtures("no_network")
def test_the_guard_lets_a_loopback_address_through() -> None:
    # Past the guard, the request meets the stand-in network (nothing listens on :9).
    with pytest.raises(NetworkTouched) as info:
        plain_client("http://127.0.0.2:9").list_queues()
    assert str(info.value) == "http://127.0.0.2:9/"


def test_the_guard_lets_localhost_reach_a_running_server(server: SQSServer) -> None:
    client = plain_client(f"http://localhost:{server.port}")
    url = client.create_queue(QueueName="by-name")["QueueUrl"]
    assert url == f"http://localhost:{server.port}/{ACCOUNT}/by-name"
    assert [c.params for c in server.calls_to("CreateQueue")] == [{"QueueName": "by-name"}]


# -- 10. inside a mock, clients of a server go over HTTP ------------------------------------


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1"])
def test_inside_a_mock_a_server_client_goes_over_http(server: SQSServer, host: str) -> None:
    with mock_sqs() as mock:
        client = plain_client(f"http://{host}:{server.port}")
        url = client.create_queue(QueueName="remote")["QueueUrl"]
        assert url == f"http://{host}:{server.port}/{ACCOUNT}/remote"
        assert [c.params for c in server.calls_to("CreateQueue")] == [{"QueueName": "remote"}]
        assert mock.queues() == []
        assert mock.calls == []


@pytest.mark.parametrize("host", ["LOCALHOST", "LocalHost"])
def test_inside_a_mock_a_server_client_with_an_upper_case_host_goes_over_http(
    server: SQSServer, host: str
) -> None:
    with mock_sqs() as mock:
        client = plain_client(f"http://{host}:{server.port}")
        client.create_queue(QueueName="remote")
        assert mock.queues() == []
        assert [c.params for c in server.calls_to("CreateQueue")] == [{"QueueName": "remote"}]


# -- 11. Date is the simulated time ---------------------------------------------------------


def test_a_json_long_poll_that_waited_is_dated_after_its_wait(ff_server: SQSServer) -> None:
    created = json_call(ff_server, "CreateQueue", {"QueueName": "empty"})
    assert created.headers["date"] == START_DATE
    url = created.json()["QueueUrl"]
    answer = json_call(ff_server, "ReceiveMessage", {"QueueUrl": url, "WaitTimeSeconds": 20})
    assert (answer.status, answer.json()) == (200, {})
    assert answer.headers["date"] == "Tue, 01 Jan 2030 00:00:20 GMT"
    assert ff_server.clock.now() == START.timestamp() + 20


def test_a_query_long_poll_that_waited_is_dated_after_its_wait(ff_server: SQSServer) -> None:
    created = query_call(ff_server, "Action=CreateQueue&QueueName=empty")
    assert (created.status, created.headers["date"]) == (200, START_DATE)
    answer = query_call(
        ff_server, f"Action=ReceiveMessage&QueueUrl={ACCOUNT}/empty&WaitTimeSeconds=20"
    )
    assert answer.status == 200
    assert answer.headers["date"] == simulated_date(20)
    assert answer.xml().findall("sqs:ReceiveMessageResult/sqs:Message", XMLNS) == []


def test_query_answers_and_errors_carry_the_simulated_date(server: SQSServer) -> None:
    created = query_call(server, "Action=CreateQueue&QueueName=dated")
    assert (created.status, created.headers["date"]) == (200, "Tue, 01 Jan 2030 00:00:00 GMT")
    server.advance(timedelta(hours=1, seconds=5))
    found = query_call(server, "Action=GetQueueUrl&QueueName=dated")
    assert (found.status, found.headers["date"]) == (200, "Tue, 01 Jan 2030 01:00:05 GMT")
    missing = query_call(server, "Action=GetQueueUrl&QueueName=missing")
    assert missing.status == 400
    assert xml_error(missing) == ("Sender", "AWS.SimpleQueueService.NonExistentQueue")
    assert missing.headers["date"] == "Tue, 01 Jan 2030 01:00:05 GMT"


# -- 12. the environment for subprocesses ----------------------------------------------------


def test_env_carries_a_fake_session_token(server: SQSServer) -> None:
    assert server.env["AWS_SESSION_TOKEN"] == "testing"
    assert server.env == {
        "AWS_ENDPOINT_URL_SQS": f"http://127.0.0.1:{server.port}",
        "AWS_ENDPOINT_URL_CLOUDWATCH": f"http://127.0.0.1:{server.port}",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "AWS_EC2_METADATA_DISABLED": "true",
    }
