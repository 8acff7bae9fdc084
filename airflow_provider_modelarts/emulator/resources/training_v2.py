"""New-version (v2) training jobs: ``/v2/{project_id}/training-jobs`` and friends (reference §3.7, §4.2).

Routes and kinds (paths checked against ``huaweicloudsdkmodelarts`` 3.1.219 ``ModelArtsClient``; field names
against its response models):

=========================================================================  ==================================  ====
``POST   /v2/{p}/training-jobs``                                            ``training_v2.create``               201
``POST   /v2/{p}/training-job-searches``                                    ``training_v2.list``                 200
``GET    /v2/{p}/training-jobs/{id}``                                       ``training_v2.get``                  200
``PUT    /v2/{p}/training-jobs/{id}`` (``{description}`` only, empty answer) ``training_v2.update``               200
``DELETE /v2/{p}/training-jobs/{id}`` (empty answer)                        ``training_v2.delete``               202
``POST   /v2/{p}/training-jobs/{id}/actions`` ``{"action_type": "terminate"}``  ``training_v2.action``           202
``GET    /v2/{p}/training-jobs/{id}/tasks/{task}/logs/preview``             ``training_v2.log_preview``          200
``GET    /v2/{p}/training-jobs/{id}/tasks/{task}/logs/url``                 ``training_v2.log_url``              200
``GET    /v2/{p}/training-jobs/{id}/metrics/{task}``                        ``training_v2.metrics``              200
``GET    /v2/{p}/training-job-flavors[?flavor_type=CPU|GPU|Ascend]``        ``training_v2.flavors``              200
``GET    /v2/{p}/training-job-engines``                                     ``training_v2.engines``              200
``GET    /_training-logs/{token}`` (the temporary link answered by logs/url, no auth) ``training_v2.log_file``  200
=========================================================================  ==================================  ====

Choices where the sources disagree or are silent (documented here as the rules ask):

* **Search ``offset`` is a page number** (rows ``offset*limit`` to ``offset*limit+limit-1``). The SDK reference
  (modelarts 1.4.18) calls it a row offset, but both the OTC API reference and the official client's own request
  model (``huaweicloudsdkmodelarts`` 3.1.219 ``JobSearches.offset``: "查询作业的页数，最小为0。例如设置为0，则表示从
  第一页开始查询") say page number, so the wire-level evidence wins. ``limit`` is 1-50 (default 10), ``total`` counts
  every job of the project, ``count`` the jobs matching the filters (as documented). Filters whose values are all
  empty strings are ignored (the OTC example sends ``{"key": "phase", "operator": "in", "value": [""]}``).
  Filter keys: ``name``, ``phase`` (alias ``status``), ``secondary_phase``, ``create_time`` (ms; ``between``),
  ``kind``, ``algorithm_name``, ``user_name``, ``user_id``, ``id``; ``runtime_type`` is accepted and ignored.
  Other keys -> 400 ``ModelArts.2807``. ``sort_by``: ``create_time`` | ``name`` | ``duration``
  (else 400 ``ModelArts.2790``).
* Not-found job -> **400** ``ModelArts.2775`` TrainingJobNotFound (the OTC error table gives 400).
  Parameter errors -> 400 ``ModelArts.2788`` InvalidParam (the v2 training code), bad JSON -> 400
  ``ModelArts.2787``; unknown flavor 400 ``ModelArts.2781``; unknown engine 400 ``ModelArts.2780``;
  ``node_count`` above the flavor's ``max_num`` 400 ``ModelArts.2793`` FlavorOutOfRange; custom image without
  ``command`` 400 ``ModelArts.2806``; boot file outside the code dir 400 ``ModelArts.2758``; invalid OBS path 400
  ``ModelArts.2791``; terminate outside Creating/Pending/Running 409 ``ModelArts.2796``. Every v2 error carries
  ``error_solution``.
* Duplicate job names are allowed (names are labels; ids identify jobs). ``algorithm.environments`` is a map in
  the request (SDK ``JobAlgorithm``) and answered as a list of maps (SDK ``JobAlgorithmResponse``).
* The log link of ``logs/url`` is a temporary emulator URL (valid 5 emulated minutes) instead of a signed OBS URL;
  ``Content-Type: application/octet-stream`` on the ``logs/url`` request makes it a download (attachment).

Time-driven phases (emulated seconds; ``phase``/``secondary_phase``): Creating/Creating 2 s -> Pending/Queuing 3 s
-> Running/Running 20 s -> final. Outcomes (``emu.outcomes.take("training_v2", name, explicit)``; the explicit
trigger is the environment variable ``MODELARTS_EMULATOR_OUTCOME`` in ``algorithm.environments``):

* ``success``: Completed/Completed, every task exit code 0;
* ``fail`` (or ``fail:N`` for exit code N): Failed/Failed, worker-0 exit code 1 (N) with a message, the log ends
  with a Python traceback;
* ``abnormal``: Abnormal/Lost; ``terminated``: Running then Terminating 2 s then Terminated (nobody asked);
* ``stuck``: Running for ever; ``slow``: Running 200 s (10x) then Completed;
* ``create_failed``: Creating 2 s then Failed/CreateFailed (never runs).

Placeholder model (non-runner mode): when a simulated job is first seen ``Completed`` (any read of it: detail,
search, logs, metrics), the emulator writes ``model/config.json`` and ``model/customize_service.py`` (a
``predict(data, model_dir)`` that echoes ``data.req_data`` as ``resp_data``, the model contract of
:mod:`..runner`) into each OBS output that does not hold them yet, so a model can be imported from a simulated
job's output (model import checks that the OBS directory holds objects). See :func:`write_placeholder_model`.

Terminate: Terminating 2 s then Terminated. While Running, the simulated log of each task grows by one line per
emulated second (``[worker-0] epoch 3/20 loss=0.8696``), so a client can stream it; ``current_size``/``full_size``
are byte counts (at most the newest 5 MB are returned).

Runner mode (``emu.runner``): a job with ``code_dir`` + ``boot_file`` really runs (see :mod:`..runner` for the
contract): Creating/Pending as above, then Running while the process runs, then Completed/Failed from its exit
code (task_statuses carry it); terminate kills it. worker-0's log is the process's log; metrics are the
process's real CPU and memory. Only the ``create_failed`` outcome applies in runner mode; jobs without
``code_dir`` (algorithm id, subscription, custom image) are simulated as above. ``spec.log_export_path`` is
echoed but nothing is written there. Dataset inputs are
resolved only when ``remote.dataset.obs_url`` is given (otherwise the input directory is empty).
"""

from __future__ import annotations

