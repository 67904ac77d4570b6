"""CloudWatch's read side for the ``AWS/SQS`` namespace: GetMetricStatistics,
GetMetricData and ListMetrics answered from the simulator's metrics record (metrics.py).

Timestamps arrive and leave as epoch seconds; the adapters convert.  Like the SQS
actions, these raise :class:`SQSError` with CloudWatch's codes and texts.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import errors, validation
from .errors import SQSError, UnsupportedBySimulator
from .metrics import DIMENSION, METRICS, MINUTE, NAMESPACE, QueueMetrics, Stat
from .move_tasks import settle_tasks

if TYPE_CHECKING:
    from .simulator import SQSSimulator

Result = dict[str, Any]

STATISTICS = ("SampleCount", "Average", "Sum", "Minimum", "Maximum")
MAX_STATISTICS_DATAPOINTS = 1440
MAX_DATA_DATAPOINTS = 100_800
MAX_QUERIES = 500
LIST_PAGE = 500
HIGH_RESOLUTION_PERIODS = (1, 5, 10, 20, 30)
DAY = 86400
# What CloudWatch keeps (AWS docs): sub-minute data 3 hours, one-minute data 15 days,
# five-minute 63 days, hourly 455 days.  A query older than a tier must use a period of
# the next tier, or it finds nothing.
_TIERS = ((3 * 3600, 1), (15 * DAY, 60), (63 * DAY, 300), (455 * DAY, 3600))
# CloudWatch lists metrics with data in the last two weeks; RecentlyActive: three hours.
LISTED_FOR_S = 14 * DAY
RECENTLY_ACTIVE = {"PT3H": 3 * 3600}
_QUERY_ID = re.compile(r"[a-z][a-zA-Z0-9_]*")
_PERCENTILE = re.compile(r"p(\d{1,3}(?:\.\d{1,10})?)")
_SIZES = ("Bytes", "Kilobytes", "Megabytes", "Gigabytes", "Terabytes")
_BITS = ("Bits", "Kilobits", "Megabits", "Gigabits", "Terabits")
_RATES = tuple(f"{unit}/Second" for unit in (*_SIZES, *_BITS, "Count"))
STANDARD_UNITS: tuple[str, ...] = (
    "Seconds",
    "Microseconds",
    "Milliseconds",
    *_SIZES,
    *_BITS,
    "Percent",
    "Count",
)
STANDARD_UNITS += (*_RATES, "None")


class NotSQSMetrics(UnsupportedBySimulator):
    """A CloudWatch request that is not about ``AWS/SQS`` metrics: pytest-sqs does not
    answer it (another mock may)."""


def is_sqs_request(operation: str, params: Mapping[str, Any], *, strict: bool = False) -> bool:
    """Whether a CloudWatch call is one pytest-sqs answers: the three read calls, about
    ``AWS/SQS`` only.  Unless ``strict`` (another mock could answer the rest), that
    includes ListMetrics without a namespace and GetMetricData's expressions, which get
    our answer or our refusal."""
    if operation == "GetMetricStatistics":
        return bool(params.get("Namespace") == NAMESPACE)
    if operation == "ListMetrics":
        return bool(params.get("Namespace", None if strict else NAMESPACE) == NAMESPACE)
    if operation == "GetMetricData":
        queries = params.get("MetricDataQueries")
        if not isinstance(queries, list) or not queries:
            return False
        ours = False
        for query in queries:
            stat = query.get("MetricStat") if isinstance(query, Mapping) else None
            metric = stat.get("Metric") if isinstance(stat, Mapping) else None
            if isinstance(metric, Mapping):
                if metric.get("Namespace") != NAMESPACE:
                    return False
                ours = True
        return ours or not strict  # expressions alone: another mock's, if there is one
    return False


ONLY_SQS_METRICS = (
    "pytest-sqs answers CloudWatch only for SQS metrics (GetMetricStatistics, GetMetricData "
    f"and ListMetrics in the {NAMESPACE} namespace)"
)
ELSEWHERE = (
    "Mock the rest of CloudWatch with another tool, e.g. moto's mock_aws, which pytest-sqs "
    "leaves such calls to when it is active."
)


def not_ours_message(operation: str) -> str:
    return f"{ONLY_SQS_METRICS}; this {operation} call is not one. {ELSEWHERE}"


def handle(
    sim: SQSSimulator, operation: str, params: Mapping[str, Any], account_id: str, region: str
) -> Result:
    """Answer one CloudWatch call for ``AWS/SQS`` (the caller holds the lock)."""
    if not is_sqs_request(operation, params):
        raise NotSQSMetrics(not_ours_message(operation))
    now = sim.clock.now()
    if sim.running_tasks:
        settle_tasks(sim, now)
    view = _Records(sim, account_id, region, now)
    if operation == "GetMetricStatistics":
        return _get_metric_statistics(view, params)
    if operation == "GetMetricData":
        return _get_metric_data(view, params)
    return _list_metrics(view, params)


@dataclass(frozen=True, slots=True)
class _Records:
    """The metrics records of one account and region, as of ``now``."""

    sim: SQSSimulator
    account_id: str
    region: str
    now: float

    def get(self, queue_name: str) -> QueueMetrics | None:
        record = self.sim.metrics.get((self.account_id, self.region, queue_name))
        if record is None:
            return None
        queue = self.sim.find_queue(self.account_id, self.region, queue_name)
        if queue is not None:
            queue.settle(self.now)  # samples every minute up to now; not an access
        return record

    def all(self) -> list[QueueMetrics]:
        names = sorted(
            name
            for account, region, name in self.sim.metrics
            if (account, region) == (self.account_id, self.region)
        )
        return [record for record in map(self.get, names) if record is not None]


# -- shared parameter checks ----------------------------------------------------------


def _required(params: Mapping[str, Any], name: str, where: str = "") -> Any:
    value = params.get(name)
    if value is None:
        raise SQSError(errors.CW_MISSING, param=where + name)
    return value


def _timestamp(params: Mapping[str, Any], name: str) -> float:
    value = _required(params, name)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise SQSError(errors.CW_BAD_TIMESTAMP, param=name)  # only a server client can
    return float(value)


def _times(params: Mapping[str, Any], *, data: bool) -> tuple[float, float]:
    start = _timestamp(params, "StartTime")
    end = _timestamp(params, "EndTime")
    if start == end:
        raise SQSError(errors.CW_START_EQUALS_END)
    if start > end:
        raise SQSError(errors.CW_END_BEFORE_START if data else errors.CW_START_AFTER_END)
    return start, end


def _valid_period(period: Any) -> bool:
    return (
        isinstance(period, int)
        and not isinstance(period, bool)
        and (period in HIGH_RESOLUTION_PERIODS or (period > 0 and period % MINUTE == 0))
    )


def _percentile(stat: str) -> float | None:
    match = _PERCENTILE.fullmatch(stat)
    if match is None:
        return None
    value = float(match[1])
    return value if value <= 100 else None


def _dimensions_name(dimensions: Any) -> str | None:
    """The queue a metric's dimensions name: exactly one, ``QueueName`` (else none)."""
    if not isinstance(dimensions, list) or len(dimensions) != 1:
        return None
    only = dimensions[0]
    if not isinstance(only, Mapping) or only.get("Name") != DIMENSION:
        return None
    value = only.get("Value")
    return value if isinstance(value, str) else None


