"""Chaos mode's transient errors: what SQS sends, retried (or not) by botocore's own retry
modes, waited for in simulated time, at the rate asked, replayed by the seed."""

from __future__ import annotations

import contextlib
import warnings
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.sqs.models import sqs_backends
from test_chaos import _within

from pytest_sqs import Chaos, MockSQS, SQSServer, mock_sqs

# The modes' total attempts by default (legacy is botocore's default mode).
ATTEMPTS = {"legacy": 5, "standard": 3}


def _client(mode: str = "legacy", attempts: int | None = None, **options: Any) -> Any:
    retries: dict[str, Any] = {"mode": mode}
    if attempts is not None:
        retries["total_max_attempts"] = attempts
    return boto3.client("sqs", region_name="us-east-1", config=Config(retries=retries), **options)


def _failing(*codes: str, rate: float = 1.0, **settings: Any) -> Chaos:
    return Chaos(seed=5, errors=rate, error_codes=codes, **settings)


@pytest.mark.parametrize("mode", ["legacy", "standard"])
def test_a_throttled_call_is_retried_until_its_attempts_run_out_and_changes_nothing(
    mode: str,
) -> None:
    with mock_sqs(clock="manual") as sqs:
        client = _client(mode)
        url = client.create_queue(QueueName="q")["QueueUrl"]
        before = sqs.clock.now()
        with sqs.chaos_on(_failing("RequestThrottled")), pytest.raises(ClientError) as caught:
            client.send_message(QueueUrl=url, MessageBody="lost")
        response = caught.value.response
        assert isinstance(caught.value, client.exceptions.RequestThrottled)
        assert response["Error"] == {
            "Code": "RequestThrottled",
            "QueryErrorCode": "RequestThrottled",
            "Message": "Request is throttled.",
            "Type": "Sender",
        }
        metadata = response["ResponseMetadata"]
        assert metadata["HTTPStatusCode"] == 403
        assert metadata["RetryAttempts"] == ATTEMPTS[mode] - 1
        assert metadata["MaxAttemptsReached"] is True
        attempts = sqs.calls_to("SendMessage")
        assert [call.error for call in attempts] == ["RequestThrottled"] * ATTEMPTS[mode]
        assert len({call.at for call in attempts}) == ATTEMPTS[mode]  # waited between them
        # botocore's backoff, in simulated time: below 1 + 2 + 4 + 8 s (legacy), 1 + 2 s.
        waited = sqs.clock.now() - before
        assert 0 < waited < {"legacy": 15, "standard": 3}[mode]
        assert sqs.queue("q").messages == ()
        assert sqs.chaos_faults == ATTEMPTS[mode]


TRANSIENT = [
    # code, status, type, message, exception class, retried by legacy and standard
    ("RequestThrottled", 403, "Sender", "Request is throttled.", "RequestThrottled", True),
    (
        "ServiceUnavailable",
        503,
        "Receiver",
        "The request has failed due to a temporary failure of the server.",
        "ClientError",
        True,
    ),
    (
        "InternalError",
        500,
        "Receiver",
        "We encountered an internal error. Please try again.",
        "ClientError",
        True,
    ),
    ("KMS.ThrottlingException", 400, "Sender", "Rate exceeded", "KmsThrottled", False),
]


@pytest.mark.parametrize("mode", ["legacy", "standard"])
@pytest.mark.parametrize(
    ("code", "status", "fault", "message", "exception", "retried"),
    TRANSIENT,
    ids=[row[0] for row in TRANSIENT],
)
def test_each_transient_error_is_sqss_and_retried_as_botocore_decides(
    mode: str, code: str, status: int, fault: str, message: str, exception: str, retried: bool
) -> None:
    with mock_sqs(clock="manual", chaos=_failing(code)) as sqs:
        client = _client(mode)
        with pytest.raises(ClientError) as caught:
            client.receive_message(QueueUrl=f"{sqs.account_id}/q")
        response = caught.value.response
        assert type(caught.value).__name__ == exception
        assert response["Error"]["Code"] == code
        assert response["Error"]["Message"] == message
        assert response["Error"]["Type"] == fault
        assert response["ResponseMetadata"]["HTTPStatusCode"] == status
        expected = ATTEMPTS[mode] - 1 if retried else 0
        assert response["ResponseMetadata"]["RetryAttempts"] == expected


def _retries_of_each_send(sqs: MockSQS) -> list[int]:
    """From the record of attempts: how many failed before each send that got through."""
    retries, failed = [], 0
    for call in sqs.calls_to("SendMessage"):
        if call.error is None:
            retries.append(failed)
            failed = 0
        else:
            failed += 1
    return retries


