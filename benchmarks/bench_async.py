"""Per-call cost of SQS calls through an aiobotocore client: pytest-sqs vs the Stubber floor.

Run from the repository root (needs aiobotocore)::

    python benchmarks/bench_async.py            # 15 rounds x 200 cycles
    python benchmarks/bench_async.py --quick    # 5 rounds x 50 cycles

The same awaited calls with the same parameters against

- ``pytest-sqs``: ``mock_sqs(clock="manual")``, answered by the simulator;
- ``stubber``: ``botocore.stub.Stubber`` on the aiobotocore client, with realistic canned
  answers queued beforehand (untimed): the cost of aiobotocore itself, the floor;
- ``pytest-sqs (sync)``: the same cycle through a boto3 client, for comparison.

moto is not a peer here: its hook cannot answer aiobotocore in-process (the first call
fails with ``TypeError: object bytes can't be used in 'await' expression``; checked with
moto 5.2.5 and aiobotocore 2.25.1; ``--moto`` tries it again).

A cycle: one ``send_message``, one ``receive_message(MaxNumberOfMessages=1)``, one
``delete_message``, each timed alone with ``perf_counter_ns``.  Rounds rotate the
variants; the first round is a warm-up.  Reported: the median over rounds of the mean
time per call, and each variant's ratio to the Stubber floor paired by round.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import hashlib
import importlib.metadata
import os
import platform
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

import boto3
from aiobotocore.session import get_session
from botocore.stub import Stubber

from pytest_sqs import mock_sqs

OPS = ("send", "receive", "delete")
URL = "https://sqs.us-east-1.amazonaws.com/123456789012/bench"
BODY = '{"order_id": 1234, "amount": "12.50"}'
MD5 = hashlib.md5(BODY.encode()).hexdigest()
META = {
    "RequestId": "00000000-0000-4000-8000-000000000000",
    "HTTPStatusCode": 200,
    "HTTPHeaders": {"x-amzn-requestid": "00000000-0000-4000-8000-000000000000"},
    "RetryAttempts": 0,
}

Timings = dict[str, list[int]]


async def _cycle(call: Callable[..., Awaitable[Any]], timings: Timings) -> None:
    started = time.perf_counter_ns()
    await call("send_message", QueueUrl=URL, MessageBody=BODY)
    sent = time.perf_counter_ns()
    answer = await call("receive_message", QueueUrl=URL, MaxNumberOfMessages=1)
    received = time.perf_counter_ns()
    await call("delete_message", QueueUrl=URL, ReceiptHandle=answer["Messages"][0]["ReceiptHandle"])
    deleted = time.perf_counter_ns()
    timings["send"].append(sent - started)
    timings["receive"].append(received - sent)
    timings["delete"].append(deleted - received)


def _stub(stubber: Stubber, cycles: int) -> None:
    for number in range(cycles):
        message_id = f"00000000-0000-4000-8000-{number:012}"
        stubber.add_response(
            "send_message",
            {"MD5OfMessageBody": MD5, "MessageId": message_id, "ResponseMetadata": META},
        )
        stubber.add_response(
            "receive_message",
            {
                "Messages": [
                    {
                        "MessageId": message_id,
                        "ReceiptHandle": "AQEB" + "x" * 160,
                        "MD5OfBody": MD5,
                        "Body": BODY,
                    }
                ],
                "ResponseMetadata": META,
            },
        )
        stubber.add_response("delete_message", {"ResponseMetadata": META})


async def _measure(call: Callable[..., Awaitable[Any]], cycles: int) -> Timings:
    """Three warm-up cycles, then ``cycles`` timed ones with the collector off."""
    for _ in range(3):
        await _cycle(call, {op: [] for op in OPS})
    timings: Timings = {op: [] for op in OPS}
    gc.disable()
    try:
        for _ in range(cycles):
            await _cycle(call, timings)
    finally:
        gc.enable()
    return timings


async def _round_async(variant: str, cycles: int) -> Timings:
    session = get_session()
    with mock_sqs(clock="manual") if variant == "pytest-sqs" else _Credentials():
        async with session.create_client("sqs", region_name="us-east-1") as client:

            async def call(name: str, **params: Any) -> Any:
                return await getattr(client, name)(**params)

            if variant == "stubber":
                stubber = Stubber(client)
                _stub(stubber, cycles + 3)
                stubber.activate()
            else:
                await client.create_queue(QueueName="bench")
            return await _measure(call, cycles)


def _round_sync(cycles: int) -> Timings:
    with mock_sqs(clock="manual"):
        client = boto3.client("sqs", region_name="us-east-1")
        client.create_queue(QueueName="bench")

        async def call(name: str, **params: Any) -> Any:
            return getattr(client, name)(**params)

        return asyncio.run(_measure(call, cycles))


class _Credentials:
    """Fake credentials for the Stubber's client (nothing is sent)."""

    def __enter__(self) -> None:
        self.saved = {k: os.environ.get(k) for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")}
        os.environ.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench")

    def __exit__(self, *_: object) -> None:
        for key, value in self.saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


async def _try_moto() -> str:
    from moto import mock_aws

    with _Credentials(), mock_aws():
        async with get_session().create_client("sqs", region_name="us-east-1") as client:
            try:
                await client.create_queue(QueueName="bench")
            except Exception as error:
                return f"{type(error).__name__}: {error}"
    return "works"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--moto", action="store_true", help="try moto with aiobotocore")
    args = parser.parse_args()
    rounds, cycles = (5, 50) if args.quick else (15, 200)
    if args.moto:
        print("moto with aiobotocore:", asyncio.run(_try_moto()))
    variants = ["pytest-sqs", "stubber", "pytest-sqs (sync)"]
    means: dict[str, dict[str, list[float]]] = {v: {op: [] for op in OPS} for v in variants}
    for number in range(rounds + 1):
        order = variants[number % 3 :] + variants[: number % 3]
        for variant in order:
            if variant == "pytest-sqs (sync)":
                timings = _round_sync(cycles)
            else:
                timings = asyncio.run(_round_async(variant, cycles))
            if number:  # round 0 warms up
                for op in OPS:
                    means[variant][op].append(statistics.fmean(timings[op]) / 1000)
    versions = {name: importlib.metadata.version(name) for name in ("aiobotocore", "botocore")}
    print(
        f"Python {platform.python_version()}, aiobotocore {versions['aiobotocore']}, "
        f"botocore {versions['botocore']}; {rounds} rounds x {cycles} cycles"
    )
    print(f"{'':20}" + "".join(f"{op:>22}" for op in OPS))
    for variant in variants:
        row = f"{variant:20}"
        for op in OPS:
            median = statistics.median(means[variant][op])
            ratios = [a / b for a, b in zip(means[variant][op], means["stubber"][op], strict=True)]
            row += f"{median:>10.1f} µs ({statistics.median(ratios):4.2f}×)"
        print(row)


if __name__ == "__main__":
    main()
