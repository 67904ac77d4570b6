"""aiobotocore clients served in-process: the same answers as boto3, long polls that wait
on the event loop, the fixtures and mock_sqs in asyncio tests (pytest-asyncio, anyio)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable, Generator
from contextlib import asynccontextmanager
from datetime import datetime, timezone
from typing import Any

import boto3
import botocore.session
import pytest
from aiobotocore.session import get_session
from botocore.exceptions import ClientError

import pytest_sqs
from pytest_sqs import Chaos, MockSQS, QueueView, SQSServer, _aio, mock_sqs
from pytest_sqs._core.actions import load

pytestmark = [
    pytest.mark.asyncio,
    # A task left pending at the end of a test would surface as an unraisable exception.
    pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning"),
]


@asynccontextmanager
async def aio_client(region: str = "us-east-1", **options: Any) -> AsyncIterator[Any]:
    async with get_session().create_client("sqs", region_name=region, **options) as client:
        yield client


class Ticker:
    """A task that counts how often it runs, every ``interval`` seconds (0: every turn
    of the event loop): proof that the loop kept running."""

    def __init__(self, interval: float = 0) -> None:
        self.ticks = 0
        self.interval = interval
        self.task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while True:
            self.ticks += 1
            await asyncio.sleep(self.interval)


async def turns_until(condition: Callable[[], object], turns: int = 2000) -> None:
    """Let the other tasks run until ``condition()`` holds (event-loop turns, not time)."""
    for _ in range(turns):
        if condition():
            return
        await asyncio.sleep(0)
    raise AssertionError(f"not true after {turns} event-loop turns")


def _protocol(client: Any) -> str:
    model = client.meta.service_model
    return getattr(model, "resolved_protocol", None) or model.protocol  # type: ignore[no-any-return]


# -- the same answers as the sync path -----------------------------------------------

Step = tuple[str, dict[str, Any]]


def _script() -> Generator[Step, dict[str, Any], None]:
    """Every SQS action, good and bad input; each step sees the previous answer."""
    standard = (yield "CreateQueue", {"QueueName": "orders", "tags": {"team": "a"}})["QueueUrl"]
    dead = (yield "CreateQueue", {"QueueName": "orders-dlq"})["QueueUrl"]
    dead_arn = (yield "GetQueueAttributes", {"QueueUrl": dead, "AttributeNames": ["All"]})[
        "Attributes"
    ]["QueueArn"]
    yield "CreateQueue", {"QueueName": "orders", "Attributes": {"DelaySeconds": "5"}}
    policy = f'{{"deadLetterTargetArn":"{dead_arn}","maxReceiveCount":1}}'
    yield "SetQueueAttributes", {"QueueUrl": standard, "Attributes": {"RedrivePolicy": policy}}
    yield "SetQueueAttributes", {"QueueUrl": standard, "Attributes": {"Nope": "1"}}
    yield "GetQueueUrl", {"QueueName": "orders"}
    yield "GetQueueUrl", {"QueueName": "missing"}
    yield "ListQueues", {"QueueNamePrefix": "ord", "MaxResults": 1}
    yield "TagQueue", {"QueueUrl": standard, "Tags": {"env": "test"}}
    yield "UntagQueue", {"QueueUrl": standard, "TagKeys": ["team"]}
    yield "ListQueueTags", {"QueueUrl": standard}
    yield (
        "AddPermission",
        {
            "QueueUrl": standard,
            "Label": "p",
            "AWSAccountIds": ["111122223333"],
            "Actions": ["SendMessage"],
        },
    )
    yield "RemovePermission", {"QueueUrl": standard, "Label": "p"}
    yield (
        "SendMessage",
        {
            "QueueUrl": standard,
            "MessageBody": "one",
            "MessageAttributes": {
                "kind": {"DataType": "String", "StringValue": "order"},
                "blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01"},
            },
            "MessageSystemAttributes": {
                "AWSTraceHeader": {"DataType": "String", "StringValue": "Root=1-5759e988-bd862e3f"}
            },
        },
    )
    yield "SendMessage", {"QueueUrl": standard, "MessageBody": ""}
    yield (
        "SendMessageBatch",
        {
            "QueueUrl": standard,
            "Entries": [
                {"Id": "a", "MessageBody": "two", "DelaySeconds": 3},
                {"Id": "b", "MessageBody": "three"},
                {"Id": "c", "MessageBody": "x", "DelaySeconds": 901},
            ],
        },
    )
    yield "SendMessageBatch", {"QueueUrl": standard, "Entries": []}
    received = yield (
        "ReceiveMessage",
        {
            "QueueUrl": standard,
            "MaxNumberOfMessages": 10,
            "WaitTimeSeconds": 20,  # the first message is ready only after the delay
            "AttributeNames": ["All"],  # (botocore < 1.34.80: no MessageSystemAttributeNames)
            "MessageAttributeNames": ["All"],
        },
    )
    handles = [m["ReceiptHandle"] for m in received["Messages"]]
    yield (
        "ChangeMessageVisibility",
        {
            "QueueUrl": standard,
            "ReceiptHandle": handles[0],
            "VisibilityTimeout": 0,
        },
    )
    yield (
        "ChangeMessageVisibility",
        {
            "QueueUrl": standard,
            "ReceiptHandle": "bad",
            "VisibilityTimeout": 5,
        },
    )
    yield (
        "ChangeMessageVisibilityBatch",
        {
            "QueueUrl": standard,
            "Entries": [
                {"Id": "x", "ReceiptHandle": handles[-1], "VisibilityTimeout": 60},
                {"Id": "y", "ReceiptHandle": "bad", "VisibilityTimeout": 60},
            ],
        },
    )
    yield "ReceiveMessage", {"QueueUrl": standard, "WaitTimeSeconds": 2}  # to the DLQ
    yield "DeleteMessage", {"QueueUrl": standard, "ReceiptHandle": handles[-1]}
    yield (
        "DeleteMessageBatch",
        {
            "QueueUrl": standard,
            "Entries": [
                {"Id": "x", "ReceiptHandle": handles[-1]},
                {"Id": "x", "ReceiptHandle": "z"},
            ],
        },
    )
    yield "ListDeadLetterSourceQueues", {"QueueUrl": dead}
    yield "StartMessageMoveTask", {"SourceArn": dead_arn}
    yield "ListMessageMoveTasks", {"SourceArn": dead_arn}
    yield "CancelMessageMoveTask", {"TaskHandle": "nope"}
    fifo = (yield "CreateQueue", {"QueueName": "o.fifo", "Attributes": {"FifoQueue": "true"}})[
        "QueueUrl"
    ]
    yield "SendMessage", {"QueueUrl": fifo, "MessageBody": "f"}
    for body in ("f1", "f2", "f1"):
        yield (
            "SendMessage",
            {
                "QueueUrl": fifo,
                "MessageBody": body,
                "MessageGroupId": "g",
                "MessageDeduplicationId": body,
            },
        )
    yield (
        "ReceiveMessage",
        {
            "QueueUrl": fifo,
            "MaxNumberOfMessages": 10,
            "ReceiveRequestAttemptId": "attempt-1",
            "AttributeNames": ["All"],
        },
    )
    yield "ReceiveMessage", {"QueueUrl": fifo, "ReceiveRequestAttemptId": "attempt-1"}
    yield "PurgeQueue", {"QueueUrl": standard}
    yield "PurgeQueue", {"QueueUrl": standard}
    yield "ReceiveMessage", {"QueueUrl": standard, "WaitTimeSeconds": 21}
    yield "DeleteQueue", {"QueueUrl": fifo}
    yield "DeleteQueue", {"QueueUrl": fifo}


def _snake(action: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in action).lstrip("_")


def _run_sync(chaos: Chaos | None = None) -> tuple[list[dict[str, Any]], float, set[str]]:
    with mock_sqs(clock="manual", start=1_800_000_000, seed=11, chaos=chaos) as sqs:
        client = boto3.client("sqs", region_name="eu-west-1")
        answers: list[dict[str, Any]] = []
        script = _script()
        step = next(script)
        while True:
            try:
                answer = getattr(client, _snake(step[0]))(**step[1])
            except ClientError as error:
                answer = {"error": type(error).__name__, **error.response}
            answers.append(answer)
            try:
                step = script.send(answer)
            except StopIteration:
                return answers, sqs.clock.now(), {call.action for call in sqs.calls}


async def _run_async(chaos: Chaos | None = None) -> tuple[list[dict[str, Any]], float]:
    async with (
        mock_sqs(clock="manual", start=1_800_000_000, seed=11, chaos=chaos) as sqs,
        aio_client("eu-west-1") as client,
    ):
        answers: list[dict[str, Any]] = []
        script = _script()
        step = next(script)
        while True:
            try:
                answer = await getattr(client, _snake(step[0]))(**step[1])
            except ClientError as error:
                answer = {"error": type(error).__name__, **error.response}
            answers.append(answer)
            try:
                step = script.send(answer)
            except StopIteration:
                return answers, sqs.clock.now()


async def test_every_action_answers_as_on_the_sync_path() -> None:
    sync_answers, sync_end, actions = _run_sync()
    async_answers, async_end = await _run_async()
    assert len(async_answers) == len(sync_answers) > 40
    for number, (got, expected) in enumerate(zip(async_answers, sync_answers, strict=True)):
        assert got == expected, f"step {number}"
    assert async_end == sync_end  # the long polls fast-forwarded the same way
    assert actions == set(load())  # every action the simulator implements
    errors = {answer["error"] for answer in sync_answers if "error" in answer}
    # The modelled exception classes, as botocore builds them for the installed version.
    assert {"QueueDoesNotExist", "InvalidAttributeName", "ReceiptHandleIsInvalid"} <= errors


def _without_content_length(answers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Answers as compared across paths: the parsed path's headers carry no length."""
    for answer in answers:
        answer["ResponseMetadata"]["HTTPHeaders"].pop("content-length", None)
    return answers


