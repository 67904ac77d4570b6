"""The server's admin API under ``/_pytest_sqs/``, and :class:`AdminClient` for it.

Tests whose code under test runs in another process use it to move the simulated
clock and to look at every queue and message without receiving anything.  Answers are
JSON; times are ISO 8601 UTC.  Routes (see docs/server.md):

    GET  health                                  the server is up
    GET  clock                                   now and the next event
    POST clock      {"advance": s} | {"move_to": t} | {"until": "next event"}
    GET  queues                                  every queue, with message counts
    GET  queues/<account>/<name>[?region=r]      one queue: attributes, messages by state
    GET  queues/<account>/<name>/messages/<id>   one message's history
    GET  calls[?action=A]                        the SQS calls answered so far
    POST reset                                   forget every queue and call
"""

from __future__ import annotations

import base64
import dataclasses
import json
import math
import re
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, quote, unquote, urlencode

from ._core.clock import to_epoch, to_seconds
from ._inspect import _utc

if TYPE_CHECKING:
    from ._inspect import MessageSnapshot, QueueView
    from ._server import SQSServer

PREFIX = "/_pytest_sqs/"


class AdminError(Exception):
    """The admin API refused a request (unknown queue, bad arguments)."""

    __module__ = "pytest_sqs"

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message


# -- the server side ------------------------------------------------------------------


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, dict):
        return {k: _json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    return value


def _message(snapshot: MessageSnapshot) -> dict[str, Any]:
    return {
        field.name: _json_value(getattr(snapshot, field.name))
        for field in dataclasses.fields(snapshot)
    }


_AWS_HOST = re.compile(r"\Ahttps://[^/]+")


def _local(url: str, base_url: str) -> str:
    """A simulator queue URL as the server hands it out."""
    return _AWS_HOST.sub(base_url, url)


def _summary(view: QueueView, base_url: str) -> dict[str, Any]:
    queue = view._queue()
    return {
        "name": view.name,
        "account_id": view.account_id,
        "region": view.region,
        "url": _local(queue.url, base_url),
        "arn": queue.arn,
        "fifo": queue.settings.fifo,
        "visible": queue.visible_count,
        "in_flight": queue.in_flight_count,
        "delayed": queue.delayed_count,
    }


def _detail(view: QueueView, base_url: str) -> dict[str, Any]:
    dlq = view.dlq
    detail = _summary(view, base_url)
    detail.update(
        attributes=view.attributes,
        tags=view.tags,
        dead_letter_queue=None if dlq is None else _local(dlq.url, base_url),
        messages={
            "visible": [_message(m) for m in view.visible],
            "in_flight": [_message(m) for m in view.in_flight],
            "delayed": [_message(m) for m in view.delayed],
        },
    )
    if view.fifo:
        detail["locked_groups"] = view.locked_groups
    return detail


def _clock(server: SQSServer) -> dict[str, Any]:
    nxt = server.next_event_at()
    return {
        "now": _utc(server.clock.now()).isoformat(),
        "epoch": server.clock.now(),
        "next_event_at": None if nxt is None else nxt.isoformat(),
    }


def _move_clock(server: SQSServer, request: Any) -> None:
    if not isinstance(request, dict) or len(request) != 1:
        raise AdminError(
            400, 'give one of {"advance": seconds}, {"move_to": time}, {"until": "next event"}'
        )
    ((how, value),) = request.items()
    if how == "advance":
        if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
            raise AdminError(400, "advance takes a number of seconds >= 0")  # NaN included
        _within_calendar(server.clock.now() + value)
        server.advance(value)
    elif how == "move_to":
        when: float | datetime
        if isinstance(value, str):
            try:
                when = datetime.fromisoformat(value)
            except ValueError:
                raise AdminError(400, f"move_to: not an ISO 8601 time: {value!r}") from None
        elif isinstance(value, int | float) and not isinstance(value, bool):
            when = float(value)
        else:
            raise AdminError(400, "move_to takes epoch seconds or an ISO 8601 time")
        target = to_epoch(when)
        if not target >= server.clock.now():  # NaN included
            raise AdminError(400, "move_to: the clock only moves forward")
        _within_calendar(target)
        server.move_to(when)
    elif how == "until" and value == "next event":
        if server.next_event_at() is None:
            raise AdminError(409, "nothing is due to happen in any queue")
        server.advance_until("next event")
    else:
        raise AdminError(400, f"unknown clock request {how!r}")


_NOT_JSON = b"\0"  # stands for a POST body of another content type
_LAST_SECOND = 253402300799.0  # 9999-12-31T23:59:59Z: times must stay printable


def _within_calendar(epoch: float) -> None:
    if not math.isfinite(epoch) or epoch > _LAST_SECOND:
        raise AdminError(400, "the clock cannot move past the year 9999")


def _json_body(body: bytes) -> Any:
    if body == _NOT_JSON:
        raise AdminError(415, "admin requests with a body must be sent as application/json")
    try:
        return json.loads(body or b"null")
    except ValueError:
        raise AdminError(400, "the body is not JSON") from None


def _route(
    server: SQSServer,
    method: str,
    parts: list[str],
    query: dict[str, list[str]],
    body: bytes,
    base_url: str,
) -> Any:
    def need(wanted: str) -> None:
        if method != wanted:
            raise AdminError(405, f"use {wanted} for /{'/'.join(parts)}")

    match parts:
        case ["health"]:
            need("GET")
            return {"status": "ok", "region": server.region, "account_id": server.account_id}
        case ["clock"]:
            if method == "POST":
                _move_clock(server, _json_body(body))
            else:
                need("GET")
            return _clock(server)
        case ["queues"]:
            need("GET")
            views = sorted(server.queues(), key=lambda v: v.url)
            return {"queues": [_summary(v, base_url) for v in views]}
        case ["queues", account_id, name, *rest]:
            need("GET")
            region = query.get("region", [server.region])[0]
            try:
                view = server.queue(name, account_id=account_id, region=region)
            except LookupError:
                urls = sorted(_local(q.url, base_url) for q in server.simulator.queues())
                raise AdminError(
                    404,
                    f"no queue named {name!r} in account {account_id}, region {region}. "
                    f"Queues that exist: {', '.join(urls) or '(none)'}",
                ) from None
            match rest:
                case []:
                    return _detail(view, base_url)
                case ["messages", message_id]:
                    try:
                        history = view.history(message_id)
                    except LookupError as error:
                        raise AdminError(404, str(error)) from None
                    return {"history": [_json_value(dataclasses.asdict(e)) for e in history]}
        case ["calls"]:
            need("GET")
            action = query.get("action", [None])[0]
            return {
                "calls": [
                    {
                        "action": c.action,
                        "at": c.at.isoformat(),
                        "error": c.error,
                        "params": _json_value(c.params),
                    }
                    for c in server.calls_to(action)
                ]
            }
        case ["reset"]:
            need("POST")
            _json_body(body)
            server.reset()
            return {"status": "reset"}
    raise AdminError(404, f"no admin route /{'/'.join(parts)}; see {PREFIX}health and the docs")


def handle(
    server: SQSServer,
    method: str,
    path: str,
    query: str,
    body: bytes,
    *,
    content_type: str,
    base_url: str,
) -> tuple[int, bytes]:
    """(status, JSON body) for one admin request."""
    parts = [unquote(p) for p in path[len(PREFIX.rstrip("/")) :].split("/") if p]
    try:
        if method == "POST" and not content_type.lower().startswith("application/json"):
            # Not a "simple" request a web page could send across origins unasked.
            body = _NOT_JSON
        answer = _route(server, method, parts, parse_qs(query), body, base_url)
        status = 200
    except AdminError as error:
        answer, status = {"error": error.message}, error.status
    except (OverflowError, ValueError) as error:
        answer, status = {"error": f"not a usable value: {error}"}, 400
    return status, json.dumps(answer, separators=(",", ":")).encode("utf-8")


# -- the client side ----------------------------------------------------------------


class AdminClient:
    """Time travel and inspection of a pytest-sqs server in another process.

    Args:
        endpoint_url: the server's endpoint, e.g. ``http://127.0.0.1:9324``.
        timeout: seconds to wait for each answer.
    """

    def __init__(self, endpoint_url: str, *, timeout: float = 10.0) -> None:
        self.endpoint_url = endpoint_url.rstrip("/")
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"<AdminClient {self.endpoint_url}>"

    def _request(self, method: str, route: str, payload: Any = None) -> Any:
        data = None if payload is None else json.dumps(payload).encode("utf-8")
        request = urllib.request.Request(
            self.endpoint_url + PREFIX + route,
            data=data,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            try:
                message = json.loads(error.read()).get("error", error.reason)
            except ValueError:
                message = str(error.reason)
            raise AdminError(error.code, message) from None

    def health(self) -> dict[str, Any]:
        """The server's region and account id; raises if it does not answer."""
        return dict(self._request("GET", "health"))

    def now(self) -> datetime:
        """The server's simulated time."""
        return datetime.fromisoformat(self._request("GET", "clock")["now"])

    def next_event_at(self) -> datetime | None:
        """When something next changes by itself in any queue, if anything will."""
        at = self._request("GET", "clock")["next_event_at"]
        return None if at is None else datetime.fromisoformat(at)

    def advance(self, seconds: float | timedelta) -> datetime:
        """Move the server's clock forward (seconds or a timedelta); returns the new time."""
        answer = self._request("POST", "clock", {"advance": to_seconds(seconds)})
        return datetime.fromisoformat(answer["now"])

    def move_to(self, when: float | datetime) -> datetime:
        """Move the server's clock forward to ``when`` (epoch seconds or datetime)."""
        value: Any = when.isoformat() if isinstance(when, datetime) else when
        return datetime.fromisoformat(self._request("POST", "clock", {"move_to": value})["now"])

    def advance_to_next_event(self) -> datetime:
        """Jump to the next moment something changes (a delay or visibility timeout ends...)."""
        answer = self._request("POST", "clock", {"until": "next event"})
        return datetime.fromisoformat(answer["now"])

    def queues(self) -> list[dict[str, Any]]:
        """Every queue: name, url, arn, fifo, and visible/in_flight/delayed counts."""
        return list(self._request("GET", "queues")["queues"])

    def queue(
        self, name: str, *, account_id: str | None = None, region: str | None = None
    ) -> dict[str, Any]:
        """One queue with its attributes and its messages by state."""
        account = account_id or self.health()["account_id"]
        route = f"queues/{quote(account)}/{quote(name)}"
        if region is not None:
            route += "?" + urlencode({"region": region})
        return dict(self._request("GET", route))

    def history(
        self, queue: str, message_id: str, *, account_id: str | None = None
    ) -> list[dict[str, Any]]:
        """What happened to one message: [{"at", "event", "detail"}, ...]."""
        account = account_id or self.health()["account_id"]
        route = f"queues/{quote(account)}/{quote(queue)}/messages/{quote(message_id)}"
        return list(self._request("GET", route)["history"])

    def calls(self, action: str | None = None) -> list[dict[str, Any]]:
        """The SQS calls the server answered, oldest first (optionally one action's)."""
        route = "calls" + ("?" + urlencode({"action": action}) if action else "")
        return list(self._request("GET", route)["calls"])

    def reset(self) -> None:
        """Forget every queue, message and call."""
        self._request("POST", "reset", {})
