"""No state leaks out of a mock: not into the next one, not out of a nested one, not across
xdist workers, and not into the environment or boto3's default session.

What the code promises about threads (``pytest_sqs/_active.py``): the stack of active mocks
is process-wide and the innermost one serves every SQS call, from any thread.  So a thread
started inside a mock is served by it, and once the last mock stops a thread's call is
refused by the guard.  Two threads cannot each have a simulator of their own: the tests
below pin down that the innermost mock answers both.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import threading
import time
import unittest
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from typing import Any

import boto3
import pytest
from _pytester_support import prepare
from botocore.credentials import EnvProvider
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_sqs import MockSQS, UnmockedRequestError, _active, mock_sqs
from pytest_sqs._active import _REGION_VARIABLES, FAKE_ENV

pytest_plugins = ["pytester"]

REGION = "us-east-1"
START_2030 = datetime(2030, 1, 1, tzinfo=timezone.utc)
START_2040 = datetime(2040, 1, 1, tzinfo=timezone.utc)
# For clients used while no mock runs: no credential lookup may leave the machine.
CREDENTIALS = {"aws_access_key_id": "k", "aws_secret_access_key": "s"}


def names(client: Any) -> list[str]:
    return sorted(url.rsplit("/", 1)[1] for url in client.list_queues().get("QueueUrls", []))


def missing(client: Any, name: str) -> bool:
    try:
        client.get_queue_url(QueueName=name)
    except ClientError as error:
        assert error.response["Error"]["Code"] == "AWS.SimpleQueueService.NonExistentQueue"
        return True
    return False


def in_thread(target: Callable[[], Any]) -> Any:
    """Run ``target`` in a new thread; its result, or its exception raised here."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["result"] = target()
        except BaseException as error:
            outcome["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=30)
    assert not thread.is_alive()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("result")


# -- 1. one simulator per mock ------------------------------------------------------------


def test_sequential_mocks_start_empty() -> None:
    with mock_sqs() as first:
        client = boto3.client("sqs", region_name=REGION)
        url = client.create_queue(QueueName="orders")["QueueUrl"]
        client.send_message(QueueUrl=url, MessageBody="left behind")
        assert [view.name for view in first.queues()] == ["orders"]
    with mock_sqs() as second:
        client = boto3.client("sqs", region_name=REGION)
        assert names(client) == []
        assert missing(client, "orders")
        assert second.queues() == []
        assert second.calls_to("SendMessage") == []
        # The same name is free: a new queue, with no messages in it.
        url = client.create_queue(QueueName="orders")["QueueUrl"]
        assert "Messages" not in client.receive_message(QueueUrl=url)
    assert not first.running and not second.running


def test_a_mock_restarted_gets_a_fresh_simulator() -> None:
    mock = mock_sqs()
    with mock:
        client = boto3.client("sqs", region_name=REGION)
        client.create_queue(QueueName="orders")
        simulator = mock.simulator
    with mock:
        assert mock.simulator is not simulator
        assert names(boto3.client("sqs", region_name=REGION)) == []
        assert [call.action for call in mock.calls] == ["ListQueues"]
        with pytest.raises(RuntimeError, match="already started"):
            mock.start()


def test_nested_mocks_are_separate_simulators() -> None:
    with mock_sqs() as outer:
        client = boto3.client("sqs", region_name=REGION)
        outer_url = client.create_queue(QueueName="outer-q")["QueueUrl"]
        client.send_message(QueueUrl=outer_url, MessageBody="for the outer one")
        with mock_sqs() as inner:
            # The innermost mock answers: the outer one's queue is not there...
            assert names(client) == []
            assert missing(client, "outer-q")
            client.create_queue(QueueName="inner-q")
            # ...while each handle still shows its own simulator.
            assert [view.name for view in outer.queues()] == ["outer-q"]
            assert [view.name for view in inner.queues()] == ["inner-q"]
        assert names(client) == ["outer-q"]
        assert missing(client, "inner-q")
        [message] = client.receive_message(QueueUrl=outer_url)["Messages"]
        assert message["Body"] == "for the outer one"
        assert [call.action for call in outer.calls] == [
            "CreateQueue",
            "SendMessage",
            "ListQueues",
            "GetQueueUrl",
            "ReceiveMessage",
        ]
        assert [call.action for call in inner.calls] == ["ListQueues", "GetQueueUrl", "CreateQueue"]


def test_nested_mocks_stopped_out_of_order_serve_the_innermost_still_running() -> None:
    first = mock_sqs().start()
    second = mock_sqs().start()
    try:
        client = boto3.client("sqs", region_name=REGION)
        client.create_queue(QueueName="in-second")
        first.stop()  # not the innermost: the second still serves
        assert names(client) == ["in-second"]
    finally:
        if first.running:
            first.stop()
        second.stop()
    with pytest.raises(RuntimeError, match="not started"):
        second.queues()
    with pytest.raises(UnmockedRequestError):
        client.list_queues()


def test_the_decorator_gives_each_call_a_fresh_simulator() -> None:
    seen: list[list[str]] = []

    @mock_sqs
    def work(depth: int) -> None:
        client = boto3.client("sqs", region_name=REGION)
        seen.append(names(client))
        client.create_queue(QueueName=f"depth-{depth}")
        if depth == 0:
            work(1)  # a nested call: a simulator of its own, too
            seen.append(names(client))

    work(0)
    work(0)
    assert seen == [[], [], ["depth-0"], [], [], ["depth-0"]]


def test_the_decorator_on_a_coroutine_gives_each_call_a_fresh_simulator() -> None:
    seen: list[list[str]] = []

    @mock_sqs(clock="manual")
    async def work() -> None:
        client = boto3.client("sqs", region_name=REGION)
        seen.append(names(client))
        client.create_queue(QueueName="async-q")

    asyncio.run(work())
    asyncio.run(work())
    assert seen == [[], []]


def test_a_decorated_test_case_gets_a_fresh_simulator_per_test() -> None:
    seen: list[list[str]] = []

    @mock_sqs
    class Case(unittest.TestCase):
        def record(self) -> None:
            client = boto3.client("sqs", region_name=REGION)
            seen.append(names(client))
            client.create_queue(QueueName="case-q")

        def test_one(self) -> None:
            self.record()

        def test_two(self) -> None:
            self.record()

    result = unittest.TestResult()
    unittest.defaultTestLoader.loadTestsFromTestCase(Case).run(result)
    assert result.wasSuccessful(), result.errors + result.failures
    assert seen == [[], []]


# -- threads: what the process-wide stack promises ----------------------------------------


def test_a_thread_started_inside_a_mock_is_served_by_it() -> None:
    with mock_sqs() as mock:
        url = boto3.client("sqs", region_name=REGION).create_queue(QueueName="q")["QueueUrl"]

        def send() -> None:
            client = boto3.session.Session().client("sqs", region_name=REGION)
            client.send_message(QueueUrl=url, MessageBody="from a thread")

        in_thread(send)
        assert mock.queue("q").bodies() == ["from a thread"]
        assert [call.action for call in mock.calls] == ["CreateQueue", "SendMessage"]


def test_a_thread_is_served_while_a_mock_runs_and_refused_after_it_stops() -> None:
    # One client, made in the thread before any mock, used across the mock's life.
    go = threading.Event()
    done = threading.Event()
    answers: list[Any] = []

    def worker() -> None:
        client = boto3.session.Session().client("sqs", region_name=REGION, **CREDENTIALS)
        for _ in range(2):
            go.wait(timeout=30)
            go.clear()
            try:
                answers.append(names(client))
            except UnmockedRequestError as error:
                answers.append(error)
            done.set()

    thread = threading.Thread(target=worker)
    thread.start()
    try:
        with mock_sqs():
            boto3.client("sqs", region_name=REGION).create_queue(QueueName="seen-by-thread")
            go.set()
            assert done.wait(timeout=30)
            done.clear()
        go.set()  # the mock has stopped: the guard refuses the thread's call
        assert done.wait(timeout=30)
    finally:
        go.set()
        thread.join(timeout=30)
    assert answers[0] == ["seen-by-thread"]
    assert isinstance(answers[1], UnmockedRequestError)
    assert "was made outside any mock" in str(answers[1])


def test_the_innermost_mock_serves_every_thread_even_one_that_started_its_own() -> None:
    # Process-wide, as documented: a thread's own mock_sqs() does not give it a private
    # simulator while another thread's mock is innermost.
    started_own = threading.Event()
    may_stop = threading.Event()

    def thread_with_its_own_mock() -> list[str]:
        with mock_sqs():
            boto3.session.Session().client("sqs", region_name=REGION).create_queue(
                QueueName="made-in-thread"
            )
            started_own.set()
            assert may_stop.wait(timeout=30)
        return ["done"]

    with mock_sqs() as main:
        client = boto3.client("sqs", region_name=REGION)
        client.create_queue(QueueName="made-in-main")
        outcome: dict[str, Any] = {}
        thread = threading.Thread(
            target=lambda: outcome.setdefault("result", thread_with_its_own_mock())
        )
        thread.start()
        try:
            assert started_own.wait(timeout=30)
            # The thread's mock is the innermost now: it answers the main thread too.
            assert names(client) == ["made-in-thread"]
            assert [view.name for view in main.queues()] == ["made-in-main"]
        finally:
            may_stop.set()
            thread.join(timeout=30)
        assert outcome == {"result": ["done"]}
        assert names(client) == ["made-in-main"]  # the main thread's mock serves again


# -- 2. xdist workers ---------------------------------------------------------------------

XDIST_TESTS = """
import time

import boto3
import pytest

from pytest_sqs import mock_sqs


@pytest.mark.parametrize("n", range(6))
def test_fixture(sqs, sqs_client, n):
    url = sqs_client.create_queue(QueueName="shared")["QueueUrl"]
    sqs_client.send_message(QueueUrl=url, MessageBody=f"fixture {n}")
    time.sleep(0.02)  # let the other worker's tests run meanwhile
    got = sqs_client.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert [m["Body"] for m in got] == [f"fixture {n}"]
    assert [view.name for view in sqs.queues()] == ["shared"]


@pytest.mark.parametrize("n", range(6))
def test_context_manager(n):
    with mock_sqs() as mock:
        client = boto3.client("sqs", region_name="us-east-1")
        url = client.create_queue(QueueName="shared")["QueueUrl"]
        client.send_message(QueueUrl=url, MessageBody=f"context {n}")
        time.sleep(0.02)
        assert mock.queue("shared").bodies() == [f"context {n}"]
"""


def test_xdist_workers_each_see_only_their_own_queues(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("xdist")
    prepare(pytester, monkeypatch)
    pytester.makepyfile(XDIST_TESTS)
    result = pytester.runpytest("-n", "2", "-v", "-p", "no:benchmark")
    result.assert_outcomes(passed=12)
    output = result.stdout.str()
    assert "[gw0]" in output and "[gw1]" in output, output  # both workers ran tests


# -- 3. the environment and boto3's default session, restored exactly --------------------

# Every variable the mock touches, and some it must leave alone.
VALUES: dict[str, list[str]] = {
    "AWS_ACCESS_KEY_ID": ["user-key", "testing"],
    "AWS_SECRET_ACCESS_KEY": ["user-secret"],
    "AWS_SESSION_TOKEN": ["user-token"],
    "AWS_EC2_METADATA_DISABLED": ["false", "true", "TRUE"],
    "AWS_PROFILE": ["user-profile"],
    "AWS_DEFAULT_PROFILE": ["user-default-profile"],
    "AWS_DEFAULT_REGION": ["eu-west-2", " ap-south-1 "],
    "AWS_REGION": ["ap-southeast-2"],
    "AWS_SECURITY_TOKEN": ["user-legacy-token"],
    "AWS_ENDPOINT_URL_SQS": ["http://localhost:9"],
    "AWS_CA_BUNDLE": ["/nowhere/ca.pem"],
}
assert set(FAKE_ENV) | set(_REGION_VARIABLES) <= set(VALUES)


def initial_states() -> st.SearchStrategy[dict[str, str | None]]:
    """Each variable unset, empty, or set to a value (odd ones included).  Not an empty
    AWS_CA_BUNDLE: botocore 1.44 refuses to make any client with one, mock or not."""
    return st.fixed_dictionaries(
        {
            name: st.one_of(
                st.none(),
                st.nothing() if name == "AWS_CA_BUNDLE" else st.just(""),
                st.sampled_from(values),
            )
            for name, values in VALUES.items()
        }
    )


PRE_MADE_SESSION = boto3.session.Session(region_name="sa-east-1", **CREDENTIALS)
REGIONS = ["us-east-1", "eu-west-1", "ap-northeast-1", "cn-north-1"]


class Boom(Exception):
    """The body of the mock fails."""


def apply(state: dict[str, str | None]) -> None:
    for name, value in state.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def check_faked(state: dict[str, str | None], innermost: MockSQS, before_session: Any) -> None:
    """What must hold while any mock runs."""
    for name, value in FAKE_ENV.items():
        assert os.environ.get(name) == value, name
    assert os.environ["AWS_EC2_METADATA_DISABLED"] == "true"
    credentials = EnvProvider().load()
    assert credentials is not None
    assert (credentials.access_key, credentials.secret_key) == ("testing", "testing")
    assert credentials.token == "testing"  # a legacy AWS_SECURITY_TOKEN is set aside too
    user_region = any(state[name] for name in _REGION_VARIABLES)
    if user_region:  # the user's region stays as it was
        for name in _REGION_VARIABLES:
            assert os.environ.get(name) == state[name]
    else:  # the innermost mock's region is the default
        assert os.environ["AWS_DEFAULT_REGION"] == innermost.region
        assert os.environ.get("AWS_REGION") == state["AWS_REGION"]
    # The variables the mock does not manage are left alone.
    for name in VALUES.keys() - FAKE_ENV.keys() - set(_REGION_VARIABLES):
        assert os.environ.get(name) == state[name], name
    session = boto3.DEFAULT_SESSION
    assert session is not None and session is not before_session
    frozen = session.get_credentials().get_frozen_credentials()
    assert (frozen.access_key, frozen.secret_key) == ("testing", "testing")


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["succeeds", "raises", "nested"]))
    count = draw(st.integers(2, 4)) if kind == "nested" else 1
    return {
        "kind": kind,
        "regions": draw(st.lists(st.sampled_from(REGIONS), min_size=count, max_size=count)),
        "stop_order": draw(st.permutations(range(count))),
        "fail_after": draw(st.none() | st.integers(0, count - 1)),
    }


