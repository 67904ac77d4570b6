"""Every numeric limit and default of Amazon SQS, named once (sqs-behaviour.md §1.4, §2)."""

from __future__ import annotations

MAX_MESSAGE_SIZE_BYTES = 1_048_576  # default and upper bound of MaximumMessageSize
MIN_MESSAGE_SIZE_BYTES = 1_024
MAX_BATCH_SIZE_BYTES = 1_048_576  # SendMessageBatch total, independent of the queue's setting
MAX_BATCH_ENTRIES = 10
MAX_BATCH_ENTRY_ID_LENGTH = 80

MAX_MESSAGE_ATTRIBUTES = 10
MAX_ATTRIBUTE_NAME_LENGTH = 256
MAX_DATA_TYPE_LENGTH = 256

MIN_RECEIVE_MESSAGES = 1
MAX_RECEIVE_MESSAGES = 10
MAX_WAIT_TIME_S = 20
MAX_VISIBILITY_TIMEOUT_S = 43_200  # 12 hours, also the cap on total in-flight time
MAX_DELAY_S = 900
MIN_RETENTION_S = 60
MAX_RETENTION_S = 1_209_600
MIN_KMS_REUSE_S = 60
MAX_KMS_REUSE_S = 86_400

DEFAULT_VISIBILITY_TIMEOUT_S = 30
DEFAULT_DELAY_S = 0
DEFAULT_RETENTION_S = 345_600  # 4 days
DEFAULT_WAIT_TIME_S = 0
DEFAULT_KMS_REUSE_S = 300

MAX_INFLIGHT_STANDARD = 120_000
MAX_QUEUE_NAME_LENGTH = 80
MAX_GROUP_ID_LENGTH = 128  # also MessageDeduplicationId and ReceiveRequestAttemptId

QUEUE_REUSE_WAIT_S = 60  # after DeleteQueue, before CreateQueue of the same name
PURGE_INTERVAL_S = 60

MAX_LIST_RESULTS = 1_000
MAX_TAGS_PER_QUEUE = 50
MAX_PERMISSION_ACTIONS = 7
MAX_POLICY_STATEMENTS = 20
MAX_LABEL_LENGTH = 80
MAX_RECEIVE_COUNT = 1_000  # RedrivePolicy maxReceiveCount
MAX_REDRIVE_SOURCE_ARNS = 10  # RedriveAllowPolicy sourceQueueArns
MAX_RETIRED_JOURNALS = 100_000  # journals kept per queue for deleted/expired messages
DEDUPLICATION_WINDOW_S = 300  # FIFO: a deduplication id blocks repeats for 5 minutes
RECEIVE_ATTEMPT_WINDOW_S = 300  # FIFO: a ReceiveRequestAttemptId can be retried for 5 minutes
MAX_INFLIGHT_FIFO = 120_000  # receives return fewer messages, no error (§1.4)
MAX_MOVE_RATE = 500  # StartMessageMoveTask MaxNumberOfMessagesPerSecond
MAX_MOVE_TASKS_RESULTS = 10  # ListMessageMoveTasks MaxResults (default 1)
MAX_NUMBER_DIGITS = 38  # Number message attributes: significant digits
