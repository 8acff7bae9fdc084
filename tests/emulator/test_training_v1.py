"""Legacy v1 training in the emulator, over HTTP: jobs, versions, logs, configs, visualization jobs, lookups."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer

from airflow_provider_modelarts.emulator.testing import EmulatorHandle, start_emulator

FAILURE_CODES = [3, 5, 6, 11, 13, 14, 16, 17, 21, 22]
TIMEOUT = 30


# ---- helpers ---------------------------------------------------------------------------------------------------------
def unique(prefix: str = "job") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def call(handle: EmulatorHandle, method: str, path: str, *, body: Any = None,
         params: dict[str, Any] | None = None) -> requests.Response:
    """A token-authenticated call to ``/v1/{project_id}{path}``."""
    return requests.request(method, f"{handle.url}/v1/{handle.project_id}{path}", headers=handle.headers(),
                            json=body, params=params, timeout=TIMEOUT)


def ok_json(resp: requests.Response) -> dict[str, Any]:
    """The body of a successful v1 answer (HTTP 200, ``is_success: true``)."""
    assert resp.status_code == 200, resp.text
    data = resp.json()
    assert data["is_success"] is True, data
    return dict(data)


def assert_v1_error(resp: requests.Response, code: str, status: int = 400) -> dict[str, Any]:
    """The v1 error shape exactly: ``is_success`` false, ``error_code``, ``error_message``."""
    assert resp.status_code == status, resp.text
    data = resp.json()
    assert set(data) == {"is_success", "error_code", "error_message"}, data
    assert data["is_success"] is False
    assert data["error_code"] == code, data
    assert isinstance(data["error_message"], str) and data["error_message"]
    return dict(data)


def job_config(**overrides: Any) -> dict[str, Any]:
    """A valid ``config`` of a v1 training job (overrides replace fields; None removes one)."""
    cfg: dict[str, Any] = {
        "worker_server_num": 1, "app_url": "/bucket/code/", "boot_file_url": "/bucket/code/train.py",
        "parameter": [{"label": "learning_rate", "value": "0.01"}], "data_url": "/bucket/data/",
        "spec_id": 1, "engine_id": 1, "train_url": "/bucket/output/", "log_url": "/bucket/log/",
    }
    cfg.update(overrides)
    return {k: v for k, v in cfg.items() if v is not None}


def with_outcome(outcome: str, **overrides: Any) -> dict[str, Any]:
    """A config whose ``parameter`` carries the emulator's explicit outcome trigger."""
    params = [{"label": "learning_rate", "value": "0.01"}, {"label": "modelarts_emulator_outcome", "value": outcome}]
    return job_config(parameter=params, **overrides)


def create_job(handle: EmulatorHandle, name: str | None = None, config: dict[str, Any] | None = None,
               **extra: Any) -> dict[str, Any]:
    body = {"job_name": name or unique(), "job_desc": "v1 test job", "config": config or job_config(), **extra}
    return ok_json(call(handle, "POST", "/training-jobs", body=body))


def version_path(job: dict[str, Any], version_id: int | None = None) -> str:
    return f"/training-jobs/{job['job_id']}/versions/{version_id or job['version_id']}"


def detail(handle: EmulatorHandle, job: dict[str, Any], version_id: int | None = None) -> dict[str, Any]:
    return ok_json(call(handle, "GET", version_path(job, version_id)))


def status(handle: EmulatorHandle, job: dict[str, Any], version_id: int | None = None) -> int:
    return int(detail(handle, job, version_id)["status"])


def aom_log(handle: EmulatorHandle, job: dict[str, Any], **params: Any) -> dict[str, Any]:
    params.setdefault("log_file", f"{job['job_name']}.0")
    return ok_json(call(handle, "GET", version_path(job) + "/aom-log", params=params))


