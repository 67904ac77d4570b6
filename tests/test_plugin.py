"""The pytest plugin, tested as users run it: a test file in a fresh pytest run."""

from __future__ import annotations

import os
from importlib.metadata import entry_points

import pytest

pytest_plugins = ["pytester"]


@pytest.fixture
def run(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """A pytester whose runs load pytest-sqs as an installed plugin would be loaded.

    Region and credentials are cleared so the inner tests see what the plugin gives them.
    """
    for name in ("AWS_DEFAULT_REGION", "AWS_REGION", "AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "outer-key")
    installed = any(ep.value == "pytest_sqs.plugin" for ep in entry_points(group="pytest11"))
    if not installed:  # running from a checkout: load it the way the entry point would
        pytester.makeini("[pytest]\naddopts = -p pytest_sqs.plugin\n")
    return pytester


def test_sqs_fixture_serves_boto3_and_is_fresh_per_test(run: pytest.Pytester) -> None:
    run.makepyfile(
        """
        import boto3
        from pytest_sqs import MockSQS

        def test_orders(sqs):
            assert isinstance(sqs, MockSQS)
            client = boto3.client("sqs")  # no region: the mock's default
            url = client.create_queue(QueueName="orders")["QueueUrl"]
            assert url == "https://sqs.us-east-1.amazonaws.com/123456789012/orders"
            client.send_message(QueueUrl=url, MessageBody="order-1")
            assert sqs.queue("orders").bodies() == ["order-1"]

        def test_starts_empty(sqs):
            assert boto3.client("sqs").list_queues().get("QueueUrls", []) == []
            assert sqs.queues() == []

        def test_time_travel(sqs):
            client = boto3.client("sqs")
            url = client.create_queue(QueueName="timed")["QueueUrl"]
            client.send_message(QueueUrl=url, MessageBody="again")
            client.receive_message(QueueUrl=url, VisibilityTimeout=30)
            assert client.receive_message(QueueUrl=url).get("Messages", []) == []
            sqs.advance(31)
            [message] = client.receive_message(QueueUrl=url)["Messages"]
            assert message["Body"] == "again"
        """
    )
    result = run.runpytest()
    result.assert_outcomes(passed=3)


def test_sqs_fixture_restores_the_environment_even_when_the_test_fails(
    run: pytest.Pytester,
) -> None:
    run.makepyfile(
        """
        import os

        def test_a_failing_test_using_sqs(sqs):
            assert os.environ["AWS_ACCESS_KEY_ID"] == "testing"
            raise AssertionError("the test failed")

        def test_after_it_the_environment_is_back():
            assert os.environ["AWS_ACCESS_KEY_ID"] == "outer-key"
            assert "AWS_DEFAULT_REGION" not in os.environ
        """
    )
    result = run.runpytest()
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*AssertionError: the test failed*"])
    assert os.environ["AWS_ACCESS_KEY_ID"] == "outer-key"


def test_mock_sqs_decorator_on_pytest_tests_and_test_cases(run: pytest.Pytester) -> None:
    run.makepyfile(
        """
        import unittest

        import boto3
        import pytest

        from pytest_sqs import mock_sqs

        @pytest.fixture
        def queue_name():
            return "from-a-fixture"

        @mock_sqs
        def test_decorated_test_still_gets_its_fixtures(queue_name, tmp_path):
            client = boto3.client("sqs", region_name="us-east-1")
            client.create_queue(QueueName=queue_name)
            assert client.list_queues()["QueueUrls"] == [
                "https://sqs.us-east-1.amazonaws.com/123456789012/from-a-fixture"
            ]
            assert tmp_path.is_dir()

        @pytest.mark.parametrize("name", ["one", "two"])
        @mock_sqs(region="eu-west-1", clock="manual")
        def test_decorated_and_parametrized(name):
            client = boto3.client("sqs", region_name="eu-west-1")
            client.create_queue(QueueName=name)
            assert len(client.list_queues()["QueueUrls"]) == 1

        @mock_sqs
        class TestOrders(unittest.TestCase):
            def setUp(self):
                self.client = boto3.client("sqs", region_name="us-east-1")
                self.url = self.client.create_queue(QueueName="orders")["QueueUrl"]

            def test_send(self):
                self.client.send_message(QueueUrl=self.url, MessageBody="x")
                messages = self.client.receive_message(QueueUrl=self.url)["Messages"]
                self.assertEqual([m["Body"] for m in messages], ["x"])

            def test_starts_empty(self):
                response = self.client.receive_message(QueueUrl=self.url)
                self.assertEqual(response.get("Messages", []), [])
        """
    )
    result = run.runpytest()
    result.assert_outcomes(passed=5)


def test_sqs_fixture_is_listed_with_its_summary(run: pytest.Pytester) -> None:
    result = run.runpytest("--fixtures")
    result.stdout.fnmatch_lines(
        ["sqs -- *", "*Amazon SQS simulated for this test: the handle to advance time*"]
    )
    assert result.ret == 0
