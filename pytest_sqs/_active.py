"""What is switched on while any mock is active: the stack of mocks, the faked
environment, boto3's default session and the network guard.

This is the package's only module-level mutable state.  The first mock to start saves
what it changes and the last to stop restores it, whatever order mocks stop in.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from . import _botocore

if TYPE_CHECKING:
    from ._mock import MockSQS

# Set while a mock is active so that no real credentials or instance metadata are
# looked for; AWS_PROFILE is removed because botocore ignores environment
# credentials when a profile is named.
FAKE_ENV: dict[str, str | None] = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_SECURITY_TOKEN": None,  # botocore reads this legacy name before AWS_SESSION_TOKEN
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_PROFILE": None,
    "AWS_DEFAULT_PROFILE": None,
}
_REGION_VARIABLES = ("AWS_DEFAULT_REGION", "AWS_REGION")

_stack: list[MockSQS] = []
_blocking: list[bool] = []  # one flag per configured pytest session (pytester nests them)
_saved_env: dict[str, str | None] = {}
_saved_session: list[Any] = []  # boto3's default session before the first mock
_shared_session: list[Any] = []  # the default session while mocks are active
# host:port of every pytest-sqs server running in this process: the interceptor lets
# their clients' calls go over HTTP even while a mock is active.
servers: set[str] = set()


def is_server_url(url: str) -> bool:
    """Whether ``url`` names a pytest-sqs server running in this process."""
    return bool(servers) and urlsplit(url).netloc.lower() in servers


# Chaos (chaos.py): the seed --sqs-chaos-seed gives every chaos state made without one
# (a stack, as pytester nests sessions), and the states made since the plugin last
# cleared the list (its reports name their seeds).
_chaos_seeds: list[int | None] = []
chaos_used: list[Any] = []


def push_chaos_seed(seed: int | None) -> None:
    _chaos_seeds.append(seed)


def pop_chaos_seed() -> None:
    if _chaos_seeds:
        _chaos_seeds.pop()


def chaos_seed() -> int | None:
    """The seed the command line gives chaos, if any."""
    return _chaos_seeds[-1] if _chaos_seeds else None


def current() -> MockSQS | None:
    """The innermost active mock, which serves every SQS call; ``None`` if none."""
    return _stack[-1] if _stack else None


def push_blocking(on: bool) -> None:
    """A pytest session starts: refuse SQS requests made outside a mock if ``on``."""
    _blocking.append(on)
    _update_guard()


def pop_blocking() -> None:
    """The innermost pytest session ends; the enclosing one's setting applies again."""
    if _blocking:
        _blocking.pop()
    _update_guard()


def blocking_unmocked() -> bool:
    return bool(_blocking) and _blocking[-1]


def _update_guard() -> None:
    if blocking_unmocked() or _stack:
        _botocore.install_send_guard()
    else:
        _botocore.remove_send_guard()


def push(mock: MockSQS) -> None:
    """Make ``mock`` the active one (the first one also switches everything on)."""
    if not _stack:
        _switch_on()
    _stack.append(mock)
    _set_region(mock.region)


def remove(mock: MockSQS) -> None:
    """Deactivate ``mock`` (the last one switches everything off)."""
    _stack.remove(mock)
    if _stack:
        _set_region(_stack[-1].region)
    else:
        _switch_off()


def _set_env(name: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value


def _set_region(region: str) -> None:
    # Only where the user configured none: the innermost mock's region is the default.
    if not any(_saved_env.get(name) for name in _REGION_VARIABLES):
        os.environ["AWS_DEFAULT_REGION"] = region


def _switch_on() -> None:
    _saved_env.clear()
    for name in (*FAKE_ENV, *_REGION_VARIABLES):
        _saved_env[name] = os.environ.get(name)
    for name, value in FAKE_ENV.items():
        _set_env(name, value)
    boto3: Any = sys.modules.get("boto3")
    if boto3 is not None:
        _saved_session[:] = [boto3.DEFAULT_SESSION]
        boto3.DEFAULT_SESSION = _default_session(boto3)
    else:
        _saved_session[:] = [None]  # boto3 imported under the mock starts without one after
    _botocore.install_send_guard()


def _switch_off() -> None:
    _update_guard()
    boto3: Any = sys.modules.get("boto3")
    saved = _saved_session.pop() if _saved_session else None
    if boto3 is not None:
        # A session boto3 made under the mock holds the fake credentials: never keep it.
        boto3.DEFAULT_SESSION = saved
    for name, value in _saved_env.items():
        _set_env(name, value)
    _saved_env.clear()


def _default_session(boto3: Any) -> Any:
    """boto3's default session while mocked: made under a mock, reused while clean.

    Making a botocore session costs ~40 ms, so one is shared by successive mocks; if a
    test registered its own event handlers on it, the next mock gets a new one.
    """
    if not _shared_session or _botocore.session_was_touched(_shared_session[0]):
        _shared_session[:] = [_botocore.untouched_session(boto3)]
    return _shared_session[0]