# ---- training jobs: lifecycle and outcomes ---------------------------------------------------------------------------
def test_success_path_goes_1_7_8_10(emulator: EmulatorHandle) -> None:
    job = create_job(emulator)
    assert isinstance(job["job_id"], int) and isinstance(job["version_id"], int)
    assert job["status"] == 1 and job["version_name"] == "V0001"
    assert isinstance(job["create_time"], int) and job["resource_id"]
    assert status(emulator, job) == 1
    emulator.advance(7.5)
    assert status(emulator, job) == 7
    emulator.advance(12.5)
    running = detail(emulator, job)
    assert running["status"] == 8 and running["start_time"] > 0 and running["duration"] > 0
    emulator.advance(15)
    done = detail(emulator, job)
    assert done["status"] == 10
    assert 19_000 <= done["duration"] <= 21_000  # ~20 emulated seconds of running
    assert json.loads(done["model_metric_list"])["total_metric"]["total_metric_values"]["accuracy"] > 0
    assert set(done["system_metric_list"]) >= {"cpuUsage", "memUsage", "gpuUtil"}
    assert "job completed successfully" in aom_log(emulator, job)["content"]


def test_version_detail_has_every_documented_field(emulator: EmulatorHandle) -> None:
    job = create_job(emulator, config=job_config(volumes=[{"nfs": {"id": "fs1", "src_path": "192.168.8.150:/",
                                                                    "dest_path": "/home/work/nas"}}]))
    data = detail(emulator, job)
    expected = {"job_id", "job_name", "job_desc", "version_id", "version_name", "engine_type",
                "engine_name", "engine_id", "engine_version", "status", "app_url", "boot_file_url", "create_time",
                "parameter", "duration", "spec_id", "spec_code", "core", "cpu", "gpu_num", "gpu_type",
                "worker_server_num", "data_url", "train_url", "log_url", "dataset_id", "dataset_version_id",
                "data_source", "model_metric_list", "system_metric_list", "user_image_url",
                "user_command", "resource_id", "start_time", "volumes", "pool_id", "pool_name", "nas_mount_path",
                "nas_share_addr", "nas_type", "dataset_name", "dataset_version_name"}
    assert expected <= set(data)
    assert data["spec_code"] == "modelarts.vm.cpu.8u" and data["engine_name"] == "TensorFlow"
    assert data["engine_type"] == 1 and "gpu" not in data  # the detail table has spec_code, not gpu
    assert "pre_version_id" not in data and "model_id" not in data  # unset Longs are left out, not null
    assert data["nas_mount_path"] == "/home/work/nas" and data["nas_type"] == "nfs"
    assert data["start_time"] == 0 and data["duration"] == 0


@pytest.mark.parametrize("code", FAILURE_CODES)
def test_every_failure_code_ends_in_its_code_and_the_log_explains_it(emulator: EmulatorHandle, code: int) -> None:
    job = create_job(emulator, config=with_outcome(f"code:{code}"))
    emulator.advance(60)
    assert status(emulator, job) == code
    content = aom_log(emulator, job)["content"]
    assert f"job failed with status {code}" in content and "ERROR:" in content


def test_outcome_rule_from_the_admin_api(emulator: EmulatorHandle) -> None:
    name = unique("ruled")
    emulator.set_outcome("training_v1", "code:14", match=name)
    job = create_job(emulator, name=name)
    other = create_job(emulator)
    emulator.advance(60)
    assert status(emulator, job) == 14
    assert status(emulator, other) == 10


def test_killed_stuck_and_slow_outcomes(emulator: EmulatorHandle) -> None:
    killed = create_job(emulator, config=with_outcome("killed"))
    stuck = create_job(emulator, config=with_outcome("stuck"))
    slow = create_job(emulator, config=with_outcome("slow"))
    emulator.advance(60)
    assert status(emulator, killed) == 12
    assert status(emulator, slow) in (7, 8)
    emulator.advance(1000)
    assert status(emulator, stuck) == 8
    assert status(emulator, slow) == 10


def test_stop_goes_to_killing_then_killed(emulator: EmulatorHandle) -> None:
    job = create_job(emulator)
    emulator.advance(15)
    assert status(emulator, job) == 8
    ok_json(call(emulator, "POST", version_path(job) + "/stop"))
    assert status(emulator, job) == 9
    assert_v1_error(call(emulator, "POST", version_path(job) + "/stop"), "ModelArts.0105")
    emulator.advance(10)
    stopped = detail(emulator, job)
    assert stopped["status"] == 12 and stopped["duration"] > 0
    assert "job killed" in aom_log(emulator, job)["content"]
    error = assert_v1_error(call(emulator, "POST", version_path(job) + "/stop"), "ModelArts.0105")
    assert error["error_message"] == "This job can't be stop. job status: 12"


