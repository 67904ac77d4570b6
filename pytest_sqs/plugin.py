"""The pytest plugin (entry point ``sqs``): fixtures, the ``sqs`` marker, ini options, the
block on unmocked SQS calls, a report header and, for failing tests, the queues' state.

Importing it (pytest does, before conftest and test modules) also registers the
interceptor with botocore, so every client made afterwards can be served.
"""

from __future__ import annotations

import dataclasses
import itertools
import random
import re
from collections.abc import Callable, Generator, Iterator
from typing import Any

import pytest

from . import _active
from ._core.chaos import Chaos
from ._core.errors import SQSError
from ._core.simulator import LONG_POLL_POLICIES
from ._handle import SQSHandle
from ._inspect import QueueView
from ._mock import CLOCKS, MockSQS
from ._server import SQSServer

_MOCK_KEY = pytest.StashKey[MockSQS]()
_SERVER_KEY = pytest.StashKey[SQSServer]()
_BLOCKING_PUSHED = pytest.StashKey[bool]()
_MARKER_KEYWORDS = ("region", "account_id", "clock", "start", "seed", "long_poll", "chaos")

INI_OPTIONS: dict[str, tuple[str, str]] = {
    # name: (help, default)
    "sqs_region": ("Default region of the sqs fixture and marker.", "us-east-1"),
    "sqs_account_id": ("Account id of the sqs fixture and marker.", "123456789012"),
    "sqs_clock": (f"Clock of the sqs fixture and marker: one of {CLOCKS}.", "wall"),
    "sqs_long_poll": (f"Long-poll policy: one of {LONG_POLL_POLICIES}.", "fast-forward"),
    "sqs_chaos": (
        "Chaos for every test using the mock: off, on (default rates), or settings such as "
        "'duplicate=0.1 reorder=0.05 empty_receive=0.2 errors=0.1 "
        "error_codes=RequestThrottled|InternalError error_actions=SendMessage queues=a|b "
        "seed=7'.",
        "off",
    ),
    "sqs_block_unmocked": (
        "Refuse any SQS request made outside a mock (true/false), so no test reaches AWS.",
        "true",
    ),
}


def pytest_addoption(parser: pytest.Parser) -> None:
    for name, (help_text, default) in INI_OPTIONS.items():
        parser.addini(name, help_text, default=default)
    parser.getgroup("sqs", "pytest-sqs").addoption(
        "--sqs-chaos-seed",
        type=int,
        default=None,
        help="Seed of chaos mode's faults in every test that has chaos on: replays the "
        "faults a failing test's report names.",
    )


def _ini_chaos(config: pytest.Config) -> Chaos | None:
    """The sqs_chaos ini option: off, on, or 'name=rate ...'."""
    value = _ini(config, "sqs_chaos")
    if value.lower() in _FALSE:
        return None
    if value.lower() in _TRUE:
        return Chaos.of(True)
    rates: dict[str, object] = {}
    for part in value.replace(",", " ").split():
        name, _, rate = (piece.strip() for piece in part.partition("="))
        try:
            if name in ("queues", "error_codes", "error_actions"):
                rates[name] = tuple(rate.split("|"))
            else:
                rates[name] = int(rate) if name == "seed" else float(rate)
        except ValueError:
            raise pytest.UsageError(f"sqs_chaos: {part!r} is not name=value") from None
    try:
        return Chaos.of(rates)
    except (TypeError, ValueError) as error:
        raise pytest.UsageError(f"sqs_chaos: {error}") from None


def _ini(config: pytest.Config, name: str) -> str:
    return str(config.getini(name)).strip()


_TRUE = ("true", "1", "yes", "on")
_FALSE = ("false", "0", "no", "off")


def _blocking(config: pytest.Config) -> bool:
    value = _ini(config, "sqs_block_unmocked").lower()
    if value not in _TRUE + _FALSE:
        raise pytest.UsageError(
            f"sqs_block_unmocked must be one of {', '.join(_TRUE + _FALSE)}, not {value!r}"
        )
    return value in _TRUE


def _check_choices(config: pytest.Config) -> None:
    for name, choices in (("sqs_clock", CLOCKS), ("sqs_long_poll", LONG_POLL_POLICIES)):
        value = _ini(config, name)
        if value not in choices:
            raise pytest.UsageError(f"{name} must be one of {', '.join(choices)}, not {value!r}")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "sqs(region=, account_id=, clock=, start=, seed=, long_poll=, chaos=): run the test inside "
        "mock_sqs() with these options (the sqs fixture's handle); see pytest-sqs docs.",
    )
    _check_choices(config)
    _ini_chaos(config)  # refuse a bad value at start-up, not in every test
    # One chaos seed for the session, so the header can name what replays all of it.
    seed = config.getoption("--sqs-chaos-seed", None)
    _active.push_chaos_seed(random.randrange(2**32) if seed is None else seed)
    # A stack, not a switch: pytester runs sessions inside this one.
    _active.push_blocking(_blocking(config))
    config.stash[_BLOCKING_PUSHED] = True


