"""Concurrency stress: many threads, one simulator, and nothing lost, duplicated or reordered.

In-process (``mock_sqs``, every thread with its own boto3 client) and over HTTP
(``SQSServer``, up to 32 client threads plus misbehaving raw sockets), each test checks
the delivery guarantees from the clients' side:

- every message sent is received and deleted exactly once (visibility timeouts are long
  enough that no redelivery is legitimate, so any second delivery is a violation);
- no message (standard) and no message group (FIFO) is in flight to two consumers at once;
- FIFO groups are delivered in send order;
- long polls are woken by sends and by ``advance()`` from other threads, promptly.

Every thread is joined with a timeout: a test fails, it does not hang.  The figures quoted
in docs/guarantees.md are the module constants below (``TOTAL_MESSAGES``...) and the
measured latencies, printed at the end of the module (visible with ``-s``).
"""

from __future__ import annotations

import http.client
import json
import queue as queue_module
import socket
import statistics
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from typing import Any

import boto3
import pytest
from botocore.config import Config

from pytest_sqs import SQSServer, mock_sqs

REGION = "us-east-1"
ACCOUNT = "123456789012"
START = datetime(2030, 1, 1, tzinfo=timezone.utc)
JOIN_TIMEOUT_S = 20.0  # per test, for all its threads together

# -- the figures (docs/guarantees.md quotes them) -------------------------------------

POLICIES = ("real", "fast-forward")  # the standard and FIFO scenarios run under both
STANDARD_PRODUCERS = STANDARD_CONSUMERS = 4
STANDARD_PER_PRODUCER = 500  # half in batches of 10, half one by one
STANDARD_MESSAGES = STANDARD_PRODUCERS * STANDARD_PER_PRODUCER  # 2,000 per policy
FIFO_PRODUCERS = 4
FIFO_GROUPS_PER_PRODUCER = 5
FIFO_PER_PRODUCER = 250
FIFO_MESSAGES = FIFO_PRODUCERS * FIFO_PER_PRODUCER  # 1,000 per policy, in 20 groups
FIFO_BATCHES = (1, 3, 7, 10)  # each consumer's MaxNumberOfMessages
LATENCY_SENDS = 50
LATENCY_CONSUMERS = 4
VISIBILITY_MESSAGES = 200  # each delivered twice: to a crashing consumer, then for real
VISIBILITY_CONSUMERS = 4
HTTP_CLIENTS = 32
HTTP_PER_CLIENT = 25
HTTP_MESSAGES = HTTP_CLIENTS * HTTP_PER_CLIENT  # 800 per HTTP test
# What each client does between turns while the faults are injected: enough that the 32
# clients do not saturate the two cores (one GIL for clients and server), so that their
# latency shows the server's responsiveness rather than a queue for the CPU.
THINK_S = 0.2
HTTP_LIGHT_PER_CLIENT = 10  # the load behind the vanishing long poll
# Messages pushed through the simulator by one run of this module (stop messages of the
# latency test and the fault injectors' few messages not counted).
TOTAL_MESSAGES = (
    len(POLICIES) * (STANDARD_MESSAGES + FIFO_MESSAGES)
    + LATENCY_SENDS
    + VISIBILITY_MESSAGES
    + 2 * HTTP_MESSAGES
    + HTTP_CLIENTS * HTTP_LIGHT_PER_CLIENT
)
# Deliveries (a message received twice counts twice).
TOTAL_DELIVERIES = TOTAL_MESSAGES + VISIBILITY_MESSAGES
# Measured values, filled in by the tests and printed at the end of the module.
FIGURES: dict[str, str] = {}


@pytest.fixture(scope="module", autouse=True)
def print_figures(pytestconfig: pytest.Config) -> Iterator[None]:
    yield
    lines = [
        f"concurrency stress: {TOTAL_MESSAGES} messages, {TOTAL_DELIVERIES} deliveries "
        "(if every test of the module ran)",
        *(f"  {name}: {value}" for name, value in FIGURES.items()),
    ]
    reporter = pytestconfig.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line("")
        for line in lines:
            reporter.write_line(line)
    else:
        print("\n".join(lines))


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


# -- threads that fail the test instead of hanging it ---------------------------------


