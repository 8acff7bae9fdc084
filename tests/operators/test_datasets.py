"""Data management operators, sensors and hook methods in real Airflow (``airflow dags test``) against the emulator."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from tests.airflow_run import AIRFLOW, run_dag, ti_states, xcom

BUCKET = "obs://modelarts-emulator/"
DATA = BUCKET + "ds-data/flowers/"
#: data_sources is Mandatory (OTC api-ref, SDK reference §7.1.2); an empty folder: nothing is synced at creation.
INPUT_SOURCE = [{"data_type": 0, "data_path": "/modelarts-emulator/ds-input/"}]
FILES = {"cat/1.jpg": b"c1", "cat/2.jpg": b"c2", "cat/3.JPG": b"c3", "dog/1.jpg": b"d1", "dog/2.png": b"d2",
         "readme.txt": b"not an image"}


@pytest.fixture(autouse=True)
def _source_files(modelarts_airflow):
    """The sample files every dataset test imports from, in the emulator's OBS."""
    from airflow_provider_modelarts.hooks.obs import OBSHook

    hook = OBSHook()
    for rel, data in FILES.items():
        hook.write_bytes(DATA + rel, data)
    yield


def _hook():
    from airflow_provider_modelarts.hooks.modelarts import ModelArtsHook

    return ModelArtsHook()


def _no_modelarts_requests(emulator) -> list[dict]:
    return [r for r in emulator.requests() if not r["kind"].startswith("iam")]


# ---- the happy path, chained -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def pipeline(airflow_db, emulator_server):
    """``ds_pipeline`` run once for the module (it takes a while)."""
    import os
    import subprocess

    from airflow_provider_modelarts.client.auth import clear_token_cache
    from airflow_provider_modelarts.hooks.obs import OBSHook

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AIRFLOW_CONN_MODELARTS_DEFAULT", emulator_server.airflow_connection_json())
        clear_token_cache()
        for rel, data in FILES.items():
            OBSHook().write_bytes(DATA + rel, data)
        # register every DAG (and so the consumers' asset schedules) in the DB, as the DAG processor would
        subprocess.run([AIRFLOW, "dags", "reserialize"], check=True, capture_output=True, timeout=300,
                       env=os.environ.copy())
        emulator_server.clean()
        dr = run_dag("ds_pipeline")
        assert os.environ["AIRFLOW_CONN_MODELARTS_DEFAULT"]
        yield dr, emulator_server.requests()


def test_pipeline_all_tasks_succeed_and_push_stable_keys(pipeline) -> None:
    dr, _ = pipeline
    assert set(ti_states(dr).values()) == {"success"}, (ti_states(dr), dr.output[-5000:])
    dataset_id = xcom(dr, "create", "dataset_id")
    assert dataset_id and xcom(dr, "import_dir", "dataset_id") == dataset_id
    assert xcom(dr, "import_dir", "import_task_id") == xcom(dr, "import_dir")["import_task_id"]
    assert xcom(dr, "version", "version_id") == xcom(dr, "version")["version_id"]
    assert xcom(dr, "export", "export_task_id") == xcom(dr, "export")["export_task_id"]
    assert xcom(dr, "label_task", "label_task_id")
    assert xcom(dr, "create", "modelarts_dataset_link") == {"region": "cn-north-4", "dataset_id": dataset_id}


def test_directory_import_counts_and_folder_labels(pipeline) -> None:
    dr, _ = pipeline
    result = xcom(dr, "import_dir")
    assert result["status"] == "COMPLETED" and result["import_path"] == DATA
    assert result["imported_sample_count"] == 5 and result["annotated_sample_count"] == 5
    assert result["total_file_count"] == 6  # readme.txt is seen, not imported
    labels = sorted(s["labels"][0]["name"] for s in _hook().list_samples(result["dataset_id"], page_size=2))
    assert labels == ["cat", "cat", "cat", "dog", "dog"]


def test_version_published_and_usable(pipeline) -> None:
    dr, _ = pipeline
    v = xcom(dr, "version")
    assert v["status"] == 1 and v["version_name"] == "v1" and v["total_sample_count"] == 5
    assert v["manifest_path"].startswith("obs://modelarts-emulator/ds-work/") and v["manifest_path"].endswith(
        "v1.manifest")
    assert xcom(dr, "wait_version")["status"] == 1
    from airflow_provider_modelarts.utils.manifest import parse_manifest

    assert parse_manifest(v["manifest_path"]).size == 5


