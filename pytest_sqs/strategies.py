"""Hypothesis strategies for valid Amazon SQS inputs, to property-test your own consumers.

Every value these strategies produce is one SQS accepts (sqs-behaviour.md §1.3, §1.4, §1.5,
§3.7, §3.8, §7.1), and so one the pytest-sqs simulator accepts::

    from hypothesis import given
    from pytest_sqs.strategies import message_bodies

    @given(body=message_bodies())
    def test_handler_never_crashes(body): ...

About one draw in ten sits at SQS's upper limit: the longest queue names, attribute names,
group, deduplication and batch entry ids, 10 attributes, 10 batch entries. Hypothesis by
itself favours short text and small collections and would seldom try those.

This is the only module of pytest-sqs that imports hypothesis (design §1).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from typing import Any, TypeAlias, TypeVar

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from ._core import limits

__all__ = [
    "deduplication_ids",
    "message_attribute_names",
    "message_attribute_values",
    "message_attributes",
    "message_bodies",
    "message_group_ids",
    "queue_names",
    "send_message_batch_entries",
    "send_message_kwargs",
]

MessageAttributeValue: TypeAlias = dict[str, str | bytes]
"""One user message attribute as boto3 takes it: ``DataType`` and ``StringValue`` or
``BinaryValue``."""

# -- characters -------------------------------------------------------------------------------

# XML 1.0 characters (§1.5): #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF.
_FORBIDDEN_CONTROLS = frozenset(chr(c) for c in range(0x20) if c not in (0x9, 0xA, 0xD))
_SQS_CHARACTERS = st.characters(
    min_codepoint=0x9,
    # No surrogates (U+D800-U+DFFF). Not codec="utf-8": Hypothesis takes seconds to map
    # a codec the first time.
    exclude_categories=["Cs"],
    exclude_characters=_FORBIDDEN_CONTROLS | {"\ufffe", "\uffff"},
)
_NAME_CHARACTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
_LABEL_CHARACTERS = _NAME_CHARACTERS[:62]  # letters and digits
# Alphanumerics and punctuation, no space (§1.4): printable ASCII "!" to "~".
_ID_CHARACTERS = "".join(chr(c) for c in range(0x21, 0x7F))
_RESERVED_ATTRIBUTE_PREFIXES = ("aws.", "amazon.")  # any case (§7.1)
_DOTS = re.compile(r"\.{2,}")
_FIFO_SUFFIX = ".fifo"
_BASE_TYPES = ("String", "Number", "Binary")
# Custom type labels as the AWS docs show them; others are drawn from letters and digits.
_KNOWN_LABELS = ("int", "float", "byte", "short", "long", "json", "uuid", "gif", "png", "csv")
_MAX_NUMBER_DIGITS = 38  # "up to 38 digits of precision" (§7.1)
_MIN_NUMBER_EXPONENT = -128  # |value| >= 10^-128 (§7.1)
_MAX_NUMBER_EXPONENT = 126  # |value| < 10^126 (§7.1)


def _is_sqs_character(character: str) -> bool:
    code = ord(character)
    return (
        code in (0x9, 0xA, 0xD)
        or 0x20 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    )


def _is_sqs_text(text: str) -> bool:
    return all(_is_sqs_character(character) for character in text)


def _utf8_size(text: str) -> int:
    return len(text.encode("utf-8"))


def _fit_utf8(text: str, max_bytes: int, min_size: int, narrowest: str | None) -> str:
    """``text`` cut to at most ``max_bytes`` UTF-8 bytes, keeping ``min_size`` characters.

    The longest prefix that fits, if it has ``min_size`` characters. Otherwise the first
    ``min_size`` characters, with the widest of them replaced by ``narrowest`` until they
    fit; without a ``narrowest`` character, "" (for the caller to filter out).
    """
    encoded = text.encode("utf-8")
    if len(encoded) <= max_bytes:
        return text
    prefix = encoded[:max_bytes].decode("utf-8", "ignore")  # drops a cut character
    if len(prefix) >= min_size or narrowest is None:
        return prefix
    characters = list(text[:min_size])
    excess = sum(_utf8_size(c) for c in characters) - max_bytes
    width = _utf8_size(narrowest)
    for index in sorted(range(min_size), key=lambda i: -_utf8_size(characters[i])):
        if excess <= 0:
            break
        excess -= _utf8_size(characters[index]) - width
        characters[index] = narrowest
    return "".join(characters) if excess <= 0 else ""


_T = TypeVar("_T")
_EDGE_ODDS = (False,) * 9 + (True,)  # shrinks to False: the usual values


def _now_and_then(
    usual: st.SearchStrategy[_T], edge: st.SearchStrategy[_T]
) -> st.SearchStrategy[_T]:
    """``usual``, or about one time in ten ``edge``: a value at SQS's limit, which
    Hypothesis would seldom reach by itself (it favours short text and small collections)."""
    return st.sampled_from(_EDGE_ODDS).flatmap(lambda at_edge: edge if at_edge else usual)


def _text_up_to(alphabet: str, max_size: int) -> st.SearchStrategy[str]:
    """1 to ``max_size`` characters of ``alphabet``, ``max_size`` of them now and then."""
    return _now_and_then(
        st.text(alphabet, min_size=1, max_size=max_size),
        st.text(alphabet, min_size=max_size, max_size=max_size),
    )


def _check_range(name: str, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        raise InvalidArgument(f"{name}={value!r} must be between {low} and {high}")


# -- bodies -----------------------------------------------------------------------------------


def message_bodies(
    *,
    min_size: int = 1,
    max_size: int = 2_048,
    alphabet: str | Collection[str] | st.SearchStrategy[str] | None = None,
    max_bytes: int = limits.MAX_MESSAGE_SIZE_BYTES,
) -> st.SearchStrategy[str]:
    """Message bodies SQS accepts: non-empty text of the characters SQS allows (§1.5).

    Args:
        min_size: fewest characters (at least 1; SQS refuses an empty body).
        max_size: most characters. Kept small by default so examples stay fast.
        alphabet: characters to draw from (a string, a collection of characters or a
            strategy of single characters). Characters SQS refuses are never used: listing
            one raises ``InvalidArgument``; a strategy's are filtered out. Default: every
            character SQS allows, ``#x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD |
            #x10000-#x10FFFF``.
        max_bytes: most UTF-8 bytes (``min_size`` to 1,048,576; default 1 MiB, SQS's
            largest message). Pass the queue's ``MaximumMessageSize`` minus what attributes
            take. A longer drawing is cut at a whole character; when that would leave fewer
            than ``min_size`` characters, its widest characters become the alphabet's
            narrowest instead (``"0"`` by default).

    Guarantees: ``min_size <= len(body) <= max_size``, every character is one SQS allows,
    and ``len(body.encode("utf-8")) <= max_bytes``.
    """
    _check_range("min_size", min_size, 1, limits.MAX_MESSAGE_SIZE_BYTES)
    _check_range("max_size", max_size, min_size, limits.MAX_MESSAGE_SIZE_BYTES)
    _check_range("max_bytes", max_bytes, min_size, limits.MAX_MESSAGE_SIZE_BYTES)
    narrowest: str | None = "0"  # one UTF-8 byte, and where Hypothesis shrinks text to
    if alphabet is None:
        characters: st.SearchStrategy[str] = _SQS_CHARACTERS
    elif isinstance(alphabet, st.SearchStrategy):
        characters = alphabet.filter(lambda c: len(c) == 1 and _is_sqs_character(c))
        narrowest = None  # unknown: a body too wide for min_size is filtered out instead
    else:
        refused = sorted({c for c in alphabet if len(c) != 1 or not _is_sqs_character(c)})
        if refused:
            raise InvalidArgument(f"alphabet holds characters SQS refuses: {refused!r}")
        if not alphabet:
            raise InvalidArgument("alphabet is empty")
        characters = st.sampled_from(sorted(set(alphabet)))
        narrowest = min(alphabet, key=lambda c: (_utf8_size(c), c))
        if min_size * _utf8_size(narrowest) > max_bytes:
            raise InvalidArgument(
                f"min_size={min_size} characters of this alphabet need more than "
                f"max_bytes={max_bytes} bytes"
            )
    # A character is 1-4 UTF-8 bytes: cut at max_bytes, whole characters only.
    texts = st.text(characters, min_size=min_size, max_size=min(max_size, max_bytes))
    return texts.map(lambda text: _fit_utf8(text, max_bytes, min_size, narrowest)).filter(
        lambda text: len(text) >= min_size
    )


# -- message attributes -----------------------------------------------------------------------


def message_attribute_names(
    *, max_size: int = limits.MAX_ATTRIBUTE_NAME_LENGTH
) -> st.SearchStrategy[str]:
    """Message attribute names SQS accepts (§7.1).

    Args:
        max_size: most characters, 1 to 256 (SQS's limit).

    Guarantees: 1 to ``max_size`` characters of ``[A-Za-z0-9_.-]``; no leading or trailing
    ``.``, no ``..``; never starts with ``AWS.`` or ``Amazon.`` in any case.
    """
    _check_range("max_size", max_size, 1, limits.MAX_ATTRIBUTE_NAME_LENGTH)
    # Dots anywhere, then runs of dots collapsed and the ends trimmed (§7.1).
    usual = (
        st.text(_NAME_CHARACTERS + ".", min_size=1, max_size=max_size)
        .map(lambda name: _DOTS.sub(".", name).strip("."))
        .filter(
            lambda name: bool(name) and not name.lower().startswith(_RESERVED_ATTRIBUTE_PREFIXES)
        )
    )
    # Without a dot a name can neither be reserved nor break the dot rules.
    longest = st.text(_NAME_CHARACTERS, min_size=max_size, max_size=max_size)
    return _now_and_then(usual, longest)


def _numbers() -> st.SearchStrategy[str]:
    """Number attribute values in plain decimal notation, within SQS's range (§7.1)."""

    def decimal_text(negative: bool, significand: int, exponent: int) -> str:
        digits = str(significand)
        stripped = digits.rstrip("0")
        exponent += len(digits) - len(stripped)  # no trailing zeros after a point
        # 10^-128 <= |value| < 10^126: the value lies in [10^(n-1+e), 10^(n+e)).
        low = _MIN_NUMBER_EXPONENT - len(stripped) + 1
        high = _MAX_NUMBER_EXPONENT - len(stripped)
        exponent = max(low, min(high, exponent))
        if exponent >= 0:
            text = stripped + "0" * exponent
        else:
            point = len(stripped) + exponent
            if point > 0:
                text = stripped[:point] + "." + stripped[point:]
            else:
                text = "0." + "0" * -point + stripped
        return "-" + text if negative else text

    integers = st.integers(-(10**_MAX_NUMBER_DIGITS) + 1, 10**_MAX_NUMBER_DIGITS - 1).map(str)
    decimals = st.builds(
        decimal_text,
        st.booleans(),
        st.integers(1, 10**_MAX_NUMBER_DIGITS - 1),
        st.integers(_MIN_NUMBER_EXPONENT - _MAX_NUMBER_DIGITS, _MAX_NUMBER_EXPONENT),
    )
    return st.one_of(integers, decimals)


def _data_types(base: str, custom_types: bool) -> st.SearchStrategy[str]:
    if not custom_types:
        return st.just(base)
    labels = st.one_of(
        st.sampled_from(_KNOWN_LABELS), st.text(_LABEL_CHARACTERS, min_size=1, max_size=20)
    )
    return st.one_of(st.just(base), labels.map(lambda label: f"{base}.{label}"))


def _attribute_value(data_type: str, value: str | bytes) -> MessageAttributeValue:
    field = "BinaryValue" if isinstance(value, bytes) else "StringValue"
    return {"DataType": data_type, field: value}


def message_attribute_values(
    *,
    data_types: Sequence[str] = _BASE_TYPES,
    custom_types: bool = True,
    max_size: int = 256,
) -> st.SearchStrategy[MessageAttributeValue]:
    """Message attribute values SQS accepts, as boto3 takes them (§7.1).

    Args:
        data_types: base types to draw, any of ``"String"``, ``"Number"``, ``"Binary"``.
        custom_types: also draw custom type labels such as ``Number.int`` or
            ``String.json`` (letters and digits after the dot).
        max_size: most characters of a String value, or bytes of a Binary value.

    Guarantees: ``{"DataType": ..., "StringValue": str}`` for String and Number types,
    ``{"DataType": ..., "BinaryValue": bytes}`` for Binary; ``DataType`` is at most 256
    bytes; String values are non-empty text of the characters SQS allows; Number values
    are plain decimals (optional ``-``, no exponent, no leading or trailing zeros) with at
    most 38 significant digits and magnitude 0 or from 10^-128 up to below 10^126; Binary
    values are non-empty bytes.
    """
    unknown = [t for t in data_types if t not in _BASE_TYPES]
    if unknown or not data_types:
        raise InvalidArgument(f"data_types must be some of {_BASE_TYPES}, got {data_types!r}")
    _check_range("max_size", max_size, 1, limits.MAX_MESSAGE_SIZE_BYTES)
    values: dict[str, st.SearchStrategy[str | bytes]] = {
        "String": st.text(_SQS_CHARACTERS, min_size=1, max_size=max_size),
        "Number": _numbers(),
        "Binary": st.binary(min_size=1, max_size=max_size),
    }
    choices = [
        st.builds(
            _attribute_value,
            _data_types(base, custom_types),
            values[base],
        )
        for base in dict.fromkeys(data_types)
    ]
    return st.one_of(choices)


def message_attributes(
    *,
    min_size: int = 0,
    max_size: int = limits.MAX_MESSAGE_ATTRIBUTES,
    values: st.SearchStrategy[MessageAttributeValue] | None = None,
) -> st.SearchStrategy[dict[str, MessageAttributeValue]]:
    """``MessageAttributes`` maps SQS accepts (§7.1).

    Args:
        min_size: fewest attributes (0 gives ``{}`` sometimes; leave the parameter out then).
        max_size: most attributes, at most 10 (SQS's limit).
        values: strategy for the values; default :func:`message_attribute_values`.

    Guarantees: ``min_size`` to ``max_size`` entries, each name as
    :func:`message_attribute_names` promises, each value as
    :func:`message_attribute_values` promises. Names are distinct (SQS compares them
    case-sensitively).
    """
    _check_range("max_size", max_size, 0, limits.MAX_MESSAGE_ATTRIBUTES)
    _check_range("min_size", min_size, 0, max_size)
    names = message_attribute_names()
    values = message_attribute_values() if values is None else values
    return _now_and_then(
        st.dictionaries(names, values, min_size=min_size, max_size=max_size),
        st.dictionaries(names, values, min_size=max_size, max_size=max_size),
    )


def _attribute_size(name: str, value: MessageAttributeValue) -> int:
    """Bytes one attribute adds to the message size: name, type and value (§1.4)."""
    size = _utf8_size(name)
    for part in value.values():
        size += len(part) if isinstance(part, bytes) else _utf8_size(part)
    return size


def _fit_attributes(
    attributes: dict[str, MessageAttributeValue], max_bytes: int
) -> dict[str, MessageAttributeValue]:
    """The attributes, in order, that fit in ``max_bytes``; the rest are dropped."""
    kept: dict[str, MessageAttributeValue] = {}
    used = 0
    for name, value in attributes.items():
        size = _attribute_size(name, value)
        if used + size <= max_bytes:
            kept[name] = value
            used += size
    return kept


# -- names and ids ----------------------------------------------------------------------------


def queue_names(*, fifo: bool = False) -> st.SearchStrategy[str]:
    """Queue names SQS accepts for CreateQueue (§1.3).

    Args:
        fifo: draw FIFO queue names, ending in ``.fifo``.

    Guarantees: 1 to 80 characters of ``[A-Za-z0-9_-]`` (standard), or 1 to 75 of them
    followed by ``.fifo`` (FIFO: the suffix counts toward the 80).
    """
    if not fifo:
        return _text_up_to(_NAME_CHARACTERS, limits.MAX_QUEUE_NAME_LENGTH)
    stem = limits.MAX_QUEUE_NAME_LENGTH - len(_FIFO_SUFFIX)
    return _text_up_to(_NAME_CHARACTERS, stem).map(lambda s: s + _FIFO_SUFFIX)


def message_group_ids(*, max_size: int = limits.MAX_GROUP_ID_LENGTH) -> st.SearchStrategy[str]:
    """``MessageGroupId`` values SQS accepts (§1.4).

    Args:
        max_size: most characters, 1 to 128 (SQS's limit).

    Guarantees: 1 to ``max_size`` characters, each an ASCII letter, digit or punctuation
    mark (``!`` to ``~``; no space).
    """
    _check_range("max_size", max_size, 1, limits.MAX_GROUP_ID_LENGTH)
    return _text_up_to(_ID_CHARACTERS, max_size)


def deduplication_ids(*, max_size: int = limits.MAX_GROUP_ID_LENGTH) -> st.SearchStrategy[str]:
    """``MessageDeduplicationId`` values SQS accepts (§1.4).

    Args:
        max_size: most characters, 1 to 128 (SQS's limit).

    Guarantees: as :func:`message_group_ids`: 1 to ``max_size`` printable ASCII characters
    other than space.
    """
    return message_group_ids(max_size=max_size)


_GROUP_IDS = message_group_ids()
_BATCH_ENTRY_IDS = _text_up_to(_NAME_CHARACTERS, limits.MAX_BATCH_ENTRY_ID_LENGTH)


def _trace_headers() -> st.SearchStrategy[str]:
    """X-Ray trace headers, the one system attribute SQS takes (``AWSTraceHeader``, §3.7)."""
    hex_digits = "0123456789abcdef"
    return st.builds(
        "Root=1-{}-{};Parent={};Sampled={}".format,
        st.text(hex_digits, min_size=8, max_size=8),
        st.text(hex_digits, min_size=24, max_size=24),
        st.text(hex_digits, min_size=16, max_size=16),
        st.sampled_from("01"),
    )


# -- whole requests ---------------------------------------------------------------------------


def _check_message_options(
    fifo: bool, max_message_bytes: int, max_attributes: int, max_delay_s: int
) -> None:
    _check_range(
        "max_message_bytes",
        max_message_bytes,
        limits.MIN_MESSAGE_SIZE_BYTES,
        limits.MAX_MESSAGE_SIZE_BYTES,
    )
    _check_range("max_attributes", max_attributes, 0, limits.MAX_MESSAGE_ATTRIBUTES)
    _check_range("max_delay_s", max_delay_s, 0, limits.MAX_DELAY_S)
    if fifo and max_delay_s:
        raise InvalidArgument("FIFO queues refuse a per-message DelaySeconds (§5.1)")


def _messages(
    *,
    max_bytes: int,
    bodies: st.SearchStrategy[str] | None,
    max_attributes: int,
    system_attributes: bool,
    max_delay_s: int,
) -> st.SearchStrategy[dict[str, Any]]:
    """Body, attributes, system attributes and delay of one message of at most
    ``max_bytes`` (body plus user attributes, §1.4). Built once per public strategy:
    making strategies inside a draw is slow."""
    if bodies is None:
        body_strategy = message_bodies(max_bytes=max_bytes)
    else:
        body_strategy = bodies.filter(
            lambda b: isinstance(b, str) and 0 < _utf8_size(b) <= max_bytes and _is_sqs_text(b)
        )
    no_attributes: dict[str, MessageAttributeValue] = {}
    return st.builds(
        _assemble_message,
        body_strategy,
        message_attributes(max_size=max_attributes) if max_attributes else st.just(no_attributes),
        st.none() | _trace_headers() if system_attributes else st.none(),
        st.none() | st.integers(0, max_delay_s) if max_delay_s else st.none(),
        st.just(max_bytes),
    )


def _assemble_message(
    body: str,
    attributes: dict[str, MessageAttributeValue],
    trace_header: str | None,
    delay_s: int | None,
    max_bytes: int,
) -> dict[str, Any]:
    message: dict[str, Any] = {"MessageBody": body}
    # The body is drawn first; attributes get the room it leaves (§1.4).
    attributes = _fit_attributes(attributes, max_bytes - _utf8_size(body))
    if attributes:
        message["MessageAttributes"] = attributes
    if trace_header is not None:
        trace = {"DataType": "String", "StringValue": trace_header}
        message["MessageSystemAttributes"] = {"AWSTraceHeader": trace}
    if delay_s is not None:
        message["DelaySeconds"] = delay_s
    return message


@st.composite
def _send_message_kwargs(
    draw: st.DrawFn,
    queue_url: str,
    messages: st.SearchStrategy[dict[str, Any]],
    *,
    fifo: bool,
    deduplication_id: bool,
) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"QueueUrl": queue_url, **draw(messages)}
    if fifo:
        kwargs["MessageGroupId"] = draw(_GROUP_IDS)
        if deduplication_id:
            kwargs["MessageDeduplicationId"] = draw(_GROUP_IDS)
    return kwargs


