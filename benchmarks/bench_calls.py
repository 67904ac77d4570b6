"""Per-call cost of SQS calls through boto3: pytest-sqs vs the Stubber floor vs moto.

Run from the repository root::

    python benchmarks/bench_calls.py                 # full run (~100 s)
    python benchmarks/bench_calls.py --quick         # smoke run (~15 s), 100,000-deep queues
    python benchmarks/bench_calls.py --only fifo     # one part: per-call, scaling or fifo
    python benchmarks/bench_calls.py --json benchmarks/results.json --markdown
    python benchmarks/bench_calls.py --load benchmarks/results.json --markdown  # re-render

Three parts, in one process:

1. **Per call** (``send_message``, ``receive_message(MaxNumberOfMessages=10)``,
   ``delete_message``), the same boto3 calls with the same parameters against

   - ``pytest-sqs``: ``mock_sqs(clock="manual")``, answered by the simulator;
   - ``stubber``: ``botocore.stub.Stubber`` with realistic canned responses queued
     beforehand (untimed): the cheapest thing that can answer at ``before-call``, i.e.
     the cost of boto3/botocore itself (parameter validation, events, the client);
   - ``moto``: ``moto.mock_aws`` (a comparison peer only);
   - ``core``: the same cycle made straight to pytest-sqs's ``simulator.handle``, without
     boto3: the simulator's own share of the pytest-sqs figure.

   One *round* for one variant: a fresh queue, then C cycles of

   - (untimed) top the queue up with 9 messages (pytest-sqs: ``simulator.handle(
     "SendMessageBatch")``; moto: ``send_message_batch``; Stubber: nothing);
   - timed: one ``send_message`` (the queue now holds 10 visible messages);
   - timed: one ``receive_message(MaxNumberOfMessages=10)``, which must return 10
     messages (checked, untimed);
   - timed: ten ``delete_message`` calls, one per receipt handle received.

   The first 3 cycles of a round warm up its new client and are not counted.  Every
   call is timed on its own with ``perf_counter_ns``; the queue holds 0-10
   messages throughout, the same for every variant (moto's per-call cost grows with
   the number of messages in the queue; pytest-sqs's does not, see part 2).  The
   Stubber is given a realistic response for every call before the round (a receive
   answer has 10 messages with ids, receipt handles, MD5s and bodies; every answer
   has ResponseMetadata with headers), so it does no work at call time but pop it.
   Rounds rotate the order of the variants so that CPU drift is shared; the first
   round of each variant is a warm-up and is thrown away.  The number reported for an
   operation is the median over rounds of the round's mean time per call.

2. **Scaling** (pytest-sqs only): one ``receive_message`` + ``delete_message`` cycle
   through boto3 on a queue holding D messages, D = 10 and D = 1,000,000.  The deep
   queue is filled with ``simulator.handle("SendMessageBatch", ...)`` in batches of 10
   (setup, timed separately and reported).  Each cycle is timed on its own and the
   queue is topped up with one message after it (untimed), so every cycle starts at
   exactly D messages.  Both queues live in the same simulator and their blocks are
   interleaved; a depth-10 measurement taken before the fill is reported too.

3. **FIFO scaling** (pytest-sqs only): the same kind of measurement on two FIFO queues in
   one simulator, a shallow one with ONE group of 10 messages and a deep one with G groups
   of 10 (G = 100,000: 1,000,000 messages; 10,000 with ``--quick``), filled through
   ``simulator.handle("SendMessageBatch", ...)`` one group per batch, each message with its
   own deduplication id (setup, timed and reported with the RSS it adds).  A block on one
   queue is: an untimed lock probe (two receives in a row: the second must come from the
   next group, or find nothing on the one-group queue whose group is locked), then cycles
   of ``receive_message(MaxNumberOfMessages=1)`` + ``delete_message``, then cycles of
   ``receive_message(MaxNumberOfMessages=10)`` + ``delete_message_batch``.  The receive and
   the whole cycle are timed; after each cycle (untimed) the messages are checked against
   what FIFO order predicts (the oldest messages of the group at the front of the order;
   groups served round-robin, a group unlocked by the delete of its in-flight message) and
   as many are sent back to the same group with new deduplication ids, so depths stay
   constant.  Blocks alternate between the queues; a one-group measurement taken before
   the deep fill is reported too.

The garbage collector is off inside timed loops unless ``--gc`` is given.
"""

from __future__ import annotations

import argparse
import base64
import gc
import hashlib
import importlib.metadata
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a plain script from a checkout
    sys.path.insert(0, str(ROOT))

import boto3  # noqa: E402
from botocore.stub import Stubber  # noqa: E402

import pytest_sqs  # noqa: E402
from pytest_sqs import mock_sqs  # noqa: E402
from pytest_sqs._botocore import HANDLERS as PYTEST_SQS_HANDLERS  # noqa: E402

REGION = "us-east-1"
ACCOUNT = "123456789012"
OPERATIONS = ("send_message", "receive_message_10", "delete_message")
VARIANTS = ("pytest-sqs", "stubber", "moto", "core")
TARGET_PER_CALL = 1.5  # pytest-sqs / Stubber, per operation
TARGET_SCALING = 1.3  # depth 1,000,000 / depth 10
TARGET_FIFO = 1.5  # FIFO: 100,000 groups of 10 messages / one group of 10
WARM_UP_CYCLES = 3  # untimed cycles at the start of every round, on its new client

