"""Legacy v1 training: jobs, versions, configs, visualization jobs, lookups (reference section 3.8)."""

from __future__ import annotations

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


def read_log_bytes(job_id: int | str, version_id: int | str, log_file: str, *, start_byte: int = 0,
                   offset: int = 2048) -> ApiRequest:
    """The older byte-offset read (SDK ``get_job_log(log_file, start_byte, offset)``): ``{log, log_byte_count,
    end_byte}``. ``start_byte=-1`` reads the newest ``|offset|`` bytes; ``offset`` is in [-2048, 2048]."""
    return ApiRequest("GET", f"{_version(job_id, version_id)}/log", "training_v1.logs.bytes",
                      query=[("log_file", log_file), ("start_byte", start_byte), ("offset", offset)])


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


def obs_dir_v1(path: str) -> str:
    """An OBS location in the v1 form ``/bucket/dir/`` (``obs://bucket/dir/`` is accepted and converted)."""
    return "/" + path[len("obs://"):] if path.startswith("obs://") else path


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
