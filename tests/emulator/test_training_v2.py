"""v2 training jobs in the emulator, driven over HTTP by the official Huawei SDK (and ``requests`` elsewhere).

The emulator runs at speed 10; tests move its clock with ``handle.advance`` instead of sleeping.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import requests
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkmodelarts.v1 import (
    ChangeTrainingJobDescriptionRequest,
    CreateTrainingJobRequest,
    DeleteTrainingJobRequest,
    Filter,
    Input,
    InputDataInfo,
    InputDataInfoObs,
    Job,
    JobActionType,
    JobAlgorithm,
    JobEngine,
    JobMetadata,
    JobSearches,
    JobUpdateRequestBody,
    ListTrainingJobsRequest,
    ModelArtsClient,
    Output,
    Parameters,
    Remote,
    RemoteObs,
    ShowTrainingJobDetailsRequest,
    ShowTrainingJobEnginesRequest,
    ShowTrainingJobFlavorsRequest,
    ShowTrainingJobLogsPreviewRequest,
    ShowTrainingJobMetricsRequest,
    Spec,
    SpecResource,
    StopTrainingJobRequest,
)

from airflow_provider_modelarts.emulator.resources import training_v2 as tv2
from airflow_provider_modelarts.emulator.state import Lifecycle

PYTORCH = ("PyTorch", "pytorch_1.8.0-cuda_10.2-py_3.7-ubuntu_18.04-x86_64")
FINAL = {"Completed", "Failed", "Abnormal", "Terminated"}


# ---- helpers ---------------------------------------------------------------------------------------------------
def make_client(handle: Any, sk: str | None = None) -> ModelArtsClient:
    """The official SDK pointed at the emulator's plain-http endpoint (SSL verification off, no retries)."""
    config = HttpConfig.get_default_config()
    config.ignore_ssl_verification = True
    config.timeout = (5, 30)
    credentials = BasicCredentials(handle.ak, sk or handle.sk, handle.project_id)
    return ModelArtsClient.new_builder().with_http_config(config).with_credentials(credentials) \
        .with_endpoint(handle.url).build()


@pytest.fixture
def client(emulator: Any) -> ModelArtsClient:
    return make_client(emulator)


def unique(prefix: str = "job") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def body(name: str, *, outcome: str | None = None, node_count: int = 1, flavor: str = "modelarts.vm.cpu.8u",
         **algorithm: Any) -> dict[str, Any]:
    """A valid create body (code_dir + boot_file, PyTorch engine), with overrides of ``algorithm``."""
    alg: dict[str, Any] = {
        "code_dir": "obs://modelarts-emulator/code/", "boot_file": "obs://modelarts-emulator/code/train.py",
        "engine": {"engine_name": PYTORCH[0], "engine_version": PYTORCH[1]},
        "inputs": [{"name": "data_url", "remote": {"obs": {"obs_url": "obs://modelarts-emulator/data/"}}}],
        "outputs": [{"name": "train_url", "remote": {"obs": {"obs_url": "obs://modelarts-emulator/out/"}}}],
    }
    if outcome:
        alg["environments"] = {tv2.OUTCOME_ENV: outcome}
    alg.update(algorithm)
    return {"kind": "job", "metadata": {"name": name, "description": "emulator test"}, "algorithm": alg,
            "spec": {"resource": {"flavor_id": flavor, "node_count": node_count}}}


def api(handle: Any, method: str, path: str, **kwargs: Any) -> requests.Response:
    """A token-authenticated ModelArts call on ``/v2/{project_id}{path}``."""
    return requests.request(method, f"{handle.url}/v2/{handle.project_id}{path}", headers=handle.headers(),
                            timeout=30, **kwargs)


def create(handle: Any, name: str, **kwargs: Any) -> dict[str, Any]:
    resp = api(handle, "POST", "/training-jobs", json=body(name, **kwargs))
    assert resp.status_code == 201, resp.text
    return dict(resp.json())


def show(handle: Any, job_id: str) -> dict[str, Any]:
    resp = api(handle, "GET", f"/training-jobs/{job_id}")
    assert resp.status_code == 200, resp.text
    return dict(resp.json())


def log(handle: Any, job_id: str, task: str = "worker-0") -> dict[str, Any]:
    resp = api(handle, "GET", f"/training-jobs/{job_id}/tasks/{task}/logs/preview")
    assert resp.status_code == 200, resp.text
    return dict(resp.json())


