"""The malformed-spec corpus: for each operator class, bad arguments and the field names the error must name.

Keyed by class path; a class whose module does not exist yet is not in the corpus yet (``CORPUS`` is built from
what imports). ``test_malformed_specs.py`` checks that every concrete operator class of the provider is covered
here, or listed in :data:`PENDING` with the reason, so no operator is left out silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

P = "airflow_provider_modelarts.operators."
BUCKET = "obs://modelarts-emulator"


@dataclass(frozen=True)
class Case:
    """One malformed spec: ``kwargs`` over the class's valid ``BASE`` (none for a class without one); the error
    must contain every ``fields`` (the argument's name; for a local path or an OBS URL the offending value)."""

    cls: str
    name: str
    kwargs: dict[str, Any]
    fields: tuple[str, ...]

    @property
    def id(self) -> str:
        return f"{self.cls.rsplit('.', 1)[1]}-{self.name}"


#: Valid arguments per class (a case overrides some of them).
BASE: dict[str, dict[str, Any]] = {
    P + "training.ModelArtsCreateTrainingJobOperator": {
        "code_dir": f"{BUCKET}/code/", "boot_file": "train.py", "framework_type": "PyTorch",
        "framework_version": "PyTorch-1.4.0-python3.6-v2", "train_instance_type": "modelarts.vm.cpu.8u",
        "outputs": [{"name": "train_url", "obs_path": f"{BUCKET}/out/"}]},
    P + "training_v1.ModelArtsCreateVisualizationJobOperator": {"train_url": f"{BUCKET}/v1/output/"},
    P + "obs.LocalFilesystemToOBSOperator": {"src": "/tmp", "dst": f"{BUCKET}/x/"},
    P + "obs.OBSToLocalFilesystemOperator": {"src": f"{BUCKET}/x/", "dst": "/tmp/x"},
    P + "models.ModelArtsImportModelOperator": {"model_version": "1.0.0", "model_type": "PyTorch",
                                                "source_location": f"{BUCKET}/m/model/"},
    P + "services.ModelArtsDeployServiceOperator": {"model_id": "m-1", "specification": "modelarts.vm.cpu.2u"},
    P + "services.ModelArtsUpdateServiceOperator": {"service_id": "s-1", "model_id": "m-1"},
    P + "services.ModelArtsPredictOperator": {"service_id": "s-1", "payload": {"x": 1}},
    P + "metric_gate.ModelArtsMetricGateOperator": {"metric": "r2", "threshold": 0.9, "metrics": '{"r2": 0.95}',
                                                    "promote_task_ids": "promote"},
    P + "datasets.ModelArtsCreateDatasetOperator": {"dataset_name": "ok-name", "dataset_type": 0,
                                                    "work_path": f"{BUCKET}/work/", "data_sources": f"{BUCKET}/in/"},
    P + "datasets.ModelArtsImportDatasetOperator": {"dataset_id": "x", "import_path": f"{BUCKET}/data/"},
    P + "datasets.ModelArtsExportDatasetOperator": {"dataset_id": "x", "path": f"{BUCKET}/export/"},
    P + "datasets.ModelArtsCreateDatasetVersionOperator": {"dataset_id": "x"},
    P + "datasets.ModelArtsCreateLabelTaskOperator": {"dataset_id": "x", "task_name": "label-task"},
    P + "training_v1.ModelArtsCreateTrainingJobV1Operator": {
        "code_dir": f"{BUCKET}/v1/code/", "boot_file": "train.py", "framework_type": "PyTorch",
        "framework_version": "PyTorch-1.0.0-python3.6", "train_instance_type": "modelarts.vm.cpu.2u",
        "inputs": f"{BUCKET}/v1/data/", "output_path": f"{BUCKET}/v1/output/"},
}

_T2 = P + "training.ModelArtsCreateTrainingJobOperator"
_NO_FRAMEWORK = {"code_dir": None, "boot_file": None, "framework_type": None, "framework_version": None}


def _cases() -> list[Case]:
    c: list[Case] = []

    def add(cls: str, name: str, fields: str | tuple[str, ...], **kwargs: Any) -> None:
        c.append(Case(cls, name, kwargs, (fields,) if isinstance(fields, str) else fields))

    # ---- v2 training --------------------------------------------------------------------------------------
    for value in (0, -3, "abc", 101, 1.5):
        add(_T2, f"count-{value}", "train_instance_count", train_instance_count=value)
    add(_T2, "code-dir-not-obs", "code_dir", code_dir="not-an-obs-path/")
    add(_T2, "code-dir-no-slash", "code_dir", code_dir=f"{BUCKET}/code")
    add(_T2, "boot-file-empty", "boot_file", boot_file="")
    add(_T2, "framework-version-missing", "framework_version", framework_version=None)
    add(_T2, "framework-type-missing", "framework_type", framework_type=None)
    add(_T2, "job-name-chars", "job_name", job_name="bad name!")
    add(_T2, "job-name-long", "job_name", job_name="x" * 65)
    add(_T2, "description-long", "job_description", job_description="d" * 300)
    add(_T2, "inputs-not-obs", "inputs", inputs="s3://bucket/data/")
    add(_T2, "inputs-no-path", "inputs", inputs=[{"name": "data_url"}])
    add(_T2, "outputs-file", "outputs", outputs=[{"name": "train_url", "obs_path": f"{BUCKET}/out"}])
    add(_T2, "outputs-name", "outputs", outputs=[{"name": "bad name", "obs_path": f"{BUCKET}/out/"}])
    add(_T2, "outputs-extra-key", "outputs", outputs=[{"name": "o", "obs_path": f"{BUCKET}/o/", "size": 1}])
    add(_T2, "env-not-strings", "env_variables", env_variables={"EPOCHS": 3})
    add(_T2, "log-url-file", "log_url", log_url=f"{BUCKET}/logs")
    add(_T2, "parameter-without-name", "parameters", parameters=[{"value": 1}])
    add(_T2, "dataset-without-version", "dataset_version_id", outputs=None, dataset_id="ds-1")
    add(_T2, "version-without-dataset", "dataset_id", dataset_version_id="v-1")
    add(_T2, "inputs-and-dataset", "dataset_id", inputs=f"{BUCKET}/d/", dataset_id="ds", dataset_version_id="v")
    add(_T2, "image-without-command", "user_command", user_image_url="swr.example.com/t/img:1", **_NO_FRAMEWORK)
    add(_T2, "image-and-framework", "user_image_url", user_image_url="swr.example.com/t/img:1", user_command="go")
    add(_T2, "no-code-no-image", "code_dir", **_NO_FRAMEWORK)
    add(_T2, "no-flavor", "train_instance_type", train_instance_type=None)
    add(_T2, "volumes-not-list", "volumes", volumes="nfs")
    add(_T2, "action-if-exists", "action_if_exists", action_if_exists="maybe")
    # ---- OBS transfers ------------------------------------------------------------------------------------
    add(P + "obs.LocalFilesystemToOBSOperator", "dst-not-obs", "dst", dst="s3://bucket/x/")
    add(P + "obs.LocalFilesystemToOBSOperator", "src-missing", "/nonexistent/rel-corpus", src="/nonexistent/rel-corpus")
    add(P + "obs.OBSToLocalFilesystemOperator", "src-not-obs", "src", src="bucket/x/")
    add(P + "obs.OBSToLocalFilesystemOperator", "src-no-bucket", ("obs:///x/", "bucket"), src="obs:///x/")
    # ---- models and services ------------------------------------------------------------------------------
    m, s = P + "models.ModelArtsImportModelOperator", P + "services."
    add(m, "version-format", "model_version", model_version="01.0.0")
    add(m, "model-type", "model_type", model_type="Keras")
    add(m, "source-not-obs", "source_location", source_location="not-an-obs-path")
    rt = {"specification": "modelarts.vm.cpu.2u", "instance_count": 1}
    add(s + "ModelArtsDeployServiceOperator", "weights", "weight", model_id=None,
        configs=[{"model_id": "m-1", "weight": 60, **rt}, {"model_id": "m-2", "weight": 30, **rt}])
    add(s + "ModelArtsDeployServiceOperator", "instances", "instance_count", model_id=None,
        configs=[{"model_id": "m-1", "weight": 100, "specification": "modelarts.vm.cpu.2u", "instance_count": 6}])
    add(s + "ModelArtsDeployServiceOperator", "vpc-incomplete", "vpc_id", vpc_id="vpc-1")
    add(s + "ModelArtsUpdateServiceOperator", "weights", "weight", model_id=None,
        configs=[{"model_id": "m-1", "weight": 60}, {"model_id": "m-2", "weight": 30}])
    add(s + "ModelArtsPredictOperator", "nothing-to-send", "payload", payload=None)
    g = P + "metric_gate.ModelArtsMetricGateOperator"
    add(g, "comparison", "comparison", comparison="=>")
    add(g, "threshold", "threshold", threshold="high")
    # ---- datasets -----------------------------------------------------------------------------------------
    d = P + "datasets."
    add(d + "ModelArtsCreateDatasetOperator", "name", "dataset_name", dataset_name="bad name!")
    add(d + "ModelArtsCreateDatasetOperator", "work-path", "work_path", work_path=f"{BUCKET}/")
    add(d + "ModelArtsImportDatasetOperator", "import-path", "import_path", import_path="ftp://nope/")
    add(d + "ModelArtsExportDatasetOperator", "export-type", "export_type", export_type=7)
    add(d + "ModelArtsCreateDatasetVersionOperator", "version-name", "version_name", version_name="v" * 40)
    add(d + "ModelArtsCreateDatasetVersionOperator", "ratio", "train_evaluate_sample_ratio",
        train_evaluate_sample_ratio="1.5")
    add(d + "ModelArtsCreateLabelTaskOperator", "task-name", "task_name", task_name="no spaces")
    # ---- v1 training --------------------------------------------------------------------------------------
    v1 = P + "training_v1.ModelArtsCreateTrainingJobV1Operator"
    add(v1, "count", "train_instance_count", train_instance_count=0)
    add(v1, "output-file", "output_path", output_path=f"{BUCKET}/out-file")
    v1v = P + "training_v1.ModelArtsCreateTrainingJobVersionV1Operator"
    add(v1v, "empty-id", "job_id", job_id="", pre_version_id="1")
    add(v1v, "pre-version", "pre_version_id", job_id="1", pre_version_id="")
    add(v1v, "count", "train_instance_count", job_id="1", pre_version_id="1", train_instance_count=0)
    cfg = P + "training_v1.ModelArtsCreateTrainingJobConfigV1Operator"
    add(cfg, "if-exists", "if_exists", config_name="cfg-1", if_exists="sometimes")
    add(cfg, "config-name", "config_name", config_name="bad name!")
    add(P + "training_v1.ModelArtsDeleteTrainingJobConfigV1Operator", "empty-id", "config_name", config_name="")
    vis = P + "training_v1.ModelArtsCreateVisualizationJobOperator"
    add(vis, "train-url", "train_url", train_url="not-an-obs-path")
    add(d + "ModelArtsUpdateDatasetOperator", "name", "dataset_name", dataset_id="x", dataset_name="bad name!")
    add(d + "ModelArtsBuildManifestOperator", "manifest-path", "manifest_path", source_folder=f"{BUCKET}/imgs/",
        manifest_path=f"{BUCKET}/manifests/")  # a folder: any file name is legal (SDK §7.6.1)
    # ---- an empty id (e.g. an XCom that rendered to nothing) must not become a request to a wrong URL --------
    for cls, kwargs, field in (
            ("training.ModelArtsTerminateTrainingJobOperator", {"training_job_id": ""}, "training_job_id"),
            ("training.ModelArtsDeleteTrainingJobOperator", {"training_job_id": ""}, "training_job_id"),
            ("models.ModelArtsDeleteModelOperator", {"model_id": ""}, "model_id"),
            ("services.ModelArtsDeleteServiceOperator", {"service_id": ""}, "service_id"),
            ("datasets.ModelArtsDeleteDatasetOperator", {"dataset_id": ""}, "dataset_id"),
            ("datasets.ModelArtsDeleteDatasetVersionOperator", {"dataset_id": "x", "version_id": ""}, "version_id"),
            ("datasets.ModelArtsDeleteSamplesOperator", {"dataset_id": "", "sample_ids": ["a"]}, "dataset_id"),
            ("training_v1.ModelArtsStopTrainingJobVersionV1Operator", {"job_id": "", "version_id": "1"}, "job_id"),
            ("training_v1.ModelArtsDeleteTrainingJobV1Operator", {"job_id": ""}, "job_id"),
            ("training_v1.ModelArtsStopVisualizationJobOperator", {"job_id": ""}, "job_id"),
            ("training_v1.ModelArtsRestartVisualizationJobOperator", {"job_id": ""}, "job_id"),
            ("training_v1.ModelArtsDeleteVisualizationJobOperator", {"job_id": ""}, "job_id")):
        add(P + cls, "empty-id", field, **kwargs)
    return c


ALL_CASES = _cases()
#: Concrete operator classes without corpus entries yet, with the reason (the coverage test lists them).
PENDING: dict[str, str] = {}
