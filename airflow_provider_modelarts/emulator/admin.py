"""The emulator's admin API under ``/_emulator/`` (no authentication, never faulted, not logged).

| method and path | body / query | answer |
|---|---|---|
| ``GET /_emulator/health`` | | ``{"status": "ok", "speed", "seed", "runner", "obs"}`` |
| ``GET /_emulator/config`` | | endpoints, region, default and other identities, the whole identity configuration |
| ``POST /_emulator/reset`` | ``{"obs": true}`` optional | stop runner processes; forget resources, rules, tokens, log, faults (and OBS objects) |
| ``GET /_emulator/requests`` | ``?kind=glob&status=201`` | ``{"requests": [log entries]}`` |
| ``DELETE /_emulator/requests`` | | 204 |
| ``GET /_emulator/requests/counts`` | | ``{kind: n}`` |
| ``POST /_emulator/outcomes`` | ``{kind, outcome, match, count}`` | 201 the rule |
| ``GET`` / ``DELETE /_emulator/outcomes`` | | ``{"rules": [...]}`` / 204 |
| ``POST`` / ``GET`` / ``DELETE /_emulator/faults`` | see :mod:`faults` | the fault state / 204 |
| ``GET /_emulator/clock`` | | ``{"now", "speed"}`` (emulated epoch seconds) |
| ``POST /_emulator/clock/advance`` | ``{"seconds": n}`` | ``{"now", "speed"}`` |
| ``POST /_emulator/tokens/expire`` | | ``{"expired": n}``: every issued token is expired now |
| ``POST /_emulator/tokens/ttl`` | ``{"seconds": n}`` | ``{"token_ttl": n}``: lifetime of tokens issued from now on |

``/_emulator/config`` includes the credentials (AK/SK, passwords): this is a loopback test tool whose CLI prints
the default credentials anyway, and :meth:`EmulatorHandle.from_url` needs them to talk to an emulator running in
another process. Do not expose the emulator beyond loopback.

Admin errors answer 400 ``{"error_code": "Emulator.0400", "error_msg": ...}``.
"""

from __future__ import annotations

import fnmatch
import time
from collections import Counter
from typing import TYPE_CHECKING, Any

from airflow_provider_modelarts.emulator.http import ApiError, Request, Response, Router

if TYPE_CHECKING:
    from airflow_provider_modelarts.emulator.state import Emulator

def admin_error(msg: str) -> ApiError:
    """400 with the admin error code."""
    return ApiError(400, "Emulator.0400", msg)


def _number(body: dict[str, Any], key: str, *, minimum: float | None = None) -> float:
    value = body.get(key)
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise admin_error(f"{key} must be a number")
    if minimum is not None and value < minimum:
        raise admin_error(f"{key} must be >= {minimum}")
    return float(value)


def default_identity(config: dict[str, Any]) -> dict[str, Any]:
    """The identities a client uses by default: the first project, an AK and a user of it, and "other" ones.

    :param config: the identity configuration (see ``state.DEFAULT_CONFIG``).
    """
    project = config["projects"][0]
    other = next((p for p in config["projects"][1:]), None)
    key = next((k for k in config.get("access_keys", []) if project["id"] in k.get("projects", [])), None)
    other_key = next((k for k in config.get("access_keys", []) if project["id"] not in k.get("projects", [])), None)
    domain, user = _default_user(config, project["id"])
    return {
        "project_id": project["id"], "project_name": project["name"],
        "other_project_id": other["id"] if other else None, "other_project_name": other["name"] if other else None,
        "ak": key["ak"] if key else None, "sk": key["sk"] if key else None,
        "security_token": key.get("security_token") if key else None,
        "other_ak": other_key["ak"] if other_key else None, "other_sk": other_key["sk"] if other_key else None,
        "domain": domain["name"] if domain else None, "user": user["name"] if user else None,
        "password": user["password"] if user else None,
    }


def _default_user(config: dict[str, Any], project_id: str) -> tuple[Any, Any]:
    """(domain, user) of the project's first IAM user, preferring a sub-user over the account's own user."""
    members = [(d, u) for d in config.get("domains", []) for u in d.get("users", [])
               if project_id in u.get("projects", [])]
    sub_users = [(d, u) for d, u in members if u["name"] != d["name"]]
    return (sub_users or members or [(None, None)])[0]


def obs_url(emu: Emulator) -> str | None:
    """The OBS endpoint, or None when OBS is not started."""
    return str(emu.obs.endpoint) if emu.obs is not None else None


# ---- handlers --------------------------------------------------------------------------------------------------
def health(req: Request, emu: Emulator) -> Response:
    return Response(200, {"status": "ok", "speed": emu.speed, "seed": emu.seed, "runner": emu.runner,
                          "obs": emu.obs is not None, "now": emu.clock.now()})