# A realistic ~200-byte JSON body, the same object for every message of every variant.
BODY = json.dumps(
    {
        "event": "order.created",
        "order_id": "ord_7f3a9c2e41d84b6f",
        "customer": {"id": "cus_51c0e8", "tier": "gold"},
        "lines": [{"sku": "SKU-1042", "qty": 2}, {"sku": "SKU-2208", "qty": 1}],
        "total_cents": 12_990,
        "currency": "EUR",
    },
    separators=(",", ":"),
)
BODY_MD5 = hashlib.md5(BODY.encode()).hexdigest()


@dataclass(frozen=True)
class Settings:
    round_cycles: int  # send/receive/delete cycles per round (part 1)
    moto_cycles: int  # the same for moto, whose calls are 10-60 times slower
    rounds: int  # measured rounds per variant (plus one warm-up round)
    variants: tuple[str, ...]
    deep: int  # the deep queue's depth in the scaling part
    block_cycles: int  # receive+delete cycles per scaling block (part 2)
    blocks: int  # scaling blocks per depth (parts 2 and 3)
    fifo_groups: int  # the deep FIFO queue's groups, of 10 messages each (part 3)
    fifo_batch_cycles: int  # receive(10) + delete_message_batch cycles per FIFO block
    gc_enabled: bool


# -- timing helpers -------------------------------------------------------------


@contextmanager
def collector(enabled: bool) -> Iterator[None]:
    """The garbage collector off (unless ``enabled``) for the duration."""
    was_enabled = gc.isenabled()
    if not enabled:
        gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def summarize(rounds_ns: list[list[int]]) -> dict[str, Any]:
    """Statistics (µs) of per-call times (ns) grouped by round or block.

    ``median_us``: the median of every call, robust to the odd call that another process
    on the machine interrupted; ``mean_us``: the median over rounds of each round's mean,
    which keeps any cost that only some calls pay.
    """
    calls = [ns / 1000 for ns_list in rounds_ns for ns in ns_list]
    deciles = statistics.quantiles(calls, n=10)
    round_means = [statistics.fmean(ns_list) / 1000 for ns_list in rounds_ns]
    return {
        "median_us": round(statistics.median(calls), 2),
        "p10_us": round(deciles[0], 2),
        "p90_us": round(deciles[-1], 2),
        "mean_us": round(statistics.median(round_means), 2),
        "round_means_us": [round(m, 2) for m in round_means],
        "calls": len(calls),
    }


# -- canned data ----------------------------------------------------------------


def fake_handle() -> str:
    """A receipt handle shaped like AWS's (``AQEB`` + ~180 base64 characters)."""
    return "AQEB" + base64.b64encode(os.urandom(132)).decode("ascii")


def response_metadata() -> dict[str, Any]:
    """The ResponseMetadata botocore produces for a real 200 response."""
    request_id = str(uuid.uuid4())
    return {
        "RequestId": request_id,
        "HTTPStatusCode": 200,
        "HTTPHeaders": {
            "x-amzn-requestid": request_id,
            "date": "Sat, 28 Nov 2026 08:00:00 GMT",
            "content-type": "application/x-amz-json-1.0",
            "content-length": "106",
            "connection": "keep-alive",
        },
        "RetryAttempts": 0,
    }


def canned_send() -> dict[str, Any]:
    return {
        "MD5OfMessageBody": BODY_MD5,
        "MessageId": str(uuid.uuid4()),
        "ResponseMetadata": response_metadata(),
    }


def canned_receive(count: int) -> dict[str, Any]:
    messages = [
        {
            "MessageId": str(uuid.uuid4()),
            "ReceiptHandle": fake_handle(),
            "MD5OfBody": BODY_MD5,
            "Body": BODY,
        }
        for _ in range(count)
    ]
    return {"Messages": messages, "ResponseMetadata": response_metadata()}


def canned_delete() -> dict[str, Any]:
    return {"ResponseMetadata": response_metadata()}


def batch_entries(start: int, count: int) -> list[dict[str, Any]]:
    return [{"Id": f"m{start + i}", "MessageBody": BODY} for i in range(count)]


# -- the variants ---------------------------------------------------------------


class Variant:
    """One way of answering the calls.  ``open()`` yields a ready client."""

    name = ""

    def __init__(self) -> None:
        self.client: Any = None
        self.url = ""

    @contextmanager
    def open(self) -> Iterator[None]:
        raise NotImplementedError
        yield

    def new_queue(self, name: str) -> None:
        self.url = self.client.create_queue(QueueName=name)["QueueUrl"]

    def fill(self, count: int) -> None:
        """Put ``count`` more visible messages on the queue (untimed setup)."""
        for start in range(0, count, 10):
            size = min(10, count - start)
            self.client.send_message_batch(QueueUrl=self.url, Entries=batch_entries(start, size))

    def expect_cycles(self, count: int) -> None:
        """Prepare the answers to ``count`` cycles (only the Stubber needs to)."""


class PytestSqs(Variant):
    name = "pytest-sqs"

    def __init__(self) -> None:
        super().__init__()
        self.mock: Any = None

    @contextmanager
    def open(self) -> Iterator[None]:
        with mock_sqs(clock="manual") as mock:
            self.mock = mock
            self.client = boto3.client("sqs", region_name=REGION)
            yield
        self.mock = self.client = None

    def fill(self, count: int) -> None:
        fill_direct(self.mock, self.url, count)