def observe(handle: Any, job_id: str, *, step: float = 0.5, limit: int = 200) -> tuple[list[str], dict[str, Any]]:
    """Poll the job while advancing the clock; return the distinct phases seen in order and the last job."""
    seen: list[str] = []
    for _ in range(limit):
        job = show(handle, job_id)
        if not seen or seen[-1] != job["status"]["phase"]:
            seen.append(job["status"]["phase"])
        if job["status"]["phase"] in FINAL:
            return seen, job
        handle.advance(step)
    raise AssertionError(f"job {job_id} did not finish; phases seen {seen}")


def assert_phase_path(seen: list[str], expected: list[str]) -> None:
    """The phases polled over HTTP are ``expected`` in order, ending with its last one.

    Real time runs on (speed 10) between polls, so on a loaded machine a short phase (Creating lasts 0.2 s) can
    pass unseen; the exact timeline of every outcome is checked without HTTP in ``test_phase_timeline``.
    """
    remaining = iter(expected)
    assert all(phase in remaining for phase in seen), (seen, expected)
    assert seen[-1] == expected[-1], (seen, expected)


def assert_error(resp: requests.Response, status: int, code: str) -> dict[str, Any]:
    assert resp.status_code == status, resp.text
    err = dict(resp.json())
    assert err["error_code"] == code, err
    assert err["error_msg"] and err["error_solution"]
    return err


# ---- the state machine at exact emulated times (pure, no HTTP) -------------------------------------------------
@pytest.mark.parametrize(("outcome", "timeline"), [
    ("success", [(1, "Creating", "Creating"), (3, "Pending", "Queuing"), (10, "Running", "Running"),
                 (26, "Completed", "Completed")]),
    ("fail", [(24, "Running", "Running"), (25.5, "Failed", "Failed")]),
    ("abnormal", [(26, "Abnormal", "Lost")]),
    ("terminated", [(26, "Terminating", "Terminating"), (28, "Terminated", "Terminated")]),
    ("stuck", [(10_000, "Running", "Running")]),
    ("slow", [(30, "Running", "Running"), (206, "Completed", "Completed")]),
    ("create_failed", [(1, "Creating", "Creating"), (2.5, "Failed", "CreateFailed")]),
])
def test_phase_timeline(outcome: str, timeline: list[tuple[float, str, str]]) -> None:
    parts = tv2.validate_create(body("timeline"))
    parts["metadata"].update(id="j", create_time=0, user_name="u")
    steps, final, seconds = tv2._plan(outcome)
    rec = tv2.JobRecord(job=parts, life=Lifecycle(steps, final, 1000.0), outcome=outcome, exit_code=1,
                        run_seconds=seconds, created=1000.0)
    for offset, phase, secondary in timeline:
        status = tv2.render(rec, 1000.0 + offset)["status"]
        assert (status["phase"], status["secondary_phase"]) == (phase, secondary), (outcome, offset)


# ---- create / show / complete through the SDK ---------------------------------------------------------------
def sdk_job(name: str, outcome: str | None = None, node_count: int = 1) -> Job:
    """The create body built with the SDK's own model classes."""
    env = {tv2.OUTCOME_ENV: outcome} if outcome else {}
    algorithm = JobAlgorithm(
        code_dir="obs://modelarts-emulator/code/", boot_file="obs://modelarts-emulator/code/train.py",
        engine=JobEngine(engine_name=PYTORCH[0], engine_version=PYTORCH[1]),
        parameters=[Parameters(name="epochs", value="3")],
        inputs=[Input(name="data_url", remote=InputDataInfo(obs=InputDataInfoObs(obs_url="obs://modelarts-emulator/d/")))],
        outputs=[Output(name="train_url", remote=Remote(obs=RemoteObs(obs_url="obs://modelarts-emulator/o/")))],
        environments=env)
    return Job(kind="job", metadata=JobMetadata(name=name, description="via sdk"), algorithm=algorithm,
               spec=Spec(resource=SpecResource(flavor_id="modelarts.vm.cpu.8u", node_count=node_count)))


