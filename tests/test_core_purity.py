"""The simulation core imports nothing but the standard library (design §1, style habit 1)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest_sqs

PACKAGE_DIR = Path(pytest_sqs.__file__).parent

# Import ``_core`` as a top-level package, so that nothing of ``pytest_sqs`` (which
# does use botocore) is imported with it, then run real work through it.
PROBE = """
import sys
import _core
from _core.clock import ManualClock

sim = _core.SQSSimulator(clock=ManualClock(0), seed=1)
url = sim.handle("CreateQueue", {"QueueName": "q"})["QueueUrl"]
sim.handle("SendMessage", {"QueueUrl": url, "MessageBody": "x",
           "MessageAttributes": {"a": {"DataType": "String", "StringValue": "b"}}})
got = sim.handle("ReceiveMessage", {"QueueUrl": url, "MessageAttributeNames": ["All"]})
sim.handle("DeleteMessage", {"QueueUrl": url,
           "ReceiptHandle": got["Messages"][0]["ReceiptHandle"]})
try:
    sim.handle("GetQueueUrl", {"QueueName": "missing"})
except _core.SQSError:
    pass
third_party = sorted(
    name for name in sys.modules
    if name.split(".")[0] in {"botocore", "boto3", "pytest", "_pytest", "freezegun",
                              "hypothesis", "pytest_sqs", "time_machine", "urllib3"}
)
print(",".join(third_party))
"""


def test_core_runs_on_the_standard_library_alone() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-I",
            "-c",
            f"import sys; sys.path.insert(0, {str(PACKAGE_DIR)!r})\n" + PROBE,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
