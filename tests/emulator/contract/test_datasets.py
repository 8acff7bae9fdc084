"""Data management against its documented tables (``emulator/contract/datasets.py``).

(a) every ``datasets.*`` route kind has a table; (b) the undocumented shapes of issue 12, sent raw over HTTP, get
a 400 naming the field, and the answers carry no undocumented field; (c) every request builder of
``client/api/datasets.py``, fed the bodies the operators build, passes the tables.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import requests

from airflow_provider_modelarts.emulator import contract
from airflow_provider_modelarts.emulator.testing import EmulatorHandle

BUCKET = "modelarts-emulator"
PROJECT = "0123456789abcdef0123456789abcdef"


# ---- (a) ---------------------------------------------------------------------------------------------------------
def test_every_data_management_route_has_a_documented_table() -> None:
    from airflow_provider_modelarts.emulator.server import build_router

    kinds = {r.kind for r in build_router().routes if r.kind.startswith("datasets.")}
    tabled = {k for k in contract.operations() if k.startswith("datasets.")}
    assert len(kinds) == 21 and kinds == tabled
    for kind in kinds:
        op = contract.operations()[kind]
        assert op.source.startswith("api-ref-otc/historical_apis/data_management_old_version/"), kind


def _cited(field: contract.Field, path: str = "") -> dict[str, str]:
    """Every exception entry below ``field`` by its dotted path."""
    found = {path: field.cite} if field.cite else {}
    for key, child in (field.fields or {}).items():
        found.update(_cited(child, f"{path}.{key}" if path else key))
    if field.items is not None:
        found.update(_cited(field.items, path + "[]"))
    return found


def test_the_sdk_only_fields_are_cited_exceptions_naming_their_section() -> None:
    ops = contract.operations()
    assert set(_cited(ops["datasets.create_version"].body)) == {"label_task_type", "label_task_id"}
    assert set(_cited(ops["datasets.create_workforce_task"].body)) == {"task_type", "description"}
    for kind in ("datasets.create_version", "datasets.create_workforce_task"):
        assert all("SDK reference §7." in cite for cite in _cited(ops[kind].body).values())
    # neither the SDK's data_type mode nor annotation_format_config is on the wire: not even as an exception
    for kind in ("datasets.create", "datasets.create_import_task"):
        assert _cited(ops[kind].body) == {}
    assert ops["datasets.create"].body.fields["data_sources"].required


# ---- (b) raw over HTTP -----------------------------------------------------------------------------------------
class Raw:
    """Token-authenticated raw requests to the emulator's dataset API."""

    def __init__(self, handle: EmulatorHandle) -> None:
        self.handle = handle
        self.base = f"{handle.url}/v2/{handle.project_id}/datasets"

    def send(self, method: str, path: str = "", body: Any = None) -> requests.Response:
        return requests.request(method, self.base + path, json=body, headers=self.handle.headers(), timeout=30)

    def ok(self, method: str, path: str = "", body: Any = None) -> Any:
        resp = self.send(method, path, body)
        assert 200 <= resp.status_code < 300, resp.text
        return resp.json() if resp.content else None

    def refused(self, method: str, path: str, body: Any) -> str:
        resp = self.send(method, path, body)
        assert resp.status_code == 400, resp.text
        assert resp.json()["error_code"] == "ModelArts.0104", resp.text
        return str(resp.json()["error_msg"])


def _dataset_body(name: str, **extra: Any) -> dict[str, Any]:
    return {"dataset_name": name, "dataset_type": 0, "work_path": f"/{BUCKET}/work/{name}/", "work_path_type": 0,
            "data_sources": [{"data_type": 0, "data_path": f"/{BUCKET}/input/{name}/"}], **extra}


@pytest.fixture
def raw(emulator: EmulatorHandle) -> Raw:
    return Raw(emulator)


@pytest.fixture
def dataset_id(raw: Raw) -> str:
    return str(raw.ok("POST", "", _dataset_body(f"ct-{uuid.uuid4().hex[:8]}"))["dataset_id"])


