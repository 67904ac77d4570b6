"""Properties of the message actions, checked with Hypothesis through boto3.

1. A stateful model test: arbitrary sequences of send, receive, delete, change visibility,
   long polls, retention changes and clock advances never lose or duplicate a message, and
   the ApproximateNumberOf* counters always equal what the queue view shows.
2. Arbitrary, malformed SendMessage / ReceiveMessage parameters get a success or an
   AWS-shaped ClientError, never another exception, and a refused call changes nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from struct import pack
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    rule,
)

from pytest_sqs import ManualClock, MockSQS, mock_sqs

REGION = "us-east-1"
START = 2_000_000_000  # whole epoch seconds, so the model's arithmetic is exact
COUNTERS = (
    "ApproximateNumberOfMessages",
    "ApproximateNumberOfMessagesNotVisible",
    "ApproximateNumberOfMessagesDelayed",
)
LAX = Config(parameter_validation=False)


def md5_of_attributes(attributes: dict[str, dict[str, Any]]) -> str:
    """MD5OfMessageAttributes as §7.3 defines it (independent of the simulator's code)."""
    buffer = b""
    for name in sorted(attributes, key=lambda n: n.encode()):
        value = attributes[name]
        for text in (name, value["DataType"]):
            buffer += pack(">I", len(text.encode())) + text.encode()
        if value.get("StringValue") is not None:
            raw = value["StringValue"].encode()
            buffer += b"\x01" + pack(">I", len(raw)) + raw
        else:
            buffer += b"\x02" + pack(">I", len(value["BinaryValue"])) + value["BinaryValue"]
    return hashlib.md5(buffer).hexdigest()


# -- 1. the stateful model ------------------------------------------------------------------


@dataclass
class Modelled:
    """What the reference model knows of one live message (times in epoch seconds)."""

    enqueued_at: int
    visible_at: int
    receive_count: int = 0

    def state(self, now: int) -> str:
        if self.visible_at <= now:
            return "visible"
        return "in_flight" if self.receive_count else "delayed"


class MessageLifecycle(RuleBasedStateMachine):
    """A standard queue against a reference model that predicts every state exactly."""

    handles = Bundle("handles")

    def __init__(self) -> None:
        super().__init__()
        self.mock = mock_sqs(clock=ManualClock(start=START), region=REGION, seed=0).start()
        self.client = boto3.client("sqs", region_name=REGION)
        self.url = self.client.create_queue(
            QueueName="model", Attributes={"MessageRetentionPeriod": "120"}
        )["QueueUrl"]
        self.view = self.mock.queue("model")
        self.now = START
        self.retention = 120
        self.queue_delay = 0
        self.live: dict[str, Modelled] = {}
        self.deleted: set[str] = set()
        self.expired: set[str] = set()
        self.to_check: dict[str, str] = {}  # message id -> the event its history must end with

    def teardown(self) -> None:
        self.mock.stop()

    # -- the model ---------------------------------------------------------------

    def settle(self) -> None:
        """Expire what the simulator expires when a call touches the queue."""
        for message_id, message in list(self.live.items()):
            if message.enqueued_at + self.retention <= self.now:
                event("a message expired")
                del self.live[message_id]
                self.expired.add(message_id)
                self.to_check[message_id] = "expired"

    def in_state(self, state: str) -> set[str]:
        return {i for i, m in self.live.items() if m.state(self.now) == state}

    def enqueue(self, message_id: str, delay: int | None) -> None:
        assert message_id not in self.live.keys() | self.deleted | self.expired
        effective = self.queue_delay if delay is None else delay
        self.live[message_id] = Modelled(self.now, self.now + effective)

    def take(self, messages: list[dict[str, Any]], maximum: int, visibility: int) -> Any:
        """Check a receive against the model and apply it; the handles it issued."""
        visible = self.in_state("visible")
        ids = [m["MessageId"] for m in messages]
        assert len(ids) == len(set(ids)) == min(maximum, len(visible))
        assert set(ids) <= visible
        for message in messages:
            modelled = self.live[message["MessageId"]]
            modelled.receive_count += 1
            modelled.visible_at = self.now + visibility
            assert message["Attributes"] == {"ApproximateReceiveCount": str(modelled.receive_count)}
        return multiple(*((m["ReceiptHandle"], m["MessageId"]) for m in messages))

    # -- rules ---------------------------------------------------------------------

    @initialize()
    def start_empty(self) -> None:
        assert self.view.messages == ()

    @rule(body=st.text(min_size=1, max_size=8), delay=st.none() | st.integers(0, 90))
    def send(self, body: str, delay: int | None) -> None:
        self.settle()
        extra = {} if delay is None else {"DelaySeconds": delay}
        try:
            result = self.client.send_message(QueueUrl=self.url, MessageBody=body, **extra)
        except ClientError as error:
            # Only illegal characters may be refused (§1.5).
            assert error.response["Error"]["Code"] == "InvalidMessageContents"
            return
        self.enqueue(result["MessageId"], delay)

    @rule(delays=st.lists(st.none() | st.integers(0, 90), min_size=1, max_size=4))
    def send_batch(self, delays: list[int | None]) -> None:
        self.settle()
        entries = [
            {"Id": str(i), "MessageBody": f"batch {i}"}
            | ({} if delay is None else {"DelaySeconds": delay})
            for i, delay in enumerate(delays)
        ]
        result = self.client.send_message_batch(QueueUrl=self.url, Entries=entries)
        assert "Failed" not in result
        for entry in result["Successful"]:
            self.enqueue(entry["MessageId"], delays[int(entry["Id"])])

    @rule(
        target=handles,
        maximum=st.integers(1, 10),
        visibility=st.none() | st.sampled_from([0, 0, 1, 5]) | st.integers(0, 90),
    )
    def receive(self, maximum: int, visibility: int | None) -> Any:
        self.settle()
        extra = {} if visibility is None else {"VisibilityTimeout": visibility}
        response = self.client.receive_message(
            QueueUrl=self.url,
            MaxNumberOfMessages=maximum,
            WaitTimeSeconds=0,
            AttributeNames=["ApproximateReceiveCount"],
            **extra,
        )
        return self.take(
            response.get("Messages", []), maximum, 30 if visibility is None else visibility
        )

    @rule(target=handles, wait=st.integers(1, 20), maximum=st.integers(1, 10))
    def long_poll(self, wait: int, maximum: int) -> Any:
        self.settle()
        response = self.client.receive_message(
            QueueUrl=self.url,
            MaxNumberOfMessages=maximum,
            WaitTimeSeconds=wait,
            AttributeNames=["ApproximateReceiveCount"],
        )
        # The poll ends when a message is visible, else at the end of the wait; a message
        # that expires instead of becoming visible does not end it (§8).
        deadline = self.now + wait
        while not self.in_state("visible") and self.now < deadline:
            pending = [m.visible_at for m in self.live.values() if m.visible_at > self.now]
            self.now = min([*pending, deadline])
            self.settle()
        assert self.mock.clock.now() == self.now
        event(f"long poll {'returned' if 'Messages' in response else 'ran out'}")
        return self.take(response.get("Messages", []), maximum, 30)

    @rule(handle=handles)
    def delete(self, handle: tuple[str, str]) -> None:
        self.settle()
        receipt, message_id = handle
        # Any handle ever issued deletes on a standard queue (Appendix A).
        self.client.delete_message(QueueUrl=self.url, ReceiptHandle=receipt)
        event(
            f"delete with the handle of a {'live' if message_id in self.live else 'gone'} message"
        )
        if self.live.pop(message_id, None) is not None:
            self.deleted.add(message_id)
            self.to_check[message_id] = "deleted"

    @rule(handle=handles, timeout=st.sampled_from([0, 1, 5]) | st.integers(0, 90))
    def change_visibility(self, handle: tuple[str, str], timeout: int) -> None:
        self.settle()
        receipt, message_id = handle
        modelled = self.live.get(message_id)
        event(f"change visibility of a {'gone' if modelled is None else 'live'} message")
        if modelled is None:
            with pytest.raises(ClientError) as info:
                self.client.change_message_visibility(
                    QueueUrl=self.url, ReceiptHandle=receipt, VisibilityTimeout=timeout
                )
            assert info.value.response["Error"]["Message"] == (
                f"Value {receipt} for parameter ReceiptHandle is invalid. Reason: Message does "
                "not exist or is not available for visibility timeout change."
            )
            return
        self.client.change_message_visibility(
            QueueUrl=self.url, ReceiptHandle=receipt, VisibilityTimeout=timeout
        )
        modelled.visible_at = self.now + timeout

    @rule(seconds=st.integers(0, 100))
    def advance(self, seconds: int) -> None:
        self.mock.advance(seconds)
        self.now += seconds

    @rule(offset=st.sampled_from([-1, 0]))
    def advance_to_next_timer(self, offset: int) -> None:
        """Move the clock to just before, or exactly onto, the next delay, visibility
        timeout or retention expiry: where off-by-one mistakes show."""
        timers = [
            at
            for m in self.live.values()
            for at in (m.visible_at, m.enqueued_at + self.retention)
            if at > self.now
        ]
        if timers:
            self.advance(max(min(timers) + offset - self.now, 0))

    @rule(seconds=st.integers(60, 200))
    def set_retention(self, seconds: int) -> None:
        self.settle()
        self.client.set_queue_attributes(
            QueueUrl=self.url, Attributes={"MessageRetentionPeriod": str(seconds)}
        )
        self.retention = seconds

    @rule(seconds=st.integers(0, 30))
    def set_queue_delay(self, seconds: int) -> None:
        self.settle()
        self.client.set_queue_attributes(
            QueueUrl=self.url, Attributes={"DelaySeconds": str(seconds)}
        )
        self.queue_delay = seconds

    # -- invariants --------------------------------------------------------------------

    @invariant()
    def nothing_lost_or_duplicated_and_counters_agree(self) -> None:
        self.settle()
        assert self.mock.clock.now() == self.now
        states = {
            "visible": self.view.visible,
            "in_flight": self.view.in_flight,
            "delayed": self.view.delayed,
        }
        everything = [m.message_id for snapshots in states.values() for m in snapshots]
        # Every live message is in exactly one state; none is missing or extra.
        assert len(everything) == len(set(everything))
        assert set(everything) == set(self.live)
        for state, snapshots in states.items():
            assert {m.message_id for m in snapshots} == self.in_state(state), state
            for snapshot in snapshots:
                assert snapshot.receive_count == self.live[snapshot.message_id].receive_count
        # The others were deleted or expired, and their journals say which.
        assert not (self.deleted & self.expired)
        for message_id, last_event in self.to_check.items():
            assert self.view.history(message_id)[-1].event == last_event
        self.to_check.clear()
        attributes = self.client.get_queue_attributes(
            QueueUrl=self.url, AttributeNames=list(COUNTERS)
        )["Attributes"]
        assert [int(attributes[name]) for name in COUNTERS] == [
            len(snapshots) for snapshots in states.values()
        ]


TestMessageLifecycle = MessageLifecycle.TestCase
TestMessageLifecycle.settings = settings(max_examples=100, stateful_step_count=40, deadline=None)


# -- 2. arbitrary parameters ------------------------------------------------------------------

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=12))
# Text SQS accepts in bodies and values (§1.5) and text that may hold anything at all.
CLEAN_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=20)
ANY_TEXT = st.text(max_size=20)


