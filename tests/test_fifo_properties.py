"""A model-based test of FIFO queues: random interleavings of sends, duplicate sends,
receives (some with a ReceiveRequestAttemptId), deletes, visibility changes and clock moves
on several message groups, checked against a small reference model (sqs-behaviour.md §5,
Appendix A).

What the model holds the simulator to:

- strict order: a receive returns, per group, a run of consecutive messages starting at
  the group's head (its oldest message not deleted), all of them visible; so no message is
  delivered while an earlier one of its group is in flight, and never out of send order;
- one receive takes each group's run whole, group after group, until MaxNumberOfMessages:
  it returns min(Max, everything receivable), so nothing receivable is held back or lost;
- a deleted message is never delivered again; a duplicate send adds nothing within 5 min;
- receipt handles follow Appendix A (current handle works, stale ones have expired,
  a deleted message's handle deletes again but cannot change visibility);
- a receive retried with its ReceiveRequestAttemptId within 5 minutes returns the same
  messages and handles and restarts their timeout, unless one of them was deleted, changed
  or received again since (then it is refused); later the id is forgotten;
- counters and the inspection view match the model after every step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)

from pytest_sqs import mock_sqs

REGION = "us-east-1"
GROUPS = ("g1", "g2", "g3")
QUEUE_VISIBILITY_S = 30
DEDUPLICATION_WINDOW_S = 300
ATTEMPT_WINDOW_S = 300
NOT_RETRYABLE = (
    "Value {} for parameter ReceiveRequestAttemptId is invalid. Reason: The "
    "receiveRequestAttemptId is not valid anymore since the receive call is not retryable."
)
EXPIRED = "Value {} for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired."
NOT_AVAILABLE = (
    "Value {} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not "
    "available for visibility timeout change."
)


@dataclass
class Modelled:
    """What the model knows of one sent message."""

    message_id: str
    group: str
    sequence_number: int
    visible_at: float  # visible when visible_at <= now
    receive_count: int = 0
    handle: str | None = None  # from the latest receive
    deleted: bool = False


@dataclass
class Attempt:
    """A receive made with a ReceiveRequestAttemptId: when, and what it returned."""

    at: float
    received: list[tuple[str, str]]  # (message id, receipt handle)
    spoiled: bool = False  # a message was deleted, changed or received again since


class FifoModel(RuleBasedStateMachine):
    handles = Bundle("handles")

    def __init__(self) -> None:
        super().__init__()
        self.mock = mock_sqs(clock="manual", region=REGION, seed=99).start()
        self.client = boto3.client("sqs", region_name=REGION)
        self.url = self.client.create_queue(
            QueueName="model.fifo",
            Attributes={"FifoQueue": "true", "VisibilityTimeout": str(QUEUE_VISIBILITY_S)},
        )["QueueUrl"]
        self.messages: dict[str, Modelled] = {}
        self.order: dict[str, list[str]] = {group: [] for group in GROUPS}  # send order
        self.first_sent: dict[str, tuple[float, str]] = {}  # dedup id -> (when, message id)
        self.owner: dict[str, str] = {}  # receipt handle -> message id
        self.attempts: dict[str, Attempt] = {}  # ReceiveRequestAttemptId -> what it got
        self.last_sequence = 0
        self.serial = 0

    def teardown(self) -> None:
        self.mock.stop()

    # -- helpers ------------------------------------------------------------------------

    def now(self) -> float:
        return self.mock.clock.now()

    def live(self, group: str) -> list[Modelled]:
        return [self.messages[i] for i in self.order[group] if not self.messages[i].deleted]

    def run(self, group: str) -> list[str]:
        """The messages one receive may take from the group: its visible head run."""
        taken = []
        for message in self.live(group):
            if message.visible_at > self.now():
                break
            taken.append(message.message_id)
        return taken

    def in_flight(self, message: Modelled) -> bool:
        return not message.deleted and message.visible_at > self.now()

    def accepted(self, dedup_id: str, group: str, response: dict[str, Any]) -> None:
        number = int(response["SequenceNumber"])
        assert number > self.last_sequence, "sequence numbers must increase in send order"
        self.last_sequence = number
        message_id = response["MessageId"]
        assert message_id not in self.messages
        self.messages[message_id] = Modelled(message_id, group, number, visible_at=self.now())
        self.order[group].append(message_id)
        self.first_sent[dedup_id] = (self.now(), message_id)

    def new_dedup_id(self) -> str:
        self.serial += 1
        return f"d{self.serial}"

    # -- rules --------------------------------------------------------------------------

    @rule(group=st.sampled_from(GROUPS))
    def send(self, group: str) -> None:
        dedup_id = self.new_dedup_id()
        response = self.client.send_message(
            QueueUrl=self.url,
            MessageBody=f"{group}-{dedup_id}",
            MessageGroupId=group,
            MessageDeduplicationId=dedup_id,
        )
        self.accepted(dedup_id, group, response)

    @rule(groups=st.lists(st.sampled_from(GROUPS), min_size=1, max_size=4))
    def send_batch(self, groups: list[str]) -> None:
        ids = [self.new_dedup_id() for _ in groups]
        response = self.client.send_message_batch(
            QueueUrl=self.url,
            Entries=[
                {
                    "Id": dedup_id,
                    "MessageBody": f"{group}-{dedup_id}",
                    "MessageGroupId": group,
                    "MessageDeduplicationId": dedup_id,
                }
                for dedup_id, group in zip(ids, groups, strict=True)
            ],
        )
        assert "Failed" not in response
        assert [entry["Id"] for entry in response["Successful"]] == ids
        for dedup_id, group, entry in zip(ids, groups, response["Successful"], strict=True):
            self.accepted(dedup_id, group, entry)

    @precondition(lambda self: bool(self.first_sent))
    @rule(data=st.data(), group=st.sampled_from(GROUPS))
    def send_again(self, data: st.DataObject, group: str) -> None:
        """The same deduplication id again, in any group (the scope is the queue)."""
        dedup_id = data.draw(st.sampled_from(sorted(self.first_sent)))
        first_at, first_id = self.first_sent[dedup_id]
        response = self.client.send_message(
            QueueUrl=self.url,
            MessageBody="again",
            MessageGroupId=group,
            MessageDeduplicationId=dedup_id,
        )
        if self.now() - first_at < DEDUPLICATION_WINDOW_S:
            assert response["MessageId"] == first_id
            assert int(response["SequenceNumber"]) == self.messages[first_id].sequence_number
        else:
            self.accepted(dedup_id, group, response)

    @rule(
        target=handles,
        maximum=st.integers(1, 10),
        visibility=st.sampled_from([None, 0, 1, 5, 30]),
        attempt_id=st.sampled_from([None, None, "try-1", "try-2"]),
    )
    def receive(self, maximum: int, visibility: int | None, attempt_id: str | None) -> Any:
        params: dict[str, Any] = {"MaxNumberOfMessages": maximum}
        if visibility is not None:
            params["VisibilityTimeout"] = visibility
        if attempt_id is not None:
            params["ReceiveRequestAttemptId"] = attempt_id
        effective = QUEUE_VISIBILITY_S if visibility is None else visibility
        if attempt_id is not None:
            attempt = self.attempts.pop(attempt_id, None)
            if attempt is not None and self.now() < attempt.at + ATTEMPT_WINDOW_S:
                self.attempts[attempt_id] = attempt
                self.retry(attempt_id, attempt, params, effective)
                return multiple()
            # Unknown, or forgotten after 5 minutes: a fresh receive.
        runs = {group: self.run(group) for group in GROUPS}
        receivable = sum(len(run) for run in runs.values())
        got = self.client.receive_message(
            QueueUrl=self.url, MessageSystemAttributeNames=["All"], **params
        ).get("Messages", [])

        # Nothing receivable is held back, nothing more is returned.
        assert len(got) == min(maximum, receivable)
        # Per group, one block of consecutive messages from the head of its visible run;
        # every block but the last is the group's whole run.
        blocks: list[tuple[str, list[str]]] = []
        for message in got:
            group = message["Attributes"]["MessageGroupId"]
            if blocks and blocks[-1][0] == group:
                blocks[-1][1].append(message["MessageId"])
            else:
                assert group not in [g for g, _ in blocks], "a group's messages must be adjacent"
                blocks.append((group, [message["MessageId"]]))
        for index, (group, ids) in enumerate(blocks):
            run = runs[group]
            assert ids == run[: len(ids)], f"{group}: got {ids}, receivable in order {run}"
            if index < len(blocks) - 1 or len(got) < maximum:
                assert ids == run

        issued = []
        for message in got:
            modelled = self.messages[message["MessageId"]]
            assert not modelled.deleted
            self.touch(modelled)  # received again: earlier attempts can no longer be retried
            modelled.receive_count += 1
            modelled.visible_at = self.now() + effective
            modelled.handle = message["ReceiptHandle"]
            self.owner[modelled.handle] = modelled.message_id
            assert message["Attributes"]["ApproximateReceiveCount"] == str(modelled.receive_count)
            assert message["Attributes"]["SequenceNumber"] == str(modelled.sequence_number).zfill(
                20
            )
            issued.append(modelled.handle)
        if attempt_id is not None and got:
            self.attempts[attempt_id] = Attempt(
                self.now(), [(m["MessageId"], m["ReceiptHandle"]) for m in got]
            )
        return multiple(*issued)

    def retry(
        self, attempt_id: str, attempt: Attempt, params: dict[str, Any], visibility: int
    ) -> None:
        """A retry within 5 minutes: the same messages and handles, their visibility timeout
        restarted; refused once one of them was deleted, changed or received again."""
        if attempt.spoiled:
            with pytest.raises(ClientError) as info:
                self.client.receive_message(QueueUrl=self.url, **params)
            error = info.value.response["Error"]
            assert (error["Code"], error["Message"]) == (
                "InvalidParameterValue",
                NOT_RETRYABLE.format(attempt_id),
            )
            return
        got = self.client.receive_message(
            QueueUrl=self.url, MessageSystemAttributeNames=["All"], **params
        )["Messages"]
        assert [(m["MessageId"], m["ReceiptHandle"]) for m in got] == attempt.received
        for message in got:
            modelled = self.messages[message["MessageId"]]
            assert message["Attributes"]["ApproximateReceiveCount"] == str(modelled.receive_count)
            modelled.visible_at = self.now() + visibility

    def touch(self, message: Modelled) -> None:
        for attempt in self.attempts.values():
            if any(message_id == message.message_id for message_id, _ in attempt.received):
                attempt.spoiled = True

    @rule(handle=handles)
    def delete(self, handle: str) -> None:
        message = self.messages[self.owner[handle]]
        current = message.handle == handle and self.in_flight(message)
        if message.deleted or current:
            self.client.delete_message(QueueUrl=self.url, ReceiptHandle=handle)
            self.touch(message)
            message.deleted = True
        else:
            self.expect_error(EXPIRED.format(handle), "delete", handle)

    def current_handles(self) -> list[str]:
        return sorted(m.handle for m in self.messages.values() if m.handle and self.in_flight(m))

    @precondition(lambda self: bool(self.current_handles()))
    @rule(data=st.data())
    def delete_in_flight(self, data: st.DataObject) -> None:
        """Random handles are mostly stale: this picks a current one."""
        self.delete(data.draw(st.sampled_from(self.current_handles())))

    @precondition(lambda self: bool(self.current_handles()))
    @rule(data=st.data(), visibility=st.sampled_from([0, 1, 10, 45]))
    def change_visibility_in_flight(self, data: st.DataObject, visibility: int) -> None:
        self.change_visibility(data.draw(st.sampled_from(self.current_handles())), visibility)

    @rule(handle=handles, visibility=st.sampled_from([0, 1, 10, 45]))
    def change_visibility(self, handle: str, visibility: int) -> None:
        message = self.messages[self.owner[handle]]
        if message.deleted:
            self.expect_error(NOT_AVAILABLE.format(handle), "change", handle)
        elif message.handle == handle and self.in_flight(message):
            self.client.change_message_visibility(
                QueueUrl=self.url, ReceiptHandle=handle, VisibilityTimeout=visibility
            )
            message.visible_at = self.now() + visibility
            self.touch(message)
        else:
            self.expect_error(EXPIRED.format(handle), "change", handle)

    def expect_error(self, text: str, action: str, handle: str) -> None:
        with pytest.raises(ClientError) as info:
            if action == "delete":
                self.client.delete_message(QueueUrl=self.url, ReceiptHandle=handle)
            else:
                self.client.change_message_visibility(
                    QueueUrl=self.url, ReceiptHandle=handle, VisibilityTimeout=10
                )
        error = info.value.response["Error"]
        assert (error["Code"], error["Message"]) == ("InvalidParameterValue", text)

    @rule(seconds=st.sampled_from([1, 4, 5, 10, 29, 30, 31, 60, 150, 300]))
    def advance(self, seconds: int) -> None:
        self.mock.advance(seconds)

    # -- invariants ---------------------------------------------------------------------

    @invariant()
    def counters_match_the_model(self) -> None:
        live = [m for m in self.messages.values() if not m.deleted]
        flying = sum(1 for m in live if self.in_flight(m))
        attributes = self.client.get_queue_attributes(
            QueueUrl=self.url,
            AttributeNames=[
                "ApproximateNumberOfMessages",
                "ApproximateNumberOfMessagesNotVisible",
                "ApproximateNumberOfMessagesDelayed",
            ],
        )["Attributes"]
        assert attributes == {
            "ApproximateNumberOfMessages": str(len(live) - flying),
            "ApproximateNumberOfMessagesNotVisible": str(flying),
            "ApproximateNumberOfMessagesDelayed": "0",
        }

    @invariant()
    def the_view_matches_the_model(self) -> None:
        view = self.mock.queue(self.url)
        expected_groups = {
            group: [m.message_id for m in self.live(group)] for group in GROUPS if self.live(group)
        }
        groups = view.groups
        assert {g: [m.message_id for m in ms] for g, ms in groups.items()} == expected_groups
        for group, snapshots in groups.items():
            for snapshot in snapshots:
                modelled = self.messages[snapshot.message_id]
                expected_state = "in_flight" if self.in_flight(modelled) else "visible"
                assert (snapshot.state, snapshot.receive_count) == (
                    expected_state,
                    modelled.receive_count,
                ), f"{group}: {snapshot.message_id}"
        assert view.locked_groups == {
            group: ids[0]
            for group, ids in expected_groups.items()
            if self.in_flight(self.messages[ids[0]])
        }


def test_random_programs_keep_each_group_in_order_and_lose_nothing() -> None:
    run_state_machine_as_test(FifoModel, settings=settings(stateful_step_count=40))
