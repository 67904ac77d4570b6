"""The whole pipeline wired together: queues, services and the payment gateway."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .queues import QueueUrls, SQSClient, setup_queues
from .services import (
    Handled,
    InventoryService,
    NotificationService,
    OrderService,
    PaymentGateway,
    PaymentService,
)

DEFAULT_STOCK: Mapping[str, int] = {"widget": 10, "gadget": 5}


@dataclass
class OrderSystem:
    """Every service of the example, over one SQS client."""

    urls: QueueUrls
    gateway: PaymentGateway
    orders: OrderService
    payment: PaymentService
    inventory: InventoryService
    notification: NotificationService

    @classmethod
    def build(
        cls,
        client: SQSClient,
        *,
        shared_payment_queue: bool = False,
        stock: Mapping[str, int] = DEFAULT_STOCK,
        max_messages: int = 10,
    ) -> OrderSystem:
        """Create the queues and the services.

        Args:
            client: a boto3 SQS client.
            shared_payment_queue: the seed's design (one PaymentQueue, two competing
                consumers) instead of the fan-out.
            stock: units on hand per SKU at the start.
            max_messages: MaxNumberOfMessages of every receive (the seed used 1).
        """
        urls = setup_queues(client, shared_payment_queue=shared_payment_queue)
        gateway = PaymentGateway()
        options = {"dead_letter_url": urls.dead_letter, "max_messages": max_messages}
        return cls(
            urls=urls,
            gateway=gateway,
            orders=OrderService(client, urls.orders),
            payment=PaymentService(client, urls.orders, urls.payment_events, gateway, **options),
            inventory=InventoryService(client, urls.inventory, stock, **options),
            notification=NotificationService(client, urls.notification, **options),
        )

    def run_once(self) -> list[Handled]:
        """Poll payment, then inventory, then notification once each."""
        return self.payment.poll_once() + self.inventory.poll_once() + self.notification.poll_once()
