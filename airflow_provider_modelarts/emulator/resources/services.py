"""Online/batch/edge services: ``/v1/{project_id}/services`` (reference §3.10, §4.5).

Routes and request-log kinds:

* ``POST   /v1/{project_id}/services``                        ``services.create``  -> 200 ``{service_id, resource_ids}``
* ``GET    /v1/{project_id}/services``                        ``services.list``    -> 200 ``{total_count, count, services}``
* ``GET    /v1/{project_id}/services/{service_id}``           ``services.get``     -> 200 detail, 404 ``ModelArts.3502``
* ``PUT    /v1/{project_id}/services/{service_id}``           ``services.update``  -> 200 ``{}``
* ``DELETE /v1/{project_id}/services/{service_id}``           ``services.delete``  -> 200 ``{}`` (``a,b`` = batch)
* ``GET    /v1/{project_id}/services/{service_id}/monitor``   ``services.monitor``
* ``GET    /v1/{project_id}/services/{service_id}/logs``      ``services.logs``    (update logs, ``update_time`` >=)
* ``GET    /v1/{project_id}/services/{service_id}/events``    ``services.events``
* ``GET    /v1/{project_id}/services/specifications``         ``services.specifications`` (fixed catalogue)

Validation (400 ``ModelArts.0104`` unless noted): ``service_name`` 1-64 (letter first; letters, digits, ``-``,
``_``); ``infer_type`` real-time | batch | edge; ``config`` non-empty; each config needs ``model_id``,
``specification`` (``custom`` needs ``custom_spec{cpu >= 0.01, memory}``) and ``instance_count`` in [1, 128]
(the OTC limit; the SDK reference's "5" is a quota, not an API bound); real-time configs need ``weight`` in
[0, 100] summing to 100 (digit strings are accepted, as in the reference examples); batch and edge take exactly
one config; batch needs ``src_path``, ``dest_path``, ``req_uri`` and ``mapping_type`` file | csv, csv needs
``mapping_rule``; ``vpc_id`` needs ``subnet_network_id`` and ``security_group_id``; ``schedule`` is
``[{type: stop, time_unit: DAYS|HOURS|MINUTES, duration > 0}]`` for real-time only. Model checks: unknown model
404 ``ModelArts.3507``; model not ``published`` 400 ``ModelArts.3515``; the same model twice 400
``ModelArts.3516``; model ``install_type`` without the infer type 400 ``ModelArts.3589``; batch ``src_path``
missing in OBS 400 ``ModelArts.3551``. A duplicate name answers 409 ``ModelArts.3503``.

Status (time driven, emulated seconds): ``deploying`` (5 s, ``progress`` 0-99) -> ``running`` (real-time,
edge) or, for batch, ``running`` (5 s, the emulator then writes ``<file>_result.txt`` per input file to
``dest_path``) -> ``finished``. With a ``schedule`` the service goes ``stopped`` after the duration.
``access_address`` = ``<emulator base url>/v1/infers/<service_id>`` for real-time services once deployed.

Update (PUT), following the SDK reference §11.8 constraints exactly; every rejection is 400 ``ModelArts.3519``:

* ``status`` equal to the current status is rejected;
* ``status`` together with ``config``: only ``status`` is applied;
* ``status=running`` or ``config`` while ``deploying``, ``stopping`` or ``deleting`` is rejected;
* ``status=running`` while ``waiting`` or ``concerning`` is rejected;
* ``status=stopped`` goes ``stopping`` (2 s) -> ``stopped``; ``status=running`` (from stopped, failed, finished)
  deploys again (a new scripted outcome is taken);
* a ``config`` on a running/concerning/failed service goes ``deploying`` (5 s) -> ``running`` with the new
  config and an update-log entry (``RUNNING`` then ``SUCCESS``); on a stopped/finished service it is stored at
  once (log ``SUCCESS``) and used at the next start;
* a FAILED config update (rolling upgrade semantics: the old instances keep serving) ends ``running`` on the OLD
  config, with the update-log entry ``FAIL`` and an ``abnormal`` event carrying the cause; ``error_msg`` is only
  shown for ``failed`` services. A provider detects the failure through ``/logs`` (or ``/events``).

Scripted outcomes (kind ``service``, matched against ``service_name``; a ``[emulator:<word>]`` trigger in
``description`` wins): ``success``; ``fail`` (deploy ends ``failed`` with ``error_msg``); ``concerning`` (deploy
ends ``concerning``, config status ``concerning``); ``stuck`` (``deploying`` for ever); ``slow`` (50 s
deploying); ``update_fail`` (deploys fine, the next config update fails); ``warming`` (the service turns
``running`` but its model instances stay ``notReady`` for another 5 s, as a rolling start does).

Answers carry only the documented fields (:mod:`..contract.models_services`): a real-time or edge config's
``status`` is the model-instance value ``ready`` | ``concerning`` | ``notReady`` (SDK reference 表 11-11); a
batch config has none (表 11-12) and carries ``start_time``/``finished_time`` in the detail (OTC
obtaining_service_details Table 4), which the list shows at the top level (obtaining_services Table 5). A rule taken at update time with
``fail``/``update_fail`` makes that update fail; at start time ``fail`` makes the start fail.
Deletion is immediate (no emulated ``deleting`` phase).
"""

