"""Test DAGs of the reliability suite (``tests/reliability``), run against the session emulator at speed 10.

* ``rel_soak``: the train -> import model -> deploy chain run repeatedly under 20% transient faults. The model
  and service steps join the chain when their operators exist (``operators/models.py``, ``operators/services.py``);
  the soak test checks that they did join when those files exist, so nothing is left out silently.
* ``rel_deferred_reattach``: a deferred wait whose worker is killed (SIGKILL) and retried.
* ``rel_token_expiry``: a sync wait that outlives its IAM token.
* ``rel_secrets_ok`` / ``rel_secrets_fail``: runs whose whole output the secrets scan reads.
"""

from __future__ import annotations

from datetime import datetime

from airflow.sdk import DAG

from airflow_provider_modelarts.operators.training import ModelArtsCreateTrainingJobOperator

try:  # written in parallel by other engineers: part of the chain as soon as they exist
    from airflow_provider_modelarts.operators.models import ModelArtsImportModelOperator
    from airflow_provider_modelarts.operators.services import ModelArtsDeployServiceOperator
except ImportError:
    ModelArtsImportModelOperator = ModelArtsDeployServiceOperator = None  # type: ignore[assignment,misc]

START = datetime(2026, 1, 1)
BUCKET = "obs://modelarts-emulator"
SOAK_MODEL_DIR = f"{BUCKET}/rel-soak/model_linear/"  # uploaded by tests/reliability/test_fault_soak.py
TRAIN = {
    "code_dir": f"{BUCKET}/code/", "boot_file": "train.py", "framework_type": "PyTorch",
    "framework_version": "PyTorch-1.4.0-python3.6-v2", "train_instance_type": "modelarts.vm.cpu.8u",
    "outputs": [{"name": "train_url", "obs_path": f"{BUCKET}/rel-output/"}], "poll_interval": 0.5,
}


def train(task_id: str = "train", outcome: str = "success", **kwargs) -> ModelArtsCreateTrainingJobOperator:
    return ModelArtsCreateTrainingJobOperator(task_id=task_id, env_variables={"MODELARTS_EMULATOR_OUTCOME": outcome},
                                              **{**TRAIN, **kwargs})


def dag(dag_id: str) -> DAG:
    return DAG(dag_id, schedule=None, start_date=START, catchup=False)


with dag("rel_soak") as rel_soak:
    chain = train(retries=0, poll_error_budget=20)
    if ModelArtsImportModelOperator is not None and ModelArtsDeployServiceOperator is not None:
        model = ModelArtsImportModelOperator(
            task_id="import_model", model_name="relsoak-{{ ts_nodash }}", model_version="1.0.0",
            model_type="PyTorch", runtime="python3.7", source_location=SOAK_MODEL_DIR, retries=0,
            poll_interval=0.5, poll_error_budget=20)
        deploy = ModelArtsDeployServiceOperator(
            task_id="deploy", model_id="{{ ti.xcom_pull(task_ids='import_model', key='model_id') }}",
            specification="modelarts.vm.cpu.2u", instance_count=1, retries=0, poll_interval=0.5,
            poll_error_budget=20)
        chain >> model >> deploy

with dag("rel_deferred_reattach") as rel_deferred_reattach:
    train(outcome="slow", deferrable=True)

with dag("rel_token_expiry") as rel_token_expiry:
    train(outcome="slow")

with dag("rel_secrets_ok") as rel_secrets_ok:
    train(deferrable=True)

with dag("rel_secrets_fail") as rel_secrets_fail:
    train(outcome="fail", retries=0)
    train(task_id="bad_spec", train_instance_count=0)