def run_scenario(scenario: dict[str, Any], state: dict[str, str | None], before: Any) -> None:
    regions: list[str] = scenario["regions"]
    if scenario["kind"] == "succeeds":
        with mock_sqs(region=regions[0]) as mock:
            check_faked(state, mock, before)
            boto3.client("sqs", region_name=REGION).create_queue(QueueName="q")
        return
    if scenario["kind"] == "raises":
        with pytest.raises(Boom), mock_sqs(region=regions[0]) as mock:
            check_faked(state, mock, before)
            boto3.client("sqs", region_name=REGION).create_queue(QueueName="q")
            raise Boom
        return
    # Nested via start()/stop(), stopped in the drawn order; the body may fail part way,
    # leaving the rest to a cleanup that stops them oldest first.
    mocks = [mock_sqs(region=region).start() for region in regions]
    fail_after = scenario["fail_after"]

    def body() -> None:
        for done, index in enumerate(scenario["stop_order"]):
            if done == fail_after:
                raise Boom
            running = [mock for mock in mocks if mock.running]
            check_faked(state, running[-1], before)  # the newest running one is innermost
            mocks[index].stop()

    try:
        if fail_after is None:
            body()
        else:
            with pytest.raises(Boom):
                body()
    finally:
        for mock in mocks:
            if mock.running:
                mock.stop()