def test_duplicate_job_name_is_refused(emulator: EmulatorHandle) -> None:
    job = create_job(emulator)
    resp = call(emulator, "POST", "/training-jobs", body={"job_name": job["job_name"], "config": job_config()})
    error = assert_v1_error(resp, "ModelArts.0103")
    assert error["error_message"] == f"Job name:{job['job_name']} is existed"


@pytest.mark.parametrize(("body", "code"), [
    ({"config": job_config()}, "ModelArts.0104"),
    ({"job_name": "bad name!", "config": job_config()}, "ModelArts.0104"),
    ({"job_name": "x" * 65, "config": job_config()}, "ModelArts.0104"),
    ({"job_name": "NAME"}, "ModelArts.0104"),
    ({"job_name": "NAME", "config": job_config(worker_server_num=None)}, "ModelArts.0104"),
    ({"job_name": "NAME", "config": job_config(app_url=None, boot_file_url=None)}, "ModelArts.0104"),
    ({"job_name": "NAME", "config": job_config(boot_file_url=None)}, "ModelArts.0104"),
    ({"job_name": "NAME", "config": job_config(boot_file_url="/other/train.py")}, "ModelArts.0104"),
    ({"job_name": "NAME", "config": job_config(data_url=None)}, "ModelArts.0104"),
    ({"job_name": "NAME", "config": job_config(dataset_id="d1", dataset_version_id="v1")}, "ModelArts.0104"),
    ({"job_name": "NAME", "config": job_config(data_url=None, dataset_id="d1")}, "ModelArts.0104"),
    ({"job_name": "NAME", "config": job_config(data_url=None, data_source=[{"type": "ftp"}])}, "ModelArts.0104"),
    ({"job_name": "NAME", "config": job_config(spec_id=None)}, "ModelArts.0104"),
    ({"job_name": "NAME", "config": job_config(spec_id=999)}, "ModelArts.2781"),
    ({"job_name": "NAME", "config": job_config(engine_id=999)}, "ModelArts.2780"),
    ({"job_name": "NAME", "config": job_config(model_id=999, app_url=None, boot_file_url=None)}, "ModelArts.2755"),
    ({"job_name": "NAME", "config": job_config(spec_id=2, worker_server_num=3)}, "ModelArts.0104"),
    ({"job_name": "NAME", "config": job_config(worker_server_num="many")}, "ModelArts.0104"),
    ({"job_name": "NAME", "config": with_outcome("explode")}, "ModelArts.0104"),
    ({"job_name": "NAME", "job_desc": "d" * 257, "config": job_config()}, "ModelArts.0104"),
])
def test_create_validation_answers_400_in_the_v1_shape(emulator: EmulatorHandle, body: dict[str, Any],
                                                        code: str) -> None:
    if body.get("job_name") == "NAME":
        body = {**body, "job_name": unique("invalid")}
    assert_v1_error(call(emulator, "POST", "/training-jobs", body=body), code)
    assert emulator.count("training_v1.create") == 1


def test_invalid_json_and_unknown_ids(emulator: EmulatorHandle) -> None:
    resp = requests.post(f"{emulator.url}/v1/{emulator.project_id}/training-jobs", data=b"{not json",
                         headers=emulator.headers(), timeout=TIMEOUT)
    assert_v1_error(resp, "ModelArts.0104")
    assert_v1_error(call(emulator, "GET", "/training-jobs/99999999/versions/1"), "ModelArts.2775")
    assert_v1_error(call(emulator, "GET", "/training-jobs/abc/versions"), "ModelArts.0104")
    job = create_job(emulator)
    assert_v1_error(call(emulator, "GET", version_path(job, 99999999)), "ModelArts.2775")


def test_builtin_algorithm_job_needs_no_code(emulator: EmulatorHandle) -> None:
    job = create_job(emulator, config=job_config(app_url=None, boot_file_url=None, engine_id=None, model_id=4))
    data = detail(emulator, job)
    assert data["model_id"] == 4 and data["engine_id"] == 501 and data["engine_name"] == "MXNet"


