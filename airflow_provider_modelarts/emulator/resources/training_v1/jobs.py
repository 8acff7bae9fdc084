"""Legacy v1 training jobs and their versions."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from airflow_provider_modelarts.emulator.http import Request, Response
from airflow_provider_modelarts.emulator.resources.common import as_int, check_name, now_ms
from airflow_provider_modelarts.emulator.resources.training_v1.base import (
    CHECK_INIT,
    CHECK_RUNNING,
    COMPLETED,
    FAILED,
    IMAGE_CREATING,
    INIT,
    INIT_S,
    JOB_NAME,
    JOBS,
    KILL_S,
    KILLED,
    KILLING,
    OUTCOME_KIND,
    OUTCOME_LABEL,
    RUN_S,
    RUNNING,
    SUBMIT_TRYING,
    WAIT_S,
    WAITING,
    body_of,
    check_new_job,
    check_stoppable,
    check_text,
    job_list,
    job_store,
    lookup,
    normalize_outcome,
    ok,
    page_items,
    path_int,
    present,
    run_times,
    stored_job,
    update_description,
    v1_error,
)
from airflow_provider_modelarts.emulator.resources.training_v1.catalog import SPECS
from airflow_provider_modelarts.emulator.resources.training_v1.configuration import (
    config_fields,
    explicit_outcome,
    resource_fields,
    validate_config,
)
from airflow_provider_modelarts.emulator.state import Lifecycle

if TYPE_CHECKING:
    from airflow_provider_modelarts.emulator.state import Emulator


def training_plan(outcome: str) -> tuple[list[tuple[int, float]], int | None]:
    """The status steps and final status of a new version for an outcome (``final=None``: stays for ever)."""
    if outcome == "success":
        return [(INIT, INIT_S), (WAITING, WAIT_S), (RUNNING, RUN_S)], COMPLETED
    if outcome == "slow":
        return [(INIT, INIT_S), (WAITING, WAIT_S * 3), (RUNNING, RUN_S * 10)], COMPLETED
    if outcome == "stuck":
        return [(INIT, INIT_S), (WAITING, WAIT_S), (RUNNING, RUN_S)], None
    if outcome == "killed":
        return [(INIT, INIT_S), (WAITING, WAIT_S), (RUNNING, RUN_S / 2), (KILLING, KILL_S)], KILLED
    code = int(outcome.split(":", 1)[1])
    early: dict[int, list[tuple[int, float]]] = {
        3: [(INIT, INIT_S), (IMAGE_CREATING, WAIT_S)],
        5: [(INIT, INIT_S), (SUBMIT_TRYING, WAIT_S)],
        13: [(INIT, INIT_S), (WAITING, WAIT_S)],
        21: [(INIT, INIT_S), (CHECK_INIT, WAIT_S), (CHECK_RUNNING, RUN_S / 2)],
        22: [(INIT, INIT_S), (WAITING, WAIT_S)],
    }
    return early.get(code, [(INIT, INIT_S), (WAITING, WAIT_S), (RUNNING, RUN_S / 2)]), code


# ---- training jobs: records, status, rendering ------------------------------------------------------------------
def get_job(emu: Emulator, req: Request) -> dict[str, Any]:
    return stored_job(emu, req, JOBS, "Training job")


def get_version(emu: Emulator, req: Request) -> tuple[dict[str, Any], dict[str, Any]]:
    job = get_job(emu, req)
    version_id = path_int(req, "version_id")
    version = job["versions"].get(version_id)
    if version is None:
        raise v1_error(f"Training job version (ID: {version_id}) not found in job {job['job_id']}.", "ModelArts.2775")
    return job, version


def version_status(ver: dict[str, Any], now: float) -> int:
    """The status code of a version now; in runner mode the real run decides once the version is RUNNING."""
    status = int(ver["_life"].status(now))
    run = ver.get("run")
    if run is None or status != RUNNING:
        return status
    return {"running": RUNNING, "completed": COMPLETED, "failed": FAILED, "terminated": KILLED}.get(run.state, FAILED)


def metric_lists(status: int, run: Any = None) -> tuple[str, dict[str, list[str]]]:
    """``model_metric_list`` (a JSON string, filled once completed) and ``system_metric_list`` (the real process's
    per-minute usage in runner mode)."""
    if status != COMPLETED:
        model_metrics = ""
    else:
        values = {"recall": 0.91, "precision": 0.93, "accuracy": 0.92}
        model_metrics = json.dumps({
            "metric": [{"metric_values": values, "reserved_data": {}, "metric_meta": {"class_name": 0, "class_id": 0}}],
            "total_metric": {"total_metric_meta": {}, "total_reserved_data": {},
                             "total_metric_values": {"f1_score": 0.92, **values}},
        })
    if run is not None:
        measured = run.metrics_per_minute()
        cpu, mem = [str(v) for v in measured["cpuUsage"]], [str(v) for v in measured["memUsage"]]
        return model_metrics, {"cpuUsage": cpu, "memUsage": mem, "gpuUtil": ["0"] * len(cpu)}
    usage = ["0", "3.10", "5.76", "4.20"] if status in (RUNNING, COMPLETED, FAILED, KILLED) else ["0"]
    return model_metrics, {"cpuUsage": usage, "memUsage": usage, "gpuUtil": ["0"] * len(usage)}


def render_version(job: dict[str, Any], ver: dict[str, Any], now: float, *, detail: bool) -> dict[str, Any]:
    """A version as the detail (``detail=True``: with the job fields, metrics as an object) or list entry."""
    status = version_status(ver, now)
    start_time, duration = run_times(ver, now)
    model_metrics, system_metrics = metric_lists(status, ver.get("run"))
    cfg = ver["config"]
    out: dict[str, Any] = {
        "version_id": ver["version_id"], "version_name": ver["version_name"], "pre_version_id": ver["pre_version_id"],
        "status": status, "create_time": ver["create_time"], "duration": duration, "start_time": start_time,
        **config_fields(cfg), **resource_fields(cfg), "resource_id": ver["resource_id"],
        "model_metric_list": model_metrics,
        "system_metric_list": system_metrics if detail else json.dumps(system_metrics),
    }
    if detail:  # the detail table has spec_code and no gpu; the versions[] table the other way round
        out = {"is_success": True, "job_id": job["job_id"], "job_name": job["job_name"],
               "job_desc": job["job_desc"], **out}
    else:
        out.pop("spec_code")
        out["gpu"] = bool((lookup(SPECS, "spec_id", cfg.get("spec_id")) or {}).get("gpu_num"))
    return present(out)


def latest_version(job: dict[str, Any]) -> dict[str, Any]:
    return next(reversed(job["versions"].values()))  # type: ignore[no-any-return]


def render_job_entry(job: dict[str, Any], now: float) -> dict[str, Any]:
    """A job in the job list: the latest version's id, status and duration."""
    ver = latest_version(job)
    return {"job_id": job["job_id"], "job_name": job["job_name"], "version_id": ver["version_id"],
            "status": version_status(ver, now), "create_time": job["create_time"],
            "duration": run_times(ver, now)[1], "job_desc": job["job_desc"], "version_count": len(job["versions"])}


