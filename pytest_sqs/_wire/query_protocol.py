"""The query protocol of SDKs older than 2024: form-encoded requests, XML answers.

Every SQS list and map is *flattened* on this wire: ``AttributeName.1``,
``Attribute.1.Name`` / ``Attribute.1.Value``, ``SendMessageBatchRequestEntry.2.Id``;
answers repeat the element (``<QueueUrl>``, ``<Message>``) with no container.  The
names below are the query-era botocore model's, checked by running that botocore's
serializer and parser against this codec (tests/test_server_query.py).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable
from typing import Any
from xml.sax.saxutils import escape

from .._core import actions, errors
from .._core.errors import SQSError
from .json_protocol import http_date

NAMESPACE = "http://queue.amazonaws.com/doc/2012-11-05/"
CONTENT_TYPE = "text/xml"
# Over the query protocol AWS words this one error differently (AWS-rec).
QUERY_NON_EXISTENT_QUEUE = "The specified queue does not exist for this wsdl version."

_INTEGERS = frozenset(
    {
        "DelaySeconds",
        "MaxNumberOfMessages",
        "VisibilityTimeout",
        "WaitTimeSeconds",
        "MaxResults",
        "MaxNumberOfMessagesPerSecond",
    }
)
# Wire name of a flattened list → the API member, per action where they differ.
_STRING_LISTS = {
    "AttributeName": "AttributeNames",
    "MessageAttributeName": "MessageAttributeNames",
    "MessageSystemAttributeName": "MessageSystemAttributeNames",
    "TagKey": "TagKeys",
    "AWSAccountId": "AWSAccountIds",
    "ActionName": "Actions",
}
_ENTRY_LISTS = {
    "SendMessageBatchRequestEntry": "Entries",
    "DeleteMessageBatchRequestEntry": "Entries",
    "ChangeMessageVisibilityBatchRequestEntry": "Entries",
}
_VALUE_MAPS = {
    "MessageAttribute": "MessageAttributes",
    "MessageSystemAttribute": "MessageSystemAttributes",
}
_COMMON = frozenset(
    {
        "Action",
        "Version",
        "AWSAccessKeyId",
        "SignatureVersion",
        "SignatureMethod",
        "Signature",
        "Timestamp",
        "Expires",
        "SecurityToken",
    }
)
_INDEX = re.compile(r"[1-9]\d{0,5}")
# Actions of the service, not of a queue: AWS refuses them on a queue's URL (AWS-rec).
_SERVICE_ACTIONS = frozenset({"CreateQueue", "ListQueues"})
# Characters XML 1.0 cannot carry, even as references: an error that quotes them must
# still parse.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def form_tree(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """``a.1.b=x`` pairs as nested dicts (numeric keys kept as strings for now)."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        node = root
        *path, leaf = key.split(".")
        for part in path:
            child = node.get(part)
            if not isinstance(child, dict):
                child = node[part] = {}
            node = child
        if not isinstance(node.get(leaf), dict):
            node[leaf] = value
    return root


def _indexed(node: Any) -> list[Any]:
    """The members of a flattened list node (``{"1": x, "2": y}``) in index order."""
    if not isinstance(node, dict):
        return []  # ``Member=`` with no index: botocore's spelling of an empty list
    items = [(int(k), v) for k, v in node.items() if _INDEX.fullmatch(k)]
    return [value for _, value in sorted(items, key=lambda item: item[0])]


def _scalar(name: str, value: Any) -> Any:
    if isinstance(value, dict):
        return value  # a structure where a scalar belongs: the core refuses its type
    if name in _INTEGERS and re.fullmatch(r"-?\d{1,18}", value):
        return int(value)
    return value


