"""State tables, the log cursor and the waiter rules (pure: no HTTP)."""

from __future__ import annotations

import pytest

from airflow_provider_modelarts.client.logs import PreviewLogSource
from airflow_provider_modelarts.client.states import (
    FAILURE,
    RUNNING,
    STOPPED,
    SUCCESS,
    TABLES,
    UNKNOWN,
    V1_STATUS_CODES,
    classify,
)
from airflow_provider_modelarts.client.waiter import Waiter, WaitOutcome


def _resource(kind: str, status):
    path = TABLES[kind].status_path
    value = status
    for key in reversed(path):
        value = {key: value}
    return value


CASES = [
    ("training_v2", "Creating", RUNNING), ("training_v2", "Pending", RUNNING), ("training_v2", "Running", RUNNING),
    ("training_v2", "Terminating", RUNNING), ("training_v2", "Completed", SUCCESS),
    ("training_v2", "Failed", FAILURE), ("training_v2", "Abnormal", FAILURE), ("training_v2", "Terminated", STOPPED),
    ("training_v2", "Hibernating", UNKNOWN),
    ("import_task", "QUEUING", RUNNING), ("import_task", "STARTING", RUNNING), ("import_task", "RUNNING", RUNNING),
    ("import_task", "COMPLETED", SUCCESS), ("import_task", "FAILED", FAILURE), ("import_task", "NOT_EXIST", FAILURE),
    ("export_task", "INIT", RUNNING), ("export_task", "RUNNING", RUNNING), ("export_task", "SUCCESSED", SUCCESS),
    ("export_task", "FAILED", FAILURE),
    # invented before issue 12: only the four values of creating_a_dataset_export_task.txt are known
    ("export_task", "SUCCEEDED", UNKNOWN), ("export_task", "COMPLETED", UNKNOWN),
    ("label_task", 6, RUNNING), ("label_task", 0, RUNNING), ("label_task", 1, SUCCESS), ("label_task", 3, SUCCESS),
    ("label_task", 4, RUNNING),  # rejected: labelled and reviewed again, not a success
    ("dataset_version", 0, RUNNING), ("dataset_version", 1, SUCCESS), ("dataset_version", 4, FAILURE),
    ("dataset_version", 3, STOPPED),
    ("model", "publishing", RUNNING), ("model", "building", RUNNING), ("model", "published", SUCCESS),
    ("model", "failed", FAILURE), ("model", "building_failed", FAILURE),
    ("service", "deploying", RUNNING), ("service", "concerning", RUNNING), ("service", "running", SUCCESS),
    ("service", "finished", SUCCESS), ("service", "failed", FAILURE), ("service", "stopped", STOPPED),
    ("visualization_job", 8, SUCCESS), ("visualization_job", 7, RUNNING), ("visualization_job", 11, FAILURE),
]


@pytest.mark.parametrize(("kind", "status", "state"), CASES)
def test_classification(kind, status, state) -> None:
    assert classify(kind, _resource(kind, status)).state == state


@pytest.mark.parametrize("code", sorted(V1_STATUS_CODES))
def test_every_v1_code_is_classified_and_described(code) -> None:
    name, meaning, cls = V1_STATUS_CODES[code]
    verdict = classify("training_v1", {"status": code})
    assert verdict.state == cls
    assert name in verdict.message and meaning in verdict.message
    expected = {10: SUCCESS, 20: SUCCESS, 12: STOPPED, 13: STOPPED}.get(code)
    if code in (3, 5, 6, 11, 14, 16, 17, 21, 22):
        expected = FAILURE
    assert verdict.state == (expected or RUNNING)


def test_stop_counts_as_success_only_when_asked() -> None:
    assert classify("training_v2", _resource("training_v2", "Terminated"), expect_stop=True).state == SUCCESS
    assert classify("training_v1", {"status": 12}, expect_stop=True).state == SUCCESS
    assert classify("training_v1", {"status": 11}, expect_stop=True).state == FAILURE


def test_failure_message_carries_the_remote_error() -> None:
    verdict = classify("import_task", {"status": "FAILED", "error_msg": "path not found"})
    assert "path not found" in verdict.message


def test_preview_cursor_emits_complete_lines_once() -> None:
    src = PreviewLogSource(build=lambda ids: None)
    lines, cur = src.advance({"content": "a\nb\npart", "full_size": 8}, 0)
    assert lines == ["a", "b"] and cur == 4
    lines, cur = src.advance({"content": "a\nb\npartial\nc\n", "full_size": 14}, cur)
    assert lines == ["partial", "c"] and cur == 14
    assert src.advance({"content": "a\nb\npartial\nc\n", "full_size": 14}, cur) == ([], 14)