@pytest.mark.parametrize("fifo", [False, True], ids=["standard", "fifo"])
def test_retried_calls_get_through_and_act_once(fifo: bool) -> None:
    name = "q.fifo" if fifo else "q"
    attributes = {"FifoQueue": "true", "ContentBasedDeduplication": "true"} if fifo else {}
    with mock_sqs(clock="manual", chaos=_failing(*Chaos().error_codes, rate=0.3)) as sqs:
        client = _client("standard", attempts=20)
        with sqs.chaos_off():
            url = client.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        group = {"MessageGroupId": "g"} if fifo else {}
        reported = []
        for n in range(300):
            sent = client.send_message(QueueUrl=url, MessageBody=f"{n:03}", **group)
            reported.append(sent["ResponseMetadata"]["RetryAttempts"])
        assert reported == _retries_of_each_send(sqs)
        assert sum(reported) > 50  # plenty of retries, and each send acted once:
        received = []
        while True:
            got = client.receive_message(
                QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1
            ).get("Messages", [])
            if not got:
                break
            for message in got:
                received.append(message["Body"])
                client.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        expected = [f"{n:03}" for n in range(300)]
        assert (received if fifo else sorted(received)) == expected


def test_transient_errors_happen_at_the_rate_asked_each_code_evenly() -> None:
    n = 3000
    with mock_sqs(clock="manual", chaos=_failing(*Chaos().error_codes, rate=0.2)) as sqs:
        client = _client("standard", attempts=1)  # no retries: one attempt per call
        for _ in range(n):
            with contextlib.suppress(ClientError):
                client.list_queues()
        codes = [call.error for call in sqs.calls]
        assert len(codes) == n
        _within(n - codes.count(None), n, 0.2)
        for code in ("RequestThrottled", "ServiceUnavailable", "InternalError"):
            _within(codes.count(code), n, 0.2 / 3)
        assert sqs.chaos_faults == n - codes.count(None)


def _attempts(seed: int) -> list[tuple[str, str | None]]:
    with mock_sqs(clock="manual", chaos=Chaos(seed=seed, errors=0.4)) as sqs:
        client = _client()
        url = client.create_queue(QueueName="q")["QueueUrl"]
        for n in range(40):
            with contextlib.suppress(ClientError):
                client.send_message(QueueUrl=url, MessageBody=str(n))
            with contextlib.suppress(ClientError):
                client.receive_message(QueueUrl=url)
        return [(call.action, call.error) for call in sqs.calls]


def test_the_same_seed_replays_the_same_errors() -> None:
    first = _attempts(9)
    assert first == _attempts(9)
    assert first != _attempts(10)
    assert {error for _, error in first} > {None}


def test_errors_only_on_the_actions_and_queues_chosen() -> None:
    chaos = _failing("InternalError", error_actions={"SendMessage"}, queues={"a"})
    with mock_sqs(clock="manual", chaos=chaos) as sqs:
        client = _client(attempts=2)
        a = client.create_queue(QueueName="a")["QueueUrl"]
        b = client.create_queue(QueueName="b")["QueueUrl"]
        client.list_queues()  # names no queue: only errors for every queue reach it
        client.send_message(QueueUrl=b, MessageBody="b")
        assert client.receive_message(QueueUrl=b)["Messages"][0]["Body"] == "b"
        client.receive_message(QueueUrl=a)
        with pytest.raises(ClientError, match="InternalError"):
            client.send_message(QueueUrl=a, MessageBody="a")
        assert [call.action for call in sqs.calls if call.error] == ["SendMessage"] * 2


@pytest.mark.parametrize(
    ("chaos", "message"),
    [
        ({"errors": 1.5}, "chaos errors must be a probability from 0 to 1, not 1.5"),
        (
            {"error_codes": ["Throttling"]},
            "chaos error_codes: 'Throttling' is not one of InternalError, "
            "KMS.ThrottlingException, RequestThrottled, ServiceUnavailable",
        ),
        ({"error_codes": []}, "chaos error_codes must name at least one error"),
        ({"error_actions": "Send"}, "chaos error_actions: 'Send' is not one of AddPermission,"),
    ],
)
def test_bad_error_settings_are_refused(chaos: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError) as refused:
        Chaos(**chaos)
    assert str(refused.value).startswith(message)


def test_one_action_given_as_a_string() -> None:
    assert Chaos(error_actions="SendMessage").error_actions == frozenset({"SendMessage"})  # type: ignore[arg-type]
    assert Chaos(error_codes="InternalError").error_codes == ("InternalError",)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("long_poll", "moves"), [("fast-forward", True), ("off", False)], ids=["ff", "off"]
)
def test_the_wait_between_attempts_is_simulated_time(long_poll: str, moves: bool) -> None:
    with mock_sqs(clock="manual", long_poll=long_poll) as sqs:
        client = _client()
        url = client.create_queue(QueueName="q")["QueueUrl"]
        client.send_message(QueueUrl=url, MessageBody="m")
        client.receive_message(QueueUrl=url, VisibilityTimeout=1)
        before = sqs.clock.now()
        with sqs.chaos_on(_failing("ServiceUnavailable")), pytest.raises(ClientError):
            client.get_queue_url(QueueName="q")
        waited = sqs.clock.now() - before
        assert (waited > 0) is moves
        # The backoff is time like any other: a visibility timeout can end in it.
        assert len(sqs.queue("q").visible) == (waited >= 1)


