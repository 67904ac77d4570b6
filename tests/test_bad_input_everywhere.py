"""Malformed requests, in-process, never hurt: every operation of botocore's SQS model is
called through boto3 (with botocore's parameter validation off) with parameters that mix
real values (a queue's URL, a receipt handle from a real receive, a running move task's
handle) with wrong types, huge and empty strings and odd characters.

1. Every call that reaches the simulator succeeds or fails with a ``ClientError`` that
   AWS could answer (a code from the error catalogue, a ``Sender`` fault, the catalogue's
   HTTP status); a refused call changes nothing.  Calls botocore's serialiser refuses
   before sending are counted, not judged.  ``PYTEST_SQS_FUZZ_EXAMPLES`` sets the number
   of examples per operation; the figures (calls tried, refused by botocore, reached the
   simulator, accepted, refused by it) are printed after the module's tests.
2. An internal failure of an action surfaces as ``pytest_sqs.SimulatorBug`` naming the
   operation, in-process; over HTTP as a 500 ``InternalError`` naming it, kept in
   ``server.bugs``, and failing the test that used ``sqs_server``.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

import boto3
import botocore.httpsession
import pytest
from _pytester_support import prepare
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st

from pytest_sqs import MockSQS, SimulatorBug, SQSServer, mock_sqs
from pytest_sqs._core import actions
from pytest_sqs._core.errors import ALL_KINDS

pytest_plugins = ["pytester"]

REGION = "us-east-1"
ACCOUNT = "123456789012"
START = 2_000_000_000.0
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
# Examples per operation: the default keeps the file near 15 s on a laptop-class machine.
EXAMPLES = int(os.environ.get("PYTEST_SQS_FUZZ_EXAMPLES", "40"))

# What the simulator may answer with: each catalogue code and the statuses it comes with.
STATUSES: dict[str, set[int]] = {}
for _kind in ALL_KINDS:
    STATUSES.setdefault(_kind.code, set()).add(_kind.status)
SENDER_CODES = frozenset(kind.code for kind in ALL_KINDS if kind.sender_fault)

MODEL = boto3.session.Session().client("sqs", region_name=REGION, **CREDENTIALS).meta.service_model
OPERATIONS: tuple[str, ...] = tuple(MODEL.operation_names)


# -- values --------------------------------------------------------------------------------


class Ref(NamedTuple):
    """A real value known only once the example's queues exist: ``pools[kind][index]``."""

    kind: str
    position: int


def ref(kind: str) -> st.SearchStrategy[Ref]:
    return st.integers(0, 7).map(lambda i: Ref(kind, i))


def resolve(value: Any, pools: dict[str, list[Any]]) -> Any:
    if isinstance(value, Ref):
        pool = pools[value.kind]
        return pool[value.position % len(pool)]
    if isinstance(value, dict):
        return {resolve(k, pools): resolve(v, pools) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(item, pools) for item in value]
    return value


def mostly(
    usual: st.SearchStrategy[Any], rare: st.SearchStrategy[Any], *, odds: int = 4
) -> st.SearchStrategy[Any]:
    """``usual`` ``odds`` times out of ``odds + 1`` (four in five by default), else ``rare``."""
    return st.integers(0, odds).flatmap(lambda n: rare if n == 0 else usual)