def send_message_kwargs(
    queue_url: str,
    *,
    fifo: bool = False,
    max_message_bytes: int = limits.MAX_MESSAGE_SIZE_BYTES,
    bodies: st.SearchStrategy[str] | None = None,
    max_attributes: int = limits.MAX_MESSAGE_ATTRIBUTES,
    system_attributes: bool = True,
    deduplication_id: bool = True,
    max_delay_s: int = 0,
) -> st.SearchStrategy[dict[str, Any]]:
    """Keyword arguments for ``client.send_message(**kwargs)`` that SQS accepts (§3.7).

    Args:
        queue_url: the ``QueueUrl`` to put in every dict.
        fifo: for a FIFO queue: add ``MessageGroupId`` (and ``MessageDeduplicationId``).
        max_message_bytes: the queue's ``MaximumMessageSize`` (1,024 to 1,048,576 bytes).
        bodies: strategy for ``MessageBody``; default :func:`message_bodies`. Bodies SQS
            would refuse, or over ``max_message_bytes``, are filtered out; attributes get
            the room the body leaves.
        max_attributes: most user ``MessageAttributes`` (0 to 10; 0 sends none).
        system_attributes: sometimes add an X-Ray ``AWSTraceHeader`` system attribute.
        deduplication_id: (FIFO) always add a ``MessageDeduplicationId``; pass False for a
            queue with ``ContentBasedDeduplication``, to leave it out.
        max_delay_s: (standard queues) sometimes add ``DelaySeconds`` from 0 to this.

    Guarantees: ``QueueUrl`` and a valid ``MessageBody``; ``MessageAttributes`` only when
    there are some, valid as :func:`message_attributes` promises; body plus attributes at
    most ``max_message_bytes`` (SQS's accounting: UTF-8 body, and each attribute's name,
    type and value); for FIFO a valid ``MessageGroupId``, a valid
    ``MessageDeduplicationId`` unless left out, and never ``DelaySeconds``.
    """
    _check_message_options(fifo, max_message_bytes, max_attributes, max_delay_s)
    messages = _messages(
        max_bytes=max_message_bytes,
        bodies=bodies,
        max_attributes=max_attributes,
        system_attributes=system_attributes,
        max_delay_s=max_delay_s,
    )
    return _send_message_kwargs(queue_url, messages, fifo=fifo, deduplication_id=deduplication_id)


