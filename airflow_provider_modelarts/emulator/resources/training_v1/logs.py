"""Legacy v1 training logs: log file names and the ``aom-log`` reader."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from airflow_provider_modelarts.emulator.http import Request, Response
from airflow_provider_modelarts.emulator.resources.training_v1.base import (
    COMPLETED,
    FAILED,
    FAILURE_REASONS,
    KILLED,
    RUNNING,
    STATUS_NAMES,
    fmt_time,
    ok,
    v1_error,
)
from airflow_provider_modelarts.emulator.resources.training_v1.jobs import get_version, version_status

if TYPE_CHECKING:
    from airflow_provider_modelarts.emulator.state import Emulator


# ---- training logs ---------------------------------------------------------------------------------------------
def _final_lines(ver: dict[str, Any], status: int) -> list[str]:
    """What the log says about how a version ended."""
    train_url = ver["config"].get("train_url", "")
    if status == COMPLETED:
        return [f"INFO: training finished, outputs saved to {train_url or 'the container'}",
                "INFO: job completed successfully (status 10 JOBSTAT_COMPLETED)"]
    if status == KILLED:
        return ["WARNING: received a stop request, killing the training processes",
                "INFO: job killed (status 12 JOBSTAT_KILLED)"]
    if status in FAILURE_REASONS:
        lines = []
        if status == FAILED:
            lines = ["Traceback (most recent call last):",
                     f'  File "{ver["config"].get("boot_file_url") or "train.py"}", line 42, in <module>',
                     "RuntimeError: emulated training failure"]
        return [*lines, f"ERROR: {FAILURE_REASONS[status]}",
                f"ERROR: job failed with status {status} {STATUS_NAMES[status]}"]
    return []


def _simulated_lines(job: dict[str, Any], ver: dict[str, Any], now: float) -> list[str]:
    """Platform lines for each status entered, progress lines while running, an explanation at the end."""
    lines = [f"[{fmt_time(ver['create_time'] / 1000)}] INFO: training job {job['job_name']} version "
             f"{ver['version_name']} created"]
    timeline = ver["_life"].timeline(now)
    for index, (t, status) in enumerate(timeline):
        lines.append(f"[{fmt_time(t)}] INFO: job status changed to {status} ({STATUS_NAMES.get(status, '?')})")
        if status == RUNNING and ver.get("run") is None:
            end = timeline[index + 1][0] if index + 1 < len(timeline) else now
            steps = int((end - t) // 2)
            lines += [f"[{fmt_time(t + 2 * (i + 1))}] epoch {i + 1}: loss={1.0 / (i + 2):.4f} "
                      f"accuracy={1 - 1.0 / (i + 3):.4f}" for i in range(steps)]
    return lines


def version_log(job: dict[str, Any], ver: dict[str, Any], now: float) -> list[str]:
    """The log lines of a version as of now (the runner's output in runner mode)."""
    lines = _simulated_lines(job, ver, now)
    run = ver.get("run")
    if run is not None:
        lines += run.log_text().splitlines()
    return lines + _final_lines(ver, version_status(ver, now))


def log_file_names(job: dict[str, Any], ver: dict[str, Any]) -> list[str]:
    return [f"{job['job_name']}.{index}" for index in range(int(ver["config"].get("worker_server_num", 1)))]


def checked_log(req: Request, emu: Emulator) -> tuple[dict[str, Any], list[str]]:
    """The version and the lines of the ``log_file`` the query names (400 when it is missing or unknown)."""
    job, ver = get_version(emu, req)
    log_file = req.query("log_file")
    if not log_file:
        raise v1_error("Missing parameter: log_file is mandatory.")
    if log_file not in log_file_names(job, ver):
        raise v1_error(f"Invalid parameter log_file: {log_file!r} does not exist.")
    return ver, version_log(job, ver, emu.clock.now())


def list_log_files(req: Request, emu: Emulator) -> Response:
    job, ver = get_version(emu, req)
    return ok(log_file_list=log_file_names(job, ver))


def line_window(count: int, base: int | None, lines: int, order: str) -> tuple[int, int]:
    """[start, end) indexes of the lines answered: latest when no base, after base (desc) or before it (asc)."""
    if base is None:
        return max(0, count - lines), count
    if order == "asc":
        return max(0, base - lines), max(0, min(base, count))
    return min(base + 1, count), min(base + 1 + lines, count)


def line_token(prefix: str, index: int) -> str:
    """The ``start_line``/``end_line`` position of a line: the version's create time and a 6-digit index."""
    return f"{prefix}{index:06d}"


def aom_log(req: Request, emu: Emulator) -> Response:
    ver, all_lines = checked_log(req, emu)
    lines = req.query_int("lines", 50, lo=0, hi=500, v1=True)
    order = req.query("order") or "desc"
    if order not in ("asc", "desc"):
        raise v1_error(f"Invalid parameter order: {order!r} must be asc or desc.")
    prefix = str(ver["create_time"])
    base_raw = req.query("base_line") or ""
    base: int | None = None
    if base_raw.strip():
        base_raw = base_raw.strip()
        if not base_raw.startswith(prefix) or not base_raw[len(prefix):].isdigit():
            raise v1_error(f"Invalid parameter base_line: {base_raw!r}.")
        base = int(base_raw[len(prefix):])
    start, end = line_window(len(all_lines), base, lines, order)
    chosen = all_lines[start:end]
    edge = base_raw if base is not None else ""
    return ok(content="\n".join(chosen), lines=len(chosen), start_line=line_token(prefix, start) if chosen else edge,
              end_line=line_token(prefix, end - 1) if chosen else edge)