from __future__ import annotations

import csv
import io
import json
import posixpath
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from airflow_provider_modelarts.emulator.http import ApiError, Request, Response, bad_request
from airflow_provider_modelarts.emulator.obspath import split_obs_path
from airflow_provider_modelarts.emulator.resources import models
from airflow_provider_modelarts.emulator.resources.common import (
    RouteSpec,
    add_routes,
    as_int,
    check_name,
    ms,
    resource_routes,
)
from airflow_provider_modelarts.emulator.resources.models import (
    NAME_RULE,
    check_choice,
    check_description,
    owner_fields,
    public,
    sorted_page,
    trigger,
)
from airflow_provider_modelarts.emulator.state import Lifecycle

if TYPE_CHECKING:
    from airflow_provider_modelarts.emulator.http import Router
    from airflow_provider_modelarts.emulator.state import Emulator

COLLECTION = "services"
INFER_TYPES = ("real-time", "batch", "edge")
STATUSES = ("running", "deploying", "concerning", "failed", "stopped", "finished", "stopping", "deleting",
            "pending", "waiting")
TIME_UNITS = {"DAYS": 86400, "HOURS": 3600, "MINUTES": 60}
DEPLOY_SECONDS = 5.0
STOP_SECONDS = 2.0
BATCH_SECONDS = 5.0
MAX_INSTANCES = 128
CREATE_DESC_FORBIDDEN = '!<>+&"\''
UPDATE_DESC_FORBIDDEN = '<>=&"\''
NO_CONFIG_WHILE = ("deploying", "stopping", "deleting")
NO_START_WHILE = NO_CONFIG_WHILE + ("waiting", "concerning")
STOPPABLE = ("deploying", "running", "concerning", "failed", "pending", "waiting")
STARTABLE = ("stopped", "failed", "finished")
REDEPLOY_ON_CONFIG = ("running", "concerning", "failed", "pending", "waiting")
BATCH_FIELDS = ("src_path", "dest_path", "req_uri", "mapping_type", "mapping_rule", "src_type")


# ---- validation -----------------------------------------------------------------------------------------------
def _require_str(cfg: dict[str, Any], field: str, prefix: str = "config.") -> str:
    value = cfg.get(field)
    if not isinstance(value, str) or not value:
        raise bad_request(f"Parameter {prefix}{field} is required.")
    return value


def _check_custom_spec(cfg: dict[str, Any]) -> None:
    spec = cfg.get("custom_spec")
    if not isinstance(spec, dict):
        raise bad_request("Parameter config.custom_spec is required when specification is custom.")
    cpu = spec.get("cpu")
    if isinstance(cpu, bool) or not isinstance(cpu, (int, float)) or cpu < 0.01:
        raise bad_request("Invalid parameter config.custom_spec.cpu: a number >= 0.01 is required.")
    as_int(spec.get("memory"), "config.custom_spec.memory", lo=1, hi=10**7, whole_floats=True)


def _check_batch_config(cfg: dict[str, Any]) -> None:
    for field in ("src_path", "dest_path", "req_uri"):
        _require_str(cfg, field)
    if cfg.get("mapping_type") not in ("file", "csv"):
        raise bad_request(f"Invalid parameter config.mapping_type: {cfg.get('mapping_type')!r} must be file or csv.")
    if cfg["mapping_type"] == "csv" and not isinstance(cfg.get("mapping_rule"), dict):
        raise bad_request("Parameter config.mapping_rule is required when mapping_type is csv.")
    for field in ("src_path", "dest_path"):
        obs_location(cfg[field], f"config.{field}")


def _normalise_config(cfg: Any, infer_type: str) -> dict[str, Any]:
    """Validate one config entry and return its stored form."""
    if not isinstance(cfg, dict):
        raise bad_request("Invalid parameter config: each entry must be an object.")
    out = dict(cfg)
    _require_str(cfg, "model_id")
    if _require_str(cfg, "specification") == "custom":
        _check_custom_spec(cfg)
    if "instance_count" not in cfg:
        raise bad_request("Parameter config.instance_count is required.")
    out["instance_count"] = as_int(cfg["instance_count"], "config.instance_count", lo=1, hi=MAX_INSTANCES,
                                   whole_floats=True)
    if infer_type == "real-time":
        if cfg.get("weight") is None:
            raise bad_request("Parameter config.weight is required for real-time services.")
        out["weight"] = as_int(cfg["weight"], "config.weight", lo=0, hi=100, whole_floats=True)
    envs = cfg.get("envs", {})
    if not isinstance(envs, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in envs.items()):
        raise bad_request("Invalid parameter config.envs: it must be a map of strings to strings.")
    out["envs"] = dict(envs)
    if infer_type == "batch":
        _check_batch_config(cfg)
    return out