# Chaos that may fail any call but, with this seed, never does: every call is answered
# at before-send, on the wire, and parsed by botocore.
ON_THE_WIRE = Chaos(seed=1, errors=1e-12)


async def test_calls_answered_on_the_wire_answer_as_parsed_ones() -> None:
    parsed, parsed_end, _ = _run_sync()
    wire, wire_end, _ = _run_sync(ON_THE_WIRE)
    async_wire, async_end = await _run_async(ON_THE_WIRE)
    expected = _without_content_length(parsed)
    model = botocore.session.get_session().get_service_model("sqs")
    if (getattr(model, "resolved_protocol", None) or model.protocol) == "json":
        for answers in (wire, async_wire):  # only JSON bytes on the wire give their length
            assert all("content-length" in a["ResponseMetadata"]["HTTPHeaders"] for a in answers)
    for got in (_without_content_length(wire), _without_content_length(async_wire)):
        assert len(got) == len(expected)
        for number, (answer, reference) in enumerate(zip(got, expected, strict=True)):
            assert answer == reference, f"step {number}"
    assert parsed_end == wire_end == async_end


async def test_errors_are_the_clients_exception_classes() -> None:
    async with mock_sqs(), aio_client() as client:
        with pytest.raises(client.exceptions.QueueDoesNotExist) as missing:
            await client.get_queue_url(QueueName="missing")
        if _protocol(client) == "json":
            assert missing.value.response["Error"] == {
                "Code": "AWS.SimpleQueueService.NonExistentQueue",
                "QueryErrorCode": "QueueDoesNotExist",
                "Message": "The specified queue does not exist.",
                "Type": "Sender",
            }
        else:  # botocore from before SQS's JSON protocol, as real SQS answered it then
            assert missing.value.response["Error"] == {
                "Code": "AWS.SimpleQueueService.NonExistentQueue",
                "Message": "The specified queue does not exist for this wsdl version.",
                "Type": "Sender",
                "Detail": None,
            }
        assert missing.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
        url = (await client.create_queue(QueueName="q"))["QueueUrl"]
        with pytest.raises(client.exceptions.EmptyBatchRequest):
            await client.send_message_batch(QueueUrl=url, Entries=[])
        with pytest.raises(client.exceptions.ReceiptHandleIsInvalid):
            await client.delete_message(QueueUrl=url, ReceiptHandle="nonsense")
        await client.purge_queue(QueueUrl=url)
        with pytest.raises(client.exceptions.PurgeQueueInProgress):
            await client.purge_queue(QueueUrl=url)
        with pytest.raises(ClientError) as bad:
            await client.receive_message(QueueUrl=url, WaitTimeSeconds=21)
        assert bad.value.response["Error"]["Code"] == "InvalidParameterValue"


