"""The wait's deadline from ``max_wait`` and a deferred task's ``execution_timeout`` (specs/deadlines.py)."""

from __future__ import annotations

from airflow_provider_modelarts.specs.deadlines import deadline_reason, wait_deadline


def test_the_earlier_limit_wins_and_the_timeout_counts_from_the_task_start() -> None:
    assert wait_deadline(1_000.0, None, None, None) is None
    assert wait_deadline(1_000.0, 60, None, 900.0) == 1_060.0
    assert wait_deadline(1_000.0, 600, 300, 900.0) == 1_200.0  # started at 900: 300 s later
    assert wait_deadline(1_000.0, 60, 300, 900.0) == 1_060.0
    assert wait_deadline(1_000.0, 0, 300, None) == 1_300.0  # no start known: from now


def test_the_reason_names_the_limit_that_set_the_deadline() -> None:
    assert deadline_reason(600, 300) == "execution_timeout of 300s exceeded"
    assert deadline_reason(60, 300) == "max_wait of 60s exceeded"
    assert deadline_reason(60, None) == "max_wait of 60s exceeded"
    assert deadline_reason(None, 300) == "execution_timeout of 300s exceeded"
