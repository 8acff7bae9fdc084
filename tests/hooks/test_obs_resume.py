"""Resumable multipart uploads of ``OBSHook``: a killed task's next try continues the same OBS upload.

Real parts only: the emulator's OBS over loopback HTTP, a real child process that is SIGKILLed mid-upload, and the
hook's own client in this process for the resumed try. Parts are counted by observing the client's ``uploadPart``
calls (each call still goes to the server); the server's ``ListParts``/``ListMultipartUploads`` are the truth of
what OBS holds.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_modelarts.client.config import ClientSettings
from airflow_provider_modelarts.hooks.obs import OBSHook
from airflow_provider_modelarts.hooks.obs_resume import record_file

KiB = 1024
PART = 256 * KiB
PARTS = 24
AK = "OBSRESUMETESTAK00001"
SK = "obs-resume-test-secret-7c1e"
HOOK_ARGS: dict[str, Any] = {"part_size": PART, "multipart_threshold": PART, "task_num": 2}

#: The task that gets killed: it uploads with the hook, and after ``sent`` parts every further part blocks, so that
#: the kill lands at a known point (parts that began before the block still complete on the server).
CHILD = """
import sys, threading
from airflow_provider_modelarts.client.config import ClientSettings
from airflow_provider_modelarts.hooks.obs import OBSHook
endpoint, source, url, record_dir, sent = sys.argv[1:6]
hook = OBSHook.from_settings(ClientSettings(ak=sys.argv[6], sk=sys.argv[7], obs_endpoint=endpoint, max_retries=0),
                             part_size=int(sys.argv[8]), multipart_threshold=int(sys.argv[8]), task_num=2,
                             upload_record_dir=record_dir, mask_secrets=False)
client = hook.get_conn()
real, lock, calls = client.uploadPart, threading.Lock(), [0]
def upload_part(*args, **kwargs):
    with lock:
        calls[0] += 1
        mine = calls[0]
    if mine > int(sent):
        threading.Event().wait()  # hang until killed
    return real(*args, **kwargs)
client.uploadPart = upload_part
hook.upload_file(source, url)
print("finished", flush=True)
"""


@pytest.fixture(scope="module")
def endpoint(emulator_server: Any) -> str:
    assert emulator_server.obs_url
    return str(emulator_server.obs_url)


@pytest.fixture
def hook(endpoint: str, tmp_path: Path) -> Iterator[OBSHook]:
    hook = OBSHook.from_settings(ClientSettings(ak=AK, sk=SK, obs_endpoint=endpoint, max_retries=0),
                                 upload_record_dir=tmp_path / "records", mask_secrets=False, **HOOK_ARGS)
    yield hook
    hook.close()


@pytest.fixture(scope="module")
def bucket(endpoint: str) -> str:
    hook = OBSHook.from_settings(ClientSettings(ak=AK, sk=SK, obs_endpoint=endpoint, max_retries=0),
                                 mask_secrets=False)
    name = f"obs-resume-{uuid.uuid4().hex[:10]}"
    hook.create_bucket(name)
    hook.close()
    return name


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "model.bin"
    path.write_bytes(os.urandom(PARTS * PART - 1000))  # the last part is shorter
    return path


def count_parts(hook: OBSHook) -> list[int]:
    """Observe the hook client's ``uploadPart`` calls (part numbers), passing each one through to the server."""
    client = hook.get_conn()
    real, seen = client.uploadPart, []

    def upload_part(bucket: str, key: str, number: int, *args: Any, **kwargs: Any) -> Any:
        seen.append(number)
        return real(bucket, key, number, *args, **kwargs)

    client.uploadPart = upload_part
    return seen


def open_uploads(hook: OBSHook, bucket: str, key: str) -> list[str]:
    from obs import ListMultipartUploadsRequest

    resp = hook.get_conn().listMultipartUploads(bucket, ListMultipartUploadsRequest(prefix=key))
    assert resp.status == 200, resp.errorMessage
    body = resp.body
    return [u.uploadId for u in (body.upload or []) if u.key == key]


def server_parts(hook: OBSHook, bucket: str, key: str, upload_id: str) -> list[int]:
    resp = hook.get_conn().listParts(bucket, key, upload_id)
    return sorted(p.partNumber for p in (resp.body.parts or [])) if resp.status < 300 else []


