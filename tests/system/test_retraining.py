"""System test of ``dags_examples/modelarts_retraining.py``: the whole lifecycle against the emulator in runner
mode (the training script really trains, the deployed service really predicts), run twice: the first run
deploys, the second canary-updates and promotes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from airflow_provider_modelarts.emulator.testing import EmulatorHandle, start_emulator
from tests.airflow_run import run_dag, ti_states, xcom

EXAMPLES = Path(__file__).resolve().parents[2] / "dags_examples"
ENV = {"AIRFLOW__CORE__DAGS_FOLDER": str(EXAMPLES), "MODELARTS_EXAMPLE_POLL_INTERVAL": "1"}


@pytest.fixture(scope="module")
def runner(airflow_db) -> Iterator[EmulatorHandle]:
    with start_emulator(speed=10.0, runner=True) as handle, pytest.MonkeyPatch.context() as mp:
        mp.setenv("AIRFLOW_CONN_MODELARTS_DEFAULT", handle.airflow_connection_json())
        yield handle


def _service(handle: EmulatorHandle, service_id: str) -> dict:
    resp = requests.get(f"{handle.url}/v1/{handle.project_id}/services/{service_id}", headers=handle.headers(),
                        timeout=30)
    resp.raise_for_status()
    return resp.json()


def test_retraining_deploys_then_canary_updates(runner: EmulatorHandle) -> None:
    first = run_dag("modelarts_retraining", extra_env=ENV, timeout=600)
    states = ti_states(first)
    assert states["report"] == "success", (states, first.output[-6000:])
    assert states["deploy_service"] == "success" and states["canary_update"] == "skipped"
    assert states["skip_promotion"] == "skipped" and states["train"] == "success"
    report = xcom(first, "report")
    assert report["samples_imported"] == 2 and report["dataset_version"]
    assert report["job_phase"] == "Completed" and report["r2"] > 0.95 and report["promoted"] is True
    assert report["model_status"] == "published" and report["rollout"] == "deploy"
    # the model the script fitted on y = 2x + 1 (+-0.2) answers: real predictions
    assert report["prediction"]["y"] == pytest.approx([3, 5, 7], abs=0.3)
    assert "[DAG TEST] running trigger in line" in first.output or "Pausing task as DEFERRED" in first.output
    assert runner.count("training_v2.create") == 1 and runner.count("services.create") == 1

    second = run_dag("modelarts_retraining", extra_env=ENV, timeout=600, conf={"model_version": "2.0.0"})
    states = ti_states(second)
    assert states["report"] == "success", (states, second.output[-6000:])
    assert states["deploy_service"] == "skipped" and states["canary_update"] == "success"
    assert states["promote_canary"] == "success"
    report2 = xcom(second, "report")
    assert report2["rollout"] == "canary" and report2["service_id"] == report["service_id"]
    service = _service(runner, report["service_id"])
    assert service["status"] == "running"
    assert [(c["model_id"], c.get("weight")) for c in service["config"]] == [(report2["model_id"], 100)]
    assert runner.count("services.create") == 1  # the second run updated, it did not deploy again
    assert xcom(second, "smoke_predict")["y"] == pytest.approx([3, 5, 7], abs=0.3)

    rerun = run_dag("modelarts_retraining", extra_env=ENV, timeout=600, conf={"model_version": "2.0.0"})
    states = ti_states(rerun)
    assert states["report"] == "success" and xcom(rerun, "report")["rollout"] == "unchanged", states
    assert states["canary_update"] == "skipped" and states["smoke_predict"] == "success"
