"""Queue actions: create, find, list, delete, attributes, purge (sqs-behaviour.md §3.1–3.6)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .. import attributes, errors, limits, validation
from ..attributes import QueueSettings
from ..errors import SQSError
from ..fifo import FifoQueue
from ..metrics import QueueMetrics
from ..queue import Queue
from ..redrive import Target, check_target
from ..simulator import queue_arn, queue_url
from . import Result, action
from .tags import validate_tags

if TYPE_CHECKING:
    from ..simulator import Call, SQSSimulator


def _queue_name(params: Mapping[str, Any]) -> str:
    name = params.get("QueueName")
    if name is None:
        raise SQSError(
            errors.INVALID_PARAMETER,
            value="",
            param="QueueName",
            reason="Must specify a queue name.",
        )
    if not isinstance(name, str) or name == "":
        raise SQSError(errors.EMPTY_QUEUE_NAME)
    return name


@action("CreateQueue")
def create_queue(sim: SQSSimulator, call: Call, params: Mapping[str, Any]) -> Result:
    """Name rules, every attribute validated with AWS's codes and texts; idempotent when the
    given attributes match the queue's current values, QueueAlreadyExists otherwise; the
    60-second rule after DeleteQueue; tags.
    """
    name = _queue_name(params)
    requested = validation.string_map(params, "Attributes")
    tags = validation.string_map(params, "tags")
    fifo_flag = requested.get("FifoQueue")
    # FifoQueue other than "true" makes the queue standard, where the attribute is
    # unknown (§2.1, AWS-rec).
    if fifo_flag is not None and (not isinstance(fifo_flag, str) or fifo_flag.lower() != "true"):
        raise SQSError(errors.UNKNOWN_ATTRIBUTE, name="FifoQueue")
    fifo = fifo_flag is not None
    if fifo and not validation.FIFO_QUEUE_NAME.fullmatch(name):
        raise SQSError(errors.BAD_FIFO_QUEUE_NAME)
    if not fifo and not validation.QUEUE_NAME.fullmatch(name):
        raise SQSError(errors.BAD_QUEUE_NAME)
    parsed = attributes.parse(requested, fifo)
    _check_redrive_target(sim, parsed, queue_arn(call.region, call.account_id, name), fifo)
    region = sim.region_state(call.account_id, call.region)

    existing = region.queues.get(name)
    if existing is not None:
        # Only the attributes in this request are compared, with the queue's current
        # values (§3.1).
        for attribute, raw in requested.items():
            field, value = attributes.parse({attribute: raw}, fifo).popitem()
            if getattr(existing.settings, field) != value:
                raise SQSError(errors.QUEUE_EXISTS, name=attribute)
        existing.settle(call.now)
        existing.metrics.accessed_at = call.now
        return {"QueueUrl": existing.url}

    deleted_at = region.deleted_at.get(name)
    if deleted_at is not None and call.now - deleted_at < limits.QUEUE_REUSE_WAIT_S:
        raise SQSError(errors.DELETED_RECENTLY)

    validate_tags(tags, existing=0, queue_name=name)
    settings = attributes.apply(QueueSettings(fifo=fifo), parsed)
    queue = (FifoQueue if fifo else Queue)(
        uid=sim.new_uid(),
        name=name,
        account_id=call.account_id,
        region=call.region,
        url=queue_url(call.region, call.account_id, name),
        arn=queue_arn(call.region, call.account_id, name),
        settings=settings,
        created_at=call.now,
        metrics=sim.queue_metrics(call.account_id, call.region, name, fifo, call.now),
    )
    queue.tags.update(tags)
    region.queues[name] = queue
    return {"QueueUrl": queue.url}


def _check_redrive_target(
    sim: SQSSimulator, parsed: Mapping[str, Any], source_arn: str, fifo: bool
) -> None:
    raw = parsed.get("redrive_policy")
    if raw is not None:

        def target(arn: str) -> Target | None:
            queue = sim.queue_by_arn(arn)
            if queue is None:
                return None
            return Target(queue.settings.fifo, queue.settings.redrive_allow_policy)

        check_target(raw, source_arn, fifo, target)


@action("GetQueueUrl")
def get_queue_url(sim: SQSSimulator, call: Call, params: Mapping[str, Any]) -> Result:
    """By name, optionally in another account (QueueOwnerAWSAccountId)."""
    name = _queue_name(params)
    owner = validation.string(params, "QueueOwnerAWSAccountId") or call.account_id
    queue = sim.find_queue(owner, call.region, name)
    if queue is None:
        raise SQSError(
            errors.NON_EXISTENT_QUEUE
            if owner == call.account_id
            else errors.NON_EXISTENT_FOREIGN_QUEUE
        )
    queue.settle(call.now)
    queue.metrics.accessed_at = call.now
    return {"QueueUrl": queue.url}


def paginate(items: list[tuple[str, str]], params: Mapping[str, Any], result_key: str) -> Result:
    """One page of (sort key, url) pairs with ListQueues' MaxResults/NextToken rules (§3.3)."""
    max_results = validation.in_range(
        validation.integer(params, "MaxResults", errors.LIST_MAX_RESULTS),
        1,
        limits.MAX_LIST_RESULTS,
        errors.LIST_MAX_RESULTS,
    )
    token = validation.string(params, "NextToken")
    items.sort()
    if token:
        after = validation.decode_token(token, str, errors.INVALID_NEXT_TOKEN)
        items = [item for item in items if item[0] > after]
    page = items[: max_results or limits.MAX_LIST_RESULTS]
    result: Result = {}
    if page:
        result[result_key] = [url for _, url in page]
    # A token only when the caller paginates and more remain (§3.3, AWS-rec).
    if max_results is not None and len(items) > len(page):
        result["NextToken"] = validation.encode_token(page[-1][0])
    return result


