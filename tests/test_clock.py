"""Time as tests move it: freezegun, time-machine, ``advance``/``move_to`` and the manual
clock.  Nothing here sleeps: a visibility timeout of 30 s passes in no real time."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
import time_machine
from freezegun import freeze_time

from pytest_sqs import ManualClock, MockSQS, WallClock, mock_sqs

REGION = "us-east-1"
START = datetime(2024, 1, 1, 12, 0, tzinfo=timezone.utc)
START_S = START.timestamp()  # 1704110400.0
START_MS = "1704110400000"

Shift = Callable[[float], Any]


@contextmanager
def freezegun_frozen() -> Iterator[Shift]:
    with freeze_time(START) as frozen:
        yield lambda seconds: frozen.tick(timedelta(seconds=seconds))


@contextmanager
def time_machine_frozen() -> Iterator[Shift]:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller.shift


FROZEN_TIME: dict[str, Callable[[], AbstractContextManager[Shift]]] = {
    "freezegun": freezegun_frozen,
    "time-machine": time_machine_frozen,
}


def in_flight_for_30_s(client: Any) -> str:
    """A queue whose only message has just been received with a 30 s visibility timeout."""
    url: str = client.create_queue(QueueName="timed")["QueueUrl"]
    client.send_message(QueueUrl=url, MessageBody="hello")
    assert bodies(client.receive_message(QueueUrl=url, VisibilityTimeout=30)) == ["hello"]
    return url


def bodies(response: dict[str, Any]) -> list[str]:
    return [message["Body"] for message in response.get("Messages", [])]


def receive(client: Any, url: str) -> list[tuple[str, str]]:
    """(body, ApproximateReceiveCount) of what a receive returns now."""
    response = client.receive_message(
        QueueUrl=url, MessageSystemAttributeNames=["ApproximateReceiveCount"]
    )
    return [
        (message["Body"], message["Attributes"]["ApproximateReceiveCount"])
        for message in response.get("Messages", [])
    ]


def sent_timestamp(client: Any, url: str) -> str:
    [message] = client.receive_message(
        QueueUrl=url, MessageSystemAttributeNames=["SentTimestamp"], VisibilityTimeout=0
    )["Messages"]
    return str(message["Attributes"]["SentTimestamp"])


# -- the wall clock follows the process clock -------------------------------------------


@pytest.mark.parametrize("frozen_time", FROZEN_TIME.values(), ids=FROZEN_TIME.keys())
def test_wall_clock_follows_frozen_time(
    frozen_time: Callable[[], AbstractContextManager[Shift]],
) -> None:
    with frozen_time() as shift, mock_sqs() as mock:
        client = boto3.client("sqs", region_name=REGION)
        url = in_flight_for_30_s(client)
        assert mock.clock.now() == START_S
        shift(29)
        assert receive(client, url) == []
        shift(2)
        assert mock.clock.now() == START_S + 31
        assert receive(client, url) == [("hello", "2")]


@pytest.mark.parametrize(
    "move",
    [
        pytest.param(lambda frozen: frozen.tick(31), id="tick-seconds"),
        pytest.param(lambda frozen: frozen.tick(timedelta(seconds=31)), id="tick-timedelta"),
        pytest.param(lambda frozen: frozen.move_to(START + timedelta(seconds=31)), id="move_to"),
        pytest.param(lambda frozen: frozen.move_to("2024-01-01 12:00:31"), id="move_to-text"),
    ],
)
def test_every_way_of_moving_freezegun_moves_the_simulator(move: Callable[[Any], Any]) -> None:
    with freeze_time(START) as frozen, mock_sqs() as mock:
        client = boto3.client("sqs", region_name=REGION)
        url = in_flight_for_30_s(client)
        move(frozen)
        assert mock.clock.now() == START_S + 31
        assert receive(client, url) == [("hello", "2")]


def test_time_machine_move_to_moves_the_simulator() -> None:
    with time_machine.travel(START, tick=False) as traveller, mock_sqs() as mock:
        client = boto3.client("sqs", region_name=REGION)
        url = in_flight_for_30_s(client)
        traveller.move_to(START + timedelta(seconds=31))
        assert mock.clock.now() == START_S + 31
        assert receive(client, url) == [("hello", "2")]


@pytest.mark.parametrize("frozen_time", FROZEN_TIME.values(), ids=FROZEN_TIME.keys())
def test_timestamps_are_the_frozen_time(
    frozen_time: Callable[[], AbstractContextManager[Shift]],
) -> None:
    with frozen_time(), mock_sqs():
        client = boto3.client("sqs", region_name=REGION)
        url = client.create_queue(QueueName="stamped")["QueueUrl"]
        client.send_message(QueueUrl=url, MessageBody="stamped")
        assert sent_timestamp(client, url) == START_MS
        attributes = client.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])
        assert attributes["Attributes"]["CreatedTimestamp"] == str(int(START_S))


def test_wall_clock_never_goes_backwards_when_frozen_time_does() -> None:
    with freeze_time(START) as frozen, mock_sqs() as mock:
        client = boto3.client("sqs", region_name=REGION)
        url = in_flight_for_30_s(client)
        frozen.move_to(START - timedelta(hours=1))
        assert mock.clock.now() == START_S
        assert receive(client, url) == []
        frozen.move_to(START + timedelta(seconds=31))
        assert receive(client, url) == [("hello", "2")]


def test_advance_adds_to_frozen_time() -> None:
    with freeze_time(START) as frozen, mock_sqs() as mock:
        mock.advance(10)
        frozen.tick(5)
        assert mock.clock.now() == START_S + 15


# -- advance and move_to -----------------------------------------------------------------


def _move_to_datetime(mock: MockSQS) -> None:
    mock.move_to(datetime.fromtimestamp(mock.clock.now() + 31, tz=timezone.utc))


MOVES: dict[str, Callable[[MockSQS], None]] = {
    "advance-seconds": lambda mock: mock.advance(31),
    "advance-timedelta": lambda mock: mock.advance(timedelta(seconds=31)),
    "move_to-datetime": _move_to_datetime,
    "move_to-epoch": lambda mock: mock.move_to(mock.clock.now() + 31),
}


@pytest.mark.parametrize("move", MOVES.values(), ids=MOVES.keys())
@pytest.mark.parametrize("clock", ["wall", "manual"])
def test_moving_the_mock_31_s_ends_a_30_s_visibility_timeout(
    clock: str, move: Callable[[MockSQS], None]
) -> None:
    with mock_sqs(clock=clock) as mock:
        client = boto3.client("sqs", region_name=REGION)
        url = in_flight_for_30_s(client)
        assert receive(client, url) == []
        move(mock)
        assert receive(client, url) == [("hello", "2")]


@pytest.mark.parametrize("move", MOVES.values(), ids=MOVES.keys())
def test_manual_clock_moves_by_exactly_what_it_is_told(move: Callable[[MockSQS], None]) -> None:
    with mock_sqs(clock=ManualClock(START)) as mock:
        move(mock)
        assert mock.clock.now() == START_S + 31


def test_move_to_takes_naive_datetimes_as_utc() -> None:
    with mock_sqs(clock=ManualClock(START)) as mock:
        mock.move_to(datetime(2024, 1, 1, 12, 0, 31))
        assert mock.clock.now() == START_S + 31


@pytest.mark.parametrize(
    ("move", "message"),
    [
        pytest.param(
            lambda mock: mock.advance(-1),
            "cannot move the clock backwards (by -1.0 s)",
            id="advance-seconds",
        ),
        pytest.param(
            lambda mock: mock.advance(timedelta(seconds=-1.5)),
            "cannot move the clock backwards (by -1.5 s)",
            id="advance-timedelta",
        ),
        pytest.param(
            lambda mock: mock.move_to(START - timedelta(seconds=1)),
            "cannot move the clock backwards from 2024-01-01T12:00:00.000+00:00 to "
            "2024-01-01T11:59:59.000+00:00",
            id="move_to-datetime",
        ),
        pytest.param(
            lambda mock: mock.move_to(START_S - 0.5),
            "cannot move the clock backwards from 2024-01-01T12:00:00.000+00:00 to "
            "2024-01-01T11:59:59.500+00:00",
            id="move_to-epoch",
        ),
    ],
)
def test_moving_backwards_raises_value_error_and_leaves_the_clock(
    move: Callable[[MockSQS], None], message: str
) -> None:
    with mock_sqs(clock=ManualClock(START)) as mock:
        with pytest.raises(ValueError) as info:
            move(mock)
        assert str(info.value) == message
        assert mock.clock.now() == START_S


def test_wall_clock_refuses_to_go_backwards_too() -> None:
    with freeze_time(START), mock_sqs(clock="wall") as mock:
        assert isinstance(mock.clock, WallClock)
        with pytest.raises(ValueError) as info:
            mock.move_to(START - timedelta(minutes=1))
        assert str(info.value) == (
            "cannot move the clock backwards from 2024-01-01T12:00:00.000+00:00 to "
            "2024-01-01T11:59:00.000+00:00"
        )


# -- the manual clock stands still -------------------------------------------------------


@pytest.mark.parametrize("frozen_time", FROZEN_TIME.values(), ids=FROZEN_TIME.keys())
def test_manual_clock_ignores_the_process_clock(
    frozen_time: Callable[[], AbstractContextManager[Shift]],
) -> None:
    with frozen_time() as shift, mock_sqs(clock="manual") as mock:
        client = boto3.client("sqs", region_name=REGION)
        url = in_flight_for_30_s(client)
        assert mock.clock.now() == START_S  # starts at the process's "now"
        shift(3600)
        assert mock.clock.now() == START_S
        assert receive(client, url) == []
        mock.advance(30)
        assert receive(client, url) == [("hello", "2")]


def test_manual_clock_with_a_start_stamps_messages_with_it() -> None:
    with mock_sqs(clock=ManualClock(START)):
        client = boto3.client("sqs", region_name=REGION)
        url = client.create_queue(QueueName="stamped")["QueueUrl"]
        client.send_message(QueueUrl=url, MessageBody="stamped")
        assert sent_timestamp(client, url) == START_MS


def test_manual_clock_takes_a_naive_start_as_utc() -> None:
    assert ManualClock(datetime(2024, 1, 1, 12, 0)).now() == START_S
    assert ManualClock(START_S).now() == START_S


# -- long polls move the clock instead of sleeping ---------------------------------------


def test_long_poll_on_an_empty_queue_moves_the_clock_by_the_wait() -> None:
    with mock_sqs(clock=ManualClock(START)) as mock:
        client = boto3.client("sqs", region_name=REGION)
        url = client.create_queue(QueueName="idle")["QueueUrl"]
        assert bodies(client.receive_message(QueueUrl=url, WaitTimeSeconds=20)) == []
        assert mock.clock.now() == START_S + 20


def test_long_poll_jumps_to_the_end_of_a_delay() -> None:
    with mock_sqs(clock=ManualClock(START)) as mock:
        client = boto3.client("sqs", region_name=REGION)
        url = client.create_queue(QueueName="delayed")["QueueUrl"]
        client.send_message(QueueUrl=url, MessageBody="later", DelaySeconds=5)
        assert bodies(client.receive_message(QueueUrl=url, WaitTimeSeconds=20)) == ["later"]
        assert mock.clock.now() == START_S + 5


def test_a_real_long_poll_ends_on_time_while_freezegun_freezes_the_process_clock() -> None:
    # freezegun freezes time.monotonic too; a real wait must still end (it used to hang).
    with mock_sqs(clock="freezegun", long_poll="real") as sqs:
        client = boto3.client("sqs", region_name="us-east-1")
        url = client.create_queue(QueueName="q")["QueueUrl"]
        frozen_at = sqs.clock.now()
        done = threading.Event()
        answers: list[Any] = []

        def poll() -> None:
            answers.append(client.receive_message(QueueUrl=url, WaitTimeSeconds=1))
            done.set()

        threading.Thread(target=poll, daemon=True).start()
        assert done.wait(10), "the long poll never ended"
        assert "Messages" not in answers[0]
        assert sqs.clock.now() == frozen_at  # simulated time stood still meanwhile
