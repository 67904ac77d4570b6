"""The queues and how they are created."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SQSClient = Any  # a boto3 SQS client; typed loosely to need no stub package

ORDER_QUEUE = "OrderQueue"
PAYMENT_QUEUE = "PaymentQueue"  # the seed's single queue, shared by two services
INVENTORY_QUEUE = "InventoryQueue"
NOTIFICATION_QUEUE = "NotificationQueue"
DEAD_LETTER_QUEUE = "OrderDeadLetterQueue"

VISIBILITY_TIMEOUT_S = 30
"""How long a received message stays hidden; longer than any service takes to handle one."""

WAIT_TIME_S = 20
"""Long polling: a receive waits up to this long for a message (the SQS maximum)."""


@dataclass(frozen=True, slots=True)
class QueueUrls:
    """Where each service reads or writes.

    In the seed's design ``inventory`` and ``notification`` are the same queue.
    """

    orders: str
    inventory: str
    notification: str
    dead_letter: str

    @property
    def payment_events(self) -> tuple[str, ...]:
        """Every queue a payment event is published to (one per consuming service)."""
        return tuple(dict.fromkeys((self.inventory, self.notification)))


def setup_queues(client: SQSClient, *, shared_payment_queue: bool = False) -> QueueUrls:
    """Create the queues (idempotent, as CreateQueue is) and return their URLs.

    Args:
        client: a boto3 SQS client.
        shared_payment_queue: build the seed's flawed design, where Inventory and
            Notification compete for one ``PaymentQueue``; default: one queue each.
    """

    def create(name: str) -> str:
        response = client.create_queue(
            QueueName=name,
            Attributes={
                "VisibilityTimeout": str(VISIBILITY_TIMEOUT_S),
                "ReceiveMessageWaitTimeSeconds": str(WAIT_TIME_S),
            },
        )
        return str(response["QueueUrl"])

    orders = create(ORDER_QUEUE)
    dead_letter = create(DEAD_LETTER_QUEUE)
    if shared_payment_queue:
        shared = create(PAYMENT_QUEUE)
        return QueueUrls(orders, shared, shared, dead_letter)
    return QueueUrls(orders, create(INVENTORY_QUEUE), create(NOTIFICATION_QUEUE), dead_letter)