def test_sdk_create_show_and_complete(emulator: Any, client: ModelArtsClient) -> None:
    name = unique("sdk")
    created = client.create_training_job(CreateTrainingJobRequest(body=sdk_job(name, node_count=2)))
    assert created.status_code == 201
    assert created.kind == "job" and created.metadata.name == name and created.metadata.workspace_id == "0"
    assert uuid.UUID(created.metadata.id) and created.metadata.create_time > 1_600_000_000_000
    assert created.status.phase == "Creating" and created.status.tasks == ["worker-0", "worker-1"]
    assert created.algorithm.engine.engine_id == PYTORCH[1]
    assert created.algorithm.inputs[0].local_dir == "/home/ma-user/modelarts/inputs/data_url_0"
    assert created.algorithm.parameters[0].name == "epochs" and created.algorithm.parameters[0].value == "3"
    assert created.spec.resource.flavor_detail.flavor_type == "CPU"
    assert created.spec.resource.flavor_detail.flavor_info.cpu.core_num == 8

    job_id = created.metadata.id
    phases, job = observe(emulator, job_id)
    assert_phase_path(phases, ["Creating", "Pending", "Running", "Completed"])
    assert job["status"]["secondary_phase"] == "Completed"
    assert job["status"]["duration"] == 20_000
    assert job["status"]["start_time"] >= created.metadata.create_time + 5000
    assert job["status"]["task_statuses"] == [{"task": "worker-0", "exit_code": 0, "message": ""},
                                              {"task": "worker-1", "exit_code": 0, "message": ""}]

    shown = client.show_training_job_details(ShowTrainingJobDetailsRequest(training_job_id=job_id))
    assert shown.status.phase == "Completed" and shown.status.task_statuses[0].exit_code == 0
    preview = client.show_training_job_logs_preview(
        ShowTrainingJobLogsPreviewRequest(training_job_id=job_id, task_id="worker-1"))
    assert "[worker-1] epoch 20/20" in preview.content and preview.content.rstrip().endswith("exit with 0")
    assert preview.current_size == preview.full_size == len(preview.content.encode())


def test_log_grows_while_running(emulator: Any) -> None:
    job_id = create(emulator, unique("grow"), outcome="stuck")["metadata"]["id"]
    assert log(emulator, job_id) == {"content": "", "current_size": 0, "full_size": 0}
    emulator.advance(8)
    first = log(emulator, job_id)
    emulator.advance(5)
    second = log(emulator, job_id)
    assert first["content"] and second["content"].startswith(first["content"])
    assert second["full_size"] >= first["full_size"] + 5 * len("[worker-0] epoch 1/? loss=0.0000\n") - 5
    assert "[worker-0] epoch 3/? loss=" in second["content"]
    emulator.advance(10_000)
    assert show(emulator, job_id)["status"]["phase"] == "Running"  # stuck for ever
    api(emulator, "POST", f"/training-jobs/{job_id}/actions", json={"action_type": "terminate"})


# ---- every outcome ---------------------------------------------------------------------------------------------
def test_failed_job_has_traceback_and_exit_code(emulator: Any) -> None:
    name = unique("fail")
    emulator.set_outcome("training_v2", "fail", match=name)
    job_id = create(emulator, name, node_count=2)["metadata"]["id"]
    phases, job = observe(emulator, job_id)
    assert phases[-2:] == ["Running", "Failed"]
    assert job["status"]["secondary_phase"] == "Failed"
    first, second = job["status"]["task_statuses"]
    assert first["task"] == "worker-0" and first["exit_code"] == 1 and "RuntimeError" in first["message"]
    assert second["exit_code"] == 137
    lines = log(emulator, job_id)["content"].strip().splitlines()
    assert "Traceback (most recent call last):" in lines[-8:]
    assert lines[-2].startswith("RuntimeError:") and lines[-1].endswith("exit with 1")


def test_fail_with_explicit_exit_code(emulator: Any) -> None:
    job_id = create(emulator, unique("fail7"), outcome="fail:7")["metadata"]["id"]
    _, job = observe(emulator, job_id, step=3)
    assert job["status"]["phase"] == "Failed" and job["status"]["task_statuses"][0]["exit_code"] == 7


def test_abnormal_via_environment_trigger(emulator: Any) -> None:
    job_id = create(emulator, unique("abn"), outcome="abnormal")["metadata"]["id"]
    phases, job = observe(emulator, job_id, step=3)
    assert phases[-1] == "Abnormal" and job["status"]["secondary_phase"] == "Lost"
    assert job["status"]["task_statuses"][0]["exit_code"] == -1


