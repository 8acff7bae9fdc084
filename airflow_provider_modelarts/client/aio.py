"""The asynchronous ModelArts client on ``httpx`` (for triggers), sharing builders, signer and retry rules."""

from __future__ import annotations

import asyncio
import functools
import ssl
from typing import Any

from airflow_provider_modelarts.client.config import ClientSettings
from airflow_provider_modelarts.client.core import ClientCore, RawResponse
from airflow_provider_modelarts.client.request import ApiRequest
from airflow_provider_modelarts.client.retry import Attempts

_TOKEN_LOCKS: dict[tuple[int, str], asyncio.Lock] = {}


@functools.cache
def _tls_context(verify: bool | str) -> ssl.SSLContext | bool:
    """One TLS context per verification setting for the whole process.

    Each ``httpx.AsyncClient`` would otherwise load the CA bundle into a context of its own (about 850 KiB): with
    one trigger per deferred task, a triggerer holding 1,000 waits paid that 1,000 times (docs/benchmarks.md).
    """
    if verify is False:
        return False
    import certifi

    return ssl.create_default_context(cafile=verify if isinstance(verify, str) else certifi.where())


class AsyncModelArtsClient(ClientCore):
    """Async client: ``await call(ApiRequest) -> JSON``. Use as ``async with`` or call :meth:`aclose`."""

    def __init__(self, settings: ClientSettings) -> None:
        super().__init__(settings)
        import httpx

        self._httpx = httpx
        self.http = httpx.AsyncClient(
            verify=_tls_context(settings.tls_verify), trust_env=False, follow_redirects=False,
            timeout=httpx.Timeout(settings.read_timeout, connect=settings.connect_timeout),
        )

    async def __aenter__(self) -> AsyncModelArtsClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self.http.aclose()

    def _was_sent(self, exc: Exception) -> bool:
        httpx = self._httpx
        return not isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout))

    async def _http(self, method: str, url: str, headers: dict[str, str], body: bytes | None) -> RawResponse:
        resp = await self.http.request(method, url, headers=headers, content=body)
        return RawResponse(resp.status_code, dict(resp.headers), resp.content)

    async def _send_prepared(self, method: str, url: str, headers: dict[str, str], body: bytes | None, kind: str,
                             *, idempotent: bool) -> RawResponse:
        """Send with the transient-failure retries of :class:`~.retry.Attempts` (no auth refresh here)."""
        attempts = Attempts(self.policy, kind, url, idempotent=idempotent)
        while True:
            self.request_counts[kind] += 1
            try:
                resp = await self._http(method, url, headers, body)
            except self._httpx.TransportError as exc:
                await asyncio.sleep(attempts.after_exception(exc, sent=self._was_sent(exc)))
                continue
            delay = attempts.after_response(resp.status, resp.body, resp.headers)
            if delay is None:
                return resp
            await asyncio.sleep(delay)

    async def _token(self) -> str:
        assert self.token_auth is not None
        if self.token_auth.fixed_token:
            return self.token_auth.fixed_token
        cached = self.token_auth.cached()
        if cached is None:
            key = (id(asyncio.get_running_loop()), self.token_auth.cache_key)
            lock = _TOKEN_LOCKS.setdefault(key, asyncio.Lock())
            async with lock:
                cached = self.token_auth.cached()
                if cached is None:
                    prep = self.token_auth.token_request()
                    resp = await self._send_prepared(prep.method, prep.url, prep.headers, prep.body, "iam.token",
                                                     idempotent=True)
                    cached = self.token_auth.accept_token_response(resp.status, resp.headers, resp.body)
        if not self._project_id and cached.project_id:
            self._project_id = cached.project_id
        return cached.token

    async def get_project_id(self) -> str:
        if not self._project_id:
            if self.uses_token:
                await self._token()
            if not self._project_id:
                data = await self.call(self.projects_request(), project=False)
                self._project_id = self.project_from_listing(data)
        return self._project_id

    async def send(self, req: ApiRequest, *, project: bool = True) -> RawResponse:
        project_id = await self.get_project_id() if project and "{project_id}" in req.path else None
        refreshed = False
        while True:
            token = await self._token() if self.uses_token else None
            prep = self.prepare(req, project_id, token)
            resp = await self._send_prepared(prep.method, prep.url, prep.headers, prep.body, req.kind,
                                             idempotent=req.is_idempotent)
            if resp.status == 401 and self.token_auth is not None and not refreshed \
                    and not self.token_auth.fixed_token:
                self.token_auth.invalidate()
                refreshed = True
                continue
            return resp

    async def call(self, req: ApiRequest, *, project: bool = True) -> Any:
        return self.check(req, await self.send(req, project=project))