def validate_configs(configs: Any, infer_type: str) -> list[dict[str, Any]]:
    """Validate a ``config`` array for an infer type (shape only, no model lookups)."""
    if not isinstance(configs, list) or not configs:
        raise bad_request("Parameter config is required and must be a non-empty array.")
    if infer_type in ("batch", "edge") and len(configs) != 1:
        raise bad_request(f"Invalid parameter config: a {infer_type} service takes exactly one model.")
    out = [_normalise_config(c, infer_type) for c in configs]
    if infer_type == "real-time" and sum(c["weight"] for c in out) != 100:
        raise bad_request("Invalid parameter config.weight: the weights of all models must add up to 100, got "
                          f"{sum(c['weight'] for c in out)}.")
    return out


def resolve_models(emu: Emulator, project_id: str, configs: list[dict[str, Any]], infer_type: str) -> None:
    """Check that every config's model exists, is published and fits the infer type; add name and version."""
    seen: set[tuple[str, str]] = set()
    for cfg in configs:
        model = emu.store(project_id, models.COLLECTION).get(cfg["model_id"])
        if model is None:
            raise ApiError(404, "ModelArts.3507", f"Model {cfg['model_id']} does not exist.")
        if models.model_status(emu, model) != "published":
            raise ApiError(400, "ModelArts.3515", f"The model {cfg['model_id']} cannot be used for deploying "
                                                  f"services because it is {models.model_status(emu, model)}.")
        if infer_type not in model["install_type"]:
            raise ApiError(400, "ModelArts.3589", f"Model {cfg['model_id']} cannot be used to deploy {infer_type} "
                                                  "service.")
        key = (model["model_name"], model["model_version"])
        if key in seen:
            raise ApiError(400, "ModelArts.3516", "Failed to deploy services because the version of the model "
                                                  "that is used for deploying services is the same.")
        seen.add(key)
        cfg["model_name"], cfg["model_version"] = key


def check_schedule(schedule: Any, infer_type: str) -> list[dict[str, Any]]:
    """Validate a ``schedule`` array (auto-stop, real-time only)."""
    if schedule is None:
        return []
    if not isinstance(schedule, list) or not all(isinstance(s, dict) for s in schedule):
        raise bad_request("Invalid parameter schedule: it must be an array of objects.")
    if schedule and infer_type != "real-time":
        raise bad_request("Invalid parameter schedule: only real-time services can be scheduled.")
    for item in schedule:
        if item.get("type") != "stop":
            raise bad_request(f"Invalid parameter schedule.type: {item.get('type')!r}; only stop is supported.")
        if item.get("time_unit") not in TIME_UNITS:
            raise bad_request(f"Invalid parameter schedule.time_unit: {item.get('time_unit')!r} must be one of "
                              f"{', '.join(TIME_UNITS)}.")
        item["duration"] = as_int(item.get("duration"), "schedule.duration", lo=1, hi=10**6, whole_floats=True)
    return schedule


def obs_location(path: str, field: str) -> tuple[str, str]:
    """(bucket, key) of an OBS path written ``obs://b/k``, ``/b/k`` or ``https://b.obs.<region>.../k``."""
    if path.startswith(("https://", "http://")):
        host, _, key = path.split("://", 1)[1].partition("/")
        if ".obs." not in host:
            raise bad_request(f"Invalid parameter {field}: {path!r} is not an OBS URL.")
        return host.split(".obs.", 1)[0], key
    return split_obs_path(path, field=field)


def _check_network(body: dict[str, Any]) -> None:
    if body.get("vpc_id"):
        for field in ("subnet_network_id", "security_group_id"):
            if not body.get(field):
                raise bad_request(f"Parameter {field} is required when vpc_id is set.")


def _check_src_path(emu: Emulator, cfg: dict[str, Any]) -> None:
    if emu.obs is None:
        raise ApiError(400, "ModelArts.4314", "Obs error: the emulator runs without OBS, so the batch input "
                                              f"{cfg['src_path']} cannot be read.")
    bucket, key = obs_location(cfg["src_path"], "config.src_path")
    try:
        found = bool(emu.obs.list(bucket, key))
    except Exception:
        found = False
    if not found:
        raise ApiError(400, "ModelArts.3551", f"OBS path {cfg['src_path']} does not exist.")


