"""Per-resource method groups of :class:`~airflow_provider_modelarts.hooks.modelarts.ModelArtsHook`.

Each module holds one mixin of thin, typed methods over the request builders of ``client/api``; the mixins rely
only on ``self.call(req)``, ``self.iterate(req, pager)`` and ``self.log`` provided by the hook.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from airflow_provider_modelarts.client.pagination import Pager
from airflow_provider_modelarts.client.request import ApiRequest


class HookMethods:
    """Base of the method groups: what they need from the hook."""

    log: Any  # BaseHook's logger

    def call(self, req: ApiRequest) -> Any:
        raise NotImplementedError  # ModelArtsHook.call

    def iterate(self, req: ApiRequest, pager: Pager) -> Iterator[Any]:
        raise NotImplementedError  # ModelArtsHook.iterate