def test_dataset_and_data_source_inputs(emulator: EmulatorHandle) -> None:
    pair = create_job(emulator, config=job_config(data_url=None, dataset_id="ds1", dataset_version_id="dv1"))
    assert detail(emulator, pair)["dataset_id"] == "ds1"
    sources = [{"type": "obs", "data_url": "/bucket/d1/"},
               {"type": "dataset", "dataset_id": "a", "dataset_version": "b"}]
    multi = create_job(emulator, config=job_config(data_url=None, data_source=sources, spec_id=None, pool_id="pool1"))
    data = detail(emulator, multi)
    assert data["data_source"] == sources and data["pool_id"] == "pool1" and "spec_id" not in data


# ---- versions --------------------------------------------------------------------------------------------------------
def test_version_chaining_carries_each_versions_full_config(emulator: EmulatorHandle) -> None:
    job = create_job(emulator, config=job_config(spec_id=3, worker_server_num=2))
    new_params = [{"label": "learning_rate", "value": "0.001"}]
    resp = call(emulator, "POST", f"/training-jobs/{job['job_id']}/versions",
                body={"job_desc": "second try", "config": {
                    **job_config(spec_id=3, worker_server_num=2, parameter=new_params),
                    "pre_version_id": job["version_id"]}})
    second = ok_json(resp)
    assert second["version_name"] == "V0002" and second["status"] == 1 and second["job_id"] == job["job_id"]
    data = detail(emulator, job, second["version_id"])
    assert data["pre_version_id"] == job["version_id"] and data["parameter"] == new_params
    assert (data["app_url"], data["boot_file_url"], data["data_url"], data["train_url"]) == (
        "/bucket/code/", "/bucket/code/train.py", "/bucket/data/", "/bucket/output/")
    assert data["spec_id"] == 3 and data["worker_server_num"] == 2 and data["job_desc"] == "second try"

    third = ok_json(call(emulator, "POST", f"/training-jobs/{job['job_id']}/versions", body={"config": {
        **job_config(data_url=None, dataset_id="ds", dataset_version_id="dv", parameter=new_params),
        "pre_version_id": second["version_id"]}}))
    data = detail(emulator, job, third["version_id"])
    assert third["version_name"] == "V0003"
    assert data["data_url"] == "" and data["dataset_id"] == "ds" and data["parameter"] == new_params
    assert data["spec_id"] == 1 and data["worker_server_num"] == 1  # nothing inherited from the previous version

    listing = ok_json(call(emulator, "GET", f"/training-jobs/{job['job_id']}/versions"))
    assert listing["version_count"] == 3 and len(listing["versions"]) == 3
    assert [v["version_name"] for v in listing["versions"]] == ["V0003", "V0002", "V0001"]
    assert isinstance(listing["versions"][0]["system_metric_list"], str)
    paged = ok_json(call(emulator, "GET", f"/training-jobs/{job['job_id']}/versions",
                         params={"per_page": 1, "page": 2}))
    assert [v["version_name"] for v in paged["versions"]] == ["V0002"]

    jobs = ok_json(call(emulator, "GET", "/training-jobs", params={"search_content": job["job_name"]}))["jobs"]
    assert jobs[0]["version_count"] == 3 and jobs[0]["version_id"] == third["version_id"]


def test_version_creation_errors(emulator: EmulatorHandle) -> None:
    job = create_job(emulator)
    path = f"/training-jobs/{job['job_id']}/versions"
    assert_v1_error(call(emulator, "POST", path, body={"config": {"worker_server_num": 1}}), "ModelArts.0104")
    assert_v1_error(call(emulator, "POST", path, body={"config": {**job_config(), "pre_version_id": 99999999}}),
                    "ModelArts.0104")
    assert_v1_error(call(emulator, "POST", path, body={"config": {**job_config(spec_id=12345),
                                                                  "pre_version_id": job["version_id"]}}),
                    "ModelArts.2781")


def test_delete_version_and_job(emulator: EmulatorHandle) -> None:
    job = create_job(emulator)
    assert_v1_error(call(emulator, "DELETE", version_path(job)), "ModelArts.0105")
    second = ok_json(call(emulator, "POST", f"/training-jobs/{job['job_id']}/versions",
                          body={"config": {**job_config(), "pre_version_id": job["version_id"]}}))
    ok_json(call(emulator, "DELETE", version_path(job, second["version_id"])))
    assert_v1_error(call(emulator, "GET", version_path(job, second["version_id"])), "ModelArts.2775")
    ok_json(call(emulator, "PUT", f"/training-jobs/{job['job_id']}", body={"job_desc": "renamed"}))
    assert detail(emulator, job)["job_desc"] == "renamed"
    assert_v1_error(call(emulator, "PUT", f"/training-jobs/{job['job_id']}", body={}), "ModelArts.0104")
    ok_json(call(emulator, "DELETE", f"/training-jobs/{job['job_id']}"))
    assert_v1_error(call(emulator, "GET", version_path(job)), "ModelArts.2775")
    assert_v1_error(call(emulator, "DELETE", f"/training-jobs/{job['job_id']}"), "ModelArts.2775")


