"""A model-based test of the whole API at once (issue 7).

A Hypothesis ``RuleBasedStateMachine`` drives a fresh ``mock_sqs(clock="manual")`` through
boto3 only: queues (standard and FIFO, with or without a dead-letter queue) are created,
deleted, recreated and purged; messages are sent one by one and in batches (some entries
bad), received with short and long polls, deleted (one by one and in batches) and made
visible or invisible with current and stale receipt handles; dead-letter queues are
redriven by message move tasks (at once or at a rate) while the clock moves in steps
small and large.  After every step the simulator is compared with a small reference model
of SQS semantics (sqs-behaviour.md §3-§6, §8, Appendix A, and the simulator's documented
choices in docs/time.md, docs/fifo.md, docs/dead-letters.md, docs/architecture.md):

- every accepted message is live in exactly one queue and state, or has left in exactly one
  way (deleted, expired, purged, moved to a dead-letter queue, redriven, its queue deleted),
  and its history says which;
- ApproximateNumberOf{Messages, MessagesNotVisible, MessagesDelayed} are exact;
- receives return exactly what the model predicts (which messages, receive counts, system
  attributes), move a message received maxReceiveCount times to the dead-letter queue
  instead of delivering it, and long polls end at the moment the model predicts;
- FIFO: groups deliver in send order and stay locked while a message is in flight;
  duplicates within 5 minutes answer with the first MessageId; sequence numbers increase.

Order: a standard queue's delivery order is AWS's best effort, and the simulator documents
its own (docs/architecture.md): sends and ended delays join the back, a message whose
visibility timeout ends (or is set to 0) goes to the head, each in time order, and a
message received with VisibilityTimeout=0 rejoins at the back.  The model predicts that
order and holds ``view.visible`` ("what a receive would return now, in its order",
docs/inspection.md) and every receive and move task to it.  The order of a FIFO queue's
groups is not predicted: there the model reads ``view.visible`` at the instant of the
receive and holds the receive to it; within a group the order is the model's.

Inputs this machine does not generate: a long poll on a queue that a running move task
may take from or deliver to (the model would need to know the order of a FIFO dead-letter
queue's groups); such a receive is made a short poll.  The bugs the model found are each
pinned by a small test at the end of this file.

Default run: 150 examples of up to 40 steps, about 20 s on two cores.  A long run (about
two minutes per 1,000 examples):

    PYTEST_SQS_MODEL_EXAMPLES=2000 python -m pytest tests/test_model_whole_api.py

(``PYTEST_SQS_MODEL_STEPS`` sets the steps per example; add ``-s`` to see the figures.)
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import os
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from struct import pack
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from pytest_sqs import mock_sqs

REGION = "us-east-1"
ACCOUNT = "123456789012"
# Whole seconds, and every duration below is a multiple of 1/8 s: all times are exact
# binary fractions, so the model's arithmetic is exact.
START = 2_000_000_000

EXAMPLES = int(os.environ.get("PYTEST_SQS_MODEL_EXAMPLES", "150"))
STEPS = int(os.environ.get("PYTEST_SQS_MODEL_STEPS", "40"))

STANDARD_NAMES = ("alpha", "beta", "gamma")
FIFO_NAMES = ("alpha.fifo", "beta.fifo", "gamma.fifo")
NAMES = STANDARD_NAMES + FIFO_NAMES
MAX_LIVE_QUEUES = 4
GROUPS = ("g1", "g2", "g3")
DEDUPLICATION_IDS = ("d1", "d2", "d3")

DEFAULT_VISIBILITY_S = 30
DEFAULT_RETENTION_S = 345_600
REUSE_WAIT_S = 60  # DeleteQueue -> CreateQueue of the same name
PURGE_INTERVAL_S = 60
DEDUPLICATION_WINDOW_S = 300
MAX_IN_FLIGHT_S = 43_200  # total visibility from a receive (§3.12)

COUNTERS = (
    "ApproximateNumberOfMessages",
    "ApproximateNumberOfMessagesNotVisible",
    "ApproximateNumberOfMessagesDelayed",
)
CONFIGURATION = (
    "VisibilityTimeout",
    "DelaySeconds",
    "MessageRetentionPeriod",
    "ReceiveMessageWaitTimeSeconds",
    "RedrivePolicy",
    "ContentBasedDeduplication",
    "DeduplicationScope",
)

# Error codes (Error.Code) and texts, AWS-recorded unless noted (sqs-behaviour.md).
NO_QUEUE = ("AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist.")
QUEUE_EXISTS = "A queue already exists with the same name and a different value for attribute {}"
DELETED_RECENTLY = (
    "AWS.SimpleQueueService.QueueDeletedRecently",
    "You must wait 60 seconds after deleting a queue before you can create another with the "
    "same name.",  # AWS-validated LocalStack test
)
PURGE_IN_PROGRESS = "Only one PurgeQueue operation on {} is allowed every 60 seconds."
EXPIRED_HANDLE = (
    "Value {} for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired."
)
NOT_AVAILABLE = (
    "Value {} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not "
    "available for visibility timeout change."
)
NO_DEDUPLICATION = (
    "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId "
    "provided explicitly"
)
NO_GROUP = "The request must contain the parameter MessageGroupId."
FIFO_DELAY = (
    "Value {} for parameter DelaySeconds is invalid. Reason: The request include parameter "
    "that is not valid for this queue type."
)
NOT_A_DEAD_LETTER_QUEUE = "Source queue must be configured as a Dead Letter Queue."
TASK_RUNNING = (
    "There is already a task running. Only one active task is allowed for a source queue arn "
    "at a given time."
)
DESTINATION_GONE = "AWS.SimpleQueueService.NonExistentQueue"
SOURCE_UNKNOWN = "CouldNotDetermineMessageSource"  # docs/dead-letters.md

# What one run saw, for the figures in the docs (printed by the last test of the module).
STATS: Counter[str] = Counter()


def note(what: str) -> None:
    """A Hypothesis event, also counted for the figures printed at the end."""
    STATS[f"| {what}"] += 1
    event(what)


def url_of(name: str) -> str:
    return f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{name}"


def arn_of(name: str) -> str:
    return f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name}"


def name_of(arn: str) -> str:
    return arn.rsplit(":", 1)[1]


def ms(seconds: float) -> str:
    return str(int(seconds * 1000))


def md5_of_tag(tag: int) -> str:
    """MD5OfMessageAttributes of ``{"tag": Number tag}`` as §7.3 defines it."""
    buffer = b""
    for text in (b"tag", b"Number"):
        buffer += pack(">I", len(text)) + text
    value = str(tag).encode()
    buffer += b"\x01" + pack(">I", len(value)) + value
    return hashlib.md5(buffer).hexdigest()


def tag_attribute(tag: int) -> dict[str, dict[str, str]]:
    """Every send carries a unique ``tag``: it identifies a redriven copy, which gets a new
    MessageId, and content-based deduplication ignores it (§5.1)."""
    return {"tag": {"DataType": "Number", "StringValue": str(tag)}}


def error_of(error: ClientError) -> tuple[str, str]:
    details = error.response["Error"]
    return details["Code"], details["Message"]


def expect_error(call: Callable[[], Any], code: str, message: str | None = None) -> None:
    with pytest.raises(ClientError) as info:
        call()
    got_code, got_message = error_of(info.value)
    assert got_code == code, (got_code, got_message)
    if message is not None:
        assert got_message == message


# -- the model --------------------------------------------------------------------------------


@dataclass
class Msg:
    """What the model knows of one message in one queue (times in epoch seconds)."""

    message_id: str
    body: str
    tag: int
    sent_at: float
    enqueued_at: float  # start of retention
    visible_at: float  # visible when visible_at <= now
    hidden_as: str = "delayed"  # its state while visible_at > now: "delayed" or "in_flight"
    hide_serial: int = 0  # order of hiding: ties between timers ending at the same instant
    receive_count: int = 0
    first_received_at: float | None = None
    received_at: float | None = None
    group: str | None = None
    deduplication_id: str | None = None
    sequence_number: int | None = None
    source_arn: str | None = None  # DeadLetterQueueSourceArn
    handle: str | None = None  # from its latest receive in this queue

    def state(self, now: float) -> str:
        return "visible" if self.visible_at <= now else self.hidden_as


@dataclass
class ModelQueue:
    name: str
    generation: int
    created_with: dict[str, str]
    visibility: int = DEFAULT_VISIBILITY_S
    delay: int = 0
    retention: int = DEFAULT_RETENTION_S
    wait: int = 0
    content_deduplication: bool = False
    deduplicate_by_group: bool = False
    redrive: str | None = None  # the RedrivePolicy text
    messages: dict[str, Msg] = field(default_factory=dict)  # live, in arrival order
    ready: list[str] = field(default_factory=list)  # standard: visible ones, delivery order
    last_purge: float | None = None
    # FIFO: (group or None, deduplication id) -> (window end, message id, sequence number)
    deduplication: dict[tuple[str | None, str], tuple[float, str, int]] = field(
        default_factory=dict
    )
    last_sequence: int = 0
    unlearned: list[str] = field(default_factory=list)  # moved in: sequence number not seen
    bodies: list[str] = field(default_factory=list)  # recent bodies, to send again (FIFO)

    @property
    def fifo(self) -> bool:
        return self.name.endswith(".fifo")

    @property
    def url(self) -> str:
        return url_of(self.name)

    @property
    def arn(self) -> str:
        return arn_of(self.name)

    @property
    def dead_letter_target(self) -> tuple[str, int] | None:
        if self.redrive is None:
            return None
        policy = json.loads(self.redrive)
        return name_of(policy["deadLetterTargetArn"]), int(policy["maxReceiveCount"])

    def current(self, attribute: str) -> str | None:
        """An attribute's value now, as CreateQueue compares it (§3.1)."""
        return {
            "FifoQueue": "true" if self.fifo else None,
            "ContentBasedDeduplication": "true" if self.content_deduplication else "false",
            "DeduplicationScope": "messageGroup" if self.deduplicate_by_group else "queue",
            "VisibilityTimeout": str(self.visibility),
            "DelaySeconds": str(self.delay),
            "MessageRetentionPeriod": str(self.retention),
            "ReceiveMessageWaitTimeSeconds": str(self.wait),
            "RedrivePolicy": self.redrive,
        }[attribute]

    def alive(self, message: Msg, at: float) -> bool:
        """Retention: a message is gone at exactly enqueued + period (tests/test_retention)."""
        return at < message.enqueued_at + self.retention

    def group(self, group: str, at: float | None = None) -> list[Msg]:
        """A FIFO group's messages in send order (alive at ``at`` if given)."""
        return [
            m
            for m in self.messages.values()
            if m.group == group and (at is None or self.alive(m, at))
        ]

    def head(self, group: str, at: float | None = None) -> Msg | None:
        members = self.group(group, at)
        return members[0] if members else None

    def counts(self, now: float) -> dict[str, str]:
        states = Counter(m.state(now) for m in self.messages.values())
        return {
            "ApproximateNumberOfMessages": str(states["visible"]),
            "ApproximateNumberOfMessagesNotVisible": str(states["in_flight"]),
            "ApproximateNumberOfMessagesDelayed": str(states["delayed"]),
        }


