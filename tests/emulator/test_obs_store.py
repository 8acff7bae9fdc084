"""The emulator's OBS: the store used by handlers, and esdk-obs-python (the provider's OBS client) against it."""

from __future__ import annotations

import hashlib
import itertools
import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from obs import ObsClient

from airflow_provider_modelarts.emulator.obs import ObsStore
from airflow_provider_modelarts.emulator.testing import EmulatorHandle

_BUCKETS = itertools.count()


@pytest.fixture
def store(emulator: EmulatorHandle) -> ObsStore:
    assert emulator.emu is not None and emulator.emu.obs is not None
    return emulator.emu.obs


@pytest.fixture
def bucket(store: ObsStore) -> str:
    name = f"obs-store-test-{os.getpid()}-{next(_BUCKETS)}"
    store.ensure_bucket(name)
    return name


@pytest.fixture
def obs_client(emulator: EmulatorHandle) -> Iterator[ObsClient]:
    client = ObsClient(access_key_id=emulator.ak, secret_access_key=emulator.sk, server=emulator.obs_url,
                       path_style=True, region=emulator.region, max_retry_count=0, timeout=10)
    yield client
    client.close()


def test_round_trip(store: ObsStore, bucket: str, tmp_path: Path) -> None:
    store.put(bucket, "dir/a.txt", b"hello")
    assert store.get(bucket, "dir/a.txt") == b"hello"
    assert store.exists(bucket, "dir/a.txt") and not store.exists(bucket, "dir/b.txt")
    with pytest.raises(KeyError):
        store.get(bucket, "dir/b.txt")
    with pytest.raises(KeyError):
        store.put(f"{bucket}-missing", "k", b"x")  # buckets are not created implicitly
    store.download_to(bucket, "dir/a.txt", tmp_path / "deep" / "a.txt")
    assert (tmp_path / "deep" / "a.txt").read_bytes() == b"hello"
    (tmp_path / "up.bin").write_bytes(b"\x00\x01" * 1000)
    store.upload_from(tmp_path / "up.bin", bucket, "dir/up.bin")
    assert store.get(bucket, "dir/up.bin") == b"\x00\x01" * 1000
    assert store.list(bucket, "dir/") == ["dir/a.txt", "dir/up.bin"]
    store.delete(bucket, "dir/a.txt")
    assert store.list(bucket, "dir/") == ["dir/up.bin"]
    assert store.list(f"{bucket}-missing", "") == []


def test_list_returns_every_page(store: ObsStore, bucket: str) -> None:
    keys = [f"many/{i:05d}.txt" for i in range(1105)]
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda key: store.put(bucket, key, b"x"), keys))
    store.put(bucket, "other/x.txt", b"y")
    assert store.list(bucket, "many/") == keys
    assert len(store.list(bucket)) == 1106


def test_esdk_obs_client_put_get_list(obs_client: ObsClient, store: ObsStore, bucket: str) -> None:
    put = obs_client.putContent(bucket, "sdk/model.txt", "weights v1")
    assert put.status < 300, put.errorMessage
    got = obs_client.getObject(bucket, "sdk/model.txt", loadStreamInMemory=True)
    assert got.status == 200 and got.body.buffer == b"weights v1"
    assert store.get(bucket, "sdk/model.txt") == b"weights v1"  # the store and the SDK see the same objects
    store.put(bucket, "sdk/from-store.txt", b"abc")
    listed = obs_client.listObjects(bucket, prefix="sdk/")
    assert listed.status == 200
    assert sorted(c.key for c in listed.body.contents) == ["sdk/from-store.txt", "sdk/model.txt"]
    missing = obs_client.getObject(bucket, "sdk/none.txt", loadStreamInMemory=True)
    assert missing.status == 404 and missing.errorCode == "NoSuchKey"


def test_esdk_obs_multipart_with_100kib_parts(obs_client: ObsClient, store: ObsStore, bucket: str,
                                              tmp_path: Path) -> None:
    data = os.urandom(350 * 1024)
    source = tmp_path / "big.bin"
    source.write_bytes(data)
    resp = obs_client.uploadFile(bucket, "big/big.bin", str(source), partSize=100 * 1024, taskNum=2)
    assert resp.status < 300, resp.errorMessage
    assert hashlib.md5(store.get(bucket, "big/big.bin")).hexdigest() == hashlib.md5(data).hexdigest()


def test_multipart_checksum_only_when_declared(obs_client: ObsClient, store: ObsStore, bucket: str,
                                               tmp_path: Path) -> None:
    """An upload that declared no checksum (esdk-obs never does) gets none; a declared one is kept.

    Before the fix moto built a whole-object CRC64NVME checksum for the esdk upload at completion (two more
    copies of the object in the server) and ``GetObjectAttributes`` answered a ``Checksum`` holding only
    ``ChecksumType: FULL_OBJECT``.
    """
    from boto3.s3.transfer import TransferConfig

    source = tmp_path / "parts.bin"
    source.write_bytes(os.urandom(300 * 1024))
    resp = obs_client.uploadFile(bucket, "sums/esdk.bin", str(source), partSize=100 * 1024, taskNum=1)
    assert resp.status < 300, resp.errorMessage
    attributes = store.client.get_object_attributes(Bucket=bucket, Key="sums/esdk.bin",
                                                    ObjectAttributes=["Checksum", "ObjectSize"])
    assert attributes["ObjectSize"] == 300 * 1024
    assert "Checksum" not in attributes
    store.client.upload_file(str(source), bucket, "sums/boto.bin",  # botocore declares CRC32 on its own
                             Config=TransferConfig(multipart_threshold=100 * 1024, multipart_chunksize=100 * 1024))
    declared = store.client.head_object(Bucket=bucket, Key="sums/boto.bin", ChecksumMode="ENABLED")
    assert declared["ChecksumCRC32"]
    assert hashlib.md5(store.get(bucket, "sums/esdk.bin")).digest() == hashlib.md5(source.read_bytes()).digest()


def test_v2_signature_with_slashes_reaches_s3(store: ObsStore, bucket: str) -> None:
    """A v2 ``AWS ak:sig`` header whose base64 signature holds four ``/`` must not be taken for a SigV4 scope.

    Before the S3-only dispatcher, moto routed such a request to no backend and answered 500 (a flaky failure
    of about one request in a few hundred).
    """
    import requests

    store.put(bucket, "slashes/ok.txt", b"ok")
    resp = requests.get(f"{store.endpoint}/{bucket}/slashes/ok.txt", timeout=10,
                        headers={"Authorization": "AWS EMULATORAK:ab/cd/ef/gh/ij+kl=",
                                 "Date": "Fri, 27 Nov 2026 17:00:00 GMT"})
    assert resp.status_code == 200 and resp.content == b"ok"


def test_every_path_is_obs(store: ObsStore) -> None:
    """The endpoint is OBS only: moto's own API paths are object paths (a bucket ``moto-api``), as on OBS.

    Before the dispatcher sent every request to the one S3 app, ``/moto-api/data.json`` was routed to moto's own
    API and answered a 500 (and every request paid for moto's guess of the service).
    """
    import requests

    resp = requests.get(f"{store.endpoint}/moto-api/data.json", timeout=10)
    assert resp.status_code == 404 and b"<Code>NoSuchBucket</Code>" in resp.content
    store.ensure_bucket("moto-api")
    store.put("moto-api", "data.json", b"{}")
    assert store.get("moto-api", "data.json") == b"{}"  # signed, through the same endpoint
    assert requests.get(f"{store.endpoint}/moto-api/data.json", timeout=10).status_code == 403  # anonymous
