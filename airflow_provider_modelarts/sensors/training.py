"""``ModelArtsTrainingJobSensor``: wait for a v2 training job to complete."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from airflow_provider_modelarts.sensors.base import ModelArtsResourceSensor


class ModelArtsTrainingJobSensor(ModelArtsResourceSensor):
    """Wait until a v2 training job is Completed (Failed/Abnormal/Terminated fail the sensor).

    :param training_job_id: the job (templated).
    """

    resource_kind = "training_v2"
    template_fields: Sequence[str] = ("training_job_id", "modelarts_conn_id")

    def __init__(self, *, training_job_id: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.training_job_id = training_job_id

    def resource_ids(self) -> dict[str, Any]:
        return {"training_job_id": self.training_job_id}
