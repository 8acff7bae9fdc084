"""Legacy (v1) training: the SDK reference's ``Estimator`` arguments (9.1.1) -> the job, version, configuration
and visualization job bodies. Pure: no Airflow, no request; names still to resolve to ids (flavor, engine,
built-in algorithm) are returned as ``lookups`` for the operator to resolve with one listing call each.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any

from airflow_provider_modelarts.client.obs_paths import to_slash_path
from airflow_provider_modelarts.schemas import SpecError, coerce_numbers, problems
from airflow_provider_modelarts.specs.training import named_values

#: Estimator arguments (SDK reference 9.1.1) taken by the job, version and configuration operators.
V1_ESTIMATOR_ARGS = (
    "code_dir", "boot_file", "model_name", "framework_type", "framework_version", "user_image_url", "user_command",
    "hyperparameters", "output_path", "log_url", "inputs", "dataset_id", "dataset_version_id", "data_source",
    "train_instance_type", "train_instance_count", "pool_id", "volumes",
)
#: the Estimator arguments a new version takes (the versions create table has no ``volumes``)
V1_VERSION_ARGS = tuple(a for a in V1_ESTIMATOR_ARGS if a != "volumes")
#: the Estimator arguments a job configuration saves (its tables have neither ``pool_id`` nor ``volumes``)
V1_CONFIG_ARGS = tuple(a for a in V1_VERSION_ARGS if a != "pool_id")
NAME_MAX = 60  # room for a "-<n>" suffix within the 64 characters of a v1 job name
DESC_MAX = 256  # job_desc: "0 to 256 characters" (api-ref "Creating a Version of a Training Job", Table 2)
MARKER_RE = re.compile(r"\s*\[airflow-run:[0-9a-f]{12}\]$")
VIS_NAME_MAX = 17  # 20 characters for visualization job names
WHAT = "training job arguments"
VERSION_WHAT = "training job version arguments"
CONFIG_WHAT = "training job configuration arguments"
VISUALIZATION_WHAT = "visualization job arguments"


def as_id(value: Any) -> Any:
    """A numeric id rendered from a template (``"12"``) as an int; anything else unchanged.

    :param value: the rendered id argument.
    """
    return int(value) if isinstance(value, str) and value.strip().isdigit() else value


def own_entries(entries: list[dict[str, Any]], base: str) -> list[dict[str, Any]]:
    """The list entries named ``base`` or ``base-<n>`` (what the tries of one task instance create), newest first.

    :param entries: v1 job or visualization job list entries (``job_name``, ``job_id``, ``create_time``).
    :param base: the deterministic name of the task instance.
    """
    pattern = re.compile(rf"^{re.escape(base)}(-\d+)?$")
    own = [e for e in entries if pattern.match(str(e.get("job_name", "")))]
    return sorted(own, key=lambda e: (e.get("create_time") or 0, int(e.get("job_id") or 0)), reverse=True)


def next_free_name(base: str, entries: list[dict[str, Any]]) -> str:
    """``base-<n>`` with the smallest ``n`` >= 2 that no entry is named.

    :param base: the deterministic name of the task instance.
    :param entries: the list entries whose names are taken.
    """
    taken = {str(e.get("job_name")) for e in entries}
    return next(f"{base}-{n}" for n in range(2, 10_000) if f"{base}-{n}" not in taken)


def own_version(answer: Mapping[str, Any], marker: str, pre_version_id: int, stale: set[int]) -> int | None:
    """The newest version from ``pre_version_id`` that a task instance created, or None: it carries the run
    ``marker`` at the end of the job's description (the versions answer returns it), and is none of ``stale``.

    :param answer: the job's versions list answer (``job_desc``, ``versions``).
    :param marker: the task instance's run marker.
    :param pre_version_id: the version the new one starts from.
    :param stale: version ids to leave out (what earlier tries created).
    """
    if not str(answer.get("job_desc") or "").endswith(marker):
        return None
    own = [int(v["version_id"]) for v in answer.get("versions") or []
           if int(v.get("pre_version_id") or 0) == pre_version_id and int(v["version_id"]) not in stale]
    return max(own) if own else None


def source_problems(values: Mapping[str, Any], *, full: bool) -> list[str]:
    """One code source and one data source (exactly one each for a new job; at most one each otherwise).

    :param values: the given arguments (unset ones left out).
    :param full: a new job or configuration (the sources, output and flavor are required).
    """
    found = []
    code = [k for k in ("code_dir", "model_name", "user_image_url") if values.get(k)]
    data = [k for k in ("inputs", "dataset_id", "data_source") if values.get(k)]
    if len(code) > 1:
        found.append(f"{' and '.join(code)} exclude each other: give code_dir/boot_file (with framework_type and "
                     "framework_version), model_name (a built-in algorithm) or user_image_url/user_command.")
    if values.get("model_name") and values.get("framework_type"):
        found.append("model_name and framework_type exclude each other: a built-in algorithm brings its engine.")
    if len(data) > 1:
        found.append(f"{' and '.join(data)} exclude each other: give inputs (an OBS path), dataset_id + "
                     "dataset_version_id, or data_source.")
    if not full:
        return found
    if not code:
        found.append("code_dir/boot_file (with framework_type and framework_version), model_name or "
                     "user_image_url/user_command is required.")
    if values.get("code_dir") and not values.get("framework_type"):
        found.append("framework_type and framework_version are required with code_dir (the hook's list_engines_v1() "
                     "lists them).")
    if not data:
        found.append("inputs (an OBS path), dataset_id + dataset_version_id or data_source is required.")
    if not values.get("output_path"):
        found.append("output_path is required (an OBS folder like obs://bucket/output/).")
    if not (values.get("train_instance_type") or values.get("pool_id")):
        found.append("train_instance_type is required (a flavor code such as modelarts.vm.cpu.2u; the hook's "
                     "list_resource_specs_v1() lists them), or pool_id.")
    return found


def _normalised(args: Mapping[str, Any]) -> dict[str, Any]:
    values = coerce_numbers({k: v for k, v in args.items() if v not in (None, "", [], {})},
                            integer_fields=("train_instance_count", "pre_version_id"))
    if isinstance(values.get("train_instance_type"), str) and values["train_instance_type"].isdigit():
        values["train_instance_type"] = int(values["train_instance_type"])
    values["hyperparameters"] = named_values(values.get("hyperparameters"), "label")
    if not values["hyperparameters"]:
        del values["hyperparameters"]
    return values


def _paths(values: Mapping[str, Any], found: list[str]) -> dict[str, Any]:
    """The OBS fields of the config in the v1 ``/bucket/key`` form; a path that cannot be converted is a problem."""

    def slash(field: str, path: str) -> str:
        try:
            return to_slash_path(path)
        except ValueError as exc:
            found.append(f"{field}: {exc}")
            return path

    config: dict[str, Any] = {}
    if values.get("code_dir"):
        config["app_url"] = slash("code_dir", values["code_dir"])
        boot = str(values["boot_file"])
        config["boot_file_url"] = (slash("boot_file", boot) if boot.startswith(("obs://", "/"))
                                   else config["app_url"] + boot.lstrip("/"))
    if values.get("inputs"):
        config["data_url"] = slash("inputs", values["inputs"])
    if values.get("data_source"):
        config["data_source"] = [{**s, **({"data_url": slash("data_source", s["data_url"])} if s.get("data_url")
                                          else {})} for s in values["data_source"]]
    for arg, key in (("output_path", "train_url"), ("log_url", "log_url")):
        if values.get(arg):
            config[key] = slash(arg, values[arg])
    return config


def v1_config(args: Mapping[str, Any], overrides: Mapping[str, Any] | None = None, *,
                             full: bool = True) -> tuple[list[str], dict[str, Any], dict[str, Any]]:
    """The problems of the Estimator arguments and, when there are none, the v1 ``config`` they map to.

    :param args: the Estimator arguments (:data:`V1_ESTIMATOR_ARGS`; unset ones None).
    :param overrides: REST-shaped ``config`` fields merged over the result (``spec_id``, ``engine_id`` ...).
    :param full: a new job or configuration (every required source present); False for a new version, whose
        missing fields come from the previous version.
    :returns: ``(problems, config, lookups)``; ``lookups`` holds the names still to resolve remotely
        (``flavor``, ``engine``, ``model_name``).
    """
    values = _normalised(args)
    overrides = dict(overrides or {})
    found = problems(values, "training_job_v1")
    found += source_problems({**values, **({"code_dir": 1} if overrides.get("app_url") else {}),
                              **({"inputs": 1} if overrides.get("data_url") else {}),
                              **({"train_instance_type": 1} if overrides.get("spec_id") else {})}, full=full)
    if found:
        return found, {}, {}
    config: dict[str, Any] = {}
    lookups: dict[str, Any] = {}
    if "train_instance_count" in values or full:
        config["worker_server_num"] = values.get("train_instance_count", 1)
    if values.get("framework_type"):
        lookups["engine"] = [values["framework_type"], values["framework_version"]]
    if values.get("model_name"):
        lookups["model_name"] = values["model_name"]
    for key in ("user_image_url", "user_command", "pool_id", "volumes", "dataset_id", "dataset_version_id"):
        if values.get(key):
            config[key] = values[key]
    flavor = values.get("train_instance_type")
    if isinstance(flavor, int):
        config["spec_id"] = flavor
    elif flavor:
        lookups["flavor"] = flavor
    if values.get("hyperparameters"):
        config["parameter"] = [{"label": p["label"], "value": str(p["value"])} for p in values["hyperparameters"]]
    config.update(_paths(values, found))
    config.update(copy.deepcopy(overrides))
    return found, config, lookups


def _given(**fields: Any) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v not in (None, "")}


def job_body(args: Mapping[str, Any], job_config: Mapping[str, Any] | None, *, job_name: str,
             job_description: str | None) -> dict[str, Any]:
    """The ``POST /v1/{p}/training-jobs`` body (with its ``lookups``, left out of the request once resolved).

    :param args: the Estimator arguments (:data:`V1_ESTIMATOR_ARGS`; unset ones None).
    :param job_config: REST ``config`` fields merged over what the arguments produce.
    :param job_name: the job's name.
    :param job_description: its description, or None.
    :raises SpecError: listing every problem, before any remote call.
    """
    found = problems(_given(job_name=job_name, job_description=job_description), "training_job_v1")
    more, config, lookups = v1_config(args, job_config)
    if found + more:
        raise SpecError(WHAT, found + more)
    body: dict[str, Any] = {"job_name": job_name, "config": config, "lookups": lookups}
    if job_description:
        body["job_desc"] = job_description
    return body


def version_body(args: Mapping[str, Any], job_config: Mapping[str, Any] | None, *, pre_version_id: Any,
                 job_description: str | None, marker: str) -> dict[str, Any]:
    """The changes of a new version (``config`` and ``lookups``) and the version it starts from.

    :param args: the Estimator arguments given (unset ones None; ``volumes`` cannot be set on a version).
    :param job_config: REST ``config`` fields merged over what the arguments produce.
    :param pre_version_id: the version to start from (a rendered id).
    :param job_description: a new job description, or None.
    :param marker: the run marker the description will end with (:func:`run_marker` of the operator).
    :raises SpecError: listing every problem, before any remote call.
    """
    found = []
    if args.get("volumes"):
        found.append("volumes cannot be set on a new version: the versions create table (api-ref 'Creating a "
                     "Version of a Training Job', Table 3) has no volumes; set them on the job.")
    pre = as_id(pre_version_id)
    found += problems(_given(pre_version_id=pre, job_description=job_description), "training_job_v1")
    room = DESC_MAX - len(marker) - 1
    if job_description and len(job_description) > room:
        found.append(f"job_description: at most {room} characters on a new version (the {DESC_MAX} of job_desc "
                     f"less the run marker {marker}).")
    more, config, lookups = v1_config({**args, "volumes": None}, job_config, full=False)
    if found + more:
        raise SpecError(VERSION_WHAT, found + more)
    return {"config": config, "lookups": lookups, "pre_version_id": pre}


def marked_description(description: str, marker: str) -> str:
    """``description`` (an older run's marker removed, cut to fit) followed by ``marker``, within 256 characters.

    :param description: the job description wanted.
    :param marker: the run marker.
    """
    text = MARKER_RE.sub("", description)[: DESC_MAX - len(marker) - 1].rstrip()
    return f"{text} {marker}" if text else marker


def config_body(args: Mapping[str, Any], job_config: Mapping[str, Any] | None, *, config_name: str,
                config_description: str | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """The ``config`` of a training job configuration and its ``lookups``.

    :param args: the Estimator arguments (:data:`V1_ESTIMATOR_ARGS`; unset ones None).
    :param job_config: REST ``config`` fields merged over what the arguments produce.
    :param config_name: the configuration's name.
    :param config_description: its description, or None.
    :raises SpecError: listing every problem, before any remote call.
    """
    found = []
    unsupported = [a for a in ("pool_id", "volumes") if args.get(a)]
    if unsupported:  # the configuration tables (create and update, Table 2) have neither
        found.append(f"{' and '.join(unsupported)} cannot be saved in a configuration (api-ref 'Creating a "
                     "Training Job Configuration', Table 2); give them to the job.")
    found += problems(_given(config_name=config_name, config_description=config_description), "training_job_v1")
    more, config, lookups = v1_config(args, job_config)
    if found + more:
        raise SpecError(CONFIG_WHAT, found + more)
    return config, lookups


def visualization_body(*, train_url: str, job_name: str, job_description: str | None = None,
                       job_type: str | None = "tensorboard", flavor: str | None = None,
                       auto_stop_hours: int | None = None) -> dict[str, Any]:
    """The ``POST /v1/{p}/visualization-jobs`` body.

    :param train_url: the OBS folder with the event files (``obs://b/d/`` or ``/b/d/``).
    :param job_name: the job's name (1-20 characters).
    :param job_description: its description, or None.
    :param job_type: ``tensorboard`` or ``mindinsight``.
    :param flavor: a flavor code, or None.
    :param auto_stop_hours: stop it after 1-24 hours (0 or None: never).
    :raises SpecError: listing every problem, before any remote call.
    """
    args = _given(job_name=job_name, job_desc=job_description, train_url=train_url, job_type=job_type,
                  flavor=flavor, auto_stop_hours=auto_stop_hours)
    found = problems(args, "training_job_v1_visualization")
    if not found:
        try:
            args["train_url"] = to_slash_path(args["train_url"])
        except ValueError as exc:
            found.append(f"train_url: {exc}")
    if found:
        raise SpecError(VISUALIZATION_WHAT, found)
    body = {k: v for k, v in args.items() if k not in ("flavor", "auto_stop_hours")}
    if flavor:
        body["flavor"] = {"code": flavor}
    if auto_stop_hours:
        body["schedule"] = {"type": "stop", "time_unit": "HOURS", "duration": int(auto_stop_hours)}
    return body