def test_terminated_outcome_without_terminate_call(emulator: Any) -> None:
    name = unique("term")
    emulator.set_outcome("training_v2", "terminated", match=name)
    job_id = create(emulator, name)["metadata"]["id"]
    phases, job = observe(emulator, job_id)
    assert_phase_path(phases, ["Creating", "Pending", "Running", "Terminating", "Terminated"])
    assert job["status"]["task_statuses"][0]["message"] == "Terminated by the system."
    assert emulator.count("training_v2.action") == 0


def test_slow_runs_ten_times_longer(emulator: Any) -> None:
    job_id = create(emulator, unique("slow"), outcome="slow")["metadata"]["id"]
    emulator.advance(40)
    assert show(emulator, job_id)["status"]["phase"] == "Running"
    emulator.advance(170)
    job = show(emulator, job_id)
    assert job["status"]["phase"] == "Completed" and job["status"]["duration"] == 200_000


def test_create_failed(emulator: Any) -> None:
    name = unique("cf")
    emulator.set_outcome("training_v2", "create_failed", match=name)
    job_id = create(emulator, name)["metadata"]["id"]
    emulator.advance(3)
    job = show(emulator, job_id)
    assert (job["status"]["phase"], job["status"]["secondary_phase"]) == ("Failed", "CreateFailed")
    assert job["status"]["start_time"] == 0 and job["status"]["duration"] == 0
    assert "insufficient resources" in log(emulator, job_id)["content"]


def test_unknown_outcome_word_is_rejected(emulator: Any) -> None:
    resp = api(emulator, "POST", "/training-jobs", json=body(unique("bad"), outcome="explode"))
    assert_error(resp, 400, "ModelArts.2788")


# ---- terminate / update / delete ------------------------------------------------------------------------------
def test_terminate_through_sdk(emulator: Any, client: ModelArtsClient) -> None:
    job_id = create(emulator, unique("stop"), outcome="stuck")["metadata"]["id"]
    emulator.advance(8)
    stopped = client.stop_training_job(
        StopTrainingJobRequest(training_job_id=job_id, body=JobActionType(action_type="terminate")))
    assert stopped.status_code == 202
    assert stopped.metadata.id == job_id and stopped.status.phase == "Terminating"
    emulator.advance(3)
    job = show(emulator, job_id)
    assert job["status"]["phase"] == "Terminated"
    assert job["status"]["task_statuses"][0] == {"task": "worker-0", "exit_code": 137,
                                                 "message": "Terminated by the user."}
    assert job["status"]["duration"] > 0
    assert "received SIGTERM" in log(emulator, job_id)["content"]
    with pytest.raises(ClientRequestException) as info:
        client.stop_training_job(
            StopTrainingJobRequest(training_job_id=job_id, body=JobActionType(action_type="terminate")))
    assert info.value.status_code == 409 and info.value.error_code == "ModelArts.2796"


def test_terminate_while_creating_and_unknown_action(emulator: Any) -> None:
    job_id = create(emulator, unique("early"))["metadata"]["id"]
    resp = api(emulator, "POST", f"/training-jobs/{job_id}/actions", json={"action_type": "restart"})
    assert_error(resp, 400, "ModelArts.2788")
    resp = api(emulator, "POST", f"/training-jobs/{job_id}/actions", json={"action_type": "terminate"})
    assert resp.status_code == 202 and resp.json()["status"]["phase"] == "Terminating"
    emulator.advance(30)
    job = show(emulator, job_id)
    assert job["status"]["phase"] == "Terminated" and job["status"]["start_time"] == 0


def test_update_description_and_delete_through_sdk(emulator: Any, client: ModelArtsClient) -> None:
    job_id = create(emulator, unique("upd"))["metadata"]["id"]
    updated = client.change_training_job_description(ChangeTrainingJobDescriptionRequest(
        training_job_id=job_id, body=JobUpdateRequestBody(description="new words")))
    assert updated.status_code == 200
    assert show(emulator, job_id)["metadata"]["description"] == "new words"
    resp = api(emulator, "PUT", f"/training-jobs/{job_id}", json={"description": "x" * 257})
    assert_error(resp, 400, "ModelArts.2788")
    resp = api(emulator, "PUT", f"/training-jobs/{job_id}", json={"metadata": {"name": "renamed"}})
    assert_error(resp, 400, "ModelArts.2788")

    deleted = client.delete_training_job(DeleteTrainingJobRequest(training_job_id=job_id))
    assert deleted.status_code == 202
    with pytest.raises(ClientRequestException) as info:
        client.show_training_job_details(ShowTrainingJobDetailsRequest(training_job_id=job_id))
    assert info.value.status_code == 400 and info.value.error_code == "ModelArts.2775"
    assert_error(api(emulator, "DELETE", f"/training-jobs/{job_id}"), 400, "ModelArts.2775")