# ---- job list --------------------------------------------------------------------------------------------------------
def test_job_list_search_sort_page_and_status(emulator: EmulatorHandle) -> None:
    prefix = unique("list")
    jobs = [create_job(emulator, name=f"{prefix}-{i}") for i in range(3)]
    failing = create_job(emulator, name=f"{prefix}-f", config=with_outcome("code:11"))
    emulator.advance(60)
    first = ok_json(call(emulator, "GET", "/training-jobs", params={"search_content": prefix, "per_page": 2}))
    assert first["job_total_count"] == 4 and len(first["jobs"]) == 2
    assert {"quotas", "job_count_limit"} <= set(first) and first["job_count_limit"] < first["quotas"]
    assert [j["job_name"] for j in first["jobs"]] == [f"{prefix}-0", f"{prefix}-1"]
    second = ok_json(call(emulator, "GET", "/training-jobs",
                          params={"search_content": prefix, "per_page": 2, "page": 2}))
    assert [j["job_name"] for j in second["jobs"]] == [f"{prefix}-2", f"{prefix}-f"]
    desc = ok_json(call(emulator, "GET", "/training-jobs",
                        params={"search_content": prefix, "sortBy": "job_name", "order": "desc"}))
    assert [j["job_name"] for j in desc["jobs"]] == [f"{prefix}-f", f"{prefix}-2", f"{prefix}-1", f"{prefix}-0"]
    ok_json(call(emulator, "PUT", f"/training-jobs/{jobs[1]['job_id']}", body={"job_desc": ""}))
    by_desc = ok_json(call(emulator, "GET", "/training-jobs", params={"search_content": prefix, "sortBy": "job_desc"}))
    assert by_desc["jobs"][-1]["job_id"] == jobs[1]["job_id"]
    failed = ok_json(call(emulator, "GET", "/training-jobs", params={"search_content": prefix, "status": 11}))
    assert [j["job_id"] for j in failed["jobs"]] == [failing["job_id"]]
    entry = desc["jobs"][-1]
    assert set(entry) == {"job_id", "job_name", "version_id", "status", "create_time", "duration", "job_desc",
                          "version_count"}
    assert entry["job_id"] == jobs[0]["job_id"] and entry["status"] == 10


@pytest.mark.parametrize("params", [{"per_page": 0}, {"per_page": 1001}, {"page": 0}, {"sortBy": "bogus"},
                                    {"order": "sideways"}, {"search_content": "x" * 65}, {"status": "done"}])
def test_job_list_rejects_bad_queries(emulator: EmulatorHandle, params: dict[str, Any]) -> None:
    assert_v1_error(call(emulator, "GET", "/training-jobs", params=params), "ModelArts.0104")


# ---- logs ------------------------------------------------------------------------------------------------------------
def test_log_files_and_aom_log(emulator: EmulatorHandle) -> None:
    job = create_job(emulator, config=job_config(worker_server_num=2))
    files = ok_json(call(emulator, "GET", version_path(job) + "/log/file-names"))["log_file_list"]
    assert files == [f"{job['job_name']}.0", f"{job['job_name']}.1"]
    emulator.advance(60)
    latest = aom_log(emulator, job)
    total = latest["lines"]
    assert total > 10 and latest["content"].count("\n") == total - 1
    assert latest["start_line"].startswith(str(detail(emulator, job)["create_time"]))
    tail = aom_log(emulator, job, lines=3)
    assert tail["lines"] == 3 and tail["content"].splitlines() == latest["content"].splitlines()[-3:]
    before = aom_log(emulator, job, lines=2, base_line=tail["start_line"], order="asc")
    assert before["content"].splitlines() == latest["content"].splitlines()[-5:-3]
    after = aom_log(emulator, job, lines=2, base_line=before["start_line"], order="desc")
    assert after["content"].splitlines() == latest["content"].splitlines()[-4:-2]

    assert_v1_error(call(emulator, "GET", version_path(job) + "/aom-log"), "ModelArts.0104")
    assert_v1_error(call(emulator, "GET", version_path(job) + "/aom-log", params={"log_file": "nope.0"}),
                    "ModelArts.0104")
    assert_v1_error(call(emulator, "GET", version_path(job) + "/aom-log",
                         params={"log_file": files[0], "lines": 501}), "ModelArts.0104")


