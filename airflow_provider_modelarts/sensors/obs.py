"""Wait for an OBS object, or for any object under a prefix, in poke/reschedule mode or deferred."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from airflow.sdk import BaseSensorOperator
from airflow.sdk.configuration import conf
from airflow.sdk.exceptions import AirflowException

from airflow_provider_modelarts.client.obs_paths import parse_obs_url
from airflow_provider_modelarts.hooks.connection import DEFAULT_CONN_ID


class OBSKeySensor(BaseSensorOperator):
    """Succeed once ``obs_url`` exists: an object, or (URL ending with ``/``) any key under that prefix.

    Returns the URL (pushed to XCom).

    :param obs_url: ``obs://bucket/key`` or ``obs://bucket/prefix/`` (templated).
    :param modelarts_conn_id: the ``modelarts`` connection.
    :param deferrable: wait in the triggerer (:class:`~airflow_provider_modelarts.triggers.obs.OBSKeyTrigger`)
        instead of occupying a worker slot; defaults to ``[operators] default_deferrable``.
    :param poke_interval: seconds between checks (also the trigger's polling interval).
    """

    template_fields: Sequence[str] = ("obs_url", "modelarts_conn_id")
    ui_color = "#c9e4f6"

    def __init__(
        self,
        *,
        obs_url: str,
        modelarts_conn_id: str = DEFAULT_CONN_ID,
        deferrable: bool = conf.getboolean("operators", "default_deferrable", fallback=False),
        poke_interval: timedelta | float = 60,
        **kwargs: Any,
    ) -> None:
        super().__init__(poke_interval=poke_interval, **kwargs)
        self.obs_url = obs_url
        self.modelarts_conn_id = modelarts_conn_id
        self.deferrable = deferrable

    def _hook(self) -> Any:
        from airflow_provider_modelarts.hooks.obs import OBSHook

        return OBSHook(modelarts_conn_id=self.modelarts_conn_id)

    def poke(self, context: Any) -> bool:
        parse_obs_url(self.obs_url)
        self.log.info("Checking %s", self.obs_url)
        return bool(self._hook().exists(self.obs_url))

    def execute(self, context: Any) -> Any:
        if not self.deferrable:
            super().execute(context)
            return self.obs_url
        if self.poke(context):
            return self.obs_url
        from airflow_provider_modelarts.triggers.obs import OBSKeyTrigger

        self.defer(
            trigger=OBSKeyTrigger(self.obs_url, self.modelarts_conn_id, float(self.poke_interval)),
            method_name="execute_complete",
            timeout=timedelta(seconds=self.timeout),
        )

    def execute_complete(self, context: Any, event: dict[str, Any] | None = None) -> str:
        """Resume after the trigger fired; uses only the event.

        :param context: the task context (unused).
        :param event: the trigger's event payload.
        """
        if not event or event.get("status") != "success":
            message = (event or {}).get("message", "no event received")
            raise AirflowException(f"Waiting for {(event or {}).get('obs_url', self.obs_url)} failed: {message}")
        self.log.info("%s exists", event["obs_url"])
        return str(event["obs_url"])
