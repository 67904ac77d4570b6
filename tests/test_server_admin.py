"""The admin API under ``/_pytest_sqs/``, through ``pytest_sqs.AdminClient`` and raw HTTP:
time travel and inspection for tests whose code under test runs in another process."""

from __future__ import annotations

import hashlib
import json
import math
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from pytest_sqs import AdminClient, AdminError, SQSServer

ACCOUNT = "123456789012"
START = datetime(2030, 1, 1, tzinfo=timezone.utc)
ARN = f"arn:aws:sqs:us-east-1:{ACCOUNT}:"


def at(seconds: float) -> datetime:
    return START + timedelta(seconds=seconds)


def iso(seconds: float) -> str:
    return at(seconds).isoformat()


def md5(text: str) -> str:
    return hashlib.md5(text.encode("utf-8")).hexdigest()


@pytest.fixture(scope="module")
def running_server() -> Iterator[SQSServer]:
    with SQSServer(clock="manual", start=START, seed=21) as running:
        yield running


@pytest.fixture
def server(running_server: SQSServer) -> Iterator[SQSServer]:
    """The module's server, emptied for this test: no queues, no calls, the clock at START."""
    running_server.reset()
    bugs = len(running_server.bugs)
    yield running_server
    assert running_server.bugs[bugs:] == []


@pytest.fixture(scope="module")
def module_client(running_server: SQSServer) -> Any:
    return running_server.client()


@pytest.fixture
def client(server: SQSServer, module_client: Any) -> Any:
    return module_client


@pytest.fixture
def admin(server: SQSServer) -> AdminClient:
    return AdminClient(server.endpoint_url)


def raw(server: SQSServer, method: str, route: str, body: bytes | None = None) -> Any:
    """(status, content type, parsed JSON body) of one admin request over plain HTTP."""
    request = urllib.request.Request(
        f"{server.endpoint_url}/_pytest_sqs/{route}",
        data=body,
        method=method,
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.headers["Content-Type"], json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], json.loads(error.read())


# -- health and the clock -------------------------------------------------------------


def test_health_over_raw_http_and_through_the_client(server: SQSServer, admin: AdminClient) -> None:
    expected = {"status": "ok", "region": "us-east-1", "account_id": ACCOUNT}
    assert raw(server, "GET", "health") == (200, "application/json", expected)
    assert admin.health() == expected
    assert repr(admin) == f"<AdminClient {server.endpoint_url}>"
    # A trailing slash on the endpoint makes no difference.
    assert AdminClient(server.endpoint_url + "/").health() == expected


def test_health_names_the_servers_region_and_account() -> None:
    with SQSServer(region="eu-central-1", account_id="210987654321") as other:
        assert AdminClient(other.endpoint_url).health() == {
            "status": "ok",
            "region": "eu-central-1",
            "account_id": "210987654321",
        }


def test_clock_over_raw_http(server: SQSServer) -> None:
    assert raw(server, "GET", "clock") == (
        200,
        "application/json",
        {"now": iso(0), "epoch": START.timestamp(), "next_event_at": None},
    )
    answer = raw(server, "POST", "clock", b'{"advance": 2.5}')
    assert answer == (
        200,
        "application/json",
        {"now": iso(2.5), "epoch": START.timestamp() + 2.5, "next_event_at": None},
    )


def test_now_and_advance(server: SQSServer, admin: AdminClient) -> None:
    assert admin.now() == START
    assert admin.next_event_at() is None
    assert admin.advance(30) == at(30)
    assert admin.advance(timedelta(minutes=1)) == at(90)
    assert admin.advance(0) == at(90)
    assert admin.now() == at(90)
    assert server.clock.now() == START.timestamp() + 90  # the same clock as the handle
    server.advance(10)
    assert admin.now() == at(100)


def test_advancing_past_a_visibility_timeout_makes_a_message_visible(
    server: SQSServer, admin: AdminClient, client: Any
) -> None:
    url = client.create_queue(QueueName="work")["QueueUrl"]
    message_id = client.send_message(QueueUrl=url, MessageBody="job")["MessageId"]
    client.receive_message(QueueUrl=url, VisibilityTimeout=30)
    [in_flight] = admin.queue("work")["messages"]["in_flight"]
    assert (in_flight["message_id"], in_flight["visible_at"]) == (message_id, iso(30))
    assert admin.next_event_at() == at(30)

    assert admin.advance(29) == at(29)
    detail = admin.queue("work")
    assert (detail["visible"], detail["in_flight"]) == (0, 1)
    assert admin.advance(1) == at(30)
    detail = admin.queue("work")
    assert (detail["visible"], detail["in_flight"]) == (1, 0)
    [visible] = detail["messages"]["visible"]
    assert (visible["message_id"], visible["state"], visible["receive_count"]) == (
        message_id,
        "visible",
        1,
    )
    assert visible["visible_at"] is None
    assert detail["messages"]["in_flight"] == []
    # And a client sees it again.
    [again] = client.receive_message(QueueUrl=url)["Messages"]
    assert again["MessageId"] == message_id


