"""``@task.modelarts`` for real: ``airflow dags test`` against the emulator in runner mode, where the decorated
function runs in the emulator's training subprocess (``tests/dags/decorator_dags.py``)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from airflow_provider_modelarts.emulator.testing import EmulatorHandle, start_emulator
from tests.airflow_run import (
    DagRunResult,
    kill_when,
    latest_run_id,
    run_dag,
    run_same_run,
    same_run_command,
    ti_states,
    xcom,
)

DAG_FILE = Path(__file__).resolve().parents[1] / "dags" / "decorator_dags.py"
BUCKET = "modelarts-emulator"


@pytest.fixture(scope="module")
def runner(airflow_db) -> Iterator[EmulatorHandle]:
    with start_emulator(speed=10.0, runner=True) as handle, pytest.MonkeyPatch.context() as mp:
        mp.setenv("AIRFLOW_CONN_MODELARTS_DEFAULT", handle.airflow_connection_json())
        yield handle


def _staged(handle: EmulatorHandle, dag_id: str, task_id: str = "") -> list[str]:
    """The OBS keys staged under the DAG's ``obs_dir`` (of one task's folders when ``task_id`` is given)."""
    assert handle.emu is not None and handle.emu.obs is not None
    return sorted(handle.emu.obs.list(BUCKET, f"decorated/{dag_id}/{task_id + '-' if task_id else ''}"))


def test_function_runs_as_a_job_and_returns_its_value(runner: EmulatorHandle) -> None:
    runner.clear_requests()
    dr = run_dag("deco_success")
    assert ti_states(dr) == {"make_points": "success", "fit": "success"}, dr.output[-6000:]
    job_id = xcom(dr, "fit", "training_job_id")
    # computed in the job from the upstream XCom and the rendered template argument
    assert xcom(dr, "fit") == {"total": 60, "label": "deco_success", "job_key": job_id, "note": "from-env",
                               "argv0": "modelarts_boot.py"}
    assert xcom(dr, "fit", "training_job")["phase"] == "Completed"
    assert "[DAG TEST] running trigger in line" in dr.output or "Pausing task as DEFERRED" in dr.output
    assert "start training:" in dr.output  # the job log was streamed into the task log
    assert runner.count("training_v2.create") == 1
    staged = [k.rsplit("/", 2)[-2:] for k in _staged(runner, "deco_success")]
    assert sorted(staged) == [["code", "call.json"], ["code", "function.py"], ["code", "modelarts_boot.py"],
                              ["output", "result.json"]]
    source = next(runner.emu.obs.get(BUCKET, k) for k in _staged(runner, "deco_success") if k.endswith("function.py"))
    assert b"@task.modelarts" not in source and source.startswith(b"def fit(")


@pytest.fixture(scope="module")
def failures(runner: EmulatorHandle) -> DagRunResult:
    """One run of ``deco_failures`` (three independent failing tasks); the request log starts empty."""
    runner.clear_requests()
    return run_dag("deco_failures")


def test_failures_fail_their_own_task(failures: DagRunResult) -> None:
    assert ti_states(failures) == {"explode": "failed", "returns_a_set": "failed", "takes_a_date": "failed"}, \
        failures.output[-6000:]


def test_failing_function_raises_with_its_traceback(failures: DagRunResult) -> None:
    assert "explode() failed in training job" in failures.output, failures.output[-6000:]
    assert "ValueError: epoch 7 diverged" in failures.output
    assert 'in check\n' in failures.output and "check(epoch)" in failures.output  # the frames of the user's function


def test_non_json_return_value_fails_clearly(runner: EmulatorHandle, failures: DagRunResult) -> None:
    assert "the return value of returns_a_set() must be JSON-serialisable" in failures.output, \
        failures.output[-6000:]
    assert not [k for k in _staged(runner, "deco_failures", "returns_a_set") if k.endswith("result.json")]


def test_non_json_argument_fails_before_any_upload_or_job(runner: EmulatorHandle, failures: DagRunResult) -> None:
    assert "positional argument 0 of takes_a_date() is not JSON-serialisable (datetime" in failures.output, \
        failures.output[-6000:]
    assert _staged(runner, "deco_failures", "takes_a_date") == []
    assert _staged(runner, "deco_failures", "explode")  # the other tasks did stage and create their jobs
    assert runner.count("training_v2.create") == 2  # explode and returns_a_set: none for takes_a_date


def test_killed_worker_then_retry_reattaches_to_the_running_job(runner: EmulatorHandle) -> None:
    runner.clear_requests()
    date = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
    kill_when(same_run_command(DAG_FILE, "deco_reattach", date), lambda: runner.count("training_v2.get") >= 3)
    assert runner.count("training_v2.create") == 1
    first_run = latest_run_id("deco_reattach")
    dr = run_same_run(DAG_FILE, "deco_reattach", date)
    assert dr.run_id == first_run
    assert ti_states(dr) == {"slow": "success"}, dr.output[-6000:]
    assert "Reattaching to training_v2" in dr.output
    assert runner.count("training_v2.create") == 1
    assert xcom(dr, "slow") == {"slept": 8.0, "job_key": xcom(dr, "slow", "training_job_id")}


def test_arguments_the_decorator_owns_are_refused_at_parse_time() -> None:
    from airflow.sdk import DAG, task

    with DAG("deco_parse", schedule=None, start_date=datetime(2026, 1, 1)):
        with pytest.raises(TypeError, match="code_dir cannot be given"):
            task.modelarts(obs_dir="obs://b-k/x/", code_dir="obs://b-k/code/")(lambda: 1)()
        with pytest.raises(ValueError, match="obs_dir: .* is not an OBS URL"):
            task.modelarts(obs_dir="bucket/x/")(lambda: 1)()


def test_killing_the_task_terminates_its_job(runner: EmulatorHandle) -> None:
    """Issue 16: a decorated task killed while it waits (here Airflow's ``execution_timeout``) terminates the
    job running the function, through the training operator's ``on_kill``."""
    import requests

    runner.clear_requests()
    dr = run_dag("deco_on_kill")
    assert ti_states(dr) == {"sleeps_long": "failed"}, dr.output[-6000:]
    job_id = xcom(dr, "sleeps_long", "training_job_id")
    assert runner.count("training_v2.create") == 1
    answer = requests.get(f"{runner.url}/v2/{runner.project_id}/training-jobs/{job_id}", headers=runner.headers(),
                          timeout=10)
    answer.raise_for_status()
    assert answer.json()["status"]["phase"] in ("Terminating", "Terminated")
