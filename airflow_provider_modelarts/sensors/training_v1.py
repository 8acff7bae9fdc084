"""Sensors of the legacy v1 training resources: a job version (until 10) and a visualization job (until up, 8)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from airflow_provider_modelarts.sensors.base import ModelArtsResourceSensor
from airflow_provider_modelarts.specs.training_v1 import as_id


class ModelArtsTrainingJobV1Sensor(ModelArtsResourceSensor):
    """Wait until a v1 training job version completes (status 10). A failure code (3, 5, 6, 11, 14, 16, 17, 21,
    22) or a stop (12, 13; unless ``expect_stop``) fails the sensor with the code's name and meaning.

    :param job_id: the job (templated)
    :param version_id: the version (templated).
    """

    resource_kind = "training_v1"
    template_fields: Sequence[str] = ("job_id", "version_id", "modelarts_conn_id")

    def __init__(self, *, job_id: int | str, version_id: int | str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.job_id = job_id
        self.version_id = version_id

    def resource_ids(self) -> dict[str, Any]:
        return {"job_id": as_id(self.job_id), "version_id": as_id(self.version_id)}


class ModelArtsVisualizationJobSensor(ModelArtsResourceSensor):
    """Wait until a visualization job is up (8 running); a failure code or a stop fails the sensor.

    :param job_id: the visualization job (templated).
    """

    resource_kind = "visualization_job"
    template_fields: Sequence[str] = ("job_id", "modelarts_conn_id")

    def __init__(self, *, job_id: int | str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.job_id = job_id

    def resource_ids(self) -> dict[str, Any]:
        return {"job_id": as_id(self.job_id)}