@pytest.fixture
def aws_files(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """No real AWS configuration is read while the examples run."""
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    state=initial_states(),
    scenario=scenarios(),
    session=st.sampled_from([None, PRE_MADE_SESSION]),
)
def test_the_environment_and_default_session_are_restored_exactly(
    aws_files: None, state: dict[str, str | None], scenario: dict[str, Any], session: Any
) -> None:
    original_env = dict(os.environ)
    original_session = boto3.DEFAULT_SESSION
    try:
        apply(state)
        boto3.DEFAULT_SESSION = session
        before = dict(os.environ)
        run_scenario(scenario, state, session)
        assert dict(os.environ) == before
        assert boto3.DEFAULT_SESSION is session
    finally:
        os.environ.clear()
        os.environ.update(original_env)
        boto3.DEFAULT_SESSION = original_session


def test_successive_mocks_give_boto3_clients_their_own_region() -> None:
    # boto3's default session is shared by successive mocks; the region is not.
    saved = {name: os.environ.pop(name, None) for name in _REGION_VARIABLES}
    try:
        for region in ("eu-west-1", "ap-northeast-1", "us-east-1"):
            with mock_sqs(region=region):
                client = boto3.client("sqs")
                assert client.meta.region_name == region
                assert client.create_queue(QueueName="q")["QueueUrl"].startswith(
                    f"https://sqs.{region}.amazonaws.com/"
                )
    finally:
        for name, value in saved.items():
            if value is not None:
                os.environ[name] = value


