"""The four services, as plain classes over a boto3 SQS client.

Each consumer has :meth:`Consumer.poll_once`: one long-polling receive, then each
message is processed and deleted. A message whose processing fails is *not* deleted,
so SQS delivers it again once its visibility timeout ends. A message that can never be
processed (not the expected JSON) is copied to the dead-letter queue and deleted, so
it neither runs nor blocks the others. Run ``poll_once`` in a loop in production; call
it step by step in tests.
"""

from __future__ import annotations

import enum
import logging
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from .messages import InvalidMessage, Order, PaymentEvent
from .queues import WAIT_TIME_S, SQSClient

logger = logging.getLogger(__name__)

Body = TypeVar("Body", Order, PaymentEvent)


class Outcome(enum.Enum):
    """What a consumer did with one message."""

    PROCESSED = "processed"
    DUPLICATE = "duplicate, skipped"  # standard queues deliver at least once
    RETRY = "failed, left for redelivery"
    DEAD_LETTERED = "rejected to the dead-letter queue"


@dataclass(frozen=True, slots=True)
class Handled:
    """One received message and what became of it."""

    message_id: str
    outcome: Outcome
    receive_count: int  # ApproximateReceiveCount: 1 on the first delivery
    order_id: str | None = None
    reason: str = ""


class OrderService:
    """Accepts orders and puts them on the order queue."""

    def __init__(self, client: SQSClient, order_queue_url: str) -> None:
        self.client = client
        self.order_queue_url = order_queue_url

    def place(self, order: Order) -> str:
        """Send ``order`` to the order queue; returns its SQS MessageId."""
        response = self.client.send_message(
            QueueUrl=self.order_queue_url, MessageBody=order.to_json()
        )
        return str(response["MessageId"])


class Consumer(ABC, Generic[Body]):
    """A service that receives from one queue.

    Args:
        client: a boto3 SQS client.
        queue_url: the queue to consume.
        dead_letter_url: where bodies that can never be processed are kept.
        wait_time_s: long-poll wait of each receive, seconds (0 to 20).
        max_messages: at most this many messages per receive (1 to 10).
    """

    def __init__(
        self,
        client: SQSClient,
        queue_url: str,
        *,
        dead_letter_url: str,
        wait_time_s: int = WAIT_TIME_S,
        max_messages: int = 10,
    ) -> None:
        self.client = client
        self.queue_url = queue_url
        self.dead_letter_url = dead_letter_url
        self.wait_time_s = wait_time_s
        self.max_messages = max_messages

    @abstractmethod
    def decode(self, body: str) -> Body:
        """The message a body holds; raises InvalidMessage if it can never be processed."""

    @abstractmethod
    def act(self, message: Body) -> Outcome:
        """Do the work: PROCESSED or DUPLICATE; raising means "retry later"."""

    def poll_once(self) -> list[Handled]:
        """Receive once (long polling) and handle what came; [] if nothing did."""
        response = self.client.receive_message(
            QueueUrl=self.queue_url,
            MaxNumberOfMessages=self.max_messages,
            WaitTimeSeconds=self.wait_time_s,
            MessageSystemAttributeNames=["ApproximateReceiveCount"],
        )
        return [self._handle(message) for message in response.get("Messages", [])]

    def _handle(self, message: Mapping[str, Any]) -> Handled:
        message_id = str(message["MessageId"])
        count = int(message.get("Attributes", {}).get("ApproximateReceiveCount", 0))
        decoded: Body | None = None
        try:
            decoded = self.decode(str(message["Body"]))
            outcome = self.act(decoded)
        except InvalidMessage as error:
            self._dead_letter(message, str(error))
            self._delete(message)
            logger.warning("dead-lettered message %s: %s", message_id, error)
            return Handled(message_id, Outcome.DEAD_LETTERED, count, reason=str(error))
        except Exception as error:
            # Keep consuming: not deleting is the retry, as SQS delivers the message
            # again when its visibility timeout ends.
            order_id = decoded.order_id if decoded is not None else None
            logger.warning("message %s failed (receive %d): %s", message_id, count, error)
            return Handled(message_id, Outcome.RETRY, count, order_id, str(error))
        self._delete(message)
        return Handled(message_id, outcome, count, decoded.order_id)

    def _delete(self, message: Mapping[str, Any]) -> None:
        self.client.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])

    def _dead_letter(self, message: Mapping[str, Any], reason: str) -> None:
        self.client.send_message(
            QueueUrl=self.dead_letter_url,
            MessageBody=str(message["Body"]),
            MessageAttributes={
                "SourceQueue": {"DataType": "String", "StringValue": self.queue_url},
                "Reason": {"DataType": "String", "StringValue": reason[:256]},
            },
        )


