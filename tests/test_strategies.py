"""pytest_sqs.strategies: everything the strategies draw is accepted by SQS (the simulator)
and comes back unchanged, and each strategy keeps the limits its docstring promises.

The checks of the rules here are written from sqs-behaviour.md (§1.3, §1.4, §1.5, §3.8,
§7.1), independently of both the strategies and the simulator's validation.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from collections import Counter
from decimal import Decimal, localcontext
from importlib.metadata import entry_points
from pathlib import Path
from struct import pack
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from pytest_sqs import MockSQS
from pytest_sqs.strategies import (
    deduplication_ids,
    message_attribute_names,
    message_attribute_values,
    message_attributes,
    message_bodies,
    message_group_ids,
    queue_names,
    send_message_batch_entries,
    send_message_kwargs,
)

pytest_plugins = ["pytester"]

# Fixtures (client, queue_url, mock) live for the whole test; each example cleans up.
FIXTURES = settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
# Batches of ten messages of ten attributes are slow to draw: a third of the examples.
BATCHES = settings(FIXTURES, max_examples=max(10, settings.default.max_examples // 3))
MiB = 1_048_576
ALLOWED = re.compile("[\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]*")  # §1.5
NAME = re.compile(r"[A-Za-z0-9_-]+")
ID = re.compile(r"[!-~]{1,128}")  # §1.4: alphanumerics and punctuation, no space
_queues = itertools.count(1)


# -- helpers ----------------------------------------------------------------------------------


def md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def md5_of_attributes(attributes: dict[str, dict[str, Any]]) -> str:
    """MD5OfMessageAttributes by the byte layout of §7.3."""
    buffer = b""
    for name in sorted(attributes, key=lambda n: n.encode()):
        value = attributes[name]
        for text in (name, value["DataType"]):
            buffer += pack(">I", len(text.encode())) + text.encode()
        if "StringValue" in value:
            raw = value["StringValue"].encode()
            buffer += b"\x01" + pack(">I", len(raw)) + raw
        else:
            buffer += b"\x02" + pack(">I", len(value["BinaryValue"])) + value["BinaryValue"]
    return md5(buffer)


def message_size(entry: dict[str, Any]) -> int:
    """Bytes toward SQS's size limit: UTF-8 body plus each attribute's name, type, value."""
    size = len(entry["MessageBody"].encode())
    for name, value in entry.get("MessageAttributes", {}).items():
        size += len(name.encode()) + len(value["DataType"].encode())
        size += (
            len(value["BinaryValue"])
            if "BinaryValue" in value
            else len(value["StringValue"].encode())
        )
    return size


def fresh_queue(client: Any, *, fifo: bool = False, **attributes: str) -> str:
    """A queue no earlier example has used (FIFO deduplication remembers ids for 5 min)."""
    name = f"strategies-{next(_queues)}"
    if fifo:
        name += ".fifo"
        attributes = {"FifoQueue": "true", **attributes}
    return str(client.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"])


def drain(client: Any, url: str, expected: int) -> list[dict[str, Any]]:
    """Receive and delete ``expected`` messages, in the order received; then the queue is
    empty."""
    received: list[dict[str, Any]] = []
    for _ in range(4 * expected + 4):
        if len(received) == expected:
            break
        got = client.receive_message(
            QueueUrl=url,
            MaxNumberOfMessages=10,
            MessageAttributeNames=["All"],
            MessageSystemAttributeNames=["All"],
        ).get("Messages", [])
        for message in got:
            client.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        received.extend(got)
    assert len(received) == expected
    assert client.receive_message(QueueUrl=url).get("Messages", []) == []
    return received


def assert_sent(sent: dict[str, Any], answer: dict[str, Any]) -> None:
    """The MD5s SendMessage (or a batch entry) answered are those of what was sent."""
    assert answer["MD5OfMessageBody"] == md5(sent["MessageBody"].encode())
    if sent.get("MessageAttributes"):
        assert answer["MD5OfMessageAttributes"] == md5_of_attributes(sent["MessageAttributes"])
    else:
        assert "MD5OfMessageAttributes" not in answer
    if "MessageSystemAttributes" in sent:
        expected = md5_of_attributes(sent["MessageSystemAttributes"])
        assert answer["MD5OfMessageSystemAttributes"] == expected


def assert_received(sent: dict[str, Any], message: dict[str, Any]) -> None:
    """A received message carries exactly what was sent, with matching MD5s."""
    assert message["Body"] == sent["MessageBody"]
    assert message["MD5OfBody"] == md5(sent["MessageBody"].encode())
    attributes = sent.get("MessageAttributes", {})
    assert message.get("MessageAttributes", {}) == attributes
    if attributes:
        assert message["MD5OfMessageAttributes"] == md5_of_attributes(attributes)
    else:
        assert "MD5OfMessageAttributes" not in message
    trace = sent.get("MessageSystemAttributes", {}).get("AWSTraceHeader")
    if trace is not None:
        assert message["Attributes"]["AWSTraceHeader"] == trace["StringValue"]
    if "MessageGroupId" in sent:
        assert message["Attributes"]["MessageGroupId"] == sent["MessageGroupId"]
    if "MessageDeduplicationId" in sent:
        assert message["Attributes"]["MessageDeduplicationId"] == sent["MessageDeduplicationId"]


def assert_valid_attributes(attributes: dict[str, dict[str, Any]]) -> None:
    """The rules of §7.1, written out once more."""
    assert len(attributes) <= 10
    for name, value in attributes.items():
        assert_valid_attribute_name(name)
        assert_valid_attribute_value(value)


def assert_valid_attribute_name(name: str) -> None:
    assert 1 <= len(name) <= 256
    assert re.fullmatch(r"[A-Za-z0-9_.-]+", name)
    assert not name.startswith(".") and not name.endswith(".") and ".." not in name
    assert not name.lower().startswith(("aws.", "amazon."))


def assert_valid_attribute_value(value: dict[str, Any]) -> None:
    data_type = value["DataType"]
    assert len(data_type.encode()) <= 256
    base, _, label = data_type.partition(".")
    assert base in ("String", "Number", "Binary")
    assert label == "" or NAME.fullmatch(label)
    if base == "Binary":
        assert set(value) == {"DataType", "BinaryValue"}
        assert isinstance(value["BinaryValue"], bytes) and value["BinaryValue"]
        return
    assert set(value) == {"DataType", "StringValue"}
    text = value["StringValue"]
    assert text and ALLOWED.fullmatch(text)
    if base == "Number":
        assert re.fullmatch(r"-?(0|[1-9][0-9]*)(\.[0-9]*[1-9])?", text), text
        with localcontext() as exact:
            exact.prec = 300  # abs() rounds to the context's precision
            number = abs(Decimal(text))
            assert number == 0 or Decimal("1e-128") <= number < Decimal("1e126")
        significant = text.lstrip("-").replace(".", "").strip("0")
        assert len(significant) <= 38


# -- bodies -----------------------------------------------------------------------------------


@FIXTURES
@given(body=message_bodies())
def test_bodies_are_accepted_and_round_trip(client: Any, queue_url: str, body: str) -> None:
    answer = client.send_message(QueueUrl=queue_url, MessageBody=body)
    assert_sent({"MessageBody": body}, answer)
    [message] = drain(client, queue_url, 1)
    assert_received({"MessageBody": body}, message)


@given(data=st.data())
def test_bodies_keep_their_sizes_and_characters(data: st.DataObject) -> None:
    min_size = data.draw(st.integers(1, 20), label="min_size")
    max_size = data.draw(st.integers(min_size, 300), label="max_size")
    max_bytes = data.draw(st.integers(4 * min_size, 600), label="max_bytes")
    body = data.draw(message_bodies(min_size=min_size, max_size=max_size, max_bytes=max_bytes))
    assert min_size <= len(body) <= max_size
    assert len(body.encode("utf-8")) <= max_bytes
    assert ALLOWED.fullmatch(body)


@given(body=message_bodies(min_size=1_000, max_size=1_000, max_bytes=1_500))
def test_bodies_of_wide_characters_are_cut_to_whole_characters(body: str) -> None:
    assert len(body) == 1_000  # only bodies that still have min_size characters
    assert len(body.encode("utf-8")) <= 1_500


# Most of this alphabet is refused, so most draws are filtered: that is the point.
@settings(suppress_health_check=[HealthCheck.filter_too_much])
@given(
    body=message_bodies(alphabet=st.characters(min_codepoint=0, max_codepoint=0x20), max_size=50)
)
def test_an_alphabet_strategy_loses_the_characters_sqs_refuses(body: str) -> None:
    assert set(body) <= {"\t", "\n", "\r", " "}


@given(body=message_bodies(alphabet='{}[]",:0a', max_size=30))
def test_an_alphabet_string_is_used_as_given(body: str) -> None:
    assert set(body) <= set('{}[]",:0a')


@pytest.mark.parametrize(
    "call",
    [
        lambda: message_bodies(min_size=0),
        lambda: message_bodies(min_size=5, max_size=4),
        lambda: message_bodies(max_bytes=MiB + 1),
        lambda: message_bodies(alphabet="ok\x00"),
        lambda: message_bodies(alphabet="\uffff"),
        lambda: message_bodies(alphabet=""),
        lambda: message_attribute_names(max_size=257),
        lambda: message_attribute_values(data_types=("Integer",)),
        lambda: message_attributes(max_size=11),
        lambda: message_group_ids(max_size=129),
        lambda: send_message_kwargs("url", max_message_bytes=1023),
        lambda: send_message_kwargs("url", max_delay_s=901),
        lambda: send_message_kwargs("url", fifo=True, max_delay_s=5),
        lambda: send_message_batch_entries(max_size=11),
        lambda: send_message_batch_entries(min_size=0),
    ],
)
def test_arguments_sqs_would_not_allow_are_refused_at_once(call: Any) -> None:
    with pytest.raises(InvalidArgument):
        call()


# -- message attributes -----------------------------------------------------------------------


@FIXTURES
@given(attributes=message_attributes())
def test_attribute_maps_are_accepted_and_round_trip(
    client: Any, queue_url: str, attributes: dict[str, dict[str, Any]]
) -> None:
    sent = {"MessageBody": "x", "MessageAttributes": attributes}
    answer = client.send_message(QueueUrl=queue_url, **sent)
    assert_sent(sent, answer)
    [message] = drain(client, queue_url, 1)
    assert_received(sent, message)


@given(attributes=message_attributes())
def test_attribute_maps_follow_the_aws_rules(attributes: dict[str, dict[str, Any]]) -> None:
    assert_valid_attributes(attributes)


@given(attributes=message_attributes(min_size=3, max_size=5))
def test_attribute_maps_keep_their_counts(attributes: dict[str, dict[str, Any]]) -> None:
    assert 3 <= len(attributes) <= 5


@given(name=message_attribute_names())
def test_attribute_names_follow_the_aws_rules(name: str) -> None:
    assert_valid_attribute_name(name)


@given(name=message_attribute_names(max_size=5))
def test_attribute_names_keep_their_size(name: str) -> None:
    assert 1 <= len(name) <= 5


@FIXTURES
@given(value=message_attribute_values())
def test_each_attribute_value_is_accepted_and_round_trips(
    client: Any, queue_url: str, value: dict[str, Any]
) -> None:
    assert_valid_attribute_value(value)
    sent = {"MessageBody": "x", "MessageAttributes": {"value": value}}
    assert_sent(sent, client.send_message(QueueUrl=queue_url, **sent))
    [message] = drain(client, queue_url, 1)
    assert_received(sent, message)


@pytest.mark.parametrize("base", ["String", "Number", "Binary"])
@given(data=st.data())
def test_attribute_values_of_one_type(base: str, data: st.DataObject) -> None:
    value = data.draw(message_attribute_values(data_types=(base,), custom_types=False))
    assert value["DataType"] == base
    assert_valid_attribute_value(value)


@given(value=message_attribute_values(data_types=("Number",)))
def test_numbers_are_plain_decimals_within_range(value: dict[str, Any]) -> None:
    assert value["DataType"].split(".")[0] == "Number"
    assert_valid_attribute_value(value)


# -- names and ids ----------------------------------------------------------------------------


@FIXTURES
@given(name=queue_names())
def test_standard_queue_names_create_queues(client: Any, name: str) -> None:
    assert 1 <= len(name) <= 80 and NAME.fullmatch(name)
    url = client.create_queue(QueueName=name)["QueueUrl"]
    assert url.endswith("/" + name)
    assert client.get_queue_url(QueueName=name)["QueueUrl"] == url


@FIXTURES
@given(name=queue_names(fifo=True))
def test_fifo_queue_names_create_fifo_queues(client: Any, name: str) -> None:
    assert len(name) <= 80 and name.endswith(".fifo") and NAME.fullmatch(name[: -len(".fifo")])
    url = client.create_queue(QueueName=name, Attributes={"FifoQueue": "true"})["QueueUrl"]
    attributes = client.get_queue_attributes(QueueUrl=url, AttributeNames=["FifoQueue"])
    assert attributes["Attributes"]["FifoQueue"] == "true"


@FIXTURES
@given(group=message_group_ids(), dedup=deduplication_ids())
def test_group_and_deduplication_ids_are_accepted(client: Any, group: str, dedup: str) -> None:
    assert ID.fullmatch(group) and ID.fullmatch(dedup)
    url = fresh_queue(client, fifo=True)
    sent = {"MessageBody": "x", "MessageGroupId": group, "MessageDeduplicationId": dedup}
    answer = client.send_message(QueueUrl=url, **sent)
    assert answer["SequenceNumber"]
    [message] = drain(client, url, 1)
    assert_received(sent, message)


@given(group=message_group_ids(max_size=3))
def test_group_ids_keep_their_size(group: str) -> None:
    assert 1 <= len(group) <= 3


# -- SendMessage ------------------------------------------------------------------------------


@FIXTURES
@given(data=st.data())
def test_send_message_kwargs_are_accepted_and_round_trip(
    mock: MockSQS, client: Any, queue_url: str, data: st.DataObject
) -> None:
    kwargs = data.draw(send_message_kwargs(queue_url, max_delay_s=900))
    assert kwargs["QueueUrl"] == queue_url
    assert_valid_attributes(kwargs.get("MessageAttributes", {}))
    assert 0 <= kwargs.get("DelaySeconds", 0) <= 900
    assert_sent(kwargs, client.send_message(**kwargs))
    mock.advance(kwargs.get("DelaySeconds", 0))
    [message] = drain(client, queue_url, 1)
    assert_received(kwargs, message)


@FIXTURES
@pytest.mark.parametrize("content_based", [False, True])
@given(data=st.data())
def test_fifo_send_message_kwargs_are_accepted_and_round_trip(
    client: Any, content_based: bool, data: st.DataObject
) -> None:
    url = fresh_queue(client, fifo=True, ContentBasedDeduplication=str(content_based).lower())
    kwargs = data.draw(send_message_kwargs(url, fifo=True, deduplication_id=not content_based))
    assert ID.fullmatch(kwargs["MessageGroupId"])
    assert ("MessageDeduplicationId" in kwargs) is not content_based
    assert "DelaySeconds" not in kwargs
    answer = client.send_message(**kwargs)
    assert_sent(kwargs, answer)
    assert answer["SequenceNumber"]
    [message] = drain(client, url, 1)
    assert_received(kwargs, message)


@FIXTURES
@given(data=st.data())
def test_send_message_kwargs_fit_the_smallest_queue(client: Any, data: st.DataObject) -> None:
    url = fresh_queue(client, MaximumMessageSize="1024")
    kwargs = data.draw(send_message_kwargs(url, max_message_bytes=1024))
    assert message_size(kwargs) <= 1024
    assert_sent(kwargs, client.send_message(**kwargs))
    [message] = drain(client, url, 1)
    assert_received(kwargs, message)


@given(kwargs=send_message_kwargs("url", max_attributes=0, system_attributes=False))
def test_send_message_kwargs_can_leave_out_attributes(kwargs: dict[str, Any]) -> None:
    assert set(kwargs) == {"QueueUrl", "MessageBody"}


@given(
    kwargs=send_message_kwargs(
        "url", bodies=st.sampled_from(["{}", '{"a": 1}', "bad\x00body", "x" * 2_000_000])
    )
)
def test_send_message_kwargs_drop_bodies_sqs_would_refuse(kwargs: dict[str, Any]) -> None:
    assert kwargs["MessageBody"] in ("{}", '{"a": 1}')


# -- SendMessageBatch -------------------------------------------------------------------------


@BATCHES
@given(entries=send_message_batch_entries(max_delay_s=900))
def test_batch_entries_are_accepted_and_round_trip(
    mock: MockSQS, client: Any, queue_url: str, entries: list[dict[str, Any]]
) -> None:
    answer = client.send_message_batch(QueueUrl=queue_url, Entries=entries)
    assert "Failed" not in answer
    sent_by_id = {entry["Id"]: entry for entry in entries}
    assert sorted(r["Id"] for r in answer["Successful"]) == sorted(sent_by_id)
    sent_by_message_id = {}
    for result in answer["Successful"]:
        assert_sent(sent_by_id[result["Id"]], result)
        sent_by_message_id[result["MessageId"]] = sent_by_id[result["Id"]]
    mock.advance(900)
    for message in drain(client, queue_url, len(entries)):
        assert_received(sent_by_message_id[message["MessageId"]], message)


@BATCHES
@given(data=st.data())
def test_fifo_batch_entries_are_accepted_and_keep_group_order(
    client: Any, data: st.DataObject
) -> None:
    url = fresh_queue(client, fifo=True)
    entries = data.draw(send_message_batch_entries(fifo=True))
    answer = client.send_message_batch(QueueUrl=url, Entries=entries)
    assert "Failed" not in answer
    assert [r["Id"] for r in answer["Successful"]] == [e["Id"] for e in entries]
    for entry, result in zip(entries, answer["Successful"], strict=True):
        assert_sent(entry, result)
    received = drain(client, url, len(entries))
    for entry, message in zip(
        sorted(entries, key=lambda e: e["MessageGroupId"]),
        sorted(received, key=lambda m: m["Attributes"]["MessageGroupId"]),  # stable
        strict=True,
    ):
        assert_received(entry, message)


@BATCHES
@given(data=st.data())
def test_fifo_batch_entries_without_deduplication_ids_suit_content_based_queues(
    client: Any, data: st.DataObject
) -> None:
    url = fresh_queue(client, fifo=True, ContentBasedDeduplication="true")
    entries = data.draw(send_message_batch_entries(fifo=True, deduplication_ids=False))
    assert all("MessageDeduplicationId" not in entry for entry in entries)
    answer = client.send_message_batch(QueueUrl=url, Entries=entries)
    assert "Failed" not in answer and len(answer["Successful"]) == len(entries)
    # Equal bodies are duplicates by content (§5.1): one of each is delivered.
    distinct = {entry["MessageBody"] for entry in entries}
    assert {m["Body"] for m in drain(client, url, len(distinct))} == distinct


@settings(max_examples=max(10, settings.default.max_examples // 3))
@given(entries=send_message_batch_entries(fifo=True))
def test_batch_entries_follow_the_batch_rules(entries: list[dict[str, Any]]) -> None:
    assert 1 <= len(entries) <= 10
    ids = [entry["Id"] for entry in entries]
    assert len(set(ids)) == len(ids)
    assert all(len(i) <= 80 and NAME.fullmatch(i) for i in ids)
    dedup = [entry["MessageDeduplicationId"] for entry in entries]
    assert len(set(dedup)) == len(dedup)
    assert len(Counter(entry["MessageGroupId"] for entry in entries)) <= 3
    assert sum(message_size(entry) for entry in entries) <= MiB
    for entry in entries:
        assert_valid_attributes(entry.get("MessageAttributes", {}))


@settings(FIXTURES, max_examples=5)
@given(entries=send_message_batch_entries(min_size=10, bodies=st.just("a" * 104_000)))
def test_a_batch_of_big_bodies_stays_within_one_mib(
    client: Any, entries: list[dict[str, Any]]
) -> None:
    assert len(entries) == 10
    assert sum(message_size(entry) for entry in entries) <= MiB
    url = fresh_queue(client)
    answer = client.send_message_batch(QueueUrl=url, Entries=entries)
    assert "Failed" not in answer
    client.delete_queue(QueueUrl=url)


@BATCHES
@given(entries=send_message_batch_entries(max_message_bytes=1024, min_size=2, max_size=4))
def test_batch_entries_fit_the_smallest_queue(client: Any, entries: list[dict[str, Any]]) -> None:
    assert 2 <= len(entries) <= 4
    assert all(message_size(entry) <= 1024 for entry in entries)
    url = fresh_queue(client, MaximumMessageSize="1024")
    assert "Failed" not in client.send_message_batch(QueueUrl=url, Entries=entries)


# -- the limits are reached, not only respected ------------------------------------------------


def largest(strategy: st.SearchStrategy[Any], measure: Any) -> int:
    """The largest ``measure`` over 100 draws (derandomized: the same draws every run).

    About one draw in ten is at the limit, so missing it in 100 has odds of 1 in 37,000."""
    seen: list[int] = []

    @settings(max_examples=100, derandomize=True, database=None)
    @given(strategy)
    def collect(value: Any) -> None:
        seen.append(measure(value))

    collect()
    return max(seen)


@pytest.mark.parametrize(
    ("strategy", "measure", "limit"),
    [
        (queue_names(), len, 80),
        (queue_names(fifo=True), len, 80),
        (message_attribute_names(), len, 256),
        (message_group_ids(), len, 128),
        (deduplication_ids(), len, 128),
        (message_attributes(), len, 10),
        (send_message_batch_entries(max_attributes=0, system_attributes=False), len, 10),
        (
            send_message_batch_entries(max_attributes=0, system_attributes=False),
            lambda entries: max(len(entry["Id"]) for entry in entries),
            80,
        ),
    ],
    ids=["queue", "fifo-queue", "attribute", "group", "dedup", "attributes", "entries", "id"],
)
def test_the_strategies_reach_sqs_limits(strategy: Any, measure: Any, limit: int) -> None:
    assert largest(strategy, measure) == limit


# -- a consumer, tested as the docs suggest ---------------------------------------------------


def parse_order(body: str) -> dict[str, Any] | None:
    """A consumer's parser: the order in a JSON body, or None for anything else."""
    try:
        order = json.loads(body)
    except (ValueError, RecursionError):  # json.loads("[" * 100_000) raises RecursionError
        return None
    return order if isinstance(order, dict) else None


