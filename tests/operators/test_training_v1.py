"""Legacy v1 training operators and sensors in real Airflow (``airflow dags test``) against the emulator."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from airflow_provider_modelarts.client.states import V1_STATUS_CODES
from tests.airflow_run import kill_when, latest_run_id, run_dag, run_same_run, same_run_command, ti_states, xcom

DAG_FILE = Path(__file__).resolve().parents[1] / "dags" / "training_v1_dags.py"
FAILURE_CODES = (3, 5, 6, 11, 13, 14, 16, 17, 21, 22)


pytestmark = pytest.mark.usefixtures("modelarts_airflow")


@pytest.fixture
def hook(modelarts_conn):
    from airflow_provider_modelarts.hooks.modelarts import ModelArtsHook

    return ModelArtsHook()


def _status_text(code: int) -> str:
    name, meaning, _ = V1_STATUS_CODES[code]
    return f"status {code} ({name}: {meaning})"


def _log_lines(text: str, marker: str) -> list[str]:
    return [line[line.index(marker):] for line in text.splitlines() if marker in line]


def test_success_returns_summary_xcom_keys_link_and_streams_the_log_once(emulator, hook) -> None:
    dr = run_dag("t1_success")
    assert ti_states(dr) == {"train": "success"}, dr.output[-3000:]
    job_id, version_id = xcom(dr, "train", "job_id"), xcom(dr, "train", "version_id")
    summary = xcom(dr, "train")
    assert summary["status"] == 10 and summary["status_text"] == "10 (JOBSTAT_COMPLETED: job completed)"
    assert (summary["job_id"], summary["version_id"]) == (job_id, version_id)
    assert summary["spec_code"] == "modelarts.vm.cpu.2u" and summary["engine"] == "PyTorch PyTorch-1.0.0-python3.6"
    assert summary["train_url"] == "/modelarts-emulator/v1/output/" and summary["metrics"]["accuracy"] == 0.92
    version = hook.get_training_job_version_v1(job_id, version_id)
    assert xcom(dr, "train", "job_name") == version["job_name"] and version["job_name"].startswith("train-")
    assert xcom(dr, "train", "version_name") == "V0001"
    assert {"label": "epochs", "value": "3"} in version["parameter"]  # templated from params
    assert version["app_url"] == "/modelarts-emulator/v1/code/"
    assert version["boot_file_url"] == "/modelarts-emulator/v1/code/train.py"
    assert hook.get_training_job_version_v1(job_id, version_id)["job_desc"] == "nightly v1 run"
    assert xcom(dr, "train", "modelarts_training_job_v1_link") == {"region": "cn-north-4", "job_id": job_id,
                                                                   "version_id": version_id}
    # names resolved with one listing call each
    assert emulator.count("training_v1.resource_specs") == 1 and emulator.count("training_v1.ai_engines") == 1
    assert emulator.count("training_v1.create") == 1
    # every log line once, in order, up to the final one
    epochs = _log_lines(dr.output, "epoch ")
    numbers = [int(re.match(r"epoch (\d+):", e).group(1)) for e in epochs]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 5, epochs
    assert len(_log_lines(dr.output, "job completed successfully (status 10 JOBSTAT_COMPLETED)")) == 1


def test_every_failure_code_fails_its_task_naming_the_code_and_its_meaning(emulator) -> None:
    dr = run_dag("t1_codes", timeout=600)
    states = ti_states(dr)
    assert states == {**{f"code_{c}": "failed" for c in FAILURE_CODES}, "killed": "failed"}, states
    for code in (*FAILURE_CODES, 12):
        assert _status_text(code) in dr.output, f"code {code} not reported"
    assert "Failed to mount the storage volume" in dr.output  # the log tail of code 22 in the error
    assert emulator.count("training_v1.create") == len(FAILURE_CODES) + 1


def test_version_two_chains_from_version_one(emulator, hook) -> None:
    dr = run_dag("t1_version")
    assert ti_states(dr) == {"train": "success", "retrain": "success"}, dr.output[-3000:]
    job_id, first = xcom(dr, "train", "job_id"), xcom(dr, "train", "version_id")
    second = xcom(dr, "retrain", "version_id")
    assert xcom(dr, "retrain", "job_id") == job_id and second != first
    assert xcom(dr, "retrain", "version_name") == "V0002"
    detail = hook.get_training_job_version_v1(job_id, second)
    assert detail["pre_version_id"] == first and detail["status"] == 10
    assert detail["spec_code"] == "modelarts.vm.gpu.p100"  # replaced
    assert detail["data_url"] == "/modelarts-emulator/v1/data/"  # inherited from version 1 (by the client)
    assert (detail["app_url"], detail["engine_name"], detail["worker_server_num"]) == (
        "/modelarts-emulator/v1/code/", "PyTorch", 1)
    assert detail["job_desc"].endswith("]") and "[airflow-run:" in detail["job_desc"]
    assert {"label": "epochs", "value": "7"} in detail["parameter"]
    assert [v["version_id"] for v in hook.list_training_job_versions_v1(job_id)] == [second, first]
    assert emulator.count("training_v1.create_version") == 1


def test_stop_waits_for_killed_then_a_second_stop_is_a_no_op(emulator, hook) -> None:
    dr = run_dag("t1_stop")
    assert ti_states(dr) == {"train": "success", "stop": "success", "stop_again": "success",
                             "delete": "success"}, dr.output[-3000:]
    assert xcom(dr, "stop")["status"] == 12
    assert xcom(dr, "stop_again")["status"] == 12 and "can't be stop" in dr.output
    assert emulator.count("training_v1.stop") == 2 and emulator.count("training_v1.delete") == 1
    assert not hook.find_training_jobs_v1_by_name(xcom(dr, "train", "job_name"))


@pytest.mark.parametrize("dag_id", ["t1_max_wait", "t1_on_kill"])
def test_max_wait_and_on_kill_stop_the_version(emulator, hook, dag_id) -> None:
    dr = run_dag(dag_id)
    assert ti_states(dr) == {"train": "failed"}
    version = hook.get_training_job_version_v1(xcom(dr, "train", "job_id"), xcom(dr, "train", "version_id"))
    assert version["status"] in (9, 12)
    assert emulator.count("training_v1.stop") == 1


def test_deferred_run_completes_and_streams_each_log_line_once(emulator) -> None:
    dr = run_dag("t1_deferred")
    assert ti_states(dr) == {"train": "success"}, dr.output[-3000:]
    assert "running trigger in line" in dr.output
    epochs = _log_lines(dr.output, "epoch ")
    numbers = [int(re.match(r"epoch (\d+):", e).group(1)) for e in epochs]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 5, epochs
    assert len(_log_lines(dr.output, "job completed successfully")) == 1
    assert xcom(dr, "train")["status"] == 10


def test_deferred_failure_names_the_code_and_carries_the_log_tail(emulator) -> None:
    dr = run_dag("t1_deferred_failed")
    assert ti_states(dr) == {"train": "failed"}
    assert _status_text(22) in dr.output and "Last log lines:" in dr.output
    assert "ERROR: job failed with status 22 MOUNT_FAILED" in dr.output


def test_bad_spec_fails_naming_fields_with_zero_requests(emulator) -> None:
    emulator.clear_requests()
    dr = run_dag("t1_bad_spec")
    assert ti_states(dr) == {"train": "failed"}
    assert "train_instance_count" in dr.output and "output_path" in dr.output and "fix:" in dr.output
    assert [r for r in emulator.requests() if not r["kind"].startswith("iam")] == []


def test_builtin_algorithm_custom_image_dataset_and_data_source_variants(emulator, hook) -> None:
    dr = run_dag("t1_variants")
    assert ti_states(dr) == {"builtin": "success", "image": "success"}, dr.output[-3000:]
    builtin = hook.get_training_job_version_v1(xcom(dr, "builtin", "job_id"), xcom(dr, "builtin", "version_id"))
    assert builtin["model_id"] == 4 and builtin["spec_code"] == "modelarts.vm.gpu.v100"
    assert (builtin["dataset_id"], builtin["dataset_version_id"]) == ("dsAbc", "verXyz")
    assert builtin["app_url"] == "" and {"label": "lr", "value": "0.01"} in builtin["parameter"]
    image = hook.get_training_job_version_v1(xcom(dr, "image", "job_id"), xcom(dr, "image", "version_id"))
    assert image["user_image_url"] == "swr.example.com/team/trainer:1.0" and image["worker_server_num"] == 2
    assert image["data_source"] == [{"type": "obs", "data_url": "/modelarts-emulator/v1/data/"}]
    assert image["log_url"] == "/modelarts-emulator/v1/logs/" and image["spec_id"] == 1
    assert emulator.count("training_v1.builtin_algorithms") == 1


def test_sensor_poke_and_deferred(emulator) -> None:
    dr = run_dag("t1_sensor")
    assert ti_states(dr) == {"train": "success", "wait_poke": "success", "wait_deferred": "success"}
    ids = {"job_id": xcom(dr, "train", "job_id"), "version_id": xcom(dr, "train", "version_id")}
    assert xcom(dr, "wait_poke") == {**ids, "status": 10}
    assert xcom(dr, "wait_deferred") == {**ids, "status": 10}


def test_sensor_fails_on_a_failure_code_with_its_meaning(emulator) -> None:
    dr = run_dag("t1_sensor_failed")
    assert ti_states(dr) == {"train": "success", "wait": "failed"}
    assert "14 (JOBSTAT_LOST: job lost)" in dr.output


def test_worker_killed_mid_wait_then_retried_creates_one_job(emulator, airflow_db, hook) -> None:
    """SIGKILL the worker while it waits; the same task instance then runs again and reattaches."""
    date = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
    kill_when(same_run_command(DAG_FILE, "t1_reattach", date), lambda: emulator.count("training_v1.get_version") >= 3)  # created, waiting
    assert emulator.count("training_v1.create") == 1
    first_run = latest_run_id("t1_reattach")
    dr = run_same_run(DAG_FILE, "t1_reattach", date)
    assert dr.run_id == first_run
    assert ti_states(dr) == {"train": "success"}, dr.output[-3000:]
    assert "Reattaching to training_v1" in dr.output, dr.output[-3000:]
    assert emulator.count("training_v1.create") == 1
    assert xcom(dr, "train")["status"] == 10


def test_retry_after_a_failed_job_creates_a_new_uniquely_named_job(emulator, hook) -> None:
    """v1 names are unique: the retry's create collides with the failed job and takes ``<name>-2``."""
    emulator.set_outcome("training_v1", "code:11", match="train-", count=1)  # the first try's job fails
    dr = run_dag("t1_retry")
    assert ti_states(dr) == {"train": "success"}, dr.output[-3000:]
    assert _status_text(11) in dr.output  # the first try failed
    name = xcom(dr, "train", "job_name")
    assert re.fullmatch(r"train-[0-9a-f]{12}-2", name), name
    assert [r["status"] for r in emulator.requests("training_v1.create")] == [200, 400, 200]  # 0103, then -2


