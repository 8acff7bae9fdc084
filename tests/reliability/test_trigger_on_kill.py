"""A deferred task marked failed by a user: the triggerer cancels the trigger's ``run()`` and (Airflow 3.3+)
calls its ``on_kill()``, which must terminate the remote job with exactly one request.

Driven in process as the triggerer does it: ``run()`` consumed in an event loop, cancelled mid-wait, then
``await on_kill()``.
"""

from __future__ import annotations

import asyncio

from tests.reliability.helpers import training_job

JOB_ARGS = {"code_dir": "obs://modelarts-emulator/code/", "boot_file": "train.py", "framework_type": "PyTorch",
            "framework_version": "PyTorch-1.4.0-python3.6-v2", "train_instance_type": "modelarts.vm.cpu.8u",
            "env_variables": {"MODELARTS_EMULATOR_OUTCOME": "stuck"}}


def _stuck_job() -> str:
    from airflow_provider_modelarts.client.api import training_v2
    from airflow_provider_modelarts.hooks.modelarts import ModelArtsHook
    from airflow_provider_modelarts.operators.training import build_training_job_body

    body = build_training_job_body(JOB_ARGS, None, name="rel-on-kill", annotations={})
    return str(ModelArtsHook().call(training_v2.create_job(body))["metadata"]["id"])


async def _wait_then_kill(trigger, emulator, polls: int) -> list:
    events: list = []

    async def consume() -> None:
        async for event in trigger.run():
            events.append(event)

    task = asyncio.create_task(consume())
    while emulator.count("training_v2.get") < polls:
        assert not task.done(), events
        await asyncio.sleep(0.1)
    task.cancel()  # the user marked the task failed: the triggerer cancels the trigger...
    await asyncio.gather(task, return_exceptions=True)
    await trigger.on_kill()  # ...and then lets it clean up
    return events


def test_on_kill_after_cancel_terminates_the_job_with_one_request(emulator) -> None:
    from airflow_provider_modelarts.triggers.modelarts import ModelArtsResourceTrigger

    job_id = _stuck_job()
    trigger = ModelArtsResourceTrigger("training_v2", {"training_job_id": job_id}, poll_interval=0.5)
    events = asyncio.run(_wait_then_kill(trigger, emulator, polls=2))
    assert events == []  # still Running when killed: no event
    assert emulator.count("training_v2.action") == 1
    assert [r["status"] for r in emulator.requests("training_v2.action")] == [202]
    assert training_job(emulator, job_id)["status"]["phase"] in ("Terminating", "Terminated")


def test_on_kill_respects_stop_on_kill_false(emulator) -> None:
    from airflow_provider_modelarts.triggers.modelarts import ModelArtsResourceTrigger

    job_id = _stuck_job()
    trigger = ModelArtsResourceTrigger("training_v2", {"training_job_id": job_id}, poll_interval=0.5,
                                       stop_on_kill=False)
    asyncio.run(_wait_then_kill(trigger, emulator, polls=2))
    assert emulator.count("training_v2.action") == 0
    assert training_job(emulator, job_id)["status"]["phase"] == "Running"
