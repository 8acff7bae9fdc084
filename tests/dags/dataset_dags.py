"""Test DAGs of the data management operators and sensors (run with ``airflow dags test`` against the emulator).

The tests upload the images under ``DATA`` (``cat/``, ``dog/`` sub-folders plus a non-image file) before running.
Outcomes are scripted through the emulator's admin rules (matched against dataset names). Dataset names are unique
per DAG: a dataset of the same name is reattached to.
"""

from __future__ import annotations

from datetime import datetime

from airflow.sdk import DAG, AssetAlias

from airflow_provider_modelarts.operators.datasets import (
    ModelArtsBuildManifestOperator,
    ModelArtsCreateDatasetOperator,
    ModelArtsCreateDatasetVersionOperator,
    ModelArtsCreateLabelTaskOperator,
    ModelArtsDeleteDatasetOperator,
    ModelArtsDeleteDatasetVersionOperator,
    ModelArtsDeleteSamplesOperator,
    ModelArtsExportDatasetOperator,
    ModelArtsImportDatasetOperator,
    ModelArtsUpdateDatasetOperator,
    dataset_asset,
)
from airflow_provider_modelarts.sensors.datasets import (
    ModelArtsDatasetVersionSensor,
    ModelArtsExportTaskSensor,
    ModelArtsImportTaskSensor,
)

START = datetime(2026, 1, 1)
BUCKET = "obs://modelarts-emulator/"
DATA = BUCKET + "ds-data/flowers/"
WORK = BUCKET + "ds-work/"
INPUT = BUCKET + "ds-input/"  # data_sources is Mandatory; nothing is put there (the tests import explicitly)
EXPORT = BUCKET + "ds-export/pipeline/"
MANIFEST = BUCKET + "ds-manifests/flowers.manifest"
ALIAS = "modelarts-dataset-exports"
FAST = {"poll_interval": 0.5}
IMAGENET = {"scene": "image_classification", "format_name": "ModelArts imageNet 1.0"}


def _x(task: str, key: str) -> str:
    return "{{ ti.xcom_pull(task_ids='" + task + "', key='" + key + "') }}"


def _dag(dag_id: str, **kwargs) -> DAG:
    return DAG(dag_id, schedule=kwargs.pop("schedule", None), start_date=START, catchup=False, **kwargs)


with _dag("ds_pipeline") as ds_pipeline:
    create = ModelArtsCreateDatasetOperator(task_id="create", dataset_name="ds-pipeline", dataset_type=0,
                                            work_path=WORK, data_sources=INPUT, labels=["cat", {"name": "dog"}], **FAST)
    imp = ModelArtsImportDatasetOperator(task_id="import_dir", dataset_id=_x("create", "dataset_id"),
                                         import_path=DATA, annotation_config=IMAGENET, **FAST)
    wait_import = ModelArtsImportTaskSensor(task_id="wait_import", dataset_id=_x("import_dir", "dataset_id"),
                                            import_task_id=_x("import_dir", "import_task_id"), poke_interval=0.5,
                                            timeout=60)
    version = ModelArtsCreateDatasetVersionOperator(task_id="version", dataset_id=_x("create", "dataset_id"),
                                                    version_name="v1", train_evaluate_sample_ratio=0.8,
                                                    deferrable=True, **FAST)
    wait_version = ModelArtsDatasetVersionSensor(task_id="wait_version", dataset_id=_x("version", "dataset_id"),
                                                 version_id=_x("version", "version_id"), poke_interval=0.5,
                                                 timeout=60, deferrable=True)
    export = ModelArtsExportDatasetOperator(task_id="export", dataset_id=_x("create", "dataset_id"), path=EXPORT,
                                            export_type=0, **FAST)
    export_alias = ModelArtsExportDatasetOperator(
        task_id="export_alias", dataset_id=_x("create", "dataset_id"),
        path=BUCKET + "ds-export/{{ dag.dag_id }}-{{ ds_nodash }}/", version_id=_x("version", "version_id"),
        asset_alias=ALIAS, deferrable=True, **FAST)
    wait_export = ModelArtsExportTaskSensor(task_id="wait_export", dataset_id=_x("export", "dataset_id"),
                                            export_task_id=_x("export", "export_task_id"), poke_interval=0.5,
                                            timeout=60)
    build = ModelArtsBuildManifestOperator(task_id="build_manifest", source_folder=DATA, manifest_path=MANIFEST,
                                           usage="TRAIN")
    create2 = ModelArtsCreateDatasetOperator(task_id="create_from_manifest", dataset_name="ds-from-manifest",
                                             data_type="IMAGE", work_path=WORK, data_sources=INPUT, **FAST)
    imp2 = ModelArtsImportDatasetOperator(task_id="import_manifest",
                                          dataset_id=_x("create_from_manifest", "dataset_id"),
                                          import_path="{{ ti.xcom_pull(task_ids='build_manifest')['manifest_path'] }}",
                                          annotation_config={}, **FAST)
    label = ModelArtsCreateLabelTaskOperator(task_id="label_task", dataset_id=_x("create", "dataset_id"),
                                             task_name="review-flowers", task_type=0, **FAST)
    update = ModelArtsUpdateDatasetOperator(task_id="update", dataset_id=_x("create", "dataset_id"),
                                            description="flowers, published", add_labels=["bird"])
    delete_dogs = ModelArtsDeleteSamplesOperator(task_id="delete_dogs",
                                                 dataset_id=_x("create_from_manifest", "dataset_id"),
                                                 label_name="dog")
    create >> imp >> wait_import >> version >> wait_version >> [export, export_alias]
    export >> wait_export >> build >> create2 >> imp2 >> delete_dogs
    wait_version >> label >> update

