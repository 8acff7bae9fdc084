"""Legacy v1 training: jobs, versions, configs, visualization jobs, lookups (reference section 3.8)."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from airflow_provider_modelarts.client.pagination import PAGE_NUMBER, Pager
from airflow_provider_modelarts.client.request import ApiRequest, path_param

JOBS = "/v1/{project_id}/training-jobs"
CONFIGS = "/v1/{project_id}/training-job-configs"
VISUALIZATION = "/v1/{project_id}/visualization-jobs"
JOB_PAGER = Pager(PAGE_NUMBER, items_key="jobs", total_key="job_total_count", limit=100)
VERSION_PAGER = Pager(PAGE_NUMBER, items_key="versions", total_key="version_count", limit=100)
CONFIG_PAGER = Pager(PAGE_NUMBER, items_key="configs", total_key="config_total_count", limit=100)
VISUALIZATION_PAGER = Pager(PAGE_NUMBER, items_key="jobs", total_key="job_total_count", limit=100)
ALGORITHM_PAGER = Pager(PAGE_NUMBER, items_key="models", total_key="model_total_count", limit=100)


def _job(job_id: int | str) -> str:
    return f"{JOBS}/{path_param(job_id)}"


def _version(job_id: int | str, version_id: int | str) -> str:
    return f"{_job(job_id)}/versions/{path_param(version_id)}"


def create_job(body: dict[str, Any]) -> ApiRequest:
    return ApiRequest("POST", JOBS, "training_v1.create", body=body)


def list_jobs(*, status: int | None = None, search_content: str | None = None, sort_by: str | None = None,
              order: str | None = None, per_page: int | None = None) -> ApiRequest:
    return ApiRequest("GET", JOBS, "training_v1.list", query=[("status", status), ("search_content", search_content),
                                                              ("sortBy", sort_by), ("order", order),
                                                              ("per_page", per_page)])


def update_job(job_id: int | str, job_desc: str) -> ApiRequest:
    return ApiRequest("PUT", _job(job_id), "training_v1.update", body={"job_desc": job_desc})


def delete_job(job_id: int | str) -> ApiRequest:
    return ApiRequest("DELETE", _job(job_id), "training_v1.delete")


def create_version(job_id: int | str, body: dict[str, Any]) -> ApiRequest:
    return ApiRequest("POST", f"{_job(job_id)}/versions", "training_v1.versions.create", body=body)


def list_versions(job_id: int | str) -> ApiRequest:
    """Every version of a job in one answer (``page`` left at its documented default 0: no paging), with the
    job's ``job_desc``."""
    return ApiRequest("GET", f"{_job(job_id)}/versions", "training_v1.versions.list")


def get_version(job_id: int | str, version_id: int | str) -> ApiRequest:
    return ApiRequest("GET", _version(job_id, version_id), "training_v1.versions.get")


def delete_version(job_id: int | str, version_id: int | str) -> ApiRequest:
    return ApiRequest("DELETE", _version(job_id, version_id), "training_v1.versions.delete")


def stop_version(job_id: int | str, version_id: int | str) -> ApiRequest:
    return ApiRequest("POST", f"{_version(job_id, version_id)}/stop", "training_v1.versions.stop", idempotent=True)


def log_file_names(job_id: int | str, version_id: int | str) -> ApiRequest:
    return ApiRequest("GET", f"{_version(job_id, version_id)}/log/file-names", "training_v1.logs.files")


def read_log(job_id: int | str, version_id: int | str, log_file: str, *, base_line: str | None = None,
             lines: int | None = None, order: str | None = None) -> ApiRequest:
    return ApiRequest("GET", f"{_version(job_id, version_id)}/aom-log", "training_v1.logs.read",
                      query=[("log_file", log_file), ("base_line", base_line), ("lines", lines), ("order", order)])


def create_config(body: dict[str, Any]) -> ApiRequest:
    return ApiRequest("POST", CONFIGS, "training_v1.configs.create", body=body)


def list_configs(*, config_type: str | None = None, search_content: str | None = None) -> ApiRequest:
    return ApiRequest("GET", CONFIGS, "training_v1.configs.list",
                      query=[("config_type", config_type), ("search_content", search_content)])


def get_config(config_name: str, config_type: str | None = None) -> ApiRequest:
    return ApiRequest("GET", f"{CONFIGS}/{path_param(config_name)}", "training_v1.configs.get",
                      query=[("config_type", config_type)])


def update_config(config_name: str, body: dict[str, Any]) -> ApiRequest:
    return ApiRequest("PUT", f"{CONFIGS}/{path_param(config_name)}", "training_v1.configs.update", body=body)


def delete_config(config_name: str) -> ApiRequest:
    return ApiRequest("DELETE", f"{CONFIGS}/{path_param(config_name)}", "training_v1.configs.delete")


def create_visualization_job(body: dict[str, Any]) -> ApiRequest:
    return ApiRequest("POST", VISUALIZATION, "training_v1.visualization.create", body=body)


def list_visualization_jobs(*, status: int | None = None, search_content: str | None = None) -> ApiRequest:
    return ApiRequest("GET", VISUALIZATION, "training_v1.visualization.list",
                      query=[("status", status), ("search_content", search_content)])


def get_visualization_job(job_id: int | str) -> ApiRequest:
    return ApiRequest("GET", f"{VISUALIZATION}/{path_param(job_id)}", "training_v1.visualization.get")


