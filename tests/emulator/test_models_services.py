"""Models, services and inference of the emulator, over HTTP (``requests`` with an IAM token; one AK/SK call signed
by huaweicloudsdkcore). Model packages are uploaded to the emulator's OBS with esdk-obs-python.

Time-driven states are moved with ``handle.advance``; where an intermediate state must be observed, the
``slow``/``stuck`` outcomes keep it long enough for the assertion whatever the machine's speed.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.sdk_request import SdkRequest

from airflow_provider_modelarts.emulator.testing import EmulatorHandle, start_emulator

BUCKET = "modelarts-emulator"
MODEL_DIR = Path(__file__).resolve().parents[1] / "data" / "model_linear"
SPEC = "modelarts.vm.cpu.2u"


# ---- helpers ------------------------------------------------------------------------------------------------------
def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def api(handle: EmulatorHandle, method: str, path: str, *, token: str | None = None, project_id: str | None = None,
        **kwargs: Any) -> requests.Response:
    """A ModelArts call ``/v1/{project_id}{path}`` with a token."""
    url = f"{handle.url}/v1/{project_id or handle.project_id}{path}"
    headers = {"Content-Type": "application/json", "X-Auth-Token": token or handle.token()}
    return requests.request(method, url, headers=headers, timeout=30, **kwargs)


def upload(handle: EmulatorHandle, prefix: str, files: dict[str, bytes]) -> str:
    """Upload files under ``prefix`` of the default bucket with esdk-obs-python; returns ``/bucket/prefix/``."""
    from obs import ObsClient

    client = ObsClient(access_key_id=handle.ak, secret_access_key=handle.sk, server=handle.obs_url, path_style=True)
    try:
        for name, data in files.items():
            resp = client.putContent(BUCKET, f"{prefix}/{name}", data)
            assert resp.status < 300, resp.errorMessage
    finally:
        client.close()
    return f"/{BUCKET}/{prefix}/"


def upload_linear_model(handle: EmulatorHandle) -> str:
    files = {p.name: p.read_bytes() for p in MODEL_DIR.iterdir() if p.is_file()}
    return upload(handle, unique("models/linear"), files)


def create_model(handle: EmulatorHandle, location: str, name: str, version: str = "1.0.0",
                 **extra: Any) -> requests.Response:
    body = {"model_name": name, "model_version": version, "source_location": location,
            "model_type": "Scikit_Learn", "runtime": "python3.7", **extra}
    return api(handle, "POST", "/models", json=body)


def model(handle: EmulatorHandle, model_id: str) -> dict[str, Any]:
    resp = api(handle, "GET", f"/models/{model_id}")
    assert resp.status_code == 200, resp.text
    return dict(resp.json())


def published_model(handle: EmulatorHandle, location: str, name: str, version: str = "1.0.0") -> str:
    resp = create_model(handle, location, name, version)
    assert resp.status_code == 200, resp.text
    handle.advance(4)
    model_id = str(resp.json()["model_id"])
    assert model(handle, model_id)["model_status"] == "published"
    return model_id


def rt_config(model_id: str, weight: Any = 100, **extra: Any) -> dict[str, Any]:
    return {"model_id": model_id, "specification": SPEC, "instance_count": 1, "weight": weight, **extra}


def deploy(handle: EmulatorHandle, name: str, configs: list[dict[str, Any]], infer_type: str = "real-time",
           **extra: Any) -> requests.Response:
    return api(handle, "POST", "/services", json={"service_name": name, "infer_type": infer_type,
                                                  "config": configs, **extra})


def service(handle: EmulatorHandle, service_id: str) -> dict[str, Any]:
    resp = api(handle, "GET", f"/services/{service_id}")
    assert resp.status_code == 200, resp.text
    return dict(resp.json())


def running_service(handle: EmulatorHandle, configs: list[dict[str, Any]], name: str | None = None) -> str:
    resp = deploy(handle, name or unique("svc"), configs)
    assert resp.status_code == 200, resp.text
    handle.advance(6)
    service_id = str(resp.json()["service_id"])
    assert service(handle, service_id)["status"] == "running"
    return service_id


def update(handle: EmulatorHandle, service_id: str, body: dict[str, Any]) -> requests.Response:
    return api(handle, "PUT", f"/services/{service_id}", json=body)


def logs(handle: EmulatorHandle, service_id: str) -> list[dict[str, Any]]:
    resp = api(handle, "GET", f"/services/{service_id}/logs")
    assert resp.status_code == 200, resp.text
    return list(resp.json()["logs"])


def predict(handle: EmulatorHandle, address: str, body: Any, token: str | None = None) -> requests.Response:
    return requests.post(address, json=body, timeout=30,
                         headers={"Content-Type": "application/json", "X-Auth-Token": token or handle.token()})


def assert_error(resp: requests.Response, status: int, code: str) -> None:
    assert resp.status_code == status, resp.text
    assert resp.json()["error_code"] == code, resp.text
    assert resp.json()["error_msg"]


@pytest.fixture(scope="module")
def location(emulator_server: EmulatorHandle) -> str:
    """The linear model package uploaded once to the session emulator's OBS."""
    return upload_linear_model(emulator_server)