def test_move_to(server: SQSServer, admin: AdminClient) -> None:
    assert admin.move_to(at(60)) == at(60)
    assert admin.move_to(START.timestamp() + 120) == at(120)
    assert admin.move_to(at(120)) == at(120)  # standing still is not going back
    # A naive time is UTC.
    assert admin.move_to(datetime(2030, 1, 1, 0, 3)) == at(180)
    with pytest.raises(AdminError) as info:
        admin.move_to(at(179))
    assert (info.value.status, info.value.message) == (400, "move_to: the clock only moves forward")
    assert str(info.value) == "400: move_to: the clock only moves forward"
    assert admin.now() == at(180)


def test_advance_to_next_event(server: SQSServer, admin: AdminClient, client: Any) -> None:
    with pytest.raises(AdminError) as info:
        admin.advance_to_next_event()
    assert (info.value.status, info.value.message) == (
        409,
        "nothing is due to happen in any queue",
    )
    assert admin.now() == START
    url = client.create_queue(QueueName="later")["QueueUrl"]
    client.send_message(QueueUrl=url, MessageBody="soon", DelaySeconds=45)
    client.send_message(QueueUrl=url, MessageBody="sooner", DelaySeconds=15)
    assert admin.next_event_at() == at(15)
    assert admin.advance_to_next_event() == at(15)
    assert [m["body"] for m in admin.queue("later")["messages"]["visible"]] == ["sooner"]
    assert admin.advance_to_next_event() == at(45)
    assert admin.queue("later")["visible"] == 2
    # Next: the retention period (4 days by default, from the send) ends for both.
    assert admin.next_event_at() == at(345_600)
    assert admin.advance_to_next_event() == at(345_600)
    assert admin.queues()[0]["visible"] == 0
    assert admin.next_event_at() is None


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"not json", "the body is not JSON"),
        (b"", 'give one of {"advance": seconds}, {"move_to": time}, {"until": "next event"}'),
        (b"{}", 'give one of {"advance": seconds}, {"move_to": time}, {"until": "next event"}'),
        (b"[30]", 'give one of {"advance": seconds}, {"move_to": time}, {"until": "next event"}'),
        (
            b'{"advance": 1, "move_to": 2}',
            'give one of {"advance": seconds}, {"move_to": time}, {"until": "next event"}',
        ),
        (b'{"advance": -1}', "advance takes a number of seconds >= 0"),
        (b'{"advance": "30"}', "advance takes a number of seconds >= 0"),
        (b'{"advance": true}', "advance takes a number of seconds >= 0"),
        (b'{"move_to": "yesterday"}', "move_to: not an ISO 8601 time: 'yesterday'"),
        (b'{"move_to": [1]}', "move_to takes epoch seconds or an ISO 8601 time"),
        (b'{"move_to": false}', "move_to takes epoch seconds or an ISO 8601 time"),
        (b'{"move_to": 0}', "move_to: the clock only moves forward"),
        (b'{"until": "later"}', "unknown clock request 'until'"),
        (b'{"rewind": 5}', "unknown clock request 'rewind'"),
    ],
)
def test_a_bad_clock_request_is_400_and_moves_nothing(
    server: SQSServer, body: bytes, message: str
) -> None:
    assert raw(server, "POST", "clock", body) == (400, "application/json", {"error": message})
    assert server.clock.now() == START.timestamp()


@pytest.mark.parametrize(
    "body",
    [b'{"advance": NaN}', b'{"advance": Infinity}', b'{"advance": 1e300}', b'{"move_to": 1e300}'],
)
def test_a_clock_request_beyond_any_time_is_400(body: bytes) -> None:
    with SQSServer(clock="manual", start=START) as own:  # its own: the bug breaks it
        status, _, answer = raw(own, "POST", "clock", body)
        assert status == 400
        assert set(answer) == {"error"}
        assert AdminClient(own.endpoint_url).now() == START


# -- queues ---------------------------------------------------------------------------