def md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def wait_for(predicate: Callable[[], Any], what: str, timeout: float = 120.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def test_killed_upload_resumes_and_sends_only_missing_parts(hook: OBSHook, bucket: str, source: Path,
                                                            endpoint: str, tmp_path: Path) -> None:
    key, sent = f"resume/{uuid.uuid4().hex}/model.bin", 7
    url = f"obs://{bucket}/{key}"
    record_dir = tmp_path / "records"
    record = record_file(record_dir, bucket, key, source.resolve())
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, endpoint, str(source), url, str(record_dir), str(sent), AK, SK, str(PART)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        upload_id = wait_for(lambda: record.exists() and json.loads(record.read_text())["upload_id"], "the record")
        wait_for(lambda: len(server_parts(hook, bucket, key, upload_id)) >= sent or child.poll() is not None,
                 "the first parts on OBS")
        assert child.poll() is None, child.communicate()
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == -signal.SIGKILL
    on_server = server_parts(hook, bucket, key, upload_id)
    assert on_server == list(range(1, sent + 1))  # the killed task got exactly `sent` parts onto OBS
    assert not hook.exists(url)

    resent = count_parts(hook)
    assert hook.upload_file(source, url) == url  # the next try of the task

    assert sorted(resent) == list(range(sent + 1, PARTS + 1))  # only the missing parts were sent again
    assert md5(hook.read_bytes(url)) == md5(source.read_bytes())
    assert not record.exists()
    assert open_uploads(hook, bucket, key) == []  # the killed upload was completed, not left open


def interrupted(hook: OBSHook, source: Path, url: str, after: int) -> None:
    """One try that loses its connection for every part after the first ``after`` (the record is kept)."""
    client = hook.get_conn()
    real = client.uploadPart

    def upload_part(bucket: str, key: str, number: int, *args: Any, **kwargs: Any) -> Any:
        if number > after:
            raise ConnectionResetError("connection reset by peer")
        return real(bucket, key, number, *args, **kwargs)

    client.uploadPart = upload_part
    with pytest.raises(Exception, match="connection reset"):
        hook.upload_file(source, url)
    client.uploadPart = real


def test_changed_file_restarts_and_aborts_the_old_upload(hook: OBSHook, bucket: str, source: Path,
                                                         tmp_path: Path) -> None:
    key = f"restart/{uuid.uuid4().hex}/model.bin"
    url = f"obs://{bucket}/{key}"
    interrupted(hook, source, url, after=3)
    [old] = open_uploads(hook, bucket, key)
    assert server_parts(hook, bucket, key, old) == [1, 2, 3]

    source.write_bytes(os.urandom(source.stat().st_size))  # same size, new content and mtime
    os.utime(source, ns=(time.time_ns(), time.time_ns() + 10**9))
    sent = count_parts(hook)
    hook.upload_file(source, url)
    assert sorted(sent) == list(range(1, PARTS + 1))  # an explicit restart sends every part
    assert md5(hook.read_bytes(url)) == md5(source.read_bytes())
    assert open_uploads(hook, bucket, key) == []  # the stale upload was aborted


def test_upload_gone_from_obs_restarts(hook: OBSHook, bucket: str, source: Path) -> None:
    key = f"gone/{uuid.uuid4().hex}/model.bin"
    url = f"obs://{bucket}/{key}"
    interrupted(hook, source, url, after=2)
    [old] = open_uploads(hook, bucket, key)
    assert hook.get_conn().abortMultipartUpload(bucket, key, old).status < 300  # e.g. a lifecycle rule
    sent = count_parts(hook)
    hook.upload_file(source, url)
    assert sorted(sent) == list(range(1, PARTS + 1))
    assert md5(hook.read_bytes(url)) == md5(source.read_bytes())


def test_interrupted_try_resumes_in_process(hook: OBSHook, bucket: str, source: Path) -> None:
    key = f"again/{uuid.uuid4().hex}/model.bin"
    url = f"obs://{bucket}/{key}"
    interrupted(hook, source, url, after=5)
    sent = count_parts(hook)
    hook.upload_file(source, url)
    assert sorted(sent) == list(range(6, PARTS + 1))
    assert md5(hook.read_bytes(url)) == md5(source.read_bytes())
