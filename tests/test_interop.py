"""pytest-sqs next to everything else that makes SQS calls: boto3 clients, resources and
sessions, raw botocore, clients made before the mock, the AWS CLI, moto and Stubber.

No request may reach the HTTP layer while mocked: every test here runs with botocore's
HTTP send replaced by one that records the attempt and fails.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import textwrap
import uuid
from collections.abc import Callable
from email.utils import formatdate
from pathlib import Path
from typing import Any

import boto3
import botocore.handlers
import botocore.session
import pytest
from awscli.clidriver import create_clidriver
from botocore.exceptions import ClientError
from botocore.httpsession import URLLib3Session
from botocore.stub import Stubber
from moto import mock_aws
from moto.sqs.models import sqs_backends

import pytest_sqs
from pytest_sqs import MockSQS, UnmockedRequestError, mock_sqs, patch_client

REGION = "us-east-1"
ACCOUNT = "123456789012"
EXPLICIT_CREDENTIALS = {"aws_access_key_id": "AKIDUSER", "aws_secret_access_key": "secret"}


class NetworkAttempt(AssertionError):
    """A request reached botocore's HTTP layer."""


@pytest.fixture(autouse=True)
def network_attempts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Requests that reached the HTTP layer; each also fails the call that made it."""
    attempts: list[str] = []

    def send(self: URLLib3Session, request: Any) -> Any:
        attempts.append(f"{request.method} {request.url}")
        raise NetworkAttempt(f"a request reached the network: {request.method} {request.url}")

    monkeypatch.setattr(URLLib3Session, "send", send)
    return attempts


def url_of(name: str, region: str = REGION) -> str:
    return f"https://sqs.{region}.amazonaws.com/{ACCOUNT}/{name}"


def queue_urls(client: Any) -> list[str]:
    return sorted(client.list_queues().get("QueueUrls", []))


def round_trip(client: Any, name: str) -> str:
    """Create, send, receive and delete through ``client``; return the queue URL."""
    url: str = client.create_queue(QueueName=name)["QueueUrl"]
    sent = client.send_message(QueueUrl=url, MessageBody="hello")
    [received] = client.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert (received["MessageId"], received["Body"]) == (sent["MessageId"], "hello")
    client.delete_message(QueueUrl=url, ReceiptHandle=received["ReceiptHandle"])
    assert client.receive_message(QueueUrl=url).get("Messages", []) == []
    return url


# -- clients -----------------------------------------------------------------------


CLIENT_FACTORIES: dict[str, Callable[[], Any]] = {
    "boto3.client": lambda: boto3.client("sqs", region_name=REGION),
    "boto3 Session": lambda: boto3.session.Session(
        region_name=REGION, **EXPLICIT_CREDENTIALS
    ).client("sqs"),
    "botocore session": lambda: botocore.session.get_session().create_client(
        "sqs", region_name=REGION
    ),
    "botocore Session()": lambda: botocore.session.Session().create_client(
        "sqs", region_name=REGION, **EXPLICIT_CREDENTIALS
    ),
    "endpoint_url (LocalStack style)": lambda: boto3.client(
        "sqs", region_name=REGION, endpoint_url="http://localhost:4566"
    ),
}


@pytest.mark.parametrize("make_client", CLIENT_FACTORIES.values(), ids=CLIENT_FACTORIES.keys())
def test_every_kind_of_client_is_served_by_the_simulator(
    mock: MockSQS, make_client: Callable[[], Any], network_attempts: list[str]
) -> None:
    url = round_trip(make_client(), "round-trip")
    assert url == url_of("round-trip")
    assert mock.queue("round-trip").messages == ()
    assert network_attempts == []


def test_client_without_a_region_uses_the_mocks_region(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.delenv("AWS_REGION", raising=False)
    with mock_sqs(region="eu-west-2") as mock:
        client = boto3.client("sqs")
        assert client.meta.region_name == "eu-west-2"
        url = client.create_queue(QueueName="regional")["QueueUrl"]
        assert url == url_of("regional", "eu-west-2")
        assert mock.queue("regional").region == "eu-west-2"


def test_boto3_resource_round_trip(mock: MockSQS) -> None:
    sqs = boto3.resource("sqs", region_name=REGION)
    queue = sqs.create_queue(QueueName="resource-queue")
    assert queue.url == url_of("resource-queue")
    assert queue.attributes["QueueArn"] == f"arn:aws:sqs:{REGION}:{ACCOUNT}:resource-queue"
    sent = queue.send_message(MessageBody="via resource")
    [message] = queue.receive_messages(MaxNumberOfMessages=10)
    assert (message.message_id, message.body) == (sent["MessageId"], "via resource")
    assert [view.state for view in mock.queue("resource-queue").messages] == ["in_flight"]
    message.delete()
    assert mock.queue("resource-queue").messages == ()
    assert [q.url for q in sqs.queues.all()] == [url_of("resource-queue")]


def test_client_created_before_the_mock_started(
    monkeypatch: pytest.MonkeyPatch, network_attempts: list[str]
) -> None:
    # An application module's client, made at import time on a machine with no credentials.
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    early = boto3.session.Session().client("sqs", region_name=REGION)
    with mock_sqs() as mock:
        round_trip(early, "early")
        assert mock.queue("early").url == url_of("early")
    with mock_sqs():  # and again with the next mock, which starts empty
        assert queue_urls(early) == []
    assert network_attempts == []


@pytest.fixture
def session_made_before_import(monkeypatch: pytest.MonkeyPatch) -> botocore.session.Session:
    """A botocore session whose events lack our handlers, as if it had been created
    before pytest_sqs was imported (botocore copies BUILTIN_HANDLERS at creation)."""
    builtins = [
        spec
        for spec in botocore.handlers.BUILTIN_HANDLERS
        if not spec[1].__module__.startswith("pytest_sqs.")
    ]
    assert len(builtins) == len(botocore.handlers.BUILTIN_HANDLERS) - len(
        pytest_sqs._botocore.HANDLERS
    )
    with monkeypatch.context() as patch:
        patch.setattr(botocore.handlers, "BUILTIN_HANDLERS", builtins)
        return botocore.session.Session()


def test_patch_client_routes_a_client_made_before_import_to_the_simulator(
    session_made_before_import: botocore.session.Session, network_attempts: list[str]
) -> None:
    client = session_made_before_import.create_client(
        "sqs", region_name=REGION, **EXPLICIT_CREDENTIALS
    )
    with mock_sqs() as mock:
        # Unpatched, the simulator never sees the call.
        with pytest.raises((NetworkAttempt, UnmockedRequestError)):
            client.create_queue(QueueName="unpatched")
        assert mock.queues() == []
        assert patch_client(client) is client
        round_trip(client, "patched")
        with pytest.raises(client.exceptions.QueueDoesNotExist):
            client.get_queue_url(QueueName="missing")
        assert [view.name for view in mock.queues()] == ["patched"]


def test_guard_refuses_an_unpatched_client_made_before_import(
    session_made_before_import: botocore.session.Session, network_attempts: list[str]
) -> None:
    client = session_made_before_import.create_client(
        "sqs", region_name=REGION, **EXPLICIT_CREDENTIALS
    )
    with mock_sqs(), pytest.raises(UnmockedRequestError):
        client.list_queues()
    assert network_attempts == []


def test_patch_client_twice_on_a_client_that_already_has_the_handlers(mock: MockSQS) -> None:
    client = boto3.client("sqs", region_name=REGION)
    assert patch_client(patch_client(client)) is client
    url = client.create_queue(QueueName="twice")["QueueUrl"]
    client.send_message(QueueUrl=url, MessageBody="once")
    assert mock.queue("twice").bodies() == ["once"]


def test_patch_client_in_a_process_that_made_the_client_before_importing_pytest_sqs(
    tmp_path: Path,
) -> None:
    script = textwrap.dedent(
        """
        import boto3
        from botocore.httpsession import URLLib3Session

        def send(self, request):
            raise SystemExit(f"network: {request.url}")

        URLLib3Session.send = send
        client = boto3.client(
            "sqs", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b"
        )

        from pytest_sqs import mock_sqs, patch_client

        with mock_sqs() as mock:
            patch_client(client)
            url = client.create_queue(QueueName="early")["QueueUrl"]
            client.send_message(QueueUrl=url, MessageBody="made before import")
            print(url, mock.queue("early").bodies())
        """
    )
    package_root = str(Path(pytest_sqs.__file__).resolve().parent.parent)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([package_root, *sys.path[1:]])}
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == f"{url_of('early')} ['made before import']\n"


def test_regions_are_isolated(mock: MockSQS) -> None:
    eu = boto3.client("sqs", region_name="eu-west-1")
    us = boto3.client("sqs", region_name=REGION)
    eu_url = eu.create_queue(QueueName="regional")["QueueUrl"]
    assert eu_url == url_of("regional", "eu-west-1")
    assert queue_urls(us) == []
    with pytest.raises(us.exceptions.QueueDoesNotExist):
        us.get_queue_url(QueueName="regional")
    us_url = us.create_queue(QueueName="regional")["QueueUrl"]  # same name, its own queue
    assert us_url == url_of("regional")
    eu.send_message(QueueUrl=eu_url, MessageBody="in eu-west-1")
    assert mock.queue("regional", region="eu-west-1").bodies() == ["in eu-west-1"]
    assert mock.queue("regional").bodies() == []
    assert queue_urls(eu) == [eu_url]


# -- the AWS CLI, in process -------------------------------------------------------------


def aws(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run ``aws <args> --region us-east-1`` in this process; (exit code, stdout, stderr)."""
    capsys.readouterr()
    code = create_clidriver().main([*args, "--region", REGION])
    out, err = capsys.readouterr()
    return code, out, err