def test_queues_with_their_counts(server: SQSServer, admin: AdminClient, client: Any) -> None:
    assert admin.queues() == []
    work = client.create_queue(QueueName="work")["QueueUrl"]
    client.create_queue(QueueName="audit.fifo", Attributes={"FifoQueue": "true"})
    server.client(region_name="eu-west-1").create_queue(QueueName="abroad")
    client.send_message(QueueUrl=work, MessageBody="a")
    client.send_message(QueueUrl=work, MessageBody="b")
    client.send_message(QueueUrl=work, MessageBody="c", DelaySeconds=60)
    client.receive_message(QueueUrl=work)

    def summary(name: str, region: str, fifo: bool, counts: tuple[int, int, int]) -> Any:
        return {
            "name": name,
            "account_id": ACCOUNT,
            "region": region,
            "url": f"{server.endpoint_url}/{ACCOUNT}/{name}",
            "arn": f"arn:aws:sqs:{region}:{ACCOUNT}:{name}",
            "fifo": fifo,
            "visible": counts[0],
            "in_flight": counts[1],
            "delayed": counts[2],
        }

    assert admin.queues() == [
        summary("abroad", "eu-west-1", False, (0, 0, 0)),
        summary("audit.fifo", "us-east-1", True, (0, 0, 0)),
        summary("work", "us-east-1", False, (1, 1, 1)),
    ]
    status, content_type, answer = raw(server, "GET", "queues")
    assert (status, content_type, answer) == (200, "application/json", {"queues": admin.queues()})


def test_queue_detail(server: SQSServer, admin: AdminClient, client: Any) -> None:
    client.create_queue(QueueName="dead")
    policy = json.dumps({"deadLetterTargetArn": ARN + "dead", "maxReceiveCount": 3})
    url = client.create_queue(
        QueueName="work",
        Attributes={"RedrivePolicy": policy, "VisibilityTimeout": "40"},
        tags={"team": "core"},
    )["QueueUrl"]
    sent = client.send_message(
        QueueUrl=url,
        MessageBody="taken",
        MessageAttributes={
            "blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01"},
            "name": {"DataType": "String", "StringValue": "v"},
        },
        MessageSystemAttributes={
            "AWSTraceHeader": {"DataType": "String", "StringValue": "Root=1-abc"}
        },
    )
    client.receive_message(QueueUrl=url)
    kept = client.send_message(QueueUrl=url, MessageBody="kept")
    later = client.send_message(QueueUrl=url, MessageBody="later", DelaySeconds=5)

    detail = admin.queue("work")
    attributes = detail.pop("attributes")
    messages = detail.pop("messages")
    assert detail == {
        "name": "work",
        "account_id": ACCOUNT,
        "region": "us-east-1",
        "url": f"{server.endpoint_url}/{ACCOUNT}/work",  # as the server hands it out
        "arn": ARN + "work",
        "fifo": False,
        "visible": 1,
        "in_flight": 1,
        "delayed": 1,
        "tags": {"team": "core"},
        "dead_letter_queue": f"{server.endpoint_url}/{ACCOUNT}/dead",
    }
    assert attributes == server.queue("work").attributes
    assert attributes["VisibilityTimeout"] == "40"
    assert json.loads(attributes["RedrivePolicy"]) == {
        "deadLetterTargetArn": ARN + "dead",
        "maxReceiveCount": 3,
    }
    assert (attributes["ApproximateNumberOfMessages"], attributes["CreatedTimestamp"]) == (
        "1",
        str(int(START.timestamp())),
    )

    def snapshot(message_id: str, body: str, state: str, **fields: Any) -> dict[str, Any]:
        return {
            "message_id": message_id,
            "body": body,
            "state": state,
            "receive_count": 0,
            "sent_at": iso(0),
            "visible_at": None,
            "message_attributes": {},
            "message_group_id": None,
            "trace_header": None,
            "md5_of_body": md5(body),
            "sequence_number": None,
            "deduplication_id": None,
            "dead_letter_source_arn": None,
            **fields,
        }

    assert messages == {
        "visible": [snapshot(kept["MessageId"], "kept", "visible")],
        "in_flight": [
            snapshot(
                sent["MessageId"],
                "taken",
                "in_flight",
                receive_count=1,
                visible_at=iso(40),
                message_attributes={
                    "blob": {"DataType": "Binary", "BinaryValue": "AAE="},  # base64
                    "name": {"DataType": "String", "StringValue": "v"},
                },
                trace_header="Root=1-abc",
            )
        ],
        "delayed": [snapshot(later["MessageId"], "later", "delayed", visible_at=iso(5))],
    }
    assert "locked_groups" not in detail
    assert admin.queue("dead")["dead_letter_queue"] is None