def test_chaos_blocks_bound_the_errors() -> None:
    with mock_sqs(clock="manual") as sqs:
        client = _client(attempts=1)
        with sqs.chaos_on(_failing("InternalError")):
            with pytest.raises(ClientError):
                client.list_queues()
            with sqs.chaos_off():
                client.list_queues()
        client.list_queues()
        assert [call.error for call in sqs.calls] == ["InternalError", None, None]


def test_with_moto_active_the_retried_calls_are_still_ours() -> None:
    with mock_aws(), mock_sqs(clock="manual", chaos=_failing("InternalError", rate=0.5)) as sqs:
        client = _client(attempts=10)
        url = client.create_queue(QueueName="ours")["QueueUrl"]
        client.send_message(QueueUrl=url, MessageBody="m")
        assert len(sqs.queue("ours").visible) == 1
        assert any(call.error for call in sqs.calls)
        assert sqs_backends[sqs.account_id]["us-east-1"].queues == {}


def test_errors_and_faults_through_the_server() -> None:
    chaos = Chaos(seed=3, duplicate=1.0, errors=1.0, error_codes=("KMS.ThrottlingException",))
    with SQSServer(clock="manual", chaos=chaos) as server:
        client = server.client(config=Config(retries={"mode": "standard"}))
        with server.chaos_off():
            url = client.create_queue(QueueName="q")["QueueUrl"]
        with pytest.raises(client.exceptions.KmsThrottled) as caught:
            client.send_message(QueueUrl=url, MessageBody="m")
        assert caught.value.response["ResponseMetadata"]["RetryAttempts"] == 0
        assert server.queue("q").messages == ()
        with server.chaos_on(Chaos(seed=4, duplicate=1.0)):
            client.send_message(QueueUrl=url, MessageBody="m")
            handle = client.receive_message(QueueUrl=url)["Messages"][0]["ReceiptHandle"]
            client.delete_message(QueueUrl=url, ReceiptHandle=handle)  # lost (chaos)
            assert len(server.queue("q").visible) == 1
        assert [call.error for call in server.calls_to("SendMessage")] == [
            "KMS.ThrottlingException",
            None,
        ]


def test_a_server_client_retries_in_real_time() -> None:
    chaos = Chaos(seed=3, errors=1.0, error_codes=("InternalError",))
    with SQSServer(clock="manual", chaos=chaos) as server:
        client = server.client(config=Config(retries={"mode": "standard", "total_max_attempts": 2}))
        start = server.clock.now()
        with pytest.raises(ClientError) as caught:
            client.list_queues()
        assert server.clock.now() == start  # the client waited in its own time
        assert caught.value.response["Error"]["Code"] == "InternalError"
        assert caught.value.response["ResponseMetadata"]["RetryAttempts"] == 1
        assert len(server.calls) == 2


def test_a_client_in_adaptive_mode_is_warned_about_its_real_time_rate_limiter() -> None:
    with mock_sqs(clock="manual", chaos=_failing("RequestThrottled")):
        client = _client("adaptive", attempts=1)  # one attempt: no real-time wait here
        with pytest.warns(UserWarning, match="retry mode is 'adaptive'") as warned:
            for _ in range(2):
                with pytest.raises(ClientError, match="RequestThrottled"):
                    client.list_queues()
        assert len(warned) == 1  # once per client
    with mock_sqs(clock="manual", chaos=_failing("InternalError")):
        client = _client("adaptive", attempts=1)  # the limiter only slows for throttling
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            with pytest.raises(ClientError, match="InternalError"):
                client.list_queues()


class _Interrupt(BaseException):
    """Ends a call the way a cancellation or a timeout does: no after-call-error."""


def test_an_interrupted_call_leaves_nothing_to_answer_later_calls() -> None:
    with mock_sqs(clock="manual", chaos=_failing("InternalError", rate=0.5)):
        client = _client(attempts=10)

        def interrupt(**_: Any) -> None:
            raise _Interrupt

        client.meta.events.register("after-call.sqs.ListQueues", interrupt)
        with pytest.raises(_Interrupt):
            client.list_queues()
    with mock_aws():  # the next SQS calls in this thread reach the HTTP layer: moto's
        motos = _client()
        url = motos.create_queue(QueueName="motos")["QueueUrl"]
        assert motos.list_queues()["QueueUrls"] == [url]
