"""The metric gate in real Airflow: both branches, from an OBS metrics file, a given dict and the training metrics
API; bad arguments and a missing metric fail the task. (The runner-mode end to end in ``test_models_services.py``
gates on the ``metrics.json`` a real training script wrote into its output.)"""

from __future__ import annotations

import json

import pytest

from airflow_provider_modelarts.specs.metric_gate import lookup, reduce_value
from tests.airflow_run import run_dag, ti_states, xcom


@pytest.fixture
def _airflow(airflow_db, modelarts_conn):
    from airflow_provider_modelarts.client.auth import clear_token_cache

    clear_token_cache()
    modelarts_conn.emu.obs.put("modelarts-emulator", "ms-tests/metrics.json",
                               json.dumps({"r2": 0.95, "mse": 0.01}).encode())
    yield modelarts_conn


def test_gate_takes_both_branches_and_rejects_bad_arguments(_airflow) -> None:
    dr = run_dag("mg_branches")
    states = ti_states(dr)
    assert {k: states[k] for k in ("gate_pass", "promote_a", "skip_a")} == {
        "gate_pass": "success", "promote_a": "success", "skip_a": "skipped"}, dr.output[-4000:]
    assert {k: states[k] for k in ("gate_fail", "promote_b", "skip_b")} == {
        "gate_fail": "success", "promote_b": "skipped", "skip_b": "success"}
    assert {k: states[k] for k in ("gate_nested", "promote_c", "skip_c")} == {
        "gate_nested": "success", "promote_c": "success", "skip_c": "skipped"}
    assert {k: states[k] for k in ("train", "gate_api", "promote_d", "skip_d")} == {
        "train": "success", "gate_api": "success", "promote_d": "success", "skip_d": "skipped"}
    assert xcom(dr, "gate_pass", "metric_value") == 0.95 and xcom(dr, "gate_pass", "gate_passed") is True
    assert xcom(dr, "gate_fail", "gate_passed") is False
    assert xcom(dr, "gate_nested", "metric_value") == 0.3
    assert xcom(dr, "gate_api", "metric_value") >= 0
    text = dr.output
    assert "Metric r2 = 0.95 >= 0.9: PROMOTE" in text and "Metric r2 = 0.95 > 0.99: SKIP" in text
    # bad arguments fail before any read; a missing metric fails naming the metrics that exist
    assert states["gate_bad"] == "failed" and states["gate_missing"] == "failed"
    assert "comparison: '=>' (fix: one of >, >=, <, <=, ==, !=)" in text
    assert "threshold: 'high' is not a number" in text
    assert "Metric 'accuracy' is not a number in the metrics (available: ['mse', 'r2'])" in text


@pytest.mark.parametrize(("metrics", "name", "aggregate", "expected"), [
    ({"r2": "0.5"}, "r2", "last", 0.5),
    ({"eval": {"acc": [0.1, 0.7, 0.4]}}, "eval.acc", "max", 0.7),
    ({"eval": {"acc": [0.1, 0.7, 0.4]}}, "eval.acc", "mean", 0.4),
    ({"a.b": 2}, "a.b", "last", 2.0),
    ({"r2": True}, "r2", "last", None),
    ({"r2": 1}, "missing", "last", None),
])
def test_lookup_and_reduce(metrics, name, aggregate, expected) -> None:
    value = reduce_value(lookup(metrics, name), aggregate)
    assert value == pytest.approx(expected) if expected is not None else value is None
