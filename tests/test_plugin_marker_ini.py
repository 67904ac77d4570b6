"""The ``sqs`` marker and the ``sqs_*`` ini options, in an inner pytest session: each
keyword and option, which one wins, the report header, and the errors for bad ones."""

from __future__ import annotations

import re

import pytest
from _pytester_support import DEFAULT_HEADER, prepare, report_block

pytest_plugins = ["pytester"]

START_2030 = 1893456000  # 2030-01-01T00:00:00Z


@pytest.fixture
def run(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    return prepare(pytester, monkeypatch)


# -- the marker's keywords ------------------------------------------------------------


def test_marker_region_and_account_id(run: pytest.Pytester) -> None:
    run.makepyfile(
        """
        import boto3
        import pytest

        @pytest.mark.sqs(region="ap-southeast-2")
        def test_region(sqs, sqs_client, sqs_queue):
            assert sqs.region == "ap-southeast-2"
            assert sqs_client.meta.region_name == "ap-southeast-2"
            assert boto3.client("sqs").meta.region_name == "ap-southeast-2"
            assert sqs_queue.url == (
                "https://sqs.ap-southeast-2.amazonaws.com/123456789012/test_region-1"
            )

        @pytest.mark.sqs(account_id="000000000042")
        def test_account_id(sqs, sqs_client, sqs_queue):
            assert sqs.account_id == "000000000042"
            url = sqs_client.create_queue(QueueName="orders")["QueueUrl"]
            assert url == "https://sqs.us-east-1.amazonaws.com/000000000042/orders"
            assert sqs_queue.arn == "arn:aws:sqs:us-east-1:000000000042:test_account_id-1"
        """
    )
    run.runpytest().assert_outcomes(passed=2)


def test_marker_clock_manual_freezes_sent_timestamps(run: pytest.Pytester) -> None:
    run.makepyfile(
        """
        import pytest

        from pytest_sqs import ManualClock

        def sent_timestamps(client, url):
            response = client.receive_message(
                QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["SentTimestamp"]
            )
            return [m["Attributes"]["SentTimestamp"] for m in response["Messages"]]

        @pytest.mark.sqs(clock="manual")
        def test_manual(sqs, sqs_client, sqs_queue):
            assert isinstance(sqs.clock, ManualClock)
            start = sqs.clock.now()
            for body in ("a", "b", "c"):
                sqs_client.send_message(QueueUrl=sqs_queue.url, MessageBody=body)
            assert sent_timestamps(sqs_client, sqs_queue.url) == [str(int(start * 1000))] * 3
            assert sqs.clock.now() == start
            sqs.advance(2.5)
            sqs_client.send_message(QueueUrl=sqs_queue.url, MessageBody="later")
            assert sent_timestamps(sqs_client, sqs_queue.url) == [
                str(int(start * 1000) + 2500)
            ]
        """
    )
    run.runpytest().assert_outcomes(passed=1)


def test_marker_start(run: pytest.Pytester) -> None:
    run.makepyfile(
        """
        import time
        from datetime import datetime, timezone

        import pytest

        def sent_timestamp(client, url):
            client.send_message(QueueUrl=url, MessageBody="x")
            [message] = client.receive_message(QueueUrl=url, AttributeNames=["All"])["Messages"]
            return message["Attributes"]["SentTimestamp"]

        @pytest.mark.sqs(clock="manual", start=datetime(2030, 1, 1))
        def test_naive_datetime_is_utc(sqs, sqs_client, sqs_queue):
            assert sqs.clock.now() == 1893456000
            assert sqs_queue.attributes["CreatedTimestamp"] == "1893456000"
            assert sent_timestamp(sqs_client, sqs_queue.url) == "1893456000000"

        @pytest.mark.sqs(clock="manual", start=datetime(2030, 1, 1, 1, tzinfo=timezone.utc))
        def test_aware_datetime(sqs, sqs_client, sqs_queue):
            assert sent_timestamp(sqs_client, sqs_queue.url) == "1893459600000"

        @pytest.mark.sqs(clock="manual", start=1_900_000_000.25)
        def test_epoch_seconds(sqs, sqs_client, sqs_queue):
            assert sent_timestamp(sqs_client, sqs_queue.url) == "1900000000250"

        @pytest.mark.sqs(clock="freezegun", start=datetime(2030, 1, 1))
        def test_freezegun_clock(sqs, sqs_client, sqs_queue):
            assert time.time() == 1893456000
            assert datetime.now() == datetime(2030, 1, 1)
            assert sent_timestamp(sqs_client, sqs_queue.url) == "1893456000000"
        """
    )
    run.runpytest().assert_outcomes(passed=4)


def test_marker_seed_makes_ids_reproducible_across_runs(run: pytest.Pytester) -> None:
    run.makepyfile(
        """
        import pytest

        def ids(sqs_client, sqs_queue):
            sent = [
                sqs_client.send_message(QueueUrl=sqs_queue.url, MessageBody=str(n))["MessageId"]
                for n in range(3)
            ]
            [message] = sqs_client.receive_message(QueueUrl=sqs_queue.url)["Messages"]
            print("IDS", *sent, message["ReceiptHandle"])

        @pytest.mark.sqs(seed=20300101)
        def test_seeded(sqs_client, sqs_queue):
            ids(sqs_client, sqs_queue)

        def test_unseeded(sqs_client, sqs_queue):
            ids(sqs_client, sqs_queue)
        """
    )

    def ids_of_a_run() -> tuple[list[str], list[str]]:
        result = run.runpytest("-s")
        result.assert_outcomes(passed=2)
        seeded, unseeded = [
            line.split("IDS ", 1)[1].split() for line in result.stdout.lines if "IDS " in line
        ]
        return seeded, unseeded

    seeded_1, unseeded_1 = ids_of_a_run()
    seeded_2, unseeded_2 = ids_of_a_run()
    assert seeded_1 == seeded_2
    assert len(set(seeded_1)) == 4
    assert unseeded_1 != unseeded_2


def test_marker_long_poll_off_returns_at_once(run: pytest.Pytester) -> None:
    run.makepyfile(
        """
        import pytest

        def long_poll_for_a_delayed_message(sqs, client, url):
            client.send_message(QueueUrl=url, MessageBody="later", DelaySeconds=5)
            before = sqs.clock.now()
            response = client.receive_message(QueueUrl=url, WaitTimeSeconds=20)
            return [m["Body"] for m in response.get("Messages", [])], sqs.clock.now() - before

        @pytest.mark.sqs(clock="manual", long_poll="off")
        def test_off(sqs, sqs_client, sqs_queue):
            assert long_poll_for_a_delayed_message(sqs, sqs_client, sqs_queue.url) == ([], 0)

        @pytest.mark.sqs(clock="manual")
        def test_default_fast_forwards(sqs, sqs_client, sqs_queue):
            assert long_poll_for_a_delayed_message(sqs, sqs_client, sqs_queue.url) == (
                ["later"],
                5,
            )
        """
    )
    run.runpytest().assert_outcomes(passed=2)


def test_the_closest_marker_wins(run: pytest.Pytester) -> None:
    run.makepyfile(
        """
        import pytest

        pytestmark = pytest.mark.sqs(region="ap-south-1")

        def test_module_marker(sqs):
            assert (sqs.region, sqs.account_id) == ("ap-south-1", "123456789012")

        @pytest.mark.sqs(region="eu-west-1", account_id="111111111111")
        class TestClassMarker:
            def test_class_marker(self, sqs):
                assert (sqs.region, sqs.account_id) == ("eu-west-1", "111111111111")

            @pytest.mark.sqs(region="eu-central-1")
            def test_function_marker(self, sqs, sqs_queue):
                # The closest marker wins whole: its keywords are not merged with the
                # class's, the rest come from the ini options.
                assert (sqs.region, sqs.account_id) == ("eu-central-1", "123456789012")
                assert sqs_queue.url.startswith(
                    "https://sqs.eu-central-1.amazonaws.com/123456789012/"
                )
        """
    )
    run.runpytest().assert_outcomes(passed=3)


def test_a_marker_without_a_fixture_switches_the_mock_on(run: pytest.Pytester) -> None:
    run.makepyfile(
        """
        import os
        import unittest

        import boto3
        import pytest

        @pytest.mark.sqs(region="eu-west-1")
        def test_marked(request):
            client = boto3.client("sqs")
            url = client.create_queue(QueueName="marked")["QueueUrl"]
            assert url == "https://sqs.eu-west-1.amazonaws.com/123456789012/marked"
            assert os.environ["AWS_ACCESS_KEY_ID"] == "testing"
            # The fixture, if asked for later, is the mock the test is running in.
            assert request.getfixturevalue("sqs").queue("marked").url == url

        @pytest.mark.sqs
        def test_marked_without_arguments():
            assert boto3.client("sqs").list_queues().get("QueueUrls", []) == []

        @pytest.mark.sqs(clock="manual")
        class TestCaseMarked(unittest.TestCase):
            def test_it(self):
                client = boto3.client("sqs", region_name="us-east-1")
                url = client.create_queue(QueueName="legacy")["QueueUrl"]
                client.send_message(QueueUrl=url, MessageBody="x")
                self.assertEqual(client.receive_message(QueueUrl=url)["Messages"][0]["Body"], "x")

        def test_unmarked_tests_stay_outside():
            assert os.environ["AWS_ACCESS_KEY_ID"] == "outer-key"
        """
    )
    run.runpytest().assert_outcomes(passed=4)


def test_the_marker_is_registered(run: pytest.Pytester) -> None:
    result = run.runpytest("--markers")
    result.stdout.fnmatch_lines(
        [
            "@pytest.mark.sqs(region=, account_id=, clock=, start=, seed=, long_poll=, chaos=): "
            "run the test inside mock_sqs() with these options (the sqs fixture's handle); "
            "see pytest-sqs docs."
        ]
    )
    run.makepyfile(
        """
        import pytest

        @pytest.mark.sqs(clock="manual")
        def test_marked():
            pass
        """
    )
    result = run.runpytest("--strict-markers")
    result.assert_outcomes(passed=1)
    assert "PytestUnknownMarkWarning" not in result.stdout.str()


# -- bad markers ----------------------------------------------------------------------

KEYWORDS = "region, account_id, clock, start, seed, long_poll, chaos"


@pytest.mark.parametrize(
    ("marker", "error"),
    [
        (
            'sqs("eu-west-1")',
            f"@pytest.mark.sqs takes keywords only ({KEYWORDS}), not ('eu-west-1',)",
        ),
        (
            'sqs("eu-west-1", clock="manual")',
            f"@pytest.mark.sqs takes keywords only ({KEYWORDS}), not ('eu-west-1',)",
        ),
        (
            'sqs(regoin="eu-west-1")',
            f"@pytest.mark.sqs got unknown keyword(s) regoin; it takes {KEYWORDS} "
            "(the keywords of mock_sqs)",
        ),
        (
            "sqs(clock='manual', speed=2, delay=1)",
            f"@pytest.mark.sqs got unknown keyword(s) delay, speed; it takes {KEYWORDS} "
            "(the keywords of mock_sqs)",
        ),
    ],
)
@pytest.mark.parametrize("uses_fixture", [False, True])
def test_bad_marker_arguments_fail_the_test_at_setup(
    run: pytest.Pytester, marker: str, error: str, uses_fixture: bool
) -> None:
    run.makepyfile(
        f"""
        import pytest

        @pytest.mark.{marker}
        def test_marked({"sqs" if uses_fixture else ""}):
            pass
        """
    )
    result = run.runpytest()
    result.assert_outcomes(errors=1)
    assert report_block(result, "ERROR at setup of test_marked") == error


BAD_VALUES = [
    (
        'clock="sundial"',
        "clock must be one of ('wall', 'manual', 'freezegun') or a Clock, not 'sundial'",
    ),
    (
        'long_poll="forever"',
        "long_poll must be one of ('fast-forward', 'real', 'off'), not 'forever'",
    ),
    ("start=0", "start= needs clock='manual' or clock='freezegun'"),
]


@pytest.mark.parametrize(("keyword", "error"), BAD_VALUES)
def test_bad_marker_values_are_reported_once(
    run: pytest.Pytester, keyword: str, error: str
) -> None:
    run.makepyfile(
        f"""
        import pytest

        @pytest.mark.sqs({keyword})
        def test_marked():
            pass
        """
    )
    result = run.runpytest()
    result.assert_outcomes(errors=1)
    assert report_block(result, "ERROR at setup of test_marked") == f"pytest-sqs: {error}"


# -- ini options ----------------------------------------------------------------------


def test_ini_region_and_account_id(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    prepare(pytester, monkeypatch, sqs_region="eu-north-1", sqs_account_id="000000000042")
    pytester.makepyfile(
        """
        import boto3

        def test_ini(sqs, sqs_client, sqs_queue):
            assert (sqs.region, sqs.account_id) == ("eu-north-1", "000000000042")
            assert sqs_client.meta.region_name == "eu-north-1"
            assert boto3.client("sqs").meta.region_name == "eu-north-1"
            assert sqs_queue.url == "https://sqs.eu-north-1.amazonaws.com/000000000042/test_ini-1"
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_ini_clock(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    prepare(pytester, monkeypatch, sqs_clock="manual")
    pytester.makepyfile(
        """
        from pytest_sqs import ManualClock

        def test_manual(sqs, sqs_client, sqs_queue):
            assert isinstance(sqs.clock, ManualClock)
            start = sqs.clock.now()
            sqs_client.send_message(QueueUrl=sqs_queue.url, MessageBody="x")
            [message] = sqs_client.receive_message(
                QueueUrl=sqs_queue.url, AttributeNames=["SentTimestamp"]
            )["Messages"]
            assert message["Attributes"]["SentTimestamp"] == str(int(start * 1000))
            assert sqs.clock.now() == start
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_ini_clock_freezegun(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    prepare(pytester, monkeypatch, sqs_clock="freezegun")
    pytester.makepyfile(
        """
        import time

        def test_frozen(sqs):
            start = time.time()
            assert sqs.clock.now() == start
            sqs.advance(10)
            assert time.time() == start + 10 == sqs.clock.now()
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_ini_long_poll(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    prepare(pytester, monkeypatch, sqs_clock="manual", sqs_long_poll="off")
    pytester.makepyfile(
        """
        def test_short_poll_only(sqs, sqs_client, sqs_queue):
            before = sqs.clock.now()
            response = sqs_client.receive_message(QueueUrl=sqs_queue.url, WaitTimeSeconds=20)
            assert response.get("Messages", []) == []
            assert sqs.clock.now() == before
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_markers_override_ini_options_keyword_by_keyword(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    prepare(pytester, monkeypatch, sqs_region="eu-north-1", sqs_clock="manual")
    pytester.makepyfile(
        """
        import pytest

        from pytest_sqs import ManualClock, WallClock

        @pytest.mark.sqs(region="us-west-2")
        def test_region_from_the_marker_clock_from_the_ini(sqs):
            assert sqs.region == "us-west-2"
            assert isinstance(sqs.clock, ManualClock)

        @pytest.mark.sqs(clock="wall")
        def test_clock_from_the_marker_region_from_the_ini(sqs):
            assert sqs.region == "eu-north-1"
            assert isinstance(sqs.clock, WallClock)
        """
    )
    pytester.runpytest().assert_outcomes(passed=2)


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("sqs_clock", "sundial", "sqs_clock must be one of wall, manual, freezegun, not 'sundial'"),
        (
            "sqs_long_poll",
            "forever",
            "sqs_long_poll must be one of fast-forward, real, off, not 'forever'",
        ),
    ],
)
def test_a_bad_choice_in_the_ini_is_a_usage_error(
    pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    option: str,
    value: str,
    message: str,
) -> None:
    prepare(pytester, monkeypatch, **{option: value})
    pytester.makepyfile("def test_never_run(sqs):\n    pass\n")
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert result.stderr.str() == f"ERROR: {message}\n"


def test_ini_options_are_listed_in_help(run: pytest.Pytester) -> None:
    result = run.runpytest("--help")
    text = re.sub(r"\s+", " ", result.stdout.str())
    for line in [
        "sqs_region (string): Default region of the sqs fixture and marker.",
        "sqs_account_id (string): Account id of the sqs fixture and marker.",
        "sqs_clock (string): Clock of the sqs fixture and marker: one of ('wall', 'manual', "
        "'freezegun').",
        "sqs_long_poll (string): Long-poll policy: one of ('fast-forward', 'real', 'off').",
        "sqs_block_unmocked (string): Refuse any SQS request made outside a mock "
        "(true/false), so no test reaches AWS.",
    ]:
        assert line in text


# -- the report header ----------------------------------------------------------------


def test_report_header_with_the_defaults(run: pytest.Pytester) -> None:
    run.makepyfile("def test_nothing():\n    pass\n")
    result = run.runpytest()
    assert DEFAULT_HEADER in result.stdout.lines
    assert [line for line in result.stdout.lines if line.startswith("pytest-sqs")] == [
        DEFAULT_HEADER
    ]


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        *[("true", "on"), ("YES", "on"), ("1", "on"), ("on", "on")],
        *[("false", "off"), ("No", "off"), ("0", "off"), ("off", "off")],
    ],
)
def test_report_header_shows_the_ini_options(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, value: str, shown: str
) -> None:
    prepare(
        pytester,
        monkeypatch,
        sqs_region="eu-north-1",
        sqs_account_id="000000000042",
        sqs_clock="manual",
        sqs_long_poll="off",
        sqs_chaos="duplicate=0.5 seed=3",
        sqs_block_unmocked=value,
    )
    result = pytester.runpytest("--collect-only")
    assert (
        "pytest-sqs: region=eu-north-1, account=000000000042, clock=manual, long_poll=off, "
        f"chaos=duplicate=0.5 seed=3, block_unmocked={shown}"
    ) in result.stdout.lines


def test_an_invalid_block_unmocked_value_is_a_usage_error(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    prepare(pytester, monkeypatch, sqs_block_unmocked="maybe")
    pytester.makepyfile("def test_never_run():\n    pass\n")
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert result.stderr.str() == (
        "ERROR: sqs_block_unmocked must be one of true, 1, yes, on, false, 0, no, off, "
        "not 'maybe'\n"
    )
    assert result.stdout.str() == ""
