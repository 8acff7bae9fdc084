"""Model management (AI applications): ``/v1/{project_id}/models`` (reference §3.9, §4.4).

Routes and request-log kinds:

* ``POST   /v1/{project_id}/models``            ``models.create``  -> 200 ``{model_id}``
* ``GET    /v1/{project_id}/models``            ``models.list``    -> 200 ``{total_count, count, models}``
* ``GET    /v1/{project_id}/models/{model_id}`` ``models.get``     -> 200 detail, 404 ``ModelArts.3001``
* ``DELETE /v1/{project_id}/models/{model_id}`` ``models.delete``  -> 200 ``{delete_success_list, delete_failed_list}``

Choices where the sources are silent or disagree:

* ``model_version`` is ``N.N.N`` with 1-2 digits per part and no leading zero; a single ``0`` part is allowed
  because every example of the reference uses ``1.0.0`` / ``0.1.0`` (``01.0.0`` is rejected).
* The model directory must exist: for every ``model_type`` but ``Image`` the create call checks synchronously
  that ``source_location`` holds at least one OBS object and answers 400 ``ModelArts.3017`` ("source location
  noncompliance", the documented code) otherwise. Without an OBS store the create answers 400 ``ModelArts.4314``.
  ``Image`` models take an SWR image address and are not checked.
* The model list's ``model_name`` filter is fuzzy like a SQL ``LIKE '%name%'``: ``_`` matches any character
  unless ``exact_match=true`` (the reason the real API has that flag); ``description`` is a plain substring.
* A model used by a service (any config of a service of the project, including an update being deployed)
  is not deleted: it lands in ``delete_failed_list`` with ``ModelArts.3009`` (the code of the documented
  example). ``cascade=true`` also deletes the other versions of the same name, at most 20 models in total.
* The detail of a ``failed`` / ``building_failed`` model names no cause: no source has a field for it (the
  documented answer tables are in :mod:`..contract.models_services`).
* ``description``: at most 100 characters without ``! < > = & "`` (SDK reference 表 10-9); ``dependencies[]``
  ``installer`` is ``pip`` only (SDK reference 表 10-11, OTC model detail Table 6).

Status (``model_status``): ``publishing`` for 3 emulated seconds, then ``published``. Scripted outcomes
(kind ``model``, matched against ``model_name``; a request trigger ``[emulator:<word>]`` in ``description`` wins):
``success``; ``fail`` (publishing -> ``failed``); ``building_failed`` (publishing ->
building -> ``building_failed``); ``stuck`` (publishing for ever); ``slow`` (publishing for 30 s).
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from airflow_provider_modelarts.emulator.http import ApiError, Request, Response, bad_request
from airflow_provider_modelarts.emulator.obspath import split_obs_path
from airflow_provider_modelarts.emulator.resources.common import (
    NameRule,
    RouteSpec,
    add_routes,
    check_name,
    ms,
    page_window,
    resource_routes,
)
from airflow_provider_modelarts.emulator.state import Lifecycle

if TYPE_CHECKING:
    from airflow_provider_modelarts.emulator.http import Router
    from airflow_provider_modelarts.emulator.state import Emulator

COLLECTION = "models"
MODEL_TYPES = ("TensorFlow", "MXNet", "Caffe", "Spark_MLlib", "Scikit_Learn", "XGBoost", "MindSpore", "Image",
               "PyTorch", "Template")
MODEL_STATUSES = ("publishing", "published", "failed", "building", "building_failed")
INSTALL_TYPES = ("real-time", "edge", "batch")
RESTRAINTS = ("EXACT", "ATLEAST", "ATMOST")
PUBLISH_SECONDS = 3.0
MAX_CASCADE = 20

NAME_RE = re.compile(r"^[A-Za-z\u4e00-\u9fa5][A-Za-z0-9_\-\u4e00-\u9fa5]{0,63}$")
VERSION_RE = re.compile(r"^(0|[1-9]\d?)\.(0|[1-9]\d?)\.(0|[1-9]\d?)$")
TRIGGER_RE = re.compile(r"\[emulator:([A-Za-z0-9_:\-]+)\]")
#: SDK reference 表 10-9: "不能包含特殊字符!<>=&，”" (the comma separates the list; the quote is ")
MODEL_DESC_FORBIDDEN = '!<>=&"'


# ---- helpers shared with services.py -------------------------------------------------------------------------
def trigger(description: Any) -> str | None:
    """The outcome word of a ``[emulator:<word>]`` request trigger in a description, if any."""
    if not isinstance(description, str):
        return None
    m = TRIGGER_RE.search(description)
    return m.group(1) if m else None


#: Model and service names: 1-64 characters, a letter first, then letters, digits, ``-`` and ``_``.
NAME_RULE = NameRule(NAME_RE, "must have 1 to 64 characters, start with a letter and contain only letters, digits, "
                     "hyphens (-) and underscores (_).", missing="Parameter {field} is required.")


def check_description(value: Any, forbidden: str) -> str:
    """Validate an optional description: a string of at most 100 characters without ``forbidden`` characters."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise bad_request("Invalid parameter description: it must be a string.")
    if len(value) > 100:
        raise bad_request("Invalid parameter description: at most 100 characters are allowed.")
    bad = sorted({c for c in value if c in forbidden})
    if bad:
        raise bad_request(f"Invalid parameter description: the characters {''.join(bad)} are not allowed.")
    return value


