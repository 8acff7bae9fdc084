"""NOT YET RUN GREEN: scenarios of issue 14 written but not green in a real run on this branch. pytest does not
collect this module (its name does not start with ``test_``); to verify, append them to ``test_celery.py`` (they
use that module's fixtures and helpers) and run ``make fullstack-celery``. Last run (2026-12-02, 50 waits):

* the log-line bound after failover FAILED: with 3 trigger starts some epoch lines were in a task's logs 4
  times (the bound "at most once per start" is off by at least one: the worker's first poll or the resume may
  print lines too; not yet investigated);
* 3 (variant): counts ``on_kill`` / "Not stopping" / "Stopped" lines instead of forbidding ``on_kill`` (an
  earlier run by another session showed "invoking on_kill" in task logs after the moves, with "Not stopping");
  not run yet; the collected strict version passed;
* 5 FAILED on the test's own bug (the job was still Pending when the test checked Running); fixed here with
  a wait for Running, not run since;
* 6 FAILED: the task failed in one try and the job was terminated, but there were two terminate requests
  (``[202, 409]``), not one: who sends the second (the resumed task's stop, then an ``on_kill``?) is open;
  the in-process version ``tests/operators/test_execution_timeout_deferral.py`` passes;
* a stalled triggerer (SIGSTOP past the health threshold, then SIGCONT) gets ``on_kill`` for its moved triggers
  (apache/airflow#73454) and must not stop the jobs (in process: ``tests/reliability/test_trigger_on_kill_move.py``).
"""

# ruff: noqa
def _on_kill_lines(af: Any, folder: Any) -> int:
    """Airflow's "invoking on_kill" and our "Not stopping" lines, in the run's trigger logs or the triggerers'
    own logs (where the last lines of a cancelled trigger land once Airflow closed the trigger's file)."""
    texts = [p.read_text(errors="replace") for p in folder.rglob("*.log.trigger.*.log")]
    texts += [af.component_log(n) for n in TRIGGERERS]
    return sum(t.count("invoking on_kill") + t.count("Not stopping training_v2") for t in texts)


def test_a_stalled_triggerers_moved_waits_survive_its_on_kill(cs: CeleryStack) -> None:
    """The triggerer holding the waits is frozen (SIGSTOP) past the health threshold: the other takes them over.
    Resumed, the frozen one finds them reassigned and Airflow 3.3 cancels them there *with* ``on_kill``
    (apache/airflow#73454): the trigger sees its task still deferred and leaves the job alone. (Its log output
    after the reassignment may be dropped by Airflow: no log-line guarantee here, only the jobs and the tasks.)"""
    from tests.fullstack_celery.celery_stack import STALL, TRIGGERER_HEALTH_THRESHOLD, triggerer_jobs

    af, dag_id = cs.airflow, "celery_stall_training"
    seq = _last_seq(cs)
    run_id = trigger_run(af, {}, dag_id=dag_id)
    tis = lambda: [ti for ti in _tis(cs, dag_id, run_id) if ti["task_id"] == "mapped_train"]  # noqa: E731
    held = lambda: Counter((ti.get("trigger") or {}).get("triggerer_id") for ti in tis()  # noqa: E731
                           if ti["state"] == "deferred")
    wait_until(lambda: sum(held().values()) == STALL and None not in held(), timeout=300, interval=1.0,
               what="the waits deferred and held", diagnostics=af.diagnostics)
    jobs = triggerer_jobs(af)
    name_of = {job: name for name, job in jobs.items()}
    frozen = name_of[held().most_common(1)[0][0]]
    other = next(n for n in TRIGGERERS if n != frozen)
    job_ids = [_job_id(cs, dag_id, run_id, "mapped_train", i) for i in range(STALL)]
    folder = af.home / "logs" / f"dag_id={dag_id}" / f"run_id={run_id}"
    kills_before = _on_kill_lines(af, folder)
    os.killpg(af.pid(frozen), signal.SIGSTOP)
    try:
        wait_until(lambda: set(held()) == {jobs[other]} and sum(held().values()) == STALL,
                   timeout=TRIGGERER_HEALTH_THRESHOLD + 180, interval=1.0, what=f"{other} holding every wait",
                   diagnostics=af.diagnostics)
    finally:
        os.killpg(af.pid(frozen), signal.SIGCONT)
    wait_until(lambda: _on_kill_lines(af, folder) > kills_before, timeout=120, interval=1.0,
               what=f"{frozen} cancelling its moved triggers", diagnostics=af.diagnostics)
    assert [r for r in cs.emulator.requests("training_v2.action") if r["seq"] > seq] == []
    assert Counter(_job(cs, j)["status"]["phase"] for j in job_ids) == {"Running": STALL}
    cs.emulator.advance(SLOW_RUNNING_S + 10)
    run = RunRecord(run_id, {})
    wait_for_runs(af, [run], timeout=300, dag_id=dag_id)
    assert run.state == "success", af.diagnostics()
    assert Counter(_job(cs, j)["status"]["phase"] for j in job_ids) == {"Completed": STALL}
    assert [r for r in cs.emulator.requests("training_v2.action") if r["seq"] > seq] == []