@dataclass(frozen=True)
class Issued:
    """A receipt handle the simulator gave out."""

    receipt: str
    queue: str
    generation: int
    message_id: str


@dataclass
class Task:
    """A message move task out of a dead-letter queue."""

    handle: str
    dead_letter_queue: str
    destination_arn: str | None
    rate: int | None
    started_at: float
    to_move: int
    synced_at: float
    moved: int = 0
    status: str = "RUNNING"
    failure: str | None = None

    def step_at(self, k: int) -> float:
        """When the task moves its k-th message (docs/dead-letters.md)."""
        return self.started_at if self.rate is None else self.started_at + k / self.rate


class WholeApi(RuleBasedStateMachine):
    """The simulator against the reference model, one fresh mock per example."""

    def __init__(self) -> None:
        super().__init__()
        STATS["examples"] += 1
        self.mock = mock_sqs(clock="manual", start=START, region=REGION, seed=7).start()
        self.client = boto3.client("sqs", region_name=REGION)
        self.now = float(START)
        self.queues: dict[str, ModelQueue] = {}
        self.deleted_at: dict[str, float] = {}
        self.generations = 0
        self.serial = 0
        # message id -> (queue, generation) while live, else the event it left with
        self.where: dict[str, tuple[str, int] | str] = {}
        self.fates: dict[tuple[int, str], str] = {}  # (generation, message id) -> event
        self.to_check: list[tuple[str, int, str, str]] = []  # histories to look at
        self.issued: list[Issued] = []
        self.seen_handles: set[str] = set()
        self.tasks: dict[str, list[Task]] = {}  # by dead-letter queue (its generation)

    def teardown(self) -> None:
        self.mock.stop()

    # -- bookkeeping --------------------------------------------------------------------

    def count(self, what: str) -> None:
        STATS["steps"] += 1
        STATS[what] += 1

    def next_serial(self) -> int:
        self.serial += 1
        return self.serial

    def live(self) -> list[ModelQueue]:
        return [self.queues[name] for name in sorted(self.queues)]

    def arrive(self, queue: ModelQueue, message: Msg, at: float | None = None) -> None:
        """A message joins a queue (settled to ``at``, default now): a visible one at the
        back of a standard queue's delivery order (docs/architecture.md)."""
        previous = self.where.get(message.message_id)
        assert previous is None or previous == "moved to dead-letter queue", previous
        queue.messages[message.message_id] = message
        self.where[message.message_id] = (queue.name, queue.generation)
        if not queue.fifo and message.visible_at <= (self.now if at is None else at):
            queue.ready.append(message.message_id)

    def depart(self, queue: ModelQueue, message: Msg, fate: str) -> None:
        assert self.where[message.message_id] == (queue.name, queue.generation)
        del queue.messages[message.message_id]
        if message.message_id in queue.ready:
            queue.ready.remove(message.message_id)
        self.where[message.message_id] = fate
        self.fates[(queue.generation, message.message_id)] = fate
        if fate != "queue deleted":
            self.to_check.append((queue.name, queue.generation, message.message_id, fate))
        note(f"a message left: {fate}")

    def settle(self, queue: ModelQueue, at: float) -> None:
        """Apply what is due by ``at``: retention, then (standard) the delivery order: a
        delay that ends joins the back, a visibility timeout that ends the head, each in
        time order, so the latest return is first (docs/architecture.md); ties in the
        order the messages were hidden."""
        for message in list(queue.messages.values()):
            if not queue.alive(message, at):
                self.depart(queue, message, "expired")
        if queue.fifo:
            return
        waiting = set(queue.messages) - set(queue.ready)
        due = [queue.messages[i] for i in waiting if queue.messages[i].visible_at <= at]
        for message in sorted(due, key=lambda m: (m.visible_at, m.hide_serial)):
            if message.hidden_as == "delayed":
                queue.ready.append(message.message_id)
        for message in sorted(due, key=lambda m: (m.visible_at, m.hide_serial)):
            if message.hidden_as == "in_flight":
                queue.ready.insert(0, message.message_id)

    def settle_all(self) -> None:
        for queue in self.live():
            self.settle(queue, self.now)

    def choose_queue(
        self, data: st.DataObject, label: str = "queue", prefer: list[ModelQueue] | None = None
    ) -> ModelQueue:
        """Any live queue, or mostly one of ``prefer`` if there are any."""
        if prefer and data.draw(st.integers(0, 3), label=f"{label}: a preferred one"):
            return data.draw(st.sampled_from(prefer), label=label)
        return self.queues[data.draw(st.sampled_from(sorted(self.queues)), label=label)]

    def running_tasks(self) -> list[Task]:
        return [t for tasks in self.tasks.values() for t in tasks if t.status == "RUNNING"]

    def task_queues(self) -> set[str]:
        """The queues a running move task may take from or deliver to: a long poll on one
        of them would need the model to know which message the task moves next."""
        names: set[str] = set()
        for task in self.running_tasks():
            names.add(task.dead_letter_queue)
            # Its sources may move a message into it during the wait, to be redriven back.
            names.update(
                q.name
                for q in self.live()
                if q.dead_letter_target and q.dead_letter_target[0] == task.dead_letter_queue
            )
            if task.destination_arn is not None:
                names.add(name_of(task.destination_arn))
            for message in self.queues[task.dead_letter_queue].messages.values():
                if message.source_arn is not None:
                    names.add(name_of(message.source_arn))
        return names

    def is_dead_letter_queue(self, queue: ModelQueue) -> bool:
        return any(
            q.redrive and name_of(json.loads(q.redrive)["deadLetterTargetArn"]) == queue.name
            for q in self.live()
        )

    def view_messages(self, queue: ModelQueue) -> dict[str, Any]:
        return {s.message_id: s for s in self.mock.queue(queue.name).messages}

    # -- queues -------------------------------------------------------------------------

    def draw_attributes(self, data: st.DataObject, fifo: bool, name: str) -> dict[str, str]:
        draw = data.draw
        attributes: dict[str, str] = {}
        if fifo:
            attributes["FifoQueue"] = "true"
            if draw(st.booleans(), label="set ContentBasedDeduplication"):
                attributes["ContentBasedDeduplication"] = draw(st.sampled_from(["true", "false"]))
            if draw(st.integers(0, 3), label="set DeduplicationScope") == 0:
                attributes["DeduplicationScope"] = draw(st.sampled_from(["queue", "messageGroup"]))
        if draw(st.integers(0, 3), label="set VisibilityTimeout"):
            attributes["VisibilityTimeout"] = str(draw(st.sampled_from([0, 1, 2, 5, 10, 45])))
        if draw(st.integers(0, 2), label="set DelaySeconds") == 0:
            attributes["DelaySeconds"] = str(draw(st.sampled_from([0, 1, 5, 20])))
        if draw(st.booleans(), label="set MessageRetentionPeriod"):
            attributes["MessageRetentionPeriod"] = str(
                draw(st.sampled_from([60, 61, 90, 120, 3600]))
            )
        if draw(st.integers(0, 3), label="set ReceiveMessageWaitTimeSeconds") == 0:
            attributes["ReceiveMessageWaitTimeSeconds"] = str(draw(st.sampled_from([0, 1, 5])))
        targets = [q.name for q in self.live() if q.fifo == fifo and q.name != name]
        if targets and draw(st.integers(0, 2), label="set RedrivePolicy") > 0:
            target = draw(st.sampled_from(targets), label="dead-letter queue")
            policy = {
                "deadLetterTargetArn": arn_of(target),
                "maxReceiveCount": draw(st.sampled_from([1, 1, 2, 3]), label="maxReceiveCount"),
            }
            attributes["RedrivePolicy"] = json.dumps(policy)
        keys = list(attributes)
        order = draw(st.permutations(keys), label="attribute order") if keys else keys
        return {key: attributes[key] for key in order}

    def create(
        self, data: st.DataObject, name: str | None = None, redrive_to: str | None = None
    ) -> None:
        recent = sorted(
            n
            for n, at in self.deleted_at.items()
            if n not in self.queues and self.now - at <= REUSE_WAIT_S
        )
        if name is None and recent and data.draw(st.booleans(), label="a recent name"):
            name = data.draw(st.sampled_from(recent), label="name")
        if name is None:
            fifo = data.draw(st.booleans(), label="fifo")
            names = FIFO_NAMES if fifo else STANDARD_NAMES
            name = data.draw(st.sampled_from(names), label="name")
        fifo = name.endswith(".fifo")
        if name not in self.queues and len(self.queues) >= MAX_LIVE_QUEUES:
            name = data.draw(st.sampled_from(sorted(self.queues)), label="existing name")
            fifo = name.endswith(".fifo")
        existing = self.queues.get(name)
        if existing is not None and data.draw(st.booleans(), label="same attributes"):
            attributes = dict(existing.created_with)
        else:
            attributes = self.draw_attributes(data, fifo, name)
        if redrive_to is not None:
            policy = {
                "deadLetterTargetArn": arn_of(redrive_to),
                "maxReceiveCount": data.draw(
                    st.sampled_from([1, 1, 2, 3]), label="maxReceiveCount"
                ),
            }
            attributes["RedrivePolicy"] = json.dumps(policy)

        def call() -> Any:
            return self.client.create_queue(QueueName=name, Attributes=attributes)

        target = json.loads(attributes.get("RedrivePolicy", "{}")).get("deadLetterTargetArn")
        if target is not None and name_of(target) not in self.queues:
            note("create: dead-letter queue gone")  # checked first (sqs-behaviour.md §3.1)
            expect_error(call, "InvalidParameterValue")
            return
        if existing is not None:
            # Only the attributes in the request are compared, with current values (§3.1).
            differing = [k for k, v in attributes.items() if existing.current(k) != v]
            if differing:
                note("create: exists with other attributes")
                with pytest.raises(ClientError) as info:
                    call()
                code, message = error_of(info.value)
                assert code == "QueueAlreadyExists"
                assert message in {QUEUE_EXISTS.format(k) for k in differing}
            else:
                note("create: exists, same attributes")
                assert call()["QueueUrl"] == existing.url
            return
        deleted_at = self.deleted_at.get(name)
        if deleted_at is not None and self.now - deleted_at < REUSE_WAIT_S:
            note("create: deleted recently")
            expect_error(call, *DELETED_RECENTLY)
            return
        assert call()["QueueUrl"] == url_of(name)
        note("create: new queue" + (" (again)" if deleted_at is not None else ""))
        self.generations += 1
        queue = ModelQueue(name=name, generation=self.generations, created_with=attributes)
        queue.visibility = int(attributes.get("VisibilityTimeout", DEFAULT_VISIBILITY_S))
        queue.delay = int(attributes.get("DelaySeconds", 0))
        queue.retention = int(attributes.get("MessageRetentionPeriod", DEFAULT_RETENTION_S))
        queue.wait = int(attributes.get("ReceiveMessageWaitTimeSeconds", 0))
        queue.content_deduplication = attributes.get("ContentBasedDeduplication") == "true"
        queue.deduplicate_by_group = attributes.get("DeduplicationScope") == "messageGroup"
        queue.redrive = attributes.get("RedrivePolicy")
        self.queues[name] = queue
        self.tasks[name] = []

    @initialize(data=st.data())
    def first_queues(self, data: st.DataObject) -> None:
        """A dead-letter queue and a queue that uses it, sometimes a queue of the other
        type too (the rules create, delete and recreate more)."""
        self.count("create_queue")
        names = FIFO_NAMES if data.draw(st.booleans(), label="fifo") else STANDARD_NAMES
        self.create(data, names[0])
        self.create(data, names[1], redrive_to=names[0])
        if data.draw(st.booleans(), label="a third queue"):
            self.create(data, (STANDARD_NAMES if names == FIFO_NAMES else FIFO_NAMES)[2])

    @rule(data=st.data(), what=st.sampled_from(["create", "create", "purge", "delete"]))
    def manage_queue(self, data: st.DataObject, what: str) -> None:
        """CreateQueue (new, existing, recently deleted), PurgeQueue or DeleteQueue: one
        rule, so that deletes, which end most of what the other rules build, stay rare."""
        self.settle_all()
        if what == "create":
            self.count("create_queue")
            self.create(data)
        elif what == "purge" and self.queues:
            self.purge_queue(data)
        elif what == "delete":
            self.delete_queue(data)

    @rule(data=st.data(), what=st.sampled_from(["url", "sources", "tasks"]))
    def look_up(self, data: st.DataObject, what: str) -> None:
        """GetQueueUrl, ListDeadLetterSourceQueues or ListMessageMoveTasks."""
        self.count(f"look_up {what}")
        if what == "sources" and self.queues:
            self.list_dead_letter_source_queues(data)
        elif what == "tasks":
            self.list_message_move_tasks(data)
        else:
            self.get_queue_url(data)

    def get_queue_url(self, data: st.DataObject) -> None:
        name = data.draw(st.sampled_from(NAMES), label="name")
        if name in self.queues:
            assert self.client.get_queue_url(QueueName=name)["QueueUrl"] == url_of(name)
        else:
            expect_error(lambda: self.client.get_queue_url(QueueName=name), *NO_QUEUE)

    def delete_queue(self, data: st.DataObject) -> None:
        self.count("delete_queue")
        if self.queues and data.draw(st.integers(0, 3), label="a live queue") > 0:
            name = self.choose_queue(data).name
        else:
            name = data.draw(st.sampled_from(NAMES), label="name")
        queue = self.queues.get(name)
        if queue is None:
            expect_error(lambda: self.client.delete_queue(QueueUrl=url_of(name)), *NO_QUEUE)
            return
        self.client.delete_queue(QueueUrl=queue.url)
        note(f"deleted a queue with {len(queue.messages)} messages")
        for message in list(queue.messages.values()):
            self.depart(queue, message, "queue deleted")
        del self.queues[name]
        self.tasks.pop(name, None)  # its move tasks die with it (§3.4)
        self.deleted_at[name] = self.now

    def purge_queue(self, data: st.DataObject, queue: ModelQueue | None = None) -> None:
        self.count("purge_queue")
        if queue is None:
            queue = self.choose_queue(data, prefer=[q for q in self.live() if q.last_purge])
        if queue.last_purge is not None and self.now - queue.last_purge < PURGE_INTERVAL_S:
            note("purge: in progress")
            expect_error(
                lambda: self.client.purge_queue(QueueUrl=queue.url),
                "AWS.SimpleQueueService.PurgeQueueInProgress",
                PURGE_IN_PROGRESS.format(queue.name),
            )
            return
        self.client.purge_queue(QueueUrl=queue.url)
        note(f"purged {len(queue.messages)} messages")
        # Visible, in flight and delayed alike; the FIFO deduplication history too (§3.14).
        for message in list(queue.messages.values()):
            self.depart(queue, message, "purged")
        queue.deduplication.clear()
        queue.last_purge = self.now

    def list_dead_letter_source_queues(self, data: st.DataObject) -> None:
        queue = self.choose_queue(data)
        got = self.client.list_dead_letter_source_queues(QueueUrl=queue.url).get("queueUrls", [])
        assert got == [
            q.url
            for q in self.live()
            if q.dead_letter_target is not None and q.dead_letter_target[0] == queue.name
        ]

    # -- sending ------------------------------------------------------------------------

    def draw_entry(self, data: st.DataObject, queue: ModelQueue, bad: str | None) -> dict[str, Any]:
        """One message to send (without the batch entry Id) and, in ``_tag``, its tag."""
        tag = self.next_serial()
        body = f"m{tag}"
        if queue.fifo and queue.bodies and data.draw(st.integers(0, 3), label="old body") == 0:
            body = data.draw(st.sampled_from(queue.bodies), label="body")  # a CBD duplicate
        if bad == "characters":
            body = "bad\x00body"
        entry: dict[str, Any] = {"MessageBody": body, "MessageAttributes": tag_attribute(tag)}
        if queue.fifo:
            if bad != "no group":
                entry["MessageGroupId"] = data.draw(st.sampled_from(GROUPS), label="group")
            # Mostly a new deduplication id (or none, with CBD), sometimes one of a small
            # pool, so that duplicates happen without blocking every send for 5 minutes.
            choices: list[str | None] = [f"d{tag}"] * 5 + list(DEDUPLICATION_IDS)
            if queue.content_deduplication and bad not in ("no group", "delay"):
                choices += [None] * 5
            dedup = data.draw(st.sampled_from(choices), label="dedup")
            if dedup is not None and bad != "no deduplication id":
                entry["MessageDeduplicationId"] = dedup
            if bad == "delay":
                entry["DelaySeconds"] = 2
        else:
            delay = data.draw(st.none() | st.sampled_from([0, 1, 5, 30]), label="delay")
            if bad == "delay":
                delay = 901
            if delay is not None:
                entry["DelaySeconds"] = delay
            if data.draw(st.integers(0, 4), label="fair queue group") == 0:
                entry["MessageGroupId"] = data.draw(st.sampled_from(GROUPS), label="group")
        entry["_tag"] = tag
        return entry

    def accept(self, queue: ModelQueue, entry: dict[str, Any], result: dict[str, Any]) -> None:
        """Check a send the model expects to succeed, and enqueue (or not: duplicates)."""
        body, tag = entry["MessageBody"], entry["_tag"]
        assert result["MD5OfMessageBody"] == hashlib.md5(body.encode()).hexdigest()
        assert result["MD5OfMessageAttributes"] == md5_of_tag(tag)
        message_id = result["MessageId"]
        if not queue.fifo:
            assert "SequenceNumber" not in result  # not even with a MessageGroupId (AWS-rec)
            delay = entry.get("DelaySeconds", queue.delay)
            self.enqueue(queue, message_id, entry, delay, None, None)
            return
        assert not queue.unlearned
        dedup = entry.get("MessageDeduplicationId") or hashlib.sha256(body.encode()).hexdigest()
        group = entry["MessageGroupId"]
        key = (group if queue.deduplicate_by_group else None, dedup)
        first = queue.deduplication.get(key)
        if first is not None and self.now < first[0]:
            note("FIFO duplicate within 5 minutes")
            assert (message_id, int(result["SequenceNumber"])) == first[1:]
            return
        sequence = int(result["SequenceNumber"])
        assert len(result["SequenceNumber"]) == 20
        assert sequence > queue.last_sequence, "sequence numbers increase in send order"
        queue.last_sequence = sequence
        queue.deduplication[key] = (self.now + DEDUPLICATION_WINDOW_S, message_id, sequence)
        queue.bodies = [*queue.bodies[-9:], body]
        self.enqueue(queue, message_id, entry, queue.delay, dedup, sequence)

    def enqueue(
        self,
        queue: ModelQueue,
        message_id: str,
        entry: dict[str, Any],
        delay: int,
        dedup: str | None,
        sequence: int | None,
    ) -> None:
        assert message_id not in self.where, "a new message needs a new MessageId"
        message = Msg(
            message_id=message_id,
            body=entry["MessageBody"],
            tag=entry["_tag"],
            sent_at=self.now,
            enqueued_at=self.now,
            visible_at=self.now + delay,
            hide_serial=self.next_serial(),
            group=entry.get("MessageGroupId"),
            deduplication_id=dedup,
            sequence_number=sequence,
        )
        self.arrive(queue, message)

    def refusal(self, queue: ModelQueue, entry: dict[str, Any]) -> tuple[str, str] | None:
        """The error a send must answer with, if it must fail (§3.7)."""
        if "\x00" in entry["MessageBody"]:
            return ("InvalidMessageContents", "")
        delay = entry.get("DelaySeconds")
        if queue.fifo:
            if delay:
                return ("InvalidParameterValue", FIFO_DELAY.format(delay))
            if "MessageGroupId" not in entry:
                return ("MissingParameter", NO_GROUP)
            if "MessageDeduplicationId" not in entry and not queue.content_deduplication:
                return ("InvalidParameterValue", NO_DEDUPLICATION)
        elif delay is not None and delay > 900:
            return ("InvalidParameterValue", "")
        return None

    @precondition(lambda self: bool(self.queues))
    @rule(data=st.data())
    def send_message_again(self, data: st.DataObject) -> None:
        """The same rule under a second name, so that it runs twice as often."""
        self.send_message(data)

    @precondition(lambda self: bool(self.queues))
    @rule(data=st.data())
    def send_message(self, data: st.DataObject) -> None:
        self.count("send_message")
        self.settle_all()
        queue = self.choose_queue(data, prefer=[q for q in self.live() if q.redrive])
        bad_kinds = ["no group", "delay", "no deduplication id"] if queue.fifo else ["delay"]
        bad = None
        if data.draw(st.integers(0, 9), label="bad send") == 0:
            bad = data.draw(st.sampled_from(bad_kinds), label="what is wrong")
        self.send_one(queue, self.draw_entry(data, queue, bad))

    def send_one(self, queue: ModelQueue, entry: dict[str, Any]) -> None:
        params = {k: v for k, v in entry.items() if k != "_tag"}
        refusal = self.refusal(queue, entry)
        if refusal is not None:
            note(f"send refused: {refusal[0]}")
            with pytest.raises(ClientError) as info:
                self.client.send_message(QueueUrl=queue.url, **params)
            code, message = error_of(info.value)
            assert code == refusal[0]
            assert not refusal[1] or message == refusal[1]
            return
        self.accept(queue, entry, self.client.send_message(QueueUrl=queue.url, **params))

    @precondition(lambda self: bool(self.queues))
    @rule(data=st.data())
    def send_message_batch_again(self, data: st.DataObject) -> None:
        """The same rule under a second name, so that it runs twice as often."""
        self.send_message_batch(data)

    @precondition(lambda self: bool(self.queues))
    @rule(data=st.data())
    def send_message_batch(self, data: st.DataObject) -> None:
        self.count("send_message_batch")
        self.settle_all()
        queue = self.choose_queue(data, prefer=[q for q in self.live() if q.redrive])
        size = data.draw(st.integers(1, 10), label="entries")
        bad_index = -1
        if data.draw(st.integers(0, 3), label="a bad entry") == 0:
            bad_index = data.draw(st.integers(0, size - 1), label="bad entry")
        bad_kind = data.draw(st.sampled_from(["delay", "characters"]), label="what is wrong")
        whole = None
        if queue.fifo and data.draw(st.integers(0, 9), label="a bad request") == 0:
            # These fail the whole request in a FIFO batch (§3.8, AWS-rec).
            whole = data.draw(st.sampled_from(["no group", "no deduplication id"]), label="why")
            if whole == "no deduplication id" and queue.content_deduplication:
                whole = "no group"
        entries = []
        for index in range(size):
            bad = bad_kind if index == bad_index else None
            if whole is not None and index == size - 1:
                bad = whole
            entry = self.draw_entry(data, queue, bad)
            entry["Id"] = f"e{index}"
            entries.append(entry)
        request = [{k: v for k, v in e.items() if k != "_tag"} for e in entries]

        def call() -> Any:
            return self.client.send_message_batch(QueueUrl=queue.url, Entries=request)

        if whole is not None:
            note(f"batch refused: {whole}")
            text = NO_GROUP if whole == "no group" else NO_DEDUPLICATION
            expect_error(call, "InvalidParameterValue", text)
            return
        response = call()
        successful = {e["Id"]: e for e in response.get("Successful", [])}
        failed = {e["Id"]: e for e in response.get("Failed", [])}
        assert len(successful) + len(failed) == size
        for entry in entries:  # enqueued in entry order (§3.8)
            refusal = self.refusal(queue, entry)
            if refusal is None:
                self.accept(queue, entry, successful[entry["Id"]])
                continue
            note(f"batch entry refused: {refusal[0]}")
            failure = failed[entry["Id"]]
            assert failure["SenderFault"] is True
            assert failure["Code"] == refusal[0]
            assert not refusal[1] or failure["Message"] == refusal[1]

    # -- receiving ----------------------------------------------------------------------

    def active_target(self, queue: ModelQueue) -> tuple[ModelQueue, int] | None:
        """The dead-letter queue and maxReceiveCount, if moves happen now: if the
        dead-letter queue was deleted, the message stays (docs/dead-letters.md)."""
        target = queue.dead_letter_target
        if target is None or target[0] not in self.queues:
            return None
        assert target[0] != queue.name
        return self.queues[target[0]], target[1]

    def move_to_dead_letter_queue(
        self, queue: ModelQueue, message: Msg, target: ModelQueue, at: float
    ) -> None:
        """Same MessageId, body, attributes, receive count; gains DeadLetterQueueSourceArn;
        retention: kept by a standard dead-letter queue, restarted by a FIFO one (§6.1)."""
        note("moved to a dead-letter queue")
        self.depart(queue, message, "moved to dead-letter queue")
        moved = replace(
            message,
            enqueued_at=at if target.fifo else message.enqueued_at,
            visible_at=at,
            sequence_number=None,
            source_arn=queue.arn,
            handle=None,
        )
        self.settle(target, at)
        self.arrive(target, moved, at)
        if target.fifo:
            target.unlearned.append(moved.message_id)  # its new sequence number: in the view

    def available_groups(self, queue: ModelQueue, order: list[str], at: float) -> list[str]:
        """FIFO: the groups whose head is visible, in the order ``order`` (the view's)
        shows them: the model does not predict the order of FIFO groups."""
        groups: list[str] = []
        if not queue.fifo:
            return groups
        for message_id in order:
            group = queue.messages[message_id].group
            assert group is not None
            head = queue.head(group)
            if group not in groups and head is not None and head.visible_at <= at:
                groups.append(group)
        return groups

    def take(self, queue: ModelQueue, count: int, at: float, order: list[str]) -> list[Msg]:
        """What one receive attempt at ``at`` delivers, applying dead-letter moves.

        ``order``: FIFO: the available groups in delivery order (a standard queue takes
        from the front of its own delivery order).  A message already received
        maxReceiveCount times moves instead of being delivered, and the receive goes on
        with the next ones (§6.1).
        """
        active = self.active_target(queue)

        def moves(message: Msg) -> bool:
            return active is not None and message.receive_count >= active[1]

        kept: list[Msg] = []
        if not queue.fifo:
            while queue.ready and len(kept) < count:
                message = queue.messages[queue.ready.pop(0)]
                if moves(message):
                    assert active is not None
                    self.move_to_dead_letter_queue(queue, message, active[0], at)
                else:
                    kept.append(message)
            return kept
        available = list(order)
        taken: set[str] = set()

        def take_visible(n: int) -> list[Msg]:
            # Consecutive visible messages from the head of each available group in turn,
            # a group's run stopping at its first message that is not visible (§5.2).
            out: list[Msg] = []
            while available and len(out) < n:
                group = available.pop(0)
                for message in queue.group(group):
                    if message.visible_at > at or message.message_id in taken:
                        break
                    taken.add(message.message_id)
                    out.append(message)
                    if len(out) == n:
                        break
            return out

        batch = take_visible(count)
        while batch:
            for message in batch:
                if not moves(message):
                    kept.append(message)
                    continue
                assert active is not None and message.group is not None
                self.move_to_dead_letter_queue(queue, message, active[0], at)
                # The rest of its group flows on: once its new head is visible, the group
                # is available again, at the back of the group order (docs/fifo.md).
                head = queue.head(message.group)
                if (
                    head is not None
                    and head.visible_at <= at
                    and head.message_id not in taken
                    and message.group not in available
                ):
                    available.append(message.group)
            batch = take_visible(count - len(kept))
        return kept

    def wake_up(self, queue: ModelQueue, before: float, at: float) -> list[str]:
        """A long poll found nothing before ``before`` and looks again at ``at``, the next
        moment something may become available (or the end of the wait): settle the queue
        and, for a FIFO queue, return its available groups in order (none were left).

        At one instant, timers apply as docs/architecture.md says: retention, then delays,
        then visibility timeouts; a FIFO group becomes available when its head does.
        """
        if not queue.fifo:
            assert not queue.ready, "after a fruitless attempt nothing is visible"
            self.settle(queue, at)
            return []
        expiring = [m for m in queue.messages.values() if not queue.alive(m, at)]
        available: list[str] = []
        for message in sorted(expiring, key=lambda m: m.enqueued_at):  # stable: arrival order
            self.depart(queue, message, "expired")
            assert message.group is not None
            head = queue.head(message.group)
            unlocked = head is not None and head.visible_at <= before
            if unlocked and message.group not in available:
                available.append(message.group)  # unlocked by retention
        became = [m for m in queue.messages.values() if before < m.visible_at <= at]

        def by_hiding(m: Msg) -> tuple[float, int]:
            return (m.visible_at, m.hide_serial)

        delays = sorted((m for m in became if m.hidden_as == "delayed"), key=by_hiding)
        returns = sorted((m for m in became if m.hidden_as == "in_flight"), key=by_hiding)
        shown: set[str] = set()
        for message in delays + returns:
            shown.add(message.message_id)
            assert message.group is not None
            head = queue.head(message.group)
            assert head is not None
            head_visible = head.visible_at <= before or head.message_id in shown
            if head_visible and message.group not in available:
                available.append(message.group)
        return available

    @precondition(lambda self: bool(self.queues))
    @rule(data=st.data())
    def receive_message_again(self, data: st.DataObject) -> None:
        """The same rule under more names, so that it runs more often."""
        self.receive_message(data)

    @precondition(lambda self: bool(self.queues))
    @rule(data=st.data())
    def receive_message_once_more(self, data: st.DataObject) -> None:
        self.receive_message(data)

    @precondition(lambda self: bool(self.queues))
    @rule(data=st.data())
    def receive_message(self, data: st.DataObject) -> None:
        self.count("receive_message")
        self.settle_all()
        visible = [
            q for q in self.live() if any(m.visible_at <= self.now for m in q.messages.values())
        ]
        queue = self.choose_queue(data, prefer=visible or [q for q in self.live() if q.messages])
        count = data.draw(st.integers(1, 10), label="MaxNumberOfMessages")
        visibility = data.draw(
            st.sampled_from([None, None, 0, 0, 0, 1, 2, 5, 30]) | st.integers(0, 60),
            label="VisibilityTimeout",
        )
        wait = data.draw(st.sampled_from([None, None, 0, 0, 1, 2, 5]), label="WaitTimeSeconds")
        effective_wait = queue.wait if wait is None else wait
        start = self.now
        if effective_wait and queue.name in self.task_queues():
            note("receive: long poll made short (see the module docstring)")
            wait = effective_wait = 0
        effective_visibility = queue.visibility if visibility is None else visibility

        order = [s.message_id for s in self.mock.queue(queue.name).visible]
        assert set(order) == {
            m.message_id for m in queue.messages.values() if m.visible_at <= start
        }
        if not queue.fifo:
            assert order == queue.ready, "the delivery order the model predicts"
        at = start
        kept = self.take(queue, count, at, self.available_groups(queue, order, at))
        if not kept and effective_wait:
            deadline = start + effective_wait
            while True:
                # A delay or visibility timeout ending; on a FIFO queue also a message's
                # retention ending, which may unlock its group (docs/time.md).
                pending = [m.visible_at for m in queue.messages.values() if m.visible_at > at]
                if queue.fifo:
                    pending += [m.enqueued_at + queue.retention for m in queue.messages.values()]
                wake = min([*pending, deadline])
                order = self.wake_up(queue, at, wake)
                at = wake
                kept = self.take(queue, count, at, order)
                if kept or at >= deadline:
                    break

        params: dict[str, Any] = {
            "QueueUrl": queue.url,
            "MaxNumberOfMessages": count,
            "MessageSystemAttributeNames": ["All"],
            "MessageAttributeNames": ["All"],
        }
        if visibility is not None:
            params["VisibilityTimeout"] = visibility
        if wait is not None:
            params["WaitTimeSeconds"] = wait
        response = self.client.receive_message(**params)
        assert self.mock.clock.now() == at, "the long poll ends when the model says"
        if at > start:
            note("receive: the long poll moved the clock")
        self.now = at
        got = response.get("Messages", [])
        note(f"receive: {'got messages' if got else 'empty'}")
        assert [m["MessageId"] for m in got] == [m.message_id for m in kept]
        for message, modelled in zip(got, kept, strict=True):
            modelled.receive_count += 1
            if modelled.first_received_at is None:
                modelled.first_received_at = at
            modelled.received_at = at
            modelled.handle = message["ReceiptHandle"]
            assert modelled.handle not in self.seen_handles, "every receive, a new handle"
            self.seen_handles.add(modelled.handle)
            self.issued = [
                *self.issued[-59:],
                Issued(modelled.handle, queue.name, queue.generation, modelled.message_id),
            ]
            modelled.visible_at = at + effective_visibility
            if effective_visibility:
                modelled.hidden_as = "in_flight"
                modelled.hide_serial = self.next_serial()
            elif not queue.fifo:
                queue.ready.append(modelled.message_id)  # never hidden: to the back
            self.check_delivered(queue, message, modelled)

    def check_delivered(self, queue: ModelQueue, got: dict[str, Any], modelled: Msg) -> None:
        assert got["Body"] == modelled.body
        assert got["MD5OfBody"] == hashlib.md5(modelled.body.encode()).hexdigest()
        assert got["MessageAttributes"] == tag_attribute(modelled.tag)
        assert got["MD5OfMessageAttributes"] == md5_of_tag(modelled.tag)
        attributes = dict(got["Attributes"])
        assert attributes.pop("SenderId")
        assert modelled.first_received_at is not None
        expected = {
            "ApproximateReceiveCount": str(modelled.receive_count),
            "SentTimestamp": ms(modelled.sent_at),
            "ApproximateFirstReceiveTimestamp": ms(modelled.first_received_at),
        }
        if modelled.group is not None:
            expected["MessageGroupId"] = modelled.group
        if queue.fifo:
            assert modelled.deduplication_id is not None
            assert modelled.sequence_number is not None
            expected["MessageDeduplicationId"] = modelled.deduplication_id
            expected["SequenceNumber"] = f"{modelled.sequence_number:020d}"
        if modelled.source_arn is not None:
            expected["DeadLetterQueueSourceArn"] = modelled.source_arn
        assert attributes == expected

    # -- receipt handles ----------------------------------------------------------------

    def in_flight_handles(self, queue: ModelQueue | None = None) -> list[Issued]:
        return [
            Issued(m.handle, q.name, q.generation, m.message_id)
            for q in ([queue] if queue else self.live())
            for m in q.messages.values()
            if m.handle is not None and m.state(self.now) == "in_flight"
        ]

    def draw_handle(self, data: st.DataObject) -> Issued | None:
        """Mostly a current handle of an in-flight message, sometimes any handle ever given
        out (stale), rarely garbage (``None``)."""
        kind = data.draw(st.integers(0, 19), label="handle kind")
        current = self.in_flight_handles()
        if kind == 0 or not (current or self.issued):
            return None
        pool = self.issued if kind <= 5 or not current else current
        return data.draw(st.sampled_from(pool), label="handle")

    def delete_expectation(self, queue: ModelQueue, handle: Issued) -> str:
        """What DeleteMessage must do (Appendix A; assert only what was recorded on AWS):
        "delete": succeeds and deletes; "ok": succeeds, nothing to delete; "ok?": succeeds,
        whether it deletes is unconfirmed; "expired": FIFO's expired-handle error; "any":
        unconfirmed, success or an AWS error, the model follows what happened."""
        if handle.generation != queue.generation:
            return "any"  # a handle of an earlier queue of that name
        message = queue.messages.get(handle.message_id)
        if message is None:
            fate = self.fates.get((queue.generation, handle.message_id))
            return "ok" if not queue.fifo and fate in ("deleted", "expired") else "any"
        current = message.handle == handle.receipt
        if queue.fifo:
            return "delete" if current and message.state(self.now) == "in_flight" else "expired"
        if message.handle is None:
            return "any"  # it left and came back (a dead-letter cycle): not in Appendix A
        return "delete" if current else "ok?"

    def visibility_expectation(self, queue: ModelQueue, handle: Issued, timeout: int) -> str:
        """What ChangeMessageVisibility must do: "change", "not available" (the deleted
        message's error), "too long" (past 12 h from the receive), or "any" (unconfirmed)."""
        if handle.generation != queue.generation:
            return "any"
        message = queue.messages.get(handle.message_id)
        if message is None:
            fate = self.fates.get((queue.generation, handle.message_id))
            return "not available" if not queue.fifo and fate == "deleted" else "any"
        current = message.handle == handle.receipt and message.state(self.now) == "in_flight"
        if (queue.fifo and not current) or message.handle is None:
            return "any"
        assert message.received_at is not None
        if self.now + timeout - message.received_at > MAX_IN_FLIGHT_S:
            return "too long"
        # Standard: current, expired and older handles all apply it (AWS-rec).
        return "change"

    def follow_deletes(self, queue: ModelQueue) -> None:
        """After calls whose effect is unconfirmed: a message the model has but the
        simulator does not was deleted (its history must say so)."""
        present = self.view_messages(queue)
        for message in list(queue.messages.values()):
            if message.message_id not in present:
                note("an unconfirmed delete deleted")
                self.depart(queue, message, "deleted")

    def hide(self, queue: ModelQueue, message: Msg, timeout: int) -> None:
        """ChangeMessageVisibility: hidden for ``timeout`` s from now; 0 shows the message
        at once, at the head of a standard queue (docs/architecture.md)."""
        message.visible_at = self.now + timeout
        if message.message_id in queue.ready:
            queue.ready.remove(message.message_id)
        if timeout:
            message.hidden_as = "in_flight"
            message.hide_serial = self.next_serial()
        elif not queue.fifo:
            queue.ready.insert(0, message.message_id)

    @precondition(lambda self: bool(self.issued))
    @rule(data=st.data())
    def delete_message(self, data: st.DataObject) -> None:
        self.count("delete_message")
        self.settle_all()
        handle = self.draw_handle(data)
        if handle is None:
            if not self.queues:
                return
            queue = self.choose_queue(data)
            note("delete: garbage handle")
            expect_error(
                lambda: self.client.delete_message(QueueUrl=queue.url, ReceiptHandle="garbage"),
                "ReceiptHandleIsInvalid",
            )
            return
        queue_or_none = self.queues.get(handle.queue)
        if queue_or_none is None:
            note("delete: queue gone")
            expect_error(
                lambda: self.client.delete_message(
                    QueueUrl=url_of(handle.queue), ReceiptHandle=handle.receipt
                ),
                *NO_QUEUE,
            )
            return
        queue = queue_or_none
        expected = self.delete_expectation(queue, handle)
        note(f"delete: {expected}")
        try:
            self.client.delete_message(QueueUrl=queue.url, ReceiptHandle=handle.receipt)
        except ClientError as error:
            assert expected in ("expired", "any"), (expected, error_of(error))
            if expected == "expired":
                assert error_of(error) == (
                    "InvalidParameterValue",
                    EXPIRED_HANDLE.format(handle.receipt),
                )
            return
        assert expected != "expired"
        if expected == "delete":
            self.depart(queue, queue.messages[handle.message_id], "deleted")
        elif expected in ("ok?", "any"):
            self.follow_deletes(queue)

    @precondition(lambda self: bool(self.issued))
    @rule(data=st.data())
    def delete_message_batch(self, data: st.DataObject) -> None:
        self.count("delete_message_batch")
        self.settle_all()
        if not self.queues:
            return
        busy = sorted({h.queue for h in self.in_flight_handles()})
        if busy and data.draw(st.integers(0, 3), label="a queue with messages in flight"):
            queue = self.queues[data.draw(st.sampled_from(busy), label="queue")]
        else:
            queue = self.choose_queue(data)
        pool = self.in_flight_handles(queue)
        if data.draw(st.booleans(), label="stale handles too"):
            pool += [h for h in self.issued if h.queue == queue.name]
        by_message = {h.message_id: h for h in pool}  # one entry per message
        handles = data.draw(
            st.lists(
                st.sampled_from(sorted(by_message.values(), key=lambda h: h.receipt)),
                max_size=10,
                unique_by=lambda h: h.message_id,
            )
            if by_message
            else st.just([]),
            label="handles",
        )
        garbage = data.draw(st.integers(0, 5), label="garbage entry") == 0 or not handles
        if garbage and len(handles) == 10:
            handles = handles[:9]
        entries = [{"Id": f"h{i}", "ReceiptHandle": h.receipt} for i, h in enumerate(handles)]
        if garbage:
            entries.append({"Id": "garbage", "ReceiptHandle": "garbage"})
        expected = [self.delete_expectation(queue, h) for h in handles]
        response = self.client.delete_message_batch(QueueUrl=queue.url, Entries=entries)
        successful = {e["Id"] for e in response.get("Successful", [])}
        failed = {e["Id"]: e for e in response.get("Failed", [])}
        assert len(successful) + len(failed) == len(entries)
        if garbage:
            assert failed["garbage"]["Code"] == "ReceiptHandleIsInvalid"
        follow = False
        for index, (handle, expectation) in enumerate(zip(handles, expected, strict=True)):
            entry_id = f"h{index}"
            note(f"delete batch entry: {expectation}")
            if expectation == "expired":
                assert entry_id in failed, "a FIFO handle whose visibility ended has expired"
                assert (failed[entry_id]["Code"], failed[entry_id]["Message"]) == (
                    "InvalidParameterValue",
                    EXPIRED_HANDLE.format(handle.receipt),
                )
                assert failed[entry_id]["SenderFault"] is True
            elif expectation == "any":
                follow = True
            else:
                assert entry_id in successful, (expectation, failed.get(entry_id))
                if expectation == "delete":
                    self.depart(queue, queue.messages[handle.message_id], "deleted")
                follow = follow or expectation == "ok?"
        if follow:
            self.follow_deletes(queue)

    @precondition(lambda self: bool(self.issued))
    @rule(data=st.data(), timeout=st.sampled_from([0, 1, 30]) | st.integers(0, 60))
    def change_message_visibility(self, data: st.DataObject, timeout: int) -> None:
        self.count("change_message_visibility")
        self.settle_all()
        handle = self.draw_handle(data)
        if handle is None:
            return
        queue_or_none = self.queues.get(handle.queue)

        def call() -> Any:
            return self.client.change_message_visibility(
                QueueUrl=url_of(handle.queue),
                ReceiptHandle=handle.receipt,
                VisibilityTimeout=timeout,
            )

        if queue_or_none is None:
            note("change visibility: queue gone")
            expect_error(call, *NO_QUEUE)
            return
        queue = queue_or_none
        expected = self.visibility_expectation(queue, handle, timeout)
        note(f"change visibility: {expected}")
        message = queue.messages.get(handle.message_id)
        before = None if message is None else (message.state(self.now), message.visible_at)
        try:
            call()
        except ClientError as error:
            assert expected != "change", error_of(error)
            if expected == "not available":
                assert error_of(error) == (
                    "InvalidParameterValue",
                    NOT_AVAILABLE.format(handle.receipt),
                )
            elif expected == "too long":
                assert error_of(error)[0] == "InvalidParameterValue"
            return
        assert expected in ("change", "any")
        if expected == "change":
            assert message is not None
            self.hide(queue, message, timeout)
        elif message is not None:
            # Unconfirmed (a stale FIFO handle, a message back from a dead-letter queue):
            # unchanged, or changed as asked.
            snapshot = self.view_messages(queue)[message.message_id]
            shown = [s.message_id for s in self.mock.queue(queue.name).visible]
            if timeout:
                applied = snapshot.state == "in_flight" and (
                    snapshot.visible_at.timestamp() == self.now + timeout
                )
            else:
                applied = snapshot.state == "visible" and (
                    queue.fifo or shown[:1] == [message.message_id]
                )
            if applied:
                note("change visibility: an unconfirmed change applied")
                self.hide(queue, message, timeout)
            else:
                assert (snapshot.state, message.visible_at) == before

    # -- message move tasks -------------------------------------------------------------

    @precondition(lambda self: any(self.is_dead_letter_queue(q) for q in self.live()))
    @rule(data=st.data())
    def start_message_move_task(self, data: st.DataObject) -> None:
        self.count("start_message_move_task")
        self.settle_all()
        dead_letter_queues = [q for q in self.live() if self.is_dead_letter_queue(q)]
        if data.draw(st.integers(0, 5), label="a DLQ") > 0:
            holding = [q for q in dead_letter_queues if q.messages]
            if not holding or not data.draw(st.integers(0, 3), label="one holding messages"):
                holding = dead_letter_queues
            source = data.draw(st.sampled_from(holding), label="source")
        else:
            source = self.choose_queue(data, "source")
        params: dict[str, Any] = {"SourceArn": source.arn}
        others = [q for q in self.live() if q.fifo == source.fifo and q is not source]
        if others and data.draw(st.integers(0, 3), label="a destination") == 0:
            destination = data.draw(st.sampled_from(others), label="destination")
            params["DestinationArn"] = destination.arn
        rate = data.draw(st.sampled_from([None, None, 1, 2, 4]), label="rate")
        running = {t.dead_letter_queue: t for t in self.running_tasks()}
        if running and source.name not in running:
            rate = None  # one task with a rate at a time (see the module docstring)
        if rate is not None:
            params["MaxNumberOfMessagesPerSecond"] = rate

        def call() -> Any:
            return self.client.start_message_move_task(**params)

        if not self.is_dead_letter_queue(source):
            note("move task: not a dead-letter queue")
            expect_error(call, "InvalidParameterValue", NOT_A_DEAD_LETTER_QUEUE)
            return
        if source.name in running:
            note("move task: one is running")
            expect_error(call, "InvalidParameterValue", TASK_RUNNING)
            return
        handle = call()["TaskHandle"]
        note(f"move task started ({'at once' if rate is None else 'at a rate'})")
        to_move = sum(1 for m in source.messages.values() if m.visible_at <= self.now)
        task = Task(
            handle=handle,
            dead_letter_queue=source.name,
            destination_arn=params.get("DestinationArn"),
            rate=rate,
            started_at=self.now,
            to_move=to_move,
            synced_at=self.now,
        )
        self.tasks[source.name].append(task)
        self.sync_tasks()

    @precondition(lambda self: bool(self.running_tasks()))
    @rule()
    def cancel_message_move_task(self) -> None:
        self.count("cancel_message_move_task")
        task = self.running_tasks()[0]
        moved = self.client.cancel_message_move_task(TaskHandle=task.handle)
        assert moved["ApproximateNumberOfMessagesMoved"] == task.moved
        task.status = "CANCELLED"  # at once (docs/dead-letters.md)

    def list_message_move_tasks(self, data: st.DataObject) -> None:
        name = data.draw(st.sampled_from(NAMES), label="source")
        if name not in self.queues:
            expect_error(
                lambda: self.client.list_message_move_tasks(SourceArn=arn_of(name)),
                "ResourceNotFoundException",
            )
            return
        got = self.client.list_message_move_tasks(SourceArn=arn_of(name), MaxResults=10)
        self.check_task_list(name, got.get("Results", []))

    def check_task_list(self, name: str, results: list[dict[str, Any]]) -> None:
        """Most recent first; TaskHandle only while running (§6.4)."""
        expected = []
        for task in reversed(self.tasks[name][-10:]):
            entry: dict[str, Any] = {}
            if task.status == "RUNNING":
                entry["TaskHandle"] = task.handle
            entry["Status"] = task.status
            entry["SourceArn"] = arn_of(name)
            if task.destination_arn is not None:
                entry["DestinationArn"] = task.destination_arn
            if task.rate is not None:
                entry["MaxNumberOfMessagesPerSecond"] = task.rate
            entry["ApproximateNumberOfMessagesMoved"] = task.moved
            entry["ApproximateNumberOfMessagesToMove"] = task.to_move
            if task.failure is not None:
                entry["FailureReason"] = task.failure
            entry["StartedTimestamp"] = int(task.started_at * 1000)
            expected.append(entry)
        assert results == expected

    def sync_tasks(self) -> None:
        """Catch up with running tasks: the first call since the clock moved makes them
        progress (lazily, at their own schedule); the model reads which messages were
        redriven (the order within a dead-letter queue is not modelled) and checks every
        move against the model: movable when it happened, at a scheduled moment, a new
        message in the right queue, and the task's counts and status."""
        for task in self.running_tasks():
            results = self.client.list_message_move_tasks(
                SourceArn=arn_of(task.dead_letter_queue), MaxResults=10
            )["Results"]
            self.adopt_progress(task, results[0])
            self.check_task_list(task.dead_letter_queue, results)

    def peekable(self, queue: ModelQueue, at: float) -> list[Msg]:
        """The messages a move task could take next at ``at``: visible ones (FIFO: visible
        heads of their groups)."""
        visible = [m for m in queue.messages.values() if queue.alive(m, at) and m.visible_at <= at]
        if not queue.fifo:
            return visible
        return [m for m in visible if m.group is not None and queue.head(m.group, at) is m]

    def unmovable(self, task: Task, message: Msg) -> str | None:
        if task.destination_arn is not None:
            target: str | None = name_of(task.destination_arn)
        else:
            target = None if message.source_arn is None else name_of(message.source_arn)
        if target is None:
            return SOURCE_UNKNOWN
        return None if target in self.queues else DESTINATION_GONE

    def adopt_progress(self, task: Task, result: dict[str, Any]) -> None:
        queue = self.queues[task.dead_letter_queue]
        assert result["ApproximateNumberOfMessagesToMove"] == task.to_move
        moved = result["ApproximateNumberOfMessagesMoved"]
        fresh = moved - task.moved
        if task.rate is None:
            due = task.to_move
        else:
            due = min(math.floor((self.now - task.started_at) * task.rate), task.to_move)
        assert fresh >= 0 and moved <= due, (task, result)
        view = self.mock.queue(queue.name)
        present = {s.message_id for s in view.messages}
        # message id -> (when it moved, the new message's id), from its history
        redriven: dict[str, tuple[float, str]] = {}
        for message in queue.messages.values():
            if message.message_id not in present:
                last = view.history(message.message_id)[-1]
                if last.event == "redriven":
                    target = name_of(task.destination_arn or message.source_arn or ":")
                    prefix = f"to {arn_of(target)} as message "
                    assert last.detail.startswith(prefix), last.detail
                    redriven[message.message_id] = (
                        last.at.timestamp(),
                        last.detail.removeprefix(prefix),
                    )
                else:
                    assert last.event == "expired" and not queue.alive(message, self.now), last
        assert len(redriven) == fresh
        assert sorted(at for at, _ in redriven.values()) == [
            task.step_at(k) for k in range(task.moved + 1, moved + 1)
        ]
        # Targets that received dead-letter moves in this step learn those numbers first.
        targets = {
            name_of(task.destination_arn or queue.messages[i].source_arn or ":") for i in redriven
        }
        snapshots = {name: self.view_messages(self.queues[name]) for name in targets}
        for name in targets:
            self.learn_sequence_numbers(self.queues[name], snapshots[name])
        numbers: dict[str, list[tuple[float, str | None, Msg]]] = {}
        moving: list[Msg] = []
        for at in sorted({at for at, _ in redriven.values()}):
            # The messages a task moves at one instant, in the order it took them: a
            # standard queue's delivery order (checked below), a FIFO group's send order.
            self.settle(queue, at)
            now_moving = {i for i, (when, _) in redriven.items() if when == at}
            order = list(queue.messages) if queue.fifo else queue.ready
            moving += [queue.messages[i] for i in order if i in now_moving]
        for message in moving:
            at, new_id = redriven[message.message_id]
            assert self.unmovable(task, message) is None
            assert queue.alive(message, at) and message.visible_at <= at, "only visible ones"
            self.settle(queue, at)  # the dead-letter queue as the task found it
            if queue.fifo:
                assert message.group is not None
                assert queue.head(message.group, at) is message, "a group moves in order"
            else:
                assert queue.ready[:1] == [message.message_id], "the task takes the front one"
            target = self.queues[name_of(task.destination_arn or message.source_arn or ":")]
            self.depart(queue, message, "redriven")
            note("redriven by a move task")
            # A new message: new id, sent and enqueued now, never received (dead-letters.md).
            copy = Msg(
                message_id=new_id,
                body=message.body,
                tag=message.tag,
                sent_at=at,
                enqueued_at=at,
                visible_at=at,
                group=message.group,
                deduplication_id=message.deduplication_id,
            )
            snapshot = snapshots[target.name].get(new_id)
            if snapshot is None:  # it has reached its retention period since
                note("a redriven message expired before anyone looked")
                assert not target.alive(copy, self.now)
                assert self.mock.queue(target.name).history(new_id)[-1].event == "expired"
            else:
                assert (snapshot.state, snapshot.receive_count, snapshot.body) == (
                    "visible",
                    0,
                    message.body,
                )
                assert snapshot.message_attributes == tag_attribute(message.tag)
                assert snapshot.dead_letter_source_arn is None
                if target.fifo:
                    copy.sequence_number = int(snapshot.sequence_number)
                    numbers.setdefault(target.name, []).append((at, message.group, copy))
            self.settle(target, at)
            self.arrive(target, copy, at)
        # Sequence numbers increase in the order messages arrive: a later step's copy has a
        # greater one, and so has a later message of the same group (moved in group order).
        for target_name, arrived in numbers.items():
            target = self.queues[target_name]
            for (at_a, group_a, a), (at_b, group_b, b) in itertools.combinations(arrived, 2):
                assert a.sequence_number is not None and b.sequence_number is not None
                if at_a < at_b or group_a == group_b:
                    assert a.sequence_number < b.sequence_number
            top = max(c.sequence_number or 0 for _, _, c in arrived)
            assert min(c.sequence_number or 0 for _, _, c in arrived) > target.last_sequence
            target.last_sequence = top

        status = result["Status"]
        if status == "FAILED":
            failed_at = task.step_at(moved + 1)
            assert moved < due
            self.settle(queue, failed_at)
            if queue.fifo:
                assert result["FailureReason"] in {
                    self.unmovable(task, m) for m in self.peekable(queue, failed_at)
                }
            else:
                front = queue.messages[queue.ready[0]]
                assert result["FailureReason"] == self.unmovable(task, front)
            note(f"move task failed: {result['FailureReason']}")
        else:
            # The task's last look at the dead-letter queue: the step it gave up at, its
            # last step, or (no step due) the last call that touched the queue.
            if moved < due:
                looked_at = task.step_at(moved + 1)
            else:
                looked_at = task.step_at(moved) if fresh else task.synced_at
            something = bool(self.peekable(queue, looked_at))
            if status == "RUNNING":
                assert task.rate is not None and moved == due < task.to_move and something
            else:
                assert status == "COMPLETED", status
                assert moved >= task.to_move or not something
                note("move task completed")
        task.moved, task.status = moved, status
        task.failure = result.get("FailureReason")
        task.synced_at = self.now

    # -- time ---------------------------------------------------------------------------

    def jump(self, seconds: float) -> None:
        self.mock.advance(seconds)
        self.now += seconds

    @rule(
        data=st.data(),
        seconds=st.integers(0, 7).flatmap(
            lambda kind: (
                st.sampled_from([0, 0.125, 0.25, 0.5, 0.75, 1])
                if kind < 3
                else st.integers(1, 40)
                if kind < 5
                else st.sampled_from(["just before", "onto"])
                if kind < 7
                else st.integers(40, 330)
            )
        ),
    )
    def advance(self, data: st.DataObject, seconds: float | str) -> None:
        """``mock.advance``: small steps, large ones (retention, the 5-minute window), and
        to just before or exactly onto a moment when something changes (mostly the next
        one), where off-by-one mistakes show."""
        if not isinstance(seconds, str):
            self.count("advance")
            self.jump(seconds)
            return
        self.count("advance to a timer")
        future = sorted(at for at in self.timers() if at > self.now)
        if future:
            index = data.draw(st.integers(0, 3), label="not the next timer")
            if index:
                index = data.draw(st.integers(0, len(future) - 1), label="timer")
            offset = -0.125 if seconds == "just before" else 0.0
            self.jump(max(future[index] + offset - self.now, 0))

    @rule(
        data=st.data(),
        edge=st.sampled_from(["reuse", "purge", "deduplication", "retention"]),
        offset=st.sampled_from([-0.125, 0.0]),
    )
    def probe_an_edge(self, data: st.DataObject, edge: str, offset: float) -> None:
        """Jump to just before, or exactly onto, the end of a rule's window (60 s after a
        DeleteQueue or a PurgeQueue, 5 minutes after a deduplication id was first used) or of
        a message's retention period, and act there: where off-by-one mistakes show."""
        self.count(f"edge: {edge}")
        self.settle_all()

        def travel(to: float) -> None:
            self.jump(max(to + offset - self.now, 0))
            self.sync_tasks()  # the calls below would make running tasks progress
            self.settle_all()

        if edge == "reuse":
            names = sorted(n for n, at in self.deleted_at.items() if at + REUSE_WAIT_S > self.now)
            names = [n for n in names if n not in self.queues]
            if names and len(self.queues) < MAX_LIVE_QUEUES:
                name = data.draw(st.sampled_from(names), label="name")
                travel(self.deleted_at[name] + REUSE_WAIT_S)
                if name not in self.queues:
                    self.create(data, name)
        elif edge == "purge":
            purged = [q for q in self.live() if q.last_purge is not None]
            purged = [q for q in purged if (q.last_purge or 0) + PURGE_INTERVAL_S > self.now]
            if purged:
                queue = data.draw(st.sampled_from(purged), label="queue")
                travel((queue.last_purge or 0) + PURGE_INTERVAL_S)
                if self.queues.get(queue.name) is queue:
                    self.purge_queue(data, queue)
        elif edge == "deduplication":
            windows = [
                (q, key, end)
                for q in self.live()
                for key, (end, _, _) in sorted(q.deduplication.items(), key=str)
                if end > self.now
            ]
            if windows:
                queue, (group, dedup), end = data.draw(st.sampled_from(windows), label="id")
                travel(end)
                if self.queues.get(queue.name) is queue:
                    entry = self.draw_entry(data, queue, None)
                    if group is not None:
                        entry["MessageGroupId"] = group
                    # An explicit id equal to a content hash duplicates it (§5.1).
                    entry["MessageDeduplicationId"] = dedup
                    self.send_one(queue, entry)
        else:
            ends = [m.enqueued_at + q.retention for q in self.live() for m in q.messages.values()]
            ends = sorted(at for at in ends if at > self.now)
            if ends:
                travel(data.draw(st.sampled_from(ends), label="retention end"))

    def timers(self) -> list[float]:
        """Every moment the model knows something will change, or a rule stop applying."""
        timers = [
            at
            for q in self.live()
            for m in q.messages.values()
            for at in (m.visible_at, m.enqueued_at + q.retention)
        ]
        timers += [end for q in self.live() for end, _, _ in q.deduplication.values()]
        timers += [q.last_purge + PURGE_INTERVAL_S for q in self.live() if q.last_purge]
        timers += [at + REUSE_WAIT_S for at in self.deleted_at.values()]
        timers += [t.step_at(t.moved + 1) for t in self.running_tasks()]
        return timers

    # -- invariants ---------------------------------------------------------------------

    @invariant()
    def the_simulator_matches_the_model(self) -> None:
        self.sync_tasks()  # first: any call makes running tasks progress
        assert self.mock.clock.now() == self.now
        self.settle_all()
        queues = self.live()
        assert self.client.list_queues().get("QueueUrls", []) == [q.url for q in queues]
        everywhere: list[str] = []
        for queue in queues:
            snapshots = self.view_messages(queue)
            everywhere += list(snapshots)
            assert set(snapshots) == set(queue.messages), queue.name
            self.learn_sequence_numbers(queue, snapshots)
            for message_id, snapshot in snapshots.items():
                message = queue.messages[message_id]
                state = message.state(self.now)
                assert (snapshot.state, snapshot.receive_count) == (
                    state,
                    message.receive_count,
                ), message_id
                assert snapshot.body == message.body
                assert snapshot.message_attributes == tag_attribute(message.tag)
                assert snapshot.sent_at.timestamp() == message.sent_at
                assert snapshot.message_group_id == message.group
                assert snapshot.dead_letter_source_arn == message.source_arn
                if state != "visible":
                    assert snapshot.visible_at.timestamp() == message.visible_at
                if queue.fifo:
                    assert int(snapshot.sequence_number) == message.sequence_number
                    assert snapshot.deduplication_id == message.deduplication_id
            attributes = self.client.get_queue_attributes(
                QueueUrl=queue.url, AttributeNames=[*COUNTERS, *CONFIGURATION]
            )["Attributes"]
            assert {k: attributes[k] for k in COUNTERS} == queue.counts(self.now), queue.name
            fifo_only = ("ContentBasedDeduplication", "DeduplicationScope")
            for name in CONFIGURATION:
                expected = queue.current(name) if queue.fifo or name not in fifo_only else None
                assert attributes.get(name) == expected, name
            if queue.fifo:
                self.check_groups(queue)
            else:
                shown = [s.message_id for s in self.mock.queue(queue.name).visible]
                assert shown == queue.ready, "the delivery order the model predicts"
        assert len(everywhere) == len(set(everywhere)), "a message is in one queue only"
        live_ids = {i for i, where in self.where.items() if isinstance(where, tuple)}
        assert set(everywhere) == live_ids
        for name, generation, message_id, fate in self.to_check:
            queue_now = self.queues.get(name)
            if queue_now is not None and queue_now.generation == generation:
                history = self.mock.queue(name).history(message_id)
                assert history[-1].event == fate, (message_id, history)
        self.to_check.clear()

    def learn_sequence_numbers(self, queue: ModelQueue, snapshots: dict[str, Any]) -> None:
        """The sequence numbers of messages moved into a FIFO queue, in the order they
        arrived: each greater than any before (§5.1)."""
        for message_id in queue.unlearned:
            if message_id in queue.messages:
                number = int(snapshots[message_id].sequence_number)
                assert number > queue.last_sequence, "sequence numbers increase"
                queue.messages[message_id].sequence_number = queue.last_sequence = number
        queue.unlearned.clear()

    def check_groups(self, queue: ModelQueue) -> None:
        view = self.mock.queue(queue.name)
        groups = sorted({m.group for m in queue.messages.values() if m.group is not None})
        expected = {g: [m.message_id for m in queue.group(g)] for g in groups}
        assert {g: [s.message_id for s in ms] for g, ms in view.groups.items()} == expected
        assert view.locked_groups == {
            g: ids[0]
            for g, ids in expected.items()
            if queue.messages[ids[0]].state(self.now) == "in_flight"
        }


