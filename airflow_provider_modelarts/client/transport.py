"""The synchronous ModelArts client on ``requests``.

Retries follow :mod:`.retry` (the rules are shared with the async client in :mod:`.aio`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import requests

from airflow_provider_modelarts.client.config import ClientSettings
from airflow_provider_modelarts.client.core import ClientCore, RawResponse
from airflow_provider_modelarts.client.request import ApiRequest
from airflow_provider_modelarts.client.retry import Attempts


def _was_sent(exc: requests.RequestException) -> bool:
    """False only when the connection was never established (so the server cannot have acted)."""
    if isinstance(exc, requests.ConnectTimeout):
        return False
    if isinstance(exc, requests.ConnectionError):
        text = repr(exc)
        return not any(s in text for s in ("NewConnectionError", "Connection refused", "Failed to establish",
                                           "NameResolutionError"))
    return True


class ModelArtsClient(ClientCore):
    """Synchronous client: ``call(ApiRequest) -> JSON``.

    :param settings: connection settings.
    :param session: a ``requests.Session`` to reuse (one is created otherwise).
    :param sleep: the sleep function used between retries (tests count, they do not wait).
    """

    def __init__(self, settings: ClientSettings, session: requests.Session | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        super().__init__(settings)
        self.session = session or requests.Session()
        self.session.trust_env = False
        self._sleep = sleep

    # ---- plumbing -----------------------------------------------------------------------------------------
    def _http(self, method: str, url: str, headers: dict[str, str], body: bytes | None) -> RawResponse:
        resp = self.session.request(method, url, headers=headers, data=body, allow_redirects=False,
                                    timeout=(self.settings.connect_timeout, self.settings.read_timeout),
                                    verify=self.settings.tls_verify)
        return RawResponse(resp.status_code, dict(resp.headers), resp.content)

    def _token(self) -> str:
        assert self.token_auth is not None
        if self.token_auth.fixed_token:
            return self.token_auth.fixed_token
        cached = self.token_auth.cached()
        if cached is None:
            prep = self.token_auth.token_request()
            resp = self._send_prepared(prep.method, prep.url, prep.headers, prep.body, "iam.token", idempotent=True)
            cached = self.token_auth.accept_token_response(resp.status, resp.headers, resp.body)
        return self.remember_token(cached)

    def _send_prepared(self, method: str, url: str, headers: dict[str, str], body: bytes | None, kind: str,
                       *, idempotent: bool) -> RawResponse:
        """Send with the transient-failure retries of :class:`~.retry.Attempts` (no auth refresh here)."""
        attempts = Attempts(self.policy, kind, url, idempotent=idempotent)
        while True:
            self.request_counts[kind] += 1
            try:
                resp = self._http(method, url, headers, body)
            except requests.RequestException as exc:
                self._sleep(attempts.after_exception(exc, sent=_was_sent(exc)))
                continue
            delay = attempts.after_response(resp.status, resp.body, resp.headers)
            if delay is None:
                return resp
            self._sleep(delay)

    # ---- public ---------------------------------------------------------------------------------------------
    @property
    def project_id(self) -> str:
        """The project id: from the settings, the IAM token, or ``GET /v3/projects?name={region}`` (once)."""
        if not self._project_id:
            if self.uses_token:
                self._token()
            if not self._project_id:
                self._project_id = self.project_from_listing(self.call(self.projects_request(), project=False))
        return self._project_id  # type: ignore[return-value]

    def send(self, req: ApiRequest, *, project: bool = True) -> RawResponse:
        """Send one operation with auth and retries; returns the final answer, whatever its status."""
        project_id = self.project_id if project and "{project_id}" in req.path else None
        resp = self._send_once(req, project_id)
        if self.token_rejected(resp):
            resp = self._send_once(req, project_id)  # once more, with a new token
        return resp

    def _send_once(self, req: ApiRequest, project_id: str | None) -> RawResponse:
        """Authenticate ``req`` (the cached token, or a new one) and send it with retries."""
        token = self._token() if self.uses_token else None
        prep = self.prepare(req, project_id, token)
        return self._send_prepared(prep.method, prep.url, prep.headers, prep.body, req.kind,
                                   idempotent=req.is_idempotent)

    def call(self, req: ApiRequest, *, project: bool = True) -> Any:
        """Send and decode; raises the typed :class:`~.errors.ModelArtsApiError` on an error answer."""
        return self.check(req, self.send(req, project=project))

    def close(self) -> None:
        self.session.close()