# -- long polls ------------------------------------------------------------------------


async def test_a_lone_task_jumps_the_clock_like_sync_code() -> None:
    loop = asyncio.get_running_loop()
    async with mock_sqs(clock="manual") as sqs, aio_client() as client:
        url = (await client.create_queue(QueueName="q"))["QueueUrl"]
        await client.send_message(QueueUrl=url, MessageBody="later", DelaySeconds=7)
        start, real_start = sqs.clock.now(), loop.time()
        answer = await client.receive_message(QueueUrl=url, WaitTimeSeconds=20)
        assert [m["Body"] for m in answer["Messages"]] == ["later"]
        assert sqs.clock.now() - start == 7  # the moment the delay ended
        empty = await client.receive_message(QueueUrl=url, WaitTimeSeconds=20)
        assert "Messages" not in empty
        assert sqs.clock.now() - start == 27
        assert loop.time() - real_start < 5  # 27 simulated seconds, no real waiting


async def test_the_queues_default_wait_applies() -> None:
    async with mock_sqs(clock="manual") as sqs, aio_client() as client:
        url = (
            await client.create_queue(
                QueueName="q", Attributes={"ReceiveMessageWaitTimeSeconds": "12"}
            )
        )["QueueUrl"]
        start = sqs.clock.now()
        assert "Messages" not in await client.receive_message(QueueUrl=url)
        assert sqs.clock.now() - start == 12


