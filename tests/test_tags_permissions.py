"""TagQueue / UntagQueue / ListQueueTags and AddPermission / RemovePermission through boto3
(sqs-behaviour.md §3.16, §9; /tmp/facts/queues.md §7, §8)."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import pytest
from _support import aws_error
from botocore.exceptions import ClientError

ACCOUNT = "123456789012"
ARN = f"arn:aws:sqs:us-east-1:{ACCOUNT}:test-queue"
FRIEND = "111111111111"
OTHER_FRIEND = "668614515564"

TOO_MANY_TAGS = "Too many tags added for queue test-queue."
KEY_LENGTH = "Tag keys must be between 1 and 128 characters in length."
VALUE_LENGTH = "Tag values must be between 0 and 256 characters in length."
KEY_CHARACTERS = (
    "Tag keys may only contain unicode letters, digits, whitespace, or one of these symbols: "
    "_ . : / = + - @"
)
VALUE_CHARACTERS = (
    "Tag values may only contain unicode letters, digits, whitespace, or one of these symbols: "
    "_ . : / = + - @"
)
SHAREABLE = [
    "*",
    "ChangeMessageVisibility",
    "DeleteMessage",
    "GetQueueAttributes",
    "GetQueueUrl",
    "ListDeadLetterSourceQueues",
    "PurgeQueue",
    "ReceiveMessage",
    "SendMessage",
]
OWNER_ONLY = [
    "AddPermission",
    "CancelMessageMoveTask",
    "CreateQueue",
    "DeleteQueue",
    "ListMessageMoveTasks",
    "ListQueueTags",
    "ListQueues",
    "RemovePermission",
    "SetQueueAttributes",
    "StartMessageMoveTask",
    "TagQueue",
    "UntagQueue",
]


def tags_of(client: Any, url: str) -> dict[str, str] | None:
    """The queue's tags, or None when ListQueueTags has no Tags key."""
    response = client.list_queue_tags(QueueUrl=url)
    return None if "Tags" not in response else dict(response["Tags"])


def policy_of(client: Any, url: str) -> str | None:
    response = client.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])
    return response.get("Attributes", {}).get("Policy")


def allow(client: Any, url: str, label: str, actions: list[str], accounts: list[str]) -> None:
    client.add_permission(QueueUrl=url, Label=label, AWSAccountIds=accounts, Actions=actions)


def statement(label: str, action: Any, principal: Any) -> dict[str, Any]:
    return {
        "Sid": label,
        "Effect": "Allow",
        "Principal": {"AWS": principal},
        "Action": action,
        "Resource": ARN,
    }


def default_policy(*statements: dict[str, Any]) -> str:
    """The policy AddPermission writes: compact JSON in AWS's key order (§9, AWS-rec)."""
    document = {
        "Version": "2008-10-17",
        "Id": f"{ARN}/SQSDefaultPolicy",
        "Statement": list(statements),
    }
    return json.dumps(document, separators=(",", ":"))


# -- tags ----------------------------------------------------------------------------------


def test_untagged_queue_has_no_tags_key(client: Any, queue_url: str) -> None:
    # AWS-rec.
    assert tags_of(client, queue_url) is None


def test_tag_queue_merges_and_overwrites(client: Any, queue_url: str) -> None:
    client.tag_queue(QueueUrl=queue_url, Tags={"team": "a", "cost": "1"})
    client.tag_queue(QueueUrl=queue_url, Tags={"team": "b", "env": ""})

    # AWS-rec: same key overwrites, empty values allowed.
    assert tags_of(client, queue_url) == {"team": "b", "cost": "1", "env": ""}


def test_tag_keys_are_case_sensitive(client: Any, queue_url: str) -> None:
    client.tag_queue(QueueUrl=queue_url, Tags={"MyTag": "upper", "mytag": "lower"})
    client.untag_queue(QueueUrl=queue_url, TagKeys=["MYTAG"])

    assert tags_of(client, queue_url) == {"MyTag": "upper", "mytag": "lower"}


