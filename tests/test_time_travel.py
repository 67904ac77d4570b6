"""Moving simulated time from a test: ``advance``, ``move_to``, ``advance_until`` (a condition
or "next event"), ``next_event_at``, ``clock="freezegun"``, and the default wall clock under
a user's own ``freezegun.freeze_time`` or ``time_machine.travel``."""

from __future__ import annotations

import json
import time
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest
import time_machine
from _pytester_support import prepare
from freezegun import freeze_time

from pytest_sqs import MockSQS, QueueView

pytest_plugins = ["pytester"]

START = datetime(2030, 1, 1, tzinfo=timezone.utc)
T0 = START.timestamp()  # 1893456000.0
URL = "https://sqs.us-east-1.amazonaws.com/123456789012/"

manual = pytest.mark.sqs(clock="manual", start=START, region="us-east-1", account_id="123456789012")


def at(seconds: float) -> datetime:
    """START plus ``seconds``."""
    return START + timedelta(seconds=seconds)


def send(client: Any, queue: QueueView, body: str, **params: Any) -> str:
    return str(client.send_message(QueueUrl=queue.url, MessageBody=body, **params)["MessageId"])


def bodies_received(client: Any, queue: QueueView, **params: Any) -> list[str]:
    response = client.receive_message(QueueUrl=queue.url, MaxNumberOfMessages=10, **params)
    return [message["Body"] for message in response.get("Messages", [])]


def sent_timestamp(client: Any, queue: QueueView) -> int:
    """Send a message and read back its SentTimestamp (milliseconds)."""
    send(client, queue, "stamp")
    response = client.receive_message(QueueUrl=queue.url, AttributeNames=["SentTimestamp"])
    [message] = response["Messages"]
    client.delete_message(QueueUrl=queue.url, ReceiptHandle=message["ReceiptHandle"])
    return int(message["Attributes"]["SentTimestamp"])


# -- advance and move_to ----------------------------------------------------------------


@manual
def test_advance_and_move_to(sqs: MockSQS, sqs_client: Any, sqs_queue: QueueView) -> None:
    assert sqs.clock.now() == T0
    sqs.advance(1.5)
    sqs.advance(timedelta(minutes=1))
    assert sqs.clock.now() == T0 + 61.5
    sqs.move_to(datetime(2030, 1, 1, 1))  # naive: UTC
    assert sqs.clock.now() == T0 + 3600
    sqs.move_to(T0 + 7200)
    assert sent_timestamp(sqs_client, sqs_queue) == (T0 + 7200) * 1000


@manual
def test_time_only_moves_forward(sqs: MockSQS) -> None:
    with pytest.raises(ValueError) as info:
        sqs.advance(-1)
    assert str(info.value) == "cannot move the clock backwards (by -1.0 s)"
    with pytest.raises(ValueError) as info:
        sqs.move_to(datetime(2029, 12, 31, 23, 59, 59))
    assert str(info.value) == (
        "cannot move the clock backwards from 2030-01-01T00:00:00.000+00:00 to "
        "2029-12-31T23:59:59.000+00:00"
    )
    assert sqs.clock.now() == T0


# -- advance_until with a condition -------------------------------------------------------


@manual
def test_advance_until_jumps_exactly_to_the_moment_the_condition_holds(
    sqs: MockSQS, sqs_client: Any, sqs_queue: QueueView
) -> None:
    send(sqs_client, sqs_queue, "later", DelaySeconds=45)
    assert sqs.advance_until(lambda: sqs_queue.visible) == at(45)
    assert sqs.clock.now() == T0 + 45
    assert bodies_received(sqs_client, sqs_queue) == ["later"]


@manual
def test_advance_until_checks_the_condition_after_each_event(
    sqs: MockSQS, sqs_client: Any, sqs_queue: QueueView
) -> None:
    for delay in (10, 20, 30):
        send(sqs_client, sqs_queue, f"after {delay}", DelaySeconds=delay)
    checked_at: list[float] = []

    def two_visible() -> bool:
        checked_at.append(sqs.clock.now() - T0)
        return len(sqs_queue.visible) == 2

    assert sqs.advance_until(two_visible) == at(20)
    assert checked_at == [0, 10, 20]
    assert [m.body for m in sqs_queue.delayed] == ["after 30"]