async def test_a_long_poll_is_woken_by_a_send_from_another_task() -> None:
    async with mock_sqs(clock="manual") as sqs, aio_client() as client:
        url = (await client.create_queue(QueueName="q"))["QueueUrl"]
        start = sqs.clock.now()

        turns = Ticker()
        consumer = asyncio.create_task(client.receive_message(QueueUrl=url, WaitTimeSeconds=20))
        await asyncio.sleep(0)  # the consumer starts its poll first
        await asyncio.sleep(0)
        await client.send_message(QueueUrl=url, MessageBody="hello")
        sent_at = turns.ticks
        answer = await consumer
        woken_after = turns.ticks - sent_at
        turns.task.cancel()
        assert [m["Body"] for m in answer["Messages"]] == ["hello"]
        assert sqs.clock.now() == start  # the clock did not jump
        # Woken by the send, not at the end of the turns a poll gives other tasks.
        assert woken_after < _aio.YIELD_ROUNDS // 2
        assert sqs.simulator._wakers == []


async def test_with_other_tasks_idle_the_clock_still_jumps() -> None:
    async with mock_sqs(clock="manual") as sqs, aio_client() as client:
        url = (await client.create_queue(QueueName="q"))["QueueUrl"]
        idle = asyncio.Event()
        bystander = asyncio.create_task(idle.wait())
        start = sqs.clock.now()
        assert "Messages" not in await client.receive_message(QueueUrl=url, WaitTimeSeconds=20)
        assert sqs.clock.now() - start == 20
        idle.set()
        await bystander


async def test_long_polls_off_return_at_once() -> None:
    async with mock_sqs(clock="manual", long_poll="off") as sqs, aio_client() as client:
        url = (await client.create_queue(QueueName="q"))["QueueUrl"]
        start = sqs.clock.now()
        assert "Messages" not in await client.receive_message(QueueUrl=url, WaitTimeSeconds=20)
        assert sqs.clock.now() == start


async def test_a_real_long_poll_does_not_block_the_event_loop() -> None:
    loop = asyncio.get_running_loop()
    async with mock_sqs(long_poll="real"), aio_client() as client:
        url = (await client.create_queue(QueueName="q"))["QueueUrl"]
        ticker = Ticker(0.01)
        started = loop.time()
        answer = await client.receive_message(QueueUrl=url, WaitTimeSeconds=1)
        waited = loop.time() - started
        ticker.task.cancel()
        assert "Messages" not in answer
        assert 0.9 < waited < 5  # the whole second, in real time
        assert ticker.ticks >= 10  # and the loop kept running meanwhile


async def test_a_real_long_poll_is_woken_by_a_send_from_another_thread() -> None:
    loop = asyncio.get_running_loop()
    async with mock_sqs(long_poll="real"), aio_client() as client:
        url = (await client.create_queue(QueueName="q"))["QueueUrl"]
        sender = boto3.client("sqs", region_name="us-east-1")
        thread = threading.Thread(
            target=lambda: sender.send_message(QueueUrl=url, MessageBody="from a thread")
        )
        started = loop.time()
        loop.call_later(0.05, thread.start)
        answer = await client.receive_message(QueueUrl=url, WaitTimeSeconds=20)
        thread.join()
        assert [m["Body"] for m in answer["Messages"]] == ["from a thread"]
        assert loop.time() - started < 10  # woken, not timed out


