"""Legacy v1 training against its documented tables: every route tabled, the undocumented shapes the issue lists
refused over HTTP naming the field, the answers held to their tables, and every client request builder passing
the tables (called the way the operators and the hook call them)."""

from __future__ import annotations

import inspect
import json
from typing import Any

import pytest
import requests

from airflow_provider_modelarts.client.api import training_v1 as api
from airflow_provider_modelarts.client.request import ApiRequest
from airflow_provider_modelarts.emulator import contract
from airflow_provider_modelarts.emulator.server import build_router
from airflow_provider_modelarts.emulator.testing import EmulatorHandle

CONFIG = {"worker_server_num": 1, "app_url": "/bucket/code/", "boot_file_url": "/bucket/code/train.py",
          "parameter": [{"label": "lr", "value": "0.01"}], "data_url": "/bucket/data/", "spec_id": 1,
          "engine_id": 1, "train_url": "/bucket/output/"}


def call(handle: EmulatorHandle, method: str, path: str, body: Any = None, **params: Any) -> requests.Response:
    return requests.request(method, f"{handle.url}/v1/{handle.project_id}{path}", headers=handle.headers(),
                            json=body, params=params or None, timeout=30)


def refused(resp: requests.Response, *fields: str) -> str:
    """The v1 400 ``ModelArts.0104`` message, which names each of ``fields``."""
    assert resp.status_code == 400, resp.text
    data = resp.json()
    assert data["is_success"] is False and data["error_code"] == "ModelArts.0104", data
    for name in fields:
        assert name in data["error_message"], data
    return str(data["error_message"])


@pytest.fixture
def job(emulator: EmulatorHandle) -> dict[str, Any]:
    emulator.set_outcome("training_v1", "stuck", match="contract-v1-")
    body = {"job_name": f"contract-v1-{id(object())}", "config": CONFIG}
    resp = call(emulator, "POST", "/training-jobs", body)
    assert resp.status_code == 200, resp.text
    created = resp.json()
    yield created
    call(emulator, "DELETE", f"/training-jobs/{created['job_id']}")


# ---- (a) every route kind of the family has a table --------------------------------------------------------
def test_every_v1_route_kind_has_a_documented_table() -> None:
    kinds = {route.kind for route in build_router().routes if route.kind.startswith("training_v1.")}
    tabled = contract.operations()
    assert kinds - set(tabled) == set()
    for kind in kinds:
        assert "api-ref-otc/" in tabled[kind].source, kind


def test_the_undocumented_byte_log_route_is_gone(emulator: EmulatorHandle, job: dict[str, Any]) -> None:
    """``GET .../versions/{id}/log`` is in no source (the documented read is ``aom-log``)."""
    resp = call(emulator, "GET", f"/training-jobs/{job['job_id']}/versions/{job['version_id']}/log",
                log_file=f"{job['job_name']}.0", start_byte=0, offset=10)
    assert resp.status_code == 404
    assert not hasattr(api, "read_log_bytes")


# ---- (b) the undocumented shapes, sent raw ---------------------------------------------------------------
def test_a_version_with_only_the_changes_is_refused_naming_the_mandatory_fields(
        emulator: EmulatorHandle, job: dict[str, Any]) -> None:
    """The old client sent only ``parameter``, ``train_url`` and ``pre_version_id`` and the emulator filled the
    rest from the previous version: the versions table makes the configuration Mandatory."""
    path = f"/training-jobs/{job['job_id']}/versions"
    old_shape = {"config": {"parameter": [{"label": "lr", "value": "0.1"}], "train_url": "/bucket/output/",
                            "pre_version_id": job["version_id"]}}
    refused(call(emulator, "POST", path, old_shape), "config.worker_server_num")
    no_resources = {"config": {**old_shape["config"], "worker_server_num": 1, "app_url": "/bucket/code/",
                               "boot_file_url": "/bucket/code/train.py", "data_url": "/bucket/data/"}}
    refused(call(emulator, "POST", path, no_resources), "spec_id", "pool_id")
    no_code = {"config": {**old_shape["config"], "worker_server_num": 1, "spec_id": 1, "data_url": "/bucket/data/"}}
    refused(call(emulator, "POST", path, no_code), "app_url", "boot_file_url")
    no_data = {"config": {**CONFIG, "pre_version_id": job["version_id"]}}
    del no_data["config"]["data_url"]
    refused(call(emulator, "POST", path, no_data), "data_url")
    with_volumes = {"config": {**CONFIG, "pre_version_id": job["version_id"], "volumes": []}}
    refused(call(emulator, "POST", path, with_volumes), "config.volumes: unknown field")
    assert len(call(emulator, "GET", path).json()["versions"]) == 1  # nothing was created


