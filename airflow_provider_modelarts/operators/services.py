"""Service operators: deploy (real-time, batch, edge), update (new model version, canary weights, start/stop, with
rollback), delete, and predict at a real-time service's ``access_address``.

Every configuration is validated before any request (weights adding up to 100, instance count limits, batch
``mapping_type``/``mapping_rule`` rules, schedule, VPC fields): errors name the field and the fix.
XCom: ``service_id`` and ``access_address`` (deploy, update); ``previous_config`` (update).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from airflow.sdk import BaseOperator
from airflow.sdk.exceptions import AirflowException, AirflowFailException, TaskDeferred

from airflow_provider_modelarts.hooks.connection import DEFAULT_CONN_ID
from airflow_provider_modelarts.links.models import ModelArtsServiceLink
from airflow_provider_modelarts.operators.base import ModelArtsResourceOperator, deterministic_name, run_key
from airflow_provider_modelarts.operators.models import to_v1_obs_path

if TYPE_CHECKING:
    from airflow.sdk.definitions.context import Context

    from airflow_provider_modelarts.client.waiter import WaitOutcome
    from airflow_provider_modelarts.hooks.modelarts import ModelArtsHook

#: The SDK reference's default instance quota per model config (more through a support ticket).
DEFAULT_MAX_INSTANCES = 5
#: Fields of a config entry the update operator copies from the current config when not given.
INHERITED_CONFIG_FIELDS = ("specification", "instance_count", "envs", "custom_spec", "cluster_id", "pool_name")
#: Fields of a config entry that a PUT accepts (what a rollback sends back).
REQUEST_CONFIG_FIELDS = ("model_id", "weight", "specification", "custom_spec", "instance_count", "envs",
                         "cluster_id", "pool_name", "nodes", "src_path", "dest_path", "req_uri", "mapping_type",
                         "mapping_rule", "src_type")
RUN_MARKER = "[airflow:{key}]"


# ---- validation (no remote call) ---------------------------------------------------------------------------------
def _coerce_config(cfg: Any) -> Any:
    from airflow_provider_modelarts.schemas import coerce_numbers

    if not isinstance(cfg, Mapping):
        return cfg
    out = coerce_numbers(dict(cfg), integer_fields=("instance_count", "weight"))
    for key in ("src_path", "dest_path"):
        if isinstance(out.get(key), str) and out[key].startswith("obs://"):
            out[key] = to_v1_obs_path(out[key])
    return out


def schedule_items(schedule: Any) -> tuple[Any, list[str]]:
    """The ``schedule`` argument in its wire form, and the problems of the SDK spelling.

    The SDK reference (表 11-9) names the scheduling type ``op_type``; the API (OTC deploying_services Table 4,
    updating_service_configurations Table 4) names it ``type``. Both are accepted and sent as ``type``; a
    mapping is taken as a one-item list.

    :param schedule: ``None``, one mapping or a list of mappings.
    """
    if schedule in (None, "", [], {}):
        return schedule, []
    items = [schedule] if isinstance(schedule, Mapping) else schedule
    if not isinstance(items, list):
        return schedule, []
    out: list[Any] = []
    problems: list[str] = []
    for n, item in enumerate(items):
        if not isinstance(item, Mapping):
            out.append(item)
            continue
        entry = dict(item)
        if "op_type" in entry:
            op_type = entry.pop("op_type")
            if entry.get("type", op_type) != op_type:
                problems.append(f"- schedule[{n}]: op_type {op_type!r} and type {entry['type']!r} differ (fix: give "
                                "one of them, stop)")
            entry.setdefault("type", op_type)
        if isinstance(entry.get("duration"), str) and entry["duration"].isdigit():
            entry["duration"] = int(entry["duration"])
        out.append(entry)
    return out, problems


def config_problems(configs: Sequence[Mapping[str, Any]], infer_type: str | None, *, max_instances: int,
                    partial: bool = False) -> list[str]:
    """Cross-field rules of a ``config`` array the schema cannot express; one message line per problem.

    :param configs: the config entries
    :param infer_type: real-time, batch or edge (None: unknown, an update).
    :param max_instances: the instance count limit per entry
    :param partial: entries may omit the weight (an
        update that inherits from the current config).
    """
    problems = []
    for i, cfg in enumerate(configs):
        count = cfg.get("instance_count")
        if isinstance(count, int) and count > max_instances:
            problems.append(f"- config[{i}].instance_count: {count} is over the limit of {max_instances} instances "
                            "(fix: lower it, or raise max_instance_count if your quota allows more)")
        if infer_type == "real-time" and cfg.get("weight") is None:
            problems.append(f"- config[{i}].weight is required for a real-time service (fix: a share 0-100; all "
                            "weights add up to 100)")
        if infer_type == "batch":
            missing = [k for k in ("src_path", "dest_path", "req_uri", "mapping_type") if not cfg.get(k)]
            if missing:
                problems.append(f"- config[{i}]: a batch service needs {', '.join(missing)} (fix: the OBS input and "
                                "output folders, the model's inference path and mapping_type file or csv)")
    weights = [c.get("weight") for c in configs]
    given = [w for w in weights if isinstance(w, int)]
    if given and (infer_type == "real-time" or not partial or len(given) == len(weights)) and sum(given) != 100:
        problems.append(f"- config[*].weight: the weights add up to {sum(given)} (fix: make them add up to 100, "
                        "e.g. 90 for the current model and 10 for the canary)")
    if infer_type in ("batch", "edge") and len(configs) != 1:
        problems.append(f"- config: a {infer_type} service takes exactly one model config, got {len(configs)}")
    ids = [c.get("model_id") for c in configs]
    if len(ids) != len(set(map(str, ids))):
        problems.append("- config[*].model_id: the same model is given twice (fix: one entry per model version)")
    return problems


def build_service_body(args: Mapping[str, Any], service_spec: Mapping[str, Any] | None, *, name: str,
                       marker: str, max_instances: int) -> dict[str, Any]:
    """Validate the deploy arguments and build the ``POST /v1/{project_id}/services`` body.

    :param args: ``service_name``, ``infer_type``, ``description``, ``configs``, the network and schedule fields.
    :param service_spec: a REST-shaped body merged over what the arguments produce.
    :param name: the service name when none is given
    :param marker: the run marker added to the description.
    :param max_instances: the instance count limit per config entry.
    :raises SpecError: naming every problem, before any remote call.
    """
    from airflow_provider_modelarts.schemas import SpecError, deep_merge, validate

    values = {k: v for k, v in args.items() if v not in (None, "", [], {})}
    if "configs" in values:
        values["config"] = values.pop("configs")
    values = deep_merge(values, service_spec or {})
    values.setdefault("service_name", name)
    values.setdefault("infer_type", "real-time")
    problems: list[str] = []
    if "schedule" in values:
        values["schedule"], problems = schedule_items(values["schedule"])
    if isinstance(values.get("config"), Mapping):
        values["config"] = [values["config"]]
    if isinstance(values.get("config"), list):
        values["config"] = [_coerce_config(c) for c in values["config"]]
    try:
        validate(values, "service_deploy", what="service arguments")
    except SpecError as exc:
        problems += str(exc).splitlines()[1:]
    configs = [c for c in values.get("config") or [] if isinstance(c, Mapping)]
    problems += config_problems(configs, values.get("infer_type"), max_instances=max_instances)
    if values.get("schedule") and values.get("infer_type") != "real-time":
        problems.append("- schedule: only real-time services can be scheduled to stop (fix: remove schedule)")
    if problems:
        raise SpecError("Invalid service arguments:\n" + "\n".join(problems))
    description = values.get("description") or ""
    if len(description) + len(marker) + 1 <= 100:
        values["description"] = f"{description} {marker}".strip()
    return values


def update_body(configs: Any, model_id: str | None, status: str | None, description: str | None,
                schedule: Any, *, max_instances: int) -> dict[str, Any]:
    """Validate the update arguments and build the (partial) ``PUT`` body; configs may omit inherited fields.

    :raises SpecError: naming every problem, before any remote call.
    """
    from airflow_provider_modelarts.schemas import SpecError

    if model_id and configs:
        raise SpecError("Invalid service update arguments:\n- model_id and configs exclude each other: give one.")
    if model_id:
        configs = [{"model_id": model_id, "weight": 100}]
    if isinstance(configs, Mapping):
        configs = [configs]
    problems = []
    if status not in (None, "", "running", "stopped"):
        problems.append(f"- status: {status!r} (fix: running to start the service, stopped to stop it)")
    if status and configs:
        problems.append("- status and configs: ModelArts applies only status when both are sent (fix: one task "
                        "per change)")
    if not (status or configs or description is not None or schedule):
        problems.append("- nothing to update (fix: give configs, model_id, status, description or schedule)")
    body: dict[str, Any] = {}
    if configs:
        entries = [_coerce_config(c) for c in configs]
        bad = [i for i, c in enumerate(entries) if not isinstance(c, Mapping) or not c.get("model_id")]
        problems += [f"- config[{i}].model_id is required (fix: the id of a published model)" for i in bad]
        if not bad:
            problems += config_problems(entries, None, max_instances=max_instances, partial=True)
            for i, c in enumerate(entries):
                w = c.get("weight")
                if w is not None and (not isinstance(w, int) or not 0 <= w <= 100):
                    problems.append(f"- config[{i}].weight: {w!r} (fix: a whole number 0-100)")
        body["config"] = entries
    if problems:
        raise SpecError("Invalid service update arguments:\n" + "\n".join(problems))
    if status:
        body["status"] = status
    schedule, schedule_problems = schedule_items(schedule)
    if schedule_problems:
        raise SpecError("Invalid service update arguments:\n" + "\n".join(schedule_problems))
    if description is not None:
        body["description"] = description
    if schedule:
        body["schedule"] = schedule
    return body


def request_config(current: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """A service's current ``config`` (as GET shows it) in the form a ``PUT`` accepts."""
    return [{k: c[k] for k in REQUEST_CONFIG_FIELDS if c.get(k) not in (None, "")} for c in current]