def test_event_handlers_registered_in_one_mock_do_not_reach_the_next() -> None:
    seen: list[str] = []

    def spy(model: Any, **_: Any) -> None:
        seen.append(model.name)

    with mock_sqs():
        boto3.DEFAULT_SESSION.events.register("before-parameter-build.sqs", spy)
        boto3.client("sqs", region_name=REGION).list_queues()
    with mock_sqs():
        boto3.client("sqs", region_name=REGION).list_queues()
    assert seen == ["ListQueues"]


def test_a_real_legacy_security_token_does_not_join_the_fake_credentials(
    aws_files: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_SECURITY_TOKEN", "a-real-token")
    with mock_sqs():
        credentials = EnvProvider().load()
        assert credentials is not None
        assert credentials.token == "testing"
    assert os.environ["AWS_SECURITY_TOKEN"] == "a-real-token"


BOTO3_IMPORTED_INSIDE = """
import sys

import pytest_sqs

assert "boto3" not in sys.modules, "pytest_sqs imported boto3"
with pytest_sqs.mock_sqs():
    import boto3

    boto3.client("sqs").list_queues()
session = boto3.DEFAULT_SESSION
credentials = session and session.get_credentials().access_key
print(repr(session), repr(credentials))
"""


def test_boto3_first_imported_inside_a_mock_keeps_no_default_session(tmp_path: Any) -> None:
    result = run_python(BOTO3_IMPORTED_INSIDE, tmp_path)
    assert result.returncode == 0, result.stderr
    # Before the mock boto3 had no default session; after it there is none either.
    assert result.stdout.strip() == "None None"


def run_python(code: str, tmp_path: Any) -> subprocess.CompletedProcess[str]:
    """``code`` in a fresh interpreter, with no AWS configuration to find."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}
    env |= {
        "AWS_CONFIG_FILE": str(tmp_path / "no-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_freezegun_clock_unfreezes_the_process_whatever_the_body_does() -> None:
    real = time.time()
    with pytest.raises(Boom), mock_sqs(clock="freezegun", start=START_2030):
        assert datetime.now(timezone.utc).year == 2030
        raise Boom
    assert abs(time.time() - real) < 60
    with mock_sqs(clock="freezegun", start=START_2030) as outer:
        with mock_sqs(clock="freezegun", start=START_2040) as inner:
            assert datetime.now(timezone.utc).year == 2040
            inner.advance(60)
        assert datetime.now(timezone.utc).year == 2030
        assert datetime.fromtimestamp(outer.clock.now(), timezone.utc).year == 2030
    assert abs(time.time() - real) < 60


FREEZEGUN_OUT_OF_ORDER = """
import time
from datetime import datetime, timezone

from pytest_sqs import mock_sqs

def year(seconds):
    return datetime.fromtimestamp(seconds, timezone.utc).year

real = time.time()
first = mock_sqs(clock="freezegun", start=datetime(2030, 1, 1, tzinfo=timezone.utc)).start()
second = mock_sqs(clock="freezegun", start=datetime(2040, 1, 1, tzinfo=timezone.utc)).start()
first.stop()
print("second's clock:", year(second.clock.now()))
second.stop()
print("process clock real again:", abs(time.time() - real) < 60, datetime.now().year == year(real))
"""


def test_freezegun_clocks_stopped_out_of_order_leave_real_time(tmp_path: Any) -> None:
    # freezegun stops only in reverse order; mocks may stop in any order.  Stopping the
    # outer first once unfroze the inner's time and broke datetime.now() for the process
    # (a subprocess, in case it breaks again).
    result = run_python(FREEZEGUN_OUT_OF_ORDER, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "second's clock: 2040",
        "process clock real again: True True",
    ]


# -- 4. the plugin: a failing test leaves the environment as the session found it ----------

PLUGIN_TESTS = """
import json
import os

import boto3
import pytest

from pytest_sqs import _active

with open(os.environ["EXPECTED_STATE_FILE"]) as file:
    EXPECTED = json.load(file)


def check_restored():
    environment = dict(os.environ)
    environment.pop("PYTEST_CURRENT_TEST", None)
    assert environment == EXPECTED["environment"]
    assert id(boto3.DEFAULT_SESSION) == EXPECTED["session"]
    assert _active.current() is None


def test_1_fails_inside_the_fixture(sqs, sqs_client):
    sqs_client.create_queue(QueueName="left-behind")
    assert os.environ["AWS_ACCESS_KEY_ID"] == "testing"
    assert False, "failing on purpose"


def test_2_environment_restored():
    check_restored()


@pytest.fixture
def broken_setup(sqs):
    raise RuntimeError("setup fails after the mock started")


def test_3_setup_error_after_the_mock_started(broken_setup):
    pass


def test_4_environment_restored():
    check_restored()


@pytest.fixture
def broken_teardown(sqs):
    yield
    raise RuntimeError("teardown fails while the mock runs")


def test_5_teardown_error(broken_teardown, sqs_client):
    sqs_client.create_queue(QueueName="also-left-behind")


def test_6_environment_restored():
    check_restored()


def test_7_next_mocked_test_starts_empty(sqs, sqs_client):
    assert sqs_client.list_queues().get("QueueUrls", []) == []
    assert sqs.queues() == []
"""


def test_a_failing_test_leaves_the_environment_restored_for_the_next(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    prepare(pytester, monkeypatch)
    state_file = pytester.path / "expected-state.json"
    monkeypatch.setenv("EXPECTED_STATE_FILE", str(state_file))
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", PRE_MADE_SESSION)
    environment = dict(os.environ)
    environment.pop("PYTEST_CURRENT_TEST", None)
    state_file.write_text(
        json.dumps({"environment": environment, "session": id(boto3.DEFAULT_SESSION)})
    )
    pytester.makepyfile(PLUGIN_TESTS)
    result = pytester.runpytest()
    result.assert_outcomes(passed=5, failed=1, errors=2)
    result.stdout.fnmatch_lines(["*failing on purpose*"])
    assert dict(os.environ) | {"PYTEST_CURRENT_TEST": ""} == environment | {
        "PYTEST_CURRENT_TEST": ""
    }
    assert boto3.DEFAULT_SESSION is PRE_MADE_SESSION


@pytest.fixture(autouse=True)
def _no_mock_left_running() -> Iterator[None]:
    yield
    assert _active.current() is None
