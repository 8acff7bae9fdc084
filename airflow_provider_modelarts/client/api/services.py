"""Online services and inference (reference section 3.10)."""

from __future__ import annotations

from dataclasses import dataclass
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


def get_events(service_id: str, *, event_type: str | None = None, start_time: int | None = None,
               end_time: int | None = None, limit: int | None = None) -> ApiRequest:
    """``GET .../events`` (``event_type`` normal | abnormal; times in epoch ms)."""
    return ApiRequest("GET", f"{_svc(service_id)}/events", "services.events", query=[
        ("event_type", event_type), ("start_time", start_time), ("end_time", end_time), ("limit", limit)])


def list_specifications(infer_type: str | None = None) -> ApiRequest:
    return ApiRequest("GET", f"{BASE}/specifications", "services.specifications", query=[("infer_type", infer_type)])


def _infer_url(access_address: str, path: str) -> str:
    return access_address.rstrip("/") + ("" if path in ("", "/") else "/" + path.lstrip("/"))


def predict(access_address: str, payload: Any, path: str = "/") -> ApiRequest:
    """``POST {access_address}{path}`` with a JSON payload; the answer is the model's output."""
    return ApiRequest("POST", _infer_url(access_address, path), "inference.predict", body=payload, idempotent=True)


@dataclass(frozen=True)
class RawBodyRequest(ApiRequest):
    """An :class:`ApiRequest` whose ``body`` is sent as raw bytes (file uploads), not as JSON."""

    def body_bytes(self) -> bytes | None:
        return None if self.body is None else bytes(self.body)


def predict_file(access_address: str, content: bytes, filename: str, *, field: str = "images",
                 path: str = "/", content_type: str = "application/octet-stream") -> ApiRequest:
    """``POST {access_address}{path}`` with one file as ``multipart/form-data`` under the form field ``field``
    (the model's input parameter name, ``images`` for the preset image models)."""
    from urllib3.filepost import encode_multipart_formdata

    body, multipart_type = encode_multipart_formdata({field: (filename, content, content_type)})
    return RawBodyRequest("POST", _infer_url(access_address, path), "inference.predict", body=body,
                          idempotent=True, headers={"Content-Type": multipart_type})