class Workers:
    """Threads whose exceptions are collected and which are joined with one deadline."""

    def __init__(self) -> None:
        self.threads: list[threading.Thread] = []
        self.errors: list[tuple[str, BaseException]] = []
        self.stop = threading.Event()  # set when one fails, or to end them all

    def spawn(self, name: str, target: Callable[..., None], *args: Any) -> None:
        def run() -> None:
            try:
                target(*args)
            except BaseException as exc:  # reported by join()
                self.errors.append((name, exc))
                self.stop.set()

        thread = threading.Thread(target=run, name=name, daemon=True)
        self.threads.append(thread)
        thread.start()

    def join(self, timeout: float = JOIN_TIMEOUT_S) -> None:
        """Wait for every thread; fail if one raised or is still running at the deadline."""
        __tracebackhide__ = True
        deadline = time.monotonic() + timeout
        for thread in self.threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        self.stop.set()  # stragglers stop at their next turn
        if self.errors:
            name, exc = self.errors[0]
            raise AssertionError(
                f"{len(self.errors)} thread(s) failed; first {name}: {exc!r}"
            ) from exc
        hung = [thread.name for thread in self.threads if thread.is_alive()]
        assert hung == [], f"threads still running after {timeout} s: {hung}"

    def abandon(self) -> None:
        """Stop the threads of a test that failed early (bounded wait, no assertion)."""
        self.stop.set()
        deadline = time.monotonic() + 5
        for thread in self.threads:
            thread.join(max(0.0, deadline - time.monotonic()))


# -- the ledger of a standard queue ----------------------------------------------------


class Ledger:
    """What the consumers of a standard queue saw, checked as they see it.

    A consumer calls :meth:`received` when its ReceiveMessage returns and
    :meth:`releasing` just before its delete: the interval it records lies inside the
    server's in-flight interval, so two overlapping records are a real violation.
    """

    def __init__(self, expected: int, receive_count: str = "1") -> None:
        self.lock = threading.Lock()
        self.expected = expected
        self.receive_count = receive_count
        self.sent: dict[str, str] = {}  # message id -> body, from the send answers
        self.receipts: list[tuple[str, str, str, str]] = []  # (id, handle, consumer, body)
        self.holder: dict[str, str] = {}  # message id -> the consumer holding it in flight
        self.violations: list[str] = []
        self.deleted = 0
        self.done = threading.Event()  # every expected message deleted

    def sent_ok(self, answers: list[tuple[str, str]]) -> None:
        with self.lock:
            self.sent.update(answers)

    def received(self, consumer: str, messages: list[dict[str, Any]]) -> None:
        with self.lock:
            for message in messages:
                message_id = message["MessageId"]
                other = self.holder.get(message_id)
                if other is not None:
                    self.violations.append(
                        f"{message_id} in flight to {other} and {consumer} at once"
                    )
                count = message.get("Attributes", {}).get("ApproximateReceiveCount")
                if count != self.receive_count:
                    self.violations.append(
                        f"{message_id} delivered to {consumer} with receive count {count}"
                    )
                self.holder[message_id] = consumer
                self.receipts.append(
                    (message_id, message["ReceiptHandle"], consumer, message["Body"])
                )

    def releasing(self, consumer: str, messages: list[dict[str, Any]]) -> None:
        with self.lock:
            for message in messages:
                if self.holder.get(message["MessageId"]) == consumer:
                    del self.holder[message["MessageId"]]

    def deleted_ok(self, count: int) -> None:
        with self.lock:
            self.deleted += count
            if self.deleted >= self.expected:
                self.done.set()

    def assert_exactly_once(self, expected_bodies: set[str]) -> None:
        __tracebackhide__ = True
        assert self.violations == []
        ids = [receipt[0] for receipt in self.receipts]
        duplicates = {i: n for i, n in Counter(ids).items() if n > 1}
        assert duplicates == {}, f"delivered more than once: {duplicates}"
        assert len(self.sent) == self.expected
        assert set(self.sent.values()) == expected_bodies
        assert set(ids) == set(self.sent), "lost or unknown messages"
        assert {(r[0], r[3]) for r in self.receipts} == set(self.sent.items())
        handles = [receipt[1] for receipt in self.receipts]
        assert len(set(handles)) == len(handles)
        assert self.deleted == self.expected
        assert self.holder == {}


def work() -> None:
    """A consumer processing what it received: it holds the messages in flight a while,
    so that another consumer given them meanwhile would be seen holding them too."""
    time.sleep(0.002)


