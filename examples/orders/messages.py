"""The messages on the queues, as JSON, and their strict decoding.

The seed parsed bodies with ``eval()``: any body was run as Python. Here a body is
data: it is parsed as JSON and checked field by field, and anything else raises
:class:`InvalidMessage`, never executes.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any


class InvalidMessage(ValueError):
    """A message body that is not the JSON this service expects (a poison message)."""


@dataclass(frozen=True, slots=True)
class Order:
    """A customer's order.

    Args:
        order_id: unique id, e.g. "A-1001".
        customer_email: where the confirmation goes.
        items: quantity ordered per SKU.
        amount_cents: the total to charge, in cents.
    """

    order_id: str
    customer_email: str
    items: dict[str, int]
    amount_cents: int

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, body: str) -> Order:
        data = _load_object(body)
        return cls(
            order_id=_text(data, "order_id"),
            customer_email=_text(data, "customer_email"),
            items=_items(data),
            amount_cents=_count(data, "amount_cents"),
        )


@dataclass(frozen=True, slots=True)
class PaymentEvent:
    """Published once an order is paid: what Inventory and Notification act on."""

    order_id: str
    payment_id: str
    customer_email: str
    items: dict[str, int]
    amount_cents: int

    @classmethod
    def for_order(cls, order: Order, payment_id: str) -> PaymentEvent:
        return cls(
            order.order_id, payment_id, order.customer_email, order.items, order.amount_cents
        )

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, body: str) -> PaymentEvent:
        data = _load_object(body)
        return cls(
            order_id=_text(data, "order_id"),
            payment_id=_text(data, "payment_id"),
            customer_email=_text(data, "customer_email"),
            items=_items(data),
            amount_cents=_count(data, "amount_cents"),
        )


def _load_object(body: str) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        raise InvalidMessage(f"body is not JSON: {body[:60]!r}") from None
    if not isinstance(data, dict):
        raise InvalidMessage(f"body is not a JSON object: {body[:60]!r}")
    return data


def _text(data: dict[str, Any], name: str) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value:
        raise InvalidMessage(f"{name!r} must be a non-empty string, not {value!r}")
    return value


def _count(data: dict[str, Any], name: str) -> int:
    value = data.get(name)
    # bool is an int in Python; true is not an amount.
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidMessage(f"{name!r} must be a non-negative integer, not {value!r}")
    return value


def _items(data: dict[str, Any]) -> dict[str, int]:
    items = data.get("items")
    if not isinstance(items, dict) or not items:
        raise InvalidMessage(f"'items' must be a non-empty object, not {items!r}")
    for sku, quantity in items.items():
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity <= 0:
            raise InvalidMessage(f"quantity of {sku!r} must be a positive integer")
    return dict(items)
