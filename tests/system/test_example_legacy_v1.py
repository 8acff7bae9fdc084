"""System test: ``dags_examples/modelarts_legacy_v1_training.py`` runs for real against an emulator in runner mode.

The training script really runs (the emulator's runner), so the assertions are on real outcomes: both versions
ended 10, version 2 chains from version 1, the fitted model and metrics are in OBS, the visualization job came up
and was stopped.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.airflow_run import run_dag, ti_states, xcom

EXAMPLES = Path(__file__).resolve().parents[2] / "dags_examples"
DAG_ID = "modelarts_legacy_v1_training"


@pytest.fixture(scope="module")
def runner_emulator() -> Iterator:
    from airflow_provider_modelarts.emulator.testing import start_emulator

    with start_emulator(speed=10.0, runner=True) as handle:
        yield handle


@pytest.fixture
def example_env(airflow_db, runner_emulator, monkeypatch):
    from airflow_provider_modelarts.client.auth import clear_token_cache

    clear_token_cache()
    monkeypatch.setenv("AIRFLOW_CONN_MODELARTS_DEFAULT", runner_emulator.airflow_connection_json())
    monkeypatch.setenv("AIRFLOW__CORE__DAGS_FOLDER", str(EXAMPLES))
    monkeypatch.setenv("MODELARTS_EXAMPLE_POLL_INTERVAL", "0.5")
    return runner_emulator


def test_legacy_v1_example_trains_chains_a_version_and_writes_outputs(example_env) -> None:
    from airflow_provider_modelarts.hooks.modelarts import ModelArtsHook
    from airflow_provider_modelarts.hooks.obs import OBSHook

    dr = run_dag(DAG_ID, timeout=600)
    states = ti_states(dr)
    assert states == {t: "success" for t in ("upload_code", "upload_data", "train", "retrain", "check_outputs",
                                             "board", "stop_board")}, dr.output[-5000:]
    train, retrain = xcom(dr, "train"), xcom(dr, "retrain")
    assert train["status"] == 10 and retrain["status"] == 10
    assert retrain["job_id"] == train["job_id"] and retrain["pre_version_id"] == train["version_id"]

    hook = ModelArtsHook()
    second = hook.get_training_job_version_v1(retrain["job_id"], retrain["version_id"])
    assert second["data_url"] == train["data_url"] and second["train_url"].endswith("/output/v2/")
    assert {"label": "sleep", "value": "0.5"} in second["parameter"]

    obs = OBSHook()
    for version, summary in (("v1", train), ("v2", retrain)):
        root = "obs:/" + summary["train_url"]
        config = json.loads(obs.read_text(root + "model/config.json"))
        assert config["model_type"] == "linear_regression" and abs(config["slope"] - 2.0) < 0.1, config
        assert obs.exists(root + "metrics.json"), version
    metrics = xcom(dr, "check_outputs")
    assert set(metrics) == {"v1", "v2"} and metrics["v1"]["samples"] == 20 and metrics["v1"]["r2"] > 0.99

    assert "read 20 points" in dr.output and "training finished" in dr.output  # the real run's log
    assert xcom(dr, "board")["status"] == 8 and xcom(dr, "stop_board")["status"] == 12
    assert example_env.count("training_v1.create") == 1