with _dag("ds_asset_consumer", schedule=[dataset_asset(EXPORT)], is_paused_upon_creation=False) as ds_asset_consumer:
    ModelArtsDeleteDatasetOperator(task_id="noop", dataset_id="does-not-exist")

with _dag("ds_alias_consumer", schedule=[AssetAlias(ALIAS)], is_paused_upon_creation=False) as ds_alias_consumer:
    ModelArtsDeleteDatasetOperator(task_id="noop", dataset_id="does-not-exist")

with _dag("ds_create_with_source") as ds_create_with_source:
    ModelArtsCreateDatasetOperator(task_id="create", dataset_name="ds-with-source", data_type="IMAGE",
                                   work_path={"type": 0, "path": "/modelarts-emulator/ds-work/"},
                                   data_sources={"type": 0, "path": DATA, "annotation_config": IMAGENET}, **FAST)

with _dag("ds_import_missing") as ds_import_missing:
    made = ModelArtsCreateDatasetOperator(task_id="create", dataset_name="ds-missing", dataset_type=0,
                                          work_path=WORK, data_sources=INPUT, **FAST)
    failing = ModelArtsImportDatasetOperator(task_id="import", dataset_id=_x("create", "dataset_id"),
                                             import_path=BUCKET + "ds-data/nothing-here/", retries=0, **FAST)
    nowait = ModelArtsImportDatasetOperator(task_id="import_nowait", dataset_id=_x("create", "dataset_id"),
                                            import_path=BUCKET + "ds-data/nothing-here-either/",
                                            wait_for_completion=False, trigger_rule="all_done")
    sense = ModelArtsImportTaskSensor(task_id="sense", dataset_id=_x("create", "dataset_id"),
                                      import_task_id=_x("import_nowait", "import_task_id"), poke_interval=0.5,
                                      timeout=60, retries=0)
    made >> failing >> nowait >> sense

with _dag("ds_import_empty") as ds_import_empty:
    made = ModelArtsCreateDatasetOperator(task_id="create", dataset_name="ds-empty", dataset_type=0,
                                          work_path=WORK, data_sources=INPUT, **FAST)
    empty = ModelArtsImportDatasetOperator(task_id="import", dataset_id=_x("create", "dataset_id"),
                                           import_path=DATA, retries=0, **FAST)
    empty_ok = ModelArtsImportDatasetOperator(task_id="import_allowed", dataset_id=_x("create", "dataset_id"),
                                              import_path=DATA, allow_empty=True, trigger_rule="all_done", **FAST)
    made >> empty >> empty_ok

with _dag("ds_export_unsupported") as ds_export_unsupported:
    made = ModelArtsCreateDatasetOperator(task_id="create", dataset_name="ds-text", dataset_type=100,
                                          work_path=WORK, data_sources=INPUT, **FAST)
    made >> ModelArtsExportDatasetOperator(task_id="export", dataset_id=_x("create", "dataset_id"),
                                           path=BUCKET + "ds-export/text/", retries=0, **FAST)