def test_export_writes_manifest_that_the_utils_parse(pipeline) -> None:
    from airflow_provider_modelarts.utils.manifest import parse_manifest

    dr, _ = pipeline
    e = xcom(dr, "export")
    assert e["status"] == "SUCCESSED" and e["path"] == BUCKET + "ds-export/pipeline/"
    assert e["manifest_path"] == BUCKET + "ds-export/pipeline/Data/ds-pipeline.manifest"
    manifest = parse_manifest(e["manifest_path"])
    assert manifest.size == 5 and sorted(s.labels[0] for s in manifest.samples) == ["cat"] * 3 + ["dog"] * 2
    assert xcom(dr, "wait_export")["status"] == "SUCCESSED"
    alias = xcom(dr, "export_alias")
    assert alias["version_id"] == xcom(dr, "version", "version_id")
    assert alias["path"].startswith(BUCKET + "ds-export/ds_pipeline-") and alias["total_sample_count"] == 5


def test_import_of_a_manifest_built_by_the_utils_imports_every_sample(pipeline) -> None:
    dr, _ = pipeline
    built = xcom(dr, "build_manifest")
    assert built == {"manifest_path": BUCKET + "ds-manifests/flowers.manifest", "sample_count": 5,
                     "labels": ["cat", "dog"]}
    imported = xcom(dr, "import_manifest")
    assert imported["import_type"] == 1 and imported["imported_sample_count"] == 5
    assert imported["annotated_sample_count"] == 5
    assert xcom(dr, "delete_dogs") == {"dataset_id": imported["dataset_id"], "deleted": 2, "failed": []}
    remaining = _hook().list_samples(imported["dataset_id"])
    assert len(remaining) == 3 and {s["labels"][0]["name"] for s in remaining} == {"cat"}


def test_label_task_and_update(pipeline) -> None:
    dr, _ = pipeline
    task = xcom(dr, "label_task")
    assert task["status"] == 1 and task["task_name"] == "review-flowers"
    ds = _hook().get_dataset(xcom(dr, "create", "dataset_id"))
    assert ds["description"] == "flowers, published" and "bird" in {lab["name"] for lab in ds["labels"]}
    assert [t["task_id"] for t in _hook().list_label_tasks(ds["dataset_id"])] == [task["label_task_id"]]


def test_asset_events_for_static_and_alias_outlets_reach_consumers(pipeline) -> None:
    from airflow.models.asset import AssetAliasModel, AssetDagRunQueue, AssetEvent
    from airflow.utils.session import create_session
    from sqlalchemy import select

    dr, _ = pipeline
    export_uri = "obs://modelarts-emulator/ds-export/pipeline"
    alias_path = xcom(dr, "export_alias")["path"]
    with create_session() as session:
        events = session.scalars(select(AssetEvent).where(AssetEvent.source_run_id == dr.run_id)).all()
        by_uri = {e.asset.uri: e for e in events}
        assert export_uri in by_uri, sorted(by_uri)
        assert by_uri[export_uri].source_task_id == "export"
        assert by_uri[export_uri].extra["export_task_id"] == xcom(dr, "export", "export_task_id")
        assert alias_path.rstrip("/") in by_uri, sorted(by_uri)  # emitted at run time through the alias
        alias = session.scalars(select(AssetAliasModel).where(
            AssetAliasModel.name == "modelarts-dataset-exports")).one()
        assert alias_path.rstrip("/") in {a.uri for a in alias.assets}
        assert DATA.rstrip("/") in by_uri  # the import location
        queued = {(q.target_dag_id, q.asset.uri) for q in session.scalars(select(AssetDagRunQueue)).all()}
        assert ("ds_asset_consumer", export_uri) in queued, queued
        assert ("ds_alias_consumer", alias_path.rstrip("/")) in queued, queued


# ---- create with data sources ------------------------------------------------------------------------------------
def test_create_with_data_sources_returns_the_import(emulator) -> None:
    dr = run_dag("ds_create_with_source")
    assert ti_states(dr) == {"create": "success"}, dr.output[-4000:]
    result = xcom(dr, "create")
    task_id = xcom(dr, "create", "import_task_id")
    assert task_id and result["import_task_id"] == task_id
    assert result["status"] == 1 and result["import"]["imported_sample_count"] == 5
    body = emulator.requests("datasets.create")[0]
    assert emulator.count("datasets.create") == 1, body
    # reattach: the same name again is the same dataset, no second create
    emulator.clear_requests()
    dr2 = run_dag("ds_create_with_source")
    assert ti_states(dr2) == {"create": "success"}
    assert xcom(dr2, "create", "dataset_id") == xcom(dr, "create", "dataset_id")
    assert emulator.count("datasets.create") == 0
    assert "Reattaching to dataset" in dr2.output