@pytest.fixture
def model_id(emulator: EmulatorHandle, location: str) -> str:
    return published_model(emulator, location, unique("mdl"))


# ---- models ---------------------------------------------------------------------------------------------------------
def test_model_import_publishes(emulator: EmulatorHandle, location: str) -> None:
    name = unique("mdl")
    emulator.set_outcome("model", "slow", match=name)
    resp = create_model(emulator, location, name, "2.10.0", description="linear", install_type=["real-time"])
    assert resp.status_code == 200, resp.text
    model_id = resp.json()["model_id"]
    detail = model(emulator, model_id)
    assert detail["model_status"] == "publishing"
    assert (detail["model_name"], detail["model_version"], detail["source_location"]) == (name, "2.10.0", location)
    assert detail["model_size"] == sum(p.stat().st_size for p in MODEL_DIR.iterdir() if p.is_file())
    assert detail["project"] == emulator.project_id and detail["install_type"] == ["real-time"]
    emulator.advance(31)
    assert model(emulator, model_id)["model_status"] == "published"
    assert emulator.count("models.create") == 1


@pytest.mark.parametrize(("outcome", "status"), [("fail", "failed"), ("building_failed", "building_failed")])
def test_model_import_failure(emulator: EmulatorHandle, location: str, outcome: str, status: str) -> None:
    name = unique("mdl")
    if outcome == "fail":
        emulator.set_outcome("model", "fail", match=name)
        resp = create_model(emulator, location, name)
    else:
        resp = create_model(emulator, location, name, description="[emulator:building_failed]")
    assert resp.status_code == 200, resp.text
    emulator.advance(4)
    detail = model(emulator, resp.json()["model_id"])
    assert detail["model_status"] == status
    assert "error_msg" not in detail  # no source documents a failure cause on a model


def test_model_stuck_stays_publishing(emulator: EmulatorHandle, location: str) -> None:
    name = unique("mdl")
    emulator.set_outcome("model", "stuck", match=name)
    model_id = create_model(emulator, location, name).json()["model_id"]
    emulator.advance(3600)
    assert model(emulator, model_id)["model_status"] == "publishing"


def test_model_duplicate_and_unknown(emulator: EmulatorHandle, location: str) -> None:
    name = unique("mdl")
    assert create_model(emulator, location, name).status_code == 200
    assert_error(create_model(emulator, location, name), 409, "ModelArts.3002")
    assert create_model(emulator, location, name, "1.0.1").status_code == 200
    assert_error(api(emulator, "GET", f"/models/{uuid.uuid4()}"), 404, "ModelArts.3001")


@pytest.mark.parametrize(("change", "code"), [
    ({"model_version": "01.0.0"}, "ModelArts.0104"),
    ({"model_version": "1.0"}, "ModelArts.0104"),
    ({"model_version": "100.0.0"}, "ModelArts.0104"),
    ({"model_name": "x" * 65}, "ModelArts.0104"),
    ({"model_name": "1abc"}, "ModelArts.0104"),
    ({"model_type": "Keras"}, "ModelArts.0104"),
    ({"source_location": None}, "ModelArts.0104"),
    ({"install_type": ["online"]}, "ModelArts.0104"),
    ({"description": "a<b"}, "ModelArts.0104"),
    ({"dependencies": {"installer": "pip"}}, "ModelArts.0104"),
    ({"dependencies": [{"installer": "pip", "packages": [{"package_name": "numpy", "package_version": "1.0"}]}]},
     "ModelArts.3041"),
    ({"source_location": f"/{BUCKET}/no-such-model-dir/"}, "ModelArts.3017"),
])
def test_model_validation(emulator: EmulatorHandle, location: str, change: dict[str, Any], code: str) -> None:
    body = {"model_name": unique("mdl"), "model_version": "1.0.0", "source_location": location,
            "model_type": "PyTorch", **change}
    assert_error(api(emulator, "POST", "/models", json={k: v for k, v in body.items() if v is not None}), 400, code)
    assert emulator.count("models.create") == 1