async def test_advance_wakes_a_real_long_poll_waiting_for_a_visibility_timeout() -> None:
    async with mock_sqs(clock="manual", long_poll="real") as sqs, aio_client() as client:
        url = (await client.create_queue(QueueName="q"))["QueueUrl"]
        await client.send_message(QueueUrl=url, MessageBody="job")
        first = await client.receive_message(QueueUrl=url, VisibilityTimeout=30)
        assert first["Messages"]
        poll = asyncio.create_task(client.receive_message(QueueUrl=url, WaitTimeSeconds=20))
        await turns_until(lambda: sqs.queue("q").in_flight)
        await asyncio.sleep(0)
        assert not poll.done()
        loop = asyncio.get_running_loop()
        started = loop.time()
        sqs.advance(31)
        again = await poll
        assert loop.time() - started < 5  # woken at once, not at the end of its 20 s
        assert again["Messages"][0]["MessageId"] == first["Messages"][0]["MessageId"]
        sqs.assert_redelivered("q", again["Messages"][0]["MessageId"])


@pytest.mark.parametrize("policy", ["real", "fast-forward"])
async def test_a_long_poll_cancelled_as_a_send_wakes_it_takes_nothing(policy: str) -> None:
    async with mock_sqs(long_poll=policy) as sqs, aio_client() as client:
        url = (await client.create_queue(QueueName="q"))["QueueUrl"]
        poll = asyncio.create_task(client.receive_message(QueueUrl=url, WaitTimeSeconds=20))
        for _ in range(3):
            await asyncio.sleep(0)
        assert not poll.done()
        await client.send_message(QueueUrl=url, MessageBody="still here")  # wakes the poll
        poll.cancel()  # before it runs again
        with pytest.raises(asyncio.CancelledError):
            await poll
        assert [m.body for m in sqs.queue("q").visible] == ["still here"]
        assert sqs.calls_to("ReceiveMessage") == []  # the cancelled call never answered
        assert sqs.simulator._wakers == []


async def test_stopping_the_mock_ends_a_waiting_long_poll() -> None:
    loop = asyncio.get_running_loop()
    mock = mock_sqs(long_poll="real").start()
    try:
        async with aio_client() as client:
            url = (await client.create_queue(QueueName="q"))["QueueUrl"]
            poll = asyncio.create_task(client.receive_message(QueueUrl=url, WaitTimeSeconds=20))
            for _ in range(5):
                await asyncio.sleep(0)
            started = loop.time()
    finally:
        mock.stop()
    answer = await poll
    assert "Messages" not in answer
    assert loop.time() - started < 5
    assert [call.action for call in mock.calls] == ["CreateQueue"]  # the poll is not kept


async def test_a_poll_woken_by_a_send_after_the_mock_stopped_takes_nothing() -> None:
    mock = mock_sqs(long_poll="real", seed=3).start()
    async with aio_client() as client:
        url = (await client.create_queue(QueueName="q"))["QueueUrl"]
        poll = asyncio.create_task(client.receive_message(QueueUrl=url, WaitTimeSeconds=20))
        for _ in range(3):
            await asyncio.sleep(0)
        simulator, queue = mock.simulator, mock.queue("q")
        await client.send_message(QueueUrl=url, MessageBody="sent last")  # wakes the poll...
        mock.stop()  # ...but the mock stops before it looks again
        mock.start()  # and a fresh run of the same mock begins
        try:
            assert "Messages" not in await poll
            assert mock.calls == []  # the old run's poll is not the new run's call
            assert mock.queues() == []
        finally:
            mock.stop()
    assert simulator._wakers == []
    assert [m.body for m in queue.visible] == ["sent last"]  # still there, untaken


async def test_the_fast_forward_deadline_holds_when_another_task_moves_the_clock() -> None:
    async with mock_sqs(clock="manual") as sqs, aio_client() as client:
        url = (await client.create_queue(QueueName="q"))["QueueUrl"]
        start = sqs.clock.now()

        async def traveller() -> None:
            await asyncio.sleep(0)
            sqs.advance(15)  # while the poll gives the other tasks their turns

        moving = asyncio.create_task(traveller())
        answer = await client.receive_message(QueueUrl=url, WaitTimeSeconds=20)
        await moving
        assert "Messages" not in answer
        assert sqs.clock.now() - start == 20  # the poll ended when it was due to, not later