# ---- failures ----------------------------------------------------------------------------------------------------
def test_missing_import_path_fails_operator_and_sensor(emulator) -> None:
    dr = run_dag("ds_import_missing")
    assert ti_states(dr) == {"create": "success", "import": "failed", "import_nowait": "success",
                             "sense": "failed"}, dr.output[-4000:]
    assert "ModelArts.4312" in dr.output and "nothing-here" in dr.output


def test_zero_sample_import_fails_unless_allowed(emulator) -> None:
    emulator.set_outcome("import_task", "empty", match="ds-empty", count=2)
    dr = run_dag("ds_import_empty")
    assert ti_states(dr) == {"create": "success", "import": "failed", "import_allowed": "success"}, \
        dr.output[-4000:]
    assert "imported 0 samples" in dr.output and "allow_empty=True" in dr.output
    assert xcom(dr, "import_allowed")["imported_sample_count"] == 0


def test_unsupported_export_type_fails_clearly_without_export_request(emulator) -> None:
    dr = run_dag("ds_export_unsupported")
    assert ti_states(dr) == {"create": "success", "export": "failed"}, dr.output[-4000:]
    assert "text classification dataset (type 100)" in dr.output and "can export only" in dr.output
    assert emulator.count("datasets.create_export_task") == 0


def test_failed_export_fails_operator_and_sensor(emulator) -> None:
    emulator.set_outcome("export_task", "fail", match="ds-export-fail", count=2)
    dr = run_dag("ds_export_fail")
    assert ti_states(dr) == {"create": "success", "export": "failed", "export_nowait": "success",
                             "sense": "failed"}, dr.output[-4000:]
    assert "ModelArts.4401" in dr.output


def test_version_publish_failure_fails_sensor_and_operator(emulator) -> None:
    emulator.set_outcome("dataset_version", "fail", match="ds-vfail", count=2)
    dr = run_dag("ds_version_fail")
    assert ti_states(dr) == {"create": "success", "version": "success", "sense": "failed",
                             "delete_version": "success"}, dr.output[-4000:]
    dr2 = run_dag("ds_version_wait_fail")
    assert ti_states(dr2) == {"create": "success", "version": "failed"}, dr2.output[-4000:]
    assert "could not be published" in dr2.output and "ModelArts.4712" in dr2.output


def test_publishing_twice_within_a_minute_is_a_clear_error(emulator) -> None:
    from airflow.sdk.exceptions import AirflowException

    from airflow_provider_modelarts.operators.datasets import ModelArtsCreateDatasetVersionOperator

    hook = _hook()
    dataset_id = hook.create_dataset({"dataset_name": "ds-too-often", "dataset_type": 0,
                                      "work_path": "/modelarts-emulator/ds-work/", "work_path_type": 0,
                                      "data_sources": INPUT_SOURCE})["dataset_id"]
    op = ModelArtsCreateDatasetVersionOperator(task_id="v", dataset_id=dataset_id)
    assert op.create({}, {})["version_id"]
    with pytest.raises(AirflowException, match=r"at most one version of a dataset per minute.*ModelArts\.4370"):
        op.create({}, {})


def test_malformed_specs_fail_before_any_request(emulator) -> None:
    emulator.clear_requests()
    dr = run_dag("ds_bad_spec")
    assert set(ti_states(dr).values()) == {"failed"}, ti_states(dr)
    text = dr.output
    for needle in ("data_type / dataset_type: give exactly one", "dataset_name", "work_path", "import_path",
                   "import_type", "export_type", "version_name", "train_evaluate_sample_ratio", "task_name",
                   "fix:"):
        assert needle in text, needle
    assert _no_modelarts_requests(emulator) == []


# ---- reattach, pagination, deferral ------------------------------------------------------------------------------
def test_import_reattaches_by_path_when_the_state_store_is_empty(emulator) -> None:
    """The O(1) fallback: the dataset's newest import of the same path, created during this DAG run."""
    from airflow_provider_modelarts.operators.datasets import ModelArtsImportDatasetOperator, build_import_body

    hook = _hook()
    dataset_id = hook.create_dataset({"dataset_name": "ds-fallback", "dataset_type": 0,
                                      "work_path": "/modelarts-emulator/ds-work/", "work_path_type": 0,
                                      "data_sources": INPUT_SOURCE})["dataset_id"]
    time.sleep(0.3)
    op = ModelArtsImportDatasetOperator(task_id="i", dataset_id=dataset_id, import_path=DATA)
    body = build_import_body({"dataset_id": dataset_id, "import_path": DATA})
    before = datetime.now(UTC)
    assert op.find_existing({"dag_run": SimpleNamespace(start_date=before)}, body) is None
    task_id = hook.create_import_task(dataset_id, body)
    found = op.find_existing({"dag_run": SimpleNamespace(start_date=before)}, body)
    assert found == {"dataset_id": dataset_id, "task_id": task_id}
    other = build_import_body({"dataset_id": dataset_id, "import_path": BUCKET + "ds-data/other/"})
    assert op.find_existing({"dag_run": SimpleNamespace(start_date=before)}, other) is None
    emulator.clear_requests()
    assert op.find_existing({"dag_run": SimpleNamespace(start_date=before)}, body) is not None
    assert emulator.count("datasets.list_import_tasks") == 1  # one request


