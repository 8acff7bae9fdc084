"""Runner mode: v2 training jobs really run ``dags_examples/assets/train_job/code/train.py`` from OBS in a subprocess."""

from __future__ import annotations

import importlib.util
import json
import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest
import requests

from airflow_provider_modelarts.emulator.runner import boot_file_relative, start_training_run, stop_all_runs
from airflow_provider_modelarts.emulator.testing import EmulatorHandle, start_emulator

DATA = Path(__file__).resolve().parents[2] / "dags_examples" / "assets" / "train_job"
BUCKET = "modelarts-emulator"
FINAL = {"Completed", "Failed", "Abnormal", "Terminated"}


@pytest.fixture(scope="module")
def runner() -> Iterator[EmulatorHandle]:
    """An emulator of its own in runner mode (speed 10)."""
    with start_emulator(speed=10.0, runner=True) as handle:
        yield handle


@pytest.fixture
def prefix(runner: EmulatorHandle) -> str:
    """A fresh OBS folder holding the training code and data (moto buckets are shared in the process)."""
    root = f"runner-{uuid.uuid4().hex[:8]}/"
    obs = runner.emu.obs
    obs.put(BUCKET, root + "code/train.py", (DATA / "code" / "train.py").read_bytes())
    obs.put(BUCKET, root + "code/README.txt", b"not code")
    obs.put(BUCKET, root + "data/points.csv", (DATA / "data" / "data.csv").read_bytes())
    return root


def job_body(prefix: str, name: str, parameters: list[dict[str, str]] | None = None) -> dict[str, Any]:
    return {
        "kind": "job", "metadata": {"name": name},
        "algorithm": {
            "code_dir": f"obs://{BUCKET}/{prefix}code/", "boot_file": f"obs://{BUCKET}/{prefix}code/train.py",
            "engine": {"engine_name": "PyTorch", "engine_version": "pytorch_1.8.0-cuda_10.2-py_3.7-ubuntu_18.04-x86_64"},
            "parameters": parameters or [],
            "inputs": [{"name": "data_url", "remote": {"obs": {"obs_url": f"obs://{BUCKET}/{prefix}data/"}}}],
            "outputs": [{"name": "train_url", "remote": {"obs": {"obs_url": f"/{BUCKET}/{prefix}output/"}}}],
            "environments": {"TRAIN_GREETING": "hello"},
        },
        "spec": {"resource": {"flavor_id": "modelarts.vm.cpu.2u", "node_count": 1}},
    }


def api(handle: EmulatorHandle, method: str, path: str, **kwargs: Any) -> requests.Response:
    return requests.request(method, f"{handle.url}/v2/{handle.project_id}{path}", headers=handle.headers(),
                            timeout=30, **kwargs)


def create(handle: EmulatorHandle, payload: dict[str, Any]) -> str:
    resp = api(handle, "POST", "/training-jobs", json=payload)
    assert resp.status_code == 201, resp.text
    assert resp.json()["status"]["phase"] == "Creating"
    return str(resp.json()["metadata"]["id"])


def wait(handle: EmulatorHandle, job_id: str, phases: set[str], timeout: float = 30.0) -> tuple[list[str], dict]:
    """Poll (real time: the process runs for real) until a phase in ``phases``; returns phases seen and the job."""
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = api(handle, "GET", f"/training-jobs/{job_id}").json()
        phase = job["status"]["phase"]
        if not seen or seen[-1] != phase:
            seen.append(phase)
        if phase in phases:
            return seen, job
        time.sleep(0.02)
    raise AssertionError(f"job {job_id} never reached {phases}; phases seen {seen}")


def preview(handle: EmulatorHandle, job_id: str) -> str:
    resp = api(handle, "GET", f"/training-jobs/{job_id}/tasks/worker-0/logs/preview")
    assert resp.status_code == 200
    body = resp.json()
    assert body["current_size"] == body["full_size"] == len(body["content"].encode())
    return str(body["content"])


