"""A deferred wait whose worker is killed (SIGKILL) and retried; a sync wait that outlives its IAM token.

The sync-mode kill test lives with the training operator (``tests/operators/test_training.py``); this is its
deferred variant, built from the same helpers (``tests/airflow_run.py``).
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from tests.airflow_run import kill_when, latest_run_id, run_dag, run_same_run, same_run_command, ti_states, xcom
from tests.reliability.helpers import DAG_FILE, PRODUCED, iam_user_connection, training_job, when_polled


def test_deferred_worker_killed_mid_wait_then_retried_reattaches(emulator) -> None:
    date = datetime(2026, 4, 5, 6, 7, 8, tzinfo=UTC)
    kill_when(same_run_command(DAG_FILE, "rel_deferred_reattach", date),
              when_polled(emulator, "training_v2.get", 3))  # created, deferred, the trigger polls in line
    assert emulator.count("training_v2.create") == 1
    first_run = latest_run_id("rel_deferred_reattach")
    emulator.advance(170)  # the "slow" job runs 200 emulated s: leave it a few real seconds, still Running
    dr = run_same_run(DAG_FILE, "rel_deferred_reattach", date)
    PRODUCED.append(dr.output)
    assert dr.run_id == first_run
    assert ti_states(dr) == {"train": "success"}, dr.output[-3000:]
    assert "Reattaching to training_v2" in dr.output, dr.output[-3000:]
    assert emulator.count("training_v2.create") == 1
    assert training_job(emulator, xcom(dr, "train", "training_job_id"))["status"]["phase"] == "Completed"


def test_token_expiry_mid_wait_costs_exactly_one_token_request(emulator, monkeypatch) -> None:
    monkeypatch.setenv("AIRFLOW_CONN_MODELARTS_DEFAULT", iam_user_connection(emulator))
    done = threading.Event()
    steps: list[str] = []

    def expire_then_finish() -> None:
        """Expire every token once the task waits; after a poll with the new token, let the job finish."""
        while not done.is_set() and emulator.count("training_v2.get") < 3:
            done.wait(0.1)
        if done.is_set():
            return
        emulator.expire_tokens()  # through the handle, so its own cached token is dropped too
        steps.append("expired")
        seen = emulator.count("training_v2.get")
        while not done.is_set() and len([r for r in emulator.requests("training_v2.get")
                                         if r["status"] == 200]) < seen + 1:
            done.wait(0.1)
        emulator.advance(200)  # the slow job completes now
        steps.append("advanced")

    helper = threading.Thread(target=expire_then_finish, daemon=True)
    helper.start()
    try:
        dr = run_dag("rel_token_expiry")
    finally:
        done.set()
        helper.join(30)
    PRODUCED.append(dr.output)
    assert steps == ["expired", "advanced"], dr.output[-3000:]
    assert ti_states(dr) == {"train": "success"}, dr.output[-3000:]
    rejected = [r for r in emulator.requests() if r["status"] == 401]
    assert len(rejected) == 1, rejected  # the one request made with the expired token
    assert emulator.count("iam.token.create") == 2  # the first token and exactly one more
    assert emulator.count("training_v2.create") == 1
