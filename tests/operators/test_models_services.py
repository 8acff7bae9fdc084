"""Model and service operators in real Airflow (``airflow dags test``) against the emulator.

The session emulator (simulated training, echoing inference) runs the life cycle, the failure states and the
malformed configurations; a module-scoped emulator in runner mode runs the end to end: a real training script, the
metric gate, import from the job's output, deploy, a prediction by the trained model, and a canary update that
fails and is rolled back while the service keeps answering with the old model.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from airflow_provider_modelarts.emulator.testing import EmulatorHandle, start_emulator
from tests.airflow_run import run_dag, ti_states, xcom

BUCKET = "modelarts-emulator"
DATA = Path(__file__).resolve().parents[1] / "data"
TRAIN_JOB = Path(__file__).resolve().parents[2] / "dags_examples" / "assets" / "train_job"


def put_dir(handle: EmulatorHandle, local: Path, prefix: str) -> None:
    for path in local.iterdir():
        if path.is_file():
            handle.emu.obs.put(BUCKET, prefix + path.name, path.read_bytes())


def v1(handle: EmulatorHandle, method: str, path: str) -> requests.Response:
    return requests.request(method, f"{handle.url}/v1/{handle.project_id}{path}", headers=handle.headers(),
                            timeout=30)


@pytest.fixture
def _airflow(airflow_db, modelarts_conn) -> Iterator[EmulatorHandle]:
    from airflow_provider_modelarts.client.auth import clear_token_cache

    clear_token_cache()
    put_dir(modelarts_conn, DATA / "model_linear", "ms-tests/model_linear/")
    modelarts_conn.emu.obs.put(BUCKET, "ms-tests/batch-in/a.txt", b"hello batch")
    yield modelarts_conn


def _non_iam(handle: EmulatorHandle) -> list[dict[str, Any]]:
    return [r for r in handle.requests() if not r["kind"].startswith("iam")]


# ---- session emulator ------------------------------------------------------------------------------------------------
def test_lifecycle_import_deploy_predict_canary_stop_start_delete(_airflow: EmulatorHandle) -> None:
    emulator = _airflow
    dr = run_dag("ms_lifecycle")
    states = ti_states(dr)
    assert set(states.values()) == {"success"}, (states, dr.output[-5000:])
    v1_id, v2_id = xcom(dr, "import_v1", "model_id"), xcom(dr, "import_v2", "model_id")
    assert xcom(dr, "import_again", "model_id") == v1_id, "the same name and version must be reattached to"
    assert "Reattaching to model" in dr.output
    assert emulator.count("models.create") == 2
    imported = xcom(dr, "import_v1")
    assert imported["model_status"] == "published" and imported["model_version"] == "1.0.0"
    train_output = f"/{BUCKET}/ms-tests/lifecycle-"
    assert imported["source_location"].startswith(train_output)  # v1 form of the job's output directory
    assert imported["source_job_id"] == xcom(dr, "train", "training_job_id")
    assert xcom(dr, "import_v1", "modelarts_model_link") == {"region": "cn-north-4", "model_id": v1_id}

    service_id = xcom(dr, "deploy", "service_id")
    address = xcom(dr, "deploy", "access_address")
    assert address == f"{emulator.url}/v1/infers/{service_id}"
    assert xcom(dr, "deploy")["status"] == "running"
    assert "running trigger in line" in dr.output  # the deploy and the start were deferred
    assert xcom(dr, "predict") == {"meta": {}, "data": {"resp_data": [{"x": "3"}]}}
    sent = xcom(dr, "predict_file")["data"]["resp_data"][0]  # the echo describes the multipart body it received
    assert sent["content_type"].startswith("multipart/form-data; boundary=")
    assert sent["size"] > (DATA / "model_linear" / "config.json").stat().st_size

    canary = xcom(dr, "canary")
    assert [(c["model_id"], c["weight"]) for c in canary["config"]] == [(v1_id, 90), (v2_id, 10)]
    assert canary["config"][0]["specification"] == "modelarts.vm.cpu.2u"  # inherited from the current config
    assert xcom(dr, "canary", "previous_config") == [{"model_id": v1_id, "weight": 100,
                                                       "specification": "modelarts.vm.cpu.2u", "instance_count": 1,
                                                       "envs": {"SCALE": "1"}}]
    assert xcom(dr, "stop")["status"] == "stopped" and xcom(dr, "start")["status"] == "running"
    assert sorted(xcom(dr, "delete_model")) == sorted([v1_id, v2_id])  # cascade: both versions
    assert v1(emulator, "GET", f"/services/{service_id}").status_code == 404
    assert v1(emulator, "GET", f"/models/{v2_id}").status_code == 404


def test_failure_states_end_the_task_with_the_remote_error(_airflow: EmulatorHandle) -> None:
    emulator = _airflow
    dr = run_dag("ms_failures")
    assert ti_states(dr) == {"import_fail": "failed", "import_build_fail": "failed", "import_ok": "success",
                             "deploy_fail": "failed", "deploy_batch": "success"}, dr.output[-5000:]
    text = dr.output
    # no source documents a failure cause on a model (OTC model detail Table 3): the status is what is known
    assert "ended failure: model status failed" in text
    assert "ended failure: model status building_failed" in text
    assert "service status failed: Failed to deploy the service: the model instance failed to start" in text
    assert "Abnormal events: deploy service failed" in text
    batch = xcom(dr, "deploy_batch")
    assert batch["status"] == "finished" and batch["infer_type"] == "batch"
    assert emulator.emu.obs.exists(BUCKET, "ms-tests/batch-out/a.txt_result.txt")


def test_lost_create_replies_end_with_one_model_and_one_service(_airflow: EmulatorHandle) -> None:
    """drop_reply on models.create and services.create: each is applied once, reattached by name, not re-sent."""
    emulator = _airflow
    emulator.set_faults({"kinds": ["models.create", "services.create"], "sequence": ["drop_reply", "drop_reply"]})
    dr = run_dag("ms_reply_drop")
    emulator.admin("DELETE", "faults")
    assert ti_states(dr) == {"import": "success", "deploy": "success"}, dr.output[-5000:]
    creates = [(e["kind"], e["fault"]) for e in emulator.requests() if e["kind"] in ("models.create",
                                                                                      "services.create")]
    assert creates == [("models.create", "drop_reply"), ("services.create", "drop_reply")]
    model_id, service_id = xcom(dr, "import", "model_id"), xcom(dr, "deploy", "service_id")
    name = v1(emulator, "GET", f"/models/{model_id}").json()["model_name"]
    listed = v1(emulator, "GET", f"/models?model_name={name}&exact_match=true").json()["models"]
    assert [m["model_id"] for m in listed] == [model_id]
    service = v1(emulator, "GET", f"/services/{service_id}").json()
    named = v1(emulator, "GET", f"/services?service_name={service['service_name']}").json()["services"]
    assert [s["service_id"] for s in named] == [service_id] and service["status"] == "running"


def test_malformed_configs_fail_before_any_request(_airflow: EmulatorHandle) -> None:
    emulator = _airflow
    emulator.clear_requests()
    dr = run_dag("ms_bad_config")
    assert set(ti_states(dr).values()) == {"failed"}, ti_states(dr)
    text = dr.output
    assert "config[*].weight: the weights add up to 90 (fix: make them add up to 100" in text
    assert "config[0].instance_count: 6 is over the limit of 5 instances" in text
    assert "config[0]: 'mapping_rule' is a required property (fix: a csv batch service needs mapping_rule" in text \
        or "config[0].mapping_rule: 'mapping_rule' is a required property" in text
    assert "subnet_network_id" in text and "security_group_id" in text
    assert "model_version: '01.0.0' does not match" in text and "model_type" in text
    assert "source_location: 'not-an-obs-path' is not an OBS path" in text
    assert "Give payload (JSON) or file_path (exactly one)." in text
    assert _non_iam(emulator) == [], _non_iam(emulator)


# ---- runner mode ------------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def runner() -> Iterator[EmulatorHandle]:
    """An emulator in runner mode; the training code, data and the canary model in its OBS."""
    with start_emulator(speed=10.0, runner=True) as handle:
        obs = handle.emu.obs
        obs.put(BUCKET, "ms-e2e/code/train.py", (TRAIN_JOB / "code" / "train.py").read_bytes())
        obs.put(BUCKET, "ms-e2e/data/points.csv", (TRAIN_JOB / "data" / "data.csv").read_bytes())
        put_dir(handle, DATA / "model_linear", "ms-e2e/model_linear/")
        yield handle


@pytest.fixture
def runner_conn(airflow_db, runner: EmulatorHandle) -> Iterator[EmulatorHandle]:
    """``modelarts_default`` points at the runner-mode emulator (the ``dags test`` subprocess inherits it)."""
    from airflow_provider_modelarts.client.auth import clear_token_cache

    clear_token_cache()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AIRFLOW_CONN_MODELARTS_DEFAULT", runner.airflow_connection_json())
        yield runner


def test_runner_end_to_end_predicts_the_trained_model_and_rolls_back_a_failed_canary(
        runner_conn: EmulatorHandle) -> None:
    handle = runner_conn
    handle.clear_requests()
    dr = run_dag("ms_runner_e2e")
    kinds = [e["kind"] for e in handle.requests()]
    states = ti_states(dr)
    assert states == {"train": "success", "gate": "success", "no_promotion": "skipped", "import_model": "success",
                      "deploy": "success", "predict_before": "success", "import_canary": "success",
                      "canary": "failed", "predict_after": "success"}, (states, dr.output[-6000:])
    assert xcom(dr, "gate", "gate_passed") is True and xcom(dr, "gate", "metric_value") > 0.99
    # the gate and the import take the job's output from the training task's XCom: after the training task's last
    # poll (its metrics read follows it) no request reads the job again
    assert "training_v2.get" not in kinds[kinds.index("training_v2.metrics"):], kinds

    # the prediction is the trained model's: slope and intercept fitted by the real training script
    output = json.loads(handle.emu.obs.get(BUCKET, _output_key(dr, handle, "model/config.json")))
    expected = [output["slope"] * 10 + output["intercept"], output["intercept"]]
    before = xcom(dr, "predict_before")
    assert before["y"] == pytest.approx(expected)
    assert output["slope"] == pytest.approx(2.0, abs=0.05)

    # the canary failed with the remote error, and was rolled back
    text = dr.output
    assert "Update of service" in text and "ended failure: service_update status FAIL" in text
    assert "update service failed: the new model instances did not become ready" in text
    assert "Rolled back to the previous config" in text
    service_id = xcom(dr, "deploy", "service_id")
    old, new = xcom(dr, "import_model", "model_id"), xcom(dr, "import_canary", "model_id")
    resp = requests.get(f"{handle.url}/v1/{handle.project_id}/services/{service_id}/logs", headers=handle.headers(),
                        timeout=30)
    logs = resp.json()["logs"]
    assert [entry["result"] for entry in logs[-2:]] == ["FAIL", "SUCCESS"]
    assert [c["model_id"] for c in logs[-2]["config"]] == [old, new]
    assert [(c["model_id"], c["weight"]) for c in logs[-1]["config"]] == [(old, 100)]
    service = requests.get(f"{handle.url}/v1/{handle.project_id}/services/{service_id}", headers=handle.headers(),
                           timeout=30).json()
    assert service["status"] == "running" and [c["model_id"] for c in service["config"]] == [old]
    assert xcom(dr, "predict_after") == before  # still the old model answering


def _output_key(dr, handle: EmulatorHandle, name: str) -> str:
    job_id = xcom(dr, "train", "training_job_id")
    job = requests.get(f"{handle.url}/v2/{handle.project_id}/training-jobs/{job_id}", headers=handle.headers(),
                       timeout=30).json()
    url = job["algorithm"]["outputs"][0]["remote"]["obs"]["obs_url"]
    return url.split(f"{BUCKET}/", 1)[1] + name


def test_module_imports_stay_cheap() -> None:
    """Importing the operator and sensor modules does not import esdk-obs, the emulator or the request stack."""
    import subprocess
    import sys

    code = ("import sys\n"
            "import airflow_provider_modelarts.operators.models, airflow_provider_modelarts.operators.services\n"
            "import airflow_provider_modelarts.operators.metric_gate, airflow_provider_modelarts.sensors.models\n"
            "import airflow_provider_modelarts.sensors.services\n"
            "bad = [m for m in sys.modules if m == 'obs' or m.startswith(('obs.', 'airflow_provider_modelarts.emulator',"
            " 'airflow_provider_modelarts.client.transport'))]\n"
            "print(bad)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=os.environ.copy(),
                         timeout=120, check=True).stdout.strip().splitlines()[-1]
    assert out == "[]"
