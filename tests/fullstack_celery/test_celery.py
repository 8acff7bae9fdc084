"""The provider on the production topology: ``CeleryExecutor`` on PostgreSQL and Redis, two Celery workers, two
triggerers (see :mod:`tests.fullstack_celery.celery_stack`), driven through the public REST API; counts come from
the emulator's request log and the REST API, never from the clock.

Run alone: ``make fullstack-celery`` (``pytest -m fullstack_celery``).
"""

from __future__ import annotations

import json
import os
import re
import signal
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.fullstack.stack import RunRecord, ti_path, trigger_run, wait_for_runs, wait_until
from tests.fullstack_celery.celery_stack import MAPPED, TRIGGERERS, WORKERS, CeleryStack, celery_stack

# the first test also pays for the stack (PostgreSQL, Redis, seven Airflow processes): generous per-test limits
pytestmark = [pytest.mark.fullstack_celery, pytest.mark.timeout(1200)]


@pytest.fixture(scope="module")
def cs(tmp_path_factory) -> Any:
    with celery_stack(tmp_path_factory.mktemp("celery")) as stack:
        yield stack


def _tis(cs: CeleryStack, dag_id: str, run_id: str) -> list[dict[str, Any]]:
    path = f"/api/v2/dags/{dag_id}/dagRuns/{run_id}/taskInstances"
    return list(cs.airflow.api("GET", path, params={"limit": 1000})["task_instances"])


def _trigger_hosts(cs: CeleryStack, dag_id: str, run_id: str) -> Counter[int]:
    """How many trigger log files each triggerer job wrote for the run (``...log.trigger.<job id>.log``)."""
    folder = cs.airflow.home / "logs" / f"dag_id={dag_id}" / f"run_id={run_id}"
    return Counter(int(p.name.rsplit(".", 2)[-2]) for p in folder.rglob("*.log.trigger.*.log"))


# ---- 1: the example DAG on two workers and two triggerers ----------------------------------------------------
def test_retraining_completes_on_both_workers_and_both_triggerers(cs: CeleryStack) -> None:
    """Unpausing the weekly DAG starts its latest scheduled run (catchup off): that run is watched."""
    from tests.fullstack_celery.celery_stack import RETRAINING, triggerer_jobs

    jobs = triggerer_jobs(cs.airflow)
    cs.airflow.unpause(RETRAINING)
    runs = wait_until(lambda: cs.airflow.api("GET", f"/api/v2/dags/{RETRAINING}/dagRuns")["dag_runs"], timeout=120,
                      what="the scheduled run", diagnostics=cs.airflow.diagnostics)
    assert len(runs) == 1, runs
    run = RunRecord(runs[0]["dag_run_id"], {})
    wait_for_runs(cs.airflow, [run], timeout=480, dag_id=RETRAINING)
    assert run.state == "success", (run, cs.airflow.diagnostics())
    tis = _tis(cs, RETRAINING, run.run_id)
    hosts = Counter(ti["hostname"] for ti in tis if ti["state"] == "success")
    assert set(hosts) == set(WORKERS), hosts
    deferred = {task for task, trail in run.seen.items() if "deferred" in trail}
    assert "train" in deferred and len(deferred) >= 3, run.seen
    # every deferred wait ran on one of the two live triggerers. Which one takes a new trigger is Airflow's choice
    # (the triggerer whose loop queries first; the one running a trigger wakes on its log lines, so it often takes
    # all of a sequential DAG's waits): that both triggerers run waits is shown by the mapped run below, whose
    # waits all move from one triggerer to the other and back (``FailoverRun.holders``)
    by_triggerer = _trigger_hosts(cs, RETRAINING, run.run_id)
    assert by_triggerer and set(by_triggerer) <= {jobs[t] for t in TRIGGERERS}, (by_triggerer, jobs)
    assert sum(by_triggerer.values()) >= len(deferred), (by_triggerer, deferred)


