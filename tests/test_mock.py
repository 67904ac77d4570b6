"""``mock_sqs`` as users switch it on: context manager, decorator, start/stop, nesting,
and what it does to the process environment while active."""

from __future__ import annotations

import asyncio
import inspect
import os
import unittest
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
from freezegun import freeze_time

from pytest_sqs import ManualClock, MockSQS, WallClock, mock_sqs

REGION = "us-east-1"
ACCOUNT = "123456789012"

# What a mock sets while it is active, and what it removes.
FAKE_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_EC2_METADATA_DISABLED": "true",
}
REMOVED_ENV = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE")
REAL_ENV = {
    "AWS_ACCESS_KEY_ID": "AKIAREALKEY",
    "AWS_SECRET_ACCESS_KEY": "real-secret",
    "AWS_SESSION_TOKEN": "real-token",
    "AWS_EC2_METADATA_DISABLED": "false",
    "AWS_PROFILE": "production",
    "AWS_DEFAULT_PROFILE": "production",
    "AWS_DEFAULT_REGION": "ap-south-1",
    "AWS_REGION": "ap-south-1",
}


def url_of(name: str, region: str = REGION) -> str:
    return f"https://sqs.{region}.amazonaws.com/{ACCOUNT}/{name}"


def queue_urls(client: Any) -> list[str]:
    return sorted(client.list_queues().get("QueueUrls", []))


def aws_env() -> dict[str, str]:
    return {name: value for name, value in os.environ.items() if name.startswith("AWS_")}


@pytest.fixture
def real_env(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Credentials, profile and region of a developer's shell."""
    for name, value in REAL_ENV.items():
        monkeypatch.setenv(name, value)
    return aws_env()


@pytest.fixture
def bare_env(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """No AWS configuration at all, as on a fresh CI machine."""
    for name in REAL_ENV:
        monkeypatch.delenv(name, raising=False)
    return aws_env()


# -- context manager and start/stop -------------------------------------------


def test_context_manager_serves_boto3_and_returns_the_handle() -> None:
    with mock_sqs(clock="manual") as mock:
        assert isinstance(mock, MockSQS)
        client = boto3.client("sqs", region_name=REGION)
        url = client.create_queue(QueueName="orders")["QueueUrl"]
        client.send_message(QueueUrl=url, MessageBody="order-1")
        assert url == url_of("orders")
        assert mock.queue("orders").bodies() == ["order-1"]


def test_start_returns_the_mock_and_stop_switches_it_off(real_env: dict[str, str]) -> None:
    mock = mock_sqs()
    assert mock.start() is mock
    try:
        client = boto3.client("sqs", region_name=REGION)
        client.create_queue(QueueName="started")
        assert [view.name for view in mock.queues()] == ["started"]
    finally:
        mock.stop()
    assert aws_env() == real_env


def test_context_manager_stops_the_mock_when_the_block_raises(real_env: dict[str, str]) -> None:
    with pytest.raises(KeyError, match="boom"), mock_sqs():
        raise KeyError("boom")
    assert aws_env() == real_env


def test_starting_a_started_mock_fails_and_leaves_it_running() -> None:
    mock = mock_sqs(clock="manual").start()
    try:
        boto3.client("sqs", region_name=REGION).create_queue(QueueName="kept")
        with pytest.raises(RuntimeError) as info:
            mock.start()
        assert str(info.value) == "this mock_sqs is already started"
        assert [view.name for view in mock.queues()] == ["kept"]
    finally:
        mock.stop()


def test_entering_a_running_mock_again_fails() -> None:
    with mock_sqs() as mock:
        with pytest.raises(RuntimeError) as info, mock:
            pass
        assert str(info.value) == "this mock_sqs is already started"


@pytest.mark.parametrize("started_before", [False, True], ids=["never-started", "stopped"])
def test_stopping_a_mock_that_is_not_running_fails(started_before: bool) -> None:
    mock = mock_sqs()
    if started_before:
        mock.start().stop()
    with pytest.raises(RuntimeError) as info:
        mock.stop()
    assert str(info.value) == "this mock_sqs is not started"


@pytest.mark.parametrize(
    "use",
    [
        pytest.param(lambda mock: mock.queue("orders"), id="queue"),
        pytest.param(lambda mock: mock.queues(), id="queues"),
        pytest.param(lambda mock: mock.advance(1), id="advance"),
        pytest.param(lambda mock: mock.move_to(0), id="move_to"),
        pytest.param(lambda mock: mock.clock, id="clock"),
    ],
)
def test_the_handle_of_a_stopped_mock_says_how_to_start_it(
    use: Callable[[MockSQS], object],
) -> None:
    mock = mock_sqs()
    with pytest.raises(RuntimeError) as info:
        use(mock)
    assert str(info.value) == "mock_sqs is not started: use it in a with block or call start()"


def test_every_start_begins_with_an_empty_simulator() -> None:
    mock = mock_sqs()
    with mock:
        boto3.client("sqs", region_name=REGION).create_queue(QueueName="first-run")
    with mock:
        client = boto3.client("sqs", region_name=REGION)
        assert queue_urls(client) == []
        assert mock.queues() == []


def test_the_same_seed_replays_the_same_message_ids() -> None:
    def message_ids(seed: int) -> list[str]:
        with mock_sqs(seed=seed, clock="manual"):
            client = boto3.client("sqs", region_name=REGION)
            url = client.create_queue(QueueName="replay")["QueueUrl"]
            return [
                client.send_message(QueueUrl=url, MessageBody=body)["MessageId"]
                for body in ("a", "b", "c")
            ]

    first = message_ids(7)
    assert message_ids(7) == first
    assert len(set(first)) == 3
    assert set(message_ids(8)).isdisjoint(first)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"clock": "sundial"},
            "clock must be one of ('wall', 'manual', 'freezegun') or a Clock, not 'sundial'",
        ),
        (
            {"long_poll": "forever"},
            "long_poll must be one of ('fast-forward', 'real', 'off'), not 'forever'",
        ),
        ({"start": 0.0}, "start= needs clock='manual' or clock='freezegun'"),
    ],
)
def test_a_bad_option_fails_where_it_is_written_without_touching_the_environment(
    real_env: dict[str, str], options: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError) as info:
        mock_sqs(**options)
    assert str(info.value) == message
    assert aws_env() == real_env


