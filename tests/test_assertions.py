"""What a failing test shows: the assertion helpers' whole messages (``assert_empty``,
``assert_contains``, ``assert_redelivered``), their hidden frames, the recorded API calls,
and the "pytest-sqs queues" section of a failing test's report."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

import pytest
from _pytester_support import prepare, report_block, report_blocks
from botocore.exceptions import ClientError

from pytest_sqs import MockSQS, QueueView

pytest_plugins = ["pytester"]

START = datetime(2030, 1, 1, tzinfo=timezone.utc)
URL = "https://sqs.us-east-1.amazonaws.com/123456789012/"

pytestmark = pytest.mark.sqs(
    region="us-east-1", account_id="123456789012", clock="manual", start=START
)

Factory = Any  # the sqs_queue_factory fixture's callable


def send(client: Any, queue: QueueView, body: str, **params: Any) -> str:
    return str(client.send_message(QueueUrl=queue.url, MessageBody=body, **params)["MessageId"])


def receive_one(client: Any, queue: QueueView, **params: Any) -> dict[str, Any]:
    [message] = client.receive_message(QueueUrl=queue.url, **params)["Messages"]
    return dict(message)


@pytest.fixture
def orders(sqs_queue_factory: Factory) -> QueueView:
    view: QueueView = sqs_queue_factory("orders")
    return view


@pytest.fixture
def filled(sqs_client: Any, orders: QueueView) -> dict[str, str]:
    """``orders`` holding one message in each state, and one long one; their ids by body."""
    ids = {"first": send(sqs_client, orders, "first")}
    receive_one(sqs_client, orders, VisibilityTimeout=30)
    ids["second"] = send(sqs_client, orders, "second")
    ids["long"] = send(sqs_client, orders, "x" * 61)
    ids["later"] = send(sqs_client, orders, "later", DelaySeconds=60)
    return ids


def filled_description(ids: dict[str, str]) -> str:
    return (
        f"  orders ({URL}orders)\n"
        "    visible (2):\n"
        f"      'second' (id {ids['second']}, received 0x)\n"
        f"      '{'x' * 57}...' (id {ids['long']}, received 0x)\n"
        "    in flight (1):\n"
        f"      'first' (id {ids['first']}, received 1x, "
        "visible at 2030-01-01T00:00:30.000+00:00)\n"
        "    delayed (1):\n"
        f"      'later' (id {ids['later']}, received 0x, "
        "visible at 2030-01-01T00:01:00.000+00:00)"
    )


# -- assert_empty -----------------------------------------------------------------------


def test_assert_empty_passes_on_an_empty_queue(sqs_queue: QueueView) -> None:
    sqs_queue.assert_empty()


def test_assert_empty_lists_the_messages_by_state(
    orders: QueueView, filled: dict[str, str]
) -> None:
    with pytest.raises(AssertionError) as info:
        orders.assert_empty()
    assert str(info.value) == (
        "expected queue 'orders' to be empty, but it holds 4 message(s):\n"
        + filled_description(filled)
    )


def test_assert_empty_shows_fifo_groups(sqs_client: Any, sqs_fifo_queue: QueueView) -> None:
    message_id = send(
        sqs_client, sqs_fifo_queue, "a", MessageGroupId="g1", MessageDeduplicationId="d1"
    )
    name = sqs_fifo_queue.name
    with pytest.raises(AssertionError) as info:
        sqs_fifo_queue.assert_empty()
    assert str(info.value) == (
        f"expected queue {name!r} to be empty, but it holds 1 message(s):\n"
        f"  {name} ({URL}{name})\n"
        "    visible (1):\n"
        f"      'a' (id {message_id}, received 0x, group g1)\n"
        "    in flight (0):\n"
        "    delayed (0):"
    )


# -- assert_contains --------------------------------------------------------------------


def test_assert_contains_returns_the_matching_messages(
    orders: QueueView, filled: dict[str, str]
) -> None:
    [second] = orders.assert_contains("second")
    assert (second.message_id, second.state) == (filled["second"], "visible")
    [first] = orders.assert_contains("first", state="in_flight", count=1)
    assert first.receive_count == 1
    matching = orders.assert_contains(predicate=lambda m: m.receive_count == 0, count=3)
    assert sorted(m.body for m in matching) == ["later", "second", "x" * 61]
    assert orders.assert_contains("missing", count=0) == []


@pytest.mark.parametrize(
    ("arguments", "wanted", "matches"),
    [
        ({"body": "missing"}, "at least one message with body 'missing'", 0),
        (
            {"predicate": lambda m: m.receive_count > 1},
            "at least one message matching the predicate",
            0,
        ),
        (
            {"body": "first", "state": "visible"},
            "at least one message with body 'first' in state 'visible'",
            0,
        ),
        ({"body": "second", "count": 2}, "exactly 2 message(s) with body 'second'", 1),
        (
            {
                "body": "later",
                "predicate": lambda m: m.receive_count == 0,
                "state": "delayed",
                "count": 0,
            },
            "exactly 0 message(s) with body 'later' matching the predicate in state 'delayed'",
            1,
        ),
    ],
)
def test_assert_contains_says_what_was_wanted_and_what_is_there(
    orders: QueueView,
    filled: dict[str, str],
    arguments: dict[str, Any],
    wanted: str,
    matches: int,
) -> None:
    with pytest.raises(AssertionError) as info:
        orders.assert_contains(**arguments)
    assert str(info.value) == (
        f"expected queue 'orders' to contain {wanted}, but {matches} match(es). "
        "The queue holds:\n" + filled_description(filled)
    )


def test_assert_contains_needs_a_body_or_a_predicate(orders: QueueView) -> None:
    with pytest.raises(TypeError) as info:
        orders.assert_contains(state="visible")
    assert str(info.value) == "assert_contains needs a body or a predicate"


def test_assert_contains_refuses_an_unknown_state(orders: QueueView) -> None:
    with pytest.raises(ValueError) as info:
        orders.assert_contains("first", state="in flight", count=0)
    assert "'visible', 'in_flight', 'delayed'" in str(info.value)


# -- assert_redelivered -----------------------------------------------------------------


def test_assert_redelivered(sqs: MockSQS, sqs_client: Any, orders: QueueView) -> None:
    message_id = send(sqs_client, orders, "retry me")
    first = receive_one(sqs_client, orders, VisibilityTimeout=10)
    sqs.assert_redelivered("orders", message_id, times=0)
    sqs.advance(10)
    second = receive_one(sqs_client, orders, VisibilityTimeout=10)
    sqs.assert_redelivered("orders", message_id)
    sqs.assert_redelivered(orders.url, message_id, times=1)

    with pytest.raises(AssertionError) as info:
        sqs.assert_redelivered("orders", message_id, times=2)
    assert str(info.value) == (
        f"expected message {message_id} in queue 'orders' to be redelivered 2 time(s), but it "
        "was redelivered 1 time(s) (2 receive(s)). Its history:\n"
        "    2030-01-01T00:00:00.000+00:00  sent (delay 0 s)\n"
        "    2030-01-01T00:00:00.000+00:00  received (receive #1, visibility 10 s, "
        f"handle {first['ReceiptHandle']})\n"
        "    2030-01-01T00:00:10.000+00:00  visible again\n"
        "    2030-01-01T00:00:10.000+00:00  received (receive #2, visibility 10 s, "
        f"handle {second['ReceiptHandle']})"
    )


def test_assert_redelivered_of_a_message_never_received(
    sqs: MockSQS, sqs_client: Any, orders: QueueView
) -> None:
    message_id = send(sqs_client, orders, "untouched", DelaySeconds=5)
    with pytest.raises(AssertionError) as info:
        sqs.assert_redelivered("orders", message_id)
    assert str(info.value) == (
        f"expected message {message_id} in queue 'orders' to be redelivered 1 time(s), but it "
        "was redelivered 0 time(s) (0 receive(s)). Its history:\n"
        "    2030-01-01T00:00:00.000+00:00  sent (delay 5 s)"
    )


def test_looking_up_a_missing_queue_names_the_queues_there_are(
    sqs: MockSQS, orders: QueueView
) -> None:
    with pytest.raises(LookupError) as info:
        sqs.queue("order")
    assert str(info.value) == (
        "no queue named 'order' in account 123456789012, region us-east-1. "
        f"Queues that exist: {URL}orders"
    )


# -- sqs.calls and calls_to -------------------------------------------------------------


def test_calls_are_recorded_with_their_results_and_errors(
    sqs: MockSQS, sqs_client: Any, sqs_queue_factory: Factory
) -> None:
    orders, audit = sqs_queue_factory("orders"), sqs_queue_factory("audit")
    message_id = send(sqs_client, orders, "o1")
    sqs.advance(5)
    sqs_client.send_message_batch(
        QueueUrl=audit.url,
        Entries=[{"Id": "a", "MessageBody": "a1"}, {"Id": "b", "MessageBody": "a2"}],
    )
    receive_one(sqs_client, orders)
    with pytest.raises(ClientError):
        sqs_client.receive_message(QueueUrl=f"{URL}orders-archive")

    assert [(c.action, c.queue_url, c.error) for c in sqs.calls] == [
        ("SendMessage", f"{URL}orders", None),
        ("SendMessageBatch", f"{URL}audit", None),
        ("ReceiveMessage", f"{URL}orders", None),
        ("ReceiveMessage", f"{URL}orders-archive", "AWS.SimpleQueueService.NonExistentQueue"),
    ]
    sent, batch, _received, failed = sqs.calls
    assert sent.params == {"QueueUrl": f"{URL}orders", "MessageBody": "o1"}
    assert sent.response is not None
    assert sent.response["MessageId"] == message_id
    assert "ResponseMetadata" not in sent.response
    assert (sent.at, batch.at) == (START, datetime(2030, 1, 1, 0, 0, 5, tzinfo=timezone.utc))
    assert batch.response is not None
    assert [entry["Id"] for entry in batch.response["Successful"]] == ["a", "b"]
    assert failed.response is None


def test_calls_to_filters_by_action_and_by_queue(
    sqs: MockSQS, sqs_client: Any, sqs_queue_factory: Factory
) -> None:
    orders, audit = sqs_queue_factory("orders"), sqs_queue_factory("audit")
    send(sqs_client, orders, "o1")
    send(sqs_client, audit, "a1")
    receive_one(sqs_client, orders)
    sqs_client.list_queues()
    with pytest.raises(ClientError):
        sqs_client.send_message(QueueUrl=f"{URL}archive", MessageBody="lost")

    def summary(calls: list[Any]) -> list[tuple[str, str | None]]:
        return [(call.action, call.queue_url) for call in calls]

    assert summary(sqs.calls_to()) == summary(sqs.calls)
    assert summary(sqs.calls_to("SendMessage")) == [
        ("SendMessage", f"{URL}orders"),
        ("SendMessage", f"{URL}audit"),
        ("SendMessage", f"{URL}archive"),
    ]
    assert summary(sqs.calls_to("ListQueues")) == [("ListQueues", None)]
    assert summary(sqs.calls_to(queue="orders")) == [
        ("SendMessage", f"{URL}orders"),
        ("ReceiveMessage", f"{URL}orders"),
    ]
    assert summary(sqs.calls_to(queue=orders.url)) == summary(sqs.calls_to(queue="orders"))
    assert summary(sqs.calls_to("ReceiveMessage", queue=audit.url)) == []
    assert summary(sqs.calls_to("SendMessage", queue="audit")) == [("SendMessage", f"{URL}audit")]
    [lost] = sqs.calls_to(queue="archive")
    assert (lost.error, lost.response) == ("AWS.SimpleQueueService.NonExistentQueue", None)
    assert sqs.calls_to("DeleteMessage") == []


def test_calls_to_a_queue_url_matches_only_that_queue(sqs: MockSQS) -> None:
    import boto3

    here = boto3.client("sqs", region_name="us-east-1")
    there = boto3.client("sqs", region_name="eu-west-1")
    here_url = here.create_queue(QueueName="orders")["QueueUrl"]
    there_url = there.create_queue(QueueName="orders")["QueueUrl"]
    here.send_message(QueueUrl=here_url, MessageBody="here")
    there.send_message(QueueUrl=there_url, MessageBody="there")
    assert [call.queue_url for call in sqs.calls_to("SendMessage", queue=there_url)] == [there_url]


# -- hidden frames and the report section, in an inner session --------------------------


@pytest.fixture
def run(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    return prepare(pytester, monkeypatch)


def test_helpers_hide_their_frames(run: pytest.Pytester) -> None:
    run.makepyfile(
        """
        import pytest

        pytestmark = pytest.mark.sqs(clock="manual")

        def test_empty(sqs_client, sqs_queue):
            sqs_client.send_message(QueueUrl=sqs_queue.url, MessageBody="x")
            sqs_queue.assert_empty()

        def test_contains(sqs_queue):
            sqs_queue.assert_contains("y", state="visible")

        def test_redelivered(sqs, sqs_client, sqs_queue):
            message_id = sqs_client.send_message(QueueUrl=sqs_queue.url, MessageBody="x")[
                "MessageId"
            ]
            sqs.assert_redelivered(sqs_queue.name, message_id)

        def test_advance_until(sqs, sqs_queue):
            sqs.advance_until(lambda: sqs_queue.visible)

        def test_advance_until_next_event(sqs):
            sqs.advance_until()
        """
    )
    result = run.runpytest()
    result.assert_outcomes(failed=5)
    last_source_lines = {
        title: [line for line in text.splitlines() if line.startswith(">")]
        for title, text in report_blocks(result)
        if title.startswith("test_")
    }
    assert last_source_lines == {
        "test_empty": [">       sqs_queue.assert_empty()"],
        "test_contains": ['>       sqs_queue.assert_contains("y", state="visible")'],
        "test_redelivered": [">       sqs.assert_redelivered(sqs_queue.name, message_id)"],
        "test_advance_until": [">       sqs.advance_until(lambda: sqs_queue.visible)"],
        "test_advance_until_next_event": [">       sqs.advance_until()"],
    }
    # No frame of the package shows (its objects may, as the test's arguments).
    assert re.findall(r"pytest_sqs\S*\.py", result.stdout.str()) == []


def test_a_failing_test_reports_the_queues(run: pytest.Pytester) -> None:
    run.makepyfile(
        """
        from datetime import datetime

        import pytest

        @pytest.mark.sqs(clock="manual", start=datetime(2030, 1, 1))
        def test_fails(sqs_client, sqs_queue_factory):
            orders = sqs_queue_factory("orders")
            sqs_queue_factory("audit")
            taken = sqs_client.send_message(QueueUrl=orders.url, MessageBody="taken")
            sqs_client.receive_message(QueueUrl=orders.url, VisibilityTimeout=90)
            kept = sqs_client.send_message(QueueUrl=orders.url, MessageBody="kept")
            ids = [kept["MessageId"], taken["MessageId"]]
            pytest.fail("ids " + " ".join(ids), pytrace=False)

        def test_passes(sqs_queue):
            pass

        def test_fails_without_the_mock():
            assert False

        @pytest.mark.sqs
        def test_fails_without_queues():
            assert False
        """
    )
    result = run.runpytest()
    result.assert_outcomes(passed=1, failed=3)
    kept_id, taken_id = report_block(result, "test_fails").removeprefix("ids ").split()
    titles = [title for title, _ in report_blocks(result)]
    failures = titles[titles.index("FAILURES") + 1 : titles.index("short test summary info")]
    assert [title for title in failures if title != "warnings summary"] == [
        "test_fails",
        "pytest-sqs queues",
        "test_fails_without_the_mock",
        "test_fails_without_queues",
        "pytest-sqs queues",
    ]
    assert report_block(result, "pytest-sqs queues", after="test_fails") == (
        f"  audit ({URL}audit)\n"
        "    visible (0):\n"
        "    in flight (0):\n"
        "    delayed (0):\n"
        f"  orders ({URL}orders)\n"
        "    visible (1):\n"
        f"      'kept' (id {kept_id}, received 0x)\n"
        "    in flight (1):\n"
        f"      'taken' (id {taken_id}, received 1x, visible at 2030-01-01T00:01:30.000+00:00)\n"
        "    delayed (0):"
    )
    assert (
        report_block(result, "pytest-sqs queues", after="test_fails_without_queues")
        == "  (no queues)"
    )
