"""Legacy v1 visualization jobs (TensorBoard / MindInsight) and the emulated page behind ``service_url``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from airflow_provider_modelarts.emulator.http import Request, Response
from airflow_provider_modelarts.emulator.resources.common import check_name, now_ms
from airflow_provider_modelarts.emulator.resources.training_v1.base import (
    FINISHED,
    INIT,
    INIT_S,
    KILL_S,
    KILLED,
    KILLING,
    RUN_S,
    RUNNING,
    VIS_JOBS,
    VIS_NAME,
    VIS_OUTCOME_KIND,
    WAIT_S,
    WAITING,
    body_of,
    check_new_job,
    check_stoppable,
    check_text,
    job_list,
    job_store,
    normalize_outcome,
    ok,
    page_items,
    path_int,
    run_times,
    stored_job,
    update_description,
    v1_error,
)
from airflow_provider_modelarts.emulator.state import Lifecycle

if TYPE_CHECKING:
    from airflow_provider_modelarts.emulator.state import Emulator


def visualization_plan(outcome: str, auto_stop_hours: float) -> tuple[list[tuple[int, float]], int | None]:
    """Steps of a visualization job: it comes up (8) and stays there, or auto-stops (12) after the schedule."""
    start = [(INIT, INIT_S), (WAITING, WAIT_S * (10 if outcome == "slow" else 1))]
    if outcome == "stuck":
        return start, None
    if outcome.startswith("code:"):
        return start, int(outcome.split(":", 1)[1])
    if outcome == "killed":
        return [*start, (RUNNING, RUN_S), (KILLING, KILL_S)], KILLED
    if auto_stop_hours > 0:
        return [*start, (RUNNING, auto_stop_hours * 3600.0)], KILLED
    return start, RUNNING


# ---- visualization jobs ------------------------------------------------------------------------------------------
def get_vis(emu: Emulator, req: Request) -> dict[str, Any]:
    return stored_job(emu, req, VIS_JOBS, "Visualization job")


def schedule_hours(body: dict[str, Any]) -> float:
    """Auto-stop hours of ``schedule`` (an object: its table; the contract checked its fields and types)."""
    schedule = body.get("schedule")
    if schedule is None:
        return 0.0
    if not 0 <= schedule["duration"] <= 24:
        raise v1_error("Invalid parameter schedule.duration: it must be 0 to 24 (hours).")
    return float(schedule["duration"])


def start_vis(emu: Emulator, record: dict[str, Any], *, restart: bool) -> None:
    """(Re)start a visualization job's status machine for its outcome and schedule."""
    steps, final = visualization_plan(record["outcome"], record["auto_stop_hours"])
    if restart:
        record["_life"].switch(emu.clock.now(), steps, final)
    else:
        record["_life"] = Lifecycle(steps, final, emu.clock.now())


def render_vis(record: dict[str, Any], now: float) -> dict[str, Any]:
    return {"job_id": record["job_id"], "job_name": record["job_name"],
            "status": int(record["_life"].status(now)), "create_time": record["create_time"],
            "duration": run_times(record, now)[1], "job_desc": record["job_desc"],
            "service_url": record["service_url"], "train_url": record["train_url"],
            "resource_id": record["resource_id"]}


def create_vis(req: Request, emu: Emulator) -> Response:
    body = body_of(req)
    name = check_name(body.get("job_name"), "job_name", VIS_NAME, v1=True)
    desc = check_text(body, "job_desc")
    train_url = body.get("train_url")
    if not isinstance(train_url, str) or not train_url:
        raise v1_error("Missing parameter: train_url is mandatory.")
    job_type = body.get("job_type") or "tensorboard"
    if job_type not in ("tensorboard", "mindinsight"):
        raise v1_error(f"Invalid parameter job_type: {job_type!r} must be tensorboard or mindinsight.")
    flavor = body.get("flavor")
    if flavor is not None and (not isinstance(flavor, dict) or not isinstance(flavor.get("code"), str)):
        raise v1_error("Invalid parameter flavor: it needs a code.")
    hours = schedule_hours(body)
    store = job_store(emu, req, VIS_JOBS)
    check_new_job(store, name, "visualization jobs")
    job_id = emu.next_int("training_v1.visualization")
    record: dict[str, Any] = {
        "job_id": job_id, "job_name": name, "job_desc": desc, "train_url": train_url, "job_type": job_type,
        "flavor": flavor, "auto_stop_hours": hours, "create_time": now_ms(emu), "resource_id": emu.new_uuid(),
        "outcome": normalize_outcome(emu.outcomes.take(VIS_OUTCOME_KIND, name)),
        "service_url": f"{emu.base_url}/modelarts2/tensorboard/{req.project_id}/{job_id}/",
    }
    start_vis(emu, record, restart=False)
    store[str(job_id)] = record
    now = emu.clock.now()
    return ok(job_id=job_id, job_name=name, status=int(record["_life"].status(now)),
              create_time=record["create_time"], service_url=record["service_url"])


def list_vis(req: Request, emu: Emulator) -> Response:
    now = emu.clock.now()
    store = job_store(emu, req, VIS_JOBS)
    entries = [render_vis(record, now) for record in store.values()]
    page, total = page_items(req, entries, name_key="job_name", status_filter=True,
                             sort_fields=("job_id", "job_name", "job_desc", "create_time", "status"))
    return job_list(store, page, total)


def get_vis_detail(req: Request, emu: Emulator) -> Response:
    """The detail: the documented fields only (its table and sample have no ``is_success``)."""
    return Response(200, render_vis(get_vis(emu, req), emu.clock.now()))


def update_vis(req: Request, emu: Emulator) -> Response:
    return update_description(get_vis(emu, req), req)


def delete_vis(req: Request, emu: Emulator) -> Response:
    record = get_vis(emu, req)
    status = int(record["_life"].status(emu.clock.now()))
    if status == KILLING:
        raise v1_error(f"This job can't be delete. job status: {status}", "ModelArts.0105")
    del job_store(emu, req, VIS_JOBS)[str(record["job_id"])]
    return ok()


def stop_vis(req: Request, emu: Emulator) -> Response:
    record = get_vis(emu, req)
    now = emu.clock.now()
    check_stoppable(int(record["_life"].status(now)))
    record["_life"].stop(now, KILLING, KILL_S, KILLED)
    return ok()


def restart_vis(req: Request, emu: Emulator) -> Response:
    record = get_vis(emu, req)
    status = int(record["_life"].status(emu.clock.now()))
    if status not in FINISHED:
        raise v1_error(f"This job can't be resubmit. job status: {status}", "ModelArts.0105")
    start_vis(emu, record, restart=True)
    return ok()


def vis_page(req: Request, emu: Emulator) -> Response:
    """The emulated TensorBoard page behind ``service_url`` (answers while the job is running)."""
    record = emu.store(req.params["project_id"], VIS_JOBS).get(str(path_int(req, "job_id")))
    if record is None or int(record["_life"].status(emu.clock.now())) != RUNNING:
        return Response(404, raw=b"visualization job not running\n", content_type="text/plain")
    html = (f"<html><head><title>{record['job_type']} - {record['job_name']}</title></head>"
            f"<body><h1>Emulated {record['job_type']}</h1><p>Logs: {record['train_url']}</p></body></html>")
    return Response(200, raw=html.encode("utf-8"), content_type="text/html; charset=utf-8")
