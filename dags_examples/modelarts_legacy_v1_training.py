"""Example DAG ``modelarts_legacy_v1_training``: the legacy (v1) training API end to end.

For users still on the old ModelArts training management: a training job with its first version, a second
version chained from the first (new hyperparameters, new output), a TensorBoard visualization job over the
output, and a check of what the training wrote to OBS. Self-contained: it uploads its own tiny training script and
data (``assets/train_job/``, a least-squares line fit in pure Python) first.

Tasks:

* ``upload_code``, ``upload_data``: :class:`~airflow_provider_modelarts.operators.obs.LocalFilesystemToOBSOperator`
  to ``obs://<bucket>/legacy-v1/<run>/code/`` and ``.../data/``;
* ``train``: :class:`~airflow_provider_modelarts.operators.training_v1.ModelArtsCreateTrainingJobV1Operator`
  (deferrable; the job log is streamed into the task log; a retry reattaches to the job instead of creating
  another one); the flavor and engine names are resolved to ``spec_id``/``engine_id``;
* ``retrain``: :class:`~airflow_provider_modelarts.operators.training_v1.ModelArtsCreateTrainingJobVersionV1Operator`,
  version 2 from version 1, inheriting its code and data;
* ``check_outputs``: reads ``metrics.json`` of both versions from OBS and returns them;
* ``board`` / ``stop_board``: a visualization job over version 2's output, stopped once it was up.

Settings (environment variables; the defaults run against the local emulator in runner mode, ``python -m
airflow_provider_modelarts.emulator --runner``; the connection is ``modelarts_default``):

* ``MODELARTS_EXAMPLE_BUCKET``: OBS bucket (default ``modelarts-emulator``);
* ``MODELARTS_EXAMPLE_POLL_INTERVAL``: seconds between status polls (default 30);
* ``MODELARTS_EXAMPLE_V1_FLAVOR``: v1 flavor code (default ``modelarts.vm.cpu.2u``).
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any

from airflow.providers.standard.operators.python import PythonOperator
from airflow.sdk import DAG

from airflow_provider_modelarts.operators.obs import LocalFilesystemToOBSOperator
from airflow_provider_modelarts.operators.training_v1 import (
    ModelArtsCreateTrainingJobV1Operator,
    ModelArtsCreateTrainingJobVersionV1Operator,
    ModelArtsCreateVisualizationJobOperator,
    ModelArtsStopVisualizationJobOperator,
)

BUCKET = os.environ.get("MODELARTS_EXAMPLE_BUCKET", "modelarts-emulator")
POLL_INTERVAL = float(os.environ.get("MODELARTS_EXAMPLE_POLL_INTERVAL", "30"))
FLAVOR = os.environ.get("MODELARTS_EXAMPLE_V1_FLAVOR", "modelarts.vm.cpu.2u")
ASSETS = Path(__file__).resolve().parent / "assets" / "train_job"
ROOT = f"obs://{BUCKET}/legacy-v1/{{{{ ts_nodash }}}}"


def _xcom(task_id: str, key: str) -> str:
    return "{{ ti.xcom_pull(task_ids='" + task_id + "', key='" + key + "') }}"


def read_metrics(root: str) -> dict[str, Any]:
    """``metrics.json`` written by each version's training run (fails when one is missing).

    :param root: the run's OBS folder (``obs://<bucket>/legacy-v1/<run>``).
    """
    from airflow_provider_modelarts.hooks.obs import OBSHook

    obs = OBSHook()
    return {version: json.loads(obs.read_text(f"{root}/output/{version}/metrics.json")) for version in ("v1", "v2")}


with DAG(
    "modelarts_legacy_v1_training",
    description="Legacy (v1) ModelArts training: job, chained version, visualization job.",
    schedule=None,
    start_date=datetime(2026, 1, 1),
    catchup=False,
    tags=["modelarts", "example", "training-v1"],
) as dag:
    upload_code = LocalFilesystemToOBSOperator(task_id="upload_code", src=str(ASSETS / "code"), dst=f"{ROOT}/")
    upload_data = LocalFilesystemToOBSOperator(task_id="upload_data", src=str(ASSETS / "data"), dst=f"{ROOT}/")
    train = ModelArtsCreateTrainingJobV1Operator(
        task_id="train",
        code_dir=f"{ROOT}/code/", boot_file="train.py",
        framework_type="PyTorch", framework_version="PyTorch-1.0.0-python3.6",
        train_instance_type=FLAVOR, train_instance_count=1,
        inputs=f"{ROOT}/data/", output_path=f"{ROOT}/output/v1/",
        job_description="legacy v1 example, first version",
        deferrable=True, poll_interval=POLL_INTERVAL, max_wait=3600,
    )
    retrain = ModelArtsCreateTrainingJobVersionV1Operator(
        task_id="retrain",
        job_id=_xcom("train", "job_id"), pre_version_id=_xcom("train", "version_id"),
        output_path=f"{ROOT}/output/v2/", hyperparameters={"sleep": "0.5"},
        poll_interval=POLL_INTERVAL, max_wait=3600,
    )
    check_outputs = PythonOperator(task_id="check_outputs", python_callable=read_metrics,
                                   op_kwargs={"root": ROOT})
    board = ModelArtsCreateVisualizationJobOperator(task_id="board", train_url=f"{ROOT}/output/v2/",
                                                    job_description="TensorBoard of version 2",
                                                    poll_interval=POLL_INTERVAL)
    stop_board = ModelArtsStopVisualizationJobOperator(task_id="stop_board", job_id=_xcom("board", "job_id"),
                                                       poll_interval=POLL_INTERVAL)

    [upload_code, upload_data] >> train >> retrain >> [check_outputs, board]
    board >> stop_board
