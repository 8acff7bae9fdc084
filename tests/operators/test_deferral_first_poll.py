"""Issue 15 (request economy): the task reads the status once before deferring; its trigger then waits one poll
interval instead of reading the same status again at once (one read saved per deferred wait). A trigger that
starts later than that (restarted on another triggerer) polls at once."""

from __future__ import annotations

import asyncio
import time
from types import SimpleNamespace

import pytest
from airflow.sdk.exceptions import TaskDeferred

from airflow_provider_modelarts.emulator.testing import EmulatorHandle
from airflow_provider_modelarts.operators.training import ModelArtsCreateTrainingJobOperator
from airflow_provider_modelarts.triggers.modelarts import ModelArtsResourceTrigger
from tests.reliability.test_trigger_on_kill import JOB_ARGS, _stuck_job

POLL = 0.6


async def _events(trigger: ModelArtsResourceTrigger) -> list:
    return [event async for event in trigger.run()]


def test_the_trigger_does_not_read_again_what_the_task_just_read(modelarts_conn: EmulatorHandle) -> None:
    job_id = _stuck_job()
    op = ModelArtsCreateTrainingJobOperator(task_id="train", deferrable=True, poll_interval=POLL, max_wait=1.5,
                                            stream_logs=False, **JOB_ARGS)
    modelarts_conn.clear_requests()
    with pytest.raises(TaskDeferred) as deferred:
        op.wait({"ti": SimpleNamespace(task_id="train", start_date=None)}, {"training_job_id": job_id})
    assert modelarts_conn.count("training_v2.get") == 1  # the check before deferring
    path, kwargs = deferred.value.trigger.serialize()
    assert kwargs["first_poll_at"] is not None
    events = asyncio.run(_events(ModelArtsResourceTrigger(**kwargs)))  # as the triggerer rebuilds it
    assert [e.payload["status"] for e in events] == ["timeout"]
    reads = [r["time"] for r in modelarts_conn.requests("training_v2.get")]
    gaps = [later - earlier for earlier, later in zip(reads, reads[1:], strict=False)]
    # the trigger's first read comes one interval after the task's check (before: at once, a gap of ~0); the
    # last read may come sooner: the wait reads once more at its deadline
    assert gaps and gaps[0] >= POLL - 0.05, gaps


def test_a_trigger_started_late_polls_at_once(modelarts_conn: EmulatorHandle) -> None:
    job_id = _stuck_job()
    modelarts_conn.clear_requests()
    started = time.time()
    trigger = ModelArtsResourceTrigger(kind="training_v2", ids={"training_job_id": job_id}, poll_interval=30.0,
                                       deadline=started + 0.5, stream_logs=False, first_poll_at=started - 5.0)
    asyncio.run(_events(trigger))
    reads = [r["time"] for r in modelarts_conn.requests("training_v2.get")]
    assert reads and reads[0] - started < 0.4
