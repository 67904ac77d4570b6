"""The suite's own guard (the root conftest.py): nothing in this process reaches beyond
loopback, so every SQS call the suite makes, in-process or over HTTP, stays here."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator

import pytest

ATTEMPTS: list[str] = getattr(socket.socket.connect, "attempts", [])


@pytest.fixture
def forget_attempts() -> Iterator[None]:
    """These tests try on purpose; the session must not fail for their attempts."""
    before = len(ATTEMPTS)
    yield
    del ATTEMPTS[before:]


def test_the_guard_is_installed() -> None:
    assert hasattr(socket.socket.connect, "attempts"), "conftest.py's guard is not installed"


@pytest.mark.usefixtures("forget_attempts")
@pytest.mark.parametrize("address", [("192.0.2.1", 443), ("2001:db8::1", 443, 0, 0)])
def test_connections_beyond_loopback_are_refused_and_remembered(
    address: tuple[str, int] | tuple[str, int, int, int],
) -> None:
    family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        with pytest.raises(ConnectionRefusedError, match="the pytest-sqs suite refused"):
            sock.connect(address)
        with pytest.raises(ConnectionRefusedError, match="the pytest-sqs suite refused"):
            sock.connect_ex(address)
    assert ATTEMPTS[-2:] == [f"connect to {address!r}"] * 2


@pytest.mark.usefixtures("forget_attempts")
def test_name_lookups_beyond_this_machine_are_refused() -> None:
    with pytest.raises(socket.gaierror, match=re.escape("look up 'sqs.us-east-1.amazonaws.com'")):
        socket.getaddrinfo("sqs.us-east-1.amazonaws.com", 443)
    assert ATTEMPTS[-1] == "name lookup of 'sqs.us-east-1.amazonaws.com'"


def test_loopback_is_allowed() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        with socket.create_connection(server.getsockname(), timeout=2):
            pass
    assert socket.getaddrinfo("localhost", 80)
