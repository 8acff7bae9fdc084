"""The emulator's OBS has one bucket namespace, whatever the client's signature (obs, v2, v4) and region.

moto files S3 requests under a partition chosen from the request's region: a SigV4 scope of ``cn-north-4`` lands
in ``aws-cn`` while a v2 or OBS signature (no region) lands in ``aws``. Before the fix a bucket created with
esdk-obs-python's default ``obs`` signature (or ``v2``) was invisible to the emulator's ModelArts side (dataset
create answered ``ModelArts.4311``) and to boto3/v4 clients, and the emulator's own bucket was missing from their
``listBuckets``. Every check here goes through real clients over loopback HTTP.
"""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
import requests
from botocore.config import Config
from obs import ObsClient

from airflow_provider_modelarts.emulator.testing import EmulatorHandle

SIGNATURES = ("obs", "v2", "v4")
REGIONS = ("cn-north-4", "eu-west-0")
CLIENTS = list(itertools.product(SIGNATURES, REGIONS))
EMULATOR_BUCKET = "modelarts-emulator"


@pytest.fixture
def esdk(emulator: EmulatorHandle) -> Iterator[dict[tuple[str, str], ObsClient]]:
    """One esdk-obs-python client per (signature, region)."""
    assert emulator.obs_url
    clients = {(sig, region): ObsClient(access_key_id=emulator.ak, secret_access_key=emulator.sk,
                                        server=emulator.obs_url, path_style=True, signature=sig, region=region,
                                        max_retry_count=0, timeout=10)
               for sig, region in CLIENTS}
    yield clients
    for client in clients.values():
        client.close()


def _boto3(emulator: EmulatorHandle, region: str) -> Any:
    return boto3.client("s3", endpoint_url=emulator.obs_url, region_name=region,
                        aws_access_key_id=emulator.ak, aws_secret_access_key=emulator.sk,
                        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}))


@pytest.fixture
def boto(emulator: EmulatorHandle) -> dict[str, Any]:
    """One boto3 (SigV4) client per region."""
    return {region: _boto3(emulator, region) for region in REGIONS}


def _esdk_buckets(client: ObsClient) -> set[str]:
    resp = client.listBuckets()
    assert resp.status == 200, resp.errorMessage
    return {b.name for b in resp.body.buckets}


def _create_dataset(emulator: EmulatorHandle, bucket: str) -> requests.Response:
    """Dataset create over HTTP: the ModelArts side checks that the work path's bucket exists."""
    body = {"dataset_name": f"ns-{uuid.uuid4().hex[:10]}", "dataset_type": 0, "work_path": f"/{bucket}/work/",
            "work_path_type": 0, "data_sources": [{"data_type": 0, "data_path": f"/{bucket}/src/"}]}
    return requests.post(f"{emulator.url}/v2/{emulator.project_id}/datasets", json=body,
                         headers=emulator.headers(), timeout=30)


@pytest.mark.parametrize(("signature", "region"), CLIENTS)
def test_bucket_created_by_any_signature_is_seen_by_every_client(
        emulator: EmulatorHandle, esdk: dict[tuple[str, str], ObsClient], boto: dict[str, Any],
        signature: str, region: str) -> None:
    bucket = f"ns-{signature}-{region}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
    creator = esdk[(signature, region)]
    created = creator.createBucket(bucket, location=region)
    assert created.status < 300, created.errorMessage
    put = creator.putContent(bucket, "probe.txt", f"from {signature}/{region}")
    assert put.status < 300, put.errorMessage

    resp = _create_dataset(emulator, bucket)
    assert resp.status_code == 201, resp.text
    if emulator.emu is not None and emulator.emu.obs is not None:  # the emulator's own store, in process
        assert bucket in emulator.emu.obs.buckets()
    for (sig, reg), client in esdk.items():
        assert bucket in _esdk_buckets(client), f"{sig}/{reg} does not list {bucket}"
        got = client.getObject(bucket, "probe.txt", loadStreamInMemory=True)
        assert got.status == 200, f"{sig}/{reg}: {got.status} {got.errorCode}"
        assert got.body.buffer == f"from {signature}/{region}".encode()
    for reg, client in boto.items():
        assert bucket in {b["Name"] for b in client.list_buckets()["Buckets"]}, f"boto3/{reg}"
        assert client.get_object(Bucket=bucket, Key="probe.txt")["Body"].read() == \
            f"from {signature}/{region}".encode()



def test_emulator_bucket_is_seen_by_every_signature(emulator: EmulatorHandle,
                                                    esdk: dict[tuple[str, str], ObsClient]) -> None:
    """The bucket the emulator creates at start (through its own store) is usable by every client."""
    key = f"ns/{uuid.uuid4().hex}.txt"
    for (sig, reg), client in esdk.items():
        assert EMULATOR_BUCKET in _esdk_buckets(client), f"{sig}/{reg}"
        put = client.putContent(EMULATOR_BUCKET, f"{key}.{sig}.{reg}", sig)
        assert put.status < 300, f"{sig}/{reg}: {put.status} {put.errorCode}"
    if emulator.emu is not None and emulator.emu.obs is not None:
        assert emulator.emu.obs.list(EMULATOR_BUCKET, key) == sorted(f"{key}.{s}.{r}" for s, r in CLIENTS)