def test_fifo_queue_detail_shows_locked_groups(admin: AdminClient, client: Any) -> None:
    url = client.create_queue(
        QueueName="jobs.fifo",
        Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"},
    )["QueueUrl"]
    first = client.send_message(QueueUrl=url, MessageBody="a1", MessageGroupId="a")
    second = client.send_message(QueueUrl=url, MessageBody="a2", MessageGroupId="a")
    client.send_message(
        QueueUrl=url, MessageBody="b1", MessageGroupId="b", MessageDeduplicationId="b-1"
    )
    assert admin.queue("jobs.fifo")["locked_groups"] == {}
    client.receive_message(QueueUrl=url, MaxNumberOfMessages=1)
    detail = admin.queue("jobs.fifo")
    assert detail["fifo"] is True
    assert detail["locked_groups"] == {"a": first["MessageId"]}
    [head] = detail["messages"]["in_flight"]
    assert (head["message_group_id"], head["sequence_number"], head["deduplication_id"]) == (
        "a",
        first["SequenceNumber"],
        hashlib.sha256(b"a1").hexdigest(),
    )
    visible = {m["body"]: m for m in detail["messages"]["visible"]}
    assert sorted(visible) == ["a2", "b1"]
    assert (visible["a2"]["message_group_id"], visible["a2"]["sequence_number"]) == (
        "a",
        second["SequenceNumber"],
    )
    assert (visible["b1"]["message_group_id"], visible["b1"]["deduplication_id"]) == ("b", "b-1")
    assert detail["attributes"]["FifoQueue"] == "true"


def test_a_queue_in_another_region_or_account(
    server: SQSServer, admin: AdminClient, client: Any
) -> None:
    server.client(region_name="eu-west-1").create_queue(QueueName="abroad")
    detail = admin.queue("abroad", region="eu-west-1")
    assert (detail["region"], detail["arn"]) == (
        "eu-west-1",
        f"arn:aws:sqs:eu-west-1:{ACCOUNT}:abroad",
    )
    assert admin.queue("abroad", region="eu-west-1", account_id=ACCOUNT)["name"] == "abroad"
    with pytest.raises(AdminError) as info:
        admin.queue("abroad")
    assert info.value.status == 404
    assert info.value.message == (
        f"no queue named 'abroad' in account {ACCOUNT}, region us-east-1. Queues that "
        f"exist: {server.endpoint_url}/{ACCOUNT}/abroad"
    )
    with pytest.raises(AdminError) as info:
        admin.queue("abroad", region="eu-west-1", account_id="111111111111")
    assert info.value.status == 404
    assert info.value.message.startswith(
        "no queue named 'abroad' in account 111111111111, region eu-west-1."
    )


def test_an_unknown_queue_is_404(server: SQSServer, admin: AdminClient) -> None:
    with pytest.raises(AdminError) as info:
        admin.queue("missing")
    assert (info.value.status, info.value.message) == (
        404,
        f"no queue named 'missing' in account {ACCOUNT}, region us-east-1. Queues that "
        "exist: (none)",
    )
    assert raw(server, "GET", f"queues/{ACCOUNT}/missing") == (
        404,
        "application/json",
        {"error": info.value.message},
    )


# -- history, calls, reset ------------------------------------------------------------


def test_history_of_a_message(server: SQSServer, admin: AdminClient, client: Any) -> None:
    url = client.create_queue(QueueName="work")["QueueUrl"]
    message_id = client.send_message(QueueUrl=url, MessageBody="m", DelaySeconds=5)["MessageId"]
    admin.advance(5)
    [first] = client.receive_message(QueueUrl=url, VisibilityTimeout=10)["Messages"]
    admin.advance(10)
    [second] = client.receive_message(QueueUrl=url, VisibilityTimeout=10)["Messages"]
    admin.advance(2)
    client.delete_message(QueueUrl=url, ReceiptHandle=second["ReceiptHandle"])
    assert admin.history("work", message_id) == [
        {"at": iso(0), "event": "sent", "detail": "delay 5 s"},
        {"at": iso(5), "event": "delay ended", "detail": ""},
        {
            "at": iso(5),
            "event": "received",
            "detail": f"receive #1, visibility 10 s, handle {first['ReceiptHandle']}",
        },
        {"at": iso(15), "event": "visible again", "detail": ""},
        {
            "at": iso(15),
            "event": "received",
            "detail": f"receive #2, visibility 10 s, handle {second['ReceiptHandle']}",
        },
        {"at": iso(17), "event": "deleted", "detail": ""},
    ]
    # The same as the handle's own view.
    assert admin.history("work", message_id) == [
        {"at": e.at.isoformat(), "event": e.event, "detail": e.detail}
        for e in server.queue("work").history(message_id)
    ]
    with pytest.raises(AdminError) as info:
        admin.history("work", "no-such-id")
    assert (info.value.status, info.value.message) == (
        404,
        "no history of message no-such-id in queue work: it was never there, or it left "
        "long ago (journals are kept for the 100,000 most recent departures)",
    )