# ---- helpers on the emulator and the REST API -----------------------------------------------------------------
def _job(cs: CeleryStack, job_id: str) -> dict[str, Any]:
    import requests

    resp = requests.get(f"{cs.emulator.url}/v2/{cs.emulator.project_id}/training-jobs/{job_id}",
                        headers=cs.emulator.headers(), timeout=30)
    resp.raise_for_status()
    return dict(resp.json())


def _job_id(cs: CeleryStack, dag_id: str, run_id: str, task_id: str, map_index: int = -1) -> str:
    params = {"map_index": map_index} if map_index >= 0 else None
    path = f"{ti_path(dag_id, run_id, task_id)}/xcomEntries/training_job_id"
    return str(cs.airflow.api("GET", path, params={**(params or {}), "deserialize": "true"})["value"])


def _requests_for(cs: CeleryStack, kind: str, job_id: str, after_seq: int = 0) -> list[dict[str, Any]]:
    return [r for r in cs.emulator.requests(kind) if job_id in r["path"] and r["seq"] > after_seq]


def _last_seq(cs: CeleryStack) -> int:
    entries = cs.emulator.requests()
    return int(entries[-1]["seq"]) if entries else 0


def _wait_state(cs: CeleryStack, dag_id: str, run_id: str, task_id: str, state: str, timeout: float = 300) -> None:
    wait_until(lambda: cs.airflow.task_instance(dag_id, run_id, task_id)["state"] == state, timeout=timeout,
               interval=1.0, what=f"{task_id} {state}", diagnostics=cs.airflow.diagnostics)


def _task_log_text(cs: CeleryStack, dag_id: str, run_id: str, task_id: str, map_index: int = -1) -> dict[str, str]:
    folder = cs.airflow.home / "logs" / f"dag_id={dag_id}" / f"run_id={run_id}" / f"task_id={task_id}"
    if map_index >= 0:
        folder = folder / f"map_index={map_index}"
    return {p.name: p.read_text(errors="replace") for p in sorted(folder.glob("attempt=*")) if p.is_file()}


EPOCH = re.compile(r"\[worker-0\] epoch (\d+)/(\d+) ")
MAPPED_DAG = "celery_mapped_training"
SLOW_RUNNING_S = 200  # emulated Running seconds of the "slow" outcome (one log line each)


def _mapped_tis(cs: CeleryStack, run_id: str) -> list[dict[str, Any]]:
    return [ti for ti in _tis(cs, MAPPED_DAG, run_id) if ti["task_id"] == "mapped_train"]


def _holders(cs: CeleryStack, run_id: str) -> Counter[int | None]:
    """How many of the run's deferred tasks each triggerer job holds (None: not assigned yet)."""
    return Counter((ti.get("trigger") or {}).get("triggerer_id") for ti in _mapped_tis(cs, run_id)
                   if ti["state"] == "deferred")


def _all_held_by(cs: CeleryStack, run_id: str, job_ids: set[int]) -> bool:
    holders = _holders(cs, run_id)
    return sum(holders.values()) == MAPPED and set(holders) <= job_ids


@dataclass
class FailoverRun:
    """The mapped run and what happened to its triggers: which triggerer jobs held which map indexes when."""

    run_id: str
    jobs: dict[str, int]
    phases: dict[str, dict[int, int]] = field(default_factory=dict)  # phase -> {map_index: triggerer job id}
    job_ids: dict[int, str] = field(default_factory=dict)
    holders: dict[str, str] = field(default_factory=dict)  # phase -> the triggerer that held every wait then
    seq_before: int = 0
    state: str = ""

    def moved(self, before: str, after: str) -> set[int]:
        return {i for i, job in self.phases[before].items() if self.phases[after].get(i) != job}


def _snapshot(cs: CeleryStack, run_id: str) -> dict[int, int]:
    return {ti["map_index"]: (ti.get("trigger") or {}).get("triggerer_id") for ti in _mapped_tis(cs, run_id)}