def test_after_failover_no_log_line_is_lost_and_repeats_are_bounded_by_the_moves(
        cs: CeleryStack, failover: FailoverRun) -> None:
    """What we guarantee: every line of the job's log is in the task's log; a wait whose trigger was started
    once shows each line exactly once; one started k times (each start on another triggerer resumes from the
    cursor saved when the task deferred, so it may repeat what the previous one had printed) at most k times."""
    every_line = set(range(1, SLOW_RUNNING_S + 1))
    moved = 0
    for i in range(MAPPED):
        logs = _task_log_text(cs, MAPPED_DAG, failover.run_id, "mapped_train", i)
        starts = sum(len(STARTING.findall(text)) for name, text in logs.items() if ".trigger." in name)
        seen = _epochs_per_task(cs, failover.run_id, i)
        assert set(seen) == every_line, (i, sorted(every_line - set(seen))[:10])
        assert 1 <= max(seen.values()) <= starts, (i, starts, seen.most_common(3))
        if starts == 1:
            assert set(seen.values()) == {1}, (i, seen.most_common(3))
        moved += starts > 1
    assert moved > 0  # the kills really moved waits


STARTING = re.compile(r"trigger [^ ]*mapped_train/\d+/\d+ \(ID \d+\) starting")


# ---- 3: a trigger that only moves never stops its job -------------------------------------------------------------
def _on_kill_story(cs: CeleryStack, run_id: str) -> tuple[int, int, int]:
    """(Airflow's "invoking on_kill", our "Not stopping", our "Stopped training_v2") lines of the run, in its
    task/trigger logs and the triggerers' own logs (where a cancelled trigger's last lines can land)."""
    texts = [t for i in range(MAPPED) for t in _task_log_text(cs, MAPPED_DAG, run_id, "mapped_train", i).values()]
    folder = cs.airflow.home / "logs" / f"dag_id={MAPPED_DAG}" / f"run_id={run_id}"
    texts += [p.read_text(errors="replace") for p in folder.rglob("*.log.trigger.*.log")]
    texts += [cs.airflow.component_log(n) for n in TRIGGERERS]
    return tuple(sum(t.count(word) for t in texts)  # type: ignore[return-value]
                 for word in ("invoking on_kill", "Not stopping training_v2", "Stopped training_v2"))


