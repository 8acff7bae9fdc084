"""The fork server behind ``tests.airflow_run``: a forked run behaves as ``subprocess.run`` would."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.airflow_run import AIRFLOW, FORKSERVER_ENV, forkable, import_time_env, run_command


@pytest.fixture(autouse=True)
def _fork_server_on(monkeypatch) -> None:
    """These tests are about the fork server: on even where ``MODELARTS_TESTS_FORKSERVER=0``."""
    monkeypatch.delenv(FORKSERVER_ENV, raising=False)


def _py(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def test_a_forked_run_returns_exit_code_and_stdout_then_stderr() -> None:
    code = "import sys; print('err', file=sys.stderr); print('out'); sys.exit(3)"
    assert forkable(_py(code))
    assert run_command(_py(code), env=dict(os.environ), timeout=120) == (3, "out\nerr\n")


def test_each_run_is_its_own_process_with_its_own_environment() -> None:
    code = "import os; print(os.getpid(), os.environ.get('FORK_PROBE'), os.getcwd())"
    first = run_command(_py(code), env={**os.environ, "FORK_PROBE": "a"}, timeout=120)[1].split()
    second = run_command(_py(code), env={**os.environ, "FORK_PROBE": "b"}, timeout=120)[1].split()
    assert first[1:] == ["a", os.getcwd()] and second[1:] == ["b", os.getcwd()]
    assert first[0] != second[0] and str(os.getpid()) not in (first[0], second[0])


def test_an_uncaught_exception_exits_1_with_its_traceback() -> None:
    returncode, output = run_command(_py("raise ValueError('boom')"), env=dict(os.environ), timeout=120)
    assert returncode == 1 and "ValueError: boom" in output and "Traceback" in output


def test_a_run_past_its_timeout_is_killed_and_raises() -> None:
    with pytest.raises(subprocess.TimeoutExpired):
        run_command(_py("import time; time.sleep(60)"), env=dict(os.environ), timeout=1)
    assert run_command(_py("print('next')"), env=dict(os.environ), timeout=120) == (0, "next\n")


def test_only_the_import_time_environment_selects_a_server() -> None:
    base = {"AIRFLOW_HOME": "/h", "AIRFLOW__CORE__DAGS_FOLDER": "/d", "PYTHONPATH": "/p", "HOME": "/root"}
    same = {**base, "AIRFLOW_CONN_X": "{}", "AIRFLOW_VAR_Y": "1", "OTHER": "2"}
    assert import_time_env(same) == import_time_env(base)
    assert import_time_env({**base, "AIRFLOW__CORE__DAGS_FOLDER": "/e"}) != import_time_env(base)
    assert forkable([AIRFLOW, "dags", "test", "x"]) and not forkable(["airflow", "version"])