# ---- configurations --------------------------------------------------------------------------------------------------
def test_training_job_config_crud(emulator: EmulatorHandle) -> None:
    name = unique("cfg")
    body = {"config_name": name, "config_desc": "first", **job_config(spec_id=3, engine_id=8)}
    ok_json(call(emulator, "POST", "/training-job-configs", body=body))
    assert_v1_error(call(emulator, "POST", "/training-job-configs", body=body), "ModelArts.0103")
    assert_v1_error(call(emulator, "POST", "/training-job-configs",
                         body={"config_name": unique("cfg"), "worker_server_num": 1}), "ModelArts.0104")

    listing = ok_json(call(emulator, "GET", "/training-job-configs", params={"search_content": name}))
    assert listing["config_total_count"] == 1
    assert listing["configs"][0]["config_name"] == name and listing["configs"][0]["engine_name"] == "PyTorch"
    info = ok_json(call(emulator, "GET", f"/training-job-configs/{name}"))
    assert info["spec_code"] == "modelarts.vm.gpu.p100" and info["app_url"] == "/bucket/code/"
    assert info["worker_server_num"] == 1 and info["config_desc"] == "first"

    ok_json(call(emulator, "PUT", f"/training-job-configs/{name}",  # the whole configuration: it is replaced
                 body={"config_desc": "second", **job_config(spec_id=3, engine_id=8, worker_server_num=2,
                                                             parameter=[{"label": "a", "value": "1"}])}))
    info = ok_json(call(emulator, "GET", f"/training-job-configs/{name}", params={"config_type": "custom"}))
    assert info["config_desc"] == "second" and info["worker_server_num"] == 2
    assert info["parameter"] == [{"label": "a", "value": "1"}] and info["data_url"] == "/bucket/data/"

    ok_json(call(emulator, "DELETE", f"/training-job-configs/{name}"))
    assert_v1_error(call(emulator, "GET", f"/training-job-configs/{name}"), "ModelArts.0105")
    assert_v1_error(call(emulator, "DELETE", f"/training-job-configs/{name}"), "ModelArts.0105")


def test_sample_configs_are_listed_and_read_only(emulator: EmulatorHandle) -> None:
    samples = ok_json(call(emulator, "GET", "/training-job-configs", params={"config_type": "sample"}))
    assert samples["config_total_count"] >= 1
    name = samples["configs"][0]["config_name"]
    info = ok_json(call(emulator, "GET", f"/training-job-configs/{name}", params={"config_type": "sample"}))
    assert info["config_name"] == name and info["app_url"]
    assert_v1_error(call(emulator, "DELETE", f"/training-job-configs/{name}"), "ModelArts.0105")
    assert_v1_error(call(emulator, "GET", "/training-job-configs", params={"config_type": "other"}),
                    "ModelArts.0104")


# ---- visualization jobs ----------------------------------------------------------------------------------------------
def vis_detail(handle: EmulatorHandle, job_id: int) -> dict[str, Any]:
    """The detail: HTTP 200 with the documented fields (no ``is_success`` in its table)."""
    resp = call(handle, "GET", f"/visualization-jobs/{job_id}")
    assert resp.status_code == 200, resp.text
    return dict(resp.json())


def vis_status(handle: EmulatorHandle, job_id: int) -> int:
    return int(vis_detail(handle, job_id)["status"])


