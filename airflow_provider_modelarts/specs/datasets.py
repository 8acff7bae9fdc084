"""Data management request bodies (SDK reference §7): datasets, import and export tasks, versions, labeling tasks,
dataset updates and sample deletions, built from the operators' arguments (pure: no Airflow, no request).

Each builder collects every problem of its arguments (its own checks and the JSON Schema's) and raises one
:class:`~airflow_provider_modelarts.specs.SpecError` listing them; a path is normalised to the ``/bucket/key``
form the dataset APIs take by :func:`~airflow_provider_modelarts.client.obs_paths.to_slash_path`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from airflow_provider_modelarts.client.obs_paths import same_obs, to_obs_url, to_slash_path
from airflow_provider_modelarts.client.states import RUNNING, classify
from airflow_provider_modelarts.schemas import argument_names, coerce_numbers, validate
from airflow_provider_modelarts.schemas import problems as schema_problems
from airflow_provider_modelarts.specs import SpecError

#: SDK ``data_type`` (create a dataset by data type, SDK reference §7.1.2 table 7-2) -> the documented
#: ``dataset_type`` sent instead: the OTC create table (creating_a_dataset.txt) has no ``data_type`` field, so a
#: dataset "by data type" is created as the base labeling type of that data (docs/api-decisions.md).
#: the arguments of the dataset create and of the version publish: the properties of their schemas
DATASET_ARGS = argument_names("dataset")
VERSION_ARGS = argument_names("dataset_version")
DATA_TYPE_CODES = {"IMAGE": 0, "TEXT": 100, "AUDIO": 200, "TABLE": 400, "VIDEO": 600, "PLAIN": 900}
DATA_TYPES = tuple(DATA_TYPE_CODES)
#: Import modes per dataset type (SDK reference §7.4.2 table 7-19; the OTC import page names the same directory
#: types): directory import for image classification, object detection, image segmentation, text classification,
#: sound classification and table; manifest import for every type but table. Free format (900) is in neither
#: column: manifest import is kept for it (nothing forbids it and it is how an exported 900 dataset comes back).
DIR_IMPORT_TYPES = (0, 1, 3, 100, 200, 400)
NO_MANIFEST_IMPORT_TYPES = (400,)
DATASET_TYPE_NAMES = {0: "image classification", 1: "object detection", 3: "image segmentation",
                      100: "text classification", 101: "named entity", 102: "text triplet",
                      200: "sound classification", 201: "speech content", 202: "speech segmentation", 400: "table",
                      600: "video", 900: "free format"}
#: Dataset types ModelArts can export (SDK reference 7.5.2).
EXPORTABLE_TYPES = (0, 1, 3, 900)
#: Annotation scene -> accepted format names (SDK reference table 7-5).
ANNOTATION_FORMATS = {
    "image_classification": ("ModelArts imageNet 1.0", "ModelArts image classification 1.0"),
    "object_detection": ("ModelArts PASCAL VOC 1.0", "YOLO"),
    "text_classification": ("ModelArts text classification 1.0", "ModelArts text classification combine 1.0"),
    "audio_classification": ("ModelArts audio classification dir 1.0",),
}
#: Import task ``import_type`` in the answer (querying_details_about_a_dataset_import_task.txt) by request value.
IMPORT_TYPE_CODES = {"dir": 0, "manifest": 1}
#: Dataset names (create and update).
DATASET_NAME = re.compile(r"^[A-Za-z0-9_-]{1,100}$")
#: Characters a dataset description may not contain (the dataset update).
DESCRIPTION_FORBIDDEN = frozenset("^!<>=&\"'")
#: What the schema checks in place of a required path the builder already reported (missing or not an OBS path),
#: so that the field is reported once.
_REPORTED_FOLDER = "/bucket/reported/"


# ---- helpers ---------------------------------------------------------------------------------------------------
def clean(values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` without the arguments left empty (None, ``""``, ``[]``, ``{}``).

    :param values: argument name -> value.
    """
    return {k: v for k, v in values.items() if v is not None and v != "" and v != [] and v != {}}


