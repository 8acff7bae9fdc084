"""Data management tasks: dataset import tasks, export tasks and team-labeling (workforce) tasks.

Routes (kind ``datasets.<op>``)::

    GET/POST  /v2/{project_id}/datasets/{dataset_id}/import-tasks                       list/create_import_task(s)
    GET       /v2/{project_id}/datasets/{dataset_id}/import-tasks/{task_id}             get_import_task
    GET/POST  /v2/{project_id}/datasets/{dataset_id}/export-tasks                       list/create_export_task(s)
    GET       /v2/{project_id}/datasets/{dataset_id}/export-tasks/{task_id}             get_export_task
    GET/POST  /v2/{project_id}/datasets/{dataset_id}/workforce-tasks                    list/create_workforce_task(s)
    GET       /v2/{project_id}/datasets/{dataset_id}/workforce-tasks/{workforce_task_id} get_workforce_task

Import tasks (reference §3.4, §4.1). Create answers 200 ``{task_id}``. OBS is REALLY read at creation:

* ``import_type`` ``dir`` (default unless the path ends with ``.manifest``): every object under the prefix
  (recursive; folder markers ending in ``/`` are ignored) whose extension fits the dataset type becomes a sample:
  images ``.jpg .jpeg .png .bmp`` for types 0/1/3, ``.txt .csv`` for 100, ``.wav`` for 200, ``.csv`` for 400. For image classification (0) and sound classification (200) with ``import_annotations`` (default
  true), a file in a sub-folder ``<prefix>/<label>/file`` gets the label ``<label>`` (ImageNet-style layout).
  Directory import is refused for types 101, 102, 201, 202, 600 and 900, manifest import for 400 (400
  ``ModelArts.4396``; SDK reference §7.4.2 table 7-19, which has no row for free format 900: its manifest import
  is kept, its directory import is not).
* ``manifest``: the file is read, one JSON object per line with ``source`` (``obs://`` or ``s3://``), optional
  ``usage`` and ``annotation[]`` (``annotations`` also accepted) of ``{name, type, annotated-by, property}``; one
  sample per line, labels kept unless ``import_annotations`` is false; ``included_labels``/``excluded_labels``
  filter the lines. Unknown label names are added to the dataset's labels.
* Errors become a FAILED task (never an HTTP error): no object under the path / missing manifest ->
  ``ModelArts.4312`` (OBS path does not exist); objects but none fitting the type -> ``ModelArts.4340``; bad manifest
  line -> ``ModelArts.4362``; other OBS failures -> ``ModelArts.4314``.
* While an import is queued or running, another import is refused with 400 ``ModelArts.4356`` and the dataset shows
  status 8. Statuses: ``QUEUING`` 1 s -> ``RUNNING`` 3 s -> ``COMPLETED`` (emulated seconds); the samples appear in
  the dataset when ``COMPLETED`` is first observed. Outcome kind ``import_task`` (matched against the dataset
  name): ``fail`` (FAILED, ``ModelArts.4362``), ``stuck`` (RUNNING for ever), ``slow`` (10x longer), ``empty``
  (COMPLETED with 0 samples). Unknown task id -> 400 ``ModelArts.4612``.

Export tasks (reference §3.5). Create answers 200 with the task object (it includes ``task_id``). ``path`` is
required (``ModelArts.4358`` when missing or invalid). Only dataset types 0, 1, 3 and 900 can be exported; other
types answer 400 ``ModelArts.4384`` (Invalid export parameter); the appendix' ``ModelArts.4383`` is a 501 and was
not used so that clients do not treat it as a server fault. ``export_type`` 0 labelled, 1 unlabelled, 2 all
(default), 3 conditional (``export_params.samples`` ids, else ``sample_state``); ``export_format`` 1|2 (default 2);
``source_type_header`` ``obs://`` (default) | ``s3://``; ``version_id`` exports that version's snapshot. Statuses
``INIT`` 1 s -> ``RUNNING`` 3 s -> ``SUCCESSED`` (sic) / ``FAILED``. When ``SUCCESSED`` is first observed the
emulator writes ``{path}Data/{dataset_name}.manifest`` (one line per exported sample, in the real manifest format;
the sample files are NOT copied, the lines point at the original objects). ``export_dest: NEW_DATASET`` also
creates the dataset ``export_new_dataset_name`` (work path ``export_new_dataset_work_path`` or the source's) holding
the exported samples. Outcome kind ``export_task``: ``fail`` (FAILED, ``ModelArts.4401``), ``stuck``, ``slow``.
Unknown id -> 400 ``ModelArts.4359``.

Workforce tasks (reference §3.6). Create answers 200 ``{task_id}``; ``task_name`` required (1-64 of
``[A-Za-z0-9_-]``), duplicate in the dataset -> 400 ``ModelArts.4620``; unknown id -> 400 ``ModelArts.4619``.
``description`` and ``task_type`` are SDK reference §7.7.1 fields (cited in the contract table); ``description`` is
answered (a documented field of the task object), ``task_type``, ``data_sync_type`` and ``sample_conditions`` are
kept privately (the task object documents no such field).
Status 0 (starting, 2 s) then 1 (running). Outcome kind ``workforce_task``: ``slow`` (starting for 20 s),
``complete`` (3 after 10 more seconds), ``stuck`` (stays 0). List ``{count, tasks}`` with ``limit`` 1-1000 (default 1000).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from airflow_provider_modelarts.emulator.http import ApiError, Request, Response, Router, bad_request
from airflow_provider_modelarts.emulator.resources.common import (
    add_routes,
    check_name,
    now_ms,
    page,
    resource_routes,
)
from airflow_provider_modelarts.emulator.resources.datasets import (
    EXPORTABLE_TYPES,
    LABELED,
    ONE,
    RUNNING_IMPORT,
    UNLABELED,
    add_samples,
    check_bool,
    check_description,
    check_int_enum,
    check_work_path,
    get_dataset,
    make_sample,
    manifest_lines,
    name_rule,
    new_dataset,
    normalize_obs,
    outcome_for,
    public,
    put_text,
    require_obs,
    sample_counts,
    status_of,
)
from airflow_provider_modelarts.emulator.state import Lifecycle

if TYPE_CHECKING:
    from airflow_provider_modelarts.emulator.state import Emulator

IMAGE_EXT = (".jpg", ".jpeg", ".png", ".bmp")
#: dataset_type -> accepted file extensions for a directory import (None: any file).
#: The types are SDK reference §7.4.2 table 7-19's directory column (free format 900 is not in it).
DIR_EXTENSIONS: dict[int, tuple[str, ...]] = {0: IMAGE_EXT, 1: IMAGE_EXT, 3: IMAGE_EXT, 100: (".txt", ".csv"),
                                              200: (".wav",), 400: (".csv",)}
FOLDER_LABEL_TYPES = {0, 200}
NO_MANIFEST_TYPES = {400}
#: outcome word -> (time factor, final status or None for stuck)
TASK_TIMING = {"success": (1.0, True), "empty": (1.0, True), "fail": (0.5, False), "slow": (10.0, True),
               "stuck": (1.0, None)}


class ImportFailure(Exception):
    """A reason for an import task to end FAILED (``error_code``, ``error_msg``)."""

    def __init__(self, code: str, msg: str) -> None:
        super().__init__(msg)
        self.code = code
        self.msg = msg


def task_life(emu: Emulator, steps: list[tuple[str, float]], ok: str, failed: str, outcome: str,
              failure: bool) -> Lifecycle:
    """The lifecycle of an import or export task for an outcome word.

    :param emu: the emulator (clock).
    :param steps: in-progress statuses and their durations at normal speed.
    :param ok: the success status
    :param failed: the failure status.
    :param outcome: outcome word (see :data:`TASK_TIMING`).
    :param failure: the task is known to fail whatever the outcome says.
    """
    factor, final = TASK_TIMING.get(outcome, TASK_TIMING["success"])
    if failure:
        factor, final = 0.5, False
    scaled = [(status, duration * factor) for status, duration in steps]
    return Lifecycle(scaled, None if final is None else ok if final else failed, emu.clock.now())


def failed_now(emu: Emulator, record: dict[str, Any], status: str, code: str, msg: str) -> None:
    """Turn a task FAILED from now on with the given error."""
    record["_life"].switch(emu.clock.now(), [], status)
    record["_error"] = (code, msg)


def timing_fields(emu: Emulator, record: dict[str, Any]) -> tuple[int, int]:
    """(update time in ms, elapsed seconds) of a task: frozen at its end once finished."""
    life: Lifecycle = record["_life"]
    end = life.finished_at()
    now = emu.clock.now()
    last = min(now, end) if end is not None else now
    return int(last * 1000), max(0, round(last - record["_started"]))


def error_fields(record: dict[str, Any], failed: bool) -> dict[str, str]:
    if not failed or not record.get("_error"):
        return {}
    code, msg = record["_error"]
    return {"error_code": code, "error_msg": msg}


# ---- import tasks ------------------------------------------------------------------------------------------------
def label_names(value: Any, field: str) -> set[str]:
    """Names of ``included_labels``/``excluded_labels`` (Label objects or plain strings)."""
    if value is None:
        return set()
    if not isinstance(value, list):
        raise bad_request(f"Invalid parameter {field}: an array of labels is expected.")
    return {item["name"] if isinstance(item, dict) else str(item) for item in value
            if not isinstance(item, dict) or item.get("name")}


def import_type_of(body: dict[str, Any], path: str) -> str:
    value = body.get("import_type")
    if value is None:
        return "manifest" if path.endswith(".manifest") else "dir"
    if value not in ("dir", "manifest"):
        raise bad_request(f"Invalid parameter import_type: {value!r} is not 'dir' or 'manifest'.")
    return str(value)


def check_import_body(ds: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    """Validate a create-import body; the normalised options."""
    path = body.get("import_path")
    if not isinstance(path, str) or not path or any(c in path for c in "\r\n\t"):
        raise bad_request("Invalid parameter import_path: an OBS directory or manifest path is required.")
    bucket, key = normalize_obs(path, "import_path")
    kind = import_type_of(body, key)
    origin = body.get("import_origin") or "obs"
    if origin != "obs":
        raise ApiError(400, "ModelArts.4396", f"Parameter is invalid: import_origin {origin!r} is not supported "
                                              "by the emulator (only obs).")
    if kind == "dir" and ds["dataset_type"] not in DIR_EXTENSIONS:
        raise ApiError(400, "ModelArts.4396", f"Parameter is invalid: dataset type {ds['dataset_type']} only "
                                              "supports manifest import.")
    if kind == "manifest" and ds["dataset_type"] in NO_MANIFEST_TYPES:
        raise ApiError(400, "ModelArts.4396", "Parameter is invalid: table datasets do not support manifest import.")
    for flag in ("with_column_header", "difficult_only", "final_annotation", "import_samples"):
        check_bool(body, flag, False)
    return {"bucket": bucket, "key": key, "kind": kind,
            "annotations": check_bool(body, "import_annotations", True),
            "included": label_names(body.get("included_labels"), "included_labels"),
            "excluded": label_names(body.get("excluded_labels"), "excluded_labels")}


def obs_read(action: Any, *args: Any) -> Any:
    """Call an OBS store method, turning a missing object into 4312 and any other failure into 4314."""
    try:
        return action(*args)
    except KeyError:
        raise ImportFailure("ModelArts.4312", f"OBS path does not exist: obs://{'/'.join(map(str, args))}") from None
    except Exception as exc:  # the store's own errors (missing bucket, connection) surface as an OBS error
        raise ImportFailure("ModelArts.4314", f"Obs error: {exc}") from None


def plan_dir_import(emu: Emulator, ds: dict[str, Any], opts: dict[str, Any]) -> tuple[list[dict[str, Any]], int]:
    """Samples of a directory import and the number of files seen."""
    obs = require_obs(emu)
    prefix = opts["key"] if not opts["key"] or opts["key"].endswith("/") else opts["key"] + "/"
    keys = [k for k in obs_read(obs.list, opts["bucket"], prefix) if not k.endswith("/")]
    if not keys:
        raise ImportFailure("ModelArts.4312", f"OBS path does not exist: obs://{opts['bucket']}/{prefix}")
    extensions = DIR_EXTENSIONS[ds["dataset_type"]]
    fitting = [k for k in keys if k.lower().endswith(extensions)]
    if not fitting:
        raise ImportFailure("ModelArts.4340", "Import path does not contain valid file for dataset type "
                                              f"{ds['dataset_type']}: obs://{opts['bucket']}/{prefix}")
    samples = []
    for key in fitting:
        labels = []
        relative = key[len(prefix):]
        if opts["annotations"] and ds["dataset_type"] in FOLDER_LABEL_TYPES and "/" in relative:
            labels = [{"name": relative.split("/", 1)[0], "type": ds["dataset_type"], "property": {}}]
        samples.append(make_sample(emu, ds, opts["bucket"], key, labels))
    return samples, len(keys)


def parse_manifest_line(line: str, number: int) -> dict[str, Any]:
    """One manifest line as a dict with an OBS ``source`` (``ImportFailure`` 4362 otherwise)."""
    try:
        entry = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ImportFailure("ModelArts.4362", f"Import data error: manifest line {number} is not JSON: {exc}.") from None
    source = entry.get("source") if isinstance(entry, dict) else None
    if not isinstance(source, str) or not source.startswith(("obs://", "s3://")):
        raise ImportFailure("ModelArts.4362",
                            f"Import data error: manifest line {number} needs an obs:// or s3:// source.")
    return entry


def manifest_labels(ds: dict[str, Any], entry: dict[str, Any]) -> list[dict[str, Any]]:
    """Sample labels from a manifest entry's ``annotation`` (or ``annotations``) list."""
    labels = []
    for note in entry.get("annotation") or entry.get("annotations") or []:
        if isinstance(note, dict) and note.get("name"):
            labels.append({"name": str(note["name"]), "type": ds["dataset_type"],
                           "property": dict(note.get("property") or {}),
                           "annotated_by": note.get("annotated-by") or note.get("annotated_by") or "human"})
    return labels


