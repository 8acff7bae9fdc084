"""v2 training operators and sensor in real Airflow (``dag.test()``) against the emulator."""

from __future__ import annotations

import json
import math
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.airflow_run import kill_when, latest_run_id, run_dag, run_same_run, same_run_command, ti_states, xcom

pytestmark = pytest.mark.usefixtures("modelarts_airflow")


def _job(emulator, job_id: str) -> dict:
    import requests

    r = requests.get(f"{emulator.url}/v2/{emulator.project_id}/training-jobs/{job_id}", headers=emulator.headers(),
                     timeout=10)
    r.raise_for_status()
    return r.json()


def test_success_returns_summary_and_stable_xcom_keys(emulator) -> None:
    dr = run_dag("t2_success")
    assert ti_states(dr) == {"train": "success"}
    job_id = xcom(dr, "train", "training_job_id")
    summary = xcom(dr, "train")
    assert summary["training_job_id"] == job_id and summary["phase"] == "Completed"
    assert summary["node_count"] == 2 and summary["flavor"] == "modelarts.vm.cpu.8u"
    assert summary["outputs"] == ["obs://modelarts-emulator/output/"]
    assert xcom(dr, "train", "training_job_name") == _job(emulator, job_id)["metadata"]["name"]
    metrics = xcom(dr, "train", "training_metrics")
    assert set(metrics) == {"worker-0", "worker-1"} and "cpuUsage" in metrics["worker-0"]
    link = xcom(dr, "train", "modelarts_training_job_link")
    assert link == {"region": "cn-north-4", "training_job_id": job_id}
    body = _job(emulator, job_id)
    assert {"name": "epochs", "value": "3"} in [{k: p[k] for k in ("name", "value")}
                                               for p in body["algorithm"]["parameters"]]
    assert emulator.count("training_v2.create") == 1


@pytest.mark.parametrize(("dag_id", "phase"), [("t2_failed", "Failed"), ("t2_abnormal", "Abnormal"),
                                               ("t2_terminated", "Terminated")])
def test_failure_phases_fail_the_task_with_the_remote_story(emulator, dag_id, phase) -> None:
    dr = run_dag(dag_id)
    assert ti_states(dr) == {"train": "failed"}
    text = dr.output
    assert f"ended {phase}" in text
    if phase == "Failed":
        assert "Traceback" in text and "exit 1" in text  # log tail and task exit code in the error


def test_more_nodes_than_the_flavor_allows_fail_before_the_create(emulator) -> None:
    dr = run_dag("t2_too_many_nodes")
    assert ti_states(dr) == {"train": "failed"}
    assert "train_instance_count: 3 nodes exceed the 1 that flavor modelarts.vm.cpu.2u allows" in dr.output
    assert (emulator.count("training_v2.flavors"), emulator.count("training_v2.create")) == (1, 0)


def test_every_create_reply_lost_still_makes_exactly_one_job(emulator) -> None:
    """The emulator applies each create and drops its answer: the operator finds the job by name and run key."""
    emulator.set_faults({"kinds": ["training_v2.create"], "rates": {"drop_reply": 1.0}})
    dr = run_dag("t2_success")
    emulator.set_faults({})
    assert ti_states(dr) == {"train": "success"}, dr.output[-3000:]
    creates = emulator.requests("training_v2.create")
    assert [(e["fault"], e["applied_status"]) for e in creates] == [("drop_reply", 201)]
    assert xcom(dr, "train")["phase"] == "Completed"


def test_max_wait_terminates_the_job(emulator) -> None:
    dr = run_dag("t2_max_wait")
    assert ti_states(dr) == {"train": "failed"}
    job = _job(emulator, xcom(dr, "train", "training_job_id"))
    assert job["status"]["phase"] in ("Terminating", "Terminated")
    assert emulator.count("training_v2.action") == 1


def test_on_kill_terminates_the_job(emulator) -> None:
    dr = run_dag("t2_on_kill")  # execution_timeout makes Airflow call on_kill
    assert ti_states(dr) == {"train": "failed"}
    job = _job(emulator, xcom(dr, "train", "training_job_id"))
    assert job["status"]["phase"] in ("Terminating", "Terminated")


def test_deferred_run_completes_and_streams_each_log_line_once(emulator) -> None:
    dr = run_dag("t2_deferred")
    assert ti_states(dr) == {"train": "success"}
    text = dr.output
    assert "running trigger in line" in text
    epochs = [line for line in text.splitlines() if "[worker-0] epoch" in line]
    seen = [line[line.index("[worker-0] epoch"):] for line in epochs]
    assert seen, "no job log line reached the task log"
    assert len(seen) == len(set(seen)), "a log line was printed twice"
    numbers = [int(s.split("epoch ")[1].split("/")[0]) for s in seen]
    assert numbers == sorted(numbers), "log lines out of order"
    assert xcom(dr, "train")["phase"] == "Completed"