import hashlib
import math
import re
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from airflow_provider_modelarts.emulator.http import ApiError, Request, Response, Router
from airflow_provider_modelarts.emulator.obspath import split_obs_path
from airflow_provider_modelarts.emulator.resources.common import RouteSpec, add_routes, resource_routes
from airflow_provider_modelarts.emulator.state import Lifecycle

if TYPE_CHECKING:
    from airflow_provider_modelarts.emulator.runner import TrainingRun
    from airflow_provider_modelarts.emulator.state import Emulator

KIND = "training_v2"
COLLECTION = "training_v2_jobs"
OUTCOME_ENV = "MODELARTS_EMULATOR_OUTCOME"
SERVICE = "[ModelArts Service Log]"

CREATING_S, PENDING_S, RUNNING_S, TERMINATING_S = 2.0, 3.0, 20.0, 2.0
SLOW_FACTOR = 10
LOG_LIMIT_BYTES = 5 * 1024 * 1024
MAX_LOG_LINES = 50_000
LOG_LINK_TTL_S = 300.0

CREATING, PENDING, RUNNING = ("Creating", "Creating"), ("Pending", "Queuing"), ("Running", "Running")
COMPLETED, FAILED, ABNORMAL = ("Completed", "Completed"), ("Failed", "Failed"), ("Abnormal", "Lost")
TERMINATING, TERMINATED = ("Terminating", "Terminating"), ("Terminated", "Terminated")
CREATE_FAILED = ("Failed", "CreateFailed")
TERMINABLE = {"Creating", "Pending", "Running"}
OUTCOMES = ("success", "fail", "abnormal", "terminated", "stuck", "slow", "create_failed")

NAME_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
SOLUTIONS = {
    "ModelArts.2775": "Check whether the training job information in the request is valid.",
    "ModelArts.2780": "Check whether the engine informer in the request is valid.",
    "ModelArts.2781": "Check whether the flavor in the request is valid.",
    "ModelArts.2787": "Check the request body.",
    "ModelArts.2790": "Check whether the sorting item is valid.",
    "ModelArts.2791": "Check the obs path.",
    "ModelArts.2793": "Check the flavor.",
    "ModelArts.2796": "Check whether the job status is valid.",
    "ModelArts.2806": "Check whether the command and engine.url is valid.",
    "ModelArts.2807": "Check whether the key of search is valid.",
    "ModelArts.2758": "Check whether the training project information in the request is valid.",
}


def error(status: int, code: str, msg: str) -> ApiError:
    """A v2 training error (with ``error_solution``)."""
    return ApiError(status, code, msg, solution=SOLUTIONS.get(code, "Check the request parameter."))


def invalid(param: str, why: str) -> ApiError:
    """400 ``ModelArts.2788`` InvalidParam."""
    return error(400, "ModelArts.2788", f"Invalid parameter({param}): {why}")


# ---- catalogues: flavors and engines ---------------------------------------------------------------------------
def _flavor(flavor_id: str, name: str, ftype: str, max_num: int, cores: int, mem_gb: int,
            gpu: tuple[int, str, str] | None = None, billing: str | None = None) -> dict[str, Any]:
    info: dict[str, Any] = {"max_num": max_num, "cpu": {"arch": "x86", "core_num": cores},
                            "memory": {"size": mem_gb, "unit": "GB"}, "disk": {"size": 50 if cores <= 8 else 500,
                                                                                 "unit": "GB"}}
    if gpu:
        info["gpu"] = {"unit_num": gpu[0], "product_name": gpu[1], "memory": gpu[2]}
    return {"flavor_id": flavor_id, "flavor_name": name, "flavor_type": ftype, "max_num": max_num,
            "billing": {"code": billing or flavor_id, "unit_num": 1}, "flavor_info": info, "attributes": {}}


FLAVORS: list[dict[str, Any]] = [
    _flavor("modelarts.vm.cpu.2u", "Computing CPU(2U) instance", "CPU", 1, 2, 8),
    _flavor("modelarts.vm.cpu.8u", "Computing CPU(8U) instance", "CPU", 16, 8, 32),
    _flavor("modelarts.vm.gpu.t4", "Computing GPU(T4) instance", "GPU", 8, 8, 32, (1, "NVIDIA-T4", "16GB")),
    _flavor("modelarts.vm.gpu.v100", "Computing GPU(Vnt1) instance", "GPU", 8, 8, 64, (1, "GP-Vnt1", "32GB")),
    _flavor("modelarts.vm.gpu.8v100", "Computing GPU(8*Vnt1) instance", "GPU", 16, 64, 512,
            (8, "GP-Vnt1", "32GB")),
    _flavor("modelarts.p3.large.public.free", "Computing GPU(Vnt1) instance (free)", "GPU", 1, 8, 64,
            (1, "GP-Vnt1", "32GB"), billing="modelarts.vm.gpu.free"),
]
FLAVOR_TYPES = {"CPU", "GPU", "Ascend"}


def _engine(engine_id: str, name: str, version: str, v1: bool, run_user: str, cpu_image: str, gpu_image: str,
            image_version: str) -> dict[str, Any]:
    return {"engine_id": engine_id, "engine_name": name, "engine_version": version, "v1_compatible": v1,
            "run_user": run_user, "image_info": {"cpu_image_url": cpu_image, "gpu_image_url": gpu_image,
                                                 "image_version": image_version}}


