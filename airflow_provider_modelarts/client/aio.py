"""The asynchronous ModelArts client on ``httpx`` (for triggers), sharing builders, signer and retry rules.

Connections are pooled per event loop: every :class:`AsyncModelArtsClient` of one loop whose settings agree on
what a connection depends on (:class:`PoolKey`: endpoints, TLS verification, timeouts, limits) sends through one
shared pool (:class:`SharedPools`: ``httpx.AsyncClient`` shards of up to :data:`POOL_SHARD_USERS` clients). A triggerer holding 1,000 ModelArts waits keeps one pool,
not 1,000. What is per client stays per client: credentials, signing and tokens (every request is signed or
carries its token in its own headers; the shared ``httpx.AsyncClient`` has no auth, no default headers and keeps
no cookies), the retry state, the request counters, errors and cancellation (an error or a cancelled request
ends that request only; httpx drops a connection a cancelled request was using).
"""

from __future__ import annotations

import asyncio
import functools
import ssl
import weakref
from dataclasses import dataclass
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import TYPE_CHECKING, Any

from airflow_provider_modelarts.client.config import ClientSettings
from airflow_provider_modelarts.client.core import ClientCore, RawResponse
from airflow_provider_modelarts.client.request import ApiRequest
from airflow_provider_modelarts.client.retry import Attempts

if TYPE_CHECKING:
    import httpx

_TOKEN_LOCKS: dict[tuple[int, str], asyncio.Lock] = {}
#: clients per shard of a pool (see :class:`SharedPools`)
POOL_SHARD_USERS = 8
#: connections of one shard: as many as its clients, so no request waits in httpcore's queue (each wait there
#: costs a scan of the queue and of every connection when any request ends)
POOL_MAX_CONNECTIONS = POOL_SHARD_USERS
POOL_MAX_KEEPALIVE = POOL_SHARD_USERS
#: idle connections are closed after this many seconds: longer than a usual poll interval (httpx's default, 5 s,
#: closed a connection between two polls 5 s or more apart: a new TCP/TLS handshake on every poll), shorter than
#: the common 60 s idle timeout of load balancers (a connection the server closed is dropped by httpcore anyway)
POOL_KEEPALIVE_EXPIRY = 55.0


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


class _NoCookies(DefaultCookiePolicy):
    """A shared pool must not carry one client's cookies to another: none are stored, none are sent."""

    def set_ok(self, cookie: Any, request: Any) -> bool:
        return False

    def return_ok(self, cookie: Any, request: Any) -> bool:
        return False


@dataclass(frozen=True)
class PoolKey:
    """What a pooled connection depends on; clients whose settings agree on all of it share one pool.

    :param modelarts_url: the ModelArts endpoint.
    :param iam_url: the IAM endpoint.
    :param tls_verify: False, True or a CA bundle path.
    :param connect_timeout: seconds.
    :param read_timeout: seconds (also the longest wait for a free connection of the pool).
    :param max_connections: open connections at most.
    :param max_keepalive: idle connections kept.
    :param keepalive_expiry: seconds an idle connection is kept.
    """

    modelarts_url: str
    iam_url: str
    tls_verify: bool | str
    connect_timeout: float
    read_timeout: float
    max_connections: int = POOL_MAX_CONNECTIONS
    max_keepalive: int = POOL_MAX_KEEPALIVE
    keepalive_expiry: float = POOL_KEEPALIVE_EXPIRY

    @classmethod
    def of(cls, settings: ClientSettings) -> PoolKey:
        return cls(settings.modelarts_url, settings.iam_url, settings.tls_verify, settings.connect_timeout,
                   settings.read_timeout)

    def build(self) -> httpx.AsyncClient:
        import httpx

        return httpx.AsyncClient(
            verify=_tls_context(self.tls_verify), trust_env=False, follow_redirects=False,
            cookies=CookieJar(policy=_NoCookies()),
            timeout=httpx.Timeout(self.read_timeout, connect=self.connect_timeout),
            limits=httpx.Limits(max_connections=self.max_connections,
                                max_keepalive_connections=self.max_keepalive,
                                keepalive_expiry=self.keepalive_expiry))


