"""Test DAGs of the v2 training operators (run with ``dag.test()`` against the emulator).

Each DAG scripts the emulator's outcome through the job's environment (``MODELARTS_EMULATOR_OUTCOME``). The
emulator runs at speed 10: a successful job takes about 2.5 s of real time.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.providers.standard.operators.python import PythonOperator
from airflow.sdk import DAG

from airflow_provider_modelarts.operators.training import ModelArtsCreateTrainingJobOperator
from airflow_provider_modelarts.sensors.training import ModelArtsTrainingJobSensor

START = datetime(2026, 1, 1)
COMMON = {
    "code_dir": "obs://modelarts-emulator/code/",
    "boot_file": "train.py",
    "framework_type": "PyTorch",
    "framework_version": "PyTorch-1.4.0-python3.6-v2",
    "train_instance_type": "modelarts.vm.cpu.8u",
    "outputs": [{"name": "train_url", "obs_path": "obs://modelarts-emulator/output/"}],
    "poll_interval": 0.5,
}


def training_dag(dag_id: str, outcome: str = "success", params: dict | None = None, **kwargs) -> DAG:
    with DAG(dag_id, schedule=None, start_date=START, catchup=False, params=params or {}) as dag:
        ModelArtsCreateTrainingJobOperator(
            task_id="train", env_variables={"MODELARTS_EMULATOR_OUTCOME": outcome},
            **{**COMMON, **kwargs})
    return dag


t2_success = training_dag("t2_success", parameters={"epochs": "{{ params.epochs }}"},
                          train_instance_count="{{ params.nodes }}", params={"epochs": 3, "nodes": "2"})
t2_failed = training_dag("t2_failed", "fail")
t2_abnormal = training_dag("t2_abnormal", "abnormal")
t2_terminated = training_dag("t2_terminated", "terminated")
t2_max_wait = training_dag("t2_max_wait", "stuck", max_wait=3)
t2_on_kill = training_dag("t2_on_kill", "stuck", execution_timeout=timedelta(seconds=4))
t2_deferred = training_dag("t2_deferred", deferrable=True)
t2_deferred_failed = training_dag("t2_deferred_failed", "fail", deferrable=True)
t2_bad_spec = training_dag("t2_bad_spec", train_instance_count=0, code_dir="not-an-obs-path/")
t2_too_many_nodes = training_dag("t2_too_many_nodes", train_instance_type="modelarts.vm.cpu.2u",
                                 train_instance_count=3)
t2_reattach = training_dag("t2_reattach", "slow", poll_interval=0.5)
t2_faults = training_dag("t2_faults", retries=0)

with DAG("t2_upstream_xcom", schedule=None, start_date=START, catchup=False) as t2_upstream_xcom:
    version = PythonOperator(task_id="pick_version", python_callable=lambda: "V007")
    train = ModelArtsCreateTrainingJobOperator(
        task_id="train", env_variables={"MODELARTS_EMULATOR_OUTCOME": "success"},
        parameters={"dataset_version": "{{ ti.xcom_pull(task_ids='pick_version') }}"}, **COMMON)
    version >> train

with DAG("t2_sensor", schedule=None, start_date=START, catchup=False) as t2_sensor:
    made = ModelArtsCreateTrainingJobOperator(
        task_id="train", wait_for_completion=False, env_variables={"MODELARTS_EMULATOR_OUTCOME": "success"},
        **COMMON)
    ModelArtsTrainingJobSensor(task_id="wait_poke", training_job_id="{{ ti.xcom_pull(task_ids='train', "
                               "key='training_job_id') }}", poke_interval=0.5, timeout=60) << made
    ModelArtsTrainingJobSensor(task_id="wait_deferred", training_job_id="{{ ti.xcom_pull(task_ids='train', "
                               "key='training_job_id') }}", poke_interval=0.5, timeout=60,
                               deferrable=True) << made
