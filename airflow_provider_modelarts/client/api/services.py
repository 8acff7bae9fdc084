"""Online services and inference (reference section 3.10)."""

from __future__ import annotations

from typing import Any

from airflow_provider_modelarts.client.pagination import PAGE_INDEX, Pager
from airflow_provider_modelarts.client.request import ApiRequest, path_param

BASE = "/v1/{project_id}/services"
SERVICE_PAGER = Pager(PAGE_INDEX, items_key="services", total_key="total_count", limit=100)


def _svc(service_id: str) -> str:
    return f"{BASE}/{path_param(service_id)}"


def create_service(body: dict[str, Any]) -> ApiRequest:
    return ApiRequest("POST", BASE, "services.create", body=body)


def list_services(*, service_name: str | None = None, model_id: str | None = None, infer_type: str | None = None,
                  status: str | None = None) -> ApiRequest:
    return ApiRequest("GET", BASE, "services.list", query=[("service_name", service_name), ("model_id", model_id),
                                                          ("infer_type", infer_type), ("status", status)])


def get_service(service_id: str) -> ApiRequest:
    return ApiRequest("GET", _svc(service_id), "services.get")


def update_service(service_id: str, body: dict[str, Any]) -> ApiRequest:
    return ApiRequest("PUT", _svc(service_id), "services.update", body=body)


def delete_service(service_id: str) -> ApiRequest:
    return ApiRequest("DELETE", _svc(service_id), "services.delete")


def get_monitor(service_id: str, node_id: str | None = None) -> ApiRequest:
    return ApiRequest("GET", f"{_svc(service_id)}/monitor", "services.monitor", query=[("node_id", node_id)])


def get_update_logs(service_id: str, update_time: int | None = None) -> ApiRequest:
    return ApiRequest("GET", f"{_svc(service_id)}/logs", "services.logs", query=[("update_time", update_time)])


def predict(access_address: str, payload: Any, path: str = "/") -> ApiRequest:
    """``POST {access_address}{path}`` with a JSON payload; the answer is the model's output."""
    url = access_address.rstrip("/") + ("" if path in ("", "/") else "/" + path.lstrip("/"))
    return ApiRequest("POST", url, "inference.predict", body=payload, idempotent=True)
