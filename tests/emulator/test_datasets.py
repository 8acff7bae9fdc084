"""Data management in the emulator over real HTTP: datasets, versions, samples, import/export/workforce tasks.

Every call goes through loopback HTTP with an IAM token (one with an AK/SK signature from huaweicloudsdkcore's
``Signer``); OBS objects are written and read with boto3 through the emulator's OBS endpoint.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
import requests
from botocore.config import Config
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer

from airflow_provider_modelarts.emulator.testing import EmulatorHandle

BUCKET = "modelarts-emulator"


class Api:
    """A thin token-authenticated client of the emulator's dataset API.

    :param handle: the emulator handle.
    """

    def __init__(self, handle: EmulatorHandle) -> None:
        self.handle = handle
        self.base = f"{handle.url}/v2/{handle.project_id}/datasets"

    def call(self, method: str, path: str = "", body: Any = None, **params: Any) -> requests.Response:
        return requests.request(method, self.base + path, json=body, params=params or None,
                                headers=self.handle.headers(), timeout=30)

    def ok(self, method: str, path: str = "", body: Any = None, expect: int = 200, **params: Any) -> Any:
        resp = self.call(method, path, body, **params)
        assert resp.status_code == expect, resp.text
        return resp.json() if resp.content else None

    def error(self, method: str, path: str = "", body: Any = None, expect: int = 400, **params: Any) -> str:
        """The ``error_code`` of an expected error answer."""
        resp = self.call(method, path, body, **params)
        assert resp.status_code == expect, resp.text
        payload = resp.json()
        assert payload["error_msg"]
        return str(payload["error_code"])

    def create(self, name: str, dataset_type: int = 0, **extra: Any) -> str:
        body = {"dataset_name": name, "dataset_type": dataset_type, "work_path": f"/{BUCKET}/work/{name}/",
                "work_path_type": 0, "data_sources": [{"data_type": 0, "data_path": f"/{BUCKET}/src/{name}/"}],
                **extra}
        return str(self.ok("POST", "", body, expect=201)["dataset_id"])

    def import_task(self, dataset_id: str, **body: Any) -> str:
        return str(self.ok("POST", f"/{dataset_id}/import-tasks", body)["task_id"])


@pytest.fixture
def api(emulator: EmulatorHandle) -> Api:
    return Api(emulator)


@pytest.fixture
def s3(emulator: EmulatorHandle) -> Any:
    assert emulator.obs_url
    return boto3.client("s3", endpoint_url=emulator.obs_url, region_name=emulator.region,
                        aws_access_key_id=emulator.ak, aws_secret_access_key=emulator.sk,
                        config=Config(s3={"addressing_style": "path"}))


@pytest.fixture
def tag() -> Iterator[str]:
    yield uuid.uuid4().hex[:10]


def put(s3: Any, key: str, data: bytes = b"x") -> None:
    s3.put_object(Bucket=BUCKET, Key=key, Body=data)


def image_dir(s3: Any, tag: str) -> str:
    """Five images (three in label folders), a text file and a folder marker under ``in-<tag>/``."""
    for key in ("cats/1.jpg", "cats/2.JPG", "dogs/3.png", "4.jpeg", "5.bmp", "notes.txt", "empty/"):
        put(s3, f"in-{tag}/{key}")
    return f"/{BUCKET}/in-{tag}/"


def wait_import(api: Api, handle: EmulatorHandle, dataset_id: str, task_id: str) -> dict[str, Any]:
    handle.advance(10)
    return dict(api.ok("GET", f"/{dataset_id}/import-tasks/{task_id}"))


def imported_dataset(api: Api, handle: EmulatorHandle, s3: Any, tag: str) -> str:
    """A type-0 dataset holding the five images of :func:`image_dir` (three labelled)."""
    dataset_id = api.create(f"ds-{tag}")
    task = wait_import(api, handle, dataset_id, api.import_task(dataset_id, import_path=image_dir(s3, tag)))
    assert task["status"] == "COMPLETED"
    return dataset_id


# ---- datasets -------------------------------------------------------------------------------------------------------
def test_create_get_update_delete(api: Api, emulator: EmulatorHandle, tag: str) -> None:
    labels = [{"name": "Rabbits", "type": 0, "property": {"@modelarts:color": "#3399ff"}}]
    dataset_id = api.create(f"crud-{tag}", labels=labels, description="first")
    ds = api.ok("GET", f"/{dataset_id}")
    assert ds["dataset_id"] == dataset_id and ds["dataset_name"] == f"crud-{tag}"
    assert ds["status"] in (0, 1) and ds["dataset_type"] == 0 and ds["work_path_type"] == 0
    assert ds["work_path"] == f"/{BUCKET}/work/crud-{tag}/"
    assert ds["inner_annotation_path"] == f"/{BUCKET}/work/crud-{tag}/dataset-crud-{tag}-{dataset_id}/annotation/"
    assert ds["labels"][0]["name"] == "Rabbits" and ds["total_sample_count"] == 0
    emulator.advance(2)
    assert api.ok("GET", f"/{dataset_id}")["status"] == 1

    update = {"dataset_name": f"renamed-{tag}", "description": "second", "add_labels": [{"name": "Bees"}]}
    assert api.ok("PUT", f"/{dataset_id}", update) == {"dataset_id": dataset_id}
    ds = api.ok("GET", f"/{dataset_id}")
    assert ds["dataset_name"] == f"renamed-{tag}" and ds["description"] == "second"
    assert [lab["name"] for lab in ds["labels"]] == ["Rabbits", "Bees"]
    assert api.error("PUT", f"/{dataset_id}", {"add_labels": [{"name": "Bees"}]}) == "ModelArts.4411"
    assert api.error("PUT", f"/{dataset_id}", {"delete_labels": [{"name": "Wasps"}]}) == "ModelArts.4410"

    resp = api.call("DELETE", f"/{dataset_id}")
    assert resp.status_code == 204 and resp.content == b""
    assert api.error("GET", f"/{dataset_id}") == "ModelArts.4352"
    assert api.error("DELETE", f"/{dataset_id}") == "ModelArts.4352"


def test_list_pages_are_page_indexes(api: Api, tag: str) -> None:
    names = [f"pg{tag}-{i}" for i in range(7)]
    for name in reversed(names):
        api.create(name)
    pages = [api.ok("GET", search_content=f"PG{tag}", limit=3, offset=i, sort_by="dataset_name", order="asc")
             for i in range(4)]
    assert [p["total_number"] for p in pages] == [7, 7, 7, 7]
    assert [[d["dataset_name"] for d in p["datasets"]] for p in pages] == [names[0:3], names[3:6], names[6:7], []]
    newest_first = api.ok("GET", search_content=f"pg{tag}", limit=2)
    assert [d["dataset_name"] for d in newest_first["datasets"]] == [names[0], names[1]]
    assert "labels" not in newest_first["datasets"][0]
    assert api.ok("GET", search_content=f"pg{tag}", dataset_type=1)["total_number"] == 0
    default_page = api.ok("GET", search_content=f"pg{tag}")
    assert len(default_page["datasets"]) == 7


@pytest.mark.parametrize(("patch", "code"), [
    ({"dataset_name": "has space"}, "ModelArts.0104"),
    ({"dataset_name": "数据集"}, "ModelArts.0104"),
    ({"dataset_name": "x" * 101}, "ModelArts.0104"),
    ({"dataset_name": None}, "ModelArts.0104"),
    ({"dataset_type": 5}, "ModelArts.0104"),
    ({"work_path": f"/{BUCKET}/"}, "ModelArts.0104"),
    ({"work_path": "not-a-path"}, "ModelArts.0104"),
    ({"work_path": None}, "ModelArts.0104"),
    ({"work_path_type": 1}, "ModelArts.0104"),
    ({"data_sources": [{"data_type": 9, "data_path": f"/{BUCKET}/x/"}]}, "ModelArts.0104"),
    ({"description": "a <b>"}, "ModelArts.0104"),
    ({"work_path": "/no-such-bucket-xyz/out/"}, "ModelArts.4311"),
])
def test_create_validation(api: Api, tag: str, patch: dict[str, Any], code: str) -> None:
    body = {"dataset_name": f"val-{tag}", "dataset_type": 0, "work_path": f"/{BUCKET}/work/", "work_path_type": 0,
            "data_sources": [{"data_type": 0, "data_path": f"/{BUCKET}/src/val-{tag}/"}]}
    body.update(patch)
    assert api.error("POST", "", body) == code


def test_duplicate_name_and_bad_list_queries(api: Api, tag: str) -> None:
    api.create(f"dup-{tag}")
    assert api.error("POST", "", {"dataset_name": f"dup-{tag}", "work_path": f"/{BUCKET}/w/",
                                  "work_path_type": 0, "data_sources": [{"data_type": 0}]}) == "ModelArts.4351"
    assert api.error("GET", limit=0) == "ModelArts.0104"
    assert api.error("GET", limit=101) == "ModelArts.0104"
    assert api.error("GET", offset=-1) == "ModelArts.0104"
    assert api.error("GET", sort_by="size") == "ModelArts.0104"
    assert api.error("GET", "/doesNotExist0000000") == "ModelArts.4352"


def test_aksk_signed_call_with_the_sdk_signer(api: Api, emulator: EmulatorHandle, tag: str) -> None:
    dataset_id = api.create(f"aksk-{tag}")
    host = emulator.url.split("://", 1)[1]
    path = f"/v2/{emulator.project_id}/datasets/{dataset_id}"
    request = SdkRequest(method="GET", schema="http", host=host, resource_path=path, query_params=[],
                         header_params={"Content-Type": "application/json", "X-Project-Id": emulator.project_id},
                         body="")
    signed = Signer(BasicCredentials(emulator.ak, emulator.sk)).sign(request)
    resp = requests.get(emulator.url + path, headers=signed.header_params, timeout=30)
    assert resp.status_code == 200, resp.text
    assert resp.json()["dataset_name"] == f"aksk-{tag}"
    forged = dict(signed.header_params, Authorization=signed.header_params["Authorization"][:-4] + "0000")
    assert requests.get(emulator.url + path, headers=forged, timeout=30).status_code == 401


# ---- import tasks ---------------------------------------------------------------------------------------------------
def test_dir_import_counts_fitting_files(api: Api, emulator: EmulatorHandle, s3: Any, tag: str) -> None:
    dataset_id = api.create(f"dir-{tag}")
    emulator.advance(2)
    emulator.set_outcome("import_task", "slow", match=f"dir-{tag}")  # 40 emulated s: observable under load
    task_id = api.import_task(dataset_id, import_path=image_dir(s3, tag).replace("/", "s3://", 1), import_type="dir")
    task = api.ok("GET", f"/{dataset_id}/import-tasks/{task_id}")
    assert task["status"] in ("QUEUING", "RUNNING") and task["import_type"] == 0
    assert task["import_path"] == f"obs://{BUCKET}/in-{tag}/"
    assert api.ok("GET", f"/{dataset_id}")["status"] == 8
    assert api.error("POST", f"/{dataset_id}/import-tasks", {"import_path": f"/{BUCKET}/in-{tag}/"}) == \
        "ModelArts.4356"
    emulator.advance(60)
    task = api.ok("GET", f"/{dataset_id}/import-tasks/{task_id}")
    assert task["status"] == "COMPLETED" and task["elapsed_time"] >= 40
    assert (task["total_sample_count"], task["imported_sample_count"], task["annotated_sample_count"]) == (5, 5, 3)
    assert "error_code" not in task
    ds = api.ok("GET", f"/{dataset_id}")
    assert (ds["status"], ds["total_sample_count"], ds["annotated_sample_count"]) == (1, 5, 3)
    assert {lab["name"] for lab in ds["labels"]} == {"cats", "dogs"}
    listed = api.ok("GET", f"/{dataset_id}/import-tasks")
    assert listed["total_count"] == 1 and listed["import_tasks"][0]["task_id"] == task_id


def test_create_with_data_source_imports_it(api: Api, emulator: EmulatorHandle, s3: Any, tag: str) -> None:
    body = {"dataset_name": f"src-{tag}", "dataset_type": 0, "work_path": f"/{BUCKET}/work/src-{tag}/",
            "work_path_type": 0, "data_sources": [{"data_type": 0, "data_path": image_dir(s3, tag)}]}
    created = api.ok("POST", "", body, expect=201)
    assert created["import_task_id"].startswith(created["dataset_id"] + "_")
    emulator.advance(10)
    ds = api.ok("GET", f"/{created['dataset_id']}")
    assert ds["import_task_id"] == created["import_task_id"]
    assert ds["total_sample_count"] == 5  # the images; the text file and the folder marker are not samples
    for code in (101, 900):  # no directory import for these types (SDK reference §7.4.2 table 7-19)
        other = dict(body, dataset_name=f"src-{code}-{tag}", dataset_type=code)
        assert "import_task_id" not in api.ok("POST", "", other, expect=201)


def test_dataset_failure_outcome(api: Api, emulator: EmulatorHandle, tag: str) -> None:
    emulator.set_outcome("dataset", "fail", match=f"broken-{tag}")
    dataset_id = api.create(f"broken-{tag}")
    emulator.advance(5)
    assert api.ok("GET", f"/{dataset_id}")["status"] == 4


def test_manifest_import_with_labels(api: Api, emulator: EmulatorHandle, s3: Any, tag: str) -> None:
    lines = [
        {"source": f"s3://{BUCKET}/m-{tag}/a.jpg", "usage": "TRAIN",
         "annotation": [{"name": "cat", "type": "modelarts/image_classification", "annotated-by": "human"}]},
        {"source": f"obs://{BUCKET}/m-{tag}/b.jpg", "usage": "TRAIN",
         "annotation": [{"name": "dog", "type": "modelarts/image_classification", "annotated-by": "human"}]},
        {"source": f"obs://{BUCKET}/m-{tag}/c.jpg"},
    ]
    put(s3, f"m-{tag}/data.manifest", "\n".join(json.dumps(line) for line in lines).encode())
    dataset_id = api.create(f"man-{tag}", labels=[{"name": "cat"}])
    task_id = api.import_task(dataset_id, import_path=f"obs://{BUCKET}/m-{tag}/data.manifest",
                              import_type="manifest")
    task = wait_import(api, emulator, dataset_id, task_id)
    assert (task["status"], task["import_type"], task["imported_sample_count"], task["annotated_sample_count"]) == (
        "COMPLETED", 1, 3, 2)
    samples = api.ok("GET", f"/{dataset_id}/data-annotations/samples", limit=10)["samples"]
    by_name = {s["sample_name"]: s for s in samples}
    assert by_name["a.jpg"]["labels"][0]["name"] == "cat" and by_name["a.jpg"]["sample_status"] == "__ALL__"
    assert by_name["b.jpg"]["source"] == f"obs://{BUCKET}/m-{tag}/b.jpg"
    assert by_name["c.jpg"]["labels"] == [] and by_name["c.jpg"]["sample_status"] == "__NONE__"
    assert [lab["name"] for lab in api.ok("GET", f"/{dataset_id}")["labels"]] == ["cat", "dog"]
    only_dogs = api.ok("GET", f"/{dataset_id}/data-annotations/samples", label_name="dog")
    assert only_dogs["sample_count"] == 1


@pytest.mark.parametrize(("path_kind", "code"), [("missing-dir", "ModelArts.4312"),
                                                 ("missing-manifest", "ModelArts.4312"),
                                                 ("no-valid-file", "ModelArts.4340")])
def test_import_failures(api: Api, emulator: EmulatorHandle, s3: Any, tag: str, path_kind: str, code: str) -> None:
    put(s3, f"txt-{tag}/only.txt")
    paths = {"missing-dir": f"/{BUCKET}/nothing-{tag}/", "missing-manifest": f"/{BUCKET}/nothing-{tag}/x.manifest",
             "no-valid-file": f"/{BUCKET}/txt-{tag}/"}
    dataset_id = api.create(f"fail-{tag}")
    task = wait_import(api, emulator, dataset_id, api.import_task(dataset_id, import_path=paths[path_kind]))
    assert task["status"] == "FAILED" and task["error_code"] == code and task["error_msg"]
    assert api.ok("GET", f"/{dataset_id}")["total_sample_count"] == 0


def test_import_outcomes_and_validation(api: Api, emulator: EmulatorHandle, s3: Any, tag: str) -> None:
    path = image_dir(s3, tag)
    empty_id = api.create(f"empty-{tag}")
    emulator.set_outcome("import_task", "empty", match=f"empty-{tag}")
    task = wait_import(api, emulator, empty_id, api.import_task(empty_id, import_path=path))
    assert (task["status"], task["imported_sample_count"]) == ("COMPLETED", 0)

    failing_id = api.create(f"failing-{tag}")
    emulator.set_outcome("import_task", "fail", match=f"failing-{tag}")
    task = wait_import(api, emulator, failing_id, api.import_task(failing_id, import_path=path))
    assert (task["status"], task["error_code"]) == ("FAILED", "ModelArts.4362")

    stuck_id = api.create(f"stuck-{tag}")
    emulator.set_outcome("import_task", "stuck", match=f"stuck-{tag}")
    stuck_task = api.import_task(stuck_id, import_path=path)
    emulator.advance(300)
    assert api.ok("GET", f"/{stuck_id}/import-tasks/{stuck_task}")["status"] == "RUNNING"

    assert api.error("POST", f"/{empty_id}/import-tasks", {}) == "ModelArts.0104"
    assert api.error("POST", f"/{empty_id}/import-tasks", {"import_path": path, "import_type": "zip"}) == \
        "ModelArts.0104"
    ner_id = api.create(f"ner-{tag}", dataset_type=101)
    assert api.error("POST", f"/{ner_id}/import-tasks", {"import_path": path, "import_type": "dir"}) == \
        "ModelArts.4396"
    assert api.error("GET", f"/{empty_id}/import-tasks/nope") == "ModelArts.4612"


# ---- samples --------------------------------------------------------------------------------------------------------
def test_samples_paging_get_and_delete(api: Api, emulator: EmulatorHandle, s3: Any, tag: str) -> None:
    dataset_id = imported_dataset(api, emulator, s3, tag)
    url = f"/{dataset_id}/data-annotations/samples"
    pages = [api.ok("GET", url, limit=2, offset=i) for i in range(4)]
    assert [p["sample_count"] for p in pages] == [5, 5, 5, 5]
    assert [len(p["samples"]) for p in pages] == [2, 2, 1, 0]
    ids = [s["sample_id"] for p in pages for s in p["samples"]]
    assert len(set(ids)) == 5
    assert api.ok("GET", url, sample_state="__ALL__")["sample_count"] == 3
    assert api.ok("GET", url, sample_state="__NONE__")["sample_count"] == 2
    sample = api.ok("GET", f"{url}/{ids[0]}")
    assert sample["sample_id"] == ids[0] and sample["sample_type"] == 0
    assert api.error("GET", f"{url}/{'0' * 32}") == "ModelArts.4420"
    assert api.error("GET", url, limit=101) == "ModelArts.0104"

    victim = api.ok("GET", f"{url}/{ids[1]}")
    answer = api.ok("POST", f"{url}/delete", {"samples": [ids[0], ids[1]], "delete_source": True})
    assert answer["success"] is True and answer["results"] == [{"success": True}, {"success": True}]
    key = victim["source"].split(f"obs://{BUCKET}/", 1)[1]
    assert "Contents" not in s3.list_objects_v2(Bucket=BUCKET, Prefix=key)
    partial = api.ok("POST", f"{url}/delete", {"samples": [ids[2], "unknown"]})
    assert partial["success"] is False
    assert partial["results"][0] == {"success": True} and partial["results"][1]["error_code"] == "ModelArts.4420"
    assert api.ok("GET", f"/{dataset_id}")["total_sample_count"] == 2
    assert api.error("POST", f"{url}/delete", {"samples": []}) == "ModelArts.0104"


# ---- versions -------------------------------------------------------------------------------------------------------
def test_version_publish_rate_limit_and_delete(api: Api, emulator: EmulatorHandle, s3: Any, tag: str) -> None:
    dataset_id = imported_dataset(api, emulator, s3, tag)
    emulator.set_outcome("dataset_version", "slow", match=f"ds-{tag}/")  # 30 emulated s: observable under load
    first = api.ok("POST", f"/{dataset_id}/versions", {"description": "v1"}, expect=201)["version_id"]
    version = api.ok("GET", f"/{dataset_id}/versions/{first}")
    assert (version["version_name"], version["status"], version["total_sample_count"],
            version["annotated_sample_count"]) == ("V001", 0, 5, 3)
    assert api.ok("GET", f"/{dataset_id}")["status"] == 6
    assert api.error("POST", f"/{dataset_id}/versions", {}) == "ModelArts.4370"
    emulator.advance(61)
    version = api.ok("GET", f"/{dataset_id}/versions/{first}")
    assert version["status"] == 1 and version["is_current"] is True
    manifest_key = version["manifest_path"].split(f"/{BUCKET}/", 1)[1]
    assert manifest_key.endswith("/annotation/V001/V001.manifest")
    lines = s3.get_object(Bucket=BUCKET, Key=manifest_key)["Body"].read().decode().splitlines()
    assert len(lines) == 5 and sum("annotation" in json.loads(line) for line in lines) == 3
    ds = api.ok("GET", f"/{dataset_id}")
    assert (ds["current_version_id"], ds["current_version_name"], ds["status"]) == (first, "V001", 1)

    assert api.error("POST", f"/{dataset_id}/versions", {"version_name": "V001"}) == "ModelArts.4371"
    assert api.error("POST", f"/{dataset_id}/versions", {"version_name": "bad name"}) == "ModelArts.0104"
    second = api.ok("POST", f"/{dataset_id}/versions", {"version_name": "release-2"}, expect=201)["version_id"]
    emulator.advance(61)
    version = api.ok("GET", f"/{dataset_id}/versions/{second}")
    assert version["previous_version_id"] == first and version["is_current"] is True
    listed = api.ok("GET", f"/{dataset_id}/versions")
    assert listed["total_number"] == 2 and [v["version_id"] for v in listed["versions"]] == [second, first]

    resp = api.call("DELETE", f"/{dataset_id}/versions/{second}")
    assert resp.status_code == 204
    assert api.error("GET", f"/{dataset_id}/versions/{second}") == "ModelArts.4353"
    assert api.ok("GET", f"/{dataset_id}")["current_version_id"] == first
    third = api.ok("POST", f"/{dataset_id}/versions", {}, expect=201)["version_id"]
    assert api.ok("GET", f"/{dataset_id}/versions/{third}")["version_name"] == "V003"


def test_version_failure_outcome(api: Api, emulator: EmulatorHandle, tag: str) -> None:
    dataset_id = api.create(f"vfail-{tag}")
    emulator.set_outcome("dataset_version", "fail", match=f"vfail-{tag}/")
    version_id = api.ok("POST", f"/{dataset_id}/versions", {}, expect=201)["version_id"]
    emulator.advance(10)
    version = api.ok("GET", f"/{dataset_id}/versions/{version_id}")
    assert version["status"] == 4 and "ModelArts.4712" in version["message"] and version["is_current"] is False
    assert api.ok("GET", f"/{dataset_id}/versions", status=4)["total_number"] == 1
    emulator.advance(61)
    resp = requests.post(f"{api.base}/{dataset_id}/versions", json={}, timeout=30,
                         headers={**emulator.headers(), "X-Emulator-Outcome": "stuck"})
    assert resp.status_code == 201, resp.text
    emulator.advance(100)
    assert api.ok("GET", f"/{dataset_id}/versions/{resp.json()['version_id']}")["status"] == 0


# ---- export tasks ---------------------------------------------------------------------------------------------------
def read_lines(s3: Any, key: str) -> list[dict[str, Any]]:
    text = s3.get_object(Bucket=BUCKET, Key=key)["Body"].read().decode()
    return [json.loads(line) for line in text.splitlines()]


def test_export_writes_manifest(api: Api, emulator: EmulatorHandle, s3: Any, tag: str) -> None:
    dataset_id = imported_dataset(api, emulator, s3, tag)
    created = api.ok("POST", f"/{dataset_id}/export-tasks", {"path": f"/{BUCKET}/exp-{tag}/", "export_type": 0})
    task_id = created["task_id"]
    assert created["status"] in ("INIT", "RUNNING")
    emulator.advance(10)
    task = api.ok("GET", f"/{dataset_id}/export-tasks/{task_id}")
    assert (task["status"], task["total_sample_count"], task["progress"]) == ("SUCCESSED", 3, 100.0)
    lines = read_lines(s3, f"exp-{tag}/Data/ds-{tag}.manifest")
    assert len(lines) == 3 and all(line["annotation"][0]["name"] in ("cats", "dogs") for line in lines)
    assert all(line["source"].startswith(f"obs://{BUCKET}/in-{tag}/") for line in lines)

    every = api.ok("POST", f"/{dataset_id}/export-tasks", {"path": f"obs://{BUCKET}/all-{tag}", "export_type": 2,
                                                           "source_type_header": "s3://"})
    emulator.advance(10)
    assert api.ok("GET", f"/{dataset_id}/export-tasks/{every['task_id']}")["status"] == "SUCCESSED"
    lines = read_lines(s3, f"all-{tag}/Data/ds-{tag}.manifest")
    assert len(lines) == 5 and all(line["source"].startswith("s3://") for line in lines)
    listed = api.ok("GET", f"/{dataset_id}/export-tasks")
    assert listed["total_count"] == 2 and listed["export_tasks"][0]["task_id"] == every["task_id"]
    assert api.ok("GET", f"/{dataset_id}/export-tasks", export_type=0)["total_count"] == 1


def test_export_to_new_dataset(api: Api, emulator: EmulatorHandle, s3: Any, tag: str) -> None:
    dataset_id = imported_dataset(api, emulator, s3, tag)
    body = {"path": f"/{BUCKET}/nd-{tag}/", "export_type": 2,
            "export_params": {"export_dest": "NEW_DATASET", "export_new_dataset_name": f"copy-{tag}",
                              "export_new_dataset_work_path": f"/{BUCKET}/nd-work-{tag}/"}}
    task_id = api.ok("POST", f"/{dataset_id}/export-tasks", body)["task_id"]
    emulator.advance(10)
    assert api.ok("GET", f"/{dataset_id}/export-tasks/{task_id}")["status"] == "SUCCESSED"
    found = api.ok("GET", search_content=f"copy-{tag}")["datasets"]
    assert len(found) == 1 and found[0]["total_sample_count"] == 5 and found[0]["annotated_sample_count"] == 3
    assert found[0]["work_path"] == f"/{BUCKET}/nd-work-{tag}/"


def test_export_errors_and_outcomes(api: Api, emulator: EmulatorHandle, s3: Any, tag: str) -> None:
    text_id = api.create(f"text-{tag}", dataset_type=100)
    assert api.error("POST", f"/{text_id}/export-tasks", {"path": f"/{BUCKET}/x/"}) == "ModelArts.4384"
    dataset_id = imported_dataset(api, emulator, s3, tag)
    assert api.error("POST", f"/{dataset_id}/export-tasks", {"export_type": 0}) == "ModelArts.4358"
    assert api.error("POST", f"/{dataset_id}/export-tasks", {"path": f"/{BUCKET}/x/", "export_type": 7}) == \
        "ModelArts.0104"
    assert api.error("POST", f"/{dataset_id}/export-tasks", {"path": f"/{BUCKET}/x/", "export_format": 3}) == \
        "ModelArts.0104"
    assert api.error("POST", f"/{dataset_id}/export-tasks", {"path": f"/{BUCKET}/x/", "version_id": "nope"}) == \
        "ModelArts.4353"
    assert api.error("GET", f"/{dataset_id}/export-tasks/nope") == "ModelArts.4359"

    emulator.set_outcome("export_task", "fail", match=f"ds-{tag}")
    failed = api.ok("POST", f"/{dataset_id}/export-tasks", {"path": f"/{BUCKET}/never-{tag}/"})["task_id"]
    emulator.set_outcome("export_task", "stuck", match=f"ds-{tag}")
    stuck = api.ok("POST", f"/{dataset_id}/export-tasks", {"path": f"/{BUCKET}/never-{tag}/"})["task_id"]
    emulator.advance(100)
    task = api.ok("GET", f"/{dataset_id}/export-tasks/{failed}")
    assert (task["status"], task["error_code"]) == ("FAILED", "ModelArts.4401")
    assert api.ok("GET", f"/{dataset_id}/export-tasks/{stuck}")["status"] == "RUNNING"
    assert "Contents" not in s3.list_objects_v2(Bucket=BUCKET, Prefix=f"never-{tag}/")


# ---- workforce tasks ------------------------------------------------------------------------------------------------
def test_workforce_tasks(api: Api, emulator: EmulatorHandle, tag: str) -> None:
    dataset_id = api.create(f"wf-{tag}")
    body = {"task_name": "team-1", "workforces_config": {"workforces": [
        {"workforce_id": "q3ZFSwORu1ztKljDLYQ", "workers": [{"email": "a@example.com", "role": 0},
                                                           {"email": "b@example.com", "role": 1}]}]}}
    emulator.set_outcome("workforce_task", "slow")  # 20 emulated s starting: observable under load
    task_id = api.ok("POST", f"/{dataset_id}/workforce-tasks", body)["task_id"]
    task = api.ok("GET", f"/{dataset_id}/workforce-tasks/{task_id}")
    assert (task["task_name"], task["status"], task["dataset_id"]) == ("team-1", 0, dataset_id)
    assert task["workforce_stats"] == {"workforce_count": 1, "labeler_count": 1, "reviewer_count": 1}
    emulator.advance(30)
    assert api.ok("GET", f"/{dataset_id}/workforce-tasks/{task_id}")["status"] == 1
    listed = api.ok("GET", f"/{dataset_id}/workforce-tasks")
    assert listed["count"] == 1 and listed["tasks"][0]["task_id"] == task_id
    assert api.ok("GET", f"/{dataset_id}")["workforce_task_count"] == 1
    assert api.error("POST", f"/{dataset_id}/workforce-tasks", {"task_name": "team-1"}) == "ModelArts.4620"
    assert api.error("POST", f"/{dataset_id}/workforce-tasks", {}) == "ModelArts.0104"
    assert api.error("POST", f"/{dataset_id}/workforce-tasks", {"task_name": "t", "repetition": 0}) == \
        "ModelArts.0104"
    assert api.error("GET", f"/{dataset_id}/workforce-tasks/nope") == "ModelArts.4619"