def _unit(params: Mapping[str, Any], field: str) -> str | None:
    unit = params.get("Unit")
    if unit is not None and unit not in STANDARD_UNITS:
        raise SQSError(errors.CW_ENUM, value=unit, field=field, allowed=", ".join(STANDARD_UNITS))
    return unit


# -- the series ---------------------------------------------------------------------


def _aligned_start(start: float, period: int, now: float) -> float:
    """StartTime rounded down as CloudWatch does: by the age of the data asked for
    (a minute, five minutes, an hour), or to the period for sub-minute periods."""
    age = now - start
    if period < MINUTE:
        step = period
    elif age > 63 * DAY:
        step = 3600
    elif age > 15 * DAY:
        step = 300
    else:
        step = MINUTE
    return float(math.floor(start / step) * step)


def _period_reaches(start: float, period: int, now: float) -> bool:
    """Whether data as old as ``start`` is still kept at a resolution ``period`` can use."""
    age = now - start
    for kept_for, resolution in _TIERS:
        if age <= kept_for:
            return period % resolution == 0 or resolution == 1
    return False


@dataclass(frozen=True, slots=True)
class _Period:
    """One period's data: its statistic set, and where to find its one-minute values."""

    at: float
    total: Stat
    record: QueueMetrics
    metric: str
    first: int  # its minutes within the query: first to last - 1
    last: int

    def statistic(self, name: str) -> float:
        """One statistic (a percentile: over the one-minute values, by nearest rank)."""
        total = self.total
        if name == "SampleCount":
            return total.sample_count
        if name == "Sum":
            return total.sum
        if name == "Minimum":
            return total.minimum
        if name == "Maximum":
            return total.maximum
        if name == "Average":
            return total.average
        percent = _percentile(name)
        assert percent is not None
        values = sorted(
            s.average for _, s in self.record.minutes(self.metric, self.first, self.last)
        )
        return values[max(math.ceil(percent / 100 * len(values)), 1) - 1]


