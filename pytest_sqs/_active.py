"""The stack of active mocks, and the boto3 session they share: the package's only
module-level mutable state."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._mock import MockSQS

_stack: list[MockSQS] = []
_sessions: list[Any] = []  # at most one boto3.Session, made under a mock


def push(mock: MockSQS) -> None:
    _stack.append(mock)


def remove(mock: MockSQS) -> None:
    _stack.remove(mock)


def current() -> MockSQS | None:
    """The innermost active mock, which serves every SQS call; ``None`` if none."""
    return _stack[-1] if _stack else None


def mock_session(boto3: Any) -> Any:
    """The boto3 session used as ``boto3.DEFAULT_SESSION`` while mocks are active.

    Made on first use, inside a mock (fake credentials), and reused afterwards.
    """
    if not _sessions:
        _sessions.append(boto3.Session())
    return _sessions[0]
