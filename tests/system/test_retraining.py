"""System test of ``dags_examples/modelarts_retraining.py``: the whole lifecycle against the emulator in runner
mode (the training script really trains, the deployed service really predicts), run twice: the first run
deploys, the second canary-updates and promotes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from airflow_provider_modelarts.emulator.testing import EmulatorHandle, start_emulator
from tests.airflow_run import DagRunResult, run_dag, ti_states, xcom
from tests.fullstack.stack import CONSOLE_JOB_URL
from tests.lineage.events import complete_events, datasets, openlineage_env, run_key

EXAMPLES = Path(__file__).resolve().parents[2] / "dags_examples"
BUCKET = "obs://modelarts-emulator"
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


@pytest.fixture(scope="module")
def lineage_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the first run's OpenLineage file transport writes its events."""
    return tmp_path_factory.mktemp("openlineage") / "events.jsonl"


@pytest.fixture(scope="module")
def first_run(runner: EmulatorHandle, lineage_log: Path) -> DagRunResult:
    """The first run, with the pinned OpenLineage provider's file transport configured through environment
    variables: its events are checked by :func:`test_first_run_reports_obs_datasets_and_the_job_facet` (lineage
    needs no run of its own)."""
    return run_dag("modelarts_retraining", extra_env={**ENV, **openlineage_env(lineage_log)}, timeout=600)


def test_retraining_deploys_then_canary_updates(runner: EmulatorHandle, first_run: DagRunResult) -> None:
    first = first_run
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


def test_first_run_reports_obs_datasets_and_the_job_facet(runner: EmulatorHandle, first_run: DagRunResult,
                                                          lineage_log: Path) -> None:
    assert ti_states(first_run)["report"] == "success", first_run.output[-6000:]
    assert lineage_log.exists(), first_run.output[-6000:]
    events = complete_events(lineage_log, "modelarts_retraining")
    assert first_run.run_id is not None
    key = run_key(first_run.run_id)
    data, output, code = f"retraining/runs/{key}/data", f"retraining/runs/{key}/output", "retraining/code"

    assert datasets(events["import_new_data"], "inputs") == [(BUCKET, data)]
    train = events["train"]
    assert datasets(train, "inputs") == sorted([(BUCKET, data), (BUCKET, code)])
    assert datasets(train, "outputs") == [(BUCKET, output)]
    job_id = xcom(first_run, "train", "training_job_id")
    facet = train["run"]["facets"]["modelarts"]
    assert facet["ids"]["training_job_id"] == job_id and facet["resourceKind"]
    assert facet["consoleUrl"] == CONSOLE_JOB_URL.format(region=runner.region, job=job_id)
    # the model is imported from the training job's output: that output is the import's input
    model = events["import_model"]
    assert datasets(model, "inputs") == [(BUCKET, output)]
    assert xcom(first_run, "import_model", "model_id") in model["run"]["facets"]["modelarts"]["ids"].values()
    # a task that is not a ModelArts operator reports no ModelArts facet
    assert "modelarts" not in events["land_new_data"]["run"]["facets"]
