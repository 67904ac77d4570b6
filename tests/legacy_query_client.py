"""A whole SQS scenario run by a query-protocol botocore (1.31.80) against an SQSServer.

Run by tests/test_server_query.py as a subprocess::

    PYTHONPATH=.legacy/botocore-query python tests/legacy_query_client.py http://127.0.0.1:PORT

It prints one JSON document of what the client saw; the test asserts on it and on the
server's state.  Nothing here imports pytest_sqs: the client must know only the wire.
"""

from __future__ import annotations

import base64
import hashlib
import json
import struct
import sys
import traceback
from typing import Any

import botocore
import botocore.session
from botocore.exceptions import ClientError

EXPECTED_BOTOCORE = "1.31.80"

# Every character the query protocol has to carry with care: CR LF (XML would fold a raw
# CR into LF), the XML specials, both quotes, Latin-1, BMP and astral characters.
TRICKY_BODY = "line one\r\nline two & <tag attr=\"v\"> 'single' — ünïcødé ✓ 😀\r"
BINARY_VALUE = b"\x00\xffhi\r\n"
STRING_VALUE = 'héllo & <x> "q"\r\nend'
NUMBER_VALUE = "-12.50"


def _jsonable(value: Any) -> Any:
    """Bytes as ``{"base64": ...}`` so the JSON shows exactly what botocore decoded."""
    if isinstance(value, bytes):
        return {"base64": base64.b64encode(value).decode("ascii")}
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def md5_of_attributes(attributes: dict[str, dict[str, Any]]) -> str:
    """MD5OfMessageAttributes as the SQS docs define it, computed independently here."""
    digest = hashlib.md5()
    for name in sorted(attributes):
        value = attributes[name]
        data_type = value["DataType"]
        for part in (name.encode("utf-8"), data_type.encode("utf-8")):
            digest.update(struct.pack(">I", len(part)) + part)
        if "BinaryValue" in value:
            raw = value["BinaryValue"]
            digest.update(b"\x02" + struct.pack(">I", len(raw)) + raw)
        else:
            raw = value["StringValue"].encode("utf-8")
            digest.update(b"\x01" + struct.pack(">I", len(raw)) + raw)
    return digest.hexdigest()


def _error(exc: ClientError, client: Any, class_name: str) -> dict[str, Any]:
    return {
        "caught_as": class_name,
        "is_modelled_class": isinstance(exc, getattr(client.exceptions, class_name)),
        "code": exc.response["Error"]["Code"],
        "message": exc.response["Error"]["Message"],
        "type": exc.response["Error"].get("Type"),
        "status": exc.response["ResponseMetadata"]["HTTPStatusCode"],
        "request_id": exc.response["ResponseMetadata"].get("RequestId"),
    }