def test_model_image_type_needs_no_obs_dir(emulator: EmulatorHandle) -> None:
    body = {"model_name": unique("img"), "model_version": "1.0.0", "model_type": "Image",
            "source_location": "swr.cn-north-4.myhuaweicloud.com/org/infer:1.0"}
    assert api(emulator, "POST", "/models", json=body).status_code == 200


@pytest.fixture(scope="module")
def slow_clock() -> Iterator[EmulatorHandle]:
    """An emulator whose clock barely moves on its own (3 emulated publishing seconds are 300 real ones), for
    checks of a state that must still hold after a dozen requests on a loaded machine; ``advance`` moves it."""
    from airflow_provider_modelarts.emulator.testing import start_emulator

    with start_emulator(speed=0.01) as handle:
        yield handle


def test_model_list_paging_filters_and_sorting(slow_clock: EmulatorHandle) -> None:
    emulator = slow_clock
    location = upload_linear_model(emulator)
    prefix = unique("page")
    versions = ["1.0.0", "1.0.1", "1.0.2", "1.1.0", "2.0.0", "10.0.0", "3.0.0"]
    ids = []
    for version in versions:  # 0.1 emulated s apart: distinct create_at, all still publishing (3 s)
        ids.append(create_model(emulator, location, f"{prefix}_a", version).json()["model_id"])
        emulator.advance(0.1)

    def listing(**params: Any) -> dict[str, Any]:
        resp = api(emulator, "GET", "/models", params={"model_name": f"{prefix}_a", **params})
        assert resp.status_code == 200, resp.text
        return dict(resp.json())

    pages = [listing(limit=3, offset=n, order="asc") for n in range(4)]
    assert [p["count"] for p in pages] == [3, 3, 1, 0]
    assert all(p["total_count"] == 7 for p in pages)
    assert [m["model_id"] for p in pages for m in p["models"]] == ids
    assert listing()["models"][0]["model_id"] == ids[-1]  # default: create_at desc
    by_version = [m["model_version"] for m in listing(sort_by="model_version", order="asc")["models"]]
    assert by_version == ["1.0.0", "1.0.1", "1.0.2", "1.1.0", "2.0.0", "3.0.0", "10.0.0"]
    assert listing(model_version="1.1.0")["total_count"] == 1
    assert listing(model_status="publishing")["total_count"] == 7
    emulator.advance(4)
    assert listing(model_status="published")["total_count"] == 7
    # "_" is a LIKE wildcard unless exact_match=true
    resp = api(emulator, "GET", "/models", params={"model_name": f"{prefix}xa"})
    assert resp.json()["total_count"] == 0
    create_model(emulator, location, f"{prefix}-a")
    assert api(emulator, "GET", "/models", params={"model_name": f"{prefix}_a"}).json()["total_count"] == 8
    exact = api(emulator, "GET", "/models", params={"model_name": f"{prefix}_a", "exact_match": "true"})
    assert exact.json()["total_count"] == 7
    assert_error(api(emulator, "GET", "/models", params={"sort_by": "name"}), 400, "ModelArts.0104")
    assert_error(api(emulator, "GET", "/models", params={"limit": "x"}), 400, "ModelArts.0104")


def test_model_delete_and_cascade(emulator: EmulatorHandle, location: str) -> None:
    name = unique("del")
    ids = [create_model(emulator, location, name, v).json()["model_id"] for v in ("1.0.0", "1.0.1", "1.0.2")]
    single = api(emulator, "DELETE", f"/models/{ids[0]}")
    assert single.status_code == 200
    assert single.json() == {"delete_success_list": [ids[0]], "delete_failed_list": []}
    assert_error(api(emulator, "GET", f"/models/{ids[0]}"), 404, "ModelArts.3001")
    cascade = api(emulator, "DELETE", f"/models/{ids[1]}", params={"cascade": "true"})
    assert sorted(cascade.json()["delete_success_list"]) == sorted(ids[1:])
    assert api(emulator, "GET", "/models", params={"model_name": name}).json()["total_count"] == 0
    assert_error(api(emulator, "DELETE", f"/models/{ids[1]}"), 404, "ModelArts.3001")


def test_model_used_by_service_is_not_deleted(emulator: EmulatorHandle, model_id: str) -> None:
    running_service(emulator, [rt_config(model_id)])
    resp = api(emulator, "DELETE", f"/models/{model_id}")
    assert resp.status_code == 200
    assert resp.json()["delete_success_list"] == []
    assert resp.json()["delete_failed_list"][0]["model_id"] == model_id
    assert resp.json()["delete_failed_list"][0]["error_code"] == "ModelArts.3009"
    assert model(emulator, model_id)["model_status"] == "published"