def label_objects(labels: Any) -> list[dict[str, Any]]:
    """Label names or ``{name, type, property}`` objects as the REST label objects.

    :param labels: a list of names and/or label mappings, or None.
    """
    return [{"name": lab} if isinstance(lab, str) else dict(lab) for lab in labels or []]


def _slash_path(value: Any, field: str, *, folder: bool) -> tuple[str | None, list[str]]:
    """``value`` in the ``/bucket/key`` form and no problem, or None and the problem naming ``field``."""
    try:
        return to_slash_path(value, folder=folder), []
    except (ValueError, TypeError) as exc:
        return None, [f"{field}: {exc} (fix: an OBS path such as obs://bucket/dir/)"]


def _normalize_path(values: dict[str, Any], key: str, field: str, *, folder: bool) -> list[str]:
    """Normalise ``values[key]`` in place to ``/bucket/key``; the problem (and the key removed) when invalid."""
    if values.get(key) is None:
        return []
    path, found = _slash_path(values[key], field, folder=folder)
    if path is None:
        del values[key]
    else:
        values[key] = path
    return found


def _with_schema_problems(values: Mapping[str, Any], schema: str, found: list[str],
                          reported_paths: Iterable[str] = ()) -> list[str]:
    """``found`` (the builder's own problems) and the schema's problems of ``values``; a path of
    ``reported_paths`` absent from ``values`` was reported in ``found`` and is not reported again."""
    stand_ins = {key: _REPORTED_FOLDER for key in reported_paths if key not in values}
    return [*found, *schema_problems({**values, **stand_ins}, schema)]


def _annotation(config: Any) -> tuple[dict[str, Any], list[str]]:
    """The import-body fields of an ``annotation_config`` and the problems found (see :func:`annotation_fields`)."""
    if config is None:
        return {"import_annotations": False}, []
    if not isinstance(config, Mapping):  # the schema reports it
        return {}, []
    scene, fmt = config.get("scene"), config.get("format_name")
    if bool(scene) != bool(fmt):
        return {}, ["annotation_config: scene and format_name go together (fix: give both, or pass {} to import "
                    "the labels of a manifest)"]
    if isinstance(scene, str) and scene in ANNOTATION_FORMATS and fmt not in ANNOTATION_FORMATS[scene]:
        return {}, [f"annotation_config.format_name: {fmt!r} is not a format of scene {scene!r} (fix: one of "
                    f"{', '.join(ANNOTATION_FORMATS[scene])})"]
    params = dict(config.get("parameters") or {})
    out: dict[str, Any] = {"import_annotations": True}
    if params.get("included_labels"):
        out["included_labels"] = label_objects(params["included_labels"])
    if "difficult_only" in params:
        out["difficult_only"] = params["difficult_only"]
    label_format = clean({"text_sample_separator": params.get("sample_label_separator"),
                          "text_label_separator": params.get("label_separator")})
    if label_format:
        out["label_format"] = label_format
    return out, []


def annotation_fields(config: Mapping[str, Any] | None, *, what: str) -> dict[str, Any]:
    """The import-body fields of an SDK ``annotation_config`` (table 7-5).

    ``None``: labels are not imported. ``{}``: labels in a manifest are imported. ``{scene, format_name,
    parameters}``: labels in that format are imported; ``parameters.included_labels`` -> ``included_labels``,
    ``difficult_only``, and the separators -> ``label_format``. ``scene``/``format_name`` are validated here and
    not sent: the OTC create and import tables (creating_a_dataset.txt, creating_an_import_task.txt) have no field
    for them (docs/api-decisions.md).

    :param config: the annotation config, or None.
    :param what: what is validated, for the message.
    :raises SpecError: scene and format_name do not fit together (an unknown scene is reported by the schemas
        the builders check).
    """
    fields, found = _annotation(config)
    if found:
        raise SpecError(what, found)
    return fields


