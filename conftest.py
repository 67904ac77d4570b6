"""For the whole suite: Hypothesis profiles (select with HYPOTHESIS_PROFILE), and a guard
that keeps every connection on this machine."""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=30, deadline=None)
settings.register_profile("thorough", max_examples=1000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


# -- the suite never leaves this machine ----------------------------------------------
# Every connection and name lookup made in this process while the suite runs is checked:
# loopback passes (the pytest-sqs servers the tests start), anything else is refused and
# remembered, and a session that tried fails at the end even if the refusal was caught.
# (tests/test_network_guard.py checks the guard itself.)

NETWORK_ATTEMPTS: list[str] = []
_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo


def _is_local(host: object) -> bool:
    if not isinstance(host, str):
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def _check(family: int, address: object) -> None:
    if family not in (socket.AF_INET, socket.AF_INET6):
        return  # Unix sockets and the like stay on this machine
    host = address[0] if isinstance(address, tuple) else address
    if not _is_local(host):
        NETWORK_ATTEMPTS.append(f"connect to {address!r}")
        raise ConnectionRefusedError(f"the pytest-sqs suite refused a connection to {address!r}")


def _guarded_connect(self: socket.socket, address: Any) -> None:
    _check(self.family, address)
    return _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> int:
    _check(self.family, address)
    return _real_connect_ex(self, address)


def _guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    if host is not None and not _is_local(host):
        NETWORK_ATTEMPTS.append(f"name lookup of {host!r}")
        raise socket.gaierror(
            socket.EAI_NONAME, f"the pytest-sqs suite refused to look up {host!r}"
        )
    return _real_getaddrinfo(host, *args, **kwargs)


# Tests of the guard find the record through the patched function.
_guarded_connect.attempts = NETWORK_ATTEMPTS  # type: ignore[attr-defined]
socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]
socket.getaddrinfo = _guarded_getaddrinfo


@pytest.fixture(autouse=True)
def _stays_on_this_machine() -> Iterator[None]:
    """Fail the test that tried (also under xdist, where the session check is per worker)."""
    before = len(NETWORK_ATTEMPTS)
    yield
    tried = NETWORK_ATTEMPTS[before:]
    if tried:
        pytest.fail("the test tried to reach beyond loopback: " + "; ".join(tried))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if NETWORK_ATTEMPTS:
        print("\nThe suite tried to reach beyond loopback:\n  " + "\n  ".join(NETWORK_ATTEMPTS))
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