def scenario(endpoint_url: str, out: dict[str, Any]) -> None:
    """Fill ``out`` step by step (so a crash still shows how far the scenario got)."""
    session = botocore.session.get_session()
    protocol = session.get_service_model("sqs").protocol
    assert botocore.__version__ == EXPECTED_BOTOCORE, botocore.__version__
    assert protocol == "query", protocol
    client = session.create_client(
        "sqs",
        region_name="us-east-1",
        endpoint_url=endpoint_url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    out.update(botocore=botocore.__version__, path=botocore.__file__, protocol=protocol)

    # -- queues -------------------------------------------------------------------
    std = client.create_queue(
        QueueName="legacy-std",
        Attributes={"VisibilityTimeout": "30", "MaximumMessageSize": "2048"},
        tags={"team": "qa", "env": "test"},
    )["QueueUrl"]
    fifo = client.create_queue(
        QueueName="legacy-fifo.fifo",
        Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "false"},
        tags={"kind": "fifo"},
    )["QueueUrl"]
    dlq = client.create_queue(QueueName="legacy-dlq")["QueueUrl"]
    dlq_arn = client.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    redrive = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 2})
    src = client.create_queue(QueueName="legacy-src", Attributes={"RedrivePolicy": redrive})[
        "QueueUrl"
    ]
    purge_me = client.create_queue(QueueName="legacy-purge")["QueueUrl"]
    out["urls"] = {"std": std, "fifo": fifo, "dlq": dlq, "src": src, "purge": purge_me}
    out["dlq_arn"] = dlq_arn
    out["get_queue_url"] = client.get_queue_url(QueueName="legacy-std")["QueueUrl"]
    out["list_prefix"] = client.list_queues(QueueNamePrefix="legacy-").get("QueueUrls", [])
    out["list_prefix_fifo"] = client.list_queues(QueueNamePrefix="legacy-f").get("QueueUrls", [])
    out["list_prefix_none"] = client.list_queues(QueueNamePrefix="nothing-").get("QueueUrls", [])
    page = client.list_queues(QueueNamePrefix="legacy-", MaxResults=3)
    rest = client.list_queues(QueueNamePrefix="legacy-", MaxResults=3, NextToken=page["NextToken"])
    out["list_pages"] = [page.get("QueueUrls", []), rest.get("QueueUrls", []), "NextToken" in rest]

    # -- attributes ---------------------------------------------------------------
    out["std_attributes_all"] = client.get_queue_attributes(QueueUrl=std, AttributeNames=["All"])[
        "Attributes"
    ]
    out["fifo_attributes"] = client.get_queue_attributes(
        QueueUrl=fifo, AttributeNames=["FifoQueue", "ContentBasedDeduplication"]
    )["Attributes"]
    client.set_queue_attributes(
        QueueUrl=std, Attributes={"VisibilityTimeout": "45", "DelaySeconds": "0"}
    )
    out["std_attributes_after_set"] = client.get_queue_attributes(
        QueueUrl=std, AttributeNames=["VisibilityTimeout", "MaximumMessageSize"]
    )["Attributes"]
    # Empty lists: this botocore sends ``AttributeNames=`` (the member name, no index).
    out["attributes_empty_list"] = client.get_queue_attributes(QueueUrl=std, AttributeNames=[])
    out["attributes_empty_list"].pop("ResponseMetadata")
    out["src_redrive_policy"] = client.get_queue_attributes(
        QueueUrl=src, AttributeNames=["RedrivePolicy"]
    )["Attributes"]["RedrivePolicy"]

    # -- one message, every kind of attribute --------------------------------------
    attributes: dict[str, dict[str, Any]] = {
        "s": {"DataType": "String", "StringValue": STRING_VALUE},
        "n": {"DataType": "Number", "StringValue": NUMBER_VALUE},
        "b": {"DataType": "Binary", "BinaryValue": BINARY_VALUE},
        "custom": {"DataType": "String.json", "StringValue": '{"a": [1, 2]}'},
    }
    sent = client.send_message(QueueUrl=std, MessageBody=TRICKY_BODY, MessageAttributes=attributes)
    out["inputs"] = {"body": TRICKY_BODY, "attributes": _jsonable(attributes)}
    out["send"] = _jsonable(sent)
    out["expected_md5_of_body"] = hashlib.md5(TRICKY_BODY.encode("utf-8")).hexdigest()
    out["expected_md5_of_attributes"] = md5_of_attributes(attributes)

    received = client.receive_message(
        QueueUrl=std,
        AttributeNames=["All"],
        MessageAttributeNames=["All"],
        MaxNumberOfMessages=10,
    ).get("Messages", [])
    out["receive"] = _jsonable(received)
    out["body_round_trips"] = bool(received) and received[0]["Body"] == TRICKY_BODY
    if received:
        got = received[0]
        out["received_md5_of_body_recomputed"] = hashlib.md5(got["Body"].encode()).hexdigest()
        out["received_md5_of_attributes_recomputed"] = md5_of_attributes(
            got.get("MessageAttributes", {})
        )
        out["attributes_round_trip"] = got.get("MessageAttributes") == attributes
        handle = got["ReceiptHandle"]
        client.change_message_visibility(QueueUrl=std, ReceiptHandle=handle, VisibilityTimeout=0)
        again = client.receive_message(
            QueueUrl=std, AttributeNames=["ApproximateReceiveCount"], MaxNumberOfMessages=1
        ).get("Messages", [])
        out["receive_again"] = _jsonable(again)
        if again:
            client.delete_message(QueueUrl=std, ReceiptHandle=again[0]["ReceiptHandle"])
    out["std_empty_after_delete"] = client.receive_message(
        QueueUrl=std, AttributeNames=[], MessageAttributeNames=[]
    ).get("Messages", [])

    # -- list values: refused, as AWS does -----------------------------------------
    try:
        client.send_message(
            QueueUrl=std,
            MessageBody="x",
            MessageAttributes={"l": {"DataType": "String", "StringListValues": ["p", "q"]}},
        )
        out["list_values"] = "accepted"
    except ClientError as exc:
        out["list_values"] = _error(exc, client, "UnsupportedOperation")

    # -- batches --------------------------------------------------------------------
    batch = client.send_message_batch(
        QueueUrl=std,
        Entries=[
            {"Id": "ok1", "MessageBody": "batch one"},
            {
                "Id": "ok2",
                "MessageBody": "batch two",
                "MessageAttributes": {"k": {"DataType": "String", "StringValue": "v"}},
            },
            {"Id": "bad", "MessageBody": "x" * 2049},  # over the queue's MaximumMessageSize
        ],
    )
    out["send_batch"] = _jsonable(batch)
    batch_received = client.receive_message(
        QueueUrl=std, MaxNumberOfMessages=10, MessageAttributeNames=["All"]
    ).get("Messages", [])
    out["batch_received_bodies"] = sorted(m["Body"] for m in batch_received)
    by_body = {m["Body"]: m["ReceiptHandle"] for m in batch_received}
    out["delete_batch"] = _jsonable(
        client.delete_message_batch(
            QueueUrl=std,
            Entries=[
                {"Id": "d1", "ReceiptHandle": by_body.get("batch one", "missing")},
                {"Id": "d2", "ReceiptHandle": "not-a-receipt-handle"},
            ],
        )
    )
    out["change_visibility_batch"] = _jsonable(
        client.change_message_visibility_batch(
            QueueUrl=std,
            Entries=[
                {
                    "Id": "c1",
                    "ReceiptHandle": by_body.get("batch two", "missing"),
                    "VisibilityTimeout": 0,
                }
            ],
        )
    )

    # -- FIFO ----------------------------------------------------------------------
    first = client.send_message(
        QueueUrl=fifo, MessageBody="f1", MessageGroupId="g1", MessageDeduplicationId="d1"
    )
    duplicate = client.send_message(
        QueueUrl=fifo, MessageBody="f1 again", MessageGroupId="g1", MessageDeduplicationId="d1"
    )
    second = client.send_message(
        QueueUrl=fifo, MessageBody="f2", MessageGroupId="g1", MessageDeduplicationId="d2"
    )
    out["fifo_send"] = _jsonable([first, duplicate, second])
    out["fifo_receive"] = _jsonable(
        client.receive_message(
            QueueUrl=fifo,
            MaxNumberOfMessages=10,
            AttributeNames=["All"],
            ReceiveRequestAttemptId="attempt-1",
        ).get("Messages", [])
    )

    # -- tags -----------------------------------------------------------------------
    out["tags_created"] = client.list_queue_tags(QueueUrl=std).get("Tags", {})
    client.tag_queue(QueueUrl=std, Tags={"owner": "me + you"})
    client.untag_queue(QueueUrl=std, TagKeys=["env"])
    out["tags_after"] = client.list_queue_tags(QueueUrl=std).get("Tags", {})
    out["tags_fifo"] = client.list_queue_tags(QueueUrl=fifo).get("Tags", {})

    # -- permissions ------------------------------------------------------------------
    client.add_permission(
        QueueUrl=std,
        Label="p1",
        AWSAccountIds=["111122223333", "444455556666"],
        Actions=["SendMessage", "ReceiveMessage"],
    )
    out["policy_after_add"] = (
        client.get_queue_attributes(QueueUrl=std, AttributeNames=["Policy"])
        .get("Attributes", {})
        .get("Policy")
    )
    client.remove_permission(QueueUrl=std, Label="p1")
    out["policy_after_remove"] = (
        client.get_queue_attributes(QueueUrl=std, AttributeNames=["Policy"])
        .get("Attributes", {})
        .get("Policy")
    )

    # -- dead letters and a move task -----------------------------------------------
    out["dead_letter_sources"] = client.list_dead_letter_source_queues(QueueUrl=dlq).get(
        "queueUrls", []
    )
    client.send_message(QueueUrl=src, MessageBody="poison")
    counts = []
    for _ in range(3):  # received twice, then the third receive moves it to the DLQ
        got = client.receive_message(
            QueueUrl=src, VisibilityTimeout=0, AttributeNames=["ApproximateReceiveCount"]
        ).get("Messages", [])
        counts.append([m["Attributes"]["ApproximateReceiveCount"] for m in got])
    out["src_receive_counts"] = counts
    dead = client.receive_message(QueueUrl=dlq, VisibilityTimeout=0, AttributeNames=["All"]).get(
        "Messages", []
    )
    out["dlq_messages"] = _jsonable(dead)
    task = client.start_message_move_task(SourceArn=dlq_arn, MaxNumberOfMessagesPerSecond=1)
    out["move_task_start"] = _jsonable(task)
    out["move_tasks_listed"] = _jsonable(
        client.list_message_move_tasks(SourceArn=dlq_arn, MaxResults=10).get("Results", [])
    )
    try:
        out["move_task_cancel"] = _jsonable(
            client.cancel_message_move_task(TaskHandle=task["TaskHandle"])
        )
    except ClientError as exc:
        out["move_task_cancel"] = _error(exc, client, "ResourceNotFoundException")
    out["move_tasks_after_cancel"] = _jsonable(
        client.list_message_move_tasks(SourceArn=dlq_arn).get("Results", [])
    )

    # -- purge and delete ----------------------------------------------------------------
    client.send_message(QueueUrl=purge_me, MessageBody="to be purged")
    client.purge_queue(QueueUrl=purge_me)
    out["purged_receive"] = client.receive_message(QueueUrl=purge_me).get("Messages", [])
    client.delete_queue(QueueUrl=purge_me)
    out["list_after_delete"] = client.list_queues(QueueNamePrefix="legacy-").get("QueueUrls", [])

    # -- errors --------------------------------------------------------------------------
    try:
        client.get_queue_url(QueueName="no-such-queue")
        out["missing_queue"] = "no error"
    except client.exceptions.QueueDoesNotExist as exc:
        out["missing_queue"] = _error(exc, client, "QueueDoesNotExist")
    except ClientError as exc:
        out["missing_queue"] = {**_error(exc, client, "QueueDoesNotExist"), "caught_as": "other"}
    try:
        client.create_queue(QueueName="legacy-std", Attributes={"VisibilityTimeout": "99"})
        out["queue_exists"] = "no error"
    except client.exceptions.QueueNameExists as exc:
        out["queue_exists"] = _error(exc, client, "QueueNameExists")
    except ClientError as exc:
        out["queue_exists"] = {**_error(exc, client, "QueueNameExists"), "caught_as": "other"}
    try:
        client.send_message(QueueUrl=src + "-gone", MessageBody="x")
        out["send_to_missing"] = "no error"
    except ClientError as exc:
        out["send_to_missing"] = _error(exc, client, "QueueDoesNotExist")


def main() -> int:
    out: dict[str, Any] = {}
    try:
        scenario(sys.argv[1], out)
    except Exception:
        out["crashed"] = traceback.format_exc()
    print(json.dumps(out, indent=1, ensure_ascii=False))
    return 1 if "crashed" in out else 0


if __name__ == "__main__":
    sys.exit(main())