@st.composite
def _send_message_batch_entries(
    draw: st.DrawFn,
    messages_for_size: dict[int, st.SearchStrategy[dict[str, Any]]],
    *,
    fifo: bool,
    min_size: int,
    max_size: int,
    deduplication_ids: bool,
) -> list[dict[str, Any]]:
    size = draw(_now_and_then(st.integers(min_size, max_size), st.just(max_size)))
    ids = draw(st.lists(_BATCH_ENTRY_IDS, min_size=size, max_size=size, unique=True))
    messages = messages_for_size[len(ids)]
    entries = [{"Id": entry_id, **draw(messages)} for entry_id in ids]
    if fifo:
        # A few groups, so that some hold several messages of the batch, in order.
        groups = draw(st.lists(_GROUP_IDS, min_size=1, max_size=3, unique=True))
        for entry in entries:
            entry["MessageGroupId"] = draw(st.sampled_from(groups))
        if deduplication_ids:
            dedup = draw(st.lists(_GROUP_IDS, min_size=len(ids), max_size=len(ids), unique=True))
            for entry, dedup_id in zip(entries, dedup, strict=True):
                entry["MessageDeduplicationId"] = dedup_id
    return entries


def send_message_batch_entries(
    *,
    fifo: bool = False,
    min_size: int = 1,
    max_size: int = limits.MAX_BATCH_ENTRIES,
    max_message_bytes: int = limits.MAX_MESSAGE_SIZE_BYTES,
    bodies: st.SearchStrategy[str] | None = None,
    max_attributes: int = limits.MAX_MESSAGE_ATTRIBUTES,
    system_attributes: bool = True,
    deduplication_ids: bool = True,
    max_delay_s: int = 0,
) -> st.SearchStrategy[list[dict[str, Any]]]:
    """``Entries`` for ``client.send_message_batch(QueueUrl=..., Entries=entries)`` (§3.8).

    Args:
        fifo: for a FIFO queue: every entry gets a ``MessageGroupId`` (drawn from one to
            three groups per batch) and a ``MessageDeduplicationId``.
        min_size: fewest entries (at least 1).
        max_size: most entries (at most 10, SQS's limit).
        max_message_bytes: the queue's ``MaximumMessageSize`` (1,024 to 1,048,576 bytes).
        bodies: strategy for ``MessageBody``; default :func:`message_bodies`. Bodies SQS
            would refuse, or over an entry's share of the batch (see below), are filtered
            out; attributes get the room the body leaves.
        max_attributes: most user ``MessageAttributes`` per entry (0 to 10).
        system_attributes: sometimes add an X-Ray ``AWSTraceHeader`` system attribute.
        deduplication_ids: (FIFO) give every entry a ``MessageDeduplicationId``, distinct
            within the batch; pass False for a queue with ``ContentBasedDeduplication``.
        max_delay_s: (standard queues) sometimes add ``DelaySeconds`` from 0 to this.

    Guarantees: ``min_size`` to ``max_size`` entries whose ``Id`` values are distinct, 1 to
    80 characters of ``[A-Za-z0-9_-]``; every entry valid as :func:`send_message_kwargs`
    promises (without ``QueueUrl``), at most ``max_message_bytes`` and at most an equal
    share of the batch limit (1,048,576 bytes divided by the number of entries), so the
    batch in total is at most 1,048,576 bytes: no entry fails and the request is not
    refused.
    """
    _check_range("max_size", max_size, 1, limits.MAX_BATCH_ENTRIES)
    _check_range("min_size", min_size, 1, max_size)
    _check_message_options(fifo, max_message_bytes, max_attributes, max_delay_s)
    # Each entry gets an equal share of the 1 MiB a whole batch may hold (§3.8).
    messages_for_size = {
        size: _messages(
            max_bytes=min(max_message_bytes, limits.MAX_BATCH_SIZE_BYTES // size),
            bodies=bodies,
            max_attributes=max_attributes,
            system_attributes=system_attributes,
            max_delay_s=max_delay_s,
        )
        for size in range(min_size, max_size + 1)
    }
    return _send_message_batch_entries(
        messages_for_size,
        fifo=fifo,
        min_size=min_size,
        max_size=max_size,
        deduplication_ids=deduplication_ids,
    )