def test_other_project_cannot_see_the_job(emulator: Any) -> None:
    job_id = create(emulator, unique("iso"))["metadata"]["id"]

    class Other:
        url, ak, sk, project_id = emulator.url, emulator.other_ak, emulator.other_sk, emulator.other_project_id

    other = make_client(Other)
    with pytest.raises(ClientRequestException) as info:
        other.show_training_job_details(ShowTrainingJobDetailsRequest(training_job_id=job_id))
    assert info.value.status_code == 400 and info.value.error_code == "ModelArts.2775"


# ---- search ----------------------------------------------------------------------------------------------------
def search(handle: Any, **query: Any) -> dict[str, Any]:
    resp = api(handle, "POST", "/training-job-searches", json=query)
    assert resp.status_code == 200, resp.text
    return dict(resp.json())


def test_search_pages_and_filters(emulator: Any, client: ModelArtsClient) -> None:
    prefix = unique("page")
    ids = []
    for i in range(7):
        ids.append(create(emulator, f"{prefix}-{i}", outcome="fail" if i == 3 else None)["metadata"]["id"])
        emulator.advance(0.01)
    like = Filter(key="name", operator="like", value=[prefix])
    pages = []
    for offset in range(4):
        resp = client.list_training_jobs(ListTrainingJobsRequest(body=JobSearches(
            offset=offset, limit=3, filters=[like])))
        assert resp.count == 7 and resp.limit == 3 and resp.offset == offset and resp.total >= 7
        assert resp.sort_by == "create_time" and resp.order == "desc"
        pages.append([item.metadata.id for item in (resp.items or [])])
    assert [len(p) for p in pages] == [3, 3, 1, 0]
    assert [i for page in pages for i in page] == list(reversed(ids))  # newest first, offset = page number

    asc = search(emulator, limit=50, order="asc", filters=[{"key": "name", "operator": "like", "value": [prefix]}])
    assert [item["metadata"]["id"] for item in asc["items"]] == ids
    by_name = search(emulator, limit=2, sort_by="name", order="asc",
                     filters=[{"key": "name", "operator": "like", "value": [prefix.upper()]}])
    assert [item["metadata"]["name"] for item in by_name["items"]] == [f"{prefix}-0", f"{prefix}-1"]

    emulator.advance(30)
    failed = search(emulator, filters=[{"key": "name", "operator": "like", "value": [prefix]},
                                       {"key": "phase", "operator": "in", "value": ["Failed"]}])
    assert [item["metadata"]["id"] for item in failed["items"]] == [ids[3]]
    not_failed = search(emulator, limit=50, filters=[{"key": "name", "operator": "like", "value": [prefix]},
                                                     {"key": "status", "operator": "not", "value": ["Failed"]}])
    assert not_failed["count"] == 6 and ids[3] not in [item["metadata"]["id"] for item in not_failed["items"]]

    times = [show(emulator, i)["metadata"]["create_time"] for i in ids]
    window = search(emulator, limit=50, filters=[
        {"key": "name", "operator": "like", "value": [prefix]},
        {"key": "create_time", "operator": "between", "value": [str(times[2]), str(times[4])]},
        {"key": "phase", "operator": "in", "value": [""]}, {"key": "runtime_type", "operator": "in",
                                                             "value": ["debug"]}])
    assert sorted(item["metadata"]["id"] for item in window["items"]) == sorted(ids[2:5])
    exact = search(emulator, filters=[{"key": "name", "operator": "in", "value": [f"{prefix}-5"]}])
    assert [item["metadata"]["id"] for item in exact["items"]] == [ids[5]]


@pytest.mark.parametrize(("query", "code"), [
    ({"limit": 51}, "ModelArts.2788"),
    ({"limit": 0}, "ModelArts.2788"),
    ({"offset": -1}, "ModelArts.2788"),
    ({"order": "sideways"}, "ModelArts.2788"),
    ({"sort_by": "flavor"}, "ModelArts.2790"),
    ({"filters": [{"key": "colour", "operator": "in", "value": ["red"]}]}, "ModelArts.2807"),
    ({"filters": [{"key": "name", "operator": "regex", "value": ["x"]}]}, "ModelArts.2788"),
])
def test_search_validation(emulator: Any, query: dict[str, Any], code: str) -> None:
    assert_error(api(emulator, "POST", "/training-job-searches", json=query), 400, code)


