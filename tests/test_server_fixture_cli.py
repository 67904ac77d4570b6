"""The server as users start it: the ``sqs_server`` and ``session_sqs_server`` fixtures in an
inner pytest session, the block on unmocked requests beside them, and ``python -m
pytest_sqs serve`` as a subprocess stopped by SIGINT or SIGTERM.

Nothing here leaves the machine: inner sessions may only send HTTP to loopback.
"""

from __future__ import annotations

import errno
import http.client
import os
import re
import selectors
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import boto3
import botocore.httpsession
import pytest
from _pytester_support import UNMOCKED, NetworkTouched, prepare, report_block

from pytest_sqs import AdminClient

pytest_plugins = ["pytester"]

ACCOUNT = "123456789012"
_REAL_SEND = botocore.httpsession.URLLib3Session.send
_LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _loopback_only(session: Any, request: Any) -> Any:
    if urlsplit(request.url).hostname in _LOOPBACK:
        return _REAL_SEND(session, request)
    raise NetworkTouched(f"an HTTP request was about to be sent to {request.url}")


@pytest.fixture
def run(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    prepare(pytester, monkeypatch, sqs_clock="manual")
    # prepare() refuses every send; servers on loopback must be reachable.
    monkeypatch.setattr(botocore.httpsession.URLLib3Session, "send", _loopback_only)
    return pytester


def refused(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except ConnectionRefusedError:
        return True
    return False


# -- the fixtures ---------------------------------------------------------------------


def test_sqs_server_serves_a_boto3_client_and_is_the_handle(run: pytest.Pytester) -> None:
    run.makepyfile(
        """
        import boto3

        from pytest_sqs import ManualClock, SQSServer

        def test_over_http(sqs_server):
            assert isinstance(sqs_server, SQSServer)
            assert sqs_server.running
            assert isinstance(sqs_server.clock, ManualClock)
            assert (sqs_server.region, sqs_server.account_id) == ("us-east-1", "123456789012")
            assert sqs_server.endpoint_url == f"http://127.0.0.1:{sqs_server.port}"
            sqs = boto3.client(
                "sqs",
                endpoint_url=sqs_server.endpoint_url,
                region_name="us-east-1",
                aws_access_key_id="testing",
                aws_secret_access_key="testing",
            )
            url = sqs.create_queue(
                QueueName="orders", Attributes={"VisibilityTimeout": "30"}
            )["QueueUrl"]
            assert url == sqs_server.endpoint_url + "/123456789012/orders"
            sent = sqs.send_message(QueueUrl=url, MessageBody="order 1")
            sqs.receive_message(QueueUrl=url)
            view = sqs_server.queue("orders")
            assert [m.message_id for m in view.in_flight] == [sent["MessageId"]]
            sqs_server.advance(29)
            assert view.visible == ()
            sqs_server.advance(1)
            assert [m.body for m in view.visible] == ["order 1"]
            assert [c.action for c in sqs_server.calls_to(queue="orders")] == [
                "SendMessage",
                "ReceiveMessage",
            ]

        def test_env(sqs_server):
            assert sqs_server.env == {
                "AWS_ENDPOINT_URL_SQS": sqs_server.endpoint_url,
                "AWS_ENDPOINT_URL_CLOUDWATCH": sqs_server.endpoint_url,
                "AWS_ACCESS_KEY_ID": "testing",
                "AWS_SECRET_ACCESS_KEY": "testing",
                "AWS_DEFAULT_REGION": "us-east-1",
                "AWS_REGION": "us-east-1",
                "AWS_EC2_METADATA_DISABLED": "true",
                "AWS_SESSION_TOKEN": "testing",
            }
        """
    )
    run.runpytest().assert_outcomes(passed=2)


def test_a_subprocess_reaches_the_server_through_env(run: pytest.Pytester) -> None:
    run.makepyfile(
        '''
        import os
        import subprocess
        import sys

        SCRIPT = """
        import boto3
        sqs = boto3.client("sqs")  # endpoint, region and credentials from the environment
        url = sqs.get_queue_url(QueueName="inbox")["QueueUrl"]
        print(url)
        print(sqs.send_message(QueueUrl=url, MessageBody="from a subprocess")["MessageId"])
        """

        def test_worker(sqs_server):
            sqs_server.client().create_queue(QueueName="inbox")
            done = subprocess.run(
                [sys.executable, "-c", SCRIPT.replace("\\n        ", "\\n")],
                env={**os.environ, **sqs_server.env},
                capture_output=True,
                text=True,
                timeout=30,
            )
            assert done.returncode == 0, done.stderr
            url, message_id = done.stdout.split()
            assert url == sqs_server.queue_url("inbox")
            [message] = sqs_server.queue("inbox").messages
            assert (message.message_id, message.body) == (message_id, "from a subprocess")
            [call] = sqs_server.calls_to("SendMessage")
            assert call.params == {"QueueUrl": url, "MessageBody": "from a subprocess"}
        '''
    )
    run.runpytest().assert_outcomes(passed=1)


def test_the_server_stops_after_its_test(run: pytest.Pytester) -> None:
    run.makepyfile(
        """
        import socket

        import pytest

        SEEN = []

        def test_first(sqs_server):
            sqs_server.client().create_queue(QueueName="first")
            SEEN.append(sqs_server)

        def test_second(sqs_server):
            [first] = SEEN
            assert sqs_server is not first
            assert not first.running
            assert sqs_server.queues() == []  # a new simulator
            with pytest.raises(RuntimeError, match="not started"):
                first.port
        """
    )
    run.runpytest().assert_outcomes(passed=2)


def test_the_port_refuses_connections_after_the_test(run: pytest.Pytester) -> None:
    run.makepyfile(
        """
        def test_serve(sqs_server):
            with open("port.txt", "w") as f:
                f.write(str(sqs_server.port))
        """
    )
    run.runpytest().assert_outcomes(passed=1)
    assert refused(int((run.path / "port.txt").read_text()))


def test_session_server_is_shared_and_reset_clears_it(run: pytest.Pytester) -> None:
    run.makepyfile(
        """
        SEEN = []

        def test_first(session_sqs_server):
            session_sqs_server.client().create_queue(QueueName="shared")
            SEEN.append(session_sqs_server)
            with open("port.txt", "w") as f:
                f.write(str(session_sqs_server.port))

        def test_second(session_sqs_server):
            assert session_sqs_server is SEEN[0]
            assert [q.name for q in session_sqs_server.queues()] == ["shared"]
            client = session_sqs_server.client()
            assert client.list_queues()["QueueUrls"] == [
                session_sqs_server.queue_url("shared")
            ]
            session_sqs_server.reset()
            assert session_sqs_server.queues() == []
            assert session_sqs_server.calls == []
            assert "QueueUrls" not in client.list_queues()

        def test_third(session_sqs_server):
            assert session_sqs_server is SEEN[0]
            assert [c.action for c in session_sqs_server.calls] == ["ListQueues"]
        """
    )
    run.runpytest().assert_outcomes(passed=3)
    assert refused(int((run.path / "port.txt").read_text()))  # stopped with the session


def test_the_fixture_takes_region_account_and_clock_from_ini(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    prepare(pytester, monkeypatch, sqs_region="eu-west-2", sqs_account_id="210987654321")
    monkeypatch.setattr(botocore.httpsession.URLLib3Session, "send", _loopback_only)
    pytester.makepyfile(
        """
        from pytest_sqs import WallClock

        def test_options(sqs_server):
            assert (sqs_server.region, sqs_server.account_id) == ("eu-west-2", "210987654321")
            assert isinstance(sqs_server.clock, WallClock)
            assert sqs_server.env["AWS_DEFAULT_REGION"] == "eu-west-2"
            url = sqs_server.client().create_queue(QueueName="q")["QueueUrl"]
            assert url == sqs_server.endpoint_url + "/210987654321/q"
            assert sqs_server.queue("q").arn == "arn:aws:sqs:eu-west-2:210987654321:q"
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_a_freezegun_clock_ini_gives_the_server_a_wall_clock(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    prepare(pytester, monkeypatch, sqs_clock="freezegun")
    monkeypatch.setattr(botocore.httpsession.URLLib3Session, "send", _loopback_only)
    pytester.makepyfile(
        """
        from pytest_sqs import WallClock

        def test_clock(sqs_server):
            assert isinstance(sqs_server.clock, WallClock)
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_a_failing_test_reports_the_servers_queues(run: pytest.Pytester) -> None:
    run.makepyfile(
        """
        import pytest

        def test_fails(sqs_server):
            sqs = sqs_server.client()
            url = sqs.create_queue(QueueName="orders")["QueueUrl"]
            sqs.create_queue(QueueName="audit")
            kept = sqs.send_message(QueueUrl=url, MessageBody="kept")
            pytest.fail("id " + kept["MessageId"], pytrace=False)

        def test_passes(sqs_server):
            sqs_server.client().create_queue(QueueName="fine")

        def test_fails_without_queues(sqs_server):
            assert False
        """
    )
    result = run.runpytest()
    result.assert_outcomes(passed=1, failed=2)
    message_id = report_block(result, "test_fails").removeprefix("id ")
    url = f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/"
    assert report_block(result, "pytest-sqs queues (server)", after="test_fails") == (
        f"  audit ({url}audit)\n"
        "    visible (0):\n"
        "    in flight (0):\n"
        "    delayed (0):\n"
        f"  orders ({url}orders)\n"
        "    visible (1):\n"
        f"      'kept' (id {message_id}, received 0x)\n"
        "    in flight (0):\n"
        "    delayed (0):"
    )
    assert (
        report_block(result, "pytest-sqs queues (server)", after="test_fails_without_queues")
        == "  (no queues)"
    )
    assert "fine" not in result.stdout.str()


# -- the block on unmocked requests lets loopback through --------------------------------


def test_a_server_client_goes_over_http_even_inside_a_mock(run: pytest.Pytester) -> None:
    run.makepyfile(
        """
        import boto3

        from pytest_sqs import SQSServer

        def test_inside_the_mock(sqs):
            with SQSServer() as server:
                remote = boto3.client(
                    "sqs", endpoint_url=server.endpoint_url, region_name="us-east-1"
                )
                by_name = boto3.client(
                    "sqs", endpoint_url=f"http://localhost:{server.port}", region_name="us-east-1"
                )
                local = boto3.client("sqs", region_name="us-east-1")
                url = remote.create_queue(QueueName="remote")["QueueUrl"]
                assert url == server.endpoint_url + "/123456789012/remote"
                assert by_name.get_queue_url(QueueName="remote")["QueueUrl"] == (
                    f"http://localhost:{server.port}/123456789012/remote"
                )
                local.create_queue(QueueName="local")
                assert [c.action for c in server.calls] == ["CreateQueue", "GetQueueUrl"]
                assert [q.name for q in server.queues()] == ["remote"]
                assert [c.params for c in sqs.calls] == [{"QueueName": "local"}]
                assert [q.name for q in sqs.queues()] == ["local"]
        """
    )
    run.runpytest().assert_outcomes(passed=1)


def test_without_a_mock_the_server_is_reachable_and_aws_is_not(run: pytest.Pytester) -> None:
    run.makepyfile(
        f"""
        import boto3
        import pytest

        from pytest_sqs import UnmockedRequestError

        def client(**options):
            return boto3.session.Session().client(
                "sqs", aws_access_key_id="k", aws_secret_access_key="s", **options
            )

        def test_unmocked(sqs_server):
            remote = client(endpoint_url=sqs_server.endpoint_url, region_name="us-east-1")
            remote.create_queue(QueueName="reachable")
            assert [q.name for q in sqs_server.queues()] == ["reachable"]
            aws = client(
                endpoint_url="https://sqs.eu-west-1.amazonaws.com", region_name="eu-west-1"
            )
            with pytest.raises(UnmockedRequestError) as info:
                aws.list_queues()
            assert str(info.value) == {UNMOCKED.format(url="https://sqs.eu-west-1.amazonaws.com/")!r}
            assert [c.action for c in sqs_server.calls] == ["CreateQueue"]
        """
    )
    result = run.runpytest()
    result.stdout.fnmatch_lines(["pytest-sqs: *, block_unmocked=on"])
    result.assert_outcomes(passed=1)


# -- python -m pytest_sqs serve -------------------------------------------------------

BANNER = re.compile(
    r"pytest-sqs: serving SQS at (http://127\.0\.0\.1:(\d+)) \(region (\S+), account (\d+), "
    r"(wall|manual) clock\); admin API at \1/_pytest_sqs/; Ctrl-C stops\.\n\Z"
)


class Served:
    def __init__(self, process: subprocess.Popen[str], match: re.Match[str]) -> None:
        self.process = process
        self.url = match.group(1)
        self.port = int(match.group(2))
        self.region, self.account, self.clock = match.group(3, 4, 5)

    def client(self, **options: Any) -> Any:
        return boto3.session.Session().client(
            "sqs",
            endpoint_url=self.url,
            region_name=options.pop("region_name", self.region),
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            **options,
        )

    def stop(self, signum: int) -> tuple[int, str, str]:
        self.process.send_signal(signum)
        out, err = self.process.communicate(timeout=10)
        return self.process.returncode, out, err


def _first_line(process: subprocess.Popen[str], timeout: float = 15) -> str:
    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout):
            raise AssertionError(f"no output from the server within {timeout} s")
    return process.stdout.readline()


@pytest.fixture
def serve() -> Iterator[Any]:
    """Start ``python -m pytest_sqs serve --port 0 ...``; killed at the end if still running."""
    started: list[subprocess.Popen[str]] = []

    def start(*args: str) -> Served:
        process = subprocess.Popen(
            [sys.executable, "-m", "pytest_sqs", "serve", "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        started.append(process)
        line = _first_line(process)
        match = BANNER.match(line)
        assert match, line
        return Served(process, match)

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=10)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_the_cli_serves_until_a_signal(serve: Any, signum: int) -> None:
    served = serve()
    assert (served.region, served.account, served.clock) == ("us-east-1", ACCOUNT, "wall")
    sqs = served.client()
    url = sqs.create_queue(QueueName="cli")["QueueUrl"]
    assert url == f"{served.url}/{ACCOUNT}/cli"
    sent = sqs.send_message(QueueUrl=url, MessageBody="over the cli")
    [message] = sqs.receive_message(QueueUrl=url)["Messages"]
    assert (message["MessageId"], message["Body"]) == (sent["MessageId"], "over the cli")
    admin = AdminClient(served.url)
    assert admin.health() == {"status": "ok", "region": "us-east-1", "account_id": ACCOUNT}
    assert [c["action"] for c in admin.calls()] == ["CreateQueue", "SendMessage", "ReceiveMessage"]

    assert served.stop(signum) == (0, "pytest-sqs: stopped.\n", "")
    assert refused(served.port)


def test_the_cli_stops_while_a_long_poll_waits(serve: Any) -> None:
    served = serve()
    sqs = served.client()
    url = sqs.create_queue(QueueName="waiting")["QueueUrl"]
    outcome: list[Any] = []

    def long_poll() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=10)
        try:
            connection.request(
                "POST",
                "/",
                body=f'{{"QueueUrl": "{url}", "WaitTimeSeconds": 20}}'.encode(),
                headers={
                    "Content-Type": "application/x-amz-json-1.0",
                    "X-Amz-Target": "AmazonSQS.ReceiveMessage",
                },
            )
            outcome.append(connection.getresponse().status)
        except (ConnectionError, http.client.HTTPException) as error:
            outcome.append(type(error))
        finally:
            connection.close()

    waiter = threading.Thread(target=long_poll)
    waiter.start()
    time.sleep(0.3)  # the long poll is waiting, in real time, in the server
    started = time.monotonic()
    assert served.stop(signal.SIGINT) == (0, "pytest-sqs: stopped.\n", "")
    assert time.monotonic() - started < 2
    waiter.join(5)
    assert not waiter.is_alive()
    assert outcome == [http.client.RemoteDisconnected]  # no answer: the process is gone


def test_the_cli_with_a_manual_clock_moved_by_the_admin_api(serve: Any) -> None:
    served = serve(
        "--clock", "manual", "--region", "eu-west-1", "--account-id", "210987654321", "--seed", "3"
    )
    assert (served.region, served.account, served.clock) == ("eu-west-1", "210987654321", "manual")
    admin = AdminClient(served.url)
    assert admin.health() == {"status": "ok", "region": "eu-west-1", "account_id": "210987654321"}
    now = admin.now()
    sqs = served.client()
    url = sqs.create_queue(QueueName="reminders")["QueueUrl"]
    assert url == f"{served.url}/210987654321/reminders"
    sent = sqs.send_message(QueueUrl=url, MessageBody="in a minute", DelaySeconds=60)
    assert "Messages" not in sqs.receive_message(QueueUrl=url)
    assert admin.now() == now  # stands still
    assert admin.queue("reminders")["delayed"] == 1
    assert admin.next_event_at() == now + timedelta(seconds=60)
    assert admin.advance(60) == now + timedelta(seconds=60)
    [message] = sqs.receive_message(QueueUrl=url)["Messages"]
    assert message["MessageId"] == sent["MessageId"]
    assert admin.history("reminders", sent["MessageId"])[-1]["event"] == "received"
    assert served.stop(signal.SIGINT)[0] == 0


def test_the_cli_exits_1_when_the_port_is_taken() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "pytest_sqs", "serve", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == (
        f"pytest-sqs: cannot listen on 127.0.0.1:{port}: [Errno {errno.EADDRINUSE}] "
        f"{os.strerror(errno.EADDRINUSE)}\n"
    )


def test_the_cli_refuses_an_unknown_clock() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pytest_sqs", "serve", "--clock", "bogus"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert "argument --clock: invalid choice: 'bogus'" in done.stderr