def test_calls(server: SQSServer, admin: AdminClient, client: Any) -> None:
    url = client.create_queue(QueueName="work")["QueueUrl"]
    client.send_message(
        QueueUrl=url,
        MessageBody="one",
        MessageAttributes={"b": {"DataType": "Binary", "BinaryValue": b"\xff"}},
    )
    admin.advance(3)
    with pytest.raises(client.exceptions.QueueDoesNotExist):
        client.send_message(QueueUrl=url + "-missing", MessageBody="two")
    client.receive_message(QueueUrl=url)
    assert admin.calls("SendMessage") == [
        {
            "action": "SendMessage",
            "at": iso(0),
            "error": None,
            "params": {
                "QueueUrl": url,
                "MessageBody": "one",
                "MessageAttributes": {"b": {"DataType": "Binary", "BinaryValue": "/w=="}},
            },
        },
        {
            "action": "SendMessage",
            "at": iso(3),
            "error": "AWS.SimpleQueueService.NonExistentQueue",
            "params": {"QueueUrl": url + "-missing", "MessageBody": "two"},
        },
    ]
    assert [c["action"] for c in admin.calls()] == [
        "CreateQueue",
        "SendMessage",
        "SendMessage",
        "ReceiveMessage",
    ]
    assert admin.calls("DeleteQueue") == []
    # Admin requests are not SQS calls.
    assert len(server.calls) == 4


def test_reset_forgets_queues_and_calls(server: SQSServer, admin: AdminClient, client: Any) -> None:
    url = client.create_queue(QueueName="work")["QueueUrl"]
    client.send_message(QueueUrl=url, MessageBody="m")
    admin.reset()
    assert admin.queues() == []
    assert admin.calls() == []
    assert server.queues() == []
    assert "QueueUrls" not in client.list_queues()
    with pytest.raises(client.exceptions.QueueDoesNotExist):
        client.send_message(QueueUrl=url, MessageBody="gone")
    assert raw(server, "POST", "reset", b"{}") == (200, "application/json", {"status": "reset"})


# -- routes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "route", "status", "message"),
    [
        ("GET", "bogus", 404, "no admin route /bogus; see /_pytest_sqs/health and the docs"),
        ("GET", "", 404, "no admin route /; see /_pytest_sqs/health and the docs"),
        (
            "GET",
            f"queues/{ACCOUNT}/work/extra",
            404,
            f"no admin route /queues/{ACCOUNT}/work/extra; see /_pytest_sqs/health and the docs",
        ),
        ("POST", "health", 405, "use GET for /health"),
        ("GET", "reset", 405, "use POST for /reset"),
        ("DELETE", "queues", 405, "use GET for /queues"),
        ("POST", "calls", 405, "use GET for /calls"),
        ("PUT", f"queues/{ACCOUNT}/work", 405, f"use GET for /queues/{ACCOUNT}/work"),
    ],
)
def test_unknown_routes_and_wrong_methods(
    server: SQSServer, client: Any, method: str, route: str, status: int, message: str
) -> None:
    client.create_queue(QueueName="work")
    body = b"{}" if method in ("POST", "PUT") else None
    assert raw(server, method, route, body) == (status, "application/json", {"error": message})


def test_admin_paths_are_not_sqs_requests(server: SQSServer) -> None:
    # Even with SQS's headers, a request under /_pytest_sqs/ goes to the admin API.
    request = urllib.request.Request(
        f"{server.endpoint_url}/_pytest_sqs/health",
        data=b"{}",
        method="POST",
        headers={
            "X-Amz-Target": "AmazonSQS.ListQueues",
            "Content-Type": "application/x-amz-json-1.0",
        },
    )
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(request, timeout=5)
    assert info.value.code == 405
    assert json.loads(info.value.read()) == {"error": "use GET for /health"}
    assert server.calls == []


def test_an_admin_client_for_a_stopped_server_fails() -> None:
    with SQSServer() as stopped:
        admin = AdminClient(stopped.endpoint_url, timeout=2)
    with pytest.raises(urllib.error.URLError):
        admin.health()
    assert math.isclose(admin.timeout, 2)