def check_choice(req: Request, name: str, choices: Iterable[str], default: str | None = None) -> str | None:
    """A query parameter restricted to ``choices`` (400 ``ModelArts.0104`` otherwise)."""
    value = req.query(name)
    if value is None or value == "":
        return default
    allowed = tuple(choices)
    if value not in allowed:
        raise bad_request(f"Invalid parameter {name}: {value!r} is not one of {', '.join(allowed)}.")
    return value


def like(pattern: str, value: str, *, underscore_literal: bool) -> bool:
    """SQL ``LIKE '%pattern%'`` (case-insensitive); ``_`` is a single-character wildcard unless escaped."""
    parts = [".*" if c == "%" else "." if c == "_" and not underscore_literal else re.escape(c) for c in pattern]
    return re.search("".join(parts), value, re.IGNORECASE | re.DOTALL) is not None


def sorted_page(req: Request, items: list[dict[str, Any]], sort_key: Callable[[dict[str, Any]], Any],
                default_order: str = "desc") -> tuple[int, list[dict[str, Any]]]:
    """Sort and cut one page: ``offset`` is a PAGE index (default 0), ``limit`` a page size (default 1000).

    :return: (total_count, records of the page).
    """
    window = page_window(req, default_size=1000, max_size=1000)
    order = check_choice(req, "order", ("asc", "desc"), default_order)
    ordered = sorted(items, key=sort_key, reverse=order == "desc")
    return len(ordered), ordered[window]


def owner_fields(req: Request) -> dict[str, str]:
    """``tenant``/``project``/``owner`` of a new resource from the authenticated identity."""
    project = req.project_id or ""
    ident = req.identity
    domain = str(ident.get("domain_id") or ident.get("domain") or project)
    return {"tenant": domain, "project": project,
            "owner": str(ident.get("user_id") or ident.get("user") or ident.get("ak") or domain)}


