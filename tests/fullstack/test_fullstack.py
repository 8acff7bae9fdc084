"""The example DAG ``modelarts_ui_training`` on a real Airflow stack (api-server, scheduler, dag-processor,
triggerer on SQLite and loopback) against the emulator, driven only through the public REST API.

* The connection is created through ``POST /api/v2/connections`` and checked with the connection test
  (``POST /api/v2/connections/test``: the api-server runs our hook against the emulator).
* Bad params are rejected by their JSON Schemas before a run exists.
* Without a triggerer the run does not complete although the training job did (the task stays ``deferred``);
  once the triggerer starts, the same run completes: the wait really is the triggerer's.
* With the triggerer, runs triggered with params complete; the training task went through ``deferred``, the
  triggerer's log of the task shows the trigger polling and firing, the job got the params, the console link is
  served, and the ``deploy`` branch follows the ``deploy`` param.

Run alone: ``make fullstack`` (or ``pytest -m fullstack``).
"""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
import requests

from tests.fullstack.stack import (
    CONN_ID,
    CONSOLE_JOB_URL,
    DAG_ID,
    POLL_INTERVAL,
    AirflowStack,
    RunRecord,
    connection_body,
    ensure_triggerer,
    scenario_fixtures,
    ti_path,
    trigger_logs,
    trigger_run,
    wait_for_runs,
    wait_until,
)

pytestmark = pytest.mark.fullstack

fs_emulator, fs_stack, fs_runs = scenario_fixtures()

HOLD_SECONDS = 5 * POLL_INTERVAL + 5  # several trigger polls and scheduler loops after the remote job finished


def _job(emulator: Any, job_id: str) -> dict[str, Any]:
    """The training job as the emulator has it (GET with a token)."""
    import requests

    resp = requests.get(f"{emulator.url}/v2/{emulator.project_id}/training-jobs/{job_id}",
                        headers=emulator.headers(), timeout=30)
    resp.raise_for_status()
    return dict(resp.json())


def _run_count(stack: AirflowStack) -> int:
    return int(stack.api("GET", f"/api/v2/dags/{DAG_ID}/dagRuns", params={"limit": 1})["total_entries"])


def _sample(stack: AirflowStack, run_id: str, seconds: float) -> set[tuple[str | None, str]]:
    """The (train state, run state) pairs seen over ``seconds``, sampled every second."""
    seen = set()
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        seen.add((stack.ti_states(DAG_ID, run_id).get("train"), stack.run_state(DAG_ID, run_id)))
        time.sleep(1.0)
    return seen


# ---- connection and params ---------------------------------------------------------------------------------------
def test_connection_created_through_the_rest_api_and_tested_by_the_api_server(fs_stack, fs_emulator) -> None:
    conn = fs_stack.api("GET", f"/api/v2/connections/{CONN_ID}")
    assert conn["conn_type"] == "modelarts" and conn["login"] == fs_emulator.ak
    assert conn["password"] != fs_emulator.sk  # never served back in clear
    body = connection_body(fs_emulator)
    ok = fs_stack.api("POST", "/api/v2/connections/test", json=body)
    assert ok["status"] is True, ok
    assert fs_emulator.region in ok["message"] and fs_emulator.sk not in ok["message"]
    bad = fs_stack.api("POST", "/api/v2/connections/test", json={**body, "password": "not-the-secret-key"})
    assert bad["status"] is False, bad
    assert "not-the-secret-key" not in bad["message"]


def test_example_dags_import_without_errors(fs_stack) -> None:
    errors = fs_stack.api("GET", "/api/v2/importErrors")
    assert errors["total_entries"] == 0, errors


@pytest.mark.parametrize(("conf", "param"), [
    ({"node_count": 0}, "node_count"),
    ({"node_count": 9}, "node_count"),
    ({"flavor": "modelarts.vm.cpu.1024u"}, "flavor"),
    ({"epochs": "many"}, "epochs"),
    ({"dataset_version": "latest"}, "dataset_version"),
    ({"deploy": "yes"}, "deploy"),
])
def test_bad_params_are_rejected_before_a_run_exists(fs_stack, conf, param) -> None:
    before = _run_count(fs_stack)
    answer = fs_stack.api("POST", f"/api/v2/dags/{DAG_ID}/dagRuns", json={"logical_date": None, "conf": conf},
                          expect=(400,))
    assert f"Invalid input for param {param}" in answer["detail"], answer
    assert _run_count(fs_stack) == before


