"""The generated docs are current."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_sqs._fidelity import render

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_fidelity_page_matches_the_registry() -> None:
    assert (DOCS / "fidelity.md").read_text() == render(), (
        "regenerate with: python -m pytest_sqs._fidelity > docs/fidelity.md"
    )


def test_ci_runs_the_readme_test_command() -> None:
    root = DOCS.parent
    readme = (root / "README.md").read_text()
    ci = (root / ".ci" / "run").read_text()
    assert 'python3 -m pip install -e ".[dev]" && python3 -m pytest\n' in readme
    assert "\npython3 -m pytest\n" in ci


@pytest.mark.parametrize(
    "page", ["async.md", "chaos.md", "cookbook.md", "metrics.md", "plugin.md", "server.md"]
)
def test_snippets_are_taken_from_the_examples_that_run(page: str) -> None:
    cookbook = (DOCS / page).read_text()
    examples = "\n".join(p.read_text() for p in (DOCS / "examples").glob("test_*.py"))
    example_lines = {line.strip() for line in examples.splitlines()}
    blocks = cookbook.split("```python")[1:]
    snippets = [block.split("```")[0] for block in blocks if "# before" not in block]
    assert snippets
    for snippet in snippets:
        for line in snippet.strip().splitlines():
            assert line.strip() in example_lines, line
