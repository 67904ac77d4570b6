"""Helpers for the plugin's own tests: an inner pytest session as a user would run it.

The inner session loads pytest-sqs through its ``pytest11`` entry point (or, from a
checkout where the package is not installed, through ``-p pytest_sqs.plugin``), reads
only the ini file written here, and can never reach the network: sending an HTTP request
raises :class:`NetworkTouched` instead.
"""

from __future__ import annotations

import re
from importlib.metadata import entry_points
from typing import Any

import botocore.httpsession
import pytest

PLUGIN_INSTALLED = any(ep.value == "pytest_sqs.plugin" for ep in entry_points(group="pytest11"))

# Word for word what a blocked SQS request raises (UnmockedRequestError).
UNMOCKED = (
    "An SQS request to {url} was made outside any mock; pytest-sqs stopped it so that no "
    "test reaches AWS. Use the `sqs` fixture, mark the test with @pytest.mark.sqs, or wrap "
    "the code in `with pytest_sqs.mock_sqs():`. To let tests reach a real SQS endpoint, set "
    "`sqs_block_unmocked = false` in your pytest configuration."
)

DEFAULT_HEADER = (
    "pytest-sqs: region=us-east-1, account=123456789012, clock=wall, "
    "long_poll=fast-forward, chaos=off, block_unmocked=on"
)

_AWS_VARIABLES = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_DEFAULT_REGION",
    "AWS_REGION",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_SQS",
)


class NetworkTouched(Exception):
    """An inner test sent a real HTTP request (it must never happen)."""


def _refuse_network(session: Any, request: Any) -> Any:
    raise NetworkTouched(f"an HTTP request was about to be sent to {request.url}")


def prepare(
    pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    *,
    credentials: bool = True,
    **ini: str,
) -> pytest.Pytester:
    """Get ``pytester`` ready for an inner session with these ``sqs_*`` ini options.

    The AWS environment is emptied (no region, profile or endpoint) and, if
    ``credentials``, holds an outer access key pair so that the inner tests can tell the
    plugin's fake credentials from the user's.  Configuration files point nowhere and
    instance metadata is off, so no credential lookup leaves the machine.
    """
    for name in _AWS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    if credentials:
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "outer-key")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "outer-secret")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(pytester.path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(pytester.path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    # In-process sessions share this process: make sure nothing they do goes out.
    monkeypatch.setattr(botocore.httpsession.URLLib3Session, "send", _refuse_network)
    write_ini(pytester, **ini)
    return pytester


def write_ini(pytester: pytest.Pytester, **options: str) -> None:
    """An ini file for the inner session (always one, so no outer config is found)."""
    lines = ["[pytest]"]
    if "asyncio_default_fixture_loop_scope" not in options:  # pytest-asyncio asks for it
        lines.append("asyncio_default_fixture_loop_scope = function")
    if not PLUGIN_INSTALLED:  # a checkout: load the plugin the way the entry point would
        lines.append("addopts = -p pytest_sqs.plugin")
    lines += [f"{name} = {value}" for name, value in options.items()]
    pytester.makeini("\n".join(lines) + "\n")


_RULE = re.compile(r"([_=-])\1+ (.+?) \1+")


def report_blocks(result: pytest.RunResult) -> list[tuple[str, str]]:
    """The terminal report cut at its rules (``____ title ____``, ``---- title ----``,
    ``==== title ====``): (title, text under it) in order."""
    blocks: list[tuple[str, list[str]]] = []
    for line in result.stdout.lines:
        match = _RULE.fullmatch(line)
        if match:
            blocks.append((match.group(2), []))
        elif blocks:
            blocks[-1][1].append(line)
    return [(title, "\n".join(lines).strip("\n")) for title, lines in blocks]


def report_block(result: pytest.RunResult, title: str, *, after: str | None = None) -> str:
    """The text under the first rule titled ``title`` (after the one titled ``after``)."""
    blocks = report_blocks(result)
    start = 0
    if after is not None:
        start = [t for t, _ in blocks].index(after) + 1
    for block_title, text in blocks[start:]:
        if block_title == title:
            return text
    raise AssertionError(f"no block {title!r} in the report:\n{result.stdout.str()}")