async def test_seeded_ids_do_not_depend_on_the_polls_other_tasks() -> None:
    async def run(with_bystander: bool) -> list[str]:
        async with mock_sqs(clock="manual", seed=7), aio_client() as client:
            idle = asyncio.Event()
            bystander = asyncio.create_task(idle.wait()) if with_bystander else None
            url = (await client.create_queue(QueueName="q"))["QueueUrl"]
            polled = await client.receive_message(QueueUrl=url, WaitTimeSeconds=5)
            sent = await client.send_message(QueueUrl=url, MessageBody="x")
            idle.set()
            if bystander is not None:
                await bystander
            return [polled["ResponseMetadata"]["RequestId"], sent["MessageId"]]

    alone, beside_another = await run(False), await run(True)
    with mock_sqs(clock="manual", seed=7):
        client = boto3.client("sqs", region_name="us-east-1")
        url = client.create_queue(QueueName="q")["QueueUrl"]
        polled = client.receive_message(QueueUrl=url, WaitTimeSeconds=5)
        sent = client.send_message(QueueUrl=url, MessageBody="x")
    assert alone == beside_another == [polled["ResponseMetadata"]["RequestId"], sent["MessageId"]]


async def test_a_queue_deleted_during_a_poll_ends_it_as_in_a_thread() -> None:
    async with mock_sqs(long_poll="real") as sqs, aio_client() as client:
        url = (await client.create_queue(QueueName="q"))["QueueUrl"]
        poll = asyncio.create_task(client.receive_message(QueueUrl=url, WaitTimeSeconds=1))
        for _ in range(3):
            await asyncio.sleep(0)
        await client.delete_queue(QueueUrl=url)
        assert "Messages" not in await poll  # no error: the poll was already waiting
        assert sqs.queues() == []


async def test_a_poll_still_waiting_on_a_deleted_queue_leaves_its_successor_alone() -> None:
    start = datetime(2030, 1, 1, tzinfo=timezone.utc)
    async with (
        mock_sqs(long_poll="real", clock="manual", start=start) as sqs,
        aio_client() as client,
    ):
        url = (await client.create_queue(QueueName="q"))["QueueUrl"]
        await client.send_message(QueueUrl=url, MessageBody="later", DelaySeconds=900)
        poll = asyncio.create_task(client.receive_message(QueueUrl=url, WaitTimeSeconds=1))
        for _ in range(3):
            await asyncio.sleep(0)
        sqs.advance(30)
        await client.delete_queue(QueueUrl=url)
        sqs.advance(90)
        await client.create_queue(QueueName="q")  # a new queue of the name, at 120 s
        assert "Messages" not in await poll  # it ends now, on the deleted queue
        sqs.advance(300)
        view = sqs.queue("q")
        delayed = view.metrics("ApproximateNumberOfMessagesDelayed")
        assert [(p.at, p.sum) for p in delayed] == [(start, 1.0)]  # the old queue's minute
        empty = view.metrics("NumberOfEmptyReceives")
        assert {p.sum for p in empty} == {0.0}


# -- a consumer of several tasks ----------------------------------------------------------


async def _worker(
    client: Any, url: str, done: asyncio.Queue[str], failing: set[str], attempts: list[str]
) -> None:
    """Takes orders and handles them; an order in ``failing`` crashes the handler, so it
    is left in flight and comes back after the visibility timeout."""
    while True:
        answer = await client.receive_message(
            QueueUrl=url, MaxNumberOfMessages=5, WaitTimeSeconds=20
        )
        for message in answer.get("Messages", []):
            attempts.append(message["Body"])
            await asyncio.sleep(0)  # the handler's own awaits
            if message["Body"] in failing:
                continue
            await client.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
            await done.put(message["Body"])


@pytest.mark.sqs(clock="manual", long_poll="real")  # tasks wait until sends or advance()
async def test_a_consumer_of_three_tasks(
    sqs: MockSQS, sqs_queue_factory: Callable[..., QueueView]
) -> None:
    orders = sqs_queue_factory("orders", dlq=True, max_receive_count=2, VisibilityTimeout=30)
    done: asyncio.Queue[str] = asyncio.Queue()
    attempts: list[str] = []
    async with aio_client() as client:
        workers = [
            asyncio.create_task(_worker(client, orders.url, done, {"order-13"}, attempts))
            for _ in range(3)
        ]

        async def produce() -> None:
            for number in range(20):
                await client.send_message(QueueUrl=orders.url, MessageBody=f"order-{number}")
                await asyncio.sleep(0)

        await asyncio.gather(produce(), *(asyncio.sleep(0) for _ in range(3)))
        handled = [await asyncio.wait_for(done.get(), timeout=10) for _ in range(19)]
        assert sorted(handled) == sorted(f"order-{n}" for n in range(20) if n != 13)
        await turns_until(lambda: attempts.count("order-13") == 1)
        [poison] = orders.in_flight
        assert poison.body == "order-13" and poison.receive_count == 1

        sqs.advance(31)  # the visibility timeout ends: a waiting task gets it again
        await turns_until(lambda: attempts.count("order-13") == 2)
        sqs.advance(31)  # received twice already: the next receive moves it to the DLQ
        await turns_until(lambda: orders.dlq is not None and orders.dlq.bodies() == ["order-13"])
        for worker in workers:
            worker.cancel()
        await asyncio.gather(*workers, return_exceptions=True)

    assert orders.messages == ()
    assert done.empty()
    assert attempts.count("order-13") == 2
    assert len(attempts) == 21  # every other order was handled once
    sqs.assert_redelivered(orders.name, poison.message_id, times=1)