HUGE = (
    "x" * 300_000,
    "é" * 150_000,  # 300 KB of UTF-8
    "7" * 300_000,  # digits where a number may be parsed
    "a" * 299_999 + "\x00",  # one illegal character at the very end
)
ODD = st.sampled_from(["\x00", "\x08", "\x7f", "\u200b", "\u202e", "\ufeff", "\ufffe"]) | (
    st.sampled_from(["\uffff", "🙂", "e\u0301", "\u2028", "\t\n\r", " ", "ß", "İ", "\U0010ffff"])
)
ODD_TEXT = st.text(st.characters(codec="utf-8"), max_size=24) | st.lists(
    ODD, min_size=1, max_size=4
).map("".join)
SMALL_JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([0, -1, 2**31, 2**63, -(2**63), 10**40]),
    st.floats(),
    st.just(""),
    st.just("x" * 2_000),
    ODD_TEXT,
    st.binary(max_size=8),
)
SCALAR_JUNK = SMALL_JUNK | st.sampled_from(HUGE)
JUNK = (
    SCALAR_JUNK
    | st.lists(SCALAR_JUNK, max_size=3)
    | st.dictionaries(st.text(max_size=5), SCALAR_JUNK, max_size=3)
)
# Where a list, map or structure belongs: no 300 KB string, which botocore's serialiser
# would walk character by character (a second per call, all of it botocore's).
CONTAINER_JUNK = (
    SMALL_JUNK
    | st.lists(SCALAR_JUNK, max_size=3)
    | st.dictionaries(st.text(max_size=5), SCALAR_JUNK, max_size=3)
)
NUMERIC_TEXT = st.sampled_from(["0", "1", "30", "-1", "1.5", "1e3", " 5", "0x10", "NaN", "abc"])
INTEGERS = st.one_of(
    st.integers(-2, 30),
    st.sampled_from([0, 1, 10, 11, 20, 21, 60, 900, 901, 1000, 1001, 43_200, 43_201, 2**31]),
    st.integers(),
    NUMERIC_TEXT,
)
QUEUE_NAMES = st.sampled_from(
    ["std", "dlq", "jobs.fifo", "fresh", "fresh.fifo", "Fresh_1-a", "x" * 80, "x" * 81]
) | st.sampled_from(["bad name", "bad/name", ".fifo", "a.fifo.fifo", "std.fifo", ""])
# Settable attributes with their valid ranges (and just outside them).
RANGES = {
    "VisibilityTimeout": (0, 43_200),
    "DelaySeconds": (0, 900),
    "MaximumMessageSize": (1_024, 1_048_576),
    "MessageRetentionPeriod": (60, 1_209_600),
    "ReceiveMessageWaitTimeSeconds": (0, 20),
    "KmsDataKeyReusePeriodSeconds": (60, 86_400),
}
OTHER_ATTRIBUTES = {
    "RedrivePolicy": st.one_of(
        st.builds(
            lambda arn, count: json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": count}),
            ref("arn"),
            st.sampled_from([1, 3, "5", 0, 1001, None]),
        ),
        st.sampled_from(["", "{}", "{", "[]", "null", '{"maxReceiveCount": 2}']),
    ),
    "RedriveAllowPolicy": st.sampled_from(
        [
            '{"redrivePermission":"allowAll"}',
            '{"redrivePermission":"denyAll"}',
            '{"redrivePermission":"byQueue","sourceQueueArns":[]}',
            '{"redrivePermission":"sometimes"}',
            "not json",
        ]
    ),
    "Policy": st.sampled_from(
        [
            "",
            "{}",
            '{"Version":"2012-10-17","Statement":[]}',
            '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",'
            '"Action":"sqs:SendMessage","Resource":"*"}]}',
            '{"Statement": 5}',
            "[",
        ]
    ),
    "FifoQueue": st.sampled_from(["true", "false", "TRUE", "yes", ""]),
    "ContentBasedDeduplication": st.sampled_from(["true", "false", "maybe"]),
    "SqsManagedSseEnabled": st.sampled_from(["true", "false", "1"]),
    "DeduplicationScope": st.sampled_from(["queue", "messageGroup", "table"]),
    "FifoThroughputLimit": st.sampled_from(["perQueue", "perMessageGroupId", "fast"]),
    "KmsMasterKeyId": st.sampled_from(["alias/aws/sqs", "", "arn:aws:kms:us-east-1:1:key/x"]),
}
READ_ONLY_OR_UNKNOWN = ("All", "QueueArn", "ApproximateNumberOfMessages", "CreatedTimestamp")
QUEUE_ATTRIBUTE_NAMES = (*RANGES, *OTHER_ATTRIBUTES, *READ_ONLY_OR_UNKNOWN, "Bogus", "")