def test_random_programs_on_the_whole_api_match_the_reference_model() -> None:
    started = time.perf_counter()
    run_state_machine_as_test(
        WholeApi,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            suppress_health_check=[
                HealthCheck.too_slow,
                HealthCheck.data_too_large,
                HealthCheck.filter_too_much,
            ],
        ),
    )
    STATS["seconds"] += round(time.perf_counter() - started)


# -- bugs the model found, each isolated and fixed: they stay as tests ------------------------


@pytest.fixture
def sqs() -> Any:
    with mock_sqs(clock="manual", start=START, region=REGION, seed=1) as handle:
        yield handle


def redrive_policy(dead_letter_queue: str, max_receive_count: int = 1) -> dict[str, str]:
    target = {
        "deadLetterTargetArn": arn_of(dead_letter_queue),
        "maxReceiveCount": max_receive_count,
    }
    return {"RedrivePolicy": json.dumps(target)}


def delivery_order(sqs: Any, look_between: bool) -> list[str]:
    client = boto3.client("sqs", region_name=REGION)
    url = client.create_queue(QueueName=f"order-{look_between}")["QueueUrl"]
    for body in ("a", "b"):
        client.send_message(QueueUrl=url, MessageBody=body)
    client.receive_message(QueueUrl=url, VisibilityTimeout=10)  # a: back at +10
    client.receive_message(QueueUrl=url, VisibilityTimeout=20)  # b: back at +20
    client.send_message(QueueUrl=url, MessageBody="c")
    sqs.advance(15)
    if look_between:
        # "Reading it never changes anything" (docs/inspection.md).
        assert {m.body for m in sqs.queue(url).visible} == {"a", "c"}
    sqs.advance(10)
    got = client.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0)
    return [m["Body"] for m in got["Messages"]]


