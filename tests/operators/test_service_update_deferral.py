"""Issue 13: the update operator's follow-up wait (after the update log said SUCCESS) keeps the deadline and, in
deferrable mode, is deferred again instead of blocking the worker.

The operator runs against the emulator over HTTP; the service is scripted ``stuck`` (deploying for ever), so a
wait without a deadline would never end. The resume is called the way Airflow calls it after a deferral
(``execute_complete(context=..., event=..., **next_kwargs)``).
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
import requests
from airflow.sdk.exceptions import AirflowException, TaskDeferred

from airflow_provider_modelarts.client.waiter import WaitOutcome
from airflow_provider_modelarts.emulator.testing import EmulatorHandle
from airflow_provider_modelarts.operators.services import ModelArtsUpdateServiceOperator

SPEC = "modelarts.vm.cpu.2u"


class _TI:
    """The two TaskInstance calls the operator makes here (XCom push/pull)."""

    task_id = "update"

    def __init__(self) -> None:
        self.pushed: dict[str, Any] = {}

    def xcom_push(self, key: str, value: Any) -> None:
        self.pushed[key] = value

    def xcom_pull(self, task_ids: str, key: str) -> Any:
        return self.pushed.get(key)


def _api(handle: EmulatorHandle, method: str, path: str, body: Any = None) -> dict[str, Any]:
    resp = requests.request(method, f"{handle.url}/v1/{handle.project_id}{path}", json=body,
                            headers=handle.headers(), timeout=30)
    assert resp.status_code == 200, resp.text
    return dict(resp.json())


def _stuck_service(handle: EmulatorHandle) -> str:
    """A real-time service deploying for ever (its model published)."""
    handle.emu.obs.put("modelarts-emulator", "ms-defer/model/config.json", b"{}")
    model_id = _api(handle, "POST", "/models", {"model_name": f"defer{time.time_ns()}", "model_version": "1.0.0",
                                                 "model_type": "PyTorch", "source_location":
                                                 "/modelarts-emulator/ms-defer/"})["model_id"]
    handle.advance(4)
    name = f"defer-{time.time_ns()}"
    handle.set_outcome("service", "stuck", match=name)
    return str(_api(handle, "POST", "/services", {
        "service_name": name, "infer_type": "real-time",
        "config": [{"model_id": model_id, "specification": SPEC, "instance_count": 1, "weight": 100}]})["service_id"])


def _update_succeeded(service_id: str) -> dict[str, Any]:
    return WaitOutcome(kind="service_update", ids={"service_id": service_id, "update_time": 0}, state="success",
                       status="SUCCESS", message="service_update status SUCCESS").to_event()


def test_resume_defers_the_service_wait_again_with_the_same_deadline(modelarts_conn: EmulatorHandle) -> None:
    service_id = _stuck_service(modelarts_conn)
    op = ModelArtsUpdateServiceOperator(task_id="update", service_id=service_id, model_id="m", deferrable=True,
                                        max_wait=600, poll_interval=0.2)
    deadline = time.time() + 600
    with pytest.raises(TaskDeferred) as deferred:
        op.execute_complete(context={"ti": _TI()}, event=_update_succeeded(service_id), deadline=deadline)
    trigger = deferred.value.trigger
    assert (trigger.kind, trigger.ids, trigger.deadline) == ("service", {"service_id": service_id}, deadline)
    assert deferred.value.method_name == "execute_complete"
    assert deferred.value.kwargs == {"deadline": deadline}  # the next resume still knows max_wait
    assert modelarts_conn.count("services.get") == 1  # one look, no polling loop on the worker


def test_sync_follow_up_wait_honours_max_wait(modelarts_conn: EmulatorHandle) -> None:
    """Not deferrable: the follow-up wait stops at the deadline (before: polled for ever without one)."""
    service_id = _stuck_service(modelarts_conn)
    op = ModelArtsUpdateServiceOperator(task_id="update", service_id=service_id, model_id="m", deferrable=False,
                                        max_wait=1, poll_interval=0.2)
    op.wait_deadline = time.time() - 1  # the update's wait used up max_wait
    op.remote_ids = {"service_id": service_id}
    errors: list[BaseException] = []

    def resume() -> None:
        try:
            op.finish({"ti": _TI()}, WaitOutcome.from_event(_update_succeeded(service_id)))
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            errors.append(exc)

    worker = threading.Thread(target=resume, daemon=True)
    worker.start()
    worker.join(120)  # a liveness bound: without a deadline this thread never ends
    assert not worker.is_alive(), "the follow-up wait ignored max_wait"
    assert len(errors) == 1 and isinstance(errors[0], AirflowException), errors
    assert "did not finish before the deadline" in str(errors[0])