def plan_manifest_import(emu: Emulator, ds: dict[str, Any],
                         opts: dict[str, Any]) -> tuple[list[dict[str, Any]], int]:
    """Samples of a manifest import (one per line passing the label filters) and the number of lines."""
    obs = require_obs(emu)
    raw = obs_read(obs.get, opts["bucket"], opts["key"])
    lines = [line for line in raw.decode("utf-8", errors="replace").splitlines() if line.strip()]
    samples = []
    for number, line in enumerate(lines, start=1):
        entry = parse_manifest_line(line, number)
        labels = manifest_labels(ds, entry)
        names = {lab["name"] for lab in labels}
        if (opts["included"] and not names & opts["included"]) or names & opts["excluded"]:
            continue
        bucket, key = normalize_obs(entry["source"], "source")
        samples.append(make_sample(emu, ds, bucket, key, labels if opts["annotations"] else [],
                                   usage=entry.get("usage")))
    return samples, len(lines)


def start_import(req: Request, emu: Emulator, ds: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    """Validate, read OBS and store a new import task; its samples join the dataset when it completes.

    :param req: the request (outcome trigger header).
    :param emu: the emulator.
    :param ds: the target dataset.
    :param body: the create-import body.
    """
    opts = check_import_body(ds, body)
    if any(status_of(emu, t) in RUNNING_IMPORT for t in ds["_imports"].values()):
        raise ApiError(400, "ModelArts.4356", "Dataset already has running import task.")
    require_obs(emu)
    outcome = outcome_for(req, emu, "import_task", ds["dataset_name"])
    samples: list[dict[str, Any]] = []
    files, failure = 0, None
    try:
        planner = plan_manifest_import if opts["kind"] == "manifest" else plan_dir_import
        samples, files = planner(emu, ds, opts)
    except ImportFailure as exc:
        failure = (exc.code, exc.msg)
    if outcome == "fail" and failure is None:
        failure = ("ModelArts.4362", "Import data error: the import failed (scripted outcome).")
    if outcome == "empty":
        samples = []
    task = {
        "task_id": f"{ds['dataset_id']}_{emu.new_id(19)}", "dataset_id": ds["dataset_id"],
        "import_path": f"obs://{opts['bucket']}/{opts['key']}", "import_type": 1 if opts["kind"] == "manifest" else 0,
        "create_time": now_ms(emu), "_started": emu.clock.now(), "_samples": samples,
        "_files": files, "_error": failure,
        "_life": task_life(emu, [("QUEUING", 1.0), ("RUNNING", 3.0)], "COMPLETED", "FAILED", outcome,
                           failure is not None),
    }
    if failure is None:
        task["_apply"] = lambda: add_samples(ds, samples)
    ds["_imports"][task["task_id"]] = task
    return task


def render_import(emu: Emulator, task: dict[str, Any]) -> dict[str, Any]:
    """The API view of an import task (counts filled in once COMPLETED)."""
    status = status_of(emu, task)
    done = status == "COMPLETED"
    total, labelled = sample_counts(task["_samples"])
    update_ms, elapsed = timing_fields(emu, task)
    out = public(task)
    out.update({
        "status": status, "update_ms": update_ms, "elapsed_time": elapsed, "total_sample_count": total,
        "imported_sample_count": total if done else 0, "annotated_sample_count": labelled if done else 0,
        "total_sub_sample_count": 0, "imported_sub_sample_count": 0, "unconfirmed_sample_count": 0,
        "total_file_count": task["_files"], "finished_file_count": task["_files"] if done else 0,
        "total_file_size": 0, "finished_file_size": 0,
    })
    out.update(error_fields(task, status == "FAILED"))
    return out


def get_task(req: Request, records: dict[str, Any], param: str, code: str, what: str) -> dict[str, Any]:
    """The task named by a path parameter, or 400 with the given not-found code."""
    task = records.get(req.params[param])
    if task is None:
        raise ApiError(400, code, f"{what} does not exist: {req.params[param]}.")
    return task


def list_import_tasks(req: Request, emu: Emulator) -> Response:
    """``GET .../import-tasks``: newest first; ``{import_tasks, total_count}``."""
    ds = get_dataset(req, emu)
    tasks = [render_import(emu, t) for t in reversed(ds["_imports"].values())]
    return Response(200, {"import_tasks": page(tasks, req), "total_count": len(tasks)})


def create_import_task(req: Request, emu: Emulator) -> Response:
    """``POST .../import-tasks``: 200 ``{task_id}``."""
    ds = get_dataset(req, emu)
    task = start_import(req, emu, ds, req.json_object())
    return Response(200, {"task_id": task["task_id"]})


def show_import_task(req: Request, emu: Emulator) -> Response:
    """``GET .../import-tasks/{task_id}``; unknown id -> 400 ``ModelArts.4612``."""
    ds = get_dataset(req, emu)
    return Response(200, render_import(emu, get_task(req, ds["_imports"], "task_id", "ModelArts.4612", "Task")))


# ---- export tasks ------------------------------------------------------------------------------------------------
def export_error(msg: str) -> ApiError:
    return ApiError(400, "ModelArts.4384", f"Invalid export parameter: {msg}")


def check_export_body(emu: Emulator, ds: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    """Validate a create-export body; the normalised task fields (without status)."""
    if ds["dataset_type"] not in EXPORTABLE_TYPES:
        raise export_error(f"dataset type {ds['dataset_type']} cannot be exported; only image classification (0), "
                           "object detection (1), image segmentation (3) and free format (900) datasets can.")
    params = body.get("export_params") or {}
    if not isinstance(params, dict):
        raise export_error("export_params must be an object.")
    dest = params.get("export_dest") or "DIR"
    if dest not in ("DIR", "NEW_DATASET"):
        raise export_error(f"export_dest {dest!r} is not DIR or NEW_DATASET.")
    path = body.get("path")
    try:
        bucket, key = normalize_obs(path, "path")
    except ApiError:
        raise ApiError(400, "ModelArts.4358", f"Invalid export path: {path!r} (an OBS directory is required).") from None
    header = body.get("source_type_header") or "obs://"
    if header not in ("obs://", "s3://"):
        raise export_error(f"source_type_header {header!r} is not obs:// or s3://.")
    if body.get("annotation_format") not in (None, "VOC", "COCO"):
        raise export_error(f"annotation_format {body['annotation_format']!r} is not VOC or COCO.")
    if dest == "NEW_DATASET":
        check_new_dataset_params(emu, ds, params)
    return {"path": f"/{bucket}/{key.rstrip('/')}/" if key else f"/{bucket}/", "header": header, "dest": dest,
            "params": params, "export_type": check_int_enum(body.get("export_type"), "export_type", range(4), 2),
            "export_format": check_int_enum(body.get("export_format"), "export_format", {1, 2}, 2)}


def check_new_dataset_params(emu: Emulator, ds: dict[str, Any], params: dict[str, Any]) -> None:
    """``export_new_dataset_name`` valid and free; the work path valid."""
    name = check_name(params.get("export_new_dataset_name"), "export_params.export_new_dataset_name", name_rule(100))
    if any(d["dataset_name"] == name for d in emu.store(ds["_project_id"], "datasets").values()):
        raise ApiError(400, "ModelArts.4351", f"Dataset already exists: {name}.")
    check_work_path(params.get("export_new_dataset_work_path") or ds["work_path"], 0)


def export_selection(ds: dict[str, Any], samples: list[dict[str, Any]], body: dict[str, Any],
                     export_type: int) -> list[dict[str, Any]]:
    """The samples an export covers: labelled (0), unlabelled (1), all (2) or by condition (3)."""
    if export_type == 0:
        return [s for s in samples if s["labels"]]
    if export_type == 1:
        return [s for s in samples if not s["labels"]]
    params = body.get("export_params") or {}
    if export_type == 3 and params.get("samples"):
        wanted = set(params["samples"])
        return [s for s in samples if s["sample_id"] in wanted]
    state = params.get("sample_state") or body.get("sample_state")
    if export_type == 3 and state in (LABELED, UNLABELED):
        return [s for s in samples if s["sample_status"] == state]
    return list(samples)


def finish_export(emu: Emulator, ds: dict[str, Any], task: dict[str, Any]) -> None:
    """Side effect of a successful export: write the manifest (and create the new dataset when asked)."""
    samples = task["_samples"]
    try:
        put_text(emu, f"{task['path']}Data/{ds['dataset_name']}.manifest",
                 manifest_lines(ds, samples, task["_header"]))
        if task["_dest"] == "NEW_DATASET":
            params = task["export_params"]
            body = {"dataset_name": params["export_new_dataset_name"], "dataset_type": ds["dataset_type"],
                    "work_path": params.get("export_new_dataset_work_path") or ds["work_path"],
                    "data_sources": [{"data_type": 0, "data_path": task["path"]}],
                    "labels": [dict(lab) for lab in ds["labels"]]}
            target = new_dataset(emu, ds["_project_id"], body)
            add_samples(target, [dict(s) for s in samples])
    except ApiError as exc:
        failed_now(emu, task, "FAILED", exc.error_code, exc.error_msg)
    except Exception as exc:  # an OBS write failure ends the task FAILED like the real service
        failed_now(emu, task, "FAILED", "ModelArts.4401", f"Failed to export data: {exc}")


def render_export(emu: Emulator, task: dict[str, Any]) -> dict[str, Any]:
    """The API view of an export task."""
    status = status_of(emu, task)
    done = status == "SUCCESSED"
    update_ms, _ = timing_fields(emu, task)
    out = public(task)
    out.update({"status": status, "update_time": update_ms, "total_sample_count": len(task["_samples"]),
                "finished_sample_count": len(task["_samples"]) if done else 0,
                "progress": 100.0 if done else 50.0 if status == "RUNNING" else 0.0})
    out.update(error_fields(task, status == "FAILED"))
    return out


def create_export_task(req: Request, emu: Emulator) -> Response:
    """``POST .../export-tasks``: 200 with the task (``task_id``)."""
    ds = get_dataset(req, emu)
    body = req.json_object()
    opts = check_export_body(emu, ds, body)
    samples = list(ds["_samples"].values())
    version_id = body.get("version_id")
    if version_id:
        version = ds["_versions"].get(version_id)
        if version is None:
            raise ApiError(400, "ModelArts.4353", f"Dataset version does not exist: {version_id}.")
        samples = version["_samples"]
    outcome = outcome_for(req, emu, "export_task", ds["dataset_name"])
    failing = outcome == "fail"
    task = {
        "task_id": emu.new_id(19), "path": opts["path"], "export_type": opts["export_type"],
        "export_format": opts["export_format"], "export_params": {**opts["params"], "export_dest": opts["dest"]},
        "version_id": version_id or "", "version_format": body.get("version_format") or "Default",
        "create_time": now_ms(emu), "_started": emu.clock.now(), "_header": opts["header"], "_dest": opts["dest"],
        "_samples": [dict(s) for s in export_selection(ds, samples, body, opts["export_type"])],
        "_error": ("ModelArts.4401", "Failed to export data (scripted outcome).") if failing else None,
        "_life": task_life(emu, [("INIT", 1.0), ("RUNNING", 3.0)], "SUCCESSED", "FAILED", outcome, failing),
    }
    if not failing:
        task["_apply"] = lambda: finish_export(emu, ds, task)
    ds["_exports"][task["task_id"]] = task
    return Response(200, render_export(emu, task))


def list_export_tasks(req: Request, emu: Emulator) -> Response:
    """``GET .../export-tasks``: optional ``export_type`` filter, newest first; ``{total_count, export_tasks}``."""
    ds = get_dataset(req, emu)
    tasks = [render_export(emu, t) for t in reversed(ds["_exports"].values())]
    if req.query("export_type"):
        wanted = req.query_int("export_type", 0, lo=0, hi=3)
        tasks = [t for t in tasks if t["export_type"] == wanted]
    return Response(200, {"total_count": len(tasks), "export_tasks": page(tasks, req)})


def show_export_task(req: Request, emu: Emulator) -> Response:
    """``GET .../export-tasks/{task_id}``; unknown id -> 400 ``ModelArts.4359``."""
    ds = get_dataset(req, emu)
    return Response(200, render_export(emu, get_task(req, ds["_exports"], "task_id", "ModelArts.4359",
                                                     "Export task")))


# ---- workforce (team labeling) tasks ------------------------------------------------------------------------------
WORKFORCE_LIVES: dict[str, tuple[list[tuple[int, float]], int | None]] = {
    "success": ([(0, 2.0)], 1), "slow": ([(0, 20.0)], 1), "complete": ([(0, 2.0), (1, 10.0)], 3),
    "stuck": ([(0, 2.0)], None)}


def render_workforce(emu: Emulator, ds: dict[str, Any], task: dict[str, Any]) -> dict[str, Any]:
    """The API view of a team labeling task, with sample and workforce statistics."""
    total, labelled = sample_counts(list(ds["_samples"].values()))
    workforces = (task.get("workforces_config") or {}).get("workforces") or []
    workers = [w for wf in workforces if isinstance(wf, dict) for w in wf.get("workers") or [] if isinstance(w, dict)]
    out = public(task)
    out.update({
        "status": status_of(emu, task),
        "sample_stats": {"total_sample_count": total, "unannotated_sample_count": total - labelled,
                         "unreviewed_sample_count": 0, "uncheck_sample_count": 0, "sampled_sample_count": 0,
                         "rejected_sample_count": 0, "accepted_sample_count": labelled,
                         "auto_annotation_sample_count": 0},
        "workforce_stats": {"workforce_count": len(workforces),
                            "labeler_count": sum(1 for w in workers if w.get("role", 0) == 0),
                            "reviewer_count": sum(1 for w in workers if w.get("role") == 1)},
    })
    return out


def create_workforce_task(req: Request, emu: Emulator) -> Response:
    """``POST .../workforce-tasks``: 200 ``{task_id}``."""
    ds = get_dataset(req, emu)
    body = req.json_object()
    name = check_name(body.get("task_name"), "task_name", name_rule(64))
    if any(t["task_name"] == name for t in ds["_workforce"].values()):
        raise ApiError(400, "ModelArts.4620", f"The workforce task already exists: {name}.")
    repetition = body.get("repetition", 1)
    if isinstance(repetition, bool) or not isinstance(repetition, int) or repetition < 1:
        raise bad_request(f"Invalid parameter repetition: {repetition!r} must be an integer >= 1.")
    config = body.get("workforces_config") or {}
    if not isinstance(config, dict):
        raise bad_request("Invalid parameter workforces_config: an object is expected.")
    steps, final = WORKFORCE_LIVES.get(outcome_for(req, emu, "workforce_task", name), WORKFORCE_LIVES["success"])
    created = now_ms(emu)
    task = {
        "task_id": emu.new_id(19), "task_name": name, "dataset_id": ds["dataset_id"],
        "description": check_description(body.get("description")), "repetition": repetition,
        "workforces_config": config, "auto_sync_dataset": check_bool(body, "auto_sync_dataset", True),
        "synchronize_data": check_bool(body, "synchronize_data", False),
        "synchronize_auto_labeling_data": check_bool(body, "synchronize_auto_labeling_data", False),
        "create_time": created, "update_time": created,
        "_life": Lifecycle(list(steps), final, emu.clock.now()),
        # documented request fields the task object does not answer (creating_a_team_labeling_task.txt table 2)
        "_data_sync_type": check_int_enum(body.get("data_sync_type"), "data_sync_type", range(4), 0),
        "_sample_conditions": body.get("sample_conditions") or "", "_task_type": body.get("task_type"),
    }
    ds["_workforce"][task["task_id"]] = task
    return Response(200, {"task_id": task["task_id"]})


def list_workforce_tasks(req: Request, emu: Emulator) -> Response:
    """``GET .../workforce-tasks``: ``{count, tasks}``, ``limit`` 1-1000 (default 1000)."""
    ds = get_dataset(req, emu)
    tasks = [render_workforce(emu, ds, t) for t in reversed(ds["_workforce"].values())]
    return Response(200, {"count": len(tasks), "tasks": page(tasks, req, default_size=1000, max_size=1000)})


def show_workforce_task(req: Request, emu: Emulator) -> Response:
    """``GET .../workforce-tasks/{workforce_task_id}``; unknown id -> 400 ``ModelArts.4619``."""
    ds = get_dataset(req, emu)
    task = get_task(req, ds["_workforce"], "workforce_task_id", "ModelArts.4619", "Workforce task")
    return Response(200, render_workforce(emu, ds, task))


def register(router: Router) -> None:
    """Register the import, export and workforce task routes (kinds ``datasets.<op>``)."""
    add_routes(router, "datasets", [
        *resource_routes(ONE + "/import-tasks", ONE + "/import-tasks/{task_id}", list_import_tasks=list_import_tasks,
                         create_import_task=create_import_task, get_import_task=show_import_task),
        *resource_routes(ONE + "/export-tasks", ONE + "/export-tasks/{task_id}", list_export_tasks=list_export_tasks,
                         create_export_task=create_export_task, get_export_task=show_export_task),
        *resource_routes(ONE + "/workforce-tasks", ONE + "/workforce-tasks/{workforce_task_id}",
                         list_workforce_tasks=list_workforce_tasks, create_workforce_task=create_workforce_task,
                         get_workforce_task=show_workforce_task),
    ])