def queue_attribute_value(name: str) -> st.SearchStrategy[Any]:
    """Plausible and implausible values of one queue attribute."""
    if name in RANGES:
        low, high = RANGES[name]
        usual = mostly(
            st.integers(low, high).map(str),
            st.sampled_from([low - 1, high + 1, 2**31]).map(str) | NUMERIC_TEXT,
        )
    else:
        usual = OTHER_ATTRIBUTES.get(name, INTEGERS.map(str) | ODD_TEXT)
    return mostly(usual, JUNK)


QUEUE_ATTRIBUTES = st.lists(
    mostly(
        st.sampled_from(tuple(RANGES)) | st.sampled_from(tuple(OTHER_ATTRIBUTES)),
        st.sampled_from(QUEUE_ATTRIBUTE_NAMES),
    ).flatmap(lambda name: st.tuples(st.just(name), queue_attribute_value(name))),
    max_size=3,
).map(dict)
TAG_KEYS = mostly(
    st.sampled_from(["team", "env", "new", "k" * 128, "a:b/c=d+e-f@g", "ключ"]),
    st.sampled_from(["", "k" * 129, "bad\x00", "aws:x"]),
)
TAG_VALUES = mostly(
    st.sampled_from(["", "a", "v" * 256, "émoji ok"]), st.sampled_from(["v" * 257, "bad\x07", "🙂"])
)
DATA_TYPES = st.sampled_from(
    ["String", "Number", "Binary", "String.json", "Number.int", "Binary.gif"]
) | st.sampled_from(["Invalid", "", "string", "Number." + "L" * 256])

# Strategies for members (by name) whose good values are specific; None: the generic one.
MEMBER_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "QueueUrl": ref("url"),
    "QueueName": QUEUE_NAMES,
    "QueueNamePrefix": st.sampled_from(["", "s", "std", "jobs", "zzz", "x" * 81]),
    "QueueOwnerAWSAccountId": st.sampled_from([ACCOUNT, "111122223333", "12", "abc"]),
    "ReceiptHandle": ref("handle"),
    "TaskHandle": ref("task"),
    "SourceArn": ref("arn"),
    "DestinationArn": ref("arn"),
    "NextToken": ref("token"),
    "Label": mostly(
        st.sampled_from(["lbl", "l1", "l2", "new-label", "x" * 80]),
        st.sampled_from(["bad label", "x" * 81, ""]),
    ),
    "Id": mostly(
        st.integers(0, 30).map(lambda n: f"e{n}"),
        st.sampled_from(["id_2-x", "bad id", "x" * 80, "x" * 81, ""]),
    ),
    "MessageBody": st.sampled_from(["hello", "{}", "x" * 1000]) | ODD_TEXT | st.sampled_from(HUGE),
    "MessageGroupId": st.sampled_from(["g1", "g2", "x" * 128, "x" * 129, "bad group"]),
    "MessageDeduplicationId": st.sampled_from(["d1", "d2", "x" * 128, "x" * 129, "sp ace"]),
    "ReceiveRequestAttemptId": st.sampled_from(["attempt-1", "x" * 129, "é"]),
    "DataType": DATA_TYPES,
    "StringValue": st.sampled_from(["v", "12", "1e3", "-0.5", "NaN", "1" * 39]) | ODD_TEXT,
    "Attributes": QUEUE_ATTRIBUTES,
    "tags": st.dictionaries(TAG_KEYS, TAG_VALUES, max_size=3),
    "Tags": st.dictionaries(TAG_KEYS, TAG_VALUES, max_size=3),
}
# Strategies for list items and map keys, by the botocore shape they belong to.
SHAPE_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "QueueAttributeName": st.sampled_from(QUEUE_ATTRIBUTE_NAMES),
    "MessageSystemAttributeName": st.sampled_from(
        ["All", "SenderId", "SequenceNumber", "ApproximateReceiveCount", "AWSTraceHeader"]
    )
    | st.sampled_from(["MessageGroupId", "DeadLetterQueueSourceArn", "Bogus"]),
    "MessageAttributeName": st.sampled_from(["All", ".*", "Hello", "Hel.*", "x.", "AWS.x"]),
    "MessageSystemAttributeNameForSends": st.sampled_from(["AWSTraceHeader", "Bogus", ""]),
    "TagKey": TAG_KEYS,
}
LIST_MEMBERS: dict[str, st.SearchStrategy[Any]] = {
    "AWSAccountIds": mostly(
        st.sampled_from([ACCOUNT, "111122223333", "444455556666"]),
        st.sampled_from(["1", "abc", ""]),
    ),
    "Actions": mostly(
        st.sampled_from(
            ["SendMessage", "ReceiveMessage", "DeleteMessage", "ChangeMessageVisibility", "*"]
        )
        | st.sampled_from(["GetQueueAttributes", "GetQueueUrl"]),
        st.sampled_from(["DeleteQueue", "SQS:SendMessage", "Bogus", ""]),
    ),
}


