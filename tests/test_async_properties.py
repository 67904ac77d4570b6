"""Properties of producer and consumer tasks sharing one event loop: nothing is lost,
nothing is delivered twice unless a visibility timeout ended, FIFO groups keep order."""

from __future__ import annotations

import asyncio
from collections import Counter, defaultdict

from aiobotocore.session import get_session
from botocore.exceptions import ClientError
from hypothesis import event, given, settings
from hypothesis import strategies as st

from pytest_sqs import MockSQS, mock_sqs


async def _scenario(
    sqs: MockSQS,
    *,
    fifo: bool,
    producers: int,
    consumers: int,
    per_producer: int,
    batch: int,
    work_turns: int,
) -> tuple[list[str], Counter[str], list[str], list[str]]:
    name = "q.fifo" if fifo else "q"
    attributes = {"VisibilityTimeout": "30"}
    if fifo:
        attributes["FifoQueue"] = "true"
    expected = [f"p{p}-{n:02}" for p in range(producers) for n in range(per_producer)]
    received: Counter[str] = Counter()
    deleted: list[str] = []
    refused: list[str] = []
    async with get_session().create_client("sqs", region_name="us-east-1") as client:
        url = (await client.create_queue(QueueName=name, Attributes=attributes))["QueueUrl"]

        async def produce(number: int) -> None:
            for n in range(per_producer):
                body = f"p{number}-{n:02}"
                extra = {"MessageGroupId": f"p{number}", "MessageDeduplicationId": body}
                await client.send_message(QueueUrl=url, MessageBody=body, **(extra if fifo else {}))
                await asyncio.sleep(0)

        async def consume() -> None:
            while True:
                answer = await client.receive_message(
                    QueueUrl=url, MaxNumberOfMessages=batch, WaitTimeSeconds=20
                )
                for message in answer.get("Messages", []):
                    received[message["Body"]] += 1
                    for _ in range(work_turns):
                        await asyncio.sleep(0)
                    try:
                        await client.delete_message(
                            QueueUrl=url, ReceiptHandle=message["ReceiptHandle"]
                        )
                    except ClientError as error:  # a FIFO handle that expired meanwhile
                        refused.append(error.response["Error"]["Code"])
                    else:
                        deleted.append(message["Body"])

        workers = [asyncio.create_task(consume()) for _ in range(consumers)]
        await asyncio.gather(*(produce(p) for p in range(producers)))
        for _ in range(20_000):
            if set(deleted) == set(expected) and not sqs.queue(name).messages:
                break
            await asyncio.sleep(0)
        for worker in workers:
            worker.cancel()
        outcomes = await asyncio.gather(*workers, return_exceptions=True)
        assert all(isinstance(outcome, asyncio.CancelledError) for outcome in outcomes)
    return expected, received, deleted, refused


@settings(max_examples=40, deadline=None)
@given(
    fifo=st.booleans(),
    policy=st.sampled_from(["fast-forward", "real"]),
    producers=st.integers(1, 3),
    consumers=st.integers(1, 3),
    per_producer=st.integers(0, 6),
    batch=st.integers(1, 10),
    work_turns=st.integers(0, 30),
)
def test_tasks_lose_nothing_and_redeliver_only_after_a_visibility_timeout(
    fifo: bool,
    policy: str,
    producers: int,
    consumers: int,
    per_producer: int,
    batch: int,
    work_turns: int,
) -> None:
    with mock_sqs(clock="manual", long_poll=policy) as sqs:
        expected, received, deleted, refused = asyncio.run(
            _scenario(
                sqs,
                fifo=fifo,
                producers=producers,
                consumers=consumers,
                per_producer=per_producer,
                batch=batch,
                work_turns=work_turns,
            )
        )
        name = "q.fifo" if fifo else "q"
        event(f"{policy}: {'some' if sum(received.values()) > len(expected) else 'no'} redelivery")
        assert set(received) == set(expected)  # nothing lost
        assert sqs.queue(name).messages == ()  # and nothing left behind
        for body, times in received.items():
            if times > 1:  # at-least-once: only after a visibility timeout ended
                [message_id] = {
                    c.response["MessageId"]
                    for c in sqs.calls_to("SendMessage")
                    if c.params["MessageBody"] == body
                }
                events = [entry.event for entry in sqs.queue(name).history(message_id)]
                assert events.count("visible again") >= times - 1, (body, events)
        if policy == "real":  # the clock never moved: exactly once
            assert received == Counter(expected)
            assert refused == []
        if fifo:  # each group's messages were finished in the order they were sent
            by_group: defaultdict[str, list[str]] = defaultdict(list)
            for body in deleted:
                if body not in by_group[body[:2]]:
                    by_group[body[:2]].append(body)
            for bodies in by_group.values():
                assert bodies == sorted(bodies)