_NEW = "ubuntu_18.04-x86_64"
ENGINES: list[dict[str, Any]] = [
    _engine("caffe-1.0.0-python2.7", "Caffe", "caffe-1.0.0-python2.7", True, "",
            "modelarts-job-dev-image/caffe1-cpu-cp27:1.0.0", "modelarts-job-dev-image/caffe1-gpu-cuda8-cp27:1.0.0",
            "3.1.0"),
    _engine("horovod-cp36-tf-1.16.2", "Horovod", "0.16.2-TF-1.13.1-python3.6", True, "",
            "modelarts-job-dev-image/tensorflow-gpu-cuda10-cp36-horovod0162:1.13.1",
            "modelarts-job-dev-image/tensorflow-gpu-cuda10-cp36-horovod0162:1.13.1", "3.2.1"),
    _engine("mindspore_1.7.0-cann_5.1.0-py_3.7-euler_2.8.3-aarch64", "Ascend-Powered-Engine",
            "mindspore_1.7.0-cann_5.1.0-py_3.7-euler_2.8.3-aarch64", False, "1000",
            "atelier/mindspore_1_7_0:train", "atelier/mindspore_1_7_0:train", "mindspore_1.7.0-20220601"),
    _engine("pytorch-cp36-1.4.0-v2", "PyTorch", "PyTorch-1.4.0-python3.6-v2", True, "",
            "modelarts-job-dev-image/pytorch-cpu-cp36:1.4.0", "modelarts-job-dev-image/pytorch-gpu-cuda10-cp36:1.4.0",
            "2.0.8"),
    _engine(f"pytorch_1.8.0-cuda_10.2-py_3.7-{_NEW}", "PyTorch", f"pytorch_1.8.0-cuda_10.2-py_3.7-{_NEW}", False,
            "1102", "aip/pytorch_1_8:train", "aip/pytorch_1_8:train", f"pytorch_1.8.0-cuda_10.2-py_3.7-{_NEW}-v1"),
    _engine(f"tensorflow_2.1.0-cuda_10.1-py_3.7-{_NEW}", "TensorFlow", f"tensorflow_2.1.0-cuda_10.1-py_3.7-{_NEW}",
            False, "1102", "aip/tensorflow_2_1:train", "aip/tensorflow_2_1:train",
            f"tensorflow_2.1.0-cuda_10.1-py_3.7-{_NEW}-v1"),
    _engine("tensorflow-cp36-1.13.1", "TensorFlow", "TF-1.13.1-python3.6", True, "",
            "modelarts-job-dev-image/tensorflow-cpu-cp36:1.13.1",
            "modelarts-job-dev-image/tensorflow-gpu-cuda10-cp36:1.13.1", "2.0.8"),
    _engine("xgboost-sklearn-python3.6", "XGBoost-Sklearn", "XGBoost-0.80-Sklearn-0.18.1-python3.6", True, "",
            "modelarts-job-dev-image/python-train-py36:secure", "", "2.0.10-20211101113705"),
]


def find_flavor(flavor_id: str) -> dict[str, Any] | None:
    return next((f for f in FLAVORS if f["flavor_id"] == flavor_id), None)


def find_engine(engine: dict[str, Any]) -> dict[str, Any] | None:
    """The catalogue engine named by ``{engine_id}`` or ``{engine_name, engine_version}``."""
    if engine.get("engine_id"):
        return next((e for e in ENGINES if e["engine_id"] == engine["engine_id"]), None)
    return next((e for e in ENGINES if e["engine_name"] == engine.get("engine_name")
                 and e["engine_version"] == engine.get("engine_version")), None)


# ---- the job record --------------------------------------------------------------------------------------------
@dataclass
class JobRecord:
    """A stored job: the response-ready parts (``job``), its clock and scripted outcome.

    :param job: ``kind``, ``metadata``, ``algorithm``, ``spec`` (``status`` is computed on every read).
    :param life: the phase machine (values are ``(phase, secondary_phase)`` tuples).
    :param outcome: the outcome word; ``exit_code`` the failing exit code.
    :param run_seconds: planned Running time (None: stuck); ``created`` emulated creation time.
    :param run: the real process in runner mode.
    """

    job: dict[str, Any]
    life: Lifecycle
    outcome: str
    exit_code: int
    run_seconds: float | None
    created: float
    user_id: str = ""
    run: TrainingRun | None = None
    terminated_at: float | None = None
    seed: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def job_id(self) -> str:
        return str(self.job["metadata"]["id"])

    @property
    def tasks(self) -> list[str]:
        return [f"worker-{i}" for i in range(int(self.job["spec"]["resource"]["node_count"]))]


def _plan(outcome: str) -> tuple[list[tuple[Any, float]], Any, float | None]:
    """Lifecycle steps, final phase and planned Running seconds of a simulated outcome."""
    start = [(CREATING, CREATING_S), (PENDING, PENDING_S)]
    if outcome == "create_failed":
        return [(CREATING, CREATING_S)], CREATE_FAILED, None
    if outcome == "stuck":
        return [*start, (RUNNING, RUNNING_S)], None, None
    seconds = RUNNING_S * (SLOW_FACTOR if outcome == "slow" else 1)
    running = [*start, (RUNNING, seconds)]
    if outcome == "terminated":
        return [*running, (TERMINATING, TERMINATING_S)], TERMINATED, seconds
    final = {"fail": FAILED, "abnormal": ABNORMAL}.get(outcome, COMPLETED)
    return running, final, seconds


def _parse_outcome(word: str) -> tuple[str, int]:
    """``(outcome, exit code)`` from an outcome word; ``fail:N`` sets the exit code."""
    base, _, code = word.strip().partition(":")
    if base not in OUTCOMES or (code and (base != "fail" or not code.isdigit() or not 1 <= int(code) <= 255)):
        raise invalid(OUTCOME_ENV, f"unknown emulator outcome {word!r}; use one of {', '.join(OUTCOMES)} or fail:N")
    return base, int(code) if code else 1


def _phase(rec: JobRecord, now: float) -> tuple[str, str]:
    """The current ``(phase, secondary_phase)``; runner jobs follow their process once Pending is over."""
    status = rec.life.status(now)
    if rec.run is None or rec.life.switched_at is not None or status[0] != "Running":
        return tuple(status)  # type: ignore[return-value]
    return {"running": RUNNING, "completed": COMPLETED, "failed": FAILED, "terminated": TERMINATED}[rec.run.state]


def _running_window(rec: JobRecord, now: float) -> tuple[float | None, float | None]:
    """Emulated (start, end) of the Running phase; None for what did not happen yet."""
    if rec.run is not None:
        return rec.run.started_at, rec.run.ended_at
    if rec.outcome == "create_failed":
        return None, None
    start = rec.created + CREATING_S + PENDING_S
    end = start + rec.run_seconds if rec.run_seconds is not None else math.inf
    if rec.terminated_at is not None:
        if rec.terminated_at <= start:
            return None, None
        end = min(end, rec.terminated_at)
    if now < start:
        return None, None
    return start, (end if now >= end else None)


# ---- rendering -------------------------------------------------------------------------------------------------
def _task_statuses(rec: JobRecord, phase: tuple[str, str]) -> list[dict[str, Any]] | None:
    """Exit codes and messages of the tasks once the job is final (None before)."""
    code: int | None
    if phase == COMPLETED:
        code, msg = 0, ""
    elif phase == CREATE_FAILED:
        code, msg = -1, "Failed to create the job: insufficient resources in the resource pool."
    elif phase == ABNORMAL:
        code, msg = -1, "The node of the task was lost (Lost)."
    elif phase == TERMINATED:
        code = rec.run.exit_code if rec.run is not None and rec.run.exit_code is not None else 137
        msg = "Terminated by the user." if rec.terminated_at is not None else "Terminated by the system."
    elif phase == FAILED:
        if rec.run is not None:
            code = rec.run.exit_code if rec.run.exit_code is not None else -1
            msg = f"Command exited with code {code}." if rec.run.exit_code is not None else "Job setup failed."
        else:
            code, msg = rec.exit_code, f"Command exited with code {rec.exit_code}: {_FAIL_ERROR}"
    else:
        return None
    statuses = [{"task": rec.tasks[0], "exit_code": code, "message": msg}]
    other_code, other_msg = (137, "Killed because worker-0 failed.") if phase == FAILED else (code, msg)
    statuses += [{"task": t, "exit_code": other_code, "message": other_msg} for t in rec.tasks[1:]]
    return statuses


