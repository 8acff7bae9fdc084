"""A training job's outputs come from the upstream training task's return value; one GET only otherwise.

Real operator classes in a real DAG; only the task instance's ``xcom_pull`` (what the execution API would answer)
is a stand-in, and the GET is a counting function.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from airflow.sdk import DAG
from airflow.sdk.exceptions import AirflowFailException

from airflow_provider_modelarts.operators.metric_gate import ModelArtsMetricGateOperator
from airflow_provider_modelarts.operators.training import (
    ModelArtsCreateTrainingJobOperator,
    pick_output,
    training_output,
    training_outputs,
)

SUMMARY = {"training_job_id": "job-1", "phase": "Completed",
           "output_channels": [{"name": "train_url", "obs_url": "/bucket/out"}]}
JOB_2 = {"metadata": {"id": "job-2"}, "status": {"phase": "Completed"},
         "algorithm": {"outputs": [{"name": "train_url", "remote": {"obs": {"obs_url": "/bucket/other/"}}}]}}


class FakeTI:
    """``xcom_pull(task_ids=...)``: the return values the upstream tasks pushed."""

    def __init__(self, returns: Mapping[str, Any]) -> None:
        self.returns = returns
        self.pulled: list[str] = []

    def xcom_pull(self, task_ids: str) -> Any:
        self.pulled.append(task_ids)
        return self.returns.get(task_ids)


def _gate() -> ModelArtsMetricGateOperator:
    with DAG("upstream_outputs", schedule=None):
        train = ModelArtsCreateTrainingJobOperator(task_id="train", code_dir="obs://b/code/", boot_file="t.py",
                                                   framework_type="PyTorch", framework_version="v1",
                                                   train_instance_type="modelarts.vm.cpu.8u")
        gate = ModelArtsMetricGateOperator(task_id="gate", metric="acc", threshold=0.9, promote_task_ids="x",
                                           training_job_id="job-1")
        train >> gate
    return gate


def test_outputs_of_a_job_the_upstream_training_task_ran_cost_no_request() -> None:
    gets: list[str] = []
    ti = FakeTI({"train": SUMMARY})
    phase, channels = training_outputs(_gate(), {"ti": ti}, "job-1", lambda i: gets.append(i) or {})  # type: ignore[arg-type]
    assert (phase, channels, gets, ti.pulled) == ("Completed", SUMMARY["output_channels"], [], ["train"])
    assert pick_output(channels, None) == "/bucket/out/" and pick_output(channels, "other") is None


def test_a_job_id_from_elsewhere_costs_one_get() -> None:
    gets: list[str] = []

    def get_job(job_id: str) -> dict[str, Any]:
        gets.append(job_id)
        return JOB_2

    phase, channels = training_outputs(_gate(), {"ti": FakeTI({"train": SUMMARY})}, "job-2", get_job)  # type: ignore[arg-type]
    assert (phase, gets) == ("Completed", ["job-2"])
    assert pick_output(channels, "train_url") == "/bucket/other/"


def test_training_output_checks_the_phase_first_then_names_the_outputs_it_has() -> None:
    gate, ti = _gate(), FakeTI({"train": SUMMARY})
    assert training_output(gate, {"ti": ti}, "job-1", dict, None, "holding m.json") == "/bucket/out/"  # type: ignore[arg-type]
    with pytest.raises(AirflowFailException, match=r"has no OBS output other holding m\.json \(outputs: \['train_url'\]\)"):
        training_output(gate, {"ti": ti}, "job-1", dict, "other", "holding m.json")  # type: ignore[arg-type]
    failed = FakeTI({"train": {**SUMMARY, "phase": "Failed", "output_channels": []}})
    with pytest.raises(AirflowFailException, match="is Failed, not Completed: its output holds no model"):
        training_output(gate, {"ti": failed}, "job-1", dict, None, "to import a model from",  # type: ignore[arg-type]
                        not_completed="holds no model to import")
    # without the phase requirement, a failed job's missing output is what fails
    with pytest.raises(AirflowFailException, match="has no OBS output"):
        training_output(gate, {"ti": failed}, "job-1", dict, None, "holding m.json")  # type: ignore[arg-type]