@action("ListQueues")
def list_queues(sim: SQSSimulator, call: Call, params: Mapping[str, Any]) -> Result:
    """Prefix filter, sorted by name; MaxResults 1-1000 with NextToken paging; keys omitted
    when empty.
    """
    prefix = validation.string(params, "QueueNamePrefix") or ""
    region = sim.region_state(call.account_id, call.region)
    matching = [(q.name, q.url) for q in region.queues.values() if q.name.startswith(prefix)]
    return paginate(matching, params, "QueueUrls")


@action("DeleteQueue")
def delete_queue(sim: SQSSimulator, call: Call, params: Mapping[str, Any]) -> Result:
    """Deletes at once with its messages; the name is blocked for 60 seconds."""
    queue = sim.resolve(call, params.get("QueueUrl"))
    region = sim.region_state(queue.account_id, queue.region)
    del region.queues[queue.name]
    region.deleted_at[queue.name] = call.now
    queue.metrics.close(call.now, queue.gauges())
    # A long poll still waiting on it must not write into the record a new queue of the
    # name will continue.
    queue.metrics = QueueMetrics(queue.name, queue.settings.fifo, call.now)
    # Its move tasks die with it (§3.4).
    for task in sim.move_tasks.pop(queue.arn, []):
        if task in sim.running_tasks:
            sim.running_tasks.remove(task)
    return {}


def render_attributes(queue: Queue, names: list[str]) -> dict[str, str]:
    """GetQueueAttributes' answer for ``names`` (``All`` for everything), in AWS's order."""
    for name in names:
        if name != "All" and not attributes.is_known(name):
            raise SQSError(errors.UNKNOWN_ATTRIBUTE, name=name)
    wanted = set(attributes.ALL_NAMES) if "All" in names else set(names)
    computed = {
        "QueueArn": queue.arn,
        "ApproximateNumberOfMessages": str(queue.visible_count),
        "ApproximateNumberOfMessagesNotVisible": str(queue.in_flight_count),
        "ApproximateNumberOfMessagesDelayed": str(queue.delayed_count),
        "CreatedTimestamp": str(int(queue.created_at)),
        "LastModifiedTimestamp": str(int(queue.last_modified_at)),
    }
    rendered: dict[str, str] = {}
    for name in attributes.ALL_NAMES:
        if name not in wanted:
            continue
        value = computed.get(name) or attributes.render_value(queue.settings, name)
        if value is not None:
            rendered[name] = value
    return rendered


@action("GetQueueAttributes")
def get_queue_attributes(sim: SQSSimulator, call: Call, params: Mapping[str, Any]) -> Result:
    """All or named attributes, in AWS's order, with exact counters; optional ones only while
    set.
    """
    queue = sim.resolve(call, params.get("QueueUrl"))
    rendered = render_attributes(queue, validation.string_list(params, "AttributeNames"))
    return {"Attributes": rendered} if rendered else {}


@action("SetQueueAttributes")
def set_queue_attributes(sim: SQSSimulator, call: Call, params: Mapping[str, Any]) -> Result:
    """All-or-nothing validation; "" removes Policy, RedrivePolicy, RedriveAllowPolicy and
    KmsMasterKeyId; SSE-KMS and SSE-SQS are exclusive.
    """
    queue = sim.resolve(call, params.get("QueueUrl"))
    requested = validation.string_map(params, "Attributes")
    if not requested:
        raise SQSError(errors.MISSING, param="Attribute.Name")
    parsed = attributes.parse(requested, queue.settings.fifo)
    _check_redrive_target(sim, parsed, queue.arn, queue.settings.fifo)
    queue.settings = attributes.apply(queue.settings, parsed)
    queue.last_modified_at = call.now
    return {}


@action("PurgeQueue")
def purge_queue(sim: SQSSimulator, call: Call, params: Mapping[str, Any]) -> Result:
    """Removes visible, in-flight and delayed messages in O(1); a second purge within 60
    seconds is PurgeQueueInProgress (HTTP 403).
    """
    queue = sim.resolve(call, params.get("QueueUrl"))
    last = queue.last_purged_at
    if last is not None and call.now - last < limits.PURGE_INTERVAL_S:
        raise SQSError(errors.PURGE_IN_PROGRESS, name=queue.name)
    queue.purge(call.now)
    return {}
