"""A guided run of the order pipeline on simulated SQS: ``python -m examples.orders``.

Everything happens in-process under ``mock_sqs(clock="manual")``: no AWS account, no
network, no Docker, no sleeping. Simulated time moves only when the demo says so
(``sqs.advance``) or when a long poll finds an empty queue.
"""

from __future__ import annotations

import itertools
import time
from datetime import datetime, timedelta, timezone

import boto3

from pytest_sqs import MessageSnapshot, MockSQS, mock_sqs

from .app import OrderSystem
from .messages import Order
from .queues import DEAD_LETTER_QUEUE, ORDER_QUEUE, PAYMENT_QUEUE, VISIBILITY_TIMEOUT_S
from .services import Handled, Outcome

REGION = "us-east-1"
START = datetime(2030, 1, 1, tzinfo=timezone.utc)  # on a minute: the demo's first minute
POISON = "__import__('os').system('echo hacked')"

ORDERS = (
    Order("A-1001", "alice@example.com", {"widget": 2}, 1998),
    Order("A-1002", "bob@example.com", {"gadget": 1}, 2499),
    Order("A-1003", "carol@example.com", {"widget": 1, "gadget": 2}, 5997),
)


class Narrator:
    """Prints lines stamped with the simulated time since the mock started."""

    def __init__(self, sqs: MockSQS) -> None:
        self.sqs = sqs
        self.start = sqs.clock.now()

    def since_start(self, when: datetime | None = None) -> int:
        """Whole simulated seconds from the start to ``when`` (default: now)."""
        now = self.sqs.clock.now() if when is None else when.timestamp()
        return round(now - self.start)

    def say(self, text: str) -> None:
        print(f"[t={self.since_start():2d}s] {text}")


def describe(handled: list[Handled]) -> str:
    """One poll's outcomes, in a phrase."""

    def one(item: Handled) -> str:
        if item.outcome is Outcome.RETRY:
            return f"{item.order_id} FAILED ({item.reason}), not deleted"
        if item.outcome is Outcome.DEAD_LETTERED:
            return f"poison message {item.outcome.value}"
        return f"{item.order_id} {item.outcome.value}"

    return "; ".join(one(item) for item in handled) or "nothing"


def order_ids(messages: tuple[MessageSnapshot, ...]) -> list[str]:
    """The order ids in messages seen through a queue view."""
    return [Order.from_json(m.body).order_id for m in messages]


def fixed_design(session: boto3.session.Session) -> int:
    """The fan-out design: a failure and redelivery, poison, a long poll; simulated s."""
    with mock_sqs(clock="manual", start=START, region=REGION, seed=7) as sqs:
        client = session.client("sqs")
        shop = OrderSystem.build(client)
        n = Narrator(sqs)
        order_queue = sqs.queue(ORDER_QUEUE)

        ids = {order.order_id: shop.orders.place(order) for order in ORDERS}
        n.say(f"placed {len(ids)} orders: {', '.join(ids)}")
        n.say(
            f"OrderQueue inspected without receiving: {len(order_queue.visible)} visible, "
            f"{len(order_queue.in_flight)} in flight, receive counts "
            f"{[m.receive_count for m in order_queue.visible]}"
        )
        shop.gateway.fail_next("A-1002")
        n.say("payment gateway told to fail once for A-1002")
        n.say(f"payment poll: {describe(shop.payment.poll_once())}")
        (stuck,) = order_queue.in_flight
        n.say(
            f"OrderQueue: {len(order_queue.visible)} visible, in flight "
            f"{order_ids(order_queue.in_flight)} until t={n.since_start(stuck.visible_at)}s"
        )

        real = time.perf_counter()
        sqs.advance(VISIBILITY_TIMEOUT_S)
        real_ms = (time.perf_counter() - real) * 1000
        print(
            f"        sqs.advance({VISIBILITY_TIMEOUT_S}): {VISIBILITY_TIMEOUT_S} simulated "
            f"seconds passed in {real_ms:.2f} ms of real time"
        )
        n.say(f"OrderQueue: visible again {order_ids(order_queue.visible)}")
        (retried,) = shop.payment.poll_once()
        n.say(
            f"payment poll: {retried.order_id} {retried.outcome.value} on redelivery, "
            f"ApproximateReceiveCount {retried.receive_count}"
        )
        journal = ", ".join(
            f"{h.event} @{n.since_start(h.at)}s" for h in order_queue.history(ids["A-1002"])
        )
        n.say(f"A-1002's journal: {journal}")

        print("Fan-out: every payment event went to InventoryQueue AND NotificationQueue")
        n.say(f"inventory poll: {describe(shop.inventory.poll_once())}")
        print(f"        stock now {shop.inventory.stock} (was widget 10, gadget 5)")
        shop.notification.poll_once()
        emails = ", ".join(email.to for email in shop.notification.outbox)
        n.say(f"notification poll: {len(shop.notification.outbox)} confirmations: {emails}")

        print(f"Poison message on OrderQueue: {POISON}")
        client.send_message(QueueUrl=shop.urls.orders, MessageBody=POISON)
        shop.orders.place(Order("A-1004", "dan@example.com", {"widget": 1}, 999))
        n.say(f"payment poll: {describe(shop.payment.poll_once())}")
        print(
            f"        not executed (it is not JSON); {DEAD_LETTER_QUEUE} holds "
            f"{len(sqs.queue(DEAD_LETTER_QUEUE).messages)} message; the loop went on"
        )

        shop.inventory.poll_once()  # takes A-1004's event: InventoryQueue is now empty
        before, real = n.since_start(), time.perf_counter()
        got = shop.inventory.poll_once()
        real_ms = (time.perf_counter() - real) * 1000
        n.say(
            f"long poll (WaitTimeSeconds=20) on empty InventoryQueue: {got} after "
            f"{n.since_start() - before} simulated s, {real_ms:.2f} ms real"
        )

        sqs.advance(60)  # the first minute is over: CloudWatch has its datapoints
        n.say(f"CloudWatch AWS/SQS, first minute: {monitoring(session)}")
        return n.since_start()