def for_shape(
    shape: Any, name: str | None = None, depth: int = 0, *, key: bool = False
) -> st.SearchStrategy[Any]:
    """Mostly a value of ``shape`` (good values where the member's name says what they
    are), now and then junk of any type (of any hashable type for a map's ``key``)."""
    usual = MEMBER_VALUES.get(name or "")
    if usual is None:
        usual = SHAPE_VALUES.get(shape.name)
    if usual is None:
        kind = shape.type_name
        if kind == "structure":
            required = list(shape.required_members)
            usual = st.fixed_dictionaries(
                {key: for_shape(shape.members[key], key, depth + 1) for key in required},
                optional={
                    key: for_shape(member, key, depth + 1)
                    for key, member in shape.members.items()
                    if key not in required
                },
            )
            if required:  # now and then a required member is missing
                usual = mostly(usual, usual.map(dropping(required[0])))
        elif kind == "list":
            item = LIST_MEMBERS.get(name or "")
            if item is None:
                item = for_shape(shape.member, None, depth + 1)
            usual = st.lists(item, max_size=11 if depth == 0 else 3)
        elif kind == "map":
            usual = st.dictionaries(
                for_shape(shape.key, None, depth + 1, key=True),
                for_shape(shape.value, None, depth + 1),
                max_size=4 if depth == 0 else 2,
            )
        elif kind == "integer":
            usual = INTEGERS
        elif kind == "blob":
            usual = st.binary(max_size=16)
        elif kind == "boolean":
            usual = st.booleans()
        else:
            usual = ODD_TEXT
    if key:
        junk = SCALAR_JUNK  # hashable
    elif shape.type_name in ("list", "map", "structure"):
        junk = CONTAINER_JUNK
    else:
        junk = JUNK
    # Junk less often deep inside (a batch entry's members): else no batch is ever valid.
    return mostly(usual, junk, odds=4 if depth == 0 else 9)


def _without(params: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in params.items() if k != key}