# ---- datasets ----------------------------------------------------------------------------------------------------
def _data_sources(value: Any) -> tuple[list[dict[str, Any]], list[str]]:
    """SDK ``{type, path, ...}`` (or a list of one, or a path) -> REST ``[{data_type, data_path, ...}]``, and the
    problems of their OBS paths (an invalid ``data_path`` is left out)."""
    if value in (None, "", [], {}):
        return [], []
    items = [value] if isinstance(value, (Mapping, str)) else list(value)
    out, found = [], []
    for item in items:
        source = {"path": item} if isinstance(item, str) else dict(item)
        if "type" in source:
            source["data_type"] = source.pop("type")
        if "path" in source:
            source["data_path"] = source.pop("path")
        source = coerce_numbers(source, integer_fields=("data_type",))
        if source.get("data_type", 0) == 0 and source.get("data_path"):
            found += _normalize_path(source, "data_path", "data_sources.path",
                                     folder=not str(source["data_path"]).endswith(".manifest"))
        out.append(source)
    return out, found


def _dataset_rule_problems(values: Mapping[str, Any]) -> list[str]:
    """Rules JSON Schema cannot say: tables need with_column_header, triplets need relation labels, the work
    path is outside the input path, AI Gallery sources need content_info."""
    found = []
    table = values.get("dataset_type") == 400 or values.get("data_type") == "TABLE"
    sources = [s for s in values.get("data_sources") or [] if isinstance(s, Mapping)]
    if table and sources and "with_column_header" not in sources[0]:
        found.append("data_sources.with_column_header: required for table datasets (fix: True when the first row "
                     "is the header)")
    if values.get("dataset_type") == 102:
        labels = [lab for lab in values.get("labels") or [] if isinstance(lab, Mapping)]
        names = {lab.get("name") for lab in labels}
        relations = [lab for lab in labels if lab.get("type") == 102]
        if not relations:
            found.append("labels: a text triplet dataset needs entity labels (type 101) and relation labels "
                         "(type 102)")
        for lab in relations:
            prop = lab.get("property") or {}
            for key in ("@modelarts:from_type", "@modelarts:to_type"):
                if prop.get(key) not in names:
                    found.append(f"labels[{lab.get('name')}].property.{key}: must name an entity label "
                                 f"(got {prop.get(key)!r})")
    work = str(values.get("work_path") or "")
    for source in sources:
        path = source.get("data_path") or ""
        if source.get("data_type", 0) == 0 and path and work and work.startswith(str(path).rstrip("/") + "/"):
            found.append("work_path: must not be the input path or inside it (fix: another folder)")
        if source.get("data_type") == 5 and not source.get("content_info"):
            found.append("data_sources.content_info: required for AI Gallery sources (type 5)")
    return found