def test_untag_queue_ignores_unknown_keys(client: Any, queue_url: str) -> None:
    client.tag_queue(QueueUrl=queue_url, Tags={"a": "1", "b": "2"})

    client.untag_queue(QueueUrl=queue_url, TagKeys=["a", "nope"])

    assert tags_of(client, queue_url) == {"b": "2"}


def test_untagging_the_last_tag_removes_the_tags_key(client: Any, queue_url: str) -> None:
    # AWS-rec.
    client.tag_queue(QueueUrl=queue_url, Tags={"a": "1"})

    client.untag_queue(QueueUrl=queue_url, TagKeys=["a"])

    assert tags_of(client, queue_url) is None


def test_tags_are_per_queue(client: Any, queue_url: str) -> None:
    other = client.create_queue(QueueName="other", tags={"owner": "other"})["QueueUrl"]
    client.tag_queue(QueueUrl=queue_url, Tags={"owner": "test"})

    assert tags_of(client, other) == {"owner": "other"}
    assert tags_of(client, queue_url) == {"owner": "test"}


def test_tag_queue_with_no_tags(client: Any, queue_url: str) -> None:
    # moto's text (facts §7); pins the catalogue.
    with aws_error("MissingParameter", "The request must contain the parameter Tags."):
        client.tag_queue(QueueUrl=queue_url, Tags={})


def test_untag_queue_with_no_keys(client: Any, queue_url: str) -> None:
    # Unconfirmed (moto answers `Tag keys must be between 1 and 128 ...`); pins the catalogue.
    with aws_error("MissingParameter", "The request must contain the parameter TagKeys."):
        client.untag_queue(QueueUrl=queue_url, TagKeys=[])


def test_fifty_tags_are_allowed_and_may_be_overwritten(client: Any, queue_url: str) -> None:
    fifty = {f"k{i}": "v" for i in range(50)}
    client.tag_queue(QueueUrl=queue_url, Tags=fifty)

    client.tag_queue(QueueUrl=queue_url, Tags={"k0": "new", "k49": "new"})

    assert tags_of(client, queue_url) == {**fifty, "k0": "new", "k49": "new"}


@pytest.mark.parametrize(
    ("existing", "added"),
    [(0, 51), (50, 1), (49, 2), (30, 21)],
)
def test_more_than_fifty_tags_are_refused(
    client: Any, queue_url: str, existing: int, added: int
) -> None:
    # The limit is enforced by emulators, the text is moto's (facts §7): pins the catalogue.
    before = {f"old{i}": "v" for i in range(existing)}
    if before:
        client.tag_queue(QueueUrl=queue_url, Tags=before)

    with aws_error("InvalidParameterValue", TOO_MANY_TAGS):
        client.tag_queue(QueueUrl=queue_url, Tags={f"new{i}": "v" for i in range(added)})
    assert (tags_of(client, queue_url) or {}) == before


@pytest.mark.parametrize(
    ("tags", "message"),
    [
        ({"": "v"}, KEY_LENGTH),
        ({"k" * 129: "v"}, KEY_LENGTH),
        ({"k": "v" * 257}, VALUE_LENGTH),
        ({"bad!key": "v"}, KEY_CHARACTERS),
        ({"k#": "v"}, KEY_CHARACTERS),
        ({"k": "bad*value"}, VALUE_CHARACTERS),
        ({"k": "a\x00"}, VALUE_CHARACTERS),
    ],
)
def test_malformed_tags_are_refused_and_change_nothing(
    client: Any, queue_url: str, tags: dict[str, str], message: str
) -> None:
    # Limits DOC; texts unconfirmed (facts §7): pins the catalogue.
    client.tag_queue(QueueUrl=queue_url, Tags={"kept": "1"})

    with aws_error("InvalidParameterValue", message):
        client.tag_queue(QueueUrl=queue_url, Tags={"fine": "ok", **tags})
    assert tags_of(client, queue_url) == {"kept": "1"}


