"""A Celery-style kombu worker in its own process, for tests/test_server_clients.py.

Usage: python kombu_worker.py <queue> ack|crash
Takes one message from the queue through kombu's SQS transport (the endpoint comes from
AWS_ENDPOINT_URL_SQS, as a deployed worker's would), prints its payload as JSON, then
acknowledges it or dies without acknowledging (as a worker killed mid-task).
"""

from __future__ import annotations

import json
import os
import sys

from kombu import Connection


def main(queue: str, how: str) -> None:
    options = {"region": os.environ["AWS_DEFAULT_REGION"], "wait_time_seconds": 1}
    with Connection("sqs://", transport_options=options) as connection:
        inbox = connection.SimpleQueue(queue)
        message = inbox.get(timeout=5)
        print(json.dumps(message.payload), flush=True)
        if how == "crash":
            os._exit(3)  # no ack, no clean-up: the message stays in flight
        message.ack()
        inbox.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