# ---- validation ------------------------------------------------------------------------------------------------
def _without_source() -> dict[str, Any]:
    b = body("nosrc")
    del b["algorithm"]["code_dir"], b["algorithm"]["boot_file"]
    return b


@pytest.mark.parametrize(("payload", "code"), [
    (body("bad name!"), "ModelArts.2788"),
    (body(""), "ModelArts.2788"),
    (body("x" * 65), "ModelArts.2788"),
    ({**body("kind"), "kind": "visualization"}, "ModelArts.2788"),
    (body("flavor", flavor="modelarts.vm.cpu.999u"), "ModelArts.2781"),
    (body("toomany", node_count=17), "ModelArts.2793"),
    (body("zero", node_count=0), "ModelArts.2788"),
    (body("free", flavor="modelarts.p3.large.public.free", node_count=2), "ModelArts.2793"),
    (_without_source(), "ModelArts.2788"),
    (body("two", id="3f5d6706-7b67-408d-8ba0-ec08048c45ed"), "ModelArts.2788"),
    (body("half", boot_file=None), "ModelArts.2788"),
    (body("outside", boot_file="obs://modelarts-emulator/elsewhere/train.py"), "ModelArts.2758"),
    (body("engine", engine={"engine_name": "PyTorch", "engine_version": "9.9"}), "ModelArts.2780"),
    (body("engineid", engine={"engine_id": "nope"}), "ModelArts.2780"),
    (body("image", code_dir=None, boot_file=None, engine={"image_url": "swr/img:1"}), "ModelArts.2806"),
    (body("noremote", inputs=[{"name": "data_url"}]), "ModelArts.2788"),
    (body("noname", outputs=[{"remote": {"obs": {"obs_url": "obs://b/o/"}}}]), "ModelArts.2788"),
    (body("badobs", outputs=[{"name": "o", "remote": {"obs": {"obs_url": "s3:/x"}}}]), "ModelArts.2791"),
    (body("dup", parameters=[{"name": "a", "value": "1"}, {"name": "a", "value": "2"}]), "ModelArts.2788"),
])
def test_create_validation(emulator: Any, payload: dict[str, Any], code: str) -> None:
    assert_error(api(emulator, "POST", "/training-jobs", json=payload), 400, code)


def test_create_accepts_every_algorithm_source(emulator: Any) -> None:
    variants = [
        {"id": "3f5d6706-7b67-408d-8ba0-ec08048c45ed", "engine": None},
        {"subscription_id": "sub-1", "item_version_id": "ver-1", "engine": None},
        {"engine": {"image_url": "swr.cn-north-4.myhuaweicloud.com/team/img:1.0"}, "command": "python run.py"},
        {"engine": {"engine_id": "xgboost-sklearn-python3.6"}, "boot_file": "train.py",
         "inputs": [{"name": "ds", "remote": {"dataset": {"id": "d1", "version_id": "v1"}}}]},
    ]
    for variant in variants:
        payload = body(unique("src"))
        alg = payload["algorithm"]
        if "id" in variant or "subscription_id" in variant or "command" in variant:
            del alg["code_dir"], alg["boot_file"]
        alg.update({k: v for k, v in variant.items() if v is not None})
        if variant.get("engine", 1) is None:
            del alg["engine"]
        resp = api(emulator, "POST", "/training-jobs", json=payload)
        assert resp.status_code == 201, (variant, resp.text)
    assert resp.json()["algorithm"]["engine"]["engine_name"] == "XGBoost-Sklearn"


def test_bad_json_and_unknown_job(emulator: Any) -> None:
    resp = requests.post(f"{emulator.url}/v2/{emulator.project_id}/training-jobs", data=b"{not json",
                         headers=emulator.headers(), timeout=30)
    assert_error(resp, 400, "ModelArts.2787")
    err = assert_error(api(emulator, "GET", "/training-jobs/00000000-0000-0000-0000-000000000000"), 400,
                       "ModelArts.2775")
    assert "00000000-0000-0000-0000-000000000000" in err["error_msg"]


