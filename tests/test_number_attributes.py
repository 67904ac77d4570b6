"""Number message attributes: 38 significant digits, magnitude 10^-128 to 10^+126
(SQS message attribute docs; the error text is the catalogue's best evidence)."""

from __future__ import annotations

from typing import Any

import pytest
from _support import aws_error


def number(value: str) -> dict[str, dict[str, str]]:
    return {"n": {"DataType": "Number", "StringValue": value}}


@pytest.mark.parametrize(
    "value",
    ["0", "-17", "3.14", "1" * 38, "0.000" + "1" * 38, "1" + "0" * 60, "1e126", "1e-128"],
)
def test_numbers_sqs_accepts(client: Any, queue_url: str, value: str) -> None:
    client.send_message(QueueUrl=queue_url, MessageBody="x", MessageAttributes=number(value))


@pytest.mark.parametrize(
    "value", ["1" * 39, "1e127", "1e-129", "12.3456789012345678901234567890123456789"]
)
def test_numbers_beyond_sqs_limits(client: Any, queue_url: str, value: str) -> None:
    with aws_error(
        "InvalidParameterValue", "Can't cast the value of message (user) attribute 'n' to a number."
    ):
        client.send_message(QueueUrl=queue_url, MessageBody="x", MessageAttributes=number(value))