def mostly(usual: st.SearchStrategy[Any], rare: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """``usual`` about four times in five, else ``rare``."""
    return st.integers(0, 4).flatmap(lambda n: rare if n == 0 else usual)


ATTRIBUTE_NAMES = mostly(
    st.sampled_from(["Hello", "Help.Me", "n-1", "x_y", "attr.1øßä", "n" * 256]),
    st.sampled_from(["AWS.x", "amazon.y", ".a", "a.", "a..b", "n" * 257, "", "a b"]) | ANY_TEXT,
)
DATA_TYPES = mostly(
    st.sampled_from(["String", "Number", "Binary", "Number.float", "String.json", "Binary.gif"]),
    st.sampled_from(["Invalid", "", "string", "Number." + "L" * 256]) | ANY_TEXT,
)
NUMBERS = st.integers().map(str) | st.decimals(allow_nan=False, allow_infinity=False).map(str)
STRING_VALUES = mostly(
    CLEAN_TEXT | NUMBERS, st.sampled_from(["NaN", "abc", "", "x\x00", "\ud800"]) | ANY_TEXT
)


def attribute_values(typed: bool) -> st.SearchStrategy[dict[str, Any]]:
    """A MessageAttributeValue; ``typed``: always with a DataType, as botocore insists."""
    untyped = {} if typed else {"DataType": DATA_TYPES | SCALARS}
    return st.fixed_dictionaries(
        {"DataType": DATA_TYPES} if typed else {},
        optional={
            **untyped,
            "StringValue": STRING_VALUES if typed else STRING_VALUES | SCALARS,
            "BinaryValue": st.binary(max_size=10) if typed else st.binary(max_size=10) | ANY_TEXT,
        },
    ) | mostly(
        st.nothing(),
        st.fixed_dictionaries(
            {"DataType": DATA_TYPES},
            optional={
                "StringListValues": st.lists(CLEAN_TEXT, max_size=2),
                "BinaryListValues": st.lists(st.binary(max_size=3), max_size=2),
            },
        ),
    )


def send_parameters(typed: bool) -> st.SearchStrategy[dict[str, Any]]:
    """SendMessage arguments; ``typed``: only the types botocore's validation lets through."""

    def loose(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        return strategy if typed else mostly(strategy, SCALARS)

    group_ids = mostly(st.from_regex(r"[!-~]{1,128}", fullmatch=True), st.text(max_size=130))
    return st.fixed_dictionaries(
        {"MessageBody": loose(mostly(CLEAN_TEXT, st.just("") | ANY_TEXT))},
        optional={
            "DelaySeconds": loose(mostly(st.integers(0, 900), st.integers())),
            "MessageAttributes": st.dictionaries(
                ATTRIBUTE_NAMES, attribute_values(typed), max_size=11
            ),
            "MessageSystemAttributes": st.dictionaries(
                mostly(st.just("AWSTraceHeader"), ANY_TEXT), attribute_values(typed), max_size=2
            ),
            "MessageGroupId": loose(group_ids),
            "MessageDeduplicationId": loose(group_ids),
        },
    )


def receive_parameters(typed: bool) -> st.SearchStrategy[dict[str, Any]]:
    """ReceiveMessage arguments; ``typed``: only the types botocore's validation lets through."""

    def loose(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        return strategy if typed else mostly(strategy, SCALARS)

    known = st.sampled_from(
        ["All", ".*", "*", "SenderId", "SequenceNumber", "Hel.*", "Hello", "AWS.", "..x"]
    )
    names = st.lists(mostly(known, ANY_TEXT if typed else ANY_TEXT | SCALARS), max_size=4)
    if not typed:
        names = mostly(names, ANY_TEXT)  # a string where a list belongs
    return st.fixed_dictionaries(
        {},
        optional={
            "MaxNumberOfMessages": loose(mostly(st.integers(1, 10), st.integers())),
            "VisibilityTimeout": loose(mostly(st.integers(0, 100), st.integers())),
            "WaitTimeSeconds": loose(mostly(st.integers(0, 20), st.integers())),
            "AttributeNames": names,
            "MessageSystemAttributeNames": names,
            "MessageAttributeNames": names,
            "ReceiveRequestAttemptId": loose(st.text(max_size=130)),
        },
    )


SEND_CODES = {
    "InvalidParameterValue",
    "MissingParameter",
    "InvalidMessageContents",
    "AWS.SimpleQueueService.UnsupportedOperation",
}
RECEIVE_CODES = {"InvalidParameterValue", "MissingParameter"}


def assert_aws_shaped(error: ClientError, codes: set[str]) -> None:
    details = error.response["Error"]
    event(f"refused: {details['Code']}")
    assert details["Type"] == "Sender"
    assert details["Code"] in codes
    assert isinstance(details["Message"], str)
    assert details["Message"]
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def counts(mock: MockSQS) -> tuple[int, ...]:
    attributes = mock.queue("test-queue").attributes
    return tuple(int(attributes[name]) for name in COUNTERS)


@pytest.fixture
def lax_client(mock: MockSQS) -> Any:
    """A client that sends wrong types on to the simulator instead of refusing them."""
    return boto3.client("sqs", region_name=REGION, config=LAX)


EXAMPLES = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@pytest.mark.parametrize("typed", [True, False], ids=["validated", "unvalidated"])
@EXAMPLES
@given(data=st.data())
def test_send_message_answers_with_a_message_or_an_aws_error(
    mock: MockSQS, client: Any, lax_client: Any, queue_url: str, typed: bool, data: st.DataObject
) -> None:
    params = data.draw(send_parameters(typed))
    before = counts(mock)
    try:
        result = (client if typed else lax_client).send_message(QueueUrl=queue_url, **params)
    except ClientError as error:
        assert_aws_shaped(error, SEND_CODES)
        assert counts(mock) == before  # a refused send enqueues nothing
        return
    event("accepted")
    assert sum(counts(mock)) == sum(before) + 1
    history = mock.queue("test-queue").history(result["MessageId"])
    assert [entry.event for entry in history] == ["sent"]
    body = params["MessageBody"]
    assert result["MD5OfMessageBody"] == hashlib.md5(body.encode()).hexdigest()
    attributes = params.get("MessageAttributes")
    if attributes:
        assert result["MD5OfMessageAttributes"] == md5_of_attributes(attributes)
    else:
        assert "MD5OfMessageAttributes" not in result


@pytest.mark.parametrize("typed", [True, False], ids=["validated", "unvalidated"])
@EXAMPLES
@given(data=st.data())
def test_receive_message_answers_with_messages_or_an_aws_error(
    mock: MockSQS, client: Any, lax_client: Any, queue_url: str, typed: bool, data: st.DataObject
) -> None:
    client.send_message(
        QueueUrl=queue_url,
        MessageBody="body",
        MessageAttributes={
            "Hello": {"DataType": "String", "StringValue": "There"},
            "Help.Me": {"DataType": "Binary", "BinaryValue": b"\x00me"},
        },
    )
    params = data.draw(receive_parameters(typed))
    before = (counts(mock), mock.clock.now())
    try:
        response = (client if typed else lax_client).receive_message(QueueUrl=queue_url, **params)
    except ClientError as error:
        assert_aws_shaped(error, RECEIVE_CODES)
        assert (counts(mock), mock.clock.now()) == before  # a refused receive changes nothing
        return
    messages = response.get("Messages", [])
    event(f"received {len(messages)}")
    assert messages != []  # no empty list: the key is left out
    assert len(messages) <= (params.get("MaxNumberOfMessages") or 1)
    for message in messages:
        assert message["MD5OfBody"] == hashlib.md5(b"body").hexdigest()
        attributes = message.get("MessageAttributes")
        assert ("MD5OfMessageAttributes" in message) == bool(attributes)
        if attributes:
            assert message["MD5OfMessageAttributes"] == md5_of_attributes(attributes)
