"""``sqs_block_unmocked``: an SQS request made outside any mock is stopped with a message
saying what to do, other services and moto are left alone, and ``false`` opts out.

No test here reaches the network: requests that get as far as the HTTP layer meet a
patched ``URLLib3Session.send`` that raises instead.
"""

from __future__ import annotations

import boto3
import pytest
from _pytester_support import PLUGIN_INSTALLED, UNMOCKED, prepare

from pytest_sqs import UnmockedRequestError

pytest_plugins = ["pytester"]

US_EAST_1 = "https://sqs.us-east-1.amazonaws.com/"

# The inner tests' own network stand-in: the request reached the HTTP layer.
REACHED_HTTP = """
import botocore.httpsession
import pytest

class ReachedHTTP(Exception):
    pass

@pytest.fixture
def http(monkeypatch):
    def send(session, request):
        raise ReachedHTTP(request.url)

    monkeypatch.setattr(botocore.httpsession.URLLib3Session, "send", send)
"""


@pytest.mark.parametrize("credentials", [True, False], ids=["credentials", "no-credentials"])
def test_an_unmocked_sqs_call_is_stopped_with_advice(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, credentials: bool
) -> None:
    prepare(pytester, monkeypatch, credentials=credentials)
    pytester.makepyfile(
        f"""
        import boto3
        import pytest

        from pytest_sqs import UnmockedRequestError

        MESSAGE = {UNMOCKED.format(url="https://sqs.eu-west-1.amazonaws.com/")!r}

        @pytest.fixture(autouse=True)
        def fresh_default_session(monkeypatch):
            # boto3's default session caches the credentials it found first.
            monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)

        def test_caught():
            client = boto3.client("sqs", region_name="eu-west-1")
            with pytest.raises(UnmockedRequestError) as info:
                client.send_message(
                    QueueUrl="https://sqs.eu-west-1.amazonaws.com/123456789012/orders",
                    MessageBody="x",
                )
            assert str(info.value) == MESSAGE

        def test_uncaught():
            boto3.client("sqs", region_name="eu-west-1").list_queues()
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            '>       boto3.client("sqs", region_name="eu-west-1").list_queues()',
            "*E   *UnmockedRequestError: "
            + UNMOCKED.format(url="https://sqs.eu-west-1.amazonaws.com/"),
        ]
    )


def test_unmocked_calls_fail_between_mocked_tests(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    prepare(pytester, monkeypatch)
    pytester.makepyfile(
        """
        import boto3
        import pytest

        from pytest_sqs import UnmockedRequestError, mock_sqs

        def test_mocked(sqs_client):
            sqs_client.list_queues()

        def test_unmocked_after_a_mocked_test():
            client = boto3.client("sqs", region_name="us-east-1")
            with pytest.raises(UnmockedRequestError):
                client.list_queues()

        def test_unmocked_after_a_with_block():
            client = boto3.client("sqs", region_name="us-east-1")
            with mock_sqs():
                client.list_queues()
            with pytest.raises(UnmockedRequestError):
                client.list_queues()
        """
    )
    pytester.runpytest().assert_outcomes(passed=3)


def test_block_unmocked_false_lets_requests_reach_the_http_layer(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A subprocess: in-process, the outer session's blocking would decide (see the xfail
    # tests below).
    prepare(pytester, monkeypatch, sqs_block_unmocked="false")
    pytester.makepyfile(
        REACHED_HTTP
        + f"""
import boto3

def test_unmocked_reaches_http(http):
    client = boto3.session.Session().client("sqs", region_name="us-east-1")
    with pytest.raises(ReachedHTTP) as info:
        client.list_queues()
    assert str(info.value) == {US_EAST_1!r}

def test_mocked_still_answers(http, sqs_client):
    assert sqs_client.list_queues().get("QueueUrls", []) == []
"""
    )
    result = pytester.runpytest_subprocess()
    result.stdout.fnmatch_lines(["pytest-sqs: *, block_unmocked=off"])
    result.assert_outcomes(passed=2)


def test_other_services_are_not_blocked(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    prepare(pytester, monkeypatch)
    pytester.makepyfile(
        REACHED_HTTP
        + """
import boto3

def test_s3_outside_any_mock(http):
    with pytest.raises(ReachedHTTP):
        boto3.client("s3", region_name="us-east-1").list_buckets()

def test_s3_beside_the_sqs_mock(http, sqs_client):
    sqs_client.list_queues()
    with pytest.raises(ReachedHTTP):
        boto3.client("s3", region_name="us-east-1").list_buckets()
"""
    )
    pytester.runpytest().assert_outcomes(passed=2)


def test_moto_keeps_working_with_blocking_on(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("moto")
    prepare(pytester, monkeypatch)
    pytester.makepyfile(
        """
        import boto3
        from moto import mock_aws

        def test_s3_under_moto():
            with mock_aws():
                s3 = boto3.client("s3", region_name="us-east-1")
                s3.create_bucket(Bucket="my-bucket")
                assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["my-bucket"]

        def test_sqs_under_moto():
            # moto answers at before-send, before pytest-sqs's guard would refuse to send.
            with mock_aws():
                client = boto3.client("sqs", region_name="us-east-1")
                url = client.create_queue(QueueName="moto-queue")["QueueUrl"]
                client.send_message(QueueUrl=url, MessageBody="served by moto")
                [message] = client.receive_message(QueueUrl=url)["Messages"]
                assert message["Body"] == "served by moto"
        """
    )
    result = pytester.runpytest()
    result.stdout.fnmatch_lines(["pytest-sqs: *, block_unmocked=on"])
    result.assert_outcomes(passed=2)


NESTED = """
import boto3
import pytest

from pytest_sqs import UnmockedRequestError

pytest_plugins = ["pytester"]

def inner_session(pytester, block_unmocked):
    addopts = "" if __INSTALLED__ else "addopts = -p pytest_sqs.plugin\\n"
    pytester.makeini("[pytest]\\n%ssqs_block_unmocked = %s\\n" % (addopts, block_unmocked))
    pytester.makepyfile(__INNER_TEST__)
    return pytester.runpytest()

def list_queues():
    return boto3.session.Session().client("sqs", region_name="us-east-1").list_queues()
"""


def nesting_module(inner_test: str) -> str:
    """A test module whose tests run ``inner_test`` in an in-process session of their own
    (with ``inner_session(pytester, block_unmocked)``), as a plugin's own tests would."""
    return NESTED.replace("__INSTALLED__", repr(PLUGIN_INSTALLED)).replace(
        "__INNER_TEST__", repr(inner_test)
    )


def test_an_in_process_session_leaves_the_enclosing_sessions_blocking_on(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    prepare(pytester, monkeypatch)
    pytester.makepyfile(
        nesting_module("def test_nothing():\n    pass\n")
        + REACHED_HTTP
        + """
def test_after_an_inner_session(pytester, http):
    inner_session(pytester, "true").assert_outcomes(passed=1)
    with pytest.raises(UnmockedRequestError):
        list_queues()
"""
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_an_in_process_session_with_blocking_off_does_not_block(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    prepare(pytester, monkeypatch)
    inner_test = REACHED_HTTP + (
        "\nimport boto3\n\ndef test_unmocked(http):\n    with pytest.raises(ReachedHTTP):\n"
        "        boto3.session.Session().client('sqs', region_name='us-east-1').list_queues()\n"
    )
    pytester.makepyfile(
        nesting_module(inner_test)
        + """
def test_inner_session_without_blocking(pytester):
    inner_session(pytester, "false").assert_outcomes(passed=1)
"""
    )
    pytester.runpytest().assert_outcomes(passed=1)


@pytest.mark.parametrize(
    "bad_ini", [{"sqs_block_unmocked": "maybe"}, {"sqs_clock": "sundial"}], ids=["block", "clock"]
)
def test_an_in_process_session_refused_at_configure_leaves_blocking_on(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, bad_ini: dict[str, str]
) -> None:
    # An inner session with a bad ini value stops at configure; its unconfigure once took
    # away *this* session's block, and later tests could send SQS requests out.
    prepare(pytester, monkeypatch, **bad_ini)
    pytester.makepyfile("def test_never_run():\n    pass\n")
    assert pytester.runpytest().ret == pytest.ExitCode.USAGE_ERROR
    client = boto3.session.Session().client(
        "sqs", region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s"
    )
    with pytest.raises(UnmockedRequestError):
        client.list_queues()
