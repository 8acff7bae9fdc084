"""Example DAG ``modelarts_retraining``: weekly retraining with a metric gate and a canary rollout.

1. ``land_new_data`` writes this week's training data to OBS (here: generated points of ``y = 2x + 1`` with
   noise; in real life, an upstream export) and ``upload_code`` ships the training script with the DAG.
2. ``ensure_dataset`` creates the table dataset once (a retry or a later run reattaches to it by name),
   ``import_new_data`` imports the new folder of CSV files (fails on zero samples), ``publish_version`` publishes a
   version.
3. ``train`` runs a v2 training job on the new data, deferrable, with the job log streamed into the task log.
4. ``metric_gate`` reads the job's ``metrics.json`` and promotes only when ``r2 >= params.min_r2``.
5. ``import_model`` imports the trained model from the job's output; with ``params.require_approval``,
   ``approve_promotion`` (an ``ApprovalOperator``: the UI's Required actions, or the REST API's ``hitlDetails``)
   shows the metric and the model id and waits for Approve (continue) or Reject (nothing is deployed; no answer
   in 3 days counts as Reject). ``choose_rollout`` deploys a new service the
   first time, otherwise ``canary_update`` sends 10% of the traffic to the new model (rolled back when the update
   fails), ``smoke_predict`` checks an answer, and ``promote_canary`` moves all traffic to the new model.
6. ``report`` returns what happened (samples, job phase and duration, metric, model, service, prediction).

Configuration (defaults run against the local emulator, ``make emulator`` / ``make demo``; connection
``modelarts_default``): environment variables ``MODELARTS_EXAMPLE_BUCKET`` (default ``modelarts-emulator``),
``MODELARTS_EXAMPLE_POLL_INTERVAL`` (seconds, default 30), ``MODELARTS_EXAMPLE_FLAVOR`` (training flavor, default
``modelarts.vm.cpu.8u``), ``MODELARTS_EXAMPLE_ENGINE`` (``name:version``, default the PyTorch engine of the
emulator's catalogue).
"""

from __future__ import annotations

import os
import random
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from airflow.providers.standard.operators.empty import EmptyOperator
from airflow.providers.standard.operators.hitl import ApprovalOperator
from airflow.providers.standard.operators.python import BranchPythonOperator
from airflow.sdk import DAG, Param, task

from airflow_provider_modelarts.operators.datasets import (
    ModelArtsCreateDatasetOperator,
    ModelArtsCreateDatasetVersionOperator,
    ModelArtsImportDatasetOperator,
)
from airflow_provider_modelarts.operators.metric_gate import ModelArtsMetricGateOperator
from airflow_provider_modelarts.operators.models import ModelArtsImportModelOperator
from airflow_provider_modelarts.operators.obs import LocalFilesystemToOBSOperator
from airflow_provider_modelarts.operators.services import (
    ModelArtsDeployServiceOperator,
    ModelArtsPredictOperator,
    ModelArtsUpdateServiceOperator,
)
from airflow_provider_modelarts.operators.training import ModelArtsCreateTrainingJobOperator

BUCKET = os.environ.get("MODELARTS_EXAMPLE_BUCKET", "modelarts-emulator")
POLL = float(os.environ.get("MODELARTS_EXAMPLE_POLL_INTERVAL", "30"))
FLAVOR = os.environ.get("MODELARTS_EXAMPLE_FLAVOR", "modelarts.vm.cpu.8u")
ENGINE_NAME, _, ENGINE_VERSION = os.environ.get(
    "MODELARTS_EXAMPLE_ENGINE", "PyTorch:PyTorch-1.4.0-python3.6-v2").partition(":")
ROOT = f"obs://{BUCKET}/retraining"
RUN = "{{ run_id | replace(':', '') | replace('+', '') | replace('.', '') | replace('_', '-') | lower }}"
DATA = f"{ROOT}/runs/{RUN}/data/"
OUTPUT = f"{ROOT}/runs/{RUN}/output/"
SERVICE = "retraining-linear"
MODEL = "retraining-linear"


def xcom(task_id: str, key: str = "return_value") -> str:
    return f"{{{{ ti.xcom_pull(task_ids='{task_id}', key='{key}') }}}}"