def test_tags_may_use_letters_digits_whitespace_and_the_allowed_symbols(
    client: Any, queue_url: str
) -> None:
    tags = {
        "k" * 128: "v" * 256,
        "a b_c.d:e/f=g+h-i@j": "_ . : / = + - @",
        "ünïcödé 名前": "值 ü",
        "x": "",
    }

    client.tag_queue(QueueUrl=queue_url, Tags=tags)

    assert tags_of(client, queue_url) == tags


# -- AddPermission -------------------------------------------------------------------------


def test_add_permission_writes_aws_default_policy(client: Any, queue_url: str) -> None:
    # AWS-rec (test_sqs_permission_lifecycle): exact keys and order, Statement always a list.
    allow(client, queue_url, "crossaccountpermission", ["ReceiveMessage"], [FRIEND])

    assert policy_of(client, queue_url) == default_policy(
        statement("crossaccountpermission", "SQS:ReceiveMessage", f"arn:aws:iam::{FRIEND}:root")
    )


def test_add_permission_with_several_accounts_and_actions_writes_lists(
    client: Any, queue_url: str
) -> None:
    # Lists keep the request order (AWS-rec for principals in facts §4).
    allow(client, queue_url, "both", ["SendMessage", "ReceiveMessage"], [OTHER_FRIEND, FRIEND])

    assert policy_of(client, queue_url) == default_policy(
        statement(
            "both",
            ["SQS:SendMessage", "SQS:ReceiveMessage"],
            [f"arn:aws:iam::{OTHER_FRIEND}:root", f"arn:aws:iam::{FRIEND}:root"],
        )
    )


def test_add_permission_appends_statements(client: Any, queue_url: str) -> None:
    allow(client, queue_url, "first", ["SendMessage"], [FRIEND])
    allow(client, queue_url, "second", ["*"], [OTHER_FRIEND])

    assert policy_of(client, queue_url) == default_policy(
        statement("first", "SQS:SendMessage", f"arn:aws:iam::{FRIEND}:root"),
        statement("second", "SQS:*", f"arn:aws:iam::{OTHER_FRIEND}:root"),
    )


def test_add_permission_keeps_a_policy_set_by_the_user(client: Any, queue_url: str) -> None:
    # LocalStack and Eucalyptus (EMU, facts §8): the user's Version and Id stay.
    user = {
        "Version": "2012-10-17",
        "Id": "mine",
        "Statement": {"Sid": "own", "Effect": "Deny", "Principal": "*", "Action": "sqs:*"},
    }
    client.set_queue_attributes(QueueUrl=queue_url, Attributes={"Policy": json.dumps(user)})

    allow(client, queue_url, "added", ["SendMessage"], [FRIEND])

    assert json.loads(policy_of(client, queue_url) or "") == {
        "Version": "2012-10-17",
        "Id": "mine",
        "Statement": [
            user["Statement"],
            statement("added", "SQS:SendMessage", f"arn:aws:iam::{FRIEND}:root"),
        ],
    }


@pytest.mark.parametrize("action", SHAREABLE)
def test_every_shareable_action_can_be_granted(client: Any, queue_url: str, action: str) -> None:
    allow(client, queue_url, "one", [action], [FRIEND])

    assert json.loads(policy_of(client, queue_url) or "")["Statement"][0]["Action"] == (
        f"SQS:{action}"
    )


def test_duplicate_label_is_refused(client: Any, queue_url: str) -> None:
    allow(client, queue_url, "crossaccountpermission", ["ReceiveMessage"], [FRIEND])
    before = policy_of(client, queue_url)

    # AWS-rec: same label, different account.
    with aws_error(
        "InvalidParameterValue",
        "Value crossaccountpermission for parameter Label is invalid. Reason: Already exists.",
    ):
        allow(client, queue_url, "crossaccountpermission", ["SendMessage"], [OTHER_FRIEND])
    assert policy_of(client, queue_url) == before


