"""Tests of the order pipeline, written the way a pytest-sqs user writes them.

No AWS, no Docker, no sleeping: boto3 talks to the in-process simulator, the clock
moves only when a test calls ``sqs.advance`` (or a long poll finds an empty queue),
and ``sqs.queue(name)`` looks inside a queue without receiving from it.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_sqs import MockSQS, mock_sqs

from . import __main__ as demo
from .app import OrderSystem
from .messages import InvalidMessage, Order, PaymentEvent
from .queues import (
    DEAD_LETTER_QUEUE,
    INVENTORY_QUEUE,
    NOTIFICATION_QUEUE,
    ORDER_QUEUE,
    PAYMENT_QUEUE,
    VISIBILITY_TIMEOUT_S,
    WAIT_TIME_S,
    setup_queues,
)
from .services import Handled, InventoryService, Outcome

REGION = "us-east-1"

ORDERS = [
    Order("A-1", "alice@example.com", {"widget": 2}, 1998),
    Order("A-2", "bob@example.com", {"gadget": 1}, 2499),
    Order("A-3", "carol@example.com", {"widget": 1, "gadget": 1}, 3498),
    Order("A-4", "dan@example.com", {"widget": 3}, 2997),
]
ORDER_IDS = [order.order_id for order in ORDERS]


@pytest.fixture
def sqs() -> Iterator[MockSQS]:
    """Overrides the plugin's ``sqs`` fixture: the same mock, with a manual clock."""
    with mock_sqs(clock="manual", region=REGION) as handle:
        yield handle


@pytest.fixture
def client(sqs: MockSQS) -> Any:
    return boto3.client("sqs", region_name=REGION)


@pytest.fixture
def shop(client: Any) -> OrderSystem:
    """The fixed design: payment events fan out to InventoryQueue and NotificationQueue."""
    return OrderSystem.build(client)


def outcomes(handled: list[Handled]) -> list[tuple[str | None, Outcome, int]]:
    return [(item.order_id, item.outcome, item.receive_count) for item in handled]


def test_happy_path_end_to_end(sqs: MockSQS, shop: OrderSystem) -> None:
    for order in ORDERS[:2]:
        shop.orders.place(order)

    # Looking into the queue receives nothing: no receive count, nothing in flight.
    order_queue = sqs.queue(ORDER_QUEUE)
    assert [json.loads(body) for body in order_queue.bodies()] == [
        {"order_id": "A-1", "customer_email": "alice@example.com", "items": {"widget": 2},
         "amount_cents": 1998},
        {"order_id": "A-2", "customer_email": "bob@example.com", "items": {"gadget": 1},
         "amount_cents": 2499},
    ]  # fmt: skip
    assert [m.receive_count for m in order_queue.visible] == [0, 0]
    assert order_queue.in_flight == ()

    assert outcomes(shop.payment.poll_once()) == [
        ("A-1", Outcome.PROCESSED, 1),
        ("A-2", Outcome.PROCESSED, 1),
    ]
    assert order_queue.messages == ()
    assert shop.gateway.charges == {"A-1": 1998, "A-2": 2499}
    for name in (INVENTORY_QUEUE, NOTIFICATION_QUEUE):
        events = [PaymentEvent.from_json(body) for body in sqs.queue(name).bodies()]
        assert [(e.order_id, e.payment_id) for e in events] == [
            ("A-1", "pay-A-1"),
            ("A-2", "pay-A-2"),
        ]

    assert outcomes(shop.inventory.poll_once()) == [
        ("A-1", Outcome.PROCESSED, 1),
        ("A-2", Outcome.PROCESSED, 1),
    ]
    assert shop.inventory.stock == {"widget": 8, "gadget": 4}
    shop.notification.poll_once()
    assert [(email.to, email.subject) for email in shop.notification.outbox] == [
        ("alice@example.com", "Order A-1 confirmed: 19.98 paid"),
        ("bob@example.com", "Order A-2 confirmed: 24.99 paid"),
    ]
    assert all(view.messages == () for view in sqs.queues())


def test_failed_payment_is_redelivered_after_the_visibility_timeout(
    sqs: MockSQS, shop: OrderSystem
) -> None:
    message_id = shop.orders.place(ORDERS[0])
    shop.gateway.fail_next("A-1")

    (failed,) = shop.payment.poll_once()
    assert (failed.order_id, failed.outcome, failed.receive_count) == ("A-1", Outcome.RETRY, 1)
    assert failed.reason == "gateway timed out charging A-1"
    # Not deleted: it is in flight, hidden until the visibility timeout ends.
    order_queue = sqs.queue(ORDER_QUEUE)
    (in_flight,) = order_queue.in_flight
    assert in_flight.message_id == message_id
    assert in_flight.receive_count == 1
    assert in_flight.visible_at == in_flight.sent_at + timedelta(seconds=VISIBILITY_TIMEOUT_S)
    assert not order_queue.visible
    assert shop.gateway.charges == {}
    assert sqs.queue(INVENTORY_QUEUE).messages == ()

    sqs.advance(VISIBILITY_TIMEOUT_S - 1)
    assert len(order_queue.in_flight) == 1
    sqs.advance(1)
    assert [m.message_id for m in order_queue.visible] == [message_id]

    assert outcomes(shop.payment.poll_once()) == [("A-1", Outcome.PROCESSED, 2)]
    assert [entry.event for entry in order_queue.history(message_id)] == [
        "sent",
        "received",
        "visible again",
        "received",
        "deleted",
    ]
    assert shop.gateway.charges == {"A-1": 1998}
    assert outcomes(shop.inventory.poll_once()) == [("A-1", Outcome.PROCESSED, 1)]