# ---- state machine ----------------------------------------------------------------------------------------------
def _deploy_plan(svc: dict[str, Any], outcome: str) -> tuple[list[tuple[str, float]], str | None, str | None]:
    """(steps, final, error) of a deployment (creation or start) for an outcome word."""
    seconds = DEPLOY_SECONDS * (10 if outcome == "slow" else 1)
    deploying = [("deploying", seconds)]
    if outcome == "fail":
        return deploying, "failed", "Failed to deploy the service: the model instance failed to start " \
                                    "(health check of the model container timed out)."
    if outcome == "stuck":
        return deploying, None, None
    if outcome == "concerning":
        return deploying, "concerning", None
    if svc["infer_type"] == "batch":
        return deploying + [("running", BATCH_SECONDS)], "finished", None
    if svc.get("schedule"):
        item = svc["schedule"][0]
        return deploying + [("running", item["duration"] * TIME_UNITS[item["time_unit"]])], "stopped", None
    return deploying, "running", None


def _config_names(configs: list[dict[str, Any]]) -> str:
    return ", ".join(f"{c.get('model_name')} {c.get('model_version')}" for c in configs)


def _event(svc: dict[str, Any], at: float, info: str, *, abnormal: bool = False) -> None:
    svc["_events"].append({"event_type": "abnormal" if abnormal else "normal", "event_info": info,
                           "occur_time": ms(at)})


def _log(svc: dict[str, Any], now: float, configs: list[dict[str, Any]], ends: float | None,
         final: str) -> dict[str, Any]:
    entry = {"update_time": ms(now), "config": [_log_config(c) for c in configs], "_ends": ends, "_final": final}
    svc["_logs"].append(entry)
    return entry


def _start_deploy(emu: Emulator, svc: dict[str, Any], outcome: str, configs: list[dict[str, Any]]) -> None:
    """Switch the service to a deployment of ``configs`` with the given outcome (events and log included)."""
    now = emu.clock.now()
    steps, final, error = _deploy_plan(svc, outcome)
    svc["_life"].switch(now, steps, final)
    svc["_error"] = error
    svc["_batch_done"] = False
    svc["_fail_next_update"] = outcome == "update_fail"
    ends = now + steps[0][1] if final is not None else None
    svc["_ready_at"] = now + steps[0][1] + (DEPLOY_SECONDS if outcome == "warming" else 0.0)
    _event(svc, now, "start to deploy service")
    _event(svc, now + steps[0][1] / 2, f"[{_config_names(configs)}] starting model")
    if final == "failed":
        _event(svc, now + steps[0][1], f"deploy service failed: {error}", abnormal=True)
    elif final is not None:
        _event(svc, now + steps[0][1], "service is running" if final != "concerning"
               else "some instances of the service are abnormal", abnormal=final == "concerning")
    _log(svc, now, configs, ends, "FAIL" if final == "failed" else "SUCCESS")


def _start_update(emu: Emulator, svc: dict[str, Any], configs: list[dict[str, Any]], current: str) -> None:
    """A config update of a live service: deploying, then the new config (or the old one when it fails)."""
    now = emu.clock.now()
    taken = emu.outcomes.take("service", svc["service_name"], None)
    failing = svc.pop("_fail_next_update", False) or taken in ("fail", "update_fail")
    steps, final, _ = _deploy_plan(svc, "stuck" if taken == "stuck" else "concerning" if taken == "concerning"
                                   else "slow" if taken == "slow" else "success")
    if failing:
        final = "running" if current in ("running", "concerning") else "failed"
        steps = steps[:1]
    svc["_life"].switch(now, steps, final)
    ends = now + steps[0][1] if final is not None else None
    svc["_ready_at"] = now + steps[0][1]
    svc["_pending"] = {"config": configs, "ends": ends, "ok": not failing}
    _event(svc, now, "start to update service")
    if failing:
        cause = "update service failed: the new model instances did not become ready; rolled back"
        _event(svc, now + steps[0][1], cause, abnormal=True)
    elif final is not None:
        _event(svc, now + steps[0][1], "update service success")
    _log(svc, now, configs, ends, "FAIL" if failing else "SUCCESS")


def settle(emu: Emulator, svc: dict[str, Any]) -> str:
    """Apply what emulated time has decided (finished updates, batch output) and return the status now."""
    now = emu.clock.now()
    pending = svc.get("_pending")
    if pending and pending["ends"] is not None and now >= pending["ends"]:
        if pending["ok"]:
            svc["_config"] = pending["config"]
            svc["update_time"] = ms(pending["ends"])
        svc["_pending"] = None
    status = str(svc["_life"].status(now))
    if status in ("running", "concerning"):
        svc["_deployed"] = True
    if status == "finished" and not svc.get("_batch_done"):
        svc["_batch_done"] = True
        _run_batch(emu, svc)
    return status


def _progress(lc: Lifecycle, status: str, now: float) -> int:
    if status == "deploying":
        start, duration = lc.step_window(now)
        return min(99, int((now - start) / duration * 100)) if duration else 0
    return 100 if status in ("running", "concerning", "finished", "stopping", "stopped") else 0