class Stub(Variant):
    name = "stubber"

    @contextmanager
    def open(self) -> Iterator[None]:
        client = boto3.client("sqs", region_name=REGION)
        # pytest-sqs's handlers are in BUILTIN_HANDLERS once it is imported; inert while
        # no mock is active, but the floor should be a client without them.
        for event, handler in PYTEST_SQS_HANDLERS:
            client.meta.events.unregister(event, handler)
        self.stubber = Stubber(client)
        self.client = client
        with self.stubber:
            yield
        self.client = None

    def new_queue(self, name: str) -> None:
        self.url = f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{name}"

    def fill(self, count: int) -> None:
        pass

    def expect_cycles(self, count: int) -> None:
        # In call order.  add_response validates each response against the service
        # model: that is setup, not timed.
        add = self.stubber.add_response
        for _ in range(count):
            add("send_message", canned_send())
            add("receive_message", canned_receive(10))
            for _ in range(10):
                add("delete_message", canned_delete())


class Moto(Variant):
    name = "moto"

    @contextmanager
    def open(self) -> Iterator[None]:
        from moto import mock_aws  # a comparison peer only; never imported by the package

        with mock_aws():
            self.client = boto3.client("sqs", region_name=REGION)
            yield
        self.client = None


class CoreClient:
    """The three calls made straight to ``simulator.handle``: no boto3 at all."""

    def __init__(self, handle: Callable[[str, dict[str, Any]], dict[str, Any]]) -> None:
        self.handle = handle

    def send_message(self, **params: Any) -> dict[str, Any]:
        return self.handle("SendMessage", params)

    def receive_message(self, **params: Any) -> dict[str, Any]:
        return self.handle("ReceiveMessage", params)

    def delete_message(self, **params: Any) -> dict[str, Any]:
        return self.handle("DeleteMessage", params)


class Core(PytestSqs):
    """pytest-sqs's simulator alone: how much of its per-call cost is the simulator."""

    name = "core"

    @contextmanager
    def open(self) -> Iterator[None]:
        with super().open():
            self.client = CoreClient(self.mock.simulator.handle)
            yield

    def new_queue(self, name: str) -> None:
        self.url = self.mock.simulator.handle("CreateQueue", {"QueueName": name})["QueueUrl"]


def make_variant(name: str) -> Variant:
    return {"pytest-sqs": PytestSqs, "stubber": Stub, "moto": Moto, "core": Core}[name]()


def fill_direct(mock: Any, url: str, count: int, start: int = 0) -> None:
    """Queue ``count`` messages straight through the simulator core, 10 per batch."""
    handle = mock.simulator.handle
    for first in range(start, start + count, 10):
        size = min(10, start + count - first)
        result = handle(
            "SendMessageBatch", {"QueueUrl": url, "Entries": batch_entries(first, size)}
        )
        if result.get("Failed"):
            raise RuntimeError(f"fill failed: {result['Failed'][:1]}")


# -- part 1: per call -----------------------------------------------------------


def run_round(variant: Variant, tag: str, cycles: int, gc_enabled: bool) -> dict[str, list[int]]:
    """One round of ``cycles`` cycles (see the module docstring): ns of every call."""
    client = variant.client
    variant.new_queue(f"bench-{tag}")
    url = variant.url
    variant.expect_cycles(WARM_UP_CYCLES + cycles)
    clock = time.perf_counter_ns
    times: dict[str, list[int]] = {op: [] for op in OPERATIONS}
    sends, receives, deletes = times.values()
    gc.collect()
    with collector(gc_enabled):
        for cycle in range(WARM_UP_CYCLES + cycles):
            if cycle == WARM_UP_CYCLES:  # a new client's first calls fill botocore's caches
                for kept in times.values():
                    kept.clear()
            variant.fill(9)  # untimed: the queue now holds 9 visible messages
            t0 = clock()
            client.send_message(QueueUrl=url, MessageBody=BODY)
            t1 = clock()
            response = client.receive_message(QueueUrl=url, MaxNumberOfMessages=10)
            t2 = clock()
            sends.append(t1 - t0)
            receives.append(t2 - t1)
            messages = response.get("Messages", [])
            if len(messages) != 10:
                raise RuntimeError(f"{variant.name}: receive_message(10) gave {len(messages)}")
            for message in messages:
                handle = message["ReceiptHandle"]
                t3 = clock()
                client.delete_message(QueueUrl=url, ReceiptHandle=handle)
                deletes.append(clock() - t3)
    return times


def per_call(settings: Settings) -> dict[str, Any]:
    variants = [make_variant(name) for name in settings.variants]
    samples: dict[str, dict[str, list[list[int]]]] = {
        v.name: {op: [] for op in OPERATIONS} for v in variants
    }
    seconds: dict[str, float] = dict.fromkeys(samples, 0.0)
    for round_no in range(settings.rounds + 1):  # round 0 is the warm-up
        shift = round_no % len(variants)
        for variant in variants[shift:] + variants[:shift]:
            began = time.perf_counter()
            cycles = settings.moto_cycles if variant.name == "moto" else settings.round_cycles
            with variant.open():
                times = run_round(variant, str(round_no), cycles, settings.gc_enabled)
            seconds[variant.name] += time.perf_counter() - began
            if round_no > 0:
                for op, ns_list in times.items():
                    samples[variant.name][op].append(ns_list)
        print(f"  round {round_no}/{settings.rounds} done", file=sys.stderr, flush=True)
    results = {name: {op: summarize(ops[op]) for op in OPERATIONS} for name, ops in samples.items()}
    return {"results": results, "seconds": {k: round(v, 1) for k, v in seconds.items()}}