def pytest_unconfigure(config: pytest.Config) -> None:
    # Only a session that pushed pops: one refused at configure (a bad ini value) must
    # not take away the enclosing session's setting.
    if config.stash.get(_BLOCKING_PUSHED, False):
        _active.pop_blocking()
        _active.pop_chaos_seed()


def pytest_report_header(config: pytest.Config) -> str:
    given = config.getoption("--sqs-chaos-seed", None)
    chaos = _ini_chaos(config)
    if given is not None:
        seed = f"; chaos seed {given} (--sqs-chaos-seed)"
    elif chaos is not None and chaos.seed is None:
        session = _active.chaos_seed()
        seed = f"; chaos seed {session} (replay with --sqs-chaos-seed {session})"
    else:
        seed = ""
    return (
        f"pytest-sqs: region={_ini(config, 'sqs_region')}, "
        f"account={_ini(config, 'sqs_account_id')}, clock={_ini(config, 'sqs_clock')}, "
        f"long_poll={_ini(config, 'sqs_long_poll')}, "
        f"chaos={'off' if chaos is None else chaos.describe()}, "
        f"block_unmocked={'on' if _blocking(config) else 'off'}{seed}"
    )


def _options(request: pytest.FixtureRequest) -> dict[str, Any]:
    """ini defaults, overridden by the closest ``sqs`` marker's keywords."""
    config = request.config
    options: dict[str, Any] = {
        "region": _ini(config, "sqs_region"),
        "account_id": _ini(config, "sqs_account_id"),
        "clock": _ini(config, "sqs_clock"),
        "long_poll": _ini(config, "sqs_long_poll"),
        "chaos": _ini_chaos(config),
    }
    marker = request.node.get_closest_marker("sqs")
    if marker is not None:
        if marker.args:
            pytest.fail(
                f"@pytest.mark.sqs takes keywords only ({', '.join(_MARKER_KEYWORDS)}), "
                f"not {marker.args!r}",
                pytrace=False,
            )
        unknown = sorted(set(marker.kwargs) - set(_MARKER_KEYWORDS))
        if unknown:
            pytest.fail(
                f"@pytest.mark.sqs got unknown keyword(s) {', '.join(unknown)}; it takes "
                f"{', '.join(_MARKER_KEYWORDS)} (the keywords of mock_sqs)",
                pytrace=False,
            )
        ini_chaos = options["chaos"]
        options.update(marker.kwargs)
        marked = marker.kwargs.get("chaos")
        # A marker's settings refine the ini option's, rather than replace them.
        if isinstance(marked, dict) and ini_chaos is not None:
            try:
                options["chaos"] = dataclasses.replace(ini_chaos, **marked)
            except (TypeError, ValueError) as error:
                pytest.fail(f"pytest-sqs: chaos: {error}", pytrace=False)
        elif marked is True and ini_chaos is not None:
            options["chaos"] = ini_chaos
    seed = config.getoption("--sqs-chaos-seed", None)
    if seed is not None and options["chaos"] not in (None, False):
        try:
            chaos = Chaos.of(options["chaos"])
        except (TypeError, ValueError) as error:
            pytest.fail(f"pytest-sqs: {error}", pytrace=False)
        if chaos is not None:
            options["chaos"] = dataclasses.replace(chaos, seed=seed)
    return options


@pytest.fixture
def sqs(request: pytest.FixtureRequest) -> Iterator[MockSQS]:
    """Amazon SQS simulated for this test: the handle to advance time and inspect queues.

    Options come from the ``sqs_*`` ini options and the closest ``@pytest.mark.sqs(...)``.
    """
    options = _options(request)
    try:
        mock = MockSQS(**options)
    except (TypeError, ValueError) as error:  # e.g. a misspelt chaos setting in a marker
        problem = str(error)
    else:
        problem = ""
    if problem:  # outside the except: the report shows the message once
        pytest.fail(f"pytest-sqs: {problem}", pytrace=False)
    with mock:
        request.node.stash[_MOCK_KEY] = mock
        yield mock


@pytest.fixture(autouse=True)
def _sqs_marker(request: pytest.FixtureRequest) -> None:
    """A test marked ``@pytest.mark.sqs`` runs inside the mock without asking for it."""
    _active.chaos_used.clear()  # the chaos this test uses, for its report
    if request.node.get_closest_marker("sqs") is not None:
        request.getfixturevalue("sqs")


@pytest.fixture
def sqs_client(sqs: MockSQS) -> Any:
    """A boto3 SQS client (botocore's, without boto3) in the mock's region."""
    return _client("sqs", sqs.region)


@pytest.fixture
def sqs_cloudwatch(sqs: MockSQS) -> Any:
    """A boto3 CloudWatch client in the mock's region: its calls about AWS/SQS metrics
    are answered from the simulator."""
    return _client("cloudwatch", sqs.region)


