"""Helpers shared by the benchmarks: provider module discovery, statistics, tables, the machine, the emulator.

Nothing here asserts timings: the benchmarks measure and print; ``docs/benchmarks.md`` records a run.
"""

from __future__ import annotations

import contextlib
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "airflow_provider_modelarts"
PYTHON = sys.executable
#: The module families a DAG file imports (their import cost is the provider's DAG-parse cost).
DAG_FACING_FAMILIES = ("operators", "sensors", "triggers")


def provider_modules(families: Sequence[str] = DAG_FACING_FAMILIES) -> list[str]:
    """Every module of ``airflow_provider_modelarts.<family>`` that exists now (files are globbed, not listed),
    so modules other engineers add are picked up automatically.

    :param families: sub-packages to look in.
    """
    out = []
    for family in families:
        folder = ROOT / PACKAGE / family
        out += [f"{PACKAGE}.{family}.{p.stem}" for p in sorted(folder.glob("*.py")) if p.stem != "__init__"]
    return out


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values)) if values else float("nan")


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile (0..1) by nearest rank; NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return float(ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))])


@dataclass
class Table:
    """A titled table printed as GitHub markdown (so a run pastes straight into ``docs/benchmarks.md``).

    :param title: the heading. :param columns: column names. :param notes: lines printed under the table.
    """

    title: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, *cells: Any) -> None:
        self.rows.append(list(cells))

    def render(self) -> str:
        cells = [[fmt(c) for c in row] for row in self.rows]
        widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(self.columns)]
        line = lambda row: "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"  # noqa: E731
        out = [f"### {self.title}", "", line(self.columns), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
        out += [line(r) for r in cells]
        out += [""] + [f"- {n}" for n in self.notes] if self.notes else []
        return "\n".join(out) + "\n"


def fmt(value: Any) -> str:
    """Numbers with a sensible number of digits; None as an em dash."""
    if value is None:
        return "—"
    if isinstance(value, float):
        if value != value:  # NaN
            return "—"
        if abs(value) >= 100:
            return f"{value:,.0f}"
        if abs(value) >= 10:
            return f"{value:.1f}"
        return f"{value:.3g}" if abs(value) < 1 else f"{value:.2f}"
    return str(value)


def machine() -> str:
    """One paragraph describing the machine, Python and Airflow (printed with every run)."""
    cpu = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = ""
    with contextlib.suppress(OSError, ValueError, IndexError):
        kib = int(Path("/proc/meminfo").read_text().split("MemTotal:")[1].split()[0])
        mem = f", {kib / 1024 / 1024:.1f} GiB RAM"
    try:
        from importlib.metadata import version

        airflow = version("apache-airflow")
    except Exception:  # noqa: BLE001 - a description, never a failure
        airflow = "?"
    load = ", load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()) if hasattr(os, "getloadavg") else ""
    return (f"{cpu}, {os.cpu_count()} CPUs{mem}{load}; {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}; Airflow {airflow}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


#: Starts the emulator CLI with a listen backlog of ``sys.argv[1]`` (``socketserver``'s default is 5, which drops
#: the connections of hundreds of clients connecting at once: see docs/benchmarks.md).
_EMULATOR_MAIN = """
import sys
from airflow_provider_modelarts.emulator import server
from airflow_provider_modelarts.emulator.__main__ import main
server.EmulatorHTTPServer.request_queue_size = int(sys.argv[1])
sys.exit(main(sys.argv[2:]))
"""


@contextlib.contextmanager
def emulator_process(*, speed: float = 10.0, obs: bool = True, timeout: float = 60.0,
                     backlog: int | None = None, runner: bool = False) -> Iterator[Any]:
    """Run the emulator CLI in its own process (so its CPU is not counted in the measured process).

    Yields an :class:`~airflow_provider_modelarts.emulator.testing.EmulatorHandle` talking to it over HTTP.

    :param speed: emulated seconds per real second. :param obs: start OBS too.
    :param timeout: seconds to wait for it to answer.
    :param backlog: listen backlog of the ModelArts endpoint (None: the emulator's own).
    :param runner: runner mode (training scripts really run, services really predict).
    """
    import requests

    from airflow_provider_modelarts.emulator.testing import EmulatorHandle

    port = free_port()
    args = ["--port", str(port), "--speed", str(speed)]
    if backlog is None:
        cmd = [PYTHON, "-m", "airflow_provider_modelarts.emulator", *args]
    else:
        cmd = [PYTHON, "-c", _EMULATOR_MAIN, str(backlog), *args]
    cmd += ["--obs-port", str(free_port())] if obs else ["--no-obs"]
    cmd += ["--runner"] if runner else []
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            with contextlib.suppress(requests.RequestException):
                if requests.get(url + "/_emulator/health", timeout=2).ok:
                    break
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the emulator did not start: {' '.join(cmd)}")
            time.sleep(0.2)
        handle = EmulatorHandle.from_url(url)
        handle.pid = proc.pid  # type: ignore[attr-defined]  # for CPU accounting of the emulator process
        yield handle
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def cpu_seconds(pid: int | str = "self") -> float:
    """User + system CPU seconds used so far by a process, from ``/proc/<pid>/stat``."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_kib(pid: int | str = "self") -> int:
    """Resident set size (KiB) of a process, from ``/proc``."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


@dataclass
class Stub:
    """A running :mod:`benchmarks.stub_server` process.

    :param url: its base URL. :param pid: its process id (for CPU accounting).
    """

    url: str
    pid: int

    def connection_json(self) -> str:
        """``AIRFLOW_CONN_MODELARTS_DEFAULT`` for the stub (AK/SK signing as usual; the stub checks nothing)."""
        import json

        extra = {"auth_type": "aksk", "region": "cn-north-4", "project_id": "bench-project",
                 "modelarts_endpoint": self.url, "iam_endpoint": self.url}
        return json.dumps({"conn_type": "modelarts", "login": "bench-ak", "password": "bench-sk", "extra": extra})

    def get(self, what: str) -> Any:
        import requests

        return requests.get(f"{self.url}/_stub/{what}", timeout=60).json()

    def reset(self) -> None:
        import requests

        requests.post(f"{self.url}/_stub/reset", timeout=60)


@contextlib.contextmanager
def stub_process(*, log_every: float = 0.0) -> Iterator[Stub]:
    """Run :mod:`benchmarks.stub_server` in its own process on a free loopback port.

    :param log_every: seconds between two new lines of every job's log (0: the log never grows).
    """
    port = free_port()
    proc = subprocess.Popen([PYTHON, "-m", "benchmarks.stub_server", "--port", str(port), "--log-every",
                             str(log_every)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=ROOT,
                            start_new_session=True, text=True)
    try:
        assert proc.stdout is not None
        if proc.stdout.readline().strip() != "ready":
            raise RuntimeError("the stub server did not start")
        yield Stub(f"http://127.0.0.1:{port}", proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def tree_pids(pid: int) -> list[int]:
    """``pid`` and every descendant of it (from ``/proc/<pid>/task/*/children``)."""
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        with contextlib.suppress(OSError):
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
    return out


def _tree_total(pid: int, measure: Callable[[int], float]) -> float:
    """``measure`` summed over a process and its descendants alive now (one that exits meanwhile counts 0)."""
    total = 0.0
    for p in tree_pids(pid):
        with contextlib.suppress(OSError):
            total += measure(p)
    return total


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process and its descendants (those alive now)."""
    return _tree_total(pid, cpu_seconds)


def tree_rss_kib(pid: int) -> int:
    """Resident memory (KiB) of a process and its descendants."""
    return int(_tree_total(pid, rss_kib))
