"""(c) Triggerer scale: N concurrent deferred waits in one process, as a triggerer runs them.

Three ways, side by side (:func:`run`):

* **airflow triggerer + stub** (:func:`measure_triggerer`): a real ``airflow triggerer`` process (its supervisor
  and its trigger-runner subprocess) holding N deferred task instances of a mapped DAG
  (``ModelArtsTrainingJobSensor``, deferrable), against :mod:`benchmarks.stub_server` (a minimal asyncio server
  answering the job and log reads, so the server is not the bottleneck). The lighter harness: a fresh metadata DB,
  the DAG serialized by ``airflow dags reserialize``, one run created and its N mapped task instances put in the
  deferred state the way ``TaskInstance.defer_task`` does (a ``Trigger`` row with the sensor's trigger and
  arguments, state ``deferred``, ``next_method``), instead of running N worker processes first; no scheduler or
  api-server (the triggerer needs neither to run triggers). CPU and memory are the whole process tree's, minus
  the same triggerer idle (no trigger) over an equal window before the task instances are created.
* **coroutines + stub** and **coroutines + emulator**: N ``ModelArtsResourceTrigger.run()`` generators consumed
  concurrently in one asyncio loop of one process (what the trigger runner does with them), against the stub and
  against the emulator (N v2 jobs that stay Running, ``stuck``; the emulator shares the two cores and is part of
  what is measured).

Measured over a window after every wait polled once and a warm-up: CPU ms per poll (user + system), resident
memory per wait (growth over the process before the waits), and the **poll lag** (time between two consecutive
reads of the same job minus the poll interval, from the server's log), p95 as a percentage of the interval.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from benchmarks.common import (
    PYTHON,
    ROOT,
    Table,
    cpu_seconds,
    median,
    percentile,
    rss_kib,
    tree_cpu_seconds,
    tree_rss_kib,
)

SIZES = (100, 500, 1000)
BACKLOG = 2048  # the emulator's listen backlog here (its default, 5, drops connections: see docs/benchmarks.md)
GOAL_LAG_PCT = 10.0  # issue 15: p95 poll lag under 10 % of the interval at 1,000 waits
GOAL_CPU_MS = 1.0  # issue 15: at most 1 ms CPU per poll
JOB_ARGS = {"code_dir": "obs://modelarts-emulator/code/", "boot_file": "train.py", "framework_type": "PyTorch",
            "framework_version": "PyTorch-1.4.0-python3.6-v2", "train_instance_type": "modelarts.vm.cpu.8u",
            "env_variables": {"MODELARTS_EMULATOR_OUTCOME": "stuck"}}
AIRFLOW = str(Path(PYTHON).parent / "airflow")
DAG_ID = "bench_triggerer_scale"
DAG_FILE = '''
from airflow.sdk import DAG
from airflow_provider_modelarts.sensors.training import ModelArtsTrainingJobSensor

with DAG({dag_id!r}, schedule=None, catchup=False):
    ModelArtsTrainingJobSensor.partial(task_id="wait", deferrable=True, poke_interval={poll!r}).expand(
        training_job_id={ids!r})
'''


def create_stuck_jobs(handle: Any, n: int) -> list[str]:
    """Create ``n`` v2 jobs that stay Running (8 threads, the provider's own sync client)."""
    from airflow_provider_modelarts.client.api import training_v2
    from airflow_provider_modelarts.hooks.modelarts import ModelArtsHook
    from airflow_provider_modelarts.operators.training import build_training_job_body

    hook = ModelArtsHook()

    def one(i: int) -> str:
        body = build_training_job_body(JOB_ARGS, None, name=f"scale-{n}-{i}", annotations={})
        return str(hook.call(training_v2.create_job(body))["metadata"]["id"])

    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(one, range(n)))


def lag_stats(by_job: dict[str, list[float]], poll: float, t0: float, t1: float) -> dict[str, Any]:
    """Poll lags (two successive reads of one job, both in the window: the steady state, not the start-up's first
    poll nor the phase's one-time shift) and polls in the window."""
    lags = [b - a - poll for times in by_job.values() for a, b in zip(times, times[1:], strict=False)
            if t0 <= a and b <= t1]
    polls = sum(1 for times in by_job.values() for t in times if t0 <= t <= t1)
    return {"lags": lags, "polls": polls, "jobs_polled": len(by_job)}


