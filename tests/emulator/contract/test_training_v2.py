"""Training v2 tables: transcribed from the official SDK models, held to them, and enforced on the wire."""

from __future__ import annotations

import json
from typing import Any

import huaweicloudsdkmodelarts.v1.model as sdk
import pytest
import requests

from airflow_provider_modelarts.client.api import training_v2 as api
from airflow_provider_modelarts.emulator import contract
from airflow_provider_modelarts.emulator.server import build_router
from airflow_provider_modelarts.operators.training import build_training_job_body
from tests.emulator.contract.sdk_shapes import sdk_shape, shape


@pytest.mark.parametrize(("kind", "part", "model"), [
    ("training_v2.create", "body", "Job"),
    ("training_v2.create", "response", "CreateTrainingJobResponse"),
    ("training_v2.get", "response", "ShowTrainingJobDetailsResponse"),
    ("training_v2.action", "response", "StopTrainingJobResponse"),
    ("training_v2.action", "body", "JobActionType"),
    ("training_v2.list", "body", "JobSearches"),
    ("training_v2.list", "response", "ListTrainingJobsResponse"),
    ("training_v2.update", "body", "JobUpdateRequestBody"),
    ("training_v2.update", "response", "ChangeTrainingJobDescriptionResponse"),
    ("training_v2.delete", "response", "DeleteTrainingJobResponse"),
    ("training_v2.flavors", "response", "ShowTrainingJobFlavorsResponse"),
    ("training_v2.engines", "response", "ShowTrainingJobEnginesResponse"),
    ("training_v2.log_preview", "response", "ShowTrainingJobLogsPreviewResponse"),
    ("training_v2.metrics", "response", "ShowTrainingJobMetricsResponse"),
])
def test_each_table_is_the_official_sdk_model(kind: str, part: str, model: str) -> None:
    assert shape(getattr(contract.operations()[kind], part)) == sdk_shape(sdk, model)


def test_flavor_query_matches_the_sdk_request_model() -> None:
    assert set(contract.operations()["training_v2.flavors"].query) == set(
        sdk.ShowTrainingJobFlavorsRequest.attribute_map.values())


def test_every_training_v2_route_has_a_table() -> None:
    kinds = {r.kind for r in build_router().routes if r.kind.startswith("training_v2.")}
    assert kinds <= set(contract.operations())


def test_mandatory_fields_follow_the_api_ref() -> None:
    body = contract.operations()["training_v2.create"].body
    assert body is not None and body.fields is not None
    assert body.fields["kind"].required and body.fields["metadata"].required
    assert body.fields["metadata"].fields["name"].required  # type: ignore[index]
    assert not body.fields["algorithm"].required


def good_body(name: str) -> dict[str, Any]:
    args = {"code_dir": "obs://modelarts-emulator/code/", "boot_file": "train.py", "framework_type": "PyTorch",
            "framework_version": "pytorch_1.8.0-cuda_10.2-py_3.7-ubuntu_18.04-x86_64",
            "train_instance_type": "modelarts.vm.cpu.8u", "train_instance_count": 1,
            "inputs": {"data_url": "obs://modelarts-emulator/data/"},
            "outputs": {"train_url": "obs://modelarts-emulator/out/"}, "parameters": {"epochs": 2},
            "env_variables": {"A": "1"}, "log_url": "obs://modelarts-emulator/logs/", "job_description": "d"}
    return build_training_job_body(args, None, name=name, annotations={"airflow/run-key": "k"})


def test_every_request_builder_passes_the_tables() -> None:
    built = [api.create_job(good_body("wire")), api.search_jobs([{"key": "name", "operator": "like",
                                                                  "value": ["x"]}], offset=1, limit=10),
             api.get_job("j1"), api.update_job("j1", "new"), api.delete_job("j1"), api.terminate_job("j1"),
             api.preview_log("j1"), api.get_metrics("j1"), api.list_flavors("CPU"), api.list_flavors(),
             api.list_engines()]
    for request in built:
        path = request.path.replace("{project_id}", "p1")
        query = [(k, str(v)) for k, v in request.query_pairs()]
        assert contract.wire_problems(request.method, path, query, request.body_bytes()) == [], request.kind


@pytest.mark.parametrize(("change", "named"), [
    (lambda b: b.update(bogus=1), "bogus: unknown field"),
    (lambda b: b["algorithm"].update(environments=[{"A": "1"}]), "algorithm.environments: expected map"),
    (lambda b: b["spec"]["resource"].update(node_count="2"), "spec.resource.node_count: expected integer"),
    (lambda b: b["metadata"].pop("name"), "metadata.name: missing mandatory field"),
    (lambda b: b["algorithm"]["inputs"][0].pop("remote"), "algorithm.inputs[0].remote: missing mandatory"),
    (lambda b: b["algorithm"]["outputs"][0]["remote"]["obs"].update(path="x"),
     "algorithm.outputs[0].remote.obs.path: unknown field"),
])
def test_undocumented_shapes_get_400_naming_the_field(emulator: Any, change: Any, named: str) -> None:
    payload = good_body("strict")
    change(payload)
    resp = requests.post(f"{emulator.url}/v2/{emulator.project_id}/training-jobs", data=json.dumps(payload),
                         headers={**emulator.headers(), "Content-Type": "application/json"}, timeout=30)
    assert resp.status_code == 400, resp.text
    err = resp.json()
    assert err["error_code"] == "ModelArts.2788" and named in err["error_msg"], err
    assert err["error_solution"]
    assert emulator.count("training_v2.create") == 1


def test_answers_use_the_response_models_types(emulator: Any) -> None:
    headers = {**emulator.headers(), "Content-Type": "application/json"}
    base = f"{emulator.url}/v2/{emulator.project_id}"
    job = requests.post(f"{base}/training-jobs", data=json.dumps(good_body("answer")), headers=headers,
                        timeout=30).json()
    assert job["algorithm"]["environments"] == [{"A": "1"}]  # a list of maps (SDK JobAlgorithmResponse)
    assert isinstance(job["spec"]["resource"]["flavor_detail"]["flavor_info"]["disk"]["size"], str)  # SDK Disk
    flavors = requests.get(f"{base}/training-job-flavors", headers=headers, timeout=30).json()["flavors"]
    assert all(isinstance(f["flavor_info"]["disk"]["size"], int) for f in flavors)  # SDK DiskResponse
    assert not [e for e in emulator.requests() if e.get("contract")]