# ---- rendering ---------------------------------------------------------------------------------------------------
def _log_config(cfg: dict[str, Any]) -> dict[str, Any]:
    keys = ("model_id", "model_name", "model_version", "weight", "specification", "custom_spec", "envs",
            "cluster_id", "instance_count")
    return {k: cfg[k] for k in keys if k in cfg}


def _instance_status(svc: dict[str, Any], status: str, now: float) -> str:
    """The model-instance status of a real-time/edge config (SDK reference 表 11-11)."""
    if status == "concerning":
        return "concerning"
    if status == "running" and now >= svc.get("_ready_at", 0.0):
        return "ready"
    return "notReady"


def _render_config(svc: dict[str, Any], cfg: dict[str, Any], status: str, now: float,
                   batch_times: dict[str, int]) -> dict[str, Any]:
    out = dict(cfg)
    if svc["infer_type"] == "batch":
        out.update(batch_times)
    else:
        out["status"] = _instance_status(svc, status, now)
    out["scaling"] = False
    out["support_debug"] = False
    return out


def effective_config(svc: dict[str, Any]) -> list[dict[str, Any]]:
    """The config shown now: the one being deployed by an update, else the current one."""
    pending = svc.get("_pending")
    return pending["config"] if pending else svc["_config"]


LIST_FIELDS = ("service_id", "service_name", "description", "tenant", "project", "owner", "publish_at",
               "infer_type", "status", "progress", "invocation_times", "failed_times", "is_shared", "shared_count",
               "workspace_id", "schedule", "due_time", "transition_at", "operation_time", "is_free", "start_time",
               "finished_time", "additional_properties")


def render(emu: Emulator, svc: dict[str, Any], *, detail: bool) -> dict[str, Any]:
    """The service as the list (``detail=False``) or the detail API shows it."""
    status = settle(emu, svc)
    now = emu.clock.now()
    lc: Lifecycle = svc["_life"]
    out = public(svc)
    start, duration = lc.step_window(now)
    out.update(status=status, progress=_progress(lc, status, now), transition_at=ms(start), operation_time=ms(now))
    if status == "failed" and svc["_error"]:
        out["error_msg"] = svc["_error"]
    if svc["infer_type"] == "real-time" and svc.get("_deployed"):
        out["access_address"] = f"{emu.base_url}/v1/infers/{svc['service_id']}"
    if svc.get("schedule") and status == "running" and lc.final == "stopped":
        out["due_time"] = ms(start + duration)
    batch_times = _batch_times(lc, status) if svc["infer_type"] == "batch" else {}
    if not detail:
        out.update(batch_times)
        return {k: out[k] for k in LIST_FIELDS if k in out}
    out["config"] = [_render_config(svc, c, status, now, batch_times) for c in effective_config(svc)]
    return out


def _batch_times(lc: Lifecycle, status: str) -> dict[str, int]:
    times: dict[str, int] = {}
    if status in ("running", "finished"):
        times["start_time"] = ms(lc.started + lc.steps[0][1])
    if status == "finished" and lc.finished_at() is not None:
        times["finished_time"] = ms(float(lc.finished_at() or 0))
    return times


# ---- handlers ----------------------------------------------------------------------------------------------------
def get_service(emu: Emulator, project_id: str, service_id: str) -> dict[str, Any]:
    """The stored service record, or 404 ``ModelArts.3502``."""
    svc = emu.store(project_id, COLLECTION).get(service_id)
    if svc is None:
        raise ApiError(404, "ModelArts.3502", f"Service {service_id} does not exist.")
    return svc


def uses_model(emu: Emulator, project_id: str, model_id: str) -> bool:
    """Whether a service of the project uses the model (current config or an update being deployed)."""
    for svc in emu.store(project_id, COLLECTION).values():
        configs = list(svc["_config"]) + list((svc.get("_pending") or {}).get("config", []))
        if any(c["model_id"] == model_id for c in configs):
            return True
    return False


def _validate_create(emu: Emulator, project_id: str, body: dict[str, Any]) -> list[dict[str, Any]]:
    check_name(body.get("service_name"), "service_name", NAME_RULE)
    infer_type = body.get("infer_type")
    if infer_type not in INFER_TYPES:
        raise bad_request(f"Invalid parameter infer_type: {infer_type!r} is not one of {', '.join(INFER_TYPES)}.")
    check_description(body.get("description"), CREATE_DESC_FORBIDDEN)
    _check_network(body)
    check_schedule(body.get("schedule"), infer_type)
    configs = validate_configs(body.get("config"), infer_type)
    resolve_models(emu, project_id, configs, infer_type)
    if infer_type == "batch":
        _check_src_path(emu, configs[0])
    return configs