def monitoring(session: boto3.session.Session) -> str:
    """What the seed's `aws cloudwatch get-metric-statistics` shows for the first minute."""
    cloudwatch = session.client("cloudwatch")

    def first_minute(queue: str, metric: str) -> int:
        answer = cloudwatch.get_metric_statistics(
            Namespace="AWS/SQS",
            MetricName=metric,
            Dimensions=[{"Name": "QueueName", "Value": queue}],
            StartTime=START,
            EndTime=START + timedelta(minutes=1),
            Period=60,
            Statistics=["Maximum"],
        )
        return int(answer["Datapoints"][0]["Maximum"])

    return (
        f"{ORDER_QUEUE} sent {first_minute(ORDER_QUEUE, 'NumberOfMessagesSent')}, "
        f"received {first_minute(ORDER_QUEUE, 'NumberOfMessagesReceived')}, "
        f"deleted {first_minute(ORDER_QUEUE, 'NumberOfMessagesDeleted')}; "
        f"{DEAD_LETTER_QUEUE} depth "
        f"{first_minute(DEAD_LETTER_QUEUE, 'ApproximateNumberOfMessagesVisible')} "
        "(a DLQ alarm would fire)"
    )


def seed_design(session: boto3.session.Session) -> int:
    """The seed's design: two services compete for one PaymentQueue; simulated s."""
    print(f"The seed's design: Inventory and Notification both consume one {PAYMENT_QUEUE}")
    with mock_sqs(clock="manual", region=REGION, seed=7) as sqs:
        # MaxNumberOfMessages=1, as in the seed.
        shop = OrderSystem.build(session.client("sqs"), shared_payment_queue=True, max_messages=1)
        n = Narrator(sqs)
        for order in ORDERS:
            shop.orders.place(order)
        while sqs.queue(ORDER_QUEUE).visible:
            shop.payment.poll_once()
        payments = sqs.queue(PAYMENT_QUEUE)
        n.say(f"{len(ORDERS)} orders paid: {len(payments.visible)} events on {PAYMENT_QUEUE}")
        services = itertools.cycle((shop.inventory, shop.notification))
        while payments.visible:  # the two services take turns, one message each
            next(services).poll_once()
        n.say(f"inventory got {shop.inventory.orders}, notification got {shop.notification.orders}")
        print(
            "        each payment reached only ONE service: stock never taken for "
            f"{[o.order_id for o in ORDERS if o.order_id not in shop.inventory.orders]}, "
            "no confirmation for "
            f"{[o.order_id for o in ORDERS if o.order_id not in shop.notification.orders]}"
        )
        return n.since_start()


def main() -> None:
    started = time.perf_counter()
    session = boto3.session.Session(region_name=REGION)  # one session: models load once
    print("pytest-sqs showcase: the order pipeline of seed.md, fixed, on a simulated clock")
    print("  OrderService -> OrderQueue -> PaymentService -> InventoryQueue + NotificationQueue")
    simulated = fixed_design(session) + seed_design(session)
    real_ms = (time.perf_counter() - started) * 1000
    print(f"Done: {simulated} simulated seconds in {real_ms:.0f} ms of real time.")


if __name__ == "__main__":
    main()
