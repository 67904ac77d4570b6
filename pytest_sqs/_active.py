"""The stack of active mocks: the package's only module-level mutable state."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._mock import MockSQS

_stack: list[MockSQS] = []


def push(mock: MockSQS) -> None:
    _stack.append(mock)


def remove(mock: MockSQS) -> None:
    _stack.remove(mock)


def current() -> MockSQS | None:
    """The innermost active mock, which serves every SQS call; ``None`` if none."""
    return _stack[-1] if _stack else None
