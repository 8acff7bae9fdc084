"""Every example DAG under the emulator's ``drop_reply`` fault on every create (issue 12).

``drop_reply`` is the duplicate-create trap: the emulator applies the create, then resets the connection, so the
client never hears that the resource exists. With the fault on *every* create (``*.create*``, rate 1.0) a client
that re-sends would be dropped again and again, and each re-send would be one more billed resource. Each example
must still end with every task green and with exactly one applied create per resource the DAG makes: the
operators find what their lost create made (by name, by run marker, or by listing what was sent) instead of
sending it again.

``modelarts_service_watch`` creates nothing (it waits on a service started elsewhere), so it has no row here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from airflow_provider_modelarts.emulator.testing import EmulatorHandle, start_emulator
from tests.airflow_run import run_dag, ti_states

EXAMPLES = Path(__file__).resolve().parents[2] / "dags_examples"
ENV = {"AIRFLOW__CORE__DAGS_FOLDER": str(EXAMPLES), "MODELARTS_EXAMPLE_POLL_INTERVAL": "0.5"}
BUCKET = "modelarts-emulator"
EVERY_CREATE = {"kinds": ["*.create*"], "rates": {"drop_reply": 1.0}}


@pytest.fixture(scope="module")
def runner(airflow_db) -> Iterator[EmulatorHandle]:
    """An emulator in runner mode (training scripts really run): the training examples check real outputs."""
    with start_emulator(speed=10.0, runner=True) as handle:
        yield handle


@pytest.fixture(scope="module")
def simulated(airflow_db) -> Iterator[EmulatorHandle]:
    """An emulator in simulated mode: the batch example scores with a placeholder model imported elsewhere,
    which only the simulated batch service answers (as in ``test_batch_scoring_and_watch.py``)."""
    with start_emulator(speed=10.0) as handle:
        yield handle


def _model_elsewhere(handle: EmulatorHandle) -> dict[str, Any]:
    """The batch-scoring example scores with a model imported outside the DAG (created before the fault is on)."""
    handle.emu.obs.put(BUCKET, "drop-reply/model/model/config.json", b"{}")
    for name in ("a.txt", "b.txt"):
        handle.emu.obs.put(BUCKET, f"batch-scoring/in/{name}", f"text of {name}".encode())
    resp = requests.post(f"{handle.url}/v1/{handle.project_id}/models", headers=handle.headers(), timeout=30,
                         json={"model_name": "dropreplyelsewhere", "model_version": "1.0.0",
                               "model_type": "PyTorch", "source_location": f"/{BUCKET}/drop-reply/model/",
                               "install_type": ["real-time", "batch"]})
    assert resp.status_code == 200, resp.text
    return {"model_id": resp.json()["model_id"]}


def _no_setup(handle: EmulatorHandle) -> dict[str, Any]:
    return {}


def _deploy_too(handle: EmulatorHandle) -> dict[str, Any]:
    """The UI example, triggered with the form's ``deploy`` box ticked: train, import, deploy."""
    return {"deploy": True}


# (dag_id, emulator fixture, setup returning the run's conf, the creates the DAG makes: kind -> how many)
EXAMPLES_UNDER_FAULT: list[tuple[str, str, Callable[[EmulatorHandle], dict[str, Any]], dict[str, int]]] = [
    ("modelarts_retraining", "runner", _no_setup, {
        "datasets.create": 1, "datasets.create_import_task": 1, "datasets.create_version": 1,
        "training_v2.create": 1, "models.create": 1, "services.create": 1}),
    ("modelarts_data_pipeline", "runner", _no_setup, {
        "datasets.create": 1, "datasets.create_import_task": 1, "datasets.create_export_task": 1}),
    ("modelarts_legacy_v1_training", "runner", _no_setup, {
        "training_v1.create": 1, "training_v1.create_version": 1, "training_v1.create_visualization": 1}),
    ("modelarts_ui_training", "simulated", _deploy_too, {
        "training_v2.create": 1, "models.create": 1, "services.create": 1}),
    ("modelarts_batch_scoring", "simulated", _model_elsewhere, {"services.create": 1}),
]


@pytest.mark.parametrize(("dag_id", "mode", "setup", "expected"), EXAMPLES_UNDER_FAULT,
                         ids=[row[0] for row in EXAMPLES_UNDER_FAULT])
def test_example_ends_with_exactly_one_of_each_resource_when_every_create_reply_is_lost(
        request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, dag_id: str, mode: str,
        setup: Callable[[EmulatorHandle], dict[str, Any]], expected: dict[str, int]) -> None:
    runner: EmulatorHandle = request.getfixturevalue(mode)
    monkeypatch.setenv("AIRFLOW_CONN_MODELARTS_DEFAULT", runner.airflow_connection_json())
    conf = setup(runner)
    before = len(runner.requests())
    runner.set_faults(EVERY_CREATE)
    try:
        run = run_dag(dag_id, extra_env=ENV, timeout=600, conf=conf or None)
    finally:
        runner.set_faults({})
    states = ti_states(run)
    assert set(states.values()) <= {"success", "skipped"} and states, (states, run.output[-6000:])
    assert "success" in states.values()

    creates = [e for e in runner.requests()[before:] if ".create" in e["kind"] and not e["kind"].startswith("iam")]
    # each create reached the emulator, was applied, and its reply was lost: none was answered, none refused
    assert all(e["fault"] == "drop_reply" for e in creates), creates
    assert all(200 <= int(e.get("applied_status") or 0) < 300 for e in creates), creates
    # and none was sent twice: one applied create per resource the DAG makes
    assert Counter(e["kind"] for e in creates) == Counter(expected), creates
