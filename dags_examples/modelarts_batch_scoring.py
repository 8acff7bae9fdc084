"""Example DAG ``modelarts_batch_scoring``: score a folder of files with a batch service.

The model is imported elsewhere (by a training pipeline, another DAG or the console); this DAG gets its id as a
parameter.

1. ``wait_for_model`` (a sensor, deferrable) waits until the model given by ``params.model_id`` is published.
   The model was started elsewhere; a failed import fails the sensor with the remote status.
2. ``batch_deploy`` deploys a batch service (``infer_type="batch"``, SDK reference §11.3 ``deploy_transformer``).
   With ``mapping_type="file"`` every file under ``params.src_path`` becomes one inference request. The task waits
   until the service is ``finished``; ModelArts then writes ``<file>_result.txt`` per input to ``params.dest_path``.
3. ``collect_results`` lists the result files on OBS and reads the first one.
4. ``delete_batch_service`` removes the finished service, even when scoring failed (``trigger_rule="all_done"``).

Configuration (defaults run against the local emulator; connection ``modelarts_default``): environment
variables ``MODELARTS_EXAMPLE_BUCKET`` (default ``modelarts-emulator``), ``MODELARTS_EXAMPLE_POLL_INTERVAL``
(seconds, default 30), ``MODELARTS_EXAMPLE_SERVICE_FLAVOR`` (default ``modelarts.vm.cpu.2u``).
"""

from __future__ import annotations

import os
from datetime import datetime
from typing import Any

from airflow.sdk import DAG, Param, task

from airflow_provider_modelarts.operators.services import (
    ModelArtsDeleteServiceOperator,
    ModelArtsDeployServiceOperator,
)
from airflow_provider_modelarts.sensors.models import ModelArtsModelSensor

BUCKET = os.environ.get("MODELARTS_EXAMPLE_BUCKET", "modelarts-emulator")
POLL = float(os.environ.get("MODELARTS_EXAMPLE_POLL_INTERVAL", "30"))
FLAVOR = os.environ.get("MODELARTS_EXAMPLE_SERVICE_FLAVOR", "modelarts.vm.cpu.2u")


@task
def collect_results(dest_path: str) -> dict[str, Any]:
    """The result files the batch service wrote, and the first result."""
    from airflow_provider_modelarts.hooks.obs import OBSHook

    obs = OBSHook()
    prefix = dest_path.rstrip("/") + "/"
    bucket = prefix[len("obs://"):].split("/", 1)[0]
    results = sorted(f"obs://{bucket}/{key}" for key in obs.list_keys(prefix) if key.endswith("_result.txt"))
    if not results:
        raise ValueError(f"The batch service wrote no result under {prefix}")
    return {"results": results, "first": obs.read_text(results[0])}


with DAG(
    "modelarts_batch_scoring",
    schedule=None,
    start_date=datetime(2026, 1, 1),
    catchup=False,
    params={
        "model_id": Param("", type="string", minLength=1, description="A model imported elsewhere."),
        "src_path": Param(f"obs://{BUCKET}/batch-scoring/in/", type="string", pattern=r"^obs://.+/$",
                          description="The OBS folder of the input files."),
        "dest_path": Param(f"obs://{BUCKET}/batch-scoring/out/", type="string", pattern=r"^obs://.+/$",
                           description="The OBS folder the results are written to."),
    },
    tags=["modelarts", "example"],
    doc_md=__doc__,
) as dag:
    wait_for_model = ModelArtsModelSensor(task_id="wait_for_model", model_id="{{ params.model_id }}",
                                          poke_interval=POLL, timeout=3600, deferrable=True)
    batch_deploy = ModelArtsDeployServiceOperator(
        task_id="batch_deploy", infer_type="batch",
        configs=[{"model_id": "{{ params.model_id }}", "specification": FLAVOR, "instance_count": 1,
                  "src_path": "{{ params.src_path }}", "dest_path": "{{ params.dest_path }}", "req_uri": "/",
                  "mapping_type": "file"}],
        description="batch scoring", poll_interval=POLL, max_wait=3600, deferrable=True)
    results = collect_results("{{ params.dest_path }}")
    cleanup = ModelArtsDeleteServiceOperator(
        task_id="delete_batch_service", service_id="{{ ti.xcom_pull(task_ids='batch_deploy', key='service_id') }}",
        trigger_rule="all_done")
    wait_for_model >> batch_deploy >> results >> cleanup