def paired_ratio(top: list[float], bottom: list[float]) -> float:
    """Median over rounds of top[r] / bottom[r]: rounds r ran back to back, so a slow
    spell of the machine (other processes) weighs on both sides of each ratio."""
    return round(statistics.median(t / b for t, b in zip(top, bottom, strict=True)), 3)


def per_call_ratios(results: dict[str, Any]) -> dict[str, dict[str, float | None]]:
    """pytest-sqs / Stubber and moto / pytest-sqs: paired by round (the primary figure)
    and, as a cross-check, the ratio of the medians of all calls."""

    def ratios(top: str, bottom: str, op: str) -> tuple[float | None, float | None]:
        if top not in results or bottom not in results:
            return None, None
        high, low = results[top][op], results[bottom][op]
        paired = paired_ratio(high["round_means_us"], low["round_means_us"])
        return paired, round(high["median_us"] / low["median_us"], 3)

    out: dict[str, dict[str, float | None]] = {}
    for op in OPERATIONS:
        ours, ours_medians = ratios("pytest-sqs", "stubber", op)
        moto, moto_medians = ratios("moto", "pytest-sqs", op)
        out[op] = {
            "pytest_sqs_over_stubber": ours,
            "pytest_sqs_over_stubber_medians": ours_medians,
            "moto_over_pytest_sqs": moto,
            "moto_over_pytest_sqs_medians": moto_medians,
        }
    return out


# -- part 2: scaling ------------------------------------------------------------


@dataclass
class DepthQueue:
    url: str
    depth: int
    blocks: list[list[int]] = field(default_factory=list)


def scaling_block(mock: Any, client: Any, queue: DepthQueue, settings: Settings) -> list[int]:
    """ns of each receive+delete cycle of one block; the depth is restored after each."""
    url = queue.url
    refill = mock.simulator.handle
    clock = time.perf_counter_ns
    times: list[int] = []
    with collector(settings.gc_enabled):
        for _ in range(settings.block_cycles):
            start = clock()
            received = client.receive_message(QueueUrl=url)
            client.delete_message(
                QueueUrl=url, ReceiptHandle=received["Messages"][0]["ReceiptHandle"]
            )
            times.append(clock() - start)
            refill("SendMessage", {"QueueUrl": url, "MessageBody": BODY})
    return times


def visible(client: Any, url: str, name: str = "ApproximateNumberOfMessages") -> int:
    attributes = client.get_queue_attributes(QueueUrl=url, AttributeNames=[name])["Attributes"]
    return int(attributes[name])


def scaling(settings: Settings) -> dict[str, Any]:
    out: dict[str, Any] = {"deep_depth": settings.deep, "cycles_per_block": settings.block_cycles}
    with mock_sqs(clock="manual") as mock:
        client = boto3.client("sqs", region_name=REGION)
        shallow = DepthQueue(client.create_queue(QueueName="shallow")["QueueUrl"], 10)
        deep = DepthQueue(client.create_queue(QueueName="deep")["QueueUrl"], settings.deep)
        fill_direct(mock, shallow.url, shallow.depth)

        before = DepthQueue(shallow.url, shallow.depth)
        scaling_block(mock, client, before, settings)  # warm-up
        for _ in range(settings.blocks):
            before.blocks.append(scaling_block(mock, client, before, settings))

        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        began = time.perf_counter()
        with collector(False):
            fill_direct(mock, deep.url, deep.depth)
        out["fill_seconds"] = round(time.perf_counter() - began, 1)
        began = time.perf_counter()
        gc.collect()  # once, so that the collector's thresholds see the big heap
        out["full_gc_after_fill_seconds"] = round(time.perf_counter() - began, 2)
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        out["fill_rss_growth_mib"] = round((rss_after - rss_before) / 1024)

        for queue in (shallow, deep):
            scaling_block(mock, client, queue, settings)  # warm-up
        for block in range(settings.blocks):
            for queue in (shallow, deep) if block % 2 == 0 else (deep, shallow):
                queue.blocks.append(scaling_block(mock, client, queue, settings))
        for queue in (shallow, deep):
            actual = visible(client, queue.url)
            if actual != queue.depth:
                raise RuntimeError(f"depth drifted: {actual} visible, expected {queue.depth}")

    deep_key = f"depth_{settings.deep}"
    out["depth_10_before_fill"] = summarize(before.blocks)
    out["depth_10"] = summarize(shallow.blocks)
    out[deep_key] = summarize(deep.blocks)
    deep_median = out[deep_key]["median_us"]
    out["ratio_deep_over_10"] = paired_ratio(
        out[deep_key]["round_means_us"], out["depth_10"]["round_means_us"]
    )
    out["ratio_deep_over_10_medians"] = round(deep_median / out["depth_10"]["median_us"], 3)
    out["ratio_deep_over_10_before_fill_medians"] = round(
        deep_median / out["depth_10_before_fill"]["median_us"], 3
    )
    return out


# -- part 3: FIFO scaling -------------------------------------------------------

FIFO_SERIES = ("cycle_1", "receive_1", "cycle_10", "receive_10")
FIFO_SERIES_LABELS = {
    "cycle_1": "receive(1) + delete",
    "receive_1": "receive(1) alone",
    "cycle_10": "receive(10) + delete_message_batch",
    "receive_10": "receive(10) alone",
}
FIFO_PER_GROUP = 10  # messages in every group, at the start of every cycle