def dropping(key: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """The parameters without ``key`` (a required member gone missing)."""
    return lambda params: _without(params, key)


def request_parameters(operation: str) -> st.SearchStrategy[dict[str, Any]]:
    """Keyword arguments for ``operation``: always a dict (they are keyword arguments)."""
    shape = MODEL.operation_model(operation).input_shape
    members = shape.members
    required = list(shape.required_members)
    return st.fixed_dictionaries(
        {key: for_shape(members[key], key) for key in required},
        optional={key: for_shape(m, key) for key, m in members.items() if key not in required},
    ).flatmap(
        lambda d: st.sampled_from([d, d, d, d, d, _without(d, required[0]) if required else d])
    )


# -- the world each example starts from ------------------------------------------------------


def build_world(mock: MockSQS, client: Any) -> dict[str, list[Any]]:
    """Queues, messages, a permission, tags and a running move task; the real values.

    ``std`` (tagged, with a permission) and ``other`` redrive to ``dlq`` and ``dlq2``;
    ``jobs.fifo`` deduplicates by content.  Of the receipt handles, one is stale (its
    message deleted) and two are in flight; a task is moving ``dlq`` back.
    """
    dlq = client.create_queue(QueueName="dlq")["QueueUrl"]
    dlq_arn = mock.queue("dlq").arn
    redrive = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 2})
    std = client.create_queue(
        QueueName="std", Attributes={"RedrivePolicy": redrive}, tags={"team": "a"}
    )["QueueUrl"]
    fifo = client.create_queue(
        QueueName="jobs.fifo",
        Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"},
    )["QueueUrl"]
    client.add_permission(
        QueueUrl=std, Label="lbl", AWSAccountIds=["111122223333"], Actions=["SendMessage"]
    )
    hello = {"Hello": {"DataType": "String", "StringValue": "there"}}
    ids = [
        client.send_message(QueueUrl=std, MessageBody=f"m{n}", MessageAttributes=hello)["MessageId"]
        for n in range(3)
    ]
    for group in ("g1", "g2"):
        client.send_message(QueueUrl=fifo, MessageBody=group, MessageGroupId=group)
    received = client.receive_message(QueueUrl=std, MaxNumberOfMessages=2, VisibilityTimeout=60)
    handles = [m["ReceiptHandle"] for m in received["Messages"]]
    client.delete_message(QueueUrl=std, ReceiptHandle=handles[0])  # a stale handle now
    [fifo_message] = client.receive_message(QueueUrl=fifo)["Messages"]
    handles.append(fifo_message["ReceiptHandle"])
    leftover = next(i for i in ids if i not in {m["MessageId"] for m in received["Messages"]})
    mock.dead_letter("std", leftover)
    client.send_message(QueueUrl=dlq, MessageBody="straight into the dlq")
    task = client.start_message_move_task(SourceArn=dlq_arn, MaxNumberOfMessagesPerSecond=1)
    # A second dead-letter queue, with no task yet: StartMessageMoveTask can succeed.
    dlq2 = client.create_queue(QueueName="dlq2")["QueueUrl"]
    dlq2_arn = mock.queue("dlq2").arn
    redrive2 = json.dumps({"deadLetterTargetArn": dlq2_arn, "maxReceiveCount": 5})
    client.create_queue(QueueName="other", Attributes={"RedrivePolicy": redrive2})
    client.send_message(QueueUrl=dlq2, MessageBody="waiting in dlq2")
    token = client.list_queues(MaxResults=1)["NextToken"]
    bogus_task = base64.b64encode(
        json.dumps({"taskId": "nope", "sourceArn": dlq_arn}).encode()
    ).decode()
    return {
        "url": [
            std,
            fifo,
            dlq,
            "std",
            f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/missing",
            f"https://sqs.{REGION}.amazonaws.com/111122223333/std",
            f"https://queue.amazonaws.com/{ACCOUNT}/std",
            f"https://sqs.eu-west-1.amazonaws.com/{ACCOUNT}/std",
        ],
        "handle": [*handles, "AQEBnotahandle==", "x", handles[1] + "x"],
        "arn": [
            dlq_arn,
            dlq2_arn,
            mock.queue("std").arn,
            mock.queue("jobs.fifo").arn,
            f"arn:aws:sqs:{REGION}:{ACCOUNT}:missing",
            "arn:aws:s3:::bucket",
            "arn:aws:sqs",
            "not-an-arn",
        ],
        "task": [task["TaskHandle"], bogus_task, "bm90IGpzb24=", "!!"],
        "token": [token, "bogus", "eyJ9"],
    }


def snapshot(mock: MockSQS) -> dict[str, Any]:
    """Everything a call could change, but the timestamps.  (The attributes are what
    GetQueueAttributes All answers, asked of the simulator directly: it is faster.)"""
    queues: dict[str, Any] = {}
    for view in mock.queues():
        attributes = mock.simulator.handle(
            "GetQueueAttributes",
            {"QueueUrl": view.url, "AttributeNames": ["All"]},
            region=view.region,
            account_id=view.account_id,
        )["Attributes"]
        for stamp in ("CreatedTimestamp", "LastModifiedTimestamp"):
            attributes.pop(stamp, None)
        queues[view.url] = {
            "attributes": attributes,
            "tags": view.tags,
            "messages": sorted(
                (m.message_id, m.state, m.receive_count, m.visible_at, m.body[:20])
                for m in view.messages
            ),
            "deduplication": view.deduplication if view.fifo else (),
        }
    tasks = [
        (t.task_id, t.status, t.moved, t.to_move)
        for source in mock.simulator.move_tasks.values()
        for t in source
    ]
    return {"now": mock.clock.now(), "queues": queues, "tasks": tasks}


