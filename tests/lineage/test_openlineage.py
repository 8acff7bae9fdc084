"""OpenLineage of the ModelArts operators, for real: a ``modelarts_retraining`` run (``airflow dags test`` against
the emulator in runner mode) with the pinned OpenLineage provider and its file transport configured through
environment variables; and, without the provider importable, the operators import and their lineage hooks return
None."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_modelarts.emulator.testing import EmulatorHandle, start_emulator
from tests.airflow_run import run_dag, ti_states, xcom
from tests.fullstack.stack import CONSOLE_JOB_URL

EXAMPLES = Path(__file__).resolve().parents[2] / "dags_examples"
DAG = "modelarts_retraining"
BUCKET = "obs://modelarts-emulator"


@pytest.fixture(scope="module")
def runner(airflow_db) -> Iterator[EmulatorHandle]:
    with start_emulator(speed=10.0, runner=True) as handle, pytest.MonkeyPatch.context() as mp:
        mp.setenv("AIRFLOW_CONN_MODELARTS_DEFAULT", handle.airflow_connection_json())
        yield handle


def _complete_events(path: Path) -> dict[str, dict[str, Any]]:
    """The COMPLETE event of each task of the DAG, by task id, from the file transport's JSON lines."""
    events = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    prefix = f"{DAG}."
    return {e["job"]["name"][len(prefix):]: e for e in events
            if e.get("eventType") == "COMPLETE" and e["job"]["name"].startswith(prefix)}


def _datasets(event: dict[str, Any], side: str) -> list[tuple[str, str]]:
    return sorted((d["namespace"], d["name"]) for d in event.get(side, []))


def test_retraining_run_reports_obs_datasets_and_the_job_facet(runner: EmulatorHandle, tmp_path: Path) -> None:
    log = tmp_path / "openlineage.jsonl"
    env = {"AIRFLOW__CORE__DAGS_FOLDER": str(EXAMPLES), "MODELARTS_EXAMPLE_POLL_INTERVAL": "1",
           "AIRFLOW__OPENLINEAGE__DISABLED": "False", "AIRFLOW__OPENLINEAGE__NAMESPACE": "modelarts-tests",
           "AIRFLOW__OPENLINEAGE__TRANSPORT": json.dumps({"type": "file", "log_file_path": str(log),
                                                          "append": True})}
    # min_r2 above any fit: the gate skips the promotion, so the run ends after training (no model, no service)
    dr = run_dag(DAG, extra_env=env, timeout=600, conf={"min_r2": 1.0})
    states = ti_states(dr)
    assert states["train"] == "success" and states["import_new_data"] == "success", (states, dr.output[-6000:])
    assert log.exists(), dr.output[-6000:]
    events = _complete_events(log)
    run_key = dr.run_id.replace(":", "").replace("+", "").replace(".", "").replace("_", "-").lower()
    data, output, code = (f"retraining/runs/{run_key}/data", f"retraining/runs/{run_key}/output",
                          "retraining/code")

    assert _datasets(events["import_new_data"], "inputs") == [(BUCKET, data)]
    train = events["train"]
    assert _datasets(train, "inputs") == sorted([(BUCKET, data), (BUCKET, code)])
    assert _datasets(train, "outputs") == [(BUCKET, output)]
    job_id = xcom(dr, "train", "training_job_id")
    facet = train["run"]["facets"]["modelarts"]
    assert facet["ids"]["training_job_id"] == job_id
    assert facet["consoleUrl"] == CONSOLE_JOB_URL.format(region=runner.region, job=job_id)
    assert facet["resourceKind"]
    # a task that is not ModelArts (the Python @task landing the data) reports no ModelArts facet
    assert "modelarts" not in events.get("land_new_data", {"run": {"facets": {}}})["run"]["facets"]


def test_without_the_openlineage_provider_nothing_changes() -> None:
    """Provider and client poisoned (after Airflow itself started, whose provider discovery reads every installed
    distribution): the operators import, and their lineage hooks return None."""
    code = "\n".join([
        "import sys",
        "import airflow.sdk, airflow.sdk.configuration",
        "for name in ('airflow.providers.openlineage', 'openlineage'):",
        "    for loaded in [m for m in sys.modules if m == name or m.startswith(name + '.')]:",
        "        del sys.modules[loaded]",
        "    sys.modules[name] = None",
        "from airflow_provider_modelarts.operators.training import ModelArtsCreateTrainingJobOperator",
        "op = ModelArtsCreateTrainingJobOperator(task_id='t', code_dir='obs://b-k/code/', boot_file='t.py',",
        "    inputs='obs://b-k/data/', outputs='obs://b-k/out/')",
        "op.remote_ids = {'training_job_id': 'j'}",
        "assert op.lineage_locations() == (['obs://b-k/data/', 'obs://b-k/code/'], ['obs://b-k/out/'])",
        "assert op.get_openlineage_facets_on_complete(None) is None",
        "assert op.get_openlineage_facets_on_failure(None) is None",
        "print('ok')",
    ])
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr[-3000:]
