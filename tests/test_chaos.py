"""Chaos mode: duplicates, reordering and short receives on standard queues, at the rates
asked for, replayed exactly by the same seed; FIFO queues untouched."""

from __future__ import annotations

import math
from typing import Any

import boto3
import pytest
from _pytester_support import prepare

from pytest_sqs import Chaos, MockSQS, mock_sqs

pytest_plugins = ["pytester"]

N = 2000


def _client() -> Any:
    return boto3.client("sqs", region_name="us-east-1")


def _within(hits: int, trials: int, rate: float) -> None:
    """Binomial bounds: 5 standard deviations (a false alarm about once in 3.5 million)."""
    spread = 5 * math.sqrt(trials * rate * (1 - rate))
    assert abs(hits - trials * rate) <= spread, (hits, trials, rate)


def _events(sqs: MockSQS, queue: str) -> list[str]:
    view = sqs.queue(queue)
    return [
        entry.event
        for call in sqs.calls_to("SendMessage", queue=queue)
        for entry in view.history(call.response["MessageId"])  # type: ignore[index]
    ]


def test_lost_deletes_happen_at_the_rate_asked_and_the_message_comes_back() -> None:
    with mock_sqs(clock="manual", chaos=Chaos(seed=1, duplicate=0.2)) as sqs:
        client = _client()
        url = client.create_queue(QueueName="q")["QueueUrl"]
        for n in range(N):
            client.send_message(QueueUrl=url, MessageBody=str(n))
        deliveries: dict[str, int] = {}
        while True:
            got = client.receive_message(
                QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=10, WaitTimeSeconds=20
            ).get("Messages", [])
            if not got:
                break
            for message in got:
                deliveries[message["Body"]] = deliveries.get(message["Body"], 0) + 1
                client.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        events = _events(sqs, "q")
        lost = events.count("delete lost (chaos)")
        deletes = len(sqs.calls_to("DeleteMessage"))
        _within(lost, deletes, 0.2)
        assert set(deliveries) == {str(n) for n in range(N)}  # nothing lost
        assert sum(deliveries.values()) == N + lost  # each lost delete: one more delivery
        assert sqs.queue("q").messages == ()
        assert events.count("deleted") == N
        assert sqs.chaos_faults == lost


def test_a_message_in_flight_is_delivered_again_to_another_consumer() -> None:
    with mock_sqs(clock="manual", chaos=Chaos(seed=1, duplicate_in_flight=1.0)) as sqs:
        client = _client()
        url = client.create_queue(QueueName="q")["QueueUrl"]
        client.send_message(QueueUrl=url, MessageBody="first")
        client.send_message(QueueUrl=url, MessageBody="second")
        [a] = client.receive_message(QueueUrl=url, VisibilityTimeout=30)["Messages"]
        sqs.advance(10)
        b = client.receive_message(
            QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["ApproximateReceiveCount"]
        )["Messages"]
        # The copy first (the message nearest the end of its timeout), then the rest.
        assert [m["Body"] for m in b] == ["first", "second"]
        assert b[0]["MessageId"] == a["MessageId"]
        assert b[0]["ReceiptHandle"] != a["ReceiptHandle"]
        assert b[0]["Attributes"]["ApproximateReceiveCount"] == "2"
        assert [entry.event for entry in sqs.queue("q").history(a["MessageId"])] == [
            "sent",
            "received",
            "copy visible while in flight (chaos)",
            "received",
        ]
        with sqs.chaos_off():  # either consumer's delete deletes it; the other's succeeds
            client.delete_message(QueueUrl=url, ReceiptHandle=a["ReceiptHandle"])
            client.delete_message(QueueUrl=url, ReceiptHandle=b[0]["ReceiptHandle"])
        assert [m.body for m in sqs.queue("q").messages] == ["second"]
        assert sqs.chaos_faults == 1


