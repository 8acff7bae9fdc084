"""Online/batch/edge service methods of the hook (SDK reference section 11), inference included."""

from __future__ import annotations

from typing import Any

from airflow_provider_modelarts.client.api import services
from airflow_provider_modelarts.hooks.methods import HookMethods


class ServiceMethods(HookMethods):
    """Deploy, read, list, update, delete services; monitor, update logs, events; predict."""

    def create_service(self, body: dict[str, Any]) -> str:
        """``POST /v1/{project_id}/services``; returns the new ``service_id``."""
        return str(self.call(services.create_service(body))["service_id"])

    def get_service(self, service_id: str) -> dict[str, Any]:
        return dict(self.call(services.get_service(service_id)))

    def list_services(self, *, service_name: str | None = None, model_id: str | None = None,
                      infer_type: str | None = None, status: str | None = None) -> list[dict[str, Any]]:
        req = services.list_services(service_name=service_name, model_id=model_id, infer_type=infer_type,
                                     status=status)
        return list(self.iterate(req, services.SERVICE_PAGER))

    def find_services_by_name(self, service_name: str) -> list[dict[str, Any]]:
        """Services named exactly ``service_name`` (one filtered list page)."""
        data = self.call(services.list_services(service_name=service_name))
        return [s for s in (data or {}).get("services") or [] if s.get("service_name") == service_name]

    def update_service(self, service_id: str, body: dict[str, Any]) -> None:
        """``PUT``: ``config`` (a new model version, traffic weights), ``status`` (running/stopped), description."""
        self.call(services.update_service(service_id, body))

    def start_service(self, service_id: str) -> None:
        self.update_service(service_id, {"status": "running"})

    def stop_service(self, service_id: str) -> None:
        self.update_service(service_id, {"status": "stopped"})

    def delete_service(self, service_id: str) -> None:
        self.call(services.delete_service(service_id))

    def get_service_monitor(self, service_id: str, node_id: str | None = None) -> dict[str, Any]:
        """Per-model usage: invocation/failed times, CPU, memory, GPU, running instances."""
        return dict(self.call(services.get_monitor(service_id, node_id)) or {})

    def get_service_update_logs(self, service_id: str, update_time: int | None = None) -> list[dict[str, Any]]:
        """The update (deployment) history: ``[{update_time, result SUCCESS|FAIL|RUNNING, config}]``."""
        return list((self.call(services.get_update_logs(service_id, update_time)) or {}).get("logs") or [])

    def put_service_config(self, service_id: str, config: list[dict[str, Any]],
                           extra: dict[str, Any] | None = None) -> int:
        """PUT a new ``config`` (with ``extra`` body fields); the ``update_time`` from which on the update log's
        entries are this update's (one past the newest entry now).

        :param service_id: the service.
        :param config: the new config.
        :param extra: more fields of the update body (``description``, ``schedule`` ...).
        """
        logs = self.get_service_update_logs(service_id)
        since = max((int(e.get("update_time") or 0) for e in logs), default=-1) + 1
        self.update_service(service_id, {**(extra or {}), "config": config})
        return since

    def get_service_events(self, service_id: str, *, event_type: str | None = None,
                           start_time: int | None = None) -> list[dict[str, Any]]:
        """Service events (``event_type`` normal | abnormal), oldest first by default."""
        data = self.call(services.get_events(service_id, event_type=event_type, start_time=start_time))
        return list((data or {}).get("events") or [])

    def abnormal_event_texts(self, service_id: str, since_ms: int | None = None, limit: int = 3) -> list[str]:
        """The texts of the newest abnormal events of a service (the remote cause of a failed deploy or update);
        empty when they cannot be read (they explain a failure, never hide it).

        :param service_id: the service.
        :param since_ms: only events from this epoch-milliseconds time on.
        :param limit: how many of the newest events.
        """
        try:
            events = self.get_service_events(service_id, event_type="abnormal", start_time=since_ms)
        except Exception:
            return []
        return [str(e.get("event_info")) for e in events[-limit:] if e.get("event_info")]

    def list_service_specifications(self, infer_type: str | None = None) -> list[dict[str, Any]]:
        return list((self.call(services.list_specifications(infer_type)) or {}).get("specifications") or [])

    def predict(self, access_address: str, payload: Any, path: str = "/") -> Any:
        """A JSON inference call at a real-time service's ``access_address`` (signed like every call)."""
        return self.call(services.predict(access_address, payload, path))

    def predict_file(self, access_address: str, content: bytes, filename: str, *, field: str = "images",
                     path: str = "/", content_type: str = "application/octet-stream") -> Any:
        """A file inference call (``multipart/form-data`` under the model's input ``field``)."""
        return self.call(services.predict_file(access_address, content, filename, field=field, path=path,
                                               content_type=content_type))
