"""Human approval before promotion in ``modelarts_retraining`` (``params.require_approval``) on a real Airflow
stack (api-server, scheduler, dag-processor, triggerer) against an emulator in runner mode, answered only
through the REST API (``PATCH .../taskInstances/approve_promotion/-1/hitlDetails``): an approved run deploys,
a rejected run leaves the service untouched and still reports.

Shares the session's stack with ``test_fullstack`` and ``test_ui`` (no stack of its own). Run alone:
``pytest -m fullstack tests/fullstack/test_approval.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from airflow_provider_modelarts.emulator.testing import EmulatorHandle, start_emulator
from tests.fullstack.stack import (
    CONN_ID,
    AirflowStack,
    RunRecord,
    connection_body,
    ensure_triggerer,
    scenario_fixtures,
    ti_path,
    trigger_run,
    wait_for_runs,
    wait_until,
)

pytestmark = pytest.mark.fullstack

DAG = "modelarts_retraining"
APPROVAL = "approve_promotion"


fs_emulator, fs_stack, fs_runs = scenario_fixtures()


@pytest.fixture(scope="module")
def approval_stack(fs_stack: AirflowStack, fs_emulator: EmulatorHandle) -> Iterator[tuple[AirflowStack, EmulatorHandle, str]]:
    """The session's shared stack (``tests/fullstack/stack.py``), an emulator in runner mode (the metric gate needs
    the real training script's metrics) that ``modelarts_default`` points at for this module, and a first run
    (``require_approval`` on) that the unpause starts. The DAG is paused and the connection restored on exit.

    The weekly DAG's catch-up run would start on unpause: the first run takes its logical date instead."""
    stack = fs_stack
    conn_path = f"/api/v2/connections/{CONN_ID}"
    with start_emulator(speed=10.0, runner=True) as emulator:
        stack.api("PATCH", conn_path, json=connection_body(emulator))
        try:
            ensure_triggerer(stack)
            wait_until(lambda: stack.api("GET", f"/api/v2/dags/{DAG}", expect=(200, 404)).get("dag_id"),
                       timeout=120, what=f"DAG {DAG} parsed", diagnostics=stack.diagnostics)
            next_date = stack.api("GET", f"/api/v2/dags/{DAG}")["next_dagrun_logical_date"]
            first = stack.api("POST", f"/api/v2/dags/{DAG}/dagRuns",
                              json={"logical_date": next_date, "conf": {"require_approval": True}})["dag_run_id"]
            stack.unpause(DAG)
            yield stack, emulator, first
        finally:
            stack.api("PATCH", f"/api/v2/dags/{DAG}", json={"is_paused": True})
            stack.api("PATCH", conn_path, json=connection_body(fs_emulator))


def _hitl_path(run_id: str) -> str:
    return f"{ti_path(DAG, run_id, APPROVAL)}/-1/hitlDetails"


def _await_input(stack: AirflowStack, run_id: str) -> dict[str, Any]:
    """Wait until the approval task is parked for a human and its worker is reaped; its HITL detail.

    Airflow 3.3.2 races an answer given before the scheduler received the parked worker's exit: the resumed task
    is ``queued`` when that event arrives, is taken as changed externally and retried (asking again). A human
    never answers that fast; the test waits for the scheduler's event of that try, as a person would be slower.
    """
    wait_until(lambda: stack.ti_states(DAG, run_id).get(APPROVAL) == "awaiting_input", timeout=420, interval=1.0,
               what="approval awaiting input",
               diagnostics=lambda: f"{stack.ti_states(DAG, run_id)}\n{stack.diagnostics()}")
    try_number = stack.task_instance(DAG, run_id, APPROVAL)["try_number"]
    reaped = (f"Received executor event with state success for task instance TaskInstanceKey(dag_id='{DAG}', "
              f"task_id='{APPROVAL}', run_id='{run_id}', try_number={try_number}")
    wait_until(lambda: reaped in stack.component_log("scheduler"), timeout=120, interval=1.0,
               what="the parked approval worker reaped", diagnostics=stack.diagnostics)
    assert stack.ti_states(DAG, run_id).get(APPROVAL) == "awaiting_input"
    return dict(stack.api("GET", _hitl_path(run_id)))


def _answer(stack: AirflowStack, run_id: str, option: str) -> None:
    answer = stack.api("PATCH", _hitl_path(run_id), json={"chosen_options": [option], "params_input": {}})
    assert answer["chosen_options"] == [option]


def test_approved_model_is_deployed(approval_stack) -> None:
    stack, emulator, first = approval_stack
    detail = _await_input(stack, first)
    model_id = stack.xcom(DAG, first, "import_model", "model_id")
    r2 = stack.xcom(DAG, first, "metric_gate", "metric_value")
    assert model_id and r2 > 0.95
    assert model_id in detail["subject"] and model_id in detail["body"], detail
    assert str(r2) in detail["body"] and "threshold 0.95" in detail["body"]
    assert detail["options"] == ["Approve", "Reject"]
    assert emulator.count("services.create") == 0  # nothing is deployed before the answer
    _answer(stack, first, "Approve")
    approved = RunRecord(first, {"require_approval": True})
    wait_for_runs(stack, [approved], timeout=420, dag_id=DAG)
    states = stack.ti_states(DAG, first)
    assert approved.state == "success", (states, stack.diagnostics())
    assert states["deploy_service"] == "success" and states["smoke_predict"] == "success"
    assert emulator.count("services.create") == 1


def test_rejected_model_is_not_rolled_out(approval_stack) -> None:
    stack, emulator, _ = approval_stack
    created, updated = emulator.count("services.create"), emulator.count("services.update")
    second = trigger_run(stack, {"require_approval": True, "model_version": "2.0.0"}, dag_id=DAG)
    _await_input(stack, second)
    _answer(stack, second, "Reject")
    rejected = RunRecord(second, {"require_approval": True})
    wait_for_runs(stack, [rejected], timeout=420, dag_id=DAG)
    states = stack.ti_states(DAG, second)
    assert rejected.state == "success", (states, stack.diagnostics())
    assert states[APPROVAL] == "success" and states["choose_rollout"] == "skipped"
    for task_id in ("deploy_service", "canary_update", "smoke_predict", "promote_canary"):
        assert states[task_id] == "skipped", states
    report = stack.xcom(DAG, second, "report", "return_value")
    assert report["rollout"] is None and report["model_id"]
    assert (emulator.count("services.create"), emulator.count("services.update")) == (created, updated)
    runs = stack.api("GET", f"/api/v2/dags/{DAG}/dagRuns")["dag_runs"]
    assert sorted(r["run_type"] for r in runs) == ["manual", "manual"], runs  # no catch-up run slipped in