@pytest.mark.parametrize("count", [8, 9])
def test_more_than_seven_actions_is_over_limit(client: Any, queue_url: str, count: int) -> None:
    # DOC: seven actions per statement; 403 and text from moto (facts §8).
    with aws_error(
        "OverLimit",
        f"{count} Actions were found, maximum allowed is 7.",
        status=403,
        shape="OverLimit",
    ):
        allow(client, queue_url, "many", SHAREABLE[:count], [FRIEND])
    assert policy_of(client, queue_url) is None


def test_seven_actions_are_allowed(client: Any, queue_url: str) -> None:
    allow(client, queue_url, "seven", SHAREABLE[:7], [FRIEND])

    actions = json.loads(policy_of(client, queue_url) or "")["Statement"][0]["Action"]
    assert actions == [f"SQS:{action}" for action in SHAREABLE[:7]]


@pytest.mark.parametrize("action", OWNER_ONLY)
def test_owner_only_actions_cannot_be_granted(client: Any, queue_url: str, action: str) -> None:
    # moto, Inqnuam, Eucalyptus agree (facts §8); unconfirmed on AWS.
    with aws_error(
        "InvalidParameterValue",
        f"Value SQS:{action} for parameter ActionName is invalid. Reason: Only the queue owner "
        "is allowed to invoke this action.",
    ):
        allow(client, queue_url, "owner", ["SendMessage", action], [FRIEND])
    assert policy_of(client, queue_url) is None


@pytest.mark.parametrize("action", ["FooBar", "sendmessage", "SendMessageBatch", ""])
def test_unknown_actions_cannot_be_granted(client: Any, queue_url: str, action: str) -> None:
    # LocalStack/Inqnuam text (facts §8), without LocalStack's stray trailing space.
    with aws_error(
        "InvalidParameterValue",
        f"Value SQS:{action} for parameter ActionName is invalid. Reason: Please refer to the "
        "appropriate WSDL for a list of valid actions.",
    ):
        allow(client, queue_url, "bad", [action], [FRIEND])
    assert policy_of(client, queue_url) is None


@pytest.mark.parametrize(
    ("label", "accounts", "actions", "parameter"),
    [
        ("", [FRIEND], ["SendMessage"], "Label"),
        ("l", [], ["SendMessage"], "AWSAccountIds"),
        ("l", [FRIEND], [], "Actions"),
    ],
)
def test_add_permission_needs_label_accounts_and_actions(
    client: Any,
    queue_url: str,
    label: str,
    accounts: list[str],
    actions: list[str],
    parameter: str,
) -> None:
    # Emulators disagree on these (facts §8); pins the catalogue.
    with aws_error("MissingParameter", f"The request must contain the parameter {parameter}."):
        allow(client, queue_url, label, actions, accounts)


@pytest.mark.parametrize("label", ["x" * 81, "has space", "dot.label", "a/b"])
def test_labels_are_names(client: Any, queue_url: str, label: str) -> None:
    # Eucalyptus only (facts §8); pins the catalogue.
    with aws_error(
        "InvalidParameterValue",
        "Label can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in "
        "length",
    ):
        allow(client, queue_url, label, ["SendMessage"], [FRIEND])


def test_label_of_80_characters(client: Any, queue_url: str) -> None:
    allow(client, queue_url, "L" * 80, ["SendMessage"], [FRIEND])

    assert json.loads(policy_of(client, queue_url) or "")["Statement"][0]["Sid"] == "L" * 80


def _twenty_statements(client: Any, url: str) -> None:
    for i in range(20):
        allow(client, url, f"s{i}", ["SendMessage"], [FRIEND])


def test_twenty_permissions_fit_in_a_policy(client: Any, queue_url: str) -> None:
    _twenty_statements(client, queue_url)

    labels = [s["Sid"] for s in json.loads(policy_of(client, queue_url) or "")["Statement"]]
    assert labels == [f"s{i}" for i in range(20)]