def public(record: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of a record without its private (``_``-prefixed) keys."""
    return {k: copy.deepcopy(v) for k, v in record.items() if not k.startswith("_")}


# ---- model records ---------------------------------------------------------------------------------------------
def get_model(emu: Emulator, project_id: str, model_id: str) -> dict[str, Any]:
    """The stored model record, or 404 ``ModelArts.3001``."""
    model = emu.store(project_id, COLLECTION).get(model_id)
    if model is None:
        raise ApiError(404, "ModelArts.3001", f"Model ({model_id}) does not exist.")
    return model


def model_status(emu: Emulator, model: dict[str, Any]) -> str:
    """The model's status now (time driven)."""
    return str(model["_life"].status(emu.clock.now()))


def _plan(outcome: str) -> tuple[list[tuple[str, float]], str | None, str | None]:
    """(steps, final, error message) of a model publication for an outcome word."""
    if outcome == "fail":
        return [("publishing", PUBLISH_SECONDS)], "failed", "Failed to publish model: the model package is invalid."
    if outcome == "building_failed":
        half = PUBLISH_SECONDS / 2
        return ([("publishing", half), ("building", half)], "building_failed",
                "Failed to build the model image: dependency installation failed.")
    if outcome == "stuck":
        return [("publishing", PUBLISH_SECONDS)], None, None
    if outcome == "slow":
        return [("publishing", PUBLISH_SECONDS * 10)], "published", None
    return [("publishing", PUBLISH_SECONDS)], "published", None


def _list_of_dicts(body: dict[str, Any], field: str) -> list[dict[str, Any]]:
    value = body.get(field)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise bad_request(f"Invalid parameter {field}: it must be an array of objects.")
    return value


def _check_dependencies(body: dict[str, Any]) -> None:
    for dep in _list_of_dicts(body, "dependencies"):
        installer = dep.get("installer")
        if installer != "pip":  # SDK reference 表 10-11 "当前只支持 pip"; OTC model detail Table 6
            raise bad_request(f"Invalid parameter dependencies.installer: {installer!r}; only pip is supported.")
        packages = dep.get("packages")
        if not isinstance(packages, list) or not all(isinstance(p, dict) for p in packages):
            raise bad_request("Invalid parameter dependencies.packages: it must be an array of objects.")
        for pkg in packages:
            if not isinstance(pkg.get("package_name"), str) or not pkg["package_name"]:
                raise ApiError(400, "ModelArts.3036", "Parameter verification failed, parameter (package_name) "
                                                      "is required.")
            if pkg.get("package_version") and pkg.get("restraint") not in RESTRAINTS:
                raise ApiError(400, "ModelArts.3041", "When the installer installer is conda or pip, and the version "
                                                      "packageVersion exists, the version constraint restraint can "
                                                      "only be EXACT, ATLEAST, ATMOST.")


def _check_apis(body: dict[str, Any]) -> None:
    apis = body.get("apis")
    if apis is None or isinstance(apis, str):
        return
    for api in _list_of_dicts(body, "apis"):
        method = str(api.get("method", "post")).lower()
        if method not in ("post", "get", "put", "delete"):
            raise bad_request(f"Invalid parameter apis.method: {api.get('method')!r}.")
        if "url" in api and (not isinstance(api["url"], str) or not api["url"].startswith("/")):
            raise bad_request(f"Invalid parameter apis.url: {api['url']!r} must start with '/'.")


def _check_install_type(body: dict[str, Any]) -> list[str]:
    value = body.get("install_type")
    if value is None:
        return ["real-time", "batch"]
    if not isinstance(value, list) or not value or any(v not in INSTALL_TYPES for v in value):
        raise bad_request(f"Invalid parameter install_type: {value!r} must be a non-empty subset of "
                          f"{', '.join(INSTALL_TYPES)}.")
    return list(dict.fromkeys(value))


def validate_create(body: dict[str, Any]) -> None:
    """Validate a create-model body like the real API (400 with ModelArts codes)."""
    check_name(body.get("model_name"), "model_name", NAME_RULE)
    version = body.get("model_version")
    if not isinstance(version, str) or not version:
        raise bad_request("Parameter model_version is required.")
    if not VERSION_RE.match(version):
        raise bad_request(f"Invalid parameter model_version: {version!r} must look like N.N.N with 1-2 digits per "
                          "part and no leading zero.")
    model_type = body.get("model_type")
    if model_type not in MODEL_TYPES:
        raise bad_request(f"Invalid parameter model_type: {model_type!r} is not one of {', '.join(MODEL_TYPES)}.")
    location = body.get("source_location")
    if not isinstance(location, str) or not location:
        raise bad_request("Parameter source_location is required.")
    if model_type == "Image" and (location.startswith(("obs://", "/")) or "/" not in location):
        raise bad_request(f"Invalid parameter source_location: {location!r} is not an SWR image address.")
    check_description(body.get("description"), MODEL_DESC_FORBIDDEN)
    for field in ("runtime", "execution_code", "model_algorithm", "source_job_id", "source_job_version",
                  "initial_config", "workspace_id", "model_metrics"):
        if body.get(field) is not None and not isinstance(body[field], str):
            raise bad_request(f"Invalid parameter {field}: it must be a string.")
    if body.get("source_type") not in (None, "", "auto"):
        raise bad_request(f"Invalid parameter source_type: {body['source_type']!r}; only 'auto' is allowed.")
    for field in ("input_params", "output_params", "model_docs"):
        _list_of_dicts(body, field)
    _check_dependencies(body)
    _check_apis(body)
    _check_install_type(body)


def _package_size(emu: Emulator, location: str) -> int:
    """Check that an OBS model directory holds objects and return their total size (400 when it does not)."""
    if emu.obs is None:
        raise ApiError(400, "ModelArts.4314", "Obs error: the emulator runs without OBS, so the model directory "
                                              f"{location} cannot be read.")
    bucket, key = split_obs_path(location, field="source_location")
    prefix = key if key == "" or key.endswith("/") else key + "/"
    try:
        keys = [k for k in emu.obs.list(bucket, prefix) if not k.endswith("/")]
    except Exception:  # a missing bucket is a missing directory
        keys = []
    if not keys:
        raise ApiError(400, "ModelArts.3017", "Failed to publish model because source location noncompliance: "
                                              f"no object under {location}.")
    size = 0
    for k in keys[:200]:
        try:
            size += len(emu.obs.get(bucket, k))
        except KeyError:
            continue
    return size


def _create(req: Request, emu: Emulator) -> Response:
    body = req.json_object()
    validate_create(body)
    project_id = str(req.project_id)
    store = emu.store(project_id, COLLECTION)
    name, version = body["model_name"], body["model_version"]
    if any(m["model_name"] == name and m["model_version"] == version for m in store.values()):
        raise ApiError(409, "ModelArts.3002", f"Model ({name}, {version}) already exists.")
    size = 0 if body["model_type"] == "Image" else _package_size(emu, body["source_location"])
    now = emu.clock.now()
    outcome = emu.outcomes.take("model", name, trigger(body.get("description")))
    steps, final, error = _plan(outcome)
    model_id = emu.new_uuid()
    record: dict[str, Any] = {
        "model_id": model_id, "model_name": name, "model_version": version, "model_type": body["model_type"],
        "model_size": size, **owner_fields(req), "create_at": ms(now),
        "description": body.get("description") or "", "source_type": body.get("source_type") or "",
        "model_source": "auto" if body.get("source_type") == "auto" else "custom",
        "install_type": _check_install_type(body), "workspace_id": body.get("workspace_id") or "0",
        "source_location": body["source_location"], "source_job_id": body.get("source_job_id") or "",
        "source_job_version": body.get("source_job_version") or "", "runtime": body.get("runtime") or "",
        "execution_code": body.get("execution_code") or "", "schema_doc": "", "image_address": "",
        "input_params": body.get("input_params") or [], "output_params": body.get("output_params") or [],
        "dependencies": body.get("dependencies") or [], "model_metrics": body.get("model_metrics") or "",
        "apis": _apis_text(body.get("apis")), "model_algorithm": body.get("model_algorithm") or "",
        "config": body.get("initial_config") or "", "health": {}, "specification": {}, "model_labels": [],
        "labels_map": {"labels": []}, "tunable": False, "market_flag": False, "publishable_flag": False,
        "model_docs": body.get("model_docs") or [],
        "_life": Lifecycle(steps, final, now), "_error": error, "_seq": emu.next_int("model_seq"),
    }
    store[model_id] = record
    return Response(200, {"model_id": model_id})


def _apis_text(apis: Any) -> str:
    """``apis`` as the detail returns it: a JSON string."""
    if apis is None:
        return "[]"
    return apis if isinstance(apis, str) else json.dumps(apis, ensure_ascii=False)


LIST_FIELDS = ("model_id", "model_name", "model_version", "model_type", "model_size", "model_status", "tenant",
               "project", "owner", "create_at", "description", "source_type", "model_source", "install_type",
               "workspace_id", "market_flag", "tunable", "publishable_flag", "specification")


def render(emu: Emulator, model: dict[str, Any], *, detail: bool) -> dict[str, Any]:
    """The model as the list (``detail=False``) or the detail API shows it."""
    status = model_status(emu, model)
    out = public(model)
    out["model_status"] = status
    if not detail:
        return {k: out[k] for k in LIST_FIELDS if k in out}
    return out


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split("."))