# -- 1. every operation, malformed ---------------------------------------------------------


def shortened(value: Any) -> Any:
    """``value`` with long strings cut, for the notes of a failing example."""
    if isinstance(value, str) and len(value) > 100:
        return f"<{len(value)} characters: {value[:20]!r}...>"
    if isinstance(value, dict):
        return {shortened(k): shortened(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shortened(item) for item in value]
    return value


@pytest.fixture(scope="module")
def clients() -> tuple[Any, Any]:
    """(lax, strict): the first sends anything on, the second builds each example's world."""
    session = boto3.session.Session()
    lax = session.client(
        "sqs", region_name=REGION, config=Config(parameter_validation=False), **CREDENTIALS
    )
    strict = session.client("sqs", region_name=REGION, **CREDENTIALS)
    return lax, strict


@pytest.fixture(scope="module")
def figures(request: pytest.FixtureRequest) -> Iterator[dict[str, Counter[str]]]:
    """Calls tried / reached / refused per operation, printed when the module is done."""
    table: dict[str, Counter[str]] = {}
    yield table
    total: Counter[str] = Counter()
    lines = []
    for operation, counts in sorted(table.items()):
        total.update(counts)
        lines.append(_figures_line(operation, counts))
    lines.append(_figures_line("all operations", total))
    refusals = sorted((k.split()[1], n) for k, n in total.items() if k.startswith("botocore "))
    lines.append("refused by botocore: " + ", ".join(f"{name} {n}" for name, n in refusals))
    # Past the output capture (the figures are for the docs), unless under xdist's workers.
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    worker = hasattr(request.config, "workerinput")
    if reporter is not None and capture is not None and not worker:
        with capture.global_and_fixture_disabled():
            reporter.write_line("")
            for line in lines:
                reporter.write_line(line)


def _figures_line(operation: str, counts: Counter[str]) -> str:
    return (
        f"bad input, {operation}: {counts['examples']} examples, {counts['tried']} calls tried, "
        f"{counts['botocore']} refused by botocore, {counts['reached']} reached the simulator "
        f"({counts['accepted']} accepted, {counts['refused']} refused with an AWS error" + ")"
    )


@pytest.mark.parametrize("operation", OPERATIONS)
def test_every_operation_answers_malformed_input_like_aws(
    operation: str, clients: tuple[Any, Any], figures: dict[str, Counter[str]]
) -> None:
    lax, strict = clients
    counts = figures.setdefault(operation, Counter())
    method = getattr(lax, xform_name(operation))
    reached: list[bool] = []

    def mark_reached(**_: Any) -> None:
        reached.append(True)

    lax.meta.events.register_first(f"before-call.sqs.{operation}", mark_reached)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(calls=st.lists(request_parameters(operation), min_size=1, max_size=3))
    def run(calls: list[dict[str, Any]]) -> None:
        counts["examples"] += 1
        with mock_sqs(clock="manual", start=START, seed=7, region=REGION) as mock:
            pools = build_world(mock, strict)
            for drawn in calls:
                params = resolve(drawn, pools)
                note(f"{operation}({shortened(params)!r})")
                before = snapshot(mock)
                reached.clear()
                counts["tried"] += 1
                try:
                    method(**params)
                except ClientError as error:
                    assert reached, "a ClientError that never reached the simulator"
                    counts["reached"] += 1
                    counts["refused"] += 1
                    check_aws_error(error)
                    assert snapshot(mock) == before, "a refused call changed the state"
                except Exception as error:
                    if reached:  # it got to the simulator, which must never fail like this
                        raise AssertionError(
                            f"{operation} failed with {type(error).__name__} instead of an AWS "
                            f"error:\n{''.join(traceback.format_exception(error))}"
                        ) from error
                    counts["botocore"] += 1
                    counts[f"botocore {type(error).__name__}"] += 1
                    event(f"refused by botocore: {type(error).__name__}")
                    assert snapshot(mock) == before
                else:
                    assert reached
                    counts["reached"] += 1
                    counts["accepted"] += 1
                    event("accepted")

    try:
        run()
    finally:
        lax.meta.events.unregister(f"before-call.sqs.{operation}", mark_reached)
    assert counts["reached"] > 0
    assert counts["tried"] == counts["botocore"] + counts["reached"]


def check_aws_error(error: ClientError) -> None:
    details = error.response["Error"]
    code = details["Code"]
    event(f"refused: {code}")
    assert code in SENDER_CODES, f"{code!r} is not a client error of the catalogue: {details}"
    assert details["Type"] == "Sender"
    assert isinstance(details.get("Message"), str)
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] in STATUSES[code]


