"""Service request bodies: deploy (``POST /v1/{project_id}/services``) and update (``PUT .../{service_id}``).

Every rule is checked before any request (weights adding up to 100, instance count limits, batch
``mapping_type``/``mapping_rule`` rules, schedule, VPC fields); every problem is collected and raised once as a
:class:`~airflow_provider_modelarts.specs.SpecError`, each naming the field and the fix.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from airflow_provider_modelarts import schemas
from airflow_provider_modelarts.client.obs_paths import is_obs_url, to_slash_path
from airflow_provider_modelarts.client.states import SUCCESS
from airflow_provider_modelarts.schemas import SpecError, coerce_numbers, deep_merge

#: The SDK reference's default instance quota per model config (more through a support ticket).
DEFAULT_MAX_INSTANCES = 5
#: Fields of a config entry the update operator copies from the current config when not given.
INHERITED_CONFIG_FIELDS = ("specification", "instance_count", "envs", "custom_spec", "cluster_id", "pool_name")
#: Fields of a config entry that a PUT accepts (what a rollback sends back).
REQUEST_CONFIG_FIELDS = ("model_id", "weight", "specification", "custom_spec", "instance_count", "envs",
                         "cluster_id", "pool_name", "nodes", "src_path", "dest_path", "req_uri", "mapping_type",
                         "mapping_rule", "src_type")
#: Config fields holding an OBS folder (batch input and output), sent in the ``/bucket/dir/`` form.
OBS_FOLDER_FIELDS = ("src_path", "dest_path")


def service_kind(infer_type: Any) -> str:
    """The resource kind a deployed service is waited on as: ``batch_service`` (done when finished) for a batch
    service, else ``service`` (done when running).

    :param infer_type: real-time, batch or edge.
    """
    return "batch_service" if infer_type == "batch" else "service"


def _coerce_config(cfg: Any, n: int, problems: list[str]) -> Any:
    """One config entry with numeric strings as numbers and ``obs://`` folders in the ``/bucket/dir/`` form.

    :param cfg: the entry (anything else than a mapping is left to the schema).
    :param n: its index, for the problem lines.
    :param problems: where a bad OBS path is reported.
    """
    if not isinstance(cfg, Mapping):
        return cfg
    out = coerce_numbers(dict(cfg), integer_fields=("instance_count", "weight"))
    for key in OBS_FOLDER_FIELDS:
        if is_obs_url(out.get(key)):
            try:
                out[key] = to_slash_path(out[key], folder=True)
            except ValueError as exc:
                problems.append(f"config[{n}].{key}: {exc} (fix: an OBS folder like obs://bucket/dir/)")
    return out


def _coerce_configs(configs: Sequence[Any], problems: list[str]) -> list[Any]:
    return [_coerce_config(c, n, problems) for n, c in enumerate(configs)]


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
                problems.append(f"schedule[{n}]: op_type {op_type!r} and type {entry['type']!r} differ (fix: give "
                                "one of them, stop)")
            entry.setdefault("type", op_type)
        if isinstance(entry.get("duration"), str) and entry["duration"].isdigit():
            entry["duration"] = int(entry["duration"])
        out.append(entry)
    return out, problems


def config_problems(configs: Sequence[Mapping[str, Any]], infer_type: str | None, *, max_instances: int,
                    partial: bool = False) -> list[str]:
    """Cross-field rules of a ``config`` array the schema cannot express; one line per problem.

    :param configs: the config entries.
    :param infer_type: real-time, batch or edge (None: unknown, an update).
    :param max_instances: the instance count limit per entry.
    :param partial: entries may omit the weight (an update that inherits from the current config).
    """
    problems = []
    for i, cfg in enumerate(configs):
        count = cfg.get("instance_count")
        if isinstance(count, int) and count > max_instances:
            problems.append(f"config[{i}].instance_count: {count} is over the limit of {max_instances} instances "
                            "(fix: lower it, or raise max_instance_count if your quota allows more)")
        if infer_type == "real-time" and cfg.get("weight") is None:
            problems.append(f"config[{i}].weight is required for a real-time service (fix: a share 0-100; all "
                            "weights add up to 100)")
        if infer_type == "batch":
            missing = [k for k in ("src_path", "dest_path", "req_uri", "mapping_type") if not cfg.get(k)]
            if missing:
                problems.append(f"config[{i}]: a batch service needs {', '.join(missing)} (fix: the OBS input and "
                                "output folders, the model's inference path and mapping_type file or csv)")
    weights = [c.get("weight") for c in configs]
    given = [w for w in weights if isinstance(w, int)]
    if given and (infer_type == "real-time" or not partial or len(given) == len(weights)) and sum(given) != 100:
        problems.append(f"config[*].weight: the weights add up to {sum(given)} (fix: make them add up to 100, "
                        "e.g. 90 for the current model and 10 for the canary)")
    if infer_type in ("batch", "edge") and len(configs) != 1:
        problems.append(f"config: a {infer_type} service takes exactly one model config, got {len(configs)}")
    ids = [c.get("model_id") for c in configs]
    if len(ids) != len(set(map(str, ids))):
        problems.append("config[*].model_id: the same model is given twice (fix: one entry per model version)")
    return problems


def one_model_configs(configs: Any, *, model_id: str | None, specification: str | None, instance_count: Any,
                      envs: Mapping[str, str] | None, infer_type: str) -> Any:
    """The deploy ``config``: ``configs`` when given, else the one-model shorthand (weight 100 for a real-time
    service, one instance unless ``instance_count`` says otherwise).

    :param configs: the config entries given, if any.
    :param model_id: the shorthand's model.
    :param specification: the shorthand's flavor.
    :param instance_count: the shorthand's instance count (default 1).
    :param envs: the shorthand's environment variables.
    :param infer_type: real-time, batch or edge.
    """
    if configs or not model_id:
        return configs
    cfg: dict[str, Any] = {"model_id": model_id, "specification": specification,
                           "instance_count": 1 if instance_count in (None, "") else instance_count}
    if infer_type == "real-time":
        cfg["weight"] = 100
    if envs:
        cfg["envs"] = envs
    return [cfg]


def build_service_body(args: Mapping[str, Any], service_spec: Mapping[str, Any] | None, *, name: str,
                       marker: str, max_instances: int) -> dict[str, Any]:
    """Validate the deploy arguments and build the ``POST /v1/{project_id}/services`` body.

    :param args: ``service_name``, ``infer_type``, ``description``, ``configs``, the network and schedule fields.
    :param service_spec: a REST-shaped body merged over what the arguments produce.
    :param name: the service name when none is given (``svc-`` is put in front when it starts with no letter).
    :param marker: the run marker added to the description.
    :param max_instances: the instance count limit per config entry.
    :raises SpecError: naming every problem, before any remote call.
    """
    values = {k: v for k, v in args.items() if v not in (None, "", [], {})}
    if "configs" in values:
        values["config"] = values.pop("configs")
    values = deep_merge(values, service_spec or {})
    values.setdefault("service_name", name if name[:1].isalpha() else f"svc-{name}"[:64])
    values.setdefault("infer_type", "real-time")
    problems: list[str] = []
    if "schedule" in values:
        values["schedule"], problems = schedule_items(values["schedule"])
    if isinstance(values.get("config"), Mapping):
        values["config"] = [values["config"]]
    path_problems: list[str] = []
    if isinstance(values.get("config"), list):
        values["config"] = _coerce_configs(values["config"], path_problems)
    problems += schemas.problems(values, "service_deploy") + path_problems
    configs = [c for c in values.get("config") or [] if isinstance(c, Mapping)]
    problems += config_problems(configs, values.get("infer_type"), max_instances=max_instances)
    if values.get("schedule") and values.get("infer_type") != "real-time":
        problems.append("schedule: only real-time services can be scheduled to stop (fix: remove schedule)")
    if problems:
        raise SpecError("service arguments", problems)
    description = values.get("description") or ""
    if len(description) + len(marker) + 1 <= 100:
        values["description"] = f"{description} {marker}".strip()
    return values


def update_body(configs: Any, model_id: str | None, status: str | None, description: str | None,
                schedule: Any, *, max_instances: int) -> dict[str, Any]:
    """Validate the update arguments and build the (partial) ``PUT`` body; configs may omit inherited fields.

    :param configs: the new config entries (or one mapping).
    :param model_id: shorthand for ``[{"model_id": model_id, "weight": 100}]``; not together with configs.
    :param status: ``running`` (start) or ``stopped`` (stop).
    :param description: the new description.
    :param schedule: the new schedule (see :func:`schedule_items`).
    :param max_instances: the instance count limit per config entry.
    :raises SpecError: naming every problem, before any remote call.
    """
    problems = []
    if model_id and configs:
        problems.append("model_id and configs exclude each other: give one.")
    elif model_id:
        configs = [{"model_id": model_id, "weight": 100}]
    if isinstance(configs, Mapping):
        configs = [configs]
    if status not in (None, "", "running", "stopped"):
        problems.append(f"status: {status!r} (fix: running to start the service, stopped to stop it)")
    if status and configs:
        problems.append("status and configs: ModelArts applies only status when both are sent (fix: one task "
                        "per change)")
    if not (status or configs or description is not None or schedule):
        problems.append("nothing to update (fix: give configs, model_id, status, description or schedule)")
    body: dict[str, Any] = {}
    if configs:
        entries = _coerce_configs(configs, problems)
        bad = [i for i, c in enumerate(entries) if not isinstance(c, Mapping) or not c.get("model_id")]
        problems += [f"config[{i}].model_id is required (fix: the id of a published model)" for i in bad]
        if not bad:
            problems += config_problems(entries, None, max_instances=max_instances, partial=True)
            for i, c in enumerate(entries):
                w = c.get("weight")
                if w is not None and (not isinstance(w, int) or not 0 <= w <= 100):
                    problems.append(f"config[{i}].weight: {w!r} (fix: a whole number 0-100)")
        body["config"] = entries
    schedule, schedule_problems = schedule_items(schedule)
    problems += schedule_problems
    if problems:
        raise SpecError("service update arguments", problems)
    if status:
        body["status"] = status
    if description is not None:
        body["description"] = description
    if schedule:
        body["schedule"] = schedule
    return body


def request_config(current: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """A service's current ``config`` (as GET shows it) in the form a ``PUT`` accepts.

    :param current: the config entries of the service's detail.
    """
    return [{k: c[k] for k in REQUEST_CONFIG_FIELDS if c.get(k) not in (None, "")} for c in current]


def complete_configs(new: Sequence[Mapping[str, Any]], current: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Fill each new entry's missing fields from the current entry of the same model (else the first one).

    :param new: the config entries of the update.
    :param current: the config entries of the service's detail.
    """
    by_model = {c.get("model_id"): c for c in current}
    out = []
    for cfg in new:
        base = by_model.get(cfg.get("model_id")) or (current[0] if current else {})
        merged = {k: base[k] for k in INHERITED_CONFIG_FIELDS if base.get(k) not in (None, "")}
        merged.update({k: v for k, v in cfg.items() if v is not None})
        out.append(merged)
    return out


