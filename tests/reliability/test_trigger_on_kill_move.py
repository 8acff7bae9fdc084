"""``on_kill`` of a trigger that only moves must not stop the remote job (apache/airflow#73454).

Airflow 3.3's triggerer calls ``on_kill`` for every trigger no longer assigned to it: after a user marked the
task failed, but also after the trigger was redistributed to another triggerer. The trigger asks the API server
for the task's state (``RuntimeTaskInstance.get_task_states``, the triggerer's supervisor channel: replaced here
by the answer it would give, as no supervisor runs in this process) and stops the job only when the task is no
longer deferred. The real thing runs in ``tests/fullstack_celery`` (scenarios 3 and 5).
"""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest

from tests.reliability.helpers import training_job
from tests.reliability.test_trigger_on_kill import _stuck_job, _wait_then_kill


def _trigger(job_id: str, monkeypatch, answer, map_index: int = -1):
    from airflow.sdk.execution_time.task_runner import RuntimeTaskInstance

    from airflow_provider_modelarts.triggers.modelarts import ModelArtsResourceTrigger

    asked: list[dict] = []

    def get_task_states(**kwargs):
        asked.append(kwargs)
        if isinstance(answer, Exception):
            raise answer
        return answer

    monkeypatch.setattr(RuntimeTaskInstance, "get_task_states", staticmethod(get_task_states))
    trigger = ModelArtsResourceTrigger("training_v2", {"training_job_id": job_id}, poll_interval=0.5)
    trigger.task_instance = SimpleNamespace(dag_id="d", task_id="t", run_id="r", map_index=map_index)
    return trigger, asked


def test_a_trigger_that_moved_leaves_the_job_running(emulator, monkeypatch) -> None:
    job_id = _stuck_job()
    trigger, asked = _trigger(job_id, monkeypatch, {"r": {"t": "deferred"}})
    asyncio.run(_wait_then_kill(trigger, emulator, polls=2))
    assert asked == [{"dag_id": "d", "task_ids": ["t"], "run_ids": ["r"], "map_index": None}]
    assert emulator.count("training_v2.action") == 0
    assert training_job(emulator, job_id)["status"]["phase"] == "Running"


@pytest.mark.parametrize("state", ["failed", "success"])
def test_a_task_marked_by_the_user_stops_the_job_once(emulator, monkeypatch, state) -> None:
    job_id = _stuck_job()
    trigger, _ = _trigger(job_id, monkeypatch, {"r": {"t_3": state}}, map_index=3)
    asyncio.run(_wait_then_kill(trigger, emulator, polls=2))
    assert [r["status"] for r in emulator.requests("training_v2.action")] == [202]
    assert training_job(emulator, job_id)["status"]["phase"] in ("Terminating", "Terminated")


@pytest.mark.parametrize("answer", [RuntimeError("no supervisor"), {"r": {}}, {"r": {"t": None}}],
                         ids=["error", "missing", "cleared"])
def test_an_unknown_or_cleared_state_leaves_the_job_running(emulator, monkeypatch, answer) -> None:
    job_id = _stuck_job()
    trigger, _ = _trigger(job_id, monkeypatch, answer)
    asyncio.run(_wait_then_kill(trigger, emulator, polls=2))
    assert emulator.count("training_v2.action") == 0


def test_a_trigger_that_sent_its_event_leaves_the_job_to_the_resumed_task(emulator, monkeypatch) -> None:
    """The wait timed out and the event went out: the task is ``scheduled`` to resume (it stops the job itself).
    An ``on_kill`` arriving now (the trigger cancelled as it is cleaned up) must not send a second stop."""
    import time

    job_id = _stuck_job()
    trigger, asked = _trigger(job_id, monkeypatch, {"r": {"t": "scheduled"}})
    trigger.deadline = time.time() + 1.0

    async def run_then_kill() -> list:
        events = [event async for event in trigger.run()]
        await trigger.on_kill()
        return events

    events = asyncio.run(run_then_kill())
    assert [e.payload["status"] for e in events] == ["timeout"]
    assert emulator.count("training_v2.action") == 0
    assert training_job(emulator, job_id)["status"]["phase"] == "Running"
