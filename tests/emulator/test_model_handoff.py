"""Emulator fixes for the model hand-off: (1) a simulated v2 training job that Completes writes a placeholder model
into its OBS outputs (so a model can be imported from it without runner mode); (2) runner processes are stopped
by a reset and by the server's shutdown (no orphaned training subprocess)."""

from __future__ import annotations

import importlib.util
import json
import time
import uuid
from pathlib import Path
from typing import Any

import psutil
import pytest
import requests

from airflow_provider_modelarts.emulator.testing import EmulatorHandle, start_emulator

BUCKET = "modelarts-emulator"
DATA = Path(__file__).resolve().parents[2] / "dags_examples" / "assets" / "train_job"


def _v2(handle: EmulatorHandle, method: str, path: str, **kwargs: Any) -> requests.Response:
    return requests.request(method, f"{handle.url}/v2/{handle.project_id}{path}", headers=handle.headers(),
                            timeout=30, **kwargs)


def _v1(handle: EmulatorHandle, method: str, path: str, **kwargs: Any) -> requests.Response:
    return requests.request(method, f"{handle.url}/v1/{handle.project_id}{path}", headers=handle.headers(),
                            timeout=30, **kwargs)


def _job_body(name: str, output: str, *, code_dir: str = f"obs://{BUCKET}/code/", env: dict | None = None,
              parameters: list | None = None, inputs: list | None = None) -> dict[str, Any]:
    algorithm: dict[str, Any] = {
        "code_dir": code_dir, "boot_file": code_dir + "train.py",
        "engine": {"engine_name": "PyTorch", "engine_version": "PyTorch-1.4.0-python3.6-v2"},
        "outputs": [{"name": "train_url", "remote": {"obs": {"obs_url": output}}}],
        "environments": env or {}, "parameters": parameters or [],
    }
    if inputs:
        algorithm["inputs"] = inputs
    return {"kind": "job", "metadata": {"name": name}, "algorithm": algorithm,
            "spec": {"resource": {"flavor_id": "modelarts.vm.cpu.8u", "node_count": 1}}}


def test_simulated_completed_job_writes_a_placeholder_model_that_imports(emulator_server: EmulatorHandle,
                                                                        tmp_path: Path) -> None:
    handle = emulator_server
    prefix = f"handoff-{uuid.uuid4().hex[:8]}/output/"
    resp = _v2(handle, "POST", "/training-jobs", json=_job_body("handoff", f"obs://{BUCKET}/{prefix}"))
    assert resp.status_code == 201, resp.text
    job_id = resp.json()["metadata"]["id"]
    obs = handle.emu.obs
    assert obs.list(BUCKET, prefix) == []  # nothing before the job completes
    handle.advance(30)
    assert _v2(handle, "GET", f"/training-jobs/{job_id}").json()["status"]["phase"] == "Completed"
    assert set(obs.list(BUCKET, prefix)) == {prefix + "model/config.json", prefix + "model/customize_service.py"}
    assert json.loads(obs.get(BUCKET, prefix + "model/config.json"))["training_job_id"] == job_id

    # the placeholder follows the model contract and echoes
    (tmp_path / "customize_service.py").write_bytes(obs.get(BUCKET, prefix + "model/customize_service.py"))
    spec = importlib.util.spec_from_file_location("placeholder", tmp_path / "customize_service.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.predict({"data": {"req_data": [1, 2]}}, str(tmp_path)) == {"meta": {}, "data": {"resp_data": [1, 2]}}

    # a model imports from the job's output (the create checks the OBS directory)
    model = _v1(handle, "POST", "/models", json={"model_name": f"handoff-{uuid.uuid4().hex[:6]}",
                                                 "model_version": "1.0.0", "model_type": "PyTorch",
                                                 "source_location": f"/{BUCKET}/{prefix}", "source_job_id": job_id})
    assert model.status_code == 200, model.text


@pytest.mark.parametrize("outcome", ["fail", "stuck"])
def test_simulated_job_that_does_not_complete_writes_nothing(emulator_server: EmulatorHandle, outcome: str) -> None:
    handle = emulator_server
    prefix = f"handoff-{uuid.uuid4().hex[:8]}/output/"
    body = _job_body("handoff-no", f"obs://{BUCKET}/{prefix}", env={"MODELARTS_EMULATOR_OUTCOME": outcome})
    job_id = _v2(handle, "POST", "/training-jobs", json=body).json()["metadata"]["id"]
    handle.advance(60)
    assert _v2(handle, "GET", f"/training-jobs/{job_id}").json()["status"]["phase"] != "Completed"
    assert handle.emu.obs.list(BUCKET, prefix) == []


def _long_running_job(handle: EmulatorHandle) -> psutil.Process:
    """A runner job sleeping for a minute; returns its process once it runs."""
    root = f"stop-{uuid.uuid4().hex[:8]}/"
    obs = handle.emu.obs
    obs.put(BUCKET, root + "code/train.py", (DATA / "code" / "train.py").read_bytes())
    obs.put(BUCKET, root + "data/points.csv", (DATA / "data" / "data.csv").read_bytes())
    body = _job_body("long", f"obs://{BUCKET}/{root}output/", code_dir=f"obs://{BUCKET}/{root}code/",
                     parameters=[{"name": "sleep", "value": "60"}],
                     inputs=[{"name": "data_url", "remote": {"obs": {"obs_url": f"obs://{BUCKET}/{root}data/"}}}])
    resp = _v2(handle, "POST", "/training-jobs", json=body)
    assert resp.status_code == 201, resp.text
    run = handle.emu.extras["training_runs"][resp.json()["metadata"]["id"]]
    deadline = time.monotonic() + 30
    while getattr(run, "_proc", None) is None:
        assert time.monotonic() < deadline, "the training process never started"
        time.sleep(0.05)
    return psutil.Process(run._proc.pid)


def _gone(proc: psutil.Process, timeout: float = 10.0) -> bool:
    try:
        proc.wait(timeout)
    except psutil.TimeoutExpired:
        return False
    except psutil.NoSuchProcess:
        pass
    return True


def test_admin_reset_stops_runner_processes() -> None:
    with start_emulator(speed=10.0, runner=True) as handle:
        proc = _long_running_job(handle)
        assert proc.is_running()
        handle.reset()
        assert _gone(proc), "the training process survived the reset"


def test_server_shutdown_stops_runner_processes() -> None:
    with start_emulator(speed=10.0, runner=True) as handle:
        proc = _long_running_job(handle)
        assert proc.is_running()
    assert _gone(proc), "the training process survived the emulator's shutdown"
