"""The async clients' shared connection pool (one per event loop and connection settings), on loopback.

Against the emulator (which checks every AK/SK signature and token) and a tiny asyncio server of the test's own
(for cookies and a request that never gets an answer).
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from airflow_provider_modelarts.client.aio import POOL_SHARD_USERS, POOLS, AsyncModelArtsClient, PoolKey
from airflow_provider_modelarts.client.api import datasets
from airflow_provider_modelarts.client.auth import clear_token_cache
from airflow_provider_modelarts.client.config import ClientSettings
from airflow_provider_modelarts.client.errors import ModelArtsAuthError
from airflow_provider_modelarts.client.request import ApiRequest
from tests.client.test_transport import aksk_settings, user_settings


def test_clients_with_the_same_settings_share_one_pool_that_closes_with_the_last() -> None:
    settings = ClientSettings(ak="a", sk="s", project_id="p", modelarts_endpoint="http://127.0.0.1:9")

    async def run() -> None:
        one, two = AsyncModelArtsClient(settings), AsyncModelArtsClient(dataclasses.replace(settings, sk="other"))
        other = AsyncModelArtsClient(dataclasses.replace(settings, read_timeout=5.0))
        key = PoolKey.of(settings)
        assert one.http is two.http  # other credentials, same connection settings: one pool
        assert other.http is not one.http  # another timeout: another pool
        assert POOLS.users(key) == 2
        pool = one.http
        await one.aclose()
        assert POOLS.users(key) == 1 and not pool.is_closed
        await two.aclose()
        await other.aclose()
        assert POOLS.users(key) == 0 and pool.is_closed

    asyncio.run(run())


def test_a_pool_of_many_clients_is_sharded_and_every_shard_closes_with_its_last_client() -> None:
    settings = ClientSettings(ak="a", sk="s", project_id="p", modelarts_endpoint="http://127.0.0.1:9")

    async def run() -> None:
        key = PoolKey.of(settings)
        clients = [AsyncModelArtsClient(settings) for _ in range(POOL_SHARD_USERS + 1)]
        pools = [c.http for c in clients]
        assert len({id(p) for p in pools}) == 2 and POOLS.shards(key) == 2  # one full shard, one more
        assert POOLS.users(key) == POOL_SHARD_USERS + 1
        for client in clients:
            await client.aclose()
        assert POOLS.users(key) == 0 and POOLS.shards(key) == 0 and all(p.is_closed for p in pools)

    asyncio.run(run())


def test_each_client_signs_with_its_own_credentials_through_the_shared_pool(emulator) -> None:
    """A wrong SK fails for its client only; AK/SK and token clients interleave on one pool and each succeeds."""
    clear_token_cache()
    good = aksk_settings(emulator, project_id=emulator.project_id)
    bad = dataclasses.replace(good, sk="not-the-secret", max_retries=0)
    token = user_settings(emulator)
    assert PoolKey.of(good) == PoolKey.of(token)

    async def run() -> list[Any]:
        clients = [AsyncModelArtsClient(s) for s in (good, bad, token, good, bad, token)]
        try:
            assert len({id(c.http) for c in clients}) == 1
            return await asyncio.gather(*(c.call(datasets.list_datasets()) for c in clients),
                                        return_exceptions=True)
        finally:
            for c in clients:
                await c.aclose()

    results = asyncio.run(run())
    assert [type(r).__name__ for r in results] == ["dict", "ModelArtsAuthError", "dict"] * 2
    assert all(isinstance(r, ModelArtsAuthError) for r in results[1::3])


Handler = Callable[[str, dict[str, str]], Awaitable[bytes]]


async def _serve(handler: Handler) -> tuple[asyncio.AbstractServer, str]:
    """A keep-alive HTTP/1.1 server on loopback answering each request with ``await handler(path, headers)``."""

    async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                line, *rest = head.decode("latin-1").split("\r\n")
                headers = {k.lower(): v.strip() for k, _, v in (h.partition(":") for h in rest if h)}
                writer.write(await handler(line.split()[1], headers))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    server = await asyncio.start_server(connection, "127.0.0.1", 0)
    return server, f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"


def _answer(body: bytes, extra: str = "") -> bytes:
    return (f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n{extra}\r\n"
            ).encode() + body


def _settings(url: str) -> ClientSettings:
    return ClientSettings(ak="a", sk="s", project_id="p", modelarts_endpoint=url, iam_endpoint=url, max_retries=0)


def test_a_cookie_set_for_one_client_is_never_sent_by_another() -> None:
    seen: list[dict[str, str]] = []

    async def handler(path: str, headers: dict[str, str]) -> bytes:
        seen.append(headers)
        return _answer(b"{}", "Set-Cookie: session=of-the-first-client; Path=/\r\n")

    async def run() -> None:
        server, url = await _serve(handler)
        async with server:
            async with AsyncModelArtsClient(_settings(url)) as first, AsyncModelArtsClient(_settings(url)) as second:
                assert first.http is second.http
                await first.call(ApiRequest("GET", "/v1/p/one", "test.one"))
                await second.call(ApiRequest("GET", "/v1/p/two", "test.two"))
                await first.call(ApiRequest("GET", "/v1/p/three", "test.three"))

    asyncio.run(run())
    assert len(seen) == 3 and all("cookie" not in h for h in seen), seen


def test_cancelling_one_clients_request_leaves_the_others_on_the_pool_working() -> None:
    async def handler(path: str, headers: dict[str, str]) -> bytes:
        if path.endswith("/hang"):
            await asyncio.sleep(3600)
        return _answer(b'{"ok": true}')

    async def run() -> None:
        server, url = await _serve(handler)
        async with server:
            async with AsyncModelArtsClient(_settings(url)) as hung, AsyncModelArtsClient(_settings(url)) as other:
                stuck = asyncio.create_task(hung.call(ApiRequest("GET", "/v1/p/hang", "test.hang")))
                await asyncio.sleep(0.2)
                assert await other.call(ApiRequest("GET", "/v1/p/ok", "test.ok")) == {"ok": True}
                stuck.cancel()
                with pytest.raises(asyncio.CancelledError):
                    await stuck
                assert await other.call(ApiRequest("GET", "/v1/p/ok", "test.ok")) == {"ok": True}
                assert await hung.call(ApiRequest("GET", "/v1/p/ok", "test.ok")) == {"ok": True}

    asyncio.run(asyncio.wait_for(run(), timeout=60))