SORT_KEYS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "create_at": lambda m: (m["create_at"], m["_seq"]),
    "model_version": lambda m: (_version_key(m["model_version"]), m["_seq"]),
    "model_size": lambda m: (m["model_size"], m["_seq"]),
}


def _matches(emu: Emulator, req: Request, model: dict[str, Any]) -> bool:
    name = req.query("model_name")
    exact = (req.query("exact_match") or "").lower() == "true"
    if name and not like(name, model["model_name"], underscore_literal=exact):
        return False
    desc = req.query("description")
    if desc and desc.lower() not in model["description"].lower():
        return False
    checks = (("model_version", model["model_version"]), ("workspace_id", model["workspace_id"]),
              ("model_type", model["model_type"]))
    if any(req.query(q) not in (None, "", value) for q, value in checks):
        return False
    if req.query("not_model_type") and req.query("not_model_type") == model["model_type"]:
        return False
    status = req.query("model_status")
    return not status or model_status(emu, model) == status


def _list(req: Request, emu: Emulator) -> Response:
    check_choice(req, "model_status", MODEL_STATUSES)
    if req.query("model_type") and req.query("not_model_type"):
        raise bad_request("Parameters model_type and not_model_type are mutually exclusive.")
    sort_by = check_choice(req, "sort_by", tuple(SORT_KEYS), "create_at") or "create_at"
    models = [m for m in emu.store(str(req.project_id), COLLECTION).values() if _matches(emu, req, m)]
    total, chunk = sorted_page(req, models, SORT_KEYS[sort_by])
    rendered = [render(emu, m, detail=False) for m in chunk]
    return Response(200, {"total_count": total, "count": len(rendered), "models": rendered})