# ---- services -------------------------------------------------------------------------------------------------------
def test_service_deploy_success(emulator: EmulatorHandle, model_id: str) -> None:
    name = unique("svc")
    emulator.set_outcome("service", "slow", match=name)
    resp = deploy(emulator, name, [rt_config(model_id, weight=100)], description="demo")
    assert resp.status_code == 200, resp.text
    service_id = resp.json()["service_id"]
    assert resp.json()["resource_ids"] and resp.json()["resource_ids"][0].startswith("INF-")
    detail = service(emulator, service_id)
    assert detail["status"] == "deploying" and 0 <= detail["progress"] < 100
    assert "access_address" not in detail
    assert detail["config"][0]["status"] == "notReady" and detail["config"][0]["weight"] == 100
    assert logs(emulator, service_id)[0]["result"] == "RUNNING"
    emulator.advance(25)
    assert 0 < service(emulator, service_id)["progress"] < 100
    emulator.advance(30)
    detail = service(emulator, service_id)
    assert detail["status"] == "running" and detail["progress"] == 100
    assert detail["access_address"] == f"{emulator.url}/v1/infers/{service_id}"
    assert detail["config"][0]["status"] == "ready" and detail["config"][0]["model_id"] == model_id
    assert logs(emulator, service_id)[0]["result"] == "SUCCESS"
    listed = api(emulator, "GET", "/services", params={"service_name": name, "status": "running"}).json()
    assert listed["total_count"] == 1 and listed["services"][0]["service_id"] == service_id
    assert api(emulator, "GET", "/services", params={"model_id": model_id}).json()["total_count"] == 1
    events = api(emulator, "GET", f"/services/{service_id}/events").json()["events"]
    assert events[0]["event_info"] == "service is running"
    monitor = api(emulator, "GET", f"/services/{service_id}/monitor").json()
    assert monitor["monitors"][0]["model_id"] == model_id and monitor["service_running_instance_count"] == 1


def test_service_specifications(emulator: EmulatorHandle) -> None:
    resp = api(emulator, "GET", "/services/specifications")
    assert resp.status_code == 200, resp.text
    assert SPEC in [s["specification"] for s in resp.json()["specifications"]]
    assert resp.json()["count"] == resp.json()["total_count"] == len(resp.json()["specifications"])


def test_service_list_paging(emulator: EmulatorHandle, model_id: str) -> None:
    prefix = unique("lst")
    ids = [deploy(emulator, f"{prefix}-{i}", [rt_config(model_id)]).json()["service_id"] for i in range(5)]
    pages = [api(emulator, "GET", "/services", params={"service_name": prefix, "limit": 2, "offset": n,
                                                       "order": "asc"}).json() for n in range(3)]
    assert [p["count"] for p in pages] == [2, 2, 1] and pages[0]["total_count"] == 5
    assert [s["service_id"] for p in pages for s in p["services"]] == ids
    by_name = api(emulator, "GET", "/services", params={"service_name": prefix, "sort_by": "service_name"}).json()
    assert [s["service_name"] for s in by_name["services"]] == [f"{prefix}-{i}" for i in range(4, -1, -1)]
    assert_error(api(emulator, "GET", "/services", params={"status": "alive"}), 400, "ModelArts.0104")


@pytest.mark.parametrize("outcome", ["fail", "concerning"])
def test_service_deploy_failure_and_concerning(emulator: EmulatorHandle, model_id: str, outcome: str) -> None:
    name = unique("svc")
    emulator.set_outcome("service", outcome, match=name)
    service_id = deploy(emulator, name, [rt_config(model_id)]).json()["service_id"]
    emulator.advance(6)
    detail = service(emulator, service_id)
    assert detail["status"] == {"fail": "failed"}.get(outcome, outcome)
    if outcome == "fail":
        assert detail["error_msg"] and detail["config"][0]["status"] == "notReady"
        assert logs(emulator, service_id)[-1]["result"] == "FAIL"
    else:
        assert "error_msg" not in detail and detail["config"][0]["status"] == "concerning"
        assert_error(update(emulator, service_id, {"status": "running"}), 400, "ModelArts.3519")