def test_config_create_update_get_list_delete(emulator, hook) -> None:
    dr = run_dag("t1_config")
    assert ti_states(dr) == {"create": "success", "update": "success", "delete": "success",
                             "delete_missing": "success"}, dr.output[-3000:]
    created, updated = xcom(dr, "create"), xcom(dr, "update")
    assert created["config_desc"] == "first" and created["spec_code"] == "modelarts.vm.cpu.2u"
    assert updated["config_desc"] == "second" and updated["spec_code"] == "modelarts.vm.gpu.p100"
    assert {"label": "epochs", "value": "5"} in updated["parameter"]
    assert emulator.count("training_v1.update_config") == 1
    assert emulator.count("training_v1.delete_config") == 2  # the second one finds nothing
    assert "cfg-a" not in {c["config_name"] for c in hook.list_training_job_configs_v1()}
    # the hook's own CRUD round trip
    hook.create_training_job_config_v1("cfg-hook", {
        "worker_server_num": 1, "app_url": "/b/c/", "boot_file_url": "/b/c/t.py", "data_url": "/b/d/",
        "spec_id": 2, "engine_id": 8}, "by hook")
    try:
        assert hook.get_training_job_config_v1("cfg-hook")["engine_name"] == "PyTorch"
        hook.update_training_job_config_v1("cfg-hook", {  # an update replaces the whole configuration
            "worker_server_num": 1, "app_url": "/b/c/", "boot_file_url": "/b/c/t.py", "data_url": "/b/e/",
            "spec_id": 2, "engine_id": 8}, "changed")
        got = hook.get_training_job_config_v1("cfg-hook")
        assert (got["data_url"], got["config_desc"]) == ("/b/e/", "changed")
        assert "sample-tensorflow-mnist" in {c["config_name"] for c in hook.list_training_job_configs_v1(
            config_type="sample")}
    finally:
        hook.delete_training_job_config_v1("cfg-hook")
    assert "cfg-hook" not in {c["config_name"] for c in hook.list_training_job_configs_v1()}


