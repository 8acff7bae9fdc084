"""What one poll costs at the least, piece by piece (for goal 1 of issue 15: 1 ms CPU per poll).

Against :mod:`benchmarks.stub_server` (its own process, so only the client's CPU is counted), one request at a
time in one event loop, ``REQUESTS`` times each:

* **httpx alone**: ``httpx.AsyncClient.get`` of a job, no signing, one kept-alive connection: the floor of any
  poll sent through httpx on this machine;
* **signing alone**: :meth:`~airflow_provider_modelarts.client.core.ClientCore.prepare` of the job read (AK/SK),
  no I/O;
* **provider client**: :meth:`~airflow_provider_modelarts.client.aio.AsyncModelArtsClient.call` of the job read
  (signing, the shared pool, retries, decoding);
* **one poll**: :func:`~airflow_provider_modelarts.client.waiter.apoll_once` (the read, the state tables, the
  log cadence) with the trigger's waiter.

Usage: ``python -m benchmarks.http_floor [REQUESTS]`` (prints a markdown table).
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

from benchmarks.common import Table, stub_process

REQUESTS = 2000


def _cpu() -> float:
    t = os.times()
    return t.user + t.system


async def _per_call(fn: Callable[[], Awaitable[Any]], n: int) -> tuple[float, float]:
    """(CPU ms, wall ms) per call of ``fn``, after 50 warm-up calls."""
    for _ in range(50):
        await fn()
    cpu0, wall0 = _cpu(), time.perf_counter()
    for _ in range(n):
        await fn()
    return 1000 * (_cpu() - cpu0) / n, 1000 * (time.perf_counter() - wall0) / n


async def _measure(url: str, n: int) -> list[tuple[str, float, float]]:
    import httpx

    from airflow_provider_modelarts.client.aio import AsyncModelArtsClient
    from airflow_provider_modelarts.client.api import training_v2
    from airflow_provider_modelarts.client.config import ClientSettings
    from airflow_provider_modelarts.client.waiter import Waiter, apoll_once

    rows: list[tuple[str, float, float]] = []
    path = f"{url}/v2/bench-project/training-jobs/floor-1"
    async with httpx.AsyncClient(trust_env=False) as plain:
        async def plain_get() -> Any:
            return (await plain.get(path)).content
        rows.append(("httpx alone (GET, no signing)", *await _per_call(plain_get, n)))
    settings = ClientSettings(auth_type="aksk", ak="bench-ak", sk="bench-sk", region="cn-north-4",
                              project_id="bench-project", modelarts_endpoint=url, iam_endpoint=url)
    req = training_v2.get_job("floor-1")
    async with AsyncModelArtsClient(settings) as client:
        async def sign() -> Any:
            return client.prepare(req, "bench-project", None)
        rows.append(("signing alone (AK/SK prepare, no I/O)", *await _per_call(sign, n)))

        async def call() -> Any:
            return await client.call(req)
        rows.append(("provider client (`AsyncModelArtsClient.call`)", *await _per_call(call, n)))
        waiter = Waiter("training_v2", {"training_job_id": "floor-1"}, poll_interval=5.0, emit=lambda _line: None)

        async def poll() -> Any:
            return await apoll_once(client, waiter)
        rows.append(("one poll (`apoll_once`: read + tables + log cadence)", *await _per_call(poll, n)))
    return rows


def run(n: int = REQUESTS) -> Table:
    table = Table("(c') The floor of one poll: one request at a time against the stub",
                  ["step", "CPU ms per call", "wall ms per call"])
    with stub_process() as stub:
        for name, cpu, wall in asyncio.run(_measure(stub.url, n)):
            table.add(name, cpu, wall)
    table.notes.append(f"{n} calls each after 50 warm-up calls, one event loop, the stub in its own process "
                       "(only the client's CPU counted). The stub's log never grows: the poll reads it 1, 2, 4, 8 "
                       "polls apart.")
    return table


if __name__ == "__main__":
    print(run(int(sys.argv[1]) if len(sys.argv) > 1 else REQUESTS).render())