def start_run(emu: Emulator, req: Request, job: dict[str, Any], ver: dict[str, Any]) -> None:
    """Runner mode: run the version's boot file for real (only for app_url + boot_file_url, outcome success)."""
    cfg = ver["config"]
    if not emu.runner or ver["outcome"] != "success" or not (cfg.get("app_url") and cfg.get("boot_file_url")):
        return
    from airflow_provider_modelarts.emulator import runner  # lazy: the runner is heavy and optional

    now = emu.clock.now()
    parameters = [(str(p.get("label")), p.get("value")) for p in cfg.get("parameter", [])
                  if p.get("label") != OUTCOME_LABEL]
    ver["run"] = runner.start_training_run(
        emu, job_key=f"v1-{req.project_id}-{job['job_id']}-{ver['version_id']}", code_dir=cfg["app_url"],
        boot_file=cfg["boot_file_url"], inputs=[("data_url", cfg["data_url"])] if cfg.get("data_url") else [],
        outputs=[("train_url", cfg["train_url"])] if cfg.get("train_url") else [], parameters=parameters,
        env={}, start_at=now + INIT_S + WAIT_S,
    )
    ver["_life"] = Lifecycle([(INIT, INIT_S), (WAITING, WAIT_S)], RUNNING, now)


def new_version(emu: Emulator, req: Request, job: dict[str, Any], cfg: dict[str, Any],
                pre_version_id: int | None) -> dict[str, Any]:
    """Create, store and start a version of ``job`` with a validated configuration."""
    outcome = normalize_outcome(emu.outcomes.take(OUTCOME_KIND, job["job_name"], explicit_outcome(cfg)))
    job["version_seq"] += 1
    ver: dict[str, Any] = {
        "version_id": emu.next_int("training_v1.version"), "version_name": f"V{job['version_seq']:04d}",
        "pre_version_id": pre_version_id, "create_time": now_ms(emu), "config": cfg, "outcome": outcome,
        "resource_id": "job" + emu.new_id(8).lower(), "run": None,
    }
    steps, final = training_plan(outcome)
    ver["_life"] = Lifecycle(steps, final, emu.clock.now())
    start_run(emu, req, job, ver)
    job["versions"][ver["version_id"]] = ver
    return ver