@pytest.mark.parametrize(("path", "body", "field"), [
    ("/training-jobs", {"job_name": "x", "config": {**CONFIG, "parameter": [{"label": "lr", "value": 0.1}]}},
     "config.parameter[0].value: expected string"),
    ("/training-jobs", {"job_name": "x", "config": {**CONFIG, "gpu": True}}, "config.gpu: unknown field"),
    ("/training-job-configs", {"config_name": "c", **CONFIG, "pool_id": "p"}, "pool_id: unknown field"),
    ("/training-job-configs", {"config_name": "c", **CONFIG, "volumes": []}, "volumes: unknown field"),
    ("/visualization-jobs", {"job_name": "v", "train_url": "/b/o/",
                             "schedule": [{"type": "stop", "time_unit": "HOURS", "duration": 1}]},
     "schedule: expected object"),
    ("/visualization-jobs", {"job_name": "v"}, "train_url: missing mandatory field"),
])
def test_undocumented_create_bodies_are_refused(emulator: EmulatorHandle, path: str, body: dict[str, Any],
                                                field: str) -> None:
    refused(call(emulator, "POST", path, body), field)


def test_a_configuration_update_needs_the_whole_configuration(emulator: EmulatorHandle) -> None:
    assert call(emulator, "POST", "/training-job-configs", {"config_name": "contract-cfg", **CONFIG}).ok
    try:
        refused(call(emulator, "PUT", "/training-job-configs/contract-cfg", {"data_url": "/b/e/"}),
                "worker_server_num: missing mandatory field")
    finally:
        call(emulator, "DELETE", "/training-job-configs/contract-cfg")


# ---- answers against their tables ------------------------------------------------------------------------
def test_answers_carry_only_their_tables_fields(emulator: EmulatorHandle, job: dict[str, Any]) -> None:
    assert "resource_id" in job  # documented in the job create answer (Table 9)
    version = call(emulator, "POST", f"/training-jobs/{job['job_id']}/versions",
                   {"config": {**CONFIG, "pre_version_id": job["version_id"]}}).json()
    assert set(version) == {"is_success", "job_id", "job_name", "status", "create_time", "version_id",
                            "version_name"}  # no resource_id in the versions create table
    detail = call(emulator, "GET", f"/training-jobs/{job['job_id']}/versions/{version['version_id']}").json()
    assert "gpu" not in detail and detail["spec_code"] == "modelarts.vm.cpu.8u"
    assert isinstance(detail["system_metric_list"], dict) and detail["pre_version_id"] == job["version_id"]
    entries = call(emulator, "GET", f"/training-jobs/{job['job_id']}/versions").json()["versions"]
    assert all("spec_code" not in e and isinstance(e["gpu"], bool) for e in entries)
    assert all(isinstance(e["system_metric_list"], str) for e in entries)
    first = next(e for e in entries if e["version_id"] == job["version_id"])
    assert "pre_version_id" not in first  # the first version has none: left out, not null
    vis = call(emulator, "POST", "/visualization-jobs", {"job_name": "contract-vis", "train_url": "/b/o/"}).json()
    try:
        got = call(emulator, "GET", f"/visualization-jobs/{vis['job_id']}").json()
        assert set(got) == {"job_id", "job_name", "status", "create_time", "duration", "job_desc", "service_url",
                            "train_url", "resource_id"}  # no is_success, no job_type
    finally:
        call(emulator, "DELETE", f"/visualization-jobs/{vis['job_id']}")


# ---- (c) every request builder of client/api/training_v1.py ---------------------------------------------
def _builders() -> dict[str, Any]:
    return {name: fn for name, fn in inspect.getmembers(api, inspect.isfunction)
            if fn.__module__ == api.__name__ and inspect.signature(fn).return_annotation in ("ApiRequest",
                                                                                            ApiRequest)}


def _version_request() -> ApiRequest:
    """What the version operator sends: the previous version's detail with the changes merged."""
    previous = {"worker_server_num": 1, "app_url": "/b/c/", "boot_file_url": "/b/c/t.py", "model_id": None,
                "engine_id": 8, "parameter": [{"label": "lr", "value": "0.1"}], "data_url": "/b/d/",
                "dataset_id": "", "dataset_version_id": "", "data_source": [], "spec_id": 2, "pool_id": "",
                "train_url": "/b/o/", "log_url": "", "user_image_url": "", "user_command": "", "volumes": [],
                "spec_code": "modelarts.vm.cpu.2u", "gpu_num": 0, "resource_id": "jobabc", "job_desc": "d"}
    config = api.inherited_version_config(previous, {"spec_id": 3, "parameter": [{"label": "lr", "value": "1"}]},
                                          7)
    return api.create_version(12, {"job_desc": "d [airflow-run:0123456789ab]", "config": config})