@pytest.mark.parametrize(
    ("option", "clock_type"),
    [("wall", WallClock), ("manual", ManualClock)],
)
def test_clock_option_picks_the_clock(option: str, clock_type: type) -> None:
    with mock_sqs(clock=option) as mock:
        assert type(mock.clock) is clock_type


def test_a_clock_instance_is_used_as_given() -> None:
    clock = ManualClock(datetime(2024, 1, 1, tzinfo=timezone.utc))
    with mock_sqs(clock=clock) as mock:
        assert mock.clock is clock


# -- nesting ---------------------------------------------------------------------


def test_the_inner_mock_serves_calls_and_the_outer_one_is_back_after_it_stops() -> None:
    with mock_sqs(clock="manual") as outer:
        client = boto3.client("sqs", region_name=REGION)
        client.create_queue(QueueName="outer-queue")
        with mock_sqs(clock="manual") as inner:
            assert queue_urls(client) == []
            client.create_queue(QueueName="inner-queue")
            assert [view.name for view in inner.queues()] == ["inner-queue"]
            assert [view.name for view in outer.queues()] == ["outer-queue"]
            assert aws_env().items() >= FAKE_ENV.items()
        assert queue_urls(client) == [url_of("outer-queue")]
        assert aws_env().items() >= FAKE_ENV.items()


def test_stopping_mocks_out_of_order_still_restores_the_environment(
    real_env: dict[str, str],
) -> None:
    first = mock_sqs().start()
    second = mock_sqs().start()
    first.stop()
    second.stop()
    assert aws_env() == real_env


# -- environment ------------------------------------------------------------------


@pytest.mark.parametrize("env", ["real_env", "bare_env"])
def test_environment_is_faked_while_active_and_restored_exactly(
    request: pytest.FixtureRequest, env: str
) -> None:
    before: dict[str, str] = request.getfixturevalue(env)
    with mock_sqs(region="eu-west-1"):
        during = aws_env()
        assert {name: during.get(name) for name in FAKE_ENV} == FAKE_ENV
        assert [name for name in REMOVED_ENV if name in during] == []
    assert aws_env() == before


