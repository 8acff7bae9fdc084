"""Running test DAGs for real with ``airflow dags test`` and reading what they left (states, XComs, output).

Each run is a fresh Airflow process (as a worker would be); its output is the task log. The test process reads
the results from the same metadata DB.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

AIRFLOW = str(Path(sys.executable).parent / "airflow")


@dataclass
class DagRunResult:
    dag_id: str
    run_id: str | None
    returncode: int
    output: str


def run_dag(dag_id: str, *, logical_date: datetime | None = None, timeout: float = 300,
            extra_env: dict[str, str] | None = None, conf: dict[str, Any] | None = None) -> DagRunResult:
    """``airflow dags test <dag_id> [<logical_date>]`` in a subprocess; returns its run and output.

    :param extra_env: environment added for that process (e.g. ``AIRFLOW__CORE__DAGS_FOLDER`` of the examples).
    """
    cmd = [AIRFLOW, "dags", "test", dag_id]
    if logical_date is not None:
        cmd.append(logical_date.isoformat())
    if conf is not None:
        cmd += ["--conf", json.dumps(conf)]
    proc = subprocess.run(cmd, env={**os.environ, **(extra_env or {})}, capture_output=True, text=True,
                          timeout=timeout)
    return DagRunResult(dag_id, latest_run_id(dag_id), proc.returncode, proc.stdout + proc.stderr)


def latest_run_id(dag_id: str) -> str | None:
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        run = session.scalars(select(DagRun).where(DagRun.dag_id == dag_id).order_by(DagRun.id.desc())).first()
        return run.run_id if run else None


def ti_states(dr: DagRunResult) -> dict[str, str]:
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        tis = session.scalars(select(TaskInstance).where(TaskInstance.dag_id == dr.dag_id,
                                                         TaskInstance.run_id == dr.run_id)).all()
        return {ti.task_id: str(ti.state.value if hasattr(ti.state, "value") else ti.state) for ti in tis}


def xcom(dr: DagRunResult, task_id: str, key: str = "return_value") -> Any:
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        row = session.scalars(select(XComModel).where(
            XComModel.dag_id == dr.dag_id, XComModel.run_id == dr.run_id, XComModel.task_id == task_id,
            XComModel.key == key)).first()
        return XComModel.deserialize_value(row) if row is not None else None


_SAME_RUN_SCRIPT = """
import importlib.util, sys
from datetime import datetime
spec = importlib.util.spec_from_file_location("testdags", {path!r})
mod = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mod)
when = datetime.fromisoformat({when!r})
getattr(mod, {dag_id!r}).test(run_after=when, logical_date=when)
"""


def same_run_command(dag_file: Path, dag_id: str, when: datetime) -> list[str]:
    """A command running ``dag.test()`` for one fixed DAG run (same run id every time): running it again after
    it was killed is a retry of the same task instances."""
    return [sys.executable, "-c", _SAME_RUN_SCRIPT.format(path=str(dag_file), when=when.isoformat(), dag_id=dag_id)]


def run_same_run(dag_file: Path, dag_id: str, when: datetime, *, timeout: float = 300) -> DagRunResult:
    proc = subprocess.run(same_run_command(dag_file, dag_id, when), env=os.environ.copy(), capture_output=True,
                          text=True, timeout=timeout)
    return DagRunResult(dag_id, latest_run_id(dag_id), proc.returncode, proc.stdout + proc.stderr)


def kill_when(cmd: list[str], ready: Callable[[], bool], *, timeout: float = 120) -> None:
    """Start ``cmd`` as a worker, wait until ``ready()``, then SIGKILL its whole process group."""
    proc = subprocess.Popen(cmd, env=os.environ.copy(), start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + timeout
        while not ready():
            assert proc.poll() is None, "the worker ended before it was killed"
            assert time.monotonic() < deadline, "the worker never reached the point where it is killed"
            time.sleep(0.2)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