@pytest.mark.parametrize(("patch", "named"), [
    ({"data_type": "IMAGE"}, "data_type: unknown field"),
    ({"annotation_format_config": [{"scene": "image_classification", "format_name": "ModelArts imageNet 1.0"}]},
     "annotation_format_config: unknown field"),
    ({"data_sources": [{"data_type": 0, "data_path": f"/{BUCKET}/x/", "annotation_config": {}}]},
     "data_sources[0].annotation_config: unknown field"),
    ({"work_path_type": "0"}, "work_path_type: expected integer"),
])
def test_undocumented_dataset_create_shapes_are_refused_naming_the_field(raw: Raw, patch: dict, named: str) -> None:
    assert named in raw.refused("POST", "", _dataset_body(f"bad-{uuid.uuid4().hex[:8]}", **patch))


def test_dataset_create_without_data_sources_is_refused(raw: Raw) -> None:
    """Mandatory in the OTC api-ref and SDK reference §7.1.2 (the 2021 reference's optional is not followed)."""
    body = _dataset_body(f"nosrc-{uuid.uuid4().hex[:8]}")
    del body["data_sources"]
    assert "data_sources: missing mandatory field" in raw.refused("POST", "", body)


def test_undocumented_import_shape_is_refused(raw: Raw, dataset_id: str) -> None:
    body = {"import_path": f"/{BUCKET}/data/", "import_type": "dir", "import_annotations": True,
            "annotation_format_config": [{"scene": "image_classification", "format_name": "ModelArts imageNet 1.0"}]}
    assert "annotation_format_config: unknown field" in raw.refused("POST", f"/{dataset_id}/import-tasks", body)


def test_workforce_task_create_takes_the_cited_fields_and_refuses_the_rest(raw: Raw, dataset_id: str) -> None:
    path = f"/{dataset_id}/workforce-tasks"
    assert "task_type: 5 is not one of" in raw.refused("POST", path, {"task_name": "t1", "task_type": 5})
    assert "labels: unknown field" in raw.refused("POST", path, {"task_name": "t1", "labels": []})
    task_id = raw.ok("POST", path, {"task_name": "t1", "task_type": 1, "description": "label task",
                                    "data_sync_type": 1, "sample_conditions": ""})["task_id"]
    task = raw.ok("GET", f"{path}/{task_id}")
    assert task["description"] == "label task"  # a documented field of the task object
    assert not {"data_sync_type", "sample_conditions", "task_type"} & set(task)  # undocumented in the answer
    assert all(not {"data_sync_type", "sample_conditions"} & set(t) for t in raw.ok("GET", path)["tasks"])


def test_version_create_cited_fields(raw: Raw, emulator: EmulatorHandle, dataset_id: str) -> None:
    path = f"/{dataset_id}/versions"
    assert "label_task_type: 7 is not one of" in raw.refused("POST", path, {"label_task_type": 7})
    assert "version_format: 'Parquet' is not one of" in raw.refused("POST", path, {"version_format": "Parquet"})
    missing = raw.send("POST", path, {"label_task_id": "noSuchTask"})
    assert missing.status_code == 400 and missing.json()["error_code"] == "ModelArts.4619"
    task_id = raw.ok("POST", f"/{dataset_id}/workforce-tasks", {"task_name": "for-version"})["task_id"]
    version_id = raw.ok("POST", path, {"label_task_type": 1, "label_task_id": task_id,
                                       "description": "from ^ the task"})["version_id"]
    assert raw.ok("GET", f"{path}/{version_id}")["task_type"] == 1  # answered as the documented field


def test_import_task_answers_have_no_import_origin(raw: Raw, emulator: EmulatorHandle, dataset_id: str) -> None:
    import boto3
    from botocore.config import Config

    s3 = boto3.client("s3", endpoint_url=emulator.obs_url, region_name=emulator.region,
                      aws_access_key_id=emulator.ak, aws_secret_access_key=emulator.sk,
                      config=Config(s3={"addressing_style": "path"}))
    s3.put_object(Bucket=BUCKET, Key=f"ct-data-{dataset_id}/a.jpg", Body=b"x")
    task_id = raw.ok("POST", f"/{dataset_id}/import-tasks", {"import_path": f"/{BUCKET}/ct-data-{dataset_id}/",
                                                             "import_origin": "obs"})["task_id"]
    task = raw.ok("GET", f"/{dataset_id}/import-tasks/{task_id}")
    assert "import_origin" not in task and task["import_type"] == 0
    assert contract.check_response("datasets.get_import_task", 200, task) == []