@manual
def test_advance_until_returns_at_once_when_the_condition_already_holds(
    sqs: MockSQS, sqs_client: Any, sqs_queue: QueueView
) -> None:
    send(sqs_client, sqs_queue, "now")
    send(sqs_client, sqs_queue, "later", DelaySeconds=60)
    assert sqs.advance_until(lambda: sqs_queue.visible, within=0) == START
    assert sqs.clock.now() == T0


@manual
def test_advance_until_drives_application_code(
    sqs: MockSQS, sqs_client: Any, sqs_queue: QueueView
) -> None:
    """The condition can be the application's own polling step."""
    processed: list[int] = []

    def worker_step() -> list[int]:
        for message in sqs_client.receive_message(QueueUrl=sqs_queue.url).get("Messages", []):
            processed.append(json.loads(message["Body"])["order"])
            sqs_client.delete_message(
                QueueUrl=sqs_queue.url, ReceiptHandle=message["ReceiptHandle"]
            )
        return processed

    sqs_client.send_message(
        QueueUrl=sqs_queue.url, MessageBody=json.dumps({"order": 7}), DelaySeconds=300
    )
    assert sqs.advance_until(worker_step) == at(300)
    assert processed == [7]
    sqs_queue.assert_empty()


@manual
@pytest.mark.parametrize("within", [60, 60.0, timedelta(minutes=1)])
def test_advance_until_gives_up_past_within(
    sqs: MockSQS, sqs_client: Any, sqs_queue: QueueView, within: float | timedelta
) -> None:
    message_id = send(sqs_client, sqs_queue, "too late", DelaySeconds=120)
    with pytest.raises(AssertionError) as info:
        sqs.advance_until(lambda: sqs_queue.visible, within=within)
    assert str(info.value) == (
        "advance_until: the condition never became true; nothing more happens in any queue "
        "within 0:01:00. Queues now:\n"
        f"  {sqs_queue.name} ({sqs_queue.url})\n"
        "    visible (0):\n"
        "    in flight (0):\n"
        "    delayed (1):\n"
        f"      'too late' (id {message_id}, received 0x, "
        "visible at 2030-01-01T00:02:00.000+00:00)"
    )
    assert sqs.clock.now() == T0  # it did not move


@manual
def test_advance_until_fails_when_nothing_more_happens(
    sqs: MockSQS, sqs_client: Any, sqs_queue_factory: Any
) -> None:
    queue = sqs_queue_factory("orders", MessageRetentionPeriod="60")
    send(sqs_client, queue, "never received")
    with pytest.raises(AssertionError) as info:
        sqs.advance_until(lambda: queue.in_flight, within=3600)
    # The message expired after 60 s; after that nothing was due.
    assert sqs.clock.now() == T0 + 60
    assert str(info.value) == (
        "advance_until: the condition never became true; nothing more happens in any queue "
        "within 1:00:00. Queues now:\n"
        f"  orders ({URL}orders)\n"
        "    visible (0):\n"
        "    in flight (0):\n"
        "    delayed (0):"
    )


@manual
def test_advance_until_says_within_as_a_duration(sqs: MockSQS, sqs_queue: QueueView) -> None:
    with pytest.raises(AssertionError) as info:
        sqs.advance_until(lambda: sqs_queue.visible)
    assert str(info.value).startswith(
        "advance_until: the condition never became true; nothing more happens in any queue "
        "within 14 days, 0:00:00. Queues now:\n"
    )


@manual
def test_advance_until_a_condition_that_reads_no_queue_still_ends(
    sqs: MockSQS, sqs_client: Any, sqs_queue: QueueView
) -> None:
    message_id = send(sqs_client, sqs_queue, "x", DelaySeconds=10)
    checks = 0

    def application_flag() -> bool:
        nonlocal checks
        checks += 1
        if checks > 100:  # what would otherwise be an endless loop
            raise RuntimeError(f"still looping at {sqs.clock.now() - T0} s")
        return False

    with pytest.raises(AssertionError) as info:
        sqs.advance_until(application_flag, within=60)
    assert str(info.value) == (
        "advance_until: the condition never became true; nothing more happens in any queue "
        "within 0:01:00. Queues now:\n"
        f"  {sqs_queue.name} ({sqs_queue.url})\n"
        "    visible (1):\n"
        f"      'x' (id {message_id}, received 0x)\n"
        "    in flight (0):\n"
        "    delayed (0):"
    )


# -- advance_until("next event") and next_event_at ----------------------------------------