@dataclass
class FifoBench:
    """One FIFO queue of part 3 and what it must return: every group's message ids not yet
    received, in send order, and the order in which unlocked groups should be served."""

    label: str
    url: str
    handle: Callable[[str, dict[str, Any]], dict[str, Any]]
    ids: dict[str, list[str]] = field(default_factory=dict)
    order: deque[str] = field(default_factory=deque)
    sent: int = 0  # deduplication ids used so far: each message has its own

    @property
    def depth(self) -> int:
        return len(self.ids) * FIFO_PER_GROUP

    def send(self, group: str, count: int) -> None:
        """Untimed: ``count`` messages to the back of ``group``, one SendMessageBatch."""
        entries = [
            {
                "Id": str(i),
                "MessageBody": BODY,
                "MessageGroupId": group,
                "MessageDeduplicationId": f"d{self.sent + i}",
            }
            for i in range(count)
        ]
        self.sent += count
        result = self.handle("SendMessageBatch", {"QueueUrl": self.url, "Entries": entries})
        successful = result.get("Successful", [])
        if result.get("Failed") or len(successful) != count:
            raise RuntimeError(f"{self.label}: send failed: {result.get('Failed', [])[:1]}")
        message_ids = {entry["Id"]: entry["MessageId"] for entry in successful}
        self.ids.setdefault(group, []).extend(message_ids[str(i)] for i in range(count))

    def fill(self, groups: int) -> None:
        """Untimed: ``groups`` groups of FIFO_PER_GROUP messages, made available in order."""
        for number in range(len(self.ids), len(self.ids) + groups):
            group = f"g{number}"
            self.send(group, FIFO_PER_GROUP)
            self.order.append(group)

    def served(self, messages: list[dict[str, Any]]) -> list[tuple[str, int]]:
        """Check a receive's messages and lock the groups they came from.

        They must be the oldest messages of the unlocked groups at the front of the order,
        group after group; a group with a message in flight is locked, so it cannot serve
        another until that message is deleted (:meth:`release`).  Returns each group served
        with how many messages it gave.
        """
        if not messages and self.order:
            raise RuntimeError(f"{self.label}: nothing received with a group available")
        served: list[tuple[str, int]] = []
        position = 0
        while position < len(messages):
            if not self.order:
                got = messages[position]["MessageId"]
                raise RuntimeError(f"{self.label}: {got} came from a locked group")
            group = self.order.popleft()
            pending = self.ids[group]
            run = [m["MessageId"] for m in messages[position : position + len(pending)]]
            if run != pending[: len(run)]:
                raise RuntimeError(f"{self.label}: got {run}, expected {pending[: len(run)]}")
            del pending[: len(run)]
            position += len(run)
            served.append((group, len(run)))
        return served

    def restore(self, served: list[tuple[str, int]]) -> None:
        """Untimed, once the served messages are deleted: as many messages sent back to each
        group (depths stay constant), which is unlocked and joins the back of the order."""
        for group, count in served:
            self.send(group, count)
            self.order.append(group)


def fifo_probe(client: Any, queue: FifoBench) -> None:
    """Untimed: two receives in a row.  The first locks its group; the second must come
    from the next group (deep queue), or find nothing although the only group still has
    visible messages (shallow queue).  Then both are deleted, which unlocks the groups."""
    served: list[tuple[str, int]] = []
    handles = []
    for _ in range(2):
        messages = client.receive_message(QueueUrl=queue.url).get("Messages", [])
        served += queue.served(messages)
        handles += [m["ReceiptHandle"] for m in messages]
    for handle in handles:
        client.delete_message(QueueUrl=queue.url, ReceiptHandle=handle)
    queue.restore(served)


def fifo_block(client: Any, queue: FifoBench, settings: Settings) -> dict[str, list[int]]:
    """ns of each cycle of one block: the lock probe, then ``block_cycles`` cycles of
    receive(1) + delete_message, then ``fifo_batch_cycles`` cycles of receive(10) +
    delete_message_batch; every cycle is checked and the depths restored after it."""
    url = queue.url
    clock = time.perf_counter_ns
    times: dict[str, list[int]] = {name: [] for name in FIFO_SERIES}
    fifo_probe(client, queue)
    with collector(settings.gc_enabled):
        cycles, receives = times["cycle_1"], times["receive_1"]
        for _ in range(settings.block_cycles):
            start = clock()
            received = client.receive_message(QueueUrl=url, MaxNumberOfMessages=1)
            middle = clock()
            messages = received.get("Messages", [])
            if len(messages) != 1:
                raise RuntimeError(f"{queue.label}: receive_message(1) gave {len(messages)}")
            client.delete_message(QueueUrl=url, ReceiptHandle=messages[0]["ReceiptHandle"])
            cycles.append(clock() - start)
            receives.append(middle - start)
            queue.restore(queue.served(messages))
        cycles, receives = times["cycle_10"], times["receive_10"]
        for _ in range(settings.fifo_batch_cycles):
            start = clock()
            received = client.receive_message(QueueUrl=url, MaxNumberOfMessages=10)
            middle = clock()
            messages = received.get("Messages", [])
            entries = [
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)
            ]
            deleted = client.delete_message_batch(QueueUrl=url, Entries=entries)
            cycles.append(clock() - start)
            receives.append(middle - start)
            if len(messages) != 10 or deleted.get("Failed") or len(deleted["Successful"]) != 10:
                raise RuntimeError(f"{queue.label}: receive_message(10) gave {len(messages)}")
            queue.restore(queue.served(messages))
    return times