def _create(req: Request, emu: Emulator) -> Response:
    body = req.json_object()
    project_id = str(req.project_id)
    configs = _validate_create(emu, project_id, body)
    store = emu.store(project_id, COLLECTION)
    name = body["service_name"]
    if any(s["service_name"] == name for s in store.values()):
        raise ApiError(409, "ModelArts.3503", f"Service {name} already exists.")
    now = emu.clock.now()
    service_id = emu.new_uuid()
    svc: dict[str, Any] = {
        "service_id": service_id, "service_name": name, "description": body.get("description") or "",
        **owner_fields(req), "publish_at": ms(now), "update_time": ms(now), "infer_type": body["infer_type"],
        "workspace_id": body.get("workspace_id") or "0", "is_shared": False, "shared_count": 0,
        "invocation_times": 0, "failed_times": 0, "is_free": False,
        "additional_properties": body.get("additional_properties") or {},
        "_config": configs, "_pending": None, "_life": Lifecycle([], "deploying", now), "_error": None,
        "_logs": [], "_events": [], "_calls": {}, "_seq": emu.next_int("service_seq"),
    }
    for field in ("vpc_id", "subnet_network_id", "security_group_id", "cluster_id", "pool_name",
                  "load_balancer_policy", "priority"):
        if body.get(field) not in (None, ""):
            svc[field] = body[field]
    if body.get("schedule"):
        svc["schedule"] = body["schedule"]
    store[service_id] = svc
    _start_deploy(emu, svc, emu.outcomes.take("service", name, trigger(body.get("description"))), configs)
    resource_id = f"INF-{emu.new_id(16).lower()}@{ms(now)}"
    return Response(200, {"service_id": service_id, "resource_ids": [resource_id]})


SORT_KEYS = {
    "publish_at": lambda s: (s["publish_at"], s["_seq"]),
    "service_name": lambda s: (s["service_name"], s["_seq"]),
    "transition_at": lambda s: (s["_life"].switched_at or 0, s["_seq"]),
}


def _matches(emu: Emulator, req: Request, svc: dict[str, Any], status: str) -> bool:
    name = req.query("service_name")
    if name and name.lower() not in svc["service_name"].lower():
        return False
    checks = (("service_id", svc["service_id"]), ("infer_type", svc["infer_type"]),
              ("workspace_id", svc["workspace_id"]), ("status", status))
    if any(req.query(q) not in (None, "", value) for q, value in checks):
        return False
    model_id = req.query("model_id")
    return not model_id or any(c["model_id"] == model_id for c in effective_config(svc))


def _list(req: Request, emu: Emulator) -> Response:
    check_choice(req, "status", STATUSES)
    check_choice(req, "infer_type", INFER_TYPES)
    sort_by = check_choice(req, "sort_by", tuple(SORT_KEYS), "publish_at") or "publish_at"
    services = [s for s in emu.store(str(req.project_id), COLLECTION).values()
                if _matches(emu, req, s, settle(emu, s))]
    total, chunk = sorted_page(req, services, SORT_KEYS[sort_by])
    rendered = [render(emu, s, detail=False) for s in chunk]
    return Response(200, {"total_count": total, "count": len(rendered), "services": rendered})


def _get(req: Request, emu: Emulator) -> Response:
    svc = get_service(emu, str(req.project_id), req.params["service_id"])
    return Response(200, render(emu, svc, detail=True))


def _reject(svc: dict[str, Any], status: str, what: str) -> ApiError:
    return ApiError(400, "ModelArts.3519", f"Forbidden to {what} service {svc['service_name']} while it is {status}.")


def _change_status(emu: Emulator, svc: dict[str, Any], target: str, status: str) -> None:
    if target == status:
        raise _reject(svc, status, f"set status {target} of")
    now = emu.clock.now()
    if target == "stopped":
        if status not in STOPPABLE:
            raise _reject(svc, status, "stop")
        pending = svc.get("_pending")
        if pending:
            svc["_logs"][-1].update(_ends=now, _final="FAIL")
            svc["_pending"] = None
        svc["_life"].stop(now, "stopping", STOP_SECONDS, "stopped")
        _event(svc, now, "start to stop service")
        _event(svc, now + STOP_SECONDS, "service stopped")
        return
    if status in NO_START_WHILE or status not in STARTABLE:
        raise _reject(svc, status, "start")
    _start_deploy(emu, svc, emu.outcomes.take("service", svc["service_name"], None), svc["_config"])


def _change_config(emu: Emulator, project_id: str, svc: dict[str, Any], configs: Any, status: str) -> None:
    if status in NO_CONFIG_WHILE:
        raise _reject(svc, status, "update the config of")
    new = validate_configs(configs, svc["infer_type"])
    resolve_models(emu, project_id, new, svc["infer_type"])
    if status in REDEPLOY_ON_CONFIG:
        _start_update(emu, svc, new, status)
        return
    now = emu.clock.now()
    svc["_config"] = new
    svc["update_time"] = ms(now)
    _log(svc, now, new, now, "SUCCESS")