def test_visualization_lifecycle(emulator: EmulatorHandle) -> None:
    name = unique("vis")[:20]
    created = ok_json(call(emulator, "POST", "/visualization-jobs",
                           body={"job_name": name, "job_desc": "tb", "train_url": "/bucket/output/"}))
    job_id = created["job_id"]
    assert isinstance(job_id, int) and created["status"] == 1
    assert created["service_url"].startswith(emulator.url)
    assert_v1_error(call(emulator, "POST", "/visualization-jobs", body={"job_name": name, "train_url": "/b/"}),
                    "ModelArts.0103")
    emulator.advance(10)
    assert vis_status(emulator, job_id) == 8
    page = requests.get(created["service_url"], timeout=TIMEOUT)
    assert page.status_code == 200 and "/bucket/output/" in page.text

    assert_v1_error(call(emulator, "POST", f"/visualization-jobs/{job_id}/restart"), "ModelArts.0105")
    ok_json(call(emulator, "POST", f"/visualization-jobs/{job_id}/stop"))
    assert vis_status(emulator, job_id) == 9
    assert_v1_error(call(emulator, "DELETE", f"/visualization-jobs/{job_id}"), "ModelArts.0105")
    emulator.advance(10)
    assert vis_status(emulator, job_id) == 12
    assert requests.get(created["service_url"], timeout=TIMEOUT).status_code == 404

    ok_json(call(emulator, "POST", f"/visualization-jobs/{job_id}/restart"))
    assert vis_status(emulator, job_id) == 1
    emulator.advance(10)
    assert vis_status(emulator, job_id) == 8

    ok_json(call(emulator, "PUT", f"/visualization-jobs/{job_id}", body={"job_desc": "changed"}))
    info = vis_detail(emulator, job_id)
    assert info["job_desc"] == "changed" and info["train_url"] == "/bucket/output/" and info["duration"] > 0
    listing = ok_json(call(emulator, "GET", "/visualization-jobs", params={"search_content": name}))
    assert listing["job_total_count"] == 1 and listing["jobs"][0]["job_id"] == job_id
    assert {"job_count_limit", "quotas"} <= set(listing)
    ok_json(call(emulator, "DELETE", f"/visualization-jobs/{job_id}"))
    assert_v1_error(call(emulator, "GET", f"/visualization-jobs/{job_id}"), "ModelArts.2775")


def test_visualization_validation_and_auto_stop(emulator: EmulatorHandle) -> None:
    assert_v1_error(call(emulator, "POST", "/visualization-jobs", body={"job_name": "x" * 21, "train_url": "/b/"}),
                    "ModelArts.0104")
    assert_v1_error(call(emulator, "POST", "/visualization-jobs", body={"job_name": unique("v")[:20]}),
                    "ModelArts.0104")
    assert_v1_error(call(emulator, "POST", "/visualization-jobs",
                         body={"job_name": unique("v")[:20], "train_url": "/b/", "job_type": "visdom"}),
                    "ModelArts.0104")
    schedule = {"type": "stop", "time_unit": "HOURS", "duration": 1}  # an Object (its table)
    created = ok_json(call(emulator, "POST", "/visualization-jobs",
                           body={"job_name": unique("v")[:20], "train_url": "/b/", "job_type": "mindinsight",
                                 "schedule": schedule}))
    emulator.advance(10)
    assert vis_status(emulator, created["job_id"]) == 8
    emulator.advance(3700)
    assert vis_status(emulator, created["job_id"]) == 12


# ---- lookups and AK/SK -----------------------------------------------------------------------------------------------
def test_lookups(emulator: EmulatorHandle) -> None:
    specs = ok_json(call(emulator, "GET", "/job/resource-specs", params={"job_type": "train"}))
    assert specs["spec_total_count"] == len(specs["specs"]) >= 2
    assert all(isinstance(s["spec_id"], int) for s in specs["specs"])
    assert "modelarts.vm.cpu.8u" in {s["spec_code"] for s in specs["specs"]}
    engines = ok_json(call(emulator, "GET", "/job/ai-engines", params={"job_type": "train"}))["engines"]
    assert all(set(e) == {"engine_type", "engine_id", "engine_name", "engine_version"} for e in engines)
    assert {"TensorFlow", "PyTorch", "MXNet"} <= {e["engine_name"] for e in engines}
    algos = ok_json(call(emulator, "GET", "/built-in-algorithms", params={"per_page": 1}))
    assert algos["model_total_count"] >= 2 and len(algos["models"]) == 1
    resnet = ok_json(call(emulator, "GET", "/built-in-algorithms", params={"search_content": "ResNet_v2_50"}))
    assert [m["model_name"] for m in resnet["models"]] == ["ResNet_v2_50"]
    assert isinstance(json.loads(resnet["models"][0]["parameter"]), list)
    assert_v1_error(call(emulator, "GET", "/job/ai-engines", params={"job_type": "cook"}), "ModelArts.0104")