def rss_mib() -> float:
    """The process's resident set now (Linux), else its peak so far."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def fifo_scaling(settings: Settings) -> dict[str, Any]:
    groups = settings.fifo_groups
    out: dict[str, Any] = {
        "deep_groups": groups,
        "messages_per_group": FIFO_PER_GROUP,
        "deep_messages": groups * FIFO_PER_GROUP,
        "cycles_per_block": settings.block_cycles,
        "batch_cycles_per_block": settings.fifo_batch_cycles,
    }
    samples: dict[str, dict[str, list[list[int]]]] = {
        part: {name: [] for name in FIFO_SERIES} for part in ("before_fill", "shallow", "deep")
    }

    def record(part: str, times: dict[str, list[int]]) -> None:
        for name, ns_list in times.items():
            samples[part][name].append(ns_list)

    with mock_sqs(clock="manual") as mock:
        client = boto3.client("sqs", region_name=REGION)
        handle = mock.simulator.handle
        fifo = {"FifoQueue": "true"}
        urls = [
            client.create_queue(QueueName=name, Attributes=fifo)["QueueUrl"]
            for name in ("fifo-shallow.fifo", "fifo-deep.fifo")
        ]
        shallow, deep = FifoBench("shallow", urls[0], handle), FifoBench("deep", urls[1], handle)
        shallow.fill(1)

        fifo_block(client, shallow, settings)  # warm-up
        for _ in range(settings.blocks):
            record("before_fill", fifo_block(client, shallow, settings))

        gc.collect()
        rss_before = rss_mib()
        began = time.perf_counter()
        with collector(False):
            deep.fill(groups)
        out["fill_seconds"] = round(time.perf_counter() - began, 1)
        began = time.perf_counter()
        gc.collect()  # once, so that the collector's thresholds see the big heap
        out["full_gc_after_fill_seconds"] = round(time.perf_counter() - began, 2)
        out["fill_rss_growth_mib"] = round(rss_mib() - rss_before)
        # The benchmark's own expectations (lists of message ids, sharing the id strings).
        bookkeeping = sys.getsizeof(deep.ids) + sys.getsizeof(deep.order)
        bookkeeping += sum(sys.getsizeof(ids) for ids in deep.ids.values())
        out["bookkeeping_mib"] = round(bookkeeping / 2**20)

        for queue in (shallow, deep):
            fifo_block(client, queue, settings)  # warm-up
        for block in range(settings.blocks):
            for queue in (shallow, deep) if block % 2 == 0 else (deep, shallow):
                record(queue.label, fifo_block(client, queue, settings))
        for queue in (shallow, deep):
            waiting = visible(client, queue.url)
            flying = visible(client, queue.url, "ApproximateNumberOfMessagesNotVisible")
            if (waiting, flying) != (queue.depth, 0):
                raise RuntimeError(
                    f"{queue.label}: {waiting} visible and {flying} in flight,"
                    f" expected {queue.depth} and 0"
                )

    for part, series in samples.items():
        out[part] = {name: summarize(blocks) for name, blocks in series.items()}
    out["ratios"] = {
        name: {
            "paired": paired_ratio(
                out["deep"][name]["round_means_us"], out["shallow"][name]["round_means_us"]
            ),
            "medians": round(out["deep"][name]["median_us"] / out["shallow"][name]["median_us"], 3),
            "medians_vs_before_fill": round(
                out["deep"][name]["median_us"] / out["before_fill"][name]["median_us"], 3
            ),
        }
        for name in FIFO_SERIES
    }
    return out


# -- the report -----------------------------------------------------------------


def version(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def git_state() -> dict[str, Any]:
    def git(*args: str) -> str:
        try:
            return subprocess.run(
                ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True
            ).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return ""

    return {
        "commit": git("rev-parse", "--short", "HEAD") or None,
        "package_dirty": bool(git("status", "--porcelain", "--", "pytest_sqs")),
        "package_path": str(Path(pytest_sqs.__file__).parent),
    }


def machine() -> dict[str, Any]:
    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "boto3": version("boto3"),
        "botocore": version("botocore"),
        "moto": version("moto"),
    }


SCALING_ROWS = (
    ("depth_10_before_fill", "10 (before the deep fill)"),
    ("depth_10", "10 (alongside the deep queue)"),
)


def scaling_rows(scale: dict[str, Any]) -> list[tuple[str, str]]:
    deep = scale["deep_depth"]
    return [*SCALING_ROWS, (f"depth_{deep}", f"{deep:,}")]


def fifo_rows(fifo: dict[str, Any]) -> list[tuple[str, str]]:
    per_group = fifo["messages_per_group"]
    deep = f"{fifo['deep_groups']:,} groups of {per_group} ({fifo['deep_messages']:,} messages)"
    return [
        ("before_fill", f"1 group of {per_group} (before the deep fill)"),
        ("shallow", f"1 group of {per_group} (alongside the deep queue)"),
        ("deep", deep),
    ]


def render_text(report: dict[str, Any]) -> str:
    lines = []
    part = report.get("per_call")
    if part:
        results = part["results"]
        names = [v for v in VARIANTS if v in results]
        lines.append(
            "per call, µs: median of all calls [median of round means];"
            " ratios: paired by round [of the medians]"
        )
        header = f"{'operation':<20}" + "".join(f"{n:>20}" for n in names)
        lines.append(header + f"{'ours/stub':>18}{'moto/ours':>18}")
        for op in OPERATIONS:
            row = f"{op:<20}"
            for name in names:
                r = results[name][op]
                row += f"{r['median_us']:>11.1f} [{r['mean_us']:.1f}]".rjust(20)
            ratio = report["ratios"][op]
            for key in ("pytest_sqs_over_stubber", "moto_over_pytest_sqs"):
                cell = f"{fmt(ratio[key], 'x')} [{fmt(ratio[key + '_medians'], 'x')}]"
                row += f"{cell:>18}"
            lines.append(row)
    scale = report.get("scaling")
    if scale:
        lines.append("")
        lines.append(
            "pytest-sqs receive_message + delete_message cycle, µs:"
            " median of all cycles [median of block means]"
        )
        for key, label in scaling_rows(scale):
            r = scale[key]
            lines.append(f"  {label + ' queued':<40}{r['median_us']:>8.1f} [{r['mean_us']:.1f}]")
        lines.append(
            f"  ratio deep / 10: {scale['ratio_deep_over_10']:.3f}x paired by block"
            f" [{scale['ratio_deep_over_10_medians']:.3f}x of the medians;"
            f" {scale['ratio_deep_over_10_before_fill_medians']:.3f}x vs before the fill]"
        )
        lines.append(
            f"  fill: {scale['fill_seconds']} s, +{scale['fill_rss_growth_mib']} MiB RSS;"
            f" one full GC pass afterwards: {scale['full_gc_after_fill_seconds']} s"
        )
    fifo = report.get("fifo")
    if fifo:
        lines.append("")
        lines.append(
            "pytest-sqs FIFO queue, µs per cycle: median of all cycles [median of block means]"
        )
        lines.append(f"  {'':<44}" + "".join(f"{n:>22}" for n in FIFO_SERIES))
        for key, label in fifo_rows(fifo):
            cells = "".join(
                f"{fifo[key][n]['median_us']:>11.1f} [{fifo[key][n]['mean_us']:.1f}]".rjust(22)
                for n in FIFO_SERIES
            )
            lines.append(f"  {label:<44}{cells}")
        cells = "".join(
            f"{r['paired']:.3f}x [{r['medians']:.3f}x]".rjust(22)
            for r in (fifo["ratios"][n] for n in FIFO_SERIES)
        )
        lines.append(f"  {'ratio deep / 1 group: paired [medians]':<44}{cells}")
        cells = "".join(
            f"{fifo['ratios'][n]['medians_vs_before_fill']:.3f}x".rjust(22) for n in FIFO_SERIES
        )
        lines.append(f"  {'ratio of the medians vs before the fill':<44}{cells}")
        lines.append(
            f"  fill: {fifo['fill_seconds']} s, +{fifo['fill_rss_growth_mib']} MiB RSS"
            f" (of which ~{fifo['bookkeeping_mib']} MiB the benchmark's expected ids);"
            f" one full GC pass afterwards: {fifo['full_gc_after_fill_seconds']} s"
        )
    verdict_lines = report.get("verdicts")
    if verdict_lines:
        lines.append("")
        lines.extend(f"  {name}: {verdict}" for name, verdict in verdict_lines.items())
    return "\n".join(lines)


def render_markdown(report: dict[str, Any]) -> str:
    lines = []
    part = report.get("per_call")
    if part:
        results = part["results"]
        names = [v for v in VARIANTS if v in results]
        lines.append(
            "| operation | "
            + " | ".join(f"{n}, µs" for n in names)
            + " | pytest-sqs / Stubber | moto / pytest-sqs |"
        )
        lines.append("|---" + "|--:" * (len(names) + 2) + "|")
        for op in OPERATIONS:
            cells = [
                f"{results[n][op]['median_us']:.1f} [{results[n][op]['mean_us']:.1f}]"
                for n in names
            ]
            ratio = report["ratios"][op]
            ratios = [
                f"**{fmt(ratio[key], '×')}** [{fmt(ratio[key + '_medians'], '×')}]"
                for key in ("pytest_sqs_over_stubber", "moto_over_pytest_sqs")
            ]
            lines.append(f"| `{op}` | " + " | ".join(cells + ratios) + " |")
    scale = report.get("scaling")
    if scale:
        lines.append("")
        lines.append("| messages queued | receive + delete, µs per cycle |")
        lines.append("|---|--:|")
        for key, label in scaling_rows(scale):
            r = scale[key]
            lines.append(f"| {label} | {r['median_us']:.1f} [{r['mean_us']:.1f}] |")
        lines.append(
            f"| **ratio {scale['deep_depth']:,} / 10** | "
            f"**{scale['ratio_deep_over_10']:.3f}×** [{scale['ratio_deep_over_10_medians']:.3f}×] |"
        )
    fifo = report.get("fifo")
    if fifo:
        lines.append("")
        lines.append(
            "| FIFO queue | "
            + " | ".join(f"{FIFO_SERIES_LABELS[n]}, µs" for n in FIFO_SERIES)
            + " |"
        )
        lines.append("|---" + "|--:" * len(FIFO_SERIES) + "|")
        for key, label in fifo_rows(fifo):
            cells = [
                f"{fifo[key][n]['median_us']:.1f} [{fifo[key][n]['mean_us']:.1f}]"
                for n in FIFO_SERIES
            ]
            lines.append(f"| {label} | " + " | ".join(cells) + " |")
        cells = [
            f"**{r['paired']:.3f}×** [{r['medians']:.3f}×]"
            for r in (fifo["ratios"][n] for n in FIFO_SERIES)
        ]
        lines.append(
            f"| **ratio {fifo['deep_groups']:,} groups / 1 group** | " + " | ".join(cells) + " |"
        )
    return "\n".join(lines)


def fmt(value: float | None, suffix: str) -> str:
    return "-" if value is None else f"{value:.2f}{suffix}"


def verdicts(report: dict[str, Any]) -> dict[str, str]:
    """Each target against the paired ratio, with the ratio of the medians beside it."""
    out: dict[str, str] = {}

    def judge(paired: float, medians: float, target: float) -> str:
        status = "meets" if paired <= target else "MISSES"
        return f"{paired:.3f}x (of the medians: {medians:.3f}x), {status} target <= {target}x"

    for op, ratio in report.get("ratios", {}).items():
        if ratio["pytest_sqs_over_stubber"] is not None:
            out[f"{op} pytest-sqs/Stubber"] = judge(
                ratio["pytest_sqs_over_stubber"],
                ratio["pytest_sqs_over_stubber_medians"],
                TARGET_PER_CALL,
            )
    scale = report.get("scaling")
    if scale:
        out[f"scaling {scale['deep_depth']:,}/10"] = judge(
            scale["ratio_deep_over_10"], scale["ratio_deep_over_10_medians"], TARGET_SCALING
        )
    fifo = report.get("fifo")
    if fifo:
        for name in FIFO_SERIES:
            ratio = fifo["ratios"][name]
            out[f"fifo {fifo['deep_groups']:,} groups/1 group, {FIFO_SERIES_LABELS[name]}"] = judge(
                ratio["paired"], ratio["medians"], TARGET_FIFO
            )
    return out


# -- main -----------------------------------------------------------------------


def settle_environment() -> None:
    """Fake credentials, no instance metadata: no client may look for real ones."""
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        os.environ.pop(name, None)
    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing",
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_DEFAULT_REGION": REGION,
        }
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a fast, rougher run")
    parser.add_argument("--json", type=Path, help="write the results as JSON here")
    parser.add_argument("--markdown", action="store_true", help="also print Markdown tables")
    parser.add_argument("--load", type=Path, help="render a saved JSON instead of running")
    parser.add_argument("--gc", action="store_true", help="leave the GC on in timed loops")
    parser.add_argument("--cycles", type=int, help="send/receive/delete cycles per round")
    parser.add_argument("--rounds", type=int, help="measured rounds per variant")
    parser.add_argument("--deep", type=int, help="depth of the deep queue (default 1,000,000)")
    parser.add_argument(
        "--groups", type=int, help="groups of the deep FIFO queue (default 100,000)"
    )
    parser.add_argument(
        "--only", choices=("per-call", "scaling", "fifo"), help="run one part of the benchmark"
    )
    parser.add_argument(
        "--variants", default=",".join(VARIANTS), help="comma-separated subset of " + str(VARIANTS)
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.load:
        saved = json.loads(args.load.read_text())
        print(render_markdown(saved) if args.markdown else render_text(saved))
        return 0

    settle_environment()
    variants = tuple(v for v in args.variants.split(",") if v)
    unknown = set(variants) - set(VARIANTS)
    if unknown:
        raise SystemExit(f"unknown variants: {sorted(unknown)}")
    settings = Settings(
        round_cycles=args.cycles or (20 if args.quick else 40),
        moto_cycles=5 if args.quick else 10,
        rounds=args.rounds or (5 if args.quick else 30),
        variants=variants,
        deep=args.deep or (100_000 if args.quick else 1_000_000),
        block_cycles=50 if args.quick else 100,
        blocks=5 if args.quick else 25,
        fifo_groups=args.groups or (10_000 if args.quick else 100_000),
        fifo_batch_cycles=10 if args.quick else 20,
        gc_enabled=args.gc,
    )
    report: dict[str, Any] = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "git": git_state(),
        "settings": {**settings.__dict__, "quick": args.quick},
        "targets": {"per_call": TARGET_PER_CALL, "scaling": TARGET_SCALING, "fifo": TARGET_FIFO},
    }
    # Other processes on the machine add noise; the load average says how much.
    load_start = round(os.getloadavg()[0], 2)
    began = time.perf_counter()
    if args.only in (None, "per-call"):
        print(
            f"per call: {settings.rounds} rounds x {settings.round_cycles} cycles", file=sys.stderr
        )
        report["per_call"] = per_call(settings)
        report["ratios"] = per_call_ratios(report["per_call"]["results"])
    if args.only in (None, "scaling"):
        print(f"scaling: filling {settings.deep:,} messages", file=sys.stderr)
        report["scaling"] = scaling(settings)
    if args.only in (None, "fifo"):
        fifo_messages = settings.fifo_groups * FIFO_PER_GROUP
        print(
            f"fifo: filling {settings.fifo_groups:,} groups, {fifo_messages:,} messages",
            file=sys.stderr,
        )
        report["fifo"] = fifo_scaling(settings)
    report["verdicts"] = verdicts(report)
    report["load_average_1m"] = {"start": load_start, "end": round(os.getloadavg()[0], 2)}
    report["total_seconds"] = round(time.perf_counter() - began, 1)

    print(render_text(report))
    print(f"\ntotal {report['total_seconds']} s", file=sys.stderr)
    if args.markdown:
        print()
        print(render_markdown(report))
    if args.json:
        args.json.write_text(json.dumps(report, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
