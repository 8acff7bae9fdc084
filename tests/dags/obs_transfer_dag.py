"""Test DAG for ``tests/operators/test_obs_operators.py``: upload a folder, wait for a key (deferred), download it.

Run by the test as ``python obs_transfer_dag.py '<run conf JSON>'`` (``dag.test()`` needs the DAG file inside the
configured DAGs folder). The run conf gives ``local_src``, ``obs_dir``, ``late_key``, ``local_dst``. The
``write_late`` task starts a thread that writes ``late_key`` only once ``wait_late`` has deferred (its
``OBSKeyTrigger`` row is in the metadata DB: the execution API writes it on every Airflow this provider supports),
so ``wait_late`` really defers however slow the machine is, and the in-line trigger of ``dag.test()`` polls OBS
until the key appears. (A fixed delay raced the sensor's first poke on a loaded machine.)
"""

from __future__ import annotations

import json
import sys
import threading
import time

import pendulum
from airflow.sdk import DAG, task

from airflow_provider_modelarts.operators.obs import LocalFilesystemToOBSOperator, OBSToLocalFilesystemOperator
from airflow_provider_modelarts.sensors.obs import OBSKeySensor

TRIGGER_CLASSPATH = "airflow_provider_modelarts.triggers.obs.OBSKeyTrigger"


def _write_once_deferred(hook, obs_url: str, wait_seconds: float = 240) -> None:
    """Write ``obs_url`` once an ``OBSKeyTrigger`` row exists (the sensor has deferred), or after ``wait_seconds``.

    :param hook: a connected :class:`~airflow_provider_modelarts.hooks.obs.OBSHook`.
    :param obs_url: the object to write.
    :param wait_seconds: the longest wait for the deferral (then the key is written anyway: the test fails on
        its missing "Pausing task as DEFERRED" line, not here).
    """
    from airflow.models.trigger import Trigger
    from airflow.utils.session import create_session
    from sqlalchemy import func, select

    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        with create_session() as session:
            query = select(func.count()).select_from(Trigger).where(Trigger.classpath == TRIGGER_CLASSPATH)
            if session.scalar(query):
                break
        time.sleep(0.2)
    hook.write_text(obs_url, "late")


with DAG(
    dag_id="obs_transfer",
    schedule=None,
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    tags=["test", "obs"],
) as dag:
    upload = LocalFilesystemToOBSOperator(
        task_id="upload", src="{{ dag_run.conf['local_src'] }}", dst="{{ dag_run.conf['obs_dir'] }}",
    )

    @task
    def write_late(obs_url: str) -> str:
        """Write ``obs_url`` from a background thread once ``wait_late`` has deferred."""
        from airflow_provider_modelarts.hooks.obs import OBSHook

        hook = OBSHook()
        hook.get_conn()
        threading.Thread(target=_write_once_deferred, args=(hook, obs_url), daemon=True).start()
        return obs_url

    late_url = "{{ dag_run.conf['obs_dir'] }}{{ dag_run.conf['late_key'] }}"
    wait_late = OBSKeySensor(task_id="wait_late", obs_url=late_url, deferrable=True, poke_interval=1, timeout=60)
    download = OBSToLocalFilesystemOperator(
        task_id="download", src="{{ dag_run.conf['obs_dir'] }}", dst="{{ dag_run.conf['local_dst'] }}",
        keep_last_dir=False,
    )
    upload >> write_late(late_url) >> wait_late >> download


if __name__ == "__main__":
    run = dag.test(run_conf=json.loads(sys.argv[1]))
    print("DAG_RUN_STATE", run.state)
    sys.exit(0 if run.state == "success" else 1)