def build_dataset_body(args: Mapping[str, Any], *, name: str) -> dict[str, Any]:
    """Validate ``create_dataset`` arguments (SDK reference 7.1.2) and build the REST body.

    :param args: the operator's arguments (``dataset_name``, ``data_type`` or ``dataset_type``, ``work_path``,
        ``data_sources``, ``labels``, ``schema``, ``description`` ...).
    :param name: the dataset name when ``dataset_name`` is not given.
    :raises SpecError: listing every problem, each naming the field and the fix.
    """
    what = "dataset arguments"
    values = coerce_numbers(clean(args), integer_fields=("dataset_type",))
    values.setdefault("dataset_name", name)
    if isinstance(values.get("data_type"), str):
        values["data_type"] = values["data_type"].upper()
    found = [] if ("data_type" in values) != ("dataset_type" in values) else [
        "data_type / dataset_type: give exactly one (fix: data_type='IMAGE' to create by data type, or "
        "dataset_type=0 for an image classification dataset)"]
    work = values.get("work_path")
    if isinstance(work, Mapping):
        if work.get("type", 0) not in (0, "0"):
            found.append("work_path.type: only 0 (OBS) is supported")
        values["work_path"] = work = work.get("path")
    if work is None:
        values.pop("work_path", None)
        found.append("work_path: required (fix: an OBS folder such as obs://bucket/work/)")
    else:
        found += _normalize_path(values, "work_path", "work_path", folder=True)
    sources, source_problems = _data_sources(values.pop("data_sources", None))
    found += source_problems
    if sources:
        values["data_sources"] = sources
    else:  # Mandatory in the OTC api-ref (creating_a_dataset.txt) and SDK reference §7.1.2 table 7-2
        found.append("data_sources: required (fix: the OBS folder the dataset takes its data from, e.g. "
                     "{'type': 0, 'path': 'obs://bucket/data/'}; an empty folder is fine when the data is "
                     "imported later)")
    configs = [s["annotation_config"] for s in sources if "annotation_config" in s]
    annotation = [_annotation(config) for config in configs[:1]]
    found += [problem for _, config_problems in annotation for problem in config_problems]
    found = _with_schema_problems(values, "dataset", found, reported_paths=("work_path",))
    found += _dataset_rule_problems(values)
    if found:
        raise SpecError(what, found)
    body = {k: v for k, v in values.items() if k not in ("data_sources", "data_type")}
    if "data_type" in values:
        body["dataset_type"] = DATA_TYPE_CODES[values["data_type"]]
    body["work_path_type"] = 0
    for source in sources:
        source.pop("annotation_config", None)
    body["data_sources"] = sources
    if annotation and "import_annotations" not in body:
        body["import_annotations"] = annotation[0][0]["import_annotations"]
    return body


def build_dataset_update_body(args: Mapping[str, Any]) -> dict[str, Any]:
    """Validate dataset update arguments and build the ``PUT .../datasets/{dataset_id}`` body.

    :param args: ``dataset_id`` and any of ``dataset_name``, ``description``, ``current_version_id``,
        ``add_labels``, ``update_labels``, ``delete_labels``.
    :raises SpecError: listing every problem.
    """
    found = []
    name, description = args.get("dataset_name"), args.get("description")
    if not args.get("dataset_id"):
        found.append("dataset_id: required")
    if name is not None and not DATASET_NAME.match(str(name)):
        found.append("dataset_name: 1-100 letters, digits, '_' or '-'")
    if description is not None and (len(description) > 256 or set(description) & DESCRIPTION_FORBIDDEN):
        found.append("description: 0-256 characters without ^ ! < > = & \" '")
    body = clean({"dataset_name": name, "description": description,
                  "current_version_id": args.get("current_version_id"),
                  **{k: label_objects(args.get(k)) for k in ("add_labels", "update_labels", "delete_labels")}})
    if description == "":
        body["description"] = ""
    if not body and not found:
        found.append("nothing to update (fix: give dataset_name, description, current_version_id or labels)")
    if found:
        raise SpecError("dataset update arguments", found)
    return body


# ---- import and export tasks -------------------------------------------------------------------------------------
def build_import_body(args: Mapping[str, Any]) -> dict[str, Any]:
    """Validate ``import_data`` arguments (SDK reference 7.4.2) and build the REST body.

    :param args: the operator's arguments (``dataset_id``, ``import_path``, ``import_type``,
        ``annotation_config``, ``import_annotations``, ``included_labels`` ...).
    :raises SpecError: listing every problem, each naming the field and the fix.
    """
    what = "import arguments"
    values = clean({k: v for k, v in args.items() if k not in ("annotation_config", "import_annotations")})
    values["annotation_config"] = args.get("annotation_config")
    found = []
    path = values.get("import_path")
    kind = values.get("import_type") or ("manifest" if str(path or "").endswith(".manifest") else "dir")
    if path is None:
        found.append("import_path: required (fix: an OBS folder or the exact .manifest file)")
    found += _normalize_path(values, "import_path", "import_path", folder=kind == "dir")
    annotation, annotation_problems = _annotation(values["annotation_config"])
    found = _with_schema_problems(values, "import_task", [*found, *annotation_problems],
                                      reported_paths=("import_path",))
    if kind == "manifest" and str(values.get("import_path") or "").endswith("/"):
        found.append("import_path: a manifest import needs the exact manifest file, not a folder")
    if found:
        raise SpecError(what, found)
    body = {k: v for k, v in values.items() if k not in ("dataset_id", "annotation_config")}
    body["import_type"] = kind
    body.update(annotation)
    if args.get("import_annotations") is not None:
        body["import_annotations"] = bool(args["import_annotations"])
    for key in ("included_labels", "excluded_labels"):
        if body.get(key):
            body[key] = label_objects(body[key])
    return body