DIGITS = "9" * 5_000  # longer than int() converts (sys.get_int_max_str_digits(): 4300)
DLQ_ARN = f"arn:aws:sqs:{REGION}:{ACCOUNT}:dlq"
HUGE_COUNT = json.dumps({"deadLetterTargetArn": DLQ_ARN, "maxReceiveCount": DIGITS})


@pytest.mark.parametrize(
    ("operation", "attributes", "code"),
    [
        ("CreateQueue", {"VisibilityTimeout": DIGITS}, "InvalidAttributeValue"),
        ("SetQueueAttributes", {"MessageRetentionPeriod": DIGITS}, "InvalidAttributeValue"),
        (
            "CreateQueue",
            {"RedrivePolicy": HUGE_COUNT},
            "InvalidParameterValue",
        ),
    ],
    ids=["create-VisibilityTimeout", "set-MessageRetentionPeriod", "create-maxReceiveCount"],
)
def test_a_digit_string_too_long_for_int_is_an_aws_error(
    mock: MockSQS, client: Any, queue_url: str, operation: str, attributes: Any, code: str
) -> None:
    client.create_queue(QueueName="dlq")
    before = snapshot(mock)
    with pytest.raises(ClientError) as info:
        if operation == "CreateQueue":
            client.create_queue(QueueName="another", Attributes=attributes)
        else:
            client.set_queue_attributes(QueueUrl=queue_url, Attributes=attributes)
    assert info.value.response["Error"]["Code"] == code
    assert snapshot(mock) == before


def test_every_fuzzed_operation_is_simulated() -> None:
    # The model's operations are what the test above is parametrized with; the catalogue
    # must hold the codes it checks against.
    assert len(OPERATIONS) >= 23
    assert set(OPERATIONS) <= set(actions.load())
    assert {"InvalidParameterValue", "MissingParameter", "InternalError"} <= set(STATUSES)


# -- 2. an internal failure is reported as ours ----------------------------------------------


REAL_SEND = botocore.httpsession.URLLib3Session.send


class Boom(Exception):
    """What the broken action raises."""


def broken(*_: Any) -> Any:
    raise Boom("the action fell over")


# operation -> (keyword arguments, given the test queue's URL; boto3 method name)
VALID_CALLS: dict[str, Callable[[str], dict[str, Any]]] = {
    "ListQueues": lambda url: {},
    "CreateQueue": lambda url: {"QueueName": "another"},
    "GetQueueUrl": lambda url: {"QueueName": "test-queue"},
    "SendMessage": lambda url: {"QueueUrl": url, "MessageBody": "hi"},
    "SendMessageBatch": lambda url: {
        "QueueUrl": url,
        "Entries": [{"Id": "1", "MessageBody": "hi"}],
    },
    "ReceiveMessage": lambda url: {"QueueUrl": url, "WaitTimeSeconds": 0},
    "DeleteMessage": lambda url: {"QueueUrl": url, "ReceiptHandle": "h"},
    "GetQueueAttributes": lambda url: {"QueueUrl": url, "AttributeNames": ["All"]},
    "SetQueueAttributes": lambda url: {"QueueUrl": url, "Attributes": {"DelaySeconds": "1"}},
    "TagQueue": lambda url: {"QueueUrl": url, "Tags": {"team": "a"}},
    "PurgeQueue": lambda url: {"QueueUrl": url},
    "DeleteQueue": lambda url: {"QueueUrl": url},
    "ListMessageMoveTasks": lambda url: {"SourceArn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:x"},
}