def aws_json(capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    code, out, err = aws(capsys, *args)
    assert (code, err) == (0, "")
    return json.loads(out) if out else None


def test_aws_cli_round_trip(
    mock: MockSQS, capsys: pytest.CaptureFixture[str], network_attempts: list[str]
) -> None:
    created = aws_json(capsys, "sqs", "create-queue", "--queue-name", "cli-q")
    assert created == {"QueueUrl": url_of("cli-q")}
    url = created["QueueUrl"]
    sent = aws_json(capsys, "sqs", "send-message", "--queue-url", url, "--message-body", "hi")
    assert mock.queue("cli-q").bodies() == ["hi"]
    received = aws_json(capsys, "sqs", "receive-message", "--queue-url", url)
    [message] = received["Messages"]
    assert (message["MessageId"], message["Body"]) == (sent["MessageId"], "hi")
    handle = message["ReceiptHandle"]
    assert (
        aws_json(capsys, "sqs", "delete-message", "--queue-url", url, "--receipt-handle", handle)
        is None
    )
    assert mock.queue("cli-q").messages == ()
    assert aws_json(capsys, "sqs", "list-queues") == {"QueueUrls": [url]}
    assert network_attempts == []


def test_aws_cli_reports_sqs_errors(
    mock: MockSQS, capsys: pytest.CaptureFixture[str], network_attempts: list[str]
) -> None:
    code, out, err = aws(capsys, "sqs", "get-queue-url", "--queue-name", "missing")
    assert (code, out) == (255, "")
    assert err == (
        "\nAn error occurred (AWS.SimpleQueueService.NonExistentQueue) when calling the "
        "GetQueueUrl operation: The specified queue does not exist.\n"
    )
    assert network_attempts == []


# -- the guard -----------------------------------------------------------------------------


def test_no_request_reaches_the_send_stage_on_success_or_error(
    client: Any, network_attempts: list[str]
) -> None:
    sent_stage: list[str] = []
    client.meta.events.register("before-send", lambda request, **_: sent_stage.append(request.url))
    round_trip(client, "guarded")
    with pytest.raises(client.exceptions.QueueDoesNotExist):
        client.send_message(QueueUrl=url_of("missing"), MessageBody="x")
    with pytest.raises(ClientError):
        client.create_queue(QueueName="not a valid name")
    assert (sent_stage, network_attempts) == ([], [])


def test_guard_refuses_a_request_that_no_handler_answered(
    client: Any, network_attempts: list[str]
) -> None:
    # Take away the answer, as a client whose before-call hook was lost would be.
    client.meta.events.unregister("before-call.sqs", pytest_sqs._botocore.answer)
    with pytest.raises(UnmockedRequestError) as info:
        client.list_queues()
    assert str(info.value) == (
        f"pytest-sqs is active but an SQS request to https://sqs.{REGION}.amazonaws.com/ was "
        "about to leave the process; nothing was sent. The client was made from a botocore "
        "session created before pytest_sqs was imported: route it to the simulator with "
        "pytest_sqs.patch_client(client)."
    )
    assert network_attempts == []


# -- errors -----------------------------------------------------------------------------

MISSING_QUEUE_CALLS: dict[str, Callable[[Any], object]] = {
    "GetQueueUrl": lambda c: c.get_queue_url(QueueName="missing"),
    "SendMessage": lambda c: c.send_message(QueueUrl=url_of("missing"), MessageBody="x"),
    "ReceiveMessage": lambda c: c.receive_message(QueueUrl=url_of("missing")),
    "GetQueueAttributes": lambda c: c.get_queue_attributes(QueueUrl=url_of("missing")),
    "DeleteQueue": lambda c: c.delete_queue(QueueUrl=url_of("missing")),
}


@pytest.mark.parametrize(
    ("operation", "call"), MISSING_QUEUE_CALLS.items(), ids=MISSING_QUEUE_CALLS.keys()
)
def test_missing_queue_raises_the_modelled_exception(
    client: Any, operation: str, call: Callable[[Any], object]
) -> None:
    with pytest.raises(client.exceptions.QueueDoesNotExist) as info:
        call(client)
    assert info.value.response["Error"] == {
        "Code": "AWS.SimpleQueueService.NonExistentQueue",
        "QueryErrorCode": "QueueDoesNotExist",
        "Message": "The specified queue does not exist.",
        "Type": "Sender",
    }
    assert info.value.operation_name == operation
    assert str(info.value) == (
        f"An error occurred (AWS.SimpleQueueService.NonExistentQueue) when calling the "
        f"{operation} operation: The specified queue does not exist."
    )


def test_unmodelled_error_is_a_plain_client_error(client: Any) -> None:
    with pytest.raises(ClientError) as info:
        client.create_queue(QueueName="not a valid name")
    assert type(info.value) is ClientError
    assert info.value.response["Error"] == {
        "Code": "InvalidParameterValue",
        "QueryErrorCode": "InvalidParameterValueException",
        "Message": "Can only include alphanumeric characters, hyphens, or underscores. "
        "1 to 80 in length",
        "Type": "Sender",
    }
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def _success(client: Any) -> dict[str, Any]:
    return dict(client.list_queues())


def _failure(client: Any) -> dict[str, Any]:
    with pytest.raises(client.exceptions.QueueDoesNotExist) as info:
        client.get_queue_url(QueueName="missing")
    return dict(info.value.response)


@pytest.mark.parametrize(
    ("call", "status"), [(_success, 200), (_failure, 400)], ids=["success", "error"]
)
def test_response_metadata_is_what_botocore_reports_for_real_sqs(
    mock: MockSQS, client: Any, call: Callable[[Any], dict[str, Any]], status: int
) -> None:
    metadata = call(client)["ResponseMetadata"]
    request_id = metadata["RequestId"]
    assert str(uuid.UUID(request_id)) == request_id
    assert metadata["HTTPStatusCode"] == status
    assert metadata["RetryAttempts"] == 0
    headers = metadata["HTTPHeaders"]
    assert headers["x-amzn-requestid"] == request_id
    assert headers["content-type"] == "application/x-amz-json-1.0"
    assert headers["date"] == formatdate(mock.clock.now(), usegmt=True)


def test_every_call_gets_its_own_request_id(client: Any) -> None:
    ids = {client.list_queues()["ResponseMetadata"]["RequestId"] for _ in range(5)}
    assert len(ids) == 5


# -- moto and Stubber --------------------------------------------------------------------


@pytest.mark.parametrize("moto_first", [True, False], ids=["moto-outside", "moto-inside"])
def test_with_moto_sqs_is_ours_and_every_other_service_is_motos(
    moto_first: bool, network_attempts: list[str]
) -> None:
    with contextlib.ExitStack() as stack:
        if moto_first:
            stack.enter_context(mock_aws())
        mock = stack.enter_context(mock_sqs())
        if not moto_first:
            stack.enter_context(mock_aws())
        sqs = boto3.client("sqs", region_name=REGION)
        url = round_trip(sqs, "ours")
        assert mock.queue("ours").url == url
        assert sqs_backends[ACCOUNT][REGION].queues == {}
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket="moto-bucket")
        assert [bucket["Name"] for bucket in s3.list_buckets()["Buckets"]] == ["moto-bucket"]
    assert network_attempts == []


