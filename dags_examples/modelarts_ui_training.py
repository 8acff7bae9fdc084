"""Example DAG ``modelarts_ui_training``: a ModelArts training run started by hand from the Airflow UI.

Trigger it with the "Trigger" button: the form asks for the flavor, the node count, the epochs, the dataset
version and whether to deploy. Every field carries a JSON Schema, so Airflow rejects bad values (in the form and
in ``POST /api/v2/dags/modelarts_ui_training/dagRuns``) before a run exists and before anything reaches ModelArts.

Tasks:

* ``train``: :class:`~airflow_provider_modelarts.operators.training.ModelArtsCreateTrainingJobOperator` with
  ``deferrable=True``: the worker is freed while the job runs and the triggerer waits (and streams the job log into
  the task log). The task shows a "ModelArts Training Job" link to the job's console page.
* ``should_deploy``: a ``ShortCircuitOperator`` on the ``deploy`` param; with ``deploy`` off the rest is skipped.
* ``import_model`` imports the trained model from the job's output (waits until published) and ``deploy`` deploys it
  as a real-time service (waits until running; XCom ``service_id`` and ``access_address``).

Where the code and the data live is set by environment variables (the defaults run against the local emulator,
``make emulator``; the connection is ``modelarts_default``):

* ``MODELARTS_EXAMPLE_BUCKET``: OBS bucket (default ``modelarts-emulator``); the job reads
  ``obs://<bucket>/datasets/flowers/<dataset version>/``, runs ``obs://<bucket>/code/train.py`` and writes to
  ``obs://<bucket>/output/modelarts_ui_training/<run time>/``;
* ``MODELARTS_EXAMPLE_POLL_INTERVAL``: seconds between status polls (default 30).
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from typing import Any

from airflow.providers.standard.operators.python import ShortCircuitOperator
from airflow.sdk import DAG, Param

from airflow_provider_modelarts.operators.models import ModelArtsImportModelOperator
from airflow_provider_modelarts.operators.services import ModelArtsDeployServiceOperator
from airflow_provider_modelarts.operators.training import ModelArtsCreateTrainingJobOperator

BUCKET = os.environ.get("MODELARTS_EXAMPLE_BUCKET", "modelarts-emulator")
POLL_INTERVAL = float(os.environ.get("MODELARTS_EXAMPLE_POLL_INTERVAL", "30"))

FLAVORS = {
    "modelarts.vm.cpu.8u": "CPU, 8 vCPUs, 32 GB",
    "modelarts.vm.gpu.t4": "GPU, 1 x NVIDIA T4",
    "modelarts.vm.gpu.v100": "GPU, 1 x V100",
    "modelarts.vm.gpu.8v100": "GPU, 8 x V100",
}

PARAMS = {
    "flavor": Param(
        "modelarts.vm.cpu.8u", type="string", enum=list(FLAVORS), values_display=FLAVORS,
        title="Flavor", description="ModelArts training flavor (compute instance type) of every node."),
    "node_count": Param(
        1, type="integer", minimum=1, maximum=8, title="Node count",
        description="Number of training nodes (1 to 8)."),
    "epochs": Param(
        10, type="integer", minimum=1, maximum=500, title="Epochs",
        description="Training epochs, passed to the training script as --epochs."),
    "dataset_version": Param(
        "V001", type="string", pattern=r"^V[0-9]{3}$", title="Dataset version",
        description="Dataset version to train on, like V001: the job reads "
                    f"obs://{BUCKET}/datasets/flowers/<version>/."),
    "deploy": Param(
        False, type="boolean", title="Deploy",
        description="Import the trained model and deploy it as a real-time online service."),
}


def deploy_requested(params: dict[str, Any]) -> bool:
    """The ``should_deploy`` condition: the run's ``deploy`` param.

    :param params: the run's params (validated against their schemas already).
    """
    return bool(params["deploy"])


with DAG(
    "modelarts_ui_training",
    description="Train a model on ModelArts, started by hand from the UI (params form).",
    schedule=None,
    start_date=datetime(2026, 1, 1),
    catchup=False,
    params=PARAMS,
    default_args={"retries": 1, "retry_delay": timedelta(seconds=30)},
    tags=["modelarts", "example"],
    doc_md=__doc__,
) as dag:
    train = ModelArtsCreateTrainingJobOperator(
        task_id="train",
        code_dir=f"obs://{BUCKET}/code/",
        boot_file="train.py",
        framework_type="PyTorch",
        framework_version="PyTorch-1.4.0-python3.6-v2",
        train_instance_type="{{ params.flavor }}",
        train_instance_count="{{ params.node_count }}",
        inputs=f"obs://{BUCKET}/datasets/flowers/{{{{ params.dataset_version }}}}/",
        outputs=f"obs://{BUCKET}/output/modelarts_ui_training/{{{{ dag_run.run_after | ts_nodash }}}}/",
        parameters={"epochs": "{{ params.epochs }}", "dataset_version": "{{ params.dataset_version }}"},
        deferrable=True,
        poll_interval=POLL_INTERVAL,
        max_wait=12 * 3600,
    )
    should_deploy = ShortCircuitOperator(task_id="should_deploy", python_callable=deploy_requested)
    import_model = ModelArtsImportModelOperator(
        task_id="import_model", model_name="ui-training-{{ dag_run.run_after | ts_nodash | lower }}",
        model_version="1.0.0",
        model_type="PyTorch", runtime="python3.7",
        training_job_id="{{ ti.xcom_pull(task_ids='train', key='training_job_id') }}",
        poll_interval=POLL_INTERVAL)
    deploy = ModelArtsDeployServiceOperator(
        task_id="deploy", model_id="{{ ti.xcom_pull(task_ids='import_model', key='model_id') }}",
        specification="modelarts.vm.cpu.2u", instance_count=1, poll_interval=POLL_INTERVAL)

    train >> should_deploy >> import_model >> deploy
