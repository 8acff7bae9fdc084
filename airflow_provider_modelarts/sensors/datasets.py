"""Data management sensors: wait for an import task, an export task or a dataset version (state tables
``import_task``, ``export_task``, ``dataset_version``). Poke, reschedule or deferrable; a remote failure fails the
sensor (``soft_fail`` turns it into a skip)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from airflow_provider_modelarts.sensors.base import ModelArtsResourceSensor


class ModelArtsImportTaskSensor(ModelArtsResourceSensor):
    """Wait until a dataset import task is COMPLETED (FAILED fails the sensor).

    :param dataset_id: the dataset (templated)
    :param import_task_id: the import task (templated; XCom
        ``import_task_id`` of the import or create-dataset task).
    """

    resource_kind = "import_task"
    template_fields: Sequence[str] = ("dataset_id", "import_task_id", "modelarts_conn_id")

    def __init__(self, *, dataset_id: str, import_task_id: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.dataset_id = dataset_id
        self.import_task_id = import_task_id

    def resource_ids(self) -> dict[str, Any]:
        return {"dataset_id": self.dataset_id, "task_id": self.import_task_id}


class ModelArtsExportTaskSensor(ModelArtsResourceSensor):
    """Wait until a dataset export task succeeded (FAILED fails the sensor).

    :param dataset_id: the dataset (templated)
    :param export_task_id: the export task (templated).
    """

    resource_kind = "export_task"
    template_fields: Sequence[str] = ("dataset_id", "export_task_id", "modelarts_conn_id")

    def __init__(self, *, dataset_id: str, export_task_id: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.dataset_id = dataset_id
        self.export_task_id = export_task_id

    def resource_ids(self) -> dict[str, Any]:
        return {"dataset_id": self.dataset_id, "task_id": self.export_task_id}


class ModelArtsDatasetVersionSensor(ModelArtsResourceSensor):
    """Wait until a dataset version is published and usable (status 1; 4 error fails, 3 deleted fails).

    :param dataset_id: the dataset (templated)
    :param version_id: the version (templated).
    """

    resource_kind = "dataset_version"
    template_fields: Sequence[str] = ("dataset_id", "version_id", "modelarts_conn_id")

    def __init__(self, *, dataset_id: str, version_id: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.dataset_id = dataset_id
        self.version_id = version_id

    def resource_ids(self) -> dict[str, Any]:
        return {"dataset_id": self.dataset_id, "version_id": self.version_id}