@pytest.mark.sqs(clock="manual", long_poll="real")
async def test_fifo_groups_stay_in_order_across_tasks(sqs_fifo_queue: QueueView) -> None:
    url = sqs_fifo_queue.url
    handled: list[tuple[str, str]] = []
    holding: set[str] = set()

    async def worker(client: Any) -> None:
        while True:
            answer = await client.receive_message(
                QueueUrl=url,
                MaxNumberOfMessages=2,
                WaitTimeSeconds=20,
                AttributeNames=["MessageGroupId"],  # (botocore < 1.34.80 has no System...)
            )
            messages = answer.get("Messages", [])
            groups = {m["Attributes"]["MessageGroupId"] for m in messages}
            assert not groups & holding, "a group was given out while another task held it"
            holding.update(groups)
            for message in messages:
                await asyncio.sleep(0)  # other tasks poll while this one holds the group
                await client.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
                handled.append((message["Attributes"]["MessageGroupId"], message["Body"]))
            holding.difference_update(groups)

    async with aio_client() as client:
        workers = [asyncio.create_task(worker(client)) for _ in range(3)]
        for number in range(12):
            group = "abc"[number % 3]
            await client.send_message(
                QueueUrl=url,
                MessageBody=f"{group}{number}",
                MessageGroupId=group,
                MessageDeduplicationId=str(number),
            )
        await turns_until(lambda: len(handled) == 12)
        assert not any(task.done() for task in workers)  # no assertion failed in a worker
        for worker_task in workers:
            worker_task.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
    for group in "abc":
        bodies = [body for g, body in handled if g == group]
        assert bodies == [f"{group}{n}" for n in range(12) if "abc"[n % 3] == group]
    assert sqs_fifo_queue.messages == ()


# -- mock_sqs, the fixtures and the marker in asyncio tests ------------------------------


@mock_sqs
async def test_mock_sqs_decorates_a_coroutine() -> None:
    async with aio_client() as client:
        await client.create_queue(QueueName="decorated")
        assert (await client.list_queues())["QueueUrls"][0].endswith("/decorated")


async def test_mock_sqs_as_an_async_context_manager(monkeypatch: pytest.MonkeyPatch) -> None:
    async with mock_sqs(region="eu-west-1") as sqs, aio_client("eu-west-1") as client:
        assert sqs.running
        url = (await client.create_queue(QueueName="q"))["QueueUrl"]
        assert url == "https://sqs.eu-west-1.amazonaws.com/123456789012/q"
    assert not sqs.running
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # no credentials lookup
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "x")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "y")
    async with aio_client("eu-west-1") as client:
        with pytest.raises(pytest_sqs.UnmockedRequestError):
            await client.list_queues()  # the mock is off again


async def test_the_fixtures_in_an_asyncio_test(
    sqs: MockSQS, sqs_client: Any, sqs_queue: QueueView
) -> None:
    sqs_client.send_message(QueueUrl=sqs_queue.url, MessageBody="sync client")
    async with aio_client(sqs.region) as client:
        await client.send_message(QueueUrl=sqs_queue.url, MessageBody="async client")
        answer = await client.receive_message(QueueUrl=sqs_queue.url, MaxNumberOfMessages=10)
    assert sorted(m["Body"] for m in answer["Messages"]) == ["async client", "sync client"]
    sqs_queue.assert_contains("sync client")


@pytest.mark.sqs(region="ap-south-1")
async def test_the_marker_in_an_asyncio_test(sqs: MockSQS) -> None:
    assert sqs.region == "ap-south-1"
    async with aio_client("ap-south-1") as client:
        await client.create_queue(QueueName="marked")
    assert sqs.queue("marked").url.startswith("https://sqs.ap-south-1.amazonaws.com/")


