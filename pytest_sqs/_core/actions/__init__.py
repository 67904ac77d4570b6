"""The action registry: one module per action family registers with ``@action``.

The registry is also what ``docs/fidelity.md`` is generated from.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..simulator import Call, SQSSimulator

Result = dict[str, Any]
ActionFn = Callable[["SQSSimulator", "Call", Mapping[str, Any]], Result]

ACTIONS: dict[str, ActionFn] = {}


def action(name: str) -> Callable[[ActionFn], ActionFn]:
    """Register ``fn`` as the handler of the SQS action ``name``."""

    def register(fn: ActionFn) -> ActionFn:
        if name in ACTIONS:
            raise RuntimeError(f"action {name} registered twice")
        ACTIONS[name] = fn
        return fn

    return register


def load() -> dict[str, ActionFn]:
    """Import every action module (registering them) and return the registry."""
    from . import dead_letters, permissions, queues, receive, send, tags, visibility  # noqa: F401

    return ACTIONS