def test_preview_cursor_reports_lines_lost_out_of_the_window() -> None:
    src = PreviewLogSource(build=lambda ids: None)
    lines, cur = src.advance({"content": "y\nz\n", "full_size": 100}, 10)
    assert lines[0].startswith("[... 86 bytes") and lines[1:] == ["y", "z"] and cur == 100


def test_waiter_budget_and_unknown_status() -> None:
    notes: list[str] = []
    waiter = Waiter("training_v2", {"training_job_id": "j"}, poll_interval=1, error_budget=2, emit=notes.append)
    assert waiter.on_resource(_resource("training_v2", "Hibernating")) is None
    assert waiter.on_resource(_resource("training_v2", "Hibernating")) is None
    assert sum("does not know" in n for n in notes) == 1  # logged once, polled on
    err = RuntimeError("boom")
    assert waiter.on_error(err) == 1 and waiter.on_error(err) == 2
    with pytest.raises(RuntimeError):
        waiter.on_error(err)
    done = waiter.on_resource({"status": {"phase": "Completed"}, "metadata": {"id": "j"}})
    assert done is not None and done.state == SUCCESS
    again = WaitOutcome.from_event(done.to_event())
    assert again.state == SUCCESS and again.ids == {"training_job_id": "j"}


def test_waiter_logs_each_change_of_phase_and_secondary_phase_once() -> None:
    notes: list[str] = []
    waiter = Waiter("training_v2", {"training_job_id": "j"}, poll_interval=1, emit=notes.append)
    for phase, secondary in [("Pending", "Queuing"), ("Pending", "Queuing"), ("Running", "Downloading"),
                             ("Running", "Running"), ("Running", "Running")]:
        assert waiter.on_resource({"status": {"phase": phase, "secondary_phase": secondary}}) is None
    assert notes == ["training_v2 j is Pending (Queuing)", "training_v2 j is Running (Downloading)",
                     "training_v2 j is Running"]


def test_malformed_event_is_refused() -> None:
    with pytest.raises(ValueError, match="missing"):
        WaitOutcome.from_event({"status": "success"})


def test_overrides_move_values_the_documents_leave_open() -> None:
    from airflow_provider_modelarts.client.states import with_overrides

    export = {"status": "SUCCEEDED"}
    assert classify("export_task", export, overrides={"success": ["SUCCEEDED"]}).state == SUCCESS
    assert classify("label_task", {"status": 4}, overrides={"failure": [4]}).state == FAILURE
    moved = with_overrides(TABLES["label_task"], {"failure": [2]})
    assert 2 in moved.failure and 2 not in moved.success and TABLES["label_task"].success >= {2}
    with pytest.raises(ValueError, match="unknown status class"):
        with_overrides(TABLES["label_task"], {"done": [1]})


def test_a_waiter_and_a_sensor_take_the_overrides() -> None:
    from airflow_provider_modelarts.sensors.datasets import ModelArtsExportTaskSensor

    waiter = Waiter("export_task", {"dataset_id": "d", "task_id": "t"}, poll_interval=1,
                    overrides={"success": ["SUCCEEDED"]}, emit=lambda line: None)
    outcome = waiter.on_resource({"status": "SUCCEEDED"})
    assert outcome is not None and outcome.state == SUCCESS
    sensor = ModelArtsExportTaskSensor(task_id="s", dataset_id="d", export_task_id="t",
                                       success_statuses=["SUCCEEDED"], failure_statuses=["CANCELLED"])
    assert sensor.status_overrides == {"success": ["SUCCEEDED"], "failure": ["CANCELLED"]}
    with pytest.raises(ValueError, match="both success_statuses and failure_statuses"):
        ModelArtsExportTaskSensor(task_id="s2", dataset_id="d", export_task_id="t", success_statuses=["X"],
                                  failure_statuses=["X"])


@pytest.mark.parametrize(("configs", "state"), [
    ([{"status": "ready"}, {"status": "ready"}], SUCCESS),
    ([{"status": "ready"}, {"status": "notReady"}], RUNNING),
    ([{"status": "concerning"}], RUNNING),
    ([{"model_id": "batch config: no instance status"}], SUCCESS),
    ([], SUCCESS),
])
def test_a_running_service_is_done_only_when_every_config_instance_is_ready(configs, state) -> None:
    """SDK reference 表 11-11: config[].status ready | concerning | notReady."""
    verdict = classify("service", {"status": "running", "config": configs})
    assert verdict.state == state, verdict
    assert classify("service", {"status": "failed", "config": [{"status": "notReady"}]}).state == FAILURE
