"""Legacy v1 training: training jobs and their versions, job configurations, visualization jobs, lookups.

Reference: ``modelarts-rest-api.md`` §3.8 and §4.3, the OTC "historical APIs / training management (old version)"
pages and the SDK reference inventory (§1.5, §2.1). Route kinds are ``training_v1.<op>``.

Shapes. Every successful answer is HTTP 200 with ``"is_success": true``; every error is
``{"is_success": false, "error_code", "error_message"}`` (``ApiError(..., v1=True)``). ``job_id`` and
``version_id`` are integers; times are epoch milliseconds of the emulated clock.

Choices where the sources are silent or disagree (documented here, as the project rules ask):

* HTTP status of v1 errors: 400 for parameter, not-found and state errors (the reference documents none per API).
* Error codes: ``ModelArts.0104`` parameter error; ``ModelArts.0103`` duplicate job / config name (the documented
  ``"Job name:X is existed"``); ``ModelArts.0105`` operation not allowed in the current state (the documented
  ``"This job can't be stop. job status: 10"`` family) and configuration not found; ``ModelArts.2775``
  (TrainingJobNotFound, the appendix's not-found code) for unknown training jobs, versions and visualization jobs;
  ``ModelArts.2781`` unknown ``spec_id``, ``ModelArts.2780`` unknown ``engine_id``, ``ModelArts.2755`` unknown
  built-in ``model_id``; ``ModelArts.0118`` quota exhausted (1000 jobs per project).
* ``spec_id`` and ``pool_id``: at least one is required; both together are accepted (the documented samples and the
  SDK's "dedicated pool with a flavor" send both, although a table says they exclude each other).
* Code: ``app_url`` + ``boot_file_url`` (together, the boot file inside the code directory) unless ``model_id``
  (built-in algorithm) or ``user_image_url`` (custom image) is given. ``engine_id`` defaults to 1.
* Data: exactly one of ``data_url``, ``dataset_id`` + ``dataset_version_id``, or ``data_source[]``. Dataset ids are
  not checked against the data-management store.
* ``create_version`` is accepted and stored; a version is always created.
* Requests are held to the documented tables first (``emulator/contract/training_v1.py``: unknown fields, types,
  Mandatory fields answer 400 naming the field); the handlers then check the groups the tables cannot express.
* A new version carries its whole configuration (the versions table makes ``worker_server_num``, ``train_url``,
  ``spec_id``/``pool_id`` and the code group Mandatory): nothing is inherited from ``pre_version_id``, which only
  links the versions. A configuration update replaces the configuration (the update table has the create's
  Mandatory fields).
* Version names are ``V0001``, ``V0002``... per job (the console's documented names), never reused.
* Stop is allowed while the version is not finished and not already being killed: 9 (KILLING) for 5 emulated
  seconds, then 12 (KILLED). Visualization jobs likewise; ``restart`` only from a finished state, ``delete`` not
  while killing (the documented ``"This job can't be delete. job status: 9"``).
* Lists: ``sortBy`` (also ``sort_by``, which the SDK sends with password auth), ``order``, ``search_content``
  (substring of the name), ``status`` (an int code). Version list: ``page=0`` (default) is no paging.
* Logs: one file per worker, named ``<job_name>.<worker index>`` (the documented ``"teseJob.0"``).
  ``aom-log`` line positions are ``<create_time_ms><line index, 6 digits>`` as in the documented sample
  ``1551252759254000002``; ``order=desc`` (default) reads the lines after ``base_line``, ``asc`` the ones before,
  no ``base_line`` gives the latest ``lines`` lines. (The SDK's byte-offset ``get_job_log(log_file, start_byte,
  offset)`` has no documented REST call; ``aom-log`` is the documented one, so there is no byte-offset route.)
* Visualization ``service_url`` is ``<emulator>/modelarts2/tensorboard/<project_id>/<job_id>/`` (the shape of the
  documented sample), served by the emulator (a small HTML page while the job runs, 8).

Scripted outcomes (``emu.outcomes.take("training_v1", job_name, explicit)``; explicit trigger: a ``parameter``
entry with label ``modelarts_emulator_outcome``): ``success`` (1 for 5 s -> 7 for 5 s -> 8 for 20 s -> 10),
``slow`` (waits 3x and runs 10x longer), ``stuck`` (stays 8 for ever), ``killed`` (8 then 9 -> 12), ``code:N``
for N in {3, 5, 6, 11, 13, 14, 16, 17, 21, 22} (ends in N: 3 after 2, 5 after 4, 13 and 22 after 7, 21 after
18/19, the others after 8; the log explains it). Aliases: ``fail``/``failed`` = ``code:11``,
``terminated`` = ``killed``. Visualization jobs use the outcome kind ``visualization_v1`` with ``success``,
``slow``, ``stuck`` (stays 7), ``killed`` and ``code:N``.

Runner mode (``emu.runner``): a version with ``app_url`` + ``boot_file_url`` and the outcome ``success`` runs for
real through :func:`airflow_provider_modelarts.emulator.runner.start_training_run` (inputs ``data_url``, outputs
``train_url``, parameters from ``parameter``): 1 and 7 for a few seconds, then 8 while it runs, and 10 / 11 / 12
when it completed / failed / was stopped; the logs serve its log text.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from airflow_provider_modelarts.emulator.http import ApiError, Request, Response, Router
from airflow_provider_modelarts.emulator.state import Lifecycle

if TYPE_CHECKING:
    from airflow_provider_modelarts.emulator.state import Emulator

OUTCOME_KIND = "training_v1"
VIS_OUTCOME_KIND = "visualization_v1"
OUTCOME_LABEL = "modelarts_emulator_outcome"
JOBS = "training_v1_jobs"
CONFIGS = "training_v1_configs"
VIS_JOBS = "training_v1_visualization_jobs"
QUOTA = 1000

NAME_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
VIS_NAME_RE = re.compile(r"^[A-Za-z0-9_-]{1,20}$")

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

# ---- lookup tables ---------------------------------------------------------------------------------------------
SPECS: list[dict[str, Any]] = [
    {"spec_id": 1, "core": "8", "cpu": "32", "gpu_num": 0, "gpu_type": "", "spec_code": "modelarts.vm.cpu.8u",
     "max_num": 5, "unit_num": 1, "storage": "", "interface_type": 1, "no_resource": False},
    {"spec_id": 2, "core": "2", "cpu": "8", "gpu_num": 0, "gpu_type": "", "spec_code": "modelarts.vm.cpu.2u",
     "max_num": 2, "unit_num": 1, "storage": "", "interface_type": 1, "no_resource": False},
    {"spec_id": 3, "core": "8", "cpu": "64", "gpu_num": 1, "gpu_type": "P100", "spec_code": "modelarts.vm.gpu.p100",
     "max_num": 5, "unit_num": 1, "storage": "800G", "interface_type": 1, "no_resource": False},
    {"spec_id": 4, "core": "8", "cpu": "64", "gpu_num": 1, "gpu_type": "V100", "spec_code": "modelarts.vm.gpu.v100",
     "max_num": 5, "unit_num": 1, "storage": "800G", "interface_type": 1, "no_resource": False},
]
INFERENCE_SPECS: list[dict[str, Any]] = [
    {"spec_id": 101, "core": "2", "cpu": "8", "gpu_num": 0, "gpu_type": "", "spec_code": "modelarts.vm.cpu.2u",
     "max_num": 5, "unit_num": 1, "storage": "", "interface_type": 1, "no_resource": False},
    {"spec_id": 102, "core": "4", "cpu": "16", "gpu_num": 1, "gpu_type": "P4", "spec_code": "modelarts.vm.gpu.p4",
     "max_num": 5, "unit_num": 1, "storage": "", "interface_type": 1, "no_resource": False},
]
ENGINES: list[dict[str, Any]] = [
    {"engine_type": 1, "engine_id": 1, "engine_name": "TensorFlow", "engine_version": "TF-1.8.0-python3.6"},
    {"engine_type": 1, "engine_id": 2, "engine_name": "TensorFlow", "engine_version": "TF-2.1.0-python3.6"},
    {"engine_type": 2, "engine_id": 3, "engine_name": "MXNet", "engine_version": "MXNet-1.2.1-python3.6"},
    {"engine_type": 3, "engine_id": 4, "engine_name": "Ray", "engine_version": "RAY-0.7.4-python3.6"},
    {"engine_type": 4, "engine_id": 5, "engine_name": "Caffe", "engine_version": "Caffe-1.0.0-python2.7"},
    {"engine_type": 5, "engine_id": 6, "engine_name": "Spark_MLLib", "engine_version": "Spark-2.3.2-python3.6"},
    {"engine_type": 9, "engine_id": 7, "engine_name": "XGBoost-Sklearn",
     "engine_version": "Scikit_Learn-0.18.1-python3.6"},
    {"engine_type": 10, "engine_id": 8, "engine_name": "PyTorch", "engine_version": "PyTorch-1.0.0-python3.6"},
    {"engine_type": 10, "engine_id": 9, "engine_name": "PyTorch", "engine_version": "PyTorch-1.3.0-python3.6"},
    {"engine_type": 12, "engine_id": 10, "engine_name": "Horovod",
     "engine_version": "Horovod_0.16.2_TF_1.13.1-python3.6"},
    {"engine_type": 2, "engine_id": 501, "engine_name": "MXNet", "engine_version": "MXNet-1.2.1-python2.7"},
]


def _algo(model_id: int, name: str, usage: int, precision: str, size: int, dataset: str,
          params: list[tuple[str, str]]) -> dict[str, Any]:
    """One built-in algorithm record (engine 501, MXNet, as in the documented sample)."""
    return {
        "model_id": model_id, "model_name": name, "model_usage": usage, "model_precision": precision,
        "model_size": size, "model_train_dataset": dataset, "model_dataset_format": "shape: [H, W, C==3]; type: int8",
        "model_description_url": "https://github.com/apache/incubator-mxnet/tree/master/example",
        "parameter": json.dumps([{"label": k, "value": v, "placeholder_cn": "", "placeholder_en": "",
                                  "required": True} for k, v in params]),
        "create_time": 1522218780025 + model_id * 1000, "engine_id": 501, "engine_name": "MXNet",
        "engine_version": "MXNet-1.2.1-python2.7",
    }


BUILTIN_ALGORITHMS: list[dict[str, Any]] = [
    _algo(4, "ResNet_v2_50", 1, "75.55%(top1), 92.6%(top5)", 102503801,
          "ImageNet, 1,000 classes for image classification", [("batch_size", "4"), ("lr", "0.0001")]),
    _algo(5, "Faster_RCNN_ResNet_v2_101", 2, "80.05%(mAP)", 190936449,
          "PASCAL VOC2007, 20 classes for object detection", [("lr", "0.0001"), ("mom", "0.9")]),
    _algo(6, "Faster_RCNN_ResNet_v1_50", 2, "73.6%(mAP)", 131458972,
          "PASCAL VOC2007, 20 classes for object detection", [("lr", "0.0001"), ("num_classes", "")]),
    _algo(7, "SegNet_VGG_BN_16", 3, "89%(pixel acc)", 112336197, "CamVid, 11 classes for segmentation",
          [("lr", "0.0001"), ("num_epoch", "10")]),
]

SAMPLE_CONFIGS: list[dict[str, Any]] = [
    {"config_name": "sample-tensorflow-mnist", "config_desc": "TensorFlow MNIST sample", "create_time": 1559045426000,
     "config": {"worker_server_num": 1, "app_url": "/modelarts-samples/tf-mnist/code/",
                "boot_file_url": "/modelarts-samples/tf-mnist/code/train.py", "engine_id": 1, "spec_id": 1,
                "data_url": "/modelarts-samples/tf-mnist/data/", "parameter": [{"label": "max_steps", "value": "100"}],
                "train_url": "/modelarts-samples/tf-mnist/output/"}},
    {"config_name": "sample-pytorch-cifar10", "config_desc": "PyTorch CIFAR-10 sample", "create_time": 1559045427000,
     "config": {"worker_server_num": 1, "app_url": "/modelarts-samples/pt-cifar/code/",
                "boot_file_url": "/modelarts-samples/pt-cifar/code/main.py", "engine_id": 8, "spec_id": 3,
                "data_url": "/modelarts-samples/pt-cifar/data/", "parameter": [{"label": "epochs", "value": "2"}],
                "train_url": "/modelarts-samples/pt-cifar/output/"}},
]

CONFIG_FIELDS = ("worker_server_num", "app_url", "boot_file_url", "model_id", "parameter", "data_url", "dataset_id",
                 "dataset_version_id", "data_source", "spec_id", "pool_id", "engine_id", "train_url", "log_url",
                 "user_image_url", "user_command", "volumes", "create_version")
DATA_FIELDS = ("data_url", "dataset_id", "dataset_version_id", "data_source")
CODE_FIELDS = ("app_url", "boot_file_url", "model_id")
STRING_FIELDS = ("app_url", "boot_file_url", "data_url", "dataset_id", "dataset_version_id", "pool_id", "train_url",
                 "log_url", "user_image_url", "user_command")


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


def now_ms(emu: Emulator) -> int:
    return emu.clock.now_ms()


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


def check_name(value: Any, field: str, pattern: re.Pattern[str], max_len: int) -> str:
    """A required name matching ``pattern`` (1 to ``max_len`` letters, digits, ``_`` and ``-``)."""
    if not isinstance(value, str) or not pattern.match(value):
        raise v1_error(f"Invalid parameter {field}: {value!r} must contain 1 to {max_len} characters consisting of "
                       "only digits, letters, underscores (_), and hyphens (-).")
    return value


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def as_int(value: Any, field: str) -> int:
    """An integer body field; numeric strings are accepted (the documented samples quote some Long values)."""
    if is_int(value):
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    raise v1_error(f"Invalid parameter {field}: {value!r} is not an integer.")


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
    per_page = req.query_int("per_page", 10, lo=1, hi=max_per_page, v1=True)
    page = req.query_int("page", 1, lo=1, hi=65535, v1=True)
    start = (page - 1) * per_page
    return selected[start:start + per_page], len(selected)


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


def new_machine(record: dict[str, Any], now: float, steps: list[tuple[int, float]], final: int | None) -> None:
    """Give ``record`` a fresh :class:`Lifecycle` and start its status timeline."""
    record["lifecycle"] = Lifecycle(steps=list(steps), final=final, started=now)
    record["segments"] = [(now, list(steps), final)]


def switch(record: dict[str, Any], now: float, steps: list[tuple[int, float]], final: int | None) -> None:
    """Replace the remaining status path (stop, restart), keeping the timeline."""
    record["lifecycle"].switch(now, list(steps), final)
    record["segments"].append((now, list(steps), final))


def status_timeline(record: dict[str, Any], now: float) -> list[tuple[float, int]]:
    """Every ``(time, status)`` entered up to ``now``, across switches."""
    out: list[tuple[float, int]] = []
    segments = record["segments"]
    for index, (start, steps, final) in enumerate(segments):
        limit = segments[index + 1][0] if index + 1 < len(segments) else now
        t = start
        for status, duration in [*steps, (final, None)]:
            if status is None or t > limit or (t == limit and index + 1 < len(segments)):
                break
            if not out or out[-1][1] != status:
                out.append((t, status))
            if duration is None:
                break
            t += duration
    return out


def running_window(record: dict[str, Any], now: float) -> tuple[float | None, float]:
    """(start, end) emulated seconds of the RUNNING phase; start is None when it never ran."""
    timeline = status_timeline(record, now)
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


# ---- configuration validation (jobs, versions, configs) ----------------------------------------------------------
def _check_strings(cfg: dict[str, Any]) -> None:
    for field in STRING_FIELDS:
        if field in cfg and not isinstance(cfg[field], str):
            raise v1_error(f"Invalid parameter {field}: it must be a string.")


def _check_code(cfg: dict[str, Any]) -> None:
    """Code directory and boot file, or a built-in algorithm, or a custom image."""
    if cfg.get("model_id") is not None:
        cfg["model_id"] = as_int(cfg["model_id"], "model_id")
        if lookup(BUILTIN_ALGORITHMS, "model_id", cfg["model_id"]) is None:
            raise v1_error(f"The built-in algorithm (model_id: {cfg['model_id']}) is not found.", "ModelArts.2755")
    app_url, boot = cfg.get("app_url"), cfg.get("boot_file_url")
    if bool(app_url) != bool(boot):
        raise v1_error("Invalid parameter: app_url and boot_file_url must be used together.")
    if not app_url and cfg.get("model_id") is None and not cfg.get("user_image_url"):
        raise v1_error("Missing parameter: config.app_url and config.boot_file_url are mandatory unless model_id "
                       "(built-in algorithm) or user_image_url (custom image) is given.")
    if app_url and not str(boot).startswith(str(app_url).rstrip("/") + "/"):
        raise v1_error(f"Invalid parameter boot_file_url: {boot!r} must be stored in the code directory {app_url!r}.")


def _check_parameters(cfg: dict[str, Any]) -> None:
    params = cfg.setdefault("parameter", [])
    if not isinstance(params, list):
        raise v1_error("Invalid parameter parameter: it must be a list of {label, value} objects.")
    for item in params:
        if (not isinstance(item, dict) or not isinstance(item.get("label", ""), str)
                or not isinstance(item.get("value", ""), (str, int, float, bool))):
            raise v1_error(f"Invalid parameter parameter: {item!r} must be an object with string label and value.")


def _check_data_source(entries: Any) -> None:
    if not isinstance(entries, list):
        raise v1_error("Invalid parameter data_source: it must be a list.")
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("type") not in ("obs", "dataset"):
            raise v1_error(f"Invalid parameter data_source: {entry!r} needs type obs or dataset.")
        has_url = bool(entry.get("data_url"))
        has_dataset = bool(entry.get("dataset_id") or entry.get("dataset_version"))
        if entry["type"] == "obs" and (not has_url or has_dataset):
            raise v1_error("Invalid parameter data_source: type obs takes data_url only.")
        if entry["type"] == "dataset" and (has_url or not (entry.get("dataset_id") and entry.get("dataset_version"))):
            raise v1_error("Invalid parameter data_source: type dataset takes dataset_id and dataset_version.")


def _check_data(cfg: dict[str, Any]) -> None:
    """Exactly one of data_url, the dataset pair, or data_source."""
    pair = [cfg.get("dataset_id"), cfg.get("dataset_version_id")]
    if any(pair) and not all(pair):
        raise v1_error("Invalid parameter: dataset_id and dataset_version_id must be used together.")
    sources = [bool(cfg.get("data_url")), all(pair), bool(cfg.get("data_source"))]
    if sum(sources) == 0:
        raise v1_error("Missing parameter: one of data_url, dataset_id + dataset_version_id or data_source "
                       "must exist.")
    if sum(sources) > 1:
        raise v1_error("Invalid parameter: data_url, dataset_id + dataset_version_id and data_source cannot be "
                       "used together.")
    if cfg.get("data_source"):
        _check_data_source(cfg["data_source"])


def _check_resources(cfg: dict[str, Any]) -> None:
    """Workers, flavor (spec_id) and/or dedicated pool, engine."""
    if "worker_server_num" not in cfg:
        raise v1_error("Missing parameter: config.worker_server_num is mandatory.")
    workers = as_int(cfg["worker_server_num"], "worker_server_num")
    if workers < 1:
        raise v1_error("Invalid parameter worker_server_num: it must be at least 1.")
    cfg["worker_server_num"] = workers
    if cfg.get("spec_id") is None and not cfg.get("pool_id"):
        raise v1_error("Missing parameter: config.spec_id (public pool) or config.pool_id (dedicated pool) is "
                       "mandatory.")
    if cfg.get("spec_id") is not None:
        cfg["spec_id"] = as_int(cfg["spec_id"], "spec_id")
        spec = lookup(SPECS, "spec_id", cfg["spec_id"])
        if spec is None:
            raise v1_error(f"Flavor (spec_id: {cfg['spec_id']}) not found.", "ModelArts.2781")
        if workers > spec["max_num"]:
            raise v1_error(f"Invalid parameter worker_server_num: {workers} exceeds max_num {spec['max_num']} of "
                           f"{spec['spec_code']}.")
    if cfg.get("model_id") is not None:
        cfg["engine_id"] = lookup(BUILTIN_ALGORITHMS, "model_id", cfg["model_id"])["engine_id"]  # type: ignore[index]
    cfg["engine_id"] = as_int(cfg.get("engine_id", 1), "engine_id")
    if lookup(ENGINES, "engine_id", cfg["engine_id"]) is None:
        raise v1_error(f"Engine (engine_id: {cfg['engine_id']}) not found.", "ModelArts.2780")


def _check_volumes(cfg: dict[str, Any]) -> None:
    volumes = cfg.setdefault("volumes", [])
    if not isinstance(volumes, list):
        raise v1_error("Invalid parameter volumes: it must be a list.")
    for volume in volumes:
        kinds = [k for k in ("nfs", "host_path") if isinstance(volume, dict) and isinstance(volume.get(k), dict)]
        if len(kinds) != 1:
            raise v1_error(f"Invalid parameter volumes: {volume!r} needs exactly one of nfs or host_path.")
        needed = ("id", "src_path", "dest_path") if kinds[0] == "nfs" else ("src_path", "dest_path")
        missing = [k for k in needed if not volume[kinds[0]].get(k)]
        if missing:
            raise v1_error(f"Missing parameter volumes.{kinds[0]}: {', '.join(missing)}.")


def validate_config(cfg: dict[str, Any]) -> dict[str, Any]:
    """Check a (merged) training configuration like the real API; returns it normalized (ints resolved).

    :raises ApiError: 400 in the v1 shape naming the offending field.
    """
    cfg = {k: v for k, v in cfg.items() if k in CONFIG_FIELDS and v is not None}
    _check_strings(cfg)
    _check_code(cfg)
    _check_parameters(cfg)
    _check_data(cfg)
    _check_resources(cfg)
    _check_volumes(cfg)
    if "create_version" in cfg and not isinstance(cfg["create_version"], bool):
        raise v1_error("Invalid parameter create_version: it must be a boolean.")
    return cfg


def explicit_outcome(cfg: dict[str, Any]) -> str | None:
    """The outcome asked for by the ``modelarts_emulator_outcome`` parameter, if any."""
    for item in cfg.get("parameter", []):
        if item.get("label") == OUTCOME_LABEL:
            return str(item.get("value"))
    return None


def resource_fields(cfg: dict[str, Any]) -> dict[str, Any]:
    """Flavor, engine, pool and NAS fields derived from a configuration."""
    spec = lookup(SPECS, "spec_id", cfg.get("spec_id")) or {}
    engine = lookup(ENGINES, "engine_id", cfg.get("engine_id")) or {}
    nfs = next((v["nfs"] for v in cfg.get("volumes", []) if "nfs" in v), None)
    return {
        "spec_id": cfg.get("spec_id"), "spec_code": spec.get("spec_code", ""), "core": spec.get("core", ""),
        "cpu": spec.get("cpu", ""), "gpu_num": spec.get("gpu_num", 0), "gpu_type": spec.get("gpu_type", ""),
        "engine_type": engine.get("engine_type"), "engine_name": engine.get("engine_name"),
        "engine_id": engine.get("engine_id"), "engine_version": engine.get("engine_version"),
        "pool_id": cfg.get("pool_id", ""), "pool_name": cfg.get("pool_id", ""),
        "nas_mount_path": nfs["dest_path"] if nfs else "", "nas_share_addr": nfs["src_path"] if nfs else "",
        "nas_type": "nfs" if nfs else "",
    }


def config_fields(cfg: dict[str, Any]) -> dict[str, Any]:
    """The user-given configuration fields as the API returns them (blank when absent)."""
    return {
        "worker_server_num": cfg.get("worker_server_num"), "app_url": cfg.get("app_url", ""),
        "boot_file_url": cfg.get("boot_file_url", ""), "model_id": cfg.get("model_id"),
        "parameter": list(cfg.get("parameter", [])), "data_url": cfg.get("data_url", ""),
        "dataset_id": cfg.get("dataset_id", ""), "dataset_version_id": cfg.get("dataset_version_id", ""),
        "data_source": list(cfg.get("data_source", [])), "train_url": cfg.get("train_url", ""),
        "log_url": cfg.get("log_url", ""), "user_image_url": cfg.get("user_image_url", ""),
        "user_command": cfg.get("user_command", ""), "volumes": list(cfg.get("volumes", [])),
        "dataset_name": "", "dataset_version_name": "",
    }


# ---- training jobs: records, status, rendering ------------------------------------------------------------------
def jobs_of(emu: Emulator, req: Request) -> Any:
    return emu.store(str(req.project_id), JOBS)


def get_job(emu: Emulator, req: Request) -> dict[str, Any]:
    job_id = path_int(req, "job_id")
    job = jobs_of(emu, req).get(str(job_id))
    if job is None:
        raise v1_error(f"Training job (ID: {job_id}) not found.", "ModelArts.2775")
    return job  # type: ignore[no-any-return]


def get_version(emu: Emulator, req: Request) -> tuple[dict[str, Any], dict[str, Any]]:
    job = get_job(emu, req)
    version_id = path_int(req, "version_id")
    version = job["versions"].get(version_id)
    if version is None:
        raise v1_error(f"Training job version (ID: {version_id}) not found in job {job['job_id']}.", "ModelArts.2775")
    return job, version


def version_status(ver: dict[str, Any], now: float) -> int:
    """The status code of a version now; in runner mode the real run decides once the version is RUNNING."""
    status = int(ver["lifecycle"].status(now))
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


def present(fields: dict[str, Any]) -> dict[str, Any]:
    """``fields`` without the unset ones (None): an absent Long such as ``model_id`` is left out, not null."""
    return {k: v for k, v in fields.items() if v is not None}


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
    new_machine(ver, now, [(INIT, INIT_S), (WAITING, WAIT_S)], RUNNING)


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
    new_machine(ver, emu.clock.now(), steps, final)
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
    name = check_name(body.get("job_name"), "job_name", NAME_RE, 64)
    desc = check_text(body, "job_desc")
    if not isinstance(body.get("config"), dict):
        raise v1_error("Missing parameter: config is mandatory.")
    cfg = validate_config(body["config"])
    jobs = jobs_of(emu, req)
    if any(job["job_name"] == name for job in jobs.values()):
        raise v1_error(f"Job name:{name} is existed", "ModelArts.0103")
    if len(jobs) >= QUOTA:
        raise v1_error(f"The expected training jobs exceed the quota limit ({QUOTA}).", "ModelArts.0118")
    job = {"job_id": emu.next_int("training_v1.job"), "job_name": name, "job_desc": desc,
           "create_time": now_ms(emu), "workspace_id": str(body.get("workspace_id") or "0"), "versions": {},
           "version_seq": 0}
    ver = new_version(emu, req, job, cfg, None)
    jobs[str(job["job_id"])] = job
    return created_answer(job, ver, emu.clock.now(), first=True)


def list_jobs(req: Request, emu: Emulator) -> Response:
    now = emu.clock.now()
    jobs = jobs_of(emu, req)
    entries = [render_job_entry(job, now) for job in jobs.values()]
    page, total = page_items(req, entries, name_key="job_name", status_filter=True,
                             sort_fields=("job_name", "job_desc", "status", "duration", "version_count",
                                          "create_time"))
    return ok(job_total_count=total, job_count_limit=max(0, QUOTA - len(jobs)), quotas=QUOTA, jobs=page)


def update_job(req: Request, emu: Emulator) -> Response:
    job = get_job(emu, req)
    body = body_of(req)
    if "job_desc" not in body:
        raise v1_error("Missing parameter: job_desc is mandatory.")
    job["job_desc"] = check_text(body, "job_desc")
    return ok()


def terminate_run(ver: dict[str, Any]) -> None:
    run = ver.get("run")
    if run is not None and run.state == "running":
        run.terminate()


def delete_job(req: Request, emu: Emulator) -> Response:
    job = get_job(emu, req)
    for ver in job["versions"].values():
        terminate_run(ver)
    del jobs_of(emu, req)[str(job["job_id"])]
    return ok()


def create_version(req: Request, emu: Emulator) -> Response:
    job = get_job(emu, req)
    body = body_of(req)
    given = body.get("config")
    if not isinstance(given, dict):
        raise v1_error("Missing parameter: config is mandatory.")
    if given.get("pre_version_id") is None:
        raise v1_error("Missing parameter: config.pre_version_id is mandatory.")
    pre_id = as_int(given["pre_version_id"], "pre_version_id")
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


def check_stoppable(status: int) -> None:
    """Stop is refused once finished or while already being killed (documented message)."""
    if status in FINISHED or status == KILLING:
        raise v1_error(f"This job can't be stop. job status: {status}", "ModelArts.0105")


def stop_version(req: Request, emu: Emulator) -> Response:
    _job, ver = get_version(emu, req)
    now = emu.clock.now()
    check_stoppable(version_status(ver, now))
    terminate_run(ver)
    switch(ver, now, [(KILLING, KILL_S)], KILLED)
    return ok()


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
    timeline = status_timeline(ver, now)
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


# ---- training job configurations --------------------------------------------------------------------------------
def configs_of(emu: Emulator, req: Request) -> Any:
    return emu.store(str(req.project_id), CONFIGS)


def config_type(req: Request) -> str:
    value = req.query("config_type") or "custom"
    if value not in ("custom", "sample"):
        raise v1_error(f"Invalid parameter config_type: {value!r} must be custom or sample.")
    return value


def get_config_record(emu: Emulator, req: Request, *, writable: bool = False) -> dict[str, Any]:
    name = req.params["config_name"]
    if not writable and config_type(req) == "sample":
        record = lookup(SAMPLE_CONFIGS, "config_name", name)
    else:
        record = configs_of(emu, req).get(name)
    if record is None:
        if writable and lookup(SAMPLE_CONFIGS, "config_name", name):
            raise v1_error(f"Sample configuration {name} cannot be changed.", "ModelArts.0105")
        raise v1_error(f"Training job configuration {name} does not exist.", "ModelArts.0105")
    return record


def render_config(record: dict[str, Any], *, detail: bool) -> dict[str, Any]:
    """A configuration as a list entry or (``detail``) with every training field."""
    cfg = record["config"]
    res = resource_fields(cfg)
    out = {"config_name": record["config_name"], "config_desc": record["config_desc"],
           "create_time": record["create_time"], "engine_type": res["engine_type"], "engine_name": res["engine_name"],
           "engine_id": res["engine_id"], "engine_version": res["engine_version"],
           "user_image_url": cfg.get("user_image_url", ""), "user_command": cfg.get("user_command", "")}
    if detail:
        out = {"is_success": True, **config_fields(cfg), **res, **out}
    return present(out)


def create_config(req: Request, emu: Emulator) -> Response:
    body = body_of(req)
    name = check_name(body.get("config_name"), "config_name", NAME_RE, 64)
    desc = check_text(body, "config_desc")
    cfg = validate_config(body)
    configs = configs_of(emu, req)
    if name in configs or lookup(SAMPLE_CONFIGS, "config_name", name):
        raise v1_error(f"Config name:{name} is existed", "ModelArts.0103")
    configs[name] = {"config_name": name, "config_desc": desc, "create_time": now_ms(emu), "config": cfg}
    return ok()


def list_configs(req: Request, emu: Emulator) -> Response:
    records = SAMPLE_CONFIGS if config_type(req) == "sample" else list(configs_of(emu, req).values())
    entries = [render_config(record, detail=False) for record in records]
    page, total = page_items(req, entries, name_key="config_name", default_order="desc", max_search=None,
                             sort_fields=("config_name", "config_desc", "create_time"))
    return ok(config_total_count=total, configs=page)


def get_config(req: Request, emu: Emulator) -> Response:
    return Response(200, render_config(get_config_record(emu, req), detail=True))


def update_config(req: Request, emu: Emulator) -> Response:
    record = get_config_record(emu, req, writable=True)
    body = body_of(req)
    record["config"] = validate_config(body)
    if "config_desc" in body:
        record["config_desc"] = check_text(body, "config_desc")
    return ok()


def delete_config(req: Request, emu: Emulator) -> Response:
    record = get_config_record(emu, req, writable=True)
    del configs_of(emu, req)[record["config_name"]]
    return ok()


# ---- visualization jobs ------------------------------------------------------------------------------------------
def vis_of(emu: Emulator, req: Request) -> Any:
    return emu.store(str(req.project_id), VIS_JOBS)


def get_vis(emu: Emulator, req: Request) -> dict[str, Any]:
    job_id = path_int(req, "job_id")
    record = vis_of(emu, req).get(str(job_id))
    if record is None:
        raise v1_error(f"Visualization job (ID: {job_id}) not found.", "ModelArts.2775")
    return record  # type: ignore[no-any-return]


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
        switch(record, emu.clock.now(), steps, final)
    else:
        new_machine(record, emu.clock.now(), steps, final)


def render_vis(record: dict[str, Any], now: float) -> dict[str, Any]:
    return {"job_id": record["job_id"], "job_name": record["job_name"],
            "status": int(record["lifecycle"].status(now)), "create_time": record["create_time"],
            "duration": run_times(record, now)[1], "job_desc": record["job_desc"],
            "service_url": record["service_url"], "train_url": record["train_url"],
            "resource_id": record["resource_id"]}


def create_vis(req: Request, emu: Emulator) -> Response:
    body = body_of(req)
    name = check_name(body.get("job_name"), "job_name", VIS_NAME_RE, 20)
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
    store = vis_of(emu, req)
    if any(r["job_name"] == name for r in store.values()):
        raise v1_error(f"Job name:{name} is existed", "ModelArts.0103")
    if len(store) >= QUOTA:
        raise v1_error(f"The expected visualization jobs exceed the quota limit ({QUOTA}).", "ModelArts.0118")
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
    return ok(job_id=job_id, job_name=name, status=int(record["lifecycle"].status(now)),
              create_time=record["create_time"], service_url=record["service_url"])


def list_vis(req: Request, emu: Emulator) -> Response:
    now = emu.clock.now()
    store = vis_of(emu, req)
    entries = [render_vis(record, now) for record in store.values()]
    page, total = page_items(req, entries, name_key="job_name", status_filter=True,
                             sort_fields=("job_id", "job_name", "job_desc", "create_time", "status"))
    return ok(job_total_count=total, job_count_limit=max(0, QUOTA - len(store)), quotas=QUOTA, jobs=page)


def get_vis_detail(req: Request, emu: Emulator) -> Response:
    """The detail: the documented fields only (its table and sample have no ``is_success``)."""
    return Response(200, render_vis(get_vis(emu, req), emu.clock.now()))


def update_vis(req: Request, emu: Emulator) -> Response:
    record = get_vis(emu, req)
    body = body_of(req)
    if "job_desc" not in body:
        raise v1_error("Missing parameter: job_desc is mandatory.")
    record["job_desc"] = check_text(body, "job_desc")
    return ok()


def delete_vis(req: Request, emu: Emulator) -> Response:
    record = get_vis(emu, req)
    status = int(record["lifecycle"].status(emu.clock.now()))
    if status == KILLING:
        raise v1_error(f"This job can't be delete. job status: {status}", "ModelArts.0105")
    del vis_of(emu, req)[str(record["job_id"])]
    return ok()


def stop_vis(req: Request, emu: Emulator) -> Response:
    record = get_vis(emu, req)
    now = emu.clock.now()
    check_stoppable(int(record["lifecycle"].status(now)))
    switch(record, now, [(KILLING, KILL_S)], KILLED)
    return ok()


def restart_vis(req: Request, emu: Emulator) -> Response:
    record = get_vis(emu, req)
    status = int(record["lifecycle"].status(emu.clock.now()))
    if status not in FINISHED:
        raise v1_error(f"This job can't be resubmit. job status: {status}", "ModelArts.0105")
    start_vis(emu, record, restart=True)
    return ok()


def vis_page(req: Request, emu: Emulator) -> Response:
    """The emulated TensorBoard page behind ``service_url`` (answers while the job is running)."""
    record = emu.store(req.params["project_id"], VIS_JOBS).get(str(path_int(req, "job_id")))
    if record is None or int(record["lifecycle"].status(emu.clock.now())) != RUNNING:
        return Response(404, raw=b"visualization job not running\n", content_type="text/plain")
    html = (f"<html><head><title>{record['job_type']} - {record['job_name']}</title></head>"
            f"<body><h1>Emulated {record['job_type']}</h1><p>Logs: {record['train_url']}</p></body></html>")
    return Response(200, raw=html.encode("utf-8"), content_type="text/html; charset=utf-8")


# ---- lookups ------------------------------------------------------------------------------------------------------
def job_type(req: Request) -> str:
    value = req.query("job_type") or "train"
    if value not in ("train", "inference"):
        raise v1_error(f"Invalid parameter job_type: {value!r} must be train or inference.")
    return value


def list_specs(req: Request, emu: Emulator) -> Response:
    specs = SPECS if job_type(req) == "train" else INFERENCE_SPECS
    req.query_int("engine_id", 0, lo=0, v1=True)
    req.query_int("project_type", 0, lo=0, v1=True)
    return ok(spec_total_count=len(specs), specs=[dict(spec) for spec in specs])


def list_engines(req: Request, emu: Emulator) -> Response:
    job_type(req)
    return ok(engines=[dict(engine) for engine in ENGINES])


def list_builtin(req: Request, emu: Emulator) -> Response:
    entries = [dict(model) for model in BUILTIN_ALGORITHMS]
    for entry in entries:
        entry["engine"] = entry["engine_name"]
    page, total = page_items(req, entries, name_key="model_name", default_order="desc", max_per_page=100,
                             max_search=None, sort_fields=("engine", "model_name", "model_precision", "model_usage",
                                                           "model_size", "create_time", "parameter"))
    for entry in page:
        entry.pop("engine")
    return ok(model_total_count=total, models=page)


# ---- routes ---------------------------------------------------------------------------------------------------------
ROUTES: list[tuple[str, str, str, Callable[[Request, Emulator], Response]]] = [
    ("POST", "/v1/{project_id}/training-jobs", "create", create_job),
    ("GET", "/v1/{project_id}/training-jobs", "list", list_jobs),
    ("PUT", "/v1/{project_id}/training-jobs/{job_id}", "update", update_job),
    ("DELETE", "/v1/{project_id}/training-jobs/{job_id}", "delete", delete_job),
    ("POST", "/v1/{project_id}/training-jobs/{job_id}/versions", "create_version", create_version),
    ("GET", "/v1/{project_id}/training-jobs/{job_id}/versions", "list_versions", list_versions),
    ("GET", "/v1/{project_id}/training-jobs/{job_id}/versions/{version_id}", "get_version", get_version_detail),
    ("DELETE", "/v1/{project_id}/training-jobs/{job_id}/versions/{version_id}", "delete_version", delete_version),
    ("POST", "/v1/{project_id}/training-jobs/{job_id}/versions/{version_id}/stop", "stop", stop_version),
    ("GET", "/v1/{project_id}/training-jobs/{job_id}/versions/{version_id}/log/file-names", "log_files",
     list_log_files),
    ("GET", "/v1/{project_id}/training-jobs/{job_id}/versions/{version_id}/aom-log", "aom_log", aom_log),
    ("POST", "/v1/{project_id}/training-job-configs", "create_config", create_config),
    ("GET", "/v1/{project_id}/training-job-configs", "list_configs", list_configs),
    ("GET", "/v1/{project_id}/training-job-configs/{config_name}", "get_config", get_config),
    ("PUT", "/v1/{project_id}/training-job-configs/{config_name}", "update_config", update_config),
    ("DELETE", "/v1/{project_id}/training-job-configs/{config_name}", "delete_config", delete_config),
    ("POST", "/v1/{project_id}/visualization-jobs", "create_visualization", create_vis),
    ("GET", "/v1/{project_id}/visualization-jobs", "list_visualization", list_vis),
    ("GET", "/v1/{project_id}/visualization-jobs/{job_id}", "get_visualization", get_vis_detail),
    ("PUT", "/v1/{project_id}/visualization-jobs/{job_id}", "update_visualization", update_vis),
    ("DELETE", "/v1/{project_id}/visualization-jobs/{job_id}", "delete_visualization", delete_vis),
    ("POST", "/v1/{project_id}/visualization-jobs/{job_id}/stop", "stop_visualization", stop_vis),
    ("POST", "/v1/{project_id}/visualization-jobs/{job_id}/restart", "restart_visualization", restart_vis),
    ("GET", "/v1/{project_id}/built-in-algorithms", "builtin_algorithms", list_builtin),
    ("GET", "/v1/{project_id}/job/resource-specs", "resource_specs", list_specs),
    ("GET", "/v1/{project_id}/job/ai-engines", "ai_engines", list_engines),
]


def register(router: Router) -> None:
    """Add the v1 training routes (kinds ``training_v1.<op>``) and the visualization page to ``router``."""
    for method, pattern, op, handler in ROUTES:
        router.route(method, pattern, f"{OUTCOME_KIND}.{op}")(handler)
    router.route("GET", "/modelarts2/tensorboard/{project_id}/{job_id}", f"{OUTCOME_KIND}.visualization_page",
                 auth=False)(vis_page)
