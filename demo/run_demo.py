"""`make demo`: the end-to-end retraining DAG against the local emulator, for real.

1. starts the ModelArts emulator in runner mode (IAM, ModelArts REST, OBS; training scripts really run, services
   really predict) on free loopback ports;
2. makes a fresh Airflow home under ``.demo/`` (SQLite) with ``dags_examples/`` as the DAGs folder and the
   ``modelarts_default`` connection pointing at the emulator;
3. runs ``airflow dags test modelarts_retraining`` (the log goes to ``.demo/modelarts_retraining.log``);
4. prints what really happened, read back from the run's XComs and the emulator's request log.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / ".demo"
HOME = DEMO / "airflow-home"
DAG_ID = "modelarts_retraining"

shutil.rmtree(HOME, ignore_errors=True)
HOME.mkdir(parents=True)
os.environ.update({
    "AIRFLOW_HOME": str(HOME), "AIRFLOW__CORE__DAGS_FOLDER": str(REPO / "dags_examples"),
    "AIRFLOW__CORE__LOAD_EXAMPLES": "False", "MODELARTS_EXAMPLE_POLL_INTERVAL": "1",
})
AIRFLOW = str(Path(sys.executable).parent / "airflow")


def _report() -> tuple[dict, dict[str, str]]:
    """The ``report`` task's XCom and every task's state (read after the run, from the demo's DB)."""
    from airflow.models.dagrun import DagRun
    from airflow.models.taskinstance import TaskInstance
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        run = session.scalars(select(DagRun).where(DagRun.dag_id == DAG_ID).order_by(DagRun.id.desc())).first()
        if run is None:
            return {}, {}
        states = {ti.task_id: str(getattr(ti.state, "value", ti.state)) for ti in session.scalars(
            select(TaskInstance).where(TaskInstance.dag_id == DAG_ID, TaskInstance.run_id == run.run_id))}
        row = session.scalars(select(XComModel).where(
            XComModel.dag_id == DAG_ID, XComModel.run_id == run.run_id, XComModel.task_id == "report",
            XComModel.key == "return_value")).first()
        return (XComModel.deserialize_value(row) if row is not None else {}), states


def main() -> int:
    from airflow_provider_modelarts.emulator.testing import start_emulator

    with start_emulator(speed=10.0, runner=True) as emu:
        os.environ["AIRFLOW_CONN_MODELARTS_DEFAULT"] = emu.airflow_connection_json()
        print(f"ModelArts emulator (runner mode): ModelArts/IAM {emu.url}, OBS {emu.obs_url}")
        subprocess.run([AIRFLOW, "db", "migrate"], check=True, capture_output=True)
        print(f"Airflow home {HOME}; running `airflow dags test {DAG_ID}` ...")
        started = time.monotonic()
        log = DEMO / f"{DAG_ID}.log"
        with log.open("w") as fh:
            proc = subprocess.run([AIRFLOW, "dags", "test", DAG_ID], stdout=fh, stderr=subprocess.STDOUT)
        elapsed = time.monotonic() - started
        report, states = _report()
        counts: dict[str, int] = {}
        for entry in emu.requests():
            counts[entry["kind"]] = counts.get(entry["kind"], 0) + 1

    print(f"\n{DAG_ID}: {'success' if proc.returncode == 0 else 'FAILED'} in {elapsed:.0f} s (task log: {log})")
    width = max(map(len, states), default=0)
    for task_id, state in states.items():
        print(f"  {task_id:<{width}}  {state}")
    if report:
        print("\nWhat happened:")
        rows = [
            ("samples imported", report.get("samples_imported")),
            ("dataset version", report.get("dataset_version")),
            ("training job", f"{report.get('training_job_id')}: {report.get('job_phase')} in "
                             f"{report.get('job_duration_s'):.1f} s (emulated)"),
            ("metric r2", f"{report.get('r2'):.4f} (promoted: {report.get('promoted')})"
             if report.get("r2") is not None else None),
            ("model", f"{report.get('model_id')}: {report.get('model_status')}"),
            ("service", f"{report.get('service_id')} ({report.get('rollout')})"),
            ("prediction for x=[1,2,3]", json.dumps(report.get("prediction"))),
        ]
        for name, value in rows:
            print(f"  {name:<26} {value}")
    print("\nModelArts requests served by the emulator: " + ", ".join(
        f"{kind} {n}" for kind, n in sorted(counts.items()) if not kind.startswith("iam")))
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
