"""Models, services and inference held to their documented tables (``emulator/contract/models_services.py``).

(a) every route kind of the family has a table; (b) undocumented shapes sent raw over HTTP get 400 naming the
field; (c) every request builder of ``client/api/models.py`` and ``client/api/services.py``, called the way the
operators call it, passes the tables; (d) a deployed service is waited for until every ``config[]`` instance is
ready, not only until its status says running.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests

from airflow_provider_modelarts.client.api import models, services
from airflow_provider_modelarts.client.request import ApiRequest
from airflow_provider_modelarts.client.states import INSTANCES_NOT_READY, classify
from airflow_provider_modelarts.client.transport import ModelArtsClient
from airflow_provider_modelarts.client.waiter import Waiter, wait_sync
from airflow_provider_modelarts.emulator import contract
from airflow_provider_modelarts.emulator.server import build_router
from airflow_provider_modelarts.emulator.testing import EmulatorHandle
from airflow_provider_modelarts.specs.models import build_model_body
from airflow_provider_modelarts.specs.services import (
    build_service_body,
    complete_configs,
    request_config,
    update_body,
)
from tests.client.test_transport import aksk_settings

FAMILY = ("models.", "services.", "inference.")
BUCKET = "modelarts-emulator"
SPEC = "modelarts.vm.cpu.2u"
PROJECT = "0123456789abcdef0123456789abcdef"


def wire(req: ApiRequest) -> list[str]:
    """The problems of a built request as the client would put it on the wire."""
    pairs = [(k, ("true" if v else "false") if isinstance(v, bool) else str(v)) for k, v in req.query_pairs()]
    path = req.path if req.path.startswith("http") else req.path.replace("{project_id}", PROJECT)
    if path.startswith("http"):
        path = "/" + path.split("://", 1)[1].split("/", 1)[1]
    return contract.wire_problems(req.method, path, pairs, req.body_bytes())


def unique(prefix: str) -> str:
    return f"{prefix}{time.time_ns() % 10**12}"


def api(handle: EmulatorHandle, method: str, path: str, **kw: Any) -> requests.Response:
    return requests.request(method, f"{handle.url}/v1/{handle.project_id}{path}", headers=handle.headers(),
                            timeout=30, **kw)


@pytest.fixture(scope="module")
def location(emulator_server: EmulatorHandle) -> str:
    emulator_server.emu.obs.put(BUCKET, "contract-ms/model/config.json", b"{}")
    return f"/{BUCKET}/contract-ms/"


@pytest.fixture
def model_id(emulator: EmulatorHandle, location: str) -> str:
    resp = api(emulator, "POST", "/models", json={"model_name": unique("cm"), "model_version": "1.0.0",
                                                  "model_type": "PyTorch", "source_location": location})
    assert resp.status_code == 200, resp.text
    emulator.advance(4)
    return str(resp.json()["model_id"])


# ---- (a) a table per route kind ------------------------------------------------------------------------------------
def test_every_route_kind_of_the_family_has_a_cited_table() -> None:
    kinds = {r.kind for r in build_router().routes if r.kind.startswith(FAMILY)}
    assert {"models.create", "services.create", "services.update", "inference.predict"} <= kinds
    ops = contract.operations()
    missing = sorted(kinds - set(ops))
    assert not missing, missing
    assert all(ops[k].source for k in kinds)


# ---- (b) undocumented shapes, raw over HTTP ------------------------------------------------------------------------
def _model_body(location: str, **change: Any) -> dict[str, Any]:
    return {"model_name": unique("cm"), "model_version": "1.0.0", "model_type": "PyTorch",
            "source_location": location, **change}


def _service_body(model_id: str, **change: Any) -> dict[str, Any]:
    cfg = {"model_id": model_id, "specification": SPEC, "instance_count": 1, "weight": 100}
    return {"service_name": unique("cs"), "infer_type": "real-time", "config": [cfg], **change}


@pytest.mark.parametrize(("change", "field"), [
    ({"dependencies": [{"installer": "conda", "packages": [{"package_name": "numpy"}]}]},
     "dependencies[0].installer: 'conda' is not one of ['pip']"),
    ({"dependencies": [{"packages": [{"package_name": "numpy"}]}]}, "dependencies[0].installer: missing"),
    ({"model_type": "Keras"}, "model_type: 'Keras' is not one of"),
    ({"initial_config": {"model_type": "PyTorch"}}, "initial_config: expected string, got object"),
    ({"model_labels": ["x"]}, "model_labels: unknown field"),
])
def test_undocumented_model_create_shapes_are_refused(emulator: EmulatorHandle, location: str,
                                                      change: dict[str, Any], field: str) -> None:
    resp = api(emulator, "POST", "/models", json=_model_body(location, **change))
    assert resp.status_code == 400 and resp.json()["error_code"] == "ModelArts.0104", resp.text
    assert field in resp.json()["error_msg"], resp.text
    assert emulator.count("models.create") == 1


def test_undocumented_service_shapes_are_refused(emulator: EmulatorHandle, model_id: str) -> None:
    cases = [
        # the SDK reference's schedule name op_type is not the wire name (deploying_services Table 4: type)
        (_service_body(model_id, schedule=[{"op_type": "stop", "time_unit": "HOURS", "duration": 1}]),
         "schedule[0].op_type: unknown field"),
        (_service_body(model_id, config=[{"model_id": model_id, "specification": SPEC, "instance_count": 1,
                                          "weight": "100"}]), "config[0].weight: expected integer, got string"),
        (_service_body(model_id, config=[{"model_id": model_id, "specification": SPEC, "instance_count": 1,
                                          "weight": 100, "status": "ready"}]), "config[0].status: unknown field"),
        (_service_body(model_id, infer_type="online"), "infer_type: 'online' is not one of"),
        ({"service_name": unique("cs"), "infer_type": "real-time"}, "config: missing mandatory field"),
    ]
    for body, field in cases:
        resp = api(emulator, "POST", "/services", json=body)
        assert resp.status_code == 400 and field in resp.json()["error_msg"], (field, resp.text)
    assert api(emulator, "GET", "/services", params={"name": "x"}).status_code == 400
    resp = api(emulator, "PUT", "/services/any-id", json={"status": "restart"})
    assert resp.status_code == 400 and "status: 'restart' is not one of" in resp.json()["error_msg"]
    resp = api(emulator, "GET", "/models", params={"name": "x"})
    assert resp.status_code == 400 and "name: unknown query parameter" in resp.json()["error_msg"]


# ---- (c) the client's builders pass the tables ---------------------------------------------------------------------
def test_model_builders_pass_the_tables() -> None:
    body = build_model_body({
        "model_name": "lin", "model_version": "1.0.0", "model_type": "PyTorch", "runtime": "python3.7",
        "source_location": "obs://bucket/models/lin/", "execution_code": "obs://bucket/models/lin/model/c.py",
        "description": "linear model, v1 (it's fine)", "install_type": ["real-time", "batch"],
        "dependencies": [{"installer": "pip", "packages": [{"package_name": "numpy", "package_version": "1.0",
                                                            "restraint": "ATLEAST"}]}],
        "apis": [{"url": "/", "method": "post", "protocol": "http"}], "initial_config": {"model_type": "PyTorch"},
        "model_metrics": {"f1": 0.9}, "input_params": [{"url": "/", "param_name": "x", "param_type": "number"}],
        "model_docs": [{"doc_url": "https://example.com/doc", "doc_name": "doc"}], "workspace_id": "0",
        "source_job_id": "job", "source_job_version": "1"}, None, name="lin", from_training_job=False)
    for req in (models.create_model(body), models.list_models(model_name="lin", model_version="1.0.0",
                                                              exact_match=True, model_status="published",
                                                              sort_by="create_at", order="asc"),
                models.list_models().with_query(offset=0, limit=100), models.get_model("m1"),
                models.delete_model("m1", cascade=True), models.delete_model("m1")):
        assert wire(req) == [], (req.kind, wire(req))


def test_service_builders_pass_the_tables() -> None:
    realtime = build_service_body({
        "service_name": "svc", "infer_type": "real-time", "description": "demo",
        "configs": [{"model_id": "m1", "specification": SPEC, "instance_count": "1", "weight": "90",
                     "envs": {"A": "1"}},
                    {"model_id": "m2", "specification": "custom", "custom_spec": {"cpu": 1.5, "memory": 7500},
                     "instance_count": 1, "weight": 10}],
        "schedule": {"op_type": "stop", "time_unit": "HOURS", "duration": "2"}, "vpc_id": "v",
        "subnet_network_id": "s", "security_group_id": "g", "workspace_id": "0"},
        None, name="svc", marker="[airflow:abc]", max_instances=5)
    assert realtime["schedule"] == [{"type": "stop", "time_unit": "HOURS", "duration": 2}]
    batch = build_service_body({
        "service_name": "bsvc", "infer_type": "batch",
        "configs": [{"model_id": "m1", "specification": SPEC, "instance_count": 1, "src_path": "obs://bucket/in/",
                     "dest_path": "obs://bucket/out/", "req_uri": "/", "mapping_type": "csv",
                     "mapping_rule": {"type": "object", "properties": {"x": {"type": "number", "index": 0}}}}]},
        None, name="bsvc", marker="[airflow:abc]", max_instances=5)
    current = [{"model_id": "m1", "model_name": "lin", "model_version": "1.0.0", "weight": 100,
                "specification": SPEC, "instance_count": 1, "envs": {}, "status": "ready", "scaling": False,
                "support_debug": False}]  # a config as the detail shows it
    update = update_body([{"model_id": "m2", "weight": 100}], None, None, "new", None, max_instances=5)
    update["config"] = complete_configs(update["config"], current)
    reqs = [services.create_service(realtime), services.create_service(batch),
            services.update_service("s1", update),
            services.update_service("s1", {"config": request_config(current)}),  # the rollback's PUT
            services.update_service("s1", update_body(None, None, "stopped", None, None, max_instances=5)),
            services.update_service("s1", update_body(None, None, None, None, {"op_type": "stop", "time_unit":
                                                                                 "DAYS", "duration": 1},
                                                      max_instances=5)),
            services.list_services(service_name="svc", model_id="m1", infer_type="batch", status="running"),
            services.list_services().with_query(offset=1, limit=100), services.get_service("s1"),
            services.delete_service("s1"), services.get_monitor("s1", "n1"), services.get_update_logs("s1", 5),
            services.get_events("s1", event_type="abnormal", start_time=1, end_time=2, limit=3),
            services.list_specifications("real-time"),
            services.predict("http://127.0.0.1:1/v1/infers/s1", {"data": {"req_data": [1]}}, "/sub"),
            services.predict_file("http://127.0.0.1:1/v1/infers/s1", b"abc", "a.txt")]
    for req in reqs:
        assert wire(req) == [], (req.kind, wire(req))


# ---- (d) the deploy wait covers every config[] instance ------------------------------------------------------------
def test_a_deployed_service_is_waited_for_until_every_instance_is_ready(emulator: EmulatorHandle,
                                                                         model_id: str) -> None:
    name = unique("warm")
    emulator.set_outcome("service", "warming", match=name)
    resp = api(emulator, "POST", "/services", json=_service_body(model_id, service_name=name))
    assert resp.status_code == 200, resp.text
    service_id = resp.json()["service_id"]
    emulator.advance(6)  # deployed: the service says running, its instances are still starting
    detail = api(emulator, "GET", f"/services/{service_id}").json()
    assert (detail["status"], detail["config"][0]["status"]) == ("running", "notReady")
    client = ModelArtsClient(aksk_settings(emulator))
    waiter = Waiter("service", {"service_id": service_id}, poll_interval=0.1)

    def sleep(_: float) -> None:
        emulator.advance(1)

    outcome = wait_sync(client, waiter, sleep=sleep)
    assert outcome.state == "success", outcome.message
    final = api(emulator, "GET", f"/services/{service_id}").json()
    assert [c["status"] for c in final["config"]] == ["ready"]
    assert outcome.polls >= 2  # the first look (running, notReady) did not end the wait
    assert classify("service", detail).status == INSTANCES_NOT_READY
