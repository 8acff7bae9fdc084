"""Legacy v1 training configuration: validation and rendering, shared by jobs, versions and job configs."""

from __future__ import annotations

from typing import Any

from airflow_provider_modelarts.emulator.resources.common import as_int
from airflow_provider_modelarts.emulator.resources.training_v1.base import OUTCOME_LABEL, lookup, v1_error
from airflow_provider_modelarts.emulator.resources.training_v1.catalog import BUILTIN_ALGORITHMS, ENGINES, SPECS

CONFIG_FIELDS = ("worker_server_num", "app_url", "boot_file_url", "model_id", "parameter", "data_url", "dataset_id",
                 "dataset_version_id", "data_source", "spec_id", "pool_id", "engine_id", "train_url", "log_url",
                 "user_image_url", "user_command", "volumes", "create_version")
DATA_FIELDS = ("data_url", "dataset_id", "dataset_version_id", "data_source")
CODE_FIELDS = ("app_url", "boot_file_url", "model_id")
STRING_FIELDS = ("app_url", "boot_file_url", "data_url", "dataset_id", "dataset_version_id", "pool_id", "train_url",
                 "log_url", "user_image_url", "user_command")


# ---- configuration validation (jobs, versions, configs) ----------------------------------------------------------
def _check_strings(cfg: dict[str, Any]) -> None:
    for field in STRING_FIELDS:
        if field in cfg and not isinstance(cfg[field], str):
            raise v1_error(f"Invalid parameter {field}: it must be a string.")


def _check_code(cfg: dict[str, Any]) -> None:
    """Code directory and boot file, or a built-in algorithm, or a custom image."""
    if cfg.get("model_id") is not None:
        cfg["model_id"] = as_int(cfg["model_id"], "model_id", v1=True)
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
    workers = as_int(cfg["worker_server_num"], "worker_server_num", v1=True)
    if workers < 1:
        raise v1_error("Invalid parameter worker_server_num: it must be at least 1.")
    cfg["worker_server_num"] = workers
    if cfg.get("spec_id") is None and not cfg.get("pool_id"):
        raise v1_error("Missing parameter: config.spec_id (public pool) or config.pool_id (dedicated pool) is "
                       "mandatory.")
    if cfg.get("spec_id") is not None:
        cfg["spec_id"] = as_int(cfg["spec_id"], "spec_id", v1=True)
        spec = lookup(SPECS, "spec_id", cfg["spec_id"])
        if spec is None:
            raise v1_error(f"Flavor (spec_id: {cfg['spec_id']}) not found.", "ModelArts.2781")
        if workers > spec["max_num"]:
            raise v1_error(f"Invalid parameter worker_server_num: {workers} exceeds max_num {spec['max_num']} of "
                           f"{spec['spec_code']}.")
    if cfg.get("model_id") is not None:
        cfg["engine_id"] = lookup(BUILTIN_ALGORITHMS, "model_id", cfg["model_id"])["engine_id"]  # type: ignore[index]
    cfg["engine_id"] = as_int(cfg.get("engine_id", 1), "engine_id", v1=True)
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
