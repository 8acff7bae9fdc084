"""System tests of ``dags_examples/modelarts_batch_scoring.py`` and ``modelarts_service_watch.py`` against the
emulator: each DAG waits on a resource started elsewhere (here: by the test, over HTTP, before the run), and the
batch DAG deploys a batch service whose results land on OBS."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from airflow_provider_modelarts.emulator.testing import EmulatorHandle, start_emulator
from tests.airflow_run import run_dag, ti_states, xcom

EXAMPLES = Path(__file__).resolve().parents[2] / "dags_examples"
ENV = {"AIRFLOW__CORE__DAGS_FOLDER": str(EXAMPLES), "MODELARTS_EXAMPLE_POLL_INTERVAL": "1"}
BUCKET = "modelarts-emulator"
SPEC = "modelarts.vm.cpu.2u"


@pytest.fixture(scope="module")
def emulator(airflow_db) -> Iterator[EmulatorHandle]:
    with start_emulator(speed=10.0) as handle, pytest.MonkeyPatch.context() as mp:
        mp.setenv("AIRFLOW_CONN_MODELARTS_DEFAULT", handle.airflow_connection_json())
        handle.emu.obs.put(BUCKET, "elsewhere/model/model/config.json", b"{}")
        yield handle


def _api(handle: EmulatorHandle, method: str, path: str, body: Any = None) -> dict[str, Any]:
    resp = requests.request(method, f"{handle.url}/v1/{handle.project_id}{path}", json=body,
                            headers=handle.headers(), timeout=30)
    assert resp.status_code == 200, resp.text
    return dict(resp.json())


def _model_elsewhere(handle: EmulatorHandle) -> str:
    """A model import started outside the DAG (still publishing when the DAG starts)."""
    return str(_api(handle, "POST", "/models", {
        "model_name": f"elsewhere{time.time_ns() % 10**9}", "model_version": "1.0.0", "model_type": "PyTorch",
        "source_location": f"/{BUCKET}/elsewhere/model/", "install_type": ["real-time", "batch"]})["model_id"])


def test_batch_scoring_waits_for_a_model_imported_elsewhere_and_scores_a_folder(emulator: EmulatorHandle) -> None:
    model_id = _model_elsewhere(emulator)
    for name in ("a.txt", "b.txt"):
        emulator.emu.obs.put(BUCKET, f"batch-scoring/in/{name}", f"text of {name}".encode())
    before = len(emulator.requests("services.create"))
    run = run_dag("modelarts_batch_scoring", extra_env=ENV, timeout=600, conf={"model_id": model_id})
    states = ti_states(run)
    assert set(states.values()) == {"success"}, (states, run.output[-6000:])
    collected = xcom(run, "collect_results")
    assert collected["results"] == [f"obs://{BUCKET}/batch-scoring/out/{n}_result.txt" for n in ("a.txt", "b.txt")]
    assert json.loads(collected["first"])["data"]["resp_data"][0]["file_name"] == "a.txt"
    creates = emulator.requests("services.create")[before:]
    assert [e["status"] for e in creates] == [200]  # exactly one batch service deployed
    service_id = xcom(run, "batch_deploy", "service_id")
    assert xcom(run, "batch_deploy")["status"] == "finished"
    resp = requests.get(f"{emulator.url}/v1/{emulator.project_id}/services/{service_id}", headers=emulator.headers(),
                        timeout=30)
    assert resp.status_code == 404  # deleted by the cleanup task


def test_service_watch_waits_for_a_service_deployed_elsewhere(emulator: EmulatorHandle) -> None:
    model_id = _model_elsewhere(emulator)
    emulator.advance(4)
    name = f"watched-{time.time_ns() % 10**9}"
    emulator.set_outcome("service", "slow", match=name)  # 50 emulated seconds deploying
    service_id = _api(emulator, "POST", "/services", {
        "service_name": name, "infer_type": "real-time",
        "config": [{"model_id": model_id, "specification": SPEC, "instance_count": 1, "weight": 100}]})["service_id"]
    creates = emulator.count("services.create")
    run = run_dag("modelarts_service_watch", extra_env=ENV, timeout=600,
                  conf={"service_id": service_id, "payload": {"data": {"req_data": [{"x": 2}]}}})
    states = ti_states(run)
    assert set(states.values()) == {"success"}, (states, run.output[-6000:])
    assert xcom(run, "smoke_predict") == {"meta": {}, "data": {"resp_data": [{"x": 2}]}}
    assert xcom(run, "check_answer") == {"ok": True, "resp_data": [{"x": 2}]}
    assert emulator.count("services.create") == creates  # the DAG deployed nothing: it watched