with _dag("ds_export_fail") as ds_export_fail:
    made = ModelArtsCreateDatasetOperator(task_id="create", dataset_name="ds-export-fail", dataset_type=0,
                                          work_path=WORK, data_sources=INPUT, **FAST)
    exp = ModelArtsExportDatasetOperator(task_id="export", dataset_id=_x("create", "dataset_id"),
                                         path=BUCKET + "ds-export/fail/", retries=0, **FAST)
    nowait = ModelArtsExportDatasetOperator(task_id="export_nowait", dataset_id=_x("create", "dataset_id"),
                                            path=BUCKET + "ds-export/fail2/", wait_for_completion=False,
                                            trigger_rule="all_done")
    sense = ModelArtsExportTaskSensor(task_id="sense", dataset_id=_x("create", "dataset_id"),
                                      export_task_id=_x("export_nowait", "export_task_id"), poke_interval=0.5,
                                      timeout=60, retries=0)
    made >> exp >> nowait >> sense

with _dag("ds_version_fail") as ds_version_fail:
    made = ModelArtsCreateDatasetOperator(task_id="create", dataset_name="ds-vfail", dataset_type=0,
                                          work_path=WORK, data_sources=INPUT, **FAST)
    ver = ModelArtsCreateDatasetVersionOperator(task_id="version", dataset_id=_x("create", "dataset_id"),
                                                wait_for_completion=False)
    sense = ModelArtsDatasetVersionSensor(task_id="sense", dataset_id=_x("create", "dataset_id"),
                                          version_id=_x("version", "version_id"), poke_interval=0.5, timeout=60,
                                          retries=0)
    drop = ModelArtsDeleteDatasetVersionOperator(task_id="delete_version", dataset_id=_x("create", "dataset_id"),
                                                 version_id=_x("version", "version_id"), trigger_rule="all_done")
    made >> ver >> sense >> drop

with _dag("ds_version_wait_fail") as ds_version_wait_fail:
    made = ModelArtsCreateDatasetOperator(task_id="create", dataset_name="ds-vfail-wait", dataset_type=0,
                                          work_path=WORK, data_sources=INPUT, **FAST)
    made >> ModelArtsCreateDatasetVersionOperator(task_id="version", dataset_id=_x("create", "dataset_id"),
                                                  retries=0, **FAST)

with _dag("ds_bad_spec") as ds_bad_spec:
    ModelArtsCreateDatasetOperator(task_id="bad_dataset", dataset_name="bad name!", data_type="IMAGE",
                                   dataset_type=0, work_path=WORK, data_sources=INPUT, retries=0)
    ModelArtsCreateDatasetOperator(task_id="bad_work_path", dataset_name="ok-name", dataset_type=0,
                                   work_path="obs://modelarts-emulator/", retries=0)
    ModelArtsImportDatasetOperator(task_id="bad_import", dataset_id="x", import_path="ftp://nope/",
                                   import_type="tarball", retries=0)
    ModelArtsExportDatasetOperator(task_id="bad_export", dataset_id="x", path=EXPORT, export_type=7, retries=0)
    ModelArtsCreateDatasetVersionOperator(task_id="bad_version", dataset_id="x", version_name="v" * 40,
                                          train_evaluate_sample_ratio="1.5", retries=0)
    ModelArtsCreateLabelTaskOperator(task_id="bad_label_task", dataset_id="x", task_name="no spaces", retries=0)

with _dag("ds_reattach") as ds_reattach:
    made = ModelArtsCreateDatasetOperator(task_id="create", dataset_name="ds-reattach", dataset_type=0,
                                          work_path=WORK, data_sources=INPUT, **FAST)
    made >> ModelArtsImportDatasetOperator(task_id="import", dataset_id=_x("create", "dataset_id"),
                                           import_path=DATA, **FAST)

with _dag("ds_reply_drop") as ds_reply_drop:
    # every create of the family, each run with the emulator dropping its first reply (after applying it)
    made = ModelArtsCreateDatasetOperator(task_id="create", dataset_name="ds-reply-drop", dataset_type=0,
                                          work_path=WORK, data_sources=INPUT, **FAST)
    imported = ModelArtsImportDatasetOperator(task_id="import", dataset_id=_x("create", "dataset_id"),
                                              import_path=DATA, **FAST)
    version = ModelArtsCreateDatasetVersionOperator(task_id="version", dataset_id=_x("create", "dataset_id"),
                                                    **FAST)
    exported = ModelArtsExportDatasetOperator(task_id="export", dataset_id=_x("create", "dataset_id"),
                                              path=BUCKET + "ds-export/reply-drop/", **FAST)
    labeled = ModelArtsCreateLabelTaskOperator(task_id="label_task", dataset_id=_x("create", "dataset_id"),
                                               task_name="reply-drop-team", task_type=0, **FAST)
    made >> imported >> version >> exported >> labeled