def test_copies_of_messages_in_flight_turn_up_at_the_rate_asked() -> None:
    with mock_sqs(clock="manual", chaos=Chaos(seed=3, duplicate_in_flight=0.1)) as sqs:
        client = _client()
        url = client.create_queue(QueueName="q")["QueueUrl"]
        for n in range(N):
            client.send_message(QueueUrl=url, MessageBody=str(n))
        ids = []
        for _ in range(N):  # each receive after the first finds messages in flight
            [message] = client.receive_message(QueueUrl=url, VisibilityTimeout=43200)["Messages"]
            ids.append(message["MessageId"])
        copies = len(ids) - len(set(ids))
        _within(copies, N - 1, 0.1)
        assert _events(sqs, "q").count("copy visible while in flight (chaos)") == copies
        assert sqs.chaos_faults == copies


def test_a_reordered_receive_holds_back_the_oldest_and_shuffles_evenly() -> None:
    receives = 1200
    with mock_sqs(clock="manual", chaos=Chaos(seed=6, reorder=1.0)) as sqs:
        client = _client()
        url = client.create_queue(QueueName="q")["QueueUrl"]
        for n in range(3 * receives + 1):
            client.send_message(QueueUrl=url, MessageBody=str(n))
        patterns: dict[tuple[int, ...], int] = {}
        for _ in range(receives):
            got = client.receive_message(QueueUrl=url, MaxNumberOfMessages=3)["Messages"]
            bodies = [int(message["Body"]) for message in got]
            assert 0 not in bodies  # the oldest is held back, again and again
            pattern = tuple(sorted(bodies).index(body) for body in bodies)
            patterns[pattern] = patterns.get(pattern, 0) + 1
            for message in got:
                client.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        assert len(patterns) == 6  # every order of three...
        for count in patterns.values():
            _within(count, receives, 1 / 6)  # ...equally likely
        last = client.receive_message(QueueUrl=url, MaxNumberOfMessages=3)["Messages"]
        assert [message["Body"] for message in last] == ["0"]  # nothing to take its place
        assert sqs.chaos_faults == receives


def test_reordering_and_short_receives_at_their_rates() -> None:
    chaos = Chaos(seed=2, reorder=0.3, empty_receive=0.25)
    with mock_sqs(clock="manual", chaos=chaos) as sqs:
        client = _client()
        url = client.create_queue(QueueName="q")["QueueUrl"]
        for n in range(N):
            client.send_message(QueueUrl=url, MessageBody=f"{n:05}")
        order: list[str] = []
        empty = polls = 0
        while len(order) < N:
            got = client.receive_message(QueueUrl=url, MaxNumberOfMessages=2).get("Messages", [])
            polls += 1
            empty += not got
            for message in got:
                order.append(message["Body"])
                client.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        assert sorted(order) == [f"{n:05}" for n in range(N)]  # nothing lost or repeated
        assert order != sorted(order)  # but not in send order
        held_back = _events(sqs, "q").count("held back (chaos)")
        receives_with_messages = polls - empty
        # A short receive asks for fewer (0 or 1 of 2): half of the sampled ones are empty.
        _within(empty, polls, 0.25 / 2)
        # Held back: each answered receive that drew a reorder (all but the last few had a
        # replacement to take its place).
        _within(held_back, receives_with_messages, 0.3)


def test_long_polls_are_never_short() -> None:
    with mock_sqs(clock="manual", chaos=Chaos(seed=3, empty_receive=1.0)) as sqs:
        client = _client()
        url = client.create_queue(QueueName="q")["QueueUrl"]
        client.send_message(QueueUrl=url, MessageBody="x")
        assert "Messages" not in client.receive_message(QueueUrl=url)  # a short poll: sampled
        got = client.receive_message(QueueUrl=url, WaitTimeSeconds=1)  # all servers
        assert [m["Body"] for m in got["Messages"]] == ["x"]
        assert sqs.chaos_faults == 1


def _run(seed: int) -> list[Any]:
    with mock_sqs(
        clock="manual",
        seed=5,
        chaos=Chaos(
            seed=seed, duplicate=0.3, duplicate_in_flight=0.2, reorder=0.3, empty_receive=0.3
        ),
    ) as sqs:
        client = _client()
        url = client.create_queue(QueueName="q")["QueueUrl"]
        for n in range(50):
            client.send_message(QueueUrl=url, MessageBody=str(n))
        seen: list[Any] = []
        for _ in range(200):
            got = client.receive_message(QueueUrl=url, MaxNumberOfMessages=3, VisibilityTimeout=5)
            messages = got.get("Messages", [])
            seen.append([m["Body"] for m in messages])
            for message in messages:
                client.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
            sqs.advance(1)
        assert sqs.chaos_seed == seed
        return seen