def test_service_batch_finishes_and_writes_results(emulator: EmulatorHandle, location: str) -> None:
    name = unique("mdl")
    resp = create_model(emulator, location, name, install_type=["batch"])
    emulator.advance(4)
    mid = resp.json()["model_id"]
    src = upload(emulator, unique("batch/in"), {"rows.csv": b"1.0,2\n3.5,4\n"})
    dest = f"/{BUCKET}/{unique('batch/out')}/"
    rule = {"type": "object", "properties": {"data": {"type": "object", "properties": {"req_data": {
        "type": "array", "items": [{"type": "object", "properties": {
            "x": {"type": "number", "index": 0}, "n": {"type": "integer", "index": 1}}}]}}}}}
    cfg = {"model_id": mid, "specification": SPEC, "instance_count": 1, "src_path": src, "dest_path": dest,
           "req_uri": "/", "mapping_type": "csv", "mapping_rule": rule}
    assert_error(deploy(emulator, unique("rt"), [rt_config(mid)]), 400, "ModelArts.3589")
    resp = deploy(emulator, unique("batch"), [cfg], infer_type="batch")
    assert resp.status_code == 200, resp.text
    service_id = resp.json()["service_id"]
    emulator.advance(6)
    assert service(emulator, service_id)["status"] == "running"
    emulator.advance(6)
    detail = service(emulator, service_id)
    assert detail["status"] == "finished" and "access_address" not in detail
    assert detail["config"][0]["finished_time"] >= detail["config"][0]["start_time"]  # OTC detail Table 4
    assert "status" not in detail["config"][0]  # a batch config has no instance status (SDK 表 11-12)
    listed = api(emulator, "GET", "/services", params={"service_id": service_id}).json()["services"][0]
    assert listed["finished_time"] == detail["config"][0]["finished_time"]  # top-level in the list (Table 5)
    result = emulator.emu.obs.get(BUCKET, dest[len(BUCKET) + 2:] + "rows.csv_result.txt")
    assert json.loads(result) == [{"meta": {}, "data": {"resp_data": [{"x": 1.0, "n": 2}]}},
                                  {"meta": {}, "data": {"resp_data": [{"x": 3.5, "n": 4}]}}]


def _batch_config(model_id: str, **change: Any) -> dict[str, Any]:
    cfg = {"model_id": model_id, "specification": SPEC, "instance_count": 1, "src_path": f"/{BUCKET}/in/",
           "dest_path": f"/{BUCKET}/out/", "req_uri": "/", "mapping_type": "file", **change}
    return {k: v for k, v in cfg.items() if v is not None}


@pytest.mark.parametrize(("case", "code"), [
    ("weights_60_30", "ModelArts.0104"),
    ("instance_count_129", "ModelArts.0104"),
    ("instance_count_0", "ModelArts.0104"),
    ("missing_weight", "ModelArts.0104"),
    ("csv_without_rule", "ModelArts.0104"),
    ("batch_two_configs", "ModelArts.0104"),
    ("vpc_without_subnet", "ModelArts.0104"),
    ("bad_infer_type", "ModelArts.0104"),
    ("empty_config", "ModelArts.0104"),
    ("bad_name", "ModelArts.0104"),
    ("bad_schedule", "ModelArts.0104"),
    ("custom_without_spec", "ModelArts.0104"),
    ("same_model_twice", "ModelArts.3516"),
])
def test_service_create_validation(emulator: EmulatorHandle, location: str, model_id: str, case: str,
                                   code: str) -> None:
    other = published_model(emulator, location, unique("mdl"))
    body: dict[str, Any] = {"service_name": unique("bad"), "infer_type": "real-time", "config": [rt_config(model_id)]}
    changes: dict[str, dict[str, Any]] = {
        "weights_60_30": {"config": [rt_config(model_id, 60), rt_config(other, 30)]},
        "instance_count_129": {"config": [rt_config(model_id, instance_count=129)]},
        "instance_count_0": {"config": [rt_config(model_id, instance_count=0)]},
        "missing_weight": {"config": [rt_config(model_id, weight=None)]},
        "csv_without_rule": {"infer_type": "batch", "config": [_batch_config(model_id, mapping_type="csv")]},
        "batch_two_configs": {"infer_type": "batch", "config": [_batch_config(model_id), _batch_config(other)]},
        "vpc_without_subnet": {"vpc_id": "vpc-1", "security_group_id": "sg-1"},
        "bad_infer_type": {"infer_type": "online"},
        "empty_config": {"config": []},
        "bad_name": {"service_name": "-svc"},
        "bad_schedule": {"schedule": [{"type": "start", "time_unit": "HOURS", "duration": 1}]},
        "custom_without_spec": {"config": [rt_config(model_id, specification="custom")]},
        "same_model_twice": {"config": [rt_config(model_id, 50), rt_config(model_id, 50)]},
    }
    body.update(changes[case])
    assert_error(api(emulator, "POST", "/services", json=body), 400, code)
    assert emulator.count("services.create") == 1