@pytest.fixture(scope="module")
def failover(cs: CeleryStack) -> FailoverRun:
    """One run of ``MAPPED`` deferred training waits (each job Running 200 emulated s) through two moves:

    1. SIGKILL the triggerer holding the most waits (its process group: a lost host); the other picks them up;
       the killed one is started again;
    2. SIGTERM (a graceful stop) of the one holding them now; the other picks them up; it is started again;
    then the emulator clock jumps past the jobs' end and the run completes.
    """
    from tests.fullstack_celery.celery_stack import triggerer_jobs

    af = cs.airflow
    rec = FailoverRun("", triggerer_jobs(af), seq_before=_last_seq(cs))
    rec.run_id = trigger_run(af, {}, dag_id=MAPPED_DAG)

    def all_deferred_and_held() -> bool:
        af.check_alive()
        holders = _holders(cs, rec.run_id)
        return sum(holders.values()) == MAPPED and None not in holders

    wait_until(all_deferred_and_held, timeout=420, interval=2.0, what=f"{MAPPED} waits deferred and held",
               diagnostics=lambda: f"{_holders(cs, rec.run_id)}\n{af.diagnostics()}")
    rec.phases["deferred"] = _snapshot(cs, rec.run_id)
    rec.job_ids = {i: _job_id(cs, MAPPED_DAG, rec.run_id, "mapped_train", i) for i in range(MAPPED)}
    name_of = {job: name for name, job in rec.jobs.items()}
    victim = name_of[Counter(rec.phases["deferred"].values()).most_common(1)[0][0]]
    for phase, sig in (("after_sigkill", signal.SIGKILL), ("after_sigterm", signal.SIGTERM)):
        survivor = next(n for n in TRIGGERERS if n != victim)
        _move_all(cs, rec, victim, survivor, sig)
        rec.phases[phase] = _snapshot(cs, rec.run_id)
        rec.holders[phase] = survivor
        victim = survivor
    cs.emulator.advance(SLOW_RUNNING_S + 10)  # the jobs end: every wait completes where it is held
    run = RunRecord(rec.run_id, {})
    wait_for_runs(af, [run], timeout=420, dag_id=MAPPED_DAG)
    rec.state = run.state
    return rec


def _move_all(cs: CeleryStack, rec: FailoverRun, victim: str, survivor: str, sig: signal.Signals) -> None:
    """Stop ``victim`` with ``sig``; wait until ``survivor`` holds every wait; start ``victim`` again."""
    from tests.fullstack_celery.celery_stack import triggerer_jobs, wait_for_triggerers

    af = cs.airflow
    af.kill(victim, sig, timeout=60)
    wait_until(lambda: _all_held_by(cs, rec.run_id, {rec.jobs[survivor]}), timeout=180, interval=1.0,
               what=f"{survivor} holding every wait", diagnostics=af.diagnostics)
    af.start(victim)
    wait_for_triggerers(af)
    rec.jobs = triggerer_jobs(af)


def _trigger_texts(cs: CeleryStack, run_id: str, job_id: int) -> list[str]:
    folder = cs.airflow.home / "logs" / f"dag_id={MAPPED_DAG}" / f"run_id={run_id}"
    return [p.read_text(errors="replace") for p in folder.rglob(f"*.log.trigger.{job_id}.log")]


def _messages(text: str) -> list[str]:
    """The messages of a task or trigger log file, one per log record (JSON lines; another line as it is)."""
    out = []
    for line in text.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            out.append(line)
            continue
        out.append(str(record.get("event", "")) if isinstance(record, dict) else line)
    return out


def _epochs_per_task(cs: CeleryStack, run_id: str, map_index: int) -> Counter[int]:
    """How often each epoch line of the job's log stands as a record of its own over all of the task's log files
    (not inside another record, such as the triggerer's "Trigger fired event" whose event carries the last lines
    for a failure message)."""
    seen: Counter[int] = Counter()
    for text in _task_log_text(cs, MAPPED_DAG, run_id, "mapped_train", map_index).values():
        seen.update(int(m.group(1)) for m in map(EPOCH.match, _messages(text)) if m)
    return seen


