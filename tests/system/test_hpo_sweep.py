"""System test of ``dags_examples/modelarts_hpo_sweep.py``: a 2 x 1 grid (two learning rates, 30 iterations;
the DAG's default is 2 x 2) of mapped trials really trains (emulator runner mode) in the pool
``modelarts_training``, the best ``r2`` wins and its model is imported. Two trials keep the test short; the
cross product itself is the ``grid`` task's, the same for any size."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from airflow_provider_modelarts.emulator.testing import EmulatorHandle, start_emulator
from tests.airflow_run import AIRFLOW, DagRunResult, run_dag, xcom

EXAMPLES = Path(__file__).resolve().parents[2] / "dags_examples"
ENV = {"AIRFLOW__CORE__DAGS_FOLDER": str(EXAMPLES), "MODELARTS_EXAMPLE_POLL_INTERVAL": "1"}
POOL = "modelarts_training"
GRID = {"learning_rates": [0.05, 0.5], "iterations": [30]}


@pytest.fixture(scope="module")
def runner(airflow_db) -> Iterator[EmulatorHandle]:
    with start_emulator(speed=10.0, runner=True) as handle, pytest.MonkeyPatch.context() as mp:
        mp.setenv("AIRFLOW_CONN_MODELARTS_DEFAULT", handle.airflow_connection_json())
        yield handle


def _task_instances(dr: DagRunResult) -> list[tuple[str, int, str, str]]:
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        tis = session.scalars(select(TaskInstance).where(TaskInstance.dag_id == dr.dag_id,
                                                         TaskInstance.run_id == dr.run_id)).all()
        return sorted((ti.task_id, ti.map_index, str(getattr(ti.state, "value", ti.state)), ti.pool) for ti in tis)


def test_sweep_trains_the_grid_in_the_pool_and_imports_the_best_model(runner: EmulatorHandle) -> None:
    # the pool as the DAG's docstring creates it
    subprocess.run([AIRFLOW, "pools", "set", POOL, "2", "ModelArts training jobs", "--include-deferred"],
                   check=True, capture_output=True, timeout=300, env={**os.environ, **ENV})
    dr = run_dag("modelarts_hpo_sweep", extra_env=ENV, timeout=900, conf=GRID)
    tis = _task_instances(dr)
    assert {state for _, _, state, _ in tis} == {"success"}, (tis, dr.output[-6000:])
    trials = [(index, pool) for task_id, index, _, pool in tis if task_id == "train"]
    assert trials == [(0, POOL), (1, POOL)]
    assert all(pool == "default_pool" for task_id, _, _, pool in tis if task_id != "train")
    assert runner.count("training_v2.create") == 2

    best = xcom(dr, "pick_best")
    scores = {json.dumps(t["parameters"], sort_keys=True): t["r2"] for t in best["trials"]}
    assert len(scores) == 2 and best["r2"] == max(scores.values())
    # gradient descent: small steps fit y = 2x + 1 worse in the same number of iterations than large ones
    assert best["parameters"] == {"learning_rate": 0.5, "iterations": 30} and best["r2"] > 0.99
    assert scores[json.dumps({"iterations": 30, "learning_rate": 0.05})] < best["r2"]

    model = xcom(dr, "import_model")
    assert model["model_status"] == "published"
    imported = [r for r in runner.requests("models.create") if r["status"] < 300]
    assert len(imported) == 1
    report = xcom(dr, "report")
    assert report["best"]["training_job_id"] == best["training_job_id"] and report["model_id"] == model["model_id"]
    # the model imported is the best trial's output
    resp = requests.get(f"{runner.url}/v1/{runner.project_id}/models/{model['model_id']}",
                        headers=runner.headers(), timeout=30)
    resp.raise_for_status()
    detail = resp.json()
    assert detail["source_job_id"] == best["training_job_id"]
    assert f"/trial-{best['map_index']}/" in detail["source_location"], detail["source_location"]
