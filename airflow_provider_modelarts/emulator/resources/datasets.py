"""Data management (old-version v2 dataset APIs): datasets, versions and samples.

Import, export and team-labeling (workforce) tasks live in :mod:`.dataset_tasks`; both modules share the
helpers defined here. Routes (kind ``datasets.<op>``)::

    GET/POST          /v2/{project_id}/datasets                                          list, create
    GET/PUT/DELETE    /v2/{project_id}/datasets/{dataset_id}                             get, update, delete
    GET/POST          /v2/{project_id}/datasets/{dataset_id}/versions                    list_versions, create_version
    GET/DELETE        /v2/{project_id}/datasets/{dataset_id}/versions/{version_id}       get_version, delete_version
    GET               /v2/{project_id}/datasets/{dataset_id}/data-annotations/samples    list_samples
    GET               .../data-annotations/samples/{sample_id}                           get_sample
    POST              .../data-annotations/samples/delete                                delete_samples

Behaviour and choices (sources: ``modelarts-rest-api.md`` §3.1-3.3 and §4.1, OTC historical data-management pages,
OTC error-code appendix):

* ``offset`` is a PAGE index everywhere (``offset=1, limit=50`` returns rows 51-100). Dataset and sample lists take
  ``limit`` 1-100 (default 10). The version list takes ``limit`` 1-1000 with default 10: the OTC page says 1000,
  ``modelarts-rest-api.md`` says 10 and wins.
* ``dataset_name``: 1-100 characters of ``[A-Za-z0-9_-]`` only (OTC; no Chinese). Duplicate -> 400
  ``ModelArts.4351``. ``version_name``: 1-32 of the same set; duplicate -> 400 ``ModelArts.4371``.
* ``data_sources`` is Mandatory (the OTC api-ref and SDK reference §7.1.2 table 7-2; only CN21 has it optional; the
  contract table answers 400 without it). When it names an OBS ``data_path`` holding objects and the OBS store
  runs, creating the dataset also starts a directory import task from it (``import_task_id`` in the answer), like
  the real service's data synchronisation (skipped for types without directory import, e.g. 101, and when the
  folder is empty: nothing to synchronise).
  ``work_path`` must be ``/bucket/dir/`` (or ``obs://``), not a bare bucket, 3-700 characters; ``work_path_type``
  must be 0; when OBS runs its bucket must exist (400 ``ModelArts.4311``). OBS writes never create buckets: a
  missing bucket fails the version or export task.
* Not-found codes (all HTTP 400): dataset ``ModelArts.4352``, version ``ModelArts.4353``, sample ``ModelArts.4420``.
* Dataset ``status``: 0 (creating, 1 emulated second) then 1; 8 while an import task is queued or running; 6 while a
  version is being published. Outcome kind ``dataset``: ``fail`` -> 4 (abnormal), ``stuck`` -> stays 0.
* Versions: ``label_task_type`` (SDK reference §7.2.2, cited) is answered as the version's ``task_type`` (default: the
  dataset type); ``label_task_id`` must name a team labeling task of the dataset (400 ``ModelArts.4619``).
  Status 0 for 3 emulated seconds then 1; outcome kind ``dataset_version`` (matched against
  ``<dataset_name>/<version_name>``): ``fail`` -> 4 with ``message``, ``stuck`` -> stays 0, ``slow`` -> 30 s.
  One version may be published per EMULATED minute per dataset, else 400 ``ModelArts.4370``. Names default to
  ``V001``, ``V002`` ... The sample counts are a snapshot taken at creation. When a version first shows status 1
  its manifest is written to OBS at ``manifest_path`` =
  ``{work_path}dataset-{name}-{id}/annotation/{V}/{V}.manifest`` (the real layout) and it becomes current.
* Samples come from import tasks. ``sample_id`` is the MD5 of the source URI (re-importing a file updates it).
  ``source`` is the ``obs://bucket/key`` URI (the real service answers a pre-signed HTTPS URL).
  ``sample_status`` is ``__ALL__`` (labelled) or ``__NONE__``.
* Time-driven side effects (samples of a finished import, a published version's manifest, an export's files) are
  applied lazily and exactly once, the first time any dataset-scoped call observes the state past that point
  (:func:`settle_dataset`). Other emulator modules that read datasets should call :func:`find_dataset`.
* A request header ``X-Emulator-Outcome: <word>`` forces the outcome of the resource it creates (request trigger).

Records live in ``emu.store(project_id, "datasets")``; a dataset's versions, samples and tasks are kept inside its
record under keys starting with ``_`` (never rendered).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from airflow_provider_modelarts.emulator.http import ApiError, Request, Response, Router, bad_request
from airflow_provider_modelarts.emulator.obspath import split_obs_path
from airflow_provider_modelarts.emulator.resources.common import (
    NameRule,
    RouteSpec,
    add_routes,
    check_name,
    now_ms,
    page,
    resource_routes,
)
from airflow_provider_modelarts.emulator.state import Lifecycle

if TYPE_CHECKING:
    from airflow_provider_modelarts.emulator.state import Emulator

BASE = "/v2/{project_id}/datasets"
DATASET_TYPES = {0, 1, 3, 100, 101, 102, 200, 201, 202, 400, 600, 900}
DATA_TYPES = {0, 1, 2, 3, 4, 5, 6}
EXPORTABLE_TYPES = {0, 1, 3, 900}
NAME_RE = re.compile(r"^[A-Za-z0-9_-]+$")
DESCRIPTION_FORBIDDEN = set("^!<>=&\"'")
#: A version description allows ``^`` (creating_a_dataset_labeling_version.txt: ``!<>=&"'``).
VERSION_DESCRIPTION_FORBIDDEN = set("!<>=&\"'")
LABELED, UNLABELED = "__ALL__", "__NONE__"
#: dataset_type -> sample_type (0 image, 1 text, 2 audio, 4 table, 6 video, 9 free format).
SAMPLE_TYPES = {0: 0, 1: 0, 3: 0, 100: 1, 101: 1, 102: 1, 200: 2, 201: 2, 202: 2, 400: 4, 600: 6, 900: 9}
#: dataset_type -> label ``type`` string used in manifest files.
MANIFEST_LABEL_TYPES = {
    0: "modelarts/image_classification", 1: "modelarts/object_detection", 3: "modelarts/image_segmentation",
    100: "modelarts/text_classification", 101: "modelarts/named_entity_recognition", 102: "modelarts/text_triplet",
    200: "modelarts/audio_classification", 201: "modelarts/audio_content", 202: "modelarts/audio_segmentation",
    400: "modelarts/table", 600: "modelarts/video_classification", 900: "modelarts/free_format",
}
OUTCOME_HEADER = "X-Emulator-Outcome"
RUNNING_IMPORT = {"QUEUING", "STARTING", "RUNNING"}
RUNNING_EXPORT = {"INIT", "RUNNING"}


# ---- small helpers ------------------------------------------------------------------------------------------------
def public(record: dict[str, Any]) -> dict[str, Any]:
    """A record without its private (``_``-prefixed) keys."""
    return {k: v for k, v in record.items() if not k.startswith("_")}


def outcome_for(req: Request, emu: Emulator, kind: str, name: str) -> str:
    """The scripted outcome of a new resource (request header trigger first, then admin rules)."""
    return emu.outcomes.take(kind, name, req.headers.get(OUTCOME_HEADER))


def name_rule(max_len: int) -> NameRule:
    """The data-management name rule: 1 to ``max_len`` letters, digits, ``_`` and ``-`` (OTC; no Chinese)."""
    return NameRule(NAME_RE, f"must be 1 to {max_len} characters of letters, digits, underscores (_) and hyphens (-).",
                    max_len=max_len, missing="Invalid parameter {field}: it is required and must be a non-empty string.")


def check_description(value: Any, field: str = "description", forbidden: set[str] = DESCRIPTION_FORBIDDEN) -> str:
    """Validate a description: 0-256 characters without ``forbidden`` (default ``^!<>=&"'``)."""
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > 256:
        raise bad_request(f"Invalid parameter {field}: it must be a string of 0 to 256 characters.")
    bad = sorted(set(value) & forbidden)
    if bad:
        raise bad_request(f"Invalid parameter {field}: the characters {''.join(bad)!r} are not allowed.")
    return value


def check_bool(body: dict[str, Any], field: str, default: bool) -> bool:
    """A boolean body field (400 when present and not a boolean)."""
    value = body.get(field, default)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise bad_request(f"Invalid parameter {field}: {value!r} is not a boolean.")
    return value


def check_int_enum(value: Any, field: str, allowed: set[int] | range, default: int | None = None) -> int:
    """An integer field restricted to ``allowed`` (``default`` when absent)."""
    if value is None and default is not None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or value not in allowed:
        raise bad_request(f"Invalid parameter {field}: {value!r} is not one of {sorted(allowed)}.")
    return value


def bool_query(req: Request, name: str) -> bool:
    """A boolean query parameter (``true``/``false``; absent is false)."""
    raw = (req.query(name) or "false").lower()
    if raw not in ("true", "false"):
        raise bad_request(f"Invalid parameter {name}: {raw!r} is not a boolean.")
    return raw == "true"


def normalize_obs(path: Any, field: str) -> tuple[str, str]:
    """``(bucket, key)`` of an OBS location given as ``obs://``, ``s3://`` or ``/bucket/key``."""
    if isinstance(path, str) and path.startswith("s3://"):
        path = "obs://" + path[len("s3://"):]
    return split_obs_path(path, field=field)


def obs_uri(bucket: str, key: str) -> str:
    return f"obs://{bucket}/{key}"


def require_obs(emu: Emulator) -> Any:
    """The OBS store, or 400 ``ModelArts.4314`` when this emulator runs without OBS."""
    if emu.obs is None:
        raise ApiError(400, "ModelArts.4314", "Obs error: the emulator's OBS store is not started.")
    return emu.obs


def json_line(obj: dict[str, Any]) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


# ---- datasets: lookup, settlement, rendering ---------------------------------------------------------------------
def datasets_of(emu: Emulator, project_id: str) -> OrderedDict[str, Any]:
    return emu.store(project_id, "datasets")


def find_dataset(emu: Emulator, project_id: str, dataset_id: str) -> dict[str, Any] | None:
    """A dataset record with its due side effects applied, or None (for other emulator modules)."""
    ds = datasets_of(emu, project_id).get(dataset_id)
    if ds is not None:
        settle_dataset(emu, ds)
    return ds


def get_dataset(req: Request, emu: Emulator) -> dict[str, Any]:
    """The dataset named by the ``dataset_id`` path parameter (settled), or 400 ``ModelArts.4352``."""
    assert req.project_id is not None
    ds = find_dataset(emu, req.project_id, req.params["dataset_id"])
    if ds is None:
        raise ApiError(400, "ModelArts.4352", f"Dataset does not exist: {req.params['dataset_id']}.")
    return ds


def settle_record(emu: Emulator, record: dict[str, Any]) -> None:
    """Run a record's one-shot ``_apply`` side effect once its lifecycle has reached its final status."""
    apply: Callable[[], None] | None = record.get("_apply")
    if apply is not None and record["_life"].is_final(emu.clock.now()):
        record["_apply"] = None
        apply()


def settle_dataset(emu: Emulator, ds: dict[str, Any]) -> None:
    """Apply every due side effect of a dataset's tasks and versions, oldest first within each kind."""
    for collection in ("_imports", "_versions", "_exports"):
        for record in list(ds[collection].values()):
            settle_record(emu, record)


def status_of(emu: Emulator, record: dict[str, Any]) -> Any:
    return record["_life"].status(emu.clock.now())


def running_task_ids(emu: Emulator, ds: dict[str, Any]) -> list[str]:
    """Ids of the dataset's queued or running import and export tasks."""
    ids = [t["task_id"] for t in ds["_imports"].values() if status_of(emu, t) in RUNNING_IMPORT]
    return ids + [t["task_id"] for t in ds["_exports"].values() if status_of(emu, t) in RUNNING_EXPORT]


def dataset_status(emu: Emulator, ds: dict[str, Any]) -> int:
    """0 creating, 1 normal, 4 abnormal, 6 publishing a version, 8 importing (reference §4.1)."""
    base = int(status_of(emu, ds))
    if base != 1:
        return base
    if any(status_of(emu, t) in RUNNING_IMPORT for t in ds["_imports"].values()):
        return 8
    if any(status_of(emu, v) == 0 for v in ds["_versions"].values()):
        return 6
    return 1


def sample_counts(samples: list[dict[str, Any]]) -> tuple[int, int]:
    """(total, labelled) counts of a list of sample records."""
    return len(samples), sum(1 for s in samples if s["labels"])


def current_version(ds: dict[str, Any]) -> dict[str, Any] | None:
    vid = ds["_current_version_id"]
    return ds["_versions"].get(vid) if vid else None


def render_dataset(emu: Emulator, ds: dict[str, Any], *, with_labels: bool = True,
                   detail: bool = False) -> dict[str, Any]:
    """The API view of a dataset (list item, or the detail view with ``versions``)."""
    out = public(ds)
    if not with_labels:
        out.pop("labels", None)
    total, labelled = sample_counts(list(ds["_samples"].values()))
    running = running_task_ids(emu, ds)
    cur = current_version(ds)
    out.update({
        "status": dataset_status(emu, ds), "total_sample_count": total, "annotated_sample_count": labelled,
        "unconfirmed_sample_count": 0, "deleted_sample_count": ds["_deleted_samples"],
        "current_version_id": cur["version_id"] if cur else "", "current_version_name": cur["version_name"] if cur
        else "", "dataset_version_count": len(ds["_versions"]), "next_version_num": ds["_next_version_num"],
        "exist_running_task": bool(running), "running_tasks_id": running,
        "workforce_task_count": len(ds["_workforce"]), "exist_workforce_task": bool(ds["_workforce"]),
        "label_task_count": 1 + len(ds["_workforce"]), "import_task_id": ds["_import_task_id"] or "",
    })
    if detail:
        out["versions"] = [render_version(emu, ds, cur)] if cur else []
    return out


def new_dataset(emu: Emulator, project_id: str, body: dict[str, Any],
                outcome: Callable[[str], str] | None = None) -> dict[str, Any]:
    """Validate a create-dataset body and store the new dataset (shared with export to a new dataset).

    :param emu: the emulator.
    :param project_id: owning project.
    :param body: the create body (REST field names).
    :param outcome: called with the validated name, returns the scripted outcome (``success``, ``fail``, ``stuck``).
    """
    name = check_name(body.get("dataset_name"), "dataset_name", name_rule(100))
    dataset_type = check_int_enum(body.get("dataset_type"), "dataset_type", DATASET_TYPES, default=0)
    description = check_description(body.get("description"))
    work_path = check_work_path(body.get("work_path"), body.get("work_path_type"))
    data_sources = check_data_sources(body.get("data_sources"))
    labels = check_labels(body.get("labels"), "labels", dataset_type)
    store = datasets_of(emu, project_id)
    if any(d["dataset_name"] == name for d in store.values()):
        raise ApiError(400, "ModelArts.4351", f"Dataset already exists: {name}.")
    check_bucket(emu, work_path)
    word = outcome(name) if outcome else "success"
    dataset_id = emu.new_id(19)
    created = now_ms(emu)
    inner = f"{work_path}dataset-{name}-{dataset_id}/"
    steps, final = [(0, 1.0)], (4 if word == "fail" else None if word == "stuck" else 1)
    ds: dict[str, Any] = {
        "dataset_id": dataset_id, "dataset_name": name, "dataset_type": dataset_type,
        "data_format": body.get("data_format") or "Default", "data_sources": data_sources,
        "description": description, "work_path": work_path, "work_path_type": 0,
        "workspace_id": str(body.get("workspace_id") or "0"), "enterprise_project_id": "0",
        "labels": labels, "schema": body.get("schema") or [], "create_time": created, "update_time": created,
        "managed": check_bool(body, "managed", False), "import_data": check_bool(body, "import_data", False),
        "dataset_format": 1 if dataset_type == 400 else 0, "content_labeling": True, "feature_supports": ["0"],
        "inner_work_path": inner, "inner_annotation_path": inner + "annotation/", "inner_data_path": inner + "data/",
        "inner_log_path": inner + "logs/", "inner_temp_path": inner + "temp/", "inner_task_path": inner + "task/",
        "_life": Lifecycle(steps, final, emu.clock.now()), "_samples": OrderedDict(), "_versions": OrderedDict(),
        "_imports": OrderedDict(), "_exports": OrderedDict(), "_workforce": OrderedDict(),
        "_next_version_num": 1, "_current_version_id": None, "_last_publish": None, "_import_task_id": None,
        "_deleted_samples": 0, "_project_id": project_id,
    }
    store[dataset_id] = ds
    return ds


def check_work_path(work_path: Any, work_path_type: Any) -> str:
    """``work_path`` as ``/bucket/dir/`` (3-700 characters, not a bare bucket); ``work_path_type`` must be 0."""
    check_int_enum(work_path_type, "work_path_type", {0}, default=0)
    if not isinstance(work_path, str) or not 3 <= len(work_path) <= 700 or any(c in work_path for c in "\r\n\t"):
        raise bad_request("Invalid parameter work_path: an OBS directory such as /bucket/dir/ of 3 to 700 "
                          "characters is required.")
    bucket, key = normalize_obs(work_path, "work_path")
    if not key.strip("/"):
        raise bad_request("Invalid parameter work_path: a bucket cannot be used directly as the work path.")
    return f"/{bucket}/{key.rstrip('/')}/"


def check_bucket(emu: Emulator, path: str) -> None:
    """400 ``ModelArts.4311`` when OBS runs and the bucket of ``path`` does not exist."""
    bucket, _ = normalize_obs(path, "work_path")
    if emu.obs is not None and bucket not in emu.obs.buckets():
        raise ApiError(400, "ModelArts.4311", f"OBS bucket does not exist: {bucket}.")


def check_data_sources(value: Any) -> list[dict[str, Any]]:
    """``data_sources[]`` items with a valid ``data_type`` (default 0 = OBS) and, for OBS, an OBS ``data_path``."""
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > 1:
        raise bad_request("Invalid parameter data_sources: an array with at most one data source is expected.")
    sources = []
    for item in value:
        if not isinstance(item, dict):
            raise bad_request("Invalid parameter data_sources: each item must be an object.")
        source = dict(item)
        source["data_type"] = check_int_enum(item.get("data_type"), "data_sources.data_type", DATA_TYPES, default=0)
        path = item.get("data_path")
        if source["data_type"] == 0 and path is not None:
            if any(c in str(path) for c in "\r\n\t"):
                raise bad_request("Invalid parameter data_sources.data_path: control characters are not allowed.")
            normalize_obs(path, "data_sources.data_path")
        sources.append(source)
    return sources


def check_labels(value: Any, field: str, dataset_type: int) -> list[dict[str, Any]]:
    """A list of Label objects (``name`` required, unique); ``type`` defaults to the dataset type."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise bad_request(f"Invalid parameter {field}: an array of labels is expected.")
    labels: list[dict[str, Any]] = []
    for item in value:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"]:
            raise bad_request(f"Invalid parameter {field}: every label needs a non-empty name.")
        if any(lab["name"] == item["name"] for lab in labels):
            raise ApiError(400, "ModelArts.4411", f"Label already exists: {item['name']}.")
        labels.append({"name": item["name"], "type": item.get("type", dataset_type),
                       "property": dict(item.get("property") or {}), **({"attributes": item["attributes"]}
                                                                        if item.get("attributes") else {})})
    return labels


# ---- samples -----------------------------------------------------------------------------------------------------
def make_sample(emu: Emulator, ds: dict[str, Any], bucket: str, key: str, labels: list[dict[str, Any]],
                *, usage: str | None = None, size: int | None = None) -> dict[str, Any]:
    """A sample record for the object ``obs://bucket/key`` with the given labels.

    :param emu: the emulator (clock).
    :param ds: the dataset the sample belongs to (for the sample type).
    :param bucket: OBS bucket of the source.
    :param key: OBS key of the source.
    :param labels: sample labels (``{name, type, property}``).
    :param usage: manifest ``usage`` (TRAIN/EVAL/...), kept for export.
    :param size: size in bytes when known.
    """
    uri = obs_uri(bucket, key)
    directory = key.rsplit("/", 1)[0] + "/" if "/" in key else ""
    sample: dict[str, Any] = {
        "sample_id": hashlib.md5(uri.encode("utf-8")).hexdigest(), "sample_name": key.rsplit("/", 1)[-1],
        "sample_type": SAMPLE_TYPES[ds["dataset_type"]], "sample_status": LABELED if labels else UNLABELED,
        "source": uri, "sample_dir": f"/{bucket}/{directory}", "sample_time": now_ms(emu), "labels": labels,
        "metadata": {"@modelarts:import_origin": 0}, "_usage": usage,
    }
    if size is not None:
        sample["sample_size"] = size
    return sample


def add_samples(ds: dict[str, Any], samples: list[dict[str, Any]]) -> None:
    """Store samples in a dataset (same id replaces) and add unknown label names to the dataset's labels."""
    known = {lab["name"] for lab in ds["labels"]}
    for sample in samples:
        ds["_samples"][sample["sample_id"]] = sample
        for lab in sample["labels"]:
            if lab["name"] not in known:
                known.add(lab["name"])
                ds["labels"].append({"name": lab["name"], "type": lab.get("type", ds["dataset_type"]),
                                     "property": {}})


def manifest_lines(ds: dict[str, Any], samples: list[dict[str, Any]], header: str = "obs://") -> str:
    """The manifest text (one JSON object per line) describing ``samples``.

    :param ds: the dataset (label type).
    :param samples: sample records.
    :param header: scheme written in front of the OBS sources (``obs://`` or ``s3://``).
    """
    label_type = MANIFEST_LABEL_TYPES[ds["dataset_type"]]
    lines = []
    for sample in samples:
        entry: dict[str, Any] = {"id": sample["sample_id"], "source": header + sample["source"][len("obs://"):]}
        if sample.get("_usage"):
            entry["usage"] = sample["_usage"]
        if sample["labels"]:
            entry["annotation"] = [{"name": lab["name"], "type": label_type, "annotated-by": "human",
                                    **({"property": lab["property"]} if lab.get("property") else {})}
                                   for lab in sample["labels"]]
        lines.append(json_line(entry))
    return "".join(line + "\n" for line in lines)


def put_text(emu: Emulator, location: str, text: str) -> None:
    """Write UTF-8 text to an OBS location (``/bucket/key`` or ``obs://bucket/key``)."""
    obs = require_obs(emu)
    bucket, key = normalize_obs(location, "path")
    obs.put(bucket, key, text.encode("utf-8"))


# ---- versions ----------------------------------------------------------------------------------------------------
VERSION_OUTCOMES: dict[str, tuple[float, int | None]] = {"success": (3.0, 1), "fail": (3.0, 4), "stuck": (3.0, None),
                                                         "slow": (30.0, 1)}


def render_version(emu: Emulator, ds: dict[str, Any], version: dict[str, Any]) -> dict[str, Any]:
    """The API view of a dataset version."""
    out = public(version)
    status = status_of(emu, version)
    out["status"] = status
    out["is_current"] = ds["_current_version_id"] == version["version_id"]
    out["message"] = version["_error"] if status == 4 else ""
    return out


def get_version(req: Request, ds: dict[str, Any]) -> dict[str, Any]:
    version = ds["_versions"].get(req.params["version_id"])
    if version is None:
        raise ApiError(400, "ModelArts.4353", f"Dataset version does not exist: {req.params['version_id']}.")
    return version


def publish_version(emu: Emulator, ds: dict[str, Any], version: dict[str, Any]) -> None:
    """Side effect of a successful publish: write the manifest to OBS and make the version current.

    An OBS failure turns the version to status 4 with the error in ``message``.
    """
    if emu.obs is not None:
        try:
            put_text(emu, version["manifest_path"], manifest_lines(ds, version["_samples"]))
        except Exception as exc:  # the store's errors end the publish like the real service's
            version["_life"] = Lifecycle([], 4, emu.clock.now())
            version["_error"] = f"Dataset publish version failed (ModelArts.4712): {exc}"
            return
    ds["_current_version_id"] = version["version_id"]
    version["update_time"] = now_ms(emu)


def check_publish_allowed(emu: Emulator, ds: dict[str, Any]) -> None:
    """400 ``ModelArts.4370`` when a version of this dataset was created less than an emulated minute ago."""
    last = ds["_last_publish"]
    if last is not None and emu.clock.now() - last < 60.0:
        raise ApiError(400, "ModelArts.4370",
                       "One dataset version can be released in a minute, please try again later.")


def version_name(ds: dict[str, Any], body: dict[str, Any]) -> str:
    """The validated ``version_name`` (``V001``, ``V002`` ... when absent); 400 ``ModelArts.4371`` when taken."""
    name = body.get("version_name")
    name = check_name(name, "version_name", name_rule(32)) if name is not None else f"V{ds['_next_version_num']:03d}"
    if any(v["version_name"] == name for v in ds["_versions"].values()):
        raise ApiError(400, "ModelArts.4371", f"Dataset version already exists: {name}.")
    return name


def version_record(emu: Emulator, ds: dict[str, Any], body: dict[str, Any], name: str,
                   outcome: str) -> dict[str, Any]:
    """Validate the rest of a create-version body and build the version record (not yet stored).

    :param emu: the emulator.
    :param ds: the dataset.
    :param body: the create body.
    :param name: the validated version name.
    :param outcome: scripted outcome (``success``, ``fail``, ``stuck``, ``slow``).
    """
    task_id = body.get("label_task_id")
    if task_id is not None and task_id not in ds["_workforce"]:
        raise ApiError(400, "ModelArts.4619", f"Workforce task does not exist: {task_id}.")
    version_format = body.get("version_format") or "Default"
    if version_format not in ("Default", "CarbonData", "CSV"):
        raise bad_request(f"Invalid parameter version_format: {version_format!r}.")
    ratio = str(body.get("train_evaluate_sample_ratio") or "1.00")
    samples = [dict(s) for s in ds["_samples"].values()]
    total, labelled = sample_counts(samples)
    duration, final = VERSION_OUTCOMES.get(outcome, VERSION_OUTCOMES["success"])
    folder = f"{ds['inner_annotation_path']}{name}/"
    created = now_ms(emu)
    return {
        "version_id": emu.new_id(19), "version_name": name, "version_format": version_format,
        "description": check_description(body.get("description"), forbidden=VERSION_DESCRIPTION_FORBIDDEN),
        "previous_version_id": ds["_current_version_id"]
        or "", "create_time": created, "update_time": created, "total_sample_count": total,
        "annotated_sample_count": labelled, "total_sub_sample_count": 0, "annotated_sub_sample_count": 0,
        "manifest_path": f"{folder}{name}.manifest", "data_path": f"{folder}data/",
        "task_type": body.get("label_task_type", ds["dataset_type"]),
        "train_evaluate_sample_ratio": ratio, "clear_hard_property": check_bool(body, "clear_hard_property", True),
        "remove_sample_usage": check_bool(body, "remove_sample_usage", True),
        "export_images": check_bool(body, "export_images", False), "label_stats": label_stats(samples),
        "label_type": "multi" if any(len(s["labels"]) > 1 for s in samples) else "single",
        "_life": Lifecycle([(0, duration)], final, emu.clock.now()), "_samples": samples,
        "_error": "Dataset publish version failed (ModelArts.4712)." if outcome == "fail" else "",
    }


def label_stats(samples: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per-label ``count`` and ``sample_count`` over ``samples``."""
    stats: dict[str, dict[str, Any]] = {}
    for sample in samples:
        for name in {lab["name"] for lab in sample["labels"]}:
            entry = stats.setdefault(name, {"name": name, "count": 0, "sample_count": 0})
            entry["sample_count"] += 1
        for lab in sample["labels"]:
            stats[lab["name"]]["count"] += 1
    return list(stats.values())


# ---- handlers: datasets ------------------------------------------------------------------------------------------
def list_datasets(req: Request, emu: Emulator) -> Response:
    """``GET /v2/{p}/datasets``: filters, sort and page-index paging; ``{datasets, total_number}``."""
    assert req.project_id is not None
    sort_by = req.query("sort_by") or "create_time"
    order = req.query("order") or "desc"
    if sort_by not in ("create_time", "dataset_name") or order not in ("asc", "desc"):
        raise bad_request(f"Invalid parameter sort_by/order: {sort_by!r}/{order!r}.")
    items = list(datasets_of(emu, req.project_id).values())
    dataset_type = req.query("dataset_type")
    if dataset_type:
        wanted = req.query_int("dataset_type", 0)
        items = [d for d in items if d["dataset_type"] == wanted]
    search = (req.query("search_content") or "").lower()
    if search:
        items = [d for d in items if search in d["dataset_name"].lower()]
    if bool_query(req, "support_export"):
        items = [d for d in items if d["dataset_type"] in EXPORTABLE_TYPES]
    items.sort(key=lambda d: (d[sort_by], d["create_time"]), reverse=order == "desc")
    with_labels = bool_query(req, "with_labels")
    selected = page(items, req)
    for ds in selected:
        settle_dataset(emu, ds)
    return Response(200, {"datasets": [render_dataset(emu, d, with_labels=with_labels) for d in selected],
                          "total_number": len(items)})


def create_dataset(req: Request, emu: Emulator) -> Response:
    """``POST /v2/{p}/datasets``: 201 ``{dataset_id}`` (plus ``import_task_id`` when data_sources is imported)."""
    assert req.project_id is not None
    body = req.json_object()
    ds = new_dataset(emu, req.project_id, body, lambda name: outcome_for(req, emu, "dataset", name))
    answer: dict[str, Any] = {"dataset_id": ds["dataset_id"]}
    source = next((s for s in ds["data_sources"] if s["data_type"] == 0 and s.get("data_path")), None)
    table_without_data = ds["dataset_type"] == 400 and not ds["import_data"]  # import_data: tables only, off
    if source is not None and emu.obs is not None and ds["_life"].final == 1 and not table_without_data \
            and has_objects(emu, source):
        from airflow_provider_modelarts.emulator.resources import dataset_tasks

        import_body = {"import_path": source["data_path"], "import_type": "dir",
                       "import_annotations": check_bool(body, "import_annotations", True)}
        try:
            task = dataset_tasks.start_import(req, emu, ds, import_body)
        except ApiError:  # a type without directory import: the data source is recorded, not imported
            return Response(201, answer)
        ds["_import_task_id"] = task["task_id"]
        answer["import_task_id"] = task["task_id"]
    return Response(201, answer)


def has_objects(emu: Emulator, source: dict[str, Any]) -> bool:
    """Whether the OBS folder of a data source holds at least one object (an empty one has nothing to sync)."""
    bucket, key = normalize_obs(source["data_path"], "data_sources.data_path")
    prefix = key if not key or key.endswith("/") else key + "/"
    try:
        return any(not k.endswith("/") for k in emu.obs.list(bucket, prefix))
    except Exception:  # a missing bucket: the import task reports it (ModelArts.4314)
        return True


def show_dataset(req: Request, emu: Emulator) -> Response:
    """``GET /v2/{p}/datasets/{dataset_id}``."""
    return Response(200, render_dataset(emu, get_dataset(req, emu), detail=True))


def update_dataset(req: Request, emu: Emulator) -> Response:
    """``PUT /v2/{p}/datasets/{dataset_id}``: name, description, current version, labels; ``{dataset_id}``."""
    ds = get_dataset(req, emu)
    body = req.json_object()
    if "dataset_name" in body:
        name = check_name(body["dataset_name"], "dataset_name", name_rule(100))
        assert req.project_id is not None
        if any(d["dataset_name"] == name and d is not ds for d in datasets_of(emu, req.project_id).values()):
            raise ApiError(400, "ModelArts.4351", f"Dataset already exists: {name}.")
        ds["dataset_name"] = name
    if "description" in body:
        ds["description"] = check_description(body["description"])
    if body.get("current_version_id"):
        version = ds["_versions"].get(body["current_version_id"])
        if version is None or status_of(emu, version) != 1:
            raise ApiError(400, "ModelArts.4353", f"Dataset version does not exist: {body['current_version_id']}.")
        ds["_current_version_id"] = version["version_id"]
    update_labels(ds, body)
    ds["update_time"] = now_ms(emu)
    return Response(200, {"dataset_id": ds["dataset_id"]})


def update_labels(ds: dict[str, Any], body: dict[str, Any]) -> None:
    """Apply ``add_labels`` (4411 on duplicates), ``update_labels`` and ``delete_labels`` (4410 when unknown)."""
    names = {lab["name"]: lab for lab in ds["labels"]}
    for lab in check_labels(body.get("add_labels"), "add_labels", ds["dataset_type"]):
        if lab["name"] in names:
            raise ApiError(400, "ModelArts.4411", f"Label already exists: {lab['name']}.")
        ds["labels"].append(lab)
        names[lab["name"]] = lab
    for field in ("update_labels", "delete_labels"):
        for lab in check_labels(body.get(field), field, ds["dataset_type"]):
            if lab["name"] not in names:
                raise ApiError(400, "ModelArts.4410", f"Label not found: {lab['name']}.")
            if field == "update_labels":
                names[lab["name"]]["property"].update(lab["property"])
            else:
                ds["labels"].remove(names.pop(lab["name"]))


def delete_dataset(req: Request, emu: Emulator) -> Response:
    """``DELETE /v2/{p}/datasets/{dataset_id}``: 204, the dataset and everything inside it disappear."""
    ds = get_dataset(req, emu)
    assert req.project_id is not None
    del datasets_of(emu, req.project_id)[ds["dataset_id"]]
    return Response(204)


# ---- handlers: versions ------------------------------------------------------------------------------------------
def list_versions(req: Request, emu: Emulator) -> Response:
    """``GET .../versions``: optional ``status`` filter, newest first; ``{versions, total_number}``."""
    ds = get_dataset(req, emu)
    versions = [render_version(emu, ds, v) for v in reversed(ds["_versions"].values())]
    if req.query("status"):
        wanted = req.query_int("status", 0, lo=0, hi=4)
        versions = [v for v in versions if v["status"] == wanted]
    return Response(200, {"versions": page(versions, req, max_size=1000), "total_number": len(versions)})


def create_version(req: Request, emu: Emulator) -> Response:
    """``POST .../versions``: 201 ``{version_id}``; one publish per emulated minute (``ModelArts.4370``)."""
    ds = get_dataset(req, emu)
    body = req.json_object()
    check_publish_allowed(emu, ds)
    name = version_name(ds, body)
    check_description(body.get("description"), forbidden=VERSION_DESCRIPTION_FORBIDDEN)
    outcome = outcome_for(req, emu, "dataset_version", f"{ds['dataset_name']}/{name}")
    version = version_record(emu, ds, body, name, outcome)
    ds["_versions"][version["version_id"]] = version
    ds["_next_version_num"] += 1
    ds["_last_publish"] = emu.clock.now()
    if version["_life"].final == 1:
        version["_apply"] = lambda: publish_version(emu, ds, version)
    return Response(201, {"version_id": version["version_id"]})


def show_version(req: Request, emu: Emulator) -> Response:
    """``GET .../versions/{version_id}``."""
    ds = get_dataset(req, emu)
    return Response(200, render_version(emu, ds, get_version(req, ds)))


def delete_version(req: Request, emu: Emulator) -> Response:
    """``DELETE .../versions/{version_id}``: 204; the current version falls back to the newest published one."""
    ds = get_dataset(req, emu)
    version = get_version(req, ds)
    del ds["_versions"][version["version_id"]]
    if ds["_current_version_id"] == version["version_id"]:
        normal = [v for v in ds["_versions"].values() if status_of(emu, v) == 1]
        ds["_current_version_id"] = normal[-1]["version_id"] if normal else None
    return Response(204)


# ---- handlers: samples -------------------------------------------------------------------------------------------
def render_sample(sample: dict[str, Any]) -> dict[str, Any]:
    return public(sample)


def list_samples(req: Request, emu: Emulator) -> Response:
    """``GET .../data-annotations/samples``: ``sample_state``/``label_name`` filters, page-index paging."""
    ds = get_dataset(req, emu)
    if ds["dataset_type"] == 400:
        raise ApiError(501, "ModelArts.4383", "Unsupported operation, dataset type is 400 (table).")
    samples = list(ds["_samples"].values())
    if req.query("version_id"):
        version = ds["_versions"].get(req.query("version_id"))
        if version is None:
            raise ApiError(400, "ModelArts.4353", f"Dataset version does not exist: {req.query('version_id')}.")
        samples = version["_samples"]
    state = req.query("sample_state")
    if state:
        samples = [s for s in samples if s["sample_status"] == state]
    label_name = req.query("label_name")
    if label_name:
        samples = [s for s in samples if any(lab["name"] == label_name for lab in s["labels"])]
    if (req.query("order") or "desc") == "desc":
        samples = list(reversed(samples))
    return Response(200, {"sample_count": len(samples), "samples": [render_sample(s) for s in page(samples, req)]})


def show_sample(req: Request, emu: Emulator) -> Response:
    """``GET .../data-annotations/samples/{sample_id}``; unknown id -> 400 ``ModelArts.4420``."""
    ds = get_dataset(req, emu)
    sample = ds["_samples"].get(req.params["sample_id"])
    if sample is None:
        raise ApiError(400, "ModelArts.4420", f"Sample not found: {req.params['sample_id']}.")
    return Response(200, render_sample(sample))


def delete_samples(req: Request, emu: Emulator) -> Response:
    """``POST .../data-annotations/samples/delete``: ``{samples, delete_source}`` -> ``{success, results}``."""
    ds = get_dataset(req, emu)
    body = req.json_object()
    ids = body.get("samples")
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
        raise bad_request("Invalid parameter samples: a non-empty array of sample ids is required.")
    delete_source = check_bool(body, "delete_source", False)
    results = [delete_one_sample(emu, ds, sample_id, delete_source) for sample_id in ids]
    answer: dict[str, Any] = {"success": all(r["success"] for r in results), "results": results}
    if not answer["success"]:
        answer.update({"error_code": "ModelArts.4424", "error_msg": "Delete sample failed."})
    return Response(200, answer)


def delete_one_sample(emu: Emulator, ds: dict[str, Any], sample_id: str, delete_source: bool) -> dict[str, Any]:
    """Delete one sample (and its OBS object when ``delete_source``); the per-sample result item."""
    sample = ds["_samples"].pop(sample_id, None)
    if sample is None:
        return {"success": False, "error_code": "ModelArts.4420", "error_msg": f"Sample not found: {sample_id}."}
    ds["_deleted_samples"] += 1
    if delete_source and emu.obs is not None:
        bucket, key = normalize_obs(sample["source"], "source")
        emu.obs.delete(bucket, key)
    return {"success": True}


ONE = BASE + "/{dataset_id}"
SAMPLES = ONE + "/data-annotations/samples"
ROUTES: list[RouteSpec] = [
    *resource_routes(BASE, ONE, list=list_datasets, create=create_dataset, get=show_dataset, update=update_dataset,
                     delete=delete_dataset),
    *resource_routes(ONE + "/versions", ONE + "/versions/{version_id}", list_versions=list_versions,
                     create_version=create_version, get_version=show_version, delete_version=delete_version),
    ("POST", SAMPLES + "/delete", "delete_samples", delete_samples),
    *resource_routes(SAMPLES, SAMPLES + "/{sample_id}", list_samples=list_samples, get_sample=show_sample),
]


def register(router: Router) -> None:
    """Register the dataset, version and sample routes (kinds ``datasets.<op>``)."""
    add_routes(router, "datasets", ROUTES)