# ---- the waiting process -----------------------------------------------------------------------------------------
async def _all_polled(url: str, n: int, limit: float) -> float:
    """Seconds until the server at ``url`` (its counts) saw ``n`` job reads (every wait polled once), at most
    ``limit``."""
    import requests

    start = time.monotonic()
    while time.monotonic() - start < limit:
        counts = await asyncio.to_thread(lambda: requests.get(url, timeout=30).json())
        if counts.get("training_v2.get", 0) >= n:
            break
        await asyncio.sleep(0.5)
    return time.monotonic() - start


async def _wait_all(ids: list[str], poll: float, warmup: float, window: float, emulator_pid: int,
                    emulator_url: str) -> dict[str, Any]:
    from airflow_provider_modelarts.triggers.modelarts import ModelArtsResourceTrigger

    events: list[Any] = []

    async def consume(trigger: ModelArtsResourceTrigger) -> None:
        async for event in trigger.run():
            events.append(event)

    base_rss = rss_kib()
    tasks = [asyncio.create_task(consume(ModelArtsResourceTrigger("training_v2", {"training_job_id": i},
                                                                  poll_interval=poll))) for i in ids]
    startup = await _all_polled(emulator_url, len(ids), limit=300)
    await asyncio.sleep(warmup)
    cpu0, emu0, t0, rss0 = os.times(), cpu_seconds(emulator_pid), time.time(), rss_kib()
    await asyncio.sleep(window)
    cpu1, emu1, t1, rss1 = os.times(), cpu_seconds(emulator_pid), time.time(), rss_kib()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    cpu = (cpu1.user - cpu0.user) + (cpu1.system - cpu0.system)
    return {"t0": t0, "t1": t1, "cpu": cpu, "emulator_cpu": emu1 - emu0, "startup": startup, "base_rss": base_rss, "rss_warm": rss0, "rss_end": rss1,
            "events": len(events), "event_sample": [e.payload for e in events[:3]]}


def worker_main(argv: list[str]) -> None:
    """``python -m benchmarks.triggerer_scale --worker IDS_FILE POLL WARMUP WINDOW SERVER_PID COUNTS_URL``:
    prints one JSON line."""
    ids_file, poll, warmup, window, pid = argv[0], float(argv[1]), float(argv[2]), float(argv[3]), int(argv[4])
    import airflow_provider_modelarts.client.aio  # noqa: F401 - imports paid before the baseline RSS
    import airflow_provider_modelarts.hooks.modelarts  # noqa: F401
    import airflow_provider_modelarts.triggers.modelarts  # noqa: F401

    ids = json.loads(open(ids_file, encoding="utf-8").read())
    print(json.dumps(asyncio.run(_wait_all(ids, poll, warmup, window, pid, argv[5]))))


def _coroutines(ids: list[str], n: int, *, poll: float, warmup: float, window: float, tmp: str, server_pid: int,
                counts: str, conn_json: str | None = None) -> dict[str, Any]:
    path = os.path.join(tmp, f"ids-{n}.json")
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(ids, fh)
    proc = subprocess.run([PYTHON, "-m", "benchmarks.triggerer_scale", "--worker", path, str(poll), str(warmup),
                           str(window), str(server_pid), counts], capture_output=True, text=True, cwd=ROOT,
                          timeout=warmup + window + 900, env={**os.environ, "PYTHONPATH": str(ROOT), **(
                              {"AIRFLOW_CONN_MODELARTS_DEFAULT": conn_json} if conn_json else {})})
    if proc.returncode != 0:
        raise RuntimeError(f"the waiting process failed:\n{proc.stderr[-3000:]}")
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def measure(handle: Any, n: int, *, poll: float, warmup: float, window: float, tmp: str) -> dict[str, Any]:
    """Coroutines against the emulator (N stuck v2 jobs)."""
    ids = create_stuck_jobs(handle, n)
    handle.clear_requests()
    result = _coroutines(ids, n, poll=poll, warmup=warmup, window=window, tmp=tmp, server_pid=handle.pid,
                         counts=handle.url + "/_emulator/requests/counts")
    log = handle.requests()
    by_job: dict[str, list[float]] = {}
    for e in log:
        if e["kind"] == "training_v2.get":
            by_job.setdefault(e["path"].rstrip("/").rsplit("/", 1)[1], []).append(e["time"])
    errors = sum(1 for e in log if e["status"] and e["status"] >= 400)
    logs = sum(1 for e in log if e["kind"] == "training_v2.log_preview")
    return {**result, **lag_stats(by_job, poll, result["t0"], result["t1"]), "n": n, "errors": errors,
            "log_reads": logs}