@pytest.mark.parametrize(
    ("configured", "expected"),
    [
        pytest.param({}, "eu-west-1", id="nothing-configured"),
        pytest.param({"AWS_DEFAULT_REGION": "ap-south-1"}, "ap-south-1", id="default-region"),
        pytest.param({"AWS_REGION": "ca-central-1"}, None, id="aws-region"),
    ],
)
def test_default_region_is_set_only_when_none_is_configured(
    bare_env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    configured: dict[str, str],
    expected: str | None,
) -> None:
    for name, value in configured.items():
        monkeypatch.setenv(name, value)
    before = aws_env()
    with mock_sqs(region="eu-west-1"):
        assert os.environ.get("AWS_DEFAULT_REGION") == expected
    assert aws_env() == before


def test_a_named_profile_that_does_not_exist_does_not_break_clients(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_PROFILE", "no-such-profile")
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
    with mock_sqs() as mock:
        boto3.client("sqs", region_name=REGION).create_queue(QueueName="no-profile")
        assert mock.queue("no-profile").url == url_of("no-profile")
    assert os.environ["AWS_PROFILE"] == "no-such-profile"


def test_boto3_default_session_is_replaced_while_active_and_restored_after(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    original = boto3.session.Session(
        region_name="ap-south-1", aws_access_key_id="AKIAREALKEY", aws_secret_access_key="real"
    )
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", original)
    with mock_sqs():
        assert boto3.DEFAULT_SESSION is not original
        client = boto3.client("sqs", region_name=REGION)
        assert client.list_queues()["ResponseMetadata"]["HTTPStatusCode"] == 200
        assert boto3.DEFAULT_SESSION.get_credentials().access_key == "testing"
    assert boto3.DEFAULT_SESSION is original


def test_hooks_on_the_default_session_do_not_leak_into_the_next_mock() -> None:
    seen: list[str] = []

    def spy(model: Any, **_: Any) -> None:
        seen.append(model.name)

    with mock_sqs():
        session = boto3.DEFAULT_SESSION
        session.events.register("before-parameter-build.sqs", spy)
        boto3.client("sqs", region_name=REGION).list_queues()
        assert seen == ["ListQueues"]
    try:
        with mock_sqs():
            boto3.client("sqs", region_name=REGION).create_queue(QueueName="next-test")
        assert seen == ["ListQueues"]
    finally:
        session.events.unregister("before-parameter-build.sqs", spy)


# -- decorator ------------------------------------------------------------------


def _sync_example(name: str, count: int = 1, *bodies: str, region: str = REGION) -> list[str]:
    """Create a queue and list the queues."""
    client = boto3.client("sqs", region_name=region)
    client.create_queue(QueueName=name)
    return queue_urls(client)


async def _async_example(name: str, *, region: str = REGION) -> list[str]:
    """Create a queue, yield to the loop, and list the queues."""
    client = boto3.client("sqs", region_name=region)
    client.create_queue(QueueName=name)
    await asyncio.sleep(0)
    return queue_urls(client)


@pytest.mark.parametrize("target", [_sync_example, _async_example], ids=["sync", "async"])
@pytest.mark.parametrize(
    "decorator",
    [
        pytest.param(lambda: mock_sqs, id="bare"),
        pytest.param(lambda: mock_sqs(region="eu-west-1", clock="manual"), id="with-options"),
    ],
)
def test_decorating_keeps_name_signature_and_kind(
    decorator: Callable[[], Callable[[Any], Any]], target: Callable[..., Any]
) -> None:
    decorated = decorator()(target)
    assert decorated is not target
    assert decorated.__wrapped__ is target
    assert decorated.__name__ == target.__name__
    assert decorated.__qualname__ == target.__qualname__
    assert decorated.__doc__ == target.__doc__
    assert decorated.__module__ == target.__module__
    assert inspect.signature(decorated) == inspect.signature(target)
    assert inspect.iscoroutinefunction(decorated) is inspect.iscoroutinefunction(target)


def test_decorated_function_gets_a_fresh_mock_per_call(real_env: dict[str, str]) -> None:
    decorated = mock_sqs(_sync_example)
    assert decorated("first") == [url_of("first")]
    assert decorated("second") == [url_of("second")]
    assert aws_env() == real_env


def test_decorated_function_sees_the_mock_and_restores_the_environment_when_it_raises(
    real_env: dict[str, str],
) -> None:
    @mock_sqs
    def failing() -> None:
        assert os.environ["AWS_ACCESS_KEY_ID"] == "testing"
        raise LookupError("from the test")

    with pytest.raises(LookupError, match="from the test"):
        failing()
    assert aws_env() == real_env


@pytest.mark.parametrize(
    ("clock", "visible_an_hour_later"),
    [("wall", ["hello"]), ("manual", [])],
)
def test_decorator_options_apply_to_the_call(
    bare_env: dict[str, str], clock: str, visible_an_hour_later: list[str]
) -> None:
    @mock_sqs(region="eu-west-1", clock=clock)
    def receive_after_an_hour() -> tuple[str, list[str]]:
        client = boto3.client("sqs")  # no region: the mock's
        url = client.create_queue(QueueName="decorated")["QueueUrl"]
        client.send_message(QueueUrl=url, MessageBody="hello")
        client.receive_message(QueueUrl=url, VisibilityTimeout=60)
        with freeze_time(datetime.now(timezone.utc) + timedelta(hours=1)):
            messages = client.receive_message(QueueUrl=url).get("Messages", [])
        return url, [message["Body"] for message in messages]

    assert receive_after_an_hour() == (url_of("decorated", "eu-west-1"), visible_an_hour_later)
    assert aws_env() == bare_env


def test_decorated_coroutine_is_mocked_only_while_it_runs(real_env: dict[str, str]) -> None:
    decorated = mock_sqs(_async_example)
    coroutine = decorated("first")
    assert aws_env() == real_env  # creating the coroutine starts nothing
    assert asyncio.run(coroutine) == [url_of("first")]
    assert aws_env() == real_env
    assert asyncio.run(decorated("second")) == [url_of("second")]


def test_decorating_a_class_that_is_not_a_test_case_fails() -> None:
    class NotATestCase:
        pass

    with pytest.raises(TypeError) as info:
        mock_sqs(NotATestCase)
    assert str(info.value) == "mock_sqs can decorate functions and unittest.TestCase classes"


def test_decorated_test_case_gives_every_test_a_fresh_mock(real_env: dict[str, str]) -> None:
    seen: dict[str, Any] = {}

    @mock_sqs(clock="manual")
    class OrdersTest(unittest.TestCase):
        def setUp(self) -> None:
            seen.setdefault("set_up_key", []).append(os.environ["AWS_ACCESS_KEY_ID"])
            self.client = boto3.client("sqs", region_name=REGION)
            self.client.create_queue(QueueName="from-set-up")

        def test_one(self) -> None:
            self.client.create_queue(QueueName="one")
            seen["one"] = queue_urls(self.client)

        def test_two(self) -> None:
            self.client.create_queue(QueueName="two")
            seen["two"] = queue_urls(self.client)

        def tearDown(self) -> None:
            seen.setdefault("tear_down_key", []).append(os.environ["AWS_ACCESS_KEY_ID"])

    assert OrdersTest.setUp.__name__ == "setUp"
    result = unittest.TestResult()
    unittest.defaultTestLoader.loadTestsFromTestCase(OrdersTest).run(result)
    assert (result.testsRun, result.errors, result.failures) == (2, [], [])
    assert seen == {
        "set_up_key": ["testing", "testing"],
        "tear_down_key": ["testing", "testing"],
        "one": [url_of("from-set-up"), url_of("one")],
        "two": [url_of("from-set-up"), url_of("two")],
    }
    assert aws_env() == real_env


@mock_sqs(region="eu-west-1")
class TestDecoratedTestCaseUnderPytest(unittest.TestCase):
    """A decorated TestCase collected by pytest itself: each test starts empty."""

    def setUp(self) -> None:
        self.client = boto3.client("sqs", region_name="eu-west-1")
        self.client.create_queue(QueueName="from-set-up")

    def test_first(self) -> None:
        self.client.create_queue(QueueName="first")
        assert queue_urls(self.client) == [
            url_of("first", "eu-west-1"),
            url_of("from-set-up", "eu-west-1"),
        ]

    def test_second(self) -> None:
        assert queue_urls(self.client) == [url_of("from-set-up", "eu-west-1")]