def test_a_twenty_first_permission_is_over_limit(client: Any, queue_url: str) -> None:
    _twenty_statements(client, queue_url)
    before = policy_of(client, queue_url)

    # AddPermission words it differently from SetQueueAttributes (EMU, Inqnuam).
    with aws_error(
        "OverLimit",
        "21 Statements were found, maximum allowed is 20.",
        status=403,
        shape="OverLimit",
    ):
        allow(client, queue_url, "s20", ["SendMessage"], [FRIEND])
    assert policy_of(client, queue_url) == before


# -- RemovePermission ----------------------------------------------------------------------


def test_remove_permission_keeps_the_other_statements(client: Any, queue_url: str) -> None:
    allow(client, queue_url, "first", ["SendMessage"], [FRIEND])
    allow(client, queue_url, "second", ["ReceiveMessage"], [FRIEND])

    client.remove_permission(QueueUrl=queue_url, Label="first")

    assert policy_of(client, queue_url) == default_policy(
        statement("second", "SQS:ReceiveMessage", f"arn:aws:iam::{FRIEND}:root")
    )


def test_removing_the_last_permission_removes_the_policy(client: Any, queue_url: str) -> None:
    # AWS-rec: GetQueueAttributes(Policy) then has no Attributes key at all.
    allow(client, queue_url, "only", ["SendMessage"], [FRIEND])

    client.remove_permission(QueueUrl=queue_url, Label="only")

    response = client.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["Policy"])
    assert "Attributes" not in response


def test_a_removed_label_can_be_added_again(client: Any, queue_url: str) -> None:
    allow(client, queue_url, "again", ["SendMessage"], [FRIEND])
    client.remove_permission(QueueUrl=queue_url, Label="again")

    allow(client, queue_url, "again", ["PurgeQueue"], [FRIEND])

    assert policy_of(client, queue_url) == default_policy(
        statement("again", "SQS:PurgeQueue", f"arn:aws:iam::{FRIEND}:root")
    )


@pytest.mark.parametrize("existing", [[], ["crossaccountpermission"]])
def test_remove_permission_with_an_unknown_label(
    client: Any, queue_url: str, existing: list[str]
) -> None:
    # AWS-rec after the policy was emptied; with a policy left it is pinned (moto says
    # `can't find label on existing policy.`).
    for label in existing:
        allow(client, queue_url, label, ["SendMessage"], [FRIEND])
    before = policy_of(client, queue_url)

    with aws_error(
        "InvalidParameterValue",
        "Value crossaccountpermission2 for parameter Label is invalid. Reason: can't find label.",
    ):
        client.remove_permission(QueueUrl=queue_url, Label="crossaccountpermission2")
    assert policy_of(client, queue_url) == before


def test_remove_permission_finds_statements_of_a_user_policy(client: Any, queue_url: str) -> None:
    user = {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "keep", "Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage"},
            {"Sid": "drop", "Effect": "Allow", "Principal": "*", "Action": "sqs:PurgeQueue"},
        ],
    }
    client.set_queue_attributes(QueueUrl=queue_url, Attributes={"Policy": json.dumps(user)})

    client.remove_permission(QueueUrl=queue_url, Label="drop")

    assert json.loads(policy_of(client, queue_url) or "") == {
        "Version": "2012-10-17",
        "Statement": [user["Statement"][0]],
    }


@pytest.mark.parametrize("operation", ["AddPermission", "RemovePermission"])
def test_permissions_on_any_stored_policy_answer_like_sqs(
    client: Any, queue_url: str, operation: str
) -> None:
    policy = '{"Version":"2012-10-17","Statement":[1]}'
    with contextlib.suppress(ClientError):  # refusing it is what AWS does (see attributes)
        client.set_queue_attributes(QueueUrl=queue_url, Attributes={"Policy": policy})

    try:
        if operation == "AddPermission":
            allow(client, queue_url, "after", ["SendMessage"], [FRIEND])
        else:
            client.remove_permission(QueueUrl=queue_url, Label="after")
    except ClientError as error:
        assert error.response["Error"]["Code"] == "InvalidParameterValue"