def complete_configs(new: Sequence[Mapping[str, Any]], current: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Fill each new entry's missing fields from the current entry of the same model (else the first one)."""
    by_model = {c.get("model_id"): c for c in current}
    out = []
    for cfg in new:
        base = by_model.get(cfg.get("model_id")) or (current[0] if current else {})
        merged = {k: base[k] for k in INHERITED_CONFIG_FIELDS if base.get(k) not in (None, "")}
        merged.update({k: v for k, v in cfg.items() if v is not None})
        out.append(merged)
    return out


def abnormal_events(hook: ModelArtsHook, service_id: str, since_ms: int | None = None, limit: int = 3) -> list[str]:
    """The newest abnormal events of a service (the remote cause of a failed deploy or update)."""
    try:
        events = hook.get_service_events(service_id, event_type="abnormal", start_time=since_ms)
    except Exception:  # the error message is a bonus: never hide the failure for it
        return []
    return [str(e.get("event_info")) for e in events[-limit:] if e.get("event_info")]


# ---- operators ---------------------------------------------------------------------------------------------------
class ModelArtsDeployServiceOperator(ModelArtsResourceOperator):
    """Deploy a real-time, batch or edge service (``POST /v1/{project_id}/services``) and wait for it.

    Arguments (SDK reference section 11.3, templated): ``service_name`` (default ``<task_id>-<run key>``),
    ``infer_type`` (real-time, batch, edge), ``configs`` (``[{model_id, specification, instance_count, weight,
    envs, custom_spec}]``; batch adds ``src_path``, ``dest_path``, ``req_uri``, ``mapping_type`` file|csv and
    ``mapping_rule`` (required for csv); edge adds ``nodes``), or the one-model shorthand ``model_id`` +
    ``specification`` + ``instance_count`` (+ ``envs``; weight 100); ``description``; ``vpc_id`` with
    ``subnet_network_id`` and ``security_group_id``; ``cluster_id``, ``pool_name``; ``schedule``
    (``{type: stop, time_unit: DAYS|HOURS|MINUTES, duration}``, real-time only; the SDK reference's ``op_type``
    is accepted for ``type``); ``workspace_id``;
    ``service_spec``: a raw body merged over them.

    :param max_instance_count: the per-config instance limit checked before the request (default 5, the SDK
        reference's quota; the API's bound is 128).

    Waits until ``running`` (real-time, edge) or ``finished`` (batch); ``failed`` fails the task with the remote
    ``error_msg`` and the abnormal events, ``stopped`` too; ``concerning`` is waited through (``max_wait`` then
    stops the service). A retry reattaches to the service the earlier try created (task state store, or its name
    and the run marker ``[airflow:<run key>]`` added to the description). XCom: ``service_id``,
    ``access_address`` (real-time).
    """

    resource_kind = "service"
    template_fields: Sequence[str] = (
        "service_name", "infer_type", "configs", "model_id", "specification", "instance_count", "envs",
        "description", "vpc_id", "subnet_network_id", "security_group_id", "cluster_id", "pool_name", "schedule",
        "workspace_id", "service_spec", "modelarts_conn_id")
    template_fields_renderers = {"configs": "json", "service_spec": "json", "schedule": "json", "envs": "json"}
    operator_extra_links = (ModelArtsServiceLink(),)

    def __init__(self, *, configs: list[dict[str, Any]] | None = None, model_id: str | None = None,
                 specification: str | None = None, instance_count: int | str | None = None,
                 envs: dict[str, str] | None = None, service_name: str | None = None,
                 infer_type: str = "real-time", description: str | None = None, vpc_id: str | None = None,
                 subnet_network_id: str | None = None, security_group_id: str | None = None,
                 cluster_id: str | None = None, pool_name: str | None = None, schedule: Any = None,
                 workspace_id: str | None = None, service_spec: dict[str, Any] | None = None,
                 max_instance_count: int = DEFAULT_MAX_INSTANCES, **kwargs: Any) -> None:
        kwargs.setdefault("stream_logs", False)
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

    def _configs(self) -> Any:
        if self.configs or not self.model_id:
            return self.configs
        cfg: dict[str, Any] = {"model_id": self.model_id, "specification": self.specification,
                               "instance_count": 1 if self.instance_count in (None, "") else self.instance_count}
        if self.infer_type == "real-time":
            cfg["weight"] = 100
        if self.envs:
            cfg["envs"] = self.envs
        return [cfg]

    def prepare(self, context: Context) -> dict[str, Any]:
        from airflow_provider_modelarts.schemas import SpecError

        args = {"service_name": self.service_name, "infer_type": self.infer_type, "description": self.description,
                "configs": self._configs(), "vpc_id": self.vpc_id, "subnet_network_id": self.subnet_network_id,
                "security_group_id": self.security_group_id, "cluster_id": self.cluster_id,
                "pool_name": self.pool_name, "schedule": self.schedule, "workspace_id": self.workspace_id}
        name = deterministic_name(context)
        try:
            body = build_service_body(args, self.service_spec, name=name if name[0].isalpha() else f"svc-{name}"[:64],
                                      marker=RUN_MARKER.format(key=run_key(context)),
                                      max_instances=int(self.max_instance_count))
        except SpecError as exc:
            raise AirflowFailException(str(exc)) from None
        self.resource_kind = "batch_service" if body["infer_type"] == "batch" else "service"  # type: ignore[misc]
        return body

    def create(self, context: Context, body: dict[str, Any]) -> dict[str, Any]:
        return {"service_id": self.hook.create_service(body)}

    def find_existing(self, context: Context, body: dict[str, Any]) -> dict[str, Any] | None:
        marker = RUN_MARKER.format(key=run_key(context))
        deterministic = body["service_name"].endswith(run_key(context))
        found = [s for s in self.hook.find_services_by_name(body["service_name"])
                 if deterministic or marker in (s.get("description") or "")]
        return {"service_id": found[0]["service_id"]} if found else None

    def push_ids(self, context: Context, ids: Mapping[str, Any]) -> None:
        super().push_ids(context, ids)
        ModelArtsServiceLink.persist(context, region=self.hook.settings.region, service_id=ids["service_id"],
                                     infer_type="batch" if self.resource_kind == "batch_service" else "realtime")

    def finish(self, context: Context, outcome: WaitOutcome) -> Any:
        summary = dict(outcome.summary)
        if summary.get("access_address"):
            context["ti"].xcom_push(key="access_address", value=summary["access_address"])
        return summary

    def failure_message(self, outcome: WaitOutcome) -> str:
        text = f"Service {outcome.ids['service_id']} ended {outcome.state}: {outcome.message}"
        events = abnormal_events(self.hook, outcome.ids["service_id"])
        return text + ("\nAbnormal events: " + " | ".join(events) if events else "")


class ModelArtsUpdateServiceOperator(ModelArtsResourceOperator):
    """Update a service (``PUT /v1/{project_id}/services/{service_id}``) and wait until it runs again.

    :param service_id: the service (templated).
    :param configs: the new ``config`` (templated): e.g. a canary ``[{"model_id": old, "weight": 90},
        {"model_id": new, "weight": 10}]``. Fields not given (specification, instance_count, envs ...) are taken
        from the current config of the same model, else from its first entry.
    :param model_id: shorthand for ``configs=[{"model_id": model_id, "weight": 100}]`` (a new model version).
    :param status: ``running`` (start) or ``stopped`` (stop); not together with configs.
    :param description: / ``schedule``: also updated when given.
    :param rollback_on_failure: when the config update fails, put the previous config back (and wait for it),
        then fail the task with the remote error.
    :param max_instance_count: the per-config instance limit checked before the request.

    A config update is followed through the service's update logs (resource kind ``service_update``: the newest
    log entry's ``result`` RUNNING/SUCCESS/FAIL), since a failed rolling update leaves the service running on its
    old config; then the service itself is waited for until running. A start waits until running, a stop until
    stopped. XCom: ``service_id``, ``previous_config`` (the config before the update), ``access_address``.
    """

    resource_kind = "service_update"
    template_fields: Sequence[str] = ("service_id", "configs", "model_id", "status", "description", "schedule",
                                      "modelarts_conn_id")
    template_fields_renderers = {"configs": "json", "schedule": "json"}
    operator_extra_links = (ModelArtsServiceLink(),)

    def __init__(self, *, service_id: str, configs: list[dict[str, Any]] | None = None, model_id: str | None = None,
                 status: str | None = None, description: str | None = None, schedule: Any = None,
                 rollback_on_failure: bool = False, max_instance_count: int = DEFAULT_MAX_INSTANCES,
                 **kwargs: Any) -> None:
        kwargs.setdefault("stream_logs", False)
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

    def prepare(self, context: Context) -> dict[str, Any]:
        from airflow_provider_modelarts.schemas import SpecError

        try:
            body = update_body(self.configs, self.model_id, self.status, self.description, self.schedule,
                               max_instances=int(self.max_instance_count))
        except SpecError as exc:
            raise AirflowFailException(str(exc)) from None
        if "config" not in body:  # start/stop (or description/schedule only): the service's own status tells
            self.resource_kind = "service"  # type: ignore[misc]
            self.expect_stop = body.get("status") == "stopped"  # type: ignore[misc]
        return body

    def _put_config(self, config: list[dict[str, Any]], extra: Mapping[str, Any]) -> dict[str, Any]:
        """PUT a config; the ids of the wait on its update log (entries newer than the newest one now)."""
        logs = self.hook.get_service_update_logs(self.service_id)
        since = max((int(e.get("update_time") or 0) for e in logs), default=-1) + 1
        self.hook.update_service(self.service_id, {**extra, "config": config})
        return {"service_id": self.service_id, "update_time": since}

    def create(self, context: Context, body: dict[str, Any]) -> dict[str, Any]:
        current = self.hook.get_service(self.service_id)
        self.previous_config = request_config(current.get("config") or [])
        context["ti"].xcom_push(key="previous_config", value=self.previous_config)
        if "config" not in body:
            self.hook.update_service(self.service_id, body)
            return {"service_id": self.service_id}
        new = complete_configs(body["config"], current.get("config") or [])
        self.log.info("Updating service %s from %s to %s", self.service_id, self.previous_config, new)
        return self._put_config(new, {k: v for k, v in body.items() if k != "config"})

    def find_existing(self, context: Context, body: dict[str, Any]) -> dict[str, Any] | None:
        return None  # an update has no name; the task state store reattaches a retry

    def push_ids(self, context: Context, ids: Mapping[str, Any]) -> None:
        context["ti"].xcom_push(key="service_id", value=ids["service_id"])
        ModelArtsServiceLink.persist(context, region=self.hook.settings.region, service_id=ids["service_id"],
                                     infer_type="realtime")

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

        previous = self.previous_config or context["ti"].xcom_pull(task_ids=self.task_id, key="previous_config")
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
        return self.rollback_result(result, previous)

    @staticmethod
    def rollback_result(result: WaitOutcome, previous: Sequence[Mapping[str, Any]]) -> str:
        """The sentence saying how the wait for the rollback's update ended."""
        from airflow_provider_modelarts.client.states import SUCCESS

        if result.state != SUCCESS:
            return f"Rollback to the previous config FAILED: {result.message}"
        return f"Rolled back to the previous config {list(previous)} (update log {result.status})."

    def rollback_complete(self, context: Context, event: dict[str, Any] | None = None,
                          deadline: float | None = None, failure: str = "",
                          previous: list[dict[str, Any]] | None = None) -> Any:
        """Resume after a deferred rollback: fail the task with the update's failure and the rollback's result."""
        from airflow_provider_modelarts.client.waiter import WaitOutcome

        if not event or event.get("status") == "error":
            sentence = f"Rollback to the previous config FAILED: {(event or {}).get('message', 'no trigger event')}"
        else:
            sentence = self.rollback_result(WaitOutcome.from_event(event), previous or [])
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
        if summary.get("access_address"):
            context["ti"].xcom_push(key="access_address", value=summary["access_address"])
        return summary

    def failure_message(self, outcome: WaitOutcome) -> str:
        text = f"Update of service {self.service_id} ended {outcome.state}: {outcome.message}"
        since = outcome.ids.get("update_time")
        events = abnormal_events(self.hook, self.service_id, since if isinstance(since, int) else None)
        return text + ("\nAbnormal events: " + " | ".join(events) if events else "")


class ModelArtsDeleteServiceOperator(ModelArtsResourceOperator):
    """Delete a service (``DELETE /v1/{project_id}/services/{service_id}``).

    :param service_id: the service (templated)
    :param ignore_missing: a missing service is not an error.
    """

    resource_kind = "service"
    template_fields: Sequence[str] = ("service_id", "modelarts_conn_id")

    id_args = ('service_id',)

    def __init__(self, *, service_id: str, ignore_missing: bool = True, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.service_id = service_id
        self.ignore_missing = ignore_missing

    def execute(self, context: Context) -> None:
        self.check_id_args()
        self.delete_remote(f"Service {self.service_id}", lambda: self.hook.delete_service(self.service_id),
                           ignore_missing=self.ignore_missing)


class ModelArtsPredictOperator(BaseOperator):
    """Call a real-time service: ``POST {access_address}{path}`` signed with the connection's credentials.

    :param service_id: the service (its ``access_address`` is taken from an upstream deploy or update task's
        return value, else read with one GET), or
    :param access_address: the inference address itself (e.g. the deploy task's XCom ``access_address``).
    :param payload: a JSON body (templated; a string is parsed as JSON), or
    :param file_path: a file to send as ``multipart/form-data`` (a local path or ``obs://``), under
        ``file_field`` (the model's input name, default ``images``) with ``content_type``.
    :param path: the inference path inside the service (default ``/``).
    :param modelarts_conn_id: the ``modelarts`` connection.

    The model's answer is the return value (XCom ``return_value``), passed through unchanged.
    """

    template_fields: Sequence[str] = ("service_id", "access_address", "payload", "file_path", "path",
                                      "modelarts_conn_id")
    template_fields_renderers = {"payload": "json"}
    ui_color = "#fde2e2"

    def __init__(self, *, service_id: str | None = None, access_address: str | None = None, payload: Any = None,
                 file_path: str | None = None, file_field: str = "images",
                 content_type: str = "application/octet-stream", path: str = "/",
                 modelarts_conn_id: str = DEFAULT_CONN_ID, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.service_id = service_id
        self.access_address = access_address
        self.payload = payload
        self.file_path = file_path
        self.file_field = file_field
        self.content_type = content_type
        self.path = path
        self.modelarts_conn_id = modelarts_conn_id

    def _check(self) -> Any:
        import json

        if bool(self.service_id) == bool(self.access_address):
            raise AirflowFailException("Give service_id or access_address (exactly one).")
        if (self.payload is None) == (not self.file_path):
            raise AirflowFailException("Give payload (JSON) or file_path (exactly one).")
        if isinstance(self.payload, str):
            try:
                return json.loads(self.payload)
            except ValueError as exc:
                raise AirflowFailException(f"payload is a string but not JSON ({exc}); give a dict or JSON "
                                           "text.") from None
        return self.payload

    def execute(self, context: Context) -> Any:
        from airflow_provider_modelarts.hooks.modelarts import ModelArtsHook

        payload = self._check()
        hook = ModelArtsHook(self.modelarts_conn_id)
        address = self.access_address or self._upstream_address(context) or hook.get_service(
            str(self.service_id)).get("access_address")
        if not address:
            raise AirflowException(f"Service {self.service_id} has no access_address (not a deployed real-time "
                                   "service).")
        if self.file_path:
            content, name = self._read_file()
            result = hook.predict_file(address, content, name, field=self.file_field, path=self.path,
                                       content_type=self.content_type)
        else:
            result = hook.predict(address, payload, self.path)
        self.log.info("Prediction from %s: %s", address, str(result)[:500])
        return result

    def _upstream_address(self, context: Context) -> str | None:
        """The service's ``access_address`` from an upstream deploy or update task's return value (no request)."""
        from airflow_provider_modelarts.operators.upstream import upstream_summary

        summary = upstream_summary(self, context, (ModelArtsDeployServiceOperator, ModelArtsUpdateServiceOperator),
                                   "service_id", str(self.service_id), "access_address")
        return str(summary["access_address"]) if summary else None

    def _read_file(self) -> tuple[bytes, str]:
        path = str(self.file_path)
        if path.startswith("obs://"):
            from airflow_provider_modelarts.hooks.obs import OBSHook

            return OBSHook(self.modelarts_conn_id).read_bytes(path), path.rstrip("/").rsplit("/", 1)[-1]
        with open(path, "rb") as fh:
            return fh.read(), os.path.basename(path)