def test_looking_at_a_queue_does_not_change_its_delivery_order(sqs: Any) -> None:
    # A message whose visibility timeout ends goes back to the head (architecture.md):
    # b, back last, is first.  Unobserved, the simulator answers a, b, c.
    assert delivery_order(sqs, look_between=True) == ["b", "a", "c"]
    assert delivery_order(sqs, look_between=False) == ["b", "a", "c"]


def test_fifo_long_poll_returns_when_retention_unlocks_a_group(sqs: Any) -> None:
    client = boto3.client("sqs", region_name=REGION)
    attributes = {"FifoQueue": "true", "MessageRetentionPeriod": "60"}
    url = client.create_queue(QueueName="lock.fifo", Attributes=attributes)["QueueUrl"]
    client.send_message(
        QueueUrl=url, MessageBody="head", MessageGroupId="g", MessageDeduplicationId="1"
    )
    client.receive_message(QueueUrl=url, VisibilityTimeout=300)  # locks g; expires at +60
    sqs.advance(30)
    client.send_message(
        QueueUrl=url, MessageBody="next", MessageGroupId="g", MessageDeduplicationId="2"
    )
    sqs.advance(28)  # +58

    got = client.receive_message(QueueUrl=url, WaitTimeSeconds=5)["Messages"]

    assert [m["Body"] for m in got] == ["next"]
    assert sqs.clock.now() == START + 60  # when the head expired; the simulator says +63