def test_the_same_seed_replays_the_same_faults() -> None:
    first, again, other = _run(11), _run(11), _run(12)
    assert first == again
    assert first != other


def test_fifo_queues_keep_their_guarantees() -> None:
    with mock_sqs(
        clock="manual",
        chaos=Chaos(seed=4, duplicate=1, duplicate_in_flight=1, reorder=1, empty_receive=1),
    ) as sqs:
        client = _client()
        url = client.create_queue(QueueName="q.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
        for n in range(30):
            client.send_message(
                QueueUrl=url, MessageBody=str(n), MessageGroupId="g", MessageDeduplicationId=str(n)
            )
        order: list[str] = []
        while True:
            got = client.receive_message(QueueUrl=url, MaxNumberOfMessages=4).get("Messages", [])
            if not got:
                break
            for message in got:
                order.append(message["Body"])
                client.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        assert order == [str(n) for n in range(30)]  # once each, in order
        assert sqs.chaos_faults == 0


def test_one_queues_calls_do_not_shift_anothers_faults() -> None:
    def run(extra_polls: int) -> list[list[str]]:
        chaos = Chaos(seed=8, reorder=0.5, empty_receive=0.5)
        with mock_sqs(clock="manual", chaos=chaos) as sqs:
            client = _client()
            url = client.create_queue(QueueName="q")["QueueUrl"]
            other = client.create_queue(QueueName="other")["QueueUrl"]
            client.send_message(QueueUrl=other, MessageBody="o")
            for _ in range(extra_polls):  # on another queue, and on an empty one
                client.receive_message(QueueUrl=other, VisibilityTimeout=0)
                client.receive_message(QueueUrl=url)
            for n in range(30):
                client.send_message(QueueUrl=url, MessageBody=str(n))
            seen = []
            for _ in range(40):
                got = client.receive_message(QueueUrl=url, MaxNumberOfMessages=3).get(
                    "Messages", []
                )
                seen.append([m["Body"] for m in got])
                for message in got:
                    client.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
            assert sqs.chaos_seed == 8
            return seen

    assert run(0) == run(7)


def test_only_faults_that_change_something_are_counted() -> None:
    with mock_sqs(clock="manual", chaos=Chaos(seed=1, reorder=1.0, empty_receive=1.0)) as sqs:
        client = _client()
        url = client.create_queue(QueueName="q")["QueueUrl"]
        for _ in range(5):
            client.receive_message(QueueUrl=url)  # an empty queue: nothing to sample
        client.send_message(QueueUrl=url, MessageBody="alone")
        got = client.receive_message(QueueUrl=url, WaitTimeSeconds=1)  # nothing to reorder
        assert [m["Body"] for m in got["Messages"]] == ["alone"]
        assert sqs.chaos_faults == 0


def test_a_long_poll_that_outlives_a_chaos_block_is_not_chaotic_after_it() -> None:
    with mock_sqs(clock="manual") as sqs:
        client = _client()
        url = client.create_queue(QueueName="q")["QueueUrl"]
        with sqs.chaos_on({"reorder": 1.0, "seed": 1}):
            pass
        for body in ("first", "second"):
            client.send_message(QueueUrl=url, MessageBody=body)
        got = client.receive_message(QueueUrl=url, MaxNumberOfMessages=1, WaitTimeSeconds=1)
        assert [m["Body"] for m in got["Messages"]] == ["first"]


def test_queue_names_given_as_one_string() -> None:
    assert Chaos(queues="payments").queues == frozenset({"payments"})


def test_chaos_only_for_the_queues_named() -> None:
    chaos = Chaos(seed=6, empty_receive=1.0, queues=["noisy"])
    with mock_sqs(clock="manual", chaos=chaos):
        client = _client()
        for name in ("noisy", "calm"):
            url = client.create_queue(QueueName=name)["QueueUrl"]
            client.send_message(QueueUrl=url, MessageBody=name)
        noisy, calm = (client.get_queue_url(QueueName=n)["QueueUrl"] for n in ("noisy", "calm"))
        assert "Messages" not in client.receive_message(QueueUrl=noisy)
        assert client.receive_message(QueueUrl=calm)["Messages"][0]["Body"] == "calm"


def test_chaos_on_and_off_around_a_block() -> None:
    with mock_sqs(clock="manual") as sqs:
        client = _client()
        url = client.create_queue(QueueName="q")["QueueUrl"]
        client.send_message(QueueUrl=url, MessageBody="x")
        assert sqs.chaos_seed is None
        with sqs.chaos_on({"empty_receive": 1.0, "seed": 9}):
            assert sqs.chaos_seed == 9
            assert "Messages" not in client.receive_message(QueueUrl=url)
        assert sqs.chaos_seed == 9  # the last chaos used, for the report
        got = client.receive_message(QueueUrl=url, VisibilityTimeout=0)
        assert got["Messages"][0]["Body"] == "x"

    with mock_sqs(clock="manual", chaos={"empty_receive": 1.0}) as sqs:
        client = _client()
        url = client.create_queue(QueueName="q")["QueueUrl"]
        client.send_message(QueueUrl=url, MessageBody="x")
        with sqs.chaos_off():
            assert client.receive_message(QueueUrl=url, VisibilityTimeout=0)["Messages"]
        assert "Messages" not in client.receive_message(QueueUrl=url)


@pytest.mark.parametrize(
    ("chaos", "message"),
    [
        ({"duplicate": 1.5}, "chaos duplicate must be a probability from 0 to 1, not 1.5"),
        ({"reorder": -0.1}, "chaos reorder must be a probability from 0 to 1, not -0.1"),
        ({"empty_receive": "0.1"}, "chaos empty_receive must be a probability"),
        ({"seed": "x"}, "chaos seed must be an integer, not 'x'"),
        ("lots", "chaos must be True, a dict or a pytest_sqs.Chaos, not 'lots'"),
    ],
)
def test_bad_chaos_settings_are_refused_where_written(chaos: Any, message: str) -> None:
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        mock_sqs(chaos=chaos)


def test_an_unknown_chaos_setting_is_refused() -> None:
    with pytest.raises(TypeError, match="unexpected keyword argument 'duplicates'"):
        mock_sqs(chaos={"duplicates": 0.1})


# -- in a pytest session: the seed in the report, replayed from the command line --------

CONSUMER = """
import pytest

@pytest.mark.sqs(clock="manual", chaos={{"duplicate": 0.5{seed}}})
def test_charges_each_order_once(sqs, sqs_client, sqs_queue):
    for order in range(20):
        sqs_client.send_message(QueueUrl=sqs_queue.url, MessageBody=str(order))
    charged = []
    while True:  # not idempotent: a message delivered twice is charged twice
        got = sqs_client.receive_message(
            QueueUrl=sqs_queue.url, MaxNumberOfMessages=10, VisibilityTimeout=5,
            WaitTimeSeconds=20)
        if "Messages" not in got:
            break
        for message in got["Messages"]:
            charged.append(message["Body"])
            sqs_client.delete_message(
                QueueUrl=sqs_queue.url, ReceiptHandle=message["ReceiptHandle"])
    print("charged", charged)
    assert len(charged) == len(set(charged)), "an order was charged twice"
"""


def _seed_of(result: pytest.RunResult) -> str:
    [line] = [line for line in result.outlines if line.startswith("chaos seed ")]
    return line.split()[2].rstrip(",")


def _charged(result: pytest.RunResult) -> str:
    [line] = [line for line in result.outlines if line.startswith("charged ")]
    return line


def test_a_failing_test_names_its_seed_and_the_seed_replays_it(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    prepare(pytester, monkeypatch)
    pytester.makepyfile(CONSUMER.format(seed=""))
    first = pytester.runpytest("-rA")
    first.assert_outcomes(failed=1)
    first.stdout.fnmatch_lines(
        [
            "*- pytest-sqs chaos -*",
            "chaos seed *, * fault(s) injected; replay them with: pytest "
            "test_a_failing_test_names_its_seed_and_the_seed_replays_it.py"
            "::test_charges_each_order_once --sqs-chaos-seed *",
        ]
    )
    seed = _seed_of(first)
    again = pytester.runpytest("-rA", "--sqs-chaos-seed", seed)
    again.assert_outcomes(failed=1)
    again.stdout.fnmatch_lines([f"pytest-sqs: *; chaos seed {seed} (--sqs-chaos-seed)"])
    assert _seed_of(again) == seed
    assert _charged(again) == _charged(first)  # the same faults, the same deliveries


def test_the_command_line_seed_reaches_every_chaos_and_markers_refine_the_ini(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    prepare(pytester, monkeypatch, sqs_chaos="duplicate=0.25 seed=5 queues=a|b")
    pytester.makepyfile(
        """
        import pytest
        from pytest_sqs import mock_sqs

        @pytest.mark.sqs(chaos={"reorder": 0.5})
        def test_marker_refines(sqs):
            settings = sqs.chaos_settings
            assert (settings.duplicate, settings.reorder) == (0.25, 0.5)
            assert settings.queues == frozenset({"a", "b"})
            assert sqs.chaos_seed == 42  # the command line's, over the ini's

        def test_blocks_and_direct_mocks_take_it_too(sqs):
            with sqs.chaos_on({"duplicate": 0.1}):
                first = sqs.chaos_seed
            with mock_sqs(chaos={"duplicate": 0.1}) as inner:
                assert inner.chaos_seed == 42
            assert first == (42 * 1_000_003 + 1) % 2**32  # follows from it: replays

        @pytest.mark.sqs(chaos={"dupe": 0.1})
        def test_a_misspelt_setting(sqs):
            pass
        """
    )
    result = pytester.runpytest("--sqs-chaos-seed", "42")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*pytest-sqs: *unexpected keyword argument 'dupe'*"])


def test_the_ini_option_turns_chaos_on_for_every_test(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    prepare(pytester, monkeypatch, sqs_chaos="empty_receive=1")
    pytester.makepyfile(
        """
        def test_short_polls_are_sampled(sqs, sqs_client, sqs_queue):
            sqs_client.send_message(QueueUrl=sqs_queue.url, MessageBody="x")
            assert "Messages" not in sqs_client.receive_message(QueueUrl=sqs_queue.url)
            assert sqs.chaos_seed is not None
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_a_bad_ini_value_is_a_usage_error(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    prepare(pytester, monkeypatch, sqs_chaos="duplicate=lots")
    result = pytester.runpytest()
    result.stderr.fnmatch_lines(["*sqs_chaos: 'duplicate=lots' is not name=value*"])
    assert result.ret == pytest.ExitCode.USAGE_ERROR


def test_the_header_names_the_sessions_seed_and_reports_name_what_replays_each_chaos(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    prepare(pytester, monkeypatch, sqs_chaos="on")
    pytester.makepyfile(
        """
        from pytest_sqs import mock_sqs

        def test_fails(sqs):
            with sqs.chaos_on({"reorder": 0.5}):
                pass
            with mock_sqs(chaos={"duplicate": 0.1, "seed": 7}):
                pass
            assert False
        """
    )
    result = pytester.runpytest("-rA")
    result.assert_outcomes(failed=1)
    [header] = [line for line in result.outlines if line.startswith("pytest-sqs: ")]
    session = header.rpartition(" ")[2].rstrip(")")
    assert header.endswith(
        "chaos=duplicate=0.1 duplicate_in_flight=0.05 reorder=0.1 empty_receive=0.2, "
        f"block_unmocked=on; chaos seed {session} "
        f"(replay with --sqs-chaos-seed {session})"
    )
    block = (int(session) * 1_000_003 + 1) % 2**32
    replay = f"replay them with: pytest test_the_header_names_the_sessions_seed_and_reports_name_what_replays_each_chaos.py::test_fails --sqs-chaos-seed {session}"  # noqa: E501
    result.stdout.fnmatch_lines(
        [
            f"chaos seed {session}, 0 fault(s) injected; {replay}",
            f"chaos seed {block}, 0 fault(s) injected; {replay}",
            "chaos seed 7, 0 fault(s) injected; the seed is set in the test, so every run "
            "replays them",
        ]
    )
