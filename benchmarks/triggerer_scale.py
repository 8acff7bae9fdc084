"""(c) Triggerer scale: N concurrent deferred waits in one process, as a triggerer runs them.

What is driven (honestly): not Airflow's ``TriggerRunner`` (it needs a metadata DB, a supervisor and the
scheduler to hand it trigger rows), but what it does with them: N ``ModelArtsResourceTrigger.run()`` async
generators consumed concurrently in **one asyncio event loop in one process**, each with its own async client
(as the triggerer builds each trigger on its own). The emulator runs in another process with N v2 training jobs
that stay Running (``stuck``), so no wait ends during the window.

Measured in the waiting process over a window after a warm-up: CPU seconds (user + system) per poll, resident
memory (after the warm-up, and its growth per wait over the bare process); from the emulator's request log:
polls made, and the **poll lag** (time between two consecutive polls of the same job minus the poll interval:
how late the loop is).
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from benchmarks.common import PYTHON, ROOT, Table, cpu_seconds, median, percentile, rss_kib

SIZES = (100, 500, 1000)
BACKLOG = 2048  # the emulator's listen backlog here (its default, 5, drops connections: see docs/benchmarks.md)
JOB_ARGS = {"code_dir": "obs://modelarts-emulator/code/", "boot_file": "train.py", "framework_type": "PyTorch",
            "framework_version": "PyTorch-1.4.0-python3.6-v2", "train_instance_type": "modelarts.vm.cpu.8u",
            "env_variables": {"MODELARTS_EMULATOR_OUTCOME": "stuck"}}


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


# ---- the waiting process -----------------------------------------------------------------------------------------
async def _all_polled(emulator_url: str, n: int, limit: float) -> float:
    """Seconds until the emulator saw ``n`` job reads (every wait polled once), at most ``limit``."""
    import requests

    start = time.monotonic()
    while time.monotonic() - start < limit:
        counts = await asyncio.to_thread(lambda: requests.get(emulator_url + "/_emulator/requests/counts",
                                                              timeout=30).json())
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
    startup = await _all_polled(emulator_url, len(ids), limit=180)
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
    """``python -m benchmarks.triggerer_scale --worker IDS_FILE POLL WARMUP WINDOW EMULATOR_PID EMULATOR_URL``:
    prints one JSON line."""
    ids_file, poll, warmup, window, pid = argv[0], float(argv[1]), float(argv[2]), float(argv[3]), int(argv[4])
    import airflow_provider_modelarts.client.aio  # noqa: F401 - imports paid before the baseline RSS
    import airflow_provider_modelarts.hooks.modelarts  # noqa: F401
    import airflow_provider_modelarts.triggers.modelarts  # noqa: F401

    ids = json.loads(open(ids_file, encoding="utf-8").read())
    print(json.dumps(asyncio.run(_wait_all(ids, poll, warmup, window, pid, argv[5]))))


def measure(handle: Any, n: int, *, poll: float, warmup: float, window: float, tmp: str) -> dict[str, Any]:
    ids = create_stuck_jobs(handle, n)
    path = os.path.join(tmp, f"ids-{n}.json")
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(ids, fh)
    handle.clear_requests()
    proc = subprocess.run([PYTHON, "-m", "benchmarks.triggerer_scale", "--worker", path, str(poll), str(warmup),
                           str(window), str(handle.pid), handle.url], capture_output=True, text=True, cwd=ROOT, timeout=warmup + window + 600,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    if proc.returncode != 0:
        raise RuntimeError(f"the waiting process failed:\n{proc.stderr[-3000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    log = handle.requests()
    by_job: dict[str, list[float]] = {}
    for e in log:
        if e["kind"] == "training_v2.get":
            by_job.setdefault(e["path"].rstrip("/").rsplit("/", 1)[1], []).append(e["time"])
    lags = [b - a - poll for times in by_job.values() for a, b in zip(times, times[1:], strict=False)
            if result["t0"] <= b <= result["t1"]]
    polls_in_window = sum(1 for times in by_job.values() for t in times if result["t0"] <= t <= result["t1"])
    errors = sum(1 for e in log if e["status"] and e["status"] >= 400)
    first_poll = [times[0] for times in by_job.values()]
    return {**result, "n": n, "lags": lags, "polls": polls_in_window, "jobs_polled": len(by_job),
            "errors": errors, "requests": len(log), "startup_spread": (max(first_poll) - min(first_poll))
            if first_poll else float("nan")}


def run(sizes: tuple[int, ...] = SIZES, *, poll: float = 5.0, warmup: float = 5.0, window: float = 20.0) -> Table:
    import tempfile

    from benchmarks.common import emulator_process

    table = Table("(c) Triggerer scale: N concurrent `ModelArtsResourceTrigger.run()` waits in one event loop",
                  ["waits", "s until all polled once", "polls in window", "poll lag median s", "poll lag p95 s", "poll lag max s",
                   "CPU s per poll", "CPU % of one core", "emulator CPU %", "RSS MiB", "RSS KiB per wait", "jobs polled", "HTTP errors", "waits ended early"])
    with emulator_process(speed=10.0, obs=False, backlog=BACKLOG) as handle, tempfile.TemporaryDirectory() as tmp:
        os.environ["AIRFLOW_CONN_MODELARTS_DEFAULT"] = handle.airflow_connection_json()
        for n in sizes:
            r = measure(handle, n, poll=poll, warmup=warmup, window=window, tmp=tmp)
            span = r["t1"] - r["t0"]
            table.add(n, r["startup"], r["polls"], median(r["lags"]), percentile(r["lags"], 0.95), max(r["lags"], default=None),
                      r["cpu"] / r["polls"] if r["polls"] else None, 100 * r["cpu"] / span, 100 * r["emulator_cpu"] / span, r["rss_end"] / 1024,
                      (r["rss_end"] - r["base_rss"]) / n, r["jobs_polled"], r["errors"], r["events"])
    table.notes += [
        f"driven: N trigger `run()` generators in one asyncio loop in one process (not Airflow's TriggerRunner); "
        f"poll_interval {poll} s, stream_logs on (each poll = job GET + log preview GET); after every wait "
        f"polled once (the start-up column), {warmup} s more warm-up, then a {window} s window; the emulator (speed 10) runs in another process on the same 2 cores.",
        "poll lag = interval between two polls of one job minus the poll interval (from the emulator's request "
        f"log); the emulator's listen backlog is raised to {BACKLOG} for this run (with its default of 5, simultaneous "
        "connects are dropped and retried by TCP, which measures the emulator, not the waits); "
        "RSS KiB per wait = (RSS at the end - RSS before the waits started) / N.",
    ]
    return table


if __name__ == "__main__":
    if sys.argv[1:2] == ["--worker"]:
        worker_main(sys.argv[2:])
    else:
        print(run(tuple(int(a) for a in sys.argv[1:]) or SIZES).render())