def test_long_poll_returns_a_message_a_move_task_delivers_during_the_wait(sqs: Any) -> None:
    client = boto3.client("sqs", region_name=REGION)
    client.create_queue(QueueName="dlq")
    url = client.create_queue(QueueName="src", Attributes=redrive_policy("dlq"))["QueueUrl"]
    client.send_message(QueueUrl=url, MessageBody="x")
    client.receive_message(QueueUrl=url, VisibilityTimeout=0)
    client.receive_message(QueueUrl=url)  # x moves to the dead-letter queue
    client.start_message_move_task(SourceArn=arn_of("dlq"), MaxNumberOfMessagesPerSecond=1)

    got = client.receive_message(QueueUrl=url, WaitTimeSeconds=5).get("Messages", [])

    assert [m["Body"] for m in got] == ["x"]  # redriven at +1
    assert sqs.clock.now() == START + 1


def test_move_task_moves_a_message_whose_visibility_timeout_just_ended(sqs: Any) -> None:
    client = boto3.client("sqs", region_name=REGION)
    dlq = client.create_queue(QueueName="dlq")["QueueUrl"]
    url = client.create_queue(QueueName="src", Attributes=redrive_policy("dlq"))["QueueUrl"]
    client.send_message(QueueUrl=url, MessageBody="x")
    client.receive_message(QueueUrl=url, VisibilityTimeout=0)
    client.receive_message(QueueUrl=url)  # x moves to the dead-letter queue
    client.receive_message(QueueUrl=dlq, VisibilityTimeout=10)
    sqs.advance(11)  # x is visible in the dead-letter queue again

    client.start_message_move_task(SourceArn=arn_of("dlq"))

    task = client.list_message_move_tasks(SourceArn=arn_of("dlq"))["Results"][0]
    assert task["Status"] == "COMPLETED"
    assert task["ApproximateNumberOfMessagesToMove"] == 1  # the simulator says 0
    assert task["ApproximateNumberOfMessagesMoved"] == 1  # and moves nothing
    assert sqs.queue("src").bodies() == ["x"]