class PaymentFailed(RuntimeError):
    """The payment gateway could not charge an order (worth retrying)."""


@dataclass
class PaymentGateway:
    """A stand-in card processor: idempotent per order, and can be told to fail.

    ``charges`` maps each charged order id to its amount in cents.
    """

    charges: dict[str, int] = field(default_factory=dict)
    _failures: Counter[str] = field(default_factory=Counter)

    def fail_next(self, order_id: str, times: int = 1) -> None:
        """Make the next ``times`` charges of ``order_id`` fail."""
        self._failures[order_id] += times

    def charge(self, order_id: str, amount_cents: int) -> str:
        """Charge an order once (a repeat returns the same payment id); raises PaymentFailed."""
        if self._failures[order_id] > 0:
            self._failures[order_id] -= 1
            raise PaymentFailed(f"gateway timed out charging {order_id}")
        self.charges.setdefault(order_id, amount_cents)
        return f"pay-{order_id}"


class PaymentService(Consumer[Order]):
    """Charges each order, then publishes a payment event to every downstream queue.

    If publishing fails half-way the order is not deleted, so it is charged (again,
    idempotently) and published again on redelivery; downstream services skip duplicates.

    Args:
        client, order_queue_url, dead_letter_url: as for :class:`Consumer`.
        event_queue_urls: one queue per service that must see every payment (fan-out).
        gateway: who charges the card.
    """

    def __init__(
        self,
        client: SQSClient,
        order_queue_url: str,
        event_queue_urls: Iterable[str],
        gateway: PaymentGateway,
        **options: Any,
    ) -> None:
        super().__init__(client, order_queue_url, **options)
        self.event_queue_urls = tuple(event_queue_urls)
        self.gateway = gateway

    def decode(self, body: str) -> Order:
        return Order.from_json(body)

    def act(self, order: Order) -> Outcome:
        payment_id = self.gateway.charge(order.order_id, order.amount_cents)
        event = PaymentEvent.for_order(order, payment_id).to_json()
        for url in self.event_queue_urls:
            self.client.send_message(QueueUrl=url, MessageBody=event)
        return Outcome.PROCESSED


class InventoryService(Consumer[PaymentEvent]):
    """Takes paid items out of stock, once per order.

    Args:
        stock: units on hand per SKU (copied).
        other arguments: as for :class:`Consumer`.
    """

    def __init__(
        self, client: SQSClient, queue_url: str, stock: Mapping[str, int], **options: Any
    ) -> None:
        super().__init__(client, queue_url, **options)
        self.stock = dict(stock)
        self.orders: list[str] = []  # order ids whose stock was taken, in order

    def decode(self, body: str) -> PaymentEvent:
        return PaymentEvent.from_json(body)

    def act(self, event: PaymentEvent) -> Outcome:
        if event.order_id in self.orders:
            return Outcome.DUPLICATE
        for sku, quantity in event.items.items():
            self.stock[sku] = self.stock.get(sku, 0) - quantity
        self.orders.append(event.order_id)
        return Outcome.PROCESSED


@dataclass(frozen=True, slots=True)
class Email:
    to: str
    subject: str


class NotificationService(Consumer[PaymentEvent]):
    """Emails each customer a confirmation, once per order (``outbox`` holds them)."""

    def __init__(self, client: SQSClient, queue_url: str, **options: Any) -> None:
        super().__init__(client, queue_url, **options)
        self.outbox: list[Email] = []
        self.orders: list[str] = []  # order ids confirmed, in order

    def decode(self, body: str) -> PaymentEvent:
        return PaymentEvent.from_json(body)

    def act(self, event: PaymentEvent) -> Outcome:
        if event.order_id in self.orders:
            return Outcome.DUPLICATE
        subject = f"Order {event.order_id} confirmed: {event.amount_cents / 100:.2f} paid"
        self.outbox.append(Email(event.customer_email, subject))
        self.orders.append(event.order_id)
        return Outcome.PROCESSED