def consume_one(client: Any, queue_url: str) -> dict[str, Any] | None:
    """Receive a message, parse it, delete it: a poison message must not stop the worker."""
    [message] = client.receive_message(QueueUrl=queue_url)["Messages"]
    order = parse_order(message["Body"])
    client.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    return order


@FIXTURES
@given(body=message_bodies() | st.builds(json.dumps, st.dictionaries(st.text(), st.integers())))
def test_consumer_survives_any_body(mock: MockSQS, client: Any, queue_url: str, body: str) -> None:
    client.send_message(QueueUrl=queue_url, MessageBody=body)
    order = consume_one(client, queue_url)
    assert order is None or order == json.loads(body)
    mock.queue(queue_url).assert_empty()


def test_the_deep_json_body_that_motivates_catching_recursion_error() -> None:
    assert parse_order("[" * 100_000) is None


# -- the docs page ----------------------------------------------------------------------------

DOCS = Path(__file__).resolve().parent.parent / "docs" / "strategies.md"


def test_the_docs_example_runs(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    """The python blocks of docs/strategies.md pass, together, as a test file of their own."""
    example = "\n\n".join(re.findall(r"```python\n(.*?)```", DOCS.read_text(), re.DOTALL))
    for name in ("AWS_DEFAULT_REGION", "AWS_REGION", "AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "outer-key")
    if not any(ep.value == "pytest_sqs.plugin" for ep in entry_points(group="pytest11")):
        pytester.makeini("[pytest]\naddopts = -p pytest_sqs.plugin\n")
    pytester.makepyfile(test_example=example)
    result = pytester.runpytest()
    result.assert_outcomes(passed=example.count("\ndef test_"))


def test_the_docs_list_every_strategy() -> None:
    import pytest_sqs.strategies as strategies

    text = DOCS.read_text()
    for name in strategies.__all__:
        assert f"`{name}(" in text, name