def first_group(sqs: Any, look_between: bool) -> list[str]:
    client = boto3.client("sqs", region_name=REGION)
    attributes = {"FifoQueue": "true", "DelaySeconds": "5"}
    name = f"groups-{look_between}.fifo"
    url = client.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    client.send_message(
        QueueUrl=url, MessageBody="a1", MessageGroupId="A", MessageDeduplicationId="1"
    )
    sqs.advance(5)
    client.receive_message(QueueUrl=url, VisibilityTimeout=10)  # A locked until +15
    sqs.advance(7)
    client.send_message(
        QueueUrl=url, MessageBody="b1", MessageGroupId="B", MessageDeduplicationId="2"
    )
    sqs.advance(4)  # +16: A is available again, B (delayed until +17) not yet
    if look_between:
        assert [m.body for m in sqs.queue(url).visible] == ["a1"]
    sqs.advance(4)  # +20
    got = client.receive_message(QueueUrl=url, MaxNumberOfMessages=1, VisibilityTimeout=0)
    return [m["Body"] for m in got["Messages"]]


def test_looking_at_a_fifo_queue_does_not_change_its_group_order(sqs: Any) -> None:
    # A group goes to the back of the group order when it becomes available (fifo.md):
    # A at +15, then B at +17.  (Unobserved, the simulator used to offer B first.)
    assert first_group(sqs, look_between=True) == ["a1"]
    assert first_group(sqs, look_between=False) == ["a1"]


