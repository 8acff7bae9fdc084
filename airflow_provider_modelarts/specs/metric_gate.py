"""The metric gate's decision, pure: the checked arguments, a metric found in a metrics document and reduced to
one number, and its comparison with the threshold (no Airflow, no request).
"""

from __future__ import annotations

import json
import operator
from collections.abc import Callable, Mapping
from typing import Any

from airflow_provider_modelarts.schemas import SpecError

COMPARISONS: dict[str, Callable[[float, float], bool]] = {
    ">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le, "==": operator.eq, "!=": operator.ne,
}
AGGREGATES: dict[str, Callable[[list[float]], float]] = {
    "last": lambda v: v[-1], "first": lambda v: v[0], "max": max, "min": min, "mean": lambda v: sum(v) / len(v),
}
SOURCES = ("output", "api")
ON_MISSING = ("fail", "skip")


def check_choices(**given: Any) -> None:
    """Refuse (when the DAG is parsed) a choice argument that is none of its values.

    :param given: ``metrics_source``, ``aggregate`` and/or ``on_missing``, as given.
    :raises ValueError: naming the argument and its values.
    """
    for name, value in given.items():
        allowed = {"metrics_source": SOURCES, "aggregate": tuple(AGGREGATES), "on_missing": ON_MISSING}[name]
        if value not in allowed:
            raise ValueError(f"{name} must be one of {allowed}, got {value!r}")
#: the arguments that say where the metrics come from (exactly one is given)
METRICS_SOURCES = ("metrics", "metrics_path", "training_job_id")


def lookup(metrics: Any, name: str) -> Any:
    """The value at ``name`` in ``metrics``; dots walk nested objects (``eval.r2``). None when absent.

    :param metrics: the metrics document.
    :param name: the metric's name.
    """
    if isinstance(metrics, Mapping) and name in metrics:
        return metrics[name]
    value: Any = metrics
    for part in name.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def reduce_value(value: Any, aggregate: str) -> float | None:
    """A number from a metric value: a number, a numeric string, or a series reduced by ``aggregate``.

    :param value: the metric's value.
    :param aggregate: a key of :data:`AGGREGATES`.
    """
    if isinstance(value, list | tuple):
        numbers = [reduce_value(v, aggregate) for v in value]
        series = [n for n in numbers if n is not None]
        return AGGREGATES[aggregate](series) if series else None
    if isinstance(value, bool) or value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def gate_threshold(*, metric: Any, threshold: Any, comparison: Any, sources: Mapping[str, Any]) -> float:
    """The threshold as a number, once the (rendered) gate arguments are checked.

    :param metric: the metric's name.
    :param threshold: the threshold as given.
    :param comparison: the comparison as given.
    :param sources: the :data:`METRICS_SOURCES` arguments as given.
    :raises SpecError: listing every problem (argument and fix).
    """
    problems = []
    if comparison not in COMPARISONS:
        problems.append(f"comparison: {comparison!r} (fix: one of {', '.join(COMPARISONS)})")
    number = reduce_value(threshold, "last") if not isinstance(threshold, list) else None
    if number is None:
        problems.append(f"threshold: {threshold!r} is not a number (fix: e.g. 0.9)")
    if not metric:
        problems.append("metric: empty (fix: the metric name, e.g. accuracy or eval.r2)")
    given = [name for name, value in sources.items() if value not in (None, "")]
    if len(given) != 1:
        problems.append(f"metrics source: give exactly one of {', '.join(METRICS_SOURCES)} "
                        f"(got {', '.join(given) or 'none'})")
    if problems or number is None:
        raise SpecError("metric gate arguments", problems)
    return number


def parse_metrics(text: str, where: str) -> Any:
    """A metrics document from JSON text.

    :param text: the JSON text.
    :param where: what the text is, for the error (``metrics``, an OBS URL).
    :raises SpecError: the text is not JSON.
    """
    try:
        return json.loads(text)
    except ValueError as exc:
        raise SpecError("metrics", [f"{where} is not a JSON metrics file: {exc}"]) from None
