"""Shapes shared by the batch actions: per-entry failures and the Successful/Failed result."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..errors import SQSError
from . import Result


def failure(entry_id: str, error: SQSError) -> Result:
    """A ``Failed`` entry, as AWS reports an entry's error."""
    return {
        "Id": entry_id,
        "SenderFault": error.kind.sender_fault,
        "Code": error.kind.code,
        "Message": error.message,
    }


def batch_result(successful: list[Result], failed: list[Result]) -> Result:
    """Successful and Failed, each omitted when empty (§1.1)."""
    result: Result = {}
    if successful:
        result["Successful"] = successful
    if failed:
        result["Failed"] = failed
    return result


def per_entry(
    entries: list[Mapping[str, Any]], apply: Callable[[Mapping[str, Any]], None]
) -> Result:
    """Apply an action to each entry; an entry's SQS error fails that entry only."""
    successful: list[Result] = []
    failed: list[Result] = []
    for entry in entries:
        try:
            apply(entry)
        except SQSError as error:
            failed.append(failure(entry["Id"], error))
        else:
            successful.append({"Id": entry["Id"]})
    return batch_result(successful, failed)