def config(req: Request, emu: Emulator) -> Response:
    return Response(200, {"url": emu.base_url, "modelarts_endpoint": emu.base_url, "iam_endpoint": emu.base_url,
                          "obs_url": obs_url(emu), "region": default_identity(emu.config)["project_name"],
                          "speed": emu.speed, "seed": emu.seed, "runner": emu.runner, "token_ttl": emu.token_ttl,
                          "default": default_identity(emu.config), "identities": emu.config})


def reset(req: Request, emu: Emulator) -> Response:
    body = req.json_object()
    emu.reset()
    if body.get("obs") and emu.obs is not None:
        emu.obs.wipe()
    return Response(200, {"reset": True})


def list_requests(req: Request, emu: Emulator) -> Response:
    entries = list(emu.request_log)
    kind = req.query("kind")
    if kind:
        entries = [e for e in entries if fnmatch.fnmatchcase(str(e["kind"]), kind)]
    status = req.query("status")
    if status:
        if not status.isdigit():
            raise admin_error("status must be an integer")
        entries = [e for e in entries if e["status"] == int(status)]
    return Response(200, {"requests": entries})


def clear_requests(req: Request, emu: Emulator) -> Response:
    emu.request_log.clear()
    return Response(204)


def request_counts(req: Request, emu: Emulator) -> Response:
    return Response(200, dict(Counter(str(e["kind"]) for e in emu.request_log)))


def add_outcome(req: Request, emu: Emulator) -> Response:
    body = req.json_object()
    kind, outcome = body.get("kind"), body.get("outcome")
    if not isinstance(kind, str) or not kind or not isinstance(outcome, str) or not outcome:
        raise admin_error("kind and outcome must be non-empty strings")
    match = body.get("match") or ""
    count = body.get("count", 1)
    if not isinstance(match, str):
        raise admin_error("match must be a string")
    if count is not None and (not isinstance(count, int) or isinstance(count, bool) or count < 1):
        raise admin_error("count must be a positive integer or null (for ever)")
    return Response(201, emu.outcomes.add(kind, outcome, match, count))


def list_outcomes(req: Request, emu: Emulator) -> Response:
    return Response(200, {"rules": list(emu.outcomes.rules)})


def clear_outcomes(req: Request, emu: Emulator) -> Response:
    emu.outcomes.clear()
    return Response(204)


def set_faults(req: Request, emu: Emulator) -> Response:
    try:
        emu.faults.configure(req.json_object())
    except ValueError as exc:
        raise admin_error(str(exc)) from None
    return Response(200, emu.faults.describe())


def get_faults(req: Request, emu: Emulator) -> Response:
    return Response(200, emu.faults.describe())


def clear_faults(req: Request, emu: Emulator) -> Response:
    emu.faults.configure({})
    return Response(204)


def clock(req: Request, emu: Emulator) -> Response:
    return Response(200, {"now": emu.clock.now(), "speed": emu.clock.speed})


def advance_clock(req: Request, emu: Emulator) -> Response:
    emu.clock.advance(_number(req.json_object(), "seconds", minimum=0))
    return clock(req, emu)


def expire_tokens(req: Request, emu: Emulator) -> Response:
    now = time.time()
    for record in emu.tokens.values():
        record["expires_at"] = min(float(record["expires_at"]), now)
    return Response(200, {"expired": len(emu.tokens)})


def token_ttl(req: Request, emu: Emulator) -> Response:
    emu.token_ttl = _number(req.json_object(), "seconds", minimum=1)
    return Response(200, {"token_ttl": emu.token_ttl})


def register(router: Router) -> None:
    """Attach the admin routes (kinds ``admin.*``)."""
    routes = [
        ("GET", "/_emulator/health", "admin.health", health),
        ("GET", "/_emulator/config", "admin.config", config),
        ("POST", "/_emulator/reset", "admin.reset", reset),
        ("GET", "/_emulator/requests/counts", "admin.requests.counts", request_counts),
        ("GET", "/_emulator/requests", "admin.requests.list", list_requests),
        ("DELETE", "/_emulator/requests", "admin.requests.clear", clear_requests),
        ("POST", "/_emulator/outcomes", "admin.outcomes.add", add_outcome),
        ("GET", "/_emulator/outcomes", "admin.outcomes.list", list_outcomes),
        ("DELETE", "/_emulator/outcomes", "admin.outcomes.clear", clear_outcomes),
        ("POST", "/_emulator/faults", "admin.faults.set", set_faults),
        ("GET", "/_emulator/faults", "admin.faults.get", get_faults),
        ("DELETE", "/_emulator/faults", "admin.faults.clear", clear_faults),
        ("GET", "/_emulator/clock", "admin.clock.get", clock),
        ("POST", "/_emulator/clock/advance", "admin.clock.advance", advance_clock),
        ("POST", "/_emulator/tokens/expire", "admin.tokens.expire", expire_tokens),
        ("POST", "/_emulator/tokens/ttl", "admin.tokens.ttl", token_ttl),
    ]
    for method, pattern, kind, handler in routes:
        router.route(method, pattern, kind, auth=False)(handler)
