"""The error catalogue: every Amazon SQS error, once (sqs-behaviour.md §1.2).

An :class:`ErrorKind` is one AWS error as it travels on the wire: the botocore
shape name (the JSON ``__type`` and the exception class), the legacy query code
that botocore reports as ``Error.Code``, the HTTP status and who is at fault.
An :class:`ErrorSpec` pairs a kind with one exact message text.  The core raises
``SQSError(spec, **fields)``; only the wire layer turns that into bytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class ErrorKind:
    """One AWS SQS error type.

    Attributes:
        shape: botocore shape name / JSON ``__type`` (e.g. ``QueueDoesNotExist``).
        code: legacy query code, what botocore puts in ``Error.Code``.
        status: HTTP status code.
        sender_fault: ``True`` for client errors (``Sender``), else ``Receiver``.
    """

    shape: str
    code: str
    status: int = 400
    sender_fault: bool = True

    @property
    def fault(self) -> str:
        return "Sender" if self.sender_fault else "Receiver"


@dataclass(frozen=True, slots=True)
class ErrorSpec:
    """An error kind with its exact message template (``str.format`` fields)."""

    kind: ErrorKind
    template: str


class SQSError(Exception):
    """An error Amazon SQS would return; raised by the core, rendered by the wire layer."""

    def __init__(self, spec: ErrorSpec, **fields: Any) -> None:
        self.spec = spec
        self.fields = fields
        self.message = spec.template.format(**fields) if fields else spec.template
        super().__init__(f"{spec.kind.code}: {self.message}")

    @property
    def kind(self) -> ErrorKind:
        return self.spec.kind


class SimulatorBug(Exception):
    """An unexpected failure inside the simulator: our bug, never an AWS answer."""

    __module__ = "pytest_sqs"  # how users import it; shown in tracebacks

    def __init__(self, operation: str, params: Mapping[str, Any]) -> None:
        super().__init__(
            f"pytest-sqs failed internally while handling {operation} with parameters "
            f"{dict(params)!r}. This is a bug in pytest-sqs, not an SQS error; please "
            "report it with this message and the traceback above."
        )
        self.operation = operation
        self.params = params


class UnsupportedBySimulator(Exception):
    """The request is valid SQS but pytest-sqs does not simulate it (yet)."""

    __module__ = "pytest_sqs"  # how users import it; shown in tracebacks


# ---------------------------------------------------------------------------
# Kinds: one per error AWS SQS can return.  The botocore model lists the
# modelled ones; a test checks that every one of them is here.
# ---------------------------------------------------------------------------

_Q = "AWS.SimpleQueueService."

QUEUE_DOES_NOT_EXIST = ErrorKind("QueueDoesNotExist", _Q + "NonExistentQueue")
QUEUE_NAME_EXISTS = ErrorKind("QueueNameExists", "QueueAlreadyExists")
QUEUE_DELETED_RECENTLY = ErrorKind("QueueDeletedRecently", _Q + "QueueDeletedRecently")
PURGE_QUEUE_IN_PROGRESS = ErrorKind("PurgeQueueInProgress", _Q + "PurgeQueueInProgress", 403)
TOO_MANY_ENTRIES = ErrorKind("TooManyEntriesInBatchRequest", _Q + "TooManyEntriesInBatchRequest")
EMPTY_BATCH = ErrorKind("EmptyBatchRequest", _Q + "EmptyBatchRequest")
BATCH_IDS_NOT_DISTINCT = ErrorKind("BatchEntryIdsNotDistinct", _Q + "BatchEntryIdsNotDistinct")
BATCH_TOO_LONG = ErrorKind("BatchRequestTooLong", _Q + "BatchRequestTooLong")
INVALID_BATCH_ENTRY_ID = ErrorKind("InvalidBatchEntryId", _Q + "InvalidBatchEntryId")
MESSAGE_NOT_INFLIGHT = ErrorKind("MessageNotInflight", _Q + "MessageNotInflight")
UNSUPPORTED_OPERATION = ErrorKind("UnsupportedOperation", _Q + "UnsupportedOperation")
OVER_LIMIT = ErrorKind("OverLimit", "OverLimit", 403)
RESOURCE_NOT_FOUND = ErrorKind("ResourceNotFoundException", "ResourceNotFoundException", 404)
INVALID_ATTRIBUTE_NAME = ErrorKind("InvalidAttributeName", "InvalidAttributeName")
INVALID_ATTRIBUTE_VALUE = ErrorKind("InvalidAttributeValue", "InvalidAttributeValue")
RECEIPT_HANDLE_IS_INVALID = ErrorKind("ReceiptHandleIsInvalid", "ReceiptHandleIsInvalid", 404)
INVALID_ID_FORMAT = ErrorKind("InvalidIdFormat", "InvalidIdFormat")
INVALID_MESSAGE_CONTENTS = ErrorKind("InvalidMessageContents", "InvalidMessageContents")
KMS_ACCESS_DENIED = ErrorKind("KmsAccessDenied", "KMS.AccessDeniedException")
KMS_DISABLED = ErrorKind("KmsDisabled", "KMS.DisabledException")
KMS_INVALID_KEY_USAGE = ErrorKind("KmsInvalidKeyUsage", "KMS.InvalidKeyUsageException")
KMS_INVALID_STATE = ErrorKind("KmsInvalidState", "KMS.InvalidStateException")
KMS_NOT_FOUND = ErrorKind("KmsNotFound", "KMS.NotFoundException")
KMS_OPT_IN_REQUIRED = ErrorKind("KmsOptInRequired", "KMS.OptInRequired")
KMS_THROTTLED = ErrorKind("KmsThrottled", "KMS.ThrottlingException")
REQUEST_THROTTLED = ErrorKind("RequestThrottled", "RequestThrottled", 403)
INVALID_ADDRESS = ErrorKind("InvalidAddress", "InvalidAddress", 404)
INVALID_SECURITY = ErrorKind("InvalidSecurity", "InvalidSecurity", 403)
# Not modelled by botocore: raised as a plain ClientError whose Code is the query code.
INVALID_PARAMETER_VALUE = ErrorKind("InvalidParameterValueException", "InvalidParameterValue")
MISSING_PARAMETER = ErrorKind("MissingRequiredParameterException", "MissingParameter")
INVALID_ACTION = ErrorKind("InvalidAction", "InvalidAction")
EMPTY_VALUE = ErrorKind("EmptyValue", "EmptyValue")  # per batch entry only (AWS-rec code)
INTERNAL_ERROR = ErrorKind("InternalError", "InternalError", 500, sender_fault=False)
SERVICE_UNAVAILABLE = ErrorKind("ServiceUnavailable", "ServiceUnavailable", 503, sender_fault=False)
# The HTTP front door's (only the server meets them; AWS-rec kinds and query codes).
SERIALIZATION_EXCEPTION = ErrorKind("SerializationException", "MalformedInput")
UNKNOWN_OPERATION_EXCEPTION = ErrorKind("UnknownOperationException", "InvalidAction")
MISSING_ACTION = ErrorKind("MissingAction", "MissingAction")  # query protocol (CommonErrors)
REQUEST_TOO_LARGE = ErrorKind("RequestEntityTooLargeException", "RequestEntityTooLarge", 413)

ALL_KINDS: tuple[ErrorKind, ...] = tuple(
    value for value in list(globals().values()) if isinstance(value, ErrorKind)
)


def _spec(kind: ErrorKind, template: str) -> ErrorSpec:
    return ErrorSpec(kind, template)


# ---------------------------------------------------------------------------
# Messages, word for word.  Markers follow sqs-behaviour.md: (AWS-rec) was
# recorded against AWS; anything else is the best evidence we found.
# ---------------------------------------------------------------------------

_VALUE = "Value {value} for parameter {param} is invalid. Reason: {reason}"

# Queues
NON_EXISTENT_QUEUE = _spec(QUEUE_DOES_NOT_EXIST, "The specified queue does not exist.")  # AWS-rec
QUEUE_EXISTS = _spec(
    QUEUE_NAME_EXISTS,
    "A queue already exists with the same name and a different value for attribute {name}",
)  # AWS-rec, no trailing period
DELETED_RECENTLY = _spec(
    QUEUE_DELETED_RECENTLY,
    "You must wait 60 seconds after deleting a queue before you can create another with the "
    "same name.",
)
PURGE_IN_PROGRESS = _spec(
    PURGE_QUEUE_IN_PROGRESS,
    "Only one PurgeQueue operation on {name} is allowed every 60 seconds.",
)  # AWS-rec
BAD_QUEUE_NAME = _spec(
    INVALID_PARAMETER_VALUE,
    "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length",
)
EMPTY_QUEUE_NAME = _spec(INVALID_PARAMETER_VALUE, "Queue name cannot be empty")
BAD_FIFO_QUEUE_NAME = _spec(
    INVALID_PARAMETER_VALUE,
    "The name of a FIFO queue can only include alphanumeric characters, hyphens, or "
    "underscores, must end with .fifo suffix and be 1 to 80 in length.",
)
UNKNOWN_ATTRIBUTE = _spec(INVALID_ATTRIBUTE_NAME, "Unknown Attribute {name}.")  # AWS-rec
FIFO_ONLY_ATTRIBUTE = _spec(
    INVALID_ATTRIBUTE_NAME,
    "You can specify the {name} only when FifoQueue is set to true.",
)  # AWS-rec (DeduplicationScope, FifoThroughputLimit)
INVALID_ATTRIBUTE = _spec(INVALID_ATTRIBUTE_VALUE, "Invalid value for the parameter {name}.")
QUEUE_TYPE_CHANGE = _spec(
    INVALID_ATTRIBUTE_VALUE,
    "Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported.",
)  # AWS-rec
TWO_SSE_KINDS = _spec(
    INVALID_ATTRIBUTE_NAME,
    "You can use one type of server-side encryption (SSE) at one time. You can either enable "
    "KMS SSE or SQS SSE.",
)  # AWS-rec
TOO_MANY_STATEMENTS = _spec(
    OVER_LIMIT,
    "{count} statements were found in the submitted policy, max allowed is 20",
)
TOO_MANY_PERMISSIONS = _spec(OVER_LIMIT, "{count} Statements were found, maximum allowed is 20.")
INVALID_PARAMETER = _spec(INVALID_PARAMETER_VALUE, _VALUE)
LIST_MAX_RESULTS = _spec(
    INVALID_PARAMETER_VALUE,
    "Value for parameter MaxResults is invalid. Reason: MaxResults must be an integer between 1 "
    "and 1000.",
)
INVALID_NEXT_TOKEN = _spec(INVALID_PARAMETER_VALUE, "Invalid NextToken value.")

# Tags and permissions
TAG_LIMIT = _spec(
    INVALID_PARAMETER_VALUE,
    "Too many tags added for queue {name}.",
)
TOO_MANY_ACTIONS = _spec(OVER_LIMIT, "{count} Actions were found, maximum allowed is 7.")
LABEL_EXISTS = _spec(
    INVALID_PARAMETER_VALUE,
    "Value {value} for parameter Label is invalid. Reason: Already exists.",
)  # AWS-rec
LABEL_NOT_FOUND = _spec(
    INVALID_PARAMETER_VALUE,
    "Value {value} for parameter Label is invalid. Reason: can't find label.",
)  # AWS-rec
INVALID_ACTION_NAME = _spec(
    INVALID_PARAMETER_VALUE,
    "Value SQS:{value} for parameter ActionName is invalid. Reason: Please refer to the "
    "appropriate WSDL for a list of valid actions.",
)
OWNER_ONLY_ACTION = _spec(
    INVALID_PARAMETER_VALUE,
    "Value SQS:{value} for parameter ActionName is invalid. Reason: Only the queue owner is "
    "allowed to invoke this action.",
)
BAD_LABEL = _spec(
    INVALID_PARAMETER_VALUE,
    "Label can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length",
)
NON_EXISTENT_FOREIGN_QUEUE = _spec(
    QUEUE_DOES_NOT_EXIST,
    "The specified queue does not exist or you do not have access to it.",
)
MISSING = _spec(MISSING_PARAMETER, "The request must contain the parameter {param}.")  # AWS-rec

# Messages
MESSAGE_TOO_LONG = _spec(
    INVALID_PARAMETER_VALUE,
    "One or more parameters are invalid. Reason: Message must be shorter than {limit} bytes.",
)  # AWS-rec
BATCH_MESSAGE_TOO_LONG = _spec(
    INVALID_PARAMETER_VALUE,
    "One or more parameters cannot be validated. Reason: Message must be shorter than {limit} "
    "bytes.",
)  # AWS-rec
INVALID_CHARACTERS = _spec(
    INVALID_MESSAGE_CONTENTS,
    "Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF "
    "| #xE000 to #xFFFD | #x10000 to #x10FFFF",
)
ATTRIBUTE_VALUE_CHARACTERS = _spec(
    INVALID_PARAMETER_VALUE,
    "Message (user) attribute '{name}' contains invalid characters. Valid unicode characters "
    "are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF",
)
SYSTEM_ATTRIBUTE_CHARACTERS = _spec(
    INVALID_PARAMETER_VALUE,
    "Message system attribute '{name}' contains invalid characters. Valid unicode characters "
    "are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF",
)  # unconfirmed: worded as AWS words the user-attribute error
ATTRIBUTE_EMPTY_VALUE = _spec(
    INVALID_PARAMETER_VALUE,
    "Message (user) attribute '{name}' must contain a non-empty value of type '{type}'.",
)  # AWS-rec
ATTRIBUTE_TOO_MANY = _spec(
    INVALID_PARAMETER_VALUE,
    "Number of message attributes [{count}] exceeds the allowed maximum [10].",
)
ATTRIBUTE_NAME_TOO_LONG = _spec(
    INVALID_PARAMETER_VALUE,
    "Message (user) attribute name must be shorter than 256 bytes.",
)
ATTRIBUTE_NAME_EMPTY = _spec(
    INVALID_PARAMETER_VALUE,
    "The request must contain non-empty message (user) attribute names.",
)
ATTRIBUTE_NAME_LEADING_DOT = _spec(
    INVALID_PARAMETER_VALUE,
    "Message (user) attribute name must not begin with character '.'.",
)
ATTRIBUTE_NAME_TRAILING_DOT = _spec(
    INVALID_PARAMETER_VALUE,
    "Message (user) attribute name must not end with character '.'.",
)
ATTRIBUTE_NAME_DOUBLE_DOT = _spec(
    INVALID_PARAMETER_VALUE,
    "Message (user) attribute name must not have successive '.' characters.",
)
ATTRIBUTE_NO_VALUE = _spec(
    INVALID_PARAMETER_VALUE,
    "The message (user) attribute '{name}' must contain a non-empty message attribute value.",
)
ATTRIBUTE_TWO_VALUES = _spec(
    INVALID_PARAMETER_VALUE, "Message (user) attribute '{name}' must have a single value."
)
ATTRIBUTE_WRONG_FIELD = _spec(
    INVALID_PARAMETER_VALUE,
    "Message (user) attribute '{name}' with type '{type}' must use field '{type}'.",
)
ATTRIBUTE_LIST_VALUES = _spec(
    UNSUPPORTED_OPERATION,
    "Message attribute list values in SendMessage operation are not supported.",
)
ATTRIBUTE_NAME_CHARACTERS = _spec(
    INVALID_PARAMETER_VALUE,
    "Message (user) attributes name can only contain upper and lower score characters, "
    "digits, periods, hyphens and underscores. ",
)
ATTRIBUTE_NAME_RESERVED = _spec(
    INVALID_PARAMETER_VALUE,
    "You can't use message attribute names beginning with 'AWS.' or 'Amazon'. These strings "
    "are reserved for internal use.",
)
ATTRIBUTE_BAD_TYPE = _spec(
    INVALID_PARAMETER_VALUE,
    "The type of message (user) attribute '{name}' is invalid. You must use only the "
    "following supported type prefixes: Binary, Number, String.",
)
ATTRIBUTE_TYPE_TOO_LONG = _spec(
    INVALID_PARAMETER_VALUE,
    "Message (user) attribute type must be shorter than 256 bytes.",
)
ATTRIBUTE_BAD_NUMBER = _spec(
    INVALID_PARAMETER_VALUE,
    "Can't cast the value of message (user) attribute '{name}' to a number.",
)
SYSTEM_ATTRIBUTE_UNKNOWN = _spec(
    INVALID_PARAMETER_VALUE,
    "Message system attribute name '{name}' is invalid.",
)
SYSTEM_ATTRIBUTE_TYPE = _spec(
    INVALID_PARAMETER_VALUE,
    "Message system attribute '{name}' must contain a non-empty value of type 'String'.",
)
GROUP_ID_SYNTAX = _spec(
    INVALID_PARAMETER_VALUE,
    "Value {value} for parameter {param} is invalid. Reason: {param} can only include "
    "alphanumeric and punctuation characters. 1 to 128 in length.",
)  # AWS-rec
NOT_FOR_QUEUE_TYPE = _spec(
    INVALID_PARAMETER_VALUE,
    "The request include parameter {param} which is not valid for this queue type",
)  # sic
BATCH_NOT_FOR_QUEUE_TYPE = _spec(
    INVALID_PARAMETER_VALUE,
    "The request include parameter that is not valid for this queue type",
)  # sic
FIFO_DELAY = _spec(
    INVALID_PARAMETER_VALUE,
    "Value {value} for parameter DelaySeconds is invalid. Reason: The request include "
    "parameter that is not valid for this queue type.",
)  # AWS-rec (sic)
FIFO_NO_DEDUPLICATION_ID = _spec(
    INVALID_PARAMETER_VALUE,
    "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId "
    "provided explicitly",
)  # AWS-rec, no period
BATCH_MISSING_GROUP_ID = _spec(
    INVALID_PARAMETER_VALUE, "The request must contain the parameter MessageGroupId."
)  # AWS-rec: InvalidParameterValue in a batch, MissingParameter for SendMessage
ATTEMPT_NOT_RETRYABLE = _spec(
    INVALID_PARAMETER_VALUE,
    "Value {value} for parameter ReceiveRequestAttemptId is invalid. Reason: The "
    "receiveRequestAttemptId is not valid anymore since the receive call is not retryable.",
)  # AWS-rec (aws-sdk-java#2613)
DELAY_RANGE = _spec(
    INVALID_PARAMETER_VALUE,
    "Value {value} for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 "
    "and <= 900.",
)
MAX_MESSAGES_RANGE = _spec(
    INVALID_PARAMETER_VALUE,
    "Value {value} for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 "
    "and 10, if provided.",
)  # AWS-rec
WAIT_TIME_RANGE = _spec(
    INVALID_PARAMETER_VALUE,
    "Value {value} for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, "
    "if provided.",
)  # AWS-rec
RECEIVE_VISIBILITY_RANGE = _spec(
    INVALID_PARAMETER_VALUE,
    "Value {value} for parameter VisibilityTimeout is invalid. Reason: Must be >= 0 and <= "
    "43200, if provided.",
)
VISIBILITY_RANGE = _spec(
    INVALID_PARAMETER_VALUE,
    "Value {value} for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and "
    "43200.",
)
BATCH_VISIBILITY_RANGE = _spec(
    INVALID_PARAMETER_VALUE,
    "Value {value} for parameter VisibilityTimeout is invalid. Reason: VisibilityTimeout must "
    "be an integer between 0 and 43200.",
)
VISIBILITY_TOTAL = _spec(
    INVALID_PARAMETER_VALUE,
    "Value {value} for parameter VisibilityTimeout is invalid. Reason: Total "
    "VisibilityTimeout for the message is beyond the limit [43200 seconds].",
)  # AWS-rec
INFLIGHT_LIMIT = _spec(OVER_LIMIT, "Too many messages in flight.")
INVALID_RECEIPT_HANDLE = _spec(
    RECEIPT_HANDLE_IS_INVALID,
    'The input receipt handle "{handle}" is not a valid receipt handle.',
)  # AWS-rec
FOREIGN_RECEIPT_HANDLE = _spec(
    RECEIPT_HANDLE_IS_INVALID,
    'The receipt handle "{handle}" is not valid for this queue.',
)  # AWS-rec (DeleteMessageBatch entry)
MESSAGE_NOT_AVAILABLE = _spec(
    INVALID_PARAMETER_VALUE,
    "Value {handle} for parameter ReceiptHandle is invalid. Reason: Message does not exist or "
    "is not available for visibility timeout change.",
)  # AWS-rec
RECEIPT_HANDLE_EXPIRED = _spec(
    INVALID_PARAMETER_VALUE,
    "Value {handle} for parameter ReceiptHandle is invalid. Reason: The receipt handle has "
    "expired.",
)  # AWS-rec

# Batches
BATCH_EMPTY = _spec(
    EMPTY_BATCH, "There should be at least one {entry} in the request."
)  # AWS-rec for SendMessageBatchRequestEntry
BATCH_EMPTY_BODY = _spec(EMPTY_VALUE, "The request must contain the parameter MessageBody.")
BATCH_TOO_MANY = _spec(
    TOO_MANY_ENTRIES,
    "Maximum number of entries per request are 10. You have sent {count}.",
)  # AWS-rec
BATCH_BAD_ID = _spec(
    INVALID_BATCH_ENTRY_ID,
    "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It "
    "can be at most 80 letters long.",
)  # AWS-rec
BATCH_DUPLICATE_ID = _spec(BATCH_IDS_NOT_DISTINCT, "Id {id} repeated.")
BATCH_TOO_LONG_TOTAL = _spec(
    BATCH_TOO_LONG,
    "Batch requests cannot be longer than 1048576 bytes. You have sent {size} bytes.",
)  # AWS-rec
INVALID_PARAMETER_VALUE_REASON = _spec(
    INVALID_PARAMETER_VALUE, "Invalid value for the parameter {name}. Reason: {reason}"
)
THROUGHPUT_NEEDS_GROUP_SCOPE = _spec(
    INVALID_ATTRIBUTE_VALUE,
    "The perMessageGroupId value is allowed only when the value for DeduplicationScope is "
    "messageGroup",
)
TAG_KEY_LENGTH = _spec(
    INVALID_PARAMETER_VALUE, "Tag keys must be between 1 and 128 characters in length."
)
TAG_VALUE_LENGTH = _spec(
    INVALID_PARAMETER_VALUE, "Tag values must be between 0 and 256 characters in length."
)
TAG_KEY_CHARACTERS = _spec(
    INVALID_PARAMETER_VALUE,
    "Tag keys may only contain unicode letters, digits, whitespace, or one of these symbols: "
    "_ . : / = + - @",
)
TAG_VALUE_CHARACTERS = _spec(
    INVALID_PARAMETER_VALUE,
    "Tag values may only contain unicode letters, digits, whitespace, or one of these symbols: "
    "_ . : / = + - @",
)

# Message move tasks (§6.4)
ARN_FORMAT = _spec(
    INVALID_PARAMETER_VALUE,
    "You must use this format to specify the {param}: "
    "arn:<partition>:<service>:<region>:<account-id>:<resource-id>",
)
RESOURCE_MISSING = _spec(
    RESOURCE_NOT_FOUND,
    "The resource that you specified for the {param} parameter doesn't exist.",
)  # AWS-rec, HTTP 404
NOT_A_DEAD_LETTER_QUEUE = _spec(
    INVALID_PARAMETER_VALUE, "Source queue must be configured as a Dead Letter Queue."
)  # AWS-rec
TASK_ALREADY_RUNNING = _spec(
    INVALID_PARAMETER_VALUE,
    "There is already a task running. Only one active task is allowed for a source queue arn "
    "at a given time.",
)  # AWS-rec
MOVE_RATE_RANGE = _spec(
    INVALID_PARAMETER_VALUE,
    "Value for parameter MaxNumberOfMessagesPerSecond is invalid. Reason: You must enter a "
    "number that's between 1 and 500.",
)
MOVE_TASKS_MAX_RESULTS = _spec(
    INVALID_PARAMETER_VALUE,
    "Value for parameter MaxResults is invalid. Reason: You must enter a number that's "
    "between 1 and 10.",
)
BAD_TASK_HANDLE = _spec(INVALID_PARAMETER_VALUE, "Value for parameter TaskHandle is invalid.")
TASK_NOT_FOUND = _spec(RESOURCE_NOT_FOUND, "Task does not exist.")  # AWS-rec, HTTP 404
TASK_NOT_RUNNING = _spec(INVALID_PARAMETER_VALUE, "Only active tasks can be cancelled.")
MOVE_TYPE_MISMATCH = _spec(
    INVALID_PARAMETER_VALUE,
    "The source queue and the destination queue must be of the same queue type.",
)  # unconfirmed text; AWS documents that they must match

# The HTTP front door (sqs-behaviour.md §1.1; recorded kinds, texts mostly unrecorded)
MALFORMED_BODY = _spec(SERIALIZATION_EXCEPTION, "")  # AWS-rec kind; Coral sends no text
WRONG_TYPE = _spec(SERIALIZATION_EXCEPTION, "{found} can not be converted to {wanted}")
# ^ AWS-rec for a string where an Integer belongs ("STRING_VALUE ... an Integer")
INVALID_BASE64 = _spec(SERIALIZATION_EXCEPTION, "Base64 encoded binary value is invalid: {value}")
UNKNOWN_OPERATION = _spec(UNKNOWN_OPERATION_EXCEPTION, "")  # AWS-rec kind, no text
QUERY_INVALID_ACTION = _spec(
    INVALID_ACTION, "The action {action} is not valid for this endpoint."
)  # AWS-rec
QUERY_MISSING_ACTION = _spec(
    MISSING_ACTION, "The request is missing an action or a required parameter."
)  # AWS CommonErrors text
BODY_TOO_LARGE = _spec(REQUEST_TOO_LARGE, "Request body must be smaller than {limit} bytes.")
SIMULATOR_BUG = _spec(INTERNAL_ERROR, "{report}")  # never AWS's: pytest-sqs failed inside

# Transient: a call fails for no fault of its own and may be retried (chaos mode sends
# them).  Texts from SQS responses of the query era; no JSON-era capture was found.
THROTTLED = _spec(REQUEST_THROTTLED, "Request is throttled.")  # seen in SDK traces, 403
INTERNAL = _spec(INTERNAL_ERROR, "We encountered an internal error. Please try again.")
UNAVAILABLE = _spec(
    SERVICE_UNAVAILABLE, "The request has failed due to a temporary failure of the server."
)  # AWS CommonErrors text
KMS_THROTTLING = _spec(KMS_THROTTLED, "Rate exceeded")  # unconfirmed: KMS's own throttling text

# ---------------------------------------------------------------------------
# CloudWatch (GetMetricStatistics, GetMetricData, ListMetrics for AWS/SQS; cloudwatch.py).
# Codes and statuses from the botocore model; texts from responses quoted in public
# issues and SDK tests where one was found, marked unconfirmed where not.
# ---------------------------------------------------------------------------

INVALID_PARAMETER_COMBINATION = ErrorKind(
    "InvalidParameterCombinationException", "InvalidParameterCombination"
)
NEXT_TOKEN_INVALID = ErrorKind("InvalidNextToken", "InvalidNextToken")
VALIDATION_ERROR = ErrorKind("ValidationError", "ValidationError")  # unmodelled, Coral's
CLOUDWATCH_KINDS = (
    INVALID_PARAMETER_VALUE,
    MISSING_PARAMETER,
    INVALID_PARAMETER_COMBINATION,
    NEXT_TOKEN_INVALID,
    VALIDATION_ERROR,
)

CW_MISSING = _spec(MISSING_PARAMETER, "The parameter {param} is required.")
CW_BAD_TIMESTAMP = _spec(
    SERIALIZATION_EXCEPTION, "The value of parameter {param} can not be converted to a Timestamp"
)  # unconfirmed; botocore clients never send one
CW_START_EQUALS_END = _spec(
    INVALID_PARAMETER_VALUE, "The parameter StartTime must not equal parameter EndTime."
)  # captured (GetMetricStatistics 2016, GetMetricData 2022)
CW_START_AFTER_END = _spec(
    INVALID_PARAMETER_VALUE, "The parameter StartTime must be less than the parameter EndTime."
)  # an AWS-validated SDK test
CW_END_BEFORE_START = _spec(
    INVALID_PARAMETER_VALUE, "The parameter EndTime must be greater than StartTime."
)  # GetMetricData; unconfirmed (moto's text)
CW_TOO_MANY_DATAPOINTS = _spec(
    INVALID_PARAMETER_COMBINATION,
    "You have requested up to {count} datapoints, which exceeds the limit of {limit}. You may "
    "reduce the datapoints requested by increasing Period, or decreasing the time range.",
)  # captured, 2022-2025
CW_STATISTICS_XOR = _spec(
    INVALID_PARAMETER_COMBINATION, "Must specify either Statistics or ExtendedStatistics"
)  # unconfirmed (moto's text)
CW_STATISTICS_BOTH = _spec(
    INVALID_PARAMETER_COMBINATION,
    "Must specify either Statistics or ExtendedStatistics, but not both",
)  # unconfirmed
CW_BAD_STATISTIC = _spec(
    INVALID_PARAMETER_VALUE,
    "The parameter Statistics.member.{index} must be a value in the set "
    "[SampleCount, Average, Sum, Minimum, Maximum].",
)  # captured, 2023
CW_BAD_PERCENTILE = _spec(
    INVALID_PARAMETER_VALUE,
    "The parameter ExtendedStatistics.member.{index} must be a valid percentile (p0.0 to p100).",
)  # unconfirmed
CW_BAD_PERIOD = _spec(
    INVALID_PARAMETER_VALUE,
    "The parameter Period must be 1, 5, 10, 20, 30, or a multiple of 60.",
)  # unconfirmed
CW_QUERY_PATTERN = _spec(
    VALIDATION_ERROR,
    "The value {value} for parameter MetricDataQueries.member.{index}.Id is not matching "
    "the expected pattern ^[a-z][a-zA-Z0-9_]*$.",
)  # captured, 2019
CW_QUERY_ID_REPEATED = _spec(
    VALIDATION_ERROR,
    "The value {value} for parameter MetricDataQueries.member.{index}.Id is not unique.",
)  # unconfirmed
CW_QUERY_STAT = _spec(
    VALIDATION_ERROR,
    "The value {value} for parameter MetricDataQueries.member.{index}.MetricStat.Stat is not "
    "a valid statistic.",
)  # captured
CW_QUERY_PERIOD = _spec(
    VALIDATION_ERROR,
    "The value {value} for parameter MetricDataQueries.member.{index}.MetricStat.Period is "
    "not a valid period; it must be 1, 5, 10, 20, 30, or a multiple of 60.",
)  # unconfirmed
CW_QUERY_NEEDS_ONE = _spec(
    VALIDATION_ERROR,
    "The parameter MetricDataQueries.member.{index}.MetricStat is required.",
)  # unconfirmed (moto's text)
CW_QUERY_BOTH = _spec(
    VALIDATION_ERROR,
    "Exactly one of MetricStat and Expression must be given in MetricDataQueries.member.{index}.",
)  # unconfirmed
CW_QUERIES_NEEDED = _spec(
    VALIDATION_ERROR,
    "1 validation error detected: Value null at 'metricDataQueries' failed to satisfy "
    "constraint: Member must not be null",
)  # Coral's validation pattern
CW_ENUM = _spec(
    VALIDATION_ERROR,
    "1 validation error detected: Value '{value}' at '{field}' failed to satisfy constraint: "
    "Member must satisfy enum value set: [{allowed}]",
)  # Coral's validation pattern, captured for other CloudWatch actions
CW_RANGE = _spec(
    VALIDATION_ERROR,
    "1 validation error detected: Value '{value}' at '{field}' failed to satisfy constraint: "
    "Member must have {what}",
)  # Coral's validation pattern
CW_BAD_NEXT_TOKEN = _spec(NEXT_TOKEN_INVALID, "The service couldn't process the NextToken.")
# ^ unconfirmed
CW_BAD_LIST_TOKEN = _spec(INVALID_PARAMETER_VALUE, "Request parameter NextToken is invalid")
# ^ unconfirmed (moto's text); ListMetrics models no InvalidNextToken