REALISTIC: dict[str, Any] = {
    "create_job": lambda: api.create_job({"job_name": "train-0123456789ab", "job_desc": "nightly",
                                          "config": dict(CONFIG)}),
    "list_jobs": lambda: api.list_jobs(search_content="train-0123", per_page=100, status=8, sort_by="job_name",
                                       order="asc"),
    "update_job": lambda: api.update_job(12, "described"),
    "delete_job": lambda: api.delete_job(12),
    "create_version": _version_request,
    "list_versions": lambda: api.list_versions(12),
    "get_version": lambda: api.get_version(12, 7),
    "delete_version": lambda: api.delete_version(12, 7),
    "stop_version": lambda: api.stop_version(12, 7),
    "log_file_names": lambda: api.log_file_names(12, 7),
    "read_log": lambda: api.read_log(12, 7, "job.0", base_line="1551252759254000002", lines=50, order="desc"),
    "create_config": lambda: api.create_config({"config_name": "cfg-a", "config_desc": "first", **CONFIG}),
    "list_configs": lambda: api.list_configs(config_type="custom", search_content="cfg"),
    "get_config": lambda: api.get_config("cfg-a", "sample"),
    "update_config": lambda: api.update_config("cfg-a", {"config_desc": "second", **CONFIG}),
    "delete_config": lambda: api.delete_config("cfg-a"),
    "create_visualization_job": lambda: api.create_visualization_job({
        "job_name": "board-0123", "job_desc": "tb", "train_url": "/b/o/", "job_type": "tensorboard",
        "flavor": {"code": "modelarts.vm.cpu.2u"}, "schedule": {"type": "stop", "time_unit": "HOURS",
                                                                "duration": 2}}),
    "list_visualization_jobs": lambda: api.list_visualization_jobs(status=8, search_content="board")
    .with_query(per_page=100),
    "get_visualization_job": lambda: api.get_visualization_job(5),
    "update_visualization_job": lambda: api.update_visualization_job(5, "described"),
    "stop_visualization_job": lambda: api.stop_visualization_job(5),
    "restart_visualization_job": lambda: api.restart_visualization_job(5),
    "delete_visualization_job": lambda: api.delete_visualization_job(5),
    "list_builtin_algorithms": lambda: api.list_builtin_algorithms("ResNet").with_query(page=1, per_page=100),
    "list_resource_specs": lambda: api.list_resource_specs("train", engine_id=1),
    "list_engines": lambda: api.list_engines("train"),
}


def test_every_builder_is_exercised() -> None:
    assert set(_builders()) == set(REALISTIC)


def _wire_text(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


@pytest.mark.parametrize("name", sorted(REALISTIC))
def test_each_builder_passes_the_documented_tables(name: str) -> None:
    req: ApiRequest = REALISTIC[name]()
    pairs = [(k, _wire_text(v)) for k, v in req.query_pairs()]
    assert contract.wire_problems(req.method, req.path.format(project_id="p1"), pairs, req.body_bytes()) == []


def test_the_inherited_version_config_is_complete_and_replaces_groups_whole() -> None:
    body = json.loads(_version_request().body_bytes() or b"{}")
    config = body["config"]
    assert config == {"worker_server_num": 1, "app_url": "/b/c/", "boot_file_url": "/b/c/t.py", "engine_id": 8,
                      "parameter": [{"label": "lr", "value": "1"}], "data_url": "/b/d/", "spec_id": 3,
                      "train_url": "/b/o/", "pre_version_id": 7}
    previous = {"worker_server_num": 2, "model_id": 4, "engine_id": 501, "dataset_id": "d", "dataset_version_id": "v",
                "spec_id": 1, "train_url": "/b/o/"}
    changed = api.inherited_version_config(previous, {"app_url": "/b/c/", "boot_file_url": "/b/c/t.py",
                                                      "engine_id": 8, "data_url": "/b/e/"}, 3)
    assert changed == {"worker_server_num": 2, "engine_id": 8, "spec_id": 1, "train_url": "/b/o/",
                       "app_url": "/b/c/", "boot_file_url": "/b/c/t.py", "data_url": "/b/e/", "pre_version_id": 3}