def test_directory_import_into_a_free_format_dataset_is_refused(raw: Raw) -> None:
    """SDK reference §7.4.2 table 7-19 has no directory import for free format (900)."""
    ds = raw.ok("POST", "", _dataset_body(f"free-{uuid.uuid4().hex[:8]}", dataset_type=900))["dataset_id"]
    resp = raw.send("POST", f"/{ds}/import-tasks", {"import_path": f"/{BUCKET}/data/", "import_type": "dir"})
    assert resp.status_code == 400 and resp.json()["error_code"] == "ModelArts.4396", resp.text


def test_a_version_description_may_hold_a_caret_but_not_a_quote(raw: Raw, dataset_id: str) -> None:
    """creating_a_dataset_labeling_version.txt forbids !<>=&"' (not ^, which a dataset description forbids)."""
    resp = raw.send("POST", f"/{dataset_id}/versions", {"description": "it's"})
    assert resp.status_code == 400 and "description" in resp.json()["error_msg"]
    assert raw.ok("POST", f"/{dataset_id}/versions", {"description": "a^b"})["version_id"]


# ---- (c) every request builder through the tables ----------------------------------------------------------------
def _wire(req: Any) -> list[str]:
    path = req.path.replace("{project_id}", PROJECT)
    pairs = [(k, "true" if v is True else "false" if v is False else str(v)) for k, v in req.query_pairs()]
    return contract.wire_problems(req.method, path, pairs, req.body_bytes())


def _operator_bodies() -> dict[str, dict[str, Any]]:
    """The bodies the operators build, from realistic SDK-style arguments (as the example DAGs pass them)."""
    from airflow_provider_modelarts.operators.datasets import (
        build_dataset_body,
        build_export_body,
        build_import_body,
        build_label_task_body,
        build_version_body,
    )

    imagenet = {"scene": "image_classification", "format_name": "ModelArts imageNet 1.0",
                "parameters": {"included_labels": ["cat"], "difficult_only": False}}
    return {
        "by_data_type": build_dataset_body({"data_type": "IMAGE", "work_path": {"type": 0, "path": "obs://bkt/work/"},
                                            "data_sources": {"type": 0, "path": "obs://bkt/data/",
                                                             "annotation_config": imagenet},
                                            "labels": [{"name": "cat"}], "description": "flowers"}, name="ds-1"),
        "by_type": build_dataset_body({"dataset_type": 400, "work_path": "obs://bkt/work/",
                                       "data_sources": [{"type": 0, "path": "obs://bkt/t/", "with_column_header": True}],
                                       "schema": [{"schema_id": 1, "name": "x", "type": "DOUBLE"}]}, name="ds-2"),
        "import": build_import_body({"dataset_id": "d", "import_path": "obs://bkt/data/", "annotation_config": imagenet}),
        "import_manifest": build_import_body({"dataset_id": "d", "import_path": "obs://bkt/m/all.manifest",
                                              "annotation_config": {}, "included_labels": ["cat"]}),
        "export": build_export_body({"dataset_id": "d", "path": "obs://bkt/export/", "export_type": 3,
                                     "samples": ["s1"], "export_dest": "NEW_DATASET",
                                     "export_new_dataset_name": "copy", "version_format": "Default"}),
        "version": build_version_body({"dataset_id": "d", "version_name": "V009", "label_task_type": 0,
                                       "label_task_id": "t", "description": "v", "train_evaluate_sample_ratio": 0.8,
                                       "with_column_header": True}),
        "label_task": build_label_task_body({"dataset_id": "d", "task_name": "team", "task_type": 1,
                                             "description": "label task", "repetition": 1,
                                             "workforces_config": {"workforces": [{"workforce_id": "w"}]}}),
    }


def test_the_operator_bodies_hold_no_sdk_only_field() -> None:
    bodies = _operator_bodies()
    assert "data_type" not in bodies["by_data_type"] and bodies["by_data_type"]["dataset_type"] == 0
    assert bodies["by_data_type"]["import_annotations"] is True
    assert all("annotation_format_config" not in b for b in bodies.values())


