"""Authentication shared by the sync and async clients.

* :class:`AkSkAuth` signs each request with :func:`~.signer.sign_request` (a pure function).
* :class:`TokenAuth` sends ``X-Auth-Token``. The IAM password token is fetched once per process and per
  identity (``POST /v3/auth/tokens`` with project scope, token in ``X-Subject-Token``), kept until a margin
  before ``expires_at``, and dropped on a 401 so the next call fetches a fresh one.

The HTTP exchanges themselves are done by the clients; this module only builds requests and reads answers, so
there is one implementation of each rule for both clients.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from airflow_provider_modelarts.client.config import ClientSettings
from airflow_provider_modelarts.client.errors import ModelArtsApiError, ModelArtsAuthError
from airflow_provider_modelarts.client.signer import canonical_query, sign_request


@dataclass(frozen=True)
class Prepared:
    """A request ready to send: method, full URL with query, headers and body bytes."""

    method: str
    url: str
    headers: dict[str, str]
    body: bytes | None


def build_url(base: str, path: str, query: str) -> str:
    return f"{base}{path}" + (f"?{query}" if query else "")


class AkSkAuth:
    """AK/SK request signing (``SDK-HMAC-SHA256``), with ``X-Security-Token`` for temporary credentials."""

    def __init__(self, ak: str, sk: str, security_token: str | None = None) -> None:
        self.ak = ak
        self._sk = sk
        self.security_token = security_token

    def __repr__(self) -> str:
        return f"AkSkAuth(ak={self.ak[:4]}***)"

    def prepare(self, method: str, base: str, path: str, query: list[tuple[str, Any]], headers: dict[str, str],
                body: bytes | None) -> Prepared:
        headers = dict(headers)
        if self.security_token:
            headers["X-Security-Token"] = self.security_token
        signed = sign_request(method, base + path, headers, body, self.ak, self._sk, query=query)
        return Prepared(method, build_url(base, path, signed.query), signed.headers, body)


@dataclass
class CachedToken:
    token: str
    expires_at: float  # epoch seconds
    issued_at: float
    project_id: str | None

    def fresh(self, now: float) -> bool:
        lifetime = max(self.expires_at - self.issued_at, 1.0)
        margin = min(300.0, lifetime / 10)
        return now < self.expires_at - margin


_TOKEN_CACHE: dict[str, CachedToken] = {}
_TOKEN_LOCK = threading.Lock()


def _parse_time(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


class TokenAuth:
    """``X-Auth-Token`` authentication: a pre-issued token, or an IAM password token cached per process."""

    def __init__(self, settings: ClientSettings) -> None:
        self.settings = settings
        secret = hashlib.sha256((settings.password or settings.token or "").encode()).hexdigest()[:16]
        self.cache_key = "|".join([settings.iam_url, settings.auth_type, settings.account or "", settings.user or "",
                                   settings.project_id or settings.region, secret])

    # ---- the IAM exchange, as data ----------------------------------------------------------------------
    @property
    def fixed_token(self) -> str | None:
        return self.settings.token if self.settings.auth_type == "token" else None

    def token_request(self) -> Prepared:
        """``POST /v3/auth/tokens?nocatalog=true`` with the password identity and a project scope."""
        s = self.settings
        user = s.user if s.auth_type == "iam_user" else s.account
        scope = {"project": {"id": s.project_id}} if s.project_id else {"project": {"name": s.region}}
        body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
            "name": user, "password": s.password, "domain": {"name": s.account}}}}, "scope": scope}}
        data = json.dumps(body, separators=(",", ":")).encode("utf-8")
        return Prepared("POST", f"{s.iam_url}/v3/auth/tokens?nocatalog=true",
                        {"Content-Type": "application/json;charset=utf-8"}, data)

    def accept_token_response(self, status: int, headers: dict[str, str], body: bytes) -> CachedToken:
        """Read the IAM answer into the cache (or raise the typed error)."""
        if status != 201:
            raise ModelArtsApiError.from_response(status, body, headers, operation="iam.token")
        token = next((v for k, v in headers.items() if k.lower() == "x-subject-token"), None)
        if not token:
            raise ModelArtsAuthError(status, None, "IAM answered without an X-Subject-Token header.",
                                     operation="iam.token")
        info = json.loads(body or b"{}").get("token", {})
        now = time.time()
        expires = _parse_time(info.get("expires_at")) or now + 23 * 3600
        issued = _parse_time(info.get("issued_at")) or now
        cached = CachedToken(token, expires, min(issued, now), (info.get("project") or {}).get("id"))
        with _TOKEN_LOCK:
            _TOKEN_CACHE[self.cache_key] = cached
        return cached

    def cached(self) -> CachedToken | None:
        with _TOKEN_LOCK:
            entry = _TOKEN_CACHE.get(self.cache_key)
        return entry if entry and entry.fresh(time.time()) else None

    def invalidate(self) -> None:
        with _TOKEN_LOCK:
            _TOKEN_CACHE.pop(self.cache_key, None)

    @staticmethod
    def prepare(token: str, method: str, base: str, path: str, query: list[tuple[str, Any]],
                headers: dict[str, str], body: bytes | None) -> Prepared:
        out = dict(headers)
        out["X-Auth-Token"] = token
        return Prepared(method, build_url(base, path, canonical_query(query)), out, body)


def clear_token_cache() -> None:
    """Forget every cached IAM token of this process."""
    with _TOKEN_LOCK:
        _TOKEN_CACHE.clear()