def test_visualization_job_lifecycle(emulator, hook) -> None:
    dr = run_dag("t1_visualization")
    assert ti_states(dr) == {"board": "success", "is_up": "success", "stop": "success", "restart": "success",
                             "delete": "success"}, dr.output[-3000:]
    board = xcom(dr, "board")
    assert board["status"] == 8 and board["service_url"] == xcom(dr, "board", "service_url")
    assert len(xcom(dr, "board", "job_name")) <= 20
    assert xcom(dr, "stop")["status"] == 12 and xcom(dr, "restart")["status"] == 8
    assert emulator.count("training_v1.restart_visualization") == 1
    hook_jobs = {j["job_id"] for j in hook.list_visualization_jobs()}
    assert board["job_id"] not in hook_jobs  # deleted


def test_visualization_hook_update_and_lookups(emulator, hook) -> None:
    job = hook.create_visualization_job({"job_name": "vis-hook", "train_url": "/modelarts-emulator/v1/output/"})
    try:
        hook.update_visualization_job(job["job_id"], "described")
        assert hook.get_visualization_job(job["job_id"])["job_desc"] == "described"
    finally:
        hook.delete_visualization_job(job["job_id"])
    assert "ResNet_v2_50" in {m["model_name"] for m in hook.list_builtin_algorithms_v1()}
    assert hook.resolve_spec_id_v1("modelarts.vm.gpu.p100") == 3
    assert hook.resolve_engine_id_v1("pytorch", "PyTorch-1.3.0-python3.6") == 9
    with pytest.raises(ValueError, match="modelarts.vm.cpu.2u"):
        hook.resolve_spec_id_v1("no-such-flavor")
    hook.resolve_spec_id_v1("modelarts.vm.cpu.8u")
    assert emulator.count("training_v1.resource_specs") == 1  # cached on the hook


