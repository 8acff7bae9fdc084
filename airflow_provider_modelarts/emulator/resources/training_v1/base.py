"""Legacy v1 training: what every v1 resource shares (constants, status codes, answers, lists, timelines)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from airflow_provider_modelarts.emulator.http import ApiError, Request, Response
from airflow_provider_modelarts.emulator.resources.common import NameRule, page_window

if TYPE_CHECKING:
    from airflow_provider_modelarts.emulator.state import Emulator


OUTCOME_KIND = "training_v1"
VIS_OUTCOME_KIND = "visualization_v1"
OUTCOME_LABEL = "modelarts_emulator_outcome"
JOBS = "training_v1_jobs"
CONFIGS = "training_v1_configs"
VIS_JOBS = "training_v1_visualization_jobs"
QUOTA = 1000


def name_rule(max_len: int) -> NameRule:
    """A v1 name: 1 to ``max_len`` letters, digits, ``_`` and ``-``."""
    return NameRule(re.compile(rf"^[A-Za-z0-9_-]{{1,{max_len}}}$"), f"must contain 1 to {max_len} characters "
                    "consisting of only digits, letters, underscores (_), and hyphens (-).")


JOB_NAME, VIS_NAME = name_rule(64), name_rule(20)


# ---- status codes (§4.3) -----------------------------------------------------------------------------------------
INIT, IMAGE_CREATING, SUBMIT_TRYING, WAITING, RUNNING, KILLING = 1, 2, 4, 7, 8, 9
COMPLETED, FAILED, KILLED = 10, 11, 12
CHECK_INIT, CHECK_RUNNING = 18, 19
STATUS_NAMES = {
    0: "JOBSTAT_UNKNOWN", 1: "JOBSTAT_INIT", 2: "JOBSTAT_IMAGE_CREATING", 3: "JOBSTAT_IMAGE_FAILED",
    4: "JOBSTAT_SUBMIT_TRYING", 5: "JOBSTAT_SUBMIT_FAILED", 6: "JOBSTAT_DELETE_FAILED", 7: "JOBSTAT_WAITING",
    8: "JOBSTAT_RUNNING", 9: "JOBSTAT_KILLING", 10: "JOBSTAT_COMPLETED", 11: "JOBSTAT_FAILED",
    12: "JOBSTAT_KILLED", 13: "JOBSTAT_CANCELED", 14: "JOBSTAT_LOST", 15: "JOBSTAT_SCALING",
    16: "JOBSTAT_SUBMIT_MODEL_FAILED", 17: "JOBSTAT_DEPLOY_SERVICE_FAILED", 18: "JOBSTAT_CHECK_INIT",
    19: "JOBSTAT_CHECK_RUNNING", 20: "JOBSTAT_CHECK_RUNNING_COMPLETED", 21: "JOBSTAT_CHECK_FAILED",
    22: "MOUNT_FAILED",
}
FINISHED = frozenset({3, 5, 6, 10, 11, 12, 13, 14, 16, 17, 20, 21, 22})
FAILURE_REASONS = {
    3: "Failed to build the job image: the image build step exited with an error.",
    5: "Failed to submit the job: the scheduler rejected the job.",
    6: "Failed to delete the job resources.",
    11: "The training process exited with a non-zero code (exit code 1): RuntimeError raised by the boot file.",
    13: "The job was canceled before it started running.",
    14: "Lost contact with the job's worker node; the job is lost.",
    16: "Training finished but the model could not be submitted.",
    17: "Training finished but the model service could not be deployed.",
    21: "The job review failed.",
    22: "Failed to mount the storage volume or the OBS data path into the container.",
}
FAILURE_CODES = frozenset(FAILURE_REASONS)

# Emulated seconds of each phase.
INIT_S, WAIT_S, RUN_S, KILL_S = 5.0, 5.0, 20.0, 5.0


# ---- small helpers -------------------------------------------------------------------------------------------
def v1_error(msg: str, code: str = "ModelArts.0104", status: int = 400) -> ApiError:
    """An error in the v1 shape.

    :param msg: the ``error_message``
    :param code: the ``error_code``
    :param status: the HTTP status.
    """
    return ApiError(status, code, msg, v1=True)


def ok(**fields: Any) -> Response:
    """A 200 v1 answer: ``is_success: true`` plus ``fields``."""
    return Response(200, {"is_success": True, **fields})


def path_int(req: Request, name: str) -> int:
    """An integer path parameter (``job_id``, ``version_id``); 400 when it is not an integer."""
    raw = req.params[name]
    try:
        return int(raw)
    except ValueError:
        raise v1_error(f"Invalid parameter {name}: {raw!r} is not an integer.") from None


def body_of(req: Request) -> dict[str, Any]:
    return req.json_object(v1=True)


def check_text(body: dict[str, Any], field: str, max_len: int = 256) -> str:
    """An optional description-like string of at most ``max_len`` characters (default "")."""
    value = body.get(field)
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > max_len:
        raise v1_error(f"Invalid parameter {field}: it must be a string of 0 to {max_len} characters.")
    return value


def lookup(table: Iterable[dict[str, Any]], key: str, value: Any) -> dict[str, Any] | None:
    return next((row for row in table if row[key] == value), None)


def fmt_time(seconds: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(seconds))


# ---- lists: search, sort, page ------------------------------------------------------------------------------------
def sort_key(value: Any) -> tuple[bool, Any]:
    """Blank values (None, "") sort after the others, without comparing them to the others' type."""
    blank = value is None or value == ""
    return blank, 0 if blank else value


