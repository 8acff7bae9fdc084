"""Test DAG for ``tests/operators/test_obs_operators.py``: upload a folder, wait for a key (deferred), download it.

Run by the test as ``python obs_transfer_dag.py '<run conf JSON>'`` (``dag.test()`` needs the DAG file inside the
configured DAGs folder). The run conf gives ``local_src``, ``obs_dir``, ``late_key``, ``local_dst``. The
``write_late`` task writes ``late_key`` two seconds after it returns, so ``wait_late`` really defers and the
in-line trigger of ``dag.test()`` polls OBS until the key appears.
"""

from __future__ import annotations

import json
import sys
import threading

import pendulum
from airflow.sdk import DAG, task

from airflow_provider_modelarts.operators.obs import LocalFilesystemToOBSOperator, OBSToLocalFilesystemOperator
from airflow_provider_modelarts.sensors.obs import OBSKeySensor

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
        """Write ``obs_url`` from a background thread two seconds from now."""
        from airflow_provider_modelarts.hooks.obs import OBSHook

        hook = OBSHook()
        hook.get_conn()
        threading.Timer(2.0, hook.write_text, args=(obs_url, "late")).start()
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
