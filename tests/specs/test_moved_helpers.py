"""Issue 13: the pure helpers moved out of the operators (metric gate, v1 names and versions, dataset tasks)."""

from __future__ import annotations

import pytest

from airflow_provider_modelarts.specs import SpecError
from airflow_provider_modelarts.specs.datasets import failed_samples, same_export, same_import, task_of_request
from airflow_provider_modelarts.specs.metric_gate import check_choices, gate_threshold, parse_metrics
from airflow_provider_modelarts.specs.training_v1 import next_free_name, own_entries, own_version


def test_gate_threshold_lists_every_problem_and_returns_the_number() -> None:
    assert gate_threshold(metric="r2", threshold="0.9", comparison=">=", sources={"metrics": {"r2": 1}}) == 0.9
    with pytest.raises(SpecError) as caught:
        gate_threshold(metric="", threshold="high", comparison="=>", sources={"metrics": None, "metrics_path": ""})
    assert [p.split(":")[0] for p in caught.value.problems] == ["comparison", "threshold", "metric", "metrics source"]


def test_gate_choices_and_metrics_text() -> None:
    check_choices(metrics_source="api", aggregate="max", on_missing="skip")
    with pytest.raises(ValueError, match="aggregate must be one of"):
        check_choices(aggregate="median")
    assert parse_metrics('{"r2": 0.5}', "metrics") == {"r2": 0.5}
    with pytest.raises(SpecError, match="obs://b/m.json is not a JSON metrics file"):
        parse_metrics("nope", "obs://b/m.json")


def test_v1_own_entries_newest_first_and_the_next_free_name() -> None:
    entries = [{"job_name": "t-abc", "job_id": 1, "create_time": 1}, {"job_name": "t-abc-2", "job_id": 2,
               "create_time": 2}, {"job_name": "t-abcd", "job_id": 3, "create_time": 3}]
    assert [e["job_id"] for e in own_entries(entries, "t-abc")] == [2, 1]
    assert next_free_name("t-abc", entries) == "t-abc-3"


def test_v1_own_version_needs_the_marker_and_leaves_out_stale_ones() -> None:
    answer = {"job_desc": "x [airflow-run:0123456789ab]",
              "versions": [{"version_id": 5, "pre_version_id": 4}, {"version_id": 6, "pre_version_id": 4},
                           {"version_id": 7, "pre_version_id": 1}]}
    assert own_version(answer, "[airflow-run:0123456789ab]", 4, set()) == 6
    assert own_version(answer, "[airflow-run:0123456789ab]", 4, {6}) == 5
    assert own_version(answer, "[airflow-run:ffffffffffff]", 4, set()) is None


def test_a_dataset_task_is_recognised_by_its_request_and_its_time() -> None:
    body = {"import_path": "/bkt/data/", "import_type": "dir"}
    tasks = [{"task_id": "new", "import_path": "obs://bkt/data", "import_type": 0, "create_time": 200_000,
              "status": "RUNNING"}]
    assert same_import(tasks[0], body) and not same_import({**tasks[0], "import_type": 1}, body)
    assert task_of_request("import_task", tasks, body, same_import, sent_ms=150_000, run_started_ms=0) == tasks[0]
    assert task_of_request("import_task", tasks, body, same_import, sent_ms=300_000, run_started_ms=0) is None
    export = {"path": "/bkt/out/", "export_type": 2, "export_params": {}}
    assert same_export({"path": "obs://bkt/out/", "export_params": {"export_dest": "DIR"}}, export)


def test_failed_samples_pairs_results_with_the_ids() -> None:
    answer = {"results": [{"success": True}, {"success": False, "error_code": "E1", "error_msg": "gone"}]}
    assert failed_samples(["a", "b"], answer) == [{"sample_id": "b", "error_code": "E1", "error_msg": "gone"}]
    assert failed_samples(["a"], {}) == []
