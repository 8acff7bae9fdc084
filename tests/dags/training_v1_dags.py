"""Test DAGs of the legacy v1 training operators (run with ``airflow dags test`` against the emulator).

Outcomes are scripted through the ``modelarts_emulator_outcome`` hyperparameter (a ``parameter`` entry). The
emulator runs at speed 10: a successful version takes about 3 s of real time (1 for 0.5 s, 7 for 0.5 s, 8 for 2 s).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import DAG

from airflow_provider_modelarts.operators.training_v1 import (
    ModelArtsCreateTrainingJobConfigV1Operator,
    ModelArtsCreateTrainingJobV1Operator,
    ModelArtsCreateTrainingJobVersionV1Operator,
    ModelArtsCreateVisualizationJobOperator,
    ModelArtsDeleteTrainingJobConfigV1Operator,
    ModelArtsDeleteTrainingJobV1Operator,
    ModelArtsDeleteVisualizationJobOperator,
    ModelArtsRestartVisualizationJobOperator,
    ModelArtsStopTrainingJobVersionV1Operator,
    ModelArtsStopVisualizationJobOperator,
)
from airflow_provider_modelarts.sensors.training_v1 import ModelArtsTrainingJobV1Sensor, ModelArtsVisualizationJobSensor

START = datetime(2026, 1, 1)
OUTCOME = "modelarts_emulator_outcome"
FAILURE_CODES = (3, 5, 6, 11, 13, 14, 16, 17, 21, 22)
COMMON = {
    "code_dir": "obs://modelarts-emulator/v1/code/",
    "boot_file": "train.py",
    "framework_type": "PyTorch",
    "framework_version": "PyTorch-1.0.0-python3.6",
    "train_instance_type": "modelarts.vm.cpu.2u",
    "inputs": "obs://modelarts-emulator/v1/data/",
    "output_path": "obs://modelarts-emulator/v1/output/",
    "poll_interval": 0.5,
}


def _xcom(task_id: str, key: str) -> str:
    return "{{ ti.xcom_pull(task_ids='" + task_id + "', key='" + key + "') }}"


def _train(task_id: str = "train", outcome: str = "success", **kwargs) -> ModelArtsCreateTrainingJobV1Operator:
    params = {OUTCOME: outcome, **kwargs.pop("hyperparameters", {})}
    return ModelArtsCreateTrainingJobV1Operator(task_id=task_id, hyperparameters=params, **{**COMMON, **kwargs})


def _dag(dag_id: str, **kwargs) -> DAG:
    return DAG(dag_id, schedule=None, start_date=START, catchup=False, **kwargs)


with _dag("t1_success", params={"epochs": 3}) as t1_success:
    _train(hyperparameters={"epochs": "{{ params.epochs }}"}, job_description="nightly v1 run")

with _dag("t1_codes") as t1_codes:  # one task per failure code, plus a job killed remotely (12)
    for _code in FAILURE_CODES:
        _train(f"code_{_code}", f"code:{_code}", retries=0)
    _train("killed", "killed", retries=0)

with _dag("t1_version") as t1_version:
    first = _train("train")
    second = ModelArtsCreateTrainingJobVersionV1Operator(
        task_id="retrain", job_id=_xcom("train", "job_id"), pre_version_id=_xcom("train", "version_id"),
        hyperparameters={OUTCOME: "success", "epochs": "7"}, train_instance_type="modelarts.vm.gpu.p100",
        poll_interval=0.5)
    first >> second

with _dag("t1_stop") as t1_stop:
    started = _train("train", "stuck", wait_for_completion=False)
    stop = ModelArtsStopTrainingJobVersionV1Operator(
        task_id="stop", job_id=_xcom("train", "job_id"), version_id=_xcom("train", "version_id"), poll_interval=0.5)
    stop_again = ModelArtsStopTrainingJobVersionV1Operator(
        task_id="stop_again", job_id=_xcom("train", "job_id"), version_id=_xcom("train", "version_id"),
        poll_interval=0.5)
    delete = ModelArtsDeleteTrainingJobV1Operator(task_id="delete", job_id=_xcom("train", "job_id"))
    started >> stop >> stop_again >> delete

t1_max_wait = _dag("t1_max_wait")
with t1_max_wait:
    _train("train", "stuck", max_wait=3, retries=0)

t1_on_kill = _dag("t1_on_kill")
with t1_on_kill:
    _train("train", "stuck", execution_timeout=timedelta(seconds=4), retries=0)

with _dag("t1_deferred") as t1_deferred:
    _train("train", deferrable=True)

with _dag("t1_deferred_failed") as t1_deferred_failed:
    _train("train", "code:22", deferrable=True, retries=0)

with _dag("t1_reattach") as t1_reattach:
    _train("train", "slow")

with _dag("t1_retry") as t1_retry:  # no outcome parameter: the test scripts it with an emulator rule
    ModelArtsCreateTrainingJobV1Operator(task_id="train", retries=1, retry_delay=timedelta(seconds=1), **COMMON)

with _dag("t1_bad_spec") as t1_bad_spec:
    _train("train", train_instance_count=0, output_path="obs://modelarts-emulator/out-file",
           dataset_id="ds1", dataset_version_id="v1", retries=0)

with _dag("t1_variants") as t1_variants:
    ModelArtsCreateTrainingJobV1Operator(
        task_id="builtin", model_name="ResNet_v2_50", train_instance_type="modelarts.vm.gpu.v100",
        dataset_id="dsAbc", dataset_version_id="verXyz", output_path="/modelarts-emulator/v1/builtin/",
        hyperparameters=[{"label": "lr", "value": 0.01}], wait_for_completion=False)
    ModelArtsCreateTrainingJobV1Operator(
        task_id="image", user_image_url="swr.example.com/team/trainer:1.0",
        user_command="bash /home/work/run_train.sh", train_instance_type=1, train_instance_count="2",
        data_source=[{"type": "obs", "data_url": "obs://modelarts-emulator/v1/data/"}],
        output_path="obs://modelarts-emulator/v1/image/", log_url="obs://modelarts-emulator/v1/logs/",
        wait_for_completion=False)

with _dag("t1_sensor") as t1_sensor:
    made = _train("train", wait_for_completion=False)
    ModelArtsTrainingJobV1Sensor(task_id="wait_poke", job_id=_xcom("train", "job_id"),
                                 version_id=_xcom("train", "version_id"), poke_interval=0.5, timeout=60) << made
    ModelArtsTrainingJobV1Sensor(task_id="wait_deferred", job_id=_xcom("train", "job_id"),
                                 version_id=_xcom("train", "version_id"), poke_interval=0.5, timeout=60,
                                 deferrable=True) << made

with _dag("t1_sensor_failed") as t1_sensor_failed:
    made = _train("train", "code:14", wait_for_completion=False)
    ModelArtsTrainingJobV1Sensor(task_id="wait", job_id=_xcom("train", "job_id"),
                                 version_id=_xcom("train", "version_id"), poke_interval=0.5, timeout=60,
                                 retries=0) << made

with _dag("t1_config", params={"name": "cfg-a"}) as t1_config:
    create = ModelArtsCreateTrainingJobConfigV1Operator(
        task_id="create", config_name="{{ params.name }}", config_description="first", **{
            k: v for k, v in COMMON.items() if k != "poll_interval"})
    update = ModelArtsCreateTrainingJobConfigV1Operator(
        task_id="update", config_name="{{ params.name }}", config_description="second",
        hyperparameters={"epochs": "5"}, train_instance_type="modelarts.vm.gpu.p100",
        **{k: v for k, v in COMMON.items() if k not in ("poll_interval", "train_instance_type")})
    delete = ModelArtsDeleteTrainingJobConfigV1Operator(task_id="delete", config_name="{{ params.name }}")
    delete_missing = ModelArtsDeleteTrainingJobConfigV1Operator(task_id="delete_missing",
                                                                config_name="{{ params.name }}")
    create >> update >> delete >> delete_missing

with _dag("t1_visualization") as t1_visualization:
    up = ModelArtsCreateVisualizationJobOperator(task_id="board", train_url="obs://modelarts-emulator/v1/output/",
                                                 job_description="tensorboard", poll_interval=0.5)
    vis_id = _xcom("board", "job_id")
    sense = ModelArtsVisualizationJobSensor(task_id="is_up", job_id=vis_id, poke_interval=0.5, timeout=60)
    stop = ModelArtsStopVisualizationJobOperator(task_id="stop", job_id=vis_id, poll_interval=0.5)
    restart = ModelArtsRestartVisualizationJobOperator(task_id="restart", job_id=vis_id, poll_interval=0.5)
    delete = ModelArtsDeleteVisualizationJobOperator(task_id="delete", job_id=vis_id)
    up >> sense >> stop >> restart >> delete

with _dag("t1_drop_reply") as t1_drop_reply:  # the test drops the reply of each create once (applied, then reset)
    made = _train("train", retries=0)
    made >> ModelArtsCreateTrainingJobVersionV1Operator(
        task_id="retrain", job_id=_xcom("train", "job_id"), pre_version_id=_xcom("train", "version_id"),
        hyperparameters={OUTCOME: "success", "epochs": "2"}, poll_interval=0.5, retries=0)
    ModelArtsCreateTrainingJobConfigV1Operator(
        task_id="config", config_name="cfg-drop", retries=0, **{k: v for k, v in COMMON.items() if k != "poll_interval"})
    ModelArtsCreateVisualizationJobOperator(task_id="board", train_url="obs://modelarts-emulator/v1/output/",
                                            poll_interval=0.5, retries=0)
