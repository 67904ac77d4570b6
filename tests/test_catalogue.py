"""The error catalogue covers every SQS error botocore models, and each one reaches the
user exactly as from real SQS: query code, shape name, status and exception class."""

from __future__ import annotations

from typing import Any

import botocore.session
import pytest
from botocore.parsers import create_parser

from pytest_sqs._core import errors
from pytest_sqs._core.errors import ErrorKind, ErrorSpec, SQSError
from pytest_sqs._wire import json_protocol

MODEL = botocore.session.get_session().get_service_model("sqs")
KINDS_BY_SHAPE = {kind.shape: kind for kind in errors.ALL_KINDS}


def test_every_modelled_error_has_one_entry() -> None:
    modelled = {shape.name for shape in MODEL.error_shapes}
    assert modelled - set(KINDS_BY_SHAPE) == set()
    assert len(KINDS_BY_SHAPE) == len(errors.ALL_KINDS), "a shape is catalogued twice"


def test_every_message_is_written_once() -> None:
    specs = [v for v in vars(errors).values() if isinstance(v, ErrorSpec)]
    templates = [(spec.kind, spec.template) for spec in specs]
    assert len(templates) == len(set(templates))


def _parse(kind: ErrorKind, message: str) -> dict[str, Any]:
    status, headers, body = json_protocol.encode_error(
        SQSError(ErrorSpec(kind, message)), "req-1", 0.0
    )
    parsed: dict[str, Any] = create_parser("json").parse(
        {"status_code": status, "headers": headers, "body": body}, None
    )
    return parsed


@pytest.mark.parametrize("kind", errors.ALL_KINDS, ids=lambda kind: kind.shape)
def test_each_error_parses_as_botocore_sees_real_sqs(kind: ErrorKind) -> None:
    parsed = _parse(kind, "some text")
    assert parsed["Error"] == {
        "Code": kind.code,
        "Message": "some text",
        "QueryErrorCode": kind.shape,
        "Type": kind.fault,
    }
    assert parsed["ResponseMetadata"]["HTTPStatusCode"] == kind.status


@pytest.mark.parametrize(
    "shape", sorted(s.name for s in MODEL.error_shapes), ids=lambda shape: shape
)
def test_each_modelled_error_raises_its_exception_class(shape: str) -> None:
    client = botocore.session.get_session().create_client(
        "sqs", region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s"
    )
    parsed = _parse(KINDS_BY_SHAPE[shape], "text")
    # botocore picks the class by QueryErrorCode for query-compatible SQS errors.
    exception_class = client.exceptions.from_code(parsed["Error"]["QueryErrorCode"])
    assert exception_class is getattr(client.exceptions, shape)


def test_unmodelled_errors_use_the_coral_namespace() -> None:
    # AWS-rec: InvalidParameterValue travels as com.amazon.coral.service#...Exception.
    assert json_protocol.error_type(errors.INVALID_PARAMETER_VALUE) == (
        "com.amazon.coral.service#InvalidParameterValueException"
    )
    assert json_protocol.error_type(errors.QUEUE_DOES_NOT_EXIST) == (
        "com.amazonaws.sqs#QueueDoesNotExist"
    )


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        (errors.PURGE_QUEUE_IN_PROGRESS, 403),
        (errors.OVER_LIMIT, 403),
        (errors.RESOURCE_NOT_FOUND, 404),
        (errors.RECEIPT_HANDLE_IS_INVALID, 404),
        (errors.QUEUE_DOES_NOT_EXIST, 400),
    ],
)
def test_recorded_http_statuses(kind: ErrorKind, status: int) -> None:
    assert kind.status == status