def update_visualization_job(job_id: int | str, job_desc: str) -> ApiRequest:
    return ApiRequest("PUT", f"{VISUALIZATION}/{path_param(job_id)}", "training_v1.visualization.update",
                      body={"job_desc": job_desc})


def stop_visualization_job(job_id: int | str) -> ApiRequest:
    return ApiRequest("POST", f"{VISUALIZATION}/{path_param(job_id)}/stop", "training_v1.visualization.stop",
                      idempotent=True)


def restart_visualization_job(job_id: int | str) -> ApiRequest:
    return ApiRequest("POST", f"{VISUALIZATION}/{path_param(job_id)}/restart", "training_v1.visualization.restart",
                      idempotent=True)


def delete_visualization_job(job_id: int | str) -> ApiRequest:
    return ApiRequest("DELETE", f"{VISUALIZATION}/{path_param(job_id)}", "training_v1.visualization.delete")


def list_builtin_algorithms(search_content: str | None = None) -> ApiRequest:
    return ApiRequest("GET", "/v1/{project_id}/built-in-algorithms", "training_v1.algorithms",
                      query=[("search_content", search_content)])


def list_resource_specs(job_type: str = "train", engine_id: int | None = None) -> ApiRequest:
    return ApiRequest("GET", "/v1/{project_id}/job/resource-specs", "training_v1.specs",
                      query=[("job_type", job_type), ("engine_id", engine_id)])


def list_engines(job_type: str = "train") -> ApiRequest:
    return ApiRequest("GET", "/v1/{project_id}/job/ai-engines", "training_v1.engines", query=[("job_type", job_type)])


#: what a new version's ``config`` takes from a version's answer: the fields of the versions create table
#: ("Creating a Version of a Training Job", Table 3) that the version detail answers (Table 2 of "Querying the
#: Details About a Training Job Version"); ``volumes`` is not in the create table, so it is not carried over
VERSION_CONFIG_FIELDS = ("worker_server_num", "app_url", "boot_file_url", "model_id", "engine_id", "parameter",
                         "data_url", "dataset_id", "dataset_version_id", "data_source", "spec_id", "pool_id",
                         "train_url", "log_url", "user_image_url", "user_command")
#: a code source given replaces the previous one as a whole (code directory + boot file, built-in algorithm,
#: custom image + command exclude each other); likewise a data source
CODE_GROUP = ("app_url", "boot_file_url", "model_id", "user_image_url", "user_command")
DATA_GROUP = ("data_url", "dataset_id", "dataset_version_id", "data_source")
DATA_SOURCE_FIELDS = ("dataset_id", "dataset_version", "type", "data_url")


def _blank(value: Any) -> bool:
    return value in (None, "", [], {})


def inherited_version_config(previous: Mapping[str, Any], changes: Mapping[str, Any],
                             pre_version_id: int) -> dict[str, Any]:
    """The full ``config`` of a new version: the previous version's configuration with ``changes`` merged over.

    The versions create table makes the whole configuration Mandatory (``worker_server_num``, ``train_url``,
    ``spec_id``/``pool_id``, the code group), so the client sends all of it rather than relying on the service.

    :param previous: the previous version's detail (``GET .../versions/{pre_version_id}``).
    :param changes: the ``config`` fields the user changes (REST names, ids resolved).
    :param pre_version_id: the previous version's id.
    :returns: the ``config`` to POST: documented fields only, blanks left out.
    """
    base = {k: copy.deepcopy(previous[k]) for k in VERSION_CONFIG_FIELDS if not _blank(previous.get(k))}
    if "parameter" in base:
        base["parameter"] = [{"label": str(p.get("label", "")), "value": str(p.get("value", ""))}
                             for p in base["parameter"]]
    if "data_source" in base:
        base["data_source"] = [{k: v for k, v in entry.items() if k in DATA_SOURCE_FIELDS and not _blank(v)}
                               for entry in base["data_source"]]
    for group in (CODE_GROUP, DATA_GROUP):
        if any(not _blank(changes.get(k)) for k in group):
            for k in group:
                base.pop(k, None)
    if not _blank(changes.get("model_id")):
        base.pop("engine_id", None)  # a built-in algorithm brings its engine
    merged = {**base, **{k: copy.deepcopy(v) for k, v in changes.items() if not _blank(v)}}
    merged["pre_version_id"] = int(pre_version_id)
    return merged


def pick_spec_id(specs: list[dict[str, Any]], flavor: str) -> int | None:
    """The ``spec_id`` of the resource spec whose ``spec_code`` is ``flavor`` (None when there is none)."""
    return next((int(s["spec_id"]) for s in specs if s.get("spec_code") == flavor), None)


def pick_engine_id(engines: list[dict[str, Any]], engine_name: str, engine_version: str) -> int | None:
    """The ``engine_id`` of ``engine_name`` (case-insensitive) + ``engine_version`` (None when there is none)."""
    return next((int(e["engine_id"]) for e in engines if str(e.get("engine_name", "")).lower() ==
                 engine_name.lower() and e.get("engine_version") == engine_version), None)


def pick_model_id(models: list[dict[str, Any]], model_name: str) -> int | None:
    """The ``model_id`` of the built-in algorithm named ``model_name`` (None when there is none)."""
    return next((int(m["model_id"]) for m in models if m.get("model_name") == model_name), None)
