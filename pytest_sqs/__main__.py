"""``python -m pytest_sqs serve``: the simulator as an SQS endpoint for other processes."""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Sequence
from typing import Any

from ._admin import PREFIX as ADMIN_PREFIX
from ._core.simulator import DEFAULT_ACCOUNT_ID, DEFAULT_REGION, LONG_POLL_POLICIES
from ._server import SQSServer


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pytest_sqs", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser(
        "serve",
        help="serve SQS over HTTP (AWS JSON 1.0 and query protocols)",
        description="Serve Amazon SQS, simulated, over HTTP until Ctrl-C.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=9324, help="port (0: any free one)")
    serve.add_argument("--region", default=DEFAULT_REGION, help="default region")
    serve.add_argument("--account-id", default=DEFAULT_ACCOUNT_ID, help="12-digit account id")
    serve.add_argument(
        "--clock",
        choices=("wall", "manual"),
        default="wall",
        help="wall: real time (plus advances); manual: stands still until advanced",
    )
    serve.add_argument("--long-poll", choices=LONG_POLL_POLICIES, default="real")
    serve.add_argument("--seed", type=int, default=None, help="seed of ids and handles")
    return parser


def _stop_on_sigterm() -> None:
    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt  # `docker stop` sends SIGTERM: stop as on Ctrl-C

    signal.signal(signal.SIGTERM, stop)


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        server = SQSServer(
            host=args.host,
            port=args.port,
            region=args.region,
            account_id=args.account_id,
            clock=args.clock,
            seed=args.seed,
            long_poll=args.long_poll,
        )
    except ValueError as error:
        parser.error(str(error))
    try:
        server.bind()
    except OSError as error:
        print(f"pytest-sqs: cannot listen on {args.host}:{args.port}: {error}", file=sys.stderr)
        return 1
    _stop_on_sigterm()
    print(
        f"pytest-sqs: serving SQS at {server.endpoint_url} (region {server.region}, account "
        f"{server.account_id}, {args.clock} clock); admin API at "
        f"{server.endpoint_url}{ADMIN_PREFIX}; Ctrl-C stops.",
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("pytest-sqs: stopped.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