# -- the guard --------------------------------------------------------------------------


async def test_outside_a_mock_an_async_call_is_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "x",
        "AWS_SECRET_ACCESS_KEY": "y",
        "AWS_EC2_METADATA_DISABLED": "true",
    }.items():
        monkeypatch.setenv(name, value)
    async with aio_client() as client:
        with pytest.raises(pytest_sqs.UnmockedRequestError, match="outside any mock"):
            await client.list_queues()


async def test_outside_a_mock_without_credentials_too(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    async with aio_client() as client:
        with pytest.raises(pytest_sqs.UnmockedRequestError, match="outside any mock"):
            await client.list_queues()


async def test_an_async_client_of_the_server_goes_over_http(
    sqs_server: pytest_sqs.SQSServer,
) -> None:
    session = get_session()
    async with (
        mock_sqs() as local,
        session.create_client(
            "sqs",
            region_name="us-east-1",
            endpoint_url=sqs_server.endpoint_url,
            aws_access_key_id="k",
            aws_secret_access_key="s",
        ) as client,
    ):
        url = (await client.create_queue(QueueName="remote"))["QueueUrl"]
        await client.send_message(QueueUrl=url, MessageBody="over http")
        answer = await client.receive_message(QueueUrl=url, WaitTimeSeconds=1)
        assert [m["Body"] for m in answer["Messages"]] == ["over http"]
        assert local.calls == []  # the in-process mock answered nothing
    assert sqs_server.queue("remote").in_flight[0].body == "over http"


async def test_a_server_started_with_async_with() -> None:
    async with SQSServer(clock="manual") as server:
        async with get_session().create_client(
            "sqs",
            region_name="us-east-1",
            endpoint_url=server.endpoint_url,
            aws_access_key_id="k",
            aws_secret_access_key="s",
        ) as client:
            url = (await client.create_queue(QueueName="served"))["QueueUrl"]
            await client.send_message(QueueUrl=url, MessageBody="one", DelaySeconds=30)
            server.advance(30)
            answer = await client.receive_message(QueueUrl=url)
        assert [m["Body"] for m in answer["Messages"]] == ["one"]
    assert not server.running


# -- time as the user's test controls it -------------------------------------------------


async def test_under_freezegun_with_real_asyncio() -> None:
    from freezegun import freeze_time

    with freeze_time("2031-05-01 12:00:00", real_asyncio=True) as frozen:
        async with mock_sqs() as sqs, aio_client() as client:
            url = (await client.create_queue(QueueName="q"))["QueueUrl"]
            await client.send_message(QueueUrl=url, MessageBody="job")
            await client.receive_message(QueueUrl=url, VisibilityTimeout=30)
            frozen.tick(31)  # the process clock moves: so does the simulator's wall clock
            answer = await client.receive_message(QueueUrl=url, WaitTimeSeconds=5)
            assert [m["Body"] for m in answer["Messages"]] == ["job"]
            [message] = sqs.queue("q").in_flight
            assert message.receive_count == 2
            assert message.sent_at.year == 2031


@pytest.mark.sqs(clock="freezegun", long_poll="real")
async def test_the_freezegun_clock_leaves_the_event_loop_running(sqs: MockSQS) -> None:
    loop = asyncio.get_running_loop()
    async with aio_client() as client:
        url = (await client.create_queue(QueueName="q"))["QueueUrl"]
        started = loop.time()
        await asyncio.sleep(0.01)  # would hang if the loop's clock were frozen too
        answer = await client.receive_message(QueueUrl=url, WaitTimeSeconds=1)
        assert "Messages" not in answer
        assert loop.time() - started >= 1


async def test_under_time_machine() -> None:
    time_machine = pytest.importorskip("time_machine")
    with time_machine.travel("2032-02-02 00:00:00+00:00", tick=False) as traveller:
        async with mock_sqs() as sqs, aio_client() as client:
            url = (await client.create_queue(QueueName="q"))["QueueUrl"]
            await client.send_message(QueueUrl=url, MessageBody="later", DelaySeconds=60)
            assert "Messages" not in await client.receive_message(QueueUrl=url)
            traveller.shift(61)
            answer = await client.receive_message(QueueUrl=url)
            assert [m["Body"] for m in answer["Messages"]] == ["later"]
            assert sqs.queue("q").in_flight[0].sent_at.year == 2032