def import_mode_problem(dataset_type: Any, import_type: str) -> str | None:
    """Why a dataset of ``dataset_type`` cannot take an import of ``import_type`` (SDK reference §7.4.2 table 7-19),
    or None when it can.

    :param dataset_type: the dataset's type code.
    :param import_type: ``dir`` or ``manifest``.
    """
    if dataset_type is None:  # not in the answer: nothing to check against, the service decides
        return None
    name = DATASET_TYPE_NAMES.get(dataset_type, dataset_type)
    if import_type == "dir" and dataset_type not in DIR_IMPORT_TYPES:
        return (f"a {name} dataset (type {dataset_type}) cannot import an OBS directory (SDK reference §7.4.2 table "
                "7-19: only image classification, object detection, image segmentation, text classification, sound "
                "classification and table datasets can); fix: import a manifest (import_type='manifest', e.g. one "
                "written by ModelArtsBuildManifestOperator)")
    if import_type == "manifest" and dataset_type in NO_MANIFEST_IMPORT_TYPES:
        return (f"a {name} dataset (type {dataset_type}) cannot import a manifest (SDK reference §7.4.2 table 7-19); "
                "fix: import the OBS directory of its CSV files")
    return None


def export_type_problem(dataset_type: Any) -> str | None:
    """What a dataset of ``dataset_type`` is when ModelArts cannot export it (SDK reference 7.5.2), or None.

    :param dataset_type: the dataset's type code.
    """
    if dataset_type in EXPORTABLE_TYPES:
        return None
    return (f"a {DATASET_TYPE_NAMES.get(dataset_type, dataset_type)} dataset (type {dataset_type}): ModelArts can "
            "export only image classification (0), object detection (1), image segmentation (3) and free format "
            "(900) datasets.")


def build_export_body(args: Mapping[str, Any]) -> dict[str, Any]:
    """Validate ``export_data`` arguments (SDK reference 7.5.2 and the REST body) and build the REST body.

    :param args: the operator's arguments (``dataset_id``, ``path``, ``export_type``, ``export_dest``,
        ``export_new_dataset_name``, ``export_new_dataset_work_path``, ``samples``, ``export_params`` ...).
    :raises SpecError: listing every problem, each naming the field and the fix.
    """
    what = "export arguments"
    values = coerce_numbers(clean(args), integer_fields=("export_type", "export_format"))
    found = []
    if values.get("path") is None:
        found.append("path: required (fix: an OBS folder such as obs://bucket/export/)")
    found += _normalize_path(values, "path", "path", folder=True)
    found += _normalize_path(values, "export_new_dataset_work_path", "new_dataset_work_path", folder=True)
    found = _with_schema_problems(values, "export_task", found, reported_paths=("path",))
    dest = values.get("export_dest") or "DIR"
    if dest == "NEW_DATASET" and not values.get("export_new_dataset_name"):
        found.append("new_dataset_name: required when export_dest is NEW_DATASET")
    if values.get("samples") and values.get("export_type", 2) != 3:
        found.append("samples: only with export_type=3 (conditional export)")
    if found:
        raise SpecError(what, found)
    params = dict(values.pop("export_params", None) or {})
    params["export_dest"] = dest
    for key in ("export_new_dataset_name", "export_new_dataset_work_path", "samples"):
        if key in values:
            params[key] = values.pop(key)
    values.pop("export_dest", None)
    body = {k: v for k, v in values.items() if k != "dataset_id"}
    body["export_params"] = params
    return body