def test_service_create_model_checks_and_duplicate(emulator: EmulatorHandle, location: str, model_id: str) -> None:
    assert_error(deploy(emulator, unique("svc"), [rt_config(str(uuid.uuid4()))]), 404, "ModelArts.3507")
    name = unique("mdl")
    emulator.set_outcome("model", "stuck", match=name)
    publishing = create_model(emulator, location, name).json()["model_id"]
    assert_error(deploy(emulator, unique("svc"), [rt_config(publishing)]), 400, "ModelArts.3515")
    svc_name = unique("svc")
    assert deploy(emulator, svc_name, [rt_config(model_id)]).status_code == 200
    assert_error(deploy(emulator, svc_name, [rt_config(model_id)]), 409, "ModelArts.3503")


def test_service_update_config_redeploys(emulator: EmulatorHandle, location: str) -> None:
    name = unique("mdl")
    v1 = published_model(emulator, location, name, "1.0.0")
    v2 = published_model(emulator, location, name, "2.0.0")
    svc_name = unique("svc")
    service_id = running_service(emulator, [rt_config(v1)], svc_name)
    emulator.set_outcome("service", "slow", match=svc_name)
    resp = update(emulator, service_id, {"config": [rt_config(v2, instance_count=2)], "description": "v2"})
    assert resp.status_code == 200 and resp.json() == {}
    detail = service(emulator, service_id)
    assert detail["status"] == "deploying" and detail["description"] == "v2"
    assert detail["config"][0]["model_id"] == v2
    assert logs(emulator, service_id)[-1]["result"] == "RUNNING"
    assert_error(update(emulator, service_id, {"config": [rt_config(v1)]}), 400, "ModelArts.3519")
    assert_error(update(emulator, service_id, {"status": "running"}), 400, "ModelArts.3519")
    emulator.advance(55)
    detail = service(emulator, service_id)
    assert detail["status"] == "running"
    assert (detail["config"][0]["model_id"], detail["config"][0]["instance_count"]) == (v2, 2)
    assert [entry["result"] for entry in logs(emulator, service_id)] == ["SUCCESS", "SUCCESS"]
    assert logs(emulator, service_id)[-1]["config"][0]["model_version"] == "2.0.0"


def test_service_update_failure_keeps_old_config(emulator: EmulatorHandle, location: str) -> None:
    name = unique("mdl")
    v1 = published_model(emulator, location, name, "1.0.0")
    v2 = published_model(emulator, location, name, "1.0.1")
    svc_name = unique("svc")
    emulator.set_outcome("service", "update_fail", match=svc_name)
    service_id = running_service(emulator, [rt_config(v1)], svc_name)
    assert update(emulator, service_id, {"config": [rt_config(v2)]}).status_code == 200
    emulator.advance(6)
    detail = service(emulator, service_id)
    assert detail["status"] == "running" and "error_msg" not in detail
    assert detail["config"][0]["model_id"] == v1
    assert logs(emulator, service_id)[-1]["result"] == "FAIL"
    abnormal = api(emulator, "GET", f"/services/{service_id}/events", params={"event_type": "abnormal"}).json()
    assert abnormal["count"] == 1 and "update service failed" in abnormal["events"][0]["event_info"]
    assert predict(emulator, detail["access_address"], {"data": {"req_data": [1]}}).status_code == 200
    emulator.set_outcome("service", "fail", match=svc_name)  # a rule taken at update time fails that update
    assert update(emulator, service_id, {"config": [rt_config(v2)]}).status_code == 200
    emulator.advance(6)
    assert service(emulator, service_id)["config"][0]["model_id"] == v1
    assert update(emulator, service_id, {"config": [rt_config(v2)]}).status_code == 200
    emulator.advance(6)
    assert service(emulator, service_id)["config"][0]["model_id"] == v2


def test_service_stop_start_and_status_constraints(emulator: EmulatorHandle, model_id: str) -> None:
    service_id = running_service(emulator, [rt_config(model_id)])
    address = service(emulator, service_id)["access_address"]
    assert_error(update(emulator, service_id, {"status": "running"}), 400, "ModelArts.3519")
    assert_error(update(emulator, service_id, {"status": "paused"}), 400, "ModelArts.0104")
    # status and config together: only the status is applied
    resp = update(emulator, service_id, {"status": "stopped", "config": [rt_config(model_id, instance_count=3)]})
    assert resp.status_code == 200
    assert service(emulator, service_id)["status"] in ("stopping", "stopped")
    emulator.advance(3)
    detail = service(emulator, service_id)
    assert detail["status"] == "stopped" and detail["config"][0]["instance_count"] == 1
    assert_error(predict(emulator, address, {"data": {"req_data": [1]}}), 400, "ModelArts.4203")
    assert_error(update(emulator, service_id, {"status": "stopped"}), 400, "ModelArts.3519")
    assert update(emulator, service_id, {"status": "running"}).status_code == 200
    assert service(emulator, service_id)["status"] == "deploying"
    emulator.advance(6)
    assert service(emulator, service_id)["status"] == "running"
    assert predict(emulator, address, {"data": {"req_data": [1]}}).status_code == 200


