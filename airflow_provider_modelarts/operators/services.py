"""Service operators: deploy (real-time, batch, edge), update (new model version, canary weights, start/stop, with
rollback), delete, and predict at a real-time service's ``access_address``.

Every configuration is validated before any request by :mod:`airflow_provider_modelarts.specs.services` (weights
adding up to 100, instance count limits, batch ``mapping_type``/``mapping_rule`` rules, schedule, VPC fields):
errors name the field and the fix. XCom: :data:`SERVICE_ID` and :data:`ACCESS_ADDRESS` (deploy, update);
:data:`PREVIOUS_CONFIG` (update).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from airflow.sdk.exceptions import AirflowException, TaskDeferred

from airflow_provider_modelarts.links.models import ModelArtsServiceLink
from airflow_provider_modelarts.operators.base import (
    ModelArtsBaseOperator,
    ModelArtsDeleteOperator,
    ModelArtsResourceOperator,
)
from airflow_provider_modelarts.specs.naming import deterministic_name, run_key
from airflow_provider_modelarts.specs.services import (
    DEFAULT_MAX_INSTANCES,
    build_service_body,
    complete_configs,
    one_model_configs,
    predict_payload,
    request_config,
    rollback_sentence,
    service_kind,
    update_body,
)

if TYPE_CHECKING:
    from airflow.sdk.definitions.context import Context

    from airflow_provider_modelarts.client.waiter import Waiter, WaitOutcome

#: XCom key: the service's id (deploy, update).
SERVICE_ID = "service_id"
#: XCom key: a real-time service's inference address (deploy, update).
ACCESS_ADDRESS = "access_address"
#: XCom key: the service's config before an update (what a rollback puts back).
PREVIOUS_CONFIG = "previous_config"
RUN_MARKER = "[airflow:{key}]"


# ---- operators ---------------------------------------------------------------------------------------------------
class ModelArtsDeployServiceOperator(ModelArtsResourceOperator):
    """Deploy a real-time, batch or edge service (``POST /v1/{project_id}/services``) and wait for it.

    The arguments follow the SDK reference section 11.3; all but ``max_instance_count`` are templated.

    :param configs: the model configs ``[{model_id, specification, instance_count, weight, envs, custom_spec}]``;
        batch adds ``src_path``, ``dest_path``, ``req_uri``, ``mapping_type`` file|csv and ``mapping_rule``
        (required for csv); edge adds ``nodes``. Not together with ``model_id``.
    :param model_id: the one-model shorthand: this model with ``specification`` and ``instance_count`` (weight
        100 for a real-time service).
    :param specification: the shorthand's flavor (e.g. ``modelarts.vm.cpu.2u``).
    :param instance_count: the shorthand's instance count (default 1).
    :param envs: the shorthand's environment variables.
    :param service_name: the service name (default ``<task_id>-<run key>``).
    :param infer_type: ``real-time`` (default), ``batch`` or ``edge``.
    :param description: the description (the run marker ``[airflow:<run key>]`` is added when it fits).
    :param vpc_id: the VPC to deploy in (with ``subnet_network_id`` and ``security_group_id``).
    :param subnet_network_id: the subnet of ``vpc_id``.
    :param security_group_id: the security group of ``vpc_id``.
    :param cluster_id: the dedicated resource pool's cluster.
    :param pool_name: the dedicated resource pool.
    :param schedule: stop the service after a time: ``{type: stop, time_unit: DAYS|HOURS|MINUTES, duration}``
        (real-time only; the SDK reference's ``op_type`` is accepted for ``type``).
    :param workspace_id: the workspace.
    :param service_spec: a raw REST body merged over what the arguments produce.
    :param max_instance_count: the per-config instance limit checked before the request (default 5, the SDK
        reference's quota; the API's bound is 128).

    Waits until ``running`` (real-time, edge) or ``finished`` (batch); ``failed`` fails the task with the remote
    ``error_msg`` and the abnormal events, ``stopped`` too; ``concerning`` is waited through (``max_wait`` then
    stops the service). A retry reattaches to the service the earlier try created (task state store, or its name
    and the run marker added to the description). XCom: :data:`SERVICE_ID`, :data:`ACCESS_ADDRESS` (real-time).
    """

    resource_kind = "service"
    xcom_keys = (SERVICE_ID, ACCESS_ADDRESS)
    console_link = ModelArtsServiceLink
    template_fields: Sequence[str] = (
        "service_name", "infer_type", "configs", "model_id", "specification", "instance_count", "envs",
        "description", "vpc_id", "subnet_network_id", "security_group_id", "cluster_id", "pool_name", "schedule",
        "workspace_id", "service_spec")
    template_fields_renderers = {"configs": "json", "service_spec": "json", "schedule": "json", "envs": "json"}

    def __init__(self, *, configs: list[dict[str, Any]] | None = None, model_id: str | None = None,
                 specification: str | None = None, instance_count: int | str | None = None,
                 envs: dict[str, str] | None = None, service_name: str | None = None,
                 infer_type: str = "real-time", description: str | None = None, vpc_id: str | None = None,
                 subnet_network_id: str | None = None, security_group_id: str | None = None,
                 cluster_id: str | None = None, pool_name: str | None = None, schedule: Any = None,
                 workspace_id: str | None = None, service_spec: dict[str, Any] | None = None,
                 max_instance_count: int = DEFAULT_MAX_INSTANCES, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.configs = configs
        self.model_id = model_id
        self.specification = specification
        self.instance_count = instance_count
        self.envs = envs
        self.service_name = service_name
        self.infer_type = infer_type
        self.description = description
        self.vpc_id = vpc_id
        self.subnet_network_id = subnet_network_id
        self.security_group_id = security_group_id
        self.cluster_id = cluster_id
        self.pool_name = pool_name
        self.schedule = schedule
        self.workspace_id = workspace_id
        self.service_spec = service_spec
        self.max_instance_count = max_instance_count

    @property
    def kind(self) -> str:
        """``batch_service`` for a batch service (done when finished), else ``service`` (done when running)."""
        return service_kind((self.service_spec or {}).get("infer_type", self.infer_type))

    def prepare(self, context: Context) -> dict[str, Any]:
        configs = one_model_configs(self.configs, model_id=self.model_id, specification=self.specification,
                                    instance_count=self.instance_count, envs=self.envs, infer_type=self.infer_type)
        args = {"service_name": self.service_name, "infer_type": self.infer_type, "description": self.description,
                "configs": configs, "vpc_id": self.vpc_id, "subnet_network_id": self.subnet_network_id,
                "security_group_id": self.security_group_id, "cluster_id": self.cluster_id,
                "pool_name": self.pool_name, "schedule": self.schedule, "workspace_id": self.workspace_id}
        return build_service_body(args, self.service_spec, name=deterministic_name(context),
                                  marker=RUN_MARKER.format(key=run_key(context)),
                                  max_instances=int(self.max_instance_count))

    def create(self, context: Context, body: dict[str, Any]) -> dict[str, Any]:
        return {SERVICE_ID: self.hook.create_service(body)}

    def find_existing(self, context: Context, body: dict[str, Any]) -> dict[str, Any] | None:
        marker = RUN_MARKER.format(key=run_key(context))
        deterministic = body["service_name"].endswith(run_key(context))
        found = [s for s in self.hook.find_services_by_name(body["service_name"])
                 if deterministic or marker in (s.get("description") or "")]
        return {SERVICE_ID: found[0]["service_id"]} if found else None

    def link_values(self, ids: Mapping[str, Any]) -> dict[str, Any]:
        return {"service_id": ids[SERVICE_ID], "infer_type": "batch" if self.kind == "batch_service" else "realtime"}

    def finish(self, context: Context, outcome: WaitOutcome) -> Any:
        self.push_values(context, {ACCESS_ADDRESS: outcome.summary.get(ACCESS_ADDRESS)})
        return dict(outcome.summary)

    def failure_text(self, outcome: WaitOutcome) -> str:
        text = f"Service {outcome.ids['service_id']} ended {outcome.state}: {outcome.message}"
        events = self.hook.abnormal_event_texts(outcome.ids["service_id"])
        return text + ("\nAbnormal events: " + " | ".join(events) if events else "")


class ModelArtsUpdateServiceOperator(ModelArtsResourceOperator):
    """Update a service (``PUT /v1/{project_id}/services/{service_id}``) and wait until it runs again.

    :param service_id: the service (templated).
    :param configs: the new ``config`` (templated): e.g. a canary ``[{"model_id": old, "weight": 90},
        {"model_id": new, "weight": 10}]``. Fields not given (specification, instance_count, envs ...) are taken
        from the current config of the same model, else from its first entry.
    :param model_id: shorthand for ``configs=[{"model_id": model_id, "weight": 100}]`` (a new model version).
    :param status: ``running`` (start) or ``stopped`` (stop); not together with configs.
    :param description: the new description (templated).
    :param schedule: the new schedule (templated; see the deploy operator).
    :param rollback_on_failure: when the config update fails, put the previous config back (and wait for it),
        then fail the task with the remote error.
    :param max_instance_count: the per-config instance limit checked before the request.

    A config update is followed through the service's update logs (resource kind ``service_update``: the newest
    log entry's ``result`` RUNNING/SUCCESS/FAIL), since a failed rolling update leaves the service running on its
    old config; then the service itself is waited for until running. A start waits until running, a stop until
    stopped. XCom: :data:`SERVICE_ID`, :data:`PREVIOUS_CONFIG` (the config before the update; the rollback reads
    it back after a deferral, so it is pushed even with ``do_xcom_push`` off), :data:`ACCESS_ADDRESS`.
    """

    resource_kind = "service_update"
    xcom_keys = (SERVICE_ID, PREVIOUS_CONFIG, ACCESS_ADDRESS)
    console_link = ModelArtsServiceLink
    template_fields: Sequence[str] = ("service_id", "configs", "model_id", "status", "description", "schedule")
    template_fields_renderers = {"configs": "json", "schedule": "json"}

    def __init__(self, *, service_id: str, configs: list[dict[str, Any]] | None = None, model_id: str | None = None,
                 status: str | None = None, description: str | None = None, schedule: Any = None,
                 rollback_on_failure: bool = False, max_instance_count: int = DEFAULT_MAX_INSTANCES,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.service_id = service_id
        self.configs = configs
        self.model_id = model_id
        self.status = status
        self.description = description
        self.schedule = schedule
        self.rollback_on_failure = rollback_on_failure
        self.max_instance_count = max_instance_count
        self.previous_config: list[dict[str, Any]] | None = None

    @property
    def kind(self) -> str:
        """``service_update`` (the update logs) for a config change, else ``service`` (its own status)."""
        return "service_update" if self.configs or self.model_id else "service"

    @property
    def stopping(self) -> bool:
        """The update stops the service: a stopped service is then the success of the wait."""
        return self.status == "stopped" and self.kind == "service"

    def _waiter(self, ids: Mapping[str, Any], deadline: float | None, log_cursor: int = 0,
                kind: str | None = None) -> Waiter:
        waiter = super()._waiter(ids, deadline, log_cursor, kind)
        waiter.expect_stop = self.stopping
        return waiter

    def prepare(self, context: Context) -> dict[str, Any]:
        return update_body(self.configs, self.model_id, self.status, self.description, self.schedule,
                           max_instances=int(self.max_instance_count))

    def _put_config(self, config: list[dict[str, Any]], extra: dict[str, Any]) -> dict[str, Any]:
        """PUT a config; the ids of the wait on its update log (entries newer than the newest one now)."""
        since = self.hook.put_service_config(self.service_id, config, extra)
        return {SERVICE_ID: self.service_id, "update_time": since}

    def create(self, context: Context, body: dict[str, Any]) -> dict[str, Any]:
        current = self.hook.get_service(self.service_id)
        self.previous_config = request_config(current.get("config") or [])
        context["ti"].xcom_push(key=PREVIOUS_CONFIG, value=self.previous_config)
        if "config" not in body:
            self.hook.update_service(self.service_id, body)
            return {SERVICE_ID: self.service_id}
        new = complete_configs(body["config"], current.get("config") or [])
        self.log.info("Updating service %s from %s to %s", self.service_id, self.previous_config, new)
        return self._put_config(new, {k: v for k, v in body.items() if k != "config"})

    def find_existing(self, context: Context, body: dict[str, Any]) -> dict[str, Any] | None:
        return None  # an update has no name; the task state store reattaches a retry

    def link_values(self, ids: Mapping[str, Any]) -> dict[str, Any]:
        return {"service_id": ids[SERVICE_ID], "infer_type": "realtime"}

    def complete(self, context: Context, outcome: WaitOutcome) -> Any:
        from airflow_provider_modelarts.client.states import FAILURE

        if outcome.kind == "service_update" and outcome.state == FAILURE and self.rollback_on_failure:
            raise AirflowException(self.failure_message(outcome) + "\n" + self.rollback(context, outcome))
        return super().complete(context, outcome)

    def rollback(self, context: Context, outcome: WaitOutcome) -> str:
        """Put the previous config back and wait for that update (within the same ``max_wait``); a sentence
        saying how it went. In deferrable mode the wait is deferred and :meth:`rollback_complete` fails the task.

        :param outcome: the failed update (its message is carried across a deferral).
        """
        from airflow_provider_modelarts.client.waiter import wait_sync

        previous = self.previous_config or context["ti"].xcom_pull(task_ids=self.task_id, key=PREVIOUS_CONFIG)
        if not previous:
            return "Rollback impossible: the previous config is unknown."
        self.log.warning("The update failed: rolling service %s back to %s", self.service_id, previous)
        try:
            ids = self._put_config(list(previous), {})
            waiter = self._waiter(ids, self.wait_deadline)
            if self.deferrable:
                self.defer_wait(waiter, method_name="rollback_complete",
                                kwargs={"failure": self.failure_message(outcome), "previous": list(previous)})
            result = wait_sync(self.hook.client, waiter)
        except TaskDeferred:
            raise
        except Exception as exc:
            return f"Rollback to the previous config FAILED: {exc}"
        return rollback_sentence(result.state, result.message, result.status, previous)

    def rollback_complete(self, context: Context, event: dict[str, Any] | None = None,
                          deadline: float | None = None, failure: str = "",
                          previous: list[dict[str, Any]] | None = None) -> Any:
        """Resume after a deferred rollback: fail the task with the update's failure and the rollback's result."""
        from airflow_provider_modelarts.client.waiter import WaitOutcome

        if not event or event.get("status") == "error":
            sentence = f"Rollback to the previous config FAILED: {(event or {}).get('message', 'no trigger event')}"
        else:
            result = WaitOutcome.from_event(event)
            sentence = rollback_sentence(result.state, result.message, result.status, previous or [])
        raise AirflowException(failure + "\n" + sentence)

    def finish(self, context: Context, outcome: WaitOutcome) -> Any:
        """After the update log says SUCCESS (or the start/stop is done): the service, waited until running.

        The follow-up wait keeps the update's deadline (``max_wait``) and, in deferrable mode, is deferred too (the
        task resumes in :meth:`execute_complete` with a ``service`` outcome), so no worker slot is held.
        """
        from airflow_provider_modelarts.client.resources import summarize_service
        from airflow_provider_modelarts.client.states import classify
        from airflow_provider_modelarts.client.waiter import wait_sync

        if outcome.kind != "service_update":
            summary = dict(outcome.summary)
        else:
            service = self.hook.get_service(self.service_id)
            if not classify("service", service).done:
                waiter = self._waiter({"service_id": self.service_id}, self.wait_deadline, kind="service")
                if self.deferrable:
                    self.defer_wait(waiter)
                return self.complete(context, wait_sync(self.hook.client, waiter))
            summary = summarize_service(service)
        self.push_values(context, {ACCESS_ADDRESS: summary.get(ACCESS_ADDRESS)})
        return summary

    def failure_text(self, outcome: WaitOutcome) -> str:
        text = f"Update of service {self.service_id} ended {outcome.state}: {outcome.message}"
        since = outcome.ids.get("update_time")
        events = self.hook.abnormal_event_texts(self.service_id, since if isinstance(since, int) else None)
        return text + ("\nAbnormal events: " + " | ".join(events) if events else "")



class ModelArtsDeleteServiceOperator(ModelArtsDeleteOperator):
    """Delete a service (``DELETE /v1/{project_id}/services/{service_id}``).

    :param service_id: the service (templated).
    """

    id_args = ("service_id",)
    what = "Service"

    def __init__(self, *, service_id: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.service_id = service_id

    def delete(self) -> Any:
        return self.hook.delete_service(self.service_id)


class ModelArtsPredictOperator(ModelArtsBaseOperator):
    """Call a real-time service: ``POST {access_address}{path}`` signed with the connection's credentials.

    :param service_id: the service (its ``access_address`` is taken from an upstream deploy or update task's
        return value, else read with one GET); not together with ``access_address``.
    :param access_address: the inference address itself (e.g. the deploy task's XCom ``access_address``).
    :param payload: a JSON body (templated; a string is parsed as JSON); not together with ``file_path``.
    :param file_path: a file to send as ``multipart/form-data`` (a local path or ``obs://``).
    :param file_field: the form field of the file: the model's input name (default ``images``).
    :param content_type: the file's content type.
    :param path: the inference path inside the service (default ``/``).
    :param modelarts_conn_id: the ``modelarts`` connection.

    The model's answer is the return value (XCom ``return_value``), passed through unchanged.
    """

    template_fields: Sequence[str] = ("service_id", "access_address", "payload", "file_path", "path")
    template_fields_renderers = {"payload": "json"}

    def __init__(self, *, service_id: str | None = None, access_address: str | None = None, payload: Any = None,
                 file_path: str | None = None, file_field: str = "images",
                 content_type: str = "application/octet-stream", path: str = "/", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.service_id = service_id
        self.access_address = access_address
        self.payload = payload
        self.file_path = file_path
        self.file_field = file_field
        self.content_type = content_type
        self.path = path

    def run(self, context: Context) -> Any:
        payload = predict_payload(service_id=self.service_id, access_address=self.access_address,
                                  payload=self.payload, file_path=self.file_path)
        address = self.access_address or self._upstream_address(context) or self.hook.get_service(
            str(self.service_id)).get(ACCESS_ADDRESS)
        if not address:
            raise AirflowException(f"Service {self.service_id} has no access_address (not a deployed real-time "
                                   "service).")
        if self.file_path:
            from airflow_provider_modelarts.hooks.obs import read_local_or_obs

            content, name = read_local_or_obs(str(self.file_path), self.modelarts_conn_id)
            result = self.hook.predict_file(address, content, name, field=self.file_field, path=self.path,
                                            content_type=self.content_type)
        else:
            result = self.hook.predict(address, payload, self.path)
        self.log.info("Prediction from %s: %s", address, str(result)[:500])
        return result

    def _upstream_address(self, context: Context) -> str | None:
        """The service's ``access_address`` from an upstream deploy or update task's return value (no request)."""
        from airflow_provider_modelarts.operators.upstream import upstream_summary

        summary = upstream_summary(self, context, (ModelArtsDeployServiceOperator, ModelArtsUpdateServiceOperator),
                                   "service_id", str(self.service_id), "access_address")
        return str(summary["access_address"]) if summary else None