def _update(req: Request, emu: Emulator) -> Response:
    project_id = str(req.project_id)
    svc = get_service(emu, project_id, req.params["service_id"])
    body = req.json_object()
    status = settle(emu, svc)
    target = body.get("status")
    if target is not None and target not in ("running", "stopped"):
        raise bad_request(f"Invalid parameter status: {target!r} must be running or stopped.")
    description = check_description(body.get("description"), UPDATE_DESC_FORBIDDEN) \
        if "description" in body else None
    schedule = check_schedule(body.get("schedule"), svc["infer_type"]) if "schedule" in body else None
    if target is not None:
        _change_status(emu, svc, target, status)
    elif body.get("config") is not None:
        _change_config(emu, project_id, svc, body["config"], status)
    if description is not None:
        svc["description"] = description
    if schedule is not None:
        svc["schedule"] = schedule
    if isinstance(body.get("additional_properties"), dict):
        svc["additional_properties"] = body["additional_properties"]
    return Response(200, {})


def _delete(req: Request, emu: Emulator) -> Response:
    project_id = str(req.project_id)
    ids = [i for i in req.params["service_id"].split(",") if i]
    for service_id in ids:
        get_service(emu, project_id, service_id)
    store = emu.store(project_id, COLLECTION)
    for service_id in ids:
        store.pop(service_id, None)
    return Response(200, {})


def _cpu_cores(cfg: dict[str, Any]) -> float:
    if cfg.get("specification") == "custom":
        return float(cfg.get("custom_spec", {}).get("cpu", 1))
    digits = "".join(ch for ch in str(cfg.get("specification", "")).rsplit(".", 1)[-1] if ch.isdigit())
    return float(digits or 2)


def _monitor(req: Request, emu: Emulator) -> Response:
    svc = get_service(emu, str(req.project_id), req.params["service_id"])
    status = settle(emu, svc)
    up = status in ("running", "concerning")
    monitors = []
    for cfg in effective_config(svc):
        count = cfg["instance_count"]
        running = count if status == "running" else (count + 1) // 2 if up else 0
        cores = _cpu_cores(cfg) * count
        calls, failed = svc["_calls"].get(cfg["model_id"], [0, 0])
        monitors.append({
            "model_id": cfg["model_id"], "model_name": cfg["model_name"], "model_version": cfg["model_version"],
            "invocation_times": calls, "failed_times": failed, "cpu_core_usage": round(cores * 0.25, 2) if up else 0,
            "cpu_core_total": cores, "cpu_memory_usage": 512 * running, "cpu_memory_total": 4096 * count,
            "gpu_usage": 0, "gpu_total": 0, "model_running_instance_count": running, "model_instance_count": count,
        })
    return Response(200, {
        "service_id": svc["service_id"], "service_name": svc["service_name"], "monitors": monitors,
        "service_running_instance_count": sum(m["model_running_instance_count"] for m in monitors),
        "service_instance_count": sum(m["model_instance_count"] for m in monitors), "req_count_per_min": 0,
    })


def _logs(req: Request, emu: Emulator) -> Response:
    svc = get_service(emu, str(req.project_id), req.params["service_id"])
    settle(emu, svc)
    now = emu.clock.now()
    since = req.query_int("update_time", 0, lo=0)
    logs = []
    for entry in svc["_logs"]:
        if entry["update_time"] < since:
            continue
        done = entry["_ends"] is not None and now >= entry["_ends"]
        logs.append({**public(entry), "result": entry["_final"] if done else "RUNNING"})
    return Response(200, {"service_id": svc["service_id"], "service_name": svc["service_name"], "logs": logs})


def _events(req: Request, emu: Emulator) -> Response:
    svc = get_service(emu, str(req.project_id), req.params["service_id"])
    settle(emu, svc)
    now_ms = ms(emu.clock.now())
    event_type = check_choice(req, "event_type", ("normal", "abnormal"))
    info = (req.query("event_info") or "").lower()
    start = req.query_int("start_time", 0, lo=0)
    end = req.query_int("end_time", now_ms, lo=0)
    events = [dict(e, _seq=i) for i, e in enumerate(svc["_events"])
              if start <= e["occur_time"] <= min(end, now_ms) and (not event_type or e["event_type"] == event_type)
              and info in e["event_info"].lower()]
    total, chunk = sorted_page(req, events, lambda e: (e["occur_time"], e["_seq"]))
    return Response(200, {"service_id": svc["service_id"], "service_name": svc["service_name"],
                          "total_count": total, "count": len(chunk), "events": [public(e) for e in chunk]})