def test_moto_still_serves_sqs_when_no_mock_sqs_is_active(network_attempts: list[str]) -> None:
    with mock_aws():
        client = boto3.client("sqs", region_name=REGION)
        url = round_trip(client, "motos")
        assert list(sqs_backends[ACCOUNT][REGION].queues) == ["motos"]
        assert url.endswith(f"/{ACCOUNT}/motos")
        with pytest.raises(client.exceptions.QueueDoesNotExist):
            client.get_queue_url(QueueName="missing")
    assert network_attempts == []


def test_botocore_stubber_still_works_when_no_mock_sqs_is_active(
    network_attempts: list[str],
) -> None:
    client = boto3.client("sqs", region_name=REGION, **EXPLICIT_CREDENTIALS)
    with Stubber(client) as stubber:
        stubber.add_response("list_queues", {"QueueUrls": ["https://stubbed/1/q"]})
        assert client.list_queues()["QueueUrls"] == ["https://stubbed/1/q"]
        stubber.assert_no_pending_responses()
    assert network_attempts == []


TRACE = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"


@pytest.mark.parametrize(
    "how",
    [
        "MessageSystemAttributes",
        "inside Lambda",
    ],
)
def test_trace_header_becomes_the_aws_trace_header_attribute(
    client: Any, queue_url: str, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    if how == "inside Lambda":  # botocore sends _X_AMZN_TRACE_ID as X-Amzn-Trace-Id
        monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "orders-handler")
        monkeypatch.setenv("_X_AMZN_TRACE_ID", TRACE)
        client.send_message(QueueUrl=queue_url, MessageBody="traced")
    else:
        client.send_message(
            QueueUrl=queue_url,
            MessageBody="traced",
            MessageSystemAttributes={
                "AWSTraceHeader": {"DataType": "String", "StringValue": TRACE}
            },
        )
    [message] = client.receive_message(
        QueueUrl=queue_url, MessageSystemAttributeNames=["AWSTraceHeader"]
    )["Messages"]
    assert message["Attributes"] == {"AWSTraceHeader": TRACE}
