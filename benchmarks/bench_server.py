"""Round trip per call through the HTTP server, against moto's server mode and a floor.

Usage:
    python benchmarks/bench_server.py            # full run (~1 min)
    python benchmarks/bench_server.py --quick    # a rougher run
    python benchmarks/bench_server.py --json out.json

One boto3 client configuration talks to three endpoints on loopback, in one process:
  floor   a canned-answer HTTP server (same stdlib server as ours, no simulator): what
          botocore, HTTP and the socket cost by themselves;
  server  pytest-sqs's SQSServer;
  moto    moto's ThreadedMotoServer (Werkzeug).
Rounds alternate between them so load on the machine hits all alike; the report gives
medians per call and the ratios server/floor and moto/server, paired by round.
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import statistics
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import boto3

from pytest_sqs import SQSServer

CANNED = {
    "SendMessage": {"MD5OfMessageBody": "5d41402abc4b2a76b9719d911017c592", "MessageId": "x"},
    "ReceiveMessage": {
        "Messages": [{"MessageId": "x", "ReceiptHandle": "r", "MD5OfBody": "m", "Body": "hello"}]
    },
    "DeleteMessage": {},
    "CreateQueue": {"QueueUrl": "http://127.0.0.1/123456789012/bench"},
}


class _Floor(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        action = self.headers.get("X-Amz-Target", "").rpartition(".")[2]
        body = json.dumps(CANNED.get(action, {})).encode()
        head = (
            "HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.0\r\n"
            f"x-amzn-RequestId: r\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode()
        self.wfile.write(head + body)


def _client(endpoint: str) -> Any:
    return boto3.session.Session().client(
        "sqs",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def _cycle(client: Any, url: str, times: dict[str, list[float]], cycles: int) -> None:
    """send, receive, delete — each call timed on its own."""
    for _ in range(cycles):
        t0 = time.perf_counter_ns()
        client.send_message(QueueUrl=url, MessageBody="hello")
        t1 = time.perf_counter_ns()
        received = client.receive_message(QueueUrl=url, MaxNumberOfMessages=1)
        t2 = time.perf_counter_ns()
        client.delete_message(QueueUrl=url, ReceiptHandle=received["Messages"][0]["ReceiptHandle"])
        t3 = time.perf_counter_ns()
        times["send"].append((t1 - t0) / 1000)
        times["receive"].append((t2 - t1) / 1000)
        times["delete"].append((t3 - t2) / 1000)


def run(rounds: int, cycles: int) -> dict[str, Any]:
    from moto.server import ThreadedMotoServer  # a comparison peer only

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's access log
    floor = ThreadingHTTPServer(("127.0.0.1", 0), _Floor)
    threading.Thread(target=floor.serve_forever, daemon=True).start()
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    ours = SQSServer().start()
    endpoints: dict[str, str] = {
        "floor": f"http://127.0.0.1:{floor.server_address[1]}",
        "server": ours.endpoint_url,
        "moto": f"http://127.0.0.1:{moto.get_host_and_port()[1]}",
    }
    clients = {name: _client(url) for name, url in endpoints.items()}
    urls = {name: c.create_queue(QueueName="bench")["QueueUrl"] for name, c in clients.items()}
    per_round: dict[str, list[dict[str, float]]] = {name: [] for name in clients}
    try:
        for name, client in clients.items():  # warm connections and caches
            _cycle(client, urls[name], {"send": [], "receive": [], "delete": []}, 20)
        for _ in range(rounds):
            for name, client in clients.items():
                times: dict[str, list[float]] = {"send": [], "receive": [], "delete": []}
                gc.disable()
                try:
                    _cycle(client, urls[name], times, cycles)
                finally:
                    gc.enable()
                per_round[name].append({k: statistics.median(v) for k, v in times.items()})
    finally:
        ours.stop()
        moto.stop()
        floor.shutdown()
        floor.server_close()
    return _report(per_round, rounds, cycles)


def _report(per_round: dict[str, list[dict[str, float]]], rounds: int, cycles: int) -> Any:
    calls = ("send", "receive", "delete")

    def median(name: str, call: str) -> float:
        return statistics.median(r[call] for r in per_round[name])

    def paired(top: str, bottom: str, call: str) -> float:
        pairs = zip(per_round[top], per_round[bottom], strict=True)
        return statistics.median(t[call] / b[call] for t, b in pairs)

    return {
        "rounds": rounds,
        "cycles_per_round": cycles,
        "median_us": {n: {c: round(median(n, c), 1) for c in calls} for n in per_round},
        "server_over_floor": {c: round(paired("server", "floor", c), 2) for c in calls},
        "moto_over_server": {c: round(paired("moto", "server", c), 2) for c in calls},
    }


def render(report: dict[str, Any]) -> str:
    lines = [
        f"HTTP round trip per call ({report['rounds']} rounds x "
        f"{report['cycles_per_round']} cycles; medians, µs)",
        f"{'call':<10}{'floor':>10}{'pytest-sqs':>12}{'moto':>10}"
        f"{'ours/floor':>12}{'moto/ours':>11}",
    ]
    us = report["median_us"]
    for call in ("send", "receive", "delete"):
        lines.append(
            f"{call:<10}{us['floor'][call]:>10.1f}{us['server'][call]:>12.1f}"
            f"{us['moto'][call]:>10.1f}{report['server_over_floor'][call]:>11.2f}x"
            f"{report['moto_over_server'][call]:>10.2f}x"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    report = run(rounds=5 if args.quick else 15, cycles=40 if args.quick else 100)
    print(render(report))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