def _client(service: str, region: str) -> Any:
    try:
        import boto3
    except ImportError:  # boto3 is optional: botocore makes the same client
        import botocore.session

        return botocore.session.get_session().create_client(service, region_name=region)
    return boto3.client(service, region_name=region)


_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


@pytest.fixture
def sqs_queue_factory(sqs: MockSQS, request: pytest.FixtureRequest) -> Callable[..., QueueView]:
    """Make queues for this test: ``factory(name=None, fifo=False, dlq=False,
    max_receive_count=3, **attributes)`` returns a :class:`QueueView`.

    Names default to one derived from the test's, unique within the test. ``dlq=True``
    also makes ``<name>-dlq`` (of the same type) and points a RedrivePolicy at it after
    ``max_receive_count`` receives; ``dlq=<QueueView>`` uses that queue instead.
    """
    stem = _UNSAFE.sub("-", request.node.name).strip("-")[:40] or "queue"
    counter = itertools.count(1)

    def make(
        name: str | None = None,
        *,
        fifo: bool = False,
        dlq: bool | QueueView = False,
        max_receive_count: int = 3,
        **attributes: object,
    ) -> QueueView:
        __tracebackhide__ = True
        base = name or f"{stem}-{next(counter)}"
        if fifo:
            attributes = {"FifoQueue": "true", **attributes}
            if not base.endswith(".fifo"):
                base += ".fifo"
        if dlq is True:
            dead = base[: -len(".fifo")] + "-dlq.fifo" if fifo else base + "-dlq"
            dlq = make(dead, fifo=fifo)
        if isinstance(dlq, QueueView):
            policy = f'{{"deadLetterTargetArn":"{dlq.arn}","maxReceiveCount":{max_receive_count}}}'
            attributes = {"RedrivePolicy": policy, **attributes}
        request_params = {
            "QueueName": base,
            "Attributes": {key: str(value) for key, value in attributes.items()},
        }
        try:
            url = sqs.simulator.handle("CreateQueue", request_params)["QueueUrl"]
        except SQSError as error:
            refusal = f"{error.kind.code}: {error.message}"
        else:
            return sqs.queue(url)
        pytest.fail(f"sqs_queue_factory: SQS refused CreateQueue for {base!r}: {refusal}")

    return make


@pytest.fixture
def sqs_queue(sqs_queue_factory: Callable[..., QueueView]) -> QueueView:
    """A fresh standard queue for this test (a :class:`QueueView`; ``.url`` for clients)."""
    return sqs_queue_factory()


@pytest.fixture
def sqs_fifo_queue(sqs_queue_factory: Callable[..., QueueView]) -> QueueView:
    """A fresh FIFO queue for this test (a :class:`QueueView`; ``.url`` for clients)."""
    return sqs_queue_factory(fifo=True)


def _server_options(config: pytest.Config) -> dict[str, Any]:
    clock = _ini(config, "sqs_clock")
    return {
        "region": _ini(config, "sqs_region"),
        "account_id": _ini(config, "sqs_account_id"),
        "clock": clock if clock in ("wall", "manual") else "wall",
    }


def _serve(server: SQSServer) -> Iterator[SQSServer]:
    with server:
        yield server
        bugs = list(server.bugs)
    if bugs:
        pytest.fail("pytest-sqs failed internally while serving:\n" + "\n".join(bugs))


@pytest.fixture
def sqs_server(request: pytest.FixtureRequest) -> Iterator[SQSServer]:
    """Amazon SQS over HTTP on a free loopback port, for this test: ``.endpoint_url``
    for clients, ``.env`` for subprocesses, and the handle (``advance``, ``queue``...).

    Options: the ``sqs_region`` and ``sqs_account_id`` ini options; the clock is
    ``sqs_clock`` when that is "wall" or "manual".  Long polls wait in real time.
    """
    server = SQSServer(**_server_options(request.config))
    request.node.stash[_SERVER_KEY] = server
    yield from _serve(server)


@pytest.fixture(scope="session")
def session_sqs_server(request: pytest.FixtureRequest) -> Iterator[SQSServer]:
    """One server for the whole session (``reset()`` it between tests if they must not
    share queues)."""
    yield from _serve(SQSServer(**_server_options(request.config)))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A failing test that used the mock gets a report section with every queue's state."""
    report = yield
    if report.failed:
        handles: list[tuple[str, SQSHandle | None]] = [
            ("pytest-sqs queues", item.stash.get(_MOCK_KEY, None)),
            ("pytest-sqs queues (server)", item.stash.get(_SERVER_KEY, None)),
        ]
        for title, handle in handles:
            if handle is not None and handle.running:
                report.sections.append((title, handle.describe()))
        if _active.chaos_used:
            lines = [
                f"chaos seed {state.seed}, {state.faults} fault(s) injected; "
                + (
                    "the seed is set in the test, so every run replays them"
                    if state.replay is None
                    else f"replay them with: pytest {item.nodeid} --sqs-chaos-seed {state.replay}"
                )
                for state in _active.chaos_used
            ]
            report.sections.append(("pytest-sqs chaos", "\n".join(lines)))
    return report
