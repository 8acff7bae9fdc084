"""``ModelArtsHook``: an Airflow connection of type ``modelarts`` turned into the ModelArts client."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any

from airflow.sdk import BaseHook

from airflow_provider_modelarts.client.api import training_v2
from airflow_provider_modelarts.client.config import ClientSettings
from airflow_provider_modelarts.client.pagination import Pager, iterate
from airflow_provider_modelarts.client.request import ApiRequest
from airflow_provider_modelarts.hooks.connection import CONN_TYPE, DEFAULT_CONN_ID, settings_from_connection
from airflow_provider_modelarts.hooks.methods.datasets import DatasetMethods
from airflow_provider_modelarts.hooks.methods.models import ModelMethods
from airflow_provider_modelarts.hooks.methods.services import ServiceMethods
from airflow_provider_modelarts.hooks.methods.training_v1 import TrainingV1Methods
from airflow_provider_modelarts.hooks.methods.training_v2 import TrainingV2Methods

if TYPE_CHECKING:
    from airflow_provider_modelarts.client.aio import AsyncModelArtsClient
    from airflow_provider_modelarts.client.transport import ModelArtsClient


def _mask(settings: ClientSettings) -> None:
    from airflow.sdk.log import mask_secret

    for secret in settings.secrets():
        mask_secret(secret)


class ModelArtsHook(TrainingV2Methods, TrainingV1Methods, DatasetMethods, ModelMethods, ServiceMethods, BaseHook):
    """Talk to Huawei Cloud ModelArts through a ``modelarts`` connection.

    The connection is read lazily (never in ``__init__``) and the client is cached on the hook; IAM tokens are
    cached per process. AK, SK, passwords and tokens are registered with Airflow's secrets masker.

    :param modelarts_conn_id: the connection id (default ``modelarts_default``).
    """

    conn_name_attr = "modelarts_conn_id"
    default_conn_name = DEFAULT_CONN_ID
    conn_type = CONN_TYPE
    hook_name = "Huawei Cloud ModelArts"

    def __init__(self, modelarts_conn_id: str = DEFAULT_CONN_ID, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.modelarts_conn_id = modelarts_conn_id

    @cached_property
    def settings(self) -> ClientSettings:
        """The connection's settings (read once)."""
        settings = settings_from_connection(self.get_connection(self.modelarts_conn_id))
        _mask(settings)
        return settings

    @cached_property
    def client(self) -> ModelArtsClient:
        from airflow_provider_modelarts.client.transport import ModelArtsClient

        return ModelArtsClient(self.settings)

    def get_conn(self) -> ModelArtsClient:
        return self.client

    async def get_async_client(self) -> AsyncModelArtsClient:
        """A new async client (for triggers); the connection is read with ``aget_connection``."""
        from airflow_provider_modelarts.client.aio import AsyncModelArtsClient
        from airflow_provider_modelarts.hooks.masking import amask_secrets

        conn = await self.aget_connection(self.modelarts_conn_id)
        settings = settings_from_connection(conn)
        await amask_secrets(settings.secrets())
        return AsyncModelArtsClient(settings)

    @property
    def project_id(self) -> str:
        return self.client.project_id

    # ---- generic calls -----------------------------------------------------------------------------------
    def call(self, req: ApiRequest) -> Any:
        """Run one operation built by ``airflow_provider_modelarts.client.api``."""
        return self.client.call(req)

    def get_resource(self, kind: str, ids: Mapping[str, Any]) -> Any:
        """One resource by its kind and ids (the state tables' kinds): the package's one fetch for a status.

        :param kind: a resource kind of ``client.resources`` (``training_v2``, ``dataset_version``...).
        :param ids: its ids (``{"training_job_id": ...}``).
        """
        from airflow_provider_modelarts.client.resources import spec_for

        return self.call(spec_for(kind).get(ids))

    def iterate(self, req: ApiRequest, pager: Pager) -> Iterator[Any]:
        """Every item of a listing, across pages."""
        return iterate(self.client, req, pager)

    # ---- connection test ------------------------------------------------------------------------------------
    def test_connection(self) -> tuple[bool, str]:
        """A real project-scoped call (``GET /v2/{project_id}/training-job-flavors``)."""
        try:
            data = self.call(training_v2.list_flavors())
            count = len((data or {}).get("flavors") or [])
            s = self.settings
            return True, (f"Connected to ModelArts {s.modelarts_url}: region {s.region}, project "
                          f"{self.project_id}, auth {s.auth_type}; {count} training flavors visible.")
        except Exception as exc:  # the UI shows the message; secrets are never part of our errors
            return False, f"{type(exc).__name__}: {exc}"