def _blob(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise SQSError(errors.INVALID_BASE64, value=value[:100]) from None


def _leaf(entry: dict[str, Any], key: str, default: Any = None) -> Any:
    """A scalar member of a flattened entry; ``Name.x=...`` makes ``Name`` a node, which
    counts as absent (the core then refuses the entry as it refuses a missing name)."""
    value = entry.get(key, default)
    return value if isinstance(value, str) else default


def _attribute_value(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    value: dict[str, Any] = {}
    for key, item in node.items():
        if key == "BinaryValue":
            value[key] = _blob(item)
        elif key == "StringListValue":
            value["StringListValues"] = _indexed(item)
        elif key == "BinaryListValue":
            value["BinaryListValues"] = [_blob(v) for v in _indexed(item)]
        else:
            value[key] = item
    return value


def _members(tree: dict[str, Any], action: str) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for key, node in tree.items():
        if key in _COMMON:
            continue
        if key in _STRING_LISTS:
            params[_STRING_LISTS[key]] = _indexed(node)
        elif key in _ENTRY_LISTS:
            params["Entries"] = [
                _members(entry, action) if isinstance(entry, dict) else entry
                for entry in _indexed(node)
            ]
        elif key in _VALUE_MAPS:
            params[_VALUE_MAPS[key]] = {
                _leaf(entry, "Name"): _attribute_value(entry.get("Value"))
                for entry in _indexed(node)
                if isinstance(entry, dict)
            }
        elif key == "Attribute":
            params["Attributes"] = {
                _leaf(e, "Name"): _leaf(e, "Value") for e in _indexed(node) if isinstance(e, dict)
            }
        elif key == "Tag":
            tags = {
                _leaf(e, "Key"): _leaf(e, "Value", "")
                for e in _indexed(node)
                if isinstance(e, dict)
            }
            params["tags" if action == "CreateQueue" else "Tags"] = tags
        elif key in _STRING_LISTS.values() or key in ("Attributes", "Tags", "Entries"):
            params[key] = _indexed(node)  # ``AttributeNames=``: an empty list
        else:
            params[key] = _scalar(key, node)
    return params


def decode_request(form: list[tuple[str, str]], path: str) -> tuple[str, dict[str, Any]]:
    """(action, parameters) of a query request; the queue may be named by the path."""
    tree = form_tree(form)
    action = tree.get("Action")
    if not isinstance(action, str) or not action:
        raise SQSError(errors.QUERY_MISSING_ACTION)
    segments = [s for s in path.split("/") if s]
    on_queue = len(segments) == 2
    if action not in actions.load() or (on_queue and action in _SERVICE_ACTIONS):
        raise SQSError(errors.QUERY_INVALID_ACTION, action=action[:128])
    params = _members(tree, action)
    if "QueueUrl" not in params and on_queue:
        params["QueueUrl"] = path  # Java SDK v1 posts to the queue's own path
    return action, params


# -- answers ----------------------------------------------------------------------------

_LIST_ELEMENTS = {
    "QueueUrls": "QueueUrl",
    "queueUrls": "QueueUrl",
    "Messages": "Message",
    "Failed": "BatchResultErrorEntry",
    "Results": "ListMessageMoveTasksResultEntry",
    "StringListValues": "StringListValue",
    "BinaryListValues": "BinaryListValue",
}
_SUCCESSFUL = {
    "SendMessageBatch": "SendMessageBatchResultEntry",
    "DeleteMessageBatch": "DeleteMessageBatchResultEntry",
    "ChangeMessageVisibilityBatch": "ChangeMessageVisibilityBatchResultEntry",
}
_NO_OUTPUT = frozenset(
    {
        "DeleteQueue",
        "SetQueueAttributes",
        "DeleteMessage",
        "ChangeMessageVisibility",
        "PurgeQueue",
        "TagQueue",
        "UntagQueue",
        "AddPermission",
        "RemovePermission",
    }
)


def xml_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    # AWS escapes quotes and carriage returns too; a raw CR would reach the client as LF.
    text = escape(str(value), {'"': "&quot;", "\r": "&#xD;"})
    return _NOT_XML.sub("\ufffd", text)


def _elements(action: str, members: dict[str, Any], out: list[str]) -> None:
    for key, value in members.items():
        if key == "ResponseMetadata":
            continue
        if key in ("Attributes", "Tags") and isinstance(value, dict):
            tag, name = ("Tag", "Key") if key == "Tags" else ("Attribute", "Name")
            for k, v in value.items():
                out.append(
                    f"<{tag}><{name}>{xml_text(k)}</{name}><Value>{xml_text(v)}</Value></{tag}>"
                )
        elif key == "MessageAttributes" and isinstance(value, dict):
            for name, attribute in value.items():
                out.append(f"<MessageAttribute><Name>{xml_text(name)}</Name><Value>")
                _elements(action, attribute, out)
                out.append("</Value></MessageAttribute>")
        elif isinstance(value, list):
            tag = _SUCCESSFUL[action] if key == "Successful" else _LIST_ELEMENTS.get(key, key)
            for item in value:
                if isinstance(item, dict):
                    out.append(f"<{tag}>")
                    _elements(action, item, out)
                    out.append(f"</{tag}>")
                else:
                    out.append(f"<{tag}>{xml_text(item)}</{tag}>")
        elif isinstance(value, dict):
            out.append(f"<{key}>")
            _elements(action, value, out)
            out.append(f"</{key}>")
        else:
            out.append(f"<{key}>{xml_text(value)}</{key}>")


def encode_result(action: str, result: dict[str, Any], request_id: str) -> bytes:
    """The XML body of a successful answer."""
    out = [f'<?xml version="1.0"?><{action}Response xmlns="{NAMESPACE}">']
    if action not in _NO_OUTPUT:
        out.append(f"<{action}Result>")
        _elements(action, result, out)
        out.append(f"</{action}Result>")
    out.append(
        f"<ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata>"
        f"</{action}Response>"
    )
    return "".join(out).encode("utf-8")


def response_headers(request_id: str, now: float) -> dict[str, str]:
    """The headers of an XML answer; ``Date`` on the simulated clock, as JSON answers."""
    return {
        "x-amzn-requestid": request_id,
        "date": http_date(int(now)),
        "content-type": CONTENT_TYPE,
    }


def encode_error(error: SQSError, request_id: str, now: float) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) of an XML error answer."""
    kind = error.kind
    message = QUERY_NON_EXISTENT_QUEUE if error.spec is errors.NON_EXISTENT_QUEUE else error.message
    body = (
        f'<?xml version="1.0"?><ErrorResponse xmlns="{NAMESPACE}"><Error>'
        f"<Type>{kind.fault}</Type><Code>{xml_text(kind.code)}</Code>"
        f"<Message>{xml_text(message)}</Message><Detail/></Error>"
        f"<RequestId>{request_id}</RequestId></ErrorResponse>"
    ).encode()
    return kind.status, response_headers(request_id, now), body