def _get(req: Request, emu: Emulator) -> Response:
    return Response(200, render(emu, get_model(emu, str(req.project_id), req.params["model_id"]), detail=True))


def model_in_use(emu: Emulator, project_id: str, model_id: str) -> bool:
    """Whether a service of the project uses the model (in its config or in an update being deployed)."""
    from airflow_provider_modelarts.emulator.resources import services  # services import this module

    return services.uses_model(emu, project_id, model_id)


def _delete(req: Request, emu: Emulator) -> Response:
    project_id = str(req.project_id)
    store = emu.store(project_id, COLLECTION)
    model = get_model(emu, project_id, req.params["model_id"])
    targets = [model]
    if (req.query("cascade") or "").lower() == "true":
        others = [m for m in store.values() if m["model_name"] == model["model_name"] and m is not model]
        targets += sorted(others, key=lambda m: m["_seq"])[:MAX_CASCADE - 1]
    success: list[str] = []
    failed: list[dict[str, str]] = []
    for target in targets:
        mid = target["model_id"]
        if model_in_use(emu, project_id, mid):
            failed.append({"model_id": mid, "error_code": "ModelArts.3009",
                           "error_msg": f"Failed to delete model, model ({mid}) already deploy service."})
        else:
            del store[mid]
            success.append(mid)
    return Response(200, {"delete_success_list": success, "delete_failed_list": failed})


MODELS = "/v1/{project_id}/models"
ROUTES: list[RouteSpec] = resource_routes(MODELS, MODELS + "/{model_id}", create=_create, list=_list, get=_get,
                                          delete=_delete)


def register(router: Router) -> None:
    """Add the model routes to the router (kinds ``models.<op>``)."""
    add_routes(router, "models", ROUTES)