# ---- 2: a triggerer SIGKILLed mid-wait --------------------------------------------------------------------------
def test_a_killed_triggerers_waits_complete_on_the_other(cs: CeleryStack, failover: FailoverRun) -> None:
    assert failover.state == "success", cs.airflow.diagnostics()
    tis = _mapped_tis(cs, failover.run_id)
    assert len(tis) == MAPPED and {ti["state"] for ti in tis} == {"success"}
    assert {ti["try_number"] for ti in tis} == {1}  # no retry hid a lost wait
    moved = failover.moved("deferred", "after_sigkill")
    assert moved, failover.phases  # the killed triggerer really held waits
    # each triggerer in turn held every one of the waits (the fixture waited until it did)
    assert set(failover.holders.values()) == set(TRIGGERERS), failover.holders
    for phase in failover.holders:
        assert len(set(failover.phases[phase].values())) == 1, (phase, failover.phases[phase])
    phases = [_job(cs, job_id)["status"]["phase"] for job_id in failover.job_ids.values()]
    assert Counter(phases) == {"Completed": MAPPED}
    assert len({*failover.job_ids.values()}) == MAPPED
    assert len(_created(cs, failover)) == MAPPED  # one create per task: nothing was re-created after a move
    assert [r for r in cs.emulator.requests("training_v2.action") if r["seq"] > failover.seq_before] == []


def _created(cs: CeleryStack, rec: FailoverRun) -> list[dict[str, Any]]:
    return [r for r in cs.emulator.requests("training_v2.create", status=201) if r["seq"] > rec.seq_before]


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
        assert 1 <= max(seen.values()) <= starts, (i, starts, seen.most_common(3),
                                                    _repeat_story(logs, seen.most_common(1)[0][0]))
        if starts == 1:
            assert set(seen.values()) == {1}, (i, seen.most_common(3))
        moved += starts > 1
    assert moved > 0  # the kills really moved waits


STARTING = re.compile(r"trigger [^ ]*mapped_train/\d+/\d+ \(ID \d+\) starting")


def _repeat_story(logs: dict[str, str], epoch: int) -> dict[str, Any]:
    """Where one epoch line stands in a task's log files, with each file's trigger-start lines (diagnostics)."""
    line = re.compile(rf"\[worker-0\] epoch {epoch}/\d+ ")
    return {name: {"copies": len(line.findall(text)), "starts": STARTING.findall(text)}
            for name, text in logs.items()}


# ---- 3: a trigger that only moves never stops its job -------------------------------------------------------------
def test_a_graceful_stop_moves_the_waits_without_on_kill_or_a_stop(cs: CeleryStack, failover: FailoverRun) -> None:
    assert failover.state == "success"
    assert failover.moved("after_sigkill", "after_sigterm")  # the SIGTERMed triggerer held waits
    texts = "".join(t for i in range(MAPPED) for t in _task_log_text(cs, MAPPED_DAG, failover.run_id,
                                                                      "mapped_train", i).values())
    assert "invoking on_kill" not in texts  # a stop or a crash of the triggerer does not call on_kill
    assert [r for r in cs.emulator.requests("training_v2.action") if r["seq"] > failover.seq_before] == []