def test_a_graceful_stop_moves_the_waits_and_no_job_is_stopped(cs: CeleryStack, failover: FailoverRun) -> None:
    """SIGTERM of the triggerer holding the waits: the other takes them over and no job is stopped. Airflow does
    not call ``on_kill`` for a graceful stop, but on a loaded machine a triggerer that misses its heartbeats gets
    ``on_kill`` for triggers moved away from it (apache/airflow#73454): then the state check must leave the job
    alone, which the counts below show whatever happened."""
    assert failover.state == "success"
    assert failover.moved("after_sigkill", "after_sigterm")  # the SIGTERMed triggerer held waits
    invoked, not_stopped, stopped = _on_kill_story(cs, failover.run_id)
    print(f"on_kill invoked {invoked}x, 'Not stopping' {not_stopped}x, 'Stopped' {stopped}x")
    assert stopped == 0
    assert [r for r in cs.emulator.requests("training_v2.action") if r["seq"] > failover.seq_before] == []
    phases = Counter(_job(cs, job_id)["status"]["phase"] for job_id in failover.job_ids.values())
    assert phases == {"Completed": MAPPED}


def _run_until_deferred(cs: CeleryStack, dag_id: str, task_id: str) -> tuple[str, str]:
    """Trigger a run; wait until its task is deferred and its trigger polled the job at least once (on a
    triggerer); returns (run id, job id)."""
    run_id = trigger_run(cs.airflow, {}, dag_id=dag_id)
    _wait_state(cs, dag_id, run_id, task_id, "deferred")
    job_id = _job_id(cs, dag_id, run_id, task_id)
    seen = len(_requests_for(cs, "training_v2.get", job_id))
    wait_until(lambda: len(_requests_for(cs, "training_v2.get", job_id)) > seen, timeout=120, interval=0.5,
               what=f"the trigger polling {job_id}", diagnostics=cs.airflow.diagnostics)
    return run_id, job_id


# ---- 5: a user marks a deferred task failed ----------------------------------------------------------------------
def test_marking_a_deferred_task_failed_terminates_the_job_within_one_poll(cs: CeleryStack) -> None:
    dag_id, task_id = "celery_deferred_stuck", "stuck_train"
    run_id, job_id = _run_until_deferred(cs, dag_id, task_id)
    wait_until(lambda: _job(cs, job_id)["status"]["phase"] == "Running", timeout=120, interval=0.5,
               what=f"{job_id} Running", diagnostics=cs.airflow.diagnostics)  # past Creating / Pending
    marked_at = _last_seq(cs)
    cs.airflow.api("PATCH", ti_path(dag_id, run_id, task_id), json={"new_state": "failed"})
    wait_until(lambda: _requests_for(cs, "training_v2.action", job_id), timeout=120, interval=0.5,
               what=f"terminate of {job_id}", diagnostics=cs.airflow.diagnostics)
    stops = _requests_for(cs, "training_v2.action", job_id)
    assert [r["status"] for r in stops] == [202]
    polls_between = [r for r in _requests_for(cs, "training_v2.get", job_id, marked_at) if r["seq"] < stops[0]["seq"]]
    assert len(polls_between) <= 1, polls_between  # stopped before the trigger's next poll but one
    assert _job(cs, job_id)["status"]["phase"] in ("Terminating", "Terminated")
    assert cs.airflow.task_instance(dag_id, run_id, task_id)["state"] == "failed"


# ---- 6: execution_timeout on a deferred task ------------------------------------------------------------------------
def test_execution_timeout_of_a_deferred_task_fails_it_and_terminates_the_job(cs: CeleryStack) -> None:
    from tests.fullstack_celery.celery_stack import EXECUTION_TIMEOUT

    dag_id, task_id = "celery_deferred_timeout", "timeout_train"
    run_id, job_id = _run_until_deferred(cs, dag_id, task_id)
    run = RunRecord(run_id, {})
    wait_for_runs(cs.airflow, [run], timeout=240, dag_id=dag_id)
    assert run.state == "failed"
    ti = cs.airflow.task_instance(dag_id, run_id, task_id)
    assert ti["state"] == "failed" and ti["try_number"] == 1
    assert [r["status"] for r in _requests_for(cs, "training_v2.action", job_id)] == [202]
    assert _job(cs, job_id)["status"]["phase"] in ("Terminating", "Terminated")
    log = "\n".join(_task_log_text(cs, dag_id, run_id, task_id).values())
    assert f"execution_timeout of {EXECUTION_TIMEOUT:g}s exceeded" in log