def test_long_poll_wakes_up_when_a_failed_message_becomes_visible_again(
    sqs: MockSQS, shop: OrderSystem
) -> None:
    shop.orders.place(ORDERS[0])
    shop.gateway.fail_next("A-1")
    shop.payment.poll_once()
    sqs.advance(15)

    before = sqs.clock.now()
    handled = shop.payment.poll_once()  # waits up to 20 s; the message is back after 15

    assert outcomes(handled) == [("A-1", Outcome.PROCESSED, 2)]
    assert sqs.clock.now() - before == VISIBILITY_TIMEOUT_S - 15


def test_long_poll_on_an_empty_queue_returns_at_once_in_real_time(
    sqs: MockSQS, shop: OrderSystem
) -> None:
    before, started = sqs.clock.now(), time.perf_counter()

    handled = shop.inventory.poll_once()

    real_s = time.perf_counter() - started
    assert handled == []
    assert sqs.clock.now() - before == WAIT_TIME_S == 20
    assert real_s < 0.5


def pump(services: Iterator[Any], queue: Any) -> None:
    """Let services take turns receiving until ``queue`` has nothing visible."""
    while queue.visible:
        next(services).poll_once()


@pytest.mark.parametrize("max_messages", [1, 10], ids=["one-at-a-time", "batches-of-10"])
def test_seed_design_shared_queue_gives_each_payment_to_only_one_service(
    sqs: MockSQS, client: Any, max_messages: int
) -> None:
    shop = OrderSystem.build(client, shared_payment_queue=True, max_messages=max_messages)
    for order in ORDERS:
        shop.orders.place(order)
    pump(itertools.repeat(shop.payment), sqs.queue(ORDER_QUEUE))
    payments = sqs.queue(PAYMENT_QUEUE)
    assert len(payments.visible) == len(ORDERS)  # one event per payment, for two services

    pump(itertools.cycle([shop.inventory, shop.notification]), payments)

    stocked, notified = shop.inventory.orders, shop.notification.orders
    assert set(stocked).isdisjoint(notified)  # no payment reached both services
    assert sorted(stocked + notified) == ORDER_IDS  # every payment reached exactly one
    # Whoever lost the race lost the work for good: the events were deleted, nothing
    # comes back, however long we wait.
    sqs.advance(3600)
    assert payments.messages == ()
    confirmed = {email.to for email in shop.notification.outbox}
    never_confirmed = [o.order_id for o in ORDERS if o.customer_email not in confirmed]
    assert never_confirmed == stocked


def test_fan_out_gives_every_payment_to_both_services(sqs: MockSQS, shop: OrderSystem) -> None:
    for order in ORDERS:
        shop.orders.place(order)
    pump(itertools.repeat(shop.payment), sqs.queue(ORDER_QUEUE))
    assert len(sqs.queue(INVENTORY_QUEUE).visible) == len(ORDERS)
    assert len(sqs.queue(NOTIFICATION_QUEUE).visible) == len(ORDERS)

    # Even taking turns, as in the seed's design: each service has its own queue.
    for queue in (INVENTORY_QUEUE, NOTIFICATION_QUEUE):
        pump(itertools.cycle([shop.inventory, shop.notification]), sqs.queue(queue))

    assert sorted(shop.inventory.orders) == ORDER_IDS
    assert sorted(shop.notification.orders) == ORDER_IDS
    assert shop.inventory.stock == {"widget": 4, "gadget": 3}
    assert sorted(email.to for email in shop.notification.outbox) == sorted(
        order.customer_email for order in ORDERS
    )
    assert all(view.messages == () for view in sqs.queues())


MARKER = "{marker}"
POISON_BODIES = {
    "python-expression": f"__import__('pathlib').Path({MARKER!r}).touch()",
    "garbled-json": '{"order_id": "A-9", "items": ',
    "json-not-an-object": '["A-9", 1998]',
    "json-wrong-types": '{"order_id": 9, "customer_email": "x@example.com", "items": {},'
    ' "amount_cents": "lots"}',
}