def test_log_file_names_and_reads(emulator, hook) -> None:
    emulator.set_outcome("training_v1", "success", match="logs-hook")
    body = {"job_name": "logs-hook", "config": {
        "worker_server_num": 2, "app_url": "/b/c/", "boot_file_url": "/b/c/t.py", "data_url": "/b/d/",
        "spec_id": 1}}
    created = hook.create_training_job_v1(body)
    try:
        job_id, version_id = created["job_id"], created["version_id"]
        assert hook.list_training_job_v1_log_files(job_id, version_id) == ["logs-hook.0", "logs-hook.1"]
        read = hook.read_training_job_v1_log(job_id, version_id, "logs-hook.0", lines=1)
        assert read["lines"] == 1 and "JOBSTAT_INIT" in read["content"]
        assert not hasattr(hook, "read_training_job_v1_log_bytes")  # no documented byte-offset read
        assert hook.get_training_job_v1_log_tail(job_id, version_id)
    finally:
        hook.delete_training_job_v1(created["job_id"])


def test_a_lost_create_reply_ends_with_exactly_one_of_each_resource(emulator, hook) -> None:
    """drop_reply: each create is applied, then its reply lost; every operator reconciles instead of re-sending
    (jobs and visualization jobs by name, versions by their run marker, configurations by name)."""
    kinds = ["training_v1.create", "training_v1.create_version", "training_v1.create_config",
             "training_v1.create_visualization"]
    emulator.set_faults({"kinds": kinds, "sequence": ["drop_reply"] * len(kinds)})
    dr = run_dag("t1_drop_reply")
    try:
        assert ti_states(dr) == {"train": "success", "retrain": "success", "config": "success",
                                 "board": "success"}, dr.output[-3000:]
        for kind in kinds:
            (entry,) = emulator.requests(kind)  # sent once: never re-sent blindly
            assert (entry["fault"], entry["applied_status"]) == ("drop_reply", 200), entry
        job_id = xcom(dr, "train", "job_id")
        assert [j["job_id"] for j in hook.list_training_jobs_v1(search_content=xcom(dr, "train", "job_name"))] == [
            job_id]
        versions = [v["version_id"] for v in hook.list_training_job_versions_v1(job_id)]
        assert versions == [xcom(dr, "retrain", "version_id"), xcom(dr, "train", "version_id")]
        assert [c["config_name"] for c in hook.list_training_job_configs_v1(search_content="cfg-drop")] == [
            "cfg-drop"]
        boards = hook.find_visualization_jobs_by_name(xcom(dr, "board", "job_name"))
        assert [b["job_id"] for b in boards] == [xcom(dr, "board", "job_id")]
    finally:
        emulator.set_faults({})
        hook.delete_training_job_config_v1("cfg-drop")


@pytest.mark.parametrize("cls", ["ModelArtsCreateTrainingJobConfigV1Operator",
                                 "ModelArtsDeleteTrainingJobConfigV1Operator"])
def test_on_kill_of_an_operator_without_a_resource_kind_is_safe(cls: str) -> None:
    """Issue 13: ``resource_kind = ""`` made ``on_kill`` -> ``stop_remote`` -> ``spec_for("")`` raise ValueError."""
    from airflow_provider_modelarts.operators import training_v1

    op = getattr(training_v1, cls)(task_id="kill_me", config_name="cfg-kill")
    op.on_kill()  # before anything was created
    op.remote_ids = {"config_name": "cfg-kill"}
    op.on_kill()  # after: a configuration cannot be stopped, so nothing is sent (no connection exists here)
    # the class no longer waits on anything (plain/delete base): it has no remote stop to reach
    assert not hasattr(op, "stop_remote")
