"""``ModelArtsResourceSensor``: wait until a ModelArts resource is done, by the state tables.

Poke (or reschedule) mode classifies the resource once per poke; deferrable mode checks once, then defers to
the generic :class:`~airflow_provider_modelarts.triggers.modelarts.ModelArtsResourceTrigger`. A remote failure
raises ``AirflowFailException`` (so ``soft_fail`` turns it into a skip); an unknown status is polled on.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from airflow.sdk import BaseSensorOperator, PokeReturnValue, conf
from airflow.sdk.exceptions import AirflowFailException

from airflow_provider_modelarts.hooks.connection import DEFAULT_CONN_ID
from airflow_provider_modelarts.hooks.task import ModelArtsTaskMixin

if TYPE_CHECKING:
    from airflow.sdk.definitions.context import Context


class ModelArtsResourceSensor(ModelArtsTaskMixin, BaseSensorOperator):
    """Base of the ModelArts sensors (the hook and resource kind: :class:`ModelArtsTaskMixin`). Subclasses set
    ``resource_kind`` and implement :meth:`resource_ids`.

    :param modelarts_conn_id: the ``modelarts`` connection.
    :param deferrable: wait in the triggerer (default ``[operators] default_deferrable``).
    :param expect_stop: a stopped resource counts as done (when waiting for a stop you asked for).
    :param success_statuses: status values that count as success, for values the documents leave open (e.g. an
        export status other than INIT/RUNNING/SUCCESSED/FAILED); they leave the table's other classes.
    :param failure_statuses: status values that fail the sensor (e.g. a labeling task status a team treats as
        failed: the documents give the team labeling task no failure status).
    """

    template_fields: Sequence[str] = ("modelarts_conn_id",)

    def __init__(self, *, modelarts_conn_id: str = DEFAULT_CONN_ID,
                 deferrable: bool = conf.getboolean("operators", "default_deferrable", fallback=False),
                 expect_stop: bool = False, success_statuses: Sequence[Any] | None = None,
                 failure_statuses: Sequence[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.modelarts_conn_id = modelarts_conn_id
        self.deferrable = deferrable
        self.expect_stop = expect_stop
        both = set(success_statuses or ()) & set(failure_statuses or ())
        if both:
            raise ValueError(f"status values {sorted(map(str, both))} are in both success_statuses and "
                             "failure_statuses; give each value one class")
        self.status_overrides = {cls: list(values) for cls, values in (("success", success_statuses),
                                                                        ("failure", failure_statuses)) if values}

    def resource_ids(self) -> dict[str, Any]:
        raise NotImplementedError

    def poke(self, context: Context) -> bool | PokeReturnValue:
        from airflow_provider_modelarts.client.resources import spec_for
        from airflow_provider_modelarts.client.states import SUCCESS, classify

        ids = spec_for(self.kind).check_ids(self.resource_ids())
        resource = self.hook.get_resource(self.kind, ids)
        verdict = classify(self.kind, resource, expect_stop=self.expect_stop,
                           overrides=self.status_overrides)
        self.log.info("%s %s: %s", self.kind, ids, verdict.message)
        if not verdict.done:
            return False
        if verdict.state != SUCCESS:
            raise AirflowFailException(f"{self.kind} {ids} ended {verdict.state}: {verdict.message}")
        return PokeReturnValue(True, {**ids, "status": verdict.status})

    def execute(self, context: Context) -> Any:
        if not self.deferrable:
            return super().execute(context)
        result = self.poke(context)
        if result:
            return result.xcom_value if isinstance(result, PokeReturnValue) else None
        from airflow_provider_modelarts.triggers.modelarts import ModelArtsResourceTrigger

        self.defer(
            trigger=ModelArtsResourceTrigger(kind=self.kind, ids=self.resource_ids(),
                                             modelarts_conn_id=self.modelarts_conn_id,
                                             poll_interval=self.poke_interval, expect_stop=self.expect_stop,
                                             stream_logs=False, stop_on_kill=False,
                                             overrides=self.status_overrides or None,
                                             first_poll_at=time.time() + self.poke_interval),
            method_name="execute_complete",
            timeout=timedelta(seconds=self.timeout),
        )

    def execute_complete(self, context: Context, event: Mapping[str, Any] | None = None) -> Any:
        from airflow_provider_modelarts.client.states import SUCCESS

        if not event:
            raise AirflowFailException("The ModelArts trigger sent no event.")
        if event.get("status") != SUCCESS:
            raise AirflowFailException(f"{event.get('kind')} {event.get('ids')} ended {event.get('status')}: "
                                       f"{event.get('message')}")
        return {**(event.get("ids") or {}), "status": event.get("resource_status")}
