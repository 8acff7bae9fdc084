"""Console links of the legacy v1 training resources (persisted before the task waits or defers)."""

from __future__ import annotations

from airflow_provider_modelarts.links.modelarts import CONSOLE, ModelArtsConsoleLink


class ModelArtsTrainingJobV1Link(ModelArtsConsoleLink):
    """The v1 training job version's page in the ModelArts console (old training management)."""

    name = "ModelArts Training Job (v1)"
    key = "modelarts_training_job_v1_link"
    format_str = CONSOLE + "/trainingJobs/{job_id}/versions/{version_id}"


class ModelArtsVisualizationJobLink(ModelArtsConsoleLink):
    """The visualization job's TensorBoard/MindInsight page (its ``service_url``)."""

    name = "ModelArts Visualization Job"
    key = "modelarts_visualization_job_link"
    format_str = "{service_url}"