def test_every_request_builder_passes_the_tables() -> None:
    from airflow_provider_modelarts.client.api import datasets as api

    bodies = _operator_bodies()
    built = [
        api.list_datasets(dataset_type=0, search_content="flo", sort_by="create_time", order="desc",
                          with_labels=True, support_export=False),
        api.DATASET_PAGER.request(api.list_datasets(), 2),
        api.create_dataset(bodies["by_data_type"]), api.create_dataset(bodies["by_type"]),
        api.get_dataset("d"), api.update_dataset("d", {"dataset_name": "n", "description": "",
                                                        "current_version_id": "v", "add_labels": [{"name": "a"}],
                                                        "delete_labels": [{"name": "b"}]}),
        api.delete_dataset("d"),
        api.VERSION_PAGER.request(api.list_versions("d", status=1), 0),
        api.create_version("d", bodies["version"]), api.create_version("d", {}),
        api.get_version("d", "v"), api.delete_version("d", "v"),
        api.SAMPLE_PAGER.request(api.list_samples("d", version_id="v", sample_state="__ALL__", label_name="cat",
                                                  order="asc"), 1),
        api.get_sample("d", "s"), api.delete_samples("d", ["s1", "s2"], delete_source=True),
        api.IMPORT_TASK_PAGER.request(api.list_import_tasks("d"), 0),
        api.create_import_task("d", bodies["import"]), api.create_import_task("d", bodies["import_manifest"]),
        api.get_import_task("d", "t"),
        api.EXPORT_TASK_PAGER.request(api.list_export_tasks("d", export_type=0), 0),
        api.create_export_task("d", bodies["export"]), api.get_export_task("d", "t"),
        api.LABEL_TASK_PAGER.request(api.list_label_tasks("d"), 0),
        api.create_label_task("d", bodies["label_task"]), api.get_label_task("d", "t"),
    ]
    problems = {f"{r.method} {r.path}": p for r in built if (p := _wire(r))}
    assert problems == {}
    builders = {name for name in vars(api) if callable(getattr(api, name)) and not name.startswith("_")
                and getattr(getattr(api, name), "__module__", "") == api.__name__}
    assert builders <= {"list_datasets", "create_dataset", "get_dataset", "update_dataset", "delete_dataset",
                        "list_versions", "create_version", "get_version", "delete_version", "list_samples",
                        "get_sample", "delete_samples", "list_import_tasks", "create_import_task",
                        "get_import_task", "list_export_tasks", "create_export_task", "get_export_task",
                        "list_label_tasks", "create_label_task", "get_label_task"}, builders


def test_the_old_shapes_fail_the_tables() -> None:
    """What the client sent before issue 12: each now a named problem (so the test above can fail)."""
    from airflow_provider_modelarts.client.api import datasets as api

    old_create = {"dataset_name": "ds", "data_type": "IMAGE", "work_path": "/bkt/work/", "work_path_type": 0,
                  "data_sources": [{"data_type": 0, "data_path": "/bkt/data/"}], "import_annotations": True,
                  "annotation_format_config": [{"scene": "image_classification",
                                                "format_name": "ModelArts imageNet 1.0"}]}
    found = _wire(api.create_dataset(old_create))
    assert sorted(p.split(":")[0] for p in found) == ["annotation_format_config", "data_type"], found
    assert _wire(api.create_dataset({"dataset_name": "ds", "dataset_type": 0, "work_path": "/bkt/w/",
                                     "work_path_type": 0})) == ["data_sources: missing mandatory field"]


@pytest.mark.parametrize(("dataset_type", "import_type", "allowed"), [
    (0, "dir", True), (1, "dir", True), (3, "dir", True), (100, "dir", True), (200, "dir", True), (400, "dir", True),
    (101, "dir", False), (102, "dir", False), (201, "dir", False), (202, "dir", False), (600, "dir", False),
    (900, "dir", False), (400, "manifest", False), (900, "manifest", True), (101, "manifest", True),
    (None, "dir", True),
])
def test_import_modes_follow_sdk_table_7_19(dataset_type: int | None, import_type: str, allowed: bool) -> None:
    from airflow_provider_modelarts.operators.datasets import import_mode_problem

    problem = import_mode_problem(dataset_type, import_type)
    assert (problem is None) == allowed
    if problem:
        assert "table 7-19" in problem and "fix:" in problem