def test_service_config_update_while_stopped_is_stored(emulator: EmulatorHandle, model_id: str) -> None:
    service_id = running_service(emulator, [rt_config(model_id)])
    update(emulator, service_id, {"status": "stopped"})
    emulator.advance(3)
    assert update(emulator, service_id, {"config": [rt_config(model_id, instance_count=2)]}).status_code == 200
    detail = service(emulator, service_id)
    assert detail["status"] == "stopped" and detail["config"][0]["instance_count"] == 2


def test_service_stuck_can_be_stopped(emulator: EmulatorHandle, model_id: str) -> None:
    name = unique("svc")
    emulator.set_outcome("service", "stuck", match=name)
    service_id = deploy(emulator, name, [rt_config(model_id)]).json()["service_id"]
    emulator.advance(3600)
    assert service(emulator, service_id)["status"] == "deploying"
    assert update(emulator, service_id, {"status": "stopped"}).status_code == 200
    emulator.advance(3)
    assert service(emulator, service_id)["status"] == "stopped"


def test_service_schedule_auto_stop(emulator: EmulatorHandle, model_id: str) -> None:
    resp = deploy(emulator, unique("svc"), [rt_config(model_id)],
                  schedule=[{"type": "stop", "time_unit": "MINUTES", "duration": 2}])
    service_id = resp.json()["service_id"]
    emulator.advance(6)
    detail = service(emulator, service_id)
    assert detail["status"] == "running" and detail["due_time"] > detail["transition_at"]
    emulator.advance(120)
    assert service(emulator, service_id)["status"] == "stopped"


def test_service_delete(emulator: EmulatorHandle, model_id: str) -> None:
    first = running_service(emulator, [rt_config(model_id)])
    second = deploy(emulator, unique("svc"), [rt_config(model_id)]).json()["service_id"]
    assert_error(api(emulator, "DELETE", f"/services/{uuid.uuid4()}"), 404, "ModelArts.3502")
    resp = api(emulator, "DELETE", f"/services/{first},{second}")
    assert resp.status_code == 200
    for service_id in (first, second):
        assert_error(api(emulator, "GET", f"/services/{service_id}"), 404, "ModelArts.3502")
    assert api(emulator, "DELETE", f"/models/{model_id}").json()["delete_success_list"] == [model_id]


# ---- inference ------------------------------------------------------------------------------------------------------
def other_user_token(handle: EmulatorHandle) -> str:
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": "other-user", "password": "other-user-password", "domain": {"name": "emulator-account"}}}},
        "scope": {"project": {"id": handle.other_project_id}}}}
    resp = requests.post(f"{handle.url}/v3/auth/tokens", json=body, timeout=30)
    assert resp.status_code == 201, resp.text
    return resp.headers["X-Subject-Token"]


def test_inference_echo_subpath_and_isolation(emulator: EmulatorHandle, model_id: str) -> None:
    service_id = running_service(emulator, [rt_config(model_id)])
    address = service(emulator, service_id)["access_address"]
    body = {"meta": {"uuid": "u-1"}, "data": {"req_data": [{"x": 1}, {"x": 2}]}}
    resp = predict(emulator, address, body)
    assert resp.status_code == 200, resp.text
    assert resp.json() == {"meta": {"uuid": "u-1"}, "data": {"resp_data": [{"x": 1}, {"x": 2}]}}
    assert resp.headers["X-Emulator-Model-Id"] == model_id
    assert predict(emulator, address + "/v1/predict", body).json() == resp.json()
    assert emulator.count("inference.predict") == 2
    other = other_user_token(emulator)
    assert_error(predict(emulator, address, body, token=other), 403, "ModelArts.0108")
    assert_error(api(emulator, "GET", f"/services/{service_id}", token=other, project_id=emulator.other_project_id),
                 404, "ModelArts.3502")
    empty = requests.post(address, data=b"", headers={"X-Auth-Token": emulator.token()}, timeout=30)
    assert_error(empty, 400, "ModelArts.4202")
    assert_error(requests.post(address, json=body, timeout=30), 401, "ModelArts.0201")
    monitor = api(emulator, "GET", f"/services/{service_id}/monitor").json()
    assert monitor["monitors"][0]["invocation_times"] == 2
    assert service(emulator, service_id)["invocation_times"] == 2