def created_answer(job: dict[str, Any], ver: dict[str, Any], now: float, *, first: bool) -> Response:
    """The create answer; ``resource_id`` only for the job's create (the version create table has none)."""
    extra = {"resource_id": ver["resource_id"]} if first else {}
    return ok(job_id=job["job_id"], job_name=job["job_name"], status=version_status(ver, now),
              create_time=ver["create_time"], version_id=ver["version_id"], version_name=ver["version_name"],
              **extra)


# ---- training job handlers ------------------------------------------------------------------------------------
def create_job(req: Request, emu: Emulator) -> Response:
    body = body_of(req)
    name = check_name(body.get("job_name"), "job_name", JOB_NAME, v1=True)
    desc = check_text(body, "job_desc")
    if not isinstance(body.get("config"), dict):
        raise v1_error("Missing parameter: config is mandatory.")
    cfg = validate_config(body["config"])
    jobs = job_store(emu, req, JOBS)
    check_new_job(jobs, name, "training jobs")
    job = {"job_id": emu.next_int("training_v1.job"), "job_name": name, "job_desc": desc,
           "create_time": now_ms(emu), "workspace_id": str(body.get("workspace_id") or "0"), "versions": {},
           "version_seq": 0}
    ver = new_version(emu, req, job, cfg, None)
    jobs[str(job["job_id"])] = job
    return created_answer(job, ver, emu.clock.now(), first=True)


def list_jobs(req: Request, emu: Emulator) -> Response:
    now = emu.clock.now()
    jobs = job_store(emu, req, JOBS)
    entries = [render_job_entry(job, now) for job in jobs.values()]
    page, total = page_items(req, entries, name_key="job_name", status_filter=True,
                             sort_fields=("job_name", "job_desc", "status", "duration", "version_count",
                                          "create_time"))
    return job_list(jobs, page, total)


def update_job(req: Request, emu: Emulator) -> Response:
    return update_description(get_job(emu, req), req)


def terminate_run(ver: dict[str, Any]) -> None:
    run = ver.get("run")
    if run is not None and run.state == "running":
        run.terminate()


def delete_job(req: Request, emu: Emulator) -> Response:
    job = get_job(emu, req)
    for ver in job["versions"].values():
        terminate_run(ver)
    del job_store(emu, req, JOBS)[str(job["job_id"])]
    return ok()


def create_version(req: Request, emu: Emulator) -> Response:
    job = get_job(emu, req)
    body = body_of(req)
    given = body.get("config")
    if not isinstance(given, dict):
        raise v1_error("Missing parameter: config is mandatory.")
    if given.get("pre_version_id") is None:
        raise v1_error("Missing parameter: config.pre_version_id is mandatory.")
    pre_id = as_int(given["pre_version_id"], "pre_version_id", v1=True)
    previous = job["versions"].get(pre_id)
    if previous is None:
        raise v1_error(f"Invalid parameter pre_version_id: version {pre_id} does not exist in job {job['job_id']}.")
    cfg = validate_config(given)
    if "job_desc" in body:
        job["job_desc"] = check_text(body, "job_desc")
    ver = new_version(emu, req, job, cfg, pre_id)
    return created_answer(job, ver, emu.clock.now(), first=False)


def list_versions(req: Request, emu: Emulator) -> Response:
    job = get_job(emu, req)
    now = emu.clock.now()
    versions = [render_version(job, ver, now, detail=False) for ver in reversed(job["versions"].values())]
    per_page = req.query_int("per_page", 10, lo=1, hi=1000, v1=True)
    page = req.query_int("page", 0, lo=0, hi=65535, v1=True)
    if page > 0:
        versions = versions[(page - 1) * per_page: page * per_page]
    return ok(job_id=job["job_id"], job_name=job["job_name"], job_desc=job["job_desc"],
              version_count=len(job["versions"]), versions=versions)


def get_version_detail(req: Request, emu: Emulator) -> Response:
    job, ver = get_version(emu, req)
    return Response(200, render_version(job, ver, emu.clock.now(), detail=True))


def delete_version(req: Request, emu: Emulator) -> Response:
    job, ver = get_version(emu, req)
    if len(job["versions"]) == 1:
        raise v1_error(f"Version {ver['version_id']} is the only version of job {job['job_id']}; delete the job "
                       "instead.", "ModelArts.0105")
    terminate_run(ver)
    del job["versions"][ver["version_id"]]
    return ok()


def stop_version(req: Request, emu: Emulator) -> Response:
    _job, ver = get_version(emu, req)
    now = emu.clock.now()
    check_stoppable(version_status(ver, now))
    terminate_run(ver)
    ver["_life"].stop(now, KILLING, KILL_S, KILLED)
    return ok()