# ---- batch processing --------------------------------------------------------------------------------------------
def _from_rule(rule: Any, row: list[str]) -> Any:
    """Build one request body from a csv ``mapping_rule`` (JSON-schema-like with ``index`` on leaves)."""
    if not isinstance(rule, dict):
        return None
    if "index" in rule:
        index = int(rule["index"])
        if index < 0 or index >= len(row):
            return None
        cell = row[index].strip()
        casts: dict[str, Callable[[str], Any]] = {"number": float, "integer": int,
                                                  "boolean": lambda v: v.lower() == "true"}
        try:
            return casts.get(str(rule.get("type")), str)(cell)
        except ValueError:
            return cell
    if rule.get("type") == "array":
        items = rule.get("items", [])
        return [_from_rule(item, row) for item in (items if isinstance(items, list) else [items])]
    props = rule.get("properties", {})
    built = {k: _from_rule(v, row) for k, v in props.items()} if isinstance(props, dict) else {}
    return {k: v for k, v in built.items() if v is not None}


def _batch_requests(cfg: dict[str, Any], data: bytes, name: str) -> list[Any]:
    if cfg["mapping_type"] == "csv":
        rows = [r for r in csv.reader(io.StringIO(data.decode("utf-8", "replace"))) if r]
        return [_from_rule(cfg["mapping_rule"], row) for row in rows]
    return [{"file_name": name, "size": len(data), "text": data.decode("utf-8", "replace")}]


def _run_batch(emu: Emulator, svc: dict[str, Any]) -> None:
    """Write ``<name>_result.txt`` for every input file of a finished batch service (runner: real predictions)."""
    from airflow_provider_modelarts.emulator.resources import inference

    if emu.obs is None:
        return
    cfg = svc["_config"][0]
    src_bucket, src_key = obs_location(cfg["src_path"], "config.src_path")
    dest_bucket, dest_key = obs_location(cfg["dest_path"], "config.dest_path")
    if dest_key and not dest_key.endswith("/"):
        dest_key += "/"
    try:
        keys = [k for k in emu.obs.list(src_bucket, src_key) if not k.endswith("/")]
        emu.obs.ensure_bucket(dest_bucket)
    except Exception:
        return
    for key in keys:
        name = posixpath.basename(key)
        if cfg["mapping_type"] == "csv" and not name.endswith(".csv"):
            continue
        results = [inference.predict_payload(emu, svc, cfg, req_body)[1]
                   for req_body in _batch_requests(cfg, emu.obs.get(src_bucket, key), name)]
        payload = results[0] if cfg["mapping_type"] == "file" else results
        emu.obs.put(dest_bucket, f"{dest_key}{name}_result.txt", json.dumps(payload, ensure_ascii=False).encode())


SPECIFICATIONS = (
    ("modelarts.vm.cpu.2u", "CPU: 2 vCPUs | 8 GiB", 2, 8192, None),
    ("modelarts.vm.cpu.8u", "CPU: 8 vCPUs | 32 GiB", 8, 32768, None),
    ("modelarts.vm.gpu.pnt004", "GPU: 1 * NVIDIA P4 | CPU: 8 vCPUs | 32 GiB", 8, 32768, "P4"),
)


def _specifications(req: Request, emu: Emulator) -> Response:
    """``GET /v1/{project_id}/services/specifications``: a fixed catalogue (the emulator does not check flavors)."""
    check_choice(req, "infer_type", ("real-time", "batch"))
    specs = [{"specification": name, "billing_spec": name, "spec_status": "normal", "is_open": True,
              "is_free": False, "over_quota": False, "source_type": "", "display_en": text, "display_cn": text,
              "category": "GPU" if gpu else "CPU", "cpu_info": {"arch": "x86", "cpu": cpu},
              "memory_info": {"unit": "MB", "memory": memory},
              **({"gpu_info": {"brand": "NVIDIA", "version": gpu, "unit": "GB", "memory": 8, "gpu": 1}} if gpu
                 else {})}
             for name, text, cpu, memory, gpu in SPECIFICATIONS]
    return Response(200, {"total_count": len(specs), "count": len(specs), "specifications": specs})


SERVICES = "/v1/{project_id}/services"
ONE_SERVICE = SERVICES + "/{service_id}"
ROUTES: list[RouteSpec] = [  # ``specifications`` before ``{service_id}``
    ("GET", SERVICES + "/specifications", "specifications", _specifications),
    *resource_routes(SERVICES, ONE_SERVICE, create=_create, list=_list, get=_get, update=_update, delete=_delete),
    ("GET", ONE_SERVICE + "/monitor", "monitor", _monitor),
    ("GET", ONE_SERVICE + "/logs", "logs", _logs),
    ("GET", ONE_SERVICE + "/events", "events", _events),
]


def register(router: Router) -> None:
    """Add the service routes to the router (kinds ``services.<op>``)."""
    add_routes(router, "services", ROUTES)
