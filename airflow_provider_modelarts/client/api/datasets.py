"""Datasets, versions, samples, import/export and labeling tasks (reference sections 3.1-3.6)."""

from __future__ import annotations

from typing import Any

from airflow_provider_modelarts.client.pagination import PAGE_INDEX, Pager
from airflow_provider_modelarts.client.request import ApiRequest, path_param

BASE = "/v2/{project_id}/datasets"
DATASET_PAGER = Pager(PAGE_INDEX, items_key="datasets", total_key="total_number", limit=100)
VERSION_PAGER = Pager(PAGE_INDEX, items_key="versions", total_key="total_number", limit=100)
SAMPLE_PAGER = Pager(PAGE_INDEX, items_key="samples", total_key="sample_count", limit=100)
IMPORT_TASK_PAGER = Pager(PAGE_INDEX, items_key="import_tasks", total_key="total_count", limit=100)
EXPORT_TASK_PAGER = Pager(PAGE_INDEX, items_key="export_tasks", total_key="total_count", limit=100)
LABEL_TASK_PAGER = Pager(PAGE_INDEX, items_key="tasks", total_key="count", limit=100)


def _ds(dataset_id: str) -> str:
    return f"{BASE}/{path_param(dataset_id)}"


def list_datasets(*, dataset_type: int | None = None, search_content: str | None = None,
                  sort_by: str | None = None, order: str | None = None, with_labels: bool | None = None,
                  support_export: bool | None = None) -> ApiRequest:
    """``GET /v2/{project_id}/datasets`` (``offset`` page index and ``limit`` added by :data:`DATASET_PAGER`)."""
    return ApiRequest("GET", BASE, "datasets.list", query=[("dataset_type", dataset_type),
                      ("search_content", search_content), ("sort_by", sort_by), ("order", order),
                      ("with_labels", with_labels), ("support_export", support_export)])


def create_dataset(body: dict[str, Any]) -> ApiRequest:
    return ApiRequest("POST", BASE, "datasets.create", body=body)


def get_dataset(dataset_id: str) -> ApiRequest:
    return ApiRequest("GET", _ds(dataset_id), "datasets.get")


def update_dataset(dataset_id: str, body: dict[str, Any]) -> ApiRequest:
    return ApiRequest("PUT", _ds(dataset_id), "datasets.update", body=body)


def delete_dataset(dataset_id: str) -> ApiRequest:
    return ApiRequest("DELETE", _ds(dataset_id), "datasets.delete")


def list_versions(dataset_id: str, *, status: int | None = None) -> ApiRequest:
    return ApiRequest("GET", f"{_ds(dataset_id)}/versions", "datasets.versions.list", query=[("status", status)])


def create_version(dataset_id: str, body: dict[str, Any]) -> ApiRequest:
    return ApiRequest("POST", f"{_ds(dataset_id)}/versions", "datasets.versions.create", body=body)


def get_version(dataset_id: str, version_id: str) -> ApiRequest:
    return ApiRequest("GET", f"{_ds(dataset_id)}/versions/{path_param(version_id)}", "datasets.versions.get")


def delete_version(dataset_id: str, version_id: str) -> ApiRequest:
    return ApiRequest("DELETE", f"{_ds(dataset_id)}/versions/{path_param(version_id)}", "datasets.versions.delete")


def list_samples(dataset_id: str, *, version_id: str | None = None, sample_state: str | None = None,
                 label_name: str | None = None, order: str | None = None) -> ApiRequest:
    return ApiRequest("GET", f"{_ds(dataset_id)}/data-annotations/samples", "datasets.samples.list",
                      query=[("version_id", version_id), ("sample_state", sample_state), ("label_name", label_name),
                             ("order", order)])


def get_sample(dataset_id: str, sample_id: str) -> ApiRequest:
    return ApiRequest("GET", f"{_ds(dataset_id)}/data-annotations/samples/{path_param(sample_id)}",
                      "datasets.samples.get")


def delete_samples(dataset_id: str, sample_ids: list[str], delete_source: bool = False) -> ApiRequest:
    return ApiRequest("POST", f"{_ds(dataset_id)}/data-annotations/samples/delete", "datasets.samples.delete",
                      body={"samples": sample_ids, "delete_source": delete_source}, idempotent=True)


def list_import_tasks(dataset_id: str) -> ApiRequest:
    """``GET .../import-tasks``, newest first."""
    return ApiRequest("GET", f"{_ds(dataset_id)}/import-tasks", "datasets.import_tasks.list")


def create_import_task(dataset_id: str, body: dict[str, Any]) -> ApiRequest:
    return ApiRequest("POST", f"{_ds(dataset_id)}/import-tasks", "datasets.import_tasks.create", body=body)


def get_import_task(dataset_id: str, task_id: str) -> ApiRequest:
    return ApiRequest("GET", f"{_ds(dataset_id)}/import-tasks/{path_param(task_id)}", "datasets.import_tasks.get")


def list_export_tasks(dataset_id: str, *, export_type: int | None = None) -> ApiRequest:
    """``GET .../export-tasks``, newest first."""
    return ApiRequest("GET", f"{_ds(dataset_id)}/export-tasks", "datasets.export_tasks.list",
                      query=[("export_type", export_type)])


def create_export_task(dataset_id: str, body: dict[str, Any]) -> ApiRequest:
    return ApiRequest("POST", f"{_ds(dataset_id)}/export-tasks", "datasets.export_tasks.create", body=body)


def get_export_task(dataset_id: str, task_id: str) -> ApiRequest:
    return ApiRequest("GET", f"{_ds(dataset_id)}/export-tasks/{path_param(task_id)}", "datasets.export_tasks.get")


def list_label_tasks(dataset_id: str) -> ApiRequest:
    return ApiRequest("GET", f"{_ds(dataset_id)}/workforce-tasks", "datasets.label_tasks.list")


def create_label_task(dataset_id: str, body: dict[str, Any]) -> ApiRequest:
    return ApiRequest("POST", f"{_ds(dataset_id)}/workforce-tasks", "datasets.label_tasks.create", body=body)


def get_label_task(dataset_id: str, task_id: str) -> ApiRequest:
    return ApiRequest("GET", f"{_ds(dataset_id)}/workforce-tasks/{path_param(task_id)}", "datasets.label_tasks.get")