def predict_payload(*, service_id: str | None, access_address: str | None, payload: Any,
                    file_path: str | None) -> Any:
    """Check the predict arguments; the JSON body to send (``payload``, a string parsed as JSON), or None when a
    file is sent.

    :param service_id: the service whose ``access_address`` is called.
    :param access_address: the inference address itself (not together with ``service_id``).
    :param payload: a JSON body (a mapping, a list or JSON text).
    :param file_path: a file to send instead of ``payload``.
    :raises SpecError: naming every problem, before any remote call.
    """
    problems = []
    if bool(service_id) == bool(access_address):
        problems.append("Give service_id or access_address (exactly one).")
    if (payload is None) == (not file_path):
        problems.append("Give payload (JSON) or file_path (exactly one).")
    if isinstance(payload, str):
        try:
            payload = json.loads(payload)
        except ValueError as exc:
            problems.append(f"payload is a string but not JSON ({exc}); give a dict or JSON text.")
    if problems:
        raise SpecError("predict arguments", problems)
    return payload


def rollback_sentence(state: Any, message: Any, status: Any, previous: Sequence[Mapping[str, Any]]) -> str:
    """The sentence saying how the wait for a rollback's update ended.

    :param state: the wait's state (``success`` when the previous config runs again).
    :param message: the wait's message.
    :param status: the update log's status.
    :param previous: the config put back.
    """
    if state != SUCCESS:
        return f"Rollback to the previous config FAILED: {message}"
    return f"Rolled back to the previous config {list(previous)} (update log {status})."