# ---- flavors, engines, metrics, log link -----------------------------------------------------------------------
def test_flavors_and_engines_through_sdk(emulator: Any, client: ModelArtsClient) -> None:
    every = client.show_training_job_flavors(ShowTrainingJobFlavorsRequest())
    assert every.total_count == len(every.flavors) >= 5
    ids = {f.flavor_id for f in every.flavors}
    assert {"modelarts.vm.cpu.8u", "modelarts.vm.gpu.v100"} <= ids
    gpu = client.show_training_job_flavors(ShowTrainingJobFlavorsRequest(flavor_type="GPU"))
    assert gpu.flavors and all(f.flavor_type == "GPU" and f.flavor_info.gpu.unit_num >= 1 for f in gpu.flavors)
    cpu = client.show_training_job_flavors(ShowTrainingJobFlavorsRequest(flavor_type="CPU"))
    assert {f.flavor_id for f in cpu.flavors} | {f.flavor_id for f in gpu.flavors} == ids
    v100 = next(f for f in every.flavors if f.flavor_id == "modelarts.vm.gpu.v100")
    assert v100.max_num == v100.flavor_info.max_num == 8 and v100.billing.unit_num == 1
    assert_error(api(emulator, "GET", "/training-job-flavors", params={"flavor_type": "TPU"}), 400,
                 "ModelArts.2788")

    engines = client.show_training_job_engines(ShowTrainingJobEnginesRequest())
    assert engines.total == len(engines.items) >= 5
    pytorch = next(e for e in engines.items if e.engine_version == PYTORCH[1])
    assert pytorch.engine_name == "PyTorch" and pytorch.image_info.cpu_image_url and not pytorch.v1_compatible


def test_metrics_through_sdk(emulator: Any, client: ModelArtsClient) -> None:
    job_id = create(emulator, unique("met"), outcome="slow", flavor="modelarts.vm.gpu.v100")["metadata"]["id"]
    request = ShowTrainingJobMetricsRequest(training_job_id=job_id, task_id="worker-0")
    before = {m.metric: m.value for m in client.show_training_job_metrics(request).metrics}
    assert set(before) == {"cpuUsage", "memUsage", "gpuUtil", "gpuMemUsage", "npuUtil", "npuMemUsage"}
    assert all(v == [] for v in before.values())
    emulator.advance(5 + 150)
    after = {m.metric: [float(x) for x in m.value] for m in client.show_training_job_metrics(request).metrics}
    assert len(after["cpuUsage"]) == 3  # one value per started minute of Running
    assert all(0 <= v <= 100 for v in after["cpuUsage"] + after["gpuUtil"])
    assert after["npuUtil"] == [-1.0, -1.0, -1.0]
    assert_error(api(emulator, "GET", f"/training-jobs/{job_id}/metrics/worker-9"), 400, "ModelArts.2788")


def test_log_url_is_a_temporary_link(emulator: Any) -> None:
    job_id = create(emulator, unique("url"))["metadata"]["id"]
    emulator.advance(30)
    resp = api(emulator, "GET", f"/training-jobs/{job_id}/tasks/worker-0/logs/url")
    assert resp.status_code == 200
    link = resp.json()["obs_url"]
    text = requests.get(link, timeout=30)
    assert text.status_code == 200 and text.headers["Content-Type"].startswith("text/plain")
    assert text.text == log(emulator, job_id)["content"]
    download = requests.get(f"{emulator.url}/v2/{emulator.project_id}/training-jobs/{job_id}/tasks/worker-0/logs/url",
                            headers={**emulator.headers(), "Content-Type": "application/octet-stream"}, timeout=30)
    fetched = requests.get(download.json()["obs_url"], timeout=30)
    assert fetched.headers["Content-Disposition"] == 'attachment; filename="worker-0.log"'
    emulator.advance(tv2.LOG_LINK_TTL_S + 1)
    assert requests.get(link, timeout=30).status_code == 403
    assert_error(api(emulator, "GET", f"/training-jobs/{job_id}/tasks/worker-3/logs/preview"), 400, "ModelArts.2788")


# ---- authentication --------------------------------------------------------------------------------------------
def test_wrong_secret_key_is_rejected_by_the_gateway(emulator: Any) -> None:
    bad = make_client(emulator, sk="wrong-secret-key-000000000000000000000000")
    with pytest.raises(ClientRequestException) as info:
        bad.show_training_job_engines(ShowTrainingJobEnginesRequest())
    assert info.value.status_code == 401 and info.value.error_code == "APIG.0301"
    assert emulator.count("training_v2.engines") == 1
