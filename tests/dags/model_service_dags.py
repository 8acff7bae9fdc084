"""Test DAGs of the model, service and metric-gate operators (run with ``airflow dags test`` against the emulator).

OBS fixtures are uploaded by the tests (``tests/operators/test_models_services.py``, ``test_metric_gate.py``) under
the ``ms-tests/`` (session emulator) and ``ms-e2e/`` (runner-mode emulator) prefixes of the default bucket.
Outcomes are scripted with ``[emulator:<word>]`` in model and service descriptions.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from airflow.providers.standard.operators.empty import EmptyOperator
from airflow.sdk import DAG

from airflow_provider_modelarts.operators.metric_gate import ModelArtsMetricGateOperator
from airflow_provider_modelarts.operators.models import ModelArtsDeleteModelOperator, ModelArtsImportModelOperator
from airflow_provider_modelarts.operators.services import (
    ModelArtsDeleteServiceOperator,
    ModelArtsDeployServiceOperator,
    ModelArtsPredictOperator,
    ModelArtsUpdateServiceOperator,
)
from airflow_provider_modelarts.operators.training import ModelArtsCreateTrainingJobOperator
from airflow_provider_modelarts.sensors.models import ModelArtsModelSensor
from airflow_provider_modelarts.sensors.services import ModelArtsServiceSensor

START = datetime(2026, 1, 1)
BUCKET = "obs://modelarts-emulator"
SPEC = "modelarts.vm.cpu.2u"
FAST = {"poll_interval": 0.5}
MODEL_DIR = f"{BUCKET}/ms-tests/model_linear/"
PREDICT_FILE = Path(__file__).resolve().parents[1] / "data" / "model_linear" / "config.json"
TRAIN = {"boot_file": "train.py", "framework_type": "PyTorch", "framework_version": "PyTorch-1.4.0-python3.6-v2",
         "train_instance_type": "modelarts.vm.cpu.8u", **FAST}


def xcom(task_id: str, key: str = "return_value") -> str:
    return f"{{{{ ti.xcom_pull(task_ids='{task_id}', key='{key}') }}}}"


def dag(dag_id: str, **kwargs) -> DAG:
    return DAG(dag_id, schedule=None, start_date=START, catchup=False, **kwargs)


# ---- the whole life cycle on the session emulator (simulated training, echoing inference) ------------------------
with dag("ms_lifecycle", params={"instances": "1", "x": 3}) as ms_lifecycle:
    name = "mslife-{{ ts_nodash }}"
    train = ModelArtsCreateTrainingJobOperator(
        task_id="train", code_dir=f"{BUCKET}/code/", outputs=f"{BUCKET}/ms-tests/lifecycle-{{{{ ts_nodash }}}}/",
        **TRAIN)
    import_v1 = ModelArtsImportModelOperator(
        task_id="import_v1", model_name=name, model_version="1.0.0", model_type="PyTorch", runtime="python3.7",
        training_job_id=xcom("train", "training_job_id"), install_type=["real-time", "batch"],
        dependencies=[{"installer": "pip", "packages": [{"package_name": "numpy", "package_version": "1.0",
                                                         "restraint": "ATLEAST"}]}],
        apis=[{"url": "/", "method": "post", "protocol": "http"}], initial_config={"model_type": "PyTorch"}, **FAST)
    import_again = ModelArtsImportModelOperator(
        task_id="import_again", model_name=name, model_version="1.0.0", model_type="PyTorch",
        training_job_id=xcom("train", "training_job_id"), **FAST)
    import_v2 = ModelArtsImportModelOperator(
        task_id="import_v2", model_name=name, model_version="1.0.1", model_type="Scikit_Learn",
        runtime="python3.7", source_location=MODEL_DIR, wait_for_completion=False, **FAST)
    model_sensor = ModelArtsModelSensor(task_id="model_sensor", model_id=xcom("import_v2", "model_id"),
                                        poke_interval=0.5, timeout=60)
    deploy = ModelArtsDeployServiceOperator(
        task_id="deploy", model_id=xcom("import_v1", "model_id"), specification=SPEC,
        instance_count="{{ params.instances }}", envs={"SCALE": "1"}, deferrable=True,
        schedule={"type": "stop", "time_unit": "HOURS", "duration": "2"}, **FAST)
    service_sensor = ModelArtsServiceSensor(task_id="service_sensor", service_id=xcom("deploy", "service_id"),
                                            poke_interval=0.5, timeout=60)
    predict = ModelArtsPredictOperator(task_id="predict", access_address=xcom("deploy", "access_address"),
                                       payload={"data": {"req_data": [{"x": "{{ params.x }}"}]}})
    predict_file = ModelArtsPredictOperator(task_id="predict_file", service_id=xcom("deploy", "service_id"),
                                            file_path=str(PREDICT_FILE),
                                            content_type="application/json")
    canary = ModelArtsUpdateServiceOperator(
        task_id="canary", service_id=xcom("deploy", "service_id"),
        configs=[{"model_id": xcom("import_v1", "model_id"), "weight": "90"},
                 {"model_id": xcom("import_v2", "model_id"), "weight": 10}], rollback_on_failure=True, **FAST)
    stop = ModelArtsUpdateServiceOperator(task_id="stop", service_id=xcom("deploy", "service_id"), status="stopped",
                                          **FAST)
    start = ModelArtsUpdateServiceOperator(task_id="start", service_id=xcom("deploy", "service_id"),
                                           status="running", deferrable=True, **FAST)
    delete_service = ModelArtsDeleteServiceOperator(task_id="delete_service", service_id=xcom("deploy", "service_id"))
    delete_model = ModelArtsDeleteModelOperator(task_id="delete_model", model_id=xcom("import_v1", "model_id"),
                                                cascade=True)
    train >> import_v1 >> import_again >> import_v2 >> model_sensor >> deploy >> service_sensor >> predict
    predict >> predict_file >> canary >> stop >> start >> delete_service >> delete_model

# ---- remote failure states and a batch service -------------------------------------------------------------------
with dag("ms_failures") as ms_failures:
    ModelArtsImportModelOperator(task_id="import_fail", model_version="1.0.0", model_type="PyTorch",
                                 source_location=MODEL_DIR, description="[emulator:fail]", **FAST)
    ModelArtsImportModelOperator(task_id="import_build_fail", model_version="1.0.0", model_type="PyTorch",
                                 source_location=MODEL_DIR, description="[emulator:building_failed]", **FAST)
    ok = ModelArtsImportModelOperator(task_id="import_ok", model_version="1.0.0", model_type="PyTorch",
                                      source_location=MODEL_DIR, install_type=["real-time", "batch"], **FAST)
    deploy_fail = ModelArtsDeployServiceOperator(task_id="deploy_fail", model_id=xcom("import_ok", "model_id"),
                                                 specification=SPEC, description="[emulator:fail]", **FAST)
    deploy_batch = ModelArtsDeployServiceOperator(
        task_id="deploy_batch", infer_type="batch",
        configs=[{"model_id": xcom("import_ok", "model_id"), "specification": SPEC, "instance_count": 1,
                  "src_path": f"{BUCKET}/ms-tests/batch-in/", "dest_path": f"{BUCKET}/ms-tests/batch-out/",
                  "req_uri": "/", "mapping_type": "file"}], **FAST)
    ok >> [deploy_fail, deploy_batch]

# ---- lost replies: the test drops the reply of the model create and of the service create ------------------------
with dag("ms_reply_drop") as ms_reply_drop:
    imported = ModelArtsImportModelOperator(task_id="import", model_version="1.0.0", model_type="PyTorch",
                                            source_location=MODEL_DIR, **FAST)
    imported >> ModelArtsDeployServiceOperator(task_id="deploy", model_id=xcom("import", "model_id"),
                                               specification=SPEC, **FAST)

# ---- malformed configurations: every task fails before any request -----------------------------------------------
with dag("ms_bad_config") as ms_bad_config:
    def rt(model_id: str, weight, count=1) -> dict:
        return {"model_id": model_id, "specification": SPEC, "instance_count": count, "weight": weight}

    ModelArtsDeployServiceOperator(task_id="bad_weights", configs=[rt("m-1", 60), rt("m-2", 30)])
    ModelArtsDeployServiceOperator(task_id="too_many_instances", configs=[rt("m-1", 100, 6)])
    ModelArtsDeployServiceOperator(task_id="csv_without_rule", infer_type="batch", configs=[{
        "model_id": "m-1", "specification": SPEC, "instance_count": 1, "src_path": f"{BUCKET}/in/",
        "dest_path": f"{BUCKET}/out/", "req_uri": "/", "mapping_type": "csv"}])
    ModelArtsDeployServiceOperator(task_id="vpc_incomplete", model_id="m-1", specification=SPEC, vpc_id="vpc-1")
    ModelArtsUpdateServiceOperator(task_id="update_bad_weights", service_id="s-1",
                                   configs=[{"model_id": "m-1", "weight": 60}, {"model_id": "m-2", "weight": 30}])
    ModelArtsImportModelOperator(task_id="import_bad", model_version="01.0.0", model_type="Keras",
                                 source_location="not-an-obs-path")
    ModelArtsPredictOperator(task_id="predict_nothing", service_id="s-1")

# ---- the metric gate: both branches, three sources ---------------------------------------------------------------
with dag("mg_branches", params={"min_r2": "0.9", "strict_r2": 0.99}) as mg_branches:
    metrics_file = f"{BUCKET}/ms-tests/metrics.json"
    gate_pass = ModelArtsMetricGateOperator(task_id="gate_pass", metric="r2", threshold="{{ params.min_r2 }}",
                                            metrics_path=metrics_file, promote_task_ids="promote_a",
                                            skip_task_ids="skip_a")
    gate_pass >> [EmptyOperator(task_id="promote_a"), EmptyOperator(task_id="skip_a")]
    gate_fail = ModelArtsMetricGateOperator(task_id="gate_fail", metric="r2", comparison="{{ '>' }}",
                                            threshold="{{ params.strict_r2 }}", metrics_path=metrics_file,
                                            promote_task_ids="promote_b", skip_task_ids="skip_b")
    gate_fail >> [EmptyOperator(task_id="promote_b"), EmptyOperator(task_id="skip_b")]
    gate_nested = ModelArtsMetricGateOperator(task_id="gate_nested", metric="eval.loss", comparison="<=",
                                              threshold=0.5, metrics='{"eval": {"loss": [0.9, 0.4, 0.3]}}',
                                              aggregate="min", promote_task_ids=["promote_c"])
    gate_nested >> [EmptyOperator(task_id="promote_c"), EmptyOperator(task_id="skip_c")]
    train = ModelArtsCreateTrainingJobOperator(task_id="train", code_dir=f"{BUCKET}/code/",
                                               outputs=f"{BUCKET}/ms-tests/gate-output/", **TRAIN)
    gate_api = ModelArtsMetricGateOperator(task_id="gate_api", metric="cpuUsage", comparison=">=", threshold=0,
                                           training_job_id=xcom("train", "training_job_id"), metrics_source="api",
                                           aggregate="max", promote_task_ids="promote_d", skip_task_ids="skip_d")
    train >> gate_api >> [EmptyOperator(task_id="promote_d"), EmptyOperator(task_id="skip_d")]
    ModelArtsMetricGateOperator(task_id="gate_bad", metric="r2", comparison="=>", threshold="high",
                                metrics_path=metrics_file, promote_task_ids="promote_a")
    ModelArtsMetricGateOperator(task_id="gate_missing", metric="accuracy", threshold=0.5, metrics_path=metrics_file,
                                promote_task_ids="promote_a")

# ---- runner mode end to end: train, gate, import, deploy, predict, failed canary rolled back ----------------------
E2E = f"{BUCKET}/ms-e2e"
with dag("ms_runner_e2e", params={"min_r2": 0.9}) as ms_runner_e2e:
    name = "mse2e-{{ ts_nodash }}"
    train = ModelArtsCreateTrainingJobOperator(
        task_id="train", code_dir=f"{E2E}/code/", inputs=f"{E2E}/data/",
        outputs=[{"name": "train_url", "obs_path": f"{E2E}/output-{{{{ ts_nodash }}}}/"}], **TRAIN)
    gate = ModelArtsMetricGateOperator(task_id="gate", metric="r2", threshold="{{ params.min_r2 }}",
                                       training_job_id=xcom("train", "training_job_id"),
                                       promote_task_ids="import_model", skip_task_ids="no_promotion")
    import_model = ModelArtsImportModelOperator(
        task_id="import_model", model_name=name, model_version="1.0.0", model_type="PyTorch", runtime="python3.7",
        training_job_id=xcom("train", "training_job_id"), **FAST)
    deploy = ModelArtsDeployServiceOperator(
        task_id="deploy", model_id=xcom("import_model", "model_id"), specification=SPEC, instance_count=1,
        description="[emulator:update_fail]", **FAST)
    predict_before = ModelArtsPredictOperator(task_id="predict_before", service_id=xcom("deploy", "service_id"),
                                              payload={"x": [10, 0]})
    import_canary = ModelArtsImportModelOperator(
        task_id="import_canary", model_name=name, model_version="1.0.1", model_type="Scikit_Learn",
        runtime="python3.7", source_location=f"{E2E}/model_linear/", **FAST)
    canary = ModelArtsUpdateServiceOperator(
        task_id="canary", service_id=xcom("deploy", "service_id"), rollback_on_failure=True,
        configs=[{"model_id": xcom("import_model", "model_id"), "weight": 90},
                 {"model_id": xcom("import_canary", "model_id"), "weight": 10}], **FAST)
    predict_after = ModelArtsPredictOperator(task_id="predict_after", service_id=xcom("deploy", "service_id"),
                                             payload={"x": [10, 0]}, trigger_rule="all_done")
    train >> gate >> [import_model, EmptyOperator(task_id="no_promotion")]
    import_model >> deploy >> predict_before >> import_canary >> canary >> predict_after
