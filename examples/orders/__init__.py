"""The pytest-sqs showcase: an order pipeline on Amazon SQS, tested without AWS.

Order service -> ``OrderQueue`` -> Payment service -> ``InventoryQueue`` and
``NotificationQueue`` (a fan-out) -> Inventory and Notification services.

Run the demonstration with ``python -m examples.orders``; the tests are in
``test_orders.py``.
"""

from __future__ import annotations

import logging

from .app import OrderSystem
from .messages import InvalidMessage, Order, PaymentEvent
from .queues import QueueUrls, setup_queues
from .services import (
    Handled,
    InventoryService,
    NotificationService,
    OrderService,
    Outcome,
    PaymentFailed,
    PaymentGateway,
    PaymentService,
)

__all__ = [
    "Handled",
    "InvalidMessage",
    "InventoryService",
    "NotificationService",
    "Order",
    "OrderService",
    "OrderSystem",
    "Outcome",
    "PaymentEvent",
    "PaymentFailed",
    "PaymentGateway",
    "PaymentService",
    "QueueUrls",
    "setup_queues",
]

# A library logs, the application decides where to: silent unless logging is configured.
logging.getLogger(__name__).addHandler(logging.NullHandler())