@manual
def test_next_event_a_delay_ends(sqs: MockSQS, sqs_client: Any, sqs_queue: QueueView) -> None:
    send(sqs_client, sqs_queue, "delayed", DelaySeconds=30)
    assert sqs.next_event_at() == at(30)
    assert sqs.advance_until("next event") == at(30)
    assert [m.body for m in sqs_queue.visible] == ["delayed"]


@manual
def test_next_event_a_visibility_timeout_ends(
    sqs: MockSQS, sqs_client: Any, sqs_queue: QueueView
) -> None:
    send(sqs_client, sqs_queue, "in flight")
    bodies_received(sqs_client, sqs_queue, VisibilityTimeout=20)
    assert sqs.next_event_at() == at(20)
    assert sqs.advance_until() == at(20)
    [message] = sqs_queue.visible
    assert (message.body, message.receive_count) == ("in flight", 1)


@manual
def test_next_event_a_message_expires(
    sqs: MockSQS, sqs_client: Any, sqs_queue_factory: Any
) -> None:
    queue = sqs_queue_factory("short-lived", MessageRetentionPeriod="60")
    send(sqs_client, queue, "old")
    assert sqs.next_event_at() == at(60)
    assert sqs.advance_until() == at(60)
    queue.assert_empty()
    assert sqs.next_event_at() is None


@manual
def test_next_event_a_move_task_step(sqs: MockSQS, sqs_client: Any, sqs_queue_factory: Any) -> None:
    work = sqs_queue_factory("work", dlq=True)
    for body in ("a", "b"):
        sqs.dead_letter("work", send(sqs_client, work, body))
    assert work.dlq is not None
    sqs_client.start_message_move_task(SourceArn=work.dlq.arn, MaxNumberOfMessagesPerSecond=1)
    assert sqs.next_event_at() == at(1)
    assert sqs.advance_until() == at(1)
    assert (len(work.messages), len(work.dlq.messages)) == (1, 1)
    assert sqs.advance_until() == at(2)
    assert (sorted(work.bodies()), work.dlq.bodies()) == (["a", "b"], [])


@manual
def test_next_event_one_after_the_other(
    sqs: MockSQS, sqs_client: Any, sqs_queue_factory: Any
) -> None:
    queue = sqs_queue_factory("steps", MessageRetentionPeriod="60")
    send(sqs_client, queue, "m", DelaySeconds=10)
    assert sqs.advance_until() == at(10)  # the delay ends
    assert bodies_received(sqs_client, queue, VisibilityTimeout=5) == ["m"]
    assert sqs.advance_until() == at(15)  # the visibility timeout ends
    assert bodies_received(sqs_client, queue, VisibilityTimeout=30) == ["m"]
    assert sqs.advance_until() == at(45)
    assert queue.in_flight == ()
    assert sqs.advance_until() == at(60)  # retention ends
    queue.assert_empty()
    with pytest.raises(AssertionError) as info:
        sqs.advance_until()
    assert str(info.value) == "advance_until: nothing is due to happen in any queue"


@manual
def test_next_event_twice_in_a_row(sqs: MockSQS, sqs_client: Any, sqs_queue_factory: Any) -> None:
    queue = sqs_queue_factory("twice", MessageRetentionPeriod="60")
    send(sqs_client, queue, "m", DelaySeconds=10)
    assert sqs.advance_until() == at(10)
    assert sqs.advance_until() == at(60)


@manual
def test_next_event_with_nothing_due(sqs: MockSQS, sqs_queue: QueueView) -> None:
    assert sqs.next_event_at() is None
    with pytest.raises(AssertionError) as info:
        sqs.advance_until("next event")
    assert str(info.value) == "advance_until: nothing is due to happen in any queue"
    assert sqs.clock.now() == T0


# -- clock="freezegun" ----------------------------------------------------------------------


def order_created_at() -> dict[str, Any]:
    """Application code that reads the process clock."""
    return {"epoch": time.time(), "iso": datetime.now(timezone.utc).isoformat()}


@pytest.mark.sqs(clock="freezegun", start=START)
def test_freezegun_clock_is_the_applications_clock(
    sqs: MockSQS, sqs_client: Any, sqs_queue: QueueView
) -> None:
    assert order_created_at() == {"epoch": T0, "iso": "2030-01-01T00:00:00+00:00"}
    assert datetime.now() == datetime(2030, 1, 1)
    assert date.today() == date(2030, 1, 1)
    sqs.advance(90)
    assert order_created_at() == {"epoch": T0 + 90, "iso": "2030-01-01T00:01:30+00:00"}
    assert sent_timestamp(sqs_client, sqs_queue) == (T0 + 90) * 1000
    send(sqs_client, sqs_queue, "later", DelaySeconds=30)
    assert sqs.advance_until(lambda: sqs_queue.visible) == at(120)
    assert time.time() == T0 + 120