def test_inference_aksk_signed_by_sdk(emulator: EmulatorHandle, model_id: str) -> None:
    service_id = running_service(emulator, [rt_config(model_id)])
    body = json.dumps({"data": {"req_data": [{"x": 5}]}})
    host = emulator.url.split("://", 1)[1]
    sdk_req = SdkRequest(method="POST", schema="http", host=host, resource_path=f"/v1/infers/{service_id}",
                         query_params=[], header_params={"Content-Type": "application/json"}, body=body)
    signed = BasicCredentials(emulator.ak, emulator.sk).sign_request(sdk_req)
    resp = requests.post(emulator.url + signed.uri, headers=dict(signed.header_params), data=signed.body, timeout=30)
    assert resp.status_code == 200, resp.text
    assert resp.json()["data"]["resp_data"] == [{"x": 5}]
    other = BasicCredentials(emulator.other_ak, emulator.other_sk).sign_request(
        SdkRequest(method="POST", schema="http", host=host, resource_path=f"/v1/infers/{service_id}",
                   query_params=[], header_params={"Content-Type": "application/json"}, body=body))
    resp = requests.post(emulator.url + other.uri, headers=dict(other.header_params), data=other.body, timeout=30)
    assert_error(resp, 403, "ModelArts.0108")


def test_inference_canary_routing_by_weight(emulator: EmulatorHandle, location: str) -> None:
    name = unique("mdl")
    v1 = published_model(emulator, location, name, "1.0.0")
    v2 = published_model(emulator, location, name, "1.0.1")
    service_id = running_service(emulator, [rt_config(v1, 70), rt_config(v2, 30)])
    address = service(emulator, service_id)["access_address"]
    served = [predict(emulator, address, {"data": {"req_data": [i]}}).headers["X-Emulator-Model-Id"]
              for i in range(60)]
    assert set(served) == {v1, v2}
    assert served.count(v1) > served.count(v2)
    calls = {m["model_id"]: m["invocation_times"]
             for m in api(emulator, "GET", f"/services/{service_id}/monitor").json()["monitors"]}
    assert calls == {v1: served.count(v1), v2: served.count(v2)}


def test_inference_refused_while_deploying_and_unknown(emulator: EmulatorHandle, model_id: str) -> None:
    name = unique("svc")
    emulator.set_outcome("service", "stuck", match=name)
    service_id = deploy(emulator, name, [rt_config(model_id)]).json()["service_id"]
    address = f"{emulator.url}/v1/infers/{service_id}"
    assert_error(predict(emulator, address, {"data": {}}), 400, "ModelArts.4203")
    assert_error(predict(emulator, f"{emulator.url}/v1/infers/{uuid.uuid4()}", {"data": {}}), 404, "ModelArts.3502")


# ---- runner mode ----------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def runner_emulator() -> Iterator[EmulatorHandle]:
    """A separate emulator in runner mode (real predictions)."""
    with start_emulator(runner=True, speed=10.0) as handle:
        yield handle


def test_runner_mode_real_predictions(runner_emulator: EmulatorHandle) -> None:
    handle = runner_emulator
    location = upload_linear_model(handle)
    model_id = published_model(handle, location, unique("linear"))
    service_id = running_service(handle, [rt_config(model_id, envs={"SCALE": "2"})])
    address = service(handle, service_id)["access_address"]
    resp = predict(handle, address, {"data": {"req_data": [{"x": 2}, {"x": 0}]}})
    assert resp.status_code == 200, resp.text
    assert resp.json() == {"data": {"resp_data": [{"y": 8.0}, {"y": -2.0}]}}  # 2 * (2.5 x - 1)
    bad = predict(handle, address, {"data": {"rows": []}})
    assert_error(bad, 500, "ModelArts.4302")
    assert "KeyError" in bad.json()["error_msg"]
    monitor = api(handle, "GET", f"/services/{service_id}/monitor").json()["monitors"][0]
    assert (monitor["invocation_times"], monitor["failed_times"]) == (2, 1)


def test_runner_mode_model_subdirectory_layout(runner_emulator: EmulatorHandle) -> None:
    """The training runner's layout: ``<output>/model/{config.json, customize_service.py}``, imported from the parent."""
    handle = runner_emulator
    prefix = unique("train/output")
    files = {f"model/{p.name}": p.read_bytes() for p in MODEL_DIR.iterdir() if p.is_file()}
    location = upload(handle, prefix, files)
    model_id = published_model(handle, location, unique("linear"))
    service_id = running_service(handle, [rt_config(model_id)])
    resp = predict(handle, service(handle, service_id)["access_address"], {"data": {"req_data": [{"x": 4}]}})
    assert resp.json() == {"data": {"resp_data": [{"y": 9.0}]}}
