"""DAGs of the Celery full-stack scenarios (``tests/fullstack_celery``); all train on the ``modelarts_iam``
connection (auth type ``iam_user``) against the emulator, with the outcome chosen per job through the emulator's
``MODELARTS_EMULATOR_OUTCOME`` environment variable.

* ``celery_mapped_training``: ``CELERY_SCENARIO_MAPPED`` deferred training jobs (``.expand``), each Running 200
  emulated seconds (outcome ``slow``): the test kills a triggerer mid-wait, then advances the emulator clock.
* ``celery_stall_training``: ``CELERY_SCENARIO_STALL`` more of them: the test stalls the triggerer holding them.
* ``celery_sync_training``: one non-deferrable training job (``slow``) polled in the worker, one retry.
* ``celery_deferred_stuck``: one deferred training job that never ends (``stuck``): the user marks it failed.
* ``celery_deferred_timeout``: the same with ``execution_timeout``: the operator's deadline must end it.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta

from airflow.sdk import DAG

from airflow_provider_modelarts.operators.training import ModelArtsCreateTrainingJobOperator

CONN = "modelarts_iam"
POLL = float(os.environ.get("CELERY_SCENARIO_POLL", "2"))
MAPPED = int(os.environ.get("CELERY_SCENARIO_MAPPED", "50"))
STALL = int(os.environ.get("CELERY_SCENARIO_STALL", "6"))
TIMEOUT = float(os.environ.get("CELERY_SCENARIO_TIMEOUT", "40"))
# a custom image: simulated by the emulator even in runner mode (which the example DAG needs)
JOB = {"user_image_url": "swr.cn-north-4.myhuaweicloud.com/team/trainer:1.0", "user_command": "python /opt/train.py",
       "train_instance_type": "modelarts.vm.cpu.8u", "modelarts_conn_id": CONN, "poll_interval": POLL,
       "collect_metrics": False}


def _outcome(outcome: str) -> dict[str, str]:
    return {"MODELARTS_EMULATOR_OUTCOME": outcome}


def _dag(dag_id: str, **kwargs: object) -> DAG:
    return DAG(dag_id, schedule=None, start_date=datetime(2026, 1, 1), catchup=False,
               tags=["fullstack-celery"], **kwargs)  # type: ignore[arg-type]


with _dag("celery_mapped_training", max_active_tasks=MAPPED):
    ModelArtsCreateTrainingJobOperator.partial(
        task_id="mapped_train", deferrable=True, env_variables=_outcome("slow"), **JOB,
    ).expand(parameters=[{"shard": str(i)} for i in range(MAPPED)])

with _dag("celery_stall_training"):
    ModelArtsCreateTrainingJobOperator.partial(
        task_id="mapped_train", deferrable=True, env_variables=_outcome("slow"), **JOB,
    ).expand(parameters=[{"shard": str(i)} for i in range(STALL)])

with _dag("celery_sync_training"):
    ModelArtsCreateTrainingJobOperator(
        task_id="sync_train", deferrable=False, env_variables=_outcome("slow"), retries=1,
        retry_delay=timedelta(seconds=1), **JOB)

with _dag("celery_deferred_stuck"):
    ModelArtsCreateTrainingJobOperator(
        task_id="stuck_train", deferrable=True, env_variables=_outcome("stuck"), **JOB)

with _dag("celery_deferred_timeout"):
    ModelArtsCreateTrainingJobOperator(
        task_id="timeout_train", deferrable=True, env_variables=_outcome("stuck"),
        execution_timeout=timedelta(seconds=TIMEOUT), **JOB)
