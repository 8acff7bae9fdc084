"""ModelArts console links of data management (persisted before the task waits or defers)."""

from __future__ import annotations

from airflow_provider_modelarts.links.modelarts import CONSOLE, ModelArtsConsoleLink


class ModelArtsDatasetLink(ModelArtsConsoleLink):
    """The dataset's page in the ModelArts console (persisted with ``region`` and ``dataset_id``)."""

    name = "ModelArts Dataset"
    key = "modelarts_dataset_link"
    format_str = CONSOLE + "/dataset/datasetDetail?datasetId={dataset_id}"
