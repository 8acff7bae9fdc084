"""Helpers of the reliability suite: several DAG runs in one Airflow process, killing a worker mid-wait,
connections for other auth types, and reading the emulator."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

DAG_FILE = Path(__file__).resolve().parents[1] / "dags" / "reliability_dags.py"
#: Every text the suite produced (DAG output, exception messages): scanned for secrets at the end.
PRODUCED: list[str] = []

_MANY_RUNS_SCRIPT = """
import importlib.util, sys
from datetime import datetime
spec = importlib.util.spec_from_file_location("reliabilitydags", {path!r})
mod = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mod)
for when in {dates!r}:
    when = datetime.fromisoformat(when)
    print("@@RUN", when.isoformat(), flush=True)
    getattr(mod, {dag_id!r}).test(run_after=when, logical_date=when)
"""


def run_many(dag_id: str, dates: list[datetime], *, timeout: float = 600) -> str:
    """Run ``dag_id`` once per logical date with ``dag.test()``, all in one Airflow process (one start-up)."""
    script = _MANY_RUNS_SCRIPT.format(path=str(DAG_FILE), dates=[d.isoformat() for d in dates], dag_id=dag_id)
    proc = subprocess.run([sys.executable, "-c", script], env=os.environ.copy(), capture_output=True, text=True,
                          timeout=timeout)
    PRODUCED.append(proc.stdout + proc.stderr)
    return proc.stdout + proc.stderr


def runs_of(dag_id: str) -> dict[str, dict[str, str]]:
    """run_id -> {task_id: state} for every run of ``dag_id`` in the metadata DB."""
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session
    from sqlalchemy import select

    out: dict[str, dict[str, str]] = {}
    with create_session() as session:
        for ti in session.scalars(select(TaskInstance).where(TaskInstance.dag_id == dag_id)):
            state = ti.state.value if hasattr(ti.state, "value") else ti.state
            out.setdefault(ti.run_id, {})[ti.task_id] = str(state)
    return out


def iam_user_connection(emulator: Any) -> str:
    """``AIRFLOW_CONN_MODELARTS_DEFAULT`` for the emulator's IAM user (password auth, tokens)."""
    extra = {"auth_type": "iam_user", "account": emulator.domain, "region": emulator.project_name,
             "modelarts_endpoint": emulator.url, "iam_endpoint": emulator.url}
    if emulator.obs_url:
        extra["obs_endpoint"] = emulator.obs_url
    return json.dumps({"conn_type": "modelarts", "login": emulator.user, "password": emulator.password,
                       "extra": extra})


def training_job(emulator: Any, job_id: str) -> dict[str, Any]:
    import requests

    r = requests.get(f"{emulator.url}/v2/{emulator.project_id}/training-jobs/{job_id}", headers=emulator.headers(),
                     timeout=10)
    r.raise_for_status()
    return dict(r.json())


def when_polled(emulator: Any, kind: str, times: int) -> Callable[[], bool]:
    return lambda: emulator.count(kind) >= times


def created(emulator: Any, kind: str) -> int:
    """Successful creates of ``kind`` in the request log: the number of resources really made."""
    return len([r for r in emulator.requests(kind) if r["status"] and 200 <= r["status"] < 300])