def first_group_after_expiry(sqs: Any, look_between: bool) -> list[str]:
    client = boto3.client("sqs", region_name=REGION)
    attributes = {"FifoQueue": "true", "MessageRetentionPeriod": "60", "DelaySeconds": "5"}
    name = f"expiry-{look_between}.fifo"
    url = client.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    client.send_message(
        QueueUrl=url, MessageBody="a1", MessageGroupId="A", MessageDeduplicationId="1"
    )
    sqs.advance(5)
    client.receive_message(QueueUrl=url, VisibilityTimeout=300)  # A locked until +60
    client.send_message(
        QueueUrl=url, MessageBody="a2", MessageGroupId="A", MessageDeduplicationId="2"
    )
    sqs.advance(45)
    client.send_message(
        QueueUrl=url, MessageBody="b1", MessageGroupId="B", MessageDeduplicationId="3"
    )
    sqs.advance(7)  # +57: B available since +55, A still locked
    if look_between:
        assert [m.body for m in sqs.queue(url).visible] == ["b1", "a2"]
    sqs.advance(5)  # +62: a1 expired at +60, which unlocked A
    got = client.receive_message(QueueUrl=url, MaxNumberOfMessages=1, VisibilityTimeout=0)
    return [m["Body"] for m in got["Messages"]]


def test_a_fifo_group_unlocked_by_retention_joins_the_group_order_in_time(sqs: Any) -> None:
    # B became available at +55, A at +60 (its locking head expired): B first.
    assert first_group_after_expiry(sqs, look_between=True) == ["b1"]
    assert first_group_after_expiry(sqs, look_between=False) == ["b1"]


def test_the_model_test_ran_and_its_figures_are_recorded() -> None:
    """The figures for the docs (run with -s to see them): examples, steps, runtime."""
    if not STATS["examples"]:
        pytest.skip("the model test did not run in this process (-k, or another xdist worker)")
    assert STATS["steps"] > 0
    rules = ", ".join(
        f"{k} {v}"
        for k, v in sorted(STATS.items())
        if k not in ("examples", "steps", "seconds") and not k.startswith("|")
    )
    events = "\n    ".join(f"{k[2:]}: {v}" for k, v in sorted(STATS.items()) if k.startswith("|"))
    print(
        f"\nwhole-API model: {STATS['examples']} examples, {STATS['steps']} steps, "
        f"{STATS['seconds']} s, violations: 0\n  rules: {rules}\n  events:\n    {events}"
    )