def test_deferred_failure_carries_log_tail(emulator) -> None:
    dr = run_dag("t2_deferred_failed")
    assert ti_states(dr) == {"train": "failed"}
    text = dr.output
    assert "Traceback" in text and "ended Failed" in text


def test_trigger_is_importable_by_a_triggerer() -> None:
    from airflow.sdk._shared.module_loading import import_string

    from airflow_provider_modelarts.triggers.modelarts import ModelArtsResourceTrigger

    path, kwargs = ModelArtsResourceTrigger("training_v2", {"training_job_id": "x"}).serialize()
    assert import_string(path) is ModelArtsResourceTrigger
    json.dumps(kwargs)  # serializable as the triggerer stores it
    assert ModelArtsResourceTrigger(**kwargs).serialize() == (path, kwargs)


def test_parameters_rendered_from_upstream_xcom(emulator) -> None:
    dr = run_dag("t2_upstream_xcom")
    assert ti_states(dr) == {"pick_version": "success", "train": "success"}
    params = _job(emulator, xcom(dr, "train", "training_job_id"))["algorithm"]["parameters"]
    assert {"name": "dataset_version", "value": "V007"} in [{k: p[k] for k in ("name", "value")} for p in params]


def test_malformed_spec_fails_naming_fields_with_zero_requests(emulator) -> None:
    emulator.clear_requests()
    dr = run_dag("t2_bad_spec")
    assert ti_states(dr) == {"train": "failed"}
    text = dr.output
    assert "train_instance_count" in text and "code_dir" in text and "fix:" in text
    assert [r for r in emulator.requests() if not r["kind"].startswith("iam")] == []


def test_requests_per_wait_and_one_token_per_process(emulator, monkeypatch) -> None:
    """GETs of the job = ceil(duration / poll_interval) + 1 (within one); one IAM token for the whole process."""
    from airflow_provider_modelarts.client.auth import clear_token_cache

    clear_token_cache()
    extra = {"auth_type": "iam_user", "account": emulator.domain, "region": emulator.project_name,
             "modelarts_endpoint": emulator.url, "iam_endpoint": emulator.url}
    monkeypatch.setenv("AIRFLOW_CONN_MODELARTS_DEFAULT", json.dumps(
        {"conn_type": "modelarts", "login": emulator.user, "password": emulator.password, "extra": extra}))
    started = time.monotonic()
    dr = run_dag("t2_success")
    assert ti_states(dr) == {"train": "success"}
    gets = [r for r in emulator.requests("training_v2.get")]
    waited = gets[-1]["time"] - gets[0]["time"]
    expected = math.ceil(waited / 0.5) + 1
    assert abs(len(gets) - expected) <= 1, (len(gets), expected, time.monotonic() - started)
    assert emulator.count("iam.token.create") == 1


def test_transient_faults_do_not_fail_the_job_or_duplicate_it(emulator) -> None:
    emulator.set_faults({"rates": {"503": 0.1, "500": 0.05, "429": 0.05}, "kinds": ["training_v2.*"], "seed": 7})
    dr = run_dag("t2_faults")
    assert ti_states(dr) == {"train": "success"}, dr.output[-4000:]
    faulted = [r for r in emulator.requests() if r.get("fault")]
    assert faulted, "no fault was injected: the test would prove nothing"
    assert len([r for r in emulator.requests("training_v2.create") if r["status"] == 201]) == 1


def test_sensor_poke_and_deferred(emulator) -> None:
    dr = run_dag("t2_sensor")
    assert ti_states(dr) == {"train": "success", "wait_poke": "success", "wait_deferred": "success"}
    job_id = xcom(dr, "train", "training_job_id")
    assert xcom(dr, "wait_poke")["training_job_id"] == job_id
    assert xcom(dr, "wait_deferred")["status"] == "Completed"


def test_worker_killed_mid_wait_then_retried_creates_one_job(emulator, airflow_db) -> None:
    """Kill the whole worker process (SIGKILL) while it waits; the same task instance then runs again."""
    date = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
    dag_file = Path(__file__).resolve().parents[1] / "dags" / "training_v2_dags.py"
    kill_when(same_run_command(dag_file, "t2_reattach", date), lambda: emulator.count("training_v2.get") >= 3)  # created, waiting
    assert emulator.count("training_v2.create") == 1
    first_run = latest_run_id("t2_reattach")
    dr = run_same_run(dag_file, "t2_reattach", date)
    assert dr.run_id == first_run  # the same DAG run: the task instance was retried
    assert ti_states(dr) == {"train": "success"}, dr.output[-3000:]
    assert "Reattaching to training_v2" in dr.output, dr.output[-3000:]
    assert emulator.count("training_v2.create") == 1
    assert xcom(dr, "train")["phase"] == "Completed"
