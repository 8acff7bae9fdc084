"""What upstream ModelArts operators already returned (their XCom), so a downstream one need not ask again.

A training job's outputs, a service's ``access_address``: the operator that created the resource returns its
summary; an operator given that resource's id finds the summary among its upstream tasks' return values instead of
reading the resource (one request saved). When no upstream task returned it (the id came from elsewhere), the
caller reads the resource as before.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from airflow.sdk import BaseOperator
    from airflow.sdk.definitions.context import Context


def _summaries(value: Any) -> list[Mapping[str, Any]]:
    """The summaries in an upstream return value (one, or a list of them for a mapped task)."""
    if isinstance(value, Mapping):
        return [value]
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return [v for v in value if isinstance(v, Mapping)]
    return []


def upstream_summary(task: BaseOperator, context: Context, producers: tuple[type, ...], id_key: str,
                     resource_id: str, needs: str) -> Mapping[str, Any] | None:
    """The return value of an upstream task of a ``producers`` class about resource ``resource_id``, or None.

    :param task: the operator asking (all its upstream tasks are searched).
    :param context: its context (for ``xcom_pull``).
    :param producers: operator classes whose return value is a summary of the resource.
    :param id_key: the summary's id field (``training_job_id``, ``service_id``).
    :param resource_id: the resource wanted.
    :param needs: a field the summary must have to be of use.
    """
    ti = context["ti"]
    for upstream in task.get_flat_relatives(upstream=True):
        if not isinstance(upstream, producers):
            continue
        for summary in _summaries(ti.xcom_pull(task_ids=upstream.task_id)):
            if str(summary.get(id_key)) == resource_id and summary.get(needs) is not None:
                return summary
    return None