@pytest.mark.parametrize("operation", sorted(VALID_CALLS))
def test_an_internal_failure_in_process_is_a_simulator_bug_naming_the_operation(
    operation: str, mock: MockSQS, client: Any, queue_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    params = VALID_CALLS[operation](queue_url)
    monkeypatch.setitem(actions.ACTIONS, operation, broken)
    method = getattr(client, xform_name(operation))
    with pytest.raises(SimulatorBug) as info:
        method(**params)
    bug = info.value
    assert str(bug).startswith(
        f"pytest-sqs failed internally while handling {operation} with parameters "
    )
    assert "This is a bug in pytest-sqs, not an SQS error" in str(bug)
    assert bug.operation == operation
    assert dict(bug.params) == params
    assert isinstance(bug.__cause__, Boom)
    assert not isinstance(bug, ClientError)
    # The simulator is not left locked or broken: the next call is served.
    monkeypatch.undo()
    assert client.get_queue_url(QueueName="test-queue")["QueueUrl"] == queue_url


@pytest.fixture
def server() -> Iterator[SQSServer]:
    with SQSServer(clock="manual", start=START, seed=3) as running:
        yield running


def post(server: SQSServer, operation: str, params: dict[str, Any]) -> tuple[int, Any]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        connection.request(
            "POST",
            "/",
            body=json.dumps(params).encode(),
            headers={
                "Content-Type": "application/x-amz-json-1.0",
                "X-Amz-Target": f"AmazonSQS.{operation}",
            },
        )
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


@pytest.mark.parametrize("operation", ["ListQueues", "CreateQueue", "SendMessage", "PurgeQueue"])
def test_an_internal_failure_over_http_is_a_500_naming_the_operation(
    operation: str,
    server: SQSServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = server.client().create_queue(QueueName="test-queue")["QueueUrl"]
    params = VALID_CALLS[operation](url)
    monkeypatch.setitem(actions.ACTIONS, operation, broken)
    status, document = post(server, operation, params)
    assert status == 500
    assert "InternalError" in document["__type"]
    assert document["message"].startswith(
        f"pytest-sqs failed internally while handling {operation} with parameters "
    )
    [report] = server.bugs
    assert f"while handling {operation}" in report
    assert "Boom: the action fell over" in report  # with the traceback
    assert "Boom: the action fell over" in capsys.readouterr().err
    # The server still serves, and a boto3 client that does not retry sees InternalError.
    client = server.client(config=Config(retries={"total_max_attempts": 1}))
    with pytest.raises(ClientError) as info:
        getattr(client, xform_name(operation))(**params)
    error = info.value.response
    assert error["Error"]["Code"] == "InternalError"
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 500
    assert f"while handling {operation}" in error["Error"]["Message"]
    assert len(server.bugs) == 2
    monkeypatch.undo()
    assert client.get_queue_url(QueueName="test-queue")["QueueUrl"] == url


def test_an_internal_failure_fails_the_test_that_used_sqs_server(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    prepare(pytester, monkeypatch)
    # prepare() refuses every send; the server on loopback must be reachable.
    monkeypatch.setattr(botocore.httpsession.URLLib3Session, "send", REAL_SEND)
    pytester.makepyfile(
        """
        from botocore.config import Config
        from botocore.exceptions import ClientError

        from pytest_sqs._core import actions

        def broken(*_):
            raise RuntimeError("kaput")

        def test_uses_the_server(sqs_server, monkeypatch):
            monkeypatch.setitem(actions.ACTIONS, "ListQueues", broken)
            client = sqs_server.client(config=Config(retries={"total_max_attempts": 1}))
            try:
                client.list_queues()
            except ClientError as error:
                assert error.response["Error"]["Code"] == "InternalError"
            else:
                raise AssertionError("no error")
            assert len(sqs_server.bugs) == 1  # the test body itself passes

        def test_next_test_has_a_clean_server(sqs_server):
            assert sqs_server.bugs == []
            assert sqs_server.client().list_queues().get("QueueUrls", []) == []
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_uses_the_server*",
            "*pytest-sqs failed internally while serving:",
            "*pytest-sqs failed internally while handling ListQueues with parameters {}.*",
            "*RuntimeError: kaput",
        ]
    )