def _series(
    record: QueueMetrics | None,
    metric: str,
    unit: str | None,
    start: float,
    end: float,
    period: int,
    now: float,
    *,
    retention: bool = True,
) -> list[_Period]:
    """The metric's periods with data in [start, end), from ``start`` (a whole minute),
    oldest first.  A minute's datapoint exists once the minute is over, as SQS publishes
    each minute; ``retention``: as CloudWatch keeps them (inspection sees everything)."""
    if (
        record is None
        or metric not in METRICS
        or (unit is not None and unit != METRICS[metric].unit)
    ):
        return []
    if retention and not _period_reaches(start, period, now):
        return []
    oldest_kept = now - _TIERS[-1][0] if retention else start
    first = max(math.ceil(max(start, oldest_kept) / MINUTE), record.first_minute)
    last = min(math.ceil(end / MINUTE), int(now // MINUTE))
    if period < MINUTE:  # each minute is a period of its own
        return [
            _Period(start + (m * MINUTE - start) // period * period, stat, record, metric, m, m + 1)
            for m, stat in record.minutes(metric, first, last)
        ]
    origin, length = int(start // MINUTE), period // MINUTE
    totals = record.periods(metric, first, last, origin, length)
    return [
        _Period(
            start + index * period,
            totals[index],
            record,
            metric,
            max(first, origin + index * length),
            min(last, origin + (index + 1) * length),
        )
        for index in sorted(totals)
    ]


# -- GetMetricStatistics --------------------------------------------------------------


def _get_metric_statistics(view: _Records, params: Mapping[str, Any]) -> Result:
    metric = _required(params, "MetricName")
    _required(params, "Namespace")
    period = _required(params, "Period")
    statistics = params.get("Statistics") or []
    extended = params.get("ExtendedStatistics") or []
    if statistics and extended:
        raise SQSError(errors.CW_STATISTICS_BOTH)
    if not statistics and not extended:
        raise SQSError(errors.CW_STATISTICS_XOR)
    for index, name in enumerate(statistics, 1):
        if name not in STATISTICS:
            raise SQSError(errors.CW_BAD_STATISTIC, index=index)
    for index, name in enumerate(extended, 1):
        if not isinstance(name, str) or _percentile(name) is None:
            raise SQSError(errors.CW_BAD_PERCENTILE, index=index)
    if not _valid_period(period):
        raise SQSError(errors.CW_BAD_PERIOD)
    start, end = _times(params, data=False)
    unit = _unit(params, "unit")
    start = _aligned_start(start, period, view.now)
    requested = math.ceil((end - start) / period)
    if requested > MAX_STATISTICS_DATAPOINTS:
        raise SQSError(
            errors.CW_TOO_MANY_DATAPOINTS, count=requested, limit=MAX_STATISTICS_DATAPOINTS
        )
    name = _dimensions_name(params.get("Dimensions"))
    record = None if name is None else view.get(name)
    datapoints = []
    for found in _series(record, metric, unit, start, end, period, view.now):
        point: Result = {"Timestamp": found.at}
        for statistic in statistics:
            point[statistic] = found.statistic(statistic)
        if extended:
            point["ExtendedStatistics"] = {p: found.statistic(p) for p in extended}
        point["Unit"] = METRICS[metric].unit
        datapoints.append(point)
    return {"Label": metric, "Datapoints": datapoints}


# -- GetMetricData ------------------------------------------------------------------


def _check_queries(queries: list[Any]) -> None:
    problems: list[str] = []
    seen: set[str] = set()
    for index, query in enumerate(queries, 1):
        query_id = query.get("Id") if isinstance(query, Mapping) else None
        if not isinstance(query_id, str) or not _QUERY_ID.fullmatch(query_id):
            problems.append(errors.CW_QUERY_PATTERN.template.format(value=query_id, index=index))
        elif query_id in seen:
            problems.append(
                errors.CW_QUERY_ID_REPEATED.template.format(value=query_id, index=index)
            )
        else:
            seen.add(query_id)
    if problems:
        # AWS reports every bad Id at once, a line each (captured).
        raise SQSError(errors.ErrorSpec(errors.VALIDATION_ERROR, "\n".join(problems)))
    for index, query in enumerate(queries, 1):
        stat = query.get("MetricStat")
        expression = query.get("Expression")
        if stat is None and expression is None:
            raise SQSError(errors.CW_QUERY_NEEDS_ONE, index=index)
        if stat is not None and expression is not None:
            raise SQSError(errors.CW_QUERY_BOTH, index=index)
        if expression is not None:
            raise UnsupportedBySimulator(
                f"pytest-sqs does not evaluate CloudWatch metric math or Metrics Insights "
                f"queries (MetricDataQueries.member.{index}.Expression = {expression!r}); "
                "ask for the metrics with MetricStat and compute in the test instead."
            )
        where = f"MetricDataQueries.member.{index}.MetricStat."
        metric = _required(stat, "Metric", where)
        _required(metric, "MetricName", where + "Metric.")
        _required(metric, "Namespace", where + "Metric.")
        period = _required(stat, "Period", where)
        name = _required(stat, "Stat", where)
        if not isinstance(name, str) or (name not in STATISTICS and _percentile(name) is None):
            raise SQSError(errors.CW_QUERY_STAT, value=name, index=index)
        if not _valid_period(period):
            raise SQSError(errors.CW_QUERY_PERIOD, value=period, index=index)
        _unit(stat, f"metricDataQueries.{index}.member.metricStat.unit")


def _get_metric_data(view: _Records, params: Mapping[str, Any]) -> Result:
    queries = params.get("MetricDataQueries")
    if not isinstance(queries, list) or not queries:
        raise SQSError(errors.CW_QUERIES_NEEDED)
    if len(queries) > MAX_QUERIES:
        raise SQSError(
            errors.CW_RANGE,
            value=f"{len(queries)} queries",
            field="metricDataQueries",
            what=f"length less than or equal to {MAX_QUERIES}",
        )
    _check_queries(queries)
    start, end = _times(params, data=True)
    scan_by = params.get("ScanBy", "TimestampDescending")
    if scan_by not in ("TimestampDescending", "TimestampAscending"):
        raise SQSError(
            errors.CW_ENUM,
            value=scan_by,
            field="scanBy",
            allowed="TimestampDescending, TimestampAscending",
        )
    limit = params.get("MaxDatapoints", MAX_DATA_DATAPOINTS)
    skip = _offset(params, errors.CW_BAD_NEXT_TOKEN)
    results: list[Result] = []
    given = 0  # datapoints before this page, then on it
    cut = False
    for query in queries:
        if query.get("ReturnData", True) is False:
            continue
        stat = query["MetricStat"]
        metric = stat["Metric"]
        period = stat["Period"]
        aligned = _aligned_start(start, period, view.now)
        name = _dimensions_name(metric.get("Dimensions"))
        record = None if name is None else view.get(name)
        points = [
            (found.at, found.statistic(stat["Stat"]))
            for found in _series(
                record, metric["MetricName"], stat.get("Unit"), aligned, end, period, view.now
            )
        ]
        if scan_by == "TimestampDescending":
            points.reverse()
        # Pages cut the stream of every query's datapoints in order.
        drop = min(max(skip - given, 0), len(points))
        given += drop
        room = max(limit - (given - skip), 0)
        page = points[drop : drop + room]
        given += len(page)
        cut = cut or drop + len(page) < len(points)
        results.append(
            {
                "Id": query["Id"],
                "Label": query.get("Label") or metric["MetricName"],
                "Timestamps": [at for at, _ in page],
                "Values": [value for _, value in page],
                "StatusCode": "PartialData" if drop + len(page) < len(points) else "Complete",
            }
        )
    answer: Result = {"MetricDataResults": results, "Messages": []}
    if cut:
        answer["NextToken"] = validation.encode_token(given)
    return answer


def _offset(params: Mapping[str, Any], spec: errors.ErrorSpec) -> int:
    """How many results earlier pages gave, from the request's NextToken (0 without)."""
    token = params.get("NextToken")
    if token is None:
        return 0
    offset: int = validation.decode_token(token, int, spec)
    if offset < 0:
        raise SQSError(spec)
    return offset


# -- ListMetrics --------------------------------------------------------------------


def _list_metrics(view: _Records, params: Mapping[str, Any]) -> Result:
    recently = params.get("RecentlyActive")
    if recently is not None and recently not in RECENTLY_ACTIVE:
        raise SQSError(errors.CW_ENUM, value=recently, field="recentlyActive", allowed="PT3H")
    wanted = params.get("MetricName")
    filters = params.get("Dimensions") or []
    since = view.now - (RECENTLY_ACTIVE[recently] if recently else LISTED_FOR_S)
    skip = _offset(params, errors.CW_BAD_LIST_TOKEN)
    found = [
        (metric, record)
        for record in view.all()
        for metric in sorted(METRICS)
        if (wanted is None or metric == wanted)
        and _matches(filters, record.name)
        and record.published_since(metric, since)
    ]
    page = found[skip : skip + LIST_PAGE]
    result: Result = {
        "Metrics": [
            {
                "Namespace": NAMESPACE,
                "MetricName": metric,
                "Dimensions": [{"Name": DIMENSION, "Value": record.name}],
            }
            for metric, record in page
        ]
    }
    if params.get("IncludeLinkedAccounts"):
        result["OwningAccounts"] = [view.account_id] * len(page)
    if skip + LIST_PAGE < len(found):
        result["NextToken"] = validation.encode_token(skip + LIST_PAGE)
    return result


def _matches(filters: list[Any], queue_name: str) -> bool:
    """A metric with the one dimension QueueName=queue_name passes every filter: a name
    alone matches any value (AWS-validated SDK test)."""
    for item in filters:
        if not isinstance(item, Mapping) or item.get("Name") != DIMENSION:
            return False
        value = item.get("Value")
        if value is not None and value != queue_name:
            return False
    return True


# -- inspection -----------------------------------------------------------------------


def datapoints(
    record: QueueMetrics, metric: str, start: float, end: float, period: int, now: float
) -> Iterator[tuple[float, Stat]]:
    """A metric's datapoints for inspection: every period's statistic set, all kept
    (``start`` rounded down to the minute)."""
    start = math.floor(start / MINUTE) * MINUTE
    for found in _series(record, metric, None, start, end, period, now, retention=False):
        yield found.at, found.total