@pytest.mark.sqs(clock="freezegun")
def test_freezegun_clock_starts_now_and_stands_still(sqs: MockSQS) -> None:
    first = time.time()
    assert time.time() == first == sqs.clock.now()
    sqs.advance(timedelta(hours=1))
    assert time.time() == first + 3600


def test_freezegun_clock_is_stopped_after_the_test(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    prepare(pytester, monkeypatch)
    pytester.makepyfile(
        """
        import time
        from datetime import datetime

        import pytest

        @pytest.mark.sqs(clock="freezegun", start=datetime(2100, 1, 1))
        def test_frozen(sqs):
            assert datetime.now().year == 2100

        @pytest.mark.sqs(clock="freezegun", start=datetime(2100, 1, 1))
        def test_frozen_and_failing(sqs):
            raise AssertionError("failing under freezegun")

        def test_after():
            assert datetime.now().year < 2100
            assert time.time() < datetime(2100, 1, 1).timestamp()
        """
    )
    pytester.runpytest().assert_outcomes(passed=2, failed=1)
    assert datetime.now().year < 2100


# -- the wall clock under a user's own time travel ------------------------------------------

# The wall clock never goes backwards: travel to a moment surely still in the future.
LATER = datetime(2100, 1, 1, tzinfo=timezone.utc)
LATER_T0 = LATER.timestamp()
wall = pytest.mark.sqs(clock="wall", region="us-east-1")


def redelivered_after_the_timeout(
    client: Any, queue: QueueView, move: Any, *, expected_sent: float
) -> None:
    """Send, receive with a 30 s visibility timeout, ``move(31)`` the process clock, and
    receive the message again."""
    send(client, queue, "again")
    first = client.receive_message(
        QueueUrl=queue.url, VisibilityTimeout=30, AttributeNames=["SentTimestamp"]
    )["Messages"]
    assert int(first[0]["Attributes"]["SentTimestamp"]) == expected_sent * 1000
    move(29)
    assert bodies_received(client, queue) == []
    move(2)
    second = client.receive_message(QueueUrl=queue.url, AttributeNames=["All"])["Messages"]
    assert [(m["Body"], m["Attributes"]["ApproximateReceiveCount"]) for m in second] == [
        ("again", "2")
    ]


@wall
def test_wall_clock_follows_freeze_time(
    sqs: MockSQS, sqs_client: Any, sqs_queue: QueueView
) -> None:
    with freeze_time(LATER) as frozen:
        assert sqs.clock.now() == LATER_T0
        redelivered_after_the_timeout(
            sqs_client,
            sqs_queue,
            lambda s: frozen.tick(timedelta(seconds=s)),
            expected_sent=LATER_T0,
        )
        sqs.advance(60)  # the simulator's own travel adds to the process clock's
        assert (time.time(), sqs.clock.now()) == (LATER_T0 + 31, LATER_T0 + 91)


@wall
@freeze_time(LATER)
def test_wall_clock_under_a_freeze_time_decorator(
    sqs: MockSQS, sqs_client: Any, sqs_queue: QueueView
) -> None:
    assert sent_timestamp(sqs_client, sqs_queue) == LATER_T0 * 1000
    sqs.advance(5)
    assert sent_timestamp(sqs_client, sqs_queue) == (LATER_T0 + 5) * 1000


@wall
def test_wall_clock_follows_time_machine(
    sqs: MockSQS, sqs_client: Any, sqs_queue: QueueView
) -> None:
    with time_machine.travel(LATER, tick=False) as traveller:
        assert sqs.clock.now() == LATER_T0
        redelivered_after_the_timeout(
            sqs_client, sqs_queue, traveller.shift, expected_sent=LATER_T0
        )


@wall
def test_wall_clock_follows_the_time_machine_fixture(
    sqs: MockSQS, sqs_client: Any, sqs_queue: QueueView, time_machine: Any
) -> None:
    time_machine.move_to(LATER, tick=False)
    redelivered_after_the_timeout(sqs_client, sqs_queue, time_machine.shift, expected_sent=LATER_T0)
