"""The plugin's fixtures, each alone and together, in an inner pytest session as users run
them: ``sqs``, ``sqs_client``, ``sqs_cloudwatch``, ``sqs_queue``, ``sqs_fifo_queue`` and
``sqs_queue_factory``."""

from __future__ import annotations

import pytest
from _pytester_support import prepare

pytest_plugins = ["pytester"]


@pytest.fixture
def run(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    return prepare(pytester, monkeypatch)


def test_each_fixture_alone_switches_the_mock_on(run: pytest.Pytester) -> None:
    run.makepyfile(
        """
        import boto3

        from pytest_sqs import MockSQS, QueueView

        def test_sqs(sqs):
            assert isinstance(sqs, MockSQS)
            assert sqs.running
            assert (sqs.region, sqs.account_id) == ("us-east-1", "123456789012")
            assert sqs.queues() == []
            assert boto3.client("sqs").list_queues().get("QueueUrls", []) == []

        def test_sqs_client(sqs_client):
            assert sqs_client.meta.service_model.service_name == "sqs"
            assert sqs_client.meta.region_name == "us-east-1"
            url = sqs_client.create_queue(QueueName="alone")["QueueUrl"]
            assert url == "https://sqs.us-east-1.amazonaws.com/123456789012/alone"

        def test_sqs_cloudwatch(sqs, sqs_client, sqs_cloudwatch):
            assert sqs_cloudwatch.meta.service_model.service_name == "cloudwatch"
            assert sqs_cloudwatch.meta.region_name == "us-east-1"
            sqs_client.create_queue(QueueName="watched")
            sqs.advance(60)
            listed = sqs_cloudwatch.list_metrics(MetricName="NumberOfMessagesSent")
            assert [m["Dimensions"] for m in listed["Metrics"]] == [
                [{"Name": "QueueName", "Value": "watched"}]
            ]

        def test_sqs_queue(sqs_queue):
            assert isinstance(sqs_queue, QueueView)
            assert sqs_queue.name == "test_sqs_queue-1"
            assert sqs_queue.url == (
                "https://sqs.us-east-1.amazonaws.com/123456789012/test_sqs_queue-1"
            )
            assert not sqs_queue.fifo
            assert sqs_queue.messages == ()
            boto3.client("sqs").send_message(QueueUrl=sqs_queue.url, MessageBody="hello")
            assert sqs_queue.bodies() == ["hello"]

        def test_sqs_fifo_queue(sqs_fifo_queue):
            assert isinstance(sqs_fifo_queue, QueueView)
            assert sqs_fifo_queue.name == "test_sqs_fifo_queue-1.fifo"
            assert sqs_fifo_queue.fifo
            assert sqs_fifo_queue.attributes["FifoQueue"] == "true"
            boto3.client("sqs").send_message(
                QueueUrl=sqs_fifo_queue.url,
                MessageBody="first",
                MessageGroupId="g",
                MessageDeduplicationId="d1",
            )
            assert list(sqs_fifo_queue.groups) == ["g"]

        def test_sqs_queue_factory(sqs_queue_factory):
            first, second = sqs_queue_factory(), sqs_queue_factory()
            assert [first.name, second.name] == [
                "test_sqs_queue_factory-1",
                "test_sqs_queue_factory-2",
            ]
            urls = boto3.client("sqs").list_queues()["QueueUrls"]
            assert urls == [first.url, second.url]
        """
    )
    run.runpytest().assert_outcomes(passed=6)


def test_fixtures_together_share_one_mock(run: pytest.Pytester) -> None:
    run.makepyfile(
        """
        def test_all_of_them(sqs, sqs_client, sqs_queue, sqs_fifo_queue, sqs_queue_factory):
            extra = sqs_queue_factory()
            assert [sqs_queue.name, sqs_fifo_queue.name, extra.name] == [
                "test_all_of_them-1",
                "test_all_of_them-2.fifo",
                "test_all_of_them-3",
            ]
            assert sorted(view.name for view in sqs.queues()) == [
                "test_all_of_them-1",
                "test_all_of_them-2.fifo",
                "test_all_of_them-3",
            ]
            assert sorted(sqs_client.list_queues()["QueueUrls"]) == sorted(
                [sqs_queue.url, sqs_fifo_queue.url, extra.url]
            )
            sqs_client.send_message(QueueUrl=sqs_queue.url, MessageBody="through the client")
            assert sqs.queue(sqs_queue.name).bodies() == ["through the client"]
            assert [call.action for call in sqs.calls] == ["ListQueues", "SendMessage"]
        """
    )
    run.runpytest().assert_outcomes(passed=1)


def test_sqs_client_and_queues_are_in_the_mocks_region(run: pytest.Pytester) -> None:
    run.makepyfile(
        """
        import boto3
        import pytest

        @pytest.mark.sqs(region="eu-west-3", account_id="210987654321")
        def test_in_paris(sqs, sqs_client, sqs_queue, sqs_fifo_queue):
            assert sqs_client.meta.region_name == "eu-west-3"
            assert sqs_queue.url == (
                "https://sqs.eu-west-3.amazonaws.com/210987654321/test_in_paris-1"
            )
            assert sqs_fifo_queue.arn == (
                "arn:aws:sqs:eu-west-3:210987654321:test_in_paris-2.fifo"
            )
            assert sqs_client.get_queue_url(QueueName=sqs_queue.name)["QueueUrl"] == (
                sqs_queue.url
            )
            # A client without a region gets the mock's, too.
            assert boto3.client("sqs").meta.region_name == "eu-west-3"
        """
    )
    run.runpytest().assert_outcomes(passed=1)


def test_queue_fixtures_are_fresh_and_named_after_each_test(run: pytest.Pytester) -> None:
    run.makepyfile(
        """
        import boto3
        import pytest

        class TestFirst:
            def test_it(self, sqs_queue, sqs_fifo_queue):
                assert (sqs_queue.name, sqs_fifo_queue.name) == ("test_it-1", "test_it-2.fifo")
                client = boto3.client("sqs")
                client.send_message(QueueUrl=sqs_queue.url, MessageBody="left behind")
                client.send_message(
                    QueueUrl=sqs_fifo_queue.url,
                    MessageBody="left behind",
                    MessageGroupId="g",
                    MessageDeduplicationId="d",
                )

        class TestSecond:
            def test_it(self, sqs, sqs_queue, sqs_fifo_queue):
                # The same names as in TestFirst, but new, empty queues.
                assert (sqs_queue.name, sqs_fifo_queue.name) == ("test_it-1", "test_it-2.fifo")
                sqs_queue.assert_empty()
                sqs_fifo_queue.assert_empty()
                assert sorted(view.name for view in sqs.queues()) == [
                    "test_it-1",
                    "test_it-2.fifo",
                ]

        @pytest.mark.parametrize("case", ["a b", "c/d[e]"])
        def test_parametrized(sqs_queue, case):
            expected = {"a b": "test_parametrized-a-b-1", "c/d[e]": "test_parametrized-c-d-e-1"}
            assert sqs_queue.name == expected[case]

        def test_a_test_name_far_longer_than_forty_characters(sqs_queue, sqs_fifo_queue):
            assert sqs_queue.name == "test_a_test_name_far_longer_than_forty_c-1"
            assert sqs_fifo_queue.name == "test_a_test_name_far_longer_than_forty_c-2.fifo"
        """
    )
    run.runpytest().assert_outcomes(passed=5)


def test_factory_names_types_and_attributes(run: pytest.Pytester) -> None:
    run.makepyfile(
        """
        import boto3
        import pytest

        def test_name(sqs_queue_factory):
            orders = sqs_queue_factory(name="orders")
            assert orders.url == "https://sqs.us-east-1.amazonaws.com/123456789012/orders"
            # CreateQueue is idempotent: the same name gives the same queue.
            assert sqs_queue_factory("orders").url == orders.url
            # Unnamed queues still count from 1.
            assert sqs_queue_factory().name == "test_name-1"

        def test_fifo(sqs_queue_factory):
            events = sqs_queue_factory("events", fifo=True)
            assert (events.name, events.fifo) == ("events.fifo", True)
            assert sqs_queue_factory("ready.fifo", fifo=True).name == "ready.fifo"
            assert sqs_queue_factory(fifo=True).name == "test_fifo-1.fifo"

        def test_attributes(sqs_queue_factory):
            slow = sqs_queue_factory("slow", VisibilityTimeout="45", DelaySeconds="5")
            assert (slow.attributes["VisibilityTimeout"], slow.attributes["DelaySeconds"]) == (
                "45",
                "5",
            )
            dedup = sqs_queue_factory("dedup", fifo=True, ContentBasedDeduplication="true")
            assert dedup.attributes["ContentBasedDeduplication"] == "true"
            assert dedup.attributes["FifoQueue"] == "true"

        @pytest.mark.sqs(clock="manual")
        def test_factory_queues_are_real_queues(sqs_queue_factory):
            queue = sqs_queue_factory("real", VisibilityTimeout="45")
            client = boto3.client("sqs")
            client.send_message(QueueUrl=queue.url, MessageBody="x")
            [message] = client.receive_message(QueueUrl=queue.url)["Messages"]
            assert message["Body"] == "x"
            [in_flight] = queue.in_flight
            assert (in_flight.visible_at - in_flight.sent_at).total_seconds() == 45
        """
    )
    run.runpytest().assert_outcomes(passed=4)


def test_factory_dead_letter_queues(run: pytest.Pytester) -> None:
    run.makepyfile(
        """
        import json

        import boto3
        import pytest

        def policy(view):
            return json.loads(view.attributes["RedrivePolicy"])

        def test_dlq_true_makes_name_dlq_with_a_redrive_policy(sqs, sqs_queue_factory):
            orders = sqs_queue_factory("orders", dlq=True)
            assert orders.dlq.name == "orders-dlq"
            assert not orders.dlq.fifo
            assert policy(orders) == {
                "deadLetterTargetArn": "arn:aws:sqs:us-east-1:123456789012:orders-dlq",
                "maxReceiveCount": 3,
            }
            assert [view.name for view in orders.dlq.dead_letter_sources] == ["orders"]
            assert sorted(view.name for view in sqs.queues()) == ["orders", "orders-dlq"]

        def test_dlq_true_on_a_fifo_queue_makes_a_fifo_dlq(sqs_queue_factory):
            jobs = sqs_queue_factory("jobs", fifo=True, dlq=True, max_receive_count=5)
            assert (jobs.name, jobs.dlq.name, jobs.dlq.fifo) == (
                "jobs.fifo",
                "jobs-dlq.fifo",
                True,
            )
            assert policy(jobs) == {
                "deadLetterTargetArn": "arn:aws:sqs:us-east-1:123456789012:jobs-dlq.fifo",
                "maxReceiveCount": 5,
            }

        def test_dlq_true_on_an_unnamed_queue(sqs_queue_factory):
            queue = sqs_queue_factory(dlq=True)
            assert (queue.name, queue.dlq.name) == (
                "test_dlq_true_on_an_unnamed_queue-1",
                "test_dlq_true_on_an_unnamed_queue-1-dlq",
            )

        def test_dlq_view_is_shared(sqs, sqs_queue_factory):
            shared = sqs_queue_factory("shared-dlq")
            first = sqs_queue_factory("first", dlq=shared, max_receive_count=2)
            second = sqs_queue_factory("second", dlq=shared)
            assert (policy(first), policy(second)) == (
                {"deadLetterTargetArn": shared.arn, "maxReceiveCount": 2},
                {"deadLetterTargetArn": shared.arn, "maxReceiveCount": 3},
            )
            assert [view.name for view in shared.dead_letter_sources] == ["first", "second"]
            assert sorted(view.name for view in sqs.queues()) == ["first", "second", "shared-dlq"]

        @pytest.mark.sqs(clock="manual")
        def test_the_redrive_policy_is_enforced(sqs, sqs_queue_factory):
            work = sqs_queue_factory("work", dlq=True, max_receive_count=1)
            client = boto3.client("sqs")
            client.send_message(QueueUrl=work.url, MessageBody="poison")
            client.receive_message(QueueUrl=work.url, VisibilityTimeout=10)
            sqs.advance(10)
            assert client.receive_message(QueueUrl=work.url).get("Messages", []) == []
            work.assert_empty()
            assert work.dlq.bodies() == ["poison"]
        """
    )
    run.runpytest().assert_outcomes(passed=5)


def test_nothing_leaks_from_one_test_to_the_next(
    run: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_PROFILE", "outer-profile")
    run.makepyfile(
        """
        import os

        import boto3

        SESSION_BEFORE = boto3.DEFAULT_SESSION

        def test_one(sqs, sqs_queue):
            client = boto3.client("sqs")
            client.create_queue(QueueName="leaky")
            client.send_message(QueueUrl=sqs_queue.url, MessageBody="x")
            # The queue fixtures make their queues without API calls of the test's own.
            assert [call.action for call in sqs.calls] == ["CreateQueue", "SendMessage"]
            assert os.environ["AWS_ACCESS_KEY_ID"] == "testing"
            assert os.environ["AWS_SECRET_ACCESS_KEY"] == "testing"
            assert os.environ["AWS_DEFAULT_REGION"] == "us-east-1"
            assert "AWS_PROFILE" not in os.environ

        def test_two(sqs):
            assert sqs.queues() == []
            assert sqs.calls == []
            assert boto3.client("sqs").list_queues().get("QueueUrls", []) == []
            assert [call.action for call in sqs.calls] == ["ListQueues"]

        def test_three_without_the_mock():
            assert os.environ["AWS_ACCESS_KEY_ID"] == "outer-key"
            assert os.environ["AWS_SECRET_ACCESS_KEY"] == "outer-secret"
            assert os.environ["AWS_PROFILE"] == "outer-profile"
            for name in ("AWS_SESSION_TOKEN", "AWS_DEFAULT_REGION"):
                assert name not in os.environ
            assert boto3.DEFAULT_SESSION is SESSION_BEFORE
        """
    )
    run.runpytest().assert_outcomes(passed=3)


def test_fixtures_are_listed_with_their_summaries(run: pytest.Pytester) -> None:
    result = run.runpytest("--fixtures")
    result.stdout.fnmatch_lines(
        [
            "sqs -- *",
            "    Amazon SQS simulated for this test: the handle to advance time and inspect *",
            "sqs_client -- *",
            "    A boto3 SQS client (botocore's, without boto3) in the mock's region.",
            "sqs_queue_factory -- *",
            "    Make queues for this test: ``factory(name=None, fifo=False, dlq=False,",
            "sqs_queue -- *",
            "    A fresh standard queue for this test (a :class:`QueueView`; ``.url`` for *",
            "sqs_fifo_queue -- *",
            "    A fresh FIFO queue for this test (a :class:`QueueView`; ``.url`` for clients).",
        ]
    )
    assert result.ret == 0


def test_each_xdist_worker_has_its_own_simulator(run: pytest.Pytester) -> None:
    pytest.importorskip("xdist")
    run.makepyfile(
        """
        import boto3
        import pytest

        @pytest.mark.parametrize("n", range(8))
        def test_same_queue_name_everywhere(sqs, n):
            client = boto3.client("sqs")
            url = client.create_queue(QueueName="shared")["QueueUrl"]
            client.send_message(QueueUrl=url, MessageBody=f"from test {n}")
            assert sqs.queue("shared").bodies() == [f"from test {n}"]
            [message] = client.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
            assert message["Body"] == f"from test {n}"
        """
    )
    # Without the benchmark and hypothesis plugins the workers start twice as fast.
    result = run.runpytest("-n", "2", "-p", "no:benchmark", "-p", "no:hypothesispytest")
    result.stdout.fnmatch_lines(["created: 2/2 workers"])
    result.assert_outcomes(passed=8)
