"""Deferrable wait for an OBS object or prefix (used by :class:`~airflow_provider_modelarts.sensors.obs.OBSKeySensor`).

The trigger reads the connection with ``await BaseHook.aget_connection`` (works in the triggerer and in the in-line
trigger of ``dag.test()``) and runs the blocking esdk-obs calls in ``asyncio.to_thread``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from airflow.triggers.base import BaseTrigger, TriggerEvent

from airflow_provider_modelarts.hooks.connection import DEFAULT_CONN_ID


class OBSKeyTrigger(BaseTrigger):
    """Fire once the object (or any key under the prefix ending with ``/``) exists.

    Events: ``{"status": "success", "obs_url": ...}`` or ``{"status": "error", "obs_url": ..., "message": ...}``.

    :param obs_url: ``obs://bucket/key`` or ``obs://bucket/prefix/``.
    :param modelarts_conn_id: the ``modelarts`` connection.
    :param poll_interval: seconds between two checks.
    """

    def __init__(self, obs_url: str, modelarts_conn_id: str = DEFAULT_CONN_ID, poll_interval: float = 30.0) -> None:
        super().__init__()
        self.obs_url = obs_url
        self.modelarts_conn_id = modelarts_conn_id
        self.poll_interval = float(poll_interval)

    def serialize(self) -> tuple[str, dict[str, Any]]:
        return (
            f"{type(self).__module__}.{type(self).__qualname__}",
            {"obs_url": self.obs_url, "modelarts_conn_id": self.modelarts_conn_id,
             "poll_interval": self.poll_interval},
        )

    async def _hook(self) -> Any:
        """An :class:`OBSHook` over the connection, its secrets masked with the async masking call."""
        from airflow.sdk import BaseHook

        from airflow_provider_modelarts.hooks.connection import settings_from_connection
        from airflow_provider_modelarts.hooks.masking import amask_secrets
        from airflow_provider_modelarts.hooks.obs import OBSHook

        settings = settings_from_connection(await BaseHook.aget_connection(self.modelarts_conn_id))
        await amask_secrets((settings.ak, *settings.secrets()))
        return OBSHook.from_settings(settings, modelarts_conn_id=self.modelarts_conn_id, mask_secrets=False)

    async def run(self) -> AsyncIterator[TriggerEvent]:
        hook = None
        try:
            hook = await self._hook()
            while not await asyncio.to_thread(hook.exists, self.obs_url):
                self.log.info("%s not found yet; next check in %.0f s", self.obs_url, self.poll_interval)
                await asyncio.sleep(self.poll_interval)
        except Exception as exc:  # every failure becomes an event the task can raise from
            yield TriggerEvent({"status": "error", "obs_url": self.obs_url, "message": f"{type(exc).__name__}: {exc}"})
            return
        finally:
            if hook is not None:
                hook.close()
        yield TriggerEvent({"status": "success", "obs_url": self.obs_url})
