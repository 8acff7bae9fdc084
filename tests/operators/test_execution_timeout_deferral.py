"""Issue 14, scenario 6 in process: Airflow 3.3 does not enforce ``execution_timeout`` while a task is deferred, so
a deferrable operator carries the task's remaining ``execution_timeout`` as the trigger's deadline (capping
``max_wait``); when the trigger ends with a timeout, the resumed task stops the job and fails naming the limit.

The operator polls the emulator over HTTP (a training job scripted ``stuck``: Running for ever). The resume is
called the way Airflow calls it (``execute_complete(context=..., event=..., **next_kwargs)``). The full-stack
version runs on CeleryExecutor in ``tests/fullstack_celery``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from airflow.sdk.exceptions import AirflowException, TaskDeferred

from airflow_provider_modelarts.client.waiter import TIMEOUT, WaitOutcome
from airflow_provider_modelarts.emulator.testing import EmulatorHandle
from airflow_provider_modelarts.operators.training import ModelArtsCreateTrainingJobOperator
from tests.reliability.test_trigger_on_kill import JOB_ARGS, _stuck_job


class _TI:
    """The task instance fields the wait reads: its ``start_date``."""

    task_id = "train"

    def __init__(self, start_date: datetime | None) -> None:
        self.start_date = start_date


def _operator(**kwargs: Any) -> ModelArtsCreateTrainingJobOperator:
    return ModelArtsCreateTrainingJobOperator(task_id="train", deferrable=True, poll_interval=0.2, **JOB_ARGS,
                                              **kwargs)


def _defer(op: ModelArtsCreateTrainingJobOperator, ti: _TI, job_id: str) -> TaskDeferred:
    with pytest.raises(TaskDeferred) as deferred:
        op.wait({"ti": ti}, {"training_job_id": job_id})  # type: ignore[arg-type]
    return deferred.value


def test_the_trigger_deadline_is_the_end_of_execution_timeout(modelarts_conn: EmulatorHandle) -> None:
    job_id = _stuck_job()
    started = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=365 * 50)  # far ahead: max_wait ends first...
    op = _operator(execution_timeout=timedelta(seconds=60), max_wait=3600)
    deferred = _defer(op, _TI(started), job_id)
    assert deferred.trigger.deadline < started.timestamp()  # ...so max_wait's deadline is kept
    started = datetime.now(UTC) - timedelta(seconds=10)  # the task started 10 s ago: 50 s left of its 60
    deferred = _defer(op, _TI(started), job_id)
    assert deferred.trigger.deadline == started.timestamp() + 60
    assert deferred.kwargs == {"deadline": started.timestamp() + 60}  # the resume knows it too


def test_without_execution_timeout_only_max_wait_counts(modelarts_conn: EmulatorHandle) -> None:
    job_id = _stuck_job()
    assert _defer(_operator(), _TI(datetime.now(UTC)), job_id).trigger.deadline is None
    assert _defer(_operator(max_wait=3600), _TI(None), job_id).trigger.deadline is not None


def test_a_timed_out_deferred_wait_stops_the_job_and_names_execution_timeout(modelarts_conn: EmulatorHandle) -> None:
    job_id = _stuck_job()
    op = _operator(execution_timeout=timedelta(seconds=20))
    ids = {"training_job_id": job_id}
    event = WaitOutcome(kind="training_v2", ids=ids, state=TIMEOUT, status="Running",
                        message=f"training_v2 {ids} did not finish before the deadline").to_event()
    with pytest.raises(AirflowException, match=r"execution_timeout of 20s exceeded\); it was stopped"):
        op.execute_complete(context={"ti": _TI(None)}, event=event, deadline=0.0)  # type: ignore[arg-type]
    assert [r["status"] for r in modelarts_conn.requests("training_v2.action")] == [202]
    op.on_kill()  # the timeout's stop was sent: a later kill (SIGTERM, execution_timeout) sends no second one
    assert [r["status"] for r in modelarts_conn.requests("training_v2.action")] == [202]