def _flavor_detail(flavor: dict[str, Any]) -> dict[str, Any]:
    """A flavor as a job's ``spec.resource.flavor_detail``: the SDK's ``FlavorInfo.disk`` is ``Disk``, whose
    ``size`` is a String, where the flavor list's ``DiskResponse.size`` is an Integer."""
    info = dict(flavor["flavor_info"])
    info["disk"] = {**info["disk"], "size": str(info["disk"]["size"])}
    return {"flavor_type": flavor["flavor_type"], "billing": flavor["billing"], "flavor_info": info}


def render(rec: JobRecord, now: float) -> dict[str, Any]:
    """The job object as the API answers it (create, detail, terminate, list items)."""
    phase = _phase(rec, now)
    start, end = _running_window(rec, now)
    nodes = int(rec.job["spec"]["resource"]["node_count"])
    status: dict[str, Any] = {
        "phase": phase[0], "secondary_phase": phase[1], "duration": 0, "start_time": 0, "tasks": rec.tasks,
    }
    if start is not None:
        stop = end if end is not None else now
        status["start_time"] = int(start * 1000)
        status["duration"] = max(0, int((stop - start) * 1000))
        status["node_count_metrics"] = [[int(start * 1000), nodes], [int(stop * 1000), 0 if end else nodes]]
    statuses = _task_statuses(rec, phase)
    if statuses is not None:
        status["task_statuses"] = statuses
    job = rec.job
    algorithm = dict(job["algorithm"])
    if "environments" in algorithm:  # a map when sent (SDK JobAlgorithm), a list of maps when answered
        algorithm["environments"] = [algorithm["environments"]]  # (SDK JobAlgorithmResponse)
    return {"kind": job["kind"], "metadata": dict(job["metadata"]), "status": status,
            "algorithm": algorithm, "spec": job["spec"]}


# ---- logs and metrics ------------------------------------------------------------------------------------------
_FAIL_ERROR = "RuntimeError: loss is nan, training diverged"


def _traceback() -> list[str]:
    return [
        "Traceback (most recent call last):",
        '  File "/home/ma-user/modelarts/user-job-dir/code/train.py", line 87, in <module>',
        "    main()",
        '  File "/home/ma-user/modelarts/user-job-dir/code/train.py", line 81, in main',
        "    raise RuntimeError(\"loss is nan, training diverged\")",
        _FAIL_ERROR,
    ]


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, tz=UTC).strftime("%Y-%m-%d-%H:%M:%S")


def _tail(rec: JobRecord, phase: tuple[str, str], task: str) -> list[str]:
    """The last lines of a simulated log once the job is final."""
    if phase == COMPLETED:
        return [f"[{task}] training finished, model saved", f"{SERVICE}exit with 0"]
    if phase == FAILED and task != rec.tasks[0]:
        return [f"{SERVICE}[{task}] killed because {rec.tasks[0]} failed", f"{SERVICE}exit with 137"]
    if phase == FAILED:
        return [*_traceback(), f"{SERVICE}exit with {rec.exit_code}"]
    if phase == ABNORMAL:
        return [f"{SERVICE}[{task}] the node was lost, the task is abnormal"]
    if phase == TERMINATED:
        return [f"{SERVICE}[{task}] received SIGTERM, the job is terminated", f"{SERVICE}exit with 137"]
    return []


def simulated_log(rec: JobRecord, task: str, now: float) -> str:
    """The deterministic log of a task: one epoch line per emulated Running second, then a phase tail."""
    phase = _phase(rec, now)
    if phase == CREATE_FAILED and now >= rec.created + CREATING_S:
        return f"{SERVICE}[{task}] failed to create the job: insufficient resources in the resource pool\n"
    start, end = _running_window(rec, now)
    if start is None:
        return ""
    lines = [f"{SERVICE}[{task}] training started at {_iso(start)}"]
    elapsed = int(min((end if end is not None else now) - start, MAX_LOG_LINES))
    total = str(int(rec.run_seconds)) if rec.run_seconds is not None else "?"
    lines += [f"[{task}] epoch {i}/{total} loss={2.0 / (1 + 0.3 * i):.4f}" for i in range(1, elapsed + 1)]
    if end is not None and phase[0] not in ("Running", "Terminating"):
        lines += _tail(rec, phase, task)
    return "\n".join(lines) + "\n"


def task_log(rec: JobRecord, task: str, now: float) -> str:
    """The full log of one task (runner: the process's log for worker-0)."""
    if rec.run is None:
        return simulated_log(rec, task, now)
    if task == rec.tasks[0]:
        return rec.run.log_text()
    return f"{SERVICE}[{task}] the emulator's runner runs worker-0 only\n"


def _series(rec: JobRecord, count: int, base: float, spread: float) -> list[float]:
    """Deterministic per-minute values derived from the job id."""
    return [round(base + spread * math.sin(rec.seed % 997 + i * 0.7) ** 2, 3) for i in range(count)]


def job_metrics(rec: JobRecord, now: float) -> list[dict[str, Any]]:
    """``cpuUsage``, ``memUsage``, ``gpuUtil``, ``gpuMemUsage``, ``npuUtil``, ``npuMemUsage`` per minute."""
    if rec.run is not None:
        real = rec.run.metrics_per_minute()
        cpu, mem = real["cpuUsage"], real["memUsage"]
        count = len(cpu)
        gpu_util, gpu_mem = [-1.0] * count, [-1.0] * count
    else:
        start, end = _running_window(rec, now)
        count = 0 if start is None else max(1, math.ceil(((end if end is not None else now) - start) / 60.0))
        count = min(count, MAX_LOG_LINES)
        cpu, mem = _series(rec, count, 20.0, 60.0), _series(rec, count, 5.0, 25.0)
        is_gpu = rec.job["spec"]["resource"]["flavor_detail"]["flavor_type"] == "GPU"
        gpu_util = _series(rec, count, 30.0, 65.0) if is_gpu else [-1.0] * count
        gpu_mem = _series(rec, count, 10.0, 50.0) if is_gpu else [-1.0] * count
    values = {"cpuUsage": cpu, "memUsage": mem, "gpuUtil": gpu_util, "gpuMemUsage": gpu_mem,
              "npuUtil": [-1.0] * count, "npuMemUsage": [-1.0] * count}
    return [{"metric": name, "value": value} for name, value in values.items()]