def measure_stub(stub: Any, n: int, *, poll: float, warmup: float, window: float, tmp: str) -> dict[str, Any]:
    """Coroutines against the stub."""
    stub.reset()
    ids = [f"stub-{n}-{i}" for i in range(n)]
    result = _coroutines(ids, n, poll=poll, warmup=warmup, window=window, tmp=tmp, server_pid=stub.pid,
                         counts=stub.url + "/_stub/counts", conn_json=stub.connection_json())
    counts = stub.get("counts")
    return {**result, **lag_stats(stub.get("polls"), poll, result["t0"], result["t1"]), "n": n,
            "errors": counts.get("other", 0), "log_reads": counts.get("training_v2.logs", 0)}


# ---- the real triggerer ------------------------------------------------------------------------------------------
def _airflow_env(home: Path, dags: Path, conn_json: str, n: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW__", "AIRFLOW_CONN_"))}
    env.update({"AIRFLOW_HOME": str(home), "AIRFLOW__CORE__DAGS_FOLDER": str(dags),
                "AIRFLOW__CORE__LOAD_EXAMPLES": "False", "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
                "AIRFLOW__TRIGGERER__CAPACITY": str(max(1000, n + 100)),
                "AIRFLOW__TRIGGERER__MAX_TRIGGER_TO_SELECT_PER_LOOP": str(max(50, n)),
                "AIRFLOW__LOGGING__LOGGING_LEVEL": "WARNING",
                "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(_free_port()),
                "AIRFLOW_CONN_MODELARTS_DEFAULT": conn_json, "PYTHONPATH": str(ROOT)})
    return env


def _free_port() -> int:
    from benchmarks.common import free_port

    return free_port()


#: run with the stack's environment: one DAG run, its N mapped task instances deferred on the sensor's trigger
_DEFER_SCRIPT = """
import sys
from datetime import timedelta
from airflow.models.serialized_dag import SerializedDagModel
from airflow.models.taskinstance import TaskInstance
from airflow.models.trigger import Trigger
from airflow.utils import timezone
from airflow.utils.session import create_session
from airflow.utils.state import DagRunState, TaskInstanceState
from airflow.utils.types import DagRunTriggeredByType, DagRunType
from sqlalchemy import select
from airflow_provider_modelarts.triggers.modelarts import ModelArtsResourceTrigger

dag_id, poll = sys.argv[1], float(sys.argv[2])
with create_session() as session:
    dag = SerializedDagModel.get_dag(dag_id, session=session)
    now = timezone.utcnow()
    run = dag.create_dagrun(run_id="bench", run_after=now, run_type=DagRunType.MANUAL,
                            triggered_by=DagRunTriggeredByType.TEST, state=DagRunState.RUNNING, session=session)
    session.flush()
    tis = session.scalars(select(TaskInstance).where(TaskInstance.dag_id == dag_id,
                                                     TaskInstance.run_id == run.run_id)).all()
    task = dag.get_task("wait")
    ids = task.expand_input.value["training_job_id"]
    if len(tis) != len(ids):  # mapped task instances not expanded at creation: expand them here
        tis = [t for t in tis if t.map_index >= 0]
        have = {t.map_index for t in tis}
        base = session.scalars(select(TaskInstance).where(TaskInstance.dag_id == dag_id,
                                                          TaskInstance.run_id == run.run_id)).first()
        for i in range(len(ids)):
            if i not in have:
                ti = TaskInstance(task, run_id=run.run_id, map_index=i, dag_version_id=base.dag_version_id)
                session.add(ti)
                tis.append(ti)
        for t in session.scalars(select(TaskInstance).where(TaskInstance.dag_id == dag_id,
                                                            TaskInstance.run_id == run.run_id,
                                                            TaskInstance.map_index == -1)).all():
            session.delete(t)
        session.flush()
    for ti in tis:
        trigger = Trigger.from_object(ModelArtsResourceTrigger(
            "training_v2", {"training_job_id": ids[ti.map_index]}, poll_interval=poll))
        session.add(trigger)
        session.flush()
        ti.state = TaskInstanceState.DEFERRED
        ti.trigger_id = trigger.id
        ti.next_method = "execute_complete"
        ti.start_date = now
        ti.trigger_timeout = now + timedelta(hours=2)
    print(len(tis))
"""


def measure_triggerer(stub: Any, n: int, *, poll: float, warmup: float, window: float,
                      tmp: str) -> dict[str, Any]:
    """A real ``airflow triggerer`` holding ``n`` deferred mapped sensor task instances against the stub."""
    root = Path(tmp) / f"triggerer-{n}"
    dags = root / "dags"
    dags.mkdir(parents=True)
    ids = [f"tri-{n}-{i}" for i in range(n)]
    (dags / "bench_triggerer_scale.py").write_text(DAG_FILE.format(dag_id=DAG_ID, poll=poll, ids=ids))
    env = _airflow_env(root / "home", dags, stub.connection_json(), n)
    for cmd in (["db", "migrate"], ["dags", "reserialize"]):
        done = subprocess.run([AIRFLOW, *cmd], env=env, cwd=root, capture_output=True, text=True, timeout=900)
        if done.returncode != 0:
            raise RuntimeError(f"airflow {' '.join(cmd)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    stub.reset()
    with open(root / "triggerer.log", "wb") as out:
        proc = subprocess.Popen([AIRFLOW, "triggerer"], env=env, cwd=root, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        time.sleep(max(20.0, warmup))  # started, its runner subprocess up, idle
        idle_cpu0, idle_t0 = tree_cpu_seconds(proc.pid), time.time()
        time.sleep(window)
        idle_cpu = (tree_cpu_seconds(proc.pid) - idle_cpu0) / (time.time() - idle_t0)  # CPU s per s, idle
        base_rss = tree_rss_kib(proc.pid)
        made = subprocess.run([PYTHON, "-c", _DEFER_SCRIPT, DAG_ID, str(poll)], env=env, cwd=root,
                              capture_output=True, text=True, timeout=900)
        if made.returncode != 0:
            raise RuntimeError(f"deferring the task instances failed:\n{made.stderr[-3000:]}")
        start = time.monotonic()
        while stub.get("counts").get("training_v2.get", 0) < n and time.monotonic() - start < 600:
            if proc.poll() is not None:
                raise RuntimeError(f"the triggerer exited:\n{(root / 'triggerer.log').read_text()[-3000:]}")
            time.sleep(1.0)
        startup = time.monotonic() - start
        time.sleep(warmup)
        cpu0, t0 = tree_cpu_seconds(proc.pid), time.time()
        time.sleep(window)
        cpu1, t1, rss = tree_cpu_seconds(proc.pid), time.time(), tree_rss_kib(proc.pid)
    finally:
        import signal

        with __import__("contextlib").suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    counts = stub.get("counts")
    stats = lag_stats(stub.get("polls"), poll, t0, t1)
    busy = cpu1 - cpu0
    return {**stats, "n": n, "t0": t0, "t1": t1, "cpu": busy, "cpu_above_idle": busy - idle_cpu * (t1 - t0),
            "startup": startup, "base_rss": base_rss, "rss_end": rss, "errors": counts.get("other", 0),
            "log_reads": counts.get("training_v2.logs", 0), "events": 0, "server_cpu": None}


COLUMNS = ["harness", "waits", "s until all polled once", "polls in window", "poll lag median s", "poll lag p95 s",
           "p95 lag % of interval", "goal %", "CPU ms per poll", "goal ms", "CPU % of one core", "server CPU %",
           "RSS MiB", "RSS KiB per wait", "log reads / job reads", "jobs polled", "HTTP errors"]


def _row(table: Table, harness: str, r: dict[str, Any], poll: float, *, cpu_key: str = "cpu") -> None:
    span = r["t1"] - r["t0"]
    p95 = percentile(r["lags"], 0.95)
    gets = max(1, r["polls"])
    server = r.get("emulator_cpu")
    table.add(harness, r["n"], r["startup"], r["polls"], median(r["lags"]), p95, 100 * p95 / poll, f"< {GOAL_LAG_PCT:g}",
              1000 * r[cpu_key] / gets if r["polls"] else None, f"<= {GOAL_CPU_MS:g}", 100 * r[cpu_key] / span,
              None if server is None else 100 * server / span, r["rss_end"] / 1024,
              (r["rss_end"] - r["base_rss"]) / r["n"], r.get("log_reads", 0) / gets if r["polls"] else None,
              r["jobs_polled"], r["errors"])


def run(sizes: tuple[int, ...] = SIZES, *, poll: float = 5.0, warmup: float | None = None, window: float = 20.0,
        harnesses: tuple[str, ...] = ("triggerer", "stub", "emulator")) -> Table:
    """The table: for each harness (``triggerer``: a real ``airflow triggerer`` + stub, ``stub``: coroutines +
    stub, ``emulator``: coroutines + emulator) and each size, one row.

    The warm-up (default two intervals) holds every wait's second poll, which its ``phase`` puts up to one
    interval later once (client/waiter.py): the window measures the steady rate, not that planned shift.
    """
    from benchmarks.common import emulator_process, stub_process

    warmup = 2 * poll if warmup is None else warmup

    table = Table("(c) Triggerer scale: N concurrent deferred ModelArts waits in one triggerer", COLUMNS)
    with tempfile.TemporaryDirectory() as tmp:
        if "triggerer" in harnesses or "stub" in harnesses:
            with stub_process() as stub:
                for n in sizes if "triggerer" in harnesses else ():
                    r = measure_triggerer(stub, n, poll=poll, warmup=warmup, window=window, tmp=tmp)
                    _row(table, "airflow triggerer + stub (whole process tree)", r, poll)
                for n in sizes if "stub" in harnesses else ():
                    r = measure_stub(stub, n, poll=poll, warmup=warmup, window=window, tmp=tmp)
                    _row(table, "coroutines + stub", r, poll)
        if "emulator" in harnesses:
            with emulator_process(speed=10.0, obs=False, backlog=BACKLOG) as handle:
                os.environ["AIRFLOW_CONN_MODELARTS_DEFAULT"] = handle.airflow_connection_json()
                for n in sizes:
                    r = measure(handle, n, poll=poll, warmup=warmup, window=window, tmp=tmp)
                    _row(table, "coroutines + emulator", r, poll)
    table.notes += [
        f"poll_interval {poll} s, stream_logs on; after every wait polled once (the start-up column), {warmup} s "
        f"more warm-up (each wait's second poll, shifted once by its phase, falls in it), then a {window} s window. The stub's logs never grow after their first lines (a quiet job): "
        "the waits read them 1, 2, 4, 8 polls apart (log reads / job reads); the emulator's stuck jobs likewise.",
        "airflow triggerer: the whole process tree (supervisor + trigger runner), its own DB loop included; RSS "
        "per wait over the idle triggerer. Coroutines: one process, N `ModelArtsResourceTrigger.run()` in one loop.",
        "poll lag = interval between two successive reads of one job minus the poll interval (server's log); p95 "
        "over every pair with both reads in the window. The emulator's listen backlog is raised to "
        f"{BACKLOG} (its default of 5 drops simultaneous connects).",
        "every ModelArts trigger of a process shares one httpx pool per event loop and connection settings "
        "(client/aio.py); before, each built its own.",
    ]
    return table


if __name__ == "__main__":
    if sys.argv[1:2] == ["--worker"]:
        worker_main(sys.argv[2:])
    else:
        print(run(tuple(int(a) for a in sys.argv[1:]) or SIZES).render())
