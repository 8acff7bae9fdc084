"""v2 training jobs (reference section 3.7)."""

from __future__ import annotations

from typing import Any

from airflow_provider_modelarts.client.pagination import BODY_SEARCH, Pager
from airflow_provider_modelarts.client.request import ApiRequest, path_param

BASE = "/v2/{project_id}/training-jobs"
SEARCH_PAGER = Pager(BODY_SEARCH, items_key="items", total_key="total", limit=50)


def _job(job_id: str) -> str:
    return f"{BASE}/{path_param(job_id)}"


def create_job(body: dict[str, Any]) -> ApiRequest:
    """``POST /v2/{project_id}/training-jobs`` (201, the job object)."""
    return ApiRequest("POST", BASE, "training_v2.create", body=body)


def search_jobs(filters: list[dict[str, Any]] | None = None, *, sort_by: str = "create_time", order: str = "desc",
                offset: int = 0, limit: int = 50) -> ApiRequest:
    """``POST /v2/{project_id}/training-job-searches`` (a read: safe to re-send)."""
    body: dict[str, Any] = {"offset": offset, "limit": limit, "sort_by": sort_by, "order": order}
    if filters:
        body["filters"] = filters
    return ApiRequest("POST", "/v2/{project_id}/training-job-searches", "training_v2.search", body=body,
                      idempotent=True)


def get_job(job_id: str) -> ApiRequest:
    return ApiRequest("GET", _job(job_id), "training_v2.get")


def update_job(job_id: str, description: str) -> ApiRequest:
    return ApiRequest("PUT", _job(job_id), "training_v2.update", body={"description": description})


def delete_job(job_id: str) -> ApiRequest:
    return ApiRequest("DELETE", _job(job_id), "training_v2.delete")


def terminate_job(job_id: str) -> ApiRequest:
    """``POST .../actions`` ``{"action_type": "terminate"}`` (202). Re-sending is harmless."""
    return ApiRequest("POST", f"{_job(job_id)}/actions", "training_v2.terminate",
                      body={"action_type": "terminate"}, idempotent=True)


def preview_log(job_id: str, task_id: str = "worker-0") -> ApiRequest:
    return ApiRequest("GET", f"{_job(job_id)}/tasks/{path_param(task_id)}/logs/preview", "training_v2.logs")


def get_metrics(job_id: str, task_id: str = "worker-0") -> ApiRequest:
    return ApiRequest("GET", f"{_job(job_id)}/metrics/{path_param(task_id)}", "training_v2.metrics")


def list_flavors(flavor_type: str | None = None) -> ApiRequest:
    return ApiRequest("GET", "/v2/{project_id}/training-job-flavors", "training_v2.flavors",
                      query=[("flavor_type", flavor_type)])


def list_engines() -> ApiRequest:
    return ApiRequest("GET", "/v2/{project_id}/training-job-engines", "training_v2.engines")