# ---- validation ------------------------------------------------------------------------------------------------
def _obj(value: Any, param: str, *, required: bool = False) -> dict[str, Any]:
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        raise invalid(param, "an object is required")
    return value


def _str(value: Any, param: str, *, required: bool = False, max_len: int | None = None) -> str:
    if value is None or value == "":
        if required:
            raise invalid(param, "the value is required")
        return ""
    if not isinstance(value, str):
        raise invalid(param, "a string is required")
    if max_len is not None and len(value) > max_len:
        raise invalid(param, f"at most {max_len} characters are allowed")
    return value


def _obs_url(value: Any, param: str) -> str:
    url = _str(value, param, required=True)
    try:
        split_obs_path(url, field=param)
    except ApiError:
        raise error(400, "ModelArts.2791", f"Invalid obs path: {url}, reason: {param} must look like "
                                           "obs://bucket/dir/ or /bucket/dir/.") from None
    return url


def environments(algorithm: dict[str, Any]) -> dict[str, str]:
    """``algorithm.environments`` as one map (a map, or a list of maps as the response model types it)."""
    env = algorithm.get("environments")
    if env is None:
        return {}
    items = env if isinstance(env, list) else [env]
    merged: dict[str, str] = {}
    for item in items:
        if not isinstance(item, dict):
            raise invalid("algorithm.environments", "a map of strings is required")
        merged.update({str(k): "" if v is None else str(v) for k, v in item.items()})
    return merged


def _validate_metadata(body: dict[str, Any]) -> dict[str, Any]:
    kind = body.get("kind")
    if kind != "job":
        raise invalid("kind", f"{kind!r} is not supported; use \"job\"")
    meta = _obj(body.get("metadata"), "metadata", required=True)
    name = meta.get("name")
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise invalid("metadata.name", "1 to 64 characters: letters, digits, underscores (_) and hyphens (-)")
    _str(meta.get("description"), "metadata.description", max_len=256)
    _obj(meta.get("annotations"), "metadata.annotations")
    return meta


def _validate_source(alg: dict[str, Any]) -> None:
    """Exactly one algorithm source: id | subscription_id+item_version_id | code_dir+boot_file | image+command."""
    for a, b in (("subscription_id", "item_version_id"), ("code_dir", "boot_file")):
        if bool(alg.get(a)) != bool(alg.get(b)):
            raise invalid(f"algorithm.{a if not alg.get(a) else b}", f"{a} and {b} must be set together")
    engine = _obj(alg.get("engine"), "algorithm.engine")
    sources = [name for name, present in (("id", alg.get("id")), ("subscription_id", alg.get("subscription_id")),
                                          ("code_dir", alg.get("code_dir"))) if present]
    if len(sources) > 1:
        raise invalid("algorithm", f"only one algorithm source may be set, got {' and '.join(sources)}")
    if not sources:
        if not engine.get("image_url"):
            raise invalid("algorithm", "one of id, subscription_id+item_version_id, code_dir+boot_file or "
                                       "engine.image_url+command is required")
        if not alg.get("command"):
            raise error(400, "ModelArts.2806", "Custom image jobs command and engine.url cannot be empty.")
    if alg.get("code_dir"):
        code_dir = _obs_url(alg["code_dir"], "algorithm.code_dir")
        _str(alg.get("boot_file"), "algorithm.boot_file", required=True)
        from airflow_provider_modelarts.emulator.runner import boot_file_relative

        try:
            boot_file_relative(code_dir, alg["boot_file"])
        except (ValueError, ApiError) as exc:
            raise error(400, "ModelArts.2758", f"code startup file path error: {getattr(exc, 'error_msg', exc)}") \
                from None


def _validate_engine(alg: dict[str, Any]) -> dict[str, Any]:
    """The engine as the response shows it (catalogue names filled in)."""
    engine = dict(_obj(alg.get("engine"), "algorithm.engine"))
    if not engine or engine.get("image_url"):
        return engine
    if not engine.get("engine_id") and not (engine.get("engine_name") and engine.get("engine_version")):
        raise invalid("algorithm.engine", "engine_id, or engine_name with engine_version, is required")
    found = find_engine(engine)
    if found is None:
        ident = engine.get("engine_id") or f"{engine.get('engine_name')}/{engine.get('engine_version')}"
        raise error(400, "ModelArts.2780", f"AI engine(id:{ident}) not found.")
    return {**engine, "engine_id": found["engine_id"], "engine_name": found["engine_name"],
            "engine_version": found["engine_version"]}


