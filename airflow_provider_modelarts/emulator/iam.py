"""The emulator's IAM (Keystone v3 subset): password tokens and the project/domain look-ups of huaweicloudsdkcore.

Routes (all ``auth=False``: the IAM does its own checks):

* ``POST /v3/auth/tokens`` (``?nocatalog=true``): password identity, project scope (by ``name`` or ``id``), domain
  scope or no scope. 201 with the token in ``X-Subject-Token`` and ``{"token": {...}}``.
* ``GET /v3/projects?name=`` (token or AK/SK): what ``BasicCredentials`` calls to resolve a project id from the
  region name (``huaweicloudsdkcore/auth/credentials.py``; it reads ``projects[0].id`` and refuses 0 or >1 hits).
* ``GET /v3/auth/projects`` (token or AK/SK): the projects the caller may use.
* ``GET /v3/auth/domains`` (token or AK/SK): what ``GlobalCredentials`` calls to resolve a domain id
  (``domains[0].id``).

Error shape: the reference shows no IAM error body, so the Keystone shape that Huawei IAM answers is used,
``{"error": {"code": 401, "message": "The username or password is wrong.", "title": "Unauthorized"}}``
(huaweicloudsdkcore reads ``code``/``message`` pairs in nested objects). A project the user may not use gives
401 like Keystone ("has no access to project"). AK/SK failures keep the API-gateway shape (``APIG.0301``).

Domain and user ids are not in the identity configuration; they are stable hashes of the names unless the
configuration gives an ``id``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from airflow_provider_modelarts.emulator import auth
from airflow_provider_modelarts.emulator.http import ApiError, Request, Response, Router

if TYPE_CHECKING:
    from airflow_provider_modelarts.emulator.state import Emulator

_TITLES = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found"}


# ---- identities ------------------------------------------------------------------------------------------------
def stable_id(kind: str, name: str) -> str:
    """A 32-hex id derived from a name (domains and users have no configured id)."""
    return hashlib.md5(f"{kind}:{name}".encode(), usedforsecurity=False).hexdigest()


def domain_id(domain: dict[str, Any]) -> str:
    return str(domain.get("id") or stable_id("domain", domain["name"]))


def user_id(domain: dict[str, Any], user: dict[str, Any]) -> str:
    return str(user.get("id") or stable_id("user", f"{domain['name']}/{user['name']}"))


def find_domain(emu: Emulator, *, name: str | None = None, ident: str | None = None) -> dict[str, Any] | None:
    """The configured domain (account) with this name or id."""
    for domain in emu.config.get("domains", []):
        if (name is not None and domain["name"] == name) or (ident is not None and domain_id(domain) == ident):
            return domain
    return None


def find_user(domain: dict[str, Any], *, name: str | None = None, ident: str | None = None) -> dict[str, Any] | None:
    """The user of a domain with this name or id."""
    for user in domain.get("users", []):
        if (name is not None and user["name"] == name) or (ident is not None and user_id(domain, user) == ident):
            return user
    return None


def domain_of_project(emu: Emulator, project_id: str) -> dict[str, Any]:
    """The domain owning a project: the first domain with a user of that project, else the first domain."""
    domains = emu.config.get("domains") or [{"name": "emulator-account", "users": []}]
    for domain in domains:
        if any(project_id in user.get("projects", []) for user in domain.get("users", [])):
            return domain
    return domains[0]


def validate_identities(config: Any) -> None:
    """Check an identity configuration (``--config``).

    :raises ValueError: with a message naming the faulty entry.
    """
    if not isinstance(config, dict):
        raise ValueError("the configuration must be a JSON object with projects, domains and access_keys")
    projects = _require_list(config, "projects", "configuration")
    ids: set[str] = set()
    for i, project in enumerate(projects):
        where = f"projects[{i}]"
        _require_strings(project, ("id", "name"), where)
        if project["id"] in ids:
            raise ValueError(f"{where}: duplicate project id {project['id']!r}")
        ids.add(project["id"])
    if not ids:
        raise ValueError("projects: at least one project is required")
    for i, domain in enumerate(_require_list(config, "domains", "configuration")):
        _require_strings(domain, ("name",), f"domains[{i}]")
        for j, user in enumerate(_require_list(domain, "users", f"domains[{i}]")):
            where = f"domains[{i}].users[{j}]"
            _require_strings(user, ("name", "password"), where)
            _require_project_ids(user, ids, where)
    for i, key in enumerate(_require_list(config, "access_keys", "configuration")):
        where = f"access_keys[{i}]"
        _require_strings(key, ("ak", "sk"), where)
        _require_project_ids(key, ids, where)
        if "security_token" in key and not isinstance(key["security_token"], str):
            raise ValueError(f"{where}.security_token must be a string")


def _require_list(obj: Any, key: str, where: str) -> list[Any]:
    if not isinstance(obj, dict) or not isinstance(obj.get(key), list):
        raise ValueError(f"{where}: {key!r} must be a list")
    return list(obj[key])


def _require_strings(obj: Any, keys: tuple[str, ...], where: str) -> None:
    if not isinstance(obj, dict):
        raise ValueError(f"{where} must be an object")
    for key in keys:
        if not isinstance(obj.get(key), str) or not obj[key]:
            raise ValueError(f"{where}.{key} must be a non-empty string")


def _require_project_ids(obj: dict[str, Any], ids: set[str], where: str) -> None:
    projects = _require_list(obj, "projects", where)
    unknown = [p for p in projects if p not in ids]
    if unknown:
        raise ValueError(f"{where}.projects: unknown project ids {unknown}")


# ---- helpers ---------------------------------------------------------------------------------------------------
def iam_error(status: int, message: str) -> ApiError:
    """An IAM error answered in the Keystone shape (see the module docstring)."""
    return _IamError(status, message)


class _IamError(ApiError):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(status, f"IAM.{status}", message)

    def body(self, request_id: str) -> dict[str, Any]:
        return {"error": {"code": self.status, "message": self.error_msg, "title": _TITLES.get(self.status, "Error")}}


def iso(epoch: float) -> str:
    """ISO-8601 UTC with microseconds and ``Z``, as IAM writes ``expires_at``."""
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _identify(req: Request, emu: Emulator) -> dict[str, Any]:
    """The caller of an IAM read API; token errors become Keystone 401s, AK/SK errors stay APIG.0301."""
    try:
        return auth.identify(req, emu)
    except ApiError as exc:
        if exc.error_code.startswith("APIG"):
            raise
        raise iam_error(401, "The request you have made requires authentication.") from None


def _visible_projects(identity: dict[str, Any], emu: Emulator) -> list[str]:
    """Project ids a caller may use: the AK's projects, or all projects of the token's user."""
    if identity["type"] == "aksk":
        return list(identity["projects"])
    domain = find_domain(emu, name=identity.get("domain"))
    user = find_user(domain, name=identity.get("user")) if domain else None
    return list(user.get("projects", [])) if user else list(identity["projects"])


def _caller_domain(identity: dict[str, Any], emu: Emulator) -> dict[str, Any] | None:
    if identity.get("domain"):
        return find_domain(emu, name=identity["domain"])
    projects = identity.get("projects") or []
    return domain_of_project(emu, projects[0]) if projects else None


def _project_view(emu: Emulator, project: dict[str, Any], *, paged: bool) -> dict[str, Any]:
    did = domain_id(domain_of_project(emu, project["id"]))
    return {"id": project["id"], "name": project["name"], "domain_id": did, "parent_id": did, "is_domain": False,
            "description": project.get("description", ""), "enabled": True,
            "links": _links(emu, f"/v3/projects/{project['id']}", paged=paged)}


def _links(emu: Emulator, path: str, *, paged: bool) -> dict[str, Any]:
    """Keystone links: ``self``, plus ``next``/``previous`` where the SDK model is ``Links`` (``GET
    /v3/projects``) rather than ``LinksSelf`` (the ``/v3/auth/...`` lists)."""
    links: dict[str, Any] = {"self": f"{emu.base_url}{path}"}
    if paged:
        links.update(next=None, previous=None)
    return links


# ---- token issuing ---------------------------------------------------------------------------------------------
def _password_user(body: Any, emu: Emulator) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """Check the password identity of a token request; returns (domain, user, methods)."""
    try:
        identity = body["auth"]["identity"]
        methods = list(identity["methods"])
        user_in = identity["password"]["user"]
        password = user_in["password"]
    except (KeyError, TypeError):
        raise iam_error(400, "The request body must be {auth: {identity: {methods: [password], password: "
                             "{user: {name, password, domain: {name}}}}}}.") from None
    if methods != ["password"]:
        raise iam_error(400, f"Unsupported authentication methods {methods}; the emulator supports ['password'].")
    domain_in = user_in.get("domain") or {}
    domain = find_domain(emu, name=domain_in.get("name"), ident=domain_in.get("id"))
    if domain is None and user_in.get("id"):
        domain = next((d for d in emu.config.get("domains", []) if find_user(d, ident=user_in["id"])), None)
    user = find_user(domain, name=user_in.get("name"), ident=user_in.get("id")) if domain else None
    if domain is None or user is None or not isinstance(password, str) or not hmac.compare_digest(
            password.encode(), str(user["password"]).encode()):
        raise iam_error(401, "The username or password is wrong.")
    return domain, user, methods


def _scope_project(body: dict[str, Any], emu: Emulator, user: dict[str, Any]) -> dict[str, Any] | None:
    """The project of a project-scoped request (None for domain scope or no scope)."""
    scope = (body.get("auth") or {}).get("scope") or {}
    if not isinstance(scope, dict) or "project" not in scope:
        return None
    wanted = scope["project"] if isinstance(scope["project"], dict) else {}
    project = None
    if wanted.get("id"):
        project = emu.project_by_id(wanted["id"])
    elif wanted.get("name"):
        project = emu.project_by_name(wanted["name"])
    else:
        raise iam_error(400, "scope.project needs an id or a name.")
    if project is None or project["id"] not in user.get("projects", []):
        raise iam_error(401, f"The user {user['name']} has no access to project "
                             f"{wanted.get('id') or wanted.get('name')}.")
    return project


def _catalog(emu: Emulator, region: str) -> list[dict[str, Any]]:
    """A small service catalog: ModelArts, IAM and (when started) OBS."""
    services = [("modelarts", "modelarts", emu.base_url), ("iam", "identity", emu.base_url)]
    if emu.obs is not None:
        services.append(("obs", "object-store", str(getattr(emu.obs, "endpoint", ""))))
    return [{"id": stable_id("service", name), "name": name, "type": kind,
             "endpoints": [{"id": stable_id("endpoint", name + region), "interface": "public", "region": region,
                            "region_id": region, "url": url}]}
            for name, kind, url in services]


def create_token(req: Request, emu: Emulator) -> Response:
    """``POST /v3/auth/tokens``: issue a token for a password identity."""
    try:
        body = req.json_object()
    except ApiError:
        raise iam_error(400, "The request body is not a JSON object.") from None
    domain, user, methods = _password_user(body, emu)
    project = _scope_project(body, emu, user)
    now = time.time()
    token = "MIIemu" + secrets.token_urlsafe(120)
    dom = {"id": domain_id(domain), "name": domain["name"]}
    record = {"project_id": project["id"] if project else None, "project_name": project["name"] if project else None,
              "user": user["name"], "user_id": user_id(domain, user), "domain": domain["name"],
              "domain_id": dom["id"], "issued_at": now, "expires_at": now + float(emu.token_ttl)}
    emu.tokens[token] = record
    out: dict[str, Any] = {
        "expires_at": iso(record["expires_at"]), "issued_at": iso(now), "methods": methods,
        "user": {"id": record["user_id"], "name": user["name"], "domain": dom, "password_expires_at": ""},
        "roles": [{"id": stable_id("role", "te_admin"), "name": "te_admin"}],
    }
    if project:
        out["project"] = {"id": project["id"], "name": project["name"], "domain": dom}
    else:
        out["domain"] = dom
    if (req.query("nocatalog") or "").lower() != "true":
        out["catalog"] = _catalog(emu, project["name"] if project else "")
    return Response(201, {"token": out}, {"X-Subject-Token": token})


# ---- look-ups --------------------------------------------------------------------------------------------------
def list_projects(req: Request, emu: Emulator) -> Response:
    """``GET /v3/projects`` with the ``name``, ``domain_id`` and ``enabled`` filters."""
    identity = _identify(req, emu)
    views = [_project_view(emu, p, paged=True) for p in emu.config["projects"]
             if p["id"] in _visible_projects(identity, emu)]
    for field_name in ("name", "domain_id"):
        wanted = req.query(field_name)
        if wanted is not None:
            views = [v for v in views if v[field_name] == wanted]
    enabled = req.query("enabled")
    if enabled is not None and enabled.lower() == "false":
        views = []
    return Response(200, {"projects": views, "links": _links(emu, "/v3/projects", paged=True)})


def list_auth_projects(req: Request, emu: Emulator) -> Response:
    """``GET /v3/auth/projects``: the projects the caller may use."""
    identity = _identify(req, emu)
    views = [_project_view(emu, p, paged=False) for p in emu.config["projects"]
             if p["id"] in _visible_projects(identity, emu)]
    return Response(200, {"projects": views, "links": _links(emu, "/v3/auth/projects", paged=False)})


def list_auth_domains(req: Request, emu: Emulator) -> Response:
    """``GET /v3/auth/domains``: the caller's domain (account)."""
    identity = _identify(req, emu)
    domain = _caller_domain(identity, emu)
    domains = [] if domain is None else [{
        "id": domain_id(domain), "name": domain["name"], "enabled": True, "description": "",
        "links": _links(emu, f"/v3/domains/{domain_id(domain)}", paged=False)}]
    return Response(200, {"domains": domains, "links": _links(emu, "/v3/auth/domains", paged=False)})


def register(router: Router) -> None:
    """Attach the IAM routes (kinds ``iam.*``)."""
    router.route("POST", "/v3/auth/tokens", "iam.token.create", auth=False)(create_token)
    router.route("GET", "/v3/projects", "iam.projects.list", auth=False)(list_projects)
    router.route("GET", "/v3/auth/projects", "iam.auth_projects.list", auth=False)(list_auth_projects)
    router.route("GET", "/v3/auth/domains", "iam.auth_domains.list", auth=False)(list_auth_domains)