# ---- versions, labeling tasks, samples, manifests --------------------------------------------------------------
def build_version_body(args: Mapping[str, Any]) -> dict[str, Any]:
    """Validate ``create_version`` arguments (SDK reference 7.2.2) and build the REST body.

    :param args: the operator's arguments (``dataset_id``, ``version_name``, ``train_evaluate_sample_ratio`` ...).
    :raises SpecError: listing every problem, each naming the field and the fix.
    """
    values = coerce_numbers(clean(args), integer_fields=("label_task_type",))
    if isinstance(values.get("train_evaluate_sample_ratio"), (int, float)):
        values["train_evaluate_sample_ratio"] = f"{values['train_evaluate_sample_ratio']:.2f}"
    validate(values, "dataset_version", what="dataset version arguments")
    return {k: v for k, v in values.items() if k != "dataset_id"}


def build_label_task_body(args: Mapping[str, Any]) -> dict[str, Any]:
    """Validate ``create_label_task`` arguments (SDK reference 7.7.1) and build the REST body (``task_type`` is
    sent as the SDK names it; the REST reference documents no such field).

    :param args: the operator's arguments (``dataset_id``, ``task_name``, ``task_type``, ``workforces_config`` ...).
    :raises SpecError: listing every problem, each naming the field and the fix.
    """
    values = coerce_numbers(clean(args), integer_fields=("task_type", "repetition", "data_sync_type"))
    validate(values, "dataset_label_task", what="labeling task arguments")
    return {k: v for k, v in values.items() if k != "dataset_id"}


def samples_to_delete(sample_ids: list[str] | str | None, *, sample_state: str | None = None,
                      label_name: str | None = None) -> list[str] | None:
    """The sample ids a delete names (a comma-separated string is split), or None when ``sample_state`` or
    ``label_name`` selects them.

    :param sample_ids: a list of ids, a comma-separated string of ids, or None.
    :param sample_state: the selection when ``sample_ids`` is None.
    :param label_name: the selection when ``sample_ids`` is None.
    :raises SpecError: no id and no selection, or ids that are not strings.
    """
    ids = sample_ids
    if isinstance(ids, str):
        ids = [i.strip() for i in ids.split(",") if i.strip()]
    if ids is None and not (sample_state or label_name):
        raise SpecError("delete-samples arguments", ["sample_ids: required (fix: a list of ids, or "
                                                     "sample_state/label_name to select them)"])
    if ids is not None and (not isinstance(ids, list) or not all(isinstance(i, str) and i for i in ids)):
        raise SpecError("delete-samples arguments", ["sample_ids: a list of sample id strings"])
    return ids


def manifest_file_problem(manifest_path: Any) -> str | None:
    """Why ``manifest_path`` cannot name a manifest file (SDK reference §7.6.1: any legal file name, but a file,
    not a folder), or None.

    :param manifest_path: ``obs://bucket/dir/name.manifest`` or a local path.
    """
    name = str(manifest_path or "").rstrip()
    if not name or name.endswith("/") or any(c in name for c in "\n\r\t"):
        return (f"manifest_path must name a file (obs://bucket/dir/name.manifest or a local path; any legal file "
                f"name, SDK reference §7.6.1), got {manifest_path!r}. A name not ending in .manifest is imported "
                "with import_type='manifest'.")
    return None


# ---- import and export tasks after the create: recognising them, their results -----------------------------------
#: Tolerated difference between this machine's clock and the service's ``create_time`` when a lost create reply
#: is looked for among the tasks created since it was sent.
CLOCK_SKEW_MS = 60_000


def same_import(task: Mapping[str, Any], body: Mapping[str, Any]) -> bool:
    """Whether a listed import task answers the import create ``body`` (same path and import type).

    :param task: an import task of the dataset's list.
    :param body: the create body sent.
    """
    return same_obs(task.get("import_path"), body["import_path"]) and task.get("import_type") in (
        None, IMPORT_TYPE_CODES.get(body.get("import_type", "dir")))