def test_listings_follow_at_least_three_pages(emulator) -> None:
    hook = _hook()
    for i in range(5):
        hook.create_dataset({"dataset_name": f"pg-list-{i}", "dataset_type": 0,
                             "work_path": "/modelarts-emulator/ds-work/", "work_path_type": 0,
                             "data_sources": INPUT_SOURCE})
    emulator.clear_requests()
    names = sorted(d["dataset_name"] for d in hook.list_datasets(dataset_name="pg-list-", page_size=2))
    assert names == [f"pg-list-{i}" for i in range(5)]
    assert emulator.count("datasets.list") == 3
    assert len(hook.list_datasets(dataset_name="pg-list-", page_size=100)) == 5


def test_sample_listing_follows_pages(emulator) -> None:
    hook = _hook()
    dataset_id = hook.create_dataset({"dataset_name": "ds-pages", "dataset_type": 0,
                                      "work_path": "/modelarts-emulator/ds-work/", "work_path_type": 0,
                                      "data_sources": INPUT_SOURCE})["dataset_id"]
    time.sleep(0.3)
    task_id = hook.create_import_task(dataset_id, {"import_path": DATA, "import_type": "dir"})
    deadline = time.monotonic() + 30
    while hook.get_import_task(dataset_id, task_id)["status"] != "COMPLETED":
        assert time.monotonic() < deadline
        time.sleep(0.3)
    emulator.clear_requests()
    samples = hook.list_samples(dataset_id, page_size=2)
    assert len(samples) == 5 and len({s["sample_id"] for s in samples}) == 5
    assert emulator.count("datasets.list_samples") == 3
    assert hook.get_sample(dataset_id, samples[0]["sample_id"])["sample_id"] == samples[0]["sample_id"]
    assert [t["task_id"] for t in hook.list_import_tasks(dataset_id, page_size=1)] == [task_id]


# ---- lost replies ------------------------------------------------------------------------------------------------
CREATE_KINDS = ("datasets.create", "datasets.create_import_task", "datasets.create_version",
                "datasets.create_export_task", "datasets.create_workforce_task")


def test_every_create_survives_a_lost_reply_with_exactly_one_resource(emulator) -> None:
    """The emulator applies each create, then resets the connection: the operator must find what it created
    (by name; import/export tasks and unnamed versions by listing and matching what was sent in the time window)
    instead of sending the create again."""
    emulator.set_faults({"kinds": list(CREATE_KINDS), "sequence": ["drop_reply"] * len(CREATE_KINDS)})
    try:
        dr = run_dag("ds_reply_drop")
    finally:
        emulator.set_faults({})
    assert set(ti_states(dr).values()) == {"success"}, (ti_states(dr), dr.output[-5000:])
    for kind in CREATE_KINDS:
        assert [(r["fault"], r["applied_status"]) for r in emulator.requests(kind)] == [
            ("drop_reply", 201 if kind in ("datasets.create", "datasets.create_version") else 200)], kind
    hook = _hook()
    (dataset,) = hook.find_datasets_by_name("ds-reply-drop")
    dataset_id = dataset["dataset_id"]
    assert xcom(dr, "create", "dataset_id") == dataset_id
    assert [t["task_id"] for t in hook.list_import_tasks(dataset_id)] == [xcom(dr, "import", "import_task_id")]
    assert [v["version_id"] for v in hook.latest_dataset_versions(dataset_id)] == [xcom(dr, "version", "version_id")]
    assert [t["task_id"] for t in hook.latest_export_tasks(dataset_id)] == [xcom(dr, "export", "export_task_id")]
    assert [t["task_id"] for t in hook.list_label_tasks(dataset_id)] == [xcom(dr, "label_task", "label_task_id")]
    assert dr.output.count("Outcome of the create is unknown") == len(CREATE_KINDS)
