"""Console links of models and services (persisted before the operators wait)."""

from __future__ import annotations

from airflow_provider_modelarts.links.modelarts import CONSOLE, ModelArtsConsoleLink


class ModelArtsModelLink(ModelArtsConsoleLink):
    """The model's (AI application's) page in the ModelArts console."""

    name = "ModelArts Model"
    key = "modelarts_model_link"
    format_str = CONSOLE + "/aiapp/detail?modelId={model_id}"


class ModelArtsServiceLink(ModelArtsConsoleLink):
    """The service's page in the ModelArts console (real-time, batch or edge)."""

    name = "ModelArts Service"
    key = "modelarts_service_link"
    format_str = CONSOLE + "/service/{infer_type}/detail?serviceId={service_id}"
