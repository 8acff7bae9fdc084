"""The sync and async clients against the emulator on loopback: auth, token cache, retries, errors, paging."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import uuid

import pytest

from airflow_provider_modelarts.client.aio import AsyncModelArtsClient
from airflow_provider_modelarts.client.api import datasets, training_v1
from airflow_provider_modelarts.client.auth import clear_token_cache
from airflow_provider_modelarts.client.config import ClientSettings
from airflow_provider_modelarts.client.errors import (
    ModelArtsAmbiguousError,
    ModelArtsApiError,
    ModelArtsAuthError,
    ModelArtsNotFoundError,
)
from airflow_provider_modelarts.client.pagination import aiterate, iterate
from airflow_provider_modelarts.client.transport import ModelArtsClient


def aksk_settings(handle, **kw) -> ClientSettings:
    values = {"auth_type": "aksk", "ak": handle.ak, "sk": handle.sk, "region": handle.project_name,
              "modelarts_endpoint": handle.url, "iam_endpoint": handle.url, "obs_endpoint": handle.obs_url,
              "backoff": 0.01}
    return ClientSettings(**{**values, **kw})


def user_settings(handle, **kw) -> ClientSettings:
    return ClientSettings(auth_type="iam_user", account=handle.domain, user=handle.user, password=handle.password,
                          region=handle.project_name, modelarts_endpoint=handle.url, iam_endpoint=handle.url,
                          backoff=0.01, **kw)


class Sleeps(list):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def _dataset_body(name: str) -> dict:
    return {"dataset_name": name, "dataset_type": 0, "work_path": "/modelarts-emulator/work/", "work_path_type": 0,
            "data_sources": [{"data_type": 0, "data_path": "/modelarts-emulator/data/"}]}


def test_aksk_signed_call_and_project_resolution(emulator) -> None:
    client = ModelArtsClient(aksk_settings(emulator))
    assert client.project_id == emulator.project_id  # resolved through IAM GET /v3/projects?name=
    data = client.call(datasets.list_datasets())
    assert "datasets" in data
    assert emulator.count("iam.projects.list") == 1
    assert emulator.count("datasets.list") == 1


def test_wrong_sk_is_an_auth_error_naming_the_gateway_code(emulator) -> None:
    client = ModelArtsClient(aksk_settings(emulator, project_id=emulator.project_id, sk="wrong-secret-key-value"))
    with pytest.raises(ModelArtsAuthError) as err:
        client.call(datasets.list_datasets())
    assert err.value.status == 401 and err.value.error_code == "APIG.0301"
    assert "wrong-secret-key-value" not in str(err.value)


def test_one_token_request_for_100_calls_and_refresh_after_401(emulator, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    clear_token_cache()
    for _ in range(100):  # new client each time: the token cache is per process, not per client
        ModelArtsClient(user_settings(emulator)).call(datasets.list_datasets())
    assert emulator.count("iam.token.create") == 1
    assert emulator.count("datasets.list") == 100

    emulator.expire_tokens()
    client = ModelArtsClient(user_settings(emulator))
    client.call(datasets.list_datasets())
    assert emulator.count("iam.token.create") == 2  # the 401 dropped the cached token, one fresh one came
    assert [r["status"] for r in emulator.requests("datasets.list")][-2:] == [401, 200]
    text = caplog.text
    assert emulator.password not in text and emulator.token() not in text


def test_async_client_refreshes_its_token_once_after_401(emulator) -> None:
    clear_token_cache()

    async def call() -> None:
        async with AsyncModelArtsClient(user_settings(emulator)) as client:
            await client.call(datasets.list_datasets())

    asyncio.run(call())
    assert emulator.count("iam.token.create") == 1
    emulator.expire_tokens()
    asyncio.run(call())
    assert emulator.count("iam.token.create") == 2  # the 401 dropped the cached token, one fresh one came
    assert [r["status"] for r in emulator.requests("datasets.list")][-2:] == [401, 200]


def test_503_then_200_retries_with_backoff(emulator) -> None:
    sleeps = Sleeps()
    client = ModelArtsClient(aksk_settings(emulator, project_id=emulator.project_id), sleep=sleeps)
    emulator.set_faults({"kinds": ["datasets.list"], "sequence": ["503", "503", "ok"]})
    client.call(datasets.list_datasets())
    assert [r["status"] for r in emulator.requests("datasets.list")] == [503, 503, 200]
    assert len(sleeps) == 2


def test_429_honours_retry_after(emulator) -> None:
    sleeps = Sleeps()
    client = ModelArtsClient(aksk_settings(emulator, project_id=emulator.project_id), sleep=sleeps)
    emulator.set_faults({"kinds": ["datasets.create"], "sequence": ["429", "ok"]})
    created = client.call(datasets.create_dataset(_dataset_body(f"ds-{uuid.uuid4().hex[:8]}")))
    assert created["dataset_id"]
    assert sleeps == [1.0]  # the emulator's Retry-After: 1
    assert [r["status"] for r in emulator.requests("datasets.create")] == [429, 201]


def test_create_is_not_resent_after_an_ambiguous_5xx(emulator) -> None:
    client = ModelArtsClient(aksk_settings(emulator, project_id=emulator.project_id), sleep=Sleeps())
    emulator.set_faults({"kinds": ["datasets.create"], "sequence": ["503"]})
    with pytest.raises(ModelArtsAmbiguousError):
        client.call(datasets.create_dataset(_dataset_body(f"ds-{uuid.uuid4().hex[:8]}")))
    assert emulator.count("datasets.create") == 1


def test_400_fails_at_once_with_its_error_code(emulator) -> None:
    client = ModelArtsClient(aksk_settings(emulator, project_id=emulator.project_id), sleep=Sleeps())
    with pytest.raises(ModelArtsApiError) as err:
        client.call(datasets.create_dataset(_dataset_body("bad name with spaces!")))
    assert err.value.status == 400
    assert err.value.error_code and err.value.error_code in str(err.value)
    assert emulator.count("datasets.create") == 1


def test_not_found_is_typed(emulator) -> None:
    client = ModelArtsClient(aksk_settings(emulator, project_id=emulator.project_id))
    with pytest.raises(ModelArtsNotFoundError):
        client.call(datasets.get_dataset("doesNotExist000000000"))


def test_page_index_listing_returns_every_item_across_pages(emulator) -> None:
    client = ModelArtsClient(aksk_settings(emulator, project_id=emulator.project_id))
    prefix = f"pg{uuid.uuid4().hex[:6]}"
    made = {client.call(datasets.create_dataset(_dataset_body(f"{prefix}-{i}")))["dataset_id"] for i in range(7)}
    pager = dataclasses.replace(datasets.DATASET_PAGER, limit=3)
    got = [d["dataset_id"] for d in iterate(client, datasets.list_datasets(search_content=prefix), pager)]
    assert sorted(got) == sorted(made)
    assert len(emulator.requests("datasets.list")) >= 3


def test_v1_page_number_listing_returns_every_item_across_pages(emulator) -> None:
    client = ModelArtsClient(aksk_settings(emulator, project_id=emulator.project_id))
    specs = client.call(training_v1.list_resource_specs())["specs"]
    engines = client.call(training_v1.list_engines())["engines"]
    prefix = f"v1pg{uuid.uuid4().hex[:6]}"
    made = set()
    for i in range(5):
        body = {"job_name": f"{prefix}-{i}", "config": {
            "worker_server_num": 1, "app_url": "/modelarts-emulator/code/", "boot_file_url":
            "/modelarts-emulator/code/train.py", "data_url": "/modelarts-emulator/data/",
            "train_url": "/modelarts-emulator/out/", "spec_id": specs[0]["spec_id"],
            "engine_id": engines[0]["engine_id"]}}
        made.add(client.call(training_v1.create_job(body))["job_id"])
    pager = dataclasses.replace(training_v1.JOB_PAGER, limit=2)
    got = [j["job_id"] for j in iterate(client, training_v1.list_jobs(search_content=prefix), pager)]
    assert sorted(got) == sorted(made)
    assert len(emulator.requests("training_v1.list")) >= 3


def test_async_client_shares_auth_retries_and_paging(emulator) -> None:
    clear_token_cache()
    prefix = f"as{uuid.uuid4().hex[:6]}"
    sync = ModelArtsClient(aksk_settings(emulator, project_id=emulator.project_id))
    for i in range(5):
        sync.call(datasets.create_dataset(_dataset_body(f"{prefix}-{i}")))
    emulator.clear_requests()
    emulator.set_faults({"kinds": ["datasets.list"], "sequence": ["500", "ok"]})

    async def run() -> list[str]:
        async with AsyncModelArtsClient(user_settings(emulator)) as client:
            pager = dataclasses.replace(datasets.DATASET_PAGER, limit=2)
            return [d["dataset_name"] async for d in aiterate(client, datasets.list_datasets(search_content=prefix),
                                                              pager)]

    names = asyncio.run(run())
    assert sorted(names) == [f"{prefix}-{i}" for i in range(5)]
    assert emulator.count("iam.token.create") == 1
    assert [r["status"] for r in emulator.requests("datasets.list")][:2] == [500, 200]


def test_v2_search_body_paging_returns_every_item_across_pages(emulator) -> None:
    from airflow_provider_modelarts.client.api import training_v2

    client = ModelArtsClient(aksk_settings(emulator, project_id=emulator.project_id))
    prefix = f"srch{uuid.uuid4().hex[:6]}"
    made = set()
    for i in range(7):
        body = {"kind": "job", "metadata": {"name": f"{prefix}-{i}"},
                "algorithm": {"code_dir": "obs://modelarts-emulator/code/",
                              "boot_file": "obs://modelarts-emulator/code/train.py",
                              "engine": {"engine_name": "PyTorch", "engine_version": "PyTorch-1.4.0-python3.6-v2"}},
                "spec": {"resource": {"flavor_id": "modelarts.vm.cpu.8u", "node_count": 1}}}
        made.add(client.call(training_v2.create_job(body))["metadata"]["id"])
    pager = dataclasses.replace(training_v2.SEARCH_PAGER, limit=3)
    req = training_v2.search_jobs([{"key": "name", "operator": "like", "value": [prefix]}])
    got = [j["metadata"]["id"] for j in iterate(client, req, pager)]
    assert sorted(got) == sorted(made)  # each once: the body offset is a page number
    assert len(emulator.requests("training_v2.list")) == 3