def _validate_channels(alg: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    """Inputs (``obs`` or ``dataset`` remotes) or outputs (``obs`` remotes), with default ``local_dir``."""
    raw = alg.get(kind)
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise invalid(f"algorithm.{kind}", "an array is required")
    seen: set[str] = set()
    channels = []
    for i, item in enumerate(raw):
        where = f"algorithm.{kind}[{i}]"
        item = _obj(item, where, required=True)
        name = _str(item.get("name"), f"{where}.name", required=True)
        if name in seen:
            raise invalid(f"{where}.name", f"duplicate channel name {name!r}")
        seen.add(name)
        remote = _obj(item.get("remote"), f"{where}.remote", required=True)
        if remote.get("obs") is not None:
            _obs_url(_obj(remote["obs"], f"{where}.remote.obs").get("obs_url"), f"{where}.remote.obs.obs_url")
        elif kind == "inputs" and remote.get("dataset") is not None:
            dataset = _obj(remote["dataset"], f"{where}.remote.dataset")
            _str(dataset.get("id"), f"{where}.remote.dataset.id", required=True)
            _str(dataset.get("version_id"), f"{where}.remote.dataset.version_id", required=True)
        else:
            raise invalid(f"{where}.remote", "obs.obs_url" + (" or dataset{id, version_id}" if kind == "inputs"
                                                              else "") + " is required")
        local = item.get("local_dir") or f"/home/ma-user/modelarts/{kind}/{name}_0"
        channels.append({**item, "local_dir": local})
    return channels


def _validate_parameters(alg: dict[str, Any]) -> list[dict[str, Any]]:
    raw = alg.get("parameters") or []
    if not isinstance(raw, list):
        raise invalid("algorithm.parameters", "an array is required")
    names: set[str] = set()
    for i, item in enumerate(raw):
        item = _obj(item, f"algorithm.parameters[{i}]", required=True)
        name = _str(item.get("name"), f"algorithm.parameters[{i}].name", required=True)
        if name in names:
            raise invalid(f"algorithm.parameters[{i}].name", f"duplicate parameter {name!r}")
        names.add(name)
        if isinstance(item.get("value"), (dict, list)):
            raise invalid(f"algorithm.parameters[{i}].value", "a scalar value is required")
    return list(raw)


def _validate_spec(body: dict[str, Any]) -> dict[str, Any]:
    spec = dict(_obj(body.get("spec"), "spec", required=True))
    resource = dict(_obj(spec.get("resource"), "spec.resource", required=True))
    flavor_id = _str(resource.get("flavor_id"), "spec.resource.flavor_id", required=True)
    flavor = find_flavor(flavor_id)
    if flavor is None:
        raise error(400, "ModelArts.2781", f"Flavor ({flavor_id}) not found.")
    count = resource.get("node_count", 1)
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise invalid("spec.resource.node_count", "an integer >= 1 is required")
    if count > flavor["max_num"]:
        raise error(400, "ModelArts.2793",
                    f"The number of flavor instances ({count}) exceeds the maximum ({flavor['max_num']}).")
    resource.update({"policy": resource.get("policy", "regular"), "node_count": count,
                     "flavor_name": flavor["flavor_name"],
                     "flavor_detail": _flavor_detail(flavor)})
    spec["resource"] = resource
    log_path = _obj(spec.get("log_export_path"), "spec.log_export_path")
    if log_path.get("obs_url"):
        _obs_url(log_path["obs_url"], "spec.log_export_path.obs_url")
    return spec


def validate_create(body: dict[str, Any]) -> dict[str, Any]:
    """Check a create body like the real API and return the stored job parts (kind, metadata, algorithm, spec)."""
    meta = _validate_metadata(body)
    alg = dict(_obj(body.get("algorithm"), "algorithm", required=True))
    _validate_source(alg)
    environments(alg)
    alg["engine"] = _validate_engine(alg)
    if not alg["engine"]:
        del alg["engine"]
    for kind in ("inputs", "outputs"):
        if alg.get(kind) is not None:
            alg[kind] = _validate_channels(alg, kind)
    if alg.get("parameters") is not None:
        alg["parameters"] = _validate_parameters(alg)
    spec = _validate_spec(body)
    return {"kind": "job", "metadata": meta, "algorithm": alg, "spec": spec}


# ---- handlers --------------------------------------------------------------------------------------------------
def _body(req: Request) -> dict[str, Any]:
    try:
        return req.json_object()
    except ApiError as exc:
        raise error(400, "ModelArts.2787", f"Invalid JSON request body: {exc.error_msg}") from None


def _get(req: Request, emu: Emulator) -> JobRecord:
    job_id = req.params["training_job_id"]
    rec = emu.store(str(req.project_id), COLLECTION).get(job_id)
    if rec is None:
        raise error(400, "ModelArts.2775", f"Training job (ID: {job_id}) not found.")
    settle(emu, rec)
    return rec


# ---- the placeholder model of a simulated job -------------------------------------------------------------------
PLACEHOLDER_SERVICE = '''"""Placeholder model written by the ModelArts emulator for a simulated (non-runner) training job.

It follows the emulator's model contract and echoes the request like the non-runner inference does:
``{"meta": m, "data": {"req_data": r}}`` -> ``{"meta": m, "data": {"resp_data": r}}``.
"""


def predict(data, model_dir):
    """Echo ``data.req_data`` as ``resp_data`` (the whole body when it has none)."""
    meta = data.get("meta", {}) if isinstance(data, dict) else {}
    inner = data.get("data") if isinstance(data, dict) else None
    if isinstance(inner, dict) and "req_data" in inner:
        return {"meta": meta, "data": {"resp_data": inner["req_data"]}}
    return {"meta": meta, "data": {"resp_data": [data]}}
'''


def write_placeholder_model(emu: Emulator, rec: JobRecord) -> list[str]:
    """Write ``model/config.json`` + ``model/customize_service.py`` into every OBS output of a simulated job.

    Called once, when a simulated job is first seen Completed, so that importing a model from a training job's
    output (which checks that the OBS directory holds objects) works without runner mode. Existing objects are
    not overwritten. Outputs that cannot be written (no OBS, unknown bucket) are skipped.

    :returns: the keys written.
    """
    import json

    if emu.obs is None:
        return []
    config = json.dumps({"model_type": "emulator_placeholder", "runtime": "python3.7",
                         "training_job_id": rec.job_id}).encode()
    written: list[str] = []
    for output in rec.job["algorithm"].get("outputs", []):
        try:
            bucket, key = split_obs_path(_channel_url(output))
        except Exception:  # not an OBS channel: nothing to write
            continue
        prefix = key if not key or key.endswith("/") else key + "/"
        for name, data in (("model/config.json", config), ("model/customize_service.py",
                                                            PLACEHOLDER_SERVICE.encode())):
            try:
                if not emu.obs.exists(bucket, prefix + name):
                    emu.obs.put(bucket, prefix + name, data)
                    written.append(f"{bucket}/{prefix}{name}")
            except KeyError:  # unknown bucket
                break
    return written


def settle(emu: Emulator, rec: JobRecord) -> None:
    """Apply what emulated time decided: a simulated job seen Completed writes its placeholder model (once)."""
    if rec.run is not None or rec.extra.get("placeholder_written"):
        return
    if _phase(rec, emu.clock.now()) == COMPLETED:
        rec.extra["placeholder_written"] = True
        write_placeholder_model(emu, rec)


def _user_name(req: Request) -> str:
    return str(req.identity.get("user") or req.identity.get("domain") or req.identity.get("ak") or "")


def create_job(req: Request, emu: Emulator) -> Response:
    """``POST /v2/{project_id}/training-jobs``."""
    body = _body(req)
    parts = validate_create(body)
    name = parts["metadata"]["name"]
    explicit = environments(parts["algorithm"]).get(OUTCOME_ENV)
    outcome, exit_code = _parse_outcome(emu.outcomes.take(KIND, name, explicit or None))
    now = emu.clock.now()
    job_id = emu.new_uuid()
    parts["metadata"] = {
        "id": job_id, "name": name, "description": parts["metadata"].get("description") or "",
        "workspace_id": parts["metadata"].get("workspace_id") or "0", "create_time": int(now * 1000),
        "user_name": _user_name(req), "annotations": parts["metadata"].get("annotations") or {},
    }
    use_runner = bool(emu.runner) and bool(parts["algorithm"].get("code_dir")) and outcome != "create_failed"
    if use_runner:
        steps, final, seconds = [(CREATING, CREATING_S), (PENDING, PENDING_S), (RUNNING, RUNNING_S)], None, None
        _check_runner_code(emu, parts["algorithm"])
    else:
        steps, final, seconds = _plan(outcome)
    rec = JobRecord(job=parts, life=Lifecycle(steps, final, now), outcome=outcome, exit_code=exit_code,
                    run_seconds=seconds, created=now, user_id=str(req.identity.get("user_id") or ""),
                    seed=int(hashlib.sha256(job_id.encode()).hexdigest()[:8], 16))
    if use_runner:
        rec.run = _start_run(emu, rec)
    emu.store(str(req.project_id), COLLECTION)[job_id] = rec
    return Response(201, render(rec, now))


def _check_runner_code(emu: Emulator, alg: dict[str, Any]) -> None:
    """Runner mode needs OBS and the boot file in it."""
    from airflow_provider_modelarts.emulator.runner import boot_file_relative

    if emu.obs is None:
        raise invalid("algorithm.code_dir", "the emulator runs jobs for real (runner mode) but OBS is not started")
    bucket, key = split_obs_path(alg["code_dir"])
    prefix = key if not key or key.endswith("/") else key + "/"
    if not emu.obs.exists(bucket, prefix + boot_file_relative(alg["code_dir"], alg["boot_file"])):
        raise error(400, "ModelArts.2758", f"code startup file path error: {alg['boot_file']} does not exist.")


def _channel_url(item: dict[str, Any]) -> str:
    remote = item.get("remote") or {}
    return str((remote.get("obs") or {}).get("obs_url") or (remote.get("dataset") or {}).get("obs_url") or "")


def _start_run(emu: Emulator, rec: JobRecord) -> TrainingRun:
    from airflow_provider_modelarts.emulator.runner import start_training_run

    alg = rec.job["algorithm"]
    return start_training_run(
        emu, job_key=rec.job_id, code_dir=alg["code_dir"], boot_file=alg["boot_file"],
        inputs=[(i["name"], _channel_url(i)) for i in alg.get("inputs", [])],
        outputs=[(o["name"], _channel_url(o)) for o in alg.get("outputs", [])],
        parameters=[(p["name"], p.get("value")) for p in alg.get("parameters", [])],
        env=environments(alg), start_at=rec.created + CREATING_S + PENDING_S)


def show_job(req: Request, emu: Emulator) -> Response:
    """``GET /v2/{project_id}/training-jobs/{training_job_id}``."""
    return Response(200, render(_get(req, emu), emu.clock.now()))


def update_job(req: Request, emu: Emulator) -> Response:
    """``PUT /v2/{project_id}/training-jobs/{training_job_id}``: only ``description`` can change."""
    rec = _get(req, emu)
    body = _body(req)
    extra = sorted(set(body) - {"description"})
    if extra:
        raise invalid(extra[0], "only description can be modified")
    rec.job["metadata"]["description"] = _str(body.get("description"), "description", max_len=256)
    return Response(200)


def delete_job(req: Request, emu: Emulator) -> Response:
    """``DELETE /v2/{project_id}/training-jobs/{training_job_id}`` (a running process is killed)."""
    rec = _get(req, emu)
    del emu.store(str(req.project_id), COLLECTION)[rec.job_id]
    if rec.run is not None:
        rec.run.terminate()
        threading.Thread(target=rec.run.cleanup, daemon=True).start()
    return Response(202)


def job_action(req: Request, emu: Emulator) -> Response:
    """``POST .../training-jobs/{training_job_id}/actions`` with ``{"action_type": "terminate"}``."""
    rec = _get(req, emu)
    action = _body(req).get("action_type")
    if action != "terminate":
        raise invalid("action_type", f"{action!r} is not supported; use \"terminate\"")
    now = emu.clock.now()
    phase = _phase(rec, now)[0]
    if phase not in TERMINABLE:
        raise error(409, "ModelArts.2796", f"The job cannot be terminated (phase {phase}).")
    rec.terminated_at = now
    rec.life.stop(now, TERMINATING, TERMINATING_S, TERMINATED)
    if rec.run is not None:
        rec.run.terminate()
    return Response(202, render(rec, now))


def _task(req: Request, rec: JobRecord) -> str:
    task = req.params["task_id"]
    if task not in rec.tasks:
        raise invalid("task_id", f"the job has no task {task!r}; its tasks are {', '.join(rec.tasks)}")
    return task


def log_preview(req: Request, emu: Emulator) -> Response:
    """``GET .../tasks/{task_id}/logs/preview``: ``{content, current_size, full_size}`` (newest 5 MB)."""
    rec = _get(req, emu)
    data = task_log(rec, _task(req, rec), emu.clock.now()).encode("utf-8")
    content = data[-LOG_LIMIT_BYTES:].decode("utf-8", errors="ignore")  # drop a character cut in half
    return Response(200, {"content": content, "current_size": len(content.encode("utf-8")), "full_size": len(data)})


def log_url(req: Request, emu: Emulator) -> Response:
    """``GET .../tasks/{task_id}/logs/url``: a temporary link (5 minutes) to the task's full log."""
    rec = _get(req, emu)
    task = _task(req, rec)
    token = emu.new_id(32)
    download = (req.headers.get("Content-Type") or "").startswith("application/octet-stream")
    emu.extras.setdefault("training_v2_log_links", {})[token] = {
        "project_id": req.project_id, "job_id": rec.job_id, "task": task, "download": download,
        "expires": emu.clock.now() + LOG_LINK_TTL_S}
    return Response(200, {"obs_url": f"{emu.base_url}/_training-logs/{token}"})


def log_file(req: Request, emu: Emulator) -> Response:
    """The temporary log link answered by :func:`log_url` (no authentication, like a signed OBS URL)."""
    link = emu.extras.get("training_v2_log_links", {}).get(req.params["token"])
    now = emu.clock.now()
    if link is None or now > link["expires"]:
        return Response(403, raw=b"<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>",
                        content_type="application/xml")
    rec = emu.store(link["project_id"], COLLECTION).get(link["job_id"])
    if rec is None:
        return Response(404, raw=b"<Error><Code>NoSuchKey</Code></Error>", content_type="application/xml")
    headers = {}
    if link["download"]:
        headers["Content-Disposition"] = f'attachment; filename="{link["task"]}.log"'
    return Response(200, raw=task_log(rec, link["task"], now).encode("utf-8"), headers=headers,
                    content_type="application/octet-stream" if link["download"] else "text/plain; charset=utf-8")


def metrics(req: Request, emu: Emulator) -> Response:
    """``GET .../training-jobs/{training_job_id}/metrics/{task_id}``."""
    rec = _get(req, emu)
    _task(req, rec)
    return Response(200, {"metrics": job_metrics(rec, emu.clock.now())})


def list_flavors(req: Request, emu: Emulator) -> Response:
    """``GET /v2/{project_id}/training-job-flavors[?flavor_type=CPU|GPU|Ascend]``."""
    ftype = req.query("flavor_type")
    if ftype and ftype not in FLAVOR_TYPES:
        raise invalid("flavor_type", f"{ftype!r} is not one of {', '.join(sorted(FLAVOR_TYPES))}")
    flavors = [f for f in FLAVORS if not ftype or f["flavor_type"] == ftype]
    return Response(200, {"total_count": len(flavors), "flavors": flavors})


def list_engines(req: Request, emu: Emulator) -> Response:
    """``GET /v2/{project_id}/training-job-engines``."""
    return Response(200, {"total": len(ENGINES), "items": ENGINES})


# ---- search ----------------------------------------------------------------------------------------------------
FILTER_KEYS = {"name", "phase", "status", "secondary_phase", "create_time", "kind", "algorithm_name", "user_name",
               "user_id", "id", "runtime_type"}
SORT_KEYS = {"create_time", "name", "duration"}


def _field(rec: JobRecord, item: dict[str, Any], key: str) -> Any:
    """The value a filter or sort key reads from a rendered job."""
    return {
        "name": item["metadata"]["name"], "phase": item["status"]["phase"], "status": item["status"]["phase"],
        "secondary_phase": item["status"]["secondary_phase"], "create_time": item["metadata"]["create_time"],
        "kind": item["kind"], "algorithm_name": item["algorithm"].get("name", ""), "id": item["metadata"]["id"],
        "user_name": item["metadata"]["user_name"], "user_id": rec.user_id, "duration": item["status"]["duration"],
    }[key]


def _check_filter(flt: Any, i: int) -> tuple[str, str, list[str]] | None:
    """``(key, operator, values)`` of a filter; None when it is a no-op (no non-empty value)."""
    flt = _obj(flt, f"filters[{i}]", required=True)
    key, op = flt.get("key"), flt.get("operator") or "in"
    if key not in FILTER_KEYS:
        raise error(400, "ModelArts.2807", f"Unsupported condition key ({key})")
    if op not in ("like", "in", "not", "between"):
        raise invalid(f"filters[{i}].operator", f"{op!r} is not one of between, like, in, not")
    values = flt.get("value") or []
    if not isinstance(values, list):
        raise invalid(f"filters[{i}].value", "an array of strings is required")
    values = ["" if v is None else str(v) for v in values]
    if op == "between" and (key not in ("create_time", "duration") or len(values) != 2):
        raise invalid(f"filters[{i}]", "between needs create_time and two values [from, to]")
    if key == "runtime_type" or not any(values):
        return None
    return key, op, values


def _matches(value: Any, op: str, values: list[str]) -> bool:
    if op == "between":
        lo, hi = (float(v) if v else None for v in values)
        return (lo is None or value >= lo) and (hi is None or value <= hi)
    text = str(value)
    if op == "like":
        return any(v and v.lower() in text.lower() for v in values)
    hit = text in values
    return hit if op == "in" else not hit


def _page_args(body: dict[str, Any]) -> tuple[int, int, str, str]:
    offset, limit = body.get("offset", 0), body.get("limit", 10)
    for name, value, lo, hi in (("offset", offset, 0, None), ("limit", limit, 1, 50)):
        if isinstance(value, bool) or not isinstance(value, int) or value < lo or (hi is not None and value > hi):
            raise invalid(name, f"an integer in [{lo}, {hi if hi is not None else 'inf'}] is required")
    sort_by, order = body.get("sort_by") or "create_time", body.get("order") or "desc"
    if sort_by not in SORT_KEYS:
        raise error(400, "ModelArts.2790", f"Unsupported sorting item ({sort_by}).")
    if order not in ("asc", "desc"):
        raise invalid("order", "asc or desc")
    return offset, limit, sort_by, order


def search_jobs(req: Request, emu: Emulator) -> Response:
    """``POST /v2/{project_id}/training-job-searches`` (``offset`` is a page number, see the module doc)."""
    body = _body(req)
    offset, limit, sort_by, order = _page_args(body)
    raw_filters = body.get("filters") or []
    if not isinstance(raw_filters, list):
        raise invalid("filters", "an array is required")
    filters = [f for f in (_check_filter(flt, i) for i, flt in enumerate(raw_filters)) if f is not None]
    workspace = body.get("workspace_id") or "0"
    now = emu.clock.now()
    store = emu.store(str(req.project_id), COLLECTION)
    for rec in store.values():
        settle(emu, rec)
    rendered = [(rec, render(rec, now)) for rec in store.values()]
    total = len(rendered)
    hits = [(rec, item) for rec, item in rendered if item["metadata"]["workspace_id"] == workspace
            and all(_matches(_field(rec, item, k), op, vals) for k, op, vals in filters)]
    hits.sort(key=lambda pair: _field(pair[0], pair[1], sort_by), reverse=order == "desc")
    page = [item for _, item in hits[offset * limit:(offset + 1) * limit]]
    return Response(200, {"total": total, "count": len(hits), "limit": limit, "offset": offset, "sort_by": sort_by,
                          "order": order, "group_by": body.get("group_by") or "", "workspace_id": workspace,
                          "ai_project": "default-ai-project", "items": page})


JOBS = "/v2/{project_id}/training-jobs"
ONE_JOB = JOBS + "/{training_job_id}"
ROUTES: list[RouteSpec] = [
    ("POST", "/v2/{project_id}/training-job-searches", "list", search_jobs),
    ("GET", "/v2/{project_id}/training-job-flavors", "flavors", list_flavors),
    ("GET", "/v2/{project_id}/training-job-engines", "engines", list_engines),
    *resource_routes(JOBS, ONE_JOB, create=create_job, get=show_job, update=update_job, delete=delete_job),
    ("POST", ONE_JOB + "/actions", "action", job_action),
    ("GET", ONE_JOB + "/tasks/{task_id}/logs/preview", "log_preview", log_preview),
    ("GET", ONE_JOB + "/tasks/{task_id}/logs/url", "log_url", log_url),
    ("GET", ONE_JOB + "/metrics/{task_id}", "metrics", metrics),
]


def register(router: Router) -> None:
    """Add the v2 training routes (kinds ``training_v2.<op>``) and the signed log-file download."""
    add_routes(router, KIND, ROUTES)
    router.route("GET", "/_training-logs/{token}", f"{KIND}.log_file", auth=False)(log_file)