# ---- the triggerer is what completes the wait --------------------------------------------------------------------
def test_without_the_triggerer_the_run_does_not_complete(fs_stack, fs_emulator) -> None:
    stack = fs_stack
    stack.stop("triggerer")  # the stack starts without it; stop it in case an earlier test started it
    run = RunRecord(trigger_run(stack, {"dataset_version": "V003", "epochs": 2}), {})
    wait_until(lambda: stack.ti_states(DAG_ID, run.run_id).get("train") == "deferred", timeout=120,
               what="train deferred", diagnostics=stack.diagnostics)
    job_id = stack.xcom(DAG_ID, run.run_id, "train", "training_job_id")
    wait_until(lambda: _job(fs_emulator, job_id)["status"]["phase"] == "Completed", timeout=120,
               what=f"job {job_id} Completed in the emulator")

    # The remote job is done, but nobody runs the trigger: the task must stay deferred and the run running.
    assert _sample(stack, run.run_id, HOLD_SECONDS) == {("deferred", "running")}
    assert trigger_logs(stack, run.run_id) == ""

    # The same run completes as soon as a triggerer runs the trigger.
    ensure_triggerer(stack)
    wait_for_runs(stack, [run], timeout=120)
    assert run.state == "success", stack.diagnostics()
    assert "Trigger fired event" in trigger_logs(stack, run.run_id)


# ---- runs with the triggerer ---------------------------------------------------------------------------------------
def test_runs_complete_with_the_training_wait_deferred_to_the_triggerer(fs_stack, fs_runs) -> None:
    for name, run in fs_runs.items():
        assert run.state == "success", (name, run, fs_stack.diagnostics())
        trail = run.seen["train"]
        assert "deferred" in trail and trail.index("deferred") < trail.index("success"), (name, trail)
        assert fs_stack.task_instance(DAG_ID, run.run_id, "train")["try_number"] == 1  # no retry hid a failure
        job_id = fs_stack.xcom(DAG_ID, run.run_id, "train", "training_job_id")
        log = trigger_logs(fs_stack, run.run_id)
        assert "airflow_provider_modelarts.triggers.modelarts.ModelArtsResourceTrigger" in log, name
        assert "epoch 1/20" in log  # the job log streamed by the trigger
        fired = [line for line in log.splitlines() if "Trigger fired event" in line]
        assert len(fired) == 1 and job_id in fired[0] and "'status': 'success'" in fired[0], fired
        polls = int(re.search(r"'polls': (\d+)", fired[0]).group(1))
        assert polls >= 3, f"the trigger polled only {polls} times: it did not really wait"


def test_the_training_job_gets_the_params(fs_stack, fs_runs, fs_emulator) -> None:
    expected = {"deploy": ("modelarts.vm.gpu.t4", 2, "3", "V002"), "no_deploy": ("modelarts.vm.cpu.8u", 1, "10", "V001")}
    for name, (flavor, nodes, epochs, version) in expected.items():
        job = _job(fs_emulator, fs_stack.xcom(DAG_ID, fs_runs[name].run_id, "train", "training_job_id"))
        assert job["spec"]["resource"]["flavor_id"] == flavor and job["spec"]["resource"]["node_count"] == nodes
        params = {p["name"]: p["value"] for p in job["algorithm"]["parameters"]}
        assert params["epochs"] == epochs and params["dataset_version"] == version, params
        inputs = [i["remote"]["obs"]["obs_url"] for i in job["algorithm"]["inputs"]]
        assert inputs == [f"obs://modelarts-emulator/datasets/flowers/{version}/"]
        assert job["status"]["phase"] == "Completed"


def test_the_deploy_branch_follows_the_deploy_param(fs_stack, fs_runs, fs_emulator) -> None:
    assert fs_stack.ti_states(DAG_ID, fs_runs["deploy"].run_id) == {
        "train": "success", "should_deploy": "success", "import_model": "success", "deploy": "success"}
    assert fs_stack.ti_states(DAG_ID, fs_runs["no_deploy"].run_id) == {
        "train": "success", "should_deploy": "success", "import_model": "skipped", "deploy": "skipped"}
    service_id = fs_stack.xcom(DAG_ID, fs_runs["deploy"].run_id, "deploy", "service_id")
    service = requests.get(f"{fs_emulator.url}/v1/{fs_emulator.project_id}/services/{service_id}",
                           headers=fs_emulator.headers(), timeout=30).json()
    assert service["status"] == "running"


def test_the_training_task_serves_the_console_link(fs_stack, fs_runs, fs_emulator) -> None:
    run_id = fs_runs["deploy"].run_id
    job_id = fs_stack.xcom(DAG_ID, run_id, "train", "training_job_id")
    links = fs_stack.api("GET", f"{ti_path(DAG_ID, run_id, 'train')}/links")
    assert links["extra_links"] == {"ModelArts Training Job": CONSOLE_JOB_URL.format(region=fs_emulator.region, job=job_id)}