def test_aksk_signed_calls(emulator: EmulatorHandle) -> None:
    """huaweicloudsdkcore's Signer (the oracle client) signs a v1 list and a v1 create."""
    host = urlsplit(emulator.url).netloc
    signer = Signer(BasicCredentials(emulator.ak, emulator.sk))

    def signed(method: str, path: str, query: list[tuple[str, str]], body: str) -> requests.Response:
        request = SdkRequest(method=method, schema="http", host=host, resource_path=path, query_params=query,
                             header_params={"Content-Type": "application/json"}, body=body)
        signer.sign(request)
        return requests.request(method, emulator.url + path, params=query, data=body.encode() or None,
                                headers=request.header_params, timeout=TIMEOUT)

    base = f"/v1/{emulator.project_id}"
    engines = ok_json(signed("GET", f"{base}/job/ai-engines", [("job_type", "train")], ""))
    assert engines["engines"]
    name = unique("signed")
    created = ok_json(signed("POST", f"{base}/training-jobs", [],
                             json.dumps({"job_name": name, "config": job_config()})))
    assert created["job_name"] == name and created["status"] == 1
    unsigned = requests.get(emulator.url + f"{base}/training-jobs", timeout=TIMEOUT)
    assert unsigned.status_code == 401


# ---- runner mode -----------------------------------------------------------------------------------------------------
TRAIN_SCRIPT = b"""
import argparse, os, sys, time
parser = argparse.ArgumentParser()
parser.add_argument("--data_url"); parser.add_argument("--train_url")
parser.add_argument("--mode", default="ok")
args, _ = parser.parse_known_args()
print("v1 runner saw", sorted(os.listdir(args.data_url)))
if args.mode == "fail":
    print("boom", file=sys.stderr); sys.exit(3)
if args.mode == "sleep":
    time.sleep(60)
with open(os.path.join(args.train_url, "model.txt"), "w") as fh:
    fh.write("weights")
print("v1 runner done")
"""


@pytest.fixture(scope="module")
def runner_emulator() -> Iterator[EmulatorHandle]:
    """A runner-mode emulator with a training script and a data file in OBS."""
    with start_emulator(speed=10.0, runner=True) as handle:
        assert handle.emu is not None and handle.emu.obs is not None
        handle.emu.obs.put("modelarts-emulator", "v1/code/train.py", TRAIN_SCRIPT)
        handle.emu.obs.put("modelarts-emulator", "v1/data/sample.csv", b"x,y\n1,2\n")
        yield handle


def runner_config(mode: str) -> dict[str, Any]:
    return job_config(app_url="/modelarts-emulator/v1/code/", boot_file_url="/modelarts-emulator/v1/code/train.py",
                      data_url="/modelarts-emulator/v1/data/", train_url=f"/modelarts-emulator/v1/out-{mode}/",
                      parameter=[{"label": "mode", "value": mode}])


def wait_status(handle: EmulatorHandle, job: dict[str, Any], wanted: set[int], timeout: float = 25.0) -> int:
    """Poll (real time) until the version reaches one of ``wanted``; returns the status."""
    deadline = time.monotonic() + timeout
    while True:
        current = status(handle, job)
        if current in wanted or time.monotonic() > deadline:
            return current
        time.sleep(0.1)


@pytest.mark.timeout(60)
def test_runner_mode_runs_the_boot_file(runner_emulator: EmulatorHandle) -> None:
    handle = runner_emulator
    good = create_job(handle, config=runner_config("ok"))
    bad = create_job(handle, config=runner_config("fail"))
    slow = create_job(handle, config=runner_config("sleep"))
    handle.advance(10)
    assert wait_status(handle, good, {10, 11}) == 10
    assert "v1 runner done" in aom_log(handle, good, lines=500)["content"]
    assert handle.emu is not None and handle.emu.obs.exists("modelarts-emulator", "v1/out-ok/model.txt")
    assert wait_status(handle, bad, {10, 11}) == 11
    assert "boom" in aom_log(handle, bad, lines=500)["content"]
    assert wait_status(handle, slow, {8}) == 8
    ok_json(call(handle, "POST", version_path(slow) + "/stop"))
    handle.advance(10)
    assert status(handle, slow) == 12