def delete_all(client: Any, url: str, messages: list[dict[str, Any]]) -> int:
    """Delete received messages (one by one when there is one); returns how many went."""
    if len(messages) == 1:
        client.delete_message(QueueUrl=url, ReceiptHandle=messages[0]["ReceiptHandle"])
        return 1
    answer = client.delete_message_batch(
        QueueUrl=url,
        Entries=[
            {"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]} for n, m in enumerate(messages)
        ],
    )
    assert "Failed" not in answer, answer.get("Failed")
    return len(answer["Successful"])


def assert_counts_zero(client: Any, url: str) -> None:
    __tracebackhide__ = True
    names = [
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesNotVisible",
        "ApproximateNumberOfMessagesDelayed",
    ]
    attributes = client.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
    assert attributes == dict.fromkeys(names, "0")


def in_process_clients(count: int) -> list[Any]:
    """``count`` boto3 clients (made here, in this thread: client creation is not
    thread-safe), answered by the active mock."""
    session = boto3.session.Session()
    return [session.client("sqs", region_name=REGION) for _ in range(count)]


STOP = "stop"  # the body that tells a consumer to finish


def stop_consumers(client: Any, url: str, workers: Workers) -> None:
    """End consumers that may be in a long poll: send stop messages until every one has
    finished (a poll that began before the queue emptied would otherwise wait out its
    time), join them, then delete the stop messages nobody took."""
    __tracebackhide__ = True
    deadline = time.monotonic() + 5
    while any(t.is_alive() for t in workers.threads) and time.monotonic() < deadline:
        client.send_message(QueueUrl=url, MessageBody=STOP)
        time.sleep(0.02)
    workers.join(timeout=1)
    while messages := client.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages"):
        assert {m["Body"] for m in messages} == {STOP}
        delete_all(client, url, messages)


def clock_for(policy: str) -> str:
    # "real" waits in real time: a wall clock.  "fast-forward" jumps the clock: a manual
    # one, so that only long polls move it and the test can bound how far it went.
    return "wall" if policy == "real" else "manual"


# Long enough that no redelivery is legitimate: under "fast-forward" every empty long poll
# of 1 s moves the clock by 1 s, so the bound is checked at the end of each test.
VISIBILITY_S = 43200
WAIT_S = 1


# -- 1. standard queue, in-process -----------------------------------------------------


@pytest.mark.parametrize("policy", POLICIES)
def test_standard_queue_four_producers_four_consumers_exactly_once(policy: str) -> None:
    total = STANDARD_MESSAGES
    ledger = Ledger(total)
    expected = {
        f"p{p}-{i:04d}" for p in range(STANDARD_PRODUCERS) for i in range(STANDARD_PER_PRODUCER)
    }
    workers = Workers()
    with mock_sqs(long_poll=policy, clock=clock_for(policy), region=REGION, seed=1) as mock:
        clients = in_process_clients(STANDARD_PRODUCERS + STANDARD_CONSUMERS)
        url = clients[0].create_queue(QueueName="stress")["QueueUrl"]
        clock_at_start = mock.clock.now()

        def produce(client: Any, p: int) -> None:
            i = 0
            while i < STANDARD_PER_PRODUCER and not workers.stop.is_set():
                if (i // 10) % 2 == 0:  # ten in one batch, then ten one by one
                    bodies = [f"p{p}-{i + k:04d}" for k in range(10)]
                    answer = client.send_message_batch(
                        QueueUrl=url,
                        Entries=[{"Id": str(k), "MessageBody": b} for k, b in enumerate(bodies)],
                    )
                    assert "Failed" not in answer, answer.get("Failed")
                    ids = {int(e["Id"]): e["MessageId"] for e in answer["Successful"]}
                    ledger.sent_ok([(ids[k], b) for k, b in enumerate(bodies)])
                    i += 10
                else:
                    body = f"p{p}-{i:04d}"
                    answer = client.send_message(QueueUrl=url, MessageBody=body)
                    ledger.sent_ok([(answer["MessageId"], body)])
                    i += 1

        def consume(client: Any, name: str) -> None:
            while not ledger.done.is_set() and not workers.stop.is_set():
                messages = client.receive_message(
                    QueueUrl=url,
                    MaxNumberOfMessages=10,
                    WaitTimeSeconds=WAIT_S,
                    VisibilityTimeout=VISIBILITY_S,
                    MessageSystemAttributeNames=["ApproximateReceiveCount"],
                ).get("Messages", [])
                if messages:
                    ledger.received(name, messages)
                    work()
                    ledger.releasing(name, messages)
                    ledger.deleted_ok(delete_all(client, url, messages))

        started = time.monotonic()
        for p in range(STANDARD_PRODUCERS):
            workers.spawn(f"producer-{p}", produce, clients[p], p)
        for c in range(STANDARD_CONSUMERS):
            workers.spawn(f"consumer-{c}", consume, clients[STANDARD_PRODUCERS + c], f"c{c}")
        workers.join()
        elapsed = time.monotonic() - started

        ledger.assert_exactly_once(expected)
        mock.queue("stress").assert_empty()
        assert_counts_zero(clients[0], url)
        moved = mock.clock.now() - clock_at_start
        assert moved < VISIBILITY_S  # so no visibility timeout ended: no redelivery was due
        assert len(mock.calls_to("SendMessage")) == total // 2
        assert len(mock.calls_to("SendMessageBatch")) == total // 20
    consumers = Counter(receipt[2] for receipt in ledger.receipts)
    FIGURES[f"standard, {policy}"] = (
        f"{total} messages, {STANDARD_PRODUCERS}+{STANDARD_CONSUMERS} threads, "
        f"{elapsed:.2f} s, per consumer {dict(sorted(consumers.items()))}, "
        f"clock moved {moved:.0f} s"
    )


# -- 2. FIFO queue, in-process ---------------------------------------------------------


@pytest.mark.parametrize("policy", POLICIES)
def test_fifo_groups_in_order_and_never_held_by_two_consumers(policy: str) -> None:
    total = FIFO_MESSAGES
    groups_of = {
        p: [f"g{p}{k}" for k in range(FIFO_GROUPS_PER_PRODUCER)] for p in range(FIFO_PRODUCERS)
    }
    lock = threading.Lock()
    sent: dict[str, list[tuple[int, str, str]]] = defaultdict(list)  # group -> (seq, id, seqno)
    delivered: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    holder: dict[str, str] = {}  # group -> the consumer holding messages of it in flight
    violations: list[str] = []
    deleted = [0]
    done = threading.Event()
    workers = Workers()

    with mock_sqs(long_poll=policy, clock=clock_for(policy), region=REGION, seed=2) as mock:
        clients = in_process_clients(FIFO_PRODUCERS + len(FIFO_BATCHES))
        url = clients[0].create_queue(QueueName="stress.fifo", Attributes={"FifoQueue": "true"})[
            "QueueUrl"
        ]
        clock_at_start = mock.clock.now()

        def produce(client: Any, p: int) -> None:
            groups = groups_of[p]
            # Message i goes to group i % 5 with sequence i // 5: the groups interleave.
            plan = [(groups[i % len(groups)], i // len(groups)) for i in range(FIFO_PER_PRODUCER)]
            i = 0
            while i < len(plan) and not workers.stop.is_set():
                chunk = plan[i : i + 10] if (i // 10) % 2 == 0 else plan[i : i + 1]
                entries = [
                    {
                        "Id": str(k),
                        "MessageBody": f"{group}-{seq:03d}",
                        "MessageGroupId": group,
                        "MessageDeduplicationId": f"{group}-{seq:03d}",
                    }
                    for k, (group, seq) in enumerate(chunk)
                ]
                if len(entries) == 1:
                    params = {k: v for k, v in entries[0].items() if k != "Id"}
                    answer = client.send_message(QueueUrl=url, **params)
                    results = [(chunk[0], answer["MessageId"], answer["SequenceNumber"])]
                else:
                    answer = client.send_message_batch(QueueUrl=url, Entries=entries)
                    assert "Failed" not in answer, answer.get("Failed")
                    by_id = {int(e["Id"]): e for e in answer["Successful"]}
                    results = [
                        (chunk[k], by_id[k]["MessageId"], by_id[k]["SequenceNumber"])
                        for k in range(len(chunk))
                    ]
                with lock:  # only this producer sends to these groups
                    for (group, seq), message_id, number in results:
                        sent[group].append((seq, message_id, number))
                i += len(chunk)

        def consume(client: Any, name: str, batch: int) -> None:
            while not done.is_set() and not workers.stop.is_set():
                messages = client.receive_message(
                    QueueUrl=url,
                    MaxNumberOfMessages=batch,
                    WaitTimeSeconds=WAIT_S,
                    VisibilityTimeout=VISIBILITY_S,
                    MessageSystemAttributeNames=["All"],
                ).get("Messages", [])
                if not messages:
                    continue
                groups = {m["Attributes"]["MessageGroupId"] for m in messages}
                with lock:
                    for group in sorted(groups):
                        if group in holder:
                            violations.append(f"group {group} held by {holder[group]} and {name}")
                        holder[group] = name
                    for m in messages:
                        attributes = m["Attributes"]
                        group = attributes["MessageGroupId"]
                        seq = int(m["Body"].rsplit("-", 1)[1])
                        number = attributes["SequenceNumber"]
                        delivered[group].append((seq, m["MessageId"], number))
                        if attributes["ApproximateReceiveCount"] != "1":
                            violations.append(f"{m['Body']} received again by {name}")
                work()
                with lock:  # released before the delete frees the group
                    for group in groups:
                        if holder.get(group) == name:
                            del holder[group]
                count = delete_all(client, url, messages)
                with lock:
                    deleted[0] += count
                    if deleted[0] >= total:
                        done.set()

        started = time.monotonic()
        for p in range(FIFO_PRODUCERS):
            workers.spawn(f"producer-{p}", produce, clients[p], p)
        time.sleep(0.05)  # a backlog in every group, so that receives split groups' runs
        for c, batch in enumerate(FIFO_BATCHES):
            client = clients[FIFO_PRODUCERS + c]
            workers.spawn(f"consumer-{c}", consume, client, f"c{c}", batch)
        workers.join()
        elapsed = time.monotonic() - started

        assert violations == []
        assert deleted[0] == total
        all_groups = sorted(g for groups in groups_of.values() for g in groups)
        assert sorted(sent) == sorted(delivered) == all_groups
        per_group = FIFO_PER_PRODUCER // FIFO_GROUPS_PER_PRODUCER
        for group in all_groups:
            # Send order is sequence order, and sequence numbers grow with it ...
            assert [seq for seq, _, _ in sent[group]] == list(range(per_group))
            numbers = [int(n) for _, _, n in sent[group]]
            assert numbers == sorted(numbers) and len(set(numbers)) == per_group
            # ... and each group is delivered exactly once each, in that order.
            assert delivered[group] == sent[group], f"group {group}"
        mock.queue("stress.fifo").assert_empty()
        assert mock.queue("stress.fifo").locked_groups == {}
        assert_counts_zero(clients[0], url)
        moved = mock.clock.now() - clock_at_start
        assert moved < VISIBILITY_S
    FIGURES[f"FIFO, {policy}"] = (
        f"{total} messages in {len(all_groups)} groups, {FIFO_PRODUCERS}+{len(FIFO_BATCHES)} "
        f"threads, {elapsed:.2f} s, clock moved {moved:.0f} s"
    )


# -- 3. long polls woken by sends -------------------------------------------------------


def test_real_long_polls_are_woken_by_sends_from_another_thread() -> None:
    sent_at: dict[int, float] = {}
    got: dict[int, tuple[float, float, str]] = {}  # index -> (poll started, got at, consumer)
    acks: queue_module.Queue[int] = queue_module.Queue()
    workers = Workers()
    with mock_sqs(long_poll="real", region=REGION, seed=3) as mock:
        clients = in_process_clients(LATENCY_CONSUMERS + 1)
        url = clients[0].create_queue(QueueName="wake")["QueueUrl"]

        def consume(client: Any, name: str) -> None:
            while not workers.stop.is_set():
                polled_at = time.monotonic()
                messages = client.receive_message(QueueUrl=url, WaitTimeSeconds=5).get(
                    "Messages", []
                )
                got_at = time.monotonic()
                for m in messages:
                    client.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
                    if m["Body"] == STOP:
                        return
                    index = int(m["Body"])
                    got[index] = (polled_at, got_at, name)
                    acks.put(index)

        for c in range(LATENCY_CONSUMERS):
            workers.spawn(f"consumer-{c}", consume, clients[c + 1], f"c{c}")
        producer = clients[0]
        try:
            for index in range(LATENCY_SENDS):
                time.sleep(0.02)  # every consumer is back in its long poll
                sent_at[index] = time.monotonic()
                producer.send_message(QueueUrl=url, MessageBody=str(index))
                assert acks.get(timeout=2) == index  # else: not woken
        finally:
            for _ in range(LATENCY_CONSUMERS):  # one each: MaxNumberOfMessages is 1
                producer.send_message(QueueUrl=url, MessageBody=STOP)
        workers.join()
        mock.queue("wake").assert_empty()

    latencies = [got[i][1] - sent_at[i] for i in range(LATENCY_SENDS)]
    woken = sum(got[i][0] < sent_at[i] for i in range(LATENCY_SENDS))
    p50, p95 = statistics.median(latencies), percentile(latencies, 0.95)
    takers = Counter(got[i][2] for i in range(LATENCY_SENDS))
    FIGURES["long poll woken by a send (in-process, real)"] = (
        f"{LATENCY_SENDS} sends, {LATENCY_CONSUMERS} consumers waiting, p50 {ms(p50)}, "
        f"p95 {ms(p95)}, max {ms(max(latencies))}; {woken}/{LATENCY_SENDS} taken by a poll "
        f"that began before the send; per consumer {dict(sorted(takers.items()))}"
    )
    assert p95 < 0.5
    # The point is the wake-up: most messages go to a poll that was already waiting.
    assert woken >= LATENCY_SENDS * 0.9
    assert len(takers) > 1  # not always the same consumer


# -- 4. visibility timeouts under threads ------------------------------------------------


def test_crashed_consumers_messages_come_back_after_advance_and_go_exactly_once_more() -> None:
    total = VISIBILITY_MESSAGES
    crashed = Ledger(total)
    healed = Ledger(total, receive_count="2")
    woken_at: list[float] = []
    with mock_sqs(clock="manual", start=START, long_poll="real", region=REGION, seed=4) as mock:
        clients = in_process_clients(VISIBILITY_CONSUMERS + 1)  # the last one is the test's
        url = clients[-1].create_queue(QueueName="crashy")["QueueUrl"]
        for first in range(0, total, 10):
            bodies = [f"m{i:03d}" for i in range(first, first + 10)]
            answer = clients[-1].send_message_batch(
                QueueUrl=url,
                Entries=[{"Id": str(k), "MessageBody": b} for k, b in enumerate(bodies)],
            )
            assert "Failed" not in answer
            ids = {int(e["Id"]): e["MessageId"] for e in answer["Successful"]}
            crashed.sent_ok([(ids[k], b) for k, b in enumerate(bodies)])
            healed.sent_ok([(ids[k], b) for k, b in enumerate(bodies)])
        expected = set(crashed.sent.values())

        # Phase 1: consumers take everything with a 1 s visibility timeout and "crash".
        phase1 = Workers()

        def crash(client: Any, name: str) -> None:
            while not phase1.stop.is_set():
                messages = client.receive_message(
                    QueueUrl=url,
                    MaxNumberOfMessages=10,
                    VisibilityTimeout=1,
                    MessageSystemAttributeNames=["ApproximateReceiveCount"],
                ).get("Messages", [])
                if not messages:
                    return  # all in flight (the clock stands still)
                crashed.received(name, messages)  # and never deleted

        for c in range(VISIBILITY_CONSUMERS):
            phase1.spawn(f"crash-{c}", crash, clients[c], f"c{c}")
        phase1.join()
        assert crashed.violations == []
        assert sorted(r[3] for r in crashed.receipts) == sorted(expected)
        view = mock.queue("crashy")
        assert (len(view.visible), len(view.in_flight)) == (0, total)

        # Phase 2: healthy consumers long-poll; the main thread's advance wakes them.
        phase2 = Workers()

        def heal(client: Any, name: str) -> None:
            wait = 5  # the first poll is the one advance() must wake
            while not phase2.stop.is_set():
                messages = client.receive_message(
                    QueueUrl=url,
                    MaxNumberOfMessages=10,
                    WaitTimeSeconds=wait,
                    VisibilityTimeout=300,
                    MessageSystemAttributeNames=["ApproximateReceiveCount"],
                ).get("Messages", [])
                wait = 1
                batch = [m for m in messages if m["Body"] != STOP]
                if batch:
                    woken_at.append(time.monotonic())
                    healed.received(name, batch)
                    work()
                    healed.releasing(name, batch)
                    healed.deleted_ok(delete_all(client, url, batch))
                if len(batch) < len(messages):
                    delete_all(client, url, [m for m in messages if m["Body"] == STOP])
                    return

        for c in range(VISIBILITY_CONSUMERS):
            phase2.spawn(f"heal-{c}", heal, clients[c], f"h{c}")
        time.sleep(0.3)  # they are all waiting: nothing is visible yet
        assert healed.receipts == []
        advanced_at = time.monotonic()
        mock.advance(2)
        healed.done.wait(10)
        stop_consumers(clients[-1], url, phase2)

        healed.assert_exactly_once(expected)
        first_handles = {r[0]: r[1] for r in crashed.receipts}
        assert all(first_handles[r[0]] != r[1] for r in healed.receipts)
        for message_id in healed.sent:
            assert [e.event for e in view.history(message_id)] == [
                "sent",
                "received",
                "visible again",
                "received",
                "deleted",
            ]
            mock.assert_redelivered("crashy", message_id, times=1)
        view.assert_empty()
        assert_counts_zero(clients[-1], url)
    wake = min(woken_at) - advanced_at
    FIGURES["advance() wakes long polls (in-process, manual clock)"] = (
        f"{total} messages x 2 deliveries, {VISIBILITY_CONSUMERS} threads, first message "
        f"{ms(wake)} after advance()"
    )
    assert wake < 0.5


# -- 5. and 6. over HTTP ----------------------------------------------------------------


@pytest.fixture
def server() -> Iterator[SQSServer]:
    """A server whose clock stands still: no visibility timeout ever ends by itself."""
    with SQSServer(clock="manual", start=START, seed=5) as running:
        yield running
        assert running.bugs == []


def http_clients(server: SQSServer, count: int) -> list[Any]:
    # One session (cheap clients); no retries, so that a retried send cannot make a
    # legitimate duplicate and an error shows instead of being papered over.
    session = boto3.session.Session()
    config = Config(retries={"total_max_attempts": 1}, read_timeout=30, connect_timeout=5)
    return [
        session.client(
            "sqs",
            endpoint_url=server.endpoint_url,
            region_name=REGION,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            config=config,
        )
        for _ in range(count)
    ]


class Load:
    """``HTTP_CLIENTS`` threads, each sending its messages and consuming anyone's."""

    def __init__(
        self, server: SQSServer, per_client: int, *, think_s: float = 0.0, queue_name: str = "load"
    ) -> None:
        self.per_client = per_client
        self.think_s = think_s
        self.total = HTTP_CLIENTS * per_client
        self.ledger = Ledger(self.total)
        self.workers = Workers()
        self.clients = http_clients(server, HTTP_CLIENTS)
        self.url = self.clients[0].create_queue(QueueName=queue_name)["QueueUrl"]
        self.queue_name = queue_name
        self.calls: list[tuple[float, float]] = []  # (start, end) of calls that do not wait
        self.started = self.ended = 0.0

    def expected(self) -> set[str]:
        return {f"c{c:02d}-{i:03d}" for c in range(HTTP_CLIENTS) for i in range(self.per_client)}

    def timed(self, call: Callable[..., dict[str, Any]], **params: Any) -> dict[str, Any]:
        began = time.monotonic()
        answer = call(**params)
        self.calls.append((began, time.monotonic()))
        return answer

    def run_client(self, c: int) -> None:
        client, url, ledger, name = self.clients[c], self.url, self.ledger, f"c{c:02d}"
        sent = 0
        while not ledger.done.is_set() and not self.workers.stop.is_set():
            time.sleep(self.think_s)
            wait = 0
            if sent < self.per_client:  # one alone, then up to four in a batch
                body = f"{name}-{sent:03d}"
                answer = self.timed(client.send_message, QueueUrl=url, MessageBody=body)
                ledger.sent_ok([(answer["MessageId"], body)])
                bodies = [
                    f"{name}-{i:03d}" for i in range(sent + 1, min(sent + 5, self.per_client))
                ]
                sent += 1 + len(bodies)
                if bodies:
                    entries = [{"Id": str(k), "MessageBody": b} for k, b in enumerate(bodies)]
                    answer = self.timed(client.send_message_batch, QueueUrl=url, Entries=entries)
                    assert "Failed" not in answer, answer.get("Failed")
                    ids = {int(e["Id"]): e["MessageId"] for e in answer["Successful"]}
                    ledger.sent_ok([(ids[k], b) for k, b in enumerate(bodies)])
            else:
                wait = 1  # all sent: long-poll for what the others send
            began = time.monotonic()
            messages = client.receive_message(
                QueueUrl=url,
                MaxNumberOfMessages=10,
                WaitTimeSeconds=wait,
                VisibilityTimeout=300,
                MessageSystemAttributeNames=["ApproximateReceiveCount"],
            ).get("Messages", [])
            if wait == 0:
                self.calls.append((began, time.monotonic()))
            if messages:
                ledger.received(name, messages)
                work()
                ledger.releasing(name, messages)
                began = time.monotonic()
                deleted = delete_all(client, url, messages)
                self.calls.append((began, time.monotonic()))
                ledger.deleted_ok(deleted)

    def start(self) -> None:
        self.started = time.monotonic()
        for c in range(HTTP_CLIENTS):
            self.workers.spawn(f"http-client-{c:02d}", self.run_client, c)

    def finish(self, server: SQSServer) -> None:
        """Join the clients and check every guarantee."""
        __tracebackhide__ = True
        self.workers.join()
        self.ended = time.monotonic()
        self.ledger.assert_exactly_once(self.expected())
        server.queue(self.queue_name).assert_empty()
        assert_counts_zero(self.clients[0], self.url)
        assert server.bugs == []
        singles = len(server.calls_to("SendMessage", queue=self.queue_name))
        batches = server.calls_to("SendMessageBatch", queue=self.queue_name)
        assert singles + sum(len(c.params["Entries"]) for c in batches) == self.total

    def latencies(self, within: tuple[float, float] | None = None) -> list[float]:
        low, high = within or (float("-inf"), float("inf"))
        return [end - began for began, end in self.calls if began >= low and end <= high]


def test_http_32_clients_send_receive_delete_exactly_once(server: SQSServer) -> None:
    load = Load(server, HTTP_PER_CLIENT)
    load.start()
    load.finish(server)
    latencies = load.latencies()
    consumers = Counter(receipt[2] for receipt in load.ledger.receipts)
    FIGURES["HTTP, 32 clients"] = (
        f"{load.total} messages, {HTTP_CLIENTS} client threads, "
        f"{load.ended - load.started:.2f} s, {len(latencies)} calls timed: median "
        f"{ms(statistics.median(latencies))}, p95 {ms(percentile(latencies, 0.95))}; "
        f"{len(consumers)} clients received"
    )
    assert len(consumers) > 1


def raw_connection(server: SQSServer) -> socket.socket:
    return socket.create_connection(("127.0.0.1", server.port), timeout=10)


def read_until_closed(sock: socket.socket) -> bytes:
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def json_head(target: str, length: int) -> bytes:
    return (
        "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"X-Amz-Target: AmazonSQS.{target}\r\n"
        "Content-Type: application/x-amz-json-1.0\r\n"
        f"Content-Length: {length}\r\n\r\n"
    ).encode("ascii")


def test_http_faults_while_32_clients_run(server: SQSServer) -> None:
    side_client = http_clients(server, 1)[0]
    side = side_client.create_queue(QueueName="side")["QueueUrl"]
    load = Load(server, HTTP_PER_CLIENT, think_s=THINK_S)
    stuck: socket.socket | None = None
    load.start()
    try:
        time.sleep(0.1)  # the load is under way

        # (a) Half a request, then the client goes: nothing is run, nothing is answered.
        body = json.dumps({"QueueUrl": side, "MessageBody": "half"}).encode()
        with raw_connection(server) as half_closed:
            half_closed.sendall(json_head("SendMessage", 1000) + body[:10])
            half_closed.shutdown(socket.SHUT_WR)
            assert read_until_closed(half_closed) == b""
        with raw_connection(server) as gone:
            gone.sendall(json_head("SendMessage", 1000) + body[:10])
        # ... and one that stays connected, never finishing its request.
        stuck = raw_connection(server)
        stuck.sendall(json_head("SendMessage", 1000) + body[:10])

        # (b) A whole request, one byte every 20 ms (~2 s): only its connection waits.
        request = (
            f"GET /{ACCOUNT}/side?Action=SendMessage&MessageBody=slow HTTP/1.1\r\n"
            "Host: 127.0.0.1\r\n\r\n"
        ).encode("ascii")
        with raw_connection(server) as slow:
            slow_started = time.monotonic()
            for byte in request:
                slow.sendall(bytes([byte]))
                time.sleep(0.02)
            slow_ended = time.monotonic()
            answer = b""
            while b"</SendMessageResponse>" not in answer and (chunk := slow.recv(65536)):
                answer += chunk
        assert answer.startswith(b"HTTP/1.1 200 OK\r\n"), answer
        assert b"<SendMessageResponse" in answer

        load.finish(server)
    finally:
        load.workers.abandon()
        if stuck is not None:
            stuck.close()

    # The slow request ran once, the half ones never; the server kept serving.
    assert server.queue("side").bodies() == ["slow"]
    assert len(server.calls_to("SendMessage", queue="side")) == 1
    during = load.latencies((slow_started, slow_ended))
    median = statistics.median(during)
    FIGURES["HTTP, 32 clients + faults"] = (
        f"{load.total} messages, {load.ended - load.started:.2f} s, clients thinking "
        f"{THINK_S * 1000:.0f} ms between turns; while a client sent one byte per 20 ms "
        f"({slow_ended - slow_started:.1f} s): {len(during)} other calls, median {ms(median)}, "
        f"p95 {ms(percentile(during, 0.95))}"
    )
    assert len(during) >= 50  # the load ran all along the slow request
    assert median < 0.1, f"median {ms(median)} while the slow client was sending"


def test_http_long_poll_of_a_vanished_client_takes_nothing(server: SQSServer) -> None:
    load = Load(server, HTTP_LIGHT_PER_CLIENT)
    consumer = http_clients(server, 1)[0]
    url = consumer.create_queue(QueueName="vanish")["QueueUrl"]
    load.start()
    try:
        vanishing = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        request = json.dumps({"QueueUrl": url, "WaitTimeSeconds": 3, "VisibilityTimeout": 300})
        vanishing.request(
            "POST",
            "/",
            body=request.encode(),
            headers={
                "X-Amz-Target": "AmazonSQS.ReceiveMessage",
                "Content-Type": "application/x-amz-json-1.0",
            },
        )
        time.sleep(0.5)  # its long poll is waiting (the queue is empty)
        assert vanishing.sock is not None
        vanishing.sock.shutdown(socket.SHUT_RDWR)
        vanishing.close()
        time.sleep(0.1)
        # Sent after the hang-up: whatever the server's timing, the vanished client cannot
        # legitimately have it.  Its poll would still be waiting (~2.4 s left).
        sent = consumer.send_message(QueueUrl=url, MessageBody="after the hang-up")
        time.sleep(0.3)
        server.queue("vanish").assert_contains("after the hang-up", state="visible", count=1)
        messages = consumer.receive_message(
            QueueUrl=url,
            WaitTimeSeconds=1,
            MessageSystemAttributeNames=["ApproximateReceiveCount"],
        )["Messages"]
        assert [(m["MessageId"], m["Attributes"]["ApproximateReceiveCount"]) for m in messages] == [
            (sent["MessageId"], "1")
        ]
        consumer.delete_message(QueueUrl=url, ReceiptHandle=messages[0]["ReceiptHandle"])
        events = [e.event for e in server.queue("vanish").history(sent["MessageId"])]
        assert events == ["sent", "received", "deleted"]
        load.finish(server)
    finally:
        load.workers.abandon()
