"""Assertion helpers for the suite (importable as ``from _support import ...``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from botocore.exceptions import ClientError


@contextmanager
def aws_error(
    code: str, message: str, *, status: int = 400, shape: str | None = None
) -> Iterator[pytest.ExceptionInfo[ClientError]]:
    """Expect the block to fail exactly as AWS would: query code, message, HTTP status,
    and (when given) the botocore shape name / exception class."""
    __tracebackhide__ = True
    with pytest.raises(ClientError) as info:
        yield info
    error = info.value.response["Error"]
    assert error["Code"] == code
    assert error["Message"] == message
    assert error["Type"] == "Sender"
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == status
    if shape is not None:
        assert error["QueryErrorCode"] == shape
        assert type(info.value).__name__ == shape