def page_items(req: Request, items: list[dict[str, Any]], *, name_key: str, sort_fields: tuple[str, ...],
               default_order: str = "asc", max_per_page: int = 1000, max_search: int | None = 64,
               status_filter: bool = False) -> tuple[list[dict[str, Any]], int]:
    """Filter (``search_content``, ``status``), sort (``sortBy``/``sort_by``, ``order``) and page (``per_page``,
    1-based ``page``) rendered list entries.

    :param items: rendered entries
    :param name_key: field ``search_content`` matches (substring).
    :param sort_fields: allowed sort fields, the first is the default.
    :returns: (entries of the page, total number after filtering).
    """
    search = req.query("search_content") or ""
    if max_search is not None and len(search) > max_search:
        raise v1_error(f"The length of search content should be in [0,{max_search}]")
    selected = [item for item in items if search.lower() in str(item.get(name_key, "")).lower()]
    if status_filter and req.query("status") not in (None, ""):
        wanted = req.query_int("status", 0, lo=0, hi=22, v1=True)
        selected = [item for item in selected if item.get("status") == wanted]
    sort_by = req.query("sortBy") or req.query("sort_by") or sort_fields[0]
    if sort_by not in sort_fields:
        raise v1_error(f"Invalid parameter sortBy: {sort_by!r} is not one of {', '.join(sort_fields)}.")
    order = req.query("order") or default_order
    if order not in ("asc", "desc"):
        raise v1_error(f"Invalid parameter order: {order!r} must be asc or desc.")
    selected.sort(key=lambda item: sort_key(item.get(sort_by)), reverse=order == "desc")
    window = page_window(req, size="per_page", index="page", first=1, max_index=65535, max_size=max_per_page, v1=True)
    return selected[window], len(selected)


# ---- outcomes and status timelines ------------------------------------------------------------------------------
def normalize_outcome(word: str) -> str:
    """The canonical outcome word, or 400 for an unknown one."""
    word = (word or "success").strip().lower()
    aliases = {"fail": "code:11", "failed": "code:11", "terminated": "killed", "ok": "success"}
    word = aliases.get(word, word)
    if word in ("success", "slow", "stuck", "killed"):
        return word
    if word.startswith("code:"):
        try:
            code = int(word[5:])
        except ValueError:
            code = -1
        if code in FAILURE_CODES:
            return f"code:{code}"
    raise v1_error(f"Unknown emulator outcome {word!r}: use success, slow, stuck, killed or code:N with N in "
                   f"{sorted(FAILURE_CODES)}.")


def running_window(record: dict[str, Any], now: float) -> tuple[float | None, float]:
    """(start, end) emulated seconds of the RUNNING phase; start is None when it never ran."""
    timeline = record["_life"].timeline(now)
    for index, (t, status) in enumerate(timeline):
        if status == RUNNING:
            if index + 1 < len(timeline):
                return t, timeline[index + 1][0]
            run = record.get("run")
            ended = run.ended_at if run is not None else None
            return t, float(ended if ended is not None else now)
    return None, now


def run_times(record: dict[str, Any], now: float) -> tuple[int, int]:
    """``(start_time, duration)`` in milliseconds (0, 0 before the job runs)."""
    start, end = running_window(record, now)
    if start is None:
        return 0, 0
    return int(start * 1000), max(0, int((end - start) * 1000))


def present(fields: dict[str, Any]) -> dict[str, Any]:
    """``fields`` without the unset ones (None): an absent Long such as ``model_id`` is left out, not null."""
    return {k: v for k, v in fields.items() if v is not None}


def check_stoppable(status: int) -> None:
    """Stop is refused once finished or while already being killed (documented message)."""
    if status in FINISHED or status == KILLING:
        raise v1_error(f"This job can't be stop. job status: {status}", "ModelArts.0105")


# ---- jobs and visualization jobs: the store, lookups, quota, the list answer ----------------------------------
def job_store(emu: Emulator, req: Request, collection: str) -> Any:
    """The project's records of ``collection`` (:data:`JOBS` or :data:`VIS_JOBS`), keyed by ``str(job_id)``."""
    return emu.store(str(req.project_id), collection)


def stored_job(emu: Emulator, req: Request, collection: str, what: str) -> dict[str, Any]:
    """The record named by the ``job_id`` path parameter, or 400 ``ModelArts.2775`` (``<what> (ID: n) not found``)."""
    job_id = path_int(req, "job_id")
    record = job_store(emu, req, collection).get(str(job_id))
    if record is None:
        raise v1_error(f"{what} (ID: {job_id}) not found.", "ModelArts.2775")
    return record  # type: ignore[no-any-return]


def check_new_job(store: Any, name: str, what: str) -> None:
    """A new job's name is free (400 ``ModelArts.0103``) and the quota not used up (``ModelArts.0118``)."""
    if any(record["job_name"] == name for record in store.values()):
        raise v1_error(f"Job name:{name} is existed", "ModelArts.0103")
    if len(store) >= QUOTA:
        raise v1_error(f"The expected {what} exceed the quota limit ({QUOTA}).", "ModelArts.0118")


def job_list(store: Any, entries: list[dict[str, Any]], total: int) -> Response:
    """The answer of a job list: the page, its total and the quota left."""
    return ok(job_total_count=total, job_count_limit=max(0, QUOTA - len(store)), quotas=QUOTA, jobs=entries)


def update_description(record: dict[str, Any], req: Request) -> Response:
    """``PUT`` of a job: ``job_desc`` is Mandatory and the only field it changes."""
    body = body_of(req)
    if "job_desc" not in body:
        raise v1_error("Missing parameter: job_desc is mandatory.")
    record["job_desc"] = check_text(body, "job_desc")
    return ok()
