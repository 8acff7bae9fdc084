"""``ModelArtsServiceSensor``: wait for a service to be running (or a batch service to be finished)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from airflow_provider_modelarts.sensors.base import ModelArtsResourceSensor

TARGETS = {"running": "service", "finished": "batch_service"}


class ModelArtsServiceSensor(ModelArtsResourceSensor):
    """Wait until a service is ``running`` (real-time, edge; ``finished`` also counts) or, with
    ``target_status="finished"``, until a batch service is ``finished``. ``failed`` fails the sensor with the
    remote ``error_msg``; ``stopped`` fails it too unless ``expect_stop=True``; ``concerning`` is waited through.

    :param service_id: the service (templated)
    :param target_status: ``running`` or ``finished``.
    """

    resource_kind = "service"
    template_fields: Sequence[str] = ("service_id", "modelarts_conn_id")

    def __init__(self, *, service_id: str, target_status: str = "running", **kwargs: Any) -> None:
        if target_status not in TARGETS:
            raise ValueError(f"target_status must be one of {sorted(TARGETS)}, got {target_status!r}")
        super().__init__(**kwargs)
        self.service_id = service_id
        self.target_status = target_status

    @property
    def kind(self) -> str:
        """``service``, or ``batch_service`` when waiting until ``finished``."""
        return TARGETS[self.target_status]

    def resource_ids(self) -> dict[str, Any]:
        return {"service_id": self.service_id}
