"""``ModelArtsModelSensor``: wait for a model to be published."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from airflow_provider_modelarts.sensors.base import ModelArtsResourceSensor


class ModelArtsModelSensor(ModelArtsResourceSensor):
    """Wait until a model is ``published`` (``failed``/``building_failed`` fail the sensor with the remote error).

    :param model_id: the model (templated).
    """

    resource_kind = "model"
    template_fields: Sequence[str] = ("model_id", "modelarts_conn_id")

    def __init__(self, *, model_id: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.model_id = model_id

    def resource_ids(self) -> dict[str, Any]:
        return {"model_id": self.model_id}