def same_export(task: Mapping[str, Any], body: Mapping[str, Any]) -> bool:
    """Whether a listed export task answers the export create ``body`` (path, type, version, destination).

    :param task: an export task of the dataset's list.
    :param body: the create body sent.
    """
    dest = (task.get("export_params") or {}).get("export_dest") or "DIR"
    return (same_obs(task.get("path"), body["path"]) and task.get("export_type", 2) == body.get("export_type", 2)
            and (task.get("version_id") or None) == (body.get("version_id") or None)
            and dest == body["export_params"].get("export_dest", "DIR"))


def task_of_request(kind: str, tasks: list[dict[str, Any]], body: Mapping[str, Any],
                    same: Callable[[Mapping[str, Any], Mapping[str, Any]], bool], *, sent_ms: int | None,
                    run_started_ms: int) -> dict[str, Any] | None:
    """The task a create ``body`` made: the newest one matching it (``same``) when it was created since the create
    was sent (after a lost reply), else (a retry) when it is running or was created during this DAG run.

    :param kind: ``import_task`` or ``export_task`` (its state table).
    :param tasks: the dataset's newest tasks, newest first (one page).
    :param body: the create body.
    :param same: :func:`same_import` or :func:`same_export`.
    :param sent_ms: when this try sent the create (epoch ms), or None (it did not).
    :param run_started_ms: when the DAG run started (epoch ms).
    """
    since = sent_ms - CLOCK_SKEW_MS if sent_ms is not None else run_started_ms
    task = next((t for t in tasks if same(t, body)), None)
    if task is not None and ((task.get("create_time") or 0) >= since
                             or (sent_ms is None and classify(kind, task).state == RUNNING)):
        return task
    return None


def import_result(ids: Mapping[str, Any], status: Any, summary: Mapping[str, Any], import_path: str) -> dict[str, Any]:
    """The import operator's return value from the finished task's summary.

    :param ids: ``{dataset_id, task_id}``.
    :param status: the task's status.
    :param summary: its summary.
    :param import_path: the path given (when the summary has none).
    """
    return {"dataset_id": ids["dataset_id"], "import_task_id": ids["task_id"], "status": status,
            "import_path": to_obs_url(str(summary.get("import_path") or import_path)),
            **{k: summary.get(k) for k in ("import_type", "total_sample_count", "imported_sample_count",
                                           "annotated_sample_count", "total_file_count", "finished_file_count")}}


def export_result(ids: Mapping[str, Any], status: Any, summary: Mapping[str, Any], path: str,
                  dataset_name: Any) -> dict[str, Any]:
    """The export operator's return value from the finished task's summary (``path`` a folder, ``manifest_path``
    the manifest the service wrote into it).

    :param ids: ``{dataset_id, task_id}``.
    :param status: the task's status.
    :param summary: its summary.
    :param path: the path given (when the summary has none).
    :param dataset_name: the exported dataset's name (the manifest's file name).
    """
    folder = to_obs_url(str(summary.get("path") or path))
    folder = folder if folder.endswith("/") else folder + "/"
    return {"dataset_id": ids["dataset_id"], "export_task_id": ids["task_id"], "status": status, "path": folder,
            "manifest_path": f"{folder}Data/{dataset_name}.manifest",
            **{k: summary.get(k) for k in ("export_type", "export_format", "version_id", "total_sample_count",
                                           "finished_sample_count")}}


def failed_samples(ids: list[str], answer: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The samples a bulk delete did not delete: ``[{sample_id, error_code, error_msg}]`` (its ``results`` are in
    the order of ``ids``; an answer without them deleted all).

    :param ids: the sample ids sent.
    :param answer: the delete's answer.
    """
    results = answer.get("results") or [{"success": True}] * len(ids)
    return [{"sample_id": i, "error_code": r.get("error_code"), "error_msg": r.get("error_msg")}
            for i, r in zip(ids, results, strict=False) if not r.get("success")]