@pytest.mark.parametrize("template", POISON_BODIES.values(), ids=POISON_BODIES.keys())
def test_poison_message_is_not_executed_and_does_not_stop_the_service(
    sqs: MockSQS, client: Any, shop: OrderSystem, tmp_path: Path, template: str
) -> None:
    marker = tmp_path / "hacked"
    poison = template.replace(MARKER, str(marker))
    client.send_message(QueueUrl=shop.urls.orders, MessageBody=poison)
    shop.orders.place(ORDERS[0])

    handled = shop.payment.poll_once()

    assert not marker.exists()
    assert sorted((h.order_id, h.outcome) for h in handled if h.order_id) == [
        ("A-1", Outcome.PROCESSED)
    ]
    (rejected,) = [h for h in handled if h.order_id is None]
    assert rejected.outcome is Outcome.DEAD_LETTERED
    # Kept for a human, with the reason; gone from OrderQueue so it never comes back.
    (dead,) = sqs.queue(DEAD_LETTER_QUEUE).messages
    assert dead.body == poison
    assert dead.message_attributes["Reason"]["StringValue"] == rejected.reason
    assert dead.message_attributes["SourceQueue"]["StringValue"] == shop.urls.orders
    sqs.advance(VISIBILITY_TIMEOUT_S)
    assert sqs.queue(ORDER_QUEUE).messages == ()
    assert [PaymentEvent.from_json(b).order_id for b in sqs.queue(INVENTORY_QUEUE).bodies()] == [
        "A-1"
    ]


def test_the_python_expression_payload_is_live(tmp_path: Path) -> None:
    """Proves the poison test above means something: the seed's eval() runs the body."""
    marker = tmp_path / "hacked"
    eval(POISON_BODIES["python-expression"].replace(MARKER, str(marker)))
    assert marker.exists()


def test_poison_payment_event_is_dead_lettered_by_the_downstream_services(
    sqs: MockSQS, client: Any, shop: OrderSystem
) -> None:
    for url in shop.urls.payment_events:
        client.send_message(QueueUrl=url, MessageBody="not json")

    assert [h.outcome for h in shop.inventory.poll_once()] == [Outcome.DEAD_LETTERED]
    assert [h.outcome for h in shop.notification.poll_once()] == [Outcome.DEAD_LETTERED]
    assert sqs.queue(DEAD_LETTER_QUEUE).bodies() == ["not json", "not json"]
    assert shop.inventory.stock == {"widget": 10, "gadget": 5}
    assert shop.notification.outbox == []


@mock_sqs(clock="manual")
def test_a_payment_delivered_twice_takes_stock_once() -> None:
    """Standard queues deliver at least once; the inventory must not count twice."""
    client = boto3.client("sqs", region_name=REGION)
    urls = setup_queues(client)
    inventory = InventoryService(
        client, urls.inventory, {"widget": 10}, dead_letter_url=urls.dead_letter
    )
    event = PaymentEvent("A-1", "pay-A-1", "alice@example.com", {"widget": 2}, 1998).to_json()
    for _ in range(2):
        client.send_message(QueueUrl=urls.inventory, MessageBody=event)

    assert outcomes(inventory.poll_once()) == [
        ("A-1", Outcome.PROCESSED, 1),
        ("A-1", Outcome.DUPLICATE, 1),
    ]
    assert inventory.stock == {"widget": 8}
    attributes = client.get_queue_attributes(
        QueueUrl=urls.inventory, AttributeNames=["ApproximateNumberOfMessages"]
    )["Attributes"]
    assert attributes == {"ApproximateNumberOfMessages": "0"}


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)


@given(body=st.text() | json_values.map(json.dumps))
def test_decoding_any_body_either_succeeds_or_raises_invalid_message(body: str) -> None:
    for decode in (Order.from_json, PaymentEvent.from_json):
        with contextlib.suppress(InvalidMessage):
            decode(body)


def test_order_survives_the_round_trip_through_json() -> None:
    assert [Order.from_json(order.to_json()) for order in ORDERS] == ORDERS


def test_the_demo_tells_the_whole_story(capsys: pytest.CaptureFixture[str]) -> None:
    demo.main()

    out = capsys.readouterr().out
    for expected in (
        "OrderQueue inspected without receiving: 3 visible, 0 in flight, receive counts [0, 0, 0]",
        "A-1002 FAILED (gateway timed out charging A-1002), not deleted",
        "sqs.advance(30): 30 simulated seconds passed in",
        "A-1002 processed on redelivery, ApproximateReceiveCount 2",
        "sent @0s, received @0s, visible again @30s, received @30s, deleted @30s",
        "3 confirmations",
        "poison message rejected to the dead-letter queue; A-1004 processed",
        "long poll (WaitTimeSeconds=20) on empty InventoryQueue: [] after 20 simulated s",
        "each payment reached only ONE service",
        # 3 orders, the poison and A-1004 sent; A-1002 received twice; the poison was
        # rejected by hand to the dead-letter queue and deleted.
        "OrderQueue sent 5, received 6, deleted 5; OrderDeadLetterQueue depth 1",
    ):
        assert expected in out
    assert len(out.splitlines()) <= 40