def test_training_job_runs_the_script_and_uploads_the_model(runner: EmulatorHandle, prefix: str,
                                                           tmp_path: Path) -> None:
    job_id = create(runner, job_body(prefix, "runner-ok", [{"name": "epochs", "value": "1"}]))
    seen, job = wait(runner, job_id, FINAL)
    assert seen[0] in ("Creating", "Pending") and seen[-1] == "Completed", seen
    assert job["status"]["task_statuses"][0]["exit_code"] == 0
    assert job["status"]["start_time"] > 0 and job["status"]["duration"] >= 0

    log = preview(runner, job_id)
    assert "train.py started" in log and "read 20 points" in log and "training finished" in log
    assert "--epochs=1" in log and "extra=['--epochs=1']" in log
    assert "output train_url: 3 file(s) uploaded" in log

    obs = runner.emu.obs
    keys = set(obs.list(BUCKET, prefix + "output/"))
    assert keys == {prefix + "output/model/config.json", prefix + "output/model/customize_service.py",
                    prefix + "output/metrics.json"}
    config = json.loads(obs.get(BUCKET, prefix + "output/model/config.json"))
    assert config["model_type"] == "linear_regression"
    assert config["slope"] == pytest.approx(2.0, abs=0.01) and config["intercept"] == pytest.approx(1.0, abs=0.1)
    assert json.loads(obs.get(BUCKET, prefix + "output/metrics.json"))["r2"] > 0.99

    # the documented model contract: predict(data, model_dir) from model/customize_service.py
    model_dir = tmp_path / "model"
    model_dir.mkdir()
    for name in ("config.json", "customize_service.py"):
        (model_dir / name).write_bytes(obs.get(BUCKET, f"{prefix}output/model/{name}"))
    spec = importlib.util.spec_from_file_location("customize_service", model_dir / "customize_service.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    answer = module.predict({"x": [10, 0]}, str(model_dir))
    assert answer["y"][0] == pytest.approx(21.0, abs=0.2) and answer["y"][1] == pytest.approx(1.0, abs=0.1)

    metrics = api(runner, "GET", f"/training-jobs/{job_id}/metrics/worker-0").json()["metrics"]
    assert {m["metric"] for m in metrics} >= {"cpuUsage", "memUsage"}


def test_failing_script_fails_the_job_with_its_exit_code(runner: EmulatorHandle, prefix: str) -> None:
    job_id = create(runner, job_body(prefix, "runner-exit3", [{"name": "exit_code", "value": "3"}]))
    seen, job = wait(runner, job_id, FINAL)
    assert seen[-1] == "Failed" and job["status"]["secondary_phase"] == "Failed"
    assert job["status"]["task_statuses"][0] == {"task": "worker-0", "exit_code": 3,
                                                 "message": "Command exited with code 3."}
    log = preview(runner, job_id)
    assert "failing on purpose with exit code 3" in log and "process exited with 3" in log
    assert runner.emu.obs.list(BUCKET, prefix + "output/") == []  # outputs are uploaded only after success


def test_terminate_kills_a_long_running_script(runner: EmulatorHandle, prefix: str) -> None:
    job_id = create(runner, job_body(prefix, "runner-long", [{"name": "sleep", "value": "60"}]))
    wait(runner, job_id, {"Running"})
    deadline = time.monotonic() + 20
    while "still training, tick 3" not in preview(runner, job_id):
        assert time.monotonic() < deadline, preview(runner, job_id)
        time.sleep(0.05)
    run = runner.emu.extras["training_runs"][job_id]
    pid = run._proc.pid
    assert psutil.pid_exists(pid)
    metrics = {m["metric"]: m["value"] for m in
               api(runner, "GET", f"/training-jobs/{job_id}/metrics/worker-0").json()["metrics"]}
    assert len(metrics["memUsage"]) >= 1 and metrics["memUsage"][0] > 0
    assert run.max_rss_mb() > 1 and run.cpu_seconds() >= 0

    resp = api(runner, "POST", f"/training-jobs/{job_id}/actions", json={"action_type": "terminate"})
    assert resp.status_code == 202 and resp.json()["status"]["phase"] == "Terminating"
    seen, job = wait(runner, job_id, {"Terminated"})
    assert run.wait(10) and run.state == "terminated" and run.exit_code == -15
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    assert job["status"]["task_statuses"][0]["exit_code"] == -15
    assert "job terminated by user" in preview(runner, job_id)
    assert runner.emu.obs.list(BUCKET, prefix + "output/") == []


def test_runner_rejects_a_missing_boot_file(runner: EmulatorHandle, prefix: str) -> None:
    payload = job_body(prefix, "runner-missing")
    payload["algorithm"]["boot_file"] = f"obs://{BUCKET}/{prefix}code/missing.py"
    resp = api(runner, "POST", "/training-jobs", json=payload)
    assert resp.status_code == 400 and resp.json()["error_code"] == "ModelArts.2758"


def test_start_training_run_directly(runner: EmulatorHandle, prefix: str) -> None:
    """The reusable API (the v1 training module calls it too), with a relative boot file and /bucket/ URLs."""
    run = start_training_run(runner.emu, job_key="direct-run", code_dir=f"/{BUCKET}/{prefix}code",
                             boot_file="train.py", inputs=[("data_url", f"/{BUCKET}/{prefix}data/points.csv")],
                             outputs=[("train_url", f"obs://{BUCKET}/{prefix}direct/")],
                             parameters=[("learning_rate", 0.1)], env={"EXTRA": 1})
    assert run.wait(30) and run.state == "completed" and run.exit_code == 0, run.log_text()
    assert run.started_at is not None and run.ended_at is not None and run.ended_at >= run.started_at
    assert run.command[3:] == ["--learning_rate=0.1", f"--data_url={run.work_dir}/inputs/data_url",
                               f"--train_url={run.work_dir}/outputs/train_url"]
    assert "read 20 points" in run.log_text()
    assert sorted(run.uploaded) == sorted(runner.emu.obs.list(BUCKET, prefix + "direct/"))
    assert len(run.uploaded) == 3
    assert not os.path.exists(os.path.join(run.work_dir, "code"))  # the big dirs go once the run ends
    run.cleanup()
    assert not os.path.exists(run.work_dir)


def test_start_training_run_fails_cleanly_without_code(runner: EmulatorHandle) -> None:
    run = start_training_run(runner.emu, job_key="no-code", code_dir=f"obs://{BUCKET}/nothing-here/",
                             boot_file="train.py")
    assert run.wait(30) and run.state == "failed" and run.exit_code is None
    assert "boot file train.py not found" in run.log_text()
    run.cleanup()


def test_stop_all_runs(runner: EmulatorHandle, prefix: str) -> None:
    run = start_training_run(runner.emu, job_key="stop-all", code_dir=f"obs://{BUCKET}/{prefix}code/",
                             boot_file="train.py", inputs=[("data_url", f"obs://{BUCKET}/{prefix}data/")],
                             outputs=[("train_url", f"obs://{BUCKET}/{prefix}never/")], parameters=[("sleep", 60)])
    deadline = time.monotonic() + 20
    while "tick 1" not in run.log_text():
        assert time.monotonic() < deadline and run.state == "running", run.log_text()
        time.sleep(0.05)
    assert stop_all_runs(runner.emu) >= 1
    assert run.wait(10) and run.state == "terminated"
    assert stop_all_runs(runner.emu) == 0
    run.cleanup()


@pytest.mark.parametrize(("code_dir", "boot_file", "expected"), [
    ("obs://b/code/", "obs://b/code/train.py", "train.py"),
    ("/b/code", "/b/code/sub/train.py", "sub/train.py"),
    ("obs://b/code/", "train.py", "train.py"),
])
def test_boot_file_relative(code_dir: str, boot_file: str, expected: str) -> None:
    assert boot_file_relative(code_dir, boot_file) == expected


@pytest.mark.parametrize(("code_dir", "boot_file"), [
    ("obs://b/code/", "obs://other/code/train.py"),
    ("obs://b/code/", "obs://b/codex/train.py"),
    ("obs://b/code/", "../train.py"),
    ("obs://b/code/", "obs://b/code/"),
])
def test_boot_file_outside_code_dir(code_dir: str, boot_file: str) -> None:
    with pytest.raises(ValueError):
        boot_file_relative(code_dir, boot_file)
