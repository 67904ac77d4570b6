"""Generates ``docs/fidelity.md`` from the action registry: what is simulated, and how.

Run ``python -m pytest_sqs._fidelity > docs/fidelity.md``; a test keeps the page current.
"""

from __future__ import annotations

import inspect

import botocore.session

from ._core.actions import load


def render() -> str:
    """The fidelity page, as Markdown."""
    actions = load()
    model = botocore.session.get_session().get_service_model("sqs")
    lines = [
        "# Fidelity: what pytest-sqs simulates",
        "",
        "Generated from the action registry by `python -m pytest_sqs._fidelity`; do not",
        "edit by hand. Every behaviour listed is covered by tests that drive boto3.",
        "",
        "| Action | Simulated | How |",
        "| --- | --- | --- |",
    ]
    for operation in model.operation_names:
        fn = actions.get(operation)
        if fn is None:
            lines.append(f"| {operation} | not yet | raises `UnsupportedBySimulator` |")
            continue
        doc = " ".join((inspect.getdoc(fn) or "").split())
        lines.append(f"| {operation} | yes | {doc.replace('|', '/')} |")
    lines += [
        "",
        "FIFO queues are simulated as described in [fifo.md](fifo.md), dead-letter queues and",
        "message move tasks as described in [dead-letters.md](dead-letters.md).",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(render(), end="")
