"""Models (reference section 3.9)."""

from __future__ import annotations

from typing import Any

from airflow_provider_modelarts.client.pagination import PAGE_INDEX, Pager
from airflow_provider_modelarts.client.request import ApiRequest, path_param

BASE = "/v1/{project_id}/models"
MODEL_PAGER = Pager(PAGE_INDEX, items_key="models", total_key="total_count", limit=100)


def create_model(body: dict[str, Any]) -> ApiRequest:
    return ApiRequest("POST", BASE, "models.create", body=body)


def list_models(*, model_name: str | None = None, model_version: str | None = None, model_status: str | None = None,
                exact_match: bool | None = None, sort_by: str | None = None, order: str | None = None) -> ApiRequest:
    return ApiRequest("GET", BASE, "models.list", query=[
        ("model_name", model_name), ("model_version", model_version), ("model_status", model_status),
        ("exact_match", exact_match), ("sort_by", sort_by), ("order", order)])


def get_model(model_id: str) -> ApiRequest:
    return ApiRequest("GET", f"{BASE}/{path_param(model_id)}", "models.get")


def delete_model(model_id: str, cascade: bool | None = None) -> ApiRequest:
    return ApiRequest("DELETE", f"{BASE}/{path_param(model_id)}", "models.delete", query=[("cascade", cascade)])
