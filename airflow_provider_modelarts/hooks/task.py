"""What every ModelArts operator and sensor has: the resource kind it acts on and the hook of its connection."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from airflow_provider_modelarts.hooks.modelarts import ModelArtsHook


class ModelArtsTaskMixin:
    """The resource kind (:attr:`kind`) and the :class:`~airflow_provider_modelarts.hooks.modelarts.ModelArtsHook`
    of ``modelarts_conn_id`` (made on first use, so a DAG's parse imports no client)."""

    #: the resource kind of the state tables and request builders (``client.resources``); read through
    #: :attr:`kind`, which a subclass overrides when its arguments choose the kind (never assigned per instance)
    resource_kind: ClassVar[str] = ""
    modelarts_conn_id: str

    @property
    def kind(self) -> str:
        """The resource kind this task acts on (the class's ``resource_kind`` unless a subclass decides)."""
        return self.resource_kind

    @cached_property
    def hook(self) -> ModelArtsHook:
        """The hook of the task's ``modelarts`` connection."""
        from airflow_provider_modelarts.hooks.modelarts import ModelArtsHook

        return ModelArtsHook(self.modelarts_conn_id)