# ---- 4: a Celery worker SIGKILLed while a non-deferrable task polls ----------------------------------------------
def test_a_killed_workers_task_retries_on_the_other_worker_and_reattaches(cs: CeleryStack) -> None:
    dag_id, task_id = "celery_sync_training", "sync_train"
    af = cs.airflow
    seq = _last_seq(cs)
    run_id = trigger_run(af, {}, dag_id=dag_id)
    _wait_state(cs, dag_id, run_id, task_id, "running")
    job_id = wait_until(lambda: _job_id(cs, dag_id, run_id, task_id), timeout=120, what="the job id in XCom")
    polls = len(_requests_for(cs, "training_v2.get", job_id))
    wait_until(lambda: len(_requests_for(cs, "training_v2.get", job_id)) >= polls + 2, timeout=120, interval=0.5,
               what="the worker polling", diagnostics=af.diagnostics)
    first = af.task_instance(dag_id, run_id, task_id)
    victim = first["hostname"]
    assert victim in WORKERS and first["try_number"] == 1, first
    af.kill(victim, signal.SIGKILL)  # the worker's whole process group: a lost host
    wait_until(lambda: af.task_instance(dag_id, run_id, task_id)["try_number"] == 2
               and af.task_instance(dag_id, run_id, task_id)["state"] == "running", timeout=300, interval=1.0,
               what="the retry running", diagnostics=af.diagnostics)
    second = af.task_instance(dag_id, run_id, task_id)
    assert second["hostname"] in WORKERS and second["hostname"] != victim, second
    polls = len(_requests_for(cs, "training_v2.get", job_id))
    wait_until(lambda: len(_requests_for(cs, "training_v2.get", job_id)) > polls, timeout=120, interval=0.5,
               what="the retry polling the same job", diagnostics=af.diagnostics)
    cs.emulator.advance(SLOW_RUNNING_S + 10)
    run = RunRecord(run_id, {})
    wait_for_runs(af, [run], timeout=240, dag_id=dag_id)
    assert run.state == "success", af.diagnostics()
    creates = [r for r in cs.emulator.requests("training_v2.create", status=201) if r["seq"] > seq]
    assert len(creates) == 1, creates  # the retry reattached: one job for the task instance
    assert _job_id(cs, dag_id, run_id, task_id) == job_id
    assert _job(cs, job_id)["status"]["phase"] == "Completed"
    assert _requests_for(cs, "training_v2.action", job_id) == []
    af.start(victim)  # the suite's next tests have both workers again
    from tests.fullstack_celery.celery_stack import wait_for_workers

    wait_for_workers(af)


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
    assert [r["status"] for r in stops] == [202], (stops, _task_log_text(cs, dag_id, run_id, task_id))
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
    log = "\n".join(f"== {n}\n{t}" for n, t in _task_log_text(cs, dag_id, run_id, task_id).items())
    stops = _requests_for(cs, "training_v2.action", job_id)
    assert [r["status"] for r in stops] == [202], (stops, log)
    assert _job(cs, job_id)["status"]["phase"] in ("Terminating", "Terminated")
    assert f"execution_timeout of {EXECUTION_TIMEOUT:g}s exceeded" in log


# ---- a stalled triggerer: its moved waits get on_kill there (apache/airflow#73454) ---------------------------
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


# ---- 7: IAM tokens: one per process and connection ------------------------------------------------------------
def test_each_process_asks_for_at_most_one_iam_token(cs: CeleryStack) -> None:
    """Over everything the suite ran so far (``modelarts_iam`` is the only ``iam_user`` connection): every token
    request came from a process that asked no other time, among them the triggerers' processes, which each ran
    many waits."""
    pids = list(cs.tokens.pids)
    assert pids and None not in pids, pids
    per_process = Counter(pids)
    assert max(per_process.values()) == 1, per_process.most_common(5)
    triggerer_pids = {pid for pid in per_process if cs.tokens.roles.get(pid) == "triggerer"}
    assert len(triggerer_pids) >= 2, cs.tokens.roles  # the runners of both triggerers asked (once each)...
    folder = cs.airflow.home / "logs"
    trigger_runs = sum(p.read_text(errors="replace").count(") starting") for p in folder.rglob("*.log.trigger.*.log"))
    assert trigger_runs > 3 * len(triggerer_pids), trigger_runs  # ...though each ran many waits