class SharedPools:
    """The pools of each event loop, by :class:`PoolKey`, counted by users; a pool closes with its last user.

    A pool is ``httpx.AsyncClient`` shards of at most :data:`POOL_SHARD_USERS` clients each (a new client
    joins the emptiest shard, or opens one when all are full): httpcore's pool scans its queue and connections on
    every request event (quadratically in ``httpcore`` 1.0: measured at 1,000 waits on one 100-connection pool, 14 ms
    CPU per poll, against 2.6 ms with one client each; docs/benchmarks.md), so each shard keeps few connections, one
    per client at most, and no request queues. Loops
    are held weakly: a loop that is gone takes its pools with it (their connections belonged to it).
    """

    def __init__(self) -> None:
        self._loops: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop,
                                               dict[PoolKey, list[list[Any]]]] = weakref.WeakKeyDictionary()

    def _shards(self, key: PoolKey) -> list[list[Any]]:
        return self._loops.setdefault(asyncio.get_running_loop(), {}).setdefault(key, [])

    def acquire(self, key: PoolKey) -> httpx.AsyncClient:
        """A shard of the running loop's pool for ``key`` (built on first use); pair with :meth:`release`."""
        shards = self._shards(key)
        shard = min(shards, key=lambda entry: entry[1], default=None)
        if shard is None or shard[1] >= POOL_SHARD_USERS:
            shard = [key.build(), 0]
            shards.append(shard)
        shard[1] += 1
        return shard[0]  # type: ignore[no-any-return]

    async def release(self, key: PoolKey, client: httpx.AsyncClient) -> None:
        """Give back a shard taken with :meth:`acquire`; it closes with its last user."""
        shards = self._shards(key)
        shard = next((entry for entry in shards if entry[0] is client), None)
        if shard is None:
            return
        shard[1] -= 1
        if shard[1] <= 0:
            shards.remove(shard)
            await client.aclose()

    def users(self, key: PoolKey) -> int:
        """Clients of the running loop using the pool of ``key`` now (0: no pool)."""
        return sum(int(entry[1]) for entry in self._shards(key))

    def shards(self, key: PoolKey) -> int:
        """Open shards of the pool of ``key`` in the running loop."""
        return len(self._shards(key))


POOLS = SharedPools()


class AsyncModelArtsClient(ClientCore):
    """Async client: ``await call(ApiRequest) -> JSON``. Use as ``async with`` or call :meth:`aclose`.

    :param settings: the connection settings; the HTTP pool is the event loop's shared one for them
        (:class:`SharedPools`), taken on the first request and given back by :meth:`aclose`.
    """

    def __init__(self, settings: ClientSettings) -> None:
        super().__init__(settings)
        import httpx

        self._httpx = httpx
        self._pool_key = PoolKey.of(self.settings)
        self._pool: httpx.AsyncClient | None = None

    @property
    def http(self) -> httpx.AsyncClient:
        """The shared pool this client sends through (taken from :data:`POOLS` on first use)."""
        if self._pool is None:
            self._pool = POOLS.acquire(self._pool_key)
        return self._pool

    async def __aenter__(self) -> AsyncModelArtsClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Give the shared pool back (it closes when its last client does); the client can be used again."""
        if self._pool is not None:
            pool, self._pool = self._pool, None
            await POOLS.release(self._pool_key, pool)

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
        return self.remember_token(cached)

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
        resp = await self._send_once(req, project_id)
        if self.token_rejected(resp):
            resp = await self._send_once(req, project_id)  # once more, with a new token
        return resp

    async def _send_once(self, req: ApiRequest, project_id: str | None) -> RawResponse:
        token = await self._token() if self.uses_token else None
        prep = self.prepare(req, project_id, token)
        return await self._send_prepared(prep.method, prep.url, prep.headers, prep.body, req.kind,
                                         idempotent=req.is_idempotent)

    async def call(self, req: ApiRequest, *, project: bool = True) -> Any:
        return self.check(req, await self.send(req, project=project))