@task
def land_new_data(data_url: str, points: int = 40) -> dict[str, Any]:
    """Write this week's points (``x,y``) as CSV files into ``data_url`` on OBS."""
    from airflow_provider_modelarts.hooks.obs import OBSHook

    rng = random.Random(data_url)
    obs = OBSHook()
    written = []
    for part in range(2):
        rows = ["x,y"] + [f"{x},{2 * x + 1 + rng.uniform(-0.2, 0.2):.4f}"
                          for x in (rng.uniform(0, 10) for _ in range(points // 2))]
        written.append(obs.write_text(f"{data_url}part-{part}.csv", "\n".join(rows) + "\n"))
    return {"files": written, "points": points}


def choose_rollout(**context: Any) -> str:
    """Deploy the first time; afterwards canary-update the running service (nothing to do when it already
    serves this model, e.g. a rerun of the same week)."""
    from airflow_provider_modelarts.hooks.modelarts import ModelArtsHook

    hook = ModelArtsHook()
    ti = context["ti"]
    services = [s for s in hook.find_services_by_name(SERVICE) if s.get("status") == "running"]
    if not services:
        ti.xcom_push(key="rollout", value="deploy")
        return "deploy_service"
    service = hook.get_service(services[0]["service_id"])
    ti.xcom_push(key="service_id", value=service["service_id"])
    current = [c["model_id"] for c in service["config"]]
    if current == [ti.xcom_pull(task_ids="import_model", key="model_id")]:
        ti.xcom_push(key="rollout", value="unchanged")
        return "smoke_predict"
    ti.xcom_push(key="current_model_id", value=current[0])
    ti.xcom_push(key="rollout", value="canary")
    return "canary_update"


@task.branch
def needs_approval(params: dict[str, Any] | None = None) -> str:
    """Through ``approve_promotion`` when ``params.require_approval``, else straight to ``choose_rollout``."""
    return "approve_promotion" if (params or {}).get("require_approval") else "choose_rollout"


APPROVAL_BODY = """The new model passed the metric gate.

| | |
|---|---|
| r2 | {{ ti.xcom_pull(task_ids='metric_gate', key='metric_value') }} (threshold {{ params.min_r2 }}) |
| model id | {{ ti.xcom_pull(task_ids='import_model', key='model_id') }} |
| training job | {{ ti.xcom_pull(task_ids='train', key='training_job_id') }} |

Approve to deploy it (or canary-update the running service); Reject to keep the service as it is."""


@task(trigger_rule="none_failed_min_one_success")
def report(**context: Any) -> dict[str, Any]:
    """What the run did, from the upstream XComs."""
    ti = context["ti"]
    imported = ti.xcom_pull(task_ids="import_new_data") or {}
    trained = ti.xcom_pull(task_ids="train") or {}
    model = ti.xcom_pull(task_ids="import_model") or {}
    service_id = ti.xcom_pull(task_ids="deploy_service", key="service_id") or ti.xcom_pull(
        task_ids="choose_rollout", key="service_id")
    return {
        "samples_imported": imported.get("imported_sample_count"),
        "dataset_version": ti.xcom_pull(task_ids="publish_version", key="version_id"),
        "training_job_id": trained.get("training_job_id"), "job_phase": trained.get("phase"),
        "job_duration_s": (trained.get("duration_ms") or 0) / 1000,
        "r2": ti.xcom_pull(task_ids="metric_gate", key="metric_value"),
        "promoted": ti.xcom_pull(task_ids="metric_gate", key="gate_passed"),
        "model_id": model.get("model_id"), "model_status": model.get("model_status"),
        "service_id": service_id,
        "rollout": ti.xcom_pull(task_ids="choose_rollout", key="rollout"),
        "prediction": ti.xcom_pull(task_ids="smoke_predict"),
    }


with DAG(
    "modelarts_retraining",
    schedule="@weekly",
    start_date=datetime(2026, 1, 1),
    catchup=False,
    default_args={"retries": 1, "retry_delay": timedelta(seconds=30)},
    params={
        "min_r2": Param(0.95, type="number", minimum=0, maximum=1, description="Promote when r2 >= this."),
        "model_version": Param("", type="string", pattern=r"^$|^(0|[1-9][0-9]?)\.(0|[1-9][0-9]?)\.(0|[1-9][0-9]?)$",
                               description="Model version N.N.N; empty: year.week.weekday of the run."),
        "require_approval": Param(False, type="boolean",
                                  description="Ask a human to approve the model before it is deployed."),
    },
    tags=["modelarts", "example"],
    doc_md=__doc__,
) as dag:
    new_data = land_new_data(DATA)
    code = LocalFilesystemToOBSOperator(
        task_id="upload_code", src=str(Path(__file__).parent / "assets" / "train_job" / "code") + "/",
        dst=f"{ROOT}/code/", keep_last_dir=False)
    # A table dataset (400) of the x,y CSV files: SDK reference §7.4.2 table 7-19 allows a directory import into a
    # table dataset (the new files match its schema), not into a free-format one. data_sources is Mandatory (OTC
    # api-ref, SDK §7.1.2); a table dataset imports nothing at creation unless import_data=True.
    dataset = ModelArtsCreateDatasetOperator(
        task_id="ensure_dataset", dataset_name="retraining-points", dataset_type=400,
        data_sources={"type": 0, "path": DATA, "with_column_header": True},
        schema=[{"schema_id": 1, "name": "x", "type": "DOUBLE"}, {"schema_id": 2, "name": "y", "type": "DOUBLE"}],
        work_path=f"{ROOT}/dataset-work/", poll_interval=POLL)
    imported = ModelArtsImportDatasetOperator(
        task_id="import_new_data", dataset_id=xcom("ensure_dataset", "dataset_id"), import_path=DATA,
        with_column_header=True, poll_interval=POLL)
    version = ModelArtsCreateDatasetVersionOperator(
        task_id="publish_version", dataset_id=xcom("ensure_dataset", "dataset_id"), poll_interval=POLL)
    train = ModelArtsCreateTrainingJobOperator(
        task_id="train", code_dir=f"{ROOT}/code/", boot_file="train.py", framework_type=ENGINE_NAME,
        framework_version=ENGINE_VERSION, train_instance_type=FLAVOR, train_instance_count=1,
        inputs=DATA, outputs=OUTPUT, parameters={"dataset_version": xcom("publish_version", "version_id")},
        job_description="weekly retraining", deferrable=True, poll_interval=POLL, max_wait=6 * 3600)
    gate = ModelArtsMetricGateOperator(
        task_id="metric_gate", metric="r2", threshold="{{ params.min_r2 }}",
        training_job_id=xcom("train", "training_job_id"), promote_task_ids="import_model",
        skip_task_ids="skip_promotion")
    skip = EmptyOperator(task_id="skip_promotion")
    model = ModelArtsImportModelOperator(
        task_id="import_model", model_name=MODEL,
        model_version="{{ params.model_version or dag_run.run_after.strftime('%-y.%-W.%-u') }}", model_type="PyTorch",
        runtime="python3.7", training_job_id=xcom("train", "training_job_id"), poll_interval=POLL)
    approval_branch = needs_approval()
    approval = ApprovalOperator(
        task_id="approve_promotion", subject="Promote model {{ ti.xcom_pull(task_ids='import_model', "
        "key='model_id') }} (r2 {{ ti.xcom_pull(task_ids='metric_gate', key='metric_value') }})?",
        body=APPROVAL_BODY, defaults="Reject", response_timeout=timedelta(days=3))
    rollout = BranchPythonOperator(task_id="choose_rollout", python_callable=choose_rollout,
                                   trigger_rule="none_failed_min_one_success")
    deploy = ModelArtsDeployServiceOperator(
        task_id="deploy_service", service_name=SERVICE, model_id=xcom("import_model", "model_id"),
        specification="modelarts.vm.cpu.2u", instance_count=1, poll_interval=POLL)
    canary = ModelArtsUpdateServiceOperator(
        task_id="canary_update", service_id=xcom("choose_rollout", "service_id"), rollback_on_failure=True,
        configs=[{"model_id": xcom("choose_rollout", "current_model_id"), "weight": 90},
                 {"model_id": xcom("import_model", "model_id"), "weight": 10}], poll_interval=POLL)
    smoke = ModelArtsPredictOperator(
        task_id="smoke_predict", trigger_rule="none_failed_min_one_success", payload={"x": [1, 2, 3]},
        service_id="{{ ti.xcom_pull(task_ids='deploy_service', key='service_id') "
                   "or ti.xcom_pull(task_ids='choose_rollout', key='service_id') }}")
    promote = ModelArtsUpdateServiceOperator(
        task_id="promote_canary", service_id=xcom("choose_rollout", "service_id"),
        model_id=xcom("import_model", "model_id"), rollback_on_failure=True, poll_interval=POLL)

    [new_data, code] >> train
    dataset >> imported >> version >> train
    new_data >> imported
    train >> gate >> [model, skip]
    model >> approval_branch >> [approval, rollout]
    approval >> rollout >> [deploy, canary, smoke]
    [deploy, canary] >> smoke
    canary >> promote
    smoke >> promote
    [smoke, skip, promote, approval_branch] >> report()
